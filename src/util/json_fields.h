/* Typed records as JSON objects, by a table: each field of a C struct is
 * named by its key, its type and its offset, and one reader and one writer
 * serve every record type (a container's configuration, a pod's), so that
 * no key is spelt outside its table.  A field at its zero value is absent
 * from the object, and an absent key reads as the zero value.  Keys the
 * table does not know, and values of a type it does not expect, are kept
 * in the record's `unknown` object and written back: a record survives a
 * rewrite by an older galley.  */
#ifndef GALLEY_UTIL_JSON_FIELDS_H
#define GALLEY_UTIL_JSON_FIELDS_H

#include <stdbool.h>
#include <stddef.h>

#include <json-c/json.h>

#include "util/error.h"

enum json_field_type
{
  JSON_FIELD_STRING,   /* char *: a JSON string */
  JSON_FIELD_BOOL,     /* bool: a JSON boolean, written when true */
  JSON_FIELD_NOT_BOOL, /* bool: the negation of a JSON boolean, written when true */
  JSON_FIELD_INT,      /* int: a JSON integer, written when not 0 */
  JSON_FIELD_STRV,     /* char **: an array of strings (util/strv.h) */
  JSON_FIELD_MAP,      /* char ** of "KEY=value": an object of strings */
  JSON_FIELD_JSON,     /* json_object *: any JSON value but null, kept as it is */
  JSON_FIELD_CUSTOM,   /* the field's own functions (struct json_field_custom) */
};

/* A field of a type of its own; each gets the whole record.  */
struct json_field_custom
{
  bool (*read) (json_object *value, void *record); /* false: not of its type (kept as unknown) */
  json_object *(*write) (const void *record);      /* NULL: at its zero value */
  void (*clear) (void *record);
};

struct json_field
{
  const char *key;
  enum json_field_type type;
  size_t offset;
  const struct json_field_custom *custom; /* JSON_FIELD_CUSTOM only */
};

/* A record type: its fields, in the order they are written, and where
 * its json_object *unknown is.  */
struct json_fields
{
  const struct json_field *fields;
  size_t n_fields;
  size_t unknown_offset;
};

/* Free every field of record and zero it (sizeof the struct: size).  */
void json_fields_clear (const struct json_fields *t, void *record, size_t size);

/* Fill record (zeroed, or cleared) from obj.  Fails only on a document
 * that is not an object (naming `what`).  */
int json_fields_read (const struct json_fields *t, json_object *obj, void *record, const char *what,
                      galley_error_t *err);

/* The object of record: the keys of the fields set, then the unknown ones
 * (a field set since the record was read wins over its unusable value).  */
int json_fields_write (const struct json_fields *t, const void *record, json_object **out,
                       galley_error_t *err);

#endif
