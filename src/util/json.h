/* The json-c boundary: cleanup type and the few helpers every module wants.  */
#ifndef GALLEY_JSON_H
#define GALLEY_JSON_H

#include <stdbool.h>

#include <json-c/json.h>

#include "util/error.h"

static inline void
cleanup_jsonp (json_object **o)
{
  if (*o != NULL)
    json_object_put (*o);
}
#define _cleanup_json_ __attribute__ ((cleanup (cleanup_jsonp)))

/* Parse exactly len bytes as one JSON document (no trailing garbage).
 * `what` names the document in the error.  */
int json_parse_strict (const char *data, size_t len, const char *what, json_object **out,
                       galley_error_t *err);

/* The string member `key` of obj, or NULL if absent or not a string.  */
const char *json_get_string (json_object *obj, const char *key);

/* The length of the array member `key` of obj (0 if absent or not an
 * array), and the string at index i of it (NULL if none there).  */
size_t json_get_array_len (json_object *obj, const char *key);
const char *json_get_array_string (json_object *obj, const char *key, size_t i);

/* The strings of the array arr (other elements skipped) as a
 * NULL-terminated vector of copies, empty when arr is not an array.
 * json_get_strv: of obj's member `key`.  */
char **json_array_strv (json_object *arr);

/* Whether v is an array whose elements are all strings.  */
bool json_is_strings (json_object *v);
char **json_get_strv (json_object *obj, const char *key);

/* A new JSON array of the first n strings of v (json_array_strv's
 * inverse: pass strv_len (v) for all of a NULL-terminated vector).  */
json_object *json_strings_array (char *const *v, size_t n);

/* A new JSON object of a vector of "KEY=value" (util/strv.h's maps).  */
json_object *json_kv_object (char *const *v);

/* obj[key] when it has the type json_type_object or json_type_array;
 * otherwise a new empty one of that type, stored there.  */
json_object *json_get_or_add (json_object *obj, const char *key, json_type type);

/* Serialize and write atomically (see fs_write_atomic).  */
int json_write_atomic (int dirfd, const char *name, json_object *obj, galley_error_t *err);

#endif
