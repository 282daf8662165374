/* The foreground monitor (see process.h).  */
#include "config.h"
#include "runtime/process.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runtime/cgroup.h"
#include "runtime/init.h"
#include "runtime/network.h"
#include "runtime/rootfs_fuse.h"
#include "runtime/seccomp_cache.h"
#include "runtime/terminal.h"
#include "runtime/userns.h"
#include "runtime/volume_mounts.h"
#include "util/cleanup.h"

static const int relayed_signals[] = { SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH };

static int
clone_flags (const struct run_spec *spec)
{
  int flags = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC;

  if (spec->map.source != IDMAP_SOURCE_ROOT)
    flags |= CLONE_NEWUSER;
  if (spec->network == NETWORK_NONE)
    flags |= CLONE_NEWNET;
  return flags;
}

/* Internal fds above the preserved ones, so that neither side clobbers them.  */
static int
move_above (int fd, int min)
{
  int n;

  if (fd >= min)
    return fd;
  n = fcntl (fd, F_DUPFD_CLOEXEC, min);
  close (fd);
  return n;
}

/* NULL in *out: unconfined.  */
static int
load_seccomp (const struct galley_paths *paths, const struct run_spec *spec, struct seccomp_program *prog,
              const struct seccomp_program **out, galley_error_t *err)
{
  *out = NULL;
  if (spec->privileged || (spec->seccomp_profile && strcmp (spec->seccomp_profile, "unconfined") == 0))
    return 0;
  if (seccomp_program_get (paths, spec->seccomp_profile, spec->caps.bounding, prog, err) < 0)
    return -1;
  *out = prog;
  return 0;
}

/* Until the init executes the command: its pty master, or its error.
 * Returns 0 when the command runs, -1 with *err otherwise.  */
static int
await_start (int channel, int *master, galley_error_t *err)
{
  for (;;)
    {
      char byte = 0;
      struct iovec iov = { &byte, 1 };
      union
      {
        char buf[CMSG_SPACE (sizeof (int))];
        struct cmsghdr align;
      } u;
      struct msghdr msg = {
        .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof u.buf
      };
      struct cmsghdr *c;
      ssize_t r = recvmsg (channel, &msg, MSG_CMSG_CLOEXEC);

      if (r < 0 && errno == EINTR)
        continue;
      if (r < 0)
        return galley_error_make (err, errno, "reading from the container init");
      if (r == 0)
        return 0;
      if (byte == 'E')
        {
          if (userns_receive_error (channel, err) == 0)
            galley_error_make (err, 0, "the container init failed");
          return -1;
        }
      c = CMSG_FIRSTHDR (&msg);
      if (byte == 'T' && c != NULL && c->cmsg_type == SCM_RIGHTS)
        memcpy (master, CMSG_DATA (c), sizeof (int));
    }
}

struct relay
{
  pid_t pid;
  int sigfd;
  struct terminal term;
  bool interactive;
  int status;
  bool exited;
};

static void
handle_signal (struct relay *r)
{
  struct signalfd_siginfo si;

  while (read (r->sigfd, &si, sizeof si) == sizeof si)
    {
      if ((int)si.ssi_signo == SIGCHLD)
        {
          if (! r->exited && waitpid (r->pid, &r->status, WNOHANG) == r->pid)
            r->exited = true;
        }
      else if ((int)si.ssi_signo == SIGWINCH && r->term.master >= 0)
        terminal_sync_size (&r->term);
      else
        kill (r->pid, (int)si.ssi_signo);
    }
}

static void
drain_master (struct relay *r)
{
  int flags = fcntl (r->term.master, F_GETFL);

  fcntl (r->term.master, F_SETFL, flags | O_NONBLOCK);
  while (terminal_copy (r->term.master, 1) > 0)
    ;
}

static int
relay_loop (struct relay *r, galley_error_t *err)
{
  while (! r->exited)
    {
      struct pollfd p[3];
      nfds_t n = 0;
      int i_master = -1, i_stdin = -1;

      p[n++] = (struct pollfd){ r->sigfd, POLLIN, 0 };
      if (r->term.master >= 0)
        {
          i_master = (int)n;
          p[n++] = (struct pollfd){ r->term.master, POLLIN, 0 };
          if (r->interactive && r->term.stdin_open)
            {
              i_stdin = (int)n;
              p[n++] = (struct pollfd){ 0, POLLIN, 0 };
            }
        }
      if (poll (p, n, -1) < 0)
        {
          if (errno == EINTR)
            continue;
          return galley_error_make (err, errno, "poll");
        }
      if (p[0].revents)
        handle_signal (r);
      if (i_master >= 0 && (p[i_master].revents & (POLLIN | POLLHUP | POLLERR)))
        if (terminal_copy (r->term.master, 1) <= 0)
          {
            /* hangup: the session is gone, the exit follows */
            close (r->term.master);
            r->term.master = -1;
          }
      if (i_stdin >= 0 && (p[i_stdin].revents & (POLLIN | POLLHUP | POLLERR)))
        if (terminal_copy (0, r->term.master) <= 0)
          {
            /* EOF on stdin: pass ^D as a terminal would.  */
            if (write (r->term.master, "\x04", 1) < 0)
              {
              }
            r->term.stdin_open = false;
          }
    }
  if (r->term.master >= 0)
    drain_master (r);
  return 0;
}

static int
block_signals (sigset_t *saved, int *sigfd, galley_error_t *err)
{
  sigset_t set;
  size_t i;

  sigemptyset (&set);
  for (i = 0; i < sizeof relayed_signals / sizeof relayed_signals[0]; i++)
    sigaddset (&set, relayed_signals[i]);
  sigaddset (&set, SIGCHLD);
  /* A shell starts background jobs with SIGINT and SIGQUIT ignored; an
   * ignored signal never reaches the signalfd, and the container would
   * inherit the disposition (a shell there could not even trap it).  */
  for (i = 0; i < sizeof relayed_signals / sizeof relayed_signals[0]; i++)
    signal (relayed_signals[i], SIG_DFL);
  if (sigprocmask (SIG_BLOCK, &set, saved) < 0)
    return galley_error_make (err, errno, "blocking signals");
  *sigfd = signalfd (-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
  if (*sigfd < 0)
    return galley_error_make (err, errno, "signalfd");
  return 0;
}

static int
wait_init (pid_t pid, int *status)
{
  while (waitpid (pid, status, 0) < 0)
    if (errno != EINTR)
      return -1;
  return 0;
}

int
container_run_foreground (const struct galley_paths *paths, const struct run_spec *spec, galley_error_t *err)
{
  return container_run_hooked (paths, spec, NULL, err);
}

int
container_run_hooked (const struct galley_paths *paths, const struct run_spec *spec,
                      const struct container_hooks *hooks, galley_error_t *err)
{
  struct seccomp_program prog = { 0 };
  const struct seccomp_program *filter = NULL;
  int sv[2] = { -1, -1 }, min_fd = 3 + spec->preserve_fds, ret = -1;
  struct relay r = { .pid = -1, .sigfd = -1, .term = { .master = -1, .stdin_open = true } };
  struct init_args a = { .spec = spec };
  struct network_handle net = NETWORK_HANDLE_INIT;
  struct fuse_daemon fuse = FUSE_DAEMON_INIT;
  sigset_t saved;

  sigprocmask (SIG_SETMASK, NULL, &saved);
  if (load_seccomp (paths, spec, &prog, &filter, err) < 0)
    return -1;
  if (socketpair (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
    {
      galley_error_make (err, errno, "socketpair");
      goto out;
    }
  sv[0] = move_above (sv[0], min_fd);
  sv[1] = move_above (sv[1], min_fd);
  if (block_signals (&saved, &r.sigfd, err) < 0)
    goto out;
  r.sigfd = move_above (r.sigfd, min_fd);
  a.channel = sv[1];
  a.seccomp = filter;
  a.saved_mask = saved;
  fflush (stdout);
  fflush (stderr);
  /* --network container:X and named networks join existing namespaces.  */
  r.pid = network_clone_init (&spec->net, clone_flags (spec), &net, err);
  if (r.pid < 0)
    goto out;
  if (r.pid == 0)
    {
      close (sv[0]);
      close (r.sigfd);
      container_init_main (&a);
    }
  close (sv[1]);
  sv[1] = -1;
  /* slirp4netns joins the init's namespaces once its maps are written, and
   * the network is up before the init goes on.  */
  if ((! network_joins_userns (&net) && userns_write_maps (r.pid, &spec->map, err) < 0)
      || (spec->rootfs_method == ROOTFS_METHOD_FUSE && fuse_daemon_start (spec, r.pid, &fuse, err) < 0)
      || network_attach (&spec->net, r.pid, spec->state_dir, &net, err) < 0
      || cgroup_apply (&spec->limits, spec->id, r.pid, err) < 0 || send (sv[0], "G", 1, MSG_NOSIGNAL) != 1)
    {
      if (*err == NULL)
        galley_error_make (err, errno, "starting the container init");
      kill (r.pid, SIGKILL);
      wait_init (r.pid, &r.status);
      goto out;
    }
  if (await_start (sv[0], &r.term.master, err) < 0)
    {
      wait_init (r.pid, &r.status);
      goto out;
    }
  close (sv[0]);
  sv[0] = -1;
  volume_mounts_copied_up (paths, spec);
  if (hooks != NULL && hooks->started != NULL && hooks->started (hooks->arg, r.pid, err) < 0)
    {
      kill (r.pid, SIGKILL);
      wait_init (r.pid, &r.status);
      goto out;
    }
  if (hooks != NULL && hooks->wait != NULL)
    {
      struct container_wait w = { r.pid, r.sigfd, r.term.master, 0 };
      int waited = hooks->wait (hooks->arg, &w, err);
      r.status = w.status;
      if (waited < 0)
        {
          kill (r.pid, SIGKILL);
          wait_init (r.pid, &r.status);
          goto out;
        }
      ret = run_exit_status (r.status);
      goto out;
    }
  r.interactive = spec->interactive;
  if (r.term.master >= 0)
    {
      terminal_sync_size (&r.term);
      if (spec->interactive)
        terminal_make_raw (&r.term);
    }
  /* The init may have exited before the loop looked.  */
  if (waitpid (r.pid, &r.status, WNOHANG) == r.pid)
    r.exited = true;
  if (relay_loop (&r, err) < 0)
    {
      kill (r.pid, SIGKILL);
      wait_init (r.pid, &r.status);
      goto out;
    }
  ret = run_exit_status (r.status);
out:
  terminal_restore (&r.term);
  if (r.term.master >= 0)
    close (r.term.master);
  if (r.sigfd >= 0)
    close (r.sigfd);
  if (sv[0] >= 0)
    close (sv[0]);
  if (sv[1] >= 0)
    close (sv[1]);
  fuse_daemon_stop (&fuse);
  network_teardown (&net, hooks != NULL && hooks->caller_exits);
  sigprocmask (SIG_SETMASK, &saved, NULL);
  seccomp_program_clear (&prog);
  return ret;
}
