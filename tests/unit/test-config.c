/* Unit tests for galley.conf loading (src/state/galley_config.c).  */
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

#include "state/galley_config.h"
#include "util/cleanup.h"
#include "util/fs.h"

static char tmpdir[64];

/* Write text to tmpdir/name and return the full path (static buffer).  */
static const char *
write_conf (const char *name, const char *text)
{
  static char path[256];
  FILE *f;

  snprintf (path, sizeof path, "%s/%s", tmpdir, name);
  f = fopen (path, "w");
  assert_non_null (f);
  fputs (text, f);
  fclose (f);
  return path;
}

static int
setup (void **state)
{
  strcpy (tmpdir, "/tmp/test-config-XXXXXX");
  if (mkdtemp (tmpdir) == NULL)
    return -1;
  unsetenv ("GALLEY_CONF");
  /* the host's own site file stays out of it */
  setenv ("GALLEY_SYSTEM_CONFIG", write_conf ("site-none.conf", ""), 1);
  return 0;
}

static int
teardown (void **state)
{
  galley_error_t err = NULL;
  fs_remove_tree (AT_FDCWD, tmpdir, &err);
  galley_error_release (&err);
  unsetenv ("GALLEY_CONF");
  unsetenv ("GALLEY_SYSTEM_CONFIG");
  return 0;
}

static void
expect_error (const char *text, const char *expected_suffix)
{
  _cleanup_error_ galley_error_t err = NULL;
  struct galley_config *c = NULL;
  const char *path = write_conf ("bad.conf", text);
  char expected[512];

  snprintf (expected, sizeof expected, "%s%s", path, expected_suffix);
  assert_int_equal (galley_config_load_file (path, &c, &err), -1);
  assert_null (c);
  assert_string_equal (err->msg, expected);
}

static void
test_defaults (void **state)
{
  struct galley_config *c = galley_config_new_defaults ();

  assert_null (c->system_path);
  assert_null (c->user_path);
  assert_null (galley_config_origin (c, &c->rootfs_method));
  assert_string_equal (c->rootfs_method, "auto");
  assert_null (c->rootless_storage_path);
  assert_null (c->additional_image_stores[0]);
  assert_null (c->user_overridable_keys);
  assert_string_equal (c->default_network, "slirp4netns");
  assert_int_equal (c->log_size_max, -1);
  assert_null (c->helper_binaries_dir[0]);
  assert_string_equal (c->hooks_dir[0], "/usr/share/containers/oci/hooks.d");
  assert_string_equal (c->hooks_dir[1], "/etc/containers/oci/hooks.d");
  assert_null (c->hooks_dir[2]);
  assert_string_equal (c->cdi_spec_dirs[0], "/etc/cdi");
  assert_string_equal (c->cdi_spec_dirs[1], "/var/run/cdi");
  assert_null (c->cdi_spec_dirs[2]);
  assert_null (c->default_ulimits[0]);
  galley_config_free (c);
}

static void
test_all_keys (void **state)
{
  _cleanup_error_ galley_error_t err = NULL;
  _cleanup_galley_config_ struct galley_config *c = NULL;
  const char *path = write_conf ("galley.conf", "[engine]\n"
                                                "helper_binaries_dir = [\n"
                                                "  \"/opt/galley/libexec\",\n"
                                                "  \"/usr/libexec/podman\",\n"
                                                "]\n"
                                                "hooks_dir = [\"/opt/hooks.d\"]\n"
                                                "cdi_spec_dirs = [\"/opt/cdi\", \"/run/cdi\"]\n"
                                                "[storage]\n"
                                                "rootfs_method = \"fuse-overlayfs\"\n"
                                                "[network]\n"
                                                "default_network = \"none\"\n"
                                                "[containers]\n"
                                                "log_size_max = 1048576\n"
                                                "default_ulimits = [\"nofile=1024:2048\", \"nproc=-1\"]\n");

  assert_int_equal (galley_config_load_file (path, &c, &err), 0);
  assert_string_equal (galley_config_origin (c, &c->rootfs_method), path);
  assert_string_equal (c->helper_binaries_dir[0], "/opt/galley/libexec");
  assert_string_equal (c->helper_binaries_dir[1], "/usr/libexec/podman");
  assert_null (c->helper_binaries_dir[2]);
  assert_string_equal (c->hooks_dir[0], "/opt/hooks.d");
  assert_null (c->hooks_dir[1]);
  assert_string_equal (c->cdi_spec_dirs[0], "/opt/cdi");
  assert_string_equal (c->cdi_spec_dirs[1], "/run/cdi");
  assert_null (c->cdi_spec_dirs[2]);
  assert_string_equal (c->rootfs_method, "fuse-overlayfs");
  assert_string_equal (c->default_network, "none");
  assert_int_equal (c->log_size_max, 1048576);
  assert_string_equal (c->default_ulimits[0], "nofile=1024:2048");
  assert_string_equal (c->default_ulimits[1], "nproc=-1");
  assert_null (c->default_ulimits[2]);
}

static void
test_partial_and_unknown (void **state)
{
  _cleanup_error_ galley_error_t err = NULL;
  _cleanup_galley_config_ struct galley_config *c = NULL;
  /* Unknown sections and keys (say, from a containers.conf) only warn.  */
  const char *path = write_conf ("galley.conf", "# only one key\n"
                                                "[storage]\n"
                                                "rootfs_method = \"copy\"\n"
                                                "driver = \"overlay\"\n"
                                                "[machine]\n"
                                                "cpus = 2\n"
                                                "toplevel = true\n");

  assert_int_equal (galley_config_load_file (path, &c, &err), 0);
  assert_string_equal (c->rootfs_method, "copy");
  assert_string_equal (c->default_network, "slirp4netns");
  assert_int_equal (c->log_size_max, -1);
}

static void
test_shipped_conf (void **state)
{
  _cleanup_error_ galley_error_t err = NULL;
  _cleanup_galley_config_ struct galley_config *c = NULL;
  const char *srcdir = getenv ("GALLEY_SRCDIR");
  char path[512];

  if (srcdir == NULL)
    skip ();
  /* The shipped file is all comments: loading it gives the defaults.  */
  snprintf (path, sizeof path, "%s/conf/galley.conf", srcdir);
  assert_int_equal (galley_config_load_file (path, &c, &err), 0);
  assert_string_equal (c->rootfs_method, "auto");
  assert_string_equal (c->default_network, "slirp4netns");
  assert_int_equal (c->log_size_max, -1);
}

static void
test_errors (void **state)
{
  expect_error ("[storage]\nrootfs_method = 1\n", ": key storage.rootfs_method: expected a string");
  expect_error ("[storage]\nrootfs_method = \"zfs\"\n",
                ": key storage.rootfs_method: \"zfs\" is not one of auto, native, fuse-overlayfs, copy");
  expect_error ("[network]\ndefault_network = \"pasta\"\n",
                ": key network.default_network: \"pasta\" is not one of slirp4netns, host, none");
  expect_error ("[containers]\nlog_size_max = \"1m\"\n",
                ": key containers.log_size_max: expected an integer");
  expect_error ("[containers]\ndefault_ulimits = \"nofile=1\"\n",
                ": key containers.default_ulimits: expected an array of strings");
  expect_error ("[engine]\nhelper_binaries_dir = [1]\n",
                ": key engine.helper_binaries_dir: expected an array of non-empty strings");
  expect_error ("storage = \"x\"\n", ": \"storage\" must be a table ([storage])");
  expect_error ("[storage]\nrootfs_method = \"copy\n", ":2: unterminated string");
  expect_error ("[storage]\n[storage]\n", ":2: redefinition of table [storage]");
}

static void
test_bad_ulimit (void **state)
{
  _cleanup_error_ galley_error_t err = NULL;
  struct galley_config *c = NULL;
  const char *path = write_conf ("u.conf", "[containers]\ndefault_ulimits = [\"nosuch=1\"]\n");
  char prefix[300];

  assert_int_equal (galley_config_load_file (path, &c, &err), -1);
  snprintf (prefix, sizeof prefix, "%s: key containers.default_ulimits: ", path);
  assert_memory_equal (err->msg, prefix, strlen (prefix));
  assert_non_null (strstr (err->msg, "nosuch"));
}

static void
test_search_order (void **state)
{
  _cleanup_error_ galley_error_t err = NULL;
  struct galley_config *c = NULL;
  struct galley_paths p = { 0 };
  char dir[128], expected[192];
  const char *override;

  snprintf (dir, sizeof dir, "%s/galley", tmpdir);
  assert_int_equal (mkdir (dir, 0700), 0);
  write_conf ("galley/galley.conf", "[network]\ndefault_network = \"host\"\n");
  p.config_home = tmpdir;

  assert_int_equal (galley_config_load (&p, &c, &err), 0);
  snprintf (expected, sizeof expected, "%s/galley/galley.conf", tmpdir);
  assert_string_equal (c->user_path, expected);
  assert_string_equal (c->default_network, "host");
  galley_config_free (c);

  /* GALLEY_CONF wins over the user's file.  */
  override = write_conf ("override.conf", "[network]\ndefault_network = \"none\"\n");
  setenv ("GALLEY_CONF", override, 1);
  assert_int_equal (galley_config_load (&p, &c, &err), 0);
  assert_string_equal (c->user_path, override);
  assert_string_equal (c->default_network, "none");
  galley_config_free (c);

  /* ... and must exist.  */
  unlink (override);
  assert_int_equal (galley_config_load (&p, &c, &err), -1);
  assert_int_equal (galley_error_errno (&err), ENOENT);
  assert_non_null (strstr (err->msg, "GALLEY_CONF: "));
  galley_error_release (&err);
  unsetenv ("GALLEY_CONF");

  /* A broken user file is an error, not a reason to fall back.  */
  write_conf ("galley/galley.conf", "[network\n");
  assert_int_equal (galley_config_load (&p, &c, &err), -1);
  snprintf (expected, sizeof expected, "%s/galley/galley.conf:1: expected ']' to close the table header",
            tmpdir);
  assert_string_equal (err->msg, expected);
}

static void
test_no_user_file (void **state)
{
  _cleanup_error_ galley_error_t err = NULL;
  _cleanup_galley_config_ struct galley_config *c = NULL;
  struct galley_paths p = { 0 };
  char home[128];

  /* config_home without galley/: the system file if installed, else the defaults.  */
  unsetenv ("GALLEY_SYSTEM_CONFIG");
  snprintf (home, sizeof home, "%s/empty", tmpdir);
  p.config_home = home;
  assert_int_equal (galley_config_load (&p, &c, &err), 0);
  assert_null (c->user_path);
  if (c->system_path == NULL)
    assert_string_equal (c->rootfs_method, "auto");
}

/* The site's file and the user's are merged key by key, the user's last.  */
static void
test_site_and_user_merged (void **state)
{
  _cleanup_error_ galley_error_t err = NULL;
  _cleanup_galley_config_ struct galley_config *c = NULL;
  struct galley_paths p = { 0 };
  char dir[128];
  _cleanup_free_ char *site =
      strdup (write_conf ("site.conf", "[storage]\n"
                                       "rootfs_method = \"copy\"\n"
                                       "rootless_storage_path = \"/local/$USER/galley\"\n"
                                       "[network]\n"
                                       "default_network = \"host\"\n"));

  snprintf (dir, sizeof dir, "%s/galley", tmpdir);
  assert_int_equal (mkdir (dir, 0700), 0);
  write_conf ("galley/galley.conf", "[network]\ndefault_network = \"none\"\n");
  p.config_home = tmpdir;
  setenv ("GALLEY_SYSTEM_CONFIG", site, 1);
  assert_int_equal (galley_config_load (&p, &c, &err), 0);
  assert_string_equal (c->system_path, site);
  assert_string_equal (c->rootfs_method, "copy");
  assert_string_equal (galley_config_origin (c, &c->rootfs_method), site);
  assert_string_equal (c->rootless_storage_path, "/local/$USER/galley");
  assert_string_equal (c->default_network, "none");
  assert_string_equal (galley_config_origin (c, &c->default_network), c->user_path);
  assert_null (galley_config_origin (c, &c->log_size_max));
}

/* The hpc profile sets the host's namespaces, keep-id, keep-groups and
 * init, but for the keys a file sets (the user's too); the default profile
 * leaves run's defaults as they are.  */
static void
test_hpc_profile (void **state)
{
  _cleanup_error_ galley_error_t err = NULL;
  _cleanup_galley_config_ struct galley_config *c = NULL, *d = NULL;
  struct galley_paths p = { 0 };
  char dir[128];
  _cleanup_free_ char *site = strdup (write_conf ("site.conf", "[containers]\n"
                                                               "profile = \"hpc\"\n"
                                                               "ipcns = \"private\"\n"));

  snprintf (dir, sizeof dir, "%s/galley", tmpdir);
  assert_int_equal (mkdir (dir, 0700), 0);
  write_conf ("galley/galley.conf", "[network]\ndefault_network = \"slirp4netns\"\n"
                                    "[containers]\ninit = false\n");
  p.config_home = tmpdir;
  setenv ("GALLEY_SYSTEM_CONFIG", site, 1);
  assert_int_equal (galley_config_load (&p, &c, &err), 0);
  assert_string_equal (c->pidns, "host");
  assert_string_equal (c->utsns, "host");
  assert_string_equal (c->ipcns, "private");
  assert_string_equal (c->userns, "keep-id");
  assert_string_equal (c->group_add[0], "keep-groups");
  assert_null (c->group_add[1]);
  assert_string_equal (c->default_network, "slirp4netns");
  assert_false (c->init);
  assert_null (galley_config_origin (c, &c->pidns));

  d = galley_config_new_defaults ();
  assert_string_equal (d->profile, "default");
  assert_string_equal (d->pidns, "private");
  assert_string_equal (d->ipcns, "shareable");
  assert_string_equal (d->userns, "host");
  assert_null (d->group_add[0]);
  assert_false (d->init);
  expect_error ("[containers]\nprofile = \"fast\"\n",
                ": key containers.profile: \"fast\" is not one of default, hpc");
  expect_error ("[containers]\ninit = 1\n", ": key containers.init: expected true or false");
}

/* With user_overridable_keys, the user's file sets only those keys; the
 * list itself is the site's alone.  */
static void
test_user_overridable_keys (void **state)
{
  _cleanup_error_ galley_error_t err = NULL;
  _cleanup_galley_config_ struct galley_config *c = NULL;
  struct galley_paths p = { 0 };
  char dir[128];

  setenv ("GALLEY_SYSTEM_CONFIG",
          write_conf ("site.conf", "[engine]\n"
                                   "user_overridable_keys = [\"network.default_network\"]\n"
                                   "[storage]\n"
                                   "rootless_storage_path = \"/tmp/$UID/galley\"\n"),
          1);
  snprintf (dir, sizeof dir, "%s/galley", tmpdir);
  assert_int_equal (mkdir (dir, 0700), 0);
  write_conf ("galley/galley.conf", "[engine]\n"
                                    "user_overridable_keys = [\"storage.rootless_storage_path\"]\n"
                                    "[storage]\n"
                                    "rootless_storage_path = \"$HOME/galley\"\n"
                                    "rootfs_method = \"copy\"\n"
                                    "[network]\n"
                                    "default_network = \"none\"\n");
  p.config_home = tmpdir;
  assert_int_equal (galley_config_load (&p, &c, &err), 0);
  assert_string_equal (c->rootless_storage_path, "/tmp/$UID/galley");
  assert_string_equal (c->rootfs_method, "auto");
  assert_string_equal (c->default_network, "none");
  assert_string_equal (c->user_overridable_keys[0], "network.default_network");
  assert_null (c->user_overridable_keys[1]);
}

static void
test_site_errors (void **state)
{
  _cleanup_error_ galley_error_t err = NULL;
  struct galley_config *c = NULL;
  struct galley_paths p = { 0 };

  expect_error (
      "[engine]\nuser_overridable_keys = [\"storage.nosuch\"]\n",
      ": key engine.user_overridable_keys: \"storage.nosuch\" is not a key of galley.conf (section.key)");
  expect_error ("[storage]\nadditional_image_stores = [\"shared\"]\n",
                ": key storage.additional_image_stores: \"shared\" is not an absolute path");
  expect_error ("[storage]\nrootless_storage_path = \"/local/$LOGNAME\"\n",
                ": key storage.rootless_storage_path: \"/local/$LOGNAME\": unknown variable $LOGNAME (known: "
                "$USER, $UID, $HOME)");
  expect_error (
      "[storage]\nrootless_storage_path = \"local/${USER}\"\n",
      ": key storage.rootless_storage_path: \"local/${USER}\" is not an absolute path once expanded "
      "(\"local/user\")");

  /* A site file named by GALLEY_SYSTEM_CONFIG must exist.  */
  setenv ("GALLEY_SYSTEM_CONFIG", "/nonexistent/galley.conf", 1);
  p.config_home = tmpdir;
  assert_int_equal (galley_config_load (&p, &c, &err), -1);
  assert_null (c);
  assert_int_equal (galley_error_errno (&err), ENOENT);
  assert_non_null (strstr (err->msg, "GALLEY_SYSTEM_CONFIG: "));
}

static void
test_expand_template (void **state)
{
  _cleanup_error_ galley_error_t err = NULL;
  _cleanup_free_ char *a = NULL, *b = NULL;

  assert_int_equal (paths_expand_template ("/local/$USER/galley", "alice", 1006, "/home/alice", &a, &err), 0);
  assert_string_equal (a, "/local/alice/galley");
  assert_int_equal (paths_expand_template ("${HOME}/x/$UID-${USER}", "bob", 7, "/h/bob", &b, &err), 0);
  assert_string_equal (b, "/h/bob/x/7-bob");
  assert_int_equal (paths_expand_template ("/local/${USER", "bob", 7, "/h/bob", &b, &err), -1);
  galley_error_release (&err);
  assert_int_equal (paths_expand_template ("/local/$USER", "../x", 7, "/h/bob", &b, &err), -1);
  assert_non_null (strstr (err->msg, "cannot be part of a path"));
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown (test_defaults, setup, teardown),
    cmocka_unit_test_setup_teardown (test_all_keys, setup, teardown),
    cmocka_unit_test_setup_teardown (test_partial_and_unknown, setup, teardown),
    cmocka_unit_test_setup_teardown (test_shipped_conf, setup, teardown),
    cmocka_unit_test_setup_teardown (test_errors, setup, teardown),
    cmocka_unit_test_setup_teardown (test_bad_ulimit, setup, teardown),
    cmocka_unit_test_setup_teardown (test_search_order, setup, teardown),
    cmocka_unit_test_setup_teardown (test_no_user_file, setup, teardown),
    cmocka_unit_test_setup_teardown (test_site_and_user_merged, setup, teardown),
    cmocka_unit_test_setup_teardown (test_user_overridable_keys, setup, teardown),
    cmocka_unit_test_setup_teardown (test_hpc_profile, setup, teardown),
    cmocka_unit_test_setup_teardown (test_site_errors, setup, teardown),
    cmocka_unit_test_setup_teardown (test_expand_template, setup, teardown),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
