/* .containerignore / .dockerignore (stub; implementation follows).  */
#include "config.h"

#include <errno.h>
#include <stdlib.h>

#include "build/ignore.h"

int
build_ignore_load (int context_fd, const char *containerfile_path, struct build_ignore **out,
                   galley_error_t *err)
{
  (void)context_fd;
  (void)containerfile_path;
  *out = NULL;
  return galley_error_make (err, ENOSYS, "ignore files not implemented yet");
}

int
build_ignore_parse (const char *text, size_t len, struct build_ignore **out, galley_error_t *err)
{
  (void)text;
  (void)len;
  *out = NULL;
  return galley_error_make (err, ENOSYS, "ignore files not implemented yet");
}

bool
build_ignore_match (const struct build_ignore *ig, const char *relpath)
{
  (void)ig;
  (void)relpath;
  return false;
}

void
build_ignore_free (struct build_ignore *ig)
{
  free (ig);
}
