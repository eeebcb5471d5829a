/* Amazon Kinesis Data Firehose PutRecordBatch: the request body, streamed
 * from the ring without building it whole, and the response's meaning. */
#ifndef FIREHOSE_H
#define FIREHOSE_H
#include <stddef.h>
#include <stdint.h>
#include "b64.h"
#include "json.h"
#include "ring.h"

#define FIREHOSE_TARGET "Firehose_20150804.PutRecordBatch"
#define FIREHOSE_SERVICE "firehose"

/* Streams the JSON body for the records of [first, end) not yet acked.
 *
 * With aggregation (agg > 0) one Firehose record carries a group of them:
 * consecutive records not acked (acked ones between them are skipped, part
 * of no group), as many as fit in agg bytes, their bytes joined as they are.
 * A record longer than agg goes alone.  agg 0: one record each. */
struct firehose_enc {
	const struct ring *ring;
	rec_view_fn view;	/* a record's bytes as sent */
	void *ctx;
	uint64_t first, end;
	size_t agg;
	char head[128];		/* {"DeliveryStreamName":"...","Records":[ */
	size_t head_len;
	/* position */
	int part;		/* HEAD, OPEN, DATA, CLOSE, TAIL, DONE */
	uint64_t i;		/* current record */
	uint64_t gend;		/* just past the last record of the current group */
	size_t off;		/* in the current fixed piece, or data bytes consumed */
	struct b64 b64;		/* the group's bytes not yet encoded (a record's end is not a group's) */
	int nth;		/* Firehose records written so far */
};

/* Prepares enc; returns the exact body length.  agg: aggregatedRecordSizeBytes
 * (0: off).  view gives each record's bytes (NULL: ring_view, the bytes as read). */
size_t firehose_enc_init(struct firehose_enc *enc, const struct ring *r, uint64_t first,
			 uint64_t end, const char *stream, size_t agg, rec_view_fn view, void *ctx);
/* Writes the next bytes of the body into out (cap >= 8); returns the count, 0 at the end. */
size_t firehose_enc_next(struct firehose_enc *enc, char *out, size_t cap);

/* What an answer means for the batch. */
enum firehose_class {
	FH_OK,		/* 200 with per-record results */
	FH_RETRY,	/* throttled, 5xx, garbage: the same records again after a backoff */
	FH_CREDS,	/* credentials or permission refused: long backoff, say so */
	FH_NOTFOUND,	/* no such delivery stream: long backoff, say so */
	FH_INVALID,	/* the request itself was refused: a bug or a bad record */
};

/* Classifies a non-200 answer from its status, body and x-amzn-ErrorType
 * header; the error code and message go to code/msg (truncated, NUL-ended). */
enum firehose_class firehose_error(int status, const char *body, size_t len, const char *type_hdr,
				   char *code, size_t codecap, char *msg, size_t msgcap);

/* Applies a 200 answer to the batch (records grouped by agg, as the
 * encoder did): entry k answers the k-th Firehose record; each accepted one
 * marks the records it carried acked.  toks is scratch for jsmn (ntoks
 * entries).  Returns the number of records (of the ring, not Firehose's) in
 * the ones that failed (and the first failure's code in code), or -1 if the
 * answer is malformed or does not match the request (then nothing is marked). */
long firehose_apply(const char *body, size_t len, jsmntok_t *toks, size_t ntoks,
		    struct ring *r, uint64_t first, uint64_t end, size_t agg, char *code, size_t codecap);
/* For an answer too long to keep whole: if its start says "FailedPutCount":0,
 * marks every record of [first, end) acked and returns 1; else 0.  The
 * caller also checks, in the whole answer, that FIREHOSE_FAILED_KEY is not
 * there and FIREHOSE_OK_KEY is there firehose_entries() times. */
int firehose_all_accepted(const char *body, size_t len, struct ring *r, uint64_t first, uint64_t end);
/* The entries of an answer to the records of [first, end) not acked: one
 * per Firehose record sent (a group, with aggregation). */
size_t firehose_entries(const struct ring *r, uint64_t first, uint64_t end, size_t agg);
/* A failed entry's key and a success's, as they appear in an answer. */
#define FIREHOSE_FAILED_KEY "\"ErrorCode\""
#define FIREHOSE_OK_KEY "\"RecordId\""
#endif
