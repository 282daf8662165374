/* The code path shared by run, create, start, restart and build's RUN: a
 * container's create-time configuration (a JSON object, stored as
 * container.json) turned into a runtime spec, recorded, and run in the
 * foreground or under a detached monitor.  */
#ifndef GALLEY_RUNTIME_LAUNCH_H
#define GALLEY_RUNTIME_LAUNCH_H

#include <stdbool.h>

#include <json-c/json.h>

#include "runtime/spec.h"
#include "state/paths.h"
#include "util/error.h"

/* Look the image up (pulling per "Pull") and record "ImageID"; nothing to
 * do with --rootfs.  */
int run_resolve_image (const struct galley_paths *paths, json_object *config, galley_error_t *err);

/* Build the runtime spec of container `id` from its configuration; every
 * option is validated here (before anything is created).  */
int run_build_spec (const struct galley_paths *paths, json_object *config, const char *id,
                    struct run_spec *spec, galley_error_t *err);

/* What exec needs of container `id`, which runs: its user and id map,
 * environment, working directory, hostname, confinement and whether it
 * has a network namespace; nothing is resolved or created (its network,
 * volumes and mounts are its start's).  */
int run_build_exec_spec (const struct galley_paths *paths, json_object *config, const char *id,
                         struct run_spec *spec, galley_error_t *err);

/* Create the record of a new container `id` (container_new_id) from config
 * (name generated when absent).  */
int run_create_record (const struct galley_paths *paths, json_object *config, const char *id,
                       galley_error_t *err);

/* Run a built spec in the foreground, record the exit, honour "Rm".
 * caller_exits: the caller exits right after (container_hooks).  */
int run_execute (const struct galley_paths *paths, json_object *config, struct run_spec *spec,
                 bool caller_exits, galley_error_t *err);

/* The runroot part of a container (its run directory with hosts,
 * resolv.conf, hostname): before any start.  */
int run_prepare_runtime (const struct galley_paths *paths, json_object *config, const struct run_spec *spec,
                         galley_error_t *err);

/* launch_detached.c: validate --restart/--log-opt (and --rm with --restart);
 * start a built spec under a detached monitor (returns once it runs);
 * write --cidfile.  */
int run_check_detached_options (json_object *config, galley_error_t *err);
int run_start_detached (const struct galley_paths *paths, json_object *config, struct run_spec *spec,
                        galley_error_t *err);
int run_write_cidfile (json_object *config, const char *id, galley_error_t *err);

/* Start the existing container id detached (start, restart).  */
int run_start_existing (const struct galley_paths *paths, const char *id, galley_error_t *err);

/* Run an existing container in the foreground, record its exit and remove
 * it when it was created with --rm.  Returns the container's exit status.  */
int run_start_foreground (const struct galley_paths *paths, json_object *config, galley_error_t *err);

#endif
