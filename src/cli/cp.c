/* galley cp: copy files between a container and the host (runtime/copy.h).  */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "runtime/launch.h"
#include "runtime/copy.h"
#include "state/container_list.h"
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
  struct container_entry e = { 0 };
  struct run_spec spec = { 0 };
  struct copy_request req = { 0 };
  const char *src_path = NULL, *dst_path = NULL;
  int ret = -1;

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
  if (container_find (&ctx->paths, req.ctr_name, &e, err) < 0)
    return -1;
  if (run_build_spec (&ctx->paths, &e.config, e.id, &spec, err) == 0)
    {
      /* a stopped container's rootfs is mounted at its usual place */
      if (e.state.status != CONTAINER_STATUS_RUNNING && e.state.status != CONTAINER_STATUS_PAUSED
          && run_prepare_runtime (&ctx->paths, &e.config, &spec, err) < 0)
        goto out;
      ret = container_copy (&spec, &e.state, &req, err);
    }
out:
  run_spec_clear (&spec);
  container_entry_clear (&e);
  return ret;
}
