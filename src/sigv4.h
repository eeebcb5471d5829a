/* AWS Signature Version 4 (header signing), sans-I/O: strings in, strings out.
 * SHA-256 and HMAC come from BearSSL. */
#ifndef SIGV4_H
#define SIGV4_H
#include <stddef.h>
#include <time.h>

struct sigv4_header {
	const char *name;
	size_t name_len;
	const char *value;
	size_t value_len;
};

/* Fixed bounds (no allocation): more headers or query parameters than these
 * make the signer return -1. */
#define SIGV4_MAX_HEADERS	32
#define SIGV4_MAX_QUERY		64

/* What is signed.  headers holds every header to sign, in request order (a
 * name may repeat; values are trimmed and folded by the signer). */
struct sigv4_req {
	const char *method;
	const char *path;		/* as sent on the wire, before encoding */
	size_t path_len;
	const char *query;		/* without '?'; may be empty */
	size_t query_len;
	const struct sigv4_header *headers;
	size_t nheaders;
	const char *payload_hash;	/* 64 lowercase hex digits */
	int normalize;			/* remove dot segments, collapse '//' (every service but S3) */
};

/* The derived signing key, reused while secret, date, region and service
 * match.  secret_tag (a truncated SHA-256 of the secret) notices rotated
 * temporary credentials, which keep date, region and service. */
struct sigv4_key {
	char date[9];
	char region[32];
	char service[32];
	unsigned char secret_tag[16];
	unsigned char key[32];
};

/* "20150830T123600Z" for t (UTC) into out[17]. */
void sigv4_amz_date(time_t t, char out[17]);
/* SHA-256 of data as 64 hex digits + NUL. */
void sigv4_sha256_hex(const void *data, size_t n, char out[65]);

/* Every output below is NUL-terminated: cap must hold the length + 1. */
/* The canonical request into out; returns its length, or -1 if cap is too
 * small or req has more than SIGV4_MAX_HEADERS headers or SIGV4_MAX_QUERY
 * query parameters. */
int sigv4_canonical_request(const struct sigv4_req *req, char *out, size_t cap);
/* The string to sign for a canonical request; returns length or -1. */
int sigv4_string_to_sign(const char *amz_date, const char *region, const char *service,
			 const char *creq, size_t creq_len, char *out, size_t cap);
/* Fills key for (secret, date of amz_date, region, service), unless it already holds it. */
void sigv4_signing_key(struct sigv4_key *key, const char *secret, const char *amz_date,
		       const char *region, const char *service);
/* The whole Authorization header value ("AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...")
 * into out; returns its length or -1.  key is a cache the caller keeps (zero it first). */
int sigv4_authorization(const struct sigv4_req *req, const char *access_key, const char *secret,
			const char *region, const char *service, const char *amz_date,
			struct sigv4_key *key, char *out, size_t cap);

/* A signed "POST /" (what every AWS query and JSON API takes). */
struct sigv4_post {
	const char *host;		/* the Host header's value */
	const char *content_type;
	const char *target;		/* X-Amz-Target, or NULL for none */
	const char *amz_date;		/* sigv4_amz_date's */
	const char *payload_hash;	/* the body's, 64 lowercase hex digits */
	size_t body_len;
	const char *id, *secret;
	const char *token;		/* "" for none */
	const char *region, *service;
	struct sigv4_key *key;		/* as sigv4_authorization's */
};
/* The request's head into out: the request line, Host, Content-Type,
 * Content-Length, X-Amz-Target, X-Amz-Date, X-Amz-Security-Token,
 * Authorization and User-Agent, then the empty line.  Returns its length,
 * or -1 when it does not fit in cap bytes (or the signer failed). */
int sigv4_post_head(const struct sigv4_post *p, char *out, size_t cap);
#endif
