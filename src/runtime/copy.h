/* galley cp: copying between the host and a container's filesystem.  Every
 * container path is resolved inside the container's root with openat2
 * RESOLVE_IN_ROOT (a symlink in the container can never point the copy at
 * the host: the CVE-2018-15664 class), and the copy runs as root of the
 * container's user namespace so that files of any mapped owner can be
 * read and written.  A running container is reached through its init's
 * root; a stopped one has its rootfs mounted for the copy in a private
 * mount namespace.  */
#ifndef GALLEY_RUNTIME_COPY_H
#define GALLEY_RUNTIME_COPY_H

#include <stdbool.h>

#include "runtime/spec.h"
#include "state/container_state.h"
#include "util/error.h"

struct copy_request
{
  bool to_container; /* host_path -> ctr_path; else ctr_path -> host_path */
  const char *host_path;
  const char *ctr_name; /* the container as the user named it, for messages */
  const char *ctr_path; /* a relative one starts at the container's working directory */
};

/* docker/podman semantics: an existing destination directory receives the
 * source under its base name; "SRC/." copies the contents.  A container
 * that is not running is copied to and from as podman does: a path under
 * a bind mount or volume is in the mount's source.  A failed copy leaves
 * nothing it created behind.  */
int container_copy (const struct run_spec *spec, const struct container_state *st,
                    const struct copy_request *req, galley_error_t *err);

#endif
