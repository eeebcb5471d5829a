/* A regular file is always "readable" to poll(), so end of file is handled by
 * looking again every TAIL_POLL_MS instead.  A FIFO is polled: it is opened
 * read-write, so it never blocks the open and never reads as ended when its
 * writers come and go (no busy loop with no writer). */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "log.h"
#include "tail.h"

static int open_path(struct tail *t)
{
	struct stat st;

	t->fifo = stat(t->path, &st) == 0 && S_ISFIFO(st.st_mode);
	t->fd = open(t->path, (t->fifo ? O_RDWR : O_RDONLY) | O_CLOEXEC | O_NONBLOCK);
	if (t->fd < 0) {
		if (!t->missing_logged)
			log_warn("%s: cannot open, waiting for it", t->path);
		t->missing_logged = 1;
		return -1;
	}
	if (t->missing_logged)
		log_info("%s: found", t->path);
	t->missing_logged = 0;
	fstat(t->fd, &st);
	t->dev = st.st_dev;
	t->ino = st.st_ino;
	return 0;
}

void tail_open(struct tail *t, struct ring *r, const char *path, int have_ckpt, dev_t dev, ino_t ino,
	       off_t off, int start)
{
	struct stat st;
	off_t pos = 0;

	memset(t, 0, sizeof *t);
	t->path = path;
	ring_reset(r, 0);
	if (open_path(t) < 0 || t->fifo)
		return;	/* a file that appears later is read from its start */
	fstat(t->fd, &st);
	if (have_ckpt && dev == t->dev && ino == t->ino && off <= st.st_size)
		pos = off;
	else if (have_ckpt && dev == t->dev && ino == t->ino)
		log_warnx("%s: shorter than its checkpoint (truncated?): reading from the start", path);
	else if (!have_ckpt && !start)
		pos = st.st_size;
	lseek(t->fd, pos, SEEK_SET);
	ring_reset(r, pos);
}

/* Has another file taken the path's name?  Then it is opened at once and
 * queued; it is read once the files before it are finished. */
static void look_at_path(struct tail *t, int64_t now)
{
	struct stat st;
	dev_t dev = t->nnext ? t->next_dev[t->nnext - 1] : t->dev;
	ino_t ino = t->nnext ? t->next_ino[t->nnext - 1] : t->ino;
	int fd;

	if (t->fd < 0 || t->fifo || now < t->next_check)
		return;
	t->next_check = now + TAIL_POLL_MS;
	if (stat(t->path, &st) < 0 || (st.st_dev == dev && st.st_ino == ino))
		return;
	if (t->nnext == TAIL_NEXT) {
		if (!t->queue_full_logged++)
			log_warnx("%s: rotated %d times while an older file is still being read; "
				  "newer rotations may be missed", t->path, TAIL_NEXT);
		return;
	}
	if ((fd = open(t->path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) < 0)
		return;
	if (fstat(fd, &st) < 0 || (st.st_dev == dev && st.st_ino == ino)) {
		close(fd);
		return;
	}
	t->next_fd[t->nnext] = fd;
	t->next_dev[t->nnext] = st.st_dev;
	t->next_ino[t->nnext++] = st.st_ino;
}

/* fifoOverflow "drop" with a full ring: what writers send now is read and
 * thrown away, whole lines only (the line in progress goes too), and counted,
 * so a writer that must never block does not. */
static size_t drop(struct tail *t, struct ring *r)
{
	static char sink[4096];
	ssize_t n;

	if (!t->dropping && r->head > r->start)
		t->dropping = ring_drop_uncut(r, &t->dropped_lines);
	while ((n = read(t->fd, sink, sizeof sink)) > 0) {
		for (char *p = sink; (p = memchr(p, '\n', (size_t)(sink + n - p))); p++)
			t->dropped_lines++;
		t->dropping = sink[n - 1] != '\n';
	}
	t->next_look = INT64_MAX;
	return 0;
}

size_t tail_read(struct tail *t, struct ring *r, int64_t now)
{
	struct stat st;
	size_t len;
	ssize_t n;
	char *p;

	look_at_path(t, now);
	if (t->replaced || now < t->next_look)
		return 0;
	if (t->fd < 0) {
		if (open_path(t) < 0) {
			t->next_look = now + 1000;
			return 0;
		}
		ring_reset(r, 0);
	}
	p = ring_write_buf(r, &len);
	if (len == 0 && t->fifo && t->drop)
		return drop(t, r);
	if (len > TAIL_READ_MAX)
		len = TAIL_READ_MAX;
	if (len == 0)
		return 0;
	if (t->dropping) {
		/* room again, in the middle of a dropped line: the framer
		 * throws away what is left of it */
		r->discard = 1;
		t->dropping = 0;
	}
	n = read(t->fd, p, len);
	if (n > 0) {
		ring_write_ack(r, (size_t)n, now);
		t->bytes += (uint64_t)n;
		t->at_eof = 0;
		t->last_data = now;
		return (size_t)n;
	}
	if (n < 0 && errno != EAGAIN && errno != EINTR)
		log_warn("%s: read", t->path);
	t->at_eof = 1;
	if (t->fifo) {
		t->next_look = INT64_MAX;	/* poll() says when there is more */
		return 0;
	}
	t->next_look = now + TAIL_POLL_MS;
	/* at the end: has the file been truncated or replaced? */
	if (fstat(t->fd, &st) == 0 && st.st_size < r->head_off) {
		/* copy and truncate: the old content's records go out first, so
		 * the checkpoint never mixes offsets of the old and new content */
		log_info("%s: truncated, reading it again from the start", t->path);
		ring_flush_partial(r, now);
		t->replaced = t->truncated = 1;
	} else if (t->nnext) {
		/* rotated (rename and create): the old file is read to its end,
		 * its last partial line sent as is, then the new one is followed */
		ring_flush_partial(r, now);
		t->replaced = 1;
	}
	return 0;
}

void tail_switch(struct tail *t, struct ring *r)
{
	t->next_look = 0;
	t->replaced = 0;
	if (t->truncated) {
		t->truncated = 0;
		lseek(t->fd, 0, SEEK_SET);
		ring_reset(r, 0);
		return;
	}
	close(t->fd);
	t->fd = t->next_fd[0];
	t->dev = t->next_dev[0];
	t->ino = t->next_ino[0];
	t->nnext--;
	memmove(t->next_fd, t->next_fd + 1, (size_t)t->nnext * sizeof *t->next_fd);
	memmove(t->next_dev, t->next_dev + 1, (size_t)t->nnext * sizeof *t->next_dev);
	memmove(t->next_ino, t->next_ino + 1, (size_t)t->nnext * sizeof *t->next_ino);
	ring_reset(r, 0);
}

int64_t tail_due(const struct tail *t)
{
	return t->replaced ? t->next_check : t->next_look;
}

int tail_pollfd(const struct tail *t, const struct ring *r)
{
	size_t room;

	if (!t->fifo || t->fd < 0)
		return -1;
	/* a full ring leaves the FIFO unread, so writers block (back-pressure),
	 * unless its overflow is dropped */
	ring_write_buf((struct ring *)r, &room);
	return room || t->drop ? t->fd : -1;
}
