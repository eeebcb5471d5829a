/* kagent: command line, start-up, the loop, shutdown.
 *
 * Start-up takes every byte the agent will use (arena), then seals it; the
 * loop below never allocates.  One turn: do the work that needs no event,
 * poll the sockets until the earliest deadline, dispatch their events. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "arena.h"
#include "ckpt.h"
#include "clock.h"
#include "conf.h"
#include "flow.h"
#include "libc.h"
#include "log.h"
#include "pidfile.h"
#include "proc.h"
#include "tail.h"
#include "tls.h"


static struct conf conf;
static struct ckpt ckpt;
static struct flow flows[CONF_MAX_FLOWS];
static int sigpipe[2] = { -1, -1 };
static volatile sig_atomic_t got_term, got_hup, got_usr1;
static const char *conf_path = "/etc/kagent.conf";
static struct stat conf_st;		/* the file as it was loaded */

#define CREDS_LOOK_MS 5000	/* how often a file behind refused credentials is looked at */

static void on_signal(int sig)
{
	int e = errno;
	if (sig == SIGUSR1)
		got_usr1 = 1;
	else if (sig == SIGHUP)
		got_term = got_hup = 1;
	else
		got_term = 1;
	(void)!write(sigpipe[1], "", 1);	/* wakes poll() */
	errno = e;
}

static void usage(FILE *out)
{
	fprintf(out,
		"usage: kagent [-nstv] [-p PIDFILE] [--once[=SECONDS]] [--online] [--syslog[=SOCKET]] -c FILE\n"
		"       kagent -V | -h\n"
		"  -c FILE         configuration (Amazon Kinesis Agent agent.json keys); default /etc/kagent.conf\n"
		"  -t              check the configuration, print the resolved settings and memory, exit 0 or 2\n"
		"  -t --online     also ask each flow's stream, signed with the credentials, whether it is\n"
		"                  there (DescribeDeliveryStream, DescribeStreamSummary); exit 1 if one is not\n"
		"  -n              dry run: print each record as it would be sent (after the processors) to\n"
		"                  stdout, send nothing, write no checkpoint\n"
		"  --once[=SECS]   read every file to its end, deliver, checkpoint, exit 0; exit 1 when no\n"
		"                  record was accepted for SECS seconds (default 60)\n"
		"  -s, --syslog[=SOCKET]\n"
		"                  log to syslog (facility daemon) through SOCKET, default /dev/log,\n"
		"                  instead of stderr\n"
		"  -p PIDFILE      write the process id to PIDFILE, removed at exit\n"
		"  -v              debug logging\n"
		"  -V, --version   version and build options\n"
		"  -h, --help      this summary\n"
		"Exit status: 0 done, 1 failure at run time, 2 bad configuration or usage.\n"
		"Signals: TERM/INT send what is buffered (up to shutdownTimeoutMillis), checkpoint and exit;\n"
		"HUP does the same, then starts again with the configuration as it is now; USR1 logs the\n"
		"counters of each flow.\n");
}

static void version(void)
{
	printf("kagent %s\n", KAGENT_VERSION);
	printf("outputs: firehose (PutRecordBatch), kinesis (PutRecords)\n");
	printf("tls: BearSSL; libc: %s; %zu-bit, %zu-bit file offsets\n", LIBC_NAME, sizeof(void *) * 8,
	       sizeof(off_t) * 8);
	printf("processors:");
	for (const struct processor *const *p = proc_table; *p; p++)
		printf(" %s", (*p)->name);
	printf("%s\n", proc_table[0] ? "" : " none");
	printf("limits: %d flows, %d processors per flow\n", CONF_MAX_FLOWS, CONF_MAX_PROCS);
}

static void stats(void)
{
	int64_t now = mono_ms();

	for (size_t i = 0; i < conf.nflows; i++) {
		const struct flow *f = &flows[i];
		int64_t wait = f->next_try > now ? f->next_try - now : 0;
		log_info("%s: read %" PRIu64 " records, sent %" PRIu64 ", failed %" PRIu64 " (retried), "
			 "requests %" PRIu64 " (%" PRIu64 " failed), truncated %" PRIu64 ", dropped %" PRIu64
			 " (processors %" PRIu64 ", FIFO overflow %" PRIu64 ", refused %" PRIu64 "), malformed answers %"
			 PRIu64 ", pending %" PRIu64 ", last error %s; bytes read %" PRIu64 ", bytes sent %" PRIu64
			 ", retries %" PRIu64 ", backoff %" PRId64 " ms, random partition keys %" PRIu64,
			 f->cf->stream, f->st.records_read, f->st.records_sent, f->st.records_failed,
			 f->st.requests, f->st.requests_failed, f->ring.truncated,
			 f->chain.dropped + f->tail.dropped_lines + f->ring.discarded + f->st.rejected, f->chain.dropped,
			 f->tail.dropped_lines + f->ring.discarded, f->st.rejected, f->st.malformed_answers,
			 f->ring.rhead - f->ring.rtail, f->err_code[0] ? f->err_code : "none", f->tail.bytes,
			 f->st.bytes_sent, f->st.retries, f->failures ? wait : 0, f->keys.fallbacks);
	}
	log_stats();
}

static void print_plan(void)
{
	size_t total = 0;

	conf_print(&conf, stdout);
	for (size_t i = 0; i < conf.nflows; i++) {
		const struct conf_flow *cf = &conf.flows[i];
		size_t m = flow_memory(cf, cf->ep.tls);
		printf("flows[%zu].memory = %zu bytes (ring %zu, %zu record slots, answer buffer", i, m, cf->ring_bytes,
		       (cf->max_inflight + 1) * cf->max_buffer_records);
		if (cf->max_inflight > 1)
			printf("s and connections for %zu requests at once", cf->max_inflight);
		printf(")\n");
		total += m;
	}
	printf("memory = %zu bytes in all flows, plus the trust anchors from caFile\n", total);
}

static int64_t min64(int64_t a, int64_t b) { return a < b ? a : b; }

/* While a flow's credentials are refused, the configuration file may be
 * given new ones (a provisioning script, a key rotation): when it changed
 * since it was loaded, reload as on HUP.  Returns when to look again. */
static int64_t look_for_credentials(int64_t now)
{
	static int64_t next;
	struct stat st;
	size_t i;

	for (i = 0; i < conf.nflows && flows[i].err_class != FH_CREDS; i++)
		;
	if (i == conf.nflows)
		return INT64_MAX;
	if (now < next)
		return next;
	next = now + CREDS_LOOK_MS;
	if (stat(conf_path, &st) == 0 && (st.st_mtim.tv_sec != conf_st.st_mtim.tv_sec ||
					  st.st_mtim.tv_nsec != conf_st.st_mtim.tv_nsec ||
					  st.st_size != conf_st.st_size || st.st_ino != conf_st.st_ino)) {
		log_info("%s: credentials refused and %s has changed: reloading", flows[i].cf->stream, conf_path);
		got_term = got_hup = 1;
	}
	return next;
}

/* kagent -t --online: each flow's call, driven by a small loop of its own;
 * the checkpoint is read but never written. */
static int probe(const struct tls_anchors *ta)
{
	struct pollfd pfd[CONF_MAX_FLOWS];
	char err[256];
	int64_t until = mono_ms() + conf.connect_timeout_ms + conf.socket_timeout_ms;
	int bad = 0;

	ckpt_load(&ckpt, conf.checkpoint_file, conf.checkpoint_interval_ms, mono_ms());
	for (size_t i = 0; i < conf.nflows; i++) {
		if (flow_init(&flows[i], &conf, &conf.flows[i], &ckpt, ta, 0, err, sizeof err) < 0) {
			printf("flows[%zu] %s: %s\n", i, conf.flows[i].stream, err);
			return 1;
		}
		flow_probe(&flows[i], mono_ms());
	}
	for (;;) {
		int64_t now = mono_ms(), due = until;
		int n = 0, busy = 0;
		for (size_t i = 0; i < conf.nflows; i++) {
			flow_step(&flows[i], now, 0);
			busy |= flows[i].probe == 1;
			pfd[i].fd = flow_pollfd(&flows[i], 0, &pfd[i].events);	/* the probe is request 0 */
			due = min64(due, flow_due(&flows[i], 0));
			n = (int)i + 1;
		}
		if (!busy || now >= until)
			break;
		poll(pfd, (nfds_t)n, due <= now ? 0 : (int)(due - now));
		now = mono_ms();
		for (size_t i = 0; i < conf.nflows; i++)
			if (pfd[i].fd >= 0 && pfd[i].revents)
				flow_io(&flows[i], 0, pfd[i].revents, now);
	}
	for (size_t i = 0; i < conf.nflows; i++) {
		const struct flow *f = &flows[i];
		printf("flows[%zu] %s %s: %s\n", i, f->cf->api == API_KINESIS ? "kinesisStream" : "deliveryStream",
		       f->cf->stream, f->probe == 2 ? f->probe_result : "no answer in time");
		bad |= !f->probe_ok;
	}
	return bad;
}

/* The signals on_signal takes.  A reload execs with them blocked: one that
 * comes meanwhile waits for the new image's handlers instead of killing it. */
static sigset_t *handled_signals(void)
{
	static sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGHUP);
	return &set;
}

/* The loop.  once_ms > 0: --once.  Returns the exit status. */
static int run(int64_t once_ms, int dry)
{
	struct pollfd pfd[CONF_MAX_FLOWS * (CONF_MAX_INFLIGHT + 1) + 2];
	/* flow i's request j's socket: i * CONF_MAX_INFLIGHT + j; its FIFO: -1 - i */
	int idx[CONF_MAX_FLOWS * (CONF_MAX_INFLIGHT + 1) + 2];
	int64_t stop_at = 0;
	int reading = 1;

	for (;;) {
		int64_t now = mono_ms(), due = INT64_MAX;
		int n = 0, drained = 1;
		char drain[16];

		if (got_usr1) {
			got_usr1 = 0;
			stats();
		}
		if (got_term && reading) {
			log_info("%s: sending what is buffered (up to %" PRId64 " ms)", got_hup ? "reloading" : "stopping",
				 conf.shutdown_timeout_ms);
			reading = 0;
			stop_at = now + conf.shutdown_timeout_ms;
		}
		for (size_t i = 0; i < conf.nflows; i++) {
			struct flow *f = &flows[i];
			f->flushing = !reading || (once_ms && f->tail.at_end);
			flow_step(f, now, reading);
			drained &= flow_drained(f, reading);
			for (size_t j = 0; j < f->cf->max_inflight; j++)
				if ((pfd[n].fd = flow_pollfd(f, (int)j, &pfd[n].events)) >= 0 && pfd[n].events)
					idx[n++] = (int)(i * CONF_MAX_INFLIGHT + j);
			if (reading && (pfd[n].fd = tail_pollfd(&f->tail, &f->ring)) >= 0) {
				pfd[n].events = POLLIN;
				idx[n++] = -1 - (int)i;
			}
			due = min64(due, flow_due(f, reading));
		}
		if (!dry)
			ckpt_save(&ckpt, now, 0);
		if (drained && (once_ms || !reading))
			return 0;
		for (size_t i = 0; reading && conf.send_failure_timeout_ms && i < conf.nflows; i++) {
			const struct flow *f = &flows[i];
			if (f->failing_since && now - f->failing_since >= conf.send_failure_timeout_ms) {
				/* the supervisor restarts us, and the failure shows */
				log_warnx("%s: nothing delivered for %" PRId64 " ms (sendFailureTimeout; last error %s): "
					  "exiting", f->cf->stream, now - f->failing_since, f->err_code);
				return 1;
			}
			if (f->failing_since)
				due = min64(due, f->failing_since + conf.send_failure_timeout_ms);
		}
		if (!reading && now >= stop_at) {
			log_warnx("stopping with records not yet accepted; they are sent again at the next start");
			return 0;
		}
		if (once_ms) {
			int64_t last = 0;
			for (size_t i = 0; i < conf.nflows; i++)
				last = flows[i].last_progress > last ? flows[i].last_progress : last;
			if (now - last >= once_ms) {
				log_warnx("--once: no record accepted for %" PRId64 " s, giving up", once_ms / 1000);
				return 1;
			}
			due = min64(due, last + once_ms);
		}
		if (!reading)
			due = min64(due, stop_at);
		else if (!dry)
			due = min64(due, look_for_credentials(now));
		due = min64(due, ckpt_due(&ckpt));
		pfd[n].fd = sigpipe[0];
		pfd[n].events = POLLIN;
		pfd[n + 1].fd = reading ? tail_watch_fd() : -1;	/* inotify, when there is one */
		pfd[n + 1].events = POLLIN;
		int timeout = due <= now ? 0 : due - now > 60000 ? 60000 : (int)(due - now);
		if (poll(pfd, (nfds_t)n + 2, timeout) < 0 && errno != EINTR) {
			log_warn("poll");
			continue;
		}
		if (pfd[n].revents)
			while (read(sigpipe[0], drain, sizeof drain) > 0)
				;
		if (pfd[n + 1].fd >= 0 && pfd[n + 1].revents) {
			int rescan = tail_watch_read();
			for (size_t i = 0; i < conf.nflows; i++)
				tail_kick(&flows[i].tail, rescan);
		}
		now = mono_ms();
		for (int k = 0; k < n; k++) {
			if (!pfd[k].revents)
				continue;
			if (idx[k] >= 0)
				flow_io(&flows[idx[k] / CONF_MAX_INFLIGHT], idx[k] % CONF_MAX_INFLIGHT, pfd[k].revents, now);
			else
				tail_readable(&flows[-1 - idx[k]].tail);
		}
	}
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "once", optional_argument, NULL, 'o' },
		{ "online", no_argument, NULL, 'O' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "syslog", optional_argument, NULL, 'S' },
		{ NULL, 0, NULL, 0 },
	};
	const char *path = conf_path, *syslog_path = NULL, *pidfile = NULL;
	int check = 0, dry = 0, online = 0, c, status;
	int64_t once_ms = 0;
	struct tls_anchors ta = { 0 };
	char err[256];

	while ((c = getopt_long(argc, argv, "c:np:stvVh", longopts, NULL)) != -1) {
		switch (c) {
		case 'c': path = optarg; break;
		case 'n': dry = 1; break;
		case 'p': pidfile = optarg; break;
		case 's': syslog_path = LOG_SYSLOG_PATH; break;
		case 'S': syslog_path = optarg ? optarg : LOG_SYSLOG_PATH; break;
		case 't': check = 1; break;
		case 'v': log_verbose = 1; break;
		case 'V': version(); return 0;
		case 'h': usage(stdout); return 0;
		case 'O': online = 1; break;
		case 'o': {
			char *end;
			long s = optarg ? strtol(optarg, &end, 10) : 60;
			if (optarg && (*end || s < 1 || s > 86400)) {
				fprintf(stderr, "kagent: --once=%s: must be 1..86400 seconds\n", optarg);
				return 2;
			}
			once_ms = (int64_t)s * 1000;
			break;
		}
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	if (conf_load(&conf, path) < 0)
		return 2;
	if (!check && syslog_path && log_open_syslog(syslog_path) < 0) {
		fprintf(stderr, "kagent: syslog socket %s: %s\n", syslog_path, strerror(errno));
		return 2;
	}
	conf_path = path;
	(void)stat(path, &conf_st);	/* to see it change (look_for_credentials) */
	if (!conf.access_key_id && !dry) {
		fprintf(stderr, "%s: awsAccessKeyId: no credentials: set awsAccessKeyId and awsSecretAccessKey, "
			"or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the environment\n", path);
		return 2;
	}
	err[0] = 0;
	int tls = 0;
	for (size_t i = 0; i < conf.nflows; i++)
		tls |= conf.flows[i].ep.tls;
	if (tls && !dry && tls_load_anchors(&ta, conf.ca_file, err, sizeof err) < 0) {
		fprintf(stderr, "%s: caFile: %s: %s\n", path, conf.ca_file, err);
		return 2;
	}
	if (err[0] && tls)
		log_warnx("caFile %s: %s", conf.ca_file, err);
	if (online && !check) {
		usage(stderr);
		return 2;
	}
	if (check) {
		print_plan();
		printf("trust anchors = %zu from %s\n", ta.n, tls ? conf.ca_file : "(http: none)");
		return online ? probe(&ta) : 0;
	}

	if (pipe2(sigpipe, O_NONBLOCK | O_CLOEXEC) < 0)
		fatalx("pipe: %s", strerror(errno));
	struct sigaction sa = { .sa_handler = on_signal };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	sigprocmask(SIG_UNBLOCK, handled_signals(), NULL);
	/* only now: whoever reads the pid may signal it at once */
	if (pidfile && pidfile_write(pidfile) < 0) {
		fprintf(stderr, "kagent: pidfile %s: %s\n", pidfile, strerror(errno));
		return 2;
	}

	ckpt_load(&ckpt, conf.checkpoint_file, conf.checkpoint_interval_ms, mono_ms());
	for (size_t i = 0; i < conf.nflows; i++)
		if (flow_init(&flows[i], &conf, &conf.flows[i], &ckpt, &ta, dry, err, sizeof err) < 0) {
			fprintf(stderr, "%s: flows[%zu]: %s\n", path, i, err);
			return 1;
		}
	log_info("started: %zu flow(s), %zu bytes of memory taken", conf.nflows, arena_used());
	arena_seal();

	status = run(once_ms, dry);

	if (!dry && ckpt_save(&ckpt, mono_ms(), 1) < 0)
		status = 1;
	stats();
#ifdef KAGENT_COUNT_ALLOCS
	log_info("allocator calls: %lu during start-up, %lu after start-up",
		 arena_allocs() - arena_allocs_after_seal(), arena_allocs_after_seal());
#endif
	if (got_hup && status == 0) {
		/* reload = a clean stop and a fresh start: the checkpoint just
		 * saved is where the new process resumes, so nothing is lost or
		 * repeated, and every byte of memory is sized anew */
		log_info("reloading %s", path);
		sigprocmask(SIG_BLOCK, handled_signals(), NULL);
		execv("/proc/self/exe", argv);
		log_warn("cannot restart myself");
		return 1;
	}
	return status;
}
