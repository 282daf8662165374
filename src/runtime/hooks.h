/* OCI hooks: the programs a container's lifecycle runs at its stages, from
 * the hooks.d directories (oci-hooks(5): JSON files of version 1.0.0, or
 * the older 0.1.0, each with `when` conditions) and from CDI devices
 * (runtime/cdi.h).  Where each stage runs, rootless:
 *
 *   prestart, createRuntime  the monitor, on the host, as the user, once the
 *                            container's mounts are made and before it
 *                            pivots into its root (the init waits)
 *   createContainer          the init, in the container's namespaces, before
 *                            it pivots: the path is the host's
 *   startContainer           the init, in the container as its user, just
 *                            before the command; the path is the container's
 *   poststart                the monitor, once the command runs
 *   poststop                 the monitor, once the container has exited
 *
 * A hook gets the container's state (the OCI runtime state JSON) on stdin,
 * only its own `env` and `args`, stdout and stderr to a pipe whose end is
 * quoted when it fails, and no other fd (runtime/hooks_exec.h).  A failure
 * before the command runs fails the start; poststart and poststop failures
 * are warnings (runtime/hooks_spec.h runs a container's).  A hook's program
 * on the host, and the hooks.d directories and files, must be out of reach
 * of other users (fs_path_trusted, util/fs_trust.h).  */
#ifndef GALLEY_RUNTIME_HOOKS_H
#define GALLEY_RUNTIME_HOOKS_H

#include <stdbool.h>

#include <json-c/json.h>

#include "runtime/hook_set.h"
#include "runtime/spec.h"
#include "state/container_config.h"
#include "util/error.h"

/* What the hooks.d files are matched against.  */
struct hook_match
{
  const char *command;      /* process.args[0] */
  json_object *annotations; /* object of strings, may be NULL */
  bool has_bind_mounts;     /* bind mounts or volumes of the user's */
};

/* Add to set, stage by stage, the hooks of the directories dirs (later
 * directories mask files of the same name in earlier ones; missing
 * directories are skipped) whose `when` matches m, in the order of their
 * lower-cased file names.  */
int hooks_read_dirs (char *const *dirs, const struct hook_match *m, struct hook_set *set,
                     galley_error_t *err);

/* The hooks of a container about to start, into spec->hooks: those of the
 * hooks.d directories (galley.conf's hooks_dir, or --hooks-dir) that match
 * its command, annotations (config's) and mounts; and the
 * annotations the state shows.  Call once spec's mounts and command are
 * known.  */
int hooks_for_spec (const struct container_config *config, struct run_spec *spec, galley_error_t *err);

#endif
