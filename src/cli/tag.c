/* galley tag / untag: add and remove names of a stored image.  New names
 * are normalised as podman's: a short name lives under "localhost/", the
 * tag defaults to "latest", digests are refused.  */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "image/store.h"
#include "registry/reference.h"
#include "util/cleanup.h"

int
cli_cmd_tag (struct cli_context *ctx, int argc, char **argv, galley_error_t *err)
{
  _cleanup_cli_parser_ struct cli_parser p;
  _cleanup_store_ struct store *s = NULL;
  _cleanup_store_image_ struct store_image *img = NULL;
  int i;

  cli_parser_init (&p, ctx->cmd, argc, argv);
  if (cli_parse_no_options (&p, 2, -1, err) < 0)
    return -1;
  if (store_open (&ctx->paths, &s, err) < 0 || store_image_find (s, argv[p.optind], &img, err) < 0)
    return -1;
  for (i = p.optind + 1; i < argc; i++)
    {
      _cleanup_free_ char *name = NULL;

      if (image_ref_normalize_name (argv[i], &name, err) < 0 || store_image_tag (s, img->id, name, err) < 0)
        return -1;
    }
  return 0;
}

int
cli_cmd_untag (struct cli_context *ctx, int argc, char **argv, galley_error_t *err)
{
  _cleanup_cli_parser_ struct cli_parser p;
  _cleanup_store_ struct store *s = NULL;
  _cleanup_store_image_ struct store_image *img = NULL;
  int i;
  size_t k;

  cli_parser_init (&p, ctx->cmd, argc, argv);
  if (cli_parse_no_options (&p, 1, -1, err) < 0)
    return -1;
  if (store_open (&ctx->paths, &s, err) < 0 || store_image_find (s, argv[p.optind], &img, err) < 0)
    return -1;
  /* No names: remove them all.  */
  if (p.optind + 1 == argc)
    {
      for (k = 0; img->names[k]; k++)
        if (store_image_untag (s, img->id, img->names[k], err) < 0)
          return -1;
      return 0;
    }
  for (i = p.optind + 1; i < argc; i++)
    {
      _cleanup_free_ char *name = NULL, *matched = NULL;
      _cleanup_store_image_ struct store_image *owner = NULL;
      _cleanup_error_ galley_error_t ignored = NULL;

      if (image_ref_normalize_name (argv[i], &name, err) < 0)
        return -1;
      /* The name as stored: "busybox" may be docker.io/library/busybox:latest.  */
      if (store_image_lookup (s, argv[i], &owner, &matched, &ignored) < 0 || matched == NULL
          || strcmp (owner->id, img->id) != 0)
        return galley_error_make (err, ENOENT, "%s: tag not known", name);
      if (store_image_untag (s, img->id, matched, err) < 0)
        return -1;
    }
  return 0;
}
