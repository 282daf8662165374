/* Layer tar regeneration (see layer_tar.h): a libarchive tar writer whose
 * bytes go out through layer_out.h (hashed, compressed, hashed again).  */
#include "config.h"
#include "image/layer_tar.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "image/layer_archive.h"
#include "image/layer_fs.h"
#include "image/whiteout.h"
#include "util/cleanup.h"
#include "util/xmalloc.h"

#define DATA_CHUNK (256 * 1024)
#define XATTR_LIST_MAX_BYTES 65536

struct tar_writer
{
  struct archive *tar;
  struct layer_out out;
  struct archive_entry_linkresolver *links;
  unsigned char *data;
  const char *const *skip; /* paths left out when they are empty files, or NULL */
  galley_error_t out_err;  /* why the last write to out failed */
};

struct walk_entry
{
  char *name;     /* in the directory */
  char *out_name; /* in the tar (sort key) */
  struct stat st;
  enum layer_tar_role role;
};

/* ---- the pure pieces ---- */

enum layer_tar_role
layer_tar_classify (const char *name, const struct stat *st, const char **target)
{
  const char *t = NULL;

  if (whiteout_is_device (st))
    {
      if (target)
        *target = name;
      return LAYER_TAR_WHITEOUT;
    }
  switch (whiteout_classify (name, &t))
    {
    case WHITEOUT_NONE:
      return S_ISSOCK (st->st_mode) ? LAYER_TAR_SKIP : LAYER_TAR_ENTRY;
    case WHITEOUT_OPAQUE:
      return S_ISREG (st->st_mode) ? LAYER_TAR_OPAQUE : LAYER_TAR_SKIP;
    case WHITEOUT_FILE:
      /* The ".wh.NAME" form kept where mknod was refused.  */
      if (! S_ISREG (st->st_mode))
        return LAYER_TAR_SKIP;
      if (target)
        *target = t;
      return LAYER_TAR_WHITEOUT;
    case WHITEOUT_IGNORED:
    default:
      return LAYER_TAR_SKIP;
    }
}

char *
layer_tar_entry_name (const char *name, const struct stat *st)
{
  const char *target = NULL;
  char *out = NULL;

  if (layer_tar_classify (name, st, &target) != LAYER_TAR_WHITEOUT)
    return strdup (name);
  if (asprintf (&out, "%s%s", WHITEOUT_PREFIX, target) < 0)
    return NULL;
  return out;
}

static la_ssize_t
tar_write_cb (struct archive *a, void *opaque, const void *buf, size_t len)
{
  struct tar_writer *w = opaque;

  galley_error_release (&w->out_err);
  if (layer_out_write (&w->out, buf, len, &w->out_err) < 0)
    {
      archive_set_error (a, galley_error_errno (&w->out_err), "%s", w->out_err->msg);
      return -1;
    }
  return (la_ssize_t)len;
}

static int
writer_open (struct tar_writer *w, int out_fd, enum layer_compression compression, galley_error_t *err)
{
  w->data = malloc (DATA_CHUNK);
  w->tar = archive_write_new ();
  w->links = archive_entry_linkresolver_new ();
  if (w->data == NULL || w->tar == NULL || w->links == NULL)
    return galley_error_make (err, ENOMEM, "allocating the layer writer");
  if (layer_out_open (&w->out, out_fd, compression, err) < 0)
    return -1;
  archive_entry_linkresolver_set_strategy (w->links, ARCHIVE_FORMAT_TAR_PAX_RESTRICTED);
  archive_write_set_format_pax_restricted (w->tar);
  /* Docker and podman read SCHILY.xattr.*; one form is enough.  */
  archive_write_set_format_option (w->tar, "pax", "xattrheader", "SCHILY");
  /* End with the two zero blocks, without padding to a 10 KiB record.  */
  archive_write_set_bytes_in_last_block (w->tar, 1);
  if (archive_write_open (w->tar, w, NULL, tar_write_cb, NULL) != ARCHIVE_OK)
    return layer_archive_fail (w->tar, err, "starting the layer tar");
  return 0;
}

static void
writer_free (struct tar_writer *w)
{
  if (w->tar)
    archive_write_free (w->tar);
  if (w->links)
    archive_entry_linkresolver_free (w->links);
  layer_out_free (&w->out);
  galley_error_release (&w->out_err);
  free (w->data);
}

static int
writer_finish (struct tar_writer *w, struct layer_tar_result *r, galley_error_t *err)
{
  if (archive_write_close (w->tar) != ARCHIVE_OK)
    return layer_archive_fail (w->tar, err, "finishing the layer tar");
  return layer_out_finish (&w->out, r, err);
}

/* ---- entries ---- */

static int
compare_names (const void *a, const void *b)
{
  return strcmp (((const struct walk_entry *)a)->out_name, ((const struct walk_entry *)b)->out_name);
}

static void
free_entries (struct walk_entry *v, size_t n)
{
  size_t i;

  for (i = 0; i < n; i++)
    {
      free (v[i].name);
      free (v[i].out_name);
    }
  free (v);
}

/* The directory's entries that go into the tar, sorted by their tar names
 * (a whiteout in both forms appears once).  */
static int
list_dir (int dirfd, const char *path, struct walk_entry **out, size_t *n_out, galley_error_t *err)
{
  _cleanup_closedir_ DIR *d = NULL;
  struct walk_entry *v = NULL;
  size_t n = 0, alloc = 0, i, kept = 0;
  struct dirent *de;
  int fd = dup (dirfd);

  if (fd < 0 || (d = fdopendir (fd)) == NULL)
    {
      if (fd >= 0)
        close (fd);
      return galley_error_make (err, errno, "reading layer directory %s", path[0] ? path : ".");
    }
  /* The duplicate shares the caller's offset: start from the beginning.  */
  rewinddir (d);
  errno = 0;
  while ((de = readdir (d)) != NULL)
    {
      struct walk_entry e = { 0 };

      if (strcmp (de->d_name, ".") == 0 || strcmp (de->d_name, "..") == 0)
        continue;
      if (fstatat (dirfd, de->d_name, &e.st, AT_SYMLINK_NOFOLLOW) < 0)
        {
          free_entries (v, n);
          return galley_error_make (err, errno, "layer entry %s%s", path, de->d_name);
        }
      e.role = layer_tar_classify (de->d_name, &e.st, NULL);
      if (e.role == LAYER_TAR_SKIP || e.role == LAYER_TAR_OPAQUE)
        continue;
      if (n == alloc)
        {
          struct walk_entry *grown = realloc (v, (alloc = alloc ? alloc * 2 : 16) * sizeof *v);
          if (grown == NULL)
            {
              free_entries (v, n);
              return galley_error_make (err, ENOMEM, "allocating");
            }
          v = grown;
        }
      e.name = strdup (de->d_name);
      e.out_name = layer_tar_entry_name (de->d_name, &e.st);
      v[n++] = e;
      if (e.name == NULL || e.out_name == NULL)
        {
          free_entries (v, n);
          return galley_error_make (err, ENOMEM, "allocating");
        }
      errno = 0;
    }
  if (errno != 0)
    {
      free_entries (v, n);
      return galley_error_make (err, errno, "reading layer directory %s", path[0] ? path : ".");
    }
  if (n > 1)
    qsort (v, n, sizeof *v, compare_names);
  for (i = 0; i < n; i++)
    {
      if (kept > 0 && strcmp (v[kept - 1].out_name, v[i].out_name) == 0)
        {
          free (v[i].name);
          free (v[i].out_name);
          continue;
        }
      v[kept++] = v[i];
    }
  *out = v;
  *n_out = kept;
  return 0;
}

static int
compare_strings (const void *a, const void *b)
{
  return strcmp (*(char *const *)a, *(char *const *)b);
}

/* The xattrs extraction keeps (layer_fs_xattr_allowed), in name order.  */
static int
add_xattrs (struct archive_entry *e, int fd, const char *path, galley_error_t *err)
{
  _cleanup_free_ char *list = NULL;
  _cleanup_free_ char **names = NULL;
  ssize_t len = flistxattr (fd, NULL, 0);
  size_t n = 0, i;
  char *p;

  if (len <= 0)
    return 0; /* none, or a filesystem without xattrs */
  if (len > XATTR_LIST_MAX_BYTES)
    len = XATTR_LIST_MAX_BYTES;
  list = malloc ((size_t)len + 1);
  names = calloc ((size_t)len + 1, sizeof *names);
  if (list == NULL || names == NULL)
    return galley_error_make (err, ENOMEM, "allocating");
  len = flistxattr (fd, list, (size_t)len);
  if (len < 0)
    return errno == ERANGE ? galley_error_make (err, ERANGE, "layer entry %s: xattrs changed", path) : 0;
  list[len] = '\0';
  for (p = list; p < list + len; p += strlen (p) + 1)
    if (layer_fs_xattr_allowed (p))
      names[n++] = p;
  qsort (names, n, sizeof *names, compare_strings);
  for (i = 0; i < n; i++)
    {
      char value[65536];
      ssize_t vlen = fgetxattr (fd, names[i], value, sizeof value);
      if (vlen < 0)
        {
          if (errno == ENODATA)
            continue;
          return galley_error_make (err, errno, "layer entry %s: reading xattr %s", path, names[i]);
        }
      archive_entry_xattr_add_entry (e, names[i], value, (size_t)vlen);
    }
  return 0;
}

static struct archive_entry *
new_entry (const char *path, mode_t type, mode_t perm, uid_t uid, gid_t gid, time_t mtime)
{
  struct archive_entry *e = archive_entry_new ();

  if (e == NULL)
    return NULL;
  archive_entry_set_pathname (e, path);
  archive_entry_set_filetype (e, type);
  archive_entry_set_perm (e, perm);
  archive_entry_set_uid (e, uid);
  archive_entry_set_gid (e, gid);
  archive_entry_set_mtime (e, mtime, 0);
  return e;
}

/* ".wh.NAME" and ".wh..wh..opq": empty files with fixed metadata (the
 * extracted forms carry the time of the extraction, not the image's).  */
static int
write_marker (struct tar_writer *w, const char *path, galley_error_t *err)
{
  struct archive_entry *e = new_entry (path, AE_IFREG, 0644, 0, 0, 0);
  int r;

  if (e == NULL)
    return galley_error_make (err, ENOMEM, "allocating");
  archive_entry_set_size (e, 0);
  r = archive_write_header (w->tar, e);
  archive_entry_free (e);
  if (r != ARCHIVE_OK)
    return layer_archive_fail (w->tar, err, path);
  return 0;
}

static int
write_data (struct tar_writer *w, int fd, const char *path, uint64_t size, galley_error_t *err)
{
  uint64_t done = 0;

  while (done < size)
    {
      size_t want = size - done < DATA_CHUNK ? (size_t)(size - done) : DATA_CHUNK;
      ssize_t n = read (fd, w->data, want);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return galley_error_make (err, errno, "reading layer file %s", path);
      if (n == 0)
        return galley_error_make (err, 0, "layer file %s: shrank while being read", path);
      if (archive_write_data (w->tar, w->data, (size_t)n) != n)
        return layer_archive_fail (w->tar, err, path);
      done += (uint64_t)n;
    }
  return 0;
}

static int walk_dir (struct tar_writer *w, int dirfd, const char *prefix, unsigned depth,
                     galley_error_t *err);

/* One entry (not a whiteout); recurses into directories.  */
static int
write_entry (struct tar_writer *w, int dirfd, const struct walk_entry *we, const char *path, unsigned depth,
             galley_error_t *err)
{
  struct archive_entry *e, *spare = NULL;
  _cleanup_close_ int fd = -1;
  const struct stat *st = &we->st;
  mode_t type = st->st_mode & S_IFMT;
  int ret = -1;

  e = new_entry (path, type, st->st_mode & 07777, st->st_uid, st->st_gid, st->st_mtim.tv_sec);
  if (e == NULL)
    return galley_error_make (err, ENOMEM, "allocating");
  if (S_ISREG (st->st_mode) || S_ISDIR (st->st_mode))
    {
      fd = openat (dirfd, we->name,
                   O_RDONLY | O_NOFOLLOW | O_CLOEXEC | (S_ISDIR (st->st_mode) ? O_DIRECTORY : 0));
      if (fd < 0)
        {
          galley_error_make (err, errno, "opening layer entry %s", path);
          goto out;
        }
      if (add_xattrs (e, fd, path, err) < 0)
        goto out;
    }
  if (S_ISREG (st->st_mode))
    archive_entry_set_size (e, st->st_size);
  else if (S_ISLNK (st->st_mode))
    {
      char target[PATH_MAX + 1];
      ssize_t n = readlinkat (dirfd, we->name, target, PATH_MAX);
      if (n < 0)
        {
          galley_error_make (err, errno, "reading symlink %s", path);
          goto out;
        }
      target[n] = '\0';
      archive_entry_set_symlink (e, target);
    }
  else if (S_ISCHR (st->st_mode) || S_ISBLK (st->st_mode))
    archive_entry_set_rdev (e, st->st_rdev);
  if (! S_ISDIR (st->st_mode) && st->st_nlink > 1)
    {
      archive_entry_set_dev (e, st->st_dev);
      archive_entry_set_ino64 (e, st->st_ino);
      archive_entry_set_nlink (e, st->st_nlink);
      archive_entry_linkify (w->links, &e, &spare);
    }
  if (archive_write_header (w->tar, e) != ARCHIVE_OK)
    {
      layer_archive_fail (w->tar, err, path);
      goto out;
    }
  /* A later name of a hardlinked file carries no data.  */
  if (S_ISREG (st->st_mode) && archive_entry_hardlink (e) == NULL
      && write_data (w, fd, path, (uint64_t)st->st_size, err) < 0)
    goto out;
  if (S_ISDIR (st->st_mode))
    {
      _cleanup_free_ char *prefix = NULL;

      if (asprintf (&prefix, "%s/", path) < 0)
        {
          galley_error_make (err, ENOMEM, "allocating");
          goto out;
        }
      if (walk_dir (w, fd, prefix, depth + 1, err) < 0)
        goto out;
    }
  ret = 0;
out:
  archive_entry_free (e);
  archive_entry_free (spare);
  return ret;
}

static bool
skipped (const struct tar_writer *w, const char *path, const struct stat *st)
{
  size_t i;

  if (w->skip == NULL || ! S_ISREG (st->st_mode) || st->st_size != 0)
    return false;
  for (i = 0; w->skip[i]; i++)
    if (strcmp (w->skip[i], path) == 0)
      return true;
  return false;
}

static int
walk_dir (struct tar_writer *w, int dirfd, const char *prefix, unsigned depth, galley_error_t *err)
{
  struct walk_entry *v = NULL;
  size_t n = 0, i;
  int ret = 0;

  if (depth > PATH_MAX / 2)
    return galley_error_make (err, ELOOP, "layer directory %s: nested too deeply", prefix);
  /* The opaque marker first, before the directory's own entries, as
   * docker and containers/storage write it.  */
  if (whiteout_dir_is_opaque (dirfd))
    {
      _cleanup_free_ char *marker = NULL;
      marker = xasprintf ("%s%s", prefix, WHITEOUT_OPAQUE_NAME);
      if (write_marker (w, marker, err) < 0)
        return -1;
    }
  if (list_dir (dirfd, prefix, &v, &n, err) < 0)
    return -1;
  for (i = 0; i < n && ret == 0; i++)
    {
      _cleanup_free_ char *path = NULL;

      if (asprintf (&path, "%s%s", prefix, v[i].out_name) < 0)
        ret = galley_error_make (err, ENOMEM, "allocating");
      else if (skipped (w, path, &v[i].st))
        continue;
      else if (v[i].role == LAYER_TAR_WHITEOUT)
        ret = write_marker (w, path, err);
      else
        ret = write_entry (w, dirfd, &v[i], path, depth, err);
    }
  free_entries (v, n);
  return ret;
}

int
layer_tar_write (int diff_dir_fd, int out_fd, enum layer_compression compression, struct layer_tar_result *r,
                 galley_error_t *err)
{
  return layer_tar_write_except (diff_dir_fd, out_fd, compression, NULL, r, err);
}

int
layer_tar_write_except (int diff_dir_fd, int out_fd, enum layer_compression compression,
                        const char *const *skip, struct layer_tar_result *r, galley_error_t *err)
{
  struct tar_writer w = { .skip = skip };
  int ret;

  ret = writer_open (&w, out_fd, compression, err);
  if (ret == 0)
    ret = walk_dir (&w, diff_dir_fd, "", 0, err);
  if (ret == 0)
    ret = writer_finish (&w, r, err);
  writer_free (&w);
  return ret;
}
