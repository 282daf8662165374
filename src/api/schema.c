/* Request bodies against the API's schema (schema.h).  */
#include "config.h"
#include "api/schema.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* Nested objects deeper than this are refused (a body is 1 MiB at most;
 * the schema itself is four levels deep).  */
#define MAX_DEPTH 8

static int check_object (json_object *o, const struct api_member *members, const char *path, int depth,
                         galley_error_t *err);

static bool
is_zero (json_object *v)
{
  switch (json_object_get_type (v))
    {
    case json_type_null:
      return true;
    case json_type_boolean:
      return ! json_object_get_boolean (v);
    case json_type_int:
      return json_object_get_int64 (v) == 0;
    case json_type_double:
      return json_object_get_double (v) == 0;
    case json_type_string:
      return json_object_get_string_len (v) == 0;
    case json_type_array:
      return json_object_array_length (v) == 0;
    case json_type_object:
      {
        json_object_object_foreach (v, key, member)
        {
          (void)key;
          if (! is_zero (member))
            return false;
        }
        return true;
      }
    }
  return false;
}

static const char *
type_name (enum api_type t)
{
  switch (t)
    {
    case API_T_STRING:
      return "a string";
    case API_T_BOOL:
      return "a boolean";
    case API_T_INT:
      return "an integer";
    case API_T_STRINGS:
      return "a list of strings";
    case API_T_STRSLICE:
      return "a string or a list of strings";
    case API_T_STRING_MAP:
      return "an object of strings";
    case API_T_SET:
      return "an object of empty objects";
    case API_T_OBJECT:
      return "an object";
    case API_T_OBJECTS:
      return "a list of objects";
    case API_T_OBJECT_MAP:
      return "an object of objects";
    case API_T_OBJECTS_MAP:
      return "an object of lists of objects";
    case API_T_ANY:
      break;
    }
  return "a JSON value";
}

static bool
all_of_type (json_object *o, json_type t)
{
  if (json_object_is_type (o, json_type_array))
    {
      size_t i, n = json_object_array_length (o);
      for (i = 0; i < n; i++)
        if (! json_object_is_type (json_object_array_get_idx (o, i), t))
          return false;
      return true;
    }
  {
    json_object_object_foreach (o, key, v)
    {
      (void)key;
      if (! json_object_is_type (v, t))
        return false;
    }
  }
  return true;
}

static int
check_value (json_object *v, const struct api_member *m, const char *path, int depth, galley_error_t *err)
{
  bool ok = false;

  if (v == NULL || json_object_is_type (v, json_type_null))
    return 0;
  switch (m->type)
    {
    case API_T_STRING:
      ok = json_object_is_type (v, json_type_string);
      break;
    case API_T_BOOL:
      ok = json_object_is_type (v, json_type_boolean);
      break;
    case API_T_INT:
      ok = json_object_is_type (v, json_type_int);
      break;
    case API_T_STRINGS:
      ok = json_object_is_type (v, json_type_array) && all_of_type (v, json_type_string);
      break;
    case API_T_STRSLICE:
      ok = json_object_is_type (v, json_type_string)
           || (json_object_is_type (v, json_type_array) && all_of_type (v, json_type_string));
      break;
    case API_T_STRING_MAP:
      ok = json_object_is_type (v, json_type_object) && all_of_type (v, json_type_string);
      break;
    case API_T_SET:
      ok = json_object_is_type (v, json_type_object) && all_of_type (v, json_type_object);
      if (ok)
        {
          json_object_object_foreach (v, key, inner)
          {
            (void)key;
            ok = ok && json_object_object_length (inner) == 0;
          }
        }
      break;
    case API_T_OBJECT:
      if (! json_object_is_type (v, json_type_object))
        break;
      return check_object (v, m->members, path, depth + 1, err);
    case API_T_OBJECTS:
    case API_T_OBJECT_MAP:
      if (m->type == API_T_OBJECTS ? ! json_object_is_type (v, json_type_array)
                                   : ! json_object_is_type (v, json_type_object))
        break;
      if (! all_of_type (v, json_type_object))
        break;
      if (m->type == API_T_OBJECTS)
        {
          size_t i, n = json_object_array_length (v);
          for (i = 0; i < n; i++)
            if (check_object (json_object_array_get_idx (v, i), m->members, path, depth + 1, err) < 0)
              return -1;
        }
      else
        {
          json_object_object_foreach (v, key, inner)
          {
            (void)key;
            if (check_object (inner, m->members, path, depth + 1, err) < 0)
              return -1;
          }
        }
      return 0;
    case API_T_OBJECTS_MAP:
      if (! json_object_is_type (v, json_type_object))
        break;
      {
        struct api_member list = { m->name, API_T_OBJECTS, m->members, false };
        json_object_object_foreach (v, key, inner)
        {
          (void)key;
          if (check_value (inner, &list, path, depth + 1, err) < 0)
            return -1;
        }
      }
      return 0;
    case API_T_ANY:
      ok = true;
      break;
    }
  if (! ok)
    return galley_error_kind (err, EINVAL, "%s: must be %s", path, type_name (m->type));
  return 0;
}

static int
check_object (json_object *o, const struct api_member *members, const char *path, int depth,
              galley_error_t *err)
{
  if (depth > MAX_DEPTH)
    return galley_error_kind (err, EINVAL, "%s: nested too deeply", path);
  if (members == NULL)
    return 0; /* a member whose inside is not described */
  json_object_object_foreach (o, key, v)
  {
    const struct api_member *m;
    char sub[256];

    for (m = members; m->name != NULL && strcmp (m->name, key) != 0; m++)
      ;
    snprintf (sub, sizeof sub, "%s%s%.64s", path != NULL ? path : "", path != NULL ? "." : "", key);
    if (m->name == NULL)
      return galley_error_kind (err, EINVAL, "%s: unknown field", sub);
    if (check_value (v, m, sub, depth, err) < 0)
      return -1;
    if (m->unsupported && ! is_zero (v))
      return galley_error_kind (err, EINVAL, "%s: galley does not support it (leave it empty)", sub);
  }
  return 0;
}

int
api_schema_check (json_object *doc, const struct api_member *members, const char *what, galley_error_t *err)
{
  if (! json_object_is_type (doc, json_type_object))
    return galley_error_kind (err, EINVAL, "%s: must be a JSON object", what);
  return check_object (doc, members, NULL, 0, err);
}
