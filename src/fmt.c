/* The formatter (see fmt.h): one pass over the format into a sink, which
 * either fills a caller's buffer (counting what does not fit) or goes to a
 * file descriptor a buffer at a time. */
#include <stdint.h>
#include <string.h>

#include "file.h"
#include "fmt.h"
#include "numfmt.h"

struct fmt_sink {
	char *buf;
	size_t cap, len;	/* bytes in buf */
	size_t total;		/* bytes of the whole text, those cut off too */
	int fd;			/* if >= 0, buf goes here whenever it is full */
	int failed;
};

static void fmt_flush(struct fmt_sink *s)
{
	if (!s->failed && file_write_all(s->fd, s->buf, s->len) < 0)
		s->failed = 1;
	s->len = 0;
}

static void fmt_put(struct fmt_sink *s, const char *p, size_t n, char fill)
{
	for (size_t i = 0; i < n; i++, s->total++) {
		if (s->len == s->cap) {
			if (s->fd < 0)
				continue;
			fmt_flush(s);
		}
		s->buf[s->len++] = p ? p[i] : fill;
	}
}

/* A conversion's text (n bytes at p, after a sign or none) padded to width. */
static void fmt_field(struct fmt_sink *s, const char *sign, const char *p, size_t n, int width, int left, int zero)
{
	size_t k = strlen(sign), pad = width > 0 && (size_t)width > n + k ? (size_t)width - n - k : 0;

	if (!left && !zero)
		fmt_put(s, NULL, pad, ' ');
	fmt_put(s, sign, k, 0);
	if (!left && zero)
		fmt_put(s, NULL, pad, '0');
	fmt_put(s, p, n, 0);
	if (left)
		fmt_put(s, NULL, pad, ' ');
}

static void fmt_core(struct fmt_sink *s, const char *fmt, va_list ap)
{
	char num[24], c;
	const char *p;
	int width, prec, left, zero, size;
	uintmax_t v;
	size_t n;

	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			for (n = 1; fmt[n] && fmt[n] != '%'; n++)
				;
			fmt_put(s, fmt, n, 0);
			fmt += n - 1;
			continue;
		}
		left = zero = 0;
		for (; *++fmt == '-' || *fmt == '0';)
			if (*fmt == '-')
				left = 1;
			else
				zero = 1;
		width = 0;
		if (*fmt == '*') {
			width = va_arg(ap, int);
			fmt++;
			if (width < 0) {
				left = 1;
				width = -width;
			}
		}
		for (; *fmt >= '0' && *fmt <= '9'; fmt++)
			width = width * 10 + *fmt - '0';
		prec = -1;
		if (*fmt == '.') {
			prec = 0;
			if (*++fmt == '*') {
				prec = va_arg(ap, int);
				fmt++;
			}
			for (; *fmt >= '0' && *fmt <= '9'; fmt++)
				prec = prec * 10 + *fmt - '0';
		}
		/* size: 0 int, 1 long, 2 long long, 3 size_t, 4 intmax_t, 5 ptrdiff_t */
		size = 0;
		for (; *fmt && strchr("lzjt", *fmt); fmt++)
			size = *fmt == 'l' ? size + 1 : *fmt == 'z' ? 3 : *fmt == 'j' ? 4 : *fmt == 't' ? 5 : size;
		zero &= !left;
		switch ((c = *fmt)) {
		case 's':
			p = va_arg(ap, const char *);
			fmt_field(s, "", p, prec < 0 ? strlen(p) : strnlen(p, (size_t)prec), width, left, 0);
			break;
		case 'c':
			num[0] = (char)va_arg(ap, int);
			fmt_field(s, "", num, 1, width, left, 0);
			break;
		case 'd':
		case 'i': {
			intmax_t x = size == 0 ? va_arg(ap, int) : size == 1 ? va_arg(ap, long) :
			    size == 2 ? va_arg(ap, long long) : size == 3 ? (intmax_t)va_arg(ap, size_t) :
			    size == 4 ? va_arg(ap, intmax_t) : va_arg(ap, ptrdiff_t);
			n = numfmt_u64(num, x < 0 ? 0 - (uintmax_t)x : (uintmax_t)x);
			fmt_field(s, x < 0 ? "-" : "", num, n, width, left, zero);
			break;
		}
		case 'u':
		case 'x':
		case 'X':
		case 'o': {
			unsigned base = c == 'u' ? 10 : c == 'o' ? 8 : 16;
			v = size == 0 ? va_arg(ap, unsigned) : size == 1 ? va_arg(ap, unsigned long) :
			    size == 2 ? va_arg(ap, unsigned long long) : size == 3 ? va_arg(ap, size_t) :
			    size == 4 ? va_arg(ap, uintmax_t) : (uintmax_t)va_arg(ap, ptrdiff_t);
			n = sizeof num;
			do {
				num[--n] = (c == 'X' ? "0123456789ABCDEF" : "0123456789abcdef")[v % base];
				v /= base;
			} while (v);
			fmt_field(s, "", num + n, sizeof num - n, width, left, zero);
			break;
		}
		case '%':
			fmt_put(s, "%", 1, 0);
			break;
		default:
			fmt_put(s, "%?", 2, 0);
			if (!c)
				return;
			fmt_put(s, fmt, strlen(fmt), 0);
			return;
		}
	}
}

int fmt_vsnprintf(char *out, size_t cap, const char *fmt, va_list ap)
{
	struct fmt_sink s = { out, cap ? cap - 1 : 0, 0, 0, -1, 0 };

	fmt_core(&s, fmt, ap);
	if (cap)
		out[s.len] = '\0';
	return (int)s.total;
}

int fmt_snprintf(char *out, size_t cap, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = fmt_vsnprintf(out, cap, fmt, ap);
	va_end(ap);
	return n;
}

static int fmt_vdprintf(int fd, const char *fmt, va_list ap)
{
	char buf[256];
	struct fmt_sink s = { buf, sizeof buf, 0, 0, fd, 0 };

	fmt_core(&s, fmt, ap);
	fmt_flush(&s);
	return s.failed ? -1 : (int)s.total;
}

int fmt_dprintf(int fd, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = fmt_vdprintf(fd, fmt, ap);
	va_end(ap);
	return n;
}
