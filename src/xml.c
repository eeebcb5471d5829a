/* The XML reader: see xml.h.  One cursor over the document, a stack of the
 * open elements (offsets into the document: nothing is copied but the
 * wanted text), each level knowing whether its element is wanted. */
#include <string.h>
#include "utf8.h"
#include "xml.h"

struct xml {
	const char *d;
	size_t n, i;
	struct {
		size_t off, len;	/* its name (with any prefix) */
		int want;		/* the wanted element it is, or -1 */
	} st[XML_MAX_DEPTH];
	int depth;
	struct xml_want *w;
	size_t nw;
	const char *why;
};

static int fail(struct xml *x, const char *why)
{
	x->why = why;
	return -1;
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static int is_name_start(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || c == ':' || c >= 0x80;
}

static int is_name(unsigned char c)
{
	return is_name_start(c) || (c >= '0' && c <= '9') || c == '-' || c == '.';
}

/* The document goes on with s at the cursor. */
static int at(const struct xml *x, const char *s)
{
	size_t k = strlen(s);

	return x->n - x->i >= k && memcmp(x->d + x->i, s, k) == 0;
}

static void skip_space(struct xml *x)
{
	while (x->i < x->n && is_space(x->d[x->i]))
		x->i++;
}

/* Moves the cursor past the next end (a comment's "-->", a processing
 * instruction's "?>"). */
static int skip_past(struct xml *x, const char *end, const char *why)
{
	size_t k = strlen(end);

	for (; x->n - x->i >= k; x->i++)
		if (memcmp(x->d + x->i, end, k) == 0) {
			x->i += k;
			return 0;
		}
	x->i = x->n;
	return fail(x, why);
}

static int name(struct xml *x, size_t *off, size_t *len)
{
	*off = x->i;
	if (x->i == x->n || !is_name_start((unsigned char)x->d[x->i]))
		return fail(x, "expected a name");
	while (x->i < x->n && is_name((unsigned char)x->d[x->i]))
		x->i++;
	*len = x->i - *off;
	return 0;
}

/* The name at off (len bytes) without its namespace prefix. */
static const char *local(const char *d, size_t off, size_t len, size_t *llen)
{
	const char *p = d + off, *c = memchr(p, ':', len);

	if (!c) {
		*llen = len;
		return p;
	}
	*llen = len - (size_t)(c + 1 - p);
	return c + 1;
}

/* The wanted element whose path is the stack's, or -1. */
static int wanted(const struct xml *x)
{
	for (size_t k = 0; k < x->nw; k++) {
		const char *p = x->w[k].path;
		int lvl;
		for (lvl = 0; lvl < x->depth; lvl++) {
			size_t ln, seg = (size_t)(strchrnul(p, '/') - p);
			const char *l = local(x->d, x->st[lvl].off, x->st[lvl].len, &ln);
			if (seg != ln || memcmp(p, l, ln) != 0)
				break;
			p += seg;
			if (lvl < x->depth - 1) {
				if (*p != '/')
					break;
				p++;
			}
		}
		if (lvl == x->depth && *p == 0)
			return (int)k;
	}
	return -1;
}

/* Text of the wanted element k. */
static void put(struct xml *x, int k, const char *s, size_t n)
{
	struct xml_want *w;
	size_t room;

	if (k < 0)
		return;
	w = &x->w[k];
	room = w->cap - 1 - w->len;
	if (n > room) {
		n = room;
		w->truncated = 1;
	}
	memcpy(w->out + w->len, s, n);
	w->len += n;
	w->out[w->len] = 0;
}

/* "&...;" at the cursor, decoded into the text of k. */
static int entity(struct xml *x, int k)
{
	static const struct { const char *name; char c; } named[] = {
		{ "&lt;", '<' }, { "&gt;", '>' }, { "&amp;", '&' }, { "&quot;", '"' }, { "&apos;", '\'' },
	};
	unsigned long cp = 0;
	int hex, digits = 0;
	char u[4];

	for (size_t j = 0; j < sizeof named / sizeof named[0]; j++)
		if (at(x, named[j].name)) {
			x->i += strlen(named[j].name);
			put(x, k, &named[j].c, 1);
			return 0;
		}
	if (!at(x, "&#"))
		return fail(x, "unknown entity");
	x->i += 2;
	hex = x->i < x->n && x->d[x->i] == 'x';
	x->i += (size_t)hex;
	for (; x->i < x->n && x->d[x->i] != ';'; x->i++, digits++) {
		char c = x->d[x->i];
		int v = c >= '0' && c <= '9' ? c - '0' : hex && c >= 'a' && c <= 'f' ? c - 'a' + 10 :
			hex && c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
		if (v < 0 || digits > 7)
			return fail(x, "bad character reference");
		cp = cp * (hex ? 16 : 10) + (unsigned long)v;
	}
	if (x->i == x->n || digits == 0 || cp == 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return fail(x, "bad character reference");
	x->i++;
	put(x, k, u, utf8_put(u, cp));
	return 0;
}

/* XML's characters: no control character but tab, CR and LF. */
static int is_char(unsigned char c)
{
	return c >= 0x20 || c == '\t' || c == '\r' || c == '\n';
}

/* Text up to the next '<'; outside the root, only white space. */
static int text(struct xml *x)
{
	int k = x->depth ? x->st[x->depth - 1].want : -1;

	while (x->i < x->n && x->d[x->i] != '<') {
		size_t run = x->i;
		for (; x->i < x->n && x->d[x->i] != '<'; x->i++) {
			char c = x->d[x->i];
			if (!x->depth && !is_space(c))
				return fail(x, "text outside the root element");
			if (c == '&')
				break;
			if (!is_char((unsigned char)c))
				return fail(x, "a control character");
		}
		put(x, k, x->d + run, x->i - run);
		if (x->i < x->n && x->d[x->i] == '&' && entity(x, k) < 0)
			return -1;
	}
	return 0;
}

/* The attributes of a start tag, skipped; the cursor ends at '>' or "/>". */
static int attributes(struct xml *x)
{
	size_t off, len;

	for (;;) {
		size_t before = x->i;
		skip_space(x);
		if (x->i == x->n)
			return fail(x, "unterminated tag");
		if (x->d[x->i] == '>' || at(x, "/>"))
			return 0;
		if (x->i == before)
			return fail(x, "expected white space before an attribute");
		if (name(x, &off, &len) < 0)
			return -1;
		skip_space(x);
		if (x->i == x->n || x->d[x->i] != '=')
			return fail(x, "expected '=' after an attribute's name");
		x->i++;
		skip_space(x);
		if (x->i == x->n || (x->d[x->i] != '"' && x->d[x->i] != '\''))
			return fail(x, "expected a quoted attribute value");
		char q = x->d[x->i++];
		while (x->i < x->n && x->d[x->i] != q) {
			if (x->d[x->i] == '<')
				return fail(x, "'<' in an attribute value");
			x->i++;
		}
		if (x->i == x->n)
			return fail(x, "unterminated attribute value");
		x->i++;
	}
}

static void trim(struct xml_want *w)
{
	size_t b = 0;

	while (w->len > 0 && is_space(w->out[w->len - 1]))
		w->len--;
	while (b < w->len && is_space(w->out[b]))
		b++;
	memmove(w->out, w->out + b, w->len - b);
	w->len -= b;
	w->out[w->len] = 0;
}

/* "<name ...>" or "<name .../>" at the cursor (past the '<'). */
static int open_tag(struct xml *x, int *roots)
{
	size_t off, len;
	int k;

	if (!x->depth && (*roots)++)
		return fail(x, "a second root element");
	if (x->depth && x->st[x->depth - 1].want >= 0)
		return fail(x, "an element inside a wanted one");
	if (x->depth == XML_MAX_DEPTH)
		return fail(x, "nested too deep");
	if (name(x, &off, &len) < 0 || attributes(x) < 0)
		return -1;
	x->st[x->depth].off = off;
	x->st[x->depth].len = len;
	x->depth++;
	k = x->st[x->depth - 1].want = wanted(x);
	if (k >= 0) {
		x->w[k].found++;
		x->w[k].len = 0;
		x->w[k].truncated = 0;
		x->w[k].out[0] = 0;
	}
	if (at(x, "/>")) {
		x->i += 2;
		x->depth--;
	} else {
		x->i++;
	}
	return 0;
}

/* "</name>" at the cursor (past the "</"). */
static int close_tag(struct xml *x)
{
	size_t off, len;

	if (!x->depth)
		return fail(x, "an end tag with nothing open");
	if (name(x, &off, &len) < 0)
		return -1;
	if (len != x->st[x->depth - 1].len || memcmp(x->d + off, x->d + x->st[x->depth - 1].off, len) != 0)
		return fail(x, "an end tag that does not match its start tag");
	skip_space(x);
	if (x->i == x->n || x->d[x->i] != '>')
		return fail(x, "unterminated end tag");
	x->i++;
	x->depth--;
	if (x->st[x->depth].want >= 0)
		trim(&x->w[x->st[x->depth].want]);
	return 0;
}

int xml_extract(const char *doc, size_t len, struct xml_want *w, size_t n, const char **why, size_t *where)
{
	struct xml x = { .d = doc, .n = len, .w = w, .nw = n };
	int roots = 0, r = 0;

	for (size_t k = 0; k < n; k++) {
		w[k].len = 0;
		w[k].found = w[k].truncated = 0;
		w[k].out[0] = 0;
	}
	if (at(&x, "\xef\xbb\xbf"))
		x.i = 3;	/* a UTF-8 byte order mark */
	while (r == 0 && x.i < x.n) {
		if (x.d[x.i] != '<') {
			r = text(&x);
		} else if (at(&x, "<!--")) {
			x.i += 4;
			r = skip_past(&x, "-->", "unterminated comment");
		} else if (at(&x, "<?")) {
			x.i += 2;
			r = skip_past(&x, "?>", "unterminated processing instruction");
		} else if (at(&x, "<![CDATA[")) {
			size_t from = x.i += 9;
			if (!x.depth)
				r = fail(&x, "CDATA outside the root element");
			else if ((r = skip_past(&x, "]]>", "unterminated CDATA")) == 0) {
				for (size_t j = from; j < x.i - 3; j++)
					if (!is_char((unsigned char)x.d[j]))
						r = fail(&x, "a control character");
				if (r == 0)
					put(&x, x.st[x.depth - 1].want, x.d + from, x.i - 3 - from);
			}
		} else if (at(&x, "<!")) {
			r = fail(&x, "DOCTYPE and declarations are not accepted");
		} else if (at(&x, "</")) {
			x.i += 2;
			r = close_tag(&x);
		} else {
			x.i++;
			r = open_tag(&x, &roots);
		}
	}
	if (r == 0 && x.depth)
		r = fail(&x, "unterminated element");
	if (r == 0 && !roots)
		r = fail(&x, "no element");
	*why = r ? x.why : NULL;
	*where = x.i;
	return r;
}
