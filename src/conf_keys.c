/* Every key kagent knows, one row each: where it may be, how its value is
 * read, its range and its default (written here and nowhere else), and the
 * field it fills.  A new key is a new row (and, for a new kind of value, a
 * read function).  Below the table: the walk that applies a JSON object's
 * keys through it, and says what is unknown, misplaced or not used. */
#include <stddef.h>
#include <string.h>
#include "conf_impl.h"
#include "kinesis.h"

#define CONF_DEFAULT_CHECKPOINTS	"/var/lib/kagent/checkpoints"
#define CONF_DEFAULT_CA_FILE		"/etc/ssl/certs/ca-certificates.crt"
#define CONF_DEFAULT_RESOLV_CONF	"/etc/resolv.conf"

/* A field of struct conf (C) or struct conf_flow (F), with its size; X for a
 * field the read function fills whole (an endpoint); N for none. */
#define C(f) offsetof(struct conf, f), sizeof(((struct conf *)0)->f)
#define F(f) offsetof(struct conf_flow, f), sizeof(((struct conf_flow *)0)->f)
#define XC(f) offsetof(struct conf, f), 0
#define XF(f) offsetof(struct conf_flow, f), 0
#define N 0, 0

static const struct conf_enum conf_positions = {
	"START_OF_FILE or END_OF_FILE", { [POS_END_OF_FILE] = "END_OF_FILE", [POS_START_OF_FILE] = "START_OF_FILE" } };
static const struct conf_enum conf_key_options = {
	"RANDOM or DETERMINISTIC",
	{ [KINESIS_KEY_RANDOM] = "RANDOM", [KINESIS_KEY_DETERMINISTIC] = "DETERMINISTIC" } };
static const struct conf_enum conf_overflows = { "\"block\" or \"drop\"", { "block", "drop" } };	/* fifo_drop */

/* Why a key kagent knows does nothing. */
static const char conf_never[] = "not supported by kagent, ignored";
static const char conf_later[] = "not supported by this version, ignored";
static const char conf_no_log_file[] = "not used: kagent logs to " CONF_LOG_TARGET " and writes no log file; ignored";
#define UNUSED(name, where, why) { name, NULL, why, 0, 0, 0, N, where, 0 }

const struct conf_key conf_keys[] = {
	/* name                     read                  arg        min  max  default  field  where  flags */

	/* ---- the top level ---- */
	{ "awsAccessKeyId", conf_k_credential, NULL, 0, 0, 0, C(access_key_id), CONF_TOP, CONF_STR | CONF_EMPTY },
	{ "awsSecretAccessKey", conf_k_credential, NULL, 0, 0, 0, C(secret_access_key), CONF_TOP,
	  CONF_STR | CONF_EMPTY },
	{ "awsSessionToken", conf_k_credential, NULL, 0, 0, 0, C(session_token), CONF_TOP, CONF_STR | CONF_EMPTY },
	{ "awsRegion", conf_k_region, NULL, 0, 0, 0, C(region), CONF_TOP, CONF_STR },
	/* the Java agent's (2.0.3 on): the region of its Kinesis client */
	{ "kinesis.region", conf_k_region, NULL, 0, 0, 0, C(kinesis_region), CONF_TOP, CONF_STR | CONF_EMPTY },
	{ "firehose.endpoint", conf_k_endpoint, NULL, 0, 0, 0, XC(firehose), CONF_TOP, 0 },
	{ "kinesis.endpoint", conf_k_endpoint, NULL, 0, 0, 0, XC(kinesis), CONF_TOP, 0 },
	{ "proxy", conf_k_proxy, NULL, 0, 0, 0, XC(proxy), CONF_TOP, 0 },
	{ "resolvConf", conf_k_path, CONF_DEFAULT_RESOLV_CONF, 0, 0, 0, C(resolv_conf), CONF_TOP, CONF_STR },
	{ "connectionTimeoutMillis", conf_k_int, NULL, 100, 600000, 10000, C(connect_timeout_ms), CONF_TOP, 0 },
	{ "tlsHandshakeTimeoutMillis", conf_k_int, NULL, 100, 600000, 10000, C(handshake_timeout_ms), CONF_TOP, 0 },
	{ "socketTimeoutMillis", conf_k_int, NULL, 100, 600000, 30000, C(socket_timeout_ms), CONF_TOP, 0 },
	{ "idleTimeoutMillis", conf_k_int, NULL, 1000, 3600000, 50000, C(idle_timeout_ms), CONF_TOP, 0 },
	{ "shutdownTimeoutMillis", conf_k_int, NULL, 0, 600000, 5000, C(shutdown_timeout_ms), CONF_TOP, 0 },
	/* milliseconds, or "300s", "5m", "1h"; 0 is off */
	{ "sendFailureTimeout", conf_k_duration, NULL, 0, 7 * 86400000, 0, C(send_failure_timeout_ms), CONF_TOP, 0 },
	{ "checkpointFile", conf_k_path, CONF_DEFAULT_CHECKPOINTS, 0, 0, 0, C(checkpoint_file), CONF_TOP, CONF_STR },
	{ "caFile", conf_k_path, CONF_DEFAULT_CA_FILE, 0, 0, 0, C(ca_file), CONF_TOP, CONF_STR },
	{ "checkpointIntervalMillis", conf_k_int, NULL, 0, 3600000, 1000, C(checkpoint_interval_ms), CONF_TOP, 0 },
	{ "flows", conf_k_flows, NULL, 0, 0, 0, N, CONF_TOP, 0 },
	{ "configDir", conf_k_config_dir, NULL, 0, 0, 0, N, CONF_TOP, 0 },

	/* ---- each flow ---- */
	{ "filePattern", conf_k_file_pattern, NULL, 0, 0, 0, F(file_pattern), CONF_FLOW, CONF_STR },
	/* min: the API; max: the longest name (CreateDeliveryStream, CreateStream) */
	{ "deliveryStream", conf_k_stream, NULL, API_FIREHOSE, 64, 0, F(stream), CONF_FLOW, CONF_STR },
	{ "kinesisStream", conf_k_stream, NULL, API_KINESIS, KINESIS_MAX_STREAM_NAME, 0, F(stream), CONF_FLOW,
	  CONF_STR },
	{ "initialPosition", conf_k_enum, &conf_positions, 0, 0, POS_END_OF_FILE, F(initial_position), CONF_FLOW, 0 },
	{ "maxBufferAgeMillis", conf_k_int, NULL, 1000, 900000, 60000, F(max_buffer_age_ms), CONF_FLOW, 0 },
	{ "maxBufferSizeRecords", conf_k_int, NULL, 1, FIREHOSE_MAX_BATCH_RECORDS, FIREHOSE_MAX_BATCH_RECORDS,
	  F(max_buffer_records), CONF_FLOW, 0 },
	/* default 0: the API's limit (conf_flow.c); the range of either API here, each API's there */
	{ "maxBufferSizeBytes", conf_k_int, NULL, 1, KINESIS_MAX_BATCH_BYTES_LARGE, 0, F(max_buffer_bytes), CONF_FLOW,
	  0 },
	{ "maxInFlightRequests", conf_k_int, NULL, 1, CONF_MAX_INFLIGHT, 1, F(max_inflight), CONF_FLOW, 0 },
	{ "retryInitialBackoffMillis", conf_k_int, NULL, 1, 3600000, 100, F(retry_initial_backoff_ms), CONF_FLOW, 0 },
	{ "retryMaxBackoffMillis", conf_k_int, NULL, 1, 3600000, 10000, F(retry_max_backoff_ms), CONF_FLOW, 0 },
	/* default 0: by the longest record (conf_flow.c) */
	{ "ringSizeBytes", conf_k_int, NULL, CONF_RING_MIN, CONF_RING_MAX, 0, F(ring_bytes), CONF_FLOW, 0 },
	{ "multiLineStartPattern", conf_k_pattern, NULL, 0, 0, 0, F(multiline), CONF_FLOW, 0 },
	{ "fileFooterPattern", conf_k_pattern, NULL, 0, 0, 0, F(footer), CONF_FLOW, 0 },
	{ "minTimeBetweenFilePollsMillis", conf_k_int, NULL, 1, 600000, 100, F(poll_ms), CONF_FLOW, 0 },
	/* max: its length in bytes */
	{ "truncatedRecordTerminator", conf_k_terminator, "\n", 0, 64, 0, F(terminator), CONF_FLOW, CONF_STR },
	{ "fifoOverflow", conf_k_enum, &conf_overflows, 0, 0, 0, F(fifo_drop), CONF_FLOW, 0 },
	{ "skipHeaderLines", conf_k_int, NULL, 0, 1000000, 0, F(skip_header_lines), CONF_FLOW, 0 },
	{ "dataProcessingOptions", conf_k_procs, NULL, 0, 0, 0, N, CONF_FLOW, 0 },
	{ "awsRegion", conf_k_flow_region, NULL, 0, 0, 0, F(region), CONF_FLOW, CONF_STR },
	/* the endpoint of the flow's API; min: that API */
	{ "firehose.endpoint", conf_k_flow_endpoint, NULL, API_FIREHOSE, 0, 0, XF(ep), CONF_FLOW, 0 },
	{ "kinesis.endpoint", conf_k_flow_endpoint, NULL, API_KINESIS, 0, 0, XF(ep), CONF_FLOW, 0 },
	/* Kinesis flows only: a key is RANDOM, DETERMINISTIC, partitionKey's or partitionKeyField's */
	{ "partitionKeyOption", conf_k_enum, &conf_key_options, 0, 0, KINESIS_KEY_RANDOM, F(key_kind), CONF_KIN, 0 },
	{ "partitionKey", conf_k_partition_key, NULL, KINESIS_KEY_FIXED, 0, 0, F(key_arg), CONF_KIN, CONF_STR },
	{ "partitionKeyField", conf_k_partition_key, NULL, KINESIS_KEY_FIELD, 0, 0, F(key_arg), CONF_KIN, CONF_STR },
	{ "maxRecordSizeBytes", conf_k_int, NULL, KINESIS_MAX_RECORD_BYTES, KINESIS_MAX_RECORD_BYTES_LARGE,
	  KINESIS_MAX_RECORD_BYTES, F(max_record_bytes), CONF_KIN, 0 },
	/* Firehose flows only */
	{ "aggregatedRecordSizeBytes", conf_k_int, NULL, 0, FIREHOSE_MAX_RECORD_BYTES, 0, F(aggregate_bytes), CONF_FH,
	  0 },

	/* ---- the Java agent's keys kagent does not use: said once a file ---- */
	UNUSED("assumeRoleARN", CONF_TOP, conf_later),
	UNUSED("assumeRoleExternalId", CONF_TOP, conf_later),
	UNUSED("sts.endpoint", CONF_TOP, conf_later),
	UNUSED("firehose.region", CONF_TOP, "not read by the Java agent either: the region is awsRegion's (or "
	    "firehose.endpoint's); ignored"),
	UNUSED("cloudwatch.emitMetrics", CONF_TOP, conf_never),
	UNUSED("cloudwatch.endpoint", CONF_TOP, conf_never),
	UNUSED("cloudwatch.tagInstance", CONF_TOP, conf_never),
	UNUSED("cloudwatch.metricsBufferTimeMillis", CONF_TOP, conf_never),
	UNUSED("cloudwatch.namespace", CONF_TOP, conf_never),
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
		if (!k->read || !k->size || (k->where & where) != k->where)
			continue;
		if (k->flags & CONF_STR)
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
		} else if (!k->read) {
			conf_once(x, j, k, "%s", (const char *)k->arg);
		} else {
			int r = k->read(x, k, j + 1, base);
			seen[k - conf_keys] = r < 0 ? CONF_BAD : r > 0 ? CONF_ABSENT : j;
		}
	}
}
