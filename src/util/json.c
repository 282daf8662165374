/* json-c wrapped once: strict parsing with galley errors, atomic writes.  */
#include "config.h"
#include "util/json.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/cleanup.h"
#include "util/fs.h"
#include "util/xmalloc.h"

int
json_parse_strict (const char *data, size_t len, const char *what, json_object **out, galley_error_t *err)
{
  json_tokener *tok;
  json_object *obj;
  enum json_tokener_error jerr;
  size_t used;

  if (len > (size_t)0x7fffffff)
    return galley_error_make (err, EFBIG, "%s: document too large", what);
  tok = xalloc_check (json_tokener_new ());
  json_tokener_set_flags (tok, JSON_TOKENER_STRICT);
  obj = json_tokener_parse_ex (tok, data, (int)len);
  jerr = json_tokener_get_error (tok);
  used = json_tokener_get_parse_end (tok);
  json_tokener_free (tok);
  if (obj == NULL || jerr != json_tokener_success)
    {
      if (obj)
        json_object_put (obj);
      return galley_error_make (err, 0, "%s: invalid JSON: %s", what,
                                jerr == json_tokener_continue ? "unexpected end of input"
                                                              : json_tokener_error_desc (jerr));
    }
  /* Only white space may follow the document.  */
  for (; used < len; used++)
    if (strchr (" \t\r\n", data[used]) == NULL)
      {
        json_object_put (obj);
        return galley_error_make (err, 0, "%s: invalid JSON: trailing data", what);
      }
  *out = obj;
  return 0;
}

const char *
json_get_string (json_object *obj, const char *key)
{
  json_object *v;

  if (obj == NULL || ! json_object_object_get_ex (obj, key, &v)
      || ! json_object_is_type (v, json_type_string))
    return NULL;
  return json_object_get_string (v);
}

size_t
json_get_array_len (json_object *obj, const char *key)
{
  json_object *v;

  if (obj == NULL || ! json_object_object_get_ex (obj, key, &v) || ! json_object_is_type (v, json_type_array))
    return 0;
  return json_object_array_length (v);
}

const char *
json_get_array_string (json_object *obj, const char *key, size_t i)
{
  json_object *v, *e;

  if (i >= json_get_array_len (obj, key))
    return NULL;
  json_object_object_get_ex (obj, key, &v);
  e = json_object_array_get_idx (v, i);
  return json_object_is_type (e, json_type_string) ? json_object_get_string (e) : NULL;
}

char **
json_array_strv (json_object *arr)
{
  size_t n = json_object_is_type (arr, json_type_array) ? json_object_array_length (arr) : 0, i, k = 0;
  char **v = xcalloc (n + 1, sizeof *v);

  for (i = 0; i < n; i++)
    {
      json_object *e = json_object_array_get_idx (arr, i);
      if (json_object_is_type (e, json_type_string))
        v[k++] = xstrdup (json_object_get_string (e));
    }
  return v;
}

json_object *
json_strings_array (char *const *v, size_t n)
{
  json_object *arr = xalloc_check (json_object_new_array ());
  size_t i;

  for (i = 0; i < n; i++)
    json_object_array_add (arr, json_object_new_string (v[i]));
  return arr;
}

json_object *
json_kv_object (char *const *v)
{
  json_object *o = json_object_new_object ();
  size_t i;

  for (i = 0; o != NULL && v != NULL && v[i] != NULL; i++)
    {
      const char *eq = strchr (v[i], '=');
      _cleanup_free_ char *key = eq ? strndup (v[i], (size_t)(eq - v[i])) : strdup (v[i]);
      if (key != NULL)
        json_object_object_add (o, key, json_object_new_string (eq ? eq + 1 : ""));
    }
  return o;
}

char **
json_get_strv (json_object *obj, const char *key)
{
  json_object *arr = NULL;

  if (obj != NULL)
    json_object_object_get_ex (obj, key, &arr);
  return json_array_strv (arr);
}

json_object *
json_get_or_add (json_object *obj, const char *key, json_type type)
{
  json_object *v;

  if (json_object_object_get_ex (obj, key, &v) && json_object_is_type (v, type))
    return v;
  v = xalloc_check (type == json_type_array ? json_object_new_array () : json_object_new_object ());
  json_object_object_add (obj, key, v);
  return v;
}

int
json_write_atomic (int dirfd, const char *name, json_object *obj, galley_error_t *err)
{
  size_t len;
  const char *s =
      xalloc_check ((void *)json_object_to_json_string_length (obj, JSON_C_TO_STRING_PLAIN, &len));

  return fs_write_atomic (dirfd, name, s, len, 0600, err);
}

bool
json_is_strings (json_object *v)
{
  size_t i, n;

  if (! json_object_is_type (v, json_type_array))
    return false;
  n = json_object_array_length (v);
  for (i = 0; i < n; i++)
    if (! json_object_is_type (json_object_array_get_idx (v, i), json_type_string))
      return false;
  return true;
}
