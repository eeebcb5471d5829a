/* Sixteen bytes a compare where every CPU of the family has the registers:
 * x86-64's SSE2 and little-endian AArch64's NEON (SIMD16 is defined there;
 * elsewhere the callers go a word at a time).  The scans of a line's
 * columns, of a JSON string and of what needs an escape are written once
 * over these.
 *
 * simd_bits gives a compare's result as SIMD_BITS bits a byte, in memory
 * order from bit 0: NEON has no movemask, and a narrowing shift that keeps
 * four bits of each byte is its cheapest stand-in. */
#ifndef SIMD_H
#define SIMD_H
#include <stddef.h>
#include <stdint.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#define SIMD16
#define SIMD_BITS 1
typedef __m128i simd_v;

static inline __attribute__((always_inline)) simd_v simd_load(const void *p)
{
	return _mm_loadu_si128((const __m128i *)p);
}

static inline __attribute__((always_inline)) void simd_store(void *p, simd_v x)
{
	_mm_storeu_si128((__m128i *)p, x);
}

static inline __attribute__((always_inline)) simd_v simd_splat(char c)
{
	return _mm_set1_epi8(c);
}

static inline __attribute__((always_inline)) simd_v simd_eq(simd_v x, simd_v y)
{
	return _mm_cmpeq_epi8(x, y);
}

/* x's bytes below y's, as signed bytes. */
static inline __attribute__((always_inline)) simd_v simd_lt(simd_v x, simd_v y)
{
	return _mm_cmplt_epi8(x, y);
}

static inline __attribute__((always_inline)) simd_v simd_or(simd_v x, simd_v y)
{
	return _mm_or_si128(x, y);
}

static inline __attribute__((always_inline)) uint64_t simd_bits(simd_v f)
{
	return (unsigned)_mm_movemask_epi8(f);
}
#elif defined(__aarch64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#include <arm_neon.h>
#define SIMD16
#define SIMD_BITS 4
typedef int8x16_t simd_v;

static inline __attribute__((always_inline)) simd_v simd_load(const void *p)
{
	return vld1q_s8((const int8_t *)p);
}

static inline __attribute__((always_inline)) void simd_store(void *p, simd_v x)
{
	vst1q_s8((int8_t *)p, x);
}

static inline __attribute__((always_inline)) simd_v simd_splat(char c)
{
	return vdupq_n_s8((int8_t)c);
}

static inline __attribute__((always_inline)) simd_v simd_eq(simd_v x, simd_v y)
{
	return vreinterpretq_s8_u8(vceqq_s8(x, y));
}

static inline __attribute__((always_inline)) simd_v simd_lt(simd_v x, simd_v y)
{
	return vreinterpretq_s8_u8(vcltq_s8(x, y));
}

static inline __attribute__((always_inline)) simd_v simd_or(simd_v x, simd_v y)
{
	return vorrq_s8(x, y);
}

static inline __attribute__((always_inline)) uint64_t simd_bits(simd_v f)
{
	return vget_lane_u64(vreinterpret_u64_u8(vshrn_n_u16(vreinterpretq_u16_s8(f), 4)), 0);
}
#endif

#ifdef SIMD16
/* The first byte simd_bits flags (m is not 0). */
static inline __attribute__((always_inline)) size_t simd_first(uint64_t m)
{
	return (size_t)__builtin_ctzll(m) / SIMD_BITS;
}
#endif
#endif
