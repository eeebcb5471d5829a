/* The file-pattern walk on a real tree in a mkdtemp directory: the exact set
 * of matches (sorted here: the walk reports them in directory order) and of
 * directories reported to dir_fn, for each kind of wildcard, and the rules
 * for links, dotfiles, FIFOs, long names and errors. */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include "t.h"
#include "ckpt.h"
#include "glob.h"

_Static_assert(GLOB_PATH_MAX <= CKPT_PATH_MAX, "every match fits a checkpoint entry");

#define NBIG 500
#define MAXGOT 600

static char dir[64];
static size_t dirlen;
static char got[MAXGOT][GLOB_PATH_MAX], gotdir[MAXGOT][GLOB_PATH_MAX];
static int ngot, ngotdir;
static ino_t gotino[MAXGOT];
static int stop_after;		/* fn returns nonzero at this call (0: never) */
static char out[MAXGOT * 256];

static int mk(const char *rel, const char *text)
{
	char p[GLOB_PATH_MAX + 256];
	int fd;

	snprintf(p, sizeof p, "%s/%s", dir, rel);
	if ((fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644)) < 0)
		return -1;
	if (write(fd, text, strlen(text)) != (ssize_t)strlen(text)) {
		close(fd);
		return -1;
	}
	return close(fd);
}

static int mkd(const char *rel)
{
	char p[GLOB_PATH_MAX + 256];

	snprintf(p, sizeof p, "%s/%s", dir, rel);
	return mkdir(p, 0755);
}

static int ln(const char *target, const char *rel)
{
	char p[GLOB_PATH_MAX + 256];

	snprintf(p, sizeof p, "%s/%s", dir, rel);
	return symlink(target, p);
}

/* The tree every test starts from:
 *   a.log ("hello\n")  b.log  ab.log  x.log  c.txt  .hidden.log  q*x.log  qax.log
 *   fifo.log (FIFO)  dir.log/  sym.log -> a.log  dangling.log -> nowhere
 *   logs/app1/{access,error}.log  logs/app2/access.log  logs/.git/access.log
 *   logs/link -> app1  logs/file.log  logs/deep/{x,y}/access.log */
static int setup(void)
{
	char p[GLOB_PATH_MAX];

	strcpy(dir, "/tmp/kagent-glob-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	dirlen = strlen(dir);
	ngot = ngotdir = stop_after = 0;
	snprintf(p, sizeof p, "%s/fifo.log", dir);
	return mk("a.log", "hello\n") | mk("b.log", "") | mk("ab.log", "") | mk("x.log", "") |
	       mk("c.txt", "") | mk(".hidden.log", "") | mk("q*x.log", "") | mk("qax.log", "") |
	       mkfifo(p, 0644) | mkd("dir.log") | ln("a.log", "sym.log") | ln("nowhere", "dangling.log") |
	       mkd("logs") | mkd("logs/app1") | mkd("logs/app2") | mkd("logs/.git") | mkd("logs/deep") |
	       mkd("logs/deep/x") | mkd("logs/deep/y") | mk("logs/app1/access.log", "") |
	       mk("logs/app1/error.log", "") | mk("logs/app2/access.log", "") |
	       mk("logs/.git/access.log", "") | ln("app1", "logs/link") | mk("logs/file.log", "") |
	       mk("logs/deep/x/access.log", "") | mk("logs/deep/y/access.log", "");
}

static int rm(const char *path, const struct stat *st, int flag, struct FTW *f)
{
	(void)st, (void)flag, (void)f;
	return remove(path);
}

static void cleanup(void)
{
	if (nftw(dir, rm, 16, FTW_DEPTH | FTW_PHYS) < 0 || access(dir, F_OK) == 0)
		t_fail(__FILE__, __LINE__, "%s: not removed", dir);
}

#define TG(name) \
	static void name##_body(void); \
	T(name) { if (setup() < 0) { t_fail(__FILE__, __LINE__, "setup"); return; } \
		  name##_body(); cleanup(); } \
	static void name##_body(void)

static int on_file(void *ctx, const char *path, const struct stat *st)
{
	(void)ctx;
	if (ngot < MAXGOT) {
		snprintf(got[ngot], sizeof got[ngot], "%s", path);
		gotino[ngot] = st->st_ino;
	}
	ngot++;
	return ngot == stop_after;
}

static void on_dir(void *ctx, const char *d)
{
	(void)ctx;
	if (ngotdir < MAXGOT)
		snprintf(gotdir[ngotdir], sizeof gotdir[ngotdir], "%s", d);
	ngotdir++;
}

static int cmp(const void *a, const void *b) { return strcmp(a, b); }

/* The n paths in v, sorted, each relative to dir ("." for dir itself; as it
 * is if not under dir), joined by spaces. */
static const char *joined(char (*v)[GLOB_PATH_MAX], int n)
{
	size_t len = 0;

	if (n > MAXGOT)
		return "(too many)";
	qsort(v, (size_t)n, sizeof *v, cmp);
	out[0] = 0;
	for (int i = 0; i < n; i++) {
		const char *p = v[i];
		if (!strncmp(p, dir, dirlen) && (p[dirlen] == '/' || !p[dirlen]))
			p = p[dirlen] ? p + dirlen + 1 : ".";
		len += (size_t)snprintf(out + len, sizeof out - len, "%s%s", i ? " " : "", p);
	}
	return out;
}

static int ret, err;

/* Walks dir/rel; the matches as joined() puts them; ret and err are what
 * glob_walk returned and errno. */
static const char *walk(const char *rel)
{
	char pat[GLOB_PATH_MAX + 256];

	ngot = ngotdir = 0;
	snprintf(pat, sizeof pat, "%s/%s", dir, rel);
	errno = 0;
	ret = glob_walk(pat, on_file, on_dir, NULL);
	err = errno;
	return joined(got, ngot);
}

static const char *dirs(void) { return joined(gotdir, ngotdir); }

TG(glob_literal_path)
{
	T_EQ_STR(walk("a.log"), "a.log");
	T_EQ_INT(ret, 1);
	T_EQ_STR(dirs(), ".");
	T_EQ_STR(walk("logs/app1/error.log"), "logs/app1/error.log");
	T_EQ_STR(dirs(), "logs/app1");
	/* absent: nothing, and no error; its directory is still watched */
	T_EQ_STR(walk("nope.log"), "");
	T_EQ_INT(ret, 0);
	T_EQ_STR(dirs(), ".");
	T_EQ_STR(walk("nodir/x.log"), "");
	T_EQ_INT(ret, 0);
	T_EQ_STR(dirs(), "");
	T_EQ_STR(walk("a.log/x.log"), "");	/* a file on the way */
	T_EQ_INT(ret, 0);
	T_EQ_STR(dirs(), "");
	/* a symbolic link in a name without wildcards is followed */
	T_EQ_STR(walk("logs/link/*.log"), "logs/link/access.log logs/link/error.log");
	T_EQ_STR(dirs(), "logs/link");
	/* escapes are undone in the path looked up */
	T_EQ_STR(walk("q\\*x.log"), "q*x.log");
	T_EQ_STR(walk("q[*]x.log"), "q*x.log");
	T_EQ_STR(walk("q?x.log"), "q*x.log qax.log");
	/* empty names are ignored */
	T_EQ_STR(walk("/logs//app1/*.log"), "logs/app1/access.log logs/app1/error.log");
}

TG(glob_single_slashes_reported)
{
	char want[GLOB_PATH_MAX];

	walk("/logs//app2/access.log");
	T_EQ_INT(ngot, 1);
	snprintf(want, sizeof want, "%s/logs/app2/access.log", dir);
	T_EQ_STR(got[0], want);
}

TG(glob_star_question_bracket)
{
	/* no .hidden.log, dir.log (a directory), dangling.log (nothing behind it) */
	T_EQ_STR(walk("*.log"), "a.log ab.log b.log fifo.log q*x.log qax.log sym.log x.log");
	T_EQ_INT(ret, 8);
	T_EQ_STR(dirs(), ".");
	T_EQ_STR(walk("?.log"), "a.log b.log x.log");
	T_EQ_STR(walk("[a-c].log"), "a.log b.log");
	T_EQ_STR(walk("[!a].log"), "b.log x.log");
	T_EQ_STR(walk("[^ab].log"), "x.log");
	T_EQ_STR(walk("*.txt"), "c.txt");
	T_EQ_STR(walk("*.none"), "");
	T_EQ_INT(ret, 0);
	T_EQ_STR(dirs(), ".");
	T_EQ_STR(walk("*"), "a.log ab.log b.log c.txt fifo.log q*x.log qax.log sym.log x.log");
}

TG(glob_wildcard_directories)
{
	/* not .git (hidden), link (a link to a directory), file.log (a file);
	 * deep has no access.log but is looked in */
	T_EQ_STR(walk("logs/*/access.log"), "logs/app1/access.log logs/app2/access.log");
	T_EQ_INT(ret, 2);
	T_EQ_STR(dirs(), "logs/app1 logs/app2 logs/deep");
	T_EQ_STR(walk("logs/app?/*.log"), "logs/app1/access.log logs/app1/error.log logs/app2/access.log");
	T_EQ_STR(dirs(), "logs/app1 logs/app2");
	T_EQ_STR(walk("logs/*/*/access.log"), "logs/deep/x/access.log logs/deep/y/access.log");
	T_EQ_STR(dirs(), "logs/deep/x logs/deep/y");
	T_EQ_STR(walk("*/*/*/*"), "logs/deep/x/access.log logs/deep/y/access.log");
	T_EQ_STR(dirs(), "logs/deep/x logs/deep/y");
	T_EQ_STR(walk("*/app1/error.log"), "logs/app1/error.log");
	T_EQ_STR(dirs(), "logs/app1");
	T_EQ_STR(walk("nodir/*/x.log"), "");
	T_EQ_INT(ret, 0);
	T_EQ_STR(dirs(), "");
}

TG(glob_root_listed)
{
	struct stat st;
	char pat[GLOB_PATH_MAX], want[GLOB_PATH_MAX];

	/* a wildcard in the first name lists "/" */
	T_TRUE(lstat("/tmp", &st) == 0 && S_ISDIR(st.st_mode));
	snprintf(pat, sizeof pat, "/t?p%s/a.log", dir + 4);
	snprintf(want, sizeof want, "%s/a.log", dir);
	T_EQ_INT(glob_walk(pat, on_file, NULL, NULL), 1);
	T_EQ_STR(got[0], want);
}

TG(glob_dotfiles)
{
	T_EQ_STR(walk(".*.log"), ".hidden.log");
	T_EQ_STR(walk(".*"), ".hidden.log");
	T_EQ_STR(walk("logs/.*/access.log"), "logs/.git/access.log");
	T_EQ_STR(dirs(), "logs/.git");
	T_EQ_STR(walk("logs/.git/*"), "logs/.git/access.log");
	/* "." and ".." are never matched: logs/app1/../app1/access.log exists */
	T_EQ_STR(walk("logs/app1/.*/app1/access.log"), "");
	T_EQ_STR(dirs(), "");
	T_EQ_STR(walk("logs/app1/.?/app1/access.log"), "");
	/* written out, they are path names like any other */
	T_EQ_STR(walk("logs/app1/../app2/*"), "logs/app1/../app2/access.log");
}

TG(glob_file_kinds)
{
	struct stat st;

	T_EQ_STR(walk("fifo.*"), "fifo.log");
	T_EQ_STR(walk("fifo.log"), "fifo.log");
	T_EQ_STR(walk("dir.*"), "");
	T_EQ_STR(walk("dir.log"), "");
	T_EQ_INT(ret, 0);
	T_EQ_STR(walk("dangling.*"), "");
	T_EQ_INT(ret, 0);
	/* a link to a file matches; st describes the file */
	T_EQ_STR(walk("sym.*"), "sym.log");
	T_TRUE(stat(got[0], &st) == 0);
	T_EQ_INT(gotino[0], st.st_ino);
	T_TRUE(lstat(got[0], &st) == 0 && S_ISLNK(st.st_mode));
	T_TRUE(gotino[0] != st.st_ino);
	T_EQ_STR(walk("sym.log"), "sym.log");
	T_TRUE(stat(got[0], &st) == 0);
	T_EQ_INT(gotino[0], st.st_ino);
}

TG(glob_many_entries)
{
	static char want[NBIG][GLOB_PATH_MAX];
	char name[256];

	T_EQ_INT(mkd("big"), 0);
	for (int i = 0; i < NBIG; i++) {
		snprintf(name, sizeof name, "big/f%03d-%0200d.log", i, i);
		T_EQ_INT(mk(name, ""), 0);
		snprintf(want[i], sizeof want[i], "%s/%s", dir, name);
	}
	T_EQ_INT(mk("big/other.txt", ""), 0);
	walk("big/*.log");
	T_EQ_INT(ret, NBIG);
	T_EQ_INT(ngot, NBIG);
	T_EQ_STR(dirs(), "big");
	qsort(got, NBIG, sizeof *got, cmp);
	for (int i = 0; i < NBIG; i++)
		T_EQ_STR(got[i], want[i]);
	/* and one of them through a wildcard directory after a long listing */
	T_EQ_STR(walk("b*/f499-*"), want[499] + dirlen + 1);
}

TG(glob_stop)
{
	stop_after = 1;
	walk("*.log");
	T_EQ_INT(ret, 1);
	T_EQ_INT(ngot, 1);
	stop_after = 2;
	walk("logs/*/*.log");
	T_EQ_INT(ret, 2);
	T_EQ_INT(ngot, 2);
	stop_after = 1;
	walk("logs/*/*/access.log");
	T_EQ_INT(ret, 1);
	T_EQ_INT(ngot, 1);
	T_EQ_INT(ngotdir, 1);	/* the second directory is not looked in */
}

TG(glob_errors)
{
	char name[256], rel[2 * GLOB_PATH_MAX];

	/* a match longer than GLOB_PATH_MAX - 1 is skipped, said once in the
	 * return, the others are still reported */
	T_EQ_INT(mkd("long"), 0);
	T_EQ_INT(mk("long/short.log", ""), 0);
	memset(name, 'n', 250);
	name[250] = 0;
	snprintf(rel, sizeof rel, "long/%s", name);
	T_EQ_INT(mkd(rel), 0);
	snprintf(rel, sizeof rel, "long/%s/%s", name, name);
	T_EQ_INT(mk(rel, ""), 0);
	T_EQ_STR(walk("long/*"), "long/short.log");
	T_EQ_INT(ret, 1);
	/* the directory's path fits, and only a name that matches counts */
	T_EQ_STR(walk("long/*/*.txt"), "");
	T_EQ_INT(ret, 0);
	T_EQ_STR(walk("long/*/n*"), "");
	T_EQ_INT(ret, -1);
	T_EQ_INT(err, ENAMETOOLONG);
	snprintf(rel, sizeof rel, "long/%s", name);
	T_EQ_STR(dirs(), rel);
	/* a link loop behind a matching name */
	T_EQ_INT(ln("loop.log", "loop.log"), 0);
	T_EQ_STR(walk("*.log"), "a.log ab.log b.log fifo.log q*x.log qax.log sym.log x.log");
	T_EQ_INT(ret, -1);
	T_EQ_INT(err, ELOOP);
	T_EQ_STR(walk("loop.log"), "");
	T_EQ_INT(ret, -1);
	T_EQ_INT(err, ELOOP);
	/* no permission: root has it anyway */
	if (geteuid() != 0) {
		T_EQ_INT(chmod(dir, 0300), 0);
		T_EQ_STR(walk("*.log"), "");
		T_EQ_INT(ret, -1);
		T_EQ_INT(err, EACCES);
		T_EQ_INT(chmod(dir, 0700), 0);
	}
	/* an unusable pattern */
	errno = 0;
	T_EQ_INT(glob_walk("rel/*.log", on_file, on_dir, NULL), -1);
	T_EQ_INT(errno, EINVAL);
}

T(glob_check_messages)
{
	char p[700];

	T_EQ_STR(glob_check("/var/log/*.log"), "");
	T_EQ_STR(glob_check("/var/log/app.log"), "");
	T_EQ_STR(glob_check("/var//log/[a-c]?\\*.log"), "");
	T_EQ_STR(glob_check("/x/[]]/[!]]/[^a]/[[:digit:]]/y"), "");
	T_EQ_STR(glob_check("/x/[[.].]][[=a=]]"), "");
	T_EQ_STR(glob_check(""), "empty");
	T_EQ_STR(glob_check("var/log/*.log"), "not an absolute path");
	T_EQ_STR(glob_check("*.log"), "not an absolute path");
	T_EQ_STR(glob_check("/var/log/"), "ends in '/' (names a directory, not files)");
	T_EQ_STR(glob_check("/"), "ends in '/' (names a directory, not files)");
	T_EQ_STR(glob_check("/var/log/[a-c.log"), "'[' without a closing ']'");
	T_EQ_STR(glob_check("/var/log/[]"), "'[' without a closing ']'");
	T_EQ_STR(glob_check("/var/log/[!]"), "'[' without a closing ']'");
	T_EQ_STR(glob_check("/var/[a/]/x"), "'[' without a closing ']'");
	T_EQ_STR(glob_check("/var/[[:digit]/x"), "'[' without a closing ']'");
	T_EQ_STR(glob_check("/var/\\[a/x"), "");	/* escaped: a plain '[' */
	T_EQ_STR(glob_check("/var/log\\"), "'\\' at the end of a name (it escapes the next character)");
	T_EQ_STR(glob_check("/var/a\\/b"), "'\\' at the end of a name (it escapes the next character)");
	T_EQ_STR(glob_check("/a/*/*/*/*/x.log"), "");
	T_EQ_STR(glob_check("/a/*/*/*/*/*.log"), "");
	T_EQ_STR(glob_check("/a/*/*/*/*/*/x.log"), "wildcards in more than 4 directory names");
	T_EQ_STR(glob_check("/a/*/b/?/c/[x]/d/\\*/e/*/x.log"), "");	/* \* is no wildcard */
	memset(p, 'a', sizeof p);
	p[0] = '/';
	p[256] = 0;
	T_EQ_STR(glob_check(p), "");	/* a name of 255 bytes */
	p[256] = 'a';
	p[257] = 0;
	T_EQ_STR(glob_check(p), "a name is longer than 255 bytes");
	memset(p, 'a', sizeof p);
	for (int i = 0; i < 600; i += 100)
		p[i] = '/';
	p[511] = 0;
	T_EQ_STR(glob_check(p), "");	/* 511 bytes */
	p[511] = 'a';
	p[512] = 0;
	T_EQ_STR(glob_check(p), "longer than 511 bytes");
}

T(glob_literal_cases)
{
	T_EQ_INT(glob_literal("/var/log/app.log"), 1);
	T_EQ_INT(glob_literal("/var/log/*.log"), 0);
	T_EQ_INT(glob_literal("/var/log/app?.log"), 0);
	T_EQ_INT(glob_literal("/var/log/app[12].log"), 0);
	T_EQ_INT(glob_literal("/var/*/app.log"), 0);
	T_EQ_INT(glob_literal("/var/log/app\\1.log"), 0);	/* the path is not the pattern */
}

T(glob_match_cases)
{
	T_EQ_INT(glob_match("/var/log/*.log", "/var/log/app.log"), 1);
	T_EQ_INT(glob_match("/var/log/*.log", "/var/log/.app.log"), 0);
	T_EQ_INT(glob_match("/var/log/.*.log", "/var/log/.app.log"), 1);
	T_EQ_INT(glob_match("/var/log/*.log", "/var/log/sub/app.log"), 0);
	T_EQ_INT(glob_match("/var/log/*", "/var/log"), 0);
	T_EQ_INT(glob_match("/var/log/*.log", "/var/log/app.log.1"), 0);
	T_EQ_INT(glob_match("/var/log/app.log", "/var/log/app.log"), 1);
	T_EQ_INT(glob_match("/var/log/app.log", "/var/log/app.lo"), 0);
	T_EQ_INT(glob_match("/var/log/app.log", "/var/log/app.log/x"), 0);
	T_EQ_INT(glob_match("/var/*/access.log", "/var/nginx/access.log"), 1);
	T_EQ_INT(glob_match("/var/*/access.log", "/var/.git/access.log"), 0);
	T_EQ_INT(glob_match("/var/*/*/a.log", "/var/x/y/a.log"), 1);
	T_EQ_INT(glob_match("/var/*/*/a.log", "/var/x/a.log"), 0);
	T_EQ_INT(glob_match("/var/log/?.log", "/var/log/a.log"), 1);
	T_EQ_INT(glob_match("/var/log/?.log", "/var/log/ab.log"), 0);
	T_EQ_INT(glob_match("/var/log/[a-c].log", "/var/log/b.log"), 1);
	T_EQ_INT(glob_match("/var/log/[a-c].log", "/var/log/d.log"), 0);
	T_EQ_INT(glob_match("/var/log/[!x].log", "/var/log/x.log"), 0);
	T_EQ_INT(glob_match("/var/log/[!x].log", "/var/log/y.log"), 1);
	T_EQ_INT(glob_match("/var/log/q\\*x", "/var/log/q*x"), 1);
	T_EQ_INT(glob_match("/var/log/q\\*x", "/var/log/qax"), 0);
	T_EQ_INT(glob_match("/var/log/\\.x", "/var/log/.x"), 1);	/* as the walk's lookup */
	T_EQ_INT(glob_match("/var/log/.*/x", "/var/log/../x"), 0);
	T_EQ_INT(glob_match("/var/log/.*/x", "/var/log/./x"), 0);
	T_EQ_INT(glob_match("/var/log/../x", "/var/log/../x"), 1);
	T_EQ_INT(glob_match("/var//log/*.log", "/var/log/a.log"), 1);
	T_EQ_INT(glob_match("/var/log/*.log", "/var//log//a.log"), 1);
	T_EQ_INT(glob_match("/var/log/*.log", "var/log/a.log"), 0);
	T_EQ_INT(glob_match("var/log/*.log", "var/log/a.log"), 0);	/* not usable */
	T_EQ_INT(glob_match("/var/log/[a.log", "/var/log/[a.log"), 0);	/* not usable */
	T_EQ_INT(glob_match("/*", "/a"), 1);
}
