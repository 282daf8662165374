/* The container init (see init.h).  The order of the steps is the security
 * argument: everything the image controls is resolved inside the rootfs;
 * no fd of the host survives into the container; the process stays
 * non-dumpable (so /proc/PID/exe of galley is unreachable, CVE-2019-5736)
 * until it executes the container's command; seccomp comes last.  */
#include "config.h"
#include "runtime/init.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <linux/close_range.h>
#include <linux/openat2.h>
#include <linux/securebits.h>

#include "ns/userns.h"
#include "runtime/caps.h"
#include "runtime/devices.h"
#include "runtime/enter.h"
#include "runtime/init_channel.h"
#include "runtime/envfile.h"
#include "runtime/hooks_spec.h"
#include "runtime/masks.h"
#include "runtime/mounts.h"
#include "runtime/passwd.h"
#include "runtime/passwd_add.h"
#include "runtime/reaper.h"
#include "runtime/rootfs.h"
#include "runtime/seccomp_cache.h"
#include "runtime/unmapped_ids.h"
#include "state/ulimit.h"
#include "util/cleanup.h"
#include "util/log.h"

static int
loopback_up (galley_error_t *err)
{
  _cleanup_close_ int s = socket (AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  struct ifreq ifr = { 0 };

  if (s < 0)
    return galley_error_make (err, errno, "creating a socket");
  strcpy (ifr.ifr_name, "lo");
  if (ioctl (s, SIOCGIFFLAGS, &ifr) < 0)
    return galley_error_make (err, errno, "reading the flags of lo");
  ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
  if (ioctl (s, SIOCSIFFLAGS, &ifr) < 0)
    return galley_error_make (err, errno, "bringing lo up");
  return 0;
}

static int
pivot_into (int rootfd, galley_error_t *err)
{
  /* pivot_root(".", ".") stacks the old root on the new one; detaching it
   * leaves only the container's tree (runc's trick, no temporary dir).  */
  if (fchdir (rootfd) < 0)
    return galley_error_make (err, errno, "entering the rootfs");
  if (syscall (SYS_pivot_root, ".", ".") < 0)
    return galley_error_make (err, errno, "pivot_root");
  if (umount2 (".", MNT_DETACH) < 0)
    return galley_error_make (err, errno, "detaching the old root");
  if (chdir ("/") < 0)
    return galley_error_make (err, errno, "chdir /");
  return 0;
}

/* With -t: a pty from the container's own devpts; the master goes to the
 * monitor, the slave becomes the controlling terminal.  */
static int
setup_pty (int rootfd, int channel, int *slave_out, galley_error_t *err)
{
  _cleanup_close_ int master = -1;
  int unlock = 0, slave;

  master = mounts_open_in_root (rootfd, "/dev/pts/ptmx", O_RDWR | O_NOCTTY, RESOLVE_NO_SYMLINKS);
  if (master < 0)
    return galley_error_make (err, errno, "opening /dev/pts/ptmx");
  if (ioctl (master, TIOCSPTLCK, &unlock) < 0)
    return galley_error_make (err, errno, "unlocking the pty");
  slave = ioctl (master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (slave < 0)
    return galley_error_make (err, errno, "opening the pty");
  if (init_channel_send_fd (channel, 'T', master) < 0)
    {
      close (slave);
      return galley_error_make (err, errno, "sending the pty to the monitor");
    }
  *slave_out = slave;
  return 0;
}

static int
setup_stdio (const struct init_args *a, int slave, const struct passwd_user *pu, galley_error_t *err)
{
  const struct run_spec *spec = a->spec;

  if (setsid () < 0)
    return galley_error_make (err, errno, "setsid");
  if (slave >= 0)
    {
      if (fchown (slave, pu->uid, pu->gid) < 0 && errno != EINVAL)
        return galley_error_make (err, errno, "chown of the pty");
      if (ioctl (slave, TIOCSCTTY, 0) < 0)
        return galley_error_make (err, errno, "setting the controlling terminal");
      if (dup2 (slave, 0) < 0 || dup2 (slave, 1) < 0 || dup2 (slave, 2) < 0)
        return galley_error_make (err, errno, "dup2 of the pty");
      close (slave);
      return 0;
    }
  if (! spec->interactive)
    {
      int null = open ("/dev/null", O_RDONLY | O_CLOEXEC);
      if (null < 0 || dup2 (null, 0) < 0)
        return galley_error_make (err, errno, "opening /dev/null as stdin");
      close (null);
    }
  if ((a->out_fd >= 0 && dup2 (a->out_fd, 1) < 0) || (a->err_fd >= 0 && dup2 (a->err_fd, 2) < 0))
    return galley_error_make (err, errno, "dup2 of the output pipes");
  return 0;
}

/* Only 0-2, the preserved fds and the channel survive; nothing of the host
 * can then be reached through /proc/self/fd (CVE-2024-21626).  */
static int
close_host_fds (const struct run_spec *spec, int *channel, galley_error_t *err)
{
  unsigned first = 3 + (unsigned)spec->preserve_fds;
  int i, ch = *channel;

  if ((unsigned)ch < first)
    {
      ch = fcntl (*channel, F_DUPFD_CLOEXEC, (int)first);
      if (ch < 0)
        return galley_error_make (err, errno, "moving the channel");
    }
  if (ch > (int)first && syscall (SYS_close_range, first, (unsigned)ch - 1, 0) < 0)
    return galley_error_make (err, errno, "close_range");
  if (syscall (SYS_close_range, (unsigned)ch + 1, ~0U, 0) < 0)
    return galley_error_make (err, errno, "close_range");
  *channel = ch;
  for (i = 3; i < (int)first; i++)
    {
      int flags = fcntl (i, F_GETFD);
      if (flags >= 0)
        fcntl (i, F_SETFD, flags & ~FD_CLOEXEC);
    }
  return 0;
}

static int
enter_workdir (const struct run_spec *spec, galley_error_t *err)
{
  _cleanup_close_ int root = open ("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  _cleanup_close_ int fd = -1;
  const char *wd = spec->workdir ? spec->workdir : "/";

  if (root < 0)
    return galley_error_make (err, errno, "opening /");
  fd = mounts_open_in_root (root, wd, O_PATH | O_DIRECTORY, RESOLVE_NO_MAGICLINKS);
  if (fd < 0 && errno == ENOENT)
    fd = mounts_resolve_target (root, wd, true, err);
  else if (fd < 0)
    return galley_error_make (err, errno, "workdir %s", wd);
  if (fd < 0)
    return galley_error_wrap (err, "workdir %s", wd);
  if (fchdir (fd) < 0)
    return galley_error_make (err, errno, "workdir %s", wd);
  return 0;
}

/* With a single-id map only one uid and gid exist in the namespace: an
 * image's USER (or -u) that is not mapped runs as the mapped id instead —
 * still without capabilities, as a non-root user would be — so that every
 * image runs, with a warning saying why.  */
static bool
fit_single_id_map (const struct run_spec *spec, struct passwd_user *pu)
{
  const struct idmap *m = &spec->map;
  bool as_root = false;

  if (m->source == IDMAP_SOURCE_ROOT || m->n_uid > 1)
    return false;
  if (idmap_to_host (m->uid, m->n_uid, pu->uid) < 0)
    {
      as_root = m->uid[0].container_id == 0;
      log_warn ("the user has no subordinate ids (/etc/subuid): running as uid %u instead of %u",
                (unsigned)m->uid[0].container_id, (unsigned)pu->uid);
      pu->uid = m->uid[0].container_id;
    }
  if (idmap_to_host (m->gid, m->n_gid, pu->gid) < 0)
    pu->gid = m->gid[0].container_id;
  pu->n_groups = 0;
  return as_root;
}

/* The groups CDI devices ask for, besides the user's own; not with a
 * single-id map, where no other group exists.  */
static int
add_extra_groups (const struct run_spec *spec, struct passwd_user *pu, galley_error_t *err)
{
  gid_t *groups;
  size_t i, j;

  if (spec->n_extra_gids == 0)
    return 0;
  if (spec->map.source != IDMAP_SOURCE_ROOT && spec->map.n_gid <= 1)
    {
      log_warn ("the user has no subordinate ids (/etc/subgid): the groups of the CDI devices are left out");
      return 0;
    }
  groups = realloc (pu->groups, (pu->n_groups + spec->n_extra_gids) * sizeof *groups);
  if (groups == NULL)
    return galley_error_make (err, ENOMEM, "supplementary groups");
  pu->groups = groups;
  for (i = 0; i < spec->n_extra_gids; i++)
    {
      for (j = 0; j < pu->n_groups && groups[j] != spec->extra_gids[i]; j++)
        ;
      if (j == pu->n_groups)
        groups[pu->n_groups++] = spec->extra_gids[i];
    }
  return 0;
}

static int
switch_user (const struct run_spec *spec, const struct passwd_user *pu, galley_error_t *err)
{
  if (ns_may_setgroups (&spec->ns, &spec->map) && setgroups (pu->n_groups, pu->groups) < 0)
    return galley_error_make (err, errno, "setgroups");
  if (setresgid (pu->gid, pu->gid, pu->gid) < 0)
    return galley_error_make (err, errno, "setgid %u (is the gid mapped in the user namespace?)",
                              (unsigned)pu->gid);
  if (setresuid (pu->uid, pu->uid, pu->uid) < 0)
    return galley_error_make (err, errno, "setuid %u (is the uid mapped in the user namespace?)",
                              (unsigned)pu->uid);
  return 0;
}

/* The seccomp filters: the one of unmapped id changes when asked for,
 * then the container's.  */
static int
install_filters (const struct init_args *a, int channel, galley_error_t *err)
{
  if (a->spec->ignore_unmapped_ids && unmapped_ids_catch (&a->spec->map, channel, err) < 0)
    return -1;
  return a->seccomp != NULL ? seccomp_program_install (a->seccomp, err) : 0;
}

static int
drop_privileges (const struct init_args *a, int channel, const struct passwd_user *pu, bool noroot,
                 galley_error_t *err)
{
  const struct run_spec *spec = a->spec;

  /* Standing in for a non-root user as uid 0: no capabilities from
   * execve's root rules either.  */
  if (noroot && prctl (PR_SET_SECUREBITS, SECBIT_NOROOT | SECBIT_NOROOT_LOCKED) < 0)
    return galley_error_make (err, errno, "setting SECBIT_NOROOT");
  if (ulimit_apply (spec->ulimits, spec->n_ulimits, err) < 0
      || caps_apply_before_setuid (&spec->caps, err) < 0)
    return -1;
  if (! spec->no_new_privs && install_filters (a, channel, err) < 0)
    return -1;
  if (switch_user (spec, pu, err) < 0 || caps_apply_after_setuid (&spec->caps, err) < 0)
    return -1;
  /* Changing credentials cleared these.  */
  prctl (PR_SET_PDEATHSIG, SIGKILL);
  prctl (PR_SET_DUMPABLE, 0);
  if (spec->no_new_privs && prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
    return galley_error_make (err, errno, "setting no_new_privs");
  if (spec->no_new_privs && install_filters (a, channel, err) < 0)
    return -1;
  return 0;
}

/* execvpe with the container's PATH, telling "not found" (127) from "cannot
 * be invoked" (126).  Returns only on failure.  */
static int
exec_command (char *const *argv, char *const *envp, const char *path, galley_error_t *err)
{
  const char *cmd = argv[0];
  int saw_eacces = 0;

  if (strchr (cmd, '/') != NULL)
    {
      execve (cmd, argv, envp);
      if (errno == ENOENT || errno == ENOTDIR)
        return galley_error_make_exit (err, GALLEY_EXIT_NOT_FOUND, errno, "%s", cmd);
      return galley_error_make_exit (err, GALLEY_EXIT_CANNOT_INVOKE, errno, "%s", cmd);
    }
  while (path != NULL && *path != '\0')
    {
      size_t n = strcspn (path, ":");
      char full[4096];
      if (snprintf (full, sizeof full, "%.*s%s%s", (int)n, path, n ? "/" : "", cmd) < (int)sizeof full)
        {
          execve (full, argv, envp);
          if (errno == EACCES)
            saw_eacces = 1;
          else if (errno != ENOENT && errno != ENOTDIR)
            return galley_error_make_exit (err, GALLEY_EXIT_CANNOT_INVOKE, errno, "%s", full);
        }
      path += n;
      if (*path == ':')
        path++;
    }
  if (saw_eacces)
    return galley_error_make_exit (err, GALLEY_EXIT_CANNOT_INVOKE, EACCES, "%s", cmd);
  return galley_error_make_exit (err, GALLEY_EXIT_NOT_FOUND, 0,
                                 "%s: executable file not found in $PATH: No such file or "
                                 "directory",
                                 cmd);
}

/* Once the mounts are made, before the pivot: the hooks of the runtime
 * namespace, which the monitor runs while the init waits, then those of
 * createContainer, here, with the host's root still in view (their paths
 * are the host's).  */
static int
run_create_hooks (const struct init_args *a, galley_error_t *err)
{
  const struct run_spec *spec = a->spec;
  char go = 0;
  ssize_t r;

  if (spec->hooks.n[HOOK_PRESTART] + spec->hooks.n[HOOK_CREATE_RUNTIME] > 0)
    {
      if (send (a->channel, "H", 1, MSG_NOSIGNAL) != 1)
        return galley_error_make (err, errno, "asking the monitor to run the hooks");
      do
        r = recv (a->channel, &go, 1, 0);
      while (r < 0 && errno == EINTR);
      /* A hook failed: the monitor reports it and ends the init.  */
      if (r != 1 || go != 'G')
        _exit (GALLEY_EXIT_FAILURE);
    }
  if (spec->hooks.n[HOOK_CREATE_CONTAINER] > 0)
    return hooks_run (spec, HOOK_CREATE_CONTAINER, getpid (), err);
  return 0;
}

static int
prepare_rootfs (const struct init_args *a, int *slave, galley_error_t *err)
{
  const struct run_spec *spec = a->spec;
  _cleanup_close_ int rootfd = -1;

  if (mount (NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
    return galley_error_make (err, errno, "making / private");
  rootfd = rootfs_mount_in_init (spec, err);
  if (rootfd < 0)
    return -1;
  /* an infra container's: nothing in it, not even /proc */
  if (spec->rootfs_method == ROOTFS_METHOD_EMPTY)
    return pivot_into (rootfd, err);
  if (mounts_fill_volumes (rootfd, spec, err) < 0 || mounts_standard (rootfd, spec, err) < 0
      || devices_bind (rootfd, spec->devices, spec->n_devices, err) < 0 || mounts_user (rootfd, spec, err) < 0
      || masks_apply (rootfd, spec->privileged, err) < 0 || passwd_add_entries (rootfd, spec, err) < 0)
    return -1;
  if (spec->tty && setup_pty (rootfd, a->channel, slave, err) < 0)
    return -1;
  if (run_create_hooks (a, err) < 0)
    return -1;
  if (spec->read_only && mounts_root_readonly (rootfd, err) < 0)
    return -1;
  return pivot_into (rootfd, err);
}

/* A pod's infra container: root without a command, holding the
 * namespaces its pod shares until it is stopped.  */
static int
pause_steps (const struct init_args *a, int *channel, galley_error_t *err)
{
  struct passwd_user root = { 0 };

  if (setsid () < 0)
    return galley_error_make (err, errno, "setsid");
  if (close_host_fds (a->spec, channel, err) < 0 || drop_privileges (a, *channel, &root, false, err) < 0)
    return -1;
  /* The pod's containers join its namespaces through /proc/PID/ns, which
   * only a dumpable process opens to its user: an init that runs a command
   * is dumpable again after its execve, this one never calls it.  It holds
   * no host fd, and its pid namespace is its own unless the pod shares it.  */
  if (prctl (PR_SET_DUMPABLE, 1) < 0)
    return galley_error_make (err, errno, "setting the infra process dumpable");
  close (*channel);
  reaper_pause ();
}

static int
init_steps (const struct init_args *a, int *channel, galley_error_t *err)
{
  const struct run_spec *spec = a->spec;
  struct passwd_user pu = { 0 };
  struct env_list env = { 0 };
  _cleanup_close_ int newroot = -1;
  int slave = -1, ret = -1;
  bool noroot;
  pid_t child;

  if (spec->map.source != IDMAP_SOURCE_ROOT && userns_become_root (&spec->map, spec->ns.keep_groups, err) < 0)
    return -1;
  if (spec->hostname && ! spec->uts_joined && ! spec->ns.host_uts
      && sethostname (spec->hostname, strlen (spec->hostname)) < 0)
    return galley_error_make (err, errno, "sethostname");
  if (spec->network == NETWORK_NONE && loopback_up (err) < 0)
    return -1;
  if (prepare_rootfs (a, &slave, err) < 0)
    return -1;
  if (spec->rootfs_method == ROOTFS_METHOD_EMPTY)
    return pause_steps (a, channel, err);
  newroot = open ("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (newroot < 0)
    return galley_error_make (err, errno, "opening /");
  if (passwd_resolve_user (newroot, spec->user, &pu, err) < 0
      || passwd_add_groups (newroot, spec->ns.group_add, &pu, err) < 0)
    goto out;
  noroot = fit_single_id_map (spec, &pu);
  if (add_extra_groups (spec, &pu, err) < 0)
    goto out;
  if (env_build ((const char *const *)spec->image_env, &spec->user_env, spec->hostname, pu.home, &env, err)
      < 0)
    goto out;
  close (newroot);
  newroot = -1;
  if (setup_stdio (a, slave, &pu, err) < 0 || close_host_fds (spec, channel, err) < 0
      || enter_workdir (spec, err) < 0 || drop_privileges (a, *channel, &pu, noroot, err) < 0)
    goto out;
  if (sigprocmask (SIG_SETMASK, &a->saved_mask, NULL) < 0)
    {
      galley_error_make (err, errno, "restoring the signal mask");
      goto out;
    }
  if (spec->hooks.n[HOOK_START_CONTAINER] > 0 && hooks_run (spec, HOOK_START_CONTAINER, getpid (), err) < 0)
    goto out;
  if (spec->init)
    {
      /* Without a pid namespace of its own it is not pid 1: orphans come
       * to it only as a subreaper.  */
      if (spec->ns.host_pid && prctl (PR_SET_CHILD_SUBREAPER, 1) < 0)
        {
          galley_error_make (err, errno, "becoming a subreaper");
          goto out;
        }
      child = fork ();
      if (child < 0)
        {
          galley_error_make (err, errno, "forking the container's command");
          goto out;
        }
      if (child > 0)
        {
          close (*channel);
          reaper_run (child);
        }
    }
  exec_command (spec->argv, env.entries, env_get (&env, "PATH"), err);
out:
  passwd_user_clear (&pu);
  env_list_clear (&env);
  return ret;
}

_Noreturn void
container_init_main (const struct init_args *a)
{
  galley_error_t err = NULL;
  int channel = a->channel;
  const int keep[] = { channel, a->out_fd, a->err_fd };
  char go = 0;
  ssize_t r;

  prctl (PR_SET_PDEATHSIG, SIGKILL);
  /* Cloned into the container's namespaces with the monitor's environment
   * and fds: only stdio, the preserved fds, the channel and the output
   * pipes stay.  */
  if (enter_prepare (3 + a->spec->preserve_fds, keep, 3, ENTER_DUMPABLE, &err) < 0)
    {
      init_channel_send_error (channel, &err);
      _exit (err->exit_code);
    }
  /* Nested in the keeper's user namespace, our maps are written from there
   * by a process that can open our /proc files only now.  */
  if (a->spec->net.nested_userns && send (channel, "R", 1, MSG_NOSIGNAL) != 1)
    _exit (GALLEY_EXIT_FAILURE);
  do
    r = recv (channel, &go, 1, 0);
  while (r < 0 && errno == EINTR);
  if (r != 1 || go != 'G')
    _exit (GALLEY_EXIT_FAILURE);
  /* Only now: the monitor (unprivileged) had to open our /proc/PID/uid_map and gid_map,
   * which a non-dumpable process's owner cannot.  */
  prctl (PR_SET_DUMPABLE, 0);
  init_steps (a, &channel, &err);
  if (err == NULL)
    galley_error_make (&err, 0, "starting the container failed");
  init_channel_send_error (channel, &err);
  _exit (err->exit_code);
}
