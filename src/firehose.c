/* PutRecordBatch body and answers.
 *
 * The body is {"DeliveryStreamName":"S","Records":[{"Data":"B64"},...]},
 * each Data one record's bytes or, with aggregatedRecordSizeBytes, a group
 * of records' bytes joined.
 * It is produced twice per attempt, once into SHA-256 for the signature and
 * once onto the wire, so it never exists whole in memory. */
#include <stdio.h>
#include <string.h>
#include "b64.h"
#include "firehose.h"

enum { P_HEAD, P_OPEN, P_DATA, P_CLOSE, P_TAIL, P_DONE };

static const char rec_open[] = ",{\"Data\":\"";	/* the comma before all but the first */
static const char rec_close[] = "\"}";
static const char body_tail[] = "]}";

/* The group that starts at record i (not acked): i, then the records after
 * it not acked (acked ones are passed over) while all their bytes fit in
 * agg; a record longer than agg goes alone, agg 0 makes every record its
 * own.  Returns the index just past its last record; its bytes go to
 * *bytes.  The encoder and firehose_apply() both cut the batch with it, so
 * the answer's entries map onto what was sent. */
static uint64_t group(const struct ring *r, uint64_t i, uint64_t end, size_t agg, size_t *bytes)
{
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

/* Moves to the next group from record e->i on; 0 when there is none. */
static int next_group(struct firehose_enc *e)
{
	size_t n;

	while (e->i < e->end && ring_rec(e->ring, e->i)->acked)
		e->i++;
	if (e->i >= e->end)
		return 0;
	e->gend = group(e->ring, e->i, e->end, e->agg, &n);
	return 1;
}

size_t firehose_enc_init(struct firehose_enc *e, const struct ring *r, uint64_t first,
			 uint64_t end, const char *stream, size_t agg, rec_view_fn view, void *ctx)
{
	size_t len, n;
	int groups = 0;

	memset(e, 0, sizeof *e);
	e->ring = r;
	e->view = view ? view : ring_view;
	e->ctx = ctx;
	e->first = e->i = first;
	e->end = end;
	e->agg = agg;
	b64_init(&e->b64);
	/* stream names are [a-zA-Z0-9_.-]{1,64} (checked by conf): no escaping */
	e->head_len = (size_t)snprintf(e->head, sizeof e->head,
				       "{\"DeliveryStreamName\":\"%s\",\"Records\":[", stream);
	len = e->head_len + sizeof body_tail - 1;
	for (uint64_t i = first; i < end;) {
		if (ring_rec(r, i)->acked) {
			i++;
			continue;
		}
		i = group(r, i, end, agg, &n);
		len += (groups++ ? 1 : 0) + sizeof rec_open - 2 + b64_len(n) + sizeof rec_close - 1;
	}
	next_group(e);
	return len;
}

/* A fixed piece of the body, from e->off on (json_piece). */
static int piece(struct firehose_enc *e, const char *s, size_t n, char **out, size_t *cap)
{
	return json_piece(s, n, &e->off, out, cap);
}

/* Base64 of the group's bytes from record e->i, data offset e->off, in
 * groups of 4 while cap has room for one; a group of 4 may take its bytes
 * from two or three records (e->b64 keeps them across).  The view is asked
 * for again at each call, once per record: a processed record's bytes live
 * in scratch memory that another flow may have used in between.  Returns 1
 * when the group is all out. */
static int data(struct firehose_enc *e, char **out, size_t *cap)
{
	struct rec_view v;
	size_t k, w;

	for (; e->i < e->gend; e->i++, e->off = 0) {
		if (ring_rec(e->ring, e->i)->acked)
			continue;
		e->view(e->ctx, e->ring, e->i, &v);
		while (e->off < v.n[0] + v.n[1] + v.n[2]) {
			if (*cap < 4)
				return 0;
			/* the span e->off is in, and where in it */
			int s = 0;
			size_t at = e->off;
			while (at >= v.n[s])
				at -= v.n[s++];
			/* b64_update writes up to b64_len(k + 2): what cap holds */
			k = v.n[s] - at;
			if (k > *cap / 4 * 3 - 2)
				k = *cap / 4 * 3 - 2;
			w = b64_update(&e->b64, v.p[s] + at, k, *out);
			*out += w;
			*cap -= w;
			e->off += k;
		}
	}
	if (e->b64.ncarry) {
		if (*cap < 4)
			return 0;
		w = b64_final(&e->b64, *out);
		*out += w;
		*cap -= w;
	}
	return 1;
}

size_t firehose_enc_next(struct firehose_enc *e, char *buf, size_t cap)
{
	char *out = buf;

	while (cap > 0 && e->part != P_DONE) {
		switch (e->part) {
		case P_HEAD:
			if (piece(e, e->head, e->head_len, &out, &cap))
				e->part = e->i < e->end ? P_OPEN : P_TAIL;	/* init found the first group */
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
			e->part = P_CLOSE;
			break;
		case P_CLOSE:
			if (piece(e, rec_close, sizeof rec_close - 1, &out, &cap)) {
				e->nth++;
				e->part = next_group(e) ? P_OPEN : P_TAIL;
			}
			break;
		case P_TAIL:
			if (piece(e, body_tail, sizeof body_tail - 1, &out, &cap))
				e->part = P_DONE;
			break;
		}
	}
	return (size_t)(out - buf);
}

enum firehose_class firehose_error(int status, const char *body, size_t len, const char *type_hdr,
				   char *code, size_t codecap, char *msg, size_t msgcap)
{
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
		snprintf(code, codecap, "%s", type_hdr);
		code[strcspn(code, ":")] = 0;	/* "Type:http://internal..." */
	}
	/* "com.amazon.coral.service#ExpiredTokenException" */
	char *hash = strrchr(code, '#');
	if (hash)
		memmove(code, hash + 1, strlen(hash + 1) + 1);

	static const char *const creds[] = {
		"UnrecognizedClientException", "InvalidSignatureException", "AccessDeniedException",
		"AccessDeniedException", "ExpiredTokenException", "IncompleteSignatureException",
		"MissingAuthenticationTokenException", "InvalidClientTokenId", "SignatureDoesNotMatch",
		"NotAuthorized", "KMSAccessDeniedException",
	};
	static const char *const invalid[] = {
		"ValidationException", "SerializationException", "InvalidArgumentException",
		"UnknownOperationException", "InvalidParameterException",
	};
	for (size_t i = 0; i < sizeof creds / sizeof *creds; i++)
		if (!strcmp(code, creds[i]))
			return FH_CREDS;
	if (!strcmp(code, "ResourceNotFoundException"))
		return FH_NOTFOUND;
	for (size_t i = 0; i < sizeof invalid / sizeof *invalid; i++)
		if (!strcmp(code, invalid[i]))
			return status >= 500 ? FH_RETRY : FH_INVALID;
	if (status == 403)
		return FH_CREDS;
	return FH_RETRY;	/* throttling, 5xx, unknown: try again later */
}

long firehose_apply(const char *body, size_t len, jsmntok_t *t, size_t ntoks,
		    struct ring *r, uint64_t first, uint64_t end, size_t agg, char *code, size_t codecap)
{
	jsmn_parser p;
	int n, arr, failed_tok, nfailed = 0;
	long failed = 0, sent = 0;
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
	for (i = first; i < end;) {
		if (ring_rec(r, i)->acked) {
			i++;
			continue;
		}
		i = group(r, i, end, agg, &bytes);
		sent++;
	}
	if (t[arr].size != sent)
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
		uint64_t past = group(r, i, end, agg, &bytes);
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

size_t firehose_entries(const struct ring *r, uint64_t first, uint64_t end, size_t agg)
{
	size_t n = 0, bytes;
	uint64_t i = first;

	while (i < end) {
		if (ring_rec(r, i)->acked) {
			i++;
			continue;
		}
		i = group(r, i, end, agg, &bytes);
		n++;
	}
	return n;
}

int firehose_all_accepted(const char *body, size_t len, struct ring *r, uint64_t first, uint64_t end)
{
	if (!json_key_zero(body, len, "FailedPutCount"))
		return 0;
	for (uint64_t i = first; i < end; i++)
		ring_rec(r, i)->acked = 1;
	return 1;
}
