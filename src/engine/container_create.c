/* Creating and running containers (see container.h).  */
#include "config.h"
#include "engine/container.h"

#include <errno.h>

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

int
engine_container_create (const struct engine *e, struct container_config *config, galley_error_t *err)
{
  _cleanup_run_spec_ struct run_spec spec = { 0 };
  char id[HEX_ID_BUFSIZE];

  if (prepare (e, config, id, &spec, err) < 0 || run_create_record (e->paths, config, id, NULL, err) < 0
      || run_write_cidfile (config, id, err) < 0 || rootfs_copy_ensure (&spec, err) < 0)
    return -1;
  return 0;
}

int
engine_container_run (const struct engine *e, struct container_config *config, galley_error_t *err)
{
  _cleanup_close_ int run_lock = -1;
  _cleanup_run_spec_ struct run_spec spec = { 0 };
  char id[HEX_ID_BUFSIZE];

  if (prepare (e, config, id, &spec, err) < 0 || run_create_record (e->paths, config, id, &run_lock, err) < 0)
    return -1;
  if (run_write_cidfile (config, id, err) < 0)
    {
      run_finish (e->paths, config, &spec, &run_lock, (*err)->exit_code);
      return -1;
    }
  if (config->detach)
    return run_start_detached (e->paths, config, &spec, &run_lock, err);
  return run_execute (e->paths, config, &spec, &run_lock, true, err);
}
