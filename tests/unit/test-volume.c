/* Unit tests of named volumes: names, records, the create-time pass over
 * -v/--mount, their rewriting into bind mounts, copy-up, rm -v.  */
#include "config.h"

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

#include "runtime/volume_mounts.h"
#include "state/volume.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/json.h"

#include "temp-root.h"

struct fixture
{
  char dir[64];
  struct galley_paths paths;
};

static int
setup (void **state)
{
  struct fixture *f = calloc (1, sizeof *f);

  temp_root_make (f->dir, "test-volume", &f->paths, "root", NULL);
  *state = f;
  return 0;
}

static int
teardown (void **state)
{
  struct fixture *f = *state;

  temp_root_remove (f->dir, &f->paths);
  free (f);
  return 0;
}

static void
test_names (void **state)
{
  assert_true (volume_valid_name ("a"));
  assert_true (volume_valid_name ("my-vol_1.x"));
  assert_false (volume_valid_name (""));
  assert_false (volume_valid_name (".hidden"));
  assert_false (volume_valid_name ("-x"));
  assert_false (volume_valid_name ("a/b"));
  assert_false (volume_valid_name ("a b"));
  assert_false (volume_valid_name (".."));
}

static void
test_create_load_remove (void **state)
{
  struct fixture *f = *state;
  galley_error_t err = NULL;
  _cleanup_json_ json_object *labels = json_object_new_object ();
  _cleanup_json_ json_object *rec = NULL;
  _cleanup_strv_ char **names = NULL;
  struct volume_create_options o = { .name = "v1", .labels = labels };
  char *name = NULL;

  json_object_object_add (labels, "k", json_object_new_string ("v"));
  assert_int_equal (volume_create (&f->paths, &o, &name, &err), 0);
  assert_string_equal (name, "v1");
  free (name);
  assert_int_equal (volume_create (&f->paths, &o, NULL, &err), -1);
  assert_int_equal (galley_error_errno (&err), EEXIST);
  galley_error_release (&err);
  assert_int_equal (volume_load (&f->paths, "v1", &rec, &err), 0);
  assert_string_equal (json_get_string (rec, "Driver"), "local");
  assert_string_equal (json_get_string (rec, "Scope"), "local");
  assert_int_equal (volume_list (&f->paths, &names, &err), 0);
  assert_string_equal (names[0], "v1");
  assert_null (names[1]);
  assert_int_equal (volume_remove (&f->paths, "v1", false, &err), 0);
  assert_int_equal (volume_remove (&f->paths, "v1", false, &err), -1);
  assert_int_equal (galley_error_errno (&err), ENOENT);
  galley_error_release (&err);
  assert_int_equal (volume_load (&f->paths, "../x", &rec, &err), -1);
  galley_error_release (&err);
}

static const char *
item (json_object *config, const char *key, size_t i)
{
  json_object *a;

  assert_true (json_object_object_get_ex (config, key, &a));
  return json_object_get_string (json_object_array_get_idx (a, i));
}

static void
test_prepare_and_rewrite (void **state)
{
  struct fixture *f = *state;
  galley_error_t err = NULL;
  const char *text = "{\"Volumes\": [\"data:/var/lib/data:ro,U\", \"/anon\", \"/host:/x\"],"
                     " \"Mounts\": [\"type=volume,source=m,target=/m,ro\", \"type=volume,target=/anon2\","
                     " \"type=tmpfs,target=/t\"]}";
  _cleanup_json_ json_object *config = NULL;
  _cleanup_strv_ char **used = NULL;
  struct volume_mount_info info;
  char *rw = NULL, *expect = NULL;
  json_object *anon;

  assert_int_equal (json_parse_strict (text, strlen (text), "c", &config, &err), 0);
  assert_int_equal (volume_mounts_prepare (&f->paths, config, &err), 0);
  assert_true (volume_exists (&f->paths, "data"));
  assert_true (volume_exists (&f->paths, "m"));
  assert_true (json_object_object_get_ex (config, "AnonymousVolumes", &anon));
  assert_int_equal (json_object_array_length (anon), 2);
  assert_true (volume_exists (&f->paths, json_object_get_string (json_object_array_get_idx (anon, 0))));

  used = volume_names_in_config (config);
  assert_string_equal (used[0], "data");
  assert_non_null (used[1]); /* the anonymous one, by name */

  assert_int_equal (
      volume_mount_rewrite (&f->paths, "Volumes", item (config, "Volumes", 0), &rw, &info, &err), 0);
  assert_true (asprintf (&expect, "%s/volumes/data/_data:/var/lib/data:ro", f->paths.root) > 0);
  assert_string_equal (rw, expect);
  assert_string_equal (info.volume, "data");
  assert_true (info.chown);
  assert_true (info.copy_up);
  free (rw);
  free (expect);
  volume_mount_info_clear (&info);

  assert_int_equal (volume_mount_rewrite (&f->paths, "Volumes", "/host:/x", &rw, &info, &err), 0);
  assert_null (rw);
  assert_null (info.volume);

  assert_int_equal (volume_mount_rewrite (&f->paths, "Mounts", item (config, "Mounts", 0), &rw, &info, &err),
                    0);
  assert_true (asprintf (&expect, "type=bind,source=%s/volumes/m/_data,target=/m,ro", f->paths.root) > 0);
  assert_string_equal (rw, expect);
  free (rw);
  free (expect);
  volume_mount_info_clear (&info);
  assert_int_equal (volume_mount_rewrite (&f->paths, "Mounts", item (config, "Mounts", 1), &rw, &info, &err),
                    0);
  assert_non_null (rw);
  free (rw);
  volume_mount_info_clear (&info);
  assert_int_equal (volume_mount_rewrite (&f->paths, "Mounts", "type=tmpfs,target=/t", &rw, &info, &err), 0);
  assert_null (rw);

  /* rm -v: the anonymous volumes go, the named ones stay */
  assert_int_equal (volume_remove_anonymous (&f->paths, config, &err), 0);
  assert_false (volume_exists (&f->paths, json_object_get_string (json_object_array_get_idx (anon, 0))));
  assert_true (volume_exists (&f->paths, "data"));
}

static void
test_prepare_bad_name_creates_nothing (void **state)
{
  struct fixture *f = *state;
  galley_error_t err = NULL;
  const char *text = "{\"Volumes\": [\"good:/a\", \"b@d:/b\"]}";
  _cleanup_json_ json_object *config = NULL;

  assert_int_equal (json_parse_strict (text, strlen (text), "c", &config, &err), 0);
  assert_int_equal (volume_mounts_prepare (&f->paths, config, &err), -1);
  assert_non_null (strstr (err->msg, "b@d"));
  galley_error_release (&err);
  assert_false (volume_exists (&f->paths, "good"));
}

static void
test_copy_up (void **state)
{
  struct fixture *f = *state;
  galley_error_t err = NULL;
  char src[128], dst[128], path[256], target[64];
  _cleanup_close_ int sfd = -1, dfd = -1;
  struct stat st;
  ssize_t l;

  snprintf (src, sizeof src, "%s/src", f->dir);
  snprintf (dst, sizeof dst, "%s/dst", f->dir);
  assert_int_equal (mkdir (src, 0755), 0);
  assert_int_equal (mkdir (dst, 0700), 0);
  snprintf (path, sizeof path, "%s/sub", src);
  assert_int_equal (mkdir (path, 0750), 0);
  snprintf (path, sizeof path, "%s/sub/file", src);
  assert_int_equal (fs_write_atomic (AT_FDCWD, path, "content", 7, 0640, &err), 0);
  snprintf (path, sizeof path, "%s/link", src);
  assert_int_equal (symlink ("sub/file", path), 0);
  sfd = open (src, O_RDONLY | O_DIRECTORY);
  dfd = open (dst, O_RDONLY | O_DIRECTORY);
  assert_int_equal (volume_copy_up (sfd, dfd, &err), 1);
  snprintf (path, sizeof path, "%s/sub/file", dst);
  assert_int_equal (stat (path, &st), 0);
  assert_int_equal (st.st_mode & 0777, 0640);
  assert_int_equal (st.st_size, 7);
  snprintf (path, sizeof path, "%s/link", dst);
  l = readlink (path, target, sizeof target - 1);
  assert_int_equal (l, 8);
  assert_int_equal (stat (dst, &st), 0);
  assert_int_equal (st.st_mode & 0777, 0755);
  /* not empty any more: nothing is copied again */
  assert_int_equal (volume_copy_up (sfd, dfd, &err), 0);
  assert_int_equal (volume_chown_tree (dfd, getuid (), getgid (), &err), 0);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_names),
    cmocka_unit_test_setup_teardown (test_create_load_remove, setup, teardown),
    cmocka_unit_test_setup_teardown (test_prepare_and_rewrite, setup, teardown),
    cmocka_unit_test_setup_teardown (test_prepare_bad_name_creates_nothing, setup, teardown),
    cmocka_unit_test_setup_teardown (test_copy_up, setup, teardown),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
