/* The loop: see loop.h. */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <unistd.h>
#include "clock.h"
#include "log.h"
#include "loop.h"
#include "tail.h"

#define CREDS_LOOK_MS 5000	/* how often a file behind refused credentials is looked at */

/* Polls what the flows wait for, the wake pipe and inotify until due at
 * the latest, then gives each event to its owner. */
static void wait_events(struct loop *l, int reading, int64_t now, int64_t due)
{
	struct pollfd pfd[CONF_MAX_FLOWS * FLOW_FDS + CREDS_FDS + 3];
	/* flow i's descriptor k: i * FLOW_FDS + k; the credentials' k: -1 - k */
	int idx[CONF_MAX_FLOWS * FLOW_FDS + CREDS_FDS];
	int n = 0, timeout = due <= now ? 0 : due - now > 60000 ? 60000 : (int)(due - now);
	char drain[16];

	for (size_t i = 0; i < l->nflows; i++)
		for (int k = 0; k < FLOW_FDS; k++)
			if ((pfd[n].fd = flow_fd(&l->flows[i], k, reading, &pfd[n].events)) >= 0 && pfd[n].events)
				idx[n++] = (int)i * FLOW_FDS + k;
	for (int k = 0; l->creds && k < CREDS_FDS; k++)
		if ((pfd[n].fd = creds_fd(l->creds, k, &pfd[n].events)) >= 0 && pfd[n].events)
			idx[n++] = -1 - k;
	pfd[n].fd = l->wake_fd;
	pfd[n].events = POLLIN;
	pfd[n + 1].fd = reading ? tail_watch_fd() : -1;	/* inotify, when there is one */
	pfd[n + 1].events = POLLIN;
	pfd[n + 2].fd = cw_fd(l->cw, &pfd[n + 2].events);
	if (poll(pfd, (nfds_t)n + 3, timeout) < 0) {
		if (errno != EINTR)
			log_warn("poll");
		return;
	}
	if (pfd[n].fd >= 0 && pfd[n].revents)
		while (read(l->wake_fd, drain, sizeof drain) == (ssize_t)sizeof drain)
			;	/* a short read emptied it */
	if (pfd[n + 1].fd >= 0 && pfd[n + 1].revents) {
		int rescan = tail_watch_read();
		for (size_t i = 0; i < l->nflows; i++)
			flow_kick(&l->flows[i], rescan);
	}
	now = mono_ms();
	int64_t wall = wall_ms();
	if (pfd[n + 2].fd >= 0 && pfd[n + 2].revents)
		cw_event(l->cw, pfd[n + 2].revents, now);
	for (int k = 0; k < n; k++)
		if (pfd[k].revents && idx[k] < 0)
			creds_event(l->creds, -1 - idx[k], pfd[k].revents, now, wall);
		else if (pfd[k].revents)
			flow_event(&l->flows[idx[k] / FLOW_FDS], idx[k] % FLOW_FDS, pfd[k].revents, now, wall);
}

/* The credentials' work: before the flows', which sign with them.
 * Returns when it is due again. */
static int64_t step_creds(struct loop *l, int64_t now, int64_t wall)
{
	if (!l->creds)
		return INT64_MAX;
	creds_step(l->creds, now, wall);
	return creds_due(l->creds);
}

/* While a flow's credentials are refused, the configuration file may be
 * given new ones (a provisioning script, a key rotation): when it changed
 * since it was loaded, reload as on HUP.  Returns when to look again. */
static int64_t look_for_credentials(struct loop *l, int64_t now)
{
	struct flow_counters fc;
	struct stat st;
	size_t i;

	for (i = 0; i < l->nflows; i++) {
		flow_counters(&l->flows[i], now, &fc);
		if (fc.creds_refused)
			break;
	}
	if (i == l->nflows)
		return INT64_MAX;
	if (now < l->creds_next)
		return l->creds_next;
	l->creds_next = now + CREDS_LOOK_MS;
	if (stat(l->conf_path, &st) == 0 && (st.st_mtim.tv_sec != l->conf_st.st_mtim.tv_sec ||
					     st.st_mtim.tv_nsec != l->conf_st.st_mtim.tv_nsec ||
					     st.st_size != l->conf_st.st_size || st.st_ino != l->conf_st.st_ino)) {
		log_info("%s: credentials refused and %s has changed: reloading", fc.stream, l->conf_path);
		l->term = l->hup = 1;
	}
	return l->creds_next;
}

/* The limits of a run: sendFailureTimeout, the bound on stopping, --once
 * without progress.  Returns the exit status to leave with, or -1 and in
 * *due when to look again. */
static int give_up(struct loop *l, int reading, int64_t now, int64_t stop_at, int64_t *due)
{
	const struct conf *c = l->conf;
	struct flow_counters fc;
	int64_t last = 0;

	for (size_t i = 0; reading && c->send_failure_timeout_ms && i < l->nflows; i++) {
		flow_counters(&l->flows[i], now, &fc);
		if (fc.failing_since && now - fc.failing_since >= c->send_failure_timeout_ms) {
			/* the supervisor restarts us, and the failure shows */
			log_warnx("%s: nothing delivered for %" PRId64 " ms (sendFailureTimeout; last error %s): "
				  "exiting", fc.stream, now - fc.failing_since, fc.last_error);
			return 1;
		}
		if (fc.failing_since)
			*due = mono_min(*due, fc.failing_since + c->send_failure_timeout_ms);
	}
	if (!reading && now >= stop_at) {
		log_warnx("stopping with records not yet accepted; they are sent again at the next start");
		return 0;
	}
	if (!l->once_ms)
		return -1;
	for (size_t i = 0; i < l->nflows; i++) {
		flow_counters(&l->flows[i], now, &fc);
		last = fc.last_progress > last ? fc.last_progress : last;
	}
	if (now - last >= l->once_ms) {
		log_warnx("--once: no record accepted for %" PRId64 " s, giving up", l->once_ms / 1000);
		return 1;
	}
	*due = mono_min(*due, last + l->once_ms);
	return -1;
}

int loop_run(struct loop *l)
{
	int64_t stop_at = 0;
	int reading = 1, status;

	for (;;) {
		int64_t now = mono_ms(), wall = wall_ms(), due;
		int drained = 1;

		due = step_creds(l, now, wall);
		if (l->usr1) {
			l->usr1 = 0;
			l->report();
		}
		if (l->term && reading) {
			log_info("%s: sending what is buffered (up to %" PRId64 " ms)", l->hup ? "reloading" : "stopping",
				 l->conf->shutdown_timeout_ms);
			reading = 0;
			stop_at = now + l->conf->shutdown_timeout_ms;
		}
		for (size_t i = 0; i < l->nflows; i++) {
			struct flow *f = &l->flows[i];
			int flush = !reading || (l->once_ms && flow_at_end(f));
			flow_step(f, now, wall, reading, flush);
			drained &= flow_drained(f, reading);
			due = mono_min(due, flow_due(f, reading));
			if (!flush && l->once_ms && flow_at_end(f))
				due = now;	/* --once: read to its end in this turn, flushed in the next */
		}
		if (!l->dry)
			ckpt_save(l->ckpt, now, 0);
		/* the flows are done: CloudWatch gets the last period */
		drained &= l->once_ms || !reading;
		due = mono_min(due, cw_step(l->cw, now, wall, drained));
		due = mono_min(due, status_step(l->status, now, wall, 0));
		if (drained && cw_idle(l->cw))
			return 0;
		if ((status = give_up(l, reading, now, stop_at, &due)) >= 0)
			return status;
		due = mono_min(due, reading ? look_for_credentials(l, now) : stop_at);
		due = mono_min(due, ckpt_due(l->ckpt));
		wait_events(l, reading, now, due);
	}
}

void loop_creds(struct loop *l, int64_t until)
{
	for (;;) {
		int64_t now = mono_ms(), due = mono_min(until, step_creds(l, now, wall_ms()));

		if (creds_tried(l->creds) || now >= until)
			return;
		wait_events(l, 0, now, due);
	}
}

void loop_probe(struct loop *l, int64_t until)
{
	for (;;) {
		int64_t now = mono_ms(), wall = wall_ms(), due = mono_min(until, step_creds(l, now, wall));
		int done = 1;

		for (size_t i = 0; i < l->nflows; i++) {
			flow_step(&l->flows[i], now, wall, 0, 0);
			done &= flow_drained(&l->flows[i], 0);
			due = mono_min(due, flow_due(&l->flows[i], 0));
		}
		if (done || now >= until)
			return;
		wait_events(l, 0, now, due);
	}
}
