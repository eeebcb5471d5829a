/* What a system call's errno means, in words, for kagent's messages. */
#ifndef ERRSTR_H
#define ERRSTR_H

/* As strerror(e), in musl's words, for every errno a file, socket or
 * process call of kagent's can return; any other as "error N" (in a static
 * buffer: good until the next such call). */
const char *errstr(int e);
#endif
