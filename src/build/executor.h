/* `galley build`: running a parsed Containerfile stage by stage.  Each
 * instruction makes an unnamed intermediate image on top of the previous
 * one (metadata instructions change the config, RUN runs a temporary
 * container with the runtime of `run` and keeps its upper dir as the
 * layer, COPY/ADD copy into an overlay of the image inside the user
 * namespace and keep the upper dir likewise), looked up first in the layer
 * cache (build/cache.h).  The target stage's last image gets the names.  */
#ifndef GALLEY_BUILD_EXECUTOR_H
#define GALLEY_BUILD_EXECUTOR_H

#include <stdbool.h>
#include <stdio.h>

#include "image/pull.h"
#include "state/paths.h"
#include "util/error.h"

struct build_options
{
  const char *containerfile; /* path, "-" for stdin, NULL: Containerfile then Dockerfile in the context */
  const char *context_dir;   /* NULL: "." */
  char **tags;               /* NULL-terminated, as typed (may be NULL) */
  const char *target;        /* stage name or index, NULL: the last stage */
  const char *pull;          /* "missing" (NULL), "always", "never", "newer" */
  char **build_args;         /* NULL-terminated "K=V" ("K": from the environment) */
  char **labels;             /* NULL-terminated "K=V" for the final image */
  const char *manifest;      /* --manifest: the list the image joins (made when missing), or NULL */
  char **secrets;            /* NULL-terminated --secret "id=ID[,src=PATH|env=VAR][,type=file|env]" */
  const char *format;        /* "oci" (NULL) or "docker" */
  const char *network;       /* RUN's network mode (NULL: as `run`'s default) */
  const char *unmapped_ids;  /* RUN's "fail" or "ignore" (runtime/unmapped_ids.h); NULL: ignore without
                                subordinate ids */
  bool no_cache;
  bool layers; /* keep the intermediate images and use the cache (the default) */
  bool quiet;  /* no step output; only the id at the end */
  bool squash; /* the new layers become one */
  struct pull_options pull_opts;
  FILE *out; /* step output (stdout as podman) */
};

/* Build; *image_id gets the final image's id.  A failing RUN fails with
 * the container's exit status as the error's exit code.  */
int build_image (const struct galley_paths *paths, const struct build_options *o, char **image_id,
                 galley_error_t *err);

#endif
