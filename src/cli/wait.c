/* galley wait: block until containers reach a state; print exit codes.  */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/container_targets.h"
#include "runtime/lifecycle.h"

static int
condition_mask (const char *text, unsigned *mask, galley_error_t *err)
{
  enum container_status s;

  if (strcmp (text, "stopped") == 0 || strcmp (text, "exited") == 0)
    s = CONTAINER_STATUS_EXITED;
  else if (container_status_parse (text, &s) < 0)
    return galley_error_make (err, 0, "invalid container status \"%s\"", text);
  *mask |= 1u << s;
  return 0;
}

/* Print the exit code of one container once its status is in *data (a
 * mask of statuses).  */
static int
wait_one (struct cli_context *ctx, struct container_target *t, void *data, galley_error_t *err)
{
  const unsigned *mask = data;
  struct container_state st;
  int gone = container_wait_for (&ctx->paths, t->entry.id, *mask, -1, &st, err);

  if (gone < 0)
    return -1;
  if (gone > 0)
    /* removed (--rm) before we looked: podman reports -1 too */
    printf ("-1\n");
  else
    printf ("%d\n", st.status == CONTAINER_STATUS_EXITED ? st.exit_code : -1);
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
