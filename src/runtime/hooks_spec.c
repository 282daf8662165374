/* A container's OCI hooks run at its stages with its state, and the
 * bundle's config.json (see hooks_spec.h).  */
#include "config.h"
#include "runtime/hooks_spec.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runtime/hooks_exec.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/log.h"
#include "util/strv.h"
#include "util/xmalloc.h"

static const char *
stage_status (enum hook_stage stage)
{
  switch (stage)
    {
    case HOOK_START_CONTAINER:
      return "created";
    case HOOK_POSTSTART:
      return "running";
    case HOOK_POSTSTOP:
      return "stopped";
    default:
      return "creating";
    }
}

/* The OCI runtime state of the container.  */
static char *
state_json (const struct run_spec *spec, enum hook_stage stage, pid_t pid)
{
  _cleanup_json_ json_object *o = json_object_new_object ();
  json_object *annotations = NULL;

  if (spec->hooks.annotations != NULL)
    annotations = json_tokener_parse (spec->hooks.annotations);
  json_object_object_add (o, "ociVersion", json_object_new_string ("1.0.2"));
  json_object_object_add (o, "id", json_object_new_string (spec->id));
  json_object_object_add (o, "status", json_object_new_string (stage_status (stage)));
  if (pid > 0)
    json_object_object_add (o, "pid", json_object_new_int (pid));
  json_object_object_add (o, "bundle", json_object_new_string (spec->state_dir ? spec->state_dir : ""));
  json_object_object_add (o, "annotations", annotations ? annotations : json_object_new_object ());
  return xstrdup (
      json_object_to_json_string_ext (o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
}

/* Where a stage's hooks run: in the bundle, as runc's; createContainer's
 * in the rootfs, startContainer's in the container's working directory.  */
static const char *
stage_cwd (const struct run_spec *spec, enum hook_stage stage)
{
  if (stage == HOOK_CREATE_CONTAINER)
    return spec->mountpoint;
  if (stage == HOOK_START_CONTAINER)
    return NULL;
  return spec->state_dir;
}

int
hooks_run (const struct run_spec *spec, enum hook_stage stage, pid_t pid, galley_error_t *err)
{
  _cleanup_free_ char *state = NULL;
  size_t i;

  if (spec->hooks.n[stage] == 0)
    return 0;
  state = state_json (spec, stage, pid);
  for (i = 0; i < spec->hooks.n[stage]; i++)
    if (hook_exec (&spec->hooks.hooks[stage][i], stage, stage_cwd (spec, stage), state, err) < 0)
      return -1;
  return 0;
}

void
hooks_run_warn (const struct run_spec *spec, enum hook_stage stage, pid_t pid)
{
  _cleanup_free_ char *state = NULL;
  size_t i;

  if (spec->hooks.n[stage] == 0)
    return;
  state = state_json (spec, stage, pid);
  for (i = 0; i < spec->hooks.n[stage]; i++)
    {
      galley_error_t err = NULL;
      if (hook_exec (&spec->hooks.hooks[stage][i], stage, stage_cwd (spec, stage), state, &err) < 0)
        {
          log_warn ("%s", err->msg);
          galley_error_release (&err);
        }
    }
}

int
hooks_write_bundle_config (const struct run_spec *spec, galley_error_t *err)
{
  _cleanup_json_ json_object *o = NULL;
  _cleanup_close_ int dfd = -1;
  json_object *root, *process;

  o = json_object_new_object ();
  root = json_object_new_object ();
  process = json_object_new_object ();
  json_object_object_add (o, "ociVersion", json_object_new_string ("1.0.2"));
  json_object_object_add (root, "path", json_object_new_string (spec->mountpoint));
  json_object_object_add (root, "readonly", json_object_new_boolean (spec->read_only));
  json_object_object_add (o, "root", root);
  json_object_object_add (process, "args", json_strings_array (spec->argv, strv_len (spec->argv)));
  json_object_object_add (process, "cwd", json_object_new_string (spec->workdir ? spec->workdir : "/"));
  json_object_object_add (o, "process", process);
  json_object_object_add (o, "hostname", json_object_new_string (spec->hostname ? spec->hostname : ""));
  json_object_object_add (o, "annotations",
                          spec->hooks.annotations ? json_tokener_parse (spec->hooks.annotations)
                                                  : json_object_new_object ());
  dfd = open (spec->state_dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0)
    return galley_error_make (err, errno, "opening %s", spec->state_dir);
  return fs_write_text (
      dfd, "config.json",
      json_object_to_json_string_ext (o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE), 0600, err);
}
