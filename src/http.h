/* HTTP/1.1 response parser, sans-I/O: bytes in, a parsed response out.
 * The caller owns the body buffer; nothing is allocated. */
#ifndef HTTP_H
#define HTTP_H
#include <stddef.h>
#include <stdint.h>

enum http_result { HTTP_MORE = 0, HTTP_DONE = 1, HTTP_ERROR = -1 };

struct http_resp {
	/* results, valid once HTTP_DONE */
	int status;			/* e.g. 200 */
	int keep_alive;			/* the connection may carry another request */
	char date[40];			/* Date header, "" if none */
	char error_type[96];		/* x-amzn-ErrorType header, "" if none */
	char *body;			/* caller's buffer; body_len bytes, NUL-terminated */
	size_t body_len;
	int body_truncated;		/* the body was longer than body_cap - 1; the rest was skipped */
	const char *error;		/* on HTTP_ERROR: what was wrong, for the log */
	/* parser state: private */
	size_t body_cap;
	int state;
	int chunked, until_close, http10, conn_close, conn_keep;
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
 * of the response are left unconsumed).  Returns HTTP_MORE, HTTP_DONE or HTTP_ERROR. */
int http_resp_feed(struct http_resp *r, const char *data, size_t n, size_t *used);
/* The connection was closed by the peer: HTTP_DONE if that ends the response
 * (a body delimited by the close), else HTTP_ERROR. */
int http_resp_eof(struct http_resp *r);
#endif
