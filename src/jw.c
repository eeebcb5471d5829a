#include <string.h>
#include "json.h"
#include "jw.h"

static inline __attribute__((always_inline)) void put(struct jw *w, const char *s, size_t n)
{
	json_put(w->out, w->cap, &w->len, s, n);
}

void jw_begin(struct jw *w, char *out, size_t cap, int pretty)
{
	w->out = out;
	w->cap = cap;
	w->len = 0;
	w->pretty = pretty;
	w->n = 0;
	put(w, "{", 1);
}

/* The key, escaped (ek, elen bytes) or not (k, when ek is NULL). */
static void key(struct jw *w, const char *k, const char *ek, size_t elen)
{
	if (w->n++)
		put(w, ",", 1);
	if (w->pretty)
		put(w, "\n  ", 3);
	put(w, "\"", 1);
	if (ek)
		put(w, ek, elen);
	else
		w->len += json_escape(w->len < w->cap ? w->out + w->len : NULL,
				      w->len < w->cap ? w->cap - w->len : 0, k, strlen(k));
	put(w, w->pretty ? "\" : " : "\":", w->pretty ? 4 : 2);
}

static void value(struct jw *w, const char *v, size_t n)
{
	if (!v) {
		put(w, "null", 4);
		return;
	}
	put(w, "\"", 1);
	w->len += json_escape(w->len < w->cap ? w->out + w->len : NULL,
			      w->len < w->cap ? w->cap - w->len : 0, v, n);
	put(w, "\"", 1);
}

void jw_str(struct jw *w, const char *k, const char *v, size_t n)
{
	key(w, k, NULL, 0);
	value(w, v, n);
}

void jw_str_ekey(struct jw *w, const char *ekey, size_t elen, const char *v, size_t n)
{
	key(w, NULL, ekey, elen);
	value(w, v, n);
}

void jw_raw(struct jw *w, const char *k, const char *json, size_t n)
{
	key(w, k, NULL, 0);
	put(w, json, n);
}

long jw_end(struct jw *w)
{
	if (w->pretty)
		put(w, w->n ? "\n}" : " }", 2);
	else
		put(w, "}", 1);
	return w->len <= w->cap ? (long)w->len : -1;
}
