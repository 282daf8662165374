/* Unit tests: whiteout classification and the forms written into an
 * extracted layer (0/0 character devices, opaque xattr), their order
 * relative to the layer's own entries, and whiteouts aimed outside.  */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <errno.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>

#include "image/layer_extract.h"
#include "image/whiteout.h"
#include "layer-tar.h"
#include "util/cleanup.h"

#define N(a) (sizeof (a) / sizeof (a)[0])

static void
test_classify (void **state)
{
  const char *target = NULL;

  assert_int_equal (whiteout_classify ("foo", NULL), WHITEOUT_NONE);
  assert_int_equal (whiteout_classify (".wh", NULL), WHITEOUT_NONE);
  assert_int_equal (whiteout_classify (".whfoo", NULL), WHITEOUT_NONE);
  assert_int_equal (whiteout_classify (".wh.foo", &target), WHITEOUT_FILE);
  assert_string_equal (target, "foo");
  assert_int_equal (whiteout_classify (".wh..foo", &target), WHITEOUT_FILE);
  assert_string_equal (target, ".foo");
  assert_int_equal (whiteout_classify (".wh..wh..opq", NULL), WHITEOUT_OPAQUE);
  assert_int_equal (whiteout_classify (".wh..wh.plnk", NULL), WHITEOUT_IGNORED);
  assert_int_equal (whiteout_classify (".wh.", NULL), WHITEOUT_IGNORED);
  assert_int_equal (whiteout_classify (".wh...", NULL), WHITEOUT_IGNORED);
  assert_int_equal (whiteout_classify (".wh..", NULL), WHITEOUT_IGNORED);
}

struct layer_dir
{
  char *parent, *diff;
  int dfd;
};

static int
extract (const struct test_entry *e, size_t n, struct layer_dir *l, galley_error_t *err)
{
  struct test_blob b = test_make_layer (e, n, "gzip");
  struct layer_extract_options o = { 0 };
  int fd = test_blob_fd (&b), r;

  l->diff = test_mkdtemp (&l->parent);
  r = layer_extract_fd (fd, l->diff, &o, NULL, err);
  close (fd);
  free (b.data);
  l->dfd = open (l->diff, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  assert_true (l->dfd >= 0);
  return r;
}

static void
layer_dir_release (struct layer_dir *l)
{
  close (l->dfd);
  test_rm_rf (l->parent);
  free (l->parent);
  free (l->diff);
}

static bool
is_whiteout (int dfd, const char *name)
{
  struct stat st;

  return fstatat (dfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && whiteout_is_device (&st);
}

static bool
exists (int dfd, const char *name)
{
  struct stat st;

  return fstatat (dfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0;
}

static void
test_forms (void **state)
{
  const struct test_entry e[] = {
    { T_DIR, "etc/", NULL, 0755, 0, 0 },
    { T_FILE, "etc/.wh.passwd", NULL, 0644, 0, 0 },
    { T_FILE, "usr/lib/.wh.gone", NULL, 0644, 0, 0 }, /* parents created */
    { T_DIR, "var/cache/", NULL, 0755, 0, 0 },
    { T_FILE, "var/cache/.wh..wh..opq", NULL, 0644, 0, 0 },
    { T_FILE, "var/cache/kept", "k", 0644, 0, 0 },
    { T_FILE, ".wh..wh.plnk", NULL, 0644, 0, 0 },
  };
  galley_error_t err = NULL;
  struct layer_dir l;
  _cleanup_close_ int cache = -1;

  if (extract (e, N (e), &l, &err) < 0)
    fail_msg ("%s", err->msg);
  assert_true (is_whiteout (l.dfd, "etc/passwd"));
  assert_false (exists (l.dfd, "etc/.wh.passwd"));
  assert_true (is_whiteout (l.dfd, "usr/lib/gone"));
  cache = openat (l.dfd, "var/cache", O_RDONLY | O_DIRECTORY);
  assert_true (cache >= 0);
  assert_true (whiteout_dir_is_opaque (cache));
  {
    char v[4];
    assert_int_equal (fgetxattr (cache, WHITEOUT_OPAQUE_XATTR, v, sizeof v), 1);
    assert_int_equal (v[0], 'y');
  }
  assert_false (exists (l.dfd, "var/cache/.wh..wh..opq"));
  assert_true (exists (l.dfd, "var/cache/kept"));
  assert_false (exists (l.dfd, ".wh..wh.plnk"));
  assert_false (exists (l.dfd, "plnk"));
  layer_dir_release (&l);
}

/* The layer's own entry wins over its whiteout, in either order.  */
static void
test_same_layer_order (void **state)
{
  const struct test_entry e[] = {
    { T_FILE, "before", "b", 0644, 0, 0 },     { T_FILE, ".wh.before", NULL, 0644, 0, 0 },
    { T_FILE, ".wh.after", NULL, 0644, 0, 0 }, { T_FILE, "after", "a", 0644, 0, 0 },
    { T_FILE, ".wh.dir", NULL, 0644, 0, 0 },   { T_DIR, "dir/", NULL, 0755, 0, 0 },
  };
  galley_error_t err = NULL;
  struct layer_dir l;
  struct stat st;

  if (extract (e, N (e), &l, &err) < 0)
    fail_msg ("%s", err->msg);
  assert_int_equal (fstatat (l.dfd, "before", &st, AT_SYMLINK_NOFOLLOW), 0);
  assert_true (S_ISREG (st.st_mode));
  assert_int_equal (fstatat (l.dfd, "after", &st, AT_SYMLINK_NOFOLLOW), 0);
  assert_true (S_ISREG (st.st_mode));
  assert_int_equal (fstatat (l.dfd, "dir", &st, AT_SYMLINK_NOFOLLOW), 0);
  assert_true (S_ISDIR (st.st_mode));
  layer_dir_release (&l);
}

/* Whiteouts aimed outside the layer: refused, or kept inside.  */
static void
test_outside (void **state)
{
  char victim_dir[] = "/tmp/galley-test-victim-XXXXXX", *victim = NULL, *sym = NULL;
  galley_error_t err = NULL;
  struct layer_dir l;
  struct stat st;
  int fd;

  assert_non_null (mkdtemp (victim_dir));
  if (asprintf (&victim, "%s/file", victim_dir) < 0 || asprintf (&sym, "%s", victim_dir) < 0)
    abort ();
  fd = open (victim, O_WRONLY | O_CREAT, 0644);
  assert_true (fd >= 0);
  close (fd);
  {
    const struct test_entry e[] = { { T_FILE, "../.wh.diff", NULL, 0644, 0, 0 } };
    assert_int_equal (extract (e, N (e), &l, &err), -1);
    galley_error_release (&err);
    assert_int_equal (stat (l.diff, &st), 0);
    assert_true (S_ISDIR (st.st_mode));
    layer_dir_release (&l);
  }
  {
    /* through a symlink to the victim's directory: lands in the layer */
    const struct test_entry e[] = {
      { T_DIR, victim_dir + 1, NULL, 0755, 0, 0 },
      { T_SYMLINK, "link", sym, 0, 0, 0 },
      { T_FILE, "link/.wh.file", NULL, 0644, 0, 0 },
      { T_FILE, "/.wh.etc", NULL, 0644, 0, 0 },
    };
    if (extract (e, N (e), &l, &err) < 0)
      fail_msg ("%s", err->msg);
    assert_int_equal (stat (victim, &st), 0);
    assert_true (S_ISREG (st.st_mode));
    assert_true (is_whiteout (l.dfd, victim + 1));
    assert_true (is_whiteout (l.dfd, "etc"));
    layer_dir_release (&l);
  }
  unlink (victim);
  rmdir (victim_dir);
  free (victim);
  free (sym);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_classify),
    cmocka_unit_test (test_forms),
    cmocka_unit_test (test_same_layer_order),
    cmocka_unit_test (test_outside),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
