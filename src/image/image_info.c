/* podman's views of a stored image: inspect records, history rows, human
 * sizes and durations.  The config is read as JSON and passed through
 * where podman passes it through (Config, History).  */
#include "config.h"
#include "image/image_info.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "image/manifest.h"
#include "util/cleanup.h"
#include "util/json.h"
#include "util/strv.h"

void
image_human_size_sep (uint64_t size, const char *sep, char *buf, size_t len)
{
  static const char *const units[] = { "B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB" };
  double v = (double)size;
  size_t i = 0;

  while (v >= 1000.0 && i + 1 < sizeof units / sizeof *units)
    {
      v /= 1000.0;
      i++;
    }
  snprintf (buf, len, "%.3g%s%s", v, sep, units[i]);
}

void
image_human_size (uint64_t size, char *buf, size_t len)
{
  image_human_size_sep (size, " ", buf, len);
}

void
image_human_since (time_t then, char *buf, size_t len)
{
  double seconds = difftime (time (NULL), then);
  long s = seconds < 0 ? 0 : (long)seconds;
  long minutes = s / 60, hours = s / 3600;

  if (s < 1)
    snprintf (buf, len, "Less than a second ago");
  else if (s == 1)
    snprintf (buf, len, "1 second ago");
  else if (s < 60)
    snprintf (buf, len, "%ld seconds ago", s);
  else if (minutes == 1)
    snprintf (buf, len, "About a minute ago");
  else if (minutes < 60)
    snprintf (buf, len, "%ld minutes ago", minutes);
  else if (hours == 1)
    snprintf (buf, len, "About an hour ago");
  else if (hours < 48)
    snprintf (buf, len, "%ld hours ago", hours);
  else if (hours < 24 * 7 * 2)
    snprintf (buf, len, "%ld days ago", hours / 24);
  else if (hours < 24 * 30 * 2)
    snprintf (buf, len, "%ld weeks ago", hours / 24 / 7);
  else if (hours < 24 * 365 * 2)
    snprintf (buf, len, "%ld months ago", hours / 24 / 30);
  else
    snprintf (buf, len, "%ld years ago", hours / 24 / 365);
}

int
image_parse_time (const char *text, time_t *out)
{
  struct tm tm;
  const char *p;
  long offset = 0;

  if (text == NULL)
    return -1;
  memset (&tm, 0, sizeof tm);
  p = strptime (text, "%Y-%m-%dT%H:%M:%S", &tm);
  if (p == NULL)
    return -1;
  if (*p == '.')
    for (p++; *p >= '0' && *p <= '9'; p++)
      ;
  if (*p == '+' || *p == '-')
    {
      int h, m;
      if (sscanf (p + 1, "%2d:%2d", &h, &m) != 2)
        return -1;
      offset = (h * 3600L + m * 60L) * (*p == '-' ? -1 : 1);
    }
  else if (*p != 'Z' && *p != 'z' && *p != '\0')
    return -1;
  *out = timegm (&tm) - offset;
  return 0;
}

void
image_format_go_time (time_t t, char *buf, size_t len)
{
  struct tm tm;

  gmtime_r (&t, &tm);
  strftime (buf, len, "%Y-%m-%d %H:%M:%S +0000 UTC", &tm);
}

void
image_split_name (const char *name, char **repo, char **tag)
{
  const char *slash, *end;

  if (name == NULL)
    {
      *repo = strdup ("<none>");
      *tag = strdup ("<none>");
      return;
    }
  slash = strrchr (name, '/');
  end = strchr (name, '@');
  if (end == NULL)
    end = strrchr (slash ? slash : name, ':');
  if (end == NULL)
    {
      *repo = strdup (name);
      *tag = strdup ("<none>");
      return;
    }
  *repo = strndup (name, (size_t)(end - name));
  *tag = strdup (*end == '@' ? "<none>" : end + 1);
}

json_object *
image_repo_digests (const struct store_image *img)
{
  json_object *arr = json_object_new_array ();
  size_t i, j;

  for (i = 0; img->names[i]; i++)
    for (j = 0; img->digests[j]; j++)
      {
        _cleanup_free_ char *repo = NULL, *tag = NULL, *rd = NULL;
        size_t k;
        bool dup = false;

        image_split_name (img->names[i], &repo, &tag);
        if (repo == NULL || asprintf (&rd, "%s@%s", repo, img->digests[j]) < 0)
          continue;
        for (k = 0; k < json_object_array_length (arr) && ! dup; k++)
          dup = strcmp (json_object_get_string (json_object_array_get_idx (arr, k)), rd) == 0;
        if (! dup)
          json_object_array_add (arr, json_object_new_string (rd));
      }
  return arr;
}

json_object *
image_repo_tags (const struct store_image *img)
{
  json_object *arr = json_object_new_array ();
  size_t i;

  for (i = 0; arr && img->names[i]; i++)
    if (! store_name_is_digested (img->names[i]))
      json_object_array_add (arr, json_object_new_string (img->names[i]));
  return arr;
}

bool
image_has_tag (const struct store_image *img)
{
  size_t i;

  for (i = 0; img->names[i]; i++)
    if (! store_name_is_digested (img->names[i]))
      return true;
  return false;
}

static json_object *
string_or_empty (json_object *obj, const char *key)
{
  const char *v = json_get_string (obj, key);
  return json_object_new_string (v ? v : "");
}

static json_object *
member_copy (json_object *obj, const char *key)
{
  json_object *v = NULL;

  if (obj == NULL || ! json_object_object_get_ex (obj, key, &v) || v == NULL)
    return NULL;
  return json_object_get (v);
}

json_object *
image_config_labels (json_object *config)
{
  json_object *cc;

  if (! json_object_object_get_ex (config, "config", &cc))
    return NULL;
  return member_copy (cc, "Labels");
}

bool
image_config_label_matches (json_object *config, const char *want)
{
  _cleanup_json_ json_object *labels = image_config_labels (config);
  const char *eq = strchr (want, '=');
  _cleanup_free_ char *key = eq ? strndup (want, (size_t)(eq - want)) : strdup (want);
  json_object *v;

  if (labels == NULL || key == NULL || ! json_object_object_get_ex (labels, key, &v))
    return false;
  return eq == NULL || strcmp (json_object_get_string (v), eq + 1) == 0;
}

static json_object *
graph_driver (struct store *s, const struct store_image *img)
{
  json_object *gd = json_object_new_object ();
  json_object *data = json_object_new_object ();
  size_t n = strv_len (img->layers);

  json_object_object_add (gd, "Name", json_object_new_string ("overlay"));
  if (n > 0)
    {
      _cleanup_free_ char *upper = NULL;
      char *lower = NULL;
      size_t i;

      for (i = n - 1; i-- > 0;)
        {
          _cleanup_error_ galley_error_t ignored = NULL;
          _cleanup_free_ char *dir = NULL;
          char *joined = NULL;

          if (store_layer_diff_dir (s, img->layers[i], &dir, &ignored) < 0)
            continue;
          if (asprintf (&joined, "%s%s%s", lower ? lower : "", lower ? ":" : "", dir) < 0)
            break;
          free (lower);
          lower = joined;
        }
      {
        _cleanup_error_ galley_error_t ignored = NULL;
        if (store_layer_diff_dir (s, img->layers[n - 1], &upper, &ignored) == 0)
          json_object_object_add (data, "UpperDir", json_object_new_string (upper));
      }
      if (lower)
        json_object_object_add (data, "LowerDir", json_object_new_string (lower));
      free (lower);
    }
  json_object_object_add (gd, "Data", data);
  return gd;
}

int
image_inspect_record (struct store *s, const struct store_image *img, json_object **out, galley_error_t *err)
{
  _cleanup_json_ json_object *config = NULL;
  _cleanup_json_ json_object *manifest = NULL;
  json_object *rec = json_object_new_object ();
  json_object *cc = NULL, *rootfs = NULL, *v, *labels;
  const char *user = NULL;

  if (store_image_config (s, img, &config, err) < 0)
    {
      json_object_put (rec);
      return galley_error_wrap (err, "image %.12s", img->id);
    }
  if (img->manifest_digest)
    {
      _cleanup_error_ galley_error_t ignored = NULL;
      store_image_manifest (s, img, &manifest, &ignored);
    }
  json_object_object_get_ex (config, "config", &cc);
  json_object_object_get_ex (config, "rootfs", &rootfs);
  json_object_object_add (rec, "Id", json_object_new_string (img->id));
  json_object_object_add (rec, "Digest",
                          json_object_new_string (img->manifest_digest ? img->manifest_digest : ""));
  json_object_object_add (rec, "RepoTags", image_repo_tags (img));
  json_object_object_add (rec, "RepoDigests", image_repo_digests (img));
  json_object_object_add (rec, "Parent", json_object_new_string (""));
  /* libimage: an OCI image's comment is its first history entry's.  */
  if (img->manifest_media_type && strcmp (img->manifest_media_type, MEDIA_TYPE_OCI_MANIFEST) == 0)
    {
      json_object *history = NULL, *first = NULL;
      if (json_object_object_get_ex (config, "history", &history)
          && json_object_is_type (history, json_type_array) && json_object_array_length (history) > 0)
        first = json_object_array_get_idx (history, 0);
      json_object_object_add (rec, "Comment", string_or_empty (first, "comment"));
    }
  else
    json_object_object_add (rec, "Comment", string_or_empty (config, "comment"));
  json_object_object_add (rec, "Created", json_object_new_string (img->created ? img->created : ""));
  v = member_copy (config, "config");
  json_object_object_add (rec, "Config", v ? v : json_object_new_object ());
  json_object_object_add (rec, "Version", string_or_empty (config, "docker_version"));
  json_object_object_add (rec, "Author", string_or_empty (config, "author"));
  json_object_object_add (rec, "Architecture", string_or_empty (config, "architecture"));
  json_object_object_add (rec, "Os", string_or_empty (config, "os"));
  json_object_object_add (rec, "Size", json_object_new_int64 ((int64_t)img->size));
  json_object_object_add (rec, "VirtualSize", json_object_new_int64 ((int64_t)img->size));
  json_object_object_add (rec, "GraphDriver", graph_driver (s, img));
  {
    json_object *r = json_object_new_object ();
    json_object_object_add (r, "Type", json_object_new_string ("layers"));
    v = member_copy (rootfs, "diff_ids");
    json_object_object_add (r, "Layers", v ? v : json_object_new_array ());
    json_object_object_add (rec, "RootFS", r);
  }
  labels = image_config_labels (config);
  json_object_object_add (rec, "Labels", labels);
  v = member_copy (manifest, "annotations");
  json_object_object_add (rec, "Annotations", v ? v : json_object_new_object ());
  json_object_object_add (rec, "ManifestType",
                          json_object_new_string (img->manifest_media_type ? img->manifest_media_type : ""));
  if (cc)
    user = json_get_string (cc, "User");
  json_object_object_add (rec, "User", json_object_new_string (user ? user : ""));
  v = member_copy (config, "history");
  json_object_object_add (rec, "History", v ? v : json_object_new_array ());
  json_object_object_add (rec, "NamesHistory",
                          json_strings_array (img->names_history, strv_len (img->names_history)));
  *out = rec;
  return 0;
}

static bool
json_bool_member (json_object *obj, const char *key)
{
  json_object *v;

  return json_object_object_get_ex (obj, key, &v) && json_object_get_boolean (v);
}

int
image_history_rows (struct store *s, const struct store_image *img, struct store_image **all, size_t n_all,
                    json_object **out, galley_error_t *err)
{
  _cleanup_json_ json_object *config = NULL;
  json_object *history = NULL, *rows = json_object_new_array ();
  ssize_t layer = (ssize_t)strv_len (img->layers) - 1;
  size_t n, i;

  if (store_image_config (s, img, &config, err) < 0)
    {
      json_object_put (rows);
      return galley_error_wrap (err, "image %.12s", img->id);
    }
  if (! json_object_object_get_ex (config, "history", &history)
      || ! json_object_is_type (history, json_type_array))
    history = NULL;
  n = history ? json_object_array_length (history) : 0;
  for (i = n; i-- > 0;)
    {
      json_object *h = json_object_array_get_idx (history, i);
      json_object *row = json_object_new_object ();
      const char *id = i == n - 1 ? img->id : NULL;
      const char *comment = json_get_string (h, "comment");
      const char *created = json_get_string (h, "created");
      uint64_t size = 0;

      if (! json_bool_member (h, "empty_layer") && layer >= 0)
        {
          _cleanup_error_ galley_error_t ignored = NULL;
          struct store_layer *l = NULL;
          size_t k;

          if (store_layer_get (s, img->layers[layer], &l, &ignored) == 0)
            size = l->size;
          store_layer_free (l);
          for (k = 0; k < n_all && id == NULL; k++)
            {
              size_t nl = strv_len (all[k]->layers);
              if (nl > 0 && strcmp (all[k]->layers[nl - 1], img->layers[layer]) == 0)
                id = all[k]->id;
            }
          layer--;
        }
      json_object_object_add (row, "id", json_object_new_string (id ? id : "<missing>"));
      json_object_object_add (row, "created", json_object_new_string (created ? created : ""));
      json_object_object_add (row, "CreatedBy", string_or_empty (h, "created_by"));
      json_object_object_add (row, "size", json_object_new_int64 ((int64_t)size));
      if (comment && *comment)
        json_object_object_add (row, "comment", json_object_new_string (comment));
      if (i == n - 1 && img->names[0])
        json_object_object_add (row, "tags", json_strings_array (img->names, strv_len (img->names)));
      json_object_array_add (rows, row);
    }
  *out = rows;
  return 0;
}
