/* HTTP/1.1 response parser, sans-I/O: bytes in, a parsed response out.
 * The caller owns the body buffer; nothing is allocated. */
#ifndef HTTP_H
#define HTTP_H
#include <stddef.h>
#include <stdint.h>

enum http_result { HTTP_MORE = 0, HTTP_DONE = 1, HTTP_ERROR = -1 };

#define HTTP_MAX_INTERIM 10		/* 1xx answers before the final one, at most */
#define HTTP_MAX_HEAD 65536		/* bytes of status lines and headers, interim answers' included */
#define HTTP_NEEDLES 2

struct http_resp {
	/* results, valid once HTTP_DONE */
	int status;			/* e.g. 200 */
	int http10;			/* the status line said HTTP/1.0 */
	int keep_alive;			/* the connection may carry another request */
	char reason[64];		/* the status line's reason phrase (cut, printable ASCII only) */
	char date[40];			/* Date header, "" if none */
	int64_t date_s;			/* the Date header as seconds since 1970 (UTC); 0 if none or unreadable */
	char error_type[96];		/* x-amzn-ErrorType header, "" if none */
	char *body;			/* caller's buffer; body_len bytes, NUL-terminated */
	size_t body_len;
	int body_truncated;		/* the body was longer than body_cap - 1; the rest was skipped */
	const char *error;		/* on HTTP_ERROR: what was wrong, for the log */
	/* set after http_resp_init, if wanted: */
	int head_only;			/* the answer ends with its headers (CONNECT) */
	uint64_t body_max;		/* a body longer than this (as sent, chunk framing included) is
					 * an error, "answer too long"; 0: no bound */
	const char *needle[HTTP_NEEDLES];	/* counted in the whole body, the part past body_cap too,
					 * into needle_count (NULL: none); the first byte of each
					 * occurs in it nowhere else, unless as its last */
	uint64_t needle_count[HTTP_NEEDLES];
	/* parser state: private */
	size_t needle_at[HTTP_NEEDLES];	/* bytes of each needle matched so far */
	size_t head_bytes;		/* of status lines and headers, interim answers' included */
	uint64_t body_bytes;		/* of the body as sent */
	int interim;			/* 1xx answers so far */
	size_t body_cap;
	int state;
	int chunked, until_close, conn_close, conn_keep;
	uint64_t remaining;		/* of Content-Length or of the current chunk */
	int has_length;			/* a Content-Length was seen (value in remaining) */
	int nlines;			/* header or trailer lines so far, against a cap */
	int skip;			/* the line overflowed line[]: the rest is dropped */
	char line[512];
	size_t line_len;
};

/* Prepares r for a new response, body going into buf (cap bytes, cap >= 1). */
void http_resp_init(struct http_resp *r, char *buf, size_t cap);
/* Feeds n bytes; *used is set to how many were consumed (bytes after the end
 * of the response are left unconsumed).  Returns HTTP_MORE, HTTP_DONE or
 * HTTP_ERROR.  What a peer can make an answer cost is bounded: at most
 * HTTP_MAX_INTERIM interim (1xx) answers, HTTP_MAX_HEAD bytes of status
 * lines and headers, body_max bytes of body; past a bound the answer is an
 * error, so an endless one ends. */
int http_resp_feed(struct http_resp *r, const char *data, size_t n, size_t *used);
/* The connection was closed by the peer: HTTP_DONE if that ends the response
 * (a body delimited by the close), else HTTP_ERROR. */
int http_resp_eof(struct http_resp *r);

/* An HTTP-date (RFC 9110 5.6.7) of n bytes: IMF-fixdate "Sun, 06 Nov 1994
 * 08:49:37 GMT", or the obsolete RFC 850 "Sunday, 06-Nov-94 08:49:37 GMT"
 * (a year of two digits: 1970..2069) and asctime "Sun Nov  6 08:49:37 1994"
 * forms.  Names are matched ignoring case; the weekday is not checked
 * against the date.  Returns seconds since 1970-01-01 00:00:00 UTC, or 0 if
 * s is none of these or names no real time in 1970..9999. */
int64_t http_date(const char *s, size_t n);

/* ---- HTTP proxies (RFC 9110 9.3.6: CONNECT) ---- */

/* Writes the request that asks a proxy for a tunnel to host:port (host
 * without brackets; an IPv6 address gets them), with a
 * "Proxy-Authorization: auth" header unless auth is NULL or "".  The proxy's
 * answer is read by an http_resp with head_only set: status 200 means the
 * tunnel is open right after it.  Returns the request's length, 0 if it does
 * not fit in cap bytes (nothing usable is written then). */
size_t http_connect_request(char *buf, size_t cap, const char *host, unsigned port, const char *auth);

#endif
