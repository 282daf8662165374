/* The one cleanup header: scope-bound release of memory, fds and each
 * dependency's handles, in the bubblewrap/systemd style.
 *
 *     _cleanup_free_ char *p = NULL;
 *     _cleanup_close_ int fd = -1;
 *     return steal_pointer (&p);
 */
#ifndef GALLEY_CLEANUP_H
#define GALLEY_CLEANUP_H

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static inline void
cleanup_freep (void *p)
{
  void **pp = (void **)p;
  free (*pp);
}

static inline void
cleanup_closep (int *fd)
{
  if (*fd >= 0)
    {
      int saved = errno;
      close (*fd);
      errno = saved;
    }
}

static inline void
cleanup_fclosep (FILE **f)
{
  if (*f != NULL)
    fclose (*f);
}

static inline void
cleanup_closedirp (DIR **d)
{
  if (*d != NULL)
    closedir (*d);
}

/* A NULL-terminated array of strings.  */
static inline void
cleanup_strvp (char ***v)
{
  char **p;

  if (*v == NULL)
    return;
  for (p = *v; *p != NULL; p++)
    free (*p);
  free (*v);
  *v = NULL;
}

#define _cleanup_free_ __attribute__ ((cleanup (cleanup_freep)))
#define _cleanup_close_ __attribute__ ((cleanup (cleanup_closep)))
#define _cleanup_fclose_ __attribute__ ((cleanup (cleanup_fclosep)))
#define _cleanup_closedir_ __attribute__ ((cleanup (cleanup_closedirp)))
#define _cleanup_strv_ __attribute__ ((cleanup (cleanup_strvp)))

static inline void *
steal_pointer_impl (void *pp)
{
  void **p = (void **)pp;
  void *v = *p;
  *p = NULL;
  return v;
}
#define steal_pointer(pp) ((__typeof__ (*(pp)))steal_pointer_impl (pp))

static inline int
steal_fd (int *fd)
{
  int v = *fd;
  *fd = -1;
  return v;
}

/* One cleanup type per dependency, declared where its boundary is wrapped:
 *   json-c      -> util/json.h       _cleanup_json_
 *   libarchive  -> image/archive.h   _cleanup_archive_read_ / _cleanup_archive_write_
 *   libcurl     -> registry/http.h   _cleanup_curl_
 *   libseccomp  -> runtime/seccomp.h _cleanup_seccomp_
 *   libcap      -> runtime/caps.h    _cleanup_cap_
 * so that a file only pulls in the headers of the libraries it uses.  */

#endif
