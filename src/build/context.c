/* The build context (stub; implementation follows).  */
#include "config.h"

#include <errno.h>

#include "build/context.h"

int
build_context_glob (int context_fd, const struct build_ignore *ig, const char *pattern, char ***paths,
                    size_t *n, galley_error_t *err)
{
  (void)context_fd;
  (void)ig;
  *paths = NULL;
  *n = 0;
  return galley_error_make (err, ENOSYS, "COPY source \"%s\": not implemented yet", pattern);
}

int
build_context_digest (int context_fd, const struct build_ignore *ig, char *const *paths, size_t n,
                      char **digest, galley_error_t *err)
{
  (void)context_fd;
  (void)ig;
  (void)paths;
  (void)n;
  *digest = NULL;
  return galley_error_make (err, ENOSYS, "context digest not implemented yet");
}

int
build_context_copy (int context_fd, const struct build_ignore *ig, char *const *paths, size_t n,
                    int dest_dir_fd, const char *dest, uid_t uid, gid_t gid, int mode, galley_error_t *err)
{
  (void)context_fd;
  (void)ig;
  (void)paths;
  (void)n;
  (void)dest_dir_fd;
  (void)uid;
  (void)gid;
  (void)mode;
  return galley_error_make (err, ENOSYS, "copying to %s: not implemented yet", dest);
}
