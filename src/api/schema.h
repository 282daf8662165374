/* Checking a request body against the Docker Engine API's schema before
 * anything reads it: every member known, of the type Docker gives it, so
 * that a typo or a wrong type is a 400 naming the member rather than a
 * setting silently dropped.  Docker's clients send many members at their
 * zero value; those the service does not implement are accepted only at
 * that value.  */
#ifndef GALLEY_API_SCHEMA_H
#define GALLEY_API_SCHEMA_H

#include <json-c/json.h>
#include <stdbool.h>

#include "util/error.h"

enum api_type
{
  API_T_STRING,
  API_T_BOOL,
  API_T_INT,
  API_T_STRINGS,     /* [string] */
  API_T_STRSLICE,    /* string or [string] (Cmd, Entrypoint) */
  API_T_STRING_MAP,  /* {string: string} */
  API_T_SET,         /* {string: {}} (ExposedPorts, Volumes) */
  API_T_OBJECT,      /* members per .members */
  API_T_OBJECTS,     /* [object], members per .members */
  API_T_OBJECT_MAP,  /* {string: object}, members per .members */
  API_T_OBJECTS_MAP, /* {string: [object] or null} (PortBindings) */
  API_T_ANY,         /* any JSON value (checked by whoever reads it) */
};

struct api_member
{
  const char *name;
  enum api_type type;
  const struct api_member *members; /* OBJECT, OBJECTS, OBJECT_MAP; NULL-name terminated */
  bool unsupported;                 /* accepted only null or at its zero value */
};

/* Check doc (an object) against members; what is the document's name in
 * errors ("body").  EINVAL errors name the member's path:
 * 'HostConfig.Memory: galley does not support it (only 0)'.  */
int api_schema_check (json_object *doc, const struct api_member *members, const char *what,
                      galley_error_t *err);

#endif
