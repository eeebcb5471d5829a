/* fmt_snprintf and fmt_dprintf against libc's snprintf, which they
 * replace: the same bytes and the same return for every conversion kagent
 * uses, at every cut. */
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "t.h"
#include "fmt.h"

/* libc's, out of sight of the compiler's warnings about cut output */
static int fmt_t_libc(char *out, size_t cap, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(out, cap, fmt, ap);
	va_end(ap);
	return n;
}

/* Both formatters into buffers of every size up to 64; equal each time. */
#define FMT_T_SAME(...) do { \
	char want_[200], got_[200]; \
	int wn_ = fmt_t_libc(want_, sizeof want_, __VA_ARGS__); \
	T_EQ_INT(fmt_snprintf(got_, sizeof got_, __VA_ARGS__), wn_); \
	T_EQ_STR(got_, want_); \
	for (size_t cap_ = 0; cap_ < 64; cap_++) { \
		memset(got_, 'Z', sizeof got_); \
		memset(want_, 'Z', sizeof want_); \
		T_EQ_INT(fmt_snprintf(got_, cap_, __VA_ARGS__), fmt_t_libc(want_, cap_, __VA_ARGS__)); \
		T_TRUE(memcmp(got_, want_, sizeof got_) == 0); \
	} \
} while (0)

T(fmt_as_snprintf)
{
	static const long long ll[] = { 0, 1, -1, 9, 10, -10, 4095, 65535, INT_MAX, INT_MIN, LLONG_MAX, LLONG_MIN };
	const char *s = "pathname.json";

	for (size_t i = 0; i < sizeof ll / sizeof *ll; i++) {
		int d = (int)ll[i];
		FMT_T_SAME("%d|%i|%u|%x|%X|%o|%5d|%-5d|%05d|%02d|%03d", d, d, (unsigned)d, (unsigned)d, (unsigned)d,
		    (unsigned)d, d, d, d, d, d);
		FMT_T_SAME("%lld|%llu|%016llx|%04lld|%-22lld|%022lld", ll[i], (unsigned long long)ll[i],
		    (unsigned long long)ll[i], ll[i], ll[i], ll[i]);
		FMT_T_SAME("%ld|%lu|%zu|%jd|%td|%" PRId64 "|%" PRIu64, (long)ll[i], (unsigned long)ll[i],
		    (size_t)ll[i], (intmax_t)ll[i], (ptrdiff_t)ll[i], (int64_t)ll[i], (uint64_t)ll[i]);
		FMT_T_SAME("%*d|%-*d|%0*d|%*u", 7, d, 7, d, 7, d, -7, (unsigned)d);
		FMT_T_SAME("mode %04o, %03o, %02x, %04x", (unsigned)d & 07777, (unsigned)d & 0777, (unsigned)d & 0xff,
		    (unsigned)d & 0xffff);
	}
	FMT_T_SAME("%s", "");
	FMT_T_SAME("%s:%d:%d: %s: %s", s, 12, 7, "flows[0].filePattern", "must be absolute");
	FMT_T_SAME("[%.*s] [%.*s] [%.*s] [%.4s] [%.140s] [%.0s]", 3, s, 0, s, 40, s, "AKIDEXAMPLE", s, s);
	FMT_T_SAME("[%*s] [%-*s] [%20s] [%-20s|] [%.*s]", 20, s, 20, s, s, s, -1, s);
	FMT_T_SAME("%c%c%c '%c' %3c|%-3c|", 'a', '\\', '\'', '{', 'x', 'y');
	FMT_T_SAME("100%% %s %%%d%%", "sure", 5);
	FMT_T_SAME("no conversion at all, a longer text than the smallest buffers");
	FMT_T_SAME("%s%s%s", "a", "", "bc");
}

/* A precision stops %s before a NUL it would never reach. */
T(fmt_precision_reads_no_further)
{
	char four[4] = { 'a', 'b', 'c', 'd' }, out[8];

	T_EQ_INT(fmt_snprintf(out, sizeof out, "%.4s|", four), 5);
	T_EQ_STR(out, "abcd|");
	T_EQ_INT(fmt_snprintf(out, sizeof out, "%.*s", 2, four), 2);
	T_EQ_STR(out, "ab");
}

/* What the format check lets through but fmt does not do is shown. */
T(fmt_unsupported_conversion_is_shown)
{
	char out[64];
	const char *hh = "%hhd and %d", *pc = "%";

	T_EQ_INT(fmt_snprintf(out, sizeof out, hh, 1, 2), 12);
	T_EQ_STR(out, "%?hhd and %d");
	T_EQ_INT(fmt_snprintf(out, sizeof out, pc), 2);
	T_EQ_STR(out, "%?");
}

/* fmt_dprintf: any length, through a file descriptor, and its return. */
T(fmt_dprintf_as_fprintf)
{
	static char want[4096];
	char big[1500];
	FILE *f;
	int wn, gn, fd;

	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	big[700] = 'y';
	T_TRUE((f = fmemopen(want, sizeof want, "w")) != NULL);
	wn = fprintf(f, "%s|%d|%s|%zu\n", big, -42, big + 1000, sizeof big);
	fclose(f);
	t_capture_begin();
	gn = fmt_dprintf(2, "%s|%d|%s|%zu\n", big, -42, big + 1000, sizeof big);
	T_EQ_STR(t_capture_end(), want);
	T_EQ_INT(gn, wn);
	T_EQ_INT(gn, 1499 + 5 + 499 + 6);
	/* a file that takes nothing (ENOSPC) */
	T_TRUE((fd = open("/dev/full", O_WRONLY)) >= 0);
	T_EQ_INT(fmt_dprintf(fd, "%s", big), -1);
	close(fd);
}
