/* libFuzzer target: CSVTOJSON with several option sets (literal and regular
 * expression delimiters, sets and runs of characters cut without the engine,
 * a string between runs found without it (rx_delim), ones that match the
 * empty string, rfc4180 quoting, pretty printing), on
 * any bytes, into buffers of exactly cap bytes (so ASan sees any write past
 * cap) for several caps.  Checks: the result fits, small caps give
 * PROC_TOOLONG and the exact length fits, runs are repeatable, and the output
 * is a JSON object (jsmn, strict) with one key per name, then "\n". */
#include "fuzz.h"
#include "json.h"

extern const struct processor proc_csvtojson;

static const struct {
	const char *json;
	int nnames;
} fz_opts[] = {
	{ "{\"customFieldNames\":[\"a\",\"b\",\"c\"]}", 3 },
	{ "{\"customFieldNames\":[\"a\",\"b\",\"c\",\"d\"],\"delimiter\":\"\\\\t\"}", 4 },
	{ "{\"customFieldNames\":[\"a\",\"b\"],\"delimiter\":\"::\"}", 2 },
	{ "{\"customFieldNames\":[\"a\",\"b\",\"c\"],\"delimiter\":\"\\\\s*,\\\\s*\"}", 3 },
	{ "{\"customFieldNames\":[\"a\",\"b\",\"c\",\"d\"],\"delimiter\":\"\\\\s+\"}", 4 },
	{ "{\"customFieldNames\":[\"a\",\"b\",\"c\"],\"delimiter\":\"[,;]\"}", 3 },
	{ "{\"customFieldNames\":[\"a\",\"b\",\"c\"],\"delimiter\":\"[,;] ?\"}", 3 },
	{ "{\"customFieldNames\":[\"a\",\"b\",\"c\",\"d\",\"e\"],\"delimiter\":\",*\"}", 5 },
	{ "{\"customFieldNames\":[\"a\",\"b\",\"c\",\"d\",\"e\",\"f\"],\"delimiter\":\"\"}", 6 },
	{ "{\"customFieldNames\":[\"a\",\"b\",\"c\"],\"delimiter\":\"[;|]|x+\",\"jsonFormat\":\"PRETTYPRINT\"}", 3 },
	{ "{\"customFieldNames\":[\"a\",\"b\",\"c\",\"d\"],\"quoting\":\"rfc4180\"}", 4 },
	{ "{\"customFieldNames\":[\"a\",\"b\",\"c\"],\"quoting\":\"rfc4180\",\"delimiter\":\"\\\\|\","
	  "\"jsonFormat\":\"PRETTYPRINT\"}", 3 },
};

static void *fz_state[FZ_N(fz_opts)];

/* 1 if out[0..n) is one JSON object with as many members as option set i
 * has names, then "\n". */
static int fz_json(const char *out, size_t n, size_t i)
{
	int nnames = fz_opts[i].nnames;
	jsmntok_t t[64];
	jsmn_parser p;
	int r;

	if (n < 3 || out[n - 1] != '\n')
		return 0;
	jsmn_init(&p);
	r = jsmn_parse(&p, out, n - 1, t, sizeof t / sizeof t[0]);
	return r == 1 + 2 * nnames && t[0].type == JSMN_OBJECT && t[0].size == nnames &&
	    t[0].start == 0 && (size_t)t[0].end == n - 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	size_t i;

	if (!ready) {
		for (i = 0; i < FZ_N(fz_opts); i++)
			fz_state[i] = fz_start(&proc_csvtojson, fz_opts[i].json);
		ready = 1;
	}
	fz_exact(&proc_csvtojson, fz_state, FZ_N(fz_opts), data, size, 6 * size + 1024, fz_json);
	return 0;
}
