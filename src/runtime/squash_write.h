/* `galley image squash`: an image of the store written as one SquashFS
 * file that `galley run FILE.sqfs` runs (runtime/rootfs_squash.h).
 *
 * The layers are flattened (whiteouts and opaque directories applied) into
 * a scratch directory under the storage root, as root of the user's
 * namespace so that the files keep the image's owners, the image's config
 * goes in at image/squash_config.h's path, and mksquashfs packs the tree
 * from inside the same namespace: the file records the owners the image
 * gives (root for every file of an image stored without subordinate ids,
 * whose owners were folded onto the user).  The file is written under a
 * temporary name beside the destination and renamed over it when
 * complete; the scratch directory goes either way.  */
#ifndef GALLEY_RUNTIME_SQUASH_WRITE_H
#define GALLEY_RUNTIME_SQUASH_WRITE_H

#include "state/paths.h"
#include "util/error.h"

/* Write image (a name or id of the store) to the file out.  */
int squash_write_image (const struct galley_paths *paths, const char *image, const char *out,
                        galley_error_t *err);

#endif
