/* galley restart: stop (when running) and start again, detached.  */
#include "config.h"

#include <stdio.h>

#include "cli/cli.h"
#include "cli/container_targets.h"
#include "cli/run_options.h"
#include "runtime/lifecycle.h"

static bool
is_live (const struct container_entry *e)
{
  return e->state.status == CONTAINER_STATUS_RUNNING || e->state.status == CONTAINER_STATUS_PAUSED
         || e->state.status == CONTAINER_STATUS_STOPPING;
}

int
cli_cmd_restart (struct cli_context *ctx, int argc, char **argv, galley_error_t *err)
{
  _cleanup_cli_parser_ struct cli_parser p;
  struct target_request r = { 0 };
  struct container_target *t = NULL;
  unsigned long long timeout = 10;
  bool running_only = false;
  size_t n = 0, i;
  const char *arg;
  int opt, failed = 0;

  cli_parser_init (&p, ctx->cmd, argc, argv);
  while ((opt = cli_parser_next (&p, &arg, err)) > 0)
    switch (opt)
      {
      case OPT_restart_all: r.all = true; break;
      case OPT_restart_latest: r.latest = true; break;
      case OPT_restart_running: running_only = true; break;
      case OPT_restart_time:
        if (cli_uint (&p, arg, 1u << 30, &timeout, err) < 0)
          return -1;
        break;
      }
  if (opt < 0)
    return -1;
  r.names = argv + p.optind;
  r.n_names = argc - p.optind;
  if (container_targets_collect (ctx, &r, &t, &n, err) < 0)
    return -1;
  for (i = 0; i < n; i++)
    {
      if (running_only && ! is_live (&t[i].entry))
        continue;
      if ((is_live (&t[i].entry) && container_stop (&ctx->paths, &t[i].entry, (int) timeout, err) < 0)
          || run_start_existing (ctx, t[i].entry.id, err) < 0)
        {
          container_target_report (err);
          failed = 1;
          continue;
        }
      printf ("%s\n", t[i].entry.id);
    }
  container_targets_free (t, n);
  return failed ? GALLEY_EXIT_FAILURE : 0;
}
