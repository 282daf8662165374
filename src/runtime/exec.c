/* Processes started in running containers (see exec.h).  */
#include "config.h"
#include "runtime/exec.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/close_range.h>
#include <linux/openat2.h>

#include "ns/userns.h"
#include "runtime/caps.h"
#include "runtime/enter.h"
#include "runtime/mounts.h"
#include "runtime/passwd.h"
#include "runtime/seccomp_cache.h"
#include "runtime/terminal.h"
#include "util/cleanup.h"
#include "util/sanitizer.h"

static int
join_namespaces (const struct run_spec *spec, const struct container_state *st, galley_error_t *err)
{
  _cleanup_close_ int pidfd = container_state_pidfd (st, err);
  int flags = CLONE_NEWNS | ns_clone_flags (&spec->ns);

  if (pidfd < 0)
    return -1;
  if (spec->map.source != IDMAP_SOURCE_ROOT)
    flags |= CLONE_NEWUSER;
  if (spec->network != NETWORK_HOST)
    flags |= CLONE_NEWNET;
  sanitizer_leak_check_now ();
  /* all at once, user namespace first (the kernel's order for pidfds) */
  if (setns (pidfd, flags) < 0)
    return galley_error_make (err, errno, "joining the container's namespaces");
  return 0;
}

static int
switch_user (const struct run_spec *spec, const struct passwd_user *pu, galley_error_t *err)
{
  if (ns_may_setgroups (&spec->ns, &spec->map) && setgroups (pu->n_groups, pu->groups) < 0)
    return galley_error_make (err, errno, "setgroups");
  if (setresgid (pu->gid, pu->gid, pu->gid) < 0)
    return galley_error_make (err, errno, "setgid %u", (unsigned)pu->gid);
  if (setresuid (pu->uid, pu->uid, pu->uid) < 0)
    return galley_error_make (err, errno, "setuid %u", (unsigned)pu->uid);
  return 0;
}

/* execve along the container's PATH: 127 not found, 126 cannot invoke.  */
static void
exec_in_path (char *const *argv, char *const *envp, const char *path, galley_error_t *err)
{
  int saw_eacces = 0;

  if (strchr (argv[0], '/') != NULL)
    {
      execve (argv[0], argv, envp);
      galley_error_make_exit (
          err, errno == ENOENT || errno == ENOTDIR ? GALLEY_EXIT_NOT_FOUND : GALLEY_EXIT_CANNOT_INVOKE, errno,
          "%s", argv[0]);
      return;
    }
  while (path != NULL && *path != '\0')
    {
      size_t n = strcspn (path, ":");
      char full[4096];
      if (snprintf (full, sizeof full, "%.*s%s%s", (int)n, path, n ? "/" : "", argv[0]) < (int)sizeof full)
        {
          execve (full, argv, envp);
          saw_eacces = saw_eacces || errno == EACCES;
        }
      path += n;
      if (*path == ':')
        path++;
    }
  if (saw_eacces)
    galley_error_make_exit (err, GALLEY_EXIT_CANNOT_INVOKE, EACCES, "%s", argv[0]);
  else
    galley_error_make_exit (err, GALLEY_EXIT_NOT_FOUND, 0,
                            "%s: executable file not found in $PATH: No such file "
                            "or directory",
                            argv[0]);
}

struct child_args
{
  const struct run_spec *spec;
  const struct exec_options *o;
  const struct seccomp_program *seccomp;
  int slave;   /* -t: the pty slave, else -1 */
  int null;    /* the host's /dev/null */
  int channel; /* errors back to the caller */
  sigset_t mask;
};

static int
child_steps (const struct child_args *a, galley_error_t *err)
{
  const struct run_spec *spec = a->spec;
  _cleanup_close_ int root = open ("/", O_PATH | O_DIRECTORY | O_CLOEXEC), wd = -1;
  struct passwd_user pu = { 0 };
  struct env_list env = { 0 };
  const char *workdir = a->o->workdir ? a->o->workdir : spec->workdir ? spec->workdir : "/";
  const char *user = a->o->user ? a->o->user : spec->user;
  size_t i;

  if (root < 0)
    return galley_error_make (err, errno, "opening /");
  if (passwd_resolve_user (root, user, &pu, err) < 0
      || passwd_add_groups (root, spec->ns.group_add, &pu, err) < 0
      || env_build ((const char *const *)spec->image_env, &spec->user_env, spec->hostname, pu.home, &env, err)
             < 0)
    return -1;
  for (i = 0; a->o->env != NULL && i < a->o->env->n; i++)
    {
      const char *e = a->o->env->entries[i], *eq = strchr (e, '=');
      _cleanup_free_ char *name = eq ? strndup (e, (size_t)(eq - e)) : NULL;
      if (name == NULL || env_set (&env, name, eq + 1, err) < 0)
        return -1;
    }
  if (setsid () < 0)
    return galley_error_make (err, errno, "setsid");
  if (a->slave >= 0)
    {
      if (ioctl (a->slave, TIOCSCTTY, 0) < 0 || dup2 (a->slave, 0) < 0 || dup2 (a->slave, 1) < 0
          || dup2 (a->slave, 2) < 0)
        return galley_error_make (err, errno, "setting up the terminal");
    }
  else if (a->o->detach)
    {
      /* nothing of the caller's: it must not wait for the process */
      if (dup2 (a->null, 0) < 0 || dup2 (a->null, 1) < 0 || dup2 (a->null, 2) < 0)
        return galley_error_make (err, errno, "redirecting to /dev/null");
    }
  else if (! a->o->interactive && dup2 (a->null, 0) < 0)
    return galley_error_make (err, errno, "redirecting stdin to /dev/null");
  /* the workdir resolved inside the container's root (no escape) */
  wd = mounts_open_in_root (root, workdir, O_PATH | O_DIRECTORY, RESOLVE_NO_MAGICLINKS);
  if (wd < 0 || fchdir (wd) < 0)
    return galley_error_make (err, errno, "workdir %s", workdir);
  if (caps_apply_before_setuid (&spec->caps, err) < 0)
    return -1;
  if (a->seccomp != NULL && ! spec->no_new_privs && seccomp_program_install (a->seccomp, err) < 0)
    return -1;
  if (switch_user (spec, &pu, err) < 0 || caps_apply_after_setuid (&spec->caps, err) < 0)
    return -1;
  if (spec->no_new_privs && prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
    return galley_error_make (err, errno, "setting no_new_privs");
  if (a->seccomp != NULL && spec->no_new_privs && seccomp_program_install (a->seccomp, err) < 0)
    return -1;
  /* nothing of galley reaches the process but the channel (CLOEXEC) */
  syscall (SYS_close_range, 3, ~0U, CLOSE_RANGE_CLOEXEC);
  sigprocmask (SIG_SETMASK, &a->mask, NULL);
  exec_in_path (a->o->argv, env.entries, env_get (&env, "PATH"), err);
  return -1;
}

static int
open_pty (int *master, int *slave, galley_error_t *err)
{
  int unlock = 0;

  *master = open ("/dev/pts/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (*master < 0)
    *master = open ("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (*master < 0)
    return galley_error_make (err, errno, "opening the container's /dev/pts/ptmx");
  if (ioctl (*master, TIOCSPTLCK, &unlock) < 0)
    return galley_error_make (err, errno, "unlocking the pty");
  *slave = ioctl (*master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (*slave < 0)
    return galley_error_make (err, errno, "opening the pty");
  return 0;
}

/* Relay signals and the pty until the child exits.  */
static int
relay (pid_t child, int sigfd, struct terminal *term, bool interactive)
{
  int status = 0;

  for (;;)
    {
      struct pollfd p[3] = { { sigfd, POLLIN, 0 },
                             { term->master, POLLIN, 0 },
                             { interactive && term->stdin_open && term->master >= 0 ? 0 : -1, POLLIN, 0 } };
      struct signalfd_siginfo si;

      if (waitpid (child, &status, WNOHANG) == child)
        break;
      if (poll (p, 3, -1) < 0 && errno != EINTR)
        break;
      while (read (sigfd, &si, sizeof si) == sizeof si)
        if ((int)si.ssi_signo == SIGWINCH && term->master >= 0)
          terminal_sync_size (term);
        else if ((int)si.ssi_signo != SIGCHLD)
          kill (child, (int)si.ssi_signo);
      if (term->master >= 0 && (p[1].revents & (POLLIN | POLLHUP | POLLERR))
          && terminal_copy (term->master, 1) <= 0)
        {
          close (term->master);
          term->master = -1;
        }
      if (p[2].fd >= 0 && (p[2].revents & (POLLIN | POLLHUP | POLLERR))
          && terminal_copy (0, term->master) <= 0)
        {
          if (write (term->master, "\x04", 1) < 0)
            {
            }
          term->stdin_open = false;
        }
    }
  if (term->master >= 0)
    {
      fcntl (term->master, F_SETFL, fcntl (term->master, F_GETFL) | O_NONBLOCK);
      while (terminal_copy (term->master, 1) > 0)
        ;
    }
  return run_exit_status (status);
}

int
container_exec (const struct galley_paths *p, const struct run_spec *spec, const struct container_state *st,
                const struct exec_options *o, galley_error_t *err)
{
  static const int relayed[] = { SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH, SIGCHLD };
  struct seccomp_program prog = { 0 };
  struct terminal term = { .master = -1, .stdin_open = true };
  struct child_args a = { .spec = spec, .o = o, .slave = -1 };
  _cleanup_close_ int sigfd = -1, null = -1;
  int sv[2], ret = -1;
  sigset_t set;
  pid_t child;
  size_t i;

  if (! spec->privileged && ! (spec->seccomp_profile && strcmp (spec->seccomp_profile, "unconfined") == 0))
    {
      if (seccomp_program_get (p, spec->seccomp_profile, spec->caps.bounding, &prog, err) < 0)
        return -1;
      a.seccomp = &prog;
    }
  null = open ("/dev/null", O_RDWR | O_CLOEXEC);
  if (null < 0)
    {
      galley_error_make (err, errno, "opening /dev/null");
      goto out;
    }
  a.null = null;
  if (enter_prepare (3, &null, 1, 0, err) < 0 || join_namespaces (spec, st, err) < 0)
    goto out;
  /* Root there when the container has a root: keep-id without subordinate
   * ids maps only the user, who then stays who they are.  */
  if (spec->map.source != IDMAP_SOURCE_ROOT && idmap_to_host (spec->map.uid, spec->map.n_uid, 0) >= 0
      && idmap_to_host (spec->map.gid, spec->map.n_gid, 0) >= 0
      && (setresgid (0, 0, 0) < 0 || setresuid (0, 0, 0) < 0))
    {
      galley_error_make (err, errno, "becoming root in the container's user namespace");
      goto out;
    }
  if (o->tty && open_pty (&term.master, &a.slave, err) < 0)
    goto out;
  if (socketpair (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
    {
      galley_error_make (err, errno, "socketpair");
      goto out;
    }
  sigemptyset (&set);
  for (i = 0; i < sizeof relayed / sizeof relayed[0]; i++)
    sigaddset (&set, relayed[i]);
  sigprocmask (SIG_BLOCK, &set, &a.mask);
  sigfd = signalfd (-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
  fflush (stdout);
  fflush (stderr);
  /* a child: the first process that enters the container's pid namespace */
  child = fork ();
  if (child < 0)
    {
      galley_error_make (err, errno, "fork");
      goto out;
    }
  if (child == 0)
    {
      galley_error_t cerr = NULL;
      close (sv[0]);
      a.channel = sv[1];
      if (o->detach && fork () != 0)
        _exit (0);
      child_steps (&a, &cerr);
      if (write (sv[1], "E", 1) == 1)
        userns_send_error (sv[1], &cerr);
      _exit (cerr ? cerr->exit_code : GALLEY_EXIT_FAILURE);
    }
  close (sv[1]);
  if (a.slave >= 0)
    close (a.slave);
  {
    char byte;
    ssize_t r;
    do
      r = read (sv[0], &byte, 1);
    while (r < 0 && errno == EINTR);
    if (r == 1 && byte == 'E')
      {
        int status;
        if (userns_receive_error (sv[0], err) != 1)
          galley_error_make (err, 0, "executing %s in the container failed", o->argv[0]);
        close (sv[0]);
        waitpid (child, &status, 0);
        goto out;
      }
    close (sv[0]);
  }
  if (o->detach)
    {
      int status;
      waitpid (child, &status, 0);
      ret = 0;
      goto out;
    }
  if (term.master >= 0)
    {
      terminal_sync_size (&term);
      if (o->interactive)
        terminal_make_raw (&term);
    }
  ret = relay (child, sigfd, &term, o->interactive);
out:
  terminal_restore (&term);
  if (term.master >= 0)
    close (term.master);
  seccomp_program_clear (&prog);
  return ret;
}
