/* A flow's processors (dataProcessingOptions) applied to its records.
 *
 * Records stay in the ring as they were read; the processors run when a
 * record is cut (to learn its size, or that it is dropped) and again each
 * time its bytes are streamed (for the signature, onto the wire): they are
 * pure functions, so every run gives the same bytes.  That costs CPU but no
 * second ring.  The output goes to scratch memory shared by every flow. */
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
};

/* Start-up: takes the shared scratch memory the first time a flow has
 * processors (again, larger, for a flow with longer records). */
void chain_init(struct chain *c, const struct conf_flow *cf, size_t max_rec);
/* Bytes of the arena the scratch memory took so far (kagent -t). */
size_t chain_scratch_taken(void);
/* Runs the processors on record i (read at wall ms): sets its outlen, or
 * marks it acked if it is not to be sent. */
void chain_size(struct chain *c, struct ring *r, uint64_t i, int64_t wall);
/* A rec_view_fn (ctx: the chain): record i's bytes as the processors make them. */
void chain_view(void *ctx, const struct ring *r, uint64_t i, struct rec_view *v);
#endif
