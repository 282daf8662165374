/* lazylib: symbols resolve and are cached; a missing library or symbol is
 * the one-line fatal error with exit status 125.  */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "util/lazylib.h"

LAZY_LIB (libc, "libc.so.6");
LAZY_LIB (missing, "libgalley-does-not-exist.so.0");

/* The macro under test, on a library the test program is not linked with
 * (libcurl needs zlib, so it is installed).  */
LAZY_LIB (z, "libz.so.1");
const char *zlibVersion (void);
LAZY_FN (z, const char *, zlibVersion, (void), ())

static void
test_resolves_and_caches (void **state)
{
  void *handle;

  assert_true (zlibVersion ()[0] == '1');
  assert_ptr_equal (zlibVersion (), zlibVersion ());
  handle = lazylib_open (&lazylib_libc);
  assert_non_null (handle);
  assert_ptr_equal (lazylib_open (&lazylib_libc), handle);
  assert_ptr_equal (lazylib_sym (&lazylib_libc, "strlen"), lazylib_sym (&lazylib_libc, "strlen"));
}

/* Run FN in a child with stderr on a pipe; return its exit status and what
 * it printed.  */
static int
run_child (void (*fn) (void), char *out, size_t size)
{
  int fds[2], status;
  ssize_t n;
  size_t got = 0;
  pid_t pid;

  assert_int_equal (pipe (fds), 0);
  fflush (stdout);
  pid = fork ();
  assert_true (pid >= 0);
  if (pid == 0)
    {
      dup2 (fds[1], STDERR_FILENO);
      fn ();
      _exit (0);
    }
  close (fds[1]);
  while (got + 1 < size && (n = read (fds[0], out + got, size - 1 - got)) > 0)
    got += (size_t)n;
  out[got] = '\0';
  close (fds[0]);
  assert_int_equal (waitpid (pid, &status, 0), pid);
  assert_true (WIFEXITED (status));
  return WEXITSTATUS (status);
}

static void
open_missing_library (void)
{
  (void)lazylib_sym (&lazylib_missing, "anything");
}

static void
open_missing_symbol (void)
{
  (void)lazylib_sym (&lazylib_libc, "galley_no_such_symbol");
}

static void
test_missing_library_is_fatal (void **state)
{
  char out[512];

  assert_int_equal (run_child (open_missing_library, out, sizeof out), 125);
  assert_true (strncmp (out, "galley: cannot load libgalley-does-not-exist.so.0: ", 51) == 0);
  assert_non_null (strstr (out, "libgalley-does-not-exist.so.0"));
  assert_int_equal (strchr (out, '\n') - out, (long)strlen (out) - 1);
}

static void
test_missing_symbol_is_fatal (void **state)
{
  char out[512];

  assert_int_equal (run_child (open_missing_symbol, out, sizeof out), 125);
  assert_true (strncmp (out, "galley: cannot load libc.so.6: ", 31) == 0);
  assert_non_null (strstr (out, "galley_no_such_symbol"));
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_resolves_and_caches),
    cmocka_unit_test (test_missing_library_is_fatal),
    cmocka_unit_test (test_missing_symbol_is_fatal),
  };

  return cmocka_run_group_tests (tests, NULL, NULL);
}
