/* The build layer cache: which image an instruction produced on top of a
 * parent image, so that a rebuild reuses it without running anything.
 * Entries are files storage/build-cache/<key hex> holding an image id,
 * written atomically; an entry whose image is gone is a miss (and is
 * dropped).  The key covers everything the step's result depends on: the
 * parent image id, the instruction after expansion, the build arguments in
 * effect and, for COPY/ADD, the digest of the copied content.  */
#ifndef GALLEY_BUILD_CACHE_H
#define GALLEY_BUILD_CACHE_H

#include "image/store.h"
#include "util/error.h"

#define BUILD_CACHE_KEY_SIZE 65 /* 64 hex + NUL */

/* parent_id: NULL for scratch.  build_args: NULL-terminated "K=V" (may be
 * NULL), in the order they are in effect.  content_digest may be NULL.  */
int build_cache_key (const char *parent_id, const char *instruction, char *const *build_args,
                     const char *content_digest, char key[BUILD_CACHE_KEY_SIZE], galley_error_t *err);

/* 1 and *image_id (malloc'ed) on a hit, 0 on a miss.  */
int build_cache_lookup (struct store *s, const char *key, char **image_id, galley_error_t *err);

/* Remember that key produced image_id.  */
int build_cache_record (struct store *s, const char *key, const char *image_id, galley_error_t *err);

#endif
