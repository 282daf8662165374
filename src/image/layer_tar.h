/* Writing a layer tar from a directory: the reverse of layer_extract.h, for
 * the layers commit, build and import make, and for `save` and `push` of a
 * stored layer that has no tar-split (layer_split.h).
 *
 * The tar is written anew from the directory: a depth-first walk in byte
 * order of the entry names as they appear in the tar, so the same directory
 * always gives the same bytes.  Entries carry type, permission bits, owner
 * ids, mtime (seconds), link targets and the xattrs that extraction keeps;
 * hardlinks within the layer become hardlink entries.  The extractor's
 * whiteout forms (whiteout.h) go back to the OCI/docker form: a 0/0
 * character device NAME (or a kept ".wh.NAME" file) becomes an empty
 * ".wh.NAME" file, an opaque directory gets a ".wh..wh..opq" entry right
 * after its own.
 *
 * The walk reads every file, so it runs where the layer's owners are
 * mapped: inside the user namespace (userns_run), where the ids it sees are
 * already the container's.  */
#ifndef GALLEY_LAYER_TAR_H
#define GALLEY_LAYER_TAR_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>

#include "image/layer_extract.h"
#include "image/layer_out.h"
#include "image/manifest.h"
#include "util/error.h"

/* Write the layer in the directory diff_dir_fd as a tar to out_fd,
 * compressed as asked (gzip with a fixed header: no time stamp, so the same
 * directory gives the same blob; zstd at libarchive's default level).  */
int layer_tar_write (int diff_dir_fd, int out_fd, enum layer_compression compression,
                     struct layer_tar_result *r, galley_error_t *err);

/* layer_tar_write leaving out the empty regular files whose paths
 * (relative, "etc/hosts") are in skip (NULL-terminated): the mount points a
 * container runtime creates in an upper dir.  */
int layer_tar_write_except (int diff_dir_fd, int out_fd, enum layer_compression compression,
                            const char *const *skip, struct layer_tar_result *r, galley_error_t *err);

/* ---- the pure pieces, exposed for the unit tests ---- */

enum layer_tar_role
{
  LAYER_TAR_ENTRY,    /* an ordinary entry, written under its own name */
  LAYER_TAR_WHITEOUT, /* written as the empty file ".wh.<target>" */
  LAYER_TAR_OPAQUE,   /* the ".wh..wh..opq" file form: the directory is opaque */
  LAYER_TAR_SKIP,     /* not part of the layer (sockets, aufs bookkeeping) */
};

/* What a directory entry `name` with lstat data st stands for; for
 * LAYER_TAR_WHITEOUT, *target is the deleted name.  */
enum layer_tar_role layer_tar_classify (const char *name, const struct stat *st, const char **target);

/* The name an entry gets in the tar (its sort key within its directory):
 * ".wh.NAME" for a whiteout, the name itself otherwise.  Malloc'd.  */
char *layer_tar_entry_name (const char *name, const struct stat *st);

#endif
