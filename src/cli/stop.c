/* galley stop and galley kill: ask running containers to exit (their stop
 * signal then SIGKILL, or one signal); their monitors record the exit.  */
#include "config.h"

#include <signal.h>
#include <stdio.h>

#include "cli/cli.h"
#include "cli/container_targets.h"
#include "engine/container.h"
#include "util/signal_names.h"

struct stop_action
{
  bool all;    /* --all: only the live ones */
  int timeout; /* stop */
  int signal;  /* kill */
};

static int
stop_one (struct cli_context *ctx, struct container_target *t, void *data, galley_error_t *err)
{
  const struct stop_action *a = data;
  const struct engine e = cli_engine (ctx);

  if (a->all && ! container_status_is_live (t->entry.state.status))
    return CONTAINER_TARGET_QUIET;
  return engine_container_stop (&e, &t->entry, a->timeout, err);
}

static int
kill_one (struct cli_context *ctx, struct container_target *t, void *data, galley_error_t *err)
{
  const struct stop_action *a = data;
  const struct engine e = cli_engine (ctx);

  if (a->all && ! container_status_is_live (t->entry.state.status))
    return CONTAINER_TARGET_QUIET;
  return engine_container_kill (&e, &t->entry, a->signal, err);
}

int
cli_cmd_stop (struct cli_context *ctx, int argc, char **argv, galley_error_t *err)
{
  _cleanup_cli_parser_ struct cli_parser p;
  struct target_request r = { 0 };
  struct stop_action a;
  unsigned long long timeout = 10;
  const char *arg;
  int opt;

  cli_parser_init (&p, ctx->cmd, argc, argv);
  while ((opt = cli_parser_next (&p, &arg, err)) > 0)
    if (! target_request_option (ctx->cmd, opt, arg, &r))
      switch (opt)
        {
        case OPT_stop_time:
        case OPT_stop_timeout:
          if (cli_uint (&p, arg, 1u << 30, &timeout, err) < 0)
            return -1;
          break;
        }
  if (opt < 0)
    return -1;
  a = (struct stop_action){ .all = r.all, .timeout = (int)timeout };
  return container_targets_run (ctx, &r, &p, stop_one, &a, err);
}

int
cli_cmd_kill (struct cli_context *ctx, int argc, char **argv, galley_error_t *err)
{
  _cleanup_cli_parser_ struct cli_parser p;
  struct target_request r = { 0 };
  struct stop_action a = { .signal = SIGKILL };
  const char *arg;
  int opt;

  cli_parser_init (&p, ctx->cmd, argc, argv);
  while ((opt = cli_parser_next (&p, &arg, err)) > 0)
    if (! target_request_option (ctx->cmd, opt, arg, &r))
      switch (opt)
        {
        case OPT_kill_signal:
          a.signal = signal_parse (arg);
          if (a.signal <= 0)
            return galley_error_make (err, 0, "invalid signal: %s", arg);
          break;
        }
  if (opt < 0)
    return -1;
  a.all = r.all;
  return container_targets_run (ctx, &r, &p, kill_one, &a, err);
}
