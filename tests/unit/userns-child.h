/* Test helper: make the calling (forked) process root of a fresh user and
 * mount namespace, mapped to its own uid/gid, with private mounts, so that it
 * may mount over files the test created.  Returns -1 where user namespaces
 * are not available (the caller skips).  */
#ifndef GALLEY_TEST_USERNS_CHILD_H
#define GALLEY_TEST_USERNS_CHILD_H

#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

static inline int
write_proc_file (const char *path, const char *text)
{
  int fd = open (path, O_WRONLY);
  ssize_t r;

  if (fd < 0)
    return -1;
  r = write (fd, text, strlen (text));
  close (fd);
  return r == (ssize_t)strlen (text) ? 0 : -1;
}

static inline int
enter_userns_and_mountns (void)
{
  char map[64];
  uid_t uid = geteuid ();
  gid_t gid = getegid ();

  if (unshare (CLONE_NEWUSER | CLONE_NEWNS) < 0)
    return -1;
  snprintf (map, sizeof map, "0 %u 1\n", (unsigned)uid);
  if (write_proc_file ("/proc/self/uid_map", map) < 0)
    return -1;
  if (write_proc_file ("/proc/self/setgroups", "deny") < 0)
    return -1;
  snprintf (map, sizeof map, "0 %u 1\n", (unsigned)gid);
  if (write_proc_file ("/proc/self/gid_map", map) < 0)
    return -1;
  return mount (NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL);
}

#endif
