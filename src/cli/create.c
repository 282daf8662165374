/* galley create: validate and record a container; print its id.  */
#include "config.h"

#include <stdio.h>

#include "cli/cli.h"
#include "cli/run_options.h"
#include "engine/container.h"

int
cli_cmd_create (struct cli_context *ctx, int argc, char **argv, galley_error_t *err)
{
  _cleanup_container_config_ struct container_config config = { 0 };
  const struct engine e = cli_engine (ctx);

  if (run_parse_options (ctx, argc, argv, &config, err) < 0 || engine_container_create (&e, &config, err) < 0)
    return -1;
  printf ("%s\n", config.id);
  return 0;
}
