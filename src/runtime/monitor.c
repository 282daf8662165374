/* The detached monitor (see monitor.h).  */
#include "config.h"
#include "runtime/monitor.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ns/userns.h"
#include "runtime/idle_memory.h"
#include "runtime/log_relay.h"
#include "runtime/process.h"
#include "runtime/volume_mounts.h"
#include "state/container.h"
#include "state/container_exit.h"
#include "state/container_list.h"
#include "state/container_log.h"
#include "state/container_state.h"
#include "state/events.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/log.h"
#include "util/time.h"

int
restart_policy_parse (const char *text, enum restart_policy *policy, int *max_retries, galley_error_t *err)
{
  *max_retries = 0;
  if (text == NULL || *text == '\0' || strcmp (text, "no") == 0)
    *policy = RESTART_NO;
  else if (strcmp (text, "always") == 0)
    *policy = RESTART_ALWAYS;
  else if (strcmp (text, "unless-stopped") == 0)
    *policy = RESTART_UNLESS_STOPPED;
  else if (strncmp (text, "on-failure", 10) == 0 && (text[10] == '\0' || text[10] == ':'))
    {
      *policy = RESTART_ON_FAILURE;
      if (text[10] == ':')
        {
          char *end = NULL;
          long n = strtol (text + 11, &end, 10);
          if (text[11] == '\0' || *end != '\0' || n < 0 || n > 1000000)
            return galley_error_make (err, 0,
                                      "invalid restart policy: \"%s\": retry count "
                                      "must be a non-negative integer",
                                      text);
          *max_retries = (int)n;
        }
    }
  else
    return galley_error_make (err, 0,
                              "invalid restart policy \"%s\": valid policies are no, on-failure[:N], "
                              "always and unless-stopped",
                              text);
  if (*max_retries > 0 && *policy != RESTART_ON_FAILURE)
    return galley_error_make (err, 0, "restart count only valid with on-failure");
  return 0;
}

bool
restart_policy_wants (enum restart_policy policy, int max_retries, int restarts, int code,
                      bool stopped_by_user)
{
  if (stopped_by_user)
    return false;
  switch (policy)
    {
    case RESTART_ALWAYS:
    case RESTART_UNLESS_STOPPED:
      return true;
    case RESTART_ON_FAILURE:
      return code != 0 && (max_retries == 0 || restarts < max_retries);
    default:
      return false;
    }
}

/* Read-modify-write the state under the container's lock.  */
static int
update_state (const struct galley_paths *p, const char *id,
              void (*change) (struct container_state *st, void *arg), void *arg, galley_error_t *err)
{
  _cleanup_close_ int lock = container_lock (p, id, err);
  struct container_state st;

  if (lock < 0 || container_state_load (p, id, &st, err) < 0)
    return -1;
  change (&st, arg);
  return container_state_write (p, id, &st, err);
}

struct running_change
{
  pid_t pid;
  bool first;
};

static void
set_running (struct container_state *st, void *arg)
{
  const struct running_change *c = arg;

  st->status = CONTAINER_STATUS_RUNNING;
  st->pid = c->pid;
  st->pid_start = proc_start_time (c->pid);
  st->monitor_pid = getpid ();
  st->monitor_start = proc_start_time (getpid ());
  snprintf (st->boot_id, sizeof st->boot_id, "%s", boot_id ());
  st->host_id = host_id_of (host_name ());
  st->has_exit_code = false;
  st->exit_code = 0;
  st->started_at = time_now_ns ();
  st->finished_at = 0;
  if (c->first)
    {
      st->stopped_by_user = false;
      st->restart_count = 0;
    }
}

static void
set_exited (struct container_state *st, void *arg)
{
  st->status = CONTAINER_STATUS_EXITED;
  st->exit_code = *(const int *)arg;
  st->has_exit_code = true;
  st->finished_at = time_now_ns ();
  st->pid = 0;
  st->pid_start = 0;
  st->monitor_pid = 0;
  st->monitor_start = 0;
}

int
monitor_record_running (const struct galley_paths *p, const char *id, pid_t pid, galley_error_t *err)
{
  struct running_change c = { pid, true };
  return update_state (p, id, set_running, &c, err);
}

int
monitor_record_exit (const struct galley_paths *p, const char *id, int exit_code, galley_error_t *err)
{
  return update_state (p, id, set_exited, &exit_code, err);
}

/* Once the container runs, the monitor waits; it gives back memory that
 * long after the start (all of start-up's pages touched by then), even
 * when the container never stops talking; and again after a burst of
 * output or an attach session, once that long quiet.  */
#define RELEASE_AFTER_MS 200
#define RELEASE_IDLE_MS 1000
/* a crash loop must not spin */
#define RESTART_PAUSE_MS 100

struct monitor
{
  const struct galley_paths *p;
  const struct run_spec *spec;
  const struct monitor_options *o;
  int sync_fd;  /* to the starting command until the container runs */
  int run_lock; /* the container's, held for the monitor's life */
  int stdin_w;  /* with -i and without -t: the container's stdin pipe */
  bool first;
  int64_t release_at;     /* CLOCK_MONOTONIC ms, 0: nothing to release */
  bool release_when_idle; /* release_at moves with each event */
  struct log_relay relay;
  char *name; /* the container's name now (refresh_name); NULL: its configuration's */
};

static void monitor_event (struct monitor *m, const char *status, int exit_code);

/* Tell the starting command what came of the start ('R', or 'E' and
 * err) over the sync pipe, with SIGPIPE held back: the command may have
 * been killed meanwhile (a batch job), and the monitor must outlive it.
 * Whether the command got it.  */
static bool
tell_starter (int fd, char what, const galley_error_t *err)
{
  const struct timespec now = { 0, 0 };
  sigset_t pipe_set, saved;
  bool told;

  if (fd < 0)
    return false;
  sigemptyset (&pipe_set);
  sigaddset (&pipe_set, SIGPIPE);
  sigprocmask (SIG_BLOCK, &pipe_set, &saved);
  told = write (fd, &what, 1) == 1;
  if (told && err != NULL)
    userns_send_error (fd, err);
  while (sigtimedwait (&pipe_set, NULL, &now) == SIGPIPE)
    ;
  sigprocmask (SIG_SETMASK, &saved, NULL);
  return told;
}

static int
on_started (void *arg, pid_t pid, galley_error_t *err)
{
  struct monitor *m = arg;
  struct running_change c = { pid, m->first };

  if (update_state (m->p, m->spec->id, set_running, &c, err) < 0)
    return -1;
  monitor_event (m, "init", 0);
  monitor_event (m, "start", 0);
  m->first = false;
  if (m->sync_fd >= 0)
    {
      /* (the container runs whether or not the command hears of it) */
      tell_starter (m->sync_fd, 'R', NULL);
      close (m->sync_fd);
      m->sync_fd = -1;
    }
  m->release_at = time_monotonic_ms () + RELEASE_AFTER_MS;
  m->release_when_idle = false;
  return 0;
}

/* The poll timeout until the memory is given back (-1: no deadline).  */
static int
release_timeout (struct monitor *m)
{
  int64_t left;

  if (m->release_at == 0)
    return -1;
  left = m->release_at - time_monotonic_ms ();
  if (left > 0)
    return (int)left;
  log_relay_trim (&m->relay);
  idle_memory_release ();
  m->release_at = 0;
  return -1;
}

/* Something happened: give back what it touched once quiet again.  */
static void
release_after_activity (struct monitor *m)
{
  if (m->release_at == 0 || m->release_when_idle)
    {
      m->release_at = time_monotonic_ms () + RELEASE_IDLE_MS;
      m->release_when_idle = true;
    }
}

/* Returns true once the init was reaped.  */
static bool
handle_signals (const struct container_wait *w, int *status)
{
  struct signalfd_siginfo si;
  bool reaped = false;

  while (read (w->sigfd, &si, sizeof si) == sizeof si)
    if ((int)si.ssi_signo == SIGCHLD)
      reaped = reaped || waitpid (w->pid, status, WNOHANG) == w->pid;
    else if ((int)si.ssi_signo != SIGWINCH || w->master < 0)
      /* (a window size is only the attached client's business) */
      kill (w->pid, (int)si.ssi_signo);
  return reaped;
}

/* Serve the relay (and with w the container's signals) until the init is
 * reaped, or until deadline (CLOCK_MONOTONIC ms, without w).  */
static int
serve (struct monitor *m, struct container_wait *w, int64_t deadline, galley_error_t *err)
{
  bool reaped = w != NULL && waitpid (w->pid, &w->status, WNOHANG) == w->pid;

  while (! reaped)
    {
      struct pollfd p[1 + LOG_RELAY_MAX_FDS];
      size_t n = log_relay_poll_fds (&m->relay, p + 1);
      int timeout = release_timeout (m), ready;

      p[0] = (struct pollfd){ w != NULL ? w->sigfd : -1, POLLIN, 0 };
      if (w == NULL)
        {
          int64_t left = deadline - time_monotonic_ms ();
          if (left <= 0)
            return 0;
          if (timeout < 0 || timeout > left)
            timeout = (int)left;
        }
      ready = poll (p, n + 1, timeout);
      if (ready < 0 && errno == EINTR)
        continue;
      if (ready < 0)
        return galley_error_make (err, errno, "poll");
      if (ready > 0)
        release_after_activity (m);
      if (w != NULL && (p[0].revents & POLLIN))
        reaped = handle_signals (w, &w->status);
      log_relay_dispatch (&m->relay, p + 1, n);
    }
  /* the container's processes are gone: what they wrote is in the pipes */
  log_relay_drain (&m->relay);
  return 0;
}

/* container_hooks.wait: the container runs, the relay serves it.  */
static int
monitor_wait (void *arg, struct container_wait *w, galley_error_t *err)
{
  struct monitor *m = arg;
  int ret;

  if (w->master >= 0)
    {
      /* -t: the pty carries output and input (this run's only) */
      log_relay_attach_stream (&m->relay, 0, w->master);
      log_relay_set_stdin (&m->relay, m->spec->interactive ? w->master : -1);
      log_relay_set_terminal (&m->relay, w->master);
    }
  ret = serve (m, w, 0, err);
  if (w->master >= 0)
    {
      log_relay_detach_stream (&m->relay, 0);
      log_relay_set_stdin (&m->relay, -1);
      log_relay_set_terminal (&m->relay, -1);
    }
  return ret;
}

/* The attach socket in the container's run directory; -1 (attach then
 * fails, the container runs) when it cannot be made.  */
static int
attach_listen (const struct monitor *m)
{
  _cleanup_free_ char *run = container_run_dir (m->p, m->spec->id);
  _cleanup_close_ int dfd = run ? open (run, O_PATH | O_DIRECTORY | O_CLOEXEC) : -1;
  galley_error_t err = NULL;
  int fd;

  if (dfd < 0)
    return -1;
  fd = log_relay_listen (dfd, &err);
  if (fd < 0)
    {
      log_warn ("%s", err->msg);
      galley_error_release (&err);
    }
  return fd;
}

/* Stdio of the container: stdin /dev/null (or a pipe kept open with -i),
 * stdout and stderr pipes read by the relay.  With -t the pty carries all
 * three (monitor_wait).  The monitor keeps the write ends as its own 1 and
 * 2 for the runs to come, and its other fds from keep up (below are the
 * container's --preserve-fds).  */
static int
setup_stdio (struct monitor *m, int null_fd, int keep, galley_error_t *err)
{
  int out[2] = { -1, -1 }, errp[2] = { -1, -1 }, in[2];
  struct log_relay_options ro = { .out_fd = -1, .err_fd = -1, .log_fd = -1, .stdin_fd = -1, .min_fd = keep };
  bool pipes = ! m->spec->tty;

  if (m->o->log_path != NULL)
    {
      ro.log_fd = container_log_open (m->o->log_path, err);
      if (ro.log_fd < 0)
        return -1;
      ro.log_fd = fs_fd_above (ro.log_fd, keep);
    }
  if (pipes && (pipe2 (out, O_CLOEXEC) < 0 || pipe2 (errp, O_CLOEXEC) < 0))
    return galley_error_make (err, errno, "creating the output pipes");
  /* With -i the container's stdin is a pipe that nobody closes (as
   * podman's -di: the shell waits for input); attached clients write to
   * it through the relay.  */
  if (pipes && m->spec->interactive)
    {
      if (pipe2 (in, O_CLOEXEC) < 0)
        return galley_error_make (err, errno, "creating the input pipe");
      dup2 (in[0], 0);
      close (in[0]);
      m->stdin_w = fs_fd_above (in[1], keep);
    }
  else
    dup2 (null_fd, 0);
  if (pipes)
    {
      ro.out_fd = fs_fd_above (out[0], keep);
      ro.err_fd = fs_fd_above (errp[0], keep);
    }
  ro.log_path = m->o->log_path;
  ro.max_size = m->o->log_max_size;
  ro.listen_fd = attach_listen (m);
  if (ro.listen_fd >= 0)
    ro.listen_fd = fs_fd_above (ro.listen_fd, keep);
  ro.stdin_fd = m->stdin_w;
  log_relay_init (&m->relay, &ro);
  dup2 (pipes ? out[1] : null_fd, 1);
  dup2 (pipes ? errp[1] : null_fd, 2);
  if (pipes)
    {
      close (out[1]);
      close (errp[1]);
    }
  return 0;
}

/* The events after an exit carry the name the container has now (it may
 * have been renamed while it ran): taken from its record.  */
static void
refresh_name (struct monitor *m)
{
  _cleanup_container_config_ struct container_config now = { 0 };
  galley_error_t ignored = NULL;

  if (m->o->config == NULL || ! events_enabled ())
    return;
  if (container_load (m->p, m->spec->id, &now, &ignored) < 0)
    {
      galley_error_release (&ignored);
      return;
    }
  free (m->name);
  m->name = steal_pointer (&now.name);
}

/* An event of the container, under the name it has now.  */
static void
monitor_event (struct monitor *m, const char *status, int exit_code)
{
  struct container_config shown;

  if (m->o->config == NULL || m->name == NULL)
    {
      event_write_container (m->p, status, m->spec->id, m->o->config, exit_code);
      return;
    }
  /* a shallow copy, only read: the name differs */
  shown = *m->o->config;
  shown.name = m->name;
  event_write_container (m->p, status, m->spec->id, &shown, exit_code);
}

/* --rm: the container and its anonymous volumes, as `rm -v` (the run
 * lock goes with the record).  */
static int
remove_container (struct monitor *m, galley_error_t *err)
{
  if (container_remove (m->p, &m->spec->map, m->spec->id, &m->run_lock, err) < 0)
    return -1;
  monitor_event (m, "remove", 0);
  if (m->o->config != NULL && volume_remove_anonymous (m->p, m->o->config, err) < 0)
    return galley_error_wrap (err, "removing the anonymous volumes of %s", m->spec->id);
  return 0;
}

/* Run the container until it exits for good; returns the last exit code
 * or -1 with *err when it could not be started.  */
static int
monitor_loop (struct monitor *m, galley_error_t *err)
{
  struct container_hooks hooks = { .started = on_started, .arg = m, .wait = monitor_wait };

  for (;;)
    {
      _cleanup_close_ int lock = -1;
      struct container_state st;
      int status = container_run_hooked (m->p, m->spec, &hooks, err);

      if (status < 0)
        return -1;
      refresh_name (m);
      monitor_event (m, "died", status);
      lock = container_lock (m->p, m->spec->id, err);
      if (lock < 0 || container_state_load (m->p, m->spec->id, &st, err) < 0)
        return -1;
      if (! restart_policy_wants (m->o->restart, m->o->max_retries, st.restart_count, status,
                                  st.stopped_by_user))
        {
          set_exited (&st, &status);
          if (container_state_write (m->p, m->spec->id, &st, err) < 0)
            return -1;
          close (steal_fd (&lock));
          monitor_event (m, "cleanup", 0);
          if (m->o->remove)
            {
              galley_error_t unrecorded = NULL;
              if (container_exit_record (m->p, m->spec->id, status, &unrecorded) < 0)
                {
                  log_warn ("%s", unrecorded->msg);
                  galley_error_release (&unrecorded);
                }
              if (remove_container (m, err) < 0)
                return -1;
            }
          return status;
        }
      st.restart_count++;
      st.exit_code = status;
      st.has_exit_code = true;
      st.pid = 0; /* restarting: no init to check meanwhile */
      st.pid_start = 0;
      if (container_state_write (m->p, m->spec->id, &st, err) < 0)
        return -1;
      close (steal_fd (&lock));
      /* attached clients stay through the pause */
      if (serve (m, NULL, time_monotonic_ms () + RESTART_PAUSE_MS, err) < 0)
        return -1;
    }
}

static _Noreturn void
monitor_main (const struct galley_paths *p, const struct run_spec *spec, const struct monitor_options *o,
              int sync_fd)
{
  /* static: the relay's buffers cost only the pages they use */
  static struct monitor m;
  galley_error_t err = NULL;
  int keep = 3 + spec->preserve_fds, null_fd, status;

  /* (field by field: a struct assignment would touch every page) */
  m.p = p;
  m.spec = spec;
  m.o = o;
  m.first = true;
  m.stdin_w = -1;
  /* the sync pipe and the run lock side by side above the container's
   * fds, nothing else of the command's */
  m.sync_fd = fs_fd_above (sync_fd, keep);
  m.run_lock = fcntl (o->run_lock, F_DUPFD_CLOEXEC, m.sync_fd + 1);
  syscall (SYS_close_range, (unsigned)keep, (unsigned)m.sync_fd - 1, 0);
  syscall (SYS_close_range, (unsigned)m.sync_fd + 1, (unsigned)m.run_lock - 1, 0);
  syscall (SYS_close_range, (unsigned)m.run_lock + 1, ~0U, 0);
  prctl (PR_SET_NAME, "galley-monitor");
  if (chdir ("/") < 0)
    {
    }
  null_fd = fs_fd_above (open ("/dev/null", O_RDWR | O_CLOEXEC), keep);
  if (m.run_lock < 0 || null_fd < 0 || setup_stdio (&m, null_fd, keep, &err) < 0)
    {
      if (err == NULL)
        galley_error_make (&err, errno, "starting the monitor");
      tell_starter (m.sync_fd, 'E', &err);
      _exit (GALLEY_EXIT_FAILURE);
    }
  status = monitor_loop (&m, &err);
  /* A start that failed is the starting command's to clean up, when it
   * is there to hear of it.  */
  if (status < 0 && ! tell_starter (m.sync_fd, 'E', &err))
    {
      galley_error_t ignore = NULL;
      if (monitor_record_exit (p, spec->id, err->exit_code, &ignore) < 0)
        galley_error_release (&ignore);
      if (o->remove && remove_container (&m, &ignore) < 0)
        galley_error_release (&ignore);
    }
  /* Attached clients see EOF once the last output is logged.  */
  dup2 (null_fd, 1);
  dup2 (null_fd, 2);
  log_relay_drain (&m.relay);
  log_relay_end (&m.relay);
  if (m.stdin_w >= 0)
    close (m.stdin_w);
  _exit (status < 0 ? GALLEY_EXIT_FAILURE : 0);
}

int
monitor_start_detached (const struct galley_paths *p, const struct run_spec *spec,
                        const struct monitor_options *o, galley_error_t *err)
{
  _cleanup_close_ int rd = -1;
  int sync[2];
  pid_t child;
  char byte = 0;
  ssize_t r;
  int wstatus;

  if (pipe2 (sync, O_CLOEXEC) < 0)
    return galley_error_make (err, errno, "creating the sync pipe");
  fflush (stdout);
  fflush (stderr);
  child = fork ();
  if (child < 0)
    {
      close (sync[0]);
      close (sync[1]);
      return galley_error_make (err, errno, "forking the monitor");
    }
  if (child == 0)
    {
      pid_t monitor;
      close (sync[0]);
      setsid ();
      monitor = fork ();
      if (monitor != 0)
        _exit (monitor < 0 ? 1 : 0);
      monitor_main (p, spec, o, sync[1]);
    }
  close (sync[1]);
  rd = sync[0];
  while (waitpid (child, &wstatus, 0) < 0 && errno == EINTR)
    ;
  do
    r = read (rd, &byte, 1);
  while (r < 0 && errno == EINTR);
  if (r == 1 && byte == 'R')
    return 0;
  if (r == 1 && byte == 'E' && userns_receive_error (rd, err) == 1)
    return -1;
  return galley_error_make (err, 0,
                            "the monitor of container %s exited before the container "
                            "started",
                            spec->id);
}
