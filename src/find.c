#include <stdint.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#define FIND_VEC
#elif defined(__aarch64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#include <arm_neon.h>
#define FIND_VEC
#endif
#include "find.h"
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

#ifdef FIND_VEC
/* Sixteen bytes a compare where every CPU of the family has the registers
 * (x86-64's SSE2, AArch64's NEON): which of the bytes at p are v's, or
 * (lt) below v's as signed bytes, FIND_BITS bits a byte in memory order
 * (NEON has no movemask: a narrowing shift keeps four bits of each). */
#ifdef __SSE2__
#define FIND_BITS 1
typedef __m128i find_vec;

static inline __attribute__((always_inline)) find_vec find_splat(char c)
{
	return _mm_set1_epi8(c);
}

static inline __attribute__((always_inline)) uint64_t find_flags16(const char *p, find_vec v, int lt)
{
	__m128i x = _mm_loadu_si128((const __m128i *)(const void *)p);

	return (unsigned)_mm_movemask_epi8(lt ? _mm_cmplt_epi8(x, v) : _mm_cmpeq_epi8(x, v));
}
#else
#define FIND_BITS 4
typedef int8x16_t find_vec;

static inline __attribute__((always_inline)) find_vec find_splat(char c)
{
	return vdupq_n_s8((int8_t)c);
}

static inline __attribute__((always_inline)) uint64_t find_flags16(const char *p, find_vec v, int lt)
{
	int8x16_t x = vld1q_s8((const int8_t *)p);
	uint8x16_t f = lt ? vcltq_s8(x, v) : vceqq_s8(x, v);

	return vget_lane_u64(vreinterpret_u64_u8(vshrn_n_u16(vreinterpretq_u16_u8(f), 4)), 0);
}
#endif

/* The first byte of s[i, n) find_flags16 flags, or n (n at least 16):
 * sixteen at a time, the last sixteen those that end at n, the ones before
 * i passed over. */
static inline __attribute__((always_inline)) size_t find_flagged(const char *s, size_t i, size_t n, find_vec v,
    int lt)
{
	uint64_t m;

	for (; n - i >= 16; i += 16)
		if ((m = find_flags16(s + i, v, lt)))
			return i + (size_t)__builtin_ctzll(m) / FIND_BITS;
	if (i == n)
		return n;
	m = find_flags16(s + n - 16, v, lt) >> FIND_BITS * (i - (n - 16));
	return m ? i + (size_t)__builtin_ctzll(m) / FIND_BITS : n;
}

/* Spans shorter than sixteen bytes take the words. */
size_t find_byte(const char *s, size_t i, size_t n, char c)
{
	return n < 16 ? find_words(s, i, n, c) : find_flagged(s, i, n, find_splat(c), 0);
}
#else
size_t find_byte(const char *s, size_t i, size_t n, char c)
{
	return find_words(s, i, n, c);
}
#endif

size_t find_low_or_high(const char *s, size_t i, size_t n, unsigned char lo)
{
#ifdef FIND_VEC
	/* as signed bytes, those from 0x80 are below lo too: one compare */
	if (n >= 16)
		return find_flagged(s, i, n, find_splat((char)lo), 1);
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
