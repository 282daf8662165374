/* Preparing a process to enter a container (see enter.h).  */
#include "config.h"
#include "runtime/enter.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

extern char **environ;

static void
forget_environment (void)
{
  char **e;

  for (e = environ; e != NULL && *e != NULL; e++)
    explicit_bzero (*e, strlen (*e));
  clearenv ();
}

/* The smallest fd of keep at or above from, or -1.  */
static int
next_kept (const int *keep, size_t n, int from)
{
  int best = -1;
  size_t i;

  for (i = 0; i < n; i++)
    if (keep[i] >= from && (best < 0 || keep[i] < best))
      best = keep[i];
  return best;
}

static int
close_all_but (int keep_below, const int *keep, size_t n_keep, galley_error_t *err)
{
  int from = keep_below, kept;

  if (keep_below == ENTER_KEEP_ALL_FDS)
    return 0;
  for (;;)
    {
      kept = next_kept (keep, n_keep, from);
      if (kept != from
          && syscall (SYS_close_range, (unsigned)from, kept < 0 ? ~0U : (unsigned)kept - 1, 0) < 0)
        return galley_error_make (err, errno, "closing the caller's files");
      if (kept < 0)
        return 0;
      from = kept + 1;
    }
}

int
enter_prepare (int keep_below, const int *keep, size_t n_keep, unsigned flags, galley_error_t *err)
{
  prctl (PR_SET_DUMPABLE, (flags & ENTER_DUMPABLE) ? 1 : 0);
  forget_environment ();
  return close_all_but (keep_below, keep, n_keep, err);
}
