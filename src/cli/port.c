/* galley port: the published ports of containers, as podman prints them.  */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/container_targets.h"
#include "state/portspec.h"
#include "util/cleanup.h"

int
cli_cmd_port (struct cli_context *ctx, int argc, char **argv, galley_error_t *err)
{
  _cleanup_cli_parser_ struct cli_parser p;
  struct target_request r = { 0 };
  struct container_target *t = NULL;
  const char *arg;
  size_t n = 0, i;
  int opt;

  cli_parser_init (&p, ctx->cmd, argc, argv);
  while ((opt = cli_parser_next (&p, &arg, err)) > 0)
    switch (opt)
      {
      case OPT_port_all:
        r.all = true;
        break;
      case OPT_port_latest:
        r.latest = true;
        break;
      }
  if (opt < 0)
    return -1;
  r.names = argv + p.optind;
  r.n_names = argc - p.optind > 0 ? 1 : 0;
  if (! r.all && ! r.latest && r.n_names == 0)
    return galley_error_make (err, 0, "you must supply a running container name or id");
  if (r.all || r.latest)
    r.n_names = 0;
  if (container_targets_collect (ctx, &r, &t, &n, err) < 0)
    return -1;
  for (i = 0; i < n; i++)
    {
      _cleanup_free_ struct port_mapping *ports = NULL;
      _cleanup_free_ char *lines = NULL;
      size_t n_ports = 0;
      const char *filter = ! r.all && ! r.latest && argc - p.optind > 1 ? argv[p.optind + 1]
                           : (r.all || r.latest) && argc - p.optind > 0 ? argv[p.optind]
                                                                        : NULL;

      if (port_mappings_from_json (t[i].entry.config.port_mappings, &ports, &n_ports, err) < 0)
        break;
      if (port_format_lines (ports, n_ports, filter, &lines) == 0 && filter && ! r.all)
        {
          galley_error_make (err, 0, "failed to find published port \"%s\"", filter);
          break;
        }
      /* -a: every line prefixed with the short id, as podman's.  */
      for (char *line = lines, *next; line && *line; line = next)
        {
          next = strchr (line, '\n');
          next = next ? next + 1 : line + strlen (line);
          if (r.all)
            printf ("%.12s\t", t[i].entry.id);
          fwrite (line, 1, (size_t)(next - line), stdout);
        }
    }
  container_targets_free (t, n);
  return *err ? -1 : 0;
}
