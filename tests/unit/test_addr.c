/* Hosts as text: host[:port], no_proxy. */
#include "t.h"
#include "addr.h"

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
