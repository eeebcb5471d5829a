/* libFuzzer target for ADDBRACKETS: every option set below, on the input, into
 * buffers of several sizes; never past cap, the same output twice (a
 * processor is a pure function of its input), within cap when it says so. */
#include "fuzz.h"

extern const struct processor proc_addbrackets;

static const char *const fz_opts[] = {
	"{\"optionName\":\"ADDBRACKETS\"}",
};
static void *fz_state[FZ_N(fz_opts)];

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fz_init(&proc_addbrackets, fz_opts, FZ_N(fz_opts), fz_state);
	fz_caps(&proc_addbrackets, fz_state, FZ_N(fz_opts), data, size);
	return 0;
}
