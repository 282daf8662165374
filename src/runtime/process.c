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

#include "ns/userns.h"
#include "runtime/cgroup.h"
#include "runtime/hooks_spec.h"
#include "runtime/init.h"
#include "runtime/log_relay.h"
#include "runtime/network.h"
#include "runtime/rootfs_fuse.h"
#include "runtime/rootfs_squash.h"
#include "runtime/seccomp_cache.h"
#include "runtime/terminal.h"
#include "runtime/unmapped_ids.h"
#include "runtime/volume_mounts.h"
#include "state/container_log.h"
#include "util/cleanup.h"
#include "util/fs.h"

static const int relayed_signals[] = { SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH };

static int
clone_flags (const struct run_spec *spec)
{
  int flags = CLONE_NEWNS | ns_clone_flags (&spec->ns);

  if (spec->map.source != IDMAP_SOURCE_ROOT)
    flags |= CLONE_NEWUSER;
  if (spec->network == NETWORK_NONE)
    flags |= CLONE_NEWNET;
  return flags;
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

/* Until the init executes the command: its pty master, the supervisor
 * of its unmapped id changes (started at once: the init may wait on it
 * before it executes), its call for the hooks of the runtime namespace
 * (runtime/hooks.h) once its mounts are made, or its error.  Returns 0
 * when the command runs, -1 with *err otherwise.  */
static int
await_start (const struct run_spec *spec, int channel, pid_t pid, int *master, pid_t *supervisor,
             galley_error_t *err)
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
      if (byte == 'H')
        {
          if (hooks_run (spec, HOOK_PRESTART, pid, err) < 0
              || hooks_run (spec, HOOK_CREATE_RUNTIME, pid, err) < 0)
            return -1;
          if (send (channel, "G", 1, MSG_NOSIGNAL) != 1)
            return galley_error_make (err, errno, "resuming the container init");
          continue;
        }
      c = CMSG_FIRSTHDR (&msg);
      if (c == NULL || c->cmsg_type != SCM_RIGHTS)
        continue;
      if (byte == 'T')
        memcpy (master, CMSG_DATA (c), sizeof (int));
      if (byte == 'S')
        {
          int listener;
          memcpy (&listener, CMSG_DATA (c), sizeof (int));
          *supervisor = unmapped_ids_supervise (listener, &spec->map, err);
          if (*supervisor < 0)
            return -1;
        }
    }
}

/* keep-id on a named network: the init's maps are written by a process
 * in the keeper's user namespace, which can open the init's /proc files
 * only once the init is dumpable again, having closed what it inherited
 * (runtime/enter.h): it says 'R' then.  */
static int
await_init_dumpable (int channel, galley_error_t *err)
{
  char byte = 0;
  ssize_t r;

  do
    r = recv (channel, &byte, 1, 0);
  while (r < 0 && errno == EINTR);
  if (r == 1 && byte == 'R')
    return 0;
  if (r == 1 && byte == 'E' && userns_receive_error (channel, err) == 1)
    return -1;
  return galley_error_make (err, r < 0 ? errno : 0, "the container init failed to start");
}

struct relay
{
  pid_t pid;
  int sigfd;
  struct terminal term;
  bool interactive;
  int status;
  bool exited;
  /* The container's terminal, or its stdout and stderr pipes when they
   * are logged (else it writes to our 1 and 2 itself): logged and copied
   * to our 1 and 2.  */
  struct log_relay *out;
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

static int
relay_loop (struct relay *r, galley_error_t *err)
{
  while (! r->exited)
    {
      struct pollfd p[2 + LOG_RELAY_MAX_FDS];
      bool input = r->term.master >= 0 && r->interactive && r->term.stdin_open;
      size_t n = 2 + log_relay_poll_fds (r->out, p + 2);

      p[0] = (struct pollfd){ r->sigfd, POLLIN, 0 };
      p[1] = (struct pollfd){ input ? 0 : -1, POLLIN, 0 };
      if (poll (p, n, -1) < 0)
        {
          if (errno == EINTR)
            continue;
          return galley_error_make (err, errno, "poll");
        }
      if (p[0].revents)
        handle_signal (r);
      log_relay_dispatch (r->out, p + 2, n - 2);
      if (r->term.master >= 0 && ! log_relay_streams_open (r->out))
        {
          /* hangup: the session is gone, the exit follows */
          close (r->term.master);
          r->term.master = -1;
        }
      if (r->term.master >= 0 && (p[1].revents & (POLLIN | POLLHUP | POLLERR)))
        if (terminal_copy (0, r->term.master) <= 0)
          {
            /* EOF on stdin: pass ^D as a terminal would.  */
            if (write (r->term.master, "\x04", 1) < 0)
              {
              }
            r->term.stdin_open = false;
          }
    }
  /* the container's processes are gone: what they wrote is in the pipes */
  log_relay_drain (r->out);
  return 0;
}

/* The parent's copies of the output pipes' write ends, once the init has
 * its own.  */
static void
close_output_ends (struct init_args *a)
{
  if (a->out_fd >= 0)
    close (a->out_fd);
  if (a->err_fd >= 0)
    close (a->err_fd);
  a->out_fd = a->err_fd = -1;
}

/* The output of a run in the foreground (struct relay.out): with a log,
 * and without -t, the command's stdout and stderr are pipes (their write
 * ends in a->out_fd and a->err_fd, for the init).  */
static int
output_init (const struct run_spec *spec, const struct container_log_config *log, int min_fd,
             struct init_args *a, struct log_relay *out, galley_error_t *err)
{
  struct log_relay_options o = { .out_fd = -1,
                                 .err_fd = -1,
                                 .log_fd = -1,
                                 .listen_fd = -1,
                                 .stdin_fd = -1,
                                 .min_fd = min_fd,
                                 .forward = true };
  _cleanup_close_ int log_fd = -1;
  int outp[2] = { -1, -1 }, errp[2] = { -1, -1 };

  a->out_fd = a->err_fd = -1;
  if (log != NULL && log->path != NULL)
    {
      log_fd = container_log_open (log->path, err);
      if (log_fd < 0)
        return -1;
      if (! spec->tty && (pipe2 (outp, O_CLOEXEC) < 0 || pipe2 (errp, O_CLOEXEC) < 0))
        {
          int e = errno;
          if (outp[0] >= 0)
            {
              close (outp[0]);
              close (outp[1]);
            }
          return galley_error_make (err, e, "creating the output pipes");
        }
      o.log_fd = fs_fd_above (steal_fd (&log_fd), min_fd);
      o.log_path = log->path;
      o.max_size = log->max_size;
      o.out_fd = fs_fd_above (outp[0], min_fd);
      o.err_fd = fs_fd_above (errp[0], min_fd);
      a->out_fd = fs_fd_above (outp[1], min_fd);
      a->err_fd = fs_fd_above (errp[1], min_fd);
    }
  log_relay_init (out, &o);
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

void
container_relayed_signals (sigset_t *set)
{
  size_t i;

  sigemptyset (set);
  for (i = 0; i < sizeof relayed_signals / sizeof relayed_signals[0]; i++)
    sigaddset (set, relayed_signals[i]);
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
  /* static: the relay's buffers cost only the pages they use */
  static struct log_relay out;
  struct seccomp_program prog = { 0 };
  const struct seccomp_program *filter = NULL;
  int sv[2] = { -1, -1 }, min_fd = 3 + spec->preserve_fds, ret = -1;
  struct relay r = { .pid = -1, .sigfd = -1, .term = { .master = -1, .stdin_open = true }, .out = &out };
  struct init_args a = { .spec = spec };
  struct network_handle net = NETWORK_HANDLE_INIT;
  struct fuse_daemon fuse = FUSE_DAEMON_INIT, squash = FUSE_DAEMON_INIT;
  struct sigaction ignore = { .sa_handler = SIG_IGN }, sigpipe;
  sigset_t saved;
  pid_t supervisor = -1;

  sigprocmask (SIG_SETMASK, NULL, &saved);
  sigaction (SIGPIPE, NULL, &sigpipe);
  if (output_init (spec, hooks != NULL && hooks->wait == NULL ? hooks->log : NULL, min_fd, &a, &out, err) < 0)
    return -1;
  if (load_seccomp (paths, spec, &prog, &filter, err) < 0
      || (! hook_set_empty (&spec->hooks) && hooks_write_bundle_config (spec, err) < 0))
    goto out;
  if (socketpair (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
    {
      galley_error_make (err, errno, "socketpair");
      goto out;
    }
  /* internal fds above the preserved ones, so that neither side clobbers them */
  sv[0] = fs_fd_above (sv[0], min_fd);
  sv[1] = fs_fd_above (sv[1], min_fd);
  if (block_signals (&saved, &r.sigfd, err) < 0)
    goto out;
  r.sigfd = fs_fd_above (r.sigfd, min_fd);
  a.channel = sv[1];
  a.seccomp = filter;
  /* The container gets the relayed signals unblocked, also from a caller
   * that holds them back until it has cleaned up (run_execute).  */
  a.saved_mask = saved;
  for (size_t i = 0; i < sizeof relayed_signals / sizeof relayed_signals[0]; i++)
    sigdelset (&a.saved_mask, relayed_signals[i]);
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
  close_output_ends (&a);
  /* slirp4netns joins the init's namespaces once its maps are written, and
   * the network is up before the init goes on.  */
  if ((! network_joins_userns (&net) && userns_write_maps (r.pid, &spec->map, err) < 0)
      || (spec->net.nested_userns
          && (await_init_dumpable (sv[0], err) < 0 || network_write_nested_maps (&net, r.pid, err) < 0))
      || (spec->squash_file != NULL && squash_daemon_start (spec, r.pid, &squash, err) < 0)
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
  if (await_start (spec, sv[0], r.pid, &r.term.master, &supervisor, err) < 0)
    {
      /* It failed (and exits), or waits on hooks that failed.  */
      kill (r.pid, SIGKILL);
      wait_init (r.pid, &r.status);
      goto out;
    }
  close (sv[0]);
  sv[0] = -1;
  if (spec->hooks.n[HOOK_POSTSTART] > 0)
    hooks_run_warn (spec, HOOK_POSTSTART, r.pid);
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
      log_relay_attach_stream (&out, 0, r.term.master);
      terminal_sync_size (&r.term);
      if (spec->interactive)
        terminal_make_raw (&r.term);
    }
  /* Writing to a closed stdout of ours ends the relay of that stream
   * (log_relay.h), not this process (the container's processes have
   * their own disposition).  */
  sigaction (SIGPIPE, &ignore, NULL);
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
  log_relay_end (&out);
  close_output_ends (&a);
  sigaction (SIGPIPE, &sigpipe, NULL);
  terminal_restore (&r.term);
  if (r.term.master >= 0)
    close (r.term.master);
  if (r.sigfd >= 0)
    close (r.sigfd);
  if (sv[0] >= 0)
    close (sv[0]);
  if (sv[1] >= 0)
    close (sv[1]);
  unmapped_ids_stop (supervisor);
  fuse_daemon_stop (&fuse);
  fuse_daemon_stop (&squash);
  network_teardown (&net, hooks != NULL && hooks->caller_exits);
  sigprocmask (SIG_SETMASK, &saved, NULL);
  seccomp_program_clear (&prog);
  /* The container is gone (its init was reaped on every path here).  */
  if (r.pid > 0 && spec->hooks.n[HOOK_POSTSTOP] > 0)
    hooks_run_warn (spec, HOOK_POSTSTOP, 0);
  return ret;
}
