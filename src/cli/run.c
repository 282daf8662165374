/* galley run, create, start: one code path (see run_options.h).  */
#include "config.h"

#include "cli/cli.h"

int
cli_cmd_run (struct cli_context *ctx, int argc, char **argv, galley_error_t *err)
{
  return galley_error_make (err, 0, "run: not implemented yet");
}

int
cli_cmd_create (struct cli_context *ctx, int argc, char **argv, galley_error_t *err)
{
  return galley_error_make (err, 0, "create: not implemented yet");
}

int
cli_cmd_start (struct cli_context *ctx, int argc, char **argv, galley_error_t *err)
{
  return galley_error_make (err, 0, "start: not implemented yet");
}
