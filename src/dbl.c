/* Exact conversions (see dbl.h) on unsigned big integers of 32-bit limbs,
 * least significant first.  The largest number met is about 10^390 times
 * 2^60 (a tiny value's divisor, shifted): 1,400 bits. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "dbl.h"

#define DBL_LIMBS 56	/* 1,792 bits */

struct dbl_big {
	uint32_t w[DBL_LIMBS];
	int n;		/* limbs in use; w[n - 1] != 0, or n == 0 for zero */
};

static void big_set(struct dbl_big *b, uint64_t v)
{
	b->n = 0;
	for (; v; v >>= 32)
		b->w[b->n++] = (uint32_t)v;
}

/* b = b * m + add */
static void big_muladd(struct dbl_big *b, uint32_t m, uint32_t add)
{
	uint64_t c = add;

	for (int i = 0; i < b->n; i++) {
		c += (uint64_t)b->w[i] * m;
		b->w[i] = (uint32_t)c;
		c >>= 32;
	}
	if (c && b->n < DBL_LIMBS)
		b->w[b->n++] = (uint32_t)c;
}

static void big_mul10s(struct dbl_big *b, int k)
{
	for (; k >= 9; k -= 9)
		big_muladd(b, 1000000000, 0);
	for (; k > 0; k--)
		big_muladd(b, 10, 0);
}

static void big_shl(struct dbl_big *b, int k)
{
	for (; k >= 31; k -= 31)
		big_muladd(b, UINT32_C(1) << 31, 0);
	big_muladd(b, UINT32_C(1) << k, 0);
}

static void big_shr1(struct dbl_big *b)
{
	for (int i = 0; i < b->n; i++)
		b->w[i] = b->w[i] >> 1 | (i + 1 < b->n ? b->w[i + 1] << 31 : 0);
	if (b->n && !b->w[b->n - 1])
		b->n--;
}

static int big_bits(const struct dbl_big *b)
{
	int k = b->n * 32;

	if (!b->n)
		return 0;
	for (uint32_t t = b->w[b->n - 1]; !(t >> 31); t <<= 1)
		k--;
	return k;
}

static int big_cmp(const struct dbl_big *a, const struct dbl_big *b)
{
	if (a->n != b->n)
		return a->n < b->n ? -1 : 1;
	for (int i = a->n - 1; i >= 0; i--)
		if (a->w[i] != b->w[i])
			return a->w[i] < b->w[i] ? -1 : 1;
	return 0;
}

/* a -= b, with a >= b */
static void big_sub(struct dbl_big *a, const struct dbl_big *b)
{
	int64_t c = 0;

	for (int i = 0; i < a->n; i++) {
		c += (int64_t)a->w[i] - (i < b->n ? b->w[i] : 0);
		a->w[i] = (uint32_t)c;
		c = c < 0 ? -1 : 0;
	}
	while (a->n && !a->w[a->n - 1])
		a->n--;
}

/* out = a + b */
static void big_add(struct dbl_big *out, const struct dbl_big *a, const struct dbl_big *b)
{
	uint64_t c = 0;
	int n = a->n > b->n ? a->n : b->n;

	for (int i = 0; i < n; i++) {
		c += (uint64_t)(i < a->n ? a->w[i] : 0) + (i < b->n ? b->w[i] : 0);
		out->w[i] = (uint32_t)c;
		c >>= 32;
	}
	out->n = n;
	if (c && n < DBL_LIMBS)
		out->w[out->n++] = (uint32_t)c;
}

double dbl_parse(const char *s, size_t n)
{
	struct dbl_big num, den;
	const char *e = s + n;
	int neg = 0, digits = 0, q = 0, x = 0, xneg = 0, b, frac = 0;
	uint64_t quo = 0;
	int sticky;
	double d;

	big_set(&num, 0);
	if (s < e && *s == '-') {
		neg = 1;
		s++;
	}
	for (; s < e && ((*s >= '0' && *s <= '9') || *s == '.'); s++) {
		if (*s == '.') {
			frac = 1;
			continue;
		}
		if (digits || *s != '0') {
			big_muladd(&num, 10, (uint32_t)(*s - '0'));
			digits++;
		}
		q -= frac;
	}
	if (s < e) {	/* the exponent */
		if (*++s == '-' || *s == '+')
			xneg = *s++ == '-';
		for (; s < e; s++)
			if (x < 100000)
				x = x * 10 + *s - '0';
		q += xneg ? -x : x;
	}
	if (!num.n || q + digits < -324)	/* below half the least subnormal */
		return neg ? -0.0 : 0.0;
	if (q + digits > 310)			/* at least 10^310 */
		return neg ? -HUGE_VAL : HUGE_VAL;
	big_set(&den, 1);
	if (q > 0)
		big_mul10s(&num, q);
	else
		big_mul10s(&den, -q);
	/* quo = num * 2^b / den, in [2^53, 2^55) */
	b = 54 - (big_bits(&num) - big_bits(&den));
	if (b > 0)
		big_shl(&num, b);
	else
		big_shl(&den, -b);
	big_shl(&den, 55);
	for (int i = 55; i >= 0; i--) {
		if (big_cmp(&num, &den) >= 0) {
			big_sub(&num, &den);
			quo |= UINT64_C(1) << i;
		}
		big_shr1(&den);
	}
	sticky = num.n != 0;
	/* 54 bits: 53 and the half below them; subnormals have fewer */
	for (; quo >> 54 || b > 1075; b--) {
		sticky |= quo & 1;
		quo >>= 1;
	}
	if (quo & 1 && (sticky || quo & 2))
		quo += 2;
	/* the double's bits: quo >> 1 is its 53 bits times 2^(1 - b), fewer
	 * for a subnormal (b is 1075 then), 2^53 when rounding carried */
	quo >>= 1;
	if (quo >> 53) {
		quo >>= 1;
		b--;
	}
	if (quo >> 52) {
		if (1 - b + 52 + 1023 >= 2047)
			return neg ? -HUGE_VAL : HUGE_VAL;
		quo = (uint64_t)(1 - b + 52 + 1023) << 52 | (quo & ((UINT64_C(1) << 52) - 1));
	}
	quo |= (uint64_t)neg << 63;
	memcpy(&d, &quo, sizeof d);
	return d;
}

int dbl_shortest(double d, char digits[17], int *exp10)
{
	struct dbl_big r, s, mp, mm, t;
	uint64_t bits, f;
	int e, k, x, nd = 0, even, lo, hi, up, dig;

	memcpy(&bits, &d, sizeof bits);
	f = bits & ((UINT64_C(1) << 52) - 1);
	e = (int)(bits >> 52 & 0x7ff);
	if (e)
		f |= UINT64_C(1) << 52;
	e = e ? e - 1075 : -1074;
	even = !(f & 1);
	/* d = r / s, the gaps to its neighbours mp / s above and mm / s
	 * below (twice as wide above at a power of two), all halved */
	big_set(&r, f);
	big_set(&s, 1);
	big_set(&mp, 1);
	big_set(&mm, 1);
	if (e >= 0) {
		big_shl(&r, e);
		big_shl(&mp, e);
		big_shl(&mm, e);
	} else {
		big_shl(&s, -e);
	}
	big_shl(&r, 1);
	big_shl(&s, 1);
	if (f == UINT64_C(1) << 52 && e > -1074) {
		big_shl(&r, 1);
		big_shl(&s, 1);
		big_shl(&mp, 1);
	}
	/* k no larger than the decimal exponent: log10(2) from below */
	x = e + 52;	/* floor(log2(d)) */
	for (uint64_t g = f; !(g >> 52); g <<= 1)
		x--;
	k = x >= 0 ? (int)((int64_t)x * 78913 >> 18) : -(int)(((int64_t)-x * 78913 + (1 << 18) - 1) >> 18);
	if (k >= 0) {
		big_mul10s(&s, k);
	} else {
		big_mul10s(&r, -k);
		big_mul10s(&mp, -k);
		big_mul10s(&mm, -k);
	}
	/* up to the first k with d's upper bound below 10^k */
	for (;;) {
		big_add(&t, &r, &mp);
		if (big_cmp(&t, &s) < 1 - even)
			break;
		big_muladd(&s, 10, 0);
		k++;
	}
	for (;;) {
		big_muladd(&r, 10, 0);
		big_muladd(&mp, 10, 0);
		big_muladd(&mm, 10, 0);
		for (dig = 0; big_cmp(&r, &s) >= 0; dig++)
			big_sub(&r, &s);
		lo = big_cmp(&r, &mm) < even;		/* the digit alone is close enough */
		big_add(&t, &r, &mp);
		hi = big_cmp(&t, &s) > -even;		/* one more is */
		/* the nearer of the two (the even one at a tie) ends d's digits
		 * if it is close enough: printf's rounding, which strtod reads
		 * back (at a power of two, a farther one may be too) */
		big_add(&t, &r, &r);
		x = big_cmp(&t, &s);
		up = x > 0 || (x == 0 && dig & 1);
		if ((up ? hi : lo) || nd == 16) {	/* (17 digits always do) */
			digits[nd++] = (char)('0' + dig + up);
			break;
		}
		digits[nd++] = (char)('0' + dig);
	}
	*exp10 = k - 1;
	return nd;
}
