/* galley version: the client's version record, as podman's.  */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>

#include "cli/cli.h"
#include "util/format.h"
#include "util/json.h"

#define VERSION_TEMPLATE                   \
  "Client:       galley\n"                 \
  "Version:      {{.Client.Version}}\n"    \
  "API Version:  {{.Client.APIVersion}}\n" \
  "C Compiler:   {{.Client.Compiler}}\n"   \
  "Built:        {{.Client.BuiltTime}}\n"  \
  "OS/Arch:      {{.Client.OsArch}}"

json_object *
cli_version_record (void)
{
  json_object *client = json_object_new_object ();
  json_object *top = json_object_new_object ();
  time_t built = GALLEY_SOURCE_DATE_EPOCH;
  struct utsname u;
  struct tm tm;
  char osarch[128], built_text[64] = "";

  uname (&u);
  snprintf (osarch, sizeof osarch, "linux/%s",
            strcmp (u.machine, "x86_64") == 0    ? "amd64"
            : strcmp (u.machine, "aarch64") == 0 ? "arm64"
                                                 : u.machine);
  json_object_object_add (client, "APIVersion", json_object_new_string (PACKAGE_VERSION));
  json_object_object_add (client, "Version", json_object_new_string (PACKAGE_VERSION));
#ifdef __clang__
  json_object_object_add (client, "Compiler", json_object_new_string ("clang " __clang_version__));
#else
  json_object_object_add (client, "Compiler", json_object_new_string ("gcc " __VERSION__));
#endif
  /* As podman: the date in Go's time.ANSIC layout, local time.  */
  if (localtime_r (&built, &tm) != NULL)
    strftime (built_text, sizeof built_text, "%a %b %e %H:%M:%S %Y", &tm);
  json_object_object_add (client, "BuiltTime", json_object_new_string (built_text));
  json_object_object_add (client, "Built", json_object_new_int64 (built));
  json_object_object_add (client, "OsArch", json_object_new_string (osarch));
  json_object_object_add (client, "Os", json_object_new_string ("linux"));
  json_object_object_add (top, "Client", client);
  return top;
}

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
  rec = cli_version_record ();
  /* podman prints version JSON on one line.  */
  if (format != NULL && format_is_json (format))
    {
      format_print_json (stdout, rec, 0);
      return 0;
    }
  return format_print (stdout, format, VERSION_TEMPLATE, rec, NULL, false, err);
}
