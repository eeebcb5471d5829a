/* The contract every API table keeps (api.h), run over Firehose's and
 * Kinesis's: the body streamed from the ring is exactly the one built here,
 * at every place the ring can wrap and every output size, acked records left
 * out; a Describe body; an answer maps onto what was sent, a malformed or
 * mismatched one marks nothing; the error classes they share.  What is one
 * API's own (aggregation, partition keys, their answers' details) is in
 * test_firehose.c and test_kinesis.c. */
#include <stdint.h>
#include "t.h"
#include "api.h"
#include "b64.h"
#include "kinesis.h"

#define RSIZE 64
#define RMAX 16
#define RSLOTS 8
#include "rings_t.h"

#define FH_OK(n) "{\"RecordId\":\"id" #n "\"}"
#define KN_OK(n) "{\"SequenceNumber\":\"4954346307654800757710509270303956035997522851839501268" #n "\"," \
		 "\"ShardId\":\"shardId-00000000000" #n "\"}"
#define KN_PTEE "{\"ErrorCode\":\"ProvisionedThroughputExceededException\",\"ErrorMessage\":\"Rate exceeded " \
		"for shard shardId-000000000001 in stream s1 under account 123456789012.\"}"

static struct kinesis_keys fixed_k;

/* One API, with what its answers look like for five records r0..r4. */
static const struct contract {
	const struct api *api;
	struct api_args args;
	const char *entry_end;		/* what closes an entry after its Data */
	size_t longest_name;		/* the longest stream name conf allows */
	const char *all_ok;		/* all five accepted */
	int all_ok_toks;		/* the tokens it takes */
	const char *three;		/* r0, r2, r4 sent: r2 failed */
	const char *three_code;
	const char *two;		/* r1, r2 sent: both accepted */
	const char *count_only;		/* a count of failures and nothing else */
} apis[] = {
	{ &api_firehose, { "s1", 0, NULL, NULL, NULL }, "\"}", FIREHOSE_MAX_STREAM_NAME,
	  "{\"Encrypted\":false,\"FailedPutCount\":0,\"RequestResponses\":["
	  "{\"RecordId\":\"49543463076548007577105092703039560359975228518395012686\"},"
	  FH_OK(1) "," FH_OK(2) "," FH_OK(3) "," FH_OK(4) "]}", 1 + 2 * 3 + 5 * 3,
	  "{\"FailedPutCount\":1,\"RequestResponses\":[{\"RecordId\":\"a\"},"
	  "{\"ErrorCode\":\"ThrottlingException\",\"ErrorMessage\":\"Rate exceeded\"},{\"RecordId\":\"c\"}]}",
	  "ThrottlingException",
	  "{\"FailedPutCount\":0,\"RequestResponses\":[{\"RecordId\":\"a\"},{\"RecordId\":\"b\"}]}",
	  "{\"FailedPutCount\":0}" },
	{ &api_kinesis, { "s1", 0, &fixed_k, NULL, NULL }, "\",\"PartitionKey\":\"k\"}", KINESIS_MAX_STREAM_NAME,
	  "{\"FailedRecordCount\":0,\"Records\":[" KN_OK(0) "," KN_OK(1) "," KN_OK(2) "," KN_OK(3) "," KN_OK(4)
	  "],\"EncryptionType\":\"NONE\"}", 1 + 3 * 2 + 5 * 5,
	  "{\"FailedRecordCount\":1,\"Records\":[" KN_OK(0) "," KN_PTEE "," KN_OK(4) "]}",
	  "ProvisionedThroughputExceededException",
	  "{\"FailedRecordCount\":0,\"Records\":[" KN_OK(1) "," KN_OK(2) "]}",
	  "{\"FailedRecordCount\":0}" },
};
#define NAPI (sizeof apis / sizeof apis[0])

__attribute__((constructor)) static void keys_init(void)
{
	kinesis_keys_init(&fixed_k, KINESIS_KEY_FIXED, "k", 0);
}

/* The body of api c for records [from, to) of the six not in acked (a bit mask). */
static size_t expect(char *out, const struct contract *c, const char *stream, unsigned acked, int from, int to)
{
	char *p = out;
	int n = 0;

	p += sprintf(p, "{\"%s\":\"%s\",\"Records\":[", c->api->stream_key, stream);
	for (int i = from; i < to; i++) {
		if (acked >> i & 1)
			continue;
		if (n++)
			*p++ = ',';
		p += sprintf(p, "{\"Data\":\"");
		p += b64_encode(recs[i].data, recs[i].data_len, p);
		p += sprintf(p, "%s", c->entry_end);
	}
	p += sprintf(p, "]}");
	return (size_t)(p - out);
}

static size_t next_piece(void *e, char *out, size_t cap) { return api_enc_next(e, out, cap); }
#define stream_is(e, cap, want, wlen, line) stream_body(next_piece, (e), (cap), (want), (wlen), __FILE__, (line))

static void enc_init(struct api_enc *e, const struct contract *c, const struct api_args *a, const struct ring *r,
		     uint64_t first, uint64_t end)
{
	api_enc_init(e, c->api, a ? a : &c->args, r, first, end, NULL, NULL);
}

/* --- the body --- */

T(api_body_empty)
{
	char want[128];
	struct ring *r = load6(10);
	struct api_enc e;

	for (size_t a = 0; a < NAPI; a++) {
		const struct contract *c = &apis[a];
		size_t wlen = (size_t)sprintf(want, "{\"%s\":\"s1\",\"Records\":[]}", c->api->stream_key);
		T_EQ_INT(wlen, a == 0 ? 40 : 32);
		enc_init(&e, c, NULL, r, r->rtail, r->rtail);
		T_TRUE(stream_is(&e, 8, want, wlen, __LINE__));
		/* all acked: the same */
		set_acked_n(r, 0x3f, NREC);
		enc_init(&e, c, NULL, r, r->rtail, r->rhead);
		T_TRUE(stream_is(&e, 9, want, wlen, __LINE__));
		set_acked_n(r, 0, NREC);
	}
}

/* The six records from every buffer offset (so each one wraps somewhere,
 * the cut one too), with every set of them acked, in pieces of several
 * sizes, and of every size 8..64 for a few sets. */
T(api_body_every_wrap_and_cap)
{
	static const unsigned masks[] = { 0, 0x04, 0x15, 0x2a };
	static const size_t big[] = { 8, 10, 13, 100, 4096 };
	char want[1024];
	int wrapped = 0, trunc_wrapped = 0;

	for (size_t k = 0; k < RSIZE; k++) {
		struct ring *r = load6_wraps(k, &wrapped, &trunc_wrapped);
		T_TRUE(r != NULL);
		for (size_t a = 0; a < NAPI; a++) {
			for (unsigned mask = 0; mask < 64; mask++) {
				struct api_enc e;
				size_t wlen = expect(want, &apis[a], "s1", mask, 0, NREC);
				set_acked_n(r, mask, NREC);
				for (size_t c = 0; c < sizeof big / sizeof *big; c++) {
					enc_init(&e, &apis[a], NULL, r, r->rtail, r->rhead);
					if (!stream_is(&e, big[c], want, wlen, __LINE__)) {
						t_fail(__FILE__, __LINE__, "%s offset %zu mask %#x", apis[a].api->name,
						       k, mask);
						return;
					}
				}
			}
			for (size_t m = 0; m < sizeof masks / sizeof *masks; m++) {
				struct api_enc e;
				size_t wlen = expect(want, &apis[a], "s1", masks[m], 0, NREC);
				set_acked_n(r, masks[m], NREC);
				for (size_t cap = 8; cap <= 64; cap++) {
					enc_init(&e, &apis[a], NULL, r, r->rtail, r->rhead);
					if (!stream_is(&e, cap, want, wlen, __LINE__)) {
						t_fail(__FILE__, __LINE__, "%s offset %zu mask %#x", apis[a].api->name,
						       k, masks[m]);
						return;
					}
				}
			}
			set_acked_n(r, 0, NREC);
		}
	}
	/* at about len - 1 offsets each (the cut line's dead bytes move) */
	T_TRUE(wrapped >= 35);
	T_TRUE(trunc_wrapped >= 10);
}

/* A batch that starts after rtail and ends before rhead. */
T(api_body_subrange)
{
	char want[1024], start[64];
	struct api_enc e;
	struct ring *r = load6(60);

	for (size_t a = 0; a < NAPI; a++) {
		const struct contract *c = &apis[a];
		size_t wlen = expect(want, c, "s1", 0, 1, 5);
		enc_init(&e, c, NULL, r, r->rtail + 1, r->rtail + 5);
		T_TRUE(stream_is(&e, 8, want, wlen, __LINE__));
		set_acked_n(r, 0x02, NREC);	/* the batch's first is acked: no leading comma */
		wlen = expect(want, c, "s1", 0x02, 1, 5);
		enc_init(&e, c, NULL, r, r->rtail + 1, r->rtail + 5);
		T_TRUE(stream_is(&e, 17, want, wlen, __LINE__));
		size_t n = (size_t)sprintf(start, "{\"%s\":\"s1\",\"Records\":[{\"Data\":\"QUJD", c->api->stream_key);
		T_TRUE(memcmp(want, start, n) == 0);
		set_acked_n(r, 0, NREC);
	}
}

/* The longest stream name conf allows. */
T(api_body_long_stream_name)
{
	char name[KINESIS_MAX_STREAM_NAME + 1], want[2048];
	struct api_enc e;
	struct ring *r = load6(33);

	for (size_t a = 0; a < NAPI; a++) {
		const struct contract *c = &apis[a];
		struct api_args args = c->args;
		for (size_t i = 0; i < c->longest_name; i++)
			name[i] = "aZ09_.-"[i % 7];
		name[c->longest_name] = 0;
		args.stream = name;
		size_t wlen = expect(want, c, name, 0, 0, NREC);
		enc_init(&e, c, &args, r, r->rtail, r->rhead);
		T_TRUE(stream_is(&e, 8, want, wlen, __LINE__));
		enc_init(&e, c, &args, r, r->rtail, r->rhead);
		T_TRUE(stream_is(&e, 4096, want, wlen, __LINE__));
		T_EQ_INT(e.head_len, strlen(c->api->stream_key) + 5 + c->longest_name + 13);
	}
}

/* kagent -t --online: the stream's name and nothing else, whatever the ring holds. */
T(api_describe_body)
{
	static const char *const want[] = { "{\"DeliveryStreamName\":\"s1\"}", "{\"StreamName\":\"s1\"}" };
	static const char *const target[] = { "Firehose_20150804.DescribeDeliveryStream",
					      "Kinesis_20131202.DescribeStreamSummary" };
	struct ring *r = load6(5);
	struct api_enc e;

	for (size_t a = 0; a < NAPI; a++) {
		const struct api *d = apis[a].api->describe;
		T_EQ_STR(d->target, target[a]);
		T_EQ_STR(d->service, apis[a].api->service);
		T_EQ_INT(d->records, 0);
		for (size_t cap = 8; cap <= 40; cap++) {
			api_enc_init(&e, d, &apis[a].args, r, r->rtail, r->rhead, NULL, NULL);
			T_TRUE(stream_is(&e, cap, want[a], strlen(want[a]), __LINE__));
		}
	}
	T_EQ_STR(api_firehose.target, "Firehose_20150804.PutRecordBatch");
	T_EQ_STR(api_firehose.service, "firehose");
	T_EQ_STR(api_kinesis.target, "Kinesis_20131202.PutRecords");
	T_EQ_STR(api_kinesis.service, "kinesis");
}

/* --- answers --- */

/* Five records r0..r4 at rtail. */
static struct ring *load5(void)
{
	static const char *const lines[] = { "r0\n", "r1\n", "r2\n", "r3\n", "r4\n" };

	return load(20, lines, 5);
}

static long apply(const struct contract *c, struct ring *r, const char *body, size_t len, size_t ntoks,
		  uint64_t first, uint64_t end, char *code, size_t codecap)
{
	static jsmntok_t toks[128];

	strcpy(code, "junk");
	return c->api->apply(body, len, toks, ntoks, r, first, end, &c->args, code, codecap);
}

/* api c's answer body (len bytes) applied to r0..r4 acked as before: -1,
 * nothing marked, no code. */
static int refused(const struct contract *c, const char *body, size_t len, size_t ntoks, unsigned before,
		   int line)
{
	struct ring *r = load5();
	char code[64];
	long n;

	set_acked_n(r, before, 5);
	n = apply(c, r, body, len, ntoks, r->rtail, r->rhead, code, sizeof code);
	if (n != -1 || acked_n(r, 5) != before || code[0]) {
		t_fail(__FILE__, line, "%s: \"%.*s\": %ld, acked %#x, code \"%s\"", c->api->name, (int)len, body, n,
		       acked_n(r, 5), code);
		return 0;
	}
	return 1;
}

T(api_apply_all_ok)
{
	char code[64];

	for (size_t a = 0; a < NAPI; a++) {
		struct ring *r = load5();
		T_EQ_INT(apply(&apis[a], r, apis[a].all_ok, strlen(apis[a].all_ok), 128, r->rtail, r->rhead, code,
			       sizeof code), 0);
		T_EQ_STR(code, "");
		T_EQ_INT(acked_n(r, 5), 0x1f);
	}
}

/* Records acked before: r1 and r3; the answer's three entries are r0, r2, r4. */
T(api_apply_skips_acked)
{
	char code[64];

	for (size_t a = 0; a < NAPI; a++) {
		const struct contract *c = &apis[a];
		struct ring *r = load5();
		set_acked_n(r, 0x0a, 5);
		T_EQ_INT(apply(c, r, c->three, strlen(c->three), 128, r->rtail, r->rhead, code, sizeof code), 1);
		T_EQ_STR(code, c->three_code);
		T_EQ_INT(acked_n(r, 5), 0x1b);
		/* first acked too: r0, r1 acked; entries are r2, r3, r4 */
		r = load5();
		set_acked_n(r, 0x03, 5);
		T_EQ_INT(apply(c, r, c->three, strlen(c->three), 128, r->rtail, r->rhead, code, sizeof code), 1);
		T_EQ_INT(acked_n(r, 5), 0x17);
		/* five entries for three records: refused */
		T_TRUE(refused(c, c->all_ok, strlen(c->all_ok), 128, 0x0a, __LINE__));
	}
}

/* A batch of r1..r2 leaves r0 and r3, r4 alone. */
T(api_apply_subrange)
{
	char code[64];

	for (size_t a = 0; a < NAPI; a++) {
		struct ring *r = load5();
		T_EQ_INT(apply(&apis[a], r, apis[a].two, strlen(apis[a].two), 128, r->rtail + 1, r->rtail + 3, code,
			       sizeof code), 0);
		T_EQ_INT(acked_n(r, 5), 0x06);
	}
}

/* What no API takes: not JSON, not an object, no entries, the other API's answer. */
T(api_apply_malformed)
{
	static const char *const bad[] = { "", "<html><body>502 Bad Gateway</body></html>", "[]", "{}" };

	for (size_t a = 0; a < NAPI; a++) {
		const struct contract *c = &apis[a], *other = &apis[1 - a];
		for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
			T_TRUE(refused(c, bad[i], strlen(bad[i]), 128, 0, __LINE__));
		T_TRUE(refused(c, c->count_only, strlen(c->count_only), 128, 0, __LINE__));
		T_TRUE(refused(c, other->all_ok, strlen(other->all_ok), 128, 0, __LINE__));
		/* with r2 acked before: still untouched */
		T_TRUE(refused(c, c->count_only, strlen(c->count_only), 128, 0x04, __LINE__));
	}
}

/* Every proper prefix of a good answer is refused. */
T(api_apply_cut_short)
{
	for (size_t a = 0; a < NAPI; a++) {
		const struct contract *c = &apis[a];
		for (size_t n = 0; n < strlen(c->all_ok); n++)
			T_TRUE(refused(c, c->all_ok, n, 128, 0, __LINE__));
		for (size_t n = 0; n < strlen(c->three); n++)
			T_TRUE(refused(c, c->three, n, 128, 0x0a, __LINE__));
	}
}

/* A token array one short of what the answer needs: refused, not read past. */
T(api_apply_too_many_tokens)
{
	char code[64];

	for (size_t a = 0; a < NAPI; a++) {
		const struct contract *c = &apis[a];
		jsmn_parser p;
		jsmn_init(&p);
		int need = jsmn_parse(&p, c->all_ok, strlen(c->all_ok), NULL, 0);
		T_EQ_INT(need, c->all_ok_toks);
		T_TRUE(refused(c, c->all_ok, strlen(c->all_ok), (size_t)need - 1, 0, __LINE__));
		T_TRUE(refused(c, c->all_ok, strlen(c->all_ok), 1, 0, __LINE__));
		struct ring *r = load5();
		T_EQ_INT(apply(c, r, c->all_ok, strlen(c->all_ok), (size_t)need, r->rtail, r->rhead, code,
			       sizeof code), 0);
		T_EQ_INT(acked_n(r, 5), 0x1f);
	}
}

/* The start of an answer too long to keep says whether all were taken, by
 * each API's own count; the other's count says nothing. */
T(api_all_accepted_by_count)
{
	for (size_t a = 0; a < NAPI; a++) {
		const struct contract *c = &apis[a], *other = &apis[1 - a];
		struct ring *r = load5();
		char start[41];
		snprintf(start, sizeof start, "%s", other->all_ok);
		T_EQ_INT(api_all_accepted(c->api, &c->args, long_answer(start, 0, 5), r, r->rtail, r->rhead), 0);
		T_EQ_INT(acked_n(r, 5), 0);
		T_EQ_INT(api_all_accepted(c->api, &c->args, long_answer(c->count_only, 0, 3), r, r->rtail + 1,
					  r->rtail + 4), 1);
		T_EQ_INT(acked_n(r, 5), 0x0e);
	}
}

/* An answer through the parser with the API's needles, as a flow reads it:
 * taken as all accepted when its count is 0, no entry failed and there is
 * an entry a record, and then not parsed (one token of scratch is enough).
 * Longer than the buffer, it is taken only then: a failure listed after a
 * count of 0, or an entry missing, is a malformed answer and marks
 * nothing.  Kept whole, such an answer is parsed: the failure under a
 * count of 0 counts and the others are acked; an entry missing or too many
 * is malformed. */
T(api_outcome_long_answer)
{
	static const int whole_acked[] = { 0x1f, 0x0f, 0x1e, 0, 0 };

	static const char *const list[] = { "RequestResponses", "Records" };
	static const char *const ok[] = { FH_OK(0), KN_OK(0) };
	static const char fail[] = "{\"ErrorCode\":\"InternalFailure\",\"ErrorMessage\":\"x\"}";
	static const struct { int entries, failed_at; int all; } cases[] = {
		{ 5, -1, 1 }, { 5, 4, 0 }, { 5, 0, 0 }, { 4, -1, 0 }, { 6, -1, 0 },
	};
	static jsmntok_t toks[128];
	char body[2048], wire[2200], buf[2048], code[96], msg[256];

	for (int whole = 0; whole < 2; whole++)
	for (size_t a = 0; a < NAPI; a++) {
		const struct contract *c = &apis[a];
		for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
			struct ring *r = load5();
			struct http_resp h;
			struct batch_outcome o;
			size_t used;
			int n = sprintf(body, "{\"%s\":0,\"%s\":[", c->api->failed_count, list[a]);
			for (int e = 0; e < cases[k].entries; e++)
				n += sprintf(body + n, "%s%s", e ? "," : "", e == cases[k].failed_at ? fail : ok[a]);
			n += sprintf(body + n, "]}");
			int w = sprintf(wire, "HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s", n, body);
			http_resp_init(&h, buf, whole ? sizeof buf : 64);
			h.needle[0] = c->api->failed_key;
			h.needle[1] = c->api->ok_key;
			T_EQ_INT(http_resp_feed(&h, wire, (size_t)w, &used), HTTP_DONE);
			T_EQ_INT(h.body_truncated, !whole);
			api_outcome(c->api, &c->args, &h, toks, cases[k].all ? 1 : 128, r, r->rtail, r->rhead, &o, code,
				    sizeof code, msg, sizeof msg);
			if (whole && !cases[k].all && whole_acked[k]) {
				T_EQ_INT(o.result, BATCH_ANSWERED);
				T_EQ_INT(o.failed, 1);
				T_EQ_INT(acked_n(r, 5), whole_acked[k]);
			} else if (cases[k].all) {
				T_EQ_INT(o.result, BATCH_ANSWERED);
				T_EQ_INT(o.failed, 0);
				T_EQ_INT(acked_n(r, 5), 0x1f);
			} else {
				T_EQ_INT(o.result, BATCH_RETRY);
				T_TRUE(o.malformed);
				T_EQ_INT(acked_n(r, 5), 0);
			}
		}
	}
}

/* The codes every API shares mean the same on each; Kinesis's own (a
 * stream's KMS key, throttling) mean nothing more on Firehose, whose
 * records are throttled as ServiceUnavailableException. */
T(api_error_shared_classes)
{
	static const struct { int status; const char *type; enum api_class fh, kn; } c[] = {
		{ 400, "UnrecognizedClientException", API_CREDS, API_CREDS },
		{ 400, "SignatureDoesNotMatch", API_CREDS, API_CREDS },
		{ 400, "KMSAccessDeniedException", API_CREDS, API_CREDS },
		{ 400, "ResourceNotFoundException", API_NOTFOUND, API_NOTFOUND },
		{ 400, "ValidationException", API_INVALID, API_INVALID },
		{ 500, "ValidationException", API_RETRY, API_RETRY },
		{ 400, "KMSDisabledException", API_RETRY, API_CREDS },
		{ 400, "ExpiredToken", API_RETRY, API_CREDS },
		{ 403, "Whatever", API_CREDS, API_CREDS },
		{ 400, "ProvisionedThroughputExceededException", API_RETRY, API_RETRY },
		{ 503, "", API_RETRY, API_RETRY },
	};
	char body[128], code[64], msg[64];

	for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
		int n = sprintf(body, "{\"__type\":\"%s\"}", c[i].type);
		T_EQ_INT(api_error(&api_firehose, c[i].status, body, (size_t)n, NULL, code, sizeof code, msg,
				   sizeof msg), c[i].fh);
		T_EQ_STR(code, c[i].type);
		T_EQ_INT(api_error(&api_kinesis, c[i].status, body, (size_t)n, NULL, code, sizeof code, msg,
				   sizeof msg), c[i].kn);
		T_EQ_INT(api_error(api_kinesis.describe, c[i].status, body, (size_t)n, NULL, code, sizeof code, msg,
				   sizeof msg), c[i].kn);
	}
	T_TRUE(api_throttled(&api_kinesis, "ProvisionedThroughputExceededException"));
	T_TRUE(!api_throttled(&api_firehose, "ProvisionedThroughputExceededException"));
	T_TRUE(api_throttled(&api_firehose, "ServiceUnavailableException"));
	T_TRUE(!api_throttled(&api_firehose, "InternalFailure"));
	T_TRUE(!api_throttled(&api_kinesis, "ServiceUnavailableException"));
}
