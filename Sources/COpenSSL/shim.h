#ifndef SALESVAULT_COPENSSL_SHIM_H
#define SALESVAULT_COPENSSL_SHIM_H

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/kdf.h>
#include <openssl/obj_mac.h>
#include <openssl/params.h>
#include <openssl/rand.h>

// Parameter names. Swift imports these string macros as temporary Swift Strings, but an
// OSSL_PARAM keeps the key pointer, so it must point at the literal's static storage.
static inline const char *sv_param_digest(void) { return OSSL_KDF_PARAM_DIGEST; }
static inline const char *sv_param_key(void) { return OSSL_KDF_PARAM_KEY; }
static inline const char *sv_param_salt(void) { return OSSL_KDF_PARAM_SALT; }
static inline const char *sv_param_info(void) { return OSSL_KDF_PARAM_INFO; }
static inline const char *sv_param_password(void) { return OSSL_KDF_PARAM_PASSWORD; }
static inline const char *sv_param_scrypt_n(void) { return OSSL_KDF_PARAM_SCRYPT_N; }
static inline const char *sv_param_scrypt_r(void) { return OSSL_KDF_PARAM_SCRYPT_R; }
static inline const char *sv_param_scrypt_p(void) { return OSSL_KDF_PARAM_SCRYPT_P; }
static inline const char *sv_param_scrypt_maxmem(void) { return OSSL_KDF_PARAM_SCRYPT_MAXMEM; }
static inline const char *sv_param_aead_ivlen(void) { return OSSL_CIPHER_PARAM_AEAD_IVLEN; }

#endif
