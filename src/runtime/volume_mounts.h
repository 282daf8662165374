/* Named and anonymous volumes in containers: -v NAME:/dst[:opts],
 * -v /dst (anonymous), --mount type=volume[,source=NAME],target=/dst[,ro].
 *
 *   create: volume_mounts_prepare rewrites the configuration so that every
 *           volume has a name (anonymous ones get a random name, listed in
 *           "AnonymousVolumes"), creating the volumes that do not exist yet
 *           (podman creates on first use);
 *   build:  volume_mount_rewrite turns one such argument into the bind
 *           mount of the volume's _data the runtime understands, and tells
 *           whether the volume wants the image's content copied up (a new,
 *           empty volume; not with nocopy) and a chown to the container's
 *           user (:U);
 *   init:   volume_copy_up / volume_chown_tree do that inside the container's
 *           user namespace, so files keep the image's owners;
 *   rm -v:  volume_remove_anonymous.  */
#ifndef GALLEY_RUNTIME_VOLUME_MOUNTS_H
#define GALLEY_RUNTIME_VOLUME_MOUNTS_H

#include <stdbool.h>
#include <sys/types.h>

#include <json-c/json.h>

#include "state/paths.h"
#include "util/error.h"

/* Create-time pass over "Volumes" and "Mounts" of config (see above).
 * Fails on an invalid volume name, before anything is created.  */
int volume_mounts_prepare (const struct galley_paths *p, json_object *config, galley_error_t *err);

struct volume_mount_info
{
  char *volume; /* the name, NULL when the argument is not a volume */
  bool copy_up; /* fill from the image when the volume is empty (podman's NeedsCopyUp) */
  bool chown;   /* :U / U=true: chown the tree to the container's user */
};

void volume_mount_info_clear (struct volume_mount_info *i);

/* key "Volumes" (-v) or "Mounts" (--mount).  Not a volume: 0 with
 * *rewritten NULL.  A volume: *rewritten is the equivalent bind argument
 * ("/root/volumes/NAME/_data:/dst:opts" or "type=bind,source=...,...")
 * without the volume-only options (U, copy, nocopy, volume-nocopy).  */
int volume_mount_rewrite (const struct galley_paths *p, const char *key, const char *arg, char **rewritten,
                          struct volume_mount_info *info, galley_error_t *err);

/* Copy the tree of src_dirfd into dst_dirfd when dst is empty: files,
 * directories, symlinks, owners, modes, times (cp -a, without devices).
 * Returns 1 when it copied, 0 when dst was not empty.  */
int volume_copy_up (int src_dirfd, int dst_dirfd, galley_error_t *err);

/* Once the container's mounts are made: the volumes it filled from the
 * image (or found non-empty) are not filled again — podman clears
 * NeedsCopyUp at a volume's first use, so a volume the user empties stays
 * empty.  Failures are warnings: the container runs either way.  */
struct run_spec;
void volume_mounts_copied_up (const struct galley_paths *p, const struct run_spec *spec);

/* chown -R of the tree (symlinks themselves, not their targets).  */
int volume_chown_tree (int dirfd, uid_t uid, gid_t gid, galley_error_t *err);

/* rm -v: remove the container's anonymous volumes ("AnonymousVolumes").
 * Volumes still used by another container stay; missing ones are fine.  */
int volume_remove_anonymous (const struct galley_paths *p, json_object *config, galley_error_t *err);

#endif
