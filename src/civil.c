/* Civil dates: Howard Hinnant's days_from_civil and civil_from_days, which
 * count in 400-year eras from 0000-03-01 so that a leap day ends its year. */
#include "civil.h"

int64_t civil_days(int64_t y, int m, int d)
{
	int64_t era, yoe, doy;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
}

static int leap(long long y)
{
	return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
}

int civil_month_days(int64_t y, int m)
{
	static const unsigned char n[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	return n[m - 1] + (m == 2 && leap(y));
}

void civil_from_ms(int64_t ms, struct civil *tm)
{
	static const int before[12] = { 0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334 };
	int64_t days, r, doe, yoe, doy, mp, era;

	days = ms / 86400000;
	r = ms % 86400000;
	if (r < 0) {
		r += 86400000;
		days--;
	}
	tm->secs = (long long)(days * 86400 + r / 1000);
	tm->ms = (int)(r % 1000);
	tm->sec = (int)(r / 1000 % 60);
	tm->min = (int)(r / 60000 % 60);
	tm->hour = (int)(r / 3600000);
	tm->wday = (int)(((days % 7) + 11) % 7);	/* 1970-01-01 was a Thursday */
	days += 719468;
	era = (days >= 0 ? days : days - 146096) / 146097;
	doe = days - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	tm->mday = (int)(doy - (153 * mp + 2) / 5 + 1);
	tm->mon = (int)(mp < 10 ? mp + 3 : mp - 9);
	tm->year = (long long)(yoe + era * 400 + (tm->mon <= 2));
	tm->yday = before[tm->mon - 1] + (tm->mon > 2 && leap(tm->year)) + tm->mday;
}

/* n digits at s as a number, or -1. */
static int digits(const char *s, int n)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

int civil_iso8601(const char *s, size_t n, int64_t *t)
{
	int y, mo, d, h, mi, se;
	size_t i = 19;

	if (n < 20 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't') || s[13] != ':' || s[16] != ':')
		return -1;
	y = digits(s, 4), mo = digits(s + 5, 2), d = digits(s + 8, 2);
	h = digits(s + 11, 2), mi = digits(s + 14, 2), se = digits(s + 17, 2);
	if (s[i] == '.') {
		for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++)
			;
		if (i == 20)
			return -1;	/* a point without digits */
	}
	if (i != n - 1 || (s[i] != 'Z' && s[i] != 'z'))
		return -1;
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > civil_month_days(y, mo) || h < 0 || h > 23 ||
	    mi < 0 || mi > 59 || se < 0 || se > 60)
		return -1;
	*t = civil_days(y, mo, d) * 86400 + h * 3600 + mi * 60 + se;
	return 0;
}
