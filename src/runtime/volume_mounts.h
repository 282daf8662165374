/* Named and anonymous volumes in containers: -v NAME:/dst[:opts],
 * -v /dst (anonymous), --mount type=volume[,source=NAME],target=/dst[,ro].
 *
 *   create: volume_mounts_prepare checks every mount argument
 *           (runtime/mount_args.h), then creates the volumes that do not
 *           exist yet (podman creates on first use) and gives each
 *           anonymous one a random name, written back into the
 *           configuration and listed in its anonymous_volumes;
 *   build:  volume_mount_resolve points a parsed volume mount at the
 *           volume's _data and tells whether it wants the image's content
 *           copied up (a volume not filled yet; not with nocopy);
 *   init:   volume_copy_up / volume_chown_tree do that (and :U) inside the
 *           container's user namespace, so files keep the image's owners;
 *   rm -v:  volume_remove_anonymous.  */
#ifndef GALLEY_RUNTIME_VOLUME_MOUNTS_H
#define GALLEY_RUNTIME_VOLUME_MOUNTS_H

#include <stdbool.h>
#include <sys/types.h>

#include "state/container_config.h"
#include "state/paths.h"
#include "util/error.h"

/* Create-time pass over the mounts of config (see above).  A wrong
 * argument fails before any volume is created.  */
int volume_mounts_prepare (const struct galley_paths *p, struct container_config *config,
                           galley_error_t *err);

/* A parsed volume mount (m->volume set) as its volume's options say
 * (state/volume_options.h): m->source becomes the volume's _data or its
 * bind device, or the mount a tmpfs; m->copy_up stays set while the
 * volume's NeedsCopyUp is (a tmpfs volume: always, unless nocopy).
 * Anything else is left alone.  */
struct mount_spec;
int volume_mount_resolve (const struct galley_paths *p, struct mount_spec *m, galley_error_t *err);

/* Copy the tree of src_dirfd into dst_dirfd when dst is empty: files,
 * directories, symlinks, owners, modes, times (cp -a, without devices).
 * Returns 1 when it copied, 0 when dst was not empty.  When the copy fails
 * half way, what it copied is removed again: the volume stays empty, to
 * be filled at its next use.  */
int volume_copy_up (int src_dirfd, int dst_dirfd, galley_error_t *err);

/* Once the container's mounts are made: the volumes it filled from the
 * image (or found non-empty) are not filled again — podman clears
 * NeedsCopyUp at a volume's first use, so a volume the user empties stays
 * empty.  Failures are warnings: the container runs either way.  */
struct run_spec;
void volume_mounts_copied_up (const struct galley_paths *p, const struct run_spec *spec);

/* chown -R of the tree (symlinks themselves, not their targets).  */
int volume_chown_tree (int dirfd, uid_t uid, gid_t gid, galley_error_t *err);

/* rm -v: remove the container's anonymous volumes.  Volumes still used
 * by another container stay; missing ones are fine.  */
int volume_remove_anonymous (const struct galley_paths *p, const struct container_config *config,
                             galley_error_t *err);

#endif
