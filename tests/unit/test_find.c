/* find_mem and find_str against memmem and strstr, find_byte against
 * memchr: what they replace. */
#include <string.h>

#include "t.h"
#include "find.h"

struct find_t {
	const char *s;
	size_t n;
};
#define FIND_T(lit) { lit, sizeof lit - 1 }

T(find_as_memmem_and_strstr)
{
	static const struct find_t hay[] = { FIND_T(""), FIND_T("a"), FIND_T("aa"), FIND_T("abc"), FIND_T("aab"),
		FIND_T("ab\0ab"), FIND_T("x\0a"), FIND_T("Signature expired: 2024"),
		FIND_T("\"records\": \"records."), FIND_T("xxxxxxxxxy"), FIND_T("http://h"), FIND_T(":/"),
		FIND_T("://") };
	static const struct find_t needle[] = { FIND_T(""), FIND_T("a"), FIND_T("b"), FIND_T("ab"), FIND_T("aab"),
		FIND_T("\0a"), FIND_T("expired"), FIND_T("records."), FIND_T("xxy"), FIND_T("://"), FIND_T("abc"),
		FIND_T("xxxxxxxxxyz") };

	for (size_t i = 0; i < sizeof hay / sizeof *hay; i++)
		for (size_t j = 0; j < sizeof needle / sizeof *needle; j++) {
			T_TRUE(find_mem(hay[i].s, hay[i].n, needle[j].s, needle[j].n) ==
			       memmem(hay[i].s, hay[i].n, needle[j].s, needle[j].n));
			T_TRUE(find_str(hay[i].s, needle[j].s) == strstr(hay[i].s, needle[j].s));
		}
	T_EQ_STR(find_mem("ab\0ab", 5, "\0a", 2), "");
	T_EQ_STR(find_str("expired at once", "at"), "at once");
	T_TRUE(find_mem("abc", 3, "abcd", 4) == NULL);
}

/* find_byte against memchr: every length to 50 (three of x86's sixteen-byte
 * compares), every start, the byte at every place or nowhere, with the same
 * byte before the start (which the last, overlapping word or vector reads
 * and must pass over), at each address within a word (the loop goes on
 * from an aligned one). */
T(find_byte_as_memchr)
{
	_Alignas(8) char buf[64];

	for (size_t n = 0; n <= 50; n++)
		for (size_t i = 0; i <= n; i++)
			for (size_t at = 0; at <= n; at++)
				for (int off = 0; off < 8; off++) {
					char *s = buf + off;
					const char *m;

					memset(buf, 'a', sizeof buf);
					/* before the start: found by no search */
					for (size_t k = 0; k < i; k++)
						s[k] = k % 2 ? 'x' : ',';
					if (at < n)
						s[at] = ',';
					s[n] = ',';	/* past the end: never seen */
					m = memchr(s + i, ',', n - i);
					T_EQ_INT(find_byte(s, i, n, ','), m ? (size_t)(m - s) : n);
				}
	T_EQ_INT(find_byte("a\xff" "b", 0, 3, '\xff'), 1);
	T_EQ_INT(find_byte("\x80\x80\x80\x80\x80\x80\x80\x80\x7f", 0, 9, '\x7f'), 8);
	T_EQ_INT(find_byte("\x01\x00\x01\x00\x01\x00\x01\x00\x01\x00", 3, 10, '\0'), 3);
	T_EQ_INT(find_byte("\x01\x00\x01\x00\x01\x00\x01\x00\x01\x00", 4, 10, '\0'), 5);
}

/* find_byte_last against a byte-by-byte search down from hi: every range
 * in 40 bytes, the byte at two places or none, the same byte just outside
 * the range on both sides (which no search may report), odd addresses;
 * then bytes whose neighbours would borrow or carry into a SWAR guess. */
T(find_byte_last_as_a_backward_search)
{
	char buf[64];

	for (size_t lo = 0; lo <= 40; lo++)
		for (size_t hi = lo; hi < 40; hi++)
			for (size_t at = lo; at <= hi + 1; at++)
				for (int off = 0; off < 2; off++) {
					char *s = buf + off + 1;
					size_t want = lo - 1;

					memset(buf, 'a', sizeof buf);
					s[-1] = s[hi + 1] = ',';	/* outside [lo, hi] */
					for (size_t k = 0; k < lo; k++)
						s[k] = k % 2 ? 'x' : ',';
					if (at <= hi) {
						s[at] = ',';
						if (at > lo)
							s[lo + (at - lo) / 2] = ',';	/* an earlier one */
						want = at;
					}
					T_EQ_INT(find_byte_last(s, lo, hi, ','), want);
				}
	T_EQ_INT(find_byte_last("\x7f\x80\x80\x80\x80\x80\x80\x80\x80", 0, 8, '\x7f'), 0);
	T_EQ_INT(find_byte_last("\x01\x00\x01\x00\x01\x00\x01\x00\x01\x00", 0, 9, '\0'), 9);
	T_EQ_INT(find_byte_last("\x00\x01\x00\x01\x00\x01\x00\x01\x00\x01", 0, 9, '\x01'), 9);
	T_EQ_INT(find_byte_last("\x00\x01\x01\x01\x01\x01\x01\x01\x01\x01", 0, 9, '\0'), 0);
	T_EQ_INT(find_byte_last("\xff\xfe\xfe\xfe\xfe\xfe\xfe\xfe\xfe", 0, 8, '\xff'), 0);
}

/* find_low_or_high against a byte-by-byte search: every length to 50, every
 * start, each kind of byte it stops at (below lo, from 0x80) and those it
 * passes (lo itself, 0x7f) at every place or none, bytes it would stop at
 * before the start, odd addresses; two values of lo. */
T(find_low_or_high_as_a_byte_loop)
{
	static const unsigned char lows[] = { 0x0e, 0x21 };
	static const unsigned char stops[] = { 0x00, '\n', '\r', 0x80, 0xff, 0x7f, 0x0e, 0x20 };
	char buf[64];

	for (size_t l = 0; l < sizeof lows; l++)
		for (size_t b = 0; b < sizeof stops; b++)
			for (size_t n = 0; n <= 50; n++)
				for (size_t i = 0; i <= n; i++)
					for (size_t at = 0; at <= n; at++)
						for (int off = 0; off < 2; off++) {
							unsigned char lo = lows[l];
							char *s = buf + off;
							size_t want = i;

							memset(buf, 'a', sizeof buf);
							for (size_t k = 0; k < i; k++)
								s[k] = k % 2 ? '\n' : '\xc3';
							if (at < n)
								s[at] = (char)stops[b];
							s[n] = '\r';	/* past the end */
							while (want < n && (unsigned char)s[want] >= lo &&
							       (unsigned char)s[want] < 0x80)
								want++;
							T_EQ_INT(find_low_or_high(s, i, n, lo), want);
						}
	T_EQ_INT(find_low_or_high("abc\x7f", 0, 4, 0x0e), 4);
	T_EQ_INT(find_low_or_high("ab\tc", 0, 4, 0x0e), 2);
	T_EQ_INT(find_low_or_high("0123456789abcdef\x0d", 0, 17, 0x0e), 16);
}
