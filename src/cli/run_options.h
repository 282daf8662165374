/* The options of run and create parsed into the container's create-time
 * configuration (runtime/launch.h runs it).  */
#ifndef GALLEY_CLI_RUN_OPTIONS_H
#define GALLEY_CLI_RUN_OPTIONS_H

#include "cli/cli.h"
#include "runtime/launch.h"
#include "state/container_config.h"

/* Parse the options and positionals of run/create into *config (zeroed
 * or cleared).  */
int run_parse_options (struct cli_context *ctx, int argc, char **argv, struct container_config *config,
                       galley_error_t *err);

#endif
