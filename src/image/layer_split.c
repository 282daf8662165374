/* Tar-split: recording a layer tar's framing while it is extracted, and
 * writing the tar again from it (see layer_split.h).
 *
 * The recorder parses the tar stream as it arrives: headers, extension
 * headers, padding and whatever follows the end marker are "raw" bytes,
 * kept; the data of a regular file is skipped and becomes a "file" marker,
 * which waits in a queue until the extractor says where that file went.
 * Raw bytes before the first waiting marker go straight out; those behind
 * it wait with it, so the queue holds no more than the extractor lags
 * behind the parser (libarchive's read-ahead).  */
#include "config.h"
#include "image/layer_split.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "image/layer_archive.h"
#include "image/layer_fs.h"
#include "util/cleanup.h"
#include "util/log.h"
#include "util/xmalloc.h"

#define SPLIT_MAGIC "galley-tar-split 1\n"
#define BLOCK 512
/* pax extended headers are read for "size" and sparse files; bigger ones
 * (a path is at most a few KiB) are not expected in a layer  */
#define PAX_MAX (1u << 20)
#define RAW_RECORD_MAX (64u * 1024)
#define COPY_CHUNK (256u * 1024)

enum split_state
{
  SPLIT_HEADER,    /* collecting a header block */
  SPLIT_DATA,      /* data kept as is (extension headers, links with data) */
  SPLIT_PAX,       /* a pax header's data: kept, and read for "size" */
  SPLIT_FILE_DATA, /* a regular file's data: skipped */
  SPLIT_PADDING,   /* up to the next 512-byte boundary */
  SPLIT_TRAILER,   /* after the end marker: everything is kept */
};

struct split_marker
{
  uint64_t raw_at; /* raw bytes before it */
  uint64_t size;
};

struct layer_split
{
  char *path;
  int fd;
  struct layer_out out; /* zstd into fd */
  bool created;         /* path is ours to remove */
  bool broken, finished;

  enum split_state state;
  unsigned char block[BLOCK];
  size_t block_len;
  uint64_t remaining, padding;
  int64_t pax_size; /* the next header's size from a pax header, -1 none */
  char *pax;
  size_t pax_len;

  uint64_t raw_total; /* raw bytes seen */
  uint64_t tar_total; /* bytes seen */
  /* raw bytes behind the first waiting marker: raw[0] is raw byte raw_base */
  unsigned char *raw;
  size_t raw_len, raw_alloc;
  uint64_t raw_base;
  struct split_marker *markers;
  size_t n_markers, markers_alloc, first_marker;

  /* the "R" record being filled */
  unsigned char *record;
  size_t record_len;
};

/* ---- writing records ---- */

static void
split_fail (struct layer_split *sp, const char *why)
{
  if (! sp->broken)
    log_debug ("layer tar-split %s: %s: the layer keeps none", sp->path, why);
  sp->broken = true;
}

static void
put_bytes (struct layer_split *sp, const void *buf, size_t len)
{
  _cleanup_error_ galley_error_t err = NULL;

  if (! sp->broken && len > 0 && layer_out_write (&sp->out, buf, len, &err) < 0)
    split_fail (sp, err->msg);
}

static void
put_le (struct layer_split *sp, uint64_t v, size_t bytes)
{
  unsigned char b[8];
  size_t i;

  for (i = 0; i < bytes; i++)
    b[i] = (unsigned char)(v >> (8 * i));
  put_bytes (sp, b, bytes);
}

static void
flush_record (struct layer_split *sp)
{
  if (sp->record_len == 0)
    return;
  put_bytes (sp, "R", 1);
  put_le (sp, sp->record_len, 4);
  put_bytes (sp, sp->record, sp->record_len);
  sp->record_len = 0;
}

static void
emit_raw (struct layer_split *sp, const unsigned char *buf, size_t len)
{
  while (len > 0 && ! sp->broken)
    {
      size_t n = RAW_RECORD_MAX - sp->record_len;
      if (n > len)
        n = len;
      memcpy (sp->record + sp->record_len, buf, n);
      sp->record_len += n;
      buf += n;
      len -= n;
      if (sp->record_len == RAW_RECORD_MAX)
        flush_record (sp);
    }
}

/* ---- the queue ---- */

static void
queue_raw (struct layer_split *sp, const unsigned char *buf, size_t len)
{
  if (sp->broken || len == 0)
    return;
  sp->raw_total += len;
  if (sp->first_marker == sp->n_markers)
    {
      emit_raw (sp, buf, len);
      return;
    }
  if (sp->raw_len + len > sp->raw_alloc)
    {
      size_t alloc = sp->raw_alloc ? sp->raw_alloc : 64 * 1024;
      unsigned char *grown;

      while (alloc < sp->raw_len + len)
        alloc *= 2;
      grown = realloc (sp->raw, alloc);
      if (grown == NULL)
        {
          split_fail (sp, "out of memory");
          return;
        }
      sp->raw = grown;
      sp->raw_alloc = alloc;
    }
  memcpy (sp->raw + sp->raw_len, buf, len);
  sp->raw_len += len;
}

static void
queue_marker (struct layer_split *sp, uint64_t size)
{
  if (sp->broken)
    return;
  if (sp->first_marker == sp->n_markers)
    {
      /* nothing waits: the raw queue starts here */
      sp->first_marker = sp->n_markers = 0;
      sp->raw_len = 0;
      sp->raw_base = sp->raw_total;
    }
  if (sp->n_markers == sp->markers_alloc)
    {
      size_t alloc = sp->markers_alloc ? 2 * sp->markers_alloc : 64;
      struct split_marker *grown = realloc (sp->markers, alloc * sizeof *grown);
      if (grown == NULL)
        {
          split_fail (sp, "out of memory");
          return;
        }
      sp->markers = grown;
      sp->markers_alloc = alloc;
    }
  sp->markers[sp->n_markers++] = (struct split_marker){ .raw_at = sp->raw_total, .size = size };
}

/* ---- the tar framing ---- */

static uint64_t
parse_number (const unsigned char *p, size_t n, bool *ok)
{
  uint64_t v = 0;
  size_t i = 0;

  *ok = true;
  if (p[0] & 0x80)
    {
      /* base-256, for sizes past 8 GiB */
      for (i = 1; i < n; i++)
        {
          if (v >> 56)
            *ok = false;
          v = (v << 8) | p[i];
        }
      return (p[0] & 0x40) ? (*ok = false, 0) : v;
    }
  while (i < n && (p[i] == ' ' || p[i] == '\0'))
    i++;
  for (; i < n && p[i] >= '0' && p[i] <= '7'; i++)
    v = (v << 3) | (uint64_t)(p[i] - '0');
  for (; i < n; i++)
    if (p[i] != ' ' && p[i] != '\0')
      *ok = false;
  return v;
}

static bool
block_is_zero (const unsigned char *b)
{
  size_t i;

  for (i = 0; i < BLOCK; i++)
    if (b[i] != 0)
      return false;
  return true;
}

static bool
checksum_ok (const unsigned char *b)
{
  uint64_t want, sum = 0;
  int64_t signed_sum = 0;
  bool ok;
  size_t i;

  want = parse_number (b + 148, 8, &ok);
  for (i = 0; i < BLOCK; i++)
    {
      unsigned char c = (i >= 148 && i < 156) ? ' ' : b[i];
      sum += c;
      signed_sum += (signed char)c;
    }
  /* some old tars summed signed chars; libarchive takes both */
  return ok && (want == sum || (int64_t)want == signed_sum);
}

/* The records of a pax extended header ("<len> <key>=<value>\n"): the
 * size it gives the next entry; sparse files are not split.  */
static void
parse_pax (struct layer_split *sp)
{
  const char *p = sp->pax, *end = sp->pax + sp->pax_len;

  while (p < end && ! sp->broken)
    {
      char *after;
      unsigned long len = strtoul (p, &after, 10);
      const char *key, *eq;

      if (after == p || *after != ' ' || len == 0 || len > (size_t)(end - p))
        {
          split_fail (sp, "a malformed pax header");
          return;
        }
      key = after + 1;
      eq = memchr (key, '=', (size_t)(p + len - key));
      if (eq != NULL && (size_t)(eq - key) == 4 && strncmp (key, "size", 4) == 0)
        {
          char *num_end;
          unsigned long long v = strtoull (eq + 1, &num_end, 10);
          if (num_end != p + len - 1)
            split_fail (sp, "a malformed pax size");
          sp->pax_size = (int64_t)v;
        }
      else if (eq != NULL && strncmp (key, "GNU.sparse.", 11) == 0)
        split_fail (sp, "a sparse file");
      p += len;
    }
}

static void
start_data (struct layer_split *sp, enum split_state state, uint64_t size)
{
  sp->remaining = size;
  sp->padding = (BLOCK - size % BLOCK) % BLOCK;
  sp->state = size > 0 ? state : SPLIT_PADDING;
  if (sp->state == SPLIT_PADDING && sp->padding == 0)
    sp->state = SPLIT_HEADER;
}

/* A whole header block (kept raw already).  */
static void
parse_header (struct layer_split *sp)
{
  const unsigned char *b = sp->block;
  uint64_t size;
  bool ok;

  if (block_is_zero (b))
    {
      /* libarchive ends the archive at the first zero block */
      sp->state = SPLIT_TRAILER;
      return;
    }
  if (! checksum_ok (b))
    {
      split_fail (sp, "a header with a bad checksum");
      return;
    }
  size = parse_number (b + 124, 12, &ok);
  if (! ok)
    {
      split_fail (sp, "a header with a bad size");
      return;
    }
  switch (b[156])
    {
    case 'x':
      /* applies to the next entry */
      sp->pax_size = -1;
      if (size > PAX_MAX)
        {
          split_fail (sp, "a huge pax header");
          return;
        }
      free (sp->pax);
      sp->pax = malloc (size + 1);
      sp->pax_len = 0;
      if (sp->pax == NULL)
        split_fail (sp, "out of memory");
      start_data (sp, SPLIT_PAX, size);
      return;
    case 'g': /* global pax */
    case 'L': /* GNU long name, long link */
    case 'K':
    case 'N': /* old GNU long names */
    case 'A': /* Solaris ACL */
    case 'X': /* Solaris extended attributes */
    case 'V': /* volume label */
      start_data (sp, SPLIT_DATA, size);
      return;
    case 'S':
    case 'M':
      split_fail (sp, "a sparse or multi-volume entry");
      return;
    default:
      break;
    }
  if (sp->pax_size >= 0)
    size = (uint64_t)sp->pax_size;
  sp->pax_size = -1;
  /* Links, devices, directories, fifos (and GNU dump directories) carry no
   * file data: whatever they carry is kept.  Every other type flag is a
   * regular file to libarchive, as to tar.  */
  if ((b[156] >= '1' && b[156] <= '6') || b[156] == 'D')
    {
      start_data (sp, SPLIT_DATA, size);
      return;
    }
  if (size > 0)
    queue_marker (sp, size);
  start_data (sp, SPLIT_FILE_DATA, size);
}

static size_t
min_size (uint64_t a, size_t b)
{
  return a < b ? (size_t)a : b;
}

void
layer_split_feed (struct layer_split *sp, const void *buf, size_t len)
{
  const unsigned char *p = buf;

  if (sp == NULL)
    return;
  sp->tar_total += len;
  while (len > 0 && ! sp->broken)
    {
      size_t n;

      switch (sp->state)
        {
        case SPLIT_HEADER:
          n = min_size (BLOCK - sp->block_len, len);
          memcpy (sp->block + sp->block_len, p, n);
          sp->block_len += n;
          queue_raw (sp, p, n);
          if (sp->block_len == BLOCK)
            {
              sp->block_len = 0;
              parse_header (sp);
            }
          break;
        case SPLIT_DATA:
        case SPLIT_PAX:
        case SPLIT_FILE_DATA:
          n = min_size (sp->remaining, len);
          /* a file's data is skipped: the file in diff/ has it */
          if (sp->state != SPLIT_FILE_DATA)
            queue_raw (sp, p, n);
          if (sp->state == SPLIT_PAX && sp->pax != NULL)
            {
              memcpy (sp->pax + sp->pax_len, p, n);
              sp->pax_len += n;
            }
          sp->remaining -= n;
          if (sp->remaining == 0)
            {
              if (sp->state == SPLIT_PAX && sp->pax != NULL)
                parse_pax (sp);
              sp->state = sp->padding > 0 ? SPLIT_PADDING : SPLIT_HEADER;
            }
          break;
        case SPLIT_PADDING:
          n = min_size (sp->padding, len);
          queue_raw (sp, p, n);
          sp->padding -= n;
          if (sp->padding == 0)
            sp->state = SPLIT_HEADER;
          break;
        case SPLIT_TRAILER:
        default:
          n = len;
          queue_raw (sp, p, n);
          break;
        }
      p += n;
      len -= n;
    }
}

void
layer_split_file (struct layer_split *sp, const char *path, uint64_t size)
{
  _cleanup_free_ char *clean = NULL;
  struct split_marker *m;
  uint64_t upto;
  size_t n;

  if (sp == NULL || sp->broken)
    return;
  if (sp->first_marker == sp->n_markers)
    {
      split_fail (sp, "a file whose data the tar does not carry");
      return;
    }
  m = &sp->markers[sp->first_marker++];
  if (m->size != size)
    {
      split_fail (sp, "a file of another size than its data in the tar");
      return;
    }
  if (layer_path_clean (path, &clean) < 0)
    {
      split_fail (sp, "an unusable file name");
      return;
    }
  /* The queue starts at this marker (the raw bytes before it went out
   * with the one before): the marker, then the raw bytes up to the next
   * one.  */
  upto = sp->first_marker < sp->n_markers ? sp->markers[sp->first_marker].raw_at : sp->raw_total;
  flush_record (sp);
  put_bytes (sp, "F", 1);
  put_le (sp, size, 8);
  put_le (sp, strlen (clean), 4);
  put_bytes (sp, clean, strlen (clean));
  n = (size_t)(upto - sp->raw_base);
  if (n > 0)
    {
      emit_raw (sp, sp->raw, n);
      memmove (sp->raw, sp->raw + n, sp->raw_len - n);
      sp->raw_len -= n;
    }
  sp->raw_base = upto;
}

/* ---- start, finish ---- */

struct layer_split *
layer_split_start (const char *path)
{
  _cleanup_error_ galley_error_t err = NULL;
  struct layer_split *sp = calloc (1, sizeof *sp);

  if (sp == NULL)
    return NULL;
  sp->fd = -1;
  sp->pax_size = -1;
  sp->path = strdup (path);
  sp->record = malloc (RAW_RECORD_MAX);
  if (sp->path == NULL || sp->record == NULL)
    goto fail;
  sp->fd = open (path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (sp->fd < 0)
    {
      log_debug ("creating %s: %s", path, strerror (errno));
      goto fail;
    }
  sp->created = true;
  if (layer_out_open (&sp->out, sp->fd, LAYER_ZSTD, &err) < 0)
    {
      log_debug ("%s: %s", path, err->msg);
      goto fail;
    }
  put_bytes (sp, SPLIT_MAGIC, strlen (SPLIT_MAGIC));
  if (! sp->broken)
    return sp;
fail:
  layer_split_free (sp);
  return NULL;
}

bool
layer_split_finish (struct layer_split *sp)
{
  if (sp == NULL)
    return false;
  if (sp->state != SPLIT_HEADER && sp->state != SPLIT_TRAILER)
    split_fail (sp, "the tar ends inside an entry");
  if (sp->first_marker != sp->n_markers)
    split_fail (sp, "file data the extractor did not write");
  flush_record (sp);
  put_bytes (sp, "E", 1);
  put_le (sp, sp->tar_total, 8);
  if (! sp->broken)
    {
      _cleanup_error_ galley_error_t err = NULL;
      struct layer_tar_result unused;

      if (layer_out_finish (&sp->out, &unused, &err) < 0)
        split_fail (sp, err->msg);
    }
  if (close (sp->fd) < 0)
    split_fail (sp, strerror (errno));
  sp->fd = -1;
  sp->finished = ! sp->broken;
  return sp->finished;
}

void
layer_split_free (struct layer_split *sp)
{
  if (sp == NULL)
    return;
  layer_out_free (&sp->out);
  if (sp->fd >= 0)
    close (sp->fd);
  if (sp->created && ! sp->finished)
    unlink (sp->path);
  free (sp->path);
  free (sp->pax);
  free (sp->raw);
  free (sp->markers);
  free (sp->record);
  free (sp);
}

/* ---- writing the tar again ---- */

/* Exactly len bytes of the split; false at its end or on an error.  */
static bool
read_exact (struct archive *a, void *buf, size_t len)
{
  unsigned char *p = buf;

  while (len > 0)
    {
      la_ssize_t n = archive_read_data (a, p, len);
      if (n <= 0)
        return false;
      p += n;
      len -= (size_t)n;
    }
  return true;
}

static bool
read_le (struct archive *a, size_t bytes, uint64_t *v)
{
  unsigned char b[8];
  size_t i;

  if (! read_exact (a, b, bytes))
    return false;
  *v = 0;
  for (i = bytes; i-- > 0;)
    *v = (*v << 8) | b[i];
  return true;
}

static int
split_corrupt (galley_error_t *err, const char *what)
{
  return galley_error_make (err, 0, "tar-split: %s", what);
}

/* The data of one file ("F" record) from diff/.  */
static int
write_file (struct layer_out *out, struct archive *a, int diff_dir_fd, unsigned char *buf,
            galley_error_t *err)
{
  _cleanup_free_ char *path = NULL;
  _cleanup_close_ int fd = -1;
  uint64_t size, len, done = 0;
  struct stat st;

  if (! read_le (a, 8, &size) || ! read_le (a, 4, &len) || len == 0 || len > PATH_MAX)
    return split_corrupt (err, "a bad file record");
  path = xmalloc (len + 1);
  if (! read_exact (a, path, len) || memchr (path, '\0', len) != NULL)
    return split_corrupt (err, "a bad file record");
  path[len] = '\0';
  fd = layer_fs_open_confined (diff_dir_fd, path, O_RDONLY | O_NOFOLLOW);
  if (fd < 0)
    return galley_error_make (err, errno, "tar-split: %s", path);
  if (fstat (fd, &st) < 0 || ! S_ISREG (st.st_mode) || (uint64_t)st.st_size != size)
    return galley_error_make (err, 0, "tar-split: %s is not the file the layer had", path);
  while (done < size)
    {
      ssize_t n = read (fd, buf, min_size (size - done, COPY_CHUNK));
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return galley_error_make (err, n < 0 ? errno : 0, "tar-split: reading %s", path);
      if (layer_out_write (out, buf, (size_t)n, err) < 0)
        return -1;
      done += (uint64_t)n;
    }
  return 0;
}

static int
write_records (struct layer_out *out, struct archive *a, int diff_dir_fd, galley_error_t *err)
{
  _cleanup_free_ unsigned char *buf = malloc (COPY_CHUNK);
  char magic[sizeof SPLIT_MAGIC - 1];

  if (buf == NULL)
    return galley_error_make (err, ENOMEM, "allocating");
  if (! read_exact (a, magic, sizeof magic) || memcmp (magic, SPLIT_MAGIC, sizeof magic) != 0)
    return split_corrupt (err, "not a tar-split");
  for (;;)
    {
      unsigned char kind;
      uint64_t v;

      if (! read_exact (a, &kind, 1))
        return split_corrupt (err, "cut short");
      switch (kind)
        {
        case 'R':
          if (! read_le (a, 4, &v) || v > RAW_RECORD_MAX || ! read_exact (a, buf, (size_t)v))
            return split_corrupt (err, "a bad raw record");
          if (layer_out_write (out, buf, (size_t)v, err) < 0)
            return -1;
          break;
        case 'F':
          if (write_file (out, a, diff_dir_fd, buf, err) < 0)
            return -1;
          break;
        case 'E':
          if (! read_le (a, 8, &v) || v != out->tar_size)
            return split_corrupt (err, "a tar of another size");
          return 0;
        default:
          return split_corrupt (err, "an unknown record");
        }
    }
}

int
layer_split_write (int split_fd, int diff_dir_fd, int out_fd, enum layer_compression compression,
                   struct layer_tar_result *r, galley_error_t *err)
{
  _cleanup_archive_read_ struct archive *a = archive_read_new ();
  struct layer_out out = { 0 };
  struct archive_entry *e;
  int ret = -1;

  if (a == NULL)
    return galley_error_make (err, ENOMEM, "allocating");
  archive_read_support_filter_zstd (a);
  archive_read_support_format_raw (a);
  if (archive_read_open_fd (a, split_fd, 64 * 1024) != ARCHIVE_OK
      || archive_read_next_header (a, &e) != ARCHIVE_OK)
    return layer_archive_fail (a, err, "reading the tar-split");
  if (layer_out_open (&out, out_fd, compression, err) == 0 && write_records (&out, a, diff_dir_fd, err) == 0)
    ret = layer_out_finish (&out, r, err);
  layer_out_free (&out);
  return ret;
}
