/* Hosts as text: host[:port], no_proxy. */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "t.h"
#include "addr.h"
#include "libc.h"

T(addr_hostport_brackets)
{
	char out[64];

	T_EQ_INT(addr_hostport(out, sizeof out, "firehose.us-east-1.amazonaws.com", 443), 36);
	T_EQ_STR(out, "firehose.us-east-1.amazonaws.com:443");
	addr_hostport(out, sizeof out, "fh.test", 0);
	T_EQ_STR(out, "fh.test");
	addr_hostport(out, sizeof out, "10.0.0.1", 53);
	T_EQ_STR(out, "10.0.0.1:53");
	addr_hostport(out, sizeof out, "2001:db8::1", 8443);
	T_EQ_STR(out, "[2001:db8::1]:8443");
	addr_hostport(out, sizeof out, "::1", 0);
	T_EQ_STR(out, "[::1]");
	/* cut like snprintf, the full length returned */
	T_EQ_INT(addr_hostport(out, 6, "2001:db8::1", 443), 17);
	T_EQ_STR(out, "[2001");
}

T(addr_no_proxy_lists)
{
	static const struct { const char *list, *host; int want; } cases[] = {
	{ NULL, "firehose.us-east-1.amazonaws.com", 0 },
	{ "", "firehose.us-east-1.amazonaws.com", 0 },
	{ "*", "firehose.us-east-1.amazonaws.com", 1 },
	{ "localhost, *", "10.1.2.3", 1 },
	/* a domain and every name under it, with or without the dot */
	{ "amazonaws.com", "firehose.us-east-1.amazonaws.com", 1 },
	{ ".amazonaws.com", "firehose.us-east-1.amazonaws.com", 1 },
	{ "*.amazonaws.com", "firehose.us-east-1.amazonaws.com", 1 },
	{ ".amazonaws.com", "amazonaws.com", 1 },
	{ "us-east-1.amazonaws.com", "firehose.us-east-1.amazonaws.com", 1 },
	{ "firehose.us-east-1.amazonaws.com", "firehose.us-east-1.amazonaws.com", 1 },
	/* on a label boundary only */
	{ "aws.com", "firehose.us-east-1.amazonaws.com", 0 },
	{ "zonaws.com", "amazonaws.com", 0 },
	{ "firehose.us-east-1.amazonaws.com", "us-east-1.amazonaws.com", 0 },
	{ "eu-west-1.amazonaws.com", "firehose.us-east-1.amazonaws.com", 0 },
	/* case, final dots, ports, blanks and empty entries */
	{ "AmazonAWS.COM.", "firehose.us-east-1.amazonaws.com.", 1 },
	{ " ,, localhost ,\tamazonaws.com:443 ", "kinesis.us-east-1.amazonaws.com", 1 },
	{ "localhost,internal.corp", "kinesis.us-east-1.amazonaws.com", 0 },
	{ ".", "kinesis.us-east-1.amazonaws.com", 0 },
	{ "*.", "kinesis.us-east-1.amazonaws.com", 0 },
	{ "**", "kinesis.us-east-1.amazonaws.com", 0 },
	/* addresses: themselves and blocks only, never as a name's suffix */
	{ "127.0.0.1", "127.0.0.1", 1 },
	{ "127.0.0.1:8080", "127.0.0.1", 1 },
	{ "0.0.1", "127.0.0.1", 0 },
	{ "10.0.0.0/8", "10.200.3.4", 1 },
	{ "10.0.0.0/8", "11.0.0.1", 0 },
	{ "192.168.1.128/25", "192.168.1.200", 1 },
	{ "192.168.1.128/25", "192.168.1.100", 0 },
	{ "0.0.0.0/0", "203.0.113.9", 1 },
	{ "10.0.0.0/33", "10.0.0.1", 0 },
	{ "10.0.0.0/", "10.0.0.1", 0 },
	{ "::1", "::1", 1 },
	{ "[::1]", "::1", 1 },
	{ "[::1]:443", "::1", 1 },
	{ "fd00::/8", "fd12:3456::1", 1 },
	{ "fd00::/8", "fe80::1", 0 },
	{ "127.0.0.1", "::1", 0 },
	{ "10.0.0.0/8", "10.example.com", 0 },
	{ "1.2.3.4", "host.1.2.3.4", 0 },
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		if (addr_no_proxy(cases[i].list, cases[i].host) != cases[i].want) {
			t_fail(__FILE__, __LINE__, "no_proxy \"%s\", host %s: %d", cases[i].list ? cases[i].list : "(null)",
			    cases[i].host, !cases[i].want);
			return;
		}
}

/* addr_ntop writes what musl's inet_ntop writes. */
T(addr_ntop_as_musl)
{
	static const struct {
		int af;
		const char *in, *want;
	} cases[] = {
		{ AF_INET, "0.0.0.0", "0.0.0.0" },
		{ AF_INET, "255.255.255.255", "255.255.255.255" },
		{ AF_INET, "10.0.200.7", "10.0.200.7" },
		{ AF_INET6, "::", "::" },
		{ AF_INET6, "::1", "::1" },
		{ AF_INET6, "1::", "1::" },
		{ AF_INET6, "fe80::1:2", "fe80::1:2" },
		{ AF_INET6, "2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1" },
		{ AF_INET6, "2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1" },
		{ AF_INET6, "0:1:0:1:0:1:0:1", "0:1:0:1:0:1:0:1" },
		{ AF_INET6, "1:0:0:2:0:0:0:3", "1:0:0:2::3" },
		{ AF_INET6, "ABCD:EF01:2345:6789:abcd:ef01:2345:6789", "abcd:ef01:2345:6789:abcd:ef01:2345:6789" },
		{ AF_INET6, "::ffff:192.0.2.128", "::ffff:192.0.2.128" },
		{ AF_INET6, "::ffff:0.0.0.0", "::ffff:0.0.0.0" },
		{ AF_INET6, "::192.0.2.128", "::c000:280" },
		{ AF_INET6, "64:ff9b::192.0.2.33", "64:ff9b::c000:221" },
		{ AF_INET6, "0:0:1::", "0:0:1::" },
		{ AF_INET6, "1:0:0:0:1:0:0:0", "1::1:0:0:0" },
		{ AF_INET6, "fd00:a:b:c:d:e:f:0", "fd00:a:b:c:d:e:f:0" },
	};
	unsigned char a[16];
	char out[ADDR_TEXT_MAX];

	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		T_EQ_INT(inet_pton(cases[i].af, cases[i].in, a), 1);
		T_EQ_STR(addr_ntop(cases[i].af, a, out), cases[i].want);
	}
	/* the longest text there is */
	memset(a, 0xff, sizeof a);
	T_EQ_STR(addr_ntop(AF_INET6, a, out), "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
	memset(a, 0, 10);
	T_EQ_STR(addr_ntop(AF_INET6, a, out), "::ffff:255.255.255.255");
	memset(a, 0x12, 16);
	a[0] = 0xff;
	T_EQ_STR(addr_ntop(AF_INET6, a, out), "ff12:1212:1212:1212:1212:1212:1212:1212");
#ifndef __GLIBC__
	/* and musl's own, on random addresses with many zero groups */
	uint64_t x = UINT64_C(0x9e3779b97f4a7c15);
	char want[INET6_ADDRSTRLEN];
	for (int i = 0; i < 20000; i++) {
		for (int k = 0; k < 16; k += 2) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			a[k] = x % 3 ? 0 : (unsigned char)(x >> 8);
			a[k + 1] = x % 3 ? 0 : (unsigned char)(x >> 16);
		}
		if (i % 7 == 0)
			memcpy(a, "\0\0\0\0\0\0\0\0\0\0\377\377", 12);
		T_EQ_STR(addr_ntop(AF_INET6, a, out), inet_ntop(AF_INET6, a, want, sizeof want));
		T_EQ_STR(addr_ntop(AF_INET, a + 12, out), inet_ntop(AF_INET, a + 12, want, sizeof want));
	}
#endif
}

/* addr_pton(s) as hex of what it read, "4:" or "6:" before it, or "0". */
static const char *pton_hex(const char *s)
{
	static char out[40];
	unsigned char a[16];
	int af = addr_pton(s, a), n = af == AF_INET ? 4 : 16;

	if (!af)
		return "0";
	out[0] = af == AF_INET ? '4' : '6';
	out[1] = ':';
	for (int i = 0; i < n; i++)
		snprintf(out + 2 + 2 * i, 3, "%02x", a[i]);
	return out;
}

T(addr_pton_forms)
{
	T_EQ_STR(pton_hex("10.0.0.1"), "4:0a000001");
	T_EQ_STR(pton_hex("255.255.255.255"), "4:ffffffff");
	T_EQ_STR(pton_hex("0.0.0.0"), "4:00000000");
	T_EQ_STR(pton_hex("::"), "6:00000000000000000000000000000000");
	T_EQ_STR(pton_hex("::1"), "6:00000000000000000000000000000001");
	T_EQ_STR(pton_hex("1::"), "6:00010000000000000000000000000000");
	T_EQ_STR(pton_hex("2001:DB8::a:b"), "6:20010db80000000000000000000a000b");
	T_EQ_STR(pton_hex("1:2:3:4:5:6:7:8"), "6:00010002000300040005000600070008");
	T_EQ_STR(pton_hex("1:2:3:4:5:6:7::"), "6:00010002000300040005000600070000");
	T_EQ_STR(pton_hex("::2:3:4:5:6:7:8"), "6:00000002000300040005000600070008");
	T_EQ_STR(pton_hex("::ffff:127.0.0.1"), "6:00000000000000000000ffff7f000001");
	T_EQ_STR(pton_hex("1:2:3:4:5:6:1.2.3.4"), "6:00010002000300040005000601020304");
	T_EQ_STR(pton_hex("::1.2.3.4"), "6:00000000000000000000000001020304");
	T_EQ_STR(pton_hex("0001:0db8::"), "6:00010db8000000000000000000000000");
	/* refused */
	static const char *const bad[] = { "", "1.2.3", "1.2.3.4.", "1.2.3.4.5", "01.2.3.4", "256.1.1.1", "1..2.3",
		"1.2.3.4 ", " 1.2.3.4", "1.2.3.-4", ":", ":::", "1:", ":1", "1::2::3", "1:::2", "12345::",
		"1:2:3:4:5:6:7:8:9", "1::2:3:4:5:6:7:8", "1:2:3:4:5:6:7", "1:2:3:4:5:6:7:1.2.3.4", "1.2.3.4::",
		"::1.2.3", "::1.2.3.4:5", "g::", "::%eth0", "[::1]", "::1 " };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (strcmp(pton_hex(bad[i]), "0"))
			t_fail(__FILE__, __LINE__, "\"%s\" read as %s", bad[i], pton_hex(bad[i]));
}

/* The same answers as libc's inet_pton on every string of up to 7 pieces
 * an address is made of (where the libc is musl: glibc reads some oddities
 * otherwise). */
T(addr_pton_as_inet_pton)
{
	static const char *const piece[] = { ":", "::", "1", "1:2:3", ".", "9.8.7.6", "0ff0f" };
	enum { NP = sizeof piece / sizeof piece[0] };
	unsigned char a[16], b[16];
	unsigned long tried = 0;

	if (strcmp(LIBC_NAME, "musl"))
		return;
	for (unsigned long total = NP, len = 1; len <= 7; len++, total *= NP) {
		for (unsigned long k = 0; k < total; k++) {
			char s[64] = "";
			int af, want;

			for (unsigned long v = k, i = 0; i < len; i++, v /= NP)
				strcat(s, piece[v % NP]);
			af = addr_pton(s, a);
			want = inet_pton(AF_INET, s, b) == 1 ? AF_INET : inet_pton(AF_INET6, s, b) == 1 ? AF_INET6 : 0;
			tried++;
			if (af != want || (af && memcmp(a, b, af == AF_INET ? 4 : 16))) {
				t_fail(__FILE__, __LINE__, "\"%s\": %d, inet_pton %d", s, af, want);
				return;
			}
		}
	}
	T_EQ_INT(tried, 960799);
}
