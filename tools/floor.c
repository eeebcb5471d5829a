/* The floor for `make bench`: what any client must do to a log's bytes to
 * deliver them to Firehose, and nothing else.  Each request's body is built
 * as PutRecordBatch's (each line base64-encoded between its JSON braces, up
 * to 500 lines or 4 MiB), SHA-256'd once (the signature's payload hash) and
 * sealed once with an AEAD (TLS).  No parsing, no network, no processors.
 *
 *   floor FILE     prints "lines bytes requests"
 *
 * Built two ways (tools/bench.py):
 *   -DFLOOR_OPENSSL  OpenSSL's libcrypto: its SHA-256 and AES-128-GCM use the
 *                    fastest instructions the CPU has (SHA-NI, AES-NI, PCLMUL,
 *                    AVX2...); base64 is EVP_EncodeBlock.
 *   otherwise        BearSSL's portable code, as kagent has on a CPU without
 *                    SHA or AES instructions: br_sha256 and ChaCha20-Poly1305
 *                    (br_chacha20_ct_run, br_poly1305_ctmul); base64 by a
 *                    plain table, 3 bytes to 4.
 * Not part of kagent; linked against the system's libcrypto (libssl-dev) or
 * the BearSSL library the build made. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifdef FLOOR_OPENSSL
#include <openssl/evp.h>
#else
#include <bearssl.h>
#endif

#define MAX_RECORDS	500
#define MAX_BODY	(4 * 1024 * 1024)

static unsigned char key[32], iv[12], tag[16];

#ifdef FLOOR_OPENSSL
static EVP_CIPHER_CTX *gcm;

static size_t enc64(const unsigned char *in, size_t n, char *out)
{
	return (size_t)EVP_EncodeBlock((unsigned char *)out, in, (int)n);
}

static void seal(const unsigned char *body, size_t n, unsigned char *out, unsigned char *digest)
{
	unsigned int dl;
	int len;

	EVP_Digest(body, n, digest, &dl, EVP_sha256(), NULL);
	EVP_EncryptInit_ex(gcm, NULL, NULL, key, iv);
	EVP_EncryptUpdate(gcm, out, &len, body, (int)n);
	EVP_EncryptFinal_ex(gcm, out + len, &len);
	EVP_CIPHER_CTX_ctrl(gcm, EVP_CTRL_GCM_GET_TAG, 16, tag);
}
#else
static size_t enc64(const unsigned char *in, size_t n, char *out)
{
	static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	char *o = out;

	for (; n >= 3; n -= 3, in += 3, o += 4) {
		unsigned long v = (unsigned long)in[0] << 16 | (unsigned long)in[1] << 8 | in[2];
		o[0] = a[v >> 18];
		o[1] = a[v >> 12 & 63];
		o[2] = a[v >> 6 & 63];
		o[3] = a[v & 63];
	}
	if (n) {
		unsigned long v = (unsigned long)in[0] << 16 | (n > 1 ? (unsigned long)in[1] << 8 : 0);
		o[0] = a[v >> 18];
		o[1] = a[v >> 12 & 63];
		o[2] = n > 1 ? a[v >> 6 & 63] : '=';
		o[3] = '=';
		o += 4;
	}
	return (size_t)(o - out);
}

static void seal(const unsigned char *body, size_t n, unsigned char *out, unsigned char *digest)
{
	br_sha256_context sc;

	br_sha256_init(&sc);
	br_sha256_update(&sc, body, n);
	br_sha256_out(&sc, digest);
	memcpy(out, body, n);
	br_poly1305_ctmul_run(key, iv, out, n, NULL, 0, tag, br_chacha20_ct_run, 1);
}
#endif

/* Appends one record (len bytes at p) to the body at *n. */
static void add(unsigned char *body, size_t *n, size_t recs, const unsigned char *p, size_t len)
{
	memcpy(body + *n, recs ? ",{\"Data\":\"" : "{\"Data\":\"", recs ? 10 : 9);
	*n += recs ? 10 : 9;
	*n += enc64(p, len, (char *)body + *n);
	memcpy(body + *n, "\"}", 2);
	*n += 2;
}

#define HEAD "{\"DeliveryStreamName\":\"bench\",\"Records\":["

/* The file is read as kagent reads it, through a 1 MiB buffer. */
int main(int argc, char **argv)
{
	static unsigned char buf[1 << 20];
	unsigned char *body, *sealed, digest[32], sum = 0;
	size_t lines = 0, bytes = 0, requests = 0, have = 0, n = sizeof HEAD - 1, recs = 0;
	ssize_t r;
	int fd;

	if (argc != 2 || (fd = open(argv[1], O_RDONLY)) < 0) {
		fprintf(stderr, "usage: floor FILE\n");
		return 2;
	}
	body = malloc(MAX_BODY + 64);
	sealed = malloc(MAX_BODY + 64);
	if (!body || !sealed)
		return 1;
#ifdef FLOOR_OPENSSL
	gcm = EVP_CIPHER_CTX_new();
	EVP_EncryptInit_ex(gcm, EVP_aes_128_gcm(), NULL, NULL, NULL);
#endif
	memcpy(body, HEAD, n);
	for (;;) {
		size_t at = 0;

		r = read(fd, buf + have, sizeof buf - have);
		if (r < 0)
			return 1;
		have += (size_t)r;
		for (;;) {
			unsigned char *nl = memchr(buf + at, '\n', have - at);
			size_t len;

			if (!nl && r > 0)
				break;
			len = nl ? (size_t)(nl - buf) + 1 - at : have - at;
			if (len == 0)
				break;
			if (recs == MAX_RECORDS || n + (len + 2) / 3 * 4 + 16 > MAX_BODY) {
				memcpy(body + n, "]}", 2);
				seal(body, n + 2, sealed, digest);
				sum ^= digest[0] ^ sealed[n / 2] ^ tag[0];
				requests++;
				n = sizeof HEAD - 1;
				recs = 0;
			}
			add(body, &n, recs++, buf + at, len);
			at += len;
			bytes += len;
			lines++;
		}
		memmove(buf, buf + at, have - at);
		have -= at;
		if (r == 0)
			break;
	}
	if (recs) {
		memcpy(body + n, "]}", 2);
		seal(body, n + 2, sealed, digest);
		sum ^= digest[0] ^ sealed[n / 2] ^ tag[0];
		requests++;
	}
	printf("%zu %zu %zu %u\n", lines, bytes, requests, sum);
	return 0;
}
