/* The flow's ring and the framer that cuts records at '\n'.  A record is the
 * line with its '\n', as the Java agent sends it; a '\r' before it is data.
 * A line longer than max_rec is cut to max_rec - 1 bytes plus a '\n' added
 * on the wire, and the rest of the line is dropped as it is read. */
#include <string.h>
#include "arena.h"
#include "log.h"
#include "ring.h"

void ring_init(struct ring *r, size_t bytes, size_t nrecs, size_t max_rec)
{
	memset(r, 0, sizeof *r);
	r->buf = arena_alloc(bytes);
	r->size = bytes;
	r->recs = arena_alloc(nrecs * sizeof *r->recs);
	r->nrecs = nrecs;
	r->max_rec = max_rec;
}

void ring_reset(struct ring *r, off_t off)
{
	/* positions only grow, so indices held by others stay comparable */
	r->tail = r->start = r->scan = r->head;
	r->rtail = r->rhead;
	r->skipping = 0;
	r->head_off = off;
}

char *ring_write_buf(struct ring *r, size_t *len)
{
	size_t at = r->head % r->size;
	size_t n = ring_free(r);

	if (r->rhead - r->rtail == r->nrecs)
		n = 0;	/* no slot for another record: wait */
	if (n > r->size - at)
		n = r->size - at;
	*len = n;
	return r->buf + at;
}

static void emit(struct ring *r, uint64_t len, int trunc, off_t end, int64_t now)
{
	struct rec *rc = ring_rec(r, r->rhead++);

	rc->pos = r->start;
	rc->len = (uint32_t)len;
	rc->outlen = (uint32_t)len + (uint32_t)trunc;
	rc->trunc = (uint8_t)trunc;
	rc->acked = 0;
	rc->end = end;
	rc->t = now;
	r->records++;
}

static void truncated(struct ring *r)
{
	if (r->truncated++ == 0)
		log_warnx("a line is longer than %zu bytes: cut there, the rest dropped "
			  "(logged once, counted)", r->max_rec);
}

void ring_cut(struct ring *r, int64_t now)
{
	while (r->scan < r->head && r->rhead - r->rtail < r->nrecs) {
		size_t at = r->scan % r->size;
		size_t span = r->size - at;
		char *nl;

		if (span > r->head - r->scan)
			span = r->head - r->scan;
		if (!(nl = memchr(r->buf + at, '\n', span))) {
			r->scan += span;
			continue;
		}
		uint64_t p = r->scan + (size_t)(nl - (r->buf + at));
		off_t end = r->head_off - (off_t)(r->head - (p + 1));
		if (r->skipping || p + 1 - r->start > r->max_rec) {
			/* bytes between the cut and p stay as dead space until
			 * the record is released: at most one read's worth */
			truncated(r);
			emit(r, r->max_rec - 1, 1, end, now);
		} else {
			emit(r, p + 1 - r->start, 0, end, now);
		}
		r->skipping = 0;
		r->start = r->scan = p + 1;
	}
	if (r->scan == r->head && r->scan - r->start >= r->max_rec) {
		/* an overlong line with no '\n' yet: keep its first
		 * max_rec - 1 bytes, drop the rest as it arrives */
		r->skipping = 1;
		r->head = r->scan = r->start + r->max_rec - 1;
	}
}

void ring_write_ack(struct ring *r, size_t n, int64_t now)
{
	r->head += n;
	r->head_off += n;
	ring_cut(r, now);
}

void ring_flush_partial(struct ring *r, int64_t now)
{
	if (r->skipping) {
		truncated(r);
		emit(r, r->max_rec - 1, 1, r->head_off, now);
		r->skipping = 0;
	} else if (r->head > r->start && r->rhead - r->rtail < r->nrecs) {
		emit(r, r->head - r->start, 0, r->head_off, now);
	} else {
		return;
	}
	r->start = r->scan = r->head;
}

int ring_rec_spans(const struct ring *r, const struct rec *rc, const char **p1, size_t *n1,
		   const char **p2, size_t *n2)
{
	size_t at = rc->pos % r->size;

	*p1 = r->buf + at;
	if (at + rc->len <= r->size) {
		*n1 = rc->len;
		*p2 = NULL;
		*n2 = 0;
		return 1;
	}
	*n1 = r->size - at;
	*p2 = r->buf;
	*n2 = rc->len - *n1;
	return 2;
}

void ring_release(struct ring *r, uint64_t upto)
{
	r->rtail = upto;
	r->tail = r->rtail < r->rhead ? ring_rec(r, r->rtail)->pos : r->start;
}

void ring_view(void *ctx, const struct ring *r, uint64_t i, struct rec_view *v)
{
	const struct rec *rc = ring_rec(r, i);

	(void)ctx;
	ring_rec_spans(r, rc, &v->p[0], &v->n[0], &v->p[1], &v->n[1]);
	v->nl = rc->trunc;
}
