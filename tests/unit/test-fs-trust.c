/* Unit tests of fs_path_trusted (util/fs_trust.h): modes, owners, sticky
 * directories and symlinks on the way.  */
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
#include <unistd.h>

#include <cmocka.h>

#include "util/cleanup.h"
#include "util/fs.h"
#include "util/fs_trust.h"

static char base[] = "/tmp/galley-test-trust-XXXXXX";

static const char *
at (const char *rel)
{
  static char path[4][256];
  static int i;

  i = (i + 1) % 4;
  snprintf (path[i], sizeof path[i], "%s/%s", base, rel);
  return path[i];
}

static int
setup (void **state)
{
  if (mkdtemp (base) == NULL || chmod (base, 0755) < 0)
    return -1;
  if (mkdir (at ("safe"), 0755) < 0 || mkdir (at ("open"), 0777) < 0 || chmod (at ("open"), 0777) < 0
      || mkdir (at ("sticky"), 0755) < 0 || chmod (at ("sticky"), 01777) < 0)
    return -1;
  if (mkdir (at ("open/sub"), 0755) < 0 || symlink (at ("open/sub"), at ("safe/via-open")) < 0
      || symlink ("../safe", at ("open/to-safe")) < 0 || symlink ("safe", at ("rel")) < 0)
    return -1;
  return 0;
}

static int
teardown (void **state)
{
  galley_error_t err = NULL;

  fs_remove_tree (AT_FDCWD, base, &err);
  galley_error_release (&err);
  return 0;
}

static void
expect_untrusted (const char *path, const char *why)
{
  _cleanup_error_ galley_error_t err = NULL;

  assert_int_equal (fs_path_trusted (path, &err), -1);
  assert_int_equal (galley_error_errno (&err), EPERM);
  assert_non_null (strstr (err->msg, why));
}

static void
test_modes (void **state)
{
  _cleanup_error_ galley_error_t err = NULL;

  assert_int_equal (fs_path_trusted (at ("safe"), &err), 0);
  assert_int_equal (fs_path_trusted (at ("rel"), &err), 0);
  expect_untrusted (at ("open"), "is writable by other users (mode 0777)");
  /* Everything below a directory anyone may change is in their hands.  */
  expect_untrusted (at ("open/sub"), "open is writable by other users");
  /* A sticky directory, as /tmp: not as the file itself, and above it
   * only when root's.  */
  expect_untrusted (at ("sticky"), "is writable by other users (mode 1777)");
  assert_int_equal (mkdir (at ("sticky/mine"), 0700), 0);
  if (geteuid () == 0)
    assert_int_equal (fs_path_trusted (at ("sticky/mine"), &err), 0);
  else
    expect_untrusted (at ("sticky/mine"), "sticky is writable by other users");
}

static void
test_symlinks (void **state)
{
  _cleanup_error_ galley_error_t err = NULL;

  /* The link is in a safe directory, its target is not.  */
  expect_untrusted (at ("safe/via-open"), "open is writable by other users");
  /* The target is safe, but the link could be changed.  */
  expect_untrusted (at ("open/to-safe"), "open is writable by other users");
  assert_int_equal (fs_path_trusted (at ("safe/../safe"), &err), 0);
}

static void
test_missing_and_owner (void **state)
{
  _cleanup_error_ galley_error_t err = NULL;

  assert_int_equal (fs_path_trusted (at ("safe/nothing/here"), &err), -1);
  assert_int_equal (galley_error_errno (&err), ENOENT);
  galley_error_release (&err);
  assert_int_equal (fs_path_trusted ("relative", &err), -1);
  galley_error_release (&err);
  if (geteuid () != 0)
    skip ();
  assert_int_equal (chown (at ("safe"), 12345, 0), 0);
  expect_untrusted (at ("safe"), "belongs to uid 12345");
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_modes),
    cmocka_unit_test (test_symlinks),
    cmocka_unit_test (test_missing_and_owner),
  };

  return cmocka_run_group_tests (tests, setup, teardown);
}
