/* galley version: the client's version record, as podman's.  */
#include "config.h"

#include <stdio.h>

#include "cli/cli.h"
#include "util/format.h"
#include "util/json.h"
#include "util/version.h"

#define VERSION_TEMPLATE                   \
  "Client:       galley\n"                 \
  "Version:      {{.Client.Version}}\n"    \
  "API Version:  {{.Client.APIVersion}}\n" \
  "C Compiler:   {{.Client.Compiler}}\n"   \
  "Built:        {{.Client.BuiltTime}}\n"  \
  "OS/Arch:      {{.Client.OsArch}}"

int
cli_cmd_version (struct cli_context *ctx, int argc, char **argv, galley_error_t *err)
{
  _cleanup_cli_parser_ struct cli_parser p;
  _cleanup_json_ json_object *rec = NULL;
  const char *format = NULL, *arg;
  int opt;

  cli_parser_init (&p, ctx->cmd, argc, argv);
  while ((opt = cli_parser_next (&p, &arg, err)) > 0)
    if (opt == OPT_version_format)
      format = arg;
  if (opt < 0 || cli_positionals (&p, 0, 0, err) < 0)
    return -1;
  rec = json_object_new_object ();
  json_object_object_add (rec, "Client", galley_version_record ());
  /* podman prints version JSON on one line.  */
  if (format != NULL && format_is_json (format))
    {
      format_print_json (stdout, rec, 0);
      return 0;
    }
  return format_print (stdout, format, VERSION_TEMPLATE, rec, NULL, false, err);
}
