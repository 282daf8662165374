/* Running the OCI hooks of one container (runtime/hooks.h says where
 * each stage runs) with its state at each stage.  */
#ifndef GALLEY_RUNTIME_HOOKS_SPEC_H
#define GALLEY_RUNTIME_HOOKS_SPEC_H

#include <json-c/json.h>
#include <sys/types.h>

#include "runtime/hook_set.h"
#include "runtime/spec.h"
#include "util/error.h"

/* Run the hooks of one stage in order, each with the state on stdin (pid
 * is the container's, as the hook sees it: the host's for the stages the
 * monitor runs, the container's own for createContainer and
 * startContainer); the first failure stops them.  Callers on the way of
 * every container check spec->hooks.n[stage] first, which keeps the
 * common case (no hooks) off this code's pages.  */
int hooks_run (const struct run_spec *spec, enum hook_stage stage, pid_t pid, galley_error_t *err);

/* hooks_run for the stages whose failure is only a warning (poststart,
 * poststop): every hook runs, failures are logged.  */
void hooks_run_warn (const struct run_spec *spec, enum hook_stage stage, pid_t pid);

/* The bundle's config.json (state_dir): what hooks that read the runtime
 * configuration look for, the rootfs path above all (root.path is the
 * mount point, under /proc/PID/root for a hook outside the container's
 * mount namespace).  For containers that have hooks.  */
int hooks_write_bundle_config (const struct run_spec *spec, galley_error_t *err);

#endif
