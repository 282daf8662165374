/* The copy rootfs method: layers flattened into a directory (rootfs_copy.h).
 * Each layer is applied on top of the result of the layers below it, as an
 * overlay would show them: a 0/0 character device (or a kept ".wh.NAME"
 * file) removes NAME, an opaque directory replaces the directory below
 * instead of merging with it, any other entry replaces a non-directory
 * below.  */
#include "config.h"
#include "runtime/rootfs_copy.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "image/whiteout.h"
#include "ns/userns.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/xmalloc.h"

/* Hard links of one layer: the first name copied for an inode, relative
 * to the rootfs, so that the other names can be linked to it.  */
struct link_seen
{
  dev_t dev;
  ino_t ino;
  char *path;
};

struct copy_state
{
  int root_fd;                   /* the rootfs being built */
  const struct idmap_view *view; /* owners as seen -> as the image has them; NULL: kept */
  struct link_seen *links;
  size_t n_links, cap_links;
  char path[PATH_MAX]; /* the current entry, relative to root_fd */
  bool error_named;    /* the error already says where */
};

static void
links_clear (struct copy_state *c)
{
  size_t i;

  for (i = 0; i < c->n_links; i++)
    free (c->links[i].path);
  free (c->links);
  c->links = NULL;
  c->n_links = c->cap_links = 0;
}

static const char *
links_find (const struct copy_state *c, const struct stat *st)
{
  size_t i;

  for (i = 0; i < c->n_links; i++)
    if (c->links[i].dev == st->st_dev && c->links[i].ino == st->st_ino)
      return c->links[i].path;
  return NULL;
}

/* Remembering a link is an optimisation: on failure the next name is
 * simply copied.  */
static void
links_add (struct copy_state *c, const struct stat *st, const char *relpath)
{
  if (c->n_links == c->cap_links)
    {
      size_t cap = c->cap_links ? c->cap_links * 2 : 16;
      struct link_seen *n = realloc (c->links, cap * sizeof *n);
      if (n == NULL)
        return;
      c->links = n;
      c->cap_links = cap;
    }
  c->links[c->n_links].path = strdup (relpath);
  if (c->links[c->n_links].path == NULL)
    return;
  c->links[c->n_links].dev = st->st_dev;
  c->links[c->n_links].ino = st->st_ino;
  c->n_links++;
}

/* The overlay markers are layer bookkeeping, not file contents.  */
static bool
xattr_is_overlay (const char *name)
{
  return strncmp (name, "user.overlay.", 13) == 0 || strncmp (name, "trusted.overlay.", 16) == 0;
}

/* Best effort: a filesystem without xattrs, or a name the namespace may not
 * set (trusted.*, security.* other than capabilities), is skipped.  */
static void
copy_xattrs (int src, int dst)
{
  char list[16384], value[65536];
  ssize_t len = flistxattr (src, list, sizeof list), vlen;
  char *name;

  if (len <= 0)
    return;
  for (name = list; name < list + len; name += strlen (name) + 1)
    {
      if (xattr_is_overlay (name))
        continue;
      vlen = fgetxattr (src, name, value, sizeof value);
      if (vlen >= 0)
        (void)fsetxattr (dst, name, value, (size_t)vlen, 0);
    }
}

/* A layer seen from a namespace with another map than it was stored
 * through (rootfs_copy.h): the owner the image gives the entry.  */
static void
owner_in_image (const struct copy_state *c, struct stat *st)
{
  int64_t uid, gid;

  if (c->view == NULL)
    return;
  uid = idmap_to_container (c->view->uid, c->view->n_uid, st->st_uid);
  gid = idmap_to_container (c->view->gid, c->view->n_gid, st->st_gid);
  if (uid >= 0)
    st->st_uid = (uid_t)uid;
  if (gid >= 0)
    st->st_gid = (gid_t)gid;
}

/* Owner (chown clears set-id bits and file capabilities, so it goes first),
 * xattrs, mode, times.  An owner the namespace does not map (EINVAL) is
 * left to the namespace's root.  */
static int
copy_metadata (int src, int dst, const struct stat *st, galley_error_t *err)
{
  struct timespec times[2] = { st->st_atim, st->st_mtim };

  if (fchown (dst, st->st_uid, st->st_gid) < 0 && errno != EINVAL)
    return galley_error_make (err, errno, "chown");
  copy_xattrs (src, dst);
  if (fchmod (dst, st->st_mode & 07777) < 0)
    return galley_error_make (err, errno, "chmod");
  if (futimens (dst, times) < 0)
    return galley_error_make (err, errno, "setting times");
  return 0;
}

static int
copy_regular (struct copy_state *c, int src_dfd, int dst_dfd, const char *name, const struct stat *st,
              const char *relpath, galley_error_t *err)
{
  _cleanup_close_ int in = -1, out = -1;
  const char *first = st->st_nlink > 1 ? links_find (c, st) : NULL;

  if (first != NULL && linkat (c->root_fd, first, dst_dfd, name, 0) == 0)
    return 0;
  in = openat (src_dfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (in < 0)
    return galley_error_make (err, errno, "opening");
  out = openat (dst_dfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (out < 0)
    return galley_error_make (err, errno, "creating");
  if (fs_copy_data (in, out, st->st_size, err) < 0 || copy_metadata (in, out, st, err) < 0)
    return -1;
  if (st->st_nlink > 1 && first == NULL)
    links_add (c, st, relpath);
  return 0;
}

static int
copy_symlink (int src_dfd, int dst_dfd, const char *name, const struct stat *st, galley_error_t *err)
{
  char target[PATH_MAX];
  struct timespec times[2] = { st->st_atim, st->st_mtim };
  ssize_t n = readlinkat (src_dfd, name, target, sizeof target - 1);

  if (n < 0)
    return galley_error_make (err, errno, "reading the link");
  target[n] = '\0';
  if (symlinkat (target, dst_dfd, name) < 0)
    return galley_error_make (err, errno, "creating the link");
  if (fchownat (dst_dfd, name, st->st_uid, st->st_gid, AT_SYMLINK_NOFOLLOW) < 0 && errno != EINVAL)
    return galley_error_make (err, errno, "chown");
  (void)utimensat (dst_dfd, name, times, AT_SYMLINK_NOFOLLOW);
  return 0;
}

/* FIFOs and the like: recreated where the namespace allows it, skipped
 * (devices, sockets) where it does not.  */
static int
copy_special (int dst_dfd, const char *name, const struct stat *st, galley_error_t *err)
{
  struct timespec times[2] = { st->st_atim, st->st_mtim };

  if (mknodat (dst_dfd, name, st->st_mode, st->st_rdev) < 0)
    {
      if (errno == EPERM || S_ISSOCK (st->st_mode))
        return 0;
      return galley_error_make (err, errno, "creating");
    }
  if (fchownat (dst_dfd, name, st->st_uid, st->st_gid, AT_SYMLINK_NOFOLLOW) < 0 && errno != EINVAL)
    return galley_error_make (err, errno, "chown");
  (void)fchmodat (dst_dfd, name, st->st_mode & 07777, 0);
  (void)utimensat (dst_dfd, name, times, AT_SYMLINK_NOFOLLOW);
  return 0;
}

/* Remove everything in dir_fd (an opaque directory hides all below).  */
static int
empty_dir (int dir_fd, galley_error_t *err)
{
  _cleanup_closedir_ DIR *d = NULL;
  struct dirent *de;
  int fd = dup (dir_fd);

  if (fd < 0 || (d = fdopendir (fd)) == NULL)
    {
      if (fd >= 0)
        close (fd);
      return galley_error_make (err, errno, "reading a directory");
    }
  while ((errno = 0, de = readdir (d)) != NULL)
    {
      if (strcmp (de->d_name, ".") == 0 || strcmp (de->d_name, "..") == 0)
        continue;
      if (fs_remove_tree (dir_fd, de->d_name, err) < 0)
        return -1;
    }
  if (errno != 0)
    return galley_error_make (err, errno, "reading a directory");
  return 0;
}

static int apply_dir (struct copy_state *c, int src_fd, int dst_fd, galley_error_t *err);

/* The whiteouts of one directory: they act on the layers below only, so
 * they go before the directory's own entries.  */
static int
apply_whiteouts (DIR *d, int src_fd, int dst_fd, galley_error_t *err)
{
  struct dirent *de;
  struct stat st;
  const char *target;

  while ((errno = 0, de = readdir (d)) != NULL)
    {
      enum whiteout_kind kind = whiteout_classify (de->d_name, &target);
      if (kind == WHITEOUT_FILE)
        {
          if (fs_remove_tree (dst_fd, target, err) < 0)
            return -1;
          continue;
        }
      if (kind != WHITEOUT_NONE || fstatat (src_fd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
        continue;
      if (whiteout_is_device (&st) && fs_remove_tree (dst_fd, de->d_name, err) < 0)
        return -1;
    }
  if (errno != 0)
    return galley_error_make (err, errno, "reading the layer");
  return 0;
}

static int
apply_subdir (struct copy_state *c, int src_dfd, int dst_dfd, const char *name, const struct stat *st,
              galley_error_t *err)
{
  _cleanup_close_ int src = -1, dst = -1;
  struct stat dst_st;
  bool exists = fstatat (dst_dfd, name, &dst_st, AT_SYMLINK_NOFOLLOW) == 0;
  struct timespec times[2] = { st->st_atim, st->st_mtim };

  src = openat (src_dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (src < 0)
    return galley_error_make (err, errno, "opening");
  if (exists && ! S_ISDIR (dst_st.st_mode))
    {
      if (fs_remove_tree (dst_dfd, name, err) < 0)
        return -1;
      exists = false;
    }
  if (! exists && mkdirat (dst_dfd, name, 0700) < 0)
    return galley_error_make (err, errno, "creating");
  dst = openat (dst_dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (dst < 0)
    return galley_error_make (err, errno, "opening the copy");
  if (apply_dir (c, src, dst, err) < 0 || copy_metadata (src, dst, st, err) < 0)
    return -1;
  /* Entries created inside changed the time again.  */
  if (futimens (dst, times) < 0)
    return galley_error_make (err, errno, "setting times");
  return 0;
}

static int
apply_entry (struct copy_state *c, int src_fd, int dst_fd, const char *name, galley_error_t *err)
{
  struct stat st, dst_st;
  size_t len = strlen (c->path);
  int ret;

  if (fstatat (src_fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
    return galley_error_make (err, errno, "%s/%s", c->path, name);
  if (whiteout_is_device (&st))
    return 0;
  owner_in_image (c, &st);
  if (len + 1 + strlen (name) + 1 > sizeof c->path)
    return galley_error_make (err, ENAMETOOLONG, "%s/%s", c->path, name);
  if (len > 0)
    strcat (c->path, "/");
  strcat (c->path, name);
  if (S_ISDIR (st.st_mode))
    ret = apply_subdir (c, src_fd, dst_fd, name, &st, err);
  else
    {
      /* Anything else replaces what lies below.  */
      ret = 0;
      if (fstatat (dst_fd, name, &dst_st, AT_SYMLINK_NOFOLLOW) == 0)
        ret = fs_remove_tree (dst_fd, name, err);
      if (ret == 0 && S_ISREG (st.st_mode))
        ret = copy_regular (c, src_fd, dst_fd, name, &st, c->path, err);
      else if (ret == 0 && S_ISLNK (st.st_mode))
        ret = copy_symlink (src_fd, dst_fd, name, &st, err);
      else if (ret == 0)
        ret = copy_special (dst_fd, name, &st, err);
    }
  if (ret < 0 && ! c->error_named)
    {
      galley_error_wrap (err, "/%s", c->path);
      c->error_named = true;
    }
  c->path[len] = '\0';
  return ret;
}

/* One directory of a layer onto the copy.  */
static int
apply_dir (struct copy_state *c, int src_fd, int dst_fd, galley_error_t *err)
{
  _cleanup_closedir_ DIR *d = NULL;
  struct dirent *de;
  int fd = dup (src_fd);

  if (fd < 0 || (d = fdopendir (fd)) == NULL)
    {
      if (fd >= 0)
        close (fd);
      return galley_error_make (err, errno, "reading the layer at /%s", c->path);
    }
  if (whiteout_dir_is_opaque (src_fd) && empty_dir (dst_fd, err) < 0)
    return -1;
  if (apply_whiteouts (d, src_fd, dst_fd, err) < 0)
    return -1;
  rewinddir (d);
  while ((errno = 0, de = readdir (d)) != NULL)
    {
      if (strcmp (de->d_name, ".") == 0 || strcmp (de->d_name, "..") == 0
          || whiteout_classify (de->d_name, NULL) != WHITEOUT_NONE)
        continue;
      if (apply_entry (c, src_fd, dst_fd, de->d_name, err) < 0)
        return -1;
    }
  if (errno != 0)
    return galley_error_make (err, errno, "reading the layer at /%s", c->path);
  return 0;
}

static int
copy_layers (char *const *layers, int dst_fd, const struct idmap_view *view, galley_error_t *err)
{
  struct copy_state c = { .root_fd = dst_fd, .view = view };
  size_t i;
  int ret = 0;

  for (i = 0; ret == 0 && layers[i] != NULL; i++)
    {
      _cleanup_close_ int src = open (layers[i], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      struct stat st;

      c.path[0] = '\0';
      if (src < 0 || fstat (src, &st) < 0)
        ret = galley_error_make (err, errno, "opening layer %s", layers[i]);
      else
        {
          owner_in_image (&c, &st);
          if (apply_dir (&c, src, dst_fd, err) < 0 || copy_metadata (src, dst_fd, &st, err) < 0)
            ret = galley_error_wrap (err, "copying layer %s", layers[i]);
        }
      links_clear (&c);
    }
  return ret;
}

int
rootfs_copy_layers (char *const *layers, int dst_fd, galley_error_t *err)
{
  return copy_layers (layers, dst_fd, NULL, err);
}

/* In the user namespace: redo an interrupted copy, rename when complete.  */
static int
copy_in_userns (void *arg, galley_error_t *err)
{
  const struct run_spec *spec = arg;
  _cleanup_free_ char *tmp = NULL;
  _cleanup_close_ int dst = -1;
  struct idmap_view view;
  bool remapped = spec->store_map.n_uid > 0 && idmap_view_of (&spec->store_map, &spec->map, &view) > 0;

  tmp = xasprintf ("%s.tmp", spec->rootfs_dir);
  if (fs_remove_tree (AT_FDCWD, tmp, err) < 0)
    return -1;
  if (mkdir (tmp, 0700) < 0)
    return galley_error_make (err, errno, "creating %s", tmp);
  dst = open (tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dst < 0)
    return galley_error_make (err, errno, "opening %s", tmp);
  if (copy_layers (spec->lower_dirs, dst, remapped ? &view : NULL, err) < 0)
    return -1;
  if (fsync (dst) < 0 || rename (tmp, spec->rootfs_dir) < 0)
    return galley_error_make (err, errno, "renaming %s", tmp);
  return 0;
}

int
rootfs_copy_ensure (const struct run_spec *spec, galley_error_t *err)
{
  struct stat st;

  if (spec->rootfs_method != ROOTFS_METHOD_COPY)
    return 0;
  if (spec->rootfs_dir == NULL || spec->lower_dirs == NULL)
    return galley_error_make (err, EINVAL, "the copy rootfs has no layers");
  if (stat (spec->rootfs_dir, &st) == 0)
    return 0;
  if (errno != ENOENT)
    return galley_error_make (err, errno, "%s", spec->rootfs_dir);
  if (userns_run (&spec->map, 0, copy_in_userns, (void *)spec, err) < 0)
    return galley_error_wrap (err, "copying the image into the container's rootfs");
  return 0;
}
