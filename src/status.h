/* statusFile: the agent's state as one JSON document, for LuCI, scripts
 * and monitoring agents that do not log in: per flow the USR1 counters, the
 * last error and when, the files followed with how far each is read and
 * acknowledged against its size; the credentials; the CloudWatch calls.
 * Rewritten whole (a temporary file renamed over it) at most every
 * STATUS_INTERVAL_MS, and only when its content changed; never fsync'ed:
 * it belongs on a tmpfs (/var/run), and a power cut may leave it old. */
#ifndef STATUS_H
#define STATUS_H
#include <stddef.h>
#include <stdint.h>

#define STATUS_INTERVAL_MS 5000

struct conf;
struct flow;
struct cw;
struct status;

/* Start-up: the buffer for nflows flows, from the arena (NULL when
 * c->status_file is not set).  wall: ms since 1970, shown as "started". */
struct status *status_init(const struct conf *c, const struct flow *flows, size_t nflows, const struct cw *cw,
			   int64_t wall);
/* Rewrites the file if it is due (force: now) and its content changed.
 * Returns when to be called again. */
int64_t status_step(struct status *st, int64_t now, int64_t wall, int force);
/* The document as it is now into out (cap bytes): its length, or -1 if it
 * does not fit.  (The tests' view of what is written.) */
long status_json(const struct status *st, char *out, size_t cap, int64_t now);
#endif
