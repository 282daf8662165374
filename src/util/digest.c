/* Digests through libcrypto's EVP interface, never hand-written hashing.  */
#include "config.h"
#include "util/digest.h"
#include "util/error_text.h"
#include "util/xmalloc.h"

#include <errno.h>
#include <string.h>

#include <openssl/evp.h>

static const struct
{
  const char *name;
  size_t hex_len;
} digest_algorithms[] = {
  { "sha256", 64 },
  { "sha384", 96 },
  { "sha512", 128 },
};

static size_t
algorithm_hex_len (const char *name, size_t name_len)
{
  for (size_t i = 0; i < sizeof digest_algorithms / sizeof digest_algorithms[0]; i++)
    if (strlen (digest_algorithms[i].name) == name_len
        && memcmp (digest_algorithms[i].name, name, name_len) == 0)
      return digest_algorithms[i].hex_len;
  return 0;
}

bool
digest_is_valid (const char *d)
{
  const char *colon, *p;
  size_t hex_len;

  if (d == NULL || (colon = strchr (d, ':')) == NULL)
    return false;
  hex_len = algorithm_hex_len (d, (size_t)(colon - d));
  if (hex_len == 0 || strlen (colon + 1) != hex_len)
    return false;
  for (p = colon + 1; *p; p++)
    if (! ((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
      return false;
  return true;
}

const char *
digest_hex (const char *d)
{
  const char *colon = strchr (d, ':');
  return colon ? colon + 1 : d;
}

static void
hex_encode (const unsigned char *md, unsigned int md_len, char *out)
{
  static const char hexdigits[] = "0123456789abcdef";

  for (unsigned int i = 0; i < md_len; i++)
    {
      out[2 * i] = hexdigits[md[i] >> 4];
      out[2 * i + 1] = hexdigits[md[i] & 0xf];
    }
  out[2 * md_len] = '\0';
}

int
digest_sha256_hex (const void *buf, size_t len, char out[DIGEST_SHA256_BUFSIZE])
{
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int md_len = 0;

  if (EVP_Digest (buf, len, md, &md_len, EVP_sha256 (), NULL) != 1 || md_len != 32)
    return -1;
  memcpy (out, "sha256:", 7);
  hex_encode (md, md_len, out + 7);
  return 0;
}

int
digest_init (struct digester *d, const char *algorithm, galley_error_t *err)
{
  const EVP_MD *md;
  EVP_MD_CTX *ctx;

  d->ctx = NULL;
  d->algorithm = NULL;
  if (algorithm == NULL)
    algorithm = "sha256";
  if (strcmp (algorithm, "sha256") == 0)
    md = EVP_sha256 (), d->algorithm = "sha256";
  else if (strcmp (algorithm, "sha384") == 0)
    md = EVP_sha384 (), d->algorithm = "sha384";
  else if (strcmp (algorithm, "sha512") == 0)
    md = EVP_sha512 (), d->algorithm = "sha512";
  else
    return error_untrusted (err, "unsupported digest algorithm \"%s\"", algorithm);
  ctx = xalloc_check (EVP_MD_CTX_new ());
  if (EVP_DigestInit_ex (ctx, md, NULL) != 1)
    {
      EVP_MD_CTX_free (ctx);
      return galley_error_make (err, 0, "initialising %s", algorithm);
    }
  d->ctx = ctx;
  return 0;
}

int
digest_update (struct digester *d, const void *buf, size_t len, galley_error_t *err)
{
  if (d->ctx == NULL || EVP_DigestUpdate (d->ctx, buf, len) != 1)
    return galley_error_make (err, 0, "computing %s", d->algorithm ? d->algorithm : "digest");
  return 0;
}

int
digest_final (struct digester *d, char out[DIGEST_BUFSIZE], galley_error_t *err)
{
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int md_len = 0;
  size_t prefix;

  if (d->ctx == NULL || EVP_DigestFinal_ex (d->ctx, md, &md_len) != 1)
    return galley_error_make (err, 0, "computing %s", d->algorithm ? d->algorithm : "digest");
  EVP_MD_CTX_free (d->ctx);
  d->ctx = NULL;
  prefix = strlen (d->algorithm);
  memcpy (out, d->algorithm, prefix);
  out[prefix] = ':';
  hex_encode (md, md_len, out + prefix + 1);
  return 0;
}

void
digest_release (struct digester *d)
{
  if (d->ctx != NULL)
    EVP_MD_CTX_free (d->ctx);
  d->ctx = NULL;
}

int
digest_verify (const char *expected, const void *buf, size_t len, galley_error_t *err)
{
  _cleanup_digester_ struct digester d = { NULL, NULL };
  char algorithm[8];
  char actual[DIGEST_BUFSIZE];
  size_t alen;

  if (! digest_is_valid (expected))
    return error_untrusted (err, "invalid digest \"%s\"", expected);
  alen = (size_t)(strchr (expected, ':') - expected);
  memcpy (algorithm, expected, alen);
  algorithm[alen] = '\0';
  if (digest_init (&d, algorithm, err) < 0 || digest_update (&d, buf, len, err) < 0
      || digest_final (&d, actual, err) < 0)
    return -1;
  if (strcmp (actual, expected) != 0)
    return galley_error_make (err, 0, "digest mismatch: expected %s, got %s", expected, actual);
  return 0;
}
