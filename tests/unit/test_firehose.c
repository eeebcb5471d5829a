/* PutRecordBatch: the streamed body against one built here with b64_encode,
 * at every place the ring can wrap and every output size; the answers'
 * meaning, malformed ones marking nothing. */
#include <fcntl.h>
#include <stdint.h>
#include <unistd.h>
#include "t.h"
#include "b64.h"
#include "api.h"
#include "firehose.h"

#define RSIZE 64
#define RMAX 16
#define RSLOTS 8
#include "rings_t.h"

static size_t next_piece(void *e, char *out, size_t cap) { return api_enc_next(e, out, cap); }

/* The body encoder for a Firehose stream s with aggregation agg. */
static void fh_enc_init(struct api_enc *e, const struct ring *r, uint64_t first, uint64_t end, const char *s,
			size_t agg, rec_view_fn view, void *ctx)
{
	static struct api_args a;

	a.stream = s;
	a.agg = agg;
	api_enc_init(e, &api_firehose, &a, r, first, end, view, ctx);
}
#define stream_is(e, cap, want, wlen, line) stream_body(next_piece, (e), (cap), (want), (wlen), __FILE__, (line))

/* A body worked out by hand, not with b64_encode. */
T(firehose_body_by_hand)
{
	static const char *const lines[] = { "a\n", "bb\r\n" };
	static const char want[] = "{\"DeliveryStreamName\":\"s1\",\"Records\":"
				   "[{\"Data\":\"YQo=\"},{\"Data\":\"YmINCg==\"}]}";
	struct ring *r = load(0, lines, 2);
	struct api_enc e;

	T_EQ_INT(r->rhead - r->rtail, 2);
	fh_enc_init(&e, r, r->rtail, r->rhead, "s1", 0, NULL, NULL);
	T_TRUE(stream_is(&e, 4096, want, sizeof want - 1, __LINE__));
	/* the same two records wrapping at every byte */
	for (size_t k = 0; k < RSIZE; k++) {
		r = load(k, lines, 2);
		fh_enc_init(&e, r, r->rtail, r->rhead, "s1", 0, NULL, NULL);
		T_TRUE(stream_is(&e, 8, want, sizeof want - 1, __LINE__));
	}
}

/* --- aggregatedRecordSizeBytes --- */

/* The body for records [from, to) of the six not in acked, joined as
 * firehose.h says: consecutive ones not acked while they fit in agg. */
static size_t expect_agg(char *out, const char *stream, unsigned acked, int from, int to, size_t agg)
{
	char *p = out, data[64];
	int n = 0;

	p += sprintf(p, "{\"DeliveryStreamName\":\"%s\",\"Records\":[", stream);
	for (int i = from; i < to;) {
		if (acked >> i & 1) {
			i++;
			continue;
		}
		size_t len = recs[i].data_len;
		memcpy(data, recs[i].data, len);
		for (i++; i < to; i++) {
			if (acked >> i & 1)
				continue;
			if (!agg || len + recs[i].data_len > agg)
				break;
			memcpy(data + len, recs[i].data, recs[i].data_len);
			len += recs[i].data_len;
		}
		if (n++)
			*p++ = ',';
		p += sprintf(p, "{\"Data\":\"");
		p += b64_encode(data, len, p);
		p += sprintf(p, "\"}");
	}
	p += sprintf(p, "]}");
	return (size_t)(p - out);
}

/* Seven records of 4, 6, 3, 8, 2, 12 and 1 bytes from the buffer's start. */
static struct ring *load7(void)
{
	static const char *const lines[] = { "123\n", "45678\n", "ab\n", "cdefghi\n", "j\n", "klmnopqrstu\n", "\n" };
	struct ring *r = load(0, lines, 7);

	for (int i = 0; i < 7; i++)
		ring_rec(r, r->rtail + (uint64_t)i)->acked = 0;
	return r;
}

#define BODY(recs) "{\"DeliveryStreamName\":\"s1\",\"Records\":[" recs "]}"

/* Groups at agg 10, worked out by hand: 4+6 is exactly 10 (one record);
 * 3+8 is one over (two); 8+2 is 10; 12 is longer than the limit (alone);
 * the 1 after it starts a new one. */
T(firehose_agg_groups_by_hand)
{
	static const struct {
		unsigned acked;
		size_t agg;
		const char *want;
	} cases[] = {
		{ 0, 10, BODY("{\"Data\":\"MTIzCjQ1Njc4Cg==\"},{\"Data\":\"YWIK\"},{\"Data\":\"Y2RlZmdoaQpqCg==\"},"
			      "{\"Data\":\"a2xtbm9wcXJzdHUK\"},{\"Data\":\"Cg==\"}") },
		/* the 6 acked: 4+3 (the acked one between them is passed over), then 8 is over */
		{ 0x02, 10, BODY("{\"Data\":\"MTIzCmFiCg==\"},{\"Data\":\"Y2RlZmdoaQpqCg==\"},"
				 "{\"Data\":\"a2xtbm9wcXJzdHUK\"},{\"Data\":\"Cg==\"}") },
		/* 6, 3 and 2 acked: 4+8 is over, so is 8+12 */
		{ 0x16, 10, BODY("{\"Data\":\"MTIzCg==\"},{\"Data\":\"Y2RlZmdoaQo=\"},"
				 "{\"Data\":\"a2xtbm9wcXJzdHUK\"},{\"Data\":\"Cg==\"}") },
		/* the first acked: the first group starts at the second */
		{ 0x01, 9, BODY("{\"Data\":\"NDU2NzgKYWIK\"},{\"Data\":\"Y2RlZmdoaQo=\"},{\"Data\":\"ago=\"},"
				"{\"Data\":\"a2xtbm9wcXJzdHUK\"},{\"Data\":\"Cg==\"}") },
		/* all of them: 36 bytes */
		{ 0, 36, BODY("{\"Data\":\"MTIzCjQ1Njc4CmFiCmNkZWZnaGkKagprbG1ub3BxcnN0dQoK\"}") },
		{ 0, 35, BODY("{\"Data\":\"MTIzCjQ1Njc4CmFiCmNkZWZnaGkKagprbG1ub3BxcnN0dQo=\"},{\"Data\":\"Cg==\"}") },
		/* 1: every record alone, as with 0 */
		{ 0x7e, 1, BODY("{\"Data\":\"MTIzCg==\"}") },
		{ 0x7f, 10, BODY("") },
	};
	struct api_enc e;

	for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
		struct ring *r = load7();
		size_t wlen = strlen(cases[c].want);
		T_EQ_INT(r->rhead - r->rtail, 7);
		for (int i = 0; i < 7; i++)
			ring_rec(r, r->rtail + (uint64_t)i)->acked = cases[c].acked >> i & 1;
		fh_enc_init(&e, r, r->rtail, r->rhead, "s1", cases[c].agg, NULL, NULL);
		if (!stream_is(&e, 4096, cases[c].want, wlen, __LINE__)) {
			t_fail(__FILE__, __LINE__, "case %zu", c);
			return;
		}
		fh_enc_init(&e, r, r->rtail, r->rhead, "s1", cases[c].agg, NULL, NULL);
		if (!stream_is(&e, 8, cases[c].want, wlen, __LINE__)) {
			t_fail(__FILE__, __LINE__, "case %zu", c);
			return;
		}
	}
}

/* The six records (two with a length not a multiple of 3 before a third
 * that wraps, a cut one) joined at limits that put the groups' ends at
 * different places, from every buffer offset, with sets of them acked, in
 * pieces of every size: base64 runs on across records. */
T(firehose_agg_every_wrap_and_cap)
{
	static const size_t aggs[] = { 1, 6, 7, 17, 20, 23, 44, 45, 1024000 };
	static const unsigned masks[] = { 0, 0x01, 0x02, 0x04, 0x15, 0x2a, 0x21 };
	static const size_t few[] = { 8, 9, 10, 11, 4096 };
	char want[1024];

	/* at 45 the six are one record */
	size_t wlen = expect_agg(want, "s1", 0, 0, NREC, 45);
	static const char one[] = BODY("{\"Data\":\"YQpiYg0KQUJDREVGR0hJSktMTU5PCgpoZWxsbywgd29ybGQhIQoA/4AiXAkK\"}");
	T_EQ_MEM(want, wlen, one, sizeof one - 1);
	for (size_t k = 0; k < RSIZE; k++) {
		struct ring *r = load6(k);
		T_EQ_INT(r->rhead - r->rtail, NREC);
		for (size_t a = 0; a < sizeof aggs / sizeof *aggs; a++) {
			for (unsigned mask = 0; mask < 64; mask++) {
				struct api_enc e;
				wlen = expect_agg(want, "s1", mask, 0, NREC, aggs[a]);
				set_acked_n(r, mask, NREC);
				for (size_t c = 0; c < sizeof few / sizeof *few; c++) {
					fh_enc_init(&e, r, r->rtail, r->rhead, "s1", aggs[a], NULL, NULL);
					if (!stream_is(&e, few[c], want, wlen, __LINE__)) {
						t_fail(__FILE__, __LINE__, "offset %zu agg %zu mask %#x", k, aggs[a], mask);
						return;
					}
				}
			}
			for (size_t m = 0; m < sizeof masks / sizeof *masks; m++) {
				struct api_enc e;
				wlen = expect_agg(want, "s1", masks[m], 0, NREC, aggs[a]);
				set_acked_n(r, masks[m], NREC);
				for (size_t cap = 8; cap <= 64; cap++) {
					fh_enc_init(&e, r, r->rtail, r->rhead, "s1", aggs[a], NULL, NULL);
					if (!stream_is(&e, cap, want, wlen, __LINE__)) {
						t_fail(__FILE__, __LINE__, "offset %zu agg %zu mask %#x", k, aggs[a],
						       masks[m]);
						return;
					}
				}
			}
		}
		set_acked_n(r, 0, NREC);
	}
	/* a batch that starts after rtail and ends before rhead */
	struct ring *r = load6(50);
	struct api_enc e;
	wlen = expect_agg(want, "s1", 0, 1, 5, 20);
	fh_enc_init(&e, r, r->rtail + 1, r->rtail + 5, "s1", 20, NULL, NULL);
	T_TRUE(stream_is(&e, 8, want, wlen, __LINE__));
}

/* A view whose bytes live in scratch memory that is scribbled over after
 * each api_enc_next() call (another flow's processors ran), counting
 * how often it is asked. */
static char view_scratch[64];
static unsigned view_calls;

static void scratch_view(void *ctx, const struct ring *r, uint64_t i, struct rec_view *v)
{
	struct rec_view rv;
	size_t n = 0;

	(void)ctx;
	view_calls++;
	ring_view(NULL, r, i, &rv);
	for (int s = 0; s < 3; s++) {
		if (rv.n[s])	/* an empty piece may have no pointer: memcpy from NULL is undefined */
			memcpy(view_scratch + n, rv.p[s], rv.n[s]);
		n += rv.n[s];
	}
	v->p[0] = view_scratch;
	v->n[0] = n;
	v->p[1] = v->p[2] = NULL;
	v->n[1] = v->n[2] = 0;
}

T(firehose_agg_view_asked_each_call)
{
	char want[1024], buf[64], got[1024];

	for (size_t cap = 8; cap <= 64; cap++) {
		struct ring *r = load6(cap % RSIZE);
		struct api_enc e;
		size_t wlen = expect_agg(want, "s1", 0, 0, NREC, 1024000), n, len = 0;
		unsigned calls = 0;

		view_calls = 0;
		fh_enc_init(&e, r, r->rtail, r->rhead, "s1", 1024000, scratch_view, NULL);
		while ((n = api_enc_next(&e, buf, cap)) > 0) {
			T_TRUE(n <= cap && len + n <= sizeof got);
			memcpy(got + len, buf, n);
			len += n;
			calls++;
			memset(view_scratch, '#', sizeof view_scratch);
		}
		T_EQ_MEM(got, len, want, wlen);
		/* once per record per call that reaches it, not per group of 3 bytes */
		T_TRUE(view_calls <= NREC + calls);
		T_TRUE(view_calls >= NREC);
	}
}

/* --- answers --- */

/* Five records r0..r4 at rtail. */
static struct ring *load5(void)
{
	static const char *const lines[] = { "r0\n", "r1\n", "r2\n", "r3\n", "r4\n" };

	return load(20, lines, 5);
}

static const char all_ok[] =
	"{\"Encrypted\":false,\"FailedPutCount\":0,\"RequestResponses\":["
	"{\"RecordId\":\"49543463076548007577105092703039560359975228518395012686\"},"
	"{\"RecordId\":\"id1\"},{\"RecordId\":\"id2\"},{\"RecordId\":\"id3\"},{\"RecordId\":\"id4\"}]}";
static const char two_failed[] =
	"{\"FailedPutCount\":2,\"Encrypted\":false,\"RequestResponses\":["
	"{\"RecordId\":\"id0\"},"
	"{\"ErrorCode\":\"ServiceUnavailableException\",\"ErrorMessage\":\"Slow down.\"},"
	"{\"RecordId\":\"id2\"},"
	"{\"ErrorCode\":\"InternalFailure\",\"ErrorMessage\":\"Internal service failure.\"},"
	"{\"RecordId\":\"id4\"}]}";

static long apply_agg(struct ring *r, const char *body, size_t len, size_t ntoks, uint64_t first,
		      uint64_t end, size_t agg, char *code, size_t codecap)
{
	static jsmntok_t toks[128];

	struct api_args a = { "s1", agg, NULL, NULL, NULL };

	strcpy(code, "junk");
	return firehose_apply(body, len, toks, ntoks, r, first, end, &a, code, codecap);
}

static long apply(struct ring *r, const char *body, size_t len, size_t ntoks, uint64_t first,
		  uint64_t end, char *code, size_t codecap)
{
	return apply_agg(r, body, len, ntoks, first, end, 0, code, codecap);
}

T(firehose_apply_partial)
{
	struct ring *r = load5();
	char code[64];

	T_EQ_INT(apply(r, two_failed, sizeof two_failed - 1, 128, r->rtail, r->rhead, code, sizeof code),
		 2);
	T_EQ_STR(code, "ServiceUnavailableException");
	T_EQ_INT(acked_n(r, 5), 0x15);
	/* the retry carries r1 and r3 only: the answer maps onto them */
	static const char retry[] =
		"{\"FailedPutCount\":1,\"RequestResponses\":["
		"{\"ErrorCode\":\"ProvisionedThroughputExceededException\",\"ErrorMessage\":\"x\"},"
		"{\"RecordId\":\"id3\"}]}";
	T_EQ_INT(apply(r, retry, sizeof retry - 1, 128, r->rtail, r->rhead, code, sizeof code), 1);
	T_EQ_STR(code, "ProvisionedThroughputExceededException");
	T_EQ_INT(acked_n(r, 5), 0x1d);
	/* a code longer than the buffer is cut, not lost */
	set_acked_n(r, 0x15, NREC);
	T_EQ_INT(apply(r, retry, sizeof retry - 1, 128, r->rtail, r->rhead, code, 12), 1);
	T_EQ_STR(code, "Provisioned");
	T_EQ_INT(acked_n(r, 5), 0x1d);
}

static int refused(const char *body, size_t len, size_t ntoks, unsigned before, int line)
{
	struct ring *r = load5();
	char code[64];
	long n;

	for (int i = 0; i < 5; i++)
		ring_rec(r, r->rtail + (uint64_t)i)->acked = before >> i & 1;
	n = apply(r, body, len, ntoks, r->rtail, r->rhead, code, sizeof code);
	if (n != -1 || acked_n(r, 5) != before || code[0]) {
		t_fail(__FILE__, line, "\"%.*s\": %ld, acked %#x, code \"%s\"", (int)len, body, n,
		       acked_n(r, 5), code);
		return 0;
	}
	return 1;
}
#define REFUSED(body) T_TRUE(refused(body, sizeof(body) - 1, 128, 0, __LINE__))

T(firehose_apply_malformed)
{
	REFUSED("");
	REFUSED("<html><body>502 Bad Gateway</body></html>");
	REFUSED("[]");
	REFUSED("\"RequestResponses\"");
	REFUSED("{}");
	REFUSED("{\"FailedPutCount\":0}");
	REFUSED("{\"FailedPutCount\":0,\"RequestResponses\":{\"RecordId\":\"a\"}}");
	REFUSED("{\"FailedPutCount\":0,\"RequestResponses\":\"none\"}");
	/* four or six entries for five records */
	REFUSED("{\"FailedPutCount\":0,\"RequestResponses\":[{\"RecordId\":\"a\"},{\"RecordId\":\"b\"},"
		"{\"RecordId\":\"c\"},{\"RecordId\":\"d\"}]}");
	REFUSED("{\"FailedPutCount\":0,\"RequestResponses\":[{\"RecordId\":\"a\"},{\"RecordId\":\"b\"},"
		"{\"RecordId\":\"c\"},{\"RecordId\":\"d\"},{\"RecordId\":\"e\"},{\"RecordId\":\"f\"}]}");
	REFUSED("{\"FailedPutCount\":0,\"RequestResponses\":[]}");
	/* an entry that is neither, or not an object; the good ones before it stay unmarked */
	REFUSED("{\"FailedPutCount\":0,\"RequestResponses\":[{\"RecordId\":\"a\"},{\"RecordId\":\"b\"},"
		"{\"RecordId\":\"c\"},{\"RecordId\":\"d\"},{\"ErrorMessage\":\"e\"}]}");
	REFUSED("{\"FailedPutCount\":0,\"RequestResponses\":[{\"RecordId\":\"a\"},{\"RecordId\":\"b\"},"
		"{\"RecordId\":\"c\"},{},{\"RecordId\":\"e\"}]}");
	REFUSED("{\"FailedPutCount\":0,\"RequestResponses\":[{\"RecordId\":\"a\"},{\"RecordId\":\"b\"},"
		"{\"RecordId\":\"c\"},\"d\",{\"RecordId\":\"e\"}]}");
	REFUSED("{\"FailedPutCount\":0,\"RequestResponses\":[{\"RecordId\":\"a\"},{\"RecordId\":\"b\"},"
		"{\"RecordId\":\"c\"},[{\"RecordId\":\"d\"}],{\"RecordId\":\"e\"}]}");
	/* an ErrorCode or RecordId that is not a string says nothing */
	REFUSED("{\"FailedPutCount\":0,\"RequestResponses\":[{\"RecordId\":\"a\"},{\"RecordId\":\"b\"},"
		"{\"RecordId\":\"c\"},{\"RecordId\":\"d\"},{\"ErrorCode\":null}]}");
	REFUSED("{\"FailedPutCount\":0,\"RequestResponses\":[{\"RecordId\":\"a\"},{\"RecordId\":\"b\"},"
		"{\"RecordId\":\"c\"},{\"RecordId\":\"d\"},{\"RecordId\":5}]}");
	/* not JSON past the first entries */
	REFUSED("{\"FailedPutCount\":0,\"RequestResponses\":[{\"RecordId\":\"a\"},{\"RecordId\":\"b\"},"
		"{\"RecordId\":\"c\"},{\"RecordId\":\"d\"},{\"RecordId\":e}]}");
	/* with r2 acked before: still untouched */
	T_TRUE(refused("{\"FailedPutCount\":0}", 20, 128, 0x04, __LINE__));
}

/* --- answers with aggregatedRecordSizeBytes --- */

/* r0..r4 (3 bytes each) at 6: r0+r1, r2+r3, r4. */
T(firehose_agg_apply_groups)
{
	static const char mid_failed[] =
		"{\"FailedPutCount\":1,\"RequestResponses\":[{\"RecordId\":\"a\"},"
		"{\"ErrorCode\":\"ServiceUnavailableException\",\"ErrorMessage\":\"Slow down.\"},"
		"{\"RecordId\":\"c\"}]}";
	static const char one_ok[] = "{\"FailedPutCount\":0,\"RequestResponses\":[{\"RecordId\":\"b\"}]}";
	struct ring *r = load5();
	char code[64];

	/* a failed group leaves both its records: they count as two */
	T_EQ_INT(apply_agg(r, mid_failed, sizeof mid_failed - 1, 128, r->rtail, r->rhead, 6, code, sizeof code), 2);
	T_EQ_STR(code, "ServiceUnavailableException");
	T_EQ_INT(acked_n(r, 5), 0x13);
	/* the retry is r2+r3 as one record */
	struct api_enc e;
	static const char retry[] = BODY("{\"Data\":\"cjIKcjMK\"}");
	fh_enc_init(&e, r, r->rtail, r->rhead, "s1", 6, NULL, NULL);
	T_TRUE(stream_is(&e, 8, retry, sizeof retry - 1, __LINE__));
	T_EQ_INT(apply_agg(r, one_ok, sizeof one_ok - 1, 128, r->rtail, r->rhead, 6, code, sizeof code), 0);
	T_EQ_STR(code, "");
	T_EQ_INT(acked_n(r, 5), 0x1f);

	/* r1 acked before: r0+r2, r3+r4 */
	static const char first_failed[] =
		"{\"FailedPutCount\":1,\"RequestResponses\":["
		"{\"ErrorCode\":\"InternalFailure\",\"ErrorMessage\":\"x\"},{\"RecordId\":\"b\"}]}";
	r = load5();
	ring_rec(r, r->rtail + 1)->acked = 1;
	T_EQ_INT(apply_agg(r, first_failed, sizeof first_failed - 1, 128, r->rtail, r->rhead, 6, code, sizeof code),
		 2);
	T_EQ_STR(code, "InternalFailure");
	T_EQ_INT(acked_n(r, 5), 0x1a);
	/* both failed: four records, the first code */
	static const char both_failed[] =
		"{\"FailedPutCount\":2,\"RequestResponses\":["
		"{\"ErrorCode\":\"InternalFailure\",\"ErrorMessage\":\"x\"},"
		"{\"ErrorCode\":\"ServiceUnavailableException\",\"ErrorMessage\":\"y\"}]}";
	r = load5();
	ring_rec(r, r->rtail + 1)->acked = 1;
	T_EQ_INT(apply_agg(r, both_failed, sizeof both_failed - 1, 128, r->rtail, r->rhead, 6, code, sizeof code),
		 4);
	T_EQ_STR(code, "InternalFailure");
	T_EQ_INT(acked_n(r, 5), 0x02);
	/* at 9: r0+r1+r2, r3+r4 */
	r = load5();
	T_EQ_INT(apply_agg(r, first_failed, sizeof first_failed - 1, 128, r->rtail, r->rhead, 9, code, sizeof code),
		 3);
	T_EQ_INT(acked_n(r, 5), 0x18);
	/* at 2 each record is longer than the limit: five, as at 0 */
	r = load5();
	T_EQ_INT(apply_agg(r, all_ok, sizeof all_ok - 1, 128, r->rtail, r->rhead, 2, code, sizeof code), 0);
	T_EQ_INT(acked_n(r, 5), 0x1f);
	/* at 15 all five are one */
	r = load5();
	T_EQ_INT(apply_agg(r, one_ok, sizeof one_ok - 1, 128, r->rtail, r->rhead, 15, code, sizeof code), 0);
	T_EQ_INT(acked_n(r, 5), 0x1f);
	/* a batch of r1..r3 at 6: r1+r2, r3; r0 and r4 untouched */
	r = load5();
	T_EQ_INT(apply_agg(r, first_failed, sizeof first_failed - 1, 128, r->rtail + 1, r->rtail + 4, 6, code,
		       sizeof code), 2);
	T_EQ_INT(acked_n(r, 5), 0x08);
}

/* As many entries as records, not groups: refused, nothing marked. */
T(firehose_agg_apply_count_mismatch)
{
	static const char two_ok[] =
		"{\"FailedPutCount\":0,\"RequestResponses\":[{\"RecordId\":\"a\"},{\"RecordId\":\"b\"}]}";
	static const char four_ok[] =
		"{\"FailedPutCount\":0,\"RequestResponses\":[{\"RecordId\":\"a\"},{\"RecordId\":\"b\"},"
		"{\"RecordId\":\"c\"},{\"RecordId\":\"d\"}]}";
	struct ring *r = load5();
	char code[64];

	T_EQ_INT(apply_agg(r, all_ok, sizeof all_ok - 1, 128, r->rtail, r->rhead, 6, code, sizeof code), -1);
	T_EQ_INT(apply_agg(r, two_ok, sizeof two_ok - 1, 128, r->rtail, r->rhead, 6, code, sizeof code), -1);
	T_EQ_INT(apply_agg(r, four_ok, sizeof four_ok - 1, 128, r->rtail, r->rhead, 6, code, sizeof code), -1);
	T_EQ_INT(acked_n(r, 5), 0);
	/* three is right at 6 (r0+r1, r2+r3, r4), wrong at 9 (two) and at 0 (five) */
	static const char three_ok[] =
		"{\"FailedPutCount\":0,\"RequestResponses\":[{\"RecordId\":\"a\"},{\"RecordId\":\"b\"},"
		"{\"RecordId\":\"c\"}]}";
	T_EQ_INT(apply_agg(r, three_ok, sizeof three_ok - 1, 128, r->rtail, r->rhead, 9, code, sizeof code), -1);
	T_EQ_INT(apply_agg(r, three_ok, sizeof three_ok - 1, 128, r->rtail, r->rhead, 0, code, sizeof code), -1);
	T_EQ_INT(acked_n(r, 5), 0);
	/* a bad entry after good ones marks nothing either */
	static const char bad_last[] =
		"{\"FailedPutCount\":0,\"RequestResponses\":[{\"RecordId\":\"a\"},{\"RecordId\":\"b\"},{}]}";
	T_EQ_INT(apply_agg(r, bad_last, sizeof bad_last - 1, 128, r->rtail, r->rhead, 6, code, sizeof code), -1);
	T_EQ_INT(acked_n(r, 5), 0);
	T_EQ_INT(apply_agg(r, three_ok, sizeof three_ok - 1, 128, r->rtail, r->rhead, 6, code, sizeof code), 0);
	T_EQ_INT(acked_n(r, 5), 0x1f);
}

/* The encoder and apply cut the same groups: seven records at 10 with
 * the 6-byte one acked are four Firehose records (see
 * firehose_agg_groups_by_hand); failing the 1st and 3rd leaves their records. */
T(firehose_agg_apply_matches_encoder)
{
	static const char body[] =
		"{\"FailedPutCount\":2,\"RequestResponses\":["
		"{\"ErrorCode\":\"InternalFailure\",\"ErrorMessage\":\"x\"},{\"RecordId\":\"b\"},"
		"{\"ErrorCode\":\"ServiceUnavailableException\",\"ErrorMessage\":\"y\"},{\"RecordId\":\"d\"}]}";
	struct ring *r = load7();
	char code[64];
	unsigned m = 0;

	ring_rec(r, r->rtail + 1)->acked = 1;
	T_EQ_INT(apply_agg(r, body, sizeof body - 1, 128, r->rtail, r->rhead, 10, code, sizeof code), 3);
	T_EQ_STR(code, "InternalFailure");
	for (int i = 0; i < 7; i++)
		m |= (unsigned)ring_rec(r, r->rtail + (uint64_t)i)->acked << i;
	/* acked: the 6 (before), 8+2, 1; left: 4+3, 12 */
	T_EQ_INT(m, 0x5a);
	/* what goes again: 4+3 as one, 12 alone */
	static const char again[] = BODY("{\"Data\":\"MTIzCmFiCg==\"},{\"Data\":\"a2xtbm9wcXJzdHUK\"}");
	struct api_enc e;
	fh_enc_init(&e, r, r->rtail, r->rhead, "s1", 10, NULL, NULL);
	T_TRUE(stream_is(&e, 9, again, sizeof again - 1, __LINE__));
}

/* An answer too long to parse: FailedPutCount 0 at its start, no
 * ErrorCode in the whole and a RecordId an entry (a group is one) marks the
 * whole batch; anything else marks nothing. */
T(firehose_all_accepted_start)
{
	static const char ok[] = "{\"FailedPutCount\":0,\"Encrypted\":false,\"RequestResponses\":[{\"Reco";
	static const char failed[] = "{\"FailedPutCount\":1,\"Encrypted\":false,\"RequestResponses\":[{\"Reco";
	static const char enc_first[] = "{\"Encrypted\":false,\"FailedPutCount\":0,\"RequestRes";
	struct api_args no_args = { "s1", 0, NULL, NULL, NULL }, agg = { "s1", 6, NULL, NULL, NULL };
	struct ring *r = load5();

	ring_rec(r, r->rtail + 2)->acked = 1;
	T_EQ_INT(api_all_accepted(&api_firehose, &no_args, long_answer(failed, 1, 3), r, r->rtail, r->rhead), 0);
	T_EQ_INT(acked_n(r, 5), 0x04);
	T_EQ_INT(api_all_accepted(&api_firehose, &no_args, long_answer("{\"FailedPutCount\":", 0, 4), r, r->rtail,
				  r->rhead), 0);
	T_EQ_INT(acked_n(r, 5), 0x04);
	/* r1, r3 sent: a failure listed after the count, or a RecordId too few or too many */
	T_EQ_INT(api_all_accepted(&api_firehose, &no_args, long_answer(ok, 1, 1), r, r->rtail + 1, r->rtail + 4), 0);
	T_EQ_INT(api_all_accepted(&api_firehose, &no_args, long_answer(ok, 0, 1), r, r->rtail + 1, r->rtail + 4), 0);
	T_EQ_INT(api_all_accepted(&api_firehose, &no_args, long_answer(ok, 0, 3), r, r->rtail + 1, r->rtail + 4), 0);
	T_EQ_INT(acked_n(r, 5), 0x04);
	T_EQ_INT(api_all_accepted(&api_firehose, &no_args, long_answer(ok, 0, 2), r, r->rtail + 1, r->rtail + 4), 1);
	T_EQ_INT(acked_n(r, 5), 0x0e);
	/* r0 and r4, aggregated into one Firehose record: one RecordId */
	T_EQ_INT(api_all_accepted(&api_firehose, &agg, long_answer(enc_first, 0, 2), r, r->rtail, r->rhead), 0);
	T_EQ_INT(api_all_accepted(&api_firehose, &agg, long_answer(enc_first, 0, 1), r, r->rtail, r->rhead), 1);
	T_EQ_INT(acked_n(r, 5), 0x1f);
}

/* The entries an answer has: one per record, or per group with aggregation;
 * records acked before have none. */
T(firehose_entries_of_an_answer)
{
	struct api_args a = { "s1", 0, NULL, NULL, NULL };
	struct ring *r = load5();

	T_EQ_INT(api_entries(&api_firehose, &a, r, r->rtail, r->rhead), 5);
	T_EQ_INT(api_entries(&api_firehose, &a, r, r->rtail + 1, r->rtail + 4), 3);
	/* records of 3 bytes ("r0\n"), two a group at 6 */
	a.agg = 6;
	T_EQ_INT(api_entries(&api_firehose, &a, r, r->rtail, r->rhead), 3);
	a.agg = 1000;
	T_EQ_INT(api_entries(&api_firehose, &a, r, r->rtail, r->rhead), 1);
	ring_rec(r, r->rtail + 2)->acked = 1;
	a.agg = 0;
	T_EQ_INT(api_entries(&api_firehose, &a, r, r->rtail, r->rhead), 4);
	a.agg = 6;
	T_EQ_INT(api_entries(&api_firehose, &a, r, r->rtail, r->rhead), 2);
	T_EQ_INT(api_entries(&api_firehose, &a, r, r->rtail + 2, r->rtail + 3), 0);
	T_EQ_INT(api_entries(&api_firehose, &a, r, r->rtail, r->rtail), 0);
}

/* --- errors --- */

struct ecase {
	int status;
	const char *body, *hdr;
	enum api_class cls;
	const char *code, *msg;
};

static const struct ecase ecases[] = {
	{ 400, "{\"__type\":\"ThrottlingException\",\"message\":\"Rate exceeded for delivery stream s1\"}",
	  NULL, API_RETRY, "ThrottlingException", "Rate exceeded for delivery stream s1" },
	{ 503, "{\"__type\":\"ServiceUnavailableException\",\"message\":\"Slow down.\"}", NULL, API_RETRY,
	  "ServiceUnavailableException", "Slow down." },
	{ 500, "{\"__type\":\"InternalFailure\"}", NULL, API_RETRY, "InternalFailure", "" },
	{ 400, "{\"__type\":\"InvalidSignatureException\",\"message\":\"The request signature we "
	  "calculated does not match the signature you provided.\"}", NULL, API_CREDS,
	  "InvalidSignatureException",
	  "The request signature we calculated does not match the signature you provided." },
	{ 400, "{\"__type\":\"UnrecognizedClientException\",\"message\":\"The security token included "
	  "in the request is invalid.\"}", NULL, API_CREDS, "UnrecognizedClientException",
	  "The security token included in the request is invalid." },
	{ 400, "{\"__type\":\"AccessDeniedException\",\"Message\":\"User: arn:aws:iam::1:user/u is not "
	  "authorized\"}", NULL, API_CREDS, "AccessDeniedException",
	  "User: arn:aws:iam::1:user/u is not authorized" },
	{ 400, "{\"__type\":\"com.amazon.coral.service#ExpiredTokenException\",\"message\":\"The security "
	  "token included in the request is expired\"}", NULL, API_CREDS, "ExpiredTokenException",
	  "The security token included in the request is expired" },
	{ 400, "{\"__type\":\"ResourceNotFoundException\",\"message\":\"Firehose s1 under account "
	  "123456789012 not found.\"}", NULL, API_NOTFOUND, "ResourceNotFoundException",
	  "Firehose s1 under account 123456789012 not found." },
	{ 400, "{\"__type\":\"ValidationException\",\"message\":\"1 validation error detected\"}", NULL,
	  API_INVALID, "ValidationException", "1 validation error detected" },
	{ 400, "{\"__type\":\"SerializationException\"}", NULL, API_INVALID, "SerializationException", "" },
	{ 400, "{\"message\":\"Records size exceeds 4 MB limit\",\"__type\":"
	  "\"com.amazonaws.firehose#InvalidArgumentException\"}", NULL, API_INVALID,
	  "InvalidArgumentException", "Records size exceeds 4 MB limit" },
	/* a request refused by a failing server is not the request's fault */
	{ 500, "{\"__type\":\"SerializationException\"}", NULL, API_RETRY, "SerializationException", "" },
	/* the code from the header when the body has none */
	{ 400, "", "ThrottlingException:http://internal.amazon.com/coral/com.amazon.coral.service/",
	  API_RETRY, "ThrottlingException", "" },
	{ 403, "{\"message\":\"Signature expired\"}",
	  "InvalidSignatureException:http://internal.amazon.com/coral/com.amazon.coral.service/",
	  API_CREDS, "InvalidSignatureException", "Signature expired" },
	{ 400, "not json", "ResourceNotFoundException:http://internal.amazon.com/coral/com.amazon.firehose/",
	  API_NOTFOUND, "ResourceNotFoundException", "" },
	{ 400, "{\"message\":\"m\"}", "ValidationException", API_INVALID, "ValidationException", "m" },
	/* the body's code wins over the header's */
	{ 400, "{\"__type\":\"ValidationException\"}", "ThrottlingException:http://internal.amazon.com/",
	  API_INVALID, "ValidationException", "" },
	/* escapes in the message are decoded */
	{ 400, "{\"__type\":\"ValidationException\",\"message\":\"bad \\\"s1\\\" \\u00e9\\n\"}", NULL,
	  API_INVALID, "ValidationException", "bad \"s1\" \xc3\xa9\n" },
	/* garbage, nothing: try again */
	{ 502, "<html><body><h1>502 Bad Gateway</h1></body></html>", NULL, API_RETRY, "", "" },
	{ 502, "<html>", "", API_RETRY, "", "" },
	{ 500, "", NULL, API_RETRY, "", "" },
	{ 504, "{\"__type\":", NULL, API_RETRY, "", "" },
	{ 403, "", NULL, API_CREDS, "", "" },
};

T(firehose_error_classes)
{
	char code[96], msg[256];

	for (size_t i = 0; i < sizeof ecases / sizeof *ecases; i++) {
		const struct ecase *c = &ecases[i];
		memset(code, 'x', sizeof code);
		memset(msg, 'x', sizeof msg);
		enum api_class cls = api_error(&api_firehose, c->status, c->body, strlen(c->body), c->hdr, code,
							 sizeof code, msg, sizeof msg);
		if (cls != c->cls || strcmp(code, c->code) != 0 || strcmp(msg, c->msg) != 0) {
			t_fail(__FILE__, __LINE__, "case %zu (%d %s):\n  got      %d \"%s\" \"%s\"\n"
			       "  expected %d \"%s\" \"%s\"", i, c->status, c->body, cls, code, msg, c->cls,
			       c->code, c->msg);
			return;
		}
	}
}

/* Small buffers: cut, NUL-ended, never overrun. */
T(firehose_error_small_buffers)
{
	static const char body[] = "{\"__type\":\"ThrottlingException\",\"message\":\"Rate exceeded\"}";
	char code[32], msg[16];

	memset(code, 'x', sizeof code);
	memset(msg, 'x', sizeof msg);
	T_EQ_INT(api_error(&api_firehose, 400, body, sizeof body - 1, NULL, code, 11, msg, 5), API_RETRY);
	T_EQ_STR(code, "Throttling");
	T_EQ_STR(msg, "Rate");
	T_EQ_INT(code[11], 'x');
	T_EQ_INT(msg[5], 'x');
	memset(code, 'x', sizeof code);
	(void)api_error(&api_firehose, 400, "", 0, "ExpiredTokenException:http://internal.amazon.com/", code, 8,
			     msg, sizeof msg);
	T_EQ_STR(code, "Expired");
	T_EQ_INT(code[8], 'x');
	/* the body need not be NUL-ended: only len bytes are read */
	static const char two[] = "{\"__type\":\"ValidationException\"}{\"__type\":\"X\"}";
	T_EQ_INT(api_error(&api_firehose, 400, two, 32, NULL, code, sizeof code, msg, sizeof msg), API_INVALID);
	T_EQ_STR(code, "ValidationException");
}
