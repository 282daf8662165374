/* Unit tests of enter_prepare: which fds stay, the environment wiped to
 * its strings, dumpable or not.  Each case runs in a child (the process
 * loses its fds and environment) that exits with the number of the first
 * check that failed.  */
#include "config.h"

#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "runtime/enter.h"

extern char **environ;

static bool
is_open (int fd)
{
  return fcntl (fd, F_GETFD) >= 0;
}

/* Run check in a child; its exit status is 0 when every check held.  */
static int
in_child (int (*check) (void))
{
  int status;
  pid_t pid = fork ();

  if (pid == 0)
    _exit (check ());
  assert_true (pid > 0);
  assert_int_equal (waitpid (pid, &status, 0), pid);
  assert_true (WIFEXITED (status));
  return WEXITSTATUS (status);
}

/* fds 3 .. 12 open, on /dev/null.  */
static void
open_fds (void)
{
  int fd, null = open ("/dev/null", O_RDONLY);

  for (fd = 3; fd <= 12; fd++)
    if (fd != null)
      dup2 (null, fd);
}

static int
keeps_listed_fds (void)
{
  const int keep[] = { 9, -1, 5, 12 };
  galley_error_t err = NULL;
  int fd;

  open_fds ();
  if (enter_prepare (3, keep, 4, 0, &err) < 0)
    return 1;
  for (fd = 0; fd < 3; fd++)
    if (! is_open (fd))
      return 2;
  for (fd = 3; fd <= 13; fd++)
    if (is_open (fd) != (fd == 5 || fd == 9 || fd == 12))
      return 10 + fd;
  return 0;
}

static int
keeps_fds_below (void)
{
  const int keep[] = { 4, 8 };
  galley_error_t err = NULL;
  int fd;

  open_fds ();
  if (enter_prepare (6, keep, 2, 0, &err) < 0)
    return 1;
  for (fd = 3; fd <= 12; fd++)
    if (is_open (fd) != (fd < 6 || fd == 8))
      return 10 + fd;
  return 0;
}

static int
keeps_all_fds (void)
{
  galley_error_t err = NULL;
  int fd;

  open_fds ();
  if (enter_prepare (ENTER_KEEP_ALL_FDS, NULL, 0, 0, &err) < 0)
    return 1;
  for (fd = 3; fd <= 12; fd++)
    if (! is_open (fd))
      return 10 + fd;
  return 0;
}

static int
wipes_the_environment (void)
{
  char a[] = "SECRET=value", b[] = "OTHER=x";
  char *envp[] = { a, b, NULL };
  galley_error_t err = NULL;
  size_t i;

  environ = envp;
  if (getenv ("SECRET") == NULL)
    return 1;
  if (enter_prepare (ENTER_KEEP_ALL_FDS, NULL, 0, 0, &err) < 0)
    return 2;
  if (getenv ("SECRET") != NULL || getenv ("OTHER") != NULL || (environ != NULL && environ[0] != NULL))
    return 3;
  /* what /proc/PID/environ would show: the strings themselves */
  for (i = 0; i < sizeof a; i++)
    if (a[i] != '\0')
      return 4;
  for (i = 0; i < sizeof b; i++)
    if (b[i] != '\0')
      return 5;
  return 0;
}

static int
becomes_non_dumpable (void)
{
  galley_error_t err = NULL;

  if (prctl (PR_GET_DUMPABLE) != 1)
    return 1;
  if (enter_prepare (ENTER_KEEP_ALL_FDS, NULL, 0, 0, &err) < 0)
    return 2;
  return prctl (PR_GET_DUMPABLE) == 0 ? 0 : 3;
}

static int
stays_dumpable (void)
{
  galley_error_t err = NULL;

  prctl (PR_SET_DUMPABLE, 0);
  if (enter_prepare (ENTER_KEEP_ALL_FDS, NULL, 0, ENTER_DUMPABLE, &err) < 0)
    return 2;
  return prctl (PR_GET_DUMPABLE) == 1 ? 0 : 3;
}

static void
test_fds (void **state)
{
  (void)state;
  assert_int_equal (in_child (keeps_listed_fds), 0);
  assert_int_equal (in_child (keeps_fds_below), 0);
  assert_int_equal (in_child (keeps_all_fds), 0);
}

static void
test_environment (void **state)
{
  (void)state;
  assert_int_equal (in_child (wipes_the_environment), 0);
}

static void
test_dumpable (void **state)
{
  (void)state;
  assert_int_equal (in_child (becomes_non_dumpable), 0);
  assert_int_equal (in_child (stays_dumpable), 0);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_fds),
    cmocka_unit_test (test_environment),
    cmocka_unit_test (test_dumpable),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
