/* libFuzzer target: a hostile shared credentials file.  The first byte
 * gives the size of the pieces the bytes arrive in (1..64) and the profile
 * asked for; the rest is the file.  Checks: nothing allocated; the same
 * result, credentials and message whether the file comes at once or in
 * pieces; credentials only on success, each usable in a header; the
 * message NUL-ended within its buffer. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "fuzz.h"
#include "ini.h"

static struct ini fz_r;
static struct creds_set fz_out[2];

static int fz_read(const char *profile, const char *p, size_t size, size_t piece, struct creds_set *out, char *err,
		   size_t cap)
{
	ini_begin(&fz_r, profile, out);
	for (size_t at = 0; at < size; at += piece)
		ini_feed(&fz_r, p + at, size - at < piece ? size - at : piece);
	return ini_end(&fz_r, err, cap);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const profiles[] = { "default", "gw", "a b", "" };
	char err[2][256];
	const char *profile;
	size_t piece;
	int r, r2;

	if (size < 1)
		return 0;
	piece = 1 + (data[0] & 63);
	profile = profiles[data[0] >> 6];
	data++;
	size--;
	r = FZ_LOOP(fz_read(profile, (const char *)data, size, size ? size : 1, &fz_out[0], err[0], sizeof err[0]));
	r2 = FZ_LOOP(fz_read(profile, (const char *)data, size, piece, &fz_out[1], err[1], sizeof err[1]));
	if (r != r2 || memcmp(&fz_out[0], &fz_out[1], sizeof fz_out[0]) != 0)
		abort();	/* the pieces changed the result */
	if (r == 0) {
		if (!creds_value_ok(fz_out[0].id, strlen(fz_out[0].id), CREDS_ID_MAX) ||
		    !creds_value_ok(fz_out[0].secret, strlen(fz_out[0].secret), CREDS_SECRET_MAX) ||
		    (fz_out[0].token[0] && !creds_value_ok(fz_out[0].token, strlen(fz_out[0].token), CREDS_TOKEN_MAX)))
			abort();
	} else if (r != -1 || strnlen(err[0], sizeof err[0]) == sizeof err[0] || strcmp(err[0], err[1]) != 0 ||
		   !err[0][0] || fz_out[0].id[0] || fz_out[0].secret[0]) {
		abort();
	}
	return 0;
}
