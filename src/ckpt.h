/* The checkpoint file: for each followed file, its identity and the offset
 * up to which every record was accepted by the service.  Replaced
 * atomically (temporary file, fsync, rename, fsync of the directory). */
#ifndef CKPT_H
#define CKPT_H
#include <stdint.h>
#include <sys/types.h>

#define CKPT_MAX 64
#define CKPT_PATH_MAX 512

struct ckpt_ent {
	char path[CKPT_PATH_MAX];
	dev_t dev;
	ino_t ino;
	off_t off;
	int live;	/* set in this run: a file being followed */
};

struct ckpt {
	const char *file;
	int64_t interval_ms;
	struct ckpt_ent ent[CKPT_MAX];
	int n;
	int dirty;
	int64_t saved_at;
	int failing;		/* the last save failed (logged once) */
};

/* Start-up: reads the file if there is one.  A missing file is normal; a
 * corrupt one is reported and treated as absent. */
void ckpt_load(struct ckpt *c, const char *file, int64_t interval_ms);
/* The entry for path, or NULL. */
const struct ckpt_ent *ckpt_find(const struct ckpt *c, const char *path);
/* Records that path (dev, ino) is accepted up to off. */
void ckpt_set(struct ckpt *c, const char *path, dev_t dev, ino_t ino, off_t off);
/* Saves if dirty and the interval has passed (force: now).  Entries of
 * files no flow set in this run and that no longer exist are dropped then,
 * so the file does not grow with every name that ever was.  Returns 0 or -1. */
int ckpt_save(struct ckpt *c, int64_t now, int force);
/* When the next rate-limited save is due (INT64_MAX if none). */
int64_t ckpt_due(const struct ckpt *c);
#endif
