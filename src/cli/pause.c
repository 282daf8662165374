/* galley pause and unpause: stop and continue every process of containers
 * (signals; no cgroup freezer without a delegated cgroup).  */
#include "config.h"

#include <stdio.h>

#include "cli/cli.h"
#include "cli/container_targets.h"
#include "runtime/lifecycle.h"

static int
pause_command (struct cli_context *ctx, int argc, char **argv, bool pause, galley_error_t *err)
{
  _cleanup_cli_parser_ struct cli_parser p;
  struct target_request r = { 0 };
  struct container_target *t = NULL;
  size_t n = 0, i;
  const char *arg;
  int opt, failed = 0;
  enum container_status want = pause ? CONTAINER_STATUS_RUNNING : CONTAINER_STATUS_PAUSED;

  cli_parser_init (&p, ctx->cmd, argc, argv);
  while ((opt = cli_parser_next (&p, &arg, err)) > 0)
    {
      const struct cli_option *o = cli_option_by_id (ctx->cmd, opt);
      if (o != NULL && o->short_name == 'a')
        r.all = true;
      else if (o != NULL && o->short_name == 'l')
        r.latest = true;
    }
  if (opt < 0)
    return -1;
  r.names = argv + p.optind;
  r.n_names = argc - p.optind;
  if (container_targets_collect (ctx, &r, &t, &n, err) < 0)
    return -1;
  for (i = 0; i < n; i++)
    {
      if (r.all && t[i].entry.state.status != want)
        continue;
      if (container_pause (&ctx->paths, &t[i].entry, pause, err) < 0)
        {
          container_target_report (err);
          failed = 1;
          continue;
        }
      printf ("%s\n", t[i].label);
    }
  container_targets_free (t, n);
  return failed ? GALLEY_EXIT_FAILURE : 0;
}

int
cli_cmd_pause (struct cli_context *ctx, int argc, char **argv, galley_error_t *err)
{
  return pause_command (ctx, argc, argv, true, err);
}

int
cli_cmd_unpause (struct cli_context *ctx, int argc, char **argv, galley_error_t *err)
{
  return pause_command (ctx, argc, argv, false, err);
}
