/* What the lifecycle commands do to a container that runs under a monitor:
 * signal it (through a pidfd checked against the recorded start time),
 * stop it (its stop signal, then SIGKILL), wait for a state, pause it
 * (SIGSTOP to every process of its pid namespace: no cgroup freezer
 * without a delegated cgroup), remove it.  The monitor records the exit;
 * these functions only ask and wait.  */
#ifndef GALLEY_RUNTIME_LIFECYCLE_H
#define GALLEY_RUNTIME_LIFECYCLE_H

#include <stdbool.h>
#include <sys/types.h>

#include "state/container_list.h"
#include "util/error.h"

/* Send sig to the container's init.  mark_stopped: the user asked for the
 * exit (no restart).  Fails unless the container runs:
 * "can only kill running containers. X is in state exited: container state improper".  */
int container_signal (const struct galley_paths *p, struct container_entry *e, int sig, bool mark_stopped,
                      galley_error_t *err);

/* The stop signal (the record's StopSignal, else SIGTERM), SIGKILL after
 * timeout seconds, then wait until the monitor recorded the exit.  A
 * container that does not run is left alone (0).  */
int container_stop (const struct galley_paths *p, struct container_entry *e, int timeout,
                    galley_error_t *err);

/* Wait until the container reaches one of the statuses in mask (bits of
 * 1 << enum container_status), or is removed (returns 1).  timeout_ms < 0:
 * forever.  *out gets the final state.  */
int container_wait_for (const struct galley_paths *p, const char *id, unsigned mask, int timeout_ms,
                        struct container_state *out, galley_error_t *err);

/* Take the run lock of e (state/container_state.h) for a start or a
 * removal: 0 with *run_lock and e->state read under it, or
 * CONTAINER_LOCK_BUSY when a monitor runs it (e->state live, or found lost
 * while its monitor lives on) or it is live on another host
 * (e->state.elsewhere).  A start, exit or removal under way is waited
 * for.  */
int container_claim (const struct galley_paths *p, struct container_entry *e, int *run_lock,
                     galley_error_t *err);

/* Remove a container; a running one only with force (killed first).  */
int container_rm (const struct galley_paths *p, struct container_entry *e, bool force, galley_error_t *err);

/* SIGSTOP / SIGCONT to every process of the container's pid namespace
 * and the recorded status paused / running.  */
int container_pause (const struct galley_paths *p, struct container_entry *e, bool pause,
                     galley_error_t *err);

/* The host pids of the processes in the pid namespace of init (init first).  */
int container_pids (pid_t init, pid_t **out, size_t *n, galley_error_t *err);

/* What `galley info` says about pause.  */
const char *container_pause_method (void);

#endif
