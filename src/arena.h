/* The start-up memory.  Every buffer kagent uses is taken from here while the
 * configuration is read; arena_seal() marks the start of the loop, after which
 * no memory is ever allocated (a test build counts any call that is). */
#ifndef ARENA_H
#define ARENA_H
#include <stddef.h>

/* Zeroed, 16-byte aligned memory for the life of the process.  Exits with
 * status 1 when out of memory or when called after arena_seal(). */
void *arena_alloc(size_t size);
/* A copy of s (len bytes) with a terminating NUL. */
char *arena_strndup(const char *s, size_t len);
/* Fuzzers only: gives back everything taken so far, so that each input
 * starts with an empty arena; every pointer from it is then dangling. */
void arena_reset(void);
/* Bytes taken so far. */
size_t arena_used(void);
/* Ends start-up: from now on arena_alloc() is a bug. */
void arena_seal(void);
int arena_sealed(void);
/* Test builds: counts allocator calls, in all and after arena_seal(). */
void arena_count_alloc(void);
unsigned long arena_allocs(void);
unsigned long arena_allocs_after_seal(void);
#endif
