/* The build context: COPY/ADD sources resolved strictly inside the context
 * directory, their digest for the layer cache, and the copy itself.  */
#ifndef GALLEY_BUILD_CONTEXT_H
#define GALLEY_BUILD_CONTEXT_H

#include <stddef.h>
#include <sys/types.h>

#include "build/ignore.h"
#include "util/error.h"

/* Expand a COPY/ADD source (globs as Go filepath.Match) relative to the
 * context root, resolved strictly inside it (openat2 RESOLVE_IN_ROOT
 * semantics: ".." and symlinks cannot leave it; a source that escapes is
 * refused with an error naming it), skipping ignored paths.  Returns the
 * matching relative paths (sorted, NULL-terminated as well as counted).
 * No match: ENOENT error
 * "COPY source \"x\": no such file or directory in the build context".  */
int build_context_glob (int context_fd, const struct build_ignore *ig, const char *pattern, char ***paths,
                        size_t *n, galley_error_t *err);

/* sha256 over the content, names, modes of paths (recursively; ignored
 * entries skipped), for the layer cache key: "sha256:<hex>".  */
int build_context_digest (int context_fd, const struct build_ignore *ig, char *const *paths, size_t n,
                          char **digest, galley_error_t *err);

/* Copy paths (relative to context_fd) to dest_dir_fd/dest as COPY does
 * (a directory source copies its contents; dest ending in "/" or several
 * sources: dest is a directory), never following symlinks out of either
 * root, with owner uid:gid (-1: keep the copier's) and mode (-1: keep).
 * Runs where the caller is (the build runs it inside the user namespace
 * so ownership can be set).  Ignored entries are skipped.  */
int build_context_copy (int context_fd, const struct build_ignore *ig, char *const *paths, size_t n,
                        int dest_dir_fd, const char *dest, uid_t uid, gid_t gid, int mode,
                        galley_error_t *err);

#endif
