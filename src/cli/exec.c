/* galley exec: run a process in a running container (engine/container.h).  */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "engine/container.h"

int
cli_cmd_exec (struct cli_context *ctx, int argc, char **argv, galley_error_t *err)
{
  _cleanup_cli_parser_ struct cli_parser p;
  const struct engine e = cli_engine (ctx);
  struct exec_options o = { 0 };
  struct env_list env = { 0 };
  const char *arg;
  int opt, ret = -1;

  cli_parser_init (&p, ctx->cmd, argc, argv);
  while ((opt = cli_parser_next (&p, &arg, err)) > 0)
    switch (opt)
      {
      case OPT_exec_detach:
        o.detach = true;
        break;
      case OPT_exec_interactive:
        if (cli_bool (&p, arg, &o.interactive, err) < 0)
          goto out;
        break;
      case OPT_exec_tty:
        if (cli_bool (&p, arg, &o.tty, err) < 0)
          goto out;
        break;
      case OPT_exec_user:
        o.user = arg;
        break;
      case OPT_exec_workdir:
        if (arg[0] != '/')
          {
            galley_error_make (err, 0, "workdir \"%s\" must be an absolute path", arg);
            goto out;
          }
        o.workdir = arg;
        break;
      case OPT_exec_env:
        if (env_parse_option (&env, arg, NULL, err) < 0)
          goto out;
        break;
      case OPT_exec_env_file:
        if (env_parse_file (&env, arg, NULL, err) < 0)
          goto out;
        break;
      }
  if (opt < 0 || cli_positionals (&p, 2, -1, err) < 0)
    goto out;
  o.argv = argv + p.optind + 1;
  o.env = &env;
  ret = engine_container_exec (&e, argv[p.optind], &o, err);
out:
  env_list_clear (&env);
  return ret;
}
