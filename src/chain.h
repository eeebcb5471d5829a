/* A flow's processors (dataProcessingOptions) applied to its records.
 *
 * Records stay in the ring as they were read; the processors run once a
 * record, when it is cut (to learn its size, or that it is dropped), and
 * their output is kept until the record is released, in a FIFO of bytes
 * sized at start-up to a round and a bit: the signature and the wire read it
 * from there.  When the FIFO holds a round already, the next record waits
 * (the round is due, so it is sent and released); an output that does not
 * fit otherwise is not kept, and made again each time it is streamed (the
 * processors are pure functions, so every run gives the same bytes).  They
 * run in scratch memory shared by every flow. */
#ifndef CHAIN_H
#define CHAIN_H
#include <stdint.h>
#include "conf.h"
#include "ring.h"

struct chain {
	const struct conf_flow *cf;
	uint64_t dropped;	/* records a processor dropped */
	uint64_t toolong;	/* records whose output was longer than a record may be */
	size_t max_rec;		/* the longest record the flow may send */
	/* the outputs kept: [ktail, khead) of keep, byte counters (NULL: none) */
	char *keep;
	size_t keep_size, round;	/* a record waits while round bytes or more are kept */
	uint64_t khead, ktail;
	uint64_t *kend;		/* a record slot's output ends here (counter); CHAIN_NOT_KEPT */
	size_t nrecs;
	size_t nkept;		/* records whose output is kept */
	uint64_t kfirst;	/* records before this have their kept bytes freed */
	uint64_t knext;		/* records before this were run (or dropped by a ring reset) */
	uint64_t waiting;	/* 1 + the record that waits for room; 0: none */
};

/* Start-up: takes the shared scratch memory the first time a flow has
 * processors (again, larger, for a flow with longer records), and the flow's
 * own FIFO for a ring of nrecs record slots whose rounds take at most round
 * bytes (round 0: outputs are never kept, as kagent -n wants). */
void chain_init(struct chain *c, const struct conf_flow *cf, size_t max_rec, size_t nrecs, size_t round);
/* Bytes of the arena the scratch memory took so far (kagent -t). */
size_t chain_scratch_taken(void);
/* Runs the processors on record i (read at wall ms), the next in order: sets
 * its outlen, or marks it acked if it is not to be sent.  Returns 1, or 0
 * if it must wait for records before it to be released (then it is asked
 * again). */
int chain_size(struct chain *c, struct ring *r, uint64_t i, int64_t wall);
/* A rec_view_fn (ctx: the chain): record i's bytes as the processors make them. */
void chain_view(void *ctx, const struct ring *r, uint64_t i, struct rec_view *v);
#endif
