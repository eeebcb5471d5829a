/* AWS STS AssumeRole (API 2011-06-15, Query protocol), sans-I/O: the
 * request's body, and its answer (XML, read by xml.c) as credentials or as
 * the error STS gave.  The signature and the connection are creds.c's. */
#ifndef STS_H
#define STS_H
#include <stddef.h>
#include "creds.h"

#define STS_SERVICE "sts"		/* SigV4's service */
#define STS_SESSION_NAME "AWSKinesisAgent"	/* the Java agent's RoleSessionName */
#define STS_CONTENT_TYPE "application/x-www-form-urlencoded; charset=utf-8"

/* The form body: Action=AssumeRole&Version=2011-06-15&RoleArn=...&
 * RoleSessionName=AWSKinesisAgent&DurationSeconds=...[&ExternalId=...],
 * values percent-encoded.  Returns its length, or 0 if it does not fit in
 * cap (with its NUL). */
size_t sts_body(char *out, size_t cap, const char *role_arn, const char *external_id, long duration_s);
/* Bytes sts_body needs at most for these values. */
size_t sts_body_max(const char *role_arn, const char *external_id);
/* An answer (HTTP status, body of len bytes).  Returns 0 with the
 * credentials in *out; else -1 with code and msg: STS's error (code
 * "AccessDenied", "ExpiredToken"...; msg its Message), "HTTP <status>"
 * for an answer that is not STS's, or "malformed answer" and what is
 * wrong.  Nothing of a secret is ever put in code or msg; *out is wiped
 * on failure. */
int sts_answer(int status, const char *body, size_t len, struct creds_set *out, char *code, size_t codecap,
	       char *msg, size_t msgcap);
#endif
