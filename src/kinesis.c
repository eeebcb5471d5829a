/* PutRecords: partition keys and answers.
 *
 * The body (api.c) is {"StreamName":"S","Records":[{"Data":"B64","PartitionKey":"K"},...]}.
 * A record's key is worked out again each time it is needed, from the
 * record itself: nothing is stored per record, and a record sent again
 * after a failure goes with the key it had. */
#include <stdio.h>
#include <string.h>
#include <bearssl_hash.h>
#include "hex.h"
#include "kinesis.h"
#include "kpl.h"
#include "numfmt.h"
#include "rnd.h"
#include "utf8.h"

static const char rec_mid[] = ",\"PartitionKey\":\"";

/* --- keys --- */

int kinesis_key_valid(const char *s, size_t n)
{
	size_t units = 0;

	for (size_t i = 0; i < n && units <= KINESIS_MAX_KEY_CHARS;) {
		int k = s[i] ? utf8_len((const unsigned char *)s + i, n - i) : -1;
		if (k <= 0)
			return 0;
		units += k == 4 ? 2 : 1;	/* outside the BMP: a surrogate pair */
		i += (size_t)k;
	}
	return units >= 1 && units <= KINESIS_MAX_KEY_CHARS;
}

int kinesis_keys_init(struct kinesis_keys *k, enum kinesis_key_kind kind, const char *arg, uint64_t salt)
{
	memset(k, 0, sizeof *k);
	k->kind = kind;
	k->salt = salt;
	if (kind != KINESIS_KEY_FIXED && kind != KINESIS_KEY_FIELD)
		return 0;
	if (!arg)
		return -1;
	k->arg = arg;
	k->arg_len = strlen(arg);
	if (kind == KINESIS_KEY_FIXED)
		return kinesis_key_valid(arg, k->arg_len) ? 0 : -1;
	return k->arg_len >= 1 && k->arg_len <= KINESIS_MAX_FIELD ? 0 : -1;
}

/* The Java agent's key is "" + ThreadLocalRandom.nextDouble(1000000), e.g.
 * "482937.2839472934": the same shape, an integer part below 1000000 and up
 * to ten decimals without trailing zeros. */
static size_t random_key(uint64_t salt, uint64_t pos, char *out)
{
	/* the same for a record whenever it is asked for */
	return numfmt_random_key(rnd_at(salt, pos), out);
}

/* The Java agent's DETERMINISTIC key: Guava's md5().hashBytes(data).toString(),
 * lower-case hex, over the record as its processors made it (KinesisRecord
 * hashes data.array(): a converted record's own array.  Without a processor
 * that array is the whole read buffer the record is a slice of, which makes
 * its key depend on its neighbours; kagent hashes the record alone). */
static size_t md5_key(const struct rec_view *v, char *out)
{
	br_md5_context c;
	unsigned char d[br_md5_SIZE];

	br_md5_init(&c);
	for (int s = 0; s < 3; s++)
		if (v->n[s])
			br_md5_update(&c, v->p[s], v->n[s]);
	br_md5_out(&c, d);
	hex_encode(d, br_md5_SIZE, out);
	return 2 * br_md5_SIZE;
}

/* A record read byte by byte across its spans, for partitionKeyField: no
 * copy of a record that may be megabytes, and a scan that stops at the field. */
struct rd {
	const struct rec_view *v;
	int s;
	size_t at;
};

/* The next byte without taking it, or -1 at the end. */
static int rd_peek(struct rd *r)
{
	while (r->s < 3 && r->at >= r->v->n[r->s]) {
		r->s++;
		r->at = 0;
	}
	return r->s < 3 ? (unsigned char)r->v->p[r->s][r->at] : -1;
}

static int rd_get(struct rd *r)
{
	int c = rd_peek(r);

	if (c >= 0)
		r->at++;
	return c;
}

static int blank(int c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

/* The next byte that is not blank, taken; -1 at the end. */
static int rd_token(struct rd *r)
{
	int c;

	while (blank(c = rd_get(r)))
		;
	return c;
}

/* A byte of a number, true, false or null (loosely: skipping needs no more). */
static int word(int c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' ||
	       c == '+' || c == '.';
}

static int rd_hex4(struct rd *r, unsigned long *u)
{
	*u = 0;
	for (int i = 0; i < 4; i++) {
		int h = hex_digit(rd_get(r));
		if (h < 0)
			return -1;
		*u = *u << 4 | (unsigned long)h;
	}
	return 0;
}

/* The rest of a string, after its opening quote, decoded (escapes to UTF-8)
 * into out, of which at most cap bytes are written.  Returns the decoded
 * length, or -1 if it is no JSON string (a raw control byte, a bad escape, a
 * lone surrogate, no end). */
static long rd_string(struct rd *r, char *out, size_t cap)
{
	size_t n = 0;

	for (;;) {
		int c = rd_get(r);
		unsigned long u, lo;
		char b[4];
		size_t k;

		if (c < 0x20)
			return -1;	/* the end too */
		if (c == '"')
			return (long)n;
		if (c != '\\') {
			if (n < cap)
				out[n] = (char)c;
			n++;
			continue;
		}
		switch (c = rd_get(r)) {
		case '"': case '\\': case '/': u = (unsigned long)c; break;
		case 'b': u = '\b'; break;
		case 'f': u = '\f'; break;
		case 'n': u = '\n'; break;
		case 'r': u = '\r'; break;
		case 't': u = '\t'; break;
		case 'u':
			if (rd_hex4(r, &u) < 0 || (u >= 0xdc00 && u <= 0xdfff))
				return -1;
			if (u >= 0xd800 && u <= 0xdbff) {
				if (rd_get(r) != '\\' || rd_get(r) != 'u' || rd_hex4(r, &lo) < 0 || lo < 0xdc00 ||
				    lo > 0xdfff)
					return -1;
				u = 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00);
			}
			break;
		default:
			return -1;
		}
		k = utf8_put(b, u);
		for (size_t j = 0; j < k; j++, n++)
			if (n < cap)
				out[n] = b[j];
	}
}

/* Skips the value that begins with c (taken).  Returns 0, or -1 if there is none. */
static int rd_skip(struct rd *r, int c)
{
	size_t depth = 1;

	if (c == '"')
		return rd_string(r, NULL, 0) < 0 ? -1 : 0;
	if (c != '{' && c != '[') {
		if (!word(c))
			return -1;
		while (word(rd_peek(r)))
			rd_get(r);
		return 0;
	}
	while (depth > 0) {
		if ((c = rd_get(r)) < 0)
			return -1;
		if (c == '"' && rd_string(r, NULL, 0) < 0)
			return -1;
		if (c == '{' || c == '[')
			depth++;
		else if (c == '}' || c == ']')
			depth--;
	}
	return 0;
}

/* The key a field's value makes (it begins with c, taken): a string's
 * characters, a number's text.  Returns its length, 0 if it makes none. */
static size_t value_key(struct rd *r, int c, char *out)
{
	size_t n = 0;

	if (c == '"') {
		long len = rd_string(r, out, KINESIS_MAX_KEY_BYTES);
		if (len <= 0 || len > KINESIS_MAX_KEY_BYTES || !kinesis_key_valid(out, (size_t)len))
			return 0;
		return (size_t)len;
	}
	if (c != '-' && !(c >= '0' && c <= '9'))
		return 0;	/* an object, an array, true, false, null */
	out[n++] = (char)c;
	while (word(rd_peek(r))) {
		if (n == KINESIS_MAX_KEY_CHARS)
			return 0;
		out[n++] = (char)rd_get(r);
	}
	return json_number(out, n) ? n : 0;
}

/* The value of the first top-level field k->arg of the JSON object v, as a key. */
static size_t field_key(const struct kinesis_keys *k, const struct rec_view *v, char *out)
{
	struct rd r = { v, 0, 0 };
	char name[KINESIS_MAX_FIELD];
	long n;
	int c;

	if (rd_token(&r) != '{' || (c = rd_token(&r)) == '}')
		return 0;
	for (;;) {
		if (c != '"' || (n = rd_string(&r, name, sizeof name)) < 0 || rd_token(&r) != ':')
			return 0;
		c = rd_token(&r);
		if ((size_t)n == k->arg_len && memcmp(name, k->arg, k->arg_len) == 0)
			return value_key(&r, c, out);
		if (rd_skip(&r, c) < 0 || rd_token(&r) != ',')
			return 0;	/* not JSON, or the object ended without it */
		c = rd_token(&r);
	}
}

static size_t key_of(const struct kinesis_keys *k, const struct rec_view *v, uint64_t pos, char *out,
		     int *fell)
{
	size_t n;

	*fell = 0;
	switch (k->kind) {
	case KINESIS_KEY_DETERMINISTIC:
		return md5_key(v, out);
	case KINESIS_KEY_FIXED:
		memcpy(out, k->arg, k->arg_len);
		out[k->arg_len] = '\0';
		return k->arg_len;
	case KINESIS_KEY_FIELD:
		if ((n = field_key(k, v, out)) > 0) {
			out[n] = '\0';
			return n;
		}
		*fell = 1;
		break;
	case KINESIS_KEY_RANDOM:
		break;
	}
	return random_key(k->salt, pos, out);
}

size_t kinesis_key(struct kinesis_keys *k, const struct rec_view *v, uint64_t pos,
		   char out[KINESIS_MAX_KEY_BYTES + 1])
{
	int fell;
	size_t n = key_of(k, v, pos, out, &fell);

	k->fallbacks += (uint64_t)fell;
	return n;
}

/* --- the body's extra field --- */

size_t kinesis_extra(const struct api_args *a, const struct rec_view *v, uint64_t pos, char *out)
{
	char raw[KINESIS_MAX_KEY_BYTES + 1];
	size_t n;
	int fell;

	memcpy(out, rec_mid, sizeof rec_mid - 1);
	if (a->keys->kind == KINESIS_KEY_RANDOM || a->keys->kind == KINESIS_KEY_DETERMINISTIC) {
		/* digits and a dot, or hex: nothing to escape */
		n = key_of(a->keys, v, pos, out + sizeof rec_mid - 1, &fell);
	} else {
		n = key_of(a->keys, v, pos, raw, &fell);
		/* a valid key escapes to at most 6 bytes a UTF-16 unit: it fits */
		n = json_escape(out + sizeof rec_mid - 1, KINESIS_MAX_KEY_ESC, raw, n);
	}
	out[sizeof rec_mid - 1 + n] = '"';
	return sizeof rec_mid + n;
}

size_t kinesis_extra_max(const struct api_args *a)
{
	switch (a->keys->kind) {
	case KINESIS_KEY_FIXED: return a->keys->arg_len;
	case KINESIS_KEY_DETERMINISTIC: return 32;
	case KINESIS_KEY_RANDOM: return NUMFMT_RANDOM_KEY_MAX;
	default: return KINESIS_MAX_KEY_BYTES;
	}
}

/* --- aggregation (kpl.h) --- */

size_t kinesis_kpl_key(const struct api_args *a, const struct rec_view *v, uint64_t pos, char *out)
{
	int fell;

	return key_of(a->keys, v, pos, out, &fell);
}

/* Record i's key (raw) into out. */
static size_t rec_key(const struct api_args *a, const struct ring *r, uint64_t i, char *out)
{
	struct rec_view v;

	a->view(a->view_ctx, r, i, &v);
	return kinesis_kpl_key(a, &v, ring_rec(r, i)->pos, out);
}

uint64_t kinesis_group(const struct ring *r, uint64_t i, uint64_t end, const struct api_args *a, size_t *bytes)
{
	char k0[KINESIS_MAX_KEY_BYTES + 1], kj[KINESIS_MAX_KEY_BYTES + 1];
	int same;
	size_t n0 = rec_data_len(ring_rec(r, i)), klen, size, nrec = 1;
	uint64_t past = i + 1;

	*bytes = n0;
	if (!a->agg)
		return past;
	/* a key made of the record itself is kept: only records that have the same one join */
	same = a->keys->kind == KINESIS_KEY_FIELD || a->keys->kind == KINESIS_KEY_DETERMINISTIC;
	klen = rec_key(a, r, i, k0);
	size = KPL_OVERHEAD(klen) + kpl_rec_size(n0);
	for (uint64_t j = past; j < end; j++) {
		const struct rec *rc = ring_rec(r, j);
		if (rc->acked)
			continue;
		if (size + kpl_rec_size(rec_data_len(rc)) + klen > a->agg)
			break;
		if (same && (rec_key(a, r, j, kj) != klen || memcmp(kj, k0, klen) != 0))
			break;
		size += kpl_rec_size(rec_data_len(rc));
		past = j + 1;
		nrec++;
	}
	if (nrec > 1)
		*bytes = size;
	return past;
}

/* --- answers --- */

/* 1 if token t is a whole number no greater than most. */
static int count_at_most(const char *js, const jsmntok_t *t, long most)
{
	long v = 0;

	if (t->type != JSMN_PRIMITIVE || t->end <= t->start)
		return 0;
	for (int i = t->start; i < t->end; i++) {
		if (js[i] < '0' || js[i] > '9' || v > 100000)
			return 0;
		v = v * 10 + (js[i] - '0');
	}
	return v <= most;
}

static int is_str(const char *js, const jsmntok_t *t, int obj, const char *key)
{
	int v = json_get(js, t, obj, key);

	return v > 0 && t[v].type == JSMN_STRING;
}

long kinesis_apply(const char *body, size_t len, jsmntok_t *t, size_t ntoks, struct ring *r, uint64_t first,
		   uint64_t end, const struct api_args *a, char *code, size_t codecap)
{
	jsmn_parser p;
	int n, arr, count;
	long failed = 0, bad = 0;
	size_t bytes;
	uint64_t i;

	if (codecap)
		code[0] = 0;
	jsmn_init(&p);
	n = jsmn_parse(&p, body, len, t, (unsigned)ntoks);
	if (n <= 0 || t[0].type != JSMN_OBJECT)
		return -1;
	arr = json_get(body, t, 0, "Records");
	if (arr < 0 || t[arr].type != JSMN_ARRAY)
		return -1;
	/* one entry per Kinesis record sent: a record, or an aggregate of several */
	if ((size_t)t[arr].size != api_entries(&api_kinesis, a, r, first, end))
		return -1;
	/* check every entry before marking any: a failure (ErrorCode) or a success */
	for (int k = 0, e = arr + 1; k < t[arr].size; k++, e = json_skip(t, e)) {
		if (t[e].type != JSMN_OBJECT)
			return -1;
		if (is_str(body, t, e, "ErrorCode"))
			bad++;
		else if (!is_str(body, t, e, "SequenceNumber") || !is_str(body, t, e, "ShardId"))
			return -1;
	}
	/* the model has it optional.  When it says more failed than the
	 * entries do, which records failed cannot be told; when fewer, the
	 * entries say which (as Firehose's are read, whatever FailedPutCount
	 * says), so the records they accepted are not sent twice. */
	count = json_get(body, t, 0, "FailedRecordCount");
	if (count > 0 && !count_at_most(body, &t[count], bad))
		return -1;
	bad = 0;
	i = first;
	for (int k = 0, e = arr + 1; k < t[arr].size; k++, e = json_skip(t, e)) {
		while (ring_rec(r, i)->acked)
			i++;
		uint64_t past = kinesis_group(r, i, end, a, &bytes);
		int ec = json_get(body, t, e, "ErrorCode");
		if (ec > 0 && t[ec].type == JSMN_STRING) {
			if (!bad++)
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
