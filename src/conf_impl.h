/* The configuration reader's inside, shared by the src/conf*.c files and
 * nothing else.  Where each concern is:
 *
 *   conf.c        the reader: messages, the top level, configDir files,
 *                 reading files, printing (-t)
 *   conf_keys.c   every key kagent knows, one row each, and the walk that
 *                 applies a JSON object's keys through the rows
 *   conf_json.c   the text: comments, syntax errors with line:column, tokens
 *   conf_value.c  one value: strings, numbers, paths, enums, patterns
 *   conf_flow.c   a flow: the keys that need more than a row, the checks
 *                 that depend on its API
 *   conf_net.c    endpoints, regions, proxy and credentials
 *   conf_opts.c   a processor's options (conf_opts.h)
 */
#ifndef CONF_IMPL_H
#define CONF_IMPL_H
#include <stdint.h>
#include "conf.h"
#include "json.h"

#define CONF_MAX_FILE_BYTES	(1024 * 1024)
#define CONF_MAX_TOKENS		16384	/* 256 KiB of tokens; a real file has ~100 */
#define CONF_MAX_DEPTH		32	/* arrays and objects within each other */
#define CONF_MAX_PATH		4096	/* PATH_MAX, with its NUL */
/* A ring must always hold the longest record Firehose accepts plus the start
 * of the next line, or a long line could never be sent. */
#define CONF_RING_MIN		(FIREHOSE_MAX_RECORD_BYTES + 16384)
#define CONF_RING_MAX		(64 * 1024 * 1024)
/* Where kagent's own log goes, for the messages about the Java agent's log.*
 * keys. */
#define CONF_LOG_TARGET		"stderr or syslog (-s, logTarget)"

/* Where a key may be (struct conf_key's where, a set). */
enum {
	CONF_TOP = 1,				/* the top level: struct conf */
	CONF_FH = 2,				/* a Firehose flow: struct conf_flow */
	CONF_KIN = 4,				/* a Kinesis flow */
	CONF_FLOW = CONF_FH | CONF_KIN,
};

/* What a key's field is (struct conf_key's field). */
enum {
	CONF_NOFIELD,		/* none, or one the read function fills whole */
	CONF_INT32,		/* int, unsigned, an enum, a 32-bit size_t */
	CONF_INT64,		/* int64_t, a 64-bit size_t */
	CONF_PTR,		/* a pointer; its default is arg */
};

/* How a key's value is read: an index into conf_kinds[] (conf_keys.c). */
enum conf_kind {
	CONF_UNUSED,		/* a key kagent knows and does not use: arg says why */
	CONF_INT, CONF_PATH, CONF_ENUM, CONF_PATTERN, CONF_DURATION,		/* conf_value.c */
	CONF_BOOL, CONF_ASCII,
	CONF_FLOWS, CONF_FILE_PATTERN, CONF_STREAM, CONF_PARTITION_KEY,		/* conf_flow.c */
	CONF_TERMINATOR, CONF_PROCS,
	CONF_REGION, CONF_FLOW_REGION, CONF_ENDPOINT, CONF_FLOW_ENDPOINT,	/* conf_net.c */
	CONF_PROXY, CONF_CREDENTIAL,
	CONF_CONFIG_DIR,							/* conf.c */
	CONF_NAME,								/* conf_value.c */
};

struct conf_cx;
struct conf_key;
/* Reads value token v of key k into base (the struct conf or struct
 * conf_flow k's offset is in).  Returns 0, 1 when the value counts as
 * absent, or -1 after saying an error. */
typedef int conf_read_fn(struct conf_cx *x, const struct conf_key *k, int v, void *base);

/* One key of the configuration. */
struct conf_key {
	const char *name;
	const void *arg;	/* a pointer field's default, an enum's struct conf_enum,
				   an unused key's reason */
	int32_t min, max;	/* a number's range */
	int32_t def;		/* a number's or an enum's default */
	uint16_t off;		/* the field in struct conf or struct conf_flow */
	uint8_t kind;		/* enum conf_kind */
	uint8_t field : 2;	/* CONF_NOFIELD, CONF_INT32, CONF_INT64, CONF_PTR */
	uint8_t where : 3;	/* CONF_TOP, CONF_FH, CONF_KIN, a set of them */
	uint8_t empty : 1;	/* "" is as if the key were not there (the Java agent's
				   Strings.isNullOrEmpty): the read function never sees it */
	uint8_t print : 1;	/* kagent -t prints it, in the table's order */
};
#define CONF_MAX_KEYS 128
extern const struct conf_key conf_keys[];
extern const size_t conf_nkeys;

/* The characters a CONF_NAME key's value may have: its row's def. */
enum {
	CONF_CHARS_PRINTABLE,	/* printable ASCII but a space */
	CONF_CHARS_EXTERNAL_ID,	/* STS's externalIdType: [\w+=,.@:/-] */
	CONF_CHARS_ROLE_ALIAS,	/* IoT's RoleAlias: [\w=,@-] */
	CONF_CHARS_THING,	/* IoT's ThingName: [a-zA-Z0-9:_-] */
	CONF_CHARS_PROFILE,	/* a profile's name: printable ASCII but a space, [ and ] */
};

/* An enum key's values: names[v] is value v. */
struct conf_enum {
	const char *must;	/* for "must be %s": "START_OF_FILE or END_OF_FILE" */
	const char *names[4];
};

/* struct conf_cx's seen[]: a key row's key token, or one of these. */
#define CONF_ABSENT	(-1)
#define CONF_BAD	(-2)	/* given, and said to be wrong */

/* One file being read. */
struct conf_cx {
	struct conf_reader *r;
	struct conf *c;
	const char *name;	/* the file's, for messages */
	const char *js;		/* its text, comments blanked */
	int len;
	jsmntok_t *t;
	int ntok;
	int *seen;		/* the object being walked: CONF_MAX_KEYS entries */
	unsigned where;		/* and where it is (conf_object's) */
	char kp[160];		/* the key being read, as messages name it */
	uint64_t warned[CONF_MAX_KEYS / 64];	/* rows warned about once in this file */
};

/* ---- conf.c ---- */
conf_read_fn conf_k_config_dir;
/* Messages. */
/* "name:line: " (line 0: "name: ") and fmt, as one line to the reader's
 * say; err counts it as an error (only the first CONF_MAX_SHOWN are said). */
void conf_say(struct conf_cx *x, int line, int err, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* A syntax error at byte off: "name:line:column: " and fmt. */
void conf_say_at(struct conf_cx *x, int off, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* An error about the key being read (x->kp), on token tok's line. */
void conf_bad(struct conf_cx *x, int tok, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The same as a warning: said, not counted. */
void conf_warn(struct conf_cx *x, int tok, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int conf_line(const struct conf_cx *x, int tok);
/* say: one write() a line to stderr (fd 2). */
void conf_say_stderr(struct conf_say *say);

/* ---- conf_json.c ---- */
/* Where byte off of js is: 1-based line and column, the column in
 * characters (UTF-8 continuation bytes do not count). */
void conf_pos(const char *js, int off, int *line, int *col);
/* Blanks the comments of text (len bytes), checks that it is JSON (saying
 * where and what was expected when not) and tokenizes it into x.  Returns 0,
 * or -1 after saying why. */
int conf_json(struct conf_cx *x, char *text, int len);

/* ---- conf_keys.c ---- */
/* The row of name (n bytes) that may be in where; else any row of that name
 * (a key in the wrong place); else NULL. */
const struct conf_key *conf_key_find(const char *name, int n, unsigned where);
/* Every default of the rows whose fields are in base (where: CONF_TOP for
 * struct conf, CONF_FLOW for struct conf_flow). */
void conf_defaults(void *base, unsigned where);
/* Applies the keys of the object at token obj (in where: CONF_TOP, or a
 * flow's API, CONF_FLOW if not known) to base; messages name each key
 * prefix + name.  Fills seen (CONF_MAX_KEYS), which stays x->seen. */
void conf_object(struct conf_cx *x, int obj, unsigned where, void *base, const char *prefix, int *seen);
/* "prefix" + "name = value" for each row in where that kagent -t prints,
 * from base (struct conf or struct conf_flow). */
void conf_print_keys(int out, const void *base, unsigned where, const char *prefix);
/* seen[] of the row named name in the object last walked. */
int conf_got(const struct conf_cx *x, const char *name);
/* Jackson keeps the last of two equal keys without a word; a second value
 * is almost always a mistake: 1 after saying so. */
int conf_dup(struct conf_cx *x, int obj, int key);

/* ---- conf_value.c ---- */
/* The value token's text as it is in the file (a string without its quotes),
 * shortened for messages: "%.*s" with CONF_SHOWN. */
#define CONF_SHOWN(x, tok) conf_tlen(x, tok) > 80 ? 80 : conf_tlen(x, tok), (x)->js + (x)->t[tok].start
int conf_tlen(const struct conf_cx *x, int tok);
/* x->kp = prefix + the key at token key as written. */
void conf_keypath(struct conf_cx *x, int key, const char *prefix);
/* The decoded string at token v (arena), or NULL after an error. */
const char *conf_string(struct conf_cx *x, int v);
const char *conf_nonempty(struct conf_cx *x, int v);
const char *conf_abspath(struct conf_cx *x, int v);
/* An integer in lo..hi: a JSON number, or a string of decimal digits, which
 * the Java agent also takes.  0, or -1 after an error. */
int conf_int(struct conf_cx *x, int v, int64_t lo, int64_t hi, int64_t *out);
void conf_put_int(void *base, const struct conf_key *k, int64_t v);
void conf_put_ptr(void *base, const struct conf_key *k, const void *p);
conf_read_fn conf_k_int, conf_k_path, conf_k_enum, conf_k_pattern, conf_k_duration, conf_k_name;
/* true or false, or a string or number the Java agent's BooleanConverter
 * takes ("true", "yes", "t", "y", "1"; "false", "no", "f", "n", "0", any
 * case): its def the default. */
conf_read_fn conf_k_bool;
/* The boolean at token v as conf_k_bool reads it: 1, 0, or -1 if none. */
int conf_bool(const struct conf_cx *x, int v);
/* A name CloudWatch takes: printable ASCII, at most max bytes, not only
 * blanks; min 1: not starting with ':' (a namespace).  "" is kept. */
conf_read_fn conf_k_ascii;

/* ---- conf_flow.c ---- */
/* The flows array at token arr, appended to x->c's flows. */
int conf_flows(struct conf_cx *x, int arr);
conf_read_fn conf_k_flows, conf_k_file_pattern, conf_k_stream, conf_k_partition_key,
    conf_k_terminator, conf_k_procs;

/* ---- conf_net.c ---- */
int conf_region_ok(const char *s, size_t n);
/* Cleartext: an http:// endpoint ep (value token v) sends the signed
 * requests and the session token as they are.  Refused, after saying so,
 * unless its host is loopback or the main file has allowCleartext true:
 * 0 or -1.  Every key naming an endpoint the agent signs for calls it. */
int conf_cleartext(struct conf_cx *x, int v, const struct conf_endpoint *ep);
conf_read_fn conf_k_region, conf_k_flow_region, conf_k_endpoint, conf_k_flow_endpoint, conf_k_proxy,
    conf_k_credential;
/* After the top level's keys: its region and endpoints, the proxy from the
 * environment, the credentials. */
void conf_settle_top(struct conf_cx *x);
/* After every file: each flow's region and endpoint. */
void conf_settle_flows(struct conf *c);
/* The region named by a flow's own endpoint (kp, its key at token ep_key)
 * against its own awsRegion (key token region_key, or CONF_ABSENT). */
void conf_flow_endpoint_region(struct conf_cx *x, struct conf_flow *f, const char *kp, int ep_key,
    int region_key);

/* ---- conf_opts.c ---- */
/* One entry of a flow's dataProcessingOptions (token obj) into p; messages
 * name pfx ("flows[0].dataProcessingOptions[1]").  0, or -1 after an error. */
int conf_proc(struct conf_cx *x, int obj, const char *pfx, struct conf_proc *p);
#endif
