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
 * quoted when it fails, and no other fd.  A failure before the command runs
 * fails the start; poststart and poststop failures are warnings.  A hook's
 * program on the host, and the hooks.d directories and files, must be out
 * of reach of other users (fs_path_trusted, util/fs.h).  */
#ifndef GALLEY_RUNTIME_HOOKS_H
#define GALLEY_RUNTIME_HOOKS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include <json-c/json.h>

#include "util/error.h"

enum hook_stage
{
  HOOK_PRESTART,
  HOOK_CREATE_RUNTIME,
  HOOK_CREATE_CONTAINER,
  HOOK_START_CONTAINER,
  HOOK_POSTSTART,
  HOOK_POSTSTOP,
  HOOK_STAGE_COUNT
};

struct oci_hook
{
  char *path;  /* absolute */
  char **args; /* argv; NULL: { path } */
  char **env;  /* the whole environment; NULL: empty */
  int timeout; /* seconds; 0: none */
};

struct hook_set
{
  struct oci_hook *hooks[HOOK_STAGE_COUNT];
  size_t n[HOOK_STAGE_COUNT];
  /* The container's annotations, which the state shows (a JSON object's
   * text; NULL: none).  */
  char *annotations;
};

/* The OCI name of a stage ("createRuntime"), and the stage of a name (-1
 * when unknown).  */
const char *hook_stage_name (enum hook_stage stage);
int hook_stage_from_name (const char *name);

/* Parse one OCI hook entry ({"path", "args", "env", "timeout"}); `what`
 * names it in errors.  */
int oci_hook_parse (json_object *obj, const char *what, struct oci_hook *out, galley_error_t *err);
void oci_hook_clear (struct oci_hook *h);
int oci_hook_copy (const struct oci_hook *src, struct oci_hook *dst, galley_error_t *err);

/* Append a copy of h to the stage.  */
int hook_set_add (struct hook_set *set, enum hook_stage stage, const struct oci_hook *h, galley_error_t *err);
static inline bool
hook_set_empty (const struct hook_set *set)
{
  int i;

  for (i = 0; i < HOOK_STAGE_COUNT; i++)
    if (set->n[i] > 0)
      return false;
  return true;
}

void hook_set_clear (struct hook_set *set);

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

struct run_spec;

/* The hooks of a container about to start, into spec->hooks: those of the
 * hooks.d directories (galley.conf's hooks_dir, or --hooks-dir) that match
 * its command, annotations (config's "Annotations") and mounts; and the
 * annotations the state shows.  Call once spec's mounts and command are
 * known.  */
int hooks_for_spec (json_object *config, struct run_spec *spec, galley_error_t *err);

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
