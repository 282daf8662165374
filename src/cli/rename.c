/* galley rename.  */
#include "config.h"

#include "cli/cli.h"
#include "engine/container.h"

int
cli_cmd_rename (struct cli_context *ctx, int argc, char **argv, galley_error_t *err)
{
  _cleanup_cli_parser_ struct cli_parser p;
  _cleanup_container_entry_ struct container_entry c = { 0 };
  const struct engine e = cli_engine (ctx);

  cli_parser_init (&p, ctx->cmd, argc, argv);
  if (cli_parse_no_options (&p, 2, 2, err) < 0 || engine_container_find (&e, argv[p.optind], &c, err) < 0)
    return -1;
  return engine_container_rename (&e, &c, argv[p.optind + 1], err);
}
