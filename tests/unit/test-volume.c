/* Unit tests of named volumes: names, records, the create-time pass over
 * -v/--mount, their resolution into bind mounts, copy-up, rm -v.  */
#include "config.h"

#include <dirent.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "runtime/mount_args.h"
#include "runtime/volume_mounts.h"
#include "state/volume.h"
#include "state/volume_options.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/strv.h"

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

/* The mount of one configuration argument, resolved as the launcher does.  */
static void
resolve (struct fixture *f, const char *arg, bool mount, struct mount_spec *m)
{
  galley_error_t err = NULL;

  assert_int_equal (mount ? mount_parse_mount (arg, m, &err) : mount_parse_volume (arg, m, &err), 0);
  assert_int_equal (volume_mount_resolve (&f->paths, m, &err), 0);
}

static void
test_prepare_and_resolve (void **state)
{
  struct fixture *f = *state;
  galley_error_t err = NULL;
  const char *text =
      "{\"Volumes\": [\"data:/var/lib/data:ro,U\", \"/anon\", \"/host:/x\", \"/anon3\", \"/anon3\"],"
      " \"Mounts\": [\"type=volume,source=m,target=/m,ro\", \"type=volume,target=/anon2\","
      " \"type=tmpfs,target=/t\"]}";
  _cleanup_container_config_ struct container_config config = { 0 };
  _cleanup_strv_ char **used = NULL;
  struct mount_spec m;
  char *expect = NULL;
  char **anon;

  assert_int_equal (container_config_parse (text, strlen (text), "c", &config, &err), 0);
  assert_int_equal (volume_mounts_prepare (&f->paths, &config, &err), 0);
  assert_true (volume_exists (&f->paths, "data"));
  assert_true (volume_exists (&f->paths, "m"));
  /* the same -v twice is one mount (and one anonymous volume) */
  assert_int_equal (strv_len (config.volumes), 4);
  anon = config.anonymous_volumes;
  assert_int_equal (strv_len (anon), 3);
  assert_true (volume_exists (&f->paths, anon[0]));

  used = volume_names_in_config (&config);
  assert_string_equal (used[0], "data");
  assert_non_null (used[1]); /* the anonymous one, by name */

  resolve (f, config.volumes[0], false, &m);
  assert_true (asprintf (&expect, "%s/volumes/data/_data", f->paths.root) > 0);
  assert_string_equal (m.source, expect);
  assert_string_equal (m.destination, "/var/lib/data");
  assert_string_equal (m.volume, "data");
  assert_true (m.readonly);
  assert_true (m.chown_to_user);
  assert_true (m.copy_up);
  free (expect);
  mount_spec_clear (&m);

  /* filled once: not again */
  assert_int_equal (volume_set_flag (&f->paths, "data", "NeedsCopyUp", false, &err), 0);
  resolve (f, config.volumes[0], false, &m);
  assert_false (m.copy_up);
  mount_spec_clear (&m);

  resolve (f, "/host:/x", false, &m);
  assert_string_equal (m.source, "/host");
  assert_null (m.volume);
  mount_spec_clear (&m);

  resolve (f, config.mounts[0], true, &m);
  assert_true (asprintf (&expect, "%s/volumes/m/_data", f->paths.root) > 0);
  assert_string_equal (m.source, expect);
  assert_true (m.readonly);
  free (expect);
  mount_spec_clear (&m);
  resolve (f, config.mounts[1], true, &m);
  assert_string_equal (m.volume, anon[2]);
  mount_spec_clear (&m);

  /* an anonymous volume that was not prepared */
  assert_int_equal (mount_parse_volume ("/anon", &m, &err), 0);
  assert_int_equal (volume_mount_resolve (&f->paths, &m, &err), -1);
  galley_error_release (&err);
  mount_spec_clear (&m);

  /* rm -v: the anonymous volumes go, the named ones stay */
  assert_int_equal (volume_remove_anonymous (&f->paths, &config, &err), 0);
  assert_false (volume_exists (&f->paths, anon[0]));
  assert_true (volume_exists (&f->paths, "data"));
}

static void
test_prepare_bad_name_creates_nothing (void **state)
{
  struct fixture *f = *state;
  galley_error_t err = NULL;
  const char *text = "{\"Volumes\": [\"good:/a\", \"b@d:/b\"]}";
  _cleanup_container_config_ struct container_config config = { 0 };

  assert_int_equal (container_config_parse (text, strlen (text), "c", &config, &err), 0);
  assert_int_equal (volume_mounts_prepare (&f->paths, &config, &err), -1);
  assert_non_null (strstr (err->msg, "b@d"));
  galley_error_release (&err);
  assert_false (volume_exists (&f->paths, "good"));
}

/* Any wrong argument, named volume or not, -v or --mount: nothing is
 * created.  */
static void
test_prepare_bad_argument_creates_nothing (void **state)
{
  static const char *const configs[] = {
    "{\"Volumes\": [\"good:/a\", \"other:/b:ro,rw\"]}",
    "{\"Volumes\": [\"good:/a\", \"/anon:/b:bogus\"]}",
    "{\"Volumes\": [\"good:relative\"]}",
    "{\"Volumes\": [\"good:/proc\"]}",
    "{\"Volumes\": [\"good:/a\"], \"Tmpfs\": [\"/a\"]}",
    "{\"Volumes\": [\"good:/a\"], \"Mounts\": [\"type=volume,source=other,target=/b,exec,noexec\"]}",
  };
  struct fixture *f = *state;
  _cleanup_strv_ char **names = NULL;
  galley_error_t err = NULL;
  size_t i;

  for (i = 0; i < sizeof configs / sizeof configs[0]; i++)
    {
      _cleanup_container_config_ struct container_config config = { 0 };
      assert_int_equal (container_config_parse (configs[i], strlen (configs[i]), "c", &config, &err), 0);
      assert_int_equal (volume_mounts_prepare (&f->paths, &config, &err), -1);
      galley_error_release (&err);
    }
  assert_int_equal (volume_list (&f->paths, &names, &err), 0);
  assert_null (names[0]);
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

/* A copy-up that fails half way leaves the volume empty, to be filled at
 * its next use.  */
static void
test_copy_up_failure_leaves_volume_empty (void **state)
{
  struct fixture *f = *state;
  galley_error_t err = NULL;
  char src[128], dst[128], path[256];
  _cleanup_close_ int sfd = -1, dfd = -1;
  _cleanup_closedir_ DIR *d = NULL;
  struct dirent *de;
  int entries = 0, i;

  snprintf (src, sizeof src, "%s/src", f->dir);
  snprintf (dst, sizeof dst, "%s/dst", f->dir);
  assert_int_equal (mkdir (src, 0755), 0);
  assert_int_equal (mkdir (dst, 0700), 0);
  snprintf (path, sizeof path, "%s/file", src);
  assert_int_equal (fs_write_atomic (AT_FDCWD, path, "x", 1, 0644, &err), 0);
  /* deeper than copy-up goes */
  sfd = open (src, O_RDONLY | O_DIRECTORY);
  for (i = 0; i < 130; i++)
    {
      int sub;
      assert_int_equal (mkdirat (sfd, "d", 0755), 0);
      sub = openat (sfd, "d", O_RDONLY | O_DIRECTORY);
      assert_true (sub >= 0);
      close (sfd);
      sfd = sub;
    }
  close (sfd);
  sfd = open (src, O_RDONLY | O_DIRECTORY);
  dfd = open (dst, O_RDONLY | O_DIRECTORY);
  assert_int_equal (volume_copy_up (sfd, dfd, &err), -1);
  assert_non_null (strstr (err->msg, "too deep"));
  galley_error_release (&err);
  d = opendir (dst);
  while ((de = readdir (d)) != NULL)
    entries += de->d_name[0] != '.';
  assert_int_equal (entries, 0);
}

static int
parse_options (const char *text, struct volume_options *o, galley_error_t *err)
{
  _cleanup_json_ json_object *options = NULL;

  assert_int_equal (json_parse_strict (text, strlen (text), "o", &options, err), 0);
  return volume_options_parse (options, true, o, err);
}

static void
test_driver_options (void **state)
{
  static const char *const refused[] = {
    "{\"bogus\": \"1\"}",
    "{\"o\": \"size=1m\"}",
    "{\"type\": \"ext4\"}",
    "{\"device\": \"/dev/sda\"}",
    "{\"o\": \"uid=x\"}",
    "{\"o\": \"whatever\"}",
    "{\"type\": \"bind\"}",
    "{\"type\": \"bind\", \"device\": \"/nonexistent\"}",
    "{\"o\": \"bind,uid=1\", \"device\": \"/\"}",
  };
  struct volume_options o;
  galley_error_t err = NULL;
  size_t i;

  (void)state;
  assert_int_equal (
      parse_options ("{\"type\": \"tmpfs\", \"device\": \"tmpfs\", \"o\": \"size=2m,uid=5,noexec,dev,ro\"}",
                     &o, &err),
      0);
  assert_int_equal (o.type, VOLUME_TYPE_TMPFS);
  assert_string_equal (o.tmpfs_data, "size=2m,uid=5");
  assert_int_equal (o.flags_on, MS_NOEXEC);
  assert_int_equal (o.flags_off, MS_NODEV);
  assert_true (o.readonly);
  volume_options_clear (&o);
  assert_int_equal (parse_options ("{\"o\": \"uid=1000,gid=1001\", \"nocopy\": \"\"}", &o, &err), 0);
  assert_int_equal (o.type, VOLUME_TYPE_DIR);
  assert_true (o.set_owner);
  assert_int_equal (o.uid, 1000);
  assert_int_equal (o.gid, 1001);
  assert_true (o.nocopy);
  volume_options_clear (&o);
  assert_int_equal (parse_options ("{\"o\": \"bind\", \"device\": \"/\"}", &o, &err), 0);
  assert_int_equal (o.type, VOLUME_TYPE_BIND);
  assert_string_equal (o.device, "/");
  volume_options_clear (&o);
  for (i = 0; i < sizeof refused / sizeof refused[0]; i++)
    {
      if (parse_options (refused[i], &o, &err) == 0)
        fail_msg ("accepted: %s", refused[i]);
      galley_error_release (&err);
    }
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_names),
    cmocka_unit_test (test_driver_options),
    cmocka_unit_test_setup_teardown (test_create_load_remove, setup, teardown),
    cmocka_unit_test_setup_teardown (test_prepare_and_resolve, setup, teardown),
    cmocka_unit_test_setup_teardown (test_prepare_bad_name_creates_nothing, setup, teardown),
    cmocka_unit_test_setup_teardown (test_prepare_bad_argument_creates_nothing, setup, teardown),
    cmocka_unit_test_setup_teardown (test_copy_up, setup, teardown),
    cmocka_unit_test_setup_teardown (test_copy_up_failure_leaves_volume_empty, setup, teardown),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
