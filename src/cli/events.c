/* galley events: the event log (state/events.h) as podman prints it: one
 * line an event, JSON, or a Go template; following it unless
 * --stream=false.  */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "state/events.h"
#include "util/cleanup.h"
#include "util/format.h"
#include "util/json.h"
#include "util/time.h"
#include "util/xmalloc.h"

struct events_output
{
  const char *format; /* NULL: podman's line */
  bool truncate;
};

static const char *
member (json_object *o, const char *key)
{
  const char *s = json_get_string (o, key);
  return s ? s : "";
}

/* podman's Event.ToHumanReadable.  */
static void
print_human (const struct event_record *r, bool truncate)
{
  json_object *ev = r->json, *attributes = NULL;
  const char *type = member (ev, "Type"), *id = member (ev, "ID");
  int id_len = truncate && strlen (id) > 12 ? 12 : (int)strlen (id);
  char when[80];

  time_format_go (r->time_ns, when, sizeof when);
  printf ("%s %s %s", when, type, member (ev, "Status"));
  if (strcmp (type, "container") == 0)
    {
      printf (" %.*s (image=%s, name=%s", id_len, id, member (ev, "Image"), member (ev, "Name"));
      if (json_object_object_get_ex (ev, "Attributes", &attributes)
          && json_object_is_type (attributes, json_type_object))
        {
          json_object_object_foreach (attributes, k, v) printf (", %s=%s", k, json_object_get_string (v));
        }
      printf (")\n");
    }
  else if (strcmp (type, "network") == 0)
    printf (" %.*s (container=%.*s, name=%s)\n", id_len, id, id_len, id, member (ev, "Network"));
  else if (strcmp (type, "image") == 0)
    printf (" %.*s %s\n", id_len, id, member (ev, "Name"));
  else if (*member (ev, "Name") != '\0')
    printf (" %s\n", member (ev, "Name"));
  else
    printf ("\n");
}

static int
print_event (const struct event_record *r, void *arg, galley_error_t *err)
{
  const struct events_output *o = arg;

  if (o->format == NULL)
    print_human (r, o->truncate);
  else if (format_is_json (o->format))
    printf ("%s\n", json_object_to_json_string_ext (r->json,
                                                    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
  else
    {
      /* a template sees the time as Go prints a time.Time */
      _cleanup_json_ json_object *item = NULL;
      char when[80];
      if (json_object_deep_copy (r->json, &item, NULL) < 0)
        return galley_error_make (err, 0, "out of memory");
      time_format_go (r->time_ns, when, sizeof when);
      json_object_object_add (item, "Time", json_object_new_string (when));
      /* podman's Event has every field: "" or 0 where the line leaves it out */
      static const char *const strings[] = { "ID", "Image", "Name", "Network", NULL };
      size_t i;
      for (i = 0; strings[i] != NULL; i++)
        if (! json_object_object_get_ex (item, strings[i], NULL))
          json_object_object_add (item, strings[i], json_object_new_string (""));
      if (! json_object_object_get_ex (item, "ContainerExitCode", NULL))
        json_object_object_add (item, "ContainerExitCode", json_object_new_int (0));
      if (format_print (stdout, o->format, NULL, item, NULL, false, err) < 0)
        return -1;
    }
  return fflush (stdout) == 0 ? 0 : galley_error_make (err, 0, "writing to standard output failed");
}

int
cli_cmd_events (struct cli_context *ctx, int argc, char **argv, galley_error_t *err)
{
  _cleanup_cli_parser_ struct cli_parser p;
  _cleanup_free_ char **filters = NULL;
  struct events_output out = { 0 };
  struct events_query q = { .follow = true };
  bool no_trunc = true;
  const char *arg;
  int opt;

  filters = xcalloc ((size_t)argc + 1, sizeof *filters);
  q.filters = filters;
  cli_parser_init (&p, ctx->cmd, argc, argv);
  while ((opt = cli_parser_next (&p, &arg, err)) > 0)
    switch (opt)
      {
      case OPT_events_filter:
        filters[q.n_filters++] = (char *)arg;
        break;
      case OPT_events_format:
        out.format = arg;
        break;
      case OPT_events_no_trunc:
        if (cli_bool (&p, arg, &no_trunc, err) < 0)
          return -1;
        break;
      case OPT_events_since:
        if (time_parse_when (arg, &q.since_ns, err) < 0)
          return -1;
        break;
      case OPT_events_stream:
        if (cli_bool (&p, arg, &q.follow, err) < 0)
          return -1;
        break;
      case OPT_events_until:
        if (time_parse_when (arg, &q.until_ns, err) < 0)
          return -1;
        break;
      }
  if (opt < 0 || cli_positionals (&p, 0, 0, err) < 0
      || events_check_filters (q.filters, q.n_filters, err) < 0)
    return -1;
  if (! events_enabled ())
    return galley_error_make (err, 0, "cannot read events with the \"none\" backend");
  out.truncate = ! no_trunc;
  return events_read (&ctx->paths, &q, print_event, &out, err);
}
