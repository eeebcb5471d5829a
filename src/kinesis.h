/* Amazon Kinesis Data Streams PutRecords: what is its own in the API table
 * (api.h): each record's partition key, and the answer's per-record results. */
#ifndef KINESIS_H
#define KINESIS_H
#include <stddef.h>
#include <stdint.h>
#include "api.h"

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

/* api.extra: record v's ,"PartitionKey":"K" (K escaped) into out; its
 * length.  The key is worked out again at each call (DETERMINISTIC: an MD5
 * of the record each time), and never counted as a fallback. */
size_t kinesis_extra(const struct api_args *a, const struct rec_view *v, uint64_t pos, char *out);
/* api.extra_max: the bytes a record's key counts for in the batch limits,
 * at the most its kind of key may take. */
size_t kinesis_extra_max(const struct api_args *a);

/* api.group: with aggregation (a->agg, the most an aggregated record's data
 * and key may be), the records from i (not acked) that go as one KPL
 * aggregated record (kpl.h) under i's key: with RANDOM keys or partitionKey
 * as many as fit, with DETERMINISTIC or partitionKeyField keys as many of
 * those that follow with i's own key; acked ones between them are passed
 * over.  A group of one is
 * the record as it is; *bytes: the group's data bytes, framed when it has
 * several.  a->view gives the records' bytes. */
uint64_t kinesis_group(const struct ring *r, uint64_t i, uint64_t end, const struct api_args *a, size_t *bytes);
/* api.kpl_key: the key of the aggregated record whose first record is v
 * (at ring position pos), raw, into out (KINESIS_MAX_KEY_BYTES + 1); its
 * length.  Never counted as a fallback. */
size_t kinesis_kpl_key(const struct api_args *a, const struct rec_view *v, uint64_t pos, char *out);

/* api.apply: marks each accepted record acked (entries are groups, cut as
 * the encoder cut them: kinesis_group).  Returns the number of
 * records that failed (and the first failure's ErrorCode in code), or -1 if
 * the answer is malformed or does not match the request (then nothing is
 * marked): an entry count other than the Kinesis records sent, an entry that is
 * neither a failure (ErrorCode) nor a success (SequenceNumber and ShardId),
 * a FailedRecordCount that is not a number or is more than the entries that
 * failed (one below them is taken as a lie the entries correct).  toks: 5 a
 * record and a few more. */
long kinesis_apply(const char *body, size_t len, jsmntok_t *toks, size_t ntoks, struct ring *r, uint64_t first,
		   uint64_t end, const struct api_args *a, char *code, size_t codecap);
#endif
