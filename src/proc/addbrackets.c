/* ADDBRACKETS: the Kinesis Agent's BracketsDataConverter, "{" + record + "}".
 *
 * The record keeps its trailing newline inside the brackets and nothing is
 * added after them ("hello\n" -> "{hello\n}"): the Java agent wraps the bytes
 * as read.  It decodes them as UTF-8 and encodes them again, so each maximal
 * invalid UTF-8 subpart comes out as U+FFFD (EF BF BD) and everything else
 * as it was.  (It encodes with the platform charset: UTF-8 on any Linux with
 * a UTF-8 locale, and always since Java 18.)  No options. */
#include <string.h>

#include "conf_opts.h"
#include "json.h"
#include "utf8.h"
#include "proc.h"

static int
ab_init(void **state, struct conf_opts *o)
{
	(void)o;
	*state = NULL;
	return 0;
}

static long
ab_run(void *state, const char *in, size_t n, char *out, size_t cap, const struct proc_meta *m)
{
	size_t len;

	(void)state;
	(void)m;
	if (cap < 2)
		return PROC_TOOLONG;
	out[0] = '{';
	len = 1 + utf8_clean(out + 1, cap - 1, in, n);
	if (len >= cap)
		return PROC_TOOLONG;
	out[len++] = '}';
	return (long)len;
}

const struct processor proc_addbrackets = { "ADDBRACKETS", "addbrackets", ab_init, ab_run };
