/* kagent.conf: the Amazon Kinesis Agent's agent.json keys, plus a few of
 * kagent's own.  The reader checks everything; a bad file is reported as
 * "file:line: key: problem" (a syntax error as "file:line:column: what was
 * expected") and the caller exits with status 2.  Every key, its default
 * and its range: src/conf_keys.c.  Processors read their options through
 * conf_opts.h. */
#ifndef CONF_H
#define CONF_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define CONF_MAX_FLOWS 8
#define CONF_MAX_PROCS 8	/* dataProcessingOptions per flow */
#define CONF_MAX_INFLIGHT 8	/* maxInFlightRequests: requests of a flow on the wire at once */

#include "aws.h"	/* FIREHOSE_MAX_*, KINESIS_MAX_*: AWS's limits */

enum conf_position { POS_END_OF_FILE, POS_START_OF_FILE };
/* Where the credentials come from (before an AssumeRole), first to last. */
enum conf_creds {
	CONF_CREDS_NONE,
	CONF_CREDS_KEYS,	/* awsAccessKeyId and awsSecretAccessKey */
	CONF_CREDS_IOT,		/* the iot.* keys: the AWS IoT credentials provider */
	CONF_CREDS_ENV,		/* AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY */
	CONF_CREDS_SHARED,	/* awsCredentialsFile, else AWS_SHARED_CREDENTIALS_FILE */
};
enum conf_api { API_FIREHOSE, API_KINESIS };

struct conf_endpoint {
	int tls;		/* https (1) or http (0) */
	char host[256];		/* name or address, without brackets */
	unsigned port;
};

struct processor;
struct rx;

/* One entry of a flow's dataProcessingOptions, ready to run. */
struct conf_proc {
	const struct processor *p;
	void *state;
};

/* A flow's settings, each from its key (named in the comment; defaults and
 * ranges: src/conf_keys.c). */
struct conf_flow {
	const char *file_pattern;		/* filePattern */
	enum conf_api api;			/* deliveryStream: Firehose; kinesisStream: Kinesis */
	const char *stream;			/* its name */
	int key_kind;				/* Kinesis: partitionKeyOption (enum kinesis_key_kind) */
	const char *key_arg;			/* partitionKey, or partitionKeyField's name */
	size_t max_record_bytes;		/* Kinesis: maxRecordSizeBytes (data + key) */
	size_t aggregate_bytes;			/* Firehose: aggregatedRecordSizeBytes; 0 = off */
	int kpl;				/* Kinesis: kagent's aggregation (KPL aggregated records) */
	enum conf_position initial_position;	/* initialPosition */
	int64_t max_buffer_age_ms;		/* maxBufferAgeMillis */
	size_t max_buffer_records;		/* maxBufferSizeRecords */
	size_t max_buffer_bytes;		/* maxBufferSizeBytes, else the API's limit */
	size_t max_inflight;			/* kagent: maxInFlightRequests */
	int64_t retry_initial_backoff_ms;	/* retryInitialBackoffMillis */
	int64_t retry_max_backoff_ms;		/* retryMaxBackoffMillis */
	size_t ring_bytes;			/* kagent: ringSizeBytes, else by the longest record */
	struct rx *multiline;			/* multiLineStartPattern, or NULL: a record a line */
	struct rx *footer;			/* fileFooterPattern: a line that ends a file, or NULL */
	int64_t poll_ms;			/* minTimeBetweenFilePollsMillis */
	const char *terminator;			/* truncatedRecordTerminator */
	unsigned skip_header_lines;		/* skipHeaderLines: dropped at a file's start */
	int fifo_drop;				/* kagent: fifoOverflow "drop" (else "block") */
	int follow_symlinks;			/* kagent: followSymlinks 1 or 0; -1 (absent): only links in
						   directories no one but root and kagent's user can write */
	size_t nproc;				/* dataProcessingOptions, in order */
	struct conf_proc proc[CONF_MAX_PROCS];
	const char *region;			/* kagent: a flow's awsRegion, else its endpoint's, else
						   kinesis.region (Kinesis), else the top level's */
	int own_region;				/* awsRegion given in the flow */
	struct conf_endpoint ep;		/* kagent: a flow's endpoint key, else AWS's for its own region,
						   else the top level's for its API */
	const char *file;			/* the file it is in (the main one, or configDir's) */
	int line;				/* where the flow starts in it */
};

struct conf {
	const char *path;
	const char *access_key_id;	/* awsAccessKeyId, else AWS_ACCESS_KEY_ID; NULL if none */
	const char *secret_access_key;	/* awsSecretAccessKey, else AWS_SECRET_ACCESS_KEY */
	const char *session_token;	/* awsSessionToken, else AWS_SESSION_TOKEN; NULL if none */
	const char *creds_source;	/* "file" (these keys), "iot", "environment", "credentials file" or "none" */
	enum conf_creds creds_base;	/* the same */
	const char *creds_file;		/* kagent: awsCredentialsFile, else AWS_SHARED_CREDENTIALS_FILE; NULL */
	const char *profile;		/* kagent: awsProfile, else AWS_PROFILE, else "default" */
	const char *role_arn;		/* assumeRoleARN: AssumeRole with the credentials above; NULL: none */
	const char *external_id;	/* assumeRoleExternalId, or NULL */
	int64_t role_duration_s;	/* kagent: assumeRoleDurationSeconds */
	struct conf_endpoint sts;	/* sts.endpoint, else sts.<sts_region>.amazonaws.com (with role_arn) */
	const char *sts_region;		/* what STS is signed for: sts.endpoint's, else the first flow's */
	struct conf_endpoint iot;	/* kagent: iot.credentialsEndpoint; host "" when not used */
	const char *iot_role_alias;	/* kagent: iot.roleAlias */
	const char *iot_thing;		/* kagent: iot.thingName */
	const char *iot_cert;		/* kagent: iot.certFile */
	const char *iot_key;		/* kagent: iot.keyFile */
	const char *iot_ca;		/* kagent: iot.caFile, else caFile */
	const char *region;		/* awsRegion, else from an endpoint host, else us-east-1 */
	const char *kinesis_region;	/* kinesis.region: Kinesis flows' region, else NULL (region) */
	struct conf_endpoint firehose;	/* firehose.endpoint, else firehose.<region>.amazonaws.com */
	struct conf_endpoint kinesis;	/* kinesis.endpoint, else kinesis.<its region>.amazonaws.com */
	int allow_cleartext;		/* kagent: allowCleartext: http:// endpoints off loopback */
	struct conf_endpoint proxy;	/* proxy, else https_proxy / HTTPS_PROXY; host "" for none */
	char proxy_auth[256];		/* "Basic <base64 user:password>" from the proxy URL, or "" */
	const char *no_proxy;		/* no_proxy / NO_PROXY: hosts reached directly, or NULL */
	const char *resolv_conf;	/* kagent: resolvConf */
	int64_t connect_timeout_ms;	/* connectionTimeoutMillis: resolve, connect, proxy */
	int64_t handshake_timeout_ms;	/* kagent: tlsHandshakeTimeoutMillis */
	int64_t socket_timeout_ms;	/* socketTimeoutMillis: a request's answer */
	int64_t idle_timeout_ms;	/* kagent: idleTimeoutMillis: an unused connection is closed */
	int64_t shutdown_timeout_ms;	/* shutdownTimeoutMillis: TERM sends what is buffered this long */
	int64_t send_failure_timeout_ms;	/* kagent: sendFailureTimeout: nothing delivered this long: exit 1; 0 = never */
	const char *checkpoint_file;	/* checkpointFile */
	const char *ca_file;		/* kagent: caFile */
	int64_t checkpoint_interval_ms;	/* kagent: checkpointIntervalMillis */
	int log_syslog;			/* kagent: logTarget "syslog" (else "stderr"), or -s */
	const char *pid_file;		/* kagent: pidFile, or -p; NULL for none */
	const char *status_file;	/* kagent: statusFile, or NULL */
	int cw_emit;			/* cloudwatch.emitMetrics */
	struct conf_endpoint cloudwatch;	/* cloudwatch.endpoint, else monitoring.<region>.amazonaws.com */
	const char *cw_region;		/* its signing region: its AWS host's, else region */
	const char *cw_namespace;	/* cloudwatch.namespace */
	const char *cw_device_id;	/* kagent: cloudwatch.deviceId; NULL: the host name, "": none */
	int64_t cw_period_ms;		/* cloudwatch.metricsBufferTimeMillis */
	size_t nflows;
	struct conf_flow flows[CONF_MAX_FLOWS];
};

/* Where the reader's messages go: line() is called once a message, with the
 * whole line ("kagent.conf:7: flows[0].maxBufferSizeRecords: must be 1..500,
 * got 900\n", n bytes, the newline included). */
struct conf_say {
	void (*line)(void *arg, const char *s, size_t n);
	void *arg;
};

/* A configuration being read: conf_begin, conf_text for the main file, again
 * for each configDir file (their flows only), then conf_end.  The reader
 * touches no file and no environment variable of its own: env stands for
 * the environment, say for stderr.  Errors do not stop it: every problem in
 * every file is said (the first CONF_MAX_SHOWN errors, then how many more). */
#define CONF_MAX_SHOWN 20
struct conf_reader {
	struct conf *c;
	const char *const *env;	/* "NAME=value" strings, NULL-terminated, as environ; NULL: empty */
	struct conf_say say;
	unsigned errors;	/* said or not */
	int files;		/* conf_text calls so far */
	int broken;		/* a file could not be read as JSON */
	int flows_bad;		/* the main file's flows key is not an array of flows */
	int flows_line;		/* where a missing flow is reported */
	size_t flow_objects;	/* flows given, valid or not */
	const char *config_dir;	/* the main file's configDir, or NULL */
	int config_dir_line;
	const char *secret;	/* what of a secret the main file holds ("awsSecretAccessKey"), or NULL */
};

/* Defaults into c, messages naming name (the main file) where no file is
 * known.  env and say as in struct conf_reader (copied). */
void conf_begin(struct conf_reader *r, struct conf *c, const char *name, const char *const *env,
    const struct conf_say *say);
/* Reads one file's text (len bytes, edited in place: comments are blanked;
 * not needed once this returns): the first call the main file, later ones
 * configDir files.  Strings are taken from the arena.  Returns 0, or -1 if it
 * said an error. */
int conf_text(struct conf_reader *r, char *text, size_t len, const char *name);
/* Settles what needs every file (each flow's region and endpoint) and says
 * how many errors were not shown.  Returns 0 when c is ready, -1 after any
 * error. */
int conf_end(struct conf_reader *r);
/* conf_begin, conf_text, conf_end: a configuration from text alone
 * (configDir is checked, not read). */
int conf_parse(struct conf *c, char *text, size_t len, const char *name, const char *const *env,
    const struct conf_say *say);
/* The file at path and its configDir's *.json files, read and checked into c
 * with env and say.  Returns 0, or -1 after saying why. */
int conf_read(struct conf *c, const char *path, const char *const *env, const struct conf_say *say);
/* conf_read with the process's environment, the messages to stderr (fd 2),
 * one write() a line. */
int conf_load(struct conf *c, const char *path);
/* The resolved settings, secrets masked (kagent -t). */
void conf_print(const struct conf *c, int out);
#endif
