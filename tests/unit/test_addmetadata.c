/* ADDMETADATA: the Java agent's AddMetadataConverter (with the "timestamp"
 * option of awslabs/amazon-kinesis-agent#143), byte for byte. */
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>
#include "t.h"
#include "conf_opts.h"
#include "proc.h"

extern const struct processor proc_addmetadata;

/* init with options json; stderr captured in t_err.  NULL on failure. */
static void *am_t_make(const char *json)
{
	return t_proc_new(&proc_addmetadata, json);
}

/* Runs on n bytes of in at time ms (or "TOOLONG", "DROP", "INIT FAILED");
 * its length in *len. */
static const char *am_t_run(const char *json, const char *in, size_t n, int64_t ms, size_t *len)
{
	return t_proc(&proc_addmetadata, json, in, n, ms, len);
}

static const char *am_t(const char *json, const char *in, int64_t ms)
{
	return t_proc(&proc_addmetadata, json, in, strlen(in), ms, NULL);
}

#define AM_GUIDE "{\"optionName\":\"ADDMETADATA\",\"metadata\":{\"key\":\"value\",\"foo\":{\"bar\":\"baz\"}}"
#define AM_TS "{\"optionName\":\"ADDMETADATA\",\"timestamp\":\"true\",\"metadata\":{\"k\":\"v\"}}"

T(addmetadata_pr68_example)
{
	/* the example of the pull request that added ADDMETADATA */
	T_EQ_STR(am_t(AM_GUIDE "}", "this is my raw data that I want to send\n", 0),
	    "{\"metadata\":{\"key\":\"value\",\"foo\":{\"bar\":\"baz\"}},"
	    "\"data\":\"this is my raw data that I want to send\"}\n");
	T_EQ_STR(am_t(AM_GUIDE ",\"jsonFormat\":\"PRETTYPRINT\"}", "this is my raw data that I want to send\n", 0),
	    "{\n  \"metadata\" : {\n    \"key\" : \"value\",\n    \"foo\" : {\n      \"bar\" : \"baz\"\n    }\n  },\n"
	    "  \"data\" : \"this is my raw data that I want to send\"\n}\n");
	T_EQ_STR(am_t(AM_GUIDE ",\"jsonFormat\":\"COMPACT\"}", "x\n", 0),
	    "{\"metadata\":{\"key\":\"value\",\"foo\":{\"bar\":\"baz\"}},\"data\":\"x\"}\n");
}

T(addmetadata_timestamp)
{
	/* 2024-02-29 (a leap day), SimpleDateFormat "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'" in UTC */
	T_EQ_STR(am_t(AM_TS, "a\n", 1709210096789LL),
	    "{\"ts\":\"2024-02-29T12:34:56.789Z\",\"metadata\":{\"k\":\"v\"},\"data\":\"a\"}\n");
	T_EQ_STR(am_t(AM_TS, "a\n", 0),
	    "{\"ts\":\"1970-01-01T00:00:00.000Z\",\"metadata\":{\"k\":\"v\"},\"data\":\"a\"}\n");
	/* Boolean(String) ignores case */
	T_EQ_STR(am_t("{\"optionName\":\"ADDMETADATA\",\"timestamp\":\"TRUE\"}", "a\n", 1234567890123LL),
	    "{\"ts\":\"2009-02-13T23:31:30.123Z\",\"metadata\":null,\"data\":\"a\"}\n");
	T_EQ_STR(am_t("{\"optionName\":\"ADDMETADATA\",\"timestamp\":\"false\"}", "a\n", 5),
	    "{\"metadata\":null,\"data\":\"a\"}\n");
	T_EQ_STR(t_err, "");
}

T(addmetadata_timestamp_dates)
{
	static const struct { int64_t ms; const char *ts; } c[] = {
		{ 0, "1970-01-01T00:00:00.000Z" },
		{ -1, "1969-12-31T23:59:59.999Z" },
		{ 951782400000LL, "2000-02-29T00:00:00.000Z" },		/* 400-year leap */
		{ 951868799999LL, "2000-02-29T23:59:59.999Z" },
		{ 4107542400000LL, "2100-03-01T00:00:00.000Z" },	/* 2100 has no Feb 29 */
		{ 4107542399999LL, "2100-02-28T23:59:59.999Z" },
		{ 2147483647000LL, "2038-01-19T03:14:07.000Z" },
		{ 2147483648001LL, "2038-01-19T03:14:08.001Z" },	/* past 32-bit time_t */
		{ 253402300799999LL, "9999-12-31T23:59:59.999Z" },
		{ 253402300800000LL, "10000-01-01T00:00:00.000Z" },	/* yyyy is a minimum width */
	};
	char want[128];
	size_t i;

	for (i = 0; i < sizeof c / sizeof c[0]; i++) {
		snprintf(want, sizeof want, "{\"ts\":\"%s\",\"metadata\":{\"k\":\"v\"},\"data\":\"\"}\n", c[i].ts);
		T_EQ_STR(am_t(AM_TS, "\n", c[i].ms), want);
	}
	/* the extremes do not overflow */
	T_TRUE(strncmp(am_t(AM_TS, "\n", INT64_MAX), "{\"ts\":\"292278994-08-17T07:12:55.807Z\",", 38) == 0);
	T_TRUE(strncmp(am_t(AM_TS, "\n", INT64_MIN), "{\"ts\":\"", 7) == 0);
}

T(addmetadata_timestamp_pretty)
{
	T_EQ_STR(am_t("{\"optionName\":\"ADDMETADATA\",\"timestamp\":\"true\",\"jsonFormat\":\"PRETTYPRINT\"}",
	    "a\n", 1709210096789LL),
	    "{\n  \"ts\" : \"2024-02-29T12:34:56.789Z\",\n  \"metadata\" : null,\n  \"data\" : \"a\"\n}\n");
}

T(addmetadata_timestamp_other_strings)
{
	/* new Boolean("yes") is false: taken so, with a warning */
	T_EQ_STR(am_t("{\"optionName\":\"ADDMETADATA\",\"timestamp\":\"yes\"}", "a\n", 0),
	    "{\"metadata\":null,\"data\":\"a\"}\n");
	T_EQ_STR(t_err, "kagent: warning: ADDMETADATA: timestamp \"yes\" is taken as false, as the Java agent does\n");
	/* a JSON boolean is a ClassCastException in the Java agent */
	T_TRUE(am_t_make("{\"optionName\":\"ADDMETADATA\",\"timestamp\":true}") == NULL);
	T_EQ_STR(t_err, "test:1: opts.timestamp: must be a string\n");
}

T(addmetadata_data)
{
	/* one trailing "\n" goes; the rest is escaped as Jackson does */
	T_EQ_STR(am_t("{\"optionName\":\"ADDMETADATA\"}", "", 0), "{\"metadata\":null,\"data\":\"\"}\n");
	T_EQ_STR(am_t("{\"optionName\":\"ADDMETADATA\"}", "\n", 0), "{\"metadata\":null,\"data\":\"\"}\n");
	T_EQ_STR(am_t("{\"optionName\":\"ADDMETADATA\"}", "a\n\n", 0), "{\"metadata\":null,\"data\":\"a\\n\"}\n");
	T_EQ_STR(am_t("{\"optionName\":\"ADDMETADATA\"}", "a\r\n", 0), "{\"metadata\":null,\"data\":\"a\\r\"}\n");
	T_EQ_STR(am_t("{\"optionName\":\"ADDMETADATA\"}", "no newline", 0),
	    "{\"metadata\":null,\"data\":\"no newline\"}\n");
	T_EQ_STR(am_t("{\"optionName\":\"ADDMETADATA\"}", "q\"b\\s/\t\x01\x1f\x7f\xc3\xa9\n", 0),
	    "{\"metadata\":null,\"data\":\"q\\\"b\\\\s/\\t\\u0001\\u001F\x7f\xc3\xa9\"}\n");
	/* invalid UTF-8: each maximal subpart is one U+FFFD, a surrogate too (as Java) */
	T_EQ_STR(am_t("{\"optionName\":\"ADDMETADATA\"}", "\xff" "a\xe2\x82" "b\xed\xa0\x80\n", 0),
	    "{\"metadata\":null,\"data\":\"\xef\xbf\xbd" "a\xef\xbf\xbd" "b\xef\xbf\xbd\"}\n");
}

T(addmetadata_data_nul)
{
	size_t len;
	const char *out = am_t_run("{\"optionName\":\"ADDMETADATA\"}", "a\0b\n", 4, 0, &len);

	T_EQ_MEM(out, len, "{\"metadata\":null,\"data\":\"a\\u0000b\"}\n", 36);
}

#define AM_MIXED "{\"optionName\":\"ADDMETADATA\",\"metadata\": { \"n\" : -0 , \"i\":-12,\"f\":1.50,\"e\":1E2,\n" \
	"\"s\":\"a\\u00e9\\/b\\\"\",\"arr\":[1, [ ], {}, {\"b\":1}],\"t\":true,\"nul\":null, \"o\" : { } }"

T(addmetadata_metadata_as_jackson_prints_it)
{
	T_EQ_STR(am_t(AM_MIXED "}", "x\n", 0),
	    "{\"metadata\":{\"n\":0,\"i\":-12,\"f\":1.5,\"e\":100.0,\"s\":\"a\xc3\xa9/b\\\"\","
	    "\"arr\":[1,[],{},{\"b\":1}],\"t\":true,\"nul\":null,\"o\":{}},\"data\":\"x\"}\n");
	T_EQ_STR(am_t(AM_MIXED ",\"jsonFormat\":\"PRETTYPRINT\"}", "x\n", 0),
	    "{\n"
	    "  \"metadata\" : {\n"
	    "    \"n\" : 0,\n"
	    "    \"i\" : -12,\n"
	    "    \"f\" : 1.5,\n"
	    "    \"e\" : 100.0,\n"
	    "    \"s\" : \"a\xc3\xa9/b\\\"\",\n"
	    "    \"arr\" : [ 1, [ ], { }, {\n"
	    "      \"b\" : 1\n"
	    "    } ],\n"
	    "    \"t\" : true,\n"
	    "    \"nul\" : null,\n"
	    "    \"o\" : { }\n"
	    "  },\n"
	    "  \"data\" : \"x\"\n"
	    "}\n");
}

T(addmetadata_metadata_not_an_object)
{
	/* the Java agent takes whatever value is there */
	T_EQ_STR(am_t("{\"optionName\":\"ADDMETADATA\",\"metadata\":\"host-1\"}", "x\n", 0),
	    "{\"metadata\":\"host-1\",\"data\":\"x\"}\n");
	T_EQ_STR(am_t("{\"optionName\":\"ADDMETADATA\",\"metadata\":[ ]}", "x\n", 0),
	    "{\"metadata\":[],\"data\":\"x\"}\n");
	T_EQ_STR(am_t("{\"optionName\":\"ADDMETADATA\",\"metadata\":null}", "x\n", 0),
	    "{\"metadata\":null,\"data\":\"x\"}\n");
	T_EQ_STR(am_t("{\"optionName\":\"ADDMETADATA\",\"metadata\":42}", "x\n", 0),
	    "{\"metadata\":42,\"data\":\"x\"}\n");
}

T(addmetadata_metadata_doubles)
{
	/* Double.toString */
	static const struct { const char *in, *out; } c[] = {
		{ "0.001", "0.001" }, { "1e-4", "1.0E-4" }, { "1E7", "1.0E7" },
		{ "9999999.0", "9999999.0" }, { "12345678.9", "1.23456789E7" },
		{ "123.000", "123.0" }, { "-2.50", "-2.5" }, { "0.1", "0.1" },
		{ "0.30000000000000004", "0.30000000000000004" }, { "-0.0", "-0.0" },
		{ "0e5", "0.0" }, { "1e400", "\"Infinity\"" }, { "-1e400", "\"-Infinity\"" },
		{ "2.5e-3", "0.0025" }, { "1.7976931348623157E308", "1.7976931348623157E308" },
	};
	char opts[128], want[128];
	size_t i;

	for (i = 0; i < sizeof c / sizeof c[0]; i++) {
		snprintf(opts, sizeof opts, "{\"optionName\":\"ADDMETADATA\",\"metadata\":%s}", c[i].in);
		snprintf(want, sizeof want, "{\"metadata\":%s,\"data\":\"\"}\n", c[i].out);
		T_EQ_STR(am_t(opts, "\n", 0), want);
	}
}

T(addmetadata_metadata_repeated_key)
{
	/* LinkedHashMap.put: the first place, the last value */
	T_EQ_STR(am_t("{\"optionName\":\"ADDMETADATA\",\"metadata\":{\"a\":1,\"b\":{\"a\":5,\"a\":6},\"a\":3}}", "x\n", 0),
	    "{\"metadata\":{\"a\":3,\"b\":{\"a\":6}},\"data\":\"x\"}\n");
}

T(addmetadata_config_errors)
{
	T_TRUE(am_t_make("{\"optionName\":\"ADDMETADATA\",\"jsonFormat\":\"pretty\"}") == NULL);
	T_EQ_STR(t_err, "test:1: opts.jsonFormat: must be \"COMPACT\" or \"PRETTYPRINT\"\n");
	T_TRUE(am_t_make("{\"optionName\":\"ADDMETADATA\",\"jsonFormat\":1}") == NULL);
	T_EQ_STR(t_err, "test:1: opts.jsonFormat: must be a string\n");
}

T(addmetadata_toolong)
{
	static char out[64];
	static const char want[] = "{\"metadata\":{\"k\":\"v\"},\"data\":\"abc\"}\n";
	struct proc_meta m = { 0 };
	void *st = am_t_make("{\"optionName\":\"ADDMETADATA\",\"metadata\":{\"k\":\"v\"}}");
	size_t n = sizeof want - 1, cap;
	long r;

	T_TRUE(st != NULL);
	r = proc_addmetadata.run(st, "abc\n", 4, out, n, &m);
	T_EQ_MEM(out, r < 0 ? 0 : (size_t)r, want, n);
	for (cap = 0; cap < n; cap++) {
		memset(out, '#', sizeof out);
		T_EQ_INT(proc_addmetadata.run(st, "abc\n", 4, out, cap, &m), PROC_TOOLONG);
		T_EQ_INT(out[cap], '#');
	}
}

T(addmetadata_one_megabyte_line)
{
	static char in[1 << 20], out[(1 << 20) + 64];
	static const char head[] = "{\"metadata\":null,\"data\":\"";
	struct proc_meta m = { 0 };
	void *st = am_t_make("{\"optionName\":\"ADDMETADATA\"}");
	long r;

	T_TRUE(st != NULL);
	memset(in, 'x', sizeof in - 1);
	in[sizeof in - 1] = '\n';
	r = proc_addmetadata.run(st, in, sizeof in, out, sizeof out, &m);
	T_EQ_INT(r, (long)(sizeof head - 1 + sizeof in - 1 + 3));
	T_EQ_MEM(out, sizeof head - 1, head, sizeof head - 1);
	T_EQ_MEM(out + r - 4, 4, "x\"}\n", 4);
	T_EQ_INT(proc_addmetadata.run(st, in, sizeof in, out, (size_t)r - 1, &m), PROC_TOOLONG);
}
