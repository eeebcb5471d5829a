/* The framer with multiLineStartPattern, skipHeaderLines and a truncation
 * terminator, on a small ring so records wrap, fed a byte at a time. */
#include "t.h"
#include "ring.h"
#include "rx.h"

#define MSIZE 64
#define MMAX 24

static struct ring r;
static char got[16][64];
static size_t ngot;

/* Feeds s a byte at a time, releasing every record as soon as it is cut. */
static void feed(const char *s)
{
	for (; *s; s++) {
		size_t room;
		char *p = ring_write_buf(&r, &room);
		if (!room)
			return;
		*p = *s;
		ring_write_ack(&r, 1, 0);
		while (r.rtail < r.rhead) {
			struct rec_view v;
			size_t n = 0;
			ring_view(NULL, &r, r.rtail, &v);
			for (int k = 0; k < 3; k++) {
				if (v.n[k])	/* an empty piece may have no pointer */
					memcpy(got[ngot] + n, v.p[k], v.n[k]);
				n += v.n[k];
			}
			got[ngot][n] = 0;
			if (ring_rec(&r, r.rtail)->acked)
				got[ngot][0] = '-';	/* a skipped header line */
			ngot++;
			ring_release(&r, r.rtail + 1);
		}
	}
}

static void setup(const char *pattern, const char *term, unsigned skip)
{
	char err[64];
	static struct rx *rx[8];
	static int n;

	ring_init(&r, MSIZE, 8, MMAX);
	rx[n] = pattern ? rx_compile(pattern, strlen(pattern), err, sizeof err) : NULL;
	ring_frame(&r, rx[n++], term, strlen(term));
	r.skip_header = skip;
	ring_reset(&r, 0);
	ngot = 0;
}

T(multiline_records)
{
	setup("\\[", "\n", 0);
	feed("x\n[a\nb\n[c\n  d\n[e\n");
	T_EQ_INT(ngot, 3);
	T_EQ_STR(got[0], "x\n");		/* lines before the first start: a record of their own */
	T_EQ_STR(got[1], "[a\nb\n");
	T_EQ_STR(got[2], "[c\n  d\n");
	feed("f\n");
	T_EQ_INT(ngot, 3);			/* "[e\nf\n" waits for the next start */
	ring_flush_pending(&r, 0);		/* the file has been quiet: it goes as it is */
	T_EQ_INT(r.rhead - r.rtail, 1);
	T_EQ_INT(ring_rec(&r, r.rtail)->len, 5);	/* "[e\nf\n" */
	T_EQ_INT(ring_rec(&r, r.rtail)->end, 19);
}

T(multiline_record_full_is_split_at_a_line)
{
	setup("\\[", "\n", 0);
	/* 10 + 10 + 10 bytes of continuation: more than MMAX (24) together */
	feed("[23456789\n123456789\n123456789\n[x\n");
	T_EQ_INT(ngot, 2);
	T_EQ_STR(got[0], "[23456789\n123456789\n");
	T_EQ_STR(got[1], "123456789\n");
}

T(multiline_overlong_line_ends_the_pending_record)
{
	setup("\\[", "<cut>\n", 0);
	feed("[a\n0123456789012345678901234567890123456789\n[b\n");
	T_EQ_INT(ngot, 2);
	T_EQ_STR(got[0], "[a\n");
	T_EQ_STR(got[1], "012345678901234567<cut>\n");	/* MMAX - 6 bytes and the terminator */
	T_EQ_INT(r.truncated, 1);
	T_EQ_INT(ring_rec(&r, 1)->end, 44);
}

T(header_lines_skipped_only_from_offset_zero)
{
	setup(NULL, "\n", 2);
	feed("h1\nh2\nrow\n");
	T_EQ_INT(ngot, 3);
	T_EQ_STR(got[0], "-1\n");
	T_EQ_STR(got[1], "-2\n");
	T_EQ_STR(got[2], "row\n");
	ring_reset(&r, 100);			/* resuming at a checkpoint: no header */
	ngot = 0;
	feed("a\n");
	T_EQ_STR(got[0], "a\n");
	ring_reset(&r, 0);			/* the file starts again (copytruncate) */
	ngot = 0;
	feed("h\nh\nb\n");
	T_EQ_INT(ngot, 3);
	T_EQ_STR(got[2], "b\n");
}
