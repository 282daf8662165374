/* Container runtime state and its reconciliation (see container_state.h).  */
#include "config.h"
#include "state/container_state.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "state/container.h"
#include "state/lock.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/time.h"

static const char *const status_names[] = { "created", "running", "paused", "stopping", "exited" };

const char *
container_status_name (enum container_status s)
{
  return (unsigned)s < sizeof status_names / sizeof status_names[0] ? status_names[s] : "unknown";
}

bool
container_status_is_live (enum container_status s)
{
  return s == CONTAINER_STATUS_RUNNING || s == CONTAINER_STATUS_PAUSED || s == CONTAINER_STATUS_STOPPING;
}

int
container_status_parse (const char *name, enum container_status *out)
{
  size_t i;

  for (i = 0; i < sizeof status_names / sizeof status_names[0]; i++)
    if (strcmp (name, status_names[i]) == 0)
      {
        *out = (enum container_status)i;
        return 0;
      }
  /* podman's other names for the same states */
  if (strcmp (name, "stopped") == 0 || strcmp (name, "configured") == 0)
    {
      *out = name[0] == 's' ? CONTAINER_STATUS_EXITED : CONTAINER_STATUS_CREATED;
      return 0;
    }
  return -1;
}

uint64_t
proc_start_time (pid_t pid)
{
  char path[64], buf[1024], *p;
  _cleanup_close_ int fd = -1;
  ssize_t n;
  int field;

  if (pid <= 0)
    return 0;
  snprintf (path, sizeof path, "/proc/%d/stat", (int)pid);
  fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return 0;
  n = read (fd, buf, sizeof buf - 1);
  if (n <= 0)
    return 0;
  buf[n] = '\0';
  /* comm may hold spaces and parentheses: fields restart after the last ')' */
  p = strrchr (buf, ')');
  if (p == NULL || p[1] != ' ')
    return 0;
  p += 2;
  /* p is field 3 (state); a zombie has finished running */
  if (*p == 'Z' || *p == 'X')
    return 0;
  for (field = 3; field < 22 && p != NULL; field++)
    {
      p = strchr (p, ' ');
      if (p != NULL)
        p++;
    }
  return p != NULL ? strtoull (p, NULL, 10) : 0;
}

bool
proc_is (pid_t pid, uint64_t start)
{
  return pid > 0 && start != 0 && proc_start_time (pid) == start;
}

const char *
boot_id (void)
{
  static char id[40];
  galley_error_t ignore = NULL;
  _cleanup_free_ char *text = NULL;

  if (id[0] != '\0')
    return id;
  if (fs_read_file (AT_FDCWD, "/proc/sys/kernel/random/boot_id", 128, &text, NULL, &ignore) < 0)
    {
      galley_error_release (&ignore);
      return "";
    }
  snprintf (id, sizeof id, "%.36s", text);
  return id;
}

const char *
host_name (void)
{
  static struct utsname u;

  if (u.nodename[0] == '\0' && uname (&u) < 0)
    u.nodename[0] = '\0';
  return u.nodename;
}

uint64_t
host_id_of (const char *name)
{
  uint64_t h = 14695981039346656037ULL;

  if (name == NULL || *name == '\0')
    return 0;
  for (; *name; name++)
    h = (h ^ (unsigned char)*name) * 1099511628211ULL;
  return h;
}

static int64_t
get_int64 (json_object *o, const char *key)
{
  json_object *v;
  return json_object_object_get_ex (o, key, &v) ? json_object_get_int64 (v) : 0;
}

static void
from_json (json_object *o, struct container_state *st)
{
  json_object *v;
  const char *s;

  memset (st, 0, sizeof *st);
  s = json_get_string (o, "Status");
  if (s == NULL || container_status_parse (s, &st->status) < 0)
    st->status = CONTAINER_STATUS_CREATED;
  st->pid = (pid_t)get_int64 (o, "Pid");
  st->pid_start = (uint64_t)get_int64 (o, "PidStartTime");
  st->monitor_pid = (pid_t)get_int64 (o, "MonitorPid");
  st->monitor_start = (uint64_t)get_int64 (o, "MonitorStartTime");
  if ((s = json_get_string (o, "BootID")))
    snprintf (st->boot_id, sizeof st->boot_id, "%s", s);
  st->host_id = host_id_of (json_get_string (o, "Host"));
  st->has_exit_code = json_object_object_get_ex (o, "ExitCode", &v);
  st->exit_code = st->has_exit_code ? json_object_get_int (v) : 0;
  st->started_at = time_parse_rfc3339 (json_get_string (o, "StartedAt"));
  st->finished_at = time_parse_rfc3339 (json_get_string (o, "FinishedAt"));
  if (st->started_at < 0)
    st->started_at = 0;
  if (st->finished_at < 0)
    st->finished_at = 0;
  st->restart_count = (int)get_int64 (o, "RestartCount");
  st->stopped_by_user = json_object_object_get_ex (o, "StoppedByUser", &v) && json_object_get_boolean (v);
}

static json_object *
to_json (const struct container_state *st)
{
  json_object *o = json_object_new_object ();
  char t[64];

  json_object_object_add (o, "Status", json_object_new_string (container_status_name (st->status)));
  json_object_object_add (o, "Pid", json_object_new_int64 (st->pid));
  json_object_object_add (o, "PidStartTime", json_object_new_int64 ((int64_t)st->pid_start));
  json_object_object_add (o, "MonitorPid", json_object_new_int64 (st->monitor_pid));
  json_object_object_add (o, "MonitorStartTime", json_object_new_int64 ((int64_t)st->monitor_start));
  json_object_object_add (o, "BootID", json_object_new_string (st->boot_id));
  /* (only the state of a container of this host is ever written) */
  if (st->host_id != 0 && st->host_id == host_id_of (host_name ()))
    json_object_object_add (o, "Host", json_object_new_string (host_name ()));
  if (st->has_exit_code)
    json_object_object_add (o, "ExitCode", json_object_new_int (st->exit_code));
  if (st->started_at > 0)
    {
      time_format_rfc3339 (st->started_at, t, sizeof t);
      json_object_object_add (o, "StartedAt", json_object_new_string (t));
    }
  if (st->finished_at > 0)
    {
      time_format_rfc3339 (st->finished_at, t, sizeof t);
      json_object_object_add (o, "FinishedAt", json_object_new_string (t));
    }
  json_object_object_add (o, "RestartCount", json_object_new_int (st->restart_count));
  json_object_object_add (o, "StoppedByUser", json_object_new_boolean (st->stopped_by_user));
  return o;
}

/* ENOENT as the kind of the error, without strerror's words.  */
static int
no_such_container (galley_error_t *err, const char *id)
{
  galley_error_make (err, 0, "no container with ID \"%s\" found: no such container", id);
  (*err)->errno_ = ENOENT;
  return -1;
}

/* A container without state.json: created, or what a record of a galley
 * from before state.json says of its last exit.  */
static int
state_from_record (const struct galley_paths *p, const char *id, struct container_state *out,
                   galley_error_t *err)
{
  _cleanup_container_config_ struct container_config rec = { 0 };
  _cleanup_free_ char *dir = container_dir (p, id);
  struct stat sb;

  memset (out, 0, sizeof *out);
  if (dir == NULL)
    return galley_error_make (err, errno, "allocating");
  if (stat (dir, &sb) < 0)
    return errno == ENOENT ? no_such_container (err, id) : galley_error_make (err, errno, "opening %s", dir);
  if (container_read_record (p, id, &rec, err) < 0)
    return -1;
  if (rec.state != NULL)
    from_json (rec.state, out);
  return 0;
}

/* Recorded as running on another host: nothing here can tell whether it
 * still runs (its pids are that host's, its run directory too).  */
static bool
on_other_host (const struct container_state *st)
{
  static uint64_t here;

  if (here == 0)
    here = host_id_of (host_name ());
  return st->host_id != 0 && st->host_id != here;
}

/* The recorded process is gone or is not ours any more.  */
static bool
lost (const struct galley_paths *p, const char *id, const struct container_state *st)
{
  _cleanup_free_ char *run = container_run_dir (p, id);
  struct stat sb;

  if (strcmp (st->boot_id, boot_id ()) != 0)
    return true;
  if (run != NULL && stat (run, &sb) < 0 && errno == ENOENT)
    return true; /* the runroot was wiped */
  if (st->monitor_pid > 0 && ! proc_is (st->monitor_pid, st->monitor_start))
    return true;
  return st->pid > 0 && ! proc_is (st->pid, st->pid_start);
}

static int
read_file (int dfd, struct container_state *out, bool *missing, galley_error_t *err)
{
  _cleanup_free_ char *text = NULL;
  _cleanup_json_ json_object *o = NULL;
  galley_error_t local = NULL;
  size_t len;

  *missing = false;
  if (fs_read_file (dfd, "state.json", 1 << 20, &text, &len, &local) < 0)
    {
      if (galley_error_errno (&local) == ENOENT)
        {
          galley_error_release (&local);
          *missing = true;
          return 0;
        }
      *err = local;
      return -1;
    }
  if (json_parse_strict (text, len, "state.json", &o, err) < 0)
    return -1;
  from_json (o, out);
  return 0;
}

/* Killed with its monitor (the init dies with SIGKILL when the monitor
 * goes), or lost to a reboot.  */
static void
mark_lost (struct container_state *out)
{
  out->status = CONTAINER_STATUS_EXITED;
  if (! out->has_exit_code)
    {
      out->exit_code = 128 + SIGKILL;
      out->has_exit_code = true;
    }
  if (out->finished_at == 0)
    out->finished_at = time_now_ns ();
  out->pid = 0;
  /* monitor_pid stays: a monitor that lives on (its record tampered with)
   * is still what rm must end.  */
  out->reconciled = true;
}

static int lock_container_file (const struct galley_paths *p, const char *id, const char *name, bool wait,
                                int *out, galley_error_t *err);

/* Whether the record of container id asks for --rm.  */
static bool
auto_remove (int dfd)
{
  _cleanup_free_ char *text = NULL;
  _cleanup_container_config_ struct container_config c = { 0 };
  _cleanup_error_ galley_error_t ignore = NULL;
  size_t len;

  return fs_read_file (dfd, "container.json", 4 << 20, &text, &len, &ignore) == 0
         && container_config_parse (text, len, "container.json", &c, &ignore) == 0 && c.rm;
}

/* st was found lost: record it so (its finished time once, as podman's
 * cleanup would), or remove the container when it is one of --rm.  Only
 * when both locks are free: a holder (a start, a stop or a removal under
 * way, or the caller itself) sees to it.  Returns 1 when the container
 * was removed.  */
static int
settle_lost (const struct galley_paths *p, const char *id, int dfd, struct container_state *st)
{
  _cleanup_close_ int run_lock = -1, record_lock = -1;
  galley_error_t local = NULL;
  struct container_state now;
  bool missing;
  int ret = 0;

  if (container_run_lock_try (p, id, &run_lock, &local) != 0
      || lock_container_file (p, id, CONTAINER_LOCK_FILE, false, &record_lock, &local) != 0)
    goto out;
  if (auto_remove (dfd))
    {
      ret = container_remove_locked (p, NULL, id, &run_lock, &record_lock, &local) == 0;
      goto out;
    }
  /* as written now, under the locks */
  if (read_file (dfd, &now, &missing, &local) < 0 || missing || ! container_status_is_live (now.status))
    goto out;
  now.finished_at = st->finished_at;
  mark_lost (&now);
  if (container_state_write (p, id, &now, &local) == 0)
    *st = now;
out:
  galley_error_release (&local);
  return ret;
}

static int
state_read (const struct galley_paths *p, const char *id, struct container_state *out, bool reconcile,
            galley_error_t *err)
{
  _cleanup_free_ char *dir = container_dir (p, id);
  _cleanup_close_ int dfd = -1;
  bool missing;
  int tries;

  if (dir == NULL)
    return galley_error_make (err, errno, "allocating");
  dfd = open (dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0)
    return errno == ENOENT ? no_such_container (err, id) : galley_error_make (err, errno, "opening %s", dir);
  for (tries = 0;; tries++)
    {
      if (read_file (dfd, out, &missing, err) < 0)
        return -1;
      if (missing)
        return state_from_record (p, id, out, err);
      if (! reconcile || ! container_status_is_live (out->status))
        return 0;
      if (on_other_host (out))
        {
          out->elsewhere = true;
          return 0;
        }
      if (! lost (p, id, out))
        return 0;
      /* The init is gone but its monitor lives: it is recording the exit
       * right now; give it a moment to tell the real exit code.  */
      if (tries < 50 && out->monitor_pid > 0 && proc_is (out->monitor_pid, out->monitor_start)
          && strcmp (out->boot_id, boot_id ()) == 0)
        {
          struct timespec ts = { 0, 10 * 1000 * 1000 };
          nanosleep (&ts, NULL);
          continue;
        }
      break;
    }
  mark_lost (out);
  if (settle_lost (p, id, dfd, out) == 1)
    return no_such_container (err, id);
  return 0;
}

int
container_state_reconcile (const struct galley_paths *p, const char *id, struct container_state *st,
                           galley_error_t *err)
{
  if (! container_status_is_live (st->status))
    return 0;
  if (on_other_host (st))
    {
      st->elsewhere = true;
      return 0;
    }
  if (! lost (p, id, st))
    return 0;
  /* the careful way: its monitor may be recording the exit right now,
   * and a container found dead is settled */
  return container_state_read (p, id, st, err);
}

int
container_state_read (const struct galley_paths *p, const char *id, struct container_state *out,
                      galley_error_t *err)
{
  return state_read (p, id, out, true, err);
}

int
container_state_load (const struct galley_paths *p, const char *id, struct container_state *out,
                      galley_error_t *err)
{
  return state_read (p, id, out, false, err);
}

int
container_state_write (const struct galley_paths *p, const char *id, const struct container_state *st,
                       galley_error_t *err)
{
  _cleanup_free_ char *dir = container_dir (p, id);
  _cleanup_json_ json_object *o = to_json (st);
  _cleanup_close_ int dfd = -1;

  if (dir == NULL)
    return galley_error_make (err, errno, "allocating");
  dfd = open (dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0)
    return errno == ENOENT ? no_such_container (err, id) : galley_error_make (err, errno, "opening %s", dir);
  if (json_write_atomic (dfd, "state.json", o, err) < 0)
    return -1;
  container_count_change (p);
  return 0;
}

/* Open the lock file name of the container directory dfd.  It is made
 * with the record (container_create) and never created here, so that a
 * locker that arrives while the directory is removed cannot put it back;
 * only a record older than its lock file gets one.  */
static int
open_lock_file (int dfd, const char *name, const char *id, galley_error_t *err)
{
  struct stat sb;
  int fd = openat (dfd, name, O_RDWR | O_CLOEXEC | O_NOFOLLOW);

  if (fd >= 0)
    return fd;
  if (errno != ENOENT)
    return galley_error_make (err, errno, "opening lock file %s", name);
  if (fstatat (dfd, "container.json", &sb, 0) < 0)
    return no_such_container (err, id);
  return lock_open (dfd, name, err);
}

/* Open and take lock file name of container id: waiting, or only trying
 * (returns CONTAINER_LOCK_BUSY).  */
static int
lock_container_file (const struct galley_paths *p, const char *id, const char *name, bool wait, int *out,
                     galley_error_t *err)
{
  _cleanup_free_ char *dir = container_dir (p, id);
  _cleanup_close_ int dfd = -1, fd = -1;
  struct stat sb;
  int r;

  if (dir == NULL)
    return galley_error_make (err, errno, "allocating");
  dfd = open (dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0)
    return errno == ENOENT ? no_such_container (err, id) : galley_error_make (err, errno, "opening %s", dir);
  fd = open_lock_file (dfd, name, id, err);
  if (fd < 0)
    return -1;
  r = wait ? lock_acquire (fd, LOCK_EXCLUSIVE, err) : lock_try (fd, LOCK_EXCLUSIVE, err);
  if (r != 0)
    return r < 0 ? -1 : CONTAINER_LOCK_BUSY;
  /* A remover held the lock before us: the record is gone.  */
  if (fstatat (dfd, "container.json", &sb, 0) < 0)
    return no_such_container (err, id);
  *out = steal_fd (&fd);
  return 0;
}

int
container_lock (const struct galley_paths *p, const char *id, galley_error_t *err)
{
  int fd = -1;

  if (lock_container_file (p, id, CONTAINER_LOCK_FILE, true, &fd, err) < 0)
    return -1;
  return fd;
}

int
container_run_lock_try (const struct galley_paths *p, const char *id, int *fd, galley_error_t *err)
{
  return lock_container_file (p, id, CONTAINER_RUN_LOCK_FILE, false, fd, err);
}

void
container_state_host (const struct galley_paths *p, const char *id, char *buf, size_t len)
{
  _cleanup_free_ char *dir = container_dir (p, id), *text = NULL;
  _cleanup_json_ json_object *o = NULL;
  _cleanup_close_ int dfd = dir ? open (dir, O_PATH | O_DIRECTORY | O_CLOEXEC) : -1;
  galley_error_t ignore = NULL;
  const char *host;
  size_t n;

  buf[0] = '\0';
  if (dfd < 0 || fs_read_file (dfd, "state.json", 1 << 20, &text, &n, &ignore) < 0
      || json_parse_strict (text, n, "state.json", &o, &ignore) < 0)
    {
      galley_error_release (&ignore);
      return;
    }
  if ((host = json_get_string (o, "Host")) != NULL)
    snprintf (buf, len, "%s", host);
}

int
container_remove (const struct galley_paths *p, const struct idmap *map, const char *id, int *run_lock,
                  galley_error_t *err)
{
  int record_lock = container_lock (p, id, err);

  if (record_lock < 0)
    return -1;
  return container_remove_locked (p, map, id, run_lock, &record_lock, err);
}

int
container_state_pidfd (const struct container_state *st, galley_error_t *err)
{
  int fd;

  if (st->pid <= 0)
    return galley_error_make (err, ESRCH, "the container is not running");
  fd = (int)syscall (SYS_pidfd_open, st->pid, 0);
  if (fd < 0)
    return galley_error_make (err, errno, "opening the container's process");
  /* Checked after the open: the pidfd now pins the process it names.  */
  if (! proc_is (st->pid, st->pid_start))
    {
      close (fd);
      return galley_error_make (err, ESRCH, "the container's process is gone");
    }
  return fd;
}
