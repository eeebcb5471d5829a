/* The ring reads one file at a time.  Before it turns to another, the bytes
 * not yet cut into records (a partial line) are given back and the file's
 * position is set to the start of that line, so every record in the ring is
 * whole and carries the slot of the file it came from; each file's
 * checkpoint moves as its records are released, in ring order.
 *
 * A regular file is always "readable" to poll(), so end of file is handled
 * by looking again after a while, or at once when inotify says a watched
 * directory changed.  A FIFO is polled: it is opened read-write, so it never
 * blocks the open and never reads as ended when its writers come and go. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>
#include "errstr.h"
#include "fmt.h"
#include "glob.h"
#include "log.h"
#include "tail.h"

#define READS_PER_CALL 4

static int watch_fd = -2;	/* -2: not tried yet; -1: no inotify */
/* What a directory's watch reports: files that come, go or change hands. */
#define DIR_EVENTS (IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_ATTRIB)
/* A file that cannot be watched itself (no /proc, no watch left) is
 * watched through its directory, with every other file written there. */
static uint32_t dir_modify;
/* The kernel gives one watch per inode: flows that follow the same file
 * share it, and it goes when the last lets go. */
static struct { int wd, refs; } fwatch[TAIL_WATCHES];

/* ---- fingerprints ---- */

static uint64_t fnv1a(uint64_t h, const unsigned char *p, size_t n)
{
	while (n--)
		h = (h ^ *p++) * 1099511628211ULL;
	return h;
}

/* The fingerprint of the file's first len bytes (fewer if it is shorter). */
static struct fprint fprint_of(int fd, size_t len)
{
	unsigned char buf[TAIL_FP_BYTES];
	struct fprint fp = { 14695981039346656037ULL, 0 };
	ssize_t n = pread(fd, buf, len < sizeof buf ? len : sizeof buf, 0);

	if (n > 0) {
		fp.hash = fnv1a(fp.hash, buf, (size_t)n);
		fp.len = (uint32_t)n;
	}
	return fp;
}

/* Does the file start with the content fp describes?  (A fingerprint of
 * length 0 describes any file.) */
static int same_content(int fd, const struct fprint *fp)
{
	struct fprint got;

	if (fp->len == 0)
		return 1;
	got = fprint_of(fd, fp->len);
	return got.len == fp->len && got.hash == fp->hash;
}

/* ---- opening: symbolic links ---- */

/* Can no one but root and kagent's own user write the directory that path
 * is in?  Owned by one of them, not writable by group or others: /var/log
 * (root, 0755) is such a directory; /tmp (1777: anyone may create a link
 * there, the sticky bit only keeps others from removing it) is not. */
static int dir_trusted(const char *path)
{
	char dir[CKPT_PATH_MAX];
	struct stat st;
	char *slash;

	fmt_snprintf(dir, sizeof dir, "%s", path);
	if (!(slash = strrchr(dir, '/')))
		return 0;
	slash[slash == dir] = 0;	/* "/x" is in "/" */
	return stat(dir, &st) == 0 && (st.st_uid == 0 || st.st_uid == geteuid()) &&
	       !(st.st_mode & (S_IWGRP | S_IWOTH));
}

/* May the symbolic link at path be followed?  followSymlinks says, or when
 * it is not given, the directory the link is in (dir_trusted): whoever can
 * write a watched directory must not be able to have root read and ship any
 * file by putting a link there.  Said once a flow when not. */
static int may_follow(struct tail *t, const char *path)
{
	if (t->follow >= 0 ? t->follow : dir_trusted(path))
		return 1;
	if (!t->link_logged++)
		log_warnx(t->follow == 0 ? "%s: a symbolic link: not followed (followSymlinks is false)" :
			  "%s: a symbolic link in a directory that others can write: not followed (followSymlinks)",
			  path);
	return 0;
}

static int is_link(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0 && S_ISLNK(st.st_mode);
}

/* Opens a file the pattern matched: through a symbolic link only when it
 * may be followed, and never through one put there since it was looked at
 * (O_NOFOLLOW).  The caller checks what was opened (fstat). */
static int open_file(struct tail *t, const char *path, int flags)
{
	int fd = open(path, flags | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0 && errno == ELOOP && is_link(path) && may_follow(t, path))
		fd = open(path, flags | O_NONBLOCK | O_CLOEXEC);
	return fd;
}

/* ---- the table ---- */

static int busy(const struct tail *t, const struct ring *r, int i)
{
	return i == t->cur || t->s[i].last_rec > r->rtail;
}

static struct src *by_inode(struct tail *t, dev_t dev, ino_t ino)
{
	for (int i = 0; i < TAIL_FILES; i++)
		if (t->s[i].fd >= 0 && t->s[i].dev == dev && t->s[i].ino == ino)
			return &t->s[i];
	return NULL;
}

static int64_t mtime_ms(const struct stat *st)
{
	return (int64_t)st->st_mtim.tv_sec * 1000 + st->st_mtim.tv_nsec / 1000000;
}

static void remember(struct tail *t, struct src *s, off_t off)
{
	if (t->ckpt && !s->fifo)
		ckpt_set(t->ckpt, s->path, s->dev, s->ino, &s->fp, off);
}

/* A checkpoint entry of a file not followed now whose content fd starts
 * with: the file was copied (copytruncate) while kagent was stopped.  Only
 * whole fingerprints count: files that share a short start (a CSV header)
 * are not taken for copies. */
static struct ckpt_ent *copied_entry(struct tail *t, int fd, off_t size)
{
	struct ckpt *c = t->ckpt;

	for (int i = 0; c && i < c->n; i++) {
		struct ckpt_ent *e = &c->ent[i];
		struct stat st;
		int ofd, unchanged = 0;
		if (e->live || e->fp.len != TAIL_FP_BYTES || e->off > size || !glob_match(t->pattern, e->path) ||
		    !same_content(fd, &e->fp))
			continue;
		/* the original still there with that content: fd is a mere copy */
		if (stat(e->path, &st) == 0 && st.st_dev == e->dev && st.st_ino == e->ino &&
		    (ofd = open_file(t, e->path, O_RDONLY)) >= 0) {
			unchanged = same_content(ofd, &e->fp);
			close(ofd);
		}
		if (!unchanged)
			return e;
	}
	return NULL;
}

/* ---- copies (copytruncate) ----
 *
 * A generation of a followed file (its content from its creation or a
 * truncation to the next truncation) is known by its fingerprint.  A file
 * whose fingerprint is that of another's generation is a copy of it: of its
 * current one (the original is truncated next: the copy waits for that,
 * then carries on where the original was read to), or of the one before
 * its last truncation, when the truncation was seen first (the copy carries
 * on at once from where that generation was read to).  Only whole
 * fingerprints count: files that share a short start (a CSV header) are not
 * taken for copies. */

static int same_fp(const struct fprint *a, const struct fprint *b)
{
	return a->len == TAIL_FP_BYTES && b->len == TAIL_FP_BYTES && a->hash == b->hash;
}

enum { COPY_NONE, COPY_WAIT, COPY_CLAIM };

/* Is s's content (s->fp) a copy of another followed file's generation?
 * COPY_CLAIM: of one truncated lately, and s->pos is moved on to where that
 * one's reading stopped; COPY_WAIT: of one not truncated yet, s->copy_of is
 * set.  read: s has given records already (while too short to tell), so it
 * may be the original of a copy read meanwhile as a file of its own: of two
 * files with the same start, only one whose generation began before s's is
 * taken for the original. */
static int copy_check(struct tail *t, struct src *s, int64_t now, int read)
{
	int self = (int)(s - t->s);

	if (t->literal)
		return COPY_NONE;	/* a literal pattern never matches a copy */
	for (int i = 0; i < TAIL_FILES; i++) {
		struct src *o = &t->s[i];
		if (i == self || o->fd < 0 || o->old_until <= now || !same_fp(&o->old_fp, &s->fp))
			continue;
		log_info("%s: a copy of %s as it was before its truncation: read from byte %lld", s->path, o->path,
			 (long long)o->old_end);
		if (s->pos < o->old_end)
			s->pos = o->old_end;
		s->carry = 1;
		o->old_until = 0;	/* claimed: no other file takes it for its copy */
		return COPY_CLAIM;
	}
	for (int i = 0; i < TAIL_FILES; i++) {
		const struct src *o = &t->s[i];
		if (i == self || o->fd < 0 || o->fifo || o->truncated || o->copy_of >= 0 || !same_fp(&o->fp, &s->fp) ||
		    (read && o->gen_at >= s->gen_at))
			continue;
		s->copy_of = i;
		s->copy_until = now + TAIL_COPY_WAIT_MS;
		return COPY_WAIT;
	}
	return COPY_NONE;
}

/* Is the content of s no longer what was read of it: shorter than at (the
 * offset read to), or another start? */
static int changed(const struct src *s, off_t at)
{
	struct stat st;

	if (s->fifo || fstat(s->fd, &st) < 0)
		return 0;
	return st.st_size < at || !same_content(s->fd, &s->fp);
}

/* s's content was truncated or replaced, its generation read up to end: a
 * copy that appears within TAIL_COPY_WAIT_MS may carry it on from there.
 * It is read again from its start once its records are released. */
static void gen_ended(struct src *s, off_t end, int64_t now)
{
	log_info("%s: truncated, reading it again from the start", s->path);
	s->old_fp = s->fp;
	s->old_end = end;
	s->old_until = now + TAIL_COPY_WAIT_MS;
	s->truncated = 1;
	s->undecided = 0;
	s->carry = 0;
	s->copy_of = -1;
}

/* A truncated file whose records are all released: its new generation is
 * read from its start, unless it is a copy of another file's. */
static void restart(struct tail *t, const struct ring *r, struct src *s, int64_t now)
{
	s->truncated = 0;
	s->pos = s->high = 0;
	s->at_eof = 0;
	s->next_look = 0;
	s->gen_at = now;
	s->fp = fprint_of(s->fd, TAIL_FP_BYTES);
	if (copy_check(t, s, now, 0) == COPY_WAIT)
		return;	/* not read until its original is truncated, or the wait is over */
	s->high = s->pos;
	/* too short to tell yet (a copy being written): looked at again at 1 KiB */
	s->undecided = s->pos == 0 && !t->literal && s->fp.len < TAIL_FP_BYTES;
	s->skip_lines = s->pos == 0 ? r->skip_header : 0;
	remember(t, s, s->pos);
}

/* s, read from its start while too short to tell whether it is a copy
 * (under TAIL_FP_BYTES), is looked at again; s->pos is where it would be
 * read on.  Returns what it is (copy_check); a copy carries on past what it
 * gave already: what it gave while short may have come twice. */
static int decided(struct tail *t, struct src *s, int64_t now)
{
	int k;

	/* short, it is what the next read may take (read_file) */
	s->fp = fprint_of(s->fd, TAIL_FP_BYTES);
	if (s->fp.len < TAIL_FP_BYTES)
		return COPY_NONE;
	s->undecided = 0;
	if ((k = copy_check(t, s, now, s->high > 0)) == COPY_NONE)
		return k;
	s->high = s->pos;
	s->skip_lines = 0;
	if (k == COPY_CLAIM)
		remember(t, s, s->pos);
	return k;
}

/* Followed files other than self whose content was replaced since they
 * were read (a copy made over the last one): their new content is looked
 * at now if their records are released, so that self's truncation finds
 * its copy among them.  Returns 1 if one whose records are not released
 * yet is a copy of self's content: it carries it on once they are. */
static int recheck(struct tail *t, const struct ring *r, int self, int64_t now)
{
	int pending = 0;

	for (int i = 0; i < TAIL_FILES; i++) {
		struct src *s = &t->s[i];
		struct fprint fp;
		if (i == self || i == t->cur || s->fd < 0 || s->fifo || s->truncated || s->ended)
			continue;
		if (s->undecided) {
			decided(t, s, now);	/* found while a copy was being written: may be one now */
			continue;
		}
		if (!changed(s, s->high))
			continue;
		gen_ended(s, s->pos, now);
		if (!busy(t, r, i))
			restart(t, r, s, now);
		else if (self >= 0 && (fp = fprint_of(s->fd, TAIL_FP_BYTES), same_fp(&fp, &t->s[self].fp)))
			pending = 1;
	}
	return pending;
}

/* The table entry of watch wd, else a free one, else -1. */
static int fwatch_slot(int wd)
{
	int k, free_k = -1;

	for (k = 0; k < TAIL_WATCHES && fwatch[k].wd != wd; k++)
		if (free_k < 0 && !fwatch[k].refs)
			free_k = k;
	return k < TAIL_WATCHES ? k : free_k;
}

/* A watch on the open file itself, by its descriptor: it is the file
 * read, whatever its name is now.  Else its directory says when it grew. */
static void watch_file(struct tail *t, struct src *s)
{
	char p[CKPT_PATH_MAX];
	char *slash;
	int wd, k;

	if (watch_fd < 0)
		return;
	fmt_snprintf(p, sizeof p, "/proc/self/fd/%d", s->fd);
	if ((wd = inotify_add_watch(watch_fd, p, IN_MODIFY)) > 0 && (k = fwatch_slot(wd)) >= 0) {
		fwatch[k].wd = wd;
		fwatch[k].refs++;
		s->watch = k + 1;
		return;
	}
	if (!dir_modify)
		log_info("%s: no inotify watch of its own (%s): its directory's is used", s->path,
			 errstr(wd < 0 ? errno : ENOSPC));
	dir_modify = IN_MODIFY;
	fmt_snprintf(p, sizeof p, "%s", s->path);
	if ((slash = strrchr(p, '/')))
		slash[slash == p] = '\0';
	if (inotify_add_watch(watch_fd, slash ? p : ".", DIR_EVENTS | IN_MODIFY) < 0) {
		if (!t->unwatched)
			log_info("%s: no inotify watch (%s): its files are polled", p, errstr(errno));
		t->unwatched = 1;
	}
}

/* Lets go of a followed file: its watch too, when no flow follows it now. */
static void unfollow(struct src *s)
{
	if (s->watch && !--fwatch[s->watch - 1].refs)
		inotify_rm_watch(watch_fd, fwatch[s->watch - 1].wd);
	s->watch = 0;
	close(s->fd);
	s->fd = -1;
}

/* Starts following the file at path in a free slot. */
static void admit(struct tail *t, const struct ring *r, const char *path, int64_t now)
{
	struct src *s = NULL;
	struct ckpt_ent *e;
	struct stat st;
	int fd, i;

	for (i = 0; i < TAIL_FILES && !s; i++)
		if (t->s[i].fd < 0)
			s = &t->s[i];
	if (!s || (fd = open_file(t, path, O_RDONLY)) < 0)
		return;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || by_inode(t, st.st_dev, st.st_ino)) {
		close(fd);
		return;
	}
	memset(s, 0, sizeof *s);
	fmt_snprintf(s->path, sizeof s->path, "%s", path);
	s->fd = fd;
	watch_file(t, s);
	s->dev = st.st_dev;
	s->ino = st.st_ino;
	s->mtime = mtime_ms(&st);
	s->copy_of = -1;
	s->matched = 1;
	s->grew = now;
	s->gen_at = now;
	s->fp = fprint_of(fd, TAIL_FP_BYTES);
	e = t->ckpt ? ckpt_find(t->ckpt, st.st_dev, st.st_ino) : NULL;
	if (e && same_content(fd, &e->fp)) {
		if (e->off <= st.st_size) {
			s->pos = e->off;
		} else {
			log_warnx("%s: shorter than its checkpoint (truncated?): reading from the start", path);
		}
	} else if ((e = copied_entry(t, fd, st.st_size))) {
		log_info("%s: a copy of %s made while stopped: resuming at byte %lld", path, e->path,
			 (long long)e->off);
		s->pos = e->off;
		ckpt_forget(t->ckpt, e->dev, e->ino);	/* claimed: no other file takes it for its copy */
	} else if ((i = copy_check(t, s, now, 0)) == COPY_WAIT) {
		return;	/* not read until its original is truncated, or the wait is over */
	} else if (i == COPY_NONE && t->first_scan && t->start_at_end) {
		s->pos = st.st_size;
	}
	s->high = s->pos;
	/* too short to tell yet (a copy being written): looked at again at 1 KiB */
	s->undecided = s->pos == 0 && !t->literal && s->fp.len < TAIL_FP_BYTES;
	s->skip_lines = s->pos == 0 ? r->skip_header : 0;
	/* an entry for the inode with other content stays until this file's
	 * first records are accepted: it may describe a copy still to be found */
	if (t->ckpt && !ckpt_find(t->ckpt, s->dev, s->ino))
		remember(t, s, s->pos);
}

/* ---- scanning the pattern ---- */

struct scan {
	struct tail *t;
	int64_t now;
	int n;				/* candidates held */
	struct cand {
		char path[CKPT_PATH_MAX];
		int64_t mtime;
	} c[TAIL_FILES];
};

static void watch_dir(void *ctx, const char *dir)
{
	struct scan *sc = ctx;

	if (watch_fd >= 0 && inotify_add_watch(watch_fd, dir, DIR_EVENTS | dir_modify) < 0) {
		if (!sc->t->unwatched)
			log_info("%s: no inotify watch (%s): its files are polled", dir, errstr(errno));
		sc->t->unwatched = 1;
	}
}

/* How long a file at its end, or the pattern, may go unlooked at: with
 * inotify on every directory, long (events say when); else the poll interval. */
static int64_t look_every(const struct tail *t)
{
	return watch_fd >= 0 && !t->unwatched ? TAIL_RESCAN_WATCHED_MS : t->poll_ms;
}

static int found(void *ctx, const char *path, const struct stat *st)
{
	struct scan *sc = ctx;
	struct tail *t = sc->t;
	struct src *s;
	struct ckpt_ent *e;
	int64_t m = mtime_ms(st);
	int k;

	if (!S_ISREG(st->st_mode))
		return 0;	/* a FIFO is followed only when named alone */
	if (is_link(path) && !may_follow(t, path))
		return 0;
	e = t->ckpt ? ckpt_find(t->ckpt, st->st_dev, st->st_ino) : NULL;
	if ((s = by_inode(t, st->st_dev, st->st_ino))) {
		if (strcmp(s->path, path) != 0) {
			/* renamed (rotated) within the pattern: the same file */
			fmt_snprintf(s->path, sizeof s->path, "%s", path);
			if (e)
				ckpt_seen(t->ckpt, e, path, sc->now);
		}
		s->matched = 1;
		return 0;
	}
	if (e) {
		ckpt_seen(t->ckpt, e, path, sc->now);
		/* read to its end before: of a glob's files, nothing to do until
		 * it grows; a file named alone is followed, so inotify's
		 * IN_MODIFY says when it grows */
		if (e->off == st->st_size && !t->literal)
			return 0;
	}
	/* hold the oldest candidates, sorted: they are admitted first */
	if (sc->n == TAIL_FILES) {
		t->waiting++;	/* this one or the youngest held waits */
		if (sc->c[TAIL_FILES - 1].mtime <= m)
			return 0;
		sc->n--;
	}
	for (k = sc->n++; k > 0 && sc->c[k - 1].mtime > m; k--)
		sc->c[k] = sc->c[k - 1];
	fmt_snprintf(sc->c[k].path, sizeof sc->c[k].path, "%s", path);
	sc->c[k].mtime = m;
	return 0;
}

/* A file followed by its name alone may have been renamed by a rotation
 * while kagent was stopped, with its end not yet read: the usual names of
 * the newest rotation are looked at once, at start-up. */
static void rotated_while_stopped(struct tail *t, struct scan *sc)
{
	static const char *const sfx[] = { ".1", ".0", "-1" };
	char p[CKPT_PATH_MAX];
	struct stat st;

	for (size_t k = 0; k < sizeof sfx / sizeof *sfx; k++) {
		struct ckpt_ent *e;
		if (fmt_snprintf(p, sizeof p, "%s%s", t->pattern, sfx[k]) >= (int)sizeof p || stat(p, &st) < 0 ||
		    !S_ISREG(st.st_mode) || !t->ckpt || !(e = ckpt_find(t->ckpt, st.st_dev, st.st_ino)) ||
		    e->off >= st.st_size || strcmp(e->path, t->pattern) != 0)
			continue;
		log_info("%s: rotated to %s while stopped: reading its rest", t->pattern, p);
		found(sc, p, &st);
	}
}

/* The oldest idle file, to make room for one that waits. */
static int evictable(const struct tail *t, const struct ring *r, int64_t now)
{
	int best = -1;

	for (int i = 0; i < TAIL_FILES; i++) {
		const struct src *s = &t->s[i];
		if (s->fd < 0 || s->fifo || busy(t, r, i) || !s->at_eof || s->ended || s->footer || s->truncated ||
		    s->copy_of >= 0 || now - s->grew < TAIL_IDLE_MS)
			continue;
		if (best < 0 || s->mtime < t->s[best].mtime)
			best = i;
	}
	return best;
}

static void open_fifo(struct tail *t, struct ring *r);

static void scan(struct tail *t, struct ring *r, int64_t now)
{
	static struct scan sc;	/* large; the loop is single-threaded */
	struct stat st;
	int free_slots = 0, again = 0;

	/* inotify says when to look; without it the pattern is polled */
	t->scanned = now;
	memset(&sc, 0, sizeof sc);
	sc.t = t;
	sc.now = now;
	t->waiting = 0;
	for (int i = 0; i < TAIL_FILES; i++) {
		t->s[i].matched = 0;
		free_slots += t->s[i].fd < 0;
	}
	if (t->literal && free_slots == TAIL_FILES && stat(t->pattern, &st) == 0 && S_ISFIFO(st.st_mode)) {
		open_fifo(t, r);
		return;
	}
	if (glob_walk(t->pattern, found, watch_dir, &sc) < 0) {
		if (!t->walk_logged++)
			log_warn("%s: some of the files it matches cannot be looked at", t->pattern);
	} else {
		t->walk_logged = 0;
	}
	if (t->first_scan && t->literal)
		rotated_while_stopped(t, &sc);
	/* a directory listed while its files are renamed may miss one: a file
	 * is gone from a pattern with wildcards only when two scans in a row
	 * miss it (a name alone is looked up, not listed) */
	for (int i = 0; i < TAIL_FILES; i++) {
		struct src *s = &t->s[i];
		if (s->fd < 0 || s->fifo)
			continue;
		if (s->matched) {
			s->missed = 0;
		} else if (s->missed < 2) {
			s->missed = t->literal ? 2 : s->missed + 1;
			if (s->missed == 1)
				again = 1;		/* the second look comes soon */
			else
				s->next_look = 0;	/* gone: let go now if it is quiet */
		}
	}
	if (t->literal && free_slots == TAIL_FILES && sc.n == 0 && !t->missing_logged++)
		log_warnx("%s: cannot open, waiting for it", t->pattern);
	for (int k = 0; k < sc.n; k++) {
		if (!free_slots) {
			int v = evictable(t, r, now);
			if (v < 0) {
				t->waiting += sc.n - k;
				break;
			}
			/* finished and quiet: let go, its checkpoint stays for when it grows */
			unfollow(&t->s[v]);
			if (t->ckpt)
				ckpt_unfollow(t->ckpt, t->s[v].dev, t->s[v].ino, now);
			free_slots++;
		}
		if (t->missing_logged)
			log_info("%s: found", sc.c[k].path);
		t->missing_logged = 0;
		admit(t, r, sc.c[k].path, now);
		free_slots--;
	}
	t->rescan_at = now + (t->waiting ? t->poll_ms : look_every(t));	/* waiting: a slot may free up soon */
	if (again && t->rescan_at > now + TAIL_RESCAN_MIN_MS)
		t->rescan_at = now + TAIL_RESCAN_MIN_MS;
	if (t->waiting && !t->waiting_logged++)
		log_warnx("%s: more files match than the %d followed at once: the oldest are read first, "
			  "%d wait", t->pattern, TAIL_FILES, t->waiting);
	if (!t->waiting)
		t->waiting_logged = 0;
	t->first_scan = 0;
}

/* ---- FIFOs ---- */

static void open_fifo(struct tail *t, struct ring *r)
{
	struct src *s = &t->s[0];
	struct stat st;
	int fd;

	if ((fd = open_file(t, t->pattern, O_RDWR)) < 0)
		return;
	if (fstat(fd, &st) < 0 || !S_ISFIFO(st.st_mode)) {
		close(fd);	/* replaced since it was looked at */
		return;
	}
	if (t->missing_logged)
		log_info("%s: found", t->pattern);
	t->missing_logged = 0;
	t->cur = 0;
	ring_source(r, 0, 0, 0);
	memset(s, 0, sizeof *s);
	fmt_snprintf(s->path, sizeof s->path, "%s", t->pattern);
	s->fd = fd;
	s->fifo = 1;
	s->copy_of = -1;
	s->matched = 1;
	s->dev = st.st_dev;
	s->ino = st.st_ino;
}

/* fifoOverflow "drop" with a full ring: what writers send now is read and
 * thrown away, whole lines only (the line in progress goes too), and counted,
 * so a writer that must never block does not. */
static size_t drop(struct tail *t, struct src *s, struct ring *r)
{
	static char sink[4096];
	ssize_t n;

	if (!t->dropping && r->head > r->start)
		t->dropping = ring_drop_uncut(r, &t->dropped_lines);
	while ((n = read(s->fd, sink, sizeof sink)) > 0) {
		for (char *p = sink; (p = memchr(p, '\n', (size_t)(sink + n - p))); p++)
			t->dropped_lines++;
		t->dropping = sink[n - 1] != '\n';
	}
	s->next_look = INT64_MAX;
	return 0;
}

/* ---- init ---- */

void tail_init(struct tail *t, struct ring *r, const char *pattern, struct ckpt *ck, int start_at_end,
	       int64_t poll_ms, int drop_fifo, int follow, int64_t now)
{
	memset(t, 0, sizeof *t);
	t->follow = follow;
	for (int i = 0; i < TAIL_FILES; i++)
		t->s[i].fd = -1;
	t->pattern = pattern;
	t->literal = glob_literal(pattern);
	t->ckpt = ck;
	t->cur = -1;
	t->poll_ms = poll_ms;
	t->drop = drop_fifo;
	t->first_scan = 1;
	/* initialPosition is for a flow's first start: once the checkpoint
	 * knows any of its files, a file it does not know is new, read whole */
	t->start_at_end = start_at_end;
	for (int i = 0; ck && i < ck->n; i++)
		if (glob_match(pattern, ck->ent[i].path))
			t->start_at_end = 0;
	if (watch_fd == -2) {
		watch_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
		if (watch_fd < 0)
			log_info("no inotify (%s): files are polled every %" PRId64 " ms", errstr(errno), poll_ms);
	}
	ring_reset(r, 0);
	scan(t, r, now);
}

/* ---- reading ---- */

/* Gives the ring to slot i (-1: to none), after the current file's uncut bytes are given back. */
static int turn_to(struct tail *t, struct ring *r, int i, int64_t now)
{
	if (t->cur == i)
		return 1;
	if (t->cur >= 0) {
		struct src *c = &t->s[t->cur];
		if (r->skipping || c->fifo)
			return 0;	/* an overlong line is finished first; a FIFO cannot be read again */
		if (r->rstart < r->start && c->at_eof && (t->flushing || now - c->grew >= TAIL_QUIET_MS))
			ring_flush_pending(r, now);	/* the multi-line record that ends a quiet file */
		if (r->rstart < r->start) {
			/* its multi-line record is given back: the file is not
			 * done with (--once waits for it), and is read again to
			 * send the record once quiet */
			c->at_eof = 0;
			if (c->next_look > c->grew + TAIL_QUIET_MS)
				c->next_look = c->grew + TAIL_QUIET_MS;
		}
		c->pos = ring_unread(r);
		c->skip_lines = r->skip_lines;
		c->last_rec = r->rhead;
	}
	t->cur = i;
	t->turn = 0;
	if (i >= 0) {
		struct src *s = &t->s[i];
		lseek(s->fd, s->pos, SEEK_SET);
		ring_source(r, (unsigned)i, s->pos, s->skip_lines);
	}
	return 1;
}

static int readable(const struct src *s, int64_t now)
{
	return s->fd >= 0 && !s->ended && !s->footer && !s->truncated && s->copy_of < 0 && s->next_look <= now;
}

/* The next file to read: a copy's rest of its original's old content (the
 * next rotation may copy over it), else the current one while it has data
 * and its turn lasts, else the oldest that is due. */
static int pick(struct tail *t, const struct ring *r, int64_t now)
{
	int best = -1;

	if (t->cur >= 0 && r->skipping && readable(&t->s[t->cur], now))
		return t->cur;	/* an overlong line is finished first (turn_to) */
	for (int i = 0; i < TAIL_FILES; i++)
		if (t->s[i].carry && readable(&t->s[i], now))
			return i;
	if (t->cur >= 0 && readable(&t->s[t->cur], now) && !t->s[t->cur].at_eof && t->turn < TAIL_TURN_BYTES)
		return t->cur;
	for (int i = 0; i < TAIL_FILES; i++) {
		if (!readable(&t->s[i], now))
			continue;
		if (i == t->cur && t->turn >= TAIL_TURN_BYTES)
			continue;
		if (best < 0 || t->s[i].mtime < t->s[best].mtime)
			best = i;
	}
	if (best < 0 && t->cur >= 0 && readable(&t->s[t->cur], now))
		best = t->cur;	/* nothing else due: its turn goes on */
	return best;
}

/* The copy waiting for slot i's truncation, or -1. */
static int waiting_copy(const struct tail *t, int i)
{
	for (int k = 0; k < TAIL_FILES; k++)
		if (t->s[k].fd >= 0 && t->s[k].copy_of == i)
			return k;
	return -1;
}

/* The current file's content is no longer the one being read: truncated
 * (copy and truncate), or replaced.  If a copy of what it held is among the
 * files followed, the rest is read from there; otherwise what the ring holds
 * of a last line is sent as it is, and a copy that appears later may still
 * carry the rest on (gen_ended). */
static void gen_changed(struct tail *t, struct ring *r, struct src *s, int64_t now)
{
	int i = (int)(s - t->s), c = waiting_copy(t, i), pending = 0;

	if (c < 0) {
		scan(t, r, now);		/* the copy is made before the truncation: look for it now, */
		pending = recheck(t, r, i, now);	/* also over a file followed already */
		c = waiting_copy(t, i);
	}
	if (c >= 0 && !r->skipping) {
		struct src *cp = &t->s[c];
		off_t at = ring_unread(r);
		/* a copy read before it was known for one goes on past what it gave */
		if (cp->pos < at)
			cp->pos = at;
		cp->high = cp->pos;
		cp->skip_lines = 0;
		cp->copy_of = -1;
		cp->carry = 1;
		cp->next_look = 0;
		log_info("%s: truncated; the rest of its old content is read from its copy %s", s->path, cp->path);
		remember(t, cp, cp->pos);
		s->truncated = 1;
		s->undecided = 0;
	} else if (pending && !r->skipping) {
		gen_ended(s, ring_unread(r), now);	/* the copy carries on from the last whole record */
	} else {
		/* no copy (yet): a last line read in part goes as it is, so
		 * that nothing is lost if none comes; one that comes later
		 * carries on after it (that line then comes in two records) */
		ring_flush_partial(r, now);
		/* no record slot left for it: given back, for a copy to carry on */
		gen_ended(s, r->head > r->start || r->rstart < r->start ? ring_unread(r) : r->head_off, now);
	}
	s->last_rec = r->rhead;
	t->cur = -1;
}

/* The current file s was read from its start while too short to tell
 * whether it is a copy: looked at again before more of it is read.
 * Returns 1 if it is one (it is then no longer the current file). */
static int decide(struct tail *t, struct ring *r, struct src *s, int64_t now)
{
	s->pos = r->head_off - (off_t)(r->head - r->rstart);	/* past its last whole record */
	if (decided(t, s, now) == COPY_NONE)
		return 0;
	ring_unread(r);
	s->last_rec = r->rhead;
	t->cur = -1;
	return 1;
}

/* The current file is at its end. */
static void at_end(struct tail *t, struct ring *r, struct src *s, int64_t now)
{
	struct stat st;

	s->at_eof = 1;
	s->carry = 0;
	s->next_look = now + look_every(t);
	if (fstat(s->fd, &st) < 0)
		return;
	if (st.st_size < r->head_off) {
		gen_changed(t, r, s, now);
	} else if ((s->missed >= 2 || st.st_nlink == 0) && (t->flushing || now - s->grew >= TAIL_LINGER_MS)) {
		/* rotated away or deleted, and written no more: its last
		 * partial line is sent as it is, and the file let go */
		ring_flush_partial(r, now);
		if (r->head == r->start) {
			s->ended = 1;
			s->last_rec = r->rhead;
			t->cur = -1;
		}
	}
}

/* Reads what fits of s, the current file.  verify: it may have been
 * truncated or replaced since it was last read (the first read of a turn of
 * the loop): that is looked at first. */
static size_t read_file(struct tail *t, struct ring *r, struct src *s, int64_t now, int verify)
{
	size_t len;
	ssize_t n;
	char *p = ring_write_buf(r, &len);

	if (len == 0 && s->fifo && t->drop)
		return drop(t, s, r);
	if (len > TAIL_READ_MAX)
		len = TAIL_READ_MAX;
	if (len == 0)
		return 0;
	if (verify && changed(s, r->head_off)) {
		gen_changed(t, r, s, now);
		return 0;
	}
	if (s->undecided) {
		off_t seen;
		if (decide(t, r, s, now))
			return 0;
		/* no further than the fingerprint saw: a copy written since is
		 * told for one at the next read, not read whole as a new file */
		if ((seen = (off_t)s->fp.len - r->head_off) <= 0) {
			at_end(t, r, s, now);
			return 0;
		}
		if (len > (size_t)seen)
			len = (size_t)seen;
	}
	if (t->dropping) {
		/* room again, in the middle of a dropped line: the framer
		 * throws away what is left of it */
		r->discard = 1;
		t->dropping = 0;
	}
	n = read(s->fd, p, len);
	if (n > 0) {
		ring_write_ack(r, (size_t)n, now);
		t->bytes += (uint64_t)n;
		t->turn += (size_t)n;
		s->at_eof = 0;
		if (r->head_off > s->high) {
			s->high = r->head_off;
			s->grew = now;
			if (s->fp.len < TAIL_FP_BYTES && !s->fifo)
				s->fp = fprint_of(s->fd, TAIL_FP_BYTES);
		}
		if (r->footer) {
			/* fileFooterPattern: this file is done */
			r->footer = 0;
			s->footer = 1;
			s->last_rec = r->rhead;
			t->cur = -1;
		}
		return (size_t)n;
	}
	if (n < 0 && errno != EAGAIN && errno != EINTR)
		log_warn("%s: read", s->path);
	if (s->fifo) {
		s->at_eof = 1;
		s->next_look = INT64_MAX;	/* poll() says when there is more */
		return 0;
	}
	at_end(t, r, s, now);
	return 0;
}

/* Slots whose records are all released: a truncated file starts again, a
 * finished one is let go, a copy whose original was not truncated in time
 * is a file of its own. */
static void settle(struct tail *t, const struct ring *r, int64_t now)
{
	for (int i = 0; i < TAIL_FILES; i++) {
		struct src *s = &t->s[i];
		if (s->fd < 0 || s->fifo)
			continue;
		if (s->copy_of >= 0 && now >= s->copy_until) {
			log_info("%s: same start as %s, which was not truncated: read as a file of its own",
				 s->path, t->s[s->copy_of].path);
			s->copy_of = -1;
			s->skip_lines = s->pos == 0 ? r->skip_header : 0;
			remember(t, s, s->pos);
		}
		if (busy(t, r, i))
			continue;
		if (s->truncated) {
			restart(t, r, s, now);
		} else if (s->ended || (s->footer && s->missed >= 2)) {
			unfollow(s);
			if (t->ckpt)
				ckpt_forget(t->ckpt, s->dev, s->ino);
		}
	}
}

size_t tail_read(struct tail *t, struct ring *r, int64_t now)
{
	size_t total = 0;
	unsigned verified = 0;

	if (tail_is_fifo(t)) {
		if (t->s[0].next_look > now)
			return 0;
		for (int k = 0; k < READS_PER_CALL; k++) {
			size_t n = read_file(t, r, &t->s[0], now, 0);
			if (!n)
				break;
			total += n;
		}
		return total;
	}
	if (t->cur >= 0) {
		struct src *c = &t->s[t->cur];
		/* a multi-line record at the end of a quiet file goes as it is */
		if (c->at_eof && r->rstart < r->start && (t->flushing || now - c->grew >= TAIL_QUIET_MS))
			ring_flush_pending(r, now);
		c->last_rec = r->rhead;
	}
	settle(t, r, now);
	if (now >= t->rescan_at)
		scan(t, r, now);
	for (int k = 0; k < READS_PER_CALL; k++) {
		size_t room, n;
		int i = pick(t, r, now);
		if (i < 0 || !turn_to(t, r, i, now))
			break;
		ring_write_buf(r, &room);
		if (!room)
			break;
		n = read_file(t, r, &t->s[i], now, !(verified & 1u << i));
		verified |= 1u << i;
		total += n;
	}
	if (t->cur >= 0)
		t->s[t->cur].last_rec = r->rhead;
	t->at_end = !t->waiting;
	for (int i = 0; i < TAIL_FILES; i++)
		if (readable(&t->s[i], INT64_MAX) && !t->s[i].at_eof)
			t->at_end = 0;
	return total;
}

void tail_released(struct tail *t, const struct ring *r, uint64_t from, uint64_t to)
{
	off_t end[TAIL_FILES];
	unsigned moved = 0;

	if (!t->ckpt || tail_is_fifo(t))
		return;
	for (uint64_t i = from; i < to; i++) {
		const struct rec *rc = ring_rec(r, i);
		end[rc->src] = rc->end;
		moved |= 1u << rc->src;
	}
	for (int i = 0; i < TAIL_FILES; i++)
		if (moved & (1u << i) && t->s[i].fd >= 0)
			remember(t, &t->s[i], end[i]);
}

int tail_done(const struct tail *t, const struct ring *r)
{
	return t->at_end && r->rstart == r->start;
}

int tail_file(const struct tail *t, const struct ring *r, int k, struct tail_file *out)
{
	const struct src *s = &t->s[k];
	const struct ckpt_ent *e;
	struct stat st;

	if (s->fd < 0)
		return 0;
	out->path = s->path;
	out->read = k == t->cur ? r->head_off : s->pos;
	e = t->ckpt && !s->fifo ? ckpt_find(t->ckpt, s->dev, s->ino) : NULL;
	out->acked = e ? e->off : -1;
	out->size = !s->fifo && fstat(s->fd, &st) == 0 ? st.st_size : -1;
	return 1;
}

int64_t tail_due(const struct tail *t, const struct ring *r)
{
	int64_t due = tail_is_fifo(t) ? INT64_MAX : t->rescan_at;

	for (int i = 0; i < TAIL_FILES; i++) {
		const struct src *s = &t->s[i];
		if (s->copy_of >= 0 && s->fd >= 0 && s->copy_until < due)
			due = s->copy_until;
		if (readable(s, INT64_MAX) && s->next_look < due)
			due = s->next_look;
	}
	if (t->cur >= 0 && r->rstart < r->start && t->s[t->cur].at_eof &&
	    t->s[t->cur].grew + TAIL_QUIET_MS < due)
		due = t->s[t->cur].grew + TAIL_QUIET_MS;
	return due;
}

int tail_pollfd(const struct tail *t, const struct ring *r)
{
	size_t room;

	if (!tail_is_fifo(t))
		return -1;
	/* a full ring leaves the FIFO unread, so writers block (back-pressure),
	 * unless its overflow is dropped */
	ring_write_buf((struct ring *)r, &room);
	return room || t->drop ? t->s[0].fd : -1;
}

void tail_readable(struct tail *t)
{
	t->s[0].next_look = 0;
}

void tail_kick(struct tail *t, int rescan)
{
	for (int i = 0; i < TAIL_FILES; i++)
		if (!t->s[i].fifo)
			t->s[i].next_look = 0;
	/* at most one scan per TAIL_RESCAN_MIN_MS, however many files come and go */
	if (rescan && t->rescan_at > t->scanned + TAIL_RESCAN_MIN_MS)
		t->rescan_at = t->scanned + TAIL_RESCAN_MIN_MS;
}

int tail_watch_fd(void)
{
	return watch_fd;
}

int tail_watch_read(void)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	int rescan = 0;
	ssize_t n;

	while ((n = read(watch_fd, buf, sizeof buf)) > 0) {
		for (char *p = buf; p < buf + n;) {
			const struct inotify_event *ev = (const struct inotify_event *)p;
			if (ev->mask & (DIR_EVENTS | IN_Q_OVERFLOW))
				rescan = 1;
			p += sizeof *ev + ev->len;
		}
		/* room was left for the longest event: none is waiting (a read
		 * now would say EAGAIN) */
		if ((size_t)n <= sizeof buf - sizeof(struct inotify_event) - NAME_MAX - 1)
			break;
	}
	return rescan;
}
