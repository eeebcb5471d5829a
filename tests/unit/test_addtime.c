/* ADDTIME: Fluent Bit's time_key / time_key_format on a JSON-object record. */
#include <stdint.h>
#include <unistd.h>
#include "t.h"
#include "civil.h"
#include "conf_opts.h"
#include "jw.h"
#include "proc.h"

extern const struct processor proc_addtime;

static void *at_t_make(const char *json)
{
	return t_proc_new(&proc_addtime, json);
}

/* Runs st on in at time ms, stderr captured in t_err. */
static const char *at_t_run(void *st, const char *in, int64_t ms)
{
	return t_proc_run(&proc_addtime, st, in, strlen(in), ms, NULL);
}

static const char *at_t(const char *json, const char *in, int64_t ms)
{
	return t_proc(&proc_addtime, json, in, strlen(in), ms, NULL);
}

/* The value ADDTIME gives with format fmt at ms, on {}. */
static const char *at_t_fmt(const char *fmt, int64_t ms)
{
	static char opts[512], v[512];
	const char *out;
	size_t n;

	snprintf(opts, sizeof opts, "{\"optionName\":\"ADDTIME\",\"time_key\":\"t\",\"time_key_format\":\"%s\"}", fmt);
	out = at_t(opts, "{}\n", ms);
	n = strlen(out);
	if (n < 9 || strncmp(out, "{\"t\":\"", 6) != 0 || strcmp(out + n - 3, "\"}\n") != 0)
		return out;
	memcpy(v, out + 6, n - 9);
	v[n - 9] = 0;
	return v;
}

#define AT_DEF "{\"optionName\":\"ADDTIME\",\"time_key\":\"time\"}"
#define AT_LEAP 1709210096789LL		/* 2024-02-29T12:34:56.789Z, a Thursday */

T(addtime_appends_last_key)
{
	T_EQ_STR(at_t(AT_DEF, "{\"host\":\"a\",\"n\":1}\n", AT_LEAP),
	    "{\"host\":\"a\",\"n\":1,\"time\":\"2024-02-29T12:34:56\"}\n");
	T_EQ_STR(at_t(AT_DEF, "{}\n", 0), "{\"time\":\"1970-01-01T00:00:00\"}\n");
	T_EQ_STR(at_t(AT_DEF, "{ }", 0), "{\"time\":\"1970-01-01T00:00:00\" }\n");
	/* right after the last value; the rest byte for byte */
	T_EQ_STR(at_t(AT_DEF, "  {\"a\" : [1, {\"b\":2}] ,\n \"c\" : \"x\\\"\"\n}\r\n", 0),
	    "  {\"a\" : [1, {\"b\":2}] ,\n \"c\" : \"x\\\"\",\"time\":\"1970-01-01T00:00:00\"\n}\n");
	T_EQ_STR(at_t(AT_DEF, "{\"a\":{}}", 0), "{\"a\":{},\"time\":\"1970-01-01T00:00:00\"}\n");
	T_EQ_STR(at_t(AT_DEF, "{\"a\":true}", 0), "{\"a\":true,\"time\":\"1970-01-01T00:00:00\"}\n");
	/* a record that has the key already gets it twice, as in Fluent Bit */
	T_EQ_STR(at_t(AT_DEF, "{\"time\":1}", 0), "{\"time\":1,\"time\":\"1970-01-01T00:00:00\"}\n");
}

T(addtime_key_and_value_escaped)
{
	T_EQ_STR(at_t("{\"optionName\":\"ADDTIME\",\"time_key\":\"a\\\"b\\u00e9\",\"time_key_format\":\"%Y\\\"\\\\\\t\"}",
	    "{}", 0), "{\"a\\\"b\xc3\xa9\":\"1970\\\"\\\\\\t\"}\n");
}

T(addtime_conversions)
{
	T_EQ_STR(at_t_fmt("%Y-%m-%dT%H:%M:%S.%3NZ", AT_LEAP), "2024-02-29T12:34:56.789Z");
	T_EQ_STR(at_t_fmt("%y|%j|%a|%A|%b|%B|%e", AT_LEAP), "24|060|Thu|Thursday|Feb|February|29");
	T_EQ_STR(at_t_fmt("%F %T %z %Z %%", AT_LEAP), "2024-02-29 12:34:56 +0000 UTC %");
	T_EQ_STR(at_t_fmt("%s|%9N|%L|%3N", AT_LEAP), "1709210096|789000000|789000000|789");
	T_EQ_STR(at_t_fmt("%e|%j|%a", 0), " 1|001|Thu");
	T_EQ_STR(at_t_fmt("no conversions", 0), "no conversions");
	T_EQ_STR(at_t_fmt("", 0), "");
	/* 3N without % is text */
	T_EQ_STR(at_t_fmt("3N%3N", 7), "3N007");
}

T(addtime_dates)
{
	T_EQ_STR(at_t_fmt("%F %T.%3N %j %a", -1), "1969-12-31 23:59:59.999 365 Wed");
	T_EQ_STR(at_t_fmt("%F %j %a", 951782400000LL), "2000-02-29 060 Tue");
	T_EQ_STR(at_t_fmt("%F %j %a", 4107542400000LL), "2100-03-01 060 Mon");	/* 2100 is not leap */
	T_EQ_STR(at_t_fmt("%F %j %a", 4102444800000LL - 1), "2099-12-31 365 Thu");
	T_EQ_STR(at_t_fmt("%F %j", 978220800000LL), "2000-12-31 366");
	T_EQ_STR(at_t_fmt("%F %T %s", 2147483648000LL), "2038-01-19 03:14:08 2147483648");
	T_EQ_STR(at_t_fmt("%s", -1), "-1");
	T_EQ_STR(at_t_fmt("%Y %y", 253402300800000LL), "10000 00");
	T_TRUE(strncmp(at_t_fmt("%F", INT64_MIN), "-", 1) == 0);
	T_EQ_STR(at_t_fmt("%F %T.%3N", INT64_MAX), "292278994-08-17 07:12:55.807");
}

T(addtime_not_an_object_passes)
{
	void *st = at_t_make(AT_DEF);

	T_EQ_STR(at_t_run(st, "plain\n", 0), "plain\n");
	T_EQ_STR(t_err, "kagent: warning: ADDTIME: a record is not a JSON object; sent unchanged "
	    "(and any more such records)\n");
	T_EQ_STR(at_t_run(st, "[]\n", 0), "[]\n");
	T_EQ_STR(t_err, "");
	T_EQ_STR(at_t_run(st, "", 0), "");
	T_EQ_STR(at_t_run(st, "{\"a\":1}{}", 0), "{\"a\":1}{}");
	T_EQ_STR(at_t_run(st, "{\"a\"}", 0), "{\"a\"}");
	T_EQ_STR(at_t_run(st, "{\"a\":\"\x01\xff\"", 0), "{\"a\":\"\x01\xff\"");
}

T(addtime_too_many_tokens_passes)
{
	static char in[8192];
	void *st = at_t_make(AT_DEF);
	size_t n = 0;
	int i;

	n += (size_t)snprintf(in + n, sizeof in - n, "{\"a\":[");
	for (i = 0; i < 1100; i++)
		n += (size_t)snprintf(in + n, sizeof in - n, "%s1", i ? "," : "");
	n += (size_t)snprintf(in + n, sizeof in - n, "]}\n");
	T_EQ_STR(at_t_run(st, in, 0), in);
	T_EQ_STR(t_err, "kagent: warning: ADDTIME: a record has more than 1024 JSON tokens; sent unchanged "
	    "(and any more such records)\n");
}

T(addtime_config_errors)
{
	T_TRUE(at_t_make("{\"optionName\":\"ADDTIME\"}") == NULL);
	T_EQ_STR(t_err, "test:1: opts: needs time_key (the key to add)\n");
	T_TRUE(at_t_make("{\"optionName\":\"ADDTIME\",\"time_key\":\"\"}") == NULL);
	T_EQ_STR(t_err, "test:1: opts.time_key: must not be empty\n");
	T_TRUE(at_t_make("{\"optionName\":\"ADDTIME\",\"time_key\":1}") == NULL);
	T_EQ_STR(t_err, "test:1: opts.time_key: must be a string\n");
	T_TRUE(at_t_make("{\"optionName\":\"ADDTIME\",\"time_key\":\"t\",\"time_key_format\":\"%Y %q\"}") == NULL);
	T_EQ_STR(t_err, "test:1: opts.time_key_format: unsupported conversion \"%q\" (there are %Y %y %m %d "
	    "%e %j %H %M %S %a %A %b %B %F %T %s %z %Z %% %3N %9N %L)\n");
	T_TRUE(at_t_make("{\"optionName\":\"ADDTIME\",\"time_key\":\"t\",\"time_key_format\":\"%4N\"}") == NULL);
	T_TRUE(strstr(t_err, "unsupported conversion \"%4\"") != NULL);
	T_TRUE(at_t_make("{\"optionName\":\"ADDTIME\",\"time_key\":\"t\",\"time_key_format\":\"ab%\"}") == NULL);
	T_TRUE(strstr(t_err, "unsupported conversion \"%\"") != NULL);
	T_TRUE(at_t_make("{\"optionName\":\"ADDTIME\",\"time_key\":\"t\",\"time_key_format\":"
	    "\"%s%s%s%s%s%s%s%s%s%s%s%s%s\"}") == NULL);
	T_EQ_STR(t_err, "test:1: opts.time_key_format: too long (its value could pass 256 bytes)\n");
	/* 12 conversions fit */
	T_TRUE(at_t_make("{\"optionName\":\"ADDTIME\",\"time_key\":\"t\",\"time_key_format\":"
	    "\"%s%s%s%s%s%s%s%s%s%s%s%s\"}") != NULL);
}

T(addtime_toolong)
{
	static char out[64];
	static const char want[] = "{\"a\":1,\"t\":\"1970\"}\n";
	struct proc_meta m = { 0 };
	void *st = at_t_make("{\"optionName\":\"ADDTIME\",\"time_key\":\"t\",\"time_key_format\":\"%Y\"}");
	size_t cap, n = sizeof want - 1;

	T_TRUE(st != NULL);
	T_EQ_INT(proc_addtime.run(st, "{\"a\":1}\n", 8, out, n, &m), (long)n);
	T_EQ_MEM(out, n, want, n);
	for (cap = 0; cap < n; cap++) {
		memset(out, '#', sizeof out);
		T_EQ_INT(proc_addtime.run(st, "{\"a\":1}\n", 8, out, cap, &m), PROC_TOOLONG);
		T_EQ_INT(out[cap], '#');
	}
	memset(out, '#', sizeof out);
	T_EQ_INT(proc_addtime.run(st, "abc", 3, out, 2, &m), PROC_TOOLONG);
	T_EQ_INT(out[2], '#');
}

/* Every conversion at many times (before 1970, far years, every ms and day
 * of the week) against printf with civil_from_ms's fields, which the conversions
 * were written with before they stopped calling printf. */
T(addtime_conversions_as_printf)
{
	static const char *const days[7] = { "Sunday", "Monday", "Tuesday", "Wednesday", "Thursday",
		"Friday", "Saturday" };
	static const char *const months[12] = { "January", "February", "March", "April", "May", "June",
		"July", "August", "September", "October", "November", "December" };
	static const int64_t base[] = { 0, AT_LEAP, -1, -86400001LL, 253402300799999LL, -62135596800000LL,
		-62198755200001LL, 4102444800123LL, 951782400000LL };
	char want[512], both[512];
	struct civil tm;

	for (size_t b = 0; b < sizeof base / sizeof base[0]; b++) {
		for (int step = 0; step < 9; step++) {
			int64_t ms = base[b] + (int64_t)step * 90061007LL;	/* 1 d 1 h 1 min 1 s 7 ms */

			civil_from_ms(ms, &tm);
			snprintf(want, sizeof want, "%lld %02d %02d %02d %2d %03d %02d %02d %02d %.3s %s %.3s %s "
			    "%lld-%02d-%02d %02d:%02d:%02d %lld +0000 UTC %% %03d %03d000000 %03d000000",
			    tm.year, (int)((tm.year % 100 + 100) % 100), tm.mon, tm.mday, tm.mday, tm.yday, tm.hour,
			    tm.min, tm.sec, days[tm.wday], days[tm.wday], months[tm.mon - 1], months[tm.mon - 1],
			    tm.year, tm.mon, tm.mday, tm.hour, tm.min, tm.sec, tm.secs, tm.ms, tm.ms, tm.ms);
			/* in three formats, each within the longest value */
			snprintf(both, sizeof both, "%s ", at_t_fmt("%Y %y %m %d %e %j %H %M", ms));
			strcat(both, at_t_fmt("%S %a %A %b %B %F %T", ms));
			strcat(both, " ");
			strcat(both, at_t_fmt("%s %z %Z %% %3N %9N %L", ms));
			T_EQ_STR(both, want);
		}
	}
}

/* One instance over records of several times: each gets its own (the value
 * is kept only for the next records of the same millisecond). */
T(addtime_each_record_its_time)
{
	void *st = at_t_make("{\"optionName\":\"ADDTIME\",\"time_key\":\"t\",\"time_key_format\":\"%T.%3N\"}");

	T_TRUE(st != NULL);
	T_EQ_STR(at_t_run(st, "{}", AT_LEAP), "{\"t\":\"12:34:56.789\"}\n");
	T_EQ_STR(at_t_run(st, "{\"a\":1}", AT_LEAP), "{\"a\":1,\"t\":\"12:34:56.789\"}\n");
	T_EQ_STR(at_t_run(st, "{}", AT_LEAP + 1), "{\"t\":\"12:34:56.790\"}\n");
	T_EQ_STR(at_t_run(st, "{}", AT_LEAP), "{\"t\":\"12:34:56.789\"}\n");
	T_EQ_STR(at_t_run(st, "{}", 0), "{\"t\":\"00:00:00.000\"}\n");
}
