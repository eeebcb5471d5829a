/* Runs every registered unit test; the last line is "N passed, N failed". */
#include <stdarg.h>
#include <stdlib.h>
#include "t.h"

#define T_MAX 1024
static struct { const char *name; t_fn fn; } tests[T_MAX];
static int ntests;
int t_failed;

void t_register(const char *name, t_fn fn)
{
	if (ntests == T_MAX) {
		fprintf(stderr, "t.h: more than %d tests\n", T_MAX);
		exit(2);
	}
	tests[ntests].name = name;
	tests[ntests++].fn = fn;
}

void t_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	fprintf(stdout, "  %s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(stdout, fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	t_failed = 1;
}

const char *t_testdata(void)
{
	const char *d = getenv("KAGENT_TESTDATA");
	return d ? d : "../shared/testdata";
}

long t_readfile(const char *path, char *buf, size_t cap)
{
	FILE *f = fopen(path, "rb");
	size_t n;
	if (!f)
		return -1;
	n = fread(buf, 1, cap - 1, f);
	fclose(f);
	buf[n] = 0;
	return (long)n;
}

int main(int argc, char **argv)
{
	int passed = 0, failed = 0;
	for (int i = 0; i < ntests; i++) {
		if (argc > 1 && !strstr(tests[i].name, argv[1]))
			continue;
		t_failed = 0;
		tests[i].fn();
		printf("%s %s\n", t_failed ? "FAIL" : "ok  ", tests[i].name);
		fflush(stdout);
		if (t_failed)
			failed++;
		else
			passed++;
	}
	printf("%d passed, %d failed\n", passed, failed);
	return failed != 0;
}
