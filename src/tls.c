/* Trust anchors from a PEM bundle, decoded as a stream by BearSSL's PEM and
 * X.509 decoders: the bundle (about 200 KiB on Debian) is never held whole. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "arena.h"
#include "tls.h"

/* 0000-01-01 to 1970-01-01 (proleptic Gregorian), as BearSSL counts. */
#define DAYS_0000_TO_1970 719528

#define TLS_MAX_ANCHORS 512
#define TLS_MAX_DN 1024
#define TLS_MAX_DER 16384

/* Where the PEM and X.509 decoders put their output. */
struct sink {
	unsigned char *buf;
	size_t cap, len;
	int overflow;
};

static void sink_append(void *ctx, const void *p, size_t n)
{
	struct sink *s = ctx;
	if (s->len + n > s->cap) {
		s->overflow = 1;
		return;
	}
	memcpy(s->buf + s->len, p, n);
	s->len += n;
}

static unsigned char *keep(const void *p, size_t n)
{
	unsigned char *q = arena_alloc(n ? n : 1);
	memcpy(q, p, n);
	return q;
}

/* One certificate in DER into anchor a; 0 or -1. */
static int add_anchor(br_x509_trust_anchor *a, const struct sink *der)
{
	static br_x509_decoder_context dc;
	static unsigned char dnbuf[TLS_MAX_DN];
	struct sink dn = { dnbuf, sizeof dnbuf, 0, 0 };
	const br_x509_pkey *pk;

	br_x509_decoder_init(&dc, sink_append, &dn);
	br_x509_decoder_push(&dc, der->buf, der->len);
	if (!(pk = br_x509_decoder_get_pkey(&dc)) || dn.overflow)
		return -1;
	a->dn.data = keep(dnbuf, dn.len);
	a->dn.len = dn.len;
	a->flags = br_x509_decoder_isCA(&dc) ? BR_X509_TA_CA : 0;
	a->pkey.key_type = pk->key_type;
	if (pk->key_type == BR_KEYTYPE_RSA) {
		a->pkey.key.rsa.n = keep(pk->key.rsa.n, pk->key.rsa.nlen);
		a->pkey.key.rsa.nlen = pk->key.rsa.nlen;
		a->pkey.key.rsa.e = keep(pk->key.rsa.e, pk->key.rsa.elen);
		a->pkey.key.rsa.elen = pk->key.rsa.elen;
	} else if (pk->key_type == BR_KEYTYPE_EC) {
		a->pkey.key.ec.curve = pk->key.ec.curve;
		a->pkey.key.ec.q = keep(pk->key.ec.q, pk->key.ec.qlen);
		a->pkey.key.ec.qlen = pk->key.ec.qlen;
	} else {
		return -1;
	}
	return 0;
}

int tls_load_anchors(struct tls_anchors *a, const char *file, char *err, size_t errcap)
{
	static br_pem_decoder_context pc;
	static unsigned char derbuf[TLS_MAX_DER];
	struct sink der = { derbuf, sizeof derbuf, 0, 0 };
	unsigned char buf[4096];
	int fd, in_cert = 0, skipped = 0;
	ssize_t n;

	a->ta = arena_alloc(TLS_MAX_ANCHORS * sizeof *a->ta);
	a->n = 0;
	if ((fd = open(file, O_RDONLY | O_CLOEXEC)) < 0) {
		snprintf(err, errcap, "cannot read: %s", strerror(errno));
		return -1;
	}
	br_pem_decoder_init(&pc);
	while ((n = read(fd, buf, sizeof buf)) > 0) {
		unsigned char *p = buf;
		while (n > 0) {
			size_t used = br_pem_decoder_push(&pc, p, (size_t)n);
			p += used;
			n -= (ssize_t)used;
			switch (br_pem_decoder_event(&pc)) {
			case BR_PEM_BEGIN_OBJ:
				in_cert = !strcmp(br_pem_decoder_name(&pc), "CERTIFICATE") ||
					  !strcmp(br_pem_decoder_name(&pc), "X509 CERTIFICATE");
				der.len = 0;
				der.overflow = 0;
				br_pem_decoder_setdest(&pc, in_cert ? sink_append : NULL, &der);
				break;
			case BR_PEM_END_OBJ:
				if (!in_cert)
					break;
				in_cert = 0;
				if (a->n == TLS_MAX_ANCHORS || der.overflow || add_anchor(&a->ta[a->n], &der) < 0)
					skipped++;
				else
					a->n++;
				break;
			case BR_PEM_ERROR:
				close(fd);
				snprintf(err, errcap, "not a PEM file");
				return -1;
			}
		}
	}
	close(fd);
	if (n < 0) {
		snprintf(err, errcap, "cannot read: %s", strerror(errno));
		return -1;
	}
	if (a->n == 0) {
		snprintf(err, errcap, "no usable certificate in it%s", skipped ? " (some were skipped)" : "");
		return -1;
	}
	err[0] = 0;
	if (skipped)
		snprintf(err, errcap, "%d certificate(s) skipped (unsupported key or too large)", skipped);
	return 0;
}

int64_t tls_time(int64_t system_s)
{
	return system_s > tls_build_time ? system_s : tls_build_time;
}

void tls_x509_time(int64_t t, uint32_t *days, uint32_t *secs)
{
	int64_t d = t / 86400, s = t % 86400;

	if (s < 0) {
		s += 86400;
		d--;
	}
	*days = (uint32_t)(d + DAYS_0000_TO_1970);
	*secs = (uint32_t)s;
}

const char *tls_strerror(int e)
{
	switch (e) {
	case BR_ERR_OK: return "closed";
	case BR_ERR_X509_EXPIRED: return "server certificate expired or not yet valid (is the clock right?)";
	case BR_ERR_X509_BAD_SERVER_NAME: return "server certificate does not match the host name";
	case BR_ERR_X509_NOT_TRUSTED: return "server certificate not trusted by caFile";
	case BR_ERR_X509_CRITICAL_EXTENSION: return "server certificate has an unsupported critical extension";
	case BR_ERR_BAD_HANDSHAKE: case BR_ERR_UNEXPECTED: return "TLS handshake failed";
	case BR_ERR_IO: return "I/O error";
	case BR_ERR_BAD_VERSION: case BR_ERR_BAD_CIPHER_SUITE: return "no TLS version or cipher suite in common";
	}
	if (e >= BR_ERR_RECV_FATAL_ALERT && e < BR_ERR_RECV_FATAL_ALERT + 256)
		return "the server sent a fatal TLS alert";
	if (e >= BR_ERR_SEND_FATAL_ALERT)
		return "TLS error (alert sent)";
	if (e >= 32 && e < 64)
		return "server certificate rejected";
	return "TLS error";
}
