/* One connection to an endpoint: name resolution, non-blocking connect,
 * maybe a tunnel through an HTTP proxy, plain or TLS; driven like BearSSL's
 * engine: the caller asks for a buffer, writes or reads it, and acknowledges
 * what it used; net_io() moves bytes to and from the socket.  Nothing here
 * blocks or allocates after net_init(). */
#ifndef NET_H
#define NET_H
#include <stddef.h>
#include <stdint.h>
#include <bearssl.h>
#include "conf.h"
#include "dns.h"
#include "http.h"
#include "tls.h"

#define NET_PLAIN_BUF 16384
#define NET_CONNECT_REQ_MAX 1024	/* CONNECT host:port, Host, Proxy-Authorization (conf: 255 + 255 bytes) */

/* CLOSED -> RESOLVING -> CONNECTING -> [TUNNEL] -> [HANDSHAKE] -> OPEN;
 * RESOLVING is skipped while the last answer is fresh, TUNNEL without a
 * proxy, HANDSHAKE for plain http.  Any failure: back to CLOSED. */
enum net_state {
	NET_CLOSED,
	NET_RESOLVING,		/* the DNS queries are out */
	NET_CONNECTING,		/* TCP connect under way */
	NET_TUNNEL,		/* CONNECT sent to the proxy, its answer awaited */
	NET_HANDSHAKE,		/* TLS handshake */
	NET_OPEN,		/* application bytes may flow */
};

struct net {
	int fd;
	enum net_state state;
	const struct conf_endpoint *ep;	/* where the requests go */
	const struct conf_endpoint *via; /* the proxy connected to instead, or NULL */
	int64_t timeout_ms;		/* connectionTimeoutMillis: resolution to the TLS handshake */
	int64_t handshake_ms;		/* tlsHandshakeTimeoutMillis: the handshake */
	int64_t deadline;		/* of the connection under way */
	int eof;			/* the peer closed its side */
	int answer_due;			/* a request was flushed: ACK its answer's first piece at once */
	int more;			/* a message is being written: its records go out with MSG_MORE */
	int can_read;			/* bytes may be waiting: poll said so, and no read since came back short */
	uint64_t moved;			/* bytes sent and received, TLS records included */
	/* TLS: the next record's header, read with the record before it (one
	 * read a record, not two); given to BearSSL before the socket is read */
	unsigned char stash[5];
	unsigned char stash_off, stash_len;
	char err[384];			/* why the connection failed */
	/* the addresses of ep (or via), tried in turn */
	struct dns_res dns;
	int cur, tried;			/* the address to try, and how many this time */
	int refresh;			/* every address failed: resolve again, fresh or not */
	int stale_said;			/* resolving fails: said once, the last answer used */
	int64_t stale_until;		/* and not asked for again before then */
	/* the tunnel: the request (sent from off), the proxy's answer */
	const char *proxy_auth;
	char creq[NET_CONNECT_REQ_MAX];
	size_t creq_len, creq_off;
	struct http_resp cresp;
	char cresp_body[1];
	/* TLS */
	br_ssl_client_context *sc;
	br_x509_minimal_context *xc;
	unsigned char *iobuf;
	/* plain: the bytes waiting to go, the bytes received */
	unsigned char *obuf, *ibuf;
	size_t olen, ilen;
};

/* Start-up: takes the buffers (arena) and settles the route to ep: through
 * c's proxy unless c->no_proxy excludes ep->host.  Resolves nothing.
 * Returns 0, or -1 with a message in err. */
int net_init(struct net *n, const struct conf *c, const struct conf_endpoint *ep, const struct tls_anchors *ta,
	     char *err, size_t cap);
/* Starts a connection: from the last answer while it is fresh (an IP
 * address always is), else after a resolution.  Returns 0, or -1 (n->err
 * says why). */
int net_connect(struct net *n, int64_t now);
/* The socket to poll and its events (the DNS socket while resolving); -1
 * and 0 when there is none. */
int net_pollfd(const struct net *n, short *events);
/* When net_io() must run at the latest, revents or not: the resolver's next
 * retransmission, the connection's deadline (INT64_MAX: none). */
int64_t net_due(const struct net *n);
/* Does what there is to do: reads DNS answers, finishes the connect, talks
 * to the proxy, moves bytes between the socket and the buffers; fails the
 * connection whose deadline passed.  revents: what poll() gave for the fd
 * of net_pollfd() (0 if nothing); the socket is read only after poll()
 * said POLLIN, until a read comes back short (POLLIN given: read now
 * whatever the last poll() said).  Returns 0, or -1 when the connection
 * failed or the peer closed it (n->err, n->eof say which); it is then
 * CLOSED. */
int net_io(struct net *n, short revents, int64_t now);
/* Room for application bytes to send (NULL until OPEN). */
unsigned char *net_sendbuf(struct net *n, size_t *len);
void net_sendack(struct net *n, size_t len);
/* The message written is whole: sent now, even if it does not fill a
 * record.  Until then its records go out with MSG_MORE, so the kernel
 * sends full segments and wakes the peer once for several records. */
void net_flush(struct net *n);
/* Ends the record being written; more of the message follows. */
void net_cut(struct net *n);
/* Application bytes received (NULL if none). */
unsigned char *net_recvbuf(struct net *n, size_t *len);
void net_recvack(struct net *n, size_t len);
/* Drops the connection (and a resolution under way). */
void net_close(struct net *n);

/* A request and its answer, for the callers that hold the whole request:
 * net_send2 copies into the connection what it takes of the bytes a (alen
 * of them) then b (blen) from off, the count already sent, flushes once
 * all are out and returns the new count; net_answer feeds the bytes read
 * into r: HTTP_DONE or HTTP_ERROR when the answer is whole or bad,
 * HTTP_MORE while it waits for more. */
size_t net_send2(struct net *n, const char *a, size_t alen, const char *b, size_t blen, size_t off);
int net_answer(struct net *n, struct http_resp *r);
#endif
