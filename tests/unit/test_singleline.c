/* SINGLELINE: the Java agent's SingleLineDataConverter, byte for byte.  The
 * expected outputs were checked against the Java code run on OpenJDK 17. */
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>
#include "t.h"
#include "conf_opts.h"
#include "proc.h"

extern const struct processor proc_singleline;

static void *sl_make(const char *json)
{
	return t_proc_new(&proc_singleline, json);
}

/* Runs SINGLELINE with options json on the NUL-terminated in; the output is
 * NUL-terminated in a static buffer (or "TOOLONG"). */
static const char *sl(const char *json, const char *in)
{
	return t_proc(&proc_singleline, json, in, strlen(in), 0, NULL);
}

#define SL_DEFAULT	"{\"optionName\":\"SINGLELINE\"}"
#define SL_NOTRIM	"{\"optionName\":\"SINGLELINE\",\"parseOptions\":[\"NO_TRIM\"]}"
#define SL_ESCAPE	"{\"optionName\":\"SINGLELINE\",\"parseOptions\":[\"ESCAPE_NEW_LINE\"]}"
#define SL_BOTH		"{\"optionName\":\"SINGLELINE\",\"parseOptions\":[\"ESCAPE_NEW_LINE\",\"NO_TRIM\"]}"

T(singleline_firehose_guide_record)
{
	/* a record of the guide's "Convert Multi-Line Records" example
	 * (multiLineStartPattern "\\[SEQUENCE="): the lines are glued with
	 * nothing between them, whatever the class comment says */
	T_EQ_STR(sl(SL_DEFAULT, "[SEQUENCE=42]\t2017-03-31T10:15:00Z\tdisk full\n"
	    "    at com.example.Store.write(Store.java:88)\n"
	    "    at com.example.Main.run(Main.java:12)\n"),
	    "[SEQUENCE=42]\t2017-03-31T10:15:00Z\tdisk fullat com.example.Store.write(Store.java:88)"
	    "at com.example.Main.run(Main.java:12)\n");
}

T(singleline_trims_each_line)
{
	T_EQ_STR(sl(SL_DEFAULT, "  a  \n\t b\t\n"), "ab\n");
	T_EQ_STR(sl(SL_DEFAULT, "one line\n"), "one line\n");
	T_EQ_STR(sl(SL_DEFAULT, "no newline"), "no newline\n");
	/* the option list may be empty */
	T_EQ_STR(sl("{\"optionName\":\"SINGLELINE\",\"parseOptions\":[]}", " x \n"), "x\n");
}

T(singleline_no_trim)
{
	T_EQ_STR(sl(SL_NOTRIM, "  a  \n\t b\t\n"), "  a  \t b\t\n");
}

T(singleline_escape_new_line)
{
	/* the two characters '\' 'n' between lines, none after the last */
	T_EQ_STR(sl(SL_ESCAPE, "a\n b \nc\n"), "a\\nb\\nc\n");
	T_EQ_STR(sl(SL_BOTH, " a\n b \n"), " a\\n b \n");
}

T(singleline_crlf)
{
	/* '\r' is <= ' ': trim takes it; NO_TRIM keeps it */
	T_EQ_STR(sl(SL_DEFAULT, "a\r\nb\r\n"), "ab\n");
	T_EQ_STR(sl(SL_NOTRIM, "a\r\nb\r\n"), "a\rb\r\n");
	T_EQ_STR(sl(SL_ESCAPE, "a\r\nb\r\n"), "a\\nb\n");
	T_EQ_STR(sl(SL_BOTH, "a\r\nb\r\n"), "a\r\\nb\r\n");
}

T(singleline_empty_records)
{
	T_EQ_STR(sl(SL_DEFAULT, ""), "\n");
	T_EQ_STR(sl(SL_ESCAPE, ""), "\n");
	T_EQ_STR(sl(SL_ESCAPE, "\n"), "\n");
	T_EQ_STR(sl(SL_BOTH, "\n\n\n"), "\n");
	T_EQ_STR(sl(SL_DEFAULT, "   \n"), "\n");
}

T(singleline_empty_lines)
{
	/* String.split keeps empty lines at the start and in the middle, and
	 * drops those at the end before trimming: a last line of blanks stays */
	T_EQ_STR(sl(SL_ESCAPE, "\na\n\nb\n\n\n"), "\\na\\n\\nb\n");
	T_EQ_STR(sl(SL_DEFAULT, "\na\n\nb\n\n\n"), "ab\n");
	T_EQ_STR(sl(SL_ESCAPE, "a\n  \n"), "a\\n\n");
	T_EQ_STR(sl(SL_BOTH, "a\n  \n"), "a\\n  \n");
}

T(singleline_invalid_utf8)
{
	/* each malformed sequence is one U+FFFD, cut as Java's decoder cuts:
	 * FF; E2 82 (truncated); ED A0 80 (a surrogate, one); C0 80 (two) */
	T_EQ_STR(sl(SL_DEFAULT, "a\xff b\xe2\x82\n\xed\xa0\x80" "c\xc0\x80\n"),
	    "a\xef\xbf\xbd b\xef\xbf\xbd\xef\xbf\xbd" "c\xef\xbf\xbd\xef\xbf\xbd\n");
	/* F0 80 80 80 is four; F4 90 two then 'x'; E0 A0 at the end one */
	T_EQ_STR(sl(SL_DEFAULT, "\xf0\x80\x80\x80\xf4\x90x\xe0\xa0"),
	    "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbdx\xef\xbf\xbd\n");
	/* valid UTF-8 is kept; U+00A0 is not white space to String.trim */
	T_EQ_STR(sl(SL_DEFAULT, " \xc2\xa0\xc3\xa9\xf0\x9f\x98\x80\xef\xbf\xbf \n"),
	    "\xc2\xa0\xc3\xa9\xf0\x9f\x98\x80\xef\xbf\xbf\n");
}

T(singleline_control_bytes)
{
	static const char in[] = "\x01" "a\x7f\0b\x1f\n\x00\x00";
	char out[64];
	struct proc_meta m = { 0 };
	void *st = sl_make(SL_DEFAULT);
	long n;

	T_TRUE(st != NULL);
	/* trim takes every byte <= ' ' at the ends (NUL too), not DEL */
	n = proc_singleline.run(st, in, 7, out, sizeof out, &m);
	T_EQ_MEM(out, (size_t)(n < 0 ? 0 : n), "a\x7f\0b\n", 5);
	/* a line of NULs is trimmed to nothing */
	n = proc_singleline.run(st, in, 9, out, sizeof out, &m);
	T_EQ_MEM(out, (size_t)(n < 0 ? 0 : n), "a\x7f\0b\n", 5);
	st = sl_make(SL_BOTH);
	n = proc_singleline.run(st, in, 9, out, sizeof out, &m);
	T_EQ_MEM(out, (size_t)(n < 0 ? 0 : n), "\x01" "a\x7f\0b\x1f\\n\0\0\n", 11);
}

/* Every cap below the output's length gives PROC_TOOLONG and leaves the
 * bytes from cap on untouched; the exact cap gives the output. */
static int sl_caps(void *st, const char *in, const char *want)
{
	return t_proc_caps(&proc_singleline, st, in, want);
}

T(singleline_toolong)
{
	T_EQ_INT(sl_caps(sl_make(SL_DEFAULT), " abc \n def\n", "abcdef\n"), 0);
	T_EQ_INT(sl_caps(sl_make(SL_ESCAPE), "ab\ncd\n", "ab\\ncd\n"), 0);
	T_EQ_INT(sl_caps(sl_make(SL_DEFAULT), "a\xff\xfe" "b\n", "a\xef\xbf\xbd\xef\xbf\xbd" "b\n"), 0);
	T_EQ_INT(sl_caps(sl_make(SL_DEFAULT), "", "\n"), 0);
}

T(singleline_one_megabyte)
{
	/* 16,384 lines of "  " + 60 letters + " \n": 1 MiB in, 60 per line out */
	enum { LINES = 16384, IN = LINES * 64, OUT = LINES * 60 + 1 };
	char *in = malloc(IN), *out = malloc(OUT + 1);
	struct proc_meta m = { 0 };
	void *st = sl_make(SL_DEFAULT);
	size_t i;
	long n;

	T_TRUE(in && out && st);
	for (i = 0; i < LINES; i++) {
		memcpy(in + i * 64, "  ", 2);
		memset(in + i * 64 + 2, 'a' + (int)(i % 26), 60);
		memcpy(in + i * 64 + 62, " \n", 2);
	}
	out[OUT] = 0x5a;
	n = proc_singleline.run(st, in, IN, out, OUT, &m);
	T_EQ_INT(n, OUT);
	for (i = 0; i < LINES; i++)
		if (out[i * 60] != 'a' + (int)(i % 26) || out[i * 60 + 59] != 'a' + (int)(i % 26))
			break;
	T_EQ_INT(i, LINES);
	T_EQ_INT(out[OUT - 1], '\n');
	n = proc_singleline.run(st, in, IN, out, OUT - 1, &m);
	T_EQ_INT(n, PROC_TOOLONG);
	T_EQ_INT(out[OUT], 0x5a);
	free(in);
	free(out);
}

/* The message init writes to stderr for options json. */
static const char *sl_error(const char *json)
{
	return t_proc_new(&proc_singleline, json) ? "NO ERROR" : t_err;
}

T(singleline_config_errors)
{
	T_EQ_STR(sl_error("{\"optionName\":\"SINGLELINE\",\"parseOptions\":[\"NO_TRIM\",\"TRIM_TRAILING\"]}"),
	    "test:1: opts.parseOptions: unknown option \"TRIM_TRAILING\"; valid: NO_TRIM, ESCAPE_NEW_LINE\n");
	T_EQ_STR(sl_error("{\"optionName\":\"SINGLELINE\",\"parseOptions\":\"NO_TRIM\"}"),
	    "test:1: opts.parseOptions: must be an array of strings\n");
	T_EQ_STR(sl_error("{\"optionName\":\"SINGLELINE\",\"parseOptions\":[1]}"),
	    "test:1: opts.parseOptions[0]: must be a string\n");
}
