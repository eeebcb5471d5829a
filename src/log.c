#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include "errstr.h"
#include "fmt.h"
#include "log.h"

#define LOG_MSG_MAX 1024	/* a message as formatted; longer ones are cut */
#define LOG_LINE_MAX 1536	/* the line written: header and the escaped message */

/* syslog's severities (RFC 5424 6.2.1) and the daemon facility */
enum { SEV_ERR = 3, SEV_WARNING = 4, SEV_INFO = 6, SEV_DEBUG = 7 };
#define FACILITY_DAEMON (3 << 3)

int log_verbose;

static struct {
	int fd;				/* -1: stderr */
	struct sockaddr_un addr;
	long pid;
	unsigned long dropped;		/* since the start */
	unsigned long unsaid;		/* dropped since a line last went through */
	int err;			/* errno of the last drop */
} sl = { .fd = -1 };

/* Length of the valid UTF-8 sequence at s (n > 0 bytes), or 0 if there is
 * none: no overlong forms, surrogates or values past U+10FFFF. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	size_t len;
	unsigned char lo = 0x80, hi = 0xbf;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		lo = s[0] == 0xe0 ? 0xa0 : 0x80;
		hi = s[0] == 0xed ? 0x9f : 0xbf;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		lo = s[0] == 0xf0 ? 0x90 : 0x80;
		hi = s[0] == 0xf4 ? 0x8f : 0xbf;
	} else
		return 0;
	if (n < len || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < len; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return len;
}

size_t log_escape(char *out, size_t cap, const char *src, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *s = (const unsigned char *)src;
	size_t o = 0, i = 0;

	while (i < n) {
		size_t len = utf8_len(s + i, n - i);
		/* text: printable ASCII, or a whole character that is not a C1
		 * control (U+0080-U+009F is 0xc2 0x80-0x9f) */
		int text = len > 1 ? !(s[i] == 0xc2 && s[i + 1] < 0xa0) : len == 1 && s[i] >= 0x20 && s[i] != 0x7f;

		if (text) {
			if (o + len >= cap)
				break;
			memcpy(out + o, s + i, len);
			o += len;
			i += len;
			continue;
		}
		unsigned char c = s[i];
		int two = c == '\n' || c == '\r' || c == '\t';
		if (o + (two ? 2 : 4) >= cap)
			break;
		out[o++] = '\\';
		if (two)
			out[o++] = c == '\n' ? 'n' : c == '\r' ? 'r' : 't';
		else {
			out[o++] = 'x';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 15];
		}
		i++;
	}
	out[o] = '\0';
	return o;
}

/* "<PRI>kagent[pid]: ".  No timestamp: the syslog daemon stamps a line
 * without one with its own clock and time zone (busybox syslogd, logd,
 * journald and rsyslog all do), which a static binary on a board without
 * zone files would get wrong, and no zone code is linked (3 KiB on ARMv7). */
static size_t syslog_header(char *buf, size_t cap, int sev)
{
	int n = fmt_snprintf(buf, cap, "<%d>kagent[%ld]: ", FACILITY_DAEMON | sev, sl.pid);

	return n < 0 ? 0 : (size_t)n < cap ? (size_t)n : cap - 1;
}

static int syslog_send(const char *buf, size_t n)
{
	ssize_t w = sendto(sl.fd, buf, n, MSG_DONTWAIT | MSG_NOSIGNAL, (const struct sockaddr *)&sl.addr,
			   sizeof sl.addr);
	return w == (ssize_t)n ? 0 : -1;
}

/* Sends one message, after the count of those dropped before it if any; a
 * line the socket does not take is dropped and counted. */
static void syslog_line(int sev, const char *msg, size_t n)
{
	char line[LOG_LINE_MAX];
	size_t h;

	if (sl.unsaid) {
		h = syslog_header(line, sizeof line, SEV_WARNING);
		h += (size_t)fmt_snprintf(line + h, sizeof line - h, "%lu log lines dropped: the syslog socket %s "
				      "did not take them (%s)\n", sl.unsaid, sl.addr.sun_path, errstr(sl.err));
		if (syslog_send(line, h) < 0)
			goto drop;
		sl.unsaid = 0;
	}
	h = syslog_header(line, sizeof line, sev);
	h += log_escape(line + h, sizeof line - h - 1, msg, n);
	line[h++] = '\n';
	if (syslog_send(line, h) == 0)
		return;
drop:
	sl.err = errno;
	sl.dropped++;
	sl.unsaid++;
}

static void stderr_line(const char *word, const char *msg, size_t n)
{
	char line[LOG_LINE_MAX];
	size_t h = (size_t)fmt_snprintf(line, sizeof line, "kagent: %s", word);

	h += log_escape(line + h, sizeof line - h - 1, msg, n);
	line[h++] = '\n';
	(void)!write(2, line, h);
}

/* word: the severity as stderr shows it; syslog has it in the priority */
static void emit(int sev, const char *word, int err, const char *fmt, va_list ap)
{
	char msg[LOG_MSG_MAX];
	int n = fmt_vsnprintf(msg, sizeof msg, fmt, ap);

	n = n < 0 ? 0 : n >= (int)sizeof msg ? (int)sizeof msg - 1 : n;
	if (err) {
		int m = fmt_snprintf(msg + n, sizeof msg - n, ": %s", errstr(err));
		n = m < 0 ? n : n + m >= (int)sizeof msg ? (int)sizeof msg - 1 : n + m;
	}
	if (sl.fd >= 0)
		syslog_line(sev, msg, (size_t)n);
	else
		stderr_line(word, msg, (size_t)n);
}

#define LOGFN(name, sev, word, err) \
	void name(const char *fmt, ...) \
	{ \
		int e = errno; \
		va_list ap; \
		va_start(ap, fmt); \
		emit(sev, word, err ? e : 0, fmt, ap); \
		va_end(ap); \
		errno = e; \
	}

LOGFN(log_info, SEV_INFO, "", 0)
LOGFN(log_warn, SEV_WARNING, "warning: ", 1)
LOGFN(log_warnx, SEV_WARNING, "warning: ", 0)

void log_debug(const char *fmt, ...)
{
	va_list ap;
	if (!log_verbose)
		return;
	va_start(ap, fmt);
	emit(SEV_DEBUG, "debug: ", 0, fmt, ap);
	va_end(ap);
}

void fatalx(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	emit(SEV_ERR, "error: ", 0, fmt, ap);
	va_end(ap);
	exit(1);
}

int log_open_syslog(const char *path)
{
	int fd;

	if (strlen(path) >= sizeof sl.addr.sun_path) {
		errno = ENAMETOOLONG;
		return -1;
	}
	/* A datagram socket, as busybox syslogd, OpenWrt's logd, journald and
	 * rsyslog all listen on; never connected, so a reader that restarts
	 * (a new socket at the same path) is found by the next line. */
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) < 0)
		return -1;
	if (sl.fd >= 0)
		close(sl.fd);
	sl.fd = fd;
	sl.addr.sun_family = AF_UNIX;
	memcpy(sl.addr.sun_path, path, strlen(path) + 1);
	sl.pid = (long)getpid();
	return 0;
}

void log_to_stderr(void)
{
	if (sl.fd >= 0)
		close(sl.fd);
	sl.fd = -1;
}

unsigned long log_dropped(void)
{
	return sl.dropped;
}

void log_stats(void)
{
	if (sl.fd >= 0 && sl.dropped)
		log_warnx("syslog: %lu log lines dropped since the start (%s did not take them: %s)", sl.dropped,
			  sl.addr.sun_path, errstr(sl.err));
}
