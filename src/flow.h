/* One flow: its files followed into its ring, records batched and delivered
 * to a Firehose delivery stream or a Kinesis data stream over its own
 * keep-alive connection (one per request on the wire at once:
 * maxInFlightRequests), the checkpoints advanced past what the service
 * accepted.  Driven by the loop in main.c. */
#ifndef FLOW_H
#define FLOW_H
#include <stdint.h>
#include "chain.h"
#include "ckpt.h"
#include "conf.h"
#include "http.h"
#include "kinesis.h"
#include "net.h"
#include "ring.h"
#include "sigv4.h"
#include "tail.h"


enum req_state { REQ_IDLE, REQ_SENDING, REQ_RECEIVING };

/* One request of a round, on its own keep-alive connection. */
struct flow_req {
	enum req_state state;
	uint64_t from, to;		/* its records: those of [from, to) not acked when it started */
	struct net net;
	char head[4096];
	size_t head_len, head_off;
	struct api_enc enc;		/* the body */
	size_t body_len, body_off;
	int64_t deadline;
	int reused;			/* sent on a kept-alive connection */
	int64_t signed_skew;		/* the clock correction the request was signed with */
	int64_t idle_since;
	struct http_resp resp;
	char *resp_body;
};

struct flow_stats {
	uint64_t records_read, records_sent, records_failed, requests, requests_failed, retries;
	uint64_t bytes_sent, malformed_answers, rejected;
};

struct flow {
	const struct conf *conf;
	const struct conf_flow *cf;
	const struct api *api;		/* the calls it makes: its records' API, or its Describe call */
	struct api_args args;
	struct ckpt *ckpt;
	struct tail tail;
	struct ring ring;
	struct chain chain;
	uint64_t proc_next;		/* records before this went through the processors */
	int dry;			/* kagent -n: print the records, send nothing */
	/* the batch: records [ring.rtail, bend) are on the wire or waiting to be
	 * retried; a round sends them as up to maxInFlightRequests requests */
	uint64_t bend;
	struct flow_req *q;		/* cf->max_inflight of them (arena) */
	int round_bad;			/* a request of this round did not have all its records accepted */
	int round_counted;		/* and failures counted it */
	int round_reconnect;		/* a request found its kept-alive connection dropped */
	int64_t next_try;		/* not before this (backoff) */
	int failures;			/* consecutive failed attempts */
	size_t split;			/* records per request while looking for one the service refuses (0: no limit) */
	int err_class;			/* the state last logged, to log each change once */
	char err_code[96];
	struct kinesis_keys keys;
	size_t key_max;			/* Kinesis: bytes a record's key may take (batch sizes) */
	int key_warned;
	size_t resp_cap;
	jsmntok_t *toks;
	size_t ntoks;
	struct sigv4_key key;
	/* what the loop asks for */
	int flushing;			/* send everything now, whatever its age */
	int64_t last_progress;		/* when a record was last accepted */
	int64_t failing_since;		/* when delivery began to fail (0: it does not) */
	struct flow_stats st;
	/* kagent -t --online: one read-only call instead of the flow's work */
	int probe;			/* 1: on its way, 2: answered or failed */
	char probe_result[512];		/* what it found */
	int probe_ok;
};

/* Start-up: sizes and takes the flow's memory, settles the route to the
 * endpoint (resolved later, without blocking), opens its files at their
 * checkpoints.  Returns 0, or -1 with a message in err. */
int flow_init(struct flow *f, const struct conf *c, const struct conf_flow *cf, struct ckpt *ck,
	      const struct tls_anchors *ta, int dry, char *err, size_t errcap);
/* Bytes of memory the flow takes for settings cf (for kagent -t). */
size_t flow_memory(const struct conf_flow *cf, int tls);
/* Work that needs no poll event: reading the file, starting a request, timeouts. */
void flow_step(struct flow *f, int64_t now, int reading);
/* Request j's socket (j < cf->max_inflight) and events to poll (fd -1 for none). */
int flow_pollfd(const struct flow *f, int j, short *events);
/* Request j's socket had revents. */
void flow_io(struct flow *f, int j, short revents, int64_t now);
/* When flow_step must run again at the latest. */
int64_t flow_due(const struct flow *f, int reading);
/* kagent -t --online: sends one cheap read-only call (DescribeDeliveryStream,
 * DescribeStreamSummary) signed as the flow's records would be; the loop
 * drives it like a batch; f->probe is 2 when probe_result says what it found. */
void flow_probe(struct flow *f, int64_t now);
/* Every record read so far was accepted, and, while reading, the files
 * are read to their end. */
int flow_drained(const struct flow *f, int reading);
#endif
