/* galley exec: a new process in a running container.  The calling process
 * joins the container's namespaces (user first, with one setns on a pidfd
 * checked against the recorded start time), forks the process into its
 * pid namespace and gives it the same treatment as the container's
 * command: user and groups from the container's /etc/passwd, the
 * container's capabilities, no_new_privs and seccomp filter, only fds 0-2.
 * With -t it gets a pty from the container's devpts; with -d /dev/null for
 * its stdio, so that nothing of the caller's waits on it.  */
#ifndef GALLEY_RUNTIME_EXEC_H
#define GALLEY_RUNTIME_EXEC_H

#include <stdbool.h>

#include "runtime/envfile.h"
#include "runtime/spec.h"
#include "state/container_state.h"
#include "state/paths.h"
#include "util/error.h"

struct exec_options
{
  char **argv;                /* NULL-terminated, non-empty */
  const struct env_list *env; /* -e/--env-file, after the container's own */
  const char *user;           /* NULL: the container's user */
  const char *workdir;        /* NULL: the container's */
  bool tty, interactive, detach;
};

/* Run o->argv in the container described by spec (its create-time spec)
 * whose init is st->pid.  Returns the process's exit status (128+N when
 * killed), 0 at once with detach; -1 with *err (125, 126 cannot invoke,
 * 127 not found) when it could not be started.  The calling process is
 * left inside the container's namespaces, prepared to enter them
 * (runtime/enter.h: non-dumpable, its environment wiped, only fds 0-2
 * open): call it last.  */
int container_exec (const struct galley_paths *p, const struct run_spec *spec,
                    const struct container_state *st, const struct exec_options *o, galley_error_t *err);

#endif
