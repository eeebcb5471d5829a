/* CSVTOJSON: a delimited record made a JSON object, as the Java agent's
 * CSVToJSONDataConverter does it:
 *
 *   { "optionName": "CSVTOJSON", "customFieldNames": [ "f1", "f2", "f3" ],
 *     "delimiter": "\\t", "jsonFormat": "PRETTYPRINT", "quoting": "rfc4180" }
 *
 * customFieldNames (required, at least one): the keys, in order.
 * delimiter (default ","): a Java regular expression, as in the Java agent
 *   ("\\t" for a tab, "\\|" for a bar, "\\s*;\\s*" ...).
 * jsonFormat: "COMPACT" (default) or "PRETTYPRINT" (Jackson's pretty printer).
 * quoting (kagent's own): "none" (default) or "rfc4180".
 *
 * Without quoting, the record is cut exactly as the Java agent cuts it: one
 * trailing '\n' is dropped (a '\r' before it stays, in the last column), then
 * String.split(delimiter): every match of the regular expression ends a
 * column, an empty match at the very start makes no empty first column, and
 * the empty columns at the end are dropped (",,,\n" has no columns at all).
 * Column i becomes the string value of name i, or null if the record has no
 * column i; columns beyond the names are ignored.  Quotes are data: a
 * delimiter between quotes still separates columns.  An empty record gives
 * the first name "" and the others null, as in Java ("".split(",") is [""]).
 *
 * With "quoting": "rfc4180", the record is real CSV (RFC 4180): the delimiter
 * must be one ASCII character, other than '"', CR and LF, written plainly ("|")
 * or as the Java agent's escape ("\\|", "\\t"); a trailing "\n" or "\r\n" is
 * dropped; a column that starts with '"' is quoted: it runs to the next '"'
 * not doubled, holds delimiters, newlines (a multi-line record) and doubled
 * quotes ("" is one "); text between the closing quote and the next delimiter
 * is kept as it is ("ab"c -> abc); a quote that is never closed takes the rest
 * of the record.  A '"' inside an unquoted column is data.  Empty columns are
 * "" wherever they are (a,, has three columns); only columns the record does
 * not have are null.
 *
 * The output is the object and "\n".  Java read the record as UTF-8: invalid
 * bytes come out as U+FFFD (json_escape).  Known differences from Java, all
 * about characters Java sees and kagent does not: the regular expression runs
 * over bytes, so one that can match a byte of invalid UTF-8 (".", "\\S",
 * "[^,]") may cut where Java saw a U+FFFD; and an empty match advances by a
 * whole character where Java, inside a character above U+FFFF, would split its
 * surrogate pair. */
#include <string.h>
#include "arena.h"
#include "conf_opts.h"
#include "find.h"
#include "json.h"
#include "jw.h"
#include "proc.h"
#include "rx.h"

struct csvtojson {
	const char *const *names;
	size_t nnames;
	int pretty;
	int rfc4180;
	char sep;		/* rfc4180: the delimiter */
	const char *lit;	/* without quoting: the delimiter when it is a plain string of 2+ bytes */
	size_t litlen;
	struct rx *rx;		/* ... and when it is not */
	struct rx_delim *delim;	/* ... found without running it ("\\s*,\\s*"), or NULL */
	int dkind;		/* 1: it is one character of dset, 2: a run of them ("\\t+") */
	int dbyte;		/* the only byte in dset, or < 0 (none, or several) */
	unsigned char dset[256];
	const char **enames;	/* the names as JSON escapes them, and their lengths */
	size_t *elens;
	size_t *cols;		/* scratch: each column's start and end, found once */
};

/* Column i's field: its name (escaped at start-up) and value v (NULL: null). */
static void csvtojson_field(const struct csvtojson *c, struct jw *w, size_t i, const char *v, size_t n)
{
	jw_str(w, c->enames[i], c->elens[i], v, n);
}

/* The string a Java regular expression stands for when it is a plain one
 * (ordinary characters, escaped punctuation, \t \n \r \f), into out (room
 * for strlen(p) bytes); its length, or 0 if p is empty or a real regular
 * expression.  Plain ones are searched without the regex engine, like
 * String.split's own fast path. */
static size_t csvtojson_literal(const char *p, char *out)
{
	static const char esc[] = "t\tn\nr\rf\f";
	const char *e;
	size_t k = 0;

	for (; *p; p++) {
		if (*p == '\\') {
			p++;
			if (*p && (e = strchr(esc, *p)) && (e - esc) % 2 == 0)
				out[k++] = e[1];
			else if (*p && !((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z') ||
			    (*p >= 'A' && *p <= 'Z')))
				out[k++] = *p;
			else
				return 0;
		} else if (strchr("^$.|?*+()[]{}", *p))
			return 0;
		else
			out[k++] = *p;
	}
	return k;
}

/* The delimiter of "quoting": "rfc4180": one ASCII character, plain or
 * escaped the Java way.  The character, or -1. */
static int csvtojson_sep(const char *d)
{
	int c;

	if (d[0] && !d[1])
		c = (unsigned char)d[0];
	else if (d[0] == '\\' && d[1] && !d[2])
		c = d[1] == 't' ? '\t' : ((d[1] >= '0' && d[1] <= '9') || (d[1] >= 'a' && d[1] <= 'z') ||
		    (d[1] >= 'A' && d[1] <= 'Z')) ? -1 : (unsigned char)d[1];
	else
		return -1;
	if (c >= 0x80 || c == '"' || c == '\r' || c == '\n')
		return -1;
	return c;
}

static int csvtojson_init(void **state, struct conf_opts *o)
{
	struct csvtojson *c = arena_alloc(sizeof *c);
	const char *d = ",", *s;
	struct rx_delim dl;
	char err[128], *lit;
	size_t i, j;
	int r;

	if ((r = conf_opt_strings(o, "customFieldNames", &c->names, &c->nnames)) < 0)
		return -1;
	if (r == 0)
		return conf_opt_error(o, "customFieldNames", "required: the names of the columns, in order");
	if (c->nnames == 0)
		return conf_opt_error(o, "customFieldNames", "must name at least one column");
	/* Java's LinkedHashMap would keep one key with the last such column:
	 * never what was meant. */
	for (i = 1; i < c->nnames; i++)
		for (j = 0; j < i; j++)
			if (!strcmp(c->names[i], c->names[j]))
				return conf_opt_error(o, "customFieldNames", "\"%s\" is there twice ([%zu] and [%zu])",
				    c->names[i], j, i);
	c->enames = arena_alloc(c->nnames * sizeof *c->enames);
	c->elens = arena_alloc(c->nnames * sizeof *c->elens);
	c->cols = arena_alloc(2 * c->nnames * sizeof *c->cols);
	for (i = 0; i < c->nnames; i++) {
		size_t e = json_escape(NULL, 0, c->names[i], strlen(c->names[i]));
		char *b = arena_alloc(e + 1);

		json_escape(b, e, c->names[i], strlen(c->names[i]));
		c->enames[i] = b;
		c->elens[i] = e;
	}
	if ((r = conf_opt_string(o, "jsonFormat", &s)) < 0)
		return -1;
	if (r == 1 && strcmp(s, "COMPACT") != 0) {
		if (strcmp(s, "PRETTYPRINT") != 0)
			return conf_opt_error(o, "jsonFormat", "must be \"COMPACT\" or \"PRETTYPRINT\"");
		c->pretty = 1;
	}
	if ((r = conf_opt_string(o, "quoting", &s)) < 0)
		return -1;
	if (r == 1 && strcmp(s, "none") != 0) {
		if (strcmp(s, "rfc4180") != 0)
			return conf_opt_error(o, "quoting", "must be \"none\" or \"rfc4180\"");
		c->rfc4180 = 1;
	}
	if (conf_opt_string(o, "delimiter", &d) < 0)
		return -1;
	if (c->rfc4180) {
		if ((r = csvtojson_sep(d)) < 0)
			return conf_opt_error(o, "delimiter", "with \"quoting\": \"rfc4180\", must be one ASCII "
			    "character other than a quote or a line break (\",\", \"\\\\t\", \"|\")");
		c->sep = (char)r;
	} else {
		lit = arena_alloc(strlen(d) + 1);
		if ((c->litlen = csvtojson_literal(d, lit)) > 1)
			c->lit = lit;
		else if (c->litlen == 1) {
			c->dkind = 1;
			c->dset[(unsigned char)lit[0]] = 1;
		} else if (!(c->rx = rx_compile(d, strlen(d), err, sizeof err)))
			return conf_opt_error(o, "delimiter", "invalid regular expression: %s", err);
		else if (!(c->dkind = rx_byteset(c->rx, c->dset)) && rx_delim(c->rx, &dl)) {
			c->delim = arena_alloc(sizeof *c->delim);
			*c->delim = dl;
		}
		c->dbyte = find_only(c->dset);
	}
	*state = c;
	return 0;
}

/* Java's UTF-8 decoder: the length of the character at s (n > 0 bytes), a
 * malformed sequence counting as the one U+FFFD it becomes (the maximal
 * subpart, and a whole encoded surrogate ED A0..BF xx). */
static size_t csvtojson_charlen(const unsigned char *s, size_t n)
{
	unsigned char c = s[0], lo = 0x80, hi = 0xbf;
	size_t need, i;

	if (c < 0xc2 || c > 0xf4)
		return 1;
	need = c < 0xe0 ? 1 : c < 0xf0 ? 2 : 3;
	if (c == 0xe0)
		lo = 0xa0;
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;
	for (i = 1; i <= need; i++) {
		if (i >= n || s[i] < lo || s[i] > hi)
			return i;
		lo = 0x80;
		hi = 0xbf;
	}
	return need + 1;
}

/* The leftmost delimiter in s[0..n) at or after from: 1 with [*ms, *me), or 0. */
static int csvtojson_find(const struct csvtojson *c, const char *s, size_t n, size_t from,
    size_t *ms, size_t *me)
{
	size_t p;
	int caps[2];

	if (c->lit) {
		for (; from + c->litlen <= n; from = p + 1) {
			if ((p = find_byte(s, from, n - c->litlen + 1, c->lit[0])) > n - c->litlen)
				return 0;
			if (!memcmp(s + p + 1, c->lit + 1, c->litlen - 1)) {
				*ms = p;
				*me = p + c->litlen;
				return 1;
			}
		}
		return 0;
	}
	if (c->delim)
		return rx_delim_find(c->delim, s, n, from, ms, me);
	if (!rx_exec(c->rx, s, n, from, RX_FIND, caps, 1))
		return 0;
	*ms = (size_t)caps[0];
	*me = (size_t)caps[1];
	return 1;
}

/* Walking the columns of s[0..n) the way Pattern.split(s, 0) finds them. */
struct csvtojson_split {
	const char *s;
	size_t n;
	size_t index;		/* where the next column starts */
	size_t from;		/* where the next search starts; past n: no more */
	int cut;		/* a delimiter has ended a column */
	int done;
};

/* The next column: 1 with [*a, *b), *whole set if it is the whole input (no
 * delimiter in it: Java returns it even when empty); 0 after the last. */
static int csvtojson_next(const struct csvtojson *c, struct csvtojson_split *sp, size_t *a, size_t *b,
    int *whole)
{
	size_t ms, me;

	if (sp->done)
		return 0;
	while (sp->from <= sp->n && csvtojson_find(c, sp->s, sp->n, sp->from, &ms, &me)) {
		/* Matcher.find: after an empty match, the next search starts one
		 * character on */
		sp->from = me > ms ? me : me < sp->n ?
		    me + csvtojson_charlen((const unsigned char *)sp->s + me, sp->n - me) : sp->n + 1;
		if (me == 0)
			continue;	/* an empty match at 0 makes no empty first column */
		*a = sp->index;
		*b = ms;
		*whole = 0;
		sp->index = me;
		sp->cut = 1;
		return 1;
	}
	sp->done = 1;
	*a = sp->index;
	*b = sp->n;
	*whole = !sp->cut;
	return 1;
}

static void csvtojson_split_init(struct csvtojson_split *sp, const char *s, size_t n)
{
	memset(sp, 0, sizeof *sp);
	sp->s = s;
	sp->n = n;
}

/* The first byte of dset in s[p..n), or n. */
static size_t csvtojson_inset(const struct csvtojson *c, const char *s, size_t p, size_t n)
{
	return find_inset(c->dset, c->dbyte, s, p, n);
}

/* The same columns, and how many are kept, for a delimiter that is one
 * character of a set (the usual ",", "\\t" or "\\|") or a run of them
 * ("\\t+", "\\s+"), in one pass. */
static size_t csvtojson_cut(const struct csvtojson *c, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i, p = 0, q, kept = 0;

	for (i = 0; i < c->nnames; i++) {
		q = csvtojson_inset(c, s, p, n);
		c->cols[2 * i] = p;
		c->cols[2 * i + 1] = q;
		/* no delimiter at all: the whole input is a column, even empty */
		if (q > p || (q == n && i == 0))
			kept = i + 1;
		if (q == n)
			return kept;
		p = q + 1;
		if (c->dkind == 2)
			while (p < n && c->dset[u[p]])
				p++;
	}
	/* past the names: one more column that is not empty keeps them all */
	for (; p < n; p++)
		if (!c->dset[u[p]])
			return c->nnames;
	return kept;
}

static void csvtojson_java(const struct csvtojson *c, struct jw *w, const char *s, size_t n)
{
	struct csvtojson_split sp;
	size_t i, kept = 0, a, b;
	int whole;

	/* String.split drops the empty columns at the end: find how many stay,
	 * as far as the names reach (the columns kept as they are found) */
	if (c->dkind)
		kept = csvtojson_cut(c, s, n);
	else
		for (csvtojson_split_init(&sp, s, n), i = 0;
		    kept < c->nnames && csvtojson_next(c, &sp, &a, &b, &whole); i++) {
			if (b > a || whole)
				kept = i + 1;
			if (i < c->nnames) {
				c->cols[2 * i] = a;
				c->cols[2 * i + 1] = b;
			}
		}
	for (i = 0; i < c->nnames; i++)
		if (i < kept)
			csvtojson_field(c, w, i, s + c->cols[2 * i], c->cols[2 * i + 1] - c->cols[2 * i]);
		else
			csvtojson_field(c, w, i, NULL, 0);
}

/* Escaped text appended to the value being written (jw's way: count what
 * does not fit, write nothing past cap). */
static void csvtojson_esc(struct jw *w, const char *s, size_t n)
{
	w->len += json_escape(w->len < w->cap ? w->out + w->len : NULL, w->len < w->cap ? w->cap - w->len : 0,
	    s, n);
}

static void csvtojson_quote(struct jw *w)
{
	if (w->len < w->cap)
		w->out[w->len] = '"';
	w->len++;
}

static void csvtojson_rfc4180(const struct csvtojson *c, struct jw *w, const char *s, size_t n)
{
	size_t i, p = 0, q, a;
	int more = 1;

	for (i = 0; i < c->nnames; i++) {
		if (!more) {
			csvtojson_field(c, w, i, NULL, 0);
			continue;
		}
		if (p < n && s[p] == '"') {
			/* the quoted part, with "" written as " */
			jw_raw(w, c->enames[i], c->elens[i], "\"", 1);
			for (a = q = p + 1; (q = find_byte(s, q, n, '"')) + 1 < n && s[q + 1] == '"'; a = q += 2)
				csvtojson_esc(w, s + a, q + 1 - a);
			csvtojson_esc(w, s + a, q - a);
			p = q < n ? q + 1 : n;
			/* anything after the closing quote, up to the delimiter */
			q = find_byte(s, p, n, c->sep);
			csvtojson_esc(w, s + p, q - p);
			csvtojson_quote(w);
		} else {
			q = find_byte(s, p, n, c->sep);
			csvtojson_field(c, w, i, s + p, q - p);
		}
		more = q < n;
		p = q + 1;
	}
}

static long csvtojson_run(void *state, const char *in, size_t n, char *out, size_t cap,
    const struct proc_meta *m)
{
	const struct csvtojson *c = state;
	struct jw w;
	long len;

	(void)m;
	/* the Java agent drops one '\n' (and keeps a '\r' before it) */
	if (n > 0 && in[n - 1] == '\n')
		n--;
	jw_begin(&w, out, cap, c->pretty);
	if (c->rfc4180) {
		if (n > 0 && in[n - 1] == '\r')
			n--;
		csvtojson_rfc4180(c, &w, in, n);
	} else
		csvtojson_java(c, &w, in, n);
	if ((len = jw_end(&w)) < 0 || (size_t)len >= cap)
		return PROC_TOOLONG;
	out[len] = '\n';
	return len + 1;
}

const struct processor proc_csvtojson = { "CSVTOJSON", "csvtojson", csvtojson_init, csvtojson_run };
