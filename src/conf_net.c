/* Where the records go and as whom: endpoints, regions, the proxy and the
 * credentials, from the file and from the environment the reader was given.
 *
 * Region and endpoint settle each other.  For a flow, the first of these
 * that says something wins:
 *   1. the flow's own awsRegion (kagent); its endpoint is then AWS's in that
 *      region unless the flow gives its own;
 *   2. the region in the host of the flow's own endpoint key;
 *   3. for a Kinesis flow, kinesis.region (the Java agent's key: the region
 *      of its Kinesis client), which a kinesis.endpoint on an AWS host must
 *      agree with; a kinesis.endpoint elsewhere (a VPC endpoint, a local
 *      one) is then signed for kinesis.region;
 *   4. awsRegion at the top level (kagent), which an endpoint on an AWS host
 *      must agree with;
 *   5. the region in the host of firehose.endpoint, then of kinesis.endpoint
 *      (that one only without kinesis.region);
 *   6. us-east-1, the Java agent's default.
 * A flow's endpoint is its own key, else the top level's of its API, else
 * <api>.<region>.amazonaws.com (.cn in China). */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include "addr.h"
#include "arena.h"
#include "b64.h"
#include "conf_impl.h"
#include "find.h"
#include "fmt.h"
#include "hex.h"

#define CONF_DEFAULT_REGION "us-east-1"

static int conf_host_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
	    ch == '-' || ch == '.' || ch == '_';
}

/* https://host[:port], http://host[:port] or host[:port] (https), an IPv6
 * address in brackets, at most a trailing "/".  Returns NULL or what is wrong. */
static const char *conf_parse_endpoint(const char *s, struct conf_endpoint *ep)
{
	const char *host, *hend, *rest;
	size_t n;
	long port = -1;

	ep->tls = 1;
	if (strncmp(s, "https://", 8) == 0) {
		s += 8;
	} else if (strncmp(s, "http://", 7) == 0) {
		ep->tls = 0;
		s += 7;
	} else if (find_str(s, "://")) {
		return "unsupported scheme (https:// or http://)";
	}
	n = strlen(s);
	if (n > 0 && s[n - 1] == '/')
		n--;
	if (memchr(s, '@', n))
		return "must not contain user info";
	if (memchr(s, '/', n))
		return "must not contain a path";
	if (memchr(s, '?', n) || memchr(s, '#', n))
		return "must not contain a query";
	if (n == 0)
		return "empty host";
	if (s[0] == '[') {
		char a6[64];
		unsigned char bin[16];
		host = s + 1;
		if (!(hend = memchr(host, ']', n - 1)))
			return "missing ] after an IPv6 address";
		if ((size_t)(hend - host) >= sizeof a6 || hend == host)
			return "invalid IPv6 address";
		memcpy(a6, host, (size_t)(hend - host));
		a6[hend - host] = 0;
		if (addr_pton(a6, bin) != AF_INET6)
			return "invalid IPv6 address";
		rest = hend + 1;
	} else {
		host = s;
		for (hend = s; hend < s + n && *hend != ':'; hend++)
			if (!conf_host_char(*hend))
				return "invalid host name";
		if (hend == host)
			return "empty host";
		rest = hend;
	}
	if (rest < s + n) {
		const char *p;
		if (*rest != ':')
			return "invalid host name";
		port = 0;
		for (p = rest + 1; p < s + n; p++) {
			if (*p < '0' || *p > '9')
				return *p == ':' ? "an IPv6 address must be in brackets" : "invalid port";
			if (port <= 65535)
				port = port * 10 + (*p - '0');
		}
		if (p == rest + 1)
			return "empty port";
		if (port < 1 || port > 65535)
			return "port must be 1..65535";
	}
	if ((size_t)(hend - host) >= sizeof ep->host)
		return "host name too long";
	memcpy(ep->host, host, (size_t)(hend - host));
	ep->host[hend - host] = 0;
	ep->port = port > 0 ? (unsigned)port : ep->tls ? 443 : 80;
	return NULL;
}

/* ---- regions ------------------------------------------------------------- */

/* Region names as AWS writes them: us-east-1, cn-north-1, us-gov-west-1. */
int conf_region_ok(const char *s, size_t n)
{
	size_t i;

	if (n < 1 || n > 31)
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return 0;
	return 1;
}

int conf_k_region(struct conf_cx *x, const struct conf_key *k, int v, void *base)
{
	const char *s = conf_string(x, v);

	if (!s)
		return -1;
	if (!conf_region_ok(s, strlen(s))) {
		conf_bad(x, v, "must be a region name such as us-east-1, got \"%.*s\"", CONF_SHOWN(x, v));
		return -1;
	}
	conf_put_ptr(base, k, s);
	return 0;
}

int conf_k_flow_region(struct conf_cx *x, const struct conf_key *k, int v, void *base)
{
	int r = conf_k_region(x, k, v, base);

	if (r == 0)
		((struct conf_flow *)base)->own_region = 1;
	return r;
}

/* The region in an AWS Firehose, Kinesis or CloudWatch host name (firehose.<region>.
 * amazonaws.com, .amazonaws.com.cn, kinesis-fips.<region>...), copied into
 * out; 0 if the host is not one. */
static int conf_region_of_host(const char *host, char *out, size_t cap)
{
	static const char *const prefixes[] = { "firehose.", "firehose-fips.", "kinesis.", "kinesis-fips.",
	    "monitoring.", "monitoring-fips." };
	static const char *const suffixes[] = { ".amazonaws.com", ".amazonaws.com.cn" };
	size_t hl = strlen(host), p, s;

	for (p = 0; p < sizeof prefixes / sizeof *prefixes; p++) {
		size_t pl = strlen(prefixes[p]);
		if (strncmp(host, prefixes[p], pl) != 0)
			continue;
		for (s = 0; s < 2; s++) {
			size_t sl = strlen(suffixes[s]);
			if (hl <= pl + sl || strcmp(host + hl - sl, suffixes[s]) != 0)
				continue;
			if (!conf_region_ok(host + pl, hl - pl - sl) || hl - pl - sl >= cap)
				continue;
			memcpy(out, host + pl, hl - pl - sl);
			out[hl - pl - sl] = 0;
			return 1;
		}
	}
	return 0;
}

/* The region ep's host names (ep: key key's value, token tok) against
 * *region, said at value token *from; if there is none yet, it becomes it. */
static void conf_region_from(struct conf_cx *x, const struct conf_endpoint *ep, const char *key, int tok,
    const char **region, int *from)
{
	char derived[32];

	if (!conf_region_of_host(ep->host, derived, sizeof derived))
		return;
	if (!*region) {
		*region = arena_strndup(derived, strlen(derived));
		*from = tok;
	} else if (*from >= 0 && strcmp(*region, derived) != 0) {
		conf_say(x, conf_line(x, *from), 1, "%.*s: \"%s\" does not match %s's region \"%s\"",
		    CONF_SHOWN(x, *from - 1), *region, key, derived);
	}
}

/* ---- endpoints ----------------------------------------------------------- */

/* 127.0.0.0/8, ::1 (also as ::ffff:127.x.y.z) or localhost: what is sent
 * there does not leave the machine. */
static int conf_loopback(const char *host)
{
	unsigned char a[16];
	int af = addr_pton(host, a);

	if (strcasecmp(host, "localhost") == 0)
		return 1;
	if (af == AF_INET)
		return a[0] == 127;
	if (af != AF_INET6)
		return 0;
	if (IN6_IS_ADDR_V4MAPPED((struct in6_addr *)(void *)a))
		return a[12] == 127;
	return IN6_IS_ADDR_LOOPBACK((struct in6_addr *)(void *)a);
}

/* allowCleartext: in the main file, looked up there, since it may come
 * after the endpoint; in a configDir file (which cannot set it), the main
 * file's. */
static int conf_cleartext_allowed(const struct conf_cx *x)
{
	int v;

	if (x->r->files > 1)
		return x->c->allow_cleartext;
	v = json_get(x->js, x->t, 0, "allowCleartext");
	return v >= 0 && conf_bool(x, v) == 1;
}

int conf_cleartext(struct conf_cx *x, int v, const struct conf_endpoint *ep)
{
	if (ep->tls || conf_loopback(ep->host) || conf_cleartext_allowed(x))
		return 0;
	conf_bad(x, v, "http:// to a host other than loopback would send the signed requests and any session token "
	    "unencrypted: use https://, or allow it with \"allowCleartext\": true");
	return -1;
}

/* "" is the default (a flow's; the top level's never get here with ""). */
static int conf_endpoint(struct conf_cx *x, int v, struct conf_endpoint *ep)
{
	const char *s = conf_string(x, v), *why;

	if (!s)
		return -1;
	if (!*s)
		return 1;
	if ((why = conf_parse_endpoint(s, ep))) {
		conf_bad(x, v, "%s, got \"%.*s\"", why, CONF_SHOWN(x, v));
		return -1;
	}
	return conf_cleartext(x, v, ep);
}

int conf_k_endpoint(struct conf_cx *x, const struct conf_key *k, int v, void *base)
{
	return conf_endpoint(x, v, (struct conf_endpoint *)(void *)((char *)base + k->off));
}

/* A flow's own endpoint: the key of its API (k->min). */
int conf_k_flow_endpoint(struct conf_cx *x, const struct conf_key *k, int v, void *base)
{
	struct conf_flow *f = base;
	int kin = k->min == API_KINESIS;

	if (x->where != CONF_FLOW && f->api != (enum conf_api)k->min) {
		conf_bad(x, v, "this flow sends to %s: give %s", kin ? "Firehose" : "Kinesis",
		    kin ? "firehose.endpoint" : "kinesis.endpoint");
		return -1;
	}
	return conf_endpoint(x, v, &f->ep);
}

static void conf_default_endpoint(struct conf_endpoint *ep, const char *service, const char *region)
{
	if (ep->host[0])
		return;
	ep->tls = 1;
	ep->port = 443;
	fmt_snprintf(ep->host, sizeof ep->host, "%s.%s.amazonaws.com%s", service, region,
	    strncmp(region, "cn-", 3) == 0 ? ".cn" : "");
}

void conf_flow_endpoint_region(struct conf_cx *x, struct conf_flow *f, const char *kp, int ep_key, int region_key)
{
	int from = region_key >= 0 ? region_key + 1 : -1;

	if (region_key != CONF_BAD)
		conf_region_from(x, &f->ep, kp, ep_key + 1, &f->region, &from);
}

/* STS's region: the one its host names (sts.<region>.amazonaws.com,
 * sts-fips.<region>..., and us-east-1 for the global sts.amazonaws.com),
 * else the first flow's, whose regional endpoint is then STS's. */
static void conf_settle_sts(struct conf *c)
{
	static const char *const prefixes[] = { "sts.", "sts-fips." };
	const char *h = c->sts.host;
	size_t hl = strlen(h);

	if (!c->role_arn)
		return;
	if (!strcmp(h, "sts.amazonaws.com")) {
		c->sts_region = "us-east-1";
		return;
	}
	for (size_t p = 0; p < 2 && !c->sts_region; p++) {
		size_t pl = strlen(prefixes[p]);
		for (size_t k = 0; k < 2; k++) {
			const char *suffix = k ? ".amazonaws.com.cn" : ".amazonaws.com";
			size_t sl = strlen(suffix);
			if (strncmp(h, prefixes[p], pl) == 0 && hl > pl + sl && !strcmp(h + hl - sl, suffix) &&
			    conf_region_ok(h + pl, hl - pl - sl)) {
				c->sts_region = arena_strndup(h + pl, hl - pl - sl);
				break;
			}
		}
	}
	if (!c->sts_region)
		c->sts_region = c->nflows ? c->flows[0].region : c->region;
	conf_default_endpoint(&c->sts, "sts", c->sts_region);
}

void conf_settle_flows(struct conf *c)
{
	for (size_t i = 0; i < c->nflows; i++) {
		struct conf_flow *f = &c->flows[i];
		int kin = f->api == API_KINESIS;
		if (!f->region)
			f->region = kin && c->kinesis_region ? c->kinesis_region : c->region;
		if (!f->ep.host[0] && !f->own_region)
			f->ep = kin ? c->kinesis : c->firehose;
		conf_default_endpoint(&f->ep, kin ? "kinesis" : "firehose", f->region);
	}
	conf_settle_sts(c);
}

/* ---- the environment ----------------------------------------------------- */

/* The variable name in the reader's environment, copied; NULL if unset or
 * empty. */
static const char *conf_env(const struct conf_cx *x, const char *name)
{
	size_t n = strlen(name);

	for (const char *const *e = x->r->env; e && *e; e++)
		if (strncmp(*e, name, n) == 0 && (*e)[n] == '=')
			return (*e)[n + 1] ? arena_strndup(*e + n + 1, strlen(*e + n + 1)) : NULL;
	return NULL;
}

/* ---- the proxy ----------------------------------------------------------- */

/* http://[user:password@]host[:port] (an HTTP proxy that takes CONNECT;
 * port 3128 by default) into c; the credentials become a
 * Proxy-Authorization header.  NULL, or what is wrong (never the password). */
static const char *conf_proxy(struct conf *c, const char *s)
{
	const char *at, *why;
	char hostpart[300], raw[190];
	size_t n, k = 0;

	if (strncasecmp(s, "http://", 7) != 0)
		return find_str(s, "://") ? "only an http:// proxy (it is sent CONNECT) is supported" :
		    "must start with http://";
	s += 7;
	for (n = 0; s[n] && s[n] != '/' && s[n] != '?' && s[n] != '#'; n++)
		;
	if ((at = memchr(s, '@', n))) {
		/* user:password, %XX-decoded as in a URL */
		for (const char *p = s; p < at; p++) {
			if (k + 1 >= sizeof raw)
				return "user:password too long";
			if (*p == '%' && at - p > 2 && hex_digit(p[1]) >= 0 && hex_digit(p[2]) >= 0) {
				raw[k++] = (char)(hex_digit(p[1]) << 4 | hex_digit(p[2]));
				p += 2;
			} else {
				raw[k++] = *p;
			}
		}
		if (k == 0 || b64_len(k) + 7 > sizeof c->proxy_auth)
			return k ? "user:password too long" : "empty user:password before '@'";
		memcpy(c->proxy_auth, "Basic ", 6);
		b64_encode(raw, k, c->proxy_auth + 6);
		c->proxy_auth[6 + b64_len(k)] = 0;
		s = at + 1;
	}
	if (strlen(s) >= 256)
		return "host too long";
	fmt_snprintf(hostpart, sizeof hostpart, "http://%s", s);
	if ((why = conf_parse_endpoint(hostpart, &c->proxy)))
		return why;
	if (!strchr(s[0] == '[' && strchr(s, ']') ? strchr(s, ']') : s, ':'))
		c->proxy.port = 3128;
	return NULL;
}

/* proxy: "" is none, and then the environment is not read either. */
int conf_k_proxy(struct conf_cx *x, const struct conf_key *k, int v, void *base)
{
	const char *s = conf_string(x, v), *why;

	(void)k;
	if (!s)
		return -1;
	if (*s && (why = conf_proxy(base, s))) {
		conf_bad(x, v, "%s", why);
		return -1;
	}
	if (((struct conf *)base)->proxy_auth[0] && !x->r->secret)
		x->r->secret = "the proxy's password";
	return 0;
}

/* Without proxy in the file: https_proxy, else HTTPS_PROXY; no_proxy, else
 * NO_PROXY. */
static void conf_proxy_env(struct conf_cx *x)
{
	const char *s, *from = "https_proxy", *why;

	if (!(s = conf_env(x, "https_proxy"))) {
		s = conf_env(x, "HTTPS_PROXY");
		from = "HTTPS_PROXY";
	}
	if (!(x->c->no_proxy = conf_env(x, "no_proxy")))
		x->c->no_proxy = conf_env(x, "NO_PROXY");
	if (s && (why = conf_proxy(x->c, s)))
		conf_say(x, 0, 1, "%s (environment): %s", from, why);
}

/* ---- credentials --------------------------------------------------------- */

static int conf_printable(const char *s)
{
	for (; *s; s++)
		if (*s <= ' ' || *s > '~')
			return 0;
	return 1;
}

/* They go into HTTP headers: printable ASCII, no spaces. */
int conf_k_credential(struct conf_cx *x, const struct conf_key *k, int v, void *base)
{
	const char *s = conf_nonempty(x, v);

	if (!s)
		return -1;
	if (!conf_printable(s)) {
		conf_bad(x, v, "must be printable ASCII without spaces");
		return -1;
	}
	conf_put_ptr(base, k, s);
	if (strcmp(k->name, "awsAccessKeyId") != 0 && !x->r->secret)	/* the key id alone signs nothing */
		x->r->secret = k->name;
	return 0;
}

/* The iot.* keys: all or none; https only.  1 when they are given. */
static int conf_iot(struct conf_cx *x)
{
	static const char *const keys[] = { "iot.credentialsEndpoint", "iot.roleAlias", "iot.thingName",
		"iot.certFile", "iot.keyFile" };
	struct conf *c = x->c;
	int got[5], any = 0, bad = 0, line = 0;
	size_t i;

	for (i = 0; i < 5; i++) {
		got[i] = conf_got(x, keys[i]);
		bad |= got[i] == CONF_BAD;
		if (got[i] >= 0 && !any++)
			line = conf_line(x, got[i] + 1);
	}
	bad |= conf_got(x, "iot.caFile") == CONF_BAD;
	if (!any || bad)
		return any;
	for (i = 0; i < 5; i++)
		if (got[i] < 0)
			conf_say(x, line, 1, "%s: required with the other iot.* keys (the AWS IoT credentials provider)",
			    keys[i]);
	if (got[0] >= 0 && !c->iot.tls)
		conf_say(x, conf_line(x, got[0] + 1), 1,
		    "iot.credentialsEndpoint: must be https: the device's certificate is presented over TLS");
	if (!c->iot_ca)
		c->iot_ca = c->ca_file;
	return 1;
}

/* A path from the environment: absolute, as a daemon's working directory
 * is nobody's choice. */
static const char *conf_env_path(struct conf_cx *x, const char *var)
{
	const char *s = conf_env(x, var);

	if (s && s[0] != '/') {
		conf_say(x, 0, 1, "%s (environment): must be an absolute path", var);
		return NULL;
	}
	return s;
}

/* The environment's keys: 1 when they are there, -1 after an error. */
static int conf_env_keys(struct conf_cx *x)
{
	static const char *const vars[] = { "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN" };
	struct conf *c = x->c;
	const char *env[3];
	size_t i;

	for (i = 0; i < 3; i++)
		env[i] = conf_env(x, vars[i]);
	if (env[0] && !env[1]) {
		conf_say(x, 0, 1, "AWS_ACCESS_KEY_ID is set in the environment without AWS_SECRET_ACCESS_KEY");
		return -1;
	}
	if (env[1] && !env[0]) {
		conf_say(x, 0, 1, "AWS_SECRET_ACCESS_KEY is set in the environment without AWS_ACCESS_KEY_ID");
		return -1;
	}
	if (!env[0])
		return 0;
	for (i = 0; i < 3; i++)
		if (env[i] && !conf_printable(env[i])) {
			conf_say(x, 0, 1, "%s (environment): must be printable ASCII without spaces", vars[i]);
			return -1;
		}
	c->access_key_id = env[0];
	c->secret_access_key = env[1];
	c->session_token = env[2];
	return 1;
}

/* Where the credentials come from, first to last: the configuration's
 * keys (awsAccessKeyId, or the iot.* keys: not both), the environment's,
 * the shared credentials file; then, with assumeRoleARN, AssumeRole signed
 * with them.  Never the instance metadata service: kagent runs on devices,
 * not EC2. */
static void conf_credentials(struct conf_cx *x)
{
	struct conf *c = x->c;
	int id = conf_got(x, "awsAccessKeyId"), secret = conf_got(x, "awsSecretAccessKey");
	int token = conf_got(x, "awsSessionToken"), file = conf_got(x, "awsCredentialsFile");
	int profile = conf_got(x, "awsProfile"), iot = conf_iot(x), env;
	const char *why = NULL;

	if (id == CONF_BAD || secret == CONF_BAD || token == CONF_BAD)
		return;
	if (id >= 0 && secret < 0)
		conf_say(x, conf_line(x, id + 1), 1, "awsAccessKeyId: given without awsSecretAccessKey");
	else if (secret >= 0 && id < 0)
		conf_say(x, conf_line(x, secret + 1), 1, "awsSecretAccessKey: given without awsAccessKeyId");
	else if (token >= 0 && id < 0)
		conf_say(x, conf_line(x, token + 1), 1,
		    "awsSessionToken: given without awsAccessKeyId and awsSecretAccessKey");
	else if (id >= 0 && iot)
		conf_say(x, conf_line(x, id + 1), 1,
		    "awsAccessKeyId: given with the iot.* keys: the credentials are one or the other");
	else if (id >= 0)
		c->creds_base = CONF_CREDS_KEYS;
	else if (iot)
		c->creds_base = CONF_CREDS_IOT;
	if (id >= 0 || secret >= 0 || token >= 0 || iot) {
		why = id >= 0 ? "awsAccessKeyId's" : iot ? "the iot.* keys'" : "the configuration's keys";
	} else if ((env = conf_env_keys(x)) != 0) {
		if (env < 0)
			return;
		c->creds_base = CONF_CREDS_ENV;
		why = "the environment's (AWS_ACCESS_KEY_ID)";
	}
	if (file == CONF_ABSENT)
		c->creds_file = conf_env_path(x, "AWS_SHARED_CREDENTIALS_FILE");
	if (profile < 0 && !(c->profile = conf_env(x, "AWS_PROFILE")))
		c->profile = "default";
	if (why && file >= 0)
		conf_say(x, conf_line(x, file + 1), 0,
		    "awsCredentialsFile: not used: the credentials are %s, which come first", why);
	else if (!why && c->creds_file)
		c->creds_base = CONF_CREDS_SHARED;
	else if (!why && profile >= 0)
		conf_say(x, conf_line(x, profile + 1), 1,
		    "awsProfile: no credentials file to read it from (awsCredentialsFile, AWS_SHARED_CREDENTIALS_FILE)");
}

/* assumeRoleExternalId, assumeRoleDurationSeconds and sts.endpoint mean
 * nothing without assumeRoleARN. */
static void conf_assume_role(struct conf_cx *x)
{
	static const char *const keys[] = { "assumeRoleExternalId", "assumeRoleDurationSeconds", "sts.endpoint" };

	if (x->c->role_arn)
		return;
	for (size_t i = 0; i < 3; i++) {
		int k = conf_got(x, keys[i]);
		if (k >= 0)
			conf_say(x, conf_line(x, k + 1), 0, "%s: not used without assumeRoleARN, ignored", keys[i]);
	}
}

/* ---- the top level, settled ---------------------------------------------- */

/* cloudwatch.endpoint is signed for the region its AWS host names, else
 * for awsRegion's; without it, the region's monitoring endpoint. */
static void conf_settle_cloudwatch(struct conf_cx *x)
{
	struct conf *c = x->c;
	char r[32];

	c->cw_region = c->region;
	if (conf_got(x, "cloudwatch.endpoint") >= 0 && conf_region_of_host(c->cloudwatch.host, r, sizeof r))
		c->cw_region = arena_strndup(r, strlen(r));
	conf_default_endpoint(&c->cloudwatch, "monitoring", c->cw_region);
}

void conf_settle_top(struct conf_cx *x)
{
	struct conf *c = x->c;
	int region = conf_got(x, "awsRegion"), kregion = conf_got(x, "kinesis.region");
	int fh = conf_got(x, "firehose.endpoint"), kin = conf_got(x, "kinesis.endpoint");
	int from = region >= 0 ? region + 1 : -1, kfrom = kregion >= 0 ? kregion + 1 : -1;

	/* firehose.endpoint first, wherever it is */
	if (fh >= 0)
		conf_region_from(x, &c->firehose, "firehose.endpoint", fh + 1, &c->region, &from);
	if (kin >= 0 && c->kinesis_region)
		conf_region_from(x, &c->kinesis, "kinesis.endpoint", kin + 1, &c->kinesis_region, &kfrom);
	else if (kin >= 0)
		conf_region_from(x, &c->kinesis, "kinesis.endpoint", kin + 1, &c->region, &from);
	if (!c->region)
		c->region = CONF_DEFAULT_REGION;
	conf_default_endpoint(&c->firehose, "firehose", c->region);
	conf_default_endpoint(&c->kinesis, "kinesis", c->kinesis_region ? c->kinesis_region : c->region);
	conf_settle_cloudwatch(x);
	if (conf_got(x, "proxy") == CONF_ABSENT)
		conf_proxy_env(x);
	conf_credentials(x);
	conf_assume_role(x);
	c->creds_source = (const char *const[]){ [CONF_CREDS_NONE] = "none", [CONF_CREDS_KEYS] = "file",
	    [CONF_CREDS_IOT] = "iot", [CONF_CREDS_ENV] = "environment",
	    [CONF_CREDS_SHARED] = "credentials file" }[c->creds_base];
}
