/* The AWS shared credentials file (~/.aws/credentials: INI), read a piece
 * at a time, sans-I/O and in fixed memory: the caller feeds the bytes as
 * it reads them and gets the one profile it asked for.
 *
 *   [default]                       a profile: its name, trimmed
 *   aws_access_key_id = AKIA...     keys in any case; values trimmed
 *   aws_secret_access_key = ...
 *   aws_session_token = ...         (optional)
 *   # or ; at a line's start        a comment; in a value, after white space
 *
 * Lines end in LF or CRLF.  A profile given twice is one (the later key
 * wins).  Other keys, other profiles and what is wrong in them are not
 * looked at; a line of the profile that is not "key = value" is an error. */
#ifndef INI_H
#define INI_H
#include <stddef.h>
#include "creds.h"

#define INI_LINE_MAX (CREDS_TOKEN_MAX + 128)	/* a line of the profile longer than this is an error */

struct ini {
	const char *profile;
	struct creds_set *out;
	unsigned line;			/* lines begun */
	int in_profile;			/* the section being read is the profile */
	int seen;			/* the profile's section was there */
	int has_id, has_secret, has_token;
	unsigned bad_line;		/* the profile's first problem: its line, and what */
	const char *bad;
	size_t len;			/* the line being read: its bytes in buf */
	int overflow;			/* it is longer than buf */
	char buf[INI_LINE_MAX];
};

/* Prepares r to read a file for profile's credentials into out (zeroed). */
void ini_begin(struct ini *r, const char *profile, struct creds_set *out);
/* The next n bytes of the file. */
void ini_feed(struct ini *r, const char *p, size_t n);
/* The end of the file: 0 when the profile has an access key id and a
 * secret and nothing wrong; else -1 with why in err (never a value).
 * r's line buffer is wiped either way. */
int ini_end(struct ini *r, char *err, size_t cap);
#endif
