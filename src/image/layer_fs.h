/* Confined creation of a layer's entries inside its diff directory.
 *
 * Every path is resolved with openat2(RESOLVE_IN_ROOT|RESOLVE_NO_MAGICLINKS)
 * relative to the diff directory, so absolute symlinks, "..", and symlinked
 * parents all stay inside it; the last component is then created with an
 * *at call that never follows it.  Names containing ".." are refused.
 * Directory metadata is applied at the end (layer_fs_finish) so that a
 * read-only directory can still be filled and its mtime is the archive's.  */
#ifndef GALLEY_LAYER_FS_H
#define GALLEY_LAYER_FS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "util/error.h"

struct layer_fs_meta
{
  mode_t mode; /* permission bits incl. setuid/setgid/sticky */
  uid_t uid;
  gid_t gid;
  struct timespec atime, mtime;
};

struct layer_fs_pending_dir;

struct layer_fs
{
  int root_fd;
  bool fold_owners;         /* do not chown: every owner becomes the extracting user */
  unsigned owners_unmapped; /* chown refused (id outside the namespace): left to the user */
  unsigned owners_refused;  /* chown refused by the filesystem (EPERM): left to the user */
  unsigned devices_skipped; /* device nodes that could not be created rootless */
  char *cached_parent;      /* last parent path resolved, and its fd */
  int cached_parent_fd;
  struct layer_fs_pending_dir *dirs;
  size_t n_dirs, dirs_alloc;
};

/* Normalise a layer entry name: strip leading "/" and "./", collapse "//"
 * and "/./", drop a trailing "/".  The root itself becomes ".".  Returns
 * -1 with errno EXDEV when a component is "..", EINVAL when empty.  */
int layer_path_clean (const char *name, char **out);

int layer_fs_open (struct layer_fs *fs, const char *diff_dir, bool fold_owners, galley_error_t *err);
void layer_fs_close (struct layer_fs *fs);

/* The entry creators; `path` is a raw archive name (cleaned here).  */
int layer_fs_mkdir (struct layer_fs *fs, const char *path, const struct layer_fs_meta *m,
                    galley_error_t *err);
/* Create a regular file, returning a writable fd; call layer_fs_file_done
 * after writing its data.  */
int layer_fs_create_file (struct layer_fs *fs, const char *path, galley_error_t *err);
int layer_fs_file_done (struct layer_fs *fs, int fd, const char *path, const struct layer_fs_meta *m,
                        uint64_t size, galley_error_t *err);
int layer_fs_symlink (struct layer_fs *fs, const char *path, const char *target,
                      const struct layer_fs_meta *m, galley_error_t *err);
int layer_fs_hardlink (struct layer_fs *fs, const char *path, const char *target, galley_error_t *err);
/* fifos; character and block devices are skipped when mknod is refused.  */
int layer_fs_mknod (struct layer_fs *fs, const char *path, mode_t type, dev_t dev,
                    const struct layer_fs_meta *m, galley_error_t *err);
/* ".wh." entries (see whiteout.h).  */
int layer_fs_whiteout (struct layer_fs *fs, const char *path, galley_error_t *err);
/* Set an xattr on an entry already created (best effort for what the
 * filesystem or the namespace refuses; overlay's own names are dropped).  */
int layer_fs_set_xattr (struct layer_fs *fs, int fd, const char *path, const char *name, const void *value,
                        size_t size, galley_error_t *err);
/* Whether an image xattr may be kept.  */
bool layer_fs_xattr_allowed (const char *name);

/* Open path (relative, clean) resolved inside root_fd as the creators
 * resolve it: symlinks and ".." stay inside.  O_NOFOLLOW in flags leaves a
 * last component that is a symlink unfollowed.  -1 with errno.  */
int layer_fs_open_confined (int root_fd, const char *path, int flags);

/* Resolve with openat2 (the default; falls back by itself where the kernel
 * lacks it) or walk components by hand (tests of the fallback).  */
void layer_fs_use_openat2 (bool use);

/* Apply the directories' metadata, deepest first.  */
int layer_fs_finish (struct layer_fs *fs, galley_error_t *err);

#endif
