/* One flow: a file followed into its ring, records batched and delivered to
 * a Firehose delivery stream over one keep-alive connection, the checkpoint
 * advanced past what the service accepted.  Driven by the loop in main.c. */
#ifndef FLOW_H
#define FLOW_H
#include <stdint.h>
#include "chain.h"
#include "ckpt.h"
#include "conf.h"
#include "firehose.h"
#include "http.h"
#include "net.h"
#include "ring.h"
#include "sigv4.h"
#include "tail.h"

#define FLOW_CONNECT_TIMEOUT_MS 10000
#define FLOW_REQUEST_TIMEOUT_MS 30000
#define FLOW_IDLE_CLOSE_MS 50000	/* close a keep-alive connection unused this long */

enum flow_req { REQ_IDLE, REQ_SENDING, REQ_RECEIVING };

struct flow_stats {
	uint64_t records_read, records_sent, records_failed, requests, requests_failed, retries;
	uint64_t bytes_sent, malformed_answers;
};

struct flow {
	const struct conf *conf;
	const struct conf_flow *cf;
	struct ckpt *ckpt;
	struct tail tail;
	struct ring ring;
	struct chain chain;
	uint64_t proc_next;		/* records before this went through the processors */
	int dry;			/* kagent -n: print the records, send nothing */
	struct net net;
	/* the batch: records [ring.rtail, bend) are on the wire or waiting to be retried */
	uint64_t bend;
	int64_t next_try;		/* not before this (backoff) */
	int failures;			/* consecutive failed attempts */
	int err_class;			/* the state last logged, to log each change once */
	char err_code[96];
	/* the request on the wire */
	enum flow_req req;
	char head[4096];
	size_t head_len, head_off;
	struct firehose_enc enc;
	size_t body_len, body_off;
	int64_t deadline;
	int reused;			/* sent on a kept-alive connection */
	int64_t idle_since;
	struct http_resp resp;
	char *resp_body;
	size_t resp_cap;
	jsmntok_t *toks;
	size_t ntoks;
	struct sigv4_key key;
	/* what the loop asks for */
	int flushing;			/* send everything now, whatever its age */
	int64_t last_progress;		/* when a record was last accepted */
	struct flow_stats st;
};

/* Start-up: sizes and takes the flow's memory, resolves the endpoint, opens
 * the file at its checkpoint.  Returns 0, or -1 with a message in err. */
int flow_init(struct flow *f, const struct conf *c, const struct conf_flow *cf, struct ckpt *ck,
	      const struct tls_anchors *ta, int dry, char *err, size_t errcap);
/* Bytes of memory the flow takes for settings cf (for kagent -t). */
size_t flow_memory(const struct conf_flow *cf, int tls);
/* Work that needs no poll event: reading the file, starting a request, timeouts. */
void flow_step(struct flow *f, int64_t now, int reading);
/* The socket and events to poll (fd -1 for none). */
int flow_pollfd(const struct flow *f, short *events);
/* The socket had revents. */
void flow_io(struct flow *f, short revents, int64_t now);
/* When flow_step must run again at the latest. */
int64_t flow_due(const struct flow *f, int reading);
/* Every record read so far was accepted (and the file is at its end). */
int flow_drained(const struct flow *f);
#endif
