/* galley tag / untag: add and remove names of a stored image.  New names
 * are normalised as podman's: a short name lives under "localhost/", the
 * tag defaults to "latest", digests are refused.  */
#include "config.h"

#include "cli/cli.h"
#include "engine/image.h"

int
cli_cmd_tag (struct cli_context *ctx, int argc, char **argv, galley_error_t *err)
{
  const struct engine e = cli_engine (ctx);
  _cleanup_cli_parser_ struct cli_parser p;

  cli_parser_init (&p, ctx->cmd, argc, argv);
  if (cli_parse_no_options (&p, 2, -1, err) < 0)
    return -1;
  return engine_image_tag (&e, argv[p.optind], argv + p.optind + 1, err);
}

int
cli_cmd_untag (struct cli_context *ctx, int argc, char **argv, galley_error_t *err)
{
  const struct engine e = cli_engine (ctx);
  _cleanup_cli_parser_ struct cli_parser p;

  cli_parser_init (&p, ctx->cmd, argc, argv);
  if (cli_parse_no_options (&p, 1, -1, err) < 0)
    return -1;
  /* No names: remove them all.  */
  return engine_image_untag (&e, argv[p.optind], argv + p.optind + 1, err);
}
