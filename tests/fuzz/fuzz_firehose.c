/* libFuzzer target: the PutRecordBatch encoder with aggregatedRecordSizeBytes,
 * and the answer applied to the groups it sent.  The input gives the output
 * piece size (8..135), the aggregation limit (0..1023), where in the ring the
 * records start, then records: a flags byte (bit 0: acked before, bit 1: its
 * group fails in the answer; the rest with the next byte: its length, up to
 * 300, past the ring's 200-byte limit so some are cut) and its bytes ('\n'
 * made 'x').  The view splits each record into three spans in scratch memory
 * that is scribbled over between calls.  Checks: the body streamed in pieces
 * is exactly the one built here (consecutive records not acked, joined while
 * they fit, base64 of their bytes), of the length init said, never past cap,
 * nothing allocated; an answer with one entry per group marks exactly the
 * records of the accepted groups and counts the others; one entry more or
 * fewer marks nothing. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "b64.h"
#include "api.h"
#include "firehose.h"
#include "fuzz.h"

#define FZ_RSIZE 2048
#define FZ_RSLOTS 64
#define FZ_RMAX 200
#define FZ_MAXBODY (64 * 1024)
#include "fuzz_ring.h"

static void fz_die(const char *what)
{
	fprintf(stderr, "fuzz_firehose: %s\n", what);
	abort();
}

/* Record i's bytes, from ring_view. */
static size_t fz_bytes(const struct ring *r, uint64_t i, char *out)
{
	struct rec_view v;
	size_t n = 0;

	ring_view(NULL, r, i, &v);
	for (int s = 0; s < 3; s++) {
		if (v.n[s])
			memcpy(out + n, v.p[s], v.n[s]);
		n += v.n[s];
	}
	if (n != rec_data_len(ring_rec(r, i)))
		fz_die("view length");
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ring r;
	static char want[FZ_MAXBODY], got[FZ_MAXBODY], buf[256], group[FZ_RSIZE], answer[FZ_MAXBODY];
	static jsmntok_t toks[1024];
	static uint8_t fail_of[FZ_RSLOTS];
	static uint64_t first_of[FZ_RSLOTS];	/* each group's first record */
	struct api_enc e;
	struct api_args args = { "s", 0, NULL, NULL, NULL };
	size_t cap, agg, at, wlen, glen, len;
	int ngroups = 0, nrec;
	char code[64];

	if (size < 4)
		return 0;
	cap = 8 + data[0] % 128;
	agg = ((size_t)data[1] << 8 | data[2]) % 1024;
	args.agg = agg;
	at = ((size_t)data[3] << 3 | data[1] >> 5) % FZ_RSIZE;
	data += 4;
	size -= 4;

	uint64_t first;
	uint8_t flags[FZ_RSLOTS];
	nrec = fz_records(&r, at, data, size, flags, &first);
	for (int i = 0; i < nrec; i++)
		ring_rec(&r, first + (uint64_t)i)->acked = flags[i] & 1;

	/* the body, built here */
	len = (size_t)sprintf(want, "{\"DeliveryStreamName\":\"s\",\"Records\":[");
	for (int i = 0; i < nrec;) {
		if (flags[i] & 1) {
			i++;
			continue;
		}
		first_of[ngroups] = first + (uint64_t)i;
		fail_of[ngroups] = flags[i] & 2;
		glen = fz_bytes(&r, first + (uint64_t)i, group);
		int members = 1;
		for (i++; i < nrec; i++) {
			if (flags[i] & 1)
				continue;
			if (!agg || glen + rec_data_len(ring_rec(&r, first + (uint64_t)i)) > agg)
				break;
			glen += fz_bytes(&r, first + (uint64_t)i, group + glen);
			members++;
		}
		if (members > 1 && glen > agg)
			fz_die("reference: a group over the limit");
		len += (size_t)sprintf(want + len, "%s{\"Data\":\"", ngroups ? "," : "");
		len += b64_encode(group, glen, want + len);
		len += (size_t)sprintf(want + len, "\"}");
		ngroups++;
	}
	len += (size_t)sprintf(want + len, "]}");
	wlen = len;

	/* streamed in pieces of cap bytes */
	api_enc_init(&e, &api_firehose, &args, &r, first, r.rhead, fz_view, NULL);
	len = fz_stream(&e, buf, cap, got, wlen);
	if (len != wlen || memcmp(got, want, wlen) != 0)
		fz_die("body differs");

	/* an answer: one entry per group */
	for (int extra = -1; extra <= 1; extra++) {
		int entries = ngroups + extra;
		if (entries < 0)
			continue;
		len = (size_t)sprintf(answer, "{\"FailedPutCount\":0,\"RequestResponses\":[");
		for (int k = 0; k < entries; k++)
			len += (size_t)sprintf(answer + len, "%s%s", k ? "," : "",
					       k < ngroups && fail_of[k] ? "{\"ErrorCode\":\"InternalFailure\"}" :
					       "{\"RecordId\":\"x\"}");
		len += (size_t)sprintf(answer + len, "]}");
		long bad = FZ_LOOP(firehose_apply(answer, len, toks, FZ_N(toks), &r, first, r.rhead, &args, code,
						  sizeof code));
		long want_bad = 0;
		for (int i = 0, k = -1; i < nrec; i++) {
			uint64_t ri = first + (uint64_t)i;
			if (k + 1 < ngroups && ri == first_of[k + 1])
				k++;
			int acked = ring_rec(&r, ri)->acked;
			int expect = (flags[i] & 1) || (extra == 0 && !fail_of[k]);
			if (acked != expect)
				fz_die("acked");
			want_bad += extra == 0 && !(flags[i] & 1) && fail_of[k];
			ring_rec(&r, ri)->acked = flags[i] & 1;
		}
		if (bad != (extra ? -1 : want_bad))
			fz_die("failed count");
	}
	return 0;
}
