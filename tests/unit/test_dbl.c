/* dbl_parse against strtod and dbl_shortest against what addmetadata did
 * with printf and strtod before (the fewest digits of "%.*e" that strtod
 * reads back), which they replace. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "t.h"
#include "dbl.h"

static uint64_t dbl_t_x = UINT64_C(0x9e3779b97f4a7c15);

static uint64_t dbl_t_next(void)
{
	dbl_t_x ^= dbl_t_x << 13;
	dbl_t_x ^= dbl_t_x >> 7;
	dbl_t_x ^= dbl_t_x << 17;
	return dbl_t_x;
}

/* dbl_parse(s) is strtod(s), bit for bit. */
static int dbl_t_parse_same(const char *s)
{
	double a = dbl_parse(s, strlen(s)), b = strtod(s, NULL);

	if (memcmp(&a, &b, sizeof a)) {
		fprintf(stderr, "  dbl_parse(\"%s\") = %.17g, strtod %.17g\n", s, a, b);
		return 0;
	}
	return 1;
}

/* dbl_shortest(d) as the %.*e loop had it. */
static int dbl_t_shortest_same(double d)
{
	char e[40], want[20], got[17];
	int p, wn = 0, gn, gx, wx;
	const char *q;

	for (p = 1; p <= 17; p++) {
		snprintf(e, sizeof e, "%.*e", p - 1, d);
		if (strtod(e, NULL) == d)
			break;
	}
	for (q = e; *q != 'e'; q++)
		if (*q != '.')
			want[wn++] = *q;
	wx = atoi(q + 1);
	while (wn > 1 && want[wn - 1] == '0')
		wn--;
	gn = dbl_shortest(d, got, &gx);
	if (gn != wn || gx != wx || memcmp(got, want, (size_t)gn)) {
		fprintf(stderr, "  dbl_shortest(%.17g) = %.*s e%d, printf %.*s e%d\n", d, gn, got, gx, wn, want, wx);
		return 0;
	}
	return 1;
}

T(dbl_parse_as_strtod)
{
	static const char *const edge[] = { "0.0", "-0.0", "0e5", "1.0", "-1.5", "0.1", "0.3", "1e23", "8.5e-5",
		"100.0", "1e7", "1.0e-3", "123456789012345678901234567890e-10", "9007199254740993.0",
		"9007199254740993.0000000001", "9007199254740995.0", "4.9e-324", "5e-324", "2.5e-324",
		"2.4703282292062327e-324", "2.4703282292062328e-324", "2.2250738585072011e-308",
		"2.2250738585072014e-308", "2.2250738585072012e-308", "1.7976931348623157e308",
		"1.7976931348623158e308", "1.7976931348623159e308", "1e308", "1e309", "1e310", "-1e400", "1e-400",
		"0.000000000000000000000000000000000000000000000000001e-300", "1E+2", "1e-0", "12.5E-1",
		"0.30000000000000004", "3.141592653589793", "2.718281828459045e-300" };
	char s[64];

	for (size_t i = 0; i < sizeof edge / sizeof *edge; i++)
		T_TRUE(dbl_t_parse_same(edge[i]));
	for (int i = 0; i < 20000; i++) {
		/* 1 to 20 digits, a point somewhere, an exponent from -340 to 320 */
		uint64_t r = dbl_t_next();
		int nd = 1 + (int)(r % 20), at = (int)(r >> 8) % (nd + 1), n = 0;
		if (r >> 63)
			s[n++] = '-';
		for (int k = 0; k < nd; k++) {
			if (k == at && k)
				s[n++] = '.';
			s[n++] = (char)('0' + dbl_t_next() % 10);
		}
		if (at == 0 || at == nd)
			n += sprintf(s + n, ".5");
		if (r >> 62 & 1)
			n += sprintf(s + n, "e%d", (int)((r >> 20) % 661) - 340);
		s[n] = '\0';
		T_TRUE(dbl_t_parse_same(s));
	}
	for (int i = 0; i < 5000; i++) {
		/* what every double prints as, and one digit either side of it */
		uint64_t bits = dbl_t_next() & ~(UINT64_C(1) << 63);
		double d;
		memcpy(&d, &bits, sizeof d);
		if (!isfinite(d))
			continue;
		int n = sprintf(s, "%.16e", d);
		T_TRUE(dbl_t_parse_same(s));
		char *m = strchr(s, 'e') - 1;
		if (*m > '0') {
			(*m)--;
			T_TRUE(dbl_t_parse_same(s));
			(*m)++;
		}
		sprintf(s, "%.25e", d);	/* near halfway */
		T_TRUE(dbl_t_parse_same(s));
		(void)n;
	}
}

T(dbl_shortest_as_printf)
{
	static const double edge[] = { 1.0, 0.1, 0.3, 1e23, 5e-324, 1e-323, 2.2250738585072014e-308,
		2.2250738585072009e-308, 1.7976931348623157e308, 9007199254740992.0, 9007199254740994.0, 1e7, 1e-3,
		123.456, 0.000123, 8.5e-5, 4.35, 1e22, 1e21, 2.0, 0.5, 100.0, 1.5, 5e-324 * 3, 1.0 / 3 };

	for (size_t i = 0; i < sizeof edge / sizeof *edge; i++)
		T_TRUE(dbl_t_shortest_same(edge[i]));
	for (int e = -1074; e <= 1023; e++) {
		/* every power of two (the uneven gaps) and its neighbours, the
		 * doubles whose bits are one less and one more */
		uint64_t bits = e >= -1022 ? (uint64_t)(e + 1023) << 52 : UINT64_C(1) << (e + 1074);
		for (uint64_t b = bits - (e > -1074); b <= bits + (e < 1023); b++) {
			double d;
			memcpy(&d, &b, sizeof d);
			T_TRUE(dbl_t_shortest_same(d));
		}
	}
	for (int i = 0; i < 20000; i++) {
		uint64_t bits = dbl_t_next() & ~(UINT64_C(1) << 63);
		double d;
		memcpy(&d, &bits, sizeof d);
		if (isfinite(d) && d > 0)
			T_TRUE(dbl_t_shortest_same(d));
		/* and short decimals, the usual kind in a configuration */
		d = (double)(dbl_t_next() % 100000) / 1000;
		if (d > 0)
			T_TRUE(dbl_t_shortest_same(d));
	}
}
