/* libc's glob() and opendir() allocate; this walk reads directories with
 * getdents64 into a buffer on the stack, one per level, and GLOB_MAX_DEPTH
 * bounds the levels.  Names are matched by wild.c, as fnmatch() would. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "glob.h"
#include "wild.h"

/* Bytes of directory entries read per getdents64 call, per level. */
#define GLOB_DIRBUF 2048

_Static_assert(GLOB_PATH_MAX == 512 && NAME_MAX == 255 && GLOB_MAX_DEPTH == 4,
	       "glob_check's messages state these limits");

/* What the kernel writes; libc's struct dirent is not promised to match. */
struct linux_dirent64 {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

/* Checks one name of a pattern (n bytes at s) the way fnmatch() will read it;
 * sets *wild if it holds a wildcard.  Returns "" or why it is not usable. */
static const char *scan_name(const char *s, size_t n, int *wild)
{
	*wild = 0;
	if (n > NAME_MAX)
		return "a name is longer than 255 bytes";
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\\') {
			if (++i == n)
				return "'\\' at the end of a name (it escapes the next character)";
		} else if (s[i] == '*' || s[i] == '?') {
			*wild = 1;
		} else if (s[i] == '[') {
			/* As musl's fnmatch: "[!" or "[^" negates, a ']' first is
			 * a member, [:class:] [.x.] [=x=] hold their own ']'. */
			size_t k = i + 1;
			if (k < n && (s[k] == '!' || s[k] == '^'))
				k++;
			if (k < n && s[k] == ']')
				k++;
			for (; k < n && s[k] != ']'; k++) {
				if (s[k] == '[' && k + 1 < n && (s[k + 1] == ':' || s[k + 1] == '.' || s[k + 1] == '=')) {
					char z = s[k + 1];
					for (k += 3; k < n && !(s[k - 1] == z && s[k] == ']'); k++)
						;
					if (k >= n)
						break;
				}
			}
			if (k >= n)
				return "'[' without a closing ']'";
			i = k;
			*wild = 1;
		}
	}
	return "";
}

static int is_wild(const char *name)
{
	int wild;

	scan_name(name, strlen(name), &wild);
	return wild;
}

/* Copies s (shorter than GLOB_PATH_MAX) to buf with each '/' made a NUL, so
 * that each name in it is a string; returns the end of the copy. */
static const char *split(char buf[GLOB_PATH_MAX], const char *s)
{
	size_t len = strlen(s);

	for (size_t i = 0; i <= len; i++)
		buf[i] = s[i] == '/' ? 0 : s[i];
	return buf + len;
}

/* The first name at or after p in a split copy ending at end; NULL if none. */
static const char *name_at(const char *p, const char *end)
{
	while (p < end && !*p)
		p++;
	return p < end ? p : NULL;
}

static const char *name_next(const char *name, const char *end)
{
	return name_at(name + strlen(name) + 1, end);
}

/* Does name match pat, one name of a pattern?  Without wildcards it is
 * compared as it is (fnmatch only undoes the escapes). */
static int name_match(const char *pat, const char *name)
{
	if (!is_wild(pat))
		return wild_match(pat, name, 0);
	if (!strcmp(name, ".") || !strcmp(name, ".."))
		return 0;
	return wild_match(pat, name, 1);
}

struct walk {
	int (*fn)(void *ctx, const char *path, const struct stat *st);
	void (*dir_fn)(void *ctx, const char *dir);
	void *ctx;
	char pat[GLOB_PATH_MAX];	/* the pattern, split */
	const char *end;
	char path[GLOB_PATH_MAX];	/* the path being built */
	int count;
	int err;			/* first errno that was not "absent" */
	int stop;			/* fn said so */
};

static void fail(struct walk *w, int err)
{
	if (!w->err)
		w->err = err;
}

/* After a failed call: a missing file or directory is normal (it may come
 * later), anything else is worth a message. */
static void absent_or_fail(struct walk *w)
{
	if (errno != ENOENT && errno != ENOTDIR)
		fail(w, errno);
}

/* Appends '/' and name to the path of len bytes; name's escapes are undone
 * if unescape.  Returns the new length, or 0 if that would be too long. */
static size_t append(struct walk *w, size_t len, const char *name, int unescape)
{
	if (len + 1 >= GLOB_PATH_MAX)
		return 0;
	w->path[len++] = '/';
	for (; *name; name++) {
		if (unescape && *name == '\\')
			name++;		/* scan_name saw it is followed */
		if (len + 1 >= GLOB_PATH_MAX)
			return 0;
		w->path[len++] = *name;
	}
	w->path[len] = 0;
	return len;
}

/* The directory that is path's first len bytes. */
static const char *dir_at(struct walk *w, size_t len)
{
	w->path[len] = 0;
	return len ? w->path : "/";
}

static void report(struct walk *w, const struct stat *st)
{
	if (!S_ISREG(st->st_mode) && !S_ISFIFO(st->st_mode))
		return;
	w->count++;
	if (w->fn(w->ctx, w->path, st))
		w->stop = 1;
}

static void walk(struct walk *w, const char *name, size_t len);

/* One entry of a listed directory (fd) against name, the pattern's name for
 * this level. */
static void entry(struct walk *w, int fd, const struct linux_dirent64 *d, const char *name, size_t len,
		  int last)
{
	struct stat st;
	size_t n;

	if (!name_match(name, d->d_name))
		return;
	if (last ? d->d_type == DT_DIR : d->d_type != DT_DIR && d->d_type != DT_UNKNOWN)
		return;
	if (!(n = append(w, len, d->d_name, 0))) {
		fail(w, ENAMETOOLONG);
		return;
	}
	if (last) {
		if (fstatat(fd, d->d_name, &st, 0) < 0)
			absent_or_fail(w);
		else
			report(w, &st);
		return;
	}
	/* Some file systems do not say the type: ask, without following a link. */
	if (d->d_type == DT_UNKNOWN) {
		if (fstatat(fd, d->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			absent_or_fail(w);
			return;
		}
		if (!S_ISDIR(st.st_mode))
			return;
	}
	walk(w, name_next(name, w->end), n);
}

/* Lists the directory that is path's first len bytes and matches its entries
 * against name (with wildcards), the last name of the pattern if last. */
static void list(struct walk *w, const char *name, size_t len, int last)
{
	_Alignas(struct linux_dirent64) char buf[GLOB_DIRBUF];
	const char *dir = dir_at(w, len);
	long n = 0;
	int fd;

	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		absent_or_fail(w);
		return;
	}
	if (last && w->dir_fn)
		w->dir_fn(w->ctx, dir);
	while (!w->stop && (n = syscall(SYS_getdents64, fd, buf, sizeof buf)) > 0) {
		for (long off = 0; off < n && !w->stop;) {
			const struct linux_dirent64 *d = (const struct linux_dirent64 *)(buf + off);
			entry(w, fd, d, name, len, last);
			off += d->d_reclen;
		}
	}
	if (n < 0)
		absent_or_fail(w);
	close(fd);
}

/* The last name, without wildcards: looked up, not listed. */
static void lookup(struct walk *w, const char *name, size_t len)
{
	struct stat st;
	size_t n;

	if (w->dir_fn) {
		const char *dir = dir_at(w, len);
		if (stat(dir, &st) < 0) {
			absent_or_fail(w);
			return;
		}
		if (!S_ISDIR(st.st_mode))
			return;
		w->dir_fn(w->ctx, dir);
	}
	if (!(n = append(w, len, name, 1))) {
		fail(w, ENAMETOOLONG);
		return;
	}
	if (stat(w->path, &st) < 0)
		absent_or_fail(w);
	else
		report(w, &st);
}

/* Matches the pattern from name on below the directory that is path's first
 * len bytes.  Names without wildcards are appended for the kernel to resolve. */
static void walk(struct walk *w, const char *name, size_t len)
{
	const char *next;

	while ((next = name_next(name, w->end)) && !is_wild(name)) {
		if (!(len = append(w, len, name, 1))) {
			fail(w, ENAMETOOLONG);
			return;
		}
		name = next;
	}
	if (is_wild(name))
		list(w, name, len, !next);
	else
		lookup(w, name, len);
}

int glob_walk(const char *pattern, int (*fn)(void *ctx, const char *path, const struct stat *st),
	      void (*dir_fn)(void *ctx, const char *dir), void *ctx)
{
	struct walk w;

	if (*glob_check(pattern)) {
		errno = EINVAL;
		return -1;
	}
	w.fn = fn;
	w.dir_fn = dir_fn;
	w.ctx = ctx;
	w.end = split(w.pat, pattern);
	w.count = w.err = w.stop = 0;
	walk(&w, name_at(w.pat, w.end), 0);
	if (w.err) {
		errno = w.err;
		return -1;
	}
	return w.count;
}

int glob_literal(const char *pattern)
{
	for (; *pattern; pattern++)
		if (*pattern == '*' || *pattern == '?' || *pattern == '[' || *pattern == '\\')
			return 0;
	return 1;
}

const char *glob_check(const char *pattern)
{
	size_t len = strlen(pattern);
	int depth = 0, wild;
	const char *s, *e, *why;

	if (!len)
		return "empty";
	if (pattern[0] != '/')
		return "not an absolute path";
	if (len >= GLOB_PATH_MAX)
		return "longer than 511 bytes";
	if (pattern[len - 1] == '/')
		return "ends in '/' (names a directory, not files)";
	for (s = pattern; *s; s = e) {
		while (*s == '/')
			s++;
		for (e = s; *e && *e != '/'; e++)
			;
		if (*(why = scan_name(s, (size_t)(e - s), &wild)))
			return why;
		depth += wild && *e;
	}
	if (depth > GLOB_MAX_DEPTH)
		return "wildcards in more than 4 directory names";
	return "";
}

int glob_match(const char *pattern, const char *path)
{
	char pb[GLOB_PATH_MAX], nb[GLOB_PATH_MAX];
	const char *pend, *nend, *p, *n;

	if (*glob_check(pattern) || path[0] != '/' || strlen(path) >= GLOB_PATH_MAX)
		return 0;
	pend = split(pb, pattern);
	nend = split(nb, path);
	p = name_at(pb, pend);
	n = name_at(nb, nend);
	for (; p && n; p = name_next(p, pend), n = name_next(n, nend))
		if (!name_match(p, n))
			return 0;
	return !p && !n;
}
