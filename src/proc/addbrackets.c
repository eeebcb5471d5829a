/* ADDBRACKETS: the Kinesis Agent's BracketsDataConverter, "{" + record + "}".
 *
 * The record keeps its trailing newline inside the brackets and nothing is
 * added after them ("hello\n" -> "{hello\n}"): the Java agent wraps the bytes
 * as read.  It decodes them as UTF-8 and encodes them again, so each maximal
 * invalid UTF-8 subpart comes out as U+FFFD (EF BF BD) and everything else
 * as it was.  (It encodes with the platform charset: UTF-8 on any Linux with
 * a UTF-8 locale, and always since Java 18.)  No options. */
#include <string.h>

#include "conf.h"
#include "json.h"
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
	size_t i = 0, j, len = 1;

	(void)state;
	(void)m;
	if (cap < 2)
		return PROC_TOOLONG;
	out[0] = '{';
	while (i < n) {
		/* ASCII as it is; a run of bytes >= 0x80 through json_escape,
		 * which leaves valid UTF-8 alone and replaces invalid subparts
		 * as Java's decoder does (a subpart never spans ASCII, so the
		 * runs give what the whole would) */
		for (j = i; j < n && (unsigned char)in[j] < 0x80; j++)
			;
		if (j > i) {
			if (j - i > cap - len)
				return PROC_TOOLONG;
			memcpy(out + len, in + i, j - i);
			len += j - i;
			i = j;
		}
		for (j = i; j < n && (unsigned char)in[j] >= 0x80; j++)
			;
		if (j > i) {
			len += json_escape(out + len, cap - len, in + i, j - i);
			if (len > cap)
				return PROC_TOOLONG;
			i = j;
		}
	}
	if (len >= cap)
		return PROC_TOOLONG;
	out[len++] = '}';
	return (long)len;
}

const struct processor proc_addbrackets = { "ADDBRACKETS", "addbrackets", ab_init, ab_run };
