/* Atomic writes, whole-file reads, directory creation and removal.  */
#include "config.h"
#include "util/fs.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/openat2.h>
#include <sys/syscall.h>

#include "util/cleanup.h"
#include "util/xmalloc.h"

int
fs_write_all (int fd, const void *buf, size_t len)
{
  const char *p = buf;

  while (len > 0)
    {
      ssize_t n = write (fd, p, len);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0 && errno == EAGAIN)
        {
          /* a nonblocking fd (a terminal someone else made so): wait */
          struct pollfd pf = { fd, POLLOUT, 0 };
          if (poll (&pf, 1, -1) < 0 && errno != EINTR)
            return -1;
          continue;
        }
      if (n < 0)
        return -1;
      p += n;
      len -= (size_t)n;
    }
  return 0;
}

int
fs_create_temp (int dirfd, const char *name, int flags, mode_t mode, char **tmp_out, galley_error_t *err)
{
  int tries;

  *tmp_out = NULL;
  for (tries = 0; tries < 16; tries++)
    {
      unsigned long long r;
      int fd;

      if (getrandom (&r, sizeof r, 0) != (ssize_t)sizeof r)
        return galley_error_make (err, errno, "getrandom");
      free (*tmp_out);
      *tmp_out = xasprintf ("%s.tmp-%d-%016llx", name, (int)getpid (), r);
      fd = openat (dirfd, *tmp_out, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC | flags, mode);
      if (fd >= 0)
        return fd;
      if (errno != EEXIST)
        break;
    }
  galley_error_make (err, errno, "creating %s", *tmp_out);
  free (*tmp_out);
  *tmp_out = NULL;
  return -1;
}

int
fs_write_atomic (int dirfd, const char *name, const void *data, size_t len, mode_t mode, galley_error_t *err)
{
  _cleanup_free_ char *tmp = NULL;
  _cleanup_free_ char *dir = NULL;
  _cleanup_close_ int fd = -1;
  _cleanup_close_ int dfd = -1;
  const char *slash = strrchr (name, '/');

  fd = fs_create_temp (dirfd, name, 0, mode, &tmp, err);
  if (fd < 0)
    return -1;
  if (fs_write_all (fd, data, len) < 0 || fsync (fd) < 0)
    {
      int e = errno;
      unlinkat (dirfd, tmp, 0);
      return galley_error_make (err, e, "writing %s", tmp);
    }
  if (renameat (dirfd, tmp, dirfd, name) < 0)
    {
      int e = errno;
      unlinkat (dirfd, tmp, 0);
      return galley_error_make (err, e, "renaming %s to %s", tmp, name);
    }
  /* Make the rename itself durable.  */
  if (slash != NULL)
    {
      dir = xstrndup (name, (size_t)(slash - name));
      dfd = openat (dirfd, dir[0] ? dir : "/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    }
  else
    dfd = dirfd == AT_FDCWD ? open (".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
                            : fcntl (dirfd, F_DUPFD_CLOEXEC, 0);
  if (dfd >= 0)
    fsync (dfd);
  return 0;
}

int
fs_write_text (int dirfd, const char *name, const char *text, mode_t mode, galley_error_t *err)
{
  _cleanup_close_ int fd =
      openat (dirfd, name, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, mode);
  struct stat st;

  if (fd < 0 || fstat (fd, &st) < 0)
    return galley_error_make (err, errno, "writing %s", name);
  if (! S_ISREG (st.st_mode))
    return galley_error_make (err, EINVAL, "writing %s: not a regular file", name);
  if (fs_write_all (fd, text, strlen (text)) < 0)
    return galley_error_make (err, errno, "writing %s", name);
  return 0;
}

int
fs_read_fd (int fd, const char *name, size_t max_size, char **out, size_t *len_out, galley_error_t *err)
{
  _cleanup_free_ char *buf = NULL;
  size_t len = 0, cap = 0;
  struct stat st;

  if (fstat (fd, &st) < 0)
    return galley_error_make (err, errno, "stat %s", name);
  for (;;)
    {
      ssize_t n;
      if (cap - len < 4096)
        {
          size_t expected = S_ISREG (st.st_mode) ? (size_t)st.st_size : 0;

          /* a file larger than max_size is refused below, once max_size bytes are read */
          if (max_size && expected > max_size)
            expected = max_size;
          cap = cap ? cap * 2 : expected + 4096;
          buf = xrealloc (buf, cap + 1);
        }
      n = read (fd, buf + len, cap - len);
      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          return galley_error_make (err, errno, "reading %s", name);
        }
      if (n == 0)
        break;
      len += (size_t)n;
      if (max_size && len > max_size)
        return galley_error_make (err, EFBIG, "%s is larger than %zu bytes", name, max_size);
    }
  buf[len] = '\0';
  if (len_out)
    *len_out = len;
  *out = steal_pointer (&buf);
  return 0;
}

int
fs_read_file (int dirfd, const char *name, size_t max_size, char **out, size_t *len_out, galley_error_t *err)
{
  _cleanup_close_ int fd = -1;
  struct stat st;

  /* O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused
   * below like any other non-regular file.  */
  fd = openat (dirfd, name, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0)
    return galley_error_make (err, errno, "opening %s", name);
  if (fstat (fd, &st) < 0)
    return galley_error_make (err, errno, "stat %s", name);
  if (! S_ISREG (st.st_mode))
    return galley_error_make (err, EINVAL, "%s is not a regular file", name);
  if (max_size && (size_t)st.st_size > max_size)
    return galley_error_make (err, EFBIG, "%s is larger than %zu bytes", name, max_size);
  return fs_read_fd (fd, name, max_size, out, len_out, err);
}

int
fs_openat2 (int dirfd, const char *path, int flags, unsigned long long resolve)
{
  struct open_how how = { .flags = (unsigned long long)(flags | O_CLOEXEC), .resolve = resolve };
  int fd, tries;

  if (*path == '\0')
    path = ".";
  for (tries = 0; tries < 128; tries++)
    {
      fd = (int)syscall (SYS_openat2, dirfd, path, &how, sizeof how);
      if (fd >= 0 || errno != EAGAIN)
        return fd;
    }
  return -1;
}

int
fs_open_in_root (int rootfd, const char *path, int flags, unsigned long long resolve)
{
  while (*path == '/')
    path++;
  return fs_openat2 (rootfd, path, flags, RESOLVE_IN_ROOT | resolve);
}

int
fs_mkdir_p (const char *path, mode_t mode, galley_error_t *err)
{
  _cleanup_free_ char *copy = xstrdup (path);
  char *p;

  for (p = copy + 1; *p; p++)
    {
      if (*p != '/')
        continue;
      *p = '\0';
      if (mkdir (copy, mode) < 0 && errno != EEXIST)
        return galley_error_make (err, errno, "creating directory %s", copy);
      *p = '/';
    }
  if (mkdir (copy, mode) < 0 && errno != EEXIST)
    return galley_error_make (err, errno, "creating directory %s", copy);
  return 0;
}

static int
remove_children (int dfd, struct stat *parent, galley_error_t *err)
{
  _cleanup_closedir_ DIR *d = NULL;
  struct dirent *de;
  int fd2 = fcntl (dfd, F_DUPFD_CLOEXEC, 0);

  if (fd2 < 0)
    return galley_error_make (err, errno, "dup");
  d = fdopendir (fd2);
  if (d == NULL)
    {
      close (fd2);
      return galley_error_make (err, errno, "opendir");
    }
  while ((de = readdir (d)) != NULL)
    {
      if (strcmp (de->d_name, ".") == 0 || strcmp (de->d_name, "..") == 0)
        continue;
      if (unlinkat (dfd, de->d_name, 0) == 0 || errno == ENOENT)
        continue;
      if (errno != EISDIR && errno != EPERM)
        return galley_error_make (err, errno, "removing %s", de->d_name);
      {
        struct stat st;
        _cleanup_close_ int child = -1;

        if (fstatat (dfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
          return galley_error_make (err, errno, "stat %s", de->d_name);
        if (! S_ISDIR (st.st_mode) || st.st_dev != parent->st_dev)
          return galley_error_make (err, EBUSY, "refusing to remove %s", de->d_name);
        child = openat (dfd, de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (child < 0)
          {
            /* A directory without search permission: make it ours first.  */
            if (fchmodat (dfd, de->d_name, 0700, 0) < 0)
              return galley_error_make (err, errno, "opening %s", de->d_name);
            child = openat (dfd, de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (child < 0)
              return galley_error_make (err, errno, "opening %s", de->d_name);
          }
        fchmod (child, 0700);
        if (remove_children (child, &st, err) < 0)
          return galley_error_wrap (err, "%s", de->d_name);
        if (unlinkat (dfd, de->d_name, AT_REMOVEDIR) < 0 && errno != ENOENT)
          return galley_error_make (err, errno, "removing %s", de->d_name);
      }
    }
  return 0;
}

int
fs_fd_above (int fd, int min)
{
  int n;

  if (fd < 0 || fd >= min)
    return fd;
  n = fcntl (fd, F_DUPFD_CLOEXEC, min);
  close (fd);
  return n;
}

int
fs_remove_tree (int dirfd, const char *name, galley_error_t *err)
{
  _cleanup_close_ int fd = -1;
  struct stat st;

  if (fstatat (dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
    return errno == ENOENT ? 0 : galley_error_make (err, errno, "stat %s", name);
  if (! S_ISDIR (st.st_mode))
    {
      if (unlinkat (dirfd, name, 0) < 0 && errno != ENOENT)
        return galley_error_make (err, errno, "removing %s", name);
      return 0;
    }
  fd = openat (dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return galley_error_make (err, errno, "opening %s", name);
  if (remove_children (fd, &st, err) < 0)
    return galley_error_wrap (err, "removing %s", name);
  if (unlinkat (dirfd, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
    return galley_error_make (err, errno, "removing %s", name);
  return 0;
}

char *
fs_clean_relative (const char *path)
{
  char *out = xmalloc (strlen (path) + 2);
  size_t len = 0;
  const char *p = path;

  while (*p != '\0')
    {
      size_t n;
      while (*p == '/')
        p++;
      n = strcspn (p, "/");
      if (n == 0 || (n == 1 && p[0] == '.'))
        ;
      else if (n == 2 && p[0] == '.' && p[1] == '.')
        {
          while (len > 0 && out[len - 1] != '/')
            len--;
          if (len > 0)
            len--;
        }
      else
        {
          if (len > 0)
            out[len++] = '/';
          memcpy (out + len, p, n);
          len += n;
        }
      p += n;
    }
  out[len] = '\0';
  return out;
}

int
fs_copy_data (int in, int out, off_t size, galley_error_t *err)
{
  char buf[65536];
  off_t done = 0;
  ssize_t n;

  while (done < size)
    {
      n = copy_file_range (in, NULL, out, NULL, (size_t)(size - done), 0);
      if (n < 0 && (errno == EXDEV || errno == ENOSYS || errno == EINVAL || errno == EOPNOTSUPP))
        break;
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return galley_error_make (err, errno, "copying");
      if (n == 0)
        return 0; /* the file shrank meanwhile */
      done += n;
    }
  if (done >= size)
    return 0;
  /* copy_file_range refused: plain read/write from where it stopped.  */
  if (lseek (in, done, SEEK_SET) < 0 || lseek (out, done, SEEK_SET) < 0)
    return galley_error_make (err, errno, "seeking");
  for (;;)
    {
      char *p = buf;
      n = read (in, buf, sizeof buf);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return galley_error_make (err, errno, "reading");
      if (n == 0)
        return 0;
      while (n > 0)
        {
          ssize_t w = write (out, p, (size_t)n);
          if (w < 0 && errno == EINTR)
            continue;
          if (w < 0)
            return galley_error_make (err, errno, "writing");
          p += w;
          n -= w;
        }
    }
}
