/* SHA-256 with the CPU's SHA instructions (see sha256.h).
 *
 * The instructions are reached through compiler intrinsics in functions
 * that carry their own target attribute, so the rest of the program stays
 * built for the baseline CPU and runs where the instructions are missing;
 * those functions are called only after the CPU said it has them.  The
 * state, the buffer and the count are BearSSL's (br_sha256_context), so
 * either code can go on from where the other left. */
#include <stdint.h>
#include <string.h>

#include "cpu.h"
#include "sha256.h"

#if defined(__x86_64__)
#include <immintrin.h>
#define SHA256_HAVE_X86 1
#elif defined(CPU_ARM_CRYPTO_ISA)
#include <arm_neon.h>
#define SHA256_HAVE_ARM 1
#endif

#if defined(SHA256_HAVE_X86) || defined(SHA256_HAVE_ARM)
static const uint32_t sha256_k[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
	0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
	0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
	0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
	0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};
#endif

#ifdef SHA256_HAVE_X86
/* The state is kept as the instructions want it: ABEF and CDGH. */
__attribute__((target("sha,sse4.1,ssse3")))
static void sha256_blocks_x86(uint32_t st[8], const unsigned char *p, size_t nb)
{
	const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
	__m128i t = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&st[0]), 0xb1);	/* CDAB */
	__m128i s1 = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&st[4]), 0x1b);	/* EFGH */
	__m128i s0 = _mm_alignr_epi8(t, s1, 8);						/* ABEF */

	s1 = _mm_blend_epi16(s1, t, 0xf0);						/* CDGH */
	for (; nb > 0; nb--, p += 64) {
		__m128i a0 = s0, a1 = s1, m[4], wk;

#pragma GCC unroll 16
		for (int i = 0; i < 16; i++) {
			if (i < 4)
				m[i] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 16 * i)), bswap);
			else
				m[i & 3] = _mm_sha256msg2_epu32(_mm_add_epi32(
				    _mm_sha256msg1_epu32(m[i & 3], m[(i + 1) & 3]),
				    _mm_alignr_epi8(m[(i + 3) & 3], m[(i + 2) & 3], 4)), m[(i + 3) & 3]);
			wk = _mm_add_epi32(m[i & 3], _mm_loadu_si128((const __m128i *)&sha256_k[4 * i]));
			s1 = _mm_sha256rnds2_epu32(s1, s0, wk);
			s0 = _mm_sha256rnds2_epu32(s0, s1, _mm_shuffle_epi32(wk, 0x0e));
		}
		s0 = _mm_add_epi32(s0, a0);
		s1 = _mm_add_epi32(s1, a1);
	}
	t = _mm_shuffle_epi32(s0, 0x1b);			/* FEBA */
	s1 = _mm_shuffle_epi32(s1, 0xb1);			/* DCHG */
	_mm_storeu_si128((__m128i *)&st[0], _mm_blend_epi16(t, s1, 0xf0));	/* DCBA */
	_mm_storeu_si128((__m128i *)&st[4], _mm_alignr_epi8(s1, t, 8));	/* HGFE */
}
#endif

#ifdef SHA256_HAVE_ARM

__attribute__((target(CPU_ARM_CRYPTO_ISA)))
static void sha256_blocks_arm(uint32_t st[8], const unsigned char *p, size_t nb)
{
	uint32x4_t s0 = vld1q_u32(&st[0]), s1 = vld1q_u32(&st[4]);

	for (; nb > 0; nb--, p += 64) {
		uint32x4_t a0 = s0, a1 = s1, m[4], wk, t;

#pragma GCC unroll 16
		for (int i = 0; i < 16; i++) {
			if (i < 4)
				m[i] = vreinterpretq_u32_u8(vrev32q_u8(vld1q_u8(p + 16 * i)));
			else
				m[i & 3] = vsha256su1q_u32(vsha256su0q_u32(m[i & 3], m[(i + 1) & 3]),
				    m[(i + 2) & 3], m[(i + 3) & 3]);
			wk = vaddq_u32(m[i & 3], vld1q_u32(&sha256_k[4 * i]));
			t = s0;
			s0 = vsha256hq_u32(s0, s1, wk);
			s1 = vsha256h2q_u32(s1, t, wk);
		}
		s0 = vaddq_u32(s0, a0);
		s1 = vaddq_u32(s1, a1);
	}
	vst1q_u32(&st[0], s0);
	vst1q_u32(&st[4], s1);
}
#endif

/* NULL: BearSSL's code. */
static void (*sha256_blocks)(uint32_t st[8], const unsigned char *p, size_t nb);
static enum sha256_impl sha256_cur = SHA256_DETECT;

enum sha256_impl sha256_use(enum sha256_impl impl)
{
	(void)impl;	/* (a CPU with none to choose from) */
	sha256_blocks = NULL;
	sha256_cur = SHA256_PORTABLE;
#ifdef SHA256_HAVE_X86
	const unsigned x86 = CPU_SHA256 | CPU_SSSE3 | CPU_SSE41;

	if ((impl == SHA256_DETECT || impl == SHA256_X86_SHANI) && (cpu_has() & x86) == x86) {
		sha256_blocks = sha256_blocks_x86;
		sha256_cur = SHA256_X86_SHANI;
	}
#endif
#ifdef SHA256_HAVE_ARM
	if ((impl == SHA256_DETECT || impl == SHA256_ARMV8) && cpu_has() & CPU_SHA256) {
		sha256_blocks = sha256_blocks_arm;
		sha256_cur = SHA256_ARMV8;
	}
#endif
	return sha256_cur;
}

enum sha256_impl sha256_impl(void)
{
	if (sha256_cur == SHA256_DETECT)
		sha256_use(SHA256_DETECT);
	return sha256_cur;
}

const char *sha256_name(enum sha256_impl impl)
{
	switch (impl) {
	case SHA256_X86_SHANI:
		return "x86 SHA-NI";
	case SHA256_ARMV8:
		return "ARMv8 SHA2";
	default:
		return "portable";
	}
}

void sha256_init(br_sha256_context *c)
{
	if (sha256_cur == SHA256_DETECT)
		sha256_use(SHA256_DETECT);
	br_sha256_init(c);
	c->vtable = &sha256_vtable;
}

void sha256_update(br_sha256_context *c, const void *data, size_t n)
{
	const unsigned char *p = data;
	size_t at = (size_t)c->count & 63;

	if (!sha256_blocks) {
		br_sha256_update(c, data, n);
		return;
	}
	c->count += n;
	if (at) {
		size_t k = 64 - at < n ? 64 - at : n;

		memcpy(c->buf + at, p, k);
		p += k;
		n -= k;
		if (at + k < 64)
			return;
		sha256_blocks(c->val, c->buf, 1);
	}
	if (n >= 64) {
		sha256_blocks(c->val, p, n / 64);
		p += n & ~(size_t)63;
		n &= 63;
	}
	memcpy(c->buf, p, n);
}

void sha256_out(const br_sha256_context *c, unsigned char out[32])
{
	unsigned char b[128];
	uint32_t v[8];
	size_t at = (size_t)c->count & 63, len;
	uint64_t bits = c->count << 3;

	if (!sha256_blocks) {
		br_sha256_out(c, out);
		return;
	}
	memcpy(b, c->buf, at);
	b[at++] = 0x80;
	len = at <= 56 ? 64 : 128;
	memset(b + at, 0, len - at - 8);
	for (int i = 0; i < 8; i++)
		b[len - 1 - i] = (unsigned char)(bits >> 8 * i);
	memcpy(v, c->val, sizeof v);
	sha256_blocks(v, b, len / 64);
	for (int i = 0; i < 8; i++) {
		out[4 * i] = (unsigned char)(v[i] >> 24);
		out[4 * i + 1] = (unsigned char)(v[i] >> 16);
		out[4 * i + 2] = (unsigned char)(v[i] >> 8);
		out[4 * i + 3] = (unsigned char)v[i];
	}
}

void sha256(const void *data, size_t n, unsigned char out[32])
{
	br_sha256_context c;

	sha256_init(&c);
	sha256_update(&c, data, n);
	sha256_out(&c, out);
}

static void sha256_vinit(const br_hash_class **c)
{
	sha256_init((br_sha256_context *)(void *)c);
}

static void sha256_vupdate(const br_hash_class **c, const void *data, size_t n)
{
	sha256_update((br_sha256_context *)(void *)c, data, n);
}

static void sha256_vout(const br_hash_class *const *c, void *out)
{
	sha256_out((const br_sha256_context *)(const void *)c, out);
}

static uint64_t sha256_vstate(const br_hash_class *const *c, void *out)
{
	return br_sha256_state((const br_sha256_context *)(const void *)c, out);
}

static void sha256_vset_state(const br_hash_class **c, const void *state, uint64_t count)
{
	br_sha256_set_state((br_sha256_context *)(void *)c, state, count);
}

const br_hash_class sha256_vtable = {
	sizeof(br_sha256_context),
	BR_HASHDESC_ID(br_sha256_ID) | BR_HASHDESC_OUT(32) | BR_HASHDESC_STATE(32) | BR_HASHDESC_LBLEN(6) |
	    BR_HASHDESC_MD_PADDING | BR_HASHDESC_MD_PADDING_BE,
	sha256_vinit, sha256_vupdate, sha256_vout, sha256_vstate, sha256_vset_state,
};
