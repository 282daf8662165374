/* galley wait: block until containers reach a state; print exit codes.  */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/container_targets.h"
#include "engine/container.h"

static int
condition_mask (const char *text, unsigned *mask, galley_error_t *err)
{
  static const struct
  {
    const char *name;
    enum container_status status;
  } conditions[] = {
    { "created", CONTAINER_STATUS_CREATED }, { "running", CONTAINER_STATUS_RUNNING },
    { "paused", CONTAINER_STATUS_PAUSED },   { "stopping", CONTAINER_STATUS_STOPPING },
    { "stopped", CONTAINER_STATUS_EXITED },  { "exited", CONTAINER_STATUS_EXITED },
  };
  size_t i;

  for (i = 0; i < sizeof conditions / sizeof conditions[0]; i++)
    if (strcmp (text, conditions[i].name) == 0)
      {
        *mask |= 1u << conditions[i].status;
        return 0;
      }
  return galley_error_make (err, 0, "unknown container state: %s: invalid argument", text);
}

/* Print the exit code of one container once its status is in *data (a
 * mask of statuses).  */
static int
wait_one (struct cli_context *ctx, struct container_target *t, void *data, galley_error_t *err)
{
  const unsigned *mask = data;
  const struct engine e = cli_engine (ctx);
  int code;

  if (engine_container_wait (&e, &t->entry, *mask, &code, err) < 0)
    return -1;
  printf ("%d\n", code);
  return CONTAINER_TARGET_QUIET;
}

int
cli_cmd_wait (struct cli_context *ctx, int argc, char **argv, galley_error_t *err)
{
  _cleanup_cli_parser_ struct cli_parser p;
  struct target_request r = { 0 };
  unsigned mask = 0;
  const char *arg;
  int opt;

  cli_parser_init (&p, ctx->cmd, argc, argv);
  while ((opt = cli_parser_next (&p, &arg, err)) > 0)
    if (! target_request_option (ctx->cmd, opt, arg, &r))
      switch (opt)
        {
        case OPT_wait_condition:
          if (condition_mask (arg, &mask, err) < 0)
            return -1;
          break;
        case OPT_wait_interval:
          break; /* the state is polled with a short backoff */
        }
  if (opt < 0)
    return -1;
  if (mask == 0)
    mask = 1u << CONTAINER_STATUS_EXITED;
  return container_targets_run (ctx, &r, &p, wait_one, &mask, err);
}
