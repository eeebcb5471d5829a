/* The HTTP response parser: each case is fed whole, a byte at a time, and in
 * pseudo-random pieces (fixed seeds); every way must give the same, exact
 * result. */
#include "t.h"
#include "http.h"

struct hcase {
	const char *name;
	const char *in;
	size_t in_len;		/* 0: strlen(in) */
	size_t cap;		/* body buffer; 0: 256 */
	int eof;		/* the peer closes after the input */
	int result;		/* of the last feed, or of http_resp_eof */
	size_t used;		/* bytes consumed in all */
	int status, keep_alive;
	const char *body;
	int truncated;
	const char *date, *error_type;
	const char *error;	/* on HTTP_ERROR */
};

static unsigned long
rnd(unsigned long *s)
{
	*s = *s * 1103515245 + 12345;
	return *s >> 16 & 0x7fff;
}

/* mode 0: whole; 1: a byte at a time; else a seed for random pieces. */
static size_t
piece(int mode, unsigned long *seed, size_t left)
{
	size_t k;

	if (mode == 0)
		return left;
	if (mode == 1)
		return left ? 1 : 0;
	k = rnd(seed) % 24;	/* 0..23: empty feeds too */
	return k < left ? k : left;
}

static int
run_case(const struct hcase *c, int mode)
{
	static char body[4096];
	struct http_resp r;
	unsigned long seed = (unsigned long)mode;
	size_t len = c->in_len ? c->in_len : strlen(c->in);
	size_t off = 0, k, used, cap = c->cap ? c->cap : 256;
	int res = HTTP_MORE;
	char tag[96];

	snprintf(tag, sizeof tag, "%s (mode %d)", c->name, mode);
	memset(body, 0x55, sizeof body);
	http_resp_init(&r, body, cap);
	while (off < len) {
		k = piece(mode, &seed, len - off);
		res = http_resp_feed(&r, c->in + off, k, &used);
		if (used > k) {
			t_fail(__FILE__, __LINE__, "%s: used %zu of %zu", tag, used, k);
			return 0;
		}
		off += used;
		if (res != HTTP_MORE)
			break;
		if (used != k) {
			t_fail(__FILE__, __LINE__, "%s: MORE but used %zu of %zu", tag, used, k);
			return 0;
		}
	}
	if (res != HTTP_MORE) {
		/* finished: it stays so, and consumes nothing more */
		int again = http_resp_feed(&r, "HTTP/1.1 200 OK\r\n", 17, &used);
		if (again != res || used != 0) {
			t_fail(__FILE__, __LINE__, "%s: feed after the end: %d, used %zu", tag, again, used);
			return 0;
		}
	}
	if (c->eof)
		res = http_resp_eof(&r);
	if (res != c->result || off != c->used) {
		t_fail(__FILE__, __LINE__, "%s: result %d used %zu, expected %d used %zu (%s)",
		    tag, res, off, c->result, c->used, r.error ? r.error : "");
		return 0;
	}
	if (res == HTTP_ERROR) {
		if (r.error == NULL || strcmp(r.error, c->error) != 0) {
			t_fail(__FILE__, __LINE__, "%s: error \"%s\", expected \"%s\"",
			    tag, r.error ? r.error : "(null)", c->error);
			return 0;
		}
		if (r.keep_alive != 0) {
			t_fail(__FILE__, __LINE__, "%s: keep_alive after an error", tag);
			return 0;
		}
		return 1;
	}
	if (res != HTTP_DONE)
		return 1;
	if (r.status != c->status || r.keep_alive != c->keep_alive ||
	    r.body_truncated != c->truncated || r.body != body ||
	    r.body_len != strlen(c->body) || memcmp(body, c->body, r.body_len + 1) != 0 ||
	    body[cap] != 0x55 ||
	    strcmp(r.date, c->date ? c->date : "") != 0 ||
	    strcmp(r.error_type, c->error_type ? c->error_type : "") != 0) {
		t_fail(__FILE__, __LINE__, "%s: status %d keep_alive %d truncated %d body \"%.*s\" (%zu)"
		    " date \"%s\" error_type \"%s\"", tag, r.status, r.keep_alive, r.body_truncated,
		    (int)r.body_len, body, r.body_len, r.date, r.error_type);
		return 0;
	}
	return 1;
}

static int
run_all(const struct hcase *cases, size_t n)
{
	static const int modes[] = { 0, 1, 2, 3, 7, 42, 1234, 99991 };

	int ok = 1;

	/* every case is run, though only the first failing mode of each is told */
	for (size_t i = 0; i < n; i++)
		for (size_t m = 0; m < sizeof modes / sizeof modes[0]; m++)
			if (!run_case(&cases[i], modes[m])) {
				ok = 0;
				break;
			}
	return ok;
}

#define DONE HTTP_DONE
#define ERR HTTP_ERROR
#define MORE HTTP_MORE

/* Length of a string literal, without its NUL. */
#define L(s) (sizeof(s) - 1)

static const char two[] =
    "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\none"
    "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\ntwo";
static const char chunked_then_next[] =
    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"
    "HTTP/1.1 204 No Content\r\n\r\n";
static const char no_content_then_next[] =
    "HTTP/1.1 204 No Content\r\nDate: Mon, 04 Mar 2024 12:00:00 GMT\r\n\r\n"
    "HTTP/1.1 200 OK\r\n";

T(http_responses)
{
	static const struct hcase cases[] = {
	{ "content-length", "HTTP/1.1 200 OK\r\nContent-Type: application/x-amz-json-1.1\r\n"
	  "Content-Length: 5\r\n\r\nhello", 0, 0, 0, DONE, 85, 200, 1, "hello", 0, NULL, NULL, NULL },
	{ "content-length 0", "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\nXYZ", 0, 0, 0,
	  DONE, 38, 200, 1, "", 0, NULL, NULL, NULL },
	{ "no reason phrase", "HTTP/1.1 200\r\nContent-Length: 1\r\n\r\nx", 0, 0, 0,
	  DONE, 36, 200, 1, "x", 0, NULL, NULL, NULL },
	{ "bare LF", "HTTP/1.1 200 OK\nContent-Length: 2\n\nhi", 0, 0, 0,
	  DONE, 37, 200, 1, "hi", 0, NULL, NULL, NULL },
	{ "name case", "HTTP/1.1 200 OK\r\ncOnTeNt-LeNgTh: 2\r\nDATE: d\r\n\r\nhi", 0, 0, 0,
	  DONE, 49, 200, 1, "hi", 0, "d", NULL, NULL },
	{ "same length twice", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length:  02 \r\n\r\nhi",
	  0, 0, 0, DONE, 62, 200, 1, "hi", 0, NULL, NULL, NULL },
	{ "chunked", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
	  "5;foo=bar\r\nhello\r\n7 ; a=\"b;c\"\r\n, world\r\nB\r\n 0123456789\r\n"
	  "0;last\r\nX-Checksum: 1\r\nX-Other: 2\r\n\r\n", 0, 0, 0,
	  DONE, 140, 200, 1, "hello, world 0123456789", 0, NULL, NULL, NULL },
	{ "chunked, upper-case name and value, bare LF", "HTTP/1.1 200 OK\nTRANSFER-ENCODING: Chunked\n\n"
	  "a\nabcdefghij\n00\n\n", 0, 0, 0, DONE, 61, 200, 1, "abcdefghij", 0, NULL, NULL, NULL },
	{ "chunked, no trailers", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
	  "1\r\nx\r\n0\r\n\r\n", 0, 0, 0, DONE, 58, 200, 1, "x", 0, NULL, NULL, NULL },
	{ "gzip then chunked", "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"
	  "1\r\nx\r\n0\r\n\r\n", 0, 0, 0, DONE, 64, 200, 1, "x", 0, NULL, NULL, NULL },
	{ "chunked and Content-Length: chunked wins, no reuse", "HTTP/1.1 200 OK\r\n"
	  "Content-Length: 100\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n", 0, 0, 0,
	  DONE, 80, 200, 0, "ok", 0, NULL, NULL, NULL },
	{ "100 Continue then 200", "HTTP/1.1 100 Continue\r\nDate: interim\r\nx-amzn-ErrorType: no\r\n\r\n"
	  "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", 0, 0, 0,
	  DONE, 102, 200, 1, "ok", 0, NULL, NULL, NULL },
	{ "two 1xx", "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 102 Processing\r\n\r\n"
	  "HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n", 0, 0, 0,
	  DONE, 95, 201, 1, "", 0, NULL, NULL, NULL },
	{ "204 stops at its end", no_content_then_next, 0, 0, 0,
	  DONE, 64, 204, 1, "", 0, "Mon, 04 Mar 2024 12:00:00 GMT", NULL, NULL },
	{ "304 ignores its Content-Length", "HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\nHTTP",
	  0, 0, 0, DONE, 49, 304, 1, "", 0, NULL, NULL, NULL },
	{ "HTTP/1.0 until close", "HTTP/1.0 200 OK\r\nServer: x\r\n\r\nbody until\r\nthe close", 0, 0, 1,
	  DONE, 51, 200, 0, "body until\r\nthe close", 0, NULL, NULL, NULL },
	{ "HTTP/1.1 without a length", "HTTP/1.1 500 Oops\r\n\r\nerr", 0, 0, 1,
	  DONE, 24, 500, 0, "err", 0, NULL, NULL, NULL },
	{ "HTTP/1.1 other coding: until close", "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n"
	  "Content-Length: 1\r\n\r\nabc", 0, 0, 1, DONE, 66, 200, 0, "abc", 0, NULL, NULL, NULL },
	{ "HTTP/1.0 keep-alive with length", "HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\n"
	  "Content-Length: 2\r\n\r\nok", 0, 0, 0, DONE, 64, 200, 1, "ok", 0, NULL, NULL, NULL },
	{ "HTTP/1.0 keep-alive, no length", "HTTP/1.0 200 OK\r\nConnection: keep-alive\r\n\r\nok", 0, 0, 1,
	  DONE, 45, 200, 0, "ok", 0, NULL, NULL, NULL },
	{ "HTTP/1.0 with length, no keep-alive", "HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok",
	  0, 0, 0, DONE, 40, 200, 0, "ok", 0, NULL, NULL, NULL },
	{ "Connection: close", "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok",
	  0, 0, 0, DONE, 59, 200, 0, "ok", 0, NULL, NULL, NULL },
	{ "Connection list", "HTTP/1.1 200 OK\r\nConnection: Upgrade , CLOSE\r\nContent-Length: 0\r\n\r\n",
	  0, 0, 0, DONE, 67, 200, 0, "", 0, NULL, NULL, NULL },
	{ "Connection: closed is not close", "HTTP/1.1 200 OK\r\nConnection: closed\r\nContent-Length: 0\r\n\r\n",
	  0, 0, 0, DONE, 58, 200, 1, "", 0, NULL, NULL, NULL },
	{ "keep-alive", "HTTP/1.1 200 OK\r\nConnection: keep-alive\r\nKeep-Alive: timeout=5\r\n"
	  "Content-Length: 2\r\n\r\nok", 0, 0, 0, DONE, 87, 200, 1, "ok", 0, NULL, NULL, NULL },
	{ "obs-fold", "HTTP/1.1 200 OK\r\nDate: Tue, \r\n \t05 Mar 2024\r\n\t10:00:00 GMT\r\n"
	  "Connection: keep-alive,\r\n close\r\nContent-Length: 1\r\n\r\n!", 0, 0, 0,
	  DONE, 115, 200, 0, "!", 0, "Tue, 05 Mar 2024 10:00:00 GMT", NULL, NULL },
	{ "empty fold lines", "HTTP/1.1 200 OK\r\nDate: a\r\n \t\r\n\t\nContent-Length: 0\r\n\r\n",
	  0, 0, 0, DONE, 53, 200, 1, "", 0, "a", NULL, NULL },
	{ "error type and date", "HTTP/1.1 400 Bad Request\r\n"
	  "x-amzn-RequestId: 5b4ae3f6-1c0a-4a57-a6a5-000000000000\r\n"
	  "X-AMZN-ERRORTYPE: ResourceNotFoundException:http://internal.amazon.com/coral/com.amazon.firehose.v20150804/0123456789\r\n"
	  "Content-Type: application/x-amz-json-1.1\r\nContent-Length: 31\r\n"
	  "Date:Tue, 05 Mar 2024 10:00:00 GMT   \r\n\r\n{\"__type\":\"ResourceNotFound\"}  ", 0, 0, 0,
	  DONE, 335, 400, 1, "{\"__type\":\"ResourceNotFound\"}  ", 0, "Tue, 05 Mar 2024 10:00:00 GMT",
	  "ResourceNotFoundException:http://internal.amazon.com/coral/com.amazon.firehose.v20150804/012345",
	  NULL },
	{ "date truncated", "HTTP/1.1 200 OK\r\nDate: 0123456789012345678901234567890123456789xyz\r\n"
	  "Content-Length: 0\r\n\r\n", 0, 0, 0, DONE, 89, 200, 1, "", 0,
	  "012345678901234567890123456789012345678", NULL, NULL },
	{ "two back to back", two, 0, 0, 0, DONE, L(two) / 2, 200, 1, "one", 0, NULL, NULL, NULL },
	{ "chunked then next", chunked_then_next, 0, 0, 0, DONE, L(chunked_then_next) - 27,
	  200, 1, "abc", 0, NULL, NULL, NULL },
	{ "body truncated", "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n0123456789HTTP/1.1", 0, 4, 0,
	  DONE, 49, 200, 1, "012", 1, NULL, NULL, NULL },
	{ "body fits exactly", "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\n012", 0, 4, 0,
	  DONE, 41, 200, 1, "012", 0, NULL, NULL, NULL },
	{ "chunked body truncated", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
	  "4\r\nabcd\r\n4\r\nefgh\r\n0\r\n\r\nnext", 0, 6, 0, DONE, 70, 200, 1, "abcde", 1, NULL, NULL, NULL },
	{ "until close truncated", "HTTP/1.0 200 OK\r\n\r\nabcdef", 0, 1, 1,
	  DONE, 25, 200, 0, "", 1, NULL, NULL, NULL },
	{ "a long header is skipped", NULL, 0, 0, 0, DONE, 0, 200, 1, "ok", 0, NULL, NULL, NULL },
	{ "100 header lines", NULL, 0, 0, 0, DONE, 0, 200, 1, "ok", 0, NULL, NULL, NULL },
	{ "incomplete", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhell", 0, 0, 0,
	  MORE, 42, 0, 0, "", 0, NULL, NULL, NULL },
	};
	static char longhdr[2048], many[4096];
	struct hcase c[sizeof cases / sizeof cases[0]];
	size_t n = sizeof cases / sizeof cases[0], o;

	memcpy(c, cases, sizeof cases);
	/* a 1000-byte header we do not need, and a long Date, truncated */
	o = (size_t)snprintf(longhdr, sizeof longhdr, "HTTP/1.1 200 OK\r\nX-Long: ");
	memset(longhdr + o, 'a', 1000);
	o += 1000;
	o += (size_t)snprintf(longhdr + o, sizeof longhdr - o, "\r\nDate: ");
	memset(longhdr + o, 'd', 700);
	o += 700;
	o += (size_t)snprintf(longhdr + o, sizeof longhdr - o, "\r\nContent-Length: 2\r\n\r\nok");
	c[n - 3].in = longhdr;
	c[n - 3].used = o;
	c[n - 3].date = "ddddddddddddddddddddddddddddddddddddddd";
	/* the cap is 100 lines: 99 + Content-Length pass */
	o = (size_t)snprintf(many, sizeof many, "HTTP/1.1 200 OK\r\n");
	for (int i = 0; i < 99; i++)
		o += (size_t)snprintf(many + o, sizeof many - o, "X-%d: y\r\n", i);
	o += (size_t)snprintf(many + o, sizeof many - o, "Content-Length: 2\r\n\r\nok");
	c[n - 2].in = many;
	c[n - 2].used = o;
	T_TRUE(run_all(c, n));
}

T(http_garbage)
{
	static const struct hcase cases[] = {
	{ "bad status code", "HTTP/1.1 abc\r\n\r\n", 0, 0, 0, ERR, 14, 0, 0, "", 0, NULL, NULL,
	  "bad status line" },
	{ "not HTTP", "FOO", 0, 0, 0, ERR, 1, 0, 0, "", 0, NULL, NULL, "not an HTTP response" },
	{ "not HTTP, later", "HTTP:1.1 200 OK\r\n", 0, 0, 0, ERR, 5, 0, 0, "", 0, NULL, NULL,
	  "not an HTTP response" },
	{ "HTTP/2", "HTTP/2.0 200 OK\r\n\r\n", 0, 0, 0, ERR, 17, 0, 0, "", 0, NULL, NULL,
	  "unsupported HTTP version" },
	{ "status 600", "HTTP/1.1 600 X\r\n\r\n", 0, 0, 0, ERR, 16, 0, 0, "", 0, NULL, NULL,
	  "bad status code" },
	{ "status 4 digits", "HTTP/1.1 2000 X\r\n\r\n", 0, 0, 0, ERR, 17, 0, 0, "", 0, NULL, NULL,
	  "bad status line" },
	{ "101", "HTTP/1.1 101 Switching Protocols\r\n\r\n", 0, 0, 0, ERR, 34, 0, 0, "", 0, NULL, NULL,
	  "unexpected 101 Switching Protocols" },
	{ "negative length", "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", 0, 0, 0, ERR, 38, 0, 0,
	  "", 0, NULL, NULL, "bad Content-Length" },
	{ "length with junk", "HTTP/1.1 200 OK\r\nContent-Length: 1x\r\nA: b\r\n\r\n", 0, 0, 0,
	  ERR, 38, 0, 0, "", 0, NULL, NULL, "bad Content-Length" },
	{ "empty length", "HTTP/1.1 200 OK\r\nContent-Length:\r\n\r\n", 0, 0, 0, ERR, 35, 0, 0,
	  "", 0, NULL, NULL, "bad Content-Length" },
	{ "length list", "HTTP/1.1 200 OK\r\nContent-Length: 1, 1\r\n\r\n", 0, 0, 0, ERR, 40, 0, 0,
	  "", 0, NULL, NULL, "bad Content-Length" },
	{ "length overflow", "HTTP/1.1 200 OK\r\nContent-Length: 18446744073709551616\r\n\r\n", 0, 0, 0,
	  ERR, 56, 0, 0, "", 0, NULL, NULL, "bad Content-Length" },
	{ "conflicting lengths", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nabc",
	  0, 0, 0, ERR, 56, 0, 0, "", 0, NULL, NULL, "conflicting Content-Length" },
	{ "chunk size zz", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 0, 0, 0,
	  ERR, 51, 0, 0, "", 0, NULL, NULL, "bad chunk size" },
	{ "chunk size negative", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n-1\r\n", 0, 0, 0,
	  ERR, 51, 0, 0, "", 0, NULL, NULL, "bad chunk size" },
	{ "chunk size empty", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n\r\n", 0, 0, 0,
	  ERR, 49, 0, 0, "", 0, NULL, NULL, "bad chunk size" },
	{ "chunk size overflow", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
	  "10000000000000000\r\n", 0, 0, 0, ERR, 66, 0, 0, "", 0, NULL, NULL, "bad chunk size" },
	{ "chunk without CRLF", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcd\r\n",
	  0, 0, 0, ERR, 54, 0, 0, "", 0, NULL, NULL, "bad chunk" },
	{ "header without colon", "HTTP/1.1 200 OK\r\nNo colon here\r\n\r\n", 0, 0, 0, ERR, 33, 0, 0,
	  "", 0, NULL, NULL, "bad header line" },
	{ "space before colon", "HTTP/1.1 200 OK\r\nContent-Length : 1\r\n\r\n", 0, 0, 0, ERR, 38, 0, 0,
	  "", 0, NULL, NULL, "bad header line" },
	{ "fold after the status line", "HTTP/1.1 200 OK\r\n X: y\r\n\r\n", 0, 0, 0, ERR, 18, 0, 0,
	  "", 0, NULL, NULL, "bad header line" },
	{ "bare CR", "HTTP/1.1 200 OK\r\nX: a\rb\r\n\r\n", 0, 0, 0, ERR, 26, 0, 0,
	  "", 0, NULL, NULL, "bad header value" },
	{ "bare CR at the end", "HTTP/1.1 200 OK\r\n\rX", 0, 0, 0, ERR, 19, 0, 0,
	  "", 0, NULL, NULL, "bare CR" },
	{ "eof in the body", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhel", 0, 0, 1,
	  ERR, 41, 0, 0, "", 0, NULL, NULL, "closed in the middle of the response" },
	{ "eof in a chunk", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel", 0, 0, 1,
	  ERR, 53, 0, 0, "", 0, NULL, NULL, "closed in the middle of the response" },
	{ "eof in the headers", "HTTP/1.1 200 OK\r\nContent-Len", 0, 0, 1,
	  ERR, 28, 0, 0, "", 0, NULL, NULL, "closed in the middle of the response" },
	{ "eof after 100 Continue", "HTTP/1.1 100 Continue\r\n\r\n", 0, 0, 1,
	  ERR, 25, 0, 0, "", 0, NULL, NULL, "closed in the middle of the response" },
	{ "eof before anything", "", 0, 0, 1, ERR, 0, 0, 0, "", 0, NULL, NULL,
	  "closed before the response" },
	{ "needed header too long", NULL, 0, 0, 0, ERR, 0, 0, 0, "", 0, NULL, NULL, "header too long" },
	{ "101 header lines", NULL, 0, 0, 0, ERR, 0, 0, 0, "", 0, NULL, NULL, "too many headers" },
	{ "101 trailer lines", NULL, 0, 0, 0, ERR, 0, 0, 0, "", 0, NULL, NULL, "too many headers" },
	{ "chunk size longer than the line", NULL, 0, 0, 0, ERR, 0, 0, 0, "", 0, NULL, NULL,
	  "bad chunk size" },
	};
	static char longcl[1024], many[4096], trailers[4096], longchunk[1024];
	struct hcase c[sizeof cases / sizeof cases[0]];
	size_t n = sizeof cases / sizeof cases[0], o;

	memcpy(c, cases, sizeof cases);
	/* Content-Length: 0000...05 over 600 bytes: too long to trust */
	o = (size_t)snprintf(longcl, sizeof longcl, "HTTP/1.1 200 OK\r\nContent-Length: ");
	memset(longcl + o, '0', 600);
	o += 600;
	o += (size_t)snprintf(longcl + o, sizeof longcl - o, "5\r\n\r\nhello");
	c[n - 4].in = longcl;
	c[n - 4].used = o - 6;		/* up to the CR after it, which ends the header */
	o = (size_t)snprintf(many, sizeof many, "HTTP/1.1 200 OK\r\n");
	for (int i = 0; i < 101; i++)
		o += (size_t)snprintf(many + o, sizeof many - o, "X-%d: y\r\n", i);
	c[n - 3].in = many;
	c[n - 3].used = o - 10 + 1;	/* the first byte of the 101st line */
	o = (size_t)snprintf(trailers, sizeof trailers,
	    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n");
	for (int i = 0; i < 101; i++)
		o += (size_t)snprintf(trailers + o, sizeof trailers - o, "T-%d: y\r\n", i);
	c[n - 2].in = trailers;
	c[n - 2].used = o;		/* the LF of the 101st line */
	o = (size_t)snprintf(longchunk, sizeof longchunk,
	    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
	memset(longchunk + o, '0', 600);
	o += 600;
	o += (size_t)snprintf(longchunk + o, sizeof longchunk - o, "1\r\nx\r\n0\r\n\r\n");
	c[n - 1].in = longchunk;
	c[n - 1].used = o - 8;		/* the LF after the size */
	T_TRUE(run_all(c, n));
}

/* The state after an error or the end does not move, whatever comes. */
T(http_sticky)
{
	struct http_resp r;
	char body[16];
	size_t used = 99;

	http_resp_init(&r, body, sizeof body);
	T_EQ_INT(http_resp_feed(&r, "HTTP/1.1 204 OK\r\n\r\nHTTP/1.1", 27, &used), HTTP_DONE);
	T_EQ_INT(used, 19);
	T_EQ_INT(http_resp_eof(&r), HTTP_DONE);
	T_EQ_INT(http_resp_feed(&r, "x", 1, &used), HTTP_DONE);
	T_EQ_INT(used, 0);
	T_TRUE(r.error == NULL);

	http_resp_init(&r, body, sizeof body);
	T_EQ_INT(http_resp_feed(&r, "XTTP/1.1 200 OK\r\n", 17, &used), HTTP_ERROR);
	T_EQ_INT(used, 1);
	T_EQ_INT(http_resp_feed(&r, "HTTP/1.1 200 OK\r\n", 17, &used), HTTP_ERROR);
	T_EQ_INT(used, 0);
	T_EQ_INT(http_resp_eof(&r), HTTP_ERROR);
	T_EQ_STR(r.error, "not an HTTP response");

	/* an empty feed does nothing */
	http_resp_init(&r, body, sizeof body);
	T_EQ_INT(http_resp_feed(&r, "", 0, &used), HTTP_MORE);
	T_EQ_INT(used, 0);
	T_EQ_STR(r.body, "");

	/* init again reuses the struct for the next response on the connection */
	http_resp_init(&r, body, sizeof body);
	T_EQ_INT(http_resp_feed(&r, "HTTP/1.1 200 OK\r\nDate: a\r\nContent-Length: 1\r\n\r\nz", 48, &used),
	    HTTP_DONE);
	T_EQ_STR(r.date, "a");
	http_resp_init(&r, body, sizeof body);
	T_EQ_STR(r.date, "");
	T_EQ_STR(r.body, "");
	T_EQ_INT(r.body_len, 0);
	T_EQ_INT(r.status, 0);
}

/* ---- what an answer may cost ---- */

/* Feeds in (len bytes) to r, whole, a byte at a time or in pieces as
 * run_case does, until the end or an error; returns the last result and
 * the bytes consumed in *used. */
static int
feed_all(struct http_resp *r, const char *in, size_t len, int mode, size_t *used)
{
	unsigned long seed = (unsigned long)mode;
	size_t off = 0, k, u;
	int res = HTTP_MORE;

	while (off < len && res == HTTP_MORE) {
		k = piece(mode, &seed, len - off);
		res = http_resp_feed(r, in + off, k, &u);
		off += u;
	}
	*used = off;
	return res;
}

struct bcase {
	const char *name;
	const char *in;
	size_t len;
	uint64_t body_max;
	int result;
	size_t used;
	const char *error;	/* on HTTP_ERROR */
};

static int
run_bounds(const struct bcase *c, size_t n)
{
	static const int modes[] = { 0, 1, 2, 7, 1234 };
	static char body[64];

	for (size_t i = 0; i < n; i++)
		for (size_t m = 0; m < sizeof modes / sizeof modes[0]; m++) {
			struct http_resp r;
			size_t used;
			int res;

			http_resp_init(&r, body, sizeof body);
			r.body_max = c[i].body_max;
			res = feed_all(&r, c[i].in, c[i].len, modes[m], &used);
			if (res != c[i].result || used != c[i].used ||
			    (res == HTTP_ERROR && strcmp(r.error, c[i].error))) {
				t_fail(__FILE__, __LINE__, "%s (mode %d): result %d used %zu, expected %d used %zu; "
				    "error \"%s\"", c[i].name, modes[m], res, used, c[i].result, c[i].used,
				    r.error ? r.error : "");
				return 0;
			}
		}
	return 1;
}

static size_t
cat(char *buf, size_t cap, size_t o, const char *s)
{
	size_t k = strlen(s);

	if (o + k < cap) {
		memcpy(buf + o, s, k + 1);
		o += k;
	}
	return o;
}

/* A server that answers 100 Continue (or 102 Processing...) forever is cut
 * off at the eleventh: an endless stream of them no longer holds the request
 * until its timer fires. */
T(http_interim_answers_are_bounded)
{
	static const char cont[] = "HTTP/1.1 100 Continue\r\n\r\n", final[] =
	    "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
	static char ten[1024], eleven[1024], endless[8192];
	size_t o = 0, o11, oe = 0;

	for (int i = 0; i < HTTP_MAX_INTERIM; i++)
		o = cat(ten, sizeof ten, o, i % 2 ? "HTTP/1.1 102 Processing\r\nX: y\r\n\r\n" : cont);
	memcpy(eleven, ten, o);
	o11 = cat(eleven, sizeof eleven, o, "HTTP/1.1 103 Early Hints\r\n");
	cat(eleven, sizeof eleven, o11, "Link: </a>\r\n\r\n");
	o11 = strlen(eleven);
	o11 = cat(eleven, sizeof eleven, o11, final);
	cat(ten, sizeof ten, o, final);
	while (oe + sizeof cont < sizeof endless)
		oe = cat(endless, sizeof endless, oe, cont);

	struct bcase c[] = {
	{ "ten interim answers, then the answer", ten, strlen(ten), 0, HTTP_DONE, strlen(ten), NULL },
	/* the eleventh is refused at the end of its status line */
	{ "eleven", eleven, o11, 0, HTTP_ERROR, o + L("HTTP/1.1 103 Early Hints\r\n"),
	  "too many interim (1xx) answers" },
	{ "endless 100 Continue", endless, oe, 0, HTTP_ERROR, HTTP_MAX_INTERIM * L(cont) + L(cont) - 2,
	  "too many interim (1xx) answers" },
	};
	T_TRUE(run_bounds(c, sizeof c / sizeof c[0]));
}

/* The head (status lines and headers, interim answers' included) is cut
 * off past HTTP_MAX_HEAD bytes, however it is made: one endless line, or
 * interim answers each under every other bound. */
T(http_head_is_bounded)
{
	static char exact[HTTP_MAX_HEAD + 64], over[HTTP_MAX_HEAD + 64], interim[HTTP_MAX_INTERIM * 7000 + 64];
	static const char start[] = "HTTP/1.1 200 OK\r\nX-Pad: ", end[] = "\r\nContent-Length: 2\r\n\r\n";
	size_t pad = HTTP_MAX_HEAD - L(start) - L(end), o = 0;

	memcpy(exact, start, L(start));
	memset(exact + L(start), 'a', pad);
	memcpy(exact + L(start) + pad, end, L(end));
	memcpy(exact + HTTP_MAX_HEAD, "ok", 2);
	memcpy(over, start, L(start));
	memset(over + L(start), 'a', pad + 1);
	memcpy(over + L(start) + pad + 1, end, L(end));
	memcpy(over + HTTP_MAX_HEAD + 1, "ok", 2);
	/* ten interim answers of 7,000 bytes each: 70,000 in all */
	for (int i = 0; i < HTTP_MAX_INTERIM; i++) {
		o = cat(interim, sizeof interim, o, "HTTP/1.1 100 Continue\r\nX-Pad: ");
		memset(interim + o, 'b', 7000 - 50);
		o += 7000 - 50;
		interim[o] = 0;
		o = cat(interim, sizeof interim, o, "\r\n\r\n");
	}
	o = cat(interim, sizeof interim, o, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");

	struct bcase c[] = {
	{ "a head of HTTP_MAX_HEAD bytes", exact, HTTP_MAX_HEAD + 2, 0, HTTP_DONE, HTTP_MAX_HEAD + 2, NULL },
	{ "one byte more", over, HTTP_MAX_HEAD + 3, 0, HTTP_ERROR, HTTP_MAX_HEAD + 1, "headers too long" },
	{ "interim answers' heads count", interim, o, 0, HTTP_ERROR, HTTP_MAX_HEAD + 1, "headers too long" },
	};
	T_TRUE(run_bounds(c, sizeof c / sizeof c[0]));
}

/* body_max bounds the body as sent, chunk framing included: an endless body
 * of any framing ends there; a Content-Length over it is refused at once. */
T(http_body_is_bounded)
{
	static const char cl100[] = "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n",
	    tera[] = "HTTP/1.1 200 OK\r\nContent-Length: 1099511627776\r\n\r\n{\"FailedPutCount\":0",
	    chunked[] = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
	    close10[] = "HTTP/1.0 200 OK\r\n\r\n";
	static char a[512], d[4096], e[512], f[512];
	size_t o;

	o = cat(a, sizeof a, 0, cl100);
	memset(a + o, 'x', 100);
	for (o = cat(d, sizeof d, 0, chunked); o + 10 < sizeof d;)
		o = cat(d, sizeof d, o, "4\r\nabcd\r\n");
	cat(e, sizeof e, 0, close10);
	memset(e + L(close10), 'y', 300);
	/* a chunk-size line that never ends (its extension) is body too */
	o = cat(f, sizeof f, 0, chunked);
	o = cat(f, sizeof f, o, "1;ext=");
	memset(f + o, 'z', 300);

	struct bcase c[] = {
	{ "Content-Length at the bound", a, L(cl100) + 100, 100, HTTP_DONE, L(cl100) + 100, NULL },
	{ "Content-Length over it: refused at the head's end", a, L(cl100) + 100, 99, HTTP_ERROR, L(cl100),
	  "answer too long" },
	{ "a terabyte", tera, L(tera), 1 << 20, HTTP_ERROR, L(tera) - L("{\"FailedPutCount\":0"),
	  "answer too long" },
	{ "endless chunks", d, strlen(d), 100, HTTP_ERROR, L(chunked) + 100, "answer too long" },
	{ "until the close", e, L(close10) + 300, 200, HTTP_ERROR, L(close10) + 200, "answer too long" },
	{ "an endless chunk-size line", f, L(chunked) + 6 + 300, 64, HTTP_ERROR, L(chunked) + 64,
	  "answer too long" },
	{ "no bound", e, L(close10) + 300, 0, HTTP_MORE, L(close10) + 300, NULL },
	};
	T_TRUE(run_bounds(c, sizeof c / sizeof c[0]));

	/* a chunked answer whose every byte after the head is within the bound */
	static const char fits[] = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nabcd\r\n0\r\n\r\n";
	struct bcase c2[] = {
	{ "chunked, all of it within", fits, L(fits), L(fits) - L(chunked), HTTP_DONE, L(fits), NULL },
	{ "chunked, one byte over", fits, L(fits), L(fits) - L(chunked) - 1, HTTP_ERROR, L(fits) - 1,
	  "answer too long" },
	};
	T_TRUE(run_bounds(c2, sizeof c2 / sizeof c2[0]));
}

/* Needles are counted in the whole body as it passes: across feeds, across
 * chunk framing, past body_cap; a match's closing quote may open the next. */
T(http_needles_are_counted_in_the_whole_body)
{
	static const char in[] = "HTTP/1.1 200 OK\r\nX-ErrorCode: \"ErrorCode\"\r\nTransfer-Encoding: chunked\r\n\r\n"
	    "9\r\n{\"ErrorCo\r\n"		/* split by the framing */
	    "11\r\nde\":\"x\"},{\"Record\r\n"
	    "1f\r\nId\":\"a\"},\"ErrorCode\"\"ErrorCode\"\r\n"
	    "1b\r\n\"Error\"ErrorCode\\\"ErrorCode\r\n"	/* not whole: "Error" then an escaped one */
	    "0\r\n\r\n";
	static const char *const needles[] = { "\"ErrorCode\"", "\"RecordId\"" };
	static const int modes[] = { 0, 1, 2, 3, 7, 42 };

	for (size_t m = 0; m < sizeof modes / sizeof modes[0]; m++) {
		for (size_t cap = 4; cap <= 256; cap *= 8) {
			struct http_resp r;
			char body[256];
			size_t used;

			http_resp_init(&r, body, cap);
			r.needle[0] = needles[0];
			r.needle[1] = needles[1];
			T_EQ_INT(feed_all(&r, in, L(in), modes[m], &used), HTTP_DONE);
			T_EQ_INT(used, L(in));
			T_EQ_INT(r.body_truncated, cap < 100);
			T_EQ_INT(r.needle_count[0], 3);
			T_EQ_INT(r.needle_count[1], 1);
		}
	}
	/* none set: nothing counted */
	struct http_resp r;
	char body[8];
	size_t used;

	http_resp_init(&r, body, sizeof body);
	T_EQ_INT(feed_all(&r, in, L(in), 0, &used), HTTP_DONE);
	T_EQ_INT(r.needle_count[0] + r.needle_count[1], 0);
	/* needles that start with different bytes: each found as well */
	static const char two[] = "HTTP/1.1 200 OK\r\nContent-Length: 17\r\n\r\n{x\"a\"{{x\"a\"\"a\"{\"a";
	for (size_t m = 0; m < sizeof modes / sizeof modes[0]; m++) {
		http_resp_init(&r, body, sizeof body);
		r.needle[0] = "{x";
		r.needle[1] = "\"a\"";
		T_EQ_INT(feed_all(&r, two, L(two), modes[m], &used), HTTP_DONE);
		T_EQ_INT(r.needle_count[0], 2);
		T_EQ_INT(r.needle_count[1], 3);
	}
}

/* A needle found only whole: for needles of 2 to 24 bytes (compared a word
 * at a time), a body with each of its bytes changed in turn, then the
 * needle once, in one piece. */
T(http_needle_differs_at_each_byte)
{
	static const char head[] = "HTTP/1.1 200 OK\r\nContent-Length: ";
	char nd[32], in[1200], body[8];
	size_t used;

	for (size_t m = 2; m <= 24; m++) {
		struct http_resp r;
		size_t n, b = 0;
		char part[900];

		for (size_t j = 0; j < m; j++)
			nd[j] = j == 0 ? '"' : (char)('A' + (j * 5) % 26);
		nd[m] = '\0';
		for (size_t j = 1; j < m; j++) {	/* (a changed first byte is no candidate) */
			memcpy(part + b, nd, m);
			part[b + j] = 'a';
			b += m;
		}
		memcpy(part + b, nd, m);
		b += m;
		n = (size_t)snprintf(in, sizeof in, "%s%zu\r\n\r\n", head, b);
		memcpy(in + n, part, b);
		n += b;
		http_resp_init(&r, body, sizeof body);
		r.needle[0] = nd;
		T_EQ_INT(feed_all(&r, in, n, 0, &used), HTTP_DONE);
		T_EQ_INT(r.needle_count[0], 1);
	}
}

/* ---- Date ---- */

static int64_t
date(const char *s)
{
	return http_date(s, strlen(s));
}

T(http_date_forms)
{
	/* RFC 9110 5.6.7's example in its three forms */
	T_EQ_INT(date("Sun, 06 Nov 1994 08:49:37 GMT"), 784111777);
	T_EQ_INT(date("Sunday, 06-Nov-94 08:49:37 GMT"), 784111777);
	T_EQ_INT(date("Sun Nov  6 08:49:37 1994"), 784111777);
	T_EQ_INT(date("Sun Nov 16 08:49:37 1994"), 784111777 + 10 * 86400);
	/* names in any case; the weekday is not checked against the date */
	T_EQ_INT(date("sUN, 06 nOV 1994 08:49:37 gmt"), 784111777);
	T_EQ_INT(date("Mon, 06 Nov 1994 08:49:37 GMT"), 784111777);
	T_EQ_INT(date("Thu, 01 Jan 1970 00:00:01 GMT"), 1);
	/* leap years: every 4th, not every 100th, every 400th */
	T_EQ_INT(date("Thu, 29 Feb 2024 12:00:00 GMT"), 1709208000);
	T_EQ_INT(date("Tue, 29 Feb 2000 00:00:00 GMT"), 951782400);
	T_EQ_INT(date("Mon, 01 Mar 2100 00:00:00 GMT"), 4107542400LL);
	T_EQ_INT(date("Sat, 31 Dec 2016 23:59:59 GMT"), 1483228799);
	T_EQ_INT(date("Sat, 31 Dec 2016 23:59:60 GMT"), 1483228800);	/* a leap second */
	/* past 32 bits, signed and unsigned */
	T_EQ_INT(date("Tue, 19 Jan 2038 03:14:08 GMT"), 2147483648LL);
	T_EQ_INT(date("Sun, 07 Feb 2106 06:28:16 GMT"), 4294967296LL);
	T_EQ_INT(date("Fri, 31 Dec 9999 23:59:59 GMT"), 253402300799LL);
	/* RFC 850's two-digit year: 70..99 are 19xx, 00..69 20xx */
	T_EQ_INT(date("Wednesday, 31-Dec-69 23:59:59 GMT"), 3155759999LL);
	T_EQ_INT(date("Thursday, 01-Jan-70 00:00:01 GMT"), 1);
}

T(http_date_garbage)
{
	static const char *const bad[] = {
		"",
		"Sun, 06 Nov 1994 08:49:37",		/* no zone */
		"Sun, 06 Nov 1994 08:49:37 UTC",	/* only GMT */
		"Sun, 06 Nov 1994 08:49:37 GMT ",	/* trailing bytes (the parser trims a header's) */
		" Sun, 06 Nov 1994 08:49:37 GMT",
		"Sun, 6 Nov 1994 08:49:37 GMT",		/* two digits */
		"Sun, 06 Nov 94 08:49:37 GMT",
		"Sun 06 Nov 1994 08:49:37 GMT",
		"Sun, 06 Nov 1994 8:49:37 GMT",
		"Sun, 06 Nov 1994 08-49-37 GMT",
		"Sux, 06 Nov 1994 08:49:37 GMT",
		"Sun, 06 Nox 1994 08:49:37 GMT",
		"Sun, 06 November 1994 08:49:37 GMT",
		"Sun, +6 Nov 1994 08:49:37 GMT",
		"Sun, 00 Nov 1994 08:49:37 GMT",	/* no such day */
		"Sun, 31 Nov 1994 08:49:37 GMT",
		"Mon, 29 Feb 2100 00:00:00 GMT",	/* not a leap year */
		"Fri, 29 Feb 2019 00:00:00 GMT",
		"Sun, 06 Nov 1994 24:00:00 GMT",
		"Sun, 06 Nov 1994 23:60:00 GMT",
		"Sun, 06 Nov 1994 23:59:61 GMT",
		"Wed, 31 Dec 1969 23:59:59 GMT",	/* before 1970 */
		"Sun, 06-Nov-94 08:49:37 GMT",		/* RFC 850 wants the full weekday */
		"Sunday, 06 Nov 1994 08:49:37 GMT",
		"Sun Nov 6 08:49:37 1994",		/* asctime pads with a space */
		"Sun Nov  6 08:49:37 1994 GMT",
		"Sun Nov 06 08:49:37 94",
		"2024-02-29T12:00:00Z",
	};

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (date(bad[i]) != 0) {
			t_fail(__FILE__, __LINE__, "\"%s\" read as %lld", bad[i], (long long)date(bad[i]));
			return;
		}
	/* an embedded NUL or a cut never reads past n */
	T_EQ_INT(http_date("Sun, 06 Nov 1994 08:49:37 GMT", 28), 0);
	T_EQ_INT(http_date("Sun, 06 Nov 1994 08:49:37 GMTX", 29), 784111777);
	T_EQ_INT(http_date("Sun Nov  6 08:49:37 19945", 24), 784111777);
	T_EQ_INT(http_date("Sun, 06 Nov 1994 08:49:37 G\0T", 29), 0);
}

/* Feeds all of s; the result if all of it was used, else -2. */
static int
feed(struct http_resp *r, const char *s)
{
	size_t used;
	int res = http_resp_feed(r, s, strlen(s), &used);

	return used == strlen(s) ? res : -2;
}

/* The response's Date: as text and as a time; the reason phrase. */
T(http_date_and_reason_of_a_response)
{
	static const char in[] = "HTTP/1.1 400 Bad Request\r\nDate: Thu, 29 Feb 2024 12:00:00 GMT\r\n"
	    "Content-Length: 0\r\n\r\n";
	struct http_resp r;
	char body[8];
	size_t used;

	http_resp_init(&r, body, sizeof body);
	T_EQ_INT(http_resp_feed(&r, in, strlen(in), &used), HTTP_DONE);
	T_EQ_INT(used, strlen(in));
	T_EQ_STR(r.reason, "Bad Request");
	T_EQ_STR(r.date, "Thu, 29 Feb 2024 12:00:00 GMT");
	T_EQ_INT(r.date_s, 1709208000);
	T_EQ_INT(r.http10, 0);

	/* garbled: the text stays, the time is 0; a later good one wins */
	http_resp_init(&r, body, sizeof body);
	T_EQ_INT(feed(&r, "HTTP/1.0 200\r\nDate: yesterday\r\nContent-Length: 0\r\n\r\n"), HTTP_DONE);
	T_EQ_STR(r.date, "yesterday");
	T_EQ_INT(r.date_s, 0);
	T_EQ_STR(r.reason, "");
	T_EQ_INT(r.http10, 1);
	http_resp_init(&r, body, sizeof body);
	T_EQ_INT(feed(&r, "HTTP/1.1 200 OK\r\nDate: x\r\nDate: Sun Nov  6 08:49:37 1994\r\n"
	    "Content-Length: 0\r\n\r\n"), HTTP_DONE);
	T_EQ_INT(r.date_s, 784111777);
	/* a 1xx's Date is forgotten with it */
	http_resp_init(&r, body, sizeof body);
	T_EQ_INT(feed(&r, "HTTP/1.1 100 Continue\r\nDate: Sun Nov  6 08:49:37 1994\r\n\r\n"
	    "HTTP/1.1 204 No Content\r\n\r\n"), HTTP_DONE);
	T_EQ_INT(r.date_s, 0);
	T_EQ_STR(r.reason, "No Content");

	/* the reason is cut to 63 bytes, and control bytes do not reach the log */
	char line[200];
	int k = snprintf(line, sizeof line, "HTTP/1.1 503 \x1b[31m%070d\r\nContent-Length: 0\r\n\r\n", 7);
	http_resp_init(&r, body, sizeof body);
	T_EQ_INT(http_resp_feed(&r, line, (size_t)k, &used), HTTP_DONE);
	T_EQ_INT(strlen(r.reason), 63);
	T_EQ_STR(r.reason, "?[31m0000000000000000000000000000000000000000000000000000000000");
}

/* ---- proxies ---- */

T(http_connect_request_bytes)
{
	char buf[1024];
	size_t n;

	n = http_connect_request(buf, sizeof buf, "firehose.eu-west-1.amazonaws.com", 443, NULL);
	T_EQ_MEM(buf, n, "CONNECT firehose.eu-west-1.amazonaws.com:443 HTTP/1.1\r\n"
	    "Host: firehose.eu-west-1.amazonaws.com:443\r\n\r\n", 101);
	T_EQ_INT(http_connect_request(buf, sizeof buf, "fh.test", 8443, ""), 53);
	T_EQ_STR(buf, "CONNECT fh.test:8443 HTTP/1.1\r\nHost: fh.test:8443\r\n\r\n");
	n = http_connect_request(buf, sizeof buf, "2001:db8::1", 443, "Basic dXNlcjpwYXNz");
	T_EQ_STR(buf, "CONNECT [2001:db8::1]:443 HTTP/1.1\r\nHost: [2001:db8::1]:443\r\n"
	    "Proxy-Authorization: Basic dXNlcjpwYXNz\r\n\r\n");
	T_EQ_INT(n, strlen(buf));
	/* exactly the room it takes, with its NUL; one byte less is refused */
	T_EQ_INT(http_connect_request(buf, 54, "fh.test", 8443, NULL), 53);
	T_EQ_INT(http_connect_request(buf, 53, "fh.test", 8443, NULL), 0);
	T_EQ_INT(http_connect_request(buf, 0, "fh.test", 8443, NULL), 0);
}

struct pcase {
	const char *name, *in;
	int result;
	size_t used;
	int status, keep_alive;
	const char *reason, *error;
};

/* A proxy's answer to CONNECT, whole, a byte at a time and in pieces: the
 * head only, never a byte of what follows (the tunnel's first bytes). */
T(http_connect_answers)
{
	static const struct pcase cases[] = {
	{ "200", "HTTP/1.1 200 Connection established\r\n\r\n\x16\x03\x03", HTTP_DONE, 39, 200, 1,
	  "Connection established", NULL },
	{ "HTTP/1.0, headers", "HTTP/1.0 200 OK\r\nProxy-Agent: squid\r\nContent-Length: 5\r\n\r\nhello", HTTP_DONE,
	  58, 200, 1, "OK", NULL },
	{ "chunked ignored", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", HTTP_DONE, 47, 200, 1,
	  "OK", NULL },
	{ "407", "HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"x\"\r\n"
	  "Content-Length: 10\r\n\r\n0123456789", HTTP_DONE, 103, 407, 0, "Proxy Authentication Required", NULL },
	{ "100 then 200", "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n\r\nX", HTTP_DONE, 44, 200, 1, "OK", NULL },
	{ "bare LF", "HTTP/1.1 200 OK\n\nX", HTTP_DONE, 17, 200, 1, "OK", NULL },
	{ "403 HTML", "HTTP/1.1 403 Forbidden\r\n\r\n<html>", HTTP_DONE, 26, 403, 0, "Forbidden", NULL },
	{ "not HTTP", "SSH-2.0-OpenSSH\r\n", HTTP_ERROR, 1, 0, 0, "", "not an HTTP response" },
	{ "cut", "HTTP/1.1 200 OK\r\nVia: 1.1 p", HTTP_MORE, 27, 0, 0, "", NULL },
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const struct pcase *c = &cases[i];
		for (int mode = 0; mode < 3; mode++) {
			struct http_resp r;
			char body[1];
			size_t len = strlen(c->in), off = 0, used, k;
			unsigned long seed = 99;
			int res = HTTP_MORE;

			http_resp_init(&r, body, sizeof body);
			r.head_only = 1;
			while (off < len && res == HTTP_MORE) {
				k = mode == 0 ? len - off : mode == 1 ? 1 : 1 + rnd(&seed) % 7;
				if (k > len - off)
					k = len - off;
				res = http_resp_feed(&r, c->in + off, k, &used);
				off += used;
			}
			if (res != c->result || off != c->used || (res == HTTP_DONE &&
			    (r.status != c->status || r.keep_alive != c->keep_alive || strcmp(r.reason, c->reason))) ||
			    (res == HTTP_ERROR && strcmp(r.error, c->error))) {
				t_fail(__FILE__, __LINE__, "%s (mode %d): result %d used %zu status %d keep %d reason "
				    "\"%s\" error \"%s\"", c->name, mode, res, off, r.status, r.keep_alive, r.reason,
				    r.error ? r.error : "");
				return;
			}
		}
	}
}
