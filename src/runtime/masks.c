/* podman's masked and read-only paths.  Every path is resolved inside the
 * container's root with openat2 (RESOLVE_IN_ROOT), and the mount goes onto
 * the resolved file through /proc/self/fd, so a symlink planted in the image
 * cannot redirect a mount to the host.  */
#define _GNU_SOURCE
#include "config.h"
#include "runtime/masks.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/fs.h"
#include "util/log.h"

const char *const masks_masked_paths[] = {
  "/proc/acpi",
  "/proc/kcore",
  "/proc/keys",
  "/proc/latency_stats",
  "/proc/sched_debug",
  "/proc/scsi",
  "/proc/timer_list",
  "/proc/timer_stats",
  "/proc/interrupts",
  "/sys/firmware",
  "/sys/fs/selinux",
  "/sys/devices/virtual/powercap",
  NULL,
};

const char *const masks_readonly_paths[] = {
  "/proc/asound", "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger", NULL,
};

/* An O_PATH fd for path (absolute, container view) inside root_fd; -1 with
 * errno set (ENOENT for a missing path).  */
static int
open_in_root (int root_fd, const char *path)
{
  return fs_open_in_root (root_fd, path, O_PATH, RESOLVE_NO_MAGICLINKS);
}

static void
fd_path (char *buf, size_t size, int fd)
{
  snprintf (buf, size, "/proc/self/fd/%d", fd);
}

static int
mask_one (int root_fd, const char *path, galley_error_t *err)
{
  _cleanup_close_ int fd = open_in_root (root_fd, path);
  char target[64];
  struct stat st;
  int r;

  if (fd < 0)
    {
      if (errno == ENOENT)
        return 0;
      return galley_error_make (err, errno, "masking %s: open", path);
    }
  if (fstat (fd, &st) < 0)
    return galley_error_make (err, errno, "masking %s: stat", path);
  fd_path (target, sizeof target, fd);
  if (S_ISDIR (st.st_mode))
    r = mount ("tmpfs", target, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=0555");
  else
    r = mount ("/dev/null", target, NULL, MS_BIND, NULL);
  if (r < 0)
    return galley_error_make (err, errno, "masking %s", path);
  return 0;
}

/* The flags a remount must repeat: the user namespace locks them on mounts
 * that came from a more privileged namespace, and a remount dropping them
 * fails with EPERM.  */
static unsigned long
locked_flags (int fd)
{
  struct statvfs sv;
  unsigned long flags = 0;

  if (fstatvfs (fd, &sv) < 0)
    return 0;
  if (sv.f_flag & ST_NOSUID)
    flags |= MS_NOSUID;
  if (sv.f_flag & ST_NODEV)
    flags |= MS_NODEV;
  if (sv.f_flag & ST_NOEXEC)
    flags |= MS_NOEXEC;
  if (sv.f_flag & ST_NOATIME)
    flags |= MS_NOATIME;
  if (sv.f_flag & ST_NODIRATIME)
    flags |= MS_NODIRATIME;
  if (sv.f_flag & ST_RELATIME)
    flags |= MS_RELATIME;
  return flags;
}

static int
readonly_one (int root_fd, const char *path, galley_error_t *err)
{
  _cleanup_close_ int fd = open_in_root (root_fd, path);
  _cleanup_close_ int mounted_fd = -1;
  char target[64];

  if (fd < 0)
    {
      if (errno == ENOENT)
        return 0;
      return galley_error_make (err, errno, "making %s read-only: open", path);
    }
  fd_path (target, sizeof target, fd);
  if (mount (target, target, NULL, MS_BIND | MS_REC, NULL) < 0)
    return galley_error_make (err, errno, "making %s read-only: bind", path);
  /* fd still names the covered file: the remount needs the new mount.  */
  mounted_fd = open_in_root (root_fd, path);
  if (mounted_fd < 0)
    return galley_error_make (err, errno, "making %s read-only: reopen", path);
  fd_path (target, sizeof target, mounted_fd);
  if (mount (NULL, target, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | locked_flags (mounted_fd), NULL) < 0)
    return galley_error_make (err, errno, "making %s read-only: remount", path);
  return 0;
}

int
masks_apply (int rootfs_fd, bool privileged, galley_error_t *err)
{
  _cleanup_close_ int own_root = -1;
  int root_fd = rootfs_fd;
  size_t i;

  if (privileged)
    return 0;
  if (root_fd < 0)
    {
      own_root = open ("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
      if (own_root < 0)
        return galley_error_make (err, errno, "open /");
      root_fd = own_root;
    }
  for (i = 0; masks_masked_paths[i] != NULL; i++)
    if (mask_one (root_fd, masks_masked_paths[i], err) < 0)
      return -1;
  for (i = 0; masks_readonly_paths[i] != NULL; i++)
    if (readonly_one (root_fd, masks_readonly_paths[i], err) < 0)
      return -1;
  return 0;
}
