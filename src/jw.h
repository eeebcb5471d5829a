/* Writing a flat JSON object of string fields the way the Java agent's
 * Jackson does: compact ({"a":"x","b":null}) or with Jackson's default
 * pretty printer ({\n  "a" : "x",\n  "b" : null\n}).  Into a caller's buffer. */
#ifndef JW_H
#define JW_H
#include <stddef.h>

struct jw {
	char *out;
	size_t cap, len;	/* len may pass cap: then the output did not fit */
	int pretty;
	int n;			/* fields so far */
};

void jw_begin(struct jw *w, char *out, size_t cap, int pretty);
/* The keys are given as JSON text (ekey, elen bytes: escaped once, at
 * start-up, by json_escape, or a literal with nothing to escape), for
 * they are the same for every record. */
/* A field whose value is the string v (n bytes, escaped here), or null if v is NULL. */
void jw_str(struct jw *w, const char *ekey, size_t elen, const char *v, size_t n);
/* A field whose value is JSON text written as it is (an object, a number). */
void jw_raw(struct jw *w, const char *ekey, size_t elen, const char *json, size_t n);
/* Closes the object.  Returns its length, or -1 if it did not fit in cap. */
long jw_end(struct jw *w);

#endif
