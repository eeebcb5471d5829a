/* A flow's wiring: the files into the ring (tail), the records through the
 * processors (chain), the rounds the batch engine plans onto the wire
 * (request head, signature, body, net), each answer back to the engine as
 * an outcome, and, in the flow's step, the accepted records released and
 * the checkpoints moved past them.
 *
 * An answer on a socket goes no further than the engine's state; records
 * are released and checkpoints moved only in flow_step(), between rounds. */
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bearssl.h>
#include "addr.h"
#include "arena.h"
#include "clock.h"
#include "flow.h"
#include "fmt.h"
#include "hex.h"
#include "log.h"
#include "rnd.h"
#include "sha256.h"

#define RESP_PER_RECORD 512	/* a RequestResponses entry; RecordIds are ~200 chars, with no stated maximum */
#define TOKS_PER_RECORD 5	/* {"ErrorCode":"...","ErrorMessage":"..."} */
#define RESP_MAX_FACTOR 8	/* an answer longer than this many answer buffers is refused: 4 KB an entry */
#define FLOW_TURN_RECORDS 8	/* TLS records (16 KiB) a request moves each way in a turn after the first */
_Static_assert(CONF_MAX_FLOWS * TAIL_FILES <= TAIL_WATCHES, "every file followed has a watch of its own");

/* AWS's clock minus ours, in seconds, once an answer said our signature's
 * time was off: one clock for every flow. */
static int64_t clock_skew;

/* Aggregation (kpl.h) with RANDOM keys or partitionKey packs records
 * greedily up to the record limit, so each two aggregated records of a
 * request together pass it: a request of 10 MiB has at most 21.  Its lines
 * are then not maxBufferSizeRecords' business: a request takes as many as
 * its share of half the ring holds, lines of FLOW_KPL_LINE bytes on average
 * (shorter ones run out of slots before the ring fills). */
#define FLOW_KPL_ENTRIES (2 * KINESIS_MAX_BATCH_BYTES_LARGE / KINESIS_MAX_RECORD_BYTES + 1)
#define FLOW_KPL_LINE 128

static int kpl_greedy(const struct conf_flow *cf)
{
	return cf->api == API_KINESIS && cf->kpl && (cf->key_kind == KINESIS_KEY_RANDOM || cf->key_kind == KINESIS_KEY_FIXED);
}

/* A request's records (lines) and entries (Kinesis or Firehose records) at the most. */
static size_t lines(const struct conf_flow *cf)
{
	size_t n = kpl_greedy(cf) ? cf->ring_bytes / 2 / cf->max_inflight / FLOW_KPL_LINE : 0;

	return n > cf->max_buffer_records ? n : cf->max_buffer_records;
}

static size_t entries(const struct conf_flow *cf)
{
	return kpl_greedy(cf) && FLOW_KPL_ENTRIES > cf->max_buffer_records ? FLOW_KPL_ENTRIES : cf->max_buffer_records;
}

static size_t resp_cap(const struct conf_flow *cf) { return 4096 + entries(cf) * RESP_PER_RECORD; }
static size_t ntoks(const struct conf_flow *cf) { return 64 + entries(cf) * TOKS_PER_RECORD; }

/* Record slots: a round's records, and as many again to read into meanwhile. */
static size_t slots(const struct conf_flow *cf) { return (cf->max_inflight + 1) * lines(cf); }

/* Aggregation's settings: each aggregated record within the record limit;
 * each record counted with its key and its head, the request's limit
 * lowered by what each aggregate a request may have adds beyond them at
 * the most (its magic, key table, MD5, and its key once more). */
static void kpl_init(struct flow *f, struct batch_limits *lim)
{
	const struct conf_flow *cf = f->cf;
	size_t kmax = lim->extra_bytes, most = kinesis_max_batch_bytes(cf->max_record_bytes) -
					       entries(cf) * (KPL_OVERHEAD(kmax) + kmax);

	f->args.agg = cf->max_record_bytes;
	lim->extra_bytes = kmax + KPL_REC_HEAD_MAX;
	if (lim->max_bytes > most)
		lim->max_bytes = most;
	lim->max_records = lines(cf);
}

int flow_init(struct flow *f, const struct conf *c, const struct conf_flow *cf, struct ckpt *ck,
	      const struct tls_anchors *ta, struct creds *cr, flow_out_fn out, void *out_ctx, int64_t now, char *err,
	      size_t errcap)
{
	struct batch_limits lim = {
		.max_records = cf->max_buffer_records, .max_bytes = cf->max_buffer_bytes,
		.max_requests = cf->max_inflight, .max_age_ms = cf->max_buffer_age_ms,
		.backoff_ms = cf->retry_initial_backoff_ms, .backoff_max_ms = cf->retry_max_backoff_ms,
	};

	memset(f, 0, sizeof *f);
	f->conf = c;
	f->cf = cf;
	f->out = out;
	f->out_ctx = out_ctx;
	f->creds = cr;
	f->api = cf->api == API_KINESIS ? &api_kinesis : &api_firehose;
	f->args.stream = cf->stream;
	f->args.agg = cf->aggregate_bytes;
	f->args.view = cf->nproc ? chain_view : ring_view;
	f->args.view_ctx = &f->chain;
	if (f->api->extra) {
		kinesis_keys_init(&f->keys, (enum kinesis_key_kind)cf->key_kind, cf->key_arg, rnd_next());
		f->args.keys = &f->keys;
		lim.extra_bytes = f->api->extra_max(&f->args);
		if (cf->kpl)
			kpl_init(f, &lim);
	}
	lim.grouped = api_grouped(f->api, &f->args);
	/* a Kinesis record's limit counts its key too */
	ring_init(&f->ring, cf->ring_bytes, slots(cf),
		  (f->api->max_record_bytes ? f->api->max_record_bytes : cf->max_record_bytes) - lim.extra_bytes);
	ring_frame(&f->ring, cf->multiline, cf->terminator, strlen(cf->terminator));
	f->ring.skip_header = cf->skip_header_lines;
	/* a round's bytes: maxBufferSizeBytes (at most the API's limit: conf)
	 * a request, and half the ring, so the file is read on while a round
	 * is on the wire */
	lim.round_bytes = cf->max_buffer_bytes * cf->max_inflight;
	if (lim.round_bytes > f->ring.size / 2)
		lim.round_bytes = f->ring.size / 2;
	batch_init(&f->batch, &f->ring, &lim, &clock_skew, rnd_next(), now);
	f->resp_cap = resp_cap(cf);
	f->ntoks = ntoks(cf);
	f->toks = arena_alloc(f->ntoks * sizeof *f->toks);
	chain_init(&f->chain, cf, f->ring.max_rec, slots(cf), out ? 0 : lim.round_bytes);
	f->q = arena_alloc(cf->max_inflight * sizeof *f->q);
	for (size_t j = 0; j < cf->max_inflight; j++) {
		f->q[j].net.fd = -1;
		f->q[j].resp_body = arena_alloc(f->resp_cap);
		if (!out && net_init(&f->q[j].net, c, &cf->ep, ta, err, errcap) < 0)
			return -1;
	}
	f->ring.footer_rx = cf->footer;
	tail_init(&f->tail, &f->ring, cf->file_pattern, ck, cf->initial_position == POS_END_OF_FILE,
		  cf->poll_ms, cf->fifo_drop, cf->follow_symlinks, now);
	return 0;
}

/* ---- the records ---- */

/* partitionKeyField: a record without the field gets a random key; said
 * once, counted (USR1). */
static void field_key(struct flow *f, uint64_t i)
{
	char key[KINESIS_MAX_KEY_BYTES + 1];
	struct rec_view v;
	const struct rec *rc = ring_rec(&f->ring, i);
	uint64_t before = f->keys.fallbacks;

	if (rc->acked)
		return;
	(f->cf->nproc ? chain_view : ring_view)(&f->chain, &f->ring, i, &v);
	kinesis_key(&f->keys, &v, rc->pos, key);
	if (f->keys.fallbacks > before && !f->key_warned++)
		log_warnx("%s: a record has no usable \"%s\" field: sent with a random partition key "
			  "(said once, counted)", f->cf->stream, f->cf->key_arg);
}

/* Runs the processors on the records cut since the last call (wall: ms
 * since 1970, for the processors' timestamps). */
static void process(struct flow *f, int64_t wall)
{
	if (f->proc_next < f->ring.rtail)
		f->proc_next = f->ring.rtail;
	for (; f->proc_next < f->ring.rhead; f->proc_next++) {
		if (!chain_size(&f->chain, &f->ring, f->proc_next, wall))
			break;	/* a round's outputs are kept: it goes first */
		if (f->args.keys && f->keys.kind == KINESIS_KEY_FIELD)
			field_key(f, f->proc_next);
	}
}

/* Frees the records at the front that are done with (accepted, or dropped
 * by a processor) and moves the checkpoint past them. */
static void release(struct flow *f, int64_t now, int64_t wall)
{
	struct ring *r = &f->ring;
	uint64_t upto;

	process(f, wall);
	upto = batch_done(&f->batch, f->proc_next);
	if (upto == r->rtail)
		return;
	tail_released(&f->tail, r, r->rtail, upto);
	ring_release(r, upto);
	batch_released(&f->batch, upto);
	ring_cut(r, now);
}

/* kagent -n: each record as it would be sent to the output, and nothing sent. */
static void print_records(struct flow *f)
{
	struct rec_view v;

	for (uint64_t i = f->ring.rtail; i < f->proc_next; i++) {
		struct rec *rc = ring_rec(&f->ring, i);
		if (rc->acked)
			continue;
		(f->cf->nproc ? chain_view : ring_view)(&f->chain, &f->ring, i, &v);
		f->out(f->out_ctx, &v);
		rc->acked = 1;
		f->printed++;
	}
}

/* ---- outcomes ---- */

/* What to check when the service refuses the credentials. */
static const char *creds_hint(const struct conf *c)
{
	if (c->role_arn)
		return "the role's permissions (assumeRoleARN) and the clock";
	switch (c->creds_base) {
	case CONF_CREDS_IOT:
		return "the permissions of the role of iot.roleAlias and the clock";
	case CONF_CREDS_ENV:
		return "AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and the clock";
	case CONF_CREDS_SHARED:
		return "the keys in awsCredentialsFile and the clock";
	default:
		return "awsAccessKeyId, awsSecretAccessKey and the clock";
	}
}

static void say_failing(const struct flow *f, const struct batch_outcome *o)
{
	const char *s = f->cf->stream, *code = f->batch.err_code, *msg = o->msg;
	int64_t every = f->cf->retry_max_backoff_ms;

	if (creds_expired_code(code)) {
		log_warnx("%s: credentials expired (%s: %s): the records go again with new ones", s, code, msg);
		return;
	}
	switch (f->batch.err_result) {
	case BATCH_CREDS:
		log_warnx("%s: credentials refused by %s (%s: %s): check %s; records are kept and retried every %"
			  PRId64 " ms", s, f->api->name, code, msg, creds_hint(f->conf), every);
		break;
	case BATCH_NOTFOUND:
		log_warnx("%s: %s not found in %s (%s: %s); records are kept and retried every %" PRId64 " ms", s,
			  f->api->stream_kind, f->cf->region, code, msg, every);
		break;
	case BATCH_INVALID:
		log_warnx("%s: %s refused the request as invalid (%s: %s); retrying every %" PRId64 " ms", s,
			  f->api->name, code, msg, every);
		break;
	case BATCH_SKEW:
		log_warnx("%s: %s's time keeps changing (%s: %s): its hosts' clocks disagree; retrying with "
			  "backoff", s, f->api->name, code, msg);
		break;
	case BATCH_NETWORK:
		log_warnx("%s: %s:%u: %s; retrying with backoff", s, f->cf->ep.host, f->cf->ep.port, msg);
		break;
	default:
		log_warnx("%s: delivery failing (%s%s%s); retrying with backoff", s, code, msg[0] ? ": " : "", msg);
	}
}

/* What the engine made of an outcome, said. */
static void say(const struct flow *f, enum batch_say what, const struct batch_outcome *o)
{
	const struct batch *b = &f->batch;
	const char *s = f->cf->stream;

	switch (what) {
	case BATCH_SAY_NOTHING:
		break;
	case BATCH_SAY_FAILING:
		say_failing(f, o);
		break;
	case BATCH_SAY_RECOVERED:
		log_info("%s: delivering again (after %zu failed attempts)", s, b->said_n);
		break;
	case BATCH_SAY_PARTIAL:
		log_debug("%s: %zu of %zu records failed (%s), retrying them", s, b->said_n, b->said_of, o->code);
		break;
	case BATCH_SAY_DROPPED:
		log_warnx("%s: record %zu of a request (%u bytes) refused (%s: %s): dropped", s, b->said_n,
			  ring_rec(&f->ring, b->said_rec)->outlen, o->code, o->msg);
		break;
	case BATCH_SAY_SPLIT:
		log_warnx("%s: a request of %zu records, %zu bytes refused as invalid (%s: %s); sending it "
			  "in parts to find the record", s, b->said_n, b->said_bytes, o->code, o->msg);
		break;
	case BATCH_SAY_SKEW:
		log_warnx("the clock is %lld s %s AWS's (%s): signing with AWS's time", llabs(*b->skew),
			  *b->skew > 0 ? "behind" : "ahead of", o->code);
		break;
	}
}

/* kagent -t --online: the call's outcome is what it found. */
static void probed(struct flow *f, const struct batch_outcome *o)
{
	static const char *const what[] = {
		[BATCH_RETRY] = "failed", [BATCH_CREDS] = "credentials or permission refused",
		[BATCH_SKEW] = "credentials or permission refused", [BATCH_NOTFOUND] = "no such stream",
		[BATCH_INVALID] = "request refused", [BATCH_NETWORK] = "cannot reach the endpoint",
	};

	f->probe = 2;
	f->probe_ok = o->result == BATCH_ANSWERED;
	if (f->probe_ok)
		fmt_snprintf(f->probe_result, sizeof f->probe_result, "ok: %s %s is %s", f->api->stream_kind,
			 f->cf->stream, o->msg);
	else
		fmt_snprintf(f->probe_result, sizeof f->probe_result, "%s (%s%s%s)", what[o->result], o->code,
			 o->msg[0] ? ": " : "", o->msg);
}

/* Request j's outcome counted (struct flow_stats), before the engine
 * applies it: the records still not acked are the ones it did not take. */
static void account(struct flow *f, size_t j, const struct batch_outcome *o, int64_t now, int64_t wall)
{
	const struct batch_req *br = &f->batch.req[j];
	struct flow_stats *s = &f->stats;
	uint64_t left = 0, lat = (uint64_t)(now - f->q[j].started);
	size_t bad = o->failed < br->n ? o->failed : br->n;
	int ok = o->result == BATCH_ANSWERED;

	if (j >= f->batch.nreq || !br->busy)
		return;
	for (uint64_t i = br->from; ok && i < br->to; i++)
		if (!ring_rec(&f->ring, i)->acked)
			left += rec_data_len(ring_rec(&f->ring, i));
	cw_sample(&s->period[CW_ATTEMPTS], br->n);
	cw_sample(&s->period[CW_SERVICE_ERRORS], !ok);
	cw_sample(&s->period[CW_LATENCY], lat);
	if (ok) {
		cw_sample(&s->period[CW_RECORD_ERRORS], bad);
		cw_sample(&s->period[CW_BYTES_SENT], f->q[j].data_bytes - left);
		cw_sample(&s->period[CW_RECORDS_SENT], br->n - bad);
		s->bytes_accepted += f->q[j].data_bytes - left;
	}
	s->attempts += br->n;
	s->service_errors += !ok;
	s->latency_ms += lat;
	s->ended++;
	if (!ok || bad) {
		fmt_snprintf(s->last_error, sizeof s->last_error, "%s", o->code);
		fmt_snprintf(s->last_message, sizeof s->last_message, "%s", o->msg);
		s->last_error_wall = wall;
	}
}

/* Request j is over: its outcome goes to the engine (or is the probe's). */
static void ended(struct flow *f, size_t j, const struct batch_outcome *o, int64_t now, int64_t wall)
{
	f->q[j].state = REQ_IDLE;
	if (f->probe) {
		probed(f, o);
		return;
	}
	account(f, j, o, now, wall);
	say(f, batch_apply(&f->batch, j, o, now, wall / 1000), o);
}

/* Request j got no answer (result BATCH_NETWORK) or was never sent. */
static void failed(struct flow *f, size_t j, enum batch_result result, const char *code, const char *msg,
		   int64_t now, int64_t wall)
{
	struct batch_outcome o = { .result = result, .index = -1, .reused = f->q[j].reused, .code = code,
				   .msg = msg };

	ended(f, j, &o, now, wall);
}

/* Credentials refused: the source is told, so that it renews them.
 * Expired ones that can be renewed make the records go again as soon as
 * new ones are there (a retry, not the long wait of a refusal). */
static void refused(struct flow *f, size_t j, struct batch_outcome *o, int64_t now)
{
	int expired = creds_expired_code(o->code);

	if (o->result != BATCH_CREDS)
		return;
	creds_refused(f->creds, f->q[j].creds_gen, expired, now);
	if (expired && creds_renewable(f->creds))
		o->result = BATCH_RETRY;
}

/* Whether the server sent bytes no request asked for (after a complete
 * answer, or while none was awaited): read as the next request's answer,
 * they would decide its records' fate, so the connection goes. */
static int unasked(struct net *n)
{
	size_t len;

	net_recvbuf(n, &len);
	return len > 0;
}

static void answered(struct flow *f, size_t j, int64_t now, int64_t wall)
{
	struct flow_req *q = &f->q[j];
	const struct batch_req *br = &f->batch.req[j];
	struct batch_outcome o;
	char code[96], msg[256];

	q->idle_since = now;
	if (!q->resp.keep_alive || unasked(&q->net))
		net_close(&q->net);
	api_outcome(f->api, &f->args, &q->resp, f->toks, f->ntoks, &f->ring, br->from, br->to, &o, code,
		    sizeof code, msg, sizeof msg);
	refused(f, j, &o, now);
	ended(f, j, &o, now, wall);
}

/* ---- the request ---- */

static void host_header(const struct conf_endpoint *ep, char *out, size_t cap)
{
	addr_hostport(out, cap, ep->host, ep->port == (ep->tls ? 443u : 80u) ? 0 : ep->port);
}

/* Whether request br's body may fit the answer buffer: its records as
 * base64, each with its entry's brackets and the most the API adds to it.
 * One that cannot is not tried there, so the buffer's pages are touched
 * only by bodies and answers that use them (a backlog behind an endpoint
 * that is down takes no memory).  Only a guess: a body that does not fit
 * after all goes on through scratch. */
static int body_may_fit(const struct flow *f, const struct batch_req *br)
{
	size_t entry = sizeof ",{\"Data\":\"\"}" + f->batch.lim.extra_bytes, est = sizeof f->q[0].enc.head + 3;

	for (uint64_t i = br->from; i < br->to && est <= f->resp_cap; i++)
		est += b64_len(rec_data_len(ring_rec(&f->ring, i))) + entry;
	return est <= f->resp_cap;
}

/* Request j's head, signed (wall: ms since 1970) over its body's hash; the
 * body ready to stream. */
static int build_head(struct flow *f, size_t j, const struct creds_set *cs, int64_t wall)
{
	const struct batch_req *br = &f->batch.req[j];
	struct flow_req *q = &f->q[j];
	const char *target = f->api->target;
	char host[300], date[17], hash[65], scratch[4096];
	unsigned char digest[32];
	br_sha256_context sha;
	rec_view_fn view = f->cf->nproc ? chain_view : NULL;
	size_t n;

	/* the body is made, hashed and counted in one pass, into the answer
	 * buffer (idle until the body is sent) as far as it goes when it may
	 * fit there, the rest through scratch; one that fits is sent from
	 * there, a longer one is made again as it goes onto the wire */
	api_enc_init(&q->enc, f->api, &f->args, &f->ring, br->from, br->to, view, &f->chain);
	sha256_init(&sha);
	q->body_len = n = body_may_fit(f, br) ? api_enc_next(&q->enc, q->resp_body, f->resp_cap) : 0;
	sha256_update(&sha, q->resp_body, n);
	q->body_kept = n > 0;
	while ((n = api_enc_next(&q->enc, scratch, sizeof scratch)) > 0) {
		sha256_update(&sha, scratch, n);
		q->body_len += n;
		q->body_kept = 0;
	}
	if (!q->body_kept)
		api_enc_init(&q->enc, f->api, &f->args, &f->ring, br->from, br->to, view, &f->chain);
	sha256_out(&sha, digest);
	hex_encode(digest, 32, hash);

	host_header(&f->cf->ep, host, sizeof host);
	sigv4_amz_date((time_t)(wall / 1000 + br->skew), date);
	struct sigv4_post post = {
		.host = host, .content_type = "application/x-amz-json-1.1", .target = target, .amz_date = date,
		.payload_hash = hash, .body_len = q->body_len, .id = cs->id, .secret = cs->secret, .token = cs->token,
		.region = f->cf->region, .service = f->api->service, .key = &f->key,
	};
	int k = sigv4_post_head(&post, q->head, sizeof q->head);
	if (k < 0)
		return -1;
	q->head_len = (size_t)k;
	q->head_off = q->body_off = 0;
	return 0;
}

/* Moves request j's bytes: its head and body out, its answer in. */
static void pump(struct flow *f, size_t j, int64_t now, int64_t wall)
{
	struct flow_req *q = &f->q[j];
	unsigned char *p;
	size_t len, n;

	while (q->state == REQ_SENDING && (p = net_sendbuf(&q->net, &len)) && len) {
		if (q->head_off < q->head_len) {
			n = q->head_len - q->head_off < len ? q->head_len - q->head_off : len;
			memcpy(p, q->head + q->head_off, n);
			q->head_off += n;
		} else {
			if (q->body_kept) {
				n = q->body_len - q->body_off < len ? q->body_len - q->body_off : len;
				memcpy(p, q->resp_body + q->body_off, n);
			} else {
				n = api_enc_next(&q->enc, (char *)p, len);
			}
			q->body_off += n;
			if (n == 0) {
				net_cut(&q->net);	/* too little room left in this record */
				break;
			}
		}
		net_sendack(&q->net, n);
		if (q->head_off == q->head_len && q->body_off == q->body_len) {
			net_flush(&q->net);
			http_resp_init(&q->resp, q->resp_body, f->resp_cap);
			q->resp.body_max = RESP_MAX_FACTOR * f->resp_cap;
			q->resp.needle[0] = f->api->failed_key;
			q->resp.needle[1] = f->api->ok_key;
			q->state = REQ_RECEIVING;
			f->bytes_sent += q->head_len + q->body_len;
		}
	}
	if (q->state != REQ_RECEIVING)
		return;
	switch (net_answer(&q->net, &q->resp)) {
	case HTTP_DONE:
		answered(f, j, now, wall);
		break;
	case HTTP_ERROR: {
		struct batch_outcome o = { .result = BATCH_NETWORK, .reused = q->reused, .malformed = 1,
					   .code = "network", .msg = q->resp.error };
		net_close(&q->net);
		ended(f, j, &o, now, wall);
		break;
	}
	}
}

static void start(struct flow *f, size_t j, int64_t now, int64_t wall)
{
	struct flow_req *q = &f->q[j];
	const struct creds_set *cs = creds_get(f->creds, now, &q->creds_gen);

	if (!cs) {	/* a probe before there were any: the records wait for them in flow_step() */
		failed(f, j, BATCH_CREDS, "credentials", creds_state(f->creds), now, wall);
		return;
	}
	/* a kept-alive connection: what came on it since its last answer (bytes
	 * still in the socket, a close) is read now, before it carries a request
	 * (POLLIN: looked for, whatever the last poll() said) */
	if (q->net.state == NET_OPEN && (net_io(&q->net, POLLIN, now) < 0 || unasked(&q->net)))
		net_close(&q->net);
	q->reused = q->net.state == NET_OPEN;
	q->started = now;
	q->data_bytes = 0;
	for (uint64_t i = f->batch.req[j].from; i < f->batch.req[j].to; i++)
		if (!ring_rec(&f->ring, i)->acked)
			q->data_bytes += rec_data_len(ring_rec(&f->ring, i));
	if (q->net.state == NET_CLOSED && net_connect(&q->net, now) < 0) {
		failed(f, j, BATCH_NETWORK, "network", q->net.err, now, wall);
		return;
	}
	if (build_head(f, j, cs, wall) < 0) {
		log_warnx("%s: cannot sign the request (credentials too long?)", f->cf->stream);
		failed(f, j, BATCH_INVALID, "signing", "request head does not fit", now, wall);
		return;
	}
	f->requests++;
	q->state = REQ_SENDING;
	q->deadline = now + f->conf->socket_timeout_ms +
		      (q->reused ? 0 : f->conf->connect_timeout_ms + f->conf->handshake_timeout_ms);
	pump(f, j, now, wall);
}

void flow_probe(struct flow *f, int64_t now, int64_t wall)
{
	f->api = f->api->describe;
	f->probe = 1;
	start(f, 0, now, wall);
}

/* Request j's connection: what there is to do, revents or not. */
static void request_io(struct flow *f, size_t j, short revents, int64_t now, int64_t wall)
{
	struct flow_req *q = &f->q[j];
	int rc = net_io(&q->net, revents, now);

	/* what arrived before a close is still the answer.  While the socket
	 * takes and gives, a few TLS records more go each way without a poll()
	 * each; not all of a long body, so the files and other flows wait
	 * little on a slow CPU. */
	for (int k = 0;; k++) {
		pump(f, j, now, wall);
		if (rc != 0 || q->state == REQ_IDLE || k == FLOW_TURN_RECORDS)
			break;
		uint64_t moved = q->net.moved;
		rc = net_io(&q->net, 0, now);
		if (rc == 0 && q->net.moved == moved)
			break;
	}
	if (rc == 0) {
		if (q->state == REQ_IDLE && unasked(&q->net))
			net_close(&q->net);
		return;
	}
	if (q->state == REQ_RECEIVING && q->net.eof && http_resp_eof(&q->resp) == HTTP_DONE)
		answered(f, j, now, wall);
	else if (q->state != REQ_IDLE)
		failed(f, j, BATCH_NETWORK, "network", q->net.err, now, wall);
	net_close(&q->net);
}

/* ---- the turn ---- */

/* Whether the flow may sign now.  New credentials make a new signing key
 * (the old one wiped) and records that were refused go again at once;
 * while there are none that are valid, records wait (said once, counted). */
static int signable(struct flow *f, int64_t now)
{
	uint64_t gen;
	const struct creds_set *cs = creds_get(f->creds, now, &gen);
	const char *why;

	if (gen != f->creds_gen) {
		f->creds_gen = gen;
		creds_wipe(&f->key, sizeof f->key);
		batch_kick(&f->batch, now);
	}
	if (cs) {
		if (f->creds_waiting)
			log_info("%s: credentials ready: sending", f->cf->stream);
		f->creds_waiting = 0;
		return 1;
	}
	if (!f->creds_waiting) {
		f->creds_waiting = 1;
		f->creds_waits++;
		why = creds_state(f->creds);
		log_info("%s: records wait for credentials (%s)", f->cf->stream, why[0] ? why : "being fetched");
	}
	return 0;
}

void flow_step(struct flow *f, int64_t now, int64_t wall, int reading, int flush)
{
	size_t j, k;

	for (j = 0; j < f->cf->max_inflight; j++) {
		struct flow_req *q = &f->q[j];
		if (q->net.state != NET_CLOSED && now >= net_due(&q->net))
			request_io(f, j, 0, now, wall);	/* a resolver retry, a connect that took too long */
		if (q->state != REQ_IDLE && now >= q->deadline) {
			net_close(&q->net);
			failed(f, j, BATCH_NETWORK, "network", "no answer in time", now, wall);
		}
		if (q->state == REQ_IDLE && q->net.state == NET_OPEN && now - q->idle_since >= f->conf->idle_timeout_ms)
			net_close(&q->net);
	}
	f->tail.flushing = f->batch.flush = flush;
	release(f, now, wall);
	if (reading)
		tail_read(&f->tail, &f->ring, now);
	release(f, now, wall);
	if (f->out) {
		print_records(f);
		release(f, now, wall);
	}
	if (f->out || (f->ring.rtail == f->proc_next && !f->creds_waiting) || signable(f, now))
		if ((k = batch_plan(&f->batch, f->proc_next, now)) > 0)
			for (j = 0; j < k; j++)
				start(f, j, now, wall);
}

int flow_fd(const struct flow *f, int k, int reading, short *events)
{
	*events = 0;
	if ((size_t)k < f->cf->max_inflight)
		return net_pollfd(&f->q[k].net, events);
	if (k != FLOW_FDS - 1 || !reading)
		return -1;
	*events = POLLIN;
	return tail_pollfd(&f->tail, &f->ring);
}

void flow_event(struct flow *f, int k, short revents, int64_t now, int64_t wall)
{
	if ((size_t)k < f->cf->max_inflight)
		request_io(f, (size_t)k, revents, now, wall);
	else
		tail_readable(&f->tail);
}

void flow_kick(struct flow *f, int rescan)
{
	tail_kick(&f->tail, rescan);
}

/* Requests on the wire. */
static int busy(const struct flow *f)
{
	int n = 0;

	for (size_t j = 0; j < f->cf->max_inflight; j++)
		n += f->q[j].state != REQ_IDLE;
	return n;
}

int64_t flow_due(const struct flow *f, int reading)
{
	const struct ring *r = &f->ring;
	int64_t due = INT64_MAX;
	size_t room;

	if (reading && ring_write_buf((struct ring *)r, &room) && room)
		due = mono_min(due, tail_due(&f->tail, r));
	for (size_t j = 0; j < f->cf->max_inflight; j++) {
		const struct flow_req *q = &f->q[j];
		if (q->state != REQ_IDLE)
			due = mono_min(due, q->deadline);
		else if (q->net.state == NET_OPEN)
			due = mono_min(due, q->idle_since + f->conf->idle_timeout_ms);
		due = mono_min(due, net_due(&q->net));
	}
	return f->creds_waiting ? due : mono_min(due, batch_next_due(&f->batch));
}

int flow_drained(const struct flow *f, int reading)
{
	/* stopping, nothing more is read: what was read is all there is to
	 * send, however much the files have grown since (a stop in a burst) */
	return f->ring.rtail == f->ring.rhead && (tail_done(&f->tail, &f->ring) || !reading) && !busy(f);
}

int flow_at_end(const struct flow *f)
{
	return f->tail.at_end;
}

void flow_counters(const struct flow *f, int64_t now, struct flow_counters *c)
{
	const struct batch *b = &f->batch;

	memset(c, 0, sizeof *c);
	c->stream = f->cf->stream;
	c->records_read = f->ring.records;
	c->records_sent = b->st.records_sent + f->printed;
	c->records_failed = b->st.records_failed;
	c->requests = f->requests;
	c->requests_failed = b->st.requests_failed;
	c->truncated = f->ring.truncated;
	c->dropped_proc = f->chain.dropped;
	c->dropped_fifo = f->tail.dropped_lines + f->ring.discarded;
	c->rejected = b->st.rejected;
	c->malformed = b->st.malformed_answers;
	c->pending = f->ring.rhead - f->ring.rtail;
	c->bytes_read = f->tail.bytes;
	c->bytes_sent = f->bytes_sent;
	c->retries = b->st.retries;
	c->random_keys = f->keys.fallbacks;
	c->creds_waits = f->creds_waits;
	c->backoff_ms = b->failures && b->next_try > now ? b->next_try - now : 0;
	c->last_error = b->err_code;
	c->creds_refused = b->failing && b->err_result == BATCH_CREDS;
	c->failing_since = b->failing_since;
	c->last_progress = b->last_progress;
	c->probe_result = f->probe == 2 ? f->probe_result : NULL;
	c->probe_ok = f->probe_ok;
}
