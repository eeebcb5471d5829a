/* Amazon Kinesis Data Streams PutRecords: the request body, streamed from the
 * ring without building it whole, each record's partition key, and the
 * answer's meaning.  The same shape as firehose.h, so a flow drives either. */
#ifndef KINESIS_H
#define KINESIS_H
#include <stddef.h>
#include <stdint.h>
#include "firehose.h"
#include "json.h"
#include "ring.h"

#define KINESIS_TARGET "Kinesis_20131202.PutRecords"
#define KINESIS_SERVICE "kinesis"

/* PutRecords API reference and the Kinesis Data Streams quotas.  A record's
 * size is its data (before base64) plus its partition key (UTF-8 bytes); a
 * request's size is the sum of its records'. */
#define KINESIS_MAX_BATCH_RECORDS 500
#define KINESIS_MAX_RECORD_BYTES (1024 * 1024)		/* default stream MaxRecordSize */
#define KINESIS_MAX_RECORD_BYTES_LARGE (10 * 1024 * 1024)	/* a raised one (2025) */
/* 5 MiB is the limit documented since 2014 and the Java agent's
 * MAX_PUT_RECORDS_SIZE_BYTES; the service took 10 MiB with the 10 MiB
 * records, and a record must fit in a request, so streams whose records may
 * be larger than 1 MiB get the larger one (kinesis_max_batch_bytes). */
#define KINESIS_MAX_BATCH_BYTES (5 * 1024 * 1024)
#define KINESIS_MAX_BATCH_BYTES_LARGE (10 * 1024 * 1024)
/* PartitionKey: 1..256 Unicode characters (model: min 1, max 256).  Counted
 * here as UTF-16 units, as the service's Java validation does, so a character
 * outside the BMP counts twice: never more than the service allows. */
#define KINESIS_MAX_KEY_CHARS 256
#define KINESIS_MAX_KEY_BYTES (3 * KINESIS_MAX_KEY_CHARS)	/* UTF-8, at most 3 bytes a unit */
#define KINESIS_MAX_KEY_ESC (6 * KINESIS_MAX_KEY_CHARS)	/* JSON-escaped: \u00XX a unit */
#define KINESIS_MAX_STREAM_NAME 128		/* [a-zA-Z0-9_.-]{1,128} (model) */
#define KINESIS_MAX_FIELD 256			/* partitionKeyField's name, in bytes */

/* The request limit for a stream whose records may be max_record bytes. */
static inline size_t kinesis_max_batch_bytes(size_t max_record)
{
	return max_record > KINESIS_MAX_RECORD_BYTES ? KINESIS_MAX_BATCH_BYTES_LARGE : KINESIS_MAX_BATCH_BYTES;
}

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
 * (SequenceNumber and ShardId), a FailedRecordCount that is not a number or
 * is more than the entries that failed (one below them is taken as a lie
 * the entries correct). */
long kinesis_apply(const char *body, size_t len, jsmntok_t *toks, size_t ntoks,
		   struct ring *r, uint64_t first, uint64_t end, char *code, size_t codecap);
/* For an answer too long to keep whole: if its start says
 * "FailedRecordCount":0, marks every record of [first, end) acked and
 * returns 1; else 0.  The caller also checks, in the whole answer, that
 * KINESIS_FAILED_KEY is not there and KINESIS_OK_KEY is there once a record
 * sent. */
int kinesis_all_accepted(const char *body, size_t len, struct ring *r, uint64_t first, uint64_t end);
/* A failed entry's key and a success's, as they appear in an answer. */
#define KINESIS_FAILED_KEY "\"ErrorCode\""
#define KINESIS_OK_KEY "\"SequenceNumber\""
#endif
