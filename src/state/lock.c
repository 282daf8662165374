/* OFD locks (fcntl F_OFD_SETLK/F_OFD_SETLKW) on whole lock files.  */
#include "config.h"
#include "state/lock.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/fs.h"

int
lock_open (int dirfd, const char *name, galley_error_t *err)
{
  int fd = openat (dirfd, name, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);

  if (fd < 0)
    return galley_error_make (err, errno, "opening lock file %s", name);
  return fd;
}

static int
lock_fcntl (int fd, int cmd, short type)
{
  struct flock fl;

  memset (&fl, 0, sizeof fl);
  fl.l_type = type;
  fl.l_whence = SEEK_SET;
  fl.l_start = 0;
  fl.l_len = 0; /* the whole file */
  return fcntl (fd, cmd, &fl);
}

int
lock_acquire (int fd, enum lock_mode mode, galley_error_t *err)
{
  short type = mode == LOCK_EXCLUSIVE ? F_WRLCK : F_RDLCK;

  while (lock_fcntl (fd, F_OFD_SETLKW, type) < 0)
    if (errno != EINTR)
      return galley_error_make (err, errno, "taking lock");
  return 0;
}

int
lock_try (int fd, enum lock_mode mode, galley_error_t *err)
{
  short type = mode == LOCK_EXCLUSIVE ? F_WRLCK : F_RDLCK;

  if (lock_fcntl (fd, F_OFD_SETLK, type) == 0)
    return 0;
  if (errno == EAGAIN || errno == EACCES)
    return 1;
  return galley_error_make (err, errno, "taking lock");
}

void
lock_release (int fd)
{
  int saved = errno;

  lock_fcntl (fd, F_OFD_SETLK, F_UNLCK);
  errno = saved;
}

int
lock_in_dir (const char *dir, const char *name, int *dirfd, galley_error_t *err)
{
  _cleanup_close_ int dfd = -1, fd = -1;

  if (fs_mkdir_p (dir, 0700, err) < 0)
    return -1;
  dfd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0)
    return galley_error_make (err, errno, "opening %s", dir);
  fd = lock_open (dfd, name, err);
  if (fd < 0 || lock_acquire (fd, LOCK_EXCLUSIVE, err) < 0)
    return -1;
  if (dirfd)
    *dirfd = steal_fd (&dfd);
  return steal_fd (&fd);
}
