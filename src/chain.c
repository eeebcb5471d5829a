#include <string.h>
#include "arena.h"
#include "chain.h"
#include "log.h"
#include "proc.h"

/* Room for the longest record read and what a processor makes of it. */
#define CHAIN_SLACK 65536	/* a processor's output may outgrow its input this much before it is refused */

static char *scratch[2];
static size_t scratch_cap, scratch_taken;
/* What scratch holds: the output of record pos of chain owner, len bytes at out. */
static struct {
	const struct chain *owner;
	uint64_t pos;
	const char *out;
	long len;
} last;

void chain_init(struct chain *c, const struct conf_flow *cf, size_t max_rec)
{
	memset(c, 0, sizeof *c);
	c->cf = cf;
	c->max_rec = max_rec;
	if (cf->nproc && scratch_cap < max_rec + CHAIN_SLACK) {
		size_t before = arena_used();
		/* untouched until used: a page is only taken when a record fills it */
		scratch_cap = max_rec + CHAIN_SLACK;
		scratch[0] = arena_alloc(scratch_cap);
		scratch[1] = arena_alloc(scratch_cap);
		scratch_taken += arena_used() - before;
	}
}

size_t chain_scratch_taken(void)
{
	return scratch_taken;
}

/* Runs the processors on record rc; the output at *out.  Returns its length,
 * PROC_DROP or PROC_TOOLONG. */
static long run(const struct chain *c, const struct ring *r, const struct rec *rc, const char **out)
{
	struct proc_meta m = { .wall_ms = rc->wall };
	const char *p1, *p2, *in;
	size_t n1, n2, n;
	int k = 0;

	if (last.owner == c && last.pos == rc->pos) {
		*out = last.out;
		return last.len;
	}
	if (ring_rec_spans(r, rc, &p1, &n1, &p2, &n2) == 1 && !rc->trunc) {
		in = p1;	/* straight from the ring */
	} else {
		memcpy(scratch[0], p1, n1);
		memcpy(scratch[0] + n1, p2, n2);
		if (rc->trunc)
			memcpy(scratch[0] + n1 + n2, r->term, r->term_len);
		in = scratch[0];
		k = 1;
	}
	n = rc->len + (rc->trunc ? r->term_len : 0);
	long len = 0;
	for (size_t j = 0; j < c->cf->nproc; j++, k ^= 1) {
		const struct conf_proc *p = &c->cf->proc[j];
		len = p->p->run(p->state, in, n, scratch[k], scratch_cap, &m);
		if (len < 0)
			break;
		in = scratch[k];
		n = (size_t)len;
	}
	if (len >= 0 && n > c->max_rec)
		len = PROC_TOOLONG;
	last.owner = c;
	last.pos = rc->pos;
	last.out = *out = in;
	last.len = len;
	return len;
}

void chain_size(struct chain *c, struct ring *r, uint64_t i, int64_t wall)
{
	struct rec *rc = ring_rec(r, i);
	const char *out;
	long len;

	rc->wall = wall;
	if (!c->cf->nproc || rc->acked)
		return;	/* nothing to do, or a skipped header line */
	if (last.owner == c && last.pos == rc->pos)
		last.owner = NULL;	/* a new record in a reused place */
	len = run(c, r, rc, &out);
	if (len >= 0) {
		rc->outlen = (uint32_t)len;
		return;
	}
	/* not sent: acked at once, so the checkpoint moves past it */
	rc->acked = 1;
	if (len == PROC_DROP) {
		c->dropped++;
	} else if (c->toolong++ == 0) {
		log_warnx("%s: a record is longer than %zu bytes after processing: not sent "
			  "(logged once, counted)", c->cf->stream, c->max_rec);
	}
}

void chain_view(void *ctx, const struct ring *r, uint64_t i, struct rec_view *v)
{
	const struct chain *c = ctx;
	const char *out;
	long len = run(c, r, ring_rec(r, i), &out);

	v->p[0] = out;
	v->n[0] = len > 0 ? (size_t)len : 0;
	v->p[1] = v->p[2] = NULL;
	v->n[1] = v->n[2] = 0;
}
