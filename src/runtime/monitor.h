/* The monitor of a detached container: the galley binary itself, double
 * forked and in its own session, so that it outlives the command that
 * started it.  One process, one event loop: it holds the container's stdio
 * (stdout/stderr -> the k8s-file log, stdin open with -i) and serves the
 * attach socket (runtime/log_relay.h), relays signals, records the state
 * (running with pids and start times, then the exit), carries out
 * --restart and cleans up (--rm).  Idle, it gives back what it inherited
 * from the command (as little resident memory as conmon).
 *
 * The command that starts it returns as soon as the container's command
 * runs (or with the error that stopped it), through a sync pipe.  */
#ifndef GALLEY_RUNTIME_MONITOR_H
#define GALLEY_RUNTIME_MONITOR_H

#include <stdbool.h>
#include <stdint.h>

#include "runtime/spec.h"
#include "state/container_config.h"
#include "state/paths.h"
#include "util/error.h"

enum restart_policy
{
  RESTART_NO,
  RESTART_ON_FAILURE,
  RESTART_ALWAYS,
  RESTART_UNLESS_STOPPED,
};

/* "no", "on-failure[:N]", "always", "unless-stopped" ("" = no).  */
int restart_policy_parse (const char *text, enum restart_policy *policy, int *max_retries,
                          galley_error_t *err);
/* Whether a container that exited with code should run again.  */
bool restart_policy_wants (enum restart_policy policy, int max_retries, int restarts, int code,
                           bool stopped_by_user);

struct monitor_options
{
  const char *log_path;  /* k8s-file log (created 0600) */
  uint64_t log_max_size; /* 0: unlimited */
  enum restart_policy restart;
  int max_retries; /* on-failure:N, 0 = unlimited */
  bool remove;     /* --rm: remove the container after its exit */
  /* the container's configuration: its name, image and labels for the
   * event log; with remove, its anonymous volumes go with it (as rm -v) */
  const struct container_config *config;
  int run_lock; /* the container's run lock, which the monitor holds
                 * (state/container_state.h) */
};

/* Start spec under a detached monitor.  Returns 0 once the container runs,
 * -1 with the error that stopped it (exit code 125/126/127 as run's).  The
 * container's record and its run directory must exist.  */
int monitor_start_detached (const struct galley_paths *p, const struct run_spec *spec,
                            const struct monitor_options *o, galley_error_t *err);

/* Record a container run in the foreground by this process: running (with
 * this process as its monitor), then its exit.  Used by run/start -a.  */
int monitor_record_running (const struct galley_paths *p, const char *id, pid_t pid, galley_error_t *err);
int monitor_record_exit (const struct galley_paths *p, const char *id, int exit_code, galley_error_t *err);

#endif
