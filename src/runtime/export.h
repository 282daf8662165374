/* galley export and galley diff: a container's filesystem as a tar, and
 * what its writable layer changed.  Both read inside the container's user
 * namespace (files of every mapped owner, ids as the container sees them);
 * export mounts the rootfs privately for the walk.  */
#ifndef GALLEY_RUNTIME_EXPORT_H
#define GALLEY_RUNTIME_EXPORT_H

#include <json-c/json.h>

#include "runtime/spec.h"
#include "state/paths.h"
#include "util/error.h"

/* The merged rootfs of spec as an uncompressed tar to out_fd.  */
int container_export (const struct run_spec *spec, int out_fd, galley_error_t *err);

/* podman's diff records, sorted by path: [{"Path": "/etc", "Kind": 0}]
 * with Kind 0 changed, 1 added, 2 deleted.  */
int container_diff (const struct run_spec *spec, json_object **out, galley_error_t *err);

#endif
