/* log.c: escaping what came from outside, the syslog lines and their drops. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include "t.h"
#include "log.h"

static const char *esc(const char *s, size_t n, size_t cap)
{
	static char out[256];
	log_escape(out, cap, s, n);
	return out;
}
#define ESC(lit) esc(lit, sizeof lit - 1, 256)

T(log_escape_controls)
{
	T_EQ_STR(ESC("plain text, 100% ascii \\ stays"), "plain text, 100% ascii \\ stays");
	T_EQ_STR(ESC("a\nb\rc\td"), "a\\nb\\rc\\td");
	T_EQ_STR(ESC("\x1b[31mred\x1b[0m"), "\\x1b[31mred\\x1b[0m");
	T_EQ_STR(ESC("nul\0bel\a del\x7f us\x1f"), "nul\\x00bel\\x07 del\\x7f us\\x1f");
	/* C1 controls in UTF-8 (CSI U+009B, NEL U+0085); U+00A0 is text */
	T_EQ_STR(ESC("\xc2\x9b" "2J \xc2\x85 \xc2\xa0"), "\\xc2\\x9b2J \\xc2\\x85 \xc2\xa0");
}

T(log_escape_utf8)
{
	T_EQ_STR(ESC("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xf4\x8f\xbf\xbf"),
		 "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xf4\x8f\xbf\xbf");
	/* not UTF-8: each byte escaped, the ASCII after it kept */
	T_EQ_STR(ESC("\xff\xfe"), "\\xff\\xfe");
	T_EQ_STR(ESC("cut \xe2\x82"), "cut \\xe2\\x82");
	T_EQ_STR(ESC("\xe2\x82x"), "\\xe2\\x82x");
	/* overlong forms of a newline, a surrogate, past U+10FFFF */
	T_EQ_STR(ESC("\xc0\x8a"), "\\xc0\\x8a");
	T_EQ_STR(ESC("\xe0\x80\x8a"), "\\xe0\\x80\\x8a");
	T_EQ_STR(ESC("\xed\xa0\x80"), "\\xed\\xa0\\x80");
	T_EQ_STR(ESC("\xf4\x90\x80\x80"), "\\xf4\\x90\\x80\\x80");
}

T(log_escape_stops_before_what_does_not_fit)
{
	char out[8];
	memset(out, 'Z', sizeof out);
	T_EQ_INT(log_escape(out, 6, "abc\ndef", 7), 5);
	T_EQ_STR(out, "abc\\n");
	T_EQ_INT(log_escape(out, 6, "abc\x1b", 4), 3);	/* \x1b needs 4 */
	T_EQ_STR(out, "abc");
	T_EQ_INT(log_escape(out, 5, "ab\xe2\x82\xac", 5), 2);	/* no half of a character */
	T_EQ_STR(out, "ab");
	T_EQ_INT(log_escape(out, 1, "abc", 3), 0);
	T_EQ_STR(out, "");
}

/* What a server said cannot start a line of its own or reach the terminal. */
T(log_line_with_forged_line_stays_one)
{
	t_capture_begin();
	log_warnx("s1: delivery failing (%s: %s); retrying with backoff", "InternalFailure",
		  "boom\n2026-01-01T00:00:00 kagent: s1: delivering again\x1b[2J");
	t_capture_end();
	T_EQ_STR(t_err, "kagent: warning: s1: delivery failing (InternalFailure: boom\\n2026-01-01T00:00:00 "
		 "kagent: s1: delivering again\\x1b[2J); retrying with backoff\n");
	errno = ENOENT;
	t_capture_begin();
	log_warn("%s: read", "/var/log/a\rb");
	t_capture_end();
	T_EQ_STR(t_err, "kagent: warning: /var/log/a\\rb: read: No such file or directory\n");
}

/* A datagram socket at a fresh path, not read until the test reads it. */
static int sock_at(char *path, size_t cap)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int fd;

	snprintf(path, cap, "/tmp/kagent-unit-log-%ld", (long)getpid());
	unlink(path);
	snprintf(a.sun_path, sizeof a.sun_path, "%s", path);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof a) < 0) {
		close(fd);
		fd = -1;
	}
	return fd;
}

/* The next datagram waiting on fd, NUL-ended, or "" if there is none. */
static const char *next_line(int fd)
{
	static char buf[2048];
	ssize_t n = recv(fd, buf, sizeof buf - 1, MSG_DONTWAIT);
	buf[n > 0 ? n : 0] = 0;
	return buf;
}

/* "<PRI>kagent[pid]: ", no timestamp (the syslog daemon adds its own) */
static int header_ok(const char *line, int pri, const char **msg)
{
	char want[64];
	int n = snprintf(want, sizeof want, "<%d>kagent[%ld]: ", pri, (long)getpid());

	if (strncmp(line, want, (size_t)n) != 0)
		return 0;
	*msg = line + n;
	return 1;
}

/* The next line on fd has priority pri and the message want. */
#define T_LINE(fd, pri, want) do { const char *t_msg; \
	T_TRUE(header_ok(next_line(fd), pri, &t_msg)); T_EQ_STR(t_msg, want); } while (0)

/* The next line on fd is the notice of n lines dropped for why. */
static int notice_ok(int fd, const char *path, unsigned long n, const char *why)
{
	char want[400];
	const char *msg;

	if (!header_ok(next_line(fd), 28, &msg))
		return 0;
	snprintf(want, sizeof want, "%lu log lines dropped: the syslog socket %s did not take them (%s)\n", n, path,
		 why);
	return strcmp(msg, want) == 0;
}

T(log_syslog_lines)
{
	char path[108];
	int fd = sock_at(path, sizeof path);

	T_TRUE(fd >= 0);
	T_EQ_INT(log_open_syslog(path), 0);
	log_info("started: %d flow(s)", 1);
	log_warnx("s1: delivery failing (%s)", "a\nb");
	errno = EACCES;
	log_warn("checkpoint %s: cannot save", "/x");
	log_verbose = 1;
	log_debug("s1: %d of %d records failed", 2, 5);
	log_verbose = 0;
	log_debug("not written");
	log_to_stderr();
	/* daemon (3) * 8 + info 6, warning 4, debug 7 */
	T_LINE(fd, 30, "started: 1 flow(s)\n");
	T_LINE(fd, 28, "s1: delivery failing (a\\nb)\n");
	T_LINE(fd, 28, "checkpoint /x: cannot save: Permission denied\n");
	T_LINE(fd, 31, "s1: 2 of 5 records failed\n");
	T_EQ_STR(next_line(fd), "");
	/* stderr again */
	t_capture_begin();
	log_info("after");
	t_capture_end();
	T_EQ_STR(t_err, "kagent: after\n");
	T_EQ_STR(next_line(fd), "");
	T_EQ_INT(log_dropped(), 0);
	close(fd);
	unlink(path);
}

/* Nobody reads: the socket fills, lines are dropped without waiting and
 * counted; the first line that goes through afterwards says how many. */
T(log_syslog_full_and_missing_socket_drop_and_count)
{
	char path[108];
	const char *line, *msg;
	int fd = sock_at(path, sizeof path), got = 0;
	unsigned long before = log_dropped();
	struct timespec t0, t1;

	T_TRUE(fd >= 0);
	T_EQ_INT(log_open_syslog(path), 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int i = 0; i < 2000; i++)
		log_info("line %d", i);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	/* a blocked send would wait here until the test's end */
	T_TRUE(t1.tv_sec - t0.tv_sec < 5);
	while (*(line = next_line(fd))) {
		char want[32];
		T_TRUE(header_ok(line, 30, &msg));
		snprintf(want, sizeof want, "line %d\n", got);
		T_EQ_STR(msg, want);
		got++;
	}
	T_TRUE(got > 0 && got < 2000);
	T_EQ_INT(log_dropped() - before, 2000 - got);
	log_info("next");
	T_TRUE(notice_ok(fd, path, 2000 - got, "Resource temporarily unavailable"));
	T_LINE(fd, 30, "next\n");

	/* the reader goes away (logd restarting), its socket left behind:
	 * refused, dropped, counted; a new reader at the same path is found
	 * by the next line */
	close(fd);
	log_info("lost 1");
	T_EQ_INT(log_dropped() - before, 2000 - got + 1);
	unlink(path);
	fd = sock_at(path, sizeof path);
	T_TRUE(fd >= 0);
	log_info("back 1");
	T_TRUE(notice_ok(fd, path, 1, "Connection refused"));
	T_LINE(fd, 30, "back 1\n");
	/* ... or no socket at all */
	close(fd);
	unlink(path);
	log_info("lost 2");
	log_info("lost 3");
	T_EQ_INT(log_dropped() - before, 2000 - got + 3);
	fd = sock_at(path, sizeof path);
	T_TRUE(fd >= 0);
	log_info("back");
	T_TRUE(notice_ok(fd, path, 2, "No such file or directory"));
	T_LINE(fd, 30, "back\n");
	/* USR1 and the exit: the count since the start */
	char want[400];
	log_stats();
	snprintf(want, sizeof want, "syslog: %lu log lines dropped since the start (%s did not take them: "
		 "No such file or directory)\n", log_dropped(), path);
	T_LINE(fd, 28, want);
	/* syslog gone when the count is to be said: one more dropped */
	close(fd);
	unlink(path);
	unsigned long n = log_dropped();
	t_capture_begin();
	log_stats();
	t_capture_end();
	T_EQ_STR(t_err, "");
	T_EQ_INT(log_dropped(), n + 1);
	log_to_stderr();
}

T(log_syslog_path_too_long)
{
	char path[200];
	memset(path, 'a', sizeof path - 1);
	path[sizeof path - 1] = 0;
	T_EQ_INT(log_open_syslog(path), -1);
	T_EQ_INT(errno, ENAMETOOLONG);
	t_capture_begin();
	log_info("still stderr");
	t_capture_end();
	T_EQ_STR(t_err, "kagent: still stderr\n");
}
