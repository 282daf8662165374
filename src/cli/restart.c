/* galley restart: stop (when running) and start again, detached.  */
#include "config.h"

#include <stdio.h>

#include "cli/cli.h"
#include "cli/container_targets.h"
#include "engine/container.h"

struct restart_action
{
  bool running_only;
  int timeout;
};

static int
restart_one (struct cli_context *ctx, struct container_target *t, void *data, galley_error_t *err)
{
  const struct restart_action *a = data;
  const struct engine e = cli_engine (ctx);

  if (a->running_only && ! container_status_is_live (t->entry.state.status))
    return CONTAINER_TARGET_QUIET;
  if (engine_container_restart (&e, &t->entry, a->timeout, err) < 0)
    return -1;
  /* the full id, whatever name was given */
  printf ("%s\n", t->entry.id);
  return CONTAINER_TARGET_QUIET;
}

int
cli_cmd_restart (struct cli_context *ctx, int argc, char **argv, galley_error_t *err)
{
  _cleanup_cli_parser_ struct cli_parser p;
  struct target_request r = { 0 };
  struct restart_action a = { 0 };
  unsigned long long timeout = 10;
  const char *arg;
  int opt;

  cli_parser_init (&p, ctx->cmd, argc, argv);
  while ((opt = cli_parser_next (&p, &arg, err)) > 0)
    if (! target_request_option (ctx->cmd, opt, arg, &r))
      switch (opt)
        {
        case OPT_restart_running:
          a.running_only = true;
          break;
        case OPT_restart_time:
          if (cli_uint (&p, arg, 1u << 30, &timeout, err) < 0)
            return -1;
          break;
        }
  if (opt < 0)
    return -1;
  a.timeout = (int)timeout;
  return container_targets_run (ctx, &r, &p, restart_one, &a, err);
}
