/* GHASH with x86-64's PCLMULQDQ (see ghash.h).
 *
 * GCM's bit order is reflected: the first bit of the first byte is x^0.
 * Blocks are byte-reversed on load, so a block is a 128-bit integer whose
 * top bit is x^0; the carry-less product of two such integers is then the
 * reflected product shifted right by one bit, which the reduction puts
 * back.  Eight blocks share one reduction: Y' = (Y + X1)H^8 + X2 H^7 + ...
 * + X8 H, each product's 256 bits summed unreduced (Karatsuba: three
 * multiplies a block), then folded mod x^128 + x^7 + x^2 + x + 1 once.
 * Measured on 16-KiB records (AMD EPYC): BearSSL's br_ghash_pclmul 5.2
 * GB/s, this 6.3, the 256-bit one below 10.2.
 * The functions carry their own target attribute and are called only
 * after cpuid said the CPU has the instructions. */
#include <string.h>

#include "ghash.h"

#ifdef __x86_64__
#include <cpuid.h>
#include <immintrin.h>

#define GHASH_TARGET __attribute__((target("pclmul,ssse3")))
#define GHASH_AGG 8

GHASH_TARGET static inline __attribute__((always_inline)) __m128i
rev(__m128i x)
{
	return _mm_shuffle_epi8(x, _mm_setr_epi8(15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0));
}

/* The unreduced product hi:lo (256 bits) as 128 reduced ones. */
GHASH_TARGET static inline __attribute__((always_inline)) __m128i
reduce(__m128i lo, __m128i hi)
{
	__m128i a, b;

	/* back by the bit the reflected product is short of */
	hi = _mm_or_si128(_mm_or_si128(_mm_slli_epi64(hi, 1), _mm_slli_si128(_mm_srli_epi64(hi, 63), 8)),
	    _mm_srli_si128(_mm_srli_epi64(lo, 63), 8));
	lo = _mm_or_si128(_mm_slli_epi64(lo, 1), _mm_slli_si128(_mm_srli_epi64(lo, 63), 8));
	/* the low 128 bits are x^128..x^255: fold them in twice, first the
	 * low word's overflow into the high word, then the whole */
	a = _mm_xor_si128(_mm_xor_si128(_mm_slli_epi64(lo, 63), _mm_slli_epi64(lo, 62)), _mm_slli_epi64(lo, 57));
	lo = _mm_xor_si128(lo, _mm_slli_si128(a, 8));
	b = _mm_xor_si128(_mm_xor_si128(_mm_srli_epi64(lo, 1), _mm_srli_epi64(lo, 2)), _mm_srli_epi64(lo, 7));
	b = _mm_xor_si128(b, _mm_srli_si128(_mm_xor_si128(_mm_xor_si128(_mm_slli_epi64(lo, 63),
	    _mm_slli_epi64(lo, 62)), _mm_slli_epi64(lo, 57)), 8));
	return _mm_xor_si128(hi, _mm_xor_si128(lo, b));
}

/* Products summed by parts, reduced: lo and hi the sums of the low and of
 * the high halves' products, mid of the products of each factor's two
 * halves added (Karatsuba). */
GHASH_TARGET static inline __attribute__((always_inline)) __m128i
karatsuba(__m128i lo, __m128i hi, __m128i mid)
{
	mid = _mm_xor_si128(mid, _mm_xor_si128(lo, hi));
	return reduce(_mm_xor_si128(lo, _mm_slli_si128(mid, 8)), _mm_xor_si128(hi, _mm_srli_si128(mid, 8)));
}

GHASH_TARGET static inline __attribute__((always_inline)) __m128i
halves(__m128i x)
{
	return _mm_xor_si128(x, _mm_shuffle_epi32(x, 0x4e));
}

GHASH_TARGET static inline __attribute__((always_inline)) __m128i
mul(__m128i a, __m128i b)
{
	return karatsuba(_mm_clmulepi64_si128(a, b, 0x00), _mm_clmulepi64_si128(a, b, 0x11),
	    _mm_clmulepi64_si128(halves(a), halves(b), 0x00));
}

GHASH_TARGET static void
ghash_pclmul8(void *y, const void *h, const void *data, size_t len)
{
	const unsigned char *p = data;
	unsigned char last[16] = { 0 };
	size_t blocks = (len + 15) / 16;
	__m128i acc = rev(_mm_loadu_si128((const __m128i *)y));
	__m128i hp[GHASH_AGG], hk[GHASH_AGG];	/* H^(i+1), and its halves' sum */

	hp[0] = rev(_mm_loadu_si128((const __m128i *)h));
	for (size_t i = 1; i < GHASH_AGG && i < blocks; i++)
		hp[i] = mul(hp[i - 1], hp[0]);
	for (size_t i = 0; i < GHASH_AGG && i < blocks; i++)
		hk[i] = halves(hp[i]);
	while (blocks) {
		size_t r = blocks < GHASH_AGG ? blocks : GHASH_AGG;
		__m128i lo = _mm_setzero_si128(), hi = lo, mid = lo;

		for (size_t j = 0; j < r; j++) {
			__m128i x, k = hp[r - 1 - j];

			if (len < 16) {	/* a last partial block: zeros after it */
				memcpy(last, p, len);
				p = last;
				len = 16;
			}
			x = rev(_mm_loadu_si128((const __m128i *)p));
			p += 16;
			len -= 16;
			if (j == 0)
				x = _mm_xor_si128(x, acc);
			lo = _mm_xor_si128(lo, _mm_clmulepi64_si128(x, k, 0x00));
			hi = _mm_xor_si128(hi, _mm_clmulepi64_si128(x, k, 0x11));
			mid = _mm_xor_si128(mid, _mm_clmulepi64_si128(halves(x), hk[r - 1 - j], 0x00));
		}
		acc = karatsuba(lo, hi, mid);
		blocks -= r;
	}
	_mm_storeu_si128((__m128i *)y, rev(acc));
}

/* With VPCLMULQDQ on 256-bit registers (AVX2), two blocks an instruction:
 * the sixteen blocks of a group are eight pairs, each pair's products
 * summed in its own half, the halves added before the one reduction (a
 * group of eight was two thirds as fast).  What is left after the last
 * whole group is ghash_pclmul8's. */
#define GHASH_TARGET2 __attribute__((target("vpclmulqdq,avx2,pclmul,ssse3")))
#define GHASH_AGG2 16

GHASH_TARGET2 static void
ghash_vpclmul(void *y, const void *h, const void *data, size_t len)
{
	const __m256i rev2 = _mm256_setr_epi8(15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0,
	    15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0);
	const unsigned char *p = data;
	__m128i hp[GHASH_AGG2], acc;
	__m256i hq[GHASH_AGG2 / 2], hk[GHASH_AGG2 / 2];	/* (H^8, H^7), (H^6, H^5)...; their halves' sums */

	if (len < 16 * GHASH_AGG2) {
		ghash_pclmul8(y, h, data, len);
		return;
	}
	hp[0] = rev(_mm_loadu_si128((const __m128i *)h));
	for (int i = 1; i < GHASH_AGG2; i++)
		hp[i] = mul(hp[i - 1], hp[0]);
	for (int i = 0; i < GHASH_AGG2 / 2; i++) {
		hq[i] = _mm256_setr_m128i(hp[GHASH_AGG2 - 1 - 2 * i], hp[GHASH_AGG2 - 2 - 2 * i]);
		hk[i] = _mm256_xor_si256(hq[i], _mm256_shuffle_epi32(hq[i], 0x4e));
	}
	acc = rev(_mm_loadu_si128((const __m128i *)y));
	for (; len >= 16 * GHASH_AGG2; len -= 16 * GHASH_AGG2) {
		__m256i lo = _mm256_setzero_si256(), hi = lo, mid = lo;

		for (int j = 0; j < GHASH_AGG2 / 2; j++, p += 32) {
			__m256i x = _mm256_shuffle_epi8(_mm256_loadu_si256((const __m256i *)p), rev2);

			if (j == 0)
				x = _mm256_xor_si256(x, _mm256_zextsi128_si256(acc));
			lo = _mm256_xor_si256(lo, _mm256_clmulepi64_epi128(x, hq[j], 0x00));
			hi = _mm256_xor_si256(hi, _mm256_clmulepi64_epi128(x, hq[j], 0x11));
			mid = _mm256_xor_si256(mid, _mm256_clmulepi64_epi128(_mm256_xor_si256(x,
			    _mm256_shuffle_epi32(x, 0x4e)), hk[j], 0x00));
		}
		acc = karatsuba(_mm_xor_si128(_mm256_castsi256_si128(lo), _mm256_extracti128_si256(lo, 1)),
		    _mm_xor_si128(_mm256_castsi256_si128(hi), _mm256_extracti128_si256(hi, 1)),
		    _mm_xor_si128(_mm256_castsi256_si128(mid), _mm256_extracti128_si256(mid, 1)));
	}
	/* the code after this (BearSSL's AES, SHA-256) is SSE: leaving the
	 * registers' upper halves dirty would cost it more than this saves */
	_mm256_zeroupper();
	_mm_storeu_si128((__m128i *)y, rev(acc));
	if (len)
		ghash_pclmul8(y, h, p, len);
}

br_ghash ghash_get(int wide)
{
	unsigned a, b, c, d, lo, hi;

	if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & bit_PCLMUL) || !(c & bit_SSSE3))
		return NULL;
	/* the 256-bit one needs the instructions and the kernel saving ymm */
	if (!wide || !(c & bit_OSXSAVE) || !(c & bit_AVX) || __get_cpuid_max(0, NULL) < 7)
		return ghash_pclmul8;
	__asm__("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	__cpuid_count(7, 0, a, b, c, d);
	if ((lo & 6) != 6 || !(b & bit_AVX2) || !(c & bit_VPCLMULQDQ))
		return ghash_pclmul8;
	return ghash_vpclmul;
}
#else
br_ghash ghash_get(int wide)
{
	(void)wide;
	return NULL;
}
#endif
