/* Unit tests of --device parsing (podman's forms and errors) and of the
 * bind-mount implementation in a child owning a user and mount namespace.  */
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

#include "runtime/devices.h"
#include "util/fs.h"
#include "userns-child.h"

static void
expect_parse (const char *spec, const char *host, const char *ctr, const char *perms)
{
  struct device_spec d;
  galley_error_t err = NULL;

  if (device_parse (spec, &d, &err) < 0)
    fail_msg ("%s: %s", spec, err->msg);
  assert_string_equal (d.host_path, host);
  assert_string_equal (d.container_path, ctr);
  assert_string_equal (d.perms, perms);
  device_spec_clear (&d);
}

static void
test_parse (void **state)
{
  expect_parse ("/dev/fuse", "/dev/fuse", "/dev/fuse", "rwm");
  expect_parse ("/dev/fuse:/dev/f", "/dev/fuse", "/dev/f", "rwm");
  expect_parse ("/dev/fuse:r", "/dev/fuse", "/dev/fuse", "r");
  expect_parse ("/dev/fuse:/dev/f:rw", "/dev/fuse", "/dev/f", "rw");
  expect_parse ("/dev/fuse:mwr", "/dev/fuse", "/dev/fuse", "mwr");
}

static void
test_parse_errors (void **state)
{
  struct
  {
    const char *spec, *msg;
  } cases[] = {
    { "/dev/fuse:x", "invalid device mode: x" },
    { "/dev/fuse:rr", "invalid device mode: rr" },
    { "/dev/fuse:rwmr", "invalid device mode: rwmr" },
    { "/dev/fuse:/dev/f:rwx", "invalid device mode: rwx" },
    { "/dev/fuse:/dev/f:", "invalid device mode: " },
    { "/a:/b:r:w", "invalid device specification: /a:/b:r:w" },
    { "dev/fuse", "invalid device specification: dev/fuse: the host path must be absolute" },
    { "", "invalid device specification: : the host path must be absolute" },
  };
  size_t i;

  for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
    {
      struct device_spec d;
      _cleanup_error_ galley_error_t err = NULL;

      assert_int_equal (device_parse (cases[i].spec, &d, &err), -1);
      assert_string_equal (err->msg, cases[i].msg);
    }
}

static char rootfs[] = "/tmp/galley-test-devices-XXXXXX";
static char outside[] = "/tmp/galley-test-devices-host-XXXXXX";

static int
child_checks (void)
{
  struct device_spec devs[3] = {
    { "/dev/null", "/dev/mynull", "rwm" },
    { "/dev/zero", "/deep/er/zero", "r" },
    { "/dev/null", NULL, "rw" },
  };
  char want[600];
  struct stat host, st;
  galley_error_t err = NULL;
  char path[512], evil[512];
  int root_fd, fd;

  /* /evil -> a host directory: must be followed inside the rootfs only */
  snprintf (path, sizeof path, "%s/evil", rootfs);
  if (symlink (outside, path) < 0)
    return 1;
  snprintf (evil, sizeof evil, "/evil/null");
  devs[2].container_path = evil;
  if (enter_userns_and_mountns () < 0)
    return 77;
  root_fd = open (rootfs, O_PATH | O_DIRECTORY);
  if (devices_bind (root_fd, devs, 2, &err) < 0)
    {
      fprintf (stderr, "%s\n", err->msg);
      return 2;
    }
  /* a symlinked directory on the way resolves inside the rootfs, where its
   * target is missing: refused, and nothing appears on the host */
  if (devices_bind (root_fd, devs + 2, 1, &err) == 0)
    return 10;
  snprintf (want, sizeof want, "opening /evil in the container: %s", strerror (ENOENT));
  if (strcmp (err->msg, want) != 0)
    return 11;
  galley_error_release (&err);
  snprintf (path, sizeof path, "%s/dev/mynull", rootfs);
  if (stat ("/dev/null", &host) < 0 || stat (path, &st) < 0 || ! S_ISCHR (st.st_mode)
      || st.st_rdev != host.st_rdev)
    return 3;
  fd = open (path, O_WRONLY);
  if (fd < 0 || write (fd, "x", 1) != 1)
    return 4;
  close (fd);
  snprintf (path, sizeof path, "%s/deep/er/zero", rootfs);
  if (stat (path, &st) < 0 || ! S_ISCHR (st.st_mode))
    return 5;
  snprintf (path, sizeof path, "%s/null", outside);
  if (access (path, F_OK) == 0)
    return 7;
  /* not a device */
  devs[0].host_path = (char *)"/etc/hostname";
  if (devices_bind (root_fd, devs, 1, &err) == 0 || strcmp (err->msg, "/etc/hostname is not a device") != 0)
    return 9;
  return 0;
}

static void
test_bind (void **state)
{
  galley_error_t err = NULL;
  int status;
  pid_t pid;

  assert_non_null (mkdtemp (rootfs));
  assert_non_null (mkdtemp (outside));
  pid = fork ();
  assert_true (pid >= 0);
  if (pid == 0)
    _exit (child_checks ());
  assert_int_equal (waitpid (pid, &status, 0), pid);
  fs_remove_tree (AT_FDCWD, rootfs, &err);
  galley_error_release (&err);
  fs_remove_tree (AT_FDCWD, outside, &err);
  galley_error_release (&err);
  assert_true (WIFEXITED (status));
  if (WEXITSTATUS (status) == 77)
    skip ();
  assert_int_equal (WEXITSTATUS (status), 0);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_parse),
    cmocka_unit_test (test_parse_errors),
    cmocka_unit_test (test_bind),
  };

  return cmocka_run_group_tests (tests, NULL, NULL);
}
