/* galley diff: what changed in a container's filesystem
 * (engine/container.h).  */
#include "config.h"

#include <stdio.h>

#include "cli/cli.h"
#include "cli/container_targets.h"
#include "engine/container.h"
#include "util/cleanup.h"
#include "util/format.h"
#include "util/json.h"

int
cli_cmd_diff (struct cli_context *ctx, int argc, char **argv, galley_error_t *err)
{
  _cleanup_cli_parser_ struct cli_parser p;
  _cleanup_json_ json_object *changes = NULL;
  _cleanup_free_ char *name = NULL;
  _cleanup_container_entry_ struct container_entry ctr = { 0 };
  const struct engine e = cli_engine (ctx);
  struct target_request r = { 0 };
  const char *arg, *format = NULL;
  int opt, ret = -1;
  size_t i;

  cli_parser_init (&p, ctx->cmd, argc, argv);
  while ((opt = cli_parser_next (&p, &arg, err)) > 0)
    if (! target_request_option (ctx->cmd, opt, arg, &r) && opt == OPT_diff_format)
      format = arg;
  if (opt < 0 || cli_positionals (&p, r.latest ? 0 : 1, 1, err) < 0
      || container_target_name (ctx, &r, &p, &name, err) < 0)
    return -1;
  if (engine_container_find (&e, name, &ctr, err) == 0
      && engine_container_diff (&e, &ctr, &changes, err) == 0)
    {
      ret = 0;
      if (format != NULL && format_is_json (format))
        {
          /* podman's json: {"changed": [...], "added": [...], "deleted": [...]} */
          static const char *const kinds[] = { "changed", "added", "deleted" };
          _cleanup_json_ json_object *o = json_object_new_object ();
          size_t k;
          for (k = 0; k < 3; k++)
            {
              json_object *list = json_object_new_array ();
              for (i = 0; i < json_object_array_length (changes); i++)
                {
                  json_object *c = json_object_array_get_idx (changes, i);
                  if (json_object_get_int (json_object_object_get (c, "Kind")) == (int)k)
                    json_object_array_add (list, json_object_get (json_object_object_get (c, "Path")));
                }
              if (json_object_array_length (list) > 0)
                json_object_object_add (o, kinds[k], list);
              else
                json_object_put (list);
            }
          ret = format_print (stdout, "json", NULL, o, NULL, false, err);
        }
      else if (format != NULL)
        ret = galley_error_make (err, 0, "diff: only --format json is supported");
      else
        for (i = 0; i < json_object_array_length (changes); i++)
          {
            json_object *c = json_object_array_get_idx (changes, i);
            printf ("%c %s\n", "CAD"[json_object_get_int (json_object_object_get (c, "Kind"))],
                    json_object_get_string (json_object_object_get (c, "Path")));
          }
    }
  return ret;
}
