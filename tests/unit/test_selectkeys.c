/* SELECTKEYS: Fluent Bit's data_keys / log_key on a JSON-object record. */
#include <stdint.h>
#include <unistd.h>
#include "t.h"
#include "conf.h"
#include "proc.h"

extern const struct processor proc_selectkeys;

static char sk_t_err[2048];

/* Calls f(st, arg) with fd 2 captured into sk_t_err. */
static long sk_t_capture(long (*f)(void **, const void *), void **st, const void *arg)
{
	int p[2], save;
	long rc;
	ssize_t n;

	sk_t_err[0] = 0;
	if (pipe(p) != 0)
		return -100;
	save = dup(2);
	dup2(p[1], 2);
	rc = f(st, arg);
	dup2(save, 2);
	close(save);
	close(p[1]);
	n = read(p[0], sk_t_err, sizeof sk_t_err - 1);
	sk_t_err[n > 0 ? n : 0] = 0;
	close(p[0]);
	return rc;
}

static long sk_t_init(void **st, const void *json)
{
	struct conf_opts *o = conf_opts_parse(json, strlen(json));

	return o ? proc_selectkeys.init(st, o) : -1;
}

static void *sk_t_make(const char *json)
{
	void *st = NULL;

	return sk_t_capture(sk_t_init, &st, json) == 0 ? st : NULL;
}

static char sk_t_out[4096];

static long sk_t_call(void **st, const void *in)
{
	struct proc_meta m = { 0 };

	return proc_selectkeys.run(*st, in, strlen(in), sk_t_out, sizeof sk_t_out - 1, &m);
}

/* Runs st on in, stderr captured; output as a string (or "TOOLONG", "DROP"). */
static const char *sk_t_run(void *st, const char *in)
{
	long r;

	if (!st)
		return "INIT FAILED";
	r = sk_t_capture(sk_t_call, &st, in);
	if (r < 0)
		return r == PROC_TOOLONG ? "TOOLONG" : "DROP";
	sk_t_out[r] = 0;
	return sk_t_out;
}

static const char *sk_t(const char *json, const char *in)
{
	return sk_t_run(sk_t_make(json), in);
}

#define SK_DK "{\"optionName\":\"SELECTKEYS\",\"data_keys\":[\"log\",\"level\"]}"
#define SK_LK "{\"optionName\":\"SELECTKEYS\",\"log_key\":\"log\"}"

T(selectkeys_data_keys)
{
	/* the record's order, not the option's; values as they are */
	T_EQ_STR(sk_t(SK_DK, "{\"level\":\"info\",\"host\":\"a\",\"log\":\"x \\\"y\\\"\\n\"}\n"),
	    "{\"level\":\"info\",\"log\":\"x \\\"y\\\"\\n\"}\n");
	T_EQ_STR(sk_t(SK_DK, "{\"log\":\"only\"}"), "{\"log\":\"only\"}\n");
	/* none of them: an empty object, as the Go plugins send */
	T_EQ_STR(sk_t(SK_DK, "{\"host\":\"a\"}\n"), "{}\n");
	T_EQ_STR(sk_t(SK_DK, "{}\n"), "{}\n");
	/* nested values kept, made compact; numbers, literals as written */
	T_EQ_STR(sk_t(SK_DK, "  { \"log\" : { \"a\" : [ 1 , \"s p\" , { } ] } ,\n \"level\" : 3.50e1 , \"x\":null }\r\n"),
	    "{\"log\":{\"a\":[1,\"s p\",{}]},\"level\":3.50e1}\n");
	T_EQ_STR(sk_t(SK_DK, "{\"log\":[true,false,null],\"level\":-0}\n"), "{\"log\":[true,false,null],\"level\":-0}\n");
	/* a key in a nested object is not a key of the record */
	T_EQ_STR(sk_t(SK_DK, "{\"o\":{\"log\":1}}\n"), "{}\n");
}

T(selectkeys_data_keys_escaped_and_repeated)
{
	/* a key matches once decoded, and is sent as written */
	T_EQ_STR(sk_t(SK_DK, "{\"l\\u006fg\":1,\"lo\\\"g\":2}\n"), "{\"l\\u006fg\":1}\n");
	T_EQ_STR(sk_t("{\"optionName\":\"SELECTKEYS\",\"data_keys\":[\"a\\\"b\",\"\\u00e9\"]}",
	    "{\"a\\\"b\":1,\"\xc3\xa9\":2,\"c\":3}\n"), "{\"a\\\"b\":1,\"\xc3\xa9\":2}\n");
	/* SELECTKEYS only removes: a repeated key stays repeated */
	T_EQ_STR(sk_t(SK_DK, "{\"log\":1,\"x\":0,\"log\":2}\n"), "{\"log\":1,\"log\":2}\n");
}

T(selectkeys_log_key)
{
	/* a string as its decoded text */
	T_EQ_STR(sk_t(SK_LK, "{\"time\":\"t\",\"log\":\"GET / \\\"x\\\"\\ttab\\\\ \\u00e9\\ud83d\\ude00\\/\"}\n"),
	    "GET / \"x\"\ttab\\ \xc3\xa9\xf0\x9f\x98\x80/\n");
	T_EQ_STR(sk_t(SK_LK, "{\"log\":\"line\\n\"}"), "line\n\n");
	T_EQ_STR(sk_t(SK_LK, "{\"log\":\"\"}"), "\n");
	/* anything else as its compact JSON text */
	T_EQ_STR(sk_t(SK_LK, "{\"log\": { \"a\" : [1, 2] } }"), "{\"a\":[1,2]}\n");
	T_EQ_STR(sk_t(SK_LK, "{\"log\":42}"), "42\n");
	T_EQ_STR(sk_t(SK_LK, "{\"log\":null}"), "null\n");
	/* the last of a repeated key; nested keys do not count */
	T_EQ_STR(sk_t(SK_LK, "{\"o\":{\"log\":0},\"log\":\"1\",\"log\":\"2\"}"), "2\n");
	/* a lone surrogate is U+FFFD, \u0000 a NUL byte */
	T_EQ_STR(sk_t(SK_LK, "{\"log\":\"a\\ud800b\"}"), "a\xef\xbf\xbd" "b\n");
	{
		void *st = sk_t_make(SK_LK);
		T_EQ_INT(sk_t_capture(sk_t_call, &st, "{\"log\":\"a\\u0000b\"}"), 4);
		T_EQ_MEM(sk_t_out, 4, "a\0b\n", 4);
	}
}

T(selectkeys_log_key_missing_is_dropped)
{
	void *st = sk_t_make(SK_LK);

	T_EQ_STR(sk_t_run(st, "{\"message\":\"x\"}\n"), "DROP");
	T_EQ_STR(sk_t_err, "kagent: warning: SELECTKEYS: log_key \"log\" is not in a record; it is dropped "
	    "(and any more such records), as Fluent Bit does\n");
	/* warned once */
	T_EQ_STR(sk_t_run(st, "{}\n"), "DROP");
	T_EQ_STR(sk_t_err, "");
	T_EQ_STR(sk_t_run(st, "{\"log\":\"back\"}\n"), "back\n");
}

T(selectkeys_not_an_object_passes)
{
	void *st = sk_t_make(SK_DK);

	T_EQ_STR(sk_t_run(st, "plain text\n"), "plain text\n");
	T_EQ_STR(sk_t_err, "kagent: warning: SELECTKEYS: a record is not a JSON object; sent unchanged "
	    "(and any more such records)\n");
	T_EQ_STR(sk_t_run(st, "[1,2]\n"), "[1,2]\n");
	T_EQ_STR(sk_t_err, "");
	T_EQ_STR(sk_t_run(st, ""), "");
	T_EQ_STR(sk_t_run(st, "\n"), "\n");
	T_EQ_STR(sk_t_run(st, "{\"log\":1} {\"log\":2}\n"), "{\"log\":1} {\"log\":2}\n");
	T_EQ_STR(sk_t_run(st, "{\"log\":1}x\n"), "{\"log\":1}x\n");
	T_EQ_STR(sk_t_run(st, "{\"log\":1\n"), "{\"log\":1\n");
	T_EQ_STR(sk_t_run(st, "{\"log\"}\n"), "{\"log\"}\n");
	T_EQ_STR(sk_t_run(st, "{\"log\":tru}\n"), "{\"log\":tru}\n");
	T_EQ_STR(sk_t_run(st, "\"log\"\n"), "\"log\"\n");
	{
		/* jsmn stops at NUL: what follows it must not be lost */
		static const char in[] = "{\"log\":1}\0junk\n";
		struct proc_meta m = { 0 };
		long r = proc_selectkeys.run(st, in, sizeof in - 1, sk_t_out, sizeof sk_t_out, &m);
		T_EQ_MEM(sk_t_out, r < 0 ? 0 : (size_t)r, in, sizeof in - 1);
	}
}

T(selectkeys_too_many_tokens_passes)
{
	static char in[8192];
	void *st = sk_t_make(SK_DK);
	size_t n = 0;
	int i;

	n += (size_t)snprintf(in + n, sizeof in - n, "{\"log\":[");
	for (i = 0; i < 1100; i++)
		n += (size_t)snprintf(in + n, sizeof in - n, "%s1", i ? "," : "");
	n += (size_t)snprintf(in + n, sizeof in - n, "]}\n");
	T_TRUE(n < sizeof sk_t_out - 1);
	T_EQ_STR(sk_t_run(st, in), in);
	T_EQ_STR(sk_t_err, "kagent: warning: SELECTKEYS: a record has more than 1024 JSON tokens; sent unchanged "
	    "(and any more such records)\n");
}

T(selectkeys_config_errors)
{
	T_TRUE(sk_t_make("{\"optionName\":\"SELECTKEYS\"}") == NULL);
	T_EQ_STR(sk_t_err, "test:1: opts: needs data_keys (an array of key names) or log_key (a key name)\n");
	T_TRUE(sk_t_make("{\"optionName\":\"SELECTKEYS\",\"data_keys\":[\"a\"],\"log_key\":\"b\"}") == NULL);
	T_EQ_STR(sk_t_err, "test:1: opts.log_key: give data_keys or log_key, not both\n");
	T_TRUE(sk_t_make("{\"optionName\":\"SELECTKEYS\",\"data_keys\":[]}") == NULL);
	T_EQ_STR(sk_t_err, "test:1: opts.data_keys: must name at least one key\n");
	T_TRUE(sk_t_make("{\"optionName\":\"SELECTKEYS\",\"data_keys\":\"a,b\"}") == NULL);
	T_EQ_STR(sk_t_err, "test:1: opts.data_keys: must be an array of strings\n");
	T_TRUE(sk_t_make("{\"optionName\":\"SELECTKEYS\",\"log_key\":[\"a\"]}") == NULL);
	T_EQ_STR(sk_t_err, "test:1: opts.log_key: must be a string\n");
}

T(selectkeys_toolong)
{
	static char out[64];
	static const char in[] = "{\"a\":1,\"log\":\"x\\ty\",\"level\":{\"b\" : 2}}\n";
	static const char want_dk[] = "{\"log\":\"x\\ty\",\"level\":{\"b\":2}}\n";
	struct proc_meta m = { 0 };
	void *dk = sk_t_make(SK_DK), *lk = sk_t_make(SK_LK), *pt = sk_t_make(SK_DK);
	size_t cap, n = sizeof in - 1;

	T_EQ_INT(proc_selectkeys.run(dk, in, n, out, sizeof want_dk - 1, &m), (long)sizeof want_dk - 1);
	T_EQ_MEM(out, sizeof want_dk - 1, want_dk, sizeof want_dk - 1);
	T_EQ_INT(proc_selectkeys.run(lk, in, n, out, 4, &m), 4);
	T_EQ_MEM(out, 4, "x\ty\n", 4);
	for (cap = 0; cap < sizeof want_dk - 1; cap++) {
		memset(out, '#', sizeof out);
		T_EQ_INT(proc_selectkeys.run(dk, in, n, out, cap, &m), PROC_TOOLONG);
		T_EQ_INT(out[cap], '#');
		if (cap < 4) {
			T_EQ_INT(proc_selectkeys.run(lk, in, n, out, cap, &m), PROC_TOOLONG);
			T_EQ_INT(out[cap], '#');
		}
	}
	/* passed through: the input must fit */
	memset(out, '#', sizeof out);
	T_EQ_INT(proc_selectkeys.run(pt, "abc", 3, out, 2, &m), PROC_TOOLONG);
	T_EQ_INT(out[2], '#');
}
