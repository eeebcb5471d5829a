/* conf.c: every key, every default, every error message, byte for byte.
 * Each case writes a file into a fresh directory under /tmp, loads it with
 * stderr (fd 2) redirected into a file, and compares what was written with
 * the directory prefix taken out, so messages read "kagent.conf:7: ...". */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "arena.h"
#include "conf.h"
#include "proc.h"
#include "t.h"

static char conf_t_err[8192];	/* what conf_load wrote to stderr */
static char conf_t_dir[64];	/* the current case's directory */

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

static void conf_t_setenv(const char *name, const char *v)
{
	if (v)
		setenv(name, v, 1);
	else
		unsetenv(name);
}

/* conf_load(c, path) with fd 2 captured into conf_t_err. */
static int conf_t_call(struct conf *c, const char *path)
{
	int rc;

	t_capture_begin();
	rc = conf_load(c, path);
	snprintf(conf_t_err, sizeof conf_t_err, "%s", t_capture_end());
	conf_t_strip_dir(conf_t_err, conf_t_dir);
	return rc;
}

/* Writes n bytes of text as <fresh dir>/kagent.conf and loads it with the
 * given AWS_* environment (NULL: unset).  Returns conf_load's result, or
 * -100 if the test itself could not set up. */
static int conf_t_load_env(struct conf *c, const char *text, size_t n, const char *id,
    const char *secret, const char *token)
{
	char path[96];
	int rc;

	if (arena_sealed())
		return -100;	/* conf_load would exit: say so instead */
	snprintf(conf_t_dir, sizeof conf_t_dir, "/tmp/kagent-conf-XXXXXX");
	if (!mkdtemp(conf_t_dir))
		return -100;
	snprintf(path, sizeof path, "%s/kagent.conf", conf_t_dir);
	if (conf_t_write(path, text, n) < 0)
		return -100;
	conf_t_setenv("AWS_ACCESS_KEY_ID", id);
	conf_t_setenv("AWS_SECRET_ACCESS_KEY", secret);
	conf_t_setenv("AWS_SESSION_TOKEN", token);
	rc = conf_t_call(c, path);
	conf_t_setenv("AWS_ACCESS_KEY_ID", NULL);
	conf_t_setenv("AWS_SECRET_ACCESS_KEY", NULL);
	conf_t_setenv("AWS_SESSION_TOKEN", NULL);
	unlink(path);
	rmdir(conf_t_dir);
	return rc;
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
	T_TRUE(strstr(c.path, "/kagent.conf") != NULL);
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
	T_EQ_STR(c.flows[0].delivery_stream, "app-logs_1.x");
	T_EQ_INT(c.flows[0].initial_position, POS_START_OF_FILE);
	T_EQ_INT(c.flows[0].max_buffer_age_ms, 1000);
	T_EQ_INT(c.flows[0].max_buffer_records, 1);
	T_EQ_INT(c.flows[0].max_buffer_bytes, 1);
	T_EQ_INT(c.flows[0].retry_initial_backoff_ms, 250);
	T_EQ_INT(c.flows[0].retry_max_backoff_ms, 250);
	T_EQ_INT(c.flows[0].ring_bytes, 64 * 1024 * 1024);
	T_EQ_INT(c.flows[0].line, 11);

	T_EQ_STR(c.flows[1].file_pattern, "/var/log/messages");
	T_EQ_STR(c.flows[1].delivery_stream, "syslog");
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
	T_EQ_STR(c.checkpoint_file, "/var/lib/kagent/checkpoints");
	T_EQ_STR(c.ca_file, "/etc/ssl/certs/ca-certificates.crt");
	T_EQ_INT(c.checkpoint_interval_ms, 1000);
	T_EQ_INT(c.nflows, 1);
	T_EQ_STR(c.flows[0].file_pattern, "/a");
	T_EQ_STR(c.flows[0].delivery_stream, "b");
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
		{ "\"firehose.endpoint\": \"http://example.com\",", "us-east-1", "example.com", 0, 80 },
		{ "\"firehose.endpoint\": \"https://[::1]:8443/\",", "us-east-1", "::1", 1, 8443 },
		{ "\"firehose.endpoint\": \"http://[fe80::1:2]\",", "us-east-1", "fe80::1:2", 0, 80 },
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
	    "  \"cloudwatch.emitMetrics\": true,\n"
	    "  \"fooBar\": {\"x\": [1, 2]},\n"
	    "  \"kinesis.endpoint\": \"kinesis.us-east-1.amazonaws.com\",\n"
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
	    "kagent.conf:2: cloudwatch.emitMetrics: not supported by kagent, ignored\n"
	    "kagent.conf:3: fooBar: unknown key, ignored\n"
	    "kagent.conf:4: kinesis.endpoint: not supported by this version, ignored\n"
	    "kagent.conf:7: flows[0].maxTimeBetweenFileTrackerRefreshMillis: not supported by this version, ignored\n"
	    "kagent.conf:7: flows[0].maxBufferSizeRecord: unknown key, ignored\n"
	    "kagent.conf:8: flows[0].waitOnFullPublishQueueMillis: not supported by kagent, ignored\n"
	    "kagent.conf:10: flows[1].maxBufferSizeRecord: unknown key, ignored\n"
	    "kagent.conf:12: initialPosition: unknown key, ignored\n");
	T_EQ_INT(c.nflows, 2);
	T_EQ_INT(c.flows[0].max_buffer_records, 500);
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
	T_EQ_INT(conf_t_load(&c, kinesis), -1);
	T_EQ_STR(conf_t_err,
	    "kagent.conf:2: cloudwatch.emitMetrics: not supported by kagent, ignored\n"
	    "kagent.conf:3: kinesis.endpoint: not supported by this version, ignored\n"
	    "kagent.conf:9: flows[0].kinesisStream: Kinesis Data Streams flows are not supported by this version\n");

	T_EQ_INT(conf_t_load(&c, firehose), 0);
	T_EQ_STR(conf_t_err,
	    "kagent.conf:2: cloudwatch.emitMetrics: not supported by kagent, ignored\n");
	T_EQ_STR(c.region, "us-west-2");
	T_EQ_INT(c.nflows, 2);
	T_EQ_STR(c.flows[1].file_pattern, "/tmp/other.log*");
	/* the processors, in order, ready to run */
	T_EQ_INT(c.flows[0].nproc, 1);
	T_EQ_STR(c.flows[0].proc[0].p->name, "LOGTOJSON");
	T_EQ_INT(c.flows[1].nproc, 1);
	T_EQ_STR(c.flows[1].proc[0].p->name, "SINGLELINE");
}

T(conf_print_masks_secrets)
{
	struct conf c;
	char out[2048];
	FILE *f;
	size_t n;
	const char *text =
	    "{\"awsAccessKeyId\": \"AKIDEXAMPLE\", \"awsSecretAccessKey\": \"secretsecret\",\n"
	    " \"firehose.endpoint\": \"http://[::1]:8080\", \"awsRegion\": \"eu-west-3\",\n"
	    " \"flows\": [{\"filePattern\": \"/a\", \"deliveryStream\": \"s1\"},\n"
	    "  {\"filePattern\": \"/b\", \"deliveryStream\": \"s2\", \"initialPosition\": \"START_OF_FILE\"}]}\n";

	T_EQ_INT(conf_t_load(&c, text), 0);
	T_TRUE((f = fmemopen(out, sizeof out, "w")) != NULL);
	c.path = "kagent.conf";
	conf_print(&c, f);
	n = (size_t)ftell(f);
	fclose(f);
	out[n < sizeof out ? n : sizeof out - 1] = 0;
	T_EQ_STR(out,
	    "config = kagent.conf\n"
	    "awsRegion = eu-west-3\n"
	    "firehose.endpoint = http://[::1]:8080\n"
	    "credentials = file\n"
	    "awsAccessKeyId = AKID****\n"
	    "awsSecretAccessKey = ****\n"
	    "awsSessionToken = (none)\n"
	    "caFile = /etc/ssl/certs/ca-certificates.crt\n"
	    "checkpointFile = /var/lib/kagent/checkpoints\n"
	    "checkpointIntervalMillis = 1000\n"
	    "\n"
	    "flows[0] (line 3)\n"
	    "flows[0].filePattern = /a\n"
	    "flows[0].deliveryStream = s1\n"
	    "flows[0].initialPosition = END_OF_FILE\n"
	    "flows[0].maxBufferAgeMillis = 60000\n"
	    "flows[0].maxBufferSizeRecords = 500\n"
	    "flows[0].maxBufferSizeBytes = 4194304\n"
	    "flows[0].retryInitialBackoffMillis = 100\n"
	    "flows[0].retryMaxBackoffMillis = 10000\n"
	    "flows[0].ringSizeBytes = 1048576\n"
	    "flows[0].minTimeBetweenFilePollsMillis = 100\n"
	    "\n"
	    "flows[1] (line 4)\n"
	    "flows[1].filePattern = /b\n"
	    "flows[1].deliveryStream = s2\n"
	    "flows[1].initialPosition = START_OF_FILE\n"
	    "flows[1].maxBufferAgeMillis = 60000\n"
	    "flows[1].maxBufferSizeRecords = 500\n"
	    "flows[1].maxBufferSizeBytes = 4194304\n"
	    "flows[1].retryInitialBackoffMillis = 100\n"
	    "flows[1].retryMaxBackoffMillis = 10000\n"
	    "flows[1].ringSizeBytes = 1048576\n"
	    "flows[1].minTimeBetweenFilePollsMillis = 100\n");

	/* Environment credentials with a token; default endpoint. */
	T_EQ_INT(conf_t_load_env(&c, "{" FLOWS "}", strlen("{" FLOWS "}"), "AKIAENVKEY", "x", "tok"), 0);
	T_TRUE((f = fmemopen(out, sizeof out, "w")) != NULL);
	conf_print(&c, f);
	n = (size_t)ftell(f);
	fclose(f);
	out[n < sizeof out ? n : sizeof out - 1] = 0;
	T_TRUE(strstr(out, "firehose.endpoint = https://firehose.us-east-1.amazonaws.com\n"
	    "credentials = environment\n"
	    "awsAccessKeyId = AKIA****\n"
	    "awsSecretAccessKey = ****\n"
	    "awsSessionToken = ****\n") != NULL);
	T_TRUE(strstr(out, "AKIAENVKEY") == NULL);

	T_EQ_INT(conf_t_load(&c, "{\"firehose.endpoint\": \"https://h:443\", " FLOWS "}"), 0);
	T_TRUE((f = fmemopen(out, sizeof out, "w")) != NULL);
	conf_print(&c, f);
	n = (size_t)ftell(f);
	fclose(f);
	out[n < sizeof out ? n : sizeof out - 1] = 0;
	T_TRUE(strstr(out, "firehose.endpoint = https://h\n"
	    "credentials = none\n"
	    "awsAccessKeyId = (none)\n"
	    "awsSecretAccessKey = (none)\n"
	    "awsSessionToken = (none)\n") != NULL);
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
	T_EQ_INT(conf_t_call(&c, path), -1);
	T_EQ_STR(conf_t_err, "missing.conf: cannot read: No such file or directory\n");
	snprintf(path, sizeof path, "%s/sub", conf_t_dir);
	T_EQ_INT(mkdir(path, 0700), 0);
	T_EQ_INT(conf_t_call(&c, path), -1);
	rmdir(path);
	T_EQ_STR(conf_t_err, "sub: cannot read: Is a directory\n");
	T_EQ_INT(conf_t_call(&c, "/dev/null"), -1);
	rmdir(conf_t_dir);
	T_EQ_STR(conf_t_err, "/dev/null: cannot read: not a regular file\n");

	/* Larger than 1 MiB. */
	T_TRUE((big = malloc(n)) != NULL);
	memset(big, ' ', n);
	big[0] = '{';
	big[n - 1] = '}';
	T_EQ_INT(conf_t_load_env(&c, big, n, NULL, NULL, NULL), -1);
	T_EQ_STR(conf_t_err, "kagent.conf: too large (more than 1048576 bytes)\n");
	/* Exactly 1 MiB is read (and then found to lack flows). */
	T_EQ_INT(conf_t_load_env(&c, big + 1, n - 1, NULL, NULL, NULL), -1);
	T_EQ_STR(conf_t_err, "kagent.conf:1: syntax error\n");
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
	T_EQ_STR(conf_t_err, "kagent.conf:2: syntax error\n");
}

T(conf_error_syntax)
{
	static const struct conf_t_case cases[] = {
		{ "", "kagent.conf:1: unexpected end of file\n" },
		{ "  \n\n", "kagent.conf:2: unexpected end of file\n" },
		{ "{\n \"flows\": [\n", "kagent.conf:2: unexpected end of file\n" },
		{ "{\n \"flows\": \"abc\n}", "kagent.conf:3: unexpected end of file\n" },
		{ "{\n \"a\": @\n}", "kagent.conf:2: syntax error\n" },
		{ "{\n \"a\": 1\n \"b\": 2\n}", "kagent.conf:3: syntax error\n" },
		{ "{\n \"a\" 1\n}", "kagent.conf:2: syntax error\n" },
		{ "{\n \"a\": 1,\n}", "kagent.conf:2: syntax error\n" },
		{ "{\n \"a\":: 1\n}", "kagent.conf:2: syntax error\n" },
		{ "{\n \"a\": [1,\n 2,,3]\n}", "kagent.conf:3: syntax error\n" },
		{ "{\n \"a\": [1 2]\n}", "kagent.conf:2: syntax error\n" },
		{ "{\n \"a\": [\"x\": 1]\n}", "kagent.conf:2: syntax error\n" },
		{ "{\n \"a\": [1, 2,]\n}", "kagent.conf:2: syntax error\n" },
		{ "{\n \"a\": tru\n}", "kagent.conf:2: syntax error\n" },
		{ "{\n \"a\": 01\n}", "kagent.conf:2: syntax error\n" },
		{ "{\n \"a\": 1.\n}", "kagent.conf:2: syntax error\n" },
		{ "{\n \"a\": -\n}", "kagent.conf:2: syntax error\n" },
		{ "{\n \"a\": 1e\n}", "kagent.conf:2: syntax error\n" },
		{ "{\n \"a\": \"x\ty\"\n}", "kagent.conf:2: syntax error\n" },
		{ "{\n \"a\": \"\\x\"\n}", "kagent.conf:2: syntax error\n" },
		{ "{\n \"a\": [}\n}", "kagent.conf:2: syntax error\n" },
		{ "{\n \"a\": 1\n}\n}", "kagent.conf:4: syntax error\n" },
		{ "{}\n{}", "kagent.conf:2: syntax error\n" },
		{ "{}\nx", "kagent.conf:2: syntax error\n" },
		{ "{\n 'a': 1\n}", "kagent.conf:2: syntax error\n" },
		{ "{\n a: 1\n}", "kagent.conf:2: syntax error\n" },
		{ "{\n # yaml\n}", "kagent.conf:2: syntax error\n" },
		{ "{\n /* open\n\n}", "kagent.conf:2: unterminated comment\n" },
		{ "{\n \"a\": [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]\n}",
		  "kagent.conf:2: syntax error\n" },
		{ "[\n]", "kagent.conf:1: the top level must be an object\n" },
		{ "\n\"x\"", "kagent.conf:2: the top level must be an object\n" },
		{ "{\"flows\": [{\"filePattern\": \"/a\\u0000b\", \"deliveryStream\": \"s\"}]}",
		  "kagent.conf:1: flows[0].filePattern: invalid string escape\n" },
		{ "{\"flows\": [{\"filePattern\": \"/a\\ud800\", \"deliveryStream\": \"s\"}]}",
		  "kagent.conf:1: flows[0].filePattern: invalid string escape\n" },
	};
	CONF_T_ERRORS(cases);
}

T(conf_error_top_level)
{
	static const struct conf_t_case cases[] = {
		{ "{\n}", "kagent.conf:1: flows is required\n" },
		{ "{\n \"checkpointFile\": \"/a\",\n \"checkpointFile\": \"/b\",\n" FLOWS "}",
		  "kagent.conf:3: checkpointFile: duplicate key (first on line 2)\n" },
		{ "{\n \"awsAccessKeyId\": 12,\n" FLOWS "}", "kagent.conf:2: awsAccessKeyId: must be a string\n" },
		{ "{\n \"awsAccessKeyId\": \"\",\n" FLOWS "}", "kagent.conf:2: awsAccessKeyId: must not be empty\n" },
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
		  "kagent.conf:2: flows: at most 8 flows, got 9\n" },
		{ "{\n \"flows\": [\n" FLOW ",\n \"x\"\n]}", "kagent.conf:4: flows[1]: must be an object\n" },
		{ "{\n \"flows\": [\n {\"deliveryStream\": \"s\"}\n]}", "kagent.conf:3: flows[0]: filePattern is required\n" },
		{ "{\n \"flows\": [\n {\n \"filePattern\": \"/a\"}\n]}", "kagent.conf:3: flows[0]: deliveryStream is required\n" },
		{ "{\"flows\": [" FLOW ",\n " FLOW "]}",
		  "kagent.conf:2: flows[1]: same filePattern and deliveryStream as flows[0]\n" },
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
		  "kagent.conf:3: flows[0].kinesisStream: Kinesis Data Streams flows are not supported by this version\n" },
		{ F("\"initialPosition\": \"start_of_file\""),
		  "kagent.conf:3: flows[0].initialPosition: must be START_OF_FILE or END_OF_FILE, got \"start_of_file\"\n" },
		{ F("\"initialPosition\": 0"), "kagent.conf:3: flows[0].initialPosition: must be a string\n" },
		{ F("\"maxBufferAgeMillis\": 999"), "kagent.conf:3: flows[0].maxBufferAgeMillis: must be 1000..900000, got 999\n" },
		{ F("\"maxBufferAgeMillis\": 900001"), "kagent.conf:3: flows[0].maxBufferAgeMillis: must be 1000..900000, got 900001\n" },
		{ F("\"maxBufferSizeRecords\": 900"), "kagent.conf:3: flows[0].maxBufferSizeRecords: must be 1..500, got 900\n" },
		{ F("\"maxBufferSizeRecords\": 0"), "kagent.conf:3: flows[0].maxBufferSizeRecords: must be 1..500, got 0\n" },
		{ F("\"maxBufferSizeRecords\": 2.0"), "kagent.conf:3: flows[0].maxBufferSizeRecords: must be a whole number, got 2.0\n" },
		{ F("\"maxBufferSizeRecords\": \"many\""), "kagent.conf:3: flows[0].maxBufferSizeRecords: must be a number, got \"many\"\n" },
		{ F("\"maxBufferSizeBytes\": 0"), "kagent.conf:3: flows[0].maxBufferSizeBytes: must be 1..4194304, got 0\n" },
		{ F("\"maxBufferSizeBytes\": 4194305"), "kagent.conf:3: flows[0].maxBufferSizeBytes: must be 1..4194304, got 4194305\n" },
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
	snprintf(text, sizeof text, "{\"checkpointFile\": \"%s\", " FLOWS "}", path);
	T_EQ_INT(conf_t_load(&c, text), 0);
	T_EQ_INT(strlen(c.checkpoint_file), 4095);
	path[4095] = 'a';
	path[4096] = 0;		/* 4096 bytes */
	snprintf(text, sizeof text, "{\"checkpointFile\": \"%s\", " FLOWS "}", path);
	T_EQ_INT(conf_t_load(&c, text), -1);
	T_EQ_STR(conf_t_err, "kagent.conf:1: checkpointFile: longer than 4095 bytes\n");
}
