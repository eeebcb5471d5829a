/* libFuzzer target: the regular-expression compiler and matcher.  The first
 * byte gives the pattern length (at most 63), the pattern follows, the rest
 * is the input.  Every pattern either compiles or is refused with "at N: ..."
 * (N within the pattern); a compiled one runs in the three modes from several
 * offsets.  Checks: group positions lie inside the match, which lies inside
 * s[from..n); MATCHES gives from..n; a MATCHES match is also a LOOKINGAT
 * match, and LOOKINGAT and FIND agree whenever either starts at from; runs
 * are repeatable; rx_exec (which takes the backtracker when the pattern
 * allows it) gives the Pike VM's result and groups exactly; and where
 * rx_delim takes the pattern, rx_delim_find gives FIND's match.
 *
 * rx_compile takes its memory from the start-up arena, which is never given
 * back: past FZ_ARENA_BUDGET bytes new patterns are no longer compiled and
 * the inputs run against the patterns compiled at start. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "arena.h"
#include "rx.h"
#include "fuzz.h"

#define FZ_ARENA_BUDGET ((size_t)1 << 30)
#define FZ_NCAPS (RX_MAX_GROUPS + 2)

static const char *const fz_fixed[] = {
	"^(\\S+) (\\S+) \\[([^\\]]+)\\] \"([^\"]*)\" (\\d{3}|-) (\\d+|-)",
	"(a|ab)(c|bcd)(d*)",
	"(?:(a)|b|)*?x$",
	"\\b\\w+\\b",
	"(.)(\\s*)(.+?)\\z",
	"^(\\S+) (\\S+) (.*) ([^ ]+)$",
	"([a-c]+)b|(.)*?(x+|y)c",
	"\\b(?:Jan|(Fe)b|Mar|May|-)\\s*-?(?:(a)|b|\\d+|)(\\w)",
};
#define FZ_NFIXED (sizeof fz_fixed / sizeof fz_fixed[0])

/* The arena is never given back, by design: not a leak. */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
	return "detect_leaks=0";
}

static void fz_die(const char *what)
{
	fprintf(stderr, "fuzz_rx: %s\n", what);
	abort();
}

static void rx_check(struct rx *rx, const char *s, size_t n, size_t from)
{
	int m[2 * FZ_NCAPS], l[2 * FZ_NCAPS], f[2 * FZ_NCAPS], again[2 * FZ_NCAPS], pike[2 * FZ_NCAPS];
	int ng = rx_groups(rx), rm, rl, rf;
	struct rx_delim d;
	enum rx_mode modes[3] = { RX_MATCHES, RX_LOOKINGAT, RX_FIND };
	int *caps[3] = { m, l, f }, r[3];

	if (ng < 0 || ng > RX_MAX_GROUPS)
		fz_die("group count");
	for (int k = 0; k < 3; k++) {
		r[k] = FZ_LOOP(rx_exec(rx, s, n, from, modes[k], caps[k], FZ_NCAPS));
		if (r[k] != 0 && r[k] != 1)
			fz_die("result");
		if (rx_exec(rx, s, n, from, modes[k], again, FZ_NCAPS) != r[k] ||
		    memcmp(again, caps[k], sizeof again) != 0)
			fz_die("not repeatable");
		if (rx_exec_pike(rx, s, n, from, modes[k], pike, FZ_NCAPS) != r[k] ||
		    memcmp(pike, caps[k], sizeof pike) != 0)
			fz_die("differs from the Pike VM");
		for (int g = 0; g < FZ_NCAPS; g++) {
			int a = caps[k][2 * g], b = caps[k][2 * g + 1];
			if (!r[k] || g > ng) {
				if (a != -1 || b != -1)
					fz_die("a group set without a match");
				continue;
			}
			if ((a == -1) != (b == -1))
				fz_die("half a group");
			if (a == -1)
				continue;
			if (a > b || a < caps[k][0] || b > caps[k][1] || (size_t)b > n)
				fz_die("group outside the match");
		}
		if (r[k] && (size_t)caps[k][0] < from)
			fz_die("match before from");
	}
	rm = r[0];
	rl = r[1];
	rf = r[2];
	if (rm && ((size_t)m[0] != from || (size_t)m[1] != n))
		fz_die("MATCHES not from..n");
	if (rm && !rl)
		fz_die("MATCHES without LOOKINGAT");
	if (rl && (size_t)l[0] != from)
		fz_die("LOOKINGAT not at from");
	if (rl && (!rf || memcmp(l, f, sizeof l) != 0))
		fz_die("LOOKINGAT and FIND differ");
	if (!rl && rf && (size_t)f[0] == from)
		fz_die("FIND at from without LOOKINGAT");
	if (rx_delim(rx, &d)) {
		size_t ms, me;
		int rd = rx_delim_find(&d, s, n, from, &ms, &me);

		if (rd != rf || (rd && (ms != (size_t)f[0] || me != (size_t)f[1])))
			fz_die("rx_delim_find differs from FIND");
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct rx *fixed[FZ_NFIXED];
	static int ready;
	char err[128];
	size_t plen, n;
	const char *pat, *s;
	struct rx *rx = NULL;

	if (!ready) {
		for (size_t i = 0; i < FZ_NFIXED; i++)
			if (!(fixed[i] = rx_compile(fz_fixed[i], strlen(fz_fixed[i]), err, sizeof err)))
				fz_die(err);
		ready = 1;
	}
	if (size < 1)
		return 0;
	plen = data[0] & 63;
	if (plen > size - 1)
		plen = size - 1;
	pat = (const char *)data + 1;
	s = pat + plen;
	n = size - 1 - plen;
	if (arena_used() < FZ_ARENA_BUDGET) {
		memset(err, 0, sizeof err);
		rx = rx_compile(pat, plen, err, sizeof err);
		if (!rx) {
			unsigned long at;
			if (sscanf(err, "at %lu: ", &at) != 1 || at > plen || !memchr(err, 0, sizeof err))
				fz_die("bad error message");
		}
	}
	if (!rx)
		rx = fixed[data[0] % FZ_NFIXED];
	size_t froms[] = { 0, 1, n / 2, n };
	for (size_t i = 0; i < sizeof froms / sizeof froms[0]; i++)
		if (froms[i] <= n)
			rx_check(rx, s, n, froms[i]);
	return 0;
}
