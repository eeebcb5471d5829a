/* What a system call's errno means, in words, for kagent's messages. */
#ifndef ERRSTR_H
#define ERRSTR_H
#include <stddef.h>

/* As strerror(e), in musl's words, for every errno a file, socket or
 * process call of kagent's can return; any other as "error N" (in a static
 * buffer: good until the next such call). */
const char *errstr(int e);

/* The words for e in a table kept as two constants, so that a switch over
 * sparse numbers does not become a jump table (bytes on the router): the n
 * numbers codes, and words, their texts one after another, each ended by
 * a NUL.  NULL if e is not one of them. */
const char *errstr_pick(const unsigned short *codes, size_t n, const char *words, int e);
#endif
