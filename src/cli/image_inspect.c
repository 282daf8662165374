/* galley image inspect / image exists.  */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "engine/image.h"
#include "util/cleanup.h"
#include "util/format.h"
#include "util/json.h"

int
cli_cmd_image_inspect (struct cli_context *ctx, int argc, char **argv, galley_error_t *err)
{
  const struct engine e = cli_engine (ctx);
  _cleanup_cli_parser_ struct cli_parser p;
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
  for (i = p.optind; i < argc; i++)
    {
      json_object *rec = NULL;

      if (engine_image_inspect (&e, argv[i], &rec, err) < 0)
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
  const struct engine e = cli_engine (ctx);
  _cleanup_cli_parser_ struct cli_parser p;
  bool exists;

  cli_parser_init (&p, ctx->cmd, argc, argv);
  if (cli_parse_no_options (&p, 1, 1, err) < 0 || engine_image_exists (&e, argv[p.optind], &exists, err) < 0)
    return -1;
  return exists ? 0 : 1;
}

CLI_GROUP_HANDLER (image)
