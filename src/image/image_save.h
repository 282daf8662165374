/* Saving images from the store into an archive (`galley save`), as
 * podman 4.3 writes them:
 *
 *   docker-archive  manifest.json, <config-hex>.json, <diff-id-hex>.tar
 *                   (uncompressed layers), the legacy <id>/{VERSION,json,
 *                   layer.tar -> ../<hex>.tar} directories and repositories
 *   oci-archive     oci-layout, index.json (ref.name annotation),
 *                   blobs/sha256/<hex>: manifest, config, gzip layers
 *
 * The store keeps no layer blobs: each layer's tar is regenerated from its
 * diff/ inside the user namespace (layer_tar.h).  When a regenerated tar's
 * digest differs from the stored diff_id (it usually does for images that
 * galley did not write itself), the config written gets the new diff_ids,
 * so the saved image has a new id, as when podman or buildah re-create
 * layers.  An image saved, loaded and saved again keeps its id.  */
#ifndef GALLEY_IMAGE_SAVE_H
#define GALLEY_IMAGE_SAVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "state/paths.h"
#include "util/error.h"

enum image_save_format
{
  IMAGE_SAVE_DOCKER_ARCHIVE,
  IMAGE_SAVE_OCI_ARCHIVE,
};

/* "docker-archive", "oci-archive"; -1 for anything else.  */
int image_save_format_parse (const char *name, enum image_save_format *out);

struct image_save_options
{
  enum image_save_format format;
  char **images; /* names or ids as the user typed them */
  size_t n_images;
  bool multi_image;  /* -m: every argument is an image; otherwise images[1..]
                        are additional tags of images[0] (podman's rule) */
  bool uncompressed; /* oci-archive: layers as plain tars, not gzip */
  FILE *progress;    /* "Copying blob ..." lines, or NULL for none */
};

/* Resolve every image first (nothing is written when one is unknown),
 * then write the archive to output_fd (a file or a pipe, written
 * sequentially).  */
int image_save (const struct galley_paths *paths, const struct image_save_options *o, int output_fd,
                galley_error_t *err);

#endif
