/* fuse-overlayfs mounts (see rootfs_fuse.h).  */
#include "config.h"
#include "runtime/rootfs_fuse.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ns/userns.h"
#include "runtime/enter.h"
#include "runtime/helpers.h"
#include "util/cleanup.h"
#include "util/time.h"

#define FUSE_LOG "fuse-overlayfs.log"
/* what fuse-overlayfs 1.10 prints on every mount: it hands libfuse a
 * "lazytime" option of its own that libfuse does not know */
#define FUSE_NOISE "unknown argument ignored"
#define FUSE_READY_TIMEOUT_MS 10000
#define FUSE_STOP_TIMEOUT_MS 5000

static char *
fuse_binary (const struct run_spec *spec)
{
  return spec->fuse_overlayfs ? strdup (spec->fuse_overlayfs) : helper_find ("fuse-overlayfs");
}

/* fuse-overlayfs' uidmapping=/gidmapping= value: "SEEN:SHOWN:SIZE:..." with
 * SEEN the owner on disk as fuse-overlayfs sees it (in the container's
 * namespace) and SHOWN the owner it reports, the image's.  */
static void
put_mapping (FILE *f, const char *option, const struct idmap_range *r, size_t n)
{
  size_t i;

  fprintf (f, ",%s=", option);
  for (i = 0; i < n; i++)
    fprintf (f, "%s%" PRIu32 ":%" PRIu32 ":%" PRIu32, i ? ":" : "", r[i].host_id, r[i].container_id,
             r[i].size);
}

/* "lowerdir=TOP:...:BOTTOM,upperdir=...,workdir=..." and, for a remapped
 * rootfs (run_spec.store_map), the mapping options that show the layers
 * with the image's owners; NULL when out of memory.  */
static char *
fuse_options (const struct run_spec *spec)
{
  char *opts = NULL;
  size_t len = 0, n = 0;
  struct idmap_view view;
  FILE *f = open_memstream (&opts, &len);

  if (f == NULL)
    return NULL;
  while (spec->lower_dirs[n] != NULL)
    n++;
  fputs ("lowerdir=", f);
  for (; n > 0; n--)
    fprintf (f, "%s%s", spec->lower_dirs[n - 1], n > 1 ? ":" : "");
  fprintf (f, ",upperdir=%s,workdir=%s", spec->upper_dir, spec->work_dir);
  if (spec->store_map.n_uid > 0 && idmap_view_of (&spec->store_map, &spec->map, &view) > 0)
    {
      put_mapping (f, "uidmapping", view.uid, view.n_uid);
      put_mapping (f, "gidmapping", view.gid, view.n_gid);
    }
  if (spec->foreign_lowers)
    fputs (",squash_to_root", f);
  if (fclose (f) != 0)
    {
      free (opts);
      return NULL;
    }
  return opts;
}

/* In the child about to execute fuse-overlayfs in place: stdin and stdout
 * /dev/null (the daemon must neither read the caller's input nor write
 * into its output, export's tar stream), stderr its log.  A descriptor 0-2
 * that is closed, or close-on-exec (galley's own fds land there when it
 * was started with them closed), would otherwise be taken by
 * fuse-overlayfs for a layer directory or /dev/fuse.  */
static void
give_helper_stdio (void)
{
  int null = open ("/dev/null", O_RDWR | O_CLOEXEC), fd;

  if (null >= 0 && null < 3)
    null = fcntl (null, F_DUPFD_CLOEXEC, 3); /* the process exits or executes: no leak */
  if (null < 0)
    return;
  for (fd = 0; fd < 3; fd++)
    {
      int flags = fcntl (fd, F_GETFD);
      if (fd < 2 || flags < 0 || (flags & FD_CLOEXEC))
        dup3 (null, fd, 0);
    }
}

/* Does this line of mountinfo mount a fuse file system at target?  Its
 * fields: ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS [TAGS...] - TYPE ...;
 * the kernel writes space, tab, newline and backslash in MOUNTPOINT as
 * \ooo.  */
static bool
mounts_fuse_at (const char *line, const char *target)
{
  const char *p = line;
  int field;

  for (field = 0; field < 4; field++)
    if ((p = strchr (p, ' ')) == NULL)
      return false;
    else
      p++;
  while (*p != ' ' && *p != '\0')
    {
      char c = *p++;
      if (c == '\\' && p[0] >= '0' && p[0] <= '3' && p[1] >= '0' && p[1] <= '7' && p[2] >= '0' && p[2] <= '7')
        {
          c = (char)((p[0] - '0') * 64 + (p[1] - '0') * 8 + (p[2] - '0'));
          p += 3;
        }
      if (*target++ != c)
        return false;
    }
  p = *target == '\0' ? strstr (p, " - ") : NULL;
  return p != NULL && strncmp (p + 3, "fuse", 4) == 0;
}

static bool
is_mounted (FILE *mountinfo, const char *target)
{
  _cleanup_free_ char *line = NULL;
  size_t size = 0;
  bool found = false;

  rewind (mountinfo);
  while (! found && getline (&line, &size, mountinfo) > 0)
    found = mounts_fuse_at (line, target);
  return found;
}

/* Until h's target is a fuse mount in mountinfo (opened before the
 * daemon started: the kernel marks each change of its mount table), or
 * the daemon exits (why: the first line of its log, log in dirfd, if
 * any), or the time is up.  */
static int
await_mount (const struct fuse_daemon *d, const struct fuse_helper *h, FILE *mountinfo, int dirfd,
             const char *log, galley_error_t *err)
{
  _cleanup_close_ int pidfd = (int)syscall (SYS_pidfd_open, d->pid, 0);
  int64_t deadline = time_monotonic_ms () + FUSE_READY_TIMEOUT_MS;

  if (pidfd < 0)
    return galley_error_make (err, errno, "watching %s", h->name);
  for (;;)
    {
      struct pollfd p[2] = { { fileno (mountinfo), POLLPRI, 0 }, { pidfd, POLLIN, 0 } };
      int64_t left = deadline - time_monotonic_ms ();

      if (is_mounted (mountinfo, h->target))
        return 0;
      if (left <= 0)
        return galley_error_make (err, ETIMEDOUT, "%s did not mount %s", h->name, h->what);
      if (poll (p, 2, (int)left) < 0 && errno != EINTR)
        return galley_error_make (err, errno, "waiting for %s", h->name);
      if (p[1].revents & POLLIN)
        {
          _cleanup_free_ char *why = helper_log_reason (dirfd, log, FUSE_NOISE);
          return galley_error_make (err, 0, "%s failed to mount %s%s%s", h->name, h->what, why ? ": " : "",
                                    why ? why : "");
        }
    }
}

/* In a daemon's child before it executes fuse-overlayfs: the signals
 * that stop it are neither blocked nor ignored (the monitor blocks them
 * for its signalfd).  */
static void
reset_signals (void)
{
  sigset_t none;

  signal (SIGTERM, SIG_DFL);
  sigemptyset (&none);
  sigprocmask (SIG_SETMASK, &none, NULL);
}

/* In the foreground, a child of the caller that ends with it: the
 * processes that work on a stopped container's files (cp, export, commit,
 * build's COPY) exit when done, and the daemon with them, instead of
 * keeping the mount namespace it alone still uses.  Its stderr is an
 * anonymous file, read only to say why it failed: what it prints on
 * every mount would otherwise reach the user's terminal, or a batch job's
 * error file, on each of these commands.  */
int
fuse_helper_mount_in_place (const struct fuse_helper *h, galley_error_t *err)
{
  _cleanup_fclose_ FILE *mountinfo = NULL;
  _cleanup_close_ int log = -1;
  struct fuse_daemon d = FUSE_DAEMON_INIT;
  pid_t parent = getpid ();
  char log_path[64];

  mountinfo = fopen ("/proc/self/mountinfo", "re");
  if (mountinfo == NULL)
    return galley_error_make (err, errno, "opening /proc/self/mountinfo");
  log = memfd_create (h->name, MFD_CLOEXEC);
  if (log >= 0 && log < 3) /* galley was started with stdio closed: keep 0-2 for the daemon's */
    {
      int high = fcntl (log, F_DUPFD_CLOEXEC, 3);
      close (log);
      log = high;
    }
  if (log < 0)
    return galley_error_make (err, errno, "creating the log of %s", h->name);
  snprintf (log_path, sizeof log_path, "/proc/self/fd/%d", log);
  d.pid = fork ();
  if (d.pid < 0)
    return galley_error_make (err, errno, "forking %s", h->name);
  if (d.pid == 0)
    {
      prctl (PR_SET_PDEATHSIG, SIGTERM);
      if (getppid () != parent || dup2 (log, 2) < 0)
        _exit (127);
      give_helper_stdio ();
      reset_signals ();
      execv (h->path, h->argv);
      _exit (127);
    }
  if (await_mount (&d, h, mountinfo, AT_FDCWD, log_path, err) < 0)
    {
      fuse_daemon_stop (&d);
      return -1;
    }
  return 0;
}

static void
overlay_helper_clear (struct fuse_helper *h, char *argv[6])
{
  free (h->path);
  free (argv[3]);
  h->path = argv[3] = NULL;
}

/* fuse-overlayfs' command line for spec, in *h and argv (released with
 * overlay_helper_clear).  */
static int
overlay_helper (const struct run_spec *spec, struct fuse_helper *h, char *argv[6], galley_error_t *err)
{
  argv[0] = (char *)"fuse-overlayfs";
  argv[1] = (char *)"-f";
  argv[2] = (char *)"-o";
  argv[3] = fuse_options (spec);
  argv[4] = spec->mountpoint;
  argv[5] = NULL;
  *h = (struct fuse_helper){ .name = "fuse-overlayfs",
                             .path = fuse_binary (spec),
                             .argv = argv,
                             .target = spec->mountpoint,
                             .what = "the rootfs",
                             .log = FUSE_LOG };
  if (h->path != NULL && argv[3] != NULL)
    return 0;
  overlay_helper_clear (h, argv);
  if (h->path == NULL)
    return galley_error_make (err, 0, "fuse-overlayfs not found: install the fuse-overlayfs package");
  return galley_error_make (err, ENOMEM, "allocating");
}

int
rootfs_fuse_mount (const struct run_spec *spec, galley_error_t *err)
{
  struct fuse_helper h;
  char *argv[6];
  int ret;

  if (overlay_helper (spec, &h, argv, err) < 0)
    return -1;
  ret = fuse_helper_mount_in_place (&h, err);
  overlay_helper_clear (&h, argv);
  return ret;
}

/* The init's user and mount namespaces (not its pid namespace), as root
 * there.  */
static int
join_init (const struct run_spec *spec, int init_pidfd, galley_error_t *err)
{
  int flags = CLONE_NEWNS;

  if (spec->map.source != IDMAP_SOURCE_ROOT)
    flags |= CLONE_NEWUSER;
  if (enter_prepare (3, &init_pidfd, 1, 0, err) < 0)
    return -1;
  if (setns (init_pidfd, flags) < 0)
    return galley_error_make (err, errno, "joining the container's namespaces");
  if (userns_become_root (&spec->map, false, err) < 0)
    return -1;
  /* nothing mounted here reaches the host's mount namespace */
  if (mount (NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
    return galley_error_make (err, errno, "making / private");
  return 0;
}

/* The container's daemon, in the forked child: h in the foreground in
 * the init's namespaces, with an empty environment; its messages (and
 * ours) go to log.  */
static _Noreturn void
daemon_main (const struct run_spec *spec, int init_pidfd, int log, const struct fuse_helper *h)
{
  static char *const no_env[] = { NULL };
  int null = open ("/dev/null", O_RDONLY | O_CLOEXEC);
  galley_error_t err = NULL;

  if (null < 0 || dup2 (null, 0) < 0 || dup2 (log, 1) < 0 || dup2 (log, 2) < 0)
    _exit (127);
  if (join_init (spec, init_pidfd, &err) < 0)
    {
      dprintf (2, "%s\n", err->msg);
      _exit (127);
    }
  close (init_pidfd);
  prctl (PR_SET_PDEATHSIG, SIGKILL);
  reset_signals ();
  execve (h->path, h->argv, no_env);
  dprintf (2, "cannot run %s: %s\n", h->path, strerror (errno));
  _exit (127);
}

int
fuse_helper_start (const struct run_spec *spec, pid_t init, const struct fuse_helper *h,
                   struct fuse_daemon *d, galley_error_t *err)
{
  _cleanup_close_ int init_pidfd = -1, dirfd = -1, log = -1;
  _cleanup_fclose_ FILE *mountinfo = NULL;
  char path[64];

  d->pid = -1;
  /* opened before the daemon starts: no change of the table goes unseen */
  snprintf (path, sizeof path, "/proc/%d/mountinfo", (int)init);
  mountinfo = fopen (path, "re");
  init_pidfd = (int)syscall (SYS_pidfd_open, init, 0);
  if (mountinfo == NULL || init_pidfd < 0)
    return galley_error_make (err, errno, "opening the namespaces of the container init");
  dirfd = open (spec->state_dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (dirfd < 0)
    return galley_error_make (err, errno, "opening %s", spec->state_dir);
  log = openat (dirfd, h->log, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (log < 0)
    return galley_error_make (err, errno, "creating %s/%s", spec->state_dir, h->log);
  d->pid = fork ();
  if (d->pid < 0)
    return galley_error_make (err, errno, "forking %s", h->name);
  if (d->pid == 0)
    daemon_main (spec, init_pidfd, log, h);
  if (await_mount (d, h, mountinfo, dirfd, h->log, err) < 0)
    {
      fuse_daemon_stop (d);
      return -1;
    }
  return 0;
}

int
fuse_daemon_start (const struct run_spec *spec, pid_t init, struct fuse_daemon *d, galley_error_t *err)
{
  struct fuse_helper h;
  char *argv[6];
  int ret;

  d->pid = -1;
  if (overlay_helper (spec, &h, argv, err) < 0)
    return -1;
  ret = fuse_helper_start (spec, init, &h, d, err);
  overlay_helper_clear (&h, argv);
  return ret;
}

void
fuse_daemon_stop (struct fuse_daemon *d)
{
  _cleanup_close_ int pidfd = -1;
  struct pollfd p;

  if (d->pid <= 0)
    return;
  /* unmounted and gone on SIGTERM; killed if it hangs */
  pidfd = (int)syscall (SYS_pidfd_open, d->pid, 0);
  kill (d->pid, SIGTERM);
  p = (struct pollfd){ pidfd, POLLIN, 0 };
  if (pidfd < 0 || poll (&p, 1, FUSE_STOP_TIMEOUT_MS) <= 0)
    kill (d->pid, SIGKILL);
  while (waitpid (d->pid, NULL, 0) < 0 && errno == EINTR)
    ;
  d->pid = -1;
}
