/* The -v/--volume, --mount and --tmpfs arguments of run and create, parsed
 * and checked as podman 4.3 does: the same syntax, the same conflicting
 * options refused in podman's words (ro with rw, exec with noexec, two
 * sizes, ...), destinations cleaned, and no bind or volume over the
 * container's /proc, /sys or /dev.
 *
 * Pure: nothing here touches the store, so that every argument is checked
 * before a volume is created.  A named volume comes back as a bind mount
 * with `volume` set and no source yet (volume_mounts.h resolves it); `-v
 * /dst` and --mount type=volume without a source as an anonymous one.  */
#ifndef GALLEY_RUNTIME_MOUNT_ARGS_H
#define GALLEY_RUNTIME_MOUNT_ARGS_H

#include <stddef.h>

#include "runtime/spec.h"
#include "state/container_config.h"
#include "util/error.h"

/* -v SRC:DST[:OPTS] (SRC a host path or a volume name) or -v DST (an
 * anonymous volume).  OPTS: ro, rw, [no]exec, [no]suid, [no]dev, bind,
 * rbind, z, Z, propagation, and for volumes U, copy, nocopy.  */
int mount_parse_volume (const char *arg, struct mount_spec *out, galley_error_t *err);

/* --mount type=bind|volume|tmpfs,target=DST[,source=...][,options].  */
int mount_parse_mount (const char *arg, struct mount_spec *out, galley_error_t *err);

/* --tmpfs DST[:OPTS] (podman's defaults: rw,noexec,nosuid,nodev).  */
int mount_parse_tmpfs (const char *arg, struct mount_spec *out, galley_error_t *err);

/* The same -v or --tmpfs argument given twice is one mount, as in podman:
 * drop the repeats from the configuration's volumes and tmpfs.  */
void mount_config_drop_repeats (struct container_config *config);

/* All mounts of a container configuration, in order: its volumes (-v),
 * mounts (--mount) and tmpfs.  Two on one destination are refused ("/b:
 * duplicate mount destination").  *out has *n_out entries (mount_spec_clear
 * each, free the array).  */
int mount_parse_config (const struct container_config *config, struct mount_spec **out, size_t *n_out,
                        galley_error_t *err);

#endif
