/* HTTP/1.1 response parser (RFC 9112), sans-I/O.
 *
 * The caller pumps bytes in with http_resp_feed() as they come off the socket
 * or out of the TLS engine, in pieces of any size down to one byte.  Lines
 * (status, headers, chunk sizes, trailers) go through r->line a byte at a
 * time; body bytes are copied in runs.  The parser never consumes a byte past
 * the end of the response, so a pipelined or stray next response stays with
 * the caller.
 *
 * Framing, in RFC 9112 section 6.3 order: 1xx, 204 and 304 have no body;
 * Transfer-Encoding ending in "chunked" wins over Content-Length (and then the
 * connection is not reused: such a message is a smuggling hazard); another
 * Transfer-Encoding, or no length at all, means the body ends when the peer
 * closes.
 *
 * An answer costs at most what the bounds in http.h allow: the bytes of the
 * head (interim answers included) and of the body as sent are counted as
 * they are consumed, and so are the interim answers, so a peer that sends
 * forever (headers, chunks, 100 Continue) is cut off after a bounded amount
 * of work, not only when the caller's timer fires. */
#include <stdio.h>
#include <string.h>

#include "addr.h"
#include "civil.h"
#include "find.h"
#include "fmt.h"
#include "hex.h"
#include "http.h"
#include "unaligned.h"

/* More header (or trailer) lines than this is an error: a broken or hostile
 * peer could otherwise keep us parsing forever. */
#define HTTP_MAX_LINES 100

enum {
	ST_STATUS,		/* in the status line */
	ST_HEADER,		/* in a header line */
	ST_HEADER_NEXT,		/* at the start of a line; the last header may still be folded */
	ST_FOLD,		/* leading whitespace of an obs-fold continuation line */
	ST_HEADER_LF,		/* CR of the empty line seen, LF expected */
	ST_BODY_LEN,		/* Content-Length body, remaining bytes to go */
	ST_BODY_CLOSE,		/* body delimited by the peer's close */
	ST_CHUNK_SIZE,		/* in a chunk-size line */
	ST_CHUNK_DATA,		/* in chunk data, remaining bytes to go */
	ST_CHUNK_CR,		/* CRLF after chunk data expected */
	ST_CHUNK_LF,
	ST_TRAILER,		/* in a trailer line (after the last chunk) */
	ST_DONE,
	ST_ERROR
};

static int
fail(struct http_resp *r, const char *why)
{
	r->state = ST_ERROR;
	r->error = why;
	r->keep_alive = 0;
	return HTTP_ERROR;
}

/* The body states: the bytes consumed there count against body_max. */
static int
in_body(int state)
{
	return state >= ST_BODY_LEN && state <= ST_TRAILER;
}

static int
lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

/* 1 if s (n bytes) equals the lower-case word w, ignoring case. */
static int
eq_word(const char *s, size_t n, const char *w)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (w[i] == '\0' || lower((unsigned char)s[i]) != w[i])
			return 0;
	return w[n] == '\0';
}

static int
is_ows(char c)
{
	return c == ' ' || c == '\t';
}

/* Per-response state, reset at the start and after each 1xx response. */
static void
resp_reset(struct http_resp *r)
{
	r->state = ST_STATUS;
	r->reason[0] = '\0';
	r->date[0] = '\0';
	r->date_s = 0;
	r->error_type[0] = '\0';
	r->chunked = r->until_close = r->http10 = 0;
	r->conn_close = r->conn_keep = 0;
	r->remaining = 0;
	r->has_length = 0;
	r->nlines = 0;
	r->skip = 0;
	r->line_len = 0;
}

void
http_resp_init(struct http_resp *r, char *buf, size_t cap)
{
	memset(r, 0, sizeof *r);
	r->body = buf;
	r->body_cap = cap;
	r->body[0] = '\0';
	resp_reset(r);
}

/* Appends c to the line; when the line is full the rest is dropped and
 * r->skip says so. */
static void
line_add(struct http_resp *r, char c)
{
	if (r->line_len < sizeof r->line)
		r->line[r->line_len++] = c;
	else
		r->skip = 1;
}

/* At LF: drops the CR of a CRLF ending. */
static void
line_end(struct http_resp *r)
{
	if (!r->skip && r->line_len > 0 && r->line[r->line_len - 1] == '\r')
		r->line_len--;
}

/* Whether p starts with needle nd (m bytes): a word at a time, the last
 * word the one that ends at m; libc's memcmp is a call and a byte loop,
 * and an answer has a candidate at every quote. */
static int
needle_is(const char *p, const char *nd, size_t m)
{
	const size_t word = sizeof(unsigned long);
	size_t i = 0;

	if (m < word)
		return !memcmp(p, nd, m);
	for (; m - i > word; i += word)
		if (load_word(p + i) != load_word(nd + i))
			return 0;
	return load_word(p + m - word) == load_word(nd + m - word);
}

/* Counts the needles of mask in p[0..n), carrying partial matches over from
 * the last call.  On a mismatch only a needle's first byte can start its
 * next match, as it occurs nowhere else in it but maybe last (then a match's
 * last byte starts the next).  The needles of one pass share their first
 * byte, so while none is partly matched one find_byte skips to the next place
 * any could start, and where all of them would end in this piece they are
 * compared whole: the answer is read once, not once a needle. */
static void
needles_scan(struct http_resp *r, unsigned mask, const char *p, size_t n)
{
	size_t m[HTTP_NEEDLES], longest = 0;
	int lead = -1;

	for (int i = 0; i < HTTP_NEEDLES; i++)
		if (mask >> i & 1) {
			m[i] = strlen(r->needle[i]);
			lead = (unsigned char)r->needle[i][0];
			if (m[i] > longest)
				longest = m[i];
		}
	for (size_t k = 0; k < n; k++) {
		int idle = 1;
		for (int i = 0; i < HTTP_NEEDLES; i++)
			idle &= !(mask >> i & 1) || !r->needle_at[i];
		if (idle) {
			if ((k = find_byte(p, k, n, (char)lead)) == n)
				break;
			/* every needle would end in this piece: each is there
			 * or not, nothing to carry to the next */
			if (n - k >= longest) {
				for (int i = 0; i < HTTP_NEEDLES; i++)
					if (mask >> i & 1 && (m[i] < 2 || p[k + 1] == r->needle[i][1]) &&
					    needle_is(p + k, r->needle[i], m[i]))
						r->needle_count[i]++;
				continue;
			}
		}
		for (int i = 0; i < HTTP_NEEDLES; i++) {
			const char *nd = r->needle[i];
			size_t at = r->needle_at[i];
			if (!(mask >> i & 1))
				continue;
			if (p[k] != nd[at])
				at = 0;
			if (p[k] == nd[at] && ++at == m[i]) {
				r->needle_count[i]++;
				at = m[i] > 1 && nd[m[i] - 1] == nd[0];
			}
			r->needle_at[i] = at;
		}
	}
}

static void
body_put(struct http_resp *r, const char *p, size_t n)
{
	size_t room = r->body_cap - 1 - r->body_len;

	unsigned done = 0;

	for (int i = 0; i < HTTP_NEEDLES; i++) {
		unsigned mask = 0;
		if (!r->needle[i] || !r->needle[i][0] || done >> i & 1)
			continue;
		for (int k = i; k < HTTP_NEEDLES; k++)
			if (r->needle[k] && r->needle[k][0] == r->needle[i][0])
				mask |= 1u << k;
		needles_scan(r, mask, p, n);
		done |= mask;
	}

	if (n > room) {
		n = room;
		r->body_truncated = 1;
	}
	memcpy(r->body + r->body_len, p, n);
	r->body_len += n;
	r->body[r->body_len] = '\0';
}

/* "HTTP/1.x NNN reason"; "HTTP/" was checked as it arrived.  A status line
 * longer than line[] only loses its reason phrase, which is not used. */
static int
status_line(struct http_resp *r)
{
	const char *s = r->line;
	size_t n = r->line_len;
	int i;

	if (n < 12 || s[6] != '.' || s[8] != ' ' ||
	    s[5] < '0' || s[5] > '9' || s[7] < '0' || s[7] > '9')
		return fail(r, "bad status line");
	if (s[5] != '1')
		return fail(r, "unsupported HTTP version");
	if (n > 12 && s[12] != ' ')
		return fail(r, "bad status line");
	r->status = 0;
	for (i = 9; i < 12; i++) {
		if (s[i] < '0' || s[i] > '9')
			return fail(r, "bad status line");
		r->status = r->status * 10 + (s[i] - '0');
	}
	if (r->status < 100 || r->status > 599)
		return fail(r, "bad status code");
	if (r->status == 101)
		return fail(r, "unexpected 101 Switching Protocols");
	if (r->status < 200 && r->interim == HTTP_MAX_INTERIM)
		return fail(r, "too many interim (1xx) answers");
	r->http10 = s[7] == '0';
	for (i = 13; (size_t)i < n && (size_t)i - 13 < sizeof r->reason - 1; i++)
		r->reason[i - 13] = s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?';
	r->reason[i - 13] = '\0';
	return HTTP_MORE;
}

/* Strict decimal: digits only, no sign, no list, no overflow. */
static int
parse_length(const char *v, size_t n, uint64_t *out)
{
	uint64_t x = 0;
	size_t i;

	if (n == 0)
		return -1;
	for (i = 0; i < n; i++) {
		if (v[i] < '0' || v[i] > '9')
			return -1;
		if (x > (UINT64_MAX - (uint64_t)(v[i] - '0')) / 10)
			return -1;
		x = x * 10 + (uint64_t)(v[i] - '0');
	}
	*out = x;
	return 0;
}

static void
copy_value(char *dst, size_t cap, const char *v, size_t n)
{
	if (n > cap - 1)
		n = cap - 1;
	memcpy(dst, v, n);
	dst[n] = '\0';
}

/* Connection: a comma list of tokens. */
static void
connection_tokens(struct http_resp *r, const char *v, size_t n)
{
	size_t i = 0, b, e;

	while (i < n) {
		while (i < n && (is_ows(v[i]) || v[i] == ','))
			i++;
		b = i;
		while (i < n && v[i] != ',')
			i++;
		e = i;
		while (e > b && is_ows(v[e - 1]))
			e--;
		if (eq_word(v + b, e - b, "close"))
			r->conn_close = 1;
		else if (eq_word(v + b, e - b, "keep-alive"))
			r->conn_keep = 1;
	}
}

/* Transfer-Encoding: only the last coding decides the framing. */
static void
transfer_encoding(struct http_resp *r, const char *v, size_t n)
{
	size_t e = n, b;

	while (e > 0 && (is_ows(v[e - 1]) || v[e - 1] == ','))
		e--;
	b = e;
	while (b > 0 && v[b - 1] != ',' && !is_ows(v[b - 1]))
		b--;
	r->chunked = eq_word(v + b, e - b, "chunked") ? 1 : 2;
}

/* One whole (unfolded) header line in r->line. */
static int
header_line(struct http_resp *r)
{
	const char *s = r->line, *v;
	size_t n = r->line_len, name, vn, i;
	uint64_t len;

	for (name = 0; name < n && s[name] != ':'; name++)
		if (is_ows(s[name]) || (unsigned char)s[name] < 0x20)
			return fail(r, "bad header line");
	if (name == n) {
		if (r->skip)
			return HTTP_MORE;	/* an overlong name: not one of ours */
		return fail(r, "bad header line");
	}
	if (name == 0)
		return fail(r, "bad header line");
	v = s + name + 1;
	vn = n - name - 1;
	for (i = 0; i < vn; i++)
		if (v[i] == '\r' || v[i] == '\0')
			return fail(r, "bad header value");
	while (vn > 0 && is_ows(v[0]))
		v++, vn--;
	while (vn > 0 && is_ows(v[vn - 1]))
		vn--;

	if (eq_word(s, name, "content-length")) {
		if (r->skip)
			return fail(r, "header too long");
		if (parse_length(v, vn, &len) != 0)
			return fail(r, "bad Content-Length");
		if (r->has_length && len != r->remaining)
			return fail(r, "conflicting Content-Length");
		r->has_length = 1;
		r->remaining = len;
	} else if (eq_word(s, name, "transfer-encoding")) {
		if (r->skip)
			return fail(r, "header too long");
		transfer_encoding(r, v, vn);
	} else if (eq_word(s, name, "connection")) {
		if (r->skip)
			return fail(r, "header too long");
		connection_tokens(r, v, vn);
	} else if (eq_word(s, name, "date")) {
		copy_value(r->date, sizeof r->date, v, vn);
		r->date_s = r->skip ? 0 : http_date(v, vn);
	} else if (eq_word(s, name, "x-amzn-errortype")) {
		copy_value(r->error_type, sizeof r->error_type, v, vn);
	}
	return HTTP_MORE;
}

/* The empty line after the headers: choose the body framing. */
static int
headers_done(struct http_resp *r)
{
	if (r->status < 200) {
		/* interim: forget it, the real response follows */
		r->interim++;
		resp_reset(r);
		return HTTP_MORE;
	}
	r->line_len = 0;
	r->skip = 0;
	if (r->chunked == 1) {
		if (r->has_length)
			r->conn_close = 1;
		r->remaining = 0;
	} else if (r->chunked == 2 || !r->has_length)
		r->until_close = 1;
	if (r->status == 204 || r->status == 304)
		r->until_close = 0;

	if (r->until_close || r->conn_close)
		r->keep_alive = 0;
	else if (r->http10)
		r->keep_alive = r->conn_keep;
	else
		r->keep_alive = 1;

	if (r->head_only) {
		/* CONNECT: a 2xx answer has no body, the tunnel follows; any
		 * other answer is all we need to know */
		r->keep_alive = r->status / 100 == 2;
		r->state = ST_DONE;
		return HTTP_DONE;
	}
	if (r->status == 204 || r->status == 304) {
		r->state = ST_DONE;
		return HTTP_DONE;
	}
	if (r->chunked == 1) {
		r->state = ST_CHUNK_SIZE;
		return HTTP_MORE;
	}
	if (r->until_close) {
		r->state = ST_BODY_CLOSE;
		return HTTP_MORE;
	}
	if (r->remaining == 0) {
		r->state = ST_DONE;
		return HTTP_DONE;
	}
	if (r->body_max && r->remaining > r->body_max)
		return fail(r, "answer too long");
	r->state = ST_BODY_LEN;
	return HTTP_MORE;
}

/* chunk-size [ BWS ";" chunk-ext ]; a long extension was cut off, harmlessly. */
static int
chunk_size(struct http_resp *r)
{
	const char *s = r->line;
	size_t n = r->line_len, i;
	uint64_t x = 0;
	int d;

	for (i = 0; i < n && (d = hex_digit((unsigned char)s[i])) >= 0; i++) {
		if (x > (UINT64_MAX >> 4))
			return fail(r, "bad chunk size");
		x = x << 4 | (uint64_t)d;
	}
	if (i == 0)
		return fail(r, "bad chunk size");
	while (i < n && is_ows(s[i]))
		i++;
	if (i < n && s[i] != ';')
		return fail(r, "bad chunk size");
	if (i == n && r->skip)
		return fail(r, "bad chunk size");	/* the size itself overflowed line[] */
	r->line_len = 0;
	r->skip = 0;
	if (x == 0) {
		r->nlines = 0;
		r->state = ST_TRAILER;
	} else {
		r->remaining = x;
		r->state = ST_CHUNK_DATA;
	}
	return HTTP_MORE;
}

static int
count_line(struct http_resp *r)
{
	if (++r->nlines > HTTP_MAX_LINES)
		return fail(r, "too many headers");
	return HTTP_MORE;
}

/* One byte in a line-oriented state. */
static int
step(struct http_resp *r, char c)
{
	if (!in_body(r->state) && ++r->head_bytes > HTTP_MAX_HEAD)
		return fail(r, "headers too long");
	switch (r->state) {
	case ST_STATUS:
		if (r->line_len < 5 && c != "HTTP/"[r->line_len])
			return fail(r, "not an HTTP response");
		if (c != '\n') {
			line_add(r, c);
			return HTTP_MORE;
		}
		line_end(r);
		if (status_line(r) != HTTP_MORE)
			return HTTP_ERROR;
		r->line_len = 0;
		r->skip = 0;
		r->state = ST_HEADER_NEXT;
		return HTTP_MORE;

	case ST_HEADER:
		if (c != '\n') {
			line_add(r, c);
			return HTTP_MORE;
		}
		line_end(r);
		r->state = ST_HEADER_NEXT;
		return HTTP_MORE;

	case ST_HEADER_NEXT:
		if (is_ows(c)) {
			/* obs-fold: the previous header goes on, joined by one SP */
			if (r->line_len == 0)
				return fail(r, "bad header line");
			if (count_line(r) != HTTP_MORE)
				return HTTP_ERROR;
			while (!r->skip && r->line_len > 0 &&
			    is_ows(r->line[r->line_len - 1]))
				r->line_len--;
			line_add(r, ' ');
			r->state = ST_FOLD;
			return HTTP_MORE;
		}
		if (r->line_len > 0 && header_line(r) != HTTP_MORE)
			return HTTP_ERROR;
		r->line_len = 0;
		r->skip = 0;
		if (c == '\n')
			return headers_done(r);
		if (c == '\r') {
			r->state = ST_HEADER_LF;
			return HTTP_MORE;
		}
		if (count_line(r) != HTTP_MORE)
			return HTTP_ERROR;
		line_add(r, c);
		r->state = ST_HEADER;
		return HTTP_MORE;

	case ST_FOLD:
		if (is_ows(c))
			return HTTP_MORE;
		if (c == '\n') {
			r->state = ST_HEADER_NEXT;
			return HTTP_MORE;
		}
		line_add(r, c);
		r->state = ST_HEADER;
		return HTTP_MORE;

	case ST_HEADER_LF:
		if (c != '\n')
			return fail(r, "bare CR");
		return headers_done(r);

	case ST_CHUNK_SIZE:
		if (c != '\n') {
			line_add(r, c);
			return HTTP_MORE;
		}
		line_end(r);
		return chunk_size(r);

	case ST_CHUNK_CR:	/* a bare LF is tolerated too */
		if (c == '\r') {
			r->state = ST_CHUNK_LF;
			return HTTP_MORE;
		}
		/* FALLTHROUGH */
	case ST_CHUNK_LF:
		if (c != '\n')
			return fail(r, "bad chunk");
		r->state = ST_CHUNK_SIZE;
		return HTTP_MORE;

	case ST_TRAILER:
		/* trailers are read and dropped; a folded line is just a line */
		if (c != '\n') {
			line_add(r, c);
			return HTTP_MORE;
		}
		line_end(r);
		if (r->line_len == 0) {
			r->state = ST_DONE;
			return HTTP_DONE;
		}
		r->line_len = 0;
		r->skip = 0;
		return count_line(r);
	}
	return fail(r, "internal state");
}

static int
result(const struct http_resp *r)
{
	if (r->state == ST_DONE)
		return HTTP_DONE;
	if (r->state == ST_ERROR)
		return HTTP_ERROR;
	return HTTP_MORE;
}

int
http_resp_feed(struct http_resp *r, const char *data, size_t n, size_t *used)
{
	size_t i = 0, k;

	while (i < n && r->state != ST_DONE && r->state != ST_ERROR) {
		int body = in_body(r->state);
		uint64_t room = UINT64_MAX;

		if (body && r->body_max) {
			if (r->body_bytes >= r->body_max) {
				fail(r, "answer too long");
				break;
			}
			room = r->body_max - r->body_bytes;
		}
		switch (r->state) {
		case ST_BODY_LEN:
		case ST_CHUNK_DATA:
		case ST_BODY_CLOSE:
			k = n - i;
			if (r->state != ST_BODY_CLOSE && (uint64_t)k > r->remaining)
				k = (size_t)r->remaining;
			if ((uint64_t)k > room)
				k = (size_t)room;
			body_put(r, data + i, k);
			i += k;
			r->body_bytes += k;
			if (r->state == ST_BODY_CLOSE)
				break;
			r->remaining -= k;
			if (r->remaining == 0)
				r->state = r->state == ST_BODY_LEN ?
				    ST_DONE : ST_CHUNK_CR;
			break;
		default:
			step(r, data[i++]);
			r->body_bytes += (uint64_t)body;
			break;
		}
	}
	*used = i;
	return result(r);
}

int
http_resp_eof(struct http_resp *r)
{
	if (r->state == ST_BODY_CLOSE)
		r->state = ST_DONE;
	if (r->state == ST_DONE || r->state == ST_ERROR)
		return result(r);
	if (r->state == ST_STATUS && r->line_len == 0 && r->status == 0)
		return fail(r, "closed before the response");
	return fail(r, "closed in the middle of the response");
}

/* ---- Date ---- */

static const char months[] = "janfebmaraprmayjunjulaugsepoctnovdec";
static const char *const wdays[] = { "sunday", "monday", "tuesday", "wednesday", "thursday", "friday",
	"saturday" };

/* s[*at..n) starts with the word w (lower case), ignoring case: moves past it. */
static int
take_word(const char *s, size_t n, size_t *at, const char *w)
{
	size_t k = strlen(w);

	if (n - *at < k || !eq_word(s + *at, k, w))
		return 0;
	*at += k;
	return 1;
}

/* Reads s against pat: 'w' a weekday's 3 letters, 'f' its full name, 'm' a
 * month's 3 letters, 'd' the day in 2 digits, '_' in a space or a digit
 * then a digit, 'y' the year in 4 digits, 'z' in 2, 'n' 2 digits of the
 * time; anything else (upper case) itself, ignoring case.  v[]: day, month,
 * year, then the time's numbers in order.  Returns 1 if s is all of pat. */
static int
scan(const char *s, size_t n, const char *pat, int v[6])
{
	size_t at = 0;
	int k = 0, j, digits;

	for (; *pat; pat++) {
		char p = *pat;
		if (p == 'w' || p == 'f') {
			for (j = 0; j < 7; j++) {
				char w[4] = { wdays[j][0], wdays[j][1], wdays[j][2], 0 };
				if (take_word(s, n, &at, p == 'w' ? w : wdays[j]))
					break;
			}
			if (j == 7)
				return 0;
			continue;
		}
		if (p == 'm') {
			for (j = 0; j < 12; j++) {
				char m[4] = { months[3 * j], months[3 * j + 1], months[3 * j + 2], 0 };
				if (take_word(s, n, &at, m))
					break;
			}
			if (j == 12)
				return 0;
			v[1] = j + 1;
			continue;
		}
		digits = p == 'y' ? 4 : p == 'd' || p == '_' || p == 'z' || p == 'n' ? 2 : 0;
		if (!digits) {
			if (at == n || lower((unsigned char)s[at]) != lower((unsigned char)p))
				return 0;
			at++;
			continue;
		}
		if (n - at < (size_t)digits)
			return 0;
		int x = 0;
		for (int i = 0; i < digits; i++) {
			char c = s[at + i];
			if (p == '_' && i == 0 && c == ' ')
				continue;
			if (c < '0' || c > '9')
				return 0;
			x = x * 10 + (c - '0');
		}
		at += (size_t)digits;
		if (p == 'd' || p == '_')
			v[0] = x;
		else if (p == 'y')
			v[2] = x;
		else if (p == 'z')
			v[2] = x < 70 ? 2000 + x : 1900 + x;
		else
			v[3 + k++] = x;
	}
	return at == n;
}

int64_t
http_date(const char *s, size_t n)
{
	int v[6];

	if (!scan(s, n, "w, d m y n:n:n GMT", v) && !scan(s, n, "f, d-m-z n:n:n GMT", v) &&
	    !scan(s, n, "w m _ n:n:n y", v))
		return 0;
	/* a leap second (:60) is taken as the next second */
	if (v[2] < 1970 || v[0] < 1 || v[0] > civil_month_days(v[2], v[1]) || v[3] > 23 || v[4] > 59 || v[5] > 60)
		return 0;
	return civil_days(v[2], v[1], v[0]) * 86400 + v[3] * 3600 + v[4] * 60 + v[5];
}

/* ---- proxies ---- */

size_t
http_connect_request(char *buf, size_t cap, const char *host, unsigned port, const char *auth)
{
	char hp[300];
	int has_auth = auth && *auth;
	int k = addr_hostport(hp, sizeof hp, host, port);

	if (k < 0 || (size_t)k >= sizeof hp)
		return 0;
	k = fmt_snprintf(buf, cap, "CONNECT %s HTTP/1.1\r\nHost: %s\r\n%s%s%s\r\n", hp, hp,
	    has_auth ? "Proxy-Authorization: " : "", has_auth ? auth : "", has_auth ? "\r\n" : "");

	return k < 0 || (size_t)k >= cap ? 0 : (size_t)k;
}
