/* Unit tests of CDI (runtime/cdi_spec.h, runtime/cdi.h): reading specs
 * strictly, qualified names, resolving devices across spec directories
 * with their precedence, and the edits made to a container's spec.  */
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
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "runtime/cdi.h"
#include "state/galley_config.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/strv.h"

static char base[] = "/tmp/galley-test-cdi-XXXXXX";

static struct cdi_spec *
parse_ok (const char *text)
{
  _cleanup_error_ galley_error_t err = NULL;
  _cleanup_json_ json_object *doc = json_tokener_parse (text);
  struct cdi_spec *s = NULL;

  assert_non_null (doc);
  if (cdi_spec_parse (doc, "spec.json", &s, &err) < 0)
    fail_msg ("%s", err->msg);
  return s;
}

static void
expect_error (const char *text, const char *expected)
{
  _cleanup_error_ galley_error_t err = NULL;
  _cleanup_json_ json_object *doc = json_tokener_parse (text);
  struct cdi_spec *s = NULL;

  assert_non_null (doc);
  assert_int_equal (cdi_spec_parse (doc, "spec.json", &s, &err), -1);
  assert_null (s);
  if (strstr (err->msg, expected) == NULL)
    fail_msg ("expected \"%s\" in \"%s\"", expected, err->msg);
}

static void
test_names (void **state)
{
  size_t v, c;

  assert_true (cdi_parse_qualified_name ("nvidia.com/gpu=all", &v, &c));
  assert_int_equal (v, 10);
  assert_int_equal (c, 3);
  assert_true (cdi_parse_qualified_name ("vendor.com/class=0", &v, &c));
  assert_true (cdi_parse_qualified_name ("a/b=GPU-69adb14e:1", &v, &c));
  assert_false (cdi_parse_qualified_name ("/dev/null", &v, &c));
  assert_false (cdi_parse_qualified_name ("/dev/a=b", &v, &c));
  assert_false (cdi_parse_qualified_name ("vendor.com=x", &v, &c));
  assert_false (cdi_parse_qualified_name ("vendor.com/class=", &v, &c));
  assert_false (cdi_parse_qualified_name ("vendor.com/class=-x", &v, &c));
  assert_false (cdi_parse_qualified_name ("1vendor/class=x", &v, &c));
  assert_false (cdi_parse_qualified_name ("vendor/cl/ass=x", &v, &c));
  assert_true (cdi_is_device_name ("example.com/test=dev0"));
  assert_false (cdi_is_device_name ("/dev/fuse:/dev/fuse:rw"));
}

static void
test_spec (void **state)
{
  struct cdi_spec *s = parse_ok (
      "{\"cdiVersion\": \"0.7.0\", \"kind\": \"example.com/gpu\","
      " \"annotations\": {\"a\": \"b\"},"
      " \"containerEdits\": {\"env\": [\"SPEC=1\"], \"additionalGids\": [0, 44],"
      "   \"mounts\": [{\"hostPath\": \"/usr/lib\", \"containerPath\": \"/usr/lib/x/../gpu\","
      "                 \"options\": [\"ro\", \"nosuid\", \"nodev\", \"rbind\", \"rprivate\"]},"
      "                {\"hostPath\": \"tmpfs\", \"containerPath\": \"/scratch\", \"type\": \"tmpfs\","
      "                 \"options\": [\"size=1m\", \"noexec\"]}],"
      "   \"hooks\": [{\"hookName\": \"createContainer\", \"path\": \"/usr/bin/true\","
      "                \"args\": [\"true\", \"x\"], \"env\": [\"A=b\"], \"timeout\": 5}]},"
      " \"devices\": [{\"name\": \"0\", \"containerEdits\": {\"deviceNodes\": ["
      "   {\"path\": \"/dev/gpu0\", \"hostPath\": \"/dev/zero\", \"permissions\": \"rw\", \"major\": 1}]}},"
      "  {\"name\": \"all\", \"containerEdits\": {\"deviceNodes\": [{\"path\": \"/dev/null\"}]}}]}");

  assert_string_equal (s->vendor, "example.com");
  assert_string_equal (s->class_, "gpu");
  assert_int_equal (s->n_devices, 2);
  assert_string_equal (s->devices[0].name, "0");
  assert_string_equal (s->devices[0].edits.nodes[0].container_path, "/dev/gpu0");
  assert_string_equal (s->devices[0].edits.nodes[0].host_path, "/dev/zero");
  assert_string_equal (s->devices[0].edits.nodes[0].perms, "rw");
  assert_string_equal (s->devices[1].edits.nodes[0].host_path, "/dev/null");
  assert_string_equal (s->devices[1].edits.nodes[0].perms, "rwm");
  assert_string_equal (s->edits.env[0], "SPEC=1");
  assert_int_equal (s->edits.n_gids, 1);
  assert_int_equal (s->edits.gids[0], 44);
  assert_int_equal (s->edits.n_mounts, 2);
  assert_int_equal (s->edits.mounts[0].kind, MOUNT_KIND_BIND);
  assert_string_equal (s->edits.mounts[0].source, "/usr/lib");
  assert_string_equal (s->edits.mounts[0].destination, "/usr/lib/gpu");
  assert_true (s->edits.mounts[0].readonly);
  assert_true (s->edits.mounts[0].recursive);
  assert_int_equal (s->edits.mounts[0].flags, MS_NOSUID | MS_NODEV);
  assert_int_equal (s->edits.mounts[1].kind, MOUNT_KIND_TMPFS);
  assert_string_equal (s->edits.mounts[1].data, "size=1m");
  assert_int_equal (s->edits.mounts[1].flags, MS_NOEXEC);
  assert_int_equal (s->edits.hooks.n[HOOK_CREATE_CONTAINER], 1);
  assert_string_equal (s->edits.hooks.hooks[HOOK_CREATE_CONTAINER][0].path, "/usr/bin/true");
  assert_string_equal (s->edits.hooks.hooks[HOOK_CREATE_CONTAINER][0].args[1], "x");
  assert_string_equal (s->edits.hooks.hooks[HOOK_CREATE_CONTAINER][0].env[0], "A=b");
  assert_int_equal (s->edits.hooks.hooks[HOOK_CREATE_CONTAINER][0].timeout, 5);
  cdi_spec_free (s);
}

static void
test_spec_errors (void **state)
{
  const char *dev = "\"devices\": [{\"name\": \"d\", \"containerEdits\": {\"env\": [\"A=1\"]}}]";
  char text[1024];

#define SPEC(...) (snprintf (text, sizeof text, __VA_ARGS__), text)
  expect_error (SPEC ("{\"cdiVersion\": \"0.9.0\", \"kind\": \"a.com/b\", %s}", dev),
                "invalid CDI version \"0.9.0\"");
  expect_error (SPEC ("{\"cdiVersion\": \"0.3.0\", \"kind\": \"a.com/b\", \"colour\": 1, %s}", dev),
                "spec: unknown field \"colour\"");
  expect_error (SPEC ("{\"cdiVersion\": \"0.3.0\", \"kind\": \"b\", %s}", dev), "invalid kind \"b\"");
  expect_error (SPEC ("{\"cdiVersion\": \"0.3.0\", \"kind\": \"a.com/b.c\", %s}", dev),
                "the fields used need CDI version 0.6.0, the spec says 0.3.0");
  expect_error (
      "{\"cdiVersion\": \"0.3.0\", \"kind\": \"a.com/b\", \"devices\": "
      "[{\"name\": \"d\", \"containerEdits\": {\"deviceNodes\": [{\"path\": \"/dev/x\", \"hostPath\": "
      "\"/dev/y\"}]}}]}",
      "need CDI version 0.5.0");
  expect_error ("{\"cdiVersion\": \"0.3.0\", \"kind\": \"a.com/b\", \"devices\": []}", "no devices");
  expect_error ("{\"cdiVersion\": \"0.3.0\", \"kind\": \"a.com/b\", \"devices\": [{\"name\": \"d\"}]}",
                "device d: no container edits");
  expect_error (SPEC ("{\"cdiVersion\": \"0.3.0\", \"kind\": \"a.com/b\", \"devices\": [%s, %s]}",
                      "{\"name\": \"d\", \"containerEdits\": {\"env\": [\"A=1\"]}}",
                      "{\"name\": \"d\", \"containerEdits\": {\"env\": [\"B=1\"]}}"),
                "device d is defined twice");
  expect_error ("{\"cdiVersion\": \"0.3.0\", \"kind\": \"a.com/b\", \"devices\": [{\"name\": \"d\", "
                "\"containerEdits\": {\"env\": [\"NOEQUALS\"]}}]}",
                "invalid environment variable \"NOEQUALS\"");
  expect_error (
      "{\"cdiVersion\": \"0.4.0\", \"kind\": \"a.com/b\", \"devices\": [{\"name\": \"d\", "
      "\"containerEdits\": {\"mounts\": [{\"hostPath\": \"/x\", \"containerPath\": \"/y\", \"type\": "
      "\"nfs\"}]}}]}",
      "mount on /y: only bind mounts and tmpfs can be made rootless");
  expect_error (
      "{\"cdiVersion\": \"0.3.0\", \"kind\": \"a.com/b\", \"devices\": [{\"name\": \"d\", "
      "\"containerEdits\": {\"mounts\": [{\"hostPath\": \"/x\", \"containerPath\": \"/y\", \"options\": "
      "[\"bind\", \"mand\"]}]}}]}",
      "unsupported option \"mand\"");
  expect_error (
      "{\"cdiVersion\": \"0.3.0\", \"kind\": \"a.com/b\", \"devices\": [{\"name\": \"d\", "
      "\"containerEdits\": {\"hooks\": [{\"hookName\": \"precreate\", \"path\": \"/bin/true\"}]}}]}",
      "invalid hook name \"precreate\"");
  expect_error ("{\"cdiVersion\": \"0.3.0\", \"kind\": \"a.com/b\", \"devices\": [{\"name\": \"d\", "
                "\"containerEdits\": {\"deviceNodes\": [{\"path\": \"/dev/x\", \"permissions\": \"rx\"}]}}]}",
                "invalid permissions \"rx\"");
#undef SPEC
}

/* ---- resolving, with spec directories on disk ---- */

static void
write_file (const char *dir, const char *name, const char *text)
{
  _cleanup_error_ galley_error_t err = NULL;
  char path[512];

  snprintf (path, sizeof path, "%s/%s", base, dir);
  mkdir (path, 0755);
  snprintf (path, sizeof path, "%s/%s/%s", base, dir, name);
  assert_int_equal (fs_write_atomic (AT_FDCWD, path, text, strlen (text), 0644, &err), 0);
}

static struct galley_config *conf;

static int
setup (void **state)
{
  char dirs[2][512];

  if (mkdtemp (base) == NULL || chmod (base, 0755) < 0)
    return -1;
  snprintf (dirs[0], sizeof dirs[0], "%s/etc", base);
  snprintf (dirs[1], sizeof dirs[1], "%s/run", base);
  conf = galley_config_new_defaults ();
  cleanup_strvp (&conf->cdi_spec_dirs);
  conf->cdi_spec_dirs = NULL;
  if (strv_append (&conf->cdi_spec_dirs, dirs[0]) < 0 || strv_append (&conf->cdi_spec_dirs, dirs[1]) < 0)
    return -1;
  galley_config_set_current (conf);
  return 0;
}

static int
teardown (void **state)
{
  galley_error_t err = NULL;

  galley_config_set_current (NULL);
  galley_config_free (conf);
  fs_remove_tree (AT_FDCWD, base, &err);
  galley_error_release (&err);
  return 0;
}

static json_object *
config_with_devices (const char *first, const char *second)
{
  json_object *c = json_object_new_object (), *devices = json_object_new_array ();

  json_object_array_add (devices, json_object_new_string (first));
  if (second != NULL)
    json_object_array_add (devices, json_object_new_string (second));
  json_object_array_add (devices, json_object_new_string ("/dev/null"));
  json_object_object_add (c, "Devices", devices);
  return c;
}

/* cdi_resolve of the configuration a record holds.  */
static int
resolve_record (json_object *record, struct cdi_edits *e, galley_error_t *err)
{
  _cleanup_container_config_ struct container_config c = { 0 };

  if (container_config_from_json (record, &c, err) < 0)
    return -1;
  return cdi_resolve (&c, e, err);
}

static void
test_resolve (void **state)
{
  _cleanup_error_ galley_error_t err = NULL;
  _cleanup_json_ json_object *c = NULL;
  struct cdi_edits e;

  write_file ("etc", "a.json",
              "{\"cdiVersion\": \"0.3.0\", \"kind\": \"example.com/x\", \"containerEdits\": {\"env\": "
              "[\"SPEC=etc\"]}, \"devices\": [{\"name\": \"one\", \"containerEdits\": {\"env\": "
              "[\"ONE=etc\"]}}, {\"name\": \"two\", \"containerEdits\": {\"env\": [\"TWO=etc\"]}}]}");
  write_file ("run", "b.yaml",
              "cdiVersion: 0.3.0\nkind: example.com/x\ndevices:\n- name: two\n  containerEdits:\n"
              "    env: [TWO=run]\n");
  write_file ("etc", "broken.json", "{\"cdiVersion\":");
  write_file ("etc", "notes.txt", "not a spec");

  /* A later directory wins; a spec's own edits come once, before its
   * devices'.  */
  c = config_with_devices ("example.com/x=one", "example.com/x=two");
  assert_int_equal (resolve_record (c, &e, &err), 0);
  assert_int_equal (strv_len (e.env), 3);
  assert_string_equal (e.env[0], "SPEC=etc");
  assert_string_equal (e.env[1], "ONE=etc");
  assert_string_equal (e.env[2], "TWO=run");
  cdi_edits_clear (&e);
  json_object_put (c);

  c = config_with_devices ("example.com/x=three", NULL);
  assert_int_equal (resolve_record (c, &e, &err), -1);
  assert_non_null (strstr (err->msg, "setting up CDI devices: unresolvable CDI devices example.com/x=three"));
  /* Why a file was left out, for whoever wonders where the device went.  */
  assert_non_null (strstr (err->msg, "broken.json: invalid JSON"));
  assert_null (strstr (err->msg, "notes.txt"));
  galley_error_release (&err);
  json_object_put (c);

  /* Two specs of one directory define it: ambiguous.  */
  write_file ("run", "c.json",
              "{\"cdiVersion\": \"0.3.0\", \"kind\": \"example.com/x\", \"devices\": [{\"name\": \"two\", "
              "\"containerEdits\": {\"env\": [\"TWO=c\"]}}]}");
  c = config_with_devices ("example.com/x=two", NULL);
  assert_int_equal (resolve_record (c, &e, &err), -1);
  assert_non_null (strstr (err->msg, "conflicting device example.com/x=two"));
  galley_error_release (&err);
  json_object_put (c);

  /* No CDI device: nothing read at all.  */
  c = json_object_new_object ();
  assert_int_equal (resolve_record (c, &e, &err), 0);
  assert_null (e.env);
}

static void
test_untrusted_dir (void **state)
{
  _cleanup_error_ galley_error_t err = NULL;
  _cleanup_json_ json_object *c = config_with_devices ("example.com/x=one", NULL);
  char path[512];
  struct cdi_edits e;

  snprintf (path, sizeof path, "%s/etc", base);
  assert_int_equal (chmod (path, 0777), 0);
  assert_int_equal (resolve_record (c, &e, &err), -1);
  assert_non_null (strstr (err->msg, "is writable by other users"));
  assert_int_equal (chmod (path, 0755), 0);
}

static void
test_apply (void **state)
{
  _cleanup_error_ galley_error_t err = NULL;
  _cleanup_json_ json_object *doc = json_tokener_parse (
      "{\"cdiVersion\": \"0.5.0\", \"kind\": \"example.com/y\", \"devices\": [{\"name\": \"d\", "
      "\"containerEdits\": {\"env\": [\"A=cdi\"], \"deviceNodes\": [{\"path\": \"/dev/x\", \"hostPath\": "
      "\"/dev/zero\"}], \"mounts\": [{\"hostPath\": \"/usr\", \"containerPath\": \"/opt/a/b\", \"options\": "
      "[\"bind\"]}, {\"hostPath\": \"/usr\", \"containerPath\": \"/opt\", \"options\": [\"bind\"]}, "
      "{\"hostPath\": \"/etc\", \"containerPath\": \"/data\", \"options\": [\"bind\", \"ro\"]}]}}]}");
  struct cdi_spec *s = NULL;
  struct run_spec spec = { 0 };

  assert_int_equal (cdi_spec_parse (doc, "spec", &s, &err), 0);
  assert_int_equal (env_set (&spec.user_env, "A", "user", &err), 0);
  spec.devices = calloc (2, sizeof *spec.devices);
  assert_int_equal (device_parse ("/dev/null:/dev/x", &spec.devices[0], &err), 0);
  spec.n_devices = 1;
  spec.mounts = calloc (1, sizeof *spec.mounts);
  spec.mounts[0].kind = MOUNT_KIND_BIND;
  spec.mounts[0].source = strdup ("/tmp");
  spec.mounts[0].destination = strdup ("/data");
  spec.n_mounts = 1;

  assert_int_equal (cdi_apply (&s->devices[0].edits, &spec, &err), 0);
  /* The device's node and mount replace the user's at the same place.  */
  assert_int_equal (spec.n_devices, 1);
  assert_string_equal (spec.devices[0].host_path, "/dev/zero");
  assert_string_equal (env_get (&spec.user_env, "A"), "cdi");
  assert_int_equal (spec.n_mounts, 3);
  assert_string_equal (spec.mounts[0].destination, "/opt");
  assert_string_equal (spec.mounts[1].destination, "/data");
  assert_true (spec.mounts[1].readonly);
  assert_string_equal (spec.mounts[2].destination, "/opt/a/b");
  run_spec_clear (&spec);

  /* A host node that is not there.  */
  free (s->devices[0].edits.nodes[0].host_path);
  s->devices[0].edits.nodes[0].host_path = strdup ("/dev/galley-no-such-device");
  memset (&spec, 0, sizeof spec);
  assert_int_equal (cdi_apply (&s->devices[0].edits, &spec, &err), -1);
  assert_non_null (strstr (err->msg, "CDI device node /dev/x: /dev/galley-no-such-device"));
  run_spec_clear (&spec);
  cdi_spec_free (s);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_names),         cmocka_unit_test (test_spec),
    cmocka_unit_test (test_spec_errors),   cmocka_unit_test (test_resolve),
    cmocka_unit_test (test_untrusted_dir), cmocka_unit_test (test_apply),
  };

  return cmocka_run_group_tests (tests, setup, teardown);
}
