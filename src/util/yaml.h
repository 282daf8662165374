/* The libyaml boundary: a YAML document read into the json-c tree that
 * JSON documents give, so that one reader serves files written in either
 * (CDI specs).  libyaml is loaded on first use (util/yaml_lazy.c).  */
#ifndef GALLEY_UTIL_YAML_H
#define GALLEY_UTIL_YAML_H

#include <stddef.h>

#include <json-c/json.h>

#include "util/error.h"

/* Parse exactly one YAML document of len bytes (a stream of one document;
 * a second one is an error).  Plain scalars take the types of YAML 1.2's
 * core schema (null, true/false, integers, floats), quoted ones are
 * strings; mapping keys must be scalars and unique; aliases are followed,
 * within limits of depth and size.  An empty document is JSON null.
 * `what` names the document in the error.  */
int yaml_parse_json (const char *data, size_t len, const char *what, json_object **out, galley_error_t *err);

#endif
