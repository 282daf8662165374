/* The change counter (see change_counter.h).  */
#include "config.h"
#include "util/change_counter.h"

#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/fs.h"

#define ROTATE_AT (64 * 1024)

/* Replace a full counter with an empty one.  Changes counted on the old
 * file by writers that opened it before the rename are not lost: a reader
 * that sampled the old file sees a new inode either way.  */
static void
rotate (int dirfd, const char *name)
{
  _cleanup_error_ galley_error_t ignored = NULL;
  _cleanup_free_ char *tmp = NULL;
  _cleanup_close_ int fd = fs_create_temp (dirfd, name, 0, 0600, &tmp, &ignored);

  if (fd >= 0 && renameat (dirfd, tmp, dirfd, name) < 0)
    unlinkat (dirfd, tmp, 0);
}

void
change_counter_bump (int dirfd, const char *name)
{
  _cleanup_close_ int fd =
      openat (dirfd, name, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0600);
  struct stat sb;

  if (fd < 0 || write (fd, "+", 1) != 1)
    {
      /* a counter that missed a change must not be trusted again */
      unlinkat (dirfd, name, 0);
      return;
    }
  if (fstat (fd, &sb) == 0 && sb.st_size >= ROTATE_AT)
    rotate (dirfd, name);
}

bool
change_counter_stamp (int dirfd, const char *name, char buf[CHANGE_STAMP_MAX])
{
  struct stat dir, sb;
  int n;

  if (fstatat (dirfd, name, &sb, AT_SYMLINK_NOFOLLOW) < 0)
    {
      _cleanup_close_ int fd =
          openat (dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
      if (fd < 0 || fstat (fd, &sb) < 0)
        return false;
    }
  if (! S_ISREG (sb.st_mode) || fstat (dirfd, &dir) < 0)
    return false;
  n = snprintf (buf, CHANGE_STAMP_MAX, "%llx:%llx:%llx:%lld.%09ld:%lld.%09ld", (unsigned long long)sb.st_dev,
                (unsigned long long)sb.st_ino, (unsigned long long)sb.st_size, (long long)sb.st_mtim.tv_sec,
                sb.st_mtim.tv_nsec, (long long)dir.st_mtim.tv_sec, dir.st_mtim.tv_nsec);
  return n > 0 && n < CHANGE_STAMP_MAX;
}
