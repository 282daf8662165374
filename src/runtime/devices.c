/* --device: podman's syntax (HOST[:CONTAINER][:PERMS]) and the rootless way
 * to give a container a device: bind-mount the host node onto a file created
 * inside the rootfs, every path component resolved inside the root.  */
#define _GNU_SOURCE
#include "config.h"
#include "runtime/devices.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/fs.h"

void
device_spec_clear (struct device_spec *d)
{
  free (d->host_path);
  free (d->container_path);
  memset (d, 0, sizeof *d);
}

int
device_spec_copy (const struct device_spec *src, struct device_spec *dst, galley_error_t *err)
{
  *dst = *src;
  dst->host_path = strdup (src->host_path);
  dst->container_path = strdup (src->container_path);
  if (dst->host_path == NULL || dst->container_path == NULL)
    {
      device_spec_clear (dst);
      return galley_error_make (err, ENOMEM, "device");
    }
  return 0;
}

/* 1 to 3 of 'r', 'w', 'm', none twice (podman's IsValidDeviceMode).  */
static bool
valid_mode (const char *s, size_t len)
{
  bool seen[3] = { false, false, false };
  size_t i;

  if (len == 0 || len > 3)
    return false;
  for (i = 0; i < len; i++)
    {
      const char *p = strchr ("rwm", s[i]);

      if (s[i] == '\0' || p == NULL || seen[p - "rwm"])
        return false;
      seen[p - "rwm"] = true;
    }
  return true;
}

int
device_parse (const char *spec, struct device_spec *out, galley_error_t *err)
{
  _cleanup_free_ char *copy = strdup (spec);
  char *parts[4] = { NULL, NULL, NULL, NULL }, *p;
  size_t n = 0;
  const char *dst = NULL, *perms = "rwm";

  memset (out, 0, sizeof *out);
  if (copy == NULL)
    return galley_error_make (err, ENOMEM, "device");
  for (p = copy; n < 4; n++)
    {
      parts[n] = p;
      p = strchr (p, ':');
      if (p == NULL)
        {
          n++;
          break;
        }
      *p++ = '\0';
    }
  if (n > 3)
    return galley_error_make (err, 0, "invalid device specification: %s", spec);
  if (n == 3)
    {
      if (! valid_mode (parts[2], strlen (parts[2])))
        return galley_error_make (err, 0, "invalid device mode: %s", parts[2]);
      perms = parts[2];
    }
  if (n >= 2)
    {
      if (valid_mode (parts[1], strlen (parts[1])))
        perms = parts[1];
      else if (parts[1][0] != '/')
        return galley_error_make (err, 0, "invalid device mode: %s", parts[1]);
      else
        dst = parts[1];
    }
  if (parts[0][0] != '/')
    return galley_error_make (err, 0, "invalid device specification: %s: the host path must be absolute",
                              spec);
  out->host_path = strdup (parts[0]);
  out->container_path = strdup (dst != NULL ? dst : parts[0]);
  if (out->host_path == NULL || out->container_path == NULL)
    {
      device_spec_clear (out);
      return galley_error_make (err, ENOMEM, "device");
    }
  snprintf (out->perms, sizeof out->perms, "%s", perms);
  return 0;
}

static int
open_in_root (int root_fd, const char *path, int flags)
{
  return fs_open_in_root (root_fd, path, flags, RESOLVE_NO_MAGICLINKS);
}

/* mkdir -p of the parent of path inside root_fd; returns an O_PATH fd of the
 * parent and points *base at the last component.  A symlink met on the way
 * resolves inside the root, never outside.  */
static int
make_parents (int root_fd, char *path, char **base, galley_error_t *err)
{
  _cleanup_close_ int dir_fd = open_in_root (root_fd, "/", O_PATH | O_DIRECTORY);
  char *slash, *comp = path;

  if (dir_fd < 0)
    return galley_error_make (err, errno, "open the container root");
  while (*comp == '/')
    comp++;
  while ((slash = strchr (comp, '/')) != NULL)
    {
      *slash = '\0';
      if (*comp != '\0' && mkdirat (dir_fd, comp, 0755) < 0 && errno != EEXIST)
        return galley_error_make (err, errno, "creating %s in the container", path);
      close (dir_fd);
      /* reopen by the whole prefix, resolved in the root */
      dir_fd = open_in_root (root_fd, path, O_PATH | O_DIRECTORY);
      if (dir_fd < 0)
        return galley_error_make (err, errno, "opening %s in the container", path);
      *slash = '/';
      comp = slash + 1;
    }
  if (*comp == '\0')
    return galley_error_make (err, EINVAL, "device path %s", path);
  *base = comp;
  return steal_fd (&dir_fd);
}

static int
bind_one (int root_fd, const struct device_spec *d, galley_error_t *err)
{
  _cleanup_free_ char *path = strdup (d->container_path);
  _cleanup_close_ int parent_fd = -1, target_fd = -1;
  char *base = NULL, target[64];
  struct stat st;

  if (path == NULL)
    return galley_error_make (err, ENOMEM, "device");
  if (stat (d->host_path, &st) < 0)
    return galley_error_make (err, errno, "device %s", d->host_path);
  if (! S_ISCHR (st.st_mode) && ! S_ISBLK (st.st_mode))
    return galley_error_make (err, 0, "%s is not a device", d->host_path);
  parent_fd = make_parents (root_fd, path, &base, err);
  if (parent_fd < 0)
    return -1;
  /* the mount point: an empty regular file (mknod never opens what may
   * already be there); an existing file is reused, a symlink refused */
  if (mknodat (parent_fd, base, S_IFREG | 0600, 0) < 0 && errno != EEXIST)
    return galley_error_make (err, errno, "creating %s in the container", d->container_path);
  target_fd = openat (parent_fd, base, O_PATH | O_NOFOLLOW | O_CLOEXEC);
  if (target_fd < 0)
    return galley_error_make (err, errno, "opening %s in the container", d->container_path);
  if (fstat (target_fd, &st) < 0 || S_ISLNK (st.st_mode) || S_ISDIR (st.st_mode))
    return galley_error_make (err, 0, "%s in the container is not a file", d->container_path);
  snprintf (target, sizeof target, "/proc/self/fd/%d", target_fd);
  if (mount (d->host_path, target, NULL, MS_BIND, NULL) < 0)
    return galley_error_make (err, errno, "binding device %s to %s", d->host_path, d->container_path);
  return 0;
}

int
devices_bind (int rootfs_fd, const struct device_spec *devs, size_t n, galley_error_t *err)
{
  size_t i;

  for (i = 0; i < n; i++)
    if (bind_one (rootfs_fd, &devs[i], err) < 0)
      return -1;
  return 0;
}
