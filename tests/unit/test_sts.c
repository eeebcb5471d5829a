/* AssumeRole: the request's body byte for byte; the answers of
 * tests/data/sts (the real shapes, see its README) read exactly; the names
 * kagent writes and reads are the model's; a bad answer is refused without
 * a byte of a secret in what is said. */
#include <stdlib.h>
#include <string.h>
#include "civil.h"
#include "json.h"
#include "sts.h"
#include "t.h"

static struct creds_set st_out;
static char st_code[96], st_msg[256], st_doc[16384];

static int st_file(int status, const char *name)
{
	char path[128];
	long n;

	snprintf(path, sizeof path, "tests/data/sts/%s", name);
	n = t_readfile(path, st_doc, sizeof st_doc);
	if (n < 0)
		return -99;
	return sts_answer(status, st_doc, (size_t)n, &st_out, st_code, sizeof st_code, st_msg, sizeof st_msg);
}

static int st_text(int status, const char *doc)
{
	return sts_answer(status, doc, strlen(doc), &st_out, st_code, sizeof st_code, st_msg, sizeof st_msg);
}

T(sts_body_bytes)
{
	char out[512];
	size_t n = sts_body(out, sizeof out, "arn:aws:iam::123456789012:role/kagent-writer", "a+b=c,d.e@f:g/h-i_j",
			    3600);
	const char *want = "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2F"
			   "kagent-writer&RoleSessionName=AWSKinesisAgent&DurationSeconds=3600&ExternalId=a%2Bb%3Dc%2Cd.e"
			   "%40f%3Ag%2Fh-i_j";

	T_EQ_STR(out, want);
	T_EQ_INT(n, strlen(want));
	T_TRUE(sts_body_max("arn:aws:iam::123456789012:role/kagent-writer", "a+b=c,d.e@f:g/h-i_j") > n);
	n = sts_body(out, sizeof out, "arn:aws:iam::1:role/r", NULL, 900);
	T_EQ_STR(out, "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A1%3Arole%2Fr"
		      "&RoleSessionName=AWSKinesisAgent&DurationSeconds=900");
	/* one byte short: nothing */
	T_EQ_INT(sts_body(out, n, "arn:aws:iam::1:role/r", NULL, 900), 0);
	T_EQ_INT(sts_body(out, n + 1, "arn:aws:iam::1:role/r", NULL, 900), n);
}

T(sts_answer_real_shape)
{
	T_EQ_INT(st_file(200, "assume-role.xml"), 0);
	T_EQ_STR(st_out.id, "ASIAIOSFODNN7EXAMPLE");
	T_EQ_STR(st_out.secret, "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY");
	T_EQ_INT(strlen(st_out.token), 369);
	T_TRUE(!strncmp(st_out.token, "IQoJb3JpZ2luX2VjEPT//", 21));
	T_EQ_INT(st_out.expires, civil_days(2026, 11, 23) * 86400 + 11 * 3600);
	T_EQ_STR(st_code, "");
	/* the API reference's layout: white space around values, a fraction */
	T_EQ_INT(st_file(200, "assume-role-docs.xml"), 0);
	T_EQ_STR(st_out.id, "AKIAIOSFODNN7EXAMPLE");
	T_EQ_STR(st_out.secret, "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY");
	T_EQ_INT(st_out.expires, civil_days(2011, 7, 15) * 86400 + 23 * 3600 + 28 * 60 + 33);
}

T(sts_answer_errors)
{
	T_EQ_INT(st_file(403, "error-access-denied.xml"), -1);
	T_EQ_STR(st_code, "AccessDenied");
	T_EQ_STR(st_msg, "User: arn:aws:iam::123456789012:user/gw-0042 is not authorized to perform: sts:AssumeRole "
			 "on resource: arn:aws:iam::123456789012:role/kagent-writer");
	T_EQ_INT(st_file(400, "error-expired-token.xml"), -1);
	T_EQ_STR(st_code, "ExpiredToken");
	T_EQ_STR(st_msg, "The security token included in the request is expired");
	/* not STS's answer: its status, and nothing of its body */
	T_EQ_INT(st_text(502, "<html><body>Bad Gateway</body></html>"), -1);
	T_EQ_STR(st_code, "HTTP 502");
	T_EQ_STR(st_msg, "");
	T_EQ_INT(st_text(503, "Slow down"), -1);
	T_EQ_STR(st_code, "HTTP 503");
}

/* An answer of 200 that cannot be used: what is wrong, no value of it. */
T(sts_answer_malformed)
{
	static const struct { const char *doc, *msg; } bad[] = {
		{ "<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>ASIA1</AccessKeyId>"
		  "<SecretAccessKey>s</SecretAccessKey><Expiration>2026-01-01T00:00:00Z</Expiration>"
		  "</Credentials></AssumeRoleResult></AssumeRoleResponse>", "no <SessionToken>" },
		{ "<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>ASIA1</AccessKeyId>"
		  "<AccessKeyId>ASIA2</AccessKeyId><SecretAccessKey>s</SecretAccessKey><SessionToken>t</SessionToken>"
		  "<Expiration>2026-01-01T00:00:00Z</Expiration></Credentials></AssumeRoleResult></AssumeRoleResponse>",
		  "<AccessKeyId> more than once" },
		{ "<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>ASIA1</AccessKeyId>"
		  "<SecretAccessKey>the secret</SecretAccessKey><SessionToken>t</SessionToken>"
		  "<Expiration>2026-01-01T00:00:00Z</Expiration></Credentials></AssumeRoleResult></AssumeRoleResponse>",
		  "<SecretAccessKey> is not a usable value" },
		{ "<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>ASIA1</AccessKeyId>"
		  "<SecretAccessKey>s</SecretAccessKey><SessionToken>t</SessionToken>"
		  "<Expiration>tomorrow</Expiration></Credentials></AssumeRoleResult></AssumeRoleResponse>",
		  "<Expiration> is not a time" },
		{ "<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>ASIA1</AccessKeyId>"
		  "<SecretAccessKey>s</SecretAccessKey><SessionToken>t</SessionToken>"
		  "<Expiration>2026-01-01T00:00:00Z</Expiration></Credentials></AssumeRoleResult>", "unterminated element" },
		{ "{\"Credentials\":{}}", "text outside the root element" },
	};

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		T_EQ_INT(st_text(200, bad[i].doc), -1);
		T_EQ_STR(st_code, "malformed answer");
		T_EQ_STR(st_msg, bad[i].msg);
		T_EQ_STR(st_out.id, "");	/* nothing of it kept */
		T_EQ_STR(st_out.secret, "");
	}
}

/* A token longer than kagent keeps: refused, not cut. */
T(sts_answer_token_too_long)
{
	static char doc[CREDS_TOKEN_MAX + 512];
	char *p = doc + sprintf(doc, "<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>ASIA1"
				"</AccessKeyId><SecretAccessKey>s</SecretAccessKey><SessionToken>");

	memset(p, 'T', CREDS_TOKEN_MAX + 1);
	strcpy(p + CREDS_TOKEN_MAX + 1, "</SessionToken><Expiration>2026-01-01T00:00:00Z</Expiration></Credentials>"
					"</AssumeRoleResult></AssumeRoleResponse>");
	T_EQ_INT(st_text(200, doc), -1);
	T_EQ_STR(st_msg, "<SessionToken> is not a usable value");
	strcpy(p + CREDS_TOKEN_MAX, "</SessionToken><Expiration>2026-01-01T00:00:00Z</Expiration></Credentials>"
				    "</AssumeRoleResult></AssumeRoleResponse>");
	T_EQ_INT(st_text(200, doc), 0);
	T_EQ_INT(strlen(st_out.token), CREDS_TOKEN_MAX);
}

/* The request's parameters and the answer's elements are the model's
 * (tests/data/sts/sts-assume-role-model.json). */
T(sts_names_are_the_models)
{
	static char js[8192];
	static jsmntok_t t[1024];
	static const char *const req[] = { "RoleArn", "RoleSessionName", "DurationSeconds", "ExternalId" };
	static const char *const cred[] = { "AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration" };
	jsmn_parser p;
	long n = t_readfile("tests/data/sts/sts-assume-role-model.json", js, sizeof js);
	int shapes, s, m, op;

	T_TRUE(n > 0);
	jsmn_init(&p);
	T_TRUE(jsmn_parse(&p, js, (size_t)n, t, 1024) > 0);
	T_TRUE((op = json_get(js, t, 0, "operations")) > 0 && (op = json_get(js, t, op, "AssumeRole")) > 0);
	T_TRUE((s = json_get(js, t, op, "output")) > 0 && (s = json_get(js, t, s, "resultWrapper")) > 0);
	T_TRUE(json_eq(js, &t[s], "AssumeRoleResult"));
	T_TRUE((s = json_get(js, t, op, "http")) > 0 && (s = json_get(js, t, s, "method")) > 0 && json_eq(js, &t[s], "POST"));
	T_TRUE((s = json_get(js, t, 0, "metadata")) > 0 && (m = json_get(js, t, s, "protocol")) > 0);
	T_TRUE(json_eq(js, &t[m], "query"));
	T_TRUE((m = json_get(js, t, s, "apiVersion")) > 0 && json_eq(js, &t[m], "2011-06-15"));
	T_TRUE((m = json_get(js, t, s, "endpointPrefix")) > 0 && json_eq(js, &t[m], STS_SERVICE));
	T_TRUE((shapes = json_get(js, t, 0, "shapes")) > 0);
	T_TRUE((s = json_get(js, t, shapes, "AssumeRoleRequest")) > 0 && (m = json_get(js, t, s, "members")) > 0);
	for (size_t i = 0; i < 4; i++)
		T_TRUE(json_get(js, t, m, req[i]) > 0);
	T_TRUE((s = json_get(js, t, shapes, "Credentials")) > 0 && (m = json_get(js, t, s, "members")) > 0);
	for (size_t i = 0; i < 4; i++)
		T_TRUE(json_get(js, t, m, cred[i]) > 0);
	T_TRUE((s = json_get(js, t, shapes, "AssumeRoleResponse")) > 0 && (m = json_get(js, t, s, "members")) > 0);
	T_TRUE(json_get(js, t, m, "Credentials") > 0);
	/* the session name and the duration's range are within the model's */
	T_TRUE((s = json_get(js, t, shapes, "roleSessionNameType")) > 0 && (m = json_get(js, t, s, "max")) > 0);
	T_TRUE(strlen(STS_SESSION_NAME) <= (size_t)atoi(js + t[m].start));
	T_TRUE((s = json_get(js, t, shapes, "roleDurationSecondsType")) > 0);
	T_EQ_INT(atoi(js + t[json_get(js, t, s, "min")].start), 900);
	T_EQ_INT(atoi(js + t[json_get(js, t, s, "max")].start), 43200);
}
