/* The options of run and create parsed into the container's create-time
 * configuration (runtime/launch.h runs it).  */
#ifndef GALLEY_CLI_RUN_OPTIONS_H
#define GALLEY_CLI_RUN_OPTIONS_H

#include <json-c/json.h>

#include "cli/cli.h"
#include "runtime/launch.h"

/* Parse the options and positionals of run/create into *config.  */
int run_parse_options (struct cli_context *ctx, int argc, char **argv, json_object **config,
                       galley_error_t *err);

#endif
