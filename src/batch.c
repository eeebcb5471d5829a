/* The batch engine: rounds planned from the ring, outcomes applied to the
 * retry state.  Every change of state is in batch_plan() (to ROUND) and
 * end_round() (to IDLE or WAIT). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "batch.h"
#include "fmt.h"
#include "rnd.h"

void batch_init(struct batch *b, struct ring *r, const struct batch_limits *lim, int64_t *skew, uint64_t seed,
		int64_t now)
{
	memset(b, 0, sizeof *b);
	b->ring = r;
	b->lim = *lim;
	if (b->lim.max_requests > BATCH_MAX_REQUESTS)
		b->lim.max_requests = BATCH_MAX_REQUESTS;
	b->skew = skew;
	b->seed = seed;
	b->state = BATCH_IDLE;
	b->last_progress = now;
}

/* A record's share of a request: its data, and what the API adds to it
 * (counted at the most, so a request never passes the limit). */
static size_t rec_bytes(const struct batch *b, const struct rec *rc)
{
	return rec_data_len(rc) + b->lim.extra_bytes;
}

size_t batch_busy(const struct batch *b)
{
	size_t n = 0;

	for (size_t j = 0; j < b->nreq; j++)
		n += b->req[j].busy != 0;
	return n;
}

/* ---- planning ---- */

size_t batch_plan(struct batch *b, uint64_t ready, int64_t now)
{
	struct ring *r = b->ring;
	size_t most = b->split ? b->split : b->lim.max_records, lim = b->lim.round_bytes;
	size_t n = 0, bytes = 0, all = 0, total = 0, k = 0;
	uint64_t i, from = r->rtail;
	int full = 0;

	if (b->state == BATCH_ROUND || now < b->next_try)
		return 0;
	for (i = r->rtail; i < ready && k < b->lim.max_requests; i++) {
		const struct rec *rc = ring_rec(r, i);
		size_t rb;
		if (rc->acked)
			continue;	/* accepted, or dropped by a processor */
		rb = rec_bytes(b, rc);
		if (all > 0 && total + rb > lim)
			break;	/* the round's bytes */
		if (n > 0 && bytes + rb > b->lim.max_bytes) {
			/* a request's bytes: the next one starts here */
			b->req[k].from = from;
			b->req[k++].to = from = i;
			n = bytes = 0;
			full = 1;
			if (k == b->lim.max_requests)
				break;
		}
		n++, all++;
		bytes += rb;
		total += rb;
		if (n == most) {
			b->req[k].from = from;
			b->req[k++].to = from = i + 1;
			n = bytes = 0;
			full = 1;
		}
	}
	if (n > 0) {
		b->req[k].from = from;
		b->req[k++].to = i;
	}
	if (k == 0)
		return 0;
	/* due: records to send again (new ones join them), a full request,
	 * more ready than a round takes, a flush, the oldest record's age */
	if (!(b->state == BATCH_WAIT || full || i < ready || b->flush ||
	      now - ring_rec(r, r->rtail)->t >= b->lim.max_age_ms || total >= lim))
		return 0;
	for (size_t j = 0; j < k; j++) {
		struct batch_req *q = &b->req[j];
		q->n = 0;
		for (i = q->from; i < q->to; i++)
			q->n += !ring_rec(r, i)->acked;
		q->busy = 1;
		q->skew = *b->skew;
	}
	b->nreq = k;
	b->bend = b->req[k - 1].to;
	b->round_bad = b->round_counted = b->round_reconnect = b->round_throttled = 0;
	b->round_start = now;
	b->state = BATCH_ROUND;
	return k;
}

/* Every request of the round has its outcome: what is left to do. */
static void end_round(struct batch *b, int64_t now)
{
	const struct ring *r = b->ring;

	b->drained = b->round_throttled ? now : 0;
	b->state = BATCH_IDLE;
	for (uint64_t i = r->rtail; i < b->bend; i++)
		if (!ring_rec(r, i)->acked) {
			b->state = BATCH_WAIT;
			break;
		}
}

uint64_t batch_done(const struct batch *b, uint64_t ready)
{
	const struct ring *r = b->ring;
	uint64_t i = r->rtail;

	if (b->state == BATCH_ROUND)
		return i;
	while (i < ready && ring_rec(r, i)->acked)
		i++;
	return i;
}

void batch_released(struct batch *b, uint64_t upto)
{
	if (b->bend < upto)
		b->bend = upto;
}

int64_t batch_next_due(const struct batch *b)
{
	const struct ring *r = b->ring;
	int64_t ready;

	if (b->state == BATCH_ROUND)
		return INT64_MAX;
	if (b->state == BATCH_WAIT)
		return b->next_try;
	if (r->rhead == r->rtail)
		return INT64_MAX;
	ready = b->flush ? 0 : ring_rec(r, r->rtail)->t + b->lim.max_age_ms;
	return ready > b->next_try ? ready : b->next_try;
}

void batch_kick(struct batch *b, int64_t now)
{
	if (b->state != BATCH_ROUND && b->next_try > now)
		b->next_try = now;
}

/* ---- outcomes ---- */

/* Not before t: within a round, the latest any request asked for. */
static void again_at(struct batch *b, int64_t t)
{
	if (!b->round_bad || t > b->next_try)
		b->next_try = t;
	b->round_bad = 1;
}

/* One more failed attempt: once a round, however many of its requests
 * failed (the backoff grows by rounds, as with one request a round). */
static void count_failure(struct batch *b)
{
	if (!b->round_counted)
		b->failures++;
	b->round_counted = 1;
}

/* The next try after a failure: the initial backoff doubled with each
 * failed attempt up to the maximum, or the maximum at once (slow), then
 * +-30 %, so a fleet recovering from one outage does not retry in step. */
static void backoff(struct batch *b, int64_t now, int slow)
{
	int64_t d = b->lim.backoff_max_ms;

	if (!slow) {
		int shift = b->failures > 20 ? 20 : b->failures > 0 ? b->failures - 1 : 0;
		d = b->lim.backoff_ms << shift;
		if (d > b->lim.backoff_max_ms)
			d = b->lim.backoff_max_ms;
	}
	d = d * (70 + (int64_t)(rnd_at(b->seed, b->draws++) % 61)) / 100;
	again_at(b, now + d);
}

/* A failure of this kind and code: said once per change, not per retry. */
static enum batch_say failing(struct batch *b, enum batch_result res, const char *code)
{
	if (b->failing && res == b->err_result && !strcmp(code, b->err_code))
		return BATCH_SAY_NOTHING;
	b->failing = 1;
	b->err_result = res;
	fmt_snprintf(b->err_code, sizeof b->err_code, "%s", code);
	return BATCH_SAY_FAILING;
}

static enum batch_say recovered(struct batch *b)
{
	enum batch_say say = b->failing ? BATCH_SAY_RECOVERED : BATCH_SAY_NOTHING;

	b->said_n = (size_t)b->failures;
	b->failing = 0;
	b->err_code[0] = 0;
	b->failures = 0;
	b->failing_since = 0;
	b->next_try = 0;
	return say;
}

/* The request failed as a whole (res): its records go again after a backoff. */
static enum batch_say failed(struct batch *b, const struct batch_outcome *o, enum batch_result res, int64_t now)
{
	enum batch_say say;

	b->st.requests_failed++;
	if (res == BATCH_NETWORK && o->reused && (b->failures == 0 || b->round_reconnect)) {
		/* a kept-alive connection the server had already dropped: a new
		 * one, at once (and the same for the round's other requests) */
		b->failures = 1;
		b->round_counted = b->round_reconnect = 1;
		again_at(b, now);
		return BATCH_SAY_NOTHING;
	}
	count_failure(b);
	b->st.retries++;
	if (!b->failing_since)
		b->failing_since = now;
	say = failing(b, res, o->code);
	backoff(b, now, res == BATCH_CREDS || res == BATCH_NOTFOUND || res == BATCH_INVALID);
	return say;
}

/* The bad records of a request that had ok of them accepted go again once
 * the stream can take them at the rate it took those: ok records over the
 * time since it was last out of capacity (the end of the last round, if it
 * throttled records, else this round's start).  So a flow keeps to a
 * throttling stream's capacity (one that throttles more waits longer for
 * the same records, one that throttles none is no longer paced), a few
 * records failed cost a short pause, and a service that takes one record
 * in a hundred is not sent a hundred requests a round trip. */
static int64_t pace(const struct batch *b, size_t bad, size_t ok, int64_t now)
{
	int64_t since = b->drained ? b->drained : b->round_start;
	int64_t d = (now - since) * (int64_t)bad / (int64_t)ok;

	return d < b->lim.backoff_max_ms ? d : b->lim.backoff_max_ms;
}

/* An answer applied: some records accepted, maybe not all. */
static enum batch_say answered(struct batch *b, const struct batch_req *q, const struct batch_outcome *o,
			       int64_t now)
{
	size_t bad = o->failed < q->n ? o->failed : q->n;

	b->st.records_sent += q->n - bad;
	b->last_progress = now;
	if (!b->round_bad)
		b->split = 0;	/* not while another request of the round looks for a refused record */
	if (bad < q->n) {
		b->failing_since = 0;
		b->skew_fixed = 0;
	} else if (!b->failing_since)
		b->failing_since = now;
	if (bad == 0)
		return b->round_bad ? BATCH_SAY_NOTHING : recovered(b);
	/* a partial failure: only the failed records go again, joined by new
	 * ones */
	b->st.records_failed += bad;
	b->st.retries++;
	b->said_n = bad;
	b->said_of = q->n;
	b->round_throttled |= o->throttled;
	if (bad == q->n) {
		/* none accepted: a failed attempt, the backoff grows */
		count_failure(b);
		backoff(b, now, 0);
	} else {
		/* progress: no failed attempt (unless another request of the
		 * round was one), and no backoff but the stream's pace */
		if (!b->round_counted)
			b->failures = 0;
		again_at(b, now + pace(b, bad, q->n - bad, now));
	}
	return BATCH_SAY_PARTIAL;
}

/* The service refused the request itself.  A record it names (counted in
 * this request's records) cannot ever be sent: it is dropped (counted) and
 * the others go again at once.  Otherwise the request is sent in halves
 * down to one record, to find one it would name; a single record still
 * refused without a name is no reason to drop anything: it is retried at
 * the long backoff. */
static enum batch_say invalid(struct batch *b, const struct batch_req *q, const struct batch_outcome *o,
			      int64_t now)
{
	struct ring *r = b->ring;
	size_t n = 0, bytes = 0;
	long bad = o->index;
	uint64_t i;

	if (bad < 0)
		return failed(b, o, BATCH_INVALID, now);	/* never sent: nothing to look for */
	/* aggregated, the index names an entry of several records: halving
	 * finds the record (a request of one, where the index is exact) */
	if (b->lim.grouped && q->n > 1)
		bad = 0;
	for (i = q->from; i < q->to; i++) {
		struct rec *rc = ring_rec(r, i);
		if (rc->acked)
			continue;
		if (++n == (size_t)bad) {
			rc->acked = 1;
			b->st.rejected++;
			b->said_rec = i;
			b->said_n = n;
			again_at(b, now);
			return BATCH_SAY_DROPPED;
		}
		bytes += rec_bytes(b, rc);
	}
	if (n > 1) {
		enum batch_say say = BATCH_SAY_NOTHING;
		if (!b->split) {
			b->said_n = n;
			b->said_bytes = bytes;
			say = BATCH_SAY_SPLIT;
		}
		if (!b->split || n / 2 < b->split)	/* the smallest of the round's */
			b->split = n / 2;
		again_at(b, now);
		return say;
	}
	return failed(b, o, BATCH_INVALID, now);
}

/* The signature's time was refused: AWS's clock is taken as it says and
 * the request goes again at once; but only once until a record is
 * accepted, as AWS's time may keep changing (hosts behind one name whose
 * clocks differ): after that, each correction is a failed attempt and
 * waits for the backoff. */
static enum batch_say skewed(struct batch *b, const struct batch_req *q, const struct batch_outcome *o,
			     int64_t now, int64_t wall_s)
{
	int64_t skew = o->aws_s - wall_s;

	if (llabs(skew - *b->skew) < 2) {
		if (q->skew == *b->skew)	/* signed with AWS's time already: something else is wrong */
			return failed(b, o, BATCH_CREDS, now);
		again_at(b, now);	/* signed before another answer set the clock right */
		return BATCH_SAY_NOTHING;
	}
	*b->skew = skew;
	if (b->skew_fixed)
		return failed(b, o, BATCH_SKEW, now);
	b->skew_fixed = 1;
	again_at(b, now);
	return BATCH_SAY_SKEW;
}

enum batch_say batch_apply(struct batch *b, size_t j, const struct batch_outcome *o, int64_t now, int64_t wall_s)
{
	struct batch_req *q = &b->req[j];
	enum batch_say say;

	if (j >= b->nreq || !q->busy)
		return BATCH_SAY_NOTHING;
	q->busy = 0;
	b->st.malformed_answers += o->malformed != 0;
	switch (o->result) {
	case BATCH_ANSWERED:
		say = answered(b, q, o, now);
		break;
	case BATCH_INVALID:
		say = invalid(b, q, o, now);
		break;
	case BATCH_SKEW:
		say = skewed(b, q, o, now, wall_s);
		break;
	default:
		say = failed(b, o, o->result, now);
		break;
	}
	if (!batch_busy(b))
		end_round(b, now);
	return say;
}
