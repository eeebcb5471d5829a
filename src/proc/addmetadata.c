/* ADDMETADATA: the Kinesis Agent's AddMetadataConverter.
 *
 *   {"ts":"2024-02-29T12:34:56.789Z","metadata":{...},"data":"<line>"}\n
 *
 * as the Java agent builds it: "ts" only with "timestamp": "true" (the agent
 * reads the option as new Boolean((String) value): absent or any other string
 * is false, "TRUE" is true, a JSON boolean is a start-up error there and
 * here); "metadata" is the option's value whatever its type (null when it is
 * absent); "data" is the record as text without one trailing "\n"; "jsonFormat"
 * (COMPACT, PRETTYPRINT) picks Jackson's printer like every printing
 * converter.  The time is the record's (proc_meta.wall_ms) in UTC with
 * SimpleDateFormat "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'" (a literal Z); the agent
 * takes new Date() as it converts, which the record's read time stands for.
 *
 * The metadata value is printed once at start-up the way Jackson prints the
 * Java objects its config reader made of it: strings re-escaped, "-0" as 0,
 * floating-point numbers as Double.toString() writes them (shortest digits
 * that read back to the same double, as JDK 19 and later do; older JDKs
 * sometimes print one more digit), a repeated key keeping its first place and
 * its last value (LinkedHashMap.put).  Known differences: a string holding
 * \u0000 or a lone surrogate is kept as written; dates before 1582-10-15,
 * which Java prints in the Julian calendar, are printed here in the proleptic
 * Gregorian one. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "arena.h"
#include "civil.h"
#include "conf_opts.h"
#include "dbl.h"
#include "fmt.h"
#include "json.h"
#include "jw.h"
#include "log.h"
#include "numfmt.h"
#include "proc.h"

struct am_state {
	int ts;			/* "timestamp": "true" */
	int pretty;		/* "jsonFormat": "PRETTYPRINT" */
	const char *meta;	/* the metadata value as printed, or "null" */
	size_t metalen;
};

/* ---- start-up: printing the metadata value as Jackson would ----------- */

struct am_buf {
	char *p;
	size_t cap, len;	/* len may pass cap: then only counted */
};

static void
am_put(struct am_buf *b, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++, b->len++)
		if (b->len < b->cap)
			b->p[b->len] = s[i];
}

static void
am_indent(struct am_buf *b, int level)
{
	int i;

	am_put(b, "\n", 1);
	for (i = 0; i < level; i++)
		am_put(b, "  ", 2);
}

/* A string token: decoded, then escaped by Jackson's rules. */
static void
am_string(struct am_buf *b, const char *js, const jsmntok_t *t, char *tmp, size_t tmpcap)
{
	int k = json_string(js, t, tmp, tmpcap);

	am_put(b, "\"", 1);
	if (k < 0) {
		/* \u0000 or a lone surrogate: kept as written */
		am_put(b, js + t->start, (size_t)(t->end - t->start));
	} else {
		size_t e = json_escape(NULL, 0, tmp, (size_t)k);

		if (b->len < b->cap && e <= b->cap - b->len)
			json_escape(b->p + b->len, e, tmp, (size_t)k);
		b->len += e;
	}
	am_put(b, "\"", 1);
}

/* A number as Java prints the Integer, Long, BigInteger or Double that
 * Jackson reads from it. */
static void
am_number(struct am_buf *b, const char *s, size_t n)
{
	char e[16], digits[17];
	double d;
	int x, nd, i;

	if (!memchr(s, '.', n) && !memchr(s, 'e', n) && !memchr(s, 'E', n)) {
		if (n == 2 && s[0] == '-' && s[1] == '0')
			am_put(b, "0", 1);	/* an Integer has no negative zero */
		else
			am_put(b, s, n);
		return;
	}
	if (n >= 64) {
		am_put(b, s, n);	/* not worth a Double's digits */
		return;
	}
	d = dbl_parse(s, n);
	if (isinf(d)) {
		/* Jackson writes a non-finite Double as a string */
		am_put(b, d < 0 ? "\"-Infinity\"" : "\"Infinity\"", d < 0 ? 11 : 10);
		return;
	}
	if (d == 0) {
		am_put(b, signbit(d) ? "-0.0" : "0.0", signbit(d) ? 4 : 3);
		return;
	}
	if (d < 0) {
		am_put(b, "-", 1);
		d = -d;
	}
	/* the fewest significant digits that read back to d */
	nd = dbl_shortest(d, digits, &x);
	while (nd > 1 && digits[nd - 1] == '0')
		nd--;
	if (x >= -3 && x < 7) {
		/* Double.toString: plain notation for 1e-3 <= |d| < 1e7 */
		if (x < 0) {
			am_put(b, "0.", 2);
			for (i = -1; i > x; i--)
				am_put(b, "0", 1);
			am_put(b, digits, (size_t)nd);
			return;
		}
		for (i = 0; i <= x; i++)
			am_put(b, i < nd ? &digits[i] : "0", 1);
		am_put(b, ".", 1);
		if (nd > x + 1)
			am_put(b, digits + x + 1, (size_t)(nd - x - 1));
		else
			am_put(b, "0", 1);
		return;
	}
	/* computerized scientific notation: 1.0E7, 1.234E-5 */
	am_put(b, digits, 1);
	am_put(b, ".", 1);
	if (nd > 1)
		am_put(b, digits + 1, (size_t)nd - 1);
	else
		am_put(b, "0", 1);
	fmt_snprintf(e, sizeof e, "E%d", x);
	am_put(b, e, strlen(e));
}

static int
am_keyeq(const char *js, const jsmntok_t *a, const jsmntok_t *b)
{
	return a->end - a->start == b->end - b->start &&
	    memcmp(js + a->start, js + b->start, (size_t)(a->end - a->start)) == 0;
}

/* Prints the value at token i; level is the number of objects around it
 * (Jackson's pretty printer indents by objects only: arrays stay on the
 * line, "[ 1, 2 ]").  Returns the index of the next token. */
static int
am_value(struct am_buf *b, const char *js, const jsmntok_t *t, int i, int pretty, int level,
    char *tmp, size_t tmpcap)
{
	int k, j, m, last, n;

	switch (t[i].type) {
	case JSMN_STRING:
		am_string(b, js, &t[i], tmp, tmpcap);
		return i + 1;
	case JSMN_PRIMITIVE:
		if (js[t[i].start] == '-' || (js[t[i].start] >= '0' && js[t[i].start] <= '9'))
			am_number(b, js + t[i].start, (size_t)(t[i].end - t[i].start));
		else
			am_put(b, js + t[i].start, (size_t)(t[i].end - t[i].start));
		return i + 1;
	case JSMN_ARRAY:
		am_put(b, "[", 1);
		for (k = 0, j = i + 1; k < t[i].size; k++) {
			if (k)
				am_put(b, pretty ? ", " : ",", pretty ? 2 : 1);
			else if (pretty)
				am_put(b, " ", 1);
			j = am_value(b, js, t, j, pretty, level, tmp, tmpcap);
		}
		am_put(b, pretty ? " ]" : "]", pretty ? 2 : 1);	/* "[ ]" when empty */
		return j;
	case JSMN_OBJECT:
		am_put(b, "{", 1);
		n = 0;
		for (k = 0, j = i + 1; k < t[i].size; k++, j = json_skip(t, j + 1)) {
			/* LinkedHashMap.put: a repeated key keeps its first place
			 * and takes the last value */
			for (m = i + 1; m < j && !am_keyeq(js, &t[m], &t[j]); m = json_skip(t, m + 1))
				;
			if (m < j)
				continue;
			last = j;
			for (m = json_skip(t, j + 1); m < json_skip(t, i); m = json_skip(t, m + 1))
				if (am_keyeq(js, &t[m], &t[j]))
					last = m;
			if (n++)
				am_put(b, ",", 1);
			if (pretty)
				am_indent(b, level + 1);
			am_string(b, js, &t[j], tmp, tmpcap);
			am_put(b, pretty ? " : " : ":", pretty ? 3 : 1);
			am_value(b, js, t, last + 1, pretty, level + 1, tmp, tmpcap);
		}
		if (pretty) {
			if (n)
				am_indent(b, level);
			else
				am_put(b, " ", 1);
		}
		am_put(b, "}", 1);
		return json_skip(t, i);
	default:
		return i + 1;
	}
}

static int
am_init(void **state, struct conf_opts *o)
{
	struct am_state *s;
	const char *v, *js;
	size_t n;
	int r, ntok;
	jsmn_parser p;
	jsmntok_t *t;
	struct am_buf b = { NULL, 0, 0 };
	char *tmp;

	s = arena_alloc(sizeof *s);
	if ((r = conf_opt_string(o, "timestamp", &v)) < 0)
		return -1;
	if (r > 0)
		s->ts = strcasecmp(v, "true") == 0;	/* Boolean(String) */
	if (r > 0 && !s->ts && strcasecmp(v, "false") != 0)
		log_warnx("ADDMETADATA: timestamp \"%s\" is taken as false, as the Java agent does", v);
	if ((r = conf_opt_string(o, "jsonFormat", &v)) < 0)
		return -1;
	if (r > 0) {
		if (strcmp(v, "PRETTYPRINT") == 0)
			s->pretty = 1;
		else if (strcmp(v, "COMPACT") != 0)
			return conf_opt_error(o, "jsonFormat", "must be \"COMPACT\" or \"PRETTYPRINT\"");
	}
	if ((r = conf_opt_json(o, "metadata", &js, &n)) < 0)
		return -1;
	if (r == 0) {
		s->meta = "null";
		s->metalen = 4;
		*state = s;
		return 0;
	}
	/* strict jsmn wants a primitive followed by something: add a blank */
	tmp = arena_alloc(n + 2);
	memcpy(tmp, js, n);
	tmp[n++] = ' ';
	js = tmp;
	jsmn_init(&p);
	if ((ntok = jsmn_parse(&p, js, n, NULL, 0)) <= 0)
		return conf_opt_error(o, "metadata", "is not valid JSON");
	t = arena_alloc((size_t)ntok * sizeof *t);
	jsmn_init(&p);
	if (jsmn_parse(&p, js, n, t, (unsigned)ntok) != ntok)
		return conf_opt_error(o, "metadata", "is not valid JSON");
	tmp = arena_alloc(n + 1);
	/* once to size, once to write */
	am_value(&b, js, t, 0, s->pretty, 1, tmp, n + 1);
	b.p = arena_alloc(b.len + 1);
	b.cap = b.len;
	b.len = 0;
	am_value(&b, js, t, 0, s->pretty, 1, tmp, n + 1);
	s->meta = b.p;
	s->metalen = b.len;
	*state = s;
	return 0;
}

/* ---- per record -------------------------------------------------------- */

/* ms since the epoch -> "yyyy-MM-ddTHH:mm:ss.SSSZ" (UTC) into out: 40
 * bytes hold it with the longest year (19 digits). */
static size_t
am_time(int64_t ms, char out[40])
{
	struct civil tm;
	long long y;

	civil_from_ms(ms, &tm);
	/* SimpleDateFormat's "yyyy" is the year of the era: 1 BC is 0001 */
	y = tm.year < 1 ? 1 - tm.year : tm.year;
	const struct { uint64_t v; int w; char after; } f[] = {
		{ (uint64_t)y, 4, '-' }, { (uint64_t)tm.mon, 2, '-' }, { (uint64_t)tm.mday, 2, 'T' },
		{ (uint64_t)tm.hour, 2, ':' }, { (uint64_t)tm.min, 2, ':' }, { (uint64_t)tm.sec, 2, '.' },
		{ (uint64_t)tm.ms, 3, 'Z' },
	};
	size_t n = 0;

	for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) {
		n += numfmt_pad(out + n, f[i].v, f[i].w, '0');
		out[n++] = f[i].after;
	}
	return n;
}

static long
am_run(void *state, const char *in, size_t n, char *out, size_t cap, const struct proc_meta *m)
{
	const struct am_state *s = state;
	struct jw w;
	char ts[48];
	long len;

	if (n > 0 && in[n - 1] == '\n')
		n--;
	jw_begin(&w, out, cap, s->pretty);
	if (s->ts)
		jw_str(&w, "ts", 2, ts, am_time(m->wall_ms, ts));
	jw_raw(&w, "metadata", 8, s->meta, s->metalen);
	jw_str(&w, "data", 4, in, n);
	len = jw_end(&w);
	if (len < 0 || (size_t)len >= cap)
		return PROC_TOOLONG;
	out[len] = '\n';
	return len + 1;
}

const struct processor proc_addmetadata = { "ADDMETADATA", "addmetadata", am_init, am_run };
