/* Unit tests for manifest lists (src/image/manifest_list*.c): the list
 * document as podman prints it and as an OCI index, and lists in a store
 * of their own.  */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "image/manifest_list.h"
#include "image/manifest_list_internal.h"
#include "image/store.h"
#include "temp-root.h"
#include "util/cleanup.h"
#include "util/json.h"

#define D1 "sha256:1111111111111111111111111111111111111111111111111111111111111111"
#define D2 "sha256:2222222222222222222222222222222222222222222222222222222222222222"

static const char list_doc[] =
    "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.docker.distribution.manifest.list.v2+json\","
    "\"manifests\":[{\"mediaType\":\"application/vnd.docker.distribution.manifest.v2+json\",\"size\":427,"
    "\"digest\":\"" D1 "\",\"platform\":{\"architecture\":\"arm64\",\"os\":\"linux\",\"os.version\":\"1.0\","
    "\"os.features\":[\"of\"],\"variant\":\"v8\",\"features\":[\"f\"]},\"annotations\":{\"a\":\"b\"}},"
    "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"size\":405,\"digest\":\"" D2 "\","
    "\"platform\":{\"architecture\":\"amd64\",\"os\":\"linux\"}}]}";

static void
test_document (void **state)
{
  _cleanup_error_ galley_error_t err = NULL;
  _cleanup_json_ json_object *sources = json_tokener_parse ("{\"" D1 "\": \"docker://r.io/a@" D1 "\"}");
  _cleanup_json_ json_object *docker = NULL, *oci = NULL;
  struct manifest_list l = { 0 };

  assert_int_equal (manifest_list_parse (list_doc, strlen (list_doc), sources, &l, &err), 0);
  assert_int_equal (l.n, 2);
  assert_string_equal (l.v[0].source, "docker://r.io/a@" D1);
  assert_null (l.v[1].source);
  assert_string_equal (l.v[0].variant, "v8");
  /* stored and printed as it came: podman's key order */
  docker = manifest_list_json (&l, false);
  assert_string_equal (
      json_object_to_json_string_ext (docker, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE),
      list_doc);
  /* pushed as an OCI index: digest before size, no Docker "features" */
  oci = manifest_list_json (&l, true);
  assert_string_equal (
      json_object_to_json_string_ext (oci, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE),
      "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\","
      "\"manifests\":[{\"mediaType\":\"application/vnd.docker.distribution.manifest.v2+json\","
      "\"digest\":\"" D1 "\",\"size\":427,\"platform\":{\"architecture\":\"arm64\",\"os\":"
      "\"linux\",\"os.version\":\"1.0\",\"os.features\":[\"of\"],\"variant\":\"v8\"},"
      "\"annotations\":{\"a\":\"b\"}},{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
      "\"digest\":\"" D2 "\",\"size\":405,\"platform\":{\"architecture\":\"amd64\",\"os\":\"linux\"}}]}");
  manifest_list_clear (&l);

  /* podman's empty list, and documents that are not lists */
  assert_int_equal (manifest_list_parse ("{\"manifests\":null}", 18, NULL, &l, &err), 0);
  docker = (json_object_put (docker), manifest_list_json (&l, false));
  assert_string_equal (
      json_object_to_json_string_ext (docker, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE),
      "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.docker.distribution.manifest.list.v2+json\","
      "\"manifests\":null}");
  manifest_list_clear (&l);
  assert_int_equal (manifest_list_parse ("{\"manifests\":[{\"digest\":\"x\"}]}", 31, NULL, &l, &err), -1);
  manifest_list_clear (&l);
}

/* Files in the store's blobs/sha256.  */
static int
count_blobs (const struct galley_paths *p)
{
  _cleanup_free_ char *dir = NULL;
  struct dirent *e;
  DIR *d;
  int n = 0;

  assert_true (asprintf (&dir, "%s/blobs/sha256", p->root) > 0);
  d = opendir (dir);
  assert_non_null (d);
  while ((e = readdir (d)) != NULL)
    n += e->d_name[0] != '.';
  closedir (d);
  return n;
}

static void
test_lists_in_a_store (void **state)
{
  struct galley_paths p = { 0 };
  _cleanup_error_ galley_error_t err = NULL;
  _cleanup_free_ char *id = NULL, *again = NULL, *found = NULL, *changed = NULL;
  _cleanup_json_ json_object *doc = NULL;
  struct manifest_instance_options none = { 0 };
  struct manifest_add_options add = { .registry = { .tls_verify = -1 } };
  char dir[64];

  temp_root_make (dir, "manifest-list", &p, "storage", NULL);
  assert_int_equal (manifest_list_create (&p, "mylist", false, &id, &err), 0);
  assert_int_equal (strlen (id), 64);
  assert_int_equal (manifest_list_create (&p, "localhost/mylist:latest", false, &again, &err), -1);
  assert_int_equal (galley_error_errno (&err), EEXIST);
  galley_error_release (&err);
  assert_int_equal (manifest_list_create (&p, "mylist", true, &again, &err), 0);
  assert_string_equal (again, id);
  assert_int_equal (manifest_list_find (&p, "mylist", &found, &err), 0);
  assert_string_equal (found, id);

  /* an image of the store that is not there; a digest the list lacks */
  assert_int_equal (manifest_list_add (&p, "mylist", "containers-storage:nosuch", &add, NULL, &err), -1);
  assert_int_equal (galley_error_errno (&err), ENOENT);
  galley_error_release (&err);
  assert_int_equal (manifest_list_remove (&p, "mylist", D1, &changed, &err), -1);
  assert_string_equal (err->msg, "removing from manifest list mylist: no instance matching digest \"" D1
                                 "\" found in manifest list: file does not exist");
  galley_error_release (&err);
  assert_int_equal (manifest_list_annotate (&p, "mylist", "nodigest", &none, &changed, &err), -1);
  galley_error_release (&err);
  assert_int_equal (manifest_list_find (&p, "nosuch", &changed, &err), -1);
  assert_int_equal (galley_error_errno (&err), ENOENT);
  galley_error_release (&err);

  assert_int_equal (manifest_list_inspect (&p, "mylist", &add.registry, &doc, &err), 0);
  assert_string_equal (
      json_object_to_json_string_ext (doc, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE),
      "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.docker.distribution.manifest.list.v2+json\","
      "\"manifests\":null}");
  /* a change replaces the list's document: the one before does not stay */
  {
    _cleanup_store_ struct store *s = NULL;
    struct manifest_list l = { 0 };
    struct list_instance in = { 0 };
    assert_int_equal (store_open (&p, &s, &err), 0);
    assert_int_equal (count_blobs (&p), 2); /* the list's config and its document */
    for (int round = 0; round < 3; round++)
      {
        char *list_id = NULL;
        assert_int_equal (manifest_list_open (s, "mylist", &l, &err), 0);
        list_id = l.id;
        l.id = NULL;
        manifest_list_clear (&l);
        l.id = list_id;
        in.digest = strdup (round % 2 ? D1 : D2);
        in.media_type = strdup ("application/vnd.oci.image.manifest.v1+json");
        in.size = 10 + round;
        l.v = calloc (1, sizeof *l.v);
        l.v[0] = in;
        l.n = 1;
        assert_int_equal (manifest_list_save (s, &l, &err), 0);
        manifest_list_clear (&l);
        assert_int_equal (count_blobs (&p), 2);
      }
  }
  assert_int_equal (manifest_list_delete (&p, "mylist", &err), 0);
  assert_int_equal (count_blobs (&p), 0);
  assert_int_equal (manifest_list_find (&p, "mylist", &changed, &err), -1);
  galley_error_release (&err);
  temp_root_remove (dir, &p);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_document),
    cmocka_unit_test (test_lists_in_a_store),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
