/* The pidfile kagent writes itself (-p), for init scripts without a
 * supervisor (start-stop-daemon -p, busybox). */
#ifndef PIDFILE_H
#define PIDFILE_H
/* Writes this process's id and "\n" to path, replacing the file at once
 * (a temporary file renamed, never following a symlink); it is removed at
 * exit() if it still names this process, and kept through exec (a reload
 * keeps the process id).  Returns 0, or -1 with errno. */
int pidfile_write(const char *path);
#endif
