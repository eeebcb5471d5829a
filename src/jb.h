/* A small JSON writer for documents kagent makes of its own state (the
 * status file, CloudWatch's PutMetricData body): nested objects and arrays,
 * strings, integers, null, written compact into a caller's buffer with the
 * commas where they go.  Nothing is allocated; a document that does not fit
 * is noticed at jb_end(). */
#ifndef JB_H
#define JB_H
#include <stddef.h>
#include <stdint.h>

#define JB_MAX_DEPTH 31	/* more's bits */

struct jb {
	char *out;
	size_t cap, len;	/* len may pass cap: then the document did not fit */
	int depth;
	uint32_t more;		/* bit d: the container at depth d has a member already */
	int bad;		/* nested deeper than JB_MAX_DEPTH, or closed more than opened */
};

/* Starts a document in out (cap bytes). */
void jb_begin(struct jb *b, char *out, size_t cap);
/* Opens an object ('{') or an array ('['), as the member key of the object
 * it is in (key NULL in an array, or for the document itself). */
void jb_open(struct jb *b, const char *key, char c);
/* Closes what jb_open opened last: c is its '}' or ']'. */
void jb_close(struct jb *b, char c);
/* A string member (s, n bytes, escaped here), or null when s is NULL. */
void jb_str(struct jb *b, const char *key, const char *s, size_t n);
/* jb_str of a NUL-ended string, or null. */
void jb_cstr(struct jb *b, const char *key, const char *s);
/* An integer member. */
void jb_u64(struct jb *b, const char *key, uint64_t v);
void jb_i64(struct jb *b, const char *key, int64_t v);
/* true or false. */
void jb_bool(struct jb *b, const char *key, int v);
/* Ends the document.  Returns its length, or -1 if it did not fit in cap
 * or its containers do not match. */
long jb_end(struct jb *b);
#endif
