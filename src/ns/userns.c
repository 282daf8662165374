/* Entering a user namespace with the user's id map (see userns.h).  */
#include "config.h"
#include "ns/userns.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <inttypes.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/fs.h"

pid_t
userns_clone (int flags)
{
  /* With a NULL stack the remaining arguments are all 0 on every
   * architecture's argument order, so this is portable fork-with-flags.  */
  return (pid_t)syscall (SYS_clone, (unsigned long)flags | SIGCHLD, 0, 0, 0, 0);
}

static int
write_proc_file (pid_t pid, const char *name, const char *text, galley_error_t *err)
{
  char path[64];
  _cleanup_close_ int fd = -1;
  size_t len = strlen (text);

  snprintf (path, sizeof path, "/proc/%d/%s", (int)pid, name);
  fd = open (path, O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return galley_error_make (err, errno, "opening %s", path);
  if (write (fd, text, len) != (ssize_t)len)
    return galley_error_make (err, errno, "writing \"%.*s\" to %s", (int)strcspn (text, "\n"), text, path);
  return 0;
}

/* newuidmap/newgidmap PID  container host size ...  */
struct map_tool
{
  const char *name;
  char *argv[2 + 3 * IDMAP_MAX_RANGES + 1];
  char numbers[1 + 3 * IDMAP_MAX_RANGES][12];
  pid_t pid;
};

/* Start tool for pid's namespace (posix_spawn: no copy of our page tables).  */
static int
map_tool_start (struct map_tool *t, const char *tool, pid_t pid, const struct idmap_range *ranges, size_t n,
                galley_error_t *err)
{
  size_t i, a = 0;
  int r;

  t->name = tool;
  t->argv[a++] = (char *)tool;
  snprintf (t->numbers[0], sizeof t->numbers[0], "%d", (int)pid);
  t->argv[a++] = t->numbers[0];
  for (i = 0; i < n; i++)
    {
      snprintf (t->numbers[1 + 3 * i], 12, "%" PRIu32, ranges[i].container_id);
      snprintf (t->numbers[2 + 3 * i], 12, "%" PRIu32, ranges[i].host_id);
      snprintf (t->numbers[3 + 3 * i], 12, "%" PRIu32, ranges[i].size);
      t->argv[a++] = t->numbers[1 + 3 * i];
      t->argv[a++] = t->numbers[2 + 3 * i];
      t->argv[a++] = t->numbers[3 + 3 * i];
    }
  t->argv[a] = NULL;
  r = posix_spawnp (&t->pid, tool, NULL, NULL, t->argv, environ);
  if (r == ENOENT)
    return galley_error_make (err, 0, "%s not found: install the uidmap package (apt-get install uidmap)",
                              tool);
  if (r != 0)
    return galley_error_make (err, r, "executing %s", tool);
  return 0;
}

static int
map_tool_wait (struct map_tool *t, galley_error_t *err)
{
  int status;

  while (waitpid (t->pid, &status, 0) < 0)
    if (errno != EINTR)
      return galley_error_make (err, errno, "waiting for %s", t->name);
  if (WIFEXITED (status) && WEXITSTATUS (status) == 0)
    return 0;
  return galley_error_make (err, 0,
                            "%s failed (status %d): check the subordinate ids of the user in "
                            "/etc/subuid and /etc/subgid",
                            t->name, WIFEXITED (status) ? WEXITSTATUS (status) : 128 + WTERMSIG (status));
}

/* Both tools at once: each takes tens of milliseconds, mostly its own
 * start-up and the subid lookup.  */
static int
run_map_tools (pid_t pid, const struct idmap *map, galley_error_t *err)
{
  struct map_tool uid_tool, gid_tool;
  _cleanup_error_ galley_error_t gid_err = NULL;
  int r;

  if (map_tool_start (&uid_tool, "newuidmap", pid, map->uid, map->n_uid, err) < 0)
    return -1;
  if (map_tool_start (&gid_tool, "newgidmap", pid, map->gid, map->n_gid, err) < 0)
    {
      map_tool_wait (&uid_tool, &gid_err);
      return -1;
    }
  r = map_tool_wait (&uid_tool, err);
  if (map_tool_wait (&gid_tool, r < 0 ? &gid_err : err) < 0)
    r = -1;
  return r;
}

int
userns_write_maps (pid_t pid, const struct idmap *map, galley_error_t *err)
{
  _cleanup_free_ char *uid_map = NULL, *gid_map = NULL;

  if (map->source == IDMAP_SOURCE_ROOT)
    return 0;
  if (map->n_uid > 1 || map->n_gid > 1)
    {
      if (run_map_tools (pid, map, err) < 0)
        return galley_error_wrap (err, "writing the id maps of the user namespace");
      return 0;
    }
  /* An unprivileged process may map only its own ids, and its gid only
   * after giving up setgroups (which could otherwise drop a group that
   * denies access).  */
  uid_map = idmap_format (map->uid, map->n_uid);
  gid_map = idmap_format (map->gid, map->n_gid);
  if (write_proc_file (pid, "setgroups", "deny", err) < 0
      || write_proc_file (pid, "uid_map", uid_map, err) < 0
      || write_proc_file (pid, "gid_map", gid_map, err) < 0)
    return galley_error_wrap (err, "writing the id maps of the user namespace");
  return 0;
}

struct remove_tree_args
{
  int dirfd;
  const char *name;
};

static int
remove_tree_child (void *arg, galley_error_t *err)
{
  struct remove_tree_args *a = arg;

  return fs_remove_tree (a->dirfd, a->name, err);
}

int
userns_remove_tree (const struct idmap *map, int dirfd, const char *name, galley_error_t *err)
{
  struct remove_tree_args args = { dirfd, name };
  struct idmap own;
  int e;

  if (fs_remove_tree (dirfd, name, err) == 0)
    return 0;
  e = galley_error_errno (err);
  if (e != EACCES && e != EPERM)
    return -1;
  galley_error_release (err);
  if (map == NULL)
    {
      if (idmap_for_current_user (&own, err) < 0)
        return -1;
      map = &own;
    }
  if (map->source == IDMAP_SOURCE_ROOT)
    return fs_remove_tree (dirfd, name, err);
  if (userns_run (map, 0, remove_tree_child, &args, err) < 0)
    return galley_error_wrap (err, "removing %s in the user namespace", name);
  return 0;
}

int
userns_become_root (const struct idmap *map, bool keep_groups, galley_error_t *err)
{
  /* keep-id over a single-id map leaves 0 unmapped: the process keeps the
   * mapped ids, and its full capabilities in the new namespace.  */
  if (map->source != IDMAP_SOURCE_ROOT
      && (idmap_to_host (map->uid, map->n_uid, 0) < 0 || idmap_to_host (map->gid, map->n_gid, 0) < 0))
    return 0;
  if (setresgid (0, 0, 0) < 0)
    return galley_error_make (err, errno, "setresgid(0) in the user namespace");
  /* With the single-id map setgroups is denied: the process keeps no
   * supplementary groups of its own in the namespace anyway.  */
  if (! keep_groups && (map->n_gid > 1 || map->source == IDMAP_SOURCE_ROOT))
    if (setgroups (0, NULL) < 0)
      return galley_error_make (err, errno, "setgroups in the user namespace");
  if (setresuid (0, 0, 0) < 0)
    return galley_error_make (err, errno, "setresuid(0) in the user namespace");
  return 0;
}

struct error_wire
{
  int32_t exit_code;
  int32_t errno_;
};

void
userns_send_error (int fd, const galley_error_t *err)
{
  char buf[4096];
  struct error_wire w = { GALLEY_EXIT_FAILURE, 0 };
  const char *msg = "unknown error";
  size_t len;

  if (err != NULL && *err != NULL)
    {
      w.exit_code = (*err)->exit_code;
      w.errno_ = (*err)->errno_;
      msg = (*err)->msg;
    }
  memcpy (buf, &w, sizeof w);
  len = strlen (msg);
  if (len > sizeof buf - sizeof w)
    len = sizeof buf - sizeof w;
  memcpy (buf + sizeof w, msg, len);
  /* One write below PIPE_BUF is atomic: the parent sees all or nothing.  */
  (void)! write (fd, buf, sizeof w + len);
}

int
userns_receive_error (int fd, galley_error_t *err)
{
  char buf[4096 + 1];
  struct error_wire w;
  ssize_t r;

  do
    r = read (fd, buf, sizeof buf - 1);
  while (r < 0 && errno == EINTR);
  if (r < 0)
    return galley_error_make (err, errno, "reading the error pipe of a child");
  if (r == 0)
    return 0;
  if ((size_t)r < sizeof w)
    return galley_error_make (err, 0, "short message on the error pipe of a child");
  memcpy (&w, buf, sizeof w);
  buf[r] = '\0';
  galley_error_make_exit (err, w.exit_code, 0, "%s", buf + sizeof w);
  if (*err != NULL)
    (*err)->errno_ = w.errno_;
  return 1;
}

static void
close_pair (int p[2])
{
  if (p[0] >= 0)
    close (p[0]);
  if (p[1] >= 0)
    close (p[1]);
  p[0] = p[1] = -1;
}

static int
wait_child (pid_t pid, int *status, galley_error_t *err)
{
  while (waitpid (pid, status, 0) < 0)
    if (errno != EINTR)
      return galley_error_make (err, errno, "waiting for process %d", (int)pid);
  return 0;
}

static _Noreturn void
child_main (const struct idmap *map, int go_fd, int err_fd, int (*fn) (void *arg, galley_error_t *err),
            void *arg)
{
  _cleanup_error_ galley_error_t cerr = NULL;
  char c;
  ssize_t r;
  int ret;

  do
    r = read (go_fd, &c, 1);
  while (r < 0 && errno == EINTR);
  if (r != 1)
    _exit (GALLEY_EXIT_FAILURE); /* the parent failed and reported it */
  close (go_fd);
  if (map->source != IDMAP_SOURCE_ROOT && userns_become_root (map, false, &cerr) < 0)
    ret = -1;
  else
    ret = fn (arg, &cerr);
  if (ret < 0)
    {
      if (cerr == NULL)
        galley_error_make (&cerr, 0, "failed inside the user namespace");
      userns_send_error (err_fd, &cerr);
      _exit (GALLEY_EXIT_FAILURE);
    }
  fflush (stdout);
  fflush (stderr);
  _exit (ret & 0xff);
}

int
userns_run (const struct idmap *map, int extra_clone_flags, int (*fn) (void *arg, galley_error_t *err),
            void *arg, galley_error_t *err)
{
  int go[2] = { -1, -1 }, errp[2] = { -1, -1 };
  int flags = extra_clone_flags, status, got;
  pid_t pid;

  if (map->source != IDMAP_SOURCE_ROOT)
    flags |= CLONE_NEWUSER;
  if (pipe2 (go, O_CLOEXEC) < 0)
    return galley_error_make (err, errno, "creating a pipe");
  if (pipe2 (errp, O_CLOEXEC) < 0)
    {
      close_pair (go);
      return galley_error_make (err, errno, "creating a pipe");
    }
  fflush (stdout);
  fflush (stderr);
  pid = userns_clone (flags);
  if (pid < 0)
    {
      int e = errno;
      close_pair (go);
      close_pair (errp);
      if (e == EPERM || e == ENOSPC || e == EINVAL)
        return galley_error_make (err, e,
                                  "cannot create a user namespace (check "
                                  "/proc/sys/user/max_user_namespaces and "
                                  "kernel.unprivileged_userns_clone)");
      return galley_error_make (err, e, "cloning into new namespaces");
    }
  if (pid == 0)
    {
      close (go[1]);
      close (errp[0]);
      child_main (map, go[0], errp[1], fn, arg);
    }
  close (go[0]);
  close (errp[1]);
  go[0] = errp[1] = -1;

  if (userns_write_maps (pid, map, err) < 0)
    {
      close_pair (go); /* the child reads EOF and exits */
      close_pair (errp);
      wait_child (pid, &status, NULL);
      return -1;
    }
  if (write (go[1], "1", 1) != 1)
    {
      int e = errno;
      close_pair (go);
      close_pair (errp);
      kill (pid, SIGKILL);
      wait_child (pid, &status, NULL);
      return galley_error_make (err, e, "starting the child in the user namespace");
    }
  close_pair (go);
  got = userns_receive_error (errp[0], err);
  close_pair (errp);
  if (wait_child (pid, &status, got != 0 ? NULL : err) < 0 || got != 0)
    return -1;
  if (WIFSIGNALED (status))
    return galley_error_make (err, 0, "the process in the user namespace was killed by signal %d",
                              WTERMSIG (status));
  return WEXITSTATUS (status);
}
