/* libFuzzer target: CSVTOJSON with several option sets (literal and regular
 * expression delimiters, ones that match the empty string, rfc4180 quoting,
 * pretty printing), on any bytes, into buffers of exactly cap bytes (so ASan
 * sees any write past cap) for several caps.  Checks: the result fits, small
 * caps give PROC_TOOLONG and the exact length fits, runs are repeatable, and
 * the output is a JSON object (jsmn, strict) with one key per name, then "\n". */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "conf.h"
#include "json.h"
#include "proc.h"

extern const struct processor proc_csvtojson;

static const struct {
	const char *json;
	int nnames;
} fz_opts[] = {
	{ "{\"customFieldNames\":[\"a\",\"b\",\"c\"]}", 3 },
	{ "{\"customFieldNames\":[\"a\",\"b\",\"c\",\"d\"],\"delimiter\":\"\\\\t\"}", 4 },
	{ "{\"customFieldNames\":[\"a\",\"b\"],\"delimiter\":\"::\"}", 2 },
	{ "{\"customFieldNames\":[\"a\",\"b\",\"c\"],\"delimiter\":\"\\\\s*,\\\\s*\"}", 3 },
	{ "{\"customFieldNames\":[\"a\",\"b\",\"c\",\"d\",\"e\"],\"delimiter\":\",*\"}", 5 },
	{ "{\"customFieldNames\":[\"a\",\"b\",\"c\",\"d\",\"e\",\"f\"],\"delimiter\":\"\"}", 6 },
	{ "{\"customFieldNames\":[\"a\",\"b\",\"c\"],\"delimiter\":\"[;|]|x+\",\"jsonFormat\":\"PRETTYPRINT\"}", 3 },
	{ "{\"customFieldNames\":[\"a\",\"b\",\"c\",\"d\"],\"quoting\":\"rfc4180\"}", 4 },
	{ "{\"customFieldNames\":[\"a\",\"b\",\"c\"],\"quoting\":\"rfc4180\",\"delimiter\":\"\\\\|\","
	  "\"jsonFormat\":\"PRETTYPRINT\"}", 3 },
};
#define FZ_NOPTS (sizeof fz_opts / sizeof fz_opts[0])

static void *fz_state[FZ_NOPTS];

static void fz_init(void)
{
	for (size_t i = 0; i < FZ_NOPTS; i++) {
		struct conf_opts *o = conf_opts_parse(fz_opts[i].json, strlen(fz_opts[i].json));
		if (!o || proc_csvtojson.init(&fz_state[i], o) != 0)
			abort();
	}
}

/* Runs state st on in into a fresh buffer of exactly cap bytes; the result,
 * with the output copied to keep (if it fits). */
static long fz_run(void *st, const char *in, size_t n, size_t cap, char *keep)
{
	struct proc_meta m = { 0 };
	char *out = malloc(cap ? cap : 1);
	long r;

	if (!out)
		abort();
	r = proc_csvtojson.run(st, in, n, out, cap, &m);
	if (r >= 0) {
		if ((size_t)r > cap)
			abort();
		if (keep)
			memcpy(keep, out, (size_t)r);
	} else if (r != PROC_TOOLONG)
		abort();
	free(out);
	return r;
}

/* 1 if out[0..n) is one JSON object with nnames members, then "\n". */
static int fz_json(const char *out, size_t n, int nnames)
{
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
	const char *in = (const char *)data;
	size_t full = 6 * size + 1024;
	char *a = malloc(full), *b = malloc(full);
	long n;

	if (!ready) {
		fz_init();
		ready = 1;
	}
	if (!a || !b)
		abort();
	for (size_t i = 0; i < FZ_NOPTS; i++) {
		n = fz_run(fz_state[i], in, size, full, a);
		if (n < 0 || !fz_json(a, (size_t)n, fz_opts[i].nnames))
			abort();
		if (fz_run(fz_state[i], in, size, (size_t)n, b) != n || memcmp(a, b, (size_t)n) != 0)
			abort();
		if (fz_run(fz_state[i], in, size, (size_t)n - 1, NULL) != PROC_TOOLONG)
			abort();
		if (fz_run(fz_state[i], in, size, (size_t)n / 2, NULL) != PROC_TOOLONG)
			abort();
		if (fz_run(fz_state[i], in, size, 0, NULL) != PROC_TOOLONG)
			abort();
	}
	free(a);
	free(b);
	return 0;
}
