/* Amazon Kinesis Data Streams PutRecords: the request body, streamed from the
 * ring without building it whole, each record's partition key, and the
 * answer's meaning.  The same shape as firehose.h, so a flow drives either. */
#ifndef KINESIS_H
#define KINESIS_H
#include <stddef.h>
#include <stdint.h>
#include "aws.h"
#include "firehose.h"
#include "json.h"
#include "ring.h"

#define KINESIS_TARGET "Kinesis_20131202.PutRecords"
#define KINESIS_SERVICE "kinesis"

#define KINESIS_MAX_FIELD 256			/* partitionKeyField's name, in bytes */

/* How a record's partition key is chosen. */
enum kinesis_key_kind {
	KINESIS_KEY_RANDOM,		/* the Java agent's default: a random decimal, 0 <= x < 1000000 */
	KINESIS_KEY_DETERMINISTIC,	/* the Java agent's: lower-case hex MD5 of the record as sent */
	KINESIS_KEY_FIXED,		/* partitionKey: one string for every record */
	KINESIS_KEY_FIELD,		/* partitionKeyField: a top-level field of a JSON object record */
};

/* A flow's key settings.  Every key is a pure function of (salt, the record's
 * ring position, its bytes as sent), so a record keeps its key on every
 * attempt and both passes of an attempt write the same bytes. */
struct kinesis_keys {
	enum kinesis_key_kind kind;
	uint64_t salt;		/* RANDOM, and FIELD's fallback: random, per flow and process */
	const char *arg;	/* FIXED: the key; FIELD: the field's name (not copied) */
	size_t arg_len;
	uint64_t fallbacks;	/* FIELD: records given a RANDOM key instead (kinesis_key counts) */
};

/* Sets k up; arg is FIXED's key or FIELD's name, NULL for the others.
 * Returns 0, or -1 if arg is missing or not valid (kinesis_key_valid for a
 * key; 1..KINESIS_MAX_FIELD bytes for a name). */
int kinesis_keys_init(struct kinesis_keys *k, enum kinesis_key_kind kind, const char *arg, uint64_t salt);
/* 1 if s (n bytes) is a key the service takes: valid UTF-8 without NUL, 1..256 characters. */
int kinesis_key_valid(const char *s, size_t n);
/* The key of the record at ring position pos whose bytes as sent are v, into
 * out with a NUL; returns its length in bytes (1..KINESIS_MAX_KEY_BYTES).
 * FIELD: the value of the record's first top-level field of that name, if
 * it is a string (decoded) or a number (its text as written) that makes a
 * valid key; the record is read only up to that value.  Else (not a JSON
 * object, no such field, another type, an empty or too long value) the
 * RANDOM key, and k->fallbacks grows by one: the encoder's own calls never
 * count, so calling this once a record (when sizing batches) counts records. */
size_t kinesis_key(struct kinesis_keys *k, const struct rec_view *v, uint64_t pos,
		   char out[KINESIS_MAX_KEY_BYTES + 1]);

/* Streams the JSON body for the records of [first, end) not yet acked:
 * {"StreamName":"S","Records":[{"Data":"B64","PartitionKey":"K"},...]} */
struct kinesis_enc {
	const struct ring *ring;
	rec_view_fn view;	/* a record's bytes as sent */
	void *ctx;
	const struct kinesis_keys *keys;
	uint64_t first, end;
	char head[32 + KINESIS_MAX_STREAM_NAME];	/* {"StreamName":"...","Records":[ */
	size_t head_len;
	char key[KINESIS_MAX_KEY_ESC];	/* the current record's key, escaped */
	size_t key_len;
	/* position */
	int part;		/* HEAD, OPEN, DATA, MID, KEY, CLOSE, TAIL, DONE */
	uint64_t i;		/* current record */
	size_t off;		/* in the current fixed piece, or data bytes consumed */
	int nth;		/* records written so far */
};

/* Prepares enc; returns the exact body length.  stream is checked by conf
 * ([a-zA-Z0-9_.-]{1,128}: no escaping).  view gives each record's bytes (NULL:
 * ring_view, the bytes as read).  Each record's key is worked out here and
 * again while streaming (DETERMINISTIC: an MD5 of the record each time). */
size_t kinesis_enc_init(struct kinesis_enc *enc, const struct ring *r, uint64_t first, uint64_t end,
			const char *stream, const struct kinesis_keys *keys, rec_view_fn view, void *ctx);
/* Writes the next bytes of the body into out (cap >= 8); returns the count, 0 at the end. */
size_t kinesis_enc_next(struct kinesis_enc *enc, char *out, size_t cap);

/* Classifies a non-200 answer as firehose_error does, with Kinesis's own
 * codes: the KMS* errors of a stream's key that is disabled, missing or not
 * ours are FH_CREDS (a long backoff, said once); throttling
 * (ProvisionedThroughputExceededException, LimitExceededException,
 * KMSThrottlingException) and ResourceInUseException (a stream being created
 * or updated) are FH_RETRY. */
enum firehose_class kinesis_error(int status, const char *body, size_t len, const char *type_hdr,
				  char *code, size_t codecap, char *msg, size_t msgcap);
/* 1 if code (a record's ErrorCode or an error's) says the stream is
 * throttling us: send slower. */
int kinesis_throttled(const char *code);

/* Applies a 200 answer to the batch: marks each accepted record acked.
 * toks is scratch for jsmn (ntoks entries; 5 a record and a few more).
 * Returns the number of records that failed (and the first failure's
 * ErrorCode in code), or -1 if the answer is malformed or does not match the
 * request (then nothing is marked): an entry count other than the records
 * sent, an entry that is neither a failure (ErrorCode) nor a success
 * (SequenceNumber and ShardId), a FailedRecordCount that is not the number
 * of failures. */
long kinesis_apply(const char *body, size_t len, jsmntok_t *toks, size_t ntoks,
		   struct ring *r, uint64_t first, uint64_t end, char *code, size_t codecap);
/* For an answer too long to keep whole: if its start says
 * "FailedRecordCount":0, marks every record of [first, end) acked and
 * returns 1; else 0. */
int kinesis_all_accepted(const char *body, size_t len, struct ring *r, uint64_t first, uint64_t end);
#endif
