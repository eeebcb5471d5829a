/* The chain keeps each record's output from when it is sized until it is
 * released, so the processors run once a record; while a round's outputs
 * are kept the next record waits; an output that does not fit otherwise is
 * made again when it is streamed, the same bytes. */
#include <stdint.h>
#include <string.h>
#include "t.h"
#include "chain.h"
#include "proc.h"

static unsigned ch_runs;

/* "<" + record + ">", counted. */
static long ch_run(void *st, const char *in, size_t n, char *out, size_t cap, const struct proc_meta *m)
{
	(void)st, (void)m;
	ch_runs++;
	if (n + 2 > cap)
		return PROC_TOOLONG;
	out[0] = '<';
	memcpy(out + 1, in, n);
	out[n + 1] = '>';
	return (long)n + 2;
}

static const struct processor ch_proc = { "COUNTED", "counted", NULL, ch_run };

/* Feeds a record of n bytes ('a' + k, then '\n') into r. */
static void ch_feed(struct ring *r, int k, size_t n)
{
	static char line[70000];
	size_t room;
	char *p;

	memset(line, 'a' + k % 26, n - 1);
	line[n - 1] = '\n';
	for (size_t off = 0; off < n; off += room) {
		p = ring_write_buf(r, &room);
		if (room > n - off)
			room = n - off;
		memcpy(p, line + off, room);
		ring_write_ack(r, room, 0);
	}
}

/* Record i's view is "<" + its bytes + ">". */
static int ch_view_ok(struct chain *c, struct ring *r, uint64_t i)
{
	const struct rec *rc = ring_rec(r, i);
	const char *p1, *p2;
	size_t n1, n2;
	struct rec_view v;

	chain_view(c, r, i, &v);
	ring_rec_spans(r, rc, &p1, &n1, &p2, &n2);
	return v.n[0] == n1 + n2 + 2 && v.n[1] == 0 && v.n[2] == 0 && v.p[0][0] == '<' &&
	       !memcmp(v.p[0] + 1, p1, n1) && (!n2 || !memcmp(v.p[0] + 1 + n1, p2, n2)) && v.p[0][n1 + n2 + 1] == '>' &&
	       rc->outlen == n1 + n2 + 2;
}

T(chain_runs_once_a_record_and_waits_for_room)
{
	static struct conf_flow cf;
	static struct ring r;
	static struct chain c;
	uint64_t i = 0;

	cf.stream = "s";
	cf.nproc = 1;
	cf.proc[0].p = &ch_proc;
	ring_init(&r, 1 << 20, 512, 70000);
	/* a round of 4096 bytes: 69,632 kept at most (a round and 64 KiB) */
	chain_init(&c, &cf, 70000, 512, 4096);
	for (int k = 0; k < 100; k++)
		ch_feed(&r, k, 1000);
	ch_runs = 0;
	/* 69 outputs of 1,002 bytes are kept; the 70th waits (run once, kept
	 * aside), and again while nothing is released */
	for (; i < 69; i++)
		T_EQ_INT(chain_size(&c, &r, i, 0), 1);
	T_EQ_INT(chain_size(&c, &r, 69, 0), 0);
	T_EQ_INT(chain_size(&c, &r, 69, 0), 0);
	T_EQ_INT(ch_runs, 70);
	for (uint64_t j = 0; j < 69; j++)
		T_TRUE(ch_view_ok(&c, &r, j));
	T_EQ_INT(ch_runs, 70);
	/* ten released: room for ten more, at the front (the FIFO wraps) */
	ring_release(&r, 10);
	for (i = 69; i < 79; i++)
		T_EQ_INT(chain_size(&c, &r, i, 0), 1);
	T_EQ_INT(chain_size(&c, &r, 79, 0), 0);
	T_EQ_INT(ch_runs, 80);
	for (uint64_t j = 10; j < 79; j++)
		T_TRUE(ch_view_ok(&c, &r, j));
	T_EQ_INT(ch_runs, 80);
	/* all released: the rest run once each */
	ring_release(&r, 79);
	for (i = 79; i < 100; i++)
		T_EQ_INT(chain_size(&c, &r, i, 0), 1);
	for (uint64_t j = 79; j < 100; j++)
		T_TRUE(ch_view_ok(&c, &r, j));
	T_EQ_INT(ch_runs, 100);
}

T(chain_output_not_kept_is_made_again)
{
	static struct conf_flow cf;
	static struct ring r;
	static struct chain c;

	cf.stream = "s";
	cf.nproc = 1;
	cf.proc[0].p = &ch_proc;
	ring_init(&r, 1 << 20, 512, 70000);
	chain_init(&c, &cf, 70000, 512, 4096);
	ch_feed(&r, 0, 3000);
	ch_feed(&r, 1, 67000);	/* 67,002 bytes after 3,002 kept: more than 69,632 */
	ch_feed(&r, 2, 10);
	ch_runs = 0;
	/* less than a round kept: the long one does not wait, it is not kept */
	for (uint64_t i = 0; i < 3; i++)
		T_EQ_INT(chain_size(&c, &r, i, 0), 1);
	T_EQ_INT(ch_runs, 3);
	for (uint64_t i = 0; i < 3; i++)
		T_TRUE(ch_view_ok(&c, &r, i));
	T_EQ_INT(ch_runs, 4);

	/* kagent -n keeps nothing (round 0): a view of any record but the
	 * last run runs the chain again */
	static struct chain none;
	static struct ring r2;
	ring_init(&r2, 4096, 8, 100);
	chain_init(&none, &cf, 100, 8, 0);
	ch_feed(&r2, 3, 20);
	ch_feed(&r2, 4, 30);
	ch_runs = 0;
	T_EQ_INT(chain_size(&none, &r2, 0, 0), 1);
	T_EQ_INT(chain_size(&none, &r2, 1, 0), 1);
	T_TRUE(ch_view_ok(&none, &r2, 0));
	T_TRUE(ch_view_ok(&none, &r2, 1));
	T_EQ_INT(ch_runs, 4);
}
