/* galley info: what a user needs to know before anything fails.  */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "cli/cli.h"
#include "util/format.h"
#include "util/json.h"

static json_object *
host_record (struct cli_context *ctx)
{
  json_object *host = json_object_new_object ();
  struct utsname u;

  uname (&u);
  json_object_object_add (host, "arch", json_object_new_string (u.machine));
  json_object_object_add (host, "kernel", json_object_new_string (u.release));
  json_object_object_add (host, "hostname", json_object_new_string (u.nodename));
  json_object_object_add (host, "os", json_object_new_string ("linux"));
  return host;
}

int
cli_cmd_info (struct cli_context *ctx, int argc, char **argv, galley_error_t *err)
{
  _cleanup_cli_parser_ struct cli_parser p;
  _cleanup_json_ json_object *rec = json_object_new_object ();
  const char *format = NULL, *arg;
  int opt;

  cli_parser_init (&p, ctx->cmd, argc, argv);
  while ((opt = cli_parser_next (&p, &arg, err)) > 0)
    if (opt == OPT_info_format)
      format = arg;
  if (opt < 0 || cli_positionals (&p, 0, 0, err) < 0)
    return -1;
  json_object_object_add (rec, "host", host_record (ctx));
  return format_print (stdout, format, "{{json .}}", rec, NULL, false, err);
}
