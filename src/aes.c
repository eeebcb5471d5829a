/* AES-CTR with the CPU's AES instructions (see aes.h).
 *
 * ARMv8: AESE is AddRoundKey, SubBytes and ShiftRows, AESMC MixColumns: a
 * round is the pair, the last one AESE and the last key; four counter
 * blocks go through the rounds side by side, as each instruction waits on
 * the one before it in its block.  x86 with VAES: AESENC is a round after
 * the first key was added, on 256-bit registers two blocks at once, eight
 * blocks side by side (the 128-bit AES-NI is BearSSL's br_aes_x86ni).
 * The key schedule is FIPS 197's; its SubWord is the last round with a
 * zero key on the word in all four columns, which ShiftRows then leaves
 * where it was. */
#include <string.h>

#include "aes.h"
#include "cpu.h"

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ && defined(CPU_ARM_CRYPTO_ISA)
#include <arm_neon.h>
#define AES_ARM 1
#define AES_TARGET __attribute__((target(CPU_ARM_CRYPTO_ISA)))
#elif defined(__x86_64__)
#include <immintrin.h>
#define AES_X86 1
#define AES_TARGET __attribute__((target("vaes,avx2,aes")))
#endif

#if defined(AES_ARM) || defined(AES_X86)
struct aes_ctr {
	const br_block_ctr_class *vtable;
	unsigned char rk[15][16];	/* the round keys, nr + 1 of them */
	unsigned nr;
};

static const br_block_ctr_class aes_ctr_vtable;

/* The engine keeps the context in its own room for any AES-CTR's keys. */
_Static_assert(sizeof(struct aes_ctr) <= sizeof(br_aes_gen_ctr_keys), "AES-CTR context too large");

AES_TARGET static uint32_t
sub_word(uint32_t w)
{
#ifdef AES_ARM
	return vgetq_lane_u32(vreinterpretq_u32_u8(vaeseq_u8(vreinterpretq_u8_u32(vdupq_n_u32(w)),
	    vdupq_n_u8(0))), 0);
#else
	return (uint32_t)_mm_cvtsi128_si32(_mm_aesenclast_si128(_mm_set1_epi32((int)w), _mm_setzero_si128()));
#endif
}

AES_TARGET static void
aes_init(const br_block_ctr_class **ctx, const void *key, size_t len)
{
	static const unsigned char rcon[10] = { 0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80, 0x1b, 0x36 };
	struct aes_ctr *k = (struct aes_ctr *)(void *)ctx;
	unsigned nk = (unsigned)len / 4, words;
	uint32_t w[60];	/* each word's first byte in its low bits */

	k->nr = nk + 6;
	words = 4 * (k->nr + 1);
	memcpy(w, key, len);
	for (unsigned i = nk; i < words; i++) {
		uint32_t t = w[i - 1];

		if (i % nk == 0)
			t = sub_word(t >> 8 | t << 24) ^ rcon[i / nk - 1];
		else if (nk > 6 && i % nk == 4)
			t = sub_word(t);
		w[i] = w[i - nk] ^ t;
	}
	memcpy(k->rk, w, 4 * words);
	*ctx = &aes_ctr_vtable;
}

#ifdef AES_ARM
AES_TARGET static uint32_t
aes_run(const br_block_ctr_class *const *ctx, const void *iv, uint32_t cc, void *data, size_t len)
{
	const struct aes_ctr *k = (const struct aes_ctr *)(const void *)ctx;
	unsigned char *p = data, ivb[16] = { 0 }, ks[4][16];
	uint8x16_t rk[15], s[4];
	uint32x4_t ivw;
	unsigned nr = k->nr;

	for (unsigned r = 0; r <= nr; r++)
		rk[r] = vld1q_u8(k->rk[r]);
	memcpy(ivb, iv, 12);
	ivw = vreinterpretq_u32_u8(vld1q_u8(ivb));
	while (len > 0) {
		/* each counter put in its block's last word, in registers */
#pragma GCC unroll 4
		for (int j = 0; j < 4; j++)
			s[j] = vreinterpretq_u8_u32(vsetq_lane_u32(__builtin_bswap32(cc + (uint32_t)j), ivw, 3));
		for (unsigned r = 0; r + 1 < nr; r++)
#pragma GCC unroll 4
			for (int j = 0; j < 4; j++)
				s[j] = vaesmcq_u8(vaeseq_u8(s[j], rk[r]));
#pragma GCC unroll 4
		for (int j = 0; j < 4; j++)
			s[j] = veorq_u8(vaeseq_u8(s[j], rk[nr - 1]), rk[nr]);
		if (len >= 64) {
#pragma GCC unroll 4
			for (int j = 0; j < 4; j++)
				vst1q_u8(p + 16 * j, veorq_u8(vld1q_u8(p + 16 * j), s[j]));
			p += 64;
			len -= 64;
			cc += 4;
			continue;
		}
		/* the last blocks, the last maybe partial */
		for (int j = 0; j < 4; j++)
			vst1q_u8(ks[j], s[j]);
		for (size_t i = 0; i < len; i++)
			p[i] ^= ks[i / 16][i % 16];
		cc += (uint32_t)((len + 15) / 16);
		len = 0;
	}
	return cc;
}

#else
AES_TARGET static uint32_t
aes_run(const br_block_ctr_class *const *ctx, const void *iv, uint32_t cc, void *data, size_t len)
{
	const struct aes_ctr *k = (const struct aes_ctr *)(const void *)ctx;
	unsigned char *p = data, ivb[16] = { 0 }, ks[8][16];
	/* the counters as numbers in each half's last word, moved big-endian
	 * into the blocks' last four bytes: built in registers, as blocks
	 * stored a word at a time and read whole would wait on the stores */
	const __m256i be = _mm256_setr_epi8(-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 15, 14, 13, 12,
	    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 15, 14, 13, 12);
	const __m256i two = _mm256_setr_epi32(0, 0, 0, 2, 0, 0, 0, 2);
	__m256i rk[15], s[4], iv2, n;
	unsigned nr = k->nr;

	for (unsigned r = 0; r <= nr; r++)
		rk[r] = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)k->rk[r]));
	memcpy(ivb, iv, 12);
	iv2 = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)ivb));
	n = _mm256_setr_epi32(0, 0, 0, (int)cc, 0, 0, 0, (int)(cc + 1));
	while (len > 0) {
#pragma GCC unroll 4
		for (int j = 0; j < 4; j++) {
			s[j] = _mm256_xor_si256(_mm256_or_si256(iv2, _mm256_shuffle_epi8(n, be)), rk[0]);
			n = _mm256_add_epi32(n, two);
		}
		for (unsigned r = 1; r < nr; r++)
#pragma GCC unroll 4
			for (int j = 0; j < 4; j++)
				s[j] = _mm256_aesenc_epi128(s[j], rk[r]);
#pragma GCC unroll 4
		for (int j = 0; j < 4; j++)
			s[j] = _mm256_aesenclast_epi128(s[j], rk[nr]);
		if (len >= 128) {
#pragma GCC unroll 4
			for (int j = 0; j < 4; j++)
				_mm256_storeu_si256((__m256i *)(p + 32 * j), _mm256_xor_si256(_mm256_loadu_si256(
				    (const __m256i *)(p + 32 * j)), s[j]));
			p += 128;
			len -= 128;
			cc += 8;
			continue;
		}
		/* the last blocks, the last maybe partial */
		for (int j = 0; j < 4; j++)
			_mm256_storeu_si256((__m256i *)ks[2 * j], s[j]);
		for (size_t i = 0; i < len; i++)
			p[i] ^= ks[i / 16][i % 16];
		cc += (uint32_t)((len + 15) / 16);
		len = 0;
	}
	/* what runs next (BearSSL's GHASH fallback, SHA-256) may be SSE code */
	_mm256_zeroupper();
	return cc;
}
#endif

static const br_block_ctr_class aes_ctr_vtable = {
	sizeof(struct aes_ctr), 16, 4, aes_init, aes_run,
};

const br_block_ctr_class *aes_ctr_get(void)
{
#ifdef AES_ARM
	return cpu_has() & CPU_AES ? &aes_ctr_vtable : NULL;
#else
	return cpu_has() & CPU_VAES ? &aes_ctr_vtable : NULL;
#endif
}
#else
const br_block_ctr_class *aes_ctr_get(void)
{
	return NULL;
}
#endif
