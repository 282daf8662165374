/* .containerignore / .dockerignore: Docker's pattern semantics
 * (moby/patternmatcher: filepath.Match plus "**", "!" exceptions, a matched
 * directory excludes its contents).  */
#ifndef GALLEY_BUILD_IGNORE_H
#define GALLEY_BUILD_IGNORE_H

#include <stdbool.h>
#include <stddef.h>

#include "util/error.h"

struct build_ignore;

/* Load <containerfile>.containerignore / .dockerignore beside it, else
 * .containerignore, else .dockerignore in the context (none: matches
 * nothing).  Patterns as Docker's (filepath.Match + "**", "!" exceptions,
 * leading "/" and "./" stripped, cleaned paths).  containerfile_path may be
 * NULL (only the context's files are looked at).  */
int build_ignore_load (int context_fd, const char *containerfile_path, struct build_ignore **out,
                       galley_error_t *err);
/* Errors say "line N: ..." (EINVAL): a "!" alone, a bad class, a pattern
 * pointing outside the context ("../x").  */
int build_ignore_parse (const char *text, size_t len, struct build_ignore **out, galley_error_t *err);
/* relpath is relative to the context root ("a/b"); ig may be NULL.  */
bool build_ignore_match (const struct build_ignore *ig, const char *relpath);
void build_ignore_free (struct build_ignore *ig);

/* True if some pattern is a "!" exception: an ignored directory may then
 * still hold entries to keep, so walks must look inside it.  */
bool build_ignore_has_exceptions (const struct build_ignore *ig);

static inline void
cleanup_build_ignorep (struct build_ignore **ig)
{
  build_ignore_free (*ig);
}
#define _cleanup_build_ignore_ __attribute__ ((cleanup (cleanup_build_ignorep)))

#endif
