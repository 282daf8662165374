/* util/xmalloc: the allocators return what libc's do, never NULL (zero
 * bytes included), and running out of memory is one message and SIGABRT.  */
#include "config.h"

#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "util/cleanup.h"
#include "util/xmalloc.h"

static void
test_strings (void **state)
{
  _cleanup_free_ char *a = xstrdup ("layer"), *b = xstrndup ("layers", 5), *c = xasprintf ("%s/%d", a, 7);

  assert_string_equal (a, "layer");
  assert_string_equal (b, "layer");
  assert_string_equal (c, "layer/7");
}

static void
test_zero_sizes_are_not_null (void **state)
{
  _cleanup_free_ void *a = xmalloc (0), *b = xcalloc (0, 8), *c = xrealloc (NULL, 0);
  _cleanup_free_ int *d = xreallocarray (NULL, 0, sizeof *d);

  assert_non_null (a);
  assert_non_null (b);
  assert_non_null (c);
  assert_non_null (d);
}

static void
test_grow_keeps_contents (void **state)
{
  _cleanup_free_ int *v = xcalloc (2, sizeof *v);
  int i;

  v[1] = 42;
  v = xreallocarray (v, 1000, sizeof *v);
  assert_int_equal (v[0], 0);
  assert_int_equal (v[1], 42);
  for (i = 2; i < 1000; i++)
    v[i] = i;
  assert_int_equal (v[999], 999);
}

/* A NULL from an allocator: the child says so on stderr and aborts.  */
static void
test_out_of_memory_aborts (void **state)
{
  int pipefd[2], status;
  char buf[64] = "";
  ssize_t n;
  pid_t pid;

  assert_int_equal (pipe (pipefd), 0);
  pid = fork ();
  assert_true (pid >= 0);
  if (pid == 0)
    {
      struct rlimit no_core = { 0, 0 };

      setrlimit (RLIMIT_CORE, &no_core);
      dup2 (pipefd[1], STDERR_FILENO);
      xalloc_check (NULL);
      _exit (0);
    }
  close (pipefd[1]);
  n = read (pipefd[0], buf, sizeof buf - 1);
  close (pipefd[0]);
  assert_int_equal (waitpid (pid, &status, 0), pid);
  assert_true (WIFSIGNALED (status));
  assert_int_equal (WTERMSIG (status), SIGABRT);
  assert_true (n > 0);
  assert_string_equal (buf, "galley: out of memory\n");
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_strings),
    cmocka_unit_test (test_zero_sizes_are_not_null),
    cmocka_unit_test (test_grow_keeps_contents),
    cmocka_unit_test (test_out_of_memory_aborts),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
