/* Hosts as text. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include "addr.h"
#include "fmt.h"
#include "hex.h"
#include "numfmt.h"

int addr_hostport(char *out, size_t cap, const char *host, unsigned port)
{
	const char *fmt = strchr(host, ':') ? (port ? "[%s]:%u" : "[%s]") : (port ? "%s:%u" : "%s");

	return fmt_snprintf(out, cap, fmt, host, port);
}

/* hex digits of v, no leading zeros, at p; returns the end */
static char *addr_hex(char *p, unsigned v)
{
	int k = 12;

	while (k > 0 && !(v >> k))
		k -= 4;
	for (; k >= 0; k -= 4)
		*p++ = "0123456789abcdef"[v >> k & 15];
	return p;
}

char *addr_ntop(int af, const void *src, char *out)
{
	const unsigned char *a = src;
	int i, groups = 8, best = 0, max = 2, j;
	char *p = out;

	if (af == AF_INET6 && !memcmp(a, "\0\0\0\0\0\0\0\0\0\0\377\377", 12))
		groups = 6;
	if (af == AF_INET6) {
		for (i = 0; i < groups; i++) {
			p = addr_hex(p, (unsigned)a[2 * i] << 8 | a[2 * i + 1]);
			*p++ = ':';
		}
		a += 12;
	}
	if (af == AF_INET || groups == 6)
		for (i = 0; i < 4; i++) {
			p += numfmt_u64(p, a[i]);
			*p++ = '.';
		}
	p[-1] = '\0';	/* the last ':' or '.' */
	/* the longest ":0:0" (or "0:0" at the start) becomes "::" */
	for (i = 0; af == AF_INET6 && out[i]; i++) {
		if (i && out[i] != ':')
			continue;
		for (j = 0; out[i + j] == ':' || out[i + j] == '0'; j++)
			;
		if (j > max)
			best = i, max = j;
	}
	if (max > 3) {
		out[best] = out[best + 1] = ':';
		memmove(out + best + 2, out + best + max, strlen(out + best + max) + 1);
	}
	return out;
}

/* a.b.c.d: four numbers 0..255, each without a leading zero */
static int addr_pton4(const char *s, unsigned char a[4])
{
	for (int i = 0; i < 4; i++, s++) {
		unsigned v = 0;
		int n = 0;

		for (; n < 3 && s[n] >= '0' && s[n] <= '9'; n++)
			v = v * 10 + (unsigned)(s[n] - '0');
		if (n == 0 || (n > 1 && s[0] == '0') || v > 255)
			return 0;
		a[i] = (unsigned char)v;
		s += n;
		if (*s != (i < 3 ? '.' : '\0'))
			return 0;
	}
	return 1;
}

/* Groups of 1-4 hex digits, one "::" for one or more zero groups, maybe
 * a.b.c.d as the last 4 bytes: read into g, then moved apart at the gap. */
static int addr_pton6(const char *s, unsigned char a[16])
{
	unsigned char g[16];
	int n = 0, gap = -1;

	if (s[0] == ':' && s[1] == ':')
		gap = 0, s += 2;
	while (*s) {
		unsigned v = 0;
		int d = 0;

		for (; d < 4 && hex_digit(s[d]) >= 0; d++)
			v = v << 4 | (unsigned)hex_digit(s[d]);
		if (s[d] == '.') {
			if (n > 12 || !addr_pton4(s, g + n))
				return 0;
			n += 4;
			break;
		}
		if (d == 0 || n == 16)
			return 0;
		g[n++] = (unsigned char)(v >> 8);
		g[n++] = (unsigned char)v;
		s += d;
		if (!*s)
			break;
		if (*s++ != ':')
			return 0;
		if (*s == ':') {
			if (gap >= 0)
				return 0;
			gap = n, s++;
		} else if (!*s) {
			return 0;	/* one ':' at the end */
		}
	}
	if (gap < 0 ? n != 16 : n > 14)
		return 0;
	if (gap < 0)
		gap = n;
	memset(a, 0, 16);
	memcpy(a, g, (size_t)gap);
	memcpy(a + 16 - (n - gap), g + gap, (size_t)(n - gap));
	return 1;
}

int addr_pton(const char *s, unsigned char a[16])
{
	return addr_pton4(s, a) ? AF_INET : addr_pton6(s, a) ? AF_INET6 : 0;
}

static int
lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

static int
is_ows(char c)
{
	return c == ' ' || c == '\t';
}

/* An IP address or block "ADDR[/BITS]" (IPv6 maybe in brackets) of n bytes
 * into a (16 bytes, IPv4 in the first 4), its family and prefix length.
 * Returns 0, -1 if it is none. */
static int
ip_block(const char *s, size_t n, unsigned char a[16], int *family, int *bits)
{
	char buf[64];
	const char *slash = memchr(s, '/', n), *as = s;
	size_t alen = slash ? (size_t)(slash - s) : n, blen, i;
	int max, b = 0;

	if (alen >= 2 && as[0] == '[' && as[alen - 1] == ']') {
		as++;
		alen -= 2;
	}
	if (alen == 0 || alen >= sizeof buf)
		return -1;
	memcpy(buf, as, alen);
	buf[alen] = 0;
	if (!(*family = addr_pton(buf, a)))
		return -1;
	max = *family == AF_INET ? 32 : 128;
	*bits = max;
	if (!slash)
		return 0;
	blen = n - (size_t)(slash + 1 - s);
	if (blen == 0 || blen > 3)
		return -1;
	for (i = 0; i < blen; i++) {
		if (slash[1 + i] < '0' || slash[1 + i] > '9')
			return -1;
		b = b * 10 + (slash[1 + i] - '0');
	}
	if (b > max)
		return -1;
	*bits = b;
	return 0;
}

/* The first bits bits of a and b are the same. */
static int
prefix_eq(const unsigned char *a, const unsigned char *b, int bits)
{
	int whole = bits / 8, rest = bits % 8;
	unsigned mask = (0xffu << (8 - rest)) & 0xffu;

	return memcmp(a, b, (size_t)whole) == 0 && (rest == 0 || ((a[whole] ^ b[whole]) & mask) == 0);
}

/* One no_proxy entry e (n bytes, trimmed) against host (hn bytes, no final
 * dot); hfam, ha: host as an IP address (hfam 0 if it is a name). */
static int
no_proxy_entry(const char *e, size_t n, const char *host, size_t hn, int hfam, const unsigned char *ha)
{
	unsigned char ea[16];
	const char *colon = memchr(e, ':', n), *close;
	int efam, bits;

	if (n == 1 && e[0] == '*')
		return 1;
	/* the port: after "[v6]", or after the only colon ("::1" has two) */
	if (n && e[0] == '[' && (close = memchr(e, ']', n)))
		n = (size_t)(close - e) + 1;
	else if (colon && !memchr(colon + 1, ':', n - (size_t)(colon - e) - 1))
		n = (size_t)(colon - e);
	if (ip_block(e, n, ea, &efam, &bits) == 0)
		return hfam == efam && prefix_eq(ha, ea, bits);
	if (hfam)
		return 0;	/* an address is matched by addresses only */
	if (n >= 2 && e[0] == '*' && e[1] == '.')
		e += 2, n -= 2;
	else if (n >= 1 && e[0] == '.')
		e++, n--;
	if (n && e[n - 1] == '.')
		n--;
	if (n == 0 || n > hn)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (lower((unsigned char)e[i]) != lower((unsigned char)host[hn - n + i]))
			return 0;
	return n == hn || host[hn - n - 1] == '.';
}

int
addr_no_proxy(const char *list, const char *host)
{
	unsigned char ha[16];
	size_t hn = strlen(host), i = 0;
	int hfam = 0, bits;

	if (!list)
		return 0;
	if (hn && host[hn - 1] == '.')
		hn--;
	if (memchr(host, '/', hn) || ip_block(host, hn, ha, &hfam, &bits) < 0)
		hfam = 0;
	while (list[i]) {
		size_t b, e;
		while (list[i] == ',' || is_ows(list[i]))
			i++;
		for (b = i; list[i] && list[i] != ','; i++)
			;
		for (e = i; e > b && is_ows(list[e - 1]); e--)
			;
		if (e > b && no_proxy_entry(list + b, e - b, host, hn, hfam, ha))
			return 1;
	}
	return 0;
}
