/* Minimal unit-test harness: tests register themselves, main.c runs them.
 *
 *   T(base64_rfc4648) { T_EQ_STR(out, "Zm9v"); }
 *
 * A failed check prints file:line and what differed, then leaves the test. */
#ifndef T_H
#define T_H
#include <stdio.h>
#include <string.h>

typedef void (*t_fn)(void);
void t_register(const char *name, t_fn fn);
void t_fail(const char *file, int line, const char *fmt, ...);
extern int t_failed;	/* set by t_fail during the running test */
/* Directory of ../shared/testdata (env KAGENT_TESTDATA, else ../shared/testdata). */
const char *t_testdata(void);
/* Reads a whole file into buf (NUL-terminated); returns its length or -1. */
long t_readfile(const char *path, char *buf, size_t cap);

#define T(name) \
	static void name(void); \
	__attribute__((constructor)) static void t_reg_##name(void) { t_register(#name, name); } \
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
