/* The flow's ring and the framer that cuts records out of it.
 *
 * Lines end at '\n'; a line is kept with its '\n', as the Java agent sends
 * it, and a '\r' before it is data.  A line longer than max_rec is cut to
 * max_rec - term_len bytes, sent with the truncation terminator, and the
 * rest of the line is dropped as it is read.  Without multiLineStartPattern
 * each line is a record; with it, lines are gathered into the pending record
 * [rstart, start) until a line that matches the pattern starts the next one
 * (the Java agent's RegexSplitter: Matcher.lookingAt on each line but a
 * record's first). */
#include <string.h>
#include "arena.h"
#include "find.h"
#include "log.h"
#include "ring.h"
#include "rx.h"

#define ML_PREFIX 4096	/* of a line that wraps, what the start pattern sees */

void ring_init(struct ring *r, size_t bytes, size_t nrecs, size_t max_rec)
{
	memset(r, 0, sizeof *r);
	r->buf = arena_alloc(bytes);
	r->size = bytes;
	r->recs = arena_alloc(nrecs * sizeof *r->recs);
	r->nrecs = nrecs;
	r->max_rec = max_rec;
	r->term = "\n";
	r->term_len = 1;
}

void ring_frame(struct ring *r, struct rx *ml, const char *term, size_t term_len)
{
	r->ml = ml;
	r->term = term;
	r->term_len = term_len;
}

void ring_reset(struct ring *r, off_t off)
{
	/* positions only grow, so indices held by others stay comparable */
	r->tail_at = ring_at(r, r->head);
	r->tail = r->rstart = r->start = r->scan = r->head;
	r->rtail_at = ring_slot(r, r->rhead);
	r->rtail = r->rhead;
	r->skipping = 0;
	r->skip_lines = off == 0 ? r->skip_header : 0;
	r->head_off = off;
}

off_t ring_unread(struct ring *r)
{
	off_t off = r->head_off - (off_t)(r->head - r->rstart);

	r->head = r->scan = r->start = r->rstart;
	r->head_off = off;
	r->skipping = 0;
	return off;
}

void ring_source(struct ring *r, unsigned src, off_t off, unsigned skip_lines)
{
	r->src = src;
	r->head_off = off;
	r->skip_lines = skip_lines;
}

char *ring_write_buf(struct ring *r, size_t *len)
{
	size_t at = ring_at(r, r->head);
	size_t n = ring_free(r);

	if (r->rhead - r->rtail == r->nrecs)
		n = 0;	/* no slot for another record: wait */
	if (n > r->size - at)
		n = r->size - at;
	*len = n;
	return r->buf + at;
}

static struct rec *emit(struct ring *r, uint64_t pos, uint64_t len, int trunc, off_t end, int64_t now)
{
	struct rec *rc = ring_rec(r, r->rhead++);

	rc->pos = pos;
	rc->len = (uint32_t)len;
	rc->outlen = (uint32_t)(len + (trunc ? r->term_len : 0));
	rc->trunc = (uint8_t)trunc;
	rc->acked = 0;
	rc->src = (uint16_t)r->src;
	rc->end = end;
	rc->t = now;
	r->records++;
	return rc;
}

/* The pending multi-line record, if any, becomes a record. */
static void emit_pending(struct ring *r, int64_t now)
{
	if (r->rstart < r->start)
		emit(r, r->rstart, r->start - r->rstart, 0, r->rend, now);
	r->rstart = r->start;
}

static void truncated(struct ring *r)
{
	if (r->truncated++ == 0)
		log_warnx("a line is longer than %zu bytes: cut there, the rest dropped "
			  "(logged once, counted)", r->max_rec);
}

/* Does the line [a, b) match rx (a prefix of it, or all of it)? */
static int line_matches(struct ring *r, struct rx *rx, uint64_t a, uint64_t b, enum rx_mode mode)
{
	char copy[ML_PREFIX];
	size_t at = ring_at(r, a), n = b - a;
	const char *s = r->buf + at;
	int caps[2];

	if (at + n > r->size) {	/* it wraps: the pattern sees a copy of its start */
		size_t k = r->size - at;
		if (n > sizeof copy)
			n = sizeof copy;
		memcpy(copy, s, k < n ? k : n);
		if (k < n)
			memcpy(copy + k, r->buf, n - k);
		s = copy;
	}
	return rx_exec(rx, s, n, 0, mode, caps, 1);
}

/* The line [start, p], its '\n' (and a '\r' before it) left out, is a footer. */
static int is_footer(struct ring *r, uint64_t p)
{
	if (p > r->start && r->buf[ring_at(r, p - 1)] == '\r')
		p--;
	return p - r->start <= ML_PREFIX && line_matches(r, r->footer_rx, r->start, p, RX_MATCHES);
}

/* The line [start, p + 1), which ends the source's bytes at end. */
static void line(struct ring *r, uint64_t p, off_t end, int64_t now)
{
	uint64_t len = p + 1 - r->start;

	if (r->discard) {
		/* the rest of a line whose start was thrown away */
		emit_pending(r, now);
		r->discard = r->skipping = 0;
		r->discarded++;
		r->rstart = r->start = p + 1;
		return;
	}
	if (r->skip_lines) {
		/* a header line: a record that is never sent, so the checkpoint passes it */
		r->skip_lines--;
		emit_pending(r, now);
		emit(r, r->start, len, 0, end, now)->acked = 1;
		r->rstart = r->start = p + 1;
		return;
	}
	if (r->footer_rx && !r->skipping && is_footer(r, p)) {
		/* fileFooterPattern: the file ends here; its footer is not
		 * sent, and what was read after it is dropped */
		emit_pending(r, now);
		emit(r, r->start, len, 0, end, now)->acked = 1;
		r->rstart = r->start = r->head = p + 1;
		r->footer = 1;
		return;
	}
	if (r->skipping || len > r->max_rec) {
		/* the dropped rest lies between the cut and p: dead space until
		 * the record is released, at most one read's worth */
		truncated(r);
		emit_pending(r, now);
		emit(r, r->start, r->max_rec - r->term_len, 1, end, now);
		r->skipping = 0;
		r->rstart = r->start = p + 1;
		return;
	}
	if (!r->ml) {
		emit(r, r->start, len, 0, end, now);
		r->rstart = r->start = p + 1;
		return;
	}
	if (r->rstart < r->start &&
	    (p + 1 - r->rstart > r->max_rec || line_matches(r, r->ml, r->start, p + 1, RX_LOOKINGAT)))
		emit_pending(r, now);	/* a new record starts, or the pending one is full */
	r->rend = end;
	r->start = p + 1;
}

/* Slots a line may take: its own, and the pending record's it may end. */
static int room(const struct ring *r)
{
	return r->rhead - r->rtail + (r->rstart < r->start ? 2 : 1) <= r->nrecs;
}

void ring_cut(struct ring *r, int64_t now)
{
	while (r->scan < r->head && room(r)) {
		size_t at = ring_at(r, r->scan);
		size_t span = r->size - at, nl;

		if (span > r->head - r->scan)
			span = r->head - r->scan;
		if ((nl = find_byte(r->buf + at, 0, span, '\n')) == span) {
			r->scan += span;
			continue;
		}
		uint64_t p = r->scan + nl;
		line(r, p, r->head_off - (off_t)(r->head - (p + 1)), now);
		r->scan = p + 1;
	}
	if (r->scan == r->head && r->scan - r->start >= r->max_rec) {
		/* an overlong line with no '\n' yet: keep its first bytes,
		 * drop the rest as it arrives */
		r->skipping = 1;
		r->head = r->scan = r->start + r->max_rec - r->term_len;
	}
	if (r->rstart < r->start && ring_free(r) < r->size / 8)
		emit_pending(r, now);	/* a full ring must always hold something to send */
}

int ring_drop_uncut(struct ring *r, uint64_t *lines)
{
	int partial = r->head > r->start && r->buf[ring_at(r, r->head - 1)] != '\n';

	for (uint64_t p = r->start; p < r->head; p++)
		*lines += r->buf[ring_at(r, p)] == '\n';
	r->head = r->scan = r->start;
	r->skipping = 0;
	return partial;
}

void ring_write_ack(struct ring *r, size_t n, int64_t now)
{
	r->head += n;
	r->head_off += n;
	ring_cut(r, now);
}

void ring_flush_pending(struct ring *r, int64_t now)
{
	if (r->rhead - r->rtail < r->nrecs)
		emit_pending(r, now);
}

void ring_flush_partial(struct ring *r, int64_t now)
{
	if (!room(r))
		return;
	emit_pending(r, now);
	if (r->skipping) {
		truncated(r);
		emit(r, r->start, r->max_rec - r->term_len, 1, r->head_off, now);
		r->skipping = 0;
	} else if (r->head > r->start) {
		emit(r, r->start, r->head - r->start, 0, r->head_off, now);
	} else {
		return;
	}
	r->rstart = r->start = r->scan = r->head;
}

int ring_rec_spans(const struct ring *r, const struct rec *rc, const char **p1, size_t *n1,
		   const char **p2, size_t *n2)
{
	size_t at = ring_at(r, rc->pos);

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

size_t ring_divide(uint64_t x, size_t size)
{
	return (size_t)(x % size);
}

void ring_release(struct ring *r, uint64_t upto)
{
	uint64_t tail = upto < r->rhead ? ring_rec(r, upto)->pos : r->rstart;

	r->rtail_at = ring_slot(r, upto);
	r->rtail = upto;
	r->tail_at = ring_at(r, tail);
	r->tail = tail;
}

void ring_view(void *ctx, const struct ring *r, uint64_t i, struct rec_view *v)
{
	const struct rec *rc = ring_rec(r, i);

	(void)ctx;
	ring_rec_spans(r, rc, &v->p[0], &v->n[0], &v->p[1], &v->n[1]);
	v->p[2] = r->term;
	v->n[2] = rc->trunc ? r->term_len : 0;
}
