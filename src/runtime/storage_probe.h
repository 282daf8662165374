/* What the filesystem holding the storage allows, probed where the store
 * is (not in the runroot, often a tmpfs): network and cluster
 * filesystems (NFS, Lustre, GPFS) and FUSE mounts of them may have no
 * extended attributes, refuse to give files other owners, and refuse to
 * be an overlay's upper directory, all of which the rootfs method and
 * the layers' owners depend on.  */
#ifndef GALLEY_RUNTIME_STORAGE_PROBE_H
#define GALLEY_RUNTIME_STORAGE_PROBE_H

#include <stdbool.h>

#include "ns/idmap.h"
#include "state/paths.h"
#include "util/error.h"

struct storage_probe
{
  char fs_type[64];    /* as mountinfo names it: "ext4", "nfs4", "lustre", "fuse.sshfs"; "unknown" */
  bool xattrs;         /* user.* extended attributes can be set (a native overlay's upper needs them) */
  bool owners;         /* a file can be given another owner of the map (its id 1, or 0 for a single id) */
  bool native_overlay; /* an overlay mount in the user namespace works with its directories there */
  char why[320];       /* why that mount failed */
};

/* Probe the filesystem of p->root (made when missing) as root in a
 * throwaway user namespace with map, in a directory made there and
 * removed again.  Fails only when nothing can be tried there at all.  */
int storage_probe_run (const struct galley_paths *p, const struct idmap *map, struct storage_probe *out,
                       galley_error_t *err);

/* "no extended attributes, file owners refused" or NULL when the
 * filesystem has both; static storage.  */
const char *storage_probe_lacks (const struct storage_probe *sp);

#endif
