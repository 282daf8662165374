/* galley logs: print a container's k8s-file log (stdout records to
 * stdout, stderr records to stderr), with --tail, --since, --until, -t,
 * and -f following it until the container exits.  */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "cli/cli.h"
#include "cli/container_targets.h"
#include "engine/container.h"
#include "util/time.h"

struct log_printer
{
  bool names, timestamps;
  const struct container_entry *c;
  bool at_line_start;
};

/* stdout records to stdout, stderr records to stderr; a piece of a
 * longer line (partial) is continued by the next record.  */
static void
print_record (void *arg, const struct log_record *r)
{
  struct log_printer *p = arg;
  FILE *out = r->is_stderr ? stderr : stdout;

  if (p->at_line_start)
    {
      if (p->names)
        fprintf (out, "%.12s ", p->c->id);
      if (p->timestamps)
        fprintf (out, "%.*s ", (int)r->stamp_len, r->stamp);
    }
  fwrite (r->msg, 1, r->msg_len, out);
  if (! r->partial)
    fputc ('\n', out);
  p->at_line_start = ! r->partial;
  fflush (out);
}

int
cli_cmd_logs (struct cli_context *ctx, int argc, char **argv, galley_error_t *err)
{
  _cleanup_cli_parser_ struct cli_parser p;
  const struct engine e = cli_engine (ctx);
  struct engine_logs_options o = { .tail = -1 };
  struct log_printer printer = { 0 };
  struct target_request r = { 0 };
  struct container_target *t = NULL;
  size_t n = 0, i;
  const char *arg;
  int opt, ret = 0;

  cli_parser_init (&p, ctx->cmd, argc, argv);
  while ((opt = cli_parser_next (&p, &arg, err)) > 0)
    if (! target_request_option (ctx->cmd, opt, arg, &r))
      switch (opt)
        {
        case OPT_logs_follow:
          o.follow = true;
          break;
        case OPT_logs_names:
          printer.names = true;
          break;
        case OPT_logs_timestamps:
          printer.timestamps = true;
          break;
        case OPT_logs_tail:
          {
            char *end = NULL;
            o.tail = strtoll (arg, &end, 10);
            if (*arg == '\0' || *end != '\0' || o.tail < -1)
              return galley_error_make (err, 0, "invalid --tail \"%s\"", arg);
            break;
          }
        case OPT_logs_since:
          if (time_parse_when (arg, &o.since, err) < 0)
            return -1;
          break;
        case OPT_logs_until:
          if (time_parse_when (arg, &o.until, err) < 0)
            return -1;
          break;
        }
  if (opt < 0)
    return -1;
  if (argc - p.optind > 1)
    printer.names = true;
  if (container_targets_collect_args (ctx, &r, &p, &t, &n, err) < 0)
    return -1;
  for (i = 0; i < n && ret == 0; i++)
    {
      printer.c = &t[i].entry;
      printer.at_line_start = true;
      ret = engine_container_logs (&e, &t[i].entry, &o, print_record, &printer, err);
    }
  container_targets_free (t, n);
  return ret;
}
