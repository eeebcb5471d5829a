/* libFuzzer target: a hostile answer of the AWS IoT credentials provider.
 * The first byte picks the HTTP status (200, 403, 404 or 500); the rest
 * is the body.  Checks: nothing allocated; code and message NUL-ended
 * within their buffers; credentials only on success, each usable in a
 * header; nothing of them kept on failure. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "fuzz.h"
#include "fuzz_creds.h"
#include "iot.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int statuses[] = { 200, 403, 404, 500 };
	static struct creds_set out;
	char code[96], msg[256];
	int status, r;

	if (size < 1)
		return 0;
	status = statuses[data[0] & 3];
	data++;
	size--;
	memset(&out, 'x', sizeof out);
	r = FZ_LOOP(iot_answer(status, (const char *)data, size, &out, code, sizeof code, msg, sizeof msg));
	fz_creds_check(r, status, &out, code, sizeof code, msg, sizeof msg);
	return 0;
}
