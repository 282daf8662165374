/* galley container inspect and container exists.  */
#include "config.h"

#include <errno.h>
#include <stdio.h>

#include "cli/cli.h"
#include "cli/container_targets.h"
#include "engine/container.h"
#include "util/format.h"
#include "util/json.h"

int
cli_cmd_container_inspect (struct cli_context *ctx, int argc, char **argv, galley_error_t *err)
{
  _cleanup_cli_parser_ struct cli_parser p;
  _cleanup_json_ json_object *records = json_object_new_array ();
  const struct engine e = cli_engine (ctx);
  struct target_request r = { 0 };
  struct container_target *t = NULL;
  const char *arg, *format = NULL;
  size_t n = 0, i;
  int opt, ret;

  cli_parser_init (&p, ctx->cmd, argc, argv);
  while ((opt = cli_parser_next (&p, &arg, err)) > 0)
    if (! target_request_option (ctx->cmd, opt, arg, &r))
      switch (opt)
        {
        case OPT_container_inspect_format:
          format = arg;
          break;
        case OPT_container_inspect_size:
          break;
        }
  if (opt < 0)
    return -1;
  if (container_targets_collect_args (ctx, &r, &p, &t, &n, err) < 0)
    return -1;
  for (i = 0; i < n; i++)
    {
      json_object *record = NULL;
      if (engine_container_inspect (&e, &t[i].entry, &record, err) < 0)
        {
          container_targets_free (t, n);
          return -1;
        }
      json_object_array_add (records, record);
    }
  container_targets_free (t, n);
  if (format == NULL || format_is_json (format))
    ret = format_print (stdout, "json", NULL, records, NULL, false, err);
  else
    ret = format_print (stdout, format, NULL, records, NULL, false, err);
  return ret;
}

int
cli_cmd_container_exists (struct cli_context *ctx, int argc, char **argv, galley_error_t *err)
{
  _cleanup_cli_parser_ struct cli_parser p;
  _cleanup_container_entry_ struct container_entry c = { 0 };
  const struct engine e = cli_engine (ctx);

  cli_parser_init (&p, ctx->cmd, argc, argv);
  if (cli_parse_no_options (&p, 1, 1, err) < 0)
    return -1;
  if (engine_container_find (&e, argv[p.optind], &c, err) < 0)
    {
      if (galley_error_errno (err) != ENOENT)
        return -1;
      galley_error_release (err);
      return 1;
    }
  return 0;
}

CLI_GROUP_HANDLER (container)
