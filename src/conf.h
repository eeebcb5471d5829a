/* kagent.conf: the Amazon Kinesis Agent's agent.json keys, plus a few of
 * kagent's own.  conf_load() checks everything; a bad file is reported as
 * "file:line: key: problem" and the caller exits with status 2. */
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

struct conf_flow {
	const char *file_pattern;
	enum conf_api api;			/* deliveryStream: Firehose; kinesisStream: Kinesis */
	const char *stream;			/* its name */
	int key_kind;				/* Kinesis: partitionKeyOption (enum kinesis_key_kind); RANDOM */
	const char *key_arg;			/* partitionKey, or partitionKeyField's name */
	size_t max_record_bytes;		/* Kinesis: maxRecordSizeBytes (data + key); 1 MiB */
	size_t aggregate_bytes;			/* Firehose: aggregatedRecordSizeBytes; 0 = off */
	enum conf_position initial_position;	/* default END_OF_FILE */
	int64_t max_buffer_age_ms;		/* 1,000..900,000; 60,000 */
	size_t max_buffer_records;		/* 1..500; 500 */
	size_t max_buffer_bytes;		/* Firehose 1..4,194,304, Kinesis 1..5 MiB (10 MiB); the maximum */
	size_t max_inflight;			/* kagent: maxInFlightRequests, 1..CONF_MAX_INFLIGHT; 1 */
	int64_t retry_initial_backoff_ms;	/* retryInitialBackoffMillis; 100 */
	int64_t retry_max_backoff_ms;		/* retryMaxBackoffMillis; 10,000 */
	size_t ring_bytes;			/* kagent: ringSizeBytes; 1 MiB */
	struct rx *multiline;			/* multiLineStartPattern, or NULL: a record a line */
	struct rx *footer;			/* fileFooterPattern: a line that ends a file, or NULL */
	int64_t poll_ms;			/* minTimeBetweenFilePollsMillis; 100 */
	const char *terminator;			/* truncatedRecordTerminator; "\n" */
	unsigned skip_header_lines;		/* skipHeaderLines: dropped at a file's start; 0 */
	int fifo_drop;				/* kagent: fifoOverflow "drop" (else "block") */
	size_t nproc;				/* dataProcessingOptions, in order */
	struct conf_proc proc[CONF_MAX_PROCS];
	const char *region;			/* kagent: a flow's awsRegion, else its endpoint's, else the top level's */
	int own_region;				/* awsRegion given in the flow */
	struct conf_endpoint ep;		/* kagent: a flow's endpoint key, else AWS's for its own region,
						   else the top level's for its API */
	const char *file;			/* the file it is in (the main one, or configDir's) */
	int line;				/* where the flow starts in it */
};

struct conf {
	const char *path;
	const char *access_key_id;	/* from the file, else AWS_ACCESS_KEY_ID; NULL if none */
	const char *secret_access_key;
	const char *session_token;	/* NULL if none */
	const char *creds_source;	/* "file", "environment" or "none" */
	const char *region;		/* awsRegion, else from the endpoint host, else us-east-1 */
	struct conf_endpoint firehose;	/* firehose.endpoint, else firehose.<region>.amazonaws.com */
	struct conf_endpoint kinesis;	/* kinesis.endpoint, else kinesis.<region>.amazonaws.com */
	struct conf_endpoint proxy;	/* proxy, else https_proxy / HTTPS_PROXY; host "" for none */
	char proxy_auth[256];		/* "Basic <base64 user:password>" from the proxy URL, or "" */
	const char *no_proxy;		/* no_proxy / NO_PROXY: hosts reached directly, or NULL */
	const char *resolv_conf;	/* kagent: resolvConf; /etc/resolv.conf */
	int64_t connect_timeout_ms;	/* connectionTimeoutMillis: resolve, connect, proxy; 10,000 */
	int64_t handshake_timeout_ms;	/* kagent: tlsHandshakeTimeoutMillis; 10,000 */
	int64_t socket_timeout_ms;	/* socketTimeoutMillis: a request's answer; 30,000 */
	int64_t idle_timeout_ms;	/* kagent: idleTimeoutMillis: an unused connection is closed; 50,000 */
	int64_t shutdown_timeout_ms;	/* shutdownTimeoutMillis: TERM sends what is buffered this long; 5,000 */
	int64_t send_failure_timeout_ms;	/* kagent: sendFailureTimeout: nothing delivered this long: exit 1; 0 = never */
	const char *checkpoint_file;
	const char *ca_file;
	int64_t checkpoint_interval_ms;	/* kagent: checkpointIntervalMillis; 1,000 */
	size_t nflows;
	struct conf_flow flows[CONF_MAX_FLOWS];
};

/* Reads and checks the file at path into c (strings are taken from the arena).
 * Unknown keys are warned about once and ignored.  Returns 0, or -1 after
 * writing "path:line: key: problem" to stderr. */
int conf_load(struct conf *c, const char *path);
/* The resolved settings, secrets masked (kagent -t). */
void conf_print(const struct conf *c, FILE *out);
/* A processor's options while the file is read: its object in
 * dataProcessingOptions (the Java agent puts the options beside optionName).
 * Each getter returns 1 and fills *out when key is there and valid, 0 when it
 * is absent, -1 after reporting "file:line: flows[i].dataProcessingOptions[j].key:
 * problem".  Strings are NUL-terminated, from the arena (start-up only).
 * Keys no getter asked for are warned about as unknown after init. */
struct conf_opts;
int conf_opt_string(struct conf_opts *o, const char *key, const char **out);
/* An array of strings; *n of them. */
int conf_opt_strings(struct conf_opts *o, const char *key, const char *const **out, size_t *n);
int conf_opt_int(struct conf_opts *o, const char *key, int64_t lo, int64_t hi, int64_t *out);
/* Any JSON value, as compact JSON text (whitespace outside strings dropped). */
int conf_opt_json(struct conf_opts *o, const char *key, const char **out, size_t *len);
/* Reports a problem with key (NULL: with the processor's entry as a whole)
 * and returns -1. */
int conf_opt_error(struct conf_opts *o, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* For tests and fuzzers: the options of a JSON object text, messages naming
 * "test:1".  NULL if the text is not a JSON object. */
struct conf_opts *conf_opts_parse(const char *json, size_t len);
#endif
