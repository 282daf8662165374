/* The engine: the operations both front ends call, the command line
 * (src/cli/) and the REST service (src/api/).  Each takes the engine
 * context, typed options, and returns a typed result or fills a
 * galley_error_t; none prints (progress goes to the FILE * or the
 * callback the caller gives) and none exits, so that a long-running
 * service can call them as well as a command that ends after one.
 *
 *   engine/container.h  create, run, start, stop, kill, restart, pause,
 *                       rm, wait, rename, exec, attach, logs, commit, cp,
 *                       export, diff, top, inspect, list
 *   engine/pod.h        pods: create, start, stop, kill, rm, inspect,
 *                       their containers; a container's --pod
 *   engine/image.h      list, pull, push, tag, untag, inspect, exists,
 *                       history
 *   engine/volume.h     create, list, inspect, exists, rm, prune
 *   engine/network.h    create, list, find, rm, prune, connect,
 *                       disconnect  */
#ifndef GALLEY_ENGINE_H
#define GALLEY_ENGINE_H

#include <stdio.h>

#include "state/galley_config.h"
#include "state/paths.h"

/* What every operation is given instead of global state: where the
 * storage and the runtime state are, the galley.conf in force, and where
 * a pull reports its progress (NULL: nowhere).  */
struct engine
{
  const struct galley_paths *paths;
  const struct galley_config *config;
  FILE *progress;
};

#endif
