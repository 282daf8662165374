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
#include <malloc.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "runtime/log_relay.h"
#include "runtime/process.h"
#include "runtime/userns.h"
#include "runtime/volume_mounts.h"
#include "state/container.h"
#include "state/container_log.h"
#include "state/container_state.h"
#include "util/cleanup.h"
#include "util/log.h"

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

/* An idle monitor should cost what conmon costs.  It is a fork of the
 * command that started it, so its page tables still map what that command
 * touched: pages of the binary and its libraries (libcrypto alone is
 * ~3 MB) and freed heap.  Give the heap back (malloc_trim) and unmap the
 * file pages of mappings that hold no private copy (no "Anonymous" pages:
 * not relocated RELRO data, not written .data): MADV_DONTNEED then only
 * drops our references, and a page used again is faulted back in from the
 * page cache.  */
static void
release_memory (void)
{
  FILE *smaps = fopen ("/proc/self/smaps", "re");
  unsigned long start = 0, end = 0;
  bool candidate = false;
  char line[512];

  malloc_trim (0);
  if (smaps == NULL)
    return;
  while (fgets (line, sizeof line, smaps) != NULL)
    {
      unsigned long a, b, anon;
      char perms[8];
      int path_at = 0;

      if (sscanf (line, "%lx-%lx %7s %*s %*s %*s %n", &a, &b, perms, &path_at) == 3)
        {
          start = a, end = b;
          candidate = path_at > 0 && line[path_at] == '/' && perms[1] != 'w';
        }
      else if (candidate && sscanf (line, "Anonymous: %lu kB", &anon) == 1)
        {
          if (anon == 0)
            madvise ((void *)start, end - start, MADV_DONTNEED);
          candidate = false;
        }
    }
  fclose (smaps);
}

struct monitor
{
  const struct galley_paths *p;
  const struct run_spec *spec;
  const struct monitor_options *o;
  int sync_fd; /* to the starting command until the container runs */
  bool first;
};

static int
on_started (void *arg, pid_t pid, galley_error_t *err)
{
  struct monitor *m = arg;
  struct running_change c = { pid, m->first };

  if (update_state (m->p, m->spec->id, set_running, &c, err) < 0)
    return -1;
  m->first = false;
  if (m->sync_fd >= 0)
    {
      if (write (m->sync_fd, "R", 1) != 1)
        {
          /* the command was killed meanwhile: the container runs anyway */
        }
      close (m->sync_fd);
      m->sync_fd = -1;
    }
  /* from now on it waits */
  release_memory ();
  return 0;
}

static void
send_error (int fd, const galley_error_t *err)
{
  if (fd >= 0 && write (fd, "E", 1) == 1)
    userns_send_error (fd, err);
}

static int
fd_above (int fd, int min)
{
  int n;

  if (fd >= min)
    return fd;
  n = fcntl (fd, F_DUPFD_CLOEXEC, min);
  close (fd);
  return n;
}

/* The relay process: the container's output -> the log and attached
 * clients; their input -> the container's stdin (runtime/log_relay.h).  */
static pid_t
spawn_log_relay (const struct monitor *m, const int out[2], const int errp[2], int log_fd, int null_fd,
                 int listen_fd, int stdin_w)
{
  pid_t pid = fork ();

  if (pid != 0)
    return pid;
  prctl (PR_SET_NAME, "galley-log");
  /* Only the monitor and the container may hold the write ends (EOF ends
   * the relay), and only the monitor the sync pipe.  */
  close (out[1]);
  if (errp[1] >= 0)
    close (errp[1]);
  if (m->sync_fd >= 0)
    close (m->sync_fd);
  dup2 (null_fd, 0);
  dup2 (null_fd, 1);
  dup2 (null_fd, 2);
  release_memory ();
  {
    galley_error_t err = NULL;
    struct log_relay_options o = {
      .out_fd = out[0],
      .err_fd = errp[0],
      .log_fd = log_fd,
      .log_path = m->o->log_path,
      .max_size = m->o->log_max_size,
      .listen_fd = listen_fd,
      .stdin_fd = stdin_w,
    };
    log_relay_run (&o, &err);
    _exit (err == NULL ? 0 : 1);
  }
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
 * stdout and stderr pipes to the relay (one pty stream with -t).  */
static int
setup_stdio (struct monitor *m, int null_fd, pid_t *relay, int *stdin_w, galley_error_t *err)
{
  int out[2] = { -1, -1 }, errp[2] = { -1, -1 }, in[2];
  _cleanup_close_ int log_fd = -1, listen_fd = -1;

  if (m->o->log_path != NULL)
    {
      log_fd = open (m->o->log_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
      if (log_fd < 0)
        return galley_error_make (err, errno, "opening the log %s", m->o->log_path);
    }
  if (pipe2 (out, O_CLOEXEC) < 0 || (! m->spec->tty && pipe2 (errp, O_CLOEXEC) < 0))
    return galley_error_make (err, errno, "creating the output pipes");
  /* With -i the container's stdin is a pipe that nobody closes (as
   * podman's -di and -dit: the shell waits for input); attached clients
   * write to it through the relay.  With -t the monitor copies it to the
   * pty.  */
  if (m->spec->interactive)
    {
      if (pipe2 (in, O_CLOEXEC) < 0)
        return galley_error_make (err, errno, "creating the input pipe");
      dup2 (in[0], 0);
      close (in[0]);
      *stdin_w = in[1];
    }
  else
    dup2 (null_fd, 0);
  listen_fd = attach_listen (m);
  *relay = spawn_log_relay (m, out, errp, log_fd, null_fd, listen_fd, *stdin_w);
  if (*relay < 0)
    return galley_error_make (err, errno, "forking the log relay");
  close (out[0]);
  if (errp[0] >= 0)
    close (errp[0]);
  dup2 (out[1], 1);
  dup2 (errp[1] >= 0 ? errp[1] : out[1], 2);
  close (out[1]);
  if (errp[1] >= 0)
    close (errp[1]);
  return 0;
}

/* --rm: the container and its anonymous volumes, as `rm -v`.  */
static int
remove_container (const struct galley_paths *p, const struct run_spec *spec, const struct monitor_options *o,
                  galley_error_t *err)
{
  if (container_remove (p, &spec->map, spec->id, err) < 0)
    return -1;
  if (o->config != NULL && volume_remove_anonymous (p, o->config, err) < 0)
    return galley_error_wrap (err, "removing the anonymous volumes of %s", spec->id);
  return 0;
}

/* Run the container until it exits for good; returns the last exit code
 * or -1 with *err when it could not be started.  */
static int
monitor_loop (struct monitor *m, galley_error_t *err)
{
  struct container_hooks hooks = { .started = on_started, .arg = m };

  for (;;)
    {
      _cleanup_close_ int lock = -1;
      struct container_state st;
      int status = container_run_hooked (m->p, m->spec, &hooks, err);

      if (status < 0)
        return -1;
      lock = container_lock (m->p, m->spec->id, err);
      if (lock < 0 || container_state_load (m->p, m->spec->id, &st, err) < 0)
        return -1;
      if (! restart_policy_wants (m->o->restart, m->o->max_retries, st.restart_count, status,
                                  st.stopped_by_user))
        {
          set_exited (&st, &status);
          if (container_state_write (m->p, m->spec->id, &st, err) < 0)
            return -1;
          if (m->o->remove && remove_container (m->p, m->spec, m->o, err) < 0)
            return -1;
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
      /* a crash loop must not spin */
      {
        struct timespec ts = { 0, 100 * 1000 * 1000 };
        nanosleep (&ts, NULL);
      }
    }
}

static _Noreturn void
monitor_main (const struct galley_paths *p, const struct run_spec *spec, const struct monitor_options *o,
              int sync_fd)
{
  struct monitor m = { .p = p, .spec = spec, .o = o, .first = true };
  galley_error_t err = NULL;
  int keep = 3 + spec->preserve_fds, null_fd, stdin_w = -1, status;
  pid_t relay = -1;

  m.sync_fd = fd_above (sync_fd, keep);
  syscall (SYS_close_range, (unsigned)keep, (unsigned)m.sync_fd - 1, 0);
  syscall (SYS_close_range, (unsigned)m.sync_fd + 1, ~0U, 0);
  prctl (PR_SET_NAME, "galley-monitor");
  if (chdir ("/") < 0)
    {
    }
  null_fd = fd_above (open ("/dev/null", O_RDWR | O_CLOEXEC), keep);
  if (null_fd < 0 || setup_stdio (&m, null_fd, &relay, &stdin_w, &err) < 0)
    {
      if (err == NULL)
        galley_error_make (&err, errno, "opening /dev/null");
      send_error (m.sync_fd, &err);
      _exit (GALLEY_EXIT_FAILURE);
    }
  status = monitor_loop (&m, &err);
  if (status < 0)
    {
      galley_error_t ignore = NULL;
      int code = err->exit_code;
      send_error (m.sync_fd, &err);
      if (monitor_record_exit (p, spec->id, code, &ignore) < 0)
        galley_error_release (&ignore);
      if (o->remove && remove_container (p, spec, o, &ignore) < 0)
        galley_error_release (&ignore);
    }
  /* The relay ends when the last writer (us) closes the output pipes.  */
  dup2 (null_fd, 1);
  dup2 (null_fd, 2);
  if (stdin_w >= 0)
    close (stdin_w);
  while (relay > 0 && waitpid (relay, NULL, 0) < 0 && errno == EINTR)
    ;
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
