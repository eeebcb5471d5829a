/* The JSON writer: see jb.h. */
#include <string.h>
#include "jb.h"
#include "json.h"
#include "numfmt.h"

void jb_begin(struct jb *b, char *out, size_t cap)
{
	memset(b, 0, sizeof *b);
	b->out = out;
	b->cap = cap;
}

static void put(struct jb *b, const char *s, size_t n)
{
	json_put(b->out, b->cap, &b->len, s, n);
}

/* A quoted, escaped string. */
static void quoted(struct jb *b, const char *s, size_t n)
{
	put(b, "\"", 1);
	b->len += json_escape(b->len < b->cap ? b->out + b->len : NULL, b->len < b->cap ? b->cap - b->len : 0, s, n);
	put(b, "\"", 1);
}

/* The comma before a member but the first, and the member's key. */
static void member(struct jb *b, const char *key)
{
	if (b->more >> b->depth & 1)
		put(b, ",", 1);
	b->more |= 1u << b->depth;
	if (key) {
		quoted(b, key, strlen(key));
		put(b, ":", 1);
	}
}

void jb_open(struct jb *b, const char *key, char c)
{
	member(b, key);
	put(b, &c, 1);
	if (b->depth == JB_MAX_DEPTH)
		b->bad = 1;
	else
		b->depth++;
	b->more &= ~(1u << b->depth);
}

void jb_close(struct jb *b, char c)
{
	if (b->depth == 0)
		b->bad = 1;
	else
		b->depth--;
	put(b, &c, 1);
}

void jb_str(struct jb *b, const char *key, const char *s, size_t n)
{
	member(b, key);
	if (s)
		quoted(b, s, n);
	else
		put(b, "null", 4);
}

void jb_cstr(struct jb *b, const char *key, const char *s)
{
	jb_str(b, key, s, s ? strlen(s) : 0);
}

void jb_u64(struct jb *b, const char *key, uint64_t v)
{
	char d[24];

	member(b, key);
	put(b, d, numfmt_u64(d, v));
}

void jb_i64(struct jb *b, const char *key, int64_t v)
{
	char d[24];

	member(b, key);
	put(b, d, numfmt_i64(d, v));
}

void jb_bool(struct jb *b, const char *key, int v)
{
	member(b, key);
	put(b, v ? "true" : "false", v ? 4 : 5);
}

long jb_end(struct jb *b)
{
	return b->bad || b->depth || b->len > b->cap ? -1 : (long)b->len;
}
