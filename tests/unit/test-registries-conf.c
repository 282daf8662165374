/* Unit tests: registries.conf loading (files, drop-ins, environment),
 * validation errors, prefix matching, pull sources and short-name
 * resolution.  Files are written to a private temporary directory.  */
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

#include "registry/registries_conf.h"
#include "util/fs.h"

#define HEX64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static char tmpdir[] = "/tmp/galley-test-regconf-XXXXXX";

static char *
write_file (const char *name, const char *content)
{
  char *path = NULL;
  galley_error_t err = NULL;
  char *slash;

  assert_true (asprintf (&path, "%s/%s", tmpdir, name) > 0);
  slash = strrchr (path, '/');
  *slash = '\0';
  assert_int_equal (fs_mkdir_p (path, 0700, &err), 0);
  *slash = '/';
  assert_int_equal (fs_write_atomic (AT_FDCWD, path, content, strlen (content), 0600, &err), 0);
  return path;
}

static int
setup (void **state)
{
  if (mkdtemp (tmpdir) == NULL)
    return -1;
  return 0;
}

static int
teardown (void **state)
{
  galley_error_t err = NULL;
  fs_remove_tree (AT_FDCWD, tmpdir, &err);
  galley_error_release (&err);
  return 0;
}

/* Load `content` as the only file of a fresh directory.  */
static int
load_string (const char *dir, const char *content, struct registries_conf **c, galley_error_t *err)
{
  char name[256];
  char *path;
  int ret;

  snprintf (name, sizeof name, "%s/registries.conf", dir);
  path = write_file (name, content);
  ret = registries_conf_load_files (path, true, NULL, c, err);
  free (path);
  return ret;
}

static const char main_conf[] = "unqualified-search-registries = [\"quay.io\", \"docker.io/\"]\n"
                                "short-name-mode = \"enforcing\"\n"
                                "\n"
                                "[aliases]\n"
                                "busybox = \"docker.io/busybox\"\n"
                                "\"foo/bar\" = \"example.com/x/y\"\n"
                                "\n"
                                "[[registry]]\n"
                                "prefix = \"example.com/foo\"\n"
                                "location = \"internal.example.net/bar\"\n"
                                "[[registry.mirror]]\n"
                                "location = \"mirror-0.local/m\"\n"
                                "[[registry.mirror]]\n"
                                "location = \"mirror-1.local:5000/mirrors/foo\"\n"
                                "insecure = true\n"
                                "[[registry.mirror]]\n"
                                "location = \"digest-mirror.local\"\n"
                                "pull-from-mirror = \"digest-only\"\n"
                                "\n"
                                "[[registry]]\n"
                                "location = \"blocked.io\"\n"
                                "blocked = true\n"
                                "\n"
                                "[[registry]]\n"
                                "prefix = \"*.wild.io\"\n"
                                "insecure = true\n"
                                "\n"
                                "[[registry]]\n"
                                "location = \"example.com\"\n";

static void
test_match (void **state)
{
  struct registries_conf *c = NULL;
  galley_error_t err = NULL;
  const struct registry_entry *e;

  assert_int_equal (load_string ("match", main_conf, &c, &err), 0);
  assert_int_equal (c->n_registries, 4);
  assert_int_equal (c->short_name_mode, SHORT_NAME_MODE_ENFORCING);
  assert_int_equal (c->n_search, 2);
  assert_string_equal (c->search[1], "docker.io");
  assert_non_null (strstr (c->search_origin, "match/registries.conf"));

  e = registries_conf_match (c, "example.com/foo/img:1");
  assert_non_null (e);
  assert_string_equal (e->prefix, "example.com/foo");
  assert_string_equal (e->location, "internal.example.net/bar");
  assert_int_equal (e->n_mirrors, 3);
  assert_true (e->mirrors[1].insecure);
  /* Longest prefix; "foobar" is not under "foo".  */
  e = registries_conf_match (c, "example.com/foobar");
  assert_string_equal (e->prefix, "example.com");
  assert_null (registries_conf_match (c, "example.org/foo"));
  e = registries_conf_match (c, "a.wild.io/x");
  assert_non_null (e);
  assert_null (e->location);
  assert_true (e->insecure);
  assert_non_null (registries_conf_match (c, "x.a.wild.io:5000/x"));
  assert_null (registries_conf_match (c, "wild.io/x"));
  assert_null (registries_conf_match (c, "evilwild.io/x"));
  assert_null (registries_conf_match (c, "example.net/a.wild.io/x"));
  registries_conf_free (c);
}

static void
test_pull_sources (void **state)
{
  struct registries_conf *c = NULL;
  galley_error_t err = NULL;
  struct image_ref ref;
  struct pull_source *s;
  size_t n;
  char *f;

  assert_int_equal (load_string ("sources", main_conf, &c, &err), 0);

  assert_int_equal (image_ref_parse ("example.com/foo/img:1", &ref, &err), 0);
  assert_int_equal (registries_conf_pull_sources (c, &ref, &s, &n, &err), 0);
  assert_int_equal (n, 3); /* the digest-only mirror is skipped for a tag */
  f = image_ref_format (&s[0].ref);
  assert_string_equal (f, "mirror-0.local/m/img:1");
  free (f);
  assert_true (s[0].is_mirror);
  f = image_ref_format (&s[1].ref);
  assert_string_equal (f, "mirror-1.local:5000/mirrors/foo/img:1");
  free (f);
  assert_true (s[1].insecure);
  f = image_ref_format (&s[2].ref);
  assert_string_equal (f, "internal.example.net/bar/img:1");
  free (f);
  assert_false (s[2].is_mirror);
  pull_sources_free (s, n);
  image_ref_release (&ref);

  assert_int_equal (image_ref_parse ("example.com/foo/img@sha256:" HEX64, &ref, &err), 0);
  assert_int_equal (registries_conf_pull_sources (c, &ref, &s, &n, &err), 0);
  assert_int_equal (n, 4);
  f = image_ref_format (&s[2].ref);
  assert_string_equal (f, "digest-mirror.local/img@sha256:" HEX64);
  free (f);
  pull_sources_free (s, n);
  image_ref_release (&ref);

  /* Unconfigured: the reference itself.  */
  assert_int_equal (image_ref_parse ("quay.io/a/b", &ref, &err), 0);
  assert_int_equal (registries_conf_pull_sources (c, &ref, &s, &n, &err), 0);
  assert_int_equal (n, 1);
  f = image_ref_format (&s[0].ref);
  assert_string_equal (f, "quay.io/a/b:latest");
  free (f);
  pull_sources_free (s, n);
  image_ref_release (&ref);

  /* Wildcard: the name is kept, the setting applies.  */
  assert_int_equal (image_ref_parse ("r.wild.io/a", &ref, &err), 0);
  assert_int_equal (registries_conf_pull_sources (c, &ref, &s, &n, &err), 0);
  assert_int_equal (n, 1);
  assert_string_equal (s[0].ref.registry, "r.wild.io");
  assert_true (s[0].insecure);
  pull_sources_free (s, n);
  image_ref_release (&ref);

  assert_int_equal (image_ref_parse ("blocked.io/a", &ref, &err), 0);
  assert_int_equal (registries_conf_pull_sources (c, &ref, &s, &n, &err), -1);
  assert_non_null (strstr (err->msg, "registry blocked.io is blocked in "));
  galley_error_release (&err);
  image_ref_release (&ref);
  registries_conf_free (c);
}

static void
assert_resolves (const struct registries_conf *c, const char *input, bool tty, const char *const *expected)
{
  struct image_ref *cands;
  size_t n, want = 0;
  galley_error_t err = NULL;

  while (expected[want] != NULL)
    want++;
  if (image_ref_resolve_tty (c, input, tty, &cands, &n, &err) < 0)
    fail_msg ("resolving %s: %s", input, err->msg);
  assert_int_equal (n, want);
  for (size_t i = 0; i < n; i++)
    {
      char *f = image_ref_format (&cands[i]);
      assert_string_equal (f, expected[i]);
      free (f);
    }
  image_ref_candidates_free (cands, n);
}

static void
test_resolve (void **state)
{
  struct registries_conf *c = NULL;
  galley_error_t err = NULL;
  struct image_ref *cands;
  size_t n;

  assert_int_equal (load_string ("resolve", main_conf, &c, &err), 0);
  assert_resolves (c, "busybox", false, (const char *[]){ "docker.io/library/busybox:latest", NULL });
  assert_resolves (c, "busybox:1.36", false, (const char *[]){ "docker.io/library/busybox:1.36", NULL });
  assert_resolves (c, "busybox@sha256:" HEX64, false,
                   (const char *[]){ "docker.io/library/busybox@sha256:" HEX64, NULL });
  assert_resolves (c, "foo/bar:v1", false, (const char *[]){ "example.com/x/y:v1", NULL });
  assert_resolves (c, "quay.io/x/y", false, (const char *[]){ "quay.io/x/y:latest", NULL });
  assert_resolves (c, "docker.io/alpine", false, (const char *[]){ "docker.io/library/alpine:latest", NULL });
  /* Enforcing with a terminal: the caller may prompt among all.  */
  assert_resolves (c, "alpine:3", true,
                   (const char *[]){ "quay.io/alpine:3", "docker.io/library/alpine:3", NULL });

  assert_int_equal (image_ref_resolve_tty (c, "alpine", false, &cands, &n, &err), -1);
  assert_non_null (strstr (err->msg, "short-name resolution enforced but cannot prompt without a TTY"));
  galley_error_release (&err);
  assert_int_equal (image_ref_resolve_tty (c, "Alpine", false, &cands, &n, &err), -1);
  assert_non_null (strstr (err->msg, "must be lowercase"));
  galley_error_release (&err);
  registries_conf_free (c);

  assert_int_equal (
      load_string ("permissive", "unqualified-search-registries = [\"a.io\", \"b.io:5000\"]\n", &c, &err), 0);
  assert_int_equal (c->short_name_mode, SHORT_NAME_MODE_PERMISSIVE);
  assert_resolves (c, "x/y", false, (const char *[]){ "a.io/x/y:latest", "b.io:5000/x/y:latest", NULL });
  registries_conf_free (c);
}

static void
test_no_search_registries (void **state)
{
  struct registries_conf *c = NULL;
  galley_error_t err = NULL;
  struct image_ref *cands;
  size_t n;
  char *expected = NULL;

  assert_int_equal (load_string ("nosearch", "unqualified-search-registries = []\n", &c, &err), 0);
  assert_int_equal (image_ref_resolve_tty (c, "busybox", false, &cands, &n, &err), -1);
  assert_true (asprintf (&expected,
                         "short-name \"busybox\" did not resolve to an alias and no "
                         "unqualified-search registries are defined in \"%s/nosearch/"
                         "registries.conf\"",
                         tmpdir)
               > 0);
  assert_string_equal (err->msg, expected);
  free (expected);
  galley_error_release (&err);
  registries_conf_free (c);

  /* No file at all.  */
  assert_int_equal (registries_conf_load_files ("/nonexistent/registries.conf", false, NULL, &c, &err), 0);
  assert_false (c->found);
  assert_int_equal (image_ref_resolve_tty (c, "busybox", false, &cands, &n, &err), -1);
  assert_string_equal (err->msg, "short-name \"busybox\" did not resolve to an alias and no "
                                 "containers-registries.conf(5) was found");
  galley_error_release (&err);
  registries_conf_free (c);

  assert_int_equal (registries_conf_load_files ("/nonexistent/registries.conf", true, NULL, &c, &err), -1);
  galley_error_release (&err);
}

static void
test_dropins (void **state)
{
  struct registries_conf *c = NULL;
  galley_error_t err = NULL;
  char *main_path, *dir = NULL;
  const char *dirs[3];
  const struct registry_entry *e;

  main_path = write_file ("dropins/registries.conf", "unqualified-search-registries = [\"a.io\"]\n"
                                                     "[aliases]\n"
                                                     "busybox = \"docker.io/library/busybox\"\n"
                                                     "keep = \"k.io/keep\"\n"
                                                     "[[registry]]\n"
                                                     "location = \"x.io\"\n"
                                                     "insecure = true\n");
  free (write_file ("dropins/registries.conf.d/20-b.conf", "unqualified-search-registries = [\"b.io\"]\n"
                                                           "short-name-mode = \"disabled\"\n"
                                                           "[aliases]\n"
                                                           "busybox = \"\"\n"));
  free (write_file ("dropins/registries.conf.d/10-a.conf", "unqualified-search-registries = [\"wrong.io\"]\n"
                                                           "[[registry]]\n"
                                                           "location = \"x.io\"\n"
                                                           "blocked = true\n"));
  free (write_file ("dropins/registries.conf.d/ignored.txt", "this is not toml = = ="));
  free (write_file ("dropins/user.d/30-c.conf", "[aliases]\nnew = \"n.io/new\"\n"));
  assert_true (asprintf (&dir, "%s/dropins/registries.conf.d", tmpdir) > 0);
  dirs[0] = dir;
  dirs[1] = NULL;
  assert_true (asprintf ((char **)&dirs[1], "%s/dropins/user.d", tmpdir) > 0);
  dirs[2] = NULL;

  assert_int_equal (registries_conf_load_files (main_path, true, dirs, &c, &err), 0);
  assert_int_equal (c->n_search, 1);
  assert_string_equal (c->search[0], "b.io");
  assert_non_null (strstr (c->search_origin, "20-b.conf"));
  assert_int_equal (c->short_name_mode, SHORT_NAME_MODE_DISABLED);
  /* x.io replaced as a whole by the later file.  */
  e = registries_conf_match (c, "x.io/a");
  assert_true (e->blocked);
  assert_false (e->insecure);
  assert_non_null (strstr (e->origin, "10-a.conf"));
  /* busybox erased, keep kept, new added.  */
  assert_int_equal (c->n_aliases, 2);
  assert_resolves (c, "busybox", false, (const char *[]){ "b.io/busybox:latest", NULL });
  assert_resolves (c, "keep", false, (const char *[]){ "k.io/keep:latest", NULL });
  assert_resolves (c, "new", false, (const char *[]){ "n.io/new:latest", NULL });
  registries_conf_free (c);
  free ((char *)dirs[1]);
  free (dir);
  free (main_path);
}

static void
test_load_environment (void **state)
{
  struct galley_paths p = { 0 };
  struct registries_conf *c = NULL;
  galley_error_t err = NULL;
  char *path, *home = NULL;

  /* The user's file, found through config_home.  */
  assert_true (asprintf (&home, "%s/home/.config", tmpdir) > 0);
  path = write_file ("home/.config/containers/registries.conf",
                     "unqualified-search-registries = [\"user.io\"]\n");
  free (path);
  free (write_file ("home/.config/containers/registries.conf.d/a.conf", "short-name-mode = \"disabled\"\n"));
  p.config_home = home;
  unsetenv ("CONTAINERS_REGISTRIES_CONF");
  assert_int_equal (registries_conf_load (&p, &c, &err), 0);
  assert_string_equal (c->search[0], "user.io");
  assert_int_equal (c->short_name_mode, SHORT_NAME_MODE_DISABLED);
  registries_conf_free (c);

  /* CONTAINERS_REGISTRIES_CONF: only that file, and its drop-ins.  */
  path = write_file ("env/registries.conf", "unqualified-search-registries = [\"env.io\"]\n");
  free (write_file ("env/registries.conf.d/x.conf", "[aliases]\nz = \"z.io/z\"\n"));
  setenv ("CONTAINERS_REGISTRIES_CONF", path, 1);
  assert_int_equal (registries_conf_load (&p, &c, &err), 0);
  assert_string_equal (c->search[0], "env.io");
  assert_int_equal (c->short_name_mode, SHORT_NAME_MODE_PERMISSIVE);
  assert_int_equal (c->n_aliases, 1);
  registries_conf_free (c);
  free (path);

  setenv ("CONTAINERS_REGISTRIES_CONF", "/nonexistent/registries.conf", 1);
  assert_int_equal (registries_conf_load (&p, &c, &err), -1);
  assert_non_null (strstr (err->msg, "CONTAINERS_REGISTRIES_CONF"));
  assert_non_null (strstr (err->msg, "/nonexistent/registries.conf"));
  galley_error_release (&err);
  unsetenv ("CONTAINERS_REGISTRIES_CONF");
  free (home);
}

static void
assert_conf_rejected (const char *content, const char *needle)
{
  static int counter;
  struct registries_conf *c = NULL;
  galley_error_t err = NULL;
  char dir[32];

  snprintf (dir, sizeof dir, "bad%d", counter++);
  if (load_string (dir, content, &c, &err) == 0)
    fail_msg ("accepted: %s", content);
  if (strstr (err->msg, needle) == NULL)
    fail_msg ("error \"%s\" does not contain \"%s\"", err->msg, needle);
  /* One line, naming the file.  */
  assert_null (strchr (err->msg, '\n'));
  assert_non_null (strstr (err->msg, "/registries.conf"));
  galley_error_release (&err);
}

static void
test_malformed (void **state)
{
  assert_conf_rejected ("unqualified-search-registries = [\"a.io\"\n", "registries.conf:1:");
  assert_conf_rejected ("[[registry]]\nlocation = \"a.io\"\n[[registry]]\nlocation = \"a b\"\n",
                        "registries.conf: [[registry]] 2: location \"a b\" is not a valid "
                        "host[:port][/path]");
  assert_conf_rejected ("[[registry]]\nlocation = \"https://a.io\"\n",
                        "[[registry]] 1: location \"https://a.io\": URI schemes are not supported");
  assert_conf_rejected ("[[registry]]\ninsecure = true\n", "both location and prefix are unset");
  assert_conf_rejected ("[[registry]]\nprefix = \"a.io/x\"\n",
                        "location is unset and prefix is not in the format *.example.com");
  assert_conf_rejected ("[[registry]]\nprefix = \"*.a.io/x\"\n", "wildcarded prefix");
  assert_conf_rejected ("[[registry]]\nprefix = \"A.io/X\"\nlocation = \"b.io\"\n",
                        "prefix \"A.io/X\" is not a valid");
  assert_conf_rejected ("[[registry]]\nlocation = \"a.io\"\ninsecure = \"yes\"\n",
                        "\"insecure\" must be true or false");
  assert_conf_rejected ("[[registry]]\nlocation = \"a.io\"\n[[registry.mirror]]\ninsecure = true\n",
                        "[[registry]] 1: [[registry.mirror]] 1: mirror location is unset");
  assert_conf_rejected ("[[registry]]\nlocation = \"a.io\"\n[[registry.mirror]]\n"
                        "location = \"m.io\"\npull-from-mirror = \"sometimes\"\n",
                        "unsupported pull-from-mirror value \"sometimes\"");
  assert_conf_rejected ("[[registry]]\nlocation = \"a.io\"\ninsecure = true\n"
                        "[[registry]]\nprefix = \"b.io\"\nlocation = \"a.io\"\n",
                        "registry \"a.io\" is defined multiple times with conflicting 'insecure'");
  assert_conf_rejected ("short-name-mode = \"strict\"\n", "invalid short-name-mode \"strict\"");
  assert_conf_rejected ("unqualified-search-registries = [\"a.io/x\"]\n", "invalid entry \"a.io/x\"");
  assert_conf_rejected ("unqualified-search-registries = \"a.io\"\n", "must be an array");
  assert_conf_rejected ("[aliases]\n\"busybox:1\" = \"docker.io/library/busybox\"\n",
                        "[aliases] \"busybox:1\": the name must be a short name");
  assert_conf_rejected ("[aliases]\n\"quay.io/x\" = \"docker.io/library/busybox\"\n",
                        "must be a short name (no registry)");
  assert_conf_rejected ("[aliases]\nbusybox = \"busybox\"\n", "must include a registry");
  assert_conf_rejected ("[aliases]\nbusybox = \"docker.io/busybox:1\"\n", "must not contain a tag");
  assert_conf_rejected ("[aliases]\nbusybox = 1\n", "the value must be a string");
  assert_conf_rejected ("unqualified-search-registries = []\n[registries.search]\nregistries = []\n",
                        "mixing the v1");
}

static void
test_v1_format (void **state)
{
  struct registries_conf *c = NULL;
  galley_error_t err = NULL;
  char *main_path, *dir = NULL;
  const char *dirs[2] = { NULL, NULL };

  assert_int_equal (load_string ("v1",
                                 "[registries.search]\nregistries = ['r1.io', 'r2.io']\n"
                                 "[registries.insecure]\nregistries = ['r3.io']\n"
                                 "[registries.block]\nregistries = ['bad.io', 'r3.io']\n",
                                 &c, &err),
                    0);
  assert_int_equal (c->n_search, 2);
  assert_int_equal (c->n_registries, 2);
  assert_true (registries_conf_match (c, "r3.io/x")->insecure);
  assert_true (registries_conf_match (c, "r3.io/x")->blocked);
  assert_true (registries_conf_match (c, "bad.io/x")->blocked);
  registries_conf_free (c);

  /* Drop-ins must be v2.  */
  main_path = write_file ("v1d/registries.conf", "");
  free (write_file ("v1d/d/a.conf", "[registries.search]\nregistries = ['r1.io']\n"));
  assert_true (asprintf (&dir, "%s/v1d/d", tmpdir) > 0);
  dirs[0] = dir;
  assert_int_equal (registries_conf_load_files (main_path, true, dirs, &c, &err), -1);
  assert_non_null (strstr (err->msg, "a.conf: drop-in files must use the v2 format"));
  galley_error_release (&err);
  free (dir);
  free (main_path);
}

/* The example shipped in conf/ must stay valid.  */
static void
test_example_file (void **state)
{
  const char *srcdir = getenv ("GALLEY_SRCDIR");
  struct registries_conf *c = NULL;
  galley_error_t err = NULL;
  char *path = NULL;
  struct image_ref ref;
  struct pull_source *s;
  size_t n;

  if (srcdir == NULL)
    skip ();
  assert_true (asprintf (&path, "%s/conf/registries.conf", srcdir) > 0);
  if (registries_conf_load_files (path, true, NULL, &c, &err) < 0)
    fail_msg ("%s", err->msg);
  assert_int_equal (c->n_search, 2);
  assert_resolves (c, "busybox", false, (const char *[]){ "docker.io/library/busybox:latest", NULL });
  assert_true (registries_conf_match (c, "localhost:5000/x")->insecure);
  assert_int_equal (image_ref_parse ("a.untrusted.example/x", &ref, &err), 0);
  assert_int_equal (registries_conf_pull_sources (c, &ref, &s, &n, &err), -1);
  galley_error_release (&err);
  image_ref_release (&ref);
  registries_conf_free (c);
  free (path);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_match),        cmocka_unit_test (test_pull_sources),
    cmocka_unit_test (test_resolve),      cmocka_unit_test (test_no_search_registries),
    cmocka_unit_test (test_dropins),      cmocka_unit_test (test_load_environment),
    cmocka_unit_test (test_malformed),    cmocka_unit_test (test_v1_format),
    cmocka_unit_test (test_example_file),
  };
  return cmocka_run_group_tests (tests, setup, teardown);
}
