/* AES-CTR, for the TLS engine's AES-GCM, with AES instructions BearSSL has
 * no code for: ARMv8's (AArch64, and ARMv8 in 32-bit mode; BearSSL's
 * portable constant-time AES is a few times slower than ChaCha20 there),
 * and x86's VAES, two blocks an instruction where BearSSL's AES-NI takes
 * one.  With ghash.h's GHASH, an ARMv8 with the crypto extensions offers
 * AES-GCM first, as an x86 with AES-NI does. */
#ifndef AES_H
#define AES_H
#include <bearssl_block.h>

/* This CPU's AES-CTR, or NULL where there is none of kagent's (then
 * BearSSL's choice stands). */
const br_block_ctr_class *aes_ctr_get(void);
#endif
