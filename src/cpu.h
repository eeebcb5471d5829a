/* What this CPU has that kagent's own code uses, asked once: x86's cpuid
 * (the 256-bit instructions only where the kernel saves those registers),
 * ARM's hardware capabilities as the kernel gives them.  Each user also
 * builds its code for the instructions (a target attribute) only where
 * the compiler targets that CPU family. */
#ifndef CPU_H
#define CPU_H

enum {
	CPU_SSSE3 = 1 << 0,	/* x86 */
	CPU_SSE41 = 1 << 1,	/* x86 */
	CPU_SHA256 = 1 << 2,	/* x86 SHA-NI, ARMv8 SHA2 */
	CPU_AES = 1 << 3,	/* x86 AES-NI, ARMv8 AES */
	CPU_CLMUL = 1 << 4,	/* x86 PCLMULQDQ, ARMv8 PMULL */
	CPU_AVX2 = 1 << 5,	/* x86, with the kernel saving the 256-bit registers */
	CPU_VAES = 1 << 6,	/* x86 AES on 256-bit registers (with CPU_AVX2) */
	CPU_VCLMUL = 1 << 7,	/* x86 VPCLMULQDQ on 256-bit registers (with CPU_AVX2) */
};

/* The CPU_ bits this CPU has. */
unsigned cpu_has(void);
#endif
