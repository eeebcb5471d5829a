/* CloudWatch metrics: see cw.h.
 *
 * The body is small (about 250 bytes a metric, at most CW_NMETRICS x 2 a
 * flow) and made whole in a buffer taken at start-up, so it is hashed and
 * sent from memory.  The JSON protocol (awsJson1_0) is used: of the three
 * the service model lists, Query's form encoding is about twice as long,
 * and RPC v2 CBOR would save a few hundred bytes a period for a second
 * encoder that no decoder here could check. */
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include "addr.h"
#include "api.h"
#include "arena.h"
#include "aws.h"
#include "clock.h"
#include "conf.h"
#include "creds.h"
#include "cw.h"
#include "flow.h"
#include "fmt.h"
#include "hex.h"
#include "jb.h"
#include "log.h"
#include "net.h"
#include "sha256.h"
#include "sigv4.h"

#define CW_TARGET "GraniteServiceVersion20100801.PutMetricData"
#define CW_SERVICE "monitoring"
#define CW_CONTENT_TYPE "application/x-amz-json-1.0"
#define CW_ANSWER_MAX 4096	/* an answer's body: {} or an error */
#define CW_DEVICE_MAX 255	/* cloudwatch.deviceId, and the host name taken for it */
/* A metric's datum at the most: its name, the Destination (a stream name of
 * 128), the DeviceId (255 bytes escaped at 6 a byte), four numbers. */
#define CW_DATUM_MAX (320 + KINESIS_MAX_STREAM_NAME + 6 * CW_DEVICE_MAX)

_Static_assert(CONF_MAX_FLOWS * CW_NMETRICS * 2 <= CW_MAX_METRICS_PER_CALL, "one call takes every flow's metrics");
_Static_assert(2 <= CW_MAX_DIMENSIONS, "Destination and DeviceId");

/* The table entry api_error() classifies answers with. */
static const struct api api_cloudwatch = { .name = "CloudWatch", .target = CW_TARGET, .service = CW_SERVICE };

static const struct {
	const char *name, *unit;
} metrics[CW_NMETRICS] = {
	[CW_ATTEMPTS] = { "RecordSendAttempts", "Count" },
	[CW_RECORD_ERRORS] = { "RecordSendErrors", "Count" },
	[CW_SERVICE_ERRORS] = { "ServiceErrors", "Count" },
	[CW_BYTES_SENT] = { "BytesSent", "Bytes" },
	[CW_RECORDS_SENT] = { "RecordsSent", "Count" },
	[CW_LATENCY] = { "RequestLatency", "Milliseconds" },
	[CW_RECORDS_READ] = { "RecordsRead", "Count" },
	[CW_BYTES_READ] = { "BytesRead", "Bytes" },
	[CW_BYTES_BEHIND] = { "BytesBehind", "Bytes" },
};

/* ---- the body ---- */

#define CW_BODY_MAX(nflows) (128 + CW_MAX_NAME + (nflows) * CW_NMETRICS * 2 * CW_DATUM_MAX)
_Static_assert(CW_BODY_MAX(CONF_MAX_FLOWS) <= CW_MAX_CALL_BYTES, "a call's size");
_Static_assert(CW_DEVICE_MAX <= CW_MAX_DIMENSION_VALUE, "DeviceId is a dimension's value");
_Static_assert(64 < CW_MAX_VALUE_LOG2, "values are 64-bit counts");

size_t cw_body_max(size_t nflows)
{
	return CW_BODY_MAX(nflows);
}

static void dimensions(struct jb *b, const struct cw_flow_period *p, const char *device)
{
	char dest[32 + KINESIS_MAX_STREAM_NAME];

	fmt_snprintf(dest, sizeof dest, "%s:%s", p->kinesis ? "KinesisStream" : "DeliveryStream", p->stream);
	jb_open(b, "Dimensions", '[');
	jb_open(b, NULL, '{');
	jb_cstr(b, "Name", "Destination");
	jb_cstr(b, "Value", dest);
	jb_close(b, '}');
	if (device) {
		jb_open(b, NULL, '{');
		jb_cstr(b, "Name", "DeviceId");
		jb_cstr(b, "Value", device);
		jb_close(b, '}');
	}
	jb_close(b, ']');
}

/* Metric m of period p: a request metric as the StatisticSet of its
 * samples (as the Java agent sends every metric), a period metric as one
 * Value.  Left out when no request had a sample. */
static void datum(struct jb *b, const struct cw_flow_period *p, int m, const char *device)
{
	uint64_t v = m == CW_RECORDS_READ ? p->records_read : m == CW_BYTES_READ ? p->bytes_read : p->bytes_behind;

	if (m < CW_PER_REQUEST && !p->req[m].n)
		return;
	jb_open(b, NULL, '{');
	jb_cstr(b, "MetricName", metrics[m].name);
	dimensions(b, p, device);
	if (m < CW_PER_REQUEST) {
		jb_open(b, "StatisticValues", '{');
		jb_u64(b, "SampleCount", p->req[m].n);
		jb_u64(b, "Sum", p->req[m].sum);
		jb_u64(b, "Minimum", p->req[m].min);
		jb_u64(b, "Maximum", p->req[m].max);
		jb_close(b, '}');
	} else {
		jb_u64(b, "Value", v);
	}
	jb_cstr(b, "Unit", metrics[m].unit);
	jb_close(b, '}');
}

size_t cw_body(char *out, size_t cap, const char *ns, const char *device, const struct cw_flow_period *p,
	       size_t nflows)
{
	struct jb b;
	long n;

	jb_begin(&b, out, cap);
	jb_open(&b, NULL, '{');
	jb_cstr(&b, "Namespace", ns);
	jb_open(&b, "MetricData", '[');
	for (size_t i = 0; i < nflows; i++)
		for (int m = 0; m < CW_NMETRICS; m++) {
			datum(&b, &p[i], m, NULL);	/* the Java agent's: its dashboards see the fleet */
			if (device[0])
				datum(&b, &p[i], m, device);
		}
	jb_close(&b, ']');
	jb_close(&b, '}');
	n = jb_end(&b);
	return n < 0 ? 0 : (size_t)n;
}

/* ---- the call ---- */

enum cw_state { CW_IDLE, CW_SENDING, CW_RECEIVING };

struct cw {
	const struct conf *conf;
	struct flow *flows;
	size_t nflows;
	char device[CW_DEVICE_MAX + 1];
	struct cw_flow_period *period;
	uint64_t *last_read, *last_bytes;	/* each flow's counters when the last period was taken */
	struct net net;
	enum cw_state state;
	int64_t next;			/* the next period */
	int64_t deadline;		/* of the call on the wire */
	int64_t idle_since;
	int reused, again;		/* on a kept-alive connection; sent again on a new one */
	int final;			/* the last period was taken */
	char head[CREDS_TOKEN_MAX + 2048];	/* the session token and the rest */
	size_t head_len;
	char *body;
	size_t body_cap, body_len;
	size_t sent;			/* bytes of the head and the body sent */
	struct http_resp resp;
	char *answer;
	struct sigv4_key key;
	struct creds *creds;		/* what it signs with */
	uint64_t creds_gen;		/* the credentials' generation key was made for */
	struct cw_counters c;
	char last_error[96];
	int failing;
};

/* The host name, or "" if there is none that CloudWatch takes. */
static void host_name(char *out, size_t cap)
{
	struct utsname u;
	size_t n;

	out[0] = 0;
	if (uname(&u) < 0 || !(n = strlen(u.nodename)) || n >= cap)
		return;
	for (size_t i = 0; i < n; i++)
		if (u.nodename[i] <= ' ' || u.nodename[i] > '~')
			return;
	memcpy(out, u.nodename, n + 1);
}

struct cw *cw_init(const struct conf *c, struct flow *flows, size_t nflows, const struct tls_anchors *ta,
		   struct creds *cr, int64_t now, char *err, size_t errcap)
{
	struct cw *cw;

	if (!c->cw_emit)
		return NULL;
	cw = arena_alloc(sizeof *cw);
	cw->conf = c;
	cw->creds = cr;
	cw->flows = flows;
	cw->nflows = nflows;
	if (c->cw_device_id)
		fmt_snprintf(cw->device, sizeof cw->device, "%s", c->cw_device_id);
	else
		host_name(cw->device, sizeof cw->device);
	cw->period = arena_alloc(nflows * sizeof *cw->period);
	cw->last_read = arena_alloc(nflows * sizeof *cw->last_read);
	cw->last_bytes = arena_alloc(nflows * sizeof *cw->last_bytes);
	cw->body_cap = cw_body_max(nflows);
	cw->body = arena_alloc(cw->body_cap);
	cw->answer = arena_alloc(CW_ANSWER_MAX);
	cw->next = now + c->cw_period_ms;
	cw->c.last_error = cw->last_error;
	if (net_init(&cw->net, c, &c->cloudwatch, ta, err, errcap) < 0)
		return NULL;
	return cw;
}

/* This period of every flow into cw->period; the flows' request samples
 * start again from nothing.  Returns 0 if nothing at all happened (no
 * request, nothing read, nothing left to read): the call is saved, as the
 * Java agent sends nothing while idle. */
static int take(struct cw *cw)
{
	struct flow_counters fc;
	struct tail_file tf;
	int any = 0;

	for (size_t i = 0; i < cw->nflows; i++) {
		struct flow *f = &cw->flows[i];
		struct cw_flow_period *p = &cw->period[i];
		flow_counters(f, 0, &fc);
		p->stream = f->cf->stream;
		p->kinesis = f->cf->api == API_KINESIS;
		memcpy(p->req, f->stats.period, sizeof p->req);
		memset(f->stats.period, 0, sizeof f->stats.period);
		p->records_read = fc.records_read - cw->last_read[i];
		p->bytes_read = fc.bytes_read - cw->last_bytes[i];
		cw->last_read[i] = fc.records_read;
		cw->last_bytes[i] = fc.bytes_read;
		p->bytes_behind = 0;
		for (int k = 0; k < TAIL_FILES; k++)
			if (tail_file(&f->tail, &f->ring, k, &tf) && tf.size > tf.read)
				p->bytes_behind += (uint64_t)(tf.size - tf.read);
		any |= p->req[CW_ATTEMPTS].n || p->records_read || p->bytes_read || p->bytes_behind;
	}
	return any;
}

/* The request head, signed with the current credentials (wall: ms since
 * 1970) over the body's hash; -1 if there are none valid or it does not fit. */
static int sign(struct cw *cw, int64_t now, int64_t wall)
{
	const struct conf *c = cw->conf;
	const struct conf_endpoint *ep = &c->cloudwatch;
	char host[300], date[17], hash[65];
	uint64_t gen;
	const struct creds_set *cs = creds_get(cw->creds, now, &gen);

	if (gen != cw->creds_gen) {
		cw->creds_gen = gen;
		creds_wipe(&cw->key, sizeof cw->key);
	}
	if (!cs)
		return -1;

	addr_hostport(host, sizeof host, ep->host, ep->port == (ep->tls ? 443u : 80u) ? 0 : ep->port);
	sigv4_amz_date((time_t)(wall / 1000), date);
	sigv4_sha256_hex(cw->body, cw->body_len, hash);
	struct sigv4_post post = {
		.host = host, .content_type = CW_CONTENT_TYPE, .target = CW_TARGET, .amz_date = date,
		.payload_hash = hash, .body_len = cw->body_len, .id = cs->id, .secret = cs->secret, .token = cs->token,
		.region = c->cw_region, .service = CW_SERVICE, .key = &cw->key,
	};
	int k = sigv4_post_head(&post, cw->head, sizeof cw->head);
	if (k < 0)
		return -1;
	cw->head_len = (size_t)k;
	cw->sent = 0;
	return 0;
}

/* The call ended: taken (code NULL), or not (code, msg): the period is dropped. */
static void done(struct cw *cw, const char *code, const char *msg)
{
	cw->state = CW_IDLE;
	if (!code) {
		cw->c.sent++;
		if (cw->failing)
			log_info("CloudWatch: metrics sent again (%" PRIu64 " periods dropped so far)", cw->c.dropped);
		cw->failing = 0;
		return;
	}
	cw->c.dropped++;
	fmt_snprintf(cw->last_error, sizeof cw->last_error, "%s", code);
	if (!cw->failing++)
		log_warnx("CloudWatch: PutMetricData to %s failed (%s%s%s): the period's metrics are dropped "
			  "(said once, counted); records are not held up", cw->conf->cloudwatch.host, code,
			  msg[0] ? ": " : "", msg);
}

static void start(struct cw *cw, int64_t now, int64_t wall)
{
	cw->reused = cw->net.state == NET_OPEN;
	cw->c.calls += !cw->again;
	if (cw->net.state == NET_CLOSED && net_connect(&cw->net, now) < 0) {
		done(cw, "network", cw->net.err);
		return;
	}
	if (sign(cw, now, wall) < 0) {
		uint64_t gen;
		done(cw, "signing", creds_get(cw->creds, now, &gen) ? "request head does not fit" : creds_state(cw->creds));
		return;
	}
	cw->state = CW_SENDING;
	cw->deadline = now + cw->conf->socket_timeout_ms +
		       (cw->reused ? 0 : cw->conf->connect_timeout_ms + cw->conf->handshake_timeout_ms);
}

/* The call failed without an answer (the connection is closed): on a
 * kept-alive connection the server may have closed, it goes once more on a
 * new one. */
static void lost(struct cw *cw, const char *why, int64_t now)
{
	if (cw->reused && !cw->again) {
		cw->again = 1;
		start(cw, now, wall_ms());
		return;
	}
	done(cw, "network", why);
}

static void answered(struct cw *cw, int64_t now)
{
	char code[96], msg[256];

	cw->idle_since = now;
	if (!cw->resp.keep_alive)
		net_close(&cw->net);
	if (cw->resp.status == 200) {
		done(cw, NULL, "");
		return;
	}
	api_error(&api_cloudwatch, cw->resp.status, cw->resp.body, cw->resp.body_len, cw->resp.error_type, code,
		  sizeof code, msg, sizeof msg);
	if (!code[0])
		fmt_snprintf(code, sizeof code, "HTTP %d", cw->resp.status);
	done(cw, code, msg);
}

static void pump(struct cw *cw, int64_t now)
{
	if (cw->state == CW_SENDING) {
		cw->sent = net_send2(&cw->net, cw->head, cw->head_len, cw->body, cw->body_len, cw->sent);
		if (cw->sent == cw->head_len + cw->body_len) {
			http_resp_init(&cw->resp, cw->answer, CW_ANSWER_MAX);
			cw->state = CW_RECEIVING;
		}
	}
	if (cw->state != CW_RECEIVING)
		return;
	switch (net_answer(&cw->net, &cw->resp)) {
	case HTTP_DONE:
		answered(cw, now);
		break;
	case HTTP_ERROR:
		net_close(&cw->net);
		done(cw, "network", cw->resp.error);
		break;
	}
}

static void io(struct cw *cw, short revents, int64_t now)
{
	int rc = net_io(&cw->net, revents, now);

	char why[sizeof cw->net.err];

	pump(cw, now);
	if (rc == 0)
		return;
	fmt_snprintf(why, sizeof why, "%s", cw->net.err[0] ? cw->net.err : "connection closed");
	if (cw->state == CW_RECEIVING && cw->net.eof && http_resp_eof(&cw->resp) == HTTP_DONE) {
		answered(cw, now);
		net_close(&cw->net);
		return;
	}
	net_close(&cw->net);
	if (cw->state != CW_IDLE)
		lost(cw, why, now);
}

int64_t cw_step(struct cw *cw, int64_t now, int64_t wall, int stopping)
{
	int64_t due;

	if (!cw)
		return INT64_MAX;
	if (cw->net.state != NET_CLOSED && now >= net_due(&cw->net))
		io(cw, 0, now);
	if (cw->state != CW_IDLE && now >= cw->deadline) {
		net_close(&cw->net);
		done(cw, "network", "no answer in time");
	}
	if (cw->state == CW_IDLE && cw->net.state == NET_OPEN && now - cw->idle_since >= cw->conf->idle_timeout_ms)
		net_close(&cw->net);
	if (cw->state == CW_IDLE && !cw->final && (now >= cw->next || stopping)) {
		int any = take(cw);
		cw->final = stopping;
		cw->next = now + cw->conf->cw_period_ms;
		cw->body_len = any ? cw_body(cw->body, cw->body_cap, cw->conf->cw_namespace, cw->device, cw->period,
					     cw->nflows) : 0;
		cw->again = 0;
		if (cw->body_len)
			start(cw, now, wall);
		if (cw->state != CW_IDLE)
			pump(cw, now);
	}
	due = cw->final ? INT64_MAX : cw->next;
	if (cw->state != CW_IDLE)
		due = mono_min(due, cw->deadline);
	else if (cw->net.state == NET_OPEN)
		due = mono_min(due, cw->idle_since + cw->conf->idle_timeout_ms);
	return mono_min(due, net_due(&cw->net));
}

int cw_fd(const struct cw *cw, short *events)
{
	*events = 0;
	return cw ? net_pollfd(&cw->net, events) : -1;
}

void cw_event(struct cw *cw, short revents, int64_t now)
{
	if (cw)
		io(cw, revents, now);
}

int cw_idle(const struct cw *cw)
{
	return !cw || (cw->state == CW_IDLE && cw->final);
}

void cw_counters(const struct cw *cw, struct cw_counters *out)
{
	*out = cw->c;
}
