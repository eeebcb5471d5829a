/* Runs every registered unit test; the last line is "N passed, N failed". */
#include <stdarg.h>
#include <stdlib.h>
#include <unistd.h>
#include "t.h"
#include "conf_opts.h"
#include "proc.h"

#define T_MAX 1024
static struct t_test { const char *file; int line; const char *name; t_fn fn; } tests[T_MAX];
static int ntests;
int t_failed;

void t_register(const char *file, int line, const char *name, t_fn fn)
{
	if (ntests == T_MAX) {
		fprintf(stderr, "t.h: more than %d tests\n", T_MAX);
		exit(2);
	}
	tests[ntests].file = file;
	tests[ntests].line = line;
	tests[ntests].name = name;
	tests[ntests++].fn = fn;
}

/* Tests run in the order they are written, file by file: the order of the
 * constructors that register them is the linker's (another with -flto). */
static int t_order(const void *a, const void *b)
{
	const struct t_test *x = a, *y = b;
	int c = strcmp(x->file, y->file);

	return c ? c : x->line - y->line;
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
	return d ? d : "tests/data";
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

char t_err[T_ERR_MAX];
static int t_cap_fd = -1, t_cap_saved = -1;

void t_capture_begin(void)
{
	char path[] = "/tmp/kagent-unit-err-XXXXXX";

	fflush(stderr);
	t_cap_fd = mkstemp(path);
	if (t_cap_fd < 0)
		return;
	unlink(path);
	t_cap_saved = dup(2);
	dup2(t_cap_fd, 2);
}

const char *t_capture_end(void)
{
	ssize_t n = 0;

	t_err[0] = 0;
	if (t_cap_fd < 0)
		return t_err;
	fflush(stderr);
	dup2(t_cap_saved, 2);
	close(t_cap_saved);
	lseek(t_cap_fd, 0, SEEK_SET);
	n = read(t_cap_fd, t_err, sizeof t_err - 1);
	close(t_cap_fd);
	t_cap_fd = t_cap_saved = -1;
	t_err[n > 0 ? n : 0] = 0;
	return t_err;
}

static char t_out[T_PROC_OUT];

static int t_proc_init(const struct processor *p, const char *json, void **st)
{
	struct conf_opts *o = conf_opts_parse(json, strlen(json));

	*st = NULL;
	return o ? p->init(st, o) : -1;
}

static const char *t_proc_out(const struct processor *p, void *st, const char *in, size_t n, int64_t ms,
    size_t *len)
{
	struct proc_meta m = { ms };
	long r;

	if (len)
		*len = 0;
	r = p->run(st, in, n, t_out, sizeof t_out - 1, &m);
	if (r < 0)
		return r == PROC_TOOLONG ? "TOOLONG" : "DROP";
	t_out[r] = 0;
	if (len)
		*len = (size_t)r;
	return t_out;
}

void *t_proc_new(const struct processor *p, const char *json)
{
	void *st;
	int rc;

	t_capture_begin();
	rc = t_proc_init(p, json, &st);
	t_capture_end();
	return rc == 0 ? st : NULL;
}

void t_mutate(char *buf, size_t *n, size_t cap, uint32_t *seed, const char *bytes, size_t nb)
{
	for (int k = 1 + (int)(*seed % 3); k > 0; k--) {
		size_t at;
		char c;

		*seed = *seed * 1103515245u + 12345u;
		at = *n ? (*seed >> 8) % (*n + 1) : 0;
		c = bytes[(*seed >> 20) % nb];
		if ((*seed & 3) == 0 && *n + 1 < cap) {
			memmove(buf + at + 1, buf + at, *n - at);
			buf[at] = c;
			(*n)++;
		} else if ((*seed & 3) == 1 && at < *n) {
			memmove(buf + at, buf + at + 1, *n - at - 1);
			(*n)--;
		} else if (at < *n) {
			buf[at] = c;
		}
	}
}

const char *t_proc_run(const struct processor *p, void *st, const char *in, size_t n, int64_t ms,
    size_t *len)
{
	const char *out;

	if (len)
		*len = 0;
	if (!st)
		return "INIT FAILED";
	t_capture_begin();
	out = t_proc_out(p, st, in, n, ms, len);
	t_capture_end();
	return out;
}

const char *t_proc(const struct processor *p, const char *json, const char *in, size_t n, int64_t ms,
    size_t *len)
{
	const char *out = "INIT FAILED";
	void *st;

	if (len)
		*len = 0;
	t_capture_begin();
	if (t_proc_init(p, json, &st) == 0)
		out = t_proc_out(p, st, in, n, ms, len);
	t_capture_end();
	return out;
}

int t_proc_caps(const struct processor *p, void *st, const char *in, const char *want)
{
	char out[512];
	struct proc_meta m = { 0 };
	size_t wn = strlen(want), cap, i;
	long n;

	if (!st)
		return -2;
	for (cap = 0; cap <= wn; cap++) {
		memset(out, 0x5a, sizeof out);
		n = p->run(st, in, strlen(in), out, cap, &m);
		if (cap < wn && n != PROC_TOOLONG)
			return -1;
		if (cap == wn && (n != (long)wn || memcmp(out, want, wn) != 0))
			return -1;
		for (i = cap; i < sizeof out; i++)
			if (out[i] != 0x5a)
				return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	int passed = 0, failed = 0;
	qsort(tests, (size_t)ntests, sizeof tests[0], t_order);
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
