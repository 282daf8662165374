/* Image records for readers: images/<id>/image.json and the images.json
 * name index, read without the lock (both are replaced atomically), listed
 * and looked up by name, short name, id or id prefix.
 *
 * images.json is the authority on names: an image has a name when the index
 * maps the name to it.  Writers (store_images_write.c) write the new owner's
 * image.json, then the index, then the old owner's image.json, so a reader
 * never sees one name on two images.  */
#include "config.h"
#include "image/store.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "image/store_internal.h"
#include "util/change_counter.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/list_cache.h"
#include "util/log.h"
#include "util/strv.h"
#include "util/xmalloc.h"

int
store_index_read (struct store *s, json_object **out, galley_error_t *err)
{
  _cleanup_free_ char *text = NULL;
  _cleanup_json_ json_object *doc = NULL;
  json_object *names;
  size_t len;

  if (fs_read_file (s->root_fd, "images.json", 64u << 20, &text, &len, err) < 0)
    {
      if (galley_error_errno (err) != ENOENT)
        return -1;
      galley_error_release (err);
      *out = json_object_new_object ();
      return 0;
    }
  if (json_parse_strict (text, len, "images.json", &doc, err) < 0)
    return -1;
  if (! json_object_object_get_ex (doc, "names", &names) || ! json_object_is_type (names, json_type_object))
    return galley_error_make (err, 0, "%s/images.json: no \"names\" object", s->root);
  *out = json_object_get (names);
  return 0;
}

int
store_index_write (struct store *s, json_object *names, galley_error_t *err)
{
  _cleanup_json_ json_object *doc = json_object_new_object ();

  json_object_object_add (doc, "names", json_object_get (names));
  return json_write_atomic (s->root_fd, "images.json", doc, err);
}

const char *
store_index_lookup (json_object *index, const char *name)
{
  return json_get_string (index, name);
}

static char *
dup_or_null (const char *v)
{
  return v ? strdup (v) : NULL;
}

/* A record from image.json; names are those the index gives this id.  */
static struct store_image *
image_from_json (json_object *rec, json_object *index)
{
  struct store_image *img = calloc (1, sizeof *img);
  json_object *size;
  char **names;

  if (img == NULL)
    return NULL;
  img->id = dup_or_null (json_get_string (rec, "id"));
  img->config_digest = dup_or_null (json_get_string (rec, "config_digest"));
  img->manifest_digest = dup_or_null (json_get_string (rec, "manifest_digest"));
  img->manifest_media_type = dup_or_null (json_get_string (rec, "manifest_media_type"));
  img->created = dup_or_null (json_get_string (rec, "created"));
  img->added = dup_or_null (json_get_string (rec, "added"));
  if (json_object_object_get_ex (rec, "size", &size))
    img->size = json_object_get_uint64 (size);
  img->names_history = json_get_strv (rec, "names_history");
  img->digests = json_get_strv (rec, "digests");
  img->layers = json_get_strv (rec, "layers");
  names = json_get_strv (rec, "names");
  if (img->id == NULL || img->config_digest == NULL || img->names_history == NULL || img->digests == NULL
      || img->layers == NULL || names == NULL)
    {
      cleanup_strvp (&names);
      store_image_free (img);
      return NULL;
    }
  store_names_keep_indexed (names, img->id, index);
  img->names = names;
  return img;
}

void
store_names_keep_indexed (char **names, const char *id, json_object *index)
{
  size_t i, k = 0;

  for (i = 0; names[i]; i++)
    {
      const char *owner = index ? store_index_lookup (index, names[i]) : id;
      if (owner != NULL && strcmp (owner, id) == 0)
        names[k++] = names[i];
      else
        free (names[i]);
    }
  names[k] = NULL;
}

json_object *
store_image_to_json (const struct store_image *img)
{
  json_object *rec = json_object_new_object ();

  json_object_object_add (rec, "id", json_object_new_string (img->id));
  json_object_object_add (rec, "names", json_strings_array (img->names, strv_len (img->names)));
  json_object_object_add (rec, "names_history",
                          json_strings_array (img->names_history, strv_len (img->names_history)));
  json_object_object_add (rec, "digests", json_strings_array (img->digests, strv_len (img->digests)));
  if (img->manifest_digest)
    json_object_object_add (rec, "manifest_digest", json_object_new_string (img->manifest_digest));
  if (img->manifest_media_type)
    json_object_object_add (rec, "manifest_media_type", json_object_new_string (img->manifest_media_type));
  json_object_object_add (rec, "config_digest", json_object_new_string (img->config_digest));
  json_object_object_add (rec, "layers", json_strings_array (img->layers, strv_len (img->layers)));
  if (img->created)
    json_object_object_add (rec, "created", json_object_new_string (img->created));
  if (img->added)
    json_object_object_add (rec, "added", json_object_new_string (img->added));
  json_object_object_add (rec, "size", json_object_new_uint64 (img->size));
  return rec;
}

int
store_image_read (struct store *s, const char *id, json_object *index, struct store_image **out,
                  galley_error_t *err)
{
  _cleanup_free_ char *rel = NULL, *text = NULL;
  _cleanup_json_ json_object *rec = NULL;
  const char *rec_id;
  size_t len;

  if (! store_valid_hex_id (id))
    return galley_error_kind (err, EINVAL, "invalid image id \"%s\"", id);
  rel = xasprintf ("images/%s/image.json", id);
  if (fs_read_file (s->root_fd, rel, STORE_DOC_MAX, &text, &len, err) < 0)
    return -1;
  if (json_parse_strict (text, len, rel, &rec, err) < 0)
    return -1;
  rec_id = json_get_string (rec, "id");
  if (rec_id == NULL || strcmp (rec_id, id) != 0
      || ! store_valid_digest (json_get_string (rec, "config_digest"), NULL))
    return galley_error_kind (err, EINVAL, "%s: inconsistent image record", rel);
  *out = image_from_json (rec, index);
  if (*out == NULL)
    return galley_error_make (err, ENOMEM, "reading %s", rel);
  return 0;
}

static int
compare_added (const void *a, const void *b)
{
  const struct store_image *x = *(struct store_image *const *)a;
  const struct store_image *y = *(struct store_image *const *)b;
  int c = strcmp (x->added ? x->added : "", y->added ? y->added : "");

  return c != 0 ? c : strcmp (x->id, y->id);
}

int
store_images_push (struct store_image ***imgs, size_t *n, size_t *cap, struct store_image *img,
                   galley_error_t *err)
{
  if (*n == *cap)
    {
      struct store_image **grown = realloc (*imgs, (*cap = *cap ? *cap * 2 : 16) * sizeof **imgs);
      if (grown == NULL)
        {
          store_image_free (img);
          return galley_error_make (err, ENOMEM, "allocating");
        }
      *imgs = grown;
    }
  (*imgs)[(*n)++] = img;
  return 0;
}

int
store_image_list_with_index (struct store *s, json_object *index, struct store_image ***out, size_t *n_out,
                             galley_error_t *err)
{
  _cleanup_closedir_ DIR *d = store_list_dir (s, "images", err);
  _cleanup_list_cache_ struct list_cache *cache = NULL;
  struct store_image **imgs = NULL;
  char stamp[CHANGE_STAMP_MAX];
  struct dirent *de;
  size_t n = 0, cap = 0, i;
  bool stamped;

  if (d == NULL)
    return -1;
  /* sampled before anything is read; a read-only store keeps no cache */
  stamped = change_counter_stamp (dirfd (d), STORE_IMAGES_CHANGE_COUNTER, stamp);
  cache = s->read_only ? NULL : list_cache_open (s->root_fd, STORE_IMAGES_CACHE, STORE_IMAGE_CACHE_FIELDS);
  if (cache != NULL && stamped && list_cache_stamp (cache) != NULL
      && strcmp (list_cache_stamp (cache), stamp) == 0)
    {
      /* nothing changed since the cache was saved: it is the listing */
      for (i = 0; i < list_cache_count (cache); i++)
        {
          struct store_image *img = store_image_from_cache (cache, i, index);
          if (img != NULL && store_images_push (&imgs, &n, &cap, img, err) < 0)
            {
              store_image_list_free (imgs, n);
              return -1;
            }
        }
    }
  else
    {
      if (cache != NULL)
        list_cache_set_stamp (cache, stamped ? stamp : NULL);
      while ((de = readdir (d)) != NULL)
        {
          struct store_image *img = NULL;

          if (! store_valid_hex_id (de->d_name))
            continue;
          if (store_image_read_cached (s, cache, dirfd (d), de->d_name, index, &img, err) < 0)
            {
              /* Being written or removed right now, or a crash leftover.  */
              log_debug ("skipping image %s: %s", de->d_name, (*err)->msg);
              galley_error_release (err);
              continue;
            }
          if (store_images_push (&imgs, &n, &cap, img, err) < 0)
            {
              store_image_list_free (imgs, n);
              return -1;
            }
        }
    }
  if (n > 0)
    qsort (imgs, n, sizeof *imgs, compare_added);
  *out = imgs;
  *n_out = n;
  return 0;
}

int
store_image_list (struct store *s, struct store_image ***out, size_t *n, galley_error_t *err)
{
  _cleanup_json_ json_object *index = NULL;
  size_t cap;

  if (store_index_read (s, &index, err) < 0 || store_image_list_with_index (s, index, out, n, err) < 0)
    return -1;
  if (s->n_readonly == 0)
    return 0;
  cap = *n;
  if (store_readonly_list (s, out, n, &cap, err) < 0)
    {
      store_image_list_free (*out, *n);
      return -1;
    }
  if (*n > 0)
    qsort (*out, *n, sizeof **out, compare_added);
  return 0;
}

void
store_image_free (struct store_image *img)
{
  if (img == NULL)
    return;
  free (img->id);
  cleanup_strvp (&img->names);
  cleanup_strvp (&img->names_history);
  cleanup_strvp (&img->digests);
  free (img->manifest_digest);
  free (img->manifest_media_type);
  free (img->config_digest);
  cleanup_strvp (&img->layers);
  free (img->created);
  free (img->added);
  free (img);
}

void
store_image_list_free (struct store_image **imgs, size_t n)
{
  size_t i;

  for (i = 0; i < n; i++)
    store_image_free (imgs[i]);
  free (imgs);
}

/* ---- lookup ---- */

/* How well a stored name matches what the user typed: 3 exact, 2 the
 * default registry's or localhost's, 1 another registry's, 0 no match.
 * want is "repo:tag" (a tag added when none was given) or, with a digest,
 * just the repository.  A digested name matches only a digest.  */
static int
name_match (const char *stored, const char *want, bool repo_only)
{
  _cleanup_free_ char *repo = NULL;
  const char *cand = stored, *at = strchr (stored, '@');
  size_t sl, wl = strlen (want);

  if (at && ! repo_only)
    return 0;
  if (at)
    {
      repo = strndup (stored, (size_t)(at - stored));
      if (repo == NULL)
        return 0;
      cand = repo;
    }
  else if (repo_only)
    {
      const char *slash = strrchr (stored, '/');
      const char *colon = strrchr (slash ? slash : stored, ':');
      repo = colon ? strndup (stored, (size_t)(colon - stored)) : strdup (stored);
      if (repo == NULL)
        return 0;
      cand = repo;
    }
  if (strcmp (cand, want) == 0)
    return 3;
  sl = strlen (cand);
  if (sl <= wl || cand[sl - wl - 1] != '/' || strcmp (cand + sl - wl, want) != 0)
    return 0;
  if ((sl - wl - 1 == strlen ("docker.io/library") && strncmp (cand, "docker.io/library/", 18) == 0)
      || (sl - wl - 1 == strlen ("localhost") && strncmp (cand, "localhost/", 10) == 0)
      || (sl - wl - 1 == strlen ("docker.io") && strncmp (cand, "docker.io/", 10) == 0))
    return 2;
  return 1;
}

/* Normalise input into the name to match: add ":latest" when there is
 * neither tag nor digest; split off a digest.  */
static int
split_input (const char *input, char **want, const char **digest)
{
  const char *at = strchr (input, '@');
  const char *slash, *colon;

  *digest = NULL;
  if (at)
    {
      *digest = at + 1;
      *want = strndup (input, (size_t)(at - input));
      /* "repo:tag@digest": the digest decides, match the repository.  */
      if (*want)
        {
          slash = strrchr (*want, '/');
          colon = strrchr (slash ? slash : *want, ':');
          if (colon)
            *(char *)colon = '\0';
        }
      return *want ? 0 : -1;
    }
  slash = strrchr (input, '/');
  colon = strrchr (slash ? slash : input, ':');
  if (colon)
    *want = strdup (input);
  else if (asprintf (want, "%s:latest", input) < 0)
    *want = NULL;
  return *want ? 0 : -1;
}

static bool
all_hex (const char *s)
{
  for (; *s; s++)
    if (! ((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
      return false;
  return true;
}

static int
find_in_list (struct store_image **imgs, size_t n, const char *input, ssize_t *found, const char **matched,
              galley_error_t *err)
{
  _cleanup_free_ char *want = NULL;
  const char *digest;
  const char *id_part = strncmp (input, "sha256:", 7) == 0 ? input + 7 : input;
  ssize_t best = -1, prefix = -1;
  int best_score = 0;
  bool tie = false;
  size_t i, j;

  if (split_input (input, &want, &digest) < 0)
    return galley_error_make (err, ENOMEM, "allocating");
  for (i = 0; i < n; i++)
    {
      int score = 0;
      const char *name = NULL;
      bool name_exact = false;

      if (digest && ! strv_contains (imgs[i]->digests, digest))
        continue;
      for (j = 0; imgs[i]->names[j]; j++)
        {
          const char *stored = imgs[i]->names[j], *at = strchr (stored, '@');
          int sc = name_match (stored, want, digest != NULL);
          /* "repo@digest" is, of the names of its repository, the
           * digested name with that digest when the image has one.  */
          bool exact = at != NULL && digest != NULL && strcmp (at + 1, digest) == 0;

          if (sc > score || (sc > 0 && sc == score && exact && ! name_exact))
            {
              score = sc;
              name = stored;
              name_exact = exact;
            }
        }
      /* An image pulled by digest only has no name but the digest.  */
      if (digest && score == 0 && imgs[i]->names[0] == NULL)
        for (j = 0; imgs[i]->names_history[j]; j++)
          {
            int sc = name_match (imgs[i]->names_history[j], want, true);
            if (sc > score)
              score = sc;
          }
      if (score > best_score)
        {
          best_score = score;
          best = (ssize_t)i;
          *matched = name;
          tie = false;
        }
      else if (score > 0 && score == best_score)
        tie = true;
    }
  if (best >= 0 && tie)
    return galley_error_kind (err, EINVAL, "%s: ambiguous name: several images match", input);
  if (best >= 0)
    {
      *found = best;
      return 0;
    }
  if (strlen (id_part) >= 3 && strlen (id_part) <= 64 && all_hex (id_part))
    for (i = 0; i < n; i++)
      if (strncmp (imgs[i]->id, id_part, strlen (id_part)) == 0)
        {
          if (prefix >= 0)
            return galley_error_kind (err, EINVAL, "%s: ambiguous image id prefix: several images match",
                                      input);
          prefix = (ssize_t)i;
        }
  if (prefix >= 0)
    {
      *found = prefix;
      *matched = NULL;
      return 0;
    }
  return galley_error_kind (err, ENOENT, "%s: image not known", input);
}

static int
store_image_lookup_own (struct store *s, const char *name_or_id, struct store_image **out,
                        char **matched_name, galley_error_t *err)
{
  _cleanup_json_ json_object *index = NULL;
  struct store_image **imgs = NULL;
  size_t n = 0;
  ssize_t found = -1;
  const char *id_part, *matched = NULL;

  if (matched_name)
    *matched_name = NULL;
  if (name_or_id == NULL || name_or_id[0] == '\0')
    return galley_error_kind (err, EINVAL, "empty image name");
  if (store_index_read (s, &index, err) < 0)
    return -1;
  /* A full id needs no listing.  */
  id_part = strncmp (name_or_id, "sha256:", 7) == 0 ? name_or_id + 7 : name_or_id;
  if (store_valid_hex_id (id_part))
    {
      if (store_image_read (s, id_part, index, out, err) == 0)
        return 0;
      if (galley_error_errno (err) != ENOENT)
        return -1;
      galley_error_release (err);
    }
  if (store_image_list_with_index (s, index, &imgs, &n, err) < 0)
    return -1;
  if (find_in_list (imgs, n, name_or_id, &found, &matched, err) < 0)
    {
      store_image_list_free (imgs, n);
      return -1;
    }
  if (matched_name && matched && (*matched_name = strdup (matched)) == NULL)
    {
      store_image_list_free (imgs, n);
      return galley_error_make (err, ENOMEM, "allocating");
    }
  *out = imgs[found];
  imgs[found] = NULL;
  store_image_list_free (imgs, n);
  return 0;
}

/* s's own images first, then each read-only store's: a name of the
 * store's own hides theirs.  */
int
store_image_lookup (struct store *s, const char *name_or_id, struct store_image **out, char **matched_name,
                    galley_error_t *err)
{
  if (store_image_lookup_own (s, name_or_id, out, matched_name, err) == 0)
    return 0;
  for (size_t i = 0; i < s->n_readonly && galley_error_errno (err) == ENOENT; i++)
    {
      _cleanup_error_ galley_error_t theirs = NULL;
      if (store_image_lookup_own (s->readonly[i], name_or_id, out, matched_name, &theirs) == 0)
        {
          (*out)->read_only = true;
          galley_error_release (err);
          return 0;
        }
      if (galley_error_errno (&theirs) != ENOENT)
        {
          galley_error_release (err);
          *err = steal_pointer (&theirs);
        }
    }
  return -1;
}

int
store_image_find (struct store *s, const char *name_or_id, struct store_image **out, galley_error_t *err)
{
  return store_image_lookup (s, name_or_id, out, NULL, err);
}

/* ---- documents ---- */

static int
read_doc (struct store *s, const char *digest, const char *what, json_object **out, galley_error_t *err)
{
  _cleanup_free_ char *text = NULL;
  size_t len;

  if (digest == NULL)
    return galley_error_kind (err, ENOENT, "no %s recorded", what);
  if (store_blob_get (s, digest, STORE_DOC_MAX, &text, &len, err) < 0)
    return -1;
  return json_parse_strict (text, len, what, out, err);
}

int
store_image_config (struct store *s, const struct store_image *img, json_object **out, galley_error_t *err)
{
  return read_doc (s, img->config_digest, "image config", out, err);
}

int
store_image_manifest (struct store *s, const struct store_image *img, json_object **out, galley_error_t *err)
{
  return read_doc (s, img->manifest_digest, "image manifest", out, err);
}
