/* AWS Signature Version 4, header signing.
 *
 * The canonical request is produced once, by one set of functions, into a
 * "sink": a bounded buffer (sigv4_canonical_request) or a running SHA-256
 * (sigv4_authorization), so signing needs no buffer for it at all.  Path
 * normalization therefore never looks back at what it wrote: whether a
 * segment survives a later ".." is decided by scanning ahead. */
#include <limits.h>
#include <string.h>
#include <bearssl.h>

#include "civil.h"
#include "fmt.h"
#include "hex.h"
#include "sha256.h"
#include "sigv4.h"

#define ALGORITHM	"AWS4-HMAC-SHA256"
#define TERMINATOR	"aws4_request"

/* Where text goes: a buffer of cap bytes (one kept for the NUL), a hash, an
 * HMAC, any of them.  Once the buffer is full, further output is dropped and
 * the result is -1. */
struct sink {
	char *buf;
	size_t cap;
	size_t len;
	int full;
	br_sha256_context *sha;
	br_hmac_context *hmac;
};

static void
sink_buf(struct sink *s, char *buf, size_t cap)
{
	memset(s, 0, sizeof(*s));
	s->buf = buf;
	if (cap == 0)
		s->full = 1;
	else
		s->cap = cap - 1;
}

static void
put(struct sink *s, const void *p, size_t n)
{
	if (s->sha != NULL)
		sha256_update(s->sha, p, n);
	if (s->hmac != NULL)
		br_hmac_update(s->hmac, p, n);
	if (s->buf == NULL || s->full)
		return;
	if (n > s->cap - s->len) {
		s->full = 1;
		return;
	}
	memcpy(s->buf + s->len, p, n);
	s->len += n;
}

static void
put_str(struct sink *s, const char *str)
{
	put(s, str, strlen(str));
}

static int
sink_end(struct sink *s)
{
	if (s->full || s->len > INT_MAX)
		return -1;
	s->buf[s->len] = '\0';
	return (int)s->len;
}

static int
unreserved(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
}

/* URI-encodes p[0..n): unreserved bytes (and '/' when keepslash) as they
 * are, every other byte as %XX.  Never decodes: a '%' becomes %25. */
static void
put_encoded(struct sink *s, const char *p, size_t n, int keepslash)
{
	size_t i, run = 0;
	char pct[3];

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		if (unreserved(c) || (keepslash && c == '/')) {
			run++;
			continue;
		}
		put(s, p + i - run, run);
		run = 0;
		pct[0] = '%';
		pct[1] = hex_upper[c >> 4];
		pct[2] = hex_upper[c & 15];
		put(s, pct, 3);
	}
	put(s, p + n - run, run);
}

/* ---- canonical URI ---- */

/* The next segment of path[*pos..n) after a '/', as [*seg, *seglen).
 * Returns 0 at the end. */
static int
next_segment(const char *path, size_t n, size_t *pos, const char **seg, size_t *seglen)
{
	size_t i = *pos, start;

	if (i >= n)
		return 0;
	if (path[i] == '/')
		i++;
	start = i;
	while (i < n && path[i] != '/')
		i++;
	*seg = path + start;
	*seglen = i - start;
	*pos = i;
	return 1;
}

static int
is_dot(const char *seg, size_t len)
{
	return len == 1 && seg[0] == '.';
}

static int
is_dotdot(const char *seg, size_t len)
{
	return len == 2 && seg[0] == '.' && seg[1] == '.';
}

/* Whether the normal segment ending at path[pos] is removed by a ".."
 * further on: each later normal segment absorbs one "..", the first ".."
 * left over pops this one. */
static int
popped_later(const char *path, size_t n, size_t pos)
{
	const char *seg;
	size_t len, depth = 0;

	while (next_segment(path, n, &pos, &seg, &len)) {
		if (len == 0 || is_dot(seg, len))
			continue;
		if (!is_dotdot(seg, len))
			depth++;
		else if (depth == 0)
			return 1;
		else
			depth--;
	}
	return 0;
}

/* RFC 3986 dot-segment removal plus collapsed '/'s, each surviving segment
 * encoded.  A trailing '/' (or a trailing "." or "..", which stand for a
 * directory) is kept. */
static void
put_path_normalized(struct sink *s, const char *path, size_t n)
{
	const char *seg, *last = NULL;
	size_t pos = 0, len, lastlen = 0;
	int any = 0;

	while (next_segment(path, n, &pos, &seg, &len)) {
		last = seg;
		lastlen = len;
		if (len == 0 || is_dot(seg, len) || is_dotdot(seg, len))
			continue;
		if (popped_later(path, n, pos))
			continue;
		put(s, "/", 1);
		put_encoded(s, seg, len, 0);
		any = 1;
	}
	if (!any)
		put(s, "/", 1);
	else if (last != NULL && (lastlen == 0 || is_dot(last, lastlen) ||
	    is_dotdot(last, lastlen)))
		put(s, "/", 1);
}

static void
put_path(struct sink *s, const struct sigv4_req *req)
{
	if (req->path_len == 0)
		put(s, "/", 1);
	else if (req->normalize)
		put_path_normalized(s, req->path, req->path_len);
	else
		put_encoded(s, req->path, req->path_len, 1);
}

/* ---- canonical query ---- */

struct qparam {
	const char *k, *v;
	size_t klen, vlen;
};

/* Reads the bytes of a query component as they will be signed: percent-
 * decoded, then re-encoded with the unreserved set.  A '%' not followed by
 * two hex digits is taken literally (and so becomes %25). */
struct qenc {
	const char *p, *end;
	char pend[2];
	int npend;
};

static void
qenc_init(struct qenc *e, const char *p, size_t n)
{
	e->p = p;
	e->end = p + n;
	e->npend = 0;
}

/* The next encoded byte, or -1 at the end. */
static int
qenc_next(struct qenc *e)
{
	unsigned char c;
	int hi, lo;

	if (e->npend == 2) {
		e->npend = 1;
		return (unsigned char)e->pend[0];
	}
	if (e->npend == 1) {
		e->npend = 0;
		return (unsigned char)e->pend[1];
	}
	if (e->p == e->end)
		return -1;
	c = (unsigned char)*e->p++;
	if (c == '%' && e->end - e->p >= 2 &&
	    (hi = hex_digit((unsigned char)e->p[0])) >= 0 &&
	    (lo = hex_digit((unsigned char)e->p[1])) >= 0) {
		c = (unsigned char)(hi << 4 | lo);
		e->p += 2;
	}
	if (unreserved(c))
		return c;
	e->pend[0] = hex_upper[c >> 4];
	e->pend[1] = hex_upper[c & 15];
	e->npend = 2;
	return '%';
}

/* Bytewise comparison of the encoded forms of a and b. */
static int
qcmp_part(const char *a, size_t alen, const char *b, size_t blen)
{
	struct qenc ea, eb;
	int ca, cb;

	qenc_init(&ea, a, alen);
	qenc_init(&eb, b, blen);
	do {
		ca = qenc_next(&ea);
		cb = qenc_next(&eb);
	} while (ca == cb && ca != -1);
	return ca - cb;
}

static int
qcmp(const struct qparam *a, const struct qparam *b)
{
	int c = qcmp_part(a->k, a->klen, b->k, b->klen);

	return c != 0 ? c : qcmp_part(a->v, a->vlen, b->v, b->vlen);
}

static void
put_qencoded(struct sink *s, const char *p, size_t n)
{
	char chunk[64];
	size_t len = 0;
	struct qenc e;
	int c;

	qenc_init(&e, p, n);
	while ((c = qenc_next(&e)) != -1) {
		chunk[len++] = (char)c;
		if (len == sizeof(chunk)) {
			put(s, chunk, len);
			len = 0;
		}
	}
	put(s, chunk, len);
}

/* Splits on '&' (empty pieces are ignored) and on the first '='; sorts by
 * encoded key, then encoded value. */
static int
put_query(struct sink *s, const char *q, size_t n)
{
	struct qparam qp[SIGV4_MAX_QUERY], t;
	size_t np = 0, i, j, start, end, eq;

	for (start = 0; start < n; start = end + 1) {
		for (end = start; end < n && q[end] != '&'; end++)
			;
		if (end == start)
			continue;
		if (np == SIGV4_MAX_QUERY)
			return -1;
		for (eq = start; eq < end && q[eq] != '='; eq++)
			;
		qp[np].k = q + start;
		qp[np].klen = eq - start;
		qp[np].v = eq < end ? q + eq + 1 : q + end;
		qp[np].vlen = eq < end ? end - eq - 1 : 0;
		np++;
	}
	for (i = 1; i < np; i++) {
		t = qp[i];
		for (j = i; j > 0 && qcmp(&qp[j - 1], &t) > 0; j--)
			qp[j] = qp[j - 1];
		qp[j] = t;
	}
	for (i = 0; i < np; i++) {
		if (i > 0)
			put(s, "&", 1);
		put_qencoded(s, qp[i].k, qp[i].klen);
		put(s, "=", 1);
		put_qencoded(s, qp[i].v, qp[i].vlen);
	}
	return 0;
}

/* ---- canonical headers ---- */

static unsigned char
lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

static int
namecmp(const struct sigv4_header *a, const struct sigv4_header *b)
{
	size_t i, n = a->name_len < b->name_len ? a->name_len : b->name_len;
	int d;

	for (i = 0; i < n; i++) {
		d = lower((unsigned char)a->name[i]) - lower((unsigned char)b->name[i]);
		if (d != 0)
			return d;
	}
	return a->name_len < b->name_len ? -1 : a->name_len > b->name_len;
}

/* Header indices sorted by lowercase name; stable, so repeated names stay
 * in request order. */
static int
sort_headers(const struct sigv4_req *req, unsigned char idx[SIGV4_MAX_HEADERS])
{
	size_t i, j;
	unsigned char t;

	if (req->nheaders > SIGV4_MAX_HEADERS)
		return -1;
	for (i = 0; i < req->nheaders; i++) {
		t = (unsigned char)i;
		for (j = i; j > 0 &&
		    namecmp(&req->headers[idx[j - 1]], &req->headers[t]) > 0; j--)
			idx[j] = idx[j - 1];
		idx[j] = t;
	}
	return 0;
}

static void
put_lower(struct sink *s, const char *p, size_t n)
{
	char chunk[64];
	size_t i, len = 0;

	for (i = 0; i < n; i++) {
		chunk[len++] = (char)lower((unsigned char)p[i]);
		if (len == sizeof(chunk)) {
			put(s, chunk, len);
			len = 0;
		}
	}
	put(s, chunk, len);
}

static int
is_ws(char c)
{
	/* CR and LF too: an obs-fold the caller did not join folds here. */
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* The value trimmed, each inner run of whitespace as one space. */
static void
put_folded(struct sink *s, const char *v, size_t n)
{
	size_t i = 0, start;
	int first = 1;

	for (;;) {
		while (i < n && is_ws(v[i]))
			i++;
		if (i == n)
			return;
		if (!first)
			put(s, " ", 1);
		first = 0;
		for (start = i; i < n && !is_ws(v[i]); i++)
			;
		put(s, v + start, i - start);
	}
}

static void
put_signed_headers(struct sink *s, const struct sigv4_req *req, const unsigned char *idx)
{
	const struct sigv4_header *h, *prev = NULL;
	size_t i;

	for (i = 0; i < req->nheaders; i++) {
		h = &req->headers[idx[i]];
		if (prev != NULL && namecmp(prev, h) == 0)
			continue;
		if (prev != NULL)
			put(s, ";", 1);
		put_lower(s, h->name, h->name_len);
		prev = h;
	}
}

static void
put_headers(struct sink *s, const struct sigv4_req *req, const unsigned char *idx)
{
	const struct sigv4_header *h, *prev = NULL;
	size_t i;

	for (i = 0; i < req->nheaders; i++) {
		h = &req->headers[idx[i]];
		if (prev != NULL && namecmp(prev, h) == 0) {
			put(s, ",", 1);
		} else {
			if (prev != NULL)
				put(s, "\n", 1);
			put_lower(s, h->name, h->name_len);
			put(s, ":", 1);
		}
		put_folded(s, h->value, h->value_len);
		prev = h;
	}
	if (prev != NULL)
		put(s, "\n", 1);
}

static int
put_creq(struct sink *s, const struct sigv4_req *req)
{
	unsigned char idx[SIGV4_MAX_HEADERS];

	if (req->method == NULL || req->payload_hash == NULL ||
	    sort_headers(req, idx) == -1)
		return -1;
	put_str(s, req->method);
	put(s, "\n", 1);
	put_path(s, req);
	put(s, "\n", 1);
	if (put_query(s, req->query, req->query_len) == -1)
		return -1;
	put(s, "\n", 1);
	put_headers(s, req, idx);
	put(s, "\n", 1);
	put_signed_headers(s, req, idx);
	put(s, "\n", 1);
	put_str(s, req->payload_hash);
	return 0;
}

/* ---- public ---- */

void
sigv4_amz_date(time_t t, char out[17])
{
	struct civil tm;
	long long v[6];
	int i;
	char *p = out;

	civil_from_ms((int64_t)t * 1000, &tm);
	v[0] = tm.year;
	v[1] = tm.mon;
	v[2] = tm.mday;
	v[3] = tm.hour;
	v[4] = tm.min;
	v[5] = tm.sec;
	/* By hand rather than strftime: a year past 9999 cannot overflow out. */
	v[0] %= 10000;
	*p++ = (char)('0' + v[0] / 1000);
	*p++ = (char)('0' + v[0] / 100 % 10);
	*p++ = (char)('0' + v[0] / 10 % 10);
	*p++ = (char)('0' + v[0] % 10);
	for (i = 1; i < 6; i++) {
		if (i == 3)
			*p++ = 'T';
		*p++ = (char)('0' + v[i] / 10);
		*p++ = (char)('0' + v[i] % 10);
	}
	*p++ = 'Z';
	*p = '\0';
}

void
sigv4_sha256_hex(const void *data, size_t n, char out[65])
{
	unsigned char h[32];

	sha256(data, n, h);
	hex_encode(h, sizeof(h), out);
}

int
sigv4_canonical_request(const struct sigv4_req *req, char *out, size_t cap)
{
	struct sink s;

	sink_buf(&s, out, cap);
	if (put_creq(&s, req) == -1)
		return -1;
	return sink_end(&s);
}

/* "yyyymmdd/region/service/aws4_request" */
static void
put_scope(struct sink *s, const char *amz_date, const char *region, const char *service)
{
	put(s, amz_date, 8);
	put(s, "/", 1);
	put_str(s, region);
	put(s, "/", 1);
	put_str(s, service);
	put_str(s, "/" TERMINATOR);
}

static void
put_sts(struct sink *s, const char *amz_date, const char *region, const char *service,
    const char *creq_hash)
{
	put_str(s, ALGORITHM "\n");
	put_str(s, amz_date);
	put(s, "\n", 1);
	put_scope(s, amz_date, region, service);
	put(s, "\n", 1);
	put(s, creq_hash, 64);
}

int
sigv4_string_to_sign(const char *amz_date, const char *region, const char *service,
    const char *creq, size_t creq_len, char *out, size_t cap)
{
	struct sink s;
	char hash[65];

	if (strnlen(amz_date, 8) < 8)
		return -1;
	sigv4_sha256_hex(creq, creq_len, hash);
	sink_buf(&s, out, cap);
	put_sts(&s, amz_date, region, service, hash);
	return sink_end(&s);
}

static void
hmac(const void *key, size_t klen, const void *data, size_t dlen, unsigned char out[32])
{
	br_hmac_key_context kc;
	br_hmac_context hc;

	br_hmac_key_init(&kc, &sha256_vtable, key, klen);
	br_hmac_init(&hc, &kc, 0);
	br_hmac_update(&hc, data, dlen);
	br_hmac_out(&hc, out);
}

static void
secret_tag(const char *secret, unsigned char tag[16])
{
	unsigned char h[32];

	sha256(secret, strlen(secret), h);
	memcpy(tag, h, 16);
}

void
sigv4_signing_key(struct sigv4_key *key, const char *secret, const char *amz_date,
    const char *region, const char *service)
{
	unsigned char k[32], tag[16];
	char date[9];
	size_t dlen, rlen, slen, seclen;
	br_sha256_context sc;
	/* HMAC-SHA256 block size: a longer HMAC key is replaced by its hash. */
	unsigned char k0[64];
	size_t k0len;

	dlen = strnlen(amz_date, 8);
	memcpy(date, amz_date, dlen);
	date[dlen] = '\0';
	rlen = strlen(region);
	slen = strlen(service);
	secret_tag(secret, tag);
	if (key->date[0] != '\0' && strcmp(key->date, date) == 0 &&
	    strcmp(key->region, region) == 0 && strcmp(key->service, service) == 0 &&
	    memcmp(key->secret_tag, tag, sizeof(tag)) == 0)
		return;

	/* kSecret = "AWS4" + secret, done as HMAC itself would for a long one,
	 * so that no secret length needs a bound here. */
	seclen = strlen(secret);
	if (4 + seclen <= sizeof(k0)) {
		memcpy(k0, "AWS4", 4);
		memcpy(k0 + 4, secret, seclen);
		k0len = 4 + seclen;
	} else {
		sha256_init(&sc);
		sha256_update(&sc, "AWS4", 4);
		sha256_update(&sc, secret, seclen);
		sha256_out(&sc, k0);
		k0len = 32;
	}
	hmac(k0, k0len, date, dlen, k);
	hmac(k, 32, region, rlen, k);
	hmac(k, 32, service, slen, k);
	hmac(k, 32, TERMINATOR, strlen(TERMINATOR), key->key);
	memset(k0, 0, sizeof(k0));
	memset(k, 0, sizeof(k));

	/* A region or service too long for the cache is signed but not kept. */
	if (rlen >= sizeof(key->region) || slen >= sizeof(key->service) || dlen < 8) {
		key->date[0] = '\0';
		return;
	}
	memcpy(key->date, date, dlen + 1);
	memcpy(key->region, region, rlen + 1);
	memcpy(key->service, service, slen + 1);
	memcpy(key->secret_tag, tag, sizeof(tag));
}

int
sigv4_authorization(const struct sigv4_req *req, const char *access_key, const char *secret,
    const char *region, const char *service, const char *amz_date,
    struct sigv4_key *key, char *out, size_t cap)
{
	br_sha256_context sc;
	br_hmac_key_context kc;
	br_hmac_context hc;
	struct sink s;
	unsigned char h[32], idx[SIGV4_MAX_HEADERS];
	char hex[65];

	if (strnlen(amz_date, 8) < 8 || sort_headers(req, idx) == -1)
		return -1;

	/* Hash the canonical request as it is produced. */
	memset(&s, 0, sizeof(s));
	sha256_init(&sc);
	s.sha = &sc;
	if (put_creq(&s, req) == -1)
		return -1;
	sha256_out(&sc, h);
	hex_encode(h, sizeof(h), hex);

	/* Signature = HMAC(signing key, string to sign), also streamed. */
	sigv4_signing_key(key, secret, amz_date, region, service);
	br_hmac_key_init(&kc, &sha256_vtable, key->key, sizeof(key->key));
	br_hmac_init(&hc, &kc, 0);
	memset(&s, 0, sizeof(s));
	s.hmac = &hc;
	put_sts(&s, amz_date, region, service, hex);
	br_hmac_out(&hc, h);
	hex_encode(h, sizeof(h), hex);

	sink_buf(&s, out, cap);
	put_str(&s, ALGORITHM " Credential=");
	put_str(&s, access_key);
	put(&s, "/", 1);
	put_scope(&s, amz_date, region, service);
	put_str(&s, ", SignedHeaders=");
	put_signed_headers(&s, req, idx);
	put_str(&s, ", Signature=");
	put(&s, hex, 64);
	return sink_end(&s);
}

int sigv4_post_head(const struct sigv4_post *p, char *out, size_t cap)
{
	char authz[512];
	int target = p->target != NULL, token = p->token[0] != 0, k;
	struct sigv4_header h[5] = {
		{ "content-type", 12, p->content_type, strlen(p->content_type) },
		{ "host", 4, p->host, strlen(p->host) },
		{ "x-amz-date", 10, p->amz_date, 16 },
		{ "x-amz-target", 12, p->target, target ? strlen(p->target) : 0 },
		{ "x-amz-security-token", 20, p->token, strlen(p->token) },
	};
	struct sigv4_req req = {
		.method = "POST", .path = "/", .path_len = 1, .query = "", .query_len = 0,
		.headers = h, .nheaders = 5, .payload_hash = p->payload_hash, .normalize = 1,
	};

	if (!target)
		h[3] = h[4];
	req.nheaders -= !target + !token;
	if (sigv4_authorization(&req, p->id, p->secret, p->region, p->service, p->amz_date, p->key, authz,
				sizeof authz) < 0)
		return -1;
	k = fmt_snprintf(out, cap,
			 "POST / HTTP/1.1\r\nHost: %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n%s%s%s"
			 "X-Amz-Date: %s\r\n%s%s%sAuthorization: %s\r\nUser-Agent: kagent/" KAGENT_VERSION "\r\n\r\n",
			 p->host, p->content_type, p->body_len, target ? "X-Amz-Target: " : "", target ? p->target : "",
			 target ? "\r\n" : "", p->amz_date, token ? "X-Amz-Security-Token: " : "", p->token,
			 token ? "\r\n" : "", authz);
	return k < 0 || (size_t)k >= cap ? -1 : k;
}
