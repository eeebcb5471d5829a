/* JSON helpers: string escaping as Jackson writes it, and walking jsmn tokens. */
#ifndef JSON_H
#define JSON_H
#include <stddef.h>
#define JSMN_HEADER
#define JSMN_STRICT
#include <jsmn.h>

/* Escapes s (n bytes, UTF-8) for the inside of a JSON string, as the Java
 * agent's Jackson writes it: `"` and `\` escaped, \b \t \n \f \r as such,
 * other bytes below 0x20 as \u00XX, `/`, DEL and valid UTF-8 left as they are,
 * each maximal invalid UTF-8 subpart replaced by U+FFFD (as a Java decoder
 * does).  Writes at most cap bytes; returns the full escaped length (like
 * snprintf, without a NUL), so a caller can size or detect truncation. */
size_t json_escape(char *out, size_t cap, const char *s, size_t n);

/* jsmn token helpers.  js is the parsed text. */
/* Index of the token after the subtree that starts at i. */
int json_skip(const jsmntok_t *t, int i);
/* 1 if token t is a string equal to s. */
int json_eq(const char *js, const jsmntok_t *t, const char *s);
/* In the object at index obj, the index of the value for key, or -1. */
int json_get(const char *js, const jsmntok_t *t, int obj, const char *key);
/* Decodes the string token t (escapes, \uXXXX with surrogate pairs to UTF-8)
 * into out with a NUL; returns its length, or -1 if it does not fit or is invalid. */
int json_string(const char *js, const jsmntok_t *t, char *out, size_t cap);
/* 1-based line number of byte offset off in js. */
int json_line(const char *js, int off);
#endif
