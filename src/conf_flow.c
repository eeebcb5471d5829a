/* A flow: its keys go through the key table (conf_keys.c) like any; here
 * are those that need more than a row (the destination, partition keys,
 * processors) and the checks that depend on the flow's API or on several
 * keys at once.
 *
 * The API is known before the keys are read (from deliveryStream or
 * kinesisStream, wherever it is), so a key of the other API is warned about
 * and ignored without being read, as the Java agent ignores it. */
#include <stdio.h>
#include <string.h>
#include "conf_impl.h"
#include "fmt.h"
#include "glob.h"
#include "kinesis.h"

/* Without ringSizeBytes, a ring of this size, or one longest record and a
 * read if that is more. */
#define CONF_RING_DEFAULT (1024 * 1024)

int conf_k_file_pattern(struct conf_cx *x, const struct conf_key *k, int v, void *base)
{
	const char *s = conf_abspath(x, v), *why;

	if (!s)
		return -1;
	if (*(why = glob_check(s))) {
		conf_bad(x, v, "%s", why);
		return -1;
	}
	conf_put_ptr(base, k, s);
	return 0;
}

/* Stream names: 1..max of [a-zA-Z0-9_.-]. */
static int conf_stream_ok(const char *s, size_t max)
{
	size_t i, n = strlen(s);

	if (n < 1 || n > max)
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '_' || s[i] == '.' || s[i] == '-'))
			return 0;
	return 1;
}

/* deliveryStream or kinesisStream (k->min: its API; k->max: the longest name). */
int conf_k_stream(struct conf_cx *x, const struct conf_key *k, int v, void *base)
{
	const char *other = k->min == API_KINESIS ? "deliveryStream" : "kinesisStream";
	const char *s = conf_string(x, v);

	if (!s)
		return -1;
	if (conf_got(x, other) != CONF_ABSENT) {
		conf_bad(x, v - 1, "a flow has one destination, %s is already given", other);
		return -1;
	}
	if (!conf_stream_ok(s, (size_t)k->max)) {
		conf_bad(x, v, "must be 1..%d characters of a-z A-Z 0-9 _ . -, got \"%.*s\"", (int)k->max,
		    CONF_SHOWN(x, v));
		return -1;
	}
	((struct conf_flow *)base)->api = (enum conf_api)k->min;
	conf_put_ptr(base, k, s);
	return 0;
}

/* partitionKey or partitionKeyField (k->min: its enum kinesis_key_kind). */
int conf_k_partition_key(struct conf_cx *x, const struct conf_key *k, int v, void *base)
{
	int field = k->min == KINESIS_KEY_FIELD;
	const char *s = conf_nonempty(x, v);

	if (!s)
		return -1;
	if (conf_got(x, field ? "partitionKey" : "partitionKeyField") >= 0) {
		conf_bad(x, v - 1, "partitionKey and partitionKeyField exclude each other");
		return -1;
	}
	if (field ? strlen(s) > KINESIS_MAX_FIELD : !kinesis_key_valid(s, strlen(s))) {
		conf_bad(x, v, "%s", field ? "longer than 256 bytes" : "must be 1..256 characters of valid UTF-8");
		return -1;
	}
	((struct conf_flow *)base)->key_kind = k->min;
	conf_put_ptr(base, k, s);
	return 0;
}

/* truncatedRecordTerminator: at most k->max bytes. */
int conf_k_terminator(struct conf_cx *x, const struct conf_key *k, int v, void *base)
{
	const char *s = conf_nonempty(x, v);

	if (!s)
		return -1;
	if (strlen(s) > (size_t)k->max) {
		conf_bad(x, v, "at most %d bytes", (int)k->max);
		return -1;
	}
	conf_put_ptr(base, k, s);
	return 0;
}

/* dataProcessingOptions: the processors, in order, each ready to run. */
int conf_k_procs(struct conf_cx *x, const struct conf_key *k, int v, void *base)
{
	struct conf_flow *f = base;
	unsigned errors = x->r->errors;
	char kp[sizeof x->kp], pfx[sizeof x->kp + 16];
	int i, j;

	(void)k;
	if (x->t[v].type != JSMN_ARRAY) {
		/* the Java agent ignores a single object here without a word */
		conf_bad(x, v, "must be an array of processors ([{\"optionName\": ...}])");
		return -1;
	}
	if (x->t[v].size > CONF_MAX_PROCS) {
		conf_bad(x, v, "at most %d processors, got %d", CONF_MAX_PROCS, x->t[v].size);
		return -1;
	}
	fmt_snprintf(kp, sizeof kp, "%s", x->kp);
	for (i = 0, j = v + 1; i < x->t[v].size; i++, j = json_skip(x->t, j)) {
		fmt_snprintf(pfx, sizeof pfx, "%s[%d]", kp, i);
		if (conf_proc(x, j, pfx, &f->proc[f->nproc]) == 0)
			f->nproc++;
	}
	return x->r->errors == errors ? 0 : -1;
}

/* The checks and defaults that depend on the flow's API. */
static void conf_flow_api(struct conf_cx *x, struct conf_flow *f, const char *pfx)
{
	int kin = f->api == API_KINESIS;
	int key = conf_got(x, "partitionKey"), opt = conf_got(x, "partitionKeyOption");
	size_t max_batch, ring_min;

	if (key < 0)
		key = conf_got(x, "partitionKeyField");
	if (key >= 0 && opt >= 0)
		conf_say(x, conf_line(x, key), 1, "%s.%.*s: excludes partitionKeyOption", pfx, CONF_SHOWN(x, key));
	max_batch = kin ? kinesis_max_batch_bytes(f->max_record_bytes) : FIREHOSE_MAX_BATCH_BYTES;
	if (!f->max_buffer_bytes) {
		f->max_buffer_bytes = max_batch;
	} else if (f->max_buffer_bytes > max_batch) {
		conf_say(x, conf_line(x, conf_got(x, "maxBufferSizeBytes") + 1), 1,
		    "%s.maxBufferSizeBytes: must be 1..%zu for a %s flow, got %zu", pfx, max_batch,
		    kin ? "Kinesis" : "Firehose", f->max_buffer_bytes);
	}
	/* the ring holds at least one longest record and a read */
	ring_min = (kin ? f->max_record_bytes : FIREHOSE_MAX_RECORD_BYTES) + 16384;
	if (!f->ring_bytes) {
		f->ring_bytes = ring_min > CONF_RING_DEFAULT ? ring_min : CONF_RING_DEFAULT;
	} else if (f->ring_bytes < ring_min) {
		conf_say(x, conf_line(x, conf_got(x, "ringSizeBytes") + 1), 1,
		    "%s.ringSizeBytes: must be at least %zu for records of %zu bytes, got %zu", pfx, ring_min,
		    f->max_record_bytes, f->ring_bytes);
	}
}

static void conf_flow_backoff(struct conf_cx *x, const struct conf_flow *f, const char *pfx)
{
	int init = conf_got(x, "retryInitialBackoffMillis"), max = conf_got(x, "retryMaxBackoffMillis");

	if (init == CONF_BAD || max == CONF_BAD || f->retry_max_backoff_ms >= f->retry_initial_backoff_ms)
		return;
	if (max >= 0)
		conf_say(x, conf_line(x, max + 1), 1,
		    "%s.retryMaxBackoffMillis: must be at least retryInitialBackoffMillis (%lld), got %lld", pfx,
		    (long long)f->retry_initial_backoff_ms, (long long)f->retry_max_backoff_ms);
	else
		conf_say(x, conf_line(x, init + 1), 1,
		    "%s.retryInitialBackoffMillis: must be at most retryMaxBackoffMillis (%lld), got %lld", pfx,
		    (long long)f->retry_max_backoff_ms, (long long)f->retry_initial_backoff_ms);
}

/* The flow at token obj, the idx-th of its file, into the next of x->c's
 * flows; kept only if it has no error. */
static void conf_flow(struct conf_cx *x, int obj, size_t idx)
{
	struct conf *c = x->c;
	struct conf_flow *f = &c->flows[c->nflows];
	unsigned errors = x->r->errors, where = CONF_FLOW;
	int seen[CONF_MAX_KEYS], *outer = x->seen, fh, kin;
	const char *ep;
	char pfx[32], dot[40], kp[64];
	size_t a;

	fmt_snprintf(pfx, sizeof pfx, "flows[%zu]", idx);
	if (x->t[obj].type != JSMN_OBJECT) {
		conf_say(x, conf_line(x, obj), 1, "%s: must be an object", pfx);
		return;
	}
	memset(f, 0, sizeof *f);
	conf_defaults(f, CONF_FLOW);
	f->line = conf_line(x, obj);
	f->file = x->name;
	/* the first destination key decides the API */
	fh = json_get(x->js, x->t, obj, "deliveryStream");
	kin = json_get(x->js, x->t, obj, "kinesisStream");
	if (fh >= 0 || kin >= 0) {
		f->api = fh >= 0 && (kin < 0 || fh < kin) ? API_FIREHOSE : API_KINESIS;
		where = f->api == API_KINESIS ? CONF_KIN : CONF_FH;
	}
	fmt_snprintf(dot, sizeof dot, "%s.", pfx);
	conf_object(x, obj, where, f, dot, seen);
	if (conf_got(x, "filePattern") == CONF_ABSENT)
		conf_say(x, f->line, 1, "%s: filePattern is required", pfx);
	if (where == CONF_FLOW) {
		conf_say(x, f->line, 1, "%s: deliveryStream (Firehose) or kinesisStream is required", pfx);
	} else {
		conf_flow_api(x, f, pfx);
		ep = f->api == API_KINESIS ? "kinesis.endpoint" : "firehose.endpoint";
		fmt_snprintf(kp, sizeof kp, "%s%s", dot, ep);
		if (conf_got(x, ep) >= 0)
			conf_flow_endpoint_region(x, f, kp, conf_got(x, ep), conf_got(x, "awsRegion"));
	}
	conf_flow_backoff(x, f, pfx);
	x->seen = outer;
	x->where = CONF_TOP;
	if (x->r->errors != errors)
		return;
	/* The Java agent refuses two flows with one id (file and destination). */
	for (a = 0; a < c->nflows; a++)
		if (strcmp(c->flows[a].file_pattern, f->file_pattern) == 0 && strcmp(c->flows[a].stream, f->stream) == 0 &&
		    c->flows[a].api == f->api) {
			conf_say(x, f->line, 1, "flows[%zu]: same filePattern and %s as %s:%d", idx,
			    f->api == API_KINESIS ? "kinesisStream" : "deliveryStream", c->flows[a].file, c->flows[a].line);
			return;
		}
	c->nflows++;
}

int conf_flows(struct conf_cx *x, int arr)
{
	struct conf *c = x->c;
	int i, j;

	if (x->t[arr].type != JSMN_ARRAY) {
		conf_bad(x, arr, "must be an array");
		return -1;
	}
	if (x->t[arr].size == 0) {
		conf_bad(x, arr, "must not be empty");
		return -1;
	}
	if (c->nflows + (size_t)x->t[arr].size > CONF_MAX_FLOWS) {
		conf_bad(x, arr, "at most %d flows in all, got %zu", CONF_MAX_FLOWS, c->nflows + (size_t)x->t[arr].size);
		return -1;
	}
	for (i = 0, j = arr + 1; i < x->t[arr].size; i++, j = json_skip(x->t, j)) {
		x->r->flow_objects++;
		conf_flow(x, j, (size_t)i);
	}
	return 0;
}

int conf_k_flows(struct conf_cx *x, const struct conf_key *k, int v, void *base)
{
	(void)k;
	(void)base;
	return conf_flows(x, v);
}
