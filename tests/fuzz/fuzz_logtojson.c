/* LOGTOJSON on arbitrary bytes: every format, a user matchPattern with
 * lazy/optional groups, PRETTYPRINT and onMismatch raw, each run into a
 * buffer at several caps.  Checks what the processor promises: the result is
 * a length, PROC_DROP or PROC_TOOLONG; nothing is written past cap; the same
 * input gives the same bytes at every cap that holds it; the output ends in
 * "\n".  And every format's scanner against its regular expression: a
 * line the scanner takes, the expression matches with the same groups. */
#include <fcntl.h>
#include <unistd.h>

#include "fuzz.h"
#include "rx.h"

extern const struct processor proc_logtojson;
size_t l2j_pattern(const char *format, char *out, size_t cap);
int l2j_apache(const char *s, size_t n, int combined, int *caps);
int l2j_bsd(const char *s, size_t n, int rfc3339, int *caps);
int l2j_logread(const char *s, size_t n, int variant, int *caps);
int l2j_error(const char *s, size_t n, int variant, int *caps);
int l2j_5424(const char *s, size_t n, int variant, int *caps);
static const struct {
	const char *format;
	int (*scan)(const char *, size_t, int, int *);
	int variant, groups;
} fuzz_scanners[] = {
	{ "COMMONAPACHELOG", l2j_apache, 0, 8 },
	{ "COMBINEDAPACHELOG", l2j_apache, 1, 10 },
	{ "SYSLOG", l2j_bsd, 0, 6 },
	{ "RFC3339SYSLOG", l2j_bsd, 1, 6 },
	{ "OPENWRTLOG", l2j_logread, 0, 7 },
	{ "APACHEERRORLOG", l2j_error, 0, 8 },
	{ "RFC5424SYSLOG", l2j_5424, 0, 10 },
};
#define FUZZ_NSCAN (sizeof fuzz_scanners / sizeof fuzz_scanners[0])
static struct rx *fuzz_rx[FUZZ_NSCAN];

static const char *const fuzz_opts[] = {
	"{\"logFormat\":\"COMMONAPACHELOG\"}",
	"{\"logFormat\":\"COMBINEDAPACHELOG\",\"onMismatch\":\"raw\"}",
	"{\"logFormat\":\"APACHEERRORLOG\",\"jsonFormat\":\"PRETTYPRINT\"}",
	"{\"logFormat\":\"SYSLOG\",\"customFieldNames\":[\"a\",\"b\",\"c\",\"d\",\"e\"]}",
	"{\"logFormat\":\"RFC3339SYSLOG\",\"onMismatch\":\"raw\",\"jsonFormat\":\"PRETTYPRINT\"}",
	"{\"logFormat\":\"RFC5424SYSLOG\"}",
	"{\"logFormat\":\"OPENWRTLOG\",\"onMismatch\":\"raw\"}",
	("{\"logFormat\":\"COMMONAPACHELOG\",\"matchPattern\":\"^([\\\\d.]+) (\\\\S+) (\\\\S+) "
	    "\\\\[([\\\\w:/]+\\\\s[+\\\\-]\\\\d{4})\\\\] \\\"(.+?)\\\" (\\\\d{3})\","
	    "\"customFieldNames\":[\"host\",\"ident\",\"authuser\",\"datetime\",\"request\",\"response\"]}"),
	("{\"logFormat\":\"SYSLOG\",\"matchPattern\":\"(a|b)*?(\\\\w+)?\\\\s*(.*)\","
	    "\"customFieldNames\":[\"x\",\"y\",\"x\"],\"onMismatch\":\"raw\"}"),
};
#define FUZZ_N (sizeof fuzz_opts / sizeof fuzz_opts[0])

static void *fuzz_state[FUZZ_N];
static char fuzz_full[4 * 1024 * 1024], fuzz_out[4 * 1024 * 1024 + 64];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	static const size_t caps[] = { 0, 1, 2, 17, 64, 300 };
	const struct proc_meta m = { 0 };
	size_t i, k;

	if (!ready) {
		int null = open("/dev/null", O_WRONLY), saved = dup(2);

		for (i = 0; i < FUZZ_N; i++)
			fuzz_state[i] = fz_start(&proc_logtojson, fuzz_opts[i]);
		for (i = 0; i < FUZZ_NSCAN; i++) {
			char pat[1024];
			size_t n = l2j_pattern(fuzz_scanners[i].format, pat, sizeof pat);

			if (!(fuzz_rx[i] = rx_compile(pat, n, NULL, 0)))
				abort();
		}
		/* each instance warns once, on its first line that does not
		 * match: have that said to /dev/null now (U+2028 is matched by
		 * neither '.' nor \s in Java), and keep stderr for libFuzzer */
		if (null >= 0 && saved >= 0) {
			dup2(null, 2);
			for (i = 0; i < FUZZ_N; i++)
				proc_logtojson.run(fuzz_state[i], "\342\200\250", 3, fuzz_out, 64, &m);
			dup2(saved, 2);
		}
		if (null >= 0)
			close(null);
		if (saved >= 0)
			close(saved);
		ready = 1;
	}
	for (i = 0; i < FUZZ_NSCAN && size < 0x7fffffff; i++) {
		int fast[20], slow[20], g = fuzz_scanners[i].groups;

		if (fuzz_scanners[i].scan((const char *)data, size, fuzz_scanners[i].variant, fast) &&
		    (!rx_exec_pike(fuzz_rx[i], (const char *)data, size, 0, RX_MATCHES, slow, g) ||
		     memcmp(fast, slow, (size_t)g * 2 * sizeof(int))))
			abort();
	}
	for (i = 0; i < FUZZ_N; i++) {
		long full = FZ_LOOP(proc_logtojson.run(fuzz_state[i], (const char *)data, size, fuzz_full,
		    sizeof fuzz_full, &m));

		if (full != PROC_DROP && full <= 0)
			abort();
		if (full > 0 && fuzz_full[full - 1] != '\n')
			abort();
		for (k = 0; k < sizeof caps / sizeof caps[0]; k++) {
			long r;

			memset(fuzz_out, 0xA5, caps[k] + 64);
			r = FZ_LOOP(proc_logtojson.run(fuzz_state[i], (const char *)data, size, fuzz_out, caps[k], &m));
			if (full == PROC_DROP ? r != PROC_DROP
			    : (size_t)full <= caps[k] ? r != full || memcmp(fuzz_out, fuzz_full, (size_t)r)
			    : r != PROC_TOOLONG)
				abort();
			for (size_t j = caps[k]; j < caps[k] + 64; j++)
				if ((unsigned char)fuzz_out[j] != 0xA5)
					abort();
		}
	}
	return 0;
}
