/* A SquashFS file as a container's image (`galley run FILE.sqfs`, or
 * `--rootfs FILE`): nothing is unpacked and nothing is copied per user or
 * per container.  squashfuse_ll mounts the file read-only in the
 * container's user namespace, so the owners the file records are the
 * image's, seen through the container's id map as a pulled image's are
 * (with a single-id map, owners other than root are unmapped: nobody).
 * That mount is the one lower dir of the usual overlay (native, else
 * fuse-overlayfs), whose upper and work dirs are the container's, on local
 * disk.  The image's configuration (Env, Entrypoint, Cmd, WorkingDir,
 * User, ...) is read from the file itself (image/squash_config.h).
 *
 * A running container's squashfuse_ll is started by the monitor, as its
 * fuse-overlayfs is (runtime/rootfs_fuse.h), before fuse-overlayfs, whose
 * lower dir it makes; cp and export of a stopped container mount it in
 * place.  */
#ifndef GALLEY_RUNTIME_ROOTFS_SQUASH_H
#define GALLEY_RUNTIME_ROOTFS_SQUASH_H

#include <stdbool.h>

#include <json-c/json.h>

#include "runtime/rootfs_fuse.h"
#include "runtime/spec.h"
#include "state/container_config.h"
#include "state/paths.h"
#include "util/error.h"

/* run/create: an image argument (config's image) that ends in ".sqfs"
 * and names an existing file, relative to the current directory or
 * absolute, is that SquashFS file, as with --rootfs.  The path of a
 * --rootfs (a SquashFS file or a directory) is made absolute, so that
 * the container starts from anywhere later.  */
int rootfs_squash_resolve (struct container_config *config, galley_error_t *err);

/* Is path (a --rootfs) a file, hence a SquashFS image, not a
 * directory?  */
bool rootfs_squash_is_file (const char *path);

/* The spec's rootfs from the SquashFS file `file` (absolute) of container
 * id, over spec->rootfs_method as rootfs_method_choose chose it (the
 * copy method cannot serve): the mount point, the overlay over it,
 * squashfuse_ll found;
 * *image_cfg: the image config's "config" object, NULL when the file has
 * none.  */
int rootfs_squash_spec (const struct galley_paths *paths, const char *id, const char *file,
                        struct run_spec *spec, json_object **image_cfg, galley_error_t *err);

/* Only *image_cfg, as rootfs_squash_spec (exec).  */
int rootfs_squash_image_config (const char *file, json_object **image_cfg, galley_error_t *err);

/* The monitor: mount spec->squash_file at spec->squash_mount in the
 * namespaces of the container init (fuse_helper_start).  */
int squash_daemon_start (const struct run_spec *spec, pid_t init, struct fuse_daemon *d, galley_error_t *err);

/* cp, export: the same in the calling process (fuse_helper_mount_in_place). */
int rootfs_squash_mount (const struct run_spec *spec, galley_error_t *err);

#endif
