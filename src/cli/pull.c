/* galley pull: podman's options and output (progress on stderr, the image
 * id on stdout).  */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cli/cli.h"
#include "engine/image.h"
#include "util/cleanup.h"
#include "util/strv.h"

int
cli_cmd_pull (struct cli_context *ctx, int argc, char **argv, galley_error_t *err)
{
  struct engine e = cli_engine (ctx);
  _cleanup_cli_parser_ struct cli_parser p;
  struct pull_options o = { .tls_verify = -1 };
  bool quiet = false, b;
  const char *arg;
  int opt, i;

  cli_parser_init (&p, ctx->cmd, argc, argv);
  while ((opt = cli_parser_next (&p, &arg, err)) > 0)
    switch (opt)
      {
      case OPT_pull_all_tags:
        o.all_tags = true;
        break;
      case OPT_pull_arch:
        o.arch = arg;
        break;
      case OPT_pull_authfile:
        o.authfile = arg;
        break;
      case OPT_pull_cert_dir:
        o.cert_dir = arg;
        break;
      case OPT_pull_creds:
        o.creds = arg;
        break;
      case OPT_pull_os:
        o.os = arg;
        break;
      case OPT_pull_platform:
        o.platform = arg;
        break;
      case OPT_pull_quiet:
        quiet = true;
        break;
      case OPT_pull_tls_verify:
        if (cli_bool (&p, arg, &b, err) < 0)
          return -1;
        o.tls_verify = b;
        break;
      case OPT_pull_variant:
        o.variant = arg;
        break;
      }
  if (opt < 0 || cli_positionals (&p, 1, -1, err) < 0)
    return -1;
  if (quiet)
    e.progress = NULL;
  o.progress_bars = ! quiet && isatty (STDERR_FILENO);
  for (i = p.optind; i < argc; i++)
    {
      _cleanup_strv_ char **ids = NULL;
      int ret = engine_image_pull (&e, argv[i], &o, &ids, err);
      char **id;

      for (id = ids; id != NULL && *id != NULL; id++)
        printf ("%s\n", *id);
      fflush (stdout);
      if (ret < 0)
        return -1;
    }
  return 0;
}
