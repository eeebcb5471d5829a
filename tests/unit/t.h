/* Minimal unit-test harness: tests register themselves, main.c runs them.
 *
 *   T(base64_rfc4648) { T_EQ_STR(out, "Zm9v"); }
 *
 * A failed check prints file:line and what differed, then leaves the test. */
#ifndef T_H
#define T_H
#include <stdint.h>
#include <stdio.h>
#include <string.h>

typedef void (*t_fn)(void);
void t_register(const char *file, int line, const char *name, t_fn fn);
void t_fail(const char *file, int line, const char *fmt, ...);
extern int t_failed;	/* set by t_fail during the running test */
/* The test data folder: env KAGENT_TESTDATA, else tests/data (the tests run
 * from the repository's root). */
const char *t_testdata(void);
/* Reads a whole file into buf (NUL-terminated); returns its length or -1. */
long t_readfile(const char *path, char *buf, size_t cap);

/* stderr (fd 2) goes to a temporary file from t_capture_begin until
 * t_capture_end, which returns what was written there: NUL-terminated, its
 * first T_ERR_MAX - 1 bytes, in t_err (the next capture overwrites it).
 * Captures do not nest. */
#define T_ERR_MAX 8192
extern char t_err[T_ERR_MAX];
void t_capture_begin(void);
const char *t_capture_end(void);

/* Processors (proc.h) run from their options text, stderr captured in
 * t_err.  Outputs go to one static buffer: at most T_PROC_OUT - 1 bytes,
 * NUL-terminated, overwritten by the next run. */
#define T_PROC_OUT 8192
struct processor;
/* p's state for the options in json (conf_opts_parse), or NULL if refused
 * (or if p keeps no state: run those with t_proc). */
void *t_proc_new(const struct processor *p, const char *json);
/* Runs st (p's state) on in (n bytes) with wall time ms; the output, or
 * "TOOLONG", "DROP", or "INIT FAILED" when st is NULL.  *len (if len is not
 * NULL) is the output's length, 0 when there is none. */
const char *t_proc_run(const struct processor *p, void *st, const char *in, size_t n, int64_t ms,
    size_t *len);
/* t_proc_new then t_proc_run, with what both said in t_err. */
const char *t_proc(const struct processor *p, const char *json, const char *in, size_t n, int64_t ms,
    size_t *len);
/* 0 if st (p's state) on the NUL-terminated in gives exactly want at cap
 * strlen(want), PROC_TOOLONG at every smaller cap, and never writes at or
 * past cap; -1 if not, -2 if st is NULL. */
int t_proc_caps(const struct processor *p, void *st, const char *in, const char *want);

/* Changes buf (*n bytes, at most cap) at random from *seed: 1 to 3 edits,
 * each a byte of bytes (nb of them) put in or replacing one, or a byte
 * taken out.  For tests that hold a fast reader to a slow one. */
void t_mutate(char *buf, size_t *n, size_t cap, uint32_t *seed, const char *bytes, size_t nb);

#define T(name) \
	static void name(void); \
	__attribute__((constructor)) static void t_reg_##name(void) { t_register(__FILE__, __LINE__, #name, name); } \
	static void name(void)

#define T_TRUE(c) do { if (!(c)) { t_fail(__FILE__, __LINE__, "%s", #c); return; } } while (0)
#define T_EQ_INT(a, b) do { long long t_a = (long long)(a), t_b = (long long)(b); \
	if (t_a != t_b) { t_fail(__FILE__, __LINE__, "%s == %lld, expected %lld", #a, t_a, t_b); return; } } while (0)
#define T_EQ_STR(a, b) do { const char *t_a = (a), *t_b = (b); \
	if (strcmp(t_a, t_b) != 0) { t_fail(__FILE__, __LINE__, "%s:\n  got      \"%s\"\n  expected \"%s\"", #a, t_a, t_b); return; } } while (0)
#define T_EQ_MEM(a, alen, b, blen) do { size_t t_al = (alen), t_bl = (blen); \
	if (t_al != t_bl || memcmp((a), (b), t_al) != 0) { \
		t_fail(__FILE__, __LINE__, "%s:\n  got      \"%.*s\" (%zu)\n  expected \"%.*s\" (%zu)", \
		       #a, (int)t_al, (const char *)(a), t_al, (int)t_bl, (const char *)(b), t_bl); return; } } while (0)
#endif
