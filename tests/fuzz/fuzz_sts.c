/* libFuzzer target: a hostile STS answer.  The first byte picks the HTTP
 * status (200, 400, 403 or 503); the rest is the body.  It goes through
 * xml_extract with the answer's paths (buffers of several sizes) and
 * through sts_answer.  Checks: nothing allocated; every text NUL-ended
 * within its buffer, its length the one said, never past the input; an
 * offset within the input on failure; credentials only on success, each
 * usable in a header; nothing of them kept on failure. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "fuzz.h"
#include "fuzz_creds.h"
#include "sts.h"
#include "xml.h"

static const char *const fz_paths[] = {
	"AssumeRoleResponse/AssumeRoleResult/Credentials/AccessKeyId",
	"AssumeRoleResponse/AssumeRoleResult/Credentials/SessionToken",
	"ErrorResponse/Error/Code",
	"ErrorResponse/Error/Message",
};

static void fz_xml(const char *doc, size_t size)
{
	static const size_t caps[] = { 1, 2, 17, 4097 };
	static char out[FZ_N(fz_paths)][4097 + 1];
	struct xml_want w[FZ_N(fz_paths)];
	const char *why = NULL;
	size_t at = (size_t)-1;
	int r;

	for (size_t c = 0; c < FZ_N(caps); c++) {
		for (size_t i = 0; i < FZ_N(w); i++) {
			w[i] = (struct xml_want){ .path = fz_paths[i], .out = out[i], .cap = caps[c] };
			out[i][caps[c]] = (char)0xa5;
		}
		r = FZ_LOOP(xml_extract(doc, size, w, FZ_N(w), &why, &at));
		if (r != 0 && (r != -1 || !why || at > size))
			abort();
		for (size_t i = 0; i < FZ_N(w); i++) {
			if ((unsigned char)out[i][caps[c]] != 0xa5)
				abort();	/* written past cap */
			if (strnlen(out[i], caps[c]) == caps[c] || w[i].len != strlen(out[i]) || w[i].len > size)
				abort();
			if (w[i].found < 0 || (!w[i].found && w[i].len))
				abort();
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int statuses[] = { 200, 400, 403, 503 };
	static struct creds_set out;
	char code[96], msg[256];
	int status, r;

	if (size < 1)
		return 0;
	status = statuses[data[0] & 3];
	data++;
	size--;
	fz_xml((const char *)data, size);
	memset(&out, 'x', sizeof out);
	r = FZ_LOOP(sts_answer(status, (const char *)data, size, &out, code, sizeof code, msg, sizeof msg));
	fz_creds_check(r, status, &out, code, sizeof code, msg, sizeof msg);
	return 0;
}
