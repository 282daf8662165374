/* Manifest lists in the store (see manifest_list.h): the list document,
 * its instances' sources, and create, add, remove, annotate, inspect.  */
#include "config.h"
#include "image/manifest_list.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "image/manifest.h"
#include "image/manifest_list_internal.h"
#include "image/platform.h"
#include "image/store.h"
#include "registry/reference.h"
#include "state/lock.h"
#include "util/cleanup.h"
#include "util/digest.h"
#include "util/json.h"
#include "util/random.h"
#include "util/strv.h"
#include "util/time.h"
#include "util/xmalloc.h"

#define LIST_SOURCES "instances.json"
#define LISTS_LOCK "manifest-lists.lock"

void
list_instance_clear (struct list_instance *in)
{
  free (in->digest);
  free (in->media_type);
  free (in->os);
  free (in->arch);
  free (in->variant);
  free (in->os_version);
  cleanup_strvp (&in->features);
  cleanup_strvp (&in->os_features);
  if (in->annotations)
    json_object_put (in->annotations);
  free (in->source);
  memset (in, 0, sizeof *in);
}

void
manifest_list_clear (struct manifest_list *l)
{
  for (size_t i = 0; i < l->n; i++)
    list_instance_clear (&l->v[i]);
  free (l->v);
  free (l->id);
  memset (l, 0, sizeof *l);
}

char *
manifest_strdup (const char *s)
{
  char *r = s ? strdup (s) : NULL;
  if (s && r == NULL)
    abort ();
  return r;
}

/* ---- the document ---- */

static int
instance_from_json (json_object *e, json_object *sources, struct list_instance *in, galley_error_t *err)
{
  json_object *platform = NULL, *size = NULL, *annotations = NULL;
  const char *digest = json_get_string (e, "digest");

  if (digest == NULL || ! digest_is_valid (digest) || json_get_string (e, "mediaType") == NULL
      || ! json_object_object_get_ex (e, "size", &size))
    return galley_error_make (err, EINVAL, "a manifest list entry without its digest, media type or size");
  in->digest = manifest_strdup (digest);
  in->media_type = manifest_strdup (json_get_string (e, "mediaType"));
  in->size = json_object_get_int64 (size);
  if (json_object_object_get_ex (e, "platform", &platform))
    {
      in->os = manifest_strdup (json_get_string (platform, "os"));
      in->arch = manifest_strdup (json_get_string (platform, "architecture"));
      in->variant = manifest_strdup (json_get_string (platform, "variant"));
      in->os_version = manifest_strdup (json_get_string (platform, "os.version"));
      in->features = json_get_strv (platform, "features");
      in->os_features = json_get_strv (platform, "os.features");
    }
  if (json_object_object_get_ex (e, "annotations", &annotations)
      && json_object_is_type (annotations, json_type_object) && json_object_object_length (annotations) > 0)
    in->annotations = json_object_get (annotations);
  in->source = manifest_strdup (json_get_string (sources, digest));
  return 0;
}

int
manifest_list_parse (const char *doc, size_t len, json_object *sources, struct manifest_list *l,
                     galley_error_t *err)
{
  _cleanup_json_ json_object *o = NULL;
  json_object *entries = NULL;
  size_t n;

  if (json_parse_strict (doc, len, "manifest list", &o, err) < 0)
    return -1;
  if (! json_object_object_get_ex (o, "manifests", &entries) || entries == NULL)
    return 0;
  if (! json_object_is_type (entries, json_type_array))
    return galley_error_make (err, EINVAL, "a manifest list whose manifests are not a list");
  n = json_object_array_length (entries);
  l->v = calloc (n ? n : 1, sizeof *l->v);
  if (l->v == NULL)
    abort ();
  for (l->n = 0; l->n < n; l->n++)
    if (instance_from_json (json_object_array_get_idx (entries, l->n), sources, &l->v[l->n], err) < 0)
      return -1;
  return 0;
}

static json_object *
platform_json (const struct list_instance *in, bool oci)
{
  json_object *p = json_object_new_object ();

  /* podman's key order: architecture, os, os.version, os.features, variant, features */
  json_object_object_add (p, "architecture", json_object_new_string (in->arch ? in->arch : ""));
  json_object_object_add (p, "os", json_object_new_string (in->os ? in->os : ""));
  if (in->os_version && *in->os_version)
    json_object_object_add (p, "os.version", json_object_new_string (in->os_version));
  if (strv_len (in->os_features) > 0)
    json_object_object_add (p, "os.features",
                            json_strings_array (in->os_features, strv_len (in->os_features)));
  if (in->variant && *in->variant)
    json_object_object_add (p, "variant", json_object_new_string (in->variant));
  if (! oci && strv_len (in->features) > 0)
    json_object_object_add (p, "features", json_strings_array (in->features, strv_len (in->features)));
  return p;
}

json_object *
manifest_list_json (const struct manifest_list *l, bool oci)
{
  json_object *o = json_object_new_object (), *entries = l->n ? json_object_new_array () : NULL;

  json_object_object_add (o, "schemaVersion", json_object_new_int (2));
  json_object_object_add (o, "mediaType",
                          json_object_new_string (oci ? MEDIA_TYPE_OCI_INDEX : MEDIA_TYPE_DOCKER_LIST));
  for (size_t i = 0; i < l->n; i++)
    {
      const struct list_instance *in = &l->v[i];
      json_object *e = json_object_new_object ();
      json_object_object_add (e, "mediaType", json_object_new_string (in->media_type));
      /* Docker's list has size before digest, OCI's digest first */
      if (! oci)
        json_object_object_add (e, "size", json_object_new_int64 (in->size));
      json_object_object_add (e, "digest", json_object_new_string (in->digest));
      if (oci)
        json_object_object_add (e, "size", json_object_new_int64 (in->size));
      json_object_object_add (e, "platform", platform_json (in, oci));
      if (in->annotations)
        json_object_object_add (e, "annotations", json_object_get (in->annotations));
      json_object_array_add (entries, e);
    }
  json_object_object_add (o, "manifests", entries);
  return o;
}

static json_object *
sources_json (const struct manifest_list *l)
{
  json_object *o = json_object_new_object ();

  for (size_t i = 0; i < l->n; i++)
    if (l->v[i].source)
      json_object_object_add (o, l->v[i].digest, json_object_new_string (l->v[i].source));
  return o;
}

/* ---- in the store ---- */

int
manifest_list_lock (const struct galley_paths *p, galley_error_t *err)
{
  return lock_in_dir (p->root, LISTS_LOCK, NULL, err);
}

int
manifest_list_open (struct store *s, const char *name, struct manifest_list *l, galley_error_t *err)
{
  _cleanup_store_image_ struct store_image *img = NULL;
  _cleanup_free_ char *doc = NULL, *sources_text = NULL;
  _cleanup_json_ json_object *sources = NULL;
  _cleanup_error_ galley_error_t none = NULL;
  size_t len, slen;

  memset (l, 0, sizeof *l);
  if (store_image_find (s, name, &img, err) < 0)
    return -1;
  if (! store_image_is_manifest_list (img))
    return galley_error_kind (err, EINVAL, "%s: image is not a manifest list",
                              img->names && img->names[0] ? img->names[0] : name);
  if (store_blob_get (s, img->manifest_digest, 0, &doc, &len, err) < 0)
    return galley_error_wrap (err, "manifest list %s", name);
  if (store_image_file_get (s, img->id, LIST_SOURCES, &sources_text, &slen, &none) == 0)
    json_parse_strict (sources_text, slen, LIST_SOURCES, &sources, &none);
  l->id = manifest_strdup (img->id);
  if (manifest_list_parse (doc, len, sources, l, err) < 0)
    {
      manifest_list_clear (l);
      return galley_error_wrap (err, "manifest list %s", name);
    }
  return 0;
}

int
manifest_list_save (struct store *s, const struct manifest_list *l, galley_error_t *err)
{
  _cleanup_json_ json_object *doc = manifest_list_json (l, false), *sources = sources_json (l);
  const char *text =
      json_object_to_json_string_ext (doc, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
  const char *stext = json_object_to_json_string_ext (sources, JSON_C_TO_STRING_PLAIN);
  char digest[DIGEST_SHA256_BUFSIZE];

  digest_sha256_hex (text, strlen (text), digest);
  if (store_blob_put (s, digest, text, strlen (text), err) < 0
      || store_image_file_put (s, l->id, LIST_SOURCES, stext, strlen (stext), err) < 0
      || store_image_set_manifest (s, l->id, digest, MEDIA_TYPE_DOCKER_LIST, err) < 0)
    return galley_error_wrap (err, "saving manifest list");
  return 0;
}

int
manifest_list_find (const struct galley_paths *p, const char *name, char **id, galley_error_t *err)
{
  _cleanup_store_ struct store *s = NULL;
  struct manifest_list l;

  if (store_open (p, &s, err) < 0 || manifest_list_open (s, name, &l, err) < 0)
    return -1;
  *id = steal_pointer (&l.id);
  manifest_list_clear (&l);
  return 0;
}

int
manifest_list_delete (const struct galley_paths *p, const char *name, galley_error_t *err)
{
  _cleanup_store_ struct store *s = NULL;
  _cleanup_close_ int lock = -1;
  struct manifest_list l;
  int ret;

  if ((lock = manifest_list_lock (p, err)) < 0 || store_open (p, &s, err) < 0
      || manifest_list_open (s, name, &l, err) < 0)
    return -1;
  ret = store_image_remove (s, l.id, err);
  manifest_list_clear (&l);
  return ret;
}

/* The small config a new list's record is named by: its creation time
 * and a nonce, so that each list has an id of its own that stays.  */
static int
new_list_config (struct store *s, char **config, char digest[DIGEST_SHA256_BUFSIZE], galley_error_t *err)
{
  char created[64], nonce[33];

  time_format_rfc3339 (time_now_ns (), created, sizeof created);
  if (random_hex (nonce, 32, err) < 0)
    return -1;
  if (asprintf (config, "{\"created\":\"%s\",\"galley.manifest-list\":\"%s\"}", created, nonce) < 0)
    return galley_error_make (err, ENOMEM, "allocating");
  digest_sha256_hex (*config, strlen (*config), digest);
  return store_blob_put (s, digest, *config, strlen (*config), err);
}

int
manifest_list_create (const struct galley_paths *p, const char *name, bool amend, char **id,
                      galley_error_t *err)
{
  _cleanup_store_ struct store *s = NULL;
  _cleanup_store_image_ struct store_image *existing = NULL;
  _cleanup_free_ char *full = NULL, *config = NULL;
  _cleanup_close_ int lock = -1;
  _cleanup_error_ galley_error_t none = NULL;
  struct manifest_list empty = { 0 };
  char config_digest[DIGEST_SHA256_BUFSIZE], *names[2] = { NULL, NULL };
  struct store_image img = { 0 };

  if (image_ref_normalize_name (name, &full, err) < 0)
    return -1;
  if (paths_ensure_root (p, err) < 0 || (lock = manifest_list_lock (p, err)) < 0
      || store_open (p, &s, err) < 0)
    return -1;
  if (store_image_find (s, full, &existing, &none) == 0)
    {
      if (amend && store_image_is_manifest_list (existing))
        return (*id = strdup (existing->id)) ? 0 : galley_error_make (err, ENOMEM, "allocating");
      return galley_error_kind (
          err, EEXIST,
          "creating image to hold manifest list: image name \"%s\" is already associated "
          "with image \"%s\": that name is already in use",
          full, existing->id);
    }
  if (new_list_config (s, &config, config_digest, err) < 0)
    return -1;
  names[0] = full;
  img.id = (char *)digest_hex (config_digest);
  img.config_digest = config_digest;
  img.names = names;
  if (store_image_add (s, &img, err) < 0)
    return galley_error_wrap (err, "creating manifest list %s", full);
  empty.id = xstrdup (img.id);
  if (manifest_list_save (s, &empty, err) < 0)
    {
      manifest_list_clear (&empty);
      return -1;
    }
  *id = steal_pointer (&empty.id);
  return 0;
}

/* The image of the store (not a list) whose manifest digest is digest;
 * *out NULL when there is none.  */
static int
local_image_with_manifest (struct store *s, const char *digest, struct store_image **out, galley_error_t *err)
{
  struct store_image **imgs = NULL;
  size_t n = 0;

  *out = NULL;
  if (store_image_list (s, &imgs, &n, err) < 0)
    return -1;
  for (size_t i = 0; i < n && *out == NULL; i++)
    if (! store_image_is_manifest_list (imgs[i]) && strv_contains (imgs[i]->digests, digest))
      *out = steal_pointer (&imgs[i]);
  store_image_list_free (imgs, n);
  return 0;
}

/* The instance that serves this machine best (platform_match_rank), NULL
 * when none can.  */
static const struct list_instance *
instance_for_host (const struct manifest_list *l, const struct platform *host)
{
  const struct list_instance *best = NULL;
  int best_rank = -1;

  for (size_t i = 0; i < l->n; i++)
    {
      struct platform have = { .os = l->v[i].os, .architecture = l->v[i].arch, .variant = l->v[i].variant };
      _cleanup_platform_ struct platform norm = { 0 };
      int rank;
      if (platform_copy (&have, &norm) < 0)
        abort ();
      platform_normalize (&norm);
      rank = platform_match_rank (host, &norm);
      if (rank >= 0 && (best == NULL || rank < best_rank))
        {
          best = &l->v[i];
          best_rank = rank;
        }
    }
  return best;
}

int
manifest_list_resolve_image (struct store *s, struct store_image **img, galley_error_t *err)
{
  _cleanup_platform_ struct platform host = { 0 };
  _cleanup_free_ char *doc = NULL;
  struct manifest_list l = { 0 };
  const struct list_instance *best;
  struct store_image *instance = NULL;
  int ret = -1;
  size_t len;

  if (! store_image_is_manifest_list (*img))
    return 0;
  if (platform_host (&host, err) < 0 || store_blob_get (s, (*img)->manifest_digest, 0, &doc, &len, err) < 0
      || manifest_list_parse (doc, len, NULL, &l, err) < 0)
    goto out;
  if ((best = instance_for_host (&l, &host)) == NULL)
    {
      galley_error_kind (err, ENOENT, "manifest list %s has no image for this machine's platform",
                         (*img)->id);
      goto out;
    }
  if (local_image_with_manifest (s, best->digest, &instance, err) < 0)
    goto out;
  if (instance == NULL)
    {
      galley_error_kind (err, ENOENT,
                         "could not find image instance %s of manifest list %s in local containers storage: "
                         "image not known",
                         best->digest, (*img)->id);
      goto out;
    }
  store_image_free (*img);
  *img = instance;
  ret = 0;
out:
  manifest_list_clear (&l);
  return ret;
}

int
manifest_list_image_for_platform (const struct galley_paths *p, const char *name, char **id,
                                  galley_error_t *err)
{
  _cleanup_store_ struct store *s = NULL;
  _cleanup_store_image_ struct store_image *img = NULL;
  _cleanup_error_ galley_error_t none = NULL;

  *id = NULL;
  if (store_open (p, &s, err) < 0)
    return -1;
  if (store_image_find (s, name, &img, &none) < 0 || ! store_image_is_manifest_list (img))
    return 0;
  if (manifest_list_resolve_image (s, &img, err) < 0)
    return -1;
  *id = strdup (img->id);
  return *id ? 0 : galley_error_make (err, ENOMEM, "allocating");
}

/* ---- instances ---- */

static int
set_strv (char ***slot, const char *const *v)
{
  cleanup_strvp (slot);
  *slot = NULL;
  for (size_t i = 0; v && v[i]; i++)
    if (strv_append (slot, v[i]) < 0)
      return -1;
  return 0;
}

static void
set_string (char **slot, const char *v)
{
  if (v == NULL)
    return;
  free (*slot);
  *slot = manifest_strdup (v);
}

/* --os, --arch, ... and --annotation KEY=VALUE over an instance.  */
static int
apply_instance_options (struct list_instance *in, const struct manifest_instance_options *o,
                        galley_error_t *err)
{
  set_string (&in->os, o->os);
  set_string (&in->arch, o->arch);
  set_string (&in->variant, o->variant);
  set_string (&in->os_version, o->os_version);
  if ((o->features && set_strv (&in->features, o->features) < 0)
      || (o->os_features && set_strv (&in->os_features, o->os_features) < 0))
    return galley_error_make (err, ENOMEM, "allocating");
  for (size_t i = 0; o->annotations && o->annotations[i]; i++)
    {
      const char *a = o->annotations[i], *eq = strchr (a, '=');
      _cleanup_free_ char *key = NULL;
      if (eq == NULL)
        return galley_error_kind (err, EINVAL, "no value given for annotation \"%s\"", a);
      key = xstrndup (a, (size_t)(eq - a));
      if (in->annotations == NULL)
        in->annotations = json_object_new_object ();
      json_object_object_add (in->annotations, key, json_object_new_string (eq + 1));
    }
  return 0;
}

/* The platform of an image config document.  */
static void
platform_from_config (json_object *config, struct list_instance *in)
{
  in->os = manifest_strdup (json_get_string (config, "os"));
  in->arch = manifest_strdup (json_get_string (config, "architecture"));
  in->variant = manifest_strdup (json_get_string (config, "variant"));
  in->os_version = manifest_strdup (json_get_string (config, "os.version"));
  in->os_features = json_get_strv (config, "os.features");
}

/* An image of the store as an instance.  */
static int
local_instance (struct store *s, const char *name, struct list_instance *in, galley_error_t *err)
{
  _cleanup_store_image_ struct store_image *img = NULL;
  _cleanup_json_ json_object *config = NULL;
  _cleanup_free_ char *doc = NULL;
  size_t len;

  if (store_image_find (s, name, &img, err) < 0)
    return -1;
  if (store_image_is_manifest_list (img))
    return galley_error_kind (err, EINVAL, "%s is a manifest list: add its images, not the list", name);
  if (img->manifest_digest == NULL || store_blob_get (s, img->manifest_digest, 0, &doc, &len, err) < 0
      || store_image_config (s, img, &config, err) < 0)
    return galley_error_wrap (err, "image %s", name);
  in->digest = manifest_strdup (img->manifest_digest);
  in->media_type =
      manifest_strdup (img->manifest_media_type ? img->manifest_media_type : MEDIA_TYPE_OCI_MANIFEST);
  in->size = (int64_t)len;
  platform_from_config (config, in);
  if (asprintf (&in->source, "%s%s", MANIFEST_STORAGE_TRANSPORT, img->id) < 0)
    abort ();
  return 0;
}

/* Put in into the list (taken): an instance of the same digest is replaced.  */
static void
list_put (struct manifest_list *l, struct list_instance *in)
{
  for (size_t i = 0; i < l->n; i++)
    if (strcmp (l->v[i].digest, in->digest) == 0)
      {
        list_instance_clear (&l->v[i]);
        l->v[i] = *in;
        memset (in, 0, sizeof *in);
        return;
      }
  l->v = realloc (l->v, (l->n + 1) * sizeof *l->v);
  if (l->v == NULL)
    abort ();
  l->v[l->n++] = *in;
  memset (in, 0, sizeof *in);
}

static int
add_instances (struct manifest_list *l, struct list_instance *found, size_t n,
               const struct manifest_instance_options *set, galley_error_t *err)
{
  for (size_t i = 0; i < n; i++)
    {
      if (apply_instance_options (&found[i], set, err) < 0)
        return -1;
      list_put (l, &found[i]);
    }
  return 0;
}

int
manifest_list_add (const struct galley_paths *p, const char *list, const char *image,
                   const struct manifest_add_options *o, char **id, galley_error_t *err)
{
  _cleanup_store_ struct store *s = NULL;
  _cleanup_close_ int lock = -1;
  struct manifest_list l = { 0 };
  struct list_instance *found = NULL;
  size_t n = 0;
  int ret = -1;

  if ((lock = manifest_list_lock (p, err)) < 0 || store_open (p, &s, err) < 0
      || manifest_list_open (s, list, &l, err) < 0)
    return -1;
  if (strncmp (image, MANIFEST_STORAGE_TRANSPORT, strlen (MANIFEST_STORAGE_TRANSPORT)) == 0)
    {
      found = calloc (1, sizeof *found);
      if (found == NULL)
        abort ();
      n = 1;
      if (local_instance (s, image + strlen (MANIFEST_STORAGE_TRANSPORT), found, err) < 0)
        goto out;
    }
  else if (manifest_remote_instances (p, image, o, &found, &n, err) < 0)
    goto out;
  if (add_instances (&l, found, n, &o->set, err) < 0 || manifest_list_save (s, &l, err) < 0)
    goto out;
  if (id != NULL)
    *id = steal_pointer (&l.id);
  ret = 0;
out:
  for (size_t i = 0; i < n; i++)
    list_instance_clear (&found[i]);
  free (found);
  manifest_list_clear (&l);
  return ret;
}

/* The instance `image` names: its digest, or an image of the store
 * (by its manifest digest).  -1 (ENOENT) when the list has none.  */
static int
instance_index (struct store *s, const struct manifest_list *l, const char *image, size_t *index,
                galley_error_t *err)
{
  _cleanup_store_image_ struct store_image *img = NULL;
  _cleanup_error_ galley_error_t none = NULL;
  const char *digest = image;

  if (! digest_is_valid (image))
    {
      if (store_image_find (s, image, &img, &none) < 0 || img->manifest_digest == NULL)
        return galley_error_kind (err, EINVAL, "invalid image digest \"%s\": invalid checksum digest format",
                                  image);
      digest = img->manifest_digest;
    }
  for (size_t i = 0; i < l->n; i++)
    if (strcmp (l->v[i].digest, digest) == 0)
      {
        *index = i;
        return 0;
      }
  return galley_error_kind (
      err, ENOENT, "no instance matching digest \"%s\" found in manifest list: file does not exist", digest);
}

/* Open list under the lock, find image in it, let edit change it, save.  */
static int
edit_instance (const struct galley_paths *p, const char *list, const char *image,
               int (*edit) (struct manifest_list *l, size_t index, const void *arg, galley_error_t *err),
               const void *arg, char **id, galley_error_t *err)
{
  _cleanup_store_ struct store *s = NULL;
  _cleanup_close_ int lock = -1;
  struct manifest_list l = { 0 };
  size_t index = 0;
  int ret = -1;

  if ((lock = manifest_list_lock (p, err)) < 0 || store_open (p, &s, err) < 0
      || manifest_list_open (s, list, &l, err) < 0)
    return -1;
  if (instance_index (s, &l, image, &index, err) == 0 && edit (&l, index, arg, err) == 0
      && manifest_list_save (s, &l, err) == 0)
    {
      if (id != NULL)
        *id = steal_pointer (&l.id);
      ret = 0;
    }
  manifest_list_clear (&l);
  return ret;
}

static int
remove_at (struct manifest_list *l, size_t index, const void *arg, galley_error_t *err)
{
  list_instance_clear (&l->v[index]);
  memmove (&l->v[index], &l->v[index + 1], (l->n - index - 1) * sizeof *l->v);
  l->n--;
  return 0;
}

int
manifest_list_remove (const struct galley_paths *p, const char *list, const char *digest, char **id,
                      galley_error_t *err)
{
  if (! digest_is_valid (digest))
    return galley_error_kind (err, EINVAL,
                              "removing from manifest list %s: invalid image digest \"%s\": invalid checksum "
                              "digest format",
                              list, digest);
  if (edit_instance (p, list, digest, remove_at, NULL, id, err) < 0)
    return galley_error_errno (err) == ENOENT
               ? galley_error_wrap (err, "removing from manifest list %s", list)
               : -1;
  return 0;
}

static int
annotate_at (struct manifest_list *l, size_t index, const void *arg, galley_error_t *err)
{
  return apply_instance_options (&l->v[index], arg, err);
}

int
manifest_list_annotate (const struct galley_paths *p, const char *list, const char *image,
                        const struct manifest_instance_options *o, char **id, galley_error_t *err)
{
  return edit_instance (p, list, image, annotate_at, o, id, err);
}

int
manifest_list_inspect (const struct galley_paths *p, const char *name,
                       const struct manifest_registry_options *o, json_object **out, galley_error_t *err)
{
  _cleanup_store_ struct store *s = NULL;
  _cleanup_error_ galley_error_t local = NULL;
  struct manifest_list l;

  if (store_open (p, &s, err) < 0)
    return -1;
  if (manifest_list_open (s, name, &l, &local) == 0)
    {
      *out = manifest_list_json (&l, false);
      manifest_list_clear (&l);
      return 0;
    }
  /* Not a list of the store: a registry's, as podman's.  */
  return manifest_remote_document (p, name, o, out, err);
}
