/* The DNS resolver.  The codec: the exact query bytes, and answers built
 * here byte by byte, each parsed from the very end of a page whose next page
 * is unmapped, so that a read past the packet is a crash, not luck.  The
 * files: resolv.conf and hosts text.  The driver: against UDP responders on
 * 127.0.0.1 in this process, answered between dns_io() calls, with tries of
 * 100 ms. */
#include <arpa/inet.h>
#include <fcntl.h>
#include <net/if.h>
#include <poll.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>
#include "t.h"
#include "clock.h"
#include "dns.h"

/* ---------------------------------------------------------------- packets */

struct pk {
	unsigned char b[1024];
	size_t n;
};

static void p8(struct pk *p, unsigned v)
{
	p->b[p->n++] = (unsigned char)v;
}

static void p16(struct pk *p, unsigned v)
{
	p8(p, v >> 8 & 0xff);
	p8(p, v & 0xff);
}

static void p32(struct pk *p, uint32_t v)
{
	p16(p, v >> 16);
	p16(p, v & 0xffff);
}

static void pmem(struct pk *p, const void *d, size_t n)
{
	memcpy(p->b + p->n, d, n);
	p->n += n;
}

/* A name uncompressed; "@" is a pointer to the question's name (offset 12). */
static void pname(struct pk *p, const char *name)
{
	if (strcmp(name, "@") == 0) {
		p16(p, 0xc00c);
		return;
	}
	while (*name) {
		const char *dot = strchr(name, '.');
		size_t k = dot ? (size_t)(dot - name) : strlen(name);
		p8(p, (unsigned)k);
		pmem(p, name, k);
		name += k + (dot ? 1 : 0);
	}
	p8(p, 0);
}

static void phdr(struct pk *p, unsigned id, unsigned flags, unsigned qd, unsigned an)
{
	p->n = 0;
	p16(p, id);
	p16(p, flags);
	p16(p, qd);
	p16(p, an);
	p32(p, 0);
}

static void pq(struct pk *p, const char *name, unsigned qtype)
{
	pname(p, name);
	p16(p, qtype);
	p16(p, 1);
}

static void prr(struct pk *p, const char *owner, unsigned type, uint32_t ttl, const void *rd, size_t rdlen)
{
	pname(p, owner);
	p16(p, type);
	p16(p, 1);
	p32(p, ttl);
	p16(p, (unsigned)rdlen);
	pmem(p, rd, rdlen);
}

/* An A or AAAA record, by the address's form. */
static void paddr(struct pk *p, const char *owner, uint32_t ttl, const char *ip)
{
	unsigned char a[16];

	if (strchr(ip, ':')) {
		inet_pton(AF_INET6, ip, a);
		prr(p, owner, DNS_TYPE_AAAA, ttl, a, 16);
	} else {
		inet_pton(AF_INET, ip, a);
		prr(p, owner, DNS_TYPE_A, ttl, a, 4);
	}
}

static void pcname(struct pk *p, const char *owner, uint32_t ttl, const char *target)
{
	struct pk t = { .n = 0 };

	pname(&t, target);
	prr(p, owner, 5, ttl, t.b, t.n);
}

#define ID 0x1234
#define RESP 0x8180		/* QR, RD, RA, NOERROR */

/* Parses pkt copied to the end of a page followed by an unmapped one. */
static int parse(const struct pk *p, size_t len, const char *name, int qtype, struct dns_answer *a)
{
	static unsigned char *page;
	static size_t ps;

	if (!page) {
		ps = (size_t)sysconf(_SC_PAGESIZE);
		page = mmap(NULL, 2 * ps, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (page == MAP_FAILED || mprotect(page + ps, ps, PROT_NONE) != 0)
			abort();
	}
	memcpy(page + ps - len, p->b, len);
	return dns_answer_parse(page + ps - len, len, ID, name, qtype, a);
}

static const char *ip4(const struct dns_answer *a, int i)
{
	static char s[4][INET6_ADDRSTRLEN];
	return inet_ntop(AF_INET, a->addr[i], s[i], sizeof s[i]);
}

static const char *ip6(const struct dns_answer *a, int i)
{
	static char s[4][INET6_ADDRSTRLEN];
	return inet_ntop(AF_INET6, a->addr[i], s[i], sizeof s[i]);
}

/* ---------------------------------------------------------------- codec */

T(dns_query_exact_bytes)
{
	static const unsigned char a[] = {
		0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		7, 'E', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0, 0x00, 0x01, 0x00, 0x01 };
	unsigned char buf[300];

	T_EQ_MEM(buf, dns_query_build(buf, sizeof buf, 0x1234, "Example.com", DNS_TYPE_A), a, sizeof a);
	T_EQ_MEM(buf, dns_query_build(buf, sizeof buf, 0x1234, "Example.com.", DNS_TYPE_A), a, sizeof a);
	T_EQ_INT(dns_query_build(buf, sizeof buf, 0xbeef, "Example.com", DNS_TYPE_AAAA), sizeof a);
	T_EQ_INT(buf[0], 0xbe);
	T_EQ_INT(buf[1], 0xef);
	T_EQ_INT(buf[sizeof a - 3], 28);
	/* exactly the room it needs, and not a byte less */
	T_EQ_INT(dns_query_build(buf, sizeof a, 1, "Example.com", DNS_TYPE_A), sizeof a);
	T_EQ_INT(dns_query_build(buf, sizeof a - 1, 1, "Example.com", DNS_TYPE_A), 0);
}

T(dns_query_refuses_bad_names)
{
	unsigned char buf[300];
	char name[300];

	T_EQ_INT(dns_query_build(buf, sizeof buf, 1, "", 1), 0);
	T_EQ_INT(dns_query_build(buf, sizeof buf, 1, ".", 1), 0);
	T_EQ_INT(dns_query_build(buf, sizeof buf, 1, "a..b", 1), 0);
	T_EQ_INT(dns_query_build(buf, sizeof buf, 1, ".a", 1), 0);
	T_EQ_INT(dns_query_build(buf, sizeof buf, 1, "a.b..", 1), 0);
	memset(name, 'x', 63);
	strcpy(name + 63, ".com");
	T_EQ_INT(dns_query_build(buf, sizeof buf, 1, name, 1), 12 + 1 + 63 + 4 + 1 + 4);
	memset(name, 'x', 64);
	strcpy(name + 64, ".com");
	T_EQ_INT(dns_query_build(buf, sizeof buf, 1, name, 1), 0);
	/* 253 bytes of text (255 on the wire) is the most */
	for (int i = 0; i < 253; i++)
		name[i] = i % 2 ? '.' : 'a';
	name[253] = 0;
	T_EQ_INT(dns_query_build(buf, sizeof buf, 1, name, 1), 12 + 255 + 4);
	strcpy(name + 253, "a");
	T_EQ_INT(dns_query_build(buf, sizeof buf, 1, name, 1), 0);
	name[253] = '.';
	name[254] = 0;
	T_EQ_INT(dns_query_build(buf, sizeof buf, 1, name, 1), 12 + 255 + 4);
}

T(dns_parse_a_records)
{
	struct pk p;
	struct dns_answer a;

	phdr(&p, ID, RESP, 1, 2);
	pq(&p, "api.example.com", DNS_TYPE_A);
	paddr(&p, "@", 300, "192.0.2.1");
	paddr(&p, "@", 60, "192.0.2.2");
	T_EQ_INT(parse(&p, p.n, "api.example.com", DNS_TYPE_A, &a), DNS_ANS_OK);
	T_EQ_INT(a.naddr, 2);
	T_EQ_STR(ip4(&a, 0), "192.0.2.1");
	T_EQ_STR(ip4(&a, 1), "192.0.2.2");
	T_EQ_INT(a.ttl, 60);
	T_EQ_INT(a.rcode, 0);
	/* our name with a final dot is the same name */
	T_EQ_INT(parse(&p, p.n, "api.example.com.", DNS_TYPE_A, &a), DNS_ANS_OK);
	T_EQ_INT(a.naddr, 2);
}

T(dns_parse_ignores_case)
{
	struct pk p;
	struct dns_answer a;

	phdr(&p, ID, RESP, 1, 2);
	pq(&p, "API.Example.COM", DNS_TYPE_AAAA);
	paddr(&p, "api.EXAMPLE.com", 30, "2001:db8::1");
	paddr(&p, "@", 40, "2001:db8::2");
	T_EQ_INT(parse(&p, p.n, "Api.example.com", DNS_TYPE_AAAA, &a), DNS_ANS_OK);
	T_EQ_INT(a.naddr, 2);
	T_EQ_STR(ip6(&a, 0), "2001:db8::1");
	T_EQ_STR(ip6(&a, 1), "2001:db8::2");
	T_EQ_INT(a.ttl, 30);
}

T(dns_parse_not_ours)
{
	struct pk p;
	struct dns_answer a;

	phdr(&p, ID + 1, RESP, 1, 1);		/* another id */
	pq(&p, "a.test", DNS_TYPE_A);
	paddr(&p, "@", 1, "192.0.2.1");
	T_EQ_INT(parse(&p, p.n, "a.test", DNS_TYPE_A, &a), DNS_ANS_NOTOURS);
	p.b[1] = ID & 0xff;
	T_EQ_INT(parse(&p, p.n, "a.test", DNS_TYPE_A, &a), DNS_ANS_OK);
	p.b[2] = 0x01;				/* a query, not an answer */
	T_EQ_INT(parse(&p, p.n, "a.test", DNS_TYPE_A, &a), DNS_ANS_NOTOURS);
	p.b[2] = 0x81 | 2 << 3;			/* opcode STATUS */
	T_EQ_INT(parse(&p, p.n, "a.test", DNS_TYPE_A, &a), DNS_ANS_NOTOURS);
	p.b[2] = 0x81;
	T_EQ_INT(parse(&p, p.n, "b.test", DNS_TYPE_A, &a), DNS_ANS_NOTOURS);
	T_EQ_INT(parse(&p, p.n, "a.test.x", DNS_TYPE_A, &a), DNS_ANS_NOTOURS);
	T_EQ_INT(parse(&p, p.n, "test", DNS_TYPE_A, &a), DNS_ANS_NOTOURS);
	T_EQ_INT(parse(&p, p.n, "a.test", DNS_TYPE_AAAA, &a), DNS_ANS_NOTOURS);
	p.b[12 + 8 + 3] = 3;			/* class CH */
	T_EQ_INT(parse(&p, p.n, "a.test", DNS_TYPE_A, &a), DNS_ANS_NOTOURS);
	p.b[12 + 8 + 3] = 1;
	p.b[5] = 2;				/* two questions */
	T_EQ_INT(parse(&p, p.n, "a.test", DNS_TYPE_A, &a), DNS_ANS_NOTOURS);
	p.b[5] = 0;				/* none, in a NOERROR answer */
	T_EQ_INT(parse(&p, p.n, "a.test", DNS_TYPE_A, &a), DNS_ANS_NOTOURS);
	p.b[3] = 0x83;				/* nor in an NXDOMAIN one */
	T_EQ_INT(parse(&p, p.n, "a.test", DNS_TYPE_A, &a), DNS_ANS_NOTOURS);
	p.b[5] = 1;
	T_EQ_INT(parse(&p, 11, "a.test", DNS_TYPE_A, &a), DNS_ANS_NOTOURS);
	T_EQ_INT(parse(&p, p.n, "a..test", DNS_TYPE_A, &a), DNS_ANS_NOTOURS);
}

T(dns_parse_rcodes)
{
	static const struct { unsigned rcode; int status; } c[] = {
		{ 3, DNS_ANS_NXDOMAIN }, { 2, DNS_ANS_SERVFAIL }, { 5, DNS_ANS_REFUSED },
		{ 1, DNS_ANS_RCODE }, { 4, DNS_ANS_RCODE }, { 9, DNS_ANS_RCODE },
	};
	struct pk p;
	struct dns_answer a;

	for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
		phdr(&p, ID, RESP | c[i].rcode, 1, 0);
		pq(&p, "a.test", DNS_TYPE_A);
		T_EQ_INT(parse(&p, p.n, "a.test", DNS_TYPE_A, &a), c[i].status);
		T_EQ_INT(a.rcode, c[i].rcode);
		T_EQ_INT(a.naddr, 0);
	}
}

/* An error answer must echo the question too: without it, anyone who
 * guesses the id and port could end a resolution (NXDOMAIN) or push it on
 * to the next nameserver (SERVFAIL, REFUSED, FORMERR) without knowing the
 * name asked.  Every rcode without a question, or with another one, is not
 * ours. */
T(dns_parse_error_without_the_question)
{
	struct pk p;
	struct dns_answer a;

	for (unsigned rcode = 0; rcode < 16; rcode++) {
		phdr(&p, ID, RESP | rcode, 0, 0);
		T_EQ_INT(parse(&p, p.n, "a.test", DNS_TYPE_A, &a), DNS_ANS_NOTOURS);
		phdr(&p, ID, RESP | rcode, 1, 0);
		pq(&p, "b.test", DNS_TYPE_A);
		T_EQ_INT(parse(&p, p.n, "a.test", DNS_TYPE_A, &a), DNS_ANS_NOTOURS);
		phdr(&p, ID, RESP | rcode, 1, 0);
		pq(&p, "a.test", DNS_TYPE_AAAA);
		T_EQ_INT(parse(&p, p.n, "a.test", DNS_TYPE_A, &a), DNS_ANS_NOTOURS);
		/* cut inside the question: garbled, not an error of the server's */
		phdr(&p, ID, RESP | rcode, 1, 0);
		pq(&p, "a.test", DNS_TYPE_A);
		T_EQ_INT(parse(&p, p.n - 1, "a.test", DNS_TYPE_A, &a), DNS_ANS_BAD);
	}
}

T(dns_parse_nodata)
{
	struct pk p;
	struct dns_answer a;

	phdr(&p, ID, RESP, 1, 1);
	pq(&p, "a.test", DNS_TYPE_AAAA);
	paddr(&p, "@", 100, "192.0.2.1");	/* an A record in an AAAA answer: not used */
	T_EQ_INT(parse(&p, p.n, "a.test", DNS_TYPE_AAAA, &a), DNS_ANS_OK);
	T_EQ_INT(a.naddr, 0);
	T_EQ_INT(a.ttl, 0);
}

T(dns_parse_follows_cnames)
{
	struct pk p;
	struct dns_answer a;

	/* www.example.com -> a.example.net -> b.example.org, in any order,
	 * with a stranger's record in between */
	phdr(&p, ID, RESP, 1, 6);
	pq(&p, "www.example.com", DNS_TYPE_A);
	paddr(&p, "b.example.org", 200, "192.0.2.7");
	pcname(&p, "A.Example.Net", 30, "b.example.org");
	paddr(&p, "other.test", 1, "198.51.100.1");
	paddr(&p, "www.example.com", 1, "198.51.100.2");	/* beside a CNAME: not used */
	pcname(&p, "@", 100, "a.example.net");
	paddr(&p, "B.EXAMPLE.ORG", 150, "192.0.2.8");
	T_EQ_INT(parse(&p, p.n, "www.example.com", DNS_TYPE_A, &a), DNS_ANS_OK);
	T_EQ_INT(a.naddr, 2);
	T_EQ_STR(ip4(&a, 0), "192.0.2.7");
	T_EQ_STR(ip4(&a, 1), "192.0.2.8");
	T_EQ_INT(a.ttl, 30);
}

T(dns_parse_cname_limits)
{
	struct pk p;
	struct dns_answer a;
	char from[24], to[24];	/* room for any int: gcc -O1 cannot bound i */

	/* a loop */
	phdr(&p, ID, RESP, 1, 2);
	pq(&p, "a.test", DNS_TYPE_A);
	pcname(&p, "@", 10, "b.test");
	pcname(&p, "b.test", 10, "a.test");
	T_EQ_INT(parse(&p, p.n, "a.test", DNS_TYPE_A, &a), DNS_ANS_BAD);
	/* 8 hops are followed, 9 are not */
	for (int hops = 8; hops <= 9; hops++) {
		phdr(&p, ID, RESP, 1, (unsigned)hops + 1);
		pq(&p, "c0.test", DNS_TYPE_A);
		for (int i = 0; i < hops; i++) {
			snprintf(from, sizeof from, "c%d.test", i);
			snprintf(to, sizeof to, "c%d.test", i + 1);
			pcname(&p, from, 10, to);
		}
		paddr(&p, to, 10, "192.0.2.9");
		T_EQ_INT(parse(&p, p.n, "c0.test", DNS_TYPE_A, &a), hops == 8 ? DNS_ANS_OK : DNS_ANS_BAD);
		T_EQ_INT(a.naddr, hops == 8 ? 1 : 0);
	}
	/* a CNAME whose target runs out of its data */
	phdr(&p, ID, RESP, 1, 1);
	pq(&p, "a.test", DNS_TYPE_A);
	pcname(&p, "@", 10, "b.test");
	p.b[p.n - 9]--;			/* rdlength 8 -> 7 */
	p.n--;
	T_EQ_INT(parse(&p, p.n, "a.test", DNS_TYPE_A, &a), DNS_ANS_BAD);
}

T(dns_parse_garbled_names)
{
	struct pk p;
	struct dns_answer a;
	size_t at;

	/* an owner that points at itself */
	phdr(&p, ID, RESP, 1, 1);
	pq(&p, "a.test", DNS_TYPE_A);
	at = p.n;
	paddr(&p, "@", 10, "192.0.2.1");
	p.b[at] = 0xc0 | (unsigned char)(at >> 8);
	p.b[at + 1] = (unsigned char)at;
	T_EQ_INT(parse(&p, p.n, "a.test", DNS_TYPE_A, &a), DNS_ANS_BAD);
	/* two pointers at each other */
	phdr(&p, ID, RESP, 1, 2);
	pq(&p, "a.test", DNS_TYPE_A);
	at = p.n;
	paddr(&p, "@", 10, "192.0.2.1");
	paddr(&p, "@", 10, "192.0.2.2");
	p.b[at + 1] = (unsigned char)(at + 16);
	p.b[at + 16 + 1] = (unsigned char)at;
	T_EQ_INT(parse(&p, p.n, "a.test", DNS_TYPE_A, &a), DNS_ANS_BAD);
	/* labels that grow through a pointer back to their start: too long */
	phdr(&p, ID, RESP, 1, 1);
	pq(&p, "a.test", DNS_TYPE_A);
	at = p.n;
	p8(&p, 1);
	p8(&p, 'x');
	p16(&p, 0xc000 | (unsigned)at);
	p16(&p, 1);
	p16(&p, 1);
	p32(&p, 1);
	p16(&p, 4);
	p32(&p, 0);
	T_EQ_INT(parse(&p, p.n, "a.test", DNS_TYPE_A, &a), DNS_ANS_BAD);
	/* a pointer past the end, a reserved label type */
	phdr(&p, ID, RESP, 1, 1);
	pq(&p, "a.test", DNS_TYPE_A);
	at = p.n;
	paddr(&p, "@", 10, "192.0.2.1");
	p.b[at + 1] = 0xff;
	T_EQ_INT(parse(&p, p.n, "a.test", DNS_TYPE_A, &a), DNS_ANS_BAD);
	p.b[at] = 0x40;
	T_EQ_INT(parse(&p, p.n, "a.test", DNS_TYPE_A, &a), DNS_ANS_BAD);
	/* the question's name a loop */
	phdr(&p, ID, RESP, 1, 0);
	p16(&p, 0xc00c);
	p16(&p, 1);
	p16(&p, 1);
	T_EQ_INT(parse(&p, p.n, "a.test", DNS_TYPE_A, &a), DNS_ANS_BAD);
	/* an A record of 5 bytes, an AAAA of 4 */
	phdr(&p, ID, RESP, 1, 1);
	pq(&p, "a.test", DNS_TYPE_A);
	prr(&p, "@", DNS_TYPE_A, 10, "\1\2\3\4\5", 5);
	T_EQ_INT(parse(&p, p.n, "a.test", DNS_TYPE_A, &a), DNS_ANS_BAD);
	/* after a good one: nothing is kept (found by fuzz_dns) */
	phdr(&p, ID, RESP, 1, 2);
	pq(&p, "a.test", DNS_TYPE_A);
	paddr(&p, "@", 10, "192.0.2.1");
	prr(&p, "@", DNS_TYPE_A, 10, "\1\2\3\4\5", 5);
	T_EQ_INT(parse(&p, p.n, "a.test", DNS_TYPE_A, &a), DNS_ANS_BAD);
	T_EQ_INT(a.naddr, 0);
	phdr(&p, ID, RESP, 1, 1);
	pq(&p, "a.test", DNS_TYPE_AAAA);
	prr(&p, "@", DNS_TYPE_AAAA, 10, "\1\2\3\4", 4);
	T_EQ_INT(parse(&p, p.n, "a.test", DNS_TYPE_AAAA, &a), DNS_ANS_BAD);
}

T(dns_parse_every_cut)
{
	struct pk p;
	struct dns_answer a;
	size_t qend;

	phdr(&p, ID, RESP, 1, 3);
	pq(&p, "www.example.com", DNS_TYPE_A);
	qend = p.n;
	pcname(&p, "@", 10, "edge.example.net");
	paddr(&p, "edge.example.net", 10, "192.0.2.1");
	paddr(&p, "edge.example.net", 10, "192.0.2.2");
	T_EQ_INT(parse(&p, p.n, "www.example.com", DNS_TYPE_A, &a), DNS_ANS_OK);
	T_EQ_INT(a.naddr, 2);
	for (size_t len = 0; len < p.n; len++) {
		int st = parse(&p, len, "www.example.com", DNS_TYPE_A, &a);
		if (st != (len < 12 ? DNS_ANS_NOTOURS : DNS_ANS_BAD))
			t_fail(__FILE__, __LINE__, "cut at %zu (question ends at %zu): status %d", len, qend, st);
	}
}

T(dns_parse_truncated_answer)
{
	struct pk p;
	struct dns_answer a;
	size_t cut;

	/* TC: the records there whole are used */
	phdr(&p, ID, RESP | 0x0200, 1, 3);
	pq(&p, "a.test", DNS_TYPE_A);
	paddr(&p, "@", 10, "192.0.2.1");
	paddr(&p, "@", 20, "192.0.2.2");
	cut = p.n + 7;
	paddr(&p, "@", 5, "192.0.2.3");
	T_EQ_INT(parse(&p, cut, "a.test", DNS_TYPE_A, &a), DNS_ANS_OK);
	T_EQ_INT(a.naddr, 2);
	T_EQ_INT(a.ttl, 10);
	/* without TC, the same packet is garbled */
	p.b[2] &= ~0x02;
	T_EQ_INT(parse(&p, cut, "a.test", DNS_TYPE_A, &a), DNS_ANS_BAD);
	/* TC and no record */
	phdr(&p, ID, RESP | 0x0200, 1, 2);
	pq(&p, "a.test", DNS_TYPE_A);
	T_EQ_INT(parse(&p, p.n, "a.test", DNS_TYPE_A, &a), DNS_ANS_TRUNC);
}

T(dns_parse_keeps_the_first_addresses)
{
	static const uint32_t ttl[] = { 100, 90, 80, 70, 10, 0x80000001u };
	struct pk p;
	struct dns_answer a;
	char ip[24];		/* room for any int: gcc -O1 cannot bound i */

	phdr(&p, ID, RESP, 1, 6);
	pq(&p, "a.test", DNS_TYPE_A);
	for (int i = 0; i < 6; i++) {
		snprintf(ip, sizeof ip, "192.0.2.%d", i + 1);
		paddr(&p, "@", ttl[i], ip);
	}
	T_EQ_INT(parse(&p, p.n, "a.test", DNS_TYPE_A, &a), DNS_ANS_OK);
	T_EQ_INT(a.naddr, DNS_MAX_ADDRS);
	T_EQ_STR(ip4(&a, 3), "192.0.2.4");
	T_EQ_INT(a.ttl, 70);
	/* a TTL with its top bit set is 0 (RFC 2181) */
	phdr(&p, ID, RESP, 1, 1);
	pq(&p, "a.test", DNS_TYPE_A);
	paddr(&p, "@", 0x80000001u, "192.0.2.1");
	T_EQ_INT(parse(&p, p.n, "a.test", DNS_TYPE_A, &a), DNS_ANS_OK);
	T_EQ_INT(a.ttl, 0);
}

/* ---------------------------------------------------------------- files */

static const char *sa_str(const struct sockaddr_storage *ss)
{
	static char out[4][80];
	static int k;
	char a[INET6_ADDRSTRLEN];
	char *o = out[k++ % 4];

	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *in = (const void *)ss;
		inet_ntop(AF_INET, &in->sin_addr, a, sizeof a);
		snprintf(o, 80, "%s:%u", a, ntohs(in->sin_port));
	} else if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const void *)ss;
		inet_ntop(AF_INET6, &in6->sin6_addr, a, sizeof a);
		snprintf(o, 80, "[%s%%%u]:%u", a, (unsigned)in6->sin6_scope_id, ntohs(in6->sin6_port));
	} else {
		snprintf(o, 80, "family %d", ss->ss_family);
	}
	return o;
}

#define CONF(c, s) dns_conf_parse((c), (s), sizeof(s) - 1)

T(dns_conf_defaults)
{
	struct dns_conf c;

	CONF(&c, "");
	T_EQ_INT(c.nns, 1);
	T_EQ_STR(sa_str(&c.ns[0]), "127.0.0.1:53");
	T_EQ_INT(c.nslen[0], sizeof(struct sockaddr_in));
	T_EQ_INT(c.timeout_ms, 5000);
	T_EQ_INT(c.attempts, 2);
	CONF(&c, "# nothing\nsearch example.com\nnameserver\nnameserver 300.1.1.1\nnameserver ::g\n");
	T_EQ_INT(c.nns, 1);
	T_EQ_STR(sa_str(&c.ns[0]), "127.0.0.1:53");
}

T(dns_conf_nameservers_and_options)
{
	struct dns_conf c;

	CONF(&c, "# from DHCP\n"
	    "domain lan\n"
	    "nameserver bogus\n"
	    "nameserver 10.0.0.1   # the router\n"
	    "\tnameserver fe80::1%2\r\n"
	    "nameserver ::1\n"
	    "nameserver 10.0.0.4\n"
	    "options ndots:2 timeout:1 rotate attempts:3\n");
	T_EQ_INT(c.nns, 3);
	T_EQ_STR(sa_str(&c.ns[0]), "10.0.0.1:53");
	T_EQ_STR(sa_str(&c.ns[1]), "[fe80::1%2]:53");
	T_EQ_STR(sa_str(&c.ns[2]), "[::1%0]:53");
	T_EQ_INT(c.nslen[1], sizeof(struct sockaddr_in6));
	T_EQ_INT(c.timeout_ms, 1000);
	T_EQ_INT(c.attempts, 3);
	/* musl's caps; the last word wins */
	CONF(&c, "options timeout:0 attempts:99\n");
	T_EQ_INT(c.timeout_ms, 1000);
	T_EQ_INT(c.attempts, 10);
	CONF(&c, "options timeout:100 attempts:0 timeout:7 attempts:x\n");
	T_EQ_INT(c.timeout_ms, 7000);
	T_EQ_INT(c.attempts, 1);
	/* the last line needs no newline; an unknown interface is scope 0 */
	CONF(&c, "nameserver fe80::2%no-such-if0");
	T_EQ_STR(sa_str(&c.ns[0]), "[fe80::2%0]:53");
	/* a name is the interface's index, as if_nametoindex has it */
	CONF(&c, "nameserver fe80::2%lo\nnameserver fe80::3%7");
	T_EQ_INT(((struct sockaddr_in6 *)&c.ns[0])->sin6_scope_id, if_nametoindex("lo"));
	T_TRUE(if_nametoindex("lo") > 0);
	T_EQ_STR(sa_str(&c.ns[1]), "[fe80::3%7]:53");
}

T(dns_conf_ports_for_tests)
{
	struct dns_conf c;

	CONF(&c, "nameserver 127.0.0.1:5353\nnameserver [::1]:5300\nnameserver [::1]\n"
	    "nameserver 127.0.0.1:0\nnameserver 127.0.0.1:65536\nnameserver 127.0.0.1:53x\n"
	    "nameserver [::1]:\nnameserver 10.1.1.1:65535\n");
	T_EQ_INT(c.nns, 3);
	T_EQ_STR(sa_str(&c.ns[0]), "127.0.0.1:5353");
	T_EQ_STR(sa_str(&c.ns[1]), "[::1%0]:5300");
	T_EQ_STR(sa_str(&c.ns[2]), "10.1.1.1:65535");
}

T(dns_conf_long_lines_are_skipped)
{
	static char text[2048];
	struct dns_conf c;
	size_t n;

	/* "nameserver" then 511 - 10 - 8 blanks then "10.0.0.1": 511 bytes, read */
	n = (size_t)snprintf(text, sizeof text, "nameserver%*s10.0.0.1\n", 511 - 10 - 8, "");
	dns_conf_parse(&c, text, n);
	T_EQ_STR(sa_str(&c.ns[0]), "10.0.0.1:53");
	n = (size_t)snprintf(text, sizeof text, "nameserver%*s10.0.0.1\nnameserver 10.0.0.2\n",
	    512 - 10 - 8, "");
	dns_conf_parse(&c, text, n);
	T_EQ_INT(c.nns, 1);
	T_EQ_STR(sa_str(&c.ns[0]), "10.0.0.2:53");
}

T(dns_hosts_first_match_of_each_family)
{
	static const char h[] =
	    "# static names\n"
	    "127.0.0.1\tlocalhost\n"
	    "::1 localhost ip6-localhost\n"
	    "# 192.0.2.99 api.example.com\n"
	    "10.0.0.5 Api.Example.com. api # the API\n"
	    "10.0.0.6 api.example.com\n"
	    "fe80::5%eth0 api.example.com\n"
	    "2001:db8::7 api\n"
	    "bogus api.example.com\n"
	    "2001:db8::8";
	struct dns_answer a4, a6;

	T_EQ_INT(dns_hosts_find(h, sizeof h - 1, "api.example.com", &a4, &a6), 2);
	T_EQ_INT(a4.naddr, 1);
	T_EQ_STR(ip4(&a4, 0), "10.0.0.5");
	T_EQ_INT(a6.naddr, 1);
	T_EQ_STR(ip6(&a6, 0), "fe80::5");
	T_EQ_INT(dns_hosts_find(h, sizeof h - 1, "API", &a4, &a6), 2);
	T_EQ_STR(ip4(&a4, 0), "10.0.0.5");
	T_EQ_STR(ip6(&a6, 0), "2001:db8::7");
	T_EQ_INT(dns_hosts_find(h, sizeof h - 1, "localhost.", &a4, &a6), 2);
	T_EQ_STR(ip4(&a4, 0), "127.0.0.1");
	T_EQ_STR(ip6(&a6, 0), "::1");
	T_EQ_INT(dns_hosts_find(h, sizeof h - 1, "ip6-localhost", &a4, &a6), 1);
	T_EQ_INT(a4.naddr, 0);
	T_EQ_INT(dns_hosts_find(h, sizeof h - 1, "example.com", &a4, &a6), 0);
	T_EQ_INT(dns_hosts_find(h, sizeof h - 1, "the", &a4, &a6), 0);
	T_EQ_INT(dns_hosts_find(h, sizeof h - 1, "", &a4, &a6), 0);
}

/* ---------------------------------------------------------------- driver */

#define TRY_MS 100
#define NSRV 2

struct srv {
	int fd;
	unsigned port;
	int nq;				/* queries received */
	uint16_t id[16];
	unsigned qtype[16], from_port[16];
	uint32_t ttl;
	void (*fn)(struct srv *s, const unsigned char *q, size_t n, const struct sockaddr_storage *from,
	    socklen_t fl);
};

static struct srv srv[NSRV];
static int spoof_fd = -1;		/* the same address, another port */
static char dir[64], resolv_path[128], hosts_path[128];
static struct dns_res res;

static int udp_open(unsigned *port)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t len = sizeof a;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) < 0 ||
	    getsockname(fd, (struct sockaddr *)&a, &len) < 0)
		abort();
	*port = ntohs(a.sin_port);
	return fd;
}

static int write_file(const char *path, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int write_file(const char *path, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	int fd, n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || write(fd, buf, (size_t)n) != n)
		abort();
	return close(fd);
}

static void setup(void)
{
	unsigned port;

	for (int i = 0; i < NSRV; i++)
		srv[i].fd = -1;
	spoof_fd = -1;
	dns_init(&res, NULL, NULL);
	T_TRUE(mkdtemp(strcpy(dir, "/tmp/kagent-dns-XXXXXX")) != NULL);
	snprintf(resolv_path, sizeof resolv_path, "%s/resolv.conf", dir);
	snprintf(hosts_path, sizeof hosts_path, "%s/hosts", dir);
	for (int i = 0; i < NSRV; i++) {
		memset(&srv[i], 0, sizeof srv[i]);
		srv[i].fd = udp_open(&srv[i].port);
		srv[i].ttl = 300;
	}
	spoof_fd = udp_open(&port);
	write_file(resolv_path, "nameserver 127.0.0.1:%u\n", srv[0].port);
	write_file(hosts_path, "127.0.0.1 localhost\n");
	dns_init(&res, resolv_path, hosts_path);
	res.timeout_ms = TRY_MS;
}

static void cleanup(void)
{
	dns_cancel(&res);
	for (int i = 0; i < NSRV; i++)
		if (srv[i].fd >= 0)
			close(srv[i].fd);
	if (spoof_fd >= 0)
		close(spoof_fd);
	unlink(resolv_path);
	unlink(hosts_path);
	rmdir(dir);
}

#define TR(name) \
	static void name##_body(void); \
	T(name) { setup(); if (!t_failed) name##_body(); cleanup(); } \
	static void name##_body(void)

static unsigned qtype_of(const unsigned char *q, size_t n)
{
	return (unsigned)q[n - 4] << 8 | q[n - 3];
}

/* The answer to query q: rcode, and the addresses of addrs (NULL-ended)
 * of q's family, from fd, its id xor-ed with idx. */
static void reply(struct srv *s, int fd, const unsigned char *q, size_t n, const struct sockaddr_storage *to,
    socklen_t tl, unsigned idx, unsigned rcode, const char *const *addrs)
{
	struct pk p = { .n = 0 };
	unsigned an = 0;
	int v6 = qtype_of(q, n) == DNS_TYPE_AAAA;

	pmem(&p, q, n);
	p.b[0] ^= (unsigned char)(idx >> 8);
	p.b[1] ^= (unsigned char)idx;
	p.b[2] = 0x81;
	p.b[3] = (unsigned char)(0x80 | rcode);
	for (; addrs && *addrs; addrs++)
		if ((strchr(*addrs, ':') != NULL) == v6) {
			paddr(&p, "@", s->ttl, *addrs);
			an++;
		}
	p.b[7] = (unsigned char)an;
	sendto(fd, p.b, p.n, 0, (const struct sockaddr *)to, tl);
}

static const char *const good[] = { "192.0.2.1", "2001:db8::1", "192.0.2.2", NULL };
static const char *const spoof[] = { "198.51.100.9", "2001:db8::bad", NULL };

static void h_good(struct srv *s, const unsigned char *q, size_t n, const struct sockaddr_storage *from,
    socklen_t fl)
{
	reply(s, s->fd, q, n, from, fl, 0, 0, good);
}

static void h_silent(struct srv *s, const unsigned char *q, size_t n, const struct sockaddr_storage *from,
    socklen_t fl)
{
	(void)s, (void)q, (void)n, (void)from, (void)fl;
}

/* Serves the queries waiting at s. */
static void serve(struct srv *s)
{
	unsigned char q[512];
	struct sockaddr_storage from;

	for (;;) {
		socklen_t fl = sizeof from;
		ssize_t n = recvfrom(s->fd, q, sizeof q, 0, (struct sockaddr *)&from, &fl);
		if (n < 16)
			return;
		if (s->nq < 16) {
			s->id[s->nq] = (uint16_t)(q[0] << 8 | q[1]);
			s->qtype[s->nq] = qtype_of(q, (size_t)n);
			s->from_port[s->nq] = ntohs(((struct sockaddr_in *)&from)->sin_port);
		}
		s->nq++;
		if (s->fn)
			s->fn(s, q, (size_t)n, &from, fl);
	}
}

/* Runs res until it is no longer busy (at most limit_ms), the servers
 * answering in between.  Returns the state. */
static enum dns_state pump(int limit_ms)
{
	int64_t end = mono_ms() + limit_ms;

	while (dns_state(&res) == DNS_BUSY) {
		struct pollfd p[NSRV + 1];
		int64_t now = mono_ms(), due = dns_due(&res), wait;
		if (now >= end)
			break;
		wait = (due < end ? due : end) - now;
		p[0].fd = dns_pollfd(&res, &p[0].events);
		for (int i = 0; i < NSRV; i++) {
			p[i + 1].fd = srv[i].fd;
			p[i + 1].events = POLLIN;
		}
		poll(p, NSRV + 1, wait < 0 ? 0 : (int)wait);
		for (int i = 0; i < NSRV; i++)
			if (p[i + 1].revents & POLLIN)
				serve(&srv[i]);
		dns_io(&res, p[0].revents, mono_ms());
	}
	return dns_state(&res);
}

TR(dns_resolves_a_and_aaaa)
{
	int64_t t0 = mono_ms(), t1;
	short ev;

	srv[0].fn = h_good;
	T_EQ_INT(dns_start(&res, "api.test", 443, t0), DNS_BUSY);
	T_TRUE(dns_pollfd(&res, &ev) >= 0);
	T_EQ_INT(ev, POLLIN);
	T_EQ_INT(dns_due(&res), t0 + TRY_MS);
	T_EQ_INT(pump(1000), DNS_DONE);
	t1 = mono_ms();
	T_TRUE(t1 - t0 < TRY_MS);
	T_EQ_STR(res.err, "");
	T_EQ_INT(res.naddr, 3);
	T_EQ_STR(sa_str(&res.addr[0]), "192.0.2.1:443");
	T_EQ_STR(sa_str(&res.addr[1]), "[2001:db8::1%0]:443");
	T_EQ_STR(sa_str(&res.addr[2]), "192.0.2.2:443");
	T_EQ_INT(res.addrlen[0], sizeof(struct sockaddr_in));
	T_EQ_INT(res.addrlen[1], sizeof(struct sockaddr_in6));
	T_TRUE(res.expiry >= t0 + 300000 && res.expiry <= t1 + 300000);
	/* one query of each type, from one socket, with two ids */
	T_EQ_INT(srv[0].nq, 2);
	T_EQ_INT(srv[0].qtype[0], DNS_TYPE_A);
	T_EQ_INT(srv[0].qtype[1], DNS_TYPE_AAAA);
	T_EQ_INT(srv[0].from_port[0], srv[0].from_port[1]);
	T_TRUE(srv[0].id[0] != srv[0].id[1]);
	/* the socket is closed; the answer is fresh for its TTL */
	T_EQ_INT(dns_pollfd(&res, &ev), -1);
	T_EQ_INT(dns_due(&res), INT64_MAX);
	T_TRUE(dns_fresh(&res, t1));
	T_TRUE(dns_fresh(&res, res.expiry - 1));
	T_TRUE(!dns_fresh(&res, res.expiry));
}

TR(dns_silent_server_retry_then_fail)
{
	int64_t t0 = mono_ms(), t;

	write_file(resolv_path, "nameserver 127.0.0.1:%u\noptions attempts:2\n", srv[0].port);
	srv[0].fn = h_silent;
	T_EQ_INT(dns_start(&res, "api.test", 443, t0), DNS_BUSY);
	T_EQ_INT(pump(5000), DNS_FAILED);
	t = mono_ms() - t0;
	T_TRUE(t >= 2 * TRY_MS && t < 2 * TRY_MS + 500);
	char want[128];
	snprintf(want, sizeof want, "no answer from 127.0.0.1:%u after 2 attempts", srv[0].port);
	T_EQ_STR(res.err, want);
	T_EQ_INT(res.naddr, 0);
	/* each try sends both queries again, with the same ids */
	T_EQ_INT(srv[0].nq, 4);
	T_EQ_INT(srv[0].id[2], srv[0].id[0]);
	T_EQ_INT(srv[0].id[3], srv[0].id[1]);
	T_TRUE(!dns_fresh(&res, mono_ms()));
}

TR(dns_tries_the_nameservers_in_turn)
{
	write_file(resolv_path, "nameserver 127.0.0.1:%u\nnameserver 127.0.0.1:%u\noptions attempts:1\n",
	    srv[0].port, srv[1].port);
	srv[0].fn = h_silent;
	srv[1].fn = h_good;
	T_EQ_INT(dns_start(&res, "api.test", 443, mono_ms()), DNS_BUSY);
	T_EQ_INT(pump(5000), DNS_DONE);
	T_EQ_INT(srv[0].nq, 2);
	T_EQ_INT(srv[1].nq, 2);
	T_EQ_INT(res.naddr, 3);
	/* both silent: both named */
	srv[1].fn = h_silent;
	T_EQ_INT(dns_start(&res, "api.test", 443, mono_ms()), DNS_BUSY);
	T_EQ_INT(pump(5000), DNS_FAILED);
	char want[128];
	snprintf(want, sizeof want, "no answer from 127.0.0.1:%u, 127.0.0.1:%u after 1 attempt",
	    srv[0].port, srv[1].port);
	T_EQ_STR(res.err, want);
	/* the last good answer is still there, stale */
	T_EQ_INT(res.naddr, 3);
	T_EQ_STR(sa_str(&res.addr[0]), "192.0.2.1:443");
}

static void h_wrong_id(struct srv *s, const unsigned char *q, size_t n, const struct sockaddr_storage *from,
    socklen_t fl)
{
	reply(s, s->fd, q, n, from, fl, 0x0101, 0, spoof);
	reply(s, s->fd, q, n, from, fl, 0, 0, good);
}

TR(dns_ignores_a_wrong_id)
{
	srv[0].fn = h_wrong_id;
	T_EQ_INT(dns_start(&res, "api.test", 443, mono_ms()), DNS_BUSY);
	T_EQ_INT(pump(1000), DNS_DONE);
	T_EQ_INT(res.naddr, 3);
	T_EQ_STR(sa_str(&res.addr[0]), "192.0.2.1:443");
	T_EQ_STR(sa_str(&res.addr[1]), "[2001:db8::1%0]:443");
}

static void h_other_port(struct srv *s, const unsigned char *q, size_t n, const struct sockaddr_storage *from,
    socklen_t fl)
{
	reply(s, spoof_fd, q, n, from, fl, 0, 0, spoof);
	reply(s, spoof_fd, q, n, from, fl, 0, 3, NULL);
	reply(s, s->fd, q, n, from, fl, 0, 0, good);
}

static void h_other_port_only(struct srv *s, const unsigned char *q, size_t n,
    const struct sockaddr_storage *from, socklen_t fl)
{
	reply(s, spoof_fd, q, n, from, fl, 0, 0, spoof);
}

TR(dns_ignores_answers_from_another_port)
{
	srv[0].fn = h_other_port;
	T_EQ_INT(dns_start(&res, "api.test", 443, mono_ms()), DNS_BUSY);
	T_EQ_INT(pump(1000), DNS_DONE);
	T_EQ_INT(res.naddr, 3);
	T_EQ_STR(sa_str(&res.addr[0]), "192.0.2.1:443");
	/* only those: no answer */
	write_file(resolv_path, "nameserver 127.0.0.1:%u\noptions attempts:1\n", srv[0].port);
	srv[0].fn = h_other_port_only;
	T_EQ_INT(dns_start(&res, "api.test", 443, mono_ms()), DNS_BUSY);
	T_EQ_INT(pump(1000), DNS_FAILED);
	T_TRUE(strncmp(res.err, "no answer from 127.0.0.1:", 25) == 0);
	/* another server's answer neither: srv[1] was not queried */
	srv[0].fn = h_silent;
	srv[0].nq = 0;
	T_EQ_INT(dns_start(&res, "api.test", 443, mono_ms()), DNS_BUSY);
	{
		struct pk p;
		struct sockaddr_in to = { .sin_family = AF_INET };
		socklen_t tl = sizeof to;
		T_EQ_INT(pump(30), DNS_BUSY);
		T_EQ_INT(srv[0].nq, 2);
		getsockname(res.fd, (struct sockaddr *)&to, &tl);
		to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		phdr(&p, srv[0].id[0], RESP, 1, 1);
		pq(&p, "api.test", DNS_TYPE_A);
		paddr(&p, "@", 10, "198.51.100.9");
		sendto(srv[1].fd, p.b, p.n, 0, (struct sockaddr *)&to, sizeof to);
		T_EQ_INT(pump(1000), DNS_FAILED);
	}
}

static void h_cname(struct srv *s, const unsigned char *q, size_t n, const struct sockaddr_storage *from,
    socklen_t fl)
{
	struct pk p = { .n = 0 };

	pmem(&p, q, n);
	p.b[2] = 0x81;
	p.b[3] = 0x80;
	p.b[7] = 1;
	pcname(&p, "@", 600, "edge.cdn.test");
	if (qtype_of(q, n) == DNS_TYPE_A) {
		p.b[7] = 2;
		paddr(&p, "edge.cdn.test", 60, "192.0.2.7");
	}
	sendto(s->fd, p.b, p.n, 0, (const struct sockaddr *)from, fl);
}

TR(dns_follows_a_cname)
{
	int64_t t0 = mono_ms();

	srv[0].fn = h_cname;
	T_EQ_INT(dns_start(&res, "api.test", 80, t0), DNS_BUSY);
	T_EQ_INT(pump(1000), DNS_DONE);
	T_EQ_INT(res.naddr, 1);
	T_EQ_STR(sa_str(&res.addr[0]), "192.0.2.7:80");
	T_TRUE(res.expiry >= t0 + 60000 && res.expiry <= mono_ms() + 60000);
}

static void h_nxdomain(struct srv *s, const unsigned char *q, size_t n, const struct sockaddr_storage *from,
    socklen_t fl)
{
	reply(s, s->fd, q, n, from, fl, 0, 3, NULL);
}

static void h_servfail(struct srv *s, const unsigned char *q, size_t n, const struct sockaddr_storage *from,
    socklen_t fl)
{
	reply(s, s->fd, q, n, from, fl, 0, 2, NULL);
}

static void h_nodata(struct srv *s, const unsigned char *q, size_t n, const struct sockaddr_storage *from,
    socklen_t fl)
{
	reply(s, s->fd, q, n, from, fl, 0, 0, NULL);
}

TR(dns_reports_nxdomain_servfail_nodata)
{
	char want[128];
	int64_t t0 = mono_ms();

	srv[0].fn = h_nxdomain;
	T_EQ_INT(dns_start(&res, "nope.test", 443, t0), DNS_BUSY);
	T_EQ_INT(pump(1000), DNS_FAILED);
	T_TRUE(mono_ms() - t0 < TRY_MS);
	snprintf(want, sizeof want, "NXDOMAIN from 127.0.0.1:%u", srv[0].port);
	T_EQ_STR(res.err, want);
	/* SERVFAIL: the next try at once, not after the timeout */
	srv[0].nq = 0;
	srv[0].fn = h_servfail;
	t0 = mono_ms();
	T_EQ_INT(dns_start(&res, "api.test", 443, t0), DNS_BUSY);
	T_EQ_INT(pump(1000), DNS_FAILED);
	T_TRUE(mono_ms() - t0 < TRY_MS);
	T_EQ_INT(srv[0].nq, 4);
	snprintf(want, sizeof want, "SERVFAIL from 127.0.0.1:%u", srv[0].port);
	T_EQ_STR(res.err, want);
	/* the name is there, without an address */
	srv[0].fn = h_nodata;
	T_EQ_INT(dns_start(&res, "api.test", 443, mono_ms()), DNS_BUSY);
	T_EQ_INT(pump(1000), DNS_FAILED);
	snprintf(want, sizeof want, "no A or AAAA record (NODATA) from 127.0.0.1:%u", srv[0].port);
	T_EQ_STR(res.err, want);
}

TR(dns_servfail_moves_to_the_next_server)
{
	int64_t t0 = mono_ms();

	write_file(resolv_path, "nameserver 127.0.0.1:%u\nnameserver 127.0.0.1:%u\n", srv[0].port, srv[1].port);
	srv[0].fn = h_servfail;
	srv[1].fn = h_good;
	T_EQ_INT(dns_start(&res, "api.test", 443, t0), DNS_BUSY);
	T_EQ_INT(pump(1000), DNS_DONE);
	T_TRUE(mono_ms() - t0 < TRY_MS);
	T_EQ_INT(srv[0].nq, 2);
	T_EQ_INT(srv[1].nq, 2);
	T_EQ_INT(res.naddr, 3);
}

/* A REFUSED without the question, from the nameserver's own address and
 * port and with the query's id (what an off-path spoofer who guessed them
 * sends), before each real answer. */
static void h_refused_without_question(struct srv *s, const unsigned char *q, size_t n,
    const struct sockaddr_storage *from, socklen_t fl)
{
	struct pk p;

	phdr(&p, (unsigned)q[0] << 8 | q[1], 0x8185, 0, 0);
	sendto(s->fd, p.b, p.n, 0, (const struct sockaddr *)from, fl);
	reply(s, s->fd, q, n, from, fl, 0, 0, good);
}

TR(dns_ignores_an_error_without_the_question)
{
	write_file(resolv_path, "nameserver 127.0.0.1:%u\noptions attempts:1\n", srv[0].port);
	srv[0].fn = h_refused_without_question;
	T_EQ_INT(dns_start(&res, "api.test", 443, mono_ms()), DNS_BUSY);
	T_EQ_INT(pump(1000), DNS_DONE);
	T_EQ_STR(res.err, "");
	T_EQ_INT(res.naddr, 3);
	T_EQ_INT(srv[0].nq, 2);
}

static void h_ttl(struct srv *s, const unsigned char *q, size_t n, const struct sockaddr_storage *from,
    socklen_t fl)
{
	static const char *const v4[] = { "192.0.2.1", NULL };
	reply(s, s->fd, q, n, from, fl, 0, 0, v4);
}

TR(dns_ttl_is_clamped)
{
	int64_t t0;

	srv[0].fn = h_ttl;
	srv[0].ttl = 0;
	t0 = mono_ms();
	T_EQ_INT(dns_start(&res, "api.test", 443, t0), DNS_BUSY);
	T_EQ_INT(pump(1000), DNS_DONE);
	/* TTL 0: usable now, and not asked again for DNS_TTL_MIN_S */
	T_EQ_INT(res.naddr, 1);
	T_TRUE(res.expiry >= t0 + 5000 && res.expiry <= mono_ms() + 5000);
	T_TRUE(dns_fresh(&res, res.expiry - 1));
	srv[0].ttl = 86400 * 7;
	t0 = mono_ms();
	T_EQ_INT(dns_start(&res, "api.test", 443, t0), DNS_BUSY);
	T_EQ_INT(pump(1000), DNS_DONE);
	T_TRUE(res.expiry >= t0 + 3600000 && res.expiry <= mono_ms() + 3600000);
	/* a new resolution forgets freshness until it is done */
	T_EQ_INT(dns_start(&res, "api.test", 443, t0), DNS_BUSY);
	T_TRUE(!dns_fresh(&res, t0));
	dns_cancel(&res);
	T_EQ_INT(dns_state(&res), DNS_IDLE);
	T_EQ_INT(dns_pollfd(&res, &(short){ 0 }), -1);
}

static void h_a_only(struct srv *s, const unsigned char *q, size_t n, const struct sockaddr_storage *from,
    socklen_t fl)
{
	if (qtype_of(q, n) == DNS_TYPE_A)
		reply(s, s->fd, q, n, from, fl, 0, 0, good);
}

static void h_aaaa_only(struct srv *s, const unsigned char *q, size_t n, const struct sockaddr_storage *from,
    socklen_t fl)
{
	static const char *const v6[] = { "2001:db8::1", "2001:db8::2", NULL };
	reply(s, s->fd, q, n, from, fl, 0, 0, v6);
}

TR(dns_aaaa_and_the_grace_period)
{
	int64_t t0 = mono_ms(), t;

	/* A without addresses, AAAA with */
	srv[0].fn = h_aaaa_only;
	T_EQ_INT(dns_start(&res, "v6.test", 443, t0), DNS_BUSY);
	T_EQ_INT(pump(1000), DNS_DONE);
	T_EQ_INT(res.naddr, 2);
	T_EQ_STR(sa_str(&res.addr[0]), "[2001:db8::1%0]:443");
	T_EQ_STR(sa_str(&res.addr[1]), "[2001:db8::2%0]:443");
	/* AAAA never answered: the A answer after DNS_GRACE_A_MS */
	res.timeout_ms = 1000;
	srv[0].fn = h_a_only;
	t0 = mono_ms();
	T_EQ_INT(dns_start(&res, "api.test", 443, t0), DNS_BUSY);
	T_EQ_INT(pump(2000), DNS_DONE);
	t = mono_ms() - t0;
	T_TRUE(t >= DNS_GRACE_A_MS && t < 500);
	T_EQ_INT(res.naddr, 2);
	T_EQ_STR(sa_str(&res.addr[0]), "192.0.2.1:443");
	T_EQ_STR(sa_str(&res.addr[1]), "192.0.2.2:443");
}

TR(dns_ip_literals)
{
	short ev;

	T_EQ_INT(dns_start(&res, "192.0.2.55", 8443, 1000), DNS_DONE);
	T_EQ_INT(res.naddr, 1);
	T_EQ_STR(sa_str(&res.addr[0]), "192.0.2.55:8443");
	T_EQ_INT(res.addrlen[0], sizeof(struct sockaddr_in));
	T_EQ_INT(dns_pollfd(&res, &ev), -1);
	T_TRUE(dns_fresh(&res, INT64_MAX - 1));
	T_EQ_INT(dns_start(&res, "2001:db8::5", 443, 1000), DNS_DONE);
	T_EQ_STR(sa_str(&res.addr[0]), "[2001:db8::5%0]:443");
	T_EQ_INT(res.addrlen[0], sizeof(struct sockaddr_in6));
	T_EQ_INT(dns_start(&res, "fe80::1%7", 443, 1000), DNS_DONE);
	T_EQ_STR(sa_str(&res.addr[0]), "[fe80::1%7]:443");
	T_EQ_INT(srv[0].nq, 0);
	/* not an address, not a name */
	T_EQ_INT(dns_start(&res, "a..test", 443, 1000), DNS_FAILED);
	T_EQ_STR(res.err, "not a valid host name");
	T_EQ_INT(dns_start(&res, "", 443, 1000), DNS_FAILED);
	T_EQ_INT(dns_start(&res, "a.test..", 443, 1000), DNS_FAILED);
	T_EQ_INT(dns_start(&res, ".", 443, 1000), DNS_FAILED);
	T_EQ_INT(srv[0].nq, 0);
}

TR(dns_hosts_file_and_rereading)
{
	srv[0].fn = h_good;
	write_file(hosts_path, "127.0.0.1 localhost\n2001:db8::77 api.test\n192.0.2.77 API.test\n");
	T_EQ_INT(dns_start(&res, "api.test.", 443, 1000), DNS_DONE);
	T_EQ_INT(res.naddr, 2);
	T_EQ_STR(sa_str(&res.addr[0]), "192.0.2.77:443");
	T_EQ_STR(sa_str(&res.addr[1]), "[2001:db8::77%0]:443");
	T_EQ_INT(res.expiry, 1000 + DNS_TTL_MIN_S * 1000);
	T_EQ_INT(srv[0].nq, 0);
	/* the file changes: read again */
	write_file(hosts_path, "192.0.2.78 api.test\n");
	T_EQ_INT(dns_start(&res, "api.test", 443, 1000), DNS_DONE);
	T_EQ_INT(res.naddr, 1);
	T_EQ_STR(sa_str(&res.addr[0]), "192.0.2.78:443");
	/* another name, the same file */
	T_EQ_INT(dns_start(&res, "localhost", 443, 1000), DNS_BUSY);
	dns_cancel(&res);
	srv[0].fn = NULL;
	poll(&(struct pollfd){ .fd = srv[0].fd, .events = POLLIN }, 1, 1000);
	serve(&srv[0]);
	T_EQ_INT(srv[0].nq, 2);
	srv[0].nq = 0;
	srv[0].fn = h_good;
	/* gone: asked of the nameserver */
	unlink(hosts_path);
	T_EQ_INT(dns_start(&res, "api.test", 443, mono_ms()), DNS_BUSY);
	T_EQ_INT(pump(1000), DNS_DONE);
	T_EQ_STR(sa_str(&res.addr[0]), "192.0.2.1:443");
	T_EQ_INT(srv[0].nq, 2);
}

TR(dns_resolv_conf_is_read_again)
{
	srv[0].fn = h_good;
	srv[1].fn = h_good;
	T_EQ_INT(dns_start(&res, "api.test", 443, mono_ms()), DNS_BUSY);
	T_EQ_INT(pump(1000), DNS_DONE);
	T_EQ_INT(srv[0].nq, 2);
	write_file(resolv_path, "# moved\nnameserver 127.0.0.1:%u\n", srv[1].port);
	T_EQ_INT(dns_start(&res, "api.test", 443, mono_ms()), DNS_BUSY);
	T_EQ_INT(pump(1000), DNS_DONE);
	T_EQ_INT(srv[0].nq, 2);
	T_EQ_INT(srv[1].nq, 2);
	/* no file at all: 127.0.0.1:53, whatever answers there */
	unlink(resolv_path);
	T_EQ_INT(dns_start(&res, "api.test", 443, mono_ms()), DNS_BUSY);
	T_EQ_STR(sa_str(&res.conf.ns[0]), "127.0.0.1:53");
	T_EQ_INT(res.conf.nns, 1);
	dns_cancel(&res);
}
