/* What the fuzz targets of the credentials' answers check of a result. */
#ifndef FUZZ_CREDS_H
#define FUZZ_CREDS_H
#include <stdlib.h>
#include <string.h>
#include "creds.h"

/* r: an answer's result for status, with out, code (codecap) and msg
 * (msgcap) as it left them.  Aborts unless code and msg are NUL-ended
 * within their buffers, and either r is 0 for a 200 with credentials each
 * usable in a header and an expiry, or r is -1 with a code and nothing of
 * the credentials kept. */
static inline void fz_creds_check(int r, int status, const struct creds_set *out, const char *code, size_t codecap,
				  const char *msg, size_t msgcap)
{
	if (strnlen(code, codecap) == codecap || strnlen(msg, msgcap) == msgcap)
		abort();
	if (r == 0) {
		if (status != 200 || code[0] || !creds_value_ok(out->id, strlen(out->id), CREDS_ID_MAX) ||
		    !creds_value_ok(out->secret, strlen(out->secret), CREDS_SECRET_MAX) ||
		    !creds_value_ok(out->token, strlen(out->token), CREDS_TOKEN_MAX) || out->expires <= 0)
			abort();
	} else if (r != -1 || !code[0] || out->id[0] || out->secret[0] || out->token[0]) {
		abort();
	}
}
#endif
