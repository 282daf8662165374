/* Unit tests of the -v, --mount and --tmpfs parsers: what each option does,
 * and the conflicts podman refuses, in podman's words.  */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mount.h>

#include <cmocka.h>

#include "runtime/mount_args.h"
#include "util/cleanup.h"
#include "util/json.h"

typedef int (*parser) (const char *arg, struct mount_spec *out, galley_error_t *err);

/* arg fails with a message that contains want.  */
static void
refused (parser parse, const char *arg, const char *want)
{
  struct mount_spec m;
  galley_error_t err = NULL;

  if (parse (arg, &m, &err) == 0)
    fail_msg ("accepted: %s", arg);
  if (strstr (err->msg, want) == NULL)
    fail_msg ("%s: \"%s\" lacks \"%s\"", arg, err->msg, want);
  galley_error_release (&err);
}

static void
test_volume_options (void **state)
{
  struct mount_spec m;
  galley_error_t err = NULL;

  (void)state;
  assert_int_equal (mount_parse_volume ("/host:/a/./b/:ro,nosuid,noexec,bind,z", &m, &err), 0);
  assert_int_equal (m.kind, MOUNT_KIND_BIND);
  assert_string_equal (m.source, "/host");
  assert_string_equal (m.destination, "/a/b");
  assert_true (m.readonly);
  assert_false (m.recursive);
  assert_int_equal (m.flags, MS_NOSUID | MS_NOEXEC);
  assert_null (m.volume);
  mount_spec_clear (&m);

  assert_int_equal (mount_parse_volume ("data:/d:U,nocopy", &m, &err), 0);
  assert_string_equal (m.volume, "data");
  assert_null (m.source);
  assert_true (m.chown_to_user);
  assert_false (m.copy_up);
  assert_false (m.readonly);
  mount_spec_clear (&m);

  assert_int_equal (mount_parse_volume ("/anon", &m, &err), 0);
  assert_true (m.anonymous);
  assert_true (m.copy_up);
  assert_string_equal (m.destination, "/anon");
  mount_spec_clear (&m);
}

static void
test_volume_conflicts (void **state)
{
  (void)state;
  refused (mount_parse_volume, "/h:/b:ro,rw",
           "invalid options \"ro, rw\", can only specify 1 'rw' or 'ro' option");
  refused (mount_parse_volume, "v:/b:rw,rw", "can only specify 1 'rw' or 'ro' option");
  refused (mount_parse_volume, "/h:/b:exec,noexec", "can only specify 1 'noexec' or 'exec' option");
  refused (mount_parse_volume, "/h:/b:suid,nosuid", "can only specify 1 'nosuid' or 'suid' option");
  refused (mount_parse_volume, "/h:/b:dev,nodev", "can only specify 1 'nodev' or 'dev' option");
  refused (mount_parse_volume, "/h:/b:bind,rbind", "can only specify 1 '[r]bind' option");
  refused (mount_parse_volume, "/h:/b:z,Z", "can only specify 1 'z', 'Z', or 'O' option");
  refused (mount_parse_volume, "/h:/b:shared,rprivate", "can only specify 1 '[r]shared'");
  refused (mount_parse_volume, "v:/b:U,U", "can only specify 1 'U' option");
  refused (mount_parse_volume, "v:/b:copy,nocopy", "can only specify 1 'copy' or 'nocopy' option");
  refused (mount_parse_volume, "/h:/b:size=1m", "invalid option type \"size=1m\"");
  refused (mount_parse_volume, "/h:/b:ro=true", "invalid option type \"ro=true\"");
  refused (mount_parse_volume, "/h:/b:U", "invalid option type \"U\"");
  refused (mount_parse_volume, "/h:b", "must be an absolute path");
  refused (mount_parse_volume, "./h:/b", "a host path must be absolute");
  refused (mount_parse_volume, "b@d:/b", "invalid volume name \"b@d\"");
  refused (mount_parse_volume, "/h:/b:ro:x", "invalid volume specification");
  refused (mount_parse_volume, "name", "invalid volume specification");
}

static void
test_pseudo_filesystems (void **state)
{
  struct mount_spec m;
  galley_error_t err = NULL;

  (void)state;
  refused (mount_parse_volume, "v:/proc", "\"/proc\" cannot be mounted because it is not of type proc");
  refused (mount_parse_volume, "/h://proc/", "\"/proc\" cannot be mounted because it is not of type proc");
  refused (mount_parse_volume, "/h:/proc/sys", "\"/proc/sys\" cannot be mounted because it is inside /proc");
  refused (mount_parse_volume, "/h:/x/../sys", "\"/sys\" cannot be mounted because it is not of type sysfs");
  refused (mount_parse_volume, "/dev", "\"/dev\" cannot be mounted");
  refused (mount_parse_mount, "type=volume,source=v,target=/proc", "not of type proc");
  refused (mount_parse_mount, "type=bind,source=/h,target=/dev", "not of type tmpfs");
  refused (mount_parse_tmpfs, "/proc", "not of type proc");
  /* below /dev and /sys, and a tmpfs on /dev, are fine */
  assert_int_equal (mount_parse_volume ("/h:/dev/shm", &m, &err), 0);
  mount_spec_clear (&m);
  assert_int_equal (mount_parse_volume ("/h:/procfs", &m, &err), 0);
  mount_spec_clear (&m);
  assert_int_equal (mount_parse_tmpfs ("/dev", &m, &err), 0);
  mount_spec_clear (&m);
}

static void
test_tmpfs (void **state)
{
  struct mount_spec m;
  galley_error_t err = NULL;

  (void)state;
  assert_int_equal (mount_parse_tmpfs ("/t:size=1m,mode=700,exec,ro", &m, &err), 0);
  assert_int_equal (m.kind, MOUNT_KIND_TMPFS);
  assert_string_equal (m.data, "size=1m,mode=700");
  assert_int_equal (m.flags, MS_NOSUID | MS_NODEV);
  assert_true (m.readonly);
  mount_spec_clear (&m);
  refused (mount_parse_tmpfs, "/t:ro,rw",
           "only one of 'rw' and 'ro' can be used: duplicate mount option passed");
  refused (mount_parse_tmpfs, "/t:size=1m,size=2m", "only one tmpfs size can be specified");
  refused (mount_parse_tmpfs, "/t:mode=1,mode=2", "only one tmpfs mode can be specified");
  refused (mount_parse_tmpfs, "/t:tmpcopyup,notmpcopyup",
           "the 'tmpcopyup' or 'notmpcopyup' option can only be set once");
  refused (mount_parse_tmpfs, "/t:exec,noexec", "only one of 'noexec' and 'exec' can be used");
  refused (mount_parse_tmpfs, "/t:shared,private", "only one root propagation mode can be used");
  refused (mount_parse_tmpfs, "/t:bind", "the 'bind' option is not allowed with tmpfs mounts");
  refused (mount_parse_tmpfs, "/t:Z", "the 'Z' option is not allowed with tmpfs mounts");
  refused (mount_parse_tmpfs, "/t:bogus", "unknown mount option \"bogus\": invalid mount option");
  refused (mount_parse_tmpfs, "/t:size", "size: must provide an argument for option");
}

static void
test_mount (void **state)
{
  struct mount_spec m;
  galley_error_t err = NULL;

  (void)state;
  assert_int_equal (mount_parse_mount ("target=/b,type=bind,src=/h,rw=false,bind-nonrecursive,dev,"
                                       "bind-propagation=rshared,relabel=private",
                                       &m, &err),
                    0);
  assert_int_equal (m.kind, MOUNT_KIND_BIND);
  assert_string_equal (m.source, "/h");
  assert_true (m.readonly);
  assert_false (m.recursive);
  mount_spec_clear (&m);
  assert_int_equal (mount_parse_mount ("type=tmpfs,dst=/t,tmpfs-size=1m,tmpfs-mode=1777,dev", &m, &err), 0);
  assert_string_equal (m.data, "size=1m,mode=1777");
  assert_int_equal (m.flags, MS_NOSUID);
  mount_spec_clear (&m);
  assert_int_equal (
      mount_parse_mount ("type=volume,source=v,target=/v,readonly=false,U=true,volume-nocopy", &m, &err), 0);
  assert_string_equal (m.volume, "v");
  assert_null (m.source);
  assert_false (m.readonly);
  assert_true (m.chown_to_user);
  assert_false (m.copy_up);
  mount_spec_clear (&m);
  assert_int_equal (mount_parse_mount ("type=volume,target=/v", &m, &err), 0);
  assert_true (m.anonymous);
  assert_true (m.copy_up);
  mount_spec_clear (&m);

  refused (mount_parse_mount, "type=bind,src=/h,dst=/b,ro,rw",
           "cannot pass 'readonly', 'ro', or 'rw' options more than once");
  refused (mount_parse_mount, "type=bind,src=/h,dst=/b,readonly,ro=true",
           "cannot pass 'readonly', 'ro', or 'rw'");
  refused (mount_parse_mount, "type=bind,src=/h,dst=/b,exec,noexec",
           "cannot pass 'noexec' and 'exec' options more than once");
  refused (mount_parse_mount, "type=bind,src=/h,dst=/b,suid,nosuid",
           "cannot pass 'nosuid' and 'suid' options");
  refused (mount_parse_mount, "type=bind,src=/h,dst=/b,dev,nodev", "cannot pass 'nodev' and 'dev' options");
  refused (mount_parse_mount, "type=bind,src=/h,dst=/b,bind-propagation=shared,private",
           "can only specify 1 '[r]shared'");
  refused (mount_parse_mount, "type=bind,src=/h,dst=/b,bind-nonrecursive,bind-nonrecursive",
           "can only specify 1 '[r]bind'");
  refused (mount_parse_mount, "type=bind,src=/h,dst=/b,z,relabel=shared",
           "can only specify 1 'z', 'Z', or 'O'");
  refused (mount_parse_mount, "type=bind,src=/h,dst=/b,bind-propagation=sideways",
           "invalid bind-propagation");
  refused (mount_parse_mount, "type=bind,src=/h,dst=/b,ro=maybe", "'ro' must be set to true or false");
  refused (mount_parse_mount, "type=bind,src=/h,dst=/b,tmpfs-size=1m", "tmpfs-size: invalid mount option");
  refused (mount_parse_mount, "type=bind,src=/h,dst=/b,U", "U: invalid mount option");
  refused (mount_parse_mount, "type=bind,dst=/b", "must be an absolute host path");
  refused (mount_parse_mount, "type=tmpfs,dst=/t,ro,rw", "cannot pass 'readonly', 'ro', or 'rw'");
  refused (mount_parse_mount, "type=tmpfs,dst=/t,tmpfs-size=1,tmpfs-size=2",
           "only one tmpfs size can be specified");
  refused (mount_parse_mount, "type=tmpfs,dst=/t,tmpcopyup,notmpcopyup",
           "cannot pass 'tmpcopyup' and 'notmpcopyup'");
  refused (mount_parse_mount, "type=tmpfs,dst=/t,src=/x", "source is not supported with tmpfs mounts");
  refused (mount_parse_mount, "type=volume,src=v,dst=/v,U,chown",
           "cannot pass 'U' or 'chown' option more than once");
  refused (mount_parse_mount, "type=volume,src=v,dst=/v,nocopy,volume-nocopy",
           "can only specify 1 'copy' or 'nocopy'");
  refused (mount_parse_mount, "type=volume,src=v,dst=/v,exec,noexec", "cannot pass 'noexec' and 'exec'");
  refused (mount_parse_mount, "type=volume,src=v,dst=/v,bind-propagation=shared",
           "bind-propagation: invalid mount option");
  refused (mount_parse_mount, "type=bind,type=tmpfs,dst=/b", "type: invalid mount option");
  refused (mount_parse_mount, "type=nfs,dst=/b", "invalid filesystem type \"nfs\"");
  refused (mount_parse_mount, "dst=/b", "incorrect mount format");
  refused (mount_parse_mount, "type=tmpfs", "must set volume destination");
  refused (mount_parse_mount, "type=volume,src=b@d,dst=/b", "invalid volume name");
}

static void
test_config (void **state)
{
  static const char *const duplicates[] = {
    "{\"Volumes\": [\"/h:/b\", \"/h:/b/\"]}",
    "{\"Volumes\": [\"/h:/b\"], \"Tmpfs\": [\"/b\"]}",
    "{\"Volumes\": [\"v:/b\"], \"Mounts\": [\"type=bind,src=/h,target=/b\"]}",
  };
  const char *text = "{\"Volumes\": [\"/h:/b\", \"/h:/b\", \"v:/c\"], \"Tmpfs\": [\"/t\", \"/t\"]}";
  _cleanup_container_config_ struct container_config config = { 0 };
  galley_error_t err = NULL;
  struct mount_spec *m = NULL;
  size_t n = 0, i;

  (void)state;
  for (i = 0; i < sizeof duplicates / sizeof duplicates[0]; i++)
    {
      _cleanup_container_config_ struct container_config c = { 0 };
      assert_int_equal (container_config_parse (duplicates[i], strlen (duplicates[i]), "c", &c, &err), 0);
      assert_int_equal (mount_parse_config (&c, &m, &n, &err), -1);
      assert_non_null (strstr (err->msg, "/b: duplicate mount destination"));
      galley_error_release (&err);
    }
  /* the same -v or --tmpfs twice is one mount */
  assert_int_equal (container_config_parse (text, strlen (text), "c", &config, &err), 0);
  mount_config_drop_repeats (&config);
  assert_int_equal (mount_parse_config (&config, &m, &n, &err), 0);
  assert_int_equal (n, 3);
  assert_string_equal (m[0].destination, "/b");
  assert_string_equal (m[1].volume, "v");
  assert_int_equal (m[2].kind, MOUNT_KIND_TMPFS);
  for (i = 0; i < n; i++)
    mount_spec_clear (&m[i]);
  free (m);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_volume_options),
    cmocka_unit_test (test_volume_conflicts),
    cmocka_unit_test (test_pseudo_filesystems),
    cmocka_unit_test (test_tmpfs),
    cmocka_unit_test (test_mount),
    cmocka_unit_test (test_config),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
