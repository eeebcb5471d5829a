/* SigV4: AWS's two conformance suites (tests/data/sigv4, see tests/data/README.md),
 * every header-signing case of each, plus the pieces one by one.
 *
 * Query (presigned URL) signing is not implemented, so the aws-c-auth
 * query-* files are not read.  No case is excluded. */
#include <dirent.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <bearssl.h>

#include "hex.h"
#include "sigv4.h"
#include "t.h"

#define EMPTY_SHA256 "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
#define EXAMPLE_SECRET "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
#define SUITE_TIME 1440938160	/* 2015-08-30T12:36:00Z */

/* snprintf into a path buffer; a name too long for it is a failure of the
 * case (reported by whoever then cannot open the truncated path). */
static void pathf(char *out, size_t cap, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
pathf(char *out, size_t cap, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(out, cap, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= cap)
		out[0] = '\0';
}

/* ---- the pseudo-HTTP request files ---- */

#define REQ_MAXH 40

struct req_file {
	char method[16];
	const char *path, *query;
	size_t path_len, query_len;
	struct sigv4_header h[REQ_MAXH];
	size_t nh;
	const char *body;
	size_t body_len;
	char values[8192];	/* header values, continuation lines joined */
	size_t values_len;
};

/* The line at *p (without its '\n'); *p moves past it.  0 at the end. */
static int
next_line(const char **p, const char *end, const char **line, size_t *len)
{
	const char *nl;

	if (*p >= end)
		return 0;
	nl = memchr(*p, '\n', (size_t)(end - *p));
	*line = *p;
	*len = nl ? (size_t)(nl - *p) : (size_t)(end - *p);
	*p = nl ? nl + 1 : end;
	return 1;
}

/* Method, then everything between the first space and the last " HTTP/1.1"
 * is path?query; "Name:value" headers, a line starting with whitespace
 * continues the previous value (joined by one space); then a blank line and
 * the body.  Returns -1 on a malformed file. */
static int
parse_request(const char *buf, size_t n, struct req_file *r)
{
	const char *p = buf, *end = buf + n, *line, *sp, *target, *q, *colon;
	size_t len, tlen, i;
	const char *ver = " HTTP/1.1";
	size_t verlen = strlen(ver);

	memset(r, 0, sizeof(*r));
	if (!next_line(&p, end, &line, &len))
		return -1;
	sp = memchr(line, ' ', len);
	if (sp == NULL || (size_t)(sp - line) >= sizeof(r->method))
		return -1;
	memcpy(r->method, line, (size_t)(sp - line));
	target = sp + 1;
	tlen = 0;
	for (i = len; i >= verlen; i--) {
		if (memcmp(line + i - verlen, ver, verlen) == 0) {
			if (line + i - verlen < target)
				return -1;
			tlen = (size_t)(line + i - verlen - target);
			break;
		}
	}
	if (i < verlen)
		return -1;
	q = memchr(target, '?', tlen);
	r->path = target;
	r->path_len = q ? (size_t)(q - target) : tlen;
	r->query = q ? q + 1 : target + tlen;
	r->query_len = q ? (size_t)(target + tlen - q - 1) : 0;

	while (next_line(&p, end, &line, &len)) {
		if (len == 0)
			break;
		if (line[0] == ' ' || line[0] == '\t') {
			if (r->nh == 0)
				return -1;
			while (len > 0 && (line[0] == ' ' || line[0] == '\t')) {
				line++;
				len--;
			}
			if (r->values_len + 1 + len > sizeof(r->values))
				return -1;
			r->values[r->values_len++] = ' ';
			memcpy(r->values + r->values_len, line, len);
			r->values_len += len;
			r->h[r->nh - 1].value_len += 1 + len;
			continue;
		}
		colon = memchr(line, ':', len);
		if (colon == NULL || r->nh == REQ_MAXH)
			return -1;
		len -= (size_t)(colon + 1 - line);
		if (r->values_len + len > sizeof(r->values))
			return -1;
		r->h[r->nh].name = line;
		r->h[r->nh].name_len = (size_t)(colon - line);
		r->h[r->nh].value = r->values + r->values_len;
		r->h[r->nh].value_len = len;
		memcpy(r->values + r->values_len, colon + 1, len);
		r->values_len += len;
		r->nh++;
	}
	r->body = p;
	r->body_len = (size_t)(end - p);
	return 0;
}

static int
add_header(struct req_file *r, const char *name, const char *value)
{
	if (r->nh == REQ_MAXH)
		return -1;
	r->h[r->nh].name = name;
	r->h[r->nh].name_len = strlen(name);
	r->h[r->nh].value = value;
	r->h[r->nh].value_len = strlen(value);
	r->nh++;
	return 0;
}

/* ---- context.json: flat keys, read by name ---- */

static const char *
json_value(const char *js, const char *key)
{
	char pat[64];
	const char *p;

	snprintf(pat, sizeof(pat), "\"%s\"", key);
	if ((p = strstr(js, pat)) == NULL)
		return NULL;
	p += strlen(pat);
	while (*p == ' ' || *p == '\t' || *p == '\n')
		p++;
	if (*p++ != ':')
		return NULL;
	while (*p == ' ' || *p == '\t' || *p == '\n')
		p++;
	return p;
}

static int
json_true(const char *js, const char *key)
{
	const char *v = json_value(js, key);

	return v != NULL && strncmp(v, "true", 4) == 0;
}

/* Copies a string value (no escapes in these files); -1 if absent. */
static int
json_str(const char *js, const char *key, char *out, size_t cap)
{
	const char *v = json_value(js, key), *e;

	if (v == NULL || *v != '"' || (e = strchr(v + 1, '"')) == NULL ||
	    (size_t)(e - v - 1) >= cap)
		return -1;
	memcpy(out, v + 1, (size_t)(e - v - 1));
	out[e - v - 1] = '\0';
	return 0;
}

/* ---- comparing with the expected files ---- */

static char file_buf[16384];

/* Compares got with the file dir/name; on a difference reports the case and
 * the file and returns 0. */
static int
same_as_file(const char *casename, const char *dir, const char *name,
    const char *got, size_t gotlen)
{
	char path[1024];
	long n;

	pathf(path, sizeof(path), "%s/%s", dir, name);
	n = t_readfile(path, file_buf, sizeof(file_buf));
	if (n < 0) {
		t_fail(__FILE__, __LINE__, "%s: cannot read %s", casename, path);
		return 0;
	}
	if ((size_t)n != gotlen || memcmp(got, file_buf, gotlen) != 0) {
		t_fail(__FILE__, __LINE__, "%s: %s differs:\n  got      \"%.*s\"\n  expected \"%s\"",
		    casename, name, (int)gotlen, got, file_buf);
		return 0;
	}
	return 1;
}

/* What the signer produced for one case. */
struct signed_case {
	char creq[8192];
	char sts[512];
	char authz[1024];
	char sig[65];		/* recomputed from sts with the signing key */
	int creq_len, sts_len, authz_len;
};

static int
sign_case(const char *casename, const struct sigv4_req *req, const char *akid,
    const char *secret, const char *region, const char *service, const char *amz_date,
    struct sigv4_key *key, struct signed_case *out)
{
	unsigned char mac[32];
	br_hmac_key_context kc;
	br_hmac_context hc;
	const char *s;

	out->creq_len = sigv4_canonical_request(req, out->creq, sizeof(out->creq));
	out->sts_len = out->creq_len < 0 ? -1 : sigv4_string_to_sign(amz_date, region,
	    service, out->creq, (size_t)out->creq_len, out->sts, sizeof(out->sts));
	out->authz_len = sigv4_authorization(req, akid, secret, region, service, amz_date,
	    key, out->authz, sizeof(out->authz));
	if (out->creq_len < 0 || out->sts_len < 0 || out->authz_len < 0) {
		t_fail(__FILE__, __LINE__, "%s: signer returned -1 (%d %d %d)", casename,
		    out->creq_len, out->sts_len, out->authz_len);
		return 0;
	}
	/* The signature twice: streamed inside sigv4_authorization, and here
	 * from the string to sign and the (cached) signing key. */
	sigv4_signing_key(key, secret, amz_date, region, service);
	br_hmac_key_init(&kc, &br_sha256_vtable, key->key, sizeof(key->key));
	br_hmac_init(&hc, &kc, 0);
	br_hmac_update(&hc, out->sts, (size_t)out->sts_len);
	br_hmac_out(&hc, mac);
	hex_encode(mac, sizeof(mac), out->sig);
	s = strstr(out->authz, ", Signature=");
	if (s == NULL || strcmp(s + strlen(", Signature="), out->sig) != 0) {
		t_fail(__FILE__, __LINE__, "%s: Authorization signature %s, signature from sts %s",
		    casename, s ? s : "(none)", out->sig);
		return 0;
	}
	return 1;
}

/* ---- aws-c-auth ---- */

static char req_buf[16384], ctx_buf[4096];
static struct req_file rf;
static struct signed_case sc;

/* The Authorization value from header-signed-request.txt. */
static int
signed_request_authz(const char *dir, char *out, size_t cap)
{
	char path[1024];
	const char *a, *e;

	pathf(path, sizeof(path), "%s/header-signed-request.txt", dir);
	if (t_readfile(path, file_buf, sizeof(file_buf)) < 0 ||
	    (a = strstr(file_buf, "\nAuthorization:")) == NULL)
		return -1;
	a += strlen("\nAuthorization:");
	if ((e = strchr(a, '\n')) == NULL || (size_t)(e - a) >= cap)
		return -1;
	memcpy(out, a, (size_t)(e - a));
	out[e - a] = '\0';
	return (int)(e - a);
}

static int
aws_c_auth_case(const char *casename, const char *dir, struct sigv4_key *key)
{
	char path[1024], akid[64], secret[128], token[1024], region[64], service[64];
	char ts[32], amz_date[17], payload[65], body_hash[65], expect_authz[1024];
	struct sigv4_req req;
	struct tm tm;
	int has_token;

	pathf(path, sizeof(path), "%s/context.json", dir);
	if (t_readfile(path, ctx_buf, sizeof(ctx_buf)) < 0 ||
	    json_str(ctx_buf, "access_key_id", akid, sizeof(akid)) == -1 ||
	    json_str(ctx_buf, "secret_access_key", secret, sizeof(secret)) == -1 ||
	    json_str(ctx_buf, "region", region, sizeof(region)) == -1 ||
	    json_str(ctx_buf, "service", service, sizeof(service)) == -1 ||
	    json_str(ctx_buf, "timestamp", ts, sizeof(ts)) == -1) {
		t_fail(__FILE__, __LINE__, "%s: bad context.json", casename);
		return 0;
	}
	has_token = json_str(ctx_buf, "token", token, sizeof(token)) == 0;
	memset(&tm, 0, sizeof(tm));
	if (strptime(ts, "%Y-%m-%dT%H:%M:%SZ", &tm) == NULL) {
		t_fail(__FILE__, __LINE__, "%s: bad timestamp %s", casename, ts);
		return 0;
	}
	sigv4_amz_date(timegm(&tm), amz_date);

	pathf(path, sizeof(path), "%s/request.txt", dir);
	long n = t_readfile(path, req_buf, sizeof(req_buf));
	if (n < 0 || parse_request(req_buf, (size_t)n, &rf) == -1) {
		t_fail(__FILE__, __LINE__, "%s: cannot parse %s", casename, path);
		return 0;
	}
	/* What the signer adds, in the order of header-signed-request.txt. */
	if (has_token && !json_true(ctx_buf, "omit_session_token"))
		add_header(&rf, "X-Amz-Security-Token", token);
	add_header(&rf, "X-Amz-Date", amz_date);
	sigv4_sha256_hex(rf.body, rf.body_len, body_hash);
	if (json_true(ctx_buf, "sign_body"))
		add_header(&rf, "x-amz-content-sha256", body_hash);
	memcpy(payload, body_hash, sizeof(payload));

	memset(&req, 0, sizeof(req));
	req.method = rf.method;
	req.path = rf.path;
	req.path_len = rf.path_len;
	req.query = rf.query;
	req.query_len = rf.query_len;
	req.headers = rf.h;
	req.nheaders = rf.nh;
	req.payload_hash = payload;
	req.normalize = json_true(ctx_buf, "normalize");

	if (!sign_case(casename, &req, akid, secret, region, service, amz_date, key, &sc))
		return 0;
	if (!same_as_file(casename, dir, "header-canonical-request.txt", sc.creq, (size_t)sc.creq_len) ||
	    !same_as_file(casename, dir, "header-string-to-sign.txt", sc.sts, (size_t)sc.sts_len) ||
	    !same_as_file(casename, dir, "header-signature.txt", sc.sig, strlen(sc.sig)))
		return 0;
	n = signed_request_authz(dir, expect_authz, sizeof(expect_authz));
	if (n < 0 || strcmp(sc.authz, expect_authz) != 0) {
		t_fail(__FILE__, __LINE__, "%s: header-signed-request.txt differs:\n  got      \"%s\"\n  expected \"%s\"",
		    casename, sc.authz, n < 0 ? "(no Authorization line)" : expect_authz);
		return 0;
	}
	return 1;
}

T(sigv4_suite_aws_c_auth)
{
	char dir[1024], casedir[1024];
	struct sigv4_key key;
	struct dirent *de;
	DIR *d;
	int cases = 0, passed = 0;

	memset(&key, 0, sizeof(key));
	snprintf(dir, sizeof(dir), "%s/sigv4/aws-c-auth-v4", t_testdata());
	d = opendir(dir);
	T_TRUE(d != NULL);
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		pathf(casedir, sizeof(casedir), "%s/%s", dir, de->d_name);
		cases++;
		passed += aws_c_auth_case(de->d_name, casedir, &key);
	}
	closedir(d);
	T_EQ_INT(cases, 38);
	T_EQ_INT(passed, 38);
}

/* ---- botocore ---- */

static const char *
find_header(const struct req_file *r, const char *name)
{
	size_t i, n = strlen(name);

	for (i = 0; i < r->nh; i++)
		if (r->h[i].name_len == n && strncasecmp(r->h[i].name, name, n) == 0)
			return r->h[i].value;
	return NULL;
}

/* The X-Amz-Security-Token value of a .sreq file; -1 if it has none. */
static int
sreq_token(const char *path, char *out, size_t cap)
{
	const char *name = "\nX-Amz-Security-Token:", *a, *e;

	if (t_readfile(path, file_buf, sizeof(file_buf)) < 0 ||
	    (a = strstr(file_buf, name)) == NULL)
		return -1;
	a += strlen(name);
	if ((e = strchr(a, '\n')) == NULL || (size_t)(e - a) >= cap)
		return -1;
	memcpy(out, a, (size_t)(e - a));
	out[e - a] = '\0';
	return 0;
}

static int
botocore_case(const char *casename, const char *dir, const char *base, struct sigv4_key *key)
{
	char path[1024], name[300], payload[65];
	struct sigv4_req req;
	static char token[1024];
	const char *date;
	long n;

	pathf(path, sizeof(path), "%s/%s.req", dir, base);
	n = t_readfile(path, req_buf, sizeof(req_buf));
	if (n < 0 || parse_request(req_buf, (size_t)n, &rf) == -1) {
		t_fail(__FILE__, __LINE__, "%s: cannot parse %s", casename, path);
		return 0;
	}
	/* The request carries its X-Amz-Date (and token, when signed). */
	date = find_header(&rf, "x-amz-date");
	if (date == NULL || strncmp(date, "20150830T123600Z", 16) != 0) {
		t_fail(__FILE__, __LINE__, "%s: no X-Amz-Date in %s", casename, path);
		return 0;
	}
	if (!find_header(&rf, "x-amz-security-token") &&
	    strcmp(casename, "post-sts-token/post-sts-header-after") != 0) {
		/* get-vanilla-with-session-token: the token is not in the .req,
		 * only in the signed request, and it is signed (README).
		 * post-sts-header-after adds it after signing, so not here. */
		pathf(path, sizeof(path), "%s/%s.sreq", dir, base);
		if (sreq_token(path, token, sizeof(token)) == 0)
			add_header(&rf, "X-Amz-Security-Token", token);
	}
	sigv4_sha256_hex(rf.body, rf.body_len, payload);

	memset(&req, 0, sizeof(req));
	req.method = rf.method;
	req.path = rf.path;
	req.path_len = rf.path_len;
	req.query = rf.query;
	req.query_len = rf.query_len;
	req.headers = rf.h;
	req.nheaders = rf.nh;
	req.payload_hash = payload;
	req.normalize = 1;

	if (!sign_case(casename, &req, "AKIDEXAMPLE", EXAMPLE_SECRET, "us-east-1", "service",
	    "20150830T123600Z", key, &sc))
		return 0;
	pathf(name, sizeof(name), "%s.creq", base);
	if (!same_as_file(casename, dir, name, sc.creq, (size_t)sc.creq_len))
		return 0;
	pathf(name, sizeof(name), "%s.sts", base);
	if (!same_as_file(casename, dir, name, sc.sts, (size_t)sc.sts_len))
		return 0;
	pathf(name, sizeof(name), "%s.authz", base);
	return same_as_file(casename, dir, name, sc.authz, (size_t)sc.authz_len);
}

/* Every folder holding <name>/<name>.req is a case; other folders
 * (normalize-path/, post-sts-token/) are groups, one level deep. */
static void
botocore_dir(const char *dir, const char *prefix, int depth, struct sigv4_key *key,
    int *cases, int *passed)
{
	char casedir[1024], req[1300], casename[300];
	struct dirent *de;
	FILE *f;
	DIR *d, *sub;

	if ((d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		pathf(casedir, sizeof(casedir), "%s/%s", dir, de->d_name);
		pathf(casename, sizeof(casename), "%s%s", prefix, de->d_name);
		pathf(req, sizeof(req), "%s/%s.req", casedir, de->d_name);
		if ((f = fopen(req, "rb")) != NULL) {
			fclose(f);
			(*cases)++;
			*passed += botocore_case(casename, casedir, de->d_name, key);
		} else if (depth == 0 && (sub = opendir(casedir)) != NULL) {
			closedir(sub);
			pathf(casename, sizeof(casename), "%s/", de->d_name);
			botocore_dir(casedir, casename, 1, key, cases, passed);
		}
	}
	closedir(d);
}

T(sigv4_suite_botocore)
{
	char dir[1024];
	struct sigv4_key key;
	int cases = 0, passed = 0;

	memset(&key, 0, sizeof(key));
	snprintf(dir, sizeof(dir), "%s/sigv4/botocore-aws4_testsuite", t_testdata());
	botocore_dir(dir, "", 0, &key, &cases, &passed);
	/* The README's table says 33, but the folder holds 34 cases: 24 at the
	 * top, 8 in normalize-path/, 2 in post-sts-token/.  All 34 run. */
	T_EQ_INT(cases, 34);
	T_EQ_INT(passed, 34);
}

/* ---- the pieces ---- */

T(sigv4_amz_date_epochs)
{
	char d[17];

	sigv4_amz_date(SUITE_TIME, d);
	T_EQ_STR(d, "20150830T123600Z");
	sigv4_amz_date(0, d);
	T_EQ_STR(d, "19700101T000000Z");
	sigv4_amz_date(1709251199, d);		/* leap day, last second */
	T_EQ_STR(d, "20240229T235959Z");
	if (sizeof(time_t) >= 8) {
		sigv4_amz_date((time_t)4102444800LL, d);	/* past 2038 */
		T_EQ_STR(d, "21000101T000000Z");
	}
}

T(sigv4_sha256_hex_known)
{
	char h[65];

	sigv4_sha256_hex("", 0, h);
	T_EQ_STR(h, EMPTY_SHA256);
	sigv4_sha256_hex("abc", 3, h);
	T_EQ_STR(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

static void
key_hex(const struct sigv4_key *key, char out[65])
{
	hex_encode(key->key, sizeof(key->key), out);
}

T(sigv4_signing_key_cache)
{
	struct sigv4_key key;
	char hex[65];

	/* The AWS documentation's example derivation. */
	memset(&key, 0, sizeof(key));
	sigv4_signing_key(&key, EXAMPLE_SECRET, "20120215T000000Z", "us-east-1", "iam");
	key_hex(&key, hex);
	T_EQ_STR(hex, "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d");
	T_EQ_STR(key.date, "20120215");
	T_EQ_STR(key.region, "us-east-1");
	T_EQ_STR(key.service, "iam");

	sigv4_signing_key(&key, EXAMPLE_SECRET, "20150830T123600Z", "us-east-1", "service");
	key_hex(&key, hex);
	T_EQ_STR(hex, "938127b5336810ddb6a5d6af445fcac9e371f9ed418ed386b022aed82901be75");
	T_EQ_STR(key.date, "20150830");

	/* Same date (another time of day), region, service, secret: reused.
	 * A key overwritten behind the cache's back proves nothing was derived. */
	memset(key.key, 0xAB, sizeof(key.key));
	sigv4_signing_key(&key, EXAMPLE_SECRET, "20150830T235959Z", "us-east-1", "service");
	T_EQ_INT(key.key[0], 0xAB);
	T_EQ_INT(key.key[31], 0xAB);

	/* The next day: derived again. */
	sigv4_signing_key(&key, EXAMPLE_SECRET, "20150831T000000Z", "us-east-1", "service");
	key_hex(&key, hex);
	T_EQ_STR(hex, "4f10458981d9757195ff4a3d55278d32d3c789809c4bb9c0785443035e0c10b2");
	T_EQ_STR(key.date, "20150831");

	/* Another region, then another service, then another secret: each
	 * derives again (0xAB planted first, so a reuse would show). */
	memset(key.key, 0xAB, sizeof(key.key));
	sigv4_signing_key(&key, EXAMPLE_SECRET, "20150831T000000Z", "eu-west-1", "service");
	T_TRUE(key.key[0] != 0xAB || key.key[1] != 0xAB);
	T_EQ_STR(key.region, "eu-west-1");
	memset(key.key, 0xAB, sizeof(key.key));
	sigv4_signing_key(&key, EXAMPLE_SECRET, "20150831T000000Z", "eu-west-1", "firehose");
	T_TRUE(key.key[0] != 0xAB || key.key[1] != 0xAB);
	T_EQ_STR(key.service, "firehose");

	/* Rotated temporary credentials keep date, region and service. */
	sigv4_signing_key(&key, EXAMPLE_SECRET, "20150830T123600Z", "us-east-1", "service");
	sigv4_signing_key(&key, "another-secret", "20150830T123600Z", "us-east-1", "service");
	key_hex(&key, hex);
	T_TRUE(strcmp(hex, "938127b5336810ddb6a5d6af445fcac9e371f9ed418ed386b022aed82901be75") != 0);
	sigv4_signing_key(&key, EXAMPLE_SECRET, "20150830T123600Z", "us-east-1", "service");
	key_hex(&key, hex);
	T_EQ_STR(hex, "938127b5336810ddb6a5d6af445fcac9e371f9ed418ed386b022aed82901be75");
}

T(sigv4_signing_key_long_secret)
{
	/* Longer than the HMAC block: "AWS4"+secret is hashed first. */
	char secret[101], hex[65];
	struct sigv4_key key;

	memset(secret, 'S', 100);
	secret[100] = '\0';
	memset(&key, 0, sizeof(key));
	sigv4_signing_key(&key, secret, "20150830T123600Z", "eu-west-1", "firehose");
	key_hex(&key, hex);
	T_EQ_STR(hex, "3f23bc5fc91925e33f6c3fe2e3d386dab203db9ff9566363ccbd63737804a10c");
}

/* The request the Firehose client builds; expected values computed apart
 * from this code (Python hashlib/hmac). */
static const struct sigv4_header firehose_h[] = {
	{ "Host", 4, "firehose.eu-west-1.amazonaws.com", 32 },
	{ "X-Amz-Date", 10, "20240229T235959Z", 16 },
	{ "Content-Type", 12, "application/x-amz-json-1.1", 26 },
	{ "X-Amz-Target", 12, "Firehose_20150804.PutRecordBatch", 32 },
	{ "X-Amz-Security-Token", 20, "FwoGZXIvYXdzEXAMPLE", 19 },
};
static const char firehose_body[] = "{\"DeliveryStreamName\":\"s\",\"Records\":[{\"Data\":\"aGk=\"}]}";
static const char firehose_creq[] =
	"POST\n/\n\n"
	"content-type:application/x-amz-json-1.1\n"
	"host:firehose.eu-west-1.amazonaws.com\n"
	"x-amz-date:20240229T235959Z\n"
	"x-amz-security-token:FwoGZXIvYXdzEXAMPLE\n"
	"x-amz-target:Firehose_20150804.PutRecordBatch\n"
	"\n"
	"content-type;host;x-amz-date;x-amz-security-token;x-amz-target\n"
	"9d96db67f14690dc0fdb7ff1737258c27dc0f403925d7ffc12b1c40af73fa3b9";

static void
firehose_req(struct sigv4_req *req, char payload[65])
{
	sigv4_sha256_hex(firehose_body, strlen(firehose_body), payload);
	memset(req, 0, sizeof(*req));
	req->method = "POST";
	req->path = "/";
	req->path_len = 1;
	req->query = "";
	req->headers = firehose_h;
	req->nheaders = sizeof(firehose_h) / sizeof(firehose_h[0]);
	req->payload_hash = payload;
	req->normalize = 1;
}

T(sigv4_firehose_request)
{
	struct sigv4_req req;
	struct sigv4_key key;
	char payload[65], out[1024];
	int n;

	firehose_req(&req, payload);
	n = sigv4_canonical_request(&req, out, sizeof(out));
	T_EQ_MEM(out, (size_t)n, firehose_creq, strlen(firehose_creq));
	memset(&key, 0, sizeof(key));
	n = sigv4_authorization(&req, "AKIDEXAMPLE", EXAMPLE_SECRET, "eu-west-1", "firehose",
	    "20240229T235959Z", &key, out, sizeof(out));
	T_EQ_STR(out, "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240229/eu-west-1/firehose/aws4_request, "
	    "SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;x-amz-target, "
	    "Signature=22b626c52c38b3f7f6c004ec64fb1c219094e3b290f4d7c464e0fb7852da6301");
	T_EQ_INT(n, strlen(out));
}

/* Every cap short of length + 1 fails without writing past cap; the
 * exact cap succeeds. */
T(sigv4_canonical_request_small_cap)
{
	struct sigv4_req req;
	char payload[65], out[600];
	size_t len = strlen(firehose_creq), cap;
	int n;

	firehose_req(&req, payload);
	T_TRUE(len + 1 < sizeof(out));
	for (cap = 0; cap <= len; cap++) {
		memset(out, 'G', sizeof(out));
		n = sigv4_canonical_request(&req, out, cap);
		if (n != -1) {
			t_fail(__FILE__, __LINE__, "cap %zu: returned %d", cap, n);
			return;
		}
		if (out[cap] != 'G') {
			t_fail(__FILE__, __LINE__, "cap %zu: guard byte overwritten", cap);
			return;
		}
	}
	memset(out, 'G', sizeof(out));
	n = sigv4_canonical_request(&req, out, len + 1);
	T_EQ_INT(n, len);
	T_EQ_INT(out[len], '\0');
	T_EQ_INT(out[len + 1], 'G');
	T_EQ_MEM(out, len, firehose_creq, len);
}

T(sigv4_small_caps_other)
{
	struct sigv4_req req;
	struct sigv4_key key;
	char payload[65], out[300];
	size_t cap;
	int n, full;

	firehose_req(&req, payload);
	memset(&key, 0, sizeof(key));
	full = sigv4_authorization(&req, "AKIDEXAMPLE", EXAMPLE_SECRET, "eu-west-1", "firehose",
	    "20240229T235959Z", &key, out, sizeof(out));
	T_TRUE(full > 0);
	for (cap = 0; cap <= (size_t)full; cap++) {
		memset(out, 'G', sizeof(out));
		n = sigv4_authorization(&req, "AKIDEXAMPLE", EXAMPLE_SECRET, "eu-west-1",
		    "firehose", "20240229T235959Z", &key, out, cap);
		if (n != -1 || out[cap] != 'G') {
			t_fail(__FILE__, __LINE__, "authorization cap %zu: %d, guard %c", cap, n, out[cap]);
			return;
		}
	}
	n = sigv4_string_to_sign("20240229T235959Z", "eu-west-1", "firehose", "x", 1, out,
	    sizeof(out));
	T_EQ_STR(out, "AWS4-HMAC-SHA256\n20240229T235959Z\n20240229/eu-west-1/firehose/aws4_request\n"
	    "2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881");
	full = n;
	for (cap = 0; cap <= (size_t)full; cap++) {
		memset(out, 'G', sizeof(out));
		n = sigv4_string_to_sign("20240229T235959Z", "eu-west-1", "firehose", "x", 1,
		    out, cap);
		if (n != -1 || out[cap] != 'G') {
			t_fail(__FILE__, __LINE__, "string to sign cap %zu: %d, guard %c", cap, n, out[cap]);
			return;
		}
	}
}

/* Path and query forms the suites do not reach. */
static int
creq_of(const char *path, const char *query, int normalize, char *out, size_t cap)
{
	struct sigv4_req req;

	memset(&req, 0, sizeof(req));
	req.method = "GET";
	req.path = path;
	req.path_len = strlen(path);
	req.query = query;
	req.query_len = strlen(query);
	req.payload_hash = EMPTY_SHA256;
	req.normalize = normalize;
	return sigv4_canonical_request(&req, out, cap);
}

/* The path line and query line of the canonical request. */
static void
path_query(const char *path, const char *query, int normalize, char *out, size_t cap)
{
	char creq[1024];
	const char *a, *b;

	out[0] = '\0';
	if (creq_of(path, query, normalize, creq, sizeof(creq)) < 0)
		return;
	a = strchr(creq, '\n') + 1;
	b = strchr(strchr(a, '\n') + 1, '\n');
	snprintf(out, cap, "%.*s", (int)(b - a), a);
}

T(sigv4_paths)
{
	char pq[512];

	path_query("", "", 1, pq, sizeof(pq));
	T_EQ_STR(pq, "/\n");
	path_query("/a/b/../c/./d/", "", 1, pq, sizeof(pq));
	T_EQ_STR(pq, "/a/c/d/\n");
	path_query("/a/b/..", "", 1, pq, sizeof(pq));
	T_EQ_STR(pq, "/a/\n");
	path_query("/a/.", "", 1, pq, sizeof(pq));
	T_EQ_STR(pq, "/a/\n");
	path_query("/../../a", "", 1, pq, sizeof(pq));
	T_EQ_STR(pq, "/a\n");
	path_query("/a/../../b//c", "", 1, pq, sizeof(pq));
	T_EQ_STR(pq, "/b/c\n");
	path_query("/a/..b/.c", "", 1, pq, sizeof(pq));
	T_EQ_STR(pq, "/a/..b/.c\n");
	/* Double encoding: a '%' already on the wire is encoded again. */
	path_query("/a%20b/+=", "", 1, pq, sizeof(pq));
	T_EQ_STR(pq, "/a%2520b/%2B%3D\n");
	path_query("//a/../", "", 0, pq, sizeof(pq));
	T_EQ_STR(pq, "//a/../\n");
}

T(sigv4_queries)
{
	char pq[512];

	/* Decoded then encoded; sorted by key, then value; '+' is literal. */
	path_query("/", "b=2&a=%7e&a=&c&&%41=x+y%2", 1, pq, sizeof(pq));
	T_EQ_STR(pq, "/\nA=x%2By%252&a=&a=~&b=2&c=");
	/* Key before value: "a" < "a-" even though '=' > '-'. */
	path_query("/", "a-=1&a=2", 1, pq, sizeof(pq));
	T_EQ_STR(pq, "/\na=2&a-=1");
	path_query("/", "k=%e1%88%b4&k=%20", 1, pq, sizeof(pq));
	T_EQ_STR(pq, "/\nk=%20&k=%E1%88%B4");
}

T(sigv4_limits)
{
	struct sigv4_header h[SIGV4_MAX_HEADERS + 1];
	struct sigv4_req req;
	struct sigv4_key key;
	char out[4096], q[SIGV4_MAX_QUERY * 4 + 8];
	size_t i;

	for (i = 0; i < SIGV4_MAX_HEADERS + 1; i++) {
		h[i].name = "X-A";
		h[i].name_len = 3;
		h[i].value = " v ";
		h[i].value_len = 3;
	}
	memset(&req, 0, sizeof(req));
	req.method = "GET";
	req.path = "/";
	req.path_len = 1;
	req.query = "";
	req.headers = h;
	req.payload_hash = EMPTY_SHA256;
	req.nheaders = SIGV4_MAX_HEADERS;
	T_TRUE(sigv4_canonical_request(&req, out, sizeof(out)) > 0);
	req.nheaders = SIGV4_MAX_HEADERS + 1;
	T_EQ_INT(sigv4_canonical_request(&req, out, sizeof(out)), -1);
	memset(&key, 0, sizeof(key));
	T_EQ_INT(sigv4_authorization(&req, "AKIDEXAMPLE", EXAMPLE_SECRET, "us-east-1", "service",
	    "20150830T123600Z", &key, out, sizeof(out)), -1);

	req.nheaders = 2;
	q[0] = '\0';
	for (i = 0; i < SIGV4_MAX_QUERY; i++)
		strcat(q, i == 0 ? "a=1" : "&a=1");
	req.query = q;
	req.query_len = strlen(q);
	T_TRUE(sigv4_canonical_request(&req, out, sizeof(out)) > 0);
	strcat(q, "&b");
	req.query_len = strlen(q);
	T_EQ_INT(sigv4_canonical_request(&req, out, sizeof(out)), -1);
}
