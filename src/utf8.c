/* UTF-8 helpers. */
#include <string.h>
#include "json.h"
#include "unaligned.h"
#include "utf8.h"

int utf8_len(const unsigned char *s, size_t n)
{
	unsigned char c = s[0], lo = 0x80, hi = 0xbf;
	int need, i;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		need = 1;
	else if (c >= 0xe0 && c <= 0xef) {
		need = 2;
		if (c == 0xe0)
			lo = 0xa0;	/* overlong */
	} else if (c >= 0xf0 && c <= 0xf4) {
		need = 3;
		if (c == 0xf0)
			lo = 0x90;	/* overlong */
		else if (c == 0xf4)
			hi = 0x8f;	/* above U+10FFFF */
	} else
		return -1;	/* continuation byte, C0, C1, F5..FF */
	for (i = 1; i <= need; i++) {
		if ((size_t)i >= n || s[i] < lo || s[i] > hi)
			return -i;
		lo = 0x80;	/* only the second byte has a narrower range */
		hi = 0xbf;
	}
	if (c == 0xed && s[1] >= 0xa0)
		return -3;	/* a surrogate, U+D800..U+DFFF */
	return need + 1;
}

int utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	static const unsigned char lead[5] = { 0, 0x7f, 0x1f, 0x0f, 0x07 };
	int k;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if ((k = utf8_len(s, n)) < 0) {
		*cp = 0xfffd;
		return 1;
	}
	*cp = s[0] & lead[k];
	for (int i = 1; i < k; i++)
		*cp = *cp << 6 | (s[i] & 0x3f);
	return k;
}

size_t utf8_put(char b[4], unsigned long u)
{
	if (u < 0x80) {
		b[0] = (char)u;
		return 1;
	}
	if (u < 0x800) {
		b[0] = (char)(0xc0 | u >> 6);
		b[1] = (char)(0x80 | (u & 0x3f));
		return 2;
	}
	if (u < 0x10000) {
		b[0] = (char)(0xe0 | u >> 12);
		b[1] = (char)(0x80 | (u >> 6 & 0x3f));
		b[2] = (char)(0x80 | (u & 0x3f));
		return 3;
	}
	b[0] = (char)(0xf0 | u >> 18);
	b[1] = (char)(0x80 | (u >> 12 & 0x3f));
	b[2] = (char)(0x80 | (u >> 6 & 0x3f));
	b[3] = (char)(0x80 | (u & 0x3f));
	return 4;
}

size_t utf8_clean(char *out, size_t cap, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, run = 0, len = 0;
	int k;

	/* valid bytes are copied in runs, up to each bad sequence; ASCII is
	 * passed over a word at a time */
	while (i < n) {
		unsigned long w;

		if (n - i >= sizeof w) {
			w = load_word(p + i);
			if (!(w & ~0UL / 255 * 0x80)) {
				i += sizeof w;
				continue;
			}
		}
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		if ((k = utf8_len(p + i, n - i)) > 0) {
			i += (size_t)k;
			continue;
		}
		json_put(out, cap, &len, s + run, i - run);
		json_put(out, cap, &len, "\xef\xbf\xbd", 3);
		i += (size_t)-k;
		run = i;
	}
	json_put(out, cap, &len, s + run, n - run);
	return len;
}
