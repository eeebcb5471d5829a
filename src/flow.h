/* One flow: its files followed into its ring, records batched (batch.c)
 * and delivered to a Firehose delivery stream or a Kinesis data stream
 * (api.h) over its own keep-alive connections (one per request on the wire
 * at once: maxInFlightRequests), the checkpoints advanced past what the
 * service accepted.  The wiring between tail, ring, processors, batch, the
 * request writer and net; driven by loop.c, which gives it the time. */
#ifndef FLOW_H
#define FLOW_H
#include <stdint.h>
#include "api.h"
#include "batch.h"
#include "chain.h"
#include "ckpt.h"
#include "conf.h"
#include "creds.h"
#include "cw.h"
#include "http.h"
#include "kinesis.h"
#include "net.h"
#include "ring.h"
#include "sigv4.h"
#include "tail.h"

/* A flow's descriptors: its requests' connections, then its FIFO. */
#define FLOW_FDS (CONF_MAX_INFLIGHT + 1)

enum req_state { REQ_IDLE, REQ_SENDING, REQ_RECEIVING };

/* One request of a round (batch.req[j]), on its own keep-alive connection. */
struct flow_req {
	enum req_state state;
	struct net net;
	char head[1536 + CREDS_TOKEN_MAX];	/* the token and the rest */
	size_t head_len, head_off;
	struct api_enc enc;		/* the body */
	size_t body_len, body_off;
	int body_kept;			/* the body is whole in resp_body until sent (else enc streams it) */
	int64_t deadline;
	int reused;			/* sent on a kept-alive connection */
	uint64_t creds_gen;		/* the credentials it was signed with */
	int64_t started;		/* monotonic ms it was started */
	size_t data_bytes;		/* its records' data bytes */
	int64_t idle_since;
	struct http_resp resp;
	char *resp_body;
};

/* What the requests did, for CloudWatch (cw.h) and the status file: totals
 * since the start, and this period's samples (taken and zeroed by cw.c). */
struct flow_stats {
	uint64_t attempts;		/* records in requests that ended */
	uint64_t service_errors;	/* requests that ended without a 200 answer */
	uint64_t bytes_accepted;	/* data bytes of the records answers took */
	uint64_t latency_ms;		/* of requests that ended, added up */
	uint64_t ended;			/* requests that ended */
	struct cw_stat period[CW_PER_REQUEST];
	char last_error[96];		/* the code of the last request that failed or had records refused, "" */
	char last_message[160];		/* and its message */
	int64_t last_error_wall;	/* and when, ms since 1970 (0: never) */
};

/* kagent -n: where each record goes, as it would be sent (the caller's). */
typedef void (*flow_out_fn)(void *ctx, const struct rec_view *v);

struct flow {
	const struct conf *conf;
	const struct conf_flow *cf;
	const struct api *api;		/* the calls it makes: its records' API, or its Describe call */
	struct api_args args;
	struct tail tail;
	struct ring ring;
	struct chain chain;
	uint64_t proc_next;		/* records before this went through the processors */
	struct batch batch;
	struct flow_req *q;		/* cf->max_inflight of them (arena) */
	flow_out_fn out;		/* kagent -n: records go there, nothing is sent */
	void *out_ctx;
	struct kinesis_keys keys;
	int key_warned;
	size_t resp_cap;
	jsmntok_t *toks;
	size_t ntoks;
	struct sigv4_key key;
	struct creds *creds;		/* what it signs with */
	uint64_t creds_gen;		/* the credentials' generation key was made for */
	int creds_waiting;		/* records wait: no valid credentials (said once) */
	uint64_t creds_waits;		/* how many times they did */
	uint64_t requests, bytes_sent, printed;
	struct flow_stats stats;
	/* kagent -t --online: one read-only call instead of the flow's work */
	int probe;			/* 1: on its way, 2: answered or failed */
	int probe_ok;
	char probe_result[512];		/* what it found */
};

/* What a flow has done and where it stands: for USR1, the loop's limits,
 * kagent -t --online. */
struct flow_counters {
	const char *stream;
	uint64_t records_read, records_sent, records_failed, requests, requests_failed, truncated;
	uint64_t dropped_proc, dropped_fifo, rejected, malformed, pending, bytes_read, bytes_sent, retries;
	uint64_t random_keys;		/* partitionKeyField fallbacks */
	uint64_t creds_waits;		/* times its records waited for valid credentials */
	int64_t backoff_ms;		/* until the next try, 0 unless failing */
	const char *last_error;		/* "none" */
	int creds_refused;		/* the service refuses the credentials now */
	int64_t failing_since;		/* monotonic ms delivery began to fail, 0: it does not */
	int64_t last_progress;		/* when a record was last accepted */
	const char *probe_result;	/* kagent -t --online: what it found, NULL before */
	int probe_ok;
};

/* Start-up: sizes and takes the flow's memory, settles the route to the
 * endpoint (resolved later, without blocking), opens its files at their
 * checkpoints; requests are signed with cr's credentials.  out (kagent
 * -n): the records go there, nothing is sent (cr may be NULL).  Returns
 * 0, or -1 with a message in err. */
int flow_init(struct flow *f, const struct conf *c, const struct conf_flow *cf, struct ckpt *ck,
	      const struct tls_anchors *ta, struct creds *cr, flow_out_fn out, void *out_ctx, int64_t now, char *err,
	      size_t errcap);
/* Work that needs no poll event: reading the files (if reading), applying
 * timeouts, releasing what was accepted, starting a round.  now: monotonic
 * ms; wall: ms since 1970 by the system clock (signatures, processors).
 * flush: send what is held now, whatever its age (stopping; --once). */
void flow_step(struct flow *f, int64_t now, int64_t wall, int reading, int flush);
/* Descriptor k (< FLOW_FDS) to poll and its events, or -1. */
int flow_fd(const struct flow *f, int k, int reading, short *events);
/* Descriptor k had revents. */
void flow_event(struct flow *f, int k, short revents, int64_t now, int64_t wall);
/* inotify saw a change (rescan: the patterns are to be matched again). */
void flow_kick(struct flow *f, int rescan);
/* When flow_step must run again at the latest. */
int64_t flow_due(const struct flow *f, int reading);
/* kagent -t --online: sends one cheap read-only call (DescribeDeliveryStream,
 * DescribeStreamSummary) signed as the flow's records would be; the loop
 * drives it like a round, until flow_drained(). */
void flow_probe(struct flow *f, int64_t now, int64_t wall);
/* Every record read so far was accepted, nothing is on the wire, and,
 * while reading, the files are read to their end. */
int flow_drained(const struct flow *f, int reading);
/* Its files were read to their end in the last look. */
int flow_at_end(const struct flow *f);
/* Its counters and state, as of now. */
void flow_counters(const struct flow *f, int64_t now, struct flow_counters *c);
#endif
