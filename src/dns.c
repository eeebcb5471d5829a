/* DNS stub resolver: codec, resolv.conf and hosts readers, driver.
 *
 * The driver works like glibc's resolver, the nameservers in turn: try t
 * sends the queries still unanswered to nameserver t % nns and waits
 * timeout_ms; attempts rounds over the list, then it gives up.  A server
 * error (SERVFAIL, REFUSED...) moves on to the next try at once.  Both
 * queries share one socket and each keeps its id for the whole resolution,
 * so a slow server's late answer to an earlier try still counts; answers are
 * taken only from a nameserver queried, to a pending query's id, with our
 * question in them (the kernel picks a random source port; the ids come from
 * rnd.c, seeded from getrandom).
 *
 * Everything here is called from the loop: open/read/close on the two files
 * (regular files: a read does not wait; O_NONBLOCK in case the path is a
 * FIFO), socket calls.  Nothing allocates. */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <arpa/inet.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include "addr.h"
#include "dns.h"
#include "errstr.h"
#include "fmt.h"
#include "rnd.h"

#define WIRE_MAX 255		/* a name on the wire (RFC 1035 2.3.4) */
#define MAX_HOPS 128		/* compression pointers followed in one name: a loop ends here */
#define MAX_CNAME 8		/* CNAMEs followed in one answer */
#define RECV_BATCH 16		/* datagrams read per dns_io(): a flood cannot hold the loop */
#define TYPE_CNAME 5
#define CLASS_IN 1
#define RCODE_SERVFAIL 2
#define RCODE_NXDOMAIN 3
#define RCODE_REFUSED 5

/* ---------------------------------------------------------------- codec */

static unsigned get16(const unsigned char *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

static uint32_t get32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

/* name in wire form into out (at most WIRE_MAX bytes), lower-cased if low.
 * Returns its length, or 0 if name is not a valid host name. */
static size_t name_wire(const char *name, unsigned char *out, int low)
{
	size_t len = strlen(name), n = 0, i = 0;

	if (len && name[len - 1] == '.')
		len--;
	if (len == 0 || len > DNS_NAME_MAX || name[len - 1] == '.')
		return 0;
	while (i < len) {
		size_t j = i;
		while (j < len && name[j] != '.')
			j++;
		if (j == i || j - i > 63)
			return 0;
		out[n++] = (unsigned char)(j - i);
		for (; i < j; i++)
			out[n++] = (unsigned char)(low ? lower((unsigned char)name[i]) : name[i]);
		i = j + 1;	/* past the dot */
	}
	out[n++] = 0;
	return n;
}

size_t dns_query_build(unsigned char *buf, size_t cap, uint16_t id, const char *name, int qtype)
{
	unsigned char wire[WIRE_MAX];
	size_t n = name_wire(name, wire, 0);

	if (n == 0 || cap < 12 + n + 4)
		return 0;
	memset(buf, 0, 12);
	buf[0] = (unsigned char)(id >> 8);
	buf[1] = (unsigned char)id;
	buf[2] = 0x01;		/* RD */
	buf[5] = 1;		/* QDCOUNT */
	memcpy(buf + 12, wire, n);
	buf[12 + n] = (unsigned char)(qtype >> 8);
	buf[13 + n] = (unsigned char)qtype;
	buf[14 + n] = 0;
	buf[15 + n] = CLASS_IN;
	return 12 + n + 4;
}

/* Reads the name at *off in p (len bytes) into out, in wire form and lower
 * case, following compression pointers (at most MAX_HOPS of them, and the
 * name at most WIRE_MAX bytes: so a pointer loop ends).  *off moves past the
 * name as it is stored at *off.  Returns the length of out, 0 if garbled. */
static size_t name_read(const unsigned char *p, size_t len, size_t *off, unsigned char *out)
{
	size_t at = *off, n = 0, end = 0;
	int hops = 0;

	for (;;) {
		unsigned c;
		if (at >= len)
			return 0;
		c = p[at];
		if (c == 0) {
			out[n++] = 0;
			*off = hops ? end : at + 1;
			return n;
		}
		if ((c & 0xc0) == 0xc0) {
			if (at + 1 >= len || ++hops > MAX_HOPS)
				return 0;
			if (hops == 1)
				end = at + 2;
			at = (c & 0x3f) << 8 | p[at + 1];
			continue;
		}
		if (c & 0xc0)		/* 0x40, 0x80: label types never deployed */
			return 0;
		if (at + 1 + c > len || n + 1 + c + 1 > WIRE_MAX)
			return 0;
		out[n++] = (unsigned char)c;
		for (unsigned i = 0; i < c; i++)
			out[n++] = (unsigned char)lower(p[at + 1 + i]);
		at += 1 + c;
	}
}

struct rr {
	unsigned char owner[WIRE_MAX];
	size_t owner_len;
	unsigned type, class;
	uint32_t ttl;
	size_t rdata, rdlen;	/* offset and length of its data */
};

/* Reads the record at *off; moves *off past it.  Returns 0, -1 if it does
 * not lie whole within len or its owner is garbled. */
static int rr_read(const unsigned char *p, size_t len, size_t *off, struct rr *r)
{
	size_t o = *off;

	r->owner_len = name_read(p, len, &o, r->owner);
	if (!r->owner_len || len - o < 10)
		return -1;
	r->type = get16(p + o);
	r->class = get16(p + o + 2);
	r->ttl = get32(p + o + 4);
	if (r->ttl & 0x80000000u)	/* RFC 2181 8: read as 0 */
		r->ttl = 0;
	r->rdlen = get16(p + o + 8);
	r->rdata = o + 10;
	if (len - r->rdata < r->rdlen)
		return -1;
	*off = r->rdata + r->rdlen;
	return 0;
}

static int same(const unsigned char *a, size_t an, const unsigned char *b, size_t bn)
{
	return an == bn && memcmp(a, b, an) == 0;
}

int dns_answer_parse(const unsigned char *p, size_t len, uint16_t id, const char *name, int qtype,
    struct dns_answer *a)
{
	unsigned char want[WIRE_MAX], got[WIRE_MAX], next[WIRE_MAX];
	size_t wn, gn, off = 12, start, nrec, i;
	unsigned qd, an, rcode, tc;
	uint32_t ttl = UINT32_MAX;
	struct rr r;
	int hops;

	memset(a, 0, sizeof *a);
	wn = name_wire(name, want, 1);
	if (len < 12 || !wn || get16(p) != id)
		return DNS_ANS_NOTOURS;
	if (!(p[2] & 0x80) || (p[2] & 0x78))	/* a query, or opcode not QUERY */
		return DNS_ANS_NOTOURS;
	tc = p[2] & 0x02;
	rcode = p[3] & 0x0f;
	qd = get16(p + 4);
	an = get16(p + 6);
	/* An answer echoes the question, an error too: a spoofed SERVFAIL or
	 * REFUSED (which moves on to the next nameserver, or ends the
	 * resolution) must guess the name and type as well as the id and port. */
	if (qd != 1)
		return DNS_ANS_NOTOURS;
	a->rcode = (int)rcode;
	gn = name_read(p, len, &off, got);
	if (!gn || len - off < 4)
		return DNS_ANS_BAD;
	if (!same(got, gn, want, wn) || get16(p + off) != (unsigned)qtype || get16(p + off + 2) != CLASS_IN)
		return DNS_ANS_NOTOURS;
	off += 4;
	switch (rcode) {
	case 0:
		break;
	case RCODE_NXDOMAIN:
		return DNS_ANS_NXDOMAIN;
	case RCODE_SERVFAIL:
		return DNS_ANS_SERVFAIL;
	case RCODE_REFUSED:
		return DNS_ANS_REFUSED;
	default:
		return DNS_ANS_RCODE;
	}

	/* The records that lie whole in the packet; past them, only a
	 * truncated answer may end. */
	start = off;
	for (nrec = 0; nrec < an; nrec++)
		if (rr_read(p, len, &off, &r) < 0) {
			if (!tc)
				return DNS_ANS_BAD;
			break;
		}

	/* From our name along the CNAMEs (a loop ends at MAX_CNAME). */
	for (hops = 0;; hops++) {
		size_t nn = 0;
		off = start;
		for (i = 0; i < nrec && !nn; i++) {
			rr_read(p, len, &off, &r);
			if (r.type == TYPE_CNAME && r.class == CLASS_IN && same(r.owner, r.owner_len, want, wn)) {
				size_t t = r.rdata;
				nn = name_read(p, len, &t, next);
				if (!nn || t != r.rdata + r.rdlen)
					return DNS_ANS_BAD;
			}
		}
		if (!nn)
			break;
		if (hops == MAX_CNAME)
			return DNS_ANS_BAD;
		if (r.ttl < ttl)
			ttl = r.ttl;
		memcpy(want, next, nn);
		wn = nn;
	}

	off = start;
	for (i = 0; i < nrec; i++) {
		rr_read(p, len, &off, &r);
		if (r.type != (unsigned)qtype || r.class != CLASS_IN || !same(r.owner, r.owner_len, want, wn))
			continue;
		if (r.rdlen != (qtype == DNS_TYPE_A ? 4u : 16u)) {
			a->naddr = 0;
			return DNS_ANS_BAD;
		}
		if (a->naddr == DNS_MAX_ADDRS)
			continue;
		memcpy(a->addr[a->naddr++], p + r.rdata, r.rdlen);
		if (r.ttl < ttl)
			ttl = r.ttl;
	}
	if (!a->naddr) {
		a->ttl = 0;
		return tc ? DNS_ANS_TRUNC : DNS_ANS_OK;
	}
	a->ttl = ttl;
	return DNS_ANS_OK;
}

/* ---------------------------------------------------------------- files */

typedef void (*line_fn)(void *ctx, const char *s, size_t n);

/* Calls fn on each line of text (without its '\n'), as file_lines() would. */
static void text_lines(const char *text, size_t n, line_fn fn, void *ctx)
{
	size_t i = 0;

	if (n > DNS_FILE_MAX)
		n = DNS_FILE_MAX;
	while (i < n) {
		const char *nl = memchr(text + i, '\n', n - i);
		size_t e = nl ? (size_t)(nl - text) : n;
		if (e - i < DNS_LINE_MAX)
			fn(ctx, text + i, e - i);
		i = e + 1;
	}
}

/* Calls fn on each line read from fd, at most DNS_FILE_MAX bytes in all,
 * through one small buffer: a line of DNS_LINE_MAX bytes or more is skipped. */
static void file_lines(int fd, line_fn fn, void *ctx)
{
	char buf[DNS_LINE_MAX];
	size_t have = 0, total = 0;
	int skip = 0;

	while (total < DNS_FILE_MAX) {
		size_t want = sizeof buf - have, start = 0, i;
		ssize_t k;
		if (want > DNS_FILE_MAX - total)
			want = DNS_FILE_MAX - total;
		k = read(fd, buf + have, want);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		total += (size_t)k;
		for (i = have; i < have + (size_t)k; i++)
			if (buf[i] == '\n') {
				if (!skip)
					fn(ctx, buf + start, i - start);
				skip = 0;
				start = i + 1;
			}
		have += (size_t)k - start;
		memmove(buf, buf + start, have);
		if (have == sizeof buf) {	/* a line too long: drop it up to its end */
			skip = 1;
			have = 0;
		}
	}
	if (have && !skip)
		fn(ctx, buf, have);
}

static int blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* The next blank-separated word of s[*at..n): its length, 0 at the end. */
static size_t word(const char *s, size_t n, size_t *at, const char **w)
{
	size_t i = *at, j;

	while (i < n && blank(s[i]))
		i++;
	for (j = i; j < n && !blank(s[j]); j++)
		;
	*w = s + i;
	*at = j;
	return j - i;
}

static int word_is(const char *w, size_t n, const char *s)
{
	return n == strlen(s) && memcmp(w, s, n) == 0;
}

/* An IP address (IPv6 with an optional %scope) of n bytes into ss, port 0.
 * Returns its length, 0 if it is none. */
/* An interface's index, 0 if none has that name: if_nametoindex's ioctl,
 * made directly (libc's ioctl() brings a kilobyte of time64 conversions). */
static unsigned dns_ifindex(const char *name)
{
	struct ifreq ifr;
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	long r;

	if (fd < 0)
		return 0;
	memset(&ifr, 0, sizeof ifr);
	memcpy(ifr.ifr_name, name, strnlen(name, IF_NAMESIZE - 1));
	r = syscall(SYS_ioctl, fd, SIOCGIFINDEX, &ifr);
	close(fd);
	return r < 0 ? 0 : (unsigned)ifr.ifr_ifindex;
}

static socklen_t addr_parse(const char *s, size_t n, struct sockaddr_storage *ss)
{
	char buf[INET6_ADDRSTRLEN + IF_NAMESIZE + 2];
	const char *pct = memchr(s, '%', n);
	size_t alen = pct ? (size_t)(pct - s) : n;
	unsigned char a[16];
	int af;

	if (alen == 0 || alen >= INET6_ADDRSTRLEN)
		return 0;
	memcpy(buf, s, alen);
	buf[alen] = 0;
	af = addr_pton(buf, a);
	memset(ss, 0, sizeof *ss);
	if (af == AF_INET && !pct) {
		struct sockaddr_in *in = (struct sockaddr_in *)ss;
		in->sin_family = AF_INET;
		memcpy(&in->sin_addr, a, 4);
		return sizeof *in;
	}
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
	if (af != AF_INET6)
		return 0;
	in6->sin6_family = AF_INET6;
	memcpy(&in6->sin6_addr, a, 16);
	if (pct) {
		size_t sl = n - alen - 1, i;
		unsigned long v = 0;
		if (sl == 0 || sl >= IF_NAMESIZE)
			return 0;
		memcpy(buf, pct + 1, sl);
		buf[sl] = 0;
		for (i = 0; i < sl && buf[i] >= '0' && buf[i] <= '9' && v < 0xffffffffUL / 10; i++)
			v = v * 10 + (unsigned long)(buf[i] - '0');
		in6->sin6_scope_id = i == sl ? (uint32_t)v : dns_ifindex(buf);
	}
	return sizeof *in6;
}

static void set_port(struct sockaddr_storage *ss, unsigned port)
{
	if (ss->ss_family == AF_INET)
		((struct sockaddr_in *)ss)->sin_port = htons((uint16_t)port);
	else
		((struct sockaddr_in6 *)ss)->sin6_port = htons((uint16_t)port);
}

/* A nameserver's ADDR, with kagent's ":PORT" (see dns.h). */
static socklen_t ns_parse(const char *s, size_t n, struct sockaddr_storage *ss)
{
	const char *end = s + n, *a = s, *p = NULL, *colon = memchr(s, ':', n);
	size_t alen = n;
	socklen_t len;
	unsigned long port = 53;

	if (n && s[0] == '[') {		/* [IPv6]:PORT */
		const char *close = memchr(s, ']', n);
		if (!close || end - close < 2 || close[1] != ':')
			return 0;
		a = s + 1;
		alen = (size_t)(close - a);
		p = close + 2;
	} else if (colon && !memchr(colon + 1, ':', (size_t)(end - colon - 1))) {
		alen = (size_t)(colon - s);	/* IPv4:PORT: one colon only */
		p = colon + 1;
	}
	if (p) {
		if (end - p < 1 || end - p > 5)
			return 0;
		for (port = 0; p < end; p++) {
			if (*p < '0' || *p > '9')
				return 0;
			port = port * 10 + (unsigned long)(*p - '0');
		}
		if (port == 0 || port > 65535)
			return 0;
	}
	if (!(len = addr_parse(a, alen, ss)))
		return 0;
	set_port(ss, (unsigned)port);
	return len;
}

/* A number after "key:" in an options word; -1 if none. */
static long opt_num(const char *w, size_t n, const char *key)
{
	size_t k = strlen(key), i;
	long v = 0;

	if (n <= k || memcmp(w, key, k) != 0)
		return -1;
	for (i = k; i < n && w[i] >= '0' && w[i] <= '9' && v < 1000000; i++)
		v = v * 10 + (w[i] - '0');
	return i == k ? -1 : v;
}

static void conf_begin(struct dns_conf *c)
{
	memset(c, 0, sizeof *c);
	c->timeout_ms = DNS_TIMEOUT_S * 1000;
	c->attempts = DNS_ATTEMPTS;
}

static void conf_line(void *ctx, const char *s, size_t n)
{
	struct dns_conf *c = ctx;
	const char *w;
	size_t at = 0, k = word(s, n, &at, &w);
	long v;

	if (word_is(w, k, "nameserver")) {
		k = word(s, n, &at, &w);
		if (k && c->nns < DNS_MAX_NS && (c->nslen[c->nns] = ns_parse(w, k, &c->ns[c->nns])))
			c->nns++;
	} else if (word_is(w, k, "options")) {
		while ((k = word(s, n, &at, &w))) {
			if ((v = opt_num(w, k, "timeout:")) >= 0)
				c->timeout_ms = (int)(v < 1 ? 1 : v > 60 ? 60 : v) * 1000;
			else if ((v = opt_num(w, k, "attempts:")) >= 0)
				c->attempts = (int)(v < 1 ? 1 : v > 10 ? 10 : v);
		}
	}
}

static void conf_end(struct dns_conf *c)
{
	struct sockaddr_in *in = (struct sockaddr_in *)&c->ns[0];

	if (c->nns)
		return;
	memset(&c->ns[0], 0, sizeof c->ns[0]);
	in->sin_family = AF_INET;
	in->sin_port = htons(53);
	in->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	c->nslen[0] = sizeof *in;
	c->nns = 1;
}

void dns_conf_parse(struct dns_conf *c, const char *text, size_t n)
{
	conf_begin(c);
	text_lines(text, n, conf_line, c);
	conf_end(c);
}

struct hosts_ctx {
	const char *name;
	size_t len;
	struct dns_answer *a4, *a6;
};

static void hosts_line(void *ctx, const char *s, size_t n)
{
	struct hosts_ctx *h = ctx;
	const char *hash = memchr(s, '#', n), *w, *aw;
	size_t at = 0, k, ak, i;
	struct sockaddr_storage ss;
	struct dns_answer *a;
	int family;

	if (hash)
		n = (size_t)(hash - s);
	if (!(ak = word(s, n, &at, &aw)) || !addr_parse(aw, ak, &ss))
		return;
	family = ss.ss_family;
	a = family == AF_INET ? h->a4 : h->a6;
	if (a->naddr)
		return;		/* this family has its first match */
	while ((k = word(s, n, &at, &w))) {
		if (k > 1 && w[k - 1] == '.')
			k--;
		if (k != h->len)
			continue;
		for (i = 0; i < k && lower((unsigned char)w[i]) == lower((unsigned char)h->name[i]); i++)
			;
		if (i < k)
			continue;
		if (family == AF_INET)
			memcpy(a->addr[0], &((struct sockaddr_in *)&ss)->sin_addr, 4);
		else
			memcpy(a->addr[0], &((struct sockaddr_in6 *)&ss)->sin6_addr, 16);
		a->naddr = 1;
		return;
	}
}

static void hosts_begin(struct hosts_ctx *h, const char *name, struct dns_answer *a4, struct dns_answer *a6)
{
	h->name = name;
	h->len = strlen(name);
	if (h->len && name[h->len - 1] == '.')
		h->len--;
	h->a4 = a4;
	h->a6 = a6;
	memset(a4, 0, sizeof *a4);
	memset(a6, 0, sizeof *a6);
}

int dns_hosts_find(const char *text, size_t n, const char *name, struct dns_answer *a4,
    struct dns_answer *a6)
{
	struct hosts_ctx h;

	hosts_begin(&h, name, a4, a6);
	if (h.len)
		text_lines(text, n, hosts_line, &h);
	return a4->naddr + a6->naddr;
}

/* Opens path and tells whether it differs from *st as last read (then *st
 * is updated).  Returns the open fd (-1 if missing) in *fd. */
static int file_changed(const char *path, struct dns_stamp *st, int *fd)
{
	struct dns_stamp now = { 2, 0, 0, 0, 0 };
	struct stat sb;
	int eq;

	*fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (*fd >= 0 && fstat(*fd, &sb) == 0) {
		now.seen = 1;
		now.dev = (int64_t)sb.st_dev;
		now.ino = (int64_t)sb.st_ino;
		now.size = (int64_t)sb.st_size;
		now.mtime_ns = (int64_t)sb.st_mtim.tv_sec * 1000000000 + sb.st_mtim.tv_nsec;
	}
	eq = now.seen == st->seen && now.dev == st->dev && now.ino == st->ino && now.size == st->size &&
	    now.mtime_ns == st->mtime_ns;
	if (eq)
		return 0;
	*st = now;
	return 1;
}

static void reload_conf(struct dns_res *r)
{
	int fd = -1;

	if (!r->resolv_path) {
		if (!r->conf.nns)
			dns_conf_parse(&r->conf, "", 0);
		return;
	}
	if (file_changed(r->resolv_path, &r->resolv_st, &fd)) {
		conf_begin(&r->conf);
		if (fd >= 0)
			file_lines(fd, conf_line, &r->conf);
		conf_end(&r->conf);
	}
	if (fd >= 0)
		close(fd);
}

/* The hosts entries for r->name, read again only if the file or the name
 * changed.  Returns how many addresses. */
static int hosts_lookup(struct dns_res *r)
{
	struct hosts_ctx h;
	int fd = -1, changed;

	if (!r->hosts_path)
		return 0;
	changed = file_changed(r->hosts_path, &r->hosts_st, &fd);
	if (changed || strcmp(r->hosts_name, r->name) != 0) {
		hosts_begin(&h, r->name, &r->hosts4, &r->hosts6);
		if (fd >= 0)
			file_lines(fd, hosts_line, &h);
		memcpy(r->hosts_name, r->name, sizeof r->name);
	}
	if (fd >= 0)
		close(fd);
	return r->hosts4.naddr + r->hosts6.naddr;
}

/* ---------------------------------------------------------------- driver */

static socklen_t sa_make(struct sockaddr_storage *ss, int family, const unsigned char *a, unsigned port)
{
	memset(ss, 0, sizeof *ss);
	if (family == AF_INET) {
		struct sockaddr_in *in = (struct sockaddr_in *)ss;
		in->sin_family = AF_INET;
		in->sin_port = htons((uint16_t)port);
		memcpy(&in->sin_addr, a, 4);
		return sizeof *in;
	}
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
	in6->sin6_family = AF_INET6;
	in6->sin6_port = htons((uint16_t)port);
	memcpy(&in6->sin6_addr, a, 16);
	return sizeof *in6;
}

void dns_addr_text(const struct sockaddr_storage *ss, char *out, size_t cap)
{
	char a[ADDR_TEXT_MAX];

	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)ss;
		addr_hostport(out, cap, addr_ntop(AF_INET, &in->sin_addr, a), ntohs(in->sin_port));
	} else {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)ss;
		addr_hostport(out, cap, addr_ntop(AF_INET6, &in6->sin6_addr, a), ntohs(in6->sin6_port));
	}
}

/* The answer: IPv4 first, then the families alternate (see dns.h). */
static void set_answer(struct dns_res *r, const struct dns_answer *a4, const struct dns_answer *a6)
{
	int i4 = 0, i6 = 0, n = 0, turn = AF_INET;

	while (n < DNS_MAX_ADDRS && (i4 < a4->naddr || i6 < a6->naddr)) {
		if ((turn == AF_INET && i4 < a4->naddr) || i6 == a6->naddr) {
			r->addrlen[n] = sa_make(&r->addr[n], AF_INET, a4->addr[i4++], r->port);
			turn = AF_INET6;
		} else {
			r->addrlen[n] = sa_make(&r->addr[n], AF_INET6, a6->addr[i6++], r->port);
			turn = AF_INET;
		}
		n++;
	}
	r->naddr = n;
}

static void close_fd(struct dns_res *r)
{
	if (r->fd >= 0)
		close(r->fd);
	r->fd = -1;
	r->fd_family = 0;
}

static enum dns_state failed(struct dns_res *r, const char *why)
{
	close_fd(r);
	fmt_snprintf(r->err, sizeof r->err, "%s", why);
	r->state = DNS_FAILED;
	return r->state;
}

static const char *status_text(int status, int rcode, char *buf, size_t cap)
{
	switch (status) {
	case DNS_ANS_NXDOMAIN:
		return "NXDOMAIN";
	case DNS_ANS_SERVFAIL:
		return "SERVFAIL";
	case DNS_ANS_REFUSED:
		return "REFUSED";
	case DNS_ANS_TRUNC:
		return "a truncated answer (TCP not supported)";
	case DNS_ANS_BAD:
		return "a garbled answer";
	case DNS_ANS_OK:
		return "no A or AAAA record (NODATA)";
	}
	fmt_snprintf(buf, cap, "RCODE %d", rcode);
	return buf;
}

/* The resolution is over: the answer, or why there is none. */
static void finish(struct dns_res *r, int64_t now)
{
	static const struct dns_answer none;
	const struct dns_answer *a[2];
	const struct dns_q *why = NULL;
	char ns[64], code[16];
	int64_t ttl = UINT32_MAX;
	int i, status = 0, rcode = 0;

	for (i = 0; i < 2; i++) {
		const struct dns_q *q = &r->q[i];
		a[i] = q->final && q->status == DNS_ANS_OK ? &q->ans : &none;
		if (a[i]->naddr && a[i]->ttl < ttl)
			ttl = a[i]->ttl;
	}
	if (a[0]->naddr || a[1]->naddr) {
		set_answer(r, a[0], a[1]);
		ttl = ttl < DNS_TTL_MIN_S ? DNS_TTL_MIN_S : ttl > DNS_TTL_MAX_S ? DNS_TTL_MAX_S : ttl;
		r->expiry = now + ttl * 1000;
		r->err[0] = 0;
		r->state = DNS_DONE;
		close_fd(r);
		return;
	}
	/* Why: a definite answer first (NXDOMAIN, truncated, NODATA from
	 * both), else what went wrong with a query left unanswered. */
	for (i = 0; i < 2; i++)
		if (r->q[i].final && r->q[i].status != DNS_ANS_OK && (!why || r->q[i].status == DNS_ANS_NXDOMAIN))
			why = &r->q[i];
	if (!why && r->q[0].final && r->q[1].final)
		why = &r->q[0];
	if (why) {
		status = why->status;
		rcode = why->ans.rcode;
	} else {
		why = r->q[0].final || (r->q[1].err_status && !r->q[0].err_status) ? &r->q[1] : &r->q[0];
		status = why->err_status;
		rcode = why->err_rcode;
	}
	if (why->final || status) {
		dns_addr_text(&r->conf.ns[why->ns], ns, sizeof ns);
		fmt_snprintf(r->err, sizeof r->err, "%s from %s", status_text(status, rcode, code, sizeof code), ns);
	} else if (!r->sent) {
		fmt_snprintf(r->err, sizeof r->err, "%s", r->neterr);
	} else {
		/* the servers queried, and what stopped the others */
		size_t n = (size_t)fmt_snprintf(r->err, sizeof r->err, "no answer from");
		const char *sep = " ";
		for (i = 0; i < r->conf.nns && n < sizeof r->err; i++) {
			if (!(r->sent & 1u << i))
				continue;
			dns_addr_text(&r->conf.ns[i], ns, sizeof ns);
			n += (size_t)fmt_snprintf(r->err + n, sizeof r->err - n, "%s%s", sep, ns);
			sep = ", ";
		}
		if (n < sizeof r->err)
			n += (size_t)fmt_snprintf(r->err + n, sizeof r->err - n, " after %d attempt%s",
			    r->conf.attempts, r->conf.attempts == 1 ? "" : "s");
		if (r->neterr[0] && n < sizeof r->err)
			fmt_snprintf(r->err + n, sizeof r->err - n, "; %s", r->neterr);
	}
	r->state = DNS_FAILED;
	close_fd(r);
}

/* Sends the pending queries to nameserver s.  Returns 0, -1 (r->neterr). */
static int send_pending(struct dns_res *r, int s)
{
	const struct sockaddr_storage *ns = &r->conf.ns[s];
	unsigned char pkt[12 + WIRE_MAX + 4];
	char where[64];
	int i;

	if (r->fd >= 0 && r->fd_family != ns->ss_family)
		close_fd(r);	/* another family: late answers to the old socket are lost */
	if (r->fd < 0) {
		r->fd = socket(ns->ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (r->fd < 0) {
			fmt_snprintf(r->neterr, sizeof r->neterr, "socket: %s", errstr(errno));
			return -1;
		}
		r->fd_family = ns->ss_family;
	}
	for (i = 0; i < 2; i++) {
		struct dns_q *q = &r->q[i];
		size_t n;
		if (q->final)
			continue;
		n = dns_query_build(pkt, sizeof pkt, q->id, r->name, q->qtype);
		if (sendto(r->fd, pkt, n, MSG_NOSIGNAL, (const struct sockaddr *)ns, r->conf.nslen[s]) < 0 &&
		    errno != EAGAIN && errno != EINTR) {
			/* EAGAIN: as good as lost on the way; the next try sends again */
			dns_addr_text(ns, where, sizeof where);
			fmt_snprintf(r->neterr, sizeof r->neterr, "sendto %s: %s", where, errstr(errno));
			return -1;
		}
	}
	r->sent |= 1u << s;
	return 0;
}

/* Goes on to the next try, or finishes after the last. */
static void next_try(struct dns_res *r, int64_t now)
{
	int ms = r->timeout_ms > 0 ? r->timeout_ms : r->conf.timeout_ms;

	while (++r->try < r->ntries)
		if (send_pending(r, r->try % r->conf.nns) == 0) {
			r->deadline = now + ms;
			return;
		}
	finish(r, now);
}

/* The nameserver queried that sent from, or -1. */
static int ns_index(const struct dns_res *r, const struct sockaddr_storage *from, socklen_t fl)
{
	for (int s = 0; s < r->conf.nns; s++) {
		const struct sockaddr_storage *ns = &r->conf.ns[s];
		if (!(r->sent & 1u << s) || ns->ss_family != from->ss_family || fl < r->conf.nslen[s])
			continue;
		if (ns->ss_family == AF_INET) {
			const struct sockaddr_in *a = (const void *)ns, *b = (const void *)from;
			if (a->sin_port == b->sin_port && a->sin_addr.s_addr == b->sin_addr.s_addr)
				return s;
		} else {
			const struct sockaddr_in6 *a = (const void *)ns, *b = (const void *)from;
			if (a->sin6_port == b->sin6_port && !memcmp(&a->sin6_addr, &b->sin6_addr, 16))
				return s;
		}
	}
	return -1;
}

/* One datagram from nameserver s. */
static void take(struct dns_res *r, const unsigned char *pkt, size_t n, int s, int64_t now)
{
	struct dns_answer ans;
	struct dns_q *q = NULL;
	int st, i;

	if (n < 2)
		return;
	for (i = 0; i < 2; i++)
		if (!r->q[i].final && r->q[i].id == get16(pkt))
			q = &r->q[i];
	if (!q)
		return;
	st = dns_answer_parse(pkt, n, q->id, r->name, q->qtype, &ans);
	switch (st) {
	case DNS_ANS_NOTOURS:
		return;
	case DNS_ANS_OK:
	case DNS_ANS_NXDOMAIN:
	case DNS_ANS_TRUNC:
		q->final = 1;
		q->status = st;
		q->ns = s;
		q->ans = ans;
		break;
	default:		/* this server could not answer */
		q->err_status = st;
		q->err_rcode = ans.rcode;
		q->ns = s;
		if (st != DNS_ANS_BAD && s == r->try % r->conf.nns)
			q->failed_try = r->try;
	}
	if (r->q[0].final && r->q[1].final) {
		finish(r, now);
	} else if (q->final && st == DNS_ANS_NXDOMAIN) {
		finish(r, now);	/* the name is not there, whatever the type */
	} else if (q->final && ans.naddr) {
		int64_t g = now + (q->qtype == DNS_TYPE_A ? DNS_GRACE_A_MS : DNS_GRACE_AAAA_MS);
		if (g < r->grace)
			r->grace = g;
	} else {
		/* every query still open was refused by this try's server */
		for (i = 0; i < 2; i++)
			if (!r->q[i].final && r->q[i].failed_try != r->try)
				return;
		next_try(r, now);
	}
}

void dns_init(struct dns_res *r, const char *resolv_conf, const char *hosts)
{
	memset(r, 0, sizeof *r);
	r->fd = -1;
	r->resolv_path = resolv_conf;
	r->hosts_path = hosts;
	r->grace = r->deadline = INT64_MAX;
	reload_conf(r);
}

/* host as an IP literal into r's answer; 0 if it is not one. */
static int literal(struct dns_res *r, const char *host)
{
	struct sockaddr_storage ss;
	socklen_t len = addr_parse(host, strlen(host), &ss);

	if (!len)
		return 0;
	set_port(&ss, r->port);
	r->addr[0] = ss;
	r->addrlen[0] = len;
	r->naddr = 1;
	return 1;
}

enum dns_state dns_start(struct dns_res *r, const char *host, unsigned port, int64_t now)
{
	unsigned char wire[WIRE_MAX];
	size_t n = strlen(host);

	dns_cancel(r);
	r->err[0] = r->neterr[0] = 0;
	r->port = port;
	if (literal(r, host)) {
		r->expiry = INT64_MAX;
		r->state = DNS_DONE;
		return r->state;
	}
	if (!name_wire(host, wire, 0))
		return failed(r, "not a valid host name");
	if (host[n - 1] == '.')
		n--;
	memcpy(r->name, host, n);
	r->name[n] = 0;
	reload_conf(r);
	if (hosts_lookup(r)) {
		set_answer(r, &r->hosts4, &r->hosts6);
		r->expiry = now + DNS_TTL_MIN_S * 1000;
		r->state = DNS_DONE;
		return r->state;
	}
	memset(r->q, 0, sizeof r->q);
	r->q[0].qtype = DNS_TYPE_A;
	r->q[1].qtype = DNS_TYPE_AAAA;
	r->q[0].id = (uint16_t)rnd_next();
	do
		r->q[1].id = (uint16_t)rnd_next();
	while (r->q[1].id == r->q[0].id);
	r->q[0].failed_try = r->q[1].failed_try = -1;
	r->try = -1;
	r->ntries = r->conf.attempts * r->conf.nns;
	r->sent = 0;
	r->grace = r->deadline = INT64_MAX;
	r->state = DNS_BUSY;
	next_try(r, now);
	return r->state;
}

int dns_pollfd(const struct dns_res *r, short *events)
{
	*events = 0;
	if (r->state != DNS_BUSY || r->fd < 0)
		return -1;
	*events = POLLIN;
	return r->fd;
}

enum dns_state dns_io(struct dns_res *r, short revents, int64_t now)
{
	unsigned char pkt[DNS_PKT_MAX];
	struct sockaddr_storage from;

	if (r->state != DNS_BUSY)
		return r->state;
	for (int k = 0; revents && k < RECV_BATCH && r->state == DNS_BUSY && r->fd >= 0; k++) {
		socklen_t fl = sizeof from;
		ssize_t n = recvfrom(r->fd, pkt, sizeof pkt, 0, (struct sockaddr *)&from, &fl);
		int s;
		if (n < 0) {
			if (errno == EINTR)
				continue;
			break;	/* EAGAIN: all read; an ICMP error: of no use here */
		}
		if ((s = ns_index(r, &from, fl)) >= 0)
			take(r, pkt, (size_t)n, s, now);
	}
	if (r->state == DNS_BUSY && now >= r->grace)
		finish(r, now);
	else if (r->state == DNS_BUSY && now >= r->deadline)
		next_try(r, now);
	return r->state;
}

int64_t dns_due(const struct dns_res *r)
{
	if (r->state != DNS_BUSY)
		return INT64_MAX;
	return r->grace < r->deadline ? r->grace : r->deadline;
}

enum dns_state dns_state(const struct dns_res *r)
{
	return r->state;
}

int dns_fresh(const struct dns_res *r, int64_t now)
{
	return r->state == DNS_DONE && now < r->expiry;
}

void dns_cancel(struct dns_res *r)
{
	close_fd(r);
	if (r->state == DNS_BUSY)
		r->state = DNS_IDLE;
	r->grace = r->deadline = INT64_MAX;
}
