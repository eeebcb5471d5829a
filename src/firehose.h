/* Amazon Data Firehose PutRecordBatch: what is its own in the API table
 * (api.h): aggregatedRecordSizeBytes's groups, and the answer's per-record
 * results. */
#ifndef FIREHOSE_H
#define FIREHOSE_H
#include <stddef.h>
#include <stdint.h>
#include "api.h"

#define FIREHOSE_TARGET "Firehose_20150804.PutRecordBatch"
#define FIREHOSE_SERVICE "firehose"

/* api.group: with aggregation (a->agg > 0) one Firehose record carries a
 * group of records: consecutive records not acked (acked ones between them
 * are skipped, part of no group), as many as fit in agg bytes, their bytes
 * joined as they are.  A record longer than agg goes alone.  agg 0: one
 * record each. */
uint64_t firehose_group(const struct ring *r, uint64_t i, uint64_t end, const struct api_args *a, size_t *bytes);

/* api.apply: entry k of RequestResponses answers the k-th Firehose record
 * (groups cut as the encoder did); each accepted one marks the records it
 * carried acked.  Returns the number of records (of the ring, not
 * Firehose's) in the ones that failed (and the first failure's code in
 * code), or -1 if the answer is malformed or does not match the request
 * (then nothing is marked). */
long firehose_apply(const char *body, size_t len, jsmntok_t *toks, size_t ntoks, struct ring *r, uint64_t first,
		    uint64_t end, const struct api_args *a, char *code, size_t codecap);
#endif
