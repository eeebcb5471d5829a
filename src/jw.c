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

void
jw_civil(int64_t ms, struct jw_tm *tm)
{
	static const int before[12] = { 0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334 };
	int64_t days, r, doe, yoe, doy, mp, era;
	int leap;

	days = ms / 86400000;
	r = ms % 86400000;
	if (r < 0) {
		r += 86400000;
		days--;
	}
	tm->secs = (long long)(days * 86400 + r / 1000);
	tm->ms = (int)(r % 1000);
	tm->sec = (int)(r / 1000 % 60);
	tm->min = (int)(r / 60000 % 60);
	tm->hour = (int)(r / 3600000);
	tm->wday = (int)(((days % 7) + 11) % 7);	/* 1970-01-01 was a Thursday */
	/* civil date: count from 0000-03-01 so that a leap day is the last of
	 * its year, in 400-year eras (proleptic Gregorian) */
	days += 719468;
	era = (days >= 0 ? days : days - 146096) / 146097;
	doe = days - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	tm->mday = (int)(doy - (153 * mp + 2) / 5 + 1);
	tm->mon = (int)(mp < 10 ? mp + 3 : mp - 9);
	tm->year = (long long)(yoe + era * 400 + (tm->mon <= 2));
	leap = tm->year % 4 == 0 && (tm->year % 100 != 0 || tm->year % 400 == 0);
	tm->yday = before[tm->mon - 1] + (tm->mon > 2 && leap) + tm->mday;
}
