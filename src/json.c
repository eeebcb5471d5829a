/* JSON helpers: Jackson-compatible string escaping, and walking jsmn tokens. */
#include <stdint.h>
#include <string.h>

#include "find.h"
#include "hex.h"
#include "json.h"
#include "log.h"
#include "simd.h"
#include "unaligned.h"
#include "utf8.h"

/* The bytes written as they are: printable ASCII but '"' and '\\'. */
static int json_plain(unsigned char c)
{
	return c >= 0x20 && c < 0x80 && c != '"' && c != '\\';
}

/* Nonzero if a byte of w is not plain. */
static inline __attribute__((always_inline)) unsigned long json_unsafe(unsigned long w)
{
	const unsigned long ones = ~0UL / 255, q = w ^ ones * '"', b = w ^ ones * '\\';

	return ((w - ones * 0x20) | w | ((q - ones) & ~q) | ((b - ones) & ~b)) & ones * 0x80;
}

#ifdef SIMD16
/* Which of x's sixteen bytes are '"', '\\' or, as signed bytes, below v's
 * (lt) or equal to them: what needs an escape (v's 0x20, lt: the controls
 * and all beyond ASCII), or where a JSON string's text stops (v's 0). */
static inline __attribute__((always_inline)) uint64_t json_flags16(simd_v x, simd_v v, int lt)
{
	return simd_bits(simd_or(simd_or(lt ? simd_lt(x, v) : simd_eq(x, v), simd_eq(x, simd_splat('"'))),
	    simd_eq(x, simd_splat('\\'))));
}
#endif

/* Copies s[i, n) to out + *len while it needs no escape, a word at a time,
 * the last few bytes as the word that ends at n (overlapping bytes copied
 * already: at least a word of them since from), four to seven bytes as two
 * four-byte words; sixteen bytes a step where the CPU has the registers,
 * each step stored whole and kept up to its first byte that needs an
 * escape.  out has room for 6 bytes a byte.  Returns where it stopped. */
static inline __attribute__((always_inline)) size_t
json_copy_plain(char *out, size_t *len, const char *s, size_t i, size_t n)
{
	const size_t from = i;	/* out[*len - (i - from), *len) is s[from, i) */
	size_t o = *len;
	unsigned long w;

#ifdef SIMD16
	if (n - i >= 16) {
		const simd_v v = simd_splat(0x20);
		uint64_t m = 0;

		for (; n - i >= 16 && !m; i += 16, o += 16) {
			simd_v x = simd_load(s + i);

			simd_store(out + o, x);
			m = json_flags16(x, v, 1);
		}
		if (!m && i < n) {	/* its bytes before i are plain: not flagged */
			simd_v x = simd_load(s + n - 16);

			o += n - i;
			i = n;
			simd_store(out + o - 16, x);
			m = json_flags16(x, v, 1);
		}
		if (m) {	/* i and o are past the sixteen that hold it */
			o -= 16 - simd_first(m);
			i -= 16 - simd_first(m);
		}
		*len = o;
		return i;
	}
#endif
	if (n - i >= 4 && n - i < sizeof w) {
		/* a short value whole: the four bytes from i and the four that
		 * end at n (overlapping); only a word's low four bytes count,
		 * exactly, as a borrow moves up only from a flagged byte */
		uint32_t a = load_u32(s + i), b = load_u32(s + n - 4);

		if (!(json_unsafe(a) & 0x80808080u) && !(json_unsafe(b) & 0x80808080u)) {
			store_u32(out + o, a);
			store_u32(out + o + (n - i) - 4, b);
			*len = o + (n - i);
			return n;
		}
	}
	while (n - i >= sizeof w) {
		w = load_word(s + i);
		if (json_unsafe(w))
			break;
		store_word(out + o, w);
		o += sizeof w;
		i += sizeof w;
	}
	if (n - i < sizeof w && n - from >= sizeof w) {
		w = load_word(s + n - sizeof w);
		if (!json_unsafe(w)) {
			store_word(out + o + (n - i) - sizeof w, w);
			*len = o + (n - i);
			return n;
		}
	}
	while (i < n && json_plain((unsigned char)s[i]))
		out[o++] = s[i++];
	*len = o;
	return i;
}

size_t
json_escape(char *out, size_t cap, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, len = 0;
	char e[6];
	int k, roomy = out && n <= SIZE_MAX / 6 && 6 * n <= cap;

	/* With room for the worst case (6 bytes for each), what needs no
	 * escape is copied without counting room. */
	while (i < n) {
		if (roomy && (i = json_copy_plain(out, &len, s, i, n)) == n)
			break;
		unsigned char c = p[i];
		size_t run = i;

		/* what needs no escape goes in one piece, valid UTF-8 included */
		for (;;) {
			while (run < n && json_plain(p[run]))
				run++;
			if (run < n && p[run] >= 0x80 && (k = utf8_len(p + run, n - run)) > 0)
				run += (size_t)k;
			else
				break;
		}
		if (run > i) {
			json_put(out, cap, &len, s + i, run - i);
			i = run;
			continue;
		}
		if (c == '"' || c == '\\') {
			e[0] = '\\';
			e[1] = (char)c;
			json_put(out, cap, &len, e, 2);
			i++;
		} else if (c < 0x20) {
			/* Jackson: the five short escapes, else \u00XX in upper case */
			e[0] = '\\';
			switch (c) {
			case '\b': e[1] = 'b'; break;
			case '\t': e[1] = 't'; break;
			case '\n': e[1] = 'n'; break;
			case '\f': e[1] = 'f'; break;
			case '\r': e[1] = 'r'; break;
			default: e[1] = 'u'; break;
			}
			if (e[1] == 'u') {
				e[2] = '0';
				e[3] = '0';
				e[4] = hex_upper[c >> 4];
				e[5] = hex_upper[c & 15];
				json_put(out, cap, &len, e, 6);
			} else
				json_put(out, cap, &len, e, 2);
			i++;
		} else {
			/* a byte that does not start valid UTF-8 */
			json_put(out, cap, &len, "\xef\xbf\xbd", 3);
			i += (size_t)-utf8_len(p + i, n - i);
		}
	}
	return len;
}

int
json_skip_tree(const jsmntok_t *t, int i)
{
	int pending = 1;

	/* A container's size counts its elements (an object's, its keys); a
	 * key's size is 1, its value.  So each token adds its size to what is
	 * still to be skipped. */
	while (pending > 0) {
		pending += t[i].size;
		pending--;
		i++;
	}
	return i;
}

int
json_eq(const char *js, const jsmntok_t *t, const char *s)
{
	size_t n = strlen(s);

	return t->type == JSMN_STRING && t->end >= t->start &&
	    (size_t)(t->end - t->start) == n &&
	    memcmp(js + t->start, s, n) == 0;
}

int
json_get(const char *js, const jsmntok_t *t, int obj, const char *key)
{
	int i, k;

	if (t[obj].type != JSMN_OBJECT)
		return -1;
	i = obj + 1;
	for (k = 0; k < t[obj].size; k++) {
		/* jsmn takes {"a":1,"b"}: a key without a value has size 0 */
		if (t[i].size == 1 && json_eq(js, &t[i], key))
			return i + 1;
		i = json_skip(t, i);	/* the key and its value */
	}
	return -1;
}

static int
json_hex4(const char *p, const char *end, unsigned long *v)
{
	long x = end - p < 4 ? -1 : hex_value(p, 4);

	*v = (unsigned long)x;
	return x < 0 ? -1 : 0;
}

int
json_number(const char *s, size_t n)
{
	size_t i = 0, d;

	if (i < n && s[i] == '-')
		i++;
	if (i < n && s[i] == '0')
		i++;
	else if (i < n && s[i] >= '1' && s[i] <= '9')
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
	else
		return 0;
	if (i < n && s[i] == '.') {
		for (d = ++i; i < n && s[i] >= '0' && s[i] <= '9'; i++)
			;
		if (i == d)
			return 0;
	}
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		if (++i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		for (d = i; i < n && s[i] >= '0' && s[i] <= '9'; i++)
			;
		if (i == d)
			return 0;
	}
	return i == n;
}

int
json_piece(const char *s, size_t n, size_t *off, char **out, size_t *cap)
{
	size_t k = n - *off;

	if (k > *cap)
		k = *cap;
	memcpy(*out, s + *off, k);
	*out += k;
	*cap -= k;
	*off += k;
	if (*off < n)
		return 0;
	*off = 0;
	return 1;
}

/* Writes code point u as UTF-8 at *o if it fits before the NUL. */
static int
json_put_utf8(char *out, size_t cap, size_t *o, unsigned long u)
{
	char b[4];
	size_t k = utf8_put(b, u);

	if (cap - 1 - *o < k)
		return -1;
	memcpy(out + *o, b, k);
	*o += k;
	return 0;
}

/* \u0000 is refused along with lone surrogates and raw control bytes: the
 * result is used as a C string, which must not end early without a word. */
int
json_string(const char *js, const jsmntok_t *t, char *out, size_t cap)
{
	const char *p, *end;
	unsigned long u, lo;
	size_t o = 0;
	char c;

	if (cap == 0 || t->type != JSMN_STRING || t->end < t->start)
		return -1;
	p = js + t->start;
	end = js + t->end;
	while (p < end) {
		c = *p++;
		if ((unsigned char)c < 0x20)
			return -1;
		if (c != '\\') {
			if (o == cap - 1)
				return -1;
			out[o++] = c;
			continue;
		}
		if (p == end)
			return -1;
		switch (c = *p++) {
		case '"': case '\\': case '/':
			u = (unsigned char)c;
			break;
		case 'b': u = '\b'; break;
		case 'f': u = '\f'; break;
		case 'n': u = '\n'; break;
		case 'r': u = '\r'; break;
		case 't': u = '\t'; break;
		case 'u':
			if (json_hex4(p, end, &u) != 0)
				return -1;
			p += 4;
			if (u >= 0xdc00 && u <= 0xdfff)
				return -1;	/* a low surrogate first */
			if (u >= 0xd800 && u <= 0xdbff) {
				if (end - p < 6 || p[0] != '\\' || p[1] != 'u' ||
				    json_hex4(p + 2, end, &lo) != 0 ||
				    lo < 0xdc00 || lo > 0xdfff)
					return -1;	/* a high one alone */
				p += 6;
				u = 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00);
			}
			if (u == 0)
				return -1;
			break;
		default:
			return -1;
		}
		if (json_put_utf8(out, cap, &o, u) != 0)
			return -1;
	}
	out[o] = '\0';
	return (int)o;
}

void
json_copy(const char *js, const jsmntok_t *t, char *out, size_t cap)
{
	size_t n;

	if (cap == 0 || json_string(js, t, out, cap) >= 0)
		return;
	n = t->end > t->start ? (size_t)(t->end - t->start) : 0;
	if (n > cap - 1)
		n = cap - 1;
	memcpy(out, js + t->start, n);
	out[n] = '\0';
}

/* (Inline, the common answer first: json_flat asks before every token.) */
static inline __attribute__((always_inline)) int
json_blank(char c)
{
	return (unsigned char)c <= ' ' && (c == ' ' || c == '\t' || c == '\r' || c == '\n');
}

int
json_key_zero(const char *js, size_t len, const char *key)
{
	char q[64];
	size_t k = strlen(key);
	const char *p, *e = js + len;

	if (k + 2 > sizeof q)
		return 0;
	q[0] = '"';
	memcpy(q + 1, key, k);
	q[k + 1] = '"';
	if (!(p = find_mem(js, len, q, k + 2)))
		return 0;
	for (p += k + 2; p < e && json_blank(*p); p++)
		;
	if (p == e || *p++ != ':')
		return 0;
	while (p < e && json_blank(*p))
		p++;
	/* a digit after the 0 would make it another number; none, no telling */
	return p + 1 < e && p[0] == '0' && !(p[1] >= '0' && p[1] <= '9');
}

int
json_line(const char *js, int off)
{
	int line = 1, i;

	for (i = 0; i < off; i++)
		if (js[i] == '\n')
			line++;
	return line;
}

/* The end of a JSON string's text from i: its closing '"', or n when it
 * has none or holds what only jsmn should judge (a NUL, where jsmn stops;
 * an escape but the two-byte ones and \uXXXX).  Eight bytes a step to the
 * next '"', '\\' or NUL. */
static inline __attribute__((always_inline)) size_t
json_string_end(const char *s, size_t i, size_t n, int *escaped)
{
	const unsigned long ones = ~0UL / 255;

	for (;;) {
		unsigned long w, m;

		for (;;) {
#ifdef SIMD16
			if (n - i >= 16) {
				uint64_t m16 = json_flags16(simd_load(s + i), simd_splat(0), 0);

				if (m16) {
					i += simd_first(m16);
					break;
				}
				i += 16;
				continue;
			}
#endif
			if (n - i < sizeof w) {
				while (i < n && s[i] != '"' && s[i] != '\\' && s[i])
					i++;
				break;
			}
			w = load_word(s + i);
			if ((m = find_zeros(w) | find_zeros(w ^ ones * '"') | find_zeros(w ^ ones * '\\'))) {
				i += find_first(m);
				break;
			}
			i += sizeof w;
		}
		if (i == n || s[i] == '"' || !s[i] || n - i < 2)
			return i < n && s[i] == '"' ? i : n;
		*escaped = 1;
		switch (s[i + 1]) {
		case '"': case '/': case '\\': case 'b': case 'f': case 'r': case 'n': case 't':
			i += 2;
			break;
		case 'u':
			if (n - i < 6 || hex_value(s + i + 2, 4) < 0)
				return n;
			i += 6;
			break;
		default:
			return n;
		}
	}
}

/* Past the blanks from i.  (Inline: json_flat's every step.) */
static inline __attribute__((always_inline)) size_t
json_past_blanks(const char *s, size_t i, size_t n)
{
	while (i < n && json_blank(s[i]))
		i++;
	return i;
}

static void
json_tok(jsmntok_t *t, jsmntype_t type, size_t start, size_t end, int size, int parent)
{
	t->type = type;
	t->start = (int)start;
	t->end = (int)end;
	t->size = size;
	t->parent = parent;
}

int
json_flat(const char *s, size_t n, jsmntok_t *t, int max, int *escaped)
{
	size_t i, e;
	int nt = 1, k;

	if (n > 0x7ffffffe || max < 1)
		return 0;
	i = json_past_blanks(s, 0, n);
	if (i == n || s[i] != '{')
		return 0;
	json_tok(&t[0], JSMN_OBJECT, i, 0, 0, -1);
	i = json_past_blanks(s, i + 1, n);
	while (!(nt == 1 && i < n && s[i] == '}')) {
		/* "key" : */
		if (i == n || s[i] != '"' || nt + 2 > max || (e = json_string_end(s, i + 1, n, escaped)) == n)
			return 0;
		k = nt++;
		json_tok(&t[k], JSMN_STRING, i + 1, e, 1, 0);
		t[0].size++;
		i = json_past_blanks(s, e + 1, n);
		if (i == n || s[i] != ':')
			return 0;
		i = json_past_blanks(s, i + 1, n);
		/* a string, or a primitive as jsmn takes it: printable ASCII
		 * up to a blank, ',' or '}' */
		if (i < n && s[i] == '"') {
			if ((e = json_string_end(s, i + 1, n, escaped)) == n)
				return 0;
			json_tok(&t[nt++], JSMN_STRING, i + 1, e, 0, k);
			i = e + 1;
		} else if (i < n && ((s[i] >= '0' && s[i] <= '9') || s[i] == '-' || s[i] == 't' || s[i] == 'f' ||
				     s[i] == 'n')) {
			for (e = i; e < n && !json_blank(s[e]) && s[e] != ',' && s[e] != '}'; e++)
				if (s[e] < 32 || s[e] >= 127 || s[e] == ']')
					return 0;
			if (e == n)
				return 0;
			json_tok(&t[nt++], JSMN_PRIMITIVE, i, e, 0, k);
			i = e;
		} else {
			return 0;
		}
		i = json_past_blanks(s, i, n);
		if (i < n && s[i] == '}')
			break;
		if (i == n || s[i] != ',')
			return 0;
		i = json_past_blanks(s, i + 1, n);
	}
	t[0].end = (int)(i + 1);
	return json_past_blanks(s, i + 1, n) == n ? nt : 0;
}

int
json_record_parse(struct json_record *r, const char *in, size_t n)
{
	jsmn_parser p;
	int ntok, j, k;
	size_t i;

	/* what json_flat takes passes every test below */
	r->escaped = 0;
	if (json_flat(in, n, r->t, JSON_RECORD_MAXTOK, &r->escaped))
		return 1;
	r->escaped = 1;
	jsmn_init(&p);
	ntok = jsmn_parse(&p, in, n, r->t, JSON_RECORD_MAXTOK);
	if (ntok == JSMN_ERROR_NOMEM) {
		r->toobig++;
		if (!r->warned_toobig++)
			log_warnx("%s: a record has more than %d JSON tokens; sent unchanged "
			    "(and any more such records)", r->name, JSON_RECORD_MAXTOK);
		return 0;
	}
	if (ntok <= 0 || r->t[0].type != JSMN_OBJECT || json_skip(r->t, 0) != ntok)
		goto notobj;
	/* jsmn stops at a NUL byte: what follows must be blank */
	for (i = (size_t)r->t[0].end; i < n; i++)
		if (in[i] != ' ' && in[i] != '\t' && in[i] != '\r' && in[i] != '\n')
			goto notobj;
	for (k = 0, j = 1; k < r->t[0].size; k++, j = json_skip(r->t, j))
		if (r->t[j].type != JSMN_STRING || r->t[j].size != 1)
			goto notobj;
	return 1;
notobj:
	r->notobj++;
	if (!r->warned_notobj++)
		log_warnx("%s: a record is not a JSON object; sent unchanged "
		    "(and any more such records)", r->name);
	return 0;
}
