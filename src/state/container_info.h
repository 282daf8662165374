/* podman's `container inspect` object of a container, from its record and
 * its reconciled state.  Used by `container inspect` and `inspect`.  */
#ifndef GALLEY_STATE_CONTAINER_INFO_H
#define GALLEY_STATE_CONTAINER_INFO_H

#include <json-c/json.h>

#include "state/container_list.h"
#include "state/paths.h"

json_object *container_inspect_record (const struct galley_paths *p, const struct container_entry *e);

#endif
