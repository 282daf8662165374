/* galley rm: remove containers (running ones with -f, stopped first).  */
#include "config.h"

#include <errno.h>
#include <stdio.h>

#include "cli/cli.h"
#include "cli/container_targets.h"
#include "runtime/lifecycle.h"
#include "runtime/volume_mounts.h"

int
cli_cmd_rm (struct cli_context *ctx, int argc, char **argv, galley_error_t *err)
{
  _cleanup_cli_parser_ struct cli_parser p;
  struct target_request r = { 0 };
  struct container_target *t = NULL;
  unsigned long long timeout = 10;
  bool force = false, volumes = false;
  size_t n = 0, i;
  const char *arg;
  int opt, failed = 0;

  cli_parser_init (&p, ctx->cmd, argc, argv);
  while ((opt = cli_parser_next (&p, &arg, err)) > 0)
    switch (opt)
      {
      case OPT_rm_all:
        r.all = true;
        break;
      case OPT_rm_cidfile:
        r.cidfile = arg;
        break;
      case OPT_rm_force:
        force = true;
        break;
      case OPT_rm_ignore:
        r.ignore_missing = true;
        break;
      case OPT_rm_latest:
        r.latest = true;
        break;
      case OPT_rm_time:
        if (cli_uint (&p, arg, 1u << 30, &timeout, err) < 0)
          return -1;
        break;
      case OPT_rm_volumes:
        volumes = true;
        break;
      }
  if (opt < 0)
    return -1;
  r.names = argv + p.optind;
  r.n_names = argc - p.optind;
  /* podman rm -f ignores missing containers */
  r.ignore_missing = r.ignore_missing || force;
  if (container_targets_collect (ctx, &r, &t, &n, err) < 0)
    return -1;
  for (i = 0; i < n; i++)
    {
      if (container_rm (&ctx->paths, &t[i].entry, force, err) < 0)
        {
          if (galley_error_errno (err) == ENOENT && r.ignore_missing)
            galley_error_release (err);
          else
            {
              container_target_report (err);
              failed = 1;
              continue;
            }
        }
      /* -v: the anonymous volumes go with the container (not named ones).  */
      if (volumes && volume_remove_anonymous (&ctx->paths, t[i].entry.config, err) < 0)
        {
          container_target_report (err);
          failed = 1;
        }
      printf ("%s\n", t[i].label);
    }
  container_targets_free (t, n);
  return failed ? GALLEY_EXIT_FAILURE : 0;
}
