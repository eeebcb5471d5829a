/* AES-CTR with ARMv8's AES instructions (AArch64, and ARMv8 in 32-bit
 * mode), for the TLS engine's AES-GCM: BearSSL has none for ARM, and its
 * portable constant-time code is a few times slower than ChaCha20 there.
 * With these and ghash.h's PMULL, an ARMv8 with the crypto extensions
 * offers AES-GCM first, as an x86 with AES-NI does. */
#ifndef AES_H
#define AES_H
#include <bearssl_block.h>

/* This CPU's AES-CTR, or NULL where there is none of kagent's (then
 * BearSSL's choice stands). */
const br_block_ctr_class *aes_ctr_get(void);
#endif
