/* The images of the store (see image.h).  */
#include "config.h"
#include "engine/image.h"

#include <errno.h>
#include <string.h>

#include "image/image_info.h"
#include "image/manifest_list.h"
#include "image/store.h"
#include "registry/reference.h"
#include "util/cleanup.h"
#include "util/strv.h"

int
engine_image_pull (const struct engine *e, const char *name, const struct pull_options *o, char ***ids,
                   galley_error_t *err)
{
  _cleanup_strv_ char **names = NULL;
  char *one[2] = { (char *)name, NULL };
  struct pull_options po = *o;
  char **each;

  po.progress = e->progress;
  *ids = strv_copy (NULL);
  if (po.all_tags && pull_list_tags (e->paths, name, &po, &names, err) < 0)
    return -1;
  for (each = names ? names : one; *each != NULL; each++)
    {
      _cleanup_free_ char *id = NULL;

      if (pull_image (e->paths, *each, &po, &id, err) < 0)
        return -1;
      strv_append (ids, id);
    }
  return 0;
}

int
engine_image_list (const struct engine *e, const struct image_select *sel, struct image_entry **out,
                   size_t *n, galley_error_t *err)
{
  _cleanup_store_ struct store *s = NULL;

  return store_open (e->paths, &s, err) < 0 ? -1 : image_select_list (s, sel, out, n, err);
}

int
engine_image_push (const struct engine *e, const char *source, const char *destination,
                   const struct push_options *o, bool all, char **digest, galley_error_t *err)
{
  _cleanup_error_ galley_error_t none = NULL;
  _cleanup_free_ char *list_id = NULL, *instance = NULL;
  struct push_options po = *o;
  struct push_result result = { 0 };

  po.progress = e->progress;
  *digest = NULL;
  if (all && manifest_list_find (e->paths, source, &list_id, &none) == 0)
    {
      struct manifest_push_options mo = { .all = true, .format = po.format, .push = po };
      if (mo.format == PUSH_FORMAT_DEFAULT)
        mo.format = PUSH_FORMAT_OCI;
      return manifest_list_push (e->paths, source, destination ? destination : source, &mo, digest, err);
    }
  /* a manifest list pushes as its image for this platform, as podman 4.3's push */
  if (manifest_list_image_for_platform (e->paths, source, &instance, err) < 0
      || push_image (e->paths, instance ? instance : source, destination || ! instance ? destination : source,
                     &po, &result, err)
             < 0)
    return -1;
  *digest = result.digest;
  return 0;
}

int
engine_image_tag (const struct engine *e, const char *image, char *const *names, galley_error_t *err)
{
  _cleanup_store_ struct store *s = NULL;
  _cleanup_store_image_ struct store_image *img = NULL;
  size_t i;

  if (store_open (e->paths, &s, err) < 0 || store_image_find (s, image, &img, err) < 0)
    return -1;
  for (i = 0; names != NULL && names[i] != NULL; i++)
    {
      _cleanup_free_ char *name = NULL;

      if (image_ref_normalize_name (names[i], &name, err) < 0 || store_image_tag (s, img->id, name, err) < 0)
        return -1;
    }
  return 0;
}

int
engine_image_untag (const struct engine *e, const char *image, char *const *names, galley_error_t *err)
{
  _cleanup_store_ struct store *s = NULL;
  _cleanup_store_image_ struct store_image *img = NULL;
  size_t i;

  if (store_open (e->paths, &s, err) < 0 || store_image_find (s, image, &img, err) < 0)
    return -1;
  if (names == NULL || names[0] == NULL)
    {
      for (i = 0; img->names[i]; i++)
        if (store_image_untag (s, img->id, img->names[i], err) < 0)
          return -1;
      return 0;
    }
  for (i = 0; names[i] != NULL; i++)
    {
      _cleanup_free_ char *name = NULL, *matched = NULL;
      _cleanup_store_image_ struct store_image *owner = NULL;
      _cleanup_error_ galley_error_t ignored = NULL;

      if (image_ref_normalize_name (names[i], &name, err) < 0)
        return -1;
      /* The name as stored: "busybox" may be docker.io/library/busybox:latest.  */
      if (store_image_lookup (s, names[i], &owner, &matched, &ignored) < 0 || matched == NULL
          || strcmp (owner->id, img->id) != 0)
        return galley_error_make (err, ENOENT, "%s: tag not known", name);
      if (store_image_untag (s, img->id, matched, err) < 0)
        return -1;
    }
  return 0;
}

/* The image itself, a manifest list's for this platform.  */
static int
find_resolved (struct store *s, const char *image, struct store_image **img, galley_error_t *err)
{
  return store_image_find (s, image, img, err) < 0 || manifest_list_resolve_image (s, img, err) < 0 ? -1 : 0;
}

int
engine_image_inspect (const struct engine *e, const char *image, json_object **record, galley_error_t *err)
{
  _cleanup_store_ struct store *s = NULL;
  _cleanup_store_image_ struct store_image *img = NULL;

  if (store_open (e->paths, &s, err) < 0 || find_resolved (s, image, &img, err) < 0)
    return -1;
  return image_inspect_record (s, img, record, err);
}

int
engine_image_exists (const struct engine *e, const char *image, bool *exists, galley_error_t *err)
{
  _cleanup_store_ struct store *s = NULL;
  _cleanup_store_image_ struct store_image *img = NULL;

  *exists = false;
  if (store_open (e->paths, &s, err) < 0)
    return -1;
  if (store_image_find (s, image, &img, err) == 0)
    *exists = true;
  else if (galley_error_errno (err) != ENOENT)
    return -1;
  galley_error_release (err);
  return 0;
}

int
engine_image_history (const struct engine *e, const char *image, json_object **rows, galley_error_t *err)
{
  _cleanup_store_ struct store *s = NULL;
  _cleanup_store_image_ struct store_image *img = NULL;
  struct store_image **all = NULL;
  size_t n = 0;
  int ret;

  if (store_open (e->paths, &s, err) < 0 || find_resolved (s, image, &img, err) < 0
      || store_image_list (s, &all, &n, err) < 0)
    return -1;
  ret = image_history_rows (s, img, all, n, rows, err);
  store_image_list_free (all, n);
  return ret;
}
