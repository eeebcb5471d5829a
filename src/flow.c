/* A flow's life: read, batch, sign, send, apply the answer, checkpoint.
 *
 * The batch is always the oldest records, [ring.rtail, bend), and the
 * checkpoint moves only past a run of records every one of which was
 * accepted.  After a partial failure only the failed records are sent again,
 * with new ones joining them.
 *
 * A round sends the batch as up to maxInFlightRequests requests, each on its
 * own connection, each within the limits of one request, in record order.
 * Each answer is applied to its own records as it comes; the next round
 * starts when every request of this one has finished, and only then are the
 * accepted records released (the requests refer to them by index).  With
 * one request a round (the default), records go in file order. */
#include <errno.h>
#include <stdarg.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bearssl.h>
#include "arena.h"
#include "clock.h"
#include "flow.h"
#include "log.h"

#define RESP_PER_RECORD 512	/* a RequestResponses entry; RecordIds are ~200 chars, with no stated maximum */
#define TOKS_PER_RECORD 5	/* {"ErrorCode":"...","ErrorMessage":"..."} */
#define RESP_MAX_FACTOR 8	/* an answer longer than this many answer buffers is refused: 4 KB an entry */

enum { CLASS_OK = -1, CLASS_NETWORK = 100 };

static uint32_t rng_state;
/* AWS's clock minus ours, in seconds, once an answer said our signature's
 * time was off: one clock for every flow. */
static int64_t clock_skew;

/* xorshift32: jitter needs no quality, only that devices differ */
static uint32_t rnd(void)
{
	uint32_t x = rng_state;
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return rng_state = x;
}

static int kinesis(const struct flow *f) { return f->cf->api == API_KINESIS; }

static const struct conf_endpoint *endpoint(const struct flow *f)
{
	return &f->cf->ep;
}

/* A record's share of a request: its data, and for Kinesis its key (counted
 * at the most its kind of key may take, so a batch never passes the limit). */
static size_t rec_bytes(const struct flow *f, const struct rec *rc)
{
	return rec_data_len(rc) + f->key_max;
}

/* A round's bytes. */
static size_t batch_limit(const struct flow *f)
{
	/* maxBufferSizeBytes is at most the API's limit (conf) */
	size_t lim = f->cf->max_buffer_bytes * f->cf->max_inflight;
	/* half the ring, so the file is read on while a batch is on the wire */
	if (lim > f->ring.size / 2)
		lim = f->ring.size / 2;
	return lim;
}

static size_t resp_cap(const struct conf_flow *cf) { return 4096 + cf->max_buffer_records * RESP_PER_RECORD; }
static size_t ntoks(const struct conf_flow *cf) { return 64 + cf->max_buffer_records * TOKS_PER_RECORD; }

/* Record slots: a round's records, and as many again to read into meanwhile. */
static size_t slots(const struct conf_flow *cf) { return (cf->max_inflight + 1) * cf->max_buffer_records; }

size_t flow_memory(const struct conf_flow *cf, int tls)
{
	/* each request: its state, its answer buffer, its connection */
	size_t req = sizeof(struct flow_req) + resp_cap(cf) +
		     (tls ? BR_SSL_BUFSIZE_BIDI + sizeof(br_ssl_client_context) + sizeof(br_x509_minimal_context)
			  : 2 * NET_PLAIN_BUF);

	return cf->ring_bytes + slots(cf) * sizeof(struct rec) + ntoks(cf) * sizeof(jsmntok_t) + sizeof(struct flow) +
	       cf->max_inflight * req;
}

int flow_init(struct flow *f, const struct conf *c, const struct conf_flow *cf, struct ckpt *ck,
	      const struct tls_anchors *ta, int dry, char *err, size_t errcap)
{
	memset(f, 0, sizeof *f);
	f->conf = c;
	f->cf = cf;
	f->ckpt = ck;
	f->err_class = CLASS_OK;
	f->dry = dry;
	rng_state ^= (uint32_t)mono_ms() * 2654435761u ^ (uint32_t)getpid();
	if (!rng_state)
		rng_state = 1;
	if (cf->api == API_KINESIS) {
		uint64_t salt = ((uint64_t)rnd() << 32) ^ rnd() ^ (uint64_t)(uintptr_t)f;
		kinesis_keys_init(&f->keys, (enum kinesis_key_kind)cf->key_kind, cf->key_arg, salt);
		f->key_max = cf->key_kind == KINESIS_KEY_FIXED ? strlen(cf->key_arg) :
			     cf->key_kind == KINESIS_KEY_DETERMINISTIC ? 32 :
			     cf->key_kind == KINESIS_KEY_RANDOM ? 6 : KINESIS_MAX_KEY_BYTES;
	}
	/* a Kinesis record's limit counts its key too */
	ring_init(&f->ring, cf->ring_bytes, slots(cf),
		  cf->api == API_KINESIS ? cf->max_record_bytes - f->key_max : FIREHOSE_MAX_RECORD_BYTES);
	ring_frame(&f->ring, cf->multiline, cf->terminator, strlen(cf->terminator));
	f->ring.skip_header = cf->skip_header_lines;
	f->resp_cap = resp_cap(cf);
	f->ntoks = ntoks(cf);
	f->toks = arena_alloc(f->ntoks * sizeof *f->toks);
	chain_init(&f->chain, cf, f->ring.max_rec);
	f->q = arena_alloc(cf->max_inflight * sizeof *f->q);
	for (size_t j = 0; j < cf->max_inflight; j++) {
		f->q[j].net.fd = -1;
		f->q[j].resp_body = arena_alloc(f->resp_cap);
		if (!dry && net_init(&f->q[j].net, c, endpoint(f), ta, err, errcap) < 0)
			return -1;
	}
	f->ring.footer_rx = cf->footer;
	tail_init(&f->tail, &f->ring, cf->file_pattern, ck, cf->initial_position == POS_END_OF_FILE,
		  cf->poll_ms, cf->fifo_drop, mono_ms());
	f->last_progress = mono_ms();
	return 0;
}

/* ---- the answer ---- */

static void say_state(struct flow *f, int cls, const char *code, const char *msg)
{
	const char *s = f->cf->stream, *api = kinesis(f) ? "Kinesis" : "Firehose";
	const struct conf_endpoint *ep = endpoint(f);

	if (cls == f->err_class && !strcmp(code, f->err_code))
		return;	/* logged once per change of state, not per retry */
	f->err_class = cls;
	snprintf(f->err_code, sizeof f->err_code, "%s", code);
	switch (cls) {
	case FH_CREDS:
		log_warnx("%s: credentials refused by %s (%s: %s): check awsAccessKeyId, "
			  "awsSecretAccessKey and the clock; records are kept and retried every %" PRId64 " ms",
			  s, api, code, msg, f->cf->retry_max_backoff_ms);
		break;
	case FH_NOTFOUND:
		log_warnx("%s: %s not found in %s (%s: %s); records are kept and retried "
			  "every %" PRId64 " ms", s, kinesis(f) ? "stream" : "delivery stream", f->cf->region, code, msg,
			  f->cf->retry_max_backoff_ms);
		break;
	case FH_INVALID:
		log_warnx("%s: %s refused the request as invalid (%s: %s); retrying every %" PRId64 " ms",
			  s, api, code, msg, f->cf->retry_max_backoff_ms);
		break;
	case CLASS_NETWORK:
		log_warnx("%s: %s:%u: %s; retrying with backoff", s, ep->host, ep->port, msg);
		break;
	default:
		log_warnx("%s: delivery failing (%s%s%s); retrying with backoff", s, code, msg[0] ? ": " : "", msg);
	}
}

/* Not before t: within a round, the latest any request asked for. */
static void again_at(struct flow *f, int64_t t)
{
	if (!f->round_bad || t > f->next_try)
		f->next_try = t;
	f->round_bad = 1;
}

/* One more failed attempt: once a round, however many of its requests
 * failed (the backoff grows by rounds, as with one request a round). */
static void count_failure(struct flow *f)
{
	if (!f->round_counted)
		f->failures++;
	f->round_counted = 1;
}

static void backoff(struct flow *f, int64_t now, int slow)
{
	int64_t d = f->cf->retry_max_backoff_ms;

	if (!slow) {
		int shift = f->failures > 20 ? 20 : f->failures - 1;
		d = f->cf->retry_initial_backoff_ms << shift;
		if (d > f->cf->retry_max_backoff_ms)
			d = f->cf->retry_max_backoff_ms;
	}
	/* +-30 %, so a fleet recovering from one outage does not retry in step */
	d = d * (70 + (int64_t)(rnd() % 61)) / 100;
	again_at(f, now + d);
}

static void probed(struct flow *f, struct flow_req *q, int ok, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void probed(struct flow *f, struct flow_req *q, int ok, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(f->probe_result, sizeof f->probe_result, fmt, ap);
	va_end(ap);
	f->probe_ok = ok;
	f->probe = 2;
	q->state = REQ_IDLE;
}

static void failed(struct flow *f, struct flow_req *q, int64_t now, int cls, const char *code, const char *msg)
{
	if (f->probe) {
		static const char *const what[] = { [FH_CREDS] = "credentials or permission refused",
			[FH_NOTFOUND] = "no such stream", [FH_INVALID] = "request refused", [FH_RETRY] = "failed" };
		probed(f, q, 0, "%s (%s%s%s)", cls == CLASS_NETWORK ? "cannot reach the endpoint" : what[cls], code,
		       msg[0] ? ": " : "", msg);
		return;
	}
	q->state = REQ_IDLE;
	f->st.requests_failed++;
	if (cls == CLASS_NETWORK && q->reused && (f->failures == 0 || f->round_reconnect)) {
		/* a kept-alive connection the server had already dropped: a new
		 * one, at once (and the same for the round's other requests) */
		q->reused = 0;
		f->failures = 1;
		f->round_counted = f->round_reconnect = 1;
		again_at(f, now);
		return;
	}
	count_failure(f);
	f->st.retries++;
	if (!f->failing_since)
		f->failing_since = now;
	say_state(f, cls, code, msg);
	backoff(f, now, cls == FH_CREDS || cls == FH_NOTFOUND || cls == FH_INVALID);
}

/* AWS's time in an answer that refuses the signature's time: the Date
 * header, else the one the message gives ("Signature expired:
 * 20261123T100000Z is now earlier than 20261123T100500Z (20261123T101000Z -
 * 5 min.)").  0 if neither says. */
static int64_t server_time(const struct http_resp *r, const char *msg)
{
	const char *p = strchr(msg, '(');
	unsigned y, mo, d, h, mi, se;

	if (r->date_s)
		return r->date_s;
	if (!p || sscanf(p + 1, "%4u%2u%2uT%2u%2u%2uZ", &y, &mo, &d, &h, &mi, &se) != 6 || mo < 1 || mo > 12)
		return 0;
	return http_days_from_civil(y, (int)mo, (int)d) * 86400 + h * 3600 + mi * 60 + se;
}

/* The signature's time was refused: AWS's clock is taken as it says, the
 * request goes again at once, and the skew is said once per change. */
static int skewed(struct flow *f, struct flow_req *q, int64_t now, const char *code, const char *msg)
{
	int64_t aws;

	if (strcmp(code, "InvalidSignatureException") != 0 && strcmp(code, "RequestExpired") != 0 &&
	    strcmp(code, "SignatureDoesNotMatch") != 0)
		return 0;
	if ((!strstr(msg, "Signature expired") && !strstr(msg, "not yet current") && !strstr(msg, "expired")) ||
	    !(aws = server_time(&q->resp, msg)))
		return 0;
	int64_t skew = aws - (int64_t)time(NULL);
	if (llabs(skew - clock_skew) < 2) {
		if (q->signed_skew == clock_skew)
			return 0;	/* signed with AWS's time already: something else is wrong */
		/* signed before another answer set the clock right: again at once, nothing to say */
		q->state = REQ_IDLE;
		again_at(f, now);
		return 1;
	}
	log_warnx("the clock is %lld s %s AWS's (%s): signing with AWS's time", llabs(skew),
		  skew > 0 ? "behind" : "ahead of", code);
	clock_skew = skew;
	q->state = REQ_IDLE;
	again_at(f, now);
	return 1;
}

/* A ValidationException that names a record of the request ("Value ... at
 * 'records.3.member.data' failed to satisfy constraint"): its 1-based
 * index, else 0. */
static long invalid_record(const char *msg)
{
	const char *p = strstr(msg, "'records.");
	char *end;
	long i;

	if (!p)
		return 0;
	i = strtol(p + 9, &end, 10);
	return end > p + 9 && *end == '.' && i > 0 ? i : 0;
}

/* The service refused the request itself.  A record it names (counted in
 * this request's records) cannot ever be sent: it is dropped (said,
 * counted) and the others go again at once.  Otherwise the request is sent
 * in halves down to one record, to find one it would name; a single record
 * still refused without a name is no reason to drop anything: it is retried
 * at the long backoff. */
static void invalid(struct flow *f, struct flow_req *q, int64_t now, const char *code, const char *msg)
{
	size_t n = 0, bytes = 0;
	long bad = invalid_record(msg);
	uint64_t i;

	/* aggregated, the index names a Firehose record of several lines:
	 * halving finds the line (a request of one, where the index is exact) */
	if (!kinesis(f) && f->cf->aggregate_bytes) {
		for (i = q->from; i < q->to; i++)
			n += !ring_rec(&f->ring, i)->acked;
		if (n > 1)
			bad = 0;
		n = 0;
	}
	for (i = q->from; i < q->to; i++) {
		struct rec *rc = ring_rec(&f->ring, i);
		if (rc->acked)
			continue;
		if (++n == (size_t)bad) {
			rc->acked = 1;
			f->st.rejected++;
			log_warnx("%s: record %ld of a request (%u bytes) refused (%s: %s): dropped", f->cf->stream,
				  bad, rc->outlen, code, msg);
			q->state = REQ_IDLE;
			again_at(f, now);
			return;
		}
		bytes += rec_bytes(f, rc);
	}
	if (n > 1) {
		if (!f->split)
			log_warnx("%s: a request of %zu records, %zu bytes refused as invalid (%s: %s); sending it "
				  "in parts to find the record", f->cf->stream, n, bytes, code, msg);
		if (!f->split || n / 2 < f->split)	/* the smallest of the round's */
			f->split = n / 2;
		q->state = REQ_IDLE;
		again_at(f, now);
		return;
	}
	failed(f, q, now, FH_INVALID, code, msg);
}

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

/* Runs the processors on the records cut since the last call. */
static void process(struct flow *f)
{
	struct timespec ts;
	int64_t wall;

	if (f->proc_next < f->ring.rtail)
		f->proc_next = f->ring.rtail;
	if (f->proc_next == f->ring.rhead)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	wall = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	for (; f->proc_next < f->ring.rhead; f->proc_next++) {
		chain_size(&f->chain, &f->ring, f->proc_next, wall);
		if (kinesis(f) && f->keys.kind == KINESIS_KEY_FIELD)
			field_key(f, f->proc_next);
	}
}

/* Frees the records at the front that are done with (accepted, or dropped
 * by a processor) and moves the checkpoint past them.  Only between
 * rounds: the requests on the wire refer to their records by index. */
static void release_acked(struct flow *f, int64_t now)
{
	struct ring *r = &f->ring;
	uint64_t i = r->rtail;

	process(f);
	while (i < f->proc_next && ring_rec(r, i)->acked)
		i++;
	if (i == r->rtail)
		return;
	tail_released(&f->tail, r, r->rtail, i);
	ring_release(r, i);
	if (f->bend < i)
		f->bend = i;
	ring_cut(r, now);
}

static void recovered(struct flow *f)
{
	if (f->err_class != CLASS_OK)
		log_info("%s: delivering again (after %d failed attempts)", f->cf->stream, f->failures);
	f->err_class = CLASS_OK;
	f->err_code[0] = 0;
	f->failures = 0;
	f->failing_since = 0;
	f->next_try = 0;
}

/* Requests of the round still on the wire. */
static int busy(const struct flow *f)
{
	int n = 0;

	for (size_t j = 0; j < f->cf->max_inflight; j++)
		n += f->q[j].state != REQ_IDLE;
	return n;
}

static void answered(struct flow *f, struct flow_req *q, int64_t now)
{
	struct http_resp *r = &q->resp;
	char code[96], msg[256];
	long bad;

	q->state = REQ_IDLE;
	q->idle_since = now;
	if (!r->keep_alive)
		net_close(&q->net);
	if (f->probe && r->status == 200) {
		const char *st = strstr(r->body, "Status\":\"");
		probed(f, q, 1, "ok: %s %s is %.*s", kinesis(f) ? "stream" : "delivery stream", f->cf->stream,
		       st ? (int)strcspn(st + 9, "\"") : 7, st ? st + 9 : "present");
		return;
	}
	if (r->status != 200) {
		int cls = (kinesis(f) ? kinesis_error : firehose_error)(r->status, r->body, r->body_len, r->error_type,
									 code, sizeof code, msg, sizeof msg);
		if (!code[0])
			snprintf(code, sizeof code, "HTTP %d", r->status);
		if (f->probe)
			failed(f, q, now, cls, code, msg);
		else if (cls == FH_INVALID)
			invalid(f, q, now, code, msg);
		else if (!(cls == FH_CREDS && skewed(f, q, now, code, msg)))
			failed(f, q, now, cls, code, msg);
		return;
	}
	size_t before = 0;
	for (uint64_t i = q->from; i < q->to; i++)
		before += !ring_rec(&f->ring, i)->acked;
	if (r->body_truncated) {
		/* longer than any answer seen: enough if its start says all were
		 * taken, and its whole holds no failure and one success an entry */
		size_t entries = kinesis(f) ? before :
				 firehose_entries(&f->ring, q->from, q->to, f->cf->aggregate_bytes);
		bad = r->needle_count[0] == 0 && r->needle_count[1] == entries &&
		      (kinesis(f) ? kinesis_all_accepted : firehose_all_accepted)(r->body, r->body_len, &f->ring,
										  q->from, q->to) ? 0 : -1;
	} else
		bad = kinesis(f) ? kinesis_apply(r->body, r->body_len, f->toks, f->ntoks, &f->ring, q->from, q->to,
						 code, sizeof code) :
				   firehose_apply(r->body, r->body_len, f->toks, f->ntoks, &f->ring, q->from, q->to,
						  f->cf->aggregate_bytes, code, sizeof code);
	if (bad < 0) {
		f->st.malformed_answers++;
		failed(f, q, now, FH_RETRY, "malformed answer", "HTTP 200 with a body that does not match the request");
		return;
	}
	f->st.records_sent += before - (size_t)bad;
	f->last_progress = now;
	if (!f->round_bad)
		f->split = 0;	/* not while another request of the round looks for a refused record */
	if ((size_t)bad < before)
		f->failing_since = 0;
	else if (!f->failing_since)
		f->failing_since = now;
	if (!busy(f))
		release_acked(f, now);
	if (bad == 0) {
		if (!f->round_bad)
			recovered(f);
		return;
	}
	/* a partial failure: only the failed records go again, joined by new
	 * ones; some progress means a short backoff, none (or a stream that
	 * says it is throttling us) a growing one */
	f->st.records_failed += (uint64_t)bad;
	if ((size_t)bad < before && !(kinesis(f) && kinesis_throttled(code)))
		f->failures = f->round_counted = 0;
	count_failure(f);
	f->st.retries++;
	log_debug("%s: %ld of %zu records failed (%s), retrying them", f->cf->stream, bad, before, code);
	backoff(f, now, 0);
}

/* ---- the request ---- */

/* Starts a round when a request's worth is ready or old enough, or when
 * records of the last round wait to go again (then new records join them up
 * to the limits).  The round is cut into requests (f->q[].from, to) and
 * their number returned; 0: not yet. */
static size_t batch_due(struct flow *f, int64_t now)
{
	struct ring *r = &f->ring;
	size_t most = f->split ? f->split : f->cf->max_buffer_records, lim = batch_limit(f);
	size_t n = 0, bytes = 0, all = 0, total = 0, k = 0;
	uint64_t i, from;
	int retry = 0, full = 0;

	release_acked(f, now);
	if (now < f->next_try)
		return 0;
	from = r->rtail;
	for (i = r->rtail; i < f->bend && !retry; i++)
		retry = !ring_rec(r, i)->acked;
	for (i = r->rtail; i < f->proc_next && k < f->cf->max_inflight; i++) {
		const struct rec *rc = ring_rec(r, i);
		size_t b;
		if (rc->acked)
			continue;	/* accepted, or dropped by a processor */
		b = rec_bytes(f, rc);
		if (all > 0 && total + b > lim)
			break;	/* the round's bytes */
		if (n > 0 && bytes + b > f->cf->max_buffer_bytes) {
			/* a request's bytes: the next one starts here */
			f->q[k].from = from;
			f->q[k++].to = from = i;
			n = bytes = 0;
			full = 1;
			if (k == f->cf->max_inflight)
				break;
		}
		n++, all++;
		bytes += b;
		total += b;
		if (n == most) {
			f->q[k].from = from;
			f->q[k++].to = from = i + 1;
			n = bytes = 0;
			full = 1;
		}
	}
	if (n > 0) {
		f->q[k].from = from;
		f->q[k++].to = i;
	}
	if (k == 0)
		return 0;
	if (retry || full || i < f->proc_next || f->flushing ||
	    now - ring_rec(r, r->rtail)->t >= f->cf->max_buffer_age_ms || total >= lim) {
		f->bend = f->q[k - 1].to;
		return k;
	}
	return 0;
}

static void host_header(const struct conf_endpoint *ep, char *out, size_t cap)
{
	int v6 = strchr(ep->host, ':') != NULL;
	if (ep->port == (ep->tls ? 443u : 80u))
		snprintf(out, cap, v6 ? "[%s]" : "%s", ep->host);
	else
		snprintf(out, cap, v6 ? "[%s]:%u" : "%s:%u", ep->host, ep->port);
}

/* The request body, by API: prepared (returns its length), then streamed. */
static size_t body_init(struct flow *f, struct flow_req *q, rec_view_fn view)
{
	if (f->probe) {
		q->body_off = 0;
		return strlen(f->probe_body);
	}
	if (kinesis(f))
		return kinesis_enc_init(&q->kenc, &f->ring, q->from, q->to, f->cf->stream, &f->keys, view, &f->chain);
	return firehose_enc_init(&q->enc, &f->ring, q->from, q->to, f->cf->stream, f->cf->aggregate_bytes, view,
				 &f->chain);
}

static size_t body_next(struct flow *f, struct flow_req *q, char *out, size_t cap)
{
	if (f->probe) {
		/* body_off counts what pump() sent; the hashing pass reads it whole at once */
		size_t len = strlen(f->probe_body), at = q->state == REQ_SENDING ? q->body_off : 0;
		size_t n = len - at < cap ? len - at : cap;
		if (q->state != REQ_SENDING && q->body_off)
			return 0;
		memcpy(out, f->probe_body + at, n);
		if (q->state != REQ_SENDING)
			q->body_off = n;
		return n;
	}
	return kinesis(f) ? kinesis_enc_next(&q->kenc, out, cap) : firehose_enc_next(&q->enc, out, cap);
}

static int build_head(struct flow *f, struct flow_req *q)
{
	const struct conf *c = f->conf;
	const char *target = kinesis(f) ? f->probe ? "Kinesis_20131202.DescribeStreamSummary" : KINESIS_TARGET :
				   f->probe ? "Firehose_20150804.DescribeDeliveryStream" : FIREHOSE_TARGET;
	char host[300], date[17], hash[65], authz[512], scratch[4096];
	unsigned char digest[32];
	br_sha256_context sha;
	size_t n;

	rec_view_fn view = f->cf->nproc ? chain_view : NULL;
	q->body_len = body_init(f, q, view);
	br_sha256_init(&sha);
	while ((n = body_next(f, q, scratch, sizeof scratch)) > 0)
		br_sha256_update(&sha, scratch, n);
	br_sha256_out(&sha, digest);
	sigv4_hex(digest, 32, hash);
	body_init(f, q, view);

	host_header(endpoint(f), host, sizeof host);
	q->signed_skew = clock_skew;
	sigv4_amz_date(time(NULL) + (time_t)clock_skew, date);
	struct sigv4_header h[5] = {
		{ "content-type", 12, "application/x-amz-json-1.1", 26 },
		{ "host", 4, host, strlen(host) },
		{ "x-amz-date", 10, date, 16 },
		{ "x-amz-target", 12, target, strlen(target) },
		{ "x-amz-security-token", 20, c->session_token, c->session_token ? strlen(c->session_token) : 0 },
	};
	struct sigv4_req req = {
		.method = "POST", .path = "/", .path_len = 1, .query = "", .query_len = 0,
		.headers = h, .nheaders = c->session_token ? 5 : 4, .payload_hash = hash, .normalize = 1,
	};
	if (sigv4_authorization(&req, c->access_key_id, c->secret_access_key, f->cf->region,
				kinesis(f) ? KINESIS_SERVICE : FIREHOSE_SERVICE, date, &f->key, authz, sizeof authz) < 0)
		return -1;
	int k = snprintf(q->head, sizeof q->head,
			 "POST / HTTP/1.1\r\nHost: %s\r\nContent-Type: application/x-amz-json-1.1\r\n"
			 "Content-Length: %zu\r\nX-Amz-Target: %s\r\nX-Amz-Date: %s\r\n"
			 "%s%s%sAuthorization: %s\r\nUser-Agent: kagent/" KAGENT_VERSION "\r\n\r\n",
			 host, q->body_len, target, date, c->session_token ? "X-Amz-Security-Token: " : "",
			 c->session_token ? c->session_token : "", c->session_token ? "\r\n" : "", authz);
	if (k < 0 || (size_t)k >= sizeof q->head)
		return -1;
	q->head_len = (size_t)k;
	q->head_off = q->body_off = 0;
	return 0;
}

static void pump(struct flow *f, struct flow_req *q, int64_t now)
{
	unsigned char *p;
	size_t len, n;

	while (q->state == REQ_SENDING && (p = net_sendbuf(&q->net, &len)) && len) {
		if (q->head_off < q->head_len) {
			n = q->head_len - q->head_off < len ? q->head_len - q->head_off : len;
			memcpy(p, q->head + q->head_off, n);
			q->head_off += n;
		} else {
			n = body_next(f, q, (char *)p, len);
			q->body_off += n;
			if (n == 0) {
				net_flush(&q->net);	/* too little room left in this record */
				break;
			}
		}
		net_sendack(&q->net, n);
		if (q->head_off == q->head_len && q->body_off == q->body_len) {
			net_flush(&q->net);
			http_resp_init(&q->resp, q->resp_body, f->resp_cap);
			q->resp.body_max = RESP_MAX_FACTOR * f->resp_cap;
			q->resp.needle[0] = kinesis(f) ? KINESIS_FAILED_KEY : FIREHOSE_FAILED_KEY;
			q->resp.needle[1] = kinesis(f) ? KINESIS_OK_KEY : FIREHOSE_OK_KEY;
			q->state = REQ_RECEIVING;
			f->st.bytes_sent += q->head_len + q->body_len;
		}
	}
	while (q->state == REQ_RECEIVING && (p = net_recvbuf(&q->net, &len))) {
		int r = http_resp_feed(&q->resp, (const char *)p, len, &n);
		net_recvack(&q->net, n);
		if (r == HTTP_DONE) {
			answered(f, q, now);
		} else if (r == HTTP_ERROR) {
			net_close(&q->net);
			f->st.malformed_answers++;
			failed(f, q, now, CLASS_NETWORK, "network", q->resp.error);
		} else if (n == 0) {
			break;
		}
	}
}

static void start(struct flow *f, struct flow_req *q, int64_t now)
{
	q->reused = q->net.state == NET_OPEN;
	if (q->net.state == NET_CLOSED && net_connect(&q->net, now) < 0) {
		failed(f, q, now, CLASS_NETWORK, "network", q->net.err);
		return;
	}
	if (build_head(f, q) < 0) {
		log_warnx("%s: cannot sign the request (credentials too long?)", f->cf->stream);
		failed(f, q, now, FH_INVALID, "signing", "request head does not fit");
		return;
	}
	f->st.requests++;
	q->state = REQ_SENDING;
	q->deadline = now + f->conf->socket_timeout_ms +
		      (q->reused ? 0 : f->conf->connect_timeout_ms + f->conf->handshake_timeout_ms);
	pump(f, q, now);
}

/* kagent -n: each record as it would be sent, to stdout, and nothing sent. */
static void print_records(struct flow *f, int64_t now)
{
	struct rec_view v;

	process(f);
	for (uint64_t i = f->ring.rtail; i < f->proc_next; i++) {
		struct rec *rc = ring_rec(&f->ring, i);
		if (rc->acked)
			continue;
		(f->cf->nproc ? chain_view : ring_view)(&f->chain, &f->ring, i, &v);
		for (int s = 0; s < 3; s++)
			(void)!write(1, v.p[s], v.n[s]);
		rc->acked = 1;
		f->st.records_sent++;
	}
	release_acked(f, now);
}

void flow_probe(struct flow *f, int64_t now)
{
	snprintf(f->probe_body, sizeof f->probe_body, kinesis(f) ? "{\"StreamName\":\"%s\"}" :
		 "{\"DeliveryStreamName\":\"%s\"}", f->cf->stream);
	f->probe = 1;
	start(f, &f->q[0], now);
}

/* Request q's deadline passed. */
static void timed_out(struct flow *f, struct flow_req *q, int64_t now)
{
	net_close(&q->net);
	failed(f, q, now, CLASS_NETWORK, "network", "no answer in time");
}

void flow_step(struct flow *f, int64_t now, int reading)
{
	size_t j, k;

	for (j = 0; j < f->cf->max_inflight; j++)
		if (f->q[j].net.state != NET_CLOSED && now >= net_due(&f->q[j].net))
			flow_io(f, (int)j, 0, now);	/* a resolver retry, a connect that took too long */
	if (f->probe) {
		if (f->q[0].state != REQ_IDLE && now >= f->q[0].deadline)
			timed_out(f, &f->q[0], now);
		return;
	}
	f->tail.flushing = f->flushing;
	if (reading)
		tail_read(&f->tail, &f->ring, now);
	f->st.records_read = f->ring.records;
	if (f->dry) {
		print_records(f, now);
		return;
	}
	for (j = 0; j < f->cf->max_inflight; j++) {
		struct flow_req *q = &f->q[j];
		if (q->state != REQ_IDLE && now >= q->deadline)
			timed_out(f, q, now);
		if (q->state == REQ_IDLE && q->net.state == NET_OPEN && now - q->idle_since >= f->conf->idle_timeout_ms)
			net_close(&q->net);
	}
	if (!busy(f) && (k = batch_due(f, now)) > 0) {
		f->round_bad = 0;
		f->round_counted = f->round_reconnect = 0;
		for (j = 0; j < k; j++)
			start(f, &f->q[j], now);
	}
}

int flow_pollfd(const struct flow *f, int j, short *events)
{
	return net_pollfd(&f->q[j].net, events);
}

void flow_io(struct flow *f, int j, short revents, int64_t now)
{
	struct flow_req *q = &f->q[j];
	int rc = net_io(&q->net, revents, now);

	pump(f, q, now);	/* what arrived before a close is still the answer */
	if (rc == 0)
		return;
	if (q->state == REQ_RECEIVING && q->net.eof && http_resp_eof(&q->resp) == HTTP_DONE) {
		answered(f, q, now);
	} else if (q->state != REQ_IDLE) {
		failed(f, q, now, CLASS_NETWORK, "network", q->net.err);
	}
	net_close(&q->net);
}

static int64_t min64(int64_t a, int64_t b) { return a < b ? a : b; }

int64_t flow_due(const struct flow *f, int reading)
{
	const struct ring *r = &f->ring;
	int64_t due = INT64_MAX;
	size_t room;

	if (reading && ring_write_buf((struct ring *)r, &room) && room)
		due = min64(due, tail_due(&f->tail, r));
	for (size_t j = 0; j < f->cf->max_inflight; j++) {
		const struct flow_req *q = &f->q[j];
		if (q->state != REQ_IDLE)
			due = min64(due, q->deadline);
		else if (q->net.state == NET_OPEN)
			due = min64(due, q->idle_since + f->conf->idle_timeout_ms);
		due = min64(due, net_due(&q->net));
	}
	if (busy(f))
		return due;
	if (f->bend > r->rtail)
		due = min64(due, f->next_try);
	else if (r->rhead > r->rtail) {
		int64_t ready = f->flushing ? 0 : ring_rec(r, r->rtail)->t + f->cf->max_buffer_age_ms;
		due = min64(due, ready > f->next_try ? ready : f->next_try);
	}
	return due;
}

int flow_drained(const struct flow *f, int reading)
{
	/* stopping, nothing more is read: what was read is all there is to
	 * send, however much the files have grown since (a stop in a burst) */
	return f->ring.rtail == f->ring.rhead && (f->tail.at_end || !reading) && !busy(f);
}
