/* kagent's TLS client profile, and trust anchors for BearSSL's X.509
 * validation read from a PEM bundle. */
#ifndef TLS_H
#define TLS_H
#include <stddef.h>
#include <stdint.h>
#include <bearssl.h>

struct tls_anchors {
	br_x509_trust_anchor *ta;
	size_t n;
};

/* When the binary was linked, in seconds since 1970: the Makefile writes it
 * at each link (SOURCE_DATE_EPOCH when set, for a reproducible build). */
extern const long long tls_build_time;

/* Prepares sc and xc (caller's memory) as kagent's client: TLS 1.2 only,
 * ECDHE with RSA or ECDSA certificates, AES-GCM and ChaCha20-Poly1305 (first
 * where the CPU has no AES instructions), SHA-256/384/512, verified against
 * ta.  The engine's buffer and the server name are still to be set. */
void tls_client_init(br_ssl_client_context *sc, br_x509_minimal_context *xc, const struct tls_anchors *ta);
/* 1 when AES-GCM runs on AES and carry-less multiply instructions (x86
 * AES-NI and PCLMULQDQ, POWER8: BearSSL's code; ARMv8's AES and PMULL:
 * aes.c's and ghash.c's), else 0. */
int tls_aes_hw(void);
/* Reads every CERTIFICATE in the PEM file into a (arena memory, start-up
 * only).  Returns 0, or -1 with a message in err. */
int tls_load_anchors(struct tls_anchors *a, const char *file, char *err, size_t errcap);
/* The time certificates are checked against, in seconds since 1970: the
 * system's, but never before the build (a board without a battery-backed
 * clock starts in 1970 and would find every certificate not yet valid). */
int64_t tls_time(int64_t system_s);
/* t (seconds since 1970) as BearSSL's X.509 time: days since 0000-01-01
 * (proleptic Gregorian) and seconds into the day. */
void tls_x509_time(int64_t t, uint32_t *days, uint32_t *secs);
/* A short text for a BearSSL error code (BR_ERR_*). */
const char *tls_strerror(int err);

/* ---- a client's certificate (the AWS IoT credentials provider) ---- */

#define TLS_MAX_CHAIN 8

/* A certificate chain (the device's first) and its private key. */
struct tls_client {
	br_x509_certificate *chain;
	size_t n;
	int key_type, cert_key_type;	/* BR_KEYTYPE_RSA or BR_KEYTYPE_EC: the key's, the certificate's */
	unsigned issuer_key_type;	/* what signed the certificate */
	br_rsa_private_key rsa;
	br_ec_private_key ec;
};

/* Reads the certificates of cert_file and the private key of key_file
 * (PEM: "RSA PRIVATE KEY", "EC PRIVATE KEY" or PKCS#8 "PRIVATE KEY", not
 * encrypted) into c (arena, start-up only); every buffer the key passed
 * through is wiped.  Returns 0, or -1 with a message in err that names the
 * file (never a byte of the key). */
int tls_load_client(struct tls_client *c, const char *cert_file, const char *key_file, char *err, size_t errcap);
/* The handshakes of sc present c when the server asks for a certificate. */
void tls_client_auth(br_ssl_client_context *sc, const struct tls_client *c);
/* The name of a TLS alert (RFC 8446 6.2: "certificate unknown"...). */
const char *tls_alert_name(int alert);
#endif
