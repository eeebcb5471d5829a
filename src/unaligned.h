/* Words at any address.  memcpy says it portably and is one load on x86
 * and ARM, but at -Os GCC makes it a call to memcpy on MIPS, which reads
 * an unaligned word with an lwl/lwr pair: a type aligned to 1 gives that. */
#ifndef UNALIGNED_H
#define UNALIGNED_H
#include <stdint.h>

typedef unsigned long unaligned_ulong __attribute__((aligned(1), may_alias));
typedef unsigned long aligned_ulong __attribute__((may_alias));
typedef uint64_t unaligned_u64 __attribute__((aligned(1), may_alias));
typedef uint32_t unaligned_u32 __attribute__((aligned(1), may_alias));

static inline unsigned long load_word(const void *p)
{
	return *(const unaligned_ulong *)p;
}

/* A word at an address that is a multiple of its size: one load on MIPS too. */
static inline unsigned long load_aligned_word(const void *p)
{
	return *(const aligned_ulong *)p;
}

static inline void store_word(void *p, unsigned long w)
{
	*(unaligned_ulong *)p = w;
}

static inline uint64_t load_u64(const void *p)
{
	return *(const unaligned_u64 *)p;
}

static inline uint32_t load_u32(const void *p)
{
	return *(const unaligned_u32 *)p;
}

static inline void store_u32(void *p, uint32_t w)
{
	*(unaligned_u32 *)p = w;
}
#endif
