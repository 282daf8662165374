/* The runtime's part of `galley info`: security defaults, cgroups and
 * resource limits, the rootfs method, each with the reason for the choice.  */
#ifndef GALLEY_RUNTIME_INFO_H
#define GALLEY_RUNTIME_INFO_H

#include <json-c/json.h>

#include "state/paths.h"
#include "util/error.h"

/* Add the runtime's fields to the `host` record of info.  */
int runtime_info_add (json_object *host, const struct galley_paths *paths, galley_error_t *err);

/* The whole record `galley info` prints and the API's /info reads:
 * {host, store, version}; NULL with err set on failure.  */
json_object *runtime_info_record (const struct galley_paths *paths, galley_error_t *err);

#endif
