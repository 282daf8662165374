/* Blob and manifest uploads (see upload.h).  */
#include "config.h"
#include "registry/upload.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "registry/endpoints.h"
#include "registry/reference.h"
#include "registry/session.h"
#include "util/cleanup.h"
#include "util/digest.h"
#include "util/log.h"
#include "util/xmalloc.h"

#define BLOB_CONTENT_TYPE "application/octet-stream"
/* Times a chunked upload asks where it stands and goes on.  */
#define MAX_RESUMES 3

/* ---- the pure pieces ---- */

char *
upload_url_add_query (const char *url, const char *key, const char *value)
{
  _cleanup_free_ char *escaped = http_escape (value);
  const char *hash = strchr (url, '#');
  size_t len = hash ? (size_t)(hash - url) : strlen (url);
  const char *sep;

  /* After an existing query (registries put the upload state there).  */
  if (memchr (url, '?', len) == NULL)
    sep = "?";
  else if (url[len - 1] == '?' || url[len - 1] == '&')
    sep = "";
  else
    sep = "&";
  return xasprintf ("%.*s%s%s=%s", (int)len, url, sep, key, escaped);
}

char *
upload_scope (const char *name, const char *from)
{
  return from != NULL ? xasprintf ("repository:%s:pull,push repository:%s:pull", name, from)
                      : xasprintf ("repository:%s:pull,push", name);
}

/* ---- requests ---- */

/* One call to dst's registry for dst's repository.  path is after
 * "/v2/" (or url is absolute).  */
static int
push_call (struct registry_client *c, const struct image_ref *dst, struct registry_call *call,
           const char *from, struct http_response *rs, galley_error_t *err)
{
  _cleanup_free_ char *scope = upload_scope (dst->repository, from);
  struct endpoint *ep;

  if ((ep = registry_location (c, dst->registry, err)) == NULL)
    return -1;
  call->repository = dst->repository;
  call->scope = scope;
  return session_call (c, ep, call, rs, err);
}

/* The absolute URL of a path under the registry's /v2/ (after a call, when
 * the scheme is known).  */
static char *
api_url (struct registry_client *c, const struct image_ref *dst, const char *path)
{
  _cleanup_error_ galley_error_t ignored = NULL;
  struct endpoint *ep = registry_location (c, dst->registry, &ignored);
  char *url = NULL;

  if (ep == NULL || ep->scheme == NULL || asprintf (&url, "%s://%s/v2/%s", ep->scheme, ep->host, path) < 0)
    return NULL;
  return url;
}

int
registry_blob_exists (struct registry_client *c, const struct image_ref *dst, const char *digest,
                      galley_error_t *err)
{
  _cleanup_http_response_ struct http_response rs = { 0 };
  _cleanup_free_ char *path = NULL;
  struct registry_call call = { .method = "HEAD" };

  if (! digest_is_valid (digest))
    return galley_error_make (err, EINVAL, "invalid blob digest \"%s\"", digest);
  path = xasprintf ("%s/blobs/%s", dst->repository, digest);
  call.path = path;
  if (push_call (c, dst, &call, NULL, &rs, err) == 0)
    return 1;
  if (galley_error_errno (err) != ENOENT)
    return -1;
  galley_error_release (err);
  return 0;
}

/* Start an upload session (POST), asking to mount from `from` when not
 * NULL.  1 when the blob was mounted; 0 with *session (absolute URL).  */
static int
start_upload (struct registry_client *c, const struct image_ref *dst, const char *digest, const char *from,
              char **session, galley_error_t *err)
{
  _cleanup_http_response_ struct http_response rs = { 0 };
  _cleanup_free_ char *path = NULL, *esc_digest = NULL, *esc_from = NULL, *base = NULL;
  struct registry_call call = { .method = "POST", .body = "", .body_len = 0 };

  if (from != NULL)
    {
      esc_digest = http_escape (digest);
      esc_from = http_escape (from);
      path = xasprintf ("%s/blobs/uploads/?mount=%s&from=%s", dst->repository, esc_digest, esc_from);
    }
  else
    path = xasprintf ("%s/blobs/uploads/", dst->repository);
  call.path = path;
  if (push_call (c, dst, &call, from, &rs, err) < 0)
    return -1;
  if (from != NULL && rs.status == 201)
    return 1;
  if (rs.status != 202 || rs.location == NULL)
    {
      galley_error_make (
          err, 0, "starting an upload: the registry answered HTTP %ld without an upload location", rs.status);
      (*err)->errno_ = EPROTO;
      return -1;
    }
  base = api_url (c, dst, path);
  if (base == NULL || (*session = http_url_resolve (base, rs.location)) == NULL)
    {
      galley_error_make (err, 0, "starting an upload: unusable upload location \"%s\"", rs.location);
      (*err)->errno_ = EPROTO;
      return -1;
    }
  return 0;
}

/* Send part of the blob to *session (PATCH for a chunk, PUT with the
 * digest to finish); *session follows the registry's Location.  */
static int
send_part (struct registry_client *c, const struct image_ref *dst, const struct upload_blob *b,
           uint64_t offset, uint64_t len, bool finish, char **session, galley_error_t *err)
{
  _cleanup_http_response_ struct http_response rs = { 0 };
  _cleanup_free_ char *url = NULL, *range = NULL;
  struct http_upload up = { .fd = b->fd, .offset = offset, .len = len };
  struct registry_call call = { .method = finish ? "PUT" : "PATCH", .content_type = BLOB_CONTENT_TYPE };

  url = finish ? upload_url_add_query (*session, "digest", b->digest) : xstrdup (*session);
  call.url = url;
  if (b->fd < 0)
    {
      call.body = (const char *)b->data + offset;
      call.body_len = (size_t)len;
    }
  else if (len > 0)
    call.upload = &up;
  else
    call.body = "";
  if (! finish)
    {
      range = xasprintf ("%llu-%llu", (unsigned long long)offset, (unsigned long long)(offset + len - 1));
      call.content_range = range;
    }
  if (push_call (c, dst, &call, NULL, &rs, err) < 0)
    return -1;
  if (finish)
    {
      if (rs.docker_content_digest != NULL && strcmp (rs.docker_content_digest, b->digest) != 0)
        {
          galley_error_make (err, 0, "the registry stored %s, expected %s", rs.docker_content_digest,
                             b->digest);
          (*err)->errno_ = EPROTO;
          return -1;
        }
      return 0;
    }
  if (rs.location != NULL)
    {
      char *next = http_url_resolve (*session, rs.location);
      if (next == NULL)
        {
          galley_error_make (err, 0, "unusable upload location \"%s\"", rs.location);
          (*err)->errno_ = EPROTO;
          return -1;
        }
      free (*session);
      *session = next;
    }
  return 0;
}

/* Where an upload session stands (GET on it): the offset of the next byte
 * the registry wants, and the session's new Location.  */
static int
upload_status (struct registry_client *c, const struct image_ref *dst, char **session, uint64_t *next,
               galley_error_t *err)
{
  _cleanup_http_response_ struct http_response rs = { 0 };
  struct registry_call call = { .url = *session };
  const char *dash;

  if (push_call (c, dst, &call, NULL, &rs, err) < 0)
    return -1;
  /* "0-N": bytes 0..N are there; none or "0-0" with nothing yet varies
   * between registries, so only a well-formed range counts.  */
  *next = 0;
  if (rs.range != NULL && (dash = strchr (rs.range, '-')) != NULL)
    *next = strtoull (dash + 1, NULL, 10) + 1;
  if (rs.location != NULL)
    {
      char *moved = http_url_resolve (*session, rs.location);
      if (moved != NULL)
        {
          free (*session);
          *session = moved;
        }
    }
  return 0;
}

static int
upload_into (struct registry_client *c, const struct image_ref *dst, const struct upload_blob *b,
             size_t chunk, char **session, galley_error_t *err)
{
  uint64_t offset = 0;
  int resumes = 0;

  if (b->size <= chunk)
    return send_part (c, dst, b, 0, b->size, true, session, err);
  while (offset < b->size)
    {
      uint64_t len = b->size - offset < chunk ? b->size - offset : chunk;
      _cleanup_error_ galley_error_t failed = NULL;

      log_debug ("uploading %s: bytes %llu-%llu of %llu", b->digest, (unsigned long long)offset,
                 (unsigned long long)(offset + len - 1), (unsigned long long)b->size);
      if (send_part (c, dst, b, offset, len, false, session, err) == 0)
        {
          offset += len;
          continue;
        }
      /* A chunk the registry got part of (a dropped connection, then a
       * retry it refused): ask where the session stands and go on from
       * there.  Gone or forbidden sessions cannot be resumed.  */
      if (resumes++ >= MAX_RESUMES || galley_error_errno (err) == ENOENT
          || galley_error_errno (err) == EACCES)
        return -1;
      failed = steal_pointer (err);
      if (upload_status (c, dst, session, &offset, err) < 0 || offset > b->size)
        {
          galley_error_release (err);
          *err = steal_pointer (&failed);
          return -1;
        }
      log_debug ("resuming the upload of %s at byte %llu after: %s", b->digest, (unsigned long long)offset,
                 failed->msg);
    }
  return send_part (c, dst, b, offset, 0, true, session, err);
}

/* Best effort: an upload session we will not use.  */
static void
cancel_upload (struct registry_client *c, const struct image_ref *dst, const char *session)
{
  _cleanup_http_response_ struct http_response rs = { 0 };
  _cleanup_error_ galley_error_t ignored = NULL;
  struct registry_call call = { .method = "DELETE", .url = session };

  push_call (c, dst, &call, NULL, &rs, &ignored);
}

int
registry_push_blob (struct registry_client *c, const struct image_ref *dst, const struct upload_blob *b,
                    const struct upload_options *o, enum upload_outcome *outcome, galley_error_t *err)
{
  _cleanup_free_ char *session = NULL, *name = image_ref_name (dst);
  size_t chunk = o && o->chunk_size ? o->chunk_size : UPLOAD_CHUNK_SIZE;
  size_t i;
  int r;

  r = registry_blob_exists (c, dst, b->digest, err);
  if (r < 0)
    return galley_error_wrap (err, "checking whether blob %s exists in %s", b->digest, name);
  if (r == 1)
    {
      log_debug ("blob %s: already in %s, skipped", b->digest, name);
      *outcome = UPLOAD_EXISTS;
      return 0;
    }
  for (i = 0; o && o->mount_from && o->mount_from[i] && session == NULL; i++)
    {
      if (strcmp (o->mount_from[i], dst->repository) == 0)
        continue;
      r = start_upload (c, dst, b->digest, o->mount_from[i], &session, err);
      if (r < 0)
        {
          /* Say, no pull access to the source: upload instead.  */
          log_debug ("blob %s: mounting from %s failed: %s", b->digest, o->mount_from[i], (*err)->msg);
          galley_error_release (err);
          continue;
        }
      if (r == 1)
        {
          log_debug ("blob %s: mounted from %s into %s", b->digest, o->mount_from[i], name);
          *outcome = UPLOAD_MOUNTED;
          return 0;
        }
      /* Not mounted: the registry opened an upload session instead.  Keep
       * it for the upload unless another source may still mount.  */
      if (o->mount_from[i + 1] != NULL)
        {
          cancel_upload (c, dst, session);
          free (steal_pointer (&session));
        }
    }
  if (session == NULL && start_upload (c, dst, b->digest, NULL, &session, err) < 0)
    return galley_error_wrap (err, "pushing blob %s to %s", b->digest, name);
  if (upload_into (c, dst, b, chunk, &session, err) < 0)
    return galley_error_wrap (err, "pushing blob %s to %s", b->digest, name);
  *outcome = UPLOAD_SENT;
  return 0;
}

int
registry_push_manifest (struct registry_client *c, const struct image_ref *dst, const char *body, size_t len,
                        const char *media_type, galley_error_t *err)
{
  _cleanup_http_response_ struct http_response rs = { 0 };
  _cleanup_free_ char *path = NULL, *shown = image_ref_format (dst);
  struct registry_call call = { .method = "PUT", .body = body, .body_len = len, .content_type = media_type };

  path = xasprintf ("%s/manifests/%s", dst->repository, dst->digest ? dst->digest : dst->tag);
  call.path = path;
  if (push_call (c, dst, &call, NULL, &rs, err) < 0)
    return galley_error_wrap (err, "writing manifest to %s", shown);
  if (rs.docker_content_digest != NULL)
    {
      char ours[DIGEST_SHA256_BUFSIZE];
      digest_sha256_hex (body, len, ours);
      if (strcmp (rs.docker_content_digest, ours) != 0)
        {
          galley_error_make (err, 0, "writing manifest to %s: the registry stored %s, expected %s", shown,
                             rs.docker_content_digest, ours);
          (*err)->errno_ = EPROTO;
          return -1;
        }
    }
  return 0;
}
