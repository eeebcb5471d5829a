#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "fmt.h"
#include "pidfile.h"

static char pid_path[PATH_MAX];
static char pid_text[24];

/* A destructor runs where an atexit() handler would (exit() and the return
 * from main, not _exit() nor exec) without linking atexit(), which brings
 * calloc() and a malloc with it (1.1 KB on ARMv7). */
__attribute__((destructor)) static void pidfile_remove(void)
{
	char buf[sizeof pid_text];
	int fd;
	ssize_t n;

	if (!pid_path[0] || (fd = open(pid_path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		return;
	n = read(fd, buf, sizeof buf);
	close(fd);
	/* another process's file now (a second kagent started on it): leave it */
	if (n == (ssize_t)strlen(pid_text) && memcmp(buf, pid_text, (size_t)n) == 0)
		unlink(pid_path);
}

int pidfile_write(const char *path)
{
	char tmp[PATH_MAX];
	int fd, n = fmt_snprintf(pid_text, sizeof pid_text, "%ld\n", (long)getpid());
	ssize_t w;
	int e;

	if (fmt_snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp) {
		errno = ENAMETOOLONG;
		return -1;
	}
	/* O_EXCL | O_NOFOLLOW: a link planted at the temporary name makes this
	 * fail, it is never written through */
	unlink(tmp);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644)) < 0)
		return -1;
	w = write(fd, pid_text, (size_t)n);
	if (w != n) {
		e = w < 0 ? errno : EIO;
		close(fd);
	} else
		e = close(fd) < 0 || rename(tmp, path) < 0 ? errno : 0;
	if (e) {
		unlink(tmp);
		errno = e;
		return -1;
	}
	memcpy(pid_path, path, strlen(path) + 1);
	return 0;
}
