/* Unit tests of the container environment: -e forms, --env-file lines,
 * podman's merge order and errors.  */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "runtime/envfile.h"

static char *host_env[] = { "HOSTVAR=from host", "PROXY_A=1", "PROXY_B=2", "EMPTY=", "NOEQUALS", NULL };

static void
test_options (void **state)
{
  struct env_list env = { 0 };
  galley_error_t err = NULL;

  assert_int_equal (env_parse_option (&env, "A=1", host_env, &err), 0);
  assert_int_equal (env_parse_option (&env, "B=x=y", host_env, &err), 0);
  assert_int_equal (env_parse_option (&env, "C=", host_env, &err), 0);
  assert_int_equal (env_parse_option (&env, "HOSTVAR", host_env, &err), 0);
  assert_int_equal (env_parse_option (&env, "UNSET_ON_HOST", host_env, &err), 0);
  assert_int_equal (env_parse_option (&env, "EMPTY", host_env, &err), 0);
  assert_int_equal (env_parse_option (&env, "PROXY_*", host_env, &err), 0);
  assert_int_equal (env_parse_option (&env, "  D=  spaced  ", host_env, &err), 0);
  assert_int_equal (env_parse_option (&env, "A=2", host_env, &err), 0);
  assert_int_equal (env_parse_option (&env, "NOEQUALS", host_env, &err), 0);

  assert_string_equal (env_get (&env, "A"), "2");
  assert_string_equal (env_get (&env, "B"), "x=y");
  assert_string_equal (env_get (&env, "C"), "");
  assert_string_equal (env_get (&env, "HOSTVAR"), "from host");
  assert_null (env_get (&env, "UNSET_ON_HOST"));
  assert_null (env_get (&env, "NOEQUALS"));
  assert_string_equal (env_get (&env, "EMPTY"), "");
  assert_string_equal (env_get (&env, "PROXY_A"), "1");
  assert_string_equal (env_get (&env, "PROXY_B"), "2");
  assert_string_equal (env_get (&env, "D"), "  spaced  ");
  /* replaced in place: A keeps its first position */
  assert_string_equal (env.entries[0], "A=2");
  assert_null (env.entries[env.n]);
  env_list_clear (&env);
}

static void
test_option_errors (void **state)
{
  const char *bad[] = { "=", "=A", "", "  =x" };
  size_t i;

  for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
    {
      struct env_list env = { 0 };
      _cleanup_error_ galley_error_t err = NULL;
      char want[64];

      assert_int_equal (env_parse_option (&env, bad[i], host_env, &err), -1);
      snprintf (want, sizeof want, "invalid variable: \"%s\"", bad[i]);
      assert_string_equal (err->msg, want);
      env_list_clear (&env);
    }
}

static char *
write_temp (const char *text)
{
  char *path = strdup ("/tmp/galley-test-envfile-XXXXXX");
  int fd = mkstemp (path);

  assert_true (fd >= 0);
  assert_int_equal (write (fd, text, strlen (text)), (ssize_t)strlen (text));
  close (fd);
  return path;
}

static void
test_file (void **state)
{
  char *path = write_temp ("# comment\n"
                           "\n"
                           "   \n"
                           "FOO=bar\n"
                           "  INDENTED=yes\n"
                           "QUOTED=\"kept as is\"\n"
                           "HOSTVAR\n"
                           "MISSING\n"
                           "CRLF=dos\r\n"
                           "  # indented comment\n"
                           "LAST=no newline");
  struct env_list env = { 0 };
  galley_error_t err = NULL;

  assert_int_equal (env_parse_file (&env, path, host_env, &err), 0);
  assert_int_equal (env.n, 6);
  assert_string_equal (env_get (&env, "FOO"), "bar");
  assert_string_equal (env_get (&env, "INDENTED"), "yes");
  assert_string_equal (env_get (&env, "QUOTED"), "\"kept as is\"");
  assert_string_equal (env_get (&env, "HOSTVAR"), "from host");
  assert_null (env_get (&env, "MISSING"));
  assert_string_equal (env_get (&env, "CRLF"), "dos");
  assert_string_equal (env_get (&env, "LAST"), "no newline");
  env_list_clear (&env);
  unlink (path);
  free (path);
}

static void
test_file_errors (void **state)
{
  char *path = write_temp ("GOOD=1\n=bad\n");
  struct env_list env = { 0 };
  _cleanup_error_ galley_error_t err = NULL;
  char want[256];

  assert_int_equal (env_parse_file (&env, path, host_env, &err), -1);
  snprintf (want, sizeof want, "%s:2: invalid variable: \"=bad\"", path);
  assert_string_equal (err->msg, want);
  env_list_clear (&env);
  unlink (path);
  free (path);
  galley_error_release (&err);

  assert_int_equal (env_parse_file (&env, "/nonexistent/env", host_env, &err), -1);
  assert_non_null (strstr (err->msg, "/nonexistent/env"));
  env_list_clear (&env);
}

static void
test_build (void **state)
{
  const char *image_env[] = { "PATH=/image/bin", "LANG=C.UTF-8", "TERM=dumb", "junk", NULL };
  struct env_list user = { 0 }, out;
  galley_error_t err = NULL;

  assert_int_equal (env_parse_option (&user, "LANG=fr_FR", host_env, &err), 0);
  assert_int_equal (env_parse_option (&user, "HOME=/custom", host_env, &err), 0);
  assert_int_equal (env_build (image_env, &user, "abc123", "/root", &out, &err), 0);
  assert_string_equal (env_get (&out, "PATH"), "/image/bin");
  assert_string_equal (env_get (&out, "TERM"), "dumb");
  assert_string_equal (env_get (&out, "LANG"), "fr_FR");
  assert_string_equal (env_get (&out, "HOME"), "/custom");
  assert_string_equal (env_get (&out, "HOSTNAME"), "abc123");
  assert_string_equal (env_get (&out, "container"), "galley");
  assert_null (env_get (&out, "junk"));
  env_list_clear (&out);
  env_list_clear (&user);

  assert_int_equal (env_build (NULL, NULL, NULL, "/home/bob", &out, &err), 0);
  assert_string_equal (env_get (&out, "PATH"), ENV_DEFAULT_PATH);
  assert_string_equal (env_get (&out, "TERM"), "xterm");
  assert_string_equal (env_get (&out, "HOME"), "/home/bob");
  assert_null (env_get (&out, "HOSTNAME"));
  env_list_clear (&out);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_options),     cmocka_unit_test (test_option_errors), cmocka_unit_test (test_file),
    cmocka_unit_test (test_file_errors), cmocka_unit_test (test_build),
  };

  return cmocka_run_group_tests (tests, NULL, NULL);
}
