#include <stdint.h>
#include <string.h>
#include "find.h"
#include "simd.h"
#include "unaligned.h"

const char *find_mem(const char *hay, size_t n, const char *needle, size_t k)
{
	size_t i;

	for (i = 0; k <= n && i <= n - k; i++)
		if (!memcmp(hay + i, needle, k))
			return hay + i;
	return NULL;
}

const char *find_str(const char *hay, const char *needle)
{
	return find_mem(hay, strlen(hay), needle, strlen(needle));
}

static size_t find_words(const char *s, size_t i, size_t n, char c)
{
	const unsigned long ones = ~0UL / 255, cc = ones * (unsigned char)c;
	unsigned long w, m;

	if (n - i >= sizeof w) {
		if ((m = find_zeros(load_word(s + i) ^ cc)))
			return i + find_first(m);
		/* on from the next aligned word (no lwl/lwr pair on MIPS), with
		 * the classic test, exact as to whether a byte is c: fewer steps
		 * than find_zeros, which then says which.  (A do-while: GCC's -Os
		 * loop has a jump and a delay slot more a word.) */
		i += sizeof w - (uintptr_t)(s + i) % sizeof w;
		if (n - i >= sizeof w)
			do {
				w = load_aligned_word(s + i) ^ cc;
				if ((w - ones) & ~w & ones * 0x80)
					return i + find_first(find_zeros(w));
				i += sizeof w;
			} while (n - i >= sizeof w);
	}
	if (i < n && n >= sizeof w) {
		size_t at = n - sizeof w, skip = 8 * (i - at);	/* not a whole word */

		w = load_word(s + at) ^ cc;
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
		m = find_zeros(w) & ~0UL >> skip;
#else
		m = find_zeros(w) & ~0UL << skip;
#endif
		return m ? at + find_first(m) : n;
	}
	while (i < n && s[i] != c)
		i++;
	return i;
}

#ifdef SIMD16
/* Which of the sixteen bytes at p are v's, or (lt) below v's as signed
 * bytes. */
static inline __attribute__((always_inline)) uint64_t find_flags16(const char *p, simd_v v, int lt)
{
	simd_v x = simd_load(p);

	return simd_bits(lt ? simd_lt(x, v) : simd_eq(x, v));
}

/* The first byte of s[i, n) find_flags16 flags, or n (n at least 16):
 * sixteen at a time, the last sixteen those that end at n, the ones before
 * i passed over. */
static inline __attribute__((always_inline)) size_t find_flagged(const char *s, size_t i, size_t n, simd_v v,
    int lt)
{
	uint64_t m;

	for (; n - i >= 16; i += 16)
		if ((m = find_flags16(s + i, v, lt)))
			return i + simd_first(m);
	if (i == n)
		return n;
	m = find_flags16(s + n - 16, v, lt) >> SIMD_BITS * (i - (n - 16));
	return m ? i + simd_first(m) : n;
}

/* Spans shorter than sixteen bytes take the words. */
size_t find_byte(const char *s, size_t i, size_t n, char c)
{
	return n < 16 ? find_words(s, i, n, c) : find_flagged(s, i, n, simd_splat(c), 0);
}
#else
size_t find_byte(const char *s, size_t i, size_t n, char c)
{
	return find_words(s, i, n, c);
}
#endif

size_t find_low_or_high(const char *s, size_t i, size_t n, unsigned char lo)
{
#ifdef SIMD16
	/* as signed bytes, those from 0x80 are below lo too: one compare */
	if (n >= 16)
		return find_flagged(s, i, n, simd_splat((char)lo), 1);
#endif
	while (n - i >= sizeof(unsigned long) && !find_below_or_high(load_word(s + i), ~0UL / 255 * lo))
		i += sizeof(unsigned long);
	while (i < n && (unsigned char)s[i] >= lo && (unsigned char)s[i] < 0x80)
		i++;
	return i;
}

size_t find_byte_last(const char *s, size_t lo, size_t hi, char c)
{
	const unsigned long ones = ~0UL / 255;
	size_t e = hi + 1;	/* the bytes before e are left to look at */
	unsigned long m;

	for (; e - lo >= sizeof m; e -= sizeof m)
		if ((m = find_zeros(load_word(s + e - sizeof m) ^ ones * (unsigned char)c)))
			return e - sizeof m + find_last(m);
	while (e > lo)
		if (s[--e] == c)
			return e;
	return lo - 1;
}
