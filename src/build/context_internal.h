/* Shared by context.c and context_copy.c: confined lookups in the build
 * context.  */
#ifndef GALLEY_BUILD_CONTEXT_INTERNAL_H
#define GALLEY_BUILD_CONTEXT_INTERNAL_H

#include "util/error.h"

/* openat2 of rel beneath ctx_fd (RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS):
 * "..", absolute symlinks and symlinks climbing out fail with EXDEV instead
 * of leaving the context.  Returns the fd or -1 with errno.  */
int context_open_beneath (int ctx_fd, const char *rel, int flags);

/* The source as a clean path relative to the context ("." for the root; a
 * leading "/" means the context root); an error naming it if it climbs
 * out with "..".  */
int context_clean_source (const char *source, char **out, galley_error_t *err);

/* The error for a source that escapes the context (through ".." or a
 * symlink).  */
int context_escape_error (const char *source, galley_error_t *err);

/* ENOENT: "COPY source \"x\": no such file or directory in the build
 * context".  */
int context_not_found (const char *source, galley_error_t *err);

/* "a" + "/" + "b", or "b" when dir is ".".  Aborts on OOM.  */
char *context_join (const char *dir, const char *name);

#endif
