/* `push` (see push.h): source image -> regenerated layers and config ->
 * blobs (skipped, mounted or uploaded) -> manifest.  */
#include "config.h"
#include "image/push.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "image/layer_regen.h"
#include "image/store.h"
#include "registry/client.h"
#include "registry/registries_conf.h"
#include "registry/upload.h"
#include "util/cleanup.h"
#include "util/digest.h"
#include "util/json.h"
#include "util/parallel.h"
#include "util/strv.h"
#include "util/xmalloc.h"

int
push_format_parse (const char *s, enum push_format *out)
{
  if (strcmp (s, "oci") == 0)
    *out = PUSH_FORMAT_OCI;
  else if (strcmp (s, "v2s2") == 0 || strcmp (s, "docker") == 0)
    *out = PUSH_FORMAT_V2S2;
  else
    return -1;
  return 0;
}

int
push_compression_parse (const char *s, enum layer_compression *out)
{
  if (strcmp (s, "gzip") == 0)
    *out = LAYER_GZIP;
  else if (strcmp (s, "zstd") == 0)
    *out = LAYER_ZSTD;
  else
    return -1;
  return 0;
}

/* The transports of containers-transports(5) that galley cannot push to.  */
static const char *const other_transports[] = {
  "containers-storage", "dir", "docker-archive", "docker-daemon", "oci",
  "oci-archive",        "sif", "tarball",        "ostree"
};

int
push_destination_parse (const char *destination, struct image_ref *out, galley_error_t *err)
{
  const char *ref = destination;
  const char *colon = strchr (destination, ':');
  size_t i;

  if (strncmp (destination, "docker://", 9) == 0)
    ref = destination + 9;
  else if (colon != NULL)
    for (i = 0; i < sizeof other_transports / sizeof other_transports[0]; i++)
      if (strlen (other_transports[i]) == (size_t)(colon - destination)
          && strncmp (destination, other_transports[i], (size_t)(colon - destination)) == 0)
        return galley_error_make (err, 0, "%s: the \"%s\" transport is not supported: push to a registry",
                                  destination, other_transports[i]);
  if (image_ref_parse (ref, out, err) < 0)
    return galley_error_wrap (err, "invalid destination \"%s\"", destination);
  if (out->registry == NULL)
    {
      /* podman parses the destination as docker://NAME: short names are docker.io's.  */
      _cleanup_free_ char *qualified = NULL;
      image_ref_release (out);
      qualified = xasprintf ("docker.io/%s", ref);
      if (image_ref_parse (qualified, out, err) < 0)
        return galley_error_wrap (err, "invalid destination \"%s\"", destination);
    }
  if (out->digest != NULL)
    {
      image_ref_release (out);
      return galley_error_make (err, 0, "invalid destination \"%s\": cannot push to a digest reference",
                                destination);
    }
  return 0;
}

int
push_choose_format (enum push_format asked, const char *stored_media_type, enum layer_compression compression,
                    enum push_format *out, galley_error_t *err)
{
  if (asked == PUSH_FORMAT_V2S2 && compression == LAYER_ZSTD)
    return galley_error_make (err, 0,
                              "the v2s2 (docker) manifest format cannot carry zstd layers: use --format oci");
  if (asked != PUSH_FORMAT_DEFAULT)
    *out = asked;
  else if (compression != LAYER_ZSTD && stored_media_type != NULL
           && strcmp (stored_media_type, MEDIA_TYPE_DOCKER_MANIFEST) == 0)
    *out = PUSH_FORMAT_V2S2;
  else
    *out = PUSH_FORMAT_OCI;
  return 0;
}

const char *
push_manifest_media_type (enum push_format format)
{
  return format == PUSH_FORMAT_V2S2 ? MEDIA_TYPE_DOCKER_MANIFEST : MEDIA_TYPE_OCI_MANIFEST;
}

static json_object *
descriptor_json (const char *media_type, const struct push_blob_ref *b)
{
  json_object *d = json_object_new_object ();

  if (d == NULL)
    return NULL;
  json_object_object_add (d, "mediaType", json_object_new_string (media_type));
  json_object_object_add (d, "digest", json_object_new_string (b->digest));
  json_object_object_add (d, "size", json_object_new_int64 ((int64_t)b->size));
  return d;
}

int
push_manifest_compose (enum push_format format, enum layer_compression compression,
                       const struct push_blob_ref *config, const struct push_blob_ref *layers, size_t n,
                       char **out, galley_error_t *err)
{
  _cleanup_json_ json_object *doc = xalloc_check (json_object_new_object ());
  json_object *arr;
  const bool oci = format != PUSH_FORMAT_V2S2;
  const char *layer_type, *text;
  size_t i;

  if (! oci && compression != LAYER_GZIP)
    return galley_error_make (err, 0, "the v2s2 (docker) manifest format needs gzip layers");
  arr = xalloc_check (json_object_new_array ());
  layer_type = ! oci                       ? MEDIA_TYPE_DOCKER_LAYER_GZIP
               : compression == LAYER_ZSTD ? MEDIA_TYPE_OCI_LAYER_ZSTD
               : compression == LAYER_GZIP ? MEDIA_TYPE_OCI_LAYER_GZIP
                                           : MEDIA_TYPE_OCI_LAYER;
  json_object_object_add (doc, "schemaVersion", json_object_new_int (2));
  json_object_object_add (doc, "mediaType", json_object_new_string (push_manifest_media_type (format)));
  json_object_object_add (doc, "config",
                          descriptor_json (oci ? MEDIA_TYPE_OCI_CONFIG : MEDIA_TYPE_DOCKER_CONFIG, config));
  for (i = 0; i < n; i++)
    json_object_array_add (arr, descriptor_json (layer_type, &layers[i]));
  json_object_object_add (doc, "layers", arr);
  text = json_object_to_json_string_ext (doc, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
  if (text == NULL)
    xalloc_die ();
  *out = xstrdup (text);
  return 0;
}

/* ---- the push ---- */

/* Layer uploads at once.  */
#define PUSH_PARALLEL 3

struct push_job
{
  const struct push_options *o;
  struct store *store;
  struct registry_client *client;
  struct image_ref dst;
  char **mount_from; /* repositories of dst's registry that the image came from */
  struct layer_regen *layers;
  size_t n_layers;
};

static void
push_job_release (struct push_job *j)
{
  image_ref_release (&j->dst);
  cleanup_strvp (&j->mount_from);
  layer_regen_free (j->layers, j->n_layers);
  registry_client_free (j->client);
  store_close (j->store);
}

static void
progress (const struct push_options *o, const char *line)
{
  if (o->progress == NULL)
    return;
  fprintf (o->progress, "%s\n", line);
  fflush (o->progress);
}

/* "Copying blob sha256:..." (podman without a terminal) before the
 * upload, or the final state of podman's bar after it on a terminal.  */
static void
progress_blob (const struct push_options *o, const char *kind, const char *digest,
               const enum upload_outcome *r)
{
  const char *hex = digest_hex (digest);

  if (o->progress == NULL || (o->progress_tty != (r != NULL)))
    return;
  if (o->progress_tty)
    fprintf (o->progress, "Copying %s %.12s %s\n", kind, hex,
             *r == UPLOAD_EXISTS ? "skipped: already exists" : "done");
  else
    fprintf (o->progress, "Copying %s %s\n", kind, digest);
  fflush (o->progress);
}

/* The repositories on dst's registry that this image has names in: the
 * registry may have its blobs there (pushed by galley before), to be
 * mounted rather than sent.  */
static int
collect_mount_sources (struct push_job *j, const struct store_image *img, galley_error_t *err)
{
  char **const lists[] = { img->names, img->names_history };
  size_t k, i;

  for (k = 0; k < 2; k++)
    for (i = 0; lists[k] && lists[k][i]; i++)
      {
        _cleanup_image_ref_ struct image_ref r = { 0 };
        _cleanup_error_ galley_error_t ignored = NULL;

        if (image_ref_parse (lists[k][i], &r, &ignored) < 0 || r.registry == NULL
            || strcmp (r.registry, j->dst.registry) != 0 || strcmp (r.repository, j->dst.repository) == 0)
          continue;
        strv_append_unique (&j->mount_from, r.repository);
      }
  return 0;
}

static int
open_client (const struct galley_paths *paths, struct push_job *j, struct registries_conf *conf,
             galley_error_t *err)
{
  struct registry_options ropts = { .authfile = j->o->authfile,
                                    .creds = j->o->creds,
                                    .certs_dir = j->o->cert_dir,
                                    .tls_verify = j->o->tls_verify,
                                    .conf = conf };

  return registry_client_new (paths, &ropts, &j->client, err);
}

static int
push_blob (struct push_job *j, const char *kind, const struct upload_blob *b, galley_error_t *err)
{
  struct upload_options uo = { .mount_from = j->mount_from, .chunk_size = j->o->chunk_size };
  enum upload_outcome outcome;

  progress_blob (j->o, kind, b->digest, NULL);
  if (registry_push_blob (j->client, &j->dst, b, &uo, &outcome, err) < 0)
    return -1;
  progress_blob (j->o, kind, b->digest, &outcome);
  return 0;
}

/* Layers go up PUSH_PARALLEL at a time (podman sends several at once too):
 * the client is safe to share between threads.  */
static int
upload_layer (void *ctx, size_t i, galley_error_t *err)
{
  struct push_job *j = ctx;
  const struct layer_regen *l = &j->layers[i];
  struct upload_blob b = { .digest = l->result->blob_digest, .size = l->result->blob_size, .fd = l->tmp_fd };

  if (l->recalled)
    {
      /* seen at the destination just now (layer_regen_recall) */
      enum upload_outcome there = UPLOAD_EXISTS;
      progress_blob (j->o, "blob", b.digest, NULL);
      progress_blob (j->o, "blob", b.digest, &there);
      return 0;
    }
  return push_blob (j, "blob", &b, err);
}

/* layer_regen_recall's question: does the destination have this blob?  */
static int
blob_at_destination (void *ctx, const char *digest, galley_error_t *err)
{
  struct push_job *j = ctx;
  return registry_blob_exists (j->client, &j->dst, digest, err);
}

/* Everything after the layers are regenerated: blobs, config, manifest.  */
static int
push_documents (struct push_job *j, const struct store_image *img, enum push_format format,
                struct push_result *result, galley_error_t *err)
{
  _cleanup_free_ struct push_blob_ref *refs = xcalloc (j->n_layers + 1, sizeof *refs);
  _cleanup_free_ const char **diff_ids = xcalloc (j->n_layers + 1, sizeof *diff_ids);
  _cleanup_free_ char *config = NULL, *manifest = NULL;
  char config_digest[DIGEST_SHA256_BUFSIZE], manifest_digest[DIGEST_SHA256_BUFSIZE];
  struct push_blob_ref config_ref;
  size_t config_len, i;

  for (i = 0; i < j->n_layers; i++)
    {
      const struct layer_tar_result *r = j->layers[i].result;
      diff_ids[i] = r->diff_id;
      refs[i] = (struct push_blob_ref){ .digest = r->blob_digest, .size = r->blob_size };
    }
  if (parallel_for (j->n_layers, PUSH_PARALLEL, upload_layer, j, err) < 0)
    return -1;
  if (layer_regen_config (j->store, img, diff_ids, j->n_layers, &config, &config_len, config_digest, err) < 0)
    return -1;
  {
    struct upload_blob b = { .digest = config_digest, .size = config_len, .fd = -1, .data = config };
    if (push_blob (j, "config", &b, err) < 0)
      return -1;
  }
  config_ref = (struct push_blob_ref){ .digest = config_digest, .size = config_len };
  if (push_manifest_compose (format, j->o->compression, &config_ref, refs, j->n_layers, &manifest, err) < 0)
    return -1;
  digest_sha256_hex (manifest, strlen (manifest), manifest_digest);
  if (j->o->by_digest)
    {
      free (j->dst.digest);
      j->dst.digest = xstrdup (manifest_digest);
    }
  progress (j->o, "Writing manifest to image destination");
  if (registry_push_manifest (j->client, &j->dst, manifest, strlen (manifest),
                              push_manifest_media_type (format), err)
      < 0)
    return -1;
  progress (j->o, "Storing signatures");
  if (result != NULL)
    {
      *result = (struct push_result){ .digest = xstrdup (manifest_digest),
                                      .size = strlen (manifest),
                                      .media_type = push_manifest_media_type (format) };
    }
  return 0;
}

int
push_image (const struct galley_paths *paths, const char *source, const char *destination,
            const struct push_options *o, struct push_result *result, galley_error_t *err)
{
  _cleanup_registries_conf_ struct registries_conf *conf = NULL;
  _cleanup_store_image_ struct store_image *img = NULL;
  _cleanup_free_ char *matched = NULL;
  struct push_job j = { .o = o };
  enum push_format format;
  size_t i, index;
  int ret = -1;

  if (store_open (paths, &j.store, err) < 0)
    return -1;
  if (store_image_lookup (j.store, source, &img, &matched, err) < 0)
    goto out;
  if (destination == NULL && matched == NULL)
    {
      galley_error_make (err, 0, "%s: an image id needs a DESTINATION to push to", source);
      goto out;
    }
  if (push_destination_parse (destination ? destination : matched, &j.dst, err) < 0
      || push_choose_format (o->format, img->manifest_media_type, o->compression, &format, err) < 0
      || collect_mount_sources (&j, img, err) < 0 || registries_conf_load (paths, &conf, err) < 0
      || open_client (paths, &j, conf, err) < 0)
    goto out;
  progress (o, "Getting image source signatures");
  for (i = 0; img->layers[i] != NULL; i++)
    if (layer_regen_add (j.store, &j.layers, &j.n_layers, img->layers[i], &index, err) < 0)
      goto out;
  if (layer_regen_recall (j.store, j.layers, j.n_layers, o->compression, blob_at_destination, &j, err) < 0
      || layer_regen_run (j.store, j.layers, j.n_layers, o->compression, err) < 0)
    goto out;
  ret = push_documents (&j, img, format, result, err);
  if (ret == 0)
    layer_regen_remember (j.store, j.layers, j.n_layers, o->compression);
out:
  push_job_release (&j);
  return ret;
}
