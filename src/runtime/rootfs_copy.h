/* The copy rootfs method (the last of native overlay, fuse-overlayfs, copy):
 * the image's layers flattened once into a plain directory
 * containers/<id>/rootfs, with the layers' whiteouts and opaque directories
 * (image/whiteout.h) applied.  The copy runs as root of the container's
 * user namespace: layer files are owned by subordinate ids.  */
#ifndef GALLEY_RUNTIME_ROOTFS_COPY_H
#define GALLEY_RUNTIME_ROOTFS_COPY_H

#include "runtime/spec.h"
#include "util/error.h"

/* When spec->rootfs_method is ROOTFS_METHOD_COPY and spec->rootfs_dir does
 * not exist yet, build it from spec->lower_dirs (bottom first) inside the
 * user namespace of spec->map; otherwise do nothing.  The copy is made in
 * a sibling "<rootfs_dir>.tmp" and renamed when complete, so an
 * interrupted copy is redone, never used.  With spec->store_map (keep-id)
 * the namespace sees the layers with other owners than the image gives
 * them: the copy is owned as the image says (idmap_view_of).  */
int rootfs_copy_ensure (const struct run_spec *spec, galley_error_t *err);

/* The flattening itself, in the current namespace: apply the layers
 * (NULL-terminated, bottom first) onto the existing directory dst_fd.  */
int rootfs_copy_layers (char *const *layers, int dst_fd, galley_error_t *err);

#endif
