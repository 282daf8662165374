/* The bytes of a layer tar on their way out: hashed as the tar (diff_id),
 * compressed as asked (gzip with a fixed header: no time stamp, so the same
 * tar gives the same blob; zstd at libarchive's default level), hashed
 * again as the blob, and written to a file descriptor.  layer_tar.c (a tar
 * written anew from a directory) and layer_split.c (the tar as it was
 * pulled, reassembled) both write through it.  */
#ifndef GALLEY_LAYER_OUT_H
#define GALLEY_LAYER_OUT_H

#include <stddef.h>
#include <stdint.h>

#include <archive.h>

#include "image/manifest.h"
#include "util/digest.h"
#include "util/error.h"

struct layer_tar_result
{
  char diff_id[DIGEST_SHA256_BUFSIZE];     /* sha256 of the tar */
  char blob_digest[DIGEST_SHA256_BUFSIZE]; /* sha256 of what was written (= diff_id when uncompressed) */
  uint64_t size;                           /* bytes of the tar */
  uint64_t blob_size;                      /* bytes written to out_fd */
};

struct layer_out
{
  struct archive *compressor; /* NULL when not compressing */
  struct digester tar_md, blob_md;
  uint64_t tar_size, blob_size;
  int out_fd;
};

/* Zero-initialise o, then open it; free it (layer_out_free) either way.  */
int layer_out_open (struct layer_out *o, int out_fd, enum layer_compression compression, galley_error_t *err);
/* The next len bytes of the tar.  */
int layer_out_write (struct layer_out *o, const void *buf, size_t len, galley_error_t *err);
/* Flush the compressor and give the digests and sizes.  */
int layer_out_finish (struct layer_out *o, struct layer_tar_result *r, galley_error_t *err);
void layer_out_free (struct layer_out *o);

#endif
