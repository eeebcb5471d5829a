/* Finding a processor by its optionName, and saying why one cannot be had. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include "proc.h"

extern const char *const proc_all[];	/* every processor in src/proc/ (generated) */

const struct processor *proc_find(const char *name)
{
	for (const struct processor *const *p = proc_table; *p; p++)
		if (!strcmp((*p)->name, name))
			return *p;
	return NULL;
}

static const struct {
	const char *name, *why;
} impossible[] = {
	{ "ADDEC2METADATA", "cannot exist in kagent: it reads EC2 instance metadata, which a router does not "
			    "have; put the values you need in ADDMETADATA's \"metadata\"" },
	{ "USINGPLUGGIN", "cannot exist in kagent: it loads Java classes; kagent's processors are compiled "
			  "in (make PROCESSORS=...)" },
};

/* optionName is the build name in capitals (LOGTOJSON, logtojson) */
static int same(const char *name, const char *build)
{
	while (*name && toupper((unsigned char)*build) == *name)
		name++, build++;
	return !*name && !*build;
}

static void add(char *out, size_t cap, const char *s, int upper)
{
	size_t n = strlen(out);
	for (; *s && n + 1 < cap; s++)
		out[n++] = upper ? (char)toupper((unsigned char)*s) : *s;
	out[n] = 0;
}

void proc_why_not(const char *name, char *out, size_t cap)
{
	size_t i;

	out[0] = 0;
	for (i = 0; i < sizeof impossible / sizeof *impossible; i++)
		if (!strcmp(name, impossible[i].name)) {
			add(out, cap, impossible[i].why, 0);
			return;
		}
	for (const char *const *a = proc_all; *a; a++)
		if (same(name, *a)) {
			add(out, cap, "not compiled in: build with PROCESSORS=\"", 0);
			for (const struct processor *const *p = proc_table; *p; p++) {
				add(out, cap, (*p)->build, 0);
				add(out, cap, " ", 0);
			}
			add(out, cap, *a, 0);
			add(out, cap, "\"", 0);
			return;
		}
	add(out, cap, "unknown processor; valid:", 0);
	for (const char *const *a = proc_all; *a; a++) {
		add(out, cap, " ", 0);
		add(out, cap, *a, 1);
	}
}
