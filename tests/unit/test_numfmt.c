/* Number formatting against printf, which it replaces. */
#include <inttypes.h>
#include <stdlib.h>

#include "t.h"
#include "numfmt.h"

/* What kinesis.c's random_key wrote with sprintf. */
static size_t printf_key(uint64_t x, char *out)
{
	int n = sprintf(out, "%u.%010llu", (unsigned)(x % 1000000),
			(unsigned long long)(x / 1000000 % UINT64_C(10000000000)));

	while (out[n - 1] == '0' && out[n - 2] != '.')
		n--;
	out[n] = '\0';
	return (size_t)n;
}

T(numfmt_random_key_as_printf)
{
	static const uint64_t edge[] = { 0, 1, 999999, 1000000, 1000001, UINT64_C(10000000000000000),
		UINT64_C(9999999999999999), UINT64_MAX, UINT64_MAX - 1, UINT64_C(123456000000),
		UINT64_C(100000000000000000), UINT64_C(1000000) * 10, UINT64_C(1000000) * 1000000000 };
	char want[40], got[40];
	uint64_t x = UINT64_C(0x9e3779b97f4a7c15);

	for (size_t i = 0; i < sizeof edge / sizeof edge[0]; i++) {
		size_t n = printf_key(edge[i], want);
		T_EQ_INT(numfmt_random_key(edge[i], got), n);
		T_EQ_STR(got, want);
	}
	for (int i = 0; i < 200000; i++) {
		/* xorshift64, and every fraction with many trailing zeros */
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		uint64_t y = i & 1 ? x : x / 1000000 / 100000 * 100000 * 1000000 + x % 1000000;
		size_t n = printf_key(y, want);
		T_EQ_INT(numfmt_random_key(y, got), n);
		T_EQ_STR(got, want);
	}
}

/* The longest key is what a Kinesis batch counts a RANDOM key as: counted
 * shorter, a full batch of such keys passes the request's byte limit. */
T(numfmt_random_key_longest)
{
	char got[NUMFMT_RANDOM_KEY_MAX + 1];

	/* 999999 before the point, ten digits after it, the last not 0 */
	T_EQ_INT(numfmt_random_key(UINT64_C(9999999999) * 1000000 + 999999, got), NUMFMT_RANDOM_KEY_MAX);
	T_EQ_STR(got, "999999.9999999999");
	T_EQ_INT(numfmt_random_key(UINT64_C(10000000000) * 1000000 - 1, got), NUMFMT_RANDOM_KEY_MAX);
}

T(numfmt_u64_as_printf)
{
	static const uint64_t v[] = { 0, 9, 10, 99, 100, 4294967295u, 4294967296u, UINT64_MAX };
	char want[32], got[32];

	uint64_t x = 88172645463325252u;

	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
		snprintf(want, sizeof want, "%" PRIu64, v[i]);
		size_t n = numfmt_u64(got, v[i]);
		got[n] = 0;
		T_EQ_STR(got, want);
	}
	/* every length: each power of ten, one less, and random values of
	 * each number of bits */
	for (uint64_t p = 1, i = 0; i < 20; p *= 10, i++)
		for (uint64_t d = 0; d < 2; d++) {
			snprintf(want, sizeof want, "%" PRIu64, p - d);
			got[numfmt_u64(got, p - d)] = 0;
			T_EQ_STR(got, want);
		}
	for (int i = 0; i < 20000 && !t_failed; i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		uint64_t y = x >> (i % 64);
		snprintf(want, sizeof want, "%" PRIu64, y);
		got[numfmt_u64(got, y)] = 0;
		T_EQ_STR(got, want);
	}
}

/* numfmt_parse_i64 against strtoll, which it replaces. */
T(numfmt_parse_i64_as_strtoll)
{
	static const char *const cases[] = { "0", "5", "-5", "+5", " 5", "\t\n\v\f\r 42x", "12.5", "300s", "", "-",
		"+", " ", "x5", "- 5", "--5", "+-5", "007", "86400", "9223372036854775807", "9223372036854775808",
		"-9223372036854775808", "-9223372036854775809", "99999999999999999999999", "-99999999999999999999",
		"18446744073709551616", "1e5", "0x10", "123456789012345678.", };
	const char *gend;
	char *wend;

	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		long long want = strtoll(cases[i], &wend, 10);
		T_EQ_INT(numfmt_parse_i64(cases[i], &gend), want);
		T_TRUE(gend == wend);
	}
}
