/* The status file: see status.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "arena.h"
#include "civil.h"
#include "conf.h"
#include "cw.h"
#include "file.h"
#include "flow.h"
#include "fmt.h"
#include "jb.h"
#include "log.h"
#include "status.h"

/* A flow's part without its files, and a file's without its path, at the
 * most (numbers of 20 digits, the stream name, an error code and message
 * escaped at 6 bytes a byte). */
#define STATUS_FLOW_MAX (2048 + 6 * (KINESIS_MAX_STREAM_NAME + 96 + 160))
#define STATUS_FILE_MAX (128 + 6 * CKPT_PATH_MAX)

struct status {
	const struct conf *conf;
	const struct flow *flows;
	size_t nflows;
	const struct cw *cw;
	char started[32];
	char *tmp;		/* statusFile + ".tmp" */
	char *buf;
	size_t cap;
	uint64_t written;	/* the hash of the content last written; 0: none yet */
	int64_t next;		/* not before then */
	int failing;		/* the last write failed (said once) */
};

static size_t doc_max(size_t nflows)
{
	return 1024 + nflows * (STATUS_FLOW_MAX + TAIL_FILES * STATUS_FILE_MAX);
}

/* "2026-11-23T10:00:00.123Z" */
static void iso(int64_t ms, char out[32])
{
	struct civil t;

	civil_from_ms(ms, &t);
	fmt_snprintf(out, 32, "%04lld-%02d-%02dT%02d:%02d:%02d.%03dZ", t.year, t.mon, t.mday, t.hour, t.min, t.sec, t.ms);
}

struct status *status_init(const struct conf *c, const struct flow *flows, size_t nflows, const struct cw *cw,
			   int64_t wall)
{
	struct status *st;

	if (!c->status_file)
		return NULL;
	st = arena_alloc(sizeof *st);
	st->conf = c;
	st->flows = flows;
	st->nflows = nflows;
	st->cw = cw;
	st->cap = doc_max(nflows);
	st->buf = arena_alloc(st->cap);
	iso(wall, st->started);
	st->tmp = arena_alloc(strlen(c->status_file) + 5);
	fmt_snprintf(st->tmp, strlen(c->status_file) + 5, "%s.tmp", c->status_file);
	return st;
}

/* The credentials: where they come from and until when.  Static keys do
 * not expire; a provider of temporary ones (creds.c) says its expiry here. */
static void credentials(struct jb *b, const struct conf *c)
{
	jb_open(b, "credentials", '{');
	jb_cstr(b, "source", c->creds_source);
	jb_cstr(b, "kind", "static");
	jb_str(b, "expires", NULL, 0);
	jb_close(b, '}');
}

static void files(struct jb *b, const struct flow *f)
{
	struct tail_file tf;

	jb_open(b, "files", '[');
	for (int k = 0; k < TAIL_FILES; k++) {
		if (!tail_file(&f->tail, &f->ring, k, &tf))
			continue;
		jb_open(b, NULL, '{');
		jb_cstr(b, "path", tf.path);
		jb_i64(b, "read", tf.read);
		if (tf.acked >= 0)
			jb_i64(b, "acked", tf.acked);
		else
			jb_str(b, "acked", NULL, 0);
		if (tf.size >= 0) {
			jb_i64(b, "size", tf.size);
			jb_i64(b, "behind", tf.size > tf.read ? tf.size - tf.read : 0);
		} else {
			jb_str(b, "size", NULL, 0);
			jb_str(b, "behind", NULL, 0);
		}
		jb_close(b, '}');
	}
	jb_close(b, ']');
}

static void flow(struct jb *b, const struct flow *f, int64_t now)
{
	const struct flow_stats *s = &f->stats;
	struct flow_counters c;
	char at[32];

	flow_counters(f, now, &c);
	jb_open(b, NULL, '{');
	jb_cstr(b, "stream", c.stream);
	jb_cstr(b, "api", f->cf->api == API_KINESIS ? "kinesis" : "firehose");
	jb_bool(b, "failing", c.failing_since != 0);
	jb_open(b, "records", '{');
	jb_u64(b, "read", c.records_read);
	jb_u64(b, "sent", c.records_sent);
	jb_u64(b, "failed", c.records_failed);
	jb_u64(b, "attempted", s->attempts);
	jb_u64(b, "pending", c.pending);
	jb_u64(b, "truncated", c.truncated);
	jb_u64(b, "dropped_processors", c.dropped_proc);
	jb_u64(b, "dropped_fifo", c.dropped_fifo);
	jb_u64(b, "refused", c.rejected);
	jb_u64(b, "random_partition_keys", c.random_keys);
	jb_close(b, '}');
	jb_open(b, "requests", '{');
	jb_u64(b, "sent", c.requests);
	jb_u64(b, "ended", s->ended);
	jb_u64(b, "failed", c.requests_failed);
	jb_u64(b, "service_errors", s->service_errors);
	jb_u64(b, "retries", c.retries);
	jb_u64(b, "malformed_answers", c.malformed);
	jb_u64(b, "latency_ms", s->latency_ms);
	jb_close(b, '}');
	jb_open(b, "bytes", '{');
	jb_u64(b, "read", c.bytes_read);
	jb_u64(b, "sent", c.bytes_sent);
	jb_u64(b, "accepted", s->bytes_accepted);
	jb_close(b, '}');
	if (s->last_error_wall) {
		jb_open(b, "last_error", '{');
		jb_cstr(b, "code", s->last_error);
		jb_cstr(b, "message", s->last_message);
		iso(s->last_error_wall, at);
		jb_cstr(b, "at", at);
		jb_close(b, '}');
	} else {
		jb_str(b, "last_error", NULL, 0);
	}
	files(b, f);
	jb_close(b, '}');
}

long status_json(const struct status *st, char *out, size_t cap, int64_t now)
{
	struct cw_counters cc;
	struct jb b;

	jb_begin(&b, out, cap);
	jb_open(&b, NULL, '{');
	jb_cstr(&b, "version", KAGENT_VERSION);
	jb_i64(&b, "pid", getpid());
	jb_cstr(&b, "started", st->started);
	credentials(&b, st->conf);
	if (st->cw) {
		cw_counters(st->cw, &cc);
		jb_open(&b, "cloudwatch", '{');
		jb_u64(&b, "calls", cc.calls);
		jb_u64(&b, "sent", cc.sent);
		jb_u64(&b, "dropped", cc.dropped);
		jb_str(&b, "last_error", cc.last_error[0] ? cc.last_error : NULL, strlen(cc.last_error));
		jb_close(&b, '}');
	} else {
		jb_str(&b, "cloudwatch", NULL, 0);
	}
	jb_open(&b, "flows", '[');
	for (size_t i = 0; i < st->nflows; i++)
		flow(&b, &st->flows[i], now);
	jb_close(&b, ']');
	jb_close(&b, '}');
	json_put(out, cap, &b.len, "\n", 1);
	return jb_end(&b);
}

/* FNV-1a, 64 bits: tells a changed document from the last one written. */
static uint64_t hash(const char *p, size_t n)
{
	uint64_t h = 14695981039346656037ull;

	while (n--)
		h = (h ^ (unsigned char)*p++) * 1099511628211ull;
	return h | 1;	/* never 0, which means nothing written */
}

/* The temporary file is made anew, never followed if it is a link (a
 * world-writable /var/run). */
static int replace(struct status *st, size_t n)
{
	int fd = file_create_tmp(st->tmp);

	if (fd < 0)
		return -1;
	if (file_write_all(fd, st->buf, n) < 0) {
		close(fd);
		unlink(st->tmp);
		return -1;
	}
	close(fd);
	if (rename(st->tmp, st->conf->status_file) < 0) {
		unlink(st->tmp);
		return -1;
	}
	return 0;
}

int64_t status_step(struct status *st, int64_t now, int64_t wall, int force)
{
	long n;
	uint64_t h;

	(void)wall;
	if (!st)
		return INT64_MAX;
	if (!force && now < st->next)
		return st->next;
	st->next = now + STATUS_INTERVAL_MS;
	if ((n = status_json(st, st->buf, st->cap, now)) < 0) {
		if (!st->failing++)
			log_warnx("statusFile %s: the state does not fit in %zu bytes; not written", st->conf->status_file,
				  st->cap);
		return st->next;
	}
	if ((h = hash(st->buf, (size_t)n)) == st->written)
		return st->next;
	if (replace(st, (size_t)n) < 0) {
		if (!st->failing++)
			log_warn("statusFile %s: cannot write (will keep trying)", st->conf->status_file);
		return st->next;
	}
	if (st->failing)
		log_info("statusFile %s: written again", st->conf->status_file);
	st->failing = 0;
	st->written = h;
	return st->next;
}
