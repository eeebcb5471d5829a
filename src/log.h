/* Logging to stderr (procd, systemd and busybox init collect it), one line a
 * message, formatted into a fixed buffer: no allocation, no stdio buffering. */
#ifndef LOG_H
#define LOG_H

void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A warning; log_warn appends strerror(errno). */
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Only during start-up: a running agent degrades and reports, it does not die. */
void fatalx(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
/* -v: log_debug lines are written too. */
extern int log_verbose;
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
#endif
