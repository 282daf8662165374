/* Whiteouts and opaque directories in an extracted layer (forms: whiteout.h).  */
#include "config.h"
#include "image/whiteout.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "util/cleanup.h"

enum whiteout_kind
whiteout_classify (const char *basename, const char **target)
{
  const char *name;

  if (strncmp (basename, WHITEOUT_PREFIX, strlen (WHITEOUT_PREFIX)) != 0)
    return WHITEOUT_NONE;
  if (strcmp (basename, WHITEOUT_OPAQUE_NAME) == 0)
    return WHITEOUT_OPAQUE;
  name = basename + strlen (WHITEOUT_PREFIX);
  /* ".wh..wh.plnk", ".wh..wh.aufs": aufs' own bookkeeping, meaningless here.  */
  if (strncmp (name, WHITEOUT_PREFIX, strlen (WHITEOUT_PREFIX)) == 0)
    return WHITEOUT_IGNORED;
  if (name[0] == '\0' || strcmp (name, ".") == 0 || strcmp (name, "..") == 0 || strchr (name, '/') != NULL)
    return WHITEOUT_IGNORED;
  if (target != NULL)
    *target = name;
  return WHITEOUT_FILE;
}

bool
whiteout_is_device (const struct stat *st)
{
  return S_ISCHR (st->st_mode) && st->st_rdev == makedev (0, 0);
}

int
whiteout_create (int parent_fd, const char *name, galley_error_t *err)
{
  _cleanup_free_ char *marker = NULL;
  _cleanup_close_ int fd = -1;
  struct stat st;

  /* The layer's own NAME (created before this whiteout) wins; the reverse
   * order is handled by the creators, which replace a whiteout device.  */
  if (fstatat (parent_fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0)
    return 0;
  if (errno != ENOENT)
    return galley_error_make (err, errno, "whiteout %s", name);
  if (mknodat (parent_fd, name, S_IFCHR | 0000, makedev (0, 0)) == 0)
    return 0;
  if (errno != EPERM && errno != EOPNOTSUPP)
    return galley_error_make (err, errno, "creating whiteout %s", name);
  /* Keep the ".wh.NAME" form, which fuse-overlayfs understands.  */
  if (asprintf (&marker, "%s%s", WHITEOUT_PREFIX, name) < 0)
    return galley_error_make (err, ENOMEM, "whiteout %s", name);
  fd = openat (parent_fd, marker, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0000);
  if (fd < 0)
    return galley_error_make (err, errno, "creating whiteout %s", marker);
  return 0;
}

int
whiteout_make_opaque (int dir_fd, galley_error_t *err)
{
  _cleanup_close_ int fd = -1;

  if (fsetxattr (dir_fd, WHITEOUT_OPAQUE_XATTR, "y", 1, 0) == 0)
    return 0;
  if (errno != ENOTSUP)
    return galley_error_make (err, errno, "marking a directory opaque (%s)", WHITEOUT_OPAQUE_XATTR);
  fd = openat (dir_fd, WHITEOUT_OPAQUE_NAME, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0000);
  if (fd < 0)
    return galley_error_make (err, errno, "creating %s", WHITEOUT_OPAQUE_NAME);
  return 0;
}

bool
whiteout_dir_is_opaque (int dir_fd)
{
  char value[2];
  ssize_t n = fgetxattr (dir_fd, WHITEOUT_OPAQUE_XATTR, value, sizeof value);
  struct stat st;

  if (n == 1 && value[0] == 'y')
    return true;
  return fstatat (dir_fd, WHITEOUT_OPAQUE_NAME, &st, AT_SYMLINK_NOFOLLOW) == 0;
}
