/* Regenerating the layer tars of stored images, for `save` and `push`.
 *
 * The store keeps no layer blobs: each layer's tar is written again from
 * its diff/ into an unlinked temporary file in the storage root (the same
 * filesystem as the layers, so big enough), all layers in one child inside
 * the user namespace where the layer owners are mapped.  A layer with a
 * tar-split (layer_split.h) gets the very tar it was pulled or loaded
 * with, its diff_id unchanged; one without (or whose files no longer give
 * that tar) is written anew by layer_tar_write, and the config that names
 * the layers is then rewritten with the new diff_ids (layer_regen_config).
 *
 * A push remembers each layer's blob (diff_id, compressed digest and size,
 * per compression) in the store (store_layer_pushed_put): a later push
 * whose destination has that blob already uses it instead of writing and
 * compressing the layer again.  */
#ifndef GALLEY_LAYER_REGEN_H
#define GALLEY_LAYER_REGEN_H

#include <stddef.h>

#include "image/layer_tar.h"
#include "image/manifest.h"
#include "image/store.h"
#include "util/digest.h"
#include "util/error.h"

struct layer_regen
{
  char *chain_id;                  /* owned */
  char *diff_id;                   /* owned: the diff_id the layer came with */
  char *diff_dir;                  /* owned */
  char *split_path;                /* owned: its tar-split, which may be missing */
  int tmp_fd;                      /* the regenerated blob (-1 before), positioned at its end */
  struct layer_tar_result *result; /* shared with the child; valid after layer_regen_run */
  bool recalled;                   /* result from an earlier push; no blob here (tmp_fd -1) */
};

/* Add chain_id (a ready layer of s) to *layers unless it is there; its
 * index in *index.  */
int layer_regen_add (struct store *s, struct layer_regen **layers, size_t *n, const char *chain_id,
                     size_t *index, galley_error_t *err);

/* For each layer whose blob compressed as asked an earlier push remembered
 * and present (ctx, digest) says is at the destination (1; 0 when not, -1
 * on error): mark it recalled, with that result.  */
int layer_regen_recall (struct store *s, struct layer_regen *layers, size_t n,
                        enum layer_compression compression,
                        int (*present) (void *ctx, const char *digest, galley_error_t *err), void *ctx,
                        galley_error_t *err);

/* Remember the blobs layer_regen_run wrote (best effort).  */
void layer_regen_remember (struct store *s, struct layer_regen *layers, size_t n,
                           enum layer_compression compression);

/* Write every layer not recalled, compressed as asked.  */
int layer_regen_run (struct store *s, struct layer_regen *layers, size_t n,
                     enum layer_compression compression, galley_error_t *err);

/* Close the files, unmap the results, free the array.  */
void layer_regen_free (struct layer_regen *layers, size_t n);

/* img's stored config, or -- when diff_ids (n of them, bottom first) differ
 * from its rootfs.diff_ids -- the config with these diff_ids.  *config is
 * malloc'd (NUL-terminated), digest gets its sha256.  */
int layer_regen_config (struct store *s, const struct store_image *img, const char *const *diff_ids, size_t n,
                        char **config, size_t *len, char digest[DIGEST_SHA256_BUFSIZE], galley_error_t *err);

#endif
