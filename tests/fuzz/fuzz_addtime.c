/* libFuzzer target for ADDTIME: every option set below, on the input, into
 * buffers of several sizes; never past cap, the same output twice (a
 * processor is a pure function of its input), within cap when it says so. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "proc.h"

extern const struct processor proc_addtime;

static const char *const fz_opts[] = {
	"{\"optionName\":\"ADDTIME\",\"time_key\":\"time\"}",
	"{\"optionName\":\"ADDTIME\",\"time_key\":\"t\\\"\",\"time_key_format\":\"%Y%y%m%d%e%j%H%M%S%a%A\\\"\"}",
	"{\"optionName\":\"ADDTIME\",\"time_key\":\"u\",\"time_key_format\":\"%b%B%F%T%s%z%Z%%%3N%9N%L\\u00e9\"}",
};
#define FZ_NOPTS (sizeof fz_opts / sizeof fz_opts[0])

static void *fz_state[FZ_NOPTS];
static char fz_out[2][(1 << 20) + 64];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t caps[] = { 0, 1, 2, 7, 64, 300, 4096, (1 << 20) + 63 };
	static int ready;
	struct proc_meta m;
	size_t i, c;
	long r, r2;

	if (!ready) {
		for (i = 0; i < FZ_NOPTS; i++) {
			struct conf_opts *o = conf_opts_parse(fz_opts[i], strlen(fz_opts[i]));

			if (!o || proc_addtime.init(&fz_state[i], o) != 0)
				abort();
		}
		ready = 1;
	}
	if (size > (1 << 20))
		return 0;
	/* the first 8 bytes, if any, are the record's time */
	m.wall_ms = 0;
	if (size >= 8) {
		memcpy(&m.wall_ms, data, 8);
		data += 8;
		size -= 8;
	}
	for (i = 0; i < FZ_NOPTS; i++)
		for (c = 0; c < sizeof caps / sizeof caps[0]; c++) {
			fz_out[0][caps[c]] = (char)0xa5;
			r = proc_addtime.run(fz_state[i], (const char *)data, size, fz_out[0], caps[c], &m);
			if ((unsigned char)fz_out[0][caps[c]] != 0xa5)
				abort();	/* written past cap */
			if (r != PROC_DROP && r != PROC_TOOLONG && (r < 0 || (size_t)r > caps[c]))
				abort();
			r2 = proc_addtime.run(fz_state[i], (const char *)data, size, fz_out[1], caps[c], &m);
			if (r2 != r || (r > 0 && memcmp(fz_out[0], fz_out[1], (size_t)r) != 0))
				abort();	/* not a pure function */
		}
	return 0;
}
