/* Base64 (RFC 4648, standard alphabet, padded). */
#ifndef B64_H
#define B64_H
#include <stddef.h>

/* Encoded length of n bytes. */
static inline size_t b64_len(size_t n) { return (n + 2) / 3 * 4; }
/* Encodes n bytes into out (b64_len(n) bytes, no NUL); returns b64_len(n). */
size_t b64_encode(const void *in, size_t n, char *out);

/* Streaming encoder for input that arrives in pieces (a record split at the
 * ring's end): feed pieces with b64_update, finish with b64_final. */
struct b64 {
	unsigned char carry[2];
	int ncarry;
};
void b64_init(struct b64 *s);
/* Encodes what can be encoded of in; out needs b64_len(n + 2) bytes.
 * Returns bytes written. */
size_t b64_update(struct b64 *s, const void *in, size_t n, char *out);
/* Writes the last group with padding (0 or 4 bytes) and returns its length. */
size_t b64_final(struct b64 *s, char *out);

/* Encodes data given as three spans (p[k], n[k] bytes; a record wrapped
 * around a ring's end, and what follows it), from data offset *off on:
 * groups of 4 while cap has room for one, the last group padded.  Advances
 * *off past the bytes encoded; returns the bytes written (a multiple of 4).
 * Whole when *off reaches n[0] + n[1] + n[2]. */
size_t b64_spans(const char *const p[3], const size_t n[3], size_t *off, char *out, size_t cap);

/* Decodes; returns the decoded length, or -1 on a bad character or length. */
long b64_decode(const char *in, size_t n, void *out, size_t cap);
#endif
