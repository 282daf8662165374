/* A layer tar's bytes hashed, compressed, hashed and written (see
 * layer_out.h).  The compressor is a libarchive writer of format "raw" with
 * the gzip or zstd filter, whose output comes back through write_blob.  */
#include "config.h"
#include "image/layer_out.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <archive_entry.h>

#include "image/layer_archive.h"
#include "util/cleanup.h"
#include "util/fs.h"

static int
write_all (struct layer_out *o, const void *buf, size_t len)
{
  /* uncompressed, the blob is the tar: its digest is the diff_id */
  if (o->compressor != NULL)
    digest_update (&o->blob_md, buf, len, NULL);
  o->blob_size += len;
  return fs_write_all (o->out_fd, buf, len);
}

static la_ssize_t
write_blob (struct archive *a, void *opaque, const void *buf, size_t len)
{
  if (write_all (opaque, buf, len) < 0)
    {
      archive_set_error (a, errno, "writing the layer: %s", strerror (errno));
      return -1;
    }
  return (la_ssize_t)len;
}

static int
open_compressor (struct layer_out *o, enum layer_compression compression, galley_error_t *err)
{
  struct archive_entry *e = archive_entry_new ();
  int r;

  o->compressor = archive_write_new ();
  if (o->compressor == NULL || e == NULL)
    {
      archive_entry_free (e);
      return galley_error_make (err, ENOMEM, "allocating the layer writer");
    }
  archive_write_set_format_raw (o->compressor);
  if (compression == LAYER_ZSTD)
    r = archive_write_add_filter_zstd (o->compressor);
  else
    {
      r = archive_write_add_filter_gzip (o->compressor);
      /* No time stamp in the gzip header: the same layer, the same blob.  */
      archive_write_set_filter_option (o->compressor, "gzip", "timestamp", NULL);
    }
  if (r == ARCHIVE_OK)
    {
      archive_write_set_bytes_in_last_block (o->compressor, 1);
      archive_entry_set_filetype (e, AE_IFREG);
      archive_entry_set_pathname (e, "layer.tar");
      r = archive_write_open (o->compressor, o, NULL, write_blob, NULL);
    }
  if (r == ARCHIVE_OK)
    r = archive_write_header (o->compressor, e);
  archive_entry_free (e);
  if (r != ARCHIVE_OK)
    return layer_archive_fail (o->compressor, err, "starting the compressor");
  return 0;
}

int
layer_out_open (struct layer_out *o, int out_fd, enum layer_compression compression, galley_error_t *err)
{
  o->out_fd = out_fd;
  if (digest_init (&o->tar_md, "sha256", err) < 0 || digest_init (&o->blob_md, "sha256", err) < 0)
    return -1;
  if (compression != LAYER_UNCOMPRESSED)
    return open_compressor (o, compression, err);
  return 0;
}

int
layer_out_write (struct layer_out *o, const void *buf, size_t len, galley_error_t *err)
{
  digest_update (&o->tar_md, buf, len, NULL);
  o->tar_size += len;
  if (o->compressor == NULL)
    return write_all (o, buf, len) < 0 ? galley_error_make (err, errno, "writing the layer") : 0;
  if (archive_write_data (o->compressor, buf, len) != (la_ssize_t)len)
    return layer_archive_fail (o->compressor, err, "compressing the layer");
  return 0;
}

static int
final_digest (struct digester *md, char out[DIGEST_SHA256_BUFSIZE], galley_error_t *err)
{
  char text[DIGEST_BUFSIZE];

  if (digest_final (md, text, err) < 0)
    return -1;
  /* sha256: always fits */
  memcpy (out, text, DIGEST_SHA256_BUFSIZE - 1);
  out[DIGEST_SHA256_BUFSIZE - 1] = '\0';
  return 0;
}

int
layer_out_finish (struct layer_out *o, struct layer_tar_result *r, galley_error_t *err)
{
  if (o->compressor && archive_write_close (o->compressor) != ARCHIVE_OK)
    return layer_archive_fail (o->compressor, err, "finishing the compressed layer");
  if (final_digest (&o->tar_md, r->diff_id, err) < 0)
    return -1;
  if (o->compressor == NULL)
    memcpy (r->blob_digest, r->diff_id, sizeof r->blob_digest);
  else if (final_digest (&o->blob_md, r->blob_digest, err) < 0)
    return -1;
  r->size = o->tar_size;
  r->blob_size = o->blob_size;
  return 0;
}

void
layer_out_free (struct layer_out *o)
{
  if (o->compressor)
    archive_write_free (o->compressor);
  o->compressor = NULL;
  digest_release (&o->tar_md);
  digest_release (&o->blob_md);
}
