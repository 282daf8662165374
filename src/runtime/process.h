/* The monitor side of a container in the foreground: clone the container
 * init into new namespaces, write its id maps, relay signals, the pty and
 * stdio, wait, and map the result to an exit status.  */
#ifndef GALLEY_RUNTIME_PROCESS_H
#define GALLEY_RUNTIME_PROCESS_H

#include "runtime/spec.h"
#include "state/paths.h"
#include "util/error.h"

/* Run spec in the foreground.  Returns the container's exit status (its
 * code, or 128+N when killed by signal N), or -1 with *err when the
 * container could not be started (exit code 125, or 126/127 when the command
 * could not be invoked / was not found).  */
int container_run_foreground (const struct galley_paths *paths, const struct run_spec *spec,
                              galley_error_t *err);

#endif
