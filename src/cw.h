/* CloudWatch metrics as the Java agent sends them (namespace
 * AWSKinesisAgent, dimension Destination "DeliveryStream:NAME" or
 * "KinesisStream:NAME"), plus kagent's own and a DeviceId dimension: every
 * cloudwatch.metricsBufferTimeMillis, one PutMetricData call (the JSON
 * protocol, signed for service monitoring) on a connection of its own,
 * driven by the loop like a flow's requests.  A period whose call fails is
 * dropped and counted; records never wait for it.
 *
 * The body is made by cw_body() (sans-I/O), the call by cw_step()/cw_io(). */
#ifndef CW_H
#define CW_H
#include <stddef.h>
#include <stdint.h>

/* What a metric's samples add up to over a period: CloudWatch's StatisticSet. */
struct cw_stat {
	uint64_t n, sum, min, max;
};

/* Adds one sample. */
static inline void cw_sample(struct cw_stat *s, uint64_t v)
{
	if (!s->n || v < s->min)
		s->min = v;
	if (!s->n || v > s->max)
		s->max = v;
	s->n++;
	s->sum += v;
}

/* The metrics, in the order they are sent.  The first are sampled once a
 * request (a flow counts them: struct flow_stats), the others once a period. */
enum cw_metric {
	CW_ATTEMPTS,		/* RecordSendAttempts: records in a request (the Java agent's) */
	CW_RECORD_ERRORS,	/* RecordSendErrors: records an answered request did not take (the Java agent's) */
	CW_SERVICE_ERRORS,	/* ServiceErrors: 1 for a request without a 200 answer, else 0 (the Java agent's) */
	CW_BYTES_SENT,		/* BytesSent: data bytes of the records an answer took (the Java agent's) */
	CW_RECORDS_SENT,	/* RecordsSent: records an answer took (kagent) */
	CW_LATENCY,		/* RequestLatency: ms from a request's start to its end (kagent) */
	CW_PER_REQUEST,
	CW_RECORDS_READ = CW_PER_REQUEST,	/* RecordsRead: records read from the files in the period (kagent) */
	CW_BYTES_READ,		/* BytesRead: bytes read in the period (kagent) */
	CW_BYTES_BEHIND,	/* BytesBehind: bytes of the followed files not read yet, at the period's end (kagent) */
	CW_NMETRICS,
};

struct conf;
struct flow;
struct tls_anchors;

/* The period's values of one flow, as cw_body() sends them. */
struct cw_flow_period {
	const char *stream;
	int kinesis;				/* Destination "KinesisStream:" (else "DeliveryStream:") */
	struct cw_stat req[CW_PER_REQUEST];	/* requests' samples (n 0: none, the metric is left out) */
	uint64_t records_read, bytes_read, bytes_behind;
};

/* The largest body cw_body() writes for nflows flows. */
size_t cw_body_max(size_t nflows);
/* The PutMetricData body (awsJson1_0) for the period of nflows flows:
 * namespace ns; each metric with Destination, and again with Destination and
 * DeviceId when device is not "".  Returns its length, or 0 if it did not
 * fit in cap. */
size_t cw_body(char *out, size_t cap, const char *ns, const char *device, const struct cw_flow_period *p,
	       size_t nflows);

struct cw;
/* Start-up: the connection to cloudwatch.endpoint and the buffers, from the
 * arena (NULL if c->cw_emit is off, or kagent -n); it signs with cr's
 * current credentials.  Returns NULL with a
 * message in err when it cannot be set up. */
struct creds;
struct cw *cw_init(const struct conf *c, struct flow *flows, size_t nflows, const struct tls_anchors *ta,
		   struct creds *cr, int64_t now, char *err, size_t errcap);
/* Work that needs no poll event: a period's call when it is due (stopping:
 * the last period at once), timeouts.  Returns when to be called again. */
int64_t cw_step(struct cw *cw, int64_t now, int64_t wall, int stopping);
/* The descriptor to poll and its events, or -1. */
int cw_fd(const struct cw *cw, short *events);
/* The descriptor had revents. */
void cw_event(struct cw *cw, short revents, int64_t now);
/* Nothing on the wire and, stopping, the last period sent (or failed). */
int cw_idle(const struct cw *cw);

/* What became of the periods, for USR1 and the status file. */
struct cw_counters {
	uint64_t calls, sent, dropped;	/* calls made, and of them taken / failed */
	const char *last_error;		/* "" if none */
};
void cw_counters(const struct cw *cw, struct cw_counters *out);
#endif
