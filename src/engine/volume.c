/* Named volumes (see volume.h): their selection by podman's filters and
 * the removal of what uses them.  */
#include "config.h"
#include "engine/volume.h"

#include <errno.h>
#include <string.h>

#include "runtime/lifecycle.h"
#include "state/container_list.h"
#include "state/volume.h"
#include "util/cleanup.h"
#include "util/filter.h"
#include "util/json.h"
#include "util/strv.h"
#include "util/xmalloc.h"

int
engine_volume_create (const struct engine *e, const struct engine_volume_create_options *o, char **name,
                      galley_error_t *err)
{
  _cleanup_json_ json_object *labels = xalloc_check (json_kv_object (o->labels));
  _cleanup_json_ json_object *options = xalloc_check (json_kv_object (o->options));
  struct volume_create_options vo = {
    .name = o->name, .labels = labels, .options = options, .ignore_existing = o->ignore_existing
  };

  if (o->driver != NULL && strcmp (o->driver, "local") != 0)
    return galley_error_make (err, 0, "volume driver %s is not supported (only \"local\")", o->driver);
  return volume_create (e->paths, &vo, name, err);
}

static int
check_dangling (const char *value, galley_error_t *err)
{
  bool b;

  if (! filter_parse_bool (value, &b))
    return galley_error_kind (
        err, EINVAL, "\"%s\" is not a valid value for the \"dangling\" filter - must be true or false",
        value);
  return 0;
}

static const struct filter_key volume_filter_keys[] = {
  { "name", FILTER_REGEX, NULL },
  { "label", FILTER_TEXT, NULL },
  { "dangling", FILTER_TEXT, check_dangling },
  { "driver", FILTER_TEXT, NULL },
  { "scope", FILTER_TEXT, NULL },
  { NULL, 0, NULL },
};

/* podman's volume filters: a name that is not a regular expression is an
 * error.  */
static const struct filter_syntax volume_filter_syntax = {
  .keys = volume_filter_keys,
  .malformed = "filter input must be in the form of filter=value: %s is invalid",
  .unknown = "\"%s\" is an invalid volume filter",
  .strict_regex = true,
};

/* Does one value of g match the volume?  */
static int
value_matches (const struct engine *e, json_object *record, const struct filter_group *g,
               const struct filter_value *v, bool *hit, galley_error_t *err)
{
  const char *key = g->key->name, *name = json_get_string (record, "Name");
  json_object *labels = NULL;

  if (strcmp (key, "name") == 0)
    *hit = filter_value_matches (g, v, name);
  else if (strcmp (key, "label") == 0)
    *hit =
        json_object_object_get_ex (record, "Labels", &labels) && filter_label_matches_json (labels, v->text);
  else if (strcmp (key, "dangling") == 0)
    {
      _cleanup_strv_ char **users = NULL;
      bool want = false;

      filter_parse_bool (v->text, &want);
      if (volume_users (e->paths, name, &users, err) < 0)
        return -1;
      *hit = want == (users[0] == NULL);
    }
  else
    *hit = strcmp (v->text, "local") == 0;
  return 0;
}

/* Does the volume pass every filter?  Filters of one key are OR-ed, keys
 * AND-ed, as podman's.  */
static int
volume_selected (const struct engine *e, json_object *record, const struct filter_set *f, bool *selected,
                 galley_error_t *err)
{
  size_t k, i;

  *selected = true;
  for (k = 0; f != NULL && k < f->n; k++)
    {
      bool hit = false;

      for (i = 0; i < f->groups[k].n && ! hit; i++)
        if (value_matches (e, record, &f->groups[k], &f->groups[k].values[i], &hit, err) < 0)
          return -1;
      if (! hit)
        {
          *selected = false;
          return 0;
        }
    }
  return 0;
}

/* The inspect records of the volumes that pass the filters (f NULL: all),
 * only those no container uses when unused_only.  */
static int
collect_volumes (const struct engine *e, const struct filter_set *f, bool unused_only, json_object **out,
                 galley_error_t *err)
{
  _cleanup_json_ json_object *records = json_object_new_array ();
  _cleanup_strv_ char **names = NULL;
  size_t i;

  if (volume_list (e->paths, &names, err) < 0)
    return -1;
  for (i = 0; names[i]; i++)
    {
      _cleanup_json_ json_object *record = NULL;
      _cleanup_error_ galley_error_t gone = NULL;
      bool selected;

      if (volume_load (e->paths, names[i], &record, &gone) < 0)
        continue; /* removed meanwhile */
      if (volume_selected (e, record, f, &selected, err) < 0)
        return -1;
      if (selected && unused_only)
        {
          _cleanup_strv_ char **users = NULL;
          if (volume_users (e->paths, names[i], &users, err) < 0)
            return -1;
          selected = users[0] == NULL;
        }
      if (selected)
        json_object_array_add (records, volume_inspect_record (record));
    }
  *out = steal_pointer (&records);
  return 0;
}

int
engine_volume_list (const struct engine *e, char *const *filters, json_object **out, galley_error_t *err)
{
  _cleanup_filter_set_ struct filter_set *f = NULL;

  if (filter_set_parse (&volume_filter_syntax, filters, &f, err) < 0)
    return -1;
  return collect_volumes (e, f, false, out, err);
}

int
engine_volume_inspect (const struct engine *e, const char *name, json_object **out, galley_error_t *err)
{
  _cleanup_json_ json_object *record = NULL;

  if (volume_load (e->paths, name, &record, err) < 0)
    return -1;
  *out = xalloc_check (volume_inspect_record (record));
  return 0;
}

bool
engine_volume_exists (const struct engine *e, const char *name)
{
  return volume_exists (e->paths, name);
}

/* rm -f: the containers that use the volume go first (running ones are
 * stopped), as with podman.  */
static int
remove_users (const struct engine *e, const char *name, galley_error_t *err)
{
  _cleanup_strv_ char **users = NULL;
  size_t i;

  if (volume_users (e->paths, name, &users, err) < 0)
    return -1;
  for (i = 0; users[i] != NULL; i++)
    {
      _cleanup_container_entry_ struct container_entry c = { 0 };
      int r = container_find (e->paths, users[i], &c, err);

      if (r == 0)
        r = container_rm (e->paths, &c, true, err);
      if (r < 0 && galley_error_errno (err) != ENOENT)
        return galley_error_wrap (err, "removing container %s of volume %s", users[i], name);
      galley_error_release (err);
    }
  return 0;
}

int
engine_volume_rm (const struct engine *e, const char *name, bool force, galley_error_t *err)
{
  if (force && remove_users (e, name, err) < 0)
    return -1;
  return volume_remove (e->paths, name, false, err);
}

int
engine_volume_prune (const struct engine *e, char *const *filters, bool dry_run, char ***names,
                     galley_error_t *err)
{
  _cleanup_filter_set_ struct filter_set *f = NULL;
  _cleanup_json_ json_object *records = NULL;
  size_t i;

  *names = strv_copy (NULL);
  /* only the volumes no container uses */
  if (filter_set_parse (&volume_filter_syntax, filters, &f, err) < 0
      || collect_volumes (e, f, true, &records, err) < 0)
    return -1;
  for (i = 0; i < json_object_array_length (records); i++)
    {
      const char *name = json_get_string (json_object_array_get_idx (records, i), "Name");
      _cleanup_error_ galley_error_t failed = NULL;

      if (! dry_run && volume_remove (e->paths, name, false, &failed) < 0)
        {
          /* one used or removed meanwhile stays out of it */
          if (galley_error_errno (&failed) != EBUSY && galley_error_errno (&failed) != ENOENT)
            {
              *err = steal_pointer (&failed);
              return -1;
            }
          continue;
        }
      strv_append (names, name);
    }
  return 0;
}
