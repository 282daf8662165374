/* galley image squash IMAGE FILE: the image as one SquashFS file, which
 * `galley run FILE` runs without unpacking (runtime/squash_write.h).  */
#include "config.h"

#include "cli/cli.h"
#include "runtime/squash_write.h"

int
cli_cmd_image_squash (struct cli_context *ctx, int argc, char **argv, galley_error_t *err)
{
  _cleanup_cli_parser_ struct cli_parser p;

  cli_parser_init (&p, ctx->cmd, argc, argv);
  if (cli_parse_no_options (&p, 2, 2, err) < 0)
    return -1;
  return squash_write_image (&ctx->paths, argv[p.optind], argv[p.optind + 1], err);
}
