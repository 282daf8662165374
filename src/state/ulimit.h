/* --ulimit name=soft[:hard] (docker's names; -1 = unlimited): parsing and
 * applying with setrlimit in the container init.  */
#ifndef GALLEY_STATE_ULIMIT_H
#define GALLEY_STATE_ULIMIT_H

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

/* podman's defaults for what the user did not set: nofile and nproc at the
 * most they can be (1048576, or for a rootless user its own hard limit, and
 * the current nproc soft limit).  Appends to limits (which must have room for
 * n + 2 entries) and returns the new count.  Call in the parent (it reads the
 * parent's limits) before the container starts.  */
size_t ulimit_add_defaults (struct ulimit *limits, size_t n, int rootless);

/* Set each limit in the calling process (the container init, before execve;
 * the limits are inherited).  A hard limit above the current one cannot be
 * raised without privilege on the host: that fails with a clear error.  */
int ulimit_apply (const struct ulimit *limits, size_t n, galley_error_t *err);

#endif
