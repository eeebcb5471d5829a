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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "ckpt.h"
#include "log.h"

#define CKPT_MAGIC "kagent-checkpoint 2"
#define CKPT_MAGIC_V1 "kagent-checkpoint 1"

/* Digits (decimal, or exactly 16 lowercase hex digits) and one space; advances *p. */
static int field(const char **p, unsigned long long *v, int hex)
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
	if (*s != ' ' || n == 0 || (hex && n != 16))
		return 0;
	*v = x;
	*p = s + 1;
	return 1;
}

/* Version 1: "<dev> <ino> <offset> <path>". */
static int v1_fields(const char *line, unsigned long long *dev, unsigned long long *ino, long long *off, int *k)
{
	const char *p = line;
	unsigned long long o;

	if (!field(&p, dev, 0) || !field(&p, ino, 0) || !field(&p, &o, 0) || o > INT64_MAX)
		return 0;
	*off = (long long)o;
	*k = (int)(p - line);
	return 1;
}

/* "<dev> <ino> <fp length> <fp hash: 16 hex digits> <offset> <path>", as
 * written and nothing else: a field that is off is a corrupt file. */
static int v2_fields(const char *line, unsigned long long *dev, unsigned long long *ino, unsigned *len,
		     unsigned long long *hash, long long *off, int *k)
{
	const char *p = line;
	unsigned long long l, o;

	if (!field(&p, dev, 0) || !field(&p, ino, 0) || !field(&p, &l, 0) || !field(&p, hash, 1) ||
	    !field(&p, &o, 0) || l > UINT32_MAX || o > INT64_MAX)
		return 0;
	*len = (unsigned)l;
	*off = (long long)o;
	*k = (int)(p - line);
	return 1;
}

static int parse(struct ckpt *c, char *text, int64_t now)
{
	char *line, *save = NULL;
	int n = 0, ended = 0, v1;

	line = strtok_r(text, "\n", &save);
	if (!line || (strcmp(line, CKPT_MAGIC) != 0 && strcmp(line, CKPT_MAGIC_V1) != 0))
		return -1;
	v1 = !strcmp(line, CKPT_MAGIC_V1);
	while ((line = strtok_r(NULL, "\n", &save))) {
		unsigned long long dev, ino, hash = 0;
		unsigned len = 0;
		long long off;
		int k = 0, got;
		if (!strncmp(line, "end ", 4)) {
			ended = line[4] >= '0' && line[4] <= '9' && strtol(line + 4, NULL, 10) == n;
			break;
		}
		if (v1)
			got = v1_fields(line, &dev, &ino, &off, &k);
		else
			got = v2_fields(line, &dev, &ino, &len, &hash, &off, &k);
		if (n == CKPT_MAX || !got || !k || off < 0 || strlen(line + k) >= CKPT_PATH_MAX || line[k] != '/')
			return -1;
		struct ckpt_ent *e = &c->ent[n++];
		e->dev = (dev_t)dev;
		e->ino = (ino_t)ino;
		e->fp.hash = hash;
		e->fp.len = len;
		e->off = (off_t)off;
		e->seen = now;
		strcpy(e->path, line + k);
	}
	if (!ended)
		return -1;
	c->n = n;
	return 0;
}

void ckpt_load(struct ckpt *c, const char *file, int64_t interval_ms, int64_t now)
{
	static char text[CKPT_MAX * (CKPT_PATH_MAX + 96) + 64];
	ssize_t len;
	int fd;

	memset(c, 0, sizeof *c);
	c->file = file;
	c->interval_ms = interval_ms;
	if ((fd = open(file, O_RDONLY | O_CLOEXEC)) < 0) {
		if (errno != ENOENT)
			log_warn("checkpoint %s: cannot read, starting without it", file);
		return;
	}
	len = read(fd, text, sizeof text - 1);
	close(fd);
	if (len < 0 || len == sizeof text - 1) {
		log_warnx("checkpoint %s: unreadable or too large, starting without it", file);
		return;
	}
	text[len] = 0;
	if (parse(c, text, now) < 0) {
		c->n = 0;
		log_warnx("checkpoint %s: not a complete kagent checkpoint (corrupt, cut or of "
			  "another version), starting without it", file);
	}
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
	strcpy(e->path, path);
	e->fp = *fp;
	e->off = off;
	c->dirty = 1;
}

void ckpt_seen(struct ckpt *c, struct ckpt_ent *e, const char *path, int64_t now)
{
	e->seen = now;
	if (strcmp(e->path, path) != 0 && path_ok(path)) {
		strcpy(e->path, path);
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

int64_t ckpt_due(const struct ckpt *c)
{
	return c->dirty ? c->saved_at + c->interval_ms : INT64_MAX;
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t k = write(fd, p, n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -1;
		p += k;
		n -= (size_t)k;
	}
	return 0;
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
	char tmp[CKPT_PATH_MAX + 8], line[CKPT_PATH_MAX + 128], dir[CKPT_PATH_MAX];
	int fd, ok;

	if (!c->dirty || (!force && now < c->saved_at + c->interval_ms))
		return 0;
	forget_old(c, now);
	snprintf(tmp, sizeof tmp, "%s.tmp", c->file);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) < 0)
		goto fail;
	ok = write_all(fd, CKPT_MAGIC "\n", sizeof CKPT_MAGIC) == 0;
	for (int i = 0; ok && i < c->n; i++) {
		const struct ckpt_ent *e = &c->ent[i];
		int n = snprintf(line, sizeof line, "%llu %llu %u %016llx %lld %s\n", (unsigned long long)e->dev,
				 (unsigned long long)e->ino, e->fp.len, (unsigned long long)e->fp.hash,
				 (long long)e->off, e->path);
		ok = write_all(fd, line, (size_t)n) == 0;
	}
	if (ok) {
		int n = snprintf(line, sizeof line, "end %d\n", c->n);
		ok = write_all(fd, line, (size_t)n) == 0;
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
	snprintf(dir, sizeof dir, "%s", c->file);
	char *slash = strrchr(dir, '/');
	if (slash == dir)
		slash[1] = 0;
	else if (slash)
		*slash = 0;
	else
		strcpy(dir, ".");
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
	c->saved_at = now;	/* retry after the interval, not in a tight loop */
	return -1;
}
