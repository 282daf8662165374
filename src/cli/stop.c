/* galley stop and galley kill: ask running containers to exit (their stop
 * signal then SIGKILL, or one signal); their monitors record the exit.  */
#include "config.h"

#include <signal.h>
#include <stdio.h>

#include "cli/cli.h"
#include "cli/container_targets.h"
#include "runtime/lifecycle.h"

static bool
is_live (const struct container_entry *e)
{
  return e->state.status == CONTAINER_STATUS_RUNNING || e->state.status == CONTAINER_STATUS_PAUSED
         || e->state.status == CONTAINER_STATUS_STOPPING;
}

int
cli_cmd_stop (struct cli_context *ctx, int argc, char **argv, galley_error_t *err)
{
  _cleanup_cli_parser_ struct cli_parser p;
  struct target_request r = { 0 };
  struct container_target *t = NULL;
  unsigned long long timeout = 10;
  size_t n = 0, i;
  const char *arg;
  int opt, failed = 0;

  cli_parser_init (&p, ctx->cmd, argc, argv);
  while ((opt = cli_parser_next (&p, &arg, err)) > 0)
    switch (opt)
      {
      case OPT_stop_all:
        r.all = true;
        break;
      case OPT_stop_cidfile:
        r.cidfile = arg;
        break;
      case OPT_stop_ignore:
        r.ignore_missing = true;
        break;
      case OPT_stop_latest:
        r.latest = true;
        break;
      case OPT_stop_time:
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
      if (r.all && ! is_live (&t[i].entry))
        continue;
      if (container_stop (&ctx->paths, &t[i].entry, (int) timeout, err) < 0)
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
cli_cmd_kill (struct cli_context *ctx, int argc, char **argv, galley_error_t *err)
{
  _cleanup_cli_parser_ struct cli_parser p;
  struct target_request r = { 0 };
  struct container_target *t = NULL;
  size_t n = 0, i;
  const char *arg;
  int opt, sig = SIGKILL, failed = 0;

  cli_parser_init (&p, ctx->cmd, argc, argv);
  while ((opt = cli_parser_next (&p, &arg, err)) > 0)
    switch (opt)
      {
      case OPT_kill_all:
        r.all = true;
        break;
      case OPT_kill_cidfile:
        r.cidfile = arg;
        break;
      case OPT_kill_latest:
        r.latest = true;
        break;
      case OPT_kill_signal:
        sig = signal_parse (arg);
        if (sig <= 0)
          return galley_error_make (err, 0, "invalid signal: %s", arg);
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
      if (r.all && ! is_live (&t[i].entry))
        continue;
      if (container_signal (&ctx->paths, &t[i].entry, sig, true, err) < 0)
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
