/* Unit tests for auth.json handling (src/registry/authfile.c).  */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "registry/authfile.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/json.h"

static char tmpdir[] = "/tmp/galley-authfile-XXXXXX";

static int
setup (void **state)
{
  if (mkdtemp (tmpdir) == NULL)
    return -1;
  unsetenv ("REGISTRY_AUTH_FILE");
  return 0;
}

static int
teardown (void **state)
{
  _cleanup_error_ galley_error_t err = NULL;
  return fs_remove_tree (AT_FDCWD, tmpdir, &err);
}

static char *
path_in (const char *rel)
{
  char *p = NULL;
  assert_true (asprintf (&p, "%s/%s", tmpdir, rel) > 0);
  return p;
}

static void
write_text (const char *path, const char *text)
{
  _cleanup_error_ galley_error_t err = NULL;
  _cleanup_free_ char *dir = strdup (path);

  *strrchr (dir, '/') = '\0';
  assert_int_equal (fs_mkdir_p (dir, 0700, &err), 0);
  assert_int_equal (fs_write_atomic (AT_FDCWD, path, text, strlen (text), 0600, &err), 0);
}

static void
test_encode_decode (void **state)
{
  _cleanup_error_ galley_error_t err = NULL;
  _cleanup_free_ char *b64 = authfile_encode ("galley", "pa:ss");
  _cleanup_auth_credentials_ struct auth_credentials cr = { 0 };

  assert_string_equal (b64, "Z2FsbGV5OnBhOnNz");
  assert_int_equal (authfile_decode (b64, &cr, &err), 0);
  assert_string_equal (cr.username, "galley");
  assert_string_equal (cr.password, "pa:ss");
  auth_credentials_release (&cr);
  /* "a:" and ":" are valid; no colon is not.  */
  assert_int_equal (authfile_decode ("YTo=", &cr, &err), 0);
  assert_string_equal (cr.username, "a");
  assert_string_equal (cr.password, "");
  auth_credentials_release (&cr);
  assert_int_equal (authfile_decode ("YWJj", &cr, &err), -1); /* "abc" */
  assert_non_null (strstr (err->msg, "USER:PASSWORD"));
  galley_error_release (&err);
  assert_int_equal (authfile_decode ("!!!!", &cr, &err), -1);
  galley_error_release (&err);
  assert_int_equal (authfile_decode ("abc", &cr, &err), -1);
}

static void
test_normalize_key (void **state)
{
  static const char *cases[][2] = {
    { "127.0.0.1:5000", "127.0.0.1:5000" },
    { "https://127.0.0.1:5000/", "127.0.0.1:5000" },
    { "http://reg.example.com/v2/", "reg.example.com" },
    { "https://index.docker.io/v1/", "docker.io" },
    { "index.docker.io", "docker.io" },
    { "registry-1.docker.io", "docker.io" },
    { "quay.io/ns/repo", "quay.io/ns/repo" },
    { "quay.io/ns/repo/", "quay.io/ns/repo" },
  };
  size_t i;

  for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
    {
      _cleanup_free_ char *k = authfile_normalize_key (cases[i][0]);
      assert_string_equal (k, cases[i][1]);
    }
}

/* store keeps other entries and other top-level members, writes 0600.  */
static void
test_store_preserves_and_mode (void **state)
{
  _cleanup_error_ galley_error_t err = NULL;
  _cleanup_free_ char *path = path_in ("new/dir/auth.json");
  _cleanup_free_ char *text = NULL;
  _cleanup_json_ json_object *doc = NULL;
  json_object *auths, *v;
  struct stat st;

  write_text (path, "{\"auths\":{\"other.io\":{\"auth\":\"dTpw\"}},\"credHelpers\":{\"x.io\":\"helper\"}}");
  assert_int_equal (authfile_store (path, "127.0.0.1:5001", "galley", "secret", &err), 0);
  assert_int_equal (stat (path, &st), 0);
  assert_int_equal (st.st_mode & 0777, 0600);
  assert_int_equal (fs_read_file (AT_FDCWD, path, 0, &text, NULL, &err), 0);
  assert_int_equal (json_parse_strict (text, strlen (text), "t", &doc, &err), 0);
  assert_true (json_object_object_get_ex (doc, "auths", &auths));
  assert_true (json_object_object_get_ex (auths, "other.io", &v));
  assert_true (json_object_object_get_ex (auths, "127.0.0.1:5001", &v));
  assert_string_equal (json_get_string (v, "auth"), "Z2FsbGV5OnNlY3JldA==");
  assert_true (json_object_object_get_ex (doc, "credHelpers", &v));

  /* Overwrite, then remove one, then all.  */
  assert_int_equal (authfile_store (path, "127.0.0.1:5001", "galley", "other", &err), 0);
  assert_int_equal (authfile_remove (path, "127.0.0.1:5001", &err), 1);
  assert_int_equal (authfile_remove (path, "127.0.0.1:5001", &err), 0);
  assert_int_equal (authfile_remove_all (path, &err), 0);
  free (text);
  text = NULL;
  assert_int_equal (fs_read_file (AT_FDCWD, path, 0, &text, NULL, &err), 0);
  assert_null (strstr (text, "other.io"));
  assert_non_null (strstr (text, "credHelpers"));
}

/* A fresh file in a missing directory: created 0700/0600.  */
static void
test_store_creates (void **state)
{
  _cleanup_error_ galley_error_t err = NULL;
  _cleanup_free_ char *dir = path_in ("fresh/containers");
  _cleanup_free_ char *path = path_in ("fresh/containers/auth.json");
  struct stat st;

  assert_int_equal (authfile_store (path, "reg.example.com", "u", "p", &err), 0);
  assert_int_equal (stat (dir, &st), 0);
  assert_int_equal (st.st_mode & 0777, 0700);
  /* Removing from a missing file is "not there", not an error.  */
  assert_int_equal (authfile_remove (dir, "x", &err), -1); /* a directory is an error */
  galley_error_release (&err);
  {
    _cleanup_free_ char *missing = path_in ("missing.json");
    assert_int_equal (authfile_remove (missing, "x", &err), 0);
  }
}

/* The lookup order: authfile only when given; else runtime dir, config
 * home, docker config; the most specific key wins inside a file.  */
static void
test_lookup_order (void **state)
{
  _cleanup_error_ galley_error_t err = NULL;
  _cleanup_auth_credentials_ struct auth_credentials cr = { 0 };
  _cleanup_free_ char *runtime = path_in ("run"), *config = path_in ("config"), *home = path_in ("home");
  _cleanup_free_ char *f_run = path_in ("run/containers/auth.json");
  _cleanup_free_ char *f_docker = path_in ("home/.docker/config.json");
  _cleanup_free_ char *f_explicit = path_in ("explicit.json");
  struct galley_paths p = { .xdg_runtime_dir = runtime, .config_home = config, .home = home };

  /* user:run, user:docker, repo:scoped, hub:hub */
  write_text (f_run, "{\"auths\":{\"reg.io\":{\"auth\":\"dXNlcjpydW4=\"},"
                     "\"reg.io/ns/app\":{\"auth\":\"cmVwbzpzY29wZWQ=\"}}}");
  write_text (f_docker, "{\"auths\":{\"https://index.docker.io/v1/\":{\"auth\":\"aHViOmh1Yg==\"},"
                        "\"reg.io\":{\"auth\":\"dXNlcjpkb2NrZXI=\"}}}");
  write_text (f_explicit, "{\"auths\":{}}");

  assert_int_equal (authfile_lookup (&p, NULL, "reg.io", "library/x", &cr, &err), 1);
  assert_string_equal (cr.password, "run");
  auth_credentials_release (&cr);
  assert_int_equal (authfile_lookup (&p, NULL, "reg.io", "ns/app", &cr, &err), 1);
  assert_string_equal (cr.username, "repo");
  auth_credentials_release (&cr);
  assert_int_equal (authfile_lookup (&p, NULL, "docker.io", "library/busybox", &cr, &err), 1);
  assert_string_equal (cr.username, "hub");
  auth_credentials_release (&cr);
  assert_int_equal (authfile_lookup (&p, NULL, "none.io", NULL, &cr, &err), 0);
  /* --authfile: only that file.  */
  assert_int_equal (authfile_lookup (&p, f_explicit, "reg.io", NULL, &cr, &err), 0);
  /* REGISTRY_AUTH_FILE likewise.  */
  setenv ("REGISTRY_AUTH_FILE", f_explicit, 1);
  assert_int_equal (authfile_lookup (&p, NULL, "reg.io", NULL, &cr, &err), 0);
  unsetenv ("REGISTRY_AUTH_FILE");
  /* A broken file is an error naming it.  */
  write_text (f_run, "{\"auths\":");
  assert_int_equal (authfile_lookup (&p, NULL, "reg.io", NULL, &cr, &err), -1);
  assert_non_null (strstr (err->msg, "auth.json"));
  galley_error_release (&err);
  write_text (f_run, "{\"auths\":{\"reg.io\":{\"auth\":\"YWJj\"}}}");
  assert_int_equal (authfile_lookup (&p, NULL, "reg.io", NULL, &cr, &err), -1);
  assert_non_null (strstr (err->msg, "credentials for reg.io"));
}

static void
test_write_path (void **state)
{
  struct galley_paths p = { .xdg_runtime_dir = (char *)"/run/user/7", .config_home = (char *)"/h/.config" };
  _cleanup_free_ char *a = authfile_write_path (&p, NULL);
  _cleanup_free_ char *b = authfile_write_path (&p, "/x/auth.json");
  _cleanup_free_ char *c = NULL;

  assert_string_equal (a, "/run/user/7/containers/auth.json");
  assert_string_equal (b, "/x/auth.json");
  p.xdg_runtime_dir = NULL;
  c = authfile_write_path (&p, NULL);
  assert_string_equal (c, "/h/.config/containers/auth.json");
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_encode_decode),
    cmocka_unit_test (test_normalize_key),
    cmocka_unit_test (test_store_preserves_and_mode),
    cmocka_unit_test (test_store_creates),
    cmocka_unit_test (test_lookup_order),
    cmocka_unit_test (test_write_path),
  };
  return cmocka_run_group_tests (tests, setup, teardown);
}
