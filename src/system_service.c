/* galley system service: the command that runs the API service.  Like
 * main.c it sits above both front ends: it parses its options with the
 * command line's parser and hands them to the service (src/api), which
 * never sees the command line.  */
#include "config.h"

#include "api/server.h"
#include "cli/cli.h"

int
cli_cmd_system_service (struct cli_context *ctx, int argc, char **argv, galley_error_t *err)
{
  _cleanup_cli_parser_ struct cli_parser p;
  struct api_service_options o = { .idle_seconds = 5, .paths = &ctx->paths, .config = ctx->config };
  unsigned long long seconds;
  const char *arg;
  int opt;

  cli_parser_init (&p, ctx->cmd, argc, argv);
  while ((opt = cli_parser_next (&p, &arg, err)) > 0)
    if (opt == OPT_system_service_time)
      {
        if (cli_uint (&p, arg, 0xffffffffULL, &seconds, err) < 0)
          return -1;
        o.idle_seconds = (unsigned)seconds;
      }
  if (opt < 0 || cli_positionals (&p, 0, 1, err) < 0)
    return -1;
  if (p.optind < argc)
    o.uri = argv[p.optind];
  return api_serve (&o, err);
}
