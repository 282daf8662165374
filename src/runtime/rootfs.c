/* Choosing and mounting the container's root filesystem (see rootfs.h;
 * the native overlay is mounts_overlay_at's).  */
#include "config.h"
#include "runtime/rootfs.h"
#include "state/galley_config.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runtime/helpers.h"
#include "runtime/mounts.h"
#include "runtime/rootfs_fuse.h"
#include "runtime/rootfs_squash.h"
#include "runtime/storage_probe.h"
#include "util/cleanup.h"
#include "util/fs.h"

#define CACHE_NAME "rootfs-method"

const char *
rootfs_method_name (enum rootfs_method m)
{
  switch (m)
    {
    case ROOTFS_METHOD_NATIVE:
      return "native";
    case ROOTFS_METHOD_FUSE:
      return "fuse-overlayfs";
    case ROOTFS_METHOD_COPY:
      return "copy";
    case ROOTFS_METHOD_DIR:
      return "rootfs-dir";
    case ROOTFS_METHOD_EMPTY:
      return "empty";
    }
  return "unknown";
}

static int
method_from_name (const char *name, enum rootfs_method *out)
{
  if (strcmp (name, "native") == 0 || strcmp (name, "overlay") == 0)
    *out = ROOTFS_METHOD_NATIVE;
  else if (strcmp (name, "fuse-overlayfs") == 0 || strcmp (name, "fuse") == 0)
    *out = ROOTFS_METHOD_FUSE;
  else if (strcmp (name, "copy") == 0 || strcmp (name, "vfs") == 0)
    *out = ROOTFS_METHOD_COPY;
  else
    return -1;
  return 0;
}

static bool
fuse_usable (char **why)
{
  _cleanup_free_ char *bin = helper_find ("fuse-overlayfs");
  int fd;

  if (bin == NULL)
    {
      *why = strdup ("fuse-overlayfs is not installed");
      return false;
    }
  fd = open ("/dev/fuse", O_RDWR | O_CLOEXEC);
  if (fd < 0)
    {
      if (asprintf (why, "/dev/fuse: %s", strerror (errno)) < 0)
        *why = NULL;
      return false;
    }
  close (fd);
  return true;
}

enum rootfs_method
rootfs_method_remapped (enum rootfs_method m)
{
  _cleanup_free_ char *why = NULL;

  if (m != ROOTFS_METHOD_NATIVE)
    return m;
  return fuse_usable (&why) ? ROOTFS_METHOD_FUSE : ROOTFS_METHOD_COPY;
}

static char cached_why[1024];

/* The cache: "METHOD\nWHY\nSTORAGE ROOT\n", valid for that root only.  */
static bool
read_cache (char *cache, const char *root, enum rootfs_method *out)
{
  char *why = strchr (cache, '\n'), *cached_root;

  if (why == NULL)
    return false;
  *why++ = '\0';
  cached_root = strchr (why, '\n');
  if (cached_root == NULL)
    return false;
  *cached_root++ = '\0';
  cached_root[strcspn (cached_root, "\n")] = '\0';
  if (strcmp (cached_root, root) != 0 || method_from_name (cache, out) < 0)
    return false;
  snprintf (cached_why, sizeof cached_why, "%s", why);
  return true;
}

/* Probe where the storage is: a native overlay mount if it works there,
 * else fuse-overlayfs, else a copy, which needs file owners that the
 * filesystem keeps.  */
static int
choose_by_probe (const struct galley_paths *p, const struct idmap *map, enum rootfs_method *out,
                 galley_error_t *err)
{
  _cleanup_free_ char *fuse_why = NULL;
  struct storage_probe sp;
  const char *lacks;
  char native_why[700];

  if (storage_probe_run (p, map, &sp, err) < 0)
    return galley_error_wrap (err, "probing the storage %s", p->root);
  if (sp.native_overlay)
    {
      *out = ROOTFS_METHOD_NATIVE;
      snprintf (cached_why, sizeof cached_why,
                "the kernel mounts overlay in a user namespace, with the storage on %s (probed)", sp.fs_type);
      return 0;
    }
  lacks = storage_probe_lacks (&sp);
  snprintf (native_why, sizeof native_why, "native overlay mount failed with the storage on %s%s%s%s: %s",
            sp.fs_type, lacks ? " (" : "", lacks ? lacks : "", lacks ? ")" : "", sp.why);
  if (fuse_usable (&fuse_why))
    {
      *out = ROOTFS_METHOD_FUSE;
      snprintf (cached_why, sizeof cached_why, "%s; fuse-overlayfs and /dev/fuse are usable", native_why);
      return 0;
    }
  if (! sp.owners)
    return galley_error_make (err, 0,
                              "the storage %s is on %s, which refuses file owners, and %s; fuse-overlayfs "
                              "is not usable (%s): install fuse-overlayfs, or keep the storage on a local "
                              "disk (--root, or [storage] rootless_storage_path in galley.conf)",
                              p->root, sp.fs_type, native_why, fuse_why ? fuse_why : "?");
  *out = ROOTFS_METHOD_COPY;
  snprintf (cached_why, sizeof cached_why, "%s; %s", native_why,
            fuse_why ? fuse_why : "fuse-overlayfs unusable");
  return 0;
}

int
rootfs_method_choose (const struct galley_paths *p, const struct idmap *map, enum rootfs_method *out,
                      const char **why, galley_error_t *err)
{
  _cleanup_free_ char *cache = NULL;
  _cleanup_close_ int runfd = -1;

  const char *env = getenv ("GALLEY_ROOTFS_METHOD");
  const struct galley_config *conf = galley_config_current ();
  if (env != NULL && *env != '\0')
    {
      if (method_from_name (env, out) < 0)
        return galley_error_make (err, 0,
                                  "GALLEY_ROOTFS_METHOD: unknown method \"%s\" "
                                  "(native, fuse-overlayfs, copy)",
                                  env);
      snprintf (cached_why, sizeof cached_why, "set by GALLEY_ROOTFS_METHOD");
      goto done;
    }
  if (conf->rootfs_method != NULL && strcmp (conf->rootfs_method, "auto") != 0)
    {
      const char *origin = galley_config_origin (conf, &conf->rootfs_method);
      if (method_from_name (conf->rootfs_method, out) < 0)
        return galley_error_make (err, 0, "%s: [storage] rootfs_method: unknown method \"%s\"",
                                  origin ? origin : "galley.conf", conf->rootfs_method);
      snprintf (cached_why, sizeof cached_why, "set by [storage] rootfs_method in %s",
                origin ? origin : "galley.conf");
      goto done;
    }
  runfd = open (p->runroot, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (runfd >= 0 && fs_read_file (runfd, CACHE_NAME, 4096, &cache, NULL, NULL) == 0
      && read_cache (cache, p->root, out))
    goto done;
  if (choose_by_probe (p, map, out, err) < 0)
    return -1;
  if (runfd >= 0)
    {
      _cleanup_free_ char *text = NULL;
      galley_error_t ignore = NULL;
      if (asprintf (&text, "%s\n%s\n%s\n", rootfs_method_name (*out), cached_why, p->root) >= 0)
        fs_write_atomic (runfd, CACHE_NAME, text, strlen (text), 0600, &ignore);
      galley_error_release (&ignore);
    }
done:
  if (why != NULL)
    *why = cached_why;
  return 0;
}

const char *
rootfs_method_explain (const struct galley_paths *p, const struct idmap *map)
{
  static char text[640];
  galley_error_t err = NULL;
  enum rootfs_method m;
  const char *why = NULL;

  if (rootfs_method_choose (p, map, &m, &why, &err) < 0)
    {
      snprintf (text, sizeof text, "unknown (%s)", err->msg);
      galley_error_release (&err);
      return text;
    }
  snprintf (text, sizeof text, "%s (%s)", rootfs_method_name (m), why);
  return text;
}

/* The daemon stays in the calling process's mount namespace; the
 * container goes on in a copy.  Otherwise pivot_root would move the
 * daemon's root and cwd too (it moves those of every process of the
 * namespace), into its own mount: its next absolute path
 * (/proc/self/fd/N) would wait on itself, and the container with it.  */
static int
leave_fuse_namespace (galley_error_t *err)
{
  if (unshare (CLONE_NEWNS) < 0)
    return galley_error_make (err, errno, "leaving the mount namespace of fuse-overlayfs");
  return 0;
}

static int
open_mounted (const struct run_spec *spec, galley_error_t *err)
{
  int fd = open (spec->mountpoint, O_PATH | O_DIRECTORY | O_CLOEXEC);

  if (fd < 0)
    return galley_error_make (err, errno, "opening the mounted rootfs");
  return fd;
}

/* The rootfs at spec->mountpoint from its lower dirs, already there.  */
static int
mount_assembled (const struct run_spec *spec, galley_error_t *err)
{
  _cleanup_close_ int target = -1;

  target = open (spec->mountpoint, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (target < 0)
    return galley_error_make (err, errno, "opening %s", spec->mountpoint);
  switch (spec->rootfs_method)
    {
    case ROOTFS_METHOD_NATIVE:
      if (mounts_overlay_at (spec->lower_dirs, spec->upper_dir, spec->work_dir, target, err) < 0)
        return galley_error_wrap (err, "mounting the rootfs");
      break;
    case ROOTFS_METHOD_FUSE:
      if (rootfs_fuse_mount (spec, err) < 0 || leave_fuse_namespace (err) < 0)
        return -1;
      break;
    case ROOTFS_METHOD_COPY:
    case ROOTFS_METHOD_DIR:
      if (mounts_bind_at (spec->rootfs_dir, true, 0, target, err) < 0)
        return galley_error_wrap (err, "mounting the rootfs");
      break;
    case ROOTFS_METHOD_EMPTY:
      if (mounts_fs_at ("tmpfs", "mode=0555,size=4k",
                        MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV, target, err)
          < 0)
        return galley_error_wrap (err, "mounting the rootfs");
      break;
    }
  return open_mounted (spec, err);
}

int
rootfs_mount (const struct run_spec *spec, galley_error_t *err)
{
  if (spec->squash_file != NULL && rootfs_squash_mount (spec, err) < 0)
    return -1;
  return mount_assembled (spec, err);
}

int
rootfs_mount_in_init (const struct run_spec *spec, galley_error_t *err)
{
  if (spec->rootfs_method != ROOTFS_METHOD_FUSE && spec->squash_file == NULL)
    return rootfs_mount (spec, err);
  /* the monitor's daemons have mounted the rootfs, or its lower dir */
  if (leave_fuse_namespace (err) < 0)
    return -1;
  if (spec->rootfs_method == ROOTFS_METHOD_FUSE)
    return open_mounted (spec, err);
  return mount_assembled (spec, err);
}
