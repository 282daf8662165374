/* galley info: what a user needs to know before anything fails — rootless
 * or not, where the id mappings come from, where storage and state live,
 * how the rootfs will be mounted and why, the helpers found, and whether
 * resource limits can be enforced.  Printed as YAML like podman's, or JSON /
 * a template with --format.  */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "runtime/info.h"
#include "util/cleanup.h"
#include "util/format.h"
#include "util/json.h"

/* YAML as podman prints info: maps indented by two, lists with "- ".  */
static void print_yaml (FILE *out, json_object *v, int indent, bool in_list);

static void
print_scalar (FILE *out, json_object *v)
{
  if (json_object_is_type (v, json_type_string))
    {
      const char *s = json_object_get_string (v);
      if (s[0] == '\0' || strpbrk (s, ":#{}[],&*!|>'\"%@`") != NULL || s[0] == ' ' || s[0] == '-')
        fprintf (out, "'%s'\n", s);
      else
        fprintf (out, "%s\n", s);
    }
  else
    fprintf (out, "%s\n", json_object_to_json_string (v));
}

static void
print_yaml (FILE *out, json_object *v, int indent, bool in_list)
{
  bool first = true;

  if (json_object_is_type (v, json_type_object))
    {
      json_object_object_foreach (v, key, val)
      {
        int pad = (in_list && first) ? 0 : indent;
        first = false;
        fprintf (out, "%*s%s:", pad, "", key);
        if ((json_object_is_type (val, json_type_object) && json_object_object_length (val) > 0)
            || (json_object_is_type (val, json_type_array) && json_object_array_length (val) > 0))
          {
            fputc ('\n', out);
            print_yaml (out, val, indent + 2, false);
          }
        else if (json_object_is_type (val, json_type_array))
          fprintf (out, " []\n");
        else if (json_object_is_type (val, json_type_object))
          fprintf (out, " {}\n");
        else
          {
            fputc (' ', out);
            print_scalar (out, val);
          }
      }
    }
  else if (json_object_is_type (v, json_type_array))
    {
      size_t i;
      for (i = 0; i < json_object_array_length (v); i++)
        {
          json_object *e = json_object_array_get_idx (v, i);
          fprintf (out, "%*s- ", indent, "");
          if (json_object_is_type (e, json_type_object))
            print_yaml (out, e, indent + 2, true);
          else
            print_scalar (out, e);
        }
    }
  else
    print_scalar (out, v);
}

int
cli_cmd_info (struct cli_context *ctx, int argc, char **argv, galley_error_t *err)
{
  _cleanup_cli_parser_ struct cli_parser p;
  _cleanup_json_ json_object *rec = NULL;
  const char *format = NULL, *arg;
  int opt;

  cli_parser_init (&p, ctx->cmd, argc, argv);
  while ((opt = cli_parser_next (&p, &arg, err)) > 0)
    if (opt == OPT_info_format)
      format = arg;
  if (opt < 0 || cli_positionals (&p, 0, 0, err) < 0)
    return -1;
  rec = runtime_info_record (&ctx->paths, err);
  if (rec == NULL)
    return -1;
  if (format == NULL || format[0] == '\0')
    {
      print_yaml (stdout, rec, 0, false);
      return 0;
    }
  if (format_is_json (format))
    {
      format_print_json (stdout, rec, 2); /* podman's info JSON is indented by two */
      return 0;
    }
  return format_print (stdout, format, NULL, rec, NULL, false, err);
}
