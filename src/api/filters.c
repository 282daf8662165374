/* Docker's filters argument (filters.h).  */
#include "config.h"
#include "api/filters.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "util/cleanup.h"
#include "util/json.h"
#include "util/strv.h"
#include "util/xmalloc.h"

static int
add (char ***v, const char *key, const char *value, galley_error_t *err)
{
  _cleanup_free_ char *kv = xasprintf ("%s=%s", key, value);

  strv_append (v, kv);
  return 0;
}

int
api_filters_parse (const char *text, char ***out, galley_error_t *err)
{
  _cleanup_json_ json_object *o = NULL;
  _cleanup_strv_ char **v = xcalloc (1, sizeof *v);

  if (text != NULL && *text != '\0')
    {
      if (json_parse_strict (text, strlen (text), "filters", &o, err) < 0)
        {
          api_error_as (err, EINVAL);
          return galley_error_wrap (err, "failed to decode filter parameters");
        }
      if (! json_object_is_type (o, json_type_object))
        return galley_error_kind (err, EINVAL, "failed to decode filter parameters: not a JSON object");
      json_object_object_foreach (o, key, values)
      {
        if (json_object_is_type (values, json_type_array))
          {
            size_t i, n = json_object_array_length (values);
            for (i = 0; i < n; i++)
              {
                json_object *e = json_object_array_get_idx (values, i);
                if (! json_object_is_type (e, json_type_string))
                  return galley_error_kind (err, EINVAL, "filter %s: the values must be strings", key);
                if (add (&v, key, json_object_get_string (e), err) < 0)
                  return -1;
              }
          }
        else if (json_object_is_type (values, json_type_object))
          {
            json_object_object_foreach (values, value, on)
            {
              if (! json_object_is_type (on, json_type_boolean))
                return galley_error_kind (err, EINVAL, "filter %s: the values must map to booleans", key);
              if (json_object_get_boolean (on) && add (&v, key, value, err) < 0)
                return -1;
            }
          }
        else
          return galley_error_kind (err, EINVAL, "filter %s: the values must be a list of strings", key);
      }
    }
  *out = steal_pointer (&v);
  return 0;
}
