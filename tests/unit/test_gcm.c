/* AES-GCM's halves as kagent has them where the CPU has the instructions
 * (aes.c, ghash.c), against BearSSL's portable code and the standards'
 * examples.
 *
 * AES-CTR against br_aes_ct_ctr: 128-, 192- and 256-bit keys, every length
 * to 300 (the steps of four or eight blocks and what is left, a last
 * partial block) and a whole TLS record, counters that wrap, the counter
 * returned; and FIPS 197's examples (appendix C), the counter block made
 * the plaintext.
 *
 * GHASH (the 128-bit one, and the 256-bit one where the CPU has it)
 * against br_ghash_ctmul: every length to 600 (the eight- and sixteen-block
 * groups, the fewer blocks after them, a last partial block) and a whole
 * TLS record, from random keys and states; and GCM's own example (McGrew
 * and Viega, test case 2).  And that each is there wherever the CPU has its
 * instructions: a build that compiled one out would pass the rest. */
#include <string.h>
#include <bearssl.h>

#include "t.h"
#include "aes.h"
#include "cpu.h"
#include "ghash.h"

static uint32_t lcg = 11;

static void fill(unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		lcg = lcg * 1103515245 + 12345;
		p[i] = (unsigned char)(lcg >> 16);
	}
}

T(aes_ctr_as_bearssl_portable)
{
	static unsigned char a[16384 + 7], b[sizeof a];
	static const uint32_t counters[] = { 0, 1, 0xfffffffe, 0x7ffffffd };
	const br_block_ctr_class *impl = aes_ctr_get();
	br_aes_gen_ctr_keys ka, kb;
	unsigned char key[32], iv[12];

	if (!impl)
		return;	/* BearSSL's own is used: nothing of kagent's to test */
	for (size_t klen = 16; klen <= 32; klen += 8)
		for (size_t n = 0; n <= sizeof a; n = n < 300 ? n + 1 : n == 300 ? sizeof a - 20 : n + 1) {
			uint32_t cc = counters[n % 4];

			fill(key, klen);
			fill(iv, sizeof iv);
			fill(a, n);
			memcpy(b, a, n);
			impl->init(&ka.vtable, key, klen);
			br_aes_ct_ctr_vtable.init(&kb.vtable, key, klen);
			T_EQ_INT(impl->run(&ka.vtable, iv, cc, a, n), br_aes_ct_ctr_vtable.run(&kb.vtable, iv, cc, b, n));
			T_EQ_MEM(a, n, b, n);
		}
}

T(aes_fips197_examples)
{
	static const char *const want[3] = {
		"\x69\xc4\xe0\xd8\x6a\x7b\x04\x30\xd8\xcd\xb7\x80\x70\xb4\xc5\x5a",
		"\xdd\xa9\x7c\xa4\x86\x4c\xdf\xe0\x6e\xaf\x70\xa0\xec\x0d\x71\x91",
		"\x8e\xa2\xb7\xca\x51\x67\x45\xbf\xea\xfc\x49\x90\x4b\x49\x60\x89",
	};
	static const unsigned char iv[12] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb };
	const br_block_ctr_class *impls[2] = { &br_aes_ct_ctr_vtable, aes_ctr_get() };
	unsigned char key[32];

	for (int i = 0; i < 32; i++)
		key[i] = (unsigned char)i;
	for (int m = 0; m < 2 && impls[m]; m++)
		for (int k = 0; k < 3; k++) {
			br_aes_gen_ctr_keys c;
			unsigned char out[16] = { 0 };

			impls[m]->init(&c.vtable, key, 16 + 8 * (size_t)k);
			/* the counter block 00112233...ff: the examples' plaintext */
			T_EQ_INT(impls[m]->run(&c.vtable, iv, 0xccddeeff, out, sizeof out), 0xccddef00);
			T_EQ_MEM(out, 16, want[k], 16);
		}
}

T(ghash_as_bearssl_portable)
{
	static unsigned char data[16384 + 5];
	unsigned char h[16], y0[16], a[16], b[16];

	if (!ghash_get(0)) {
#ifdef __x86_64__
		/* every x86-64 that runs these tests has had PCLMULQDQ since 2010 */
		T_TRUE(!"no PCLMULQDQ on this x86-64");
#endif
		return;	/* BearSSL's own is used: nothing of kagent's to test */
	}
	for (int wide = 0; wide < 2; wide++)
		for (size_t n = 0; n <= sizeof data; n = n < 600 ? n + 1 : n == 600 ? sizeof data - 16 : n + 1)
			for (int round = 0; round < 3; round++) {
				fill(h, sizeof h);
				fill(y0, sizeof y0);
				fill(data, n);
				if (round == 2)
					memset(h, 0xff, sizeof h);	/* every bit of the key set */
				memcpy(a, y0, 16);
				memcpy(b, y0, 16);
				ghash_get(wide)(a, h, data, n);
				br_ghash_ctmul(b, h, data, n);
				T_EQ_MEM(a, 16, b, 16);
			}
}

T(ghash_gcm_test_case_2)
{
	static const unsigned char h[16] = {
		0x66, 0xe9, 0x4b, 0xd4, 0xef, 0x8a, 0x2c, 0x3b, 0x88, 0x4c, 0xfa, 0x59, 0xca, 0x34, 0x2b, 0x2e };
	static const unsigned char c[32] = {
		0x03, 0x88, 0xda, 0xce, 0x60, 0xb6, 0xa3, 0x92, 0xf3, 0x28, 0xc2, 0xb9, 0x71, 0xb2, 0xfe, 0x78,
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x80 };	/* then the lengths: 128 bits */
	static const unsigned char want[16] = {
		0xf3, 0x8c, 0xbb, 0x1a, 0xd6, 0x92, 0x23, 0xdc, 0xc3, 0x45, 0x7a, 0xe5, 0xb6, 0xb0, 0xf8, 0x85 };
	unsigned char y[16] = { 0 };
	br_ghash g = ghash_get(1);

	br_ghash_ctmul(y, h, c, sizeof c);
	T_EQ_MEM(y, 16, want, 16);
	if (g) {
		memset(y, 0, sizeof y);
		g(y, h, c, sizeof c);
		T_EQ_MEM(y, 16, want, 16);
	}
}

T(gcm_code_wherever_the_cpu_has_the_instructions)
{
	unsigned has = cpu_has();

#if defined(__x86_64__)
	T_EQ_INT(ghash_get(0) != NULL, (has & (CPU_CLMUL | CPU_SSSE3)) == (CPU_CLMUL | CPU_SSSE3));
	T_EQ_INT(ghash_get(1) == ghash_get(0), !(has & CPU_VCLMUL));
	T_EQ_INT(aes_ctr_get() != NULL, (has & CPU_VAES) != 0);
#elif defined(CPU_ARM_CRYPTO_ISA)
	T_EQ_INT(ghash_get(0) != NULL, (has & CPU_CLMUL) != 0);
	T_EQ_INT(aes_ctr_get() != NULL, (has & CPU_AES) != 0);
#else
	T_TRUE(ghash_get(0) == NULL && aes_ctr_get() == NULL && !(has & (CPU_CLMUL | CPU_AES)));
#endif
}
