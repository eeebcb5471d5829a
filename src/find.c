#include <string.h>
#include "find.h"

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
