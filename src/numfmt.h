/* Decimal numbers without printf, for what is formatted once per record. */
#ifndef NUMFMT_H
#define NUMFMT_H
#include <stddef.h>
#include <stdint.h>

/* v in decimal into out (at most 20 bytes, no NUL); returns the length. */
size_t numfmt_u64(char *out, uint64_t v);
/* v in decimal, padded on the left with pad to at least width characters
 * (printf's "%0*llu" for '0', "%*llu" for ' '); returns the length. */
size_t numfmt_pad(char *out, uint64_t v, int width, char pad);
/* v in decimal with a '-' when negative ("%lld"); returns the length. */
size_t numfmt_i64(char *out, int64_t v);
/* As strtoll(s, end, 10), without libc's (2 KiB) scanner: blanks
 * (isspace) skipped, a sign, decimal digits; beyond the range INT64_MAX or
 * INT64_MIN.  *end: after the digits, or s when there are none. */
int64_t numfmt_parse_i64(const char *s, const char **end);
/* The Java agent's RANDOM partition key ("" + nextDouble(1000000), e.g.
 * "482937.2839472934") made from 64 random bits x: x % 1000000, '.', then
 * x / 1000000 % 10^10 as ten digits without their trailing zeros (one kept).
 * Exactly sprintf("%u.%010llu") trimmed.  out needs NUMFMT_RANDOM_KEY_MAX + 1
 * bytes; NUL-terminated; returns the length. */
#define NUMFMT_RANDOM_KEY_MAX 17	/* "999999.9999999999" */
size_t numfmt_random_key(uint64_t x, char *out);
#endif
