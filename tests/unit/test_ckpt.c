/* The checkpoint file: its exact text, the round trip, version 1 files still
 * read, entries known by (device, inode), forgetting what no one follows or
 * sees, the full table, every kind of damage read as "no checkpoint" with a
 * warning, and the rate limit.  Each test works in its own mkdtemp directory
 * and removes it. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include "errstr.h"
#include "t.h"
#include "ckpt.h"

#define MAGIC "kagent-checkpoint 2\n"
#define MAGIC1 "kagent-checkpoint 1\n"
#define FP(l, h) (&(struct fprint){ .hash = (h), .len = (l) })
#define NOFP FP(0, 0)

static char dir[64], file[128], missing[128];
static struct ckpt ck, ck2;

static void setup(void)
{
	strcpy(dir, "/tmp/kagent-ckpt-XXXXXX");
	if (!mkdtemp(dir))
		dir[0] = 0;
	snprintf(file, sizeof file, "%s/ckpt", dir);
	snprintf(missing, sizeof missing, "%s/sub/ckpt", dir);
}

static void cleanup(void)
{
	char p[160];

	unlink(file);
	snprintf(p, sizeof p, "%s.tmp", file);
	unlink(p);
	unlink(missing);
	snprintf(p, sizeof p, "%s.tmp", missing);
	unlink(p);
	snprintf(p, sizeof p, "%s/sub", dir);
	rmdir(p);
	if (rmdir(dir) < 0)
		t_fail(__FILE__, __LINE__, "%s: left over files", dir);
}

#define TD(name) \
	static void name##_body(void); \
	T(name) { setup(); T_TRUE(dir[0]); name##_body(); cleanup(); } \
	static void name##_body(void)

static int write_file(const char *path, const char *s, size_t n)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd < 0)
		return -1;
	if (write(fd, s, n) != (ssize_t)n) {
		close(fd);
		return -1;
	}
	return close(fd);
}

static char text[256 * 1024];

static const char *read_text(const char *path)
{
	if (t_readfile(path, text, sizeof text) < 0)
		strcpy(text, "(absent)");
	return text;
}

static const char *load_logged(struct ckpt *c, int64_t interval, int64_t now)
{
	t_capture_begin();
	ckpt_load(c, file, interval, now);
	return t_capture_end();
}

static const char *load_logged_from(struct ckpt *c, const char *path)
{
	t_capture_begin();
	ckpt_load(c, path, 0, 0);
	return t_capture_end();
}

static const char *save_logged(struct ckpt *c, int64_t now, int force, int *ret)
{
	t_capture_begin();
	*ret = ckpt_save(c, now, force);
	return t_capture_end();
}

static const char *set_logged(struct ckpt *c, const char *path, dev_t dev, ino_t ino, const struct fprint *fp,
    off_t off)
{
	t_capture_begin();
	ckpt_set(c, path, dev, ino, fp, off);
	return t_capture_end();
}

static char long_path[CKPT_PATH_MAX], too_long[CKPT_PATH_MAX + 1];

/* '/' then 'p's: CKPT_PATH_MAX - 1 bytes (the longest kept), and one more. */
static void make_long_paths(void)
{
	long_path[0] = too_long[0] = '/';
	memset(long_path + 1, 'p', CKPT_PATH_MAX - 2);
	long_path[CKPT_PATH_MAX - 1] = 0;
	memset(too_long + 1, 'q', CKPT_PATH_MAX - 1);
	too_long[CKPT_PATH_MAX] = 0;
}

TD(ckpt_round_trip)
{
	const struct ckpt_ent *e;
	int ret;

	/* no file yet: normal, silent */
	T_EQ_STR(load_logged(&ck, 1000, 0), "");
	T_EQ_INT(ck.n, 0);
	T_TRUE(ckpt_find(&ck, 2049, 131) == NULL);
	make_long_paths();
	ckpt_set(&ck, "/var/log/messages", 2049, 131, FP(1024, 0x00ab00000000cdefULL), 1234);
	ckpt_set(&ck, "/var/log/my app/with  spaces.log ", (dev_t)-1, (ino_t)4294967297ULL,
		 FP(4294967295u, UINT64_MAX), (off_t)5000000000LL);
	ckpt_set(&ck, "/x", 0, 0, NOFP, 0);
	ckpt_set(&ck, long_path, 1, 2, FP(1, 1), 3);
	T_EQ_INT(ck.n, 4);
	T_EQ_STR(save_logged(&ck, 10000, 0, &ret), "");
	T_EQ_INT(ret, 0);
	T_EQ_INT(ck.dirty, 0);
	static char want[2048];
	snprintf(want, sizeof want, "%s%s%s",
		 MAGIC "2049 131 1024 00ab00000000cdef 1234 /var/log/messages\n"
		 "18446744073709551615 4294967297 4294967295 ffffffffffffffff 5000000000 "
		 "/var/log/my app/with  spaces.log \n"
		 "0 0 0 0000000000000000 0 /x\n"
		 "1 2 1 0000000000000001 3 ", long_path, "\nend 4\n");
	T_EQ_INT(strlen(want), 20 + 54 + 105 + 28 + 25 + 511 + 7);
	T_EQ_STR(read_text(file), want);
	T_EQ_STR(read_text(missing), "(absent)");
	char tmp[160];
	snprintf(tmp, sizeof tmp, "%s.tmp", file);
	T_TRUE(access(tmp, F_OK) < 0);	/* renamed away */

	T_EQ_STR(load_logged(&ck2, 1000, 77), "");
	T_EQ_INT(ck2.n, 4);
	T_EQ_INT(ck2.dirty, 0);
	T_TRUE((e = ckpt_find(&ck2, 2049, 131)) == &ck2.ent[0]);
	T_EQ_STR(e->path, "/var/log/messages");
	T_EQ_INT(e->fp.len, 1024);
	T_TRUE(e->fp.hash == 0x00ab00000000cdefULL);
	T_EQ_INT(e->off, 1234);
	T_EQ_INT(e->live, 0);	/* until a flow follows it again */
	T_EQ_INT(e->seen, 77);
	T_TRUE((e = ckpt_find(&ck2, (dev_t)-1, (ino_t)4294967297ULL)) == &ck2.ent[1]);
	T_EQ_STR(e->path, "/var/log/my app/with  spaces.log ");
	T_TRUE(e->fp.len == 4294967295u);
	T_TRUE(e->fp.hash == UINT64_MAX);
	T_TRUE(e->off == (off_t)5000000000LL);
	T_TRUE((e = ckpt_find(&ck2, 0, 0)) == &ck2.ent[2]);
	T_EQ_STR(e->path, "/x");
	T_EQ_INT(e->fp.len, 0);
	T_TRUE(e->fp.hash == 0);
	T_EQ_INT(e->off, 0);
	T_TRUE((e = ckpt_find(&ck2, 1, 2)) == &ck2.ent[3]);
	T_EQ_STR(e->path, long_path);
	T_EQ_INT(e->fp.len, 1);
	T_TRUE(e->fp.hash == 1);
	T_EQ_INT(e->off, 3);
	/* both halves of the key count */
	T_TRUE(ckpt_find(&ck2, 2049, 132) == NULL);
	T_TRUE(ckpt_find(&ck2, 2050, 131) == NULL);
	T_TRUE(ckpt_find(&ck2, 2, 1) == NULL);
	T_TRUE(ckpt_find(&ck2, (dev_t)-1, 1) == NULL);
}

/* The hash is 16 lowercase hex digits, leading zeros kept; the length is
 * decimal.  A change of fingerprint alone is a change to save. */
TD(ckpt_fingerprint_text)
{
	const struct ckpt_ent *e;

	ckpt_load(&ck, file, 0, 0);
	ckpt_set(&ck, "/a", 1, 1, FP(1024, 0x00ab000000000001ULL), 5);
	ckpt_set(&ck, "/b", 1, 2, FP(1024, 0xfULL), 0);
	ckpt_set(&ck, "/c", 1, 3, FP(7, 0xfedcba9876543210ULL), 0);
	ckpt_set(&ck, "/d", 1, 4, FP(0, 0), 0);
	ckpt_set(&ck, "/e", 1, 5, FP(1024, 0x1000000000000000ULL), 0);
	T_EQ_INT(ckpt_save(&ck, 0, 1), 0);
	T_EQ_STR(read_text(file), MAGIC "1 1 1024 00ab000000000001 5 /a\n"
		 "1 2 1024 000000000000000f 0 /b\n"
		 "1 3 7 fedcba9876543210 0 /c\n"
		 "1 4 0 0000000000000000 0 /d\n"
		 "1 5 1024 1000000000000000 0 /e\nend 5\n");
	T_EQ_STR(load_logged(&ck2, 0, 0), "");
	T_EQ_INT(ck2.n, 5);
	T_TRUE((e = ckpt_find(&ck2, 1, 1)) && e->fp.hash == 0x00ab000000000001ULL && e->fp.len == 1024);
	T_TRUE((e = ckpt_find(&ck2, 1, 2)) && e->fp.hash == 0xfULL && e->fp.len == 1024);
	T_TRUE((e = ckpt_find(&ck2, 1, 3)) && e->fp.hash == 0xfedcba9876543210ULL && e->fp.len == 7);
	T_TRUE((e = ckpt_find(&ck2, 1, 5)) && e->fp.hash == 0x1000000000000000ULL && e->fp.len == 1024);
	/* same offset and path, another hash: dirty */
	ckpt_set(&ck, "/a", 1, 1, FP(1024, 0x00ab000000000002ULL), 5);
	T_EQ_INT(ck.dirty, 1);
	T_EQ_INT(ckpt_save(&ck, 0, 1), 0);
	/* same hash, another length: dirty */
	ckpt_set(&ck, "/a", 1, 1, FP(512, 0x00ab000000000002ULL), 5);
	T_EQ_INT(ck.dirty, 1);
	T_EQ_INT(ckpt_save(&ck, 0, 1), 0);
	T_EQ_STR(read_text(file), MAGIC "1 1 512 00ab000000000002 5 /a\n"
		 "1 2 1024 000000000000000f 0 /b\n"
		 "1 3 7 fedcba9876543210 0 /c\n"
		 "1 4 0 0000000000000000 0 /d\n"
		 "1 5 1024 1000000000000000 0 /e\nend 5\n");
	/* all the same: not dirty */
	ckpt_set(&ck, "/a", 1, 1, FP(512, 0x00ab000000000002ULL), 5);
	T_EQ_INT(ck.dirty, 0);
}

/* A version 1 file is read (no fingerprint: length 0) and, at the next save
 * that has something to write, replaced by a version 2 one. */
TD(ckpt_reads_version_1)
{
	static const char v1[] = MAGIC1 "2049 131 1234 /var/log/messages\n"
				 "18446744073709551615 4294967297 5000000000 /var/log/my app/with  spaces.log \n"
				 "0 0 0 /x\nend 3\n";
	const struct ckpt_ent *e;
	int ret;

	T_EQ_INT(write_file(file, v1, sizeof v1 - 1), 0);
	T_EQ_STR(load_logged(&ck, 1000, 42), "");
	T_EQ_INT(ck.n, 3);
	T_EQ_INT(ck.dirty, 0);
	T_TRUE((e = ckpt_find(&ck, 2049, 131)) == &ck.ent[0]);
	T_EQ_STR(e->path, "/var/log/messages");
	T_EQ_INT(e->off, 1234);
	T_EQ_INT(e->fp.len, 0);
	T_TRUE(e->fp.hash == 0);
	T_EQ_INT(e->live, 0);
	T_EQ_INT(e->seen, 42);
	T_TRUE((e = ckpt_find(&ck, (dev_t)-1, (ino_t)4294967297ULL)) == &ck.ent[1]);
	T_EQ_STR(e->path, "/var/log/my app/with  spaces.log ");
	T_TRUE(e->off == (off_t)5000000000LL);
	T_EQ_INT(e->fp.len, 0);
	T_TRUE(e->fp.hash == 0);
	T_TRUE((e = ckpt_find(&ck, 0, 0)) == &ck.ent[2]);
	T_EQ_STR(e->path, "/x");
	T_EQ_INT(e->off, 0);
	/* nothing changed: left as it is, even forced */
	T_EQ_STR(save_logged(&ck, 5000, 1, &ret), "");
	T_EQ_INT(ret, 0);
	T_EQ_STR(read_text(file), v1);
	/* following one of them again with its fingerprint known now */
	ckpt_set(&ck, "/var/log/messages", 2049, 131, FP(1024, 0xabcdef), 1300);
	ckpt_set(&ck, "/var/log/new", 2049, 132, FP(20, 0x1234), 0);
	T_EQ_STR(save_logged(&ck, 5000, 1, &ret), "");
	T_EQ_INT(ret, 0);
	T_EQ_STR(read_text(file), MAGIC "2049 131 1024 0000000000abcdef 1300 /var/log/messages\n"
		 "18446744073709551615 4294967297 0 0000000000000000 5000000000 /var/log/my app/with  spaces.log \n"
		 "0 0 0 0000000000000000 0 /x\n"
		 "2049 132 20 0000000000001234 0 /var/log/new\nend 4\n");
	T_EQ_STR(load_logged(&ck2, 1000, 43), "");
	T_EQ_INT(ck2.n, 4);
	T_TRUE((e = ckpt_find(&ck2, (dev_t)-1, (ino_t)4294967297ULL)) != NULL);
	T_EQ_INT(e->fp.len, 0);
	T_TRUE((e = ckpt_find(&ck2, 2049, 131)) != NULL);
	T_EQ_INT(e->fp.len, 1024);
	T_TRUE(e->fp.hash == 0xabcdef);
	T_EQ_INT(e->off, 1300);
}

/* An entry is a file, not a name: a rename updates its path; a new file at
 * the old name, or the same inode number on another device, is another. */
TD(ckpt_keyed_by_inode)
{
	const struct ckpt_ent *e;

	ckpt_load(&ck, file, 0, 0);
	ckpt_set(&ck, "/var/log/app.log", 1, 2, FP(16, 0xa), 100);
	T_EQ_INT(ckpt_save(&ck, 0, 1), 0);
	T_EQ_INT(ck.dirty, 0);
	/* rotated by rename: the same file */
	ckpt_set(&ck, "/var/log/app.log.1", 1, 2, FP(16, 0xa), 100);
	T_EQ_INT(ck.n, 1);
	T_EQ_INT(ck.dirty, 1);
	T_TRUE((e = ckpt_find(&ck, 1, 2)) == &ck.ent[0]);
	T_EQ_STR(e->path, "/var/log/app.log.1");
	T_EQ_INT(e->off, 100);
	/* and a new one where it was */
	ckpt_set(&ck, "/var/log/app.log", 1, 3, NOFP, 0);
	T_EQ_INT(ck.n, 2);
	ckpt_set(&ck, "/var/log/app.log", 2, 2, FP(16, 0xb), 7);
	T_EQ_INT(ck.n, 3);
	ckpt_set(&ck, "/var/log/app.log.1", 1, 2, FP(16, 0xa), 150);	/* further on */
	T_EQ_INT(ck.n, 3);
	T_TRUE((e = ckpt_find(&ck, 1, 3)) == &ck.ent[1]);
	T_EQ_STR(e->path, "/var/log/app.log");
	T_TRUE((e = ckpt_find(&ck, 2, 2)) == &ck.ent[2]);
	T_EQ_STR(e->path, "/var/log/app.log");
	T_EQ_INT(e->off, 7);
	T_TRUE(ckpt_find(&ck, 2, 3) == NULL);
	T_EQ_INT(ckpt_save(&ck, 0, 1), 0);
	T_EQ_STR(read_text(file), MAGIC "1 2 16 000000000000000a 150 /var/log/app.log.1\n"
		 "1 3 0 0000000000000000 0 /var/log/app.log\n"
		 "2 2 16 000000000000000b 7 /var/log/app.log\nend 3\n");
}

TD(ckpt_set_updates)
{
	const struct ckpt_ent *e;

	ckpt_load(&ck, file, 0, 0);
	ckpt_set(&ck, "/a", 1, 2, FP(8, 1), 3);
	ckpt_set(&ck, "/b", 1, 5, FP(8, 2), 6);
	T_EQ_INT(ck.ent[0].live, 1);
	T_EQ_INT(ck.ent[1].live, 1);
	ckpt_set(&ck, "/a", 1, 2, FP(8, 1), 300);	/* same file, further on */
	ckpt_set(&ck, "/b", 1, 5, FP(8, 2), 0);	/* truncated */
	T_EQ_INT(ck.n, 2);
	T_EQ_INT(ckpt_save(&ck, 0, 1), 0);
	T_EQ_STR(read_text(file), MAGIC "1 2 8 0000000000000001 300 /a\n1 5 8 0000000000000002 0 /b\nend 2\n");
	/* too long a path is not kept (and does not make it dirty): not for a
	 * new file, nor as the new name of a known one */
	make_long_paths();
	ckpt_set(&ck, too_long, 1, 1, FP(8, 3), 1);
	T_EQ_INT(ck.n, 2);
	T_EQ_INT(ck.dirty, 0);
	ckpt_set(&ck, too_long, 1, 2, FP(8, 1), 400);
	T_EQ_INT(ck.n, 2);
	T_EQ_INT(ck.dirty, 0);
	T_TRUE((e = ckpt_find(&ck, 1, 2)) != NULL);
	T_EQ_STR(e->path, "/a");
	T_EQ_INT(e->off, 300);
	/* the longest that fits is kept */
	ckpt_set(&ck, long_path, 1, 1, FP(8, 3), 1);
	T_EQ_INT(ck.n, 3);
	T_EQ_INT(ck.dirty, 1);
	T_EQ_STR(ckpt_find(&ck, 1, 1)->path, long_path);
}

/* At most one save per interval; within the first interval after the load
 * (the process's start), one per interval / CKPT_EARLY_DIV, and the first
 * at once: a run killed after a fraction of a second still saves what it
 * delivered. */
TD(ckpt_rate_limit)
{
	char want[128];
	int ret;

	T_EQ_INT(CKPT_EARLY_DIV, 8);
	ckpt_load(&ck, file, 1000, 100000);
	T_EQ_INT(ckpt_due(&ck), INT64_MAX);	/* nothing to save */
	ckpt_set(&ck, "/a", 1, 2, FP(4, 0xc), 10);
	T_EQ_INT(ck.dirty, 1);
	T_EQ_INT(ckpt_due(&ck), 99125);
	T_EQ_INT(ckpt_save(&ck, 100000, 0), 0);
	T_EQ_STR(read_text(file), MAGIC "1 2 4 000000000000000c 10 /a\nend 1\n");
	T_EQ_INT(ckpt_due(&ck), INT64_MAX);
	/* the first interval: an eighth of it between saves */
	ckpt_set(&ck, "/a", 1, 2, FP(4, 0xc), 20);
	T_EQ_INT(ckpt_due(&ck), 100125);
	T_EQ_INT(ckpt_save(&ck, 100124, 0), 0);
	T_EQ_STR(read_text(file), MAGIC "1 2 4 000000000000000c 10 /a\nend 1\n");
	int writes = 1;
	for (int64_t t = 100125; t <= 101000; t += 125) {
		ckpt_set(&ck, "/a", 1, 2, FP(4, 0xc), t);
		T_EQ_INT(ckpt_due(&ck), t);
		T_EQ_INT(ckpt_save(&ck, t, 0), 0);
		snprintf(want, sizeof want, MAGIC "1 2 4 000000000000000c %lld /a\nend 1\n", (long long)t);
		T_EQ_STR(read_text(file), want);
		writes++;
	}
	T_EQ_INT(writes, CKPT_EARLY_DIV + 1);
	/* then the interval */
	ckpt_set(&ck, "/a", 1, 2, FP(4, 0xc), 30);
	T_EQ_INT(ckpt_due(&ck), 102000);
	T_EQ_INT(ckpt_save(&ck, 101125, 0), 0);
	T_EQ_INT(ckpt_save(&ck, 101999, 0), 0);
	T_EQ_STR(read_text(file), MAGIC "1 2 4 000000000000000c 101000 /a\nend 1\n");
	T_EQ_INT(ck.dirty, 1);
	T_EQ_INT(ckpt_save(&ck, 102000, 0), 0);
	T_EQ_STR(read_text(file), MAGIC "1 2 4 000000000000000c 30 /a\nend 1\n");
	ckpt_set(&ck, "/a", 1, 2, FP(4, 0xc), 31);
	T_EQ_INT(ckpt_due(&ck), 103000);
	/* force does not wait */
	ckpt_set(&ck, "/a", 1, 2, FP(4, 0xc), 32);
	T_EQ_INT(ckpt_save(&ck, 102001, 1), 0);
	T_EQ_STR(read_text(file), MAGIC "1 2 4 000000000000000c 32 /a\nend 1\n");
	T_EQ_INT(ck.saved_at, 102001);
	/* setting what is already there changes nothing */
	ckpt_set(&ck, "/a", 1, 2, FP(4, 0xc), 32);
	T_EQ_INT(ck.dirty, 0);
	T_EQ_INT(ckpt_due(&ck), INT64_MAX);
	/* nor do unfollowing, or a scan seeing it under the same name */
	ckpt_unfollow(&ck, 1, 2, 102002);
	ckpt_seen(&ck, ckpt_find(&ck, 1, 2), "/a", 102003);
	T_EQ_INT(ck.dirty, 0);
	T_EQ_INT(ckpt_due(&ck), INT64_MAX);
	/* nothing dirty: not written, even forced */
	T_EQ_INT(write_file(file, "sentinel", 8), 0);
	T_EQ_STR(save_logged(&ck, 200000, 1, &ret), "");
	T_EQ_INT(ret, 0);
	T_EQ_INT(ckpt_save(&ck, 200000, 0), 0);
	T_EQ_STR(read_text(file), "sentinel");
}

/* A directory that is not there: -1, one warning, retried after the
 * interval; "saved again" once it works. */
TD(ckpt_save_fails)
{
	char want[512];
	int ret;

	ckpt_load(&ck, missing, 1000, 0);
	ckpt_set(&ck, "/a", 1, 2, FP(4, 0xd), 3);
	snprintf(want, sizeof want, "kagent: warning: checkpoint %s: cannot save (will keep trying): "
		 "No such file or directory\n", missing);
	T_EQ_STR(save_logged(&ck, 5000, 0, &ret), want);
	T_EQ_INT(ret, -1);
	T_EQ_INT(ck.dirty, 1);
	T_EQ_INT(ckpt_due(&ck), 6000);
	T_EQ_STR(save_logged(&ck, 6000, 1, &ret), "");	/* said once */
	T_EQ_INT(ret, -1);
	snprintf(want, sizeof want, "%s/sub", dir);
	T_EQ_INT(mkdir(want, 0755), 0);
	snprintf(want, sizeof want, "kagent: checkpoint %s: saved again\n", missing);
	T_EQ_STR(save_logged(&ck, 7000, 0, &ret), want);
	T_EQ_INT(ret, 0);
	T_EQ_STR(read_text(missing), MAGIC "1 2 4 000000000000000d 3 /a\nend 1\n");
	ckpt_set(&ck, "/a", 1, 2, FP(4, 0xd), 4);
	T_EQ_STR(save_logged(&ck, 8000, 0, &ret), "");
	T_EQ_INT(ret, 0);
}

/* The temporary file's name is taken (a crash between its creation and
 * the rename, or someone who can write the directory): by a symbolic link
 * to another file, a dangling one, a hard link, a plain file.  None is
 * followed, written through or truncated; each is removed and the
 * checkpoint saved as always. */
TD(ckpt_temp_name_taken)
{
	char tmp[160], victim[160], absent[160];
	struct stat st;
	int ret;

	snprintf(tmp, sizeof tmp, "%s.tmp", file);
	snprintf(victim, sizeof victim, "%s/victim", dir);
	snprintf(absent, sizeof absent, "%s/created", dir);
	T_EQ_INT(write_file(victim, "precious\n", 9), 0);
	ckpt_load(&ck, file, 1000, 0);

	T_EQ_INT(symlink(victim, tmp), 0);
	ckpt_set(&ck, "/a", 1, 2, FP(4, 1), 10);
	T_EQ_STR(save_logged(&ck, 5000, 1, &ret), "");
	T_EQ_INT(ret, 0);
	T_EQ_STR(read_text(victim), "precious\n");
	T_EQ_STR(read_text(file), MAGIC "1 2 4 0000000000000001 10 /a\nend 1\n");
	T_TRUE(lstat(file, &st) == 0 && S_ISREG(st.st_mode) && st.st_nlink == 1);
	T_TRUE(lstat(tmp, &st) < 0);

	T_EQ_INT(symlink(absent, tmp), 0);	/* O_CREAT would make the file it names */
	ckpt_set(&ck, "/a", 1, 2, FP(4, 1), 20);
	T_EQ_INT(ckpt_save(&ck, 6000, 1), 0);
	T_TRUE(lstat(absent, &st) < 0);
	T_TRUE(lstat(file, &st) == 0 && S_ISREG(st.st_mode));
	T_EQ_STR(read_text(file), MAGIC "1 2 4 0000000000000001 20 /a\nend 1\n");

	T_EQ_INT(link(victim, tmp), 0);
	ckpt_set(&ck, "/a", 1, 2, FP(4, 1), 30);
	T_EQ_INT(ckpt_save(&ck, 7000, 1), 0);
	T_EQ_STR(read_text(victim), "precious\n");
	T_TRUE(stat(victim, &st) == 0 && st.st_nlink == 1);
	T_EQ_STR(read_text(file), MAGIC "1 2 4 0000000000000001 30 /a\nend 1\n");

	T_EQ_INT(write_file(tmp, "left by a crash", 15), 0);
	ckpt_set(&ck, "/a", 1, 2, FP(4, 1), 40);
	T_EQ_INT(ckpt_save(&ck, 8000, 1), 0);
	T_EQ_STR(read_text(file), MAGIC "1 2 4 0000000000000001 40 /a\nend 1\n");
	T_TRUE(lstat(tmp, &st) < 0);
	unlink(victim);
	unlink(absent);
}

/* The checkpoint file itself a symbolic link: not read, said; the next
 * save replaces it with a file. */
TD(ckpt_file_not_a_file)
{
	static const char good[] = MAGIC "1 2 4 0000000000000001 10 /a\nend 1\n";
	char other[160], want[512];

	snprintf(other, sizeof other, "%s/other", dir);
	T_EQ_INT(write_file(other, good, sizeof good - 1), 0);
	T_EQ_INT(symlink(other, file), 0);
	snprintf(want, sizeof want, "kagent: warning: checkpoint %s: a symbolic link: not read, "
		 "starting without it (a save replaces it with a file)\n", file);
	T_EQ_STR(load_logged(&ck, 0, 0), want);
	T_EQ_INT(ck.n, 0);
	ckpt_set(&ck, "/b", 1, 3, FP(4, 2), 5);
	T_EQ_INT(ckpt_save(&ck, 0, 1), 0);
	T_EQ_STR(read_text(other), good);
	struct stat st;
	T_TRUE(lstat(file, &st) == 0 && S_ISREG(st.st_mode));
	unlink(other);
}

/* A checkpointFile of CKPT_FILE_MAX bytes or more is refused, said at the
 * load and at the first save, and no file is touched.  (A name of 516 to
 * 4,095 bytes used to make the temporary name, cut to 519 bytes, name
 * another file: it was truncated, written and renamed away.) */
TD(ckpt_file_name_too_long)
{
	static char longdir[CKPT_FILE_MAX + 64], longfile[CKPT_FILE_MAX + 64], prefix[CKPT_FILE_MAX + 64];
	static char want[2048];
	size_t n;
	int ret;

	n = (size_t)snprintf(longdir, sizeof longdir, "%s/", dir);
	memset(longdir + n, 'd', 250);
	longdir[n + 250] = 0;
	T_EQ_INT(mkdir(longdir, 0755), 0);
	n += 250;
	longdir[n++] = '/';
	memset(longdir + n, 'e', 240);
	longdir[n + 240] = 0;
	T_EQ_INT(mkdir(longdir, 0755), 0);
	n = (size_t)snprintf(longfile, sizeof longfile, "%s/", longdir);
	memset(longfile + n, 'f', CKPT_FILE_MAX + 18 - n);
	longfile[CKPT_FILE_MAX + 18] = 0;
	snprintf(prefix, sizeof prefix, "%.519s", longfile);
	T_EQ_INT(write_file(prefix, "precious\n", 9), 0);
	for (int len = CKPT_FILE_MAX + 18; len >= CKPT_FILE_MAX; len -= 18) {
		longfile[len] = 0;
		static char said_load[2048];
		snprintf(said_load, sizeof said_load, "%s", load_logged_from(&ck, longfile));
		ckpt_set(&ck, "/a", 1, 2, FP(4, 1), 10);
		const char *said_save = save_logged(&ck, 0, 1, &ret);
		T_EQ_STR(read_text(prefix), "precious\n");
		T_EQ_STR(read_text(longfile), "(absent)");
		T_EQ_INT(ret, -1);
		snprintf(want, sizeof want, "kagent: warning: checkpoint %s: longer than %d bytes: no checkpoint "
			 "is read or written (set checkpointFile to a shorter path)\n", longfile, CKPT_FILE_MAX - 1);
		T_EQ_STR(said_load, want);
		snprintf(want, sizeof want, "kagent: warning: checkpoint %s: cannot save (will keep trying): "
			 "%s\n", longfile, errstr(ENAMETOOLONG));
		T_EQ_STR(said_save, want);
	}
	/* one byte shorter is fine */
	longfile[CKPT_FILE_MAX - 1] = 0;
	T_EQ_STR(load_logged_from(&ck, longfile), "");
	ckpt_set(&ck, "/a", 1, 2, FP(4, 1), 10);
	T_EQ_STR(save_logged(&ck, 0, 1, &ret), "");
	T_EQ_INT(ret, 0);
	T_EQ_STR(read_text(longfile), MAGIC "1 2 4 0000000000000001 10 /a\nend 1\n");
	T_EQ_STR(read_text(prefix), "precious\n");
	unlink(longfile);
	unlink(prefix);
	rmdir(longdir);
	*strrchr(longdir, '/') = 0;
	rmdir(longdir);
}

/* Loads s (n bytes) as the file; 1 if it was taken as absent with the warning. */
static int rejected(const char *s, size_t n, int line)
{
	char want[512];
	const char *got;

	if (write_file(file, s, n) < 0) {
		t_fail(__FILE__, line, "cannot write %s", file);
		return 0;
	}
	memset(&ck, 0xa5, sizeof ck);
	got = load_logged(&ck, 1000, 0);
	snprintf(want, sizeof want, "kagent: warning: checkpoint %s: not a complete kagent checkpoint "
		 "(corrupt, cut or of another version), starting without it\n", file);
	if (strcmp(got, want) != 0 || ck.n != 0 || ck.dirty || ckpt_find(&ck, 1, 2) ||
	    ck.file != file || ck.interval_ms != 1000) {
		t_fail(__FILE__, line, "\"%.*s\": n %d, logged \"%s\"", (int)n, s, ck.n, got);
		return 0;
	}
	return 1;
}
#define REJECTED(s) T_TRUE(rejected(s, sizeof(s) - 1, __LINE__))

TD(ckpt_corrupt)
{
	REJECTED("");
	REJECTED("\n");
	REJECTED("kagent-checkpoint 3\n1 2 16 00000000000000ab 3 /a\nend 1\n");
	REJECTED("kagent-checkpoint 0\n1 2 3 /a\nend 1\n");
	REJECTED("kagent-checkpoint\n1 2 16 00000000000000ab 3 /a\nend 1\n");
	REJECTED("kagent-checkpoint 2 \n1 2 16 00000000000000ab 3 /a\nend 1\n");
	REJECTED("kagent-checkpoint 2\r\n1 2 16 00000000000000ab 3 /a\nend 1\n");
	REJECTED("kagent-checkpoint 1 \n1 2 3 /a\nend 1\n");
	REJECTED("1 2 16 00000000000000ab 3 /a\nend 1\n");
	REJECTED("\x7f" "ELF\x01\x01\x01\0\0\0\0\0\0\0\0\0");
	/* cut: no "end" line, or one that does not count the entries */
	REJECTED(MAGIC);
	REJECTED(MAGIC "1 2 16 00000000000000ab 3 /a\n");
	REJECTED(MAGIC "1 2 16 00000000000000ab 3 /a\nend 2\n");
	REJECTED(MAGIC "1 2 16 00000000000000ab 3 /a\nend 0\n");
	REJECTED(MAGIC "1 2 16 00000000000000ab 3 /a\nend\n");
	REJECTED(MAGIC "1 2 16 00000000000000ab 3 /a\nend x\n");
	/* garbage numbers, fields missing */
	REJECTED(MAGIC "x 2 16 00000000000000ab 3 /a\nend 1\n");
	REJECTED(MAGIC "1 y 16 00000000000000ab 3 /a\nend 1\n");
	REJECTED(MAGIC "1 2 16 00000000000000ab z /a\nend 1\n");
	REJECTED(MAGIC "1 2 16 00000000000000ab 3z /a\nend 1\n");
	REJECTED(MAGIC "1 2 16 00000000000000ab /a\nend 1\n");
	REJECTED(MAGIC "1 2 16 00000000000000ab 3\nend 1\n");
	REJECTED(MAGIC "1 2 16 00000000000000ab 3 \nend 1\n");
	REJECTED(MAGIC "/a\nend 1\n");
	/* a malformed fingerprint */
	REJECTED(MAGIC "1 2 x 00000000000000ab 3 /a\nend 1\n");
	REJECTED(MAGIC "1 2 1.5 00000000000000ab 3 /a\nend 1\n");
	REJECTED(MAGIC "1 2 0x10 00000000000000ab 3 /a\nend 1\n");
	REJECTED(MAGIC "1 2 16 zz 3 /a\nend 1\n");
	REJECTED(MAGIC "1 2 16 00000000000000ag 3 /a\nend 1\n");
	REJECTED(MAGIC "1 2 16 0000000000000.ab 3 /a\nend 1\n");
	REJECTED(MAGIC "1 2 16 3 /a\nend 1\n");
	/* a version 1 line in a version 2 file, and the other way round */
	REJECTED(MAGIC "1 2 3 /a\nend 1\n");
	REJECTED(MAGIC1 "1 2 16 00000000000000ab 3 /a\nend 1\n");
	/* a negative offset, a relative path */
	REJECTED(MAGIC "1 2 16 00000000000000ab -1 /a\nend 1\n");
	REJECTED(MAGIC "1 2 16 00000000000000ab 3 a/b\nend 1\n");
	REJECTED(MAGIC "1 2 16 00000000000000ab 3 ./a\nend 1\n");
	/* one good entry before a bad one: none kept */
	REJECTED(MAGIC "1 2 16 00000000000000ab 3 /a\n1 3 16 00000000000000ab -3 /b\nend 2\n");
	/* the same damage in a version 1 file */
	REJECTED(MAGIC1);
	REJECTED(MAGIC1 "1 2 3 /a\n");
	REJECTED(MAGIC1 "1 2 3 /a\nend 2\n");
	REJECTED(MAGIC1 "1 2 z /a\nend 1\n");
	REJECTED(MAGIC1 "1 2 /a\nend 1\n");
	REJECTED(MAGIC1 "1 2 -1 /a\nend 1\n");
	REJECTED(MAGIC1 "1 2 3 a/b\nend 1\n");
	REJECTED(MAGIC1 "1 2 3 /a\n1 3 -3 /b\nend 2\n");
}

/* A path of CKPT_PATH_MAX bytes does not fit; one less does. */
TD(ckpt_line_too_long)
{
	static char buf[2 * CKPT_PATH_MAX];
	size_t n = (size_t)sprintf(buf, MAGIC "1 2 16 00000000000000ab 3 /");

	memset(buf + n, 'p', CKPT_PATH_MAX - 1);
	n += CKPT_PATH_MAX - 1;
	n += (size_t)sprintf(buf + n, "\nend 1\n");
	T_TRUE(rejected(buf, n, __LINE__));
	n = (size_t)sprintf(buf, MAGIC1 "1 2 3 /");
	memset(buf + n, 'p', CKPT_PATH_MAX - 1);
	n += CKPT_PATH_MAX - 1;
	n += (size_t)sprintf(buf + n, "\nend 1\n");
	T_TRUE(rejected(buf, n, __LINE__));
	/* 511 */
	n = (size_t)sprintf(buf, MAGIC "1 2 16 00000000000000ab 3 /");
	memset(buf + n, 'p', CKPT_PATH_MAX - 2);
	n += CKPT_PATH_MAX - 2;
	n += (size_t)sprintf(buf + n, "\nend 1\n");
	T_EQ_INT(write_file(file, buf, n), 0);
	T_EQ_STR(load_logged(&ck, 0, 0), "");
	T_EQ_INT(ck.n, 1);
	T_EQ_INT(strlen(ck.ent[0].path), CKPT_PATH_MAX - 1);
	/* a line of 200 KB of digits: more than a full table can take */
	static char huge[200 * 1024];
	n = (size_t)sprintf(huge, MAGIC);
	memset(huge + n, '7', sizeof huge - n - 20);
	n = sizeof huge - 20;
	n += (size_t)sprintf(huge + n, " 1 2 /a\nend 1\n");
	T_EQ_INT(write_file(file, huge, n), 0);
	char want[512];
	snprintf(want, sizeof want,
		 "kagent: warning: checkpoint %s: unreadable or too large, starting without it\n", file);
	T_EQ_STR(load_logged(&ck, 0, 0), want);
	T_EQ_INT(ck.n, 0);
	/* more entries than CKPT_MAX */
	n = (size_t)sprintf(huge, MAGIC);
	for (int i = 0; i <= CKPT_MAX; i++)
		n += (size_t)sprintf(huge + n, "1 %d 0 0000000000000000 0 /f%d\n", i, i);
	n += (size_t)sprintf(huge + n, "end %d\n", CKPT_MAX + 1);
	T_TRUE(rejected(huge, n, __LINE__));
}

/* Every cut of a good file is refused, except the one that lost only the
 * last '\n'; of either version. */
TD(ckpt_cut_anywhere)
{
	static const char good[] = MAGIC "2049 131 1024 00000000000000ab 1234 /var/log/messages\n"
				   "2049 77 1024 0123456789abcdef 99 /var/log/my app.log\n"
				   "2049 12 0 0000000000000000 100 /var/log/a12\nend 3\n";
	static const char good1[] = MAGIC1 "2049 131 1234 /var/log/messages\n"
				    "2049 77 99 /var/log/my app.log\n" "2049 12 100 /var/log/a12\nend 3\n";
	int ret;

	for (size_t n = 0; n < sizeof good - 2; n++)
		T_TRUE(rejected(good, n, __LINE__));
	for (size_t n = 0; n < sizeof good1 - 2; n++)
		T_TRUE(rejected(good1, n, __LINE__));
	T_EQ_INT(write_file(file, good, sizeof good - 2), 0);
	T_EQ_STR(load_logged(&ck, 0, 0), "");
	T_EQ_INT(ck.n, 3);
	T_EQ_INT(write_file(file, good1, sizeof good1 - 2), 0);
	T_EQ_STR(load_logged(&ck, 0, 0), "");
	T_EQ_INT(ck.n, 3);
	T_EQ_INT(write_file(file, good, sizeof good - 1), 0);
	T_EQ_STR(load_logged(&ck, 0, 0), "");
	T_EQ_INT(ck.n, 3);
	T_EQ_STR(ckpt_find(&ck, 2049, 77)->path, "/var/log/my app.log");
	T_EQ_INT(ckpt_find(&ck, 2049, 77)->off, 99);
	T_TRUE(ckpt_find(&ck, 2049, 77)->fp.hash == 0x0123456789abcdefULL);
	/* after a refused file the checkpoint starts over and is written whole */
	T_TRUE(rejected(good, 80, __LINE__));
	ckpt_set(&ck, "/b", 3, 4, FP(2, 0xe), 5);
	T_EQ_STR(save_logged(&ck, 1000, 0, &ret), "");
	T_EQ_INT(ret, 0);
	T_EQ_STR(read_text(file), MAGIC "3 4 2 000000000000000e 5 /b\nend 1\n");
}

/* Empty but complete: no entries, no warning.  A directory, a FIFO: unreadable. */
TD(ckpt_empty_and_unreadable)
{
	static const char empty[] = MAGIC "end 0\n", empty1[] = MAGIC1 "end 0\n";
	char want[512];

	T_EQ_INT(write_file(file, empty, sizeof empty - 1), 0);
	T_EQ_STR(load_logged(&ck, 0, 0), "");
	T_EQ_INT(ck.n, 0);
	T_EQ_INT(write_file(file, empty1, sizeof empty1 - 1), 0);
	T_EQ_STR(load_logged(&ck, 0, 0), "");
	T_EQ_INT(ck.n, 0);
	snprintf(want, sizeof want,
		 "kagent: warning: checkpoint %s: unreadable or too large, starting without it\n", file);
	for (int fifo = 0; fifo < 2; fifo++) {
		unlink(file);
		T_EQ_INT(fifo ? mkfifo(file, 0600) : mkdir(file, 0755), 0);
		T_EQ_STR(load_logged(&ck, 0, 0), want);	/* a FIFO: not waited on for a writer */
		T_EQ_INT(ck.n, 0);
		T_EQ_INT(fifo ? unlink(file) : rmdir(file), 0);
	}
}

/* A path the format cannot hold is left out, not written to spoil the file. */
TD(ckpt_newline_in_path_left_out)
{
	int ret;

	T_EQ_STR(load_logged(&ck, 1000, 0), "");
	ckpt_set(&ck, "/var/log/a\nb", 1, 2, FP(4, 1), 3);
	T_EQ_INT(ck.n, 0);
	T_EQ_INT(ck.dirty, 0);
	ckpt_set(&ck, "/var/log/ok", 1, 2, FP(4, 1), 3);
	T_EQ_STR(save_logged(&ck, 10000, 1, &ret), "");
	T_EQ_INT(ret, 0);
	T_EQ_STR(read_text(file), MAGIC "1 2 4 0000000000000001 3 /var/log/ok\nend 1\n");
	/* nor as the new name of a known file */
	ckpt_set(&ck, "/var/log/a\nb", 1, 2, FP(4, 1), 3);
	T_EQ_INT(ck.dirty, 0);
	T_EQ_STR(ck.ent[0].path, "/var/log/ok");
	ckpt_seen(&ck, &ck.ent[0], "/var/log/a\nb", 20000);
	T_EQ_INT(ck.dirty, 0);
	T_EQ_STR(ck.ent[0].path, "/var/log/ok");
	T_EQ_INT(ck.ent[0].seen, 20000);	/* but it was seen */
}

/* A scan seeing a file: its time always, its path (and so dirty) only when
 * the name changed. */
TD(ckpt_seen_renames)
{
	static const char v2[] = MAGIC "1 2 16 00000000000000ab 30 /var/log/app.log\n"
				 "1 3 16 00000000000000cd 40 /var/log/other.log\nend 2\n";
	struct ckpt_ent *e;

	T_EQ_INT(write_file(file, v2, sizeof v2 - 1), 0);
	T_EQ_STR(load_logged(&ck, 1000, 100), "");
	T_TRUE((e = ckpt_find(&ck, 1, 2)) == &ck.ent[0]);
	T_EQ_INT(e->seen, 100);
	ckpt_seen(&ck, e, "/var/log/app.log", 200);
	T_EQ_INT(e->seen, 200);
	T_EQ_INT(ck.dirty, 0);
	T_EQ_INT(ck.ent[1].seen, 100);
	ckpt_seen(&ck, e, "/var/log/app.log.1", 300);
	T_EQ_INT(e->seen, 300);
	T_EQ_INT(ck.dirty, 1);
	T_EQ_INT(ckpt_due(&ck), 100 - 1000 + 125);	/* the first save need not wait */
	T_EQ_STR(e->path, "/var/log/app.log.1");
	T_EQ_INT(e->live, 0);	/* seen is not followed */
	T_EQ_INT(e->off, 30);
	T_EQ_INT(ckpt_save(&ck, 1000, 0), 0);
	T_EQ_STR(read_text(file), MAGIC "1 2 16 00000000000000ab 30 /var/log/app.log.1\n"
		 "1 3 16 00000000000000cd 40 /var/log/other.log\nend 2\n");
	/* a name the format cannot hold: seen, but the old name stays */
	make_long_paths();
	ckpt_seen(&ck, e, too_long, 400);
	T_EQ_INT(e->seen, 400);
	T_EQ_INT(ck.dirty, 0);
	T_EQ_STR(e->path, "/var/log/app.log.1");
	ckpt_seen(&ck, e, long_path, 500);
	T_EQ_INT(ck.dirty, 1);
	T_EQ_STR(e->path, long_path);
}

/* Entries no one follows are dropped at the first save CKPT_FORGET_MS after
 * they were last unfollowed or seen by a scan; followed ones never. */
TD(ckpt_forgets_unseen)
{
	ckpt_load(&ck, file, 0, 0);
	ckpt_set(&ck, "/var/log/a", 1, 1, FP(16, 1), 10);
	ckpt_set(&ck, "/var/log/b", 1, 2, FP(16, 2), 20);
	ckpt_set(&ck, "/var/log/c", 1, 3, FP(16, 3), 30);
	ckpt_set(&ck, "/var/log/d", 1, 4, FP(16, 4), 40);
	T_EQ_INT(ckpt_save(&ck, 0, 1), 0);
	ckpt_unfollow(&ck, 1, 1, 0);
	ckpt_unfollow(&ck, 1, 3, 0);
	ckpt_unfollow(&ck, 1, 4, 2000);
	ckpt_unfollow(&ck, 1, 5, 0);	/* not known: nothing */
	T_EQ_INT(ck.n, 4);
	T_EQ_INT(ck.dirty, 0);
	T_EQ_INT(ckpt_find(&ck, 1, 1)->live, 0);
	T_EQ_INT(ckpt_find(&ck, 1, 1)->seen, 0);
	T_EQ_INT(ckpt_find(&ck, 1, 2)->live, 1);
	T_EQ_INT(ckpt_find(&ck, 1, 4)->seen, 2000);
	ckpt_seen(&ck, ckpt_find(&ck, 1, 3), "/var/log/c", 1000);	/* a scan still finds it */
	ckpt_seen(&ck, ckpt_find(&ck, 1, 4), "/var/log/d", 1500);	/* seen before, unfollowed after */
	ckpt_unfollow(&ck, 1, 4, 1000);
	T_EQ_INT(ckpt_find(&ck, 1, 4)->seen, 1000);
	ckpt_set(&ck, "/var/log/b", 1, 2, FP(16, 2), 21);
	T_EQ_INT(ckpt_save(&ck, CKPT_FORGET_MS - 1, 1), 0);
	T_EQ_INT(ck.n, 4);
	T_EQ_STR(read_text(file), MAGIC "1 1 16 0000000000000001 10 /var/log/a\n"
		 "1 2 16 0000000000000002 21 /var/log/b\n"
		 "1 3 16 0000000000000003 30 /var/log/c\n"
		 "1 4 16 0000000000000004 40 /var/log/d\nend 4\n");
	/* only a save forgets, and there is none when nothing changed */
	T_EQ_INT(ckpt_save(&ck, CKPT_FORGET_MS, 1), 0);
	T_EQ_INT(ck.n, 4);
	ckpt_set(&ck, "/var/log/b", 1, 2, FP(16, 2), 22);
	T_EQ_INT(ckpt_save(&ck, CKPT_FORGET_MS, 1), 0);
	T_EQ_INT(ck.n, 3);
	T_TRUE(ckpt_find(&ck, 1, 1) == NULL);
	T_EQ_STR(read_text(file), MAGIC "1 2 16 0000000000000002 22 /var/log/b\n"
		 "1 3 16 0000000000000003 30 /var/log/c\n"
		 "1 4 16 0000000000000004 40 /var/log/d\nend 3\n");
	ckpt_set(&ck, "/var/log/b", 1, 2, FP(16, 2), 23);
	T_EQ_INT(ckpt_save(&ck, 1000 + CKPT_FORGET_MS - 1, 1), 0);
	T_EQ_INT(ck.n, 3);
	ckpt_set(&ck, "/var/log/b", 1, 2, FP(16, 2), 24);
	T_EQ_INT(ckpt_save(&ck, 1000 + CKPT_FORGET_MS, 1), 0);
	T_EQ_INT(ck.n, 1);
	T_TRUE(ckpt_find(&ck, 1, 3) == NULL);
	T_TRUE(ckpt_find(&ck, 1, 4) == NULL);
	T_EQ_STR(read_text(file), MAGIC "1 2 16 0000000000000002 24 /var/log/b\nend 1\n");
	/* followed again after a pause: kept however long no scan saw it */
	ckpt_unfollow(&ck, 1, 2, 0);
	ckpt_set(&ck, "/var/log/b", 1, 2, FP(16, 2), 25);
	T_EQ_INT(ckpt_find(&ck, 1, 2)->live, 1);
	T_EQ_INT(ckpt_save(&ck, 100 * (int64_t)CKPT_FORGET_MS, 1), 0);
	T_EQ_STR(read_text(file), MAGIC "1 2 16 0000000000000002 25 /var/log/b\nend 1\n");
}

/* A file gone for good: its entry goes at once, the last one takes its place. */
TD(ckpt_forget_now)
{
	ckpt_load(&ck, file, 1000, 0);
	ckpt_set(&ck, "/a", 1, 1, FP(16, 1), 10);
	ckpt_set(&ck, "/b", 1, 2, FP(16, 2), 20);
	ckpt_set(&ck, "/c", 1, 3, FP(16, 3), 30);
	ckpt_set(&ck, "/d", 1, 4, FP(16, 4), 40);
	T_EQ_INT(ckpt_save(&ck, 0, 1), 0);
	ckpt_forget(&ck, 1, 5);	/* not known: nothing */
	ckpt_forget(&ck, 2, 1);
	T_EQ_INT(ck.n, 4);
	T_EQ_INT(ck.dirty, 0);
	ckpt_forget(&ck, 1, 2);
	T_EQ_INT(ck.n, 3);
	T_EQ_INT(ck.dirty, 1);
	T_EQ_INT(ckpt_due(&ck), 125);	/* saved at 0, within the first interval */
	T_TRUE(ckpt_find(&ck, 1, 2) == NULL);
	T_TRUE(ckpt_find(&ck, 1, 4) == &ck.ent[1]);
	T_EQ_STR(ck.ent[1].path, "/d");
	ckpt_forget(&ck, 1, 3);	/* the last one */
	T_EQ_INT(ck.n, 2);
	T_EQ_INT(ckpt_save(&ck, 1000, 0), 0);
	T_EQ_STR(read_text(file), MAGIC "1 1 16 0000000000000001 10 /a\n1 4 16 0000000000000004 40 /d\nend 2\n");
	ckpt_forget(&ck, 1, 1);
	ckpt_forget(&ck, 1, 4);
	T_EQ_INT(ck.n, 0);
	T_EQ_INT(ckpt_save(&ck, 2000, 0), 0);
	T_EQ_STR(read_text(file), MAGIC "end 0\n");
}

/* What the file held counts as seen when it was loaded. */
TD(ckpt_loaded_counts_as_seen)
{
	static const char v2[] = MAGIC "1 1 16 0000000000000001 10 /a\n1 2 0 0000000000000000 20 /b\nend 2\n";

	T_EQ_INT(write_file(file, v2, sizeof v2 - 1), 0);
	T_EQ_STR(load_logged(&ck, 0, 5000), "");
	T_EQ_INT(ck.ent[0].seen, 5000);
	T_EQ_INT(ck.ent[1].seen, 5000);
	T_EQ_INT(ck.ent[0].live, 0);
	T_EQ_INT(ck.ent[1].live, 0);
	ckpt_set(&ck, "/c", 1, 3, NOFP, 30);
	T_EQ_INT(ckpt_save(&ck, 5000 + CKPT_FORGET_MS - 1, 1), 0);
	T_EQ_STR(read_text(file), MAGIC "1 1 16 0000000000000001 10 /a\n1 2 0 0000000000000000 20 /b\n"
		 "1 3 0 0000000000000000 30 /c\nend 3\n");
	ckpt_set(&ck, "/c", 1, 3, NOFP, 31);
	T_EQ_INT(ckpt_save(&ck, 5000 + CKPT_FORGET_MS, 1), 0);
	T_EQ_STR(read_text(file), MAGIC "1 3 0 0000000000000000 31 /c\nend 1\n");
	T_EQ_INT(ck.n, 1);
}

/* A full table: a new file takes the place of the unfollowed entry seen
 * longest ago; when every one is followed it is refused, said once. */
TD(ckpt_full_table)
{
	static char want[CKPT_MAX * 64];
	const struct ckpt_ent *e;
	char msg[512];
	size_t n;
	int ret;

	T_EQ_INT(CKPT_MAX, 256);
	ckpt_load(&ck, file, 0, 0);
	for (int i = 1; i <= CKPT_MAX; i++) {
		char p[32];
		snprintf(p, sizeof p, "/f%d", i);
		T_EQ_STR(set_logged(&ck, p, 1, (ino_t)i, FP(16, (uint64_t)i), i), "");
		ckpt_seen(&ck, &ck.ent[i - 1], p, 1000);
	}
	T_EQ_INT(ck.n, CKPT_MAX);
	ckpt_seen(&ck, ckpt_find(&ck, 1, 5), "/f5", 0);	/* seen longest ago, but followed */
	ckpt_unfollow(&ck, 1, 10, 500);
	ckpt_unfollow(&ck, 1, 20, 400);
	ckpt_unfollow(&ck, 1, 30, 600);
	ckpt_unfollow(&ck, 1, 40, 100);
	ckpt_seen(&ck, ckpt_find(&ck, 1, 40), "/f40", 700);	/* seen again since */
	T_EQ_INT(ckpt_save(&ck, 1000, 1), 0);
	T_EQ_INT(ck.n, CKPT_MAX);

	T_EQ_STR(set_logged(&ck, "/new1", 1, 1001, FP(16, 0xaa), 7), "");
	T_EQ_INT(ck.n, CKPT_MAX);
	T_EQ_INT(ck.dirty, 1);
	T_TRUE(ckpt_find(&ck, 1, 20) == NULL);
	T_TRUE((e = ckpt_find(&ck, 1, 1001)) == &ck.ent[19]);
	T_EQ_STR(e->path, "/new1");
	T_EQ_INT(e->off, 7);
	T_TRUE(e->fp.hash == 0xaa);
	T_EQ_INT(e->fp.len, 16);
	T_EQ_INT(e->live, 1);
	T_EQ_STR(set_logged(&ck, "/new2", 1, 1002, FP(16, 0xbb), 8), "");
	T_TRUE(ckpt_find(&ck, 1, 10) == NULL);
	T_TRUE(ckpt_find(&ck, 1, 1002) == &ck.ent[9]);
	T_EQ_STR(set_logged(&ck, "/new3", 1, 1003, FP(16, 0xcc), 9), "");
	T_TRUE(ckpt_find(&ck, 1, 30) == NULL);
	T_TRUE(ckpt_find(&ck, 1, 1003) == &ck.ent[29]);
	T_EQ_STR(set_logged(&ck, "/new4", 1, 1004, FP(16, 0xdd), 10), "");
	T_TRUE(ckpt_find(&ck, 1, 40) == NULL);
	T_TRUE(ckpt_find(&ck, 1, 1004) == &ck.ent[39]);
	T_TRUE(ckpt_find(&ck, 1, 5) == &ck.ent[4]);
	T_EQ_INT(ckpt_save(&ck, 1000, 1), 0);

	/* every one followed now */
	snprintf(msg, sizeof msg, "kagent: warning: checkpoint %s: more than 256 files followed at once; "
		 "the others are not checkpointed\n", file);
	T_EQ_STR(set_logged(&ck, "/new5", 1, 1005, FP(16, 0xee), 11), msg);
	T_EQ_INT(ck.n, CKPT_MAX);
	T_EQ_INT(ck.dirty, 0);
	T_TRUE(ckpt_find(&ck, 1, 1005) == NULL);
	T_EQ_STR(set_logged(&ck, "/new6", 1, 1006, FP(16, 0xff), 12), "");	/* said once */
	T_TRUE(ckpt_find(&ck, 1, 1006) == NULL);
	T_EQ_INT(ck.dirty, 0);
	/* those it holds are still updated */
	T_EQ_STR(set_logged(&ck, "/f5", 1, 5, FP(16, 5), 55), "");
	T_EQ_INT(ck.dirty, 1);
	T_EQ_INT(ck.ent[4].off, 55);
	T_EQ_INT(ckpt_save(&ck, 1000, 1), 0);

	n = (size_t)sprintf(want, MAGIC);
	for (int i = 1; i <= CKPT_MAX; i++) {
		if (i == 10)
			n += (size_t)sprintf(want + n, "1 1002 16 00000000000000bb 8 /new2\n");
		else if (i == 20)
			n += (size_t)sprintf(want + n, "1 1001 16 00000000000000aa 7 /new1\n");
		else if (i == 30)
			n += (size_t)sprintf(want + n, "1 1003 16 00000000000000cc 9 /new3\n");
		else if (i == 40)
			n += (size_t)sprintf(want + n, "1 1004 16 00000000000000dd 10 /new4\n");
		else
			n += (size_t)sprintf(want + n, "1 %d 16 %016x %d /f%d\n", i, i, i == 5 ? 55 : i, i);
	}
	sprintf(want + n, "end 256\n");
	T_EQ_STR(read_text(file), want);
	/* a full file loads whole */
	T_EQ_STR(load_logged(&ck2, 0, 0), "");
	T_EQ_INT(ck2.n, CKPT_MAX);
	T_EQ_STR(ckpt_find(&ck2, 1, 256)->path, "/f256");
	T_EQ_STR(save_logged(&ck2, 0, 1, &ret), "");	/* not dirty */
	T_EQ_INT(ret, 0);
}
