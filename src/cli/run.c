/* galley run: create a container and run it in the foreground (the same
 * path as create + start -a; see run_options.h).  */
#include "config.h"

#include <stdio.h>

#include "cli/cli.h"
#include "cli/run_options.h"
#include "runtime/monitor.h"
#include "state/container.h"
#include "util/digest.h"
#include "util/json.h"

int
cli_cmd_run (struct cli_context *ctx, int argc, char **argv, galley_error_t *err)
{
  _cleanup_json_ json_object *config = NULL;
  struct run_spec spec = { 0 };
  galley_error_t ignore = NULL;
  char id[HEX_ID_BUFSIZE];
  int status;

  if (run_parse_options (ctx, argc, argv, &config, err) < 0
      || run_resolve_image (&ctx->paths, config, err) < 0 || container_new_id (id, err) < 0)
    return -1;
  /* Validate everything before the record exists.  */
  if (run_check_detached_options (config, err) < 0 || run_build_spec (&ctx->paths, config, id, &spec, err) < 0
      || run_create_record (&ctx->paths, config, id, err) < 0 || run_write_cidfile (config, id, err) < 0)
    {
      run_spec_clear (&spec);
      return -1;
    }
  if (json_object_get_boolean (json_object_object_get (config, "Detach")))
    {
      status = run_start_detached (&ctx->paths, config, &spec, err);
      if (status == 0)
        printf ("%s\n", id);
    }
  else
    status = run_execute (&ctx->paths, config, &spec, true, err);
  if (status < 0)
    {
      /* A container that never started is not kept (podman keeps it in
       * "created"; --rm would remove it anyway).  */
      json_object *rm = json_object_object_get (config, "Rm");
      if (rm == NULL || ! json_object_get_boolean (rm))
        monitor_record_exit (&ctx->paths, id, (*err)->exit_code, &ignore);
      galley_error_release (&ignore);
    }
  run_spec_clear (&spec);
  return status;
}
