/* Writing files whole: the checkpoint, the status document, -t's output. */
#ifndef FILE_H
#define FILE_H
#include <stddef.h>

/* n bytes at p to fd, through short writes and EINTR: 0, or -1 (errno). */
int file_write_all(int fd, const void *p, size_t n);
/* tmp made anew for writing (mode 0644): never through a link someone put
 * at its name, nor into a file already there (a hard link to another file,
 * or one left by a crash: removed first, which removes the name only).
 * The descriptor, or -1 (errno). */
int file_create_tmp(const char *tmp);
#endif
