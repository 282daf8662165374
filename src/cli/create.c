/* galley create: validate and record a container; print its id.  */
#include "config.h"

#include <stdio.h>

#include "cli/cli.h"
#include "cli/run_options.h"
#include "runtime/rootfs_copy.h"
#include "state/container.h"
#include "util/digest.h"

int
cli_cmd_create (struct cli_context *ctx, int argc, char **argv, galley_error_t *err)
{
  _cleanup_container_config_ struct container_config config = { 0 };
  struct run_spec spec = { 0 };
  char id[HEX_ID_BUFSIZE];
  int ret = -1;

  if (run_parse_options (ctx, argc, argv, &config, err) < 0
      || run_resolve_image (&ctx->paths, &config, err) < 0 || container_new_id (id, err) < 0)
    return -1;
  if (run_check_detached_options (&config, err) == 0
      && run_build_spec (&ctx->paths, &config, id, &spec, err) == 0
      && run_create_record (&ctx->paths, &config, id, NULL, err) == 0
      && run_write_cidfile (&config, id, err) == 0 && rootfs_copy_ensure (&spec, err) == 0)
    {
      printf ("%s\n", id);
      ret = 0;
    }
  run_spec_clear (&spec);
  return ret;
}
