/* Unit tests of --ulimit parsing (docker's syntax, one clear error per bad
 * input) and of applying, including the unprivileged hard-limit case.  */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "state/ulimit.h"

static void
test_parse (void **state)
{
  struct ulimit u;
  galley_error_t err = NULL;

  assert_int_equal (ulimit_parse ("nofile=1024:2048", &u, &err), 0);
  assert_int_equal (u.resource, RLIMIT_NOFILE);
  assert_int_equal (u.soft, 1024);
  assert_int_equal (u.hard, 2048);
  assert_int_equal (ulimit_parse ("core=0", &u, &err), 0);
  assert_int_equal (u.resource, RLIMIT_CORE);
  assert_int_equal (u.soft, 0);
  assert_int_equal (u.hard, 0);
  assert_int_equal (ulimit_parse ("nproc=-1", &u, &err), 0);
  assert_true (u.soft == RLIM_INFINITY && u.hard == RLIM_INFINITY);
  assert_int_equal (ulimit_parse ("stack=8192:-1", &u, &err), 0);
  assert_true (u.soft == 8192 && u.hard == RLIM_INFINITY);
  assert_string_equal (ulimit_name (RLIMIT_MSGQUEUE), "msgqueue");
  assert_string_equal (ulimit_name (RLIMIT_RTTIME), "rttime");
  assert_null (ulimit_name (-5));
}

static void
test_parse_errors (void **state)
{
  struct
  {
    const char *spec, *msg;
  } cases[] = {
    { "nofile", "invalid ulimit argument: nofile" },
    { "files=10", "invalid ulimit type: files" },
    { "=10", "invalid ulimit type: " },
    { "nofile=", "invalid ulimit argument: nofile=" },
    { "nofile=abc", "invalid ulimit argument: nofile=abc" },
    { "nofile=10:", "invalid ulimit argument: nofile=10:" },
    { "nofile=10:20:30", "invalid ulimit argument: nofile=10:20:30" },
    { "nofile=-2", "invalid ulimit argument: nofile=-2" },
    { "nofile= 10", "invalid ulimit argument: nofile= 10" },
    { "nofile=+10", "invalid ulimit argument: nofile=+10" },
    { "nofile=99999999999999999999", "invalid ulimit argument: nofile=99999999999999999999" },
    { "nofile=2048:1024", "ulimit soft limit must be less than or equal to hard limit: 2048 > 1024" },
    { "nofile=-1:1024", "ulimit soft limit must be less than or equal to hard limit: unlimited > 1024" },
  };
  size_t i;

  for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
    {
      struct ulimit u;
      _cleanup_error_ galley_error_t err = NULL;

      assert_int_equal (ulimit_parse (cases[i].spec, &u, &err), -1);
      assert_string_equal (err->msg, cases[i].msg);
    }
}

static void
test_apply (void **state)
{
  pid_t pid = fork ();
  int status;

  assert_true (pid >= 0);
  if (pid == 0)
    {
      struct rlimit cur;
      struct ulimit u[2];
      galley_error_t err = NULL;

      /* msgqueue: a limit valgrind leaves alone (it owns nofile) */
      if (getrlimit (RLIMIT_MSGQUEUE, &cur) < 0 || cur.rlim_max < 2000)
        _exit (77);
      u[0] = (struct ulimit){ RLIMIT_MSGQUEUE, 1000, 2000 };
      u[1] = (struct ulimit){ RLIMIT_CORE, 0, 0 };
      if (ulimit_apply (u, 2, &err) < 0)
        _exit (1);
      if (getrlimit (RLIMIT_MSGQUEUE, &cur) < 0 || cur.rlim_cur != 1000 || cur.rlim_max != 2000)
        _exit (2);
      /* lowered hard limits cannot come back up without privilege on the host */
      if (geteuid () == 0 && setuid (65534) < 0)
        _exit (3);
      u[0] = (struct ulimit){ RLIMIT_MSGQUEUE, 1000, 4000 };
      if (ulimit_apply (u, 1, &err) == 0)
        _exit (4);
      if (strcmp (err->msg, "ulimit msgqueue: cannot raise the hard limit to 4000 above the current 2000 "
                            "(an unprivileged user cannot raise a hard limit)")
          != 0)
        _exit (5);
      _exit (0);
    }
  assert_int_equal (waitpid (pid, &status, 0), pid);
  assert_true (WIFEXITED (status));
  if (WEXITSTATUS (status) == 77)
    skip ();
  assert_int_equal (WEXITSTATUS (status), 0);
}

static void
test_defaults (void **state)
{
  struct ulimit u[4] = { { RLIMIT_NOFILE, 10, 20 } };
  struct rlimit cur;
  size_t n;

  n = ulimit_add_defaults (u, 1, 0);
  assert_int_equal (n, 2);
  assert_true (u[0].soft == 10 && u[0].hard == 20);
  assert_int_equal (u[1].resource, RLIMIT_NPROC);
  assert_true (u[1].soft == 1048576 && u[1].hard == 1048576);

  assert_int_equal (getrlimit (RLIMIT_NOFILE, &cur), 0);
  n = ulimit_add_defaults (u, 0, 1);
  assert_int_equal (n, 2);
  assert_int_equal (u[0].resource, RLIMIT_NOFILE);
  assert_true (u[0].hard <= 1048576 && u[0].hard <= cur.rlim_max && u[0].soft == u[0].hard);
  assert_true (u[1].soft <= u[1].hard);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_parse),
    cmocka_unit_test (test_parse_errors),
    cmocka_unit_test (test_apply),
    cmocka_unit_test (test_defaults),
  };

  return cmocka_run_group_tests (tests, NULL, NULL);
}
