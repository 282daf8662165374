/* Content digests ("algorithm:hex", as go-digest): validation, one-shot and
 * streaming computation through libcrypto's EVP, verification.  */
#ifndef GALLEY_DIGEST_H
#define GALLEY_DIGEST_H

#include <stdbool.h>
#include <stddef.h>

#include "util/error.h"

/* "sha256:" + 64 hex + NUL.  */
#define DIGEST_SHA256_BUFSIZE 72
/* 64 hex digits + NUL: the hex of a sha256, and every id of that shape
 * (images, layers, containers, generated volume names).  */
#define HEX_ID_BUFSIZE 65
/* Room for any supported digest: "sha512:" + 128 hex + NUL.  */
#define DIGEST_BUFSIZE 136

/* True if d is "sha256:<64 lowercase hex>", "sha384:<96>" or
 * "sha512:<128>": the algorithms go-digest supports, in its canonical
 * (lowercase) encoding.  Check this before a digest is used in a path or URL.  */
bool digest_is_valid (const char *d);

/* The hex part of a valid digest (after the colon).  */
const char *digest_hex (const char *d);

/* out = "sha256:<hex>" of buf.  Returns 0, or -1 only if libcrypto fails.  */
int digest_sha256_hex (const void *buf, size_t len, char out[DIGEST_SHA256_BUFSIZE]);

/* Streaming hasher: digest_init, digest_update..., digest_final.  Release it
 * (or use _cleanup_digester_) whether or not final was reached.  */
struct digester
{
  void *ctx; /* EVP_MD_CTX */
  const char *algorithm;
};

/* algorithm: "sha256", "sha384" or "sha512" (NULL means sha256).  */
int digest_init (struct digester *d, const char *algorithm, galley_error_t *err);
int digest_update (struct digester *d, const void *buf, size_t len, galley_error_t *err);
/* out = "algorithm:<hex>".  The hasher cannot be updated afterwards.  */
int digest_final (struct digester *d, char out[DIGEST_BUFSIZE], galley_error_t *err);
void digest_release (struct digester *d);
#define _cleanup_digester_ __attribute__ ((cleanup (digest_release)))

/* Check that buf hashes to `expected` (any supported algorithm).  The error
 * names both digests.  */
int digest_verify (const char *expected, const void *buf, size_t len, galley_error_t *err);

#endif
