/* PutRecordBatch: aggregation's groups and the answers.
 *
 * The body (api.c) is {"DeliveryStreamName":"S","Records":[{"Data":"B64"},...]},
 * each Data one record's bytes or, with aggregatedRecordSizeBytes, a group
 * of records' bytes joined. */
#include <string.h>
#include "firehose.h"

/* The group that starts at record i (not acked): i, then the records after
 * it not acked (acked ones are passed over) while all their bytes fit in
 * agg; a record longer than agg goes alone, agg 0 makes every record its
 * own.  Returns the index just past its last record; its bytes go to
 * *bytes.  The encoder and firehose_apply() both cut the batch with it, so
 * the answer's entries map onto what was sent. */
uint64_t firehose_group(const struct ring *r, uint64_t i, uint64_t end, const struct api_args *a, size_t *bytes)
{
	size_t agg = a->agg;
	size_t n = rec_data_len(ring_rec(r, i));
	uint64_t past = i + 1;

	for (uint64_t j = past; agg && j < end; j++) {
		const struct rec *rc = ring_rec(r, j);
		if (rc->acked)
			continue;
		if (n + rec_data_len(rc) > agg)
			break;
		n += rec_data_len(rc);
		past = j + 1;
	}
	*bytes = n;
	return past;
}

long firehose_apply(const char *body, size_t len, jsmntok_t *t, size_t ntoks, struct ring *r, uint64_t first,
		    uint64_t end, const struct api_args *a, char *code, size_t codecap)
{
	jsmn_parser p;
	int n, arr, failed_tok, nfailed = 0;
	long failed = 0;
	size_t bytes;
	uint64_t i;

	code[0] = 0;
	jsmn_init(&p);
	n = jsmn_parse(&p, body, len, t, (unsigned)ntoks);
	if (n <= 0 || t[0].type != JSMN_OBJECT)
		return -1;
	arr = json_get(body, t, 0, "RequestResponses");
	failed_tok = json_get(body, t, 0, "FailedPutCount");
	if (arr < 0 || t[arr].type != JSMN_ARRAY || failed_tok < 0 || t[failed_tok].type != JSMN_PRIMITIVE)
		return -1;
	/* one entry per Firehose record sent */
	if ((size_t)t[arr].size != api_entries(&api_firehose, a, r, first, end))
		return -1;
	/* check every entry before marking any */
	for (int k = 0, e = arr + 1; k < t[arr].size; k++, e = json_skip(t, e)) {
		if (t[e].type != JSMN_OBJECT)
			return -1;
		/* each entry is a failure (ErrorCode) or a success (RecordId) */
		int ec = json_get(body, t, e, "ErrorCode"), id = json_get(body, t, e, "RecordId");
		if (!(ec > 0 && t[ec].type == JSMN_STRING) && !(id > 0 && t[id].type == JSMN_STRING))
			return -1;
	}
	/* marking a group acked changes nothing after it: the next group is cut
	 * from where this one ends */
	i = first;
	for (int k = 0, e = arr + 1; k < t[arr].size; k++, e = json_skip(t, e)) {
		while (ring_rec(r, i)->acked)
			i++;
		uint64_t past = firehose_group(r, i, end, a, &bytes);
		int ec = json_get(body, t, e, "ErrorCode");
		if (ec > 0 && t[ec].type == JSMN_STRING) {
			if (!nfailed++)
				json_copy(body, &t[ec], code, codecap);
			for (; i < past; i++)
				failed += !ring_rec(r, i)->acked;
			continue;
		}
		for (; i < past; i++)
			ring_rec(r, i)->acked = 1;
	}
	return failed;
}
