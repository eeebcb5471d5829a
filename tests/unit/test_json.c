/* JSON: Jackson-compatible escaping, byte for byte, and the jsmn helpers. */
#include "t.h"
#include "json.h"
#include "utf8.h"

#define FFFD "\xef\xbf\xbd"

/* Escapes n bytes into a guarded buffer; checks the returned length and
 * that nothing was written past it. */
static int
esc_is(const char *in, size_t n, const char *want, int line)
{
	char out[256];
	size_t len;

	memset(out, '#', sizeof out);
	len = json_escape(out, sizeof out - 1, in, n);
	if (len != strlen(want) || memcmp(out, want, len) != 0 || out[len] != '#') {
		t_fail(__FILE__, line, "json_escape:\n  got      \"%.*s\" (%zu)\n  expected \"%s\" (%zu)",
		    (int)(len < sizeof out ? len : sizeof out), out, len, want, strlen(want));
		return 0;
	}
	return 1;
}
#define ESC(in, want) T_TRUE(esc_is(in, sizeof(in) - 1, want, __LINE__))

T(json_escape_ascii)
{
	ESC("", "");
	ESC("plain text 123", "plain text 123");
	ESC("say \"hi\"", "say \\\"hi\\\"");
	ESC("C:\\dir\\", "C:\\\\dir\\\\");
	ESC("a/b</script>", "a/b</script>");	/* '/' stays */
	ESC("\x7f", "\x7f");			/* DEL stays */
	ESC("tab\there\r\n", "tab\\there\\r\\n");
	ESC("'single' <&> \x20~", "'single' <&> \x20~");
}

T(json_escape_controls)
{
	static const char *const want[32] = {
		"\\u0000", "\\u0001", "\\u0002", "\\u0003", "\\u0004", "\\u0005", "\\u0006", "\\u0007",
		"\\b", "\\t", "\\n", "\\u000B", "\\f", "\\r", "\\u000E", "\\u000F",
		"\\u0010", "\\u0011", "\\u0012", "\\u0013", "\\u0014", "\\u0015", "\\u0016", "\\u0017",
		"\\u0018", "\\u0019", "\\u001A", "\\u001B", "\\u001C", "\\u001D", "\\u001E", "\\u001F",
	};
	char in[3];

	for (int c = 0; c < 32; c++) {
		char w[16];

		in[0] = 'x';
		in[1] = (char)c;
		in[2] = 'y';
		snprintf(w, sizeof w, "x%sy", want[c]);
		T_TRUE(esc_is(in, 3, w, __LINE__));
	}
	T_TRUE(esc_is("\0", 1, "\\u0000", __LINE__));
}

T(json_escape_utf8_valid)
{
	ESC("\xc2\x80", "\xc2\x80");			/* U+0080 */
	ESC("caf\xc3\xa9", "caf\xc3\xa9");		/* é */
	ESC("\xdf\xbf", "\xdf\xbf");			/* U+07FF */
	ESC("\xe0\xa0\x80", "\xe0\xa0\x80");		/* U+0800 */
	ESC("\xe2\x82\xac", "\xe2\x82\xac");		/* € */
	ESC("\xed\x9f\xbf", "\xed\x9f\xbf");		/* U+D7FF */
	ESC("\xee\x80\x80", "\xee\x80\x80");		/* U+E000 */
	ESC("\xe2\x80\xa8", "\xe2\x80\xa8");		/* U+2028 stays, as in Jackson */
	ESC("\xef\xbf\xbd", "\xef\xbf\xbd");		/* U+FFFD itself */
	ESC("\xef\xbf\xbf", "\xef\xbf\xbf");		/* U+FFFF */
	ESC("\xf0\x90\x80\x80", "\xf0\x90\x80\x80");	/* U+10000 */
	ESC("\xf0\x9f\x98\x80!", "\xf0\x9f\x98\x80!");	/* 😀 */
	ESC("\xf4\x8f\xbf\xbf", "\xf4\x8f\xbf\xbf");	/* U+10FFFF */
	ESC("\"\xc3\xa9\"\n", "\\\"\xc3\xa9\\\"\\n");
}

T(json_escape_utf8_invalid)
{
	/* lone continuation bytes: one each */
	ESC("\x80", FFFD);
	ESC("a\xbf" "b", "a" FFFD "b");
	ESC("\x80\x80", FFFD FFFD);
	/* bytes that never start a sequence */
	ESC("\xc0\x80", FFFD FFFD);			/* overlong NUL */
	ESC("\xc1\xbf", FFFD FFFD);
	ESC("\xf5\x80\x80\x80", FFFD FFFD FFFD FFFD);
	ESC("\xf8\x88\x80\x80\x80", FFFD FFFD FFFD FFFD FFFD);
	ESC("\xfe\xff", FFFD FFFD);
	/* overlong three- and four-byte forms: the lead alone is the subpart */
	ESC("\xe0\x80\x80", FFFD FFFD FFFD);
	ESC("\xe0\x9f\xbf", FFFD FFFD FFFD);
	ESC("\xf0\x80\x80\x80", FFFD FFFD FFFD FFFD);
	ESC("\xf0\x8f\xbf\xbf", FFFD FFFD FFFD FFFD);
	/* surrogates U+D800..U+DFFF: one bad sequence each, as Java's decoder
	 * reads them (OpenJDK 17), where the Unicode practice would give three */
	ESC("\xed\xa0\x80", FFFD);
	ESC("\xed\xbf\xbf", FFFD);
	ESC("\xed\xa0\xbd\xed\xb8\x80", FFFD FFFD);	/* CESU-8 😀 */
	ESC("\xed\xa0", FFFD);				/* cut short */
	ESC("\xed\xa0" "A", FFFD "A");
	/* above U+10FFFF */
	ESC("\xf4\x90\x80\x80", FFFD FFFD FFFD FFFD);
	/* truncated sequences: one for what there is */
	ESC("\xc3", FFFD);
	ESC("\xc3" "a", FFFD "a");
	ESC("\xe2\x82", FFFD);
	ESC("\xe2\x82" "A", FFFD "A");
	ESC("\xe2\x82\xe2\x82\xac", FFFD "\xe2\x82\xac");
	ESC("\xf0\x9f\x98", FFFD);
	ESC("\xf0\x9f\x98" "x", FFFD "x");
	ESC("\xf0\x9f" "x", FFFD "x");
	ESC("\xf4\x8f\xbf", FFFD);
	ESC("\xe0\xa0", FFFD);
	/* a control byte cuts a sequence short, then is escaped */
	ESC("\xe2\x82\n", FFFD "\\n");
	ESC("\xc3\"", FFFD "\\\"");
	/* the Unicode standard's own example (section 3.9, table 3-8) */
	ESC("\x61\xf1\x80\x80\xe1\x80\xc2\x62\x80\x63\x80\xbf\x64",
	    "a" FFFD FFFD FFFD "b" FFFD "c" FFFD FFFD "d");
}

T(json_escape_cap)
{
	char out[16];

	/* "a\"b" escapes to 4 bytes; with room for 2 only 2 are written */
	memset(out, '#', sizeof out);
	T_EQ_INT(json_escape(out, 2, "a\"b", 3), 4);
	T_EQ_MEM(out, 3, "a\\#", 3);
	memset(out, '#', sizeof out);
	T_EQ_INT(json_escape(out, 4, "a\"b", 3), 4);
	T_EQ_MEM(out, 5, "a\\\"b#", 5);
	/* cap 0: nothing written (out may even be NULL), length still told */
	T_EQ_INT(json_escape(NULL, 0, "\x01\xff", 2), 9);
	memset(out, '#', sizeof out);
	T_EQ_INT(json_escape(out, 5, "\x01\xff", 2), 9);
	T_EQ_MEM(out, 6, "\\u000#", 6);
	memset(out, '#', sizeof out);
	T_EQ_INT(json_escape(out, 7, "\x01\xff", 2), 9);
	T_EQ_MEM(out, 8, "\\u0001\xef#", 8);
}

/* Parses js into t; the token count. */
static int
parse(const char *js, jsmntok_t *t, int nt)
{
	jsmn_parser p;

	jsmn_init(&p);
	return jsmn_parse(&p, js, strlen(js), t, (unsigned)nt);
}

T(json_get_nested)
{
	static const char js[] =
	    "{\"a\":{\"x\":[1,2,{\"b\":3}],\"b\":\"no\"},\"b\":\"yes\",\"c\":[],\"d\":{},\"e\":true}";
	jsmntok_t t[32];
	char s[16];
	int n, i;

	/* 0 {  1 "a"  2 {  3 "x"  4 [  5 1  6 2  7 {  8 "b"  9 3  10 "b"  11 "no"
	 * 12 "b"  13 "yes"  14 "c"  15 []  16 "d"  17 {}  18 "e"  19 true */
	n = parse(js, t, 32);
	T_EQ_INT(n, 20);
	T_EQ_INT(t[0].type, JSMN_OBJECT);
	T_EQ_INT(t[0].size, 5);
	/* skipping "a"'s value jumps over its whole subtree; a key takes its value along */
	T_EQ_INT(json_skip(t, 2), 12);
	T_EQ_INT(json_skip(t, 1), 12);
	T_EQ_INT(json_skip(t, 0), 20);
	T_EQ_INT(json_skip(t, 4), 10);	/* [1,2,{"b":3}] */
	T_EQ_INT(json_skip(t, 5), 6);
	T_EQ_INT(json_skip(t, 15), 16);	/* [] */

	i = json_get(js, t, 0, "b");
	T_EQ_INT(i, 13);
	T_EQ_INT(json_string(js, &t[i], s, sizeof s), 3);
	T_EQ_STR(s, "yes");
	i = json_get(js, t, json_get(js, t, 0, "a"), "b");
	T_EQ_INT(i, 11);
	T_EQ_INT(json_string(js, &t[i], s, sizeof s), 2);
	T_EQ_STR(s, "no");
	T_EQ_INT(json_get(js, t, 7, "b"), 9);
	T_EQ_INT(json_get(js, t, 0, "c"), 15);
	T_EQ_INT(json_get(js, t, 0, "d"), 17);
	T_EQ_INT(json_get(js, t, 0, "e"), 19);
	T_EQ_INT(json_get(js, t, 0, "x"), -1);		/* only nested */
	T_EQ_INT(json_get(js, t, 0, ""), -1);
	T_EQ_INT(json_get(js, t, 0, "bb"), -1);
	T_EQ_INT(json_get(js, t, 15, "b"), -1);		/* not an object */
	T_EQ_INT(json_get(js, t, 17, "b"), -1);		/* empty */

	T_TRUE(json_eq(js, &t[12], "b"));
	T_TRUE(!json_eq(js, &t[12], "B"));
	T_TRUE(!json_eq(js, &t[12], "bb"));
	T_TRUE(!json_eq(js, &t[12], ""));
	T_TRUE(!json_eq(js, &t[19], "true"));		/* a primitive, not a string */
	T_EQ_INT(json_string(js, &t[19], s, sizeof s), -1);
}

T(json_string_escapes)
{
	static const char js[] =
	    "[\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\tz\", \"\\u0041\\u00e9\\u20AC\\ud83d\\ude00\\uDBFF\\uDFFF\","
	    " \"\\ud83d\", \"\\ud83dx\", \"\\ude00\", \"\\ud83d\\u0041\", \"\\ud83d\\ud83d\", \"a\\u0000b\","
	    " \"12345\", \"\"]";
	jsmntok_t t[16];
	char s[32];

	T_EQ_INT(parse(js, t, 16), 11);
	T_EQ_INT(json_string(js, &t[1], s, sizeof s), 13);
	T_EQ_MEM(s, 13, "a\"b\\c/d\b\f\n\r\tz", 13);
	T_EQ_INT(s[13], 0);
	T_EQ_INT(json_string(js, &t[2], s, sizeof s), 14);
	T_EQ_MEM(s, 14, "A\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xf4\x8f\xbf\xbf", 14);
	T_EQ_INT(s[14], 0);
	/* lone or mismatched surrogates, and NUL */
	T_EQ_INT(json_string(js, &t[3], s, sizeof s), -1);
	T_EQ_INT(json_string(js, &t[4], s, sizeof s), -1);
	T_EQ_INT(json_string(js, &t[5], s, sizeof s), -1);
	T_EQ_INT(json_string(js, &t[6], s, sizeof s), -1);
	T_EQ_INT(json_string(js, &t[7], s, sizeof s), -1);
	T_EQ_INT(json_string(js, &t[8], s, sizeof s), -1);
	/* room: the NUL must fit too */
	T_EQ_INT(json_string(js, &t[9], s, 6), 5);
	T_EQ_STR(s, "12345");
	T_EQ_INT(json_string(js, &t[9], s, 5), -1);
	T_EQ_INT(json_string(js, &t[2], s, 14), -1);	/* a multi-byte character does not fit */
	T_EQ_INT(json_string(js, &t[2], s, 15), 14);
	T_EQ_INT(json_string(js, &t[10], s, 1), 0);
	T_EQ_STR(s, "");
}

/* Tokens made by hand: what jsmn would not let through must not pass here either. */
T(json_string_bad)
{
	static const char js[] = "\"\\x\" \"a\\\" \"\\u12\" \"tab\there\" \"\\u00G0\"";
	jsmntok_t t = { .type = JSMN_STRING, .start = 1, .end = 3 };
	char s[16];

	T_EQ_INT(json_string(js, &t, s, sizeof s), -1);		/* \x */
	t.start = 6, t.end = 8;
	T_EQ_INT(json_string(js, &t, s, sizeof s), -1);		/* ends in a backslash */
	t.start = 11, t.end = 15;
	T_EQ_INT(json_string(js, &t, s, sizeof s), -1);		/* short \u */
	t.start = 18, t.end = 26;
	T_EQ_INT(json_string(js, &t, s, sizeof s), -1);		/* raw control byte */
	t.start = 29, t.end = 35;
	T_EQ_INT(json_string(js, &t, s, sizeof s), -1);		/* not hex */
	t.start = 29, t.end = 31;
	T_EQ_INT(json_string(js, &t, s, sizeof s), -1);
	t.start = 18, t.end = 21;
	T_EQ_INT(json_string(js, &t, s, sizeof s), 3);
	T_EQ_STR(s, "tab");
}

T(json_line_numbers)
{
	static const char js[] = "{\n  \"a\": 1,\n\n  \"b\": x\n}";

	T_EQ_INT(json_line(js, 0), 1);
	T_EQ_INT(json_line(js, 1), 1);		/* the newline itself is on line 1 */
	T_EQ_INT(json_line(js, 2), 2);
	T_EQ_INT(json_line(js, 12), 3);
	T_EQ_INT(json_line(js, 13), 4);
	T_EQ_INT(json_line(js, 20), 4);		/* the x */
	T_EQ_INT(json_line(js, (int)strlen(js)), 5);
}

/* The strict build of jsmn: what a config file might get wrong is refused. */
T(json_jsmn_strict)
{
	jsmntok_t t[8];

	T_EQ_INT(parse("{\"a\":1}", t, 8), 3);
	T_EQ_INT(parse("{a:1}", t, 8), JSMN_ERROR_INVAL);
	T_EQ_INT(parse("{\"a\":1", t, 8), JSMN_ERROR_PART);
	T_EQ_INT(parse("[1,2,3,4,5,6,7,8]", t, 8), JSMN_ERROR_NOMEM);
}

/* The byte-at-a-time escaping json_escape and json_utf8_clean did before
 * they copied runs and words: the reference they are held to below. */
static void ref_put(char *out, size_t cap, size_t *len, const char *p, size_t k)
{
	size_t fit = *len < cap ? cap - *len : 0;

	memcpy(out + *len, p, fit > k ? k : fit);
	*len += k;
}

/* One character at p[*i] as it is, or U+FFFD for a bad sequence. */
static void ref_char(char *out, size_t cap, size_t *len, const unsigned char *p, size_t n, size_t *i)
{
	int k = utf8_len(p + *i, n - *i);

	if (k > 0)
		ref_put(out, cap, len, (const char *)p + *i, (size_t)k);
	else
		ref_put(out, cap, len, "\xef\xbf\xbd", 3);
	*i += (size_t)(k > 0 ? k : -k);
}

static size_t ref_escape(char *out, size_t cap, const unsigned char *p, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i = 0, len = 0;
	char e[6] = { '\\' };

	while (i < n) {
		unsigned char c = p[i];

		if (c == '"' || c == '\\') {
			e[1] = (char)c;
			ref_put(out, cap, &len, e, 2);
			i++;
		} else if (c < 0x20) {
			e[1] = c == '\b' ? 'b' : c == '\t' ? 't' : c == '\n' ? 'n' : c == '\f' ? 'f' : c == '\r' ? 'r' : 'u';
			e[2] = '0';
			e[3] = '0';
			e[4] = hex[c >> 4];
			e[5] = hex[c & 15];
			ref_put(out, cap, &len, e, e[1] == 'u' ? 6 : 2);
			i++;
		} else
			ref_char(out, cap, &len, p, n, &i);
	}
	return len;
}

static size_t ref_clean(char *out, size_t cap, const unsigned char *p, size_t n)
{
	size_t i = 0, len = 0;

	while (i < n)
		ref_char(out, cap, &len, p, n, &i);
	return len;
}

/* Random text (mostly printable ASCII in long runs, some quotes, controls,
 * UTF-8 lead and continuation bytes), at random caps and with room. */
T(json_escape_and_clean_against_reference)
{
	unsigned char in[96];
	char a[700], b[700];
	uint32_t x = 2463534242u;

	for (int t = 0; t < 300000; t++) {
		size_t n, cap;
		int ascii;

		x ^= x << 13, x ^= x >> 17, x ^= x << 5;
		n = x % 90;
		ascii = (x >> 8) % 3 == 0;
		for (size_t i = 0; i < n; i++) {
			x ^= x << 13, x ^= x >> 17, x ^= x << 5;
			unsigned r = x % 16, v = x >> 8;
			in[i] = (unsigned char)(ascii || r < 11 ? 0x20 + v % 0x5f : r < 13 ? 0x80 + v % 0x80 :
			    r == 13 ? v % 0x20 : r == 14 ? (unsigned char)"\"\\\x7f"[v % 3] : 0xc0 + v % 0x40);
		}
		cap = (x >> 20) & 1 ? (x >> 4) % 200 : 600;
		memset(a, 1, sizeof a);
		memset(b, 1, sizeof b);
		T_EQ_INT(json_escape(a, cap, (const char *)in, n), ref_escape(b, cap, in, n));
		T_EQ_MEM(a, sizeof a, b, sizeof b);
		memset(a, 1, sizeof a);
		memset(b, 1, sizeof b);
		T_EQ_INT(utf8_clean(a, cap, (const char *)in, n), ref_clean(b, cap, in, n));
		T_EQ_MEM(a, sizeof a, b, sizeof b);
	}
}

/* What needs an escape found wherever it stands: a run of every length to
 * 40 (x86 and AArch64 copy sixteen bytes a step, the last sixteen those
 * that end the run; others a word), with a quote, a backslash, a control,
 * DEL (plain), a two-byte character, a bad byte or a cut sequence at each
 * place, at an odd address too; the room exactly six bytes a byte, and
 * nothing written past what is returned. */
T(json_escape_at_every_place)
{
	static const char *const odd[] = { "\"", "\\", "\x01", "\n", "\x7f", "\xc3\xa9", "\xff", "\xe2\x82" };
	unsigned char in[48];
	char a[260], b[260];

	for (size_t len = 0; len <= 40; len++)
		for (size_t at = 0; at <= len; at++)
			for (size_t k = 0; k < sizeof odd / sizeof *odd; k++)
				for (size_t shift = 0; shift < 2; shift++) {
					size_t n = len, w = strlen(odd[k]), got, want;

					for (size_t i = 0; i < sizeof in; i++)
						in[i] = (unsigned char)('A' + (i * 7) % 26);
					if (at < len) {
						n = at + w > len ? at + w : len;
						memcpy(in + shift + at, odd[k], w);
					}
					memset(a, '#', sizeof a);
					memset(b, '#', sizeof b);
					got = json_escape(a, 6 * n, (const char *)in + shift, n);
					want = ref_escape(b, 6 * n, in + shift, n);
					T_EQ_INT(got, want);
					T_EQ_MEM(a, sizeof a, b, sizeof b);
				}
}

/* A string's end found wherever it stands: a value of every length to 40
 * (x86 looks sixteen bytes at a time, others a word), with an escape, a
 * quote or a NUL at each place in it, then one more key; json_flat takes
 * the record exactly when there is no quote or NUL in the value, with
 * jsmn's tokens. */
T(json_flat_string_ends_at_every_place)
{
	static const char stop[] = { 'a', '\\', '"', '\0' };
	static jsmntok_t a[8], b[8];
	char buf[96];

	for (size_t len = 0; len <= 40; len++)
		for (size_t at = 0; at <= len; at++)
			for (size_t k = 0; k < sizeof stop; k++) {
				size_t n = 0;
				jsmn_parser p;
				int r, esc = 0, ok = at == len || stop[k] == 'a' || stop[k] == '\\';

				n += (size_t)sprintf(buf, "{\"k\":\"");
				memset(buf + n, 'v', len);
				if (at < len) {
					buf[n + at] = stop[k];
					if (stop[k] == '\\' && at + 1 < len)
						buf[n + at + 1] = 'n';
					else if (stop[k] == '\\')
						ok = 0;	/* the escape takes the closing quote */
				}
				n += len;
				n += (size_t)sprintf(buf + n, "\",\"z\":1}");
				r = json_flat(buf, n, a, 8, &esc);
				T_EQ_INT(r > 0, ok);
				if (r <= 0)
					continue;
				T_EQ_INT(r, 5);
				T_EQ_INT(esc, stop[k] == '\\' && at < len);
				jsmn_init(&p);
				T_EQ_INT(jsmn_parse(&p, buf, n, b, 8), r);
				for (int t = 0; t < r; t++) {
					T_EQ_INT(a[t].start, b[t].start);
					T_EQ_INT(a[t].end, b[t].end);
				}
			}
}

/* json_flat against jsmn: each record says whether json_flat takes it; then
 * each is changed at random (bytes replaced, put in, taken out) many times,
 * and whenever json_flat takes a record, jsmn makes the same tokens. */
T(json_flat_agrees_with_jsmn)
{
	static const struct { const char *rec; int flat; } recs[] = {
		{ "{\"ip\":\"176.203.201.200\",\"user\":\"-\",\"status\":200,\"ok\":true,\"x\":null,\"f\":-1.5e3}", 1 },
		{ "  {  \"a\" : \"b\" ,\t\"c\":\"d\\\"e\\\\f\\/g\\n\\u00e9\\uD83D\"\r\n}\n", 1 },
		{ "{}", 1 },
		{ "{ }\n", 1 },
		{ "{\"k\":\"\xc3\xa9\xe2\x80\xa8\x01\x7f\",\"n\":tru}", 1 },
		/* left to jsmn */
		{ "{\"a\":{\"b\":1}}", 0 },
		{ "{\"a\":[1,2]}", 0 },
		{ "{\"a\":1,}", 0 },
		{ "{\"a\":\"\\x\"}", 0 },
		{ "{\"a\":\"\\u12\"}", 0 },
		{ "{\"a\":1]}", 0 },
		{ "{\"a\":1} x", 0 },
		{ "[1]", 0 },
		{ "{\"a\" \"b\"}", 0 },
		{ "{\"a\":1", 0 },
		{ "{\"a\":\"b", 0 },
		{ "", 0 },
	};
	static const char bytes[] = "{}[]\":,\\ \t\r\n0-tfnu/aZ\x01\x7f\xc3\xa9";
	static jsmntok_t a[64], b[64];
	uint32_t seed = 5;
	char buf[512];
	long taken = 0, tried = 0, escaped = 0;
	int e;

	for (size_t i = 0; i < sizeof recs / sizeof recs[0]; i++) {
		for (int m = 0; m < 3000; m++) {
			size_t n = strlen(recs[i].rec);
			jsmn_parser p;
			int k, r, esc = 0, want = 0;

			memcpy(buf, recs[i].rec, n);
			if (m)	/* m == 0: as written */
				t_mutate(buf, &n, sizeof buf, &seed, bytes, sizeof bytes - 1);
			r = json_flat(buf, n, a, 64, &esc);
			if (m == 0)
				T_EQ_INT(r > 0, recs[i].flat);
			tried++;
			if (r <= 0)
				continue;
			taken++;
			jsmn_init(&p);
			T_EQ_INT(jsmn_parse(&p, buf, n, b, 64), r);
			for (k = 0; k < r; k++) {
				T_EQ_INT(a[k].type, b[k].type);
				T_EQ_INT(a[k].start, b[k].start);
				T_EQ_INT(a[k].end, b[k].end);
				T_EQ_INT(a[k].size, b[k].size);
				T_EQ_INT(a[k].parent, b[k].parent);
				want |= b[k].type == JSMN_STRING &&
				    memchr(buf + b[k].start, '\\', (size_t)(b[k].end - b[k].start)) != NULL;
			}
			/* it says whether a string holds an escape */
			T_EQ_INT(esc, want);
			escaped += esc;
		}
	}
	/* the changes leave many records json_flat still takes */
	T_TRUE(taken > 2000);
	T_TRUE(taken < tried / 2);
	T_TRUE(escaped > 100 && escaped < taken - 100);
	/* more tokens than there is room for: jsmn says so */
	T_EQ_INT(json_flat("{\"a\":1,\"b\":2}", 13, a, 4, &e), 0);
	T_EQ_INT(json_flat("{\"a\":1,\"b\":2}", 13, a, 5, &e), 5);
}
