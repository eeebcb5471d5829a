/* find_mem and find_str against memmem and strstr, which they replace. */
#include <string.h>

#include "t.h"
#include "find.h"

struct find_t {
	const char *s;
	size_t n;
};
#define FIND_T(lit) { lit, sizeof lit - 1 }

T(find_as_memmem_and_strstr)
{
	static const struct find_t hay[] = { FIND_T(""), FIND_T("a"), FIND_T("aa"), FIND_T("abc"), FIND_T("aab"),
		FIND_T("ab\0ab"), FIND_T("x\0a"), FIND_T("Signature expired: 2024"),
		FIND_T("\"records\": \"records."), FIND_T("xxxxxxxxxy"), FIND_T("http://h"), FIND_T(":/"),
		FIND_T("://") };
	static const struct find_t needle[] = { FIND_T(""), FIND_T("a"), FIND_T("b"), FIND_T("ab"), FIND_T("aab"),
		FIND_T("\0a"), FIND_T("expired"), FIND_T("records."), FIND_T("xxy"), FIND_T("://"), FIND_T("abc"),
		FIND_T("xxxxxxxxxyz") };

	for (size_t i = 0; i < sizeof hay / sizeof *hay; i++)
		for (size_t j = 0; j < sizeof needle / sizeof *needle; j++) {
			T_TRUE(find_mem(hay[i].s, hay[i].n, needle[j].s, needle[j].n) ==
			       memmem(hay[i].s, hay[i].n, needle[j].s, needle[j].n));
			T_TRUE(find_str(hay[i].s, needle[j].s) == strstr(hay[i].s, needle[j].s));
		}
	T_EQ_STR(find_mem("ab\0ab", 5, "\0a", 2), "");
	T_EQ_STR(find_str("expired at once", "at"), "at once");
	T_TRUE(find_mem("abc", 3, "abcd", 4) == NULL);
}
