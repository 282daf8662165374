/* galley exec: run a process in a running container (runtime/exec.h).  */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "runtime/launch.h"
#include "runtime/exec.h"
#include "state/container_list.h"
#include "util/cleanup.h"

int
cli_cmd_exec (struct cli_context *ctx, int argc, char **argv, galley_error_t *err)
{
  _cleanup_cli_parser_ struct cli_parser p;
  struct exec_options o = { 0 };
  struct env_list env = { 0 };
  struct container_entry e = { 0 };
  struct run_spec spec = { 0 };
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
  if (container_find (&ctx->paths, argv[p.optind], &e, err) < 0)
    goto out;
  if (e.state.status != CONTAINER_STATUS_RUNNING)
    {
      galley_error_make (err, 0,
                         "can only create exec sessions on running containers: container "
                         "state improper");
      goto out;
    }
  if (run_build_exec_spec (&ctx->paths, &e.config, e.id, &spec, err) < 0)
    goto out;
  o.argv = argv + p.optind + 1;
  o.env = &env;
  ret = container_exec (&ctx->paths, &spec, &e.state, &o, err);
out:
  run_spec_clear (&spec);
  container_entry_clear (&e);
  env_list_clear (&env);
  return ret;
}
