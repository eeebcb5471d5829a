/* The credentials' keys: which source wins (the configuration's keys,
 * the environment's, the shared credentials file), AssumeRole's and the
 * IoT provider's keys, all-or-none, their defaults, and what -t prints
 * (no secret). */
#include <stdio.h>
#include <string.h>
#include "conf.h"
#include "t.h"

static char cc_err[4096];
static size_t cc_errlen;
static char cc_text[8192];

static void cc_line(void *arg, const char *s, size_t n)
{
	(void)arg;
	if (cc_errlen + n < sizeof cc_err) {
		memcpy(cc_err + cc_errlen, s, n);
		cc_errlen += n;
	}
	cc_err[cc_errlen] = 0;
}

static const struct conf_say cc_say = { cc_line, NULL };

/* Parses text as "kagent.conf" with the environment env (NULL-ended). */
static int cc_parse(struct conf *c, const char *text, const char *const *env)
{
	static const char *const none[] = { NULL };

	cc_err[0] = 0;
	cc_errlen = 0;
	snprintf(cc_text, sizeof cc_text, "%s", text);
	return conf_parse(c, cc_text, strlen(cc_text), "kagent.conf", env ? env : none, &cc_say);
}

/* What -t prints between "credentials =" and the top-level keys. */
static const char *cc_print(const struct conf *c)
{
	static char out[4096];
	char *a, *b;

	t_capture_begin();
	conf_print(c, 2);
	snprintf(out, sizeof out, "%s", t_capture_end());
	if (!(a = strstr(out, "credentials = ")) || !(b = strstr(a, "\nallowCleartext = ")))
		return "";
	b[1] = 0;
	return a;
}

#define FLOW1 "\"flows\": [{\"filePattern\": \"/var/log/a\", \"deliveryStream\": \"s\", \"awsRegion\": \"eu-west-1\"}]"
#define IOT "\"iot.credentialsEndpoint\": \"c2x.credentials.iot.eu-west-1.amazonaws.com\", " \
	    "\"iot.roleAlias\": \"kagent\", \"iot.thingName\": \"gw-0042\", \"iot.certFile\": \"/etc/kagent/cert.pem\", " \
	    "\"iot.keyFile\": \"/etc/kagent/key.pem\", "

T(conf_creds_file_and_profile)
{
	static const char *const env[] = { "AWS_SHARED_CREDENTIALS_FILE=/etc/aws/credentials", "AWS_PROFILE=gw", NULL };
	static const char *const envkeys[] = { "AWS_ACCESS_KEY_ID=AKIAENV", "AWS_SECRET_ACCESS_KEY=s",
		"AWS_SHARED_CREDENTIALS_FILE=/etc/aws/credentials", NULL };
	static const char *const relative[] = { "AWS_SHARED_CREDENTIALS_FILE=aws/credentials", NULL };
	struct conf c;

	T_EQ_INT(cc_parse(&c, "{\"awsCredentialsFile\": \"/etc/kagent/credentials\", " FLOW1 "}", NULL), 0);
	T_EQ_STR(cc_err, "");
	T_EQ_STR(cc_print(&c), "credentials = credentials file\nawsAccessKeyId = (none)\nawsSecretAccessKey = (none)\n"
	    "awsSessionToken = (none)\nawsCredentialsFile = /etc/kagent/credentials\nawsProfile = default\n");
	/* the environment's file and profile; the configuration's profile wins */
	T_EQ_INT(cc_parse(&c, "{" FLOW1 "}", env), 0);
	T_EQ_STR(c.creds_file, "/etc/aws/credentials");
	T_EQ_STR(c.profile, "gw");
	T_EQ_INT(cc_parse(&c, "{\"awsProfile\": \"other\", " FLOW1 "}", env), 0);
	T_EQ_STR(c.profile, "other");
	/* the configuration's keys, then the environment's, come first */
	T_EQ_INT(cc_parse(&c, "{\"awsAccessKeyId\": \"AKIAFILE\", \"awsSecretAccessKey\": \"s\",\n"
	    "\"awsCredentialsFile\": \"/etc/kagent/credentials\", " FLOW1 "}", NULL), 0);
	T_EQ_STR(cc_err, "kagent.conf:2: awsCredentialsFile: not used: the credentials are awsAccessKeyId's, "
	    "which come first\n");
	T_EQ_STR(c.creds_source, "file");
	T_EQ_INT(cc_parse(&c, "{" FLOW1 "}", envkeys), 0);
	T_EQ_STR(c.creds_source, "environment");
	T_EQ_STR(cc_err, "");
	T_EQ_INT(cc_parse(&c, "{" FLOW1 "}", relative), -1);
	T_EQ_STR(cc_err, "kagent.conf: AWS_SHARED_CREDENTIALS_FILE (environment): must be an absolute path\n");
	T_EQ_INT(cc_parse(&c, "{\"awsProfile\": \"gw\", " FLOW1 "}", NULL), -1);
	T_EQ_STR(cc_err, "kagent.conf:1: awsProfile: no credentials file to read it from (awsCredentialsFile, "
	    "AWS_SHARED_CREDENTIALS_FILE)\n");
}

T(conf_creds_assume_role)
{
	struct conf c;

	T_EQ_INT(cc_parse(&c, "{\"awsCredentialsFile\": \"/etc/kagent/credentials\", \"assumeRoleARN\": "
	    "\"arn:aws:iam::123456789012:role/kagent\", \"assumeRoleExternalId\": \"fleet-7\", " FLOW1 "}", NULL), 0);
	T_EQ_STR(cc_err, "");
	T_EQ_STR(cc_print(&c), "credentials = credentials file\nawsAccessKeyId = (none)\nawsSecretAccessKey = (none)\n"
	    "awsSessionToken = (none)\nawsCredentialsFile = /etc/kagent/credentials\nawsProfile = default\n"
	    "assumeRoleARN = arn:aws:iam::123456789012:role/kagent\nassumeRoleExternalId = ****\n"
	    "assumeRoleDurationSeconds = 3600\nsts.endpoint = https://sts.eu-west-1.amazonaws.com\n"
	    "sts.region = eu-west-1\n");
	/* a regional STS host names its region; the global one is us-east-1's */
	T_EQ_INT(cc_parse(&c, "{\"awsAccessKeyId\": \"AKIA1\", \"awsSecretAccessKey\": \"s\", \"assumeRoleARN\": "
	    "\"arn:aws:iam::123456789012:role/kagent\", \"sts.endpoint\": \"sts.ap-south-1.amazonaws.com\", "
	    "\"assumeRoleDurationSeconds\": 900, " FLOW1 "}", NULL), 0);
	T_EQ_STR(c.sts_region, "ap-south-1");
	T_EQ_INT(c.role_duration_s, 900);
	T_EQ_INT(cc_parse(&c, "{\"awsAccessKeyId\": \"AKIA1\", \"awsSecretAccessKey\": \"s\", \"assumeRoleARN\": "
	    "\"arn:aws:iam::123456789012:role/kagent\", \"sts.endpoint\": \"https://sts.amazonaws.com\", " FLOW1 "}",
	    NULL), 0);
	T_EQ_STR(c.sts_region, "us-east-1");
	/* the role's keys mean nothing without the role */
	T_EQ_INT(cc_parse(&c, "{\"awsAccessKeyId\": \"AKIA1\", \"awsSecretAccessKey\": \"s\",\n"
	    "\"assumeRoleExternalId\": \"fleet-7\", " FLOW1 "}", NULL), 0);
	T_EQ_STR(cc_err, "kagent.conf:2: assumeRoleExternalId: not used without assumeRoleARN, ignored\n");
	T_EQ_INT(cc_parse(&c, "{\"awsAccessKeyId\": \"AKIA1\", \"awsSecretAccessKey\": \"s\", \"assumeRoleARN\": "
	    "\"arn:aws:iam::123456789012:role/kagent\", \"assumeRoleDurationSeconds\": 600, " FLOW1 "}", NULL), -1);
	T_EQ_STR(cc_err, "kagent.conf:1: assumeRoleDurationSeconds: must be 900..43200, got 600\n");
}

T(conf_creds_iot)
{
	struct conf c;

	T_EQ_INT(cc_parse(&c, "{" IOT "\"caFile\": \"/etc/kagent/AmazonRootCA1.pem\", " FLOW1 "}", NULL), 0);
	T_EQ_STR(cc_err, "");
	T_EQ_STR(cc_print(&c), "credentials = iot\nawsAccessKeyId = (none)\nawsSecretAccessKey = (none)\n"
	    "awsSessionToken = (none)\niot.credentialsEndpoint = https://c2x.credentials.iot.eu-west-1.amazonaws.com\n"
	    "iot.roleAlias = kagent\niot.thingName = gw-0042\niot.certFile = /etc/kagent/cert.pem\n"
	    "iot.keyFile = /etc/kagent/key.pem\niot.caFile = /etc/kagent/AmazonRootCA1.pem\n");
	T_EQ_INT(cc_parse(&c, "{\n\"iot.roleAlias\": \"kagent\", \"iot.thingName\": \"gw-0042\", " FLOW1 "}", NULL), -1);
	T_EQ_STR(cc_err, "kagent.conf:2: iot.credentialsEndpoint: required with the other iot.* keys (the AWS IoT "
	    "credentials provider)\nkagent.conf:2: iot.certFile: required with the other iot.* keys (the AWS IoT "
	    "credentials provider)\nkagent.conf:2: iot.keyFile: required with the other iot.* keys (the AWS IoT "
	    "credentials provider)\n");
	T_EQ_INT(cc_parse(&c, "{\n\"iot.credentialsEndpoint\": \"http://127.0.0.1:8443\", \"iot.roleAlias\": \"k\", "
	    "\"iot.thingName\": \"t\", \"iot.certFile\": \"/c\", \"iot.keyFile\": \"/k\", " FLOW1 "}", NULL), -1);
	T_EQ_STR(cc_err, "kagent.conf:2: iot.credentialsEndpoint: must be https: the device's certificate is presented "
	    "over TLS\n");
	T_EQ_INT(cc_parse(&c, "{\n\"awsAccessKeyId\": \"AKIA1\", \"awsSecretAccessKey\": \"s\", " IOT FLOW1 "}", NULL), -1);
	T_EQ_STR(cc_err, "kagent.conf:2: awsAccessKeyId: given with the iot.* keys: the credentials are one or the "
	    "other\n");
	/* IoT's names: a role alias has no '/' */
	T_EQ_INT(cc_parse(&c, "{\"iot.credentialsEndpoint\": \"https://h\", \"iot.roleAlias\": \"a/b\", "
	    "\"iot.thingName\": \"t\", \"iot.certFile\": \"/c\", \"iot.keyFile\": \"/k\", " FLOW1 "}", NULL), -1);
	T_EQ_STR(cc_err, "kagent.conf:1: iot.roleAlias: must be 1..128 characters of [a-zA-Z0-9_=,@-]\n");
}
