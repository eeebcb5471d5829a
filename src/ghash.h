/* GHASH (AES-GCM's authenticator, NIST SP 800-38D) for TLS records, with
 * the CPU's carry-less multiply eight blocks at a time: x86-64's PCLMULQDQ
 * (sixteen with VPCLMULQDQ on 256-bit registers), ARMv8's PMULL.  BearSSL's
 * own takes four on x86 and has none for ARM, and a TLS record of 16 KiB is
 * a thousand blocks: the answers kagent reads are as long as the requests
 * it sends.  Same contract as br_ghash, so it is given to the TLS engine as
 * it is. */
#ifndef GHASH_H
#define GHASH_H
#include <bearssl_hash.h>

/* This CPU's GHASH, or NULL where it has no carry-less multiply: then
 * BearSSL's choice stands.  With wide, the one on 256-bit registers where
 * the CPU has VPCLMULQDQ and AVX2 (two blocks an instruction); without,
 * the 128-bit one (for tests). */
br_ghash ghash_get(int wide);
#endif
