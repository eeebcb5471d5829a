/* Sockets: resolution at start-up, non-blocking connect, plain or TLS.
 * Name resolution happens once, before the loop: getaddrinfo blocks and
 * allocates, so it must never run inside it. */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "arena.h"
#include "log.h"
#include "net.h"

int net_init(struct net *n, const struct conf_endpoint *ep, const struct tls_anchors *ta, char *err, size_t cap)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res, *ai;
	char port[8];
	int e;

	memset(n, 0, sizeof *n);
	n->fd = -1;
	n->ep = ep;
	snprintf(port, sizeof port, "%u", ep->port);
	if ((e = getaddrinfo(ep->host, port, &hints, &res)) != 0) {
		snprintf(err, cap, "%s: cannot resolve: %s", ep->host, gai_strerror(e));
		return -1;
	}
	for (ai = res; ai && n->naddr < NET_MAX_ADDRS; ai = ai->ai_next) {
		memcpy(&n->addr[n->naddr], ai->ai_addr, ai->ai_addrlen);
		n->addrlen[n->naddr++] = ai->ai_addrlen;
	}
	freeaddrinfo(res);
	if (ep->tls) {
		n->sc = arena_alloc(sizeof *n->sc);
		n->xc = arena_alloc(sizeof *n->xc);
		n->iobuf = arena_alloc(BR_SSL_BUFSIZE_BIDI);
		br_ssl_client_init_full(n->sc, n->xc, ta->ta, ta->n);
		br_ssl_engine_set_buffer(&n->sc->eng, n->iobuf, BR_SSL_BUFSIZE_BIDI, 1);
	} else {
		n->obuf = arena_alloc(NET_PLAIN_BUF);
		n->ibuf = arena_alloc(NET_PLAIN_BUF);
	}
	return 0;
}

static int fail(struct net *n, const char *what, int err)
{
	if (err)
		snprintf(n->err, sizeof n->err, "%s: %s", what, strerror(err));
	else
		snprintf(n->err, sizeof n->err, "%s", what);
	return -1;
}

int net_connect(struct net *n)
{
	const struct sockaddr *sa = (const struct sockaddr *)&n->addr[n->cur];
	int one = 1;

	net_close(n);
	n->eof = 0;
	n->err[0] = 0;
	n->olen = n->ilen = 0;
	n->fd = socket(sa->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (n->fd < 0)
		return fail(n, "socket", errno);
	setsockopt(n->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	if (n->ep->tls && !br_ssl_client_reset(n->sc, n->ep->host, 1))
		return fail(n, "TLS reset failed", 0);
	if (connect(n->fd, sa, n->addrlen[n->cur]) < 0 && errno != EINPROGRESS) {
		int e = errno;
		n->cur = (n->cur + 1) % n->naddr;	/* the next address next time */
		return fail(n, "connect", e);
	}
	n->state = NET_CONNECTING;
	return 0;
}

short net_events(const struct net *n)
{
	if (n->state == NET_CONNECTING)
		return POLLOUT;
	if (n->state != NET_OPEN)
		return 0;
	if (n->ep->tls) {
		unsigned st = br_ssl_engine_current_state(&n->sc->eng);
		return (st & BR_SSL_SENDREC ? POLLOUT : 0) | (st & BR_SSL_RECVREC ? POLLIN : 0);
	}
	return (n->olen ? POLLOUT : 0) | (n->ilen < NET_PLAIN_BUF ? POLLIN : 0);
}

/* One send and one receive attempt; returns 1 if bytes moved, 0 if not, -1 on error. */
static int move(struct net *n, unsigned char *out, size_t olen, unsigned char *in, size_t ilen,
		size_t *sent, size_t *got)
{
	ssize_t k;
	int moved = 0;

	*sent = *got = 0;
	if (olen) {
		k = send(n->fd, out, olen, MSG_NOSIGNAL);
		if (k > 0) {
			*sent = (size_t)k;
			moved = 1;
		} else if (k < 0 && errno != EAGAIN && errno != EINTR) {
			return fail(n, "send", errno);
		}
	}
	if (ilen) {
		k = recv(n->fd, in, ilen, 0);
		if (k > 0) {
			*got = (size_t)k;
			moved = 1;
		} else if (k == 0) {
			n->eof = 1;
			return fail(n, "connection closed by the server", 0);
		} else if (errno != EAGAIN && errno != EINTR) {
			return fail(n, "recv", errno);
		}
	}
	return moved;
}

int net_io(struct net *n, short revents)
{
	size_t sent, got;

	if (n->state == NET_CONNECTING) {
		int e = 0;
		socklen_t len = sizeof e;
		if (!(revents & (POLLOUT | POLLERR | POLLHUP)))
			return 0;
		getsockopt(n->fd, SOL_SOCKET, SO_ERROR, &e, &len);
		if (e) {
			n->cur = (n->cur + 1) % n->naddr;
			return fail(n, "connect", e);
		}
		n->state = NET_OPEN;
	}
	if (n->state != NET_OPEN)
		return -1;
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
	if (n->ep->tls)
		br_ssl_engine_sendapp_ack(&n->sc->eng, len);
	else
		n->olen += len;
}

void net_flush(struct net *n)
{
	if (n->ep->tls && n->state == NET_OPEN)
		br_ssl_engine_flush(&n->sc->eng, 0);
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
	if (n->fd >= 0)
		close(n->fd);
	n->fd = -1;
	n->state = NET_CLOSED;
}
