/* Unit tests of masked and read-only paths over a fake rootfs, in a child
 * that owns a user and mount namespace; a symlink in the image must not
 * redirect a mask to the host.  */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "runtime/masks.h"
#include "util/fs.h"
#include "userns-child.h"

static char rootfs[] = "/tmp/galley-test-masks-XXXXXX";
static char outside[] = "/tmp/galley-test-masks-host-XXXXXX";

static void
put (const char *rel, const char *text)
{
  char path[512];
  FILE *f;

  snprintf (path, sizeof path, "%s/%s", rootfs, rel);
  if (text == NULL)
    {
      assert_int_equal (mkdir (path, 0755), 0);
      return;
    }
  f = fopen (path, "w");
  assert_non_null (f);
  fputs (text, f);
  fclose (f);
}

static int
setup (void **state)
{
  char path[512], link[512];
  FILE *f;

  if (mkdtemp (rootfs) == NULL || mkdtemp (outside) == NULL)
    return -1;
  put ("proc", NULL);
  put ("proc/kcore", "secret");
  put ("proc/acpi", NULL);
  put ("proc/acpi/x", "acpi");
  put ("proc/sys", NULL);
  put ("proc/sys/knob", "1");
  put ("proc/sysrq-trigger", "");
  put ("sys", NULL);
  put ("sys/firmware", NULL);
  snprintf (path, sizeof path, "%s/keys", outside);
  f = fopen (path, "w");
  fputs ("host", f);
  fclose (f);
  /* the image points /proc/keys at a host path: it must resolve inside */
  snprintf (link, sizeof link, "%s/proc/keys", rootfs);
  return symlink (path, link);
}

static int
teardown (void **state)
{
  galley_error_t err = NULL;

  fs_remove_tree (AT_FDCWD, rootfs, &err);
  galley_error_release (&err);
  fs_remove_tree (AT_FDCWD, outside, &err);
  galley_error_release (&err);
  return 0;
}

static ssize_t
read_at (const char *rel, char *buf, size_t size)
{
  char path[512];
  ssize_t r;
  int fd;

  snprintf (path, sizeof path, "%s/%s", rel[0] == '/' ? "" : rootfs, rel);
  fd = open (path, O_RDONLY);
  if (fd < 0)
    return -errno;
  r = read (fd, buf, size - 1);
  close (fd);
  if (r >= 0)
    buf[r] = '\0';
  return r;
}

static int
open_errno (const char *rel, int flags)
{
  char path[512];
  int fd;

  snprintf (path, sizeof path, "%s/%s", rootfs, rel);
  fd = open (path, flags, 0644);
  if (fd < 0)
    return errno;
  close (fd);
  return 0;
}

/* The checks, in the child; the failing step's number, 0 if all held.  */
static int
child_checks (bool privileged)
{
  galley_error_t err = NULL;
  char buf[64], host_keys[512];
  int root_fd;

  if (enter_userns_and_mountns () < 0)
    return 77;
  root_fd = open (rootfs, O_PATH | O_DIRECTORY);
  if (masks_apply (root_fd, privileged, &err) < 0)
    {
      fprintf (stderr, "%s\n", err->msg);
      return 1;
    }
  if (privileged)
    return read_at ("proc/kcore", buf, sizeof buf) == 6 && open_errno ("proc/sys/knob", O_WRONLY) == 0 ? 0
                                                                                                       : 2;
  if (read_at ("proc/kcore", buf, sizeof buf) != 0)
    return 3;
  if (read_at ("proc/acpi/x", buf, sizeof buf) != -ENOENT)
    return 4;
  if (open_errno ("proc/acpi/new", O_WRONLY | O_CREAT) != EROFS)
    return 5;
  if (open_errno ("proc/sys/knob", O_WRONLY) != EROFS || read_at ("proc/sys/knob", buf, sizeof buf) != 1)
    return 6;
  if (open_errno ("proc/sysrq-trigger", O_WRONLY) != EROFS)
    return 7;
  if (open_errno ("sys/firmware/f", O_WRONLY | O_CREAT) != EROFS)
    return 8;
  snprintf (host_keys, sizeof host_keys, "%s/keys", outside);
  if (read_at (host_keys, buf, sizeof buf) != 4 || strcmp (buf, "host") != 0)
    return 9;
  return 0;
}

static void
run_child (bool privileged)
{
  int status;
  pid_t pid = fork ();

  assert_true (pid >= 0);
  if (pid == 0)
    _exit (child_checks (privileged));
  assert_int_equal (waitpid (pid, &status, 0), pid);
  assert_true (WIFEXITED (status));
  if (WEXITSTATUS (status) == 77)
    skip ();
  assert_int_equal (WEXITSTATUS (status), 0);
}

static void
test_masks_applied (void **state)
{
  run_child (false);
}

static void
test_privileged_masks_nothing (void **state)
{
  run_child (true);
}

static void
test_lists (void **state)
{
  size_t n;

  for (n = 0; masks_masked_paths[n] != NULL; n++)
    assert_true (masks_masked_paths[n][0] == '/');
  assert_int_equal (n, 12);
  for (n = 0; masks_readonly_paths[n] != NULL; n++)
    ;
  assert_int_equal (n, 6);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_lists),
    cmocka_unit_test (test_masks_applied),
    cmocka_unit_test (test_privileged_masks_nothing),
  };

  return cmocka_run_group_tests (tests, setup, teardown);
}
