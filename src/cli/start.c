/* galley start: run a created container, detached under a monitor or in
 * the foreground (-a, run's path).  */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>

#include "cli/cli.h"
#include "cli/container_targets.h"
#include "engine/container.h"

/* Each container under its own monitor; one running already is left
 * alone, as podman's, and --all starts only those that are not.  */
static int
start_one (struct cli_context *ctx, struct container_target *t, void *data, galley_error_t *err)
{
  const struct engine e = cli_engine (ctx);
  const struct engine_start_options o = { .attach = false };
  const struct target_request *r = data;

  if (r->all && container_status_is_live (t->entry.state.status))
    return CONTAINER_TARGET_QUIET;
  return engine_container_start (&e, t->entry.id, &o, err);
}

int
cli_cmd_start (struct cli_context *ctx, int argc, char **argv, galley_error_t *err)
{
  _cleanup_cli_parser_ struct cli_parser p;
  struct target_request r = { 0 };
  bool attach = false, interactive = false;
  const char *arg;
  int opt;

  cli_parser_init (&p, ctx->cmd, argc, argv);
  while ((opt = cli_parser_next (&p, &arg, err)) > 0)
    if (! target_request_option (ctx->cmd, opt, arg, &r))
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
  if (opt < 0)
    return -1;
  if (r.all && p.optind < argc)
    return galley_error_make (err, 0,
                              "either start all containers or the container(s) provided in the arguments");
  if (! attach)
    return container_targets_run (ctx, &r, &p, start_one, &r, err);
  if (r.all || r.latest || r.n_filters > 0)
    return galley_error_make (err, 0, "--attach cannot be used with --all, --latest or --filter");
  if (cli_positionals (&p, 1, 1, err) < 0)
    return -1;
  {
    const struct engine e = cli_engine (ctx);
    const struct engine_start_options o = { .attach = true, .interactive = interactive };
    return engine_container_start (&e, argv[p.optind], &o, err);
  }
}
