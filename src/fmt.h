/* printf's formatting, for the conversions kagent uses, without libc's
 * vfprintf (7 KiB on ARMv7, most of it for floating point): the flags
 * '-' and '0', a width (digits or '*'), a precision for %s (digits or
 * '*'), the sizes l ll z j t, and %d %i %u %x %X %o %c %s %%.  Anything
 * else is a mistake the compiler's format check does not catch: it is
 * written as "%?" and the rest of the format as it is. */
#ifndef FMT_H
#define FMT_H
#include <stdarg.h>
#include <stddef.h>

/* As vsnprintf and snprintf: at most cap - 1 bytes and a NUL into out (if
 * cap > 0); returns the length the whole text has. */
int fmt_vsnprintf(char *out, size_t cap, const char *fmt, va_list ap) __attribute__((format(printf, 3, 0)));
int fmt_snprintf(char *out, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* As dprintf and printf (write(2) 256 bytes at a time, any length: no
 * stdio linked); returns the length written, or -1 if fd took less. */
int fmt_dprintf(int fd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#define fmt_printf(...) fmt_dprintf(1, __VA_ARGS__)
#endif
