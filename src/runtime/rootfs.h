/* The container's root filesystem: choosing how to assemble it (native
 * overlay in the user namespace, fuse-overlayfs, or a copy), probed once and
 * cached in the runroot, and mounting it in the container init.  */
#ifndef GALLEY_RUNTIME_ROOTFS_H
#define GALLEY_RUNTIME_ROOTFS_H

#include "ns/idmap.h"
#include "runtime/spec.h"
#include "state/paths.h"
#include "util/error.h"

/* The most layers a native overlay mount stacks (the kernel's
 * OVL_MAX_STACK); fuse-overlayfs and the copy method have no such limit.  */
#define ROOTFS_NATIVE_MAX_LAYERS 500

/* "native", "fuse-overlayfs", "copy", "rootfs-dir".  */
const char *rootfs_method_name (enum rootfs_method m);

/* The method for image-based containers.  Order: the config override
 * ([storage] rootfs_method in galley.conf, when set), else the cached probe
 * result ($runroot/rootfs-method, for the storage root it was probed in),
 * else a probe of the storage's filesystem (runtime/storage_probe.h): a
 * native overlay mount in a throwaway user namespace, else fuse-overlayfs
 * when it is installed and /dev/fuse is usable, else copy where the
 * filesystem keeps file owners, else an error naming the fix.  *why (may
 * be NULL) gets a static or cached explanation; valid until the next
 * call.  */
int rootfs_method_choose (const struct galley_paths *p, const struct idmap *map, enum rootfs_method *out,
                          const char **why, galley_error_t *err);

/* The method for a rootfs shown through another map than its layers were
 * stored with (run_spec.store_map, keep-id): the kernel's overlay cannot
 * do that for an unprivileged user (an idmapped mount of a layer needs
 * CAP_SYS_ADMIN over the layer's filesystem, and an overlay mount cannot be
 * idmapped at all), so native becomes fuse-overlayfs, with its uid and gid
 * mapping options, where it is usable, else a copy owned as the image says.
 * Other methods stay.  */
enum rootfs_method rootfs_method_remapped (enum rootfs_method m);

/* For `galley info`: "native (overlay mounts in a user namespace work on this kernel)"...
 * Never fails (an explanation of the failure instead).  Static storage.  */
const char *rootfs_method_explain (const struct galley_paths *p, const struct idmap *map);

/* Root in spec's user namespace, with a mount namespace of its own:
 * assemble the rootfs of spec at spec->mountpoint and return an O_PATH fd
 * of its root.  With fuse-overlayfs the process goes on in a copy of its
 * mount namespace, where the daemon stays.  */
int rootfs_mount (const struct run_spec *spec, galley_error_t *err);

/* rootfs_mount in the container init, whose fuse-overlayfs rootfs the
 * monitor has already mounted (runtime/rootfs_fuse.h).  */
int rootfs_mount_in_init (const struct run_spec *spec, galley_error_t *err);

#endif
