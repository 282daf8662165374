/* Unit tests of capability names, podman's set arithmetic and the
 * application in a child (in a fresh user namespace, or as real root for the
 * uid switch).  */
#define _GNU_SOURCE
#include "config.h"

#include <errno.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "runtime/caps.h"

static void
test_names (void **state)
{
  const char *ok[] = { "CAP_NET_ADMIN", "NET_ADMIN", "net_admin", "cap_net_admin", "Cap_Net_Admin" };
  const char *bad[] = { "", "CAP_", "NET_ADMINX", "12", "CAP_FOO", "ALL" };
  size_t i;
  int cap;

  for (i = 0; i < sizeof ok / sizeof ok[0]; i++)
    {
      galley_error_t err = NULL;

      assert_int_equal (caps_from_name (ok[i], &cap, &err), 0);
      assert_int_equal (cap, CAP_NET_ADMIN);
    }
  for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
    {
      _cleanup_error_ galley_error_t err = NULL;
      char want[64];

      assert_int_equal (caps_from_name (bad[i], &cap, &err), -1);
      snprintf (want, sizeof want, "unknown capability \"%s\"", bad[i]);
      assert_string_equal (err->msg, want);
    }
  {
    _cleanup_error_ galley_error_t err = NULL;

    assert_int_equal (caps_from_name ("NET\nADMIN\x01", &cap, &err), -1);
    assert_string_equal (err->msg, "unknown capability \"NET?ADMIN?\"");
  }
  assert_true (caps_is_all ("all") && caps_is_all ("ALL") && ! caps_is_all ("CAP_ALL"));
  assert_string_equal (caps_to_name (CAP_CHOWN), "CAP_CHOWN");
  assert_string_equal (caps_to_name (CAP_SYS_CHROOT), "CAP_SYS_CHROOT");
  assert_null (caps_to_name (-1));
  assert_null (caps_to_name (64));
}

static void
test_default_and_format (void **state)
{
  char *s = caps_format (caps_default ());

  assert_int_equal (__builtin_popcountll (caps_default ()), 11);
  assert_string_equal (s, "CAP_CHOWN,CAP_DAC_OVERRIDE,CAP_FOWNER,CAP_FSETID,CAP_KILL,CAP_SETGID,"
                          "CAP_SETUID,CAP_SETPCAP,CAP_NET_BIND_SERVICE,CAP_SYS_CHROOT,CAP_SETFCAP");
  free (s);
  s = caps_format (0);
  assert_string_equal (s, "");
  free (s);
}

static struct caps_set
compute_ok (const char *const *add, const char *const *drop, bool privileged, bool root)
{
  struct caps_set set;
  galley_error_t err = NULL;

  if (caps_compute (add, drop, privileged, root, &set, &err) < 0)
    fail_msg ("%s", err->msg);
  return set;
}

static void
test_compute (void **state)
{
  const char *net_admin[] = { "net_admin", NULL };
  const char *chown_[] = { "CAP_CHOWN", NULL };
  const char *all[] = { "ALL", NULL };
  const char *net_raw[] = { "NET_RAW", NULL };
  uint64_t all_caps = caps_all ();
  struct caps_set s;

  s = compute_ok (NULL, NULL, false, true);
  assert_true (s.bounding == caps_default () && s.effective == caps_default () && s.ambient == 0);

  s = compute_ok (net_admin, chown_, false, true);
  assert_true (s.bounding == ((caps_default () | CAPS_BIT (CAP_NET_ADMIN)) & ~CAPS_BIT (CAP_CHOWN)));
  assert_true (s.effective == s.bounding && s.ambient == 0);

  s = compute_ok (net_raw, all, false, true);
  assert_true (s.bounding == CAPS_BIT (CAP_NET_RAW));

  s = compute_ok (all, chown_, false, true);
  assert_true (s.bounding == (all_caps & ~CAPS_BIT (CAP_CHOWN)));

  s = compute_ok (NULL, NULL, true, true);
  assert_true (s.bounding == all_caps && s.effective == all_caps);

  s = compute_ok (NULL, chown_, true, true);
  assert_true (s.bounding == (all_caps & ~CAPS_BIT (CAP_CHOWN)));

  /* a non-root user: only what was added by name, carried by ambient */
  s = compute_ok (NULL, NULL, false, false);
  assert_true (s.bounding == caps_default () && s.effective == 0 && s.ambient == 0);
  s = compute_ok (net_raw, NULL, false, false);
  assert_true (s.effective == CAPS_BIT (CAP_NET_RAW) && s.ambient == CAPS_BIT (CAP_NET_RAW));
  assert_true (s.bounding & CAPS_BIT (CAP_NET_RAW));
  s = compute_ok (NULL, NULL, true, false);
  assert_true (s.bounding == all_caps && s.effective == 0);
}

static void
test_compute_errors (void **state)
{
  const char *all[] = { "all", NULL };
  const char *chown_[] = { "chown", NULL };
  const char *bad[] = { "NET_ADMIN", "SYS_FLY", NULL };
  struct caps_set s;
  struct
  {
    const char *const *add, *const *drop;
    const char *msg;
  } cases[] = {
    { all, all, "adding all caps and removing all caps not allowed" },
    { chown_, chown_, "capability \"CAP_CHOWN\" cannot be dropped and added" },
    { bad, NULL, "unknown capability \"SYS_FLY\"" },
    { NULL, bad, "unknown capability \"SYS_FLY\"" },
  };
  size_t i;

  for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
    {
      _cleanup_error_ galley_error_t err = NULL;

      assert_int_equal (caps_compute (cases[i].add, cases[i].drop, false, true, &s, &err), -1);
      assert_string_equal (err->msg, cases[i].msg);
    }
}

/* The Cap* line of /proc/self/status.  */
static uint64_t
status_caps (const char *key)
{
  FILE *f = fopen ("/proc/self/status", "r");
  char line[256];
  unsigned long long v = ~0ULL;

  assert_non_null (f);
  while (fgets (line, sizeof line, f) != NULL)
    if (strncmp (line, key, strlen (key)) == 0 && line[strlen (key)] == ':')
      v = strtoull (line + strlen (key) + 1, NULL, 16);
  fclose (f);
  return v;
}

/* 0 when the child saw what it expected; the failing step otherwise.  */
static int
wait_child (pid_t pid)
{
  int status;

  assert_int_equal (waitpid (pid, &status, 0), pid);
  assert_true (WIFEXITED (status));
  return WEXITSTATUS (status);
}

static void
test_apply_as_container_root (void **state)
{
  pid_t pid = fork ();

  assert_true (pid >= 0);
  if (pid == 0)
    {
      struct caps_set set = { caps_default (), caps_default (), 0 };
      galley_error_t err = NULL;

      /* a fresh user namespace: full capabilities there, none on the host */
      if (unshare (CLONE_NEWUSER) < 0)
        _exit (77);
      if (caps_apply_before_setuid (&set, &err) < 0)
        _exit (1);
      if (status_caps ("CapBnd") != caps_default ())
        _exit (2);
      if (caps_apply_after_setuid (&set, &err) < 0)
        _exit (3);
      if (status_caps ("CapEff") != caps_default () || status_caps ("CapPrm") != caps_default ()
          || status_caps ("CapInh") != 0 || status_caps ("CapAmb") != 0)
        _exit (4);
      _exit (0);
    }
  switch (wait_child (pid))
    {
    case 77:
      skip ();
      break;
    case 0:
      break;
    default:
      fail ();
    }
}

static void
test_apply_non_root_user (void **state)
{
  pid_t pid;

  if (geteuid () != 0)
    skip ();
  pid = fork ();
  assert_true (pid >= 0);
  if (pid == 0)
    {
      const char *add[] = { "NET_RAW", NULL };
      struct caps_set set;
      galley_error_t err = NULL;

      if (caps_compute (add, NULL, false, false, &set, &err) < 0)
        _exit (1);
      if (caps_apply_before_setuid (&set, &err) < 0)
        _exit (2);
      if (setresgid (1000, 1000, 1000) < 0 || setresuid (1000, 1000, 1000) < 0)
        _exit (3);
      if (caps_apply_after_setuid (&set, &err) < 0)
        _exit (4);
      if (status_caps ("CapEff") != CAPS_BIT (CAP_NET_RAW) || status_caps ("CapAmb") != CAPS_BIT (CAP_NET_RAW)
          || status_caps ("CapBnd") != set.bounding)
        _exit (5);
      /* ambient survives execve for a non-root user: check in the new image */
      execl ("/bin/sh", "sh", "-c", "grep -q '^CapAmb:.*0000000000002000$' /proc/self/status", (char *)NULL);
      _exit (6);
    }
  assert_int_equal (wait_child (pid), 0);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_names),
    cmocka_unit_test (test_default_and_format),
    cmocka_unit_test (test_compute),
    cmocka_unit_test (test_compute_errors),
    cmocka_unit_test (test_apply_as_container_root),
    cmocka_unit_test (test_apply_non_root_user),
  };

  return cmocka_run_group_tests (tests, NULL, NULL);
}
