/* Adding one layer tar to the store: the step `load`, `commit`, `import`
 * and `build` share.  The layer's chain id must be known before the store
 * can begin it, so the tar is on hand in a seekable file (an unpacked
 * archive member, or a temporary file made by the caller).  */
#ifndef GALLEY_LAYER_IMPORT_H
#define GALLEY_LAYER_IMPORT_H

#include <stdint.h>

#include "image/layer_extract.h"
#include "image/store.h"
#include "util/error.h"

/* The chain id of a layer (OCI image spec): its diff_id at the bottom
 * (parent NULL or ""), else sha256 of "<parent chain id> <diff_id>".  */
int layer_chain_id (const char *parent, const char *diff_id, char out[LAYER_DIGEST_LEN]);

/* Begin the layer chain_id in s, extract the blob read from fd (to EOF)
 * into it and commit it; abort it on failure.  A layer that is already
 * ready is left alone.  Runs inside the user namespace, where the layer's
 * owners are mapped.  Returns 1 when it added the layer, 0 when the layer
 * was there.  */
int layer_import_fd (struct store *s, int fd, const char *chain_id, const char *parent,
                     const struct layer_extract_options *o, galley_error_t *err);

/* An unlinked temporary file in the storage root (the same filesystem as
 * the layers, so big enough for one), open O_RDWR.  */
int layer_import_tmpfile (struct store *s, galley_error_t *err);

#endif
