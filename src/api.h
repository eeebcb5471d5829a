/* The AWS calls kagent makes, one table each, as BearSSL's classes are:
 * Firehose's PutRecordBatch, Kinesis's PutRecords, and the read-only
 * Describe* call of kagent -t --online for each.  A table says what goes in
 * the request head, how the body is written (one encoder for all, with two
 * hooks), what an answer means, and the API's limits.  A flow holds a
 * pointer to one and never asks which it is. */
#ifndef API_H
#define API_H
#include <stddef.h>
#include <stdint.h>
#include <bearssl_hash.h>
#include "aws.h"
#include "b64.h"
#include "batch.h"
#include "http.h"
#include "json.h"
#include "kpl.h"
#include "ring.h"

/* What an answer other than 200 means, whichever API gave it. */
enum api_class {
	API_RETRY,	/* throttled, 5xx, garbage: the same records again after a backoff */
	API_CREDS,	/* credentials or permission refused: long backoff, say so */
	API_NOTFOUND,	/* no such stream: long backoff, say so */
	API_INVALID,	/* the request itself was refused: a bug or a bad record */
};

struct kinesis_keys;

/* What a flow's calls carry besides its records (not copied). */
struct api_args {
	const char *stream;			/* checked by conf: [a-zA-Z0-9_.-], no escaping */
	size_t agg;				/* Firehose: aggregatedRecordSizeBytes; Kinesis with aggregation:
						   an aggregated record's data and key at the most (0: off) */
	const struct kinesis_keys *keys;	/* Kinesis: each record's PartitionKey */
	rec_view_fn view;			/* a record's bytes as sent, for the group hook's keys */
	void *view_ctx;
};

/* The most an extra field of a record (api.extra) takes: Kinesis's
 * ,"PartitionKey":"..." with the longest key escaped. */
#define API_EXTRA_MAX (32 + KINESIS_MAX_KEY_ESC)

struct api {
	const char *name;		/* "Firehose", "Kinesis": for the log */
	const char *stream_kind;	/* "delivery stream", "stream" */
	const char *target;		/* X-Amz-Target */
	const char *service;		/* SigV4's service name */
	const char *stream_key;		/* the body's name of the stream */
	int records;			/* the body carries "Records"; 0: a Describe call */
	const struct api *describe;	/* the read-only call that asks whether the stream is there */
	size_t max_record_bytes;	/* a record's data; 0: the flow's maxRecordSizeBytes */

	/* The body's hooks.  group: the records that go as one entry from
	 * record i (not acked) on: the index past its last, its bytes in
	 * *bytes (NULL: each record its own).  extra: the fields written after
	 * a record's Data (v: its bytes as sent, pos: its ring position) into
	 * out (API_EXTRA_MAX bytes); its length (NULL: none).  extra_max: the
	 * most bytes extra adds to a record's size as the API counts it
	 * (NULL: 0). */
	uint64_t (*group)(const struct ring *r, uint64_t i, uint64_t end, const struct api_args *a, size_t *bytes);
	/* kpl_key: an entry of several records is one KPL aggregated record
	 * (kpl.h) whose key table holds this key of its first record (raw,
	 * into out, KINESIS_MAX_KEY_BYTES + 1; its length), and its extra
	 * fields are its first record's.  NULL: the records' bytes joined. */
	size_t (*kpl_key)(const struct api_args *a, const struct rec_view *v, uint64_t pos, char *out);
	size_t (*extra)(const struct api_args *a, const struct rec_view *v, uint64_t pos, char *out);
	size_t (*extra_max)(const struct api_args *a);

	/* Answers.  apply: a 200 answer applied to the records [first, end)
	 * not yet acked (entries as the encoder cut them): each accepted one
	 * acked; returns how many failed (the first failure's code into
	 * code), or -1 if the answer is malformed or does not match the
	 * request (then nothing is marked).  toks: ntoks entries of scratch.
	 * failed_count: the answer's count of failures; failed_key, ok_key: a
	 * failed entry's key and an accepted one's as they appear in an answer
	 * (quotes included; the caller counts them in the whole answer as
	 * http_resp needles): read by api_all_accepted().  creds, throttling:
	 * NULL-ended lists of error codes beyond those every API shares
	 * (api_error). */
	long (*apply)(const char *body, size_t len, jsmntok_t *toks, size_t ntoks, struct ring *r, uint64_t first,
		      uint64_t end, const struct api_args *a, char *code, size_t codecap);
	const char *failed_count, *failed_key, *ok_key;
	const char *const *creds;
	const char *const *throttling;
};

extern const struct api api_firehose, api_kinesis, api_firehose_describe, api_kinesis_describe;

/* Streams the JSON body of a call for the records of [first, end) not yet
 * acked: {"<stream_key>":"S","Records":[{"Data":"B64"<extra>},...]}, or
 * {"<stream_key>":"S"} for a Describe call.  flow.c encodes it once into
 * the idle answer buffer when it fits there, else twice per attempt (into
 * SHA-256 for the signature, then onto the wire), so it never needs a
 * buffer of its own. */
struct api_enc {
	const struct api *api;
	const struct api_args *args;
	const struct ring *ring;
	rec_view_fn view;	/* a record's bytes as sent */
	void *ctx;
	uint64_t first, end;
	char head[32 + KINESIS_MAX_STREAM_NAME];	/* {"StreamName":"...","Records":[ */
	size_t head_len;
	char close[API_EXTRA_MAX + 2];	/* the current entry's end: " <extra> } */
	size_t close_len;
	/* position */
	int part;		/* HEAD, OPEN, DATA, CLOSE, TAIL, DONE */
	uint64_t i;		/* current record */
	uint64_t efirst;	/* the current entry's first record */
	uint64_t gend;		/* just past the last record of the current entry */
	size_t off;		/* in the current fixed piece, or the record's (head and) data bytes consumed */
	struct b64 b64;		/* the entry's bytes not yet encoded (a record's end is not an entry's) */
	int nth;		/* entries written so far */
	/* a KPL aggregated entry: the head before the current record, the MD5 of its protobuf bytes */
	int kpl;
	unsigned char pre[KPL_HEAD_MAX + KPL_REC_HEAD_MAX];
	size_t pre_len;		/* 0: not made yet for the current record */
	size_t skip;		/* of the bytes fed, the magic's not hashed */
	br_md5_context md5;
	unsigned char digest[KPL_MD5_LEN];
	size_t trail;		/* digest bytes written */
};

/* Prepares enc.  view gives each record's bytes (NULL: ring_view, the
 * bytes as read); it is asked for again at each call, since a processed
 * record's bytes live in scratch memory that another flow may have used in
 * between.  The body's length is what api_enc_next gives in all: the body
 * is made before its head (the signature is over its hash), so nothing
 * needs it sooner. */
void api_enc_init(struct api_enc *enc, const struct api *api, const struct api_args *a, const struct ring *r,
		  uint64_t first, uint64_t end, rec_view_fn view, void *ctx);
/* Writes the next bytes of the body into out (cap >= 8); returns the count, 0 at the end. */
size_t api_enc_next(struct api_enc *enc, char *out, size_t cap);

/* Classifies an answer other than 200 from its status, body and
 * x-amzn-ErrorType header; the error code and message go to code/msg
 * (truncated, NUL-ended). */
enum api_class api_error(const struct api *api, int status, const char *body, size_t len, const char *type_hdr,
			 char *code, size_t codecap, char *msg, size_t msgcap);
/* 1 if code (a record's ErrorCode or an error's) says the stream is
 * throttling us: send slower. */
int api_throttled(const struct api *api, const char *code);
/* The entries of a body for the records of [first, end) not acked: one
 * per record, or per group (api.group). */
size_t api_entries(const struct api *api, const struct api_args *a, const struct ring *r, uint64_t first,
		   uint64_t end);
/* For an answer r (whole or too long to keep whole) whose needles were
 * failed_key and ok_key, in that order: if its start says the count of
 * failures is 0, failed_key never occurs in it and ok_key once an entry
 * sent (api_entries), marks every record of [first, end) acked and returns
 * 1; else 0.  Such an answer needs no parse. */
int api_all_accepted(const struct api *api, const struct api_args *a, const struct http_resp *r,
		     struct ring *ring, uint64_t first, uint64_t end);
/* What answer r (complete) to a call for the records [first, end) of ring
 * means, as an outcome for batch_apply(): a 200 answer to a PutRecords or
 * PutRecordBatch is applied to the ring (each accepted record acked; one
 * that does not match the request is malformed, marking nothing); a
 * Describe call's 200 has the stream's status in msg; any other is
 * classified, a refused signature time being BATCH_SKEW when the answer
 * says AWS's time, and a refused request naming a record giving its index.
 * o->code and o->msg point into code and msg. */
void api_outcome(const struct api *api, const struct api_args *a, const struct http_resp *r, jsmntok_t *toks,
		 size_t ntoks, struct ring *ring, uint64_t first, uint64_t end, struct batch_outcome *o, char *code,
		 size_t codecap, char *msg, size_t msgcap);
/* 1 if an entry of the body may carry several records (then an index the
 * service names is an entry's, not a record's). */
int api_grouped(const struct api *api, const struct api_args *a);
#endif
