/* libarchive at its boundary, for the code that reads and writes layer
 * tars: the cleanup type of a reader, and its ARCHIVE_* failures as galley
 * errors.  */
#ifndef GALLEY_LAYER_ARCHIVE_H
#define GALLEY_LAYER_ARCHIVE_H

#include <archive.h>

#include "util/error.h"

static inline void
cleanup_archive_readp (struct archive **a)
{
  if (*a != NULL)
    archive_read_free (*a);
}
#define _cleanup_archive_read_ __attribute__ ((cleanup (cleanup_archive_readp)))

/* The libarchive boundary: turn the last ARCHIVE_* failure of a into a
 * galley error "WHAT: libarchive's message".  Returns -1.  */
int layer_archive_fail (struct archive *a, galley_error_t *err, const char *what);

#endif
