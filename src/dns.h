/* Name resolution inside the loop: no blocking, no heap.
 *
 * Two layers, like the HTTP parser and the connection:
 *  - a codec of pure functions over byte arrays: dns_query_build() writes a
 *    query, dns_answer_parse() checks and reads an answer (it faces the
 *    network: any input is safe); dns_conf_parse() and dns_hosts_find() read
 *    resolv.conf and /etc/hosts text;
 *  - a driver, struct dns_res, that the loop pumps like a connection:
 *    dns_pollfd() says what to poll, dns_io() does what there is to do,
 *    dns_due() says when it must be called at the latest.
 *
 * What getaddrinfo does and this does not: search domains and ndots (an
 * endpoint's host is a full name), TCP for truncated answers, EDNS, DNSSEC,
 * nsswitch.conf, RFC 6724 address sorting (see dns_res.addr for the order). */
#ifndef DNS_H
#define DNS_H
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>
#include <sys/socket.h>

#define DNS_MAX_ADDRS 4		/* addresses kept from an answer, tried in turn by net.c */
#define DNS_MAX_NS 3		/* nameservers used, as glibc's and musl's MAXNS */
#define DNS_NAME_MAX 253	/* a host name's text, without the final dot (RFC 1035 2.3.4: 255 on the wire) */
#define DNS_PKT_MAX 1232	/* an answer read; 512 without EDNS (RFC 1035 4.2.1), more from a server that ignores that */
#define DNS_TIMEOUT_S 5		/* per try, unless resolv.conf says "options timeout:N" (musl's default) */
#define DNS_ATTEMPTS 2		/* rounds over the nameservers, unless "options attempts:N" (musl's default) */
#define DNS_TTL_MIN_S 5		/* an answer is reused this long at least (a TTL of 0 included) */
#define DNS_TTL_MAX_S 3600	/* and this long at most, whatever its TTL */
#define DNS_GRACE_A_MS 50	/* A answered: AAAA gets this much longer */
#define DNS_GRACE_AAAA_MS 250	/* AAAA answered: A, the family tried first, gets this much longer */
#define DNS_LINE_MAX 512	/* a resolv.conf or hosts line this long or longer is skipped */
#define DNS_FILE_MAX 65536	/* bytes of resolv.conf or hosts read at most */

#define DNS_TYPE_A 1
#define DNS_TYPE_AAAA 28

/* ---------------------------------------------------------------- codec */

/* Writes a query for name (a host name, one final dot allowed) and qtype,
 * recursion desired, into buf.  Returns its length, or 0 if name is not a
 * valid host name (an empty label, a label over 63 bytes, over 253 bytes in
 * all) or the query does not fit in cap bytes. */
size_t dns_query_build(unsigned char *buf, size_t cap, uint16_t id, const char *name, int qtype);

enum dns_status {
	DNS_ANS_OK,		/* NOERROR: naddr addresses, 0 if the name has no record of the type */
	DNS_ANS_NXDOMAIN,	/* the name does not exist */
	DNS_ANS_SERVFAIL,
	DNS_ANS_REFUSED,
	DNS_ANS_RCODE,		/* another RCODE (FORMERR, NOTIMP...): in rcode */
	DNS_ANS_TRUNC,		/* truncated (TC) without a usable address: it would take TCP */
	DNS_ANS_NOTOURS,	/* not an answer to this query (id, QR, opcode, question): ignore it */
	DNS_ANS_BAD,		/* an answer to this query, but garbled */
};

struct dns_answer {
	int rcode;
	int naddr;
	unsigned char addr[DNS_MAX_ADDRS][16];	/* network order; A: the first 4 bytes */
	uint32_t ttl;		/* smallest TTL of the records used (CNAMEs included), seconds */
};

/* Reads pkt (len bytes) as the answer to the query (id, name, qtype) built by
 * dns_query_build().  The question must be ours (names compared ignoring
 * case), in every answer, an error (SERVFAIL, REFUSED, FORMERR...) too: one
 * without it is not ours.  CNAMEs in the answer section are followed from
 * name (at most 8, in any order); the addresses are the qtype records of the
 * last name, in answer order, the first DNS_MAX_ADDRS.  A truncated (TC)
 * answer gives the records it holds whole.  Returns a dns_status; a is
 * filled for DNS_ANS_OK and its rcode for every status but DNS_ANS_NOTOURS.
 * Never reads outside pkt[0..len). */
int dns_answer_parse(const unsigned char *pkt, size_t len, uint16_t id, const char *name, int qtype,
    struct dns_answer *a);

/* ---------------------------------------------------------------- files */

struct dns_conf {
	struct sockaddr_storage ns[DNS_MAX_NS];	/* port 53 unless ":PORT" */
	socklen_t nslen[DNS_MAX_NS];
	int nns;		/* 1.. : 127.0.0.1 when the file names none */
	int timeout_ms;		/* per try */
	int attempts;
};

/* Reads resolv.conf text (n bytes, as by the file reader: lines of at most
 * DNS_LINE_MAX - 1 bytes, the first DNS_FILE_MAX bytes): the first
 * DNS_MAX_NS "nameserver ADDR" lines (IPv4, or IPv6 with an optional %scope,
 * a number or an interface name), "options timeout:N attempts:N" (seconds,
 * 1..60, and 1..10, as musl caps them).  Anything else is ignored.
 * kagent only, for tests: ADDR may be "IPv4:PORT" or "[IPv6]:PORT" (other
 * resolvers ignore such a line). */
void dns_conf_parse(struct dns_conf *c, const char *text, size_t n);

/* Looks name up in hosts text (n bytes, same limits): the address of the
 * first line naming it (case ignored; an alias counts) of each family, into
 * a4 (naddr 0 or 1) and a6.  An IPv6 %scope is dropped.  Returns
 * a4->naddr + a6->naddr. */
int dns_hosts_find(const char *text, size_t n, const char *name, struct dns_answer *a4,
    struct dns_answer *a6);

/* ---------------------------------------------------------------- driver */

enum dns_state { DNS_IDLE, DNS_BUSY, DNS_DONE, DNS_FAILED };

struct dns_stamp {		/* a file as last read: reread only when it changed */
	int seen;		/* 0: never looked at; 1: there; 2: missing */
	int64_t dev, ino, size, mtime_ns;
};

struct dns_q {			/* one of the two queries (private) */
	uint16_t id;
	int qtype;
	int final;		/* answered for good: status, ans, ns */
	int status;
	int ns;			/* nameserver that gave status / err_status */
	int err_status;		/* not final: the last server error (SERVFAIL...), 0 if none */
	int err_rcode;
	int failed_try;		/* try in which the server queried said err_status; -1 */
	struct dns_answer ans;
};

struct dns_res {
	/* The answer: valid in DNS_DONE, and kept when a later resolution
	 * fails (stale, but maybe still right).  Port set.  IPv4 first, then
	 * the families alternate, each in answer order: IPv4 first because on
	 * small devices IPv6 often has no route beyond the link, and a
	 * black-holed connect costs a whole connect timeout; alternating
	 * because an unroutable family fails at once (ENETUNREACH), so the
	 * next address tried is the other family. */
	struct sockaddr_storage addr[DNS_MAX_ADDRS];
	socklen_t addrlen[DNS_MAX_ADDRS];
	int naddr;
	int64_t expiry;		/* monotonic ms: fresh until then (INT64_MAX: an IP literal) */
	char err[192];		/* DNS_FAILED: why ("NXDOMAIN from 10.0.0.1:53"...) */
	int timeout_ms;		/* per try; 0: resolv.conf's.  Tests set a short one. */

	/* private */
	enum dns_state state;
	const char *resolv_path, *hosts_path;
	struct dns_conf conf;
	struct dns_stamp resolv_st, hosts_st;
	char hosts_name[DNS_NAME_MAX + 1];	/* the name hosts4/hosts6 are for */
	struct dns_answer hosts4, hosts6;
	char name[DNS_NAME_MAX + 1];
	unsigned port;
	int fd, fd_family;
	struct dns_q q[2];	/* A, AAAA */
	int try, ntries;	/* try t goes to nameserver t % nns */
	unsigned sent;		/* nameservers queried (bits): answers from others are ignored */
	char neterr[96];	/* the last send failure */
	int64_t deadline;	/* of the current try */
	int64_t grace;		/* one family answered: the other has until then */
};

/* Start-up: r idle, resolv.conf read.  resolv_conf and hosts (NULL: none)
 * are paths kept as given; both are read again, if they changed, at every
 * dns_start(). */
void dns_init(struct dns_res *r, const char *resolv_conf, const char *hosts);
/* Resolves host (a name, or an IP literal without brackets) for port.  An IP
 * literal or a hosts entry is DNS_DONE at once; else the A and AAAA queries
 * are sent from a new non-blocking UDP socket and r is DNS_BUSY.  A
 * resolution under way is abandoned.  Returns the state. */
enum dns_state dns_start(struct dns_res *r, const char *host, unsigned port, int64_t now);
/* The socket to poll while DNS_BUSY (events: POLLIN), else -1. */
int dns_pollfd(const struct dns_res *r, short *events);
/* Reads the answers there are (revents: what poll() gave for the socket; 0
 * just checks the deadlines), retransmits or finishes when a deadline has
 * passed.  Returns the state. */
enum dns_state dns_io(struct dns_res *r, short revents, int64_t now);
/* When dns_io() must be called next at the latest (INT64_MAX unless busy). */
int64_t dns_due(const struct dns_res *r);
enum dns_state dns_state(const struct dns_res *r);
/* 1 if r holds an answer still within its TTL: no query needed. */
int dns_fresh(const struct dns_res *r, int64_t now);
/* Abandons a resolution under way (the socket is closed): back to DNS_IDLE. */
void dns_cancel(struct dns_res *r);
/* An address and port for the log: "10.0.0.1:53", "[2001:db8::1]:443". */
void dns_addr_text(const struct sockaddr_storage *ss, char *out, size_t cap);
#endif
