/* The service's image endpoints that read the store or name an image:
 * list, inspect, history and tag, in the Docker Engine API's shapes, from
 * the records `images`, `image inspect` and `history` print.  */
#include "config.h"
#include "api/endpoints.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/filters.h"
#include "image/image_info.h"
#include "image/image_select.h"
#include "image/store.h"
#include "registry/reference.h"
#include "util/cleanup.h"
#include "util/json.h"
#include "util/xmalloc.h"

/* Docker names images by their config digest.  */
static json_object *
digest_id (const char *hex)
{
  char id[80];

  snprintf (id, sizeof id, "sha256:%s", hex);
  return json_object_new_string (id);
}

static json_object *
copy_of (json_object *from, const char *key)
{
  json_object *v = NULL, *copy = NULL;

  if (! json_object_object_get_ex (from, key, &v) || v == NULL)
    return NULL;
  if (json_object_deep_copy (v, &copy, NULL) < 0)
    return NULL;
  return copy;
}

static int64_t
created_seconds (const struct image_entry *e)
{
  return (int64_t)e->created;
}

static json_object *
summary (const struct image_entry *e)
{
  json_object *o = json_object_new_object ();
  json_object *labels = e->config != NULL ? image_config_labels (e->config) : NULL;

  json_object_object_add (o, "Id", digest_id (e->img->id));
  json_object_object_add (o, "ParentId", json_object_new_string (""));
  json_object_object_add (o, "RepoTags", image_repo_tags (e->img));
  json_object_object_add (o, "RepoDigests", image_repo_digests (e->img));
  json_object_object_add (o, "Created", json_object_new_int64 (created_seconds (e)));
  json_object_object_add (o, "Size", json_object_new_int64 ((int64_t)e->img->size));
  json_object_object_add (o, "SharedSize", json_object_new_int64 (0));
  json_object_object_add (o, "VirtualSize", json_object_new_int64 ((int64_t)e->img->size));
  json_object_object_add (o, "Labels", labels != NULL ? labels : json_object_new_object ());
  /* Docker's "not counted".  */
  json_object_object_add (o, "Containers", json_object_new_int64 (-1));
  return o;
}

int
api_images_list (const struct api_request *req, struct api_reply *reply, galley_error_t *err)
{
  _cleanup_store_ struct store *s = NULL;
  _cleanup_strv_ char **filters = NULL;
  _cleanup_filter_set_ struct filter_set *f = NULL;
  struct image_select sel = { .want_config = true };
  struct image_entry *e = NULL;
  json_object *list;
  size_t n = 0, i;

  if (api_query_bool (req, "all", false, &sel.all, err) < 0
      || api_filters_parse (api_query (req, "filters"), &filters, err) < 0
      || filter_set_parse (&image_filter_syntax, filters, &f, err) < 0)
    return -1;
  sel.filters = f;
  if (store_open (req->ctx->paths, &s, err) < 0 || image_select_list (s, &sel, &e, &n, err) < 0)
    return -1;
  list = json_object_new_array_ext ((int)n);
  for (i = 0; i < n; i++)
    json_object_array_add (list, summary (&e[i]));
  image_entries_free (e, n);
  api_reply_json (reply, 200, list);
  return 0;
}

/* The image a request names, with Docker's 404 when there is none.  */
static int
find_image (const struct api_request *req, struct store **s, struct store_image **img, galley_error_t *err)
{
  if (store_open (req->ctx->paths, s, err) < 0)
    return -1;
  if (store_image_find (*s, req->param[0], img, err) < 0)
    {
      if (galley_error_errno (err) == ENOENT || galley_error_errno (err) == EINVAL)
        {
          galley_error_release (err);
          return galley_error_kind (err, ENOENT, "No such image: %s", req->param[0]);
        }
      return -1;
    }
  return 0;
}

int
api_images_inspect (const struct api_request *req, struct api_reply *reply, galley_error_t *err)
{
  _cleanup_store_ struct store *s = NULL;
  _cleanup_store_image_ struct store_image *img = NULL;
  _cleanup_json_ json_object *rec = NULL;
  json_object *o, *graph, *metadata;
  static const char *const same[] = { "RepoTags", "RepoDigests", "Parent",      "Comment",
                                      "Created",  "Author",      "Config",      "Architecture",
                                      "Os",       "Size",        "VirtualSize", "RootFS" };
  size_t i;

  if (find_image (req, &s, &img, err) < 0 || image_inspect_record (s, img, &rec, err) < 0)
    return -1;
  o = json_object_new_object ();
  json_object_object_add (o, "Id", digest_id (img->id));
  for (i = 0; i < sizeof same / sizeof *same; i++)
    json_object_object_add (o, same[i], copy_of (rec, same[i]));
  json_object_object_add (o, "Container", json_object_new_string (""));
  json_object_object_add (o, "ContainerConfig", copy_of (rec, "Config"));
  json_object_object_add (o, "DockerVersion", copy_of (rec, "Version"));
  graph = copy_of (rec, "GraphDriver");
  json_object_object_add (o, "GraphDriver", graph != NULL ? graph : json_object_new_object ());
  metadata = json_object_new_object ();
  /* Go's zero time: galley does not record when a name was added.  */
  json_object_object_add (metadata, "LastTagTime", json_object_new_string ("0001-01-01T00:00:00Z"));
  json_object_object_add (o, "Metadata", metadata);
  api_reply_json (reply, 200, o);
  return 0;
}

int
api_images_history (const struct api_request *req, struct api_reply *reply, galley_error_t *err)
{
  _cleanup_store_ struct store *s = NULL;
  _cleanup_store_image_ struct store_image *img = NULL;
  _cleanup_json_ json_object *rows = NULL;
  struct store_image **all = NULL;
  json_object *out;
  size_t n = 0, i;
  int ret;

  if (find_image (req, &s, &img, err) < 0 || store_image_list (s, &all, &n, err) < 0)
    return -1;
  ret = image_history_rows (s, img, all, n, &rows, err);
  store_image_list_free (all, n);
  if (ret < 0)
    return -1;
  out = json_object_new_array ();
  for (i = 0; i < json_object_array_length (rows); i++)
    {
      json_object *row = json_object_array_get_idx (rows, i), *o = json_object_new_object (), *tags;
      const char *id = json_get_string (row, "id"), *when = json_get_string (row, "created");
      const char *comment = json_get_string (row, "comment");
      time_t created = 0;

      image_parse_time (when != NULL ? when : "", &created);
      json_object_object_add (o, "Id",
                              id != NULL && strcmp (id, "<missing>") != 0
                                  ? digest_id (id)
                                  : json_object_new_string ("<missing>"));
      json_object_object_add (o, "Created", json_object_new_int64 ((int64_t)created));
      json_object_object_add (o, "CreatedBy", copy_of (row, "CreatedBy"));
      tags = copy_of (row, "tags");
      json_object_object_add (o, "Tags", tags != NULL ? tags : json_object_new_array ());
      json_object_object_add (o, "Size", copy_of (row, "size"));
      json_object_object_add (o, "Comment", json_object_new_string (comment != NULL ? comment : ""));
      json_object_array_add (out, o);
    }
  api_reply_json (reply, 200, out);
  return 0;
}

int
api_images_tag (const struct api_request *req, struct api_reply *reply, galley_error_t *err)
{
  _cleanup_store_ struct store *s = NULL;
  _cleanup_store_image_ struct store_image *img = NULL;
  _cleanup_free_ char *target = NULL, *name = NULL;
  const char *repo = api_query (req, "repo"), *tag = api_query (req, "tag");

  if (repo == NULL || *repo == '\0')
    return galley_error_kind (err, EINVAL, "repo is required");
  target = xasprintf ("%s:%s", repo, tag != NULL && *tag != '\0' ? tag : "latest");
  if (image_ref_normalize_name (target, &name, err) < 0)
    return api_error_as (err, EINVAL);
  if (find_image (req, &s, &img, err) < 0 || store_image_tag (s, img->id, name, err) < 0)
    return -1;
  reply->status = 201;
  return 0;
}
