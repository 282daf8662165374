/* galley start: run a created container, detached under a monitor or in
 * the foreground (-a, run's path).  */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>

#include "cli/cli.h"
#include "cli/container_targets.h"
#include "runtime/launch.h"
#include "state/container.h"
#include "state/container_list.h"
#include "util/json.h"

/* Each container under its own monitor; one running already is left
 * alone, as podman's.  Errors are reported one by one.  */
static int
start_detached (struct cli_context *ctx, int n, char **names)
{
  int i, failed = 0;

  for (i = 0; i < n; i++)
    {
      galley_error_t err = NULL;
      if (run_start_existing (&ctx->paths, names[i], &err) == 0)
        printf ("%s\n", names[i]);
      else
        {
          cli_error_report (&err);
          failed = 1;
        }
    }
  return failed ? GALLEY_EXIT_FAILURE : 0;
}

int
cli_cmd_start (struct cli_context *ctx, int argc, char **argv, galley_error_t *err)
{
  _cleanup_cli_parser_ struct cli_parser p;
  bool attach = false, interactive = false;
  const char *arg;
  int opt;

  cli_parser_init (&p, ctx->cmd, argc, argv);
  while ((opt = cli_parser_next (&p, &arg, err)) > 0)
    switch (opt)
      {
      case OPT_start_attach:
        if (cli_bool (&p, arg, &attach, err) < 0)
          return -1;
        break;
      case OPT_start_interactive:
        if (cli_bool (&p, arg, &interactive, err) < 0)
          return -1;
        break;
      }
  if (opt < 0 || cli_positionals (&p, 1, attach ? 1 : -1, err) < 0)
    return -1;
  if (! attach)
    return start_detached (ctx, argc - p.optind, argv + p.optind);
  return run_start_foreground (&ctx->paths, argv[p.optind], interactive, err);
}
