/* Processors: the Kinesis Agent's dataProcessingOptions, each one file in
 * src/proc/ exposing one struct processor.  The build generates the table of
 * those selected with make PROCESSORS="..." (build/<target>/gen/proctab.c). */
#ifndef PROC_H
#define PROC_H
#include <stddef.h>
#include <stdint.h>

struct conf_opts;

/* What a processor may know of the record besides its bytes. */
struct proc_meta {
	int64_t wall_ms;	/* when the record was read, ms since the epoch (UTC) */
};

enum {
	PROC_DROP = -1,		/* the record is not sent (e.g. a line LOGTOJSON does not match) */
	PROC_TOOLONG = -2,	/* the output does not fit in cap */
};

struct processor {
	const char *name;	/* optionName in dataProcessingOptions, e.g. "LOGTOJSON" */
	const char *build;	/* its name in PROCESSORS=, e.g. "logtojson" */
	/* Start-up: reads the options (see conf.h, conf_opt_*), takes its state
	 * from the arena.  Returns 0, or -1 after reporting the error through
	 * conf_opt_error (file:line: key: problem). */
	int (*init)(void **state, struct conf_opts *o);
	/* in (n bytes) -> out (at most cap bytes).  Returns the output length,
	 * PROC_DROP or PROC_TOOLONG.  Must be a pure function of in, the options
	 * and m (it runs again for a record whose output could not be kept:
	 * chain.h), except for counters kept in state.  Allocates nothing. */
	long (*run)(void *state, const char *in, size_t n, char *out, size_t cap, const struct proc_meta *m);
};

/* The compiled-in processors, NULL-terminated (generated). */
extern const struct processor *const proc_table[];

/* The processor named name (optionName), or NULL. */
const struct processor *proc_find(const char *name);
/* Why a name that is not compiled in cannot be used: "not compiled in: build
 * with PROCESSORS=\"... logtojson\"", "cannot exist here: ..." or "unknown
 * processor; valid: ...".  Into out. */
void proc_why_not(const char *name, char *out, size_t cap);
#endif
