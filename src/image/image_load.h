/* Loading images from archives into the store (`galley load`): the
 * docker-archive written by `docker save`/`podman save` (manifest.json,
 * <config>.json, <layer>/layer.tar or blobs/sha256/<hex>) and the
 * oci-archive (an OCI image layout as a tar: oci-layout, index.json,
 * blobs/).  */
#ifndef GALLEY_IMAGE_LOAD_H
#define GALLEY_IMAGE_LOAD_H

#include "state/paths.h"
#include "util/error.h"

/* Read the archive from input_fd (a file or a pipe), store every image in
 * it and return what podman prints after "Loaded image: ": the names, or
 * "sha256:<id>" for an image without one.  *loaded is NULL-terminated.  */
int image_load (const struct galley_paths *paths, int input_fd, char ***loaded, galley_error_t *err);

#endif
