/* The code path shared by run, create, start, restart and build's RUN: a
 * container's create-time configuration (state/container_config.h, stored
 * as container.json) turned into a runtime spec, recorded, and run in the
 * foreground or under a detached monitor.  */
#ifndef GALLEY_RUNTIME_LAUNCH_H
#define GALLEY_RUNTIME_LAUNCH_H

#include <stdbool.h>
#include <stdio.h>

#include "runtime/spec.h"
#include "state/container_config.h"
#include "state/paths.h"
#include "util/error.h"

/* Look the image up (pulling per its pull policy, progress to progress
 * unless NULL) and record its id; nothing to do with --rootfs.  */
int run_resolve_image (const struct galley_paths *paths, struct container_config *config, FILE *progress,
                       galley_error_t *err);

/* Build the runtime spec of container `id` from its configuration; every
 * option is validated here (before anything is created).  What is
 * resolved on the way is recorded in config: the command line (args), the
 * stop signal, the port mappings, the anonymous volumes.  */
int run_build_spec (const struct galley_paths *paths, struct container_config *config, const char *id,
                    struct run_spec *spec, galley_error_t *err);

/* What exec needs of container `id`, which runs: its user and id map,
 * environment, working directory, hostname, confinement and whether it
 * has a network namespace; nothing is resolved or created (its network,
 * volumes and mounts are its start's).  */
int run_build_exec_spec (const struct galley_paths *paths, const struct container_config *config,
                         const char *id, struct run_spec *spec, galley_error_t *err);

/* Create the record of a new container `id` (container_new_id) from config
 * (name generated when absent).  *run_lock (unless NULL) gets its run lock
 * (state/container_state.h), for the start that follows.  */
int run_create_record (const struct galley_paths *paths, struct container_config *config, const char *id,
                       int *run_lock, galley_error_t *err);

/* Run a built spec in the foreground holding its run lock (*run_lock, kept
 * above the preserved fds), then run_finish.  caller_exits: the caller
 * exits right after (container_hooks).  */
int run_execute (const struct galley_paths *paths, const struct container_config *config,
                 struct run_spec *spec, int *run_lock, bool caller_exits, galley_error_t *err);

/* After a run, or a start that failed (exit_code its error's): a --rm
 * container is removed (closing *run_lock), any other gets its exit
 * recorded.  */
void run_finish (const struct galley_paths *paths, const struct container_config *config,
                 const struct run_spec *spec, int *run_lock, int exit_code);

/* The runroot part of a container (its run directory with hosts,
 * resolv.conf, hostname): before any start.  */
int run_prepare_runtime (const struct galley_paths *paths, const struct container_config *config,
                         const struct run_spec *spec, galley_error_t *err);

/* launch_detached.c: validate --restart/--log-opt (and --rm with --restart);
 * start a built spec under a detached monitor, which gets the run lock
 * (returns once the container runs; a start that failed is run_finish'ed);
 * write --cidfile.  */
int run_check_detached_options (const struct container_config *config, galley_error_t *err);
int run_start_detached (const struct galley_paths *paths, const struct container_config *config,
                        struct run_spec *spec, int *run_lock, galley_error_t *err);
int run_write_cidfile (const struct container_config *config, const char *id, galley_error_t *err);

/* The infra container of config's pod started, when config is of a pod
 * that has one and is not it: a pod's containers join its namespaces.  */
int run_pod_infra_start (const struct galley_paths *paths, const struct container_config *config,
                         galley_error_t *err);

/* Start an existing container detached (start, restart), once its run
 * lock is ours; one that runs already is left alone (0).  */
int run_start_existing (const struct galley_paths *paths, const char *name_or_id, galley_error_t *err);

/* Run an existing container in the foreground (start -a; -i keeps stdin
 * attached), record its exit and remove it when it was created with --rm.
 * Returns the container's exit status.  */
int run_start_foreground (const struct galley_paths *paths, const char *name_or_id, bool interactive,
                          galley_error_t *err);

#endif
