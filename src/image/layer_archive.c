/* libarchive's errors as galley errors (see layer_archive.h).  */
#include "config.h"
#include "image/layer_archive.h"

int
layer_archive_fail (struct archive *a, galley_error_t *err, const char *what)
{
  const char *msg = archive_error_string (a);
  int e = archive_errno (a);

  return galley_error_make (err, e > 0 && msg == NULL ? e : 0, "%s: %s", what,
                            msg ? msg : "unknown libarchive error");
}
