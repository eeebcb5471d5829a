/* wild_match: the rules of fnmatch(3) without FNM_PATHNAME, in exact cases,
 * and against the C library's fnmatch() itself on every pattern of up to two
 * pieces below (three of the first ten), for every name of up to three
 * characters from a set that the pieces tell apart. */
#include <fnmatch.h>
#include <stdio.h>
#include "t.h"
#include "wild.h"

T(wild_exact_cases)
{
	static const struct { const char *pat, *name; int period, want; } c[] = {
		{ "app.log", "app.log", 0, 1 },
		{ "app.log", "app.lo", 0, 0 },
		{ "app.log*", "app.log.1", 0, 1 },
		{ "app.log*", "app.log", 0, 1 },
		{ "*.log", "a.log", 1, 1 },
		{ "*.log", ".log", 1, 0 },		/* FNM_PERIOD: a leading dot */
		{ "*.log", ".log", 0, 1 },
		{ ".*", ".hidden", 1, 1 },
		{ "?x", ".x", 1, 0 },
		{ "[.]x", ".x", 1, 0 },
		{ "a?c", "abc", 0, 1 },
		{ "a?c", "ac", 0, 0 },
		{ "*a*b*c", "xaybzc", 0, 1 },
		{ "*a*b*c", "xaybzcq", 0, 0 },
		{ "**", "", 0, 1 },
		{ "*", "", 0, 1 },
		{ "?", "", 0, 0 },
		{ "[a-c]x", "bx", 0, 1 },
		{ "[a-c]x", "dx", 0, 0 },
		{ "[!a-c]x", "dx", 0, 1 },
		{ "[^a-c]x", "ax", 0, 0 },
		{ "[]]", "]", 0, 1 },
		{ "[!]]", "]", 0, 0 },
		{ "[-a]", "-", 0, 1 },
		{ "[a-]", "-", 0, 1 },
		{ "[[:digit:]][[:digit:]]", "42", 0, 1 },
		{ "[[:digit:]]", "x", 0, 0 },
		{ "[[:alpha:][:digit:]]", "7", 0, 1 },
		{ "[[:bogus:]]", "b", 0, 0 },
		{ "[[.a.]]", "a", 0, 0 },		/* as musl: matches nothing */
		{ "[", "[", 0, 1 },			/* not closed: itself */
		{ "[a", "[a", 0, 1 },
		{ "\\*", "*", 0, 1 },
		{ "\\*", "x", 0, 0 },
		{ "a\\?", "a?", 0, 1 },
		{ "\\", "\\", 0, 1 },
		{ "x\xe9", "x\xe9", 0, 1 },		/* a byte past ASCII is a character */
		{ "x?", "x\xe9", 0, 1 },
		{ "[\xe0-\xff]", "\xe9", 0, 1 },
		{ "[[:alpha:]]", "\xe9", 0, 0 },
	};

	for (size_t i = 0; i < sizeof c / sizeof c[0]; i++)
		if (wild_match(c[i].pat, c[i].name, c[i].period) != c[i].want) {
			t_fail(__FILE__, __LINE__, "wild_match(\"%s\", \"%s\", %d) != %d", c[i].pat, c[i].name,
			    c[i].period, c[i].want);
			return;
		}
}

/* The rules are musl's, the libc kagent is built with; glibc reads "[.a.]"
 * as 'a' and ends a range otherwise (the sanitizer build runs on glibc). */
#ifndef __GLIBC__
T(wild_as_libc_fnmatch)
{
	static const char *const piece[] = {
		"a", ".", "*", "?", "[ab]", "[!a]", "[a-c]", "\\*", "[", "\xe9",
		"[^.]", "[]a]", "[-a]", "[a-]", "[[:digit:]]", "[[:alpha:]-]", "[[.a.]]", "\\a", "]",
		"[\xe0-\xff]", "[!]]", "[a-c-e]",
	};
	static const char chars[] = { 'a', 'b', 'd', '.', '1', '*', '[', '-', (char)0xe9 };
	enum { NP = sizeof piece / sizeof piece[0], NC = sizeof chars };
	char pat[32], name[4];
	long pairs = 0;

	for (int len = 0; len <= 3; len++) {
		long np = len == 3 ? 10 : NP;
		long npat = len == 0 ? 1 : len == 1 ? np : len == 2 ? np * np : np * np * np;
		for (long pi = 0; pi < npat; pi++) {
			long v = pi;
			pat[0] = 0;
			for (int k = 0; k < len; k++, v /= np)
				strcat(pat, piece[v % np]);
			/* the names of 0 to 3 characters */
			for (int nl = 0; nl <= 3; nl++) {
				long nn = nl == 0 ? 1 : nl == 1 ? NC : nl == 2 ? NC * NC : NC * NC * NC;
				for (long ni = 0; ni < nn; ni++) {
					long w = ni;
					for (int k = 0; k < nl; k++, w /= NC)
						name[k] = chars[w % NC];
					name[nl] = 0;
					for (int period = 0; period <= 1; period++) {
						int want = fnmatch(pat, name, period ? FNM_PERIOD : 0) == 0;
						if (wild_match(pat, name, period) != want) {
							t_fail(__FILE__, __LINE__, "\"%s\" on \"%s\"%s: %d, fnmatch says %d",
							    pat, name, period ? " (FNM_PERIOD)" : "", !want, want);
							return;
						}
						pairs++;
					}
				}
			}
		}
	}
	T_EQ_INT(pairs, (1 + NP + NP * NP + 1000) * (1 + NC + NC * NC + NC * NC * NC) * 2);
}
#endif
