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
 * Writers hold the container's record lock (below; one container never
 * waits on another) and write the file atomically.
 * Readers never lock.  Reading reconciles: a container recorded as
 * running whose monitor or init is gone, whose start times differ, whose
 * boot id differs or whose run directory vanished is reported exited.  The
 * first reader that finds it so (when nothing holds its locks) records
 * that exit once, with its finished time, or removes a container of --rm,
 * whose foreground command or monitor was killed.  A container recorded as
 * running on another host (a home directory shared by a cluster) is
 * reported live there: it cannot be checked from here.  */
#ifndef GALLEY_STATE_CONTAINER_STATE_H
#define GALLEY_STATE_CONTAINER_STATE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "ns/idmap.h"
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
  int exit_code;      /* valid when status is exited and has_exit_code */
  uint64_t monitor_start;
  char boot_id[40];
  uint64_t host_id;    /* the host it runs on (host_id_of its "Host"), 0 in
                        * older records; an id, not the name: ps keeps a
                        * state per container in memory */
  int64_t started_at;  /* ns since the epoch; 0 = never */
  int64_t finished_at; /* ns since the epoch; 0 = never */
  int restart_count;
  bool has_exit_code;
  bool stopped_by_user; /* stop/kill asked for the exit: no restart */
  bool reconciled;      /* set by container_state_read when it corrected the file */
  bool elsewhere;       /* set by reconciliation: live on another host sharing
                         * the storage, where nothing here can check or
                         * change it */
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

/* The container's two locks (OFD locks on files of its directory, made
 * with its record).
 *
 * The record lock (CONTAINER_LOCK_FILE) guards the short read-modify-write
 * of state.json and container.json.
 *
 * The run lock (CONTAINER_RUN_LOCK_FILE) orders the starts, stops and
 * removals of the container for their whole duration: creation takes it
 * before the record is visible; a start takes it before it looks at the
 * state and hands it to the container's monitor, which holds it while the
 * container runs (restarts and --rm's removal included) and so while a
 * record names it; a removal takes it before it decides.  A stop asks the
 * monitor and waits for the exit it records.  Whoever holds both took the
 * run lock first.  */
#define CONTAINER_LOCK_FILE "lock"
#define CONTAINER_RUN_LOCK_FILE "run.lock"
#define CONTAINER_LOCK_BUSY 1

/* Take the record lock (exclusive, waiting).  Returns the lock fd (close
 * it to release).  ENOENT when the container was removed meanwhile.  */
int container_lock (const struct galley_paths *p, const char *id, galley_error_t *err);

/* Try the run lock without waiting: 0 with *fd (close it to release),
 * CONTAINER_LOCK_BUSY when another holds it, -1 on error (ENOENT when the
 * container was removed meanwhile).  */
int container_run_lock_try (const struct galley_paths *p, const char *id, int *fd, galley_error_t *err);

/* Remove both directories of a container whose run lock the caller holds
 * (*run_lock: closed here, before its file is removed), taking its record
 * lock: container_remove_locked (state/container.h).  */
int container_remove (const struct galley_paths *p, const struct idmap *map, const char *id, int *run_lock,
                      galley_error_t *err);

/* The start time of pid (field 22 of /proc/PID/stat), 0 when it is gone.  */
uint64_t proc_start_time (pid_t pid);
/* pid is alive and still the process that started at start (not a zombie).  */
bool proc_is (pid_t pid, uint64_t start);
/* This boot's id (/proc/sys/kernel/random/boot_id), "" when unknown.  */
const char *boot_id (void);
/* This host's node name (uname -n), "" when unknown.  */
const char *host_name (void);
/* A host's id in a state: a 64-bit FNV-1a hash of its node name, 0 for "".  */
uint64_t host_id_of (const char *name);
/* The node name that container id's state names ("Host"), for messages;
 * "" when none.  */
void container_state_host (const struct galley_paths *p, const char *id, char *buf, size_t len);

/* Open a pidfd for the container's init after checking its start time
 * (no signal can then reach a recycled pid).  -1 with ESRCH when it is
 * gone.  */
int container_state_pidfd (const struct container_state *st, galley_error_t *err);

#endif
