/* Base64: RFC 4648 section 10 vectors, the streaming encoder against the
 * one-shot one at every split, and strict decoding. */
#include "t.h"
#include "b64.h"

static const char *const rfc4648[][2] = {
	{ "", "" },
	{ "f", "Zg==" },
	{ "fo", "Zm8=" },
	{ "foo", "Zm9v" },
	{ "foob", "Zm9vYg==" },
	{ "fooba", "Zm9vYmE=" },
	{ "foobar", "Zm9vYmFy" },
};

T(b64_rfc4648_encode)
{
	char out[16];

	for (size_t i = 0; i < sizeof rfc4648 / sizeof rfc4648[0]; i++) {
		size_t n = strlen(rfc4648[i][0]);

		memset(out, '#', sizeof out);
		T_EQ_INT(b64_len(n), strlen(rfc4648[i][1]));
		T_EQ_INT(b64_encode(rfc4648[i][0], n, out), strlen(rfc4648[i][1]));
		T_EQ_MEM(out, strlen(rfc4648[i][1]), rfc4648[i][1], strlen(rfc4648[i][1]));
		T_EQ_INT(out[strlen(rfc4648[i][1])], '#');	/* no NUL, nothing past */
	}
}

T(b64_rfc4648_decode)
{
	char out[16];

	for (size_t i = 0; i < sizeof rfc4648 / sizeof rfc4648[0]; i++) {
		size_t n = strlen(rfc4648[i][0]);

		memset(out, '#', sizeof out);
		T_EQ_INT(b64_decode(rfc4648[i][1], strlen(rfc4648[i][1]), out, n), (long)n);
		T_EQ_MEM(out, n, rfc4648[i][0], n);
		T_EQ_INT(out[n], '#');
		/* one byte short of room */
		if (n > 0)
			T_EQ_INT(b64_decode(rfc4648[i][1], strlen(rfc4648[i][1]), out, n - 1), -1);
	}
}

T(b64_all_bytes)
{
	unsigned char in[256], back[256];
	char out[344];

	for (int i = 0; i < 256; i++)
		in[i] = (unsigned char)i;
	T_EQ_INT(b64_encode(in, 3, out), 4);
	T_EQ_MEM(out, 4, "AAEC", 4);
	T_EQ_INT(b64_encode(in + 250, 6, out), 8);
	T_EQ_MEM(out, 8, "+vv8/f7/", 8);
	T_EQ_INT(b64_encode(in, 256, out), 344);
	T_EQ_MEM(out + 336, 8, "/P3+/w==", 8);
	T_EQ_INT(b64_decode(out, 344, back, sizeof back), 256);
	T_EQ_MEM(back, 256, in, 256);
}

/* Every way to split a 0..64-byte input in two pieces, and in three, gives
 * the one-shot bytes. */
T(b64_streaming_splits)
{
	unsigned char in[64];
	char one[88], st[88 + 8];
	struct b64 s;
	size_t n, a, b, o, len;

	for (size_t i = 0; i < sizeof in; i++)
		in[i] = (unsigned char)(i * 37 + 11);
	for (n = 0; n <= sizeof in; n++) {
		len = b64_encode(in, n, one);
		for (a = 0; a <= n; a++) {
			for (b = a; b <= n; b++) {
				memset(st, '#', sizeof st);
				b64_init(&s);
				o = b64_update(&s, in, a, st);
				o += b64_update(&s, in + a, b - a, st + o);
				o += b64_update(&s, in + b, n - b, st + o);
				o += b64_final(&s, st + o);
				if (o != len || memcmp(st, one, len) != 0 || st[len] != '#') {
					t_fail(__FILE__, __LINE__, "n %zu split %zu,%zu: \"%.*s\" vs \"%.*s\"",
					    n, a, b, (int)o, st, (int)len, one);
					return;
				}
			}
		}
	}
}

/* b64_update writes whole groups only, and within b64_len(n + 2). */
T(b64_streaming_counts)
{
	struct b64 s;
	char out[16];

	b64_init(&s);
	T_EQ_INT(b64_update(&s, "f", 1, out), 0);
	T_EQ_INT(b64_update(&s, "o", 1, out), 0);
	T_EQ_INT(b64_update(&s, "ob", 2, out), 4);
	T_EQ_MEM(out, 4, "Zm9v", 4);
	T_EQ_INT(b64_final(&s, out), 4);
	T_EQ_MEM(out, 4, "Yg==", 4);
	T_EQ_INT(b64_final(&s, out), 0);	/* nothing left */
	b64_init(&s);
	T_EQ_INT(b64_update(&s, "fo", 2, out), 0);
	T_EQ_INT(b64_update(&s, "obar", 4, out), 8);
	T_EQ_MEM(out, 8, "Zm9vYmFy", 8);
	T_EQ_INT(b64_final(&s, out), 0);
}

T(b64_decode_rejects)
{
	static const char *const bad[] = {
		"Zm9",		/* length */
		"Zm9v=",	/* length */
		"Zm9!",		/* character */
		"Zm 9v",	/* space */
		"Zm9v\n",	/* newline */
		"Zg=",		/* length */
		"Z===",		/* three pads */
		"====",
		"Zg==Zg==",	/* padding inside */
		"Z=g=",		/* padding in the middle */
		"Zm=v",
		"Zh==",		/* non-zero bits under the padding */
		"Zm9=",
		"Zm-v",		/* base64url alphabet */
		"Zm_v",
		"Zm9v\x80\x80\x80\x80",
	};
	char out[16];

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (b64_decode(bad[i], strlen(bad[i]), out, sizeof out) != -1) {
			t_fail(__FILE__, __LINE__, "accepted \"%s\"", bad[i]);
			return;
		}
	}
	/* the good neighbours */
	T_EQ_INT(b64_decode("Zg==", 4, out, sizeof out), 1);
	T_EQ_INT(out[0], 'f');
	T_EQ_INT(b64_decode("Zm8=", 4, out, sizeof out), 2);
	T_EQ_MEM(out, 2, "fo", 2);
	T_EQ_INT(b64_decode("", 0, out, 0), 0);
}

/* Every byte value in every place of a group, at every length to 64 (the
 * encoder takes six bytes a turn, then one group, then the padded end):
 * decoding gives the bytes back, and the text uses only the alphabet. */
T(b64_roundtrip_all_bytes)
{
	unsigned char in[64], back[64];
	char out[b64_len(64) + 1];

	for (int shift = 0; shift < 256; shift += 7) {
		for (size_t n = 0; n <= sizeof in; n++) {
			for (size_t i = 0; i < n; i++)
				in[i] = (unsigned char)(i * 37 + (size_t)shift * 11 + i / 3);
			size_t k = b64_encode(in, n, out);
			T_EQ_INT(k, b64_len(n));
			T_EQ_INT(b64_decode(out, k, back, sizeof back), (long)n);
			T_EQ_MEM(back, n, in, n);
		}
	}
	for (int v = 0; v < 256; v++) {
		unsigned char g[3] = { (unsigned char)v, (unsigned char)(255 - v), (unsigned char)(v ^ 0x5a) };
		T_EQ_INT(b64_encode(g, 3, out), 4);
		T_EQ_INT(b64_decode(out, 4, back, 3), 3);
		T_EQ_MEM(back, 3, g, 3);
	}
}

/* Against the definition, six bits at a time: every length to 100 (the
 * whole-group loops and, on x86 with SSSE3, the 12-byte steps, on AArch64
 * the 48-byte ones, and what they leave), bytes that put each of the 64
 * values at each place. */
T(b64_as_six_bits_at_a_time)
{
	static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	unsigned char in[100];
	char out[b64_len(100)], want[b64_len(100)];
	uint32_t x = 1;

	for (int round = 0; round < 64; round++)
		for (size_t n = 0; n <= sizeof in; n++) {
			size_t k = 0;

			for (size_t i = 0; i < n; i++) {
				x = x * 1103515245 + 12345;
				/* the value round at every place, then noise */
				in[i] = (unsigned char)(round % 2 ? x >> 16 : (round * 4 + i % 3 * 85) ^ (i / 3 % 4));
			}
			for (size_t bit = 0; bit < n * 8; bit += 6) {
				unsigned v = 0;

				for (size_t j = bit; j < bit + 6; j++)
					v = v << 1 | (j < n * 8 ? in[j / 8] >> (7 - j % 8) & 1 : 0);
				want[k++] = a[v];
			}
			while (k % 4)
				want[k++] = '=';
			T_EQ_INT(b64_encode(in, n, out), k);
			T_EQ_MEM(out, k, want, k);
		}
}
