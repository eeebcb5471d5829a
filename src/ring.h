/* A flow's fixed memory: a byte ring the source is read into, in place, and
 * a ring of record descriptors cut from it by the framer.
 *
 * Positions are 64-bit counters that only grow; a byte's place in buf is
 * pos % size (ring_at).  Bytes [tail, head) are in use; records [rtail,
 * rhead) are the ones not yet accepted by the service, oldest first. */
#ifndef RING_H
#define RING_H
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct rx;

struct rec {
	uint64_t pos;		/* ring position of the first byte */
	uint32_t len;		/* bytes in the ring */
	uint32_t outlen;	/* bytes sent: len + trunc, or what the processors made of it */
	uint8_t trunc;		/* cut at the record limit: the terminator is sent after len bytes */
	uint8_t acked;		/* accepted by the service (or dropped by a processor) */
	uint16_t src;		/* the file it was read from (the flow's source table) */
	off_t end;		/* source offset just past the record: safe to resume from once acked */
	int64_t t;		/* monotonic ms when it was cut */
	int64_t wall;		/* ms since the epoch when it was read (for processors) */
};

struct ring;

/* A record's bytes as sent: up to three spans (the record may wrap around
 * the ring's end; a record cut short ends with the truncation terminator). */
struct rec_view {
	const char *p[3];
	size_t n[3];
};
/* Gives the view of record i; ctx is the function's own. */
typedef void (*rec_view_fn)(void *ctx, const struct ring *r, uint64_t i, struct rec_view *v);

struct ring {
	char *buf;
	size_t size;
	uint64_t head, tail;
	size_t tail_at;		/* tail % size */
	struct rec *recs;
	size_t nrecs;
	uint64_t rhead, rtail;
	size_t rtail_at;	/* rtail % nrecs */
	/* framer */
	uint64_t start;		/* first byte of the line being cut */
	uint64_t scan;		/* bytes before this were searched for '\n' */
	off_t head_off;		/* source offset of the byte that will land at head */
	size_t max_rec;		/* longest record sent, terminator included */
	int skipping;		/* past max_rec: dropping bytes up to the next '\n' */
	const char *term;	/* truncatedRecordTerminator */
	size_t term_len;
	struct rx *ml;		/* multiLineStartPattern, or NULL */
	struct rx *footer_rx;	/* fileFooterPattern, or NULL */
	int footer;		/* a footer line was cut: the source is done (the rest read is dropped) */
	uint64_t rstart;	/* first byte of the pending multi-line record (== start: none) */
	off_t rend;		/* source offset just past the pending record */
	unsigned src;		/* the source being read: records are stamped with it */
	unsigned skip_header;	/* skipHeaderLines: lines to drop at a source's start */
	unsigned skip_lines;	/* of those, still to drop */
	int discard;		/* the bytes up to the next '\n' are thrown away */
	uint64_t discarded;	/* lines thrown away so */
	uint64_t truncated;	/* counters */
	uint64_t records;
};

/* Takes the buffers from the arena.  Records end at each '\n' and a record
 * cut at max_rec ends with '\n' until ring_frame() says otherwise. */
void ring_init(struct ring *r, size_t bytes, size_t nrecs, size_t max_rec);
/* How records are framed: ml (multiLineStartPattern, or NULL): a record is a
 * line that matches it and the lines after it that do not; term: what ends a
 * record cut at max_rec (truncatedRecordTerminator). */
void ring_frame(struct ring *r, struct rx *ml, const char *term, size_t term_len);
/* Forgets all data; the next byte read is the source's byte at off (at 0,
 * the header lines are dropped). */
void ring_reset(struct ring *r, off_t off);
/* The bytes not cut into records yet (a partial line, a multi-line record
 * still open) are given back: the source is to be read again from the
 * returned offset.  So the ring holds whole records only when it turns to
 * another source. */
off_t ring_unread(struct ring *r);
/* Reads source src from offset off on, with skip_lines header lines still to
 * drop; the records already cut stay.  Only after ring_unread(). */
void ring_source(struct ring *r, unsigned src, off_t off, unsigned skip_lines);
/* Where the source may write, and how much (contiguous; 0 when full). */
char *ring_write_buf(struct ring *r, size_t *len);
/* n bytes were written at ring_write_buf(); cuts records out of them.
 * now is the monotonic time in ms. */
void ring_write_ack(struct ring *r, size_t n, int64_t now);
/* Throws away the bytes not cut into records yet (the line in progress, and
 * complete lines when record slots ran out); adds the complete lines to
 * *lines.  Returns 1 if it ended in the middle of a line. */
int ring_drop_uncut(struct ring *r, uint64_t *lines);
/* Cuts records from bytes not yet searched (after ring_release freed slots). */
void ring_cut(struct ring *r, int64_t now);
/* The source ended with a partial line that will never be finished (a
 * rotated-away file, --once at end of file is not that case): send it as is,
 * after any pending multi-line record. */
void ring_flush_partial(struct ring *r, int64_t now);
/* A multi-line record waits for the next start line; at the end of a file
 * that has been quiet for a while it is sent as it is. */
void ring_flush_pending(struct ring *r, int64_t now);
/* x % size, by dividing. */
size_t ring_divide(uint64_t x, size_t size);
/* x % size for x counted from a place whose remainder is known: no 64-bit
 * division (a libgcc call on a 32-bit CPU, slow on any) for the positions
 * held, which lie at most size past it.  Inline: it is asked for a few
 * times a record. */
static inline __attribute__((always_inline)) size_t ring_wrap(uint64_t x, uint64_t from, size_t from_at, size_t size)
{
	if (x - from <= size) {
		size_t at = from_at + (size_t)(x - from);
		return at < size ? at : at - size;
	}
	return ring_divide(x, size);
}
/* Where position pos is in buf. */
static inline size_t ring_at(const struct ring *r, uint64_t pos) { return ring_wrap(pos, r->tail, r->tail_at, r->size); }
/* Where record i is in recs. */
static inline __attribute__((always_inline)) size_t ring_slot(const struct ring *r, uint64_t i) { return ring_wrap(i, r->rtail, r->rtail_at, r->nrecs); }
/* Record i (rtail <= i < rhead). */
static inline __attribute__((always_inline)) struct rec *ring_rec(const struct ring *r, uint64_t i) { return &r->recs[ring_slot(r, i)]; }
/* Bytes of the record as up to two spans (it may wrap); returns the span count. */
int ring_rec_spans(const struct ring *r, const struct rec *rc, const char **p1, size_t *n1,
		   const char **p2, size_t *n2);
/* Records [rtail, upto) were accepted: their bytes and slots are freed. */
void ring_release(struct ring *r, uint64_t upto);
/* Bytes free for the source. */
static inline size_t ring_free(const struct ring *r) { return r->size - (size_t)(r->head - r->tail); }
/* The record's own bytes, as read (a rec_view_fn; ctx unused). */
void ring_view(void *ctx, const struct ring *r, uint64_t i, struct rec_view *v);
/* Bytes of data sent for a record. */
static inline size_t rec_data_len(const struct rec *rc) { return rc->outlen; }
#endif
