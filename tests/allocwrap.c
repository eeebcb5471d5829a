/* Linked into build/<target>/kagent-allocs with -Wl,--wrap=malloc,...:
 * counts every allocator call made after arena_seal(), whoever makes it
 * (kagent, BearSSL or libc), so a test can assert that there are none.
 * mmap and munmap count too: the arena maps its chunks itself, and memory
 * mapped in the loop would be a heap by another name. */
#include <stddef.h>
#include <sys/types.h>
#include "arena.h"

void *__real_malloc(size_t);
void *__real_calloc(size_t, size_t);
void *__real_realloc(void *, size_t);
void __real_free(void *);
void *__real_aligned_alloc(size_t, size_t);
int __real_posix_memalign(void **, size_t, size_t);

void *__wrap_malloc(size_t n) { arena_count_alloc(); return __real_malloc(n); }
void *__wrap_calloc(size_t n, size_t m) { arena_count_alloc(); return __real_calloc(n, m); }
void *__wrap_realloc(void *p, size_t n) { arena_count_alloc(); return __real_realloc(p, n); }
void __wrap_free(void *p) { if (p) arena_count_alloc(); __real_free(p); }
void *__wrap_aligned_alloc(size_t a, size_t n) { arena_count_alloc(); return __real_aligned_alloc(a, n); }
int __wrap_posix_memalign(void **p, size_t a, size_t n) { arena_count_alloc(); return __real_posix_memalign(p, a, n); }

void *__real_mmap(void *, size_t, int, int, int, off_t);
int __real_munmap(void *, size_t);
void *__wrap_mmap(void *a, size_t n, int prot, int flags, int fd, off_t off)
{
	arena_count_alloc();
	return __real_mmap(a, n, prot, flags, fd, off);
}
int __wrap_munmap(void *a, size_t n) { arena_count_alloc(); return __real_munmap(a, n); }

#ifdef __GLIBC__
/* glibc's <sys/mman.h> names mmap64 for mmap under _FILE_OFFSET_BITS=64
 * (the sanitizer build): without this the arena's maps went uncounted. */
void *__real_mmap64(void *, size_t, int, int, int, off_t);
void *__wrap_mmap64(void *a, size_t n, int prot, int flags, int fd, off_t off)
{
	arena_count_alloc();
	return __real_mmap64(a, n, prot, flags, fd, off);
}
#endif
