/* Image records through the listing cache (util/list_cache.h): `images`
 * with hundreds of images reads one cache file (and, unless the change
 * counter says nothing changed, stats each images/<id> directory) instead
 * of reading and parsing every image.json.
 * image.json is replaced by rename(2), which changes its directory's
 * ctime, so a cached record is never older than the file.  Names still
 * come from the index (images.json) on every listing.  */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "image/store.h"
#include "image/store_internal.h"
#include "util/cleanup.h"
#include "util/list_cache.h"
#include "util/strv.h"

enum
{
  F_CONFIG_DIGEST,
  F_MANIFEST_DIGEST,
  F_MANIFEST_MEDIA_TYPE,
  F_CREATED,
  F_ADDED,
  F_SIZE,
  F_NAMES,
  F_NAMES_HISTORY,
  F_DIGESTS,
  F_LAYERS,
  F_ID,
  N_FIELDS
};

_Static_assert(N_FIELDS == STORE_IMAGE_CACHE_FIELDS, "the cache's field count");

/* String lists are kept as lines (strv_join, strv_split): no element is
 * ever empty or holds a newline.  */

static char *
dup_or_null (const char *v)
{
  return v ? strdup (v) : NULL;
}

static struct store_image *
image_from_fields (const char *const *f)
{
  struct store_image *img = calloc (1, sizeof *img);

  if (img == NULL || f[F_ID] == NULL || f[F_CONFIG_DIGEST] == NULL || f[F_SIZE] == NULL || f[F_NAMES] == NULL
      || f[F_NAMES_HISTORY] == NULL || f[F_DIGESTS] == NULL || f[F_LAYERS] == NULL)
    {
      free (img);
      return NULL;
    }
  img->id = strdup (f[F_ID]);
  img->config_digest = strdup (f[F_CONFIG_DIGEST]);
  img->manifest_digest = dup_or_null (f[F_MANIFEST_DIGEST]);
  img->manifest_media_type = dup_or_null (f[F_MANIFEST_MEDIA_TYPE]);
  img->created = dup_or_null (f[F_CREATED]);
  img->added = dup_or_null (f[F_ADDED]);
  img->size = strtoull (f[F_SIZE], NULL, 10);
  img->names = strv_split (f[F_NAMES], '\n');
  img->names_history = strv_split (f[F_NAMES_HISTORY], '\n');
  img->digests = strv_split (f[F_DIGESTS], '\n');
  img->layers = strv_split (f[F_LAYERS], '\n');
  if (img->id == NULL || img->config_digest == NULL || img->names == NULL || img->names_history == NULL
      || img->digests == NULL || img->layers == NULL)
    {
      store_image_free (img);
      return NULL;
    }
  return img;
}

static const char *const *
cache_image (struct list_cache *cache, const char *id, const struct timespec *ctime,
             const struct store_image *img, galley_error_t *err)
{
  char *f[N_FIELDS] = { NULL };
  const char *const *stored = NULL;
  size_t i;

  f[F_ID] = strdup (img->id);
  f[F_CONFIG_DIGEST] = strdup (img->config_digest);
  f[F_MANIFEST_DIGEST] = dup_or_null (img->manifest_digest);
  f[F_MANIFEST_MEDIA_TYPE] = dup_or_null (img->manifest_media_type);
  f[F_CREATED] = dup_or_null (img->created);
  f[F_ADDED] = dup_or_null (img->added);
  if (asprintf (&f[F_SIZE], "%" PRIu64, img->size) < 0)
    f[F_SIZE] = NULL;
  f[F_NAMES] = strv_join (img->names, "\n");
  f[F_NAMES_HISTORY] = strv_join (img->names_history, "\n");
  f[F_DIGESTS] = strv_join (img->digests, "\n");
  f[F_LAYERS] = strv_join (img->layers, "\n");
  if (f[F_ID] && f[F_CONFIG_DIGEST] && f[F_SIZE] && f[F_NAMES] && f[F_NAMES_HISTORY] && f[F_DIGESTS]
      && f[F_LAYERS])
    stored = list_cache_put (cache, id, ctime, (const char *const *)f, err);
  else
    galley_error_make (err, ENOMEM, "allocating");
  for (i = 0; i < N_FIELDS; i++)
    free (f[i]);
  return stored;
}

struct store_image *
store_image_from_cache (struct list_cache *cache, size_t i, json_object *index)
{
  const char *id;
  const char *const *f = list_cache_record (cache, i, &id);
  struct store_image *img = NULL;

  if (f[F_ID] != NULL && strcmp (f[F_ID], id) == 0 && store_valid_hex_id (id))
    img = image_from_fields (f);
  if (img != NULL)
    store_names_keep_indexed (img->names, img->id, index);
  return img;
}

int
store_image_read_cached (struct store *s, struct list_cache *cache, int images_fd, const char *id,
                         json_object *index, struct store_image **out, galley_error_t *err)
{
  struct store_image *img = NULL;
  const char *const *f;
  struct stat sb;

  /* The ctime first: a change after it makes the record stale.  */
  if (cache == NULL || fstatat (images_fd, id, &sb, AT_SYMLINK_NOFOLLOW) < 0)
    return store_image_read (s, id, index, out, err);
  f = list_cache_get (cache, id, &sb.st_ctim);
  if (f != NULL && f[F_ID] != NULL && strcmp (f[F_ID], id) == 0)
    img = image_from_fields (f);
  if (img == NULL)
    {
      if (store_image_read (s, id, NULL, &img, err) < 0)
        return -1;
      if (cache_image (cache, id, &sb.st_ctim, img, err) == NULL)
        {
          store_image_free (img);
          return -1;
        }
    }
  store_names_keep_indexed (img->names, img->id, index);
  *out = img;
  return 0;
}
