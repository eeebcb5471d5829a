/* What a processor sees of the configuration: its own entry of
 * dataProcessingOptions (the Java agent puts the options beside optionName),
 * while the file is read.  A processor's init (proc.h) takes its options
 * through these getters and nothing else of conf.h. */
#ifndef CONF_OPTS_H
#define CONF_OPTS_H
#include <stddef.h>
#include <stdint.h>

struct conf_opts;

/* Each getter returns 1 and fills *out when key is there and valid, 0 when it
 * is absent, -1 after reporting "file:line:
 * flows[i].dataProcessingOptions[j].key: problem".  Strings are
 * NUL-terminated, from the arena (start-up only).  Keys no getter asked for
 * are warned about as unknown after init. */
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
 * "test:1" written to stderr.  NULL if the text is not a JSON object. */
struct conf_opts *conf_opts_parse(const char *json, size_t len);
#endif
