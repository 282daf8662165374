/* CDI devices: `--device vendor.com/class=name` (and --gpus, which names
 * nvidia.com/gpu devices) resolved from the CDI specs of the spec
 * directories (galley.conf's cdi_spec_dirs: /etc/cdi, then /var/run/cdi,
 * a later directory taking precedence), and their container edits made to
 * a container's spec.  Rootless, a device node is the host's node bound
 * into the container, as --device does.
 *
 * A spec file that cannot be read or is invalid, or that another user
 * could change (fs_path_trusted, util/fs_trust.h), is left out; when a
 * device is then not found, the error says why each was.  Two specs of
 * one directory defining the same device make it ambiguous: an error.  */
#ifndef GALLEY_RUNTIME_CDI_H
#define GALLEY_RUNTIME_CDI_H

#include <stdbool.h>

#include <json-c/json.h>

#include "runtime/cdi_spec.h"
#include "runtime/spec.h"
#include "state/container_config.h"
#include "util/error.h"

/* Whether a --device argument names a CDI device rather than a host path.  */
bool cdi_is_device_name (const char *arg);

/* The edits of the CDI devices among config's devices: those of each
 * device's spec (once per spec), then the device's own, in the order the
 * devices were given.  Reads nothing when no device is a CDI one.  */
int cdi_resolve (const struct container_config *config, struct cdi_edits *edits, galley_error_t *err);

/* Make the edits to spec: device nodes (over a --device of the same
 * container path), mounts (after the user's, over one of the same
 * destination), environment (over -e), hooks, supplementary groups.
 * The host's device nodes and mount sources must exist, and hooks that
 * run on the host must be trusted.  */
int cdi_apply (const struct cdi_edits *edits, struct run_spec *spec, galley_error_t *err);

#endif
