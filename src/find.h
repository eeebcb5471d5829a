/* Finding bytes in bytes, plainly: libc's strstr and memmem bring their
 * two-way matcher (over a kilobyte) for the few short needles kagent
 * looks for in answers and settings. */
#ifndef FIND_H
#define FIND_H
#include <stddef.h>

/* The first place needle (k bytes) starts in hay (n bytes), or NULL; an
 * empty needle is found at hay (as memmem). */
const char *find_mem(const char *hay, size_t n, const char *needle, size_t k);
/* The same in NUL-terminated strings (as strstr). */
const char *find_str(const char *hay, const char *needle);

/* The bytes of w that are zero, each as its top bit (exact: no carry
 * crosses a byte). */
static inline __attribute__((always_inline)) unsigned long find_zeros(unsigned long w)
{
	const unsigned long low = ~0UL / 255 * 0x7f;

	return ~(((w & low) + low) | w | low);
}

/* The bytes of w below lo's (each byte of lo the same, at most 0x80) or
 * from 0x80, each as its top bit: exact as to whether, and as to the first
 * in memory order on a little-endian CPU (a borrow moves up only from a
 * byte that is flagged); on a big-endian one a byte before it may be
 * flagged too.  With lo's bytes 0x0e: what '.' does not take whole ('\n',
 * '\r' and the other controls below them, text beyond ASCII). */
static inline __attribute__((always_inline)) unsigned long find_below_or_high(unsigned long w, unsigned long lo)
{
	return ((w - lo) | w) & ~0UL / 255 * 0x80;
}

/* Which byte of a word is the first of those m flags (m is not 0), in
 * memory order. */
static inline __attribute__((always_inline)) size_t find_first(unsigned long m)
{
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	return (size_t)__builtin_clzl(m) / 8;
#else
	return (size_t)__builtin_ctzl(m) / 8;
#endif
}

/* Which byte of a word is the last of those m flags (m is not 0), in
 * memory order. */
static inline __attribute__((always_inline)) size_t find_last(unsigned long m)
{
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	return sizeof m - 1 - (size_t)__builtin_ctzl(m) / 8;
#else
	return sizeof m - 1 - (size_t)__builtin_clzl(m) / 8;
#endif
}

/* The first c in s[i, n), or n.  Sixteen bytes a compare on x86-64 and
 * AArch64, else a word at a time from i, where libc's memchr goes a byte
 * at a time to an aligned address first and again inside the word it
 * stops at: too slow for the short columns of a record.  The last bytes
 * are the sixteen or the word that end at n (when n is that long), its
 * bytes before i passed over. */
size_t find_byte(const char *s, size_t i, size_t n, char c);

/* The first byte of s[i, n) below lo (at most 0x80) or from 0x80, or n:
 * where a run of plain ASCII text ends (lo 0x0e: at a line terminator
 * or another control below it).  Sixteen bytes a compare on x86-64 and
 * AArch64, else a word at a time. */
size_t find_low_or_high(const char *s, size_t i, size_t n, unsigned char lo);

/* The last c in s[lo, hi], or lo - 1: a word at a time down from hi. */
size_t find_byte_last(const char *s, size_t lo, size_t hi, char c);

/* The one byte set[] holds: that byte, -1 for none, -2 for several. */
static inline int find_only(const unsigned char set[256])
{
	int only = -1;

	for (int b = 0; b < 256; b++)
		if (set[b])
			only = only == -1 ? b : -2;
	return only;
}

/* The first byte of set in s[i, n), or n: by find_byte when set holds only
 * (find_only), else four bytes a step through the table. */
static inline __attribute__((always_inline)) size_t find_inset(const unsigned char set[256], int only, const char *s,
    size_t i, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;

	if (only >= 0)
		return find_byte(s, i, n, (char)only);
	while (n - i >= 4 && !(set[u[i]] | set[u[i + 1]] | set[u[i + 2]] | set[u[i + 3]]))
		i += 4;
	while (i < n && !set[u[i]])
		i++;
	return i;
}
#endif
