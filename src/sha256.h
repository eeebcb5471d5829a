/* SHA-256 (FIPS 180-4) with the CPU's own instructions where it has them:
 * x86 SHA-NI, ARMv8's SHA2 (AArch64, and ARMv8 in 32-bit mode); BearSSL's
 * portable code elsewhere.  The choice is made once, on first use, from
 * cpuid or the kernel's hardware capabilities.
 *
 * The context is BearSSL's br_sha256_context, so sha256_vtable can be given
 * to br_hmac_key_init and the state saved and restored as BearSSL does. */
#ifndef SHA256_H
#define SHA256_H
#include <stddef.h>
#include <bearssl_hash.h>

enum sha256_impl {
	SHA256_DETECT,		/* the fastest this CPU has (the default) */
	SHA256_PORTABLE,	/* BearSSL's br_sha256 */
	SHA256_X86_SHANI,
	SHA256_ARMV8,
};

/* Starts a hash. */
void sha256_init(br_sha256_context *c);
/* Hashes n more bytes. */
void sha256_update(br_sha256_context *c, const void *data, size_t n);
/* The digest of what was hashed so far (c may go on being updated). */
void sha256_out(const br_sha256_context *c, unsigned char out[32]);
/* The digest of n bytes. */
void sha256(const void *data, size_t n, unsigned char out[32]);

/* For br_hmac_key_init (and anything else taking a br_hash_class). */
extern const br_hash_class sha256_vtable;

/* Uses impl from now on (SHA256_DETECT: the fastest there is); returns the
 * one in use, which is SHA256_PORTABLE when impl is not available here.
 * For tests: kagent itself never calls it. */
enum sha256_impl sha256_use(enum sha256_impl impl);
/* The implementation in use, and its name ("x86 SHA-NI", "ARMv8 SHA2",
 * "portable"). */
enum sha256_impl sha256_impl(void);
const char *sha256_name(enum sha256_impl impl);
#endif
