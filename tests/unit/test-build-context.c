/* Unit tests for the build context (src/build/context*.c): confinement of
 * COPY sources (.., absolute paths, symlinks out), globs, ignore files,
 * the digest, and COPY's copy semantics.  */
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
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "build/context.h"
#include "build/ignore.h"
#include "util/cleanup.h"
#include "util/fs.h"

struct fixture
{
  char base[64];
  int ctx, root, outside;
  struct build_ignore *ig;
};

static void
put (int dirfd, const char *name, const char *text, mode_t mode)
{
  _cleanup_close_ int fd = openat (dirfd, name, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  assert_true (fd >= 0);
  assert_int_equal (write (fd, text, strlen (text)), (ssize_t)strlen (text));
  assert_int_equal (fchmod (fd, mode), 0);
}

static void
set_mtime (int dirfd, const char *name, time_t t)
{
  struct timespec ts[2] = { { t, 0 }, { t, 0 } };
  assert_int_equal (utimensat (dirfd, name, ts, AT_SYMLINK_NOFOLLOW), 0);
}

/* base/ctx: the context; base/root: an image root; base/outside: what no
 * build may read or write.  */
static int
setup (void **state)
{
  _cleanup_error_ galley_error_t err = NULL;
  struct fixture *f = calloc (1, sizeof *f);
  _cleanup_close_ int basefd = -1;

  strcpy (f->base, "/tmp/galley-test-context-XXXXXX");
  assert_non_null (mkdtemp (f->base));
  basefd = open (f->base, O_RDONLY | O_DIRECTORY);
  assert_int_equal (mkdirat (basefd, "ctx", 0755), 0);
  assert_int_equal (mkdirat (basefd, "root", 0755), 0);
  assert_int_equal (mkdirat (basefd, "outside", 0755), 0);
  f->ctx = openat (basefd, "ctx", O_RDONLY | O_DIRECTORY);
  f->root = openat (basefd, "root", O_RDONLY | O_DIRECTORY);
  f->outside = openat (basefd, "outside", O_RDONLY | O_DIRECTORY);
  put (f->outside, "secret.txt", "top secret\n", 0644);

  put (f->ctx, "a.txt", "alpha\n", 0640);
  set_mtime (f->ctx, "a.txt", 1000000000);
  put (f->ctx, "b.txt", "bravo\n", 0644);
  assert_int_equal (mkdirat (f->ctx, "dir", 0750), 0);
  assert_int_equal (mkdirat (f->ctx, "dir/sub", 0700), 0);
  put (f->ctx, "dir/sub/c.txt", "charlie\n", 0755);
  put (f->ctx, "dir/ignored.log", "log\n", 0644);
  assert_int_equal (symlinkat ("../a.txt", f->ctx, "dir/link"), 0);
  assert_int_equal (mkdirat (f->ctx, "secret", 0755), 0);
  put (f->ctx, "secret/keep", "kept\n", 0644);
  put (f->ctx, "secret/other", "other\n", 0644);
  assert_int_equal (symlinkat ("/etc/passwd", f->ctx, "evil"), 0);
  assert_int_equal (symlinkat ("../outside/secret.txt", f->ctx, "evil-relative"), 0);
  assert_int_equal (symlinkat ("../outside", f->ctx, "evil-dir"), 0);
  assert_int_equal (symlinkat ("dir", f->ctx, "inlink"), 0);
  {
    static const char patterns[] = "*.log\n**/*.log\nsecret\n!secret/keep\n";
    assert_int_equal (build_ignore_parse (patterns, sizeof patterns - 1, &f->ig, &err), 0);
  }
  *state = f;
  return 0;
}

static int
teardown (void **state)
{
  _cleanup_error_ galley_error_t err = NULL;
  struct fixture *f = *state;

  close (f->ctx);
  close (f->root);
  close (f->outside);
  build_ignore_free (f->ig);
  fs_remove_tree (AT_FDCWD, f->base, &err);
  free (f);
  return 0;
}

/* The glob of pattern as one space-separated string, or the error.  */
static char *
glob_str (struct fixture *f, const char *pattern)
{
  _cleanup_error_ galley_error_t err = NULL;
  char **paths = NULL, *out = NULL;
  size_t n = 0, i, len = 0;
  FILE *m;

  if (build_context_glob (f->ctx, f->ig, pattern, &paths, &n, &err) < 0)
    {
      assert_null (paths);
      return strdup (err->msg);
    }
  m = open_memstream (&out, &len);
  for (i = 0; i < n; i++)
    fprintf (m, "%s%s", i ? " " : "", paths[i]);
  fclose (m);
  assert_null (paths[n]);
  cleanup_strvp (&paths);
  return out;
}

static void
expect_glob (struct fixture *f, const char *pattern, const char *expected)
{
  _cleanup_free_ char *got = glob_str (f, pattern);
  if (strcmp (got, expected) != 0)
    fail_msg ("glob %s: got \"%s\", expected \"%s\"", pattern, got, expected);
}

static void
test_glob (void **state)
{
  struct fixture *f = *state;

  expect_glob (f, "a.txt", "a.txt");
  expect_glob (f, "/a.txt", "a.txt");
  expect_glob (f, "./dir/../a.txt", "a.txt");
  expect_glob (f, "*.txt", "a.txt b.txt");
  expect_glob (f, "[ab].txt", "a.txt b.txt");
  expect_glob (f, "?.txt", "a.txt b.txt");
  expect_glob (f, "dir/*/c.txt", "dir/sub/c.txt");
  expect_glob (f, "d*/s*", "dir/sub");
  expect_glob (f, "dir/*", "dir/link dir/sub");
  expect_glob (f, ".", ".");
  expect_glob (f, "/", ".");
  expect_glob (f, "dir", "dir");
  /* Through a symlink that stays inside.  */
  expect_glob (f, "inlink/sub/c.txt", "inlink/sub/c.txt");
  expect_glob (f, "inlink/sub/*", "inlink/sub/c.txt");
  /* Ignored: not in the context; an ignored directory with exceptions is.  */
  expect_glob (f, "dir/ignored.log",
               "COPY source \"dir/ignored.log\": no such file or directory in the build context");
  expect_glob (f, "dir/*.log", "COPY source \"dir/*.log\": no such file or directory in the build context");
  expect_glob (f, "secret/*", "secret/keep");
  expect_glob (f, "secret", "secret");
  expect_glob (f, "nope", "COPY source \"nope\": no such file or directory in the build context");
  expect_glob (f, "*.none", "COPY source \"*.none\": no such file or directory in the build context");
  expect_glob (f, "a.txt/x", "COPY source \"a.txt/x\": no such file or directory in the build context");
}

static void
expect_escape (struct fixture *f, const char *source)
{
  _cleanup_free_ char *msg = glob_str (f, source), *expected = NULL;

  assert_true (asprintf (&expected,
                         "COPY source \"%s\": outside the build context (through \"..\" or a symlink)",
                         source)
               > 0);
  if (strcmp (msg, expected) != 0)
    fail_msg ("glob %s: got \"%s\"", source, msg);
}

static void
test_glob_escapes (void **state)
{
  struct fixture *f = *state;
  _cleanup_error_ galley_error_t err = NULL;
  char **paths = NULL;
  size_t n;

  expect_escape (f, "../outside/secret.txt");
  expect_escape (f, "..");
  expect_escape (f, "dir/../../outside");
  expect_escape (f, "evil");
  expect_escape (f, "evil-relative");
  expect_escape (f, "evil-dir/secret.txt");
  expect_escape (f, "evil-dir/*");
  expect_escape (f, "evil*");
  assert_int_equal (build_context_glob (f->ctx, NULL, "evil", &paths, &n, &err), -1);
  assert_int_equal (galley_error_errno (&err), EXDEV);
}

static char *
read_text (int dirfd, const char *name)
{
  _cleanup_error_ galley_error_t err = NULL;
  char *text = NULL;

  if (fs_read_file (dirfd, name, 0, &text, NULL, &err) < 0)
    fail_msg ("%s: %s", name, err->msg);
  return text;
}

static void
assert_file (int dirfd, const char *name, const char *content, mode_t mode)
{
  _cleanup_free_ char *text = read_text (dirfd, name);
  struct stat st;

  assert_string_equal (text, content);
  assert_int_equal (fstatat (dirfd, name, &st, AT_SYMLINK_NOFOLLOW), 0);
  assert_true (S_ISREG (st.st_mode));
  if ((st.st_mode & 07777) != mode)
    fail_msg ("%s: mode %o, expected %o", name, st.st_mode & 07777, mode);
}

static void
assert_mode (int dirfd, const char *name, mode_t mode)
{
  struct stat st;
  assert_int_equal (fstatat (dirfd, name, &st, AT_SYMLINK_NOFOLLOW), 0);
  if ((st.st_mode & 07777) != mode)
    fail_msg ("%s: mode %o, expected %o", name, st.st_mode & 07777, mode);
}

static bool
exists (int dirfd, const char *name)
{
  struct stat st;
  return fstatat (dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0;
}

static int
copy (struct fixture *f, const char *dest, int mode, galley_error_t *err, size_t n, ...)
{
  char *paths[8];
  va_list ap;
  size_t i;

  va_start (ap, n);
  for (i = 0; i < n; i++)
    paths[i] = va_arg (ap, char *);
  va_end (ap);
  return build_context_copy (f->ctx, f->ig, paths, n, f->root, dest, (uid_t)-1, (gid_t)-1, mode, err);
}

static void
copy_ok (struct fixture *f, const char *dest, int mode, size_t n, const char *p1, const char *p2)
{
  _cleanup_error_ galley_error_t err = NULL;
  if (copy (f, dest, mode, &err, n, p1, p2) < 0)
    fail_msg ("copy to %s: %s", dest, err->msg);
}

static void
test_copy_files (void **state)
{
  struct fixture *f = *state;
  char target[64];
  struct stat st;

  /* A file to a new name; parents created 0755; mode and mtime kept.  */
  copy_ok (f, "/new/parent/file", -1, 1, "a.txt", NULL);
  assert_file (f->root, "new/parent/file", "alpha\n", 0640);
  assert_mode (f->root, "new", 0755);
  assert_mode (f->root, "new/parent", 0755);
  assert_int_equal (fstatat (f->root, "new/parent/file", &st, 0), 0);
  assert_int_equal (st.st_mtim.tv_sec, 1000000000);

  /* Into a directory: trailing "/", several sources, an existing one.  */
  copy_ok (f, "/d/", -1, 1, "a.txt", NULL);
  assert_file (f->root, "d/a.txt", "alpha\n", 0640);
  copy_ok (f, "multi", -1, 2, "a.txt", "b.txt");
  assert_file (f->root, "multi/a.txt", "alpha\n", 0640);
  assert_file (f->root, "multi/b.txt", "bravo\n", 0644);
  copy_ok (f, "/d", -1, 1, "b.txt", NULL);
  assert_file (f->root, "d/b.txt", "bravo\n", 0644);

  /* Overwrite; --chmod; a relative dest is from the root; ".." stays in.  */
  copy_ok (f, "/d/a.txt", 0600, 1, "b.txt", NULL);
  assert_file (f->root, "d/a.txt", "bravo\n", 0600);
  copy_ok (f, "../../../top.txt", -1, 1, "a.txt", NULL);
  assert_file (f->root, "top.txt", "alpha\n", 0640);

  /* A source symlink (inside) is followed; one in a copied dir is kept.  */
  copy_ok (f, "/viasym", -1, 1, "dir/link", NULL);
  assert_file (f->root, "viasym", "alpha\n", 0640);
  copy_ok (f, "/app", -1, 1, "dir", NULL);
  assert_int_equal (readlinkat (f->root, "app/link", target, sizeof target), 8);
  assert_memory_equal (target, "../a.txt", 8);
  assert_file (f->root, "app/sub/c.txt", "charlie\n", 0755);
  assert_mode (f->root, "app/sub", 0700);
  assert_mode (f->root, "app", 0755);
  assert_false (exists (f->root, "app/ignored.log"));
  assert_false (exists (f->root, "app/dir"));
  copy_ok (f, "/app2/", -1, 1, "inlink", NULL);
  assert_file (f->root, "app2/sub/c.txt", "charlie\n", 0755);
}

static void
test_copy_tree (void **state)
{
  struct fixture *f = *state;
  char target[64];
  ssize_t n;

  copy_ok (f, "/", -1, 1, ".", NULL);
  assert_file (f->root, "a.txt", "alpha\n", 0640);
  assert_file (f->root, "dir/sub/c.txt", "charlie\n", 0755);
  assert_mode (f->root, "dir", 0750);
  assert_false (exists (f->root, "dir/ignored.log"));
  /* secret/ is ignored but for secret/keep.  */
  assert_file (f->root, "secret/keep", "kept\n", 0644);
  assert_false (exists (f->root, "secret/other"));
  /* Symlinks inside a copied directory are copied as symlinks, whatever
   * they point at (as Docker): they are only links in the image.  */
  n = readlinkat (f->root, "evil", target, sizeof target - 1);
  assert_int_equal (n, 11);
  target[n] = '\0';
  assert_string_equal (target, "/etc/passwd");
  n = readlinkat (f->root, "evil-dir", target, sizeof target - 1);
  assert_int_equal (n, 10);
}

static void
test_copy_confinement (void **state)
{
  struct fixture *f = *state;
  _cleanup_error_ galley_error_t err = NULL;
  char buf[PATH_MAX];

  /* Sources that escape are refused, naming them.  */
  assert_int_equal (copy (f, "/x", -1, &err, 1, "evil"), -1);
  assert_string_equal (err->msg,
                       "copying evil to /x: COPY source \"evil\": outside the build context (through \"..\" "
                       "or a symlink)");
  galley_error_release (&err);
  assert_int_equal (copy (f, "/x", -1, &err, 1, "../outside/secret.txt"), -1);
  galley_error_release (&err);
  assert_int_equal (copy (f, "/x", -1, &err, 1, "evil-dir"), -1);
  galley_error_release (&err);
  assert_int_equal (copy (f, "/x", -1, &err, 1, "evil-relative"), -1);
  galley_error_release (&err);
  assert_false (exists (f->root, "x"));
  assert_int_equal (copy (f, "/x", -1, &err, 1, "missing"), -1);
  assert_int_equal (galley_error_errno (&err), ENOENT);
  galley_error_release (&err);

  /* Symlinks in the image resolve inside its root, never to the host.  */
  snprintf (buf, sizeof buf, "%s/outside", f->base);
  assert_int_equal (symlinkat (buf, f->root, "abs-link"), 0);
  assert_int_equal (symlinkat ("../../../../../../outside", f->root, "rel-link"), 0);
  copy_ok (f, "/abs-link/", -1, 1, "a.txt", NULL);
  copy_ok (f, "/rel-link/x/", -1, 1, "a.txt", NULL);
  copy_ok (f, "/rel-link/dirs", -1, 1, "dir", NULL);
  assert_false (exists (f->outside, "a.txt"));
  assert_false (exists (f->outside, "x"));
  assert_false (exists (f->outside, "dirs"));
  assert_file (f->root, "outside/x/a.txt", "alpha\n", 0640);
  /* The absolute link's target was made inside the root (buildkit's MkdirAll).  */
  snprintf (buf, sizeof buf, "%s/outside/a.txt", f->base + 1);
  assert_file (f->root, buf, "alpha\n", 0640);
  assert_file (f->root, "outside/dirs/sub/c.txt", "charlie\n", 0755);

  /* A file over an image symlink replaces the link, it does not write
   * through it.  */
  snprintf (buf, sizeof buf, "%s/outside/secret.txt", f->base);
  assert_int_equal (symlinkat (buf, f->root, "passwd"), 0);
  copy_ok (f, "/passwd", -1, 1, "a.txt", NULL);
  assert_file (f->root, "passwd", "alpha\n", 0640);
  assert_file (f->outside, "secret.txt", "top secret\n", 0644);
}

static void
test_copy_owner (void **state)
{
  struct fixture *f = *state;
  _cleanup_error_ galley_error_t err = NULL;
  char *paths[] = { "dir", NULL };
  uid_t uid = geteuid () == 0 ? 1234 : getuid ();
  gid_t gid = geteuid () == 0 ? 5678 : getgid ();
  struct stat st;

  assert_int_equal (
      build_context_copy (f->ctx, f->ig, paths, 1, f->root, "/owned/deep/", uid, gid, 0750, &err), 0);
  assert_int_equal (fstatat (f->root, "owned/deep/sub/c.txt", &st, 0), 0);
  assert_int_equal (st.st_uid, uid);
  assert_int_equal (st.st_gid, gid);
  assert_int_equal (st.st_mode & 07777, 0750);
  assert_int_equal (fstatat (f->root, "owned/deep/link", &st, AT_SYMLINK_NOFOLLOW), 0);
  assert_int_equal (st.st_uid, uid);
  /* Created parents belong to the --chown user too (as buildkit).  */
  assert_int_equal (fstatat (f->root, "owned", &st, 0), 0);
  assert_int_equal (st.st_uid, uid);
  assert_int_equal (st.st_mode & 07777, 0755);
}

static char *
digest_of (struct fixture *f, const char *const *paths, size_t n)
{
  _cleanup_error_ galley_error_t err = NULL;
  char *d = NULL;

  if (build_context_digest (f->ctx, f->ig, (char *const *)paths, n, &d, &err) < 0)
    fail_msg ("digest: %s", err->msg);
  assert_int_equal (strncmp (d, "sha256:", 7), 0);
  assert_int_equal (strlen (d), 71);
  return d;
}

static void
test_digest (void **state)
{
  struct fixture *f = *state;
  _cleanup_error_ galley_error_t err = NULL;
  const char *dot[] = { "." }, *ab[] = { "a.txt", "b.txt" }, *ba[] = { "b.txt", "a.txt" },
             *evil[] = { "evil" };
  _cleanup_free_ char *d0 = digest_of (f, dot, 1), *d1 = NULL, *d2 = NULL, *d3 = NULL, *d4 = NULL, *d5 = NULL;
  _cleanup_free_ char *dab = digest_of (f, ab, 2), *dba = digest_of (f, ba, 2);
  char *d = NULL;

  assert_string_not_equal (dab, dba);
  assert_string_not_equal (d0, dab);
  /* Times do not count; ignored files do not count.  */
  set_mtime (f->ctx, "a.txt", 2000000000);
  put (f->ctx, "dir/ignored.log", "changed\n", 0644);
  put (f->ctx, "secret/other", "changed\n", 0644);
  d1 = digest_of (f, dot, 1);
  assert_string_equal (d0, d1);
  /* Content, modes, names and link targets do.  */
  put (f->ctx, "dir/sub/c.txt", "changed\n", 0755);
  d2 = digest_of (f, dot, 1);
  assert_string_not_equal (d1, d2);
  assert_int_equal (fchmodat (f->ctx, "dir/sub/c.txt", 0700, 0), 0);
  d3 = digest_of (f, dot, 1);
  assert_string_not_equal (d2, d3);
  assert_int_equal (renameat (f->ctx, "b.txt", f->ctx, "c.txt"), 0);
  d4 = digest_of (f, dot, 1);
  assert_string_not_equal (d3, d4);
  assert_int_equal (unlinkat (f->ctx, "dir/link", 0), 0);
  assert_int_equal (symlinkat ("sub", f->ctx, "dir/link"), 0);
  d5 = digest_of (f, dot, 1);
  assert_string_not_equal (d4, d5);
  /* A source escaping the context is refused here too.  */
  assert_int_equal (build_context_digest (f->ctx, f->ig, (char *const *)evil, 1, &d, &err), -1);
  assert_null (d);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown (test_glob, setup, teardown),
    cmocka_unit_test_setup_teardown (test_glob_escapes, setup, teardown),
    cmocka_unit_test_setup_teardown (test_copy_files, setup, teardown),
    cmocka_unit_test_setup_teardown (test_copy_tree, setup, teardown),
    cmocka_unit_test_setup_teardown (test_copy_confinement, setup, teardown),
    cmocka_unit_test_setup_teardown (test_copy_owner, setup, teardown),
    cmocka_unit_test_setup_teardown (test_digest, setup, teardown),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
