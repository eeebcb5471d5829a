/* Start-up memory: large zeroed chunks carved by a bump pointer.  Chunks are
 * never freed; the whole set is what the agent uses for its lifetime. */
#include <stdlib.h>
#include <string.h>
#include "arena.h"
#include "log.h"

#define ARENA_CHUNK (64 * 1024)

/* Each chunk begins with a link to the one before, for arena_reset. */
struct arena_chunk {
	struct arena_chunk *prev;
	char pad[16 - sizeof(void *)];
};

static struct arena_chunk *chunks;
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
		struct arena_chunk *c = calloc(1, sizeof *c + n);
		if (!c)
			fatalx("out of memory taking %zu bytes", n);
		c->prev = chunks;
		chunks = c;
		cur = (char *)(c + 1);
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

void arena_reset(void)
{
	while (chunks) {
		struct arena_chunk *prev = chunks->prev;
		free(chunks);
		chunks = prev;
	}
	cur = NULL;
	left = used = 0;
}

size_t arena_used(void) { return used; }
void arena_seal(void) { sealed = 1; }
int arena_sealed(void) { return sealed; }
void arena_count_alloc(void) { allocs++; allocs_after_seal += sealed; }
unsigned long arena_allocs(void) { return allocs; }
unsigned long arena_allocs_after_seal(void) { return allocs_after_seal; }
