/* --device HOST[:CONTAINER][:PERMS]: parsing, and the rootless
 * implementation: a bind mount of the host node (mknod is not allowed in a
 * user namespace).  */
#ifndef GALLEY_RUNTIME_DEVICES_H
#define GALLEY_RUNTIME_DEVICES_H

#include <stddef.h>

#include "util/error.h"

struct device_spec
{
  char *host_path;      /* absolute */
  char *container_path; /* absolute; = host_path when not given */
  char perms[4];        /* subset of "rwm", default "rwm" */
};

int device_parse (const char *spec, struct device_spec *out, galley_error_t *err);
void device_spec_clear (struct device_spec *d);
int device_spec_copy (const struct device_spec *src, struct device_spec *dst, galley_error_t *err);

/* In the container's mount namespace, after /dev is mounted and before
 * pivot_root (it needs the host's device paths and /proc/self/fd): create
 * each container_path inside rootfs_fd (resolved in the root, missing parent
 * directories created; a symlink on the way resolves inside the root) and
 * bind the host node over it.  The perms are parsed but not enforced: only a
 * device cgroup could, and rootless podman does not have one either (a
 * read-only mount does not stop writes to a device node).  */
int devices_bind (int rootfs_fd, const struct device_spec *devs, size_t n, galley_error_t *err);

#endif
