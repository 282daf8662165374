/* Mounting inside the container's mount namespace with the new mount API
 * (open_tree, fsopen, move_mount, mount_setattr): every target is resolved
 * inside the rootfs with openat2(RESOLVE_IN_ROOT) and mounted onto the
 * resolved fd, so a symlink in the (untrusted) image cannot redirect a mount
 * to the host.  Also the standard container filesystems: /proc, /dev, /sys,
 * /dev/pts, /dev/shm, /dev/mqueue.  */
#ifndef GALLEY_RUNTIME_MOUNTS_H
#define GALLEY_RUNTIME_MOUNTS_H

#include <stdbool.h>

#include "runtime/spec.h"
#include "util/error.h"

/* openat2 (dirfd, path, flags, RESOLVE_IN_ROOT | resolve): -1 with errno.  */
int mounts_open_in_root (int rootfd, const char *path, int flags, unsigned long long resolve);

/* Resolve path inside rootfd, creating what is missing (directories, and the
 * last component as an empty file when !dir).  Returns an O_PATH fd.  */
int mounts_resolve_target (int rootfd, const char *path, bool dir, galley_error_t *err);

/* A new filesystem of fstype with "k=v,flag,..." options, attached at
 * target_fd.  attrs: MOUNT_ATTR_* (RDONLY, NOSUID, NODEV, NOEXEC, ...).  */
int mounts_fs_at (const char *fstype, const char *options, unsigned attrs, int target_fd,
                  galley_error_t *err);

/* An overlay of lowers (bottom first) attached at target_fd, as root in a
 * user namespace with a mount namespace of its own.  Always "userxattr":
 * the store writes opaque directories as user.overlay.opaque
 * (image/whiteout.h), and an unprivileged overlay mount requires it.  */
int mounts_overlay_at (char *const *lowers, const char *upper, const char *work, int target_fd,
                       galley_error_t *err);

/* Bind the host path source onto target_fd (recursive or not), with attrs
 * (MOUNT_ATTR_RDONLY...) applied to the whole new tree.  */
int mounts_bind_at (const char *source, bool recursive, unsigned attrs, int target_fd, galley_error_t *err);

/* The standard filesystems under rootfd (the mounted rootfs):
 * /proc (an rbind of the host's with the host's pid namespace), /dev
 * (tmpfs + the 6 nodes + symlinks), /dev/pts, /dev/shm and /dev/mqueue
 * (rbinds of the host's with its IPC namespace, no /dev/shm with --ipc
 * none), /sys (read-only; a read-only rbind of the host's when the
 * container shares the host network, since sysfs needs an owned netns).  */
int mounts_standard (int rootfd, const struct run_spec *spec, galley_error_t *err);

/* Before any other mount: fill the volumes that want it from the image
 * (copy-up, from the rootfs alone: no /proc, /sys or other volume is
 * mounted yet) and chown those with :U to the container's user.  */
int mounts_fill_volumes (int rootfd, const struct run_spec *spec, galley_error_t *err);

/* The user's mounts (-v, --mount, --tmpfs) and /etc/{hosts,resolv.conf,hostname}
 * from spec->state_dir, and with --read-only the tmpfs on /run, /tmp, /var/tmp.  */
int mounts_user (int rootfd, const struct run_spec *spec, galley_error_t *err);

/* Does one of the user's mounts (-v, --mount, --tmpfs) have destination dst?  */
bool mounts_user_mount_at (const struct run_spec *spec, const char *dst);

/* Make the root mount (rootfd's mount) read-only, not its submounts.  */
int mounts_root_readonly (int rootfd, galley_error_t *err);

#endif
