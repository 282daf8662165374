/* Typed records as JSON objects, by a table (see json_fields.h).  */
#include "config.h"
#include "util/json_fields.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/cleanup.h"
#include "util/json.h"
#include "util/strv.h"
#include "util/xmalloc.h"

#define AT(r, f, type) ((type *)((char *)(r) + (f)->offset))

static json_object **
unknown_of (const struct json_fields *t, const void *record)
{
  return (json_object **)((char *)record + t->unknown_offset);
}

void
json_fields_clear (const struct json_fields *t, void *record, size_t size)
{
  json_object **unknown = unknown_of (t, record);
  size_t i;

  for (i = 0; i < t->n_fields; i++)
    {
      const struct json_field *f = &t->fields[i];
      switch (f->type)
        {
        case JSON_FIELD_STRING:
          free (*AT (record, f, char *));
          break;
        case JSON_FIELD_STRV:
        case JSON_FIELD_MAP:
          cleanup_strvp (AT (record, f, char **));
          break;
        case JSON_FIELD_JSON:
          if (*AT (record, f, json_object *) != NULL)
            json_object_put (*AT (record, f, json_object *));
          break;
        case JSON_FIELD_CUSTOM:
          f->custom->clear (record);
          break;
        case JSON_FIELD_BOOL:
        case JSON_FIELD_NOT_BOOL:
        case JSON_FIELD_INT:
          break;
        }
    }
  if (*unknown != NULL)
    json_object_put (*unknown);
  memset (record, 0, size);
}

static const struct json_field *
field_by_key (const struct json_fields *t, const char *key)
{
  size_t i;

  for (i = 0; i < t->n_fields; i++)
    if (strcmp (t->fields[i].key, key) == 0)
      return &t->fields[i];
  return NULL;
}

/* An array whose elements are all strings, as a vector; false for any
 * other value.  */
static bool
read_strv (json_object *v, char ***out)
{
  return json_is_strings (v) && (*out = json_array_strv (v)) != NULL;
}

/* An object whose members are all strings, as "KEY=value" pairs.  */
static bool
read_map (json_object *v, char ***out)
{
  _cleanup_strv_ char **map = NULL;

  if (! json_object_is_type (v, json_type_object))
    return false;
  json_object_object_foreach (v, key, value)
  {
    if (! json_object_is_type (value, json_type_string))
      return false;
    if (strv_kv_set (&map, key, json_object_get_string (value)) < 0)
      return false;
  }
  *out = steal_pointer (&map);
  if (*out == NULL)
    *out = xcalloc (1, sizeof (char *));
  return true;
}

/* The value of field f into record; false when it is not of the field's
 * type (the value is then kept as unknown).  */
static bool
read_field (const struct json_field *f, json_object *v, void *record)
{
  switch (f->type)
    {
    case JSON_FIELD_STRING:
      if (! json_object_is_type (v, json_type_string))
        return false;
      free (*AT (record, f, char *));
      *AT (record, f, char *) = xstrdup (json_object_get_string (v));
      return true;
    case JSON_FIELD_BOOL:
    case JSON_FIELD_NOT_BOOL:
      if (! json_object_is_type (v, json_type_boolean))
        return false;
      *AT (record, f, bool) = json_object_get_boolean (v) == (f->type == JSON_FIELD_BOOL);
      return true;
    case JSON_FIELD_INT:
      if (! json_object_is_type (v, json_type_int))
        return false;
      *AT (record, f, int) = json_object_get_int (v);
      return true;
    case JSON_FIELD_STRV:
      cleanup_strvp (AT (record, f, char **));
      return read_strv (v, AT (record, f, char **));
    case JSON_FIELD_MAP:
      cleanup_strvp (AT (record, f, char **));
      return read_map (v, AT (record, f, char **));
    case JSON_FIELD_JSON:
      if (v == NULL) /* null: kept as unknown */
        return false;
      if (*AT (record, f, json_object *) != NULL)
        json_object_put (*AT (record, f, json_object *));
      *AT (record, f, json_object *) = json_object_get (v);
      return true;
    case JSON_FIELD_CUSTOM:
      f->custom->clear (record);
      return f->custom->read (v, record);
    }
  return false;
}

int
json_fields_read (const struct json_fields *t, json_object *obj, void *record, const char *what,
                  galley_error_t *err)
{
  json_object **unknown = unknown_of (t, record);

  if (! json_object_is_type (obj, json_type_object))
    return galley_error_make (err, EINVAL, "%s: not a JSON object", what);
  json_object_object_foreach (obj, key, value)
  {
    const struct json_field *f = field_by_key (t, key);
    if (f != NULL && read_field (f, value, record))
      continue;
    if (*unknown == NULL)
      *unknown = xalloc_check (json_object_new_object ());
    json_object_object_add (*unknown, key, json_object_get (value));
  }
  return 0;
}

/* The JSON value of field f of record, NULL when the field is at its zero
 * value (and so absent from the object).  */
static json_object *
write_field (const struct json_field *f, const void *record)
{
  switch (f->type)
    {
    case JSON_FIELD_STRING:
      return *AT (record, f, char *const) ? json_object_new_string (*AT (record, f, char *const)) : NULL;
    case JSON_FIELD_BOOL:
      return *AT (record, f, const bool) ? json_object_new_boolean (true) : NULL;
    case JSON_FIELD_NOT_BOOL:
      return *AT (record, f, const bool) ? json_object_new_boolean (false) : NULL;
    case JSON_FIELD_INT:
      return *AT (record, f, const int) ? json_object_new_int (*AT (record, f, const int)) : NULL;
    case JSON_FIELD_STRV:
      return *AT (record, f, char **const) ? json_strings_array (*AT (record, f, char **const),
                                                                 strv_len (*AT (record, f, char **const)))
                                           : NULL;
    case JSON_FIELD_MAP:
      return *AT (record, f, char **const) ? json_kv_object (*AT (record, f, char **const)) : NULL;
    case JSON_FIELD_JSON:
      return json_object_get (*AT (record, f, json_object *const));
    case JSON_FIELD_CUSTOM:
      return f->custom->write (record);
    }
  return NULL;
}

int
json_fields_write (const struct json_fields *t, const void *record, json_object **out, galley_error_t *err)
{
  _cleanup_json_ json_object *o = xalloc_check (json_object_new_object ());
  json_object *unknown = *unknown_of (t, record);
  size_t i;

  for (i = 0; i < t->n_fields; i++)
    {
      json_object *v = write_field (&t->fields[i], record);
      if (v != NULL)
        json_object_object_add (o, t->fields[i].key, v);
    }
  if (unknown != NULL)
    {
      json_object_object_foreach (unknown, key, value)
      {
        if (! json_object_object_get_ex (o, key, NULL))
          json_object_object_add (o, key, json_object_get (value));
      }
    }
  *out = steal_pointer (&o);
  return 0;
}
