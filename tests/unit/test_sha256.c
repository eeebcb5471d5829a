/* SHA-256 on every implementation this CPU has (and the portable one
 * everywhere): FIPS 180-4's examples (NIST's "abc", 448- and 896-bit
 * messages, a million 'a'), every length 0..200 and every split of it
 * against BearSSL's br_sha256, HMAC-SHA-256 (RFC 4231) through the vtable,
 * and that the fallback is what a CPU without the instructions gets. */
#include <stdlib.h>
#include <bearssl.h>

#include "t.h"
#include "sha256.h"

static const char hexd[] = "0123456789abcdef";

static const char *hex(const unsigned char *d, size_t n)
{
	static char s[129];

	for (size_t i = 0; i < n; i++) {
		s[2 * i] = hexd[d[i] >> 4];
		s[2 * i + 1] = hexd[d[i] & 15];
	}
	s[2 * n] = 0;
	return s;
}

/* The implementations to test here: portable, and the CPU's if it has one. */
static int impls(enum sha256_impl out[2])
{
	int n = 0;
	enum sha256_impl best = sha256_use(SHA256_DETECT);

	out[n++] = SHA256_PORTABLE;
	if (best != SHA256_PORTABLE)
		out[n++] = best;
	return n;
}

static const char *const nist[][2] = {
	{ "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
	{ "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
	{ "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
	  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
	{ "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrs"
	  "mnopqrstnopqrstu",
	  "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1" },
};

T(sha256_nist_vectors)
{
	enum sha256_impl im[2];
	unsigned char d[32];

	for (int k = impls(im); k-- > 0;) {
		T_EQ_INT(sha256_use(im[k]), im[k]);
		for (size_t i = 0; i < sizeof nist / sizeof nist[0]; i++) {
			sha256(nist[i][0], strlen(nist[i][0]), d);
			T_EQ_STR(hex(d, 32), nist[i][1]);
		}
	}
	sha256_use(SHA256_DETECT);
}

T(sha256_million_a)
{
	enum sha256_impl im[2];
	static char a[1000];
	br_sha256_context c;
	unsigned char d[32];

	memset(a, 'a', sizeof a);
	for (int k = impls(im); k-- > 0;) {
		sha256_use(im[k]);
		sha256_init(&c);
		/* pieces of 1000, then of 7 and 993 so the buffer is used */
		for (int i = 0; i < 1000; i++) {
			if (i & 1) {
				sha256_update(&c, a, 7);
				sha256_update(&c, a, 993);
			} else
				sha256_update(&c, a, 1000);
		}
		sha256_out(&c, d);
		T_EQ_STR(hex(d, 32), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	}
	sha256_use(SHA256_DETECT);
}

/* Every length 0..200, whole and split at every point, against br_sha256. */
T(sha256_lengths_against_bearssl)
{
	enum sha256_impl im[2];
	unsigned char m[200], want[32], got[32];
	br_sha256_context b, c;

	for (int i = 0; i < 200; i++)
		m[i] = (unsigned char)(i * 131 + 7);
	for (int k = impls(im); k-- > 0;) {
		sha256_use(im[k]);
		for (size_t n = 0; n <= 200; n++) {
			br_sha256_init(&b);
			br_sha256_update(&b, m, n);
			br_sha256_out(&b, want);
			for (size_t s = 0; s <= n; s++) {
				sha256_init(&c);
				sha256_update(&c, m, s);
				sha256_update(&c, m + s, n - s);
				sha256_out(&c, got);
				if (memcmp(got, want, 32)) {
					t_fail(__FILE__, __LINE__, "%s: length %zu split at %zu differs",
					    sha256_name(im[k]), n, s);
					return;
				}
			}
			/* out leaves the context as it was: hash on */
			sha256_init(&c);
			sha256_update(&c, m, n / 2);
			sha256_out(&c, got);
			sha256_update(&c, m + n / 2, n - n / 2);
			sha256_out(&c, got);
			T_EQ_MEM(got, 32, want, 32);
		}
	}
	sha256_use(SHA256_DETECT);
}

/* RFC 4231 test cases 1, 2, 6 and 7 (a key longer than a block). */
T(sha256_hmac_rfc4231)
{
	static const struct {
		const char *key, *data, *mac;
		size_t klen;
	} v[] = {
		{ "\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b", "Hi There",
		  "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7", 20 },
		{ "Jefe", "what do ya want for nothing?",
		  "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843", 4 },
		{ NULL, "Test Using Larger Than Block-Size Key - Hash Key First",
		  "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54", 131 },
		{ NULL, "This is a test using a larger than block-size key and a larger than block-size data. "
		  "The key needs to be hashed before being used by the HMAC algorithm.",
		  "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2", 131 },
	};
	unsigned char big[131], d[32];
	enum sha256_impl im[2];
	br_hmac_key_context kc;
	br_hmac_context hc;

	memset(big, 0xaa, sizeof big);
	for (int k = impls(im); k-- > 0;) {
		sha256_use(im[k]);
		for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
			br_hmac_key_init(&kc, &sha256_vtable, v[i].key ? v[i].key : (const char *)big, v[i].klen);
			br_hmac_init(&hc, &kc, 0);
			br_hmac_update(&hc, v[i].data, strlen(v[i].data));
			T_EQ_INT(br_hmac_out(&hc, d), 32);
			T_EQ_STR(hex(d, 32), v[i].mac);
		}
	}
	sha256_use(SHA256_DETECT);
}

/* What the CPU says decides; a forced implementation the CPU lacks is the
 * portable one.  KAGENT_EXPECT_SHA256 (set by whoever runs the tests on a
 * known CPU or qemu -cpu) names the one this CPU must get. */
T(sha256_detection)
{
	const char *want = getenv("KAGENT_EXPECT_SHA256");
	enum sha256_impl best = sha256_use(SHA256_DETECT);

	T_EQ_INT(sha256_impl(), best);
	if (want)
		T_EQ_STR(sha256_name(best), want);
	T_EQ_INT(sha256_use(SHA256_PORTABLE), SHA256_PORTABLE);
	if (best != SHA256_X86_SHANI)
		T_EQ_INT(sha256_use(SHA256_X86_SHANI), SHA256_PORTABLE);
	if (best != SHA256_ARMV8)
		T_EQ_INT(sha256_use(SHA256_ARMV8), SHA256_PORTABLE);
	printf("sha256: %s\n", sha256_name(best));
	sha256_use(SHA256_DETECT);
}
