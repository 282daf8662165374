/* The monitor side of a container in the foreground: clone the container
 * init into new namespaces, write its id maps, relay signals, the pty and
 * the output (logged through runtime/log_relay.h), wait, and map the
 * result to an exit status.  */
#ifndef GALLEY_RUNTIME_PROCESS_H
#define GALLEY_RUNTIME_PROCESS_H

#include <signal.h>
#include <sys/types.h>

#include "runtime/spec.h"
#include "state/container_log.h"
#include "state/paths.h"
#include "util/error.h"

/* Run spec in the foreground.  Returns the container's exit status (its
 * code, or 128+N when killed by signal N), or -1 with *err when the
 * container could not be started (exit code 125, or 126/127 when the command
 * could not be invoked / was not found).  */
int container_run_foreground (const struct galley_paths *paths, const struct run_spec *spec,
                              galley_error_t *err);

/* What a caller that waits in its own event loop gets (see
 * container_hooks.wait).  */
struct container_wait
{
  pid_t pid;  /* the init (host pid) */
  int sigfd;  /* nonblocking signalfd of SIGCHLD and the relayed signals */
  int master; /* the pty master with -t, else -1; closed after the run */
  int status; /* out: the init's wait status */
};

/* What the caller learns while the container runs (runtime/monitor.c
 * records the state).  */
struct container_hooks
{
  /* The container's command runs; pid is its init (host pid).  A failure
   * kills the container and becomes the result.  */
  int (*started) (void *arg, pid_t pid, galley_error_t *err);
  void *arg;
  /* Optional: wait for the init in the caller's own event loop instead of
   * relaying the pty and stdio here (the detached monitor serves its log
   * and attach socket in the same loop).  Returns 0 once the init is
   * reaped, or -1 with *err before (the container is then killed).  */
  int (*wait) (void *arg, struct container_wait *w, galley_error_t *err);
  /* The caller exits right after (a foreground run): slirp4netns is told
   * to stop but not waited for.  Its exit blocks ~30 ms in the kernel
   * tearing its tap device down, which the user need not wait for; the
   * caller's exit hands it to init, which reaps it.  A caller that lives
   * on (the monitor, build) leaves this false and reaps it.  */
  bool caller_exits;
  /* Without wait: the log of the container's output (NULL or a NULL
   * path: none).  The output then comes through this process, which
   * copies it to its own 1 and 2 (as it does a terminal's); unlogged and
   * without -t, the container writes to them itself.  */
  const struct container_log_config *log;
};

/* The signals relayed to the container (SIGTERM, SIGINT, SIGHUP, ...).  */
void container_relayed_signals (sigset_t *set);

/* container_run_foreground with hooks (may be NULL).  */
int container_run_hooked (const struct galley_paths *paths, const struct run_spec *spec,
                          const struct container_hooks *hooks, galley_error_t *err);

#endif
