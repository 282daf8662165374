/* galley export: a container's filesystem as a tar (engine/container.h).  */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "cli/cli.h"
#include "engine/container.h"
#include "util/cleanup.h"

int
cli_cmd_export (struct cli_context *ctx, int argc, char **argv, galley_error_t *err)
{
  _cleanup_cli_parser_ struct cli_parser p;
  _cleanup_close_ int out = -1;
  _cleanup_container_entry_ struct container_entry c = { 0 };
  const struct engine e = cli_engine (ctx);
  const char *arg, *output = NULL;
  int opt;

  cli_parser_init (&p, ctx->cmd, argc, argv);
  while ((opt = cli_parser_next (&p, &arg, err)) > 0)
    if (opt == OPT_export_output)
      output = arg;
  if (opt < 0 || cli_positionals (&p, 1, 1, err) < 0)
    return -1;
  if (output == NULL && isatty (1))
    return galley_error_make (err, 0, "refusing to export to terminal. Use -o flag or redirect");
  if (output != NULL)
    {
      out = open (output, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
      if (out < 0)
        return galley_error_make (err, errno, "creating %s", output);
    }
  if (engine_container_find (&e, argv[p.optind], &c, err) < 0)
    return -1;
  fflush (stdout);
  return engine_container_export (&e, &c, out >= 0 ? out : 1, err);
}
