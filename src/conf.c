/* Reading kagent.conf: the Java agent's agent.json, checked key by key.
 *
 * The file is read whole into the arena (start-up only), comments are blanked
 * out (the Java agent's Jackson is configured with ALLOW_COMMENTS, so real
 * agent.json files have them), jsmn tokenizes it into an arena array sized by
 * a counting pass, and conf_json_check() adds what jsmn does not verify, so a
 * file Jackson rejects is rejected here too.  Every problem is one line on
 * stderr: "path:line: key: what is wrong". */
#include <arpa/inet.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include "arena.h"
#include "b64.h"
#include "conf.h"
#include "glob.h"
#include "json.h"
#include "kinesis.h"
#include "proc.h"
#include "rx.h"

#define CONF_MAX_FILE_BYTES	(1024 * 1024)
#define CONF_MAX_TOKENS		16384	/* 256 KiB of tokens; a real file has ~100 */
#define CONF_MAX_DEPTH		32	/* the checker recurses; bound the stack */
#define CONF_MAX_PATH		4096	/* PATH_MAX, with its NUL */
/* A ring must always hold the longest record Firehose accepts plus the start
 * of the next line, or a long line could never be sent. */
#define CONF_RING_MIN		(FIREHOSE_MAX_RECORD_BYTES + 16384)
#define CONF_RING_MAX		(64 * 1024 * 1024)
#define CONF_RING_DEFAULT	(1024 * 1024)

#define CONF_DEFAULT_CHECKPOINTS	"/var/lib/kagent/checkpoints"
#define CONF_DEFAULT_CA_FILE		"/etc/ssl/certs/ca-certificates.crt"
#define CONF_DEFAULT_REGION		"us-east-1"

/* What a parse is working on. */
struct conf_cx {
	struct conf *c;
	const char *path;
	const char *js;
	int len;
	jsmntok_t *t;
	int ntok;
	uint64_t warned;	/* conf_ignored[] entries already warned about */
};

/* Keys the Java agent knows and kagent ignores.  Each is warned about once
 * per file, however many flows carry it. */
enum conf_scope { CONF_TOP, CONF_FLOW };
static const char conf_never[] = "not supported by kagent, ignored";
static const char conf_later[] = "not supported by this version, ignored";
static const struct conf_ignored {
	enum conf_scope scope;
	const char *key;
	const char *why;
} conf_ignored[] = {
	{ CONF_TOP, "assumeRoleARN", conf_later },
	{ CONF_TOP, "assumeRoleExternalId", conf_later },
	{ CONF_TOP, "sts.endpoint", conf_later },
	{ CONF_TOP, "kinesis.region", conf_later },
	{ CONF_TOP, "cloudwatch.emitMetrics", conf_never },
	{ CONF_TOP, "cloudwatch.endpoint", conf_never },
	{ CONF_TOP, "cloudwatch.tagInstance", conf_never },
	{ CONF_TOP, "cloudwatch.metricsBufferTimeMillis", conf_never },
	{ CONF_TOP, "cloudwatch.namespace", conf_never },
	{ CONF_TOP, "cloudwatch.metricsQueueSize", conf_never },
	{ CONF_TOP, "log.emitMetrics", conf_never },
	{ CONF_TOP, "log.emitInternalMetrics", conf_never },
	{ CONF_TOP, "log.statusReportingPeriodSeconds", conf_never },
	{ CONF_TOP, "maxSendingThreads", conf_never },
	{ CONF_TOP, "maxSendingThreadsPerCore", conf_never },
	{ CONF_TOP, "sendingThreadsKeepAliveMillis", conf_never },
	{ CONF_TOP, "sendingThreadsMaxQueueSize", conf_never },
	{ CONF_TOP, "maxConnections", conf_never },
	{ CONF_TOP, "connectionTTLMillis", conf_never },
	{ CONF_TOP, "useTcpKeepAlive", conf_never },
	{ CONF_TOP, "useHttpGzip", conf_never },
	{ CONF_TOP, "checkpointTimeToLiveDays", conf_never },
	{ CONF_TOP, "userAgent", conf_never },
	{ CONF_TOP, "userAgentOverride", conf_never },
	{ CONF_TOP, "userDefinedCredentialsProvider.classname", conf_never },
	{ CONF_TOP, "userDefinedCredentialsProvider.location", conf_never },
	{ CONF_FLOW, "maxTimeBetweenFileTrackerRefreshMillis", conf_later },
	{ CONF_FLOW, "waitOnFullPublishQueueMillis", conf_never },
	{ CONF_FLOW, "waitOnEmptyPublishQueueMillis", conf_never },
	{ CONF_FLOW, "waitOnFullRetryQueueMillis", conf_never },
	{ CONF_FLOW, "publishQueueCapacity", conf_never },
	{ CONF_FLOW, "log.emitInternalMetrics", conf_never },
};
_Static_assert(sizeof conf_ignored / sizeof conf_ignored[0] <= 64, "warned is a 64-bit set");

/* One line to stderr in one write(), so lines from a reload never interleave
 * and nothing sits in a stdio buffer. */
static void conf_say(const char *path, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void conf_say(const char *path, int line, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	int n, m;

	if (line > 0)
		n = snprintf(buf, sizeof buf, "%s:%d: ", path, line);
	else
		n = snprintf(buf, sizeof buf, "%s: ", path);
	if (n < 0)
		n = 0;
	if (n < (int)sizeof buf) {
		va_start(ap, fmt);
		m = vsnprintf(buf + n, sizeof buf - n, fmt, ap);
		va_end(ap);
		if (m > 0)
			n += m;
	}
	if (n > (int)sizeof buf - 2)
		n = sizeof buf - 2;
	buf[n++] = '\n';
	(void)!write(2, buf, n);
}

static int conf_line(const struct conf_cx *x, int tok)
{
	return json_line(x->js, x->t[tok].start);
}

/* The token's text as it is in the file (a string without its quotes). */
static int conf_tlen(const struct conf_cx *x, int tok)
{
	return x->t[tok].end - x->t[tok].start;
}

static const char *conf_ttext(const struct conf_cx *x, int tok)
{
	return x->js + x->t[tok].start;
}

/* "prefix" + key as written, e.g. "flows[1]." + "deliveryStream". */
static void conf_keypath(const struct conf_cx *x, int key, const char *prefix,
    char *out, size_t cap)
{
	int n = conf_tlen(x, key);

	if (n > 100)
		n = 100;
	snprintf(out, cap, "%s%.*s", prefix, n, conf_ttext(x, key));
}

/* Values quoted back in messages are shortened so a line stays a line. */
#define CONF_SHOWN(x, tok) (conf_tlen(x, tok) > 80 ? 80 : conf_tlen(x, tok)), conf_ttext(x, tok)

/* ---- syntax -------------------------------------------------------------- */

/* Jackson (ALLOW_COMMENTS) takes // and C comments; jsmn does not.  Blank
 * them out, keeping newlines so that line numbers stay right.  Returns 0, or
 * -1 with *bad at the start of an unterminated comment. */
static int conf_strip_comments(char *s, int n, int *bad)
{
	int i, instr = 0;

	if (n >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0)	/* a UTF-8 BOM */
		memset(s, ' ', 3);
	for (i = 0; i < n; i++) {
		if (instr) {
			if (s[i] == '\\' && i + 1 < n)
				i++;
			else if (s[i] == '"')
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

/* Where a token's text begins and ends, quotes included. */
static int conf_span_start(const jsmntok_t *t)
{
	return t->type == JSMN_STRING ? t->start - 1 : t->start;
}

static int conf_span_end(const jsmntok_t *t)
{
	return t->type == JSMN_STRING ? t->end + 1 : t->end;
}

/* Between two tokens there may be only whitespace and, if want is not 0,
 * exactly one want (',' or ':').  jsmn does not check this. */
static int conf_gap(const char *js, int a, int b, char want, int *bad)
{
	int seen = 0;

	for (; a < b; a++) {
		char ch = js[a];
		if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r')
			continue;
		if (want && ch == want && !seen) {
			seen = 1;
			continue;
		}
		*bad = a;
		return -1;
	}
	if (want && !seen) {
		*bad = b;
		return -1;
	}
	return 0;
}

/* The offset of the first byte from off on that is not whitespace. */
static int conf_next_char(const struct conf_cx *x, int off)
{
	int bad = x->len;

	(void)conf_gap(x->js, off, x->len, 0, &bad);
	return bad;
}

/* true, false, null, or a number as RFC 8259 writes it. */
static int conf_primitive_ok(const char *s, int n)
{
	if ((n == 4 && memcmp(s, "true", 4) == 0) || (n == 5 && memcmp(s, "false", 5) == 0) ||
	    (n == 4 && memcmp(s, "null", 4) == 0))
		return 1;
	return json_number(s, (size_t)n);
}

/* Checks the value at token i and its subtree; returns the index after it,
 * or -1 with *bad at the offending byte. */
static int conf_json_check(const struct conf_cx *x, int i, int depth, int *bad)
{
	const jsmntok_t *t = x->t;
	int n, k, j, prev;

	if (i >= x->ntok) {
		*bad = x->len;
		return -1;
	}
	if (depth > CONF_MAX_DEPTH) {
		*bad = t[i].start;
		return -1;
	}
	switch (t[i].type) {
	case JSMN_PRIMITIVE:
		if (!conf_primitive_ok(x->js + t[i].start, t[i].end - t[i].start)) {
			*bad = t[i].start;
			return -1;
		}
		return i + 1;
	case JSMN_STRING:
		if (t[i].size != 0) {	/* a string used as a key outside an object */
			*bad = t[i].end + 1;
			return -1;
		}
		for (k = t[i].start; k < t[i].end; k++)
			if ((unsigned char)x->js[k] < 0x20) {
				*bad = k;
				return -1;
			}
		return i + 1;
	case JSMN_OBJECT:
	case JSMN_ARRAY:
		n = t[i].size;
		j = i + 1;
		prev = t[i].start + 1;
		for (k = 0; k < n; k++) {
			if (j >= x->ntok) {
				*bad = x->len;
				return -1;
			}
			if (conf_gap(x->js, prev, conf_span_start(&t[j]), k ? ',' : 0, bad) < 0)
				return -1;
			if (t[i].type == JSMN_OBJECT) {
				if (t[j].type != JSMN_STRING) {
					*bad = conf_span_start(&t[j]);
					return -1;
				}
				/* jsmn hangs what follows a key without ':' or a
				 * value without ',' on the key: point past it. */
				if (t[j].size == 0) {
					*bad = conf_next_char(x, t[j].end + 1);
					return -1;
				}
				if (t[j].size > 1) {
					if (conf_json_check(x, j + 1, depth + 1, bad) >= 0)
						*bad = conf_next_char(x, conf_span_end(&t[j + 1]));
					return -1;
				}
				for (int b = t[j].start; b < t[j].end; b++)
					if ((unsigned char)x->js[b] < 0x20) {
						*bad = b;
						return -1;
					}
				if (j + 1 >= x->ntok) {
					*bad = x->len;
					return -1;
				}
				if (conf_gap(x->js, t[j].end + 1, conf_span_start(&t[j + 1]), ':', bad) < 0)
					return -1;
				j++;
			}
			prev = conf_span_end(&t[j]);
			if ((j = conf_json_check(x, j, depth + 1, bad)) < 0)
				return -1;
		}
		if (conf_gap(x->js, prev, t[i].end - 1, 0, bad) < 0)
			return -1;
		return j;
	default:
		*bad = t[i].start;
		return -1;
	}
}

/* The line of the last byte, for "unexpected end of file". */
static int conf_last_line(const char *js, int len)
{
	return json_line(js, len > 0 && js[len - 1] == '\n' ? len - 1 : len);
}

static int conf_syntax_error(const struct conf_cx *x, int off)
{
	if (off >= x->len)
		conf_say(x->path, conf_last_line(x->js, x->len), "unexpected end of file");
	else
		conf_say(x->path, json_line(x->js, off), "syntax error");
	return -1;
}

static int conf_parse(struct conf_cx *x)
{
	jsmn_parser p;
	int n, bad, end;

	jsmn_init(&p);
	n = jsmn_parse(&p, x->js, x->len, NULL, 0);
	if (n == JSMN_ERROR_PART)
		return conf_syntax_error(x, x->len);
	if (n < 0)
		return conf_syntax_error(x, p.pos);
	if (n == 0)	/* nothing, or only closing brackets (not counted) */
		return conf_syntax_error(x, conf_next_char(x, 0));
	if (n > CONF_MAX_TOKENS) {
		conf_say(x->path, 0, "too many JSON values (more than %d)", CONF_MAX_TOKENS);
		return -1;
	}
	x->t = arena_alloc((size_t)n * sizeof *x->t);
	jsmn_init(&p);
	x->ntok = jsmn_parse(&p, x->js, x->len, x->t, n);
	if (x->ntok == JSMN_ERROR_PART)
		return conf_syntax_error(x, x->len);
	if (x->ntok < 0)
		return conf_syntax_error(x, p.pos < (unsigned)x->len ? (int)p.pos : x->len);
	if ((end = conf_json_check(x, 0, 0, &bad)) < 0)
		return conf_syntax_error(x, bad);
	if (end < x->ntok)
		return conf_syntax_error(x, conf_span_start(&x->t[end]));
	if (conf_gap(x->js, conf_span_end(&x->t[0]), x->len, 0, &bad) < 0)
		return conf_syntax_error(x, bad);
	return 0;
}

static char *conf_readfile(const char *path, int *lenp)
{
	struct stat st;
	char *buf;
	size_t got = 0, size;
	ssize_t r;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		conf_say(path, 0, "cannot read: %s", strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) < 0) {
		conf_say(path, 0, "cannot read: %s", strerror(errno));
		close(fd);
		return NULL;
	}
	if (S_ISDIR(st.st_mode)) {
		conf_say(path, 0, "cannot read: %s", strerror(EISDIR));
		close(fd);
		return NULL;
	}
	if (!S_ISREG(st.st_mode)) {
		conf_say(path, 0, "cannot read: not a regular file");
		close(fd);
		return NULL;
	}
	if (st.st_size > CONF_MAX_FILE_BYTES) {
		conf_say(path, 0, "too large (more than %d bytes)", CONF_MAX_FILE_BYTES);
		close(fd);
		return NULL;
	}
	size = (size_t)st.st_size;
	buf = arena_alloc(size + 1);
	while (got < size) {
		r = read(fd, buf + got, size - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			conf_say(path, 0, "cannot read: %s", strerror(errno));
			close(fd);
			return NULL;
		}
		if (r == 0)
			break;
		got += (size_t)r;
	}
	close(fd);
	buf[got] = 0;
	*lenp = (int)got;
	return buf;
}

/* ---- values -------------------------------------------------------------- */

/* The decoded string at token i (arena), or NULL after an error. */
static const char *conf_string(const struct conf_cx *x, int i, const char *kp)
{
	size_t cap;
	char *s;

	if (x->t[i].type != JSMN_STRING) {
		conf_say(x->path, conf_line(x, i), "%s: must be a string", kp);
		return NULL;
	}
	/* Decoding never lengthens: an escape is longer than what it stands for. */
	cap = (size_t)conf_tlen(x, i) + 1;
	s = arena_alloc(cap);
	/* json_string() also refuses \u0000, which would cut a C string short. */
	if (json_string(x->js, &x->t[i], s, cap) < 0) {
		conf_say(x->path, conf_line(x, i), "%s: invalid string escape", kp);
		return NULL;
	}
	return s;
}

static const char *conf_nonempty(const struct conf_cx *x, int i, const char *kp)
{
	const char *s = conf_string(x, i, kp);

	if (s && !*s) {
		conf_say(x->path, conf_line(x, i), "%s: must not be empty", kp);
		return NULL;
	}
	return s;
}

static const char *conf_abspath(const struct conf_cx *x, int i, const char *kp)
{
	const char *s = conf_nonempty(x, i, kp);

	if (!s)
		return NULL;
	if (s[0] != '/') {
		conf_say(x->path, conf_line(x, i), "%s: must be an absolute path, got \"%.*s\"", kp,
		    CONF_SHOWN(x, i));
		return NULL;
	}
	if (strlen(s) >= CONF_MAX_PATH) {
		conf_say(x->path, conf_line(x, i), "%s: longer than %d bytes", kp, CONF_MAX_PATH - 1);
		return NULL;
	}
	return s;
}

/* Credentials go into HTTP headers: printable ASCII, no spaces. */
static const char *conf_credential(const struct conf_cx *x, int i, const char *kp)
{
	const char *s = conf_nonempty(x, i, kp), *p;

	if (!s)
		return NULL;
	for (p = s; *p; p++)
		if (*p <= ' ' || *p > '~') {
			conf_say(x->path, conf_line(x, i), "%s: must be printable ASCII without spaces", kp);
			return NULL;
		}
	return s;
}

/* An integer in lo..hi: a JSON number, or a string of decimal digits, which
 * the Java agent also takes (its readLong() converts through toString()). */
static int conf_int(const struct conf_cx *x, int i, const char *kp, int64_t lo, int64_t hi,
    int64_t *out)
{
	const char *s = conf_ttext(x, i);
	int n = conf_tlen(x, i), k = 0, neg = 0;
	int64_t v = 0;

	if (x->t[i].type == JSMN_STRING) {
		for (k = 0; k < n; k++)
			if (s[k] < '0' || s[k] > '9')
				break;
		if (n == 0 || k < n || (n > 1 && s[0] == '0')) {
			conf_say(x->path, conf_line(x, i), "%s: must be a number, got \"%.*s\"", kp,
			    CONF_SHOWN(x, i));
			return -1;
		}
	} else if (x->t[i].type != JSMN_PRIMITIVE || !(s[0] == '-' || (s[0] >= '0' && s[0] <= '9'))) {
		conf_say(x->path, conf_line(x, i), "%s: must be a number", kp);
		return -1;
	}
	k = 0;
	if (s[0] == '-') {
		neg = 1;
		k = 1;
	}
	for (; k < n && s[k] >= '0' && s[k] <= '9'; k++)
		if (v <= INT64_MAX / 100)	/* beyond that, out of every range anyway */
			v = v * 10 + (s[k] - '0');
	if (k < n) {
		conf_say(x->path, conf_line(x, i), "%s: must be a whole number, got %.*s", kp,
		    CONF_SHOWN(x, i));
		return -1;
	}
	if (neg)
		v = -v;
	if (v < lo || v > hi) {
		conf_say(x->path, conf_line(x, i), "%s: must be %lld..%lld, got %.*s", kp,
		    (long long)lo, (long long)hi, CONF_SHOWN(x, i));
		return -1;
	}
	*out = v;
	return 0;
}

static int conf_size(const struct conf_cx *x, int i, const char *kp, int64_t lo, int64_t hi,
    size_t *out)
{
	int64_t v;

	if (conf_int(x, i, kp, lo, hi, &v) < 0)
		return -1;
	*out = (size_t)v;
	return 0;
}

/* ---- checks on names ----------------------------------------------------- */

/* Region names as AWS writes them: us-east-1, cn-north-1, us-gov-west-1. */
static int conf_region_ok(const char *s, size_t n)
{
	size_t i;

	if (n < 1 || n > 31)
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return 0;
	return 1;
}

/* Stream names: 1..max of [a-zA-Z0-9_.-] (CreateDeliveryStream: 64,
 * CreateStream: 128). */
static int conf_stream_ok(const char *s, size_t max)
{
	size_t i, n = strlen(s);

	if (n < 1 || n > max)
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '_' || s[i] == '.' || s[i] == '-'))
			return 0;
	return 1;
}

/* The region in an AWS Firehose host name (firehose.<region>.amazonaws.com,
 * .amazonaws.com.cn, firehose-fips.<region>...), copied into out; 0 if the
 * host is not one. */
static int conf_region_of_host(const char *host, char *out, size_t cap)
{
	static const char *const prefixes[] = { "firehose.", "firehose-fips.", "kinesis.", "kinesis-fips." };
	static const char *const suffixes[] = { ".amazonaws.com", ".amazonaws.com.cn" };
	size_t hl = strlen(host), p, s;

	for (p = 0; p < 4; p++) {
		size_t pl = strlen(prefixes[p]);
		if (strncmp(host, prefixes[p], pl) != 0)
			continue;
		for (s = 0; s < 2; s++) {
			size_t sl = strlen(suffixes[s]);
			if (hl <= pl + sl || strcmp(host + hl - sl, suffixes[s]) != 0)
				continue;
			if (!conf_region_ok(host + pl, hl - pl - sl) || hl - pl - sl >= cap)
				continue;
			memcpy(out, host + pl, hl - pl - sl);
			out[hl - pl - sl] = 0;
			return 1;
		}
	}
	return 0;
}

static int conf_host_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
	    ch == '-' || ch == '.' || ch == '_';
}

/* https://host[:port], http://host[:port] or host[:port] (https), an IPv6
 * address in brackets, at most a trailing "/".  Returns NULL or what is wrong. */
static const char *conf_parse_endpoint(const char *s, struct conf_endpoint *ep)
{
	const char *host, *hend, *rest;
	size_t n;
	long port = -1;

	ep->tls = 1;
	if (strncmp(s, "https://", 8) == 0) {
		s += 8;
	} else if (strncmp(s, "http://", 7) == 0) {
		ep->tls = 0;
		s += 7;
	} else if (strstr(s, "://")) {
		return "unsupported scheme (https:// or http://)";
	}
	n = strlen(s);
	if (n > 0 && s[n - 1] == '/')
		n--;
	if (memchr(s, '@', n))
		return "must not contain user info";
	if (memchr(s, '/', n))
		return "must not contain a path";
	if (memchr(s, '?', n) || memchr(s, '#', n))
		return "must not contain a query";
	if (n == 0)
		return "empty host";
	if (s[0] == '[') {
		char a6[64];
		unsigned char bin[16];
		host = s + 1;
		if (!(hend = memchr(host, ']', n - 1)))
			return "missing ] after an IPv6 address";
		if ((size_t)(hend - host) >= sizeof a6 || hend == host)
			return "invalid IPv6 address";
		memcpy(a6, host, hend - host);
		a6[hend - host] = 0;
		if (inet_pton(AF_INET6, a6, bin) != 1)
			return "invalid IPv6 address";
		rest = hend + 1;
	} else {
		host = s;
		for (hend = s; hend < s + n && *hend != ':'; hend++)
			if (!conf_host_char(*hend))
				return "invalid host name";
		if (hend == host)
			return "empty host";
		rest = hend;
	}
	if (rest < s + n) {
		const char *p;
		if (*rest != ':')
			return "invalid host name";
		port = 0;
		for (p = rest + 1; p < s + n; p++) {
			if (*p < '0' || *p > '9')
				return *p == ':' ? "an IPv6 address must be in brackets" : "invalid port";
			if (port <= 65535)
				port = port * 10 + (*p - '0');
		}
		if (p == rest + 1)
			return "empty port";
		if (port < 1 || port > 65535)
			return "port must be 1..65535";
	}
	if ((size_t)(hend - host) >= sizeof ep->host)
		return "host name too long";
	memcpy(ep->host, host, hend - host);
	ep->host[hend - host] = 0;
	ep->port = port > 0 ? (unsigned)port : ep->tls ? 443 : 80;
	return NULL;
}

/* ---- keys ---------------------------------------------------------------- */

/* Warns about a key kagent does not use; once per name for the Java agent's. */
static void conf_ignore(struct conf_cx *x, int key, enum conf_scope scope, const char *kp)
{
	size_t k;

	for (k = 0; k < sizeof conf_ignored / sizeof conf_ignored[0]; k++) {
		if (conf_ignored[k].scope != scope || !json_eq(x->js, &x->t[key], conf_ignored[k].key))
			continue;
		if (!(x->warned & (1ull << k)))
			conf_say(x->path, conf_line(x, key), "%s: %s", kp, conf_ignored[k].why);
		x->warned |= 1ull << k;
		return;
	}
	conf_say(x->path, conf_line(x, key), "%s: unknown key, ignored", kp);
}

/* Jackson keeps the last of two equal keys without a word; a second value
 * is almost always a mistake, so it is an error here. */
static int conf_dup(const struct conf_cx *x, int obj, int key, const char *kp)
{
	int j = obj + 1;

	for (; j < key; j = json_skip(x->t, j + 1))
		if (conf_tlen(x, j) == conf_tlen(x, key) &&
		    memcmp(conf_ttext(x, j), conf_ttext(x, key), conf_tlen(x, key)) == 0) {
			conf_say(x->path, conf_line(x, key), "%s: duplicate key (first on line %d)", kp,
			    conf_line(x, j));
			return -1;
		}
	return 0;
}

/* ---- processors ---------------------------------------------------------- */

/* One entry of dataProcessingOptions while its processor reads its options. */
struct conf_opts {
	struct conf_cx *x;
	int obj;		/* the entry's object token */
	char pfx[96];		/* "flows[0].dataProcessingOptions[1]" */
	uint64_t asked;		/* keys (by index in the object) a getter looked at */
};

/* The value token of key in the entry, or -1; remembers the key was asked for. */
static int conf_opt_find(struct conf_opts *o, const char *key, char *kp, size_t cap)
{
	const struct conf_cx *x = o->x;
	int j = o->obj + 1;

	snprintf(kp, cap, "%s.%s", o->pfx, key);
	for (int k = 0; k < x->t[o->obj].size; k++, j = json_skip(x->t, j + 1))
		if (json_eq(x->js, &x->t[j], key)) {
			if (k < 64)
				o->asked |= 1ull << k;
			return j + 1;
		}
	return -1;
}

int conf_opt_string(struct conf_opts *o, const char *key, const char **out)
{
	char kp[160];
	int v = conf_opt_find(o, key, kp, sizeof kp);

	if (v < 0)
		return 0;
	return (*out = conf_string(o->x, v, kp)) ? 1 : -1;
}

int conf_opt_strings(struct conf_opts *o, const char *key, const char *const **out, size_t *n)
{
	const struct conf_cx *x = o->x;
	char kp[160], ekp[180];
	int v = conf_opt_find(o, key, kp, sizeof kp), j, k;
	const char **a;

	if (v < 0)
		return 0;
	if (x->t[v].type != JSMN_ARRAY) {
		conf_say(x->path, conf_line(x, v), "%s: must be an array of strings", kp);
		return -1;
	}
	a = arena_alloc(((size_t)x->t[v].size + 1) * sizeof *a);
	for (k = 0, j = v + 1; k < x->t[v].size; k++, j = json_skip(x->t, j)) {
		snprintf(ekp, sizeof ekp, "%s[%d]", kp, k);
		if (!(a[k] = conf_string(x, j, ekp)))
			return -1;
	}
	*out = a;
	*n = (size_t)x->t[v].size;
	return 1;
}

int conf_opt_int(struct conf_opts *o, const char *key, int64_t lo, int64_t hi, int64_t *out)
{
	char kp[160];
	int v = conf_opt_find(o, key, kp, sizeof kp);

	if (v < 0)
		return 0;
	return conf_int(o->x, v, kp, lo, hi, out) < 0 ? -1 : 1;
}

int conf_opt_json(struct conf_opts *o, const char *key, const char **out, size_t *len)
{
	const struct conf_cx *x = o->x;
	char kp[160];
	int v = conf_opt_find(o, key, kp, sizeof kp), in_str = 0;
	const char *s;
	char *d;
	size_t n = 0;

	if (v < 0)
		return 0;
	/* a string token's span excludes its quotes */
	s = x->js + x->t[v].start - (x->t[v].type == JSMN_STRING);
	int end = x->t[v].end + (x->t[v].type == JSMN_STRING);
	d = arena_alloc((size_t)(x->js + end - s) + 1);
	for (; s < x->js + end; s++) {
		if (in_str) {
			d[n++] = *s;
			if (*s == '\\')
				d[n++] = *++s;
			else if (*s == '"')
				in_str = 0;
		} else if (*s == '"') {
			in_str = 1;
			d[n++] = *s;
		} else if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r') {
			d[n++] = *s;
		}
	}
	d[n] = 0;
	*out = d;
	*len = n;
	return 1;
}

int conf_opt_error(struct conf_opts *o, const char *key, const char *fmt, ...)
{
	const struct conf_cx *x = o->x;
	char kp[160], msg[512];
	int v = key ? conf_opt_find(o, key, kp, sizeof kp) : -1;
	va_list ap;

	if (!key)
		snprintf(kp, sizeof kp, "%s", o->pfx);
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	conf_say(x->path, conf_line(x, v >= 0 ? v : o->obj), "%s: %s", kp, msg);
	return -1;
}

/* One entry of a flow's dataProcessingOptions into p. */
static int conf_proc(struct conf_cx *x, int obj, const char *pfx, struct conf_proc *p)
{
	struct conf_opts o = { .x = x, .obj = obj };
	const char *name;
	char why[256], kp[160], dot[100], full[256];
	int v, j, k;

	snprintf(o.pfx, sizeof o.pfx, "%s", pfx);
	if (x->t[obj].type != JSMN_OBJECT) {
		conf_say(x->path, conf_line(x, obj), "%s: must be an object with optionName", pfx);
		return -1;
	}
	if ((v = conf_opt_find(&o, "optionName", kp, sizeof kp)) < 0) {
		conf_say(x->path, conf_line(x, obj), "%s: optionName is required", pfx);
		return -1;
	}
	if (!(name = conf_string(x, v, kp)))
		return -1;
	if (!(p->p = proc_find(name))) {
		proc_why_not(name, why, sizeof why);
		conf_say(x->path, conf_line(x, v), "%s: %s: %s", kp, name, why);
		return -1;
	}
	snprintf(dot, sizeof dot, "%s.", pfx);
	for (k = 0, j = obj + 1; k < x->t[obj].size; k++, j = json_skip(x->t, j + 1)) {
		conf_keypath(x, j, dot, full, sizeof full);
		if (conf_dup(x, obj, j, full) < 0)
			return -1;
	}
	if (p->p->init(&p->state, &o) < 0)
		return -1;
	for (k = 0, j = obj + 1; k < x->t[obj].size; k++, j = json_skip(x->t, j + 1)) {
		if (k < 64 && (o.asked >> k & 1))
			continue;
		conf_keypath(x, j, dot, full, sizeof full);
		conf_say(x->path, conf_line(x, j), "%s: unknown key for %s, ignored", full, name);
	}
	return 0;
}

static int conf_procs(struct conf_cx *x, int arr, const char *flow_pfx, struct conf_flow *f)
{
	char pfx[96];
	int j, k;

	if (x->t[arr].type != JSMN_ARRAY) {
		/* the Java agent ignores a single object here without a word */
		conf_say(x->path, conf_line(x, arr),
		    "%s.dataProcessingOptions: must be an array of processors ([{\"optionName\": ...}])", flow_pfx);
		return -1;
	}
	if (x->t[arr].size > CONF_MAX_PROCS) {
		conf_say(x->path, conf_line(x, arr), "%s.dataProcessingOptions: at most %d processors, got %d",
		    flow_pfx, CONF_MAX_PROCS, x->t[arr].size);
		return -1;
	}
	for (k = 0, j = arr + 1; k < x->t[arr].size; k++, j = json_skip(x->t, j)) {
		snprintf(pfx, sizeof pfx, "%s.dataProcessingOptions[%d]", flow_pfx, k);
		if (conf_proc(x, j, pfx, &f->proc[f->nproc]) < 0)
			return -1;
		f->nproc++;
	}
	return 0;
}

struct conf_opts *conf_opts_parse(const char *json, size_t len)
{
	struct conf_cx *x = arena_alloc(sizeof *x);
	struct conf_opts *o = arena_alloc(sizeof *o);
	jsmn_parser p;
	int n;

	x->path = "test";
	x->js = arena_strndup(json, len);
	x->len = (int)len;
	jsmn_init(&p);
	if ((n = jsmn_parse(&p, x->js, len, NULL, 0)) <= 0)
		return NULL;
	x->t = arena_alloc((size_t)n * sizeof *x->t);
	jsmn_init(&p);
	if ((x->ntok = jsmn_parse(&p, x->js, len, x->t, (unsigned)n)) <= 0 || x->t[0].type != JSMN_OBJECT)
		return NULL;
	o->x = x;
	o->obj = 0;
	snprintf(o->pfx, sizeof o->pfx, "opts");
	return o;
}

/* The checks and defaults that depend on the flow's API. */
static int conf_flow_api(struct conf_cx *x, struct conf_flow *f, const char *pfx, int bytes_tok, int ring_tok,
    int key_tok, int opt_tok, int agg_tok, int rec_tok)
{
	size_t max_batch, ring_min;
	int kin = f->api == API_KINESIS;
	int wrong = kin ? agg_tok : key_tok >= 0 ? key_tok : opt_tok >= 0 ? opt_tok : rec_tok;

	if (wrong >= 0) {
		conf_say(x->path, conf_line(x, wrong), "%s.%.*s: only for a %s flow", pfx,
		    x->t[wrong].end - x->t[wrong].start, x->js + x->t[wrong].start,
		    kin ? "Firehose (deliveryStream)" : "Kinesis (kinesisStream)");
		return -1;
	}
	if (key_tok >= 0 && opt_tok >= 0) {
		conf_say(x->path, conf_line(x, key_tok), "%s.%.*s: excludes partitionKeyOption", pfx,
		    x->t[key_tok].end - x->t[key_tok].start, x->js + x->t[key_tok].start);
		return -1;
	}
	max_batch = kin ? kinesis_max_batch_bytes(f->max_record_bytes) : FIREHOSE_MAX_BATCH_BYTES;
	if (!f->max_buffer_bytes) {
		f->max_buffer_bytes = max_batch;
	} else if (f->max_buffer_bytes > max_batch) {
		conf_say(x->path, conf_line(x, bytes_tok), "%s.maxBufferSizeBytes: must be 1..%zu for a %s flow, got %zu",
		    pfx, max_batch, kin ? "Kinesis" : "Firehose", f->max_buffer_bytes);
		return -1;
	}
	/* the ring holds at least one longest record and a read */
	ring_min = (kin ? f->max_record_bytes : FIREHOSE_MAX_RECORD_BYTES) + 16384;
	if (!f->ring_bytes) {
		f->ring_bytes = ring_min > CONF_RING_DEFAULT ? ring_min : CONF_RING_DEFAULT;
	} else if (f->ring_bytes < ring_min) {
		conf_say(x->path, conf_line(x, ring_tok),
		    "%s.ringSizeBytes: must be at least %zu for records of %zu bytes, got %zu", pfx, ring_min,
		    f->max_record_bytes, f->ring_bytes);
		return -1;
	}
	return 0;
}

static int conf_one_endpoint(struct conf_cx *x, int tok, const char *key, struct conf_endpoint *ep,
    const char **region, int *region_from);

static int conf_flow(struct conf_cx *x, int obj, size_t idx, struct conf_flow *f)
{
	char pfx[32], dot[40], kp[160], ep_kp[160];
	int j, k, v, stream_tok = -1, init_tok = -1, max_tok = -1, pattern_tok = -1;
	int region_tok = -1, ep_tok = -1, ep_kin = 0;
	int bytes_tok = -1, ring_tok = -1, key_tok = -1, agg_tok = -1, rec_tok = -1, opt_tok = -1;
	int64_t n;

	snprintf(pfx, sizeof pfx, "flows[%zu]", idx);
	if (x->t[obj].type != JSMN_OBJECT) {
		conf_say(x->path, conf_line(x, obj), "%s: must be an object", pfx);
		return -1;
	}
	f->initial_position = POS_END_OF_FILE;
	f->max_buffer_age_ms = 60000;
	f->max_buffer_records = FIREHOSE_MAX_BATCH_RECORDS;
	f->max_buffer_bytes = 0;	/* by the API, once known */
	f->max_inflight = 1;
	f->max_record_bytes = KINESIS_MAX_RECORD_BYTES;
	f->key_kind = KINESIS_KEY_RANDOM;
	f->retry_initial_backoff_ms = 100;
	f->retry_max_backoff_ms = 10000;
	f->ring_bytes = 0;		/* by the record limit, once known */
	f->terminator = "\n";
	f->poll_ms = 100;
	f->follow_symlinks = -1;
	f->line = conf_line(x, obj);
	f->file = x->path;
	snprintf(dot, sizeof dot, "%s.", pfx);
	for (k = 0, j = obj + 1; k < x->t[obj].size; k++, j = json_skip(x->t, v)) {
		const char *s;
		v = j + 1;
		conf_keypath(x, j, dot, kp, sizeof kp);
		if (conf_dup(x, obj, j, kp) < 0)
			return -1;
		if (json_eq(x->js, &x->t[j], "filePattern")) {
			const char *why;
			if (!(f->file_pattern = conf_abspath(x, v, kp)))
				return -1;
			if (*(why = glob_check(f->file_pattern))) {
				conf_say(x->path, conf_line(x, v), "%s: %s", kp, why);
				return -1;
			}
			pattern_tok = v;
		} else if (json_eq(x->js, &x->t[j], "deliveryStream") || json_eq(x->js, &x->t[j], "kinesisStream")) {
			int kin = json_eq(x->js, &x->t[j], "kinesisStream");
			if (!(s = conf_string(x, v, kp)))
				return -1;
			if (stream_tok >= 0) {
				conf_say(x->path, conf_line(x, j), "%s: a flow has one destination, %s is already given",
				    kp, f->api == API_KINESIS ? "kinesisStream" : "deliveryStream");
				return -1;
			}
			if (!conf_stream_ok(s, kin ? 128 : 64)) {
				conf_say(x->path, conf_line(x, v),
				    "%s: must be 1..%d characters of a-z A-Z 0-9 _ . -, got \"%.*s\"", kp,
				    kin ? 128 : 64, CONF_SHOWN(x, v));
				return -1;
			}
			f->api = kin ? API_KINESIS : API_FIREHOSE;
			f->stream = s;
			stream_tok = v;
		} else if (json_eq(x->js, &x->t[j], "partitionKeyOption")) {
			if (!(s = conf_string(x, v, kp)))
				return -1;
			if (!strcmp(s, "RANDOM")) {
				f->key_kind = KINESIS_KEY_RANDOM;
			} else if (!strcmp(s, "DETERMINISTIC")) {
				f->key_kind = KINESIS_KEY_DETERMINISTIC;
			} else {
				conf_say(x->path, conf_line(x, v), "%s: must be RANDOM or DETERMINISTIC, got \"%.*s\"",
				    kp, CONF_SHOWN(x, v));
				return -1;
			}
			opt_tok = j;
		} else if (json_eq(x->js, &x->t[j], "partitionKey") || json_eq(x->js, &x->t[j], "partitionKeyField")) {
			int field = json_eq(x->js, &x->t[j], "partitionKeyField");
			if (!(s = conf_nonempty(x, v, kp)))
				return -1;
			if (key_tok >= 0) {
				conf_say(x->path, conf_line(x, j), "%s: partitionKey and partitionKeyField exclude each other", kp);
				return -1;
			}
			if (field ? strlen(s) > KINESIS_MAX_FIELD : !kinesis_key_valid(s, strlen(s))) {
				conf_say(x->path, conf_line(x, v), "%s: %s", kp, field ? "longer than 256 bytes" :
				    "must be 1..256 characters of valid UTF-8");
				return -1;
			}
			f->key_kind = field ? KINESIS_KEY_FIELD : KINESIS_KEY_FIXED;
			f->key_arg = s;
			key_tok = j;
		} else if (json_eq(x->js, &x->t[j], "maxRecordSizeBytes")) {
			if (conf_size(x, v, kp, KINESIS_MAX_RECORD_BYTES, KINESIS_MAX_RECORD_BYTES_LARGE,
			    &f->max_record_bytes) < 0)
				return -1;
			rec_tok = j;
		} else if (json_eq(x->js, &x->t[j], "aggregatedRecordSizeBytes")) {
			if (conf_size(x, v, kp, 0, FIREHOSE_MAX_RECORD_BYTES, &f->aggregate_bytes) < 0)
				return -1;
			agg_tok = j;
		} else if (json_eq(x->js, &x->t[j], "initialPosition")) {
			if (!(s = conf_string(x, v, kp)))
				return -1;
			if (strcmp(s, "START_OF_FILE") == 0) {
				f->initial_position = POS_START_OF_FILE;
			} else if (strcmp(s, "END_OF_FILE") == 0) {
				f->initial_position = POS_END_OF_FILE;
			} else {
				conf_say(x->path, conf_line(x, v),
				    "%s: must be START_OF_FILE or END_OF_FILE, got \"%.*s\"", kp, CONF_SHOWN(x, v));
				return -1;
			}
		} else if (json_eq(x->js, &x->t[j], "maxBufferAgeMillis")) {
			if (conf_int(x, v, kp, 1000, 900000, &f->max_buffer_age_ms) < 0)
				return -1;
		} else if (json_eq(x->js, &x->t[j], "maxBufferSizeRecords")) {
			if (conf_size(x, v, kp, 1, FIREHOSE_MAX_BATCH_RECORDS, &f->max_buffer_records) < 0)
				return -1;
		} else if (json_eq(x->js, &x->t[j], "maxInFlightRequests")) {
			if (conf_size(x, v, kp, 1, CONF_MAX_INFLIGHT, &f->max_inflight) < 0)
				return -1;
		} else if (json_eq(x->js, &x->t[j], "maxBufferSizeBytes")) {
			if (conf_size(x, v, kp, 1, KINESIS_MAX_BATCH_BYTES_LARGE, &f->max_buffer_bytes) < 0)
				return -1;
			bytes_tok = v;
		} else if (json_eq(x->js, &x->t[j], "retryInitialBackoffMillis")) {
			if (conf_int(x, v, kp, 1, 3600000, &f->retry_initial_backoff_ms) < 0)
				return -1;
			init_tok = v;
		} else if (json_eq(x->js, &x->t[j], "retryMaxBackoffMillis")) {
			if (conf_int(x, v, kp, 1, 3600000, &f->retry_max_backoff_ms) < 0)
				return -1;
			max_tok = v;
		} else if (json_eq(x->js, &x->t[j], "multiLineStartPattern")) {
			char err[128];
			if (!(s = conf_nonempty(x, v, kp)))
				return -1;
			if (!(f->multiline = rx_compile(s, strlen(s), err, sizeof err))) {
				conf_say(x->path, conf_line(x, v), "%s: %s", kp, err);
				return -1;
			}
		} else if (json_eq(x->js, &x->t[j], "fileFooterPattern")) {
			char err[128];
			if (!(s = conf_nonempty(x, v, kp)))
				return -1;
			if (!(f->footer = rx_compile(s, strlen(s), err, sizeof err))) {
				conf_say(x->path, conf_line(x, v), "%s: %s", kp, err);
				return -1;
			}
		} else if (json_eq(x->js, &x->t[j], "minTimeBetweenFilePollsMillis")) {
			if (conf_int(x, v, kp, 1, 600000, &f->poll_ms) < 0)
				return -1;
		} else if (json_eq(x->js, &x->t[j], "truncatedRecordTerminator")) {
			if (!(s = conf_nonempty(x, v, kp)))
				return -1;
			if (strlen(s) > 64) {
				conf_say(x->path, conf_line(x, v), "%s: at most 64 bytes", kp);
				return -1;
			}
			f->terminator = s;
		} else if (json_eq(x->js, &x->t[j], "fifoOverflow")) {
			if (!(s = conf_string(x, v, kp)))
				return -1;
			if (strcmp(s, "drop") && strcmp(s, "block")) {
				conf_say(x->path, conf_line(x, v), "%s: must be \"block\" or \"drop\", got \"%.*s\"",
				    kp, CONF_SHOWN(x, v));
				return -1;
			}
			f->fifo_drop = !strcmp(s, "drop");
		} else if (json_eq(x->js, &x->t[j], "followSymlinks")) {
			int len = x->t[v].end - x->t[v].start;
			s = x->js + x->t[v].start;
			if (x->t[v].type != JSMN_PRIMITIVE ||
			    !((len == 4 && !memcmp(s, "true", 4)) || (len == 5 && !memcmp(s, "false", 5)))) {
				conf_say(x->path, conf_line(x, v), "%s: must be true or false", kp);
				return -1;
			}
			f->follow_symlinks = len == 4;
		} else if (json_eq(x->js, &x->t[j], "skipHeaderLines")) {
			if (conf_int(x, v, kp, 0, 1000000, &n) < 0)
				return -1;
			f->skip_header_lines = (unsigned)n;
		} else if (json_eq(x->js, &x->t[j], "dataProcessingOptions")) {
			if (conf_procs(x, v, pfx, f) < 0)
				return -1;
		} else if (json_eq(x->js, &x->t[j], "ringSizeBytes")) {
			if (conf_int(x, v, kp, CONF_RING_MIN, CONF_RING_MAX, &n) < 0)
				return -1;
			f->ring_bytes = (size_t)n;
			ring_tok = v;
		} else if (json_eq(x->js, &x->t[j], "awsRegion")) {
			if (!(s = conf_string(x, v, kp)))
				return -1;
			if (!conf_region_ok(s, strlen(s))) {
				conf_say(x->path, conf_line(x, v),
				    "%s: must be a region name such as us-east-1, got \"%.*s\"", kp, CONF_SHOWN(x, v));
				return -1;
			}
			f->region = s;
			f->own_region = 1;
			region_tok = v;
		} else if (json_eq(x->js, &x->t[j], "firehose.endpoint") ||
			   json_eq(x->js, &x->t[j], "kinesis.endpoint")) {
			ep_kin = json_eq(x->js, &x->t[j], "kinesis.endpoint");
			ep_tok = v;
			snprintf(ep_kp, sizeof ep_kp, "%s", kp);
		} else {
			conf_ignore(x, j, CONF_FLOW, kp);
		}
	}
	if (pattern_tok < 0) {
		conf_say(x->path, f->line, "%s: filePattern is required", pfx);
		return -1;
	}
	if (stream_tok < 0) {
		conf_say(x->path, f->line, "%s: deliveryStream (Firehose) or kinesisStream is required", pfx);
		return -1;
	}
	if (conf_flow_api(x, f, pfx, bytes_tok, ring_tok, key_tok, opt_tok, agg_tok, rec_tok) < 0)
		return -1;
	if (ep_tok >= 0 && ep_kin != (f->api == API_KINESIS)) {
		conf_say(x->path, conf_line(x, ep_tok), "%s: this flow sends to %s: give %s", ep_kp,
		    ep_kin ? "Firehose" : "Kinesis", ep_kin ? "firehose.endpoint" : "kinesis.endpoint");
		return -1;
	}
	/* the flow's own endpoint may name its region; the rest settles once
	 * the top level is known (conf_flow_endpoints) */
	if (conf_one_endpoint(x, ep_tok, ep_kp, &f->ep, &f->region, &region_tok) < 0)
		return -1;
	if (f->retry_max_backoff_ms < f->retry_initial_backoff_ms) {
		if (max_tok >= 0)
			conf_say(x->path, conf_line(x, max_tok),
			    "%s.retryMaxBackoffMillis: must be at least retryInitialBackoffMillis (%lld), got %lld",
			    pfx, (long long)f->retry_initial_backoff_ms, (long long)f->retry_max_backoff_ms);
		else
			conf_say(x->path, conf_line(x, init_tok),
			    "%s.retryInitialBackoffMillis: must be at most retryMaxBackoffMillis (%lld), got %lld",
			    pfx, (long long)f->retry_max_backoff_ms, (long long)f->retry_initial_backoff_ms);
		return -1;
	}
	return 0;
}

static int conf_flows(struct conf_cx *x, int arr)
{
	struct conf *c = x->c;
	int j, k;
	size_t a;

	if (x->t[arr].type != JSMN_ARRAY) {
		conf_say(x->path, conf_line(x, arr), "flows: must be an array");
		return -1;
	}
	if (x->t[arr].size == 0) {
		conf_say(x->path, conf_line(x, arr), "flows: must not be empty");
		return -1;
	}
	if (c->nflows + (size_t)x->t[arr].size > CONF_MAX_FLOWS) {
		conf_say(x->path, conf_line(x, arr), "flows: at most %d flows in all, got %zu", CONF_MAX_FLOWS,
		    c->nflows + (size_t)x->t[arr].size);
		return -1;
	}
	for (k = 0, j = arr + 1; k < x->t[arr].size; k++, j = json_skip(x->t, j)) {
		struct conf_flow *f = &c->flows[c->nflows];
		if (conf_flow(x, j, (size_t)k, f) < 0)
			return -1;
		/* The Java agent refuses two flows with one id (file and destination). */
		for (a = 0; a < c->nflows; a++)
			if (strcmp(c->flows[a].file_pattern, f->file_pattern) == 0 &&
			    strcmp(c->flows[a].stream, f->stream) == 0 && c->flows[a].api == f->api) {
				conf_say(x->path, f->line, "flows[%d]: same filePattern and %s as %s:%d", k,
				    f->api == API_KINESIS ? "kinesisStream" : "deliveryStream", c->flows[a].file,
				    c->flows[a].line);
				return -1;
			}
		c->nflows++;
	}
	return 0;
}

/* An environment variable, copied (a later setenv may free it); NULL if unset or empty. */
static const char *conf_env(const char *name)
{
	const char *v = getenv(name);

	return v && *v ? arena_strndup(v, strlen(v)) : NULL;
}

static int conf_env_credential(const struct conf_cx *x, const char *name, const char *v)
{
	const char *p;

	for (p = v; *p; p++)
		if (*p <= ' ' || *p > '~') {
			conf_say(x->path, 0, "%s (environment): must be printable ASCII without spaces", name);
			return -1;
		}
	return 0;
}

static int conf_credentials(struct conf_cx *x, int id_tok, int secret_tok, int token_tok)
{
	struct conf *c = x->c;

	if (id_tok >= 0 && secret_tok < 0) {
		conf_say(x->path, conf_line(x, id_tok), "awsAccessKeyId: given without awsSecretAccessKey");
		return -1;
	}
	if (secret_tok >= 0 && id_tok < 0) {
		conf_say(x->path, conf_line(x, secret_tok),
		    "awsSecretAccessKey: given without awsAccessKeyId");
		return -1;
	}
	if (token_tok >= 0 && id_tok < 0) {
		conf_say(x->path, conf_line(x, token_tok),
		    "awsSessionToken: given without awsAccessKeyId and awsSecretAccessKey");
		return -1;
	}
	if (id_tok >= 0) {
		c->creds_source = "file";
		return 0;
	}
	/* The file says nothing: the environment, as every AWS SDK reads it.
	 * Never the instance metadata service: kagent runs on devices, not EC2. */
	c->access_key_id = conf_env("AWS_ACCESS_KEY_ID");
	c->secret_access_key = conf_env("AWS_SECRET_ACCESS_KEY");
	if (c->access_key_id && !c->secret_access_key) {
		conf_say(x->path, 0, "AWS_ACCESS_KEY_ID is set in the environment without AWS_SECRET_ACCESS_KEY");
		return -1;
	}
	if (c->secret_access_key && !c->access_key_id) {
		conf_say(x->path, 0, "AWS_SECRET_ACCESS_KEY is set in the environment without AWS_ACCESS_KEY_ID");
		return -1;
	}
	if (!c->access_key_id) {
		c->creds_source = "none";
		return 0;
	}
	c->session_token = conf_env("AWS_SESSION_TOKEN");
	if (conf_env_credential(x, "AWS_ACCESS_KEY_ID", c->access_key_id) < 0 ||
	    conf_env_credential(x, "AWS_SECRET_ACCESS_KEY", c->secret_access_key) < 0 ||
	    (c->session_token && conf_env_credential(x, "AWS_SESSION_TOKEN", c->session_token) < 0))
		return -1;
	c->creds_source = "environment";
	return 0;
}

/* An endpoint key: "" (the Java agent's stock agent.json has
 * "firehose.endpoint": "") means the default.  Its host may name the region. */
static int conf_one_endpoint(struct conf_cx *x, int tok, const char *key, struct conf_endpoint *ep,
    const char **region, int *region_from)
{
	char derived[32];
	const char *why, *s;

	if (tok < 0)
		return 0;
	if (!(s = conf_string(x, tok, key)))
		return -1;
	if (!*s)
		return 0;
	if ((why = conf_parse_endpoint(s, ep))) {
		conf_say(x->path, conf_line(x, tok), "%s: %s, got \"%.*s\"", key, why, CONF_SHOWN(x, tok));
		return -1;
	}
	if (!conf_region_of_host(ep->host, derived, sizeof derived))
		return 0;
	if (!*region) {
		*region = arena_strndup(derived, strlen(derived));
		*region_from = tok;
	} else if (strcmp(*region, derived) != 0) {
		const jsmntok_t *k = &x->t[*region_from - 1];	/* the key the region came from */
		conf_say(x->path, conf_line(x, *region_from), "%.*s: \"%s\" does not match %s's region \"%s\"",
		    k->end - k->start, x->js + k->start, *region, key, derived);
		return -1;
	}
	return 0;
}

static void conf_default_endpoint(struct conf_endpoint *ep, const char *service, const char *region)
{
	if (ep->host[0])
		return;
	ep->tls = 1;
	ep->port = 443;
	snprintf(ep->host, sizeof ep->host, "%s.%s.amazonaws.com%s", service, region,
	    strncmp(region, "cn-", 3) == 0 ? ".cn" : "");
}

/* Region and endpoints settle each other: an explicit awsRegion wins, else an
 * AWS endpoint host names it, else us-east-1 (the Java agent's default). */
static int conf_endpoints(struct conf_cx *x, int region_tok, int fh_tok, int kin_tok)
{
	struct conf *c = x->c;
	int from = region_tok;

	if (conf_one_endpoint(x, fh_tok, "firehose.endpoint", &c->firehose, &c->region, &from) < 0 ||
	    conf_one_endpoint(x, kin_tok, "kinesis.endpoint", &c->kinesis, &c->region, &from) < 0)
		return -1;
	if (!c->region)
		c->region = CONF_DEFAULT_REGION;
	conf_default_endpoint(&c->firehose, "firehose", c->region);
	conf_default_endpoint(&c->kinesis, "kinesis", c->region);
	return 0;
}

/* Each flow's region and endpoint: its own, else AWS's endpoint for its own
 * region, else the top level's. */
static void conf_flow_endpoints(struct conf *c)
{
	for (size_t i = 0; i < c->nflows; i++) {
		struct conf_flow *f = &c->flows[i];
		int kin = f->api == API_KINESIS;
		if (!f->region)
			f->region = c->region;
		if (!f->ep.host[0] && !f->own_region)
			f->ep = kin ? c->kinesis : c->firehose;
		conf_default_endpoint(&f->ep, kin ? "kinesis" : "firehose", f->region);
	}
}

/* proxy, else https_proxy / HTTPS_PROXY: http://[user:password@]host[:port]
 * (an HTTP proxy that takes CONNECT; port 3128 by default).  The
 * credentials become a Proxy-Authorization header. */
static int conf_proxy(struct conf_cx *x, int tok)
{
	struct conf *c = x->c;
	const char *s = NULL, *at, *why, *from = "https_proxy", *np;
	char hostpart[300], raw[190];
	size_t n, k = 0;

	if (tok >= 0 && !(s = conf_string(x, tok, "proxy")))
		return -1;
	if (tok < 0) {
		if (!(s = getenv("https_proxy")) || !*s) {
			s = getenv("HTTPS_PROXY");
			from = "HTTPS_PROXY";
		}
		if ((np = getenv("no_proxy")) == NULL || !*np)
			np = getenv("NO_PROXY");
		if (np && *np)
			c->no_proxy = arena_strndup(np, strlen(np));	/* the environment may change */
	}
	if (!s || !*s)
		return 0;
	if (strncasecmp(s, "http://", 7) != 0) {
		why = strstr(s, "://") ? "only an http:// proxy (it is sent CONNECT) is supported" :
		    "must start with http://";
		goto bad;
	}
	s += 7;
	n = strcspn(s, "/?#");
	if ((at = memchr(s, '@', n))) {
		/* user:password, %XX-decoded as in a URL */
		for (const char *p = s; p < at; p++) {
			unsigned v;
			if (k + 1 >= sizeof raw) {
				why = "user:password too long";
				goto bad;
			}
			if (*p == '%' && at - p > 2 && sscanf(p + 1, "%2x", &v) == 1 && isxdigit((unsigned char)p[1]) &&
			    isxdigit((unsigned char)p[2])) {
				raw[k++] = (char)v;
				p += 2;
			} else {
				raw[k++] = *p;
			}
		}
		if (k == 0 || b64_len(k) + 7 > sizeof c->proxy_auth) {
			why = k ? "user:password too long" : "empty user:password before '@'";
			goto bad;
		}
		strcpy(c->proxy_auth, "Basic ");
		b64_encode(raw, k, c->proxy_auth + 6);
		c->proxy_auth[6 + b64_len(k)] = 0;
		s = at + 1;
	}
	snprintf(hostpart, sizeof hostpart, "http://%s", s);
	why = strlen(s) >= 256 ? "host too long" : conf_parse_endpoint(hostpart, &c->proxy);
	if (why)
		goto bad;
	if (!strchr(s[0] == '[' && strchr(s, ']') ? strchr(s, ']') : s, ':'))
		c->proxy.port = 3128;
	return 0;
bad:
	if (tok >= 0)
		conf_say(x->path, conf_line(x, tok), "proxy: %s", why);
	else
		conf_say(x->path, 0, "%s (environment): %s", from, why);
	return -1;
}

/* A duration: milliseconds, or a number with s, m or h ("5m"), as the Go
 * Kinesis plugins take SEND_FAILURE_TIMEOUT. */
static int conf_duration(struct conf_cx *x, int tok, const char *kp, int64_t *out)
{
	const char *s;
	char *end;
	long long n;

	if (x->t[tok].type == JSMN_PRIMITIVE)
		return conf_int(x, tok, kp, 0, 7 * 86400000LL, out);
	if (x->t[tok].type != JSMN_STRING) {
		conf_say(x->path, conf_line(x, tok), "%s: must be milliseconds or a duration string", kp);
		return -1;
	}
	if (!(s = conf_string(x, tok, kp)))
		return -1;
	n = *s >= '0' && *s <= '9' ? strtoll(s, &end, 10) : -1;
	if (n < 0 || !(end[0] && !end[1] && strchr("smh", end[0]))) {
		conf_say(x->path, conf_line(x, tok), "%s: must be milliseconds or a duration such as \"300s\", \"5m\", "
		    "\"1h\", got \"%.*s\"", kp, CONF_SHOWN(x, tok));
		return -1;
	}
	if (n > 7 * 86400 || (*out = n * (end[0] == 's' ? 1000 : end[0] == 'm' ? 60000 : 3600000)) > 7 * 86400000LL) {
		conf_say(x->path, conf_line(x, tok), "%s: at most a week", kp);
		return -1;
	}
	return 0;
}

/* Reads path into x (comments stripped, tokens parsed, an object at the top). */
static int conf_open(struct conf_cx *x, const char *path)
{
	char *buf;
	int len = 0, bad;

	x->path = path;
	if (!(buf = conf_readfile(path, &len)))
		return -1;
	x->js = buf;
	x->len = len;
	if (memchr(buf, 0, len))
		return conf_syntax_error(x, (int)((char *)memchr(buf, 0, len) - buf));
	if (conf_strip_comments(buf, len, &bad) < 0) {
		conf_say(path, json_line(buf, bad), "unterminated comment");
		return -1;
	}
	if (conf_parse(x) < 0)
		return -1;
	if (x->t[0].type != JSMN_OBJECT) {
		conf_say(path, conf_line(x, 0), "the top level must be an object");
		return -1;
	}
	return 0;
}

static int conf_by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* configDir: every *.json in it, in name order, holds {"flows": [...]}
 * merged into the main file's flows (as the Java agent's agent.d/), each
 * error naming its own file and line. */
static int conf_dropins(struct conf_cx *main, int tok)
{
	char *names[64];
	size_t n = 0, i;
	const char *dir;
	struct dirent *d;
	DIR *dp;

	if (!(dir = conf_abspath(main, tok, "configDir")))
		return -1;
	if (!(dp = opendir(dir))) {
		conf_say(main->path, conf_line(main, tok), "configDir: %s: %s", dir, strerror(errno));
		return -1;
	}
	while ((d = readdir(dp))) {
		size_t len = strlen(d->d_name);
		if (d->d_name[0] == '.' || len < 6 || strcmp(d->d_name + len - 5, ".json") != 0)
			continue;
		if (n == sizeof names / sizeof *names) {
			closedir(dp);
			conf_say(main->path, conf_line(main, tok), "configDir: more than %zu .json files in %s",
			    sizeof names / sizeof *names, dir);
			return -1;
		}
		names[n] = arena_alloc(strlen(dir) + len + 2);
		sprintf(names[n++], "%s/%s", dir, d->d_name);
	}
	closedir(dp);
	qsort(names, n, sizeof *names, conf_by_name);
	for (i = 0; i < n; i++) {
		struct conf_cx x = { .c = main->c };
		int j, k, v, flows = -1;
		char kp[160];
		if (conf_open(&x, names[i]) < 0)
			return -1;
		for (k = 0, j = 1; k < x.t[0].size; k++, j = json_skip(x.t, v)) {
			v = j + 1;
			conf_keypath(&x, j, "", kp, sizeof kp);
			if (conf_dup(&x, 0, j, kp) < 0)
				return -1;
			if (!json_eq(x.js, &x.t[j], "flows")) {
				conf_say(x.path, conf_line(&x, j), "%s: a configDir file holds only flows", kp);
				return -1;
			}
			flows = v;
		}
		if (flows < 0) {
			conf_say(x.path, conf_line(&x, 0), "flows is required");
			return -1;
		}
		if (conf_flows(&x, flows) < 0)
			return -1;
	}
	return 0;
}

int conf_load(struct conf *c, const char *path)
{
	struct conf_cx x;
	char kp[160];
	int j, k, v;
	int id_tok = -1, secret_tok = -1, token_tok = -1, region_tok = -1, ep_tok = -1, flows_tok = -1;
	int kin_tok = -1, proxy_tok = -1, dir_tok = -1;
	const char *s;

	memset(c, 0, sizeof *c);
	memset(&x, 0, sizeof x);
	c->path = path;
	c->checkpoint_file = CONF_DEFAULT_CHECKPOINTS;
	c->ca_file = CONF_DEFAULT_CA_FILE;
	c->checkpoint_interval_ms = 1000;
	c->creds_source = "none";
	c->resolv_conf = "/etc/resolv.conf";
	c->connect_timeout_ms = 10000;
	c->handshake_timeout_ms = 10000;
	c->socket_timeout_ms = 30000;
	c->idle_timeout_ms = 50000;
	c->shutdown_timeout_ms = 5000;
	x.c = c;
	if (conf_open(&x, path) < 0)
		return -1;
	for (k = 0, j = 1; k < x.t[0].size; k++, j = json_skip(x.t, v)) {
		v = j + 1;
		conf_keypath(&x, j, "", kp, sizeof kp);
		if (conf_dup(&x, 0, j, kp) < 0)
			return -1;
		if (json_eq(x.js, &x.t[j], "awsAccessKeyId")) {
			if (!(c->access_key_id = conf_credential(&x, v, kp)))
				return -1;
			id_tok = v;
		} else if (json_eq(x.js, &x.t[j], "awsSecretAccessKey")) {
			if (!(c->secret_access_key = conf_credential(&x, v, kp)))
				return -1;
			secret_tok = v;
		} else if (json_eq(x.js, &x.t[j], "awsSessionToken")) {
			if (!(c->session_token = conf_credential(&x, v, kp)))
				return -1;
			token_tok = v;
		} else if (json_eq(x.js, &x.t[j], "awsRegion")) {
			if (!(s = conf_string(&x, v, kp)))
				return -1;
			if (!conf_region_ok(s, strlen(s))) {
				conf_say(path, conf_line(&x, v),
				    "%s: must be a region name such as us-east-1, got \"%.*s\"", kp,
				    CONF_SHOWN(&x, v));
				return -1;
			}
			c->region = s;
			region_tok = v;
		} else if (json_eq(x.js, &x.t[j], "firehose.endpoint")) {
			ep_tok = v;
		} else if (json_eq(x.js, &x.t[j], "kinesis.endpoint")) {
			kin_tok = v;
		} else if (json_eq(x.js, &x.t[j], "proxy")) {
			proxy_tok = v;
		} else if (json_eq(x.js, &x.t[j], "resolvConf")) {
			if (!(c->resolv_conf = conf_abspath(&x, v, kp)))
				return -1;
		} else if (json_eq(x.js, &x.t[j], "connectionTimeoutMillis")) {
			if (conf_int(&x, v, kp, 100, 600000, &c->connect_timeout_ms) < 0)
				return -1;
		} else if (json_eq(x.js, &x.t[j], "tlsHandshakeTimeoutMillis")) {
			if (conf_int(&x, v, kp, 100, 600000, &c->handshake_timeout_ms) < 0)
				return -1;
		} else if (json_eq(x.js, &x.t[j], "socketTimeoutMillis")) {
			if (conf_int(&x, v, kp, 100, 600000, &c->socket_timeout_ms) < 0)
				return -1;
		} else if (json_eq(x.js, &x.t[j], "idleTimeoutMillis")) {
			if (conf_int(&x, v, kp, 1000, 3600000, &c->idle_timeout_ms) < 0)
				return -1;
		} else if (json_eq(x.js, &x.t[j], "shutdownTimeoutMillis")) {
			if (conf_int(&x, v, kp, 0, 600000, &c->shutdown_timeout_ms) < 0)
				return -1;
		} else if (json_eq(x.js, &x.t[j], "sendFailureTimeout")) {
			if (conf_duration(&x, v, kp, &c->send_failure_timeout_ms) < 0)
				return -1;
		} else if (json_eq(x.js, &x.t[j], "checkpointFile")) {
			if (!(c->checkpoint_file = conf_abspath(&x, v, kp)))
				return -1;
		} else if (json_eq(x.js, &x.t[j], "caFile")) {
			if (!(c->ca_file = conf_abspath(&x, v, kp)))
				return -1;
		} else if (json_eq(x.js, &x.t[j], "checkpointIntervalMillis")) {
			if (conf_int(&x, v, kp, 0, 3600000, &c->checkpoint_interval_ms) < 0)
				return -1;
		} else if (json_eq(x.js, &x.t[j], "flows")) {
			if (conf_flows(&x, v) < 0)
				return -1;
			flows_tok = v;
		} else if (json_eq(x.js, &x.t[j], "configDir")) {
			dir_tok = v;
		} else {
			conf_ignore(&x, j, CONF_TOP, kp);
		}
	}
	/* after the main file's flows: theirs come first */
	if (dir_tok >= 0 && conf_dropins(&x, dir_tok) < 0)
		return -1;
	if (c->nflows == 0) {
		conf_say(path, conf_line(&x, flows_tok < 0 ? 0 : flows_tok),
		    flows_tok < 0 && dir_tok < 0 ? "flows is required" : "no flows: none here, none in configDir");
		return -1;
	}
	if (conf_endpoints(&x, region_tok, ep_tok, kin_tok) < 0 || conf_proxy(&x, proxy_tok) < 0 ||
	    conf_credentials(&x, id_tok, secret_tok, token_tok) < 0)
		return -1;
	conf_flow_endpoints(c);
	return 0;
}

/* ---- printing ------------------------------------------------------------ */

static void conf_print_endpoint(FILE *out, const char *key, const struct conf_endpoint *ep)
{
	int v6 = strchr(ep->host, ':') != NULL;

	fprintf(out, "%s = %s://%s%s%s", key, ep->tls ? "https" : "http", v6 ? "[" : "", ep->host, v6 ? "]" : "");
	if (ep->port != (ep->tls ? 443u : 80u))
		fprintf(out, ":%u", ep->port);
	fputc('\n', out);
}

void conf_print(const struct conf *c, FILE *out)
{
	static const char *const keys[] = { "RANDOM", "DETERMINISTIC", "partitionKey", "partitionKeyField" };
	char key[48];
	size_t i;

	fprintf(out, "config = %s\n", c->path);
	fprintf(out, "awsRegion = %s\n", c->region);
	conf_print_endpoint(out, "firehose.endpoint", &c->firehose);
	conf_print_endpoint(out, "kinesis.endpoint", &c->kinesis);
	if (c->proxy.host[0]) {
		fprintf(out, "proxy = http://%s", c->proxy_auth[0] ? "****@" : "");
		fprintf(out, strchr(c->proxy.host, ':') ? "[%s]:%u\n" : "%s:%u\n", c->proxy.host, c->proxy.port);
	} else {
		fprintf(out, "proxy = (none)\n");
	}
	fprintf(out, "credentials = %s\n", c->creds_source);
	if (c->access_key_id && strlen(c->access_key_id) > 4)
		fprintf(out, "awsAccessKeyId = %.4s****\n", c->access_key_id);
	else
		fprintf(out, "awsAccessKeyId = %s\n", c->access_key_id ? "****" : "(none)");
	fprintf(out, "awsSecretAccessKey = %s\n", c->secret_access_key ? "****" : "(none)");
	fprintf(out, "awsSessionToken = %s\n", c->session_token ? "****" : "(none)");
	fprintf(out, "caFile = %s\n", c->ca_file);
	fprintf(out, "checkpointFile = %s\n", c->checkpoint_file);
	fprintf(out, "checkpointIntervalMillis = %lld\n", (long long)c->checkpoint_interval_ms);
	fprintf(out, "connectionTimeoutMillis = %lld\n", (long long)c->connect_timeout_ms);
	fprintf(out, "tlsHandshakeTimeoutMillis = %lld\n", (long long)c->handshake_timeout_ms);
	fprintf(out, "socketTimeoutMillis = %lld\n", (long long)c->socket_timeout_ms);
	fprintf(out, "idleTimeoutMillis = %lld\n", (long long)c->idle_timeout_ms);
	fprintf(out, "shutdownTimeoutMillis = %lld\n", (long long)c->shutdown_timeout_ms);
	fprintf(out, "sendFailureTimeout = %lld ms%s\n", (long long)c->send_failure_timeout_ms,
	    c->send_failure_timeout_ms ? "" : " (off)");
	for (i = 0; i < c->nflows; i++) {
		const struct conf_flow *f = &c->flows[i];
		int kin = f->api == API_KINESIS;
		fprintf(out, "\nflows[%zu] (line %d)\n", i, f->line);
		fprintf(out, "flows[%zu].filePattern = %s\n", i, f->file_pattern);
		fprintf(out, "flows[%zu].%s = %s\n", i, kin ? "kinesisStream" : "deliveryStream", f->stream);
		fprintf(out, "flows[%zu].awsRegion = %s\n", i, f->region);
		snprintf(key, sizeof key, "flows[%zu].%s.endpoint", i, kin ? "kinesis" : "firehose");
		conf_print_endpoint(out, key, &f->ep);
		if (kin) {
			fprintf(out, "flows[%zu].partitionKey = %s%s%s\n", i, keys[f->key_kind], f->key_arg ? " " : "",
			    f->key_arg ? f->key_arg : "");
			fprintf(out, "flows[%zu].maxRecordSizeBytes = %zu\n", i, f->max_record_bytes);
		} else {
			fprintf(out, "flows[%zu].aggregatedRecordSizeBytes = %zu\n", i, f->aggregate_bytes);
		}
		fprintf(out, "flows[%zu].initialPosition = %s\n", i,
		    f->initial_position == POS_START_OF_FILE ? "START_OF_FILE" : "END_OF_FILE");
		fprintf(out, "flows[%zu].maxBufferAgeMillis = %lld\n", i, (long long)f->max_buffer_age_ms);
		fprintf(out, "flows[%zu].maxBufferSizeRecords = %zu\n", i, f->max_buffer_records);
		fprintf(out, "flows[%zu].maxBufferSizeBytes = %zu\n", i, f->max_buffer_bytes);
		fprintf(out, "flows[%zu].maxInFlightRequests = %zu\n", i, f->max_inflight);
		fprintf(out, "flows[%zu].retryInitialBackoffMillis = %lld\n", i,
		    (long long)f->retry_initial_backoff_ms);
		fprintf(out, "flows[%zu].retryMaxBackoffMillis = %lld\n", i,
		    (long long)f->retry_max_backoff_ms);
		fprintf(out, "flows[%zu].ringSizeBytes = %zu\n", i, f->ring_bytes);
		fprintf(out, "flows[%zu].minTimeBetweenFilePollsMillis = %lld\n", i, (long long)f->poll_ms);
	}
}
