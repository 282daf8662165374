/* Layer extraction.
 *
 * A layer blob (gzip, zstd or uncompressed tar; detected) is streamed once:
 *   bytes -> sha256 of the blob -> decompress -> sha256 of the tar (diff_id)
 *         -> entries created in the diff directory (layer_fs.h, confined)
 * without ever holding a whole layer in memory.  Both digests are checked at
 * the end; a mismatch fails naming the blob
 * ("blob sha256:...: digest mismatch (got sha256:...)").  A blob digest
 * mismatch is reported in preference to the tar error it usually causes.
 *
 * Two ways in: a file descriptor read to EOF (layer_extract_fd, for `load`),
 * or a push stream for bytes arriving from registry_fetch_blob's sink
 * (layer_stream_*: extraction runs on its own thread behind a socket pair).
 * The tar's framing is recorded as it streams by (layer_split.h), so that
 * the layer can be written again as it came.  The caller commits or aborts
 * the layer in the store; on failure the diff directory holds a partial
 * tree (and a partial tar-split) that the caller must remove.  */
#ifndef GALLEY_LAYER_EXTRACT_H
#define GALLEY_LAYER_EXTRACT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/digest.h"
#include "util/error.h"

/* "sha256:" + 64 hex + NUL: layers are hashed with sha256 only */
#define LAYER_DIGEST_LEN DIGEST_SHA256_BUFSIZE

struct layer_extract_options
{
  const char *blob_digest; /* expected digest of the blob as stored ("sha256:<hex>"), or NULL */
  const char *diff_id;     /* expected digest of the uncompressed tar, or NULL */
  bool fold_owners;        /* no subordinate ids: every owner becomes the extracting user */
  const char *split_path;  /* record the tar's tar-split there (layer_split.h), or NULL */
};

struct layer_extract_result
{
  char blob_digest[LAYER_DIGEST_LEN]; /* as computed */
  char diff_id[LAYER_DIGEST_LEN];
  uint64_t blob_size;       /* bytes of the blob */
  uint64_t size;            /* bytes of the uncompressed tar */
  unsigned owners_unmapped; /* entries whose owner is outside the id map */
  unsigned owners_refused;  /* entries whose owner the filesystem refused */
  unsigned devices_skipped;
};

/* Read a blob from input_fd to EOF and extract it into diff_dir (an empty
 * directory).  r may be NULL.  */
int layer_extract_fd (int input_fd, const char *diff_dir, const struct layer_extract_options *o,
                      struct layer_extract_result *r, galley_error_t *err);

/* Push mode.  start spawns the extraction thread; write is a
 * registry_sink (ctx = the stream); finish signals the end of the blob,
 * waits and verifies; free (always, finished or not) stops the thread if
 * needed and discards its result.  */
struct layer_stream;
int layer_stream_start (const char *diff_dir, const struct layer_extract_options *o,
                        struct layer_stream **out, galley_error_t *err);
int layer_stream_write (void *stream, const void *buf, size_t len, galley_error_t *err);
int layer_stream_finish (struct layer_stream *s, struct layer_extract_result *r, galley_error_t *err);
void layer_stream_free (struct layer_stream *s);

#endif
