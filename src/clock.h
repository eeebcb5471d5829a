/* Deadlines use the monotonic clock, so a clock step (NTP after boot, a
 * router's RTC-less 1970 start) never stalls or floods the loop; the wall
 * clock is read only for signatures and timestamps.  Only the loop reads
 * either: everything else is given the time. */
#ifndef CLOCK_H
#define CLOCK_H
#include <stdint.h>
#include <time.h>

static inline int64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ms since the epoch, as the system clock says. */
static inline int64_t wall_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The earlier of two deadlines. */
static inline int64_t mono_min(int64_t a, int64_t b) { return a < b ? a : b; }
#endif
