/* The body of POST /containers/create: Docker's container configuration,
 * its HostConfig and NetworkingConfig, parsed and checked against Docker's
 * schema (schema.h) before it is mapped onto a container.  */
#ifndef GALLEY_API_CREATE_BODY_H
#define GALLEY_API_CREATE_BODY_H

#include <json-c/json.h>
#include <stddef.h>

#include "state/container_config.h"
#include "util/error.h"

/* Parse body[0..len) as one JSON object and check every member: malformed
 * JSON, an unknown member, a member of the wrong type, a feature galley
 * lacks asked for: an EINVAL error naming it, and *out untouched.  */
int api_create_body_parse (const char *body, size_t len, json_object **out, galley_error_t *err);

/* Map a checked body (api_create_body_parse) and the container's name
 * (the query's name=, NULL: one is generated) onto *out (zeroed): each
 * member to the field of the `galley create` option that means the same,
 * in its syntax.  A member galley has no field for, set to anything but
 * its zero value, is an EINVAL error naming it.  */
int api_create_body_config (json_object *doc, const char *name, struct container_config *out,
                            galley_error_t *err);

#endif
