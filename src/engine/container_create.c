/* Creating and running containers (see container.h).  */
#include "config.h"
#include "engine/container.h"

#include <errno.h>

#include "engine/pod.h"
#include "runtime/launch.h"
#include "runtime/rootfs_copy.h"
#include "state/container.h"
#include "util/cleanup.h"
#include "util/digest.h"

/* Everything checked and resolved before the record exists: the image,
 * the options, the spec (volumes last: the one step with effects).  */
static int
prepare (const struct engine *e, struct container_config *config, char id[HEX_ID_BUFSIZE],
         struct run_spec *spec, galley_error_t *err)
{
  if (run_resolve_image (e->paths, config, config->quiet ? NULL : e->progress, err) < 0
      || container_new_id (id, err) < 0 || run_check_detached_options (config, err) < 0)
    return -1;
  return run_build_spec (e->paths, config, id, spec, err);
}

/* The pod made for --pod new:NAME goes when its container cannot be made.  */
static void
discard_pod (const struct engine *e, char **pod_id)
{
  _cleanup_pod_config_ struct pod_config pod = { 0 };
  galley_error_t ignored = NULL;

  if (*pod_id != NULL && engine_pod_find (e, *pod_id, &pod, &ignored) == 0)
    engine_pod_rm (e, &pod, true, 0, &ignored);
  galley_error_release (&ignored);
  free (*pod_id);
  *pod_id = NULL;
}

/* prepare, in its pod first when it has one.  */
static int
prepare_in_pod (const struct engine *e, struct container_config *config, char id[HEX_ID_BUFSIZE],
                struct run_spec *spec, char **new_pod, galley_error_t *err)
{
  *new_pod = NULL;
  if (config->pod != NULL && ! config->is_infra && engine_pod_join (e, config, new_pod, err) < 0)
    {
      discard_pod (e, new_pod);
      return -1;
    }
  if (prepare (e, config, id, spec, err) < 0)
    {
      discard_pod (e, new_pod);
      return -1;
    }
  return 0;
}

int
engine_container_create (const struct engine *e, struct container_config *config, galley_error_t *err)
{
  _cleanup_run_spec_ struct run_spec spec = { 0 };
  _cleanup_free_ char *new_pod = NULL;
  char id[HEX_ID_BUFSIZE];

  if (prepare_in_pod (e, config, id, &spec, &new_pod, err) < 0)
    return -1;
  if (run_create_record (e->paths, config, id, NULL, err) < 0)
    {
      discard_pod (e, &new_pod);
      return -1;
    }
  if (run_write_cidfile (config, id, err) < 0 || rootfs_copy_ensure (&spec, err) < 0)
    return -1;
  return 0;
}

int
engine_container_run (const struct engine *e, struct container_config *config, galley_error_t *err)
{
  _cleanup_close_ int run_lock = -1;
  _cleanup_run_spec_ struct run_spec spec = { 0 };
  _cleanup_free_ char *new_pod = NULL;
  char id[HEX_ID_BUFSIZE];

  if (prepare_in_pod (e, config, id, &spec, &new_pod, err) < 0)
    return -1;
  if (run_create_record (e->paths, config, id, &run_lock, err) < 0)
    {
      discard_pod (e, &new_pod);
      return -1;
    }
  if (run_pod_infra_start (e->paths, config, err) < 0)
    {
      run_finish (e->paths, config, &spec, &run_lock, (*err)->exit_code);
      return -1;
    }
  if (run_write_cidfile (config, id, err) < 0)
    {
      run_finish (e->paths, config, &spec, &run_lock, (*err)->exit_code);
      return -1;
    }
  if (config->detach)
    return run_start_detached (e->paths, config, &spec, &run_lock, err);
  return run_execute (e->paths, config, &spec, &run_lock, true, err);
}
