/* Unit tests of --user resolution against a fake rootfs: names, numbers,
 * groups, podman's errors, and an image that tries to point /etc/passwd
 * outside its root.  */
#include "config.h"

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

#include "runtime/passwd.h"
#include "runtime/passwd_add.h"
#include "util/fs.h"

static char rootfs[] = "/tmp/galley-test-passwd-XXXXXX";
static int rootfs_fd = -1;

static void
write_file (const char *rel, const char *text)
{
  char path[512];
  FILE *f;

  snprintf (path, sizeof path, "%s/%s", rootfs, rel);
  f = fopen (path, "w");
  assert_non_null (f);
  fputs (text, f);
  fclose (f);
}

static int
setup (void **state)
{
  char path[512];

  if (mkdtemp (rootfs) == NULL)
    return -1;
  snprintf (path, sizeof path, "%s/etc", rootfs);
  mkdir (path, 0755);
  write_file ("etc/passwd", "root:x:0:0:root:/root:/bin/sh\n"
                            "# a comment\n"
                            "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
                            "broken line without fields\n"
                            "bob:x:1000:1000:Bob:/home/bob:/bin/sh\n"
                            "nohome:x:1001:1001::\n"
                            "short:x:1002:1002\n");
  write_file ("etc/group", "root:x:0:root\n"
                           "wheel:x:10:root, bob\n"
                           "staff:x:50:\n"
                           "audio:x:29:alice,bob\n"
                           "bob:x:1000:\n"
                           "bad:x:notanumber:bob\n");
  rootfs_fd = open (rootfs, O_PATH | O_DIRECTORY);
  return rootfs_fd < 0 ? -1 : 0;
}

static int
teardown (void **state)
{
  galley_error_t err = NULL;

  close (rootfs_fd);
  fs_remove_tree (AT_FDCWD, rootfs, &err);
  galley_error_release (&err);
  return 0;
}

static struct passwd_user
resolve_ok (const char *spec)
{
  struct passwd_user u;
  galley_error_t err = NULL;

  if (passwd_resolve_user (rootfs_fd, spec, &u, &err) < 0)
    fail_msg ("%s: %s", spec, err->msg);
  return u;
}

static void
test_named_user_with_groups (void **state)
{
  struct passwd_user u = resolve_ok ("bob");

  assert_int_equal (u.uid, 1000);
  assert_int_equal (u.gid, 1000);
  assert_string_equal (u.name, "bob");
  assert_string_equal (u.home, "/home/bob");
  assert_int_equal (u.n_groups, 2);
  assert_int_equal (u.groups[0], 10);
  assert_int_equal (u.groups[1], 29);
  passwd_user_clear (&u);
}

static void
test_numeric_and_default (void **state)
{
  struct passwd_user u = resolve_ok (NULL);

  assert_int_equal (u.uid, 0);
  assert_int_equal (u.gid, 0);
  assert_string_equal (u.home, "/root");
  assert_int_equal (u.n_groups, 2); /* root, wheel */
  passwd_user_clear (&u);

  u = resolve_ok ("1000"); /* a number with an entry: the entry's gid and groups */
  assert_int_equal (u.gid, 1000);
  assert_int_equal (u.n_groups, 2);
  passwd_user_clear (&u);

  u = resolve_ok ("4242"); /* no entry: fine, gid 0, HOME / */
  assert_int_equal (u.uid, 4242);
  assert_int_equal (u.gid, 0);
  assert_null (u.name);
  assert_string_equal (u.home, "/");
  assert_int_equal (u.n_groups, 0);
  passwd_user_clear (&u);

  u = resolve_ok ("4242:4343");
  assert_int_equal (u.uid, 4242);
  assert_int_equal (u.gid, 4343);
  passwd_user_clear (&u);

  u = resolve_ok ("nohome");
  assert_string_equal (u.home, "/");
  passwd_user_clear (&u);

  u = resolve_ok ("short");
  assert_int_equal (u.uid, 1002);
  assert_string_equal (u.home, "/");
  passwd_user_clear (&u);
}

static void
test_explicit_group (void **state)
{
  struct passwd_user u = resolve_ok ("bob:staff");

  assert_int_equal (u.uid, 1000);
  assert_int_equal (u.gid, 50);
  assert_int_equal (u.n_groups, 0); /* an explicit group replaces the supplementary ones */
  passwd_user_clear (&u);

  u = resolve_ok (":wheel");
  assert_int_equal (u.uid, 0);
  assert_int_equal (u.gid, 10);
  passwd_user_clear (&u);
}

static void
expect_error (const char *spec, const char *msg)
{
  struct passwd_user u;
  _cleanup_error_ galley_error_t err = NULL;

  assert_int_equal (passwd_resolve_user (rootfs_fd, spec, &u, &err), -1);
  assert_string_equal (err->msg, msg);
  assert_null (u.home);
}

static void
test_errors (void **state)
{
  expect_error ("alice", "unable to find user alice: no matching entries in passwd file");
  expect_error ("bob:nogroup", "unable to find group nogroup: no matching entries in group file");
  expect_error ("bob:bad", "unable to find group bad: no matching entries in group file");
  expect_error ("bob:", "invalid user \"bob:\": empty group");
  expect_error ("4294967295", "unable to find user 4294967295: no matching entries in passwd file");
  expect_error ("-1", "unable to find user -1: no matching entries in passwd file");
}

static void
test_hostile_rootfs (void **state)
{
  char dir[] = "/tmp/galley-test-passwd-evil-XXXXXX", path[512], host[600];
  galley_error_t err = NULL;
  struct passwd_user u;
  FILE *f;
  int fd;

  assert_non_null (mkdtemp (dir));
  snprintf (path, sizeof path, "%s/etc", dir);
  assert_int_equal (mkdir (path, 0755), 0);
  /* a host file the image points at, absolutely and through "..": both must
   * resolve inside the rootfs (where they are missing) */
  snprintf (host, sizeof host, "%s.host-passwd", dir);
  f = fopen (host, "w");
  assert_non_null (f);
  fputs ("evil:x:0:0::/:/bin/sh\n", f);
  fclose (f);
  snprintf (path, sizeof path, "%s/etc/passwd", dir);
  assert_int_equal (symlink (host, path), 0);
  snprintf (path, sizeof path, "%s/etc/shadow", dir);
  snprintf (host, sizeof host, "../../../../../../../..%s.host-passwd", dir);
  assert_int_equal (symlink (host, path), 0);
  /* a fifo would block forever if opened naively */
  snprintf (path, sizeof path, "%s/etc/group", dir);
  assert_int_equal (mkfifo (path, 0644), 0);
  fd = open (dir, O_PATH | O_DIRECTORY);
  assert_true (fd >= 0);

  assert_int_equal (passwd_resolve_user (fd, "evil", &u, &err), -1);
  assert_string_equal (err->msg, "unable to find user evil: no matching entries in passwd file");
  galley_error_release (&err);
  /* the same file is reachable from outside, so only the resolution stopped it */
  assert_int_equal (access (host + strlen ("../../../../../../../.."), R_OK), 0);
  assert_int_equal (passwd_resolve_user (fd, "0:wheel", &u, &err), -1);
  assert_string_equal (err->msg, "/etc/group in the container is not a regular file");
  galley_error_release (&err);

  close (fd);
  snprintf (host, sizeof host, "%s.host-passwd", dir);
  unlink (host);
  fs_remove_tree (AT_FDCWD, dir, &err);
}

static void
test_spec_is_root (void **state)
{
  assert_true (passwd_spec_is_root (NULL));
  assert_true (passwd_spec_is_root (""));
  assert_true (passwd_spec_is_root ("root"));
  assert_true (passwd_spec_is_root ("0"));
  assert_true (passwd_spec_is_root ("0:10"));
  assert_true (passwd_spec_is_root ("root:wheel"));
  assert_true (passwd_spec_is_root (":wheel"));
  assert_false (passwd_spec_is_root ("00"));
  assert_false (passwd_spec_is_root ("bob"));
  assert_false (passwd_spec_is_root ("1000:0"));
  assert_false (passwd_spec_is_root ("rooter"));
}

static const char image_passwd[] = "root:x:0:0:root:/root:/bin/sh\n"
                                   "bob:x:1000:1000:Bob:/home/bob:/bin/sh\n";
static const char image_group[] = "root:x:0:\n"
                                  "staff:x:50:\n"
                                  "bob:x:1000:\n";

/* passwd_additions_compute's two texts for user (and keep, if any).  */
static void
assert_additions (const char *user, const struct passwd_host_user *keep, const char *passwd_add,
                  const char *group_add)
{
  struct passwd_additions a = { .user = user, .keep = keep, .keep_home = "/home/alice", .workdir = "/w" };
  char *pw = NULL, *gr = NULL;
  galley_error_t err = NULL;

  assert_int_equal (passwd_additions_compute (&a, image_passwd, image_group, &pw, &gr, &err), 0);
  assert_string_equal (pw, passwd_add);
  assert_string_equal (gr, group_add);
  free (pw);
  free (gr);
}

static void
test_additions_numeric_user (void **state)
{
  assert_additions (NULL, NULL, "", "");
  assert_additions ("bob", NULL, "", "");
  assert_additions ("1000", NULL, "", "");
  assert_additions ("2000", NULL, "2000:*:2000:0:container user:/w:/bin/sh\n", "2000:x:2000:2000\n");
  assert_additions ("2000:3000", NULL, "2000:*:2000:3000:container user:/w:/bin/sh\n", "3000:x:3000:2000\n");
  /* a group the image names: its gid, no group entry */
  assert_additions ("2000:staff", NULL, "2000:*:2000:50:container user:/w:/bin/sh\n", "");
  assert_additions ("2000:50", NULL, "2000:*:2000:50:container user:/w:/bin/sh\n", "");
  /* an unknown group name: no entry (resolving the user reports it) */
  assert_additions ("2000:nosuch", NULL, "", "");
  assert_additions ("bob:3000", NULL, "", "3000:x:3000:bob\n");
}

static void
test_additions_keep_id (void **state)
{
  struct passwd_host_user alice = { "alice", "Alice A", "/home/alice", "alices", 1500, 1600 };
  struct passwd_host_user bob = { "bob", "", "/home/bob", "staff", 1000, 50 };
  struct passwd_host_user by_id = { "other", "", "/home/other", "others", 1000, 1000 };

  assert_additions ("1500:1600", &alice, "alice:*:1500:1600:Alice A:/home/alice:/bin/sh\n",
                    "alices:x:1600:alice\n");
  /* named by the image already, by name or by id */
  assert_additions ("1000:50", &bob, "", "");
  assert_additions ("1000:1000", &by_id, "", "");
  /* --user beside keep-id: its own entry too */
  assert_additions ("3000", &alice,
                    "alice:*:1500:1600:Alice A:/home/alice:/bin/sh\n"
                    "3000:*:3000:0:container user:/w:/bin/sh\n",
                    "alices:x:1600:alice\n3000:x:3000:3000\n");
}

static void
test_lookup (void **state)
{
  uint32_t id = 0;

  assert_int_equal (passwd_lookup (image_passwd, "bob", &id), 1);
  assert_int_equal (id, 1000);
  assert_int_equal (passwd_lookup (image_passwd, "0", &id), 1);
  assert_int_equal (id, 0);
  assert_int_equal (passwd_lookup (image_passwd, "1001", &id), 0);
  assert_int_equal (passwd_lookup (NULL, "root", &id), 0);
  assert_int_equal (passwd_lookup ("# bob:x:7:7\nbroken\n", "bob", &id), 0);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_named_user_with_groups),
    cmocka_unit_test (test_numeric_and_default),
    cmocka_unit_test (test_explicit_group),
    cmocka_unit_test (test_errors),
    cmocka_unit_test (test_hostile_rootfs),
    cmocka_unit_test (test_spec_is_root),
    cmocka_unit_test (test_additions_numeric_user),
    cmocka_unit_test (test_additions_keep_id),
    cmocka_unit_test (test_lookup),
  };

  return cmocka_run_group_tests (tests, setup, teardown);
}
