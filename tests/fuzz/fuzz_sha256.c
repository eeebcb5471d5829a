/* libFuzzer target: SHA-256 with the CPU's instructions (when it has them)
 * against BearSSL's portable code, on the input whole and cut in three at
 * places the first two bytes choose; also the HMAC through the vtable. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <bearssl.h>
#include "sha256.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void digest(enum sha256_impl impl, const uint8_t *d, size_t n, size_t a, size_t b, unsigned char out[64])
{
	br_sha256_context c;
	br_hmac_key_context kc;
	br_hmac_context hc;

	sha256_use(impl);
	sha256_init(&c);
	sha256_update(&c, d, a);
	sha256_update(&c, d + a, b - a);
	sha256_update(&c, d + b, n - b);
	sha256_out(&c, out);
	br_hmac_key_init(&kc, &sha256_vtable, d, a);
	br_hmac_init(&hc, &kc, 0);
	br_hmac_update(&hc, d + a, n - a);
	br_hmac_out(&hc, out + 32);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char want[64], got[64];
	size_t a, b;

	if (size < 2)
		return 0;
	a = data[0] % (size - 1);
	b = a + data[1] % (size - 1 - a);
	data += 2;
	size -= 2;
	if (b > size)
		b = size;
	if (a > b)
		a = b;
	digest(SHA256_PORTABLE, data, size, a, b, want);
	digest(SHA256_DETECT, data, size, a, b, got);
	if (memcmp(want, got, sizeof want))
		abort();
	return 0;
}
