/* OCI hook entries and the per-stage sets of them (see hook_set.h).  */
#include "config.h"
#include "runtime/hook_set.h"

#include <stdlib.h>
#include <string.h>

#include "util/cleanup.h"
#include "util/json.h"
#include "util/strv.h"
#include "util/xmalloc.h"

static const char *const stage_names[HOOK_STAGE_COUNT] = {
  [HOOK_PRESTART] = "prestart",
  [HOOK_CREATE_RUNTIME] = "createRuntime",
  [HOOK_CREATE_CONTAINER] = "createContainer",
  [HOOK_START_CONTAINER] = "startContainer",
  [HOOK_POSTSTART] = "poststart",
  [HOOK_POSTSTOP] = "poststop",
};

const char *
hook_stage_name (enum hook_stage stage)
{
  return stage_names[stage];
}

int
hook_stage_from_name (const char *name)
{
  int i;

  for (i = 0; i < HOOK_STAGE_COUNT; i++)
    if (strcmp (name, stage_names[i]) == 0)
      return i;
  return -1;
}

void
oci_hook_clear (struct oci_hook *h)
{
  free (h->path);
  cleanup_strvp (&h->args);
  cleanup_strvp (&h->env);
  memset (h, 0, sizeof *h);
}

int
hook_json_strings (json_object *obj, const char *key, const char *what, char ***out, galley_error_t *err)
{
  json_object *arr;
  size_t i, n;

  *out = NULL;
  if (! json_object_object_get_ex (obj, key, &arr) || arr == NULL)
    return 0;
  if (! json_object_is_type (arr, json_type_array))
    return galley_error_make (err, 0, "%s: \"%s\" must be an array of strings", what, key);
  n = json_object_array_length (arr);
  for (i = 0; i < n; i++)
    if (! json_object_is_type (json_object_array_get_idx (arr, i), json_type_string))
      return galley_error_make (err, 0, "%s: \"%s\" must be an array of strings", what, key);
  *out = json_array_strv (arr);
  return 0;
}

int
oci_hook_parse (json_object *obj, const char *what, struct oci_hook *out, galley_error_t *err)
{
  json_object *v;
  const char *path = json_get_string (obj, "path");
  size_t i;

  memset (out, 0, sizeof *out);
  if (! json_object_is_type (obj, json_type_object))
    return galley_error_make (err, 0, "%s: a hook must be an object", what);
  if (path == NULL || path[0] != '/')
    return galley_error_make (err, 0, "%s: the hook needs an absolute \"path\"", what);
  if (hook_json_strings (obj, "args", what, &out->args, err) < 0
      || hook_json_strings (obj, "env", what, &out->env, err) < 0)
    {
      oci_hook_clear (out);
      return -1;
    }
  for (i = 0; out->env != NULL && out->env[i] != NULL; i++)
    if (strchr (out->env[i], '=') == NULL || out->env[i][0] == '=')
      {
        galley_error_make (err, 0, "%s: invalid environment variable \"%s\"", what, out->env[i]);
        oci_hook_clear (out);
        return -1;
      }
  if (json_object_object_get_ex (obj, "timeout", &v) && v != NULL)
    {
      if (! json_object_is_type (v, json_type_int) || json_object_get_int64 (v) <= 0
          || json_object_get_int64 (v) > 86400 * 365)
        {
          oci_hook_clear (out);
          return galley_error_make (err, 0, "%s: \"timeout\" must be a number of seconds above 0", what);
        }
      out->timeout = (int)json_object_get_int64 (v);
    }
  out->path = xstrdup (path);
  return 0;
}

/* A copy of v, NULL for NULL.  */
static char **
strv_copy_or_null (char *const *v)
{
  return v != NULL ? strv_copy (v) : NULL;
}

void
oci_hook_copy (const struct oci_hook *src, struct oci_hook *dst)
{
  dst->path = xstrdup (src->path);
  dst->args = strv_copy_or_null (src->args);
  dst->env = strv_copy_or_null (src->env);
  dst->timeout = src->timeout;
}

void
hook_set_add (struct hook_set *set, enum hook_stage stage, const struct oci_hook *h)
{
  set->hooks[stage] = xreallocarray (set->hooks[stage], set->n[stage] + 1, sizeof *set->hooks[stage]);
  oci_hook_copy (h, &set->hooks[stage][set->n[stage]]);
  set->n[stage]++;
}

void
hook_set_clear (struct hook_set *set)
{
  int i;
  size_t j;

  for (i = 0; i < HOOK_STAGE_COUNT; i++)
    {
      for (j = 0; j < set->n[i]; j++)
        oci_hook_clear (&set->hooks[i][j]);
      free (set->hooks[i]);
    }
  free (set->annotations);
  memset (set, 0, sizeof *set);
}
