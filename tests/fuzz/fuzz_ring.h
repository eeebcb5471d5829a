/* What the encoder targets (fuzz_firehose.c, fuzz_kpl.c) share: a ring of
 * FZ_RSIZE bytes, FZ_RSLOTS slots and records of FZ_RMAX bytes at most
 * (defined before including), filled from the input at any offset; a view
 * that gives each record as three spans of scratch memory; the body
 * streamed. */
#ifndef FUZZ_RING_H
#define FUZZ_RING_H
#include <stdio.h>
#include <stdlib.h>
#include "../unit/feed_t.h"
#include "api.h"
#include "fuzz.h"

static void fz_feed(struct ring *r, const char *s, size_t n)
{
	if (feed(r, s, n)) {
		fprintf(stderr, "fuzz: ring full\n");
		abort();
	}
}

/* A record's bytes (ring_view's) as three spans of a copy, split at a third
 * and two thirds; the targets scribble over the copy between calls. */
static char fz_scratch[FZ_RMAX + 8];

static void fz_view(void *ctx, const struct ring *r, uint64_t i, struct rec_view *v)
{
	struct rec_view rv;
	size_t n = 0;

	(void)ctx;
	ring_view(NULL, r, i, &rv);
	for (int s = 0; s < 3; s++) {
		if (rv.n[s])
			memcpy(fz_scratch + n, rv.p[s], rv.n[s]);
		n += rv.n[s];
	}
	v->p[0] = fz_scratch;
	v->n[0] = n / 3;
	v->p[1] = fz_scratch + n / 3;
	v->n[1] = 2 * n / 3 - n / 3;
	v->p[2] = fz_scratch + 2 * n / 3;
	v->n[2] = n - 2 * n / 3;
}

/* The ring, emptied, its next record to start at buffer offset at; then
 * records from the input: a flags byte (bit 0 and 1 into flags[], the rest
 * with the next byte: the length, up to 300, past FZ_RMAX so some are cut)
 * and its bytes ('\n' made 'x'), while the ring holds them.  Returns how
 * many, from *first on. */
static int fz_records(struct ring *r, size_t at, const uint8_t *data, size_t size, uint8_t *flags,
		      uint64_t *first)
{
	static int ready;
	static char line[512];
	int nrec;

	if (!ready) {
		ring_init(r, FZ_RSIZE, FZ_RSLOTS, FZ_RMAX);
		ready = 1;
	}
	ring_reset(r, 0);
	while (r->head % FZ_RSIZE != at) {
		size_t m = (at + FZ_RSIZE - r->head % FZ_RSIZE) % FZ_RSIZE;
		if (m > 100)
			m = 100;
		memset(line, 'f', m - 1);
		line[m - 1] = '\n';
		fz_feed(r, line, m);
		ring_release(r, r->rhead);
	}
	*first = r->rhead;
	for (nrec = 0; nrec < FZ_RSLOTS - 16 && size >= 2; nrec++) {
		size_t l = ((size_t)(data[0] >> 2) << 8 | data[1]) % 301;
		flags[nrec] = data[0] & 3;
		data += 2;
		size -= 2;
		if (l > size)
			l = size;
		for (size_t k = 0; k < l; k++)
			line[k] = data[k] == '\n' ? 'x' : (char)data[k];
		line[l] = '\n';
		if (ring_free(r) < l + 1 + FZ_RMAX)
			break;
		fz_feed(r, line, l + 1);
		data += l;
		size -= l;
	}
	if (r->rhead - *first != (uint64_t)nrec) {
		fprintf(stderr, "fuzz: record count\n");
		abort();
	}
	return nrec;
}

/* e's body streamed in pieces of cap bytes (buf has cap + 8) into out:
 * never past cap, never longer than total (out's room, or the length
 * wanted), nothing allocated, the view's scratch scribbled over after each piece.  Returns
 * its length. */
static size_t fz_stream(struct api_enc *e, char *buf, size_t cap, char *out, size_t total)
{
	size_t len = 0, n;

	for (int calls = 0;; calls++) {
		memset(buf + cap, '#', 8);
		n = FZ_LOOP(api_enc_next(e, buf, cap));
		if (n > cap || memcmp(buf + cap, "########", 8) != 0) {
			fprintf(stderr, "fuzz: past cap\n");
			abort();
		}
		if (n == 0)
			return len;
		if (len + n > total || calls > 100000) {
			fprintf(stderr, "fuzz: body too long\n");
			abort();
		}
		memcpy(out + len, buf, n);
		len += n;
		memset(fz_scratch, '#', sizeof fz_scratch);
	}
}
#endif
