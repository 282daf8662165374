/* Confined creation of layer entries (see layer_fs.h): openat2 with
 * RESOLVE_IN_ROOT for every path, *at calls that never follow the last
 * component, directory metadata deferred to the end.  */
#include "config.h"
#include "image/layer_fs.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "image/whiteout.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/xmalloc.h"

struct layer_fs_pending_dir
{
  char *path;
  struct layer_fs_meta meta;
};

#define MAX_SYMLINKS 40
#define MAX_DEPTH 256

static void
close_stack (int *stack, size_t depth)
{
  while (depth-- > 0)
    close (stack[depth]);
}

/* RESOLVE_IN_ROOT done by hand, one component at a time, for kernels
 * before 5.6 and for valgrind, which do not know openat2: ".." stops at the
 * root, and a symlink is expanded into the rest of the path (an absolute
 * target restarts from the root).  The layer directory is ours alone while
 * it is extracted, so nothing changes under the walk.  */
static int
confined_open_by_hand (int root_fd, const char *path, int flags)
{
  int stack[MAX_DEPTH];
  size_t depth = 1, links = 0;
  _cleanup_free_ char *rest = strdup (path);
  char *p;
  int fd, e;

  if (rest == NULL)
    return -1;
  stack[0] = fcntl (root_fd, F_DUPFD_CLOEXEC, 0);
  if (stack[0] < 0)
    return -1;
  p = rest;
  for (;;)
    {
      char *name, *end;
      bool last;
      struct stat st;

      while (*p == '/')
        p++;
      if (*p == '\0')
        {
          fd = openat (stack[depth - 1], ".", flags | O_CLOEXEC);
          break;
        }
      name = p;
      end = strchrnul (p, '/');
      last = strspn (end, "/") == strlen (end);
      p = *end ? end + 1 : end;
      *end = '\0';
      if (strcmp (name, ".") == 0)
        continue;
      if (strcmp (name, "..") == 0)
        {
          if (depth > 1)
            close (stack[--depth]);
          continue;
        }
      if (fstatat (stack[depth - 1], name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK (st.st_mode)
          && ! (last && (flags & O_NOFOLLOW)))
        {
          char target[PATH_MAX];
          ssize_t n = readlinkat (stack[depth - 1], name, target, sizeof target - 1);
          char *joined = NULL;

          if (n < 0 || ++links > MAX_SYMLINKS)
            {
              e = n < 0 ? errno : ELOOP;
              close_stack (stack, depth);
              errno = e;
              return -1;
            }
          target[n] = '\0';
          if (asprintf (&joined, "%s/%s", target, p) < 0)
            {
              close_stack (stack, depth);
              errno = ENOMEM;
              return -1;
            }
          if (target[0] == '/')
            while (depth > 1)
              close (stack[--depth]);
          free (rest);
          rest = joined;
          p = rest;
          continue;
        }
      if (last)
        {
          fd = openat (stack[depth - 1], name, flags | O_NOFOLLOW | O_CLOEXEC, 0600);
          break;
        }
      if (depth == MAX_DEPTH)
        {
          close_stack (stack, depth);
          errno = ENAMETOOLONG;
          return -1;
        }
      stack[depth] = openat (stack[depth - 1], name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (stack[depth] < 0)
        {
          e = errno;
          close_stack (stack, depth);
          errno = e;
          return -1;
        }
      depth++;
    }
  e = errno;
  close_stack (stack, depth);
  errno = e;
  return fd;
}

static bool no_openat2;

void
layer_fs_use_openat2 (bool use)
{
  __atomic_store_n (&no_openat2, ! use, __ATOMIC_RELAXED);
}

/* glibc 2.36 has no openat2 wrapper.  */
int
layer_fs_open_confined (int root_fd, const char *path, int flags)
{
  int fd;

  if (! __atomic_load_n (&no_openat2, __ATOMIC_RELAXED))
    {
      fd = fs_open_in_root (root_fd, path, flags, RESOLVE_NO_MAGICLINKS);
      if (fd >= 0 || errno != ENOSYS)
        return fd;
      __atomic_store_n (&no_openat2, true, __ATOMIC_RELAXED);
    }
  return confined_open_by_hand (root_fd, path, flags);
}

int
layer_path_clean (const char *name, char **out)
{
  _cleanup_free_ char *buf = malloc (strlen (name) + 2);
  char *w = buf;
  const char *p = name;

  if (buf == NULL)
    return -1;
  while (*p != '\0')
    {
      const char *end;
      size_t len;

      while (*p == '/')
        p++;
      end = strchrnul (p, '/');
      len = (size_t)(end - p);
      if (len == 0 || (len == 1 && p[0] == '.'))
        {
          p = end;
          continue;
        }
      if (len == 2 && p[0] == '.' && p[1] == '.')
        {
          errno = EXDEV;
          return -1;
        }
      if (w != buf)
        *w++ = '/';
      memcpy (w, p, len);
      w += len;
      p = end;
    }
  if (w == buf)
    {
      if (name[0] == '\0')
        {
          errno = EINVAL;
          return -1;
        }
      *w++ = '.';
    }
  *w = '\0';
  *out = steal_pointer (&buf);
  return 0;
}

static int
clean_or_fail (const char *path, char **out, galley_error_t *err)
{
  if (layer_path_clean (path, out) == 0)
    return 0;
  if (errno == EXDEV)
    return galley_error_make (err, 0, "layer entry \"%s\": refusing a path with \"..\"", path);
  if (errno == EINVAL)
    return galley_error_make (err, 0, "layer entry with an empty name");
  return galley_error_make (err, errno, "layer entry \"%s\"", path);
}

int
layer_fs_open (struct layer_fs *fs, const char *diff_dir, bool fold_owners, galley_error_t *err)
{
  memset (fs, 0, sizeof *fs);
  fs->cached_parent_fd = -1;
  fs->fold_owners = fold_owners;
  fs->root_fd = open (diff_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fs->root_fd < 0)
    return galley_error_make (err, errno, "opening %s", diff_dir);
  return 0;
}

static void
forget_parent (struct layer_fs *fs)
{
  free (fs->cached_parent);
  fs->cached_parent = NULL;
  if (fs->cached_parent_fd >= 0)
    close (fs->cached_parent_fd);
  fs->cached_parent_fd = -1;
}

void
layer_fs_close (struct layer_fs *fs)
{
  size_t i;

  forget_parent (fs);
  for (i = 0; i < fs->n_dirs; i++)
    free (fs->dirs[i].path);
  free (fs->dirs);
  fs->dirs = NULL;
  fs->n_dirs = fs->dirs_alloc = 0;
  if (fs->root_fd >= 0)
    close (fs->root_fd);
  fs->root_fd = -1;
}

/* Open directory `dir` (a cleaned path) inside the root, creating missing
 * components (0755, owned by the extracting user) as tar implicitly does.  */
static int
open_dir_creating (struct layer_fs *fs, const char *dir, int flags, galley_error_t *err)
{
  _cleanup_free_ char *prefix = NULL;
  char *slash;
  int fd;

  fd = layer_fs_open_confined (fs->root_fd, dir, flags | O_DIRECTORY);
  if (fd >= 0 || errno != ENOENT)
    {
      if (fd < 0)
        galley_error_make (err, errno, "opening directory %s in the layer", dir);
      return fd;
    }
  prefix = xstrdup (dir);
  for (slash = prefix;; slash++)
    {
      _cleanup_close_ int parent = -1;
      char *name;
      bool last;

      slash = strchrnul (slash, '/');
      last = *slash == '\0';
      *slash = '\0';
      fd = layer_fs_open_confined (fs->root_fd, prefix, O_PATH | O_DIRECTORY);
      if (fd < 0 && errno == ENOENT)
        {
          name = strrchr (prefix, '/');
          if (name != NULL)
            {
              *name = '\0';
              parent = layer_fs_open_confined (fs->root_fd, prefix, O_PATH | O_DIRECTORY);
              *name++ = '/';
            }
          else
            {
              parent = fcntl (fs->root_fd, F_DUPFD_CLOEXEC, 0);
              name = prefix;
            }
          if (parent < 0)
            return galley_error_make (err, errno, "opening the parent of %s in the layer", prefix);
          if (mkdirat (parent, name, 0755) < 0 && errno != EEXIST)
            return galley_error_make (err, errno, "creating directory %s in the layer", prefix);
          fd = layer_fs_open_confined (fs->root_fd, prefix, O_PATH | O_DIRECTORY);
        }
      if (fd < 0)
        return galley_error_make (err, errno, "opening directory %s in the layer", prefix);
      if (last)
        break;
      close (fd);
      *slash = '/';
    }
  close (fd);
  fd = layer_fs_open_confined (fs->root_fd, dir, flags | O_DIRECTORY);
  if (fd < 0)
    return galley_error_make (err, errno, "opening directory %s in the layer", dir);
  return fd;
}

/* Split a cleaned path; returns a borrowed fd of its parent (cached) and
 * points *base at the last component.  */
static int
parent_of (struct layer_fs *fs, const char *path, const char **base, galley_error_t *err)
{
  const char *slash = strrchr (path, '/');
  _cleanup_free_ char *dir = NULL;
  int fd;

  if (strcmp (path, ".") == 0)
    return galley_error_make (err, EINVAL, "layer entry for the root is not a directory");
  *base = slash ? slash + 1 : path;
  dir = slash ? strndup (path, (size_t)(slash - path)) : strdup (".");
  if (dir == NULL)
    return galley_error_make (err, errno, "allocating");
  if (fs->cached_parent != NULL && strcmp (fs->cached_parent, dir) == 0)
    return fs->cached_parent_fd;
  fd = open_dir_creating (fs, dir, O_PATH, err);
  if (fd < 0)
    return -1;
  forget_parent (fs);
  fs->cached_parent = steal_pointer (&dir);
  fs->cached_parent_fd = fd;
  return fd;
}

/* Make room for a new entry `base` in parent_fd: a later entry replaces an
 * earlier one of the same name (a whiteout device included), except that a
 * directory over a directory merges.  Returns 1 when an existing directory
 * is kept.  */
static int
make_room (struct layer_fs *fs, int parent_fd, const char *base, bool want_dir, galley_error_t *err)
{
  struct stat st;

  if (fstatat (parent_fd, base, &st, AT_SYMLINK_NOFOLLOW) < 0)
    {
      if (errno == ENOENT)
        return 0;
      return galley_error_make (err, errno, "stat %s", base);
    }
  if (S_ISDIR (st.st_mode))
    {
      if (want_dir)
        return 1;
      if (fs_remove_tree (parent_fd, base, err) < 0)
        return -1;
    }
  else if (unlinkat (parent_fd, base, 0) < 0)
    return galley_error_make (err, errno, "replacing %s", base);
  /* parent_fd itself stays valid, but cached resolutions below it may not.  */
  if (fs->cached_parent_fd != parent_fd)
    forget_parent (fs);
  return 0;
}

/* Owner, mode, times of a non-directory: on fd (if >= 0) or parent/base.  */
static int
apply_meta (struct layer_fs *fs, int fd, int parent_fd, const char *base, const struct layer_fs_meta *m,
            bool is_symlink, galley_error_t *err)
{
  struct timespec ts[2] = { m->atime, m->mtime };
  int r;

  if (! fs->fold_owners)
    {
      r = fd >= 0 ? fchown (fd, m->uid, m->gid)
                  : fchownat (parent_fd, base, m->uid, m->gid, AT_SYMLINK_NOFOLLOW);
      if (r < 0)
        {
          /* EINVAL: the id is not mapped in this namespace.  EPERM: the
           * filesystem refuses (NFS and its like, FUSE mounts), or not
           * running in a namespace.  Either way the entry stays the
           * user's.  */
          if (errno != EINVAL && errno != EPERM)
            return galley_error_make (err, errno, "chown %s", base);
          if (errno == EPERM)
            fs->owners_refused++;
          else
            fs->owners_unmapped++;
        }
    }
  /* chmod after chown: chown clears setuid and setgid.  */
  if (! is_symlink)
    {
      r = fd >= 0 ? fchmod (fd, m->mode & 07777) : fchmodat (parent_fd, base, m->mode & 07777, 0);
      if (r < 0)
        return galley_error_make (err, errno, "chmod %s", base);
    }
  r = fd >= 0 ? futimens (fd, ts) : utimensat (parent_fd, base, ts, AT_SYMLINK_NOFOLLOW);
  if (r < 0 && errno != EPERM)
    return galley_error_make (err, errno, "setting the times of %s", base);
  return 0;
}

int
layer_fs_mkdir (struct layer_fs *fs, const char *path, const struct layer_fs_meta *m, galley_error_t *err)
{
  _cleanup_free_ char *clean = NULL;
  const char *base;
  bool existed;
  int parent, r;
  size_t i;

  if (clean_or_fail (path, &clean, err) < 0)
    return -1;
  existed = strcmp (clean, ".") == 0;
  if (! existed)
    {
      parent = parent_of (fs, clean, &base, err);
      if (parent < 0)
        return galley_error_wrap (err, "layer entry %s", path);
      /* Owner-only until layer_fs_finish applies the archive's mode.  An
       * existing name is rare (a repeated entry): look only then.  */
      if (mkdirat (parent, base, 0700) < 0)
        {
          if (errno != EEXIST)
            return galley_error_make (err, errno, "creating directory %s", clean);
          r = make_room (fs, parent, base, true, err);
          if (r < 0)
            return galley_error_wrap (err, "layer entry %s", path);
          if (r == 0 && mkdirat (parent, base, 0700) < 0)
            return galley_error_make (err, errno, "creating directory %s", clean);
          existed = r == 1;
        }
    }
  /* A repeated directory entry: the last one's metadata wins.  */
  for (i = fs->n_dirs; existed && i-- > 0;)
    if (strcmp (fs->dirs[i].path, clean) == 0)
      {
        fs->dirs[i].meta = *m;
        return 0;
      }
  if (fs->n_dirs == fs->dirs_alloc)
    {
      size_t n = fs->dirs_alloc ? fs->dirs_alloc * 2 : 64;
      struct layer_fs_pending_dir *d = realloc (fs->dirs, n * sizeof *d);

      if (d == NULL)
        return galley_error_make (err, errno, "allocating");
      fs->dirs = d;
      fs->dirs_alloc = n;
    }
  fs->dirs[fs->n_dirs].path = steal_pointer (&clean);
  fs->dirs[fs->n_dirs].meta = *m;
  fs->n_dirs++;
  return 0;
}

int
layer_fs_create_file (struct layer_fs *fs, const char *path, galley_error_t *err)
{
  _cleanup_free_ char *clean = NULL;
  const char *base;
  int parent, fd;

  if (clean_or_fail (path, &clean, err) < 0)
    return -1;
  parent = parent_of (fs, clean, &base, err);
  if (parent < 0)
    return galley_error_wrap (err, "layer entry %s", path);
  fd = openat (parent, base, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0 && errno == EEXIST)
    {
      if (make_room (fs, parent, base, false, err) < 0)
        return galley_error_wrap (err, "layer entry %s", path);
      fd = openat (parent, base, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    }
  if (fd < 0)
    return galley_error_make (err, errno, "creating %s", clean);
  return fd;
}

int
layer_fs_file_done (struct layer_fs *fs, int fd, const char *path, const struct layer_fs_meta *m,
                    uint64_t size, galley_error_t *err)
{
  off_t end = lseek (fd, 0, SEEK_END);

  /* A sparse file whose last extent is a hole.  */
  if (end >= 0 && (uint64_t)end < size && ftruncate (fd, (off_t)size) < 0)
    return galley_error_make (err, errno, "writing %s", path);
  if (apply_meta (fs, fd, -1, path, m, false, err) < 0)
    return galley_error_wrap (err, "layer entry %s", path);
  return 0;
}

int
layer_fs_symlink (struct layer_fs *fs, const char *path, const char *target, const struct layer_fs_meta *m,
                  galley_error_t *err)
{
  _cleanup_free_ char *clean = NULL;
  const char *base;
  int parent;

  if (clean_or_fail (path, &clean, err) < 0)
    return -1;
  parent = parent_of (fs, clean, &base, err);
  if (parent < 0)
    return galley_error_wrap (err, "layer entry %s", path);
  /* The target is kept verbatim: it is only ever resolved inside a container.  */
  if (symlinkat (target, parent, base) < 0
      && (errno != EEXIST || make_room (fs, parent, base, false, err) < 0
          || symlinkat (target, parent, base) < 0))
    {
      if (*err != NULL)
        return galley_error_wrap (err, "layer entry %s", path);
      return galley_error_make (err, errno, "creating symlink %s", clean);
    }
  if (apply_meta (fs, -1, parent, base, m, true, err) < 0)
    return galley_error_wrap (err, "layer entry %s", path);
  return 0;
}

int
layer_fs_hardlink (struct layer_fs *fs, const char *path, const char *target, galley_error_t *err)
{
  _cleanup_free_ char *clean = NULL, *clean_target = NULL, *target_dir = NULL;
  _cleanup_close_ int target_parent = -1;
  const char *base, *target_base, *slash;
  int parent;

  if (clean_or_fail (path, &clean, err) < 0 || clean_or_fail (target, &clean_target, err) < 0)
    return -1;
  if (strcmp (clean, clean_target) == 0)
    return 0;
  slash = strrchr (clean_target, '/');
  target_base = slash ? slash + 1 : clean_target;
  target_dir = slash ? strndup (clean_target, (size_t)(slash - clean_target)) : strdup (".");
  if (target_dir == NULL)
    return galley_error_make (err, errno, "allocating");
  if (strcmp (clean_target, ".") == 0)
    return galley_error_make (err, 0, "layer entry %s: hardlink to the layer's root", path);
  target_parent = layer_fs_open_confined (fs->root_fd, target_dir, O_PATH | O_DIRECTORY);
  if (target_parent < 0)
    return galley_error_make (err, errno, "layer entry %s: hardlink target %s", path, target);
  parent = parent_of (fs, clean, &base, err);
  if (parent < 0 || make_room (fs, parent, base, false, err) < 0)
    return galley_error_wrap (err, "layer entry %s", path);
  /* Flags 0: a symlink target is linked itself, never followed.  */
  if (linkat (target_parent, target_base, parent, base, 0) < 0)
    return galley_error_make (err, errno, "layer entry %s: hardlink to %s", path, target);
  return 0;
}

int
layer_fs_mknod (struct layer_fs *fs, const char *path, mode_t type, dev_t dev, const struct layer_fs_meta *m,
                galley_error_t *err)
{
  _cleanup_free_ char *clean = NULL;
  const char *base;
  int parent;

  if (clean_or_fail (path, &clean, err) < 0)
    return -1;
  parent = parent_of (fs, clean, &base, err);
  if (parent < 0 || make_room (fs, parent, base, false, err) < 0)
    return galley_error_wrap (err, "layer entry %s", path);
  if (mknodat (parent, base, type | 0600, type == S_IFIFO ? 0 : dev) < 0)
    {
      if (type != S_IFIFO && errno == EPERM)
        {
          fs->devices_skipped++;
          return 0;
        }
      return galley_error_make (err, errno, "creating %s", clean);
    }
  if (apply_meta (fs, -1, parent, base, m, false, err) < 0)
    return galley_error_wrap (err, "layer entry %s", path);
  return 0;
}

int
layer_fs_whiteout (struct layer_fs *fs, const char *path, galley_error_t *err)
{
  _cleanup_free_ char *clean = NULL;
  _cleanup_close_ int dir_fd = -1;
  const char *base, *target = NULL;
  int parent;

  if (clean_or_fail (path, &clean, err) < 0)
    return -1;
  parent = parent_of (fs, clean, &base, err);
  if (parent < 0)
    return galley_error_wrap (err, "layer entry %s", path);
  switch (whiteout_classify (base, &target))
    {
    case WHITEOUT_FILE:
      if (whiteout_create (parent, target, err) < 0)
        return galley_error_wrap (err, "layer entry %s", path);
      return 0;
    case WHITEOUT_OPAQUE:
      dir_fd = openat (parent, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      if (dir_fd < 0)
        return galley_error_make (err, errno, "layer entry %s", path);
      if (whiteout_make_opaque (dir_fd, err) < 0)
        return galley_error_wrap (err, "layer entry %s", path);
      return 0;
    case WHITEOUT_NONE:
    case WHITEOUT_IGNORED:
      break;
    }
  return 0;
}

bool
layer_fs_xattr_allowed (const char *name)
{
  /* Overlay's own attributes would change how the layer is merged.  */
  if (strncmp (name, "user.overlay.", 13) == 0 || strncmp (name, "user.fuseoverlayfs.", 19) == 0
      || strncmp (name, "user.containers.", 16) == 0)
    return false;
  return strncmp (name, "user.", 5) == 0 || strcmp (name, "security.capability") == 0;
}

int
layer_fs_set_xattr (struct layer_fs *fs, int fd, const char *path, const char *name, const void *value,
                    size_t size, galley_error_t *err)
{
  _cleanup_free_ char *clean = NULL;
  _cleanup_close_ int own_fd = -1;

  if (! layer_fs_xattr_allowed (name))
    return 0;
  if (fd < 0)
    {
      if (clean_or_fail (path, &clean, err) < 0)
        return -1;
      own_fd = layer_fs_open_confined (fs->root_fd, clean, O_RDONLY | O_NOFOLLOW | O_NONBLOCK);
      if (own_fd < 0)
        return 0; /* a symlink or a special file: no xattrs for those */
      fd = own_fd;
    }
  if (fsetxattr (fd, name, value, size, 0) < 0 && errno != EPERM && errno != ENOTSUP && errno != EACCES
      && errno != EINVAL)
    return galley_error_make (err, errno, "layer entry %s: setting %s", path, name);
  return 0;
}

int
layer_fs_finish (struct layer_fs *fs, galley_error_t *err)
{
  size_t i;

  forget_parent (fs);
  for (i = fs->n_dirs; i-- > 0;)
    {
      struct layer_fs_pending_dir *d = &fs->dirs[i];
      _cleanup_close_ int fd = -1;

      /* Replaced later in the archive by something else: nothing to do.  */
      fd = layer_fs_open_confined (fs->root_fd, d->path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
      if (fd < 0)
        continue;
      if (apply_meta (fs, fd, -1, d->path, &d->meta, false, err) < 0)
        return galley_error_wrap (err, "layer entry %s", d->path);
    }
  return 0;
}
