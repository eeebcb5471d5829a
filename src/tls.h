/* Trust anchors for BearSSL's X.509 validation, read from a PEM bundle. */
#ifndef TLS_H
#define TLS_H
#include <stddef.h>
#include <bearssl.h>

struct tls_anchors {
	br_x509_trust_anchor *ta;
	size_t n;
};

/* Reads every CERTIFICATE in the PEM file into a (arena memory, start-up
 * only).  Returns 0, or -1 with a message in err. */
int tls_load_anchors(struct tls_anchors *a, const char *file, char *err, size_t errcap);
/* A short text for a BearSSL error code (BR_ERR_*). */
const char *tls_strerror(int err);
#endif
