/* fnmatch(3) for what glob.c asks of it, byte by byte.  musl's fnmatch()
 * reads the pattern as wide characters and so links libc's wide-character
 * class and case tables: 15 KiB of a 200 KiB ARMv7 binary, for file names
 * matched in the C locale, where a byte is a character.  The rules are
 * musl's (tests/unit/test_wild.c compares the two on every pattern it
 * builds). */
#include <ctype.h>
#include <stddef.h>
#include <string.h>
#include "wild.h"

enum { WILD_END, WILD_STAR, WILD_ANY, WILD_SET, WILD_BYTE };

/* The length of the bracket expression at p (p[0] == '['), or 0 when it is
 * not closed: then the '[' is an ordinary character.  "[!" and "[^" negate,
 * a ']' first is a member, "[:class:]" "[.x.]" "[=x=]" hold their own ']'. */
static size_t set_len(const char *p)
{
	size_t k = 1;

	if (p[k] == '!' || p[k] == '^')
		k++;
	if (p[k] == ']')
		k++;
	for (; p[k] && p[k] != ']'; k++) {
		if (p[k] == '[' && (p[k + 1] == ':' || p[k + 1] == '.' || p[k + 1] == '=')) {
			char z = p[k + 1];

			k += 2;
			if (p[k])
				k++;
			while (p[k] && (p[k - 1] != z || p[k] != ']'))
				k++;
			if (!p[k])
				break;
		}
	}
	return p[k] ? k + 1 : 0;
}

/* Is c in the class named by n bytes at s ("alpha" of "[:alpha:]")?  An
 * unknown class holds nothing. */
static int in_class(const char *s, size_t n, int c)
{
	static const struct {
		const char *name;
		int (*is)(int);
	} classes[] = {
		{ "alnum", isalnum }, { "alpha", isalpha }, { "blank", isblank }, { "cntrl", iscntrl },
		{ "digit", isdigit }, { "graph", isgraph }, { "lower", islower }, { "print", isprint },
		{ "punct", ispunct }, { "space", isspace }, { "upper", isupper }, { "xdigit", isxdigit },
	};

	for (size_t i = 0; i < sizeof classes / sizeof classes[0]; i++)
		if (strlen(classes[i].name) == n && !memcmp(classes[i].name, s, n))
			return classes[i].is(c);
	return 0;
}

/* Does the (closed) bracket expression at p hold c?  As musl: a range's low
 * end is the last single character before its '-'; "[.x.]" and "[=x=]"
 * match nothing. */
static int set_has(const char *p, unsigned char c)
{
	unsigned char lo;
	int inv = 0;

	p++;
	if (*p == '!' || *p == '^') {
		inv = 1;
		p++;
	}
	if (*p == ']' || *p == '-') {
		if (c == (unsigned char)*p)
			return !inv;
		p++;
	}
	lo = (unsigned char)p[-1];
	for (; *p != ']'; p++) {
		if (*p == '-' && p[1] != ']') {
			if (c >= lo && c <= (unsigned char)p[1])
				return !inv;
			p++;
			continue;
		}
		if (*p == '[' && (p[1] == ':' || p[1] == '.' || p[1] == '=')) {
			const char *name = p + 2;
			char z = p[1];

			for (p += 3; p[-1] != z || *p != ']'; p++)
				;
			if (z == ':' && in_class(name, (size_t)(p - 1 - name), c))
				return !inv;
			continue;
		}
		lo = (unsigned char)*p;
		if (c == lo)
			return !inv;
	}
	return inv;
}

/* The element of the pattern at p: its kind, its length in *len, and for a
 * single character (escaped or not) the character in *c. */
static int element(const char *p, size_t *len, unsigned char *c)
{
	*len = 1;
	switch (*p) {
	case 0:
		return WILD_END;
	case '*':
		return WILD_STAR;
	case '?':
		return WILD_ANY;
	case '[':
		if ((*len = set_len(p)) > 0)
			return WILD_SET;
		*len = 1;
		break;
	case '\\':
		if (p[1])
			*len = 2;
		break;
	}
	*c = (unsigned char)p[*len - 1];
	return WILD_BYTE;
}

int wild_match(const char *pat, const char *name, int period)
{
	const char *p = pat, *s = name, *star = NULL, *retry = NULL;

	if (period && *name == '.' && *pat != '.')
		return 0;
	/* Each element but '*' takes one character: on a mismatch the last '*'
	 * takes one character more, and the rest is tried again from there. */
	for (;;) {
		unsigned char c = 0;
		size_t len;
		int k = element(p, &len, &c);

		if (k == WILD_STAR) {
			star = ++p;
			retry = s;
			continue;
		}
		if (k == WILD_END && !*s)
			return 1;
		if (k != WILD_END && *s &&
		    (k == WILD_ANY || (k == WILD_SET ? set_has(p, (unsigned char)*s) : c == (unsigned char)*s))) {
			p += len;
			s++;
			continue;
		}
		if (!star || !*retry)
			return 0;
		p = star;
		s = ++retry;
	}
}
