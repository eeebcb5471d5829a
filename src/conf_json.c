/* The configuration's text: JSON with comments, checked with positions.
 *
 * The Java agent's Jackson is configured with ALLOW_COMMENTS, so real
 * agent.json files have // and C comments; they are blanked out first
 * (newlines kept, so positions stay right).  Then one pass checks the text
 * against RFC 8259 and, at the first thing that is not JSON, says where
 * (line and column) and what was expected there: jsmn gives only an offset
 * and an error code, and lets a few wrong texts through.  Only then does
 * jsmn tokenize it, into an arena array sized by a counting pass. */
#include <string.h>
#include "arena.h"
#include "conf_impl.h"
#include "hex.h"

void conf_pos(const char *js, int off, int *line, int *col)
{
	int i, l = 1, c = 1;

	for (i = 0; i < off; i++) {
		if (js[i] == '\n') {
			l++;
			c = 1;
		} else if (((unsigned char)js[i] & 0xc0) != 0x80) {
			c++;
		}
	}
	*line = l;
	*col = c;
}

/* Blanks the comments, keeping newlines.  Returns 0, or -1 with *bad at the
 * start of an unterminated one. */
static int conf_strip_comments(char *s, int n, int *bad)
{
	int i, instr = 0;

	if (n >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0)	/* a UTF-8 BOM */
		memset(s, ' ', 3);
	for (i = 0; i < n; i++) {
		if (instr) {
			if (s[i] == '\\' && i + 1 < n)
				i++;
			else if (s[i] == '"' || s[i] == '\n')
				instr = 0;
			continue;
		}
		if (s[i] == '"') {
			instr = 1;
		} else if (s[i] == '/' && i + 1 < n && s[i + 1] == '/') {
			for (; i < n && s[i] != '\n'; i++)
				s[i] = ' ';
		} else if (s[i] == '/' && i + 1 < n && s[i + 1] == '*') {
			int start = i;
			s[i++] = ' ';
			s[i++] = ' ';
			for (; i + 1 < n && !(s[i] == '*' && s[i + 1] == '/'); i++)
				if (s[i] != '\n')
					s[i] = ' ';
			if (i + 1 >= n) {
				*bad = start;
				return -1;
			}
			s[i++] = ' ';
			s[i] = ' ';
		}
	}
	return 0;
}

/* ---- the syntax check ---------------------------------------------------- */

struct conf_syn {
	struct conf_cx *x;
	const char *s;
	int n, i;
	int open;		/* the innermost '{' or '[' not yet closed, or -1 */
};

static void syn_ws(struct conf_syn *y)
{
	while (y->i < y->n && (y->s[y->i] == ' ' || y->s[y->i] == '\t' || y->s[y->i] == '\n' ||
	    y->s[y->i] == '\r'))
		y->i++;
}

/* The text ends where more was expected. */
static int syn_eof(struct conf_syn *y, int string)
{
	const char *s = y->s;
	int n = y->n, line, col, at = string >= 0 ? string : y->open;

	/* the line of the last byte, not of the line after a final newline */
	conf_pos(s, n > 0 && s[n - 1] == '\n' ? n - 1 : n, &line, &col);
	if (at < 0) {
		conf_say(y->x, line, 1, "unexpected end of file: expected a JSON object");
	} else {
		int l, c;
		conf_pos(s, at, &l, &c);
		if (string >= 0)
			conf_say(y->x, line, 1, "unexpected end of file: the string at %d:%d is not closed", l, c);
		else
			conf_say(y->x, line, 1, "unexpected end of file: the '%c' at %d:%d is not closed", s[at], l,
			    c);
	}
	return -1;
}

/* The length of the word (a number, true, or a mistake) at y->i. */
static int syn_word(struct conf_syn *y)
{
	int k = y->i;

	while (k < y->n && ((y->s[k] >= 'a' && y->s[k] <= 'z') ||
	    (y->s[k] >= 'A' && y->s[k] <= 'Z') || (y->s[k] >= '0' && y->s[k] <= '9') || y->s[k] == '_' ||
	    y->s[k] == '.' || y->s[k] == '-' || y->s[k] == '+'))
		k++;
	return k - y->i;
}

/* The string at y->i (its '"'); y->i ends after it. */
static int syn_string(struct conf_syn *y)
{
	int start = y->i, k;

	for (y->i++; y->i < y->n; y->i++) {
		unsigned char ch = (unsigned char)y->s[y->i];
		if (ch == '"') {
			y->i++;
			return 0;
		}
		if (ch == '\n' || ch == '\r') {
			int l, c;
			conf_pos(y->s, start, &l, &c);
			conf_say_at(y->x, y->i, "missing '\"': the string at %d:%d is not closed on its line", l, c);
			return -1;
		}
		if (ch < 0x20) {
			conf_say_at(y->x, y->i, "control character 0x%02x in a string: write it as \\u%04x", ch, ch);
			return -1;
		}
		if (ch != '\\')
			continue;
		if (y->i + 1 >= y->n)
			break;
		ch = (unsigned char)y->s[y->i + 1];
		if (ch == 'u') {
			for (k = 0; k < 4 && y->i + 2 + k < y->n && hex_digit(y->s[y->i + 2 + k]) >= 0; k++)
				;
			if (y->i + 2 + k >= y->n && k < 4)
				break;
			if (k < 4) {
				conf_say_at(y->x, y->i, "invalid escape \\u%.*s in a string (\\u and 4 hex digits)",
				    k + 1, y->s + y->i + 2);
				return -1;
			}
			y->i += 5;
		} else if (ch && strchr("\"\\/bfnrt", ch)) {
			y->i++;
		} else {
			conf_say_at(y->x, y->i, "invalid escape \\%c in a string", ch >= 0x20 && ch < 0x7f ? ch : '?');
			return -1;
		}
	}
	return syn_eof(y, start);
}

/* -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? at y->i. */
static int syn_number(struct conf_syn *y)
{
	int start = y->i, k;

	k = syn_word(y);
	if (k > 0 && json_number(y->s + start, (size_t)k)) {
		y->i += k;
		return 0;
	}
	conf_say_at(y->x, start, "invalid number %.*s", k < 1 ? 1 : k > 40 ? 40 : k, y->s + start);
	return -1;
}

static int syn_value(struct conf_syn *y, int depth, const char *want, const char *key, int keylen);

/* { ... } or [ ... ] at y->i. */
static int syn_container(struct conf_syn *y, int depth)
{
	const char *s = y->s;
	int obj = s[y->i] == '{', first = 1, outer = y->open, key = 0, keylen = 0;
	char close = obj ? '}' : ']';

	if (depth > CONF_MAX_DEPTH) {
		conf_say_at(y->x, y->i, "nested deeper than %d levels", CONF_MAX_DEPTH);
		return -1;
	}
	y->open = y->i++;
	for (;;) {
		syn_ws(y);
		if (y->i >= y->n)
			return syn_eof(y, -1);
		if (first && s[y->i] == close)
			break;
		if (obj) {
			if (s[y->i] != '"') {
				if (first)
					conf_say_at(y->x, y->i, "expected a key in double quotes or '}'");
				else
					conf_say_at(y->x, y->i, "expected a key in double quotes after ','%s",
					    s[y->i] == '}' ? " (JSON allows no ',' before '}')" : "");
				return -1;
			}
			key = y->i + 1;
			if (syn_string(y) < 0)
				return -1;
			keylen = y->i - 1 - key > 40 ? 40 : y->i - 1 - key;
			syn_ws(y);
			if (y->i >= y->n)
				return syn_eof(y, -1);
			if (s[y->i] != ':') {
				conf_say_at(y->x, y->i, "expected ':' after \"%.*s\"", keylen, s + key);
				return -1;
			}
			y->i++;
			if (syn_value(y, depth, "expected a value after", s + key, keylen) < 0)
				return -1;
		} else if (!first && s[y->i] == ']') {
			conf_say_at(y->x, y->i, "expected a value after ',' (JSON allows no ',' before ']')");
			return -1;
		} else if (syn_value(y, depth, first ? "expected a value or ']'" : "expected a value after ','",
		    NULL, 0) < 0) {
			return -1;
		}
		first = 0;
		syn_ws(y);
		if (y->i >= y->n)
			return syn_eof(y, -1);
		if (s[y->i] == close)
			break;
		if (s[y->i] != ',') {
			if (obj)
				conf_say_at(y->x, y->i, "expected ',' or '}' after the value of \"%.*s\"", keylen,
				    s + key);
			else
				conf_say_at(y->x, y->i, "expected ',' or ']'");
			return -1;
		}
		y->i++;
	}
	y->i++;
	y->open = outer;
	return 0;
}

/* Any value at y->i (after blanks); want says what was expected there
 * (with key, after "key":). */
static int syn_value(struct conf_syn *y, int depth, const char *want, const char *key, int keylen)
{
	const char *s = y->s;
	char ch;
	int k;

	syn_ws(y);
	if (y->i >= y->n)
		return syn_eof(y, -1);
	ch = s[y->i];
	if (ch == '{' || ch == '[')
		return syn_container(y, depth + 1);
	if (ch == '"')
		return syn_string(y);
	if (ch == '-' || (ch >= '0' && ch <= '9'))
		return syn_number(y);
	k = syn_word(y);
	if ((k == 4 && !memcmp(s + y->i, "true", 4)) || (k == 5 && !memcmp(s + y->i, "false", 5)) ||
	    (k == 4 && !memcmp(s + y->i, "null", 4))) {
		y->i += k;
		return 0;
	}
	if (k > 0)
		conf_say_at(y->x, y->i, "not a JSON value: %.*s (a string takes double quotes)", k > 40 ? 40 : k,
		    s + y->i);
	else if (key)
		conf_say_at(y->x, y->i, "%s \"%.*s\":", want, keylen, key);
	else
		conf_say_at(y->x, y->i, "%s%s", want, ch == '\'' ? " (a string takes double quotes)" : "");
	return -1;
}

static int conf_syntax(struct conf_cx *x, const char *s, int n)
{
	struct conf_syn y = { .x = x, .s = s, .n = n, .open = -1 };
	int end, line, col;

	syn_ws(&y);
	if (y.i >= n)
		return syn_eof(&y, -1);
	if (syn_value(&y, 0, "expected a JSON object", NULL, 0) < 0)
		return -1;
	end = y.i;
	syn_ws(&y);
	if (y.i < n) {
		conf_pos(s, end - 1, &line, &col);
		conf_say_at(x, y.i, "expected the end of the file after the top-level value (it ended at %d:%d)",
		    line, col);
		return -1;
	}
	return 0;
}

/* ---- tokens -------------------------------------------------------------- */

int conf_json(struct conf_cx *x, char *text, int len)
{
	jsmn_parser p;
	int n, bad;

	x->js = text;
	x->len = len;
	if (conf_strip_comments(text, len, &bad) < 0) {
		conf_say_at(x, bad, "unterminated comment");
		return -1;
	}
	if (conf_syntax(x, text, len) < 0)
		return -1;
	jsmn_init(&p);
	n = jsmn_parse(&p, text, (size_t)len, NULL, 0);
	if (n > CONF_MAX_TOKENS) {
		conf_say(x, 0, 1, "too many JSON values (more than %d)", CONF_MAX_TOKENS);
		return -1;
	}
	if (n > 0) {
		x->t = arena_alloc((size_t)n * sizeof *x->t);
		jsmn_init(&p);
		x->ntok = jsmn_parse(&p, text, (size_t)len, x->t, (unsigned)n);
	}
	if (n <= 0 || x->ntok != n) {	/* what the check let through, jsmn did not */
		conf_say_at(x, p.pos < (unsigned)len ? (int)p.pos : 0, "syntax error (jsmn %d)", n);
		return -1;
	}
	return 0;
}
