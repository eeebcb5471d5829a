/* Bytes into a ring as the tailer writes them, for the unit tests and the
 * fuzz targets: feed() returns what did not fit (0: all went in). */
#ifndef FEED_T_H
#define FEED_T_H
#include <string.h>
#include "ring.h"

static inline size_t feed(struct ring *r, const char *s, size_t n)
{
	while (n > 0) {
		size_t room;
		char *p = ring_write_buf(r, &room);
		if (room == 0)
			return n;
		if (room > n)
			room = n;
		memcpy(p, s, room);
		ring_write_ack(r, room, 0);
		s += room;
		n -= room;
	}
	return 0;
}
#endif
