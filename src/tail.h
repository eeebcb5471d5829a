/* Following a flow's files: every file its filePattern matches, read into
 * the flow's ring one at a time, oldest first; rotation (rename and create,
 * copy and truncate), files that appear and go, and a FIFO.
 *
 * A file is known by its device, inode and a fingerprint of its first
 * bytes, so a file renamed within the pattern (app.log -> app.log.1) stays
 * the same file, a copy made by copytruncate (a new file, or over the last
 * copy) carries on where the original was read to, whichever is seen
 * first, and a reused inode is a new file. */
#ifndef TAIL_H
#define TAIL_H
#include <stdint.h>
#include <sys/types.h>
#include "ckpt.h"
#include "ring.h"

#define TAIL_FILES 16			/* files of one flow followed at once */
#define TAIL_WATCHES 128		/* inotify watches of files: every flow's TAIL_FILES */
#define TAIL_READ_MAX (64 * 1024)	/* per read(): keeps a turn of the loop short */
#define TAIL_TURN_BYTES (512 * 1024)	/* then the other files get their turn */
#define TAIL_FP_BYTES 1024		/* the fingerprint covers this much of a file's start */
#define TAIL_LINGER_MS 5000		/* a file gone from the pattern is read this long after its last growth */
#define TAIL_IDLE_MS 1000		/* a file read to its end and unchanged this long may give its slot to one that waits */
#define TAIL_COPY_WAIT_MS 10000		/* a copy waits this long for its original's truncation; a truncated
					   file's old content, this long for its copy */
#define TAIL_RESCAN_MIN_MS 100		/* inotify events start a scan at most this often */
#define TAIL_RESCAN_WATCHED_MS 10000	/* with inotify, files and pattern are looked at this often anyway */
#define TAIL_QUIET_MS 1000		/* a multi-line record at a file's end goes after this much quiet */

struct rx;

struct src {
	char path[CKPT_PATH_MAX];	/* its name when last seen */
	int fd;				/* -1: slot free */
	int watch;			/* its own inotify watch (IN_MODIFY): tail.c's table entry + 1, 0: none */
	dev_t dev;
	ino_t ino;
	struct fprint fp;
	off_t pos;			/* the next byte to read, while another file is in the ring */
	off_t high;			/* the most read so far: growth, as opposed to reading again */
	unsigned skip_lines;		/* header lines still to drop */
	int64_t mtime;			/* at discovery, ms: the oldest file is read first */
	uint64_t last_rec;		/* ring index past its last record: the slot is in use until released */
	int64_t next_look;		/* monotonic ms when it is read again */
	int64_t grew;			/* monotonic ms of its last growth */
	int64_t copy_until;		/* a copy waiting for its original's truncation, until then */
	int copy_of;			/* that original's slot, or -1 */
	int64_t gen_at;			/* monotonic ms when its current generation was first seen */
	struct fprint old_fp;		/* its generation before the last truncation, */
	off_t old_end;			/* read up to here: a copy of it carries on from there */
	int64_t old_until;		/* if it appears before then */
	uint8_t matched;		/* the last scan found it under the pattern */
	uint8_t missed;			/* scans in a row that did not (2: gone from the pattern) */
	uint8_t at_eof;
	uint8_t truncated;		/* shrank or another start: read again from 0 once its records are released */
	uint8_t ended;			/* let go (gone from the pattern): slot freed once released */
	uint8_t footer;			/* fileFooterPattern seen: read no more while it matches */
	uint8_t fifo;
	uint8_t undecided;		/* read from its start while too short to tell whether it is a copy */
	uint8_t carry;			/* a copy carrying on its original's old content: read before the
					   rest, for the next copy may be made over it */
};

struct tail {
	const char *pattern;
	int literal;			/* no wildcard: the path itself, perhaps a FIFO */
	struct ckpt *ckpt;		/* NULL: nothing is remembered (kagent -n) */
	struct src s[TAIL_FILES];
	int cur;			/* the file whose bytes the ring is reading, or -1 */
	size_t turn;			/* bytes read from it in this turn */
	int64_t poll_ms;		/* minTimeBetweenFilePollsMillis */
	int64_t rescan_at, scanned;	/* when to match the pattern again; when it was */
	int first_scan, start_at_end;	/* initialPosition END_OF_FILE for files found at start-up */
	int flushing;			/* set by the flow: send what is held now (shutdown, --once) */
	int at_end;			/* every file was read to its end in the last look */
	int waiting;			/* files matched but not followed (table full) */
	int waiting_logged, missing_logged, walk_logged;
	int unwatched;			/* a directory without an inotify watch: poll */
	int follow;			/* followSymlinks: 1, 0, or -1: only in directories no one else can write */
	int link_logged;
	/* FIFOs */
	int drop;			/* fifoOverflow "drop": a full ring throws new lines away */
	int dropping;			/* in the middle of a line being thrown away */
	uint64_t dropped_lines;
	uint64_t bytes;			/* counters */
};

/* Start-up: finds the pattern's files and where to resume each (checkpoint,
 * else from the start, or from the end for files found now when start_at_end).
 * follow (followSymlinks): a matched symbolic link is followed if 1, not if
 * 0; if -1 only when the directory it is in can be written by no one but
 * root and kagent's own user. */
void tail_init(struct tail *t, struct ring *r, const char *pattern, struct ckpt *ck, int start_at_end,
	       int64_t poll_ms, int drop, int follow, int64_t now);
/* Reads what fits into the ring, a few reads at most.  Returns bytes read. */
size_t tail_read(struct tail *t, struct ring *r, int64_t now);
/* Records [from, to) were accepted (or dropped): their files' checkpoints move past them. */
void tail_released(struct tail *t, const struct ring *r, uint64_t from, uint64_t to);
/* Every file was read to its end and every record read was cut: a
 * multi-line record at a file's end is still held until the flow flushes
 * (--once: t->flushing, then it is sent). */
int tail_done(const struct tail *t, const struct ring *r);
/* When tail_read must run again at the latest. */
int64_t tail_due(const struct tail *t, const struct ring *r);
/* The descriptor to poll for input (a FIFO, when it may be read), or -1. */
int tail_pollfd(const struct tail *t, const struct ring *r);
/* poll() says the FIFO has input. */
void tail_readable(struct tail *t);
/* Something changed in a watched directory (inotify): look now. */
void tail_kick(struct tail *t, int rescan);
/* Does the flow follow a FIFO (no checkpoint)? */
static inline int tail_is_fifo(const struct tail *t) { return t->literal && t->s[0].fd >= 0 && t->s[0].fifo; }

/* A followed file as the status file and the metrics show it. */
struct tail_file {
	const char *path;
	off_t read;		/* bytes read from it so far */
	off_t acked;		/* its checkpoint: every record before it accepted; -1: none (a FIFO, kagent -n) */
	off_t size;		/* its size now; -1 for a FIFO or when it cannot be known */
};
/* File slot k (< TAIL_FILES) into *out; 0 if the slot is free, else 1.
 * Calls fstat() on the open file. */
int tail_file(const struct tail *t, const struct ring *r, int k, struct tail_file *out);

/* inotify, one descriptor for all flows: a watch on each directory a
 * pattern's files are in (files come and go) and one on each file followed
 * (it grew), so writes to other files beside them wake no one.  Without it
 * (old kernel, no room), files are polled. */
int tail_watch_fd(void);
/* The descriptor is readable: returns what changed (1: a file came or went, 0: only contents). */
int tail_watch_read(void);
#endif
