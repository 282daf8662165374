/* Unit tests of src/util/list_cache.c: records survive a save and load
 * with any bytes in their fields, a changed ctime makes a record stale, a
 * record changed in the last second is never trusted, records that were
 * not looked up are dropped, and a damaged file is no cache; the stamp of
 * a whole directory is kept only for a complete file; FIFOs planted at
 * the cache's names never block a listing.  And of
 * src/util/change_counter.c: every change moves the stamp, across
 * rotation too, and a counter that missed a change is not trusted.  */
#include "config.h"

#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "util/change_counter.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/list_cache.h"

/* Each test's own directory: *state is its fd.  */
struct tmpdir
{
  char path[64];
  int dfd;
};

static int
setup (void **state)
{
  struct tmpdir *t = calloc (1, sizeof *t);

  assert_non_null (t);
  snprintf (t->path, sizeof t->path, "/tmp/galley-test-list-cache-XXXXXX");
  assert_non_null (mkdtemp (t->path));
  t->dfd = open (t->path, O_RDONLY | O_DIRECTORY);
  assert_true (t->dfd >= 0);
  *state = t;
  return 0;
}

static int
teardown (void **state)
{
  struct tmpdir *t = *state;
  galley_error_t err = NULL;

  close (t->dfd);
  assert_int_equal (fs_remove_tree (AT_FDCWD, t->path, &err), 0);
  free (t);
  return 0;
}

static const struct timespec old_a = { 1000, 5 }, old_b = { 2000, 7 };

static void
test_round_trip (void **state)
{
  int dfd = ((struct tmpdir *)*state)->dfd;
  const char *in[3] = { "plain", "tab\there\nnew line \\ back\\slash \\-", NULL };
  const char *const *out;
  galley_error_t err = NULL;
  struct list_cache *c;

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
}

/* The caller may close its directory fd right after open (ps does): the
 * cache keeps its own.  */
static void
test_own_dirfd (void **state)
{
  int dfd = ((struct tmpdir *)*state)->dfd, caller = dup (dfd);
  const char *in[1] = { "x" };
  galley_error_t err = NULL;
  struct list_cache *c;

  c = list_cache_open (caller, "cache", 1);
  close (caller);
  assert_non_null (list_cache_put (c, "a", &old_a, in, &err));
  list_cache_close (c);
  c = list_cache_open (dfd, "cache", 1);
  assert_non_null (list_cache_get (c, "a", &old_a));
  list_cache_close (c);
}

static void
test_racy_record_not_trusted (void **state)
{
  int dfd = ((struct tmpdir *)*state)->dfd;
  const char *in[1] = { "x" };
  galley_error_t err = NULL;
  struct timespec now;
  struct list_cache *c;

  clock_gettime (CLOCK_REALTIME_COARSE, &now);
  c = list_cache_open (dfd, "cache", 1);
  /* usable in this listing, but not saved for the next */
  assert_non_null (list_cache_put (c, "fresh", &now, in, &err));
  list_cache_close (c);
  c = list_cache_open (dfd, "cache", 1);
  assert_null (list_cache_get (c, "fresh", &now));
  list_cache_close (c);
}

static void
test_stamp (void **state)
{
  int dfd = ((struct tmpdir *)*state)->dfd;
  const char *in[1] = { "x" };
  galley_error_t err = NULL;
  struct timespec now;
  struct list_cache *c;

  c = list_cache_open (dfd, "cache", 1);
  assert_null (list_cache_stamp (c));
  assert_non_null (list_cache_put (c, "a", &old_a, in, &err));
  list_cache_set_stamp (c, "s1");
  list_cache_close (c);
  c = list_cache_open (dfd, "cache", 1);
  assert_string_equal (list_cache_stamp (c), "s1");
  assert_int_equal (list_cache_count (c), 1);
  {
    const char *key;
    const char *const *f = list_cache_record (c, 0, &key);
    assert_string_equal (key, "a");
    assert_string_equal (f[0], "x");
  }
  /* nothing else changed, but a new stamp is saved */
  list_cache_set_stamp (c, "s2");
  list_cache_close (c);
  c = list_cache_open (dfd, "cache", 1);
  assert_string_equal (list_cache_stamp (c), "s2");
  assert_non_null (list_cache_get (c, "a", &old_a));
  /* a record too recent to keep: the file is not the whole directory */
  clock_gettime (CLOCK_REALTIME_COARSE, &now);
  assert_non_null (list_cache_put (c, "fresh", &now, in, &err));
  list_cache_set_stamp (c, "s3");
  list_cache_close (c);
  c = list_cache_open (dfd, "cache", 1);
  assert_null (list_cache_stamp (c));
  assert_non_null (list_cache_get (c, "a", &old_a));
  list_cache_close (c);
}

static void
test_change_counter (void **state)
{
  char s0[CHANGE_STAMP_MAX], s1[CHANGE_STAMP_MAX], s2[CHANGE_STAMP_MAX];
  int dfd = ((struct tmpdir *)*state)->dfd, i;
  struct stat sb;

  /* made on first sight */
  assert_true (change_counter_stamp (dfd, "changes", s0));
  assert_true (change_counter_stamp (dfd, "changes", s1));
  assert_string_equal (s0, s1);
  change_counter_bump (dfd, "changes");
  assert_true (change_counter_stamp (dfd, "changes", s1));
  assert_string_not_equal (s0, s1);
  /* full: replaced by an empty file, still another stamp */
  for (i = 0; i < 64 * 1024; i++)
    change_counter_bump (dfd, "changes");
  assert_true (change_counter_stamp (dfd, "changes", s2));
  assert_string_not_equal (s1, s2);
  assert_int_equal (fstatat (dfd, "changes", &sb, 0), 0);
  assert_true (sb.st_size < 64 * 1024);
  /* a counter that cannot count is removed; none is not trusted */
  assert_int_equal (unlinkat (dfd, "changes", 0), 0);
  assert_int_equal (symlinkat ("elsewhere", dfd, "changes"), 0);
  assert_false (change_counter_stamp (dfd, "changes", s0));
  change_counter_bump (dfd, "changes");
  assert_int_equal (fstatat (dfd, "changes", &sb, AT_SYMLINK_NOFOLLOW), -1);
  assert_true (change_counter_stamp (dfd, "changes", s0));
}

#define TEXT(s)     \
  {                 \
    s, sizeof s - 1 \
  }

static void
test_damaged_file (void **state)
{
  static const struct
  {
    const char *text;
    size_t len;
  } texts[] = {
    TEXT ("galley-list-cache 3 1 1 -\na\0"
          "1000\0"
          "5\0\n"), /* a field missing */
    TEXT ("galley-list-cache 3 1 1 -\na\0"
          "1000\0"
          "5\0=x\0=y\0\n"), /* one too many */
    TEXT ("galley-list-cache 3 1 1 -\na\0"
          "10x\0"
          "5\0=x\0\n"), /* a bad number */
    TEXT ("galley-list-cache 3 1 1 -\n\0"
          "1000\0"
          "5\0=x\0\n"), /* no key */
    TEXT ("galley-list-cache 3 1 1 -\na\0"
          "1000\0"
          "5\0x\0\n"), /* no field marker */
    TEXT ("galley-list-cache 3 1 1 -\na\0"
          "1000\0"
          "5\0=x\0"), /* cut short */
    TEXT ("galley-list-cache 3 1 2 -\na\0"
          "1000\0"
          "5\0=x\0\n"), /* fewer than counted */
    TEXT ("galley-list-cache 3 1 1 -\na\0"
          "1000\0"
          "5\0=x\0\nb\0"),                             /* more */
    TEXT ("galley-list-cache 2 1 -\na\t1000\t5\tx\n"), /* the text format */
    TEXT ("something else\na\0"
          "1000\0"
          "5\0=x\0\n"), /* not a cache */
  };
  static const char good[] = "galley-list-cache 3 1 1 -\na\0"
                             "1000\0"
                             "5\0=x\0\n";
  int dfd = ((struct tmpdir *)*state)->dfd;
  galley_error_t err = NULL;
  struct list_cache *c;
  size_t i;

  for (i = 0; i < sizeof texts / sizeof texts[0]; i++)
    {
      assert_int_equal (fs_write_atomic (dfd, "cache", texts[i].text, texts[i].len, 0600, &err), 0);
      c = list_cache_open (dfd, "cache", 1);
      assert_null (list_cache_get (c, "a", &old_a));
      list_cache_close (c);
    }
  /* and the well-formed one is read */
  assert_int_equal (fs_write_atomic (dfd, "cache", good, sizeof good - 1, 0600, &err), 0);
  c = list_cache_open (dfd, "cache", 1);
  assert_non_null (list_cache_get (c, "a", &old_a));
  assert_string_equal (list_cache_get (c, "a", &old_a)[0], "x");
  list_cache_close (c);
}

/* FIFOs at the cache's name and at the name its writer once used for its
 * temporary file: the cache is empty, the listing goes on (the alarm
 * kills a test that blocks), and the save replaces the FIFO.  */
static void
test_fifos_never_block (void **state)
{
  int dfd = ((struct tmpdir *)*state)->dfd;
  const char *in[1] = { "x" };
  _cleanup_free_ char *planted = NULL;
  galley_error_t err = NULL;
  struct list_cache *c;
  struct stat sb;

  alarm (10);
  assert_int_equal (mkfifoat (dfd, "cache", 0600), 0);
  assert_true (asprintf (&planted, "cache.tmp-%d", (int)getpid ()) > 0);
  assert_int_equal (mkfifoat (dfd, planted, 0600), 0);
  c = list_cache_open (dfd, "cache", 1);
  assert_int_equal (list_cache_count (c), 0);
  assert_non_null (list_cache_put (c, "a", &old_a, in, &err));
  list_cache_close (c);
  assert_int_equal (fstatat (dfd, "cache", &sb, AT_SYMLINK_NOFOLLOW), 0);
  assert_true (S_ISREG (sb.st_mode));
  c = list_cache_open (dfd, "cache", 1);
  assert_non_null (list_cache_get (c, "a", &old_a));
  list_cache_close (c);
  alarm (0);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown (test_round_trip, setup, teardown),
    cmocka_unit_test_setup_teardown (test_own_dirfd, setup, teardown),
    cmocka_unit_test_setup_teardown (test_racy_record_not_trusted, setup, teardown),
    cmocka_unit_test_setup_teardown (test_damaged_file, setup, teardown),
    cmocka_unit_test_setup_teardown (test_stamp, setup, teardown),
    cmocka_unit_test_setup_teardown (test_change_counter, setup, teardown),
    cmocka_unit_test_setup_teardown (test_fifos_never_block, setup, teardown),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
