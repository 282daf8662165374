/* Entering a container: what every process of galley does before it joins
 * a container's namespaces (setns(2)) or as the first thing once cloned
 * into them, so that nothing of the user who runs galley can be read or
 * reached from inside: exec's caller and the process it forks, the
 * container init, cp's copier, the launcher that clones an init into
 * joined namespaces, the port forwarder and the helpers that run in the
 * network keeper's namespaces.
 *
 * Why non-dumpable is the lock: a process in the container's user
 * namespace runs with the same host uid as galley, so it may read another
 * process's /proc/PID/environ, fd/, root, mem and ptrace it unless that
 * process is non-dumpable; then it needs CAP_SYS_PTRACE in the user
 * namespace that owns the target's memory, which for galley (executed on
 * the host) is the host's, held by no container, --cap-add SYS_PTRACE and
 * --privileged included.  The process stays non-dumpable until it executes
 * the container's command: execve(2) gives it a new memory, owned by the
 * container's user namespace.
 *
 * What the process carries is dropped too, for whatever might still see
 * it: the environment is wiped, strings included (/proc/PID/environ shows
 * the memory the kernel first put them in, whatever environ says later),
 * and every fd is closed but stdio and those it needs.  */
#ifndef GALLEY_RUNTIME_ENTER_H
#define GALLEY_RUNTIME_ENTER_H

#include <limits.h>
#include <stddef.h>

#include "util/error.h"

enum enter_flags
{
  /* Stay (or become again) dumpable: the container init, whose
   * /proc/PID/uid_map, gid_map and ns/ the monitor, newuidmap and
   * slirp4netns must open until the monitor says go, and the network
   * keeper's namespace holder, which every starter opens.  Neither is
   * visible from any container's pid namespace meanwhile.  */
  ENTER_DUMPABLE = 1 << 0,
};

/* keep_below for a process whose child closes what it need not keep (the
 * launcher of an init).  */
#define ENTER_KEEP_ALL_FDS INT_MAX

/* Prepare the calling process to enter a container: non-dumpable (unless
 * ENTER_DUMPABLE), the environment wiped, every fd closed but 0 ..
 * keep_below - 1 and keep[0 .. n_keep - 1] (negative entries ignored).
 * Galley never sets variables itself, so every string the kernel put in
 * the process's environment is still reachable from environ and wiped.
 * Returns 0, or -1 with *err when the fds could not be closed.  */
int enter_prepare (int keep_below, const int *keep, size_t n_keep, unsigned flags, galley_error_t *err);

#endif
