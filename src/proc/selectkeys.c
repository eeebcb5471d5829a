/* SELECTKEYS (kagent's own): what the Fluent Bit Kinesis/Firehose plugins'
 * data_keys and log_key do, on a record that is a JSON object (e.g. the
 * output of LOGTOJSON).  Exactly one of:
 *
 *   "data_keys": ["a", "b"]  keeps only those keys, in the record's order,
 *                            their values as they are (nested ones made
 *                            compact): {"a":1,"b":{"c":2}}\n.  A record
 *                            with none of them gives {}\n, as the Go
 *                            plugins send.  A key that appears twice is
 *                            kept twice: SELECTKEYS only removes.
 *   "log_key": "log"         sends that key's value alone and a "\n": a
 *                            string as its decoded text, any other value as
 *                            its compact JSON text.  A record without the
 *                            key is dropped, as both Fluent Bit plugins do
 *                            ("Could not find log_key"); counted, warned
 *                            once.  Of a key that appears twice, the last.
 *
 * This is the Go plugins' (aws/amazon-kinesis-*-for-fluent-bit) log_key.
 * Fluent Bit's C plugins (kinesis_firehose, kinesis_streams) differ: they
 * cut the first and last byte off the value's JSON text, so a string keeps
 * its escapes (a tab is sent as \t) and an object loses its braces, and
 * they drop values whose JSON text is two bytes or less ("", {}, 42).
 *
 * A record that is not one JSON object, or has more than JSON_RECORD_MAXTOK
 * tokens, is sent unchanged, counted, warned about once (json_record_parse): it is most likely a line
 * the processor before did not turn into JSON, and losing it silently would
 * be worse than sending it whole. */
#include <string.h>

#include "arena.h"
#include "conf_opts.h"
#include "hex.h"
#include "json.h"
#include "utf8.h"
#include "log.h"
#include "proc.h"

struct sk_state {
	const char *const *keys;	/* data_keys, or the one log_key */
	size_t *keylen;
	size_t nkeys;
	int logkey;
	unsigned long missing;
	int warned_missing;
	struct json_record rec;
};

static int
sk_init(void **state, struct conf_opts *o)
{
	struct sk_state *s = arena_alloc(sizeof *s);
	const char *lk;
	int rd, rl;

	s->rec.name = "SELECTKEYS";
	if ((rd = conf_opt_strings(o, "data_keys", &s->keys, &s->nkeys)) < 0)
		return -1;
	if ((rl = conf_opt_string(o, "log_key", &lk)) < 0)
		return -1;
	if (rd && rl)
		return conf_opt_error(o, "log_key", "give data_keys or log_key, not both");
	if (!rd && !rl)
		return conf_opt_error(o, NULL, "needs data_keys (an array of key names) or log_key (a key name)");
	if (rd && s->nkeys == 0)
		return conf_opt_error(o, "data_keys", "must name at least one key");
	if (rl) {
		const char **k = arena_alloc(sizeof *k);

		k[0] = lk;
		s->keys = k;
		s->nkeys = 1;
		s->logkey = 1;
	}
	s->keylen = arena_alloc(s->nkeys * sizeof *s->keylen);
	for (size_t k = 0; k < s->nkeys; k++)
		s->keylen[k] = strlen(s->keys[k]);
	*state = s;
	return 0;
}

static void
sk_put(char *out, size_t cap, size_t *len, const char *p, size_t k)
{
	if (*len < cap)
		memcpy(out + *len, p, k <= cap - *len ? k : cap - *len);
	*len += k;
}

/* JSON text without the whitespace between tokens. */
static void
sk_compact(char *out, size_t cap, size_t *len, const char *s, size_t n)
{
	size_t i, from = 0;
	int in_str = 0;

	for (i = 0; i < n; i++) {
		if (in_str) {
			if (s[i] == '\\')
				i++;
			else if (s[i] == '"')
				in_str = 0;
		} else if (s[i] == '"') {
			in_str = 1;
		} else if (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
			sk_put(out, cap, len, s + from, i - from);
			from = i + 1;
		}
	}
	if (i > n)
		i = n;
	sk_put(out, cap, len, s + from, i - from);
}

/* Decodes the inside of a JSON string (jsmn checked its escapes).  A lone
 * surrogate becomes U+FFFD, \u0000 a NUL byte, as Go's decoder does; bytes
 * that are not UTF-8 pass as they are. */
static void
sk_unescape(char *out, size_t cap, size_t *len, const char *s, size_t n)
{
	size_t i = 0, from = 0;
	unsigned u, lo;
	char b[4];
	size_t k;

	while (i < n) {
		if (s[i] != '\\') {
			i++;
			continue;
		}
		sk_put(out, cap, len, s + from, i - from);
		if (i + 1 >= n) {
			from = i;	/* a lone backslash (jsmn does not let one by) */
			break;
		}
		switch (s[i + 1]) {
		case 'b': u = '\b'; break;
		case 'f': u = '\f'; break;
		case 'n': u = '\n'; break;
		case 'r': u = '\r'; break;
		case 't': u = '\t'; break;
		case 'u': u = i + 6 <= n ? (unsigned)hex_value(s + i + 2, 4) : 0xfffd;	/* jsmn checked it is hex */ break;
		default: u = (unsigned char)s[i + 1]; break;	/* " \ / */
		}
		i += s[i + 1] == 'u' ? 6 : 2;
		if (u >= 0xd800 && u <= 0xdbff && i + 6 <= n && s[i] == '\\' && s[i + 1] == 'u' &&
		    (lo = (unsigned)hex_value(s + i + 2, 4)) >= 0xdc00 && lo <= 0xdfff) {
			u = 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00);
			i += 6;
		} else if (u >= 0xd800 && u <= 0xdfff)
			u = 0xfffd;
		k = utf8_put(b, u);
		sk_put(out, cap, len, b, k);
		from = i;
	}
	if (from < n)
		sk_put(out, cap, len, s + from, n - from);
}

/* Key token t as it reads: its bytes when it has no escape (none has when
 * the record has none: escaped 0), else decoded into buf (256 bytes; a key
 * of 256 or more is NULL: no name that long is wanted). */
static const char *
sk_key(const char *js, const jsmntok_t *t, int escaped, char *buf, size_t *len)
{
	const char *s = js + t->start;
	size_t n = (size_t)(t->end - t->start), i = 0;

	/* keys are short: a loop costs less than a call to memchr */
	if (escaped)
		while (i < n && s[i] != '\\')
			i++;
	*len = n;
	if (!escaped || i == n)
		return s;
	*len = 0;
	sk_unescape(buf, 256, len, s, n);
	return *len < 256 ? buf : NULL;
}

static int
sk_keyis(const char *key, size_t len, const char *name, size_t want)
{
	return key && len == want && memcmp(key, name, len) == 0;
}

static int
sk_wanted(const struct sk_state *s, const char *js, const jsmntok_t *t, int escaped)
{
	char buf[256];
	size_t k, len;
	const char *key = sk_key(js, t, escaped, buf, &len);

	for (k = 0; k < s->nkeys; k++)
		if (sk_keyis(key, len, s->keys[k], s->keylen[k]))
			return 1;
	return 0;
}

static long
sk_run(void *state, const char *in, size_t n, char *out, size_t cap, const struct proc_meta *m)
{
	struct sk_state *s = state;
	const jsmntok_t *t = s->rec.t;
	size_t len = 0;
	int j, k, v, found = -1, nout = 0;

	(void)m;
	if (!json_record_parse(&s->rec, in, n)) {
		if (n > cap)
			return PROC_TOOLONG;
		memcpy(out, in, n);
		return (long)n;
	}
	if (s->logkey) {
		for (k = 0, j = 1; k < t[0].size; k++, j = json_skip(t, j)) {
			char buf[256];
			size_t klen;
			const char *key = sk_key(in, &t[j], s->rec.escaped, buf, &klen);

			if (sk_keyis(key, klen, s->keys[0], s->keylen[0]))
				found = j + 1;
		}
		if (found < 0) {
			s->missing++;
			if (!s->warned_missing++)
				log_warnx("SELECTKEYS: log_key \"%s\" is not in a record; it is dropped "
				    "(and any more such records), as Fluent Bit does", s->keys[0]);
			return PROC_DROP;
		}
		if (t[found].type == JSMN_STRING)
			sk_unescape(out, cap, &len, in + t[found].start, (size_t)(t[found].end - t[found].start));
		else
			sk_compact(out, cap, &len, in + t[found].start, (size_t)(t[found].end - t[found].start));
	} else {
		sk_put(out, cap, &len, "{", 1);
		for (k = 0, j = 1; k < t[0].size; k++, j = json_skip(t, j)) {
			if (!sk_wanted(s, in, &t[j], s->rec.escaped))
				continue;
			v = j + 1;
			if (nout++)
				sk_put(out, cap, &len, ",", 1);
			/* the key with its quotes, as written */
			sk_put(out, cap, &len, in + t[j].start - 1, (size_t)(t[j].end - t[j].start) + 2);
			sk_put(out, cap, &len, ":", 1);
			if (t[v].type == JSMN_STRING)
				sk_put(out, cap, &len, in + t[v].start - 1, (size_t)(t[v].end - t[v].start) + 2);
			else
				sk_compact(out, cap, &len, in + t[v].start, (size_t)(t[v].end - t[v].start));
		}
		sk_put(out, cap, &len, "}", 1);
	}
	sk_put(out, cap, &len, "\n", 1);
	if (len > cap)
		return PROC_TOOLONG;
	return (long)len;
}

const struct processor proc_selectkeys = { "SELECTKEYS", "selectkeys", sk_init, sk_run };
