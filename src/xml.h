/* A small XML reader for AWS Query-protocol answers (STS), sans-I/O and
 * without allocation: one pass over a whole document copies out the text
 * of the elements at the paths the caller wants.  It knows what such an
 * answer holds (a prolog, comments, elements with attributes, text with
 * the five named entities and character references, CDATA) and refuses
 * the rest (a DOCTYPE, hence any entity of its own; unbalanced or
 * mismatched tags; more than XML_MAX_DEPTH levels). */
#ifndef XML_H
#define XML_H
#include <stddef.h>

#define XML_MAX_DEPTH 16

/* One element wanted: path is its local names from the root, separated by
 * '/' ("AssumeRoleResponse/AssumeRoleResult/Credentials/AccessKeyId");
 * namespace prefixes are not compared. */
struct xml_want {
	const char *path;
	char *out;		/* its text, entities decoded, white space at both ends cut, NUL-ended */
	size_t cap;		/* out's size (>= 1) */
	size_t len;		/* results: the text's length */
	int found;		/* how many elements had that path */
	int truncated;		/* the text did not fit: out holds its start */
};

/* Reads doc (len bytes) and fills each of the n wants.  An element that is
 * wanted may hold only text: one with an element inside is an error.
 * Returns 0, or -1 with *why (a static text) and *at (the byte offset)
 * saying what is wrong. */
int xml_extract(const char *doc, size_t len, struct xml_want *w, size_t n, const char **why, size_t *at);
#endif
