/* The batch engine against a fake clock: which records go in which request
 * of a round and when (flush, age, size), what each outcome does to the
 * retry state (backoff growth, its cap and jitter, partial failures,
 * split-halving, clock skew, a dropped kept-alive connection), and what it
 * says.  The ring's records stand in for a flow's; an answer is applied by
 * marking records acked, as api_outcome() does. */
#include <stdint.h>
#include "t.h"
#include "batch.h"
#include "ring.h"

#define T0 1000000		/* the fake clock's start, ms */
#define WALL 1700000000		/* the fake wall clock, s */

static struct ring ring;
static int64_t skew;

static const struct batch_limits base = {
	.max_records = 500, .max_bytes = 1 << 20, .round_bytes = 1 << 20, .max_requests = 1,
	.max_age_ms = 1000, .backoff_ms = 100, .backoff_max_ms = 10000,
};

/* n records of len bytes each (a newline included), cut at time t. */
static void add(int n, size_t len, int64_t t)
{
	char line[256];

	memset(line, 'x', len - 1);
	line[len - 1] = '\n';
	for (int i = 0; i < n; i++) {
		size_t room;
		char *p = ring_write_buf(&ring, &room);
		T_TRUE(room >= len);
		memcpy(p, line, len);
		ring_write_ack(&ring, len, t);
	}
}

/* b over an empty ring with limits lim (NULL: base), then n records of len bytes at T0. */
static void setup(struct batch *b, const struct batch_limits *lim, int n, size_t len)
{
	static int ready;

	if (!ready) {
		ring_init(&ring, 1 << 16, 64, 200);
		ready = 1;
	}
	ring_reset(&ring, 1);
	skew = 0;
	batch_init(b, &ring, lim ? lim : &base, &skew, 42, T0);
	add(n, len, T0);
}

/* Request j's records accepted, but those whose bit (by position in the
 * request, 0-based) is set in fail: the outcome api_outcome() would give. */
static struct batch_outcome accept(struct batch *b, size_t j, unsigned fail)
{
	struct batch_outcome o = { .result = BATCH_ANSWERED, .code = "", .msg = "" };
	int k = 0;

	for (uint64_t i = b->req[j].from; i < b->req[j].to; i++) {
		struct rec *rc = ring_rec(&ring, i);
		if (rc->acked)
			continue;
		if (fail >> k++ & 1)
			o.failed++;
		else
			rc->acked = 1;
	}
	if (o.failed)
		o.code = "InternalFailure";
	return o;
}

static struct batch_outcome fails(enum batch_result res, const char *code)
{
	struct batch_outcome o = { .result = res, .code = code, .msg = "" };
	return o;
}

/* Releases what the engine says is done, as a flow's step does. */
static void release(struct batch *b)
{
	uint64_t upto = batch_done(b, ring.rhead);

	ring_release(&ring, upto);
	batch_released(b, upto);
}

/* ---- planning ---- */

/* When a round is due, and what it holds. */
T(batch_plan_triggers)
{
	static const struct {
		const char *what;
		int n;			/* records of 10 bytes at T0 */
		size_t max_records, max_bytes, round_bytes, max_requests;
		int flush;
		int64_t at;		/* ms after T0 */
		size_t want;		/* requests */
		uint64_t to[3];		/* where each ends (from: the one before's end) */
	} c[] = {
		{ "young, not full", 3, 500, 1 << 20, 1 << 20, 1, 0, 999, 0, { 0 } },
		{ "old enough", 3, 500, 1 << 20, 1 << 20, 1, 0, 1000, 1, { 3 } },
		{ "flush", 3, 500, 1 << 20, 1 << 20, 1, 1, 0, 1, { 3 } },
		{ "a request's records", 3, 2, 1 << 20, 1 << 20, 1, 0, 0, 1, { 2 } },
		{ "a request's bytes", 3, 500, 25, 1 << 20, 1, 0, 0, 1, { 2 } },
		{ "exactly a request's bytes", 3, 500, 30, 1 << 20, 1, 0, 0, 0, { 0 } },
		{ "a round's bytes", 3, 500, 1 << 20, 30, 1, 0, 0, 1, { 3 } },
		{ "more than a round takes", 5, 500, 1 << 20, 40, 1, 0, 0, 1, { 4 } },
		{ "three requests", 10, 3, 1 << 20, 1 << 20, 3, 0, 0, 3, { 3, 6, 9 } },
		{ "two requests by bytes", 5, 500, 30, 1 << 20, 3, 0, 0, 2, { 3, 5 } },
		{ "two requests, the rest young", 5, 2, 1 << 20, 1 << 20, 2, 0, 0, 2, { 2, 4 } },
		{ "nothing", 0, 500, 1 << 20, 1 << 20, 1, 1, 5000, 0, { 0 } },
	};
	struct batch b;

	for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
		struct batch_limits lim = base;
		lim.max_records = c[i].max_records;
		lim.max_bytes = c[i].max_bytes;
		lim.round_bytes = c[i].round_bytes;
		lim.max_requests = c[i].max_requests;
		setup(&b, &lim, c[i].n, 10);
		b.flush = c[i].flush;
		size_t k = batch_plan(&b, ring.rhead, T0 + c[i].at);
		if (k != c[i].want) {
			t_fail(__FILE__, __LINE__, "%s: %zu requests, expected %zu", c[i].what, k, c[i].want);
			return;
		}
		uint64_t from = ring.rtail;
		for (size_t j = 0; j < k; j++) {
			T_EQ_INT(b.req[j].from, from);
			T_EQ_INT(b.req[j].to - ring.rtail, c[i].to[j]);
			T_EQ_INT(b.req[j].n, b.req[j].to - b.req[j].from);
			T_TRUE(b.req[j].busy);
			from = b.req[j].to;
		}
		T_EQ_INT(b.state, k ? BATCH_ROUND : BATCH_IDLE);
		T_EQ_INT(batch_busy(&b), k);
		/* one round at a time */
		if (k)
			T_EQ_INT(batch_plan(&b, ring.rhead, T0 + 5000), 0);
	}
}

/* Only records through the processors go; those dropped by one (acked) go in no request. */
T(batch_plan_ready_and_dropped)
{
	struct batch b;

	setup(&b, NULL, 6, 10);
	b.flush = 1;
	ring_rec(&ring, ring.rtail + 1)->acked = 1;
	ring_rec(&ring, ring.rtail + 2)->acked = 1;
	T_EQ_INT(batch_plan(&b, ring.rtail + 4, T0), 1);
	T_EQ_INT(b.req[0].to - ring.rtail, 4);
	T_EQ_INT(b.req[0].n, 2);
}

/* When to ask again. */
T(batch_next_due_by_state)
{
	struct batch b;

	setup(&b, NULL, 0, 10);
	T_EQ_INT(batch_next_due(&b), INT64_MAX);
	add(2, 10, T0 + 50);
	T_EQ_INT(batch_next_due(&b), T0 + 50 + 1000);
	b.flush = 1;
	T_EQ_INT(batch_next_due(&b), 0);
	T_EQ_INT(batch_plan(&b, ring.rhead, T0 + 60), 1);
	T_EQ_INT(batch_next_due(&b), INT64_MAX);	/* a round on the wire: only its outcome */
	struct batch_outcome o = fails(BATCH_RETRY, "InternalFailure");
	batch_apply(&b, 0, &o, T0 + 100, WALL);
	T_EQ_INT(b.state, BATCH_WAIT);
	T_EQ_INT(batch_next_due(&b), b.next_try);
	T_TRUE(b.next_try > T0 + 100);
	T_EQ_INT(batch_plan(&b, ring.rhead, b.next_try - 1), 0);
	T_EQ_INT(batch_plan(&b, ring.rhead, b.next_try), 1);
}

/* ---- retries ---- */

/* b's next try is d ms after now, within the jitter's -30 %..+30 %. */
static int waits_about(const struct batch *b, int64_t now, int64_t d, int line)
{
	int64_t wait = b->next_try - now;

	if (wait >= d * 70 / 100 && wait <= d * 130 / 100)
		return 1;
	t_fail(__FILE__, line, "waits %lld ms, expected %lld +-30 %%", (long long)wait, (long long)d);
	return 0;
}

/* Failure after failure: the backoff doubles from retryInitialBackoffMillis
 * up to retryMaxBackoffMillis, each within -30 %..+30 %; the error is said
 * once, not per retry. */
T(batch_backoff_growth_and_cap)
{
	static const int64_t d[] = { 100, 200, 400, 800, 1600, 3200, 6400, 10000, 10000, 10000 };
	struct batch b;
	int64_t now = T0;

	setup(&b, NULL, 3, 10);
	b.flush = 1;
	for (size_t i = 0; i < sizeof d / sizeof d[0]; i++) {
		T_EQ_INT(batch_plan(&b, ring.rhead, now), 1);
		struct batch_outcome o = fails(BATCH_RETRY, "ServiceUnavailableException");
		T_EQ_INT(batch_apply(&b, 0, &o, now, WALL), i == 0 ? BATCH_SAY_FAILING : BATCH_SAY_NOTHING);
		T_EQ_INT(b.failures, i + 1);
		if (!waits_about(&b, now, d[i], __LINE__))
			return;
		now = b.next_try;
	}
	T_EQ_INT(b.failing_since, T0);
	T_EQ_INT(b.st.retries, 10);
	T_EQ_INT(b.st.requests_failed, 10);
	T_EQ_STR(b.err_code, "ServiceUnavailableException");
	T_EQ_INT(b.err_result, BATCH_RETRY);
	/* another code is said again */
	T_EQ_INT(batch_plan(&b, ring.rhead, now), 1);
	struct batch_outcome o = fails(BATCH_RETRY, "InternalFailure");
	T_EQ_INT(batch_apply(&b, 0, &o, now, WALL), BATCH_SAY_FAILING);
	/* and delivery again */
	T_EQ_INT(batch_plan(&b, ring.rhead, b.next_try), 1);
	o = accept(&b, 0, 0);
	T_EQ_INT(batch_apply(&b, 0, &o, b.next_try, WALL), BATCH_SAY_RECOVERED);
	T_EQ_INT(b.said_n, 11);
	T_EQ_INT(b.failures, 0);
	T_EQ_INT(b.failing_since, 0);
	T_EQ_INT(b.next_try, 0);
	T_EQ_STR(b.err_code, "");
	T_EQ_INT(b.st.records_sent, 3);
	T_EQ_INT(b.state, BATCH_IDLE);
}

/* The jitter: within -30 %..+30 % of the backoff, spread over all of it,
 * and not the same for two engines (two devices). */
T(batch_jitter_bounds)
{
	struct batch b;
	int64_t lo = INT64_MAX, hi = 0, first[2];

	for (int seed = 0; seed < 2000; seed++) {
		setup(&b, NULL, 1, 10);
		b.seed = (uint64_t)seed * 7919;
		b.flush = 1;
		batch_plan(&b, ring.rhead, T0);
		struct batch_outcome o = fails(BATCH_CREDS, "AccessDeniedException");
		batch_apply(&b, 0, &o, T0, WALL);
		int64_t wait = b.next_try - T0;
		T_TRUE(wait >= 7000 && wait <= 13000);
		lo = wait < lo ? wait : lo;
		hi = wait > hi ? wait : hi;
		if (seed < 2)
			first[seed] = wait;
	}
	T_TRUE(lo < 7200 && hi > 12800);
	T_TRUE(first[0] != first[1]);
}

/* Credentials, stream or request refused: the long backoff at once. */
T(batch_slow_backoff_classes)
{
	static const enum batch_result slow[] = { BATCH_CREDS, BATCH_NOTFOUND, BATCH_INVALID };
	struct batch b;

	for (size_t i = 0; i < 3; i++) {
		setup(&b, NULL, 1, 10);
		b.flush = 1;
		batch_plan(&b, ring.rhead, T0);
		struct batch_outcome o = fails(slow[i], "X");
		T_EQ_INT(batch_apply(&b, 0, &o, T0, WALL), BATCH_SAY_FAILING);
		T_TRUE(b.next_try - T0 >= 7000 && b.next_try - T0 <= 13000);
		T_EQ_INT(b.err_result, slow[i]);
	}
}

/* Request j answered with the records whose bit is set in fail not
 * accepted, the stream saying it throttled them. */
static struct batch_outcome throttled(struct batch *b, size_t j, unsigned fail)
{
	struct batch_outcome o = accept(b, j, fail);

	o.code = "ProvisionedThroughputExceededException";
	o.throttled = 1;
	return o;
}

/* Some of a request's records failed: only they go again, joined by new
 * ones.  Some accepted is no failed attempt: the backoff does not grow,
 * and the failed records go again after the time the stream would take
 * for them at the rate it accepted the others (since this round's start,
 * or the end of the last if it throttled records).  None accepted is a
 * failed attempt. */
T(batch_partial_failure)
{
	struct batch b;

	setup(&b, NULL, 5, 10);
	b.flush = 1;
	b.failures = 3;
	T_EQ_INT(batch_plan(&b, ring.rhead, T0), 1);
	struct batch_outcome o = accept(&b, 0, 0x0a);	/* r1, r3 fail */
	T_EQ_INT(batch_apply(&b, 0, &o, T0 + 60, WALL), BATCH_SAY_PARTIAL);
	T_EQ_INT(b.said_n, 2);
	T_EQ_INT(b.said_of, 5);
	T_EQ_INT(b.failures, 0);
	T_EQ_INT(b.next_try, T0 + 100);	/* 3 taken in 60 ms: 40 ms for 2 */
	T_EQ_INT(b.drained, 0);		/* InternalFailure: the stream was not full */
	T_EQ_INT(b.st.records_sent, 3);
	T_EQ_INT(b.st.records_failed, 2);
	T_EQ_INT(b.failing_since, 0);
	T_EQ_INT(b.state, BATCH_WAIT);
	/* r0 is released, r1 (not accepted) holds the rest back */
	release(&b);
	T_EQ_INT(ring.rhead - ring.rtail, 4);
	add(2, 10, T0);
	T_EQ_INT(batch_plan(&b, ring.rhead, T0 + 99), 0);
	T_EQ_INT(batch_plan(&b, ring.rhead, T0 + 100), 1);
	T_EQ_INT(b.req[0].from, ring.rtail);
	T_EQ_INT(b.req[0].to, ring.rhead);
	T_EQ_INT(b.req[0].n, 4);	/* r1, r3 and the two new */
	/* 3 accepted in the round's 30 ms, 1 throttled: 10 ms more */
	o = throttled(&b, 0, 0x01);
	T_EQ_INT(batch_apply(&b, 0, &o, T0 + 130, WALL), BATCH_SAY_PARTIAL);
	T_EQ_INT(b.failures, 0);
	T_EQ_INT(b.next_try, T0 + 140);
	T_EQ_INT(b.drained, T0 + 130);
	T_EQ_INT(batch_plan(&b, ring.rhead, T0 + 139), 0);
	/* 2 accepted in the 30 ms since the stream was full, 2 throttled: 30 ms more */
	release(&b);
	add(3, 10, T0 + 130);
	T_EQ_INT(batch_plan(&b, ring.rhead, T0 + 140), 1);
	T_EQ_INT(b.req[0].n, 4);
	o = throttled(&b, 0, 0x05);
	T_EQ_INT(batch_apply(&b, 0, &o, T0 + 160, WALL), BATCH_SAY_PARTIAL);
	T_EQ_INT(b.next_try, T0 + 190);
	/* none accepted: a failed attempt, the backoff from its start, failing since then */
	release(&b);
	T_EQ_INT(batch_plan(&b, ring.rhead, T0 + 190), 1);
	T_EQ_INT(b.req[0].n, 2);
	o = throttled(&b, 0, 0x03);
	T_EQ_INT(batch_apply(&b, 0, &o, T0 + 210, WALL), BATCH_SAY_PARTIAL);
	T_EQ_INT(b.failures, 1);
	T_TRUE(b.next_try - (T0 + 210) >= 70 && b.next_try - (T0 + 210) <= 130);
	T_EQ_INT(b.failing_since, T0 + 210);
	/* one of the two accepted after the backoff: the other waits as long again */
	int64_t now = b.next_try;
	T_EQ_INT(batch_plan(&b, ring.rhead, now), 1);
	o = throttled(&b, 0, 0x02);
	T_EQ_INT(batch_apply(&b, 0, &o, now + 20, WALL), BATCH_SAY_PARTIAL);
	T_EQ_INT(b.next_try, now + 20 + (now + 20 - (T0 + 210)));
	T_EQ_INT(b.failures, 0);
	T_EQ_INT(b.failing_since, 0);
	/* all accepted: not paced any more */
	now = b.next_try;
	release(&b);
	T_EQ_INT(batch_plan(&b, ring.rhead, now), 1);
	o = accept(&b, 0, 0);
	T_EQ_INT(batch_apply(&b, 0, &o, now + 20, WALL), BATCH_SAY_NOTHING);
	T_EQ_INT(b.next_try, 0);
	T_EQ_INT(b.drained, 0);
	T_EQ_INT(b.state, BATCH_IDLE);
	T_EQ_INT(b.st.records_sent, 10);
	/* the pace is at most retryMaxBackoffMillis */
	setup(&b, NULL, 5, 10);
	b.flush = 1;
	T_EQ_INT(batch_plan(&b, ring.rhead, T0), 1);
	o = throttled(&b, 0, 0x1e);
	T_EQ_INT(batch_apply(&b, 0, &o, T0 + 5000, WALL), BATCH_SAY_PARTIAL);
	T_EQ_INT(b.next_try, T0 + 5000 + 10000);
}

/* A stream with room for 100 records a second (a token bucket of 20, one
 * more each 10 ms), sent requests of 20 records answered in 50 ms, with
 * records always waiting: paced by what it throttles, the flow delivers at
 * the stream's capacity (within 5 %), with no failed attempt and no
 * backoff, and at most 3 records in 8 sent throttled (a request sent as
 * soon as it can be throttles 15 of its 20, 3 in 4). */
T(batch_pace_converges_on_capacity)
{
	struct batch_limits lim = base;
	struct batch b;
	int64_t now = T0, tokens = 20, filled = T0, t100 = 0;
	uint64_t sent100 = 0, failed100 = 0;

	lim.max_records = 20;
	setup(&b, &lim, 0, 10);
	for (int round = 0; round < 200; round++) {
		add((int)(20 - (ring.rhead - ring.rtail)), 10, now);
		T_EQ_INT(batch_plan(&b, ring.rhead, now), 1);
		T_EQ_INT(b.req[0].n, 20);
		now += 50;
		tokens += (now - filled) / 10;
		filled += (now - filled) / 10 * 10;
		tokens = tokens > 20 ? 20 : tokens;
		unsigned fail = 0;
		for (size_t k = 0; k < 20; k++)
			if (tokens > 0)
				tokens--;
			else
				fail |= 1u << k;
		struct batch_outcome o = fail ? throttled(&b, 0, fail) : accept(&b, 0, 0);
		batch_apply(&b, 0, &o, now, WALL);
		T_EQ_INT(b.failures, 0);
		release(&b);
		if (round == 99)
			t100 = now, sent100 = b.st.records_sent, failed100 = b.st.records_failed;
		if (b.next_try > now)
			now = b.next_try;
	}
	uint64_t per_s = (b.st.records_sent - sent100) * 1000 / (uint64_t)(now - t100);
	if (per_s < 95 || per_s > 105)
		t_fail(__FILE__, __LINE__, "%llu records a second, expected 100", (unsigned long long)per_s);
	uint64_t ok = b.st.records_sent - sent100, bad = b.st.records_failed - failed100;
	T_TRUE(bad * 8 <= (ok + bad) * 3);
}

/* A request refused as invalid without naming a record is sent in halves
 * (the smallest wins) to find one it would name; a named one is dropped
 * and the rest go again at once; one record refused without a name is not
 * dropped but retried at the long backoff. */
T(batch_split_halving)
{
	struct batch b;
	struct batch_outcome o = fails(BATCH_INVALID, "ValidationException");

	setup(&b, NULL, 8, 10);
	b.flush = 1;
	T_EQ_INT(batch_plan(&b, ring.rhead, T0), 1);
	T_EQ_INT(batch_apply(&b, 0, &o, T0, WALL), BATCH_SAY_SPLIT);
	T_EQ_INT(b.said_n, 8);
	T_EQ_INT(b.said_bytes, 80);
	T_EQ_INT(b.split, 4);
	T_EQ_INT(b.next_try, T0);	/* at once */
	T_EQ_INT(b.failures, 0);
	T_EQ_INT(batch_plan(&b, ring.rhead, T0), 1);
	T_EQ_INT(b.req[0].n, 4);
	T_EQ_INT(batch_apply(&b, 0, &o, T0, WALL), BATCH_SAY_NOTHING);	/* said once */
	T_EQ_INT(b.split, 2);
	T_EQ_INT(batch_plan(&b, ring.rhead, T0), 1);
	T_EQ_INT(b.req[0].n, 2);
	T_EQ_INT(batch_apply(&b, 0, &o, T0, WALL), BATCH_SAY_NOTHING);
	T_EQ_INT(b.split, 1);
	T_EQ_INT(batch_plan(&b, ring.rhead, T0), 1);
	T_EQ_INT(b.req[0].n, 1);
	/* one record, no name: kept, the long backoff */
	T_EQ_INT(batch_apply(&b, 0, &o, T0, WALL), BATCH_SAY_FAILING);
	T_EQ_INT(b.err_result, BATCH_INVALID);
	T_TRUE(b.next_try - T0 >= 7000);
	T_EQ_INT(b.st.rejected, 0);
	/* named now: that one is dropped, the others go again at once */
	int64_t now = b.next_try;
	T_EQ_INT(batch_plan(&b, ring.rhead, now), 1);
	T_EQ_INT(b.req[0].n, 1);
	o.index = 1;
	T_EQ_INT(batch_apply(&b, 0, &o, now, WALL), BATCH_SAY_DROPPED);
	T_EQ_INT(b.said_rec, ring.rtail);
	T_EQ_INT(b.said_n, 1);
	T_TRUE(ring_rec(&ring, ring.rtail)->acked);
	T_EQ_INT(b.st.rejected, 1);
	T_EQ_INT(b.next_try, now);
	/* an accepted request ends the search */
	release(&b);
	T_EQ_INT(batch_plan(&b, ring.rhead, now), 1);
	o = accept(&b, 0, 0);
	T_EQ_INT(batch_apply(&b, 0, &o, now, WALL), BATCH_SAY_RECOVERED);
	T_EQ_INT(b.split, 0);
	/* a name in a request of several: the record the index names, among those not acked */
	setup(&b, NULL, 5, 10);
	b.flush = 1;
	ring_rec(&ring, ring.rtail + 1)->acked = 1;
	T_EQ_INT(batch_plan(&b, ring.rhead, T0), 1);
	o = fails(BATCH_INVALID, "ValidationException");
	o.index = 2;
	T_EQ_INT(batch_apply(&b, 0, &o, T0, WALL), BATCH_SAY_DROPPED);
	T_EQ_INT(b.said_rec, ring.rtail + 2);
	/* an index past the request's records names none: halving */
	T_EQ_INT(batch_plan(&b, ring.rhead, T0), 1);
	o.index = 9;
	T_EQ_INT(batch_apply(&b, 0, &o, T0, WALL), BATCH_SAY_SPLIT);
	T_EQ_INT(b.split, 1);
}

/* Aggregated, an index names an entry of several records: halving finds
 * the record; with one record left the index is exact. */
T(batch_split_grouped)
{
	struct batch_limits lim = base;
	struct batch b;
	struct batch_outcome o = fails(BATCH_INVALID, "ValidationException");

	lim.grouped = 1;
	setup(&b, &lim, 4, 10);
	b.flush = 1;
	o.index = 1;
	T_EQ_INT(batch_plan(&b, ring.rhead, T0), 1);
	T_EQ_INT(batch_apply(&b, 0, &o, T0, WALL), BATCH_SAY_SPLIT);
	T_EQ_INT(b.st.rejected, 0);
	b.split = 1;
	T_EQ_INT(batch_plan(&b, ring.rhead, T0), 1);
	T_EQ_INT(batch_apply(&b, 0, &o, T0, WALL), BATCH_SAY_DROPPED);
	T_EQ_INT(b.st.rejected, 1);
}

/* A request that could not even be signed: the long backoff, no search. */
T(batch_invalid_unsent)
{
	struct batch b;
	struct batch_outcome o = fails(BATCH_INVALID, "signing");

	setup(&b, NULL, 4, 10);
	b.flush = 1;
	o.index = -1;
	T_EQ_INT(batch_plan(&b, ring.rhead, T0), 1);
	T_EQ_INT(batch_apply(&b, 0, &o, T0, WALL), BATCH_SAY_FAILING);
	T_EQ_INT(b.split, 0);
	T_TRUE(b.next_try - T0 >= 7000);
}

/* The signature's time refused: AWS's time is taken, the records go again
 * at once signed with it; refused again with it, the credentials are. */
T(batch_clock_skew)
{
	struct batch b, other;
	struct batch_outcome o = fails(BATCH_SKEW, "InvalidSignatureException");

	setup(&b, NULL, 2, 10);
	b.flush = 1;
	o.aws_s = WALL + 300;
	T_EQ_INT(batch_plan(&b, ring.rhead, T0), 1);
	T_EQ_INT(b.req[0].skew, 0);
	T_EQ_INT(batch_apply(&b, 0, &o, T0, WALL), BATCH_SAY_SKEW);
	T_EQ_INT(skew, 300);
	T_EQ_INT(b.next_try, T0);
	T_EQ_INT(b.failures, 0);
	T_EQ_INT(b.st.requests_failed, 0);
	T_EQ_INT(batch_plan(&b, ring.rhead, T0), 1);
	T_EQ_INT(b.req[0].skew, 300);
	/* within 2 s of it, signed with it: something else is wrong */
	o.aws_s = WALL + 301;
	T_EQ_INT(batch_apply(&b, 0, &o, T0, WALL), BATCH_SAY_FAILING);
	T_EQ_INT(b.err_result, BATCH_CREDS);
	T_EQ_STR(b.err_code, "InvalidSignatureException");
	T_EQ_INT(skew, 300);
	/* a request signed before another engine set the clock: again at once, nothing said */
	batch_init(&other, &ring, &base, &skew, 1, T0);
	other.flush = 1;
	skew = 0;
	T_EQ_INT(batch_plan(&other, ring.rhead, T0), 1);
	skew = -120;	/* another flow learnt the clock is 2 min ahead */
	o.aws_s = WALL - 120;
	T_EQ_INT(batch_apply(&other, 0, &o, T0, WALL), BATCH_SAY_NOTHING);
	T_EQ_INT(other.next_try, T0);
	T_EQ_INT(other.failures, 0);
	T_EQ_INT(skew, -120);
}

/* AWS's time changing from answer to answer (two hosts whose clocks
 * differ by 40 min): the clock is set by each answer, but only the first
 * correction goes again at once; the others are failed attempts with the
 * backoff (doubling, said once), so delivery is seen to fail
 * (sendFailureTimeout).  A record accepted ends it: the next skew answer is
 * corrected at once again.  Two requests of a round: one correction. */
T(batch_clock_skew_flapping)
{
	static const int64_t d[] = { 100, 200, 400, 800, 1600, 3200, 6400, 10000 };
	struct batch_limits lim = base;
	struct batch b;
	struct batch_outcome o = fails(BATCH_SKEW, "InvalidSignatureException");
	int64_t now = T0;

	setup(&b, NULL, 2, 10);
	b.flush = 1;
	o.aws_s = WALL + 1200;
	T_EQ_INT(batch_plan(&b, ring.rhead, now), 1);
	T_EQ_INT(batch_apply(&b, 0, &o, now, WALL), BATCH_SAY_SKEW);
	T_EQ_INT(b.next_try, now);
	for (size_t i = 0; i < sizeof d / sizeof d[0]; i++) {
		T_EQ_INT(batch_plan(&b, ring.rhead, now), 1);
		T_EQ_INT(b.req[0].skew, skew);
		o.aws_s = WALL + (i % 2 ? 1200 : -1200);
		T_EQ_INT(batch_apply(&b, 0, &o, now, WALL), i == 0 ? BATCH_SAY_FAILING : BATCH_SAY_NOTHING);
		T_EQ_INT(skew, o.aws_s - WALL);	/* signing with the latest */
		T_EQ_INT(b.failures, i + 1);
		if (!waits_about(&b, now, d[i], __LINE__))
			return;
		T_EQ_INT(batch_plan(&b, ring.rhead, b.next_try - 1), 0);
		now = b.next_try;
	}
	T_EQ_INT(b.err_result, BATCH_SKEW);
	T_EQ_STR(b.err_code, "InvalidSignatureException");
	T_EQ_INT(b.failing_since, T0);
	T_EQ_INT(b.st.requests_failed, 8);
	/* the hosts agree again: delivered, and the next skew is set at once */
	T_EQ_INT(batch_plan(&b, ring.rhead, now), 1);
	o = accept(&b, 0, 0);
	T_EQ_INT(batch_apply(&b, 0, &o, now, WALL), BATCH_SAY_RECOVERED);
	add(1, 10, now);
	T_EQ_INT(batch_plan(&b, ring.rhead, now), 1);
	o = fails(BATCH_SKEW, "InvalidSignatureException");
	o.aws_s = WALL + 60;
	T_EQ_INT(batch_apply(&b, 0, &o, now, WALL), BATCH_SAY_SKEW);
	T_EQ_INT(b.next_try, now);
	/* a round of two requests answered by the two hosts: one correction */
	lim.max_records = 1;
	lim.max_requests = 2;
	setup(&b, &lim, 2, 10);
	T_EQ_INT(batch_plan(&b, ring.rhead, T0), 2);
	o.aws_s = WALL + 1200;
	T_EQ_INT(batch_apply(&b, 0, &o, T0, WALL), BATCH_SAY_SKEW);
	o.aws_s = WALL - 1200;
	T_EQ_INT(batch_apply(&b, 1, &o, T0, WALL), BATCH_SAY_FAILING);
	T_EQ_INT(b.failures, 1);
	T_TRUE(b.next_try - T0 >= 70 && b.next_try - T0 <= 130);
}

/* A round of several requests: no record in two, each outcome applied as
 * it comes, the round over when the last one is, the failures counted once
 * a round, the latest next try of its requests kept. */
T(batch_round_of_several)
{
	struct batch_limits lim = base;
	struct batch b;

	lim.max_records = 3;
	lim.max_requests = 3;
	setup(&b, &lim, 9, 10);
	T_EQ_INT(batch_plan(&b, ring.rhead, T0), 3);
	for (size_t j = 0; j < 3; j++) {
		T_EQ_INT(b.req[j].from, ring.rtail + 3 * j);
		T_EQ_INT(b.req[j].to, ring.rtail + 3 * j + 3);
	}
	struct batch_outcome o = fails(BATCH_RETRY, "InternalFailure");
	T_EQ_INT(batch_apply(&b, 1, &o, T0, WALL), BATCH_SAY_FAILING);
	T_EQ_INT(b.state, BATCH_ROUND);
	T_EQ_INT(batch_done(&b, ring.rhead), ring.rtail);	/* nothing released during a round */
	int64_t first = b.next_try;
	o = fails(BATCH_RETRY, "InternalFailure");
	T_EQ_INT(batch_apply(&b, 2, &o, T0 + 50, WALL), BATCH_SAY_NOTHING);
	T_EQ_INT(b.failures, 1);	/* once a round */
	T_TRUE(b.next_try >= first);
	T_EQ_INT(batch_busy(&b), 1);
	o = accept(&b, 0, 0);
	T_EQ_INT(batch_apply(&b, 0, &o, T0 + 60, WALL), BATCH_SAY_NOTHING);	/* not recovered: the round was bad */
	T_EQ_INT(b.state, BATCH_WAIT);
	T_EQ_INT(batch_done(&b, ring.rhead), ring.rtail + 3);
	/* an outcome for a request not on the wire changes nothing */
	T_EQ_INT(batch_apply(&b, 0, &o, T0 + 60, WALL), BATCH_SAY_NOTHING);
	T_EQ_INT(b.st.records_sent, 3);
	release(&b);
	T_EQ_INT(batch_plan(&b, ring.rhead, b.next_try), 2);
	T_EQ_INT(b.req[0].n + b.req[1].n, 6);
}

/* A kept-alive connection the server had dropped: a new one at once, for
 * every request of the round, without a word; once a round only, unless
 * delivery is failing already. */
T(batch_reconnect_at_once)
{
	struct batch_limits lim = base;
	struct batch b;
	struct batch_outcome net = fails(BATCH_NETWORK, "network");

	lim.max_records = 2;
	lim.max_requests = 2;
	setup(&b, &lim, 4, 10);
	net.reused = 1;
	T_EQ_INT(batch_plan(&b, ring.rhead, T0), 2);
	T_EQ_INT(batch_apply(&b, 0, &net, T0, WALL), BATCH_SAY_NOTHING);
	T_EQ_INT(batch_apply(&b, 1, &net, T0, WALL), BATCH_SAY_NOTHING);
	T_EQ_INT(b.next_try, T0);
	T_EQ_INT(b.failures, 1);
	T_EQ_INT(b.st.requests_failed, 2);
	T_EQ_INT(b.st.retries, 0);
	T_EQ_INT(b.failing_since, 0);
	/* dropped again on the new connections' round: a real failure */
	T_EQ_INT(batch_plan(&b, ring.rhead, T0), 2);
	T_EQ_INT(batch_apply(&b, 0, &net, T0, WALL), BATCH_SAY_FAILING);
	T_EQ_INT(b.failures, 2);
	T_TRUE(b.next_try > T0);
	/* a new connection that fails is never at once */
	setup(&b, NULL, 1, 10);
	b.flush = 1;
	net.reused = 0;
	T_EQ_INT(batch_plan(&b, ring.rhead, T0), 1);
	T_EQ_INT(batch_apply(&b, 0, &net, T0, WALL), BATCH_SAY_FAILING);
	T_TRUE(b.next_try > T0);
}

/* An answer that made no sense: counted, and retried as any failure. */
T(batch_malformed_counted)
{
	struct batch b;
	struct batch_outcome o = fails(BATCH_RETRY, "malformed answer");

	setup(&b, NULL, 1, 10);
	b.flush = 1;
	o.malformed = 1;
	T_EQ_INT(batch_plan(&b, ring.rhead, T0), 1);
	T_EQ_INT(batch_apply(&b, 0, &o, T0, WALL), BATCH_SAY_FAILING);
	T_EQ_INT(b.st.malformed_answers, 1);
	T_EQ_INT(b.state, BATCH_WAIT);
}
