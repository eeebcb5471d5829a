/* What the processor fuzz targets share: each tests/fuzz/fuzz_X.c names its
 * processor and option sets and calls one of the harnesses below.  Each
 * target is built from one .c file, so the helpers are static inline here. */
#ifndef FUZZ_H
#define FUZZ_H
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sanitizer/allocator_interface.h>

#include "conf_opts.h"
#include "proc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A processor or the matcher runs in the agent's loop, where nothing may be
 * allocated: while fz_loop is set, any malloc or free traps.  Per thread,
 * because libFuzzer's own threads (the RSS watcher) allocate whenever they
 * like. */
static __thread volatile int fz_loop;

static void fz_on_malloc(const volatile void *p, size_t n)
{
	(void)p;
	(void)n;
	if (fz_loop)
		__builtin_trap();
}

static void fz_on_free(const volatile void *p)
{
	(void)p;
	if (fz_loop)
		__builtin_trap();
}

__attribute__((constructor)) static void fz_hooks(void)
{
	__sanitizer_install_malloc_and_free_hooks(fz_on_malloc, fz_on_free);
}

/* Evaluates e (a run) as the loop would: allocating in it is a crash. */
#define FZ_LOOP(e) ({ fz_loop = 1; __typeof__(e) fz_r_ = (e); fz_loop = 0; fz_r_; })

#define FZ_N(a) (sizeof (a) / sizeof (a)[0])

/* p's state for the options in json; aborts if they are refused. */
static inline void *
fz_start(const struct processor *p, const char *json)
{
	struct conf_opts *o = conf_opts_parse(json, strlen(json));
	void *st = NULL;

	if (!o || p->init(&st, o) != 0)
		abort();
	return st;
}

/* The first time: st[i] = p's state for opts[i], for each of the n. */
static inline void
fz_init(const struct processor *p, const char *const *opts, size_t n, void **st)
{
	static int ready;
	size_t i;

	if (ready)
		return;
	for (i = 0; i < n; i++)
		st[i] = fz_start(p, opts[i]);
	ready = 1;
}

/* Runs each of the nst states on data into buffers of several sizes, the
 * first 8 bytes of data (if any) being the record's time: never past cap
 * (a guard byte), the same output twice (a processor is a pure function of
 * its input), within cap when it says so.  Aborts on any failure. */
static inline void
fz_caps(const struct processor *p, void *const *st, size_t nst, const uint8_t *data, size_t size)
{
	static const size_t caps[] = { 0, 1, 2, 7, 64, 300, 4096, (1 << 20) + 63 };
	static char out[2][(1 << 20) + 64];
	struct proc_meta m;
	size_t i, c;
	long r, r2;

	if (size > (1 << 20))
		return;
	m.wall_ms = 0;
	if (size >= 8) {
		memcpy(&m.wall_ms, data, 8);
		data += 8;
		size -= 8;
	}
	for (i = 0; i < nst; i++)
		for (c = 0; c < FZ_N(caps); c++) {
			out[0][caps[c]] = (char)0xa5;
			r = FZ_LOOP(p->run(st[i], (const char *)data, size, out[0], caps[c], &m));
			if ((unsigned char)out[0][caps[c]] != 0xa5)
				abort();	/* written past cap */
			if (r != PROC_DROP && r != PROC_TOOLONG && (r < 0 || (size_t)r > caps[c]))
				abort();
			r2 = FZ_LOOP(p->run(st[i], (const char *)data, size, out[1], caps[c], &m));
			if (r2 != r || (r > 0 && memcmp(out[0], out[1], (size_t)r) != 0))
				abort();	/* not a pure function */
		}
}

/* Runs st on in into a fresh buffer of exactly cap bytes (so ASan sees any
 * write past cap); the result, with the output copied to keep (if it fits).
 * Aborts unless the result is PROC_TOOLONG or a length within cap. */
static inline long
fz_run(const struct processor *p, void *st, const char *in, size_t n, size_t cap, char *keep)
{
	struct proc_meta m = { 0 };
	char *out = malloc(cap ? cap : 1);
	long r;

	if (!out)
		abort();
	r = FZ_LOOP(p->run(st, in, n, out, cap, &m));
	if (r >= 0) {
		if ((size_t)r > cap)
			abort();
		if (keep)
			memcpy(keep, out, (size_t)r);
	} else if (r != PROC_TOOLONG)
		abort();
	free(out);
	return r;
}

/* Runs each of the nst states on data into a buffer of full bytes, which
 * must hold the output, and which ok(out, len, i) must accept (i: the
 * state's index); then again into exactly its length (the same bytes), and
 * into len - 1, len / 2 and 0 bytes (PROC_TOOLONG).  Aborts on any failure. */
static inline void
fz_exact(const struct processor *p, void *const *st, size_t nst, const uint8_t *data, size_t size,
    size_t full, int (*ok)(const char *out, size_t len, size_t i))
{
	const char *in = (const char *)data;
	char *a = malloc(full), *b = malloc(full);
	size_t i;
	long n;

	if (!a || !b)
		abort();
	for (i = 0; i < nst; i++) {
		n = fz_run(p, st[i], in, size, full, a);
		if (n < 1 || !ok(a, (size_t)n, i))
			abort();
		/* the same again, and into exactly its length */
		if (fz_run(p, st[i], in, size, (size_t)n, b) != n || memcmp(a, b, (size_t)n) != 0)
			abort();
		/* anything shorter does not fit */
		if (fz_run(p, st[i], in, size, (size_t)n - 1, NULL) != PROC_TOOLONG)
			abort();
		if (fz_run(p, st[i], in, size, (size_t)n / 2, NULL) != PROC_TOOLONG)
			abort();
		if (fz_run(p, st[i], in, size, 0, NULL) != PROC_TOOLONG)
			abort();
	}
	free(a);
	free(b);
}
#endif
