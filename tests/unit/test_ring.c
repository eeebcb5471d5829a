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

/* stderr into a temporary file while a test runs, so the framer's warning
 * can be checked (and does not clutter the output). */
static int cap_fd = -1, cap_saved = -1;

static void cap_begin(void)
{
	char path[] = "/tmp/kagent-ring-XXXXXX";

	cap_fd = mkstemp(path);
	unlink(path);
	cap_saved = dup(2);
	dup2(cap_fd, 2);
}

static size_t cap_end(char *buf, size_t cap)
{
	ssize_t n;

	dup2(cap_saved, 2);
	close(cap_saved);
	lseek(cap_fd, 0, SEEK_SET);
	n = read(cap_fd, buf, cap - 1);
	close(cap_fd);
	n = n < 0 ? 0 : n;
	buf[n] = 0;
	return (size_t)n;
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

static char *rep(char *p, int c, size_t n)
{
	memset(p, c, n);
	return p + n;
}

static char *put(char *p, const char *s)
{
	size_t n = strlen(s);

	memcpy(p, s, n);
	return p + n;
}

/* Lines of every kind the framer must tell apart; the cut ones have their
 * bytes numbered so a wrong 15 would show. */
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

T(ring_max_rec_boundary)
{
	static struct ring r;
	char d[RSIZE], err[512];
	size_t len;

	cap_begin();
	ring_init(&r, RSIZE, RSLOTS, RMAX);
	ring_reset(&r, 0);
	FEED(&r, "0123456789abcde\n");	/* 16 with the '\n': whole */
	FEED(&r, "0123456789abcdef\n");	/* 17: cut to 15 plus '\n' */
	FEED(&r, "ABCDEFGHIJKLMNOPQRSTUVWXYZ\nok\n");
	cap_end(err, sizeof err);
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
	T_EQ_STR(err, WARN_LONG);	/* once, though two were cut */
}

T(ring_wrap_spans)
{
	static struct ring r;
	const char *p1, *p2;
	size_t n1, n2, room;
	char *p;

	ring_init(&r, RSIZE, RSLOTS, RMAX);
	ring_reset(&r, 0);
	for (int i = 0; i < 6; i++) {	/* to position 60 */
		FEED(&r, "filler\n\n");
		ring_release(&r, r.rhead);
		ring_cut(&r, 0);
	}
	FEED(&r, "abcdefghijkl");
	ring_release(&r, r.rhead);
	ring_cut(&r, 0);
	T_EQ_INT(r.head, 60);
	/* contiguous room ends at the end of the buffer */
	p = ring_write_buf(&r, &room);
	T_TRUE(p == r.buf + 60);
	T_EQ_INT(room, 4);
	FEED(&r, "mnopqrst\n");
	T_EQ_INT(r.rhead - r.rtail, 1);
	T_EQ_INT(ring_rec_spans(&r, ring_rec(&r, r.rtail), &p1, &n1, &p2, &n2), 2);
	T_TRUE(p1 == r.buf + 60);
	T_EQ_INT(n1, 4);
	T_TRUE(p2 == r.buf);
	T_EQ_INT(n2, 17);
	T_EQ_MEM(p1, n1, "abcd", 4);
	T_EQ_MEM(p2, n2, "efghijklmnopqrst\n", 17);
	/* wait: that is 21 bytes, longer than max_rec: it must have been cut */
}

T(ring_wrap_spans_exact)
{
	static struct ring r;
	const char *p1, *p2;
	size_t n1, n2, room;
	char *p;

	ring_init(&r, RSIZE, RSLOTS, RMAX);
	ring_reset(&r, 0);
	for (int i = 0; i < 7; i++) {	/* to position 56 */
		FEED(&r, "filler\n\n");
		ring_release(&r, r.rhead);
		ring_cut(&r, 0);
	}
	FEED(&r, "abcd");
	T_EQ_INT(r.head, 60);
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
	T_EQ_INT(ring_rec(&r, r.rtail)->end, 67);
	/* one that ends exactly at the end of the buffer is one span */
	ring_release(&r, r.rhead);
	ring_cut(&r, 0);
	FEED(&r, "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMN");	/* to 117 */
	T_EQ_INT(r.head, 82);	/* cut: 15 kept */
	ring_reset(&r, 0);
	for (int i = 0; i < 5; i++) {
		FEED(&r, "filler\n\n");
		ring_release(&r, r.rhead);
		ring_cut(&r, 0);
	}
	T_EQ_INT(r.head % RSIZE, 58 - 64 + 64 == 58 ? 58 : 0);
	FEED(&r, "01234\n");
	T_EQ_INT(ring_rec_spans(&r, ring_rec(&r, r.rtail), &p1, &n1, &p2, &n2), 1);
	T_TRUE(p1 == r.buf + 58);
	T_EQ_INT(n1, 6);
	T_TRUE(p2 == NULL);
	T_EQ_INT(n2, 0);
}
