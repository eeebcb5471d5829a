/* Civil dates: days from a date, and a moment broken down. */
#include "t.h"
#include "civil.h"

T(civil_days_known)
{
	static const struct { int64_t y; int m, d; int64_t days; } c[] = {
		{ 1970, 1, 1, 0 }, { 1969, 12, 31, -1 }, { 2000, 2, 29, 11016 }, { 2000, 3, 1, 11017 },
		{ 1900, 3, 1, -25508 }, { 0, 1, 1, -719528 }, { 9999, 12, 31, 2932896 }, { 2038, 1, 19, 24855 },
	};

	for (size_t i = 0; i < sizeof c / sizeof c[0]; i++)
		T_EQ_INT(civil_days(c[i].y, c[i].m, c[i].d), c[i].days);
	T_EQ_INT(civil_month_days(2000, 2), 29);
	T_EQ_INT(civil_month_days(1900, 2), 28);
	T_EQ_INT(civil_month_days(2024, 2), 29);
	T_EQ_INT(civil_month_days(2023, 2), 28);
	T_EQ_INT(civil_month_days(2023, 12), 31);
	T_EQ_INT(civil_month_days(2023, 4), 30);
}

T(civil_from_ms_known)
{
	static const struct { int64_t ms; long long year; int mon, mday, hour, min, sec, msec, wday, yday; } c[] = {
		{ -1, 1969, 12, 31, 23, 59, 59, 999, 3, 365 },			/* a Wednesday */
		{ 0, 1970, 1, 1, 0, 0, 0, 0, 4, 1 },				/* a Thursday */
		{ 951782400000LL + 3723004, 2000, 2, 29, 1, 2, 3, 4, 2, 60 },	/* a Tuesday */
		{ 2932896LL * 86400000, 9999, 12, 31, 0, 0, 0, 0, 5, 365 },	/* a Friday */
		{ -62167219200000LL, 0, 1, 1, 0, 0, 0, 0, 6, 1 },		/* a Saturday */
	};
	struct civil tm;

	for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
		civil_from_ms(c[i].ms, &tm);
		if (tm.year != c[i].year || tm.mon != c[i].mon || tm.mday != c[i].mday || tm.hour != c[i].hour ||
		    tm.min != c[i].min || tm.sec != c[i].sec || tm.ms != c[i].msec || tm.wday != c[i].wday ||
		    tm.yday != c[i].yday || tm.secs != (c[i].ms - (c[i].ms % 1000 + 1000) % 1000) / 1000) {
			t_fail(__FILE__, __LINE__, "%lld: %lld-%d-%d %d:%d:%d.%d wday %d yday %d secs %lld",
			       (long long)c[i].ms, tm.year, tm.mon, tm.mday, tm.hour, tm.min, tm.sec, tm.ms, tm.wday,
			       tm.yday, tm.secs);
			return;
		}
	}
}

/* Every day from 1600 to 2400 goes there and back. */
T(civil_round_trip)
{
	struct civil tm;

	for (int64_t d = civil_days(1600, 1, 1); d <= civil_days(2400, 12, 31); d++) {
		civil_from_ms(d * 86400000, &tm);
		if (civil_days(tm.year, tm.mon, tm.mday) != d || tm.mday > civil_month_days(tm.year, tm.mon)) {
			t_fail(__FILE__, __LINE__, "day %lld: %lld-%d-%d", (long long)d, tm.year, tm.mon, tm.mday);
			return;
		}
	}
}

T(civil_iso8601_as_aws_writes_it)
{
	static const char *const bad[] = {
		"", "2026-11-23T11:00:00", "2026-11-23 11:00:00Z", "2026-11-23T11:00:00+00:00", "2026-11-23T11:00:00.Z",
		"2026-13-23T11:00:00Z", "2026-02-29T11:00:00Z", "2026-11-23T24:00:00Z", "1969-12-31T23:59:59Z",
		"2026-11-23T11:0a:00Z", "2026-11-23T11:00:00ZZ", "+026-11-23T11:00:00Z", "2026-11-23T-1:00:00Z",
	};
	int64_t t;

	T_EQ_INT(civil_iso8601("2026-11-23T11:00:00Z", 20, &t), 0);
	T_EQ_INT(t, civil_days(2026, 11, 23) * 86400 + 39600);
	T_EQ_INT(civil_iso8601("2011-07-15T23:28:33.359Z", 24, &t), 0);
	T_EQ_INT(t, 1310772513);
	T_EQ_INT(civil_iso8601("2024-02-29t00:00:00.000000z", 27, &t), 0);
	T_EQ_INT(t, civil_days(2024, 2, 29) * 86400);
	T_EQ_INT(civil_iso8601("1970-01-01T00:00:00Z", 20, &t), 0);
	T_EQ_INT(t, 0);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		T_EQ_INT(civil_iso8601(bad[i], strlen(bad[i]), &t), -1);
}
