/* A container's secrets in its runtime spec: the mounted ones as
 * read-only bind mounts of the container's copies, the env ones as
 * variables read from the store at each start (and exec).  */
#ifndef GALLEY_RUNTIME_SECRET_MOUNTS_H
#define GALLEY_RUNTIME_SECRET_MOUNTS_H

#include "runtime/envfile.h"
#include "runtime/spec.h"
#include "state/container_config.h"
#include "state/paths.h"
#include "util/error.h"

/* Append the mounts of the record's mounted secrets to spec->mounts.  */
int secret_mounts_add (const struct galley_paths *p, const struct container_config *config,
                       struct run_spec *spec, galley_error_t *err);

/* Set the variables of the record's env secrets in env (they win over -e,
 * as podman's).  ENOENT when a secret was removed since create.  */
int secret_mounts_env (const struct galley_paths *p, const struct container_config *config,
                       struct env_list *env, galley_error_t *err);

#endif
