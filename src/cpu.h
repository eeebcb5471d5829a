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
	CPU_NEON = 1 << 8,	/* 32-bit ARM (every AArch64 CPU has it: not asked there) */
};

/* CPU_ARM_SIMD: the ARM builds kagent has NEON and ARMv8 crypto code for
 * (AArch64, and a hard-float ARMv7+ build, which may run on an ARMv8 in
 * 32-bit mode); CPU_ARM_CRYPTO_ISA there, the target attribute that
 * reaches the crypto instructions.  Both undefined elsewhere. */
#if defined(__aarch64__)
#define CPU_ARM_SIMD
#define CPU_ARM_CRYPTO_ISA "+crypto"
#elif defined(__arm__) && defined(__linux__) && __ARM_ARCH >= 7 && defined(__ARM_PCS_VFP)
#define CPU_ARM_SIMD
#define CPU_ARM_CRYPTO_ISA "arch=armv8-a+crypto,fpu=crypto-neon-fp-armv8"
#endif

/* The CPU_ bits this CPU has. */
unsigned cpu_has(void);
#endif
