/* Regenerating the layer tars of stored images, for `save` and `push`.
 *
 * The store keeps no layer blobs: each layer's tar is written anew from its
 * diff/ by layer_tar_write, into an unlinked temporary file in the storage
 * root (the same filesystem as the layers, so big enough), all layers in
 * one child inside the user namespace where the layer owners are mapped.
 * The regenerated tar usually differs from the one pulled (other tar
 * writers order and pad differently), so the config that names the layers
 * is rewritten with the new diff_ids (layer_regen_config).  */
#ifndef GALLEY_LAYER_REGEN_H
#define GALLEY_LAYER_REGEN_H

#include <stddef.h>

#include "image/digest.h"
#include "image/layer_tar.h"
#include "image/manifest.h"
#include "image/store.h"
#include "util/error.h"

struct layer_regen
{
  char *chain_id;                  /* owned */
  char *diff_dir;                  /* owned */
  int tmp_fd;                      /* the regenerated blob (-1 before), positioned at its end */
  struct layer_tar_result *result; /* shared with the child; valid after layer_regen_run */
};

/* Add chain_id (a ready layer of s) to *layers unless it is there; its
 * index in *index.  */
int layer_regen_add (struct store *s, struct layer_regen **layers, size_t *n, const char *chain_id,
                     size_t *index, galley_error_t *err);

/* Regenerate every layer, compressed as asked.  */
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
