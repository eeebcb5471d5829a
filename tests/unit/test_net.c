/* The connection's steps driven in-process against sockets the test plays
 * the other side of: a nameserver (UDP), a proxy, a server.  Deadlines are
 * met by passing a later "now", never by sleeping. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include "errstr.h"
#include "t.h"
#include "clock.h"
#include "net.h"

/* ---- the other side ---- */

/* A socket of type on 127.0.0.1 (or ::1 if v6), port chosen by the kernel
 * (in *port); listening if TCP, with room for every connection a test
 * leaves unaccepted. */
static int
server(int type, int v6, unsigned *port)
{
	struct sockaddr_storage ss = { 0 };
	socklen_t len = v6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
	int fd = socket(v6 ? AF_INET6 : AF_INET, type | SOCK_CLOEXEC, 0);

	if (v6) {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
		a->sin6_family = AF_INET6;
		a->sin6_addr = in6addr_loopback;
	} else {
		struct sockaddr_in *a = (struct sockaddr_in *)&ss;
		a->sin_family = AF_INET;
		a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	}
	if (fd < 0 || bind(fd, (struct sockaddr *)&ss, len) < 0 || (type == SOCK_STREAM && listen(fd, 64) < 0) ||
	    getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
		return -1;
	*port = ntohs(v6 ? ((struct sockaddr_in6 *)&ss)->sin6_port : ((struct sockaddr_in *)&ss)->sin_port);
	return fd;
}

/* Waits up to ms for fd to be readable. */
static int
readable(int fd, int ms)
{
	struct pollfd p = { fd, POLLIN, 0 };

	return poll(&p, 1, ms) == 1;
}

/* Reads from fd until "\r\n\r\n" (a request head) into buf; its length. */
static size_t
read_head(int fd, char *buf, size_t cap)
{
	size_t n = 0;

	while (n < cap - 1 && readable(fd, 2000)) {
		ssize_t k = recv(fd, buf + n, 1, 0);
		if (k <= 0)
			break;
		n += (size_t)k;
		buf[n] = 0;
		if (n >= 4 && !memcmp(buf + n - 4, "\r\n\r\n", 4))
			break;
	}
	buf[n] = 0;
	return n;
}

/* Runs the connection's poll and net_io until it is in state want, fails,
 * or 2 s pass.  Returns net_io's last result (0 when want was reached). */
static int
drive(struct net *n, enum net_state want)
{
	int64_t end = mono_ms() + 2000;

	while (n->state != want && mono_ms() < end) {
		struct pollfd p;
		p.fd = net_pollfd(n, &p.events);
		p.revents = 0;
		if (p.fd >= 0)
			poll(&p, 1, 50);
		if (net_io(n, p.revents, mono_ms()) < 0)
			return -1;
	}
	return n->state == want ? 0 : 1;
}

/* The nameserver: reads one query; its id, name's end and type. */
static ssize_t
dns_read(int fd, unsigned char *q, size_t cap, struct sockaddr_storage *from, socklen_t *fl, int *qtype)
{
	ssize_t k;
	size_t o = 12;

	if (!readable(fd, 2000))
		return -1;
	*fl = sizeof *from;
	k = recvfrom(fd, q, cap, 0, (struct sockaddr *)from, fl);
	if (k < 16)
		return -1;
	while (o < (size_t)k && q[o])
		o += 1 + q[o];
	*qtype = q[o + 1] << 8 | q[o + 2];
	return (ssize_t)o + 5;	/* the question's end */
}

/* Answers the query q (question ending at qend) with the addresses of
 * family-matching type in a (n of them, 4 or 16 bytes each), TTL ttl. */
static void
dns_answer(int fd, const unsigned char *q, size_t qend, const struct sockaddr_storage *to, socklen_t tl,
    const unsigned char (*a)[16], int n, int alen, uint32_t ttl)
{
	unsigned char p[512];
	size_t o = qend;
	int i;

	memcpy(p, q, qend);
	p[2] = 0x81;	/* QR, RD */
	p[3] = 0x80;	/* RA, NOERROR */
	p[6] = 0;
	p[7] = (unsigned char)n;
	p[8] = p[9] = p[10] = p[11] = 0;
	for (i = 0; i < n; i++) {
		unsigned char rr[12] = { 0xc0, 0x0c, 0, alen == 4 ? 1 : 28, 0, 1,
			(unsigned char)(ttl >> 24), (unsigned char)(ttl >> 16), (unsigned char)(ttl >> 8),
			(unsigned char)ttl, 0, (unsigned char)alen };
		memcpy(p + o, rr, 12);
		memcpy(p + o + 12, a[i], (size_t)alen);
		o += 12 + (size_t)alen;
	}
	sendto(fd, p, o, 0, (const struct sockaddr *)to, tl);
}

/* Answers the next two queries (A and AAAA, any order) with v4 (n4 of
 * them) and v6 (n6). */
static int
dns_serve(int fd, const unsigned char (*v4)[16], int n4, const unsigned char (*v6)[16], int n6, uint32_t ttl)
{
	for (int i = 0; i < 2; i++) {
		unsigned char q[512];
		struct sockaddr_storage from;
		socklen_t fl;
		int qtype;
		ssize_t end = dns_read(fd, q, sizeof q, &from, &fl, &qtype);
		if (end < 0)
			return -1;
		if (qtype == DNS_TYPE_A)
			dns_answer(fd, q, (size_t)end, &from, fl, v4, n4, 4, ttl);
		else
			dns_answer(fd, q, (size_t)end, &from, fl, v6, n6, 16, ttl);
	}
	return 0;
}

static const unsigned char lo4[1][16] = { { 127, 0, 0, 1 } };
static const unsigned char lo6[1][16] = { { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 } };

/* ---- the setting ---- */

struct rig {
	struct conf c;
	struct conf_endpoint ep;
	struct net n;
	char resolv[64];
	int dns;		/* the nameserver's socket */
	unsigned dns_port;
};

/* A plain endpoint host:port (TLS if tls: no anchors, nothing verifies),
 * resolved by a nameserver of the test's (timeout 1 s, 1 attempt). */
static int
rig_init(struct rig *g, const char *host, unsigned port, int tls, int64_t connect_ms)
{
	char text[128];
	int fd, k;

	memset(g, 0, sizeof *g);
	if ((g->dns = server(SOCK_DGRAM, 0, &g->dns_port)) < 0)
		return -1;
	snprintf(g->resolv, sizeof g->resolv, "/tmp/kagent-unit-resolv-XXXXXX");
	if ((fd = mkstemp(g->resolv)) < 0)
		return -1;
	k = snprintf(text, sizeof text, "nameserver 127.0.0.1:%u\noptions timeout:1 attempts:1\n", g->dns_port);
	if (write(fd, text, (size_t)k) != k)
		return -1;
	close(fd);
	g->c.resolv_conf = g->resolv;
	g->c.connect_timeout_ms = connect_ms;
	g->ep.tls = tls;
	snprintf(g->ep.host, sizeof g->ep.host, "%s", host);
	g->ep.port = port;
	return 0;
}

static void
rig_proxy(struct rig *g, unsigned port, const char *auth)
{
	snprintf(g->c.proxy.host, sizeof g->c.proxy.host, "127.0.0.1");
	g->c.proxy.port = port;
	snprintf(g->c.proxy_auth, sizeof g->c.proxy_auth, "%s", auth);
}

static int
rig_net(struct rig *g)
{
	char err[256];
	static const struct tls_anchors none = { NULL, 0 };

	return net_init(&g->n, &g->c, &g->ep, &none, err, sizeof err);
}

static void
rig_end(struct rig *g)
{
	net_close(&g->n);
	close(g->dns);
	unlink(g->resolv);
}

/* Nothing came to the nameserver. */
static int
no_query(struct rig *g)
{
	return !readable(g->dns, 0);
}

/* ---- tests ---- */

/* The name is resolved inside the loop: RESOLVING, the DNS socket polled,
 * then a connect to the answer; a second connection reuses the answer. */
T(net_resolves_without_blocking)
{
	struct rig g;
	unsigned port;
	int lfd = server(SOCK_STREAM, 0, &port), afd;
	short ev;
	int64_t now = mono_ms();

	T_TRUE(lfd >= 0 && rig_init(&g, "fh.test", port, 0, 5000) == 0);
	T_EQ_INT(rig_net(&g), 0);
	T_EQ_INT(net_pollfd(&g.n, &ev), -1);
	T_EQ_INT(net_due(&g.n), INT64_MAX);
	T_EQ_INT(net_connect(&g.n, now), 0);
	T_EQ_INT(g.n.state, NET_RESOLVING);
	T_TRUE(net_pollfd(&g.n, &ev) >= 0);
	T_EQ_INT(ev, POLLIN);
	T_EQ_INT(net_due(&g.n), now + 1000);	/* resolv.conf's timeout:1, before connectionTimeoutMillis */
	T_EQ_INT(dns_serve(g.dns, lo4, 1, lo6, 0, 60), 0);
	T_EQ_INT(drive(&g.n, NET_OPEN), 0);
	afd = accept(lfd, NULL, NULL);
	T_TRUE(afd >= 0);
	T_EQ_INT(net_due(&g.n), INT64_MAX);
	/* small requests leave at once (net.c sets the option itself) */
	int nodelay = 0;
	socklen_t optlen = sizeof nodelay;
	T_EQ_INT(getsockopt(g.n.fd, IPPROTO_TCP, TCP_NODELAY, &nodelay, &optlen), 0);
	T_EQ_INT(nodelay, 1);

	/* bytes both ways */
	size_t len;
	unsigned char *p = net_sendbuf(&g.n, &len);
	T_TRUE(p && len == NET_PLAIN_BUF);
	memcpy(p, "ping", 4);
	net_sendack(&g.n, 4);
	T_EQ_INT(net_io(&g.n, POLLOUT, mono_ms()), 0);
	char buf[8] = { 0 };
	T_TRUE(readable(afd, 2000) && recv(afd, buf, sizeof buf, 0) == 4);
	T_EQ_STR(buf, "ping");
	T_TRUE(send(afd, "pong", 4, 0) == 4 && readable(net_pollfd(&g.n, &ev), 2000));
	T_EQ_INT(net_io(&g.n, POLLIN, mono_ms()), 0);
	p = net_recvbuf(&g.n, &len);
	T_EQ_MEM(p, len, "pong", 4);
	close(afd);

	/* within the TTL: no query, straight to the connect */
	net_close(&g.n);
	T_EQ_INT(net_connect(&g.n, mono_ms() + 59000), 0);
	T_EQ_INT(g.n.state, NET_CONNECTING);
	T_TRUE(no_query(&g));
	/* past it: asked again */
	net_close(&g.n);
	T_EQ_INT(net_connect(&g.n, mono_ms() + 61000), 0);
	T_EQ_INT(g.n.state, NET_RESOLVING);
	T_EQ_INT(dns_serve(g.dns, lo4, 1, lo6, 0, 60), 0);
	rig_end(&g);
	close(lfd);
}

/* A nameserver that never answers: the resolver's own timeout, or
 * connectionTimeoutMillis when that comes first. */
T(net_resolution_times_out)
{
	struct rig g;
	char want[160];
	int64_t now = mono_ms();

	T_TRUE(rig_init(&g, "fh.test", 443, 0, 5000) == 0);
	T_EQ_INT(rig_net(&g), 0);
	T_EQ_INT(net_connect(&g.n, now), 0);
	T_EQ_INT(net_due(&g.n), now + 1000);
	T_EQ_INT(net_io(&g.n, 0, now + 999), 0);
	T_EQ_INT(g.n.state, NET_RESOLVING);
	T_EQ_INT(net_io(&g.n, 0, now + 1000), -1);
	snprintf(want, sizeof want, "cannot resolve fh.test: no answer from 127.0.0.1:%u after 1 attempt",
	    g.dns_port);
	T_EQ_STR(g.n.err, want);
	T_EQ_INT(g.n.state, NET_CLOSED);
	rig_end(&g);

	T_TRUE(rig_init(&g, "fh.test", 443, 0, 500) == 0);
	T_EQ_INT(rig_net(&g), 0);
	T_EQ_INT(net_connect(&g.n, now), 0);
	T_EQ_INT(net_due(&g.n), now + 500);
	T_EQ_INT(net_io(&g.n, 0, now + 500), -1);
	T_EQ_STR(g.n.err, "cannot resolve fh.test: no answer in 500 ms (connectionTimeoutMillis)");
	short ev;
	T_EQ_INT(net_pollfd(&g.n, &ev), -1);	/* the DNS socket is closed */
	rig_end(&g);
}

/* The name stops resolving: the last answer is used (said once) and not
 * asked for again for a while; when the name resolves again, it is said. */
T(net_stale_answer_is_used)
{
	struct rig g;
	unsigned port;
	int lfd = server(SOCK_STREAM, 0, &port);
	int64_t now = mono_ms();
	char want[300];
	const char *err;

	T_TRUE(lfd >= 0 && rig_init(&g, "fh.test", port, 0, 5000) == 0);
	T_EQ_INT(rig_net(&g), 0);
	T_EQ_INT(net_connect(&g.n, now), 0);
	T_EQ_INT(dns_serve(g.dns, lo4, 1, lo6, 0, 5), 0);
	T_EQ_INT(drive(&g.n, NET_OPEN), 0);
	net_close(&g.n);

	now += 6000;		/* past the TTL: asked again, and no answer */
	T_EQ_INT(net_connect(&g.n, now), 0);
	T_EQ_INT(g.n.state, NET_RESOLVING);
	t_capture_begin();
	T_EQ_INT(net_io(&g.n, 0, now + 1000), 0);
	err = t_capture_end();
	T_EQ_INT(g.n.state, NET_CONNECTING);
	snprintf(want, sizeof want, "kagent: warning: cannot resolve fh.test (no answer from 127.0.0.1:%u after 1 "
	    "attempt): connecting to the addresses it had before\n", g.dns_port);
	T_EQ_STR(err, want);
	T_EQ_INT(drive(&g.n, NET_OPEN), 0);
	net_close(&g.n);
	while (readable(g.dns, 0))	/* the queries unanswered */
		recv(g.dns, want, sizeof want, 0);

	/* for 30 s the old answer goes without asking */
	t_capture_begin();
	T_EQ_INT(net_connect(&g.n, now + 1000 + 29999), 0);
	T_EQ_INT(g.n.state, NET_CONNECTING);
	T_TRUE(no_query(&g));
	net_close(&g.n);
	/* then the name is asked for, fails again: said no more */
	T_EQ_INT(net_connect(&g.n, now + 1000 + 30000), 0);
	T_EQ_INT(g.n.state, NET_RESOLVING);
	T_EQ_INT(net_io(&g.n, 0, now + 1000 + 31000), 0);
	T_EQ_INT(g.n.state, NET_CONNECTING);
	net_close(&g.n);
	while (readable(g.dns, 0))
		recv(g.dns, want, sizeof want, 0);
	/* a connect timeout while resolving also falls back on it, with a
	 * timeout of its own for the connect */
	g.n.timeout_ms = 500;
	T_EQ_INT(net_connect(&g.n, now + 62000), 0);
	T_EQ_INT(g.n.state, NET_RESOLVING);
	T_EQ_INT(net_due(&g.n), now + 62500);
	T_EQ_INT(net_io(&g.n, 0, now + 62500), 0);
	T_EQ_INT(g.n.state, NET_CONNECTING);
	T_EQ_INT(net_due(&g.n), now + 63000);
	net_close(&g.n);
	g.n.timeout_ms = 5000;
	while (readable(g.dns, 0))
		recv(g.dns, want, sizeof want, 0);
	/* and the name resolves again */
	T_EQ_INT(net_connect(&g.n, now + 100000), 0);
	T_EQ_INT(dns_serve(g.dns, lo4, 1, lo6, 0, 5), 0);
	T_EQ_INT(drive(&g.n, NET_OPEN), 0);
	T_EQ_STR(t_capture_end(), "kagent: fh.test resolves again\n");
	rig_end(&g);
	close(lfd);
}

/* An address refused goes to the next at once; one that does not answer
 * in time is tried last the next time. */
T(net_tries_each_address)
{
	struct rig g;
	unsigned port;
	int lfd = server(SOCK_STREAM, 1, &port);	/* on ::1 only */
	int64_t now = mono_ms();
	char want[160];

	T_TRUE(lfd >= 0 && rig_init(&g, "fh.test", port, 0, 5000) == 0);
	T_EQ_INT(rig_net(&g), 0);
	T_EQ_INT(net_connect(&g.n, now), 0);
	T_EQ_INT(dns_serve(g.dns, lo4, 1, lo6, 1, 60), 0);
	T_EQ_INT(drive(&g.n, NET_OPEN), 0);	/* 127.0.0.1 refused, then ::1 */
	T_EQ_INT(g.n.cur, 1);
	net_close(&g.n);
	/* the one that worked goes first now */
	T_EQ_INT(net_connect(&g.n, now), 0);
	T_EQ_INT(drive(&g.n, NET_OPEN), 0);
	T_EQ_INT(g.n.cur, 1);
	net_close(&g.n);
	/* a connect with no answer in time: the next address the next time */
	T_EQ_INT(net_connect(&g.n, now), 0);
	T_EQ_INT(g.n.state, NET_CONNECTING);
	T_EQ_INT(net_due(&g.n), now + 5000);
	T_EQ_INT(net_io(&g.n, 0, now + 5000), -1);
	snprintf(want, sizeof want, "connect to [::1]:%u: no answer in 5000 ms", port);
	T_EQ_STR(g.n.err, want);
	T_EQ_INT(g.n.cur, 0);
	T_EQ_INT(g.n.state, NET_CLOSED);
	/* every address refused: said, and the name asked for again next time */
	close(lfd);
	T_EQ_INT(net_connect(&g.n, now), 0);
	T_EQ_INT(drive(&g.n, NET_OPEN), -1);
	/* the errno's text aside: qemu-user (7.2) hands a MIPS program the
	 * host's SO_ERROR number untranslated */
	snprintf(want, sizeof want, "connect to [::1]:%u: ", port);
	T_TRUE(strncmp(g.n.err, want, strlen(want)) == 0);
	T_TRUE(strlen(g.n.err) > strlen(want) + 20);
	T_EQ_STR(g.n.err + strlen(g.n.err) - 20, " (2 addresses tried)");
	T_TRUE(strstr(g.n.err, errstr(ECONNREFUSED)) || strstr(g.n.err, "error 111"));
	net_close(&g.n);
	T_EQ_INT(net_connect(&g.n, now), 0);
	T_EQ_INT(g.n.state, NET_RESOLVING);
	rig_end(&g);
}

/* A message written in pieces leaves with MSG_MORE until it is whole: the
 * kernel holds what is less than a segment (64 KiB on loopback) and wakes
 * the peer once, not once a piece (a record, with TLS); the last piece
 * is not held back. */
T(net_message_leaves_whole)
{
	struct rig g;
	unsigned port;
	int lfd = server(SOCK_STREAM, 0, &port), afd;
	char got[10001];
	size_t n = 0;

	T_TRUE(lfd >= 0 && rig_init(&g, "127.0.0.1", port, 0, 5000) == 0);
	T_EQ_INT(rig_net(&g), 0);
	T_EQ_INT(net_connect(&g.n, mono_ms()), 0);
	T_EQ_INT(drive(&g.n, NET_OPEN), 0);
	T_TRUE((afd = accept(lfd, NULL, NULL)) >= 0);
	for (int i = 0; i < 10; i++) {
		size_t len;
		unsigned char *p = net_sendbuf(&g.n, &len);
		T_TRUE(p && len >= 1000);
		memset(p, 'a' + i, 1000);
		net_sendack(&g.n, 1000);
		if (i == 9)
			net_flush(&g.n);
		T_EQ_INT(net_io(&g.n, POLLOUT, mono_ms()), 0);
		if (i < 9)
			T_TRUE(!readable(afd, 0));	/* held: more follows */
	}
	while (n < 10000 && readable(afd, 2000)) {
		ssize_t k = recv(afd, got + n, sizeof got - n, 0);
		if (k <= 0)
			break;
		n += (size_t)k;
	}
	T_EQ_INT(n, 10000);
	T_TRUE(got[0] == 'a' && got[999] == 'a' && got[9000] == 'j' && got[9999] == 'j');
	close(afd);
	close(lfd);
	rig_end(&g);
}

/* Accepts the proxy's connection and reads the CONNECT request. */
static int
proxy_accept(int lfd, struct net *n, char *req, size_t cap)
{
	int afd;

	/* the request goes out with the turn that finds the connect done */
	if (drive(n, NET_TUNNEL) != 0 || (afd = accept(lfd, NULL, NULL)) < 0)
		return -1;
	read_head(afd, req, cap);
	return afd;
}

/* Through a proxy: CONNECT for the endpoint's name, the answer read to its
 * end and no further; the endpoint's name is never resolved. */
T(net_proxy_tunnel)
{
	struct rig g;
	unsigned port;
	int lfd = server(SOCK_STREAM, 0, &port), afd;
	char req[1024];
	static const char ans[] = "HTTP/1.1 200 Connection established\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n";
	size_t len;
	unsigned char *p;

	T_TRUE(lfd >= 0 && rig_init(&g, "fh.test", 8443, 0, 5000) == 0);
	rig_proxy(&g, port, "Basic dTpw");
	T_EQ_INT(rig_net(&g), 0);
	T_TRUE(g.n.via == &g.c.proxy);
	T_EQ_INT(net_connect(&g.n, mono_ms()), 0);
	T_EQ_INT(g.n.state, NET_CONNECTING);	/* the proxy is an address: nothing to resolve */
	T_TRUE((afd = proxy_accept(lfd, &g.n, req, sizeof req)) >= 0);
	T_EQ_STR(req, "CONNECT fh.test:8443 HTTP/1.1\r\nHost: fh.test:8443\r\n"
	    "Proxy-Authorization: Basic dTpw\r\n\r\n");
	T_EQ_INT(g.n.state, NET_TUNNEL);
	short ev;
	T_EQ_INT(net_pollfd(&g.n, &ev), g.n.fd);
	T_EQ_INT(ev, POLLIN);
	T_TRUE(send(afd, ans, sizeof ans - 1, 0) == (ssize_t)sizeof ans - 1);
	T_EQ_INT(drive(&g.n, NET_OPEN), 0);
	p = net_recvbuf(&g.n, &len);
	T_EQ_MEM(p, len, "HTTP/1.1 204 No Content\r\n\r\n", 27);
	T_TRUE(no_query(&g));
	close(afd);
	rig_end(&g);
	close(lfd);
}

T(net_proxy_refuses)
{
	static const struct { const char *auth, *ans, *err; } cases[] = {
	{ "", "HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic\r\n\r\n",
	  "proxy said: HTTP/1.1 407 Proxy Authentication Required (it wants a user and password: "
	  "http://USER:PASSWORD@HOST:PORT)" },
	{ "Basic eDp5", "HTTP/1.0 407 Proxy Authentication Required\r\n\r\n",
	  "proxy said: HTTP/1.0 407 Proxy Authentication Required (the user and password of the proxy URL "
	  "were refused)" },
	{ "", "HTTP/1.1 403 Forbidden\r\nContent-Length: 3\r\n\r\nno\n", "proxy said: HTTP/1.1 403 Forbidden" },
	{ "", "HTTP/1.1 502 Bad Gateway\r\n\r\n", "proxy said: HTTP/1.1 502 Bad Gateway" },
	{ "", "SSH-2.0-OpenSSH_9.6\r\n", "the proxy 127.0.0.1:%u answered CONNECT with garbage: not an HTTP response" },
	{ "", "", "the proxy 127.0.0.1:%u closed the connection before answering CONNECT" },
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct rig g;
		unsigned port;
		int lfd = server(SOCK_STREAM, 0, &port), afd;
		char req[1024], want[256];

		T_TRUE(lfd >= 0 && rig_init(&g, "fh.test", 443, 1, 5000) == 0);
		rig_proxy(&g, port, cases[i].auth);
		T_EQ_INT(rig_net(&g), 0);
		T_EQ_INT(net_connect(&g.n, mono_ms()), 0);
		T_TRUE((afd = proxy_accept(lfd, &g.n, req, sizeof req)) >= 0);
		send(afd, cases[i].ans, strlen(cases[i].ans), 0);
		if (!cases[i].ans[0])
			shutdown(afd, SHUT_WR);
		T_EQ_INT(drive(&g.n, NET_OPEN), -1);
		snprintf(want, sizeof want, cases[i].err, port);
		T_EQ_STR(g.n.err, want);
		close(afd);
		rig_end(&g);
		close(lfd);
	}
}

/* TLS through the proxy: the ClientHello names the endpoint (SNI), not the
 * proxy; a handshake with no answer fails tlsHandshakeTimeoutMillis after
 * the tunnel opened. */
T(net_tls_through_proxy)
{
	struct rig g;
	unsigned port;
	int lfd = server(SOCK_STREAM, 0, &port), afd;
	char req[1024];
	unsigned char hello[2048];
	static const char ok[] = "HTTP/1.1 200 OK\r\n\r\n";
	ssize_t k;
	int64_t t0;

	T_TRUE(lfd >= 0 && rig_init(&g, "fh.test", 443, 1, 5000) == 0);
	g.c.handshake_timeout_ms = 30000;
	rig_proxy(&g, port, "");
	T_EQ_INT(rig_net(&g), 0);
	t0 = mono_ms();
	T_EQ_INT(net_connect(&g.n, t0), 0);
	T_TRUE((afd = proxy_accept(lfd, &g.n, req, sizeof req)) >= 0);
	T_EQ_STR(req, "CONNECT fh.test:443 HTTP/1.1\r\nHost: fh.test:443\r\n\r\n");
	T_TRUE(send(afd, ok, sizeof ok - 1, 0) == (ssize_t)sizeof ok - 1);
	T_EQ_INT(drive(&g.n, NET_HANDSHAKE), 0);
	T_TRUE(readable(afd, 2000));
	k = recv(afd, hello, sizeof hello, 0);
	T_TRUE(k > 5 && hello[0] == 22);	/* a handshake record */
	T_TRUE(memmem(hello, (size_t)k, "\0\7fh.test", 9) != NULL);	/* server_name: 7 bytes */
	T_TRUE(memmem(hello, (size_t)k, "127.0.0.1", 9) == NULL);
	T_TRUE(net_due(&g.n) >= t0 + 30000 && net_due(&g.n) <= mono_ms() + 30000);
	T_EQ_INT(net_io(&g.n, 0, t0 + 5000), 0);	/* connectionTimeoutMillis is over */
	T_EQ_INT(net_io(&g.n, 0, net_due(&g.n)), -1);
	T_EQ_STR(g.n.err, "TLS handshake: no answer in 30000 ms (tlsHandshakeTimeoutMillis)");
	close(afd);
	rig_end(&g);
	close(lfd);
}

/* no_proxy sends a host around the proxy; a host name that cannot be one
 * is refused at start-up. */
T(net_init_routes)
{
	struct rig g;
	char err[256];
	static const struct tls_anchors none = { NULL, 0 };

	T_TRUE(rig_init(&g, "firehose.us-east-1.amazonaws.com", 443, 0, 5000) == 0);
	rig_proxy(&g, 3128, "");
	g.c.no_proxy = "localhost,.amazonaws.com";
	T_EQ_INT(rig_net(&g), 0);
	T_TRUE(g.n.via == NULL);
	g.c.no_proxy = "localhost";
	T_EQ_INT(rig_net(&g), 0);
	T_TRUE(g.n.via == &g.c.proxy);
	rig_end(&g);

	T_TRUE(rig_init(&g, "bad..name", 443, 0, 5000) == 0);
	T_EQ_INT(net_init(&g.n, &g.c, &g.ep, &none, err, sizeof err), -1);
	T_EQ_STR(err, "bad..name: not a valid host name");
	rig_end(&g);
}

/* Certificates are checked against max(system clock, build time), in
 * BearSSL's days since 0000-01-01. */
T(net_tls_time)
{
	uint32_t d, s;

	int64_t built = tls_time(0);	/* tls.c's KAGENT_BUILD_TIME */

	T_TRUE(built > 1700000000 && built <= (int64_t)time(NULL));
	T_EQ_INT(tls_time(-1), built);
	T_EQ_INT(tls_time(built - 86400), built);
	T_EQ_INT(tls_time(built), built);
	T_EQ_INT(tls_time(built + 1), built + 1);
	tls_x509_time(0, &d, &s);
	T_EQ_INT(d, 719528);
	T_EQ_INT(s, 0);
	tls_x509_time(1795464948, &d, &s);	/* 2026-11-23 20:15:48 */
	T_EQ_INT(d, 740308);
	T_EQ_INT(s, 20 * 3600 + 15 * 60 + 48);
	tls_x509_time(4294967296LL, &d, &s);	/* 2106-02-07 06:28:16: past 32 bits */
	T_EQ_INT(d, 719528 + 49710);
	T_EQ_INT(s, 6 * 3600 + 28 * 60 + 16);
	tls_x509_time(-1, &d, &s);
	T_EQ_INT(d, 719527);
	T_EQ_INT(s, 86399);
}
