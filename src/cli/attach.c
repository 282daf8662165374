/* galley attach: attach to a detached container's stdio through its
 * monitor (runtime/attach.h).  */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>

#include "cli/cli.h"
#include "cli/container_targets.h"
#include "engine/container.h"

int
cli_cmd_attach (struct cli_context *ctx, int argc, char **argv, galley_error_t *err)
{
  _cleanup_cli_parser_ struct cli_parser p;
  const struct engine e = cli_engine (ctx);
  struct attach_options o = { .sig_proxy = true };
  struct target_request r = { 0 };
  struct container_target *t = NULL;
  const char *keys = ATTACH_DEFAULT_DETACH_KEYS, *arg;
  size_t n = 0;
  int opt, ret;

  cli_parser_init (&p, ctx->cmd, argc, argv);
  while ((opt = cli_parser_next (&p, &arg, err)) > 0)
    if (! target_request_option (ctx->cmd, opt, arg, &r))
      switch (opt)
        {
        case OPT_attach_detach_keys:
          keys = arg;
          break;
        case OPT_attach_no_stdin:
          o.no_stdin = true;
          break;
        case OPT_attach_sig_proxy:
          if (cli_bool (&p, arg, &o.sig_proxy, err) < 0)
            return -1;
          break;
        }
  if (opt < 0 || attach_parse_detach_keys (keys, o.detach_keys, &o.n_detach_keys, err) < 0)
    return -1;
  if (cli_positionals (&p, r.latest ? 0 : 1, r.latest ? 0 : 1, err) < 0)
    return -1;
  if (container_targets_collect_args (ctx, &r, &p, &t, &n, err) < 0)
    return -1;
  ret = engine_container_attach (&e, &t[0].entry, &o, err);
  container_targets_free (t, n);
  if (ret == ATTACH_DETACHED)
    return 0;
  return ret;
}
