/* The shared credentials file, a line at a time: see ini.h. */
#include <stdio.h>
#include <strings.h>
#include "fmt.h"
#include "ini.h"

void ini_begin(struct ini *r, const char *profile, struct creds_set *out)
{
	memset(r, 0, sizeof *r);
	r->profile = profile;
	r->out = out;
	creds_wipe(out, sizeof *out);
}

static int blank(char c)
{
	return c == ' ' || c == '\t';
}

/* The profile's first problem: kept, the rest ignored. */
static void bad(struct ini *r, const char *why)
{
	if (!r->bad) {
		r->bad = why;
		r->bad_line = r->line;
	}
}

/* s[0..*n) without blanks at both ends. */
static const char *trim(const char *s, size_t *n)
{
	while (*n && blank(*s))
		s++, (*n)--;
	while (*n && blank(s[*n - 1]))
		(*n)--;
	return s;
}

/* "[name]", maybe with a comment after it. */
static void section(struct ini *r, const char *s, size_t n)
{
	const char *end = memchr(s, ']', n), *name = s + 1;
	size_t k;

	if (!end) {
		/* not a section: the one before goes on, and says so if it is ours */
		if (r->in_profile)
			bad(r, "a '[' line without ']'");
		return;
	}
	k = (size_t)(end - name);
	name = trim(name, &k);
	r->in_profile = k == strlen(r->profile) && memcmp(name, r->profile, k) == 0;
	r->seen |= r->in_profile;
}

/* "key = value" in the profile. */
static void property(struct ini *r, const char *s, size_t n)
{
	static const struct { const char *key; size_t off, max; int flag; } keys[] = {
		{ "aws_access_key_id", offsetof(struct creds_set, id), CREDS_ID_MAX, 1 },
		{ "aws_secret_access_key", offsetof(struct creds_set, secret), CREDS_SECRET_MAX, 2 },
		{ "aws_session_token", offsetof(struct creds_set, token), CREDS_TOKEN_MAX, 4 },
	};
	const char *eq = memchr(s, '=', n), *key = s, *v;
	size_t kn, vn, i;

	if (!eq) {
		bad(r, "not \"key = value\"");
		return;
	}
	kn = (size_t)(eq - s);
	key = trim(key, &kn);
	v = eq + 1;
	vn = (size_t)(s + n - v);
	/* a comment after a value: # or ; after white space */
	for (i = 0; i < vn; i++)
		if ((v[i] == '#' || v[i] == ';') && i > 0 && blank(v[i - 1])) {
			vn = i;
			break;
		}
	v = trim(v, &vn);
	for (i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		if (kn != strlen(keys[i].key) || strncasecmp(key, keys[i].key, kn) != 0)
			continue;
		char *out = (char *)r->out + keys[i].off;
		if (!creds_value_ok(v, vn, keys[i].max)) {
			bad(r, i == 0 ? "aws_access_key_id must be 1..128 printable characters without a space" :
			       i == 1 ? "aws_secret_access_key must be 1..128 printable characters without a space" :
					"aws_session_token must be 1..4096 printable characters without a space");
			return;
		}
		creds_wipe(out, keys[i].max + 1);
		memcpy(out, v, vn);
		r->has_id |= keys[i].flag == 1;
		r->has_secret |= keys[i].flag == 2;
		r->has_token |= keys[i].flag == 4;
		return;
	}
}

/* One whole line (its end cut off). */
static void line(struct ini *r)
{
	size_t n = r->len;
	const char *s = r->buf;

	if (n && s[n - 1] == '\r')
		n--;
	s = trim(s, &n);
	if (!n || s[0] == '#' || s[0] == ';')
		return;
	if (s[0] == '[')
		section(r, s, n);
	else if (r->in_profile)
		property(r, s, n);
}

void ini_feed(struct ini *r, const char *p, size_t n)
{
	while (n) {
		const char *nl = memchr(p, '\n', n);
		size_t k = nl ? (size_t)(nl - p) : n;
		if (r->len == 0 && !r->overflow)
			r->line++;
		if (k > sizeof r->buf - r->len) {
			r->overflow = 1;
			k = sizeof r->buf - r->len;
		}
		memcpy(r->buf + r->len, p, k);
		r->len += k;
		if (!nl)
			return;	/* the line goes on in the next piece */
		if (r->overflow) {
			/* a line too long for any value: a problem if ours */
			if (r->in_profile)
				bad(r, "a line longer than a session token can be");
		} else {
			line(r);
		}
		r->len = 0;
		r->overflow = 0;
		n -= (size_t)(nl + 1 - p);
		p = nl + 1;
	}
}

int ini_end(struct ini *r, char *err, size_t cap)
{
	int ok = -1;

	if (r->len || r->overflow) {
		if (r->overflow && r->in_profile)
			bad(r, "a line longer than a session token can be");
		else if (!r->overflow)
			line(r);	/* the last line, without its newline */
	}
	if (!r->seen)
		fmt_snprintf(err, cap, "no profile [%s]", r->profile);
	else if (r->bad)
		fmt_snprintf(err, cap, "line %u: %s", r->bad_line, r->bad);
	else if (!r->has_id || !r->has_secret)
		fmt_snprintf(err, cap, "profile [%s] has no %s", r->profile,
			 r->has_id ? "aws_secret_access_key" : r->has_secret ? "aws_access_key_id" :
			 "aws_access_key_id and aws_secret_access_key");
	else
		ok = 0;
	creds_wipe(r->buf, sizeof r->buf);
	if (ok < 0)
		creds_wipe(r->out, sizeof *r->out);
	return ok;
}
