/* Decimal formatting (see numfmt.h). */
#include <string.h>

#include "numfmt.h"

size_t numfmt_u64(char *out, uint64_t v)
{
	char b[20];
	size_t n = 0;

	do {
		b[sizeof b - ++n] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	memcpy(out, b + sizeof b - n, n);
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
	uint64_t frac = x / 1000000 % UINT64_C(10000000000);
	size_t n = numfmt_u64(out, x % 1000000), k = 10;

	out[n++] = '.';
	/* ten digits, zero-padded; the trailing zeros are not written */
	while (k > 1 && frac % 10 == 0) {
		frac /= 10;
		k--;
	}
	for (size_t i = k; i-- > 0; frac /= 10)
		out[n + i] = (char)('0' + frac % 10);
	n += k;
	out[n] = '\0';
	return n;
}
