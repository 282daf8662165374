/* The archive layouts `save` writes (see image_save.h), as
 * containers/image writes them for podman: members with mode 0444, owner
 * 0:0 and mtime 0; JSON documents compact, in Go's field order.  */
#include "config.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "image/image_save_internal.h"
#include "image/manifest.h"
#include "util/cleanup.h"
#include "util/digest.h"
#include "util/json.h"
#include "util/xmalloc.h"

#define COPY_CHUNK (256 * 1024)
#define JSON_COMPACT (JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)

struct outer
{
  struct archive *a;
  FILE *progress;
  char **written; /* member names already in the archive */
  size_t n_written;
};

/* ---- members (the libarchive boundary) ---- */

static int
archive_fail (struct archive *a, galley_error_t *err, const char *what)
{
  const char *msg = archive_error_string (a);
  int e = archive_errno (a);

  return galley_error_make (err, e > 0 ? e : 0, "writing %s: %s", what,
                            msg ? msg : "unknown libarchive error");
}

/* True (and remembered) the first time a member name is seen.  */
static bool
first_time (struct outer *o, const char *name)
{
  char **grown;
  size_t i;

  for (i = 0; i < o->n_written; i++)
    if (strcmp (o->written[i], name) == 0)
      return false;
  grown = realloc (o->written, (o->n_written + 1) * sizeof *grown);
  if (grown == NULL)
    return true; /* writing it twice is harmless */
  o->written = grown;
  if ((grown[o->n_written] = strdup (name)) != NULL)
    o->n_written++;
  return true;
}

static int
put_header (struct outer *o, const char *name, mode_t type, la_int64_t size, const char *symlink,
            galley_error_t *err)
{
  struct archive_entry *e = archive_entry_new ();
  int r;

  if (e == NULL)
    return galley_error_make (err, ENOMEM, "allocating");
  archive_entry_set_pathname (e, name);
  archive_entry_set_filetype (e, type);
  archive_entry_set_perm (e, type == AE_IFDIR ? 0755 : type == AE_IFLNK ? 0777 : 0444);
  archive_entry_set_mtime (e, 0, 0);
  archive_entry_set_size (e, size);
  if (symlink)
    archive_entry_set_symlink (e, symlink);
  r = archive_write_header (o->a, e);
  archive_entry_free (e);
  return r == ARCHIVE_OK ? 0 : archive_fail (o->a, err, name);
}

static int
put_bytes (struct outer *o, const char *name, const void *data, size_t len, galley_error_t *err)
{
  if (! first_time (o, name))
    return 0;
  if (put_header (o, name, AE_IFREG, (la_int64_t)len, NULL, err) < 0)
    return -1;
  if (len > 0 && archive_write_data (o->a, data, len) != (la_ssize_t)len)
    return archive_fail (o->a, err, name);
  return 0;
}

static int
put_fd (struct outer *o, const char *name, int fd, uint64_t size, galley_error_t *err)
{
  _cleanup_free_ char *buf = NULL;
  uint64_t done = 0;

  if (! first_time (o, name))
    return 0;
  buf = xmalloc (COPY_CHUNK);
  if (put_header (o, name, AE_IFREG, (la_int64_t)size, NULL, err) < 0)
    return -1;
  while (done < size)
    {
      size_t want = size - done < COPY_CHUNK ? (size_t)(size - done) : COPY_CHUNK;
      ssize_t n = pread (fd, buf, want, (off_t)done);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return galley_error_make (err, n < 0 ? errno : EIO, "reading the regenerated %s", name);
      if (archive_write_data (o->a, buf, (size_t)n) != n)
        return archive_fail (o->a, err, name);
      done += (uint64_t)n;
    }
  return 0;
}

static int
put_json (struct outer *o, const char *name, json_object *doc, galley_error_t *err)
{
  const char *text = json_object_to_json_string_ext (doc, JSON_COMPACT);

  if (text == NULL)
    return galley_error_make (err, ENOMEM, "allocating");
  return put_bytes (o, name, text, strlen (text), err);
}

static void
progress (struct outer *o, const char *what, const char *digest)
{
  if (o->progress == NULL)
    return;
  if (digest)
    fprintf (o->progress, "Copying %s %s\n", what, digest);
  else
    fprintf (o->progress, "%s\n", what);
  fflush (o->progress);
}

static const struct layer_tar_result *
layer_result (const struct save_plan *plan, const struct save_image *im, size_t i)
{
  return plan->layers[im->layers[i]].result;
}

/* ---- docker-archive ---- */

/* The legacy per-layer "json" of containers/image (Go marshals the map
 * with sorted keys): the top layer also carries parts of the image config.  */
static json_object *
legacy_layer_config (json_object *config, bool top, const char *parent, const char *layer_id, const char *id)
{
  static const char *const from_config[] = { "architecture",     "config",  "container",
                                             "container_config", "created", "docker_version" };
  json_object *o = json_object_new_object (), *v;
  size_t i;

  for (i = 0; top && i < sizeof from_config / sizeof from_config[0]; i++)
    json_object_object_add (o, from_config[i],
                            json_object_object_get_ex (config, from_config[i], &v) ? json_object_get (v)
                                                                                   : NULL);
  if (id)
    json_object_object_add (o, "id", json_object_new_string (id));
  if (layer_id)
    json_object_object_add (o, "layer_id", json_object_new_string (layer_id));
  if (top)
    json_object_object_add (o, "os",
                            json_object_object_get_ex (config, "os", &v) ? json_object_get (v) : NULL);
  if (parent[0])
    json_object_object_add (o, "parent", json_object_new_string (parent));
  return o;
}

/* <id>/VERSION, <id>/json, <id>/layer.tar -> ../<diff-id-hex>.tar for each
 * layer; *top_id gets the last id (what "repositories" points at).  */
static int
write_legacy_layers (struct outer *o, const struct save_plan *plan, const struct save_image *im,
                     char top_id[HEX_ID_BUFSIZE], galley_error_t *err)
{
  _cleanup_json_ json_object *config = json_tokener_parse (im->config);
  char chain[DIGEST_SHA256_BUFSIZE] = "", parent[HEX_ID_BUFSIZE] = "";
  size_t i;

  top_id[0] = '\0';
  for (i = 0; i < im->n_layers; i++)
    {
      const char *diff_id = layer_result (plan, im, i)->diff_id;
      bool top = i + 1 == im->n_layers;
      _cleanup_json_ json_object *for_id = NULL, *final = NULL;
      _cleanup_free_ char *text = NULL, *version = NULL, *link = NULL, *json = NULL, *target = NULL;
      char id[DIGEST_SHA256_BUFSIZE];

      if (i == 0)
        snprintf (chain, sizeof chain, "%s", diff_id);
      else
        {
          text = xasprintf ("%s %s", chain, diff_id);
          digest_sha256_hex (text, strlen (text), chain);
          free (steal_pointer (&text));
        }
      for_id = legacy_layer_config (config, top, parent, chain, NULL);
      const char *id_text = json_object_to_json_string_ext (for_id, JSON_COMPACT);
      digest_sha256_hex (id_text, strlen (id_text), id);
      final = legacy_layer_config (config, top, parent, NULL, id + 7);
      version = xasprintf ("%s/VERSION", id + 7);
      link = xasprintf ("%s/layer.tar", id + 7);
      json = xasprintf ("%s/json", id + 7);
      target = xasprintf ("../%s.tar", diff_id + 7);
      if (first_time (o, id + 7)
          && (put_bytes (o, version, "1.0", 3, err) < 0 || put_header (o, link, AE_IFLNK, 0, target, err) < 0
              || put_json (o, json, final, err) < 0))
        return -1;
      snprintf (parent, sizeof parent, "%s", id + 7);
    }
  snprintf (top_id, 65, "%s", parent);
  return 0;
}

/* repositories: {"name": {"tag": "<top legacy id>"}}, sorted as Go sorts
 * map keys.  */
static int
add_repository (json_object *repos, const char *tag, const char *top_id)
{
  _cleanup_free_ char *name = strdup (tag);
  char *colon;
  json_object *tags;

  if (name == NULL)
    return -1;
  colon = strrchr (name, ':');
  if (colon == NULL || strchr (colon, '/') != NULL || top_id[0] == '\0')
    return 0;
  *colon = '\0';
  if (! json_object_object_get_ex (repos, name, &tags))
    {
      tags = json_object_new_object ();
      json_object_object_add (repos, name, tags);
    }
  json_object_object_add (tags, colon + 1, json_object_new_string (top_id));
  return 0;
}

static int
compare_keys (const void *a, const void *b)
{
  return strcmp (*(const char *const *)a, *(const char *const *)b);
}

/* A copy of obj with its keys sorted (two levels deep, as repositories).  */
static json_object *
sorted_object (json_object *obj, int depth)
{
  json_object *out = json_object_new_object ();
  const char **keys = calloc ((size_t)json_object_object_length (obj) + 1, sizeof *keys);
  size_t n = 0, i;

  if (keys == NULL)
    return out;
  json_object_object_foreach (obj, k, v)
  {
    (void)v;
    keys[n++] = k;
  }
  qsort (keys, n, sizeof *keys, compare_keys);
  for (i = 0; i < n; i++)
    {
      json_object *member = json_object_object_get (obj, keys[i]);
      json_object_object_add (out, keys[i],
                              depth > 0 && json_object_is_type (member, json_type_object)
                                  ? sorted_object (member, depth - 1)
                                  : json_object_get (member));
    }
  free (keys);
  return out;
}

static int
write_docker (struct outer *o, const struct save_plan *plan, galley_error_t *err)
{
  _cleanup_json_ json_object *manifest = json_object_new_array ();
  _cleanup_json_ json_object *repos = json_object_new_object ();
  _cleanup_json_ json_object *sorted = NULL;
  size_t i, j;

  for (i = 0; i < plan->n_images; i++)
    {
      const struct save_image *im = &plan->images[i];
      json_object *item = json_object_new_object (), *tags = json_object_new_array (),
                  *layers = json_object_new_array ();
      _cleanup_free_ char *config_name = NULL;
      char top_id[HEX_ID_BUFSIZE];

      json_object_array_add (manifest, item);
      for (j = 0; j < im->n_layers; j++)
        {
          const struct layer_tar_result *r = layer_result (plan, im, j);
          _cleanup_free_ char *name = NULL;

          name = xasprintf ("%s.tar", r->diff_id + 7);
          progress (o, "blob", r->diff_id);
          if (put_fd (o, name, plan->layers[im->layers[j]].tmp_fd, r->size, err) < 0)
            return -1;
          json_object_array_add (layers, json_object_new_string (name));
        }
      config_name = xasprintf ("%s.json", im->config_digest + 7);
      progress (o, "config", im->config_digest);
      if (put_bytes (o, config_name, im->config, im->config_len, err) < 0
          || write_legacy_layers (o, plan, im, top_id, err) < 0)
        return -1;
      for (j = 0; im->tags && im->tags[j]; j++)
        {
          json_object_array_add (tags, json_object_new_string (im->tags[j]));
          if (add_repository (repos, im->tags[j], top_id) < 0)
            return galley_error_make (err, ENOMEM, "allocating");
        }
      json_object_object_add (item, "Config", json_object_new_string (config_name));
      json_object_object_add (item, "RepoTags", tags);
      json_object_object_add (item, "Layers", layers);
    }
  progress (o, "Writing manifest to image destination", NULL);
  sorted = sorted_object (repos, 1);
  if (put_json (o, "manifest.json", manifest, err) < 0 || put_json (o, "repositories", sorted, err) < 0)
    return -1;
  progress (o, "Storing signatures", NULL);
  return 0;
}

/* ---- oci-archive ---- */

static int
write_oci (struct outer *o, const struct save_plan *plan, galley_error_t *err)
{
  static const char layout[] = "{\"imageLayoutVersion\":\"1.0.0\"}";
  const struct save_image *im = &plan->images[0];
  _cleanup_json_ json_object *index = NULL;
  _cleanup_free_ char *manifest = NULL, *name = NULL;
  char manifest_digest[DIGEST_SHA256_BUFSIZE];
  json_object *desc, *manifests;
  size_t len = 0, i;
  FILE *f;

  if (put_bytes (o, "oci-layout", layout, strlen (layout), err) < 0
      || put_header (o, "blobs/", AE_IFDIR, 0, NULL, err) < 0
      || put_header (o, "blobs/sha256/", AE_IFDIR, 0, NULL, err) < 0)
    return -1;
  f = open_memstream (&manifest, &len);
  if (f == NULL)
    return galley_error_make (err, errno, "allocating");
  fprintf (f,
           "{\"schemaVersion\":2,\"mediaType\":\"%s\",\"config\":{\"mediaType\":\"%s\",\"digest\":\"%s\","
           "\"size\":%zu},"
           "\"layers\":[",
           MEDIA_TYPE_OCI_MANIFEST, MEDIA_TYPE_OCI_CONFIG, im->config_digest, im->config_len);
  for (i = 0; i < im->n_layers; i++)
    {
      const struct layer_tar_result *r = layer_result (plan, im, i);
      _cleanup_free_ char *blob = NULL;

      fprintf (f, "%s{\"mediaType\":\"%s\",\"digest\":\"%s\",\"size\":%llu}", i ? "," : "",
               plan->gzip ? MEDIA_TYPE_OCI_LAYER_GZIP : MEDIA_TYPE_OCI_LAYER, r->blob_digest,
               (unsigned long long)r->blob_size);
      if (asprintf (&blob, "blobs/sha256/%s", r->blob_digest + 7) < 0)
        {
          fclose (f);
          return galley_error_make (err, ENOMEM, "allocating");
        }
      progress (o, "blob", r->diff_id);
      if (put_fd (o, blob, plan->layers[im->layers[i]].tmp_fd, r->blob_size, err) < 0)
        {
          fclose (f);
          return -1;
        }
    }
  fprintf (f, "]}");
  if (fclose (f) != 0)
    return galley_error_make (err, errno, "allocating");
  digest_sha256_hex (manifest, len, manifest_digest);
  progress (o, "config", im->config_digest);
  name = xasprintf ("blobs/sha256/%s", im->config_digest + 7);
  if (put_bytes (o, name, im->config, im->config_len, err) < 0)
    return -1;
  progress (o, "Writing manifest to image destination", NULL);
  snprintf (name, strlen (name) + 1, "blobs/sha256/%s", manifest_digest + 7);
  if (put_bytes (o, name, manifest, len, err) < 0)
    return -1;
  index = json_object_new_object ();
  manifests = json_object_new_array ();
  desc = json_object_new_object ();
  json_object_object_add (index, "schemaVersion", json_object_new_int (2));
  json_object_object_add (index, "manifests", manifests);
  json_object_array_add (manifests, desc);
  json_object_object_add (desc, "mediaType", json_object_new_string (MEDIA_TYPE_OCI_MANIFEST));
  json_object_object_add (desc, "digest", json_object_new_string (manifest_digest));
  json_object_object_add (desc, "size", json_object_new_int64 ((int64_t)len));
  if (im->tags && im->tags[0])
    {
      json_object *ann = json_object_new_object ();
      json_object_object_add (ann, "org.opencontainers.image.ref.name", json_object_new_string (im->tags[0]));
      json_object_object_add (desc, "annotations", ann);
    }
  if (put_json (o, "index.json", index, err) < 0)
    return -1;
  progress (o, "Storing signatures", NULL);
  return 0;
}

int
save_archive_write (const struct save_plan *plan, int output_fd, galley_error_t *err)
{
  struct outer o = { .a = archive_write_new (), .progress = plan->progress };
  int ret = -1;
  size_t i;

  if (o.a == NULL)
    return galley_error_make (err, ENOMEM, "allocating");
  archive_write_set_format_pax_restricted (o.a);
  archive_write_set_bytes_in_last_block (o.a, 1);
  if (archive_write_open_fd (o.a, output_fd) != ARCHIVE_OK)
    archive_fail (o.a, err, "the archive");
  else if ((plan->format == IMAGE_SAVE_OCI_ARCHIVE ? write_oci (&o, plan, err) : write_docker (&o, plan, err))
           == 0)
    {
      if (archive_write_close (o.a) != ARCHIVE_OK)
        archive_fail (o.a, err, "the archive");
      else
        ret = 0;
    }
  archive_write_free (o.a);
  for (i = 0; i < o.n_written; i++)
    free (o.written[i]);
  free (o.written);
  return ret;
}
