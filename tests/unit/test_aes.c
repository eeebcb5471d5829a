/* kagent's AES-CTR (where the CPU has one) against BearSSL's portable one
 * (br_aes_ct_ctr): 128-, 192- and 256-bit keys, every length to 300 (the
 * four-block steps and what is left, a last partial block) and a whole
 * TLS record, counters that wrap, the counter returned; and FIPS 197's
 * examples (appendix C), the counter block made the plaintext. */
#include <string.h>
#include <bearssl.h>

#include "t.h"
#include "aes.h"

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
