/* The configuration reader: every key, every default, every error message,
 * byte for byte.  Each case parses a text with a given environment (AWS_*
 * and the proxy variables: nothing of the test's own), collects what the
 * reader says into conf_t_err and compares it whole; messages name the
 * text "kagent.conf".  The cases that read files (conf_read, configDir)
 * write them into a fresh directory under /tmp and take its prefix out of
 * the messages. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "arena.h"
#include "ckpt.h"
#include "conf.h"
#include "kinesis.h"
#include "proc.h"
#include "t.h"

static char conf_t_err[16384];	/* what the reader said */
static size_t conf_t_errlen;
static char conf_t_dir[64];	/* the current case's directory */
static char conf_t_text[2 * 1024 * 1024];	/* a writable copy of the text: comments get blanked */

static void conf_t_line(void *arg, const char *s, size_t n)
{
	(void)arg;
	if (conf_t_errlen + n < sizeof conf_t_err) {
		memcpy(conf_t_err + conf_t_errlen, s, n);
		conf_t_errlen += n;
	}
	conf_t_err[conf_t_errlen] = 0;
}

static const struct conf_say conf_t_say = { conf_t_line, NULL };

static void conf_t_clear(void)
{
	conf_t_err[0] = 0;
	conf_t_errlen = 0;
}

/* Removes every "<dir>/" from s. */
static void conf_t_strip_dir(char *s, const char *dir)
{
	char pre[80], *p;
	size_t n;

	snprintf(pre, sizeof pre, "%s/", dir);
	n = strlen(pre);
	while ((p = strstr(s, pre)))
		memmove(p, p + n, strlen(p + n) + 1);
}

static int conf_t_write(const char *path, const char *text, size_t n)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	size_t off = 0;
	ssize_t w;

	if (fd < 0)
		return -1;
	while (off < n) {
		if ((w = write(fd, text + off, n - off)) <= 0) {
			close(fd);
			return -1;
		}
		off += (size_t)w;
	}
	return close(fd);
}

/* conf_read(c, path) with no environment, its messages in conf_t_err
 * without conf_t_dir's prefix. */
static int conf_t_read(struct conf *c, const char *path)
{
	int rc;

	conf_t_clear();
	rc = conf_read(c, path, NULL, &conf_t_say);
	conf_t_strip_dir(conf_t_err, conf_t_dir);
	return rc;
}

/* Parses n bytes of text as "kagent.conf" with the environment env ("NAME=value"
 * strings, NULL-terminated; NULL: empty).  Returns conf_parse's result, or
 * -100 if the test itself could not set up. */
static int conf_t_parse_env(struct conf *c, const char *text, size_t n, const char *const *env)
{
	conf_t_clear();
	if (arena_sealed() || n > sizeof conf_t_text)
		return -100;	/* the reader would exit: say so instead */
	memcpy(conf_t_text, text, n);
	return conf_parse(c, conf_t_text, n, "kagent.conf", env, &conf_t_say);
}

/* The same with AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and
 * AWS_SESSION_TOKEN set to these (NULL: unset). */
static int conf_t_load_env(struct conf *c, const char *text, size_t n, const char *id,
    const char *secret, const char *token)
{
	static const char *const names[3] = { "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN" };
	const char *vals[3] = { id, secret, token }, *env[4];
	char vars[3][300];
	size_t i, k = 0;

	for (i = 0; i < 3; i++)
		if (vals[i]) {
			snprintf(vars[k], sizeof vars[k], "%s=%s", names[i], vals[i]);
			env[k] = vars[k];
			k++;
		}
	env[k] = NULL;
	return conf_t_parse_env(c, text, n, env);
}

static int conf_t_load(struct conf *c, const char *text)
{
	return conf_t_load_env(c, text, strlen(text), NULL, NULL, NULL);
}

/* The smallest valid flow, for cases about something else. */
#define FLOW "{\"filePattern\": \"/var/log/app.log\", \"deliveryStream\": \"s\"}"
#define FLOWS "\"flows\": [" FLOW "]"

struct conf_t_case {
	const char *text;
	const char *want;	/* stderr, exactly */
};

/* Every case must fail with exactly its message; all failures are listed. */
static void conf_t_errors(const char *file, int line, const struct conf_t_case *cases, size_t n)
{
	struct conf c;
	size_t i;
	int rc;

	for (i = 0; i < n; i++) {
		rc = conf_t_load(&c, cases[i].text);
		if (rc != -1 || strcmp(conf_t_err, cases[i].want) != 0)
			t_fail(file, line, "case %zu: conf_load returned %d\n  got      \"%s\"\n  expected \"%s\"",
			    i, rc, conf_t_err, cases[i].want);
	}
}
#define CONF_T_ERRORS(cases) conf_t_errors(__FILE__, __LINE__, cases, sizeof cases / sizeof cases[0])

T(conf_full_file)
{
	struct conf c;
	const char *text =
	    "{\n"
	    "  \"awsAccessKeyId\": \"AKIDEXAMPLE\",\n"
	    "  \"awsSecretAccessKey\": \"wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY\",\n"
	    "  \"awsSessionToken\": \"FwoGZXIvYXdzEXAMPLE\",\n"
	    "  \"awsRegion\": \"eu-west-1\",\n"
	    "  \"firehose.endpoint\": \"https://firehose.eu-west-1.amazonaws.com:8443/\",\n"
	    "  \"checkpointFile\": \"/data/kagent/ckpt\",\n"
	    "  \"caFile\": \"/etc/kagent/ca.pem\",\n"
	    "  \"checkpointIntervalMillis\": 5000,\n"
	    "  \"flows\": [\n"
	    "    {\n"
	    "      \"filePattern\": \"/var/log/app/*.log\",\n"
	    "      \"deliveryStream\": \"app-logs_1.x\",\n"
	    "      \"initialPosition\": \"START_OF_FILE\",\n"
	    "      \"maxBufferAgeMillis\": 1000,\n"
	    "      \"maxBufferSizeRecords\": 1,\n"
	    "      \"maxBufferSizeBytes\": 1,\n"
	    "      \"retryInitialBackoffMillis\": 250,\n"
	    "      \"retryMaxBackoffMillis\": 250,\n"
	    "      \"ringSizeBytes\": 67108864\n"
	    "    },\n"
	    "    {\n"
	    "      \"filePattern\": \"/var/log/messages\",\n"
	    "      \"deliveryStream\": \"syslog\",\n"
	    "      \"initialPosition\": \"END_OF_FILE\",\n"
	    "      \"maxBufferAgeMillis\": 900000,\n"
	    "      \"maxBufferSizeRecords\": 500,\n"
	    "      \"maxBufferSizeBytes\": 4194304,\n"
	    "      \"retryInitialBackoffMillis\": 1,\n"
	    "      \"retryMaxBackoffMillis\": 3600000,\n"
	    "      \"ringSizeBytes\": 1040384\n"
	    "    }\n"
	    "  ]\n"
	    "}\n";

	T_EQ_INT(conf_t_load_env(&c, text, strlen(text), "AKIAENV", "envsecret", "envtoken"), 0);
	T_EQ_STR(conf_t_err, "");
	T_EQ_STR(c.path, "kagent.conf");
	T_EQ_STR(c.access_key_id, "AKIDEXAMPLE");
	T_EQ_STR(c.secret_access_key, "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
	T_EQ_STR(c.session_token, "FwoGZXIvYXdzEXAMPLE");
	T_EQ_STR(c.creds_source, "file");
	T_EQ_STR(c.region, "eu-west-1");
	T_EQ_INT(c.firehose.tls, 1);
	T_EQ_STR(c.firehose.host, "firehose.eu-west-1.amazonaws.com");
	T_EQ_INT(c.firehose.port, 8443);
	T_EQ_STR(c.checkpoint_file, "/data/kagent/ckpt");
	T_EQ_STR(c.ca_file, "/etc/kagent/ca.pem");
	T_EQ_INT(c.checkpoint_interval_ms, 5000);
	T_EQ_INT(c.nflows, 2);

	T_EQ_STR(c.flows[0].file_pattern, "/var/log/app/*.log");
	T_EQ_INT(c.flows[0].api, API_FIREHOSE);
	T_EQ_STR(c.flows[0].stream, "app-logs_1.x");
	T_EQ_INT(c.flows[0].initial_position, POS_START_OF_FILE);
	T_EQ_INT(c.flows[0].max_buffer_age_ms, 1000);
	T_EQ_INT(c.flows[0].max_buffer_records, 1);
	T_EQ_INT(c.flows[0].max_buffer_bytes, 1);
	T_EQ_INT(c.flows[0].retry_initial_backoff_ms, 250);
	T_EQ_INT(c.flows[0].retry_max_backoff_ms, 250);
	T_EQ_INT(c.flows[0].ring_bytes, 64 * 1024 * 1024);
	T_EQ_INT(c.flows[0].line, 11);

	T_EQ_STR(c.flows[1].file_pattern, "/var/log/messages");
	T_EQ_INT(c.flows[1].api, API_FIREHOSE);
	T_EQ_STR(c.flows[1].stream, "syslog");
	T_EQ_INT(c.flows[1].initial_position, POS_END_OF_FILE);
	T_EQ_INT(c.flows[1].max_buffer_age_ms, 900000);
	T_EQ_INT(c.flows[1].max_buffer_records, 500);
	T_EQ_INT(c.flows[1].max_buffer_bytes, 4194304);
	T_EQ_INT(c.flows[1].retry_initial_backoff_ms, 1);
	T_EQ_INT(c.flows[1].retry_max_backoff_ms, 3600000);
	T_EQ_INT(c.flows[1].ring_bytes, FIREHOSE_MAX_RECORD_BYTES + 16384);
	T_EQ_INT(c.flows[1].line, 22);
}

T(conf_defaults)
{
	struct conf c;

	T_EQ_INT(conf_t_load(&c, "{\n \"flows\": [\n  {\"filePattern\": \"/a\", \"deliveryStream\": \"b\"}\n ]\n}\n"), 0);
	T_EQ_STR(conf_t_err, "");
	T_TRUE(c.access_key_id == NULL);
	T_TRUE(c.secret_access_key == NULL);
	T_TRUE(c.session_token == NULL);
	T_EQ_STR(c.creds_source, "none");
	T_EQ_STR(c.region, "us-east-1");
	T_EQ_INT(c.firehose.tls, 1);
	T_EQ_STR(c.firehose.host, "firehose.us-east-1.amazonaws.com");
	T_EQ_INT(c.firehose.port, 443);
	T_EQ_INT(c.kinesis.tls, 1);
	T_EQ_STR(c.kinesis.host, "kinesis.us-east-1.amazonaws.com");
	T_EQ_INT(c.kinesis.port, 443);
	T_EQ_STR(c.proxy.host, "");
	T_EQ_STR(c.proxy_auth, "");
	T_TRUE(c.no_proxy == NULL);
	T_EQ_STR(c.resolv_conf, "/etc/resolv.conf");
	T_EQ_INT(c.connect_timeout_ms, 10000);
	T_EQ_INT(c.socket_timeout_ms, 30000);
	T_EQ_INT(c.idle_timeout_ms, 50000);
	T_EQ_INT(c.shutdown_timeout_ms, 5000);
	T_EQ_INT(c.send_failure_timeout_ms, 0);
	T_EQ_STR(c.checkpoint_file, "/var/lib/kagent/checkpoints");
	T_EQ_STR(c.ca_file, "/etc/ssl/certs/ca-certificates.crt");
	T_EQ_INT(c.checkpoint_interval_ms, 1000);
	T_EQ_INT(c.nflows, 1);
	T_EQ_STR(c.flows[0].file_pattern, "/a");
	T_EQ_INT(c.flows[0].api, API_FIREHOSE);
	T_EQ_STR(c.flows[0].stream, "b");
	T_TRUE(c.flows[0].key_arg == NULL);
	T_EQ_INT(c.flows[0].aggregate_bytes, 0);
	T_EQ_INT(c.flows[0].initial_position, POS_END_OF_FILE);
	T_EQ_INT(c.flows[0].max_buffer_age_ms, 60000);
	T_EQ_INT(c.flows[0].max_buffer_records, 500);
	T_EQ_INT(c.flows[0].max_buffer_bytes, 4194304);
	T_EQ_INT(c.flows[0].retry_initial_backoff_ms, 100);
	T_EQ_INT(c.flows[0].retry_max_backoff_ms, 10000);
	T_EQ_INT(c.flows[0].ring_bytes, 1048576);
	T_EQ_INT(c.flows[0].line, 3);
}

T(conf_region_and_endpoint)
{
	static const struct {
		const char *json;	/* the top-level keys before flows */
		const char *region, *host;
		int tls;
		unsigned port;
	} cases[] = {
		{ "\"firehose.endpoint\": \"https://firehose.ap-southeast-2.amazonaws.com\",",
		  "ap-southeast-2", "firehose.ap-southeast-2.amazonaws.com", 1, 443 },
		{ "\"firehose.endpoint\": \"firehose.cn-north-1.amazonaws.com.cn\",",
		  "cn-north-1", "firehose.cn-north-1.amazonaws.com.cn", 1, 443 },
		{ "\"firehose.endpoint\": \"firehose-fips.us-gov-west-1.amazonaws.com\",",
		  "us-gov-west-1", "firehose-fips.us-gov-west-1.amazonaws.com", 1, 443 },
		{ "\"awsRegion\": \"cn-northwest-1\",",
		  "cn-northwest-1", "firehose.cn-northwest-1.amazonaws.com.cn", 1, 443 },
		{ "\"awsRegion\": \"eu-central-1\",",
		  "eu-central-1", "firehose.eu-central-1.amazonaws.com", 1, 443 },
		/* Not an AWS host: awsRegion, else us-east-1. */
		{ "\"awsRegion\": \"eu-north-1\", \"firehose.endpoint\": \"http://127.0.0.1:8080\",",
		  "eu-north-1", "127.0.0.1", 0, 8080 },
		{ "\"firehose.endpoint\": \"localhost:4443\",", "us-east-1", "localhost", 1, 4443 },
		{ "\"firehose.endpoint\": \"example.com\",", "us-east-1", "example.com", 1, 443 },
		{ "\"firehose.endpoint\": \"example.com/\",", "us-east-1", "example.com", 1, 443 },
		{ "\"firehose.endpoint\": \"http://example.com\", \"allowCleartext\": true,", "us-east-1", "example.com", 0, 80 },
		{ "\"firehose.endpoint\": \"https://[::1]:8443/\",", "us-east-1", "::1", 1, 8443 },
		{ "\"allowCleartext\": true, \"firehose.endpoint\": \"http://[fe80::1:2]\",", "us-east-1", "fe80::1:2", 0, 80 },
		{ "\"firehose.endpoint\": \"https://my_host.local:65535\",", "us-east-1", "my_host.local", 1, 65535 },
		{ "\"firehose.endpoint\": \"https://h:1\",", "us-east-1", "h", 1, 1 },
		/* The Java agent's stock agent.json: "" is the default. */
		{ "\"firehose.endpoint\": \"\",", "us-east-1", "firehose.us-east-1.amazonaws.com", 1, 443 },
		{ "\"firehose.endpoint\": \"\", \"awsRegion\": \"eu-west-2\",", "eu-west-2", "firehose.eu-west-2.amazonaws.com", 1, 443 },
		/* Looks like AWS but the middle is no region name: not derived. */
		{ "\"firehose.endpoint\": \"firehose.US.amazonaws.com\",", "us-east-1", "firehose.US.amazonaws.com", 1, 443 },
	};
	char text[512];
	struct conf c;
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		snprintf(text, sizeof text, "{%s " FLOWS "}", cases[i].json);
		if (conf_t_load(&c, text) != 0 || conf_t_err[0] || strcmp(c.region, cases[i].region) ||
		    strcmp(c.firehose.host, cases[i].host) || c.firehose.tls != cases[i].tls ||
		    c.firehose.port != cases[i].port)
			t_fail(__FILE__, __LINE__, "case %zu: err \"%s\" region %s host %s tls %d port %u",
			    i, conf_t_err, c.region ? c.region : "(null)", c.firehose.host, c.firehose.tls,
			    c.firehose.port);
	}
}

T(conf_credentials_env)
{
	struct conf c;
	const char *none = "{" FLOWS "}";
	const char *file = "{\"awsAccessKeyId\": \"AKIAFILE\", \"awsSecretAccessKey\": \"filesecret\", " FLOWS "}";

	T_EQ_INT(conf_t_load_env(&c, none, strlen(none), "AKIAENV", "envsecret", NULL), 0);
	T_EQ_STR(conf_t_err, "");
	T_EQ_STR(c.creds_source, "environment");
	T_EQ_STR(c.access_key_id, "AKIAENV");
	T_EQ_STR(c.secret_access_key, "envsecret");
	T_TRUE(c.session_token == NULL);

	T_EQ_INT(conf_t_load_env(&c, none, strlen(none), "AKIAENV", "envsecret", "envtoken"), 0);
	T_EQ_STR(c.creds_source, "environment");
	T_EQ_STR(c.session_token, "envtoken");

	/* Empty variables count as unset, as the AWS SDKs take them. */
	T_EQ_INT(conf_t_load_env(&c, none, strlen(none), "", "", ""), 0);
	T_EQ_STR(c.creds_source, "none");
	T_TRUE(c.access_key_id == NULL && c.secret_access_key == NULL && c.session_token == NULL);

	/* The file wins, and the environment's token is not mixed in. */
	T_EQ_INT(conf_t_load_env(&c, file, strlen(file), "AKIAENV", "envsecret", "envtoken"), 0);
	T_EQ_STR(conf_t_err, "");
	T_EQ_STR(c.creds_source, "file");
	T_EQ_STR(c.access_key_id, "AKIAFILE");
	T_EQ_STR(c.secret_access_key, "filesecret");
	T_TRUE(c.session_token == NULL);

	T_EQ_INT(conf_t_load_env(&c, none, strlen(none), "AKIAENV", NULL, NULL), -1);
	T_EQ_STR(conf_t_err, "kagent.conf: AWS_ACCESS_KEY_ID is set in the environment without AWS_SECRET_ACCESS_KEY\n");
	T_EQ_INT(conf_t_load_env(&c, none, strlen(none), NULL, "envsecret", "tok"), -1);
	T_EQ_STR(conf_t_err, "kagent.conf: AWS_SECRET_ACCESS_KEY is set in the environment without AWS_ACCESS_KEY_ID\n");
	T_EQ_INT(conf_t_load_env(&c, none, strlen(none), "AKIA ENV", "s", NULL), -1);
	T_EQ_STR(conf_t_err, "kagent.conf: AWS_ACCESS_KEY_ID (environment): must be printable ASCII without spaces\n");
	T_EQ_INT(conf_t_load_env(&c, none, strlen(none), "AKIAENV", "s\n", NULL), -1);
	T_EQ_STR(conf_t_err, "kagent.conf: AWS_SECRET_ACCESS_KEY (environment): must be printable ASCII without spaces\n");
	T_EQ_INT(conf_t_load_env(&c, none, strlen(none), "AKIAENV", "s", "t\r\nX-Evil: 1"), -1);
	T_EQ_STR(conf_t_err, "kagent.conf: AWS_SESSION_TOKEN (environment): must be printable ASCII without spaces\n");
}

T(conf_numeric_strings_and_comments)
{
	struct conf c;
	/* The Java agent reads numbers through toString(), so "500" works there;
	 * and its Jackson allows comments. */
	const char *text =
	    "// kagent\n"
	    "{\n"
	    "  /* how often\n"
	    "     to save */ \"checkpointIntervalMillis\": \"0\",\n"
	    "  \"flows\": [{ // the app\n"
	    "    \"filePattern\": \"/var/log/a//b.log\", \"deliveryStream\": \"s\",\n"
	    "    \"maxBufferSizeRecords\": \"250\", \"note\": \"not /* a comment */\"\n"
	    "  }]\n"
	    "}\n";

	T_EQ_INT(conf_t_load(&c, text), 0);
	T_EQ_STR(conf_t_err, "kagent.conf:7: flows[0].note: unknown key, ignored\n");
	T_EQ_INT(c.checkpoint_interval_ms, 0);
	T_EQ_INT(c.flows[0].max_buffer_records, 250);
	T_EQ_STR(c.flows[0].file_pattern, "/var/log/a//b.log");
	T_EQ_INT(c.flows[0].line, 5);

	/* A UTF-8 byte order mark, as Windows editors write it. */
	T_EQ_INT(conf_t_load(&c, "\xef\xbb\xbf{" FLOWS "}"), 0);
	T_EQ_STR(conf_t_err, "");
	/* Escapes are decoded. */
	T_EQ_INT(conf_t_load(&c, "{\"flows\": [{\"filePattern\": \"\\/x\\u00e9\\ud83d\\ude00\", \"deliveryStream\": \"s\"}]}"), 0);
	T_EQ_STR(c.flows[0].file_pattern, "/x\xc3\xa9\xf0\x9f\x98\x80");
}

T(conf_warnings)
{
	struct conf c;
	const char *text =
	    "{\n"
	    "  \"cloudwatch.metricsQueueSize\": 10,\n"
	    "  \"fooBar\": {\"x\": [1, 2]},\n"
	    "  \"kinesis.endpoint\": \"kinesis.us-east-1.amazonaws.com\", \"userAgent\": \"x\",\n"
	    "  \"flows\": [\n"
	    "    {\"filePattern\": \"/a\", \"deliveryStream\": \"s\",\n"
	    "     \"maxTimeBetweenFileTrackerRefreshMillis\": 10, \"maxBufferSizeRecord\": 10,\n"
	    "     \"waitOnFullPublishQueueMillis\": 5},\n"
	    "    {\"filePattern\": \"/b\", \"deliveryStream\": \"s\",\n"
	    "     \"maxTimeBetweenFileTrackerRefreshMillis\": 20, \"maxBufferSizeRecord\": 10}\n"
	    "  ],\n"
	    "  \"initialPosition\": \"START_OF_FILE\"\n"
	    "}\n";

	T_EQ_INT(conf_t_load(&c, text), 0);
	T_EQ_STR(conf_t_err,
	    "kagent.conf:2: cloudwatch.metricsQueueSize: not supported by kagent, ignored\n"
	    "kagent.conf:3: fooBar: unknown key, ignored\n"
	    "kagent.conf:4: userAgent: not supported by kagent, ignored\n"
	    "kagent.conf:7: flows[0].maxTimeBetweenFileTrackerRefreshMillis: not supported by this version, ignored\n"
	    "kagent.conf:7: flows[0].maxBufferSizeRecord: unknown key, ignored\n"
	    "kagent.conf:8: flows[0].waitOnFullPublishQueueMillis: not supported by kagent, ignored\n"
	    "kagent.conf:10: flows[1].maxBufferSizeRecord: unknown key, ignored\n"
	    "kagent.conf:12: initialPosition: belongs in a flow (in \"flows\"); ignored\n");
	T_EQ_INT(c.nflows, 2);
	T_EQ_INT(c.flows[0].max_buffer_records, 500);
	/* kinesis.endpoint is a setting now, not a warning */
	T_EQ_STR(c.kinesis.host, "kinesis.us-east-1.amazonaws.com");
}

/* An agent.json as the Java agent's documentation writes them. */
T(conf_java_agent_files)
{
	struct conf c;
	const char *kinesis =
	    "{\n"
	    "  \"cloudwatch.emitMetrics\": true,\n"
	    "  \"kinesis.endpoint\": \"\",\n"
	    "  \"firehose.endpoint\": \"\",\n"
	    "\n"
	    "  \"flows\": [\n"
	    "    {\n"
	    "      \"filePattern\": \"/tmp/app.log*\",\n"
	    "      \"kinesisStream\": \"yourkinesisstream\",\n"
	    "      \"partitionKeyOption\": \"RANDOM\"\n"
	    "    }\n"
	    "  ]\n"
	    "}\n";
	const char *firehose =
	    "{\n"
	    "  \"cloudwatch.emitMetrics\": true,\n"
	    "  \"firehose.endpoint\": \"firehose.us-west-2.amazonaws.com\",\n"
	    "  \"flows\": [\n"
	    "    {\n"
	    "      \"filePattern\": \"/tmp/app.log*\",\n"
	    "      \"deliveryStream\": \"my-delivery-stream\",\n"
	    "      \"dataProcessingOptions\": [\n"
	    "        {\n"
	    "          \"optionName\": \"LOGTOJSON\",\n"
	    "          \"logFormat\": \"COMMONAPACHELOG\"\n"
	    "        }\n"
	    "      ]\n"
	    "    },\n"
	    "    {\n"
	    "      \"filePattern\": \"/tmp/other.log*\",\n"
	    "      \"deliveryStream\": \"my-delivery-stream\",\n"
	    "      \"dataProcessingOptions\": [{\"optionName\": \"SINGLELINE\"}]\n"
	    "    }\n"
	    "  ]\n"
	    "}\n";

	/* The Java agent's stock file: "" endpoints mean the defaults. */
	T_EQ_INT(conf_t_load(&c, kinesis), 0);
	T_EQ_STR(conf_t_err, "");
	T_EQ_INT(c.cw_emit, 1);
	T_EQ_STR(c.region, "us-east-1");
	T_EQ_STR(c.kinesis.host, "kinesis.us-east-1.amazonaws.com");
	T_EQ_STR(c.firehose.host, "firehose.us-east-1.amazonaws.com");
	T_EQ_INT(c.nflows, 1);
	T_EQ_INT(c.flows[0].api, API_KINESIS);
	T_EQ_STR(c.flows[0].stream, "yourkinesisstream");
	T_EQ_INT(c.flows[0].key_kind, KINESIS_KEY_RANDOM);
	T_EQ_INT(c.flows[0].max_buffer_bytes, 5 * 1024 * 1024);
	T_EQ_INT(c.flows[0].line, 7);

	T_EQ_INT(conf_t_load(&c, firehose), 0);
	T_EQ_STR(conf_t_err, "");
	T_EQ_STR(c.region, "us-west-2");
	/* the metrics go to the region the records go to, as the Java agent's do */
	T_EQ_STR(c.cloudwatch.host, "monitoring.us-west-2.amazonaws.com");
	T_EQ_STR(c.cw_region, "us-west-2");
	T_EQ_INT(c.nflows, 2);
	T_EQ_STR(c.flows[1].file_pattern, "/tmp/other.log*");
	/* the processors, in order, ready to run */
	T_EQ_INT(c.flows[0].nproc, 1);
	T_EQ_STR(c.flows[0].proc[0].p->name, "LOGTOJSON");
	T_EQ_INT(c.flows[1].nproc, 1);
	T_EQ_STR(c.flows[1].proc[0].p->name, "SINGLELINE");
}

/* conf_print(c) into out (cap bytes, NUL-terminated). */
static void conf_t_print(const struct conf *c, char *out, size_t cap)
{
	t_capture_begin();
	conf_print(c, 2);
	snprintf(out, cap, "%s", t_capture_end());
}

T(conf_print_masks_secrets)
{
	struct conf c;
	char out[4096];
	const char *text =
	    "{\"awsAccessKeyId\": \"AKIDEXAMPLE\", \"awsSecretAccessKey\": \"secretsecret\",\n"
	    " \"firehose.endpoint\": \"http://[::1]:8080\", \"awsRegion\": \"eu-west-3\",\n"
	    " \"flows\": [{\"filePattern\": \"/a\", \"deliveryStream\": \"s1\"},\n"
	    "  {\"filePattern\": \"/b\", \"deliveryStream\": \"s2\", \"initialPosition\": \"START_OF_FILE\",\n"
	    "   \"minTimeBetweenFilePollsMillis\": 250, \"aggregatedRecordSizeBytes\": 4096, \"maxInFlightRequests\": 3}]}\n";

	T_EQ_INT(conf_t_load(&c, text), 0);
	c.path = "kagent.conf";
	conf_t_print(&c, out, sizeof out);
	T_EQ_STR(out,
	    "config = kagent.conf\n"
	    "awsRegion = eu-west-3\n"
	    "firehose.endpoint = http://[::1]:8080\n"
	    "kinesis.endpoint = https://kinesis.eu-west-3.amazonaws.com\n"
	    "proxy = (none)\n"
	    "credentials = file\n"
	    "awsAccessKeyId = AKID****\n"
	    "awsSecretAccessKey = ****\n"
	    "awsSessionToken = (none)\n"
	    "allowCleartext = false\n"
	    "caFile = /etc/ssl/certs/ca-certificates.crt\n"
	    "checkpointFile = /var/lib/kagent/checkpoints\n"
	    "checkpointIntervalMillis = 1000\n"
	    "connectionTimeoutMillis = 10000\n"
	    "tlsHandshakeTimeoutMillis = 10000\n"
	    "socketTimeoutMillis = 30000\n"
	    "idleTimeoutMillis = 50000\n"
	    "shutdownTimeoutMillis = 5000\n"
	    "logTarget = stderr\n"
	    "pidFile = (none)\n"
	    "statusFile = (none)\n"
	    "cloudwatch.emitMetrics = true\n"
	    "cloudwatch.namespace = AWSKinesisAgent\n"
	    "cloudwatch.metricsBufferTimeMillis = 30000\n"
	    "sendFailureTimeout = 0 ms (off)\n"
	    "cloudwatch.endpoint = https://monitoring.eu-west-3.amazonaws.com\n"
	    "cloudwatch.deviceId = (the host name)\n"
	    "\n"
	    "flows[0] (line 3)\n"
	    "flows[0].filePattern = /a\n"
	    "flows[0].deliveryStream = s1\n"
	    "flows[0].awsRegion = eu-west-3\n"
	    "flows[0].firehose.endpoint = http://[::1]:8080\n"
	    "flows[0].aggregatedRecordSizeBytes = 0\n"
	    "flows[0].initialPosition = END_OF_FILE\n"
	    "flows[0].maxBufferAgeMillis = 60000\n"
	    "flows[0].maxBufferSizeRecords = 500\n"
	    "flows[0].maxBufferSizeBytes = 4194304\n"
	    "flows[0].maxInFlightRequests = 1\n"
	    "flows[0].retryInitialBackoffMillis = 100\n"
	    "flows[0].retryMaxBackoffMillis = 10000\n"
	    "flows[0].ringSizeBytes = 1048576\n"
	    "flows[0].minTimeBetweenFilePollsMillis = 100\n"
	    "flows[0].dataProcessingOptions = (none)\n"
	    "\n"
	    "flows[1] (line 4)\n"
	    "flows[1].filePattern = /b\n"
	    "flows[1].deliveryStream = s2\n"
	    "flows[1].awsRegion = eu-west-3\n"
	    "flows[1].firehose.endpoint = http://[::1]:8080\n"
	    "flows[1].aggregatedRecordSizeBytes = 4096\n"
	    "flows[1].initialPosition = START_OF_FILE\n"
	    "flows[1].maxBufferAgeMillis = 60000\n"
	    "flows[1].maxBufferSizeRecords = 500\n"
	    "flows[1].maxBufferSizeBytes = 4194304\n"
	    "flows[1].maxInFlightRequests = 3\n"
	    "flows[1].retryInitialBackoffMillis = 100\n"
	    "flows[1].retryMaxBackoffMillis = 10000\n"
	    "flows[1].ringSizeBytes = 1048576\n"
	    "flows[1].minTimeBetweenFilePollsMillis = 250\n"
	    "flows[1].dataProcessingOptions = (none)\n");

	/* Environment credentials with a token; default endpoints. */
	T_EQ_INT(conf_t_load_env(&c, "{" FLOWS "}", strlen("{" FLOWS "}"), "AKIAENVKEY", "x", "tok"), 0);
	conf_t_print(&c, out, sizeof out);
	T_TRUE(strstr(out, "firehose.endpoint = https://firehose.us-east-1.amazonaws.com\n"
	    "kinesis.endpoint = https://kinesis.us-east-1.amazonaws.com\n"
	    "proxy = (none)\n"
	    "credentials = environment\n"
	    "awsAccessKeyId = AKIA****\n"
	    "awsSecretAccessKey = ****\n"
	    "awsSessionToken = ****\n") != NULL);
	T_TRUE(strstr(out, "AKIAENVKEY") == NULL);

	T_EQ_INT(conf_t_load(&c, "{\"firehose.endpoint\": \"https://h:443\", " FLOWS "}"), 0);
	conf_t_print(&c, out, sizeof out);
	T_TRUE(strstr(out, "firehose.endpoint = https://h\n"
	    "kinesis.endpoint = https://kinesis.us-east-1.amazonaws.com\n"
	    "proxy = (none)\n"
	    "credentials = none\n"
	    "awsAccessKeyId = (none)\n"
	    "awsSecretAccessKey = (none)\n"
	    "awsSessionToken = (none)\n") != NULL);
}

/* Kinesis flows, the network settings, a proxy's password masked. */
T(conf_print_kinesis_and_network)
{
	struct conf c;
	char out[8192];
	const char *text =
	    "{\"kinesis.endpoint\": \"http://localhost:4567\", \"proxy\": \"http://user:hunter2@proxy.lan:3129\",\n"
	    " \"connectionTimeoutMillis\": 2000, \"tlsHandshakeTimeoutMillis\": 3000, \"socketTimeoutMillis\": 4000, \"idleTimeoutMillis\": 9000,\n"
	    " \"shutdownTimeoutMillis\": 0, \"sendFailureTimeout\": \"5m\",\n"
	    " \"statusFile\": \"/var/run/kagent.json\", \"cloudwatch.emitMetrics\": \"No\", \"cloudwatch.deviceId\": \"gw-0042\",\n"
	    " \"cloudwatch.endpoint\": \"monitoring.eu-central-1.amazonaws.com\", \"cloudwatch.namespace\": \"Fleet A\",\n"
	    " \"flows\": [{\"filePattern\": \"/a\", \"kinesisStream\": \"k1\"},\n"
	    "  {\"filePattern\": \"/b\", \"kinesisStream\": \"k2\", \"partitionKeyOption\": \"DETERMINISTIC\",\n"
	    "   \"maxRecordSizeBytes\": 10485760},\n"
	    "  {\"filePattern\": \"/c\", \"kinesisStream\": \"k3\", \"partitionKey\": \"device-7\", \"aggregation\": true,\n"
	    "   \"dataProcessingOptions\": [{\"optionName\": \"SINGLELINE\"}, {\"optionName\": \"ADDBRACKETS\"}]},\n"
	    "  {\"filePattern\": \"/d\", \"kinesisStream\": \"k4\", \"partitionKeyField\": \"id\"}]}\n";

	T_EQ_INT(conf_t_load(&c, text), 0);
	T_EQ_STR(conf_t_err, "");
	c.path = "kagent.conf";
	conf_t_print(&c, out, sizeof out);
	T_EQ_STR(out,
	    "config = kagent.conf\n"
	    "awsRegion = us-east-1\n"
	    "firehose.endpoint = https://firehose.us-east-1.amazonaws.com\n"
	    "kinesis.endpoint = http://localhost:4567\n"
	    "proxy = http://****@proxy.lan:3129\n"
	    "credentials = none\n"
	    "awsAccessKeyId = (none)\n"
	    "awsSecretAccessKey = (none)\n"
	    "awsSessionToken = (none)\n"
	    "allowCleartext = false\n"
	    "caFile = /etc/ssl/certs/ca-certificates.crt\n"
	    "checkpointFile = /var/lib/kagent/checkpoints\n"
	    "checkpointIntervalMillis = 1000\n"
	    "connectionTimeoutMillis = 2000\n"
	    "tlsHandshakeTimeoutMillis = 3000\n"
	    "socketTimeoutMillis = 4000\n"
	    "idleTimeoutMillis = 9000\n"
	    "shutdownTimeoutMillis = 0\n"
	    "logTarget = stderr\n"
	    "pidFile = (none)\n"
	    "statusFile = /var/run/kagent.json\n"
	    "cloudwatch.emitMetrics = false\n"
	    "cloudwatch.namespace = Fleet A\n"
	    "cloudwatch.metricsBufferTimeMillis = 30000\n"
	    "sendFailureTimeout = 300000 ms\n"
	    "cloudwatch.endpoint = https://monitoring.eu-central-1.amazonaws.com\n"
	    "cloudwatch.deviceId = gw-0042\n"
	    "\n"
	    "flows[0] (line 6)\n"
	    "flows[0].filePattern = /a\n"
	    "flows[0].kinesisStream = k1\n"
	    "flows[0].awsRegion = us-east-1\n"
	    "flows[0].kinesis.endpoint = http://localhost:4567\n"
	    "flows[0].partitionKey = RANDOM\n"
	    "flows[0].aggregation = false\n"
	    "flows[0].maxRecordSizeBytes = 1048576\n"
	    "flows[0].initialPosition = END_OF_FILE\n"
	    "flows[0].maxBufferAgeMillis = 60000\n"
	    "flows[0].maxBufferSizeRecords = 500\n"
	    "flows[0].maxBufferSizeBytes = 5242880\n"
	    "flows[0].maxInFlightRequests = 1\n"
	    "flows[0].retryInitialBackoffMillis = 100\n"
	    "flows[0].retryMaxBackoffMillis = 10000\n"
	    "flows[0].ringSizeBytes = 1064960\n"
	    "flows[0].minTimeBetweenFilePollsMillis = 100\n"
	    "flows[0].dataProcessingOptions = (none)\n"
	    "\n"
	    "flows[1] (line 7)\n"
	    "flows[1].filePattern = /b\n"
	    "flows[1].kinesisStream = k2\n"
	    "flows[1].awsRegion = us-east-1\n"
	    "flows[1].kinesis.endpoint = http://localhost:4567\n"
	    "flows[1].partitionKey = DETERMINISTIC\n"
	    "flows[1].aggregation = false\n"
	    "flows[1].maxRecordSizeBytes = 10485760\n"
	    "flows[1].initialPosition = END_OF_FILE\n"
	    "flows[1].maxBufferAgeMillis = 60000\n"
	    "flows[1].maxBufferSizeRecords = 500\n"
	    "flows[1].maxBufferSizeBytes = 10485760\n"
	    "flows[1].maxInFlightRequests = 1\n"
	    "flows[1].retryInitialBackoffMillis = 100\n"
	    "flows[1].retryMaxBackoffMillis = 10000\n"
	    "flows[1].ringSizeBytes = 10502144\n"
	    "flows[1].minTimeBetweenFilePollsMillis = 100\n"
	    "flows[1].dataProcessingOptions = (none)\n"
	    "\n"
	    "flows[2] (line 9)\n"
	    "flows[2].filePattern = /c\n"
	    "flows[2].kinesisStream = k3\n"
	    "flows[2].awsRegion = us-east-1\n"
	    "flows[2].kinesis.endpoint = http://localhost:4567\n"
	    "flows[2].partitionKey = partitionKey device-7\n"
	    "flows[2].aggregation = true\n"
	    "flows[2].maxRecordSizeBytes = 1048576\n"
	    "flows[2].initialPosition = END_OF_FILE\n"
	    "flows[2].maxBufferAgeMillis = 60000\n"
	    "flows[2].maxBufferSizeRecords = 500\n"
	    "flows[2].maxBufferSizeBytes = 5242880\n"
	    "flows[2].maxInFlightRequests = 1\n"
	    "flows[2].retryInitialBackoffMillis = 100\n"
	    "flows[2].retryMaxBackoffMillis = 10000\n"
	    "flows[2].ringSizeBytes = 1064960\n"
	    "flows[2].minTimeBetweenFilePollsMillis = 100\n"
	    "flows[2].dataProcessingOptions = SINGLELINE, ADDBRACKETS\n"
	    "\n"
	    "flows[3] (line 11)\n"
	    "flows[3].filePattern = /d\n"
	    "flows[3].kinesisStream = k4\n"
	    "flows[3].awsRegion = us-east-1\n"
	    "flows[3].kinesis.endpoint = http://localhost:4567\n"
	    "flows[3].partitionKey = partitionKeyField id\n"
	    "flows[3].aggregation = false\n"
	    "flows[3].maxRecordSizeBytes = 1048576\n"
	    "flows[3].initialPosition = END_OF_FILE\n"
	    "flows[3].maxBufferAgeMillis = 60000\n"
	    "flows[3].maxBufferSizeRecords = 500\n"
	    "flows[3].maxBufferSizeBytes = 5242880\n"
	    "flows[3].maxInFlightRequests = 1\n"
	    "flows[3].retryInitialBackoffMillis = 100\n"
	    "flows[3].retryMaxBackoffMillis = 10000\n"
	    "flows[3].ringSizeBytes = 1064960\n"
	    "flows[3].minTimeBetweenFilePollsMillis = 100\n"
	    "flows[3].dataProcessingOptions = (none)\n");
	T_TRUE(strstr(out, "hunter2") == NULL);

	/* a proxy without credentials, an IPv6 one on the default port */
	T_EQ_INT(conf_t_load(&c, "{\"proxy\": \"http://[fd00::1]\", " FLOWS "}"), 0);
	conf_t_print(&c, out, sizeof out);
	T_TRUE(strstr(out, "\nproxy = http://[fd00::1]:3128\n") != NULL);
	T_EQ_INT(conf_t_load(&c, "{\"proxy\": \"http://p\", " FLOWS "}"), 0);
	conf_t_print(&c, out, sizeof out);
	T_TRUE(strstr(out, "\nproxy = http://p:3128\n") != NULL);
}

T(conf_error_files)
{
	struct conf c;
	char path[128];
	char *big;
	size_t n = 1024 * 1024 + 1;

	/* Missing, a directory, not a regular file. */
	T_TRUE(mkdtemp(strcpy(conf_t_dir, "/tmp/kagent-conf-XXXXXX")) != NULL);
	snprintf(path, sizeof path, "%s/missing.conf", conf_t_dir);
	T_EQ_INT(conf_t_read(&c, path), -1);
	T_EQ_STR(conf_t_err, "missing.conf: cannot read: No such file or directory\n");
	snprintf(path, sizeof path, "%s/sub", conf_t_dir);
	T_EQ_INT(mkdir(path, 0700), 0);
	T_EQ_INT(conf_t_read(&c, path), -1);
	rmdir(path);
	T_EQ_STR(conf_t_err, "sub: cannot read: Is a directory\n");
	T_EQ_INT(conf_t_read(&c, "/dev/null"), -1);
	T_EQ_STR(conf_t_err, "/dev/null: cannot read: not a regular file\n");

	/* Larger than 1 MiB, as text and as a file. */
	T_TRUE((big = malloc(n)) != NULL);
	memset(big, ' ', n);
	big[0] = '{';
	big[n - 1] = '}';
	T_EQ_INT(conf_t_load_env(&c, big, n, NULL, NULL, NULL), -1);
	T_EQ_STR(conf_t_err, "kagent.conf: too large (more than 1048576 bytes)\n");
	snprintf(path, sizeof path, "%s/kagent.conf", conf_t_dir);
	T_EQ_INT(conf_t_write(path, big, n), 0);
	T_EQ_INT(conf_t_read(&c, path), -1);
	T_EQ_STR(conf_t_err, "kagent.conf: too large (more than 1048576 bytes)\n");
	unlink(path);
	rmdir(conf_t_dir);
	/* Exactly 1 MiB is read (and then found to lack flows). */
	T_EQ_INT(conf_t_load_env(&c, big + 1, n - 1, NULL, NULL, NULL), -1);
	T_EQ_STR(conf_t_err, "kagent.conf:1:1048576: expected a JSON object\n");
	big[1] = '{';
	T_EQ_INT(conf_t_load_env(&c, big + 1, n - 1, NULL, NULL, NULL), -1);
	T_EQ_STR(conf_t_err, "kagent.conf:1: flows is required\n");

	/* More values than the token array may hold. */
	n = 2 + 2 * 16384;
	memset(big, 0, n + 1);
	big[0] = '[';
	for (size_t i = 0; i < 16384; i++)
		memcpy(big + 1 + 2 * i, "1,", 2);
	big[n - 2] = ']';
	big[n - 1] = 0;
	T_EQ_INT(conf_t_load_env(&c, big, n - 1, NULL, NULL, NULL), -1);
	T_EQ_STR(conf_t_err, "kagent.conf: too many JSON values (more than 16384)\n");
	free(big);

	/* A NUL byte. */
	T_EQ_INT(conf_t_load_env(&c, "{\n\"flows\"\0: []}", 15, NULL, NULL, NULL), -1);
	T_EQ_STR(conf_t_err, "kagent.conf:2:8: expected ':' after \"flows\"\n");
	T_EQ_INT(conf_t_load_env(&c, "{\n\"fl\0ows\": []}", 15, NULL, NULL, NULL), -1);
	T_EQ_STR(conf_t_err, "kagent.conf:2:4: control character 0x00 in a string: write it as \\u0000\n");
}

/* A syntax error says where (line:column, the column in characters) and
 * what was expected there; an unexpected end says what is not closed. */
T(conf_error_syntax)
{
	static const struct conf_t_case cases[] = {
		{ "", "kagent.conf:1: unexpected end of file: expected a JSON object\n" },
		{ "  \n\n", "kagent.conf:2: unexpected end of file: expected a JSON object\n" },
		{ "{\n \"flows\": [\n", "kagent.conf:2: unexpected end of file: the '[' at 2:11 is not closed\n" },
		{ "{\"a\"", "kagent.conf:1: unexpected end of file: the '{' at 1:1 is not closed\n" },
		{ "{\"a\": \"abc", "kagent.conf:1: unexpected end of file: the string at 1:7 is not closed\n" },
		{ "{\"a\": \"abc\\", "kagent.conf:1: unexpected end of file: the string at 1:7 is not closed\n" },
		{ "{\"a\": \"\\u12", "kagent.conf:1: unexpected end of file: the string at 1:7 is not closed\n" },
		{ "{\n \"flows\": \"abc\n}", "kagent.conf:2:15: missing '\"': the string at 2:11 is not closed on its line\n" },
		{ "{\n \"a\": @\n}", "kagent.conf:2:7: expected a value after \"a\":\n" },
		{ "{\n \"a\": 1\n \"b\": 2\n}", "kagent.conf:3:2: expected ',' or '}' after the value of \"a\"\n" },
		{ "{\n \"a\" 1\n}", "kagent.conf:2:6: expected ':' after \"a\"\n" },
		{ "{\n \"a\": 1,\n}", "kagent.conf:3:1: expected a key in double quotes after ',' (JSON allows no ',' before '}')\n" },
		{ "{\n \"a\": 1,\n 2}", "kagent.conf:3:2: expected a key in double quotes after ','\n" },
		{ "{\n \"a\":: 1\n}", "kagent.conf:2:6: expected a value after \"a\":\n" },
		{ "{\n \"a\": [1,\n 2,,3]\n}", "kagent.conf:3:4: expected a value after ','\n" },
		{ "{\n \"a\": [1 2]\n}", "kagent.conf:2:10: expected ',' or ']'\n" },
		{ "{\n \"a\": [\"x\": 1]\n}", "kagent.conf:2:11: expected ',' or ']'\n" },
		{ "{\n \"a\": [1, 2,]\n}", "kagent.conf:2:13: expected a value after ',' (JSON allows no ',' before ']')\n" },
		{ "{\n \"a\": tru\n}", "kagent.conf:2:7: not a JSON value: tru (a string takes double quotes)\n" },
		{ "{\n \"a\": 'x'\n}", "kagent.conf:2:7: expected a value after \"a\":\n" },
		{ "{\n \"a\": 01\n}", "kagent.conf:2:7: invalid number 01\n" },
		{ "{\n \"a\": 1.\n}", "kagent.conf:2:7: invalid number 1.\n" },
		{ "{\n \"a\": -\n}", "kagent.conf:2:7: invalid number -\n" },
		{ "{\n \"a\": 1e\n}", "kagent.conf:2:7: invalid number 1e\n" },
		{ "{\n \"a\": \"x\ty\"\n}", "kagent.conf:2:9: control character 0x09 in a string: write it as \\u0009\n" },
		{ "{\n \"a\": \"\\x\"\n}", "kagent.conf:2:8: invalid escape \\x in a string\n" },
		{ "{\n \"a\": \"\\u12G4\"\n}", "kagent.conf:2:8: invalid escape \\u12G in a string (\\u and 4 hex digits)\n" },
		{ "{\n \"a\": [}\n}", "kagent.conf:2:8: expected a value or ']'\n" },
		{ "{\n \"a\": 1\n}\n}", "kagent.conf:4:1: expected the end of the file after the top-level value (it ended at 3:1)\n" },
		{ "{}\n{}", "kagent.conf:2:1: expected the end of the file after the top-level value (it ended at 1:2)\n" },
		{ "{}\nx", "kagent.conf:2:1: expected the end of the file after the top-level value (it ended at 1:2)\n" },
		{ "{\n 'a': 1\n}", "kagent.conf:2:2: expected a key in double quotes or '}'\n" },
		{ "{\n a: 1\n}", "kagent.conf:2:2: expected a key in double quotes or '}'\n" },
		{ "{\n # yaml\n}", "kagent.conf:2:2: expected a key in double quotes or '}'\n" },
		{ "{\n /* open\n\n}", "kagent.conf:2:2: unterminated comment\n" },
		/* the column counts characters: é is two bytes, one column */
		{ "{\"\xc3\xa9\": 1 \"b\": 2}", "kagent.conf:1:9: expected ',' or '}' after the value of \"\xc3\xa9\"\n" },
		/* a key is shown up to 40 bytes */
		{ "{\"a123456789b123456789c123456789d123456789e123\" 1}",
		  "kagent.conf:1:49: expected ':' after \"a123456789b123456789c123456789d123456789\"\n" },
		/* 32 levels are read, the 33rd is not */
		{ "{\n \"a\": [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]\n}",
		  "kagent.conf:2: a: unknown key, ignored\nkagent.conf:1: flows is required\n" },
		{ "{\n \"a\": [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]\n}",
		  "kagent.conf:2:38: nested deeper than 32 levels\n" },
		{ "[\n]", "kagent.conf:1: the top level must be an object\n" },
		{ "\n\"x\"", "kagent.conf:2: the top level must be an object\n" },
		{ "{\"flows\": [{\"filePattern\": \"/a\\u0000b\", \"deliveryStream\": \"s\"}]}",
		  "kagent.conf:1: flows[0].filePattern: invalid string escape\n" },
		{ "{\"flows\": [{\"filePattern\": \"/a\\ud800\", \"deliveryStream\": \"s\"}]}",
		  "kagent.conf:1: flows[0].filePattern: invalid string escape\n" },
	};
	CONF_T_ERRORS(cases);
}

/* The message of the issue, as a user sees it. */
T(conf_error_syntax_missing_colon)
{
	struct conf c;
	const char *text =
	    "{\n"
	    "  \"flows\": [\n"
	    "    {\n"
	    "      \"filePattern\": \"/var/log/app.log\",\n"
	    "      \"deliveryStream\": \"s\",\n"
	    "      \"maxBufferAgeMillis\": 1000,\n"
	    "    \"initialPosition\" \"START_OF_FILE\"\n"
	    "    }\n"
	    "  ]\n"
	    "}\n";

	T_EQ_INT(conf_t_load(&c, text), -1);
	T_EQ_STR(conf_t_err, "kagent.conf:7:23: expected ':' after \"initialPosition\"\n");
}

T(conf_error_top_level)
{
	static const struct conf_t_case cases[] = {
		{ "{\n}", "kagent.conf:1: flows is required\n" },
		{ "{\n \"checkpointFile\": \"/a\",\n \"checkpointFile\": \"/b\",\n" FLOWS "}",
		  "kagent.conf:3: checkpointFile: duplicate key (first on line 2)\n" },
		{ "{\n \"awsAccessKeyId\": 12,\n" FLOWS "}", "kagent.conf:2: awsAccessKeyId: must be a string\n" },
		{ "{\n \"awsAccessKeyId\": \"AKIA X\",\n" FLOWS "}",
		  "kagent.conf:2: awsAccessKeyId: must be printable ASCII without spaces\n" },
		{ "{\n \"awsSecretAccessKey\": \"a\\nb\",\n" FLOWS "}",
		  "kagent.conf:2: awsSecretAccessKey: must be printable ASCII without spaces\n" },
		{ "{\n \"awsSessionToken\": null,\n" FLOWS "}", "kagent.conf:2: awsSessionToken: must be a string\n" },
		{ "{\n \"awsAccessKeyId\": \"AKIA\",\n" FLOWS "}",
		  "kagent.conf:2: awsAccessKeyId: given without awsSecretAccessKey\n" },
		{ "{\n \"awsSecretAccessKey\": \"s\",\n" FLOWS "}",
		  "kagent.conf:2: awsSecretAccessKey: given without awsAccessKeyId\n" },
		{ "{\n \"awsSessionToken\": \"t\",\n" FLOWS "}",
		  "kagent.conf:2: awsSessionToken: given without awsAccessKeyId and awsSecretAccessKey\n" },
		{ "{\n \"awsRegion\": \"US East\",\n" FLOWS "}",
		  "kagent.conf:2: awsRegion: must be a region name such as us-east-1, got \"US East\"\n" },
		{ "{\n \"awsRegion\": \"\",\n" FLOWS "}",
		  "kagent.conf:2: awsRegion: must be a region name such as us-east-1, got \"\"\n" },
		{ "{\n \"awsRegion\": \"a-very-long-region-name-of-32-chr\",\n" FLOWS "}",
		  "kagent.conf:2: awsRegion: must be a region name such as us-east-1, got \"a-very-long-region-name-of-32-chr\"\n" },
		{ "{\n \"awsRegion\": [],\n" FLOWS "}", "kagent.conf:2: awsRegion: must be a string\n" },
		{ "{\n \"awsRegion\": \"us-west-2\",\n \"firehose.endpoint\": \"firehose.eu-west-1.amazonaws.com\",\n" FLOWS "}",
		  "kagent.conf:2: awsRegion: \"us-west-2\" does not match firehose.endpoint's region \"eu-west-1\"\n" },
		{ "{\n \"checkpointFile\": \"ckpt\",\n" FLOWS "}",
		  "kagent.conf:2: checkpointFile: must be an absolute path, got \"ckpt\"\n" },
		{ "{\n \"checkpointFile\": \"\",\n" FLOWS "}", "kagent.conf:2: checkpointFile: must not be empty\n" },
		{ "{\n \"caFile\": true,\n" FLOWS "}", "kagent.conf:2: caFile: must be a string\n" },
		{ "{\n \"caFile\": \"./ca.pem\",\n" FLOWS "}",
		  "kagent.conf:2: caFile: must be an absolute path, got \"./ca.pem\"\n" },
		{ "{\n \"checkpointIntervalMillis\": 3600001,\n" FLOWS "}",
		  "kagent.conf:2: checkpointIntervalMillis: must be 0..3600000, got 3600001\n" },
		{ "{\n \"checkpointIntervalMillis\": -1,\n" FLOWS "}",
		  "kagent.conf:2: checkpointIntervalMillis: must be 0..3600000, got -1\n" },
		{ "{\n \"checkpointIntervalMillis\": 99999999999999999999999,\n" FLOWS "}",
		  "kagent.conf:2: checkpointIntervalMillis: must be 0..3600000, got 99999999999999999999999\n" },
		{ "{\n \"checkpointIntervalMillis\": 1.5,\n" FLOWS "}",
		  "kagent.conf:2: checkpointIntervalMillis: must be a whole number, got 1.5\n" },
		{ "{\n \"checkpointIntervalMillis\": 1e3,\n" FLOWS "}",
		  "kagent.conf:2: checkpointIntervalMillis: must be a whole number, got 1e3\n" },
		{ "{\n \"checkpointIntervalMillis\": true,\n" FLOWS "}",
		  "kagent.conf:2: checkpointIntervalMillis: must be a number\n" },
		{ "{\n \"checkpointIntervalMillis\": {},\n" FLOWS "}",
		  "kagent.conf:2: checkpointIntervalMillis: must be a number\n" },
		{ "{\n \"checkpointIntervalMillis\": \"2s\",\n" FLOWS "}",
		  "kagent.conf:2: checkpointIntervalMillis: must be a number, got \"2s\"\n" },
		{ "{\n \"checkpointIntervalMillis\": \"010\",\n" FLOWS "}",
		  "kagent.conf:2: checkpointIntervalMillis: must be a number, got \"010\"\n" },
		{ "{\n \"checkpointIntervalMillis\": \"\",\n" FLOWS "}",
		  "kagent.conf:2: checkpointIntervalMillis: must be a number, got \"\"\n" },
		{ "{\n \"checkpointIntervalMillis\": \"-5\",\n" FLOWS "}",
		  "kagent.conf:2: checkpointIntervalMillis: must be a number, got \"-5\"\n" },
	};
	CONF_T_ERRORS(cases);
}

T(conf_error_endpoint)
{
	static const struct conf_t_case cases[] = {
#define EP(s) "{\n \"firehose.endpoint\": \"" s "\",\n" FLOWS "}"
		{ "{\n \"firehose.endpoint\": 443,\n" FLOWS "}", "kagent.conf:2: firehose.endpoint: must be a string\n" },
		{ EP("ftp://h"), "kagent.conf:2: firehose.endpoint: unsupported scheme (https:// or http://), got \"ftp://h\"\n" },
		{ EP("HTTPS://h"), "kagent.conf:2: firehose.endpoint: unsupported scheme (https:// or http://), got \"HTTPS://h\"\n" },
		{ EP("https://"), "kagent.conf:2: firehose.endpoint: empty host, got \"https://\"\n" },
		{ EP("https:///"), "kagent.conf:2: firehose.endpoint: empty host, got \"https:///\"\n" },
		{ EP("https://:443"), "kagent.conf:2: firehose.endpoint: empty host, got \"https://:443\"\n" },
		{ EP("https://h/path"), "kagent.conf:2: firehose.endpoint: must not contain a path, got \"https://h/path\"\n" },
		{ EP("https://h//"), "kagent.conf:2: firehose.endpoint: must not contain a path, got \"https://h//\"\n" },
		{ EP("https://h?x=1"), "kagent.conf:2: firehose.endpoint: must not contain a query, got \"https://h?x=1\"\n" },
		{ EP("https://h#f"), "kagent.conf:2: firehose.endpoint: must not contain a query, got \"https://h#f\"\n" },
		{ EP("https://u:p@h"), "kagent.conf:2: firehose.endpoint: must not contain user info, got \"https://u:p@h\"\n" },
		{ EP("https://h:0"), "kagent.conf:2: firehose.endpoint: port must be 1..65535, got \"https://h:0\"\n" },
		{ EP("https://h:65536"), "kagent.conf:2: firehose.endpoint: port must be 1..65535, got \"https://h:65536\"\n" },
		{ EP("h:99999999999999999999"), "kagent.conf:2: firehose.endpoint: port must be 1..65535, got \"h:99999999999999999999\"\n" },
		{ EP("https://h:"), "kagent.conf:2: firehose.endpoint: empty port, got \"https://h:\"\n" },
		{ EP("https://h:44a"), "kagent.conf:2: firehose.endpoint: invalid port, got \"https://h:44a\"\n" },
		{ EP("https://fe80::1"), "kagent.conf:2: firehose.endpoint: an IPv6 address must be in brackets, got \"https://fe80::1\"\n" },
		{ EP("https://[::1"), "kagent.conf:2: firehose.endpoint: missing ] after an IPv6 address, got \"https://[::1\"\n" },
		{ EP("https://[]"), "kagent.conf:2: firehose.endpoint: invalid IPv6 address, got \"https://[]\"\n" },
		{ EP("https://[::g]"), "kagent.conf:2: firehose.endpoint: invalid IPv6 address, got \"https://[::g]\"\n" },
		{ EP("https://[::1]x"), "kagent.conf:2: firehose.endpoint: invalid host name, got \"https://[::1]x\"\n" },
		{ EP("https://a b"), "kagent.conf:2: firehose.endpoint: invalid host name, got \"https://a b\"\n" },
		{ EP("https://h\\u00e9"), "kagent.conf:2: firehose.endpoint: invalid host name, got \"https://h\\u00e9\"\n" },
		{ EP("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"),
		  "kagent.conf:2: firehose.endpoint: host name too long, got \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"\n" },
#undef EP
	};
	CONF_T_ERRORS(cases);
}

T(conf_error_flows)
{
	static const struct conf_t_case cases[] = {
		{ "{\n \"flows\": {}\n}", "kagent.conf:2: flows: must be an array\n" },
		{ "{\n \"flows\": []\n}", "kagent.conf:2: flows: must not be empty\n" },
		{ "{\n \"flows\": [" FLOW "," FLOW "," FLOW "," FLOW "," FLOW "," FLOW "," FLOW "," FLOW ",\n" FLOW "]\n}",
		  "kagent.conf:2: flows: at most 8 flows in all, got 9\n" },
		{ "{\n \"flows\": [\n" FLOW ",\n \"x\"\n]}", "kagent.conf:4: flows[1]: must be an object\n" },
		{ "{\n \"flows\": [\n {\"deliveryStream\": \"s\"}\n]}", "kagent.conf:3: flows[0]: filePattern is required\n" },
		{ "{\n \"flows\": [\n {\n \"filePattern\": \"/a\"}\n]}", "kagent.conf:3: flows[0]: deliveryStream (Firehose) or kinesisStream is required\n" },
		{ "{\"flows\": [" FLOW ",\n " FLOW "]}",
		  "kagent.conf:2: flows[1]: same filePattern and deliveryStream as kagent.conf:1\n" },
#define F(s) "{\"flows\": [{\"filePattern\": \"/a\",\n \"deliveryStream\": \"s\",\n " s "}]}"
		{ F("\"deliveryStream\": \"t\""),
		  "kagent.conf:3: flows[0].deliveryStream: duplicate key (first on line 2)\n" },
		{ "{\"flows\": [{\"filePattern\": 1, \"deliveryStream\": \"s\"}]}",
		  "kagent.conf:1: flows[0].filePattern: must be a string\n" },
		{ "{\"flows\": [{\"filePattern\": \"\", \"deliveryStream\": \"s\"}]}",
		  "kagent.conf:1: flows[0].filePattern: must not be empty\n" },
		{ "{\"flows\": [{\"filePattern\": \"logs/*.log\", \"deliveryStream\": \"s\"}]}",
		  "kagent.conf:1: flows[0].filePattern: must be an absolute path, got \"logs/*.log\"\n" },
		{ "{\"flows\": [{\"filePattern\": \"/var/log/\", \"deliveryStream\": \"s\"}]}",
		  "kagent.conf:1: flows[0].filePattern: ends in '/' (names a directory, not files)\n" },
		{ "{\"flows\": [{\"filePattern\": \"/a/*/*/*/*/*/x.log\", \"deliveryStream\": \"s\"}]}",
		  "kagent.conf:1: flows[0].filePattern: wildcards in more than 4 directory names\n" },
		{ F("\"fileFooterPattern\": \"(a\""),
		  "kagent.conf:3: flows[0].fileFooterPattern: at 0: unclosed group\n" },
		{ F("\"minTimeBetweenFilePollsMillis\": 0"),
		  "kagent.conf:3: flows[0].minTimeBetweenFilePollsMillis: must be 1..600000, got 0\n" },
		{ "{\"flows\": [{\"filePattern\": \"/a\", \"deliveryStream\": \"\"}]}",
		  "kagent.conf:1: flows[0].deliveryStream: must be 1..64 characters of a-z A-Z 0-9 _ . -, got \"\"\n" },
		{ "{\"flows\": [{\"filePattern\": \"/a\", \"deliveryStream\": \"my stream\"}]}",
		  "kagent.conf:1: flows[0].deliveryStream: must be 1..64 characters of a-z A-Z 0-9 _ . -, got \"my stream\"\n" },
		{ "{\"flows\": [{\"filePattern\": \"/a\", \"deliveryStream\": \"a123456789b123456789c123456789d123456789e123456789f123456789g1234\"}]}",
		  "kagent.conf:1: flows[0].deliveryStream: must be 1..64 characters of a-z A-Z 0-9 _ . -, got \"a123456789b123456789c123456789d123456789e123456789f123456789g1234\"\n" },
		{ "{\"flows\": [{\"filePattern\": \"/a\", \"deliveryStream\": [\"s\"]}]}",
		  "kagent.conf:1: flows[0].deliveryStream: must be a string\n" },
		{ F("\"kinesisStream\": \"k\""),
		  "kagent.conf:3: flows[0].kinesisStream: a flow has one destination, deliveryStream is already given\n" },
		{ F("\"initialPosition\": \"start_of_file\""),
		  "kagent.conf:3: flows[0].initialPosition: must be START_OF_FILE or END_OF_FILE, got \"start_of_file\"\n" },
		{ F("\"initialPosition\": 0"), "kagent.conf:3: flows[0].initialPosition: must be a string\n" },
		{ F("\"maxBufferAgeMillis\": 999"), "kagent.conf:3: flows[0].maxBufferAgeMillis: must be 1000..900000, got 999\n" },
		{ F("\"maxBufferAgeMillis\": 900001"), "kagent.conf:3: flows[0].maxBufferAgeMillis: must be 1000..900000, got 900001\n" },
		{ F("\"maxBufferSizeRecords\": 900"), "kagent.conf:3: flows[0].maxBufferSizeRecords: must be 1..500, got 900\n" },
		{ F("\"maxBufferSizeRecords\": 0"), "kagent.conf:3: flows[0].maxBufferSizeRecords: must be 1..500, got 0\n" },
		{ F("\"maxInFlightRequests\": 9"), "kagent.conf:3: flows[0].maxInFlightRequests: must be 1..8, got 9\n" },
		{ F("\"maxInFlightRequests\": 0"), "kagent.conf:3: flows[0].maxInFlightRequests: must be 1..8, got 0\n" },
		{ F("\"maxBufferSizeRecords\": 2.0"), "kagent.conf:3: flows[0].maxBufferSizeRecords: must be a whole number, got 2.0\n" },
		{ F("\"maxBufferSizeRecords\": \"many\""), "kagent.conf:3: flows[0].maxBufferSizeRecords: must be a number, got \"many\"\n" },
		/* first the range of any flow, then the API's limit */
		{ F("\"maxBufferSizeBytes\": 0"), "kagent.conf:3: flows[0].maxBufferSizeBytes: must be 1..10485760, got 0\n" },
		{ F("\"maxBufferSizeBytes\": 10485761"),
		  "kagent.conf:3: flows[0].maxBufferSizeBytes: must be 1..10485760, got 10485761\n" },
		{ F("\"maxBufferSizeBytes\": 4194305"),
		  "kagent.conf:3: flows[0].maxBufferSizeBytes: must be 1..4194304 for a Firehose flow, got 4194305\n" },
		{ F("\"maxBufferSizeBytes\":\n 10485760"),
		  "kagent.conf:4: flows[0].maxBufferSizeBytes: must be 1..4194304 for a Firehose flow, got 10485760\n" },
		{ F("\"retryInitialBackoffMillis\": 0"), "kagent.conf:3: flows[0].retryInitialBackoffMillis: must be 1..3600000, got 0\n" },
		{ F("\"retryMaxBackoffMillis\": 3600001"), "kagent.conf:3: flows[0].retryMaxBackoffMillis: must be 1..3600000, got 3600001\n" },
		{ F("\"retryInitialBackoffMillis\": 500,\n \"retryMaxBackoffMillis\": 200"),
		  "kagent.conf:4: flows[0].retryMaxBackoffMillis: must be at least retryInitialBackoffMillis (500), got 200\n" },
		{ F("\"retryMaxBackoffMillis\": 50"),
		  "kagent.conf:3: flows[0].retryMaxBackoffMillis: must be at least retryInitialBackoffMillis (100), got 50\n" },
		{ F("\"retryInitialBackoffMillis\": 20000"),
		  "kagent.conf:3: flows[0].retryInitialBackoffMillis: must be at most retryMaxBackoffMillis (10000), got 20000\n" },
		{ F("\"ringSizeBytes\": 1040383"), "kagent.conf:3: flows[0].ringSizeBytes: must be 1040384..67108864, got 1040383\n" },
		{ F("\"ringSizeBytes\": 67108865"), "kagent.conf:3: flows[0].ringSizeBytes: must be 1040384..67108864, got 67108865\n" },
#undef F
	};
	CONF_T_ERRORS(cases);
}

/* A path at the length limit loads; one byte longer does not. */
T(conf_error_long_path)
{
	static char text[8192], path[4097];
	struct conf c;

	memset(path, 'a', sizeof path - 1);
	path[0] = '/';
	path[4095] = 0;		/* 4095 bytes */
	snprintf(text, sizeof text, "{\"caFile\": \"%s\", " FLOWS "}", path);
	T_EQ_INT(conf_t_load(&c, text), 0);
	T_EQ_INT(strlen(c.ca_file), 4095);
	path[4095] = 'a';
	path[4096] = 0;		/* 4096 bytes */
	snprintf(text, sizeof text, "{\"caFile\": \"%s\", " FLOWS "}", path);
	T_EQ_INT(conf_t_load(&c, text), -1);
	T_EQ_STR(conf_t_err, "kagent.conf:1: caFile: longer than 4095 bytes\n");
	/* the checkpoint's own bound: its temporary name must fit too */
	path[CKPT_FILE_MAX - 1] = 0;
	snprintf(text, sizeof text, "{\"checkpointFile\": \"%s\", " FLOWS "}", path);
	T_EQ_INT(conf_t_load(&c, text), 0);
	T_EQ_INT(strlen(c.checkpoint_file), CKPT_FILE_MAX - 1);
	path[CKPT_FILE_MAX - 1] = 'a';
	path[CKPT_FILE_MAX] = 0;
	snprintf(text, sizeof text, "{\"checkpointFile\": \"%s\", " FLOWS "}", path);
	T_EQ_INT(conf_t_load(&c, text), -1);
	T_EQ_STR(conf_t_err, "kagent.conf:1: checkpointFile: longer than 511 bytes\n");
}

T(conf_follow_symlinks)
{
	struct conf c;

	T_EQ_INT(conf_t_load(&c, "{" FLOWS "}"), 0);
	T_EQ_INT(c.flows[0].follow_symlinks, -1);
	T_EQ_INT(conf_t_load(&c, "{\"flows\": [{\"filePattern\": \"/a\", \"deliveryStream\": \"s\", "
				 "\"followSymlinks\": true}]}"), 0);
	T_EQ_INT(c.flows[0].follow_symlinks, 1);
	T_EQ_INT(conf_t_load(&c, "{\"flows\": [{\"filePattern\": \"/a\", \"deliveryStream\": \"s\", "
				 "\"followSymlinks\": \"false\"}]}"), 0);
	T_EQ_INT(c.flows[0].follow_symlinks, 0);
}

/* ---- Kinesis Data Streams flows ----------------------------------------- */

T(conf_kinesis_flows)
{
	struct conf c;
	const char *text =
	    "{\n"
	    " \"flows\": [\n"
	    "  {\"filePattern\": \"/a\", \"kinesisStream\": \"k\"},\n"
	    "  {\"filePattern\": \"/b\", \"kinesisStream\": \"k\", \"partitionKeyOption\": \"DETERMINISTIC\",\n"
	    "   \"maxRecordSizeBytes\": 10485760},\n"
	    "  {\"filePattern\": \"/c\", \"kinesisStream\": \"k\", \"partitionKey\": \"device-7\",\n"
	    "   \"maxRecordSizeBytes\": 1048577, \"maxBufferSizeBytes\": 10485760, \"ringSizeBytes\": 1064961},\n"
	    "  {\"filePattern\": \"/d\", \"kinesisStream\": \"k\", \"partitionKeyField\": \"device_id\",\n"
	    "   \"maxBufferSizeBytes\": 5242880, \"ringSizeBytes\": 1064960},\n"
	    "  {\"filePattern\": \"/e\", \"maxRecordSizeBytes\": \"1048576\", \"partitionKeyOption\": \"RANDOM\",\n"
	    "   \"kinesisStream\": \"k\"},\n"
	    "  {\"filePattern\": \"/f\", \"deliveryStream\": \"f\", \"aggregatedRecordSizeBytes\": 1024000},\n"
	    /* one file to a Firehose and a Kinesis stream of other names */
	    "  {\"filePattern\": \"/a\", \"deliveryStream\": \"s\", \"aggregatedRecordSizeBytes\": 0},\n"
	    "  {\"filePattern\": \"/h\", \"kinesisStream\":\n"
	    "   \"a123456789b123456789c123456789d123456789e123456789f123456789g123456789h123456789"
	    "i123456789j123456789k123456789l123456789m1234567\"}\n"
	    " ]\n"
	    "}\n";

	T_EQ_INT(conf_t_load(&c, text), 0);
	T_EQ_STR(conf_t_err, "");
	T_EQ_INT(c.nflows, 8);

	/* The defaults: a RANDOM key, 1 MiB records, 5 MiB requests, a ring for
	 * one longest record and a read. */
	T_EQ_INT(c.flows[0].api, API_KINESIS);
	T_EQ_STR(c.flows[0].stream, "k");
	T_EQ_INT(c.flows[0].key_kind, KINESIS_KEY_RANDOM);
	T_TRUE(c.flows[0].key_arg == NULL);
	T_EQ_INT(c.flows[0].max_record_bytes, 1048576);
	T_EQ_INT(c.flows[0].aggregate_bytes, 0);
	T_EQ_INT(c.flows[0].max_buffer_bytes, 5242880);
	T_EQ_INT(c.flows[0].max_buffer_records, 500);
	T_EQ_INT(c.flows[0].ring_bytes, 1048576 + 16384);
	T_EQ_INT(c.flows[0].max_buffer_age_ms, 60000);
	T_EQ_INT(c.flows[0].line, 3);

	/* 10 MiB records: 10 MiB requests, a ring of 10 MiB + 16 KiB. */
	T_EQ_INT(c.flows[1].key_kind, KINESIS_KEY_DETERMINISTIC);
	T_TRUE(c.flows[1].key_arg == NULL);
	T_EQ_INT(c.flows[1].max_record_bytes, 10485760);
	T_EQ_INT(c.flows[1].max_buffer_bytes, 10485760);
	T_EQ_INT(c.flows[1].ring_bytes, 10485760 + 16384);
	T_EQ_INT(c.flows[1].line, 4);

	/* Records one byte over 1 MiB already allow 10 MiB requests. */
	T_EQ_INT(c.flows[2].key_kind, KINESIS_KEY_FIXED);
	T_EQ_STR(c.flows[2].key_arg, "device-7");
	T_EQ_INT(c.flows[2].max_record_bytes, 1048577);
	T_EQ_INT(c.flows[2].max_buffer_bytes, 10485760);
	T_EQ_INT(c.flows[2].ring_bytes, 1064961);

	T_EQ_INT(c.flows[3].key_kind, KINESIS_KEY_FIELD);
	T_EQ_STR(c.flows[3].key_arg, "device_id");
	T_EQ_INT(c.flows[3].max_buffer_bytes, 5242880);
	T_EQ_INT(c.flows[3].ring_bytes, 1064960);

	/* Kinesis keys before kinesisStream, a number as a string */
	T_EQ_INT(c.flows[4].api, API_KINESIS);
	T_EQ_INT(c.flows[4].key_kind, KINESIS_KEY_RANDOM);
	T_EQ_INT(c.flows[4].max_record_bytes, 1048576);
	T_EQ_INT(c.flows[4].max_buffer_bytes, 5242880);
	T_EQ_INT(c.flows[4].ring_bytes, 1064960);

	T_EQ_INT(c.flows[5].api, API_FIREHOSE);
	T_EQ_STR(c.flows[5].stream, "f");
	T_EQ_INT(c.flows[5].aggregate_bytes, 1024000);
	T_EQ_INT(c.flows[5].max_buffer_bytes, 4194304);
	T_EQ_INT(c.flows[5].ring_bytes, 1048576);
	T_TRUE(c.flows[5].key_arg == NULL);

	T_EQ_INT(c.flows[6].api, API_FIREHOSE);
	T_EQ_STR(c.flows[6].file_pattern, "/a");
	T_EQ_INT(c.flows[6].aggregate_bytes, 0);

	T_EQ_INT(c.flows[7].api, API_KINESIS);
	T_EQ_INT(strlen(c.flows[7].stream), 128);
	T_EQ_INT(c.flows[7].line, 14);
}

/* {"flows": [{... "kinesisStream": "k",\n "key": "<n times unit>"}]} */
static const char *conf_t_key_text(const char *key, const char *unit, size_t n)
{
	static char text[4096];
	size_t len, u = strlen(unit);

	len = (size_t)snprintf(text, sizeof text,
	    "{\"flows\": [{\"filePattern\": \"/a\", \"kinesisStream\": \"k\",\n \"%s\": \"", key);
	while (n-- && len + u < sizeof text - 16) {
		memcpy(text + len, unit, u);
		len += u;
	}
	snprintf(text + len, sizeof text - len, "\"}]}");
	return text;
}

/* partitionKey: 1..256 characters (UTF-16 units, as the service counts)
 * of valid UTF-8; partitionKeyField: a name of 1..256 bytes. */
T(conf_kinesis_partition_key)
{
	static const char bad_key[] = "kagent.conf:2: flows[0].partitionKey: must be 1..256 characters of valid UTF-8\n";
	static const char long_field[] = "kagent.conf:2: flows[0].partitionKeyField: longer than 256 bytes\n";
	struct conf c;

	T_EQ_INT(conf_t_load(&c, conf_t_key_text("partitionKey", "k", 256)), 0);
	T_EQ_STR(conf_t_err, "");
	T_EQ_INT(c.flows[0].key_kind, KINESIS_KEY_FIXED);
	T_EQ_INT(strlen(c.flows[0].key_arg), 256);
	T_EQ_INT(conf_t_load(&c, conf_t_key_text("partitionKey", "k", 257)), -1);
	T_EQ_STR(conf_t_err, bad_key);
	/* characters, not bytes: 256 two-byte ones, raw or escaped */
	T_EQ_INT(conf_t_load(&c, conf_t_key_text("partitionKey", "\xc3\xa9", 256)), 0);
	T_EQ_INT(strlen(c.flows[0].key_arg), 512);
	T_EQ_INT(conf_t_load(&c, conf_t_key_text("partitionKey", "\\u00e9", 256)), 0);
	T_EQ_INT(strlen(c.flows[0].key_arg), 512);
	T_EQ_INT(conf_t_load(&c, conf_t_key_text("partitionKey", "\xe2\x82\xac", 256)), 0);
	T_EQ_INT(strlen(c.flows[0].key_arg), 768);
	T_EQ_INT(conf_t_load(&c, conf_t_key_text("partitionKey", "\xc3\xa9", 257)), -1);
	T_EQ_STR(conf_t_err, bad_key);
	/* outside the BMP a character counts twice */
	T_EQ_INT(conf_t_load(&c, conf_t_key_text("partitionKey", "\xf0\x9f\x98\x80", 128)), 0);
	T_EQ_INT(strlen(c.flows[0].key_arg), 512);
	T_EQ_MEM(c.flows[0].key_arg + 508, 4, "\xf0\x9f\x98\x80", 4);
	T_EQ_INT(conf_t_load(&c, conf_t_key_text("partitionKey", "\xf0\x9f\x98\x80", 129)), -1);
	T_EQ_STR(conf_t_err, bad_key);
	T_EQ_INT(conf_t_load(&c, conf_t_key_text("partitionKey", "\\ud83d\\ude00", 129)), -1);
	T_EQ_STR(conf_t_err, bad_key);
	/* not UTF-8: a stray byte, a cut sequence, an overlong one, a surrogate */
	T_EQ_INT(conf_t_load(&c, conf_t_key_text("partitionKey", "\xff", 1)), -1);
	T_EQ_STR(conf_t_err, bad_key);
	T_EQ_INT(conf_t_load(&c, conf_t_key_text("partitionKey", "a\xc3", 1)), -1);
	T_EQ_STR(conf_t_err, bad_key);
	T_EQ_INT(conf_t_load(&c, conf_t_key_text("partitionKey", "\xc0\xaf", 1)), -1);
	T_EQ_STR(conf_t_err, bad_key);
	T_EQ_INT(conf_t_load(&c, conf_t_key_text("partitionKey", "\xed\xa0\x80", 1)), -1);
	T_EQ_STR(conf_t_err, bad_key);

	T_EQ_INT(conf_t_load(&c, conf_t_key_text("partitionKeyField", "f", 256)), 0);
	T_EQ_STR(conf_t_err, "");
	T_EQ_INT(c.flows[0].key_kind, KINESIS_KEY_FIELD);
	T_EQ_INT(strlen(c.flows[0].key_arg), 256);
	T_EQ_INT(conf_t_load(&c, conf_t_key_text("partitionKeyField", "f", 257)), -1);
	T_EQ_STR(conf_t_err, long_field);
	/* bytes, not characters */
	T_EQ_INT(conf_t_load(&c, conf_t_key_text("partitionKeyField", "\xc3\xa9", 128)), 0);
	T_EQ_INT(strlen(c.flows[0].key_arg), 256);
	T_EQ_INT(conf_t_load(&c, conf_t_key_text("partitionKeyField", "\xc3\xa9", 129)), -1);
	T_EQ_STR(conf_t_err, long_field);
}

T(conf_error_kinesis_flows)
{
	static const struct conf_t_case cases[] = {
#define K(s) "{\"flows\": [{\"filePattern\": \"/a\",\n \"kinesisStream\": \"k\",\n " s "}]}"
#define F(s) "{\"flows\": [{\"filePattern\": \"/a\",\n \"deliveryStream\": \"s\",\n " s "}]}"
		/* one destination */
		{ K("\"deliveryStream\": \"s\""),
		  "kagent.conf:3: flows[0].deliveryStream: a flow has one destination, kinesisStream is already given\n" },
		{ K("\"kinesisStream\": \"k2\""),
		  "kagent.conf:3: flows[0].kinesisStream: duplicate key (first on line 2)\n" },
		{ "{\"flows\": [{\"filePattern\": \"/a\", \"kinesisStream\": \"\"}]}",
		  "kagent.conf:1: flows[0].kinesisStream: must be 1..128 characters of a-z A-Z 0-9 _ . -, got \"\"\n" },
		{ "{\"flows\": [{\"filePattern\": \"/a\", \"kinesisStream\": \"a/b\"}]}",
		  "kagent.conf:1: flows[0].kinesisStream: must be 1..128 characters of a-z A-Z 0-9 _ . -, got \"a/b\"\n" },
		{ "{\"flows\": [{\"filePattern\": \"/a\", \"kinesisStream\": "
		  "\"a123456789b123456789c123456789d123456789e123456789f123456789g123456789h123456789"
		  "i123456789j123456789k123456789l123456789m12345678\"}]}",
		  "kagent.conf:1: flows[0].kinesisStream: must be 1..128 characters of a-z A-Z 0-9 _ . -, got "
		  "\"a123456789b123456789c123456789d123456789e123456789f123456789g123456789h123456789\"\n" },
		{ "{\"flows\": [{\"filePattern\": \"/a\", \"kinesisStream\": 7}]}",
		  "kagent.conf:1: flows[0].kinesisStream: must be a string\n" },
		/* partition keys */
		{ K("\"partitionKeyOption\": \"random\""),
		  "kagent.conf:3: flows[0].partitionKeyOption: must be RANDOM or DETERMINISTIC, got \"random\"\n" },
		{ K("\"partitionKeyOption\": 1"), "kagent.conf:3: flows[0].partitionKeyOption: must be a string\n" },
		{ K("\"partitionKey\": \"\""), "kagent.conf:3: flows[0].partitionKey: must not be empty\n" },
		{ K("\"partitionKey\": 42"), "kagent.conf:3: flows[0].partitionKey: must be a string\n" },
		{ K("\"partitionKeyField\": \"\""), "kagent.conf:3: flows[0].partitionKeyField: must not be empty\n" },
		{ K("\"partitionKey\": \"a\",\n \"partitionKeyField\": \"b\""),
		  "kagent.conf:4: flows[0].partitionKeyField: partitionKey and partitionKeyField exclude each other\n" },
		{ K("\"partitionKeyField\": \"b\",\n \"partitionKey\": \"a\""),
		  "kagent.conf:4: flows[0].partitionKey: partitionKey and partitionKeyField exclude each other\n" },
		{ K("\"partitionKeyOption\": \"RANDOM\",\n \"partitionKey\": \"a\""),
		  "kagent.conf:4: flows[0].partitionKey: excludes partitionKeyOption\n" },
		{ K("\"partitionKeyField\": \"f\",\n \"partitionKeyOption\": \"DETERMINISTIC\""),
		  "kagent.conf:3: flows[0].partitionKeyField: excludes partitionKeyOption\n" },
		/* sizes */
		{ K("\"maxRecordSizeBytes\": 1048575"),
		  "kagent.conf:3: flows[0].maxRecordSizeBytes: must be 1048576..10485760, got 1048575\n" },
		{ K("\"maxRecordSizeBytes\": 10485761"),
		  "kagent.conf:3: flows[0].maxRecordSizeBytes: must be 1048576..10485760, got 10485761\n" },
		{ K("\"maxRecordSizeBytes\": \"big\""),
		  "kagent.conf:3: flows[0].maxRecordSizeBytes: must be a number, got \"big\"\n" },
		{ K("\"maxBufferSizeBytes\": 0"),
		  "kagent.conf:3: flows[0].maxBufferSizeBytes: must be 1..10485760, got 0\n" },
		{ K("\"maxBufferSizeBytes\": 5242881"),
		  "kagent.conf:3: flows[0].maxBufferSizeBytes: must be 1..5242880 for a Kinesis flow, got 5242881\n" },
		{ K("\"maxBufferSizeBytes\": 10485760,\n \"maxRecordSizeBytes\": 1048576"),
		  "kagent.conf:3: flows[0].maxBufferSizeBytes: must be 1..5242880 for a Kinesis flow, got 10485760\n" },
		{ K("\"maxRecordSizeBytes\": 1048577,\n \"maxBufferSizeBytes\": 10485761"),
		  "kagent.conf:4: flows[0].maxBufferSizeBytes: must be 1..10485760, got 10485761\n" },
		{ K("\"ringSizeBytes\": 1064959"),
		  "kagent.conf:3: flows[0].ringSizeBytes: must be at least 1064960 for records of 1048576 bytes, got 1064959\n" },
		{ K("\"ringSizeBytes\": 1040383"),
		  "kagent.conf:3: flows[0].ringSizeBytes: must be 1040384..67108864, got 1040383\n" },
		{ K("\"ringSizeBytes\":\n 10502143,\n \"maxRecordSizeBytes\": 10485760"),
		  "kagent.conf:4: flows[0].ringSizeBytes: must be at least 10502144 for records of 10485760 bytes, got 10502143\n" },
		{ F("\"aggregatedRecordSizeBytes\": 1024001"),
		  "kagent.conf:3: flows[0].aggregatedRecordSizeBytes: must be 0..1024000, got 1024001\n" },
		{ F("\"aggregatedRecordSizeBytes\": -1"),
		  "kagent.conf:3: flows[0].aggregatedRecordSizeBytes: must be 0..1024000, got -1\n" },
		/* a later flow */
		{ "{\"flows\": [" FLOW ",\n {\"filePattern\": \"/b\"}]}",
		  "kagent.conf:2: flows[1]: deliveryStream (Firehose) or kinesisStream is required\n" },
#undef K
#undef F
	};
	CONF_T_ERRORS(cases);
}

/* ---- the network --------------------------------------------------------- */

T(conf_kinesis_endpoint)
{
	static const struct {
		const char *json;	/* the top-level keys before flows */
		const char *region, *firehose, *kinesis;
		int tls;		/* kinesis's */
		unsigned port;
	} cases[] = {
		{ "", "us-east-1", "firehose.us-east-1.amazonaws.com", "kinesis.us-east-1.amazonaws.com", 1, 443 },
		{ "\"kinesis.endpoint\": \"\",", "us-east-1", "firehose.us-east-1.amazonaws.com",
		  "kinesis.us-east-1.amazonaws.com", 1, 443 },
		/* the host names the region, and the Firehose default follows */
		{ "\"kinesis.endpoint\": \"https://kinesis.eu-west-1.amazonaws.com\",", "eu-west-1",
		  "firehose.eu-west-1.amazonaws.com", "kinesis.eu-west-1.amazonaws.com", 1, 443 },
		{ "\"kinesis.endpoint\": \"kinesis.cn-north-1.amazonaws.com.cn\",", "cn-north-1",
		  "firehose.cn-north-1.amazonaws.com.cn", "kinesis.cn-north-1.amazonaws.com.cn", 1, 443 },
		{ "\"kinesis.endpoint\": \"kinesis-fips.us-gov-east-1.amazonaws.com/\",", "us-gov-east-1",
		  "firehose.us-gov-east-1.amazonaws.com", "kinesis-fips.us-gov-east-1.amazonaws.com", 1, 443 },
		/* and the other way round */
		{ "\"firehose.endpoint\": \"firehose.ap-south-1.amazonaws.com\",", "ap-south-1",
		  "firehose.ap-south-1.amazonaws.com", "kinesis.ap-south-1.amazonaws.com", 1, 443 },
		{ "\"awsRegion\": \"cn-northwest-1\",", "cn-northwest-1", "firehose.cn-northwest-1.amazonaws.com.cn",
		  "kinesis.cn-northwest-1.amazonaws.com.cn", 1, 443 },
		/* all three agree */
		{ "\"awsRegion\": \"eu-west-3\", \"firehose.endpoint\": \"firehose.eu-west-3.amazonaws.com\", "
		  "\"kinesis.endpoint\": \"kinesis.eu-west-3.amazonaws.com:8443\",", "eu-west-3",
		  "firehose.eu-west-3.amazonaws.com", "kinesis.eu-west-3.amazonaws.com", 1, 8443 },
		/* not an AWS host: the region comes from elsewhere */
		{ "\"kinesis.endpoint\": \"http://localhost:4567\",", "us-east-1", "firehose.us-east-1.amazonaws.com",
		  "localhost", 0, 4567 },
		{ "\"awsRegion\": \"us-west-2\", \"kinesis.endpoint\": \"https://[::1]:4443\",", "us-west-2",
		  "firehose.us-west-2.amazonaws.com", "::1", 1, 4443 },
		{ "\"firehose.endpoint\": \"firehose.sa-east-1.amazonaws.com\", \"kinesis.endpoint\": \"http://10.0.0.5\", "
		  "\"allowCleartext\": true,",
		  "sa-east-1", "firehose.sa-east-1.amazonaws.com", "10.0.0.5", 0, 80 },
	};
	char text[512];
	struct conf c;
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		snprintf(text, sizeof text, "{%s " FLOWS "}", cases[i].json);
		if (conf_t_load(&c, text) != 0 || conf_t_err[0] || strcmp(c.region, cases[i].region) ||
		    strcmp(c.firehose.host, cases[i].firehose) || strcmp(c.kinesis.host, cases[i].kinesis) ||
		    c.kinesis.tls != cases[i].tls || c.kinesis.port != cases[i].port)
			t_fail(__FILE__, __LINE__, "case %zu: err \"%s\" region %s firehose %s kinesis %s tls %d port %u",
			    i, conf_t_err, c.region ? c.region : "(null)", c.firehose.host, c.kinesis.host,
			    c.kinesis.tls, c.kinesis.port);
	}
}

T(conf_error_kinesis_endpoint)
{
	static const struct conf_t_case cases[] = {
#define EP(s) "{\n \"kinesis.endpoint\": \"" s "\",\n" FLOWS "}"
		{ "{\n \"kinesis.endpoint\": 443,\n" FLOWS "}", "kagent.conf:2: kinesis.endpoint: must be a string\n" },
		{ EP("ftp://k"), "kagent.conf:2: kinesis.endpoint: unsupported scheme (https:// or http://), got \"ftp://k\"\n" },
		{ EP("https://k/path"), "kagent.conf:2: kinesis.endpoint: must not contain a path, got \"https://k/path\"\n" },
		{ EP("https://k:0"), "kagent.conf:2: kinesis.endpoint: port must be 1..65535, got \"https://k:0\"\n" },
		{ EP("https://[::1"), "kagent.conf:2: kinesis.endpoint: missing ] after an IPv6 address, got \"https://[::1\"\n" },
		{ EP("https://u@k"), "kagent.conf:2: kinesis.endpoint: must not contain user info, got \"https://u@k\"\n" },
#undef EP
		/* the region, said three ways, must agree: the message is where the region was first said */
		{ "{\n \"awsRegion\": \"us-west-2\",\n \"kinesis.endpoint\": \"kinesis.eu-west-1.amazonaws.com\",\n" FLOWS "}",
		  "kagent.conf:2: awsRegion: \"us-west-2\" does not match kinesis.endpoint's region \"eu-west-1\"\n" },
		{ "{\n \"kinesis.endpoint\": \"kinesis.eu-west-1.amazonaws.com\",\n \"awsRegion\": \"eu-west-2\",\n" FLOWS "}",
		  "kagent.conf:3: awsRegion: \"eu-west-2\" does not match kinesis.endpoint's region \"eu-west-1\"\n" },
		{ "{\n \"awsRegion\": \"cn-north-1\",\n \"kinesis.endpoint\": \"kinesis.cn-northwest-1.amazonaws.com.cn\",\n" FLOWS "}",
		  "kagent.conf:2: awsRegion: \"cn-north-1\" does not match kinesis.endpoint's region \"cn-northwest-1\"\n" },
		{ "{\n \"firehose.endpoint\": \"firehose.eu-west-1.amazonaws.com\",\n"
		  " \"kinesis.endpoint\": \"https://kinesis.us-west-2.amazonaws.com\",\n" FLOWS "}",
		  "kagent.conf:2: firehose.endpoint: \"eu-west-1\" does not match kinesis.endpoint's region \"us-west-2\"\n" },
		/* firehose.endpoint is looked at first, wherever it is */
		{ "{\n \"kinesis.endpoint\": \"kinesis.us-west-2.amazonaws.com\",\n"
		  " \"firehose.endpoint\": \"firehose.eu-west-1.amazonaws.com\",\n" FLOWS "}",
		  "kagent.conf:3: firehose.endpoint: \"eu-west-1\" does not match kinesis.endpoint's region \"us-west-2\"\n" },
		{ "{\n \"awsRegion\": \"eu-west-1\",\n \"firehose.endpoint\": \"firehose.eu-west-1.amazonaws.com\",\n"
		  " \"kinesis.endpoint\": \"kinesis.eu-central-1.amazonaws.com\",\n" FLOWS "}",
		  "kagent.conf:2: awsRegion: \"eu-west-1\" does not match kinesis.endpoint's region \"eu-central-1\"\n" },
	};
	CONF_T_ERRORS(cases);
}

/* Flows in several regions: each its own awsRegion and endpoint (kagent's keys). */
T(conf_flow_regions)
{
	struct conf c;
	const char *text =
	    "{\"awsRegion\": \"eu-west-1\", \"kinesis.endpoint\": \"http://127.0.0.1:4567\",\n"
	    " \"flows\": [{\"filePattern\": \"/a\", \"deliveryStream\": \"s1\"},\n"
	    "  {\"filePattern\": \"/b\", \"deliveryStream\": \"s2\", \"awsRegion\": \"us-west-2\"},\n"
	    "  {\"filePattern\": \"/c\", \"kinesisStream\": \"k1\"},\n"
	    "  {\"filePattern\": \"/d\", \"kinesisStream\": \"k2\", \"awsRegion\": \"ap-south-1\"},\n"
	    "  {\"filePattern\": \"/e\", \"kinesisStream\": \"k3\",\n"
	    "   \"kinesis.endpoint\": \"kinesis.sa-east-1.amazonaws.com\"},\n"
	    "  {\"filePattern\": \"/f\", \"deliveryStream\": \"s3\", \"awsRegion\": \"eu-central-1\",\n"
	    "   \"firehose.endpoint\": \"http://127.0.0.1:4568\"}]}\n";

	T_EQ_INT(conf_t_load(&c, text), 0);
	T_EQ_STR(conf_t_err, "");
	/* the top level's */
	T_EQ_STR(c.flows[0].region, "eu-west-1");
	T_EQ_STR(c.flows[0].ep.host, "firehose.eu-west-1.amazonaws.com");
	/* its own region: AWS's endpoint there */
	T_EQ_STR(c.flows[1].region, "us-west-2");
	T_EQ_STR(c.flows[1].ep.host, "firehose.us-west-2.amazonaws.com");
	T_EQ_INT(c.flows[1].ep.tls, 1);
	T_EQ_STR(c.flows[2].region, "eu-west-1");
	T_EQ_STR(c.flows[2].ep.host, "127.0.0.1");
	T_EQ_INT(c.flows[2].ep.port, 4567);
	T_EQ_INT(c.flows[2].ep.tls, 0);
	/* its own region beats the top level's explicit endpoint */
	T_EQ_STR(c.flows[3].region, "ap-south-1");
	T_EQ_STR(c.flows[3].ep.host, "kinesis.ap-south-1.amazonaws.com");
	/* its endpoint names its region */
	T_EQ_STR(c.flows[4].region, "sa-east-1");
	T_EQ_STR(c.flows[4].ep.host, "kinesis.sa-east-1.amazonaws.com");
	T_EQ_STR(c.flows[5].region, "eu-central-1");
	T_EQ_STR(c.flows[5].ep.host, "127.0.0.1");
	T_EQ_INT(c.flows[5].ep.port, 4568);
}

T(conf_error_flow_regions)
{
	static const struct conf_t_case cases[] = {
		{ "{\"flows\": [\n {\"filePattern\": \"/a\", \"deliveryStream\": \"s\",\n"
		  "  \"awsRegion\": \"Europe\"}]}",
		  "kagent.conf:3: flows[0].awsRegion: must be a region name such as us-east-1, got \"Europe\"\n" },
		{ "{\"flows\": [\n {\"filePattern\": \"/a\", \"deliveryStream\": \"s\",\n"
		  "  \"kinesis.endpoint\": \"http://h\"}]}",
		  "kagent.conf:3: flows[0].kinesis.endpoint: this flow sends to Firehose: give firehose.endpoint\n" },
		{ "{\"flows\": [\n {\"filePattern\": \"/a\", \"kinesisStream\": \"s\",\n"
		  "  \"firehose.endpoint\": \"http://h\"}]}",
		  "kagent.conf:3: flows[0].firehose.endpoint: this flow sends to Kinesis: give kinesis.endpoint\n" },
		{ "{\"flows\": [\n {\"filePattern\": \"/a\", \"kinesisStream\": \"s\",\n"
		  "  \"kinesis.endpoint\": \"ftp://h\"}]}",
		  "kagent.conf:3: flows[0].kinesis.endpoint: unsupported scheme (https:// or http://), got \"ftp://h\"\n" },
		{ "{\"flows\": [\n {\"filePattern\": \"/a\", \"kinesisStream\": \"s\", \"awsRegion\": \"us-west-2\",\n"
		  "  \"kinesis.endpoint\": \"kinesis.eu-west-1.amazonaws.com\"}]}",
		  "kagent.conf:2: awsRegion: \"us-west-2\" does not match flows[0].kinesis.endpoint's region \"eu-west-1\"\n" },
	};
	CONF_T_ERRORS(cases);
}

T(conf_network_settings)
{
	struct conf c;
	const char *low =
	    "{\n"
	    " \"resolvConf\": \"/etc/kagent/resolv.conf\",\n"
	    " \"connectionTimeoutMillis\": 100,\n"
	    " \"socketTimeoutMillis\": 100,\n"
	    " \"idleTimeoutMillis\": 1000,\n"
	    " \"shutdownTimeoutMillis\": 0,\n"
	    " \"sendFailureTimeout\": 0,\n"
	    FLOWS "}\n";
	const char *high =
	    "{\n"
	    " \"connectionTimeoutMillis\": 600000,\n"
	    " \"socketTimeoutMillis\": \"600000\",\n"
	    " \"idleTimeoutMillis\": 3600000,\n"
	    " \"shutdownTimeoutMillis\": 600000,\n"
	    " \"sendFailureTimeout\": 604800000,\n"
	    FLOWS "}\n";

	T_EQ_INT(conf_t_load(&c, low), 0);
	T_EQ_STR(conf_t_err, "");
	T_EQ_STR(c.resolv_conf, "/etc/kagent/resolv.conf");
	T_EQ_INT(c.connect_timeout_ms, 100);
	T_EQ_INT(c.socket_timeout_ms, 100);
	T_EQ_INT(c.idle_timeout_ms, 1000);
	T_EQ_INT(c.shutdown_timeout_ms, 0);
	T_EQ_INT(c.send_failure_timeout_ms, 0);

	T_EQ_INT(conf_t_load(&c, high), 0);
	T_EQ_STR(conf_t_err, "");
	T_EQ_STR(c.resolv_conf, "/etc/resolv.conf");
	T_EQ_INT(c.connect_timeout_ms, 600000);
	T_EQ_INT(c.socket_timeout_ms, 600000);
	T_EQ_INT(c.idle_timeout_ms, 3600000);
	T_EQ_INT(c.shutdown_timeout_ms, 600000);
	T_EQ_INT(c.send_failure_timeout_ms, 604800000);
}

T(conf_error_network_settings)
{
	static const struct conf_t_case cases[] = {
#define TOP(k, v) "{\n \"" k "\": " v ",\n" FLOWS "}"
		{ TOP("tlsHandshakeTimeoutMillis", "99"),
		  "kagent.conf:2: tlsHandshakeTimeoutMillis: must be 100..600000, got 99\n" },
		{ TOP("connectionTimeoutMillis", "99"),
		  "kagent.conf:2: connectionTimeoutMillis: must be 100..600000, got 99\n" },
		{ TOP("connectionTimeoutMillis", "600001"),
		  "kagent.conf:2: connectionTimeoutMillis: must be 100..600000, got 600001\n" },
		{ TOP("connectionTimeoutMillis", "\"10s\""),
		  "kagent.conf:2: connectionTimeoutMillis: must be a number, got \"10s\"\n" },
		{ TOP("socketTimeoutMillis", "99"), "kagent.conf:2: socketTimeoutMillis: must be 100..600000, got 99\n" },
		{ TOP("socketTimeoutMillis", "600001"),
		  "kagent.conf:2: socketTimeoutMillis: must be 100..600000, got 600001\n" },
		{ TOP("idleTimeoutMillis", "999"), "kagent.conf:2: idleTimeoutMillis: must be 1000..3600000, got 999\n" },
		{ TOP("idleTimeoutMillis", "3600001"),
		  "kagent.conf:2: idleTimeoutMillis: must be 1000..3600000, got 3600001\n" },
		{ TOP("shutdownTimeoutMillis", "-1"), "kagent.conf:2: shutdownTimeoutMillis: must be 0..600000, got -1\n" },
		{ TOP("shutdownTimeoutMillis", "600001"),
		  "kagent.conf:2: shutdownTimeoutMillis: must be 0..600000, got 600001\n" },
		{ TOP("shutdownTimeoutMillis", "1.5"),
		  "kagent.conf:2: shutdownTimeoutMillis: must be a whole number, got 1.5\n" },
		{ TOP("resolvConf", "\"etc/resolv.conf\""),
		  "kagent.conf:2: resolvConf: must be an absolute path, got \"etc/resolv.conf\"\n" },
		{ TOP("resolvConf", "\"\""), "kagent.conf:2: resolvConf: must not be empty\n" },
		{ TOP("resolvConf", "null"), "kagent.conf:2: resolvConf: must be a string\n" },
		{ "{\n \"socketTimeoutMillis\": 1000,\n \"socketTimeoutMillis\": 2000,\n" FLOWS "}",
		  "kagent.conf:3: socketTimeoutMillis: duplicate key (first on line 2)\n" },
#undef TOP
	};
	CONF_T_ERRORS(cases);
}

/* sendFailureTimeout: milliseconds as a number, or "Ns", "Nm", "Nh"; at
 * most a week; 0 is off. */
T(conf_send_failure_timeout)
{
	static const struct {
		const char *json;
		int64_t ms;
	} ok[] = {
		{ "\"5m\"", 300000 },
		{ "\"300s\"", 300000 },
		{ "\"1h\"", 3600000 },
		{ "\"1s\"", 1000 },
		{ "2000", 2000 },
		{ "0", 0 },
		{ "\"0s\"", 0 },
		{ "\"168h\"", 604800000 },
		{ "\"10080m\"", 604800000 },
		{ "\"604800s\"", 604800000 },
		{ "604800000", 604800000 },
	};
	static const struct conf_t_case bad[] = {
#define SFT(v) "{\n \"sendFailureTimeout\": " v ",\n" FLOWS "}"
#define SFT_MSG(v) "kagent.conf:2: sendFailureTimeout: must be milliseconds or a duration such as \"300s\", " \
	"\"5m\", \"1h\", got \"" v "\"\n"
		{ SFT("\"5x\""), SFT_MSG("5x") },
		{ SFT("\"8d\""), SFT_MSG("8d") },
		{ SFT("\"1w\""), SFT_MSG("1w") },
		{ SFT("\"5M\""), SFT_MSG("5M") },
		{ SFT("\"5ms\""), SFT_MSG("5ms") },
		{ SFT("\"5 m\""), SFT_MSG("5 m") },
		{ SFT("\"1.5h\""), SFT_MSG("1.5h") },
		{ SFT("\"-5m\""), SFT_MSG("-5m") },
		{ SFT("\"m\""), SFT_MSG("m") },
		{ SFT("\"\""), SFT_MSG("") },
		{ SFT("\"2000\""), SFT_MSG("2000") },
		{ SFT("\"169h\""), "kagent.conf:2: sendFailureTimeout: at most a week\n" },
		{ SFT("\"10081m\""), "kagent.conf:2: sendFailureTimeout: at most a week\n" },
		{ SFT("604800001"), "kagent.conf:2: sendFailureTimeout: must be 0..604800000, got 604800001\n" },
		{ SFT("-1"), "kagent.conf:2: sendFailureTimeout: must be 0..604800000, got -1\n" },
		{ SFT("1.5"), "kagent.conf:2: sendFailureTimeout: must be a whole number, got 1.5\n" },
		{ SFT("true"), "kagent.conf:2: sendFailureTimeout: must be a number\n" },
#undef SFT
#undef SFT_MSG
	};
	char text[256];
	struct conf c;
	size_t i;

	for (i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		snprintf(text, sizeof text, "{\"sendFailureTimeout\": %s, " FLOWS "}", ok[i].json);
		if (conf_t_load(&c, text) != 0 || conf_t_err[0] || c.send_failure_timeout_ms != ok[i].ms)
			t_fail(__FILE__, __LINE__, "case %zu (%s): err \"%s\" ms %lld, expected %lld", i, ok[i].json,
			    conf_t_err, (long long)c.send_failure_timeout_ms, (long long)ok[i].ms);
	}
	CONF_T_ERRORS(bad);
}

/* proxy: http://[user:password@]host[:port], port 3128 unless given. */
T(conf_proxy)
{
	static const struct {
		const char *url;
		const char *host;
		unsigned port;
		const char *auth;
	} cases[] = {
		{ "http://proxy.example.com", "proxy.example.com", 3128, "" },
		{ "http://proxy.example.com:8080/", "proxy.example.com", 8080, "" },
		{ "http://10.1.2.3:80", "10.1.2.3", 80, "" },
		{ "http://user:pass@proxy:3129", "proxy", 3129, "Basic dXNlcjpwYXNz" },
		{ "http://ab:c@[::1]", "::1", 3128, "Basic YWI6Yw==" },
		{ "http://u:p@[fe80::1]:8888", "fe80::1", 8888, "Basic dTpw" },
		{ "http://[2001:db8::5]/", "2001:db8::5", 3128, "" },
		{ "HTTP://Proxy:81", "Proxy", 81, "" },
		/* %XX in user:password is decoded, as curl does: "u:p@ss" */
		{ "http://u:p%40ss@h", "h", 3128, "Basic dTpwQHNz" },
	};
	char text[1024], url[600], want[300];
	struct conf c;
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		snprintf(text, sizeof text, "{\"proxy\": \"%s\", " FLOWS "}", cases[i].url);
		if (conf_t_load(&c, text) != 0 || conf_t_err[0] || c.proxy.tls != 0 ||
		    strcmp(c.proxy.host, cases[i].host) || c.proxy.port != cases[i].port ||
		    strcmp(c.proxy_auth, cases[i].auth))
			t_fail(__FILE__, __LINE__, "case %zu (%s): err \"%s\" tls %d host %s port %u auth \"%s\"", i,
			    cases[i].url, conf_t_err, c.proxy.tls, c.proxy.host, c.proxy.port, c.proxy_auth);
	}
	/* The endpoints are not touched by a proxy. */
	T_EQ_STR(c.firehose.host, "firehose.us-east-1.amazonaws.com");
	T_EQ_INT(c.firehose.port, 443);

	/* "" is no proxy. */
	T_EQ_INT(conf_t_load(&c, "{\"proxy\": \"\", " FLOWS "}"), 0);
	T_EQ_STR(conf_t_err, "");
	T_EQ_STR(c.proxy.host, "");
	T_EQ_STR(c.proxy_auth, "");

	/* user:password of 186 bytes: "Basic " and 248 bytes of base64. */
	memset(url, 0, sizeof url);
	memcpy(url, "http://u:", 9);
	memset(url + 9, 'p', 184);
	memcpy(url + 9 + 184, "@h", 2);
	snprintf(text, sizeof text, "{\"proxy\": \"%s\", " FLOWS "}", url);
	T_EQ_INT(conf_t_load(&c, text), 0);
	T_EQ_STR(conf_t_err, "");
	strcpy(want, "Basic dTpw");	/* "u:p" */
	for (i = 0; i < 61; i++)
		strcat(want, "cHBw");	/* "ppp" */
	T_EQ_STR(c.proxy_auth, want);
	T_EQ_STR(c.proxy.host, "h");
	/* one more byte is too long */
	memset(url + 9, 'p', 185);
	memcpy(url + 9 + 185, "@h", 2);
	snprintf(text, sizeof text, "{\n\"proxy\": \"%s\", " FLOWS "}", url);
	T_EQ_INT(conf_t_load(&c, text), -1);
	T_EQ_STR(conf_t_err, "kagent.conf:2: proxy: user:password too long\n");

	/* a host of 255 bytes, and of 256 */
	memset(url, 0, sizeof url);
	memcpy(url, "http://", 7);
	memset(url + 7, 'h', 255);
	snprintf(text, sizeof text, "{\"proxy\": \"%s\", " FLOWS "}", url);
	T_EQ_INT(conf_t_load(&c, text), 0);
	T_EQ_INT(strlen(c.proxy.host), 255);
	T_EQ_INT(c.proxy.port, 3128);
	url[7 + 255] = 'h';
	snprintf(text, sizeof text, "{\n\"proxy\": \"%s\", " FLOWS "}", url);
	T_EQ_INT(conf_t_load(&c, text), -1);
	T_EQ_STR(conf_t_err, "kagent.conf:2: proxy: host too long\n");
}

T(conf_error_proxy)
{
	static const struct conf_t_case cases[] = {
#define PX(s) "{\n \"proxy\": \"" s "\",\n" FLOWS "}"
		{ "{\n \"proxy\": 3128,\n" FLOWS "}", "kagent.conf:2: proxy: must be a string\n" },
		{ PX("https://proxy:443"), "kagent.conf:2: proxy: only an http:// proxy (it is sent CONNECT) is supported\n" },
		{ PX("socks5://proxy:1080"), "kagent.conf:2: proxy: only an http:// proxy (it is sent CONNECT) is supported\n" },
		{ PX("proxy.local:3128"), "kagent.conf:2: proxy: must start with http://\n" },
		{ PX("garbage"), "kagent.conf:2: proxy: must start with http://\n" },
		{ PX("http://"), "kagent.conf:2: proxy: empty host\n" },
		{ PX("http://u:p@"), "kagent.conf:2: proxy: empty host\n" },
		{ PX("http://:3128"), "kagent.conf:2: proxy: empty host\n" },
		{ PX("http://h:"), "kagent.conf:2: proxy: empty port\n" },
		{ PX("http://h:0"), "kagent.conf:2: proxy: port must be 1..65535\n" },
		{ PX("http://h:31a"), "kagent.conf:2: proxy: invalid port\n" },
		/* the message never shows the password */
		{ PX("http://user:secret@h:70000"), "kagent.conf:2: proxy: port must be 1..65535\n" },
		{ PX("http://h/path"), "kagent.conf:2: proxy: must not contain a path\n" },
		{ PX("http://h?x=1"), "kagent.conf:2: proxy: must not contain a query\n" },
		{ PX("http://fe80::1"), "kagent.conf:2: proxy: an IPv6 address must be in brackets\n" },
		{ PX("http://[::1"), "kagent.conf:2: proxy: missing ] after an IPv6 address\n" },
		{ PX("http://[::g]:3128"), "kagent.conf:2: proxy: invalid IPv6 address\n" },
		{ PX("http://a b"), "kagent.conf:2: proxy: invalid host name\n" },
		/* an '@' after the host is no user:password */
		{ PX("http://h/x@y"), "kagent.conf:2: proxy: must not contain user info\n" },
		{ PX("http://@h"), "kagent.conf:2: proxy: empty user:password before '@'\n" },
		{ "{\n \"proxy\": \"http://a\",\n \"proxy\": \"http://b\",\n" FLOWS "}",
		  "kagent.conf:3: proxy: duplicate key (first on line 2)\n" },
#undef PX
	};
	CONF_T_ERRORS(cases);
}

/* Without proxy in the file: https_proxy, else HTTPS_PROXY; no_proxy, else
 * NO_PROXY. */
T(conf_proxy_environment)
{
	static const char *const lower[] = { "https_proxy=http://proxy.local:8080", "no_proxy=localhost,.internal",
		NULL };
	/* the upper-case names when the lower-case ones are unset or empty */
	static const char *const upper[] = { "HTTPS_PROXY=http://u:p@10.0.0.1", "NO_PROXY=169.254.169.254", NULL };
	static const char *const empty[] = { "https_proxy=", "no_proxy=", "HTTPS_PROXY=http://u:p@10.0.0.1",
		"NO_PROXY=169.254.169.254", NULL };
	/* both set: the lower-case ones */
	static const char *const both[] = { "HTTPS_PROXY=http://u:p@10.0.0.1", "NO_PROXY=169.254.169.254",
		"https_proxy=http://[::1]:3129", "no_proxy=.example.com", NULL };
	static const char *const none_set[] = { "PATH=/bin", NULL };
	struct conf c;
	const char *none = "{" FLOWS "}", *file = "{\"proxy\": \"http://file.proxy:3130\", " FLOWS "}";
	const char *off = "{\"proxy\": \"\", " FLOWS "}";

	T_EQ_INT(conf_t_parse_env(&c, none, strlen(none), lower), 0);
	T_EQ_STR(conf_t_err, "");
	T_EQ_STR(c.proxy.host, "proxy.local");
	T_EQ_INT(c.proxy.port, 8080);
	T_EQ_INT(c.proxy.tls, 0);
	T_EQ_STR(c.proxy_auth, "");
	T_EQ_STR(c.no_proxy, "localhost,.internal");

	T_EQ_INT(conf_t_parse_env(&c, none, strlen(none), upper), 0);
	T_EQ_STR(conf_t_err, "");
	T_EQ_STR(c.proxy.host, "10.0.0.1");
	T_EQ_INT(c.proxy.port, 3128);
	T_EQ_STR(c.proxy_auth, "Basic dTpw");
	T_EQ_STR(c.no_proxy, "169.254.169.254");

	T_EQ_INT(conf_t_parse_env(&c, none, strlen(none), empty), 0);
	T_EQ_STR(c.proxy.host, "10.0.0.1");
	T_EQ_STR(c.no_proxy, "169.254.169.254");

	T_EQ_INT(conf_t_parse_env(&c, none, strlen(none), both), 0);
	T_EQ_STR(c.proxy.host, "::1");
	T_EQ_INT(c.proxy.port, 3129);
	T_EQ_STR(c.proxy_auth, "");
	T_EQ_STR(c.no_proxy, ".example.com");

	/* The file's proxy wins, and then the environment is not read at all;
	 * "" in the file is no proxy. */
	T_EQ_INT(conf_t_parse_env(&c, file, strlen(file), both), 0);
	T_EQ_STR(conf_t_err, "");
	T_EQ_STR(c.proxy.host, "file.proxy");
	T_EQ_INT(c.proxy.port, 3130);
	T_TRUE(c.no_proxy == NULL);
	T_EQ_INT(conf_t_parse_env(&c, off, strlen(off), both), 0);
	T_EQ_STR(c.proxy.host, "");
	T_EQ_STR(c.proxy_auth, "");

	/* no proxy at all */
	T_EQ_INT(conf_t_parse_env(&c, none, strlen(none), none_set), 0);
	T_EQ_STR(c.proxy.host, "");
	T_TRUE(c.no_proxy == NULL);

	/* a bad one from the environment names its variable */
	{
		static const char *const bad[] = { "HTTPS_PROXY=socks5://p:1080", NULL };
		T_EQ_INT(conf_t_parse_env(&c, none, strlen(none), bad), -1);
		T_EQ_STR(conf_t_err, "kagent.conf: HTTPS_PROXY (environment): only an http:// proxy (it is sent CONNECT) "
		    "is supported\n");
	}
}

/* ---- Java-agent files that must load ----------------------------------- */

#define K(s) "{\"flows\": [{\"filePattern\": \"/a\",\n \"kinesisStream\": \"k\",\n " s "}]}"
#define F(s) "{\"flows\": [{\"filePattern\": \"/a\",\n \"deliveryStream\": \"s\",\n " s "}]}"

/* A key of the other API is warned about once a file and ignored, its value
 * not even read, as the Java agent ignores it: AWS's own workshop files put
 * partitionKeyOption in Firehose flows. */
T(conf_other_api_keys_ignored)
{
	static const struct conf_t_case cases[] = {
		{ K("\"aggregatedRecordSizeBytes\": 0"),
		  "kagent.conf:3: flows[0].aggregatedRecordSizeBytes: only for a Firehose (deliveryStream) flow, ignored\n" },
		{ F("\"partitionKeyOption\": \"RANDOM\""),
		  "kagent.conf:3: flows[0].partitionKeyOption: only for a Kinesis (kinesisStream) flow, ignored\n" },
		{ F("\"partitionKey\": \"a\""),
		  "kagent.conf:3: flows[0].partitionKey: only for a Kinesis (kinesisStream) flow, ignored\n" },
		{ F("\"partitionKeyField\": \"a\""),
		  "kagent.conf:3: flows[0].partitionKeyField: only for a Kinesis (kinesisStream) flow, ignored\n" },
		{ F("\"maxRecordSizeBytes\":\n 1048576"),
		  "kagent.conf:3: flows[0].maxRecordSizeBytes: only for a Kinesis (kinesisStream) flow, ignored\n" },
		{ "{\"flows\": [{\"filePattern\": \"/a\",\n \"partitionKey\": \"p\",\n \"deliveryStream\": \"s\"}]}",
		  "kagent.conf:2: flows[0].partitionKey: only for a Kinesis (kinesisStream) flow, ignored\n" },
		/* not read: a value that would be wrong is not said to be */
		{ F("\"partitionKeyOption\": \"random\""),
		  "kagent.conf:3: flows[0].partitionKeyOption: only for a Kinesis (kinesisStream) flow, ignored\n" },
		{ F("\"maxRecordSizeBytes\": 1"),
		  "kagent.conf:3: flows[0].maxRecordSizeBytes: only for a Kinesis (kinesisStream) flow, ignored\n" },
		{ K("\"aggregatedRecordSizeBytes\": \"big\""),
		  "kagent.conf:3: flows[0].aggregatedRecordSizeBytes: only for a Firehose (deliveryStream) flow, ignored\n" },
	};
	const char *workshop =
	    "{\n"
	    "  \"cloudwatch.emitMetrics\": true,\n"
	    "  \"kinesis.endpoint\": \"\",\n"
	    "  \"firehose.endpoint\": \"firehose.us-east-1.amazonaws.com\",\n"
	    "  \"flows\": [\n"
	    "    {\n"
	    "      \"filePattern\": \"/var/log/httpd/access_log*\",\n"
	    "      \"deliveryStream\": \"web-logs\",\n"
	    "      \"partitionKeyOption\": \"RANDOM\"\n"
	    "    },\n"
	    "    {\n"
	    "      \"filePattern\": \"/var/log/httpd/error_log*\",\n"
	    "      \"deliveryStream\": \"error-logs\",\n"
	    "      \"partitionKeyOption\": \"RANDOM\"\n"
	    "    }\n"
	    "  ]\n"
	    "}\n";
	struct conf c;
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int rc = conf_t_load(&c, cases[i].text);
		if (rc != 0 || strcmp(conf_t_err, cases[i].want) != 0 || c.nflows != 1 ||
		    c.flows[0].key_kind != KINESIS_KEY_RANDOM || c.flows[0].key_arg || c.flows[0].aggregate_bytes ||
		    c.flows[0].max_record_bytes != 1048576)
			t_fail(__FILE__, __LINE__, "case %zu: returned %d\n  got      \"%s\"\n  expected \"%s\"", i, rc,
			    conf_t_err, cases[i].want);
	}
	/* said once in a file, however many flows have it */
	T_EQ_INT(conf_t_load(&c, workshop), 0);
	T_EQ_STR(conf_t_err,
	    "kagent.conf:9: flows[0].partitionKeyOption: only for a Kinesis (kinesisStream) flow, ignored\n");
	T_EQ_INT(c.nflows, 2);
	T_EQ_INT(c.flows[1].api, API_FIREHOSE);
	T_EQ_STR(c.flows[1].stream, "error-logs");
}

/* "" credentials are none, as the Java agent takes them: the environment's
 * are used. */
T(conf_empty_credentials)
{
	struct conf c;
	const char *empty = "{\"awsAccessKeyId\": \"\", \"awsSecretAccessKey\": \"\", \"awsSessionToken\": \"\", " FLOWS "}";
	const char *token = "{\"awsAccessKeyId\": \"AKIAFILE\", \"awsSecretAccessKey\": \"fs\", \"awsSessionToken\": \"\", "
	    FLOWS "}";
	const char *half = "{\"awsAccessKeyId\": \"\",\n \"awsSecretAccessKey\": \"s\",\n" FLOWS "}";
	const char *half2 = "{\"awsAccessKeyId\": \"AKIA\",\n \"awsSecretAccessKey\": \"\",\n" FLOWS "}";

	T_EQ_INT(conf_t_load_env(&c, empty, strlen(empty), "AKIAENV", "envsecret", "envtoken"), 0);
	T_EQ_STR(conf_t_err, "");
	T_EQ_STR(c.creds_source, "environment");
	T_EQ_STR(c.access_key_id, "AKIAENV");
	T_EQ_STR(c.secret_access_key, "envsecret");
	T_EQ_STR(c.session_token, "envtoken");

	T_EQ_INT(conf_t_load_env(&c, empty, strlen(empty), NULL, NULL, NULL), 0);
	T_EQ_STR(conf_t_err, "");
	T_EQ_STR(c.creds_source, "none");
	T_TRUE(c.access_key_id == NULL && c.secret_access_key == NULL && c.session_token == NULL);

	/* the file's keys without a token: no token, not the environment's */
	T_EQ_INT(conf_t_load_env(&c, token, strlen(token), "AKIAENV", "envsecret", "envtoken"), 0);
	T_EQ_STR(c.creds_source, "file");
	T_EQ_STR(c.access_key_id, "AKIAFILE");
	T_TRUE(c.session_token == NULL);

	/* half a pair is still half a pair */
	T_EQ_INT(conf_t_load_env(&c, half, strlen(half), "AKIAENV", "envsecret", NULL), -1);
	T_EQ_STR(conf_t_err, "kagent.conf:2: awsSecretAccessKey: given without awsAccessKeyId\n");
	T_EQ_INT(conf_t_load_env(&c, half2, strlen(half2), "AKIAENV", "envsecret", NULL), -1);
	T_EQ_STR(conf_t_err, "kagent.conf:1: awsAccessKeyId: given without awsSecretAccessKey\n");
}

/* kinesis.region (the Java agent's key since 2.0.3) is the region of the
 * Kinesis flows: their endpoint and their signature. */
T(conf_kinesis_region)
{
	static const struct conf_t_case bad[] = {
		{ "{\n \"kinesis.region\": \"Europe\",\n" FLOWS "}",
		  "kagent.conf:2: kinesis.region: must be a region name such as us-east-1, got \"Europe\"\n" },
		{ "{\n \"kinesis.region\": 1,\n" FLOWS "}", "kagent.conf:2: kinesis.region: must be a string\n" },
		{ "{\n \"kinesis.region\": \"eu-west-1\",\n \"kinesis.endpoint\": \"kinesis.us-west-2.amazonaws.com\",\n"
		  FLOWS "}",
		  "kagent.conf:2: kinesis.region: \"eu-west-1\" does not match kinesis.endpoint's region \"us-west-2\"\n" },
		/* awsRegion and firehose.endpoint still agree with each other */
		{ "{\n \"kinesis.region\": \"eu-west-1\",\n \"awsRegion\": \"us-west-2\",\n"
		  " \"firehose.endpoint\": \"firehose.eu-west-1.amazonaws.com\",\n" FLOWS "}",
		  "kagent.conf:3: awsRegion: \"us-west-2\" does not match firehose.endpoint's region \"eu-west-1\"\n" },
	};
	const char *java =
	    "{\n"
	    "  \"kinesis.region\": \"eu-west-1\",\n"
	    "  \"flows\": [\n"
	    "    {\"filePattern\": \"/a\", \"kinesisStream\": \"k\"},\n"
	    "    {\"filePattern\": \"/b\", \"deliveryStream\": \"s\"},\n"
	    "    {\"filePattern\": \"/c\", \"kinesisStream\": \"k2\", \"awsRegion\": \"ap-south-1\"},\n"
	    "    {\"filePattern\": \"/d\", \"kinesisStream\": \"k3\", \"kinesis.endpoint\": \"http://127.0.0.1:4568\"}\n"
	    "  ]\n"
	    "}\n";
	const char *local = "{\"kinesis.region\": \"eu-west-1\", \"kinesis.endpoint\": \"http://127.0.0.1:4567\",\n"
	    " \"awsRegion\": \"us-west-2\", \"flows\": [{\"filePattern\": \"/a\", \"kinesisStream\": \"k\"}, " FLOW "]}";
	const char *agree = "{\"kinesis.region\": \"eu-west-1\", \"kinesis.endpoint\": \"kinesis.eu-west-1.amazonaws.com\","
	    " \"flows\": [{\"filePattern\": \"/a\", \"kinesisStream\": \"k\"}, " FLOW "]}";
	const char *unset = "{\"kinesis.region\": \"\", \"flows\": [{\"filePattern\": \"/a\", \"kinesisStream\": \"k\"}]}";
	struct conf c;
	char out[8192];

	T_EQ_INT(conf_t_load(&c, java), 0);
	T_EQ_STR(conf_t_err, "");
	T_EQ_STR(c.kinesis_region, "eu-west-1");
	T_EQ_STR(c.region, "us-east-1");
	T_EQ_STR(c.kinesis.host, "kinesis.eu-west-1.amazonaws.com");
	T_EQ_STR(c.firehose.host, "firehose.us-east-1.amazonaws.com");
	T_EQ_STR(c.flows[0].region, "eu-west-1");
	T_EQ_STR(c.flows[0].ep.host, "kinesis.eu-west-1.amazonaws.com");
	T_EQ_INT(c.flows[0].ep.tls, 1);
	T_EQ_STR(c.flows[1].region, "us-east-1");
	T_EQ_STR(c.flows[1].ep.host, "firehose.us-east-1.amazonaws.com");
	/* a flow's own awsRegion wins, its own endpoint too */
	T_EQ_STR(c.flows[2].region, "ap-south-1");
	T_EQ_STR(c.flows[2].ep.host, "kinesis.ap-south-1.amazonaws.com");
	T_EQ_STR(c.flows[3].region, "eu-west-1");
	T_EQ_STR(c.flows[3].ep.host, "127.0.0.1");
	conf_t_print(&c, out, sizeof out);
	T_TRUE(strstr(out, "\nkinesis.endpoint = https://kinesis.eu-west-1.amazonaws.com\n") != NULL);
	T_TRUE(strstr(out, "\nflows[0].awsRegion = eu-west-1\nflows[0].kinesis.endpoint = "
	    "https://kinesis.eu-west-1.amazonaws.com\n") != NULL);

	/* a kinesis.endpoint elsewhere (a VPC endpoint, a local one) is signed
	 * for kinesis.region; awsRegion stays the Firehose flows' */
	T_EQ_INT(conf_t_load(&c, local), 0);
	T_EQ_STR(conf_t_err, "");
	T_EQ_STR(c.flows[0].region, "eu-west-1");
	T_EQ_STR(c.flows[0].ep.host, "127.0.0.1");
	T_EQ_INT(c.flows[0].ep.port, 4567);
	T_EQ_STR(c.flows[1].region, "us-west-2");
	T_EQ_STR(c.flows[1].ep.host, "firehose.us-west-2.amazonaws.com");

	/* an AWS kinesis.endpoint that agrees; it no longer names the
	 * Firehose flows' region */
	T_EQ_INT(conf_t_load(&c, agree), 0);
	T_EQ_STR(conf_t_err, "");
	T_EQ_STR(c.region, "us-east-1");
	T_EQ_STR(c.flows[0].region, "eu-west-1");
	T_EQ_STR(c.flows[1].ep.host, "firehose.us-east-1.amazonaws.com");

	/* "" is not set, as in the Java agent */
	T_EQ_INT(conf_t_load(&c, unset), 0);
	T_EQ_STR(conf_t_err, "");
	T_TRUE(c.kinesis_region == NULL);
	T_EQ_STR(c.flows[0].region, "us-east-1");

	CONF_T_ERRORS(bad);
}

/* firehose.region: the Java agent does not read it; kagent says so. */
T(conf_firehose_region)
{
	struct conf c;

	T_EQ_INT(conf_t_load(&c, "{\"firehose.region\": \"eu-west-1\",\n" FLOWS "}"), 0);
	T_EQ_STR(conf_t_err, "kagent.conf:1: firehose.region: not read by the Java agent either: the region is "
	    "awsRegion's (or firehose.endpoint's); ignored\n");
	T_EQ_STR(c.flows[0].region, "us-east-1");
}

/* The Java agent's log.* keys: what kagent does instead. */
T(conf_java_log_keys)
{
	struct conf c;
	const char *text =
	    "{\"log.level\": \"DEBUG\",\n"
	    " \"log.file\": \"/var/log/aws-kinesis-agent/aws-kinesis-agent.log\",\n"
	    " \"log.maxBackupIndex\": 5,\n"
	    " \"log.maxFileSize\": 10485760,\n" FLOWS "}";

	T_EQ_INT(conf_t_load(&c, text), 0);
	T_EQ_STR(conf_t_err,
	    "kagent.conf:1: log.level: not used: kagent logs errors, warnings and what it does to stderr or syslog "
	    "(-s, logTarget), with -v also debug lines; ignored\n"
	    "kagent.conf:2: log.file: not used: kagent logs to stderr or syslog (-s, logTarget); ignored\n"
	    "kagent.conf:3: log.maxBackupIndex: not used: kagent logs to stderr or syslog (-s, logTarget) and writes "
	    "no log file; ignored\n"
	    "kagent.conf:4: log.maxFileSize: not used: kagent logs to stderr or syslog (-s, logTarget) and writes no "
	    "log file; ignored\n");
}

/* logTarget and pidFile: what -s and -p say, from the file. */
T(conf_log_target_and_pid_file)
{
	static const struct conf_t_case cases[] = {
		{ "{\"logTarget\": \"file\",\n" FLOWS "}",
		  "kagent.conf:1: logTarget: must be \"stderr\" or \"syslog\", got \"file\"\n" },
		{ "{\"logTarget\": \"\",\n" FLOWS "}", "kagent.conf:1: logTarget: must be \"stderr\" or \"syslog\", got \"\"\n" },
		{ "{\"pidFile\": \"run/kagent.pid\",\n" FLOWS "}",
		  "kagent.conf:1: pidFile: must be an absolute path, got \"run/kagent.pid\"\n" },
		{ "{\"pidFile\": \"\",\n" FLOWS "}", "kagent.conf:1: pidFile: must not be empty\n" },
		{ "{\"flows\": [{\"filePattern\": \"/a\", \"deliveryStream\": \"s\",\n \"logTarget\": \"syslog\"}],\n"
		  " \"pidFile\": 1}",
		  "kagent.conf:2: flows[0].logTarget: belongs at the top level, not in a flow; ignored\n"
		  "kagent.conf:3: pidFile: must be a string\n" },
	};
	struct conf c;
	char out[4096];

	T_EQ_INT(conf_t_load(&c, "{" FLOWS "}"), 0);
	T_EQ_INT(c.log_syslog, 0);
	T_TRUE(c.pid_file == NULL);
	T_EQ_INT(conf_t_load(&c, "{\"logTarget\": \"syslog\", \"pidFile\": \"/run/kagent.pid\", " FLOWS "}"), 0);
	T_EQ_STR(conf_t_err, "");
	T_EQ_INT(c.log_syslog, 1);
	T_EQ_STR(c.pid_file, "/run/kagent.pid");
	conf_t_print(&c, out, sizeof out);
	T_TRUE(strstr(out, "\nshutdownTimeoutMillis = 5000\nlogTarget = syslog\npidFile = /run/kagent.pid\n") != NULL);
	T_EQ_INT(conf_t_load(&c, "{\"logTarget\": \"stderr\", " FLOWS "}"), 0);
	T_EQ_INT(c.log_syslog, 0);
	CONF_T_ERRORS(cases);
}

/* A key kagent knows, in the wrong place, is said to belong elsewhere. */
T(conf_misplaced_keys)
{
	struct conf c;
	const char *text =
	    "{\n"
	    " \"initialPosition\": \"START_OF_FILE\",\n"
	    " \"flows\": [{\"filePattern\": \"/a\", \"deliveryStream\": \"s\",\n"
	    "   \"checkpointFile\": \"/x\",\n"
	    "   \"dataProcessingOptions\": [{\"optionName\": \"SINGLELINE\",\n"
	    "     \"initialPosition\": \"END_OF_FILE\", \"caFile\": \"/y\", \"nosuch\": 1}]}]\n"
	    "}\n";

	T_EQ_INT(conf_t_load(&c, text), 0);
	T_EQ_STR(conf_t_err,
	    "kagent.conf:2: initialPosition: belongs in a flow (in \"flows\"); ignored\n"
	    "kagent.conf:4: flows[0].checkpointFile: belongs at the top level, not in a flow; ignored\n"
	    "kagent.conf:6: flows[0].dataProcessingOptions[0].initialPosition: belongs in the flow, not in a "
	    "processor; ignored\n"
	    "kagent.conf:6: flows[0].dataProcessingOptions[0].caFile: belongs at the top level, not in a processor; "
	    "ignored\n"
	    "kagent.conf:6: flows[0].dataProcessingOptions[0].nosuch: unknown key for SINGLELINE, ignored\n");
	T_EQ_INT(c.flows[0].initial_position, POS_END_OF_FILE);
	T_EQ_STR(c.checkpoint_file, "/var/lib/kagent/checkpoints");
	T_EQ_INT(c.flows[0].nproc, 1);
}

/* Every error in a file is said, not only the first; after
 * CONF_MAX_SHOWN, how many more there are. */
T(conf_every_error)
{
	static char text[4096];
	struct conf c;
	const char *three =
	    "{\n"
	    " \"socketTimeoutMillis\": 1,\n"
	    " \"flows\": [\n"
	    "  {\"filePattern\": \"logs/x\", \"deliveryStream\": \"s\", \"maxBufferSizeRecords\": 900},\n"
	    "  {\"filePattern\": \"/b\", \"kinesisStream\": \"k\", \"partitionKeyOption\": \"random\"},\n"
	    "  {\"filePattern\": \"/c\", \"deliveryStream\": \"t\"}\n"
	    " ],\n"
	    " \"caFile\": \"ca.pem\"\n"
	    "}\n";
	const char *last, *p;
	size_t len = 0, lines = 0;
	int i;

	T_EQ_INT(conf_t_load(&c, three), -1);
	T_EQ_STR(conf_t_err,
	    "kagent.conf:2: socketTimeoutMillis: must be 100..600000, got 1\n"
	    "kagent.conf:4: flows[0].filePattern: must be an absolute path, got \"logs/x\"\n"
	    "kagent.conf:4: flows[0].maxBufferSizeRecords: must be 1..500, got 900\n"
	    "kagent.conf:5: flows[1].partitionKeyOption: must be RANDOM or DETERMINISTIC, got \"random\"\n"
	    "kagent.conf:8: caFile: must be an absolute path, got \"ca.pem\"\n");

	/* 16 errors in 8 flows and 9 at the top level */
	len += (size_t)snprintf(text + len, sizeof text - len, "{\"flows\": [\n");
	for (i = 0; i < 8; i++)
		len += (size_t)snprintf(text + len, sizeof text - len,
		    "%s{\"filePattern\": \"x\", \"deliveryStream\": \"s%d\", \"maxBufferSizeRecords\": 0}\n", i ? "," : "", i);
	snprintf(text + len, sizeof text - len, "],\n"
	    "\"socketTimeoutMillis\": 1, \"connectionTimeoutMillis\": 1, \"idleTimeoutMillis\": 1,\n"
	    "\"shutdownTimeoutMillis\": -1, \"checkpointIntervalMillis\": -1, \"tlsHandshakeTimeoutMillis\": 1,\n"
	    "\"caFile\": \"x\", \"checkpointFile\": \"y\", \"resolvConf\": \"z\"}\n");
	T_EQ_INT(conf_t_load(&c, text), -1);
	for (p = conf_t_err; (p = strchr(p, '\n')); p++)
		lines++;
	T_EQ_INT(lines, 21);
	T_TRUE(strncmp(conf_t_err, "kagent.conf:2: flows[0].filePattern: must be an absolute path, got \"x\"\n", 71) == 0);
	last = conf_t_err + strlen(conf_t_err) - 1;
	while (last > conf_t_err && last[-1] != '\n')
		last--;
	T_EQ_STR(last, "kagent.conf: ... and 5 more errors (the first 20 are shown)\n");
}

/* configDir files through the reader: their flows after the main file's,
 * each message naming its own file. */
T(conf_config_dir_texts)
{
	static char main_text[256], a[256], b[256];
	struct conf_reader r;
	struct conf c;

	snprintf(main_text, sizeof main_text, "{\"configDir\": \"/etc/kagent.d\",\n" FLOWS "}");
	snprintf(a, sizeof a, "{\"flows\": [{\"filePattern\": \"/b\", \"kinesisStream\": \"k\"}]}");
	conf_t_clear();
	conf_begin(&r, &c, "kagent.conf", NULL, &conf_t_say);
	T_EQ_INT(conf_text(&r, main_text, strlen(main_text), "kagent.conf"), 0);
	T_EQ_STR(r.config_dir, "/etc/kagent.d");
	T_EQ_INT(conf_text(&r, a, strlen(a), "10-a.json"), 0);
	T_EQ_INT(conf_end(&r), 0);
	T_EQ_STR(conf_t_err, "");
	T_EQ_INT(c.nflows, 2);
	T_EQ_STR(c.flows[1].file, "10-a.json");
	T_EQ_INT(c.flows[1].api, API_KINESIS);
	T_EQ_STR(c.flows[1].region, "us-east-1");
	T_EQ_STR(c.flows[1].ep.host, "kinesis.us-east-1.amazonaws.com");

	/* each error in its own file, in file order; the main file's flows are
	 * not said to be missing */
	snprintf(main_text, sizeof main_text, "{\"configDir\": \"/etc/kagent.d\"}");
	snprintf(a, sizeof a, "{\"flows\": [\n {\"filePattern\": \"/x\", \"deliveryStream\": \"s\", \"kinesisStream\": \"k\"}],\n"
	    " \"awsRegion\": \"eu-west-1\"}");
	snprintf(b, sizeof b, "{\"flow\": []}");
	conf_t_clear();
	conf_begin(&r, &c, "kagent.conf", NULL, &conf_t_say);
	T_EQ_INT(conf_text(&r, main_text, strlen(main_text), "kagent.conf"), 0);
	T_EQ_INT(conf_text(&r, a, strlen(a), "20-b.json"), -1);
	T_EQ_INT(conf_text(&r, b, strlen(b), "30-c.json"), -1);
	T_EQ_INT(conf_end(&r), -1);
	T_EQ_STR(conf_t_err,
	    "20-b.json:2: flows[0].kinesisStream: a flow has one destination, deliveryStream is already given\n"
	    "20-b.json:3: awsRegion: a configDir file holds only flows\n"
	    "30-c.json:1: flow: a configDir file holds only flows\n"
	    "30-c.json:1: flows is required\n");

	/* no flow anywhere */
	snprintf(main_text, sizeof main_text, "{\"configDir\": \"/etc/kagent.d\"}");
	conf_t_clear();
	conf_begin(&r, &c, "kagent.conf", NULL, &conf_t_say);
	T_EQ_INT(conf_text(&r, main_text, strlen(main_text), "kagent.conf"), 0);
	T_EQ_INT(conf_end(&r), -1);
	T_EQ_STR(conf_t_err, "kagent.conf:1: no flows: none here, none in configDir\n");

	/* one flow twice, across files */
	snprintf(main_text, sizeof main_text, "{\"configDir\": \"/etc/kagent.d\",\n" FLOWS "}");
	snprintf(a, sizeof a, "{\"flows\": [" FLOW "]}");
	conf_t_clear();
	conf_begin(&r, &c, "kagent.conf", NULL, &conf_t_say);
	T_EQ_INT(conf_text(&r, main_text, strlen(main_text), "kagent.conf"), 0);
	T_EQ_INT(conf_text(&r, a, strlen(a), "10-a.json"), -1);
	T_EQ_INT(conf_end(&r), -1);
	T_EQ_STR(conf_t_err, "10-a.json:1: flows[0]: same filePattern and deliveryStream as kagent.conf:2\n");
}

/* conf_read: the main file and configDir's *.json, in name order. */
T(conf_read_config_dir)
{
	char path[200], dir[100], text[512];
	struct conf c;

	T_TRUE(mkdtemp(strcpy(conf_t_dir, "/tmp/kagent-conf-XXXXXX")) != NULL);
	snprintf(dir, sizeof dir, "%s/agent.d", conf_t_dir);
	T_EQ_INT(mkdir(dir, 0700), 0);
	snprintf(path, sizeof path, "%s/20-b.json", dir);
	T_EQ_INT(conf_t_write(path, "{\"flows\": [{\"filePattern\": \"/c\", \"deliveryStream\": \"db\"}]}", 58), 0);
	snprintf(path, sizeof path, "%s/10-a.json", dir);
	T_EQ_INT(conf_t_write(path, "{\"flows\": [{\"filePattern\": \"/b\", \"deliveryStream\": \"da\"}]}", 58), 0);
	snprintf(path, sizeof path, "%s/notes.txt", dir);
	T_EQ_INT(conf_t_write(path, "not a config\n", 13), 0);
	snprintf(text, sizeof text, "{\"configDir\": \"%s\",\n \"flows\": [{\"filePattern\": \"/a\", \"deliveryStream\": \"main\"}]}",
	    dir);
	snprintf(path, sizeof path, "%s/kagent.conf", conf_t_dir);
	T_EQ_INT(conf_t_write(path, text, strlen(text)), 0);
	T_EQ_INT(conf_t_read(&c, path), 0);
	T_EQ_STR(conf_t_err, "");
	T_EQ_INT(c.nflows, 3);
	T_EQ_STR(c.flows[0].stream, "main");
	T_EQ_STR(c.flows[1].stream, "da");
	T_EQ_STR(c.flows[2].stream, "db");
	T_TRUE(strstr(c.flows[1].file, "/agent.d/10-a.json") != NULL);

	/* a configDir that is not there */
	snprintf(text, sizeof text, "{\"configDir\": \"%s/nope\",\n" FLOWS "}", conf_t_dir);
	T_EQ_INT(conf_t_write(path, text, strlen(text)), 0);
	T_EQ_INT(conf_t_read(&c, path), -1);
	T_EQ_STR(conf_t_err, "kagent.conf:1: configDir: nope: No such file or directory\n");

	unlink(path);
	snprintf(path, sizeof path, "%s/20-b.json", dir);
	unlink(path);
	snprintf(path, sizeof path, "%s/10-a.json", dir);
	unlink(path);
	snprintf(path, sizeof path, "%s/notes.txt", dir);
	unlink(path);
	rmdir(dir);
	rmdir(conf_t_dir);
}
#undef K
#undef F

/* With obj given to another user (root can), conf_read(path) is refused
 * with want; obj is root's again after. */
static void conf_t_other_owner(const char *obj, const char *path, const char *want)
{
	struct conf c;
	int rc;

	if (geteuid() != 0)
		return;	/* only root can make another user's file */
	T_EQ_INT(chown(obj, 65534, 65534), 0);
	rc = conf_t_read(&c, path);
	T_EQ_INT(chown(obj, 0, 0), 0);
	T_EQ_INT(rc, -1);
	T_EQ_STR(conf_t_err, want);
}

/* What directs kagent (where it sends, as whom) may have been written only
 * by root or kagent's own user: a configuration file, configDir or a file
 * in it writable by its group or others, or owned by another user, is
 * refused; a file holding a secret that others may read is warned about. */
T(conf_read_file_modes)
{
	static const char secret[] = "{\"awsAccessKeyId\": \"AKID\", \"awsSecretAccessKey\": \"s3cret\",\n" FLOWS "}";
	static const struct {
		const char *text;
		mode_t mode;
		int rc;
		const char *want;
	} cases[] = {
		{ secret, 0600, 0, "" },
		{ secret, 0640, 0, "" },
		{ secret, 0400, 0, "" },
		{ secret, 0644, 0, "kagent.conf: readable by others (mode 0644) and holds awsSecretAccessKey: "
		  "chmod o-r kagent.conf\n" },
		{ "{\"awsSessionToken\": \"tok\", \"awsAccessKeyId\": \"AKID\", \"awsSecretAccessKey\": \"s\",\n" FLOWS "}",
		  0604, 0, "kagent.conf: readable by others (mode 0604) and holds awsSessionToken: chmod o-r kagent.conf\n" },
		{ "{\"proxy\": \"http://u:p@h:3128\",\n" FLOWS "}", 0644, 0,
		  "kagent.conf: readable by others (mode 0644) and holds the proxy's password: chmod o-r kagent.conf\n" },
		{ "{\"awsAccessKeyId\": \"\", \"proxy\": \"http://h\",\n" FLOWS "}", 0644, 0, "" },
		{ secret, 0664, -1, "kagent.conf: writable by its group (mode 0664): refused, since whoever can write it "
		  "directs kagent; chmod go-w kagent.conf\n" },
		{ secret, 0602, -1, "kagent.conf: writable by others (mode 0602): refused, since whoever can write it "
		  "directs kagent; chmod go-w kagent.conf\n" },
		{ secret, 0666, -1, "kagent.conf: writable by its group and others (mode 0666): refused, since whoever "
		  "can write it directs kagent; chmod go-w kagent.conf\n" },
		{ "{" FLOWS "}", 02777, -1, "kagent.conf: writable by its group and others (mode 2777): refused, since "
		  "whoever can write it directs kagent; chmod go-w kagent.conf\n" },
	};
	char path[200], dir[100], text[512];
	struct conf c;
	size_t i;

	T_TRUE(mkdtemp(strcpy(conf_t_dir, "/tmp/kagent-conf-XXXXXX")) != NULL);
	snprintf(path, sizeof path, "%s/kagent.conf", conf_t_dir);
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		T_EQ_INT(conf_t_write(path, cases[i].text, strlen(cases[i].text)), 0);
		T_EQ_INT(chmod(path, cases[i].mode), 0);
		if (conf_t_read(&c, path) != cases[i].rc || strcmp(conf_t_err, cases[i].want) != 0)
			t_fail(__FILE__, __LINE__, "case %zu (mode %04o):\n  got      \"%s\"\n  expected \"%s\"", i,
			    (unsigned)cases[i].mode, conf_t_err, cases[i].want);
	}
	/* another user's file, whatever its mode */
	T_EQ_INT(chmod(path, 0600), 0);
	conf_t_other_owner(path, path, "kagent.conf: owned by uid 65534, not by root: refused, since whoever can write it "
	    "directs kagent; chown root kagent.conf\n");

	/* configDir and its files */
	snprintf(dir, sizeof dir, "%s/agent.d", conf_t_dir);
	T_EQ_INT(mkdir(dir, 0700), 0);
	snprintf(text, sizeof text, "{\"configDir\": \"%s\",\n" FLOWS "}", dir);
	T_EQ_INT(conf_t_write(path, text, strlen(text)), 0);
	snprintf(path, sizeof path, "%s/10-a.json", dir);
	T_EQ_INT(conf_t_write(path, "{\"flows\": [{\"filePattern\": \"/b\", \"deliveryStream\": \"da\"}]}", 58), 0);
	snprintf(path, sizeof path, "%s/kagent.conf", conf_t_dir);
	T_EQ_INT(chmod(dir, 0755), 0);
	T_EQ_INT(conf_t_read(&c, path), 0);
	T_EQ_STR(conf_t_err, "");
	T_EQ_INT(c.nflows, 2);
	T_EQ_INT(chmod(dir, 01777), 0);
	T_EQ_INT(conf_t_read(&c, path), -1);
	T_EQ_STR(conf_t_err, "kagent.conf:1: configDir: agent.d: writable by its group and others (mode 1777): refused, "
	    "since whoever can write it adds flows; chmod go-w agent.d\n");
	T_EQ_INT(chmod(dir, 0775), 0);
	T_EQ_INT(conf_t_read(&c, path), -1);
	T_EQ_STR(conf_t_err, "kagent.conf:1: configDir: agent.d: writable by its group (mode 0775): refused, "
	    "since whoever can write it adds flows; chmod go-w agent.d\n");
	T_EQ_INT(chmod(dir, 0700), 0);
	snprintf(path, sizeof path, "%s/10-a.json", dir);
	T_EQ_INT(chmod(path, 0666), 0);
	snprintf(path, sizeof path, "%s/kagent.conf", conf_t_dir);
	T_EQ_INT(conf_t_read(&c, path), -1);
	T_EQ_STR(conf_t_err, "agent.d/10-a.json: writable by its group and others (mode 0666): refused, since whoever "
	    "can write it directs kagent; chmod go-w agent.d/10-a.json\n");
	snprintf(path, sizeof path, "%s/10-a.json", dir);
	T_EQ_INT(chmod(path, 0644), 0);
	snprintf(path, sizeof path, "%s/kagent.conf", conf_t_dir);
	conf_t_other_owner(dir, path, "kagent.conf:1: configDir: agent.d: owned by uid 65534, not by root: refused, "
	    "since whoever can write it adds flows; chown root agent.d\n");
	/* a FIFO named like a file: said, not waited on */
	snprintf(path, sizeof path, "%s/20-f.json", dir);
	T_EQ_INT(mkfifo(path, 0600), 0);
	snprintf(path, sizeof path, "%s/kagent.conf", conf_t_dir);
	T_EQ_INT(conf_t_read(&c, path), -1);
	T_EQ_STR(conf_t_err, "agent.d/20-f.json: cannot read: not a regular file\n");

	snprintf(path, sizeof path, "%s/20-f.json", dir);
	unlink(path);
	snprintf(path, sizeof path, "%s/10-a.json", dir);
	unlink(path);
	rmdir(dir);
	snprintf(path, sizeof path, "%s/kagent.conf", conf_t_dir);
	unlink(path);
	rmdir(conf_t_dir);
}

/* How many times needle (n bytes) is in [lo, hi). */
static int conf_t_occurs(const char *lo, const char *hi, const char *needle, size_t n)
{
	int k = 0;

	for (const char *p = lo; (p = memmem(p, (size_t)(hi - p), needle, n)); p++)
		k++;
	return k;
}

/* Once read, the text of the files (credentials in it) is gone from
 * memory: the agent keeps its own copies of what it needs and nothing else.
 * The secrets are written with an escape, so the text and the copy differ. */
T(conf_read_wipes_the_text)
{
	static const char main_text[] = "{\"awsAccessKeyId\": \"AKID\", \"awsSecretAccessKey\": \"wipe\\u004De\",\n"
	    " \"configDir\": \"%s\", \"flows\": [{\"filePattern\": \"/a\", \"deliveryStream\": \"main\"}]}";
	static const char dropin[] = "{\"flows\": [{\"filePattern\": \"/b\", \"deliveryStream\": \"drop\\u0049n\"}]}";
	char path[200], dir[100], text[512], *lo, *hi;
	struct conf c;

	T_TRUE(!arena_sealed());
	T_TRUE(mkdtemp(strcpy(conf_t_dir, "/tmp/kagent-conf-XXXXXX")) != NULL);
	snprintf(dir, sizeof dir, "%s/agent.d", conf_t_dir);
	T_EQ_INT(mkdir(dir, 0700), 0);
	snprintf(path, sizeof path, "%s/10-a.json", dir);
	T_EQ_INT(conf_t_write(path, dropin, strlen(dropin)), 0);
	snprintf(text, sizeof text, main_text, dir);
	snprintf(path, sizeof path, "%s/kagent.conf", conf_t_dir);
	T_EQ_INT(conf_t_write(path, text, strlen(text)), 0);

	/* the arena gives memory in order within a chunk: fill the current
	 * one, and what conf_read takes lies between lo and hi */
	(void)arena_alloc(64 * 1024);
	lo = arena_alloc(16);
	T_EQ_INT(conf_t_read(&c, path), 0);
	hi = arena_alloc(16);
	T_TRUE(hi > lo && hi - lo < 64 * 1024);
	T_EQ_STR(conf_t_err, "");
	T_EQ_STR(c.secret_access_key, "wipeMe");
	T_EQ_STR(c.flows[1].stream, "dropIn");
	T_EQ_INT(conf_t_occurs(lo, hi, "wipeMe", 6), 1);	/* the copy kept */
	T_EQ_INT(conf_t_occurs(lo, hi, "dropIn", 6), 1);
	T_EQ_INT(conf_t_occurs(lo, hi, "wipe\\u004De", 11), 0);	/* the text */
	T_EQ_INT(conf_t_occurs(lo, hi, "AKID", 4), 1);
	T_EQ_INT(conf_t_occurs(lo, hi, "drop\\u0049n", 11), 0);
	T_EQ_INT(conf_t_occurs(lo, hi, "filePattern", 11), 0);

	unlink(path);
	snprintf(path, sizeof path, "%s/10-a.json", dir);
	unlink(path);
	rmdir(dir);
	rmdir(conf_t_dir);
}

/* http:// sends the signed requests and any session token as they are: to
 * loopback it is taken, elsewhere only with allowCleartext (the main
 * file's, wherever it is in it; a configDir file cannot set it), for every
 * key naming an endpoint. */
T(conf_cleartext)
{
#define CT "http:// to a host other than loopback would send the signed requests and any session token " \
	"unencrypted: use https://, or allow it with \"allowCleartext\": true\n"
	static const char *const loopback[] = {
		"http://127.0.0.1:8080", "http://127.255.3.4", "http://localhost:4567", "http://LocalHost",
		"http://[::1]:8080", "http://[::ffff:127.0.0.2]", "https://example.com", "example.com",
	};
	static const char *const elsewhere[] = {
		"http://128.0.0.1", "http://10.0.0.5:8080", "http://example.com", "http://localhost.example.com",
		"http://127.0.0.1.nip.io", "http://[::2]", "http://[::ffff:10.0.0.1]", "http://[fe80::1]",
		"http://0.0.0.0",
	};
	static const struct conf_t_case cases[] = {
		{ "{\"firehose.endpoint\": \"http://10.1.2.3\",\n \"allowCleartext\": false,\n" FLOWS "}",
		  "kagent.conf:1: firehose.endpoint: " CT },
		{ "{\"allowCleartext\": \"sure\",\n \"kinesis.endpoint\": \"http://10.1.2.3\",\n" FLOWS "}",
		  "kagent.conf:1: allowCleartext: must be true or false, got \"sure\"\n"
		  "kagent.conf:2: kinesis.endpoint: " CT },
		{ "{\"allowCleartext\": 2, " FLOWS "}", "kagent.conf:1: allowCleartext: must be true or false, got 2\n" },
		/* the words the other booleans take (the Java agent's) */
		{ "{\"allowCleartext\": \"no\",\n \"kinesis.endpoint\": \"http://10.1.2.3\",\n" FLOWS "}",
		  "kagent.conf:2: kinesis.endpoint: " CT },
		/* a flow's own endpoint; the key in a flow is not the key */
		{ "{\"flows\": [\n {\"filePattern\": \"/a\", \"deliveryStream\": \"s\", \"allowCleartext\": true,\n"
		  "  \"firehose.endpoint\": \"http://10.1.2.3:80\"},\n"
		  " {\"filePattern\": \"/b\", \"kinesisStream\": \"k\", \"kinesis.endpoint\": \"http://10.1.2.3:81\"}]}",
		  "kagent.conf:2: flows[0].allowCleartext: belongs at the top level, not in a flow; ignored\n"
		  "kagent.conf:3: flows[0].firehose.endpoint: " CT
		  "kagent.conf:4: flows[1].kinesis.endpoint: " CT },
	};
	char text[512], path[200], dir[100];
	struct conf c;
	size_t i;

	for (i = 0; i < sizeof loopback / sizeof loopback[0]; i++) {
		snprintf(text, sizeof text, "{\"firehose.endpoint\": \"%s\", \"flows\": [{\"filePattern\": \"/a\", "
		    "\"kinesisStream\": \"k\", \"kinesis.endpoint\": \"%s\"}]}", loopback[i], loopback[i]);
		if (conf_t_load(&c, text) != 0 || conf_t_err[0])
			t_fail(__FILE__, __LINE__, "%s: \"%s\"", loopback[i], conf_t_err);
	}
	for (i = 0; i < sizeof elsewhere / sizeof elsewhere[0]; i++) {
		snprintf(text, sizeof text, "{\"firehose.endpoint\": \"%s\", " FLOWS "}", elsewhere[i]);
		if (conf_t_load(&c, text) != -1 || strcmp(conf_t_err, "kagent.conf:1: firehose.endpoint: " CT) != 0)
			t_fail(__FILE__, __LINE__, "%s: \"%s\"", elsewhere[i], conf_t_err);
		/* allowed, before or after the endpoint, and in a flow */
		snprintf(text, sizeof text, "{\"firehose.endpoint\": \"%s\", \"flows\": [{\"filePattern\": \"/a\", "
		    "\"kinesisStream\": \"k\", \"kinesis.endpoint\": \"%s\"}], \"allowCleartext\": %s}", elsewhere[i],
		    elsewhere[i], i % 2 ? "true" : "\"Yes\"");
		if (conf_t_load(&c, text) != 0 || conf_t_err[0] || !c.allow_cleartext || c.flows[0].ep.tls)
			t_fail(__FILE__, __LINE__, "%s allowed: \"%s\"", elsewhere[i], conf_t_err);
	}
	CONF_T_ERRORS(cases);

	/* configDir: the main file's allowCleartext, not the drop-in's */
	T_TRUE(mkdtemp(strcpy(conf_t_dir, "/tmp/kagent-conf-XXXXXX")) != NULL);
	snprintf(dir, sizeof dir, "%s/agent.d", conf_t_dir);
	T_EQ_INT(mkdir(dir, 0700), 0);
	snprintf(path, sizeof path, "%s/10-a.json", dir);
	snprintf(text, sizeof text, "{\"allowCleartext\": true, \"flows\": [{\"filePattern\": \"/b\", "
	    "\"deliveryStream\": \"d\",\n \"firehose.endpoint\": \"http://192.0.2.1\"}]}");
	T_EQ_INT(conf_t_write(path, text, strlen(text)), 0);
	snprintf(path, sizeof path, "%s/kagent.conf", conf_t_dir);
	snprintf(text, sizeof text, "{\"configDir\": \"%s\", " FLOWS "}", dir);
	T_EQ_INT(conf_t_write(path, text, strlen(text)), 0);
	T_EQ_INT(conf_t_read(&c, path), -1);
	T_EQ_STR(conf_t_err, "agent.d/10-a.json:1: allowCleartext: a configDir file holds only flows\n"
	    "agent.d/10-a.json:2: flows[0].firehose.endpoint: " CT);
	snprintf(text, sizeof text, "{\"configDir\": \"%s\", \"allowCleartext\": true, " FLOWS "}", dir);
	T_EQ_INT(conf_t_write(path, text, strlen(text)), 0);
	T_EQ_INT(conf_t_read(&c, path), -1);
	T_EQ_STR(conf_t_err, "agent.d/10-a.json:1: allowCleartext: a configDir file holds only flows\n");
	snprintf(path, sizeof path, "%s/10-a.json", dir);
	snprintf(text, sizeof text, "{\"flows\": [{\"filePattern\": \"/b\", \"deliveryStream\": \"d\",\n"
	    " \"firehose.endpoint\": \"http://192.0.2.1\"}]}");
	T_EQ_INT(conf_t_write(path, text, strlen(text)), 0);
	snprintf(path, sizeof path, "%s/kagent.conf", conf_t_dir);
	T_EQ_INT(conf_t_read(&c, path), 0);
	T_EQ_STR(conf_t_err, "");
	T_EQ_INT(c.flows[1].ep.tls, 0);
	T_EQ_STR(c.flows[1].ep.host, "192.0.2.1");

	unlink(path);
	snprintf(path, sizeof path, "%s/10-a.json", dir);
	unlink(path);
	rmdir(dir);
	rmdir(conf_t_dir);
#undef CT
}

/* The fleet's keys: statusFile, CloudWatch's, a Kinesis flow's aggregation. */
T(conf_fleet_keys)
{
	static const struct conf_t_case cases[] = {
#define TOP(k, v) "{\n \"" k "\": " v ",\n" FLOWS "}"
		{ TOP("cloudwatch.emitMetrics", "\"maybe\""),
		  "kagent.conf:2: cloudwatch.emitMetrics: must be true or false, got \"maybe\"\n" },
		{ TOP("cloudwatch.emitMetrics", "2"), "kagent.conf:2: cloudwatch.emitMetrics: must be true or false, got 2\n" },
		{ TOP("cloudwatch.emitMetrics", "null"),
		  "kagent.conf:2: cloudwatch.emitMetrics: must be true or false, got null\n" },
		{ TOP("cloudwatch.namespace", "\":x\""),
		  "kagent.conf:2: cloudwatch.namespace: must be 1..255 characters, not only blanks, not starting with ':', "
		  "got \":x\"\n" },
		{ TOP("cloudwatch.namespace", "\"   \""),
		  "kagent.conf:2: cloudwatch.namespace: must be 1..255 characters, not only blanks, not starting with ':', "
		  "got \"   \"\n" },
		{ TOP("cloudwatch.deviceId", "\"gw\\u00e9\""),
		  "kagent.conf:2: cloudwatch.deviceId: must be printable ASCII (CloudWatch takes nothing else)\n" },
		{ TOP("cloudwatch.deviceId", "\"a\\tb\""),
		  "kagent.conf:2: cloudwatch.deviceId: must be printable ASCII (CloudWatch takes nothing else)\n" },
		{ TOP("cloudwatch.metricsBufferTimeMillis", "999"),
		  "kagent.conf:2: cloudwatch.metricsBufferTimeMillis: must be 1000..3600000, got 999\n" },
		{ TOP("cloudwatch.endpoint", "\"ftp://x\""),
		  "kagent.conf:2: cloudwatch.endpoint: unsupported scheme (https:// or http://), got \"ftp://x\"\n" },
		{ TOP("statusFile", "\"run/kagent.json\""),
		  "kagent.conf:2: statusFile: must be an absolute path, got \"run/kagent.json\"\n" },
#undef TOP
	};
	struct conf c;

	CONF_T_ERRORS(cases);
	/* the Java agent's BooleanConverter's words, in any case; "" deviceId: no dimension */
	T_EQ_INT(conf_t_load(&c, "{\"cloudwatch.emitMetrics\": \"N\", \"cloudwatch.deviceId\": \"\", " FLOWS "}"), 0);
	T_EQ_INT(c.cw_emit, 0);
	T_EQ_STR(c.cw_device_id, "");
	T_EQ_INT(conf_t_load(&c, "{\"cloudwatch.emitMetrics\": \"YES\", " FLOWS "}"), 0);
	T_EQ_INT(c.cw_emit, 1);
	T_TRUE(c.cw_device_id == NULL && c.status_file == NULL);
	T_EQ_STR(c.cw_namespace, "AWSKinesisAgent");
	T_EQ_INT(c.cw_period_ms, 30000);
	/* a local endpoint is signed for awsRegion's region */
	T_EQ_INT(conf_t_load(&c, "{\"awsRegion\": \"ap-south-1\", \"cloudwatch.endpoint\": \"http://127.0.0.1:9\", "
	    FLOWS "}"), 0);
	T_EQ_STR(c.cw_region, "ap-south-1");
	T_EQ_STR(c.cloudwatch.host, "127.0.0.1");
	T_EQ_INT(c.cloudwatch.port, 9);
	/* aggregation is a Kinesis flow's */
	T_EQ_INT(conf_t_load(&c, "{\"flows\": [{\"filePattern\": \"/a\",\n \"deliveryStream\": \"s\",\n \"aggregation\": true}]}"),
	    0);
	T_EQ_STR(conf_t_err, "kagent.conf:3: flows[0].aggregation: only for a Kinesis (kinesisStream) flow, ignored\n");
	T_EQ_INT(c.flows[0].kpl, 0);
	/* a Kinesis flow's boolean: off unless said */
	T_EQ_INT(conf_t_load(&c, "{\"flows\": [{\"filePattern\": \"/a\",\n \"kinesisStream\": \"k\",\n \"aggregation\": 2}]}"),
	    -1);
	T_EQ_STR(conf_t_err, "kagent.conf:3: flows[0].aggregation: must be true or false, got 2\n");
	T_EQ_INT(conf_t_load(&c, "{\"flows\": [{\"filePattern\": \"/a\",\n \"kinesisStream\": \"k\",\n \"aggregation\": true}]}"),
	    0);
	T_EQ_INT(c.flows[0].kpl, 1);
	T_EQ_INT(conf_t_load(&c, "{\"flows\": [{\"filePattern\": \"/a\",\n \"kinesisStream\": \"k\"}]}"), 0);
	T_EQ_INT(c.flows[0].kpl, 0);
}
