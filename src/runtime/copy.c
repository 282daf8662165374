/* Copies between the host and containers (see copy.h).  */
#include "config.h"
#include "runtime/copy.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/openat2.h>

#include "runtime/enter.h"
#include "runtime/rootfs.h"
#include "runtime/userns.h"
#include "util/cleanup.h"
#include "util/fs.h"

static int
open_in_root (int rootfd, const char *path, int flags)
{
  return fs_open_in_root (rootfd, path, flags, RESOLVE_NO_MAGICLINKS);
}

static int copy_entry (int sdir, const char *sname, int ddir, const char *dname, galley_error_t *err);

static int
copy_file (int sdir, const char *sname, int ddir, const char *dname, mode_t mode, galley_error_t *err)
{
  _cleanup_close_ int in = openat (sdir, sname, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  _cleanup_close_ int out = -1;
  char buf[65536];
  ssize_t n;

  if (in < 0)
    return galley_error_make (err, errno, "opening %s", sname);
  out = openat (ddir, dname, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, mode & 07777);
  if (out < 0)
    return galley_error_make (err, errno, "creating %s", dname);
  while ((n = read (in, buf, sizeof buf)) > 0)
    if (write (out, buf, (size_t)n) != n)
      return galley_error_make (err, errno, "writing %s", dname);
  if (n < 0)
    return galley_error_make (err, errno, "reading %s", sname);
  fchmod (out, mode & 07777);
  return 0;
}

static int
copy_dir (int sdir, const char *sname, int ddir, const char *dname, mode_t mode, galley_error_t *err)
{
  _cleanup_close_ int s = -1, d = -1;
  _cleanup_closedir_ DIR *it = NULL;
  struct dirent *e;

  if (mkdirat (ddir, dname, mode & 07777) < 0 && errno != EEXIST)
    return galley_error_make (err, errno, "creating %s", dname);
  s = openat (sdir, sname, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  d = openat (ddir, dname, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (s < 0 || d < 0)
    return galley_error_make (err, errno, "opening %s", s < 0 ? sname : dname);
  it = fdopendir (dup (s));
  if (it == NULL)
    return galley_error_make (err, errno, "reading %s", sname);
  while ((e = readdir (it)) != NULL)
    {
      if (strcmp (e->d_name, ".") == 0 || strcmp (e->d_name, "..") == 0)
        continue;
      if (copy_entry (s, e->d_name, d, e->d_name, err) < 0)
        return -1;
    }
  return 0;
}

static int
copy_entry (int sdir, const char *sname, int ddir, const char *dname, galley_error_t *err)
{
  struct stat st;
  char target[PATH_MAX];
  ssize_t n;

  if (fstatat (sdir, sname, &st, AT_SYMLINK_NOFOLLOW) < 0)
    return galley_error_make (err, errno, "%s", sname);
  if (S_ISDIR (st.st_mode))
    return copy_dir (sdir, sname, ddir, dname, st.st_mode, err);
  if (S_ISREG (st.st_mode))
    return copy_file (sdir, sname, ddir, dname, st.st_mode, err);
  if (S_ISLNK (st.st_mode))
    {
      n = readlinkat (sdir, sname, target, sizeof target - 1);
      if (n < 0)
        return galley_error_make (err, errno, "reading link %s", sname);
      target[n] = '\0';
      unlinkat (ddir, dname, 0);
      if (symlinkat (target, ddir, dname) < 0)
        return galley_error_make (err, errno, "creating link %s", dname);
      return 0;
    }
  return 0; /* devices, fifos, sockets are not copied */
}

struct copy_job
{
  const struct galley_paths *p;
  const struct run_spec *spec;
  const struct container_state *st;
  bool to_container;
  const char *host_path, *ctr_path;
};

/* Split "a/b/c" into its parent ("a/b") and base ("c"); "." contents
 * marker kept as base ".".  */
static void
split (const char *path, char **parent, char **base)
{
  _cleanup_free_ char *a = strdup (path), *b = strdup (path);
  size_t len = strlen (a);

  while (len > 1 && a[len - 1] == '/')
    a[--len] = '\0', b[len] = '\0';
  *parent = strdup (dirname (a));
  *base = strdup (basename (b));
}

/* Copy src (dir fd + name) to the destination path given as a parent fd
 * opener, following podman's rules for existing directories.  */
static int
copy_to (int sdir, const char *sname, bool contents, int dparent, const char *dbase, bool dest_is_dir,
         galley_error_t *err)
{
  struct stat st;

  if (fstatat (sdir, sname, &st, 0) < 0)
    return galley_error_make (err, errno, "%s", sname);
  if (dest_is_dir)
    {
      _cleanup_close_ int d = openat (dparent, dbase, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (d < 0)
        return galley_error_make (err, errno, "opening %s", dbase);
      if (contents && S_ISDIR (st.st_mode))
        return copy_dir (sdir, sname, dparent, dbase, st.st_mode, err);
      return copy_entry (sdir, sname, d, sname, err);
    }
  if (S_ISDIR (st.st_mode))
    return copy_dir (sdir, sname, dparent, dbase, st.st_mode, err);
  return copy_file (sdir, sname, dparent, dbase, st.st_mode, err);
}

static int
do_copy (int rootfd, const struct copy_job *j, galley_error_t *err)
{
  _cleanup_free_ char *sp = NULL, *sb = NULL, *dp = NULL, *db = NULL;
  _cleanup_close_ int sdir = -1, ddir = -1;
  const char *src = j->to_container ? j->host_path : j->ctr_path;
  const char *dst = j->to_container ? j->ctr_path : j->host_path;
  bool contents = strlen (src) >= 2 && strcmp (src + strlen (src) - 2, "/.") == 0;
  struct stat st;
  bool dest_dir;

  split (contents ? (const char *)"" : src, &sp, &sb);
  if (contents)
    {
      free (sp);
      free (sb);
      sp = strndup (src, strlen (src) - 2);
      sb = strdup (".");
    }
  split (dst, &dp, &db);
  sdir = j->to_container ? open (sp, O_PATH | O_DIRECTORY | O_CLOEXEC)
                         : open_in_root (rootfd, sp, O_PATH | O_DIRECTORY);
  if (sdir < 0)
    return galley_error_make (err, errno, "%s", src);
  ddir = j->to_container ? open_in_root (rootfd, dp, O_PATH | O_DIRECTORY)
                         : open (dp, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (ddir < 0)
    return galley_error_make (err, errno, "%s", dst);
  /* O_PATH fds are not enough to create files in: reopen */
  {
    int rd = openat (ddir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int rs = openat (sdir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (rd < 0 || rs < 0)
      return galley_error_make (err, errno, "opening %s", rd < 0 ? dst : src);
    close (ddir);
    close (sdir);
    ddir = rd;
    sdir = rs;
  }
  dest_dir = fstatat (ddir, db, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR (st.st_mode);
  if (strcmp (db, "/") == 0 || strcmp (db, ".") == 0)
    {
      /* the destination is the parent itself */
      return contents ? copy_dir (sdir, sb, ddir, ".", 0755, err) : copy_entry (sdir, sb, ddir, sb, err);
    }
  if (contents)
    {
      if (mkdirat (ddir, db, 0755) < 0 && errno != EEXIST)
        return galley_error_make (err, errno, "creating %s", dst);
      return copy_dir (sdir, ".", ddir, db, 0755, err);
    }
  return copy_to (sdir, sb, false, ddir, db, dest_dir, err);
}

static int
copy_in_userns_child (void *arg, galley_error_t *err)
{
  const struct copy_job *j = arg;
  _cleanup_close_ int rootfd = -1;

  if (mount (NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
    return galley_error_make (err, errno, "making / private");
  rootfd = rootfs_mount (j->spec, err);
  if (rootfd < 0)
    return -1;
  return do_copy (rootfd, j, err) < 0 ? -1 : 0;
}

/* A running container: its init's root, as root of its user namespace.  */
static int
copy_running (const struct copy_job *j, galley_error_t *err)
{
  int ch[2];
  pid_t pid;
  int status;

  if (pipe2 (ch, O_CLOEXEC) < 0)
    return galley_error_make (err, errno, "pipe");
  fflush (stdout);
  fflush (stderr);
  pid = fork ();
  if (pid < 0)
    return galley_error_make (err, errno, "fork");
  if (pid == 0)
    {
      galley_error_t cerr = NULL;
      char root[64];
      int rootfd = -1;
      close (ch[0]);
      if (enter_prepare (3, &ch[1], 1, 0, &cerr) < 0)
        goto fail;
      if (j->spec->map.source != IDMAP_SOURCE_ROOT)
        {
          _cleanup_close_ int pidfd = container_state_pidfd (j->st, &cerr);
          if (pidfd < 0 || setns (pidfd, CLONE_NEWUSER) < 0 || setresgid (0, 0, 0) < 0
              || setresuid (0, 0, 0) < 0)
            {
              if (cerr == NULL)
                galley_error_make (&cerr, errno, "joining the container's user namespace");
              goto fail;
            }
        }
      snprintf (root, sizeof root, "/proc/%d/root", (int)j->st->pid);
      rootfd = open (root, O_PATH | O_DIRECTORY | O_CLOEXEC);
      if (rootfd < 0)
        {
          galley_error_make (&cerr, errno, "opening the container's root");
          goto fail;
        }
      if (do_copy (rootfd, j, &cerr) == 0)
        _exit (0);
    fail:
      userns_send_error (ch[1], &cerr);
      _exit (1);
    }
  close (ch[1]);
  while (waitpid (pid, &status, 0) < 0 && errno == EINTR)
    ;
  if (userns_receive_error (ch[0], err) == 1)
    {
      close (ch[0]);
      return -1;
    }
  close (ch[0]);
  if (! WIFEXITED (status) || WEXITSTATUS (status) != 0)
    return galley_error_make (err, 0, "copying failed");
  return 0;
}

int
container_copy (const struct galley_paths *p, const struct run_spec *spec, const struct container_state *st,
                bool to_container, const char *host_path, const char *ctr_path, galley_error_t *err)
{
  struct copy_job j = { p, spec, st, to_container, host_path, ctr_path };

  if (st->status == CONTAINER_STATUS_RUNNING || st->status == CONTAINER_STATUS_PAUSED)
    return copy_running (&j, err);
  if (spec->rootfs_method == ROOTFS_METHOD_DIR)
    {
      _cleanup_close_ int rootfd = open (spec->rootfs_dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
      if (rootfd < 0)
        return galley_error_make (err, errno, "opening %s", spec->rootfs_dir);
      return do_copy (rootfd, &j, err);
    }
  return userns_run (&spec->map, CLONE_NEWNS, copy_in_userns_child, &j, err) < 0 ? -1 : 0;
}
