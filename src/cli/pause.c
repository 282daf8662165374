/* galley pause and unpause: stop and continue every process of containers
 * (signals; no cgroup freezer without a delegated cgroup).  */
#include "config.h"

#include <stdio.h>

#include "cli/cli.h"
#include "cli/container_targets.h"
#include "engine/container.h"

struct pause_action
{
  bool pause;
  bool all; /* --all: only the ones in the status the action applies to */
};

static int
pause_one (struct cli_context *ctx, struct container_target *t, void *data, galley_error_t *err)
{
  const struct pause_action *a = data;
  enum container_status want = a->pause ? CONTAINER_STATUS_RUNNING : CONTAINER_STATUS_PAUSED;

  const struct engine e = cli_engine (ctx);

  if (a->all && t->entry.state.status != want)
    return CONTAINER_TARGET_QUIET;
  return engine_container_pause (&e, &t->entry, a->pause, err);
}

static int
pause_command (struct cli_context *ctx, int argc, char **argv, bool pause, galley_error_t *err)
{
  _cleanup_cli_parser_ struct cli_parser p;
  struct target_request r = { 0 };
  struct pause_action a = { .pause = pause };
  const char *arg;
  int opt;

  cli_parser_init (&p, ctx->cmd, argc, argv);
  while ((opt = cli_parser_next (&p, &arg, err)) > 0)
    target_request_option (ctx->cmd, opt, arg, &r);
  if (opt < 0)
    return -1;
  a.all = r.all;
  return container_targets_run (ctx, &r, &p, pause_one, &a, err);
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
