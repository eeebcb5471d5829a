/* AssumeRole's request body and answer: see sts.h.  The XML names are the
 * model's (sts-service-2.json): the answer is <AssumeRoleResponse> holding
 * <AssumeRoleResult> (the operation's resultWrapper) holding the
 * AssumeRoleResponse shape, whose Credentials are AccessKeyId,
 * SecretAccessKey, SessionToken, Expiration; an error is
 * <ErrorResponse><Error><Type/><Code/><Message/></Error>. */
#include <stdio.h>
#include "civil.h"
#include "fmt.h"
#include "hex.h"
#include "sts.h"
#include "xml.h"

#define CRED "AssumeRoleResponse/AssumeRoleResult/Credentials/"

/* Appends "&name=" and value percent-encoded (RFC 3986: only unreserved
 * bytes as they are), as far as it fits. */
static void param(char *out, size_t cap, size_t *len, const char *name, const char *value)
{
	size_t n = *len;

	n += (size_t)fmt_snprintf(n < cap ? out + n : NULL, n < cap ? cap - n : 0, "%s%s=", n ? "&" : "", name);
	for (const unsigned char *p = (const unsigned char *)value; *p; p++) {
		int plain = (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
			    *p == '-' || *p == '.' || *p == '_' || *p == '~';
		if (n + 3 < cap) {
			if (plain) {
				out[n] = (char)*p;
			} else {
				out[n] = '%';
				out[n + 1] = hex_upper[*p >> 4];
				out[n + 2] = hex_upper[*p & 15];
			}
		}
		n += plain ? 1 : 3;
	}
	*len = n;
}

size_t sts_body_max(const char *role_arn, const char *external_id)
{
	/* the fixed parts, and each value's bytes three times over at the most */
	return 160 + 3 * strlen(role_arn) + (external_id ? 3 * strlen(external_id) : 0);
}

size_t sts_body(char *out, size_t cap, const char *role_arn, const char *external_id, long duration_s)
{
	char d[24];
	size_t n = 0;

	fmt_snprintf(d, sizeof d, "%ld", duration_s);
	param(out, cap, &n, "Action", "AssumeRole");
	param(out, cap, &n, "Version", "2011-06-15");
	param(out, cap, &n, "RoleArn", role_arn);
	param(out, cap, &n, "RoleSessionName", STS_SESSION_NAME);
	param(out, cap, &n, "DurationSeconds", d);
	if (external_id)
		param(out, cap, &n, "ExternalId", external_id);
	if (n >= cap)
		return 0;
	out[n] = 0;
	return n;
}

/* The error STS gave, or what the answer is when it is not one. */
static int refused(int status, const char *body, size_t len, char *code, size_t codecap, char *msg, size_t msgcap)
{
	struct xml_want w[2] = {
		{ .path = "ErrorResponse/Error/Code", .out = code, .cap = codecap },
		{ .path = "ErrorResponse/Error/Message", .out = msg, .cap = msgcap },
	};
	const char *why;
	size_t at;

	if (xml_extract(body, len, w, 2, &why, &at) < 0 || w[0].found != 1 || !code[0]) {
		/* not STS's answer (a proxy's page, a load balancer's): its status */
		fmt_snprintf(code, codecap, "HTTP %d", status);
		msg[0] = 0;
	}
	return -1;
}

int sts_answer(int status, const char *body, size_t len, struct creds_set *out, char *code, size_t codecap,
	       char *msg, size_t msgcap)
{
	static const char *const names[] = { "AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration" };
	char expiration[64];
	struct xml_want w[4] = {
		{ .path = CRED "AccessKeyId", .out = out->id, .cap = sizeof out->id },
		{ .path = CRED "SecretAccessKey", .out = out->secret, .cap = sizeof out->secret },
		{ .path = CRED "SessionToken", .out = out->token, .cap = sizeof out->token },
		{ .path = CRED "Expiration", .out = expiration, .cap = sizeof expiration },
	};
	const char *why;
	size_t at;
	int r = -1;

	code[0] = msg[0] = 0;
	creds_wipe(out, sizeof *out);
	if (status != 200)
		return refused(status, body, len, code, codecap, msg, msgcap);
	if (xml_extract(body, len, w, 4, &why, &at) < 0) {
		r = creds_malformed(code, codecap, msg, msgcap, "%s", why);
		goto done;
	}
	for (size_t i = 0; i < 4; i++) {
		if (w[i].found != 1) {
			r = creds_malformed(code, codecap, msg, msgcap, w[i].found ? "<%s> more than once" : "no <%s>",
				      names[i]);
			goto done;
		}
		if (w[i].truncated || !creds_value_ok(w[i].out, w[i].len, w[i].cap - 1)) {
			r = creds_malformed(code, codecap, msg, msgcap, "<%s> is not a usable value", names[i]);
			goto done;
		}
	}
	if (civil_iso8601(expiration, w[3].len, &out->expires) < 0) {
		r = creds_malformed(code, codecap, msg, msgcap, "<%s> is not a time", "Expiration");
		goto done;
	}
	r = 0;
done:
	if (r < 0)
		creds_wipe(out, sizeof *out);
	return r;
}
