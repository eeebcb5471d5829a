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
	if (strnlen(code, sizeof code) == sizeof code || strnlen(msg, sizeof msg) == sizeof msg)
		abort();
	if (r == 0) {
		if (status != 200 || code[0] || !creds_value_ok(out.id, strlen(out.id), CREDS_ID_MAX) ||
		    !creds_value_ok(out.secret, strlen(out.secret), CREDS_SECRET_MAX) ||
		    !creds_value_ok(out.token, strlen(out.token), CREDS_TOKEN_MAX) || out.expires <= 0)
			abort();
	} else if (r != -1 || !code[0] || out.id[0] || out.secret[0] || out.token[0]) {
		abort();
	}
	return 0;
}
