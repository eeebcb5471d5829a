/* libFuzzer target: the configuration reader on hostile text.  The first
 * byte of the input chooses the environment (none, AWS credentials, proxy
 * variables, or all of them) and whether the rest is one file or, split at
 * its first NUL byte, the main file and one configDir file.  Checks:
 *   - every message is one whole line, "name:line: ...", "name:line:col:
 *     ..." or "name: ...", naming one of the files, with no control byte;
 *   - a text refused says at least one line; past CONF_MAX_SHOWN errors the
 *     last line says how many more there were;
 *   - a text accepted gives what the agent relies on: 1..8 flows, each with
 *     a pattern, a stream, a region and an endpoint, its limits within its
 *     API's; and it prints (kagent -t).
 * The arena is given back before each input: what the reader takes from it
 * is bounded by one input, and ASan sees any use of memory it gave back. */
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "arena.h"
#include "conf.h"
#include "fuzz.h"
#include "kinesis.h"

static const char *const fz_names[] = { "kagent.conf", "agent.d/a.json" };
static size_t fz_lines;
static char fz_last[1100];

/* "name:", then " ", or "line: ", or "line:col: ". */
static int fz_well_formed(const char *s, size_t n)
{
	size_t i, k, len;
	int parts;

	for (i = 0; i < n - 1; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return 0;
	for (k = 0; k < FZ_N(fz_names); k++) {
		len = strlen(fz_names[k]);
		if (n <= len + 2 || memcmp(s, fz_names[k], len) != 0 || s[len] != ':')
			continue;
		for (i = len + 1, parts = 0; parts < 2 && s[i] >= '1' && s[i] <= '9'; parts++) {
			while (i < n && s[i] >= '0' && s[i] <= '9')
				i++;
			if (i >= n || s[i] != ':')
				return 0;
			i++;
		}
		return s[i] == ' ';
	}
	return 0;
}

static void fz_line(void *arg, const char *s, size_t n)
{
	(void)arg;
	if (n < 2 || n > 1024 || s[n - 1] != '\n' || !fz_well_formed(s, n))
		abort();
	memcpy(fz_last, s, n);
	fz_last[n] = 0;
	fz_lines++;
}

static void fz_check_flow(const struct conf_flow *f)
{
	int kin = f->api == API_KINESIS;
	size_t max_batch = kin ? kinesis_max_batch_bytes(f->max_record_bytes) : FIREHOSE_MAX_BATCH_BYTES;
	size_t max_rec = kin ? f->max_record_bytes : FIREHOSE_MAX_RECORD_BYTES;

	if (!f->file_pattern || f->file_pattern[0] != '/' || !f->stream || !f->stream[0] || !f->region ||
	    !f->region[0] || !f->ep.host[0] || f->ep.port < 1 || f->ep.port > 65535 || !f->file || f->line < 1)
		abort();
	if (f->max_buffer_records < 1 || f->max_buffer_records > FIREHOSE_MAX_BATCH_RECORDS ||
	    f->max_buffer_bytes < 1 || f->max_buffer_bytes > max_batch || f->max_inflight < 1 ||
	    f->max_inflight > CONF_MAX_INFLIGHT)
		abort();
	if (f->ring_bytes < max_rec + 16384 || f->ring_bytes > 64 * 1024 * 1024)
		abort();
	if (f->retry_initial_backoff_ms < 1 || f->retry_max_backoff_ms < f->retry_initial_backoff_ms ||
	    f->max_buffer_age_ms < 1000 || f->poll_ms < 1 || !f->terminator || !f->terminator[0])
		abort();
	if (kin && (f->max_record_bytes < KINESIS_MAX_RECORD_BYTES || f->max_record_bytes > KINESIS_MAX_RECORD_BYTES_LARGE ||
	    ((f->key_kind == KINESIS_KEY_FIXED || f->key_kind == KINESIS_KEY_FIELD) != (f->key_arg != NULL))))
		abort();
	if (!kin && f->aggregate_bytes > FIREHOSE_MAX_RECORD_BYTES)
		abort();
	if (f->nproc > CONF_MAX_PROCS)
		abort();
	for (size_t i = 0; i < f->nproc; i++)
		if (!f->proc[i].p)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const creds[] = { "AWS_ACCESS_KEY_ID=AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY=secret", NULL };
	static const char *const proxy[] = { "https_proxy=http://u:p@proxy:3128", "no_proxy=localhost", NULL };
	static const char *const all[] = { "AWS_ACCESS_KEY_ID=AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY=secret",
		"AWS_SESSION_TOKEN=token", "HTTPS_PROXY=http://[::1]", "NO_PROXY=*", NULL };
	static const char *const *const envs[] = { NULL, creds, proxy, all };
	static int devnull = -1;
	struct conf_say say = { fz_line, NULL };
	struct conf_reader r;
	struct conf c;
	const uint8_t *nul = NULL;
	char *main_text, *dropin = NULL;
	size_t main_len, drop_len = 0;
	int rc;

	if (size < 1)
		return 0;
	if (devnull < 0 && (devnull = open("/dev/null", O_WRONLY)) < 0)
		abort();
	arena_reset();
	fz_lines = 0;
	fz_last[0] = 0;
	main_len = size - 1;
	if ((data[0] & 4) && (nul = memchr(data + 1, 0, size - 1))) {
		main_len = (size_t)(nul - (data + 1));
		drop_len = size - 2 - main_len;
	}
	/* exactly as long as the text, so that ASan sees a read past it */
	if (!(main_text = malloc(main_len ? main_len : 1)) || (nul && !(dropin = malloc(drop_len ? drop_len : 1))))
		abort();
	memcpy(main_text, data + 1, main_len);
	if (nul)
		memcpy(dropin, nul + 1, drop_len);
	conf_begin(&r, &c, fz_names[0], envs[data[0] & 3], &say);
	conf_text(&r, main_text, main_len, fz_names[0]);
	if (nul)
		conf_text(&r, dropin, drop_len, fz_names[1]);
	rc = conf_end(&r);
	if ((rc < 0) != (r.errors > 0) || (rc < 0 && fz_lines == 0))
		abort();
	if (r.errors > CONF_MAX_SHOWN && strncmp(fz_last, "kagent.conf: ... and ", 21) != 0)
		abort();
	if (rc == 0) {
		if (c.nflows < 1 || c.nflows > CONF_MAX_FLOWS || !c.region || !c.firehose.host[0] || !c.kinesis.host[0] ||
		    !c.creds_source || !c.checkpoint_file || c.checkpoint_file[0] != '/' || !c.ca_file ||
		    !c.resolv_conf || (c.access_key_id == NULL) != (c.secret_access_key == NULL))
			abort();
		for (size_t i = 0; i < c.nflows; i++)
			fz_check_flow(&c.flows[i]);
		conf_print(&c, devnull);
	}
	free(main_text);
	free(dropin);
	return 0;
}
