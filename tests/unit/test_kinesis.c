/* PutRecords: the streamed body against one built here, at every place the
 * ring can wrap and every output size; partition keys (known MD5s, the
 * random key's stability, partitionKeyField over split records); the
 * answers' meaning, malformed ones marking nothing; error classes. */
#include <fcntl.h>
#include <stdint.h>
#include <unistd.h>
#include "t.h"
#include "b64.h"
#include "api.h"
#include "kinesis.h"

#define RSIZE 64
#define RMAX 16
#define RSLOTS 8
#define SALT UINT64_C(0x0123456789abcdef)

/* Each of the six records' DETERMINISTIC key (rings_t.h's recs), worked out with
 *   python3 -c 'import hashlib; print(hashlib.md5(b"a\n").hexdigest())'
 * and so on for each data. */
static const char *const md5s[] = {
	"60b725f10c9c85c70d97880dfe8191b3", "b8b340fb35d9faf6c0faa16368485f2f", "10c901abcf24c4311fa800cbf9bd9c70",
	"68b329da9893e34099c7d8ad5cb9c940", "7972ea02620f948c3f9c548fb7767b8d", "a1f8967ffde929a66932a1b688de38c3",
};

/* A FIXED key that needs escaping: quote, backslash, a control byte, DEL and
 * '/' (left as they are), and two- and four-byte UTF-8. */
static const char odd_key[] = "a\"b\\c\x01\x7f/\xc3\xa9\xf0\x9f\x98\x80";
static const char odd_key_esc[] = "a\\\"b\\\\c\\u0001\x7f/\xc3\xa9\xf0\x9f\x98\x80";

#include "rings_t.h"

static const struct api_args no_args = { "s1", 0, NULL, NULL, NULL };

/* A view of s (n bytes) cut into three spans at a <= b. */
static void split(const char *s, size_t n, size_t a, size_t b, struct rec_view *v)
{
	v->p[0] = s;
	v->n[0] = a;
	v->p[1] = s + a;
	v->n[1] = b - a;
	v->p[2] = s + b;
	v->n[2] = n - b;
}

/* The key k gives s (n bytes, one span) at position pos. */
static const char *key(struct kinesis_keys *k, const char *s, size_t n, uint64_t pos)
{
	static char out[KINESIS_MAX_KEY_BYTES + 1];
	struct rec_view v;

	split(s, n, n, n, &v);
	memset(out, '#', sizeof out);
	size_t len = kinesis_key(k, &v, pos, out);
	if (len != strlen(out))
		return "LENGTH MISMATCH";
	return out;
}

/* The body for records [from, to) of the six in ring r not in acked (a bit
 * mask), each with the key kind gives it (RANDOM keys through kinesis_key,
 * tested on their own below). */
static size_t expect(char *out, const struct ring *r, const char *stream, const struct kinesis_keys *k,
		     unsigned acked, int from, int to)
{
	char *p = out;
	int n = 0;

	p += sprintf(p, "{\"StreamName\":\"%s\",\"Records\":[", stream);
	for (int i = from; i < to; i++) {
		if (acked >> i & 1)
			continue;
		if (n++)
			*p++ = ',';
		p += sprintf(p, "{\"Data\":\"");
		p += b64_encode(recs[i].data, recs[i].data_len, p);
		p += sprintf(p, "\",\"PartitionKey\":\"");
		if (k->kind == KINESIS_KEY_DETERMINISTIC) {
			p += sprintf(p, "%s", md5s[i]);
		} else if (k->kind == KINESIS_KEY_FIXED) {
			p += sprintf(p, "%s", odd_key_esc);
		} else {
			struct kinesis_keys copy = *k;
			p += sprintf(p, "%s", key(&copy, recs[i].data, recs[i].data_len,
						  ring_rec(r, r->rtail + (uint64_t)i)->pos));
		}
		p += sprintf(p, "\"}");
	}
	p += sprintf(p, "]}");
	return (size_t)(p - out);
}

static size_t next_piece(void *e, char *out, size_t cap) { return api_enc_next(e, out, cap); }

/* The body encoder for a Kinesis stream s with keys k. */
static void kn_enc_init(struct api_enc *e, const struct ring *r, uint64_t first, uint64_t end, const char *s,
			const struct kinesis_keys *k, rec_view_fn view, void *ctx)
{
	static struct api_args a;

	a.stream = s;
	a.keys = k;
	api_enc_init(e, &api_kinesis, &a, r, first, end, view, ctx);
}
#define stream_is(e, cap, want, wlen, line) stream_body(next_piece, (e), (cap), (want), (wlen), __FILE__, (line))

/* The whole body in one piece, into out (NUL-ended); its length. */
static size_t body(struct api_enc *e, char *out, size_t cap)
{
	size_t got = 0, n;

	while ((n = api_enc_next(e, out + got, cap - 1 - got)) > 0)
		got += n;
	out[got] = 0;
	return got;
}

/* --- the body --- */

/* Bodies worked out by hand, not with b64_encode. */
T(kinesis_body_by_hand)
{
	static const char *const lines[] = { "a\n", "bb\r\n" };
	static const char fixed[] = "{\"StreamName\":\"s1\",\"Records\":["
				    "{\"Data\":\"YQo=\",\"PartitionKey\":\"k\"},"
				    "{\"Data\":\"YmINCg==\",\"PartitionKey\":\"k\"}]}";
	static const char md5[] =
		"{\"StreamName\":\"s1\",\"Records\":["
		"{\"Data\":\"YQo=\",\"PartitionKey\":\"60b725f10c9c85c70d97880dfe8191b3\"},"
		"{\"Data\":\"YmINCg==\",\"PartitionKey\":\"b8b340fb35d9faf6c0faa16368485f2f\"}]}";
	static const char odd[] =
		"{\"StreamName\":\"s1\",\"Records\":["
		"{\"Data\":\"YQo=\",\"PartitionKey\":\"a\\\"b\\\\c\\u0001\x7f/\xc3\xa9\xf0\x9f\x98\x80\"},"
		"{\"Data\":\"YmINCg==\",\"PartitionKey\":\"a\\\"b\\\\c\\u0001\x7f/\xc3\xa9\xf0\x9f\x98\x80\"}]}";
	struct kinesis_keys k;
	struct api_enc e;
	struct ring *r;

	T_EQ_INT(kinesis_keys_init(&k, KINESIS_KEY_FIXED, "k", 0), 0);
	for (size_t off = 0; off < RSIZE; off++) {
		r = load(off, lines, 2);
		T_EQ_INT(r->rhead - r->rtail, 2);
		kn_enc_init(&e, r, r->rtail, r->rhead, "s1", &k, NULL, NULL);
		T_TRUE(stream_is(&e, off < 32 ? 8 : 4096, fixed, sizeof fixed - 1, __LINE__));
	}
	T_EQ_INT(kinesis_keys_init(&k, KINESIS_KEY_DETERMINISTIC, NULL, 0), 0);
	r = load(60, lines, 2);
	kn_enc_init(&e, r, r->rtail, r->rhead, "s1", &k, NULL, NULL);
	T_TRUE(stream_is(&e, 9, md5, sizeof md5 - 1, __LINE__));
	T_EQ_INT(kinesis_keys_init(&k, KINESIS_KEY_FIXED, odd_key, 0), 0);
	kn_enc_init(&e, r, r->rtail, r->rhead, "s1", &k, NULL, NULL);
	T_TRUE(stream_is(&e, 11, odd, sizeof odd - 1, __LINE__));
}

/* Aggregation (kpl.h), a body worked out by hand: "a\n" and "bb\r\n" under
 * partitionKey "k" are one aggregated record, F3 89 9A C2 | 0A 01 'k' |
 * 1A 06 {08 00 1A 02 "a\n"} | 1A 08 {08 00 1A 04 "bb\r\n"} | MD5 of the 19
 * bytes after the magic (29fadada...: python3's hashlib.md5, and its base64
 * module for the Data), from every buffer offset and in pieces of 8;
 * DETERMINISTIC keys join equal records only, under their key (MD5 of
 * "a\n"); one record alone goes as it is.  The answer's entry for an
 * aggregate fails or takes all its records. */
T(kinesis_body_aggregated_by_hand)
{
	static const char *const lines[] = { "a\n", "bb\r\n" }, *const same[] = { "a\n", "a\n", "bb\r\n" };
	static const char fixed[] = "{\"StreamName\":\"s1\",\"Records\":["
				    "{\"Data\":\"84mawgoBaxoGCAAaAmEKGggIABoEYmINCin62towGry/8AKzgZX05d0=\",\"PartitionKey\":\"k\"}]}";
	static const char md5[] =
		"{\"StreamName\":\"s1\",\"Records\":["
		"{\"Data\":\"84mawgogNjBiNzI1ZjEwYzljODVjNzBkOTc4ODBkZmU4MTkxYjMaBggAGgJhChoGCAAaAmEKg7+65NyqE8AlImwokIDmWg==\","
		"\"PartitionKey\":\"60b725f10c9c85c70d97880dfe8191b3\"},"
		"{\"Data\":\"YmINCg==\",\"PartitionKey\":\"b8b340fb35d9faf6c0faa16368485f2f\"}]}";
	static const char one_failed[] = "{\"FailedRecordCount\":1,\"Records\":[{\"ErrorCode\":\"InternalFailure\","
					 "\"ErrorMessage\":\"x\"},{\"SequenceNumber\":\"1\",\"ShardId\":\"s\"}]}";
	static jsmntok_t toks[64];
	struct kinesis_keys k;
	struct api_args a = { "s1", KINESIS_MAX_RECORD_BYTES, &k, ring_view, NULL };
	struct api_enc e;
	struct ring *r;
	char code[64];

	T_EQ_INT(kinesis_keys_init(&k, KINESIS_KEY_FIXED, "k", 0), 0);
	for (size_t off = 0; off < RSIZE; off++) {
		r = load(off, lines, 2);
		api_enc_init(&e, &api_kinesis, &a, r, r->rtail, r->rhead, NULL, NULL);
		T_TRUE(stream_is(&e, 8, fixed, sizeof fixed - 1, __LINE__));
	}
	T_EQ_INT(kinesis_keys_init(&k, KINESIS_KEY_DETERMINISTIC, NULL, 0), 0);
	r = load(50, same, 3);
	api_enc_init(&e, &api_kinesis, &a, r, r->rtail, r->rhead, NULL, NULL);
	T_TRUE(stream_is(&e, 9, md5, sizeof md5 - 1, __LINE__));
	/* two entries for three records: the aggregate failed, both its records go again */
	T_EQ_INT(kinesis_apply(one_failed, sizeof one_failed - 1, toks, 64, r, r->rtail, r->rhead, &a, code,
			       sizeof code), 2);
	T_EQ_STR(code, "InternalFailure");
	T_EQ_INT(acked_n(r, 3), 0x4);
	/* an answer of one entry per record (three) does not match: nothing marked */
	static const char three[] = "{\"Records\":[{\"SequenceNumber\":\"1\",\"ShardId\":\"s\"},"
				    "{\"SequenceNumber\":\"2\",\"ShardId\":\"s\"},{\"SequenceNumber\":\"3\",\"ShardId\":\"s\"}]}";
	set_acked_n(r, 0, 3);
	T_EQ_INT(kinesis_apply(three, sizeof three - 1, toks, 64, r, r->rtail, r->rhead, &a, code, sizeof code), -1);
	T_EQ_INT(acked_n(r, 3), 0x0);
}

/* The six records from every buffer offset (each wraps somewhere, the cut
 * one too), with every set of them acked, for each key kind, in pieces of
 * several sizes; and at one offset in pieces of every size 8..4096. */
T(kinesis_body_every_wrap_and_cap)
{
	static const size_t caps[] = { 8, 9, 10, 11, 13, 31, 100, 4096 };
	struct kinesis_keys keys[3];
	char want[2048];
	int wrapped = 0, cut = 0;

	kinesis_keys_init(&keys[0], KINESIS_KEY_RANDOM, NULL, SALT);
	kinesis_keys_init(&keys[1], KINESIS_KEY_DETERMINISTIC, NULL, 0);
	kinesis_keys_init(&keys[2], KINESIS_KEY_FIXED, odd_key, 0);
	for (size_t off = 0; off < RSIZE; off++) {
		struct ring *r = load6_wraps(off, &wrapped, &cut);
		T_TRUE(r != NULL);
		for (int kk = 0; kk < 3; kk++) {
			for (unsigned mask = 0; mask < 64; mask++) {
				struct api_enc e;
				size_t wlen = expect(want, r, "s1", &keys[kk], mask, 0, NREC);
				set_acked_n(r, mask, NREC);
				for (size_t c = 0; c < sizeof caps / sizeof *caps; c++) {
					kn_enc_init(&e, r, r->rtail, r->rhead, "s1", &keys[kk], NULL, NULL);
					if (!stream_is(&e, caps[c], want, wlen, __LINE__)) {
						t_fail(__FILE__, __LINE__, "offset %zu keys %d mask %#x", off, kk,
						       mask);
						return;
					}
				}
			}
			set_acked_n(r, 0, NREC);
		}
	}
	T_TRUE(wrapped >= 35);
	/* every piece size, with the longest keys */
	struct ring *r = load6(61);
	for (int kk = 0; kk < 3; kk++) {
		size_t wlen = expect(want, r, "s1", &keys[kk], 0, 0, NREC);
		for (size_t cap = 8; cap <= 4096; cap++) {
			struct api_enc e;
			kn_enc_init(&e, r, r->rtail, r->rhead, "s1", &keys[kk], NULL, NULL);
			if (!stream_is(&e, cap, want, wlen, __LINE__)) {
				t_fail(__FILE__, __LINE__, "keys %d cap %zu", kk, cap);
				return;
			}
		}
	}
	/* keys are worked out again while streaming, never counted */
	T_EQ_INT(keys[0].fallbacks, 0);
}

/* The body parsed back: each Data decodes to the record, each PartitionKey
 * to its key, for keys that need escaping. */
T(kinesis_body_decodes)
{
	static const char *const lines[] = { "{\"k\":\"x\\\"y\"}\n", "{\"k\":\"\\u0001\"}\n", "{\"k\":1.5}\n" };
	static const char *const want[] = { "x\"y", "\x01", "1.5" };
	static jsmntok_t t[64];
	char out[2048], dec[64], s[64];
	struct kinesis_keys k;
	struct api_enc e;
	jsmn_parser p;
	struct ring *r = load(50, lines, 3);
	size_t len;

	T_EQ_INT(kinesis_keys_init(&k, KINESIS_KEY_FIELD, "k", SALT), 0);
	kn_enc_init(&e, r, r->rtail, r->rhead, "s1", &k, NULL, NULL);
	T_TRUE((len = body(&e, out, sizeof out)) > 0);
	T_EQ_INT(len, strlen(out));
	jsmn_init(&p);
	T_TRUE(jsmn_parse(&p, out, len, t, 64) > 0);
	int st = json_get(out, t, 0, "StreamName"), arr = json_get(out, t, 0, "Records");
	T_TRUE(st > 0 && json_eq(out, &t[st], "s1"));
	T_TRUE(arr > 0 && t[arr].type == JSMN_ARRAY && t[arr].size == 3);
	for (int i = 0, el = arr + 1; i < 3; i++, el = json_skip(t, el)) {
		int d = json_get(out, t, el, "Data"), pk = json_get(out, t, el, "PartitionKey");
		T_TRUE(d > 0 && pk > 0 && t[el].size == 2);
		long n = b64_decode(out + t[d].start, (size_t)(t[d].end - t[d].start), dec, sizeof dec);
		T_EQ_MEM(dec, (size_t)n, lines[i], strlen(lines[i]));
		T_TRUE(json_string(out, &t[pk], s, sizeof s) >= 0);
		T_EQ_STR(s, want[i]);
	}
	T_EQ_INT(k.fallbacks, 0);
}

/* A view that goes through a processor (here: upper-cases into scratch). */
static char scratch[64];
static void upper_view(void *ctx, const struct ring *r, uint64_t i, struct rec_view *v)
{
	struct rec_view in;
	size_t n = 0;

	(void)ctx;
	ring_view(NULL, r, i, &in);
	for (int s = 0; s < 3; s++)
		for (size_t j = 0; j < in.n[s]; j++) {
			char c = in.p[s][j];
			scratch[n++] = c >= 'a' && c <= 'z' ? (char)(c - 32) : c;
		}
	memset(v, 0, sizeof *v);
	v->p[0] = scratch;
	v->n[0] = n;
}

/* DETERMINISTIC keys hash the record as its processors made it. */
T(kinesis_body_processed_view)
{
	static const char *const lines[] = { "a\n" };
	/* python3 -c 'import hashlib; print(hashlib.md5(b"A\n").hexdigest())' */
	static const char want[] = "{\"StreamName\":\"s1\",\"Records\":["
				   "{\"Data\":\"QQo=\",\"PartitionKey\":\"bf072e9119077b4e76437a93986787ef\"}]}";
	struct kinesis_keys k;
	struct api_enc e;
	struct ring *r = load(63, lines, 1);

	kinesis_keys_init(&k, KINESIS_KEY_DETERMINISTIC, NULL, 0);
	kn_enc_init(&e, r, r->rtail, r->rhead, "s1", &k, upper_view, NULL);
	T_TRUE(stream_is(&e, 8, want, sizeof want - 1, __LINE__));
}

/* --- keys --- */

/* MD5s worked out with python3's hashlib (see recs), over every split of
 * the record into three spans. */
T(kinesis_key_deterministic)
{
	struct kinesis_keys k;
	char out[KINESIS_MAX_KEY_BYTES + 1];
	struct rec_view v;

	T_EQ_INT(kinesis_keys_init(&k, KINESIS_KEY_DETERMINISTIC, NULL, 0), 0);
	for (int i = 0; i < NREC; i++)
		for (size_t a = 0; a <= recs[i].data_len; a++)
			for (size_t b = a; b <= recs[i].data_len; b++) {
				split(recs[i].data, recs[i].data_len, a, b, &v);
				T_EQ_INT(kinesis_key(&k, &v, (uint64_t)i * 1000, out), 32);
				T_EQ_STR(out, md5s[i]);
			}
	/* python3 -c 'import hashlib; print(hashlib.md5(b"").hexdigest())' */
	T_EQ_STR(key(&k, "", 0, 0), "d41d8cd98f00b204e9800998ecf8427e");
	T_EQ_INT(k.fallbacks, 0);
}

/* Worked out with a Python rendering of SplitMix64's pos-th output x
 * ("%d.%010d" % (x % 1000000, x // 1000000 % 10**10), trailing zeros cut):
 * for salt 0 the first output is SplitMix64's well-known 0xe220a8397b1dcdaf. */
T(kinesis_key_random)
{
	struct kinesis_keys k, k2;
	char a[KINESIS_MAX_KEY_BYTES + 1];

	kinesis_keys_init(&k, KINESIS_KEY_RANDOM, NULL, 0);
	T_EQ_STR(key(&k, "x", 1, 0), "607535.4208416658");
	T_EQ_STR(key(&k, "x", 1, 1), "355700.0286522194");
	kinesis_keys_init(&k, KINESIS_KEY_RANDOM, NULL, SALT);
	T_EQ_STR(key(&k, "x", 1, 0), "991965.7611027431");
	T_EQ_STR(key(&k, "x", 1, 1), "804243.0727978956");
	T_EQ_STR(key(&k, "other", 5, 12345), "174525.1432654391");
	kinesis_keys_init(&k, KINESIS_KEY_RANDOM, NULL, 1);
	T_EQ_STR(key(&k, "x", 1, 0), "822465.12163792");	/* trailing zeros cut */
	/* the same record, asked again (a retry): the same key; another
	 * record, another key; its data plays no part */
	kinesis_keys_init(&k, KINESIS_KEY_RANDOM, NULL, SALT);
	kinesis_keys_init(&k2, KINESIS_KEY_RANDOM, NULL, SALT + 1);
	for (uint64_t pos = 0; pos < 2000; pos += 7) {
		strcpy(a, key(&k, "x", 1, pos));
		T_EQ_STR(key(&k, "y", 1, pos), a);
		T_TRUE(strcmp(key(&k, "x", 1, pos + 1), a) != 0);
		T_TRUE(strcmp(key(&k2, "x", 1, pos), a) != 0);
		/* the Java agent's shape: 0 <= x < 1000000, decimals */
		char *dot = strchr(a, '.');
		T_TRUE(dot && dot - a >= 1 && dot - a <= 6 && strlen(dot + 1) >= 1 && strlen(dot + 1) <= 10);
		T_TRUE(strspn(a, "0123456789") == (size_t)(dot - a) && strspn(dot + 1, "0123456789") ==
		       strlen(dot + 1));
		T_TRUE(a[0] != '0' || dot - a == 1);
	}
	T_EQ_INT(k.fallbacks, 0);
}

T(kinesis_key_fixed)
{
	struct kinesis_keys k;
	char long_key[KINESIS_MAX_KEY_BYTES + 1];

	T_EQ_INT(kinesis_keys_init(&k, KINESIS_KEY_FIXED, "device-42", 0), 0);
	T_EQ_STR(key(&k, "x", 1, 0), "device-42");
	T_EQ_STR(key(&k, "{\"k\":1}", 7, 99), "device-42");
	/* 256 three-byte characters: the longest key in bytes */
	for (int i = 0; i < KINESIS_MAX_KEY_CHARS; i++)
		memcpy(long_key + 3 * i, "\xe2\x82\xac", 3);
	long_key[KINESIS_MAX_KEY_BYTES] = 0;
	T_EQ_INT(kinesis_keys_init(&k, KINESIS_KEY_FIXED, long_key, 0), 0);
	T_EQ_STR(key(&k, "x", 1, 0), long_key);
	/* refused */
	T_EQ_INT(kinesis_keys_init(&k, KINESIS_KEY_FIXED, "", 0), -1);
	T_EQ_INT(kinesis_keys_init(&k, KINESIS_KEY_FIXED, NULL, 0), -1);
	T_EQ_INT(kinesis_keys_init(&k, KINESIS_KEY_FIXED, "bad \xff", 0), -1);
	T_EQ_INT(kinesis_keys_init(&k, KINESIS_KEY_FIELD, "", 0), -1);
	T_EQ_INT(kinesis_keys_init(&k, KINESIS_KEY_FIELD, NULL, 0), -1);
	memset(long_key, 'f', KINESIS_MAX_FIELD + 1);
	long_key[KINESIS_MAX_FIELD + 1] = 0;
	T_EQ_INT(kinesis_keys_init(&k, KINESIS_KEY_FIELD, long_key, 0), -1);
	long_key[KINESIS_MAX_FIELD] = 0;
	T_EQ_INT(kinesis_keys_init(&k, KINESIS_KEY_FIELD, long_key, 0), 0);
	T_EQ_INT(kinesis_keys_init(&k, KINESIS_KEY_RANDOM, NULL, 0), 0);
}

/* Characters counted as UTF-16 units, 1..256; valid UTF-8, no NUL. */
T(kinesis_key_valid_lengths)
{
	char s[4 * 300];

	T_EQ_INT(kinesis_key_valid("", 0), 0);
	T_EQ_INT(kinesis_key_valid("a", 1), 1);
	memset(s, 'a', 257);
	T_EQ_INT(kinesis_key_valid(s, 256), 1);
	T_EQ_INT(kinesis_key_valid(s, 257), 0);
	for (int i = 0; i < 257; i++)
		memcpy(s + 2 * i, "\xc3\xa9", 2);
	T_EQ_INT(kinesis_key_valid(s, 2 * 256), 1);
	T_EQ_INT(kinesis_key_valid(s, 2 * 257), 0);
	for (int i = 0; i < 129; i++)
		memcpy(s + 4 * i, "\xf0\x9f\x98\x80", 4);	/* two units each */
	T_EQ_INT(kinesis_key_valid(s, 4 * 128), 1);
	T_EQ_INT(kinesis_key_valid(s, 4 * 129), 0);
	T_EQ_INT(kinesis_key_valid(s, 4 * 128 - 1), 0);	/* cut in a character */
	T_EQ_INT(kinesis_key_valid("a\0b", 3), 0);
	T_EQ_INT(kinesis_key_valid("\xc0\x80", 2), 0);	/* overlong NUL */
	T_EQ_INT(kinesis_key_valid("\xed\xa0\x80", 3), 0);	/* a surrogate */
	T_EQ_INT(kinesis_key_valid(" \t\n\x01", 4), 1);	/* escaped in the body, but fine */
}

struct fcase {
	const char *rec;
	const char *want;	/* NULL: the RANDOM key */
};

static const struct fcase fcases[] = {
	{ "{\"host\":\"web-1\",\"k\":\"v\"}", "v" },
	{ "{\"k\":\"v\"}\n", "v" },
	{ " \t\r\n{ \"k\" :\n\"v\" , \"z\":1}", "v" },
	{ "{\"k\":12345}", "12345" },
	{ "{\"k\":-1.5e+3,\"z\":0}", "-1.5e+3" },
	{ "{\"k\":0}", "0" },
	{ "{\"k\":2E9 }", "2E9" },
	/* escapes decoded: the key is the string's characters */
	{ "{\"k\":\"a\\\"b\\\\c\\/d\\u00e9\\ud83d\\ude00\\t\"}", "a\"b\\c/d\xc3\xa9\xf0\x9f\x98\x80\t" },
	{ "{\"k\":\"caf\xc3\xa9\"}", "caf\xc3\xa9" },
	/* the name compared decoded */
	{ "{\"\\u006b\":\"escaped name\"}", "escaped name" },
	/* only the top level counts */
	{ "{\"a\":{\"k\":\"inner\"},\"k\":\"outer\"}", "outer" },
	{ "{\"a\":[\"k\",{\"k\":1}],\"k\":\"x\"}", "x" },
	{ "{\"a\":\"k\",\"k\":\"y\"}", "y" },
	{ "{\"a\":\"}\\\"k\\\":\",\"k\":\"z\"}", "z" },
	{ "{\"kk\":\"no\",\"k\":\"yes\"}", "yes" },
	{ "{\"a\":true,\"b\":null,\"c\":-2,\"d\":[[],{}],\"k\":\"after\"}", "after" },
	/* the first of two */
	{ "{\"k\":\"1\",\"k\":\"2\"}", "1" },
	/* read up to the value only: what follows it is not looked at */
	{ "{\"k\":\"v\",", "v" },
	/* no key: the RANDOM one */
	{ "{\"a\":{\"k\":\"inner\"}}", NULL },
	{ "{\"a\":1}", NULL },
	{ "{}", NULL },
	{ "", NULL },
	{ "plain text k", NULL },
	{ "[\"k\",\"v\"]", NULL },
	{ "{\"k\":true}", NULL },
	{ "{\"k\":null}", NULL },
	{ "{\"k\":{\"x\":1}}", NULL },
	{ "{\"k\":[1]}", NULL },
	{ "{\"k\":\"\"}", NULL },
	{ "{\"k\":01}", NULL },
	{ "{\"k\":12abc}", NULL },
	{ "{\"k\":-}", NULL },
	{ "{\"k\":1.}", NULL },
	{ "{\"k\":\"a\\u0000b\"}", NULL },
	{ "{\"k\":\"\\ud83d\"}", NULL },
	{ "{\"k\":\"\\ude00\"}", NULL },
	{ "{\"k\":\"\\x\"}", NULL },
	{ "{\"k\":\"\xff\"}", NULL },
	{ "{\"k\":\"tab\there\"}", NULL },
	{ "{\"k\":\"no end", NULL },
	{ "{\"k\" \"v\"}", NULL },
	{ "{\"a\":1 \"k\":\"v\"}", NULL },
	{ "{\"a\":{\"b\":1,\"k\":\"v\"}", NULL },
	{ "{k:\"v\"}", NULL },
	{ "{\"k\"", NULL },
};

/* Every case at every split of the record into three spans. */
T(kinesis_key_field)
{
	struct kinesis_keys k, rnd;
	char out[KINESIS_MAX_KEY_BYTES + 1], want[64];
	struct rec_view v;
	uint64_t falls = 0;

	T_EQ_INT(kinesis_keys_init(&k, KINESIS_KEY_FIELD, "k", SALT), 0);
	kinesis_keys_init(&rnd, KINESIS_KEY_RANDOM, NULL, SALT);
	for (size_t c = 0; c < sizeof fcases / sizeof *fcases; c++) {
		const char *s = fcases[c].rec;
		size_t n = strlen(s);
		uint64_t pos = 1000 + c;
		strcpy(want, fcases[c].want ? fcases[c].want : key(&rnd, s, n, pos));
		for (size_t a = 0; a <= n; a++)
			for (size_t b = a; b <= n; b++) {
				split(s, n, a, b, &v);
				size_t len = kinesis_key(&k, &v, pos, out);
				falls += !fcases[c].want;
				if (len != strlen(want) || strcmp(out, want) != 0 || k.fallbacks != falls) {
					t_fail(__FILE__, __LINE__, "case %zu \"%s\" split %zu,%zu: \"%s\" (%zu), "
					       "want \"%s\"; fallbacks %llu, want %llu", c, s, a, b, out, len,
					       want, (unsigned long long)k.fallbacks, (unsigned long long)falls);
					return;
				}
			}
	}
}

/* Values at and past the key limits. */
T(kinesis_key_field_limits)
{
	static char rec[4096], want[1024];
	struct kinesis_keys k;
	size_t n;

	kinesis_keys_init(&k, KINESIS_KEY_FIELD, "key", 7);
	/* 256 characters, 3 bytes each: taken */
	n = (size_t)sprintf(rec, "{\"key\":\"");
	for (int i = 0; i < 256; i++)
		n += (size_t)sprintf(rec + n, "\xe2\x82\xac");
	memcpy(want, rec + 8, n - 8);
	want[n - 8] = 0;
	n += (size_t)sprintf(rec + n, "\"}");
	T_EQ_STR(key(&k, rec, n, 0), want);
	T_EQ_INT(k.fallbacks, 0);
	/* one more: refused */
	sprintf(rec + n - 2, "x\"}");
	T_TRUE(strchr(key(&k, rec, n + 1, 0), '.') != NULL);
	T_EQ_INT(k.fallbacks, 1);
	/* 256 characters written as \u escapes (6 bytes each in the record) */
	n = (size_t)sprintf(rec, "{\"key\":\"");
	for (int i = 0; i < 256; i++)
		n += (size_t)sprintf(rec + n, "\\u0041");
	n += (size_t)sprintf(rec + n, "\"}");
	memset(want, 'A', 256);
	want[256] = 0;
	T_EQ_STR(key(&k, rec, n, 0), want);
	/* a number of 256 digits, and of 257 */
	n = (size_t)sprintf(rec, "{\"key\":");
	memset(rec + n, '7', 256);
	memset(want, '7', 256);
	n += 256;
	n += (size_t)sprintf(rec + n, "}");
	T_EQ_STR(key(&k, rec, n, 0), want);
	T_EQ_INT(k.fallbacks, 1);
	sprintf(rec + n - 1, "7}");
	T_TRUE(strchr(key(&k, rec, n + 1, 0), '.') != NULL);
	T_EQ_INT(k.fallbacks, 2);
	/* a long field before it, skipped */
	n = (size_t)sprintf(rec, "{\"pad\":\"");
	memset(rec + n, 'p', 3000);
	n += 3000;
	n += (size_t)sprintf(rec + n, "\",\"key\":\"found\"}");
	T_EQ_STR(key(&k, rec, n, 0), "found");
	T_EQ_INT(k.fallbacks, 2);
}

/* Records in the ring, through the encoder: keys from the field, the RANDOM
 * key where there is none, and the encoder never counts. */
T(kinesis_key_field_in_body)
{
	static const char *const lines[] = { "{\"k\":\"v1\"}\n", "{\"k\":7}\n", "{\"a\":{\"k\":1}}\n", "x\n" };
	static const char *const want_keys[] = { "v1", "7", NULL, NULL };
	struct kinesis_keys k, rnd;
	char want[1024], *p;
	int n = 0;

	kinesis_keys_init(&k, KINESIS_KEY_FIELD, "k", SALT);
	kinesis_keys_init(&rnd, KINESIS_KEY_RANDOM, NULL, SALT);
	for (size_t off = 0; off < RSIZE; off += 5) {
		struct ring *r = load(off, lines, 4);
		struct api_enc e;
		T_EQ_INT(r->rhead - r->rtail, 4);
		p = want + sprintf(want, "{\"StreamName\":\"s1\",\"Records\":[");
		for (int i = 0; i < 4; i++) {
			p += sprintf(p, "%s{\"Data\":\"", i ? "," : "");
			p += b64_encode(lines[i], strlen(lines[i]), p);
			p += sprintf(p, "\",\"PartitionKey\":\"%s\"}", want_keys[i] ? want_keys[i] :
				     key(&rnd, "", 0, ring_rec(r, r->rtail + (uint64_t)i)->pos));
		}
		p += sprintf(p, "]}");
		kn_enc_init(&e, r, r->rtail, r->rhead, "s1", &k, NULL, NULL);
		T_TRUE(stream_is(&e, 8 + off, want, (size_t)(p - want), __LINE__));
		n++;
	}
	T_EQ_INT(n, 13);
	T_EQ_INT(k.fallbacks, 0);
}

/* --- answers --- */

/* Five records r0..r4 at rtail. */
static struct ring *load5(void)
{
	static const char *const lines[] = { "r0\n", "r1\n", "r2\n", "r3\n", "r4\n" };

	return load(20, lines, 5);
}

#define OK(n) "{\"SequenceNumber\":\"4954346307654800757710509270303956035997522851839501268" #n "\"," \
	      "\"ShardId\":\"shardId-00000000000" #n "\"}"
#define PTEE "{\"ErrorCode\":\"ProvisionedThroughputExceededException\",\"ErrorMessage\":\"Rate exceeded " \
	     "for shard shardId-000000000001 in stream s1 under account 123456789012.\"}"
#define IFAIL "{\"ErrorCode\":\"InternalFailure\",\"ErrorMessage\":\"Internal Service Failure\"}"

static const char all_ok[] =
	"{\"FailedRecordCount\":0,\"Records\":[" OK(0) "," OK(1) "," OK(2) "," OK(3) "," OK(4) "],"
	"\"EncryptionType\":\"NONE\"}";
static const char two_failed[] =
	"{\"FailedRecordCount\":2,\"Records\":[" OK(0) "," PTEE "," OK(2) "," IFAIL "," OK(4) "],"
	"\"EncryptionType\":\"KMS\"}";

static long apply(struct ring *r, const char *body, size_t len, size_t ntoks, uint64_t first,
		  uint64_t end, char *code, size_t codecap)
{
	static jsmntok_t toks[128];

	strcpy(code, "junk");
	return kinesis_apply(body, len, toks, ntoks, r, first, end, &no_args, code, codecap);
}

T(kinesis_apply_all_ok)
{
	struct ring *r = load5();
	char code[64];

	T_EQ_INT(apply(r, all_ok, sizeof all_ok - 1, 128, r->rtail, r->rhead, code, sizeof code), 0);
	T_EQ_STR(code, "");
	T_EQ_INT(acked_n(r, 5), 0x1f);
	/* FailedRecordCount is optional in the model */
	static const char no_count[] = "{\"Records\":[" OK(0) "," OK(1) "," OK(2) "," OK(3) "," OK(4) "]}";
	r = load5();
	T_EQ_INT(apply(r, no_count, sizeof no_count - 1, 128, r->rtail, r->rhead, code, sizeof code), 0);
	T_EQ_INT(acked_n(r, 5), 0x1f);
}

T(kinesis_apply_partial)
{
	struct ring *r = load5();
	char code[64];

	T_EQ_INT(apply(r, two_failed, sizeof two_failed - 1, 128, r->rtail, r->rhead, code, sizeof code), 2);
	T_EQ_STR(code, "ProvisionedThroughputExceededException");
	T_TRUE(api_throttled(&api_kinesis, code));
	T_EQ_INT(acked_n(r, 5), 0x15);
	/* the retry carries r1 and r3 only: the answer maps onto them */
	static const char retry[] = "{\"FailedRecordCount\":1,\"Records\":[" IFAIL "," OK(3) "]}";
	T_EQ_INT(apply(r, retry, sizeof retry - 1, 128, r->rtail, r->rhead, code, sizeof code), 1);
	T_EQ_STR(code, "InternalFailure");
	T_TRUE(!api_throttled(&api_kinesis, code));
	T_EQ_INT(acked_n(r, 5), 0x1d);
	/* a code longer than the buffer is cut, not lost */
	r = load5();
	T_EQ_INT(apply(r, two_failed, sizeof two_failed - 1, 128, r->rtail, r->rhead, code, 12), 2);
	T_EQ_STR(code, "Provisioned");
	T_EQ_INT(acked_n(r, 5), 0x15);
}

/* A FailedRecordCount below the failures the entries name (a hostile or
 * broken service: tools/endpoint.py --hostile errors-under-zero-count): the
 * entries say which records failed, and only those go again; refusing the
 * answer would send the accepted ones twice. */
T(kinesis_apply_count_below_the_failures)
{
	static const char zero[] =
		"{\"FailedRecordCount\":0,\"Records\":[" OK(0) "," PTEE "," OK(2) "," IFAIL "," OK(4) "]}";
	static const char one[] =
		"{\"FailedRecordCount\":1,\"Records\":[" OK(0) "," PTEE "," OK(2) "," IFAIL "," OK(4) "]}";
	struct ring *r = load5();
	char code[64];

	T_EQ_INT(apply(r, zero, sizeof zero - 1, 128, r->rtail, r->rhead, code, sizeof code), 2);
	T_EQ_STR(code, "ProvisionedThroughputExceededException");
	T_EQ_INT(acked_n(r, 5), 0x15);
	r = load5();
	T_EQ_INT(apply(r, one, sizeof one - 1, 128, r->rtail, r->rhead, code, sizeof code), 2);
	T_EQ_INT(acked_n(r, 5), 0x15);
}

static int refused(const char *body, size_t len, size_t ntoks, unsigned before, int line)
{
	struct ring *r = load5();
	char code[64];
	long n;

	for (int i = 0; i < 5; i++)
		ring_rec(r, r->rtail + (uint64_t)i)->acked = before >> i & 1;
	n = apply(r, body, len, ntoks, r->rtail, r->rhead, code, sizeof code);
	if (n != -1 || acked_n(r, 5) != before || code[0]) {
		t_fail(__FILE__, line, "\"%.*s\": %ld, acked %#x, code \"%s\"", (int)len, body, n,
		       acked_n(r, 5), code);
		return 0;
	}
	return 1;
}
#define REFUSED(body) T_TRUE(refused(body, sizeof(body) - 1, 128, 0, __LINE__))
#define FOUR_OK OK(0) "," OK(1) "," OK(2) "," OK(3)

T(kinesis_apply_malformed)
{
	REFUSED("");
	REFUSED("<html><body>502 Bad Gateway</body></html>");
	REFUSED("[]");
	REFUSED("\"Records\"");
	REFUSED("{}");
	REFUSED("{\"FailedRecordCount\":0}");
	REFUSED("{\"FailedRecordCount\":0,\"Records\":" OK(0) "}");
	REFUSED("{\"FailedRecordCount\":0,\"Records\":\"none\"}");
	/* four or six entries for five records */
	REFUSED("{\"FailedRecordCount\":0,\"Records\":[" FOUR_OK "]}");
	REFUSED("{\"FailedRecordCount\":0,\"Records\":[" FOUR_OK "," OK(4) "," OK(5) "]}");
	REFUSED("{\"FailedRecordCount\":0,\"Records\":[]}");
	/* FailedRecordCount more than the failures (which?), or not a count */
	REFUSED("{\"FailedRecordCount\":1,\"Records\":[" FOUR_OK "," OK(4) "]}");
	REFUSED("{\"FailedRecordCount\":3,\"Records\":[" OK(0) "," PTEE "," OK(2) "," IFAIL "," OK(4) "]}");
	REFUSED("{\"FailedRecordCount\":\"0\",\"Records\":[" FOUR_OK "," OK(4) "]}");
	REFUSED("{\"FailedRecordCount\":-0,\"Records\":[" FOUR_OK "," OK(4) "]}");
	REFUSED("{\"FailedRecordCount\":0.0,\"Records\":[" FOUR_OK "," OK(4) "]}");
	REFUSED("{\"FailedRecordCount\":null,\"Records\":[" FOUR_OK "," OK(4) "]}");
	/* an entry that is neither, half a success, or not an object */
	REFUSED("{\"FailedRecordCount\":0,\"Records\":[" FOUR_OK ",{\"ErrorMessage\":\"e\"}]}");
	REFUSED("{\"FailedRecordCount\":0,\"Records\":[" FOUR_OK ",{}]}");
	REFUSED("{\"FailedRecordCount\":0,\"Records\":[" FOUR_OK ",{\"SequenceNumber\":\"1\"}]}");
	REFUSED("{\"FailedRecordCount\":0,\"Records\":[" FOUR_OK ",{\"ShardId\":\"shardId-000000000000\"}]}");
	REFUSED("{\"FailedRecordCount\":0,\"Records\":[" FOUR_OK ",\"e\"]}");
	REFUSED("{\"FailedRecordCount\":0,\"Records\":[" FOUR_OK ",[" OK(4) "]]}");
	/* an ErrorCode or SequenceNumber that is not a string says nothing */
	REFUSED("{\"FailedRecordCount\":1,\"Records\":[" FOUR_OK ",{\"ErrorCode\":null}]}");
	REFUSED("{\"FailedRecordCount\":0,\"Records\":[" FOUR_OK ",{\"SequenceNumber\":5,\"ShardId\":\"s\"}]}");
	/* not JSON past the first entries */
	REFUSED("{\"FailedRecordCount\":0,\"Records\":[" FOUR_OK ",{\"SequenceNumber\":e}]}");
	/* Firehose's answer is not Kinesis's */
	REFUSED("{\"FailedPutCount\":0,\"RequestResponses\":[{\"RecordId\":\"a\"},{\"RecordId\":\"b\"},"
		"{\"RecordId\":\"c\"},{\"RecordId\":\"d\"},{\"RecordId\":\"e\"}]}");
	/* with r2 acked before: still untouched */
	T_TRUE(refused("{\"FailedRecordCount\":0}", 23, 128, 0x04, __LINE__));
}

/* jsmn takes a key without a value ({"ErrorCode"}); json_get once gave the
 * token after it, past the parsed ones (found by fuzzing).  The scratch
 * tokens are filled with strings pointing at "Records" so that reading a
 * stale one would count a failure instead of refusing. */
T(kinesis_apply_key_without_value)
{
	static const char body5[] = "{\"Records\":[" FOUR_OK ",{\"ErrorCode\"}]}";
	static const char err[] = "{\"__type\":\"ValidationException\",\"message\"}";
	static jsmntok_t toks[128];
	struct ring *r = load5();
	char code[64], msg[64];

	for (size_t i = 0; i < 128; i++)
		toks[i] = (jsmntok_t){ .type = JSMN_STRING, .start = 2, .end = 9, .size = 0 };
	T_EQ_INT(kinesis_apply(body5, sizeof body5 - 1, toks, 128, r, r->rtail, r->rhead, &no_args, code, sizeof code), -1);
	T_EQ_INT(acked_n(r, 5), 0);
	T_EQ_INT(api_error(&api_kinesis, 400, err, sizeof err - 1, NULL, code, sizeof code, msg, sizeof msg), API_INVALID);
	T_EQ_STR(code, "ValidationException");
	T_EQ_STR(msg, "");
}

/* The start of an answer too long to keep. */
T(kinesis_all_accepted_start)
{
	static const struct { const char *body; int all; } cases[] = {
		{ "{\"FailedRecordCount\":0,\"Records\":[{\"SequenceNumber\":\"1\",\"Sh", 1 },
		{ "{ \"FailedRecordCount\" :\n 0 ,\"Records\":[", 1 },
		{ "{\"FailedRecordCount\":0}", 1 },
		{ "{\"Records\":[" OK(0) "],\"FailedRecordCount\":0,", 1 },
		{ "{\"FailedRecordCount\":1,\"Records\":[{\"SequenceNumber\":\"1\",\"Sh", 0 },
		{ "{\"FailedRecordCount\":01,", 0 },
		{ "{\"FailedRecordCount\":10,", 0 },
		{ "{\"FailedRecordCount\":0", 0 },	/* 0 or 05? cannot tell */
		{ "{\"FailedRecordCount\":", 0 },
		{ "{\"FailedRecordCount\"", 0 },
		{ "{\"FailedRecordCount\":\"0\",", 0 },
		{ "{\"FailedPutCount\":0,\"RequestResponses\":[", 0 },
		{ "{\"XFailedRecordCount\":0,", 0 },
		{ "{\"Records\":[{\"ErrorCode\":\"InternalFailure\"", 0 },
		{ "", 0 },
	};

	for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
		struct ring *r = load5();
		int got = api_all_accepted(&api_kinesis, &no_args, long_answer(cases[c].body, 0, 3), r, r->rtail + 1,
					   r->rtail + 4);
		if (got != cases[c].all || acked_n(r, 5) != (got ? 0x0eu : 0u)) {
			t_fail(__FILE__, __LINE__, "case %zu \"%s\": %d, acked %#x", c, cases[c].body, got,
			       acked_n(r, 5));
			return;
		}
	}
}

/* --- errors --- */

struct ecase {
	int status;
	const char *body, *hdr;
	enum api_class cls;
	const char *code, *msg;
};

#define E(type, m) "{\"__type\":\"" type "\",\"message\":\"" m "\"}"

static const struct ecase ecases[] = {
	/* throttling, a stream being changed, the service failing: again, later */
	{ 400, E("ProvisionedThroughputExceededException", "Rate exceeded for stream s1 under account "
		 "123456789012."), NULL, API_RETRY, "ProvisionedThroughputExceededException",
	  "Rate exceeded for stream s1 under account 123456789012." },
	{ 400, E("LimitExceededException", "Rate exceeded"), NULL, API_RETRY, "LimitExceededException",
	  "Rate exceeded" },
	{ 400, E("KMSThrottlingException", "k"), NULL, API_RETRY, "KMSThrottlingException", "k" },
	{ 400, E("ResourceInUseException", "Stream s1 under account 123456789012 not ACTIVE, instead in "
		 "state UPDATING"), NULL, API_RETRY, "ResourceInUseException",
	  "Stream s1 under account 123456789012 not ACTIVE, instead in state UPDATING" },
	{ 500, E("InternalFailureException", "i"), NULL, API_RETRY, "InternalFailureException", "i" },
	{ 500, "{\"__type\":\"InternalFailure\"}", NULL, API_RETRY, "InternalFailure", "" },
	{ 503, "", "ServiceUnavailable:http://internal.amazon.com/", API_RETRY, "ServiceUnavailable", "" },
	{ 502, "<html><body><h1>502 Bad Gateway</h1></body></html>", NULL, API_RETRY, "", "" },
	/* no such stream */
	{ 400, E("ResourceNotFoundException", "Stream s1 under account 123456789012 not found."), NULL,
	  API_NOTFOUND, "ResourceNotFoundException", "Stream s1 under account 123456789012 not found." },
	{ 400, "{\"__type\":\"com.amazonaws.kinesis#ResourceNotFoundException\"}", NULL, API_NOTFOUND,
	  "ResourceNotFoundException", "" },
	/* credentials, permissions, the stream's KMS key */
	{ 400, E("AccessDeniedException", "User: u is not authorized to perform: kinesis:PutRecords"), NULL,
	  API_CREDS, "AccessDeniedException", "User: u is not authorized to perform: kinesis:PutRecords" },
	{ 400, E("UnrecognizedClientException", "The security token included in the request is invalid."),
	  NULL, API_CREDS, "UnrecognizedClientException",
	  "The security token included in the request is invalid." },
	{ 400, E("InvalidSignatureException", "Signature expired: 20261123T100000Z is now earlier than "
	  "20261123T100500Z (20261123T101000Z - 5 min.)"), NULL, API_CREDS, "InvalidSignatureException",
	  "Signature expired: 20261123T100000Z is now earlier than 20261123T100500Z "
	  "(20261123T101000Z - 5 min.)" },
	{ 400, E("ExpiredTokenException", "The security token included in the request is expired"), NULL,
	  API_CREDS, "ExpiredTokenException", "The security token included in the request is expired" },
	{ 400, E("IncompleteSignatureException", "x"), NULL, API_CREDS, "IncompleteSignatureException", "x" },
	{ 400, E("MissingAuthenticationTokenException", "Missing Authentication Token"), NULL, API_CREDS,
	  "MissingAuthenticationTokenException", "Missing Authentication Token" },
	{ 400, "", "IncompleteSignature:http://internal.amazon.com/", API_CREDS, "IncompleteSignature", "" },
	{ 400, "", "MissingAuthenticationToken", API_CREDS, "MissingAuthenticationToken", "" },
	{ 400, E("ExpiredToken", "e"), NULL, API_CREDS, "ExpiredToken", "e" },
	{ 400, E("KMSAccessDeniedException", "k"), NULL, API_CREDS, "KMSAccessDeniedException", "k" },
	{ 400, E("KMSDisabledException", "k"), NULL, API_CREDS, "KMSDisabledException", "k" },
	{ 400, E("KMSInvalidStateException", "k"), NULL, API_CREDS, "KMSInvalidStateException", "k" },
	{ 400, E("KMSNotFoundException", "k"), NULL, API_CREDS, "KMSNotFoundException", "k" },
	{ 400, E("KMSOptInRequired", "k"), NULL, API_CREDS, "KMSOptInRequired", "k" },
	{ 403, "", NULL, API_CREDS, "", "" },
	/* the request refused */
	{ 400, E("ValidationException", "1 validation error detected: Value '' at 'records.1.member.partitionKey' "
	  "failed to satisfy constraint: Member must have length greater than or equal to 1"), NULL, API_INVALID,
	  "ValidationException", "1 validation error detected: Value '' at 'records.1.member.partitionKey' "
	  "failed to satisfy constraint: Member must have length greater than or equal to 1" },
	{ 400, E("SerializationException", "s"), NULL, API_INVALID, "SerializationException", "s" },
	{ 400, E("InvalidArgumentException", "Records size exceeds 5 MB limit"), NULL, API_INVALID,
	  "InvalidArgumentException", "Records size exceeds 5 MB limit" },
	{ 500, "{\"__type\":\"SerializationException\"}", NULL, API_RETRY, "SerializationException", "" },
};

T(kinesis_error_classes)
{
	char code[96], msg[256];

	for (size_t i = 0; i < sizeof ecases / sizeof *ecases; i++) {
		const struct ecase *c = &ecases[i];
		memset(code, 'x', sizeof code);
		memset(msg, 'x', sizeof msg);
		enum api_class cls = api_error(&api_kinesis, c->status, c->body, strlen(c->body), c->hdr, code,
							sizeof code, msg, sizeof msg);
		if (cls != c->cls || strcmp(code, c->code) != 0 || strcmp(msg, c->msg) != 0) {
			t_fail(__FILE__, __LINE__, "case %zu (%d %s):\n  got      %d \"%s\" \"%s\"\n"
			       "  expected %d \"%s\" \"%s\"", i, c->status, c->body, cls, code, msg, c->cls,
			       c->code, c->msg);
			return;
		}
	}
}

/* A refused signature time: AWS's time from the Date header, else from the
 * message's "(YYYYMMDDTHHMMSSZ - 5 min.)", else no skew (a plain refusal). */
static struct batch_outcome skew_outcome(const char *message, int64_t date_s)
{
	static char body[512];
	struct http_resp r = { .status = 400, .date_s = date_s, .body = body };
	struct batch_outcome o;
	char code[96], msg[256];

	r.body_len = (size_t)snprintf(body, sizeof body, "{\"__type\":\"InvalidSignatureException\",\"message\":\"%s\"}",
				      message);
	api_outcome(&api_kinesis, NULL, &r, NULL, 0, NULL, 0, 0, &o, code, sizeof code, msg, sizeof msg);
	return o;
}

T(kinesis_skew_time_from_the_answer)
{
	const char *m = "Signature expired: 20261123T100000Z is now earlier than 20261123T100500Z (20261123T101000Z - 5 min.)";
	struct batch_outcome o = skew_outcome(m, 0);

	T_EQ_INT(o.result, BATCH_SKEW);
	T_EQ_INT(o.aws_s, 1795428600);		/* 2026-11-23 10:10:00 UTC */
	T_EQ_INT(skew_outcome(m, 1795400000).aws_s, 1795400000);	/* the Date header first */
	o = skew_outcome("Signature expired: 20261123T100000Z is now earlier than 20261123T100500Z (2026112T101000Z)", 0);
	T_EQ_INT(o.result, BATCH_CREDS);
	T_EQ_INT(skew_outcome("Signature expired (20261323T101000Z - 5 min.)", 0).result, BATCH_CREDS);
	T_EQ_INT(skew_outcome("Signature expired (20261123 101000Z - 5 min.)", 0).result, BATCH_CREDS);
	T_EQ_INT(skew_outcome("Signature expired (20261123T101000 - 5 min.)", 0).result, BATCH_CREDS);
	T_EQ_INT(skew_outcome("Signature expired (", 0).result, BATCH_CREDS);
}

T(kinesis_throttled_codes)
{
	T_TRUE(api_throttled(&api_kinesis, "ProvisionedThroughputExceededException"));
	T_TRUE(api_throttled(&api_kinesis, "KMSThrottlingException"));
	T_TRUE(api_throttled(&api_kinesis, "LimitExceededException"));
	T_TRUE(api_throttled(&api_kinesis, "ThrottlingException"));
	T_TRUE(!api_throttled(&api_kinesis, "InternalFailure"));
	T_TRUE(!api_throttled(&api_kinesis, "ProvisionedThroughputExceeded"));
	T_TRUE(!api_throttled(&api_kinesis, ""));
}

T(kinesis_limits)
{
	T_EQ_INT(kinesis_max_batch_bytes(KINESIS_MAX_RECORD_BYTES), 5 * 1024 * 1024);
	T_EQ_INT(kinesis_max_batch_bytes(1000), 5 * 1024 * 1024);
	T_EQ_INT(kinesis_max_batch_bytes(KINESIS_MAX_RECORD_BYTES + 1), 10 * 1024 * 1024);
	T_EQ_INT(kinesis_max_batch_bytes(KINESIS_MAX_RECORD_BYTES_LARGE), 10 * 1024 * 1024);
	T_EQ_INT(KINESIS_MAX_KEY_BYTES, 768);
	T_EQ_INT(KINESIS_MAX_KEY_ESC, 1536);
}

/* A batch counts each record's key as its kind's longest (extra_max): a
 * RANDOM key must never be longer, or a full request passes 5 MiB. */
T(kinesis_key_within_what_batches_count)
{
	static const enum kinesis_key_kind kinds[] = { KINESIS_KEY_RANDOM, KINESIS_KEY_DETERMINISTIC,
		KINESIS_KEY_FIXED };
	struct rec_view v = { { "some record\n", "", "" }, { 12, 0, 0 } };
	char key[KINESIS_MAX_KEY_BYTES + 1];
	size_t longest[3] = { 0, 0, 0 };

	for (int kk = 0; kk < 3; kk++) {
		struct kinesis_keys k;
		struct api_args a = { "s1", 0, &k, NULL, NULL };
		kinesis_keys_init(&k, kinds[kk], kinds[kk] == KINESIS_KEY_FIXED ? odd_key : NULL, SALT);
		for (uint64_t pos = 0; pos < 200000; pos++) {
			size_t n = kinesis_key(&k, &v, pos, key);
			T_TRUE(n <= kinesis_extra_max(&a));
			if (n > longest[kk])
				longest[kk] = n;
		}
		/* and not counted longer than they get */
		if (kinds[kk] != KINESIS_KEY_RANDOM)
			T_EQ_INT(longest[kk], kinesis_extra_max(&a));
	}
	/* random keys of 17 characters are rare (1 in 10); 16 and more are common */
	T_TRUE(longest[0] >= 16);
}
