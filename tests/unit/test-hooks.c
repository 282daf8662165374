/* Unit tests of the hooks.d reader (runtime/hooks.h): the 1.0.0 and 0.1.0
 * formats, `when` conditions, masking and order, and what is refused.  */
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

#include "runtime/hooks.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/strv.h"

static char base[] = "/tmp/galley-test-hooks-XXXXXX";

static char *
dir_path (const char *dir)
{
  char *p = NULL;

  assert_true (asprintf (&p, "%s/%s", base, dir) > 0);
  return p;
}

static void
write_hook (const char *dir, const char *name, const char *text)
{
  _cleanup_error_ galley_error_t err = NULL;
  _cleanup_free_ char *d = dir_path (dir);
  char path[512];

  mkdir (d, 0755);
  snprintf (path, sizeof path, "%s/%s", d, name);
  assert_int_equal (fs_write_atomic (AT_FDCWD, path, text, strlen (text), 0644, &err), 0);
}

static int
setup (void **state)
{
  return mkdtemp (base) != NULL && chmod (base, 0755) == 0 ? 0 : -1;
}

static int
teardown (void **state)
{
  galley_error_t err = NULL;

  fs_remove_tree (AT_FDCWD, base, &err);
  galley_error_release (&err);
  return 0;
}

/* The hooks of one stage, as their args[1] (each test hook names itself
 * there).  */
static char *
names (const struct hook_set *set, enum hook_stage stage)
{
  _cleanup_strv_ char **v = NULL;
  size_t i;

  for (i = 0; i < set->n[stage]; i++)
    assert_int_equal (strv_append (&v, set->hooks[stage][i].args[1]), 0);
  return v ? strv_join (v, " ") : strdup ("");
}

static void
expect_stage (const struct hook_set *set, enum hook_stage stage, const char *expected)
{
  _cleanup_free_ char *got = names (set, stage);

  assert_string_equal (got, expected);
}

static void
read_dirs (const char *const *dirs, const struct hook_match *m, struct hook_set *set)
{
  _cleanup_error_ galley_error_t err = NULL;
  _cleanup_strv_ char **full = NULL;

  for (; *dirs; dirs++)
    assert_int_equal (strv_append (&full, *dirs), 0);
  for (size_t i = 0; full[i]; i++)
    {
      char *p = dir_path (full[i]);
      free (full[i]);
      full[i] = p;
    }
  memset (set, 0, sizeof *set);
  if (hooks_read_dirs (full, m, set, &err) < 0)
    fail_msg ("%s", err->msg);
}

#define HOOK(name, when, stages)                                                              \
  "{\"version\": \"1.0.0\", \"hook\": {\"path\": \"/bin/true\", \"args\": [\"true\", \"" name \
  "\"]}, \"when\": "                                                                          \
  "{" when "}, \"stages\": [" stages "]}"

static void
test_conditions (void **state)
{
  const char *dirs[] = { "cond", NULL };
  _cleanup_json_ json_object *annotations = json_tokener_parse ("{\"com.example.gpu\": \"yes-please\"}");
  struct hook_match m = { "/usr/bin/mpirun", NULL, false };
  struct hook_set set;

  write_hook ("cond", "01-always.json", HOOK ("always", "\"always\": true", "\"prestart\", \"poststop\""));
  write_hook ("cond", "02-never.json", HOOK ("never", "\"always\": false", "\"prestart\""));
  write_hook ("cond", "03-bind.json", HOOK ("bind", "\"hasBindMounts\": true", "\"prestart\""));
  write_hook (
      "cond", "04-ann.json",
      HOOK ("ann", "\"annotations\": {\"^com\\\\.example\\\\.gpu$\": \"^yes\"}", "\"createRuntime\""));
  write_hook ("cond", "05-cmd.json", HOOK ("cmd", "\"commands\": [\".*/mpirun$\"]", "\"startContainer\""));
  /* All conditions must hold.  */
  write_hook ("cond", "06-both.json",
              HOOK ("both", "\"always\": true, \"commands\": [\"^/bin/sh$\"]", "\"poststart\""));
  write_hook ("cond", "07-none.json", HOOK ("none", "", "\"poststart\""));
  write_hook ("cond", "README", "not a hook");

  read_dirs (dirs, &m, &set);
  expect_stage (&set, HOOK_PRESTART, "always");
  expect_stage (&set, HOOK_POSTSTOP, "always");
  expect_stage (&set, HOOK_CREATE_RUNTIME, "");
  expect_stage (&set, HOOK_START_CONTAINER, "cmd");
  expect_stage (&set, HOOK_POSTSTART, "");
  hook_set_clear (&set);

  m.command = "/bin/sh";
  m.annotations = annotations;
  m.has_bind_mounts = true;
  read_dirs (dirs, &m, &set);
  expect_stage (&set, HOOK_PRESTART, "always bind");
  expect_stage (&set, HOOK_CREATE_RUNTIME, "ann");
  expect_stage (&set, HOOK_START_CONTAINER, "");
  expect_stage (&set, HOOK_POSTSTART, "both");
  hook_set_clear (&set);
}

static void
test_masking_and_order (void **state)
{
  const char *dirs[] = { "usr", "etc", NULL };
  struct hook_match m = { "/bin/sh", NULL, false };
  struct hook_set set;

  write_hook ("usr", "b.json", HOOK ("usr-b", "\"always\": true", "\"prestart\""));
  write_hook ("usr", "A.json", HOOK ("usr-A", "\"always\": true", "\"prestart\""));
  write_hook ("etc", "b.json", HOOK ("etc-b", "\"always\": true", "\"prestart\""));
  write_hook ("etc", "c.json", HOOK ("etc-c", "\"always\": true", "\"prestart\""));
  /* 0.1.0: a path and arguments, any condition (here a command).  */
  write_hook (
      "etc", "d.json",
      "{\"hook\": \"/bin/true\", \"arguments\": [\"old\"], \"cmds\": [\"sh$\"], \"stage\": [\"prestart\"]}");
  /* A hook whose program is not installed is left out.  */
  write_hook (
      "etc", "e.json",
      "{\"version\": \"1.0.0\", \"hook\": {\"path\": \"/nonexistent/hook\"}, \"when\": {\"always\": true}, "
      "\"stages\": [\"prestart\"]}");
  read_dirs (dirs, &m, &set);
  /* Case-blind order of the names; etc's b masks usr's.  */
  expect_stage (&set, HOOK_PRESTART, "usr-A etc-b etc-c old");
  assert_string_equal (set.hooks[HOOK_PRESTART][3].args[0], "/bin/true");
  hook_set_clear (&set);
}

static void
expect_dir_error (const char *dir, const char *expected)
{
  _cleanup_error_ galley_error_t err = NULL;
  _cleanup_free_ char *d = dir_path (dir);
  char *dirs[] = { d, NULL };
  struct hook_match m = { "/bin/sh", NULL, false };
  struct hook_set set = { 0 };

  assert_int_equal (hooks_read_dirs (dirs, &m, &set, &err), -1);
  if (strstr (err->msg, expected) == NULL)
    fail_msg ("expected \"%s\" in \"%s\"", expected, err->msg);
  hook_set_clear (&set);
}

static void
test_errors (void **state)
{
  _cleanup_free_ char *open_dir = dir_path ("open");

  write_hook ("v", "x.json", "{\"version\": \"2.0.0\"}");
  expect_dir_error ("v", "x.json: unrecognized hook version \"2.0.0\"");
  write_hook ("stage", "x.json", HOOK ("x", "\"always\": true", "\"prestop\""));
  expect_dir_error ("stage", "unknown stage \"prestop\"");
  write_hook ("regex", "x.json", HOOK ("x", "\"commands\": [\"(\"]", "\"prestart\""));
  expect_dir_error ("regex", "invalid regular expression \"(\"");
  write_hook ("when", "x.json",
              "{\"version\": \"1.0.0\", \"hook\": {\"path\": \"/bin/true\"}, \"stages\": [\"prestart\"]}");
  expect_dir_error ("when", "missing required property: when");
  write_hook ("rel", "x.json",
              "{\"version\": \"1.0.0\", \"hook\": {\"path\": \"true\"}, \"when\": {\"always\": true}, "
              "\"stages\": [\"prestart\"]}");
  expect_dir_error ("rel", "needs an absolute \"path\"");
  write_hook ("open", "x.json", HOOK ("x", "\"always\": true", "\"prestart\""));
  assert_int_equal (chmod (open_dir, 0777), 0);
  expect_dir_error ("open", "is writable by other users");
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_conditions),
    cmocka_unit_test (test_masking_and_order),
    cmocka_unit_test (test_errors),
  };

  return cmocka_run_group_tests (tests, setup, teardown);
}
