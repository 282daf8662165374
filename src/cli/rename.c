/* galley rename and galley port (no port mappings before networking).  */
#include "config.h"

#include <stdio.h>

#include "cli/cli.h"
#include "cli/container_targets.h"

int
cli_cmd_rename (struct cli_context *ctx, int argc, char **argv, galley_error_t *err)
{
  _cleanup_cli_parser_ struct cli_parser p;
  struct container_entry e;
  const char *arg;
  int opt, ret;

  cli_parser_init (&p, ctx->cmd, argc, argv);
  while ((opt = cli_parser_next (&p, &arg, err)) > 0)
    ;
  if (opt < 0 || cli_positionals (&p, 2, 2, err) < 0)
    return -1;
  if (container_find (&ctx->paths, argv[p.optind], &e, err) < 0)
    return -1;
  ret = container_rename (&ctx->paths, e.id, argv[p.optind + 1], err);
  container_entry_clear (&e);
  return ret;
}

int
cli_cmd_port (struct cli_context *ctx, int argc, char **argv, galley_error_t *err)
{
  _cleanup_cli_parser_ struct cli_parser p;
  struct target_request r = { 0 };
  struct container_target *t = NULL;
  const char *arg;
  size_t n = 0;
  int opt;

  cli_parser_init (&p, ctx->cmd, argc, argv);
  while ((opt = cli_parser_next (&p, &arg, err)) > 0)
    switch (opt)
      {
      case OPT_port_all: r.all = true; break;
      case OPT_port_latest: r.latest = true; break;
      }
  if (opt < 0)
    return -1;
  r.names = argv + p.optind;
  r.n_names = argc - p.optind > 0 ? 1 : 0;
  if (! r.all && ! r.latest && r.n_names == 0)
    return galley_error_make (err, 0, "you must supply a running container name or id");
  if (container_targets_collect (ctx, &r, &t, &n, err) < 0)
    return -1;
  /* Containers have no published ports until the networking issue.  */
  container_targets_free (t, n);
  return 0;
}
