/* SINGLELINE: a multi-line record made one line, as the Java agent's
 * SingleLineDataConverter does it:
 *
 *   { "optionName": "SINGLELINE", "parseOptions": [ "NO_TRIM", "ESCAPE_NEW_LINE" ] }
 *
 * The record is split at each '\n' (Java's String.split, so the empty lines at
 * the end are dropped, those at the start and in the middle are kept), each
 * line loses its leading and trailing bytes <= 0x20 (String.trim: spaces,
 * tabs, '\r' and the other control characters; not NO_TRIM), and the lines
 * are joined with nothing between them, or with the two characters '\' 'n'
 * (ESCAPE_NEW_LINE; the Java agent's "\\n").  The output always ends with one
 * '\n'; an empty record or one of only newlines gives just "\n".  Java read
 * the record as UTF-8, so each malformed sequence comes out as U+FFFD, cut
 * the way Java's decoder cuts it.
 *
 * The Java agent ignores parseOptions it does not know; kagent refuses them,
 * since a misspelt option would otherwise silently change the output. */
#include <string.h>
#include "arena.h"
#include "conf_opts.h"
#include "json.h"
#include "utf8.h"
#include "proc.h"

struct singleline {
	int no_trim;
	int escape_nl;
};

static int singleline_init(void **state, struct conf_opts *o)
{
	struct singleline *sl;
	const char *const *v = NULL;	/* (set when r == 1: LTO's -Wmaybe-uninitialized cannot tell) */
	size_t n = 0, i;
	int r;

	if ((r = conf_opt_strings(o, "parseOptions", &v, &n)) < 0)
		return -1;
	sl = arena_alloc(sizeof *sl);
	for (i = 0; r == 1 && i < n; i++) {
		if (!strcmp(v[i], "NO_TRIM"))
			sl->no_trim = 1;
		else if (!strcmp(v[i], "ESCAPE_NEW_LINE"))
			sl->escape_nl = 1;
		else
			return conf_opt_error(o, "parseOptions",
			    "unknown option \"%s\"; valid: NO_TRIM, ESCAPE_NEW_LINE", v[i]);
	}
	*state = sl;
	return 0;
}

/* Appends k bytes at s to out[*o..cap); -1 if they do not fit. */
static int singleline_put(char *out, size_t cap, size_t *o, const char *s, size_t k)
{
	if (k > cap - *o)
		return -1;
	memcpy(out + *o, s, k);
	*o += k;
	return 0;
}

/* Appends s[0..k) with each malformed UTF-8 sequence replaced by U+FFFD;
 * -1 if that does not fit. */
static int singleline_copy(char *out, size_t cap, size_t *o, const char *s, size_t k)
{
	*o += utf8_clean(out + *o, cap - *o, s, k);
	return *o <= cap ? 0 : -1;
}

static long singleline_run(void *state, const char *in, size_t n, char *out, size_t cap,
    const struct proc_meta *m)
{
	const struct singleline *sl = state;
	size_t end = n, a = 0, b, o = 0;

	(void)m;
	/* String.split drops the empty strings at the end: the trailing '\n's */
	while (end > 0 && in[end - 1] == '\n')
		end--;
	for (;;) {
		for (b = a; b < end && in[b] != '\n'; b++)
			;
		size_t s = a, e = b;
		if (!sl->no_trim) {
			while (s < e && (unsigned char)in[s] <= ' ')
				s++;
			while (e > s && (unsigned char)in[e - 1] <= ' ')
				e--;
		}
		if (a > 0 && sl->escape_nl && singleline_put(out, cap, &o, "\\n", 2) < 0)
			return PROC_TOOLONG;
		if (singleline_copy(out, cap, &o, in + s, e - s) < 0)
			return PROC_TOOLONG;
		if (b >= end)
			break;
		a = b + 1;
	}
	if (singleline_put(out, cap, &o, "\n", 1) < 0)
		return PROC_TOOLONG;
	return (long)o;
}

const struct processor proc_singleline = { "SINGLELINE", "singleline", singleline_init, singleline_run };
