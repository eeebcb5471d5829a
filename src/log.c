#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "log.h"

int log_verbose;

static void emit(const char *level, int err, const char *fmt, va_list ap)
{
	char buf[1024];
	int n = snprintf(buf, sizeof buf, "kagent: %s", level);

	n += vsnprintf(buf + n, sizeof buf - n, fmt, ap);
	if (n >= (int)sizeof buf - 1)
		n = sizeof buf - 2;
	if (err) {
		n += snprintf(buf + n, sizeof buf - n, ": %s", strerror(err));
		if (n >= (int)sizeof buf - 1)
			n = sizeof buf - 2;
	}
	buf[n++] = '\n';
	(void)!write(2, buf, n);
}

#define LOGFN(name, level, err) \
	void name(const char *fmt, ...) \
	{ \
		int e = errno; \
		va_list ap; \
		va_start(ap, fmt); \
		emit(level, err ? e : 0, fmt, ap); \
		va_end(ap); \
		errno = e; \
	}

LOGFN(log_info, "", 0)
LOGFN(log_warn, "warning: ", 1)
LOGFN(log_warnx, "warning: ", 0)

void log_debug(const char *fmt, ...)
{
	va_list ap;
	if (!log_verbose)
		return;
	va_start(ap, fmt);
	emit("debug: ", 0, fmt, ap);
	va_end(ap);
}

void fatalx(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	emit("error: ", 0, fmt, ap);
	va_end(ap);
	exit(1);
}
