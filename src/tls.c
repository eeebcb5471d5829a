/* kagent's TLS client profile, and trust anchors from a PEM bundle, decoded
 * as a stream by BearSSL's PEM and X.509 decoders: the bundle (about 200 KiB
 * on Debian) is never held whole.
 *
 * The profile is what AWS's endpoints need and nothing more (BearSSL's
 * "full" client also carries TLS 1.0/1.1, static RSA and ECDH, CBC, CCM,
 * 3DES, MD5 and SHA-1 signatures, Curve25519: 13 KiB on ARMv7): TLS 1.2,
 * ECDHE (forward secrecy; P-256, P-384, P-521) with an RSA or ECDSA
 * certificate, AEAD only.  Amazon's chains are RSA-2048 with SHA-256
 * (Amazon Root CA 1, Starfield Services Root G2) and ECDSA P-256 / P-384
 * with SHA-256 / SHA-384 (Amazon Root CA 3 and 4). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "aes.h"
#include "arena.h"
#include "errstr.h"
#include "fmt.h"
#include "ghash.h"
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

/* Offered in this order; the server picks (AWS's endpoints by their own
 * preference).  Where BearSSL has no AES instructions to use (every ARM and
 * MIPS build), constant-time AES and GHASH in software cost more than
 * ChaCha20-Poly1305: there ChaCha20 comes first. */
static const uint16_t tls_suites_aes_first[] = {
	BR_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
	BR_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
	BR_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
	BR_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
	BR_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
	BR_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
};
static const uint16_t tls_suites_chacha_first[] = {
	BR_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
	BR_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
	BR_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
	BR_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
	BR_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
	BR_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
};

int tls_aes_hw(void)
{
	return (br_aes_x86ni_ctr_get_vtable() && br_ghash_pclmul_get()) ||
	       (br_aes_pwr8_ctr_get_vtable() && br_ghash_pwr8_get()) || (aes_ctr_get() && ghash_get(1));
}

void tls_client_init(br_ssl_client_context *sc, br_x509_minimal_context *xc, const struct tls_anchors *ta)
{
	/* SHA-256 and SHA-384 are TLS 1.2's PRFs and what Amazon's chains are
	 * signed with; SHA-512 shares SHA-384's code. */
	static const br_hash_class *const hashes[] = { &br_sha256_vtable, &br_sha384_vtable, &br_sha512_vtable };
	br_ssl_engine_context *eng = &sc->eng;
	size_t i;

	br_ssl_client_zero(sc);
	br_ssl_engine_set_versions(eng, BR_TLS12, BR_TLS12);
	br_ssl_engine_add_flags(eng, BR_OPT_NO_RENEGOTIATION);
	if (tls_aes_hw())
		br_ssl_engine_set_suites(eng, tls_suites_aes_first, sizeof tls_suites_aes_first / sizeof(uint16_t));
	else
		br_ssl_engine_set_suites(eng, tls_suites_chacha_first,
					 sizeof tls_suites_chacha_first / sizeof(uint16_t));
	br_x509_minimal_init(xc, &br_sha256_vtable, ta->ta, ta->n);
	/* every curve (ECDHE, certificates, an EC client key) through BearSSL's
	 * generic code: P-256, P-384 and P-521, without Curve25519 (2.6 KiB on
	 * ARMv7) nor P-256's own code (5.7 KiB).  P-256 is about half as fast
	 * (README: Size), once a connection: they are kept alive. */
	br_ssl_engine_set_ec(eng, &br_ec_prime_i31);
	br_ssl_engine_set_ecdsa(eng, &br_ecdsa_i31_vrfy_asn1);
	br_ssl_engine_set_default_rsavrfy(eng);
	br_x509_minimal_set_rsa(xc, br_ssl_engine_get_rsavrfy(eng));
	br_x509_minimal_set_ecdsa(xc, br_ssl_engine_get_ec(eng), br_ssl_engine_get_ecdsa(eng));
	for (i = 0; i < sizeof hashes / sizeof hashes[0]; i++) {
		int id = (int)(hashes[i]->desc >> BR_HASHDESC_ID_OFF) & BR_HASHDESC_ID_MASK;

		br_ssl_engine_set_hash(eng, id, hashes[i]);
		br_x509_minimal_set_hash(xc, id, hashes[i]);
	}
	br_ssl_engine_set_x509(eng, &xc->vtable);
	br_ssl_engine_set_prf_sha256(eng, &br_tls12_sha256_prf);
	br_ssl_engine_set_prf_sha384(eng, &br_tls12_sha384_prf);
	br_ssl_engine_set_default_aes_gcm(eng);
	if (aes_ctr_get())
		br_ssl_engine_set_aes_ctr(eng, aes_ctr_get());
	if (ghash_get(1))
		br_ssl_engine_set_ghash(eng, ghash_get(1));
	br_ssl_engine_set_default_chapol(eng);
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
		fmt_snprintf(err, errcap, "cannot read: %s", errstr(errno));
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
				fmt_snprintf(err, errcap, "not a PEM file");
				return -1;
			}
		}
	}
	close(fd);
	if (n < 0) {
		fmt_snprintf(err, errcap, "cannot read: %s", errstr(errno));
		return -1;
	}
	if (a->n == 0) {
		fmt_snprintf(err, errcap, "no usable certificate in it%s", skipped ? " (some were skipped)" : "");
		return -1;
	}
	err[0] = 0;
	if (skipped)
		fmt_snprintf(err, errcap, "%d certificate(s) skipped (unsupported key or too large)", skipped);
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
	case BR_ERR_BAD_VERSION: return "the server does not speak TLS 1.2 (kagent speaks no older version)";
	case BR_ERR_BAD_CIPHER_SUITE: return "the server chose a cipher suite kagent does not offer";
	/* alerts: handshake_failure, protocol_version, insufficient_security */
	case BR_ERR_RECV_FATAL_ALERT + 40: case BR_ERR_RECV_FATAL_ALERT + 71:
		return "the server refused the TLS handshake (kagent offers only TLS 1.2 ECDHE suites with AES-GCM "
		       "or ChaCha20-Poly1305)";
	case BR_ERR_RECV_FATAL_ALERT + 70: return "the server does not speak TLS 1.2 (kagent speaks no older version)";
	}
	if (e >= BR_ERR_RECV_FATAL_ALERT && e < BR_ERR_RECV_FATAL_ALERT + 256)
		return "the server sent a fatal TLS alert";
	if (e >= BR_ERR_SEND_FATAL_ALERT)
		return "TLS error (alert sent)";
	if (e >= 32 && e < 64)
		return "server certificate rejected";
	return "TLS error";
}

/* ---- a client's certificate and key (AWS IoT) ---- */

/* Calls obj for each object of the PEM file, its DER decoded into a
 * scratch buffer (wiped after each, as a key passes through it).  0, or -1
 * with a message in err. */
static int pem_objects(const char *file, int (*obj)(void *ctx, const char *name, const unsigned char *der, size_t n),
		       void *ctx, char *err, size_t errcap)
{
	static br_pem_decoder_context pc;
	static unsigned char derbuf[TLS_MAX_DER];
	struct sink der = { derbuf, sizeof derbuf, 0, 0 };
	char name[128] = "";
	unsigned char buf[1024];
	int fd, r = 0;
	ssize_t n;

	if ((fd = open(file, O_RDONLY | O_CLOEXEC)) < 0) {
		fmt_snprintf(err, errcap, "cannot read: %s", errstr(errno));
		return -1;
	}
	br_pem_decoder_init(&pc);
	while (r == 0 && (n = read(fd, buf, sizeof buf)) > 0) {
		unsigned char *p = buf;
		while (r == 0 && n > 0) {
			size_t used = br_pem_decoder_push(&pc, p, (size_t)n);
			p += used;
			n -= (ssize_t)used;
			switch (br_pem_decoder_event(&pc)) {
			case BR_PEM_BEGIN_OBJ:
				fmt_snprintf(name, sizeof name, "%s", br_pem_decoder_name(&pc));
				der.len = 0;
				der.overflow = 0;
				br_pem_decoder_setdest(&pc, sink_append, &der);
				break;
			case BR_PEM_END_OBJ:
				if (der.overflow) {
					fmt_snprintf(err, errcap, "%s: larger than %d bytes", name, TLS_MAX_DER);
					r = -1;
				} else {
					r = obj(ctx, name, derbuf, der.len);
				}
				break;
			case BR_PEM_ERROR:
				fmt_snprintf(err, errcap, "not a PEM file");
				r = -1;
			}
		}
		if (n < 0)
			break;
	}
	if (r == 0 && n < 0) {
		fmt_snprintf(err, errcap, "cannot read: %s", errstr(errno));
		r = -1;
	}
	close(fd);
	explicit_bzero(derbuf, sizeof derbuf);
	explicit_bzero(buf, sizeof buf);
	return r;
}

struct client_load {
	struct tls_client *c;
	char *err;
	size_t errcap;
};

static int client_cert(void *ctx, const char *name, const unsigned char *der, size_t n)
{
	static br_x509_decoder_context dc;
	struct client_load *l = ctx;
	struct tls_client *c = l->c;

	if (strcmp(name, "CERTIFICATE") != 0 && strcmp(name, "X509 CERTIFICATE") != 0)
		return 0;
	if (c->n == TLS_MAX_CHAIN) {
		fmt_snprintf(l->err, l->errcap, "more than %d certificates", TLS_MAX_CHAIN);
		return -1;
	}
	if (c->n == 0) {
		/* the device's own: what signed it matters to BearSSL for EC keys */
		br_x509_decoder_init(&dc, NULL, NULL);
		br_x509_decoder_push(&dc, der, n);
		if (!br_x509_decoder_get_pkey(&dc)) {
			fmt_snprintf(l->err, l->errcap, "the first certificate cannot be read");
			return -1;
		}
		c->cert_key_type = br_x509_decoder_get_pkey(&dc)->key_type;
		c->issuer_key_type = br_x509_decoder_get_signer_key_type(&dc);
	}
	c->chain[c->n].data = keep(der, n);
	c->chain[c->n++].data_len = n;
	return 0;
}

/* A copy of a key's part in the arena. */
static unsigned char *keep_part(const unsigned char *p, size_t n)
{
	return keep(p, n);
}

static int client_key(void *ctx, const char *name, const unsigned char *der, size_t n)
{
	static br_skey_decoder_context kc;
	struct client_load *l = ctx;
	struct tls_client *c = l->c;
	const br_rsa_private_key *rsa;
	const br_ec_private_key *ec;
	int r = 0;

	if (!strcmp(name, "ENCRYPTED PRIVATE KEY")) {
		fmt_snprintf(l->err, l->errcap, "the key is encrypted: kagent needs it in the clear (PEM, mode 0600)");
		return -1;
	}
	if (strcmp(name, "RSA PRIVATE KEY") != 0 && strcmp(name, "EC PRIVATE KEY") != 0 &&
	    strcmp(name, "PRIVATE KEY") != 0)
		return 0;
	if (c->key_type) {
		fmt_snprintf(l->err, l->errcap, "more than one private key");
		return -1;
	}
	br_skey_decoder_init(&kc);
	br_skey_decoder_push(&kc, der, n);
	if ((rsa = br_skey_decoder_get_rsa(&kc))) {
		c->rsa.n_bitlen = rsa->n_bitlen;
		c->rsa.p = keep_part(rsa->p, rsa->plen), c->rsa.plen = rsa->plen;
		c->rsa.q = keep_part(rsa->q, rsa->qlen), c->rsa.qlen = rsa->qlen;
		c->rsa.dp = keep_part(rsa->dp, rsa->dplen), c->rsa.dplen = rsa->dplen;
		c->rsa.dq = keep_part(rsa->dq, rsa->dqlen), c->rsa.dqlen = rsa->dqlen;
		c->rsa.iq = keep_part(rsa->iq, rsa->iqlen), c->rsa.iqlen = rsa->iqlen;
		c->key_type = BR_KEYTYPE_RSA;
	} else if ((ec = br_skey_decoder_get_ec(&kc))) {
		c->ec.curve = ec->curve;
		c->ec.x = keep_part(ec->x, ec->xlen), c->ec.xlen = ec->xlen;
		c->key_type = BR_KEYTYPE_EC;
	} else {
		fmt_snprintf(l->err, l->errcap, "%s: not an RSA or EC private key kagent can read", name);
		r = -1;
	}
	explicit_bzero(&kc, sizeof kc);
	return r;
}

int tls_load_client(struct tls_client *c, const char *cert_file, const char *key_file, char *err, size_t errcap)
{
	struct client_load l = { c, err, errcap };
	char why[192];

	memset(c, 0, sizeof *c);
	c->chain = arena_alloc(TLS_MAX_CHAIN * sizeof *c->chain);
	l.err = why;
	l.errcap = sizeof why;
	if (pem_objects(cert_file, client_cert, &l, why, sizeof why) < 0 || (!c->n && fmt_snprintf(why, sizeof why,
	    "no CERTIFICATE in it") > 0)) {
		fmt_snprintf(err, errcap, "%s: %s", cert_file, why);
		return -1;
	}
	if (pem_objects(key_file, client_key, &l, why, sizeof why) < 0 || (!c->key_type && fmt_snprintf(why,
	    sizeof why, "no private key in it (RSA PRIVATE KEY, EC PRIVATE KEY or PRIVATE KEY)") > 0)) {
		fmt_snprintf(err, errcap, "%s: %s", key_file, why);
		return -1;
	}
	if (c->key_type != c->cert_key_type) {
		fmt_snprintf(err, errcap, "%s: an %s key, for a certificate with an %s key", key_file,
			 c->key_type == BR_KEYTYPE_RSA ? "RSA" : "EC", c->cert_key_type == BR_KEYTYPE_RSA ? "RSA" : "EC");
		return -1;
	}
	return 0;
}

void tls_client_auth(br_ssl_client_context *sc, const struct tls_client *c)
{
	if (c->key_type == BR_KEYTYPE_RSA)
		br_ssl_client_set_single_rsa(sc, c->chain, c->n, &c->rsa, br_rsa_pkcs1_sign_get_default());
	else
		/* (br_ec_get_default() would link Curve25519 for nothing) */
		br_ssl_client_set_single_ec(sc, c->chain, c->n, &c->ec, BR_KEYTYPE_SIGN, c->issuer_key_type,
					    &br_ec_prime_i31, br_ecdsa_sign_asn1_get_default());
}

const char *tls_alert_name(int alert)
{
	static const unsigned short codes[] = { 10, 20, 40, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 70, 71, 80, 90,
		112, 116 };
	static const char words[] = "unexpected message\0bad record MAC\0handshake failure\0bad certificate\0"
		"unsupported certificate\0certificate revoked\0certificate expired\0certificate unknown\0"
		"illegal parameter\0unknown CA\0access denied\0decode error\0decrypt error\0protocol version\0"
		"insufficient security\0internal error\0user canceled\0unrecognized name\0certificate required";
	const char *s = errstr_pick(codes, sizeof codes / sizeof codes[0], words, alert);

	return s ? s : "alert";
}
