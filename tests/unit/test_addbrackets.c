/* ADDBRACKETS: the Java agent's BracketsDataConverter, "{" + record + "}". */
#include <stdint.h>
#include "t.h"
#include "conf_opts.h"
#include "proc.h"

extern const struct processor proc_addbrackets;

/* Runs on n bytes of in; NULL unless it succeeded, the length in *len. */
static const char *ab_t(const char *in, size_t n, size_t *len)
{
	const char *out = t_proc(&proc_addbrackets, "{\"optionName\":\"ADDBRACKETS\"}", in, n, 0, len);

	return *len ? out : NULL;
}

#define AB_EQ(in, want) do { size_t ab_len; const char *ab_o = ab_t(in, sizeof in - 1, &ab_len); \
	T_TRUE(ab_o != NULL); T_EQ_MEM(ab_o, ab_len, want, sizeof want - 1); } while (0)

T(addbrackets_class_comment_example)
{
	/* "hello there" -> "{hello there}"; the newline stays inside, none after */
	AB_EQ("hello there", "{hello there}");
	AB_EQ("hello there\n", "{hello there\n}");
}

T(addbrackets_edges)
{
	AB_EQ("", "{}");
	AB_EQ("\n", "{\n}");
	AB_EQ("a\r\n", "{a\r\n}");
	AB_EQ("two\nlines\n", "{two\nlines\n}");
	/* nothing is escaped: quotes, backslashes, control bytes, NUL as they are */
	AB_EQ("q\"b\\\t\x01\x00\x7f/", "{q\"b\\\t\x01\x00\x7f/}");
	AB_EQ("{\"a\":1}\n", "{{\"a\":1}\n}");
}

T(addbrackets_utf8)
{
	/* valid UTF-8 (2, 3, 4 bytes) unchanged */
	AB_EQ("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", "{\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80}");
	/* invalid: each maximal subpart is one U+FFFD, as Java's decoder */
	AB_EQ("\xff", "{\xef\xbf\xbd}");
	AB_EQ("a\xe2\x82" "b", "{a\xef\xbf\xbd" "b}");
	AB_EQ("\xe2\x82", "{\xef\xbf\xbd}");
	AB_EQ("\xed\xa0\x80", "{\xef\xbf\xbd}");	/* a surrogate: one, as Java reads it */
	AB_EQ("\xc0\xaf", "{\xef\xbf\xbd\xef\xbf\xbd}");			/* overlong */
	AB_EQ("\xf0\x9f\x98", "{\xef\xbf\xbd}");
	AB_EQ("\x80\x80\n", "{\xef\xbf\xbd\xef\xbf\xbd\n}");
	AB_EQ("\xf4\x90\x80\x80", "{\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd}");	/* > U+10FFFF */
}

T(addbrackets_toolong)
{
	static char out[32];
	struct proc_meta m = { 0 };
	size_t cap;

	/* "{ab\xff}" becomes 7 bytes: the replacement is longer than the byte */
	T_EQ_INT(proc_addbrackets.run(NULL, "ab\xff", 3, out, 7, &m), 7);
	T_EQ_MEM(out, 7, "{ab\xef\xbf\xbd}", 7);
	for (cap = 0; cap < 7; cap++) {
		memset(out, '#', sizeof out);
		T_EQ_INT(proc_addbrackets.run(NULL, "ab\xff", 3, out, cap, &m), PROC_TOOLONG);
		T_EQ_INT(out[cap], '#');
	}
	for (cap = 0; cap < 5; cap++) {
		memset(out, '#', sizeof out);
		T_EQ_INT(proc_addbrackets.run(NULL, "abc", 3, out, cap, &m), PROC_TOOLONG);
		T_EQ_INT(out[cap], '#');
	}
	T_EQ_INT(proc_addbrackets.run(NULL, "abc", 3, out, 5, &m), 5);
}

T(addbrackets_one_megabyte_line)
{
	static char in[1 << 20], out[(1 << 20) + 2];
	struct proc_meta m = { 0 };

	memset(in, 'x', sizeof in - 1);
	in[sizeof in - 1] = '\n';
	T_EQ_INT(proc_addbrackets.run(NULL, in, sizeof in, out, sizeof out, &m), (long)sizeof out);
	T_EQ_INT(out[0], '{');
	T_EQ_MEM(out + sizeof out - 3, 3, "x\n}", 3);
	T_EQ_INT(proc_addbrackets.run(NULL, in, sizeof in, out, sizeof out - 1, &m), PROC_TOOLONG);
}
