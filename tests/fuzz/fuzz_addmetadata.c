/* libFuzzer target for ADDMETADATA: every option set below, on the input, into
 * buffers of several sizes; never past cap, the same output twice (a
 * processor is a pure function of its input), within cap when it says so. */
#include "fuzz.h"

extern const struct processor proc_addmetadata;

static const char *const fz_opts[] = {
	"{\"optionName\":\"ADDMETADATA\"}",
	"{\"optionName\":\"ADDMETADATA\",\"timestamp\":\"true\",\"metadata\":{\"k\":\"v\",\"n\":[1,2.5e3,{\"x\":null}]}}",
	"{\"optionName\":\"ADDMETADATA\",\"timestamp\":\"true\",\"jsonFormat\":\"PRETTYPRINT\",\"metadata\":{\"a\":{\"b\":[{},[]]},\"a\":-0}}",
};
static void *fz_state[FZ_N(fz_opts)];

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fz_init(&proc_addmetadata, fz_opts, FZ_N(fz_opts), fz_state);
	fz_caps(&proc_addmetadata, fz_state, FZ_N(fz_opts), data, size);
	return 0;
}
