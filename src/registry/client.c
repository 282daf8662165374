/* The registry client's public operations: manifests and blobs (trying
 * mirrors first), catalog and tag lists, login checks.  The protocol work
 * lives in session.c.  */
#include "config.h"
#include "registry/client.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "registry/endpoints.h"
#include "registry/reference.h"
#include "registry/session.h"
#include "util/cleanup.h"
#include "util/digest.h"
#include "util/json.h"
#include "util/strv.h"
#include "util/xmalloc.h"

#define MANIFEST_ACCEPT                                                                   \
  "application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json, " \
  "application/vnd.docker.distribution.manifest.list.v2+json, "                           \
  "application/vnd.docker.distribution.manifest.v2+json"
#define LIST_PAGE_SIZE 100
#define LIST_MAX_ENTRIES 100000

int
registry_client_new (const struct galley_paths *p, const struct registry_options *o,
                     struct registry_client **out, galley_error_t *err)
{
  struct registry_client *c = xcalloc (1, sizeof *c);

  http_global_init ();
  pthread_mutex_init (&c->lock, NULL);
  pthread_mutex_init (&c->handles_lock, NULL);
  c->paths = p;
  c->tls_verify = o ? o->tls_verify : -1;
  c->conf = o ? o->conf : NULL;
  if (o != NULL && o->authfile)
    c->authfile = xstrdup (o->authfile);
  if (o != NULL && o->certs_dir)
    c->certs_dir = xstrdup (o->certs_dir);
  if (o != NULL && o->creds != NULL)
    {
      const char *colon = strchr (o->creds, ':');
      if (o->creds[0] == '\0' || o->creds[0] == ':' || colon == NULL)
        {
          registry_client_free (c);
          return galley_error_make (err, EINVAL, "invalid --creds: expected USERNAME:PASSWORD");
        }
      c->creds.username = xstrndup (o->creds, (size_t)(colon - o->creds));
      c->creds.password = xstrdup (colon + 1);
      c->have_creds = true;
    }
  *out = c;
  return 0;
}

void
registry_client_free (struct registry_client *c)
{
  if (c == NULL)
    return;
  session_release (c);
  auth_credentials_release (&c->creds);
  free (c->authfile);
  free (c->certs_dir);
  pthread_mutex_destroy (&c->lock);
  pthread_mutex_destroy (&c->handles_lock);
  free (c);
}

/* The name of what we fetch, for messages: "reg/repo:tag" or "reg/repo@digest".  */
static char *
ref_display (const struct image_ref *ref)
{
  struct image_ref shown = *ref;

  if (ref->digest != NULL)
    shown.tag = NULL;
  return image_ref_format (&shown);
}

static int
check_ref (const struct image_ref *ref, galley_error_t *err)
{
  if (ref->registry == NULL || ! image_ref_domain_is_valid (ref->registry) || ref->repository == NULL
      || ! image_ref_path_is_valid (ref->repository))
    return galley_error_make (err, EINVAL, "invalid image reference for a registry");
  if (ref->digest != NULL && ! digest_is_valid (ref->digest))
    return galley_error_make (err, EINVAL, "invalid digest \"%s\"", ref->digest);
  if (ref->digest == NULL && (ref->tag == NULL || ! image_ref_tag_is_valid (ref->tag)))
    return galley_error_make (err, EINVAL, "invalid tag \"%s\"", ref->tag ? ref->tag : "");
  return 0;
}

/* Counts what reaches the caller's sink, so that the next source or
 * attempt resumes after it.  */
struct counting_sink
{
  registry_sink sink;
  void *ctx;
  uint64_t start;
  uint64_t count;
  bool failed; /* the caller's sink refused: no other source can fix it */
};

/* Try call on every source of ref in order (mirrors, then the registry
 * itself) for "<repository>/<what>"; the last source's error wins.  */
static int
call_sources (struct registry_client *c, const struct image_ref *ref, const char *what,
              struct registry_call *call, struct http_response *rs, struct counting_sink *cs,
              galley_error_t *err)
{
  _cleanup_registry_sources_ struct registry_sources sources = { 0 };
  size_t i;

  if (registry_sources_for (c, ref, &sources, err) < 0)
    return -1;
  for (i = 0; i < sources.n; i++)
    {
      const struct registry_source *src = &sources.items[i];
      _cleanup_free_ char *path = xasprintf ("%s/%s", src->repository, what);
      _cleanup_free_ char *scope = xasprintf ("repository:%s:pull", src->repository);

      call->repository = src->repository;
      call->path = path;
      call->scope = scope;
      if (cs != NULL)
        call->offset = cs->start + cs->count;
      if (session_call (c, src->ep, call, rs, err) == 0)
        return 0;
      if (i + 1 == sources.n || (cs != NULL && cs->failed))
        return -1;
      galley_error_release (err);
    }
  return -1;
}

static char *
bare_media_type (const char *content_type, const char *body, size_t len)
{
  _cleanup_json_ json_object *doc = NULL;
  _cleanup_error_ galley_error_t ignored = NULL;
  const char *mt;

  if (content_type != NULL && *content_type != '\0' && strncmp (content_type, "application/json", 16) != 0
      && strncmp (content_type, "text/plain", 10) != 0)
    return xstrndup (content_type, strcspn (content_type, "; \t"));
  /* Registries that serve manifests as JSON: the document says what it is.  */
  if (json_parse_strict (body, len, "manifest", &doc, &ignored) == 0
      && (mt = json_get_string (doc, "mediaType")))
    return xstrdup (mt);
  return xstrdup ("");
}

int
registry_fetch_manifest (struct registry_client *c, const struct image_ref *ref, char **body, size_t *len,
                         char **media_type, char **digest, galley_error_t *err)
{
  _cleanup_http_response_ struct http_response rs = { 0 };
  _cleanup_free_ char *shown = NULL, *what = NULL;
  char computed[DIGEST_SHA256_BUFSIZE];
  struct registry_call call = { .accept = MANIFEST_ACCEPT, .max_body = REGISTRY_MAX_MANIFEST_SIZE };

  if (check_ref (ref, err) < 0)
    return -1;
  shown = ref_display (ref);
  what = xasprintf ("manifests/%s", ref->digest ? ref->digest : ref->tag);
  if (call_sources (c, ref, what, &call, &rs, NULL, err) < 0)
    return galley_error_wrap (err, "pulling manifest %s", shown);
  if (rs.body == NULL)
    rs.body = xstrdup ("");
  if (digest_sha256_hex (rs.body, rs.body_len, computed) < 0)
    return galley_error_make (err, EIO, "pulling manifest %s: hashing failed", shown);
  if (ref->digest != NULL)
    {
      int r = strncmp (ref->digest, "sha256:", 7) == 0
                  ? (strcmp (ref->digest, computed) == 0
                         ? 0
                         : galley_error_make (err, 0, "digest mismatch: expected %s, got %s", ref->digest,
                                              computed))
                  : digest_verify (ref->digest, rs.body, rs.body_len, err);
      if (r < 0)
        {
          (*err)->errno_ = EPROTO;
          return galley_error_wrap (err, "pulling manifest %s", shown);
        }
    }
  if (media_type != NULL)
    *media_type = bare_media_type (rs.content_type, rs.body, rs.body_len);
  if (digest != NULL)
    *digest = xstrdup (computed);
  *len = rs.body_len;
  *body = steal_pointer (&rs.body);
  return 0;
}

static int
counting_sink_write (void *ctx, const void *buf, size_t len, galley_error_t *err)
{
  struct counting_sink *cs = ctx;

  if (cs->sink (cs->ctx, buf, len, err) < 0)
    {
      cs->failed = true;
      return -1;
    }
  cs->count += len;
  return 0;
}

int
registry_fetch_blob (struct registry_client *c, const struct image_ref *ref, const char *digest,
                     uint64_t offset, registry_sink sink, void *ctx, galley_error_t *err)
{
  _cleanup_http_response_ struct http_response rs = { 0 };
  _cleanup_free_ char *what = NULL, *name = NULL;
  struct counting_sink cs = { .sink = sink, .ctx = ctx, .start = offset };
  struct registry_call call = { .sink = counting_sink_write, .sink_ctx = &cs };
  struct image_ref by_digest = { 0 };

  if (digest == NULL || ! digest_is_valid (digest))
    return galley_error_make (err, EINVAL, "invalid blob digest \"%s\"", digest ? digest : "");
  by_digest = *ref;
  by_digest.tag = NULL;
  by_digest.digest = (char *)digest;
  if (check_ref (&by_digest, err) < 0)
    return -1;
  what = xasprintf ("blobs/%s", digest);
  name = image_ref_name (ref);
  if (call_sources (c, &by_digest, what, &call, &rs, &cs, err) < 0)
    return galley_error_wrap (err, "pulling blob %s of %s", digest, name);
  return 0;
}

struct buffer_sink
{
  char *data;
  size_t len;
  size_t max;
};

static int
buffer_sink_write (void *ctx, const void *buf, size_t len, galley_error_t *err)
{
  struct buffer_sink *b = ctx;
  char *d;

  if (len > b->max - b->len)
    {
      galley_error_make (err, 0, "larger than %zu bytes", b->max);
      (*err)->errno_ = EPROTO;
      return -1;
    }
  d = xrealloc (b->data, b->len + len + 1);
  memcpy (d + b->len, buf, len);
  b->data = d;
  b->len += len;
  d[b->len] = '\0';
  return 0;
}

int
registry_fetch_blob_buffer (struct registry_client *c, const struct image_ref *ref, const char *digest,
                            size_t max, char **data, size_t *len, galley_error_t *err)
{
  struct buffer_sink b = { .max = max ? max : REGISTRY_MAX_MANIFEST_SIZE };

  if (registry_fetch_blob (c, ref, digest, 0, buffer_sink_write, &b, err) < 0)
    {
      free (b.data);
      return -1;
    }
  if (b.data == NULL)
    b.data = xstrdup ("");
  *data = b.data;
  *len = b.len;
  return 0;
}

/* Append the strings of doc[member] to *v (n entries so far).  */
static int
append_strings (json_object *doc, const char *member, char ***v, size_t *n, size_t limit, galley_error_t *err)
{
  json_object *arr;
  size_t i, count;

  if (! json_object_object_get_ex (doc, member, &arr) || json_object_is_type (arr, json_type_null))
    return 0;
  if (! json_object_is_type (arr, json_type_array))
    return galley_error_make (err, EPROTO, "\"%s\" is not a list", member);
  count = json_object_array_length (arr);
  for (i = 0; i < count && (limit == 0 || *n < limit) && *n < LIST_MAX_ENTRIES; i++)
    {
      json_object *s = json_object_array_get_idx (arr, i);
      if (! json_object_is_type (s, json_type_string))
        continue;
      strv_append (v, json_object_get_string (s));
      ++*n;
    }
  return 0;
}

/* GET a paginated list (catalog or tags) from the registry itself.  */
static int
list_paginated (struct registry_client *c, const char *registry, struct registry_call *call,
                const char *member, size_t limit, char ***out, galley_error_t *err)
{
  _cleanup_strv_ char **v = xcalloc (1, sizeof *v);
  _cleanup_free_ char *next = NULL;
  struct endpoint *ep = registry_location (c, registry, err);
  size_t n = 0;

  if (ep == NULL)
    return -1;
  call->max_body = REGISTRY_MAX_MANIFEST_SIZE;
  call->accept = "application/json";
  for (;;)
    {
      _cleanup_http_response_ struct http_response rs = { 0 };
      _cleanup_json_ json_object *doc = NULL;
      /* The registry itself: mirrors do not answer for the catalog.  */
      if (session_call (c, ep, call, &rs, err) < 0)
        return -1;
      if (json_parse_strict (rs.body ? rs.body : "", rs.body_len, member, &doc, err) < 0
          || append_strings (doc, member, &v, &n, limit, err) < 0)
        {
          (*err)->errno_ = EPROTO;
          return -1;
        }
      if ((limit > 0 && n >= limit) || n >= LIST_MAX_ENTRIES || rs.link == NULL)
        break;
      {
        _cleanup_free_ char *base =
            call->url == NULL ? xasprintf ("%s://%s/v2/%s", ep->scheme, ep->host, call->path) : NULL;
        free (next);
        next = http_link_next (rs.link, call->url ? call->url : base);
      }
      if (next == NULL)
        break;
      call->url = next;
    }
  *out = steal_pointer (&v);
  return 0;
}

int
registry_list_catalog (struct registry_client *c, const char *registry, size_t limit, char ***repositories,
                       galley_error_t *err)
{
  char path[64];
  struct registry_call call = { .scope = "registry:catalog:*", .path = path };

  snprintf (path, sizeof path, "_catalog?n=%zu",
            limit > 0 && limit < LIST_PAGE_SIZE ? limit : LIST_PAGE_SIZE);
  if (list_paginated (c, registry, &call, "repositories", limit, repositories, err) < 0)
    return galley_error_wrap (err, "listing the repositories of %s", registry);
  return 0;
}

int
registry_list_tags (struct registry_client *c, const char *registry, const char *repository, size_t limit,
                    char ***tags, galley_error_t *err)
{
  _cleanup_free_ char *path = NULL, *scope = NULL;
  struct registry_call call = { .repository = repository };

  if (! image_ref_path_is_valid (repository))
    return galley_error_make (err, EINVAL, "invalid repository name \"%s\"", repository);
  path = xasprintf ("%s/tags/list", repository);
  scope = xasprintf ("repository:%s:pull", repository);
  call.path = path;
  call.scope = scope;
  if (list_paginated (c, registry, &call, "tags", limit, tags, err) < 0)
    return galley_error_wrap (err, "listing the tags of %s/%s", registry, repository);
  return 0;
}

int
registry_check_login (struct registry_client *c, const char *registry, const char *username,
                      const char *password, galley_error_t *err)
{
  _cleanup_http_response_ struct http_response rs = { 0 };
  struct auth_credentials cr = { .username = (char *)username, .password = (char *)password };
  struct registry_call call = { .path = "", .creds = &cr };
  struct endpoint *ep = registry_location (c, registry, err);

  if (ep == NULL)
    return -1;
  return session_call (c, ep, &call, &rs, err);
}
