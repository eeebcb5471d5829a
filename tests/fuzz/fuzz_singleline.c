/* libFuzzer target: SINGLELINE with each option set, on any bytes, into
 * buffers of exactly cap bytes (so ASan sees any write past cap) for several
 * caps.  Checks: the result fits, small caps give PROC_TOOLONG and the exact
 * length fits, runs are repeatable, the output is one line ending in '\n'
 * and valid UTF-8. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "conf.h"
#include "proc.h"

extern const struct processor proc_singleline;

static const char *const fz_opts[] = {
	"{\"optionName\":\"SINGLELINE\"}",
	"{\"optionName\":\"SINGLELINE\",\"parseOptions\":[\"NO_TRIM\"]}",
	"{\"optionName\":\"SINGLELINE\",\"parseOptions\":[\"ESCAPE_NEW_LINE\"]}",
	"{\"optionName\":\"SINGLELINE\",\"parseOptions\":[\"NO_TRIM\",\"ESCAPE_NEW_LINE\"]}",
};
#define FZ_NOPTS (sizeof fz_opts / sizeof fz_opts[0])

/* 1 if s[0..n) is valid UTF-8 with no surrogates and nothing above U+10FFFF. */
static int fz_utf8(const unsigned char *s, size_t n)
{
	size_t i = 0, k, j;
	unsigned long u;

	while (i < n) {
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		if (s[i] >= 0xc2 && s[i] <= 0xdf)
			k = 1, u = s[i] & 0x1f;
		else if (s[i] >= 0xe0 && s[i] <= 0xef)
			k = 2, u = s[i] & 0x0f;
		else if (s[i] >= 0xf0 && s[i] <= 0xf4)
			k = 3, u = s[i] & 0x07;
		else
			return 0;
		for (j = 1; j <= k; j++) {
			if (i + j >= n || (s[i + j] & 0xc0) != 0x80)
				return 0;
			u = u << 6 | (s[i + j] & 0x3f);
		}
		if ((k == 2 && u < 0x800) || (k == 3 && u < 0x10000) || u > 0x10ffff ||
		    (u >= 0xd800 && u <= 0xdfff))
			return 0;
		i += k + 1;
	}
	return 1;
}

static void *fz_state[FZ_NOPTS];

static void fz_init(void)
{
	for (size_t i = 0; i < FZ_NOPTS; i++) {
		struct conf_opts *o = conf_opts_parse(fz_opts[i], strlen(fz_opts[i]));
		if (!o || proc_singleline.init(&fz_state[i], o) != 0)
			abort();
	}
}

/* Runs state st on in into a fresh buffer of exactly cap bytes; the result,
 * with the output copied to keep (if it fits). */
static long fz_run(void *st, const char *in, size_t n, size_t cap, char *keep)
{
	struct proc_meta m = { 0 };
	char *out = malloc(cap ? cap : 1);
	long r;

	if (!out)
		abort();
	r = proc_singleline.run(st, in, n, out, cap, &m);
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	const char *in = (const char *)data;
	size_t full = 5 * size + 16;
	char *a = malloc(full), *b = malloc(full);
	long n;

	if (!ready) {
		fz_init();
		ready = 1;
	}
	if (!a || !b)
		abort();
	for (size_t i = 0; i < FZ_NOPTS; i++) {
		n = fz_run(fz_state[i], in, size, full, a);
		if (n < 1 || a[n - 1] != '\n' || memchr(a, '\n', (size_t)n - 1) || !fz_utf8((unsigned char *)a, (size_t)n))
			abort();
		/* the same again, and into exactly its length */
		if (fz_run(fz_state[i], in, size, (size_t)n, b) != n || memcmp(a, b, (size_t)n) != 0)
			abort();
		/* anything shorter does not fit */
		if (fz_run(fz_state[i], in, size, (size_t)n - 1, NULL) != PROC_TOOLONG)
			abort();
		if (fz_run(fz_state[i], in, size, (size_t)n / 2, NULL) != PROC_TOOLONG)
			abort();
		if (fz_run(fz_state[i], in, size, 0, NULL) != PROC_TOOLONG)
			abort();
	}
	free(a);
	free(b);
	return 0;
}
