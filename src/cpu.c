/* What this CPU has (see cpu.h). */
#include <stddef.h>

#include "cpu.h"

#if defined(__x86_64__)
#include <cpuid.h>

static unsigned cpu_ask(void)
{
	unsigned a, b, c, d, c1, has, lo, hi;

	if (!__get_cpuid(1, &a, &b, &c1, &d))
		return 0;
	has = (c1 & bit_SSSE3 ? CPU_SSSE3 : 0) | (c1 & bit_SSE4_1 ? CPU_SSE41 : 0) |
	      (c1 & bit_AES ? CPU_AES : 0) | (c1 & bit_PCLMUL ? CPU_CLMUL : 0);
	if (__get_cpuid_max(0, NULL) < 7)
		return has;
	__cpuid_count(7, 0, a, b, c, d);
	has |= b & bit_SHA ? CPU_SHA256 : 0;
	/* the 256-bit instructions: only where the kernel saves xmm and ymm */
	if (!(c1 & bit_OSXSAVE) || !(c1 & bit_AVX))
		return has;
	__asm__("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	if ((lo & 6) != 6 || !(b & bit_AVX2))
		return has;
	return has | CPU_AVX2 | (c & bit_VAES ? CPU_VAES : 0) | (c & bit_VPCLMULQDQ ? CPU_VCLMUL : 0);
}
#elif defined(__aarch64__) || (defined(__arm__) && defined(__linux__))
#include <sys/auxv.h>

static unsigned cpu_ask(void)
{
#ifdef __aarch64__
	unsigned long hw = getauxval(AT_HWCAP);

	/* HWCAP_AES, HWCAP_PMULL, HWCAP_SHA2 */
	return (hw & 1ul << 3 ? CPU_AES : 0) | (hw & 1ul << 4 ? CPU_CLMUL : 0) | (hw & 1ul << 6 ? CPU_SHA256 : 0);
#else
	unsigned long hw = getauxval(AT_HWCAP2);

	/* HWCAP2_AES, HWCAP2_PMULL, HWCAP2_SHA2; HWCAP_NEON */
	return (hw & 1ul << 0 ? CPU_AES : 0) | (hw & 1ul << 1 ? CPU_CLMUL : 0) | (hw & 1ul << 3 ? CPU_SHA256 : 0) |
	       (getauxval(AT_HWCAP) & 1ul << 12 ? CPU_NEON : 0);
#endif
}
#else
static unsigned cpu_ask(void)
{
	return 0;
}
#endif

unsigned cpu_has(void)
{
	static unsigned has, asked;

	if (!asked) {
		has = cpu_ask();
		asked = 1;
	}
	return has;
}
