#include <string.h>
#include "find.h"
#include "unaligned.h"

const char *find_mem(const char *hay, size_t n, const char *needle, size_t k)
{
	size_t i;

	for (i = 0; k <= n && i <= n - k; i++)
		if (!memcmp(hay + i, needle, k))
			return hay + i;
	return NULL;
}

const char *find_str(const char *hay, const char *needle)
{
	return find_mem(hay, strlen(hay), needle, strlen(needle));
}

size_t find_byte(const char *s, size_t i, size_t n, char c)
{
	const unsigned long ones = ~0UL / 255;
	unsigned long w, m;

	for (; n - i >= sizeof w; i += sizeof w) {
		w = load_word(s + i);
		if ((m = find_zeros(w ^ ones * (unsigned char)c)))
			return i + find_first(m);
	}
	if (i < n && n >= sizeof w) {
		size_t at = n - sizeof w, skip = 8 * (i - at);	/* not a whole word */

		w = load_word(s + at);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
		m = find_zeros(w ^ ones * (unsigned char)c) & ~0UL >> skip;
#else
		m = find_zeros(w ^ ones * (unsigned char)c) & ~0UL << skip;
#endif
		return m ? at + find_first(m) : n;
	}
	while (i < n && s[i] != c)
		i++;
	return i;
}

size_t find_byte_last(const char *s, size_t lo, size_t hi, char c)
{
	const unsigned long ones = ~0UL / 255;
	size_t e = hi + 1;	/* the bytes before e are left to look at */
	unsigned long m;

	for (; e - lo >= sizeof m; e -= sizeof m)
		if ((m = find_zeros(load_word(s + e - sizeof m) ^ ones * (unsigned char)c)))
			return e - sizeof m + find_last(m);
	while (e > lo)
		if (s[--e] == c)
			return e;
	return lo - 1;
}
