/* galley rm: remove containers (running ones with -f, stopped first).  */
#include "config.h"

#include <errno.h>
#include <stdio.h>

#include "cli/cli.h"
#include "cli/container_targets.h"
#include "engine/container.h"
#include "engine/pod.h"

struct rm_action
{
  struct engine_rm_options o;
  bool volume_failed; /* some -v removal failed (reported; the container is gone) */
  bool all;           /* rm --all: an infra container takes its pod along, as podman's */
  int timeout;
};

static int
rm_pod_of (const struct engine *e, const struct rm_action *a, const struct container_entry *infra,
           galley_error_t *err)
{
  _cleanup_pod_config_ struct pod_config pod = { 0 };

  if (engine_pod_find (e, infra->config.pod, &pod, err) < 0)
    return -1;
  return engine_pod_rm (e, &pod, a->o.force, a->timeout, err);
}

static int
rm_one (struct cli_context *ctx, struct container_target *t, void *data, galley_error_t *err)
{
  struct rm_action *a = data;
  const struct engine e = cli_engine (ctx);
  galley_error_t volumes_err = NULL;

  if (a->all && t->entry.config.is_infra)
    return rm_pod_of (&e, a, &t->entry, err);
  if (engine_container_rm (&e, &t->entry, &a->o, &volumes_err, err) < 0)
    return -1;
  if (volumes_err != NULL)
    {
      cli_error_report (&volumes_err);
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
          a.o.force = true;
          break;
        case OPT_rm_time:
          if (cli_uint (&p, arg, 1u << 30, &timeout, err) < 0)
            return -1;
          break;
        case OPT_rm_volumes:
          a.o.volumes = true;
          break;
        }
  if (opt < 0)
    return -1;
  /* podman rm -f ignores missing containers; rm --all those removed
   * meanwhile (with their pod) */
  r.ignore_missing = r.ignore_missing || a.o.force || r.all;
  a.all = r.all;
  a.timeout = (int)timeout;
  a.o.ignore_missing = r.ignore_missing;
  ret = container_targets_run (ctx, &r, &p, rm_one, &a, err);
  return ret == 0 && a.volume_failed ? GALLEY_EXIT_FAILURE : ret;
}
