/* Writing image records under the store lock: add, tag, untag, remove, and
 * the cleanup of half-written or half-removed images.  The write order
 * (new owner's image.json, images.json, old owner's image.json) is what lets
 * readers go without the lock; see store_images.c.  */
#include "config.h"
#include "image/store.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "image/manifest.h"
#include "image/store_internal.h"
#include "util/change_counter.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/log.h"
#include "util/strv.h"
#include "util/xmalloc.h"

/* Move s to the front (newest first), adding it if missing.  */
static void
strv_push_front_unique (char ***v, const char *s)
{
  size_t n = strv_len (*v), i, k = 0;
  char *copy = xstrdup (s);

  for (i = 0; i < n; i++)
    if (strcmp ((*v)[i], s) == 0)
      free ((*v)[i]);
    else
      (*v)[k++] = (*v)[i];
  *v = xreallocarray (*v, k + 2, sizeof **v);
  memmove (*v + 1, *v, k * sizeof **v);
  (*v)[0] = copy;
  (*v)[k + 1] = NULL;
}

static void
strv_remove (char **v, const char *s)
{
  size_t i, k = 0;

  for (i = 0; v && v[i]; i++)
    if (strcmp (v[i], s) == 0)
      free (v[i]);
    else
      v[k++] = v[i];
  if (v)
    v[k] = NULL;
}

static int
image_write_locked (struct store *s, const struct store_image *img, galley_error_t *err)
{
  _cleanup_json_ json_object *rec = store_image_to_json (img);
  _cleanup_free_ char *dir = NULL, *rel = NULL;

  dir = xasprintf ("images/%s", img->id);
  rel = xasprintf ("images/%s/image.json", img->id);
  if (mkdirat (s->root_fd, dir, 0700) < 0 && errno != EEXIST)
    return galley_error_make (err, errno, "creating %s", dir);
  if (json_write_atomic (s->root_fd, rel, rec, err) < 0)
    return galley_error_wrap (err, "writing image %s", img->id);
  store_images_count_change (s);
  return 0;
}

void
store_images_count_change (struct store *s)
{
  change_counter_bump (s->root_fd, "images/" STORE_IMAGES_CHANGE_COUNTER);
}

bool
store_name_is_digested (const char *name)
{
  return strchr (name, '@') != NULL;
}

/* A name must be a full reference, tagged or digested; checked before it
 * is stored (it never becomes a path, but it is printed and matched).  */
static int
validate_name (const char *name, galley_error_t *err)
{
  const char *at = strchr (name, '@');
  size_t len = at ? (size_t)(at - name) : strlen (name);
  const char *p, *slash = memrchr (name, '/', len);

  if (name[0] == '\0' || len > 255 + 1 + 128)
    return galley_error_kind (err, EINVAL, "invalid image name \"%s\"", name);
  for (p = name; p < name + len; p++)
    if (*p <= ' ' || *p == 0x7f || *p == '"' || *p == '\\')
      return galley_error_kind (err, EINVAL, "invalid image name \"%s\"", name);
  if (slash == NULL
      || (at ? memchr (slash, ':', (size_t)(at - slash)) != NULL || ! store_valid_digest (at + 1, NULL)
             : strchr (slash, ':') == NULL))
    return galley_error_kind (
        err, EINVAL,
        "invalid image name \"%s\": not \"registry/repository:tag\" or \"registry/repository@digest\"", name);
  return 0;
}

/* Give img (already holding its other names) the names in `names`: write
 * its record, then point the index at it, then rewrite the records of the
 * images the names came from.  */
static int
attach_names_locked (struct store *s, struct store_image *img, json_object *index, char *const *names,
                     galley_error_t *err)
{
  _cleanup_strv_ char **previous = xcalloc (1, sizeof (char *));
  size_t i;

  for (i = 0; names && names[i]; i++)
    {
      const char *owner = store_index_lookup (index, names[i]);

      if (validate_name (names[i], err) < 0)
        return -1;
      if (! strv_contains (img->names, names[i]))
        strv_append (&img->names, names[i]);
      strv_push_front_unique (&img->names_history, names[i]);
      if (owner && strcmp (owner, img->id) != 0 && ! strv_contains (previous, owner))
        strv_append (&previous, owner);
    }
  if (image_write_locked (s, img, err) < 0)
    return -1;
  for (i = 0; names && names[i]; i++)
    json_object_object_add (index, names[i], json_object_new_string (img->id));
  if (store_index_write (s, index, err) < 0)
    return galley_error_wrap (err, "writing the image index");
  for (i = 0; previous[i]; i++)
    {
      struct store_image *old = NULL;
      int r;

      if (! store_valid_hex_id (previous[i]) || store_image_read (s, previous[i], index, &old, err) < 0)
        {
          galley_error_release (err);
          continue; /* the index pointed at a missing image: nothing to update */
        }
      r = image_write_locked (s, old, err);
      store_image_free (old);
      if (r < 0)
        return -1;
    }
  return 0;
}

/* Fill what add computes: created (from the config) and size.  */
static int
complete_record_locked (struct store *s, struct store_image *img, galley_error_t *err)
{
  size_t i;

  if (img->created == NULL)
    {
      _cleanup_json_ json_object *config = NULL;
      const char *created;

      if (store_image_config (s, img, &config, err) < 0)
        return -1;
      created = json_get_string (config, "created");
      img->created = xstrdup (created ? created : "1970-01-01T00:00:00Z");
    }
  if (img->added == NULL)
    img->added = store_now_rfc3339 ();
  for (i = 0; img->layers[i]; i++)
    {
      struct store_layer *l = NULL;
      bool ready;

      if (store_layer_get (s, img->layers[i], &l, err) < 0)
        return -1;
      ready = l->ready;
      store_layer_free (l);
      if (! ready)
        return galley_error_kind (err, EINVAL, "layer %s is not ready", img->layers[i]);
    }
  return 0;
}

static uint64_t
sum_layer_sizes (struct store *s, char *const *layers)
{
  uint64_t sum = 0;
  size_t i;

  for (i = 0; layers[i]; i++)
    {
      _cleanup_error_ galley_error_t ignored = NULL;
      struct store_layer *l = NULL;

      if (store_layer_get (s, layers[i], &l, &ignored) == 0)
        sum += l->size;
      store_layer_free (l);
    }
  return sum;
}

/* podman counts the config and (twice: by name and by digest) the manifest
 * into an image's size; so do we, so that the SIZE columns agree.  */
static uint64_t
documents_size (struct store *s, const struct store_image *img)
{
  uint64_t sum = 0;
  struct stat st;
  char rel[96];

  snprintf (rel, sizeof rel, "blobs/sha256/%s", img->id);
  if (fstatat (s->root_fd, rel, &st, 0) == 0)
    sum += (uint64_t)st.st_size;
  if (img->manifest_digest && store_valid_digest (img->manifest_digest, NULL))
    {
      snprintf (rel, sizeof rel, "blobs/sha256/%s", img->manifest_digest + 7);
      if (fstatat (s->root_fd, rel, &st, 0) == 0)
        sum += 2 * (uint64_t)st.st_size;
    }
  return sum;
}

/* A copy of the caller's record, merged with what is stored for the same id.  */
static int
merge_record (const struct store_image *in, struct store_image *old, struct store_image **out,
              galley_error_t *err)
{
  struct store_image *m = xcalloc (1, sizeof *m);
  size_t i;

  m->id = xstrdup (in->id);
  m->config_digest = xstrdup (in->config_digest);
  m->manifest_digest = in->manifest_digest           ? xstrdup (in->manifest_digest)
                       : old && old->manifest_digest ? xstrdup (old->manifest_digest)
                                                     : NULL;
  m->manifest_media_type = in->manifest_media_type           ? xstrdup (in->manifest_media_type)
                           : old && old->manifest_media_type ? xstrdup (old->manifest_media_type)
                                                             : NULL;
  m->created = in->created ? xstrdup (in->created) : NULL;
  m->added = old && old->added ? xstrdup (old->added) : NULL;
  m->size = in->size;
  m->names = old ? strv_copy (old->names) : xcalloc (1, sizeof (char *));
  m->names_history = old ? strv_copy (old->names_history) : xcalloc (1, sizeof (char *));
  m->digests = strv_copy (in->digests);
  if (in->manifest_digest && ! strv_contains (m->digests, in->manifest_digest))
    strv_append (&m->digests, in->manifest_digest);
  for (i = 0; old && old->digests[i]; i++)
    if (! strv_contains (m->digests, old->digests[i]))
      strv_append (&m->digests, old->digests[i]);
  m->layers = strv_copy (in->layers);
  *out = m;
  return 0;
}

static int
image_add_locked (struct store *s, const struct store_image *in, galley_error_t *err)
{
  _cleanup_json_ json_object *index = NULL;
  _cleanup_store_image_ struct store_image *old = NULL;
  _cleanup_store_image_ struct store_image *img = NULL;
  const char *hex;
  size_t i;

  if (! store_valid_hex_id (in->id))
    return galley_error_kind (err, EINVAL, "invalid image id \"%s\"", in->id ? in->id : "");
  if (! store_valid_digest (in->config_digest, &hex) || strcmp (hex, in->id) != 0)
    return galley_error_kind (err, EINVAL, "image id %s is not the hex of its config digest", in->id);
  if (in->manifest_digest && ! store_valid_digest (in->manifest_digest, NULL))
    return galley_error_kind (err, EINVAL, "invalid manifest digest \"%s\"", in->manifest_digest);
  for (i = 0; in->digests && in->digests[i]; i++)
    if (! store_valid_digest (in->digests[i], NULL))
      return galley_error_kind (err, EINVAL, "invalid manifest digest \"%s\"", in->digests[i]);
  for (i = 0; in->layers && in->layers[i]; i++)
    if (! store_valid_digest (in->layers[i], NULL))
      return galley_error_kind (err, EINVAL, "invalid layer id \"%s\"", in->layers[i]);
  if (! store_blob_exists (s, in->config_digest))
    return galley_error_kind (err, ENOENT, "config %s is not in the store", in->config_digest);
  if (store_index_read (s, &index, err) < 0)
    return -1;
  if (store_image_read (s, in->id, index, &old, err) < 0)
    {
      if (galley_error_errno (err) != ENOENT)
        return -1;
      galley_error_release (err);
    }
  if (merge_record (in, old, &img, err) < 0 || complete_record_locked (s, img, err) < 0)
    return -1;
  if (img->size == 0)
    img->size = sum_layer_sizes (s, img->layers) + documents_size (s, img);
  return attach_names_locked (s, img, index, in->names, err);
}

int
store_image_add (struct store *s, const struct store_image *img, galley_error_t *err)
{
  int ret;

  if (store_lock (s, err) < 0)
    return -1;
  ret = image_add_locked (s, img, err);
  store_unlock (s);
  return ret < 0 ? galley_error_wrap (err, "storing image %.12s", img->id ? img->id : "") : 0;
}

/* store_image_read of an image to change: one of a read-only store is
 * refused as such, not as unknown.  */
static int
own_image_read (struct store *s, const char *id, json_object *index, struct store_image **out,
                galley_error_t *err)
{
  if (store_image_read (s, id, index, out, err) == 0)
    return 0;
  if (galley_error_errno (err) == ENOENT)
    {
      _cleanup_error_ galley_error_t read_only = NULL;
      if (store_readonly_refuse (s, id, &read_only) < 0)
        {
          galley_error_release (err);
          *err = steal_pointer (&read_only);
        }
    }
  return -1;
}

int
store_image_tag (struct store *s, const char *id, const char *name, galley_error_t *err)
{
  _cleanup_json_ json_object *index = NULL;
  _cleanup_store_image_ struct store_image *img = NULL;
  char *names[] = { (char *)name, NULL };
  int ret = -1;

  if (store_lock (s, err) < 0)
    return -1;
  if (store_index_read (s, &index, err) == 0 && own_image_read (s, id, index, &img, err) == 0)
    ret = attach_names_locked (s, img, index, names, err);
  store_unlock (s);
  return ret;
}

int
store_image_untag (struct store *s, const char *id, const char *name, galley_error_t *err)
{
  _cleanup_json_ json_object *index = NULL;
  _cleanup_store_image_ struct store_image *img = NULL;
  const char *owner;
  int ret = -1;

  if (store_lock (s, err) < 0)
    return -1;
  if (store_index_read (s, &index, err) < 0 || own_image_read (s, id, index, &img, err) < 0)
    goto out;
  owner = store_index_lookup (index, name);
  if (owner == NULL || strcmp (owner, id) != 0)
    {
      galley_error_kind (err, ENOENT, "%s: tag not known", name);
      goto out;
    }
  json_object_object_del (index, name);
  if (store_index_write (s, index, err) < 0)
    goto out;
  strv_remove (img->names, name);
  ret = image_write_locked (s, img, err);
out:
  store_unlock (s);
  return ret;
}

/* Whether one of imgs has digest as its config or one of its manifests.  */
static bool
blob_used (struct store_image *const *imgs, size_t n, const char *digest)
{
  size_t i;

  for (i = 0; i < n; i++)
    if (strcmp (imgs[i]->config_digest, digest) == 0
        || (imgs[i]->manifest_digest && strcmp (imgs[i]->manifest_digest, digest) == 0)
        || strv_contains (imgs[i]->digests, digest))
      return true;
  return false;
}

/* Remove what no image (in index) uses any more: the layers of chain_ids
 * and, when gone is set (an image just removed), its config and manifest
 * blobs.  */
static int
remove_unused_locked (struct store *s, json_object *index, char *const *chain_ids,
                      const struct store_image *gone, galley_error_t *err)
{
  struct store_image **all = NULL;
  size_t n = 0, i, j;
  int ret = -1;

  if (store_image_list_with_index (s, index, &all, &n, err) < 0)
    return -1;
  for (i = 0; chain_ids[i]; i++)
    {
      bool used = false;

      for (j = 0; j < n && ! used; j++)
        used = strv_contains (all[j]->layers, chain_ids[i]);
      if (! used && store_layer_remove_locked (s, chain_ids[i], err) < 0)
        goto out;
    }
  if (gone != NULL)
    {
      const char *documents[] = { gone->config_digest, gone->manifest_digest };

      for (i = 0; i < 2; i++)
        if (documents[i] && ! blob_used (all, n, documents[i])
            && store_blob_remove_locked (s, documents[i], err) < 0)
          goto out;
      for (i = 0; gone->digests[i]; i++)
        if (! blob_used (all, n, gone->digests[i]) && store_blob_remove_locked (s, gone->digests[i], err) < 0)
          goto out;
    }
  ret = 0;
out:
  store_image_list_free (all, n);
  return ret;
}

int
store_layers_release (struct store *s, char *const *chain_ids, galley_error_t *err)
{
  _cleanup_json_ json_object *index = NULL;
  int ret;

  if (store_lock (s, err) < 0)
    return -1;
  ret = store_index_read (s, &index, err) < 0 ? -1 : remove_unused_locked (s, index, chain_ids, NULL, err);
  store_unlock (s);
  return ret < 0 ? galley_error_wrap (err, "removing unused layers") : 0;
}

static int
image_remove_locked (struct store *s, const char *id, galley_error_t *err)
{
  _cleanup_json_ json_object *index = NULL;
  _cleanup_store_image_ struct store_image *img = NULL;
  _cleanup_close_ int dfd = -1;
  size_t i;
  int ret;

  if (store_index_read (s, &index, err) < 0 || own_image_read (s, id, index, &img, err) < 0)
    return -1;
  /* Names first: once the index forgets them, the image is unnamed.  */
  if (img->names[0] != NULL)
    {
      for (i = 0; img->names[i]; i++)
        json_object_object_del (index, img->names[i]);
      if (store_index_write (s, index, err) < 0)
        return -1;
    }
  dfd = store_open_dir (s, "images", err);
  if (dfd < 0)
    return -1;
  /* counted even when only a part is gone */
  ret = store_remove_owned_tree (s, dfd, id, err);
  store_images_count_change (s);
  if (ret < 0)
    return -1;
  return remove_unused_locked (s, index, img->layers, img, err);
}

int
store_image_remove (struct store *s, const char *id, galley_error_t *err)
{
  int ret;

  if (! store_valid_hex_id (id))
    return galley_error_kind (err, EINVAL, "invalid image id \"%s\"", id ? id : "");
  if (store_lock (s, err) < 0)
    return -1;
  ret = image_remove_locked (s, id, err);
  store_unlock (s);
  return ret < 0 ? galley_error_wrap (err, "removing image %.12s", id) : 0;
}

/* images/.removing-* (interrupted removals), image directories without
 * image.json (interrupted adds: add writes image.json last in the
 * directory) and index entries that point at no image.  */
int
store_images_cleanup_locked (struct store *s, galley_error_t *err)
{
  _cleanup_closedir_ DIR *d = store_list_dir (s, "images", err);
  _cleanup_json_ json_object *index = NULL;
  struct dirent *de;
  bool index_changed = false;
  int ret;

  if (d == NULL)
    return -1;
  while ((de = readdir (d)) != NULL)
    {
      char rel[300];

      if (strncmp (de->d_name, ".removing-", 10) == 0)
        {
          if (fs_remove_tree (dirfd (d), de->d_name, err) < 0)
            return -1;
          store_images_count_change (s);
          continue;
        }
      if (! store_valid_hex_id (de->d_name))
        continue;
      snprintf (rel, sizeof rel, "%s/image.json", de->d_name);
      if (faccessat (dirfd (d), rel, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
        continue;
      log_debug ("removing incomplete image %s", de->d_name);
      ret = fs_remove_tree (dirfd (d), de->d_name, err);
      store_images_count_change (s);
      if (ret < 0)
        return -1;
    }
  if (store_index_read (s, &index, err) < 0)
    return -1;
  {
    struct json_object_iterator it = json_object_iter_begin (index);
    struct json_object_iterator end = json_object_iter_end (index);
    _cleanup_strv_ char **stale = xcalloc (1, sizeof (char *));

    for (; ! json_object_iter_equal (&it, &end); json_object_iter_next (&it))
      {
        const char *id = json_object_get_string (json_object_iter_peek_value (&it));
        char rel[96];

        if (store_valid_hex_id (id))
          {
            snprintf (rel, sizeof rel, "images/%s/image.json", id);
            if (faccessat (s->root_fd, rel, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
              continue;
          }
        strv_append (&stale, json_object_iter_peek_name (&it));
      }
    for (size_t i = 0; stale[i]; i++)
      {
        json_object_object_del (index, stale[i]);
        index_changed = true;
      }
  }
  if (index_changed && store_index_write (s, index, err) < 0)
    return -1;
  return 0;
}

bool
store_image_is_manifest_list (const struct store_image *img)
{
  return img->manifest_media_type != NULL && media_type_is_index (img->manifest_media_type);
}

int
store_image_set_manifest (struct store *s, const char *id, const char *digest, const char *media_type,
                          galley_error_t *err)
{
  _cleanup_json_ json_object *index = NULL;
  _cleanup_store_image_ struct store_image *img = NULL;
  _cleanup_free_ char *old_manifest = NULL;
  char **digests = NULL, **old_digests = NULL, *const none[] = { NULL };
  int ret = -1;

  if (! store_valid_digest (digest, NULL) || ! store_blob_exists (s, digest))
    return galley_error_kind (err, EINVAL, "manifest %s is not in the store", digest);
  if (store_lock (s, err) < 0)
    return -1;
  if (store_index_read (s, &index, err) < 0 || store_image_read (s, id, index, &img, err) < 0)
    goto out;
  old_manifest = steal_pointer (&img->manifest_digest);
  old_digests = steal_pointer (&img->digests);
  free (img->manifest_media_type);
  img->manifest_digest = xstrdup (digest);
  img->manifest_media_type = xstrdup (media_type);
  strv_append (&digests, digest);
  img->digests = steal_pointer (&digests);
  img->size = sum_layer_sizes (s, img->layers) + documents_size (s, img);
  if (image_write_locked (s, img, err) == 0)
    {
      /* the manifest it had goes, unless another image has it too */
      struct store_image gone = { .config_digest = img->config_digest,
                                  .manifest_digest = old_manifest,
                                  .digests = old_digests ? old_digests : (char **)none };
      ret = remove_unused_locked (s, index, none, &gone, err);
    }
out:
  cleanup_strvp (&digests);
  cleanup_strvp (&old_digests);
  store_unlock (s);
  return ret;
}

static int
image_file_path (const char *id, const char *name, char **rel, galley_error_t *err)
{
  if (! store_valid_hex_id (id))
    return galley_error_kind (err, EINVAL, "invalid image id \"%s\"", id ? id : "");
  *rel = xasprintf ("images/%s/%s", id, name);
  return 0;
}

int
store_image_file_put (struct store *s, const char *id, const char *name, const void *data, size_t len,
                      galley_error_t *err)
{
  _cleanup_free_ char *rel = NULL;

  if (image_file_path (id, name, &rel, err) < 0)
    return -1;
  return fs_write_atomic (s->root_fd, rel, data, len, 0600, err);
}

int
store_image_file_get (struct store *s, const char *id, const char *name, char **data, size_t *len,
                      galley_error_t *err)
{
  _cleanup_free_ char *rel = NULL;

  if (image_file_path (id, name, &rel, err) < 0)
    return -1;
  return fs_read_file (s->root_fd, rel, STORE_DOC_MAX, data, len, err);
}
