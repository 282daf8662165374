/* Pushing to a registry (the distribution spec's "push" workflow): blobs
 * that the repository already has are skipped (HEAD), blobs that another
 * repository of the same registry has are mounted (POST ?mount=&from=),
 * the others uploaded -- in one PUT when small, else in PATCH chunks with
 * Content-Range, following each Location the registry answers (relative
 * or absolute) -- and finally the manifest is PUT under its tag.
 *
 * Requests go to the registry itself (mirrors are for pulls) with the
 * token scope "repository:NAME:pull,push" (plus ":pull" of the mount
 * source), through the same client as pulls: credentials, TLS, retries
 * of 5xx and dropped connections.  Blob bodies are streamed from a file.  */
#ifndef GALLEY_REGISTRY_UPLOAD_H
#define GALLEY_REGISTRY_UPLOAD_H

#include <stddef.h>
#include <stdint.h>

#include "registry/client.h"
#include "util/error.h"

/* Blobs up to this size go in one PUT; larger ones in chunks of it.  */
#define UPLOAD_CHUNK_SIZE (8u * 1024 * 1024)

enum upload_outcome
{
  UPLOAD_EXISTS,  /* the repository had it */
  UPLOAD_MOUNTED, /* mounted from another repository */
  UPLOAD_SENT,    /* uploaded */
};

/* What to push as one blob: size bytes of fd from offset 0, or (fd < 0)
 * the bytes in data.  */
struct upload_blob
{
  const char *digest; /* sha256:<hex> of the bytes */
  uint64_t size;
  int fd;
  const void *data;
};

struct upload_options
{
  char *const *mount_from; /* NULL-terminated repositories of the same registry to mount from; may be NULL */
  size_t chunk_size;       /* 0: UPLOAD_CHUNK_SIZE */
};

/* 1 when dst's repository has the blob, 0 when not.  */
int registry_blob_exists (struct registry_client *c, const struct image_ref *dst, const char *digest,
                          galley_error_t *err);

/* Make the blob present in dst's repository (see the file comment).  The
 * registry's Docker-Content-Digest, when it sends one, must be b->digest.  */
int registry_push_blob (struct registry_client *c, const struct image_ref *dst, const struct upload_blob *b,
                        const struct upload_options *o, enum upload_outcome *outcome, galley_error_t *err);

/* PUT a manifest under dst's tag.  */
int registry_push_manifest (struct registry_client *c, const struct image_ref *dst, const char *body,
                            size_t len, const char *media_type, galley_error_t *err);

/* ---- the pure pieces, exposed for the unit tests ---- */

/* url with "key=value" (value percent-encoded) appended to its query.  */
char *upload_url_add_query (const char *url, const char *key, const char *value);

/* "repository:NAME:pull,push" plus " repository:FROM:pull" when from is
 * not NULL (one scope parameter with space-separated scopes, as the token
 * spec allows).  */
char *upload_scope (const char *name, const char *from);

#endif
