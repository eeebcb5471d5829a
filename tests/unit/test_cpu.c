/* cpu_has() against the kernel's own reading of the CPU: on x86-64 each
 * bit is the /proc/cpuinfo flag of the same name (which the kernel clears
 * for what it does not support, such as the 256-bit registers' state).
 * (ARM's come from the kernel already, as hardware capabilities.) */
#include <stdio.h>
#include <string.h>

#include "t.h"
#include "cpu.h"

#ifdef __x86_64__
static int flag(const char *flags, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = flags; (p = strstr(p, name)); p += n)
		if (p[-1] == ' ' && (p[n] == ' ' || p[n] == '\n'))
			return 1;
	return 0;
}

T(cpu_as_proc_cpuinfo)
{
	static const struct {
		unsigned bit;
		const char *name;
	} bits[] = {
		{ CPU_SSSE3, "ssse3" }, { CPU_SSE41, "sse4_1" }, { CPU_SHA256, "sha_ni" }, { CPU_AES, "aes" },
		{ CPU_CLMUL, "pclmulqdq" }, { CPU_AVX2, "avx2" }, { CPU_VAES, "vaes" }, { CPU_VCLMUL, "vpclmulqdq" },
	};
	static char line[8192];
	FILE *f = fopen("/proc/cpuinfo", "r");
	int found = 0;

	if (!f)
		return;	/* (no /proc: nothing to compare with) */
	while (!found && fgets(line, sizeof line, f))
		found = !strncmp(line, "flags", 5);
	fclose(f);
	T_TRUE(found);
	for (size_t i = 0; i < sizeof bits / sizeof bits[0]; i++) {
		char got[32], want[32];
		int on = flag(line, bits[i].name);

		if (bits[i].bit == CPU_VAES || bits[i].bit == CPU_VCLMUL)
			on &= flag(line, "avx2");	/* kagent's need both */
		snprintf(got, sizeof got, "%s %d", bits[i].name, !!(cpu_has() & bits[i].bit));
		snprintf(want, sizeof want, "%s %d", bits[i].name, on);
		T_EQ_STR(got, want);
	}
}
#endif
