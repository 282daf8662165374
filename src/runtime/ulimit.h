/* --ulimit name=soft[:hard] (docker's names; -1 = unlimited): parsing and
 * applying with setrlimit in the container init.  */
#ifndef GALLEY_RUNTIME_ULIMIT_H
#define GALLEY_RUNTIME_ULIMIT_H

#include <stddef.h>
#include <sys/resource.h>

#include "util/error.h"

struct ulimit
{
  int resource; /* RLIMIT_* */
  rlim_t soft, hard;
};

/* "nofile=1024:2048", "nproc=-1", "core=0".  */
int ulimit_parse (const char *spec, struct ulimit *out, galley_error_t *err);
/* "nofile" for RLIMIT_NOFILE; NULL if unknown.  */
const char *ulimit_name (int resource);

/* Set each limit in the calling process (the container init, before execve;
 * the limits are inherited).  A hard limit above the current one cannot be
 * raised without privilege on the host: that fails with a clear error.  */
int ulimit_apply (const struct ulimit *limits, size_t n, galley_error_t *err);

#endif
