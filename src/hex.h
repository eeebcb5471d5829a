/* Hexadecimal digits, read and written: the one place every module takes them from. */
#ifndef HEX_H
#define HEX_H
#include <stddef.h>

extern const char hex_lower[17];	/* "0123456789abcdef" */
extern const char hex_upper[17];	/* "0123456789ABCDEF" */

/* The value of hex digit c (either case), or -1. */
int hex_digit(int c);
/* The value of the n hex digits at s (n <= 7), or -1 if one is not a digit. */
long hex_value(const char *s, size_t n);
/* Lowercase hex of n bytes into out (2n bytes and a NUL). */
void hex_encode(const void *in, size_t n, char *out);
#endif
