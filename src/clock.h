/* Deadlines use the monotonic clock, so a clock step (NTP after boot, a
 * router's RTC-less 1970 start) never stalls or floods the loop. */
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
#endif
