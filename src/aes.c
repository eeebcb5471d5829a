/* AES-CTR with ARMv8's AES instructions (see aes.h).
 *
 * AESE is AddRoundKey, SubBytes and ShiftRows; AESMC is MixColumns: a
 * round is the pair, the last one AESE and the last key.  Four counter
 * blocks go through the rounds side by side, as each instruction waits on
 * the one before it in its block.  The key schedule is FIPS 197's; its
 * SubWord is AESE with a zero key on the word in all four columns, which
 * ShiftRows then leaves where it was. */
#include <string.h>

#include "aes.h"

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ && (defined(__aarch64__) || \
    (defined(__arm__) && defined(__linux__) && __ARM_ARCH >= 7 && defined(__ARM_PCS_VFP)))
#include <arm_neon.h>
#include <sys/auxv.h>
#ifdef __aarch64__
#define AES_TARGET __attribute__((target("+crypto")))
#define AES_HWCAP AT_HWCAP
#define AES_HWCAP_AES (1ul << 3)	/* HWCAP_AES */
#else
#define AES_TARGET __attribute__((target("arch=armv8-a+crypto,fpu=crypto-neon-fp-armv8")))
#define AES_HWCAP AT_HWCAP2
#define AES_HWCAP_AES (1ul << 0)	/* HWCAP2_AES */
#endif

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
	return vgetq_lane_u32(vreinterpretq_u32_u8(vaeseq_u8(vreinterpretq_u8_u32(vdupq_n_u32(w)),
	    vdupq_n_u8(0))), 0);
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

AES_TARGET static uint32_t
aes_run(const br_block_ctr_class *const *ctx, const void *iv, uint32_t cc, void *data, size_t len)
{
	const struct aes_ctr *k = (const struct aes_ctr *)(const void *)ctx;
	unsigned char *p = data, ctr[16], ks[4][16];
	uint8x16_t rk[15], s[4];
	unsigned nr = k->nr;

	for (unsigned r = 0; r <= nr; r++)
		rk[r] = vld1q_u8(k->rk[r]);
	memcpy(ctr, iv, 12);
	while (len > 0) {
#pragma GCC unroll 4
		for (int j = 0; j < 4; j++) {
			uint32_t c = cc + (uint32_t)j;

			ctr[12] = (unsigned char)(c >> 24);
			ctr[13] = (unsigned char)(c >> 16);
			ctr[14] = (unsigned char)(c >> 8);
			ctr[15] = (unsigned char)c;
			s[j] = vld1q_u8(ctr);
		}
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

static const br_block_ctr_class aes_ctr_vtable = {
	sizeof(struct aes_ctr), 16, 4, aes_init, aes_run,
};

const br_block_ctr_class *aes_ctr_get(void)
{
	return getauxval(AES_HWCAP) & AES_HWCAP_AES ? &aes_ctr_vtable : NULL;
}
#else
const br_block_ctr_class *aes_ctr_get(void)
{
	return NULL;
}
#endif
