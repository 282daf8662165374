/* `commit`: a container's changes as a new image.  The base is the
 * container's image; its config gets the container's command, environment,
 * working directory, user and labels (as podman's commit does), then the
 * --change instructions.  The layer is the container's upper dir (native
 * overlay, fuse-overlayfs).  A container without one -- the copy rootfs
 * method or --rootfs DIR -- and --squash give one flattened layer of the
 * whole filesystem instead of the base's layers plus a new one.  */
#ifndef GALLEY_RUNTIME_COMMIT_H
#define GALLEY_RUNTIME_COMMIT_H

#include <stdbool.h>
#include <stdio.h>

#include <json-c/json.h>

#include "image/image_write.h"
#include "runtime/spec.h"
#include "state/container_list.h"
#include "state/paths.h"
#include "util/error.h"

struct commit_options
{
  const char *author;   /* -a, or NULL */
  const char *message;  /* -m, or NULL */
  json_object *changes; /* parsed -c (image_changes_parse), or NULL */
  bool pause;           /* -p: pause a running container while its files are read */
  bool squash;          /* -s */
  bool include_volumes; /* bind-mounted and named volumes become image volumes too */
  enum image_writer_format format;
  const char *const *names; /* normalised names for the image, NULL-terminated, or NULL */
  FILE *progress;           /* podman's copy lines, or NULL */
};

/* Commit container e, whose runtime spec is spec (run_build_spec).  *id
 * gets the new image's id.  */
int container_commit (const struct galley_paths *p, struct container_entry *e, const struct run_spec *spec,
                      const struct commit_options *o, char **id, galley_error_t *err);

#endif
