/* Unit tests of src/util/list_cache.c: records survive a save and load
 * with any bytes in their fields, a changed ctime makes a record stale, a
 * record changed in the last second is never trusted, records that were
 * not looked up are dropped, and a damaged file is no cache.  */
#include "config.h"

#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "util/cleanup.h"
#include "util/fs.h"
#include "util/list_cache.h"

static int
open_tmpdir (char **path)
{
  char *d = strdup ("/tmp/galley-test-list-cache-XXXXXX");
  assert_non_null (mkdtemp (d));
  *path = d;
  return open (d, O_RDONLY | O_DIRECTORY);
}

static void
remove_tmpdir (int dfd, char *path)
{
  galley_error_t err = NULL;
  close (dfd);
  assert_int_equal (fs_remove_tree (AT_FDCWD, path, &err), 0);
  free (path);
}

static const struct timespec old_a = { 1000, 5 }, old_b = { 2000, 7 };

static void
test_round_trip (void **state)
{
  char *path;
  int dfd = open_tmpdir (&path);
  const char *in[3] = { "plain", "tab\there\nnew line \\ back\\slash \\-", NULL };
  const char *const *out;
  galley_error_t err = NULL;
  struct list_cache *c;

  (void)state;
  c = list_cache_open (dfd, "cache", 3);
  assert_null (list_cache_get (c, "a", &old_a));
  out = list_cache_put (c, "a", &old_a, in, &err);
  assert_non_null (out);
  assert_string_equal (out[1], in[1]);
  assert_non_null (list_cache_put (c, "b", &old_b, in, &err));
  list_cache_close (c);

  c = list_cache_open (dfd, "cache", 3);
  out = list_cache_get (c, "a", &old_a);
  assert_non_null (out);
  assert_string_equal (out[0], "plain");
  assert_string_equal (out[1], in[1]);
  assert_null (out[2]);
  /* another ctime: the directory changed since */
  assert_null (list_cache_get (c, "b", &old_a));
  list_cache_close (c);
  /* a record not looked up (its directory is gone) is dropped */
  c = list_cache_open (dfd, "cache", 3);
  assert_non_null (list_cache_get (c, "a", &old_a));
  assert_null (list_cache_get (c, "b", &old_b));
  list_cache_close (c);
  /* another record shape is no cache */
  c = list_cache_open (dfd, "cache", 2);
  assert_null (list_cache_get (c, "a", &old_a));
  list_cache_close (c);
  remove_tmpdir (dfd, path);
}

/* The caller may close its directory fd right after open (ps does): the
 * cache keeps its own.  */
static void
test_own_dirfd (void **state)
{
  char *path;
  int dfd = open_tmpdir (&path), caller = dup (dfd);
  const char *in[1] = { "x" };
  galley_error_t err = NULL;
  struct list_cache *c;

  (void)state;
  c = list_cache_open (caller, "cache", 1);
  close (caller);
  assert_non_null (list_cache_put (c, "a", &old_a, in, &err));
  list_cache_close (c);
  c = list_cache_open (dfd, "cache", 1);
  assert_non_null (list_cache_get (c, "a", &old_a));
  list_cache_close (c);
  remove_tmpdir (dfd, path);
}

static void
test_racy_record_not_trusted (void **state)
{
  char *path;
  int dfd = open_tmpdir (&path);
  const char *in[1] = { "x" };
  galley_error_t err = NULL;
  struct timespec now;
  struct list_cache *c;

  (void)state;
  clock_gettime (CLOCK_REALTIME_COARSE, &now);
  c = list_cache_open (dfd, "cache", 1);
  /* usable in this listing, but not saved for the next */
  assert_non_null (list_cache_put (c, "fresh", &now, in, &err));
  list_cache_close (c);
  c = list_cache_open (dfd, "cache", 1);
  assert_null (list_cache_get (c, "fresh", &now));
  list_cache_close (c);
  remove_tmpdir (dfd, path);
}

static void
test_damaged_file (void **state)
{
  static const char *const texts[] = {
    "galley-list-cache 1 1\na\t1000\t5\n",       /* a field missing */
    "galley-list-cache 1 1\na\t1000\t5\tx\ty\n", /* one too many */
    "galley-list-cache 1 1\na\t10x\t5\tx\n",     /* a bad number */
    "galley-list-cache 1 1\n\t1000\t5\tx\n",     /* no key */
    "something else\na\t1000\t5\tx\n",           /* not a cache */
  };
  char *path;
  int dfd = open_tmpdir (&path);
  size_t i;

  (void)state;
  for (i = 0; i < sizeof texts / sizeof texts[0]; i++)
    {
      galley_error_t err = NULL;
      struct list_cache *c;
      assert_int_equal (fs_write_atomic (dfd, "cache", texts[i], strlen (texts[i]), 0600, &err), 0);
      c = list_cache_open (dfd, "cache", 1);
      assert_null (list_cache_get (c, "a", &old_a));
      list_cache_close (c);
    }
  {
    /* and the well-formed one is read */
    const char *good = "galley-list-cache 1 1\na\t1000\t5\tx\n";
    galley_error_t err = NULL;
    struct list_cache *c;
    assert_int_equal (fs_write_atomic (dfd, "cache", good, strlen (good), 0600, &err), 0);
    c = list_cache_open (dfd, "cache", 1);
    assert_non_null (list_cache_get (c, "a", &old_a));
    assert_string_equal (list_cache_get (c, "a", &old_a)[0], "x");
    list_cache_close (c);
  }
  remove_tmpdir (dfd, path);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_round_trip),
    cmocka_unit_test (test_own_dirfd),
    cmocka_unit_test (test_racy_record_not_trusted),
    cmocka_unit_test (test_damaged_file),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
