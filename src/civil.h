/* Civil (proleptic Gregorian, UTC) dates and times from and to counts since
 * 1970-01-01: for HTTP dates, SigV4's X-Amz-Date, the processors'
 * timestamps.  No time zones, no libc (gmtime's year overflows a 32-bit
 * time_t; these do not). */
#ifndef CIVIL_H
#define CIVIL_H
#include <stddef.h>
#include <stdint.h>

/* A moment broken down. */
struct civil {
	long long year, secs;	/* secs: since the epoch, floored */
	int mon, mday, hour, min, sec, ms, wday, yday;	/* mon 1..12, wday 0 = Sunday, yday 1.. */
};

/* Days from 1970-01-01 to y-m-d (m 1..12; negative before 1970). */
int64_t civil_days(int64_t y, int m, int d);
/* Days in month m (1..12) of year y. */
int civil_month_days(int64_t y, int m);
/* ms since the epoch (negative: before 1970) broken down into *tm. */
void civil_from_ms(int64_t ms, struct civil *tm);
/* A UTC time as AWS writes it in answers (ISO 8601: "2011-07-15T23:28:33Z",
 * maybe with a fraction, "2011-07-15T23:28:33.359Z"), n bytes at s: the
 * seconds since 1970 (the fraction dropped) into *t.  0, or -1 if s is
 * not one (a year before 1970 included). */
int civil_iso8601(const char *s, size_t n, int64_t *t);
#endif
