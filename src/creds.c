/* Credentials: the chain of sources (creds.h), each driven by the loop.
 *
 * A source that fetches (iot, sts) has one connection, opened for each
 * fetch and closed after the answer (they are rare: once an hour by
 * default).  New credentials are fetched before the old ones expire: when
 * a fifth of their life is left, and at the latest 5 minutes before; a
 * fetch that fails is tried again after 1 s, 2 s, 4 s... up to a minute,
 * with jitter, the old credentials in use while they last.  Their life is
 * counted from the answer's Date (AWS's clock) on the monotonic clock, so
 * a device whose clock is wrong still renews them in time.
 *
 * The credentials file is looked at every second (a stat): a change is
 * read once the file has stayed the same for a look (a writer still at
 * work is not read half-way), and a file that does not give the profile's
 * keys is looked at again, its old credentials kept. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bearssl.h>
#include "addr.h"
#include "arena.h"
#include "civil.h"
#include "clock.h"
#include "creds.h"
#include "errstr.h"
#include "fmt.h"
#include "hex.h"
#include "http.h"
#include "ini.h"
#include "iot.h"
#include "log.h"
#include "net.h"
#include "rnd.h"
#include "sha256.h"
#include "sigv4.h"
#include "sts.h"

#define CREDS_LOOK_MS 1000		/* the credentials file is looked at this often */
#define CREDS_RETRY_MS 1000		/* a failed fetch is tried again after this, doubled each time */
#define CREDS_RETRY_MAX_MS 60000	/* up to this */
#define CREDS_MARGIN_MAX_S 300		/* new credentials at the latest this long before the old expire */
#define CREDS_HEAD_MAX (1536 + CREDS_TOKEN_MAX)	/* a request's head: its token and the rest */
#define CREDS_ANSWER_MAX 12288		/* an answer's body; STS's is about 2 KB */
#define CREDS_SKEW_S 300		/* AWS refuses a signature this far from its clock */

/* A fetching source's connection and buffers (arena). */
struct creds_fetch {
	struct net net;
	const struct conf_endpoint *ep;
	char *req;			/* the request: head, then body */
	size_t req_cap, req_len, req_off;
	struct http_resp resp;
	char body[CREDS_ANSWER_MAX];
	int busy;			/* a fetch is under way */
	int64_t deadline;
	int64_t skew;			/* sts: AWS's clock minus ours (s), from an answer's Date */
	struct sigv4_key key;
	struct tls_client client;	/* iot: the device's certificate */
	struct tls_anchors ta;		/* iot.caFile's, when it is not caFile */
	struct creds_set fresh;		/* an answer's credentials, before they are taken */
};

/* The file source's reader and what it reads into (arena). */
struct creds_file {
	struct ini ini;
	struct creds_set fresh;
};

/* s's credentials may be signed with now. */
static int usable(const struct creds_src *s, int64_t now)
{
	return s->have && !s->expired && now < s->expires_mono;
}

static struct creds_src *top(const struct creds *cr)
{
	return cr->n ? (struct creds_src *)&cr->src[cr->n - 1] : NULL;
}

/* ---- saying ---- */

/* A failure of s: said when it is not the one last said; the next try
 * after a backoff with jitter. */
static void failed(struct creds *cr, struct creds_src *s, int64_t now, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void failed(struct creds *cr, struct creds_src *s, int64_t now, const char *fmt, ...)
{
	char text[sizeof s->state];
	int64_t d = CREDS_RETRY_MS;
	va_list ap;

	va_start(ap, fmt);
	fmt_vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	s->tried = 1;
	if (s->kind != CREDS_FILE) {
		for (int i = 0; i < s->failures && d < CREDS_RETRY_MAX_MS; i++)
			d *= 2;
		if (d > CREDS_RETRY_MAX_MS)
			d = CREDS_RETRY_MAX_MS;
		d = d * (70 + (int64_t)(rnd_at(cr->seed, cr->draws++) % 61)) / 100;
		s->next = now + d;
	}
	s->failures++;
	s->n_failed++;
	if (!strcmp(text, s->state))
		return;
	fmt_snprintf(s->state, sizeof s->state, "%s", text);
	if (s->kind == CREDS_FILE)
		log_warnx("%s: %s%s", s->name, text, s->have ? "; the credentials read before stay in use" :
			  "; looked at again every second");
	else
		log_warnx("%s: %s; retrying with backoff%s", s->name, text,
			  usable(s, now) ? " (the current credentials stay in use)" : "");
}

/* s has new credentials (fresh, wiped here), valid for life seconds
 * (<= 0: no end).  An STS source that signs with them and has none, or
 * failed, tries again at once. */
static void took(struct creds *cr, struct creds_src *s, struct creds_set *fresh, int64_t life, int64_t now)
{
	char valid[48] = "";
	int first = !s->have;

	creds_wipe(&s->set, sizeof s->set);
	memcpy(&s->set, fresh, sizeof s->set);
	creds_wipe(fresh, sizeof *fresh);
	s->have = 1;
	s->expired = 0;
	s->gen = ++cr->gens;
	s->tried = 1;
	s->failures = 0;
	s->n_new++;
	s->expires_mono = INT64_MAX;
	if (life > 0) {
		/* a fifth of their life before they end, and 5 minutes at most */
		int64_t margin = life / 5 < CREDS_MARGIN_MAX_S ? life / 5 : CREDS_MARGIN_MAX_S;
		s->expires_mono = now + life * 1000;
		s->next = now + (life - margin) * 1000;
		fmt_snprintf(valid, sizeof valid, ", valid for %" PRId64 " s", life);
	}
	if (s->state[0])
		log_info("%s: credentials again%s", s->name, valid);
	else if (first || s->kind == CREDS_FILE)
		log_info("%s: new credentials%s", s->name, valid);
	else
		log_debug("%s: new credentials%s", s->name, valid);
	s->state[0] = 0;
	for (size_t i = 0; i < cr->n; i++) {
		struct creds_src *t = &cr->src[i];
		if (t->base == s && (t->state[0] || !t->have) && !t->fx->busy)
			t->next = now;
	}
}

/* ---- the credentials file ---- */

static int same_file(const struct stat *a, const struct stat *b)
{
	return a->st_ino == b->st_ino && a->st_dev == b->st_dev && a->st_size == b->st_size &&
	       a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

/* Warns once when a file that holds a secret or a key can be read by
 * anyone on the device. */
static void check_mode(const char *what, const char *path, const struct stat *st, int *warned)
{
	if ((st->st_mode & S_IROTH) && !*warned) {
		log_warnx("%s %s can be read by every user (mode %03o): it holds a secret; chmod o-r it", what,
			  path, (unsigned)(st->st_mode & 0777));
		*warned = 1;
	}
}

/* Reads the file (st: as stat saw it) into the source's scratch.  0, 1
 * when it changed while being read, -1 when it cannot be read. */
static int read_file(struct creds_src *s, const struct conf *c, const struct stat *st, char *err, size_t cap)
{
	struct creds_file *cf = s->file;
	char buf[1024];
	struct stat after;
	ssize_t n;
	int fd, r = 0;

	if ((fd = open(c->creds_file, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) < 0) {
		fmt_snprintf(err, cap, "cannot read: %s", errstr(errno));
		return -1;
	}
	ini_begin(&cf->ini, c->profile, &cf->fresh);
	while ((n = read(fd, buf, sizeof buf)) > 0)
		ini_feed(&cf->ini, buf, (size_t)n);
	if (n < 0) {
		fmt_snprintf(err, cap, "cannot read: %s", errstr(errno));
		r = -1;
	} else if (fstat(fd, &after) < 0 || !same_file(st, &after)) {
		r = 1;	/* a writer is at work: read it when it is done */
	}
	close(fd);
	creds_wipe(buf, sizeof buf);
	if (ini_end(&cf->ini, err, cap) < 0 && r == 0)
		r = -1;
	return r;
}

/* Looks at the file: a change that has settled is read.  now_read: read a
 * change at once (start-up). */
static void look(struct creds *cr, struct creds_src *s, int64_t now, int now_read)
{
	const struct conf *c = cr->conf;
	struct creds_file *cf = s->file;
	char err[256];
	struct stat st;
	int r;

	s->next = now + CREDS_LOOK_MS;
	if (stat(c->creds_file, &st) < 0) {
		failed(cr, s, now, "cannot read: %s", errstr(errno));
		return;
	}
	check_mode("the credentials file", c->creds_file, &st, &s->warned_mode);
	if (s->have && same_file(&st, &s->loaded)) {
		if (s->expired)
			failed(cr, s, now, "its credentials were refused as expired: waiting for new ones");
		else
			s->state[0] = 0;	/* back as it was read */
		return;
	}
	if (!now_read && !(s->has_pending && same_file(&st, &s->pending))) {
		s->pending = st;	/* changed: read it when it has settled */
		s->has_pending = 1;
		return;
	}
	if ((r = read_file(s, c, &st, err, sizeof err)) > 0) {
		s->has_pending = 0;
		return;
	}
	if (r < 0) {
		failed(cr, s, now, "%s", err);
		return;
	}
	s->loaded = st;
	s->has_pending = 0;
	if (s->have && !s->expired && !strcmp(cf->fresh.id, s->set.id) && !strcmp(cf->fresh.secret, s->set.secret) &&
	    !strcmp(cf->fresh.token, s->set.token)) {
		creds_wipe(&cf->fresh, sizeof cf->fresh);	/* the same keys (touched, copied again) */
		s->state[0] = 0;
		return;
	}
	took(cr, s, &cf->fresh, 0, now);
}

/* ---- fetching (iot, sts) ---- */

static void host_header(const struct conf_endpoint *ep, char *out, size_t cap)
{
	addr_hostport(out, cap, ep->host, ep->port == (ep->tls ? 443u : 80u) ? 0 : ep->port);
}

/* AssumeRole's request, signed with the base's credentials (wall: ms since
 * 1970).  0, or -1 when it does not fit. */
static int sts_request(struct creds *cr, struct creds_src *s, int64_t wall)
{
	const struct conf *c = cr->conf;
	struct creds_fetch *fx = s->fx;
	const struct creds_set *b = &s->base->set;
	char host[300], date[17], hash[65], *body = fx->req + CREDS_HEAD_MAX;
	size_t blen = sts_body(body, fx->req_cap - CREDS_HEAD_MAX, c->role_arn, c->external_id,
			       (long)c->role_duration_s);
	int k;

	if (!blen)
		return -1;
	sigv4_sha256_hex(body, blen, hash);
	host_header(fx->ep, host, sizeof host);
	sigv4_amz_date((time_t)(wall / 1000 + fx->skew), date);
	struct sigv4_post post = {
		.host = host, .content_type = STS_CONTENT_TYPE, .amz_date = date, .payload_hash = hash,
		.body_len = blen, .id = b->id, .secret = b->secret, .token = b->token, .region = c->sts_region,
		.service = STS_SERVICE, .key = &fx->key,
	};
	if ((k = sigv4_post_head(&post, fx->req, CREDS_HEAD_MAX)) < 0)
		return -1;
	memmove(fx->req + k, body, blen);
	fx->req_len = (size_t)k + blen;
	creds_wipe(fx->req + fx->req_len, fx->req_cap - fx->req_len);
	return 0;
}

/* Starts a fetch of s's credentials. */
static void start(struct creds *cr, struct creds_src *s, int64_t now, int64_t wall)
{
	const struct conf *c = cr->conf;
	struct creds_fetch *fx = s->fx;
	char host[300];

	if (s->kind == CREDS_STS) {
		if (sts_request(cr, s, wall) < 0) {
			failed(cr, s, now, "the request does not fit in %zu bytes", fx->req_cap);
			return;
		}
	} else {
		host_header(fx->ep, host, sizeof host);
		if (!(fx->req_len = iot_request(fx->req, fx->req_cap, host, c->iot_role_alias, c->iot_thing))) {
			failed(cr, s, now, "the request does not fit in %zu bytes", fx->req_cap);
			return;
		}
	}
	fx->req_off = 0;
	if (net_connect(&fx->net, now) < 0) {
		failed(cr, s, now, "%s", fx->net.err);
		return;
	}
	fx->busy = 1;
	fx->deadline = now + c->connect_timeout_ms + c->handshake_timeout_ms + c->socket_timeout_ms;
}

/* The fetch is over: the connection closed, the request and the answer
 * wiped (both may hold a secret). */
static void done(struct creds_fetch *fx)
{
	fx->busy = 0;
	net_close(&fx->net);
	creds_wipe(fx->req, fx->req_cap);
	creds_wipe(fx->body, sizeof fx->body);
}

/* The fetch failed on the way (not answered). */
static void lost(struct creds *cr, struct creds_src *s, int64_t now, const char *why)
{
	struct creds_fetch *fx = s->fx;
	int e = fx->ep->tls ? br_ssl_engine_last_error(&fx->net.sc->eng) : 0;
	char text[sizeof fx->net.err];

	if (e >= BR_ERR_RECV_FATAL_ALERT && e < BR_ERR_RECV_FATAL_ALERT + 256)
		fmt_snprintf(text, sizeof text, "TLS alert: %s", tls_alert_name(e - BR_ERR_RECV_FATAL_ALERT));
	else
		fmt_snprintf(text, sizeof text, "%s", why);
	done(fx);
	failed(cr, s, now, "%s", text);
}

/* The base's credentials were refused by STS: renewable ones are renewed. */
static void base_refused(struct creds_src *b, int expired, int64_t now)
{
	if (b->kind == CREDS_STATIC)
		return;
	if (expired)
		b->expired = 1;
	if (!(b->fx && b->fx->busy))
		b->next = now;
}

/* The whole answer is in. */
static void answered(struct creds *cr, struct creds_src *s, int64_t now, int64_t wall)
{
	struct creds_fetch *fx = s->fx;
	const struct http_resp *r = &fx->resp;
	char code[96], msg[256];
	int64_t aws_now = r->date_s ? r->date_s : wall / 1000 + fx->skew;
	int ok;

	if (s->kind == CREDS_STS)
		ok = sts_answer(r->status, r->body, r->body_len, &fx->fresh, code, sizeof code, msg, sizeof msg);
	else
		ok = iot_answer(r->status, r->body, r->body_len, &fx->fresh, code, sizeof code, msg, sizeof msg);
	done(fx);
	if (ok < 0) {
		/* a signature refused for its time: AWS's, from then on */
		if (s->kind == CREDS_STS && r->date_s && llabs(r->date_s - wall / 1000 - fx->skew) > CREDS_SKEW_S) {
			fx->skew = r->date_s - wall / 1000;
			log_warnx("%s: the clock is %lld s %s AWS's: signing with AWS's time", s->name, llabs(fx->skew),
				  fx->skew > 0 ? "behind" : "ahead of");
			s->next = now;
			return;
		}
		if (s->kind == CREDS_STS && (creds_expired_code(code) || !strcmp(code, "InvalidClientTokenId")))
			base_refused(s->base, creds_expired_code(code), now);
		failed(cr, s, now, "%s%s%s", code, msg[0] ? ": " : "", msg);
		return;
	}
	if (fx->fresh.expires <= aws_now) {
		creds_wipe(&fx->fresh, sizeof fx->fresh);
		failed(cr, s, now, "the credentials given have already expired (by the answer's Date)");
		return;
	}
	took(cr, s, &fx->fresh, fx->fresh.expires - aws_now, now);
}

/* Moves the request out and the answer in. */
static void pump(struct creds *cr, struct creds_src *s, int64_t now, int64_t wall)
{
	struct creds_fetch *fx = s->fx;

	if (fx->busy && fx->req_off < fx->req_len &&
	    (fx->req_off = net_send2(&fx->net, fx->req, fx->req_len, NULL, 0, fx->req_off)) == fx->req_len)
		http_resp_init(&fx->resp, fx->body, sizeof fx->body);
	if (!fx->busy || fx->req_off < fx->req_len)
		return;
	switch (net_answer(&fx->net, &fx->resp)) {
	case HTTP_DONE:
		answered(cr, s, now, wall);
		break;
	case HTTP_ERROR:
		lost(cr, s, now, fx->resp.error);
		break;
	}
}

static void fetch_io(struct creds *cr, struct creds_src *s, short revents, int64_t now, int64_t wall)
{
	struct creds_fetch *fx = s->fx;
	int rc = net_io(&fx->net, revents, now);

	pump(cr, s, now, wall);
	if (rc == 0 || !fx->busy)
		return;
	if (fx->req_off == fx->req_len && fx->net.eof && http_resp_eof(&fx->resp) == HTTP_DONE)
		answered(cr, s, now, wall);
	else
		lost(cr, s, now, fx->net.err);
}

static void fetch_step(struct creds *cr, struct creds_src *s, int64_t now, int64_t wall)
{
	struct creds_fetch *fx = s->fx;

	if (fx->busy) {
		if (now >= net_due(&fx->net))
			fetch_io(cr, s, 0, now, wall);	/* a resolver's retry, a connect that took too long */
		if (fx->busy && now >= fx->deadline)
			lost(cr, s, now, "no answer in time");
		return;
	}
	if (now < s->next)
		return;
	if (s->base && !usable(s->base, now)) {
		/* nothing to sign with: the base's own schedule brings some
		 * (took() makes this source due again) */
		if (s->base->have && !s->base->expired)
			s->next = now + CREDS_LOOK_MS;	/* ran out of time: looked at again */
		return;
	}
	start(cr, s, now, wall);
}

/* ---- start-up ---- */

static struct creds_src *add(struct creds *cr, enum creds_kind kind, const char *name)
{
	struct creds_src *s = &cr->src[cr->n++];

	s->kind = kind;
	s->name = name;
	s->expires_mono = INT64_MAX;
	return s;
}

static int add_fetch(struct creds *cr, struct creds_src *s, const struct conf_endpoint *ep,
		     const struct tls_anchors *ta, char *err, size_t cap)
{
	const struct conf *c = cr->conf;
	struct creds_fetch *fx = s->fx = arena_alloc(sizeof *fx);

	fx->ep = ep;
	fx->req_cap = s->kind == CREDS_STS ? CREDS_HEAD_MAX + sts_body_max(c->role_arn, c->external_id) : 1024;
	fx->req = arena_alloc(fx->req_cap);
	if (s->kind == CREDS_IOT) {
		struct stat st;
		int warned = 0;
		char why[256];
		if (strcmp(c->iot_ca, c->ca_file) != 0 || !ta->n) {
			if (tls_load_anchors(&fx->ta, c->iot_ca, why, sizeof why) < 0) {
				fmt_snprintf(err, cap, "iot.caFile: %s: %s", c->iot_ca, why);
				return -1;
			}
			ta = &fx->ta;
		}
		if (tls_load_client(&fx->client, c->iot_cert, c->iot_key, why, sizeof why) < 0) {
			fmt_snprintf(err, cap, "iot.certFile, iot.keyFile: %s", why);
			return -1;
		}
		if (stat(c->iot_key, &st) == 0)
			check_mode("iot.keyFile", c->iot_key, &st, &warned);
	}
	if (ep->tls && !ta->n && tls_load_anchors(&fx->ta, c->ca_file, err, cap) < 0) {
		char why[256];
		fmt_snprintf(why, sizeof why, "%s", err);
		fmt_snprintf(err, cap, "caFile: %s: %s", c->ca_file, why);
		return -1;
	}
	if (net_init(&fx->net, c, ep, ta->n ? ta : &fx->ta, err, cap) < 0)
		return -1;
	if (s->kind == CREDS_IOT)
		tls_client_auth(fx->net.sc, &fx->client);
	return 0;
}

/* The configuration's keys, or the environment's. */
static int add_static(struct creds *cr, char *err, size_t cap)
{
	const struct conf *c = cr->conf;
	struct creds_src *s = add(cr, CREDS_STATIC, c->creds_base == CONF_CREDS_ENV ? "environment" : "configuration");
	const char *tok = c->session_token ? c->session_token : "";

	if (strlen(c->access_key_id) > CREDS_ID_MAX || strlen(c->secret_access_key) > CREDS_SECRET_MAX ||
	    strlen(tok) > CREDS_TOKEN_MAX) {
		fmt_snprintf(err, cap, "awsAccessKeyId, awsSecretAccessKey, awsSessionToken: longer than %d, %d, %d bytes",
			 CREDS_ID_MAX, CREDS_SECRET_MAX, CREDS_TOKEN_MAX);
		return -1;
	}
	fmt_snprintf(s->set.id, sizeof s->set.id, "%s", c->access_key_id);
	fmt_snprintf(s->set.secret, sizeof s->set.secret, "%s", c->secret_access_key);
	fmt_snprintf(s->set.token, sizeof s->set.token, "%s", tok);
	s->have = s->tried = 1;
	s->gen = ++cr->gens;
	return 0;
}

int creds_init(struct creds *cr, const struct conf *c, const struct tls_anchors *ta, int64_t now, char *err,
	       size_t cap)
{
	struct creds_src *s;
	char *name;

	memset(cr, 0, sizeof *cr);
	cr->conf = c;
	cr->seed = rnd_next();
	switch (c->creds_base) {
	case CONF_CREDS_NONE:
		fmt_snprintf(err, cap, "no credentials");
		return -1;
	case CONF_CREDS_KEYS:
	case CONF_CREDS_ENV:
		if (add_static(cr, err, cap) < 0)
			return -1;
		break;
	case CONF_CREDS_SHARED:
		name = arena_alloc(strlen(c->creds_file) + 20);
		fmt_snprintf(name, strlen(c->creds_file) + 20, "credentials file %s", c->creds_file);
		s = add(cr, CREDS_FILE, name);
		s->file = arena_alloc(sizeof *s->file);
		look(cr, s, now, 1);
		break;
	case CONF_CREDS_IOT:
		s = add(cr, CREDS_IOT, "iot");
		if (add_fetch(cr, s, &c->iot, ta, err, cap) < 0)
			return -1;
		break;
	}
	if (c->role_arn) {
		s = add(cr, CREDS_STS, "sts");
		s->base = &cr->src[0];
		if (add_fetch(cr, s, &c->sts, ta, err, cap) < 0)
			return -1;
	}
	return 0;
}

/* ---- what the flows and the loop ask ---- */

const struct creds_set *creds_get(const struct creds *cr, int64_t now, uint64_t *gen)
{
	const struct creds_src *s = top(cr);

	*gen = s ? s->gen : 0;
	return s && usable(s, now) ? &s->set : NULL;
}

uint64_t creds_generation(const struct creds *cr)
{
	const struct creds_src *s = top(cr);

	return s ? s->gen : 0;
}

int creds_expired_code(const char *code)
{
	return !strcmp(code, "ExpiredTokenException") || !strcmp(code, "ExpiredToken");
}

int creds_renewable(const struct creds *cr)
{
	const struct creds_src *s = top(cr);

	return s && s->kind != CREDS_STATIC;
}

void creds_refused(struct creds *cr, uint64_t gen, int expired, int64_t now)
{
	struct creds_src *s = top(cr);

	if (!s || gen != s->gen || s->kind == CREDS_STATIC)
		return;
	if (expired && !s->expired) {
		s->expired = 1;
		s->n_expired++;
		log_info("%s: credentials refused as expired: %s", s->name,
			 s->kind == CREDS_FILE ? "looking at the file for new ones" : "fetching new ones");
	}
	if (s->fx && s->fx->busy)
		return;	/* new ones are on their way */
	s->next = now;
}

const char *creds_state(const struct creds *cr)
{
	for (size_t i = cr->n; i-- > 0;)
		if (cr->src[i].state[0])
			return cr->src[i].state;
	return "";
}

int64_t creds_expiry(const struct creds *cr)
{
	const struct creds_src *s = top(cr);

	return s && s->have ? s->set.expires : 0;
}

void creds_step(struct creds *cr, int64_t now, int64_t wall)
{
	for (size_t i = 0; i < cr->n; i++) {
		struct creds_src *s = &cr->src[i];
		if (s->kind == CREDS_FILE && now >= s->next)
			look(cr, s, now, 0);
		else if (s->kind == CREDS_IOT || s->kind == CREDS_STS)
			fetch_step(cr, s, now, wall);
	}
}

int creds_fd(const struct creds *cr, int k, short *events)
{
	const struct creds_src *s = (size_t)k < cr->n ? &cr->src[k] : NULL;

	*events = 0;
	if (!s || s->kind < CREDS_IOT || !s->fx->busy)
		return -1;
	return net_pollfd(&s->fx->net, events);
}

void creds_event(struct creds *cr, int k, short revents, int64_t now, int64_t wall)
{
	struct creds_src *s = (size_t)k < cr->n ? &cr->src[k] : NULL;

	if (s && s->kind >= CREDS_IOT && s->fx->busy)
		fetch_io(cr, s, revents, now, wall);
}

int64_t creds_due(const struct creds *cr)
{
	int64_t due = INT64_MAX;

	for (size_t i = 0; i < cr->n; i++) {
		const struct creds_src *s = &cr->src[i];
		if (s->kind == CREDS_FILE)
			due = mono_min(due, s->next);
		else if (s->kind >= CREDS_IOT && s->fx->busy)
			due = mono_min(due, mono_min(s->fx->deadline, net_due(&s->fx->net)));
		else if (s->kind >= CREDS_IOT && !(s->base && !(s->base->have && !s->base->expired)))
			due = mono_min(due, s->next);	/* an STS source without a base waits for the base */
	}
	return due;
}

int creds_tried(const struct creds *cr)
{
	for (size_t i = 0; i < cr->n; i++) {
		const struct creds_src *s = &cr->src[i];
		if (!s->tried && !(s->base && s->base->tried && !s->base->have))
			return 0;
	}
	return 1;
}

int creds_report(const struct creds *cr, int out)
{
	const struct creds_src *t = top(cr);

	for (size_t i = 0; i < cr->n; i++) {
		const struct creds_src *s = &cr->src[i];
		if (s->have && !s->state[0])
			fmt_dprintf(out, "credentials: %s: ok%s", s->name, s->set.expires ? ", valid until " : "\n");
		else
			fmt_dprintf(out, "credentials: %s: %s\n", s->name, s->state[0] ? s->state :
				s->base ? "not asked: no credentials to sign with" : "no answer in time");
		if (s->have && !s->state[0] && s->set.expires) {
			struct civil t;
			civil_from_ms(s->set.expires * 1000, &t);
			fmt_dprintf(out, "%04lld-%02d-%02dT%02d:%02d:%02dZ\n", t.year, t.mon, t.mday, t.hour, t.min, t.sec);
		}
	}
	return t && t->have && !t->expired ? 0 : 1;
}

void creds_log_counters(const struct creds *cr)
{
	for (size_t i = 0; i < cr->n; i++) {
		const struct creds_src *s = &cr->src[i];
		if (s->kind != CREDS_STATIC)
			log_info("credentials: %s: new sets %" PRIu64 ", failures %" PRIu64 ", refused as expired %" PRIu64
				 ", state %s", s->name, s->n_new, s->n_failed, s->n_expired, s->state[0] ? "failing" : "ok");
	}
}
