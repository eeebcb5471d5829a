/* libFuzzer target: SINGLELINE with each option set, on any bytes, into
 * buffers of exactly cap bytes (so ASan sees any write past cap) for several
 * caps.  Checks: the result fits, small caps give PROC_TOOLONG and the exact
 * length fits, runs are repeatable, the output is one line ending in '\n'
 * and valid UTF-8. */
#include "fuzz.h"

extern const struct processor proc_singleline;

static const char *const fz_opts[] = {
	"{\"optionName\":\"SINGLELINE\"}",
	"{\"optionName\":\"SINGLELINE\",\"parseOptions\":[\"NO_TRIM\"]}",
	"{\"optionName\":\"SINGLELINE\",\"parseOptions\":[\"ESCAPE_NEW_LINE\"]}",
	"{\"optionName\":\"SINGLELINE\",\"parseOptions\":[\"NO_TRIM\",\"ESCAPE_NEW_LINE\"]}",
};

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

static void *fz_state[FZ_N(fz_opts)];

/* One line ending in '\n', valid UTF-8. */
static int fz_ok(const char *out, size_t n, size_t i)
{
	(void)i;
	return out[n - 1] == '\n' && !memchr(out, '\n', n - 1) && fz_utf8((const unsigned char *)out, n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fz_init(&proc_singleline, fz_opts, FZ_N(fz_opts), fz_state);
	fz_exact(&proc_singleline, fz_state, FZ_N(fz_opts), data, size, 5 * size + 16, fz_ok);
	return 0;
}
