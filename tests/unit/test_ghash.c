/* kagent's GHASHes (the 128-bit one, and the 256-bit one where the CPU
 * has it) against BearSSL's portable one (br_ghash_ctmul): every length to
 * 600 (the eight- and sixteen-block groups, the fewer blocks after them, a
 * last partial block) and a whole TLS record, from random keys and states;
 * and GCM's own example (McGrew and Viega, test case 2). */
#include <string.h>
#include <bearssl.h>

#include "t.h"
#include "ghash.h"

static uint32_t lcg = 7;

static void fill(unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		lcg = lcg * 1103515245 + 12345;
		p[i] = (unsigned char)(lcg >> 16);
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
