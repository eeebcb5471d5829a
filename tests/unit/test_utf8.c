/* UTF-8 decoding (the regular-expression engine's view of a pattern and a
 * subject): a valid sequence is one code point, anything else one byte of U+FFFD. */
#include "t.h"
#include "utf8.h"

T(utf8_decode_cases)
{
	static const struct { const char *s; size_t n; int len; uint32_t cp; } c[] = {
		{ "A", 1, 1, 'A' },
		{ "\0", 1, 1, 0 },
		{ "\xc3\xa9", 2, 2, 0xe9 },
		{ "\xe2\x82\xac", 3, 3, 0x20ac },
		{ "\xf0\x9f\x98\x80", 4, 4, 0x1f600 },
		{ "\xf4\x8f\xbf\xbf", 4, 4, 0x10ffff },
		{ "\xc3", 1, 1, 0xfffd },		/* cut short */
		{ "\xe2\x82", 2, 1, 0xfffd },
		{ "\xc0\xaf", 2, 1, 0xfffd },		/* overlong */
		{ "\xe0\x9f\xbf", 3, 1, 0xfffd },
		{ "\xf0\x8f\xbf\xbf", 4, 1, 0xfffd },
		{ "\xed\xa0\x80", 3, 1, 0xfffd },	/* a surrogate */
		{ "\xf4\x90\x80\x80", 4, 1, 0xfffd },	/* above U+10FFFF */
		{ "\x80", 1, 1, 0xfffd },
		{ "\xff", 1, 1, 0xfffd },
	};
	uint32_t cp;

	for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
		T_EQ_INT(utf8_decode((const unsigned char *)c[i].s, c[i].n, &cp), c[i].len);
		T_EQ_INT(cp, c[i].cp);
	}
}

/* Every code point goes there and back. */
T(utf8_put_decode_round_trip)
{
	char b[4];
	uint32_t cp;

	for (unsigned long u = 0; u <= 0x10ffff; u++) {
		if (u >= 0xd800 && u <= 0xdfff)
			continue;
		size_t k = utf8_put(b, u);
		if (utf8_decode((const unsigned char *)b, k, &cp) != (int)k || cp != u ||
		    utf8_len((const unsigned char *)b, k) != (int)k) {
			t_fail(__FILE__, __LINE__, "U+%04lX", u);
			return;
		}
	}
}

/* Code points to UTF-8 at each length's edges (RFC 3629's table), the
 * bytes written out by hand (fuzz_partkey's oracle encodes with utf8_put). */
T(utf8_put_edges)
{
	static const struct { unsigned long u; const char *want; } c[] = {
		{ 0x00, "\x00" }, { 0x24, "$" }, { 0x7f, "\x7f" },
		{ 0x80, "\xc2\x80" }, { 0xe9, "\xc3\xa9" }, { 0x7ff, "\xdf\xbf" },
		{ 0x800, "\xe0\xa0\x80" }, { 0x20ac, "\xe2\x82\xac" }, { 0xffff, "\xef\xbf\xbf" },
		{ 0x10000, "\xf0\x90\x80\x80" }, { 0x1f600, "\xf0\x9f\x98\x80" }, { 0x10ffff, "\xf4\x8f\xbf\xbf" },
	};

	for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
		char b[4];
		size_t want = c[i].u ? strlen(c[i].want) : 1;
		T_EQ_INT(utf8_put(b, c[i].u), want);
		T_TRUE(memcmp(b, c[i].want, want) == 0);
	}
}
