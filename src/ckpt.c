/* Format (text, so a user can read it):
 *   kagent-checkpoint 2
 *   <dev> <ino> <fingerprint length> <fingerprint hash, hex> <offset> <path>
 *   ...
 *   end <entries>
 * The "end" line tells a complete file from a cut one.  Version 1 (no
 * fingerprint) is still read: its files are known by device and inode. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "ckpt.h"
#include "file.h"
#include "fmt.h"
#include "log.h"

#define CKPT_MAGIC "kagent-checkpoint 2"
#define CKPT_MAGIC_V1 "kagent-checkpoint 1"

/* Digits (decimal, or exactly 16 lowercase hex digits) and then the byte
 * stop; advances *p past it. */
static int field(const char **p, unsigned long long *v, int hex, char stop)
{
	const char *s = *p;
	unsigned long long x = 0;
	int n = 0;

	for (;; s++, n++) {
		int d = *s >= '0' && *s <= '9' ? *s - '0' : hex && *s >= 'a' && *s <= 'f' ? *s - 'a' + 10 : -1;
		if (d < 0)
			break;
		if (x > (~0ULL - (unsigned)d) / (hex ? 16 : 10))
			return 0;
		x = x * (hex ? 16 : 10) + (unsigned)d;
	}
	if (*s != stop || n == 0 || (hex && n != 16))
		return 0;
	*v = x;
	*p = s + 1;
	return 1;
}

/* One entry line, as written and nothing else: "<dev> <ino> <fp length>
 * <fp hash: 16 hex digits> <offset> <path>" (version 1: "<dev> <ino>
 * <offset> <path>").  A field that is off is a corrupt file. */
static int entry(struct ckpt_ent *e, const char *line, int v1, int64_t now)
{
	const char *p = line;
	unsigned long long dev, ino, len = 0, hash = 0, off;

	if (!field(&p, &dev, 0, ' ') || !field(&p, &ino, 0, ' ') ||
	    (!v1 && (!field(&p, &len, 0, ' ') || !field(&p, &hash, 1, ' '))) || !field(&p, &off, 0, ' ') ||
	    len > UINT32_MAX || off > INT64_MAX || *p != '/' || strlen(p) >= CKPT_PATH_MAX)
		return 0;
	memset(e, 0, sizeof *e);
	e->dev = (dev_t)dev;
	e->ino = (ino_t)ino;
	e->fp.hash = hash;
	e->fp.len = (uint32_t)len;
	e->off = (off_t)off;
	e->seen = now;
	memcpy(e->path, p, strlen(p) + 1);
	return 1;
}

int ckpt_parse(struct ckpt *c, const char *text, size_t len, int64_t now)
{
	char line[CKPT_PATH_MAX + 128];
	int n = 0, v1 = -1;

	c->n = 0;
	for (size_t at = 0; at < len;) {
		const char *p = text + at, *nl = memchr(p, '\n', len - at);
		size_t k = nl ? (size_t)(nl - p) : len - at;
		unsigned long long count;
		const char *q = line + 4;
		at += k + 1;
		if (k >= sizeof line || memchr(p, 0, k))
			return -1;
		memcpy(line, p, k);
		line[k] = 0;
		if (v1 < 0) {
			if (strcmp(line, CKPT_MAGIC) != 0 && strcmp(line, CKPT_MAGIC_V1) != 0)
				return -1;
			v1 = !strcmp(line, CKPT_MAGIC_V1);
		} else if (!strncmp(line, "end ", 4)) {
			/* what follows a complete file is not looked at */
			if (!field(&q, &count, 0, 0) || count != (unsigned long long)n)
				return -1;
			c->n = n;
			return 0;
		} else if (n == CKPT_MAX || !entry(&c->ent[n++], line, v1, now)) {
			return -1;
		}
	}
	return -1;	/* no "end" line: cut */
}

void ckpt_load(struct ckpt *c, const char *file, int64_t interval_ms, int64_t now)
{
	static char text[CKPT_MAX * (CKPT_PATH_MAX + 96) + 64];
	struct stat st;
	ssize_t len;
	int fd;

	/* the entries are cleared as they are taken: clearing all 256 here
	 * would make their 140 KB resident for the few a device follows */
	memset(c, 0, offsetof(struct ckpt, ent));
	c->file = file;
	c->interval_ms = interval_ms;
	c->started = now;
	c->saved_at = now - interval_ms;	/* the first save need not wait */
	if (strlen(file) >= CKPT_FILE_MAX) {
		log_warnx("checkpoint %s: longer than %d bytes: no checkpoint is read or written (set "
			  "checkpointFile to a shorter path)", file, CKPT_FILE_MAX - 1);
		return;
	}
	/* not through a link, nor waiting on a FIFO: whoever can write the
	 * directory could put either there */
	if ((fd = open(file, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)) < 0) {
		if (errno == ELOOP)
			log_warnx("checkpoint %s: a symbolic link: not read, starting without it (a save "
				  "replaces it with a file)", file);
		else if (errno != ENOENT)
			log_warn("checkpoint %s: cannot read, starting without it", file);
		return;
	}
	len = fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ? -1 : read(fd, text, sizeof text - 1);
	close(fd);
	if (len < 0 || len == sizeof text - 1) {
		log_warnx("checkpoint %s: unreadable or too large, starting without it", file);
		return;
	}
	if (ckpt_parse(c, text, (size_t)len, now) < 0)
		log_warnx("checkpoint %s: not a complete kagent checkpoint (corrupt, cut or of "
			  "another version), starting without it", file);
}

struct ckpt_ent *ckpt_find(struct ckpt *c, dev_t dev, ino_t ino)
{
	for (int i = 0; i < c->n; i++)
		if (c->ent[i].dev == dev && c->ent[i].ino == ino)
			return &c->ent[i];
	return NULL;
}

/* A free entry: a new one, else the one unfollowed and unseen longest. */
static struct ckpt_ent *take(struct ckpt *c)
{
	struct ckpt_ent *old = NULL;

	if (c->n < CKPT_MAX)
		return &c->ent[c->n++];
	for (int i = 0; i < c->n; i++)
		if (!c->ent[i].live && (!old || c->ent[i].seen < old->seen))
			old = &c->ent[i];
	if (!old && !c->full_logged) {
		c->full_logged = 1;
		log_warnx("checkpoint %s: more than %d files followed at once; the others are not "
			  "checkpointed", c->file, CKPT_MAX);
	}
	return old;
}

static int path_ok(const char *path)
{
	/* a path the file format cannot hold is not checkpointed at all,
	 * rather than spoiling the file for every other one */
	return strlen(path) < CKPT_PATH_MAX && !strchr(path, '\n');
}

void ckpt_set(struct ckpt *c, const char *path, dev_t dev, ino_t ino, const struct fprint *fp, off_t off)
{
	struct ckpt_ent *e = ckpt_find(c, dev, ino);

	if (!path_ok(path))
		return;
	if (!e) {
		if (!(e = take(c)))
			return;
		memset(e, 0, sizeof *e);
		e->dev = dev;
		e->ino = ino;
	}
	e->live = 1;
	if (e->off == off && e->fp.hash == fp->hash && e->fp.len == fp->len && !strcmp(e->path, path))
		return;
	memcpy(e->path, path, strlen(path) + 1);
	e->fp = *fp;
	e->off = off;
	c->dirty = 1;
}

void ckpt_seen(struct ckpt *c, struct ckpt_ent *e, const char *path, int64_t now)
{
	e->seen = now;
	if (strcmp(e->path, path) != 0 && path_ok(path)) {
		memcpy(e->path, path, strlen(path) + 1);
		c->dirty = 1;
	}
}

void ckpt_unfollow(struct ckpt *c, dev_t dev, ino_t ino, int64_t now)
{
	struct ckpt_ent *e = ckpt_find(c, dev, ino);

	if (e) {
		e->live = 0;
		e->seen = now;
	}
}

void ckpt_forget(struct ckpt *c, dev_t dev, ino_t ino)
{
	struct ckpt_ent *e = ckpt_find(c, dev, ino);

	if (e) {
		*e = c->ent[--c->n];
		c->dirty = 1;
	}
}

/* How long after a save the next may come.  A process that has only just
 * started may be in a crash loop (killed after a fraction of a second, again
 * and again): what it delivers is saved sooner, so that each run, however
 * short, moves the checkpoint on instead of sending the same records again. */
static int64_t gap(const struct ckpt *c)
{
	if (c->saved_at < c->started + c->interval_ms)
		return c->interval_ms / CKPT_EARLY_DIV;
	return c->interval_ms;
}

int64_t ckpt_due(const struct ckpt *c)
{
	return c->dirty ? c->saved_at + gap(c) : INT64_MAX;
}

size_t ckpt_line(const struct ckpt_ent *e, char *out, size_t cap)
{
	int n = fmt_snprintf(out, cap, "%llu %llu %u %016llx %lld %s\n", (unsigned long long)e->dev,
			 (unsigned long long)e->ino, e->fp.len, (unsigned long long)e->fp.hash, (long long)e->off,
			 e->path);

	return n < 0 || (size_t)n >= cap ? 0 : (size_t)n;
}

static void forget_old(struct ckpt *c, int64_t now)
{
	int k = 0;

	for (int i = 0; i < c->n; i++)
		if (c->ent[i].live || now - c->ent[i].seen < CKPT_FORGET_MS)
			c->ent[k++] = c->ent[i];
	c->n = k;
}

int ckpt_save(struct ckpt *c, int64_t now, int force)
{
	char tmp[CKPT_FILE_MAX + 4], line[CKPT_PATH_MAX + 128], dir[CKPT_FILE_MAX];
	int fd, ok;

	if (!c->dirty || (!force && now < c->saved_at + gap(c)))
		return 0;
	forget_old(c, now);
	if (strlen(c->file) >= CKPT_FILE_MAX) {
		errno = ENAMETOOLONG;	/* its temporary name would not fit (said at the load) */
		goto fail;
	}
	fmt_snprintf(tmp, sizeof tmp, "%s.tmp", c->file);
	if ((fd = file_create_tmp(tmp)) < 0)
		goto fail;
	ok = file_write_all(fd, CKPT_MAGIC "\n", sizeof CKPT_MAGIC) == 0;
	for (int i = 0; ok && i < c->n; i++)
		ok = file_write_all(fd, line, ckpt_line(&c->ent[i], line, sizeof line)) == 0;
	if (ok) {
		int n = fmt_snprintf(line, sizeof line, "end %d\n", c->n);
		ok = file_write_all(fd, line, (size_t)n) == 0;
	}
	if (!ok || fsync(fd) < 0) {
		close(fd);
		unlink(tmp);
		goto fail;
	}
	close(fd);
	if (rename(tmp, c->file) < 0)
		goto fail;
	/* the rename itself is durable only once the directory is synced */
	fmt_snprintf(dir, sizeof dir, "%s", c->file);
	char *slash = strrchr(dir, '/');
	if (slash == dir)
		slash[1] = 0;
	else if (slash)
		*slash = 0;
	else
		memcpy(dir, ".", 2);
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		fsync(fd);
		close(fd);
	}
	c->dirty = 0;
	c->saved_at = now;
	if (c->failing)
		log_info("checkpoint %s: saved again", c->file);
	c->failing = 0;
	return 0;
fail:
	if (!c->failing)
		log_warn("checkpoint %s: cannot save (will keep trying)", c->file);
	c->failing = 1;
	c->saved_at = now;	/* retry after the gap, not in a tight loop */
	return -1;
}
