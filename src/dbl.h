/* Doubles read from decimal text and written back in the fewest digits,
 * exactly (big-integer arithmetic, as a correct strtod and printf do), for
 * the few numbers a configuration holds: libc's strtod and printf's
 * floating point would add 10 KiB to the binary for them. */
#ifndef DBL_H
#define DBL_H
#include <stddef.h>

/* The double nearest (ties to even) to the JSON number s (n < 64 bytes,
 * already checked as one: -?digits[.digits][(e|E)[+-]digits]); too large a
 * number is an infinity, too small a zero, each with its sign (as strtod). */
double dbl_parse(const char *s, size_t n);
/* d (finite, above 0) in the fewest significant digits that, rounded as
 * printf rounds, read back (dbl_parse, strtod) as d: digits[0..n-1] (n <= 17,
 * no trailing zero) with d ~ D.DDD x 10^*exp10.  Returns n. */
int dbl_shortest(double d, char digits[17], int *exp10);
#endif
