/* The regular-expression engine against Java's java.util.regex.
 *
 * Every expected match and group position below was produced by OpenJDK 17's
 * Pattern/Matcher (matches(), lookingAt(), find(from); for MATCHES and
 * LOOKINGAT with from > 0 a region from..n with transparent, non-anchoring
 * bounds), with offsets converted from chars to UTF-8 bytes.  Where kagent
 * follows a later JDK the row says so. */
#include <stdlib.h>
#include "t.h"
#include "rx.h"

#define S(s) s, sizeof s - 1

struct rx_case {
	const char *pat;
	size_t plen;
	const char *in;
	size_t ilen;
	enum rx_mode mode;
	int from;
	int match;
	int ngroups;
	int caps[22];	/* start, end of groups 0..ngroups when match */
};

static const struct rx_case rx_cases[] = {
	/* literals and escapes */
	{ S("abc"), S("abc"), RX_MATCHES, 0, 1, 0, { 0, 3 } },
	{ S("abc"), S("abd"), RX_MATCHES, 0, 0, 0, { -1 } },
	{ S("abc"), S("ab"), RX_MATCHES, 0, 0, 0, { -1 } },
	{ S("abc"), S("xxabcxx"), RX_FIND, 0, 1, 0, { 2, 5 } },
	{ S("abc"), S("abcdef"), RX_LOOKINGAT, 0, 1, 0, { 0, 3 } },
	{ S("abc"), S("xabc"), RX_LOOKINGAT, 0, 0, 0, { -1 } },
	{ S("a\\tb"), S("a\tb"), RX_MATCHES, 0, 1, 0, { 0, 3 } },
	{ S("\\n\\r\\f\\e\\a"), S("\n\r\014\033\007"), RX_MATCHES, 0, 1, 0, { 0, 5 } },
	{ S("\\x41\\x7a"), S("Az"), RX_MATCHES, 0, 1, 0, { 0, 2 } },
	{ S("\\x{41}\\x{1F600}"), S("A\360\237\230\200"), RX_MATCHES, 0, 1, 0, { 0, 5 } },
	{ S("\\u00e9"), S("\303\251"), RX_MATCHES, 0, 1, 0, { 0, 2 } },
	{ S("\\u20ac+"), S("\342\202\254\342\202\254"), RX_MATCHES, 0, 1, 0, { 0, 6 } },
	{ S("\\ud83d\\ude00"), S("\360\237\230\200"), RX_MATCHES, 0, 1, 0, { 0, 4 } },
	{ S("\\0101\\011\\0377"), S("A\t\303\277"), RX_MATCHES, 0, 1, 0, { 0, 4 } },
	{ S("\\cA\\cZ"), S("\001\032"), RX_MATCHES, 0, 1, 0, { 0, 2 } },
	{ S("\\.\\*\\+\\\?\\(\\)\\[\\]\\{\\}\\|\\^\\$\\\\"), S(".*+\?()[]{}|^$\\"), RX_MATCHES, 0, 1, 0, { 0, 14 } },
	{ S("a\\-b\\/c\\\"d"), S("a-b/c\"d"), RX_MATCHES, 0, 1, 0, { 0, 7 } },
	{ S("\\Qa.b*\\E"), S("a.b*"), RX_MATCHES, 0, 1, 0, { 0, 4 } },
	{ S("\\Qab\\E*"), S("abbb"), RX_MATCHES, 0, 1, 0, { 0, 4 } },
	{ S("\\Qab\\E*"), S("ababab"), RX_MATCHES, 0, 0, 0, { -1 } },
	{ S("x\\Q(\\E+"), S("x((("), RX_MATCHES, 0, 1, 0, { 0, 4 } },
	{ S("\\Qab"), S("ab"), RX_MATCHES, 0, 1, 0, { 0, 2 } },
	{ S("x}"), S("x}"), RX_MATCHES, 0, 1, 0, { 0, 2 } },
	{ S("a]"), S("a]"), RX_MATCHES, 0, 1, 0, { 0, 2 } },
	{ S("\303\251+"), S("\303\251\303\251"), RX_MATCHES, 0, 1, 0, { 0, 4 } },
	{ S("\303\251+"), S("\303\251\251"), RX_MATCHES, 0, 0, 0, { -1 } },
	{ S("caf\303\251"), S("caf\303\251"), RX_MATCHES, 0, 1, 0, { 0, 5 } },
	{ S(""), S(""), RX_MATCHES, 0, 1, 0, { 0, 0 } },
	{ S(""), S("a"), RX_MATCHES, 0, 0, 0, { -1 } },
	{ S(""), S("abc"), RX_FIND, 0, 1, 0, { 0, 0 } },
	{ S(""), S("abc"), RX_FIND, 2, 1, 0, { 2, 2 } },
	/* dot */
	{ S("."), S("a"), RX_MATCHES, 0, 1, 0, { 0, 1 } },
	{ S("."), S("\n"), RX_MATCHES, 0, 0, 0, { -1 } },
	{ S("."), S("\r"), RX_MATCHES, 0, 0, 0, { -1 } },
	{ S("."), S("\302\205"), RX_MATCHES, 0, 0, 0, { -1 } },
	{ S("."), S("\342\200\250"), RX_MATCHES, 0, 0, 0, { -1 } },
	{ S("."), S("\342\200\251"), RX_MATCHES, 0, 0, 0, { -1 } },
	{ S("."), S("\000"), RX_MATCHES, 0, 1, 0, { 0, 1 } },
	{ S("."), S("\303\251"), RX_MATCHES, 0, 1, 0, { 0, 2 } },
	{ S("."), S("\342\202\254"), RX_MATCHES, 0, 1, 0, { 0, 3 } },
	{ S("."), S("\360\237\230\200"), RX_MATCHES, 0, 1, 0, { 0, 4 } },
	{ S(".."), S("\303\251"), RX_MATCHES, 0, 0, 0, { -1 } },
	{ S("a.c"), S("a\342\202\254c"), RX_MATCHES, 0, 1, 0, { 0, 5 } },
	{ S("(.)(.)"), S("\303\251\342\202\254x"), RX_FIND, 0, 1, 2, { 0, 5, 0, 2, 2, 5 } },
	{ S(".*"), S("abc\ndef"), RX_MATCHES, 0, 0, 0, { -1 } },
	{ S(".*"), S("abc\ndef"), RX_FIND, 0, 1, 0, { 0, 3 } },
	{ S(".+"), S("abc\ndef"), RX_FIND, 3, 1, 0, { 4, 7 } },
	{ S("(.*)x"), S("\303\251\303\251x"), RX_MATCHES, 0, 1, 1, { 0, 5, 0, 4 } },
	/* classes */
	{ S("[abc]+"), S("abcba"), RX_MATCHES, 0, 1, 0, { 0, 5 } },
	{ S("[abc]+"), S("abd"), RX_MATCHES, 0, 0, 0, { -1 } },
	{ S("[a-z0-9_]+"), S("az09_"), RX_MATCHES, 0, 1, 0, { 0, 5 } },
	{ S("[a-z0-9_]+"), S("aZ"), RX_MATCHES, 0, 0, 0, { -1 } },
	{ S("[^\"]+"), S("abc"), RX_MATCHES, 0, 1, 0, { 0, 3 } },
	{ S("[^\"]+"), S("ab\"c"), RX_MATCHES, 0, 0, 0, { -1 } },
	{ S("[^\"]"), S("\303\251"), RX_MATCHES, 0, 1, 0, { 0, 2 } },
	{ S("[^\"]"), S("\360\237\230\200"), RX_MATCHES, 0, 1, 0, { 0, 4 } },
	{ S("[^a]"), S("\n"), RX_MATCHES, 0, 1, 0, { 0, 1 } },
	{ S("[\\w\\-]+"), S("a-b_9"), RX_MATCHES, 0, 1, 0, { 0, 5 } },
	{ S("[\\w\\-]+"), S("a.b"), RX_MATCHES, 0, 0, 0, { -1 } },
	{ S("[\\d\\.]+"), S("10.0.0.1"), RX_MATCHES, 0, 1, 0, { 0, 8 } },
	{ S("[]a]+"), S("]a]"), RX_MATCHES, 0, 1, 0, { 0, 3 } },
	{ S("[^]a]"), S("b"), RX_MATCHES, 0, 1, 0, { 0, 1 } },
	{ S("[^]a]"), S("]"), RX_MATCHES, 0, 0, 0, { -1 } },
	{ S("[a-]+"), S("a-a"), RX_MATCHES, 0, 1, 0, { 0, 3 } },
	{ S("[-a]+"), S("-a"), RX_MATCHES, 0, 1, 0, { 0, 2 } },
	{ S("[\\w-a]+"), S("x-"), RX_MATCHES, 0, 1, 0, { 0, 2 } },
	{ S("[a\\-z]+"), S("a-z"), RX_MATCHES, 0, 1, 0, { 0, 3 } },
	{ S("[a-z-9]+"), S("-9m"), RX_MATCHES, 0, 1, 0, { 0, 3 } },
	{ S("[\\]]"), S("]"), RX_MATCHES, 0, 1, 0, { 0, 1 } },
	{ S("[\\[]"), S("["), RX_MATCHES, 0, 1, 0, { 0, 1 } },
	{ S("[\\\\]"), S("\\"), RX_MATCHES, 0, 1, 0, { 0, 1 } },
	{ S("[\\^a]"), S("^"), RX_MATCHES, 0, 1, 0, { 0, 1 } },
	{ S("[a^]"), S("^"), RX_MATCHES, 0, 1, 0, { 0, 1 } },
	{ S("[.]"), S("."), RX_MATCHES, 0, 1, 0, { 0, 1 } },
	{ S("[.]"), S("a"), RX_MATCHES, 0, 0, 0, { -1 } },
	{ S("[*+\?{}()|$]+"), S("*+\?{}()|$"), RX_MATCHES, 0, 1, 0, { 0, 9 } },
	{ S("[\\t\\n]+"), S("\t\n"), RX_MATCHES, 0, 1, 0, { 0, 2 } },
	{ S("[\\x41-\\x43]+"), S("ABC"), RX_MATCHES, 0, 1, 0, { 0, 3 } },
	{ S("[\\x41-\\x43]+"), S("ABCD"), RX_MATCHES, 0, 0, 0, { -1 } },
	{ S("[\\u00e0-\\u00ff]+"), S("\303\251\303\240"), RX_MATCHES, 0, 1, 0, { 0, 4 } },
	{ S("[\303\240-\303\277]+"), S("\303\251\303\240"), RX_MATCHES, 0, 1, 0, { 0, 4 } },
	{ S("[^\303\240-\303\277]"), S("\303\251"), RX_MATCHES, 0, 0, 0, { -1 } },
	{ S("[^\303\240-\303\277]"), S("\303\200"), RX_MATCHES, 0, 1, 0, { 0, 2 } },
	{ S("[\\Qa-c\\E]+"), S("a-c"), RX_MATCHES, 0, 1, 0, { 0, 3 } },
	{ S("[\\Qa-c\\E]"), S("b"), RX_MATCHES, 0, 0, 0, { -1 } },
	{ S("[\\s]+"), S(" \t\n\013\014\r"), RX_MATCHES, 0, 1, 0, { 0, 6 } },
	{ S("[\\S]+"), S("ab\303\251"), RX_MATCHES, 0, 1, 0, { 0, 4 } },
	{ S("[\\D]"), S("\303\251"), RX_MATCHES, 0, 1, 0, { 0, 2 } },
	{ S("[\\W]"), S("\303\251"), RX_MATCHES, 0, 1, 0, { 0, 2 } },
	{ S("[^\\d]"), S("5"), RX_MATCHES, 0, 0, 0, { -1 } },
	{ S("[^\\D]"), S("5"), RX_MATCHES, 0, 1, 0, { 0, 1 } },
	{ S("[a&b]+"), S("a&b"), RX_MATCHES, 0, 1, 0, { 0, 3 } },
	{ S("[\\p{Lower}\\p{Digit}]+"), S("ab12"), RX_MATCHES, 0, 1, 0, { 0, 4 } },
	{ S("\\p{Upper}+"), S("ABC"), RX_MATCHES, 0, 1, 0, { 0, 3 } },
	{ S("\\P{Upper}+"), S("abc"), RX_MATCHES, 0, 1, 0, { 0, 3 } },
	{ S("\\p{Punct}+"), S("!/:@[`{~"), RX_MATCHES, 0, 1, 0, { 0, 8 } },
	{ S("\\p{XDigit}+"), S("09afAF"), RX_MATCHES, 0, 1, 0, { 0, 6 } },
	{ S("\\p{Alnum}+\\p{Space}\\p{Alpha}"), S("a1 b"), RX_MATCHES, 0, 1, 0, { 0, 4 } },
	/* shorthand classes */
	{ S("\\d+"), S("0123456789"), RX_MATCHES, 0, 1, 0, { 0, 10 } },
	{ S("\\d"), S("\331\243"), RX_MATCHES, 0, 0, 0, { -1 } },
	{ S("\\D"), S("a"), RX_MATCHES, 0, 1, 0, { 0, 1 } },
	{ S("\\D"), S("5"), RX_MATCHES, 0, 0, 0, { -1 } },
	{ S("\\w+"), S("azAZ09_"), RX_MATCHES, 0, 1, 0, { 0, 7 } },
	{ S("\\w"), S("\303\251"), RX_MATCHES, 0, 0, 0, { -1 } },
	{ S("\\W"), S("\303\251"), RX_MATCHES, 0, 1, 0, { 0, 2 } },
	{ S("\\W"), S("_"), RX_MATCHES, 0, 0, 0, { -1 } },
	{ S("\\s+"), S(" \t\n\013\014\r"), RX_MATCHES, 0, 1, 0, { 0, 6 } },
	{ S("\\s"), S("\302\240"), RX_MATCHES, 0, 0, 0, { -1 } },
	{ S("\\S"), S("\302\240"), RX_MATCHES, 0, 1, 0, { 0, 2 } },
	{ S("\\S"), S(" "), RX_MATCHES, 0, 0, 0, { -1 } },
	{ S("\\h+"), S(" \t\302\240\343\200\200"), RX_MATCHES, 0, 1, 0, { 0, 7 } },
	{ S("\\h"), S("\n"), RX_MATCHES, 0, 0, 0, { -1 } },
	{ S("\\v+"), S("\n\013\014\r\302\205\342\200\250"), RX_MATCHES, 0, 1, 0, { 0, 9 } },
	{ S("\\H\\V"), S("ab"), RX_MATCHES, 0, 1, 0, { 0, 2 } },
	/* anchors */
	{ S("^abc"), S("abc"), RX_FIND, 0, 1, 0, { 0, 3 } },
	{ S("^abc"), S("xabc"), RX_FIND, 0, 0, 0, { -1 } },
	{ S("^abc"), S("xabc"), RX_FIND, 1, 0, 0, { -1 } },
	{ S("abc$"), S("abc"), RX_FIND, 0, 1, 0, { 0, 3 } },
	{ S("abc$"), S("abc\n"), RX_FIND, 0, 1, 0, { 0, 3 } },
	{ S("abc$"), S("abc\r\n"), RX_FIND, 0, 1, 0, { 0, 3 } },
	{ S("abc$"), S("abc\r"), RX_FIND, 0, 1, 0, { 0, 3 } },
	{ S("abc$"), S("abc\n\n"), RX_FIND, 0, 0, 0, { -1 } },
	{ S("abc$"), S("abc\nx"), RX_FIND, 0, 0, 0, { -1 } },
	{ S("abc$"), S("abc\302\205"), RX_FIND, 0, 1, 0, { 0, 3 } },
	{ S("abc$"), S("abc\342\200\250"), RX_FIND, 0, 1, 0, { 0, 3 } },
	{ S("$"), S("abc\n"), RX_FIND, 0, 1, 0, { 3, 3 } },
	{ S("$"), S("a\r\n"), RX_FIND, 0, 1, 0, { 1, 1 } },
	{ S("abc$"), S("abc\n"), RX_MATCHES, 0, 0, 0, { -1 } },
	{ S("abc$\\n"), S("abc\n"), RX_MATCHES, 0, 1, 0, { 0, 4 } },
	{ S("^$"), S(""), RX_MATCHES, 0, 1, 0, { 0, 0 } },
	{ S("^$"), S("\n"), RX_FIND, 0, 1, 0, { 0, 0 } },
	{ S("a$\\n$"), S("a\n"), RX_FIND, 0, 1, 0, { 0, 2 } },
	{ S("\\Aab"), S("ab"), RX_FIND, 0, 1, 0, { 0, 2 } },
	{ S("\\Ab"), S("ab"), RX_FIND, 1, 0, 0, { -1 } },
	{ S("ab\\z"), S("ab\n"), RX_FIND, 0, 0, 0, { -1 } },
	{ S("ab\\z"), S("ab"), RX_FIND, 0, 1, 0, { 0, 2 } },
	{ S("ab\\Z"), S("ab\n"), RX_FIND, 0, 1, 0, { 0, 2 } },
	{ S("ab\\Z"), S("ab"), RX_FIND, 0, 1, 0, { 0, 2 } },
	{ S("x^"), S("x"), RX_FIND, 0, 0, 0, { -1 } },
	{ S("^*a"), S("a"), RX_MATCHES, 0, 1, 0, { 0, 1 } },
	{ S("(^a|b)+"), S("aab"), RX_FIND, 0, 1, 1, { 0, 1, 0, 1 } },
	{ S("(^a|b)+"), S("aab"), RX_FIND, 1, 1, 1, { 2, 3, 2, 3 } },
	/* word boundaries */
	{ S("\\bcat\\b"), S("a cat!"), RX_FIND, 0, 1, 0, { 2, 5 } },
	{ S("\\bcat\\b"), S("concat"), RX_FIND, 0, 0, 0, { -1 } },
	{ S("\\bcat\\b"), S("cat"), RX_FIND, 0, 1, 0, { 0, 3 } },
	{ S("\\Bcat"), S("concat"), RX_FIND, 0, 1, 0, { 3, 6 } },
	{ S("\\Bcat"), S("cat"), RX_FIND, 0, 0, 0, { -1 } },
	{ S("\\b"), S(""), RX_FIND, 0, 0, 0, { -1 } },
	{ S("\\B"), S(""), RX_FIND, 0, 1, 0, { 0, 0 } },
	{ S("\\b"), S(" "), RX_FIND, 0, 0, 0, { -1 } },
	{ S("\\B"), S(" "), RX_FIND, 0, 1, 0, { 0, 0 } },
	{ S("\\b\\w+\\b"), S("  foo_1 bar"), RX_FIND, 0, 1, 0, { 2, 7 } },
	{ S("\\b."), S("--ab"), RX_FIND, 0, 1, 0, { 2, 3 } },
	{ S("\\b"), S("ab cd"), RX_FIND, 3, 1, 0, { 3, 3 } },
	{ S("\\bb"), S("ab"), RX_FIND, 2, 0, 0, { -1 } },
	{ S("\\Bb"), S("ab"), RX_FIND, 1, 1, 0, { 1, 2 } },
	{ S("a\\b"), S("a\303\251"), RX_FIND, 0, 1, 0, { 0, 1 } }, /* JDK 19+: \b is ASCII; JDK 17 says NO 0 */
	/* groups */
	{ S("(a)(b)(c)"), S("abc"), RX_MATCHES, 0, 1, 3, { 0, 3, 0, 1, 1, 2, 2, 3 } },
	/* a named group is numbered as the others (Java's names are not
	 * kept: customFieldNames names the fields) */
	{ S("(\?<host>\\S+) (\\S+) (\?<When2>[^ ]+)"), S("gw - 12:00"), RX_MATCHES, 0, 1, 3,
	  { 0, 10, 0, 2, 3, 4, 5, 10 } },
	{ S("(\?<a>x(\?<ab>y))(\?<b>z)?"), S("xy"), RX_MATCHES, 0, 1, 3, { 0, 2, 0, 2, 1, 2, -1, -1 } },
	{ S("(a(b(c)))"), S("abc"), RX_MATCHES, 0, 1, 3, { 0, 3, 0, 3, 1, 3, 2, 3 } },
	{ S("((a)|(b))+"), S("ab"), RX_MATCHES, 0, 1, 3, { 0, 2, 1, 2, 0, 1, 1, 2 } },
	{ S("((a)|(b))+"), S("ba"), RX_MATCHES, 0, 1, 3, { 0, 2, 1, 2, 1, 2, 0, 1 } },
	{ S("(\?:a(b))+"), S("abab"), RX_MATCHES, 0, 1, 1, { 0, 4, 3, 4 } },
	{ S("(\?:(a)|b)+"), S("ab"), RX_MATCHES, 0, 1, 1, { 0, 2, 0, 1 } },
	{ S("(\?:(a)|(b))+"), S("abba"), RX_MATCHES, 0, 1, 2, { 0, 4, 3, 4, 2, 3 } },
	{ S("(a)|(b)"), S("b"), RX_MATCHES, 0, 1, 2, { 0, 1, -1, -1, 0, 1 } },
	{ S("(a)\?b"), S("b"), RX_MATCHES, 0, 1, 1, { 0, 1, -1, -1 } },
	{ S("(a)\?b"), S("ab"), RX_MATCHES, 0, 1, 1, { 0, 2, 0, 1 } },
	{ S("(a*)+"), S("aa"), RX_MATCHES, 0, 1, 1, { 0, 2, 2, 2 } },
	{ S("(a*)*"), S("aa"), RX_MATCHES, 0, 1, 1, { 0, 2, 2, 2 } },
	{ S("(a*)*"), S(""), RX_MATCHES, 0, 1, 1, { 0, 0, 0, 0 } },
	{ S("(a*)*"), S("b"), RX_FIND, 0, 1, 1, { 0, 0, 0, 0 } },
	{ S("(a*)+"), S("b"), RX_FIND, 0, 1, 1, { 0, 0, 0, 0 } },
	{ S("(a|)*"), S("aa"), RX_MATCHES, 0, 1, 1, { 0, 2, 2, 2 } },
	{ S("(|a)*"), S("aa"), RX_MATCHES, 0, 1, 1, { 0, 2, 2, 2 } },
	{ S("(|a)+"), S("a"), RX_MATCHES, 0, 1, 1, { 0, 1, 1, 1 } },
	{ S("(|a){1,2}"), S("a"), RX_MATCHES, 0, 1, 1, { 0, 1, 1, 1 } },
	{ S("(a\?){3}"), S("a"), RX_MATCHES, 0, 1, 1, { 0, 1, 1, 1 } },
	{ S("(a\?){2}"), S("aa"), RX_MATCHES, 0, 1, 1, { 0, 2, 1, 2 } },
	{ S("(a\?){2,4}"), S("aaa"), RX_MATCHES, 0, 1, 1, { 0, 3, 3, 3 } },
	{ S("(a\?)*\?b"), S("aab"), RX_MATCHES, 0, 1, 1, { 0, 3, 1, 2 } },
	{ S("()"), S(""), RX_MATCHES, 0, 1, 1, { 0, 0, 0, 0 } },
	{ S("()a"), S("a"), RX_MATCHES, 0, 1, 1, { 0, 1, 0, 0 } },
	{ S("(()|a)+"), S("aa"), RX_MATCHES, 0, 1, 2, { 0, 2, 2, 2, 2, 2 } },
	{ S("(a|ab)(c|bcd)(d*)"), S("abcd"), RX_MATCHES, 0, 1, 3, { 0, 4, 0, 1, 1, 4, 4, 4 } },
	{ S("(a+)(b+)\?"), S("aab"), RX_FIND, 0, 1, 2, { 0, 3, 0, 2, 2, 3 } },
	{ S("(\\w+)@(\\w+)\\.com"), S("me@example.com"), RX_MATCHES, 0, 1, 2, { 0, 14, 0, 2, 3, 10 } },
	{ S("(\\d+)-(\\d+)"), S("tel 555-1234 x"), RX_FIND, 0, 1, 2, { 4, 12, 4, 7, 8, 12 } },
	{ S("((a)|b)*"), S("aab"), RX_MATCHES, 0, 1, 2, { 0, 3, 2, 3, 1, 2 } },
	{ S("((a)|b)*"), S("aba"), RX_MATCHES, 0, 1, 2, { 0, 3, 2, 3, 2, 3 } },
	{ S("(\?:x(y)\?)+"), S("xyx"), RX_MATCHES, 0, 1, 1, { 0, 3, 1, 2 } },
	{ S("(a)(\?:b(c))\?"), S("ab"), RX_MATCHES, 0, 0, 2, { -1 } },
	/* alternation */
	{ S("a|ab"), S("ab"), RX_FIND, 0, 1, 0, { 0, 1 } },
	{ S("ab|a"), S("ab"), RX_FIND, 0, 1, 0, { 0, 2 } },
	{ S("a|ab"), S("ab"), RX_MATCHES, 0, 1, 0, { 0, 2 } },
	{ S("a|ab"), S("ab"), RX_LOOKINGAT, 0, 1, 0, { 0, 1 } },
	{ S("ab|a"), S("ab"), RX_LOOKINGAT, 0, 1, 0, { 0, 2 } },
	{ S("cat|dog"), S("hotdog"), RX_FIND, 0, 1, 0, { 3, 6 } },
	{ S("x(a|b|c)y"), S("xcy"), RX_FIND, 0, 1, 1, { 0, 3, 1, 2 } },
	{ S("|a"), S("a"), RX_MATCHES, 0, 1, 0, { 0, 1 } },
	{ S("a|"), S(""), RX_MATCHES, 0, 1, 0, { 0, 0 } },
	{ S("(a|b|)+"), S("abc"), RX_FIND, 0, 1, 1, { 0, 2, 2, 2 } },
	{ S("(foo|foobar)bar"), S("foobar"), RX_MATCHES, 0, 1, 1, { 0, 6, 0, 3 } },
	{ S("(foo|foobar)(bar)\?"), S("foobar"), RX_MATCHES, 0, 1, 2, { 0, 6, 0, 3, 3, 6 } },
	{ S("(a|ab)(c|bcd)"), S("abcd"), RX_FIND, 0, 1, 2, { 0, 4, 0, 1, 1, 4 } },
	/* greedy and lazy */
	{ S("a*"), S("aaa"), RX_FIND, 0, 1, 0, { 0, 3 } },
	{ S("a*\?"), S("aaa"), RX_FIND, 0, 1, 0, { 0, 0 } },
	{ S("a+\?"), S("aaa"), RX_FIND, 0, 1, 0, { 0, 1 } },
	{ S("a\?\?"), S("a"), RX_FIND, 0, 1, 0, { 0, 0 } },
	{ S("a\?"), S("a"), RX_FIND, 0, 1, 0, { 0, 1 } },
	{ S("<(.+)>"), S("<a><b>"), RX_FIND, 0, 1, 1, { 0, 6, 1, 5 } },
	{ S("<(.+\?)>"), S("<a><b>"), RX_FIND, 0, 1, 1, { 0, 3, 1, 2 } },
	{ S("<(.*\?)>"), S("<><b>"), RX_FIND, 0, 1, 1, { 0, 2, 1, 1 } },
	{ S("(a+\?)(a*)"), S("aaa"), RX_MATCHES, 0, 1, 2, { 0, 3, 0, 1, 1, 3 } },
	{ S("(a*\?)(a*)"), S("aaa"), RX_MATCHES, 0, 1, 2, { 0, 3, 0, 0, 0, 3 } },
	{ S("(a{2,3}\?)(a*)"), S("aaaa"), RX_MATCHES, 0, 1, 2, { 0, 4, 0, 2, 2, 4 } },
	{ S("(a{2,}\?)(a*)"), S("aaaa"), RX_MATCHES, 0, 1, 2, { 0, 4, 0, 2, 2, 4 } },
	{ S("(a{2,})(a*)"), S("aaaa"), RX_MATCHES, 0, 1, 2, { 0, 4, 0, 4, 4, 4 } },
	{ S("a{2}"), S("aaaa"), RX_FIND, 0, 1, 0, { 0, 2 } },
	{ S("a{2,3}"), S("aaaa"), RX_FIND, 0, 1, 0, { 0, 3 } },
	{ S("a{2,}"), S("aaaaa"), RX_FIND, 0, 1, 0, { 0, 5 } },
	{ S("a{0}"), S(""), RX_MATCHES, 0, 1, 0, { 0, 0 } },
	{ S("(a){0}b"), S("b"), RX_MATCHES, 0, 1, 1, { 0, 1, -1, -1 } },
	{ S("a{0,0}b"), S("b"), RX_MATCHES, 0, 1, 0, { 0, 1 } },
	{ S("a{3}"), S("aa"), RX_MATCHES, 0, 0, 0, { -1 } },
	{ S("a{1,3}"), S("aaaa"), RX_MATCHES, 0, 0, 0, { -1 } },
	{ S("(ab){2}"), S("abab"), RX_MATCHES, 0, 1, 1, { 0, 4, 2, 4 } },
	{ S("(ab){1,2}\?(ab)*"), S("ababab"), RX_MATCHES, 0, 1, 2, { 0, 6, 0, 2, 4, 6 } },
	{ S("x{2}y{0,2}z{1,}"), S("xxyzz"), RX_MATCHES, 0, 1, 0, { 0, 5 } },
	{ S("(\\d{1,3})\\.(\\d{1,3})"), S("v1.22.333"), RX_FIND, 0, 1, 2, { 1, 5, 1, 2, 3, 5 } },
	{ S("(\?:a|b){3,5}"), S("ababa"), RX_MATCHES, 0, 1, 0, { 0, 5 } },
	{ S("(\?:a|b){3,5}"), S("ababab"), RX_MATCHES, 0, 0, 0, { -1 } },
	{ S("(a|b)*\?b"), S("aab"), RX_FIND, 0, 1, 1, { 0, 3, 1, 2 } },
	{ S(".*\?x"), S("abxcx"), RX_FIND, 0, 1, 0, { 0, 3 } },
	{ S(".*x"), S("abxcx"), RX_FIND, 0, 1, 0, { 0, 5 } },
	{ S("(.*)(\\d+)"), S("abc123"), RX_MATCHES, 0, 1, 2, { 0, 6, 0, 5, 5, 6 } },
	{ S("(.*\?)(\\d+)"), S("abc123"), RX_MATCHES, 0, 1, 2, { 0, 6, 0, 3, 3, 6 } },
	{ S("(a+)+b"), S("aaab"), RX_MATCHES, 0, 1, 1, { 0, 4, 0, 3 } },
	{ S("(x+x+)+y"), S("xxxxy"), RX_MATCHES, 0, 1, 1, { 0, 5, 0, 4 } },
	/* modes and from */
	{ S("bc"), S("abc"), RX_MATCHES, 1, 1, 0, { 1, 3 } },
	{ S("bc"), S("abc"), RX_MATCHES, 2, 0, 0, { -1 } },
	{ S("b"), S("abc"), RX_LOOKINGAT, 1, 1, 0, { 1, 2 } },
	{ S("c"), S("abc"), RX_LOOKINGAT, 1, 0, 0, { -1 } },
	{ S("a"), S("aba"), RX_FIND, 1, 1, 0, { 2, 3 } },
	{ S("a"), S("aba"), RX_FIND, 2, 1, 0, { 2, 3 } },
	{ S("a"), S("aba"), RX_FIND, 3, 0, 0, { -1 } },
	{ S(""), S("aba"), RX_FIND, 3, 1, 0, { 3, 3 } },
	{ S("\\w+"), S("ab cd"), RX_FIND, 1, 1, 0, { 1, 2 } },
	{ S("\\bcd"), S("ab cd"), RX_LOOKINGAT, 2, 0, 0, { -1 } },
	{ S("cd"), S("ab cd"), RX_MATCHES, 3, 1, 0, { 3, 5 } },
	{ S("^a"), S("aba"), RX_FIND, 1, 0, 0, { -1 } },
	{ S("a"), S("a\n"), RX_MATCHES, 0, 0, 0, { -1 } },
	{ S("a"), S("a\n"), RX_LOOKINGAT, 0, 1, 0, { 0, 1 } },
	{ S("a\\n\?"), S("a\n"), RX_MATCHES, 0, 1, 0, { 0, 2 } },
	{ S("(a|ab)(c|b)\?"), S("abc"), RX_LOOKINGAT, 0, 1, 2, { 0, 2, 0, 1, 1, 2 } },
	{ S("(a|ab)(c|b)\?"), S("abc"), RX_MATCHES, 0, 1, 2, { 0, 3, 0, 2, 2, 3 } },
	{ S("b*"), S("abc"), RX_FIND, 0, 1, 0, { 0, 0 } },
	{ S("b*"), S("abc"), RX_FIND, 1, 1, 0, { 1, 2 } },
	{ S("b*"), S("abc"), RX_FIND, 2, 1, 0, { 2, 2 } },
	/* groups around what matches nothing, quantified (Java GroupCurly) */
	{ S("()*"), S("b"), RX_FIND, 0, 1, 1, { 0, 0, -1, -1 } },
	{ S("()\?"), S("b"), RX_FIND, 0, 1, 1, { 0, 0, 0, 0 } },
	{ S("(){0,2}"), S("b"), RX_FIND, 0, 1, 1, { 0, 0, -1, -1 } },
	{ S("(){1,2}"), S("b"), RX_FIND, 0, 1, 1, { 0, 0, 0, 0 } },
	{ S("(a\?)*"), S("b"), RX_FIND, 0, 1, 1, { 0, 0, 0, 0 } },
	{ S("(a\?){0,2}"), S("b"), RX_FIND, 0, 1, 1, { 0, 0, 0, 0 } },
	{ S("(a\?)\?"), S("b"), RX_FIND, 0, 1, 1, { 0, 0, 0, 0 } },
	{ S("(a*)*"), S("b"), RX_FIND, 0, 1, 1, { 0, 0, 0, 0 } },
	{ S("(\?:(a\?))*"), S("b"), RX_FIND, 0, 1, 1, { 0, 0, 0, 0 } },
	{ S("(|a)*"), S("b"), RX_FIND, 0, 1, 1, { 0, 0, 0, 0 } },
	{ S("(a|)*"), S("b"), RX_FIND, 0, 1, 1, { 0, 0, 0, 0 } },
	{ S("(a|)*"), S("ab"), RX_FIND, 0, 1, 1, { 0, 1, 1, 1 } },
	{ S("(a|)*\?"), S("b"), RX_FIND, 0, 1, 1, { 0, 0, -1, -1 } },
	{ S("(a|)\?"), S("b"), RX_FIND, 0, 1, 1, { 0, 0, 0, 0 } },
	{ S("(a|){0,2}"), S("b"), RX_FIND, 0, 1, 1, { 0, 0, 0, 0 } },
	{ S("(a|){1,2}"), S("b"), RX_FIND, 0, 1, 1, { 0, 0, 0, 0 } },
	{ S("(a|){1,2}"), S("a"), RX_FIND, 0, 1, 1, { 0, 1, 1, 1 } },
	{ S("(a|)+"), S("a"), RX_FIND, 0, 1, 1, { 0, 1, 1, 1 } },
	{ S("()+"), S("b"), RX_FIND, 0, 1, 1, { 0, 0, 0, 0 } },
	{ S("(a\?)+"), S("b"), RX_FIND, 0, 1, 1, { 0, 0, 0, 0 } },
	{ S("(a\?)+"), S("aa"), RX_FIND, 0, 1, 1, { 0, 2, 2, 2 } },
	{ S("(\\b)*"), S("b"), RX_FIND, 0, 1, 1, { 0, 0, -1, -1 } },
	{ S("(^)*"), S("b"), RX_FIND, 0, 1, 1, { 0, 0, -1, -1 } },
	{ S("(\?:(^)|b)*"), S("b"), RX_FIND, 0, 1, 1, { 0, 0, 0, 0 } },
	/* a failed start leaves no group set for the next (the backtracker
	 * keeps nothing to undo before its first choice) */
	{ S("(a)b|c"), S("ac"), RX_FIND, 0, 1, 1, { 1, 2, -1, -1 } },
	{ S("(\\S+) (x)|(y)"), S("ab cy"), RX_FIND, 0, 1, 3, { 4, 5, -1, -1, -1, -1, 4, 5 } },
	/* a loop that never gives back, stopped by a character above ASCII */
	{ S("[a-z]+\\u00e9"), S("ab\303\251"), RX_MATCHES, 0, 1, 0, { 0, 4 } },
	{ S("[^ ]+ x"), S("a\303\251b x"), RX_MATCHES, 0, 1, 0, { 0, 6 } },
	/* a loop giving back only to where what follows can start */
	{ S("^(.*)x(.*)$"), S("axbxc"), RX_MATCHES, 0, 1, 2, { 0, 5, 0, 3, 4, 5 } },
	{ S("(.*) "), S("a b c"), RX_FIND, 0, 1, 1, { 0, 4, 0, 3 } },
	{ S("(.*)xx"), S("axxb"), RX_FIND, 0, 1, 1, { 0, 3, 0, 1 } },
	{ S("(.*)\\u00e9"), S("a\303\251b\303\251"), RX_FIND, 0, 1, 1, { 0, 6, 0, 4 } },
	{ S("(\\S*)\\S"), S("abc"), RX_MATCHES, 0, 1, 1, { 0, 3, 0, 2 } },
	{ S("\"([^\"]*) (\\S+)\""), S("\"GET /a b HTTP/1.1\" x"), RX_FIND, 0, 1, 2, { 0, 19, 1, 9, 10, 18 } },
};

static const char *const rx_mode_name[] = { "MATCHES", "LOOKINGAT", "FIND" };

/* Runs one case; on a difference reports it and returns 0. */
static int rx_check(const char *file, int line, size_t row, const char *pat, size_t plen, const char *in,
    size_t ilen, enum rx_mode mode, int from, int match, int ngroups, const int *want)
{
	char err[128];
	int caps[2 * 34], got;
	struct rx *rx = rx_compile(pat, plen, err, sizeof err);

	if (!rx) {
		t_fail(file, line, "row %zu /%.*s/: %s", row, (int)plen, pat, err);
		return 0;
	}
	if (rx_groups(rx) != ngroups) {
		t_fail(file, line, "row %zu /%.*s/: %d groups, expected %d", row, (int)plen, pat,
		    rx_groups(rx), ngroups);
		return 0;
	}
	memset(caps, 0x55, sizeof caps);
	got = rx_exec(rx, in, ilen, from, mode, caps, 34);
	if (got != match) {
		t_fail(file, line, "row %zu /%.*s/ %s from %d on \"%.*s\": %d, expected %d", row, (int)plen, pat,
		    rx_mode_name[mode], from, (int)ilen, in, got, match);
		return 0;
	}
	for (int g = 0; g < 34; g++) {
		int ws = -1, we = -1;
		if (match && g <= ngroups) {
			ws = want[2 * g];
			we = want[2 * g + 1];
		}
		if (caps[2 * g] != ws || caps[2 * g + 1] != we) {
			t_fail(file, line, "row %zu /%.*s/ %s from %d on \"%.*s\": group %d (%d,%d), expected (%d,%d)",
			    row, (int)plen, pat, rx_mode_name[mode], from, (int)ilen, in, g,
			    caps[2 * g], caps[2 * g + 1], ws, we);
			return 0;
		}
	}
	return 1;
}

T(rx_java_table)
{
	size_t n = sizeof rx_cases / sizeof rx_cases[0];

	T_TRUE(n >= 250);
	for (size_t i = 0; i < n; i++) {
		const struct rx_case *c = &rx_cases[i];
		if (!rx_check(__FILE__, __LINE__, i, c->pat, c->plen, c->in, c->ilen, c->mode, c->from,
		    c->match, c->ngroups, c->caps))
			return;
	}
}

/* The Java agent's built-in formats (PatternConstants.java of
 * awslabs/amazon-kinesis-agent), spelled the same way. */
#define INT		"(?:[+-]?(?:[0-9]+))"
#define POSINT		"(?:[1-9][0-9]*)"
#define NONNEGINT	"(?:[0-9]+)"
#define ANYDATA		".*"
#define WORD		"\\w+"
#define NOQUOTE		"[^\"]+"
#define IP		"(?:[\\d\\.]+)"
#define HOSTNAME	"(?:[\\w\\-]+)(?:\\.(?:[\\w\\-]+))*(?:\\.\?|\\b)"
#define IPORHOST	"(?:" HOSTNAME "|" IP ")"
#define URIHOST		"(?:" IPORHOST "(?::" POSINT ")\?)"
#define USER		"(?:[a-zA-Z0-9._-]+)"
#define MONTHDAY	"(?:(?:0[1-9])|(?:[12][0-9])|(?:3[01])|[1-9])"
#define DAY		"(?:Mon(?:day)\?|Tue(?:sday)\?|Wed(?:nesday)\?|Thu(?:rsday)\?|Fri(?:day)\?|Sat(?:urday)\?|Sun(?:day)\?)"
#define MONTH		"\\b(?:Jan(?:uary)\?|Feb(?:ruary)\?|Mar(?:ch)\?|Apr(?:il)\?|May|Jun(?:e)\?|Jul(?:y)\?|Aug(?:ust)\?" \
			"|Sep(?:tember)\?|Oct(?:ober)\?|Nov(?:ember)\?|Dec(?:ember)\?)\\b"
#define YEAR		"(?:[1-9]\\d*)"
#define HOUR		"(?:2[0123]|[01]\?[0-9])"
#define MINUTE		"(?:[0-5][0-9])"
#define SECOND		"(?:(?:[0-5]\?[0-9]|60)(?:[:\\.,][0-9]+)\?)"
#define TIME		"(?:" HOUR ":" MINUTE ":" SECOND ")"
#define HTTPDATE	"(?:" MONTHDAY "/" MONTH "/" YEAR ":" TIME "\\s" INT ")"
#define APACHEERRORLOGTIMESTAMP "(?:" DAY "\\s+" MONTH "\\s+" MONTHDAY "\\s+" TIME "\\s+" YEAR ")"
#define SYSLOGTIMESTAMP	"(?:" MONTH "\\s+" MONTHDAY "\\s+" TIME ")"
#define RFC3339		"(?:\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(?:\\.\\d+)\?)(?:Z|(?:[-+]\\d{2}:\\d{2}))"
#define SYSLOGFACILITY	"<" NONNEGINT "." NONNEGINT ">"
#define PROG		"([\\w\\._/%-]+)"
#define SYSLOGPROG	PROG "(?:\\[(" POSINT ")\\])\?"
#define COMMON_APACHE_LOG "^(" IPORHOST ") (" USER ") (" USER ") \\[(" HTTPDATE ")\\] \"(" NOQUOTE ")\" " \
			"(" INT "|\\-) (" INT "|\\-)"
#define COMBINED_APACHE_LOG COMMON_APACHE_LOG " \"(" NOQUOTE ")\" \"(" NOQUOTE ")\""
#define APACHE_ERROR_LOG "^\\[(" APACHEERRORLOGTIMESTAMP ")\\] \\[(?:(" WORD "):)\?(" WORD ")\\] " \
			"\\[pid (" NONNEGINT ")(?::tid (" NONNEGINT "))\?\\] \\[client (" URIHOST ")\\] (" ANYDATA ")"
#define SYSLOG_BASE	"^(" SYSLOGTIMESTAMP ") (?:" SYSLOGFACILITY " )\?(" USER ") " SYSLOGPROG ": (" ANYDATA ")"
#define RFC3339_SYSLOG_BASE "^(" RFC3339 ") (?:" SYSLOGFACILITY " )\?(" USER ") " SYSLOGPROG ": (" ANYDATA ")"
/* ApacheLogParser adds ".*" to the two access-log formats */
#define COMMONAPACHELOG		S(COMMON_APACHE_LOG ".*"), 7
#define COMBINEDAPACHELOG	S(COMBINED_APACHE_LOG ".*"), 9
#define APACHEERRORLOG		S(APACHE_ERROR_LOG), 7
#define SYSLOG			S(SYSLOG_BASE), 5
#define RFC3339SYSLOG		S(RFC3339_SYSLOG_BASE), 5

struct rx_agent_case {
	const char *pat;
	size_t plen;
	int ngroups;
	const char *in;
	size_t ilen;
	int match;
	int caps[22];
};

/* Java's parsers call matches() on each record. */
static const struct rx_agent_case rx_agent_cases[] = {
	{ COMMONAPACHELOG, S("127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] \"GET /apache_pb.gif HTTP/1.0\" 200 2326"), 1, { 0, 85, 0, 9, 10, 11, 12, 17, 19, 45, 48, 75, 77, 80, 81, 85 } },
	{ COMMONAPACHELOG, S("192.168.1.20 user-identifier frank [10/Oct/2000:13:55:36 -0700] \"GET /apache_pb.gif HTTP/1.0\" 200 -"), 1, { 0, 99, 0, 12, 13, 28, 29, 34, 36, 62, 65, 92, 94, 97, 98, 99 } },
	{ COMMONAPACHELOG, S("ip-10-0-0-1.ec2.internal - - [21/Jan/2024:03:04:05 +0000] \"POST /api/v1/items\?id=5 HTTP/1.1\" 404 153 extra"), 1, { 0, 106, 0, 24, 25, 26, 27, 28, 30, 56, 59, 91, 93, 96, 97, 100 } },
	{ COMMONAPACHELOG, S("www.example.com - - [1/Feb/2024:23:59:60.123 +0100] \"GET / HTTP/2\" - -"), 1, { 0, 70, 0, 15, 16, 17, 18, 19, 21, 50, 53, 65, 67, 68, 69, 70 } },
	{ COMMONAPACHELOG, S("127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] GET /apache_pb.gif HTTP/1.0 200 2326"), 0, {  } },
	{ COMMONAPACHELOG, S("127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] \"GET /apache_pb.gif HTTP/1.0\" 200 2326\n"), 0, {  } },
	{ COMBINEDAPACHELOG, S("127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] \"GET /apache_pb.gif HTTP/1.0\" 200 2326 \"http://www.example.com/start.html\" \"Mozilla/4.08 [en] (Win98; I ;Nav)\""), 1, { 0, 157, 0, 9, 10, 11, 12, 17, 19, 45, 48, 75, 77, 80, 81, 85, 87, 120, 123, 156 } },
	{ COMBINEDAPACHELOG, S("10.1.2.3 - - [29/Feb/2020:08:15:00 +0530] \"GET /index.html HTTP/1.1\" 304 0 \"-\" \"curl/8.0 \303\251t\303\251\""), 1, { 0, 95, 0, 8, 9, 10, 11, 12, 14, 40, 43, 67, 69, 72, 73, 74, 76, 77, 80, 94 } },
	{ COMBINEDAPACHELOG, S("127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] \"GET /apache_pb.gif HTTP/1.0\" 200 2326"), 0, {  } },
	{ APACHEERRORLOG, S("[Fri Sep 09 10:42:29.902022 2011] [core:error] [pid 35708:tid 4328636416] [client 72.15.99.187] File does not exist: /usr/local/apache2/htdocs/favicon.ico"), 1, { 0, 154, 1, 32, 35, 39, 40, 45, 52, 57, 62, 72, 82, 94, 96, 154 } },
	{ APACHEERRORLOG, S("[Wed Oct 11 14:32:52 2000] [error] [pid 1234] [client 127.0.0.1:8080] client denied by server configuration: /export/home/live/ap/htdocs/test"), 1, { 0, 141, 1, 25, -1, -1, 28, 33, 40, 44, -1, -1, 54, 68, 70, 141 } },
	{ APACHEERRORLOG, S("[Wednesday October 11 14:32:52 2000] [warn] [pid 1] [client www.example.com] "), 1, { 0, 77, 1, 35, -1, -1, 38, 42, 49, 50, -1, -1, 60, 75, 77, 77 } },
	{ APACHEERRORLOG, S("[Wed Oct 11 14:32:52 2000] [error] [client 127.0.0.1] missing pid"), 0, {  } },
	{ SYSLOG, S("Mar  7 04:02:16 ip-10-0-0-1 sshd[1234]: Accepted publickey for ec2-user from 10.0.0.2 port 52311 ssh2"), 1, { 0, 101, 0, 15, 16, 27, 28, 32, 33, 37, 40, 101 } },
	{ SYSLOG, S("Dec 31 23:59:59 host kernel: [    0.000000] Linux version 5.10"), 1, { 0, 62, 0, 15, 16, 20, 21, 27, -1, -1, 29, 62 } },
	{ SYSLOG, S("Jan 1 00:00:00 myhost <13.6> cron[99]: (root) CMD (run-parts /etc/cron.hourly)"), 0, {  } },
	{ SYSLOG, S("Sept 1 00:00:00 host prog: bad month"), 0, {  } },
	{ SYSLOG, S("Oct 11 22:14:15 mymachine su: 'su root' failed for lonvick on /dev/pts/8"), 1, { 0, 72, 0, 15, 16, 25, 26, 28, -1, -1, 30, 72 } },
	{ RFC3339SYSLOG, S("2024-03-07T04:02:16.123456+00:00 ip-10-0-0-1 sshd[1234]: Accepted publickey for ec2-user"), 1, { 0, 88, 0, 32, 33, 44, 45, 49, 50, 54, 57, 88 } },
	{ RFC3339SYSLOG, S("2003-10-11T22:14:15.003Z mymachine.example.com su: 'su root' failed for lonvick on /dev/pts/8"), 1, { 0, 93, 0, 24, 25, 46, 47, 49, -1, -1, 51, 93 } },
	{ RFC3339SYSLOG, S("2003-08-24T05:14:15-07:00 192.0.2.1 myproc[8710]: %% It's time to make the do-nuts."), 1, { 0, 83, 0, 25, 26, 35, 36, 42, 43, 47, 50, 83 } },
	{ RFC3339SYSLOG, S("2003-08-24 05:14:15 host prog: no T"), 0, {  } },
};

T(rx_java_agent_formats)
{
	for (size_t i = 0; i < sizeof rx_agent_cases / sizeof rx_agent_cases[0]; i++) {
		const struct rx_agent_case *c = &rx_agent_cases[i];
		if (!rx_check(__FILE__, __LINE__, i, c->pat, c->plen, c->in, c->ilen, RX_MATCHES, 0, c->match,
		    c->ngroups, c->caps))
			return;
	}
}

/* Refused patterns, with the message the configuration error will show. */
static const char *const rx_rejected[][2] = {
	{ "(a)\\1", "at 3: back-references are not supported" },
	{ "ab\\k<x>", "at 2: back-references are not supported" },
	{ "(?=a)", "at 0: look-around is not supported" },
	{ "(?!a)", "at 0: look-around is not supported" },
	{ "x(?<=a)", "at 1: look-around is not supported" },
	{ "(?<!a)", "at 0: look-around is not supported" },
	{ "(?>a)", "at 0: atomic groups are not supported" },
	{ "(?<1a>x)", "at 0: a group's name must start with a letter" },
	{ "x(?<a-b>y)", "at 1: a group's name must end with '>'" },
	{ "(?<ab", "at 0: a group's name must end with '>'" },
	{ "(?<ab>x)|(?<ab>y)", "at 9: the group name ab is there twice" },
	{ "(?<host>x)\\k<host>", "at 10: back-references are not supported" },
	{ "(?i)abc", "at 0: inline flags are not supported" },
	{ "a(?s:.)", "at 1: inline flags are not supported" },
	{ "a*+", "at 1: possessive quantifiers are not supported" },
	{ "a++", "at 1: possessive quantifiers are not supported" },
	{ "a\?+", "at 1: possessive quantifiers are not supported" },
	{ "a{2}+", "at 1: possessive quantifiers are not supported" },
	{ "(abc", "at 0: unclosed group" },
	{ "x((a)", "at 1: unclosed group" },
	{ "a)", "at 1: unmatched )" },
	{ "())", "at 2: unmatched )" },
	{ "*a", "at 0: nothing to repeat" },
	{ "a|*", "at 2: nothing to repeat" },
	{ "+", "at 0: nothing to repeat" },
	{ "\?", "at 0: nothing to repeat" },
	{ "{2}", "at 0: nothing to repeat" },
	{ "a**", "at 2: nothing to repeat" },
	{ "(*)", "at 1: nothing to repeat" },
	{ "a{", "at 1: bad repetition" },
	{ "a{x}", "at 1: bad repetition" },
	{ "a{1", "at 1: bad repetition" },
	{ "a{1,2", "at 1: bad repetition" },
	{ "a{,3}", "at 1: bad repetition" },
	{ "a{3,2}", "at 1: bad repetition range" },
	{ "a{100001}", "at 1: repetition count too large" },
	{ "[abc", "at 0: unclosed class" },
	{ "[]", "at 0: unclosed class" },
	{ "[^]", "at 0: unclosed class" },
	{ "[z-a]", "at 1: bad range z-a" },
	{ "abc[def z-a]", "at 8: bad range z-a" },
	{ "[\\x7a-\\x61]", "at 1: bad range \\x7a-\\x61" },
	{ "[a-\\d]", "at 1: bad range a-\\d" },
	{ "[\\b]", "at 1: bad escape \\b in a class" },
	{ "[[a]]", "at 1: nested classes are not supported" },
	{ "[a-[b]]", "at 3: nested classes are not supported" },
	{ "[a&&b]", "at 2: class intersections are not supported" },
	{ "\\", "at 0: trailing backslash" },
	{ "a\\q", "at 1: bad escape \\q" },
	{ "\\E", "at 0: bad escape \\E" },
	{ "\\0", "at 0: bad octal escape" },
	{ "\\08", "at 0: bad octal escape" },
	{ "\\x4", "at 0: bad hex escape" },
	{ "\\xg1", "at 0: bad hex escape" },
	{ "\\x{}", "at 0: bad hex escape" },
	{ "\\x{110000}", "at 0: bad hex escape" },
	{ "\\u12", "at 0: bad unicode escape" },
	{ "\\cz\\c", "at 3: bad control escape" },
	{ "\\p{Foo}", "at 0: \\p{Foo} is not supported" },
	{ "\\P{IsLatin}", "at 0: \\P{IsLatin} is not supported" },
	{ "\\p{Lower", "at 0: unclosed \\p{" },
	{ "\\pL", "at 0: \\p is not supported" },
	{ "\\G", "at 0: \\G is not supported" },
	{ "\\R", "at 0: \\R is not supported" },
	{ "\\X", "at 0: \\X is not supported" },
	{ "\\N{LATIN SMALL LETTER A}", "at 0: \\N is not supported" },
	{ "(\?", "at 0: bad group syntax" },
	{ "(\?#comment)", "at 0: bad group syntax" },
	{ "(\?P<n>a)", "at 0: bad group syntax" },
	{ "(a)(b)(c)(d)(e)(f)(g)(h)(i)(j)(k)(l)(m)(n)(o)(p)(q)(r)(s)(t)(u)(v)(w)(x)(y)(z)(1)(2)(3)(4)(5)(6)(7)",
	  "at 96: too many groups (at most 32)" },
	{ "(\?:a{100}){101}", "at 10: pattern too large (more than 10000 instructions)" },
	{ "a{10001}", "at 1: pattern too large (more than 10000 instructions)" },
	{ "(\?:(\?:(\?:(\?:(\?:(\?:(\?:(\?:(\?:(\?:(\?:(\?:(\?:(\?:(\?:(\?:(\?:a\?)*)*)*)*)*)*)*)*)*)*)*)*)*)*)*)*)*",
	  "at 86: repetitions of what can match empty nested too deep" },
};

T(rx_rejected_patterns)
{
	char err[128];

	for (size_t i = 0; i < sizeof rx_rejected / sizeof rx_rejected[0]; i++) {
		memset(err, '#', sizeof err);
		T_TRUE(rx_compile(rx_rejected[i][0], strlen(rx_rejected[i][0]), err, sizeof err) == NULL);
		T_EQ_STR(err, rx_rejected[i][1]);
	}
	/* the message is cut to the buffer, NUL-terminated */
	memset(err, '#', sizeof err);
	T_TRUE(rx_compile("a)", 2, err, 8) == NULL);
	T_EQ_STR(err, "at 1: u");
	T_TRUE(rx_compile("a)", 2, NULL, 0) == NULL);
}

T(rx_groups_nesting_limit)
{
	char pat[512], err[128];
	size_t n = 0;

	/* 100 nested groups are fine, 101 are not */
	for (int i = 0; i < 100; i++)
		pat[n++] = '(', pat[n++] = '?', pat[n++] = ':';
	pat[n++] = 'a';
	for (int i = 0; i < 100; i++)
		pat[n++] = ')';
	T_TRUE(rx_compile(pat, n, err, sizeof err) != NULL);
	memmove(pat + 3, pat, n);
	memcpy(pat, "(?:", 3);
	pat[n + 3] = ')';
	T_TRUE(rx_compile(pat, n + 4, err, sizeof err) == NULL);
	T_EQ_STR(err, "at 300: groups nested too deep");
}

/* The thread lists would not fit the memory limit. */
T(rx_too_much_memory)
{
	char pat[256], err[128];
	int n = 0;

	for (int i = 0; i < 32; i++)
		n += snprintf(pat + n, sizeof pat - n, "(.)");
	n += snprintf(pat + n, sizeof pat - n, ".{3000}");
	T_TRUE(rx_compile(pat, n, err, sizeof err) == NULL);
	T_EQ_STR(err, "at 0: pattern too large (would need 6443 KiB to match)");
}

static struct rx *rx_must(const char *pat)
{
	char err[128];
	struct rx *rx = rx_compile(pat, strlen(pat), err, sizeof err);

	if (!rx)
		t_fail(__FILE__, __LINE__, "/%s/: %s", pat, err);
	return rx;
}

/* pat over 10,000 'a' finds nothing; with a 'c' last it finds the match
 * from at to the end, group 1 from g1 to the 'c'. */
static void rx_find_late(const char *pat, int at, int g1)
{
	static char s[10000];
	int caps[4];
	struct rx *rx;

	memset(s, 'a', sizeof s);
	T_TRUE((rx = rx_must(pat)) != NULL);
	T_EQ_INT(rx_exec(rx, s, sizeof s, 0, RX_FIND, caps, 2), 0);
	s[9999] = 'c';
	T_EQ_INT(rx_exec(rx, s, sizeof s, 0, RX_FIND, caps, 2), 1);
	T_EQ_INT(caps[0], at);
	T_EQ_INT(caps[1], 10000);
	T_EQ_INT(caps[2], g1);
	T_EQ_INT(caps[3], 9999);
}

/* Exponential for a backtracking matcher; linear here. */
T(rx_pathological_linear)
{
	static char s[10001];
	int caps[10];
	struct rx *rx;

	memset(s, 'a', 10000);
	s[10000] = '!';
	T_TRUE((rx = rx_must("(a+)+$")) != NULL);
	T_EQ_INT(rx_exec(rx, s, 10001, 0, RX_FIND, caps, 2), 0);
	T_EQ_INT(rx_exec(rx, s, 10001, 0, RX_MATCHES, caps, 2), 0);
	T_EQ_INT(rx_exec(rx, s, 10000, 0, RX_MATCHES, caps, 2), 1);
	T_EQ_INT(caps[2], 0);		/* Java: the first iteration takes all */
	T_EQ_INT(caps[3], 10000);
	memset(s, 'x', 5000);
	T_TRUE((rx = rx_must("(x+x+)+y")) != NULL);
	T_EQ_INT(rx_exec(rx, s, 5000, 0, RX_FIND, caps, 2), 0);
	s[5000] = 'y';
	T_EQ_INT(rx_exec(rx, s, 5001, 0, RX_MATCHES, caps, 2), 1);
	T_EQ_INT(caps[0], 0);
	T_EQ_INT(caps[1], 5001);
	T_EQ_INT(caps[2], 0);		/* Java: the first iteration takes all but one x */
	T_EQ_INT(caps[3], 5000);
	/* runs that give back, one after another (the steps, within the
	 * backtracker's budget) */
	memset(s, 'a', 10000);
	T_TRUE((rx = rx_must("(.*)(.*)(.*)(.*)x")) != NULL);
	T_EQ_INT(rx_exec(rx, s, 10000, 0, RX_FIND, caps, 5), 0);
	s[9999] = 'x';
	T_EQ_INT(rx_exec(rx, s, 10000, 0, RX_MATCHES, caps, 5), 1);
	T_EQ_INT(caps[2], 0);
	T_EQ_INT(caps[3], 9999);
	for (int g = 2; g <= 4; g++) {
		T_EQ_INT(caps[2 * g], 9999);	/* Java: the later groups empty before the x */
		T_EQ_INT(caps[2 * g + 1], 9999);
	}
	/* choices that fail late, past runs that take nothing: 2^8 passes
	 * from each start, each charged for the steps it goes past */
	rx_find_late("(?:a|a)(?:a|a)(?:a|a)(?:a|a)(?:a|a)(?:a|a)(?:a|a)(?:a|a)b*b*b*b*b*b*b*b*(b*)c", 9991, 9999);
	/* the same choices before a lazy run that looks to the end of the
	 * line for its continuation on each of those passes */
	rx_find_late("(?:a|a)(?:a|a)(?:a|a)(?:a|a)(?:a|a)(?:a|a)(?:a|a)(?:a|a)(.*?)c", 0, 8);
	/* lazy runs that try every place, one after another */
	memset(s, 'a', 10000);
	T_TRUE((rx = rx_must("(.*?)(.*?)(.*?)(.*?)x")) != NULL);
	T_EQ_INT(rx_exec(rx, s, 10000, 0, RX_FIND, caps, 5), 0);
	s[9999] = 'x';
	T_EQ_INT(rx_exec(rx, s, 10000, 0, RX_MATCHES, caps, 5), 1);
	for (int g = 1; g <= 3; g++) {
		T_EQ_INT(caps[2 * g], 0);	/* Java: the earlier groups empty */
		T_EQ_INT(caps[2 * g + 1], 0);
	}
	T_EQ_INT(caps[8], 0);
	T_EQ_INT(caps[9], 9999);
}

T(rx_one_megabyte)
{
	size_t n = 1 << 20;
	char *s = malloc(n);
	int caps[6];
	struct rx *rx;

	T_TRUE(s != NULL);
	memset(s, 'a', n);
	memcpy(s + n - 7, "needle\"", 7);
	T_TRUE((rx = rx_must("need(le)")) != NULL);
	T_EQ_INT(rx_exec(rx, s, n, 0, RX_FIND, caps, 2), 1);
	T_EQ_INT(caps[0], n - 7);
	T_EQ_INT(caps[3], n - 1);
	T_TRUE((rx = rx_must("([^\"]+)\"")) != NULL);
	T_EQ_INT(rx_exec(rx, s, n, 0, RX_LOOKINGAT, caps, 2), 1);
	T_EQ_INT(caps[3], n - 1);
	T_TRUE((rx = rx_must("(.*)x(.*)")) != NULL);
	T_EQ_INT(rx_exec(rx, s, n, 0, RX_MATCHES, caps, 3), 0);
	s[12345] = 'x';
	T_EQ_INT(rx_exec(rx, s, n, 0, RX_MATCHES, caps, 3), 1);
	T_EQ_INT(caps[3], 12345);
	T_EQ_INT(caps[4], 12346);
	T_EQ_INT(caps[5], n);
	free(s);
}

T(rx_caps_and_bounds)
{
	int caps[8];
	struct rx *rx;

	T_TRUE((rx = rx_must("(a)(b)(c)")) != NULL);
	T_EQ_INT(rx_groups(rx), 3);
	/* fewer slots than groups: only those are written */
	caps[2] = 77;
	T_EQ_INT(rx_exec(rx, "abc", 3, 0, RX_MATCHES, caps, 1), 1);
	T_EQ_INT(caps[0], 0);
	T_EQ_INT(caps[1], 3);
	T_EQ_INT(caps[2], 77);
	/* more slots than groups: -1 */
	T_EQ_INT(rx_exec(rx, "abc", 3, 0, RX_MATCHES, caps, 4 + 0), 1);
	T_EQ_INT(caps[6], 2);
	T_EQ_INT(rx_exec(rx, "xabc", 4, 0, RX_FIND, caps, 4), 1);
	T_EQ_INT(caps[0], 1);
	/* no match: all -1 */
	T_EQ_INT(rx_exec(rx, "abd", 3, 0, RX_FIND, caps, 4), 0);
	for (int i = 0; i < 8; i++)
		T_EQ_INT(caps[i], -1);
	/* from past the end */
	T_EQ_INT(rx_exec(rx, "abc", 3, 4, RX_FIND, caps, 4), 0);
	T_TRUE((rx = rx_must("x*")) != NULL);
	T_EQ_INT(rx_exec(rx, "abc", 3, 3, RX_FIND, caps, 1), 1);
	T_EQ_INT(caps[0], 3);
	T_EQ_INT(rx_exec(rx, NULL, 0, 0, RX_MATCHES, caps, 1), 1);
	/* the same rx many times: the result does not drift */
	T_TRUE((rx = rx_must("(\\w+)=(\\w*)")) != NULL);
	for (int i = 0; i < 1000; i++) {
		T_EQ_INT(rx_exec(rx, "k=v; key=value", 14, i % 5, RX_FIND, caps, 3), 1);
		T_EQ_INT(caps[2], i % 5 == 0 ? 0 : 5);
	}
}

/* Java's multiLineStartPattern and CSV delimiters as users write them. */
T(rx_agent_options)
{
	int caps[2];
	struct rx *rx;

	T_TRUE((rx = rx_must("\\[SEQUENCE=")) != NULL);
	T_EQ_INT(rx_exec(rx, "[SEQUENCE=1] x", 14, 0, RX_LOOKINGAT, caps, 1), 1);
	T_EQ_INT(rx_exec(rx, " [SEQUENCE=1]", 13, 0, RX_LOOKINGAT, caps, 1), 0);
	T_TRUE((rx = rx_must("^\\d{4}-\\d{2}-\\d{2} ")) != NULL);
	T_EQ_INT(rx_exec(rx, "2024-01-02 x\n", 13, 0, RX_FIND, caps, 1), 1);
	T_EQ_INT(rx_exec(rx, "\tat x.y(Z.java:1)\n", 18, 0, RX_FIND, caps, 1), 0);
	T_TRUE((rx = rx_must("\\s*\\|\\s*")) != NULL);
	T_EQ_INT(rx_exec(rx, "a | b|c", 7, 1, RX_FIND, caps, 1), 1);
	T_EQ_INT(caps[0], 1);
	T_EQ_INT(caps[1], 4);
	T_EQ_INT(rx_exec(rx, "a | b|c", 7, 4, RX_FIND, caps, 1), 1);
	T_EQ_INT(caps[0], 5);
	T_EQ_INT(caps[1], 6);
}

/* Which patterns are one ASCII character of a set, or a greedy run of them
 * (CSV delimiters cut without the engine), and exactly which bytes. */
T(rx_byteset_kinds)
{
	static const struct { const char *pat; int kind; const char *bytes; } t[] = {
		{ ",", 1, "," }, { "\\t", 1, "\t" }, { "[,;]", 1, ",;" }, { "(,)", 1, "," },
		{ "\\t+", 2, "\t" }, { "(\\t+)", 2, "\t" }, { "\\t{1,}", 2, "\t" },
		{ "\\s+", 2, "\t\n\x0b\f\r " }, { "[a-c]", 1, "abc" }, { "[ -\\x7f]+", 2, NULL },
		/* a match may be empty, longer, lazy, anchored or beyond ASCII */
		{ "\\t*", 0, "" }, { "\\t+?", 0, "" }, { "\\t\\t", 0, "" }, { ",|;", 0, "" },
		{ "(?:\\t|\\t)+", 0, "" }, { "^,", 0, "" }, { ",$", 0, "" }, { "\\S", 0, "" },
		{ "[^,]", 0, "" }, { ".", 0, "" }, { "\\xe9", 0, "" }, { "[,\\x{e9}]", 0, "" },
		{ "\\t{2}", 0, "" }, { "\\t{1,3}", 0, "" }, { "", 0, "" }, { "()", 0, "" },
	};
	unsigned char set[256];

	for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
		struct rx *rx = rx_must(t[i].pat);
		char got[257], want[257];
		size_t k = 0;

		T_TRUE(rx != NULL);
		memset(set, 7, sizeof set);
		T_EQ_INT(rx_byteset(rx, set), t[i].kind);
		if (t[i].kind == 0)
			continue;
		for (int b = 1; b < 256; b++) {
			T_TRUE(set[b] <= 1);
			if (set[b])
				got[k++] = (char)b;
		}
		got[k] = 0;
		T_EQ_INT(set[0], 0);
		if (t[i].bytes)
			snprintf(want, sizeof want, "%s", t[i].bytes);
		else
			for (k = 0; k < 96; k++)
				want[k] = (char)(' ' + k), want[k + 1] = 0;
		T_EQ_STR(got, want);
	}
}

static size_t rx_rnd(uint32_t *seed, size_t m)
{
	*seed = *seed * 1103515245u + 12345u;
	return (*seed >> 16) % m;
}

/* The steps (a pattern up to its first loop other than a greedy one over
 * one character, run without the backtracker's instructions) against the
 * Pike VM: random patterns of runs, literals, groups, alternations and
 * optional pieces (with groups inside), and what ends the steps (a lazy or
 * a group's loop), over random input with characters beyond ASCII and bytes
 * that are not UTF-8, in every mode. */
T(rx_steps_as_pike)
{
	static const char *const atom[] = { "a", "b", " ", "-", "\xc3\xa9", "\"", "[ab]", "[^a]", "\\S", "\\s",
		".", "\\d", "[^\"]", "[\xc3\xa9-\xc3\xaa]", "[^\xc3\xa9]", "\\w" };
	static const char *const quant[] = { "", "", "+", "+", "*", "{2}", "{2,}", "{3}", "*?", "?", "+?", "{2,}?" };
	static const char *const other[] = { "(a|b+)", "(\\d+|-)", "$", "\\b", "(a){0}", "((a))", "(?:(a)x|b)",
		"(a)?b", "(a|(b))", "(?:ab|a)", "(b)??", "(?:a|(b) |\\S+)", "[ab]{1,3}", "(?:(a)|b)?", "(\\s)*?",
		"(a|b)+", "(a)*?(?:(b)x|-)", "(?:ab|b|(a)-|\\s|ba)", "(a|b|)", "(?:\\d+|-|(a)b|a|\xc3\xa9)",
		"(?:a|b|\\s)?", "(?:a|(b|\\S|-))", "-?(?:(a)|b|\\s)" };
	static const char *const ch[] = { "a", "b", " ", "-", "\xc3\xa9", "\xc3\xaa", "\"", "1", "\n", "\xff", "x", "\t" };
	uint32_t seed = 12345;
	long runs = 0;
#define RND(m) rx_rnd(&seed, (m))

	for (int p = 0; p < 600; p++) {
		char pat[256], err[128];
		size_t pl = 0;
		struct rx *rx;
		int np;

		if (RND(3) == 0)
			pl += (size_t)snprintf(pat + pl, sizeof pat - pl, "^");
		np = 1 + (int)RND(6);
		for (int k = 0; k < np; k++) {
			int g = RND(3) == 0;

			if (RND(4) == 0) {
				pl += (size_t)snprintf(pat + pl, sizeof pat - pl, "%s", other[RND(23)]);
				continue;
			}
			pl += (size_t)snprintf(pat + pl, sizeof pat - pl, "%s%s%s%s", g ? "(" : "", atom[RND(16)],
			    quant[RND(12)], g ? ")" : "");
		}
		if (!(rx = rx_compile(pat, pl, err, sizeof err))) {
			t_fail(__FILE__, __LINE__, "/%s/: %s", pat, err);
			return;
		}
		for (int q = 0; q < 60; q++) {
			char in[128];
			size_t n = 0, len = RND(20);
			int a[2 * 12], b[2 * 12];

			for (size_t k = 0; k < len; k++)
				n += (size_t)snprintf(in + n, sizeof in - n, "%s", ch[RND(12)]);
			for (int m = 0; m < 3; m++) {
				size_t from = RND(3) == 0 ? RND(n + 1) : 0;
				int ra = rx_exec(rx, in, n, from, (enum rx_mode)m, a, 12);
				int rb = rx_exec_pike(rx, in, n, from, (enum rx_mode)m, b, 12);

				runs++;
				if (ra != rb || memcmp(a, b, sizeof a) != 0) {
					t_fail(__FILE__, __LINE__, "/%s/ %s from %zu on \"%.*s\": %d (%d,%d) (%d,%d), "
					    "Pike VM %d (%d,%d) (%d,%d)", pat, rx_mode_name[m], from, (int)n, in,
					    ra, a[0], a[1], a[2], a[3], rb, b[0], b[1], b[2], b[3]);
					return;
				}
			}
		}
	}
#undef RND
	T_EQ_INT(runs, 600 * 60 * 3);
}

/* Every byte value at each of 26 places of a line of 30 'a' ('b' for the
 * fifth pattern), with one of hard (or none) after it, so that both are in
 * each of x86's two sixteen-byte loads (the second is the one that ends at
 * the line's end) and in each word, through rx_exec and
 * the Pike VM in each of modes: the same result and groups.  Returns how
 * many runs, or -1 after a failure (reported). */
static long rx_bytes_as_pike(const char *const *pat, size_t npat, const unsigned char *hard, size_t nhard,
    const enum rx_mode *modes, int nmodes)
{
	long runs = 0;

	for (size_t k = 0; k < npat; k++) {
		struct rx *rx = rx_must(pat[k]);

		if (!rx)
			return -1;
		for (int v = 0; v < 256; v++)
			for (size_t p = 0; p < 26; p++)
				for (size_t e = 0; e < 5; e++) {
					size_t h = e ? (v + p + 5 * e) % (nhard + 1) : nhard;
					char in[32];
					size_t n = 30;

					memset(in, k == 4 ? 'b' : 'a', n);
					in[p] = (char)v;
					if (h < nhard)
						in[p + 1 + h % 4] = (char)hard[h];
					if (v == 0xc3 && p + 1 < n)
						in[p + 1] = (char)0xa9;	/* é */
					for (int m = 0; m < nmodes; m++) {
						int a[6], b[6];
						int ra = rx_exec(rx, in, n, 0, modes[m], a, 3);
						int rb = rx_exec_pike(rx, in, n, 0, modes[m], b, 3);

						runs++;
						if (ra != rb || memcmp(a, b, sizeof a) != 0) {
							t_fail(__FILE__, __LINE__, "/%s/ %s: byte 0x%02x at %zu, 0x%02x after: "
							    "%d (%d,%d) (%d,%d), Pike VM %d (%d,%d) (%d,%d)", pat[k],
							    rx_mode_name[modes[m]], v, p, h < nhard ? hard[h] : 'a', ra, a[0],
							    a[1], a[2], a[3], rb, b[0], b[1], b[2], b[3]);
							return -1;
						}
					}
				}
	}
	return runs;
}

/* A lazy run (X*?, X+?, X{m,}?) passes a word at a time over the bytes X
 * takes where its continuation cannot start: it must stop where the Pike VM
 * stops, whatever byte stands at whatever place (its continuation's first
 * bytes, those X does not take, line terminators for '.', a character
 * beyond ASCII), with a second such byte after the first, whole line or
 * found anywhere.  X a byte beyond ASCII is left to the backtracker. */
T(rx_lazy_runs_stop_where_the_pike_vm_does)
{
	static const char *const pat[] = { "^(.*?)\"", "^(.+?) ", "\"(.*?)\"", "^(\\S+?)(\\s)", "^([^a]*?)a",
		"^(.*?)(\\d+)$", "^(.*?)$", "(.{2,}?)b", "^(\\w*?)(\\W|$)", "^(a+?)(.)", "(.*?)(?:\"|\\])x",
		"(.\x8e*?)$", "^(a\x8e+?)(.)" };	/* (a byte that is no character: the backtracker's) */
	static const unsigned char hard[] = { 0, '\t', '\n', '\r', ' ', '!', '"', '1', ']', 'a', 'b', 'x', 0x7f,
		0x80, 0xc3, 0xff };
	static const enum rx_mode modes[] = { RX_MATCHES, RX_FIND };

	T_EQ_INT(rx_bytes_as_pike(pat, sizeof pat / sizeof *pat, hard, sizeof hard, modes, 2),
	    13L * 256 * 26 * 5 * 2);
}

/* Patterns that backtrack over and over ((.*),(.*),(.*); over a line of
 * commas whose ';' comes early) spend a few passes' worth of their budget
 * and then skip the passes resumed where one was resumed before (rx_seen),
 * a run giving back straight to the next place not tried (rx_memo_last):
 * the matches found after that, and their groups, must stay the Pike VM's,
 * with greedy, lazy and alternation frames resumed, runs whose
 * continuations start alike (one row of places for them) or anywhere, in
 * the three modes. */
T(rx_remembered_passes_as_pike)
{
	static const char *const pat[] = { "^(.*),(.*),(.*);(.*)$", "^(.*),(.*?),(.*);(.*)$",
		"^(?:(.*)a|(.*)b),(.*),(.*);", "(.*),(.*) (.*),(.*);", "^(.*) (.*) \\[(.*)\\] \"(.*)\" (.*)$",
		"(.*)(?:a|b)(.*)(?:a|b)(.*)x", "^(.*) (.*) (.*),(.*) (.*);", "(.*)(.*),(.*)\\b(.*);",
		"^(.+),(.+) (.+),(.+)$" };
	static const char *const ch[] = { "a", "b", "c", " ", ",", ",", ";", "[", "]", "\"", "\xc3\xa9", "x" };
	uint32_t seed = 777;
	long runs = 0;

	for (size_t k = 0; k < sizeof pat / sizeof *pat; k++) {
		struct rx *rx = rx_must(pat[k]);

		T_TRUE(rx != NULL);
		for (int q = 0; q < 200; q++) {
			char in[1024];
			size_t n = 0, words = q % 2 ? 3 + rx_rnd(&seed, 3) : 30 + rx_rnd(&seed, 30);
			int a[2 * 8], b[2 * 8];

			/* half of them a few words, a ';' and then many: what
			 * matches is found after every later comma was tried
			 * (and, a line in four, with the first group empty) */
			for (size_t w = 0; w < words; w++) {
				size_t len = w == 0 && q % 4 == 0 ? 0 : 1 + rx_rnd(&seed, 3);

				for (size_t j = 0; j < len; j++)
					n += (size_t)snprintf(in + n, sizeof in - n, "%s", ch[rx_rnd(&seed, q % 2 ? 12 : 4)]);
				n += (size_t)snprintf(in + n, sizeof in - n, "%s", w == 2 && q % 2 == 0 ? ";" : ",");
			}
			for (int m = 0; m < 3; m++) {
				int ra = rx_exec(rx, in, n, 0, (enum rx_mode)m, a, 8);
				int rb = rx_exec_pike(rx, in, n, 0, (enum rx_mode)m, b, 8);

				runs++;
				if (ra != rb || memcmp(a, b, sizeof a) != 0) {
					t_fail(__FILE__, __LINE__, "/%s/ %s on \"%.*s\": %d (%d,%d) (%d,%d), "
					    "Pike VM %d (%d,%d) (%d,%d)", pat[k], rx_mode_name[m], (int)n, in,
					    ra, a[0], a[1], a[2], a[3], rb, b[0], b[1], b[2], b[3]);
					return;
				}
			}
		}
	}
	T_EQ_INT(runs, 9L * 200 * 3);
}

/* A delimiter A L B (CSVTOJSON's "\\s*,\\s*") is found without the
 * engine: where it is one, rx_delim_find must give rx_exec's RX_FIND
 * match, from any place, in any line; where it is not, rx_delim says so. */
T(rx_delim_finds_what_the_engine_finds)
{
	static const struct { const char *pat; int is, amin, bmin, bmax; size_t litlen; } shape[] = {
		{ "\\s*,\\s*", 1, 0, 0, -1, 0 }, { ",\\s*", 1, 0, 0, -1, 0 }, { "\\s+-\\s+", 1, 1, 1, -1, 0 },
		{ "a,b+", 1, 0, 1, -1, 1 }, { "[ \\t]*\\|", 1, 0, 0, -1, 0 }, { " *:: *", 1, 0, 0, -1, 1 },
		{ "x{2}", 1, 0, 0, -1, 1 }, { "\\t*,", 1, 0, 0, -1, 0 }, { "[,;] ?", 1, 0, 0, 1, 0 },
		{ "\\s*[,;|]\\s*", 1, 0, 0, -1, 0 }, { ",\\s?", 1, 0, 0, 1, 0 }, { "[-:]x-", 1, 0, 0, -1, 2 },
		{ "\\s*\\s", 0, 0, 0, 0, 0 }, { " *,? *", 0, 0, 0, 0, 0 }, { "[^,]*,", 0, 0, 0, 0, 0 },
		{ "\\s*?,", 0, 0, 0, 0, 0 }, { "(,)\\s*", 0, 0, 0, 0, 0 }, { ",\\s*$", 0, 0, 0, 0, 0 },
		{ "\\s*,\\s*?", 0, 0, 0, 0, 0 }, { "\xc3\xa9,", 0, 0, 0, 0, 0 }, { ",\\s{2}", 0, 0, 0, 0, 0 },
		{ "\\t*\\t", 0, 0, 0, 0, 0 }, { "\\s+", 0, 0, 0, 0, 0 }, { "a|,", 0, 0, 0, 0, 0 },
		{ "\\s?,", 0, 0, 0, 0, 0 }, { ", ??", 0, 0, 0, 0, 0 }, { "\\s*[, ]", 0, 0, 0, 0, 0 },
	};
	static const char *const ch[] = { " ", "\t", ",", "-", "a", "b", "|", ":", "x", "\xc3\xa9", "\n", ";" };
	uint32_t seed = 4242;
	long runs = 0;

	for (size_t k = 0; k < sizeof shape / sizeof *shape; k++) {
		struct rx *rx = rx_must(shape[k].pat);
		struct rx_delim d;

		T_TRUE(rx != NULL);
		if (rx_delim(rx, &d) != shape[k].is) {
			t_fail(__FILE__, __LINE__, "/%s/: rx_delim %d, not %d", shape[k].pat, !shape[k].is, shape[k].is);
			return;
		}
		if (!shape[k].is)
			continue;
		T_EQ_INT(d.amin, shape[k].amin);
		T_EQ_INT(d.bmin, shape[k].bmin);
		T_EQ_INT(d.bmax, shape[k].bmax < 0 ? (size_t)-1 : (size_t)shape[k].bmax);
		T_EQ_INT(d.litlen, shape[k].litlen);
		for (int q = 0; q < 3000; q++) {
			char in[128];
			size_t n = 0, len = rx_rnd(&seed, 25), from, ms = 0, me = 0;
			int caps[2], ra, rb;

			for (size_t j = 0; j < len; j++)
				n += (size_t)snprintf(in + n, sizeof in - n, "%s", ch[rx_rnd(&seed, 12)]);
			from = rx_rnd(&seed, 4) == 0 ? rx_rnd(&seed, (uint32_t)n + 1) : 0;
			while (from > 0 && from < n && ((unsigned char)in[from] & 0xc0) == 0x80)
				from--;	/* (a place between characters, as CSVTOJSON's are) */
			ra = rx_delim_find(&d, in, n, from, &ms, &me);
			rb = rx_exec(rx, in, n, from, RX_FIND, caps, 1);
			runs++;
			if (ra != rb || (ra && (ms != (size_t)caps[0] || me != (size_t)caps[1]))) {
				t_fail(__FILE__, __LINE__, "/%s/ from %zu on \"%.*s\": %d (%zu,%zu), rx_exec %d (%d,%d)",
				    shape[k].pat, from, (int)n, in, ra, ms, me, rb, caps[0], caps[1]);
				return;
			}
		}
	}
	T_EQ_INT(runs, 12L * 3000);
}

/* A run whose class takes most of ASCII is scanned a word at a time
 * (rx_scan_words): it must stop where the Pike VM stops, whatever byte
 * stands at whatever place of a word (the bounds 0x0e, '!', the excluded
 * byte, 0x7f, 0x80, NUL), with a second such byte after the first. */
T(rx_word_scans_stop_where_the_pike_vm_does)
{
	static const char *const pat[] = { "^(.*)", "^(\\S+) ", "^([^\"]*)\"", "^([^\\]]+)\\]", "^([^a]*)",
		"^([^ ]+)", "^([\\x01-\\x7f]*)", "^(\\S*)(.)", "^(.+)b$" };
	static const unsigned char hard[] = { 0, 1, '\t', '\n', '\r', 0x0d, 0x0e, 0x1f, ' ', '!', '"', '\\',
		']', 'a', 0x7e, 0x7f, 0x80, 0xc3, 0xff };
	static const enum rx_mode modes[] = { RX_FIND };

	T_EQ_INT(rx_bytes_as_pike(pat, sizeof pat / sizeof *pat, hard, sizeof hard, modes, 1), 9L * 256 * 26 * 5);
}
