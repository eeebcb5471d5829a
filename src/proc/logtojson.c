/* LOGTOJSON: a log line to a JSON object of its fields, as the Java agent's
 * LogToJSONDataConverter does it (ApacheLogParser, SysLogParser and their
 * PatternConstants), plus two formats a router writes.
 *
 * Options (beside "optionName": "LOGTOJSON"):
 *   logFormat         required; the fields of each format, in output order:
 *     COMMONAPACHELOG    host, ident, authuser, datetime, request, response, bytes
 *     COMBINEDAPACHELOG  the same, then referer, agent
 *     APACHEERRORLOG     timestamp, module, severity, processid, threadid, client, message
 *     SYSLOG             timestamp, hostname, program, processid, message
 *                        ("Mmm dd hh:mm:ss host prog[pid]: msg", RFC 3164)
 *     RFC3339SYSLOG      the same with an RFC 3339 timestamp
 *     RFC5424SYSLOG      (kagent) pri, version, timestamp, hostname, appname,
 *                        procid, msgid, structureddata, message:
 *                        "<PRI>VERSION TIMESTAMP HOSTNAME APP-NAME PROCID MSGID SD [MSG]";
 *                        pri and version are the numbers, structureddata the
 *                        SD-ELEMENTs as written ("[id k=\"v\"][id2]"), message
 *                        null when the line has none.
 *     OPENWRTLOG         (kagent) timestamp, facility, severity, program, processid, message:
 *                        what OpenWrt's logread writes
 *                          "Mon Jan  1 00:00:12 2024 daemon.info dnsmasq[1234]: msg"
 *                          (logread -t: "[1704067212.345] " after the date, not kept),
 *                        and busybox syslogd's /var/log/messages
 *                          "Jan  1 00:00:12 host daemon.info dnsmasq[1234]: msg"
 *                          (the host is matched, not kept) and, with syslogd -S,
 *                          "Jan  1 00:00:12 dnsmasq[1234]: msg".
 *                        facility and severity are null when the line has no
 *                        "facility.severity" (or busybox's "<N>"), program and
 *                        processid when the message has no "prog[pid]: " tag
 *                        (busybox's own "syslogd started: ...").
 *   customFieldNames  other names for the fields (as many as the format has),
 *                     or, with matchPattern, one name per capturing group.
 *   matchPattern      a Java regular expression replacing the format's; the
 *                     whole line must match (Matcher.matches).  logFormat still
 *                     says how "-" is read (every lone "-" is null for the
 *                     Apache formats and RFC5424SYSLOG, kept for the others).
 *                     Needs customFieldNames.
 *   jsonFormat        COMPACT (default) or PRETTYPRINT (Jackson's default pretty printer).
 *   onMismatch        (kagent) "drop" (default; the Java agent drops such a line
 *                     silently, kagent counts them and warns once) or "raw": the
 *                     line is sent as {"message":"<line>"}.
 *
 * Values are strings, or null for a group that did not take part; the Apache
 * formats (and RFC 5424's NILVALUE fields) turn a lone "-" into null, the
 * syslog formats keep it.  Duplicate names behave as Java's LinkedHashMap:
 * the first place, the last value.  Output: the object, then "\n".
 *
 * The line is the record without one trailing '\n' (the Java agent's
 * endsWith("\n")); a '\r' before it stays, and as Java's '.' does not match
 * it, a CRLF line does not match a pattern that ends in ".*".
 *
 * Beyond the Java agent, the Apache patterns also take an IPv6 client
 * address, an empty quoted field ("" for a request, referer or agent), and an
 * error-log line without [pid ...] or [client ...] (Apache 2.2, and 2.4's
 * lines about the server itself); each addition is an alternative tried after
 * the Java agent's, so a line the Java agent matches gives the same fields. */
#include <stdint.h>
#include <string.h>

#include "arena.h"
#include "hex.h"
#include "conf_opts.h"
#include "find.h"
#include "json.h"
#include "jw.h"
#include "log.h"
#include "proc.h"
#include "rx.h"
#include "unaligned.h"

/* The scanners' small readers: kept inline, as a call costs what they do. */
#define L2J_INLINE static inline __attribute__((always_inline))

/* ---- the Java agent's PatternConstants, as regular-expression text ---- */
/* Those several formats have are kept once each, in l2j_frags (the whole
 * texts would repeat them: 1.7 KB of a router's flash): a byte "\0NN" in a
 * text stands for l2j_frags[0NN], put in when the processor starts. */
#define P_INT		"\001"
#define P_POSINT	"\002"
#define P_NONNEGINT	"\003"
#define P_IPORHOST	"\004"
#define P_USER		"\005"
#define P_MONTHDAY	"\006"
#define P_DAY		"\007"
#define P_MONTH		"\010"
#define P_TIME		"\011"
#define P_PROG		"\012"
#define K_IPV6		"\013"
#define SYSLOG_TAIL	"\014"
#define COMMON_BASE	"\015"
#define P_ANYDATA	".*"
#define P_WORD		"\\w+"
#define P_IP		"(?:[\\d\\.]+)"
#define P_HOSTNAME	"(?:[\\w\\-]+)(?:\\.(?:[\\w\\-]+))*(?:\\.?|\\b)"
#define P_URIHOST	"(?:" P_IPORHOST "(?::" P_POSINT ")?)"
#define P_YEAR		"(?:[1-9]\\d*)"
#define P_HOUR		"(?:2[0123]|[01]?[0-9])"
#define P_MINUTE	"(?:[0-5][0-9])"
#define P_SECOND	"(?:(?:[0-5]?[0-9]|60)(?:[:\\.,][0-9]+)?)"
#define P_HTTPDATE	"(?:" P_MONTHDAY "/" P_MONTH "/" P_YEAR ":" P_TIME "\\s" P_INT ")"
#define P_ERRLOGTS	"(?:" P_DAY "\\s+" P_MONTH "\\s+" P_MONTHDAY "\\s+" P_TIME "\\s+" P_YEAR ")"
#define P_SYSLOGTS	"(?:" P_MONTH "\\s+" P_MONTHDAY "\\s+" P_TIME ")"
#define P_RFC3339	"(?:\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(?:\\.\\d+)?)(?:Z|(?:[-+]\\d{2}:\\d{2}))"
/* (the unescaped '.' is the Java agent's: any character) */
#define P_SYSLOGFAC	"<" P_NONNEGINT "." P_NONNEGINT ">"
#define P_SYSLOGPROG	P_PROG "(?:\\[(" P_POSINT ")\\])?"

/* ---- kagent's additions, each tried after the Java agent's choices ---- */
/* The error log's client: the address, or "[address]:port". */
#define K_IPV6CLIENT	"(?:\\[[0-9A-Fa-f:.]+(?:%[\\w.\\-]+)?\\](?::[0-9]+)?|" K_IPV6 ")"
/* A quoted field: the Java agent's "([^"]+)" also taking "". */
#define K_QUOTED	"\"([^\"]*)\""

static const char *const l2j_frags[] = {
	[001] = "(?:[+-]?(?:[0-9]+))",
	[002] = "(?:[1-9][0-9]*)",
	[003] = "(?:[0-9]+)",
	[004] = "(?:" P_HOSTNAME "|" P_IP ")",
	[005] = "(?:[a-zA-Z0-9._-]+)",
	[006] = "(?:(?:0[1-9])|(?:[12][0-9])|(?:3[01])|[1-9])",
	[007] = "(?:Mon(?:day)?|Tue(?:sday)?|Wed(?:nesday)?|Thu(?:rsday)?|Fri(?:day)?|Sat(?:urday)?|Sun(?:day)?)",
	[010] = "\\b(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|Jun(?:e)?|Jul(?:y)?|Aug(?:ust)?"
		"|Sep(?:tember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\\b",
	[011] = "(?:" P_HOUR ":" P_MINUTE ":" P_SECOND ")",
	[012] = "([\\w\\._/%-]+)",
	/* An IPv6 address as Apache's %h and %a write it (at least one ':';
	 * an IPv4-mapped tail; a zone). */
	[013] = "(?:[0-9A-Fa-f]*:[0-9A-Fa-f:.]*(?:%[\\w.\\-]+)?)",
	[014] = " (?:" P_SYSLOGFAC " )?(" P_USER ") " P_SYSLOGPROG ": (" P_ANYDATA ")",
	[015] = "^(" P_IPORHOST "|" K_IPV6 ") (" P_USER ") (" P_USER ") \\[(" P_HTTPDATE ")\\] " K_QUOTED
		" (" P_INT "|\\-) (" P_INT "|\\-)",
};

#define RX_COMMON	COMMON_BASE ".*"
#define RX_COMBINED	COMMON_BASE " " K_QUOTED " " K_QUOTED ".*"
#define RX_ERROR	"^\\[(" P_ERRLOGTS ")\\] \\[(?:(" P_WORD "):)?(" P_WORD ")\\] " \
			"(?:\\[pid (" P_NONNEGINT ")(?::tid (" P_NONNEGINT "))?\\] )?" \
			"(?:\\[client (" P_URIHOST "|" K_IPV6CLIENT ")\\] )?(" P_ANYDATA ")"
#define RX_SYSLOG	"^(" P_SYSLOGTS ")" SYSLOG_TAIL
#define RX_RFC3339	"^(" P_RFC3339 ")" SYSLOG_TAIL

/* RFC 5424, section 6: the header's fields are single tokens; an SD-ELEMENT
 * is [SD-ID *(SP PARAM-NAME="PARAM-VALUE")] with '"', '\' and ']' escaped
 * in values. */
#define K_SDNAME	"[^\\s=\\]\"]+"
#define K_SDELEMENT	"\\[" K_SDNAME "(?: " K_SDNAME "=\"(?:[^\"\\\\]|\\\\.)*\")*\\]"
#define RX_RFC5424	"^<([0-9]{1,3})>([1-9][0-9]{0,2}) " \
			"(-|[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\\.[0-9]{1,6})?" \
			"(?:Z|[+-][0-9]{2}:[0-9]{2})) (\\S+) (\\S+) (\\S+) (\\S+) (-|(?:" K_SDELEMENT ")+)(?: (.*))?"

/* The names syslog.h's facilitynames and prioritynames give, which busybox
 * and logread print (logread says "<unknown>" for a code not in them). */
#define K_FACILITIES(x, sep) \
	x("kern") sep x("user") sep x("mail") sep x("daemon") sep x("auth") sep x("syslog") sep x("lpr") sep \
	x("news") sep x("uucp") sep x("cron") sep x("authpriv") sep x("ftp") sep x("ntp") sep x("security") sep \
	x("console") sep x("mark") sep x("local[0-7]") sep x("<unknown>")
#define K_SEVERITIES(x, sep) \
	x("emerg") sep x("alert") sep x("crit") sep x("err") sep x("error") sep x("warn") sep x("warning") sep \
	x("notice") sep x("info") sep x("debug") sep x("panic") sep x("none") sep x("<unknown>")
#define K_NAME(s)	s
#define K_COMMA		,
#define K_FACILITY	"(" K_FACILITIES(K_NAME, "|") ")"
#define K_SEVERITY	"(" K_SEVERITIES(K_NAME, "|") ")"
#define RX_OPENWRT	"^((?:" P_DAY " +)?" P_MONTH " +" P_MONTHDAY " +" P_TIME "(?: +[0-9]{4})?) " \
			"(?:\\[[0-9]+\\.[0-9]+\\] )?" \
			"(?:(?:\\S+ )?(?:" K_FACILITY "\\." K_SEVERITY "|<[0-9]+>) )?" \
			"(?:" P_PROG "(?:\\[([0-9]+)\\])?: )?(" P_ANYDATA ")"

enum l2j_dash { DASH_KEEP, DASH_NULL, DASH_5424 };

static const char *const l2j_common[] = { "host", "ident", "authuser", "datetime", "request", "response", "bytes" };
static const char *const l2j_combined[] = { "host", "ident", "authuser", "datetime", "request", "response",
	"bytes", "referer", "agent" };
static const char *const l2j_errorlog[] = { "timestamp", "module", "severity", "processid", "threadid", "client",
	"message" };
static const char *const l2j_syslog[] = { "timestamp", "hostname", "program", "processid", "message" };
static const char *const l2j_rfc5424[] = { "pri", "version", "timestamp", "hostname", "appname", "procid",
	"msgid", "structureddata", "message" };
static const char *const l2j_openwrt[] = { "timestamp", "facility", "severity", "program", "processid",
	"message" };

/* A format's scanner (below): 1 when it takes the line (the groups into
 * caps), 0 when the regular expression is to decide. */
int l2j_apache(const char *s, size_t n, int combined, int *caps);
int l2j_bsd(const char *s, size_t n, int rfc3339, int *caps);
int l2j_logread(const char *s, size_t n, int variant, int *caps);
int l2j_error(const char *s, size_t n, int variant, int *caps);
int l2j_5424(const char *s, size_t n, int variant, int *caps);

#define NAMES(a) a, sizeof a / sizeof a[0]
static const struct l2j_format {
	const char *name;
	const char *rx;
	const char *const *fields;
	size_t nfields;
	enum l2j_dash dash;
	int (*scan)(const char *s, size_t n, int variant, int *caps);	/* or NULL */
	int variant;
} l2j_formats[] = {
	{ "COMMONAPACHELOG", RX_COMMON, NAMES(l2j_common), DASH_NULL, l2j_apache, 0 },
	{ "COMBINEDAPACHELOG", RX_COMBINED, NAMES(l2j_combined), DASH_NULL, l2j_apache, 1 },
	{ "APACHEERRORLOG", RX_ERROR, NAMES(l2j_errorlog), DASH_NULL, l2j_error, 0 },
	{ "SYSLOG", RX_SYSLOG, NAMES(l2j_syslog), DASH_KEEP, l2j_bsd, 0 },
	{ "RFC3339SYSLOG", RX_RFC3339, NAMES(l2j_syslog), DASH_KEEP, l2j_bsd, 1 },
	{ "RFC5424SYSLOG", RX_RFC5424, NAMES(l2j_rfc5424), DASH_5424, l2j_5424, 0 },
	{ "OPENWRTLOG", RX_OPENWRT, NAMES(l2j_openwrt), DASH_KEEP, l2j_logread, 0 },
};
#define L2J_NFORMATS (sizeof l2j_formats / sizeof l2j_formats[0])
#define L2J_VALID "COMMONAPACHELOG, COMBINEDAPACHELOG, APACHEERRORLOG, SYSLOG, RFC3339SYSLOG, RFC5424SYSLOG, OPENWRTLOG"

/* t with its fragments put in, appended to out at len (cap bytes): the new
 * length, cap when it does not fit. */
static size_t l2j_expand(const char *t, char *out, size_t cap, size_t len)
{
	for (; *t && len < cap; t++) {
		if ((unsigned char)*t < sizeof l2j_frags / sizeof l2j_frags[0])
			len = l2j_expand(l2j_frags[(unsigned char)*t], out, cap, len);
		else
			out[len++] = *t;
	}
	return len;
}

size_t l2j_pattern(const char *format, char *out, size_t cap)
{
	size_t n;

	for (size_t i = 0; i < L2J_NFORMATS; i++) {
		if (strcmp(format, l2j_formats[i].name) || !cap)
			continue;
		n = l2j_expand(l2j_formats[i].rx, out, cap - 1, 0);
		out[n] = 0;
		return n;
	}
	return 0;
}

/* RFC 5424's fields that may be the NILVALUE "-": timestamp .. structureddata
 * (groups 3..8); pri, version and the message are never "nothing". */
#define DASH_5424_MASK	0xfcu

/* One field of the output: its name and the group whose text it takes. */
struct l2j_out {
	const char *name;
	int group;
	const char *ename;	/* the name as JSON escapes it */
	size_t elen;
};

/* ---- the Apache formats without the regular expression ----
 *
 * In COMMONAPACHELOG and COMBINEDAPACHELOG every field but the last number
 * of COMMON ends at the delimiter the pattern puts after it (a space, ']'
 * or '"'), which the field's own pattern cannot contain: so every match
 * of the whole line has the same groups, those the delimiters cut.  The
 * scanner reads each field in a form Apache writes (an IPv4 or IPv6
 * address, a date as %t writes it), checks the delimiter after it, and
 * answers "not sure" (0) for anything else, which the regular expression
 * then decides.  A line it takes (1) has exactly the groups the regular
 * expression gives (tests/unit and tests/fuzz hold the two to it).  Each
 * l2j_ reader below takes its field from s[a..n) and returns where it ends
 * (a when it is not there). */

static int l2j_digit(char c)
{
	return c >= '0' && c <= '9';
}

L2J_INLINE size_t l2j_digits(const char *s, size_t a, size_t n)
{
	while (a < n && l2j_digit(s[a]))
		a++;
	return a;
}

/* P_INT: [+-]?[0-9]+ */
static size_t l2j_int(const char *s, size_t a, size_t n)
{
	size_t d = a < n && (s[a] == '+' || s[a] == '-') ? a + 1 : a, e = l2j_digits(s, d, n);

	return e > d ? e : a;
}

/* (P_INT|\-) */
static size_t l2j_intordash(const char *s, size_t a, size_t n)
{
	size_t e = l2j_int(s, a, n);

	return e > a ? e : a < n && s[a] == '-' ? a + 1 : a;
}

/* The client: [0-9.]+ (P_IP) before a space, or K_IPV6 without a zone:
 * hex digits, a ':', then hex digits, ':' and '.'. */
static size_t l2j_host(const char *s, size_t a, size_t n)
{
	size_t i = a;

	while (i < n && (l2j_digit(s[i]) || s[i] == '.'))
		i++;
	if (i > a && i < n && s[i] == ' ')
		return i;
	for (i = a; i < n && hex_digit(s[i]) >= 0; i++)
		;
	if (i == n || s[i] != ':')
		return a;
	while (i < n && (hex_digit(s[i]) >= 0 || s[i] == ':' || s[i] == '.'))
		i++;
	return i;
}

/* \w */
L2J_INLINE int l2j_wordch(char c)
{
	return l2j_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

/* P_USER: [a-zA-Z0-9._-]+ */
static size_t l2j_user(const char *s, size_t a, size_t n)
{
	while (a < n && (l2j_wordch(s[a]) || s[a] == '.' || s[a] == '-'))
		a++;
	return a;
}

/* Whether d[0..3) is one of the 3-letter names in names ("JanFeb..."). */
L2J_INLINE int l2j_abbrev(const char *d, const char *names)
{
	for (; *names; names += 3)
		if (d[0] == names[0] && d[1] == names[1] && d[2] == names[2])
			return 1;
	return 0;
}

static const char l2j_months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
static const char l2j_days[] = "MonTueWedThuFriSatSun";

/* Two digits from '0'..hi (the first) and '0'..'9', at most max. */
L2J_INLINE int l2j_two(const char *d, char hi, int max)
{
	return d[0] >= '0' && d[0] <= hi && l2j_digit(d[1]) && (d[0] - '0') * 10 + d[1] - '0' <= max;
}

/* P_HTTPDATE as %t writes it: "dd/Mon/yyyy:hh:mm:ss" (day 01-31, hour
 * 00-23, seconds 00-59), a space, then P_INT. */
static size_t l2j_date(const char *s, size_t a, size_t n)
{
	const char *d = s + a;
	size_t i, e;

	if (n - a < 19 || !l2j_two(d, '3', 31) || (d[0] == '0' && d[1] == '0') || d[2] != '/' || d[6] != '/')
		return a;
	if (!l2j_abbrev(d + 3, l2j_months) || d[7] < '1' || d[7] > '9')
		return a;
	i = l2j_digits(s, a + 8, n) - a;
	/* ":hh:mm:ss " then the zone */
	if (n - a - i < 11 || d[i] != ':' || !l2j_two(d + i + 1, '2', 23) || d[i + 3] != ':' ||
	    !l2j_two(d + i + 4, '5', 59) || d[i + 6] != ':' || !l2j_two(d + i + 7, '5', 59) || d[i + 9] != ' ')
		return a;
	i = a + i + 10;
	e = l2j_int(s, i, n);
	return e > i ? e : a;
}

/* Group g is s[a..e) when e > a and s[e] is c; else 0: the line is not
 * one to take here. */
L2J_INLINE int l2j_cut(int *caps, int g, size_t a, size_t e, const char *s, size_t n, char c)
{
	if (e == a || e >= n || s[e] != c)
		return 0;
	caps[2 * g] = (int)a;
	caps[2 * g + 1] = (int)e;
	return 1;
}

/* A quoted field's end: the next '"' (K_QUOTED: "([^"]*)"), or n. */
static size_t l2j_quoted(const char *s, size_t a, size_t n)
{
	return find_byte(s, a, n, '"');
}

/* The last group, g, is s[a..n), and the match the line: taken. */
L2J_INLINE int l2j_taken(int *caps, int g, size_t a, size_t n)
{
	caps[2 * g] = (int)a;
	caps[2 * g + 1] = (int)n;
	caps[0] = 0;
	caps[1] = (int)n;
	return 1;
}

/* Whether .* takes s[a..n): no line terminator (only ASCII is looked at
 * here).  The controls below '\r' other than '\n' are text: past them. */
static int l2j_rest(const char *s, size_t a, size_t n)
{
	for (; a < n && (a = find_low_or_high(s, a, n, 0x0e)) < n; a++)
		if ((unsigned char)s[a] >= 0x80 || s[a] == '\n' || s[a] == '\r')
			return 0;
	return 1;
}

int l2j_apache(const char *s, size_t n, int combined, int *caps)
{
	size_t a = 0, e;
	int g;

	if (n > 0x7fffffff)
		return 0;
	e = l2j_host(s, a, n);
	if (!l2j_cut(caps, 1, a, e, s, n, ' '))
		return 0;
	for (g = 2; g <= 3; g++) {	/* ident, authuser */
		a = e + 1;
		e = l2j_user(s, a, n);
		if (!l2j_cut(caps, g, a, e, s, n, ' '))
			return 0;
	}
	if (n - e < 2 || s[e + 1] != '[')
		return 0;
	a = e + 2;
	e = l2j_date(s, a, n);
	if (!l2j_cut(caps, 4, a, e, s, n, ']') || n - e < 3 || s[e + 1] != ' ' || s[e + 2] != '"')
		return 0;
	a = e + 3;
	e = l2j_quoted(s, a, n);	/* a quoted field may be empty */
	if (n - e < 2 || s[e + 1] != ' ')
		return 0;
	caps[10] = (int)a;
	caps[11] = (int)e;
	a = e + 2;
	e = l2j_intordash(s, a, n);
	if (!l2j_cut(caps, 6, a, e, s, n, ' '))
		return 0;
	a = e + 1;
	e = l2j_intordash(s, a, n);
	if (combined) {
		if (!l2j_cut(caps, 7, a, e, s, n, ' ') || n - e < 2 || s[e + 1] != '"')
			return 0;
		a = e + 2;
		e = l2j_quoted(s, a, n);
		if (n - e < 3 || s[e + 1] != ' ' || s[e + 2] != '"')
			return 0;
		caps[16] = (int)a;
		caps[17] = (int)e;
		a = e + 3;
		e = l2j_quoted(s, a, n);
		if (e == n)
			return 0;
		caps[18] = (int)a;
		caps[19] = (int)e;
		a = e + 1;
	} else {
		/* the last number runs as far as it goes: .* takes the rest */
		if (e == a)
			return 0;
		caps[14] = (int)a;
		caps[15] = (int)e;
		a = e;
	}
	if (!l2j_rest(s, a, n))
		return 0;
	caps[0] = 0;
	caps[1] = (int)n;
	return 1;
}

/* ---- SYSLOG and RFC3339SYSLOG without the regular expression ----
 *
 * The timestamp (a form syslogd writes), then fields that end at the
 * delimiter after them, which they cannot contain: the host at ' ', the
 * program at '[' or ':', the pid at ']'.  As for the Apache formats, a line
 * taken has the expression's groups; anything else (a month's full name,
 * a tab, "<fac.pri>", a character beyond ASCII) is left to it. */

/* One space or more. */
L2J_INLINE size_t l2j_spaces(const char *s, size_t a, size_t n)
{
	while (a < n && s[a] == ' ')
		a++;
	return a;
}

/* P_SYSLOGTS: "Mmm d hh:mm:ss" with the month's abbreviation, spaces
 * between, the day 1-9 or 01-31, the hour 0-9 or 00-23, the seconds 0-9,
 * 00-59 or 60 with a fraction after ':', '.' or ','. */
static size_t l2j_bsdtime(const char *s, size_t a, size_t n)
{
	size_t i, e;

	if (n - a < 3 || !l2j_abbrev(s + a, l2j_months) || (i = l2j_spaces(s, a + 3, n)) == a + 3)
		return a;
	e = l2j_digits(s, i, n);
	if (e - i == 1 ? s[i] == '0' : e - i != 2 || !l2j_two(s + i, '3', 31) || (s[i] == '0' && s[i + 1] == '0'))
		return a;
	i = l2j_spaces(s, e, n);
	e = l2j_digits(s, i, n);
	if (i == e || e - i > 2 || (e - i == 2 && !l2j_two(s + i, '2', 23)))
		return a;
	/* ":mm:" */
	if (n - e < 5 || s[e] != ':' || !l2j_two(s + e + 1, '5', 59) || s[e + 3] != ':')
		return a;
	i = e + 4;
	e = l2j_digits(s, i, n);
	if (i == e || e - i > 2 || (e - i == 2 && !l2j_two(s + i, '5', 59) && !(s[i] == '6' && s[i + 1] == '0')))
		return a;
	if (n - e >= 2 && (s[e] == ':' || s[e] == '.' || s[e] == ',') && l2j_digit(s[e + 1]))
		e = l2j_digits(s, e + 1, n);
	return e;
}

/* P_RFC3339: "yyyy-mm-ddThh:mm:ss", a fraction after '.' (at most maxfrac
 * digits), then 'Z' or "+hh:mm" / "-hh:mm" (digits only, any value). */
static size_t l2j_rfc3339(const char *s, size_t a, size_t n, size_t maxfrac)
{
	static const char form[] = "dddd-dd-ddTdd:dd:dd";
	size_t i;

	if (n - a < 20)
		return a;
	for (i = 0; i < 19; i++)
		if (form[i] == 'd' ? !l2j_digit(s[a + i]) : s[a + i] != form[i])
			return a;
	i = a + 19;
	if (n - i >= 2 && s[i] == '.' && l2j_digit(s[i + 1]) && (i = l2j_digits(s, i + 1, n)) - a - 20 > maxfrac)
		return a;
	if (i < n && s[i] == 'Z')
		return i + 1;
	if (n - i >= 6 && (s[i] == '+' || s[i] == '-') && l2j_digit(s[i + 1]) && l2j_digit(s[i + 2]) &&
	    s[i + 3] == ':' && l2j_digit(s[i + 4]) && l2j_digit(s[i + 5]))
		return i + 6;
	return a;
}

/* P_PROG: [\w._/%-]+ */
static size_t l2j_prog(const char *s, size_t a, size_t n)
{
	while (a < n && (l2j_wordch(s[a]) || s[a] == '.' || s[a] == '/' || s[a] == '%' || s[a] == '-'))
		a++;
	return a;
}

/* \S+ on a line with no '\n' or '\r': not ' ', '\t', '\v', '\f'. */
L2J_INLINE size_t l2j_field(const char *s, size_t a, size_t n)
{
	while (a < n && s[a] != ' ' && s[a] != '\t' && s[a] != '\v' && s[a] != '\f')
		a++;
	return a;
}

int l2j_bsd(const char *s, size_t n, int rfc3339, int *caps)
{
	size_t a = 0, e;

	if (n > 0x7fffffff)
		return 0;
	e = rfc3339 ? l2j_rfc3339(s, a, n, n) : l2j_bsdtime(s, a, n);
	if (!l2j_cut(caps, 1, a, e, s, n, ' '))
		return 0;
	a = e + 1;
	e = l2j_user(s, a, n);	/* not at '<': "<fac.pri> " is left to the expression */
	if (!l2j_cut(caps, 2, a, e, s, n, ' '))
		return 0;
	a = e + 1;
	e = l2j_prog(s, a, n);
	if (e == a)
		return 0;
	caps[6] = (int)a;
	caps[7] = (int)e;
	caps[8] = caps[9] = -1;
	if (e < n && s[e] == '[') {
		a = e + 1;
		e = l2j_digits(s, a, n);
		if (!l2j_cut(caps, 4, a, e, s, n, ']') || s[a] == '0')
			return 0;
		e++;
	}
	if (n - e < 2 || s[e] != ':' || s[e + 1] != ' ' || !l2j_rest(s, e + 2, n))
		return 0;
	return l2j_taken(caps, 5, e + 2, n);
}

/* ---- OPENWRTLOG without the regular expression ----
 *
 * After the timestamp every part of the pattern is optional and ".*" takes
 * whatever is left, so on a line with no line terminator (and here only
 * ASCII) each optional part is taken exactly when it matches where it
 * stands, in its preferred way: the scanner tries each in the pattern's
 * order. */

static const char *const l2j_facilities[] = { K_FACILITIES(K_NAME, K_COMMA), NULL };
static const char *const l2j_severities[] = { K_SEVERITIES(K_NAME, K_COMMA), NULL };

static const char *const *const l2j_lists[] = { l2j_facilities, l2j_severities };
/* For each list and byte, 1 + the first of its names that starts with that
 * byte, or 0 (made on first use): a field that starts no name is passed at
 * once, and the names are tried from the first that may be the one. */
static uint8_t l2j_first[2][256];

/* One of the names of list (0: facilities, 1: severities; as in the
 * pattern: "local[0-7]" is a range) at s[a..) with stop after it: where
 * stop is, else a. */
static size_t l2j_name(int list, const char *s, size_t a, size_t n, char stop)
{
	const char *const *names = l2j_lists[list];
	int k;

	if (!l2j_first[0]['k'])	/* "kern" starts the facilities: set once made */
		for (int l = 0; l < 2; l++)
			for (int j = 0; l2j_lists[l][j]; j++)
				if (!l2j_first[l][(unsigned char)l2j_lists[l][j][0]])
					l2j_first[l][(unsigned char)l2j_lists[l][j][0]] = (uint8_t)(j + 1);
	if (a >= n || !(k = l2j_first[list][(unsigned char)s[a]]))
		return a;
	for (const char *t; (t = names[k - 1]); k++) {
		size_t i = a;

		if (*t != s[a])
			continue;
		for (; *t && i < n; t += *t == '[' ? 5 : 1, i++)
			if (*t == '[' ? s[i] < t[1] || s[i] > t[3] : s[i] != *t)
				break;
		if (!*t && i < n && s[i] == stop)
			return i;
	}
	return a;
}

/* "facility.severity" (groups 2, 3) or "<N>" at s[a..) and a space after
 * it: where the space is, else a. */
static size_t l2j_facsev(const char *s, size_t a, size_t n, int *caps)
{
	size_t d = l2j_name(0, s, a, n, '.'), e;

	if (d > a && (e = l2j_name(1, s, d + 1, n, ' ')) > d + 1) {
		caps[4] = (int)a;
		caps[5] = (int)d;
		caps[6] = (int)d + 1;
		caps[7] = (int)e;
		return e;
	}
	if (a < n && s[a] == '<' && (e = l2j_digits(s, a + 1, n)) > a + 1 && n - e >= 2 && s[e] == '>' &&
	    s[e + 1] == ' ')
		return e + 1;
	return a;
}

int l2j_logread(const char *s, size_t n, int variant, int *caps)
{
	size_t a = 0, e, h;

	(void)variant;
	if (n > 0x7fffffff)
		return 0;
	if (n >= 4 && s[3] == ' ' && l2j_abbrev(s, l2j_days))
		a = l2j_spaces(s, 3, n);
	if ((e = l2j_bsdtime(s, a, n)) == a)
		return 0;
	/* the year, " +[0-9]{4}" before the space */
	h = l2j_spaces(s, e, n);
	if (h > e && n - h >= 5 && l2j_digits(s, h, h + 4) == h + 4 && s[h + 4] == ' ')
		e = h + 4;
	if (e >= n || s[e] != ' ' || !l2j_rest(s, e, n))
		return 0;
	memset(caps, 0xff, 14 * sizeof *caps);
	caps[2] = 0;
	caps[3] = (int)e;
	a = e + 1;
	/* logread -t: "[uptime] " */
	if (a < n && s[a] == '[' && (e = l2j_digits(s, a + 1, n)) > a + 1 && e < n && s[e] == '.' &&
	    (h = l2j_digits(s, e + 1, n)) > e + 1 && n - h >= 2 && s[h] == ']' && s[h + 1] == ' ')
		a = h + 2;
	/* a host (\S+ and a space: no \n or \r is left here), then
	 * "facility.severity " or "<N> "; or either without the host */
	h = l2j_field(s, a, n);
	if (h > a && h < n && s[h] == ' ' && (e = l2j_facsev(s, h + 1, n, caps)) > h + 1)
		a = e + 1;
	else if ((e = l2j_facsev(s, a, n, caps)) > a)
		a = e + 1;
	/* "prog[pid]: " or "prog: " */
	e = l2j_prog(s, a, n);
	if (e > a) {
		size_t p = e, q = e;

		if (e < n && s[e] == '[' && (q = l2j_digits(s, e + 1, n)) > e + 1 && q < n && s[q] == ']')
			p = q + 1;
		else
			q = e;
		if (n - p >= 2 && s[p] == ':' && s[p + 1] == ' ') {
			caps[8] = (int)a;
			caps[9] = (int)e;
			if (q > e) {
				caps[10] = (int)e + 1;
				caps[11] = (int)q;
			}
			a = p + 2;
		}
	}
	return l2j_taken(caps, 6, a, n);
}

/* ---- APACHEERRORLOG without the regular expression ----
 *
 * "[Www Mmm dd hh:mm:ss.us yyyy] [module:severity] [pid N:tid N] [client
 * host:port] message": after the severity the pid and the client are
 * optional and ".*" takes the rest, so each is taken when it matches where
 * it stands (as in OPENWRTLOG).  The client's forms have no ']' but the
 * bracketed IPv6 address's, which is left to the expression. */

/* \w+ */
L2J_INLINE size_t l2j_word(const char *s, size_t a, size_t n)
{
	while (a < n && l2j_wordch(s[a]))
		a++;
	return a;
}

/* Whether lit (len bytes, 1 to 8) is at s[a..n): where the line has eight
 * bytes from a, its first len against lit's as one number (a constant:
 * memcpy from a literal folds, where from the line it would be a call on
 * MIPS), else a byte at a time. */
L2J_INLINE int l2j_at(const char *s, size_t a, size_t n, const char *lit, size_t len)
{
	if (n - a >= 8) {
		uint64_t v = 0;
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
		uint64_t mask = ~0ULL << (64 - 8 * len);
#else
		uint64_t mask = ~0ULL >> (64 - 8 * len);
#endif
		memcpy(&v, lit, len);
		return (load_u64(s + a) & mask) == v;
	}
	if (n - a < len)
		return 0;
	for (size_t i = 0; i < len; i++)
		if (s[a + i] != lit[i])
			return 0;
	return 1;
}

/* Whether s[a..e) is P_URIHOST: a host name ([\w-]+ pieces between single
 * dots, a dot after the last or not) or P_IP ([\d.]+), then ":port" (a
 * number from 1) or not; or K_IPV6: hex digits, a ':', hex digits, ':'
 * and '.', then "%zone" ([\w.-]+) or not. */
static int l2j_urihost(const char *s, size_t a, size_t e)
{
	size_t c = a, z;
	int host = 1, v6 = 1;

	while (c < e && (l2j_digit(s[c]) || s[c] == '.'))
		c++;
	if (c < e && s[c] != ':')	/* not P_IP: a name, up to the first ':' */
		for (c = a; c < e && s[c] != ':'; c++)
			host &= s[c] == '.' ? c > a && s[c - 1] != '.' : l2j_wordch(s[c]) || s[c] == '-';
	if (c > a && host && (c == e || (e - c >= 2 && s[c + 1] != '0' && l2j_digits(s, c + 1, e) == e)))
		return 1;
	for (z = a; z < e && s[z] != '%'; z++)
		v6 &= l2j_digit(s[z]) || ((s[z] | 0x20) >= 'a' && (s[z] | 0x20) <= 'f') ||
		    (z >= c && (s[z] == ':' || s[z] == '.'));
	for (size_t i = z + 1; i < e; i++)
		v6 &= l2j_wordch(s[i]) || s[i] == '.' || s[i] == '-';
	return c < e && v6 && z + 1 != e;
}

int l2j_error(const char *s, size_t n, int variant, int *caps)
{
	size_t a, e, h;

	(void)variant;
	if (n > 0x7fffffff || n < 5 || s[0] != '[' || s[4] != ' ' || !l2j_abbrev(s + 1, l2j_days))
		return 0;
	a = l2j_spaces(s, 4, n);
	e = l2j_bsdtime(s, a, n);
	h = l2j_spaces(s, e, n);
	if (e == a || h == e || h >= n || s[h] < '1' || s[h] > '9')
		return 0;
	e = l2j_digits(s, h, n);
	if (n - e < 3 || s[e] != ']' || s[e + 1] != ' ' || s[e + 2] != '[' || !l2j_rest(s, e, n))
		return 0;
	caps[2] = 1;
	caps[3] = (int)e;
	caps[4] = caps[5] = caps[8] = caps[9] = caps[10] = caps[11] = caps[12] = caps[13] = -1;
	/* "[module:severity] " or "[severity] " */
	a = e + 3;
	e = l2j_word(s, a, n);
	if (e > a && e < n && s[e] == ':') {
		caps[4] = (int)a;
		caps[5] = (int)e;
		a = e + 1;
		e = l2j_word(s, a, n);
	}
	if (!l2j_cut(caps, 3, a, e, s, n, ']') || n - e < 2 || s[e + 1] != ' ')
		return 0;
	a = e + 2;
	/* "[pid N:tid N] " or "[pid N] " */
	if (l2j_at(s, a, n, "[pid ", 5) && (e = l2j_digits(s, a + 5, n)) > a + 5) {
		size_t t = e;

		if (l2j_at(s, e, n, ":tid ", 5) && (t = l2j_digits(s, e + 5, n)) == e + 5)
			t = e;
		if (n - t >= 2 && s[t] == ']' && s[t + 1] == ' ') {
			caps[8] = (int)a + 5;
			caps[9] = (int)e;
			if (t > e) {
				caps[10] = (int)e + 5;
				caps[11] = (int)t;
			}
			a = t + 2;
		}
	}
	/* "[client host:port] " */
	if (l2j_at(s, a, n, "[client ", 8)) {
		e = find_byte(s, a + 8, n, ']');
		if (e > a + 8 && s[a + 8] == '[')
			return 0;	/* "[client [v6]:port] ": left to the expression */
		if (n - e >= 2 && s[e + 1] == ' ' && l2j_urihost(s, a + 8, e)) {
			caps[12] = (int)a + 8;
			caps[13] = (int)e;
			a = e + 2;
		}
	}
	return l2j_taken(caps, 7, a, n);
}

/* ---- RFC5424SYSLOG without the regular expression ----
 *
 * "<PRI>VERSION TIMESTAMP HOST APP PROCID MSGID SD[ MSG]": every field
 * ends at the delimiter after it, which it cannot contain, and the
 * structured data reads one way only (a '\\' in a value always starts a
 * pair).  On a line of ASCII without line terminators a line the scanner
 * does not take is one the expression does not match either. */

/* K_SDNAME: as \S+ but not '=', ']' or '"'. */
L2J_INLINE size_t l2j_sdname(const char *s, size_t a, size_t n)
{
	size_t e = l2j_field(s, a, n);

	for (size_t i = a; i < e; i++)
		if (s[i] == '=' || s[i] == ']' || s[i] == '"')
			return i;
	return e;
}

/* The structured data at s[a..): "-" or SD-ELEMENTs; where it ends, else a. */
static size_t l2j_sd(const char *s, size_t a, size_t n)
{
	size_t i = a, e;

	if (a < n && s[a] == '-')
		return a + 1;
	while (i < n && s[i] == '[') {
		if ((e = l2j_sdname(s, i + 1, n)) == i + 1)
			return a;
		/* ' name="value"' pairs, then ']' */
		for (i = e; i < n && s[i] == ' '; i = e + 1) {
			if ((e = l2j_sdname(s, i + 1, n)) == i + 1 || n - e < 2 || s[e] != '=' || s[e + 1] != '"')
				return a;
			for (e += 2; e < n && s[e] != '"'; e++)
				if (s[e] == '\\' && ++e == n)
					return a;
			if (e == n)
				return a;
		}
		if (i == n || s[i] != ']')
			return a;
		i++;
	}
	return i;
}

int l2j_5424(const char *s, size_t n, int variant, int *caps)
{
	size_t a, e;

	(void)variant;
	if (n > 0x7fffffff || n < 2 || s[0] != '<' || !l2j_rest(s, 0, n))
		return 0;
	e = l2j_digits(s, 1, n);
	if (e - 1 > 3 || !l2j_cut(caps, 1, 1, e, s, n, '>') || e + 1 >= n || s[e + 1] < '1' || s[e + 1] > '9')
		return 0;
	a = e + 1;
	e = l2j_digits(s, a, n);
	if (e - a > 3 || !l2j_cut(caps, 2, a, e, s, n, ' '))
		return 0;
	a = e + 1;
	e = a < n && s[a] == '-' ? a + 1 : l2j_rfc3339(s, a, n, 6);
	if (!l2j_cut(caps, 3, a, e, s, n, ' '))
		return 0;
	for (int g = 4; g <= 7; g++) {
		a = e + 1;
		e = l2j_field(s, a, n);
		if (!l2j_cut(caps, g, a, e, s, n, ' '))
			return 0;
	}
	a = e + 1;
	if ((e = l2j_sd(s, a, n)) == a || (e < n && s[e] != ' '))
		return 0;
	caps[16] = (int)a;
	caps[17] = (int)e;
	caps[18] = e < n ? (int)e + 1 : -1;
	caps[19] = e < n ? (int)n : -1;
	caps[0] = 0;
	caps[1] = (int)n;
	return 1;
}

struct l2j {
	struct rx *rx;
	int ngroups;
	size_t nout;
	struct l2j_out out[RX_MAX_GROUPS];
	uint64_t dashnull;	/* bit g-1: a lone "-" in group g is null */
	int pretty;
	int raw;		/* onMismatch "raw" */
	int custom;		/* a matchPattern */
	const struct l2j_format *scan;	/* a format whose scanner runs first, or NULL */
	const char *format;
	unsigned long mismatched;	/* runs on a line that did not match */
	int warned;
};

static int l2j_init(void **state, struct conf_opts *o)
{
	const struct l2j_format *f = NULL;
	const char *fmt, *pattern = NULL, *jf, *om;
	const char *const *names = NULL;
	size_t nnames = 0, i, j;
	struct l2j *s;
	char err[128];
	int r, hasnames, haspattern;

	if ((r = conf_opt_string(o, "logFormat", &fmt)) < 0)
		return -1;
	if (r == 0)
		return conf_opt_error(o, "logFormat", "required: %s", L2J_VALID);
	for (i = 0; i < L2J_NFORMATS; i++)
		if (!strcmp(fmt, l2j_formats[i].name))
			f = &l2j_formats[i];
	if (!f)
		return conf_opt_error(o, "logFormat", "unknown log format \"%s\"; valid: %s", fmt, L2J_VALID);

	s = arena_alloc(sizeof *s);
	s->format = f->name;
	if ((r = conf_opt_string(o, "jsonFormat", &jf)) < 0)
		return -1;
	if (r == 1) {
		if (!strcmp(jf, "PRETTYPRINT"))
			s->pretty = 1;
		else if (strcmp(jf, "COMPACT"))
			return conf_opt_error(o, "jsonFormat", "must be COMPACT or PRETTYPRINT, not \"%s\"", jf);
	}
	if ((r = conf_opt_string(o, "onMismatch", &om)) < 0)
		return -1;
	if (r == 1) {
		if (!strcmp(om, "raw"))
			s->raw = 1;
		else if (strcmp(om, "drop"))
			return conf_opt_error(o, "onMismatch", "must be \"drop\" or \"raw\", not \"%s\"", om);
	}
	if ((hasnames = conf_opt_strings(o, "customFieldNames", &names, &nnames)) < 0)
		return -1;
	if ((haspattern = conf_opt_string(o, "matchPattern", &pattern)) < 0)
		return -1;

	if (haspattern) {
		/* BaseLogParser: "matchPattern must be specified when
		 * customFieldNames is specified" (sic), a configuration error */
		if (!hasnames)
			return conf_opt_error(o, "matchPattern",
			    "needs customFieldNames, one name for each capturing group");
		if (!(s->rx = rx_compile(pattern, strlen(pattern), err, sizeof err)))
			return conf_opt_error(o, "matchPattern", "%s", err);
		s->ngroups = rx_groups(s->rx);
		/* the Java agent would drop every line ("The parsed fields don't
		 * match the given fields"); here it is said at start-up */
		if ((size_t)s->ngroups != nnames)
			return conf_opt_error(o, "customFieldNames",
			    "%zu name%s, but matchPattern has %d capturing group%s; they must be as many",
			    nnames, nnames == 1 ? "" : "s", s->ngroups, s->ngroups == 1 ? "" : "s");
		s->dashnull = f->dash == DASH_KEEP ? 0 : ~(uint64_t)0;
		s->custom = 1;
	} else {
		char text[1024];
		size_t n = l2j_pattern(f->name, text, sizeof text);

		if (!(s->rx = rx_compile(text, n, err, sizeof err)))
			return conf_opt_error(o, "logFormat", "%s: internal pattern: %s", f->name, err);
		s->ngroups = rx_groups(s->rx);
		if ((size_t)s->ngroups != f->nfields)
			return conf_opt_error(o, "logFormat", "%s: internal pattern has %d groups", f->name,
			    s->ngroups);
		if (hasnames && nnames != f->nfields)
			return conf_opt_error(o, "customFieldNames",
			    "%zu name%s, but logFormat %s has %zu fields; give %zu, or a matchPattern",
			    nnames, nnames == 1 ? "" : "s", f->name, f->nfields, f->nfields);
		if (!hasnames) {
			names = f->fields;
			nnames = f->nfields;
		}
		s->dashnull = f->dash == DASH_NULL ? ~(uint64_t)0 : f->dash == DASH_5424 ? DASH_5424_MASK : 0;
		s->scan = f->scan ? f : NULL;
	}

	/* LinkedHashMap.put: a repeated name keeps its first place and takes
	 * the last value */
	for (i = 0; i < nnames; i++) {
		for (j = 0; j < s->nout && strcmp(s->out[j].name, names[i]); j++)
			;
		s->out[j].name = names[i];
		s->out[j].group = (int)i + 1;
		if (j == s->nout)
			s->nout++;
	}
	for (j = 0; j < s->nout; j++) {
		size_t e = json_escape(NULL, 0, s->out[j].name, strlen(s->out[j].name));
		char *b = arena_alloc(e + 1);

		json_escape(b, e, s->out[j].name, strlen(s->out[j].name));
		s->out[j].ename = b;
		s->out[j].elen = e;
	}
	*state = s;
	return 0;
}

/* Closes the object w and adds the "\n"; the length, or PROC_TOOLONG. */
static long l2j_end(struct jw *w, char *out, size_t cap)
{
	long len = jw_end(w);

	if (len < 0 || (size_t)len >= cap)
		return PROC_TOOLONG;
	out[len] = '\n';
	return len + 1;
}

/* Once per processor, i.e. once per flow: what did not match, and what
 * becomes of such lines.  The line's start is shown escaped. */
static void l2j_warn(const struct l2j *s, const char *line, size_t n)
{
	char head[64 * 6 + 1];
	size_t k = n < 64 ? n : 64, e;

	e = json_escape(head, sizeof head - 1, line, k);
	head[e < sizeof head - 1 ? e : sizeof head - 1] = 0;
	log_warnx("LOGTOJSON: a line did not match logFormat %s%s: \"%s\"%s; such lines are %s "
	    "(counted; said once)", s->format, s->custom ? "'s matchPattern" : "", head,
	    n > k ? "..." : "", s->raw ? "sent as {\"message\":line}" : "dropped");
}

static long l2j_run(void *state, const char *in, size_t n, char *out, size_t cap, const struct proc_meta *m)
{
	struct l2j *s = state;
	int caps[2 * (RX_MAX_GROUPS + 1)];
	struct jw w;
	size_t i;

	(void)m;
	/* LogToJSONDataConverter: dataStr.endsWith("\n") -> drop it */
	if (n && in[n - 1] == '\n')
		n--;
	if (!(s->scan && s->scan->scan(in, n, s->scan->variant, caps)) &&
	    !rx_exec(s->rx, in, n, 0, RX_MATCHES, caps, s->ngroups + 1)) {
		s->mismatched++;
		if (!s->warned) {
			s->warned = 1;
			l2j_warn(s, in, n);
		}
		if (!s->raw)
			return PROC_DROP;
		jw_begin(&w, out, cap, s->pretty);
		jw_str(&w, "message", 7, in, n);
		return l2j_end(&w, out, cap);
	}
	jw_begin(&w, out, cap, s->pretty);
	for (i = 0; i < s->nout; i++) {
		int g = s->out[i].group, a = caps[2 * g], b = caps[2 * g + 1];
		const char *v = a < 0 ? NULL : in + a;

		if (v && b - a == 1 && *v == '-' && (s->dashnull >> (g - 1) & 1))
			v = NULL;
		jw_str(&w, s->out[i].ename, s->out[i].elen, v, v ? (size_t)(b - a) : 0);
	}
	return l2j_end(&w, out, cap);
}

const struct processor proc_logtojson = { "LOGTOJSON", "logtojson", l2j_init, l2j_run };
