/* Decimal formatting (see numfmt.h). */
#include <string.h>

#include "numfmt.h"

/* On a 32-bit CPU a 64-bit division is a libgcc call of a hundred
 * instructions or more, and at -Os even a 32-bit division by a constant is
 * a call: the digits are made in 32 bits, dividing by multiplying. */

/* n / d for n below 2^bits (at most 31) and a constant d: n times 2^s / d
 * rounded up, s = bits + the bits of d, then shifted back; exact for every
 * such n (the rounding error times n stays below 2^s / d). */
static inline __attribute__((always_inline)) uint32_t div_const(uint32_t n, uint32_t d, int bits)
{
	int s = bits + 32 - __builtin_clz(d);
	uint64_t m = ((UINT64_C(1) << s) + d - 1) / d;

	return (uint32_t)((uint64_t)n * m >> s);
}

#if UINTPTR_MAX <= 0xffffffffu
/* w / d with *r, the remainder so far (below d), before w's bits; *r
 * becomes the remainder.  Long division 16 bits at a time for a constant d
 * below 2^15, in 32 bits (a 64-bit shift by a variable is a call too). */
static inline __attribute__((always_inline)) uint32_t div_word(uint32_t w, uint32_t d, uint32_t *r)
{
	uint32_t hi = *r << 16 | w >> 16, qh = div_const(hi, d, 31);	/* < 2^15 * 2^16 */
	uint32_t lo = (hi - qh * d) << 16 | (w & 0xffff), ql = div_const(lo, d, 31);

	*r = lo - ql * d;
	return qh << 16 | ql;
}
#endif

/* x / d, and x % d into *rem, for a constant d = 2^k * m, m below 2^15
 * (10^5 and 10^6 are). */
static inline __attribute__((always_inline)) uint64_t div_small(uint64_t x, uint32_t d, uint32_t *rem)
{
#if UINTPTR_MAX > 0xffffffffu
	*rem = (uint32_t)(x % d);
	return x / d;
#else
	int k = __builtin_ctz(d);
	uint64_t y = x >> k;	/* x / d = y / m; the remainder's low k bits are x's */
	uint32_t m = d >> k, hi, r = 0;

	hi = div_word((uint32_t)(y >> 32), m, &r);
	y = (uint64_t)hi << 32 | div_word((uint32_t)y, m, &r);
	*rem = r << k | ((uint32_t)x & ((1u << k) - 1));
	return y;
#endif
}

/* w's k digits (w below 10^k), zero-padded, ending before end: two a
 * step, from a table of "00" to "99" (a step is a multiplication, and
 * half as many of them). */
static void digits(char *end, uint32_t w, int k)
{
	static const char pairs[] =
		"00010203040506070809101112131415161718192021222324252627282930313233343536373839"
		"40414243444546474849505152535455565758596061626364656667686970717273747576777879"
		"8081828384858687888990919293949596979899";

	for (; k >= 2; k -= 2) {
		uint32_t q = (uint32_t)((uint64_t)w * 0x51eb851fu >> 37);	/* w / 100 for every 32-bit w */

		end -= 2;
		memcpy(end, pairs + 2 * (w - 100 * q), 2);
		w = q;
	}
	if (k)
		end[-1] = (char)('0' + w);
}

size_t numfmt_u64(char *out, uint64_t v)
{
	static const uint32_t pow10[10] = {
		1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000
	};
	uint32_t nines[2];	/* the last digits of a v past 32 bits, nine at a time */
	size_t n = 1;
	int k = 0;

	for (; v > UINT32_MAX; v /= 1000000000)
		nines[k++] = (uint32_t)(v % 1000000000);
	/* counted first, so the digits go straight to out */
	while (n < 10 && (uint32_t)v >= pow10[n])
		n++;
	digits(out + n, (uint32_t)v, (int)n);
	while (k-- > 0) {
		digits(out + n + 9, nines[k], 9);
		n += 9;
	}
	return n;
}

size_t numfmt_pad(char *out, uint64_t v, int width, char pad)
{
	char b[20];
	size_t n = numfmt_u64(b, v), k = 0;

	for (; (int)(n + k) < width; k++)
		out[k] = pad;
	memcpy(out + k, b, n);
	return n + k;
}

size_t numfmt_i64(char *out, int64_t v)
{
	if (v >= 0)
		return numfmt_u64(out, (uint64_t)v);
	out[0] = '-';
	return 1 + numfmt_u64(out + 1, 0 - (uint64_t)v);
}

int64_t numfmt_parse_i64(const char *s, const char **end)
{
	const char *p = s;
	uint64_t v = 0, lim;
	int neg = 0, over = 0;

	while (*p == ' ' || (*p >= '\t' && *p <= '\r'))
		p++;
	if (*p == '-' || *p == '+')
		neg = *p++ == '-';
	lim = neg ? UINT64_C(1) << 63 : INT64_MAX;
	*end = *p >= '0' && *p <= '9' ? p : s;
	for (; *p >= '0' && *p <= '9'; p++, *end = p) {
		if (v > (lim - (uint64_t)(*p - '0')) / 10)
			over = 1;
		else
			v = v * 10 + (uint64_t)(*p - '0');
	}
	if (over)
		v = lim;
	return neg ? (int64_t)(0 - v) : (int64_t)v;
}

size_t numfmt_random_key(uint64_t x, char *out)
{
	uint32_t whole, low5, high5;
	/* x / 10^6 < 2^45: its last ten digits as two halves of five */
	uint64_t q = div_small(div_small(x, 1000000, &whole), 100000, &low5);
	size_t n = numfmt_u64(out, whole), k = 10;

	high5 = (uint32_t)q - div_const((uint32_t)q, 100000, 28) * 100000;	/* q < 2^28 */
	out[n++] = '.';
	digits(out + n + 5, high5, 5);
	digits(out + n + 10, low5, 5);
	/* the trailing zeros are not written (one is kept) */
	while (k > 1 && out[n + k - 1] == '0')
		k--;
	n += k;
	out[n] = '\0';
	return n;
}
