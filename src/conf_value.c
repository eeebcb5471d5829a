/* One value of the configuration: decoded, checked against what its key
 * allows, stored in its field.  The conf_k_* functions are the kinds of
 * value the key table (conf_keys.c) names; every message names the key
 * being read (x->kp). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "arena.h"
#include "conf_impl.h"
#include "fmt.h"
#include "numfmt.h"
#include "rx.h"

int conf_tlen(const struct conf_cx *x, int tok)
{
	return x->t[tok].end - x->t[tok].start;
}

void conf_keypath(struct conf_cx *x, int key, const char *prefix)
{
	int n = conf_tlen(x, key);

	fmt_snprintf(x->kp, sizeof x->kp, "%s%.*s", prefix, n > 100 ? 100 : n, x->js + x->t[key].start);
}

const char *conf_string(struct conf_cx *x, int v)
{
	size_t cap;
	char *s;

	if (x->t[v].type != JSMN_STRING) {
		conf_bad(x, v, "must be a string");
		return NULL;
	}
	/* Decoding never lengthens: an escape is longer than what it stands for. */
	cap = (size_t)conf_tlen(x, v) + 1;
	s = arena_alloc(cap);
	/* json_string() also refuses \u0000, which would cut a C string short. */
	if (json_string(x->js, &x->t[v], s, cap) < 0) {
		conf_bad(x, v, "invalid string escape");
		return NULL;
	}
	return s;
}

const char *conf_nonempty(struct conf_cx *x, int v)
{
	const char *s = conf_string(x, v);

	if (s && !*s) {
		conf_bad(x, v, "must not be empty");
		return NULL;
	}
	return s;
}

const char *conf_abspath(struct conf_cx *x, int v)
{
	const char *s = conf_nonempty(x, v);

	if (!s)
		return NULL;
	if (s[0] != '/') {
		conf_bad(x, v, "must be an absolute path, got \"%.*s\"", CONF_SHOWN(x, v));
		return NULL;
	}
	if (strlen(s) >= CONF_MAX_PATH) {
		conf_bad(x, v, "longer than %d bytes", CONF_MAX_PATH - 1);
		return NULL;
	}
	return s;
}

int conf_int(struct conf_cx *x, int v, int64_t lo, int64_t hi, int64_t *out)
{
	const char *s = x->js + x->t[v].start;
	int n = conf_tlen(x, v), k = 0, neg = 0;
	int64_t val = 0;

	if (x->t[v].type == JSMN_STRING) {
		/* the Java agent's readLong() converts through toString() */
		for (k = 0; k < n; k++)
			if (s[k] < '0' || s[k] > '9')
				break;
		if (n == 0 || k < n || (n > 1 && s[0] == '0')) {
			conf_bad(x, v, "must be a number, got \"%.*s\"", CONF_SHOWN(x, v));
			return -1;
		}
	} else if (x->t[v].type != JSMN_PRIMITIVE || !(s[0] == '-' || (s[0] >= '0' && s[0] <= '9'))) {
		conf_bad(x, v, "must be a number");
		return -1;
	}
	k = 0;
	if (s[0] == '-') {
		neg = 1;
		k = 1;
	}
	for (; k < n && s[k] >= '0' && s[k] <= '9'; k++)
		if (val <= INT64_MAX / 100)	/* beyond that, out of every range anyway */
			val = val * 10 + (s[k] - '0');
	if (k < n) {
		conf_bad(x, v, "must be a whole number, got %.*s", CONF_SHOWN(x, v));
		return -1;
	}
	if (neg)
		val = -val;
	if (val < lo || val > hi) {
		conf_bad(x, v, "must be %lld..%lld, got %.*s", (long long)lo, (long long)hi, CONF_SHOWN(x, v));
		return -1;
	}
	*out = val;
	return 0;
}

/* Fields are int64_t, size_t, unsigned, int or an enum: 4 or 8 bytes. */
void conf_put_int(void *base, const struct conf_key *k, int64_t v)
{
	char *p = (char *)base + k->off;

	if (k->field == CONF_INT64) {
		memcpy(p, &v, sizeof v);
	} else {
		uint32_t u = (uint32_t)v;
		memcpy(p, &u, sizeof u);
	}
}

void conf_put_ptr(void *base, const struct conf_key *k, const void *ptr)
{
	memcpy((char *)base + k->off, &ptr, sizeof ptr);
}

int conf_k_int(struct conf_cx *x, const struct conf_key *k, int v, void *base)
{
	int64_t n;

	if (conf_int(x, v, k->min, k->max, &n) < 0)
		return -1;
	conf_put_int(base, k, n);
	return 0;
}

int conf_k_path(struct conf_cx *x, const struct conf_key *k, int v, void *base)
{
	const char *s = conf_abspath(x, v);

	if (!s)
		return -1;
	/* max: a bound of the key's own, below PATH_MAX */
	if (k->max && strlen(s) >= (size_t)k->max) {
		conf_bad(x, v, "longer than %lld bytes", (long long)k->max - 1);
		return -1;
	}
	conf_put_ptr(base, k, s);
	return 0;
}

int conf_k_enum(struct conf_cx *x, const struct conf_key *k, int v, void *base)
{
	const struct conf_enum *e = k->arg;
	const char *s = conf_string(x, v);
	size_t i;

	if (!s)
		return -1;
	for (i = 0; i < sizeof e->names / sizeof e->names[0] && e->names[i]; i++)
		if (!strcmp(s, e->names[i])) {
			conf_put_int(base, k, (int64_t)i);
			return 0;
		}
	conf_bad(x, v, "must be %s, got \"%.*s\"", e->must, CONF_SHOWN(x, v));
	return -1;
}

/* A regular expression (rx.h), compiled once here. */
int conf_k_pattern(struct conf_cx *x, const struct conf_key *k, int v, void *base)
{
	const char *s = conf_nonempty(x, v);
	char err[128];
	struct rx *rx;

	if (!s)
		return -1;
	if (!(rx = rx_compile(s, strlen(s), err, sizeof err))) {
		conf_bad(x, v, "%s", err);
		return -1;
	}
	conf_put_ptr(base, k, rx);
	return 0;
}

/* Milliseconds, or a number with s, m or h ("5m"), as the Go Kinesis plugins
 * take SEND_FAILURE_TIMEOUT. */
int conf_k_duration(struct conf_cx *x, const struct conf_key *k, int v, void *base)
{
	const char *s, *end;
	long long n;
	int64_t ms;

	if (x->t[v].type == JSMN_PRIMITIVE)
		return conf_k_int(x, k, v, base);
	if (x->t[v].type != JSMN_STRING) {
		conf_bad(x, v, "must be milliseconds or a duration string");
		return -1;
	}
	if (!(s = conf_string(x, v)))
		return -1;
	n = *s >= '0' && *s <= '9' ? numfmt_parse_i64(s, &end) : -1;
	if (n < 0 || !(end[0] && !end[1] && strchr("smh", end[0]))) {
		conf_bad(x, v, "must be milliseconds or a duration such as \"300s\", \"5m\", \"1h\", got \"%.*s\"",
		    CONF_SHOWN(x, v));
		return -1;
	}
	if (n > k->max / 1000 || (ms = n * (end[0] == 's' ? 1000 : end[0] == 'm' ? 60000 : 3600000)) > k->max) {
		conf_bad(x, v, "at most a week");
		return -1;
	}
	conf_put_int(base, k, ms);
	return 0;
}

int conf_bool(const struct conf_cx *x, int v)
{
	static const char *const yes[] = { "true", "yes", "t", "y", "1" }, *const no[] = { "false", "no", "f", "n", "0" };
	const char *s = x->js + x->t[v].start;
	int n = conf_tlen(x, v);

	if (x->t[v].type == JSMN_PRIMITIVE || x->t[v].type == JSMN_STRING)
		for (size_t i = 0; i < sizeof yes / sizeof *yes; i++) {
			if ((size_t)n == strlen(yes[i]) && !strncasecmp(s, yes[i], (size_t)n))
				return 1;
			if ((size_t)n == strlen(no[i]) && !strncasecmp(s, no[i], (size_t)n))
				return 0;
		}
	return -1;
}

int conf_k_bool(struct conf_cx *x, const struct conf_key *k, int v, void *base)
{
	int b = conf_bool(x, v);

	if (b >= 0) {
		conf_put_int(base, k, b);
		return 0;
	}
	conf_bad(x, v, "must be true or false, got %s%.*s%s", x->t[v].type == JSMN_STRING ? "\"" : "",
	    CONF_SHOWN(x, v), x->t[v].type == JSMN_STRING ? "\"" : "");
	return -1;
}

int conf_k_ascii(struct conf_cx *x, const struct conf_key *k, int v, void *base)
{
	const char *s = conf_string(x, v);
	size_t n, blanks = 0;

	if (!s)
		return -1;
	n = strlen(s);
	for (size_t i = 0; i < n; i++) {
		if (s[i] < ' ' || s[i] > '~') {
			conf_bad(x, v, "must be printable ASCII (CloudWatch takes nothing else)");
			return -1;
		}
		blanks += s[i] == ' ';
	}
	if (n > (size_t)k->max || (n && blanks == n) || (k->min && (!n || s[0] == ':'))) {
		conf_bad(x, v, "must be 1..%d characters, not only blanks%s, got \"%.*s\"", k->max,
		    k->min ? ", not starting with ':'" : "", CONF_SHOWN(x, v));
		return -1;
	}
	conf_put_ptr(base, k, s);
	return 0;
}

/* A name of min..max characters of the set the row's def names (a role's
 * ARN, an IoT thing...).  The value is not repeated in the message: some
 * (an ExternalId) are meant to stay out of logs. */
int conf_k_name(struct conf_cx *x, const struct conf_key *k, int v, void *base)
{
	static const struct { const char *what, *punct; int alnum; } sets[] = {
		[CONF_CHARS_PRINTABLE] = { "printable ASCII characters without a space", NULL, 1 },
		[CONF_CHARS_EXTERNAL_ID] = { "characters of [a-zA-Z0-9_+=,.@:/-]", "_+=,.@:/-", 1 },
		[CONF_CHARS_ROLE_ALIAS] = { "characters of [a-zA-Z0-9_=,@-]", "_=,@-", 1 },
		[CONF_CHARS_THING] = { "characters of [a-zA-Z0-9:_-]", ":_-", 1 },
		[CONF_CHARS_PROFILE] = { "printable ASCII characters without a space, [ or ]", NULL, 1 },
	};
	const char *s = conf_string(x, v), *p = sets[k->def].punct;
	size_t n, i;

	if (!s)
		return -1;
	n = strlen(s);
	for (i = 0; i < n; i++) {
		char c = s[i];
		int alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
		if (p ? !alnum && !strchr(p, c) : c <= ' ' || c > '~' ||
		    (k->def == CONF_CHARS_PROFILE && (c == '[' || c == ']')))
			break;
	}
	if (n < (size_t)k->min || n > (size_t)k->max || i < n) {
		conf_bad(x, v, "must be %d..%d %s", k->min, k->max, sets[k->def].what);
		return -1;
	}
	conf_put_ptr(base, k, s);
	return 0;
}
