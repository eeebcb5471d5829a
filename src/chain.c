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

#define CHAIN_NOT_KEPT UINT64_MAX

void chain_init(struct chain *c, const struct conf_flow *cf, size_t max_rec, size_t nrecs, size_t round)
{
	memset(c, 0, sizeof *c);
	c->cf = cf;
	c->max_rec = max_rec;
	if (!cf->nproc)
		return;
	if (scratch_cap < max_rec + CHAIN_SLACK) {
		size_t before = arena_used();
		/* untouched until used: a page is only taken when a record fills it */
		scratch_cap = max_rec + CHAIN_SLACK;
		scratch[0] = arena_alloc(scratch_cap);
		scratch[1] = arena_alloc(scratch_cap);
		scratch_taken += arena_used() - before;
	}
	if (round) {
		/* a round, and room for the next records while it is on the wire */
		c->round = round;
		c->keep_size = round + CHAIN_SLACK;
		c->keep = arena_alloc(c->keep_size);
		c->nrecs = nrecs;
		c->kend = arena_alloc(nrecs * sizeof *c->kend);
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

/* Frees the kept bytes of the records released (before r->rtail); those
 * never run (a ring reset drops records) had none. */
static void unkeep(struct chain *c, const struct ring *r)
{
	uint64_t upto = r->rtail < c->knext ? r->rtail : c->knext;

	for (; c->kfirst < upto; c->kfirst++) {
		uint64_t end = c->kend[c->kfirst % c->nrecs];
		if (end != CHAIN_NOT_KEPT) {
			c->ktail = end;
			c->nkept--;
		}
	}
	if (c->kfirst < r->rtail)
		c->kfirst = r->rtail;
	if (!c->nkept)
		c->ktail = c->khead = 0;	/* empty: start again at the front, where most room is */
}

/* Keeps len bytes at out as record i's output; 0 if they do not fit now. */
static int keep(struct chain *c, uint64_t i, const char *out, size_t len)
{
	size_t at = (size_t)(c->khead % c->keep_size), skip = 0;

	if (at + len > c->keep_size)
		skip = c->keep_size - at;	/* an output is never split: on at the front */
	if (c->khead - c->ktail + skip + len > c->keep_size)
		return 0;
	memcpy(c->keep + (at + skip) % c->keep_size, out, len);
	c->khead += skip + len;
	c->kend[i % c->nrecs] = c->khead;
	c->nkept++;
	return 1;
}

int chain_size(struct chain *c, struct ring *r, uint64_t i, int64_t wall)
{
	struct rec *rc = ring_rec(r, i);
	const char *out;
	long len;

	if (c->waiting != i + 1)
		rc->wall = wall;
	if (!c->cf->nproc)
		return 1;
	if (c->keep) {
		unkeep(c, r);
		c->kend[i % c->nrecs] = CHAIN_NOT_KEPT;
		c->knext = i + 1;
	}
	if (c->waiting != i + 1 && last.owner == c && last.pos == rc->pos)
		last.owner = NULL;	/* a new record in a reused place */
	c->waiting = 0;
	if (rc->acked)
		return 1;	/* a skipped header line */
	len = run(c, r, rc, &out);
	if (len >= 0) {
		/* kept; else it waits while a round is kept (that round is due),
		 * or is made again when it is streamed */
		if (c->keep && !keep(c, i, out, (size_t)len) && c->khead - c->ktail >= c->round) {
			c->waiting = i + 1;
			return 0;
		}
		rc->outlen = (uint32_t)len;
		return 1;
	}
	/* not sent: acked at once, so the checkpoint moves past it */
	rc->acked = 1;
	if (len == PROC_DROP) {
		c->dropped++;
	} else if (c->toolong++ == 0) {
		log_warnx("%s: a record is longer than %zu bytes after processing: not sent "
			  "(logged once, counted)", c->cf->stream, c->max_rec);
	}
	return 1;
}

void chain_view(void *ctx, const struct ring *r, uint64_t i, struct rec_view *v)
{
	const struct chain *c = ctx;
	const struct rec *rc = ring_rec(r, i);
	const char *out;
	long len;

	if (c->keep && c->kend[i % c->nrecs] != CHAIN_NOT_KEPT) {
		out = c->keep + (size_t)((c->kend[i % c->nrecs] - rc->outlen) % c->keep_size);
		len = rc->outlen;
	} else {
		len = run(c, r, rc, &out);
	}
	v->p[0] = out;
	v->n[0] = len > 0 ? (size_t)len : 0;
	v->p[1] = v->p[2] = NULL;
	v->n[1] = v->n[2] = 0;
}
