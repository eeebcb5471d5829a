/* SELECTKEYS: Fluent Bit's data_keys / log_key on a JSON-object record. */
#include <stdint.h>
#include <unistd.h>
#include "t.h"
#include "conf_opts.h"
#include "proc.h"

extern const struct processor proc_selectkeys;

static void *sk_t_make(const char *json)
{
	return t_proc_new(&proc_selectkeys, json);
}

/* Runs st on in, stderr captured in t_err; output as a string (or "TOOLONG", "DROP"). */
static const char *sk_t_run(void *st, const char *in)
{
	return t_proc_run(&proc_selectkeys, st, in, strlen(in), 0, NULL);
}

static const char *sk_t(const char *json, const char *in)
{
	return t_proc(&proc_selectkeys, json, in, strlen(in), 0, NULL);
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
		static const char in[] = "{\"log\":\"a\\u0000b\"}";
		size_t len;
		const char *out = t_proc_run(&proc_selectkeys, sk_t_make(SK_LK), in, sizeof in - 1, 0, &len);
		T_EQ_INT(len, 4);
		T_EQ_MEM(out, 4, "a\0b\n", 4);
	}
}

T(selectkeys_log_key_missing_is_dropped)
{
	void *st = sk_t_make(SK_LK);

	T_EQ_STR(sk_t_run(st, "{\"message\":\"x\"}\n"), "DROP");
	T_EQ_STR(t_err, "kagent: warning: SELECTKEYS: log_key \"log\" is not in a record; it is dropped "
	    "(and any more such records), as Fluent Bit does\n");
	/* warned once */
	T_EQ_STR(sk_t_run(st, "{}\n"), "DROP");
	T_EQ_STR(t_err, "");
	T_EQ_STR(sk_t_run(st, "{\"log\":\"back\"}\n"), "back\n");
}

T(selectkeys_not_an_object_passes)
{
	void *st = sk_t_make(SK_DK);

	T_EQ_STR(sk_t_run(st, "plain text\n"), "plain text\n");
	T_EQ_STR(t_err, "kagent: warning: SELECTKEYS: a record is not a JSON object; sent unchanged "
	    "(and any more such records)\n");
	T_EQ_STR(sk_t_run(st, "[1,2]\n"), "[1,2]\n");
	T_EQ_STR(t_err, "");
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
		size_t len;
		const char *out = t_proc_run(&proc_selectkeys, st, in, sizeof in - 1, 0, &len);
		T_EQ_MEM(out, len, in, sizeof in - 1);
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
	T_TRUE(n < T_PROC_OUT - 1);
	T_EQ_STR(sk_t_run(st, in), in);
	T_EQ_STR(t_err, "kagent: warning: SELECTKEYS: a record has more than 1024 JSON tokens; sent unchanged "
	    "(and any more such records)\n");
}

T(selectkeys_config_errors)
{
	T_TRUE(sk_t_make("{\"optionName\":\"SELECTKEYS\"}") == NULL);
	T_EQ_STR(t_err, "test:1: opts: needs data_keys (an array of key names) or log_key (a key name)\n");
	T_TRUE(sk_t_make("{\"optionName\":\"SELECTKEYS\",\"data_keys\":[\"a\"],\"log_key\":\"b\"}") == NULL);
	T_EQ_STR(t_err, "test:1: opts.log_key: give data_keys or log_key, not both\n");
	T_TRUE(sk_t_make("{\"optionName\":\"SELECTKEYS\",\"data_keys\":[]}") == NULL);
	T_EQ_STR(t_err, "test:1: opts.data_keys: must name at least one key\n");
	T_TRUE(sk_t_make("{\"optionName\":\"SELECTKEYS\",\"data_keys\":\"a,b\"}") == NULL);
	T_EQ_STR(t_err, "test:1: opts.data_keys: must be an array of strings\n");
	T_TRUE(sk_t_make("{\"optionName\":\"SELECTKEYS\",\"log_key\":[\"a\"]}") == NULL);
	T_EQ_STR(t_err, "test:1: opts.log_key: must be a string\n");
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
