/* LOGTOJSON: exact output bytes for every format (the Firehose developer
 * guide's examples first), the Java agent's edge cases ("-", the trailing
 * newline, a CR before it, whole-line matching), kagent's additions (IPv6,
 * "", error-log lines without pid or client, RFC 5424, OpenWrt/busybox,
 * onMismatch), configuration errors word for word, and output caps. */
#include <stdlib.h>
#include <unistd.h>
#include "t.h"
#include "conf_opts.h"
#include "proc.h"
#include "rx.h"

extern const struct processor proc_logtojson;

static const struct proc_meta l2j_meta = { 0 };
static char l2j_out[2 * 1024 * 1024 + 64];
static char l2j_in[1024 * 1024 + 64];

/* A LOGTOJSON instance for the options in json, or NULL (init refused). */
static void *l2j_new(const char *json)
{
	return t_proc_new(&proc_logtojson, json);
}

/* Runs st on in (n bytes) with stderr captured into err. */
static long l2j_go(void *st, const char *in, size_t n, char *out, size_t cap, char *err, size_t errcap)
{
	const char *said;
	size_t k;
	long r;

	t_capture_begin();
	r = proc_logtojson.run(st, in, n, out, cap, &l2j_meta);
	said = t_capture_end();
	k = strnlen(said, errcap - 1);
	memcpy(err, said, k);
	err[k] = 0;
	return r;
}

/* in gives exactly want (a literal, without its "\n") and says nothing */
#define L2J_OK(st, in, want) do { \
	char e_[1024]; \
	long r_ = l2j_go((st), (in), strlen(in), l2j_out, sizeof l2j_out, e_, sizeof e_); \
	T_EQ_STR(e_, ""); \
	T_TRUE(r_ > 0); \
	T_EQ_MEM(l2j_out, (size_t)r_, want "\n", strlen(want "\n")); \
} while (0)

/* in is dropped, with exactly warn on stderr ("" once warned) */
#define L2J_DROP(st, in, warn) do { \
	char e_[1024]; \
	long r_ = l2j_go((st), (in), strlen(in), l2j_out, sizeof l2j_out, e_, sizeof e_); \
	T_EQ_INT(r_, PROC_DROP); \
	T_EQ_STR(e_, warn); \
} while (0)

/* init refuses json, saying exactly want */
#define L2J_BAD(json, want) do { \
	void *st_ = l2j_new(json); \
	T_TRUE(st_ == NULL); \
	T_EQ_STR(t_err, want); \
} while (0)

#define HSDIVISION "64.242.88.10 - - [07/Mar/2004:16:10:02 -0800] \"GET /mailman/listinfo/hsdivision HTTP/1.1\" 200 6291"
#define HSDIVISION_JSON "{\"host\":\"64.242.88.10\",\"ident\":null,\"authuser\":null," \
	"\"datetime\":\"07/Mar/2004:16:10:02 -0800\",\"request\":\"GET /mailman/listinfo/hsdivision HTTP/1.1\"," \
	"\"response\":\"200\",\"bytes\":\"6291\"}"
#define WARN(fmt, line, what) "kagent: warning: LOGTOJSON: a line did not match logFormat " fmt ": \"" line \
	"\"; such lines are " what " (counted; said once)\n"
/* the same for a line longer than the 64 bytes shown */
#define WARN_CUT(fmt, line, what) "kagent: warning: LOGTOJSON: a line did not match logFormat " fmt ": \"" line \
	"\"...; such lines are " what " (counted; said once)\n"
/* the output is exactly the literal want */
#define L2J_EQ(r, want) T_EQ_MEM(l2j_out, (size_t)(r) > sizeof l2j_out ? 0 : (size_t)(r), want, sizeof want - 1)

/* ---- the Firehose developer guide ---------------------------------------- */

T(l2j_guide_common)
{
	void *st = l2j_new("{\"optionName\":\"LOGTOJSON\",\"logFormat\":\"COMMONAPACHELOG\"}");

	T_TRUE(st != NULL);
	L2J_OK(st, HSDIVISION "\n", HSDIVISION_JSON);
	/* the record without its newline (end of file) reads the same */
	L2J_OK(st, HSDIVISION, HSDIVISION_JSON);
}

T(l2j_guide_custom_fields)
{
	void *st = l2j_new("{\"optionName\":\"LOGTOJSON\",\"logFormat\":\"COMMONAPACHELOG\","
	    "\"customFieldNames\":[\"f1\",\"f2\",\"f3\",\"f4\",\"f5\",\"f6\",\"f7\"]}");

	T_TRUE(st != NULL);
	L2J_OK(st, HSDIVISION "\n", "{\"f1\":\"64.242.88.10\",\"f2\":null,\"f3\":null,"
	    "\"f4\":\"07/Mar/2004:16:10:02 -0800\",\"f5\":\"GET /mailman/listinfo/hsdivision HTTP/1.1\","
	    "\"f6\":\"200\",\"f7\":\"6291\"}");
}

/* The guide's matchPattern: the Apache Common Log without the bytes field. */
#define GUIDE_PATTERN "{\"optionName\":\"LOGTOJSON\",\"logFormat\":\"COMMONAPACHELOG\"," \
	"\"matchPattern\":\"^([\\\\d.]+) (\\\\S+) (\\\\S+) \\\\[([\\\\w:/]+\\\\s[+\\\\-]\\\\d{4})\\\\] \\\"(.+?)\\\" (\\\\d{3})\"," \
	"\"customFieldNames\":[\"host\",\"ident\",\"authuser\",\"datetime\",\"request\",\"response\"]}"

T(l2j_guide_match_pattern)
{
	void *st = l2j_new(GUIDE_PATTERN);

	T_TRUE(st != NULL);
	L2J_OK(st, "123.45.67.89 - - [27/Oct/2000:09:27:09 -0400] \"GET /java/javaResources.html HTTP/1.0\" 200\n",
	    "{\"host\":\"123.45.67.89\",\"ident\":null,\"authuser\":null,\"datetime\":\"27/Oct/2000:09:27:09 -0400\","
	    "\"request\":\"GET /java/javaResources.html HTTP/1.0\",\"response\":\"200\"}");
	/* Pattern.matches: the whole line, so a line with the bytes after it does not match */
	L2J_DROP(st, HSDIVISION "\n", WARN_CUT("COMMONAPACHELOG's matchPattern",
	    "64.242.88.10 - - [07/Mar/2004:16:10:02 -0800] \\\"GET /mailman/list", "dropped"));
}

/* ---- Apache ---------------------------------------------------------------- */

T(l2j_combined)
{
	void *st = l2j_new("{\"logFormat\":\"COMBINEDAPACHELOG\"}");

	T_TRUE(st != NULL);
	L2J_OK(st, "192.168.1.20 - alice [10/Oct/2023:13:55:36 +0200] \"GET /cgi-bin/luci HTTP/1.1\" 200 2326 "
	    "\"http://192.168.1.1/\" \"Mozilla/5.0 (X11; Linux x86_64; rv:118.0) Gecko/20100101 Firefox/118.0\"\n",
	    "{\"host\":\"192.168.1.20\",\"ident\":null,\"authuser\":\"alice\",\"datetime\":\"10/Oct/2023:13:55:36 +0200\","
	    "\"request\":\"GET /cgi-bin/luci HTTP/1.1\",\"response\":\"200\",\"bytes\":\"2326\","
	    "\"referer\":\"http://192.168.1.1/\","
	    "\"agent\":\"Mozilla/5.0 (X11; Linux x86_64; rv:118.0) Gecko/20100101 Firefox/118.0\"}");
	/* "-" is null wherever it stands alone; a host name; what follows the agent is ignored */
	L2J_OK(st, "www.example.com - - [01/Jan/2024:00:00:01 +0000] \"HEAD / HTTP/1.0\" 304 - \"-\" \"curl/8.4.0\" 0.001\n",
	    "{\"host\":\"www.example.com\",\"ident\":null,\"authuser\":null,\"datetime\":\"01/Jan/2024:00:00:01 +0000\","
	    "\"request\":\"HEAD / HTTP/1.0\",\"response\":\"304\",\"bytes\":null,\"referer\":null,\"agent\":\"curl/8.4.0\"}");
	/* a common-log line lacks the referer and agent */
	L2J_DROP(st, HSDIVISION "\n", WARN_CUT("COMBINEDAPACHELOG",
	    "64.242.88.10 - - [07/Mar/2004:16:10:02 -0800] \\\"GET /mailman/list", "dropped"));
}

T(l2j_common_takes_combined)
{
	void *st = l2j_new("{\"logFormat\":\"COMMONAPACHELOG\"}");

	T_TRUE(st != NULL);
	/* the Java agent's pattern ends in ".*": a combined line gives the seven fields */
	L2J_OK(st, "10.0.0.7 - - [10/Oct/2023:13:55:36 +0200] \"POST /ubus HTTP/1.1\" 200 51 \"-\" \"Mozilla/5.0\"\n",
	    "{\"host\":\"10.0.0.7\",\"ident\":null,\"authuser\":null,\"datetime\":\"10/Oct/2023:13:55:36 +0200\","
	    "\"request\":\"POST /ubus HTTP/1.1\",\"response\":\"200\",\"bytes\":\"51\"}");
}

T(l2j_apache_ipv6_and_empty)
{
	void *st = l2j_new("{\"logFormat\":\"COMMONAPACHELOG\"}");
	void *cb = l2j_new("{\"logFormat\":\"COMBINEDAPACHELOG\"}");

	T_TRUE(st != NULL && cb != NULL);
	/* kagent: IPv6 clients, which the Java agent's IPORHOST refuses */
	L2J_OK(st, "2001:db8::1 - - [07/Mar/2004:16:10:02 -0800] \"GET / HTTP/1.1\" 304 -\n",
	    "{\"host\":\"2001:db8::1\",\"ident\":null,\"authuser\":null,\"datetime\":\"07/Mar/2004:16:10:02 -0800\","
	    "\"request\":\"GET / HTTP/1.1\",\"response\":\"304\",\"bytes\":null}");
	L2J_OK(st, "::1 - - [07/Mar/2004:16:10:02 -0800] \"GET /x HTTP/1.1\" 200 5\n",
	    "{\"host\":\"::1\",\"ident\":null,\"authuser\":null,\"datetime\":\"07/Mar/2004:16:10:02 -0800\","
	    "\"request\":\"GET /x HTTP/1.1\",\"response\":\"200\",\"bytes\":\"5\"}");
	L2J_OK(st, "fe80::1c2:3ff:fe4d:5e6f%br-lan - - [07/Mar/2004:16:10:02 -0800] \"GET / HTTP/1.1\" 200 5\n",
	    "{\"host\":\"fe80::1c2:3ff:fe4d:5e6f%br-lan\",\"ident\":null,\"authuser\":null,"
	    "\"datetime\":\"07/Mar/2004:16:10:02 -0800\",\"request\":\"GET / HTTP/1.1\",\"response\":\"200\",\"bytes\":\"5\"}");
	L2J_OK(st, "::ffff:192.0.2.7 - - [07/Mar/2004:16:10:02 -0800] \"GET / HTTP/1.1\" 200 5\n",
	    "{\"host\":\"::ffff:192.0.2.7\",\"ident\":null,\"authuser\":null,"
	    "\"datetime\":\"07/Mar/2004:16:10:02 -0800\",\"request\":\"GET / HTTP/1.1\",\"response\":\"200\",\"bytes\":\"5\"}");
	/* kagent: an empty request (a client that sent nothing: Apache logs "" and 408) */
	L2J_OK(st, "192.0.2.9 - - [07/Mar/2004:16:10:02 -0800] \"\" 408 -\n",
	    "{\"host\":\"192.0.2.9\",\"ident\":null,\"authuser\":null,\"datetime\":\"07/Mar/2004:16:10:02 -0800\","
	    "\"request\":\"\",\"response\":\"408\",\"bytes\":null}");
	/* "-" as the request (nginx writes it) is null as any "-" */
	L2J_OK(st, "192.0.2.9 - - [07/Mar/2004:16:10:02 -0800] \"-\" 400 0\n",
	    "{\"host\":\"192.0.2.9\",\"ident\":null,\"authuser\":null,\"datetime\":\"07/Mar/2004:16:10:02 -0800\","
	    "\"request\":null,\"response\":\"400\",\"bytes\":\"0\"}");
	L2J_OK(cb, "2001:db8::2 - bob [07/Mar/2004:16:10:02 -0800] \"GET / HTTP/2.0\" 200 10 \"\" \"\"\n",
	    "{\"host\":\"2001:db8::2\",\"ident\":null,\"authuser\":\"bob\",\"datetime\":\"07/Mar/2004:16:10:02 -0800\","
	    "\"request\":\"GET / HTTP/2.0\",\"response\":\"200\",\"bytes\":\"10\",\"referer\":\"\",\"agent\":\"\"}");
	/* still refused, as by the Java agent: a space in the host, a quote in the request */
	L2J_DROP(st, "a b - - [07/Mar/2004:16:10:02 -0800] \"GET / HTTP/1.1\" 200 5\n",
	    WARN("COMMONAPACHELOG", "a b - - [07/Mar/2004:16:10:02 -0800] \\\"GET / HTTP/1.1\\\" 200 5", "dropped"));
	L2J_DROP(st, "1.2.3.4 - - [07/Mar/2004:16:10:02 -0800] \"GET /\"x HTTP/1.1\" 200 5\n", "");
}

T(l2j_apache_error_log)
{
	void *st = l2j_new("{\"logFormat\":\"APACHEERRORLOG\"}");

	T_TRUE(st != NULL);
	/* Apache 2.4: module:level, pid:tid, client with port, microseconds */
	L2J_OK(st, "[Wed Oct 11 14:32:52.123456 2000] [core:error] [pid 35708:tid 4328636416] "
	    "[client 72.15.99.187:47660] AH00037: Symbolic link not allowed or link target not accessible: "
	    "/usr/local/apache2/htdocs/x\n",
	    "{\"timestamp\":\"Wed Oct 11 14:32:52.123456 2000\",\"module\":\"core\",\"severity\":\"error\","
	    "\"processid\":\"35708\",\"threadid\":\"4328636416\",\"client\":\"72.15.99.187:47660\","
	    "\"message\":\"AH00037: Symbolic link not allowed or link target not accessible: "
	    "/usr/local/apache2/htdocs/x\"}");
	/* the prefork MPM: no tid */
	L2J_OK(st, "[Sun Jan 07 10:00:01.654321 2024] [php7:warn] [pid 812] [client 192.168.1.5:50022] "
	    "PHP Warning:  Undefined variable $x in /srv/www/index.php on line 3\n",
	    "{\"timestamp\":\"Sun Jan 07 10:00:01.654321 2024\",\"module\":\"php7\",\"severity\":\"warn\","
	    "\"processid\":\"812\",\"threadid\":null,\"client\":\"192.168.1.5:50022\","
	    "\"message\":\"PHP Warning:  Undefined variable $x in /srv/www/index.php on line 3\"}");
	/* kagent: Apache 2.2 (no pid), which the Java agent's pattern refuses */
	L2J_OK(st, "[Wed Oct 11 14:32:52 2000] [error] [client 127.0.0.1] client denied by server configuration: "
	    "/export/home/live/ap/htdocs/test\n",
	    "{\"timestamp\":\"Wed Oct 11 14:32:52 2000\",\"module\":null,\"severity\":\"error\",\"processid\":null,"
	    "\"threadid\":null,\"client\":\"127.0.0.1\","
	    "\"message\":\"client denied by server configuration: /export/home/live/ap/htdocs/test\"}");
	/* kagent: the server's own lines (no client) */
	L2J_OK(st, "[Sun Jan 07 10:00:01.654321 2024] [mpm_event:notice] [pid 1234:tid 140001] AH00489: "
	    "Apache/2.4.58 (Unix) configured -- resuming normal operations\n",
	    "{\"timestamp\":\"Sun Jan 07 10:00:01.654321 2024\",\"module\":\"mpm_event\",\"severity\":\"notice\","
	    "\"processid\":\"1234\",\"threadid\":\"140001\",\"client\":null,"
	    "\"message\":\"AH00489: Apache/2.4.58 (Unix) configured -- resuming normal operations\"}");
	L2J_OK(st, "[Sun Jan 07 10:00:01 2024] [notice] Apache/2.2.34 (Unix) configured -- resuming normal operations\n",
	    "{\"timestamp\":\"Sun Jan 07 10:00:01 2024\",\"module\":null,\"severity\":\"notice\",\"processid\":null,"
	    "\"threadid\":null,\"client\":null,"
	    "\"message\":\"Apache/2.2.34 (Unix) configured -- resuming normal operations\"}");
	/* kagent: an IPv6 client, with its port, and in brackets */
	L2J_OK(st, "[Sun Jan 07 10:00:01.654321 2024] [authz_core:error] [pid 1234:tid 140001] "
	    "[client 2001:db8::5:51234] AH01630: client denied by server configuration: /srv/www\n",
	    "{\"timestamp\":\"Sun Jan 07 10:00:01.654321 2024\",\"module\":\"authz_core\",\"severity\":\"error\","
	    "\"processid\":\"1234\",\"threadid\":\"140001\",\"client\":\"2001:db8::5:51234\","
	    "\"message\":\"AH01630: client denied by server configuration: /srv/www\"}");
	L2J_OK(st, "[Sun Jan 07 10:00:01 2024] [error] [pid 7] [client [fe80::1]:443] x\n",
	    "{\"timestamp\":\"Sun Jan 07 10:00:01 2024\",\"module\":null,\"severity\":\"error\","
	    "\"processid\":\"7\",\"threadid\":null,\"client\":\"[fe80::1]:443\",\"message\":\"x\"}");
	/* a message "-" is null too: the Java agent's ApacheLogParser nulls every field */
	L2J_OK(st, "[Sun Jan 07 10:00:01 2024] [error] [pid 7] -\n",
	    "{\"timestamp\":\"Sun Jan 07 10:00:01 2024\",\"module\":null,\"severity\":\"error\","
	    "\"processid\":\"7\",\"threadid\":null,\"client\":null,\"message\":null}");
	L2J_DROP(st, "AH00558: httpd: Could not reliably determine the server's fully qualified domain name\n",
	    WARN_CUT("APACHEERRORLOG", "AH00558: httpd: Could not reliably determine the server's fully ", "dropped"));
}

/* ---- syslog ------------------------------------------------------------------ */

T(l2j_syslog)
{
	void *st = l2j_new("{\"logFormat\":\"SYSLOG\"}");

	T_TRUE(st != NULL);
	L2J_OK(st, "Mar  7 04:02:16 myhost sshd[1234]: Accepted password for root from 10.0.0.2 port 51234 ssh2\n",
	    "{\"timestamp\":\"Mar  7 04:02:16\",\"hostname\":\"myhost\",\"program\":\"sshd\",\"processid\":\"1234\","
	    "\"message\":\"Accepted password for root from 10.0.0.2 port 51234 ssh2\"}");
	/* no pid: null */
	L2J_OK(st, "Dec 31 23:59:59 gw kernel: [  12.345678] eth0: link up\n",
	    "{\"timestamp\":\"Dec 31 23:59:59\",\"hostname\":\"gw\",\"program\":\"kernel\",\"processid\":null,"
	    "\"message\":\"[  12.345678] eth0: link up\"}");
	/* syslog keeps "-"; the <facility.priority> some daemons write is skipped */
	L2J_OK(st, "Jan 10 08:00:00 <13.6> - CRON[99]: -\n",
	    "{\"timestamp\":\"Jan 10 08:00:00\",\"hostname\":\"-\",\"program\":\"CRON\",\"processid\":\"99\","
	    "\"message\":\"-\"}");
	/* an empty message */
	L2J_OK(st, "Jan 10 08:00:00 h p: \n",
	    "{\"timestamp\":\"Jan 10 08:00:00\",\"hostname\":\"h\",\"program\":\"p\",\"processid\":null,"
	    "\"message\":\"\"}");
	/* invalid UTF-8 becomes U+FFFD (Java decoded the line); control bytes are escaped */
	L2J_OK(st, "Jan 10 08:00:00 h p: caf\xc3\xa9 \xff\x01\t\"q\" \\\n",
	    "{\"timestamp\":\"Jan 10 08:00:00\",\"hostname\":\"h\",\"program\":\"p\",\"processid\":null,"
	    "\"message\":\"caf\xc3\xa9 \xef\xbf\xbd\\u0001\\t\\\"q\\\" \\\\\"}");
	/* busybox's "host facility.level" form is not SYSLOG's */
	L2J_DROP(st, "Jan  1 00:00:12 OpenWrt daemon.info dnsmasq[1234]: started\n",
	    WARN("SYSLOG", "Jan  1 00:00:12 OpenWrt daemon.info dnsmasq[1234]: started", "dropped"));
}

T(l2j_rfc3339_syslog)
{
	void *st = l2j_new("{\"logFormat\":\"RFC3339SYSLOG\"}");

	T_TRUE(st != NULL);
	L2J_OK(st, "2024-01-07T10:00:01.123456+01:00 router dnsmasq[812]: query[A] example.com from 192.168.1.100\n",
	    "{\"timestamp\":\"2024-01-07T10:00:01.123456+01:00\",\"hostname\":\"router\",\"program\":\"dnsmasq\","
	    "\"processid\":\"812\",\"message\":\"query[A] example.com from 192.168.1.100\"}");
	L2J_OK(st, "2024-01-07T09:00:01Z router systemd: Started Daily apt upgrade.\n",
	    "{\"timestamp\":\"2024-01-07T09:00:01Z\",\"hostname\":\"router\",\"program\":\"systemd\","
	    "\"processid\":null,\"message\":\"Started Daily apt upgrade.\"}");
	L2J_DROP(st, "Jan  7 09:00:01 router systemd: Started\n",
	    WARN("RFC3339SYSLOG", "Jan  7 09:00:01 router systemd: Started", "dropped"));
}

T(l2j_rfc5424)
{
	void *st = l2j_new("{\"logFormat\":\"RFC5424SYSLOG\"}");

	T_TRUE(st != NULL);
	/* RFC 5424's examples (the BOM left out of the first) */
	L2J_OK(st, "<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - "
	    "'su root' failed for lonvick on /dev/pts/8\n",
	    "{\"pri\":\"34\",\"version\":\"1\",\"timestamp\":\"2003-10-11T22:14:15.003Z\","
	    "\"hostname\":\"mymachine.example.com\",\"appname\":\"su\",\"procid\":null,\"msgid\":\"ID47\","
	    "\"structureddata\":null,\"message\":\"'su root' failed for lonvick on /dev/pts/8\"}");
	L2J_OK(st, "<165>1 2003-08-24T05:14:15.000003-07:00 192.0.2.1 myproc 8710 - - %% It's time to make the do-nuts.\n",
	    "{\"pri\":\"165\",\"version\":\"1\",\"timestamp\":\"2003-08-24T05:14:15.000003-07:00\","
	    "\"hostname\":\"192.0.2.1\",\"appname\":\"myproc\",\"procid\":\"8710\",\"msgid\":null,"
	    "\"structureddata\":null,\"message\":\"%% It's time to make the do-nuts.\"}");
	L2J_OK(st, "<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 "
	    "[exampleSDID@32473 iut=\"3\" eventSource=\"Application\" eventID=\"1011\"] "
	    "An application event log entry...\n",
	    "{\"pri\":\"165\",\"version\":\"1\",\"timestamp\":\"2003-10-11T22:14:15.003Z\","
	    "\"hostname\":\"mymachine.example.com\",\"appname\":\"evntslog\",\"procid\":null,\"msgid\":\"ID47\","
	    "\"structureddata\":\"[exampleSDID@32473 iut=\\\"3\\\" eventSource=\\\"Application\\\" eventID=\\\"1011\\\"]\","
	    "\"message\":\"An application event log entry...\"}");
	/* two SD-ELEMENTs and no MSG: message null */
	L2J_OK(st, "<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 "
	    "[exampleSDID@32473 iut=\"3\" eventSource=\"Application\" eventID=\"1011\"][examplePriority@32473 class=\"high\"]\n",
	    "{\"pri\":\"165\",\"version\":\"1\",\"timestamp\":\"2003-10-11T22:14:15.003Z\","
	    "\"hostname\":\"mymachine.example.com\",\"appname\":\"evntslog\",\"procid\":null,\"msgid\":\"ID47\","
	    "\"structureddata\":\"[exampleSDID@32473 iut=\\\"3\\\" eventSource=\\\"Application\\\" eventID=\\\"1011\\\"]"
	    "[examplePriority@32473 class=\\\"high\\\"]\",\"message\":null}");
	/* escaped ] \" \\ in a PARAM-VALUE; an SD-ELEMENT without params */
	L2J_OK(st, "<14>1 2024-01-07T10:00:01+01:00 r app 1 m [a@1 x=\"q\\]\\\"z\\\\\"][b@2] hi\n",
	    "{\"pri\":\"14\",\"version\":\"1\",\"timestamp\":\"2024-01-07T10:00:01+01:00\",\"hostname\":\"r\","
	    "\"appname\":\"app\",\"procid\":\"1\",\"msgid\":\"m\","
	    "\"structureddata\":\"[a@1 x=\\\"q\\\\]\\\\\\\"z\\\\\\\\\\\"][b@2]\",\"message\":\"hi\"}");
	/* every NILVALUE: null; a message "-" is not a NILVALUE */
	L2J_OK(st, "<13>1 - - - - - - -\n",
	    "{\"pri\":\"13\",\"version\":\"1\",\"timestamp\":null,\"hostname\":null,\"appname\":null,"
	    "\"procid\":null,\"msgid\":null,\"structureddata\":null,\"message\":\"-\"}");
	L2J_OK(st, "<13>1 - - - - - -\n",
	    "{\"pri\":\"13\",\"version\":\"1\",\"timestamp\":null,\"hostname\":null,\"appname\":null,"
	    "\"procid\":null,\"msgid\":null,\"structureddata\":null,\"message\":null}");
	/* an empty MSG after the space is "" */
	L2J_OK(st, "<13>1 - h a p m - \n",
	    "{\"pri\":\"13\",\"version\":\"1\",\"timestamp\":null,\"hostname\":\"h\",\"appname\":\"a\","
	    "\"procid\":\"p\",\"msgid\":\"m\",\"structureddata\":null,\"message\":\"\"}");
	/* RFC 3164 is not RFC 5424; nor is a header field missing */
	L2J_DROP(st, "<13>Jan  7 10:00:01 host app: x\n",
	    WARN("RFC5424SYSLOG", "<13>Jan  7 10:00:01 host app: x", "dropped"));
	L2J_DROP(st, "<13>1 - h a p -\n", "");
}

T(l2j_openwrt)
{
	void *st = l2j_new("{\"logFormat\":\"OPENWRTLOG\"}");

	T_TRUE(st != NULL);
	/* logread */
	L2J_OK(st, "Mon Jan  1 00:00:12 2024 daemon.info dnsmasq[1234]: started, version 2.89 cachesize 150\n",
	    "{\"timestamp\":\"Mon Jan  1 00:00:12 2024\",\"facility\":\"daemon\",\"severity\":\"info\","
	    "\"program\":\"dnsmasq\",\"processid\":\"1234\",\"message\":\"started, version 2.89 cachesize 150\"}");
	L2J_OK(st, "Sat Feb 10 18:03:44 2024 kern.warn kernel: [   12.345678] br-lan: port 1(lan1) entered "
	    "forwarding state\n",
	    "{\"timestamp\":\"Sat Feb 10 18:03:44 2024\",\"facility\":\"kern\",\"severity\":\"warn\","
	    "\"program\":\"kernel\",\"processid\":null,"
	    "\"message\":\"[   12.345678] br-lan: port 1(lan1) entered forwarding state\"}");
	L2J_OK(st, "Sat Feb 10 18:03:44 2024 daemon.notice netifd: Interface 'wan' is now up\n",
	    "{\"timestamp\":\"Sat Feb 10 18:03:44 2024\",\"facility\":\"daemon\",\"severity\":\"notice\","
	    "\"program\":\"netifd\",\"processid\":null,\"message\":\"Interface 'wan' is now up\"}");
	L2J_OK(st, "Sat Feb 10 18:03:44 2024 authpriv.err dropbear[2101]: Bad password attempt for 'root' from "
	    "192.168.1.100:50522\n",
	    "{\"timestamp\":\"Sat Feb 10 18:03:44 2024\",\"facility\":\"authpriv\",\"severity\":\"err\","
	    "\"program\":\"dropbear\",\"processid\":\"2101\","
	    "\"message\":\"Bad password attempt for 'root' from 192.168.1.100:50522\"}");
	/* logread -t: the extra timestamp is skipped */
	L2J_OK(st, "Sat Feb 10 18:03:44 2024 [1707588224.345] user.notice root: hello\n",
	    "{\"timestamp\":\"Sat Feb 10 18:03:44 2024\",\"facility\":\"user\",\"severity\":\"notice\","
	    "\"program\":\"root\",\"processid\":null,\"message\":\"hello\"}");
	/* busybox syslogd's /var/log/messages: host (not kept) and facility.level */
	L2J_OK(st, "Jan  1 00:00:12 OpenWrt daemon.info dnsmasq[1234]: read /etc/hosts - 4 names\n",
	    "{\"timestamp\":\"Jan  1 00:00:12\",\"facility\":\"daemon\",\"severity\":\"info\","
	    "\"program\":\"dnsmasq\",\"processid\":\"1234\",\"message\":\"read /etc/hosts - 4 names\"}");
	/* busybox's own lines have no tag; "(none)" is an unset host name */
	L2J_OK(st, "Jan  1 00:00:12 (none) syslog.info syslogd started: BusyBox v1.36.1\n",
	    "{\"timestamp\":\"Jan  1 00:00:12\",\"facility\":\"syslog\",\"severity\":\"info\","
	    "\"program\":null,\"processid\":null,\"message\":\"syslogd started: BusyBox v1.36.1\"}");
	/* busybox syslogd -S: neither host nor facility.level */
	L2J_OK(st, "Jan 31 23:59:01 udhcpc[998]: lease of 10.0.0.5 obtained, lease time 86400\n",
	    "{\"timestamp\":\"Jan 31 23:59:01\",\"facility\":null,\"severity\":null,"
	    "\"program\":\"udhcpc\",\"processid\":\"998\",\"message\":\"lease of 10.0.0.5 obtained, lease time 86400\"}");
	/* busybox writes <N> for a code it has no name for */
	L2J_OK(st, "Jan 31 23:59:01 OpenWrt <1017> odd\n",
	    "{\"timestamp\":\"Jan 31 23:59:01\",\"facility\":null,\"severity\":null,"
	    "\"program\":null,\"processid\":null,\"message\":\"odd\"}");
	/* "-" is kept (a syslog format) */
	L2J_OK(st, "Mon Jan  1 00:00:12 2024 user.debug -: -\n",
	    "{\"timestamp\":\"Mon Jan  1 00:00:12 2024\",\"facility\":\"user\",\"severity\":\"debug\","
	    "\"program\":\"-\",\"processid\":null,\"message\":\"-\"}");
	L2J_DROP(st, "dnsmasq[1234]: no timestamp\n",
	    WARN("OPENWRTLOG", "dnsmasq[1234]: no timestamp", "dropped"));
}

/* ---- printing ----------------------------------------------------------------- */

T(l2j_prettyprint)
{
	void *st = l2j_new("{\"logFormat\":\"COMMONAPACHELOG\",\"jsonFormat\":\"PRETTYPRINT\"}");
	void *raw = l2j_new("{\"logFormat\":\"SYSLOG\",\"jsonFormat\":\"PRETTYPRINT\",\"onMismatch\":\"raw\"}");
	void *none = l2j_new("{\"logFormat\":\"SYSLOG\",\"matchPattern\":\"x\",\"customFieldNames\":[],"
	    "\"jsonFormat\":\"PRETTYPRINT\"}");
	void *compact = l2j_new("{\"logFormat\":\"SYSLOG\",\"matchPattern\":\"x\",\"customFieldNames\":[],"
	    "\"jsonFormat\":\"COMPACT\"}");
	char e[1024];
	long r;

	T_TRUE(st != NULL && raw != NULL && none != NULL && compact != NULL);
	L2J_OK(st, HSDIVISION "\n",
	    "{\n"
	    "  \"host\" : \"64.242.88.10\",\n"
	    "  \"ident\" : null,\n"
	    "  \"authuser\" : null,\n"
	    "  \"datetime\" : \"07/Mar/2004:16:10:02 -0800\",\n"
	    "  \"request\" : \"GET /mailman/listinfo/hsdivision HTTP/1.1\",\n"
	    "  \"response\" : \"200\",\n"
	    "  \"bytes\" : \"6291\"\n"
	    "}");
	r = l2j_go(raw, "x\n", 2, l2j_out, sizeof l2j_out, e, sizeof e);
	L2J_EQ(r, "{\n  \"message\" : \"x\"\n}\n");
	/* no groups: Jackson's empty object */
	L2J_OK(none, "x\n", "{ }");
	L2J_OK(compact, "x\n", "{}");
}

/* ---- the line ------------------------------------------------------------------ */

T(l2j_crlf)
{
	void *st = l2j_new("{\"logFormat\":\"COMMONAPACHELOG\"}");
	void *sl = l2j_new("{\"logFormat\":\"SYSLOG\",\"onMismatch\":\"raw\"}");
	void *mp = l2j_new("{\"logFormat\":\"SYSLOG\",\"matchPattern\":\"(\\\\S+) (\\\\S+)\\\\s*\","
	    "\"customFieldNames\":[\"a\",\"b\"]}");
	char e[1024];
	long r;

	T_TRUE(st != NULL && sl != NULL && mp != NULL);
	/* Only "\n" is cut; Java's '.' matches no '\r', so ".*" cannot end the
	 * line: the Java agent drops CRLF lines, and so does kagent. */
	L2J_DROP(st, HSDIVISION "\r\n", WARN_CUT("COMMONAPACHELOG",
	    "64.242.88.10 - - [07/Mar/2004:16:10:02 -0800] \\\"GET /mailman/list", "dropped"));
	r = l2j_go(sl, "Jan 10 08:00:00 h p: x\r\n", 24, l2j_out, sizeof l2j_out, e, sizeof e);
	L2J_EQ(r, "{\"message\":\"Jan 10 08:00:00 h p: x\\r\"}\n");
	T_EQ_STR(e, WARN("SYSLOG", "Jan 10 08:00:00 h p: x\\r", "sent as {\"message\":line}"));
	/* a pattern that takes the '\r' (\s does) keeps it out of the groups */
	L2J_OK(mp, "a b\r\n", "{\"a\":\"a\",\"b\":\"b\"}");
	/* only one '\n' is cut: the other is part of the line */
	L2J_OK(mp, "a b\n\n", "{\"a\":\"a\",\"b\":\"b\"}");
}

T(l2j_empty_and_multiline)
{
	void *st = l2j_new("{\"logFormat\":\"SYSLOG\"}");
	void *raw = l2j_new("{\"logFormat\":\"SYSLOG\",\"onMismatch\":\"raw\"}");
	char e[1024];
	long r;

	T_TRUE(st != NULL && raw != NULL);
	L2J_DROP(st, "\n", WARN("SYSLOG", "", "dropped"));
	L2J_DROP(st, "", "");
	/* ".*" does not cross a line: a multi-line record does not match */
	L2J_DROP(st, "Jan 10 08:00:00 h p: one\ntwo\n", "");
	r = l2j_go(raw, "\n", 1, l2j_out, sizeof l2j_out, e, sizeof e);
	L2J_EQ(r, "{\"message\":\"\"}\n");
	T_EQ_STR(e, WARN("SYSLOG", "", "sent as {\"message\":line}"));
	r = l2j_go(raw, "Jan 10 08:00:00 h p: one\ntwo\n", 29, l2j_out, sizeof l2j_out, e, sizeof e);
	L2J_EQ(r, "{\"message\":\"Jan 10 08:00:00 h p: one\\ntwo\"}\n");
	T_EQ_STR(e, "");
}

T(l2j_mismatch_raw)
{
	void *st = l2j_new("{\"logFormat\":\"COMMONAPACHELOG\",\"onMismatch\":\"raw\"}");
	static const char line[] = "say \"hi\" \\ \x01\x1f\x7f \xff\xfe caf\xc3\xa9 /x\n";
	static const char want[] = "{\"message\":\"say \\\"hi\\\" \\\\ \\u0001\\u001F\x7f \xef\xbf\xbd\xef\xbf\xbd "
	    "caf\xc3\xa9 /x\"}\n";
	char e[1024];
	long r;

	T_TRUE(st != NULL);
	r = l2j_go(st, line, sizeof line - 1, l2j_out, sizeof l2j_out, e, sizeof e);
	T_EQ_INT(r, (long)sizeof want - 1);
	T_EQ_MEM(l2j_out, (size_t)r, want, sizeof want - 1);
	/* the log escapes the DEL the JSON escaping let through */
	T_EQ_STR(e, WARN("COMMONAPACHELOG", "say \\\"hi\\\" \\\\ \\u0001\\u001F\\x7f \xef\xbf\xbd\xef\xbf\xbd caf\xc3\xa9 /x",
	    "sent as {\"message\":line}"));
	/* the warning is said once; a matching line is still converted */
	r = l2j_go(st, "nope\n", 5, l2j_out, sizeof l2j_out, e, sizeof e);
	L2J_EQ(r, "{\"message\":\"nope\"}\n");
	T_EQ_STR(e, "");
	L2J_OK(st, HSDIVISION "\n", HSDIVISION_JSON);
}

T(l2j_mismatch_drop_warns_once)
{
	void *a = l2j_new("{\"logFormat\":\"SYSLOG\",\"onMismatch\":\"drop\"}");
	void *b = l2j_new("{\"logFormat\":\"SYSLOG\"}");
	static char longline[200];

	T_TRUE(a != NULL && b != NULL);
	L2J_DROP(a, "first bad line\n", WARN("SYSLOG", "first bad line", "dropped"));
	L2J_DROP(a, "second bad line\n", "");
	L2J_DROP(a, "first bad line\n", "");
	/* once per instance (per flow), not once per process; the line's
	 * start only */
	memset(longline, 'z', 150);
	longline[150] = '\n';
	L2J_DROP(b, longline, WARN_CUT("SYSLOG", "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz", "dropped"));
}

/* ---- matchPattern ---------------------------------------------------------------- */

T(l2j_match_pattern_dash_and_absent)
{
	void *ap = l2j_new("{\"logFormat\":\"COMMONAPACHELOG\",\"matchPattern\":\"(\\\\S+) (a)?(\\\\S+)\","
	    "\"customFieldNames\":[\"x\",\"y\",\"z\"]}");
	void *sy = l2j_new("{\"logFormat\":\"SYSLOG\",\"matchPattern\":\"(\\\\S+) (a)?(\\\\S+)\","
	    "\"customFieldNames\":[\"x\",\"y\",\"z\"]}");
	void *dup = l2j_new("{\"logFormat\":\"SYSLOG\",\"matchPattern\":\"(\\\\w+) (\\\\w+) (\\\\w+)\","
	    "\"customFieldNames\":[\"a\",\"b\",\"a\"]}");

	T_TRUE(ap != NULL && sy != NULL && dup != NULL);
	/* logFormat says how "-" reads; a group that did not take part is null */
	L2J_OK(ap, "- -\n", "{\"x\":null,\"y\":null,\"z\":null}");
	L2J_OK(sy, "- -\n", "{\"x\":\"-\",\"y\":null,\"z\":\"-\"}");
	L2J_OK(sy, "- a--\n", "{\"x\":\"-\",\"y\":\"a\",\"z\":\"--\"}");
	/* LinkedHashMap: the first place, the last value */
	L2J_OK(dup, "x y z\n", "{\"a\":\"z\",\"b\":\"y\"}");
}

/* ---- configuration ------------------------------------------------------------------ */

#define L2J_FORMATS "COMMONAPACHELOG, COMBINEDAPACHELOG, APACHEERRORLOG, SYSLOG, RFC3339SYSLOG, RFC5424SYSLOG, OPENWRTLOG"

T(l2j_config_errors)
{
	L2J_BAD("{\"optionName\":\"LOGTOJSON\"}", "test:1: opts.logFormat: required: " L2J_FORMATS "\n");
	L2J_BAD("{\"logFormat\":\"NGINX\"}",
	    "test:1: opts.logFormat: unknown log format \"NGINX\"; valid: " L2J_FORMATS "\n");
	/* Enum.valueOf: case matters */
	L2J_BAD("{\"logFormat\":\"syslog\"}",
	    "test:1: opts.logFormat: unknown log format \"syslog\"; valid: " L2J_FORMATS "\n");
	L2J_BAD("{\"logFormat\":7}", "test:1: opts.logFormat: must be a string\n");
	L2J_BAD("{\"logFormat\":\"SYSLOG\",\n\"customFieldNames\":[\"a\",\"b\"]}",
	    "test:2: opts.customFieldNames: 2 names, but logFormat SYSLOG has 5 fields; give 5, or a matchPattern\n");
	L2J_BAD("{\"logFormat\":\"COMBINEDAPACHELOG\",\"customFieldNames\":[\"f1\",\"f2\",\"f3\",\"f4\",\"f5\",\"f6\",\"f7\"]}",
	    "test:1: opts.customFieldNames: 7 names, but logFormat COMBINEDAPACHELOG has 9 fields; give 9, "
	    "or a matchPattern\n");
	L2J_BAD("{\"logFormat\":\"SYSLOG\",\"customFieldNames\":\"a\"}",
	    "test:1: opts.customFieldNames: must be an array of strings\n");
	/* BaseLogParser: a matchPattern needs customFieldNames */
	L2J_BAD("{\"logFormat\":\"SYSLOG\",\"matchPattern\":\"(.*)\"}",
	    "test:1: opts.matchPattern: needs customFieldNames, one name for each capturing group\n");
	/* the Java agent would drop every line; kagent says so at start-up */
	L2J_BAD("{\"logFormat\":\"SYSLOG\",\"matchPattern\":\"(a)(b)\",\"customFieldNames\":[\"x\"]}",
	    "test:1: opts.customFieldNames: 1 name, but matchPattern has 2 capturing groups; they must be as many\n");
	L2J_BAD("{\"logFormat\":\"SYSLOG\",\"matchPattern\":\"(?:a)(b)\",\"customFieldNames\":[\"x\",\"y\"]}",
	    "test:1: opts.customFieldNames: 2 names, but matchPattern has 1 capturing group; they must be as many\n");
	L2J_BAD("{\"logFormat\":\"SYSLOG\",\"onMismatch\":\"skip\"}",
	    "test:1: opts.onMismatch: must be \"drop\" or \"raw\", not \"skip\"\n");
	L2J_BAD("{\"logFormat\":\"SYSLOG\",\"jsonFormat\":\"pretty\"}",
	    "test:1: opts.jsonFormat: must be COMPACT or PRETTYPRINT, not \"pretty\"\n");
}

T(l2j_config_bad_pattern)
{
	L2J_BAD("{\"logFormat\":\"SYSLOG\",\"matchPattern\":\"(a\",\"customFieldNames\":[\"x\"]}",
	    "test:1: opts.matchPattern: at 0: unclosed group\n");
	L2J_BAD("{\"logFormat\":\"SYSLOG\",\"matchPattern\":\"(a)\\\\1\",\"customFieldNames\":[\"x\"]}",
	    "test:1: opts.matchPattern: at 3: back-references are not supported\n");
}

T(l2j_every_format_compiles)
{
	static const char *const f[] = { "COMMONAPACHELOG", "COMBINEDAPACHELOG", "APACHEERRORLOG", "SYSLOG",
		"RFC3339SYSLOG", "RFC5424SYSLOG", "OPENWRTLOG" };
	char json[128];

	for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) {
		snprintf(json, sizeof json, "{\"logFormat\":\"%s\",\"jsonFormat\":\"COMPACT\"}", f[i]);
		T_TRUE(l2j_new(json) != NULL);
	}
}

/* ---- caps ---------------------------------------------------------------------------- */

T(l2j_toolong)
{
	void *st = l2j_new("{\"logFormat\":\"COMMONAPACHELOG\"}");
	void *raw = l2j_new("{\"logFormat\":\"COMMONAPACHELOG\",\"onMismatch\":\"raw\"}");
	size_t want = sizeof HSDIVISION_JSON;	/* with the "\n" */
	char buf[512], e[1024];
	long r;

	T_TRUE(st != NULL && raw != NULL);
	/* exactly enough */
	memset(buf, '#', sizeof buf);
	r = l2j_go(st, HSDIVISION "\n", sizeof HSDIVISION, buf, want, e, sizeof e);
	T_EQ_INT(r, (long)want);
	T_EQ_MEM(buf, want, HSDIVISION_JSON "\n", want);
	T_EQ_INT(buf[want], '#');
	/* one byte short: the "\n" does not fit; nothing past cap */
	for (size_t cap = 0; cap < want; cap += (cap < 8 || cap > want - 8) ? 1 : 17) {
		memset(buf, '#', sizeof buf);
		r = l2j_go(st, HSDIVISION "\n", sizeof HSDIVISION, buf, cap, e, sizeof e);
		T_EQ_INT(r, PROC_TOOLONG);
		T_EQ_INT(buf[cap], '#');
	}
	memset(buf, '#', sizeof buf);
	r = l2j_go(raw, "abc\n", 4, buf, 16, e, sizeof e);
	T_EQ_INT(r, PROC_TOOLONG);
	T_EQ_INT(buf[16], '#');
	r = l2j_go(raw, "abc\n", 4, buf, 18, e, sizeof e);
	T_EQ_INT(r, 18);
	T_EQ_MEM(buf, 18, "{\"message\":\"abc\"}\n", 18);
}

T(l2j_one_megabyte)
{
	void *st = l2j_new("{\"logFormat\":\"SYSLOG\"}");
	void *raw = l2j_new("{\"logFormat\":\"COMMONAPACHELOG\",\"onMismatch\":\"raw\"}");
	static const char head[] = "Jan 10 08:00:00 h p: ";
	static const char jhead[] = "{\"timestamp\":\"Jan 10 08:00:00\",\"hostname\":\"h\",\"program\":\"p\","
	    "\"processid\":null,\"message\":\"";
	size_t body = 1024 * 1024, n = sizeof head - 1 + body + 1, i;
	char e[1024];
	long r;

	T_TRUE(st != NULL && raw != NULL);
	memcpy(l2j_in, head, sizeof head - 1);
	for (i = 0; i < body; i++)
		l2j_in[sizeof head - 1 + i] = (char)('a' + i % 26);
	l2j_in[n - 1] = '\n';
	r = l2j_go(st, l2j_in, n, l2j_out, sizeof l2j_out, e, sizeof e);
	T_EQ_INT(r, (long)(sizeof jhead - 1 + body + 3));
	T_EQ_MEM(l2j_out, sizeof jhead - 1, jhead, sizeof jhead - 1);
	T_EQ_MEM(l2j_out + sizeof jhead - 1, body, l2j_in + sizeof head - 1, body);
	T_EQ_MEM(l2j_out + r - 3, 3, "\"}\n", 3);
	/* a record's cap (1,000 KiB) is too small */
	memset(l2j_out, '#', 1024000 + 1);
	r = l2j_go(st, l2j_in, n, l2j_out, 1024000, e, sizeof e);
	T_EQ_INT(r, PROC_TOOLONG);
	T_EQ_INT(l2j_out[1024000], '#');
	/* the raw pass-through of a 1 MB line that does not match */
	l2j_in[0] = '!';
	r = l2j_go(raw, l2j_in, n, l2j_out, sizeof l2j_out, e, sizeof e);
	T_EQ_INT(r, (long)(12 + n - 1 + 3));
	T_EQ_MEM(l2j_out + r - 3, 3, "\"}\n", 3);
}

/* Each built-in format's pattern, whole: its fragments (kept once each in
 * logtojson.c) put back where they belong, byte for byte the text the
 * formats had before they were shared. */
size_t l2j_pattern(const char *format, char *out, size_t cap);	/* logtojson.c, for this test */

T(logtojson_builtin_patterns)
{
	static const struct { const char *format, *text; } want[] = {
		{ "COMMONAPACHELOG",
		  "^((?:(?:[\\w\\-]+)(?:\\.(?:[\\w\\-]+))*(?:\\.?|\\b)|(?:[\\d\\.]+))|(?:[0-9A-Fa-f]*:[0-9A-Fa-f:.]"
		  "*(?:%[\\w.\\-]+)?)) ((?:[a-zA-Z0-9._-]+)) ((?:[a-zA-Z0-9._-]+)) \\[((?:(?:(?:0[1-9])|(?:[12][0-9"
		  "])|(?:3[01])|[1-9])/\\b(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|Jun(?:e)?|Jul(?:y"
		  ")?|Aug(?:ust)?|Sep(?:tember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\\b/(?:[1-9]\\d*):(?:(?:2"
		  "[0123]|[01]?[0-9]):(?:[0-5][0-9]):(?:(?:[0-5]?[0-9]|60)(?:[:\\.,][0-9]+)?))\\s(?:[+-]?(?:[0-9]+)"
		  ")))\\] \"([^\"]*)\" ((?:[+-]?(?:[0-9]+))|\\-) ((?:[+-]?(?:[0-9]+))|\\-).*" },
		{ "COMBINEDAPACHELOG",
		  "^((?:(?:[\\w\\-]+)(?:\\.(?:[\\w\\-]+))*(?:\\.?|\\b)|(?:[\\d\\.]+))|(?:[0-9A-Fa-f]*:[0-9A-Fa-f:.]"
		  "*(?:%[\\w.\\-]+)?)) ((?:[a-zA-Z0-9._-]+)) ((?:[a-zA-Z0-9._-]+)) \\[((?:(?:(?:0[1-9])|(?:[12][0-9"
		  "])|(?:3[01])|[1-9])/\\b(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|Jun(?:e)?|Jul(?:y"
		  ")?|Aug(?:ust)?|Sep(?:tember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\\b/(?:[1-9]\\d*):(?:(?:2"
		  "[0123]|[01]?[0-9]):(?:[0-5][0-9]):(?:(?:[0-5]?[0-9]|60)(?:[:\\.,][0-9]+)?))\\s(?:[+-]?(?:[0-9]+)"
		  ")))\\] \"([^\"]*)\" ((?:[+-]?(?:[0-9]+))|\\-) ((?:[+-]?(?:[0-9]+))|\\-) \"([^\"]*)\" \"([^\"]*)"
		  "\".*" },
		{ "APACHEERRORLOG",
		  "^\\[((?:(?:Mon(?:day)?|Tue(?:sday)?|Wed(?:nesday)?|Thu(?:rsday)?|Fri(?:day)?|Sat(?:urday)?|Sun(?"
		  ":day)?)\\s+\\b(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|Jun(?:e)?|Jul(?:y)?|Aug(?:"
		  "ust)?|Sep(?:tember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\\b\\s+(?:(?:0[1-9])|(?:[12][0-9])"
		  "|(?:3[01])|[1-9])\\s+(?:(?:2[0123]|[01]?[0-9]):(?:[0-5][0-9]):(?:(?:[0-5]?[0-9]|60)(?:[:\\.,][0-"
		  "9]+)?))\\s+(?:[1-9]\\d*)))\\] \\[(?:(\\w+):)?(\\w+)\\] (?:\\[pid ((?:[0-9]+))(?::tid ((?:[0-9]+)"
		  "))?\\] )?(?:\\[client ((?:(?:(?:[\\w\\-]+)(?:\\.(?:[\\w\\-]+))*(?:\\.?|\\b)|(?:[\\d\\.]+))(?::(?"
		  ":[1-9][0-9]*))?)|(?:\\[[0-9A-Fa-f:.]+(?:%[\\w.\\-]+)?\\](?::[0-9]+)?|(?:[0-9A-Fa-f]*:[0-9A-Fa-f:"
		  ".]*(?:%[\\w.\\-]+)?)))\\] )?(.*)" },
		{ "SYSLOG",
		  "^((?:\\b(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|Jun(?:e)?|Jul(?:y)?|Aug(?:ust)?|"
		  "Sep(?:tember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\\b\\s+(?:(?:0[1-9])|(?:[12][0-9])|(?:3["
		  "01])|[1-9])\\s+(?:(?:2[0123]|[01]?[0-9]):(?:[0-5][0-9]):(?:(?:[0-5]?[0-9]|60)(?:[:\\.,][0-9]+)?)"
		  "))) (?:<(?:[0-9]+).(?:[0-9]+)> )?((?:[a-zA-Z0-9._-]+)) ([\\w\\._/%-]+)(?:\\[((?:[1-9][0-9]*))\\]"
		  ")?: (.*)" },
		{ "RFC3339SYSLOG",
		  "^((?:\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(?:\\.\\d+)?)(?:Z|(?:[-+]\\d{2}:\\d{2}))) (?:<(?:["
		  "0-9]+).(?:[0-9]+)> )?((?:[a-zA-Z0-9._-]+)) ([\\w\\._/%-]+)(?:\\[((?:[1-9][0-9]*))\\])?: (.*)" },
		{ "RFC5424SYSLOG",
		  "^<([0-9]{1,3})>([1-9][0-9]{0,2}) (-|[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\\.["
		  "0-9]{1,6})?(?:Z|[+-][0-9]{2}:[0-9]{2})) (\\S+) (\\S+) (\\S+) (\\S+) (-|(?:\\[[^\\s=\\]\"]+(?: [^"
		  "\\s=\\]\"]+=\"(?:[^\"\\\\]|\\\\.)*\")*\\])+)(?: (.*))?" },
		{ "OPENWRTLOG",
		  "^((?:(?:Mon(?:day)?|Tue(?:sday)?|Wed(?:nesday)?|Thu(?:rsday)?|Fri(?:day)?|Sat(?:urday)?|Sun(?:da"
		  "y)?) +)?\\b(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|Jun(?:e)?|Jul(?:y)?|Aug(?:ust"
		  ")?|Sep(?:tember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\\b +(?:(?:0[1-9])|(?:[12][0-9])|(?:3"
		  "[01])|[1-9]) +(?:(?:2[0123]|[01]?[0-9]):(?:[0-5][0-9]):(?:(?:[0-5]?[0-9]|60)(?:[:\\.,][0-9]+)?))"
		  "(?: +[0-9]{4})?) (?:\\[[0-9]+\\.[0-9]+\\] )?(?:(?:\\S+ )?(?:(kern|user|mail|daemon|auth|syslog|l"
		  "pr|news|uucp|cron|authpriv|ftp|ntp|security|console|mark|local[0-7]|<unknown>)\\.(emerg|alert|cr"
		  "it|err|error|warn|warning|notice|info|debug|panic|none|<unknown>)|<[0-9]+>) )?(?:([\\w\\._/%-]+)"
		  "(?:\\[([0-9]+)\\])?: )?(.*)" },
	};
	char out[1024];

	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		T_EQ_INT(l2j_pattern(want[i].format, out, sizeof out), strlen(want[i].text));
		T_EQ_STR(out, want[i].text);
	}
	T_EQ_INT(l2j_pattern("NOSUCHLOG", out, sizeof out), 0);
	/* cut to what fits */
	T_EQ_INT(l2j_pattern("SYSLOG", out, 11), 10);
	T_EQ_STR(out, "^((?:\\b(?:");
}

/* A format's scanner against the regular expression it stands in for.
 * Each line says whether the scanner takes it and whether the expression
 * matches; then each line is changed at random (bytes replaced, put in,
 * taken out: delimiters, digits, non-ASCII, line ends) many times, and
 * whenever the scanner takes a line the expression matches it with the
 * same groups. */
int l2j_apache(const char *s, size_t n, int combined, int *caps);	/* logtojson.c, for these tests */
int l2j_bsd(const char *s, size_t n, int rfc3339, int *caps);
int l2j_logread(const char *s, size_t n, int variant, int *caps);
int l2j_error(const char *s, size_t n, int variant, int *caps);
int l2j_5424(const char *s, size_t n, int variant, int *caps);

struct l2j_case {
	const char *line;
	int scanner, rx;
};

static void l2j_scanner_check(const char *format, int (*scan)(const char *, size_t, int, int *), int variant,
    int groups, const struct l2j_case *lines, size_t nlines, const char *bytes, size_t nbytes)
{
	char pat[1024], err[128], buf[512];
	size_t plen = l2j_pattern(format, pat, sizeof pat);
	struct rx *rx = rx_compile(pat, plen, err, sizeof err);
	long taken = 0, tried = 0;
	uint32_t seed = 14;

	T_TRUE(rx != NULL);
	for (size_t i = 0; i < nlines; i++) {
		for (int m = 0; m < 3000; m++) {
			int fast[20], slow[20], k, r;
			size_t n = strlen(lines[i].line);

			memcpy(buf, lines[i].line, n);
			if (m)	/* m == 0: the line as written */
				t_mutate(buf, &n, sizeof buf, &seed, bytes, nbytes);
			memset(fast, 0x55, sizeof fast);
			r = scan(buf, n, variant, fast);
			k = rx_exec_pike(rx, buf, n, 0, RX_MATCHES, slow, groups);
			if (m == 0) {
				T_EQ_INT(r, lines[i].scanner);
				T_EQ_INT(k, lines[i].rx);
			}
			tried++;
			if (!r)
				continue;
			taken++;
			T_EQ_INT(k, 1);
			T_EQ_MEM(fast, (size_t)groups * 2 * sizeof(int), slow, (size_t)groups * 2 * sizeof(int));
		}
	}
	/* the changes leave many lines the scanner still takes: the
	 * comparison above ran on them, not only on refusals */
	T_TRUE(taken > tried / 30);
	T_TRUE(taken < tried / 2);
}

T(l2j_apache_scanner_agrees_with_the_pattern)
{
	static const struct l2j_case lines[] = {
		{ "127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] \"GET /apache_pb.gif HTTP/1.0\" 200 2326 "
		  "\"http://www.example.com/start.html\" \"Mozilla/4.08 [en] (Win98; I ;Nav)\"", 1, 1 },
		{ "2001:db8::1 - - [01/Jan/2024:00:00:00 +0000] \"\" 400 - \"-\" \"\"", 1, 1 },
		{ "::ffff:10.0.0.1 a.b_c-d - [31/Dec/1999:23:59:59 +0100] \"GET / HTTP/1.1\" -5 +7 \"-\" \"-\" trailing", 1, 1 },
		{ "fe80::1 - - [15/May/2023:09:05:07 -0000] \"GET /\xc3\xa9t\xc3\xa9\n HTTP/1.1\" 200 12 \"\" \"-\"", 1, 1 },
		/* forms the scanner leaves to the expression */
		{ "www.example.com - - [10/Oct/2000:13:55:36 -0700] \"GET / HTTP/1.0\" 200 1 \"-\" \"-\"", 0, 1 },
		{ "fe80::1%eth0 - - [10/Oct/2000:13:55:36 -0700] \"GET / HTTP/1.0\" 200 1 \"-\" \"-\"", 0, 1 },
		{ "10.0.0.1 - - [1/Oct/2000:13:55:36 -0700] \"GET / HTTP/1.0\" 200 1 \"-\" \"-\"", 0, 1 },
		{ "10.0.0.1 - - [10/October/2000:13:55:36 -0700] \"GET / HTTP/1.0\" 200 1 \"-\" \"-\"", 0, 1 },
		{ "10.0.0.1 - - [10/Oct/2000:3:55:36 -0700] \"GET / HTTP/1.0\" 200 1 \"-\" \"-\"", 0, 1 },
		{ "10.0.0.1 - - [10/Oct/2000:13:55:60 -0700] \"GET / HTTP/1.0\" 200 1 \"-\" \"-\"", 0, 1 },
		{ "10.0.0.1 - - [10/Oct/2000:13:55:36.123 -0700] \"GET / HTTP/1.0\" 200 1 \"-\" \"-\"", 0, 1 },
		{ "10.0.0.1 - - [10/Oct/2000:13:55:36\t-0700] \"GET / HTTP/1.0\" 200 1 \"-\" \"-\"", 0, 1 },
		{ "10.0.0.1 - - [10/Oct/2000:13:55:36 -0700] \"GET / HTTP/1.0\" 200 1 \"-\" \"-\" \xc3\xa9", 0, 1 },
		/* lines neither takes */
		{ "10.0.0.1 - - [10/Oct/2000:24:55:36 -0700] \"GET / HTTP/1.0\" 200 1 \"-\" \"-\"", 0, 0 },
		{ "10.0.0.1 - - [32/Oct/2000:13:55:36 -0700] \"GET / HTTP/1.0\" 200 1 \"-\" \"-\"", 0, 0 },
		{ "10.0.0.1 - - [10/oct/2000:13:55:36 -0700] \"GET / HTTP/1.0\" 200 1 \"-\" \"-\"", 0, 0 },
		{ "10.0.0.1 - - [10/Oct/0200:13:55:36 -0700] \"GET / HTTP/1.0\" 200 1 \"-\" \"-\"", 0, 0 },
		{ "10.0.0.1 - - [10/Oct/2000:13:55:36 -0700] \"GET /\\\"x\\\" HTTP/1.0\" 200 1 \"-\" \"-\"", 0, 0 },
		{ "10.0.0.1 - fr@nk [10/Oct/2000:13:55:36 -0700] \"GET / HTTP/1.0\" 200 1 \"-\" \"-\"", 0, 0 },
		{ "10.0.0.1 - - [10/Oct/2000:13:55:36 -0700] \"GET / HTTP/1.0\" 2x0 1 \"-\" \"-\"", 0, 0 },
		{ "10.0.0.1 - - [10/Oct/2000:13:55:36 -0700] \"GET / HTTP/1.0\" 200 1 \"-\" \"-\"\r", 0, 0 },
		{ "10.0.0.1  - - [10/Oct/2000:13:55:36 -0700] \"GET / HTTP/1.0\" 200 1 \"-\" \"-\"", 0, 0 },
		{ "", 0, 0 },
	};
	static const char bytes[] = " \"[]-+:/.0123456789aZfF%_\t\r\n\xc3\xa9\xc2\x85\xe2\x80\xa8\x80";

	l2j_scanner_check("COMMONAPACHELOG", l2j_apache, 0, 8, lines, sizeof lines / sizeof lines[0], bytes,
	    sizeof bytes - 1);
	l2j_scanner_check("COMBINEDAPACHELOG", l2j_apache, 1, 10, lines, sizeof lines / sizeof lines[0], bytes,
	    sizeof bytes - 1);
}

T(l2j_bsd_scanner_agrees_with_the_pattern)
{
	static const struct l2j_case bsd[] = {
		{ "Nov 14 22:13:20 gw-0042 httpd[1000]: 176.203.201.200 GET / HTTP/1.1 200 17", 1, 1 },
		{ "Jan  1 00:00:12 OpenWrt dnsmasq: started, version 2.89 cachesize 150", 1, 1 },
		{ "Feb 29 9:05:60.123456 a.b_c-d /usr/sbin/cron%x[9]: ", 1, 1 },
		{ "Dec 31 23:59:59,5 h p[10]: x: y [z]", 1, 1 },
		{ "Mar 9 1:02:3 h p: ", 1, 1 },
		{ "Mar 9 1:2:03 h p: x", 0, 0 },
		/* forms the scanner leaves to the expression */
		{ "January 1 00:00:12 h p: x", 0, 1 },
		{ "Jan\t1 00:00:12 h p: x", 0, 1 },
		{ "Jan 1 00:00:12 <13.6> h p: x", 0, 1 },
		{ "Jan 1 00:00:12 h p: \xc3\xa9t\xc3\xa9", 0, 1 },
		/* lines neither takes */
		{ "Jan 32 00:00:12 h p: x", 0, 0 },
		{ "Jan 00 00:00:12 h p: x", 0, 0 },
		{ "Jan 1 24:00:12 h p: x", 0, 0 },
		{ "Jan 1 00:60:12 h p: x", 0, 0 },
		{ "Jan 1 00:00:61 h p: x", 0, 0 },
		{ "Jan 1 00:00:12 h p[0]: x", 0, 0 },
		{ "Jan 1 00:00:12 h p[12]x: x", 0, 0 },
		{ "Jan 1 00:00:12 h p x", 0, 0 },
		{ "Jan 1 00:00:12 h@x p: x", 0, 0 },
		{ "Jan 1 00:00:12 h p: x\r", 0, 0 },
		{ "jan 1 00:00:12 h p: x", 0, 0 },
		{ "", 0, 0 },
	};
	static const struct l2j_case rfc3339[] = {
		{ "2024-01-01T00:00:12Z gw dnsmasq[1234]: started", 1, 1 },
		{ "2024-01-01T00:00:12.123456+01:00 gw p: x", 1, 1 },
		{ "9999-99-99T99:99:99-99:99 gw p[1]: ", 1, 1 },
		{ "2023-11-14T22:13:20.5Z gw-0042 httpd[1000]: GET / HTTP/1.1 200 172608", 1, 1 },
		{ "2023-11-14T22:13:20-05:00 router kernel: [  12.345678] eth0: link up", 1, 1 },
		/* forms the scanner leaves to the expression */
		{ "2024-01-01T00:00:12Z <1.2> gw p: x", 0, 1 },
		/* lines neither takes */
		{ "2024-01-01 00:00:12Z gw p: x", 0, 0 },
		{ "2024-01-01T00:00:12 gw p: x", 0, 0 },
		{ "2024-01-01T00:00:12.Z gw p: x", 0, 0 },
		{ "2024-01-01T00:00:12+0100 gw p: x", 0, 0 },
		{ "24-01-01T00:00:12Z gw p: x", 0, 0 },
	};
	static const char bytes[] = " []<>.,:/%_-+Z0123456789aJn\t\r\n\xc3\xa9\xc2\x85\x80";

	l2j_scanner_check("SYSLOG", l2j_bsd, 0, 6, bsd, sizeof bsd / sizeof bsd[0], bytes, sizeof bytes - 1);
	l2j_scanner_check("RFC3339SYSLOG", l2j_bsd, 1, 6, rfc3339, sizeof rfc3339 / sizeof rfc3339[0], bytes,
	    sizeof bytes - 1);
}

T(l2j_openwrt_scanner_agrees_with_the_pattern)
{
	static const struct l2j_case lines[] = {
		{ "Tue Nov 14 22:13:20 2023 daemon.info httpd[1000]: 176.203.201.200 GET / HTTP/2.0 200 17", 1, 1 },
		{ "Mon Jan  1 00:00:12 2024 [1704067212.345] kern.warn kernel: [   12.345678] eth0: link up", 1, 1 },
		{ "Jan  1 00:00:12 OpenWrt authpriv.notice dropbear[1234]: Password auth succeeded", 1, 1 },
		{ "Jan  1 00:00:12 syslogd started: BusyBox v1.36.1", 1, 1 },
		{ "Sun Dec 31 23:59:59 1999 gw <13> local7.debug x[0]: y", 1, 1 },
		{ "Sat Feb 29 9:05:60.5 gw daemon.info kern.err p[12]x: y", 1, 1 },
		{ "Wed Mar  3 03:03:03 2023 <unknown>.<unknown> <unknown>: -", 1, 1 },
		{ "Thu Apr 30 10:00:00 12345 user.error p: x", 1, 1 },
		{ "Fri May 1 1:00:00  2024 mail.err", 1, 1 },
		{ "Sun Mar 1 00:00:01 2024 daemon.info kern.err x: y", 1, 1 },
		{ "Jan  1 00:00:12 local8.info p: x", 1, 1 },
		{ "Jan  1 00:00:12 [12] [1.] [.5] [1.5]x local0.info p: x", 1, 1 },
		/* forms the scanner leaves to the expression */
		{ "Monday Jan  1 00:00:12 2024 daemon.info p: x", 0, 1 },
		{ "Mon January  1 00:00:12 2024 daemon.info p: x", 0, 1 },
		{ "Mon Jan  1 00:00:12 2024 daemon.info p: \xc3\xa9t\xc3\xa9", 0, 1 },
		/* lines neither takes */
		{ "Mon Jan  1 00:00:12 2024 daemon.info p: x\r", 0, 0 },
		{ "Mon Jan\t1 00:00:12 2024 daemon.info p: x", 0, 0 },
		{ "Mon Jan  1 24:00:12 2024 daemon.info p: x", 0, 0 },
		{ "Mon Jan  1 00:00:12", 0, 0 },
		{ "Mon  Jan  1 00:00:12 x", 1, 1 },
	};
	static const char bytes[] = " []<>.:/%_-0123456789aefiklnoru\t\v\r\n\xc3\xa9\xc2\x85\x80";

	l2j_scanner_check("OPENWRTLOG", l2j_logread, 0, 7, lines, sizeof lines / sizeof lines[0], bytes,
	    sizeof bytes - 1);
}

/* Every facility and severity name, each found whole (the scanner tries
 * the names from the first that starts with the line's byte), and none of
 * them with its last byte changed. */
T(l2j_openwrt_every_facility_and_severity)
{
	static const char *const fac[] = { "kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news",
		"uucp", "cron", "authpriv", "ftp", "ntp", "security", "console", "mark", "local0", "local7",
		"<unknown>" };
	static const char *const sev[] = { "emerg", "alert", "crit", "err", "error", "warn", "warning", "notice",
		"info", "debug", "panic", "none", "<unknown>" };
	char line[96];
	int caps[14], n;

	for (size_t f = 0; f < sizeof fac / sizeof *fac; f++)
		for (size_t v = 0; v < sizeof sev / sizeof *sev; v++)
			for (int bad = 0; bad < 3; bad++) {
				n = snprintf(line, sizeof line, "Jan  1 00:00:12 gw %s.%s p: x", fac[f], sev[v]);
				if (bad)	/* the last byte of one name */
					line[19 + strlen(fac[f]) + (bad == 2 ? 1 + strlen(sev[v]) : 0) - 1] = 'q';
				T_EQ_INT(l2j_logread(line, (size_t)n, 0, caps), 1);
				if (bad) {
					T_EQ_INT(caps[4], -1);
					continue;
				}
				T_EQ_INT(caps[4], 19);
				T_EQ_INT(caps[5], 19 + (int)strlen(fac[f]));
				T_EQ_INT(caps[7] - caps[6], (int)strlen(sev[v]));
			}
}

T(l2j_error_scanner_agrees_with_the_pattern)
{
	static const struct l2j_case lines[] = {
		{ "[Tue Nov 14 22:13:20.000000 2023] [core:error] [pid 1000:tid 10000] [client 176.203.201.200:1024] "
		  "File does not exist: /var/www/favicon.ico", 1, 1 },
		{ "[Wed Oct 11 14:32:52 2000] [error] [client 127.0.0.1] client denied by server configuration", 1, 1 },
		{ "[Sun Jan  7 09:00:01.5 2024] [mpm_event:notice] [pid 1] AH00489: Apache/2.4.57 configured", 1, 1 },
		{ "[Mon Feb 29 1:02:03 1] [x] [client www.example.com.:8080] -", 1, 1 },
		{ "[Thu Mar 1 00:00:00 2024] [ssl:warn] [pid 12:tid 3] [client 2001:db8::1:50000] AH01909", 1, 1 },
		{ "[Fri Apr 5 00:00:00 2024] [a:b] [client ::ffff:10.0.0.1%eth0] [pid 5] x", 1, 1 },
		{ "[Sat May 6 00:00:00 2024] [a:b] [pid 5:tid x] [client 10.0.0.1] y", 1, 1 },
		{ "[Sat May 6 00:00:00 2024] [a:b] [pid 5] [client a..b] [client 10.0.0.1:0] y", 1, 1 },
		{ "[Sat May 6 00:00:00 2024] [a:b] [client 10.0.0.1:0] y", 1, 1 },
		{ "[Sat May 6 00:00:00 2024] [a:b] [client 10.0.0.1]x y", 1, 1 },
		{ "[Sat May 6 00:00:00 2024] [a:b] [client 10.0.0.1", 1, 1 },
		{ "[Sat May 6 00:00:00 2024] [a:b] [client fe80::1%] y", 1, 1 },
		{ "[Sat May 6 00:00:00 2024] [a:b] [client h/x:80] [client h-1.x_2:80] y", 1, 1 },
		/* forms the scanner leaves to the expression */
		{ "[Sat May 6 00:00:00 2024] [a:b] [client [2001:db8::1]:443] y", 0, 1 },
		{ "[Saturday May 6 00:00:00 2024] [a:b] y", 0, 1 },
		{ "[Sat May 6 00:00:00 2024] [a:b] y \xc3\xa9", 0, 1 },
		/* lines neither takes */
		{ "[Sat May 6 00:00:00 0224] [a:b] y", 0, 0 },
		{ "[Sat May 6 00:00:00 2024] [a:b:c] y", 0, 0 },
		{ "[Sat May 6 00:00:00 2024] [] y", 0, 0 },
		{ "[Sat May 6 00:00:00 2024] [a:b]", 0, 0 },
		{ "[Sat May 6 00:00:00 2024] [a:b] y\n", 0, 0 },
	};
	static const char bytes[] = " []:.%-_/0123456789abcfxdip\t\r\n\xc3\xa9\xc2\x85\x80";

	l2j_scanner_check("APACHEERRORLOG", l2j_error, 0, 8, lines, sizeof lines / sizeof lines[0], bytes,
	    sizeof bytes - 1);
}

T(l2j_5424_scanner_agrees_with_the_pattern)
{
	static const struct l2j_case lines[] = {
		{ "<134>1 2023-11-14T22:13:20Z gw-0042 httpd 1000 ID47 - 176.203.201.200 GET / HTTP/2.0 200 17", 1, 1 },
		{ "<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - BOM'su root' failed", 1, 1 },
		{ "<165>1 2003-08-24T05:14:15.000003-07:00 192.0.2.1 myproc 8710 - - %% It's time", 1, 1 },
		{ "<165>1 2003-10-11T22:14:15.003Z host evntslog - ID47 [exampleSDID@32473 iut=\"3\" "
		  "eventSource=\"Application\" eventID=\"1011\"][examplePriority@32473 class=\"high\"]", 1, 1 },
		{ "<0>999 - - - - - [a b=\"\\\"]\\\\\" c=\"[x] y=z\"][d] ", 1, 1 },
		{ "<7>2 - h a p m -", 1, 1 },
		/* forms the scanner leaves to the expression */
		{ "<7>2 - h a p m - \xc3\xa9", 0, 1 },
		/* lines neither takes */
		{ "<7>2 - h a p m -x", 0, 0 },
		{ "<1000>1 - h a p m -", 0, 0 },
		{ "<7>0 - h a p m -", 0, 0 },
		{ "<7>1000 - h a p m -", 0, 0 },
		{ "<7>1 2003-10-11T22:14:15.0000003Z h a p m -", 0, 0 },
		{ "<7>1 2003-10-11T22:14:15 h a p m -", 0, 0 },
		{ "<7>1 - h a p m [a b=\"c\"", 0, 0 },
		{ "<7>1 - h a p m [a b=c]", 0, 0 },
		{ "<7>1 - h a p m [a b=\"c\\\"]", 0, 0 },
		{ "<7>1 - h a p m [a=b]", 0, 0 },
		{ "<7>1 - h a p m []", 0, 0 },
		{ "<7>1 - h a p m [a][", 0, 0 },
		{ "<7>1 - h  a p m -", 0, 0 },
		{ "<7>1 - h a p m - x\r", 0, 0 },
	};
	static const char bytes[] = " []<>=\"\\-.:TZ+0123456789abc\t\v\r\n\xc3\xa9\xc2\x85\x80";

	l2j_scanner_check("RFC5424SYSLOG", l2j_5424, 0, 10, lines, sizeof lines / sizeof lines[0], bytes,
	    sizeof bytes - 1);
}
