/* galley image inspect / image exists.  */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "image/image_info.h"
#include "image/manifest_list.h"
#include "image/store.h"
#include "util/cleanup.h"
#include "util/format.h"
#include "util/json.h"

int
cli_cmd_image_inspect (struct cli_context *ctx, int argc, char **argv, galley_error_t *err)
{
  _cleanup_cli_parser_ struct cli_parser p;
  _cleanup_store_ struct store *s = NULL;
  _cleanup_json_ json_object *records = json_object_new_array ();
  _cleanup_error_ galley_error_t missing = NULL;
  const char *format = NULL, *arg;
  int opt, i;

  cli_parser_init (&p, ctx->cmd, argc, argv);
  while ((opt = cli_parser_next (&p, &arg, err)) > 0)
    if (opt == OPT_image_inspect_format)
      format = arg;
  if (opt < 0 || cli_positionals (&p, 1, -1, err) < 0)
    return -1;
  if (store_open (&ctx->paths, &s, err) < 0)
    return -1;
  for (i = p.optind; i < argc; i++)
    {
      _cleanup_store_image_ struct store_image *img = NULL;
      json_object *rec = NULL;

      if (store_image_find (s, argv[i], &img, err) < 0)
        {
          if (galley_error_errno (err) != ENOENT || missing != NULL)
            {
              if (galley_error_errno (err) != ENOENT)
                return -1;
              galley_error_release (err);
              continue;
            }
          /* podman prints what it found, then fails on the first unknown.  */
          missing = *err;
          *err = NULL;
          continue;
        }
      /* a manifest list stands for its image for this platform, as podman's */
      if (manifest_list_resolve_image (s, &img, err) < 0 || image_inspect_record (s, img, &rec, err) < 0)
        return -1;
      json_object_array_add (records, rec);
    }
  if (format == NULL || strcmp (format, "json") == 0)
    {
      if (format_print (stdout, "json", NULL, records, NULL, false, err) < 0)
        return -1;
    }
  else if (format_print (stdout, format, NULL, records, NULL, true, err) < 0)
    return -1;
  if (missing)
    {
      *err = steal_pointer (&missing);
      return galley_error_wrap (err, "inspecting object");
    }
  return 0;
}

int
cli_cmd_image_exists (struct cli_context *ctx, int argc, char **argv, galley_error_t *err)
{
  _cleanup_cli_parser_ struct cli_parser p;
  _cleanup_store_ struct store *s = NULL;
  _cleanup_store_image_ struct store_image *img = NULL;

  cli_parser_init (&p, ctx->cmd, argc, argv);
  if (cli_parse_no_options (&p, 1, 1, err) < 0)
    return -1;
  if (store_open (&ctx->paths, &s, err) < 0)
    return -1;
  if (store_image_find (s, argv[p.optind], &img, err) == 0)
    return 0;
  if (galley_error_errno (err) != ENOENT)
    return -1;
  galley_error_release (err);
  return 1;
}

CLI_GROUP_HANDLER (image)
