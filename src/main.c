/* galley: global options, command dispatch, and the one place where an error
 * becomes a message on stderr and an exit code.  */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "runtime/cgroup.h"
#include "state/events.h"
#include "util/cleanup.h"
#include "util/log.h"
#include "util/strv.h"

/* Answer --help before the handler runs, and reject bad options early so that
 * every command fails the same way on them.  Returns 1 if help was printed.  */
static int
precheck_options (const struct cli_command *cmd, int argc, char **argv, galley_error_t *err)
{
  _cleanup_cli_parser_ struct cli_parser p;
  const char *arg;
  int opt;

  cli_parser_init (&p, cmd, argc, argv);
  while ((opt = cli_parser_next (&p, &arg, err)) > 0)
    if (opt == CLI_OPT_HELP)
      {
        cli_print_help (stdout, cmd);
        return 1;
      }
  return opt < 0 ? -1 : 0;
}

/* What a CMD_SETUP command needs before it runs: its paths, the runroot
 * (checked once, before anything there is read or written), galley.conf
 * and the storage root it may name.
 * On failure ctx is left empty.  */
static int
setup (struct cli_context *ctx, const char *root, const char *runroot, galley_error_t *err)
{
  if (paths_resolve (&ctx->paths, root, runroot, err) < 0
      || (! (ctx->cmd->flags & CMD_NO_RUNROOT) && paths_prepare_runroot (&ctx->paths, err) < 0)
      || galley_config_load (&ctx->paths, &ctx->config, err) < 0
      || paths_use_storage_template (&ctx->paths, ctx->config->rootless_storage_path,
                                     galley_config_origin (ctx->config, &ctx->config->rootless_storage_path),
                                     err)
             < 0)
    {
      galley_config_free (steal_pointer (&ctx->config));
      paths_release (&ctx->paths);
      return -1;
    }
  return 0;
}

int
main (int argc, char **argv)
{
  _cleanup_error_ galley_error_t err = NULL;
  const struct cli_command *global = &cli_commands[CMD_global];
  const struct cli_command *cmd;
  const char *root = NULL, *runroot = NULL, *arg;
  _cleanup_strv_ char **hooks_dirs = NULL;
  struct cli_context ctx = { 0 };
  int opt, used = 0, ret;

  log_set_level (LOG_LEVEL_WARN);
  {
    _cleanup_cli_parser_ struct cli_parser p;

    cli_parser_init (&p, global, argc, argv);
    while ((opt = cli_parser_next (&p, &arg, &err)) > 0)
      switch (opt)
        {
        case CLI_OPT_HELP:
          cli_print_help (stdout, global);
          return 0;
        case OPT_global_root:
          root = arg;
          break;
        case OPT_global_runroot:
          runroot = arg;
          break;
        case OPT_global_events_backend:
          if (events_set_backend (arg, &err) < 0)
            return cli_error_report (&err);
          break;
        case OPT_global_hooks_dir:
          strv_append (&hooks_dirs, arg);
          break;
        case OPT_global_log_level:
          ret = log_level_parse (arg);
          if (ret < 0)
            {
              galley_error_make (&err, 0, "invalid log level \"%s\" (trace, debug, info, warn, error)", arg);
              return cli_error_report (&err);
            }
          log_set_level ((enum log_level)ret);
          break;
        case OPT_global_cgroup_manager:
          if (cgroup_check_manager (arg, &err) < 0)
            return cli_error_report (&err);
          break;
        case OPT_global_version:
          printf ("galley version %s\n", PACKAGE_VERSION);
          return 0;
        }
    if (opt < 0)
      return cli_error_report (&err);
    argc -= p.optind;
    argv += p.optind;
  }

  if (argc == 0)
    {
      cli_print_help (stderr, global);
      galley_error_make (&err, 0, "missing command 'galley COMMAND'");
      return cli_error_report (&err);
    }
  cmd = cli_command_lookup (argc, argv, &used);
  if (cmd == NULL)
    {
      cli_unknown_command (global, argv[0], &err);
      return cli_error_report (&err);
    }
  /* "container nosuch --help" is an unknown command, not the group's help.  */
  if ((cmd->flags & CMD_GROUP) && argc > used && argv[used][0] != '-')
    {
      cli_unknown_command (cmd, argv[used], &err);
      return cli_error_report (&err);
    }
  /* The handler sees argv[0] = the command name, as getopt expects.  */
  argc -= used - 1;
  argv += used - 1;

  ret = (cmd->flags & CMD_RAW_ARGS) ? 0 : precheck_options (cmd, argc, argv, &err);
  if (ret != 0)
    return ret > 0 ? 0 : cli_error_report (&err);

  ctx.cmd = cmd;
  if ((cmd->flags & (CMD_SETUP | CMD_SETUP_GENTLY)) && setup (&ctx, root, runroot, &err) < 0)
    {
      if (! (cmd->flags & CMD_SETUP_GENTLY))
        return cli_error_report (&err);
      galley_error_release (&err);
    }
  /* --hooks-dir replaces galley.conf's list, as podman's replaces
   * containers.conf's.  */
  if (hooks_dirs != NULL && ctx.config != NULL)
    {
      cleanup_strvp (&ctx.config->hooks_dir);
      ctx.config->hooks_dir = steal_pointer (&hooks_dirs);
    }
  galley_config_set_current (ctx.config);
  ret = cmd->handler (&ctx, argc, argv, &err);
  galley_config_set_current (NULL);
  galley_config_free (ctx.config);
  paths_release (&ctx.paths);
  if (fflush (stdout) != 0 && ret >= 0)
    galley_error_make (&err, 0, "writing to standard output failed");
  if (err != NULL)
    return cli_error_report (&err);
  /* A handler returns 0 for success or a positive exit status of its own
   * (a container's, `image exists`' 1).  */
  return ret;
}
