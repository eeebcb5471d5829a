/* JSON helpers: string escaping as Jackson writes it, and walking jsmn tokens. */
#ifndef JSON_H
#define JSON_H
#include <stddef.h>
#include <string.h>
/* jsmn's configuration, here alone: src/jsmn.c (JSON_JSMN_IMPL) compiles its
 * code with the same.  PARENT_LINKS: each token knows its parent, so closing
 * an object is one step, not a walk back over every token before it (a
 * 500-record answer parsed in linear time, not quadratic); 4 bytes a token. */
#ifndef JSON_JSMN_IMPL
#define JSMN_HEADER
#endif
#define JSMN_STRICT
#define JSMN_PARENT_LINKS
#include <jsmn.h>

/* Escapes s (n bytes, UTF-8) for the inside of a JSON string, as the Java
 * agent's Jackson writes it: `"` and `\` escaped, \b \t \n \f \r as such,
 * other bytes below 0x20 as \u00XX, `/`, DEL and valid UTF-8 left as they are,
 * each maximal invalid UTF-8 subpart replaced by U+FFFD (as a Java decoder
 * does).  Writes at most cap bytes; returns the full escaped length (like
 * snprintf, without a NUL), so a caller can size or detect truncation. */
size_t json_escape(char *out, size_t cap, const char *s, size_t n);
/* Appends k bytes at out + *len, writing only what fits in cap; *len grows by
 * k regardless, so it ends as the length the whole output needs.  (Inline:
 * the writers call it for every piece.) */
static inline __attribute__((always_inline)) void json_put(char *out, size_t cap, size_t *len, const char *p, size_t k)
{
	size_t fit = *len < cap ? cap - *len : 0;

	if (fit > k)
		fit = k;
	if (fit)
		memcpy(out + *len, p, fit);
	*len += k;
}

/* 1 if s (n bytes) is a number as RFC 8259 writes it (section 6):
 * -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? */
int json_number(const char *s, size_t n);
/* A streamed body's fixed piece s (n bytes), from *off on: copies what fits
 * of it to *out, advancing *out, *cap and *off; 1 when it is all out (*off
 * back to 0). */
int json_piece(const char *s, size_t n, size_t *off, char **out, size_t *cap);

/* jsmn token helpers.  js is the parsed text. */
/* Index of the token after the subtree that starts at i. */
int json_skip_tree(const jsmntok_t *t, int i);
/* The same, inline for what a flat record is made of: a token that holds
 * nothing, or a key (or a one-element container) whose one token holds
 * nothing. */
static inline int json_skip(const jsmntok_t *t, int i)
{
	if (t[i].size == 0)
		return i + 1;
	if (t[i].size == 1 && t[i + 1].size == 0)
		return i + 2;
	return json_skip_tree(t, i);
}
/* 1 if token t is a string equal to s. */
int json_eq(const char *js, const jsmntok_t *t, const char *s);
/* In the object at index obj, the index of the value for key, or -1 (also
 * for a key that jsmn let through without a value: {"a":1,"b"}). */
int json_get(const char *js, const jsmntok_t *t, int obj, const char *key);
/* Decodes the string token t (escapes, \uXXXX with surrogate pairs to UTF-8)
 * into out with a NUL; returns its length, or -1 if it does not fit or is invalid. */
int json_string(const char *js, const jsmntok_t *t, char *out, size_t cap);
/* Copies the string token t into out (cap bytes, NUL-ended, cut to fit):
 * decoded (json_string) where it can be, else its raw text.  For codes and
 * messages in answers, which are shown, never parsed.  Nothing if cap is 0. */
void json_copy(const char *js, const jsmntok_t *t, char *out, size_t cap);
/* 1 if the first "key" (quoted) in js, len bytes that need not be whole
 * JSON, is followed by a colon and the number 0; else 0.  For an answer too
 * long to parse: its start still tells whether anything failed. */
int json_key_zero(const char *js, size_t len, const char *key);
/* 1-based line number of byte offset off in js. */
int json_line(const char *js, int off);

/* A record that should be one JSON object: ADDTIME and SELECTKEYS edit those
 * and send anything else unchanged.  The state of such a processor holds one
 * (from the arena, zeroed) with name set. */
#define JSON_RECORD_MAXTOK 1024	/* tokens of a record; a LOGTOJSON line has ~20 */
struct json_record {
	const char *name;		/* the processor's, for its warnings */
	unsigned long notobj, toobig;	/* records sent unchanged, by reason */
	int warned_notobj, warned_toobig;
	jsmntok_t t[JSON_RECORD_MAXTOK];
	int escaped;			/* 0: no string of the record holds a '\\' */
};
/* Parses in (n bytes) into r->t.  Returns 1 if it is one JSON object whose
 * keys all have values, with nothing but blanks after it (jsmn stops at a
 * NUL byte: what follows one counts).  Else 0: the record is to be sent
 * unchanged; it is counted, and the first of each kind (not an object, more
 * than JSON_RECORD_MAXTOK tokens) is warned about, once. */
int json_record_parse(struct json_record *r, const char *in, size_t n);
/* The common record alone, in one pass: an object of string keys whose
 * values are strings or primitives, nothing nested, blanks after it.  Its
 * tokens into t (at most max), exactly as jsmn makes them; the count, or 0
 * for anything else (jsmn reads that).  *escaped is set when a string
 * holds an escape. */
int json_flat(const char *s, size_t n, jsmntok_t *t, int max, int *escaped);
#endif
