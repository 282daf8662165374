/* galley run: create a container and run it in the foreground, or under a
 * detached monitor with -d (engine/container.h).  */
#include "config.h"

#include <stdio.h>

#include "cli/cli.h"
#include "cli/run_options.h"
#include "engine/container.h"

int
cli_cmd_run (struct cli_context *ctx, int argc, char **argv, galley_error_t *err)
{
  _cleanup_container_config_ struct container_config config = { 0 };
  const struct engine e = cli_engine (ctx);
  int status;

  if (run_parse_options (ctx, argc, argv, &config, err) < 0)
    return -1;
  status = engine_container_run (&e, &config, err);
  if (status == 0 && config.detach)
    printf ("%s\n", config.id);
  return status;
}
