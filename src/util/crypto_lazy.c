/* libcrypto loaded on first use: trampolines for the digest and base64
 * functions galley calls (see util/lazylib.h).  Mapping and relocating
 * libcrypto costs ~2 ms per exec here and its relocated data ~0.4 MB of
 * private memory in every process, while `run`, `ps` and an idle monitor
 * hash nothing.  A libcrypto function used elsewhere but missing here is a
 * link error, so the list cannot drift.  */
#include "config.h"

#include <openssl/evp.h>

#include "util/lazylib.h"

LAZY_LIB (crypto, GALLEY_SONAME_CRYPTO);

LAZY_FN (crypto, const EVP_MD *, EVP_sha256, (void), ())
LAZY_FN (crypto, const EVP_MD *, EVP_sha384, (void), ())
LAZY_FN (crypto, const EVP_MD *, EVP_sha512, (void), ())
LAZY_FN (crypto, EVP_MD_CTX *, EVP_MD_CTX_new, (void), ())
LAZY_VOID_FN (crypto, EVP_MD_CTX_free, (EVP_MD_CTX * ctx), (ctx))
LAZY_FN (crypto, int, EVP_DigestInit_ex, (EVP_MD_CTX * ctx, const EVP_MD *type, ENGINE *impl),
         (ctx, type, impl))
LAZY_FN (crypto, int, EVP_DigestUpdate, (EVP_MD_CTX * ctx, const void *d, size_t cnt), (ctx, d, cnt))
LAZY_FN (crypto, int, EVP_DigestFinal_ex, (EVP_MD_CTX * ctx, unsigned char *md, unsigned int *s),
         (ctx, md, s))
LAZY_FN (crypto, int, EVP_Digest,
         (const void *data, size_t count, unsigned char *md, unsigned int *size, const EVP_MD *type,
          ENGINE *impl),
         (data, count, md, size, type, impl))
LAZY_FN (crypto, int, EVP_EncodeBlock, (unsigned char *t, const unsigned char *f, int n), (t, f, n))
LAZY_FN (crypto, int, EVP_DecodeBlock, (unsigned char *t, const unsigned char *f, int n), (t, f, n))
