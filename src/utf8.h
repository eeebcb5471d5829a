/* UTF-8: validating, decoding, encoding and cleaning, as the JSON writer,
 * the regular-expression engine and Kinesis's partition keys need it. */
#ifndef UTF8_H
#define UTF8_H
#include <stddef.h>
#include <stdint.h>

/* Length of the valid UTF-8 sequence at s (n > 0 bytes): 1..4.  If there is
 * none, the negated length of its maximal subpart (-1..-3): the lead byte and
 * the continuation bytes that could still have begun a valid sequence
 * (Unicode 15, section 3.9, "U+FFFD substitution of maximal subparts"), with
 * Java's one difference: an encoded surrogate (ED A0..BF xx) is one bad
 * sequence of three bytes, not three of one.  Java's decoder turns each such
 * subpart into one U+FFFD. */
int utf8_len(const unsigned char *s, size_t n);
/* One code point at s (n > 0 bytes) into *cp: returns its length, or 1 and
 * U+FFFD for a byte that does not start a valid sequence. */
int utf8_decode(const unsigned char *s, size_t n, uint32_t *cp);
/* Writes code point u (at most U+10FFFF) as UTF-8 into b; returns its length, 1..4. */
size_t utf8_put(char b[4], unsigned long u);
/* Copies s (n bytes) with each maximal invalid subpart (utf8_len) replaced
 * by U+FFFD (EF BF BD), as a Java decoder and encoder do.  Writes at most
 * cap bytes; returns the full length, like snprintf (without a NUL). */
size_t utf8_clean(char *out, size_t cap, const char *s, size_t n);
#endif
