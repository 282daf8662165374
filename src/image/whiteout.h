/* Whiteouts: how the deletions recorded in an image layer (".wh.NAME" and
 * ".wh..wh..opq" tar entries, the OCI/docker convention) are stored in an
 * extracted layer so that both overlay implementations galley mounts with
 * understand them:
 *
 *   ".wh.NAME"      -> a character device 0/0 named NAME.  Native overlayfs
 *                      and fuse-overlayfs both read it as a whiteout; since
 *                      Linux 5.8 an unprivileged user may create it.  If
 *                      mknod is refused anyway, the ".wh.NAME" file is kept:
 *                      fuse-overlayfs still honours that form.
 *   ".wh..wh..opq"  -> xattr "user.overlay.opaque"="y" on the directory.
 *                      Native overlay mounted in a user namespace uses
 *                      "userxattr" and reads exactly that; fuse-overlayfs
 *                      (>= 1.8) reads it too, after trusted.overlay.opaque.
 *                      The marker file itself is not kept (native overlay
 *                      would show it); only where the filesystem has no user
 *                      xattrs is the ".wh..wh..opq" file created instead,
 *                      which fuse-overlayfs honours.
 *
 * A whiteout hides only what lower layers hold (OCI image spec): when the
 * same layer also holds NAME, NAME wins whatever the order in the tar.  */
#ifndef GALLEY_WHITEOUT_H
#define GALLEY_WHITEOUT_H

#include <stdbool.h>
#include <sys/stat.h>

#include "util/error.h"

#define WHITEOUT_PREFIX ".wh."
#define WHITEOUT_OPAQUE_NAME ".wh..wh..opq"
#define WHITEOUT_OPAQUE_XATTR "user.overlay.opaque"

enum whiteout_kind
{
  WHITEOUT_NONE,    /* an ordinary name */
  WHITEOUT_FILE,    /* ".wh.NAME": NAME is deleted */
  WHITEOUT_OPAQUE,  /* ".wh..wh..opq": the directory hides lower contents */
  WHITEOUT_IGNORED, /* other ".wh..wh." names (aufs bookkeeping) or an unusable NAME */
};

/* Classify the last component of a layer path.  For WHITEOUT_FILE, *target
 * (if not NULL) points at NAME inside basename.  */
enum whiteout_kind whiteout_classify (const char *basename, const char **target);

/* True for the 0/0 character device that marks a whiteout.  */
bool whiteout_is_device (const struct stat *st);

/* Record the deletion of `name` in the directory parent_fd.  Does nothing
 * if parent_fd already holds `name` (the same layer's own entry wins).  */
int whiteout_create (int parent_fd, const char *name, galley_error_t *err);

/* Mark the directory dir_fd (opened O_RDONLY|O_DIRECTORY) opaque.  */
int whiteout_make_opaque (int dir_fd, galley_error_t *err);

/* Whether dir_fd is marked opaque (either form).  */
bool whiteout_dir_is_opaque (int dir_fd);

#endif
