/* The checkpoint file: its exact text, the round trip, every kind of
 * damage read as "no checkpoint" with a warning, and the rate limit.
 * Each test works in its own mkdtemp directory and removes it. */
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include "t.h"
#include "ckpt.h"

#define MAGIC "kagent-checkpoint 1\n"

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

static char text[64 * 1024];

static const char *read_text(const char *path)
{
	if (t_readfile(path, text, sizeof text) < 0)
		strcpy(text, "(absent)");
	return text;
}

static const char *load_logged(struct ckpt *c, int64_t interval)
{
	t_capture_begin();
	ckpt_load(c, file, interval);
	return t_capture_end();
}

static const char *save_logged(struct ckpt *c, int64_t now, int force, int *ret)
{
	t_capture_begin();
	*ret = ckpt_save(c, now, force);
	return t_capture_end();
}

static char long_path[CKPT_PATH_MAX];

TD(ckpt_round_trip)
{
	const struct ckpt_ent *e;
	int ret;

	/* no file yet: normal, silent */
	T_EQ_STR(load_logged(&ck, 1000), "");
	T_EQ_INT(ck.n, 0);
	T_TRUE(ckpt_find(&ck, "/var/log/messages") == NULL);
	long_path[0] = '/';
	memset(long_path + 1, 'p', CKPT_PATH_MAX - 2);	/* the longest kept: 511 */
	long_path[CKPT_PATH_MAX - 1] = 0;
	ckpt_set(&ck, "/var/log/messages", 2049, 131, 1234);
	ckpt_set(&ck, "/var/log/my app/with  spaces.log ", (dev_t)-1, (ino_t)4294967297ULL,
		 (off_t)5000000000LL);
	ckpt_set(&ck, "/x", 0, 0, 0);
	ckpt_set(&ck, long_path, 1, 2, 3);
	T_EQ_INT(ck.n, 4);
	T_EQ_STR(save_logged(&ck, 10000, 0, &ret), "");
	T_EQ_INT(ret, 0);
	T_EQ_INT(ck.dirty, 0);
	static char want[2048];
	snprintf(want, sizeof want, "%s%s%s", MAGIC "2049 131 1234 /var/log/messages\n"
		 "18446744073709551615 4294967297 5000000000 /var/log/my app/with  spaces.log \n"
		 "0 0 0 /x\n1 2 3 ", long_path, "\nend 4\n");
	T_EQ_INT(strlen(want), 20 + 32 + 77 + 9 + 6 + 511 + 7);
	T_EQ_STR(read_text(file), want);
	T_EQ_STR(read_text(missing), "(absent)");
	char tmp[160];
	snprintf(tmp, sizeof tmp, "%s.tmp", file);
	T_TRUE(access(tmp, F_OK) < 0);	/* renamed away */

	T_EQ_STR(load_logged(&ck2, 1000), "");
	T_EQ_INT(ck2.n, 4);
	T_EQ_INT(ck2.dirty, 0);
	T_TRUE((e = ckpt_find(&ck2, "/var/log/messages")) != NULL);
	T_EQ_INT(e->dev, 2049);
	T_EQ_INT(e->ino, 131);
	T_EQ_INT(e->off, 1234);
	T_TRUE((e = ckpt_find(&ck2, "/var/log/my app/with  spaces.log ")) != NULL);
	T_TRUE(e->dev == (dev_t)-1);
	T_TRUE(e->ino == (ino_t)4294967297ULL);
	T_TRUE(e->off == (off_t)5000000000LL);
	T_TRUE((e = ckpt_find(&ck2, "/x")) != NULL);
	T_EQ_INT(e->off, 0);
	T_TRUE((e = ckpt_find(&ck2, long_path)) != NULL);
	T_EQ_INT(e->off, 3);
	T_TRUE(ckpt_find(&ck2, "/var/log/my app/with  spaces.log") == NULL);
	T_TRUE(ckpt_find(&ck2, "/var/log") == NULL);
}

TD(ckpt_set_updates)
{
	ckpt_load(&ck, file, 0);
	ckpt_set(&ck, "/a", 1, 2, 3);
	ckpt_set(&ck, "/b", 1, 5, 6);
	ckpt_set(&ck, "/a", 1, 2, 300);	/* same file, further on */
	ckpt_set(&ck, "/b", 1, 9, 0);	/* rotated: a new inode */
	T_EQ_INT(ck.n, 2);
	ckpt_save(&ck, 0, 1);
	T_EQ_STR(read_text(file), MAGIC "1 2 300 /a\n1 9 0 /b\nend 2\n");
	/* too long a path is not kept (and does not make it dirty) */
	char p[CKPT_PATH_MAX + 1];
	memset(p, 'q', sizeof p - 1);
	p[0] = '/';
	p[sizeof p - 1] = 0;
	ckpt_set(&ck, p, 1, 1, 1);
	T_EQ_INT(ck.n, 2);
	T_EQ_INT(ck.dirty, 0);
	/* nor more than CKPT_MAX files */
	for (int i = 2; i < CKPT_MAX + 3; i++) {
		char q[32];
		snprintf(q, sizeof q, "/f%d", i);
		ckpt_set(&ck, q, 1, (ino_t)i, i);
	}
	T_EQ_INT(ck.n, CKPT_MAX);
	T_TRUE(ckpt_find(&ck, "/f63") != NULL);
	T_TRUE(ckpt_find(&ck, "/f64") == NULL);
	T_EQ_INT(ckpt_save(&ck, 0, 1), 0);
	T_EQ_STR(load_logged(&ck2, 0), "");
	T_EQ_INT(ck2.n, CKPT_MAX);
	T_EQ_INT(ckpt_find(&ck2, "/f63")->off, 63);
}

TD(ckpt_rate_limit)
{
	int ret;

	ckpt_load(&ck, file, 1000);
	T_EQ_INT(ckpt_due(&ck), INT64_MAX);	/* nothing to save */
	ckpt_set(&ck, "/a", 1, 2, 10);
	T_EQ_INT(ck.dirty, 1);
	T_EQ_INT(ckpt_due(&ck), 1000);
	T_EQ_INT(ckpt_save(&ck, 999, 0), 0);
	T_EQ_STR(read_text(file), "(absent)");
	T_EQ_INT(ckpt_save(&ck, 5000, 0), 0);
	T_EQ_STR(read_text(file), MAGIC "1 2 10 /a\nend 1\n");
	T_EQ_INT(ckpt_due(&ck), INT64_MAX);
	/* a change within the interval waits for it */
	ckpt_set(&ck, "/a", 1, 2, 20);
	T_EQ_INT(ckpt_due(&ck), 6000);
	T_EQ_INT(ckpt_save(&ck, 5001, 0), 0);
	T_EQ_INT(ckpt_save(&ck, 5999, 0), 0);
	T_EQ_STR(read_text(file), MAGIC "1 2 10 /a\nend 1\n");
	T_EQ_INT(ck.dirty, 1);
	T_EQ_INT(ckpt_save(&ck, 6000, 0), 0);
	T_EQ_STR(read_text(file), MAGIC "1 2 20 /a\nend 1\n");
	/* force does not wait */
	ckpt_set(&ck, "/a", 1, 2, 30);
	T_EQ_INT(ckpt_save(&ck, 6001, 1), 0);
	T_EQ_STR(read_text(file), MAGIC "1 2 30 /a\nend 1\n");
	T_EQ_INT(ck.saved_at, 6001);
	/* setting what is already there changes nothing */
	ckpt_set(&ck, "/a", 1, 2, 30);
	T_EQ_INT(ck.dirty, 0);
	T_EQ_INT(ckpt_due(&ck), INT64_MAX);
	/* nothing dirty: not written, even forced */
	T_EQ_INT(write_file(file, "sentinel", 8), 0);
	T_EQ_STR(save_logged(&ck, 100000, 1, &ret), "");
	T_EQ_INT(ret, 0);
	T_EQ_INT(ckpt_save(&ck, 100000, 0), 0);
	T_EQ_STR(read_text(file), "sentinel");
}

/* A directory that is not there: -1, one warning, retried after the
 * interval; "saved again" once it works. */
TD(ckpt_save_fails)
{
	char want[512];
	int ret;

	ckpt_load(&ck, missing, 1000);
	ckpt_set(&ck, "/a", 1, 2, 3);
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
	T_EQ_STR(read_text(missing), MAGIC "1 2 3 /a\nend 1\n");
	ckpt_set(&ck, "/a", 1, 2, 4);
	T_EQ_STR(save_logged(&ck, 8000, 0, &ret), "");
	T_EQ_INT(ret, 0);
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
	got = load_logged(&ck, 1000);
	snprintf(want, sizeof want, "kagent: warning: checkpoint %s: not a complete kagent checkpoint "
		 "(corrupt, cut or of another version), starting without it\n", file);
	if (strcmp(got, want) != 0 || ck.n != 0 || ck.dirty || ckpt_find(&ck, "/a") ||
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
	REJECTED("kagent-checkpoint 2\n1 2 3 /a\nend 1\n");
	REJECTED("kagent-checkpoint\n1 2 3 /a\nend 1\n");
	REJECTED("kagent-checkpoint 1 \n1 2 3 /a\nend 1\n");
	REJECTED("kagent-checkpoint 1\r\n1 2 3 /a\nend 1\n");
	REJECTED("1 2 3 /a\nend 1\n");
	REJECTED("\x7f" "ELF\x01\x01\x01\0\0\0\0\0\0\0\0\0");
	/* cut: no "end" line, or one that does not count the entries */
	REJECTED(MAGIC);
	REJECTED(MAGIC "1 2 3 /a\n");
	REJECTED(MAGIC "1 2 3 /a\nend 2\n");
	REJECTED(MAGIC "1 2 3 /a\nend 0\n");
	REJECTED(MAGIC "1 2 3 /a\nend\n");
	REJECTED(MAGIC "1 2 3 /a\nend x\n");
	/* garbage numbers */
	REJECTED(MAGIC "x 2 3 /a\nend 1\n");
	REJECTED(MAGIC "1 y 3 /a\nend 1\n");
	REJECTED(MAGIC "1 2 z /a\nend 1\n");
	REJECTED(MAGIC "1 2 3z /a\nend 1\n");
	REJECTED(MAGIC "1 2 /a\nend 1\n");
	REJECTED(MAGIC "1 2 3\nend 1\n");
	REJECTED(MAGIC "1 2 3 \nend 1\n");
	REJECTED(MAGIC "/a\nend 1\n");
	/* a negative offset, a relative path */
	REJECTED(MAGIC "1 2 -1 /a\nend 1\n");
	REJECTED(MAGIC "1 2 3 a/b\nend 1\n");
	REJECTED(MAGIC "1 2 3 ./a\nend 1\n");
	/* one good entry before a bad one: none kept */
	REJECTED(MAGIC "1 2 3 /a\n1 2 -3 /b\nend 2\n");
}

/* A path of CKPT_PATH_MAX bytes does not fit; one less does. */
TD(ckpt_line_too_long)
{
	static char buf[2 * CKPT_PATH_MAX];
	size_t n = (size_t)sprintf(buf, MAGIC "1 2 3 /");

	memset(buf + n, 'p', CKPT_PATH_MAX - 1);
	n += CKPT_PATH_MAX - 1;
	n += (size_t)sprintf(buf + n, "\nend 1\n");
	T_TRUE(rejected(buf, n, __LINE__));
	/* 511 */
	n = (size_t)sprintf(buf, MAGIC "1 2 3 /");
	memset(buf + n, 'p', CKPT_PATH_MAX - 2);
	n += CKPT_PATH_MAX - 2;
	n += (size_t)sprintf(buf + n, "\nend 1\n");
	T_EQ_INT(write_file(file, buf, n), 0);
	T_EQ_STR(load_logged(&ck, 0), "");
	T_EQ_INT(ck.n, 1);
	T_EQ_INT(strlen(ck.ent[0].path), CKPT_PATH_MAX - 1);
	/* a line of 100 KB of digits */
	static char huge[100 * 1024];
	n = (size_t)sprintf(huge, MAGIC);
	memset(huge + n, '7', sizeof huge - n - 20);
	n = sizeof huge - 20;
	n += (size_t)sprintf(huge + n, " 1 2 /a\nend 1\n");
	T_EQ_INT(write_file(file, huge, n), 0);
	char want[512];
	snprintf(want, sizeof want,
		 "kagent: warning: checkpoint %s: unreadable or too large, starting without it\n", file);
	T_EQ_STR(load_logged(&ck, 0), want);
	T_EQ_INT(ck.n, 0);
	/* more entries than CKPT_MAX */
	n = (size_t)sprintf(huge, MAGIC);
	for (int i = 0; i <= CKPT_MAX; i++)
		n += (size_t)sprintf(huge + n, "1 %d 0 /f%d\n", i, i);
	n += (size_t)sprintf(huge + n, "end %d\n", CKPT_MAX + 1);
	T_TRUE(rejected(huge, n, __LINE__));
}

/* Every cut of a good file is refused, except the one that lost only the
 * last '\n'. */
TD(ckpt_cut_anywhere)
{
	static const char good[] = MAGIC "2049 131 1234 /var/log/messages\n"
				   "2049 77 99 /var/log/my app.log\n" "2049 12 100 /var/log/a12\nend 3\n";
	int ret;

	for (size_t n = 0; n < sizeof good - 2; n++)
		T_TRUE(rejected(good, n, __LINE__));
	T_EQ_INT(write_file(file, good, sizeof good - 2), 0);
	T_EQ_STR(load_logged(&ck, 0), "");
	T_EQ_INT(ck.n, 3);
	T_EQ_INT(write_file(file, good, sizeof good - 1), 0);
	T_EQ_STR(load_logged(&ck, 0), "");
	T_EQ_INT(ck.n, 3);
	T_EQ_INT(ckpt_find(&ck, "/var/log/my app.log")->off, 99);
	/* after a refused file the checkpoint starts over and is written whole */
	T_TRUE(rejected(good, 60, __LINE__));
	ckpt_set(&ck, "/b", 3, 4, 5);
	T_EQ_STR(save_logged(&ck, 1000, 0, &ret), "");
	T_EQ_INT(ret, 0);
	T_EQ_STR(read_text(file), MAGIC "3 4 5 /b\nend 1\n");
}

/* Empty but complete: no entries, no warning. A directory: unreadable. */
TD(ckpt_empty_and_unreadable)
{
	static const char empty[] = MAGIC "end 0\n";
	char want[512];

	T_EQ_INT(write_file(file, empty, sizeof empty - 1), 0);
	T_EQ_STR(load_logged(&ck, 0), "");
	T_EQ_INT(ck.n, 0);
	unlink(file);
	T_EQ_INT(mkdir(file, 0755), 0);
	snprintf(want, sizeof want,
		 "kagent: warning: checkpoint %s: unreadable or too large, starting without it\n", file);
	T_EQ_STR(load_logged(&ck, 0), want);
	T_EQ_INT(ck.n, 0);
	rmdir(file);
}

/* A path the format cannot hold is left out, not written to spoil the file. */
TD(ckpt_newline_in_path_left_out)
{
	int ret;

	T_EQ_STR(load_logged(&ck, 1000), "");
	ckpt_set(&ck, "/var/log/a\nb", 1, 2, 3);
	T_EQ_INT(ck.n, 0);
	T_EQ_INT(ck.dirty, 0);
	ckpt_set(&ck, "/var/log/ok", 1, 2, 3);
	T_EQ_STR(save_logged(&ck, 10000, 1, &ret), "");
	T_EQ_INT(ret, 0);
	T_EQ_STR(read_text(file), MAGIC "1 2 3 /var/log/ok\nend 1\n");
}

/* An entry no flow set in this run, of a file that is gone, is dropped at the
 * next save; one whose file still exists stays (its flow may come back). */
TD(ckpt_forgets_files_gone)
{
	char gone[160], here[160], text0[1024];
	int ret;

	snprintf(gone, sizeof gone, "%s/gone.log", dir);
	snprintf(here, sizeof here, "%s/here.log", dir);
	T_TRUE(write_file(here, "x\n", 2) == 0);
	snprintf(text0, sizeof text0, MAGIC "1 2 30 %s\n1 3 40 %s\nend 2\n", gone, here);
	T_TRUE(write_file(file, text0, strlen(text0)) == 0);
	T_EQ_STR(load_logged(&ck, 1000), "");
	T_EQ_INT(ck.n, 2);
	ckpt_set(&ck, "/var/log/followed", 1, 4, 50);	/* followed now, even if not there */
	T_EQ_STR(save_logged(&ck, 10000, 1, &ret), "");
	T_EQ_INT(ret, 0);
	snprintf(text0, sizeof text0, MAGIC "1 3 40 %s\n1 4 50 /var/log/followed\nend 2\n", here);
	T_EQ_STR(read_text(file), text0);
	unlink(here);
}
