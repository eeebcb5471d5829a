/* A small regular-expression engine for the Java patterns users already have
 * in agent.json (matchPattern, multiLineStartPattern, a CSV delimiter).
 * Linear time in the input (no backtracking), fixed memory taken at compile
 * time (start-up), nothing allocated while matching.
 *
 * Supported: literals and escapes, '.', classes with ranges and negation,
 * \d \D \w \W \s \S, \b \B, ^ $, capturing groups and (?:...), alternation,
 * * + ? {m} {m,} {m,n} greedy and lazy (*? +? ?? {m,n}?).  Leftmost-first
 * (Java/Perl) choice between alternatives.  Back-references, look-around,
 * possessive quantifiers and flags are rejected at compile time; a named group
 * (?<name>...) is a capturing group numbered as the others. */
#ifndef RX_H
#define RX_H
#include <stddef.h>

#define RX_MAX_GROUPS 32	/* capturing groups, group 0 (the whole match) not counted */

struct rx;

/* Compiles pattern (len bytes, Java syntax).  Memory comes from the arena
 * (start-up only).  Returns NULL with "at N: reason" in err (N = 0-based
 * offset in the pattern) when the pattern is invalid or unsupported. */
struct rx *rx_compile(const char *pattern, size_t len, char *err, size_t errcap);
/* Number of capturing groups. */
int rx_groups(const struct rx *rx);
/* Whether every match is one character of a set of ASCII characters (",",
 * "[,;]", "\\s"): 1; or the longest run of them there (a greedy "X+"): 2;
 * then set[b] is 1 for each byte b in the set, 0 for the others.  0 for any
 * other pattern.  Such a pattern can be found by a byte scan: no character
 * beyond ASCII contains an ASCII byte. */
int rx_byteset(const struct rx *rx, unsigned char set[256]);
/* A pattern A L B (a CSV delimiter: "\\s*,\\s*", ",\\s*", "[,;] ?",
 * "\\s+-\\s+"), where L is one character then a string, A nothing, X* or
 * X+, and B nothing, X*, X+ or X? (greedy; each X and L's first character
 * one ASCII character or a class of them), and L's first character one A
 * does not take: 1 with d filled in, else 0.  Its leftmost match is then
 * found by a byte search for L and a scan each way (rx_delim_find). */
#define RX_DELIM_LIT 16
struct rx_delim {
	unsigned char a[256], lead[256], b[256];	/* the bytes A, L's first character and B take */
	size_t amin, bmin, bmax;	/* 0 or 1; bmax SIZE_MAX: no limit (A has none: an X? there is not taken) */
	int lone;			/* L's first character when it is one byte, else < 0 */
	unsigned char lit[RX_DELIM_LIT];	/* the rest of L */
	size_t litlen;
};
int rx_delim(const struct rx *rx, struct rx_delim *d);
/* What rx_exec's RX_FIND gives for such a pattern: 1 with its leftmost
 * match at or after from in s[*ms, *me), or 0. */
int rx_delim_find(const struct rx_delim *d, const char *s, size_t n, size_t from, size_t *ms, size_t *me);

enum rx_mode {
	RX_MATCHES,	/* the whole of s[from..n) must match (Java Matcher.matches) */
	RX_LOOKINGAT,	/* a prefix of s[from..n) must match (Matcher.lookingAt) */
	RX_FIND,	/* the leftmost match starting at or after from (Matcher.find) */
};

/* Runs rx over s (n bytes; ^, $ and \b see the whole of s) starting at from.
 * caps receives 2 * ncaps offsets: caps[2g], caps[2g+1] = start and end of
 * group g (g = 0: the whole match), -1 for a group that did not take part.
 * Returns 1 on a match, 0 if none.  Not reentrant: one match at a time per rx. */
int rx_exec(struct rx *rx, const char *s, size_t n, size_t from, enum rx_mode mode, int *caps, int ncaps);
/* The same, always by the Pike VM (rx_exec takes a faster way when the
 * pattern allows it): the reference the tests and fuzzers hold it to. */
int rx_exec_pike(struct rx *rx, const char *s, size_t n, size_t from, enum rx_mode mode, int *caps, int ncaps);
#endif
