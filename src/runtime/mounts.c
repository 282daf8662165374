/* Mounting inside the container's mount namespace (see mounts.h).  */
#include "config.h"
#include "runtime/mounts.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "runtime/passwd.h"
#include "runtime/volume_mounts.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/xmalloc.h"

int
mounts_open_in_root (int rootfd, const char *path, int flags, unsigned long long resolve)
{
  return fs_open_in_root (rootfd, path, flags, resolve);
}

static int
resolve_clean (int rootfd, const char *rel, bool dir, int depth, galley_error_t *err)
{
  _cleanup_close_ int parent = -1;
  const char *slash, *base;
  _cleanup_free_ char *parent_path = NULL;
  int fd;

  fd = mounts_open_in_root (rootfd, rel, O_PATH, RESOLVE_NO_MAGICLINKS);
  if (fd >= 0 || errno != ENOENT)
    {
      if (fd < 0)
        return galley_error_make (err, errno, "resolving /%s in the container", rel);
      return fd;
    }
  if (depth > 64)
    return galley_error_make (err, ELOOP, "resolving /%s in the container", rel);
  slash = strrchr (rel, '/');
  base = slash ? slash + 1 : rel;
  parent_path = xstrndup (rel, slash ? (size_t)(slash - rel) : 0);
  parent = resolve_clean (rootfd, parent_path, true, depth + 1, err);
  if (parent < 0)
    return -1;
  {
    /* A dangling symlink: create what it points to, inside the root.  */
    struct stat st;
    if (fstatat (parent, base, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK (st.st_mode))
      {
        char target[4096];
        _cleanup_free_ char *joined = NULL, *next = NULL;
        ssize_t n = readlinkat (parent, base, target, sizeof target - 1);
        if (n < 0)
          return galley_error_make (err, errno, "reading the symlink /%s in the container", rel);
        target[n] = '\0';
        if (asprintf (&joined, "%s/%s", target[0] == '/' ? "" : parent_path, target) < 0
            || (next = fs_clean_relative (joined)) == NULL)
          return galley_error_make (err, errno, "allocating");
        return resolve_clean (rootfd, next, dir, depth + 1, err);
      }
  }
  if (dir)
    {
      if (mkdirat (parent, base, 0755) < 0 && errno != EEXIST)
        return galley_error_make (err, errno, "creating /%s in the container", rel);
    }
  else
    {
      int f = openat (parent, base, O_CREAT | O_WRONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0644);
      if (f < 0 && errno != EEXIST)
        return galley_error_make (err, errno, "creating /%s in the container", rel);
      if (f >= 0)
        close (f);
    }
  fd = mounts_open_in_root (rootfd, rel, O_PATH, RESOLVE_NO_MAGICLINKS);
  if (fd < 0)
    return galley_error_make (err, errno, "resolving /%s in the container", rel);
  return fd;
}

int
mounts_resolve_target (int rootfd, const char *path, bool dir, galley_error_t *err)
{
  _cleanup_free_ char *rel = fs_clean_relative (path);

  if (rel == NULL)
    return galley_error_make (err, errno, "allocating");
  return resolve_clean (rootfd, rel, dir, 0, err);
}

/* The kernel explains fsconfig failures in the fs context's log.  */
static int
fs_error (int fsfd, const char *fstype, const char *what, galley_error_t *err)
{
  int e = errno;
  char log[256];
  ssize_t n = fsfd >= 0 ? read (fsfd, log, sizeof log - 1) : -1;

  if (n > 2)
    {
      log[n] = '\0';
      log[strcspn (log, "\n")] = '\0';
      return galley_error_make (err, e, "mounting %s: %s (%s)", fstype, what, log + 2);
    }
  return galley_error_make (err, e, "mounting %s: %s", fstype, what);
}

static int
move_onto (int mfd, int target_fd, const char *what, galley_error_t *err)
{
  if (move_mount (mfd, "", target_fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
    return galley_error_make (err, errno, "attaching the %s mount", what);
  return 0;
}

int
mounts_fs_at (const char *fstype, const char *options, unsigned attrs, int target_fd, galley_error_t *err)
{
  _cleanup_close_ int fsfd = fsopen (fstype, FSOPEN_CLOEXEC);
  _cleanup_close_ int mfd = -1;
  _cleanup_free_ char *opts = options ? strdup (options) : NULL;
  char *opt, *save = NULL;

  if (fsfd < 0)
    return galley_error_make (err, errno, "mounting %s", fstype);
  for (opt = opts ? strtok_r (opts, ",", &save) : NULL; opt; opt = strtok_r (NULL, ",", &save))
    {
      char *value = strchr (opt, '=');
      int r;
      if (value != NULL)
        {
          *value++ = '\0';
          r = fsconfig (fsfd, FSCONFIG_SET_STRING, opt, value, 0);
        }
      else
        r = fsconfig (fsfd, FSCONFIG_SET_FLAG, opt, NULL, 0);
      if (r < 0)
        return fs_error (fsfd, fstype, opt, err);
    }
  if (fsconfig (fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
    return fs_error (fsfd, fstype, "creating", err);
  mfd = fsmount (fsfd, FSMOUNT_CLOEXEC, attrs);
  if (mfd < 0)
    return fs_error (fsfd, fstype, "fsmount", err);
  return move_onto (mfd, target_fd, fstype, err);
}

int
mounts_overlay_at (char *const *lowers, const char *upper, const char *work, int target_fd,
                   galley_error_t *err)
{
  _cleanup_close_ int fsfd = fsopen ("overlay", FSOPEN_CLOEXEC);
  _cleanup_close_ int mfd = -1;
  size_t n = 0, i;
  bool plus = true;

  if (fsfd < 0)
    return galley_error_make (err, errno, "overlay is not available");
  while (lowers[n] != NULL)
    n++;
  /* lowerdir+ (Linux 6.8) takes one layer at a time, top first: no length
   * limit and no escaping of ':' or ','.  */
  for (i = n; i > 0 && plus; i--)
    if (fsconfig (fsfd, FSCONFIG_SET_STRING, "lowerdir+", lowers[i - 1], 0) < 0)
      {
        if (i != n)
          return galley_error_make (err, errno, "overlay: adding the layer %s", lowers[i - 1]);
        plus = false;
      }
  if (! plus)
    {
      _cleanup_free_ char *joined = NULL;
      size_t len = 1;
      for (i = 0; i < n; i++)
        len += strlen (lowers[i]) + 1;
      joined = xcalloc (1, len);
      for (i = n; i > 0; i--)
        {
          if (strpbrk (lowers[i - 1], ":,") != NULL)
            return galley_error_make (err, EINVAL, "overlay: unsupported layer path %s", lowers[i - 1]);
          strcat (joined, lowers[i - 1]);
          if (i > 1)
            strcat (joined, ":");
        }
      if (fsconfig (fsfd, FSCONFIG_SET_STRING, "lowerdir", joined, 0) < 0)
        return galley_error_make (err, errno, "overlay: setting lowerdir");
    }
  if (fsconfig (fsfd, FSCONFIG_SET_STRING, "upperdir", upper, 0) < 0
      || fsconfig (fsfd, FSCONFIG_SET_STRING, "workdir", work, 0) < 0
      || fsconfig (fsfd, FSCONFIG_SET_FLAG, "userxattr", NULL, 0) < 0
      || fsconfig (fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
    return galley_error_make (err, errno, "mounting the overlay");
  mfd = fsmount (fsfd, FSMOUNT_CLOEXEC, 0);
  if (mfd < 0)
    return galley_error_make (err, errno, "mounting the overlay");
  if (move_mount (mfd, "", target_fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
    return galley_error_make (err, errno, "attaching the overlay");
  return 0;
}

int
mounts_bind_at (const char *source, bool recursive, unsigned attrs, int target_fd, galley_error_t *err)
{
  _cleanup_close_ int tfd = -1;

  tfd =
      (int)open_tree (AT_FDCWD, source, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (recursive ? AT_RECURSIVE : 0));
  if (tfd < 0)
    return galley_error_make (err, errno, "bind mounting %s", source);
  if (attrs != 0)
    {
      struct mount_attr a = { .attr_set = attrs };
      if (mount_setattr (tfd, "", AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0), &a, sizeof a) < 0)
        return galley_error_make (err, errno, "setting the attributes of the bind mount of %s", source);
    }
  return move_onto (tfd, target_fd, source, err);
}

static int
fs_at_path (int rootfd, const char *path, const char *fstype, const char *options, unsigned attrs,
            galley_error_t *err)
{
  _cleanup_close_ int fd = mounts_resolve_target (rootfd, path, true, err);

  if (fd < 0 || mounts_fs_at (fstype, options, attrs, fd, err) < 0)
    return galley_error_wrap (err, "mounting %s", path);
  return 0;
}

/* A private IPC namespace's /dev/shm: a tmpfs of its own, of the size
 * asked for, or its pod's, which the containers of a pod that shares its
 * IPC namespace share too; none with --ipc none.  */
static int
shm_at (int rootfd, const struct run_spec *spec, unsigned attrs, galley_error_t *err)
{
  const struct ns_options *ns = &spec->ns;
  _cleanup_close_ int fd = -1;
  char options[64];

  if (ns->no_shm)
    return 0;
  if (spec->shm_dir == NULL)
    {
      snprintf (options, sizeof options, "mode=1777,size=%lld",
                ns->shm_unlimited  ? 0LL
                : ns->shm_size > 0 ? (long long)ns->shm_size
                                   : (long long)NS_SHM_SIZE_DEFAULT);
      return fs_at_path (rootfd, "/dev/shm", "tmpfs", options, attrs, err);
    }
  fd = mounts_resolve_target (rootfd, "/dev/shm", true, err);
  if (fd < 0 || mounts_bind_at (spec->shm_dir, false, attrs, fd, err) < 0)
    return galley_error_wrap (err, "mounting /dev/shm");
  return 0;
}

/* A private IPC namespace: its /dev/shm and its own message queues.  */
static int
setup_private_ipc (int rootfd, const struct run_spec *spec, galley_error_t *err)
{
  const unsigned attrs = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC;

  if (shm_at (rootfd, spec, attrs, err) < 0)
    return -1;
  return fs_at_path (rootfd, "/dev/mqueue", "mqueue", NULL, attrs, err);
}

/* The host's IPC namespace, which only its owner can mount for: the
 * host's /dev/shm and /dev/mqueue (where the host has them).  */
static int
setup_host_ipc (int rootfd, galley_error_t *err)
{
  static const char *const dirs[] = { "/dev/shm", "/dev/mqueue" };
  size_t i;

  for (i = 0; i < sizeof dirs / sizeof dirs[0]; i++)
    {
      _cleanup_close_ int fd = -1;
      struct stat st;

      if (stat (dirs[i], &st) < 0 || ! S_ISDIR (st.st_mode))
        continue;
      fd = mounts_resolve_target (rootfd, dirs[i], true, err);
      if (fd < 0
          || mounts_bind_at (dirs[i], true, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC, fd, err)
                 < 0)
        return galley_error_wrap (err, "mounting %s", dirs[i]);
    }
  return 0;
}

static int
setup_dev (int rootfd, const struct run_spec *spec, galley_error_t *err)
{
  static const char *const nodes[] = { "null", "zero", "full", "tty", "random", "urandom" };
  static const char *const links[][2] = {
    { "fd", "/proc/self/fd" },       { "stdin", "/proc/self/fd/0" }, { "stdout", "/proc/self/fd/1" },
    { "stderr", "/proc/self/fd/2" }, { "ptmx", "pts/ptmx" },         { "core", "/proc/kcore" },
  };
  _cleanup_close_ int devfd = -1;
  char host[32];
  size_t i;
  bool gid5 = spec->map.source == IDMAP_SOURCE_ROOT || idmap_to_host (spec->map.gid, spec->map.n_gid, 5) >= 0;

  if (fs_at_path (rootfd, "/dev", "tmpfs", "mode=755,size=65536k", MOUNT_ATTR_NOSUID | MOUNT_ATTR_STRICTATIME,
                  err)
      < 0)
    return -1;
  /* A fresh tmpfs: nothing in it can be a symlink planted by the image.  */
  devfd = mounts_open_in_root (rootfd, "/dev", O_PATH | O_DIRECTORY, RESOLVE_NO_SYMLINKS);
  if (devfd < 0)
    return galley_error_make (err, errno, "opening the container's /dev");
  for (i = 0; i < sizeof nodes / sizeof nodes[0]; i++)
    {
      _cleanup_close_ int node = -1;
      int f = openat (devfd, nodes[i], O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0666);
      if (f < 0)
        return galley_error_make (err, errno, "creating /dev/%s", nodes[i]);
      close (f);
      node = openat (devfd, nodes[i], O_PATH | O_CLOEXEC | O_NOFOLLOW);
      snprintf (host, sizeof host, "/dev/%s", nodes[i]);
      if (node < 0)
        return galley_error_make (err, errno, "opening /dev/%s", nodes[i]);
      if (mounts_bind_at (host, false, 0, node, err) < 0)
        return -1;
    }
  for (i = 0; i < sizeof links / sizeof links[0]; i++)
    if (symlinkat (links[i][1], devfd, links[i][0]) < 0)
      return galley_error_make (err, errno, "creating /dev/%s", links[i][0]);
  if (mkdirat (devfd, "pts", 0755) < 0 || (! spec->ns.no_shm && mkdirat (devfd, "shm", 01777) < 0)
      || mkdirat (devfd, "mqueue", 0755) < 0)
    return galley_error_make (err, errno, "creating directories in /dev");
  if (fs_at_path (rootfd, "/dev/pts", "devpts",
                  gid5 ? "newinstance,ptmxmode=0666,mode=0620,gid=5" : "newinstance,ptmxmode=0666,mode=0620",
                  MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC, err)
      < 0)
    return -1;
  return spec->ns.host_ipc ? setup_host_ipc (rootfd, err) : setup_private_ipc (rootfd, spec, err);
}

static int
setup_sys (int rootfd, const struct run_spec *spec, galley_error_t *err)
{
  _cleanup_close_ int fd = mounts_resolve_target (rootfd, "/sys", true, err);
  unsigned attrs = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC;

  if (fd < 0)
    return -1;
  /* sysfs can be mounted only by the owner of the network namespace; with
   * the host's network the host's /sys is the right view anyway.  */
  if (spec->network != NETWORK_HOST)
    {
      galley_error_t local = NULL;
      if (mounts_fs_at ("sysfs", NULL, attrs, fd, &local) == 0)
        return 0;
      galley_error_release (&local);
    }
  if (mounts_bind_at ("/sys", true, MOUNT_ATTR_RDONLY, fd, err) < 0)
    return galley_error_wrap (err, "mounting /sys");
  return 0;
}

/* procfs can be mounted only by the owner of the pid namespace; with the
 * host's, the host's /proc (the masks hide what they hide as on procfs).  */
static int
setup_proc (int rootfd, const struct run_spec *spec, galley_error_t *err)
{
  const unsigned attrs = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC;
  _cleanup_close_ int fd = -1;

  if (! spec->ns.host_pid)
    return fs_at_path (rootfd, "/proc", "proc", NULL, attrs, err);
  fd = mounts_resolve_target (rootfd, "/proc", true, err);
  if (fd < 0 || mounts_bind_at ("/proc", true, attrs, fd, err) < 0)
    return galley_error_wrap (err, "mounting /proc");
  return 0;
}

int
mounts_standard (int rootfd, const struct run_spec *spec, galley_error_t *err)
{
  if (setup_proc (rootfd, spec, err) < 0 || setup_dev (rootfd, spec, err) < 0
      || setup_sys (rootfd, spec, err) < 0)
    return -1;
  return 0;
}

static unsigned
attrs_of (const struct mount_spec *m)
{
  unsigned a = 0;

  if (m->readonly)
    a |= MOUNT_ATTR_RDONLY;
  if (m->flags & MS_NOSUID)
    a |= MOUNT_ATTR_NOSUID;
  if (m->flags & MS_NODEV)
    a |= MOUNT_ATTR_NODEV;
  if (m->flags & MS_NOEXEC)
    a |= MOUNT_ATTR_NOEXEC;
  return a;
}

bool
mounts_user_mount_at (const struct run_spec *spec, const char *dst)
{
  size_t i;

  for (i = 0; i < spec->n_mounts; i++)
    {
      _cleanup_free_ char *a = fs_clean_relative (spec->mounts[i].destination);
      _cleanup_free_ char *b = fs_clean_relative (dst);
      if (a != NULL && b != NULL && strcmp (a, b) == 0)
        return true;
    }
  return false;
}

static int
bind_state_file (int rootfd, const struct run_spec *spec, const char *name, const char *dst,
                 galley_error_t *err)
{
  _cleanup_free_ char *src = NULL;
  _cleanup_close_ int fd = -1;

  if (spec->state_dir == NULL || mounts_user_mount_at (spec, dst))
    return 0;
  src = xasprintf ("%s/%s", spec->state_dir, name);
  if (access (src, F_OK) < 0)
    return 0;
  fd = mounts_resolve_target (rootfd, dst, false, err);
  if (fd < 0 || mounts_bind_at (src, false, 0, fd, err) < 0)
    return galley_error_wrap (err, "mounting %s", dst);
  return 0;
}

/* A volume's first use: the image's content at the destination is copied
 * in (when the volume is empty), and :U hands it to the container's user.
 * Runs as root of the container's user namespace, so owners are kept.  */
static int
fill_volume (int rootfd, const struct run_spec *spec, const struct mount_spec *m, galley_error_t *err)
{
  _cleanup_close_ int vol = open (m->source, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

  if (vol < 0)
    return galley_error_make (err, errno, "opening volume %s", m->source);
  if (m->copy_up)
    {
      _cleanup_close_ int image_dir =
          mounts_open_in_root (rootfd, m->destination, O_RDONLY | O_DIRECTORY, RESOLVE_NO_MAGICLINKS);
      if (image_dir >= 0 && volume_copy_up (image_dir, vol, err) < 0)
        return galley_error_wrap (err, "copying %s into its volume", m->destination);
    }
  if (m->set_owner && fchown (vol, m->owner_uid, m->owner_gid) < 0)
    return galley_error_make (err, errno, "chown of the volume at %s to its o=uid=%u,gid=%u%s",
                              m->destination, (unsigned)m->owner_uid, (unsigned)m->owner_gid,
                              errno == EINVAL ? " (not mapped in the container's user namespace)" : "");
  /* With a single-id map every file already belongs to the one id there is.  */
  if (m->chown_to_user && spec->map.source != IDMAP_SOURCE_SINGLE)
    {
      struct passwd_user pu = { 0 };
      int r = passwd_resolve_user (rootfd, spec->user, &pu, err);
      if (r == 0)
        r = volume_chown_tree (vol, pu.uid, pu.gid, err);
      passwd_user_clear (&pu);
      if (r < 0)
        return galley_error_wrap (err, "chown of the volume at %s", m->destination);
    }
  return 0;
}

/* Whether the tmpfs options name key ("mode" in "size=1m,mode=700").  */
static bool
tmpfs_option_given (const char *data, const char *key)
{
  size_t n = strlen (key);
  const char *p;

  for (p = data; p != NULL && *p != '\0'; p = strchr (p, ','), p = p ? p + 1 : NULL)
    if (strncmp (p, key, n) == 0 && p[n] == '=')
      return true;
  return false;
}

/* tmpcopyup, as runc's: the new tmpfs starts with what the image (or a
 * `cp` into the container before it started) has at its destination, and
 * the mode and owner of that directory unless its options name them.  */
static int
tmpfs_mount (int rootfd, const struct mount_spec *m, int target_fd, galley_error_t *err)
{
  _cleanup_close_ int below = -1, tmpfs = -1;
  struct mount_attr ro = { .attr_set = MOUNT_ATTR_RDONLY };
  unsigned attrs = attrs_of (m);
  struct stat given;

  if (m->copy_up)
    below = openat (target_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  /* a read-only tmpfs is filled first, then made read-only */
  if (mounts_fs_at ("tmpfs", m->data, below >= 0 ? attrs & ~MOUNT_ATTR_RDONLY : attrs, target_fd, err) < 0)
    return galley_error_wrap (err, "mounting tmpfs on %s", m->destination);
  if (below < 0)
    return 0;
  tmpfs = mounts_open_in_root (rootfd, m->destination, O_RDONLY | O_DIRECTORY, RESOLVE_NO_MAGICLINKS);
  if (tmpfs < 0 || fstat (tmpfs, &given) < 0)
    return galley_error_make (err, errno, "opening the tmpfs on %s", m->destination);
  if (volume_copy_up (below, tmpfs, err) < 0)
    return galley_error_wrap (err, "copying %s into its tmpfs", m->destination);
  if (tmpfs_option_given (m->data, "mode") && fchmod (tmpfs, given.st_mode & 07777) < 0)
    return galley_error_make (err, errno, "setting the mode of the tmpfs on %s", m->destination);
  if ((tmpfs_option_given (m->data, "uid") || tmpfs_option_given (m->data, "gid"))
      && fchown (tmpfs, given.st_uid, given.st_gid) < 0)
    return galley_error_make (err, errno, "setting the owner of the tmpfs on %s", m->destination);
  if ((attrs & MOUNT_ATTR_RDONLY) && mount_setattr (tmpfs, "", AT_EMPTY_PATH, &ro, sizeof ro) < 0)
    return galley_error_make (err, errno, "making the tmpfs on %s read-only", m->destination);
  return 0;
}

/* A secret's copy gets the owner and mode its --secret asks for (under a
 * single-id map every file is the one id's), as root of the container's
 * user namespace, before its read-only mount.  */
static int
secret_prepare (const struct run_spec *spec, const struct mount_spec *m, galley_error_t *err)
{
  _cleanup_close_ int fd = open (m->source, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC);
  struct stat st;

  if (fd < 0 || fstat (fd, &st) < 0)
    return galley_error_make (err, errno, "opening the secret for %s", m->destination);
  if (! S_ISREG (st.st_mode))
    return galley_error_make (err, EINVAL, "the secret for %s is not a regular file", m->destination);
  if (spec->map.source != IDMAP_SOURCE_SINGLE && fchown (fd, m->owner_uid, m->owner_gid) < 0)
    return galley_error_make (err, errno, "chown of the secret at %s to %u:%u%s", m->destination,
                              (unsigned)m->owner_uid, (unsigned)m->owner_gid,
                              errno == EINVAL ? " (not mapped in the container's user namespace)" : "");
  if (fchmod (fd, m->secret_mode) < 0)
    return galley_error_make (err, errno, "chmod of the secret at %s", m->destination);
  return 0;
}

static int
user_mount (int rootfd, const struct run_spec *spec, const struct mount_spec *m, galley_error_t *err)
{
  _cleanup_close_ int fd = -1;
  struct stat st;
  bool dir = true;

  if (m->secret && secret_prepare (spec, m, err) < 0)
    return -1;
  if (m->kind == MOUNT_KIND_BIND)
    {
      if (stat (m->source, &st) < 0)
        return galley_error_make (err, errno, "statfs %s", m->source);
      dir = S_ISDIR (st.st_mode);
    }
  fd = mounts_resolve_target (rootfd, m->destination, dir, err);
  if (fd < 0)
    return galley_error_wrap (err, "mounting %s", m->destination);
  if (m->kind == MOUNT_KIND_TMPFS)
    return tmpfs_mount (rootfd, m, fd, err);
  if (mounts_bind_at (m->source, m->recursive, attrs_of (m), fd, err) < 0)
    return galley_error_wrap (err, "mounting %s on %s", m->source, m->destination);
  return 0;
}

int
mounts_fill_volumes (int rootfd, const struct run_spec *spec, galley_error_t *err)
{
  size_t i;

  for (i = 0; i < spec->n_mounts; i++)
    if (spec->mounts[i].kind == MOUNT_KIND_BIND
        && (spec->mounts[i].copy_up || spec->mounts[i].chown_to_user || spec->mounts[i].set_owner)
        && fill_volume (rootfd, spec, &spec->mounts[i], err) < 0)
      return -1;
  return 0;
}

int
mounts_user (int rootfd, const struct run_spec *spec, galley_error_t *err)
{
  static const char *const ro_tmpfs[][2] = { { "/run", "mode=755" },
                                             { "/tmp", "mode=1777" },
                                             { "/var/tmp", "mode=1777" } };
  size_t i;

  if (spec->read_only)
    for (i = 0; i < sizeof ro_tmpfs / sizeof ro_tmpfs[0]; i++)
      if (! mounts_user_mount_at (spec, ro_tmpfs[i][0])
          && fs_at_path (rootfd, ro_tmpfs[i][0], "tmpfs", ro_tmpfs[i][1],
                         MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV, err)
                 < 0)
        return -1;
  if (bind_state_file (rootfd, spec, "hosts", "/etc/hosts", err) < 0
      || bind_state_file (rootfd, spec, "resolv.conf", "/etc/resolv.conf", err) < 0
      || bind_state_file (rootfd, spec, "hostname", "/etc/hostname", err) < 0
      || bind_state_file (rootfd, spec, ".containerenv", "/run/.containerenv", err) < 0)
    return -1;
  for (i = 0; i < spec->n_mounts; i++)
    if (user_mount (rootfd, spec, &spec->mounts[i], err) < 0)
      return -1;
  return 0;
}

int
mounts_root_readonly (int rootfd, galley_error_t *err)
{
  struct mount_attr a = { .attr_set = MOUNT_ATTR_RDONLY };

  if (mount_setattr (rootfd, "", AT_EMPTY_PATH, &a, sizeof a) < 0)
    return galley_error_make (err, errno, "making the root filesystem read-only");
  return 0;
}
