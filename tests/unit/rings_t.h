/* Rings for the encoder tests (test_api.c, test_firehose.c, test_kinesis.c):
 * records placed at any offset of a small ring, so every way a record can
 * wrap is reached, and six records they all use.  Define RSIZE, RSLOTS and
 * RMAX (16: the third record is cut) before including. */
#ifndef RINGS_T_H
#define RINGS_T_H
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include "feed_t.h"
#include "http.h"
#include "ring.h"
#include "t.h"

/* stderr to /dev/null and back: the framer warns about the cut line. */
static inline void quiet(int on)
{
	static int saved = -1;

	if (on) {
		int null = open("/dev/null", O_WRONLY);
		saved = dup(2);
		dup2(null, 2);
		close(null);
	} else {
		dup2(saved, 2);
		close(saved);
	}
}

/* The ring, emptied, with its next record to start at buffer offset k. */
static inline struct ring *at(size_t k)
{
	static struct ring r;
	static int init;

	if (!init) {
		ring_init(&r, RSIZE, RSLOTS, RMAX);
		init = 1;
	}
	ring_reset(&r, 0);
	while (r.head % RSIZE != k) {
		size_t m = (k + RSIZE - r.head % RSIZE) % RSIZE;
		if (m > 8)
			m = 8;
		feed(&r, "fffffff\n" + 8 - m, m);
		ring_release(&r, r.rhead);
		ring_cut(&r, 0);
	}
	return &r;
}

/* lines[0..n) from buffer offset k. */
static inline struct ring *load(size_t k, const char *const *lines, size_t n)
{
	struct ring *r = at(k);

	for (size_t i = 0; i < n; i++)
		feed(r, lines[i], strlen(lines[i]));
	return r;
}

/* The six records' lines, and the data each must carry: a cut line is its
 * first 15 bytes and a '\n'. */
#define NREC 6
static const struct { const char *line, *data; size_t line_len, data_len; } recs[NREC] = {
	{ "a\n", "a\n", 2, 2 },
	{ "bb\r\n", "bb\r\n", 4, 4 },
	{ "ABCDEFGHIJKLMNOPQRST\n", "ABCDEFGHIJKLMNO\n", 21, 16 },
	{ "\n", "\n", 1, 1 },
	{ "hello, world!!\n", "hello, world!!\n", 15, 15 },
	{ "\0\xff\x80\"\\\t\n", "\0\xff\x80\"\\\t\n", 7, 7 },
};

/* The six records from buffer offset k. */
static inline struct ring *load6(size_t k)
{
	struct ring *r = at(k);

	quiet(1);
	for (int i = 0; i < NREC; i++)
		feed(r, recs[i].line, recs[i].line_len);
	quiet(0);
	return r;
}

/* load6(k), NULL unless each record carries its data's length; counts in
 * *wrapped the records that wrap around the ring's end, in *cut those of
 * them cut at the record limit. */
static inline struct ring *load6_wraps(size_t k, int *wrapped, int *cut)
{
	struct ring *r = load6(k);

	if (r->rhead - r->rtail != NREC)
		return NULL;
	for (int i = 0; i < NREC; i++) {
		const struct rec *rc = ring_rec(r, r->rtail + (uint64_t)i);
		const char *p1, *p2;
		size_t n1, n2;
		if (rec_data_len(rc) != recs[i].data_len)
			return NULL;
		if (ring_rec_spans(r, rc, &p1, &n1, &p2, &n2) == 2) {
			++*wrapped;
			*cut += rc->trunc;
		}
	}
	return r;
}

/* The first n records at rtail acked by the bits of mask. */
static inline void set_acked_n(struct ring *r, unsigned mask, int n)
{
	for (int i = 0; i < n; i++)
		ring_rec(r, r->rtail + (uint64_t)i)->acked = mask >> i & 1;
}

/* Which of the first n records at rtail are acked, as bits. */
static inline unsigned acked_n(const struct ring *r, int n)
{
	unsigned m = 0;

	for (int i = 0; i < n; i++)
		m |= (unsigned)ring_rec(r, r->rtail + (uint64_t)i)->acked << i;
	return m;
}

/* Streams a whole body with next (an encoder's enc_next on e) in output
 * pieces of cap bytes, checking that no call writes past cap, and compares
 * it with want. */
static inline int stream_body(size_t (*next)(void *e, char *out, size_t cap), void *e, size_t cap,
			      const char *want, size_t wlen, const char *file, int line)
{
	static char buf[4096 + 8];
	char out[2048];
	size_t got = 0, n;
	int calls = 0;

	for (;;) {
		memset(buf + cap, '#', 8);
		n = next(e, buf, cap);
		if (n > cap || memcmp(buf + cap, "########", 8) != 0) {
			t_fail(file, line, "cap %zu: wrote past it (returned %zu)", cap, n);
			return 0;
		}
		if (n == 0)
			break;
		if (got + n > sizeof out || ++calls > 2000) {
			t_fail(file, line, "cap %zu: body too long", cap);
			return 0;
		}
		memcpy(out + got, buf, n);
		got += n;
	}
	if (next(e, buf, cap) != 0) {
		t_fail(file, line, "cap %zu: more after the end", cap);
		return 0;
	}
	if (got != wlen || memcmp(out, want, wlen) != 0) {
		t_fail(file, line, "cap %zu:\n  got      \"%.*s\" (%zu)\n  expected \"%.*s\" (%zu)", cap,
		       (int)got, out, got, (int)wlen, want, wlen);
		return 0;
	}
	return 1;
}
/* An answer too long to keep, as api_outcome() gets it: start is what was
 * kept of its body; failed and ok how often the API's needles (failed_key,
 * ok_key) occurred in the whole of it. */
static inline const struct http_resp *long_answer(const char *start, uint64_t failed, uint64_t ok)
{
	static struct http_resp r;

	memset(&r, 0, sizeof r);
	r.status = 200;
	r.body = (char *)start;
	r.body_len = strlen(start);
	r.body_truncated = 1;
	r.needle_count[0] = failed;
	r.needle_count[1] = ok;
	return &r;
}
#endif
