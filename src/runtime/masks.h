/* Masked and read-only paths of a container (podman's lists): /dev/null over
 * masked files, an empty read-only tmpfs over masked directories, and
 * read-only bind remounts of the read-only paths.  */
#ifndef GALLEY_RUNTIME_MASKS_H
#define GALLEY_RUNTIME_MASKS_H

#include <stdbool.h>

#include "util/error.h"

/* NULL-terminated, absolute container paths.  */
extern const char *const masks_masked_paths[];
extern const char *const masks_readonly_paths[];

/* In the container's mount namespace, after /proc, /sys and /dev are mounted.
 * rootfs_fd >= 0: the paths are resolved inside that directory (before
 * pivot_root, no symlink escapes); -1: relative to "/" (after pivot_root).
 * privileged: nothing to do (podman's --privileged lifts the masks).
 * Missing paths are skipped.  */
int masks_apply (int rootfs_fd, bool privileged, galley_error_t *err);

#endif
