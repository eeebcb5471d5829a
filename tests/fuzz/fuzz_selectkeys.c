/* libFuzzer target for SELECTKEYS: every option set below, on the input, into
 * buffers of several sizes; never past cap, the same output twice (a
 * processor is a pure function of its input), within cap when it says so. */
#include "fuzz.h"

extern const struct processor proc_selectkeys;

static const char *const fz_opts[] = {
	"{\"optionName\":\"SELECTKEYS\",\"data_keys\":[\"log\",\"a\",\"\\u00e9\"]}",
	"{\"optionName\":\"SELECTKEYS\",\"log_key\":\"log\"}",
	"{\"optionName\":\"SELECTKEYS\",\"log_key\":\"a\\\"b\"}",
};
static void *fz_state[FZ_N(fz_opts)];

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fz_init(&proc_selectkeys, fz_opts, FZ_N(fz_opts), fz_state);
	fz_caps(&proc_selectkeys, fz_state, FZ_N(fz_opts), data, size);
	return 0;
}
