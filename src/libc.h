/* The C library a file is compiled against, as kagent -V names it: known
 * from its headers, so include a libc header first. */
#ifndef LIBC_H
#define LIBC_H

#define LIBC_STR_(x) #x
#define LIBC_STR(x) LIBC_STR_(x)
#if defined(__UCLIBC__)		/* before glibc: uClibc defines __GLIBC__ too */
#define LIBC_NAME "uClibc " LIBC_STR(__UCLIBC_MAJOR__) "." LIBC_STR(__UCLIBC_MINOR__) "." \
	LIBC_STR(__UCLIBC_SUBLEVEL__)
#elif defined(__GLIBC__)
#define LIBC_NAME "glibc " LIBC_STR(__GLIBC__) "." LIBC_STR(__GLIBC_MINOR__)
#elif defined(__LONG_MAX)
/* musl has no macro naming it; its bits/alltypes.h defines __LONG_MAX on
 * every architecture, which glibc's headers and the compiler's do not */
#define LIBC_NAME "musl"
#else
#define LIBC_NAME "unknown"
#endif
#endif
