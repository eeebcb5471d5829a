/* libFuzzer target: the Kinesis partition key from a record's JSON field
 * (partitionKeyField), kinesis_key() with KINESIS_KEY_FIELD.  The input: a
 * byte choosing the field's name (low 3 bits: one of the names below; bit 3:
 * the name is instead the 1..16 bytes (high 4 bits + 1) after the four
 * header bytes, a NUL made 'x'), two bytes placing the record's two span
 * boundaries, a byte for its ring position, then the record.  The record is laid out as the ring gives it,
 * three spans, each in a heap block of exactly its size, so a read past the
 * record is an ASan error.  Checks, for every input:
 *   - the key is valid (kinesis_key_valid), 1..KINESIS_MAX_KEY_BYTES bytes,
 *     NUL-terminated, and nothing is allocated while it is worked out;
 *   - the fallback counter grows by exactly 0 or 1, and by 1 exactly when
 *     the key is the RANDOM key of that position (a RANDOM keys struct with
 *     the same salt gives it);
 *   - the key does not depend on where the spans are cut (the record whole
 *     in one span gives the same key and count);
 *   - when the record is strict JSON (the small parser below, which knows
 *     nothing of kinesis.c's scanner), the key is exactly what the contract
 *     in kinesis.h says: the first top-level member of that name, a string
 *     (decoded) or a number (its text) that makes a valid key, else the
 *     fallback; and the record cut right after that value gives the same
 *     key (it is read only up to the value). */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fuzz.h"
#include "json.h"
#include "kinesis.h"
#include "utf8.h"

#define FZ_MAX_REC 4096
#define FZ_SALT UINT64_C(0x5eed5eed12345678)
#define FZ_DEPTH 64		/* deeper than this: the oracle gives up (not a check) */

static void fz_die(const char *what, const uint8_t *rec, size_t n)
{
	fprintf(stderr, "fuzz_partkey: %s; record (%zu bytes): %.*s\n", what, n, (int)(n > 400 ? 400 : n),
		(const char *)rec);
	abort();
}

/* ---- the oracle: strict JSON (RFC 8259), lone surrogates refused ---- */

struct jp {
	const uint8_t *s;
	size_t n, i;
	int depth;
};

static void jp_ws(struct jp *p)
{
	while (p->i < p->n && (p->s[p->i] == ' ' || p->s[p->i] == '\t' || p->s[p->i] == '\n' || p->s[p->i] == '\r'))
		p->i++;
}

static int jp_hex4(struct jp *p, unsigned long *u)
{
	*u = 0;
	if (p->n - p->i < 4)
		return -1;
	for (int k = 0; k < 4; k++) {
		int c = p->s[p->i++], h = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 :
					   c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
		if (h < 0)
			return -1;
		*u = *u << 4 | (unsigned long)h;
	}
	return 0;
}

/* A string at p->i (its opening quote), decoded into out (at most cap bytes
 * kept); its whole decoded length in *len.  0, or -1 if it is none. */
static int jp_string(struct jp *p, uint8_t *out, size_t cap, size_t *len)
{
	size_t n = 0;

	if (p->i >= p->n || p->s[p->i] != '"')
		return -1;
	p->i++;
	for (;;) {
		char b[4];
		size_t k;
		unsigned long u, lo;
		if (p->i >= p->n)
			return -1;
		int c = p->s[p->i++];
		if (c < 0x20)
			return -1;
		if (c == '"')
			break;
		if (c != '\\') {
			b[0] = (char)c;
			k = 1;
		} else {
			if (p->i >= p->n)
				return -1;
			c = p->s[p->i++];
			switch (c) {
			case '"': case '\\': case '/': u = (unsigned long)c; break;
			case 'b': u = 8; break;
			case 'f': u = 12; break;
			case 'n': u = 10; break;
			case 'r': u = 13; break;
			case 't': u = 9; break;
			case 'u':
				if (jp_hex4(p, &u) < 0 || (u >= 0xdc00 && u <= 0xdfff))
					return -1;
				if (u >= 0xd800 && u <= 0xdbff) {
					if (p->n - p->i < 2 || p->s[p->i] != '\\' || p->s[p->i + 1] != 'u')
						return -1;
					p->i += 2;
					if (jp_hex4(p, &lo) < 0 || lo < 0xdc00 || lo > 0xdfff)
						return -1;
					u = 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00);
				}
				break;
			default:
				return -1;
			}
			k = utf8_put(b, u);	/* tested on its own: utf8_put_edges */
		}
		for (size_t j = 0; j < k; j++, n++)
			if (out && n < cap)
				out[n] = (uint8_t)b[j];
	}
	*len = n;
	return 0;
}

static int jp_digits(struct jp *p)
{
	size_t at = p->i;

	while (p->i < p->n && p->s[p->i] >= '0' && p->s[p->i] <= '9')
		p->i++;
	return p->i > at ? 0 : -1;
}

static int jp_number(struct jp *p)
{
	if (p->i < p->n && p->s[p->i] == '-')
		p->i++;
	if (p->i < p->n && p->s[p->i] == '0')
		p->i++;
	else if (jp_digits(p) < 0)
		return -1;
	if (p->i < p->n && p->s[p->i] == '.') {
		p->i++;
		if (jp_digits(p) < 0)
			return -1;
	}
	if (p->i < p->n && (p->s[p->i] == 'e' || p->s[p->i] == 'E')) {
		p->i++;
		if (p->i < p->n && (p->s[p->i] == '+' || p->s[p->i] == '-'))
			p->i++;
		if (jp_digits(p) < 0)
			return -1;
	}
	return 0;
}

static int jp_value(struct jp *p);

/* The members or elements of an object or array, from after its opener. */
static int jp_items(struct jp *p, int object)
{
	size_t len;

	jp_ws(p);
	if (p->i < p->n && p->s[p->i] == (object ? '}' : ']')) {
		p->i++;
		return 0;
	}
	for (;;) {
		jp_ws(p);
		if (object) {
			if (jp_string(p, NULL, 0, &len) < 0)
				return -1;
			jp_ws(p);
			if (p->i >= p->n || p->s[p->i++] != ':')
				return -1;
		}
		if (jp_value(p) < 0)
			return -1;
		jp_ws(p);
		if (p->i >= p->n)
			return -1;
		int c = p->s[p->i++];
		if (c == (object ? '}' : ']'))
			return 0;
		if (c != ',')
			return -1;
	}
}

static int jp_value(struct jp *p)
{
	static const char *const words[] = { "true", "false", "null" };
	size_t len;
	int r;

	jp_ws(p);
	if (p->i >= p->n)
		return -1;
	switch (p->s[p->i]) {
	case '"':
		return jp_string(p, NULL, 0, &len);
	case '{':
	case '[':
		if (++p->depth > FZ_DEPTH)
			return -1;
		r = p->s[p->i++] == '{';
		r = jp_items(p, r);
		p->depth--;
		return r;
	}
	for (size_t w = 0; w < 3; w++) {
		size_t k = strlen(words[w]);
		if (p->n - p->i >= k && memcmp(p->s + p->i, words[w], k) == 0) {
			p->i += k;
			return 0;
		}
	}
	return jp_number(p);
}

enum { OR_INVALID, OR_FALLBACK, OR_KEY };

/* What the contract says the key of record s (n bytes) is, for field name:
 * OR_KEY (in key, klen bytes; *end: where its value ends), OR_FALLBACK, or
 * OR_INVALID when s is not strict JSON (no exact answer to check). */
static int oracle(const uint8_t *s, size_t n, const char *name, uint8_t *key, size_t *klen, size_t *end)
{
	struct jp p = { s, n, 0, 0 };
	uint8_t mname[KINESIS_MAX_FIELD + 1];
	int found = 0, result = OR_FALLBACK;
	size_t len, nlen = strlen(name);

	jp_ws(&p);
	if (p.i >= n || s[p.i] != '{') {
		if (jp_value(&p) < 0)
			return OR_INVALID;
		jp_ws(&p);
		return p.i == n ? OR_FALLBACK : OR_INVALID;	/* JSON, not an object */
	}
	p.i++;
	p.depth = 1;
	jp_ws(&p);
	if (p.i < n && s[p.i] == '}') {
		p.i++;
	} else {
		for (;;) {
			jp_ws(&p);
			if (jp_string(&p, mname, sizeof mname, &len) < 0)
				return OR_INVALID;
			jp_ws(&p);
			if (p.i >= n || s[p.i++] != ':')
				return OR_INVALID;
			jp_ws(&p);
			size_t vstart = p.i;
			int match = !found && len == nlen && memcmp(mname, name, nlen) == 0;
			if (match && p.i < n && s[p.i] == '"') {
				struct jp q = p;
				if (jp_string(&q, key, KINESIS_MAX_KEY_BYTES, klen) == 0 && *klen >= 1 &&
				    *klen <= KINESIS_MAX_KEY_BYTES && kinesis_key_valid((const char *)key, *klen))
					result = OR_KEY;
			}
			if (jp_value(&p) < 0)
				return OR_INVALID;
			if (match) {
				found = 1;
				*end = p.i;
				if (s[vstart] == '-' || (s[vstart] >= '0' && s[vstart] <= '9')) {
					*klen = p.i - vstart;
					if (*klen <= KINESIS_MAX_KEY_CHARS) {
						memcpy(key, s + vstart, *klen);
						result = OR_KEY;
					}
				}
			}
			jp_ws(&p);
			if (p.i >= n)
				return OR_INVALID;
			int c = s[p.i++];
			if (c == '}')
				break;
			if (c != ',')
				return OR_INVALID;
		}
	}
	jp_ws(&p);
	return p.i == n ? result : OR_INVALID;
}

/* ---- the record as the ring gives it ---- */

static const char *const names[] = {
	"id", "container_id", "k", "a\\b\"c", "\xc3\xa9t\xc3\xa9", "x y", "0", NULL /* 256 bytes */,
};

/* The key of rec split at a and b (heap spans of exactly their sizes),
 * worked out in the loop; checks what holds for any record.  Returns the
 * key's length, *fell whether it fell back. */
static size_t key_of(struct kinesis_keys *k, const uint8_t *rec, size_t n, size_t a, size_t b, uint64_t pos,
		     char *out, int *fell)
{
	struct kinesis_keys rk;
	char rkey[KINESIS_MAX_KEY_BYTES + 1];
	struct rec_view v;
	char *span[3];
	size_t cut[4] = { 0, a, b, n }, len;
	uint64_t before = k->fallbacks;

	for (int s = 0; s < 3; s++) {
		v.n[s] = cut[s + 1] - cut[s];
		span[s] = malloc(v.n[s]);	/* an empty span too: ASan's block of 0 bytes */
		if (!span[s] && v.n[s])
			abort();
		if (v.n[s])
			memcpy(span[s], rec + cut[s], v.n[s]);
		v.p[s] = span[s];
	}
	memset(out, 0x5a, KINESIS_MAX_KEY_BYTES + 1);
	len = FZ_LOOP(kinesis_key(k, &v, pos, out));
	if (len < 1 || len > KINESIS_MAX_KEY_BYTES || out[len] != '\0')
		fz_die("key length", rec, n);
	if (!kinesis_key_valid(out, len))
		fz_die("key not valid", rec, n);
	if (k->fallbacks != before && k->fallbacks != before + 1)
		fz_die("fallbacks grew by more than one", rec, n);
	*fell = k->fallbacks == before + 1;
	kinesis_keys_init(&rk, KINESIS_KEY_RANDOM, NULL, FZ_SALT);
	size_t rlen = FZ_LOOP(kinesis_key(&rk, &v, pos, rkey));
	if (rk.fallbacks != 0)
		fz_die("RANDOM counted a fallback", rec, n);
	if (*fell && (rlen != len || memcmp(rkey, out, len) != 0))
		fz_die("fell back, but not to the RANDOM key", rec, n);
	for (int s = 0; s < 3; s++)
		free(span[s]);
	return len;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char longname[KINESIS_MAX_FIELD + 1];
	char name[KINESIS_MAX_FIELD + 1], key[KINESIS_MAX_KEY_BYTES + 1], key2[KINESIS_MAX_KEY_BYTES + 1];
	uint8_t want[KINESIS_MAX_KEY_BYTES];
	struct kinesis_keys k;
	size_t len, len2, wlen = 0, end = 0, n, a, b;
	int fell, fell2;
	uint64_t pos;
	const uint8_t *h = data, *rec = data + 4;

	if (size < 4)
		return 0;
	if (!longname[0])
		memset(longname, 'n', KINESIS_MAX_FIELD);
	if (h[0] & 8) {
		size_t nl = 1 + (h[0] >> 4);	/* 1..16 bytes */
		if (size < 4 + nl)
			return 0;
		for (size_t i = 0; i < nl; i++)
			name[i] = rec[i] ? (char)rec[i] : 'x';
		name[nl] = '\0';
		rec += nl;
	} else {
		const char *nm = names[h[0] & 7];
		strcpy(name, nm ? nm : longname);
	}
	n = size - (size_t)(rec - data);
	if (n > FZ_MAX_REC)
		return 0;
	a = n * h[1] / 255;
	b = a + (n - a) * h[2] / 255;
	pos = h[3] * UINT64_C(0x100000001);
	if (kinesis_keys_init(&k, KINESIS_KEY_FIELD, name, FZ_SALT) != 0)
		fz_die("keys_init refused a name", rec, n);

	len = key_of(&k, rec, n, a, b, pos, key, &fell);
	/* wherever the spans are cut */
	len2 = key_of(&k, rec, n, n, n, pos, key2, &fell2);
	if (fell2 != fell || len2 != len || memcmp(key, key2, len) != 0)
		fz_die("the key depends on the spans", rec, n);
	if (k.fallbacks != (uint64_t)(2 * fell))
		fz_die("fallbacks miscounted", rec, n);

	switch (oracle(rec, n, name, want, &wlen, &end)) {
	case OR_FALLBACK:
		if (!fell)
			fz_die("a key where the contract says fallback", rec, n);
		break;
	case OR_KEY:
		if (fell || len != wlen || memcmp(key, want, len) != 0)
			fz_die("not the field's value", rec, n);
		/* read only up to the value: the record cut after it gives the same */
		len2 = key_of(&k, rec, end, end / 3, 2 * end / 3, pos, key2, &fell2);
		if (fell2 || len2 != len || memcmp(key, key2, len) != 0)
			fz_die("the key needs bytes past the value", rec, n);
		break;
	}
	return 0;
}
