/* Credentials: what the flows sign with, and how it is kept fresh.  A
 * chain of at most two sources, from the configuration (conf_net.c says
 * which):
 *
 *   static  the configuration's keys, else the environment's: never change
 *   file    the shared credentials file: read again when it changes
 *   iot     the AWS IoT credentials provider: the device's certificate
 *           exchanged for temporary credentials
 *   sts     AssumeRole, signed with the credentials of the source before it
 *
 * The flows sign with the last source's credentials (creds_get).  Every
 * source is driven by the loop like a flow: nothing blocks, the buffers
 * (connection, TLS engine, request, answer) are taken at start-up.  One
 * chain serves every flow, whatever its region (temporary credentials are
 * good in every region of their partition), as the Java agent has one
 * credentials provider for all its clients.
 *
 * Secrets never leave this module's buffers but for the signatures; each
 * buffer that held one is wiped when it is replaced or done with. */
#ifndef CREDS_H
#define CREDS_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include "conf.h"
#include "fmt.h"
#include "tls.h"

#define CREDS_ID_MAX 128	/* STS model's accessKeyIdType: 16..128 */
#define CREDS_SECRET_MAX 128	/* 40 in practice */
#define CREDS_TOKEN_MAX 4096	/* STS: "no assumptions about the maximum size"; about 1 KB in practice */

/* One set of credentials (NUL-ended strings, token "" if none). */
struct creds_set {
	char id[CREDS_ID_MAX + 1];
	char secret[CREDS_SECRET_MAX + 1];
	char token[CREDS_TOKEN_MAX + 1];
	int64_t expires;	/* s since 1970 by AWS's clock; 0: they do not expire */
};

/* Zeroes n bytes at p, also where nothing reads them afterwards.  Not
 * inlined: gcc -O1 with the sanitizers then took &set for &set.id. */
__attribute__((noinline, unused)) static void creds_wipe(void *p, size_t n)
{
	explicit_bzero(p, n);
}

/* 1 if s (n bytes) can go in a header: 1..max bytes of printable ASCII
 * without a space. */
static inline int creds_value_ok(const char *s, size_t n, size_t max)
{
	if (n < 1 || n > max)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] <= ' ' || s[i] > '~')
			return 0;
	return 1;
}

/* An answer (STS's, the IoT provider's) that cannot be used: code
 * "malformed answer", msg fmt with what (a name, never a value of it).
 * Returns -1. */
static inline int creds_malformed(char *code, size_t codecap, char *msg, size_t msgcap, const char *fmt,
				  const char *what)
{
	fmt_snprintf(code, codecap, "malformed answer");
	fmt_snprintf(msg, msgcap, fmt, what);
	return -1;
}

enum creds_kind { CREDS_STATIC, CREDS_FILE, CREDS_IOT, CREDS_STS };

#define CREDS_MAX_SOURCES 2
#define CREDS_FDS CREDS_MAX_SOURCES	/* descriptors to poll: a connection a source at most */

struct creds_fetch;
struct creds_file;

/* One source: its credentials and where it stands (private to creds.c). */
struct creds_src {
	enum creds_kind kind;
	const char *name;		/* in messages: "credentials file", "iot", "sts" */
	struct creds_set set;
	int have;			/* set holds credentials */
	int expired;			/* a service said they are expired */
	uint64_t gen;			/* changes with set */
	int64_t expires_mono;		/* when they expire (monotonic ms); INT64_MAX: never */
	int64_t next;			/* the next look (file) or fetch (iot, sts), monotonic ms */
	int failures;			/* in a row */
	uint64_t n_new, n_failed, n_expired;	/* counted: new sets, failures, refusals as expired */
	int tried;			/* an attempt has ended, well or not */
	char state[320];		/* the failure last said; "" while none */
	/* file */
	struct stat loaded, pending;	/* as it was read; as it was last seen changed */
	int has_pending;
	int warned_mode;		/* readable by others: said once */
	struct creds_file *file;	/* its reader */
	/* iot, sts */
	struct creds_fetch *fx;
	struct creds_src *base;		/* sts: the source it signs with */
};

struct creds {
	const struct conf *conf;
	struct creds_src src[CREDS_MAX_SOURCES];
	size_t n;
	uint64_t gens;
	uint64_t seed, draws;		/* the jitter of retries */
};

/* Start-up: the chain c asks for, its buffers from the arena; the
 * certificate and key of iot.certFile and iot.keyFile loaded, and
 * iot.caFile's anchors unless it is caFile (ta, already loaded: ta->n may
 * be 0 when no flow uses TLS).  The credentials file is read now; the
 * other sources start at the first creds_step.  Returns 0, or -1 with a
 * message in err. */
int creds_init(struct creds *cr, const struct conf *c, const struct tls_anchors *ta, int64_t now, char *err,
	       size_t cap);
/* The credentials to sign with now and their generation, or NULL while
 * there are none that are not known to be expired. */
const struct creds_set *creds_get(const struct creds *cr, int64_t now, uint64_t *gen);
/* The generation the flows sign with: it changes with the credentials. */
uint64_t creds_generation(const struct creds *cr);
/* A service refused the credentials of generation gen; expired: as
 * expired (ExpiredTokenException, ExpiredToken).  Expired ones are not
 * used again and new ones are fetched at once; for others the file is
 * looked at again at once (a key rotated). */
void creds_refused(struct creds *cr, uint64_t gen, int expired, int64_t now);
/* 1 if an error code says the credentials expired. */
int creds_expired_code(const char *code);
/* 1 if the last source can give new credentials (not the static ones). */
int creds_renewable(const struct creds *cr);
/* Why there are no credentials now (the state last said), or "". */
const char *creds_state(const struct creds *cr);
/* When the credentials signed with now expire (s since 1970 by AWS's
 * clock), 0 if they do not or there are none: for the status file. */
int64_t creds_expiry(const struct creds *cr);
/* The loop: what needs no event (looks, fetches due, timeouts). */
void creds_step(struct creds *cr, int64_t now, int64_t wall);
/* Descriptor k (< CREDS_FDS) to poll and its events, or -1. */
int creds_fd(const struct creds *cr, int k, short *events);
/* Descriptor k had revents. */
void creds_event(struct creds *cr, int k, short revents, int64_t now, int64_t wall);
/* When creds_step must run again at the latest. */
int64_t creds_due(const struct creds *cr);
/* kagent -t --online: 1 once every source has tried (or given) its
 * credentials; then creds_report() says how each did, a line a source,
 * and returns 0 if every one has credentials, else 1. */
int creds_tried(const struct creds *cr);
int creds_report(const struct creds *cr, int out);
/* Logs each source's counters (USR1 and the exit, beside the flows'). */
void creds_log_counters(const struct creds *cr);
#endif
