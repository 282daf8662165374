/* galley run: create a container and run it in the foreground (the same
 * path as create + start -a; see run_options.h).  */
#include "config.h"

#include <stdio.h>

#include "cli/cli.h"
#include "cli/run_options.h"
#include "runtime/launch.h"
#include "state/container.h"
#include "util/cleanup.h"
#include "util/digest.h"

int
cli_cmd_run (struct cli_context *ctx, int argc, char **argv, galley_error_t *err)
{
  _cleanup_container_config_ struct container_config config = { 0 };
  _cleanup_close_ int run_lock = -1;
  struct run_spec spec = { 0 };
  char id[HEX_ID_BUFSIZE];
  int status;

  if (run_parse_options (ctx, argc, argv, &config, err) < 0
      || run_resolve_image (&ctx->paths, &config, err) < 0 || container_new_id (id, err) < 0)
    return -1;
  /* Validate everything before the record exists.  */
  if (run_check_detached_options (&config, err) < 0
      || run_build_spec (&ctx->paths, &config, id, &spec, err) < 0
      || run_create_record (&ctx->paths, &config, id, &run_lock, err) < 0)
    {
      run_spec_clear (&spec);
      return -1;
    }
  if (run_write_cidfile (&config, id, err) < 0)
    {
      run_finish (&ctx->paths, &config, &spec, &run_lock, (*err)->exit_code);
      status = -1;
    }
  else if (config.detach)
    {
      status = run_start_detached (&ctx->paths, &config, &spec, &run_lock, err);
      if (status == 0)
        printf ("%s\n", id);
    }
  else
    status = run_execute (&ctx->paths, &config, &spec, &run_lock, true, err);
  run_spec_clear (&spec);
  return status;
}
