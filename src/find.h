/* Finding bytes in bytes, plainly: libc's strstr and memmem bring their
 * two-way matcher (over a kilobyte) for the few short needles kagent
 * looks for in answers and settings. */
#ifndef FIND_H
#define FIND_H
#include <stddef.h>

/* The first place needle (k bytes) starts in hay (n bytes), or NULL; an
 * empty needle is found at hay (as memmem). */
const char *find_mem(const char *hay, size_t n, const char *needle, size_t k);
/* The same in NUL-terminated strings (as strstr). */
const char *find_str(const char *hay, const char *needle);
#endif
