/* Civil (proleptic Gregorian, UTC) dates and times from and to counts since
 * 1970-01-01: for HTTP dates, SigV4's X-Amz-Date, the processors'
 * timestamps.  No time zones, no libc (gmtime's year overflows a 32-bit
 * time_t; these do not). */
#ifndef CIVIL_H
#define CIVIL_H
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
#endif
