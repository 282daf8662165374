/* Parsing and validation of manifests and indexes (OCI and Docker schema 2),
 * media type checks, platform selection in an index.  */
#include "config.h"
#include "image/manifest.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/cleanup.h"
#include "util/digest.h"
#include "util/error_text.h"

static const char *const generic_content_types[] = {
  "application/json", "text/plain", "application/octet-stream", "binary/octet-stream", NULL,
};

static const struct
{
  const char *media_type;
  enum manifest_kind kind;
} manifest_types[] = {
  { MEDIA_TYPE_OCI_INDEX, MANIFEST_OCI_INDEX },
  { MEDIA_TYPE_DOCKER_LIST, MANIFEST_DOCKER_LIST },
  { MEDIA_TYPE_OCI_MANIFEST, MANIFEST_OCI_IMAGE },
  { MEDIA_TYPE_DOCKER_MANIFEST, MANIFEST_DOCKER_V2 },
};

static const struct
{
  const char *media_type;
  enum layer_compression compression;
} layer_types[] = {
  { MEDIA_TYPE_OCI_LAYER, LAYER_UNCOMPRESSED },
  { MEDIA_TYPE_OCI_LAYER_GZIP, LAYER_GZIP },
  { MEDIA_TYPE_OCI_LAYER_ZSTD, LAYER_ZSTD },
  { MEDIA_TYPE_DOCKER_LAYER_GZIP, LAYER_GZIP },
  /* containers/image's name for an uncompressed one (local commits) */
  { MEDIA_TYPE_DOCKER_LAYER, LAYER_UNCOMPRESSED },
};

/* Layers that registries do not serve: Windows base layers and the like.  */
static const char *const foreign_layer_types[] = {
  "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip",
  "application/vnd.oci.image.layer.nondistributable.v1.tar",
  "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip",
  "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd",
  NULL,
};

static bool
in_list (const char *const *list, const char *s)
{
  for (; *list != NULL; list++)
    if (strcmp (*list, s) == 0)
      return true;
  return false;
}

static int
manifest_kind_of (const char *media_type)
{
  for (size_t i = 0; i < sizeof manifest_types / sizeof manifest_types[0]; i++)
    if (strcmp (manifest_types[i].media_type, media_type) == 0)
      return (int)manifest_types[i].kind;
  return -1;
}

static const char *
media_type_of_kind (enum manifest_kind kind)
{
  for (size_t i = 0; i < sizeof manifest_types / sizeof manifest_types[0]; i++)
    if (manifest_types[i].kind == kind)
      return manifest_types[i].media_type;
  return NULL;
}

bool
media_type_is_index (const char *media_type)
{
  int k = manifest_kind_of (media_type);
  return k == MANIFEST_OCI_INDEX || k == MANIFEST_DOCKER_LIST;
}

bool
media_type_is_image_manifest (const char *media_type)
{
  int k = manifest_kind_of (media_type);
  return k == MANIFEST_OCI_IMAGE || k == MANIFEST_DOCKER_V2;
}

static bool
media_type_is_schema1 (const char *media_type)
{
  return strcmp (media_type, MEDIA_TYPE_DOCKER_SCHEMA1) == 0
         || strcmp (media_type, MEDIA_TYPE_DOCKER_SCHEMA1_SIGNED) == 0;
}

int
media_type_layer_compression (const char *media_type, enum layer_compression *out, galley_error_t *err)
{
  for (size_t i = 0; i < sizeof layer_types / sizeof layer_types[0]; i++)
    if (strcmp (layer_types[i].media_type, media_type) == 0)
      {
        *out = layer_types[i].compression;
        return 0;
      }
  if (in_list (foreign_layer_types, media_type))
    return error_untrusted (err, "foreign (non-distributable) layers are not supported: \"%s\"", media_type);
  return error_untrusted (err, "unsupported layer media type \"%s\"", media_type);
}

bool
manifest_is_index (const struct manifest *m)
{
  return m->kind == MANIFEST_OCI_INDEX || m->kind == MANIFEST_DOCKER_LIST;
}

static int
schema1_error (galley_error_t *err, const char *media_type)
{
  return error_untrusted (err,
                          "unsupported manifest format: Docker schema 1 (%s) is deprecated; "
                          "push the image again with a current tool",
                          media_type);
}

/* The Content-Type without parameters, lowercased, or NULL when it says
 * nothing about the document.  */
static char *
content_type_essence (const char *content_type)
{
  size_t n;
  char *s;

  if (content_type == NULL)
    return NULL;
  while (*content_type == ' ' || *content_type == '\t')
    content_type++;
  n = strcspn (content_type, "; \t");
  if (n == 0 || (s = strndup (content_type, n)) == NULL)
    return NULL;
  for (char *p = s; *p; p++)
    *p = (char)tolower ((unsigned char)*p);
  if (in_list (generic_content_types, s))
    {
      free (s);
      return NULL;
    }
  return s;
}

/* A member that must be a string when present.  */
static int
get_optional_string (json_object *obj, const char *key, const char *what, const char **out,
                     galley_error_t *err)
{
  json_object *v;

  *out = NULL;
  if (! json_object_object_get_ex (obj, key, &v) || v == NULL)
    return 0;
  if (! json_object_is_type (v, json_type_string))
    return error_untrusted (err, "%s: \"%s\" is not a string", what, key);
  *out = json_object_get_string (v);
  return 0;
}

static int
parse_descriptor (json_object *obj, const char *what, struct descriptor *d, galley_error_t *err)
{
  const char *media_type, *digest;
  json_object *size;

  if (! json_object_is_type (obj, json_type_object))
    return error_untrusted (err, "%s: not an object", what);
  if (get_optional_string (obj, "mediaType", what, &media_type, err) < 0
      || get_optional_string (obj, "digest", what, &digest, err) < 0)
    return -1;
  if (media_type == NULL)
    return error_untrusted (err, "%s: missing \"mediaType\"", what);
  if (digest == NULL)
    return error_untrusted (err, "%s: missing \"digest\"", what);
  if (! digest_is_valid (digest))
    return error_untrusted (err, "%s: invalid digest \"%.80s\"", what, digest);
  if (! json_object_object_get_ex (obj, "size", &size) || ! json_object_is_type (size, json_type_int))
    return error_untrusted (err, "%s: \"size\" is missing or not an integer", what);
  errno = 0;
  d->size = json_object_get_int64 (size);
  if (d->size < 0 || errno != 0)
    return error_untrusted (err, "%s: invalid size", what);
  d->media_type = strdup (media_type);
  d->digest = strdup (digest);
  if (d->media_type == NULL || d->digest == NULL)
    return galley_error_make (err, ENOMEM, "%s", what);
  return 0;
}

static void
descriptor_release (struct descriptor *d)
{
  free (d->media_type);
  free (d->digest);
  memset (d, 0, sizeof *d);
}

static int
parse_entry_platform (json_object *obj, const char *what, struct index_entry *e, galley_error_t *err)
{
  json_object *p;
  const char *os, *arch, *variant;

  if (! json_object_object_get_ex (obj, "platform", &p) || p == NULL)
    return 0;
  if (! json_object_is_type (p, json_type_object))
    return error_untrusted (err, "%s: \"platform\" is not an object", what);
  if (get_optional_string (p, "os", what, &os, err) < 0
      || get_optional_string (p, "architecture", what, &arch, err) < 0
      || get_optional_string (p, "variant", what, &variant, err) < 0)
    return -1;
  if (os == NULL || arch == NULL)
    return error_untrusted (err, "%s: platform without \"os\" and \"architecture\"", what);
  e->platform.os = strdup (os);
  e->platform.architecture = strdup (arch);
  e->platform.variant = variant && *variant ? strdup (variant) : NULL;
  if (e->platform.os == NULL || e->platform.architecture == NULL
      || (variant && *variant && e->platform.variant == NULL))
    return galley_error_make (err, ENOMEM, "%s", what);
  platform_normalize (&e->platform);
  e->has_platform = true;
  return 0;
}

static int
parse_index (json_object *root, struct manifest *m, galley_error_t *err)
{
  json_object *list = json_object_object_get (root, "manifests");
  size_t n;

  if (! json_object_is_type (list, json_type_array))
    return error_untrusted (err, "\"manifests\" is not an array");
  n = json_object_array_length (list);
  m->entries = calloc (n ? n : 1, sizeof *m->entries);
  if (m->entries == NULL)
    return galley_error_make (err, ENOMEM, "parsing an index");
  for (size_t i = 0; i < n; i++)
    {
      json_object *obj = json_object_array_get_idx (list, i);
      struct index_entry *e = &m->entries[i];
      char what[48];

      snprintf (what, sizeof what, "manifests[%zu]", i);
      m->n_entries = i + 1;
      if (parse_descriptor (obj, what, &e->d, err) < 0 || parse_entry_platform (obj, what, e, err) < 0)
        return -1;
      if (media_type_is_schema1 (e->d.media_type))
        return schema1_error (err, e->d.media_type);
      if (m->kind == MANIFEST_DOCKER_LIST && ! media_type_is_image_manifest (e->d.media_type))
        return error_untrusted (err, "%s: unexpected media type \"%s\" in a manifest list", what,
                                e->d.media_type);
      if (m->kind == MANIFEST_DOCKER_LIST && ! e->has_platform)
        return error_untrusted (err, "%s: missing \"platform\"", what);
    }
  return 0;
}

static int
parse_image_manifest (json_object *root, struct manifest *m, galley_error_t *err)
{
  json_object *config = json_object_object_get (root, "config");
  json_object *layers = json_object_object_get (root, "layers");
  size_t n;

  if (parse_descriptor (config, "config", &m->config, err) < 0)
    return -1;
  if (strcmp (m->config.media_type, MEDIA_TYPE_OCI_CONFIG) != 0
      && strcmp (m->config.media_type, MEDIA_TYPE_DOCKER_CONFIG) != 0)
    return error_untrusted (err, "not a container image: config media type \"%s\"", m->config.media_type);
  if (m->config.size > MANIFEST_MAX_SIZE)
    return error_untrusted (err, "config %s: size %lld exceeds the limit of %d bytes", m->config.digest,
                            (long long)m->config.size, MANIFEST_MAX_SIZE);
  if (! json_object_is_type (layers, json_type_array))
    return error_untrusted (err, "\"layers\" is not an array");
  n = json_object_array_length (layers);
  m->layers = calloc (n ? n : 1, sizeof *m->layers);
  if (m->layers == NULL)
    return galley_error_make (err, ENOMEM, "parsing a manifest");
  for (size_t i = 0; i < n; i++)
    {
      struct layer_descriptor *l = &m->layers[i];
      char what[48];

      snprintf (what, sizeof what, "layers[%zu]", i);
      m->n_layers = i + 1;
      if (parse_descriptor (json_object_array_get_idx (layers, i), what, &l->d, err) < 0)
        return -1;
      if (media_type_layer_compression (l->d.media_type, &l->compression, err) < 0)
        return galley_error_wrap (err, "%s %s", what, l->d.digest);
    }
  return 0;
}

/* Decide what the document is from its mediaType, the Content-Type and its
 * structure, refusing any disagreement between them.  */
static int
manifest_classify (json_object *root, const char *content_type, enum manifest_kind *kind, galley_error_t *err)
{
  _cleanup_free_ char *ct = content_type_essence (content_type);
  const char *media_type;
  json_object *v;
  bool has_manifests = json_object_object_get_ex (root, "manifests", NULL);
  bool has_layers = json_object_object_get_ex (root, "layers", NULL);
  bool has_config = json_object_object_get_ex (root, "config", NULL);
  int k;

  if (ct != NULL && media_type_is_schema1 (ct))
    return schema1_error (err, ct);
  if (get_optional_string (root, "mediaType", "manifest", &media_type, err) < 0)
    return -1;
  if (media_type != NULL && media_type_is_schema1 (media_type))
    return schema1_error (err, media_type);
  if (! json_object_object_get_ex (root, "schemaVersion", &v) || ! json_object_is_type (v, json_type_int))
    return error_untrusted (err, "manifest: missing or invalid \"schemaVersion\"");
  if (json_object_get_int64 (v) == 1)
    return schema1_error (err, MEDIA_TYPE_DOCKER_SCHEMA1_SIGNED);
  if (json_object_get_int64 (v) != 2)
    return error_untrusted (err, "manifest: unsupported schemaVersion %lld",
                            (long long)json_object_get_int64 (v));

  if (has_manifests && (has_layers || has_config))
    return error_untrusted (err, "ambiguous manifest: it has both \"manifests\" and \"%s\"",
                            has_layers ? "layers" : "config");
  if (media_type != NULL && ct != NULL && strcmp (media_type, ct) != 0 && manifest_kind_of (ct) >= 0)
    return error_untrusted (err,
                            "ambiguous manifest: mediaType \"%s\" disagrees with Content-Type "
                            "\"%s\"",
                            media_type, ct);

  if (media_type != NULL)
    {
      if ((k = manifest_kind_of (media_type)) < 0)
        return error_untrusted (err, "unsupported manifest media type \"%s\"", media_type);
    }
  else if (ct != NULL && (k = manifest_kind_of (ct)) >= 0)
    ;
  else if (has_manifests)
    k = MANIFEST_OCI_INDEX;
  else if (has_config && has_layers)
    k = MANIFEST_OCI_IMAGE;
  else
    return error_untrusted (err, "manifest: neither an index nor an image manifest");

  if ((k == MANIFEST_OCI_INDEX || k == MANIFEST_DOCKER_LIST) && ! has_manifests)
    return error_untrusted (err, "ambiguous manifest: %s without \"manifests\"",
                            media_type_of_kind ((enum manifest_kind)k));
  if ((k == MANIFEST_OCI_IMAGE || k == MANIFEST_DOCKER_V2) && (! has_config || ! has_layers))
    return error_untrusted (err, "ambiguous manifest: %s without \"config\" and \"layers\"",
                            media_type_of_kind ((enum manifest_kind)k));
  *kind = (enum manifest_kind)k;
  return 0;
}

static int
manifest_parse_into (const void *buf, size_t len, const char *content_type, struct manifest *m,
                     galley_error_t *err)
{
  _cleanup_json_ json_object *root = NULL;

  if (len > MANIFEST_MAX_SIZE)
    return error_untrusted (err, "manifest of %zu bytes exceeds the limit of %d bytes", len,
                            MANIFEST_MAX_SIZE);
  if (json_parse_strict (buf, len, "manifest", &root, err) < 0)
    return -1;
  if (! json_object_is_type (root, json_type_object))
    return error_untrusted (err, "manifest: not a JSON object");
  if (json_check_duplicate_keys (buf, len, "manifest", err) < 0)
    return -1;
  if (manifest_classify (root, content_type, &m->kind, err) < 0)
    return -1;
  m->media_type = media_type_of_kind (m->kind);
  if (manifest_is_index (m))
    return parse_index (root, m, err);
  return parse_image_manifest (root, m, err);
}

int
manifest_parse (const void *buf, size_t len, const char *content_type, struct manifest *out,
                galley_error_t *err)
{
  memset (out, 0, sizeof *out);
  if (manifest_parse_into (buf, len, content_type, out, err) < 0)
    {
      manifest_release (out);
      return -1;
    }
  return 0;
}

/* "linux/amd64, linux/arm64/v8" for the error message.  */
static char *
describe_platforms (const struct manifest *index)
{
  char *list = NULL;
  size_t size = 0;
  FILE *f = open_memstream (&list, &size);

  if (f == NULL)
    return NULL;
  for (size_t i = 0, shown = 0; i < index->n_entries; i++)
    {
      _cleanup_free_ char *p = NULL;

      if (! index->entries[i].has_platform || ! media_type_is_image_manifest (index->entries[i].d.media_type))
        continue;
      if ((p = platform_format (&index->entries[i].platform)) != NULL)
        fprintf (f, "%s%s", shown++ ? ", " : "", p);
    }
  if (fclose (f) != 0)
    {
      free (list);
      return NULL;
    }
  return list;
}

const struct index_entry *
manifest_select_platform (const struct manifest *index, const struct platform *want, galley_error_t *err)
{
  const struct index_entry *best = NULL;
  int best_rank = -1;
  _cleanup_free_ char *offered = NULL;

  for (size_t i = 0; i < index->n_entries; i++)
    {
      const struct index_entry *e = &index->entries[i];
      int rank;

      if (! e->has_platform || ! media_type_is_image_manifest (e->d.media_type))
        continue;
      rank = platform_match_rank (want, &e->platform);
      if (rank >= 0 && (best == NULL || rank < best_rank))
        {
          best = e;
          best_rank = rank;
        }
    }
  if (best != NULL)
    return best;
  offered = describe_platforms (index);
  error_untrusted (err,
                   "no image found in %s for architecture \"%s\", variant \"%s\", OS \"%s\" "
                   "(available: %s)",
                   index->kind == MANIFEST_DOCKER_LIST ? "manifest list" : "image index",
                   want->architecture ? want->architecture : "", want->variant ? want->variant : "",
                   want->os ? want->os : "", offered && *offered ? offered : "none");
  return NULL;
}

void
manifest_release (struct manifest *m)
{
  descriptor_release (&m->config);
  for (size_t i = 0; i < m->n_layers; i++)
    descriptor_release (&m->layers[i].d);
  free (m->layers);
  for (size_t i = 0; i < m->n_entries; i++)
    {
      descriptor_release (&m->entries[i].d);
      platform_release (&m->entries[i].platform);
    }
  free (m->entries);
  memset (m, 0, sizeof *m);
}
