/* Open file description (OFD) locks on lock files: the store lock, per-layer
 * extraction locks and, later, per-container locks.  OFD locks belong to
 * the open file description, not the process, so threads and forked
 * children holding the same fd share the lock, and it vanishes when the
 * last fd is closed (a crashed holder never leaves a stale lock).  */
#ifndef GALLEY_LOCK_H
#define GALLEY_LOCK_H

#include <stdbool.h>

#include "util/error.h"

/* Open (creating, 0600) dirfd/name for locking.  Returns the fd.  */
int lock_open (int dirfd, const char *name, galley_error_t *err);

enum lock_mode
{
  LOCK_SHARED,
  LOCK_EXCLUSIVE,
};

/* Take the lock on the whole file, waiting (F_OFD_SETLKW, retried on
 * EINTR).  */
int lock_acquire (int fd, enum lock_mode mode, galley_error_t *err);
/* Try without waiting: 0 taken, 1 held by someone else, -1 error.  */
int lock_try (int fd, enum lock_mode mode, galley_error_t *err);
void lock_release (int fd);

/* Make the directory dir (0700, with its parents), and take the exclusive
 * lock dir/name, waiting.  Returns the lock's fd; *dirfd (may be NULL)
 * gets an fd of dir for the caller's further work under the lock.  */
int lock_in_dir (const char *dir, const char *name, int *dirfd, galley_error_t *err);

#endif
