/* galley import: a tarball as a one-layer image (image/image_import.h).
 * As podman: copy progress on stderr (none with -q), "sha256:<id>" on
 * stdout.  */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli/cli.h"
#include "image/image_change.h"
#include "image/image_import.h"
#include "registry/reference.h"
#include "util/cleanup.h"
#include "util/json.h"
#include "util/xmalloc.h"

int
cli_cmd_import (struct cli_context *ctx, int argc, char **argv, galley_error_t *err)
{
  _cleanup_cli_parser_ struct cli_parser p;
  _cleanup_json_ json_object *changes = NULL;
  _cleanup_free_ char **change_args = NULL;
  _cleanup_free_ char *name = NULL, *id = NULL;
  struct image_import_options o = { .progress = stderr };
  const char *arg;
  size_t n_changes = 0;
  int opt;

  cli_parser_init (&p, ctx->cmd, argc, argv);
  change_args = xcalloc ((size_t)argc + 1, sizeof *change_args);
  while ((opt = cli_parser_next (&p, &arg, err)) > 0)
    switch (opt)
      {
      case OPT_import_arch:
        o.arch = arg;
        break;
      case OPT_import_change:
        change_args[n_changes++] = (char *)arg;
        break;
      case OPT_import_message:
        o.message = arg;
        break;
      case OPT_import_os:
        o.os = arg;
        break;
      case OPT_import_quiet:
        o.progress = NULL;
        break;
      case OPT_import_variant:
        o.variant = arg;
        break;
      }
  if (opt < 0 || cli_positionals (&p, 1, 2, err) < 0)
    return -1;
  if (image_changes_parse (change_args, n_changes, &changes, err) < 0)
    return -1;
  o.changes = changes;
  o.source = argv[p.optind];
  if (p.optind + 1 < argc)
    {
      if (image_ref_normalize_name (argv[p.optind + 1], &name, err) < 0)
        return -1;
      o.name = name;
    }
  if (image_import (&ctx->paths, &o, &id, err) < 0)
    return -1;
  printf ("sha256:%s\n", id);
  return 0;
}
