/* The registry client: talks the distribution (OCI) HTTP API to one or more
 * registries for pull, search and login.  It owns endpoint selection (mirrors
 * from registries.conf, https or -- for insecure registries only -- plain
 * http), authentication (anonymous, Basic from auth.json or --creds, Bearer
 * tokens cached per scope), redirects that never carry credentials to another
 * host, bounded retries with backoff, and resuming interrupted blobs.
 *
 * A client may be used from several threads at once (each request borrows its
 * own curl handle; the token cache is locked).
 *
 * Errors name what failed, e.g.
 *   pulling manifest 127.0.0.1:5000/foo:latest: manifest unknown (HTTP 404)
 *   pulling manifest 127.0.0.1:5001/foo:latest: authentication required for 127.0.0.1:5001 (HTTP 401)
 * and carry a kind in galley_error_errno (err):
 *   ENOENT   the registry says the manifest/blob/repository does not exist (404, *_UNKNOWN)
 *   EACCES   authentication required or denied (401, 403)
 *   EPROTO   the registry answered something unusable (bad JSON, oversized, digest mismatch)
 *   other    transport failures (ECONNREFUSED, ETIMEDOUT, ECONNRESET, EHOSTUNREACH, ...)
 */
#ifndef GALLEY_REGISTRY_CLIENT_H
#define GALLEY_REGISTRY_CLIENT_H

#include <stddef.h>
#include <stdint.h>

#include "state/paths.h"
#include "util/error.h"

struct image_ref;       /* registry/reference.h */
struct registries_conf; /* registry/registries_conf.h */
struct registry_client;

/* Manifests and configs larger than this are refused.  */
#define REGISTRY_MAX_MANIFEST_SIZE (4u * 1024 * 1024)

struct registry_options
{
  const char *authfile; /* --authfile: the only credentials file read; NULL: the default chain */
  const char *creds;    /* --creds USER:PASSWORD; wins over any file */
  int tls_verify;       /* -1: default (verify unless registries.conf says insecure), 0, 1 */
  const struct registries_conf *conf; /* mirrors and insecure registries; may be NULL */
  const char *certs_dir;              /* --cert-dir: replaces the certs.d search for every host */
};

int registry_client_new (const struct galley_paths *p, const struct registry_options *o,
                         struct registry_client **out, galley_error_t *err);
void registry_client_free (struct registry_client *c);

static inline void
cleanup_registry_clientp (struct registry_client **c)
{
  if (*c != NULL)
    registry_client_free (*c);
}
#define _cleanup_registry_client_ __attribute__ ((cleanup (cleanup_registry_clientp)))

/* Fetch a manifest by tag or digest (ref->digest wins over ref->tag).  Accepts
 * the OCI index/manifest and Docker list/schema-2 media types.  *body is
 * NUL-terminated (not counted in *len); *media_type is the Content-Type
 * without parameters; *digest is "sha256:<hex>" of exactly the bytes in *body.
 * When ref->digest is a sha256 digest, a body that does not match fails with
 * EPROTO.  Any of media_type, digest may be NULL.  Mirrors are tried first.  */
int registry_fetch_manifest (struct registry_client *c, const struct image_ref *ref, char **body, size_t *len,
                             char **media_type, char **digest, galley_error_t *err);

/* Stream a blob of ref's repository.  sink gets each chunk in order; a sink
 * error aborts the download and is returned as is.  offset > 0 starts at that
 * byte (Range).  Dropped connections and 5xx are retried (3 attempts in all)
 * resuming after the bytes already delivered to the sink.  Verifies nothing:
 * the caller hashes.  */
typedef int (*registry_sink) (void *ctx, const void *buf, size_t len, galley_error_t *err);
int registry_fetch_blob (struct registry_client *c, const struct image_ref *ref, const char *digest,
                         uint64_t offset, registry_sink sink, void *ctx, galley_error_t *err);

/* A small blob (an image config) into memory, at most max bytes (0: the
 * manifest cap).  *data is NUL-terminated.  Verifies nothing.  */
int registry_fetch_blob_buffer (struct registry_client *c, const struct image_ref *ref, const char *digest,
                                size_t max, char **data, size_t *len, galley_error_t *err);

/* search: repositories of the catalog (/v2/_catalog, following Link pages,
 * stopping after limit entries when limit > 0) and the tags of one
 * repository.  Results are NULL-terminated string vectors (free with
 * _cleanup_strv_).  registry is a host[:port] as written by the user
 * ("docker.io" is mapped to its API host).  */
int registry_list_catalog (struct registry_client *c, const char *registry, size_t limit,
                           char ***repositories, galley_error_t *err);
int registry_list_tags (struct registry_client *c, const char *registry, const char *repository, size_t limit,
                        char ***tags, galley_error_t *err);

/* login: check username/password against registry's /v2/ (Basic, or a token
 * fetched with them).  0 when accepted; EACCES when refused.  */
int registry_check_login (struct registry_client *c, const char *registry, const char *username,
                          const char *password, galley_error_t *err);

#endif
