/* A processor's options: one entry of a flow's dataProcessingOptions,
 * found by optionName, handed to its processor's init, which takes what it
 * wants through the conf_opt_* getters (conf_opts.h).  What no getter asked
 * for is warned about afterwards. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "arena.h"
#include "conf_impl.h"
#include "conf_opts.h"
#include "fmt.h"
#include "proc.h"

struct conf_opts {
	struct conf_cx *x;
	int obj;		/* the entry's object token */
	char pfx[96];		/* "flows[0].dataProcessingOptions[1]" */
	uint64_t asked;		/* keys (by index in the object) a getter looked at */
};

/* The value token of key in the entry, or -1; remembers the key was asked
 * for, and names it in x->kp for messages. */
static int conf_opt_find(struct conf_opts *o, const char *key)
{
	struct conf_cx *x = o->x;
	int j = o->obj + 1;

	fmt_snprintf(x->kp, sizeof x->kp, "%s.%s", o->pfx, key);
	for (int k = 0; k < x->t[o->obj].size; k++, j = json_skip(x->t, j + 1))
		if (json_eq(x->js, &x->t[j], key)) {
			if (k < 64)
				o->asked |= 1ull << k;
			return j + 1;
		}
	return -1;
}

int conf_opt_string(struct conf_opts *o, const char *key, const char **out)
{
	int v = conf_opt_find(o, key);

	if (v < 0)
		return 0;
	return (*out = conf_string(o->x, v)) ? 1 : -1;
}

int conf_opt_strings(struct conf_opts *o, const char *key, const char *const **out, size_t *n)
{
	struct conf_cx *x = o->x;
	int v = conf_opt_find(o, key), j, k;
	char kp[sizeof x->kp];
	const char **a;

	if (v < 0)
		return 0;
	if (x->t[v].type != JSMN_ARRAY) {
		conf_bad(x, v, "must be an array of strings");
		return -1;
	}
	fmt_snprintf(kp, sizeof kp, "%s", x->kp);
	a = arena_alloc(((size_t)x->t[v].size + 1) * sizeof *a);
	for (k = 0, j = v + 1; k < x->t[v].size; k++, j = json_skip(x->t, j)) {
		fmt_snprintf(x->kp, sizeof x->kp, "%.140s[%d]", kp, k);
		if (!(a[k] = conf_string(x, j)))
			return -1;
	}
	*out = a;
	*n = (size_t)x->t[v].size;
	return 1;
}

int conf_opt_int(struct conf_opts *o, const char *key, int64_t lo, int64_t hi, int64_t *out)
{
	int v = conf_opt_find(o, key);

	if (v < 0)
		return 0;
	return conf_int(o->x, v, lo, hi, out) < 0 ? -1 : 1;
}

int conf_opt_json(struct conf_opts *o, const char *key, const char **out, size_t *len)
{
	const struct conf_cx *x = o->x;
	int v = conf_opt_find(o, key), in_str = 0, end;
	const char *s;
	char *d;
	size_t n = 0;

	if (v < 0)
		return 0;
	/* a string token's span excludes its quotes */
	s = x->js + x->t[v].start - (x->t[v].type == JSMN_STRING);
	end = x->t[v].end + (x->t[v].type == JSMN_STRING);
	d = arena_alloc((size_t)(x->js + end - s) + 1);
	for (; s < x->js + end; s++) {
		if (in_str) {
			d[n++] = *s;
			if (*s == '\\')
				d[n++] = *++s;
			else if (*s == '"')
				in_str = 0;
		} else if (*s == '"') {
			in_str = 1;
			d[n++] = *s;
		} else if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r') {
			d[n++] = *s;
		}
	}
	d[n] = 0;
	*out = d;
	*len = n;
	return 1;
}

int conf_opt_error(struct conf_opts *o, const char *key, const char *fmt, ...)
{
	struct conf_cx *x = o->x;
	int v = key ? conf_opt_find(o, key) : -1;
	char msg[512];
	va_list ap;

	if (!key)
		fmt_snprintf(x->kp, sizeof x->kp, "%s", o->pfx);
	va_start(ap, fmt);
	fmt_vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	conf_bad(x, v >= 0 ? v : o->obj, "%s", msg);
	return -1;
}

int conf_proc(struct conf_cx *x, int obj, const char *pfx, struct conf_proc *p)
{
	struct conf_opts o = { .x = x, .obj = obj };
	unsigned errors = x->r->errors;
	const struct conf_key *k;
	const char *name;
	char why[256], dot[100];
	int v, i, j;

	fmt_snprintf(o.pfx, sizeof o.pfx, "%s", pfx);
	if (x->t[obj].type != JSMN_OBJECT) {
		conf_say(x, conf_line(x, obj), 1, "%s: must be an object with optionName", pfx);
		return -1;
	}
	if ((v = conf_opt_find(&o, "optionName")) < 0) {
		conf_say(x, conf_line(x, obj), 1, "%s: optionName is required", pfx);
		return -1;
	}
	if (!(name = conf_string(x, v)))
		return -1;
	if (!(p->p = proc_find(name))) {
		proc_why_not(name, why, sizeof why);
		conf_bad(x, v, "%s: %s", name, why);
		return -1;
	}
	fmt_snprintf(dot, sizeof dot, "%s.", pfx);
	for (i = 0, j = obj + 1; i < x->t[obj].size; i++, j = json_skip(x->t, j + 1)) {
		conf_keypath(x, j, dot);
		conf_dup(x, obj, j);
	}
	if (x->r->errors != errors)
		return -1;
	if (p->p->init(&p->state, &o) < 0) {
		if (x->r->errors == errors)	/* a processor that said nothing */
			conf_say(x, conf_line(x, obj), 1, "%s: %s: invalid options", pfx, name);
		return -1;
	}
	for (i = 0, j = obj + 1; i < x->t[obj].size; i++, j = json_skip(x->t, j + 1)) {
		if (i < 64 && (o.asked >> i & 1))
			continue;
		conf_keypath(x, j, dot);
		k = conf_key_find(x->js + x->t[j].start, conf_tlen(x, j), 0);
		if (k && (k->where & CONF_FLOW))
			conf_warn(x, j, "belongs in the flow, not in a processor; ignored");
		else if (k)
			conf_warn(x, j, "belongs at the top level, not in a processor; ignored");
		else
			conf_warn(x, j, "unknown key for %s, ignored", name);
	}
	return 0;
}

struct conf_opts *conf_opts_parse(const char *json, size_t len)
{
	struct conf_reader *r = arena_alloc(sizeof *r);
	struct conf_cx *x = arena_alloc(sizeof *x);
	struct conf_opts *o = arena_alloc(sizeof *o);
	jsmn_parser p;
	int n;

	conf_say_stderr(&r->say);
	x->r = r;
	x->name = "test";
	x->js = arena_strndup(json, len);
	x->len = (int)len;
	jsmn_init(&p);
	if ((n = jsmn_parse(&p, x->js, len, NULL, 0)) <= 0)
		return NULL;
	x->t = arena_alloc((size_t)n * sizeof *x->t);
	jsmn_init(&p);
	if ((x->ntok = jsmn_parse(&p, x->js, len, x->t, (unsigned)n)) <= 0 || x->t[0].type != JSMN_OBJECT)
		return NULL;
	o->x = x;
	o->obj = 0;
	fmt_snprintf(o->pfx, sizeof o->pfx, "opts");
	return o;
}
