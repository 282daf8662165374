/* galley rename.  */
#include "config.h"

#include "cli/cli.h"
#include "state/container_list.h"

int
cli_cmd_rename (struct cli_context *ctx, int argc, char **argv, galley_error_t *err)
{
  _cleanup_cli_parser_ struct cli_parser p;
  struct container_entry e;
  int ret;

  cli_parser_init (&p, ctx->cmd, argc, argv);
  if (cli_parse_no_options (&p, 2, 2, err) < 0)
    return -1;
  if (container_find (&ctx->paths, argv[p.optind], &e, err) < 0)
    return -1;
  ret = container_rename (&ctx->paths, e.id, argv[p.optind + 1], err);
  container_entry_clear (&e);
  return ret;
}
