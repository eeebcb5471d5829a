/* libFuzzer target: the DNS codec and the resolv.conf and hosts readers,
 * which read what the network and the files give them.  The first byte
 * chooses the query (type, name, whether the id is the packet's own, so
 * that most inputs get past the id check); the rest is the answer, parsed
 * as it is, (bit 0x40) with our question put after its header, and (bit
 * 0x10) as the description of a well-formed answer (see structured()).  Checks:
 * a status in range, addresses only with DNS_ANS_OK and at most
 * DNS_MAX_ADDRS of them, each found in the packet, TTLs below 2^31, the same
 * result twice, nothing allocated.  The rest is also read as resolv.conf and
 * hosts text (results within their bounds) and as a name: a query built for
 * it, turned into an empty answer, parses as ours. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include "dns.h"
#include "fuzz.h"

static const char *const fz_names[] = { "a.test", "www.example.com", "x", "firehose.us-east-1.amazonaws.com" };

static void fz_die(const char *what)
{
	fprintf(stderr, "fuzz_dns: %s\n", what);
	abort();
}

static void check_answer(const uint8_t *pkt, size_t n, uint16_t id, const char *name, int qtype)
{
	struct dns_answer a, b;
	int st = FZ_LOOP(dns_answer_parse(pkt, n, id, name, qtype, &a));
	size_t alen = qtype == DNS_TYPE_A ? 4 : 16;

	if (st < DNS_ANS_OK || st > DNS_ANS_BAD)
		fz_die("status");
	if (a.naddr < 0 || a.naddr > DNS_MAX_ADDRS || (st != DNS_ANS_OK && a.naddr))
		fz_die("address count");
	if (a.ttl > 0x7fffffffu || (!a.naddr && a.ttl))
		fz_die("ttl");
	for (int i = 0; i < a.naddr; i++)
		if (!memmem(pkt, n, a.addr[i], alen))
			fz_die("an address not in the packet");
	if (dns_answer_parse(pkt, n, id, name, qtype, &b) != st || memcmp(&a, &b, sizeof a) != 0)
		fz_die("not repeatable");
}

static void check_conf(const char *text, size_t n)
{
	struct dns_conf c;

	FZ_LOOP((dns_conf_parse(&c, text, n), 0));
	if (c.nns < 1 || c.nns > DNS_MAX_NS || c.timeout_ms < 1000 || c.timeout_ms > 60000 ||
	    c.attempts < 1 || c.attempts > 10)
		fz_die("conf out of bounds");
	for (int i = 0; i < c.nns; i++) {
		const struct sockaddr_in *in = (const void *)&c.ns[i];
		if (!(c.ns[i].ss_family == AF_INET && c.nslen[i] == sizeof(struct sockaddr_in)) &&
		    !(c.ns[i].ss_family == AF_INET6 && c.nslen[i] == sizeof(struct sockaddr_in6)))
			fz_die("nameserver family");
		if (in->sin_port == 0)	/* the same place in sockaddr_in6 */
			fz_die("nameserver port");
	}
}

static void check_name(const char *text, size_t n)
{
	char name[300];
	unsigned char q[12 + 255 + 4];
	struct dns_answer a4, a6;
	size_t len, k;

	k = n < sizeof name - 1 ? n : sizeof name - 1;
	memcpy(name, text, k);
	name[k] = 0;
	if (FZ_LOOP(dns_hosts_find(text, n, "api.test", &a4, &a6)) != a4.naddr + a6.naddr ||
	    a4.naddr > 1 || a6.naddr > 1)
		fz_die("hosts");
	len = FZ_LOOP(dns_query_build(q, sizeof q, 0x4242, name, DNS_TYPE_AAAA));
	if (len == 0)
		return;
	if (len < 12 + 2 + 4 || len > sizeof q)
		fz_die("query length");
	q[2] |= 0x80;
	if (FZ_LOOP(dns_answer_parse(q, len, 0x4242, name, DNS_TYPE_AAAA, &a6)) != DNS_ANS_OK || a6.naddr)
		fz_die("our own question not ours");
}

#define FZ_PKT_MAX 65536

/* pkt's header (made a plain answer with one question if sane), then our
 * question, then the rest of pkt: the answer section gets fuzzed, not the
 * fuzzer's skill at spelling a name in wire form. */
static const uint8_t *with_question(const uint8_t *pkt, size_t n, uint16_t id, const char *name, int qtype,
    int sane, size_t *len)
{
	static uint8_t out[12 + 300 + FZ_PKT_MAX];
	size_t q = dns_query_build(out, 12 + 300, id, name, qtype);

	if (q == 0)
		fz_die("no query for a fixed name");
	memcpy(out, pkt, 12);
	if (sane) {
		out[0] = (uint8_t)(id >> 8);
		out[1] = (uint8_t)id;
		out[2] = (uint8_t)((out[2] & 0x07) | 0x80);
		out[4] = 0;
		out[5] = 1;
	}
	memcpy(out + q, pkt + 12, n - 12);
	*len = q + n - 12;
	return out;
}

/* Input bytes, taken from the front; 0 once they run out. */
struct fz_in {
	const uint8_t *p;
	size_t n;
};

static unsigned take8(struct fz_in *in)
{
	if (!in->n)
		return 0;
	in->n--;
	return *in->p++;
}

static void put16(uint8_t *o, size_t *k, unsigned v)
{
	o[(*k)++] = (uint8_t)(v >> 8);
	o[(*k)++] = (uint8_t)v;
}

/* "cN.test" in wire form, or a pointer to where it was written before. */
static void put_cname(uint8_t *o, size_t *k, unsigned nth, size_t *seen)
{
	if (seen[nth]) {
		put16(o, k, 0xc000 | (unsigned)seen[nth]);
		return;
	}
	seen[nth] = *k;
	memcpy(o + *k, "\2c0\4test", 9);	/* with the root's 0 */
	o[*k + 2] = (uint8_t)('0' + nth);
	*k += 9;
}

/* A well-formed answer made from the input: our question, then records
 * each described by a byte (owner: the question's name, a cN.test, another
 * name or raw bytes; type: ours, CNAME, the other family's, raw; class IN
 * or raw; the rdata's length right or raw), so that CNAME chains, loops,
 * stray and overlong records are reached at once. */
static const uint8_t *structured(struct fz_in *in, uint16_t id, const char *name, int qtype, size_t *len)
{
	static uint8_t out[65536];
	size_t k = dns_query_build(out, 12 + 300, id, name, qtype), seen[4] = { 0 };
	unsigned an = 0, flags = take8(in);

	out[2] = (uint8_t)(0x80 | (flags & 0x03));	/* QR, maybe TC and RD */
	out[3] = (flags >> 4) == 3 ? 3 : 0;	/* NXDOMAIN now and then */
	while (in->n && k < sizeof out - 600 && an < 64) {
		unsigned d = take8(in), type, rdlen, i;
		switch (d & 3) {
		case 0: put16(out, &k, 0xc00c); break;
		case 1: put_cname(out, &k, take8(in) % 4, seen); break;
		case 2: memcpy(out + k, "\5other\4test", 12); k += 12; break;
		default:
			for (i = take8(in) % 24; i; i--)
				out[k++] = (uint8_t)take8(in);
		}
		switch (d >> 2 & 3) {
		case 0: type = (unsigned)qtype; break;
		case 1: type = 5; break;
		case 2: type = qtype == DNS_TYPE_A ? DNS_TYPE_AAAA : DNS_TYPE_A; break;
		default: type = take8(in) << 8 | take8(in);
		}
		put16(out, &k, type);
		put16(out, &k, d & 0x10 ? take8(in) : 1);
		for (i = 0; i < 4; i++)
			out[k++] = (uint8_t)take8(in);
		if (type == 5 && !(d & 0x20)) {
			size_t at = k;
			k += 2;
			put_cname(out, &k, take8(in) % 4, seen);
			out[at] = 0;
			out[at + 1] = (uint8_t)(k - at - 2);
		} else {
			rdlen = d & 0x20 ? take8(in) % 20 : type == DNS_TYPE_AAAA ? 16 : 4;
			put16(out, &k, rdlen);
			for (i = 0; i < rdlen; i++)
				out[k++] = (uint8_t)take8(in);
		}
		an++;
	}
	out[7] = (uint8_t)an;
	out[6] = 0;
	/* maybe cut short */
	if (flags & 0x04 && k > 12)
		k -= take8(in) % (k - 12);
	*len = k;
	return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *pkt;
	const char *name;
	uint16_t id;
	size_t n;
	int qtype;

	if (size < 1)
		return 0;
	pkt = data + 1;
	n = size - 1;
	qtype = data[0] & 1 ? DNS_TYPE_AAAA : DNS_TYPE_A;
	name = fz_names[(data[0] >> 1) % FZ_N(fz_names)];
	id = n >= 2 && !(data[0] & 0x80) ? (uint16_t)(pkt[0] << 8 | pkt[1]) : 0x1234;
	check_answer(pkt, n, id, name, qtype);
	if (n >= 12 && n <= FZ_PKT_MAX && (data[0] & 0x40)) {
		size_t len;
		const uint8_t *full = with_question(pkt, n, id, name, qtype, data[0] & 0x20, &len);
		check_answer(full, len, id, name, qtype);
	}
	if (data[0] & 0x10) {
		struct fz_in in = { pkt, n };
		size_t len;
		const uint8_t *full = structured(&in, id, name, qtype, &len);
		check_answer(full, len, id, name, qtype);
	}
	check_conf((const char *)pkt, n);
	check_name((const char *)pkt, n);
	return 0;
}
