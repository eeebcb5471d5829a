/* The checkpoint file: for each followed file, its identity (device, inode
 * and a fingerprint of its first bytes, so a reused inode is not taken for
 * the old file) and the offset up to which every record was accepted by the
 * service.  Replaced atomically (temporary file, fsync, rename, fsync of the
 * directory). */
#ifndef CKPT_H
#define CKPT_H
#include <stdint.h>
#include <sys/types.h>

#define CKPT_MAX 256		/* files remembered, all flows together */
#define CKPT_PATH_MAX 512
/* checkpointFile: at most CKPT_FILE_MAX - 1 bytes, so that its temporary
 * name (".tmp" added) always fits; a longer one is refused (conf.c should
 * say so at start-up, as "checkpointFile: longer than 511 bytes"). */
#define CKPT_FILE_MAX 512
#define CKPT_FORGET_MS (15 * 60 * 1000)	/* an entry no scan has seen this long is dropped */
/* For the first interval after a start, saves may come this many times as
 * often: a process killed soon after each start (a crash loop) still makes
 * durable progress, at the cost of at most this many more writes a start. */
#define CKPT_EARLY_DIV 8

/* What identifies a file's content: a hash of its first len bytes. */
struct fprint {
	uint64_t hash;
	uint32_t len;		/* 0: unknown (a version 1 checkpoint): matches any file */
};

struct ckpt_ent {
	char path[CKPT_PATH_MAX];	/* its name when last seen */
	dev_t dev;
	ino_t ino;
	struct fprint fp;
	off_t off;
	int live;		/* being followed now */
	int64_t seen;		/* monotonic ms when a scan last saw it */
};

struct ckpt {
	const char *file;
	int64_t interval_ms;
	int n;
	int dirty;
	int64_t saved_at;
	int64_t started;	/* when it was loaded: the start of the process */
	int failing;		/* the last save failed (logged once) */
	int full_logged;
	struct ckpt_ent ent[CKPT_MAX];	/* last: ckpt_load clears what comes before */
};

/* Start-up: reads the file if there is one.  A missing file is normal; a
 * corrupt one, a symbolic link or a FIFO is reported and treated as absent;
 * a name of CKPT_FILE_MAX bytes or more is reported, and nothing is read
 * or saved. */
void ckpt_load(struct ckpt *c, const char *file, int64_t interval_ms, int64_t now);
/* Reads the text of a checkpoint file (len bytes, any bytes) into c's
 * entries: 0, or -1 if it is not a complete checkpoint (c->n is then 0). */
int ckpt_parse(struct ckpt *c, const char *text, size_t len, int64_t now);
/* e's line as the file holds it, '\n' included, in out: its length (0 if
 * it does not fit in cap; CKPT_PATH_MAX + 128 always does). */
size_t ckpt_line(const struct ckpt_ent *e, char *out, size_t cap);
/* The entry for (dev, ino), or NULL. */
struct ckpt_ent *ckpt_find(struct ckpt *c, dev_t dev, ino_t ino);
/* Records that the file (dev, ino) with content fp, now named path, is
 * accepted up to off, and is being followed. */
void ckpt_set(struct ckpt *c, const char *path, dev_t dev, ino_t ino, const struct fprint *fp, off_t off);
/* A scan saw e's file, now named path. */
void ckpt_seen(struct ckpt *c, struct ckpt_ent *e, const char *path, int64_t now);
/* The file is no longer followed; its entry stays, for when it grows again
 * (and is forgotten if no scan sees it for CKPT_FORGET_MS). */
void ckpt_unfollow(struct ckpt *c, dev_t dev, ino_t ino, int64_t now);
/* The file is gone from the pattern, read to its end: its entry goes. */
void ckpt_forget(struct ckpt *c, dev_t dev, ino_t ino);
/* Saves if dirty and the interval has passed since the last save (force:
 * now); within the first interval after the load, an interval divided by
 * CKPT_EARLY_DIV is enough, and the first save may come at once.  Entries no one
 * follows and no scan has seen for CKPT_FORGET_MS are dropped then, so the
 * file does not grow with every name that ever was.  Returns 0 or -1. */
int ckpt_save(struct ckpt *c, int64_t now, int force);
/* When the next rate-limited save is due (INT64_MAX if none). */
int64_t ckpt_due(const struct ckpt *c);
#endif
