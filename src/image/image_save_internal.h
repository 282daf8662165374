/* What image_save.c (planning, layer regeneration) hands to
 * image_save_archive.c (the docker-archive and oci-archive layouts).  */
#ifndef GALLEY_IMAGE_SAVE_INTERNAL_H
#define GALLEY_IMAGE_SAVE_INTERNAL_H

#include <stdio.h>

#include "image/image_save.h"
#include "image/layer_regen.h"
#include "image/store.h"
#include "util/digest.h"

struct save_image
{
  struct store_image *img;
  char **tags;    /* RepoTags (docker-archive) / ref.name (oci-archive); NULL-terminated */
  size_t *layers; /* indexes into save_plan.layers, bottom first */
  size_t n_layers;
  char *config; /* as written: the stored bytes, or rewritten with new diff_ids */
  size_t config_len;
  char config_digest[DIGEST_SHA256_BUFSIZE];
};

struct save_plan
{
  enum image_save_format format;
  bool gzip; /* oci-archive layers compressed */
  struct save_image *images;
  size_t n_images;
  struct layer_regen *layers; /* regenerated tars (gzip for OCI) */
  size_t n_layers;
  FILE *progress;
};

/* Write the archive for a plan whose layers are regenerated and whose
 * configs are final.  */
int save_archive_write (const struct save_plan *plan, int output_fd, galley_error_t *err);

#endif
