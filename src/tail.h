/* Following one file: reading it into the flow's ring as it grows, and
 * noticing when it is replaced (rename and create) or truncated. */
#ifndef TAIL_H
#define TAIL_H
#include <stdint.h>
#include <sys/types.h>
#include "ring.h"

#define TAIL_READ_MAX (64 * 1024)	/* per read(): keeps a turn of the loop short */
#define TAIL_POLL_MS 100		/* at end of file, look again this often */
#define TAIL_NEXT 4			/* files rotated in while the current one is still read */

struct tail {
	const char *path;
	int fd;
	dev_t dev;
	ino_t ino;
	int at_eof;		/* the last read found nothing new */
	int replaced;		/* path names another file now: finish this one first */
	int truncated;		/* the file shrank: finish its old content first */
	int64_t next_look;	/* monotonic ms of the next read attempt at end of file */
	int64_t last_data;	/* monotonic ms of the last read that brought bytes */
	int missing_logged;
	/* the files that took the path's name since, oldest first: opened as
	 * soon as seen, so a file renamed again before its turn is still read */
	int next_fd[TAIL_NEXT];
	dev_t next_dev[TAIL_NEXT];
	ino_t next_ino[TAIL_NEXT];
	int nnext;
	int64_t next_check;	/* when to look at the path again */
	int queue_full_logged;
	/* FIFOs */
	int fifo;		/* path names a FIFO: polled, no checkpoint */
	int drop;		/* fifoOverflow "drop": a full ring throws new lines away */
	int dropping;		/* in the middle of a line being thrown away */
	uint64_t dropped_lines;
	uint64_t bytes;		/* counters */
};

/* Opens path and positions the ring: at off if the file is (dev, ino), else
 * at its start (start != 0) or end.  A missing file is waited for. */
void tail_open(struct tail *t, struct ring *r, const char *path, int have_ckpt, dev_t dev, ino_t ino,
	       off_t off, int start);
/* Reads what fits into the ring.  Returns bytes read (0 at end of file or
 * with a full ring). */
size_t tail_read(struct tail *t, struct ring *r, int64_t now);
/* The file was replaced or truncated and every record of the old content is
 * accepted: follow the new file, or the new content, from its start. */
void tail_switch(struct tail *t, struct ring *r);
/* When the next read attempt is due. */
int64_t tail_due(const struct tail *t);
/* The descriptor to poll for input (a FIFO, when it may be read), or -1. */
int tail_pollfd(const struct tail *t, const struct ring *r);
/* poll() says the FIFO has input. */
static inline void tail_readable(struct tail *t) { t->next_look = 0; }
#endif
