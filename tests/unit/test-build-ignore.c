/* Unit tests for .containerignore / .dockerignore (src/build/ignore.c).  */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "build/ignore.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/path.h"

static struct build_ignore *
parse_ok (const char *text)
{
  _cleanup_error_ galley_error_t err = NULL;
  struct build_ignore *ig = NULL;

  if (build_ignore_parse (text, strlen (text), &ig, &err) < 0)
    fail_msg ("unexpected error for <<%s>>: %s", text, err->msg);
  return ig;
}

static void
check_error (const char *text, const char *expected)
{
  _cleanup_error_ galley_error_t err = NULL;
  struct build_ignore *ig = NULL;

  if (build_ignore_parse (text, strlen (text), &ig, &err) == 0)
    fail_msg ("expected an error for <<%s>>", text);
  assert_null (ig);
  assert_string_equal (err->msg, expected);
}

/* Each of the NULL-terminated paths must (yes) or must not (no) match.  */
static void
check (const char *patterns, const char *const *yes, const char *const *no)
{
  struct build_ignore *ig = parse_ok (patterns);

  for (; yes != NULL && *yes != NULL; yes++)
    if (! build_ignore_match (ig, *yes))
      fail_msg ("<<%s>> should ignore %s", patterns, *yes);
  for (; no != NULL && *no != NULL; no++)
    if (build_ignore_match (ig, *no))
      fail_msg ("<<%s>> should not ignore %s", patterns, *no);
  build_ignore_free (ig);
}

#define PATHS(...) ((const char *const[]){ __VA_ARGS__, NULL })

static void
test_simple (void **state)
{
  (void)state;
  check ("", NULL, PATHS ("a", "a/b", "."));
  check ("# comment\n\n   \nfoo\n", PATHS ("foo", "foo/bar", "foo/bar/baz", "./foo", "/foo"),
         PATHS ("foobar", "bar/foo", "fo", "# comment"));
  check ("/abs/path\n./rel\n", PATHS ("abs/path", "abs/path/x", "rel", "rel/y"), PATHS ("abs", "abs/pat"));
  check ("a/../b\nc//d/\n", PATHS ("b", "c/d/e"), PATHS ("a", "c"));
  check ("  spaced  \r\n", PATHS ("spaced"), PATHS ("  spaced  "));
  check (" #not-a-comment\n", PATHS ("#not-a-comment"), NULL);
  check ("x\n", NULL, PATHS (".", "", "/"));
}

static void
test_globs (void **state)
{
  (void)state;
  check ("*.go", PATHS ("main.go", ".go"), PATHS ("a/main.go", "main.goo", "main.g"));
  check ("*/*.md", PATHS ("docs/a.md", "docs/a.md/inner"), PATHS ("a.md", "docs/sub/a.md"));
  check ("file?.txt", PATHS ("file1.txt", "filex.txt"), PATHS ("file.txt", "file12.txt", "file/.txt"));
  check ("file[0-9].txt\n", PATHS ("file0.txt", "file9.txt"), PATHS ("filea.txt", "file10.txt"));
  check ("[^a]x", PATHS ("bx", "xx"), PATHS ("ax", "/x"));
  check ("[a-c\\]]z", PATHS ("az", "cz", "]z"), PATHS ("dz"));
  check ("a\\*b", PATHS ("a*b"), PATHS ("axb", "a\\*b"));
  check ("caf\xc3\xa9?", PATHS ("caf\xc3\xa9s", "caf\xc3\xa9\xc3\xa9"), PATHS ("caf\xc3\xa9"));
  check ("*", PATHS ("a", "a/b", ".hidden"), NULL);
}

static void
test_double_star (void **state)
{
  (void)state;
  check ("**/*.go", PATHS ("main.go", "a/main.go", "a/b/c/main.go"), PATHS ("main.gox", "a/main.go.txt/"));
  check ("**/node_modules", PATHS ("node_modules", "a/node_modules", "a/b/node_modules/x"),
         PATHS ("node_modules2", "a/xnode_modules"));
  check ("a/**/b", PATHS ("a/b", "a/x/b", "a/x/y/b", "a/x/b/c"), PATHS ("b", "ab", "x/a/b"));
  check ("a/**", PATHS ("a/b", "a/b/c"), PATHS ("a", "ab"));
  check ("**", PATHS ("a", "a/b"), NULL);
  /* buildkit's quirk: "**" then literal text is a suffix test.  */
  check ("**foo", PATHS ("foo", "barfoo", "a/barfoo"), PATHS ("foobar"));
  check ("**/.git", PATHS (".git", "sub/.git/config"), PATHS ("x.git"));
}

static void
test_exceptions (void **state)
{
  struct build_ignore *ig;

  (void)state;
  check ("docs\n!docs/keep.md\n", PATHS ("docs", "docs/other.md", "docs/sub/keep.md"),
         PATHS ("docs/keep.md"));
  check ("*.md\n!README*.md\nREADME-secret.md\n", PATHS ("CHANGES.md", "README-secret.md"),
         PATHS ("README.md", "README-x.md", "src/a.md"));
  check ("!a\nb\n", PATHS ("b"), PATHS ("a"));
  /* The last matching pattern wins, whichever its kind.  */
  check ("*\n!keep\n!keep/**\nkeep/secret\n", PATHS ("other", "keep/secret", "keep/secret/x"),
         PATHS ("keep", "keep/a", "keep/b/c"));
  check ("!  spaced\n", NULL, PATHS ("spaced"));

  ig = parse_ok ("docs\n!docs/keep.md\n");
  assert_true (build_ignore_has_exceptions (ig));
  build_ignore_free (ig);
  ig = parse_ok ("docs\n");
  assert_false (build_ignore_has_exceptions (ig));
  build_ignore_free (ig);
  assert_false (build_ignore_has_exceptions (NULL));
  assert_false (build_ignore_match (NULL, "a"));
}

static void
test_errors (void **state)
{
  (void)state;
  check_error ("a\n!\n", "line 2: illegal exclusion pattern: \"!\"");
  check_error ("!   \n", "line 1: illegal exclusion pattern: \"!\"");
  check_error ("ok\n[abc\n", "line 2: syntax error in pattern \"[abc\"");
  check_error ("[]\n", "line 1: syntax error in pattern \"[]\"");
  check_error ("[a-]\n", "line 1: syntax error in pattern \"[a-]\"");
  check_error ("x[\\\n", "line 1: syntax error in pattern \"x[\\\"");
  check_error ("../secret\n", "line 1: pattern \"../secret\" points outside the build context");
  check_error ("!../../etc\n", "line 1: pattern \"!../../etc\" points outside the build context");
  check_error ("a/../../b\n", "line 1: pattern \"a/../../b\" points outside the build context");
  check_error ("..\n", "line 1: pattern \"..\" points outside the build context");
  /* Rooted: "/.." is the context itself.  */
  check ("/../x\n", PATHS ("x"), NULL);
}

static void
test_hostile_pattern (void **state)
{
  char path[4096];
  struct build_ignore *ig;

  (void)state;
  memset (path, 'a', sizeof path - 1);
  path[sizeof path - 1] = '\0';
  /* A backtracking matcher takes exponential time on this; an NFA does not.  */
  ig = parse_ok ("*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b\n**/**/**/**/**/**/**/**/**/**/b\n");
  assert_false (build_ignore_match (ig, path));
  build_ignore_free (ig);
}

static void
test_path_clean (void **state)
{
  static const char *const cases[][2] = {
    { "", "." },       { ".", "." },    { "a/b", "a/b" },  { "a//b/", "a/b" },     { "./a/./b/.", "a/b" },
    { "a/../b", "b" }, { "a/..", "." }, { "..", ".." },    { "../a/..", ".." },    { "a/../../b", "../b" },
    { "/", "/" },      { "/..", "/" },  { "/../a", "/a" }, { "//a//b//", "/a/b" }, { "a/b/../../..", ".." },
  };
  size_t i;

  (void)state;
  for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
    {
      _cleanup_free_ char *c = path_clean (cases[i][0]);
      if (strcmp (c, cases[i][1]) != 0)
        fail_msg ("clean(%s) = %s, expected %s", cases[i][0], c, cases[i][1]);
    }
}

static void
write_file (int dirfd, const char *name, const char *text)
{
  _cleanup_error_ galley_error_t err = NULL;
  assert_int_equal (fs_write_atomic (dirfd, name, text, strlen (text), 0644, &err), 0);
}

static void
test_load (void **state)
{
  _cleanup_error_ galley_error_t err = NULL;
  char dir[] = "/tmp/galley-test-ignore-XXXXXX", cf[256], beside[300];
  _cleanup_close_ int fd = -1;
  struct build_ignore *ig = NULL;

  (void)state;
  assert_non_null (mkdtemp (dir));
  fd = open (dir, O_RDONLY | O_DIRECTORY);
  assert_true (fd >= 0);

  /* None: matches nothing.  */
  assert_int_equal (build_ignore_load (fd, NULL, &ig, &err), 0);
  assert_non_null (ig);
  assert_false (build_ignore_match (ig, "anything"));
  build_ignore_free (ig);

  write_file (fd, ".dockerignore", "from-docker\n");
  assert_int_equal (build_ignore_load (fd, NULL, &ig, &err), 0);
  assert_true (build_ignore_match (ig, "from-docker"));
  build_ignore_free (ig);

  write_file (fd, ".containerignore", "from-container\n");
  assert_int_equal (build_ignore_load (fd, NULL, &ig, &err), 0);
  assert_true (build_ignore_match (ig, "from-container"));
  assert_false (build_ignore_match (ig, "from-docker"));
  build_ignore_free (ig);

  /* <containerfile>.dockerignore beside it wins over the context's.  */
  snprintf (cf, sizeof cf, "%s/Containerfile", dir);
  snprintf (beside, sizeof beside, "%s.dockerignore", cf);
  write_file (AT_FDCWD, beside, "beside\n");
  assert_int_equal (build_ignore_load (fd, cf, &ig, &err), 0);
  assert_true (build_ignore_match (ig, "beside"));
  assert_false (build_ignore_match (ig, "from-container"));
  build_ignore_free (ig);
  snprintf (beside, sizeof beside, "%s.containerignore", cf);
  write_file (AT_FDCWD, beside, "beside-container\n");
  assert_int_equal (build_ignore_load (fd, cf, &ig, &err), 0);
  assert_true (build_ignore_match (ig, "beside-container"));
  build_ignore_free (ig);

  /* Parse errors name the file.  */
  write_file (AT_FDCWD, beside, "ok\n!\n");
  assert_int_equal (build_ignore_load (fd, cf, &ig, &err), -1);
  assert_null (ig);
  assert_non_null (strstr (err->msg, "Containerfile.containerignore: line 2: illegal exclusion pattern"));
  galley_error_release (&err);

  /* An ignore file that is a symlink out of the context is refused.  */
  assert_int_equal (unlinkat (fd, ".containerignore", 0), 0);
  assert_int_equal (symlinkat ("/etc/passwd", fd, ".containerignore"), 0);
  assert_int_equal (build_ignore_load (fd, NULL, &ig, &err), -1);
  assert_string_equal (err->msg, ".containerignore points outside the build context");
  galley_error_release (&err);
  assert_int_equal (unlinkat (fd, ".containerignore", 0), 0);
  assert_int_equal (symlinkat ("../../../../etc/passwd", fd, ".containerignore"), 0);
  assert_int_equal (build_ignore_load (fd, NULL, &ig, &err), -1);
  galley_error_release (&err);
  /* A symlink inside the context is fine.  */
  assert_int_equal (unlinkat (fd, ".containerignore", 0), 0);
  assert_int_equal (symlinkat (".dockerignore", fd, ".containerignore"), 0);
  assert_int_equal (build_ignore_load (fd, NULL, &ig, &err), 0);
  assert_true (build_ignore_match (ig, "from-docker"));
  build_ignore_free (ig);

  assert_int_equal (fs_remove_tree (AT_FDCWD, dir, &err), 0);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_simple),      cmocka_unit_test (test_globs),
    cmocka_unit_test (test_double_star), cmocka_unit_test (test_exceptions),
    cmocka_unit_test (test_errors),      cmocka_unit_test (test_hostile_pattern),
    cmocka_unit_test (test_path_clean),  cmocka_unit_test (test_load),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
