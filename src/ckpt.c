/* Format (text, so a user can read it):
 *   kagent-checkpoint 1
 *   <dev> <ino> <offset> <path>
 *   ...
 *   end <entries>
 * The "end" line tells a complete file from a cut one. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "ckpt.h"
#include "log.h"

#define CKPT_MAGIC "kagent-checkpoint 1"

static int parse(struct ckpt *c, char *text)
{
	char *line, *save = NULL;
	int n = 0, ended = 0;

	line = strtok_r(text, "\n", &save);
	if (!line || strcmp(line, CKPT_MAGIC) != 0)
		return -1;
	while ((line = strtok_r(NULL, "\n", &save))) {
		unsigned long long dev, ino;
		long long off;
		int k = 0, count;
		if (sscanf(line, "end %d", &count) == 1) {
			ended = count == n;
			break;
		}
		if (n == CKPT_MAX || sscanf(line, "%llu %llu %lld %n", &dev, &ino, &off, &k) != 3 || !k ||
		    off < 0 || strlen(line + k) >= CKPT_PATH_MAX || line[k] != '/')
			return -1;
		struct ckpt_ent *e = &c->ent[n++];
		e->dev = (dev_t)dev;
		e->ino = (ino_t)ino;
		e->off = (off_t)off;
		strcpy(e->path, line + k);
	}
	if (!ended)
		return -1;
	c->n = n;
	return 0;
}

void ckpt_load(struct ckpt *c, const char *file, int64_t interval_ms)
{
	static char text[CKPT_MAX * (CKPT_PATH_MAX + 64) + 64];
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
	if (parse(c, text) < 0) {
		c->n = 0;
		log_warnx("checkpoint %s: not a complete kagent checkpoint (corrupt, cut or of "
			  "another version), starting without it", file);
	}
}

const struct ckpt_ent *ckpt_find(const struct ckpt *c, const char *path)
{
	for (int i = 0; i < c->n; i++)
		if (!strcmp(c->ent[i].path, path))
			return &c->ent[i];
	return NULL;
}

void ckpt_set(struct ckpt *c, const char *path, dev_t dev, ino_t ino, off_t off)
{
	struct ckpt_ent *e = (struct ckpt_ent *)ckpt_find(c, path);

	if (!e) {
		/* a path the file format cannot hold is not checkpointed at all,
		 * rather than spoiling the file for every other one */
		if (c->n == CKPT_MAX || strlen(path) >= CKPT_PATH_MAX || strchr(path, '\n'))
			return;
		e = &c->ent[c->n++];
		strcpy(e->path, path);
	}
	e->live = 1;
	if (e->dev == dev && e->ino == ino && e->off == off)
		return;
	e->dev = dev;
	e->ino = ino;
	e->off = off;
	c->dirty = 1;
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

static void forget_gone(struct ckpt *c)
{
	int k = 0;

	for (int i = 0; i < c->n; i++)
		if (c->ent[i].live || access(c->ent[i].path, F_OK) == 0)
			c->ent[k++] = c->ent[i];
	c->n = k;
}

int ckpt_save(struct ckpt *c, int64_t now, int force)
{
	char tmp[CKPT_PATH_MAX + 8], line[CKPT_PATH_MAX + 80], dir[CKPT_PATH_MAX];
	int fd, ok;

	if (!c->dirty || (!force && now < c->saved_at + c->interval_ms))
		return 0;
	forget_gone(c);
	snprintf(tmp, sizeof tmp, "%s.tmp", c->file);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) < 0)
		goto fail;
	ok = write_all(fd, CKPT_MAGIC "\n", sizeof CKPT_MAGIC) == 0;
	for (int i = 0; ok && i < c->n; i++) {
		const struct ckpt_ent *e = &c->ent[i];
		int n = snprintf(line, sizeof line, "%llu %llu %lld %s\n", (unsigned long long)e->dev,
				 (unsigned long long)e->ino, (long long)e->off, e->path);
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
