/* Joining existing namespaces (see netns.h).  */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runtime/enter.h"
#include "runtime/netns.h"
#include "state/container_state.h"
#include "util/cleanup.h"

void
netns_join_close (struct netns_join *j)
{
  int *fds[] = { &j->userns_fd, &j->netns_fd, &j->ipcns_fd, &j->utsns_fd, &j->pidns_fd };
  size_t i;

  for (i = 0; i < sizeof fds / sizeof fds[0]; i++)
    {
      if (*fds[i] >= 0)
        close (*fds[i]);
      *fds[i] = -1;
    }
}

struct netns_join
netns_join_userns_only (const struct netns_join *j)
{
  struct netns_join only = NETNS_JOIN_INIT;

  only.userns_fd = j->userns_fd;
  return only;
}

/* -1 for our own user namespace: setns(2) into it fails with EINVAL, and
 * there is nothing to join (real root).  */
static int
keep_foreign_userns (int fd)
{
  struct stat mine, theirs;

  if (fd >= 0 && fstat (fd, &theirs) == 0 && stat ("/proc/self/ns/user", &mine) == 0
      && mine.st_ino == theirs.st_ino && mine.st_dev == theirs.st_dev)
    {
      close (fd);
      return -1;
    }
  return fd;
}

static int
open_ns (pid_t pid, const char *kind, galley_error_t *err)
{
  char path[64];
  int fd;

  snprintf (path, sizeof path, "/proc/%d/ns/%s", (int)pid, kind);
  fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return galley_error_make (err, errno, "opening %s", path);
  return fd;
}

int
netns_join_open_userns (pid_t pid, struct netns_join *out, galley_error_t *err)
{
  *out = (struct netns_join)NETNS_JOIN_INIT;
  out->userns_fd = open_ns (pid, "user", err);
  if (out->userns_fd < 0)
    return -1;
  out->userns_fd = keep_foreign_userns (out->userns_fd);
  return 0;
}

int
netns_join_open_shared (pid_t pid, uint64_t start, unsigned share, struct netns_join *out,
                        galley_error_t *err)
{
  const struct
  {
    unsigned share;
    const char *kind;
    size_t offset;
  } kinds[] = {
    { NETNS_SHARE_NET, "net", offsetof (struct netns_join, netns_fd) },
    { NETNS_SHARE_IPC, "ipc", offsetof (struct netns_join, ipcns_fd) },
    { NETNS_SHARE_UTS, "uts", offsetof (struct netns_join, utsns_fd) },
    { NETNS_SHARE_PID, "pid", offsetof (struct netns_join, pidns_fd) },
  };
  size_t i;

  if (netns_join_open_userns (pid, out, err) < 0)
    return -1;
  for (i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
    {
      int *fd = (int *)((char *)out + kinds[i].offset);
      if ((share & kinds[i].share) && (*fd = open_ns (pid, kinds[i].kind, err)) < 0)
        break;
    }
  /* The pid was checked after the fds were open: no reused pid slips in.  */
  if (*err != NULL || (start != 0 && ! proc_is (pid, start)))
    {
      netns_join_close (out);
      return *err ? -1 : galley_error_make (err, ESRCH, "the process %d is gone", (int)pid);
    }
  return 0;
}

int
netns_join_open_pid (pid_t pid, uint64_t start, struct netns_join *out, galley_error_t *err)
{
  return netns_join_open_shared (pid, start, NETNS_SHARE_NET, out, err);
}

int
netns_join_open_path (const char *path, struct netns_join *out, galley_error_t *err)
{
  *out = (struct netns_join)NETNS_JOIN_INIT;
  out->netns_fd = open (path, O_RDONLY | O_CLOEXEC);
  if (out->netns_fd < 0)
    return galley_error_make (err, errno, "opening the network namespace %s", path);
  if (ioctl (out->netns_fd, NS_GET_NSTYPE) != CLONE_NEWNET)
    {
      netns_join_close (out);
      return galley_error_make (err, EINVAL, "%s is not a network namespace", path);
    }
  out->userns_fd = ioctl (out->netns_fd, NS_GET_USERNS);
  if (out->userns_fd < 0)
    {
      int e = errno;
      netns_join_close (out);
      return galley_error_make (err, e, "finding the user namespace owning %s", path);
    }
  fcntl (out->userns_fd, F_SETFD, FD_CLOEXEC);
  out->userns_fd = keep_foreign_userns (out->userns_fd);
  return 0;
}

int
netns_enter (const struct netns_join *j, galley_error_t *err)
{
  if (j->userns_fd >= 0 && setns (j->userns_fd, CLONE_NEWUSER) < 0)
    return galley_error_make (err, errno, "joining the user namespace");
  if (j->netns_fd >= 0 && setns (j->netns_fd, CLONE_NEWNET) < 0)
    return galley_error_make (err, errno, "joining the network namespace");
  if (j->ipcns_fd >= 0 && setns (j->ipcns_fd, CLONE_NEWIPC) < 0)
    return galley_error_make (err, errno, "joining the IPC namespace");
  if (j->utsns_fd >= 0 && setns (j->utsns_fd, CLONE_NEWUTS) < 0)
    return galley_error_make (err, errno, "joining the UTS namespace");
  if (j->pidns_fd >= 0 && setns (j->pidns_fd, CLONE_NEWPID) < 0)
    return galley_error_make (err, errno, "joining the PID namespace");
  return 0;
}

static pid_t
clone_in (const struct netns_join *j, int flags)
{
  int report[2];
  pid_t launcher, init = -1;
  int status, e = 0;
  ssize_t r;

  if (pipe2 (report, O_CLOEXEC) < 0)
    return -1;
  launcher = fork ();
  if (launcher < 0)
    {
      e = errno;
      close (report[0]);
      close (report[1]);
      errno = e;
      return -1;
    }
  if (launcher == 0)
    {
      galley_error_t ignored = NULL;
      pid_t child;

      close (report[0]);
      /* The fds stay for the init, which keeps what it needs; it is
       * dumpable again until the monitor has written its maps.  */
      if (enter_prepare (ENTER_KEEP_ALL_FDS, NULL, 0, 0, &ignored) < 0 || netns_enter (j, &ignored) < 0)
        {
          int code = galley_error_errno (&ignored) ? -galley_error_errno (&ignored) : -EPERM;
          if (write (report[1], &code, sizeof code) < 0)
            _exit (1);
          _exit (1);
        }
      /* CLONE_PARENT: the init is the monitor's child, and its exit signal
       * is ours (SIGCHLD).  */
      child = (pid_t)syscall (SYS_clone, (unsigned long)flags | CLONE_PARENT, 0, 0, 0, 0);
      if (child == 0)
        {
          close (report[1]);
          return 0;
        }
      {
        int code = child < 0 ? -errno : (int)child;
        if (write (report[1], &code, sizeof code) < 0)
          _exit (1);
      }
      _exit (0);
    }
  close (report[1]);
  do
    r = read (report[0], &init, sizeof init);
  while (r < 0 && errno == EINTR);
  close (report[0]);
  while (waitpid (launcher, &status, 0) < 0 && errno == EINTR)
    ;
  if (r != sizeof init)
    {
      errno = ECHILD;
      return -1;
    }
  if (init < 0)
    {
      errno = -init;
      return -1;
    }
  return init;
}

pid_t
netns_clone_joined (const struct netns_join *j, int flags)
{
  flags &= ~CLONE_NEWUSER;
  if (j->netns_fd >= 0)
    flags &= ~CLONE_NEWNET;
  if (j->ipcns_fd >= 0)
    flags &= ~CLONE_NEWIPC;
  if (j->utsns_fd >= 0)
    flags &= ~CLONE_NEWUTS;
  if (j->pidns_fd >= 0)
    flags &= ~CLONE_NEWPID;
  return clone_in (j, flags);
}

pid_t
netns_clone_nested (const struct netns_join *j, int flags)
{
  struct netns_join userns_only = netns_join_userns_only (j);

  return clone_in (&userns_only, flags | CLONE_NEWUSER);
}

static int
write_map (pid_t pid, const char *file, const char *text)
{
  char path[64];
  int fd, ok;

  snprintf (path, sizeof path, "/proc/%d/%s", (int)pid, file);
  fd = open (path, O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return -1;
  ok = write (fd, text, strlen (text)) == (ssize_t)strlen (text);
  close (fd);
  return ok ? 0 : -1;
}

int
netns_write_maps (const struct netns_join *j, pid_t pid, const char *uid_map, const char *gid_map,
                  galley_error_t *err)
{
  struct netns_join userns_only = netns_join_userns_only (j);
  int report[2], status, code = 0;
  pid_t writer;

  if (pipe2 (report, O_CLOEXEC) < 0)
    return galley_error_make (err, errno, "pipe");
  writer = fork ();
  if (writer < 0)
    {
      close (report[0]);
      close (report[1]);
      return galley_error_make (err, errno, "fork");
    }
  if (writer == 0)
    {
      galley_error_t ignored = NULL;
      int keep[] = { report[1], userns_only.userns_fd };
      /* Root of j's user namespace, the parent of pid's: the ids of the
       * maps are its own, no newuidmap needed.  */
      if (enter_prepare (3, keep, 2, 0, &ignored) < 0 || netns_enter (&userns_only, &ignored) < 0)
        code = galley_error_errno (&ignored);
      else if (write_map (pid, "uid_map", uid_map) < 0 || write_map (pid, "gid_map", gid_map) < 0)
        code = errno;
      (void)! write (report[1], &code, sizeof code);
      _exit (code ? 1 : 0);
    }
  close (report[1]);
  if (read (report[0], &code, sizeof code) != sizeof code)
    code = ECHILD;
  close (report[0]);
  while (waitpid (writer, &status, 0) < 0 && errno == EINTR)
    ;
  if (code != 0)
    return galley_error_make (err, code, "writing the id maps of the container's user namespace");
  return 0;
}

int
netns_exec_in (const struct netns_join *j, char *const argv[], galley_error_t *err)
{
  static char *const clean_env[] = {
    (char *)"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", NULL
  };
  int errpipe[2], status;
  char buf[512];
  size_t got = 0;
  ssize_t r;
  pid_t pid;

  if (pipe2 (errpipe, O_CLOEXEC) < 0)
    return galley_error_make (err, errno, "pipe");
  pid = fork ();
  if (pid < 0)
    {
      close (errpipe[0]);
      close (errpipe[1]);
      return galley_error_make (err, errno, "fork");
    }
  if (pid == 0)
    {
      galley_error_t e = NULL;
      int devnull = open ("/dev/null", O_RDWR),
          keep[] = { j->userns_fd, j->netns_fd, j->ipcns_fd, j->utsns_fd, j->pidns_fd };
      sigset_t none;

      if (devnull < 0 || dup2 (devnull, 0) < 0 || dup2 (devnull, 1) < 0 || dup2 (errpipe[1], 2) < 0)
        _exit (127);
      if (enter_prepare (3, keep, sizeof keep / sizeof keep[0], 0, &e) < 0 || netns_enter (j, &e) < 0)
        {
          dprintf (2, "%s", e->msg);
          _exit (127);
        }
      sigemptyset (&none);
      sigprocmask (SIG_SETMASK, &none, NULL);
      execve (argv[0], argv, clean_env);
      dprintf (2, "cannot run %s: %s", argv[0], strerror (errno));
      _exit (127);
    }
  close (errpipe[1]);
  while ((r = read (errpipe[0], buf + got, sizeof buf - 1 - got)) != 0)
    {
      if (r < 0 && errno == EINTR)
        continue;
      if (r < 0 || (got += (size_t)r) == sizeof buf - 1)
        break;
    }
  close (errpipe[0]);
  buf[got] = '\0';
  while (got > 0 && (buf[got - 1] == '\n' || buf[got - 1] == '\r'))
    buf[--got] = '\0';
  while (waitpid (pid, &status, 0) < 0)
    if (errno != EINTR)
      return galley_error_make (err, errno, "waiting for %s", argv[0]);
  if (! WIFEXITED (status) || WEXITSTATUS (status) != 0)
    return galley_error_make (err, 0, "%s failed: %s", argv[0], got ? buf : "(no message)");
  return 0;
}
