/* Start-up memory: large zeroed chunks carved by a bump pointer.  Chunks are
 * never freed; the whole set is what the agent uses for its lifetime. */
#include <stdlib.h>
#include <string.h>
#include "arena.h"
#include "log.h"

#define ARENA_CHUNK (64 * 1024)

static char *cur;
static size_t left, used;
static int sealed;
static unsigned long allocs, allocs_after_seal;

void *arena_alloc(size_t size)
{
	char *p;

	if (sealed)
		fatalx("arena_alloc(%zu) after start-up", size);
	size = (size + 15) & ~(size_t)15;
	if (size > left) {
		size_t n = size > ARENA_CHUNK ? size : ARENA_CHUNK;
		if (!(cur = calloc(1, n)))
			fatalx("out of memory taking %zu bytes", n);
		left = n;
	}
	p = cur;
	cur += size;
	left -= size;
	used += size;
	return p;
}

char *arena_strndup(const char *s, size_t len)
{
	char *p = arena_alloc(len + 1);
	memcpy(p, s, len);
	return p;
}

size_t arena_used(void) { return used; }
void arena_seal(void) { sealed = 1; }
int arena_sealed(void) { return sealed; }
void arena_count_alloc(void) { allocs++; allocs_after_seal += sealed; }
unsigned long arena_allocs(void) { return allocs; }
unsigned long arena_allocs_after_seal(void) { return allocs_after_seal; }
