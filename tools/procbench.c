/* make bench: what one run of a processor costs, per line of a file.
 *
 *   procbench FILE 'OPTIONS-JSON' [REPEAT]
 *
 * OPTIONS-JSON is one entry of dataProcessingOptions.  Runs the processor
 * over every line of FILE REPEAT times (default 1) and prints
 * "lines ns_per_line output_bytes dropped".  Built from kagent's own objects
 * (tools/bench.py runs it natively for time and under valgrind for
 * instructions). */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "conf.h"
#include "conf_opts.h"
#include "proc.h"

static char out[1 << 20];

int main(int argc, char **argv)
{
	const struct processor *p = NULL;
	struct conf_opts *o;
	struct proc_meta m = { 1700000000000 };
	struct timespec t0, t1;
	struct stat st;
	size_t lines = 0, bytes = 0, dropped = 0;
	char *data, name[64];
	const char *q;
	void *state = NULL;
	int fd, repeat = argc > 3 ? atoi(argv[3]) : 1;

	if (argc < 3 || (fd = open(argv[1], O_RDONLY)) < 0 || fstat(fd, &st) < 0) {
		fprintf(stderr, "usage: procbench FILE 'OPTIONS-JSON' [REPEAT]\n");
		return 2;
	}
	data = malloc((size_t)st.st_size + 1);
	if (!data || read(fd, data, (size_t)st.st_size) != st.st_size)
		return 1;
	/* the optionName, to find the processor */
	if (!(q = strstr(argv[2], "\"optionName\"")) || !(q = strchr(q + 12, '"')) ||
	    sscanf(q + 1, "%63[^\"]", name) != 1 || !(p = proc_find(name))) {
		fprintf(stderr, "procbench: no such processor in %s\n", argv[2]);
		return 2;
	}
	if (!(o = conf_opts_parse(argv[2], strlen(argv[2]))) || p->init(&state, o) < 0)
		return 2;
	/* the lines are found first, so that a run with REPEAT 0 counts all
	 * but the processor's own work */
	size_t nl = 0, *start = malloc(((size_t)st.st_size + 1) * sizeof *start);
	if (!start)
		return 1;
	for (size_t at = 0; at < (size_t)st.st_size;) {
		char *e = memchr(data + at, '\n', (size_t)st.st_size - at);
		start[nl++] = at;
		at = e ? (size_t)(e - data) + 1 : (size_t)st.st_size;
	}
	start[nl] = (size_t)st.st_size;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int r = 0; r < repeat; r++) {
		for (size_t i = 0; i < nl; i++) {
			long k = p->run(state, data + start[i], start[i + 1] - start[i], out, sizeof out, &m);

			if (k < 0)
				dropped++;
			else
				bytes += (size_t)k;
			lines++;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("%zu %.1f %zu %zu\n", lines,
	    ((double)(t1.tv_sec - t0.tv_sec) * 1e9 + (double)(t1.tv_nsec - t0.tv_nsec)) / (double)(lines ? lines : 1), bytes,
	    dropped);
	return 0;
}
