/* A container's files and processes: commit, cp, export, diff, top (see
 * container.h).  */
#include "config.h"
#include "engine/container.h"

#include <stdio.h>

#include "runtime/launch.h"
#include "runtime/lifecycle.h"

/* The spec of c with its run directory ready (its rootfs mounted there
 * when it does not run).  */
static int
mounted_spec (const struct engine *e, struct container_entry *c, struct run_spec *spec, galley_error_t *err)
{
  if (run_build_spec (e->paths, &c->config, c->id, spec, err) < 0)
    return -1;
  return run_prepare_runtime (e->paths, &c->config, spec, err);
}

int
engine_container_commit (const struct engine *e, struct container_entry *c, const struct commit_options *o,
                         char **image_id, galley_error_t *err)
{
  _cleanup_run_spec_ struct run_spec spec = { 0 };

  if (run_build_spec (e->paths, &c->config, c->id, &spec, err) < 0)
    return -1;
  if (o->progress)
    fprintf (o->progress, "Getting image source signatures\n");
  return container_commit (e->paths, c, &spec, o, image_id, err);
}

int
engine_container_copy (const struct engine *e, struct container_entry *c, const struct copy_request *req,
                       galley_error_t *err)
{
  _cleanup_run_spec_ struct run_spec spec = { 0 };

  bool live = c->state.status == CONTAINER_STATUS_RUNNING || c->state.status == CONTAINER_STATUS_PAUSED;

  /* a stopped container's rootfs is mounted at its usual place */
  if (run_build_spec (e->paths, &c->config, c->id, &spec, err) < 0
      || (! live && run_prepare_runtime (e->paths, &c->config, &spec, err) < 0))
    return -1;
  return container_copy (&spec, &c->state, req, err);
}

int
engine_container_export (const struct engine *e, struct container_entry *c, int out_fd, galley_error_t *err)
{
  _cleanup_run_spec_ struct run_spec spec = { 0 };

  if (mounted_spec (e, c, &spec, err) < 0)
    return -1;
  return container_export (&spec, out_fd, err);
}

int
engine_container_diff (const struct engine *e, struct container_entry *c, json_object **changes,
                       galley_error_t *err)
{
  _cleanup_run_spec_ struct run_spec spec = { 0 };

  if (mounted_spec (e, c, &spec, err) < 0)
    return -1;
  return container_diff (&spec, changes, err);
}

int
engine_container_pids (const struct engine *e, const struct container_entry *c, pid_t **pids, size_t *n,
                       galley_error_t *err)
{
  (void)e;
  if (c->state.status != CONTAINER_STATUS_RUNNING && c->state.status != CONTAINER_STATUS_PAUSED)
    return galley_error_make (err, 0, "top can only be used on running containers");
  return container_pids (c->state.pid, pids, n, err);
}
