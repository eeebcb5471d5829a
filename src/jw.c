#include "json.h"
#include "jw.h"

static inline __attribute__((always_inline)) void put(struct jw *w, const char *s, size_t n)
{
	json_put(w->out, w->cap, &w->len, s, n);
}

/* One byte: most of what goes between keys and values, stored without a
 * call to memcpy. */
static inline __attribute__((always_inline)) void put1(struct jw *w, char c)
{
	if (w->len < w->cap)
		w->out[w->len] = c;
	w->len++;
}

void jw_begin(struct jw *w, char *out, size_t cap, int pretty)
{
	w->out = out;
	w->cap = cap;
	w->len = 0;
	w->pretty = pretty;
	w->n = 0;
	put1(w, '{');
}

static void key(struct jw *w, const char *ek, size_t elen)
{
	if (w->n++)
		put1(w, ',');
	if (w->pretty)
		put(w, "\n  ", 3);
	put1(w, '"');
	put(w, ek, elen);
	if (w->pretty) {
		put(w, "\" : ", 4);
	} else {
		put1(w, '"');
		put1(w, ':');
	}
}

static void value(struct jw *w, const char *v, size_t n)
{
	if (!v) {
		put(w, "null", 4);
		return;
	}
	put1(w, '"');
	w->len += json_escape(w->len < w->cap ? w->out + w->len : NULL,
			      w->len < w->cap ? w->cap - w->len : 0, v, n);
	put1(w, '"');
}

void jw_str(struct jw *w, const char *ekey, size_t elen, const char *v, size_t n)
{
	/* With room for the worst case (the value 6 bytes a byte), compact
	 * output is written without counting room at every step. */
	if (!w->pretty && v && w->len <= w->cap && n <= (w->cap - w->len) / 6 &&
	    w->cap - w->len - 6 * n > elen + 6) {
		char *o = w->out + w->len;

		if (w->n++)
			*o++ = ',';
		*o++ = '"';
		memcpy(o, ekey, elen);
		o += elen;
		memcpy(o, "\":\"", 3);
		o += 3;
		o += json_escape(o, 6 * n, v, n);
		*o++ = '"';
		w->len = (size_t)(o - w->out);
		return;
	}
	key(w, ekey, elen);
	value(w, v, n);
}

void jw_raw(struct jw *w, const char *ekey, size_t elen, const char *json, size_t n)
{
	key(w, ekey, elen);
	put(w, json, n);
}

long jw_end(struct jw *w)
{
	if (w->pretty)
		put(w, w->n ? "\n}" : " }", 2);
	else
		put1(w, '}');
	return w->len <= w->cap ? (long)w->len : -1;
}
