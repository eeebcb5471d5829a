/* File patterns (a flow's filePattern) matched against the file system
 * without touching the heap, so the loop can rescan them: directories are
 * read with getdents64 into buffers on the stack, names matched with
 * fnmatch().
 *
 * A pattern is an absolute path whose names may hold the wildcards * ? and
 * [...] (fnmatch; a backslash makes the next character literal).  A wildcard
 * never matches '/', nor a leading '.' (only a name in the pattern that
 * itself starts with '.' matches one), nor "." and "..".  Empty names
 * ("//") are ignored: matches are reported with single slashes. */
#ifndef GLOB_H
#define GLOB_H
#include <sys/stat.h>

/* Longest path, NUL included: what a checkpoint entry holds (CKPT_PATH_MAX). */
#define GLOB_PATH_MAX 512
/* Most names with wildcards before the last one (/var/log/<star>/<star>/x.log
 * has 2); each costs a directory buffer on the stack and a descriptor. */
#define GLOB_MAX_DEPTH 4

/* Calls fn for each regular file or FIFO whose path matches pattern, with
 * stat() of it (a symbolic link to a file matches, st describes the target).
 * Names without wildcards are not listed, only appended, so the kernel
 * follows them as usual (symbolic links included); a name with wildcards
 * matches only real directories, never a link to one.  Matches longer than
 * GLOB_PATH_MAX - 1 are skipped.
 *
 * dir_fn (may be NULL) is called for each existing directory in which the
 * pattern's last name is looked for (listed, or looked up when it has no
 * wildcard), before fn is called for any file in it, so that a watch put on
 * it in dir_fn misses no file created after the listing.
 *
 * path and dir are the walk's own buffer, valid during the call only.
 * Order: depth first, each directory in the order the file system lists it.
 * Stops after a call to fn that returns nonzero.
 *
 * Returns how many times fn was called; or -1 if pattern is not usable
 * (glob_check; errno EINVAL) or if something on the way could not be read
 * for another reason than not existing (a directory without permission, a
 * match too long, ...; errno tells the first such reason).  The walk goes
 * on past those, so fn was still called for every match that could be
 * reached. */
int glob_walk(const char *pattern, int (*fn)(void *ctx, const char *path, const struct stat *st),
	      void (*dir_fn)(void *ctx, const char *dir), void *ctx);
/* 1 if pattern names exactly one path, itself: it has no wildcard and no
 * backslash, so it can be opened as it is.  0 if it needs glob_walk(). */
int glob_literal(const char *pattern);
/* "" if pattern is usable, else why not, for a message after "filePattern: ". */
const char *glob_check(const char *pattern);
/* 1 if path (as glob_walk reports them) matches pattern by the rules above. */
int glob_match(const char *pattern, const char *path);
#endif
