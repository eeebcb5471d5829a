/* Every key kagent knows, one row each: where it may be, how its value is
 * read, its range and its default (written here and nowhere else), and the
 * field it fills.  A new key is a new row (and, for a new kind of value, a
 * read function).  Below the table: the walk that applies a JSON object's
 * keys through it, and says what is unknown, misplaced or not used. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include "ckpt.h"
#include "conf_impl.h"
#include "fmt.h"
#include "kinesis.h"

#define CONF_DEFAULT_CHECKPOINTS	"/var/lib/kagent/checkpoints"
#define CONF_DEFAULT_CA_FILE		"/etc/ssl/certs/ca-certificates.crt"
#define CONF_DEFAULT_RESOLV_CONF	"/etc/resolv.conf"
#define CONF_DEFAULT_CW_NAMESPACE	"AWSKinesisAgent"	/* the Java agent's CW_DEFAULT_NAMESPACE */

/* A row: KEY(name, kind, where, min, max, default, arg, field...).  The
 * field is C(f) or CP(f) in struct conf, F(f) or FP(f) in struct
 * conf_flow (P: a pointer, whose default is arg), N for none. */
#define KEY(n, k, w, lo, hi, d, a, ...) { .name = n, .kind = k, .where = w, .min = lo, .max = hi, .def = d, \
	.arg = a, __VA_ARGS__ }
#define UNUSED(n, w, why) { .name = n, .kind = CONF_UNUSED, .where = w, .arg = why }
#define INT_FIELD(s, f) (sizeof(((s *)0)->f) == 8 ? CONF_INT64 : CONF_INT32)
#define C(f) .off = offsetof(struct conf, f), .field = INT_FIELD(struct conf, f)
#define CP(f) .off = offsetof(struct conf, f), .field = CONF_PTR
#define F(f) .off = offsetof(struct conf_flow, f), .field = INT_FIELD(struct conf_flow, f)
#define FP(f) .off = offsetof(struct conf_flow, f), .field = CONF_PTR
#define N .field = CONF_NOFIELD

static const struct conf_enum conf_positions = {
	"START_OF_FILE or END_OF_FILE", { [POS_END_OF_FILE] = "END_OF_FILE", [POS_START_OF_FILE] = "START_OF_FILE" } };
static const struct conf_enum conf_key_options = {
	"RANDOM or DETERMINISTIC",
	{ [KINESIS_KEY_RANDOM] = "RANDOM", [KINESIS_KEY_DETERMINISTIC] = "DETERMINISTIC" } };
static const struct conf_enum conf_overflows = { "\"block\" or \"drop\"", { "block", "drop" } };	/* fifo_drop */
static const struct conf_enum conf_log_targets = { "\"stderr\" or \"syslog\"", { "stderr", "syslog" } };	/* log_syslog */

/* Why a key kagent knows does nothing. */
static const char conf_never[] = "not supported by kagent, ignored";
static const char conf_later[] = "not supported by this version, ignored";
static const char conf_no_log_file[] = "not used: kagent logs to " CONF_LOG_TARGET " and writes no log file; ignored";

const struct conf_key conf_keys[] = {
	/* name, kind, where, min, max, default, arg, field */

	/* ---- the top level ---- */
	KEY("awsAccessKeyId", CONF_CREDENTIAL, CONF_TOP, 0, 0, 0, NULL, CP(access_key_id), .empty = 1),
	KEY("awsSecretAccessKey", CONF_CREDENTIAL, CONF_TOP, 0, 0, 0, NULL, CP(secret_access_key), .empty = 1),
	KEY("awsSessionToken", CONF_CREDENTIAL, CONF_TOP, 0, 0, 0, NULL, CP(session_token), .empty = 1),
	/* the shared credentials file (conf_net.c: which credentials win) */
	KEY("awsCredentialsFile", CONF_PATH, CONF_TOP, 0, 0, 0, NULL, CP(creds_file)),
	KEY("awsProfile", CONF_NAME, CONF_TOP, 1, 128, CONF_CHARS_PROFILE, NULL, CP(profile)),
	/* STS AssumeRole: the Java agent's keys, and the model's ranges (sts-service-2.json) */
	KEY("assumeRoleARN", CONF_NAME, CONF_TOP, 20, 2048, CONF_CHARS_PRINTABLE, NULL, CP(role_arn), .empty = 1),
	KEY("assumeRoleExternalId", CONF_NAME, CONF_TOP, 2, 1224, CONF_CHARS_EXTERNAL_ID, NULL, CP(external_id),
	    .empty = 1),
	KEY("assumeRoleDurationSeconds", CONF_INT, CONF_TOP, 900, 43200, 3600, NULL, C(role_duration_s)),
	KEY("sts.endpoint", CONF_ENDPOINT, CONF_TOP, 0, 0, 0, NULL, .off = offsetof(struct conf, sts), .empty = 1),
	/* the AWS IoT credentials provider; the names' ranges are IoT's (CreateRoleAlias, CreateThing) */
	KEY("iot.credentialsEndpoint", CONF_ENDPOINT, CONF_TOP, 0, 0, 0, NULL, .off = offsetof(struct conf, iot)),
	KEY("iot.roleAlias", CONF_NAME, CONF_TOP, 1, 128, CONF_CHARS_ROLE_ALIAS, NULL, CP(iot_role_alias)),
	KEY("iot.thingName", CONF_NAME, CONF_TOP, 1, 128, CONF_CHARS_THING, NULL, CP(iot_thing)),
	KEY("iot.certFile", CONF_PATH, CONF_TOP, 0, 0, 0, NULL, CP(iot_cert)),
	KEY("iot.keyFile", CONF_PATH, CONF_TOP, 0, 0, 0, NULL, CP(iot_key)),
	KEY("iot.caFile", CONF_PATH, CONF_TOP, 0, 0, 0, NULL, CP(iot_ca)),
	KEY("awsRegion", CONF_REGION, CONF_TOP, 0, 0, 0, NULL, CP(region)),
	/* the Java agent's (2.0.3 on): the region of its Kinesis client */
	KEY("kinesis.region", CONF_REGION, CONF_TOP, 0, 0, 0, NULL, CP(kinesis_region), .empty = 1),
	/* "": the default (the Java agent's stock agent.json has "firehose.endpoint": "") */
	KEY("firehose.endpoint", CONF_ENDPOINT, CONF_TOP, 0, 0, 0, NULL, .off = offsetof(struct conf, firehose),
	    .empty = 1),
	KEY("kinesis.endpoint", CONF_ENDPOINT, CONF_TOP, 0, 0, 0, NULL, .off = offsetof(struct conf, kinesis),
	    .empty = 1),
	/* http:// endpoints on hosts other than loopback (conf_cleartext) */
	KEY("allowCleartext", CONF_BOOL, CONF_TOP, 0, 1, 0, NULL, C(allow_cleartext), .print = 1),
	KEY("proxy", CONF_PROXY, CONF_TOP, 0, 0, 0, NULL, N),
	KEY("resolvConf", CONF_PATH, CONF_TOP, 0, 0, 0, CONF_DEFAULT_RESOLV_CONF, CP(resolv_conf)),
	/* kagent -t prints these (.print), in this order */
	KEY("caFile", CONF_PATH, CONF_TOP, 0, 0, 0, CONF_DEFAULT_CA_FILE, CP(ca_file), .print = 1),
	/* max: with its NUL; its temporary name must fit in CKPT_FILE_MAX too */
	KEY("checkpointFile", CONF_PATH, CONF_TOP, 0, CKPT_FILE_MAX, 0, CONF_DEFAULT_CHECKPOINTS, CP(checkpoint_file), .print = 1),
	KEY("checkpointIntervalMillis", CONF_INT, CONF_TOP, 0, 3600000, 1000, NULL, C(checkpoint_interval_ms),
	    .print = 1),
	KEY("connectionTimeoutMillis", CONF_INT, CONF_TOP, 100, 600000, 10000, NULL, C(connect_timeout_ms), .print = 1),
	KEY("tlsHandshakeTimeoutMillis", CONF_INT, CONF_TOP, 100, 600000, 10000, NULL, C(handshake_timeout_ms),
	    .print = 1),
	KEY("socketTimeoutMillis", CONF_INT, CONF_TOP, 100, 600000, 30000, NULL, C(socket_timeout_ms), .print = 1),
	KEY("idleTimeoutMillis", CONF_INT, CONF_TOP, 1000, 3600000, 50000, NULL, C(idle_timeout_ms), .print = 1),
	KEY("shutdownTimeoutMillis", CONF_INT, CONF_TOP, 0, 600000, 5000, NULL, C(shutdown_timeout_ms), .print = 1),
	/* milliseconds, or "300s", "5m", "1h"; 0 is off */
	KEY("sendFailureTimeout", CONF_DURATION, CONF_TOP, 0, 7 * 86400000, 0, NULL, C(send_failure_timeout_ms)),
	/* what -s and -p give, which win (main.c) */
	KEY("logTarget", CONF_ENUM, CONF_TOP, 0, 0, 0, &conf_log_targets, C(log_syslog), .print = 1),
	KEY("pidFile", CONF_PATH, CONF_TOP, 0, 0, 0, NULL, CP(pid_file), .print = 1),
	KEY("statusFile", CONF_PATH, CONF_TOP, 0, 0, 0, NULL, CP(status_file), .print = 1),
	/* the Java agent's (AgentConfiguration): on by default, every 30 s */
	KEY("cloudwatch.emitMetrics", CONF_BOOL, CONF_TOP, 0, 0, 1, NULL, C(cw_emit), .print = 1),
	KEY("cloudwatch.endpoint", CONF_ENDPOINT, CONF_TOP, 0, 0, 0, NULL, .off = offsetof(struct conf, cloudwatch),
	    .empty = 1),
	/* min 1: may not start with ':' (model: Namespace [^:].*); max: the model's length */
	KEY("cloudwatch.namespace", CONF_ASCII, CONF_TOP, 1, 255, 0, CONF_DEFAULT_CW_NAMESPACE, CP(cw_namespace),
	    .print = 1),
	KEY("cloudwatch.metricsBufferTimeMillis", CONF_INT, CONF_TOP, 1000, 3600000, 30000, NULL, C(cw_period_ms),
	    .print = 1),
	/* NULL: the host name (cw.c); "": no DeviceId dimension */
	KEY("cloudwatch.deviceId", CONF_ASCII, CONF_TOP, 0, 255, 0, NULL, CP(cw_device_id)),
	KEY("flows", CONF_FLOWS, CONF_TOP, 0, 0, 0, NULL, N),
	KEY("configDir", CONF_CONFIG_DIR, CONF_TOP, 0, 0, 0, NULL, N),

	/* ---- each flow ---- */
	KEY("filePattern", CONF_FILE_PATTERN, CONF_FLOW, 0, 0, 0, NULL, FP(file_pattern)),
	/* min: the API; max: the longest name (CreateDeliveryStream, CreateStream) */
	KEY("deliveryStream", CONF_STREAM, CONF_FLOW, API_FIREHOSE, 64, 0, NULL, FP(stream)),
	KEY("kinesisStream", CONF_STREAM, CONF_FLOW, API_KINESIS, KINESIS_MAX_STREAM_NAME, 0, NULL, FP(stream)),
	KEY("awsRegion", CONF_FLOW_REGION, CONF_FLOW, 0, 0, 0, NULL, FP(region)),
	/* the endpoint of the flow's API; min: that API */
	KEY("firehose.endpoint", CONF_FLOW_ENDPOINT, CONF_FLOW, API_FIREHOSE, 0, 0, NULL, N),
	KEY("kinesis.endpoint", CONF_FLOW_ENDPOINT, CONF_FLOW, API_KINESIS, 0, 0, NULL, N),
	/* Kinesis flows only: a record's key is RANDOM, DETERMINISTIC, partitionKey's or partitionKeyField's */
	KEY("partitionKeyOption", CONF_ENUM, CONF_KIN, 0, 0, KINESIS_KEY_RANDOM, &conf_key_options, F(key_kind)),
	KEY("partitionKey", CONF_PARTITION_KEY, CONF_KIN, KINESIS_KEY_FIXED, 0, 0, NULL, FP(key_arg)),
	KEY("partitionKeyField", CONF_PARTITION_KEY, CONF_KIN, KINESIS_KEY_FIELD, 0, 0, NULL, FP(key_arg)),
	/* kagent -t prints these (.print), in this order */
	/* kagent's (the Java agent has no KPL aggregation): KPL aggregated records (kpl.h) */
	KEY("aggregation", CONF_BOOL, CONF_KIN, 0, 0, 0, NULL, F(kpl), .print = 1),
	KEY("maxRecordSizeBytes", CONF_INT, CONF_KIN, KINESIS_MAX_RECORD_BYTES, KINESIS_MAX_RECORD_BYTES_LARGE,
	    KINESIS_MAX_RECORD_BYTES, NULL, F(max_record_bytes), .print = 1),
	/* Firehose flows only */
	KEY("aggregatedRecordSizeBytes", CONF_INT, CONF_FH, 0, FIREHOSE_MAX_RECORD_BYTES, 0, NULL, F(aggregate_bytes),
	    .print = 1),
	KEY("initialPosition", CONF_ENUM, CONF_FLOW, 0, 0, POS_END_OF_FILE, &conf_positions, F(initial_position),
	    .print = 1),
	KEY("maxBufferAgeMillis", CONF_INT, CONF_FLOW, 1000, 900000, 60000, NULL, F(max_buffer_age_ms), .print = 1),
	KEY("maxBufferSizeRecords", CONF_INT, CONF_FLOW, 1, FIREHOSE_MAX_BATCH_RECORDS, FIREHOSE_MAX_BATCH_RECORDS, NULL,
	    F(max_buffer_records), .print = 1),
	/* default 0: the API's limit (conf_flow.c); here the range of either API, there each API's */
	KEY("maxBufferSizeBytes", CONF_INT, CONF_FLOW, 1, KINESIS_MAX_BATCH_BYTES_LARGE, 0, NULL, F(max_buffer_bytes),
	    .print = 1),
	KEY("maxInFlightRequests", CONF_INT, CONF_FLOW, 1, CONF_MAX_INFLIGHT, 1, NULL, F(max_inflight), .print = 1),
	KEY("retryInitialBackoffMillis", CONF_INT, CONF_FLOW, 1, 3600000, 100, NULL, F(retry_initial_backoff_ms),
	    .print = 1),
	KEY("retryMaxBackoffMillis", CONF_INT, CONF_FLOW, 1, 3600000, 10000, NULL, F(retry_max_backoff_ms), .print = 1),
	/* default 0: by the longest record (conf_flow.c) */
	KEY("ringSizeBytes", CONF_INT, CONF_FLOW, CONF_RING_MIN, CONF_RING_MAX, 0, NULL, F(ring_bytes), .print = 1),
	KEY("minTimeBetweenFilePollsMillis", CONF_INT, CONF_FLOW, 1, 600000, 100, NULL, F(poll_ms), .print = 1),
	KEY("multiLineStartPattern", CONF_PATTERN, CONF_FLOW, 0, 0, 0, NULL, FP(multiline)),
	KEY("fileFooterPattern", CONF_PATTERN, CONF_FLOW, 0, 0, 0, NULL, FP(footer)),
	/* max: its length in bytes */
	KEY("truncatedRecordTerminator", CONF_TERMINATOR, CONF_FLOW, 0, 64, 0, "\n", FP(terminator)),
	/* -1, not given: links followed only in directories no one else can write */
	KEY("followSymlinks", CONF_BOOL, CONF_FLOW, 0, 0, -1, NULL, F(follow_symlinks)),
	KEY("fifoOverflow", CONF_ENUM, CONF_FLOW, 0, 0, 0, &conf_overflows, F(fifo_drop)),
	KEY("skipHeaderLines", CONF_INT, CONF_FLOW, 0, 1000000, 0, NULL, F(skip_header_lines)),
	KEY("dataProcessingOptions", CONF_PROCS, CONF_FLOW, 0, 0, 0, NULL, N),

	/* ---- the Java agent's keys kagent does not use: said once a file ---- */
	UNUSED("firehose.region", CONF_TOP, "not read by the Java agent either: the region is awsRegion's (or "
	    "firehose.endpoint's); ignored"),
	UNUSED("cloudwatch.tagInstance", CONF_TOP, conf_never),
	UNUSED("cloudwatch.metricsQueueSize", CONF_TOP, conf_never),
	UNUSED("log.level", CONF_TOP, "not used: kagent logs errors, warnings and what it does to " CONF_LOG_TARGET
	    ", with -v also debug lines; ignored"),
	UNUSED("log.file", CONF_TOP, "not used: kagent logs to " CONF_LOG_TARGET "; ignored"),
	UNUSED("log.maxBackupIndex", CONF_TOP, conf_no_log_file),
	UNUSED("log.maxFileSize", CONF_TOP, conf_no_log_file),
	UNUSED("log.emitMetrics", CONF_TOP, conf_never),
	UNUSED("log.emitInternalMetrics", CONF_TOP | CONF_FLOW, conf_never),
	UNUSED("log.statusReportingPeriodSeconds", CONF_TOP, conf_never),
	UNUSED("maxSendingThreads", CONF_TOP, conf_never),
	UNUSED("maxSendingThreadsPerCore", CONF_TOP, conf_never),
	UNUSED("sendingThreadsKeepAliveMillis", CONF_TOP, conf_never),
	UNUSED("sendingThreadsMaxQueueSize", CONF_TOP, conf_never),
	UNUSED("maxConnections", CONF_TOP, conf_never),
	UNUSED("connectionTTLMillis", CONF_TOP, conf_never),
	UNUSED("useTcpKeepAlive", CONF_TOP, conf_never),
	UNUSED("useHttpGzip", CONF_TOP, conf_never),
	UNUSED("checkpointTimeToLiveDays", CONF_TOP, conf_never),
	UNUSED("userAgent", CONF_TOP, conf_never),
	UNUSED("userAgentOverride", CONF_TOP, conf_never),
	UNUSED("userDefinedCredentialsProvider.classname", CONF_TOP, conf_never),
	UNUSED("userDefinedCredentialsProvider.location", CONF_TOP, conf_never),
	UNUSED("maxTimeBetweenFileTrackerRefreshMillis", CONF_FLOW, conf_later),
	UNUSED("waitOnFullPublishQueueMillis", CONF_FLOW, conf_never),
	UNUSED("waitOnEmptyPublishQueueMillis", CONF_FLOW, conf_never),
	UNUSED("waitOnFullRetryQueueMillis", CONF_FLOW, conf_never),
	UNUSED("publishQueueCapacity", CONF_FLOW, conf_never),
};
const size_t conf_nkeys = sizeof conf_keys / sizeof conf_keys[0];
_Static_assert(sizeof conf_keys / sizeof conf_keys[0] <= CONF_MAX_KEYS, "seen[] and warned[] hold CONF_MAX_KEYS");
_Static_assert(offsetof(struct conf, flows) <= UINT16_MAX, "struct conf_key's off");

/* The read function of each kind (enum conf_kind). */
static conf_read_fn *const conf_kinds[] = {
	[CONF_UNUSED] = NULL,
	[CONF_INT] = conf_k_int,
	[CONF_PATH] = conf_k_path,
	[CONF_ENUM] = conf_k_enum,
	[CONF_PATTERN] = conf_k_pattern,
	[CONF_DURATION] = conf_k_duration,
	[CONF_BOOL] = conf_k_bool,
	[CONF_ASCII] = conf_k_ascii,
	[CONF_FLOWS] = conf_k_flows,
	[CONF_FILE_PATTERN] = conf_k_file_pattern,
	[CONF_STREAM] = conf_k_stream,
	[CONF_PARTITION_KEY] = conf_k_partition_key,
	[CONF_TERMINATOR] = conf_k_terminator,
	[CONF_PROCS] = conf_k_procs,
	[CONF_REGION] = conf_k_region,
	[CONF_FLOW_REGION] = conf_k_flow_region,
	[CONF_ENDPOINT] = conf_k_endpoint,
	[CONF_FLOW_ENDPOINT] = conf_k_flow_endpoint,
	[CONF_PROXY] = conf_k_proxy,
	[CONF_CREDENTIAL] = conf_k_credential,
	[CONF_CONFIG_DIR] = conf_k_config_dir,
	[CONF_NAME] = conf_k_name,
};

/* ---- the walk ------------------------------------------------------------ */

const struct conf_key *conf_key_find(const char *name, int n, unsigned where)
{
	const struct conf_key *k, *any = NULL;

	for (k = conf_keys; k < conf_keys + conf_nkeys; k++) {
		if (strncmp(k->name, name, (size_t)n) != 0 || k->name[n])
			continue;
		if (k->where & where)
			return k;
		if (!any)
			any = k;
	}
	return any;
}

void conf_defaults(void *base, unsigned where)
{
	const struct conf_key *k;

	for (k = conf_keys; k < conf_keys + conf_nkeys; k++) {
		if (k->field == CONF_NOFIELD || (k->where & where) != k->where)
			continue;
		if (k->field == CONF_PTR)
			conf_put_ptr(base, k, k->arg);
		else
			conf_put_int(base, k, k->def);
	}
}

int conf_got(const struct conf_cx *x, const char *name)
{
	for (size_t i = 0; i < conf_nkeys; i++)
		if (x->seen[i] != CONF_ABSENT && !strcmp(conf_keys[i].name, name))
			return x->seen[i];
	return CONF_ABSENT;
}

int conf_dup(struct conf_cx *x, int obj, int key)
{
	int j = obj + 1;

	for (; j < key; j = json_skip(x->t, j + 1))
		if (conf_tlen(x, j) == conf_tlen(x, key) &&
		    memcmp(x->js + x->t[j].start, x->js + x->t[key].start, (size_t)conf_tlen(x, key)) == 0) {
			conf_bad(x, key, "duplicate key (first on line %d)", conf_line(x, j));
			return 1;
		}
	return 0;
}

/* A warning about row k said once in a file, however many flows have it. */
static void conf_once(struct conf_cx *x, int tok, const struct conf_key *k, const char *why, const char *what)
{
	size_t i = (size_t)(k - conf_keys);

	if (x->warned[i / 64] >> (i % 64) & 1)
		return;
	x->warned[i / 64] |= 1ull << (i % 64);
	conf_warn(x, tok, why, what);
}

/* A key kagent knows, in an object where it has no meaning. */
static void conf_misplaced(struct conf_cx *x, int tok, const struct conf_key *k, unsigned where)
{
	if ((where & CONF_FLOW) && (k->where & CONF_FLOW))	/* the other API's */
		conf_once(x, tok, k, "only for a %s flow, ignored",
		    k->where & CONF_KIN ? "Kinesis (kinesisStream)" : "Firehose (deliveryStream)");
	else if (where & CONF_FLOW)
		conf_warn(x, tok, "belongs at the top level, not in a flow; ignored");
	else
		conf_warn(x, tok, "belongs in a flow (in \"flows\"); ignored");
}

void conf_object(struct conf_cx *x, int obj, unsigned where, void *base, const char *prefix, int *seen)
{
	const struct conf_key *k;
	int i, j;

	x->seen = seen;
	x->where = where;
	for (i = 0; i < CONF_MAX_KEYS; i++)
		seen[i] = CONF_ABSENT;
	for (i = 0, j = obj + 1; i < x->t[obj].size; i++, j = json_skip(x->t, j + 1)) {
		conf_keypath(x, j, prefix);
		if (conf_dup(x, obj, j))
			continue;
		k = conf_key_find(x->js + x->t[j].start, conf_tlen(x, j), where);
		if (!k) {
			conf_warn(x, j, "unknown key, ignored");
		} else if (!(k->where & where)) {
			conf_misplaced(x, j, k, where);
		} else if (k->kind == CONF_UNUSED) {
			conf_once(x, j, k, "%s", (const char *)k->arg);
		} else if (k->empty && x->t[j + 1].type == JSMN_STRING && !conf_tlen(x, j + 1)) {
			continue;	/* "" is as if the key were not there */
		} else {
			int r = conf_kinds[k->kind](x, k, j + 1, base);
			seen[k - conf_keys] = r < 0 ? CONF_BAD : r > 0 ? CONF_ABSENT : j;
		}
	}
}

void conf_print_keys(int out, const void *base, unsigned where, const char *prefix)
{
	const struct conf_key *k;
	const char *p = base;

	for (k = conf_keys; k < conf_keys + conf_nkeys; k++) {
		int64_t v = 0;
		if (!k->print || !(k->where & where))
			continue;
		if (k->field == CONF_PTR) {
			const char *s;
			memcpy(&s, p + k->off, sizeof s);
			fmt_dprintf(out, "%s%s = %s\n", prefix, k->name, s ? s : "(none)");
			continue;
		}
		if (k->field == CONF_INT64) {
			memcpy(&v, p + k->off, sizeof v);
		} else {
			uint32_t u;
			memcpy(&u, p + k->off, sizeof u);
			v = u;
		}
		if (k->kind == CONF_BOOL)
			fmt_dprintf(out, "%s%s = %s\n", prefix, k->name, v ? "true" : "false");
		else if (k->kind == CONF_ENUM)
			fmt_dprintf(out, "%s%s = %s\n", prefix, k->name, ((const struct conf_enum *)k->arg)->names[v]);
		else
			fmt_dprintf(out, "%s%s = %lld\n", prefix, k->name, (long long)v);
	}
}
