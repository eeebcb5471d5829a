/* The framer: every input is fed whole, a byte at a time and in random
 * pieces (fixed seeds) into a small ring (64 bytes, records of at most 16,
 * 8 slots) so that it wraps, cuts long lines and runs out of slots; each
 * record's bytes, flag and end offset are checked against a model. */
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>
#include "t.h"
#include "ring.h"

#define RSIZE 64
#define RMAX 16
#define RSLOTS 8
#define WARN_LONG "kagent: warning: a line is longer than 16 bytes: cut there, the rest dropped " \
	"(logged once, counted)\n"

/* Runs a test body with stderr captured, then checks what it logged. */
static void captured(void (*body)(void), const char *want)
{
	const char *err;

	t_capture_begin();
	body();
	err = t_capture_end();
	if (!t_failed)
		T_EQ_STR(err, want);
}

static uint32_t rnd_state;

static uint32_t rnd(void)
{
	uint32_t x = rnd_state;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return rnd_state = x;
}

/* A record's ring bytes, reassembled from its spans; returns the span count. */
static int rec_copy(const struct ring *r, const struct rec *rc, char *out, size_t *len)
{
	const char *p1, *p2;
	size_t n1, n2;
	int k = ring_rec_spans(r, rc, &p1, &n1, &p2, &n2);

	memcpy(out, p1, n1);
	if (n2)
		memcpy(out + n1, p2, n2);
	*len = n1 + n2;
	return k;
}

/* Writes all of s through ring_write_buf/ring_write_ack (the ring must have
 * room and slots enough). */
static size_t feed(struct ring *r, const char *s, size_t n, int64_t now)
{
	size_t done = 0;

	while (done < n) {
		size_t room;
		char *p = ring_write_buf(r, &room);
		if (room == 0)
			break;
		if (room > n - done)
			room = n - done;
		memcpy(p, s + done, room);
		ring_write_ack(r, room, now);
		done += room;
	}
	return done;
}
#define FEED(r, s) T_EQ_INT(feed((r), (s), sizeof(s) - 1, 0), sizeof(s) - 1)

/* Expected record: in[at, at + len) and, if trunc, an added '\n'. */
struct want {
	size_t at, len;
	int trunc;
	off_t end;
};

/* What the framer should cut from in (starting at source offset base);
 * with flush, the partial last line too. */
static size_t model(const char *in, size_t n, off_t base, int flush, struct want *w)
{
	size_t nw = 0, s = 0, len;

	for (size_t i = 0; i < n; i++) {
		if (in[i] != '\n')
			continue;
		len = i + 1 - s;
		w[nw].at = s;
		w[nw].trunc = len > RMAX;
		w[nw].len = len > RMAX ? RMAX - 1 : len;
		w[nw].end = base + (off_t)(i + 1);
		nw++;
		s = i + 1;
	}
	if (flush && s < n) {
		/* a partial line of max_rec bytes is already being cut */
		len = n - s;
		w[nw].at = s;
		w[nw].trunc = len >= RMAX;
		w[nw].len = len >= RMAX ? RMAX - 1 : len;
		w[nw].end = base + (off_t)n;
		nw++;
	}
	return nw;
}

struct run {
	struct ring *r;
	const char *in;
	const struct want *w;
	size_t nw;
	size_t got;		/* records checked and released */
	size_t wrapped;		/* of them, in two spans */
	int line;
};

/* Checks records [rtail, upto) against the model, releases them and cuts
 * again, as the flow does. */
static int release(struct run *u, uint64_t upto)
{
	struct ring *r = u->r;
	char data[RSIZE];
	size_t len;

	for (uint64_t i = r->rtail; i < upto; i++, u->got++) {
		const struct rec *rc = ring_rec(r, i);
		const struct want *w = &u->w[u->got];
		if (u->got >= u->nw) {
			t_fail(__FILE__, u->line, "record %zu: not expected (len %u)", u->got, rc->len);
			return -1;
		}
		int k = rec_copy(r, rc, data, &len);
		if (k != 1 + (rc->pos % RSIZE + rc->len > RSIZE)) {
			t_fail(__FILE__, u->line, "record %zu: %d spans", u->got, k);
			return -1;
		}
		u->wrapped += k == 2;
		if (len != w->len || memcmp(data, u->in + w->at, len) != 0 || rc->trunc != w->trunc ||
		    rc->end != w->end || rc->acked || rec_data_len(rc) != w->len + (size_t)w->trunc) {
			t_fail(__FILE__, u->line,
			       "record %zu:\n  got      \"%.*s\" (%zu) trunc %d end %lld\n"
			       "  expected \"%.*s\" (%zu) trunc %d end %lld",
			       u->got, (int)len, data, len, rc->trunc, (long long)rc->end,
			       (int)w->len, u->in + w->at, w->len, w->trunc, (long long)w->end);
			return -1;
		}
	}
	ring_release(r, upto);
	ring_cut(r, 0);
	if (r->head - r->tail > RSIZE || r->rhead - r->rtail > RSLOTS) {
		t_fail(__FILE__, u->line, "ring over its size");
		return -1;
	}
	return 0;
}

/* Feeds in (n bytes) from source offset base in pieces: maxpiece 0 means
 * all that is offered, else 1..maxpiece bytes (random); records are
 * released at random, and whenever the ring offers no room. */
static int run_one(struct ring *r, const char *in, size_t n, off_t base, size_t maxpiece,
		   uint32_t seed, int flush, size_t *wrapped, int line)
{
	static struct want w[4096];
	struct run u = { r, in, w, 0, 0, 0, line };
	uint64_t trunc0 = r->truncated, recs0 = r->records;
	size_t done = 0, ntrunc = 0;
	long steps = 0;

	u.nw = model(in, n, base, flush, w);
	for (size_t i = 0; i < u.nw; i++)
		ntrunc += (size_t)w[i].trunc;
	rnd_state = seed * 2654435761u + 1;
	ring_reset(r, base);
	while (done < n) {
		size_t room, k;
		char *p = ring_write_buf(r, &room);
		if (++steps > 100000) {
			t_fail(__FILE__, line, "no progress");
			return -1;
		}
		if (room == 0) {
			if (r->rhead == r->rtail) {
				t_fail(__FILE__, line, "deadlock: no room, nothing to release (at %zu)", done);
				return -1;
			}
			if (release(&u, r->rtail + 1 + rnd() % (r->rhead - r->rtail)) < 0)
				return -1;
			continue;
		}
		if (p != r->buf + r->head % RSIZE || room > RSIZE - r->head % RSIZE) {
			t_fail(__FILE__, line, "write buffer outside the ring");
			return -1;
		}
		k = maxpiece ? 1 + rnd() % maxpiece : room;
		if (k > room)
			k = room;
		if (k > n - done)
			k = n - done;
		memcpy(p, in + done, k);
		ring_write_ack(r, k, 0);
		done += k;
		switch (rnd() % 4) {
		case 0:
			if (release(&u, r->rhead) < 0)
				return -1;
			break;
		case 1:
			if (release(&u, r->rtail + (r->rhead - r->rtail) / 2) < 0)
				return -1;
			break;
		}
	}
	if (flush) {
		/* the flow has released what it could before: make a slot */
		if (r->rhead - r->rtail == RSLOTS && release(&u, r->rtail + 1) < 0)
			return -1;
		ring_flush_partial(r, 0);
	}
	if (release(&u, r->rhead) < 0)
		return -1;
	if (u.got != u.nw) {
		t_fail(__FILE__, line, "%zu records, expected %zu", u.got, u.nw);
		return -1;
	}
	if (r->truncated - trunc0 != ntrunc || r->records - recs0 != u.nw) {
		t_fail(__FILE__, line, "counters: truncated %llu records %llu, expected %zu %zu",
		       (unsigned long long)(r->truncated - trunc0),
		       (unsigned long long)(r->records - recs0), ntrunc, u.nw);
		return -1;
	}
	if (wrapped)
		*wrapped += u.wrapped;
	return 0;
}

static char *put(char *p, const char *s)
{
	size_t n = strlen(s);

	memcpy(p, s, n);
	return p + n;
}

/* Lines of every kind the framer must tell apart; most cut ones have
 * distinct bytes so keeping the wrong 15 would show. */
static size_t corpus(char *buf)
{
	char *p = buf;

	p = put(p, "a\n");
	p = put(p, "\n");
	p = put(p, "\r\n");
	p = put(p, "crlf line\r\n");
	p = put(p, "0123456789abcd\n");		/* 15: max_rec - 1 */
	p = put(p, "0123456789abcde\n");	/* 16: max_rec, sent whole */
	p = put(p, "0123456789abcdef\n");	/* 17: cut */
	p = put(p, "\n\n\n");
	p = put(p, "ABCDEFGHIJKLMNOPQRSTUVWXYZ\r\n");	/* cut, '\r' dropped */
	for (int i = 0; i < RSIZE * 10; i++)	/* 10 x the ring */
		*p++ = (char)('!' + i % 90);
	*p++ = '\n';
	p = put(p, "after the long one\n");
	p = put(p, "x\r");
	p = put(p, "\ry\n");
	for (int i = 0; i < 12; i++) {		/* short ones: slots run out */
		*p++ = (char)('a' + i);
		*p++ = '\n';
	}
	p = put(p, "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz\n");
	p = put(p, "last\n");
	return (size_t)(p - buf);
}

static struct ring *small_ring(void)
{
	static struct ring r;
	static int done;

	if (!done) {
		ring_init(&r, RSIZE, RSLOTS, RMAX);
		done = 1;
	}
	return &r;
}

/* The model itself, on a case worked out by hand. */
T(ring_model_by_hand)
{
	static const char in[] = "ab\n\n0123456789abcdef\nxyz";
	struct want w[8];

	T_EQ_INT(model(in, sizeof in - 1, 10, 1, w), 4);
	T_EQ_INT(w[0].at, 0); T_EQ_INT(w[0].len, 3); T_EQ_INT(w[0].trunc, 0); T_EQ_INT(w[0].end, 13);
	T_EQ_INT(w[1].at, 3); T_EQ_INT(w[1].len, 1); T_EQ_INT(w[1].trunc, 0); T_EQ_INT(w[1].end, 14);
	T_EQ_INT(w[2].at, 4); T_EQ_INT(w[2].len, 15); T_EQ_INT(w[2].trunc, 1); T_EQ_INT(w[2].end, 31);
	T_EQ_INT(w[3].at, 21); T_EQ_INT(w[3].len, 3); T_EQ_INT(w[3].trunc, 0); T_EQ_INT(w[3].end, 34);
	T_EQ_INT(model(in, sizeof in - 1, 10, 0, w), 3);
}

T(ring_lines_crlf_empty)
{
	static struct ring r;
	char d[RSIZE];
	size_t len;

	ring_init(&r, RSIZE, RSLOTS, RMAX);
	ring_reset(&r, 100);
	FEED(&r, "ab\r\n\nxyz");
	T_EQ_INT(r.rhead - r.rtail, 2);
	rec_copy(&r, ring_rec(&r, 0), d, &len);
	T_EQ_MEM(d, len, "ab\r\n", 4);
	T_EQ_INT(ring_rec(&r, 0)->trunc, 0);
	T_EQ_INT(ring_rec(&r, 0)->end, 104);
	rec_copy(&r, ring_rec(&r, 1), d, &len);
	T_EQ_MEM(d, len, "\n", 1);
	T_EQ_INT(ring_rec(&r, 1)->end, 105);
	/* "xyz" waits for its '\n' */
	FEED(&r, "\r");
	T_EQ_INT(r.rhead - r.rtail, 2);
	FEED(&r, "\n");
	T_EQ_INT(r.rhead - r.rtail, 3);
	rec_copy(&r, ring_rec(&r, 2), d, &len);
	T_EQ_MEM(d, len, "xyz\r\n", 5);
	T_EQ_INT(ring_rec(&r, 2)->end, 110);
	T_EQ_INT(r.records, 3);
	T_EQ_INT(r.truncated, 0);
	/* released: the bytes come back */
	T_EQ_INT(ring_free(&r), RSIZE - 10);
	ring_release(&r, 1);
	T_EQ_INT(r.tail, 4);
	T_EQ_INT(ring_free(&r), RSIZE - 6);
	ring_release(&r, 3);
	T_EQ_INT(ring_free(&r), RSIZE);
}

T(ring_record_time)
{
	static struct ring r;

	ring_init(&r, RSIZE, RSLOTS, RMAX);
	ring_reset(&r, 0);
	T_EQ_INT(feed(&r, "a\nb", 3, 1234), 3);
	T_EQ_INT(feed(&r, "\n", 1, 5678), 1);
	T_EQ_INT(ring_rec(&r, 0)->t, 1234);
	T_EQ_INT(ring_rec(&r, 1)->t, 5678);
}

static void ring_max_rec_boundary_body(void)
{
	static struct ring r;
	char d[RSIZE];
	size_t len;

	ring_init(&r, RSIZE, RSLOTS, RMAX);
	ring_reset(&r, 0);
	FEED(&r, "0123456789abcde\n");	/* 16 with the '\n': whole */
	FEED(&r, "0123456789abcdef\n");	/* 17: cut to 15 plus '\n' */
	FEED(&r, "ABCDEFGHIJKLMNOPQRSTUVWXYZ\nok\n");
	T_EQ_INT(r.rhead - r.rtail, 4);
	rec_copy(&r, ring_rec(&r, 0), d, &len);
	T_EQ_MEM(d, len, "0123456789abcde\n", 16);
	T_EQ_INT(ring_rec(&r, 0)->trunc, 0);
	T_EQ_INT(ring_rec(&r, 0)->end, 16);
	rec_copy(&r, ring_rec(&r, 1), d, &len);
	T_EQ_MEM(d, len, "0123456789abcde", 15);
	T_EQ_INT(ring_rec(&r, 1)->trunc, 1);
	T_EQ_INT(rec_data_len(ring_rec(&r, 1)), 16);
	T_EQ_INT(ring_rec(&r, 1)->end, 33);
	rec_copy(&r, ring_rec(&r, 2), d, &len);
	T_EQ_MEM(d, len, "ABCDEFGHIJKLMNO", 15);
	T_EQ_INT(ring_rec(&r, 2)->trunc, 1);
	T_EQ_INT(ring_rec(&r, 2)->end, 60);
	rec_copy(&r, ring_rec(&r, 3), d, &len);
	T_EQ_MEM(d, len, "ok\n", 3);
	T_EQ_INT(ring_rec(&r, 3)->end, 63);
	T_EQ_INT(r.truncated, 2);
}

T(ring_max_rec_boundary) { captured(ring_max_rec_boundary_body, WARN_LONG); }

/* Moves the (empty) ring's head by n bytes, in released lines. */
static void advance(struct ring *r, size_t n)
{
	static const char fill[] = "fffffff\n";

	while (n > 0) {
		size_t k = n < 8 ? n : 8;
		feed(r, fill + 8 - k, k, 0);
		ring_release(r, r->rhead);
		ring_cut(r, 0);
		n -= k;
	}
}

T(ring_wrap_spans)
{
	static struct ring r;
	const char *p1, *p2;
	size_t n1, n2, room;
	char *p;

	ring_init(&r, RSIZE, RSLOTS, RMAX);
	ring_reset(&r, 0);
	advance(&r, 56);
	T_EQ_INT(r.head, 56);
	FEED(&r, "abcd");
	/* contiguous room ends at the end of the buffer */
	p = ring_write_buf(&r, &room);
	T_TRUE(p == r.buf + 60);
	T_EQ_INT(room, 4);
	FEED(&r, "efghij\n");
	T_EQ_INT(r.rhead - r.rtail, 1);
	T_EQ_INT(ring_rec_spans(&r, ring_rec(&r, r.rtail), &p1, &n1, &p2, &n2), 2);
	T_TRUE(p1 == r.buf + 56);
	T_EQ_INT(n1, 8);
	T_TRUE(p2 == r.buf);
	T_EQ_INT(n2, 3);
	T_EQ_MEM(p1, n1, "abcdefgh", 8);
	T_EQ_MEM(p2, n2, "ij\n", 3);
	T_EQ_INT(ring_rec(&r, r.rtail)->len, 11);
	T_EQ_INT(ring_rec(&r, r.rtail)->end, 67);
	/* the room after the wrap: up to the oldest record's first byte */
	p = ring_write_buf(&r, &room);
	T_TRUE(p == r.buf + 3);
	T_EQ_INT(room, 53);
	/* one that ends exactly at the end of the buffer is one span */
	ring_release(&r, r.rhead);
	ring_cut(&r, 0);
	advance(&r, 55);
	T_EQ_INT(r.head, 122);
	FEED(&r, "01234\n");
	T_EQ_INT(ring_rec_spans(&r, ring_rec(&r, r.rtail), &p1, &n1, &p2, &n2), 1);
	T_TRUE(p1 == r.buf + 58);
	T_EQ_INT(n1, 6);
	T_TRUE(p2 == NULL);
	T_EQ_INT(n2, 0);
	T_EQ_MEM(p1, n1, "01234\n", 6);
	/* the next byte goes to the start of the buffer */
	p = ring_write_buf(&r, &room);
	T_TRUE(p == r.buf);
	T_EQ_INT(room, 58);
}

/* Eight slots hold eight records: the ninth line waits in the ring (room
 * is 0 though bytes are free) until slots are released and ring_cut runs. */
static void ring_slots_full_body(void)
{
	static struct ring r;
	char d[RSIZE];
	size_t len, room;

	ring_init(&r, RSIZE, RSLOTS, RMAX);
	ring_reset(&r, 1000);
	FEED(&r, "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n");
	T_EQ_INT(r.rhead - r.rtail, 8);
	ring_write_buf(&r, &room);
	T_EQ_INT(room, 0);
	T_EQ_INT(ring_free(&r), RSIZE - 20);
	ring_release(&r, r.rtail + 3);
	T_EQ_INT(r.rhead - r.rtail, 5);	/* nothing cut before ring_cut */
	ring_cut(&r, 0);
	T_EQ_INT(r.rhead - r.rtail, 7);
	rec_copy(&r, ring_rec(&r, 8), d, &len);
	T_EQ_MEM(d, len, "i\n", 2);
	T_EQ_INT(ring_rec(&r, 8)->end, 1018);
	rec_copy(&r, ring_rec(&r, 9), d, &len);
	T_EQ_MEM(d, len, "j\n", 2);
	T_EQ_INT(ring_rec(&r, 9)->end, 1020);
	ring_write_buf(&r, &room);
	T_EQ_INT(room, RSIZE - 20);	/* contiguous: to the end of the buffer */
	T_EQ_INT(ring_free(&r), RSIZE - 20 + 6);
	ring_release(&r, r.rhead);
	T_EQ_INT(ring_free(&r), RSIZE);

	/* full slots with an overlong line behind them: cut once they free */
	advance(&r, RSIZE - 20);
	ring_reset(&r, 0);
	FEED(&r, "1\n2\n3\n4\n5\n6\n7\n8\nxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");	/* 30 x */
	T_EQ_INT(r.rhead - r.rtail, 8);
	ring_release(&r, r.rhead);
	ring_cut(&r, 0);
	T_EQ_INT(r.rhead - r.rtail, 0);
	T_EQ_INT(r.head - r.tail, 15);	/* the rest dropped already */
	FEED(&r, "yyy\nz\n");
	T_EQ_INT(r.rhead - r.rtail, 2);
	rec_copy(&r, ring_rec(&r, r.rtail), d, &len);
	T_EQ_MEM(d, len, "xxxxxxxxxxxxxxx", 15);
	T_EQ_INT(ring_rec(&r, r.rtail)->trunc, 1);
	T_EQ_INT(ring_rec(&r, r.rtail)->end, 16 + 30 + 4);
	rec_copy(&r, ring_rec(&r, r.rtail + 1), d, &len);
	T_EQ_MEM(d, len, "z\n", 2);
	T_EQ_INT(ring_rec(&r, r.rtail + 1)->end, 52);
	T_EQ_INT(r.truncated, 1);
}

T(ring_slots_full) { captured(ring_slots_full_body, WARN_LONG); }

/* 10 times the ring in one line, 3 bytes a write: the ring keeps offering
 * room, holds only the first 15 bytes, and the end offset counts it all. */
static void ring_long_line_small_pieces_body(void)
{
	static struct ring r;
	static char line[RSIZE * 10 + 1];
	char d[RSIZE];
	size_t len, done = 0;

	for (size_t i = 0; i < sizeof line - 1; i++)
		line[i] = (char)('A' + i % 26);
	line[sizeof line - 1] = '\n';
	ring_init(&r, RSIZE, RSLOTS, RMAX);
	ring_reset(&r, 7);
	while (done < sizeof line) {
		size_t room, k = sizeof line - done < 3 ? sizeof line - done : 3;
		char *p = ring_write_buf(&r, &room);
		if (room == 0)
			break;
		if (k > room)
			k = room;
		memcpy(p, line + done, k);
		ring_write_ack(&r, k, 0);
		done += k;
		T_TRUE(r.head - r.tail <= RMAX + 1);
	}
	T_EQ_INT(done, sizeof line);
	T_EQ_INT(r.rhead - r.rtail, 1);
	rec_copy(&r, ring_rec(&r, 0), d, &len);
	T_EQ_MEM(d, len, "ABCDEFGHIJKLMNO", 15);
	T_EQ_INT(ring_rec(&r, 0)->trunc, 1);
	T_EQ_INT(ring_rec(&r, 0)->end, 7 + RSIZE * 10 + 1);
}

T(ring_long_line_small_pieces) { captured(ring_long_line_small_pieces_body, WARN_LONG); }

static void ring_flush_partial_body(void)
{
	static struct ring r;
	char d[RSIZE];
	size_t len;

	ring_init(&r, RSIZE, RSLOTS, RMAX);
	ring_reset(&r, 50);
	ring_flush_partial(&r, 0);	/* nothing held: nothing sent */
	T_EQ_INT(r.rhead, 0);
	FEED(&r, "one\ntwo");
	ring_flush_partial(&r, 0);
	T_EQ_INT(r.rhead - r.rtail, 2);
	rec_copy(&r, ring_rec(&r, 1), d, &len);
	T_EQ_MEM(d, len, "two", 3);	/* as is: no '\n' added */
	T_EQ_INT(ring_rec(&r, 1)->trunc, 0);
	T_EQ_INT(ring_rec(&r, 1)->end, 57);
	ring_flush_partial(&r, 0);	/* sent once */
	T_EQ_INT(r.rhead - r.rtail, 2);
	FEED(&r, "\nthree\n");	/* the next line starts after it */
	T_EQ_INT(r.rhead - r.rtail, 4);
	rec_copy(&r, ring_rec(&r, 2), d, &len);
	T_EQ_MEM(d, len, "\n", 1);
	T_EQ_INT(ring_rec(&r, 2)->end, 58);
	rec_copy(&r, ring_rec(&r, 3), d, &len);
	T_EQ_MEM(d, len, "three\n", 6);
	T_EQ_INT(ring_rec(&r, 3)->end, 64);
	/* an overlong partial line: cut, with the '\n' added */
	ring_release(&r, r.rhead);
	FEED(&r, "0123456789abcdefghijklmnopqrstuvwxyz");
	ring_flush_partial(&r, 0);
	T_EQ_INT(r.rhead - r.rtail, 1);
	rec_copy(&r, ring_rec(&r, r.rtail), d, &len);
	T_EQ_MEM(d, len, "0123456789abcde", 15);
	T_EQ_INT(ring_rec(&r, r.rtail)->trunc, 1);
	T_EQ_INT(ring_rec(&r, r.rtail)->end, 100);
	T_EQ_INT(r.truncated, 1);
	T_EQ_INT(r.skipping, 0);
	FEED(&r, "next\n");
	rec_copy(&r, ring_rec(&r, r.rtail + 1), d, &len);
	T_EQ_MEM(d, len, "next\n", 5);
	T_EQ_INT(ring_rec(&r, r.rtail + 1)->end, 105);
}

T(ring_partial_flushed) { captured(ring_flush_partial_body, WARN_LONG); }

/* ring_reset forgets a held line and a cut in progress; positions go on. */
static void ring_reset_forgets_body(void)
{
	static struct ring r;
	char d[RSIZE];
	size_t len;

	ring_init(&r, RSIZE, RSLOTS, RMAX);
	ring_reset(&r, 0);
	FEED(&r, "kept\nheld partial line, long");
	T_EQ_INT(r.skipping, 1);
	ring_reset(&r, 4096);
	T_EQ_INT(r.rhead - r.rtail, 0);
	T_EQ_INT(ring_free(&r), RSIZE);
	FEED(&r, "new\n");
	rec_copy(&r, ring_rec(&r, r.rtail), d, &len);
	T_EQ_MEM(d, len, "new\n", 4);
	T_EQ_INT(ring_rec(&r, r.rtail)->trunc, 0);
	T_EQ_INT(ring_rec(&r, r.rtail)->end, 4100);
}

/* the cut line was never sent: nothing logged, nothing counted */
T(ring_reset_forgets) { captured(ring_reset_forgets_body, ""); }

/* The corpus in every split: whole writes, a byte at a time, random pieces;
 * with each kind of partial last line, flushed or not. */
static void ring_every_split_body(void)
{
	static char in[2048];
	static const char *const tails[] = {
		"", "t", "partial", "0123456789abcd", "0123456789abcde", "0123456789abcdef",
		"0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz",
	};
	static const size_t pieces[] = { 0, 1, 2, 3, 5, 7, 16, 20, 64 };
	struct ring *r = small_ring();
	size_t base = corpus(in), wrapped = 0;

	for (size_t t = 0; t < sizeof tails / sizeof *tails; t++) {
		size_t n = base + strlen(tails[t]);
		memcpy(in + base, tails[t], strlen(tails[t]));
		for (size_t m = 0; m < sizeof pieces / sizeof *pieces; m++)
			for (uint32_t seed = 1; seed <= (pieces[m] > 1 ? 6u : 1u); seed++)
				for (int flush = 0; flush < 2; flush++) {
					off_t off = flush ? (off_t)5000000000LL + seed : (off_t)seed;
					if (run_one(r, in, n, off, pieces[m], seed, flush, &wrapped,
						    __LINE__) < 0) {
						t_fail(__FILE__, __LINE__, "tail %zu pieces %zu seed %u flush %d",
						       t, pieces[m], seed, flush);
						return;
					}
				}
	}
	T_TRUE(wrapped > 500);	/* wrapping records were checked */
}

T(ring_every_split) { captured(ring_every_split_body, WARN_LONG); }

/* Where positions are in the ring is reckoned from the tail's place, not by
 * dividing: with sizes that do not divide 2^32 and positions that cross it
 * (as after 4 GiB read), every record's bytes, slot and place, and the write
 * buffer, are checked against the division, while records are released at
 * random and the ring is reset now and then. */
T(ring_places_across_2_32)
{
	enum { SIZE = 61, SLOTS = 7, MAX = 24 };
	static struct ring r;
	static char sent[1 << 16];
	uint64_t base = (uint64_t)UINT32_MAX - 700, crossed = 0;
	size_t nsent = 0, line = 0;

	rnd_state = 12345;
	ring_init(&r, SIZE, SLOTS, MAX);
	r.head = r.rhead = base;	/* as if that much had been read before */
	ring_reset(&r, 0);
	for (int step = 0; step < 4000 && nsent + MAX < sizeof sent; step++) {
		size_t room, k = 1 + rnd() % 9;
		char *p = ring_write_buf(&r, &room);

		T_TRUE(p == r.buf + r.head % SIZE);
		if (k > room)
			k = room;
		for (size_t i = 0; i < k; i++, nsent++) {
			/* lines of 1 to 20 bytes */
			line = rnd() % 5 == 0 || line == 19 ? 0 : line + 1;
			sent[nsent] = line ? (char)('a' + nsent % 26) : '\n';
			p[i] = sent[nsent];
		}
		ring_write_ack(&r, k, 0);
		for (uint64_t i = r.rtail; i < r.rhead; i++) {
			const struct rec *rc = ring_rec(&r, i);
			char d[MAX];
			size_t len;

			T_EQ_INT(ring_slot(&r, i), i % SLOTS);
			T_EQ_INT(ring_at(&r, rc->pos), rc->pos % SIZE);
			rec_copy(&r, rc, d, &len);
			T_EQ_MEM(d, len, sent + (rc->pos - base), rc->len);
			if (t_failed)
				return;
		}
		if (r.rhead > r.rtail && rnd() % 3 == 0)
			ring_release(&r, r.rtail + 1 + rnd() % (r.rhead - r.rtail));
		if (rnd() % 500 == 0)
			ring_reset(&r, 0);	/* positions go on from head */
		crossed |= r.tail >> 32;
	}
	T_TRUE(crossed);
	T_EQ_INT(ring_wrap(5, 1000, 1000 % SIZE, SIZE), 5);	/* behind the place: divided */
	T_EQ_INT(ring_wrap(UINT64_MAX, 0, 0, SIZE), UINT64_MAX % SIZE);
}
