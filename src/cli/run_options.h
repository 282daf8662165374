/* The code path shared by run, create and start: the options of run and
 * create parsed into the container's create-time configuration (a JSON
 * object, stored as container.json), and that configuration turned into a
 * runtime spec and run in the foreground.  */
#ifndef GALLEY_CLI_RUN_OPTIONS_H
#define GALLEY_CLI_RUN_OPTIONS_H

#include <stdbool.h>

#include <json-c/json.h>

#include "cli/cli.h"
#include "runtime/spec.h"

/* Parse the options and positionals of run/create into *config.  */
int run_parse_options (struct cli_context *ctx, int argc, char **argv, json_object **config,
                       galley_error_t *err);

/* Look the image up (pulling per "Pull") and record "ImageID"; nothing to
 * do with --rootfs.  */
int run_resolve_image (struct cli_context *ctx, json_object *config, galley_error_t *err);

/* Build the runtime spec of container `id` from its configuration; every
 * option is validated here (before anything is created).  */
int run_build_spec (struct cli_context *ctx, json_object *config, const char *id, struct run_spec *spec,
                    galley_error_t *err);

/* Create the record of a new container `id` (container_new_id) from config
 * (name generated when absent).  */
int run_create_record (struct cli_context *ctx, json_object *config, const char *id, galley_error_t *err);

/* Run a built spec in the foreground, record the exit, honour "Rm".  */
int run_execute (struct cli_context *ctx, json_object *config, struct run_spec *spec, galley_error_t *err);

/* The runroot part of a container (its run directory with hosts,
 * resolv.conf, hostname): before any start.  */
int run_prepare_runtime (struct cli_context *ctx, json_object *config, const struct run_spec *spec,
                         galley_error_t *err);

/* run_detach.c: validate --restart/--log-opt (and --rm with --restart);
 * start a built spec under a detached monitor (returns once it runs);
 * write --cidfile.  */
int run_check_detached_options (json_object *config, galley_error_t *err);
int run_start_detached (struct cli_context *ctx, json_object *config, struct run_spec *spec,
                        galley_error_t *err);
int run_write_cidfile (json_object *config, const char *id, galley_error_t *err);

/* Start the existing container id detached (start, restart).  */
int run_start_existing (struct cli_context *ctx, const char *id, galley_error_t *err);

/* Run an existing container in the foreground, record its exit and remove
 * it when it was created with --rm.  Returns the container's exit status.  */
int run_start_foreground (struct cli_context *ctx, json_object *config, galley_error_t *err);

#endif
