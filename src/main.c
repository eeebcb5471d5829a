/* kagent: command line, start-up, signals, exit status.
 *
 * Start-up takes every byte the agent will use (arena), then seals it; the
 * loop (loop.c) never allocates. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include "addr.h"
#include "arena.h"
#include "ckpt.h"
#include "clock.h"
#include "conf.h"
#include "creds.h"
#include "cw.h"
#include "errstr.h"
#include "flow.h"
#include "fmt.h"
#include "libc.h"
#include "log.h"
#include "loop.h"
#include "numfmt.h"
#include "pidfile.h"
#include "proc.h"
#include "rnd.h"
#include "status.h"
#include "tls.h"


static struct conf conf;
static struct ckpt ckpt;
static struct creds creds;
static struct flow flows[CONF_MAX_FLOWS];
static struct loop loop;
static int sigpipe[2] = { -1, -1 };

static void on_signal(int sig)
{
	int e = errno;
	if (sig == SIGUSR1)
		loop.usr1 = 1;
	else if (sig == SIGHUP)
		loop.term = loop.hup = 1;
	else
		loop.term = 1;
	(void)!write(sigpipe[1], "", 1);	/* wakes poll() */
	errno = e;
}

static void usage(int out)
{
	fmt_dprintf(out,
		"usage: kagent [-nstv] [-p PIDFILE] [--once[=SECONDS]] [--online] [--syslog[=SOCKET]] -c FILE\n"
		"       kagent -V | -h\n"
		"  -c FILE        configuration (the Amazon Kinesis Agent's keys); default /etc/kagent.conf\n"
		"  -t             check the configuration; print the settings, processors and the memory\n"
		"                 a start takes (its files opened, nothing sent); exit 0 or 2\n"
		"  -t --online    also get the credentials (file, STS, IoT) and ask whether each flow's\n"
		"                 stream is there (DescribeDeliveryStream, DescribeStreamSummary); exit 1\n"
		"                 if one fails\n"
		"  -n             dry run: print each record as it would be sent (after the processors),\n"
		"                 after \"[stream] \" with several flows; send nothing, write no checkpoint\n"
		"  --once[=SECS]  read every file to its end, deliver, checkpoint, exit 0; exit 1 when no\n"
		"                 record was accepted for SECS seconds (default 60)\n"
		"  -s, --syslog[=SOCKET]\n"
		"                 log to syslog (facility daemon) through SOCKET (/dev/log), not stderr\n"
		"  -p PIDFILE     write the process id to PIDFILE, removed at exit\n"
		"  -v             debug logging\n"
		"  -V, --version  version and build options\n"
		"  -h, --help     this summary\n"
		"Exit status: 0 done, 1 failure at run time, 2 bad configuration or usage.\n"
		"Signals: TERM/INT send what is buffered (up to shutdownTimeoutMillis), checkpoint, exit;\n"
		"HUP the same, then starts again with the configuration as it is now; USR1 logs counters.\n");
}

static void version(void)
{
	fmt_printf("kagent %s\n", KAGENT_VERSION);
	fmt_printf("outputs: firehose (PutRecordBatch), kinesis (PutRecords)\n");
	fmt_printf("tls: BearSSL; libc: %s; %zu-bit, %zu-bit file offsets\n", LIBC_NAME, sizeof(void *) * 8,
	       sizeof(off_t) * 8);
	fmt_printf("processors:");
	for (const struct processor *const *p = proc_table; *p; p++)
		fmt_printf(" %s", (*p)->name);
	fmt_printf("%s\n", proc_table[0] ? "" : " none");
	fmt_printf("limits: %d flows, %d processors per flow\n", CONF_MAX_FLOWS, CONF_MAX_PROCS);
}

static void stats(void)
{
	struct flow_counters c;

	for (size_t i = 0; i < conf.nflows; i++) {
		flow_counters(&flows[i], mono_ms(), &c);
		log_info("%s: read %" PRIu64 " records, sent %" PRIu64 ", failed %" PRIu64 " (retried), "
			 "requests %" PRIu64 " (%" PRIu64 " failed), truncated %" PRIu64 ", dropped %" PRIu64
			 " (processors %" PRIu64 ", FIFO overflow %" PRIu64 ", refused %" PRIu64 "), malformed answers %"
			 PRIu64 ", pending %" PRIu64 ", last error %s; bytes read %" PRIu64 ", bytes sent %" PRIu64
			 ", retries %" PRIu64 ", backoff %" PRId64 " ms, waits for credentials %" PRIu64
			 ", random partition keys %" PRIu64,
			 c.stream, c.records_read, c.records_sent, c.records_failed, c.requests, c.requests_failed,
			 c.truncated, c.dropped_proc + c.dropped_fifo + c.rejected, c.dropped_proc, c.dropped_fifo,
			 c.rejected, c.malformed, c.pending, c.last_error[0] ? c.last_error : "none", c.bytes_read,
			 c.bytes_sent, c.retries, c.backoff_ms, c.creds_waits, c.random_keys);
	}
	if (loop.cw) {
		struct cw_counters cc;
		cw_counters(loop.cw, &cc);
		log_info("CloudWatch: %" PRIu64 " calls, %" PRIu64 " periods sent, %" PRIu64 " dropped, last error %s",
			 cc.calls, cc.sent, cc.dropped, cc.last_error[0] ? cc.last_error : "none");
	}
	creds_log_counters(&creds);
	log_stats();
}

/* What the fleet sees of the agent: CloudWatch metrics, the status file. */
static int fleet_init(const struct tls_anchors *ta, char *err, size_t errcap)
{
	if (conf.cw_emit && !(loop.cw = cw_init(&conf, flows, conf.nflows, ta, &creds, mono_ms(), err, errcap)))
		return -1;
	loop.status = status_init(&conf, flows, conf.nflows, loop.cw, wall_ms());
	return 0;
}

/* kagent -t: the settings, then each flow started as a start starts it
 * (its memory taken, its files opened at their checkpoints), so the figures
 * are the memory a start takes; nothing is sent.  conf_bytes and ta_bytes:
 * what the configuration and the trust anchors took.  0, or 2 when a flow
 * cannot start. */
static int plan(const struct tls_anchors *ta, size_t conf_bytes, size_t ta_bytes)
{
	size_t all = 0, fleet, cred;
	char err[256];

	conf_print(&conf, 1);
	ckpt_load(&ckpt, conf.checkpoint_file, conf.checkpoint_interval_ms, mono_ms());
	cred = arena_used();
	if (creds_init(&creds, &conf, ta, mono_ms(), err, sizeof err) < 0) {
		fmt_dprintf(2, "%s: %s\n", conf.path, err);
		return 2;
	}
	cred = arena_used() - cred;
	loop.creds = &creds;
	for (size_t i = 0; i < conf.nflows; i++) {
		const struct conf_flow *cf = &conf.flows[i];
		size_t before = arena_used(), scratch = chain_scratch_taken(), m;
		if (flow_init(&flows[i], &conf, cf, &ckpt, ta, &creds, NULL, NULL, mono_ms(), err, sizeof err) < 0) {
			fmt_dprintf(2, "%s: flows[%zu]: %s\n", conf.path, i, err);
			return 2;
		}
		m = arena_used() - before - (chain_scratch_taken() - scratch);
		fmt_printf("flows[%zu].memory = %zu bytes (ring %zu, %zu record slots, answer buffer", i, m, cf->ring_bytes,
		       flows[i].ring.nrecs);
		if (cf->max_inflight > 1)
			fmt_printf("s and connections for %zu requests at once", cf->max_inflight);
		fmt_printf(")\n");
		all += m;
	}
	fleet = arena_used();
	if (fleet_init(ta, err, sizeof err) < 0) {
		fmt_dprintf(2, "%s: cloudwatch.endpoint: %s\n", conf.path, err);
		return 2;
	}
	fleet = arena_used() - fleet;
	fmt_printf("memory = %zu bytes taken at start: the flows %zu, the processors' scratch %zu, the credentials %zu, the "
	       "metrics and status file %zu, the configuration %zu, the trust anchors %zu\n", arena_used(), all,
	       chain_scratch_taken(), cred, fleet, conf_bytes, ta_bytes);
	return 0;
}

/* An http:// endpoint passed the configuration's check (loopback, or
 * allowCleartext): still, it is said once. */
static void say_cleartext(void)
{
	char hp[300];

	for (size_t i = 0; i < conf.nflows; i++) {
		const struct conf_flow *cf = &conf.flows[i];
		if (cf->ep.tls)
			continue;
		addr_hostport(hp, sizeof hp, cf->ep.host, cf->ep.port);
		log_warnx("%s: http://%s: no TLS: the requests%s and their signatures go unencrypted", cf->stream, hp,
			  conf.session_token ? ", the session token" : "");
		return;
	}
}

/* kagent -t --online: each flow's call (the flows started by plan()),
 * driven by the loop; the checkpoint is read but never written. */
static int probe(void)
{
	struct flow_counters c;
	/* a source's fetch each: AssumeRole after the IoT provider's */
	int64_t until = mono_ms() + 2 * (conf.connect_timeout_ms + conf.handshake_timeout_ms + conf.socket_timeout_ms);
	int bad = 0;

	/* each source of credentials first; the flows' calls are signed with them */
	loop_creds(&loop, until);
	if (creds_report(&creds, 1)) {
		for (size_t i = 0; i < conf.nflows; i++)
			fmt_printf("flows[%zu] %s %s: not asked: no credentials\n", i,
			       conf.flows[i].api == API_KINESIS ? "kinesisStream" : "deliveryStream", conf.flows[i].stream);
		return 1;
	}
	until = mono_ms() + conf.connect_timeout_ms + conf.socket_timeout_ms;
	for (size_t i = 0; i < conf.nflows; i++)
		flow_probe(&flows[i], mono_ms(), wall_ms());
	loop_probe(&loop, until);
	for (size_t i = 0; i < conf.nflows; i++) {
		flow_counters(&flows[i], mono_ms(), &c);
		fmt_printf("flows[%zu] %s %s: %s\n", i, conf.flows[i].api == API_KINESIS ? "kinesisStream" : "deliveryStream",
		       c.stream, c.probe_result ? c.probe_result : "no answer in time");
		bad |= !c.probe_ok;
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

/* kagent -n: a record as it would be sent, to stdout, after its flow's tag
 * (ctx: "[stream] " when there are several flows, else ""). */
static void print_record(void *ctx, const struct rec_view *v)
{
	struct iovec iov[4] = { { ctx, strlen(ctx) } };

	for (int s = 0; s < 3; s++)
		iov[s + 1] = (struct iovec){ (void *)v->p[s], v->n[s] };
	(void)!writev(1, iov, 4);
}

/* kagent -n with files read from their end (initialPosition END_OF_FILE,
 * the Java agent's default, on a first start) prints nothing until they
 * grow: said once, naming those flows. */
static void say_from_end(void)
{
	char names[CONF_MAX_FLOWS * 160];
	size_t n = 0, k = 0;

	names[0] = 0;
	for (size_t i = 0; i < conf.nflows; i++) {
		const struct tail *t = &flows[i].tail;
		if (!t->start_at_end || tail_is_fifo(t))
			continue;
		n += (size_t)fmt_snprintf(names + n, sizeof names - n, "%sflows[%zu] (%s)", k++ ? ", " : "", i,
				      conf.flows[i].stream);
	}
	if (k)
		fmt_dprintf(2, "kagent: -n: %s read%s %s files from their end (initialPosition END_OF_FILE): only "
			"what is written to them from now on is printed; \"initialPosition\": \"START_OF_FILE\" "
			"prints them whole\n", names, k > 1 ? "" : "s", k > 1 ? "their" : "its");
}

/* Memory holds the credentials and the signing keys: no core file of it,
 * and no other process of kagent's user may read it (ptrace, /proc/PID/mem;
 * its /proc/PID files become root's).  An exec (a reload) undoes the second:
 * each start does both. */
static void no_core_dumps(void)
{
	static const struct rlimit none = { 0, 0 };

	/* (prlimit64 itself: libc's setrlimit links its all-threads machinery) */
	if (syscall(SYS_prlimit64, 0, RLIMIT_CORE, &none, NULL) < 0 || prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		log_warn("cannot forbid core dumps");
}

/* What the command line says. */
struct args {
	const char *path, *syslog_path, *pidfile;
	int check, dry, online;
	int64_t once_ms;
};

/* A wrong option: said as musl's getopt_long says it, then the usage. */
static int args_fail(const char *argv0, const char *why, const char *what, size_t n)
{
	fmt_dprintf(2, "%s: %s: %.*s\n", argv0, why, (int)n, what);
	usage(2);
	return 2;
}

/* The options, read as getopt_long("c:np:stvVh") read them, with its
 * messages: short ones bundled (-nt, -cFILE or -c FILE), long ones by a
 * unique prefix (--onl), an exact name winning; --once and --syslog take a
 * value only after '='; operands may stand anywhere ("--" makes the rest
 * operands) and are an error.  Returns -1 to go on, else the exit status
 * (-V, -h, or a mistake said on stderr). */
static int args_parse(int argc, char **argv, struct args *a)
{
	static const char *const longs[] = { "once", "online", "help", "version", "syslog" };
	int i, k, hit, operands = 0;
	const char *s, *v;
	size_t len;

	for (i = 1; i < argc; i++) {
		s = argv[i];
		if (s[0] != '-' || !s[1]) {
			operands++;
			continue;
		}
		if (!strcmp(s, "--")) {
			operands += argc - i - 1;
			break;
		}
		if (s[1] == '-') {
			s += 2;
			len = (size_t)(strchrnul(s, '=') - s);
			for (k = 0, hit = -1; k < 5; k++)
				if (!strncmp(longs[k], s, len)) {
					if (!longs[k][len]) {
						hit = k;
						break;
					}
					hit = hit == -1 ? k : -2;
				}
			if (hit < 0)
				return args_fail(argv[0], hit == -1 ? "unrecognized option" : "option is ambiguous", s,
				    strlen(s));
			v = s[len] ? s + len + 1 : NULL;
			if (v && hit != 0 && hit != 4)
				return args_fail(argv[0], "option does not take an argument", longs[hit],
				    strlen(longs[hit]));
			switch (hit) {
			case 0: {
				const char *end;
				int64_t sec = v ? numfmt_parse_i64(v, &end) : 60;
				if (v && (*end || sec < 1 || sec > 86400)) {
					fmt_dprintf(2, "kagent: --once=%s: must be 1..86400 seconds\n", v);
					return 2;
				}
				a->once_ms = (int64_t)sec * 1000;
				break;
			}
			case 1: a->online = 1; break;
			case 2: usage(1); return 0;
			case 3: version(); return 0;
			case 4: a->syslog_path = v ? v : LOG_SYSLOG_PATH; break;
			}
			continue;
		}
		for (s++; *s; s++) {
			switch (*s) {
			case 'c':
			case 'p':
				if (s[1])
					v = s + 1;
				else if (i + 1 < argc)
					v = argv[++i];
				else
					return args_fail(argv[0], "option requires an argument", s, 1);
				*(*s == 'c' ? &a->path : &a->pidfile) = v;
				s = " ";	/* the rest of this argument was the value */
				break;
			case 'n': a->dry = 1; break;
			case 's': a->syslog_path = LOG_SYSLOG_PATH; break;
			case 't': a->check = 1; break;
			case 'v': log_verbose = 1; break;
			case 'V': version(); return 0;
			case 'h': usage(1); return 0;
			default: return args_fail(argv[0], "unrecognized option", s, 1);
			}
		}
	}
	if (operands) {
		usage(2);
		return 2;
	}
	return -1;
}

int main(int argc, char **argv)
{
	struct args args = { .path = "/etc/kagent.conf" };
	const char *path, *syslog_path, *pidfile;
	int check, dry, online, status;
	int64_t once_ms;
	struct tls_anchors ta = { 0 };
	char err[256];

	no_core_dumps();
	if ((status = args_parse(argc, argv, &args)) >= 0)
		return status;
	path = args.path;
	syslog_path = args.syslog_path;
	pidfile = args.pidfile;
	check = args.check;
	dry = args.dry;
	online = args.online;
	once_ms = args.once_ms;
	if (conf_load(&conf, path) < 0)
		return 2;
	/* -s and -p win over logTarget and pidFile */
	if (syslog_path)
		conf.log_syslog = 1;
	else if (conf.log_syslog)
		syslog_path = LOG_SYSLOG_PATH;
	if (pidfile)
		conf.pid_file = pidfile;
	pidfile = conf.pid_file;
	if (!check && syslog_path && log_open_syslog(syslog_path) < 0) {
		fmt_dprintf(2, "kagent: syslog socket %s: %s\n", syslog_path, errstr(errno));
		return 2;
	}
	rnd_seed();
	loop = (struct loop){ .flows = flows, .nflows = conf.nflows, .conf = &conf, .ckpt = &ckpt, .dry = dry,
			      .once_ms = once_ms, .wake_fd = -1, .report = stats, .conf_path = path };
	(void)stat(path, &loop.conf_st);	/* to see it change (new credentials) */
	if (conf.creds_base == CONF_CREDS_NONE && !dry) {
		fmt_dprintf(2, "%s: awsAccessKeyId: no credentials: set awsAccessKeyId and awsSecretAccessKey, "
			"or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the environment, or awsCredentialsFile "
			"(AWS_SHARED_CREDENTIALS_FILE), or the iot.* keys\n", path);
		return 2;
	}
	err[0] = 0;
	int tls = 0;
	size_t conf_bytes = arena_used();
	for (size_t i = 0; i < conf.nflows; i++)
		tls |= conf.flows[i].ep.tls;
	tls |= conf.cw_emit && conf.cloudwatch.tls;
	if (tls && !dry && tls_load_anchors(&ta, conf.ca_file, err, sizeof err) < 0) {
		fmt_dprintf(2, "%s: caFile: %s: %s\n", path, conf.ca_file, err);
		return 2;
	}
	if (err[0] && tls)
		log_warnx("caFile %s: %s", conf.ca_file, err);
	if (online && !check) {
		usage(2);
		return 2;
	}
	if (check) {
		if ((status = plan(&ta, conf_bytes, arena_used() - conf_bytes)) != 0)
			return status;
		fmt_printf("trust anchors = %zu from %s\n", ta.n, tls ? conf.ca_file : "(http: none)");
		return online ? probe() : 0;
	}

	if (pipe2(sigpipe, O_NONBLOCK | O_CLOEXEC) < 0)
		fatalx("pipe: %s", errstr(errno));
	loop.wake_fd = sigpipe[0];
	struct sigaction sa = { .sa_handler = on_signal };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	sigprocmask(SIG_UNBLOCK, handled_signals(), NULL);
	/* only now: whoever reads the pid may signal it at once */
	if (pidfile && pidfile_write(pidfile) < 0) {
		fmt_dprintf(2, "kagent: pidfile %s: %s\n", pidfile, errstr(errno));
		return 2;
	}

	if (!dry)
		say_cleartext();
	ckpt_load(&ckpt, conf.checkpoint_file, conf.checkpoint_interval_ms, mono_ms());
	if (!dry && creds_init(&creds, &conf, &ta, mono_ms(), err, sizeof err) < 0) {
		fmt_dprintf(2, "%s: %s\n", path, err);
		return 2;
	}
	loop.creds = dry ? NULL : &creds;
	for (size_t i = 0; i < conf.nflows; i++) {
		static char tags[CONF_MAX_FLOWS][KINESIS_MAX_STREAM_NAME + 4];
		if (conf.nflows > 1)
			fmt_snprintf(tags[i], sizeof tags[i], "[%s] ", conf.flows[i].stream);
		if (flow_init(&flows[i], &conf, &conf.flows[i], &ckpt, &ta, loop.creds, dry ? print_record : NULL, tags[i], mono_ms(),
			      err, sizeof err) < 0) {
			fmt_dprintf(2, "%s: flows[%zu]: %s\n", path, i, err);
			return 1;
		}
	}
	if (dry)
		say_from_end();
	if (!dry && fleet_init(&ta, err, sizeof err) < 0) {
		fmt_dprintf(2, "%s: cloudwatch.endpoint: %s\n", path, err);
		return 1;
	}
	log_info("started: %zu flow(s), %zu bytes of memory taken", conf.nflows, arena_used());
	arena_seal();

	status = loop_run(&loop);
	status_step(loop.status, mono_ms(), wall_ms(), 1);

	if (!dry && ckpt_save(&ckpt, mono_ms(), 1) < 0)
		status = 1;
	stats();
#ifdef KAGENT_COUNT_ALLOCS
	log_info("allocator calls: %lu during start-up, %lu after start-up",
		 arena_allocs() - arena_allocs_after_seal(), arena_allocs_after_seal());
#endif
	if (loop.hup && status == 0) {
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
