/* Reading kagent.conf: the Java agent's agent.json, checked key by key.
 *
 * The reader (conf_begin, conf_text, conf_end) takes text, not files: it
 * says every problem it finds through the caller's struct conf_say and reads
 * the environment from the caller's env, so a test or a fuzzer drives it
 * with strings.  conf_read adds the files: the main one, then configDir's.
 * Here too: the top level and configDir files, the messages, and printing
 * the result (kagent -t).  The keys themselves: conf_keys.c. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "arena.h"
#include "addr.h"
#include "conf_impl.h"
#include "errstr.h"
#include "fmt.h"
#include "proc.h"

/* ---- messages ------------------------------------------------------------ */

/* One line: "name:line:col: " (parts left out when 0), "kp: " if kp, and
 * the message, with control bytes made harmless, cut to fit. */
static void conf_emit(struct conf_cx *x, int line, int col, int err, const char *kp, const char *fmt, va_list ap)
{
	char buf[1024];
	int n;

	if (err && ++x->r->errors > CONF_MAX_SHOWN)
		return;
	n = fmt_snprintf(buf, sizeof buf, "%s:", x->name);
	if (line > 0 && n >= 0 && n < (int)sizeof buf)
		n += fmt_snprintf(buf + n, sizeof buf - (size_t)n, col > 0 ? "%d:%d:" : "%d:", line, col);
	if (kp && n >= 0 && n < (int)sizeof buf)
		n += fmt_snprintf(buf + n, sizeof buf - (size_t)n, " %s:", kp);
	if (n >= 0 && n < (int)sizeof buf - 1) {
		buf[n++] = ' ';
		n += fmt_vsnprintf(buf + n, sizeof buf - (size_t)n, fmt, ap);
	}
	if (n < 0)
		n = 0;
	if (n > (int)sizeof buf - 2)
		n = sizeof buf - 2;
	for (int i = 0; i < n; i++)
		if ((unsigned char)buf[i] < 0x20 || buf[i] == 0x7f)
			buf[i] = '?';
	buf[n++] = '\n';
	x->r->say.line(x->r->say.arg, buf, (size_t)n);
}

void conf_say(struct conf_cx *x, int line, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	conf_emit(x, line, 0, err, NULL, fmt, ap);
	va_end(ap);
}

void conf_say_at(struct conf_cx *x, int off, const char *fmt, ...)
{
	va_list ap;
	int line, col;

	conf_pos(x->js, off, &line, &col);
	va_start(ap, fmt);
	conf_emit(x, line, col, 1, NULL, fmt, ap);
	va_end(ap);
}

void conf_bad(struct conf_cx *x, int tok, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	conf_emit(x, conf_line(x, tok), 0, 1, x->kp, fmt, ap);
	va_end(ap);
}

void conf_warn(struct conf_cx *x, int tok, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	conf_emit(x, conf_line(x, tok), 0, 0, x->kp, fmt, ap);
	va_end(ap);
}

int conf_line(const struct conf_cx *x, int tok)
{
	return json_line(x->js, x->t[tok].start);
}

/* One line to stderr in one write(), so lines from a reload never interleave
 * and nothing sits in a stdio buffer. */
static void conf_stderr(void *arg, const char *s, size_t n)
{
	(void)arg;
	(void)!write(2, s, n);
}

void conf_say_stderr(struct conf_say *say)
{
	say->line = conf_stderr;
	say->arg = NULL;
}

/* ---- the reader ---------------------------------------------------------- */

void conf_begin(struct conf_reader *r, struct conf *c, const char *name, const char *const *env,
    const struct conf_say *say)
{
	memset(r, 0, sizeof *r);
	memset(c, 0, sizeof *c);
	r->c = c;
	r->env = env;
	r->say = *say;
	r->flows_line = 1;
	c->path = name;
	c->creds_source = "none";
	conf_defaults(c, CONF_TOP);
}

int conf_k_config_dir(struct conf_cx *x, const struct conf_key *k, int v, void *base)
{
	const char *dir = conf_abspath(x, v);

	(void)k;
	(void)base;
	if (!dir)
		return -1;
	x->r->config_dir = dir;
	x->r->config_dir_line = conf_line(x, v);
	return 0;
}

/* The main file's top level. */
static void conf_top(struct conf_cx *x)
{
	struct conf_reader *r = x->r;
	int seen[CONF_MAX_KEYS], flows;

	conf_object(x, 0, CONF_TOP, x->c, "", seen);
	flows = conf_got(x, "flows");
	/* a flow may have been meant there: say nothing of missing flows */
	r->flows_bad = flows == CONF_BAD || conf_got(x, "configDir") == CONF_BAD;
	r->flows_line = conf_line(x, flows >= 0 ? flows + 1 : 0);
	conf_settle_top(x);
}

/* A configDir file: {"flows": [...]} and nothing else, as the Java agent's
 * agent.d/ files. */
static void conf_dropin(struct conf_cx *x)
{
	int i, j, flows = 0;

	for (i = 0, j = 1; i < x->t[0].size; i++, j = json_skip(x->t, j + 1)) {
		conf_keypath(x, j, "");
		if (conf_dup(x, 0, j))
			continue;
		if (!json_eq(x->js, &x->t[j], "flows")) {
			conf_bad(x, j, "a configDir file holds only flows");
			continue;
		}
		flows = 1;
		conf_flows(x, j + 1);
	}
	if (!flows)
		conf_say(x, conf_line(x, 0), 1, "flows is required");
}

/* conf_text, but for the wiping. */
static void conf_text_read(struct conf_cx *x, char *text, size_t len)
{
	struct conf_reader *r = x->r;

	if (len > CONF_MAX_FILE_BYTES) {
		conf_say(x, 0, 1, "too large (more than %d bytes)", CONF_MAX_FILE_BYTES);
		r->broken = 1;
	} else if (conf_json(x, text, (int)len) < 0) {
		r->broken = 1;
	} else if (x->t[0].type != JSMN_OBJECT) {
		conf_say(x, conf_line(x, 0), 1, "the top level must be an object");
		r->broken = 1;
	} else if (r->files == 1) {
		conf_top(x);
	} else {
		conf_dropin(x);
	}
}

int conf_text(struct conf_reader *r, char *text, size_t len, const char *name)
{
	struct conf_cx x = { .r = r, .c = r->c, .name = name, .where = CONF_TOP };
	unsigned errors = r->errors;

	r->files++;
	conf_text_read(&x, text, len);
	/* the text may hold credentials: what is kept of it was copied */
	explicit_bzero(text, len);
	return r->errors == errors ? 0 : -1;
}

int conf_end(struct conf_reader *r)
{
	struct conf_cx x = { .r = r, .c = r->c, .name = r->c->path };

	if (!r->broken && !r->flows_bad && r->flow_objects == 0)
		conf_say(&x, r->flows_line, 1, "%s",
		    r->config_dir ? "no flows: none here, none in configDir" : "flows is required");
	if (r->errors > CONF_MAX_SHOWN)
		conf_say(&x, 0, 0, "... and %u more errors (the first %d are shown)", r->errors - CONF_MAX_SHOWN,
		    CONF_MAX_SHOWN);
	if (r->errors)
		return -1;
	conf_settle_flows(r->c);
	return 0;
}

int conf_parse(struct conf *c, char *text, size_t len, const char *name, const char *const *env,
    const struct conf_say *say)
{
	struct conf_reader r;

	conf_begin(&r, c, name, env, say);
	conf_text(&r, text, len, name);
	return conf_end(&r);
}

/* ---- files --------------------------------------------------------------- */

/* Who may have written st: "" when only root or kagent's own user could
 * (its owner is one of them, and neither its group nor others may write),
 * else the problem, in why, and in *fix the command that mends it. */
static const char *conf_untrusted(const struct stat *st, char *why, size_t cap, const char **fix)
{
	mode_t w = st->st_mode & (S_IWGRP | S_IWOTH);

	why[0] = 0;
	if (st->st_uid != 0 && st->st_uid != geteuid()) {
		fmt_snprintf(why, cap, "owned by uid %u, not by root%s", (unsigned)st->st_uid,
		    geteuid() ? " or kagent's user" : "");
		*fix = "chown root";
	} else if (w) {
		fmt_snprintf(why, cap, "writable by %s (mode %04o)",
		    w == S_IWGRP ? "its group" : w == S_IWOTH ? "others" : "its group and others",
		    (unsigned)(st->st_mode & 07777));
		*fix = "chmod go-w";
	}
	return why;
}

/* The file at path, whole, into the arena; NULL after saying why not.  Its
 * mode and owner are those of the file opened: what is checked is what is
 * read. */
static char *conf_readfile(struct conf_reader *r, const char *path, size_t *lenp, struct stat *st)
{
	struct conf_cx x = { .r = r, .name = path };
	const char *why = NULL, *fix;
	char *buf = NULL, who[96];
	size_t got = 0, size;
	ssize_t n;
	int fd;

	/* O_NONBLOCK: a FIFO named like one would hold the open */
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) < 0) {
		conf_say(&x, 0, 1, "cannot read: %s", errstr(errno));
		return NULL;
	}
	if (fstat(fd, st) < 0)
		why = errstr(errno);
	else if (S_ISDIR(st->st_mode))
		why = errstr(EISDIR);
	else if (!S_ISREG(st->st_mode))
		why = "not a regular file";
	if (why) {
		conf_say(&x, 0, 1, "cannot read: %s", why);
	} else if (*conf_untrusted(st, who, sizeof who, &fix)) {
		conf_say(&x, 0, 1, "%s: refused, since whoever can write it directs kagent; %s %s", who, fix, path);
	} else if (st->st_size > CONF_MAX_FILE_BYTES) {
		conf_say(&x, 0, 1, "too large (more than %d bytes)", CONF_MAX_FILE_BYTES);
	} else {
		size = (size_t)st->st_size;
		buf = arena_alloc(size + 1);
		while (got < size) {
			if ((n = read(fd, buf + got, size - got)) < 0 && errno == EINTR)
				continue;
			if (n < 0) {
				conf_say(&x, 0, 1, "cannot read: %s", errstr(errno));
				buf = NULL;
				break;
			}
			if (n == 0)
				break;
			got += (size_t)n;
		}
	}
	close(fd);
	*lenp = got;
	return buf;
}

/* configDir: every *.json in it, in name order (as the Java agent's
 * agent.d/), after the main file; each message names its own file.  Read
 * with getdents64 rather than opendir, which would link libc's malloc. */
static void conf_dropins(struct conf_reader *r)
{
	struct conf_cx x = { .r = r, .c = r->c, .name = r->c->path };
	const char *dir = r->config_dir, *fix;
	char *names[64], *text, who[96], *t;
	/* (aligned for struct dirent, which getdents64's records are) */
	union { struct dirent d; char b[2048]; } ents;
	size_t n = 0, i, j, len, dl;
	struct dirent *d;
	struct stat st;
	long got, at;
	int fd;

	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0 || fstat(fd, &st) < 0) {
		conf_say(&x, r->config_dir_line, 1, "configDir: %s: %s", dir, errstr(errno));
		if (fd >= 0)
			close(fd);
		r->broken = 1;
		return;
	}
	/* whoever can add a file there adds flows */
	if (*conf_untrusted(&st, who, sizeof who, &fix)) {
		conf_say(&x, r->config_dir_line, 1, "configDir: %s: %s: refused, since whoever can write it adds "
		    "flows; %s %s", dir, who, fix, dir);
		close(fd);
		r->broken = 1;
		return;
	}
	while ((got = syscall(SYS_getdents64, fd, ents.b, sizeof ents.b)) > 0)
		for (at = 0; at < got; at += d->d_reclen) {
			d = (struct dirent *)(ents.b + at);
			dl = strlen(d->d_name);
			if (d->d_name[0] == '.' || dl < 6 || strcmp(d->d_name + dl - 5, ".json") != 0)
				continue;
			if (n == sizeof names / sizeof *names) {
				close(fd);
				conf_say(&x, r->config_dir_line, 1, "configDir: more than %zu .json files in %s",
				    sizeof names / sizeof *names, dir);
				r->broken = 1;
				return;
			}
			t = arena_alloc(strlen(dir) + dl + 2);
			fmt_snprintf(t, strlen(dir) + dl + 2, "%s/%s", dir, d->d_name);
			/* in name order as they come: a few dozen at most */
			for (j = n++; j > 0 && strcmp(names[j - 1], t) > 0; j--)
				names[j] = names[j - 1];
			names[j] = t;
		}
	close(fd);
	for (i = 0; i < n; i++) {
		if ((text = conf_readfile(r, names[i], &len, &st)))
			conf_text(r, text, len, names[i]);
		else
			r->broken = 1;
	}
}

int conf_read(struct conf *c, const char *path, const char *const *env, const struct conf_say *say)
{
	struct conf_reader r;
	struct conf_cx x = { .r = &r, .name = path };
	struct stat st;
	size_t len;
	char *text;

	conf_begin(&r, c, path, env, say);
	if ((text = conf_readfile(&r, path, &len, &st)))
		conf_text(&r, text, len, path);
	else
		r.broken = 1;
	if (text && r.secret && (st.st_mode & S_IROTH))
		conf_say(&x, 0, 0, "readable by others (mode %04o) and holds %s: chmod o-r %s",
		    (unsigned)(st.st_mode & 07777), r.secret, path);
	if (r.config_dir)
		conf_dropins(&r);
	return conf_end(&r);
}

int conf_load(struct conf *c, const char *path)
{
	extern char **environ;
	struct conf_say say;

	conf_say_stderr(&say);
	return conf_read(c, path, (const char *const *)environ, &say);
}

/* ---- printing ------------------------------------------------------------ */

static void conf_print_endpoint(int out, const char *key, const struct conf_endpoint *ep)
{
	char hp[300];

	/* the port only when it is not the scheme's */
	addr_hostport(hp, sizeof hp, ep->host, ep->port == (ep->tls ? 443u : 80u) ? 0 : ep->port);
	fmt_dprintf(out, "%s = %s://%s\n", key, ep->tls ? "https" : "http", hp);
}

void conf_print(const struct conf *c, int out)
{
	static const char *const keys[] = { "RANDOM", "DETERMINISTIC", "partitionKey", "partitionKeyField" };
	char key[48], hp[300];
	size_t i;

	fmt_dprintf(out, "config = %s\n", c->path);
	fmt_dprintf(out, "awsRegion = %s\n", c->region);
	conf_print_endpoint(out, "firehose.endpoint", &c->firehose);
	conf_print_endpoint(out, "kinesis.endpoint", &c->kinesis);
	if (c->proxy.host[0]) {
		addr_hostport(hp, sizeof hp, c->proxy.host, c->proxy.port);
		fmt_dprintf(out, "proxy = http://%s%s\n", c->proxy_auth[0] ? "****@" : "", hp);
	} else {
		fmt_dprintf(out, "proxy = (none)\n");
	}
	fmt_dprintf(out, "credentials = %s\n", c->creds_source);
	if (c->access_key_id && strlen(c->access_key_id) > 4)
		fmt_dprintf(out, "awsAccessKeyId = %.4s****\n", c->access_key_id);
	else
		fmt_dprintf(out, "awsAccessKeyId = %s\n", c->access_key_id ? "****" : "(none)");
	fmt_dprintf(out, "awsSecretAccessKey = %s\n", c->secret_access_key ? "****" : "(none)");
	fmt_dprintf(out, "awsSessionToken = %s\n", c->session_token ? "****" : "(none)");
	if (c->creds_base == CONF_CREDS_SHARED)
		fmt_dprintf(out, "awsCredentialsFile = %s\nawsProfile = %s\n", c->creds_file, c->profile);
	if (c->creds_base == CONF_CREDS_IOT) {
		conf_print_endpoint(out, "iot.credentialsEndpoint", &c->iot);
		fmt_dprintf(out, "iot.roleAlias = %s\niot.thingName = %s\niot.certFile = %s\niot.keyFile = %s\n"
		    "iot.caFile = %s\n", c->iot_role_alias, c->iot_thing, c->iot_cert, c->iot_key, c->iot_ca);
	}
	if (c->role_arn) {
		fmt_dprintf(out, "assumeRoleARN = %s\nassumeRoleExternalId = %s\nassumeRoleDurationSeconds = %lld\n",
		    c->role_arn, c->external_id ? "****" : "(none)", (long long)c->role_duration_s);
		conf_print_endpoint(out, "sts.endpoint", &c->sts);
		fmt_dprintf(out, "sts.region = %s\n", c->sts_region);
	}
	conf_print_keys(out, c, CONF_TOP, "");
	fmt_dprintf(out, "sendFailureTimeout = %lld ms%s\n", (long long)c->send_failure_timeout_ms,
	    c->send_failure_timeout_ms ? "" : " (off)");
	conf_print_endpoint(out, "cloudwatch.endpoint", &c->cloudwatch);
	fmt_dprintf(out, "cloudwatch.deviceId = %s\n", !c->cw_device_id ? "(the host name)" :
	    c->cw_device_id[0] ? c->cw_device_id : "(none)");
	for (i = 0; i < c->nflows; i++) {
		const struct conf_flow *f = &c->flows[i];
		int kin = f->api == API_KINESIS;
		fmt_dprintf(out, "\nflows[%zu] (line %d)\n", i, f->line);
		fmt_dprintf(out, "flows[%zu].filePattern = %s\n", i, f->file_pattern);
		fmt_dprintf(out, "flows[%zu].%s = %s\n", i, kin ? "kinesisStream" : "deliveryStream", f->stream);
		fmt_dprintf(out, "flows[%zu].awsRegion = %s\n", i, f->region);
		fmt_snprintf(key, sizeof key, "flows[%zu].%s.endpoint", i, kin ? "kinesis" : "firehose");
		conf_print_endpoint(out, key, &f->ep);
		if (kin)
			fmt_dprintf(out, "flows[%zu].partitionKey = %s%s%s\n", i, keys[f->key_kind], f->key_arg ? " " : "",
			    f->key_arg ? f->key_arg : "");
		fmt_snprintf(key, sizeof key, "flows[%zu].", i);
		conf_print_keys(out, f, kin ? CONF_KIN : CONF_FH, key);
		fmt_dprintf(out, "flows[%zu].dataProcessingOptions =%s", i, f->nproc ? "" : " (none)");
		for (size_t j = 0; j < f->nproc; j++)
			fmt_dprintf(out, "%s %s", j ? "," : "", f->proc[j].p->name);
		fmt_dprintf(out, "\n");
	}
}
