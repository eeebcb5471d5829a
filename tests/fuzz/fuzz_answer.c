/* libFuzzer target: a hostile answer, from the socket to the records.  The
 * first byte of the input gives the size of the pieces the bytes arrive in
 * (1..64), the aggregation limit (0 or 10 bytes: two records) and the bound
 * on the body (none, or 4096 bytes); the rest is what the server sends.  It
 * goes through the HTTP parser piece by piece (and an EOF at the end); a
 * complete answer is classified as an error on both APIs and applied to a
 * batch of 8 records (2 of them acked before) on both APIs, whole and as an
 * answer too long to keep.  Checks: nothing allocated; a result the callers
 * can trust (-1, or a failure count no larger than the records sent); -1
 * marks nothing; a record acked before stays acked; the error code and message are
 * NUL-terminated within their buffers; a body within its bound; the
 * needles counted as often as they occur in a body kept whole. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "api.h"
#include "firehose.h"
#include "fuzz.h"
#include "http.h"
#include "kinesis.h"

#define FZ_NREC 8

static struct ring fz_ring;
static struct kinesis_keys fz_keys;	/* as a Kinesis flow has them: its group hook reads them */
static char fz_body[16384];
static jsmntok_t fz_toks[64 + FZ_NREC * 5];

static void fz_setup(void)
{
	static int ready;

	if (ready)
		return;
	ring_init(&fz_ring, 4096, 2 * FZ_NREC, 1024);
	kinesis_keys_init(&fz_keys, KINESIS_KEY_DETERMINISTIC, NULL, 0);
	for (int i = 0; i < FZ_NREC; i++) {
		size_t room;
		char *p = ring_write_buf(&fz_ring, &room);
		memcpy(p, "line\n", 5);
		ring_write_ack(&fz_ring, 5, 0);
	}
	if (fz_ring.rhead - fz_ring.rtail != FZ_NREC)
		abort();
	ready = 1;
}

static void fz_reset(void)
{
	for (uint64_t i = fz_ring.rtail; i < fz_ring.rhead; i++)
		ring_rec(&fz_ring, i)->acked = (i - fz_ring.rtail) % 4 == 1;
}

/* Occurrences of nd in s (n bytes), overlapping ones included. */
static uint64_t fz_occurs(const char *s, size_t n, const char *nd)
{
	size_t m = strlen(nd);
	uint64_t c = 0;

	for (size_t i = 0; i + m <= n; i++)
		c += memcmp(s + i, nd, m) == 0;
	return c;
}

/* apply's result against the ring's flags. */
static void fz_check(long bad)
{
	long now_acked = 0;

	for (uint64_t i = fz_ring.rtail; i < fz_ring.rhead; i++) {
		int before = (i - fz_ring.rtail) % 4 == 1;
		int acked = ring_rec(&fz_ring, i)->acked;
		if (before && !acked)
			abort();	/* an acked record forgotten */
		now_acked += acked && !before;
	}
	if (bad < -1 || bad > FZ_NREC - 2)
		abort();
	if (bad == -1 && now_acked)
		abort();	/* malformed, yet something marked */
	if (bad >= 0 && now_acked > FZ_NREC - 2 - bad)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct http_resp r;
	char code[96], msg[256];
	size_t piece, used, at = 0, agg;
	int st = HTTP_MORE;

	if (size < 1)
		return 0;
	fz_setup();
	piece = 1 + (data[0] & 63);
	agg = data[0] & 64 ? 10 : 0;	/* two records a group */
	struct api_args args = { "s", agg, &fz_keys, ring_view, NULL };
	data++;
	size--;
	fz_loop = 1;
	http_resp_init(&r, fz_body, sizeof fz_body);
	r.body_max = data[-1] & 128 ? 4096 : 0;
	r.needle[0] = api_firehose.failed_key;
	r.needle[1] = api_kinesis.ok_key;
	while (st == HTTP_MORE && at < size) {
		size_t n = size - at < piece ? size - at : piece;
		st = http_resp_feed(&r, (const char *)data + at, n, &used);
		if (used > n)
			abort();
		at += used;
		if (st == HTTP_MORE && used == 0)
			break;
	}
	if (st == HTTP_MORE)
		st = http_resp_eof(&r);
	if (st == HTTP_DONE) {
		if (r.body_len >= sizeof fz_body || r.body[r.body_len] != 0)
			abort();
		if (r.body_max && r.body_bytes > r.body_max)
			abort();
		if (!r.body_truncated && (r.needle_count[0] != fz_occurs(r.body, r.body_len, r.needle[0]) ||
					  r.needle_count[1] != fz_occurs(r.body, r.body_len, r.needle[1])))
			abort();
		api_error(&api_firehose, r.status, r.body, r.body_len, r.error_type, code, sizeof code, msg, sizeof msg);
		if (strnlen(code, sizeof code) == sizeof code || strnlen(msg, sizeof msg) == sizeof msg)
			abort();
		api_error(&api_kinesis, r.status, r.body, r.body_len, r.error_type, code, sizeof code, msg, sizeof msg);
		if (strnlen(code, sizeof code) == sizeof code || strnlen(msg, sizeof msg) == sizeof msg)
			abort();
		fz_reset();
		fz_check(firehose_apply(r.body, r.body_len, fz_toks, FZ_N(fz_toks), &fz_ring, fz_ring.rtail,
					fz_ring.rhead, &args, code, sizeof code));
		fz_reset();
		fz_check(kinesis_apply(r.body, r.body_len, fz_toks, FZ_N(fz_toks), &fz_ring, fz_ring.rtail,
				       fz_ring.rhead, &args, code, sizeof code));
		fz_reset();
		fz_check(api_all_accepted(&api_firehose, &args, &r, &fz_ring, fz_ring.rtail, fz_ring.rhead) ? 0 : -1);
		fz_reset();
		fz_check(api_all_accepted(&api_kinesis, &args, &r, &fz_ring, fz_ring.rtail, fz_ring.rhead) ? 0 : -1);
	}
	fz_loop = 0;
	return 0;
}
