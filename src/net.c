/* A connection, step by step inside the loop: the name resolved by dns.c
 * (getaddrinfo blocks and allocates: it never runs here), a non-blocking
 * connect to each address in turn, a CONNECT tunnel when a proxy is in the
 * way, then plain bytes or BearSSL's engine.  connectionTimeoutMillis covers
 * all of it, from the first DNS query to the end of the TLS handshake.
 *
 * Through a proxy TLS still runs end to end: the server name sent (SNI) and
 * checked in the certificate is the endpoint's, never the proxy's. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>
#include "addr.h"
#include "arena.h"
#include "errstr.h"
#include "fmt.h"
#include "log.h"
#include "net.h"

/* A TCP option turned on, made directly: libc's setsockopt and getsockopt
 * bring half a kilobyte of time64 conversions on 32-bit CPUs for options
 * kagent never sets. */
static void tcp_on(int fd, int opt)
{
	int one = 1;

	(void)syscall(SYS_setsockopt, fd, IPPROTO_TCP, opt, &one, (socklen_t)sizeof one);
}

/* A resolution failed but an older answer is there: it is used for this
 * long before the name is asked for again (each try of a dead nameserver
 * would otherwise cost every connection its timeout). */
#define NET_STALE_MS 30000

static const char *host_of(const struct net *n) { return n->via ? n->via->host : n->ep->host; }
static unsigned port_of(const struct net *n) { return n->via ? n->via->port : n->ep->port; }
static const char *proxy_word(const struct net *n) { return n->via ? "the proxy " : ""; }

int net_init(struct net *n, const struct conf *c, const struct conf_endpoint *ep, const struct tls_anchors *ta,
	     char *err, size_t cap)
{
	unsigned char q[12 + 255 + 4];

	memset(n, 0, sizeof *n);
	n->fd = -1;
	n->ep = ep;
	n->timeout_ms = c->connect_timeout_ms;
	n->handshake_ms = c->handshake_timeout_ms;
	if (c->proxy.host[0] && !addr_no_proxy(c->no_proxy, ep->host)) {
		n->via = &c->proxy;
		n->proxy_auth = c->proxy_auth;
		n->creq_len = http_connect_request(n->creq, sizeof n->creq, ep->host, ep->port, c->proxy_auth);
		if (!n->creq_len) {
			fmt_snprintf(err, cap, "%s: the proxy's CONNECT request would not fit in %d bytes", ep->host,
				 NET_CONNECT_REQ_MAX);
			return -1;
		}
	}
	/* dns_start() would say so at every connection: better once, now */
	if (!dns_query_build(q, sizeof q, 0, host_of(n), DNS_TYPE_A)) {
		fmt_snprintf(err, cap, "%s%s: not a valid host name", proxy_word(n), host_of(n));
		return -1;
	}
	dns_init(&n->dns, c->resolv_conf, "/etc/hosts");
	if (ep->tls) {
		n->sc = arena_alloc(sizeof *n->sc);
		n->xc = arena_alloc(sizeof *n->xc);
		n->iobuf = arena_alloc(BR_SSL_BUFSIZE_BIDI);
		tls_client_init(n->sc, n->xc, ta);
		br_ssl_engine_set_buffer(&n->sc->eng, n->iobuf, BR_SSL_BUFSIZE_BIDI, 1);
	} else {
		n->obuf = arena_alloc(NET_PLAIN_BUF);
		n->ibuf = arena_alloc(NET_PLAIN_BUF);
	}
	return 0;
}

static int failf(struct net *n, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int failf(struct net *n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fmt_vsnprintf(n->err, sizeof n->err, fmt, ap);
	va_end(ap);
	return -1;
}

static int fail(struct net *n, const char *what, int err)
{
	return err ? failf(n, "%s: %s", what, errstr(err)) : failf(n, "%s", what);
}

static void close_fd(struct net *n)
{
	if (n->fd >= 0)
		close(n->fd);
	n->fd = -1;
	n->answer_due = n->more = 0;
	n->stash_off = n->stash_len = 0;
}

/* Address cur failed (err: errno, 0 for a timeout): said in n->err, and the
 * next address goes first from now on. */
static void addr_failed(struct net *n, int err, int64_t waited)
{
	char a[64];

	dns_addr_text(&n->dns.addr[n->cur], a, sizeof a);
	if (err)
		failf(n, "connect to %s%s: %s", proxy_word(n), a, errstr(err));
	else
		failf(n, "connect to %s%s: no answer in %lld ms", proxy_word(n), a, (long long)waited);
	if (n->tried > 1) {
		size_t k = strlen(n->err);
		fmt_snprintf(n->err + k, sizeof n->err - k, " (%d addresses tried)", n->tried);
	}
	n->cur = (n->cur + 1) % n->dns.naddr;
	close_fd(n);
}

/* A non-blocking connect to the addresses not yet tried this time, from cur:
 * one that fails at once (no route for its family...) gives way to the
 * next.  Returns 0 (CONNECTING), or -1 when every one failed. */
static int connect_next(struct net *n)
{
	while (n->tried < n->dns.naddr) {
		const struct sockaddr *sa = (const struct sockaddr *)&n->dns.addr[n->cur];
		n->tried++;
		close_fd(n);
		n->fd = socket(sa->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (n->fd < 0) {
			n->state = NET_CLOSED;
			return fail(n, "socket", errno);	/* out of descriptors: no address would do */
		}
		tcp_on(n->fd, TCP_NODELAY);
		if (connect(n->fd, sa, n->dns.addrlen[n->cur]) == 0 || errno == EINPROGRESS) {
			n->state = NET_CONNECTING;
			return 0;
		}
		addr_failed(n, errno, 0);
	}
	n->refresh = 1;		/* the name may have moved: ask again next time */
	n->state = NET_CLOSED;
	return -1;
}

/* The addresses are there (fresh, or the last answer): connect. */
static int begin_connect(struct net *n)
{
	if (!n->dns.naddr) {	/* dns.c never says DONE without one: a guard */
		n->state = NET_CLOSED;
		return failf(n, "%s%s: no address", proxy_word(n), host_of(n));
	}
	if (n->cur >= n->dns.naddr)
		n->cur = 0;	/* a new answer with fewer addresses */
	n->tried = 0;
	return connect_next(n);
}

/* The resolution failed (why): the last answer, if there is one, or the end. */
static int unresolved(struct net *n, int64_t now, const char *why)
{
	n->state = NET_CLOSED;
	if (!n->dns.naddr)
		return failf(n, "cannot resolve %s%s: %s", proxy_word(n), host_of(n), why);
	if (!n->stale_said) {
		log_warnx("cannot resolve %s%s (%s): connecting to the addresses it had before", proxy_word(n),
			  host_of(n), why);
		n->stale_said = 1;
	}
	n->stale_until = now + NET_STALE_MS;
	n->refresh = 0;
	return begin_connect(n);
}

/* The resolution ended (DONE or FAILED). */
static int resolved(struct net *n, int64_t now)
{
	if (dns_state(&n->dns) != DNS_DONE)
		return unresolved(n, now, n->dns.err);
	if (n->stale_said)
		log_info("%s%s resolves again", proxy_word(n), host_of(n));
	n->stale_said = 0;
	n->refresh = 0;
	return begin_connect(n);
}

int net_connect(struct net *n, int64_t now)
{
	net_close(n);
	n->eof = 0;
	n->can_read = 1;
	n->err[0] = 0;
	n->olen = n->ilen = 0;
	n->creq_off = 0;
	n->deadline = now + n->timeout_ms;
	if (n->ep->tls) {
		/* certificates are checked against a time no earlier than the build */
		uint32_t days, secs;
		tls_x509_time(tls_time((int64_t)time(NULL)), &days, &secs);
		br_x509_minimal_set_time(n->xc, days, secs);
		if (!br_ssl_client_reset(n->sc, n->ep->host, 1))
			return fail(n, "TLS reset failed", 0);
	}
	if (!n->refresh && (dns_fresh(&n->dns, now) || (n->stale_said && now < n->stale_until)))
		return begin_connect(n);
	if (dns_start(&n->dns, host_of(n), port_of(n), now) == DNS_BUSY) {
		n->state = NET_RESOLVING;
		return 0;
	}
	return resolved(n, now);
}

int net_pollfd(const struct net *n, short *events)
{
	*events = 0;
	switch (n->state) {
	case NET_CLOSED:
		return -1;
	case NET_RESOLVING:
		return dns_pollfd(&n->dns, events);
	case NET_CONNECTING:
		*events = POLLOUT;
		break;
	case NET_TUNNEL:
		*events = n->creq_off < n->creq_len ? POLLOUT : POLLIN;
		break;
	case NET_HANDSHAKE:
	case NET_OPEN:
		if (n->ep->tls) {
			unsigned st = br_ssl_engine_current_state(&n->sc->eng);
			*events = (st & BR_SSL_SENDREC ? POLLOUT : 0) | (st & BR_SSL_RECVREC ? POLLIN : 0);
		} else {
			*events = (n->olen ? POLLOUT : 0) | (n->ilen < NET_PLAIN_BUF ? POLLIN : 0);
		}
		break;
	}
	return n->fd;
}

int64_t net_due(const struct net *n)
{
	int64_t d;

	switch (n->state) {
	case NET_RESOLVING:
		d = dns_due(&n->dns);
		return d < n->deadline ? d : n->deadline;
	case NET_CONNECTING:
	case NET_TUNNEL:
		return n->deadline;
	case NET_HANDSHAKE:
	case NET_OPEN:
		/* bytes read ahead that BearSSL wants: now, poll() would not say so */
		if (n->stash_off < n->stash_len && n->ep->tls &&
		    br_ssl_engine_current_state(&n->sc->eng) & BR_SSL_RECVREC)
			return 0;
		return n->state == NET_OPEN ? INT64_MAX : n->deadline;
	default:
		return INT64_MAX;
	}
}

/* The deadline passed before the connection was OPEN. */
static int timed_out(struct net *n, int64_t now)
{
	long long ms = (long long)n->timeout_ms;
	char why[64];

	switch (n->state) {
	case NET_RESOLVING:
		dns_cancel(&n->dns);
		/* an older answer gets a connect timeout of its own */
		n->deadline = now + n->timeout_ms;
		fmt_snprintf(why, sizeof why, "no answer in %lld ms (connectionTimeoutMillis)", ms);
		return unresolved(n, now, why);
	case NET_CONNECTING:
		addr_failed(n, 0, ms);
		n->state = NET_CLOSED;
		return -1;
	case NET_TUNNEL:
		return failf(n, "the proxy %s:%u did not answer CONNECT in %lld ms", n->via->host, n->via->port, ms);
	default:
		return failf(n, "TLS handshake: no answer in %lld ms (tlsHandshakeTimeoutMillis)",
			     (long long)n->handshake_ms);
	}
}

/* The proxy: sends CONNECT, reads the answer up to its end and not a byte
 * further (what follows belongs to the tunnel).  Returns 1 once the tunnel
 * is open, 0 while waiting, -1 on failure. */
static int tunnel(struct net *n)
{
	char buf[512];
	ssize_t k;
	size_t used;
	int r;

	while (n->creq_off < n->creq_len) {
		k = send(n->fd, n->creq + n->creq_off, n->creq_len - n->creq_off, MSG_NOSIGNAL);
		if (k > 0)
			n->creq_off += (size_t)k;
		else if (k < 0 && (errno == EAGAIN || errno == EINTR))
			return 0;
		else
			return fail(n, "send to the proxy", errno);
	}
	for (;;) {
		k = recv(n->fd, buf, sizeof buf, MSG_PEEK);
		if (k == 0) {
			n->eof = 1;
			return failf(n, "the proxy %s:%u closed the connection before answering CONNECT",
				     n->via->host, n->via->port);
		}
		if (k < 0)
			return errno == EAGAIN || errno == EINTR ? 0 : fail(n, "recv from the proxy", errno);
		r = http_resp_feed(&n->cresp, buf, (size_t)k, &used);
		if (used && recv(n->fd, buf, used, 0) != (ssize_t)used)
			return fail(n, "recv from the proxy", errno);
		if (r == HTTP_ERROR)
			return failf(n, "the proxy %s:%u answered CONNECT with garbage: %s", n->via->host,
				     n->via->port, n->cresp.error);
		if (r == HTTP_DONE)
			break;
	}
	if (n->cresp.status / 100 == 2)
		return 1;
	return failf(n, "proxy said: HTTP/1.%d %d %s%s", n->cresp.http10 ? 0 : 1, n->cresp.status, n->cresp.reason,
		     n->cresp.status != 407 ? "" :
		     n->proxy_auth[0] ? " (the user and password of the proxy URL were refused)" :
					" (it wants a user and password: http://USER:PASSWORD@HOST:PORT)");
}

/* The first piece of an answer is acknowledged at once: a server that
 * writes its answer in two pieces (head, then body) with Nagle's algorithm
 * waits for the first piece's ACK before it sends the second, and Linux may
 * delay that ACK (40 ms) in the hope of sending it with data of ours, which
 * will not come until the answer is whole.  TCP_QUICKACK, set after that
 * read, sends the ACK it holds; once the rest flows in full segments the
 * kernel acknowledges without waiting.  One system call a request. */
static void quickack(struct net *n)
{
#ifdef TCP_QUICKACK
	tcp_on(n->fd, TCP_QUICKACK);
#else
	(void)n;
#endif
}

/* One send and one receive attempt; returns 1 if bytes moved, 0 if not, -1 on error. */
static int move(struct net *n, unsigned char *out, size_t olen, unsigned char *in, size_t ilen,
		size_t *sent, size_t *got)
{
	ssize_t k;
	int moved = 0, send_err = 0;

	*sent = *got = 0;
	if (olen) {
		k = send(n->fd, out, olen, MSG_NOSIGNAL | (n->more ? MSG_MORE : 0));
		if (k > 0) {
			*sent = (size_t)k;
			moved = 1;
		} else if (k < 0 && errno != EAGAIN && errno != EINTR) {
			/* a peer that closed may have said why first (a TLS
			 * alert): that is read before the send's error is told */
			if (!ilen)
				return fail(n, "send", errno);
			send_err = errno;
			n->can_read = 1;
		}
	}
	if (ilen && n->stash_off < n->stash_len) {
		*got = (size_t)(n->stash_len - n->stash_off) < ilen ? (size_t)(n->stash_len - n->stash_off) : ilen;
		memcpy(in, n->stash + n->stash_off, *got);
		n->stash_off += (unsigned char)*got;
		return 1;
	}
	/* a read that came back short emptied the socket: another would only
	 * say EAGAIN, until poll() says there is more */
	if (ilen && n->can_read) {
		struct iovec v[2] = { { in, ilen }, { n->stash, sizeof n->stash } };
		int tls = n->ep->tls;
		k = readv(n->fd, v, 1 + tls);
		n->can_read = k == (ssize_t)(ilen + (tls ? sizeof n->stash : 0));
		if (k > (ssize_t)ilen) {
			n->stash_off = 0;
			n->stash_len = (unsigned char)(k - (ssize_t)ilen);
			k = (ssize_t)ilen;
		}
		if (k > 0) {
			*got = (size_t)k;
			moved = 1;
			if (n->answer_due) {
				n->answer_due = 0;
				quickack(n);
			}
		} else if (k == 0) {
			n->eof = 1;
			return fail(n, n->state == NET_HANDSHAKE ? "connection closed during the TLS handshake" :
				    "connection closed by the server", 0);
		} else if (errno != EAGAIN && errno != EINTR) {
			return fail(n, "recv", errno);
		}
	}
	if (send_err && !*got)
		return fail(n, "send", send_err);
	return moved;
}

/* Through to the endpoint (TCP, or the proxy's tunnel): the handshake, on
 * a clock of its own, or the application. */
static void through(struct net *n, int64_t now)
{
	n->state = n->ep->tls ? NET_HANDSHAKE : NET_OPEN;
	if (n->state == NET_HANDSHAKE)
		n->deadline = now + n->handshake_ms;
}

/* TCP is up: on to the tunnel, the handshake or the application. */
static void connected(struct net *n, int64_t now)
{
	n->refresh = 0;
	if (n->via) {
		http_resp_init(&n->cresp, n->cresp_body, sizeof n->cresp_body);
		n->cresp.head_only = 1;
		n->state = NET_TUNNEL;
	} else {
		through(n, now);
	}
}

int net_io(struct net *n, short revents, int64_t now)
{
	size_t sent, got;

	if (n->state == NET_CLOSED)
		return 0;
	if (revents & (POLLIN | POLLERR | POLLHUP))
		n->can_read = 1;
	if (n->state == NET_RESOLVING) {
		if (dns_io(&n->dns, revents, now) != DNS_BUSY)
			return resolved(n, now);
		return now >= n->deadline ? timed_out(n, now) : 0;
	}
	if (n->state != NET_OPEN && now >= n->deadline)
		return timed_out(n, now);
	if (n->state == NET_CONNECTING) {
		int e = 0;
		socklen_t len = sizeof e;
		if (!(revents & (POLLOUT | POLLERR | POLLHUP)))
			return 0;
		(void)syscall(SYS_getsockopt, n->fd, SOL_SOCKET, SO_ERROR, &e, &len);
		if (e) {
			addr_failed(n, e, 0);
			return connect_next(n);
		}
		connected(n, now);
	}
	if (n->state == NET_TUNNEL) {
		int r = tunnel(n);
		if (r <= 0)
			return r;
		through(n, now);
	}
	for (;;) {
		int r;
		if (n->ep->tls) {
			br_ssl_engine_context *eng = &n->sc->eng;
			unsigned st = br_ssl_engine_current_state(eng);
			unsigned char *out = NULL, *in = NULL;
			size_t olen = 0, ilen = 0;
			if (st & BR_SSL_CLOSED) {
				int e = br_ssl_engine_last_error(eng);
				if (e == BR_ERR_OK)
					n->eof = 1;
				return fail(n, e == BR_ERR_OK ? "connection closed by the server" : tls_strerror(e), 0);
			}
			if (n->state == NET_HANDSHAKE && (st & BR_SSL_SENDAPP))
				n->state = NET_OPEN;
			if (st & BR_SSL_SENDREC)
				out = br_ssl_engine_sendrec_buf(eng, &olen);
			if (st & BR_SSL_RECVREC)
				in = br_ssl_engine_recvrec_buf(eng, &ilen);
			if ((r = move(n, out, olen, in, ilen, &sent, &got)) < 0)
				return -1;
			if (sent)
				br_ssl_engine_sendrec_ack(eng, sent);
			if (got)
				br_ssl_engine_recvrec_ack(eng, got);
		} else {
			if ((r = move(n, n->obuf, n->olen, n->ibuf + n->ilen, NET_PLAIN_BUF - n->ilen,
				      &sent, &got)) < 0)
				return -1;
			memmove(n->obuf, n->obuf + sent, n->olen - sent);
			n->olen -= sent;
			n->ilen += got;
		}
		n->moved += sent + got;
		if (!r)
			return 0;
	}
}

unsigned char *net_sendbuf(struct net *n, size_t *len)
{
	*len = 0;
	if (n->state != NET_OPEN)
		return NULL;
	if (n->ep->tls)
		return br_ssl_engine_sendapp_buf(&n->sc->eng, len);
	*len = NET_PLAIN_BUF - n->olen;
	return *len ? n->obuf + n->olen : NULL;
}

void net_sendack(struct net *n, size_t len)
{
	n->answer_due = 0;
	n->more = 1;
	if (n->ep->tls)
		br_ssl_engine_sendapp_ack(&n->sc->eng, len);
	else
		n->olen += len;
}

void net_cut(struct net *n)
{
	if (n->ep->tls && n->state == NET_OPEN)
		br_ssl_engine_flush(&n->sc->eng, 0);
}

void net_flush(struct net *n)
{
	net_cut(n);
	n->more = 0;
	if (n->state == NET_OPEN)
		n->answer_due = 1;
}

unsigned char *net_recvbuf(struct net *n, size_t *len)
{
	*len = 0;
	if (n->ep->tls)
		return n->state == NET_OPEN ? br_ssl_engine_recvapp_buf(&n->sc->eng, len) : NULL;
	*len = n->ilen;
	return n->ilen ? n->ibuf : NULL;
}

void net_recvack(struct net *n, size_t len)
{
	if (n->ep->tls) {
		br_ssl_engine_recvapp_ack(&n->sc->eng, len);
	} else {
		memmove(n->ibuf, n->ibuf + len, n->ilen - len);
		n->ilen -= len;
	}
}

void net_close(struct net *n)
{
	if (n->state == NET_RESOLVING)
		dns_cancel(&n->dns);
	if (n->state == NET_CONNECTING && n->dns.naddr)
		n->cur = (n->cur + 1) % n->dns.naddr;	/* abandoned (a deadline): the next address next time */
	close_fd(n);
	n->state = NET_CLOSED;
}

size_t net_send2(struct net *n, const char *a, size_t alen, const char *b, size_t blen, size_t off)
{
	unsigned char *p;
	size_t len, k;

	while (off < alen + blen && (p = net_sendbuf(n, &len)) && len) {
		const char *src = off < alen ? a + off : b + (off - alen);
		size_t left = off < alen ? alen - off : alen + blen - off;

		k = left < len ? left : len;
		memcpy(p, src, k);
		net_sendack(n, k);
		if ((off += k) == alen + blen)
			net_flush(n);
	}
	return off;
}

int net_answer(struct net *n, struct http_resp *r)
{
	unsigned char *p;
	size_t len, used;
	int rc = HTTP_MORE;

	while (rc == HTTP_MORE && (p = net_recvbuf(n, &len))) {
		rc = http_resp_feed(r, (const char *)p, len, &used);
		net_recvack(n, used);
		if (used == 0)
			break;
	}
	return rc;
}
