/* galley history: the layers and history entries of an image, newest first,
 * as podman shows them.  */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "engine/image.h"
#include "image/image_info.h"
#include "util/cleanup.h"
#include "util/format.h"
#include "util/json.h"

struct history_options
{
  bool human, no_trunc, quiet;
  const char *format;
};

/* Turn a JSON row into the fields templates see.  */
static void
template_fields (const struct history_options *o, json_object *row)
{
  const char *id = json_get_string (row, "id");
  const char *created = json_get_string (row, "created");
  const char *by = json_get_string (row, "CreatedBy");
  const char *comment = json_get_string (row, "comment");
  json_object *size_obj, *tags;
  char buf[128];
  time_t t = 0;

  snprintf (buf, sizeof buf, "%.*s", o->no_trunc || strcmp (id, "<missing>") == 0 ? 64 : 12, id);
  json_object_object_add (row, "ID", json_object_new_string (buf));
  image_parse_time (created, &t);
  if (o->human)
    image_human_since (t, buf, sizeof buf);
  else
    snprintf (buf, sizeof buf, "%s", created);
  json_object_object_add (row, "Created", json_object_new_string (buf));
  image_format_go_time (t, buf, sizeof buf);
  json_object_object_add (row, "CreatedAt", json_object_new_string (buf));
  if (! o->no_trunc && strlen (by) > 45)
    snprintf (buf, sizeof buf, "%.42s...", by);
  else
    snprintf (buf, sizeof buf, "%s", by);
  json_object_object_add (row, "CreatedBy", json_object_new_string (o->no_trunc ? by : buf));
  json_object_object_get_ex (row, "size", &size_obj);
  image_human_size ((uint64_t)json_object_get_int64 (size_obj), buf, sizeof buf);
  json_object_object_add (row, "Size", json_object_new_string (buf));
  json_object_object_add (row, "Comment", json_object_new_string (comment ? comment : ""));
  if (! json_object_object_get_ex (row, "tags", &tags))
    json_object_object_add (row, "Tags", json_object_new_array ());
  else
    json_object_object_add (row, "Tags", json_object_get (tags));
}

static const struct format_header history_headers[] = {
  { "ID", "ID" },
  { "Created", "CREATED" },
  { "CreatedAt", "CREATED AT" },
  { "CreatedBy", "CREATED BY" },
  { "Size", "SIZE" },
  { "Comment", "COMMENT" },
  { NULL, NULL },
};

int
cli_cmd_history (struct cli_context *ctx, int argc, char **argv, galley_error_t *err)
{
  const struct engine e = cli_engine (ctx);
  _cleanup_cli_parser_ struct cli_parser p;
  _cleanup_json_ json_object *rows = NULL;
  _cleanup_json_ json_object *hdr = format_headers (history_headers);
  struct history_options o = { .human = true };
  const char *arg;
  size_t i;
  int opt;

  cli_parser_init (&p, ctx->cmd, argc, argv);
  while ((opt = cli_parser_next (&p, &arg, err)) > 0)
    switch (opt)
      {
      case OPT_history_format:
        o.format = arg;
        break;
      case OPT_history_human:
        if (cli_bool (&p, arg, &o.human, err) < 0)
          return -1;
        break;
      case OPT_history_no_trunc:
        o.no_trunc = true;
        break;
      case OPT_history_quiet:
        o.quiet = true;
        break;
      }
  if (opt < 0 || cli_positionals (&p, 1, 1, err) < 0)
    return -1;
  if (engine_image_history (&e, argv[p.optind], &rows, err) < 0)
    return -1;
  if (o.format && strcmp (o.format, "json") == 0)
    return format_print (stdout, "json", NULL, rows, NULL, false, err);
  for (i = 0; i < json_object_array_length (rows); i++)
    template_fields (&o, json_object_array_get_idx (rows, i));
  if (o.quiet && o.format == NULL)
    {
      for (i = 0; i < json_object_array_length (rows); i++)
        printf ("%s\n", json_get_string (json_object_array_get_idx (rows, i), "ID"));
      return 0;
    }
  return format_print (stdout, o.format,
                       "table {{.ID}}\t{{.Created}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}", rows, hdr,
                       false, err);
}
