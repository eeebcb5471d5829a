/* Logging, one line a message, to stderr (the default: procd, systemd and
 * busybox init collect it) or, after log_open_syslog, to the syslog socket.
 * Formatted into fixed buffers: no allocation, no stdio buffering, and the
 * syslog socket never blocks.  A message may carry text from outside (a
 * server's answer, a file name, a record): its control bytes are written
 * escaped (log_escape), so that text can neither forge a line nor drive a
 * terminal. */
#ifndef LOG_H
#define LOG_H
#include <stddef.h>

/* Severity info. */
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Severity warning; log_warn appends errstr(errno). */
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Severity error, then exit(1).  Only during start-up: a running agent
 * degrades and reports, it does not die. */
void fatalx(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
/* -v: log_debug lines (severity debug) are written too. */
extern int log_verbose;
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* From now on, lines go to the syslog datagram socket at path (normally
 * LOG_SYSLOG_PATH) as "<PRI>kagent[pid]: message" (the daemon adds the time), facility
 * daemon, the way busybox syslogd, OpenWrt's logd and journald read them.
 * Each line is sent without waiting: one the socket does not take (full,
 * missing, its reader restarting) is dropped and counted, and the next line
 * that goes through is preceded by how many were.  Returns 0, or -1 with
 * errno (no socket, or a path too long for one). */
#define LOG_SYSLOG_PATH "/dev/log"
int log_open_syslog(const char *path);
/* Back to stderr; the syslog socket is closed and its counts kept. */
void log_to_stderr(void);
/* Lines the syslog socket did not take since the start. */
unsigned long log_dropped(void);
/* For USR1 and the exit: when logging to syslog and lines were dropped,
 * logs how many. */
void log_stats(void);

/* Copies src (n bytes) into out (cap > 0 bytes, NUL-ended) with every byte
 * that is not printable text written as an escape: \n \r \t, else \xHH for
 * the other C0 controls, DEL, the C1 controls (U+0080-U+009F) and bytes that
 * are not valid UTF-8.  Valid UTF-8 otherwise passes unchanged, and so does
 * a backslash.  Stops before an escape or a character that would not fit.
 * Returns the length written. */
size_t log_escape(char *out, size_t cap, const char *src, size_t n);
#endif
