/* The runtime state of a container, and the rules that keep it truthful.
 *
 * storage/containers/<id>/state.json holds the status (created, running,
 * paused, stopping, exited), the pids of the container init and of its
 * monitor each with its start time (field 22 of /proc/PID/stat, so a
 * recycled pid is never mistaken for ours), the boot id, the exit code and
 * the StartedAt/FinishedAt times.  It lives with the container (not in the
 * volatile runroot) so that an exit code survives a reboot, as podman's
 * database does; a wiped runroot is detected through the container's run
 * directory instead.
 *
 * Writers hold the container's lock (containers/<id>/lock, an OFD lock:
 * one container never waits on another) and write the file atomically.
 * Readers never lock.  Reading reconciles: a container recorded as
 * running whose monitor or init is gone, whose start times differ, whose
 * boot id differs or whose run directory vanished is reported exited (and
 * the next writer persists that).  */
#ifndef GALLEY_STATE_CONTAINER_STATE_H
#define GALLEY_STATE_CONTAINER_STATE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "state/paths.h"
#include "util/error.h"

enum container_status
{
  CONTAINER_STATUS_CREATED,
  CONTAINER_STATUS_RUNNING,
  CONTAINER_STATUS_PAUSED,
  CONTAINER_STATUS_STOPPING, /* a stop is in progress; the process still runs */
  CONTAINER_STATUS_EXITED,
};

struct container_state
{
  enum container_status status;
  pid_t pid;          /* the container init (host pid), 0 when not running */
  uint64_t pid_start; /* its start time in clock ticks since boot */
  pid_t monitor_pid;  /* the process that waits for it */
  uint64_t monitor_start;
  char boot_id[40];
  int exit_code; /* valid when status is exited and has_exit_code */
  bool has_exit_code;
  int64_t started_at;  /* ns since the epoch; 0 = never */
  int64_t finished_at; /* ns since the epoch; 0 = never */
  int restart_count;
  bool stopped_by_user; /* stop/kill asked for the exit: no restart */
  bool reconciled;      /* set by container_state_read when it corrected the file */
};

/* "created", "running", "paused", "stopping", "exited".  */
const char *container_status_name (enum container_status s);
int container_status_parse (const char *name, enum container_status *out);
/* Whether a container in status s has a process (running, paused or
 * stopping): what stop, restart, start, ps and inspect call "running".  */
bool container_status_is_live (enum container_status s);

/* Read and reconcile the state of container id (a full id).  A container
 * without a state file is "created" (or "exited" when its record says so).
 * ENOENT when the container does not exist.  */
int container_state_read (const struct galley_paths *p, const char *id, struct container_state *out,
                          galley_error_t *err);

/* Apply container_state_read's reconciliation to a state read earlier
 * (from state.json or a listing cache): only a live state costs more than
 * a comparison (the /proc checks of its pids).  */
int container_state_reconcile (const struct galley_paths *p, const char *id, struct container_state *st,
                               galley_error_t *err);

/* The state as written, without reconciliation: for the monitor, which
 * is the one that writes the truth about its own container.  */
int container_state_load (const struct galley_paths *p, const char *id, struct container_state *out,
                          galley_error_t *err);

/* Write the state atomically; the caller holds the container's lock.  */
int container_state_write (const struct galley_paths *p, const char *id, const struct container_state *st,
                           galley_error_t *err);

/* Take the container's lock (exclusive, waiting).  Returns the lock fd
 * (close it to release).  ENOENT when the container was removed meanwhile.  */
int container_lock (const struct galley_paths *p, const char *id, galley_error_t *err);

/* The start time of pid (field 22 of /proc/PID/stat), 0 when it is gone.  */
uint64_t proc_start_time (pid_t pid);
/* pid is alive and still the process that started at start (not a zombie).  */
bool proc_is (pid_t pid, uint64_t start);
/* This boot's id (/proc/sys/kernel/random/boot_id), "" when unknown.  */
const char *boot_id (void);

/* Open a pidfd for the container's init after checking its start time
 * (no signal can then reach a recycled pid).  -1 with ESRCH when it is
 * gone.  */
int container_state_pidfd (const struct container_state *st, galley_error_t *err);

#endif
