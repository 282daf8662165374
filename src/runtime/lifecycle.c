/* Signals, stop, wait, pause and removal of containers (see lifecycle.h).  */
#include "config.h"
#include "runtime/lifecycle.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "ns/idmap.h"
#include "state/container.h"
#include "state/events.h"
#include "util/cleanup.h"
#include "util/signal_names.h"
#include "util/time.h"

/* A container live on another host sharing the storage is that host's to
 * change: its pids are not ours to signal.  */
static int
refuse_elsewhere (const struct galley_paths *p, const struct container_entry *e, galley_error_t *err)
{
  char host[256];

  container_state_host (p, e->id, host, sizeof host);
  return galley_error_make (err, EBUSY,
                            "container %s is %s on host %s: it can only be changed there "
                            "(rm --force forgets it here)",
                            e->id, container_status_name (e->state.status), host);
}

static int
send_signal (const struct container_state *st, int sig, galley_error_t *err)
{
  _cleanup_close_ int pidfd = container_state_pidfd (st, err);

  if (pidfd < 0)
    return -1;
  if (syscall (SYS_pidfd_send_signal, pidfd, sig, NULL, 0) < 0 && errno != ESRCH)
    return galley_error_make (err, errno, "sending signal %d", sig);
  return 0;
}

int
container_signal (const struct galley_paths *p, struct container_entry *e, int sig, bool mark_stopped,
                  galley_error_t *err)
{
  _cleanup_close_ int lock = container_lock (p, e->id, err);

  if (lock < 0 || container_state_read (p, e->id, &e->state, err) < 0)
    return -1;
  if (e->state.elsewhere)
    return refuse_elsewhere (p, e, err);
  if (! container_status_is_live (e->state.status))
    return galley_error_make (err, 0,
                              "can only kill running containers. %s is in state %s: "
                              "container state improper",
                              e->id, container_status_name (e->state.status));
  if (mark_stopped && ! e->state.stopped_by_user)
    {
      e->state.stopped_by_user = true;
      if (container_state_write (p, e->id, &e->state, err) < 0)
        return -1;
    }
  if (send_signal (&e->state, sig, err) < 0)
    return -1;
  event_write_container (p, "kill", e->id, &e->config, 0);
  /* A paused container would never see it.  */
  if (e->state.status == CONTAINER_STATUS_PAUSED && sig != SIGKILL && sig != SIGSTOP)
    {
      galley_error_t ignore = NULL;
      if (send_signal (&e->state, SIGCONT, &ignore) < 0)
        galley_error_release (&ignore);
    }
  return 0;
}

int
container_wait_for (const struct galley_paths *p, const char *id, unsigned mask, int timeout_ms,
                    struct container_state *out, galley_error_t *err)
{
  int64_t deadline = timeout_ms < 0 ? -1 : time_monotonic_ms () + timeout_ms;
  int delay = 5;

  for (;;)
    {
      galley_error_t local = NULL;
      if (container_state_read (p, id, out, &local) < 0)
        {
          if (galley_error_errno (&local) == ENOENT)
            {
              galley_error_release (&local);
              return 1;
            }
          *err = local;
          return -1;
        }
      if (mask & (1u << out->status))
        return 0;
      if (deadline >= 0 && time_monotonic_ms () >= deadline)
        return galley_error_make (err, ETIMEDOUT, "timed out waiting for container %.12s", id);
      {
        struct timespec ts = { 0, delay * 1000000L };
        nanosleep (&ts, NULL);
      }
      if (delay < 20)
        delay *= 2;
    }
}

/* Wait up to timeout_ms for the process behind pidfd to exit.  */
static bool
await_exit (int pidfd, int timeout_ms)
{
  struct pollfd pfd = { pidfd, POLLIN, 0 };
  int r;

  do
    r = poll (&pfd, 1, timeout_ms);
  while (r < 0 && errno == EINTR);
  return r > 0;
}

static int
stop_signal (const struct container_entry *e)
{
  int sig = signal_parse (e->config.stop_signal);
  return sig > 0 ? sig : SIGTERM;
}

int
container_stop (const struct galley_paths *p, struct container_entry *e, int timeout, galley_error_t *err)
{
  _cleanup_close_ int pidfd = -1;
  struct container_state st;
  bool was_paused;
  int r;

  {
    _cleanup_close_ int lock = container_lock (p, e->id, err);
    if (lock < 0 || container_state_read (p, e->id, &e->state, err) < 0)
      return -1;
    if (e->state.elsewhere)
      return refuse_elsewhere (p, e, err);
    if (! container_status_is_live (e->state.status))
      return 0;
    was_paused = e->state.status == CONTAINER_STATUS_PAUSED;
    e->state.stopped_by_user = true;
    e->state.status = CONTAINER_STATUS_STOPPING;
    if (container_state_write (p, e->id, &e->state, err) < 0)
      return -1;
    pidfd = container_state_pidfd (&e->state, err);
    if (pidfd < 0)
      {
        if (galley_error_errno (err) != ESRCH)
          return -1;
        galley_error_release (err);
      }
  }
  if (pidfd >= 0)
    {
      if (timeout > 0)
        {
          syscall (SYS_pidfd_send_signal, pidfd, stop_signal (e), NULL, 0);
          if (was_paused)
            syscall (SYS_pidfd_send_signal, pidfd, SIGCONT, NULL, 0);
        }
      if (timeout <= 0 || ! await_exit (pidfd, timeout * 1000))
        {
          syscall (SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
          await_exit (pidfd, 30000);
        }
    }
  r = container_wait_for (p, e->id, 1u << CONTAINER_STATUS_EXITED, 30000, &st, err);
  if (r < 0)
    return -1;
  e->state = st;
  event_write_container (p, "stop", e->id, &e->config, 0);
  return 0;
}

/* A monitor that outlived what its record says (the record was tampered
 * with, or the exit could not be written): its container dies with it.  */
static int
end_stray_monitor (const struct container_state *st, bool force, galley_error_t *err)
{
  int i;

  if (st->monitor_pid <= 0 || ! proc_is (st->monitor_pid, st->monitor_start))
    return 0;
  if (! force)
    return galley_error_make (err, EBUSY,
                              "the monitor of the container (pid %d) still runs; "
                              "use --force",
                              (int)st->monitor_pid);
  kill (st->monitor_pid, SIGKILL);
  for (i = 0; i < 500 && proc_is (st->monitor_pid, st->monitor_start); i++)
    {
      struct timespec ts = { 0, 10 * 1000 * 1000 };
      nanosleep (&ts, NULL);
    }
  return 0;
}

int
container_claim (const struct galley_paths *p, struct container_entry *e, int *run_lock, galley_error_t *err)
{
  int delay = 5;

  for (;;)
    {
      struct timespec ts = { 0, delay * 1000000L };
      int r = container_run_lock_try (p, e->id, run_lock, err);

      if (r < 0)
        return -1;
      if (container_state_read (p, e->id, &e->state, err) < 0)
        {
          if (r == 0)
            close (steal_fd (run_lock));
          return -1;
        }
      if (e->state.elsewhere)
        {
          /* (a lock on storage shared by hosts may not reach that host's) */
          if (r == 0)
            close (steal_fd (run_lock));
          return CONTAINER_LOCK_BUSY;
        }
      if (r == 0)
        return 0;
      /* a monitor runs it, or one lives on past what its record says
       * (found lost: the record was tampered with) */
      if (container_status_is_live (e->state.status)
          || (e->state.monitor_pid > 0 && proc_is (e->state.monitor_pid, e->state.monitor_start)))
        return CONTAINER_LOCK_BUSY;
      /* a start, an exit or a removal under way: its outcome decides */
      nanosleep (&ts, NULL);
      if (delay < 100)
        delay *= 2;
    }
}

int
container_rm (const struct galley_paths *p, struct container_entry *e, bool force, galley_error_t *err)
{
  _cleanup_close_ int run_lock = -1;
  struct idmap map;
  int r;

  /* the removal is decided and done under the run lock: no start gets in
   * between, and no monitor runs what it removes */
  while ((r = container_claim (p, e, &run_lock, err)) == CONTAINER_LOCK_BUSY)
    {
      if (e->state.elsewhere && ! force)
        return refuse_elsewhere (p, e, err);
      if (e->state.elsewhere)
        break; /* forgotten here; what runs there is that host's */
      if (! container_status_is_live (e->state.status))
        {
          if (end_stray_monitor (&e->state, force, err) < 0)
            break;
          continue;
        }
      if (! force)
        return galley_error_make (err, 0,
                                  "cannot remove container %s as it is %s - running or paused "
                                  "containers cannot be removed without force: container state "
                                  "improper",
                                  e->id, container_status_name (e->state.status));
      if (container_stop (p, e, 0, err) < 0)
        break;
    }
  if (r < 0 || *err != NULL)
    {
      /* removed meanwhile (by its monitor, --rm, or another rm) */
      if (galley_error_errno (err) != ENOENT)
        return -1;
      galley_error_release (err);
      return 0;
    }
  if (! e->state.elsewhere && end_stray_monitor (&e->state, force, err) < 0)
    return -1;
  if (idmap_for_current_user (&map, err) < 0 || container_remove (p, &map, e->id, &run_lock, err) < 0)
    return -1;
  event_write_container (p, "remove", e->id, &e->config, 0);
  return 0;
}

static bool
same_pid_ns (pid_t pid, const struct stat *ns)
{
  char path[64];
  struct stat st;

  snprintf (path, sizeof path, "/proc/%d/ns/pid", (int)pid);
  return stat (path, &st) == 0 && st.st_ino == ns->st_ino && st.st_dev == ns->st_dev;
}

int
container_pids (pid_t init, pid_t **out, size_t *n, galley_error_t *err)
{
  _cleanup_closedir_ DIR *d = NULL;
  _cleanup_free_ pid_t *pids = NULL;
  size_t count = 0, cap = 16;
  struct stat ns;
  struct dirent *e;
  char path[64];

  snprintf (path, sizeof path, "/proc/%d/ns/pid", (int)init);
  if (stat (path, &ns) < 0)
    return galley_error_make (err, errno, "reading the pid namespace of %d", (int)init);
  pids = malloc (cap * sizeof *pids);
  d = opendir ("/proc");
  if (pids == NULL || d == NULL)
    return galley_error_make (err, errno, "reading /proc");
  pids[count++] = init;
  while ((e = readdir (d)) != NULL)
    {
      pid_t pid = (pid_t)atoi (e->d_name);
      if (pid <= 0 || pid == init || ! same_pid_ns (pid, &ns))
        continue;
      if (count == cap)
        {
          pid_t *bigger = realloc (pids, 2 * cap * sizeof *pids);
          if (bigger == NULL)
            return galley_error_make (err, errno, "allocating");
          pids = bigger;
          cap *= 2;
        }
      pids[count++] = pid;
    }
  *out = steal_pointer (&pids);
  *n = count;
  return 0;
}

const char *
container_pause_method (void)
{
  return "signals (SIGSTOP/SIGCONT to every process of the container; no delegated cgroup "
         "freezer)";
}

int
container_pause (const struct galley_paths *p, struct container_entry *e, bool pause, galley_error_t *err)
{
  _cleanup_close_ int lock = container_lock (p, e->id, err);
  _cleanup_free_ pid_t *pids = NULL;
  size_t n = 0, i;
  enum container_status want = pause ? CONTAINER_STATUS_RUNNING : CONTAINER_STATUS_PAUSED;

  if (lock < 0 || container_state_read (p, e->id, &e->state, err) < 0)
    return -1;
  if (e->state.elsewhere)
    return refuse_elsewhere (p, e, err);
  if (e->state.status != want)
    return galley_error_make (err, 0, "%s is not %s, can't %s: container state improper", e->id,
                              pause ? "running" : "paused", pause ? "pause" : "unpause");
  if (container_pids (e->state.pid, &pids, &n, err) < 0)
    return -1;
  /* Children first when pausing, so nothing is started behind our back by
   * a parent that still runs; the reverse when continuing.  */
  for (i = 0; i < n; i++)
    {
      pid_t pid = pause ? pids[n - 1 - i] : pids[i];
      if (pid == e->state.pid)
        send_signal (&e->state, pause ? SIGSTOP : SIGCONT, err);
      else
        kill (pid, pause ? SIGSTOP : SIGCONT);
      galley_error_release (err);
    }
  e->state.status = pause ? CONTAINER_STATUS_PAUSED : CONTAINER_STATUS_RUNNING;
  if (container_state_write (p, e->id, &e->state, err) < 0)
    return -1;
  event_write_container (p, pause ? "pause" : "unpause", e->id, &e->config, 0);
  return 0;
}
