/* Unit tests of the build layer cache (src/build/cache.h): the key covers
 * each input separately, entries map to images in a private store, and an
 * entry whose image is gone is a miss that is dropped.  */
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

#include "build/cache.h"
#include "image/image_write.h"
#include "image/store.h"
#include "util/cleanup.h"
#include "util/fs.h"

#include "temp-root.h"

static void
key_of (const char *parent, const char *instruction, char *const *args, const char *content,
        char key[BUILD_CACHE_KEY_SIZE])
{
  galley_error_t err = NULL;
  if (build_cache_key (parent, instruction, args, content, key, &err) < 0)
    fail_msg ("%s", err->msg);
  assert_int_equal (strlen (key), 64);
}

static void
test_key_covers_each_input (void **state)
{
  static const char *const parent = "1111111111111111111111111111111111111111111111111111111111111111";
  char *args_a[] = { (char *)"A=1", NULL }, *args_b[] = { (char *)"A=2", NULL };
  char *args_split[] = { (char *)"A=1", (char *)"B=2", NULL }, *args_joined[] = { (char *)"A=1B=2", NULL };
  char k1[BUILD_CACHE_KEY_SIZE], k2[BUILD_CACHE_KEY_SIZE];

  (void)state;
  key_of (parent, "RUN\nx", args_a, NULL, k1);
  key_of (parent, "RUN\nx", args_a, NULL, k2);
  assert_string_equal (k1, k2);
  key_of (NULL, "RUN\nx", args_a, NULL, k2);
  assert_string_not_equal (k1, k2);
  key_of (parent, "RUN\ny", args_a, NULL, k2);
  assert_string_not_equal (k1, k2);
  key_of (parent, "RUN\nx", args_b, NULL, k2);
  assert_string_not_equal (k1, k2);
  key_of (parent, "RUN\nx", args_a, "sha256:00", k2);
  assert_string_not_equal (k1, k2);
  /* Fields are delimited: moving text between them changes the key.  */
  key_of (parent, "RUN\nx", args_split, NULL, k1);
  key_of (parent, "RUN\nx", args_joined, NULL, k2);
  assert_string_not_equal (k1, k2);
  key_of (parent, "", NULL, "x", k1);
  key_of (parent, "x", NULL, "", k2);
  assert_string_not_equal (k1, k2);
}

struct fixture
{
  char dir[64];
  struct galley_paths paths;
  struct store *store;
};

static int
setup (void **state)
{
  struct fixture *f = calloc (1, sizeof *f);
  galley_error_t err = NULL;

  temp_root_make (f->dir, "test-build-cache", &f->paths, "storage", NULL);
  assert_int_equal (mkdir (f->paths.root, 0700), 0);
  if (store_open (&f->paths, &f->store, &err) < 0)
    fail_msg ("%s", err->msg);
  *state = f;
  return 0;
}

static int
teardown (void **state)
{
  struct fixture *f = *state;

  store_close (f->store);
  temp_root_remove (f->dir, &f->paths);
  free (f);
  return 0;
}

static void
test_lookup_record_and_stale_entries (void **state)
{
  struct fixture *f = *state;
  _cleanup_image_writer_ struct image_writer *w = NULL;
  _cleanup_free_ char *id = NULL, *found = NULL, *path = NULL;
  galley_error_t err = NULL;
  char key[BUILD_CACHE_KEY_SIZE];

  key_of (NULL, "LABEL\na\nb", NULL, NULL, key);
  assert_int_equal (build_cache_lookup (f->store, key, &found, &err), 0);
  assert_null (found);

  /* An empty image from scratch is enough to point at.  */
  if (image_writer_new (&f->paths, NULL, &w, &err) < 0
      || image_writer_add_history (w, "LABEL a=b", NULL, &err) < 0
      || image_writer_commit (w, NULL, &id, &err) < 0)
    fail_msg ("%s", err->msg);
  assert_int_equal (build_cache_record (f->store, key, id, &err), 0);
  assert_int_equal (build_cache_lookup (f->store, key, &found, &err), 1);
  assert_string_equal (found, id);
  free (found);
  found = NULL;

  /* The image goes: a miss, and the entry is dropped.  */
  assert_int_equal (store_image_remove (f->store, id, &err), 0);
  assert_int_equal (build_cache_lookup (f->store, key, &found, &err), 0);
  assert_null (found);
  assert_true (asprintf (&path, "%s/build-cache/%s", f->paths.root, key) > 0);
  assert_int_equal (access (path, F_OK), -1);

  /* Keys and ids are checked before they touch a path.  */
  assert_int_equal (build_cache_lookup (f->store, "../../etc/passwd", &found, &err), -1);
  galley_error_release (&err);
  assert_int_equal (build_cache_record (f->store, key, "not-an-id", &err), -1);
  galley_error_release (&err);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_key_covers_each_input),
    cmocka_unit_test_setup_teardown (test_lookup_record_and_stale_entries, setup, teardown),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
