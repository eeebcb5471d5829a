/* The API tables, the one body encoder, and what every API's answers share.
 *
 * The body is a fixed head, one entry per record (or group of records, by
 * the group hook) and a fixed tail; an entry is {"Data":"B64"} with the
 * extra hook's fields before its closing brace. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "api.h"
#include "civil.h"
#include "find.h"
#include "firehose.h"
#include "fmt.h"
#include "kinesis.h"
#include "numfmt.h"

static const char *const kinesis_creds[] = {
	/* a stream encrypted with a KMS key that is disabled, missing or not
	 * enabled for the account takes no record until someone fixes it;
	 * and the un-suffixed spellings of the common authentication errors */
	"KMSDisabledException", "KMSInvalidStateException", "KMSNotFoundException", "KMSOptInRequired",
	"IncompleteSignature", "MissingAuthenticationToken", "ExpiredToken", "OptInRequired", NULL,
};
static const char *const kinesis_throttling[] = {
	"ProvisionedThroughputExceededException", "LimitExceededException", "KMSThrottlingException",
	"ThrottlingException", NULL,
};

/* a record Firehose could not take for the delivery stream's throughput
 * (PutRecordBatch's per-record ErrorCode) */
static const char *const firehose_throttling[] = {
	"ServiceUnavailableException", "ThrottlingException", NULL,
};

const struct api api_firehose_describe = {
	.name = "Firehose", .stream_kind = "delivery stream", .target = "Firehose_20150804.DescribeDeliveryStream",
	.service = FIREHOSE_SERVICE, .stream_key = "DeliveryStreamName",
};
const struct api api_kinesis_describe = {
	.name = "Kinesis", .stream_kind = "stream", .target = "Kinesis_20131202.DescribeStreamSummary",
	.service = KINESIS_SERVICE, .stream_key = "StreamName", .creds = kinesis_creds,
};
const struct api api_firehose = {
	.name = "Firehose", .stream_kind = "delivery stream", .target = FIREHOSE_TARGET,
	.service = FIREHOSE_SERVICE, .stream_key = "DeliveryStreamName", .records = 1,
	.describe = &api_firehose_describe, .max_record_bytes = FIREHOSE_MAX_RECORD_BYTES,
	.group = firehose_group, .apply = firehose_apply, .failed_count = "FailedPutCount",
	.failed_key = "\"ErrorCode\"", .ok_key = "\"RecordId\"", .throttling = firehose_throttling,
};
const struct api api_kinesis = {
	.name = "Kinesis", .stream_kind = "stream", .target = KINESIS_TARGET,
	.service = KINESIS_SERVICE, .stream_key = "StreamName", .records = 1,
	.describe = &api_kinesis_describe, .max_record_bytes = 0,
	.group = kinesis_group, .kpl_key = kinesis_kpl_key, .extra = kinesis_extra, .extra_max = kinesis_extra_max,
	.apply = kinesis_apply, .failed_count = "FailedRecordCount", .failed_key = "\"ErrorCode\"",
	.ok_key = "\"SequenceNumber\"", .creds = kinesis_creds, .throttling = kinesis_throttling,
};

/* ---- the body ---- */

enum { P_HEAD, P_OPEN, P_DATA, P_CLOSE, P_TAIL, P_DONE };

static const char rec_open[] = ",{\"Data\":\"";	/* the comma before all but the first */

/* The entry of [i, end) that starts at record i (not acked): the index
 * past its last record, its data bytes in *bytes. */
static uint64_t entry_of(const struct api *api, const struct api_args *a, const struct ring *r, uint64_t i,
			 uint64_t end, size_t *bytes)
{
	if (api->group)
		return api->group(r, i, end, a, bytes);
	*bytes = rec_data_len(ring_rec(r, i));
	return i + 1;
}

static uint64_t entry(const struct api_enc *e, uint64_t i, size_t *bytes)
{
	return entry_of(e->api, e->args, e->ring, i, e->end, bytes);
}

size_t api_entries(const struct api *api, const struct api_args *a, const struct ring *r, uint64_t first,
		   uint64_t end)
{
	size_t n = 0, bytes;

	for (uint64_t i = first; i < end; n++) {
		while (i < end && ring_rec(r, i)->acked)
			i++;
		if (i == end)
			break;
		i = entry_of(api, a, r, i, end, &bytes);
	}
	return n;
}

/* The end of the entry whose first record is i into out: the quote that
 * closes its Data, the extra fields (its first record's: an aggregated
 * record's records have its key), the brace.  Its length. */
static size_t entry_close(const struct api_enc *e, uint64_t i, char *out)
{
	struct rec_view v;
	size_t n = 0;

	if (e->api->extra) {
		e->view(e->ctx, e->ring, i, &v);
		n = e->api->extra(e->args, &v, ring_rec(e->ring, i)->pos, out + 1);
	}
	out[0] = '"';
	out[n + 1] = '}';
	return n + 2;
}

/* Moves to the next entry from record e->i on; 0 when there is none. */
static int next_entry(struct api_enc *e)
{
	size_t n, recs = 0;

	while (e->i < e->end && ring_rec(e->ring, e->i)->acked)
		e->i++;
	if (e->i >= e->end)
		return 0;
	e->efirst = e->i;
	e->gend = entry(e, e->i, &n);
	for (uint64_t j = e->i; j < e->gend && recs < 2; j++)
		recs += !ring_rec(e->ring, j)->acked;
	e->kpl = e->api->kpl_key && recs > 1;
	e->pre_len = e->trail = 0;
	e->skip = KPL_MAGIC_LEN;
	if (e->kpl)
		br_md5_init(&e->md5);
	return 1;
}

void api_enc_init(struct api_enc *e, const struct api *api, const struct api_args *a, const struct ring *r,
		  uint64_t first, uint64_t end, rec_view_fn view, void *ctx)
{
	memset(e, 0, sizeof *e);
	e->api = api;
	e->args = a;
	e->ring = r;
	e->view = view ? view : ring_view;
	e->ctx = ctx;
	e->first = e->i = first;
	e->end = api->records ? end : first;
	b64_init(&e->b64);
	e->head_len = (size_t)fmt_snprintf(e->head, sizeof e->head, "{\"%s\":\"%s\"%s", api->stream_key, a->stream,
				       api->records ? ",\"Records\":[" : "");
	next_entry(e);
}

/* A fixed piece of the body, from e->off on (json_piece). */
static int piece(struct api_enc *e, const char *s, size_t n, char **out, size_t *cap)
{
	return json_piece(s, n, &e->off, out, cap);
}

/* Feeds bytes of the entry (p, n) into base64 while cap has room for a
 * group of 4 (b64_update writes up to b64_len(k + 2)), into the MD5 of an
 * aggregated record but for its magic.  Returns the bytes taken. */
static size_t feed(struct api_enc *e, const void *p, size_t n, int hash, char **out, size_t *cap)
{
	size_t k, w, h;

	if (*cap < 4)
		return 0;
	k = n < *cap / 4 * 3 - 2 ? n : *cap / 4 * 3 - 2;
	w = b64_update(&e->b64, p, k, *out);
	*out += w;
	*cap -= w;
	if (hash && e->kpl) {
		h = e->skip < k ? e->skip : k;
		e->skip -= h;
		br_md5_update(&e->md5, (const char *)p + h, k - h);
	}
	return k;
}

/* Record e->i's head in an aggregated record (the aggregate's own head
 * before its first record) into e->pre. */
static void kpl_pre(struct api_enc *e, const struct rec_view *v)
{
	char key[KINESIS_MAX_KEY_BYTES + 1];
	size_t n = 0;

	if (e->i == e->efirst)
		n = kpl_head(e->pre, key, e->api->kpl_key(e->args, v, ring_rec(e->ring, e->i)->pos, key));
	e->pre_len = n + kpl_rec_head(e->pre + n, v->n[0] + v->n[1] + v->n[2]);
}

/* Base64 of the entry's bytes from record e->i, offset e->off (of an
 * aggregated record: each record's head, then its data; the MD5 after the
 * last), in groups of 4 while cap has room for one; a group of 4 may take
 * its bytes from two or three records (e->b64 keeps them across).  The view
 * is asked for again at each call, once per record.  Returns 1 when the
 * entry is all out. */
static int data(struct api_enc *e, char **out, size_t *cap)
{
	struct rec_view v;
	size_t k;

	for (; e->i < e->gend; e->i++, e->off = 0, e->pre_len = 0) {
		if (ring_rec(e->ring, e->i)->acked)
			continue;
		e->view(e->ctx, e->ring, e->i, &v);
		if (e->kpl && !e->pre_len)
			kpl_pre(e, &v);
		while (e->off < e->pre_len) {
			if (!(k = feed(e, e->pre + e->off, e->pre_len - e->off, 1, out, cap)))
				return 0;
			e->off += k;
		}
		while (e->off < e->pre_len + v.n[0] + v.n[1] + v.n[2]) {
			/* the span e->off is in, and where in it */
			int s = 0;
			size_t at = e->off - e->pre_len;
			while (at >= v.n[s])
				at -= v.n[s++];
			if (!(k = feed(e, v.p[s] + at, v.n[s] - at, 1, out, cap)))
				return 0;
			e->off += k;
		}
	}
	if (e->kpl && !e->trail)
		br_md5_out(&e->md5, e->digest);
	while (e->kpl && e->trail < KPL_MD5_LEN) {
		if (!(k = feed(e, e->digest + e->trail, KPL_MD5_LEN - e->trail, 0, out, cap)))
			return 0;
		e->trail += k;
	}
	if (e->b64.ncarry) {
		if (*cap < 4)
			return 0;
		k = b64_final(&e->b64, *out);
		*out += k;
		*cap -= k;
	}
	return 1;
}

size_t api_enc_next(struct api_enc *e, char *buf, size_t cap)
{
	char *out = buf;

	while (cap > 0 && e->part != P_DONE) {
		switch (e->part) {
		case P_HEAD:
			if (piece(e, e->head, e->head_len, &out, &cap))
				e->part = e->i < e->end ? P_OPEN : P_TAIL;	/* init found the first entry */
			break;
		case P_OPEN: {
			const char *s = e->nth ? rec_open : rec_open + 1;
			if (piece(e, s, strlen(s), &out, &cap))
				e->part = P_DATA;
			break;
		}
		case P_DATA:
			if (!data(e, &out, &cap))
				return (size_t)(out - buf);	/* fewer than 4 bytes left */
			e->close_len = entry_close(e, e->efirst, e->close);
			e->part = P_CLOSE;
			break;
		case P_CLOSE:
			if (piece(e, e->close, e->close_len, &out, &cap)) {
				e->nth++;
				e->part = next_entry(e) ? P_OPEN : P_TAIL;
			}
			break;
		case P_TAIL: {
			const char *s = e->api->records ? "]}" : "}";
			if (piece(e, s, strlen(s), &out, &cap))
				e->part = P_DONE;
			break;
		}
		}
	}
	return (size_t)(out - buf);
}

/* ---- answers ---- */

static int listed(const char *code, const char *const *list)
{
	for (; list && *list; list++)
		if (!strcmp(code, *list))
			return 1;
	return 0;
}

enum api_class api_error(const struct api *api, int status, const char *body, size_t len, const char *type_hdr,
			 char *code, size_t codecap, char *msg, size_t msgcap)
{
	static const char *const creds[] = {
		"UnrecognizedClientException", "InvalidSignatureException", "AccessDeniedException",
		"ExpiredTokenException", "IncompleteSignatureException", "MissingAuthenticationTokenException",
		"InvalidClientTokenId", "SignatureDoesNotMatch", "NotAuthorized", "KMSAccessDeniedException", NULL,
	};
	static const char *const invalid[] = {
		"ValidationException", "SerializationException", "InvalidArgumentException",
		"UnknownOperationException", "InvalidParameterException", NULL,
	};
	jsmntok_t t[64];
	jsmn_parser p;
	int n, v;

	code[0] = msg[0] = 0;
	jsmn_init(&p);
	n = jsmn_parse(&p, body, len, t, sizeof t / sizeof *t);
	if (n > 0 && t[0].type == JSMN_OBJECT) {
		if ((v = json_get(body, t, 0, "__type")) > 0)
			json_copy(body, &t[v], code, codecap);
		if ((v = json_get(body, t, 0, "message")) > 0 || (v = json_get(body, t, 0, "Message")) > 0)
			json_copy(body, &t[v], msg, msgcap);
	}
	if (!code[0] && type_hdr && type_hdr[0]) {
		fmt_snprintf(code, codecap, "%s", type_hdr);
		*strchrnul(code, ':') = 0;	/* "Type:http://internal..." */
	}
	/* "com.amazon.coral.service#ExpiredTokenException" */
	char *hash = strrchr(code, '#');
	if (hash)
		memmove(code, hash + 1, strlen(hash + 1) + 1);

	if (listed(code, creds) || listed(code, api->creds))
		return API_CREDS;
	if (!strcmp(code, "ResourceNotFoundException"))
		return API_NOTFOUND;
	if (listed(code, invalid))
		return status >= 500 ? API_RETRY : API_INVALID;
	if (status == 403)
		return API_CREDS;
	return API_RETRY;	/* throttling, 5xx, unknown: try again later */
}

int api_throttled(const struct api *api, const char *code)
{
	return listed(code, api->throttling);
}

int api_all_accepted(const struct api *api, const struct api_args *a, const struct http_resp *r,
		     struct ring *ring, uint64_t first, uint64_t end)
{
	/* the start alone would take a long answer that lists failures after
	 * a count of 0 (records lost), or fewer results than records sent */
	if (!json_key_zero(r->body, r->body_len, api->failed_count) || r->needle_count[0] != 0 ||
	    r->needle_count[1] != api_entries(api, a, ring, first, end))
		return 0;
	for (uint64_t i = first; i < end; i++)
		ring_rec(ring, i)->acked = 1;
	return 1;
}

int api_grouped(const struct api *api, const struct api_args *a)
{
	return api->group && a->agg;
}

/* AWS's time in an answer that refuses the signature's time: the Date
 * header, else the one the message gives ("Signature expired:
 * 20261123T100000Z is now earlier than 20261123T100500Z (20261123T101000Z -
 * 5 min.)").  0 if neither says. */
static int64_t server_time(const struct http_resp *r, const char *msg)
{
	const char *p = strchr(msg, '(');
	int v[6], w[6] = { 4, 2, 2, 2, 2, 2 };

	if (r->date_s)
		return r->date_s;
	if (!p++)
		return 0;
	for (int i = 0; i < 6; i++) {
		for (v[i] = 0; w[i]--; p++) {
			if (*p < '0' || *p > '9')
				return 0;
			v[i] = v[i] * 10 + *p - '0';
		}
		if (i == 2 && *p++ != 'T')
			return 0;
	}
	if (*p != 'Z' || v[1] < 1 || v[1] > 12)
		return 0;
	return civil_days(v[0], v[1], v[2]) * 86400 + v[3] * 3600 + v[4] * 60 + v[5];
}

/* A refused signature whose time was wrong: AWS's time, else 0. */
static int64_t skew_time(const struct http_resp *r, const char *code, const char *msg)
{
	if (strcmp(code, "InvalidSignatureException") != 0 && strcmp(code, "RequestExpired") != 0 &&
	    strcmp(code, "SignatureDoesNotMatch") != 0)
		return 0;
	if (!find_str(msg, "Signature expired") && !find_str(msg, "not yet current") && !find_str(msg, "expired"))
		return 0;
	return server_time(r, msg);
}

/* A ValidationException that names a record of the request ("Value ... at
 * 'records.3.member.data' failed to satisfy constraint"): its 1-based
 * index, else 0. */
static long invalid_record(const char *msg)
{
	const char *p = find_str(msg, "'records."), *end;
	int64_t i;

	if (!p)
		return 0;
	i = numfmt_parse_i64(p + 9, &end);
	return end > p + 9 && *end == '.' && i > 0 ? (i > LONG_MAX ? LONG_MAX : (long)i) : 0;
}

void api_outcome(const struct api *api, const struct api_args *a, const struct http_resp *r, jsmntok_t *toks,
		 size_t ntoks, struct ring *ring, uint64_t first, uint64_t end, struct batch_outcome *o, char *code,
		 size_t codecap, char *msg, size_t msgcap)
{
	static const enum batch_result by_class[] = {
		[API_RETRY] = BATCH_RETRY, [API_CREDS] = BATCH_CREDS, [API_NOTFOUND] = BATCH_NOTFOUND,
		[API_INVALID] = BATCH_INVALID,
	};
	long bad;

	memset(o, 0, sizeof *o);
	o->code = code;
	o->msg = msg;
	code[0] = msg[0] = 0;
	if (r->status != 200) {
		enum api_class c = api_error(api, r->status, r->body, r->body_len, r->error_type, code, codecap, msg,
					     msgcap);
		if (!code[0])
			fmt_snprintf(code, codecap, "HTTP %d", r->status);
		o->result = by_class[c];
		if (c == API_INVALID)
			o->index = invalid_record(msg);
		else if (c == API_CREDS && (o->aws_s = skew_time(r, code, msg)))
			o->result = BATCH_SKEW;
		return;
	}
	o->result = BATCH_ANSWERED;
	if (!api->records) {
		const char *st = find_str(r->body, "Status\":\"");
		fmt_snprintf(msg, msgcap, "%.*s", st ? (int)(strchrnul(st + 9, '"') - (st + 9)) : 7, st ? st + 9 : "present");
		return;
	}
	/* An answer that says all were taken (the usual one) is not parsed
	 * entry by entry; one longer than any answer seen must say so. */
	if (api_all_accepted(api, a, r, ring, first, end))
		bad = 0;
	else if (r->body_truncated)
		bad = -1;
	else
		bad = api->apply(r->body, r->body_len, toks, ntoks, ring, first, end, a, code, codecap);
	if (bad < 0) {
		o->result = BATCH_RETRY;
		o->malformed = 1;
		fmt_snprintf(code, codecap, "malformed answer");
		fmt_snprintf(msg, msgcap, "HTTP 200 with a body that does not match the request");
		return;
	}
	o->failed = (size_t)bad;
	o->throttled = bad > 0 && api_throttled(api, code);
}
