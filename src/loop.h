/* The loop: one thread, one poll(), as OpenBSD ntpd's.  Each turn: every
 * flow's work that needs no event (flow_step), the limits of the run
 * (stopping, --once, sendFailureTimeout, checkpoints, new credentials),
 * then poll() until the earliest deadline, then each event to its owner.
 * Nothing else calls poll(). */
#ifndef LOOP_H
#define LOOP_H
#include <signal.h>
#include <stdint.h>
#include <sys/stat.h>
#include "ckpt.h"
#include "conf.h"
#include "creds.h"
#include "cw.h"
#include "flow.h"
#include "status.h"

struct loop {
	struct flow *flows;
	size_t nflows;
	const struct conf *conf;
	struct ckpt *ckpt;
	struct creds *creds;		/* what the flows sign with (none with -n) */
	struct cw *cw;			/* CloudWatch metrics, or NULL */
	struct status *status;		/* statusFile, or NULL */
	int dry;			/* kagent -n: no checkpoint is written */
	int64_t once_ms;		/* --once: give up after this long without an accepted record; 0: run on */
	int wake_fd;			/* read end of the pipe a signal writes to, to wake poll(); -1: none */
	volatile sig_atomic_t term, hup, usr1;	/* set by the signal handler (and hup, term on new credentials) */
	void (*report)(void);		/* USR1: log the counters */
	const char *conf_path;		/* the configuration, looked at while credentials are refused */
	struct stat conf_st;		/* as it was loaded */
	int64_t creds_next;		/* private: when to look at it next */
};

/* Runs the agent until it is told to stop (term: what is buffered is sent
 * first, for up to shutdownTimeoutMillis) or, with --once, until every
 * record read was accepted.  Returns the exit status: 0, or 1 when giving
 * up (sendFailureTimeout, --once without progress). */
int loop_run(struct loop *l);
/* kagent -t --online: drives the credentials' sources until each has
 * tried (creds_tried), or until (monotonic ms). */
void loop_creds(struct loop *l, int64_t until);
/* kagent -t --online: drives the flows' Describe calls (flow_probe) until
 * each has its answer, or until (monotonic ms). */
void loop_probe(struct loop *l, int64_t until);
#endif
