/* galley rm: remove containers (running ones with -f, stopped first).  */
#include "config.h"

#include <errno.h>
#include <stdio.h>

#include "cli/cli.h"
#include "cli/container_targets.h"
#include "runtime/lifecycle.h"
#include "runtime/volume_mounts.h"

struct rm_action
{
  bool force, volumes, ignore_missing;
  bool volume_failed; /* some -v removal failed (reported; the container is gone) */
};

static int
rm_one (struct cli_context *ctx, struct container_target *t, void *data, galley_error_t *err)
{
  struct rm_action *a = data;

  if (container_rm (&ctx->paths, &t->entry, a->force, err) < 0)
    {
      if (galley_error_errno (err) != ENOENT || ! a->ignore_missing)
        return -1;
      galley_error_release (err);
    }
  /* -v: the anonymous volumes go with the container (not named ones).  */
  if (a->volumes && volume_remove_anonymous (&ctx->paths, &t->entry.config, err) < 0)
    {
      cli_error_report (err);
      a->volume_failed = true;
    }
  return 0;
}

int
cli_cmd_rm (struct cli_context *ctx, int argc, char **argv, galley_error_t *err)
{
  _cleanup_cli_parser_ struct cli_parser p;
  struct target_request r = { 0 };
  struct rm_action a = { 0 };
  unsigned long long timeout = 10;
  const char *arg;
  int opt, ret;

  cli_parser_init (&p, ctx->cmd, argc, argv);
  while ((opt = cli_parser_next (&p, &arg, err)) > 0)
    if (! target_request_option (ctx->cmd, opt, arg, &r))
      switch (opt)
        {
        case OPT_rm_force:
          a.force = true;
          break;
        case OPT_rm_time:
          if (cli_uint (&p, arg, 1u << 30, &timeout, err) < 0)
            return -1;
          break;
        case OPT_rm_volumes:
          a.volumes = true;
          break;
        }
  if (opt < 0)
    return -1;
  /* podman rm -f ignores missing containers */
  r.ignore_missing = r.ignore_missing || a.force;
  a.ignore_missing = r.ignore_missing;
  ret = container_targets_run (ctx, &r, &p, rm_one, &a, err);
  return ret == 0 && a.volume_failed ? GALLEY_EXIT_FAILURE : ret;
}
