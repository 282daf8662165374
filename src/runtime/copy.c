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

#include "ns/userns.h"
#include "runtime/enter.h"
#include "runtime/rootfs.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/path.h"

static int copy_entry (int sdir, const char *sname, int ddir, const char *dname, galley_error_t *err);

static int
copy_file (int sdir, const char *sname, int ddir, const char *dname, mode_t mode, galley_error_t *err)
{
  _cleanup_close_ int in = openat (sdir, sname, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  _cleanup_close_ int out = -1;
  struct stat st;
  char buf[65536];
  ssize_t n;

  if (in < 0)
    return galley_error_make (err, errno, "opening %s", sname);
  /* O_NONBLOCK: a FIFO (or device) at the destination is never waited
   * on nor written to, but replaced, as a tar extraction would */
  out =
      openat (ddir, dname, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, mode & 07777);
  if ((out < 0 && errno == ENXIO) || (out >= 0 && (fstat (out, &st) < 0 || ! S_ISREG (st.st_mode))))
    {
      if (out >= 0)
        close (out);
      if (unlinkat (ddir, dname, 0) < 0)
        return galley_error_make (err, errno, "replacing %s", dname);
      out = openat (ddir, dname, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode & 07777);
    }
  if (out < 0)
    return galley_error_make (err, errno, "creating %s", dname);
  while ((n = read (in, buf, sizeof buf)) > 0)
    if (fs_write_all (out, buf, (size_t)n) < 0)
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
  const struct run_spec *spec;
  const struct container_state *st;
  const struct copy_request *req;
  char *ctr_path; /* absolute and clean, with its trailing "/" or "/." */
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

static bool
ends_in_dot (const char *path)
{
  size_t n = strlen (path);
  return strcmp (path, ".") == 0 || (n >= 2 && strcmp (path + n - 2, "/.") == 0);
}

/* podman's words for a path that is not there, on either side.  */
static int
not_found (const struct copy_request *req, bool in_container, galley_error_t *err)
{
  if (in_container)
    return galley_error_kind (err, ENOENT,
                              "\"%s\" could not be found on container %s: no such file or directory",
                              req->ctr_path, req->ctr_name);
  return galley_error_kind (err, ENOENT, "\"%s\" could not be found on the host: no such file or directory",
                            req->host_path);
}

/* A directory of either side: the host's, or the container's inside
 * ctr_root; O_RDONLY, as files are created in it.  */
static int
open_side_dir (const struct copy_job *j, bool in_container, int ctr_root, const char *path,
               galley_error_t *err)
{
  _cleanup_close_ int fd = in_container
                               ? fs_open_in_root (ctr_root, path, O_PATH | O_DIRECTORY, RESOLVE_NO_MAGICLINKS)
                               : open (path, O_PATH | O_DIRECTORY | O_CLOEXEC);
  int rd;

  if (fd < 0)
    return errno == ENOENT ? not_found (j->req, in_container, err)
                           : galley_error_make (err, errno, "%s", path);
  rd = openat (fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (rd < 0)
    return galley_error_make (err, errno, "opening %s", path);
  return rd;
}

/* Copy between the host and ctr_path inside ctr_root, as docker and
 * podman do: an existing destination directory receives the source under
 * its own name, "SRC/." copies the contents.  What a failed copy created
 * is removed.  */
static int
do_copy (int ctr_root, const char *ctr_path, const struct copy_job *j, galley_error_t *err)
{
  const struct copy_request *req = j->req;
  _cleanup_free_ char *sp = NULL, *sb = NULL, *dp = NULL, *db = NULL;
  _cleanup_close_ int sdir = -1, ddir = -1, into = -1;
  const char *src = req->to_container ? req->host_path : ctr_path;
  const char *dst = req->to_container ? ctr_path : req->host_path;
  bool contents = ends_in_dot (src);
  const char *made;
  struct stat sst, dst_st;
  int made_in, ret;

  split (src, &sp, &sb);
  /* "/" is the root itself, never a name to look up from a directory fd
   * (an absolute name would leave the container's root) */
  if (contents || strcmp (sb, "/") == 0)
    {
      free (sp);
      free (sb);
      /* "DIR/." is DIR's contents, "/." and "/" the root's */
      sp = contents && strcmp (src, ".") == 0 ? strdup (".")
           : contents && strlen (src) > 2     ? strndup (src, strlen (src) - 2)
                                              : strdup ("/");
      sb = strdup (".");
      contents = true;
    }
  split (dst, &dp, &db);
  if (sp == NULL || sb == NULL || dp == NULL || db == NULL)
    return galley_error_make (err, ENOMEM, "allocating");
  sdir = open_side_dir (j, ! req->to_container, ctr_root, sp, err);
  if (sdir < 0)
    return -1;
  if (fstatat (sdir, sb, &sst, AT_SYMLINK_NOFOLLOW) < 0)
    return errno == ENOENT ? not_found (req, ! req->to_container, err)
                           : galley_error_make (err, errno, "%s", src);
  ddir = open_side_dir (j, req->to_container, ctr_root, dp, err);
  if (ddir < 0)
    return -1;

  /* made_in/made: what this copy creates, removed again when it fails */
  made_in = ddir;
  if (strcmp (db, "/") == 0 || strcmp (db, ".") == 0)
    made = contents ? NULL : sb; /* into the destination directory itself */
  else if (! contents && fstatat (ddir, db, &dst_st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR (dst_st.st_mode))
    {
      into = openat (ddir, db, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (into < 0)
        return galley_error_make (err, errno, "opening %s", dst);
      made_in = into;
      made = sb;
    }
  else
    made = db;
  if (made != NULL && faccessat (made_in, made, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
    made = NULL; /* replaced or merged into, not created */
  else if (made == db && dst[strlen (dst) - 1] == '/' && ! contents && ! S_ISDIR (sst.st_mode))
    return not_found (req, req->to_container, err); /* a file into "DIR/": DIR must exist */

  if (contents)
    ret = copy_dir (sdir, ".", ddir, strcmp (db, "/") == 0 ? "." : db, 0755, err);
  else if (made_in == into)
    ret = copy_entry (sdir, sb, into, sb, err);
  else if (strcmp (db, "/") == 0 || strcmp (db, ".") == 0)
    ret = copy_entry (sdir, sb, ddir, sb, err);
  else if (S_ISDIR (sst.st_mode))
    ret = copy_dir (sdir, sb, ddir, db, sst.st_mode, err);
  else
    ret = copy_file (sdir, sb, ddir, db, sst.st_mode, err);
  if (ret < 0 && made != NULL)
    {
      _cleanup_error_ galley_error_t ignored = NULL;
      fs_remove_tree (made_in, made, &ignored);
    }
  return ret;
}

/* A path under a bind mount or volume of a container that is not running
 * is in that mount's source on the host, as podman resolves it: the
 * deepest such mount that holds the path.  NULL when none does; *len is
 * the length of the mount's destination in path.  */
static const struct mount_spec *
bind_mount_holding (const struct run_spec *spec, const char *path, size_t *len)
{
  const struct mount_spec *best = NULL;
  size_t i;

  *len = 0;
  for (i = 0; i < spec->n_mounts; i++)
    {
      const struct mount_spec *m = &spec->mounts[i];
      _cleanup_free_ char *dest = NULL;
      size_t n;

      if (m->kind != MOUNT_KIND_BIND)
        continue;
      dest = path_clean (m->destination);
      n = strlen (dest);
      if (n > *len && strncmp (path, dest, n) == 0 && (path[n] == '\0' || path[n] == '/'))
        {
          best = m;
          *len = n;
        }
    }
  return best;
}

/* The copy in the container's file system as it is while it does not
 * run: its root file system at rootfd, where no bind mount or volume
 * holds the path.  A tmpfs holds nothing yet: a path under one is in the
 * root file system below it, which the tmpfs takes its first content from
 * (tmpcopyup).  */
static int
copy_not_running (int rootfd, const struct copy_job *j, galley_error_t *err)
{
  _cleanup_free_ char *file = NULL;
  _cleanup_close_ int mount_root = -1;
  const struct mount_spec *m;
  const char *rest;
  struct stat st;
  size_t len;

  m = bind_mount_holding (j->spec, j->ctr_path, &len);
  if (m == NULL)
    return do_copy (rootfd, j->ctr_path, j, err);
  rest = j->ctr_path + len;
  if (stat (m->source, &st) < 0)
    return galley_error_make (err, errno, "%s (mounted on %s)", m->source, m->destination);
  if (S_ISDIR (st.st_mode))
    mount_root = open (m->source, O_PATH | O_DIRECTORY | O_CLOEXEC);
  else
    {
      /* a file mounted on its own: the copy replaces or reads that file */
      _cleanup_free_ char *a = strdup (m->source), *b = strdup (m->source);
      if (rest[0] != '\0')
        return galley_error_make (err, ENOTDIR, "%s", j->req->ctr_path);
      if (a == NULL || b == NULL || asprintf (&file, "/%s", basename (b)) < 0)
        return galley_error_make (err, ENOMEM, "allocating");
      mount_root = open (dirname (a), O_PATH | O_DIRECTORY | O_CLOEXEC);
      rest = file;
    }
  if (mount_root < 0)
    return galley_error_make (err, errno, "opening %s (mounted on %s)", m->source, m->destination);
  return do_copy (mount_root, rest[0] != '\0' ? rest : "/", j, err);
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
  return copy_not_running (rootfd, j, err) < 0 ? -1 : 0;
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
      if (do_copy (rootfd, j->ctr_path, j, &cerr) == 0)
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

/* The container path, absolute (a relative one starts at the container's
 * working directory, as podman's) and clean, keeping the trailing "/" or
 * "/." that the copy rules look at.  */
static char *
absolute_container_path (const struct run_spec *spec, const char *path)
{
  _cleanup_free_ char *joined = NULL, *clean = NULL;
  const char *suffix = ends_in_dot (path) ? "/." : path[strlen (path) - 1] == '/' ? "/" : "";
  char *out = NULL;

  if (asprintf (&joined, "%s/%s", path[0] == '/' || spec->workdir == NULL ? "" : spec->workdir, path) < 0)
    return NULL;
  clean = path_clean (joined);
  if (asprintf (&out, "%s%s", strcmp (clean, "/") == 0 ? "" : clean, suffix) < 0)
    return NULL;
  if (out[0] == '\0')
    {
      free (out);
      out = strdup ("/");
    }
  return out;
}

int
container_copy (const struct run_spec *spec, const struct container_state *st, const struct copy_request *req,
                galley_error_t *err)
{
  struct copy_job j = { spec, st, req, absolute_container_path (spec, req->ctr_path) };
  int ret;

  if (j.ctr_path == NULL)
    return galley_error_make (err, ENOMEM, "allocating");
  if (st->status == CONTAINER_STATUS_RUNNING || st->status == CONTAINER_STATUS_PAUSED)
    ret = copy_running (&j, err);
  else if (spec->rootfs_method == ROOTFS_METHOD_DIR)
    {
      _cleanup_close_ int rootfd = open (spec->rootfs_dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
      ret = rootfd < 0 ? galley_error_make (err, errno, "opening %s", spec->rootfs_dir)
                       : copy_not_running (rootfd, &j, err);
    }
  else
    ret = userns_run (&spec->map, CLONE_NEWNS, copy_in_userns_child, &j, err) < 0 ? -1 : 0;
  free (j.ctr_path);
  return ret;
}
