/* libFuzzer target: KPL aggregation's round trip.  The PutRecords encoder
 * with aggregation (kpl.h) packs a ring's records; the body is taken apart
 * here again by a protobuf decoder of its own (written from the format, not
 * from kpl.c) and compared with the records.  The input gives the output
 * piece size (8..135), the aggregated record's limit (40..1063, data and
 * key), the key kind (RANDOM, DETERMINISTIC, partitionKey "pk"), where in
 * the ring the records start, then records: a flags byte (bit 0: acked
 * before, bit 1: its entry fails in the answer; the rest with the next
 * byte: its length, up to 300, past the ring's 200-byte limit so some are
 * cut) and its bytes ('\n' made 'x').  Checks: the body streamed in pieces
 * is of the length init said, never past cap, nothing allocated; each entry
 * is one record not acked under its own key, or several consecutive ones
 * (joined while they fit the limit; under DETERMINISTIC only equal keys)
 * as an aggregated record: the magic, one partition key (the entry's
 * PartitionKey, its first record's), the records in order each with index
 * 0 and its bytes, the MD5 of the protobuf; its data and key within the
 * limit.  An answer with one entry per entry marks exactly the records of
 * the accepted ones and counts the others. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bearssl_hash.h>
#include "api.h"
#include "b64.h"
#include "fuzz.h"
#include "kinesis.h"

#define FZ_RSIZE 2048
#define FZ_RSLOTS 64
#define FZ_RMAX 200
#define FZ_MAXBODY (64 * 1024)
#include "fuzz_ring.h"

static void fz_die(const char *what)
{
	fprintf(stderr, "fuzz_kpl: %s\n", what);
	abort();
}

/* Record i's bytes and its key (NUL-terminated). */
static size_t fz_rec(const struct ring *r, uint64_t i, struct kinesis_keys *k, char *out, char *key)
{
	struct rec_view v;
	size_t n = 0;

	ring_view(NULL, r, i, &v);
	kinesis_key(k, &v, ring_rec(r, i)->pos, key);
	for (int s = 0; s < 3; s++) {
		if (v.n[s])
			memcpy(out + n, v.p[s], v.n[s]);
		n += v.n[s];
	}
	return n;
}

/* ---- the decoder: protobuf's varints and length-delimited fields ---- */

static int fz_varint(const uint8_t *p, size_t n, size_t *at, uint64_t *v)
{
	*v = 0;
	for (int shift = 0; shift < 64; shift += 7) {
		if (*at >= n)
			return -1;
		uint8_t b = p[(*at)++];
		*v |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80))
			return 0;
	}
	return -1;
}

static size_t fz_varint_len(uint64_t v)
{
	size_t n = 1;

	for (; v >= 128; v >>= 7)
		n++;
	return n;
}

/* The next field of p[*at..n): its number, and its bytes (wire type 2) or
 * value (type 0); -1 at anything else. */
static int fz_field(const uint8_t *p, size_t n, size_t *at, const uint8_t **val, uint64_t *len)
{
	uint64_t tag;

	if (fz_varint(p, n, at, &tag) < 0)
		return -1;
	if ((tag & 7) == 0) {
		*val = NULL;
		return fz_varint(p, n, at, len) < 0 ? -1 : (int)(tag >> 3);
	}
	if ((tag & 7) != 2 || fz_varint(p, n, at, len) < 0 || *len > n - *at)
		return -1;
	*val = p + *at;
	*at += *len;
	return (int)(tag >> 3);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ring r;
	static char body[FZ_MAXBODY], buf[256], answer[FZ_MAXBODY];
	static uint8_t blob[FZ_MAXBODY], want[FZ_RSLOTS][FZ_RMAX + 1];
	static char keys[FZ_RSLOTS][KINESIS_MAX_KEY_BYTES + 1];
	static size_t wlen[FZ_RSLOTS];
	static jsmntok_t toks[2048];
	static uint8_t fail_of[FZ_RSLOTS];
	static uint64_t first_of[FZ_RSLOTS], past_of[FZ_RSLOTS];
	static const enum kinesis_key_kind kinds[] = { KINESIS_KEY_RANDOM, KINESIS_KEY_DETERMINISTIC, KINESIS_KEY_FIXED };
	struct kinesis_keys kk;
	struct api_enc e;
	struct api_args args = { "s", 0, &kk, fz_view, NULL };
	size_t cap, at, len, blen;
	int nrec, ngroups = 0;
	char code[64];

	if (size < 5)
		return 0;
	cap = 8 + data[0] % 128;
	args.agg = 40 + ((size_t)data[1] << 8 | data[2]) % 1024;
	kinesis_keys_init(&kk, kinds[data[3] % 3], data[3] % 3 == 2 ? "pk" : NULL, 0x5eed);
	at = ((size_t)data[4] << 3 | data[1] >> 5) % FZ_RSIZE;
	data += 5;
	size -= 5;

	uint64_t first;
	uint8_t flags[FZ_RSLOTS];
	nrec = fz_records(&r, at, data, size, flags, &first);
	for (int i = 0; i < nrec; i++) {
		ring_rec(&r, first + (uint64_t)i)->acked = flags[i] & 1;
		wlen[i] = fz_rec(&r, first + (uint64_t)i, &kk, (char *)want[i], keys[i]);
	}

	/* streamed in pieces of cap bytes */
	api_enc_init(&e, &api_kinesis, &args, &r, first, r.rhead, fz_view, NULL);
	len = fz_stream(&e, buf, cap, body, sizeof body);

	/* taken apart: each entry against the records */
	jsmn_parser p;
	jsmn_init(&p);
	if (jsmn_parse(&p, body, len, toks, FZ_N(toks)) <= 0 || toks[0].type != JSMN_OBJECT)
		fz_die("body is not JSON");
	int arr = json_get(body, toks, 0, "Records");
	if (arr < 0 || toks[arr].type != JSMN_ARRAY)
		fz_die("no Records");
	int i = 0;
	for (int k = 0, t = arr + 1; k < toks[arr].size; k++, t = json_skip(toks, t)) {
		int d = json_get(body, toks, t, "Data"), pk = json_get(body, toks, t, "PartitionKey");
		char key[KINESIS_MAX_KEY_BYTES + 1];
		while (i < nrec && (flags[i] & 1))
			i++;
		if (d < 0 || pk < 0 || i == nrec)
			fz_die("an entry without Data or PartitionKey, or too many");
		long bl = b64_decode(body + toks[d].start, (size_t)(toks[d].end - toks[d].start), blob, sizeof blob);
		if (bl < 0 || json_string(body, &toks[pk], key, sizeof key) < 0)
			fz_die("Data or PartitionKey");
		blen = (size_t)bl;
		if (strcmp(key, keys[i]) != 0)
			fz_die("the entry's key is not its first record's");
		first_of[ngroups] = first + (uint64_t)i;
		fail_of[ngroups] = flags[i] & 2;
		/* a group of one: the record as it is (an aggregate of the
		 * records after it cannot be equal to it: it holds them) */
		if (blen == wlen[i] && memcmp(blob, want[i], blen) == 0) {
			i++;
			past_of[ngroups++] = first + (uint64_t)i;
			continue;
		}
		/* several: magic | AggregatedRecord | MD5 */
		unsigned char md5[16];
		br_md5_context mc;
		if (blen < 20 || memcmp(blob, "\xF3\x89\x9A\xC2", 4) != 0)
			fz_die("neither a record nor an aggregated record");
		if (blen + strlen(key) > args.agg)
			fz_die("an aggregated record over the limit");
		br_md5_init(&mc);
		br_md5_update(&mc, blob + 4, blen - 20);
		br_md5_out(&mc, md5);
		if (memcmp(md5, blob + blen - 16, 16) != 0)
			fz_die("MD5");
		const uint8_t *pb = blob + 4, *v;
		size_t pn = blen - 20, pat = 0, size_need;
		uint64_t vl;
		int f, nkeys = 0, members = 0;
		size_need = 4 + 1 + fz_varint_len(strlen(key)) + strlen(key) + 16;
		while (pat < pn) {
			if ((f = fz_field(pb, pn, &pat, &v, &vl)) < 0 || !v)
				fz_die("a field of AggregatedRecord");
			if (f == 1) {
				if (nkeys++ || vl != strlen(key) || memcmp(v, key, vl) != 0)
					fz_die("the key table is not the entry's key");
				continue;
			}
			if (f != 3 || !nkeys)
				fz_die("a field other than the key table and records, or records first");
			/* a Record: partition_key_index 0, data */
			size_t rat = 0;
			const uint8_t *rv, *rd = NULL;
			uint64_t rl, idx = 1, dl = 0;
			while (rat < vl) {
				int rf = fz_field(v, vl, &rat, &rv, &rl);
				if (rf == 1 && !rv)
					idx = rl;
				else if (rf == 3 && rv)
					rd = rv, dl = rl;
				else
					fz_die("a field of Record");
			}
			while (i < nrec && (flags[i] & 1))
				i++;
			if (idx != 0 || !rd || i == nrec || dl != wlen[i] || memcmp(rd, want[i], dl) != 0)
				fz_die("a record of the aggregate is not the next record");
			if (strcmp(keys[i], key) != 0 && kk.kind == KINESIS_KEY_DETERMINISTIC)
				fz_die("DETERMINISTIC keys joined under another's");
			size_need += 1 + fz_varint_len(vl) + vl;
			members++;
			i++;
		}
		if (members < 2 || size_need != blen)
			fz_die("an aggregate of one record, or of another size");
		past_of[ngroups++] = first + (uint64_t)i;
	}
	while (i < nrec && (flags[i] & 1))
		i++;
	if (i != nrec)
		fz_die("records not sent");
	/* greedy: a group ends only where the next record would not fit (or,
	 * DETERMINISTIC, has another key) */
	for (int g = 0; g + 1 < ngroups; g++) {
		int a = (int)(first_of[g] - first), b = (int)(first_of[g + 1] - first);
		size_t klen = strlen(keys[a]), s = 4 + 1 + fz_varint_len(klen) + klen + 16;
		for (int j = a; j <= b; j++) {
			if (flags[j] & 1)
				continue;
			s += 1 + fz_varint_len(3 + fz_varint_len(wlen[j]) + wlen[j]) + 3 + fz_varint_len(wlen[j]) +
			     wlen[j];
		}
		if (s + klen <= args.agg && !(kk.kind == KINESIS_KEY_DETERMINISTIC && strcmp(keys[a], keys[b]) != 0))
			fz_die("a group ended where the next record fits");
	}

	/* an answer: one entry per entry */
	len = (size_t)sprintf(answer, "{\"FailedRecordCount\":0,\"Records\":[");
	for (int k = 0; k < ngroups; k++)
		len += (size_t)sprintf(answer + len, "%s%s", k ? "," : "",
				       fail_of[k] ? "{\"ErrorCode\":\"InternalFailure\"}" :
				       "{\"SequenceNumber\":\"1\",\"ShardId\":\"s\"}");
	len += (size_t)sprintf(answer + len, "]}");
	long bad = FZ_LOOP(kinesis_apply(answer, len, toks, FZ_N(toks), &r, first, r.rhead, &args, code,
					 sizeof code));
	long want_bad = 0;
	for (int g = 0; g < ngroups; g++)
		for (uint64_t ri = first_of[g]; ri < past_of[g]; ri++) {
			int acked = ring_rec(&r, ri)->acked, was = flags[ri - first] & 1;
			if (acked != (was || !fail_of[g]))
				fz_die("acked");
			want_bad += !was && fail_of[g];
		}
	if (bad != want_bad)
		fz_die("failed count");
	return 0;
}
