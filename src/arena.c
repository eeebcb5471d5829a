/* Start-up memory: large zeroed chunks carved by a bump pointer.  Chunks are
 * never freed; the whole set is what the agent uses for its lifetime.  They
 * are mapped, not malloc'ed: nothing else in kagent allocates, so libc's
 * allocator is not linked at all (5 KiB on ARMv7). */
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include "arena.h"
#include "log.h"

#define ARENA_CHUNK (64 * 1024)

/* Each chunk begins with a link to the one before and its size, for arena_reset. */
struct arena_chunk {
	_Alignas(16) struct arena_chunk *prev;	/* what follows stays 16-byte aligned */
	size_t size;
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
		struct arena_chunk *c = n > SIZE_MAX - sizeof *c ? MAP_FAILED :
			mmap(NULL, sizeof *c + n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (c == MAP_FAILED)
			fatalx("out of memory taking %zu bytes", n);
		c->size = sizeof *c + n;
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
		munmap(chunks, chunks->size);
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
