/* libFuzzer target for ADDTIME: every option set below, on the input, into
 * buffers of several sizes; never past cap, the same output twice (a
 * processor is a pure function of its input), within cap when it says so.
 * And json_flat, which reads its records first: what it takes, jsmn makes
 * the same tokens of. */
#include "fuzz.h"
#include "json.h"

extern const struct processor proc_addtime;

static const char *const fz_opts[] = {
	"{\"optionName\":\"ADDTIME\",\"time_key\":\"time\"}",
	"{\"optionName\":\"ADDTIME\",\"time_key\":\"t\\\"\",\"time_key_format\":\"%Y%y%m%d%e%j%H%M%S%a%A\\\"\"}",
	"{\"optionName\":\"ADDTIME\",\"time_key\":\"u\",\"time_key_format\":\"%b%B%F%T%s%z%Z%%%3N%9N%L\\u00e9\"}",
};
static void *fz_state[FZ_N(fz_opts)];

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static jsmntok_t flat[64], full[64];
	jsmn_parser p;
	int esc = 0, r = json_flat((const char *)data, size, flat, 64, &esc);

	if (r > 0) {
		jsmn_init(&p);
		if (jsmn_parse(&p, (const char *)data, size, full, 64) != r || memcmp(flat, full, (size_t)r * sizeof *flat))
			abort();
	}
	fz_init(&proc_addtime, fz_opts, FZ_N(fz_opts), fz_state);
	fz_caps(&proc_addtime, fz_state, FZ_N(fz_opts), data, size);
	return 0;
}
