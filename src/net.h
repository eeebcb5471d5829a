/* One connection to an endpoint: non-blocking socket, plain or TLS, driven
 * like BearSSL's engine: the caller asks for a buffer, writes or reads it,
 * and acknowledges what it used; net_io() moves bytes to and from the socket. */
#ifndef NET_H
#define NET_H
#include <stddef.h>
#include <netinet/in.h>
#include <bearssl.h>
#include "conf.h"
#include "tls.h"

#define NET_MAX_ADDRS 4
#define NET_PLAIN_BUF 16384

enum net_state { NET_CLOSED, NET_CONNECTING, NET_OPEN };

struct net {
	int fd;
	enum net_state state;
	const struct conf_endpoint *ep;
	struct sockaddr_storage addr[NET_MAX_ADDRS];
	socklen_t addrlen[NET_MAX_ADDRS];
	int naddr, cur;
	int eof;			/* the peer closed its side */
	char err[128];			/* why the connection failed */
	/* TLS */
	br_ssl_client_context *sc;
	br_x509_minimal_context *xc;
	unsigned char *iobuf;
	/* plain: the bytes waiting to go, the bytes received */
	unsigned char *obuf, *ibuf;
	size_t olen, ilen;
};

/* Start-up: resolves the endpoint and takes the buffers (arena).
 * Returns 0, or -1 with a message in err. */
int net_init(struct net *n, const struct conf_endpoint *ep, const struct tls_anchors *ta, char *err, size_t cap);
/* Starts a non-blocking connect.  Returns 0, or -1 (n->err says why). */
int net_connect(struct net *n);
/* The poll events the connection waits for. */
short net_events(const struct net *n);
/* Moves bytes between the socket and the buffers.  Returns 0, or -1 when the
 * connection failed or the peer closed it (n->err, n->eof say which). */
int net_io(struct net *n, short revents);
/* Room for application bytes to send (NULL while the handshake runs). */
unsigned char *net_sendbuf(struct net *n, size_t *len);
void net_sendack(struct net *n, size_t len);
/* Sends what was written even if it does not fill a record. */
void net_flush(struct net *n);
/* Application bytes received (NULL if none). */
unsigned char *net_recvbuf(struct net *n, size_t *len);
void net_recvack(struct net *n, size_t len);
void net_close(struct net *n);
#endif
