/* kagent's TLS client profile (tls.c): exactly what it offers.  The
 * handshakes themselves, and the servers it refuses, are in
 * tests/e2e/test_tls.py. */
#include "t.h"
#include "tls.h"

T(tls_profile_is_tls12_ecdhe_aead_only)
{
	static const uint16_t aes_first[] = {
		BR_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, BR_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
		BR_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, BR_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
		BR_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, BR_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
	};
	static const uint16_t chacha_first[] = {
		BR_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, BR_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
		BR_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, BR_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
		BR_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, BR_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
	};
	static br_ssl_client_context sc;
	static br_x509_minimal_context xc;
	struct tls_anchors ta = { NULL, 0 };
	const uint16_t *want = tls_aes_hw() ? aes_first : chacha_first;
	br_ssl_engine_context *eng = &sc.eng;

	tls_client_init(&sc, &xc, &ta);
	T_EQ_INT(eng->version_min, BR_TLS12);
	T_EQ_INT(eng->version_max, BR_TLS12);
	T_EQ_INT(eng->suites_num, 6);
	for (int i = 0; i < 6; i++)
		T_EQ_INT(eng->suites_buf[i], want[i]);
	/* no RSA key exchange, no renegotiation */
	T_TRUE(sc.irsapub == NULL);
	T_TRUE(eng->flags & BR_OPT_NO_RENEGOTIATION);
	/* SHA-256/384/512 only: no MD5 or SHA-1 in a signature or the PRF */
	T_TRUE(br_ssl_engine_get_hash(eng, br_md5_ID) == NULL);
	T_TRUE(br_ssl_engine_get_hash(eng, br_sha1_ID) == NULL);
	T_TRUE(br_ssl_engine_get_hash(eng, br_sha224_ID) == NULL);
	T_TRUE(br_ssl_engine_get_hash(eng, br_sha256_ID) == &br_sha256_vtable);
	T_TRUE(br_ssl_engine_get_hash(eng, br_sha384_ID) == &br_sha384_vtable);
	T_TRUE(br_ssl_engine_get_hash(eng, br_sha512_ID) == &br_sha512_vtable);
	T_TRUE(eng->prf10 == NULL);
	/* ECDHE and ECDSA on P-256, P-384, P-521 */
	T_EQ_INT(br_ssl_engine_get_ec(eng)->supported_curves,
		 1u << BR_EC_secp256r1 | 1u << BR_EC_secp384r1 | 1u << BR_EC_secp521r1);
	T_TRUE(br_ssl_engine_get_rsavrfy(eng) != NULL);
	T_TRUE(br_ssl_engine_get_ecdsa(eng) != NULL);
	/* no CBC, CCM or 3DES record engines to fall back on */
	T_TRUE(eng->icbc_in == NULL && eng->icbc_out == NULL);
	T_TRUE(eng->iccm_in == NULL && eng->iccm_out == NULL);
	T_TRUE(eng->ides_cbcenc == NULL && eng->ides_cbcdec == NULL);
	T_TRUE(eng->iaes_cbcenc == NULL && eng->iaes_cbcdec == NULL);
	T_TRUE(eng->igcm_in != NULL && eng->ichapol_in != NULL);
}
