/* A flow's delivery state, sans-I/O: which records go in which request of
 * a round, what an answer means for them, when to try again.  Like
 * BearSSL's engines it owns no socket and reads no clock: the caller gives
 * it the time, sends the requests it plans, and tells it each one's
 * outcome; it changes the ring's records only by marking them acked.
 *
 * The batch is always the oldest records, [ring.rtail, bend), and nothing
 * past a record not yet accepted is ever released, so the checkpoint moves
 * only past records every one of which was accepted.  After a partial
 * failure only the failed records go again, with new ones joining them.
 *
 * A round is up to max_requests requests, each within the limits of one
 * request, in record order.  Each outcome is applied as it comes; the next
 * round is planned when every request of this one has its outcome, and
 * only between rounds may the caller release records (the requests refer to
 * them by index).  With one request a round, records go in file order.
 *
 *   IDLE --plan--> ROUND --last outcome--> IDLE (all accepted) or WAIT
 *   WAIT --plan, not before next_try--> ROUND */
#ifndef BATCH_H
#define BATCH_H
#include <stddef.h>
#include <stdint.h>
#include "ring.h"

#define BATCH_MAX_REQUESTS 8	/* a round's requests at most (maxInFlightRequests) */

enum batch_state {
	BATCH_IDLE,	/* nothing on the wire, nothing to send again: a round when records are due */
	BATCH_WAIT,	/* records of the last round are to go again, not before next_try */
	BATCH_ROUND,	/* a round's requests are on the wire */
};

/* What the flow's settings make of a batch. */
struct batch_limits {
	size_t max_records;		/* a request's records: maxBufferSizeRecords */
	size_t max_bytes;		/* a request's bytes: maxBufferSizeBytes */
	size_t round_bytes;		/* a round's bytes: what may be on the wire at once */
	size_t max_requests;		/* a round's requests: maxInFlightRequests, 1..BATCH_MAX_REQUESTS */
	size_t extra_bytes;		/* added to each record's size (Kinesis: its key, at the most) */
	int64_t max_age_ms;		/* maxBufferAgeMillis: a record waits no longer for a fuller request */
	int64_t backoff_ms;		/* retryInitialBackoffMillis */
	int64_t backoff_max_ms;		/* retryMaxBackoffMillis: also the wait after credentials, stream or
					   request are refused */
	int grouped;			/* an index the service names may be an entry of several records */
};

/* How one request ended. */
enum batch_result {
	BATCH_ANSWERED,	/* answered 200 and applied to the ring (acked set): failed of its records not
			   accepted, code the first one's; throttled if that code says the stream throttles */
	BATCH_RETRY,	/* throttled, 5xx, an answer that makes no sense: the same records after a backoff */
	BATCH_CREDS,	/* credentials or permission refused: the long backoff */
	BATCH_NOTFOUND,	/* no such stream: the long backoff */
	BATCH_INVALID,	/* the request refused as invalid; index: the record it names (1-based, among the
			   request's records not acked), 0 if none, -1 if it was never sent (not signed) */
	BATCH_SKEW,	/* the signature's time refused; aws_s: AWS's time (s since 1970) */
	BATCH_NETWORK,	/* no answer: resolving, connecting, TLS, a timeout, a connection dropped */
};

struct batch_outcome {
	enum batch_result result;
	size_t failed;			/* ANSWERED */
	int throttled;			/* ANSWERED */
	long index;			/* INVALID */
	int64_t aws_s;			/* SKEW */
	int reused;			/* NETWORK: on a kept-alive connection, which the server may have dropped */
	int malformed;			/* the answer made no sense (counted) */
	const char *code, *msg;		/* the error's code and message, "" if none (not kept) */
};

/* What an outcome gives the caller to say (the engine writes nothing). */
enum batch_say {
	BATCH_SAY_NOTHING,
	BATCH_SAY_FAILING,	/* delivery fails in a new way: err_result, err_code and the outcome's msg */
	BATCH_SAY_RECOVERED,	/* delivering again, after said_n failed attempts */
	BATCH_SAY_PARTIAL,	/* said_n of the request's said_of records failed: only they go again */
	BATCH_SAY_DROPPED,	/* record said_rec, the request's said_n-th, refused as invalid: dropped */
	BATCH_SAY_SPLIT,	/* a request of said_n records, said_bytes bytes, refused as invalid: sent
				   in parts to find the record */
	BATCH_SAY_SKEW,		/* the clock is *skew s behind AWS's (negative: ahead): signing with AWS's */
};

struct batch_req {
	uint64_t from, to;	/* its records: those of [from, to) not acked when it was planned */
	size_t n;		/* how many */
	int busy;		/* on the wire: its outcome not yet applied */
	int64_t skew;		/* the clock correction to sign it with */
};

struct batch_stats {
	uint64_t records_sent, records_failed, requests_failed, retries, rejected, malformed_answers;
};

struct batch {
	struct ring *ring;
	struct batch_limits lim;
	int64_t *skew;			/* AWS's clock minus ours, s: one for every flow */
	enum batch_state state;
	struct batch_req req[BATCH_MAX_REQUESTS];
	size_t nreq;			/* requests in the round */
	uint64_t bend;			/* records [ring.rtail, bend) went in a round */
	int flush;			/* set by the caller: send what there is now, whatever its age */
	/* retry */
	int64_t next_try;		/* not before this */
	int failures;			/* consecutive failed attempts (rounds) */
	size_t split;			/* records a request while looking for one refused (0: no limit) */
	int round_bad;			/* a request of this round did not have all its records accepted */
	int round_counted;		/* and failures counted it */
	int round_reconnect;		/* a request found its kept-alive connection dropped */
	uint64_t seed, draws;		/* jitter: rnd_at(seed, draws++) */
	/* what is known of delivery */
	int failing;			/* err_result is the state last said */
	enum batch_result err_result;
	char err_code[96];		/* its code, "" when delivering */
	int64_t last_progress;		/* when a record was last accepted */
	int64_t failing_since;		/* when delivery began to fail (0: it does not) */
	struct batch_stats st;
	/* details of the last batch_say */
	uint64_t said_rec;
	size_t said_n, said_of, said_bytes;
};

/* Sets b up for ring r; skew is shared by every flow's engine; seed makes
 * its jitter (rnd_next()); now is the monotonic time (ms). */
void batch_init(struct batch *b, struct ring *r, const struct batch_limits *lim, int64_t *skew, uint64_t seed,
		int64_t now);
/* Plans a round when one is due: a request's worth is ready or old
 * enough, or b->flush, or records of the last round are to go again (new
 * ones join them up to the limits).  ready: records before it went through
 * the processors (ring.rtail <= ready <= ring.rhead).  Returns how many
 * requests to send now, b->req[0..n), or 0. */
size_t batch_plan(struct batch *b, uint64_t ready, int64_t now);
/* Applies request j's outcome.  wall_s (s since 1970, the system clock)
 * is read only for BATCH_SKEW.  Returns what the caller should say. */
enum batch_say batch_apply(struct batch *b, size_t j, const struct batch_outcome *o, int64_t now, int64_t wall_s);
/* The records before the returned index are done with (accepted, or
 * dropped by a processor): the caller may release them.  Only between
 * rounds; ring.rtail while one is on the wire. */
uint64_t batch_done(const struct batch *b, uint64_t ready);
/* The caller released the records before upto. */
void batch_released(struct batch *b, uint64_t upto);
/* When batch_plan() must be asked again at the latest (INT64_MAX: only
 * after an outcome, or when records come). */
int64_t batch_next_due(const struct batch *b);
/* Something changed that may make the next try succeed (new
 * credentials): a wait before it is cut short. */
void batch_kick(struct batch *b, int64_t now);
/* Requests of the round still on the wire. */
size_t batch_busy(const struct batch *b);
#endif
