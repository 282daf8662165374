/* Layer extraction: blob -> sha256 -> decompress -> sha256 -> tar entries,
 * streamed (see layer_extract.h).  Two libarchive readers are chained: the
 * first only decompresses (format "raw", filters gzip/zstd or none) so that
 * the uncompressed tar bytes can be hashed for the diff_id, the second reads
 * those bytes as a tar.  */
#include "config.h"
#include "image/layer_extract.h"

#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "image/layer_archive.h"
#include "image/layer_fs.h"
#include "image/layer_split.h"
#include "image/whiteout.h"
#include "util/cleanup.h"
#include "util/digest.h"

#define READ_CHUNK (256 * 1024)

struct extract_state
{
  int input_fd;
  bool input_eof;
  unsigned char *input_buf;
  struct digester blob_md;
  struct digester tar_md;
  uint64_t blob_size, tar_size;
  struct archive *decompress; /* raw reader: blob -> tar bytes */
  unsigned char *tar_buf;
  struct layer_split *split; /* NULL when not recording */
};

static ssize_t
read_blob (struct archive *a, void *opaque, const void **buf)
{
  struct extract_state *st = opaque;
  ssize_t n;

  if (st->input_eof)
    return 0;
  do
    n = read (st->input_fd, st->input_buf, READ_CHUNK);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    {
      archive_set_error (a, errno, "reading the blob");
      return -1;
    }
  if (n == 0)
    st->input_eof = true;
  digest_update (&st->blob_md, st->input_buf, (size_t)n, NULL);
  st->blob_size += (uint64_t)n;
  *buf = st->input_buf;
  return n;
}

static ssize_t
read_tar (struct archive *a, void *opaque, const void **buf)
{
  struct extract_state *st = opaque;
  la_ssize_t n = archive_read_data (st->decompress, st->tar_buf, READ_CHUNK);

  if (n < 0)
    {
      archive_set_error (a, archive_errno (st->decompress), "%s",
                         archive_error_string (st->decompress) ? archive_error_string (st->decompress)
                                                               : "decompression failed");
      return -1;
    }
  digest_update (&st->tar_md, st->tar_buf, (size_t)n, NULL);
  layer_split_feed (st->split, st->tar_buf, (size_t)n);
  st->tar_size += (uint64_t)n;
  *buf = st->tar_buf;
  return n;
}

static void
meta_from_entry (struct archive_entry *e, struct layer_fs_meta *m)
{
  m->mode = archive_entry_perm (e);
  m->uid = (uid_t)archive_entry_uid (e);
  m->gid = (gid_t)archive_entry_gid (e);
  m->mtime.tv_sec = archive_entry_mtime (e);
  m->mtime.tv_nsec = archive_entry_mtime_nsec (e);
  if (archive_entry_atime_is_set (e))
    {
      m->atime.tv_sec = archive_entry_atime (e);
      m->atime.tv_nsec = archive_entry_atime_nsec (e);
    }
  else
    m->atime = m->mtime;
}

static int
write_all_at (int fd, const char *p, size_t len, off_t off)
{
  while (len > 0)
    {
      ssize_t n = pwrite (fd, p, len, off);
      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          return -1;
        }
      p += n;
      off += n;
      len -= (size_t)n;
    }
  return 0;
}

static int
set_xattrs (struct layer_fs *fs, struct archive_entry *e, int fd, const char *path, galley_error_t *err)
{
  const char *name;
  const void *value;
  size_t size;

  if (archive_entry_xattr_reset (e) == 0)
    return 0;
  while (archive_entry_xattr_next (e, &name, &value, &size) == ARCHIVE_OK)
    if (layer_fs_set_xattr (fs, fd, path, name, value, size, err) < 0)
      return -1;
  return 0;
}

static int
extract_file (struct layer_fs *fs, struct layer_split *split, struct archive *tar, struct archive_entry *e,
              const char *path, galley_error_t *err)
{
  _cleanup_close_ int fd = layer_fs_create_file (fs, path, err);
  struct layer_fs_meta m;
  const void *block;
  size_t size;
  la_int64_t offset;
  int r;

  if (fd < 0)
    return -1;
  while ((r = archive_read_data_block (tar, &block, &size, &offset)) == ARCHIVE_OK)
    if (write_all_at (fd, block, size, (off_t)offset) < 0)
      return galley_error_make (err, errno, "writing %s", path);
  if (r != ARCHIVE_EOF)
    return layer_archive_fail (tar, err, path);
  if (archive_entry_size (e) > 0)
    layer_split_file (split, path, (uint64_t)archive_entry_size (e));
  meta_from_entry (e, &m);
  if (layer_fs_file_done (fs, fd, path, &m, (uint64_t)archive_entry_size (e), err) < 0)
    return -1;
  /* After chown, which drops security.capability.  */
  return set_xattrs (fs, e, fd, path, err);
}

static int
extract_entry (struct layer_fs *fs, struct layer_split *split, struct archive *tar, struct archive_entry *e,
               galley_error_t *err)
{
  const char *path = archive_entry_pathname (e);
  const char *hardlink = archive_entry_hardlink (e);
  const char *slash, *base;
  struct layer_fs_meta m;

  if (path == NULL)
    return galley_error_make (err, 0, "a layer entry without a name");
  slash = strrchr (path, '/');
  /* "dir/" names a directory: its last component is before the slash.  */
  base = slash && slash[1] != '\0' ? slash + 1 : path;
  if (strncmp (base, WHITEOUT_PREFIX, strlen (WHITEOUT_PREFIX)) == 0)
    return layer_fs_whiteout (fs, path, err);
  if (hardlink != NULL)
    return layer_fs_hardlink (fs, path, hardlink, err);
  meta_from_entry (e, &m);
  switch (archive_entry_filetype (e))
    {
    case AE_IFREG:
      return extract_file (fs, split, tar, e, path, err);
    case AE_IFDIR:
      if (layer_fs_mkdir (fs, path, &m, err) < 0)
        return -1;
      return set_xattrs (fs, e, -1, path, err);
    case AE_IFLNK:
      return layer_fs_symlink (fs, path, archive_entry_symlink (e) ? archive_entry_symlink (e) : "", &m, err);
    case AE_IFIFO:
      return layer_fs_mknod (fs, path, S_IFIFO, 0, &m, err);
    case AE_IFCHR:
      return layer_fs_mknod (fs, path, S_IFCHR, archive_entry_rdev (e), &m, err);
    case AE_IFBLK:
      return layer_fs_mknod (fs, path, S_IFBLK, archive_entry_rdev (e), &m, err);
    default:
      return galley_error_make (err, 0, "layer entry %s: unsupported file type 0%o", path,
                                (unsigned)archive_entry_filetype (e));
    }
}

static int
open_readers (struct extract_state *st, struct archive **tar, galley_error_t *err)
{
  struct archive *d = archive_read_new ();
  struct archive *t = archive_read_new ();

  st->decompress = d;
  *tar = t;
  if (d == NULL || t == NULL)
    return galley_error_make (err, ENOMEM, "allocating an archive reader");
  /* zstd and gzip by their magic; anything else is taken as a bare tar.  */
  archive_read_support_filter_gzip (d);
  archive_read_support_filter_zstd (d);
  archive_read_support_format_raw (d);
  archive_read_support_format_empty (d);
  if (archive_read_open (d, st, NULL, read_blob, NULL) != ARCHIVE_OK)
    return layer_archive_fail (d, err, "reading the blob");
  {
    struct archive_entry *raw;
    int r = archive_read_next_header (d, &raw);
    if (r == ARCHIVE_EOF)
      return galley_error_make (err, 0, "the blob is empty");
    if (r < ARCHIVE_WARN)
      return layer_archive_fail (d, err, "decompressing the blob");
  }
  archive_read_support_format_tar (t);
  if (archive_read_open (t, st, NULL, read_tar, NULL) != ARCHIVE_OK)
    return layer_archive_fail (t, err, "reading the layer");
  return 0;
}

static int
extract_entries (struct extract_state *st, struct layer_fs *fs, galley_error_t *err)
{
  _cleanup_archive_read_ struct archive *tar = NULL;
  struct archive_entry *e;
  int r;

  if (open_readers (st, &tar, err) < 0)
    return -1;
  while ((r = archive_read_next_header (tar, &e)) == ARCHIVE_OK || r == ARCHIVE_WARN)
    if (extract_entry (fs, st->split, tar, e, err) < 0)
      return -1;
  if (r != ARCHIVE_EOF)
    return layer_archive_fail (tar, err, "reading the layer");
  if (layer_fs_finish (fs, err) < 0)
    return -1;
  /* The diff_id covers the whole tar stream, padding after the end marker
   * included.  */
  {
    const void *unused;
    while ((r = (int)read_tar (tar, st, &unused)) > 0)
      ;
    if (r < 0)
      return layer_archive_fail (tar, err, "reading the layer");
  }
  return 0;
}

/* Layers are addressed by sha256 everywhere we know of; anything else is
 * refused up front rather than reported as a mismatch.  */
static int
check_algorithm (const char *what, const char *digest, galley_error_t *err)
{
  if (digest != NULL && strncmp (digest, "sha256:", 7) != 0)
    return galley_error_make (err, 0, "%s %s: unsupported digest algorithm (only sha256)", what, digest);
  return 0;
}

/* The rest of the blob that the readers never asked for, so that its
 * digest covers every byte.  */
static void
drain_input (struct extract_state *st)
{
  while (! st->input_eof)
    {
      ssize_t n = read (st->input_fd, st->input_buf, READ_CHUNK);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;
      digest_update (&st->blob_md, st->input_buf, (size_t)n, NULL);
      st->blob_size += (uint64_t)n;
    }
  st->input_eof = true;
}

int
layer_extract_fd (int input_fd, const char *diff_dir, const struct layer_extract_options *o,
                  struct layer_extract_result *r, galley_error_t *err)
{
  _cleanup_error_ galley_error_t extract_err = NULL;
  struct extract_state st = { .input_fd = input_fd };
  struct layer_extract_result res = { 0 };
  struct layer_fs fs;
  const char *blob_name = o->blob_digest ? o->blob_digest : "layer";
  int ret = -1;

  st.input_buf = malloc (READ_CHUNK);
  st.tar_buf = malloc (READ_CHUNK);
  if (st.input_buf == NULL || st.tar_buf == NULL)
    {
      galley_error_make (err, ENOMEM, "allocating");
      goto out;
    }
  if (check_algorithm ("blob", o->blob_digest, err) < 0 || check_algorithm ("diff_id", o->diff_id, err) < 0
      || digest_init (&st.blob_md, "sha256", err) < 0 || digest_init (&st.tar_md, "sha256", err) < 0)
    goto out;
  if (o->split_path != NULL)
    st.split = layer_split_start (o->split_path);
  if (layer_fs_open (&fs, diff_dir, o->fold_owners, &extract_err) == 0)
    {
      if (extract_entries (&st, &fs, &extract_err) == 0)
        layer_split_finish (st.split);
      res.owners_unmapped = fs.owners_unmapped;
      res.owners_refused = fs.owners_refused;
      res.devices_skipped = fs.devices_skipped;
      layer_fs_close (&fs);
    }
  if (st.decompress != NULL)
    archive_read_free (st.decompress);
  drain_input (&st);
  {
    char blob[DIGEST_BUFSIZE], tar[DIGEST_BUFSIZE];

    if (digest_final (&st.blob_md, blob, err) < 0 || digest_final (&st.tar_md, tar, err) < 0)
      goto out;
    /* sha256: always fits.  */
    memcpy (res.blob_digest, blob, sizeof res.blob_digest - 1);
    memcpy (res.diff_id, tar, sizeof res.diff_id - 1);
  }
  res.blob_size = st.blob_size;
  res.size = st.tar_size;
  /* A corrupted blob usually breaks decompression too: name the cause.  */
  if (o->blob_digest != NULL && strcmp (o->blob_digest, res.blob_digest) != 0)
    {
      galley_error_make (err, 0, "blob %s: digest mismatch (got %s)", o->blob_digest, res.blob_digest);
      goto out;
    }
  if (extract_err != NULL)
    {
      *err = steal_pointer (&extract_err);
      galley_error_wrap (err, "blob %s", blob_name);
      goto out;
    }
  if (o->diff_id != NULL && strcmp (o->diff_id, res.diff_id) != 0)
    {
      galley_error_make (err, 0, "blob %s: uncompressed digest mismatch (expected diff_id %s, got %s)",
                         blob_name, o->diff_id, res.diff_id);
      goto out;
    }
  if (r != NULL)
    *r = res;
  ret = 0;
out:
  layer_split_free (st.split);
  digest_release (&st.blob_md);
  digest_release (&st.tar_md);
  free (st.input_buf);
  free (st.tar_buf);
  return ret;
}

/* ---- push mode ---- */

struct layer_stream
{
  int write_fd;
  int read_fd;
  pthread_t thread;
  bool started, joined;
  char *diff_dir;
  struct layer_extract_options opts;
  char *blob_digest, *diff_id, *split_path;
  struct layer_extract_result result;
  galley_error_t err;
  int ret;
};

static void *
stream_thread (void *arg)
{
  struct layer_stream *s = arg;

  s->ret = layer_extract_fd (s->read_fd, s->diff_dir, &s->opts, &s->result, &s->err);
  /* Unblock a writer still sending after a failure.  */
  shutdown (s->read_fd, SHUT_RD);
  return NULL;
}

int
layer_stream_start (const char *diff_dir, const struct layer_extract_options *o, struct layer_stream **out,
                    galley_error_t *err)
{
  struct layer_stream *s = calloc (1, sizeof *s);
  int fds[2], bufsize = 1024 * 1024, e;

  if (s == NULL)
    return galley_error_make (err, errno, "allocating");
  s->write_fd = s->read_fd = -1;
  *out = s;
  s->opts = *o;
  s->diff_dir = strdup (diff_dir);
  s->blob_digest = o->blob_digest ? strdup (o->blob_digest) : NULL;
  s->diff_id = o->diff_id ? strdup (o->diff_id) : NULL;
  s->split_path = o->split_path ? strdup (o->split_path) : NULL;
  if (s->diff_dir == NULL || (o->blob_digest && ! s->blob_digest) || (o->diff_id && ! s->diff_id)
      || (o->split_path && ! s->split_path))
    return galley_error_make (err, ENOMEM, "allocating");
  s->opts.blob_digest = s->blob_digest;
  s->opts.diff_id = s->diff_id;
  s->opts.split_path = s->split_path;
  /* A socket pair rather than a pipe: send(MSG_NOSIGNAL) fails with EPIPE
   * instead of raising SIGPIPE when the extractor has stopped.  */
  if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) < 0)
    return galley_error_make (err, errno, "socketpair");
  s->read_fd = fds[0];
  s->write_fd = fds[1];
  setsockopt (s->write_fd, SOL_SOCKET, SO_SNDBUF, &bufsize, sizeof bufsize);
  setsockopt (s->read_fd, SOL_SOCKET, SO_RCVBUF, &bufsize, sizeof bufsize);
  e = pthread_create (&s->thread, NULL, stream_thread, s);
  if (e != 0)
    return galley_error_make (err, e, "starting the extraction thread");
  s->started = true;
  return 0;
}

int
layer_stream_write (void *stream, const void *buf, size_t len, galley_error_t *err)
{
  struct layer_stream *s = stream;
  const char *p = buf;

  while (len > 0)
    {
      ssize_t n = send (s->write_fd, p, len, MSG_NOSIGNAL);
      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          if (errno == EPIPE)
            return galley_error_make (err, 0, "layer extraction stopped");
          return galley_error_make (err, errno, "streaming the layer");
        }
      p += n;
      len -= (size_t)n;
    }
  return 0;
}

static void
stream_join (struct layer_stream *s)
{
  if (s->write_fd >= 0)
    {
      close (s->write_fd);
      s->write_fd = -1;
    }
  if (s->started && ! s->joined)
    {
      pthread_join (s->thread, NULL);
      s->joined = true;
    }
}

int
layer_stream_finish (struct layer_stream *s, struct layer_extract_result *r, galley_error_t *err)
{
  stream_join (s);
  if (s->ret < 0)
    {
      *err = steal_pointer (&s->err);
      s->ret = 0;
      return -1;
    }
  if (r != NULL)
    *r = s->result;
  return 0;
}

void
layer_stream_free (struct layer_stream *s)
{
  if (s == NULL)
    return;
  stream_join (s);
  if (s->read_fd >= 0)
    close (s->read_fd);
  galley_error_release (&s->err);
  free (s->diff_dir);
  free (s->blob_digest);
  free (s->diff_id);
  free (s->split_path);
  free (s);
}
