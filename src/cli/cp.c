/* galley cp: copy files between a container and the host (runtime/copy.h).  */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "engine/container.h"
#include "util/cleanup.h"

/* "CONTAINER:PATH" -> container and path; NULL for a host path.  */
static char *
container_part (const char *arg, const char **path)
{
  const char *colon = strchr (arg, ':');

  if (colon == NULL || arg[0] == '/' || arg[0] == '.' || colon == arg)
    return NULL;
  *path = colon + 1;
  return strndup (arg, (size_t)(colon - arg));
}

int
cli_cmd_cp (struct cli_context *ctx, int argc, char **argv, galley_error_t *err)
{
  _cleanup_cli_parser_ struct cli_parser p;
  _cleanup_free_ char *src_ctr = NULL, *dst_ctr = NULL;
  _cleanup_container_entry_ struct container_entry c = { 0 };
  const struct engine e = cli_engine (ctx);
  struct copy_request req = { 0 };
  const char *src_path = NULL, *dst_path = NULL;

  cli_parser_init (&p, ctx->cmd, argc, argv);
  if (cli_parse_no_options (&p, 2, 2, err) < 0)
    return -1;
  src_ctr = container_part (argv[p.optind], &src_path);
  dst_ctr = container_part (argv[p.optind + 1], &dst_path);
  if ((src_ctr == NULL) == (dst_ctr == NULL))
    return galley_error_make (err, 0,
                              "copying %s: one of the source and the destination must be a "
                              "container path (CONTAINER:PATH)",
                              src_ctr ? "between containers" : "between host paths");
  if (strcmp (argv[p.optind], "-") == 0 || strcmp (argv[p.optind + 1], "-") == 0)
    return galley_error_make (err, 0, "cp: tar streams on stdin/stdout are not supported yet");
  req.to_container = dst_ctr != NULL;
  req.host_path = req.to_container ? argv[p.optind] : argv[p.optind + 1];
  req.ctr_name = req.to_container ? dst_ctr : src_ctr;
  req.ctr_path = req.to_container ? dst_path : src_path;
  if (req.ctr_path[0] == '\0')
    return galley_error_make (err, 0, "cp: empty container path");
  if (engine_container_find (&e, req.ctr_name, &c, err) < 0)
    return -1;
  return engine_container_copy (&e, &c, &req, err);
}
