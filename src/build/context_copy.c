/* COPY/ADD of build-context paths into an image root, as Docker does it: a
 * directory source copies its contents, symlinks inside copied directories
 * stay symlinks, modes and times are kept, --chown/--chmod applied, missing
 * destination parents created 0755.  Sources are read beneath the context
 * (context.c); the destination is resolved inside its root
 * (fs_open_in_root), and every entry is created with *at() calls on
 * directory fds and single names, never following a symlink out.  Files
 * that are hard links of each other in the sources (within one COPY, across
 * its sources) stay hard links in the image.  */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <search.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/openat2.h>

#include "build/context.h"
#include "build/context_internal.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/path.h"
#include "util/log.h"
#include "util/xmalloc.h"

/* A source file with more than one name, and where its first copy went:
 * its other names become hard links of that copy.  */
struct copied_inode
{
  dev_t dev;
  ino_t ino;
  char *dst_rel; /* relative to the image root */
  dev_t dst_dev; /* the copy, to notice that a later source replaced it */
  ino_t dst_ino;
};

struct copier
{
  int ctx_fd;
  const struct build_ignore *ig;
  int root_fd;
  uid_t uid;
  gid_t gid;
  int mode;
  void **copied; /* tsearch(3) tree of struct copied_inode */
};

static bool
chowning (const struct copier *c)
{
  return c->uid != (uid_t)-1 || c->gid != (gid_t)-1;
}

static int
open_dest_dir (const struct copier *c, const char *rel)
{
  return fs_open_in_root (c->root_fd, rel, O_RDONLY | O_DIRECTORY, RESOLVE_NO_MAGICLINKS);
}

static int dest_mkdir_p_depth (const struct copier *c, const char *rel, int depth, galley_error_t *err);

/* prefix (in parent) is a symlink whose target does not exist yet: create
 * the target, resolved inside the root, as buildkit's MkdirAll does.  */
static int
mkdir_symlink_target (const struct copier *c, int parent, const char *comp, const char *prefix, int depth,
                      galley_error_t *err)
{
  _cleanup_free_ char *joined = NULL, *cleaned = NULL;
  const char *slash = strrchr (prefix, '/');
  char target[PATH_MAX];
  ssize_t n = readlinkat (parent, comp, target, sizeof target - 1);
  int fd;

  if (n < 0)
    return galley_error_make (err, errno, "creating /%s in the image", prefix);
  target[n] = '\0';
  if (target[0] == '/')
    joined = strdup (target);
  else if (asprintf (&joined, "/%.*s/%s", slash != NULL ? (int)(slash - prefix) : 0, prefix, target) < 0)
    joined = NULL;
  if (joined == NULL)
    abort ();
  cleaned = path_clean (joined);
  fd = dest_mkdir_p_depth (c, cleaned[1] != '\0' ? cleaned + 1 : ".", depth + 1, err);
  if (fd >= 0)
    close (fd);
  return fd < 0 ? -1 : 0;
}

/* mkdir -p of rel inside the destination root; created directories are
 * 0755 and owned by the --chown user.  Returns the directory's fd.  */
static int
dest_mkdir_p_depth (const struct copier *c, const char *rel, int depth, galley_error_t *err)
{
  _cleanup_free_ char *copy = strdup (rel), *prefix = strdup (".");
  _cleanup_close_ int parent = -1;
  char *save = NULL, *comp;
  int fd;

  if (copy == NULL || prefix == NULL)
    abort ();
  if (depth > 40)
    return galley_error_make (err, ELOOP, "creating /%s in the image", rel);
  fd = open_dest_dir (c, rel);
  if (fd >= 0 || errno != ENOENT)
    return fd >= 0 ? fd : galley_error_make (err, errno, "opening /%s in the image", rel);
  parent = open_dest_dir (c, ".");
  if (parent < 0)
    return galley_error_make (err, errno, "opening the image root");
  for (comp = strtok_r (copy, "/", &save); comp != NULL; comp = strtok_r (NULL, "/", &save))
    {
      char *next = context_join (prefix, comp);
      struct stat st;

      free (prefix);
      prefix = next;
      fd = open_dest_dir (c, prefix);
      if (fd < 0 && errno == ENOENT)
        {
          int made = mkdirat (parent, comp, 0755);

          if (made < 0 && errno != EEXIST)
            return galley_error_make (err, errno, "creating /%s in the image", prefix);
          if (made < 0 && fstatat (parent, comp, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK (st.st_mode)
              && mkdir_symlink_target (c, parent, comp, prefix, depth, err) < 0)
            return -1;
          fd = open_dest_dir (c, prefix);
          if (fd >= 0 && (fchmod (fd, 0755) < 0 || (chowning (c) && fchown (fd, c->uid, c->gid) < 0)))
            {
              close (fd);
              return galley_error_make (err, errno, "setting the owner of /%s", prefix);
            }
        }
      if (fd < 0)
        return galley_error_make (err, errno, "creating /%s in the image", prefix);
      close (parent);
      parent = fd;
    }
  return steal_fd (&parent);
}

static int
dest_mkdir_p (const struct copier *c, const char *rel, galley_error_t *err)
{
  return dest_mkdir_p_depth (c, rel, 0, err);
}

/* Owner, permissions and times from the source (after the content, so the
 * times stick).  */
static int
apply_meta (const struct copier *c, int fd, const struct stat *st, const char *what, galley_error_t *err)
{
  struct timespec times[2] = { st->st_atim, st->st_mtim };
  mode_t mode = c->mode >= 0 ? (mode_t)c->mode & 07777 : st->st_mode & 07777;

  if (chowning (c) && fchown (fd, c->uid, c->gid) < 0)
    return galley_error_make (err, errno, "setting the owner of %s", what);
  if (fchmod (fd, mode) < 0)
    return galley_error_make (err, errno, "setting the mode of %s", what);
  if (futimens (fd, times) < 0)
    return galley_error_make (err, errno, "setting the times of %s", what);
  return 0;
}

/* Make room for a new non-directory entry: whatever is there (a file, a
 * symlink: replaced, not followed) goes, but a directory is an error.  */
static int
clear_entry (int dir_fd, const char *name, const char *what, galley_error_t *err)
{
  struct stat st;

  if (fstatat (dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
    return errno == ENOENT ? 0 : galley_error_make (err, errno, "%s", what);
  if (S_ISDIR (st.st_mode))
    return galley_error_make (err, EISDIR, "cannot replace the directory %s with a non-directory", what);
  if (unlinkat (dir_fd, name, 0) < 0)
    return galley_error_make (err, errno, "replacing %s", what);
  return 0;
}

static int
copy_data (int in, int out, const char *what, galley_error_t *err)
{
  char buf[65536];
  ssize_t n;

  for (;;)
    {
      n = copy_file_range (in, NULL, out, NULL, 1 << 30, 0);
      if (n == 0)
        return 0;
      if (n < 0)
        break;
    }
  if (errno != EXDEV && errno != EINVAL && errno != ENOSYS && errno != EOPNOTSUPP)
    return galley_error_make (err, errno, "copying %s", what);
  while ((n = read (in, buf, sizeof buf)) > 0)
    {
      char *p = buf;
      while (n > 0)
        {
          ssize_t w = write (out, p, (size_t)n);
          if (w < 0 && errno == EINTR)
            continue;
          if (w < 0)
            return galley_error_make (err, errno, "writing %s", what);
          p += w;
          n -= w;
        }
    }
  return n < 0 ? galley_error_make (err, errno, "reading %s", what) : 0;
}

static int
compare_inodes (const void *a, const void *b)
{
  const struct copied_inode *x = a, *y = b;

  if (x->dev != y->dev)
    return x->dev < y->dev ? -1 : 1;
  return x->ino < y->ino ? -1 : x->ino > y->ino;
}

static void
free_copied_inode (void *p)
{
  struct copied_inode *ci = p;

  free (ci->dst_rel);
  free (ci);
}

/* The copy made earlier of the source file st, still in place; NULL when
 * there is none.  */
static struct copied_inode *
find_copy (const struct copier *c, const struct stat *st)
{
  struct copied_inode key = { .dev = st->st_dev, .ino = st->st_ino };
  void *found = tfind (&key, c->copied, compare_inodes);

  return found != NULL ? *(struct copied_inode **)found : NULL;
}

/* Remember where the source file st was copied to (out: the copy).  */
static int
remember_copy (const struct copier *c, const struct stat *st, int out, const char *dst_rel,
               galley_error_t *err)
{
  struct copied_inode *ci = find_copy (c, st);
  struct stat dst;

  if (fstat (out, &dst) < 0)
    return galley_error_make (err, errno, "/%s", dst_rel);
  if (ci == NULL)
    {
      ci = xcalloc (1, sizeof *ci);
      xalloc_check (tsearch (ci, c->copied, compare_inodes));
      ci->dev = st->st_dev;
      ci->ino = st->st_ino;
    }
  free (ci->dst_rel);
  ci->dst_rel = xstrdup (dst_rel);
  ci->dst_dev = dst.st_dev;
  ci->dst_ino = dst.st_ino;
  return 0;
}

/* Make dir_fd/name a hard link of the earlier copy ci.  1 when linked, 0
 * when that copy is gone or was replaced (the caller copies instead).  */
static int
link_copy (const struct copier *c, const struct copied_inode *ci, int dir_fd, const char *name,
           const char *what, galley_error_t *err)
{
  const char *slash = strrchr (ci->dst_rel, '/');
  _cleanup_free_ char *parent =
      slash != NULL ? xstrndup (ci->dst_rel, (size_t)(slash - ci->dst_rel)) : xstrdup (".");
  const char *base = slash != NULL ? slash + 1 : ci->dst_rel;
  _cleanup_close_ int pfd = -1;
  struct stat st;

  pfd = open_dest_dir (c, parent);
  if (pfd < 0 || fstatat (pfd, base, &st, AT_SYMLINK_NOFOLLOW) < 0 || st.st_dev != ci->dst_dev
      || st.st_ino != ci->dst_ino)
    return 0;
  if (fstatat (dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && st.st_dev == ci->dst_dev
      && st.st_ino == ci->dst_ino)
    return 1; /* the same name twice */
  if (clear_entry (dir_fd, name, what, err) < 0)
    return -1;
  if (linkat (pfd, base, dir_fd, name, 0) < 0)
    return galley_error_make (err, errno, "linking %s to /%s", what, ci->dst_rel);
  return 1;
}

static int
copy_file (const struct copier *c, int in, const struct stat *st, int dir_fd, const char *name,
           const char *dst_rel, galley_error_t *err)
{
  _cleanup_free_ char *what = context_join ("/", dst_rel);
  _cleanup_close_ int out = -1;
  const struct copied_inode *ci = st->st_nlink > 1 ? find_copy (c, st) : NULL;

  if (ci != NULL)
    {
      int linked = link_copy (c, ci, dir_fd, name, what, err);
      if (linked != 0)
        return linked < 0 ? -1 : 0;
    }
  if (clear_entry (dir_fd, name, what, err) < 0)
    return -1;
  out = openat (dir_fd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (out < 0)
    return galley_error_make (err, errno, "creating %s", what);
  if (copy_data (in, out, what, err) < 0 || apply_meta (c, out, st, what, err) < 0)
    return -1;
  return st->st_nlink > 1 ? remember_copy (c, st, out, dst_rel, err) : 0;
}

static int
copy_symlink (const struct copier *c, int src_dir, const char *src_name, const struct stat *st, int dir_fd,
              const char *name, const char *dst_rel, galley_error_t *err)
{
  _cleanup_free_ char *what = context_join ("/", dst_rel);
  struct timespec times[2] = { st->st_atim, st->st_mtim };
  char target[PATH_MAX];
  ssize_t n = readlinkat (src_dir, src_name, target, sizeof target - 1);

  if (n < 0)
    return galley_error_make (err, errno, "reading the link %s", src_name);
  target[n] = '\0';
  if (clear_entry (dir_fd, name, what, err) < 0)
    return -1;
  if (symlinkat (target, dir_fd, name) < 0)
    return galley_error_make (err, errno, "creating the link %s", what);
  if (chowning (c) && fchownat (dir_fd, name, c->uid, c->gid, AT_SYMLINK_NOFOLLOW) < 0)
    return galley_error_make (err, errno, "setting the owner of %s", what);
  if (utimensat (dir_fd, name, times, AT_SYMLINK_NOFOLLOW) < 0)
    return galley_error_make (err, errno, "setting the times of %s", what);
  return 0;
}

static int copy_dir (const struct copier *c, int src_fd, const struct stat *st, const char *src_rel,
                     bool ignored, int parent_fd, const char *name, const char *dst_rel, galley_error_t *err);

/* One entry of a copied directory (never following a symlink).  Returns
 * how many entries were copied, or -1.  */
static int
copy_child (const struct copier *c, int src_dir, const char *name, const char *src_rel, int dst_dir,
            const char *dst_rel, galley_error_t *err)
{
  bool ignored = build_ignore_match (c->ig, src_rel);
  _cleanup_close_ int fd = -1;
  struct stat st;

  if (fstatat (src_dir, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
    return galley_error_make (err, errno, "%s in the build context", src_rel);
  if (ignored && ! (S_ISDIR (st.st_mode) && build_ignore_has_exceptions (c->ig)))
    return 0;
  if (S_ISLNK (st.st_mode))
    return copy_symlink (c, src_dir, name, &st, dst_dir, name, dst_rel, err) < 0 ? -1 : 1;
  if (S_ISDIR (st.st_mode) || S_ISREG (st.st_mode))
    {
      fd = openat (src_dir, name,
                   O_RDONLY | O_NOFOLLOW | O_CLOEXEC | (S_ISDIR (st.st_mode) ? O_DIRECTORY : 0));
      if (fd < 0)
        return galley_error_make (err, errno, "opening %s in the build context", src_rel);
      if (S_ISDIR (st.st_mode))
        return copy_dir (c, fd, &st, src_rel, ignored, dst_dir, name, dst_rel, err);
      return copy_file (c, fd, &st, dst_dir, name, dst_rel, err) < 0 ? -1 : 1;
    }
  if (S_ISFIFO (st.st_mode))
    {
      _cleanup_free_ char *what = context_join ("/", dst_rel);
      if (clear_entry (dst_dir, name, what, err) < 0)
        return -1;
      if (mkfifoat (dst_dir, name, 0600) < 0)
        return galley_error_make (err, errno, "creating %s", what);
      if (chowning (c) && fchownat (dst_dir, name, c->uid, c->gid, AT_SYMLINK_NOFOLLOW) < 0)
        return galley_error_make (err, errno, "setting the owner of %s", what);
      if (fchmodat (dst_dir, name, c->mode >= 0 ? (mode_t)c->mode & 07777 : st.st_mode & 07777, 0) < 0)
        return galley_error_make (err, errno, "setting the mode of %s", what);
      return 1;
    }
  log_warn ("build: not copying %s: sockets and device files are not copied from the build context", src_rel);
  return 0;
}

static int
copy_dir_contents (const struct copier *c, int src_fd, const char *src_rel, int dst_fd, const char *dst_rel,
                   galley_error_t *err)
{
  _cleanup_closedir_ DIR *d = fdopendir (dup (src_fd));
  struct dirent *e;
  int total = 0;

  if (d == NULL)
    return galley_error_make (err, errno, "reading %s in the build context", src_rel);
  while ((e = readdir (d)) != NULL)
    {
      _cleanup_free_ char *child_src = NULL, *child_dst = NULL;
      int r;

      if (strcmp (e->d_name, ".") == 0 || strcmp (e->d_name, "..") == 0)
        continue;
      child_src = context_join (src_rel, e->d_name);
      child_dst = context_join (dst_rel, e->d_name);
      r = copy_child (c, src_fd, e->d_name, child_src, dst_fd, child_dst, err);
      if (r < 0)
        return -1;
      total += r;
    }
  return total;
}

static int
copy_dir (const struct copier *c, int src_fd, const struct stat *st, const char *src_rel, bool ignored,
          int parent_fd, const char *name, const char *dst_rel, galley_error_t *err)
{
  _cleanup_free_ char *what = context_join ("/", dst_rel);
  _cleanup_close_ int dfd = -1;
  bool created = mkdirat (parent_fd, name, 0700) == 0;
  int n;

  if (! created && errno != EEXIST)
    return galley_error_make (err, errno, "creating %s", what);
  /* An existing symlink to a directory is followed inside the image root
   * (COPY rootfs/ / onto a merged-/usr image's /lib -> usr/lib).  */
  dfd = open_dest_dir (c, dst_rel);
  if (dfd < 0 && ! created)
    {
      if (clear_entry (parent_fd, name, what, err) < 0)
        return -1;
      if (mkdirat (parent_fd, name, 0700) < 0)
        return galley_error_make (err, errno, "creating %s", what);
      created = true;
      dfd = open_dest_dir (c, dst_rel);
    }
  if (dfd < 0)
    return galley_error_make (err, errno, "opening %s", what);
  n = copy_dir_contents (c, src_fd, src_rel, dfd, dst_rel, err);
  if (n < 0)
    return -1;
  /* An ignored directory was only entered for the "!" exceptions in it.  */
  if (ignored && n == 0)
    {
      if (created)
        unlinkat (parent_fd, name, AT_REMOVEDIR);
      return 0;
    }
  if (apply_meta (c, dfd, st, what, err) < 0)
    return -1;
  return n + 1;
}

static const char *
base_name (const char *rel)
{
  const char *slash = strrchr (rel, '/');
  return slash != NULL ? slash + 1 : rel;
}

/* A file source: where it goes and under which name.  */
static int
copy_top_file (const struct copier *c, const char *rel, const struct stat *st, const char *drel,
               bool dest_is_dir, galley_error_t *err)
{
  _cleanup_free_ char *parent_rel = NULL, *dst_rel = NULL;
  _cleanup_close_ int probe = -1, pfd = -1, in = -1;
  const char *name;

  if (! dest_is_dir)
    {
      probe = open_dest_dir (c, drel);
      dest_is_dir = probe >= 0;
    }
  if (dest_is_dir)
    {
      parent_rel = strdup (drel);
      name = base_name (rel);
    }
  else
    {
      const char *slash = strrchr (drel, '/');
      parent_rel = slash != NULL ? strndup (drel, (size_t)(slash - drel)) : strdup (".");
      name = base_name (drel);
    }
  if (parent_rel == NULL)
    abort ();
  dst_rel = context_join (parent_rel, name);
  pfd = dest_mkdir_p (c, parent_rel, err);
  if (pfd < 0)
    return -1;
  if (! S_ISREG (st->st_mode))
    {
      log_warn ("build: not copying %s: only regular files, directories and symlinks are copied", rel);
      return 0;
    }
  in = context_open_beneath (c->ctx_fd, rel, O_RDONLY);
  if (in < 0)
    return galley_error_make (err, errno, "opening %s in the build context", rel);
  return copy_file (c, in, st, pfd, name, dst_rel, err);
}

static int
copy_source (const struct copier *c, const char *source, const char *drel, bool dest_is_dir,
             galley_error_t *err)
{
  _cleanup_free_ char *rel = NULL;
  _cleanup_close_ int fd = -1, dfd = -1;
  struct stat st;

  if (context_clean_source (source, &rel, err) < 0)
    return -1;
  /* The source itself is followed when it is a symlink (as buildkit's
   * FollowSymlinks), but only to somewhere beneath the context.  */
  fd = context_open_beneath (c->ctx_fd, rel, O_PATH);
  if (fd < 0 && (errno == EXDEV || errno == ELOOP))
    return context_escape_error (source, err);
  if (fd < 0 && errno == ENOENT)
    return galley_error_make (err, ENOENT,
                              "COPY source \"%s\": no such file or directory in the build context", source);
  if (fd < 0 || fstat (fd, &st) < 0)
    return galley_error_make (err, errno, "COPY source \"%s\"", source);
  if (build_ignore_match (c->ig, rel) && ! (S_ISDIR (st.st_mode) && build_ignore_has_exceptions (c->ig)))
    return 0;
  if (! S_ISDIR (st.st_mode))
    return copy_top_file (c, rel, &st, drel, dest_is_dir, err);
  close (fd);
  fd = context_open_beneath (c->ctx_fd, rel, O_RDONLY | O_DIRECTORY);
  if (fd < 0)
    return galley_error_make (err, errno, "opening %s in the build context", rel);
  dfd = dest_mkdir_p (c, drel, err);
  if (dfd < 0)
    return -1;
  return copy_dir_contents (c, fd, rel, dfd, drel, err) < 0 ? -1 : 0;
}

int
build_context_copy (int context_fd, const struct build_ignore *ig, char *const *paths, size_t n,
                    int dest_dir_fd, const char *dest, uid_t uid, gid_t gid, int mode, galley_error_t *err)
{
  void *copied = NULL;
  struct copier c = { .ctx_fd = context_fd,
                      .ig = ig,
                      .root_fd = dest_dir_fd,
                      .uid = uid,
                      .gid = gid,
                      .mode = mode,
                      .copied = &copied };
  _cleanup_free_ char *rooted = NULL, *cleaned = NULL;
  size_t len = strlen (dest), i;
  const char *drel;
  bool dest_is_dir;

  /* Rooted before cleaning: ".." cannot climb above the image root.  */
  if (asprintf (&rooted, "/%s", dest) < 0)
    abort ();
  cleaned = path_clean (rooted);
  drel = cleaned;

  while (*drel == '/')
    drel++;
  if (*drel == '\0')
    drel = ".";
  dest_is_dir = n > 1 || strcmp (drel, ".") == 0 || (len > 0 && dest[len - 1] == '/')
                || (len > 1 && strcmp (dest + len - 2, "/.") == 0);
  for (i = 0; i < n; i++)
    if (copy_source (&c, paths[i], drel, dest_is_dir, err) < 0)
      {
        galley_error_wrap (err, "copying %s to %s", paths[i], dest);
        break;
      }
  tdestroy (copied, free_copied_inode);
  return i < n ? -1 : 0;
}
