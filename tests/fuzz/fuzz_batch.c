/* libFuzzer target: the batch engine driven as a flow drives it, with
 * outcomes, times and records chosen by the input.  The first bytes set the
 * limits (requests a round, records and bytes a request, the round's
 * bytes, aggregation's grouping); then each byte pair is an action: records
 * arrive (some dropped by a processor), time passes, the flow's step
 * (release, then a round if one is planned), or one request's outcome
 * (accepted with some records failed, throttled, a whole-request error,
 * refused naming a record or not, a skewed clock, a dropped connection, a
 * malformed answer).  At the end every request is answered "all accepted"
 * until the ring is empty.
 *
 * Checks: a round's requests are in record order, within the limits, and
 * no record is in two of them; records are released only between rounds
 * and only past records that were accepted, refused (counted) or dropped
 * by a processor, so the checkpoint never passes an unaccepted record;
 * every record ends accepted or refused, never both, never lost, and the
 * engine's counters agree; no outcome makes the next try wait longer than
 * the longest backoff (its jitter included); the ring empties; nothing
 * allocated. */
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "batch.h"
#include "fuzz.h"
#include "ring.h"

#define FZ_RSIZE 4096
#define FZ_RSLOTS 64
#define FZ_RMAX 200
#define FZ_MAXREC 4096		/* records an input may add */
#define FZ_WALL 1700000000

enum { PENDING, ACCEPTED, REFUSED, DROPPED };	/* what became of a record */

static struct ring fz_ring;
static uint8_t fz_fate[FZ_MAXREC];
static uint64_t fz_first;		/* the input's first record */
static uint64_t fz_accepted, fz_refused;

static void fz_die(const char *what)
{
	fprintf(stderr, "fuzz_batch: %s\n", what);
	abort();
}

static uint8_t *fate(uint64_t i)
{
	if (i < fz_first || i - fz_first >= FZ_MAXREC)
		fz_die("record out of range");
	return &fz_fate[i - fz_first];
}

/* n records of len bytes at now, some dropped by a processor (drop bit k). */
static void fz_add(int n, size_t len, unsigned drop, int64_t now)
{
	char line[FZ_RMAX];

	memset(line, 'x', len - 1);
	line[len - 1] = '\n';
	for (int k = 0; k < n; k++) {
		uint64_t before = fz_ring.rhead;
		size_t room;
		char *p = ring_write_buf(&fz_ring, &room);
		if (room < len || fz_ring.rhead - fz_first >= FZ_MAXREC - 1 ||
		    fz_ring.rhead - fz_ring.rtail >= FZ_RSLOTS - 1)
			return;
		memcpy(p, line, len);
		ring_write_ack(&fz_ring, len, now);
		for (uint64_t i = before; i < fz_ring.rhead; i++) {
			*fate(i) = PENDING;
			if (drop >> (k & 7) & 1) {
				ring_rec(&fz_ring, i)->acked = 1;	/* a processor dropped it */
				*fate(i) = DROPPED;
			}
		}
	}
}

/* The flow's release: only what the engine says is done, only records with a fate. */
static void fz_release(struct batch *b, int64_t now)
{
	uint64_t upto = batch_done(b, fz_ring.rhead);

	if (b->state == BATCH_ROUND && upto != fz_ring.rtail)
		fz_die("released during a round");
	for (uint64_t i = fz_ring.rtail; i < upto; i++)
		if (*fate(i) == PENDING || !ring_rec(&fz_ring, i)->acked)
			fz_die("released past a record not accepted");
	ring_release(&fz_ring, upto);
	batch_released(b, upto);
	ring_cut(&fz_ring, now);
}

/* A new round's requests: in order, within the limits, disjoint. */
static void fz_check_round(const struct batch *b, size_t k)
{
	uint64_t at = fz_ring.rtail;
	size_t most = b->split ? b->split : b->lim.max_records;

	if (k > b->lim.max_requests || b->state != BATCH_ROUND || b->nreq != k)
		fz_die("round size");
	for (size_t j = 0; j < k; j++) {
		const struct batch_req *q = &b->req[j];
		size_t n = 0, bytes = 0;
		if (q->from < at || q->to <= q->from || q->to > fz_ring.rhead || !q->busy)
			fz_die("request out of order or range");
		for (uint64_t i = at; i < q->from; i++)
			if (!ring_rec(&fz_ring, i)->acked)
				fz_die("a record skipped between requests");
		for (uint64_t i = q->from; i < q->to; i++) {
			const struct rec *rc = ring_rec(&fz_ring, i);
			if (rc->acked)
				continue;
			if (*fate(i) != PENDING)
				fz_die("a record done with is sent");
			n++;
			bytes += rec_data_len(rc) + b->lim.extra_bytes;
		}
		if (n != q->n || n == 0 || n > most || (n > 1 && bytes > b->lim.max_bytes))
			fz_die("request limits");
		at = q->to;
	}
}

/* Request j answered: the records whose bit in fail is set failed, the rest accepted. */
static struct batch_outcome fz_answer(struct batch *b, size_t j, uint64_t fail)
{
	struct batch_outcome o = { .result = BATCH_ANSWERED, .code = "", .msg = "" };
	int k = 0;

	for (uint64_t i = b->req[j].from; i < b->req[j].to; i++) {
		struct rec *rc = ring_rec(&fz_ring, i);
		if (rc->acked)
			continue;
		if (fail >> (k++ & 63) & 1) {
			o.failed++;
			continue;
		}
		rc->acked = 1;
		*fate(i) = ACCEPTED;
		fz_accepted++;
	}
	o.code = o.failed ? "InternalFailure" : "";
	return o;
}

static void fz_apply(struct batch *b, size_t j, const struct batch_outcome *o, int64_t now)
{
	uint64_t rejected = b->st.rejected;
	enum batch_say say = FZ_LOOP(batch_apply(b, j, o, now, FZ_WALL + now / 1000));

	if (say == BATCH_SAY_DROPPED) {
		if (!ring_rec(&fz_ring, b->said_rec)->acked || *fate(b->said_rec) != PENDING)
			fz_die("dropped a record not pending");
		*fate(b->said_rec) = REFUSED;
		fz_refused++;
	}
	if (b->st.rejected != rejected + (say == BATCH_SAY_DROPPED))
		fz_die("refused not counted once");
	if (b->next_try > now + b->lim.backoff_max_ms * 13 / 10)
		fz_die("a wait past the longest backoff");
}

/* One step of the flow: release, then a round if one is due. */
static void fz_step(struct batch *b, int64_t now)
{
	size_t k;

	fz_release(b, now);
	if ((k = FZ_LOOP(batch_plan(b, fz_ring.rhead, now))) > 0)
		fz_check_round(b, k);
	/* new records may wait for their age, a retry never past its time */
	if (b->state == BATCH_WAIT && now >= batch_next_due(b))
		fz_die("a retry due and not planned");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	static int64_t skew;
	struct batch_limits lim;
	struct batch b;
	int64_t now = 1000000;

	if (size < 4)
		return 0;
	if (!ready) {
		ring_init(&fz_ring, FZ_RSIZE, FZ_RSLOTS, FZ_RMAX);
		ready = 1;
	}
	ring_reset(&fz_ring, 1);
	fz_first = fz_ring.rhead;
	fz_accepted = fz_refused = 0;
	memset(&lim, 0, sizeof lim);
	lim.max_requests = 1 + data[0] % BATCH_MAX_REQUESTS;
	lim.max_records = 1 + data[1] % 16;
	lim.max_bytes = 16 + (size_t)data[2] * 4;
	lim.round_bytes = 64 + (size_t)data[3] * 16;
	lim.grouped = data[0] >> 7;
	lim.extra_bytes = data[1] >> 6;
	lim.max_age_ms = 1000;
	lim.backoff_ms = 100;
	lim.backoff_max_ms = 10000;
	skew = 0;
	batch_init(&b, &fz_ring, &lim, &skew, data[2], now);
	data += 4;
	size -= 4;

	for (; size >= 2; data += 2, size -= 2) {
		uint8_t op = data[0], arg = data[1];
		size_t j = (size_t)(arg % BATCH_MAX_REQUESTS);
		struct batch_outcome o = { .code = "X", .msg = "" };

		switch (op % 8) {
		case 0:		/* records arrive */
			fz_add(1 + arg % 8, 1 + (size_t)(op >> 3) * 6 % (FZ_RMAX - 1), arg >> 3, now);
			break;
		case 1:		/* time passes */
			now += (int64_t)arg * (op & 8 ? 100 : 1);
			break;
		case 2:		/* the flow's step */
			b.flush = op >> 7;
			fz_step(&b, now);
			break;
		case 3:		/* an answer, some records failed */
			if (j < b.nreq && b.req[j].busy) {
				o = fz_answer(&b, j, arg & 1 ? (uint64_t)(op >> 3) * 0x0101010101010101u : 0);
				o.throttled = op >> 7;
				fz_apply(&b, j, &o, now);
			}
			break;
		case 4:		/* the whole request refused or failed */
			o.result = (enum batch_result)(BATCH_RETRY + (op >> 3) % 3);	/* RETRY, CREDS, NOTFOUND */
			o.malformed = op >> 7;
			fz_apply(&b, j, &o, now);
			break;
		case 5:		/* refused as invalid, naming a record or not */
			o.result = BATCH_INVALID;
			o.index = (long)(op >> 3) % 20 - 1;
			fz_apply(&b, j, &o, now);
			break;
		case 6:		/* the signature's time */
			o.result = BATCH_SKEW;
			o.aws_s = FZ_WALL + now / 1000 + (int64_t)(op >> 3) - 16;
			fz_apply(&b, j, &o, now);
			break;
		case 7:		/* no answer */
			o.result = BATCH_NETWORK;
			o.reused = op >> 7;
			fz_apply(&b, j, &o, now);
			break;
		}
	}

	/* the service recovers: every request all accepted until nothing is left */
	b.flush = 1;
	for (int turn = 0; fz_ring.rtail != fz_ring.rhead || b.state == BATCH_ROUND; turn++) {
		if (turn > 10000)
			fz_die("the ring does not empty");
		for (size_t j = 0; j < b.nreq; j++)
			if (b.req[j].busy) {
				struct batch_outcome o = fz_answer(&b, j, 0);
				fz_apply(&b, j, &o, now);
			}
		int64_t due = batch_next_due(&b);
		if (due != INT64_MAX && due > now)
			now = due;
		fz_step(&b, now);
	}
	for (uint64_t i = fz_first; i < fz_ring.rhead; i++)
		if (*fate(i) == PENDING)
			fz_die("a record lost");
	if (b.st.records_sent != fz_accepted || b.st.rejected != fz_refused)
		fz_die("counters disagree");
	return 0;
}
