/* Entering a user namespace with the user's id map: cloning a child into new
 * namespaces, writing its uid/gid maps from outside (newuidmap/newgidmap, or
 * /proc/PID/{setgroups,uid_map,gid_map} for the single-id map), and carrying
 * a galley_error_t from the child back to the parent through a pipe.  */
#ifndef GALLEY_USERNS_H
#define GALLEY_USERNS_H

#include <stdbool.h>
#include <sys/types.h>

#include "ns/idmap.h"
#include "util/error.h"

/* Fork a child that is root in a new user namespace (plus
 * extra_clone_flags such as CLONE_NEWNS; CLONE_NEWPID makes the child pid 1)
 * with the maps of `map` written, run fn (arg, err) there, wait, and return
 * fn's result (0..255; fn's negative result becomes -1 with fn's error as
 * *err).  As real root (map->source == IDMAP_SOURCE_ROOT) no user namespace
 * is created; the extra flags still apply.  stdout and stderr are flushed
 * before the fork.  */
int userns_run (const struct idmap *map, int extra_clone_flags, int (*fn) (void *arg, galley_error_t *err),
                void *arg, galley_error_t *err);

/* rm -rf dirfd/name (AT_FDCWD and a path work too) whose files may belong
 * to subordinate ids (what a container or an extraction wrote): tried
 * directly first, which is enough for most trees; on EACCES/EPERM again as
 * root in a user namespace with map (NULL: the current user's map).  A
 * missing tree is not an error.  */
int userns_remove_tree (const struct idmap *map, int dirfd, const char *name, galley_error_t *err);

/* Lower-level pieces, for callers that manage their own child (the container
 * init, which needs a longer handshake).  */

/* clone(2) without a new stack: returns like fork (0 in the child), with the
 * namespaces of `flags` (CLONE_NEW*) and SIGCHLD as the exit signal.  */
pid_t userns_clone (int flags);

/* Write the uid/gid maps of process pid (which must already be in its new
 * user namespace and not yet have used its ids): newuidmap/newgidmap for a
 * multi-range map, or setgroups "deny" + uid_map + gid_map for a
 * single-id map.  */
int userns_write_maps (pid_t pid, const struct idmap *map, galley_error_t *err);

/* After the maps are written, in the child: become uid 0 / gid 0 (and clear
 * supplementary groups where setgroups is allowed, unless keep_groups:
 * the caller's groups then stay as the kernel has them).  When 0 is not
 * mapped (keep-id over a single-id map) nothing changes: the child keeps
 * its mapped ids and its capabilities in the namespace.  */
int userns_become_root (const struct idmap *map, bool keep_groups, galley_error_t *err);

/* Send *err (exit code, errno, message) over fd in one write; never fails
 * loudly (the child is about to exit anyway).  */
void userns_send_error (int fd, const galley_error_t *err);
/* Read what userns_send_error wrote.  Returns 1 and fills *err when an error
 * came, 0 at EOF without one, -1 with *err on a read failure.  */
int userns_receive_error (int fd, galley_error_t *err);

#endif
