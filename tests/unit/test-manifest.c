/* Unit tests: manifest, index and config parsing, ambiguity checks,
 * platform normalisation and selection.  */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "image/manifest.h"
#include "image/platform.h"

#define D1 "sha256:1111111111111111111111111111111111111111111111111111111111111111"
#define D2 "sha256:2222222222222222222222222222222222222222222222222222222222222222"
#define D3 "sha256:3333333333333333333333333333333333333333333333333333333333333333"

#define OCI_MANIFEST                                                                                      \
  "{\"schemaVersion\": 2, \"mediaType\": \"" MEDIA_TYPE_OCI_MANIFEST "\",\n"                              \
  " \"config\": {\"mediaType\": \"" MEDIA_TYPE_OCI_CONFIG "\", \"digest\": \"" D1 "\", \"size\": 123},\n" \
  " \"layers\": [{\"mediaType\": \"" MEDIA_TYPE_OCI_LAYER_GZIP "\", \"digest\": \"" D2                    \
  "\", \"size\": 1000},\n"                                                                                \
  "            {\"mediaType\": \"" MEDIA_TYPE_OCI_LAYER_ZSTD "\", \"digest\": \"" D3 "\", \"size\": 0}]}\n"

#define DOCKER_MANIFEST                                                                                  \
  "{\"schemaVersion\": 2, \"mediaType\": \"" MEDIA_TYPE_DOCKER_MANIFEST "\","                            \
  " \"config\": {\"mediaType\": \"" MEDIA_TYPE_DOCKER_CONFIG "\", \"digest\": \"" D1 "\", \"size\": 5}," \
  " \"layers\": [{\"mediaType\": \"" MEDIA_TYPE_DOCKER_LAYER_GZIP "\", \"digest\": \"" D2                \
  "\", \"size\": 7}]}"

#define ENTRY(digest, platform)                                                                 \
  "{\"mediaType\": \"" MEDIA_TYPE_OCI_MANIFEST "\", \"digest\": \"" digest "\", \"size\": 10, " \
  "\"platform\": " platform "}"

static int
parse (const char *doc, const char *content_type, struct manifest *m, galley_error_t *err)
{
  return manifest_parse (doc, strlen (doc), content_type, m, err);
}

static void
assert_manifest_rejected (const char *doc, const char *content_type, const char *needle)
{
  struct manifest m;
  galley_error_t err = NULL;

  if (parse (doc, content_type, &m, &err) == 0)
    fail_msg ("accepted: %s", doc);
  if (strstr (err->msg, needle) == NULL)
    fail_msg ("error \"%s\" does not contain \"%s\"", err->msg, needle);
  assert_null (m.layers);
  assert_null (m.entries);
  galley_error_release (&err);
}

static void
test_oci_manifest (void **state)
{
  struct manifest m;
  galley_error_t err = NULL;

  assert_int_equal (parse (OCI_MANIFEST, "application/vnd.oci.image.manifest.v1+json", &m, &err), 0);
  assert_int_equal (m.kind, MANIFEST_OCI_IMAGE);
  assert_false (manifest_is_index (&m));
  assert_string_equal (m.media_type, MEDIA_TYPE_OCI_MANIFEST);
  assert_string_equal (m.config.digest, D1);
  assert_int_equal (m.config.size, 123);
  assert_int_equal (m.n_layers, 2);
  assert_int_equal (m.layers[0].compression, LAYER_GZIP);
  assert_string_equal (m.layers[0].d.digest, D2);
  assert_int_equal (m.layers[0].d.size, 1000);
  assert_int_equal (m.layers[1].compression, LAYER_ZSTD);
  manifest_release (&m);

  /* Generic content types and parameters are fine.  */
  assert_int_equal (parse (OCI_MANIFEST, "application/json; charset=utf-8", &m, &err), 0);
  manifest_release (&m);
  assert_int_equal (parse (OCI_MANIFEST, "Application/Vnd.Oci.Image.Manifest.V1+Json ; x=y", &m, &err), 0);
  manifest_release (&m);
}

static void
test_oci_manifest_without_media_type (void **state)
{
  const char *doc = "{\"schemaVersion\":2,\"config\":{\"mediaType\":\"" MEDIA_TYPE_OCI_CONFIG
                    "\",\"digest\":\"" D1 "\",\"size\":1},\"layers\":[]}";
  struct manifest m;
  galley_error_t err = NULL;

  assert_int_equal (parse (doc, NULL, &m, &err), 0);
  assert_int_equal (m.kind, MANIFEST_OCI_IMAGE);
  assert_int_equal (m.n_layers, 0);
  manifest_release (&m);
}

static void
test_docker_manifest (void **state)
{
  struct manifest m;
  galley_error_t err = NULL;

  assert_int_equal (parse (DOCKER_MANIFEST, MEDIA_TYPE_DOCKER_MANIFEST, &m, &err), 0);
  assert_int_equal (m.kind, MANIFEST_DOCKER_V2);
  assert_string_equal (m.config.media_type, MEDIA_TYPE_DOCKER_CONFIG);
  assert_int_equal (m.n_layers, 1);
  assert_int_equal (m.layers[0].compression, LAYER_GZIP);
  manifest_release (&m);
}

static void
test_schema1_refused (void **state)
{
  assert_manifest_rejected ("{\"schemaVersion\": 1, \"name\": \"x\", \"fsLayers\": []}", NULL,
                            "Docker schema 1");
  assert_manifest_rejected (OCI_MANIFEST, MEDIA_TYPE_DOCKER_SCHEMA1_SIGNED, "Docker schema 1");
  assert_manifest_rejected ("{\"schemaVersion\": 2, \"mediaType\": \"" MEDIA_TYPE_DOCKER_SCHEMA1 "\"}", NULL,
                            "Docker schema 1");
}

static void
test_ambiguous (void **state)
{
  /* An index that also has layers.  */
  assert_manifest_rejected ("{\"schemaVersion\":2,\"manifests\":[],\"layers\":[]}", NULL,
                            "ambiguous manifest: it has both \"manifests\" and \"layers\"");
  assert_manifest_rejected ("{\"schemaVersion\":2,\"manifests\":[],\"config\":{}}", NULL,
                            "both \"manifests\" and \"config\"");
  /* mediaType against Content-Type.  */
  assert_manifest_rejected (OCI_MANIFEST, MEDIA_TYPE_OCI_INDEX, "disagrees with Content-Type");
  assert_manifest_rejected (DOCKER_MANIFEST, MEDIA_TYPE_OCI_MANIFEST, "disagrees with Content-Type");
  /* mediaType against structure.  */
  assert_manifest_rejected ("{\"schemaVersion\":2,\"mediaType\":\"" MEDIA_TYPE_OCI_INDEX
                            "\",\"config\":{},\"layers\":[]}",
                            NULL, "without \"manifests\"");
  assert_manifest_rejected ("{\"schemaVersion\":2,\"mediaType\":\"" MEDIA_TYPE_OCI_MANIFEST
                            "\",\"manifests\":[]}",
                            NULL, "without \"config\" and \"layers\"");
  /* Content-Type says index, the document has no mediaType and is a manifest.  */
  assert_manifest_rejected ("{\"schemaVersion\":2,\"config\":{\"mediaType\":\"" MEDIA_TYPE_OCI_CONFIG
                            "\",\"digest\":\"" D1 "\",\"size\":1},\"layers\":[]}",
                            MEDIA_TYPE_OCI_INDEX, "without \"manifests\"");
  /* Duplicate keys, also spelled with escapes and nested.  */
  assert_manifest_rejected ("{\"schemaVersion\":2,\"mediaType\":\"" MEDIA_TYPE_OCI_INDEX
                            "\",\"mediaType\":\"" MEDIA_TYPE_OCI_MANIFEST "\",\"manifests\":[]}",
                            NULL, "duplicate key \"mediaType\"");
  assert_manifest_rejected ("{\"schemaVersion\":2,\"mediaType\":\"" MEDIA_TYPE_OCI_INDEX
                            "\",\"\\u006dediaType\":\"x\",\"manifests\":[]}",
                            NULL, "duplicate key \"mediaType\"");
  assert_manifest_rejected ("{\"schemaVersion\":2,\"manifests\":[{\"digest\":\"" D1 "\",\"digest\":\"" D2
                            "\"}]}",
                            NULL, "duplicate key \"digest\"");
  assert_manifest_rejected ("{\"schemaVersion\":2,\"mediaType\":\"text/html\",\"manifests\":[]}", NULL,
                            "unsupported manifest media type");
  assert_manifest_rejected ("{\"schemaVersion\":2}", NULL, "neither an index nor");
  assert_manifest_rejected ("{\"schemaVersion\":3,\"manifests\":[]}", NULL, "schemaVersion 3");
  assert_manifest_rejected ("{\"manifests\":[]}", NULL, "schemaVersion");
}

static void
test_malformed (void **state)
{
  char *big;
  struct manifest m;
  galley_error_t err = NULL;

  assert_manifest_rejected ("", NULL, "invalid JSON");
  assert_manifest_rejected ("[]", NULL, "not a JSON object");
  assert_manifest_rejected (OCI_MANIFEST "{}", NULL, "invalid JSON");
  assert_manifest_rejected (OCI_MANIFEST "x", NULL, "invalid JSON");
  assert_manifest_rejected ("{\"schemaVersion\":2,\"manifests\":[],}", NULL, "invalid JSON");
  assert_manifest_rejected ("{\"schemaVersion\":2,\"manifests\":{}}", NULL, "not an array");

  /* Only the given length is parsed: a prefix of a valid document is not.  */
  assert_int_equal (manifest_parse (OCI_MANIFEST, strlen (OCI_MANIFEST) - 3, NULL, &m, &err), -1);
  galley_error_release (&err);

  big = malloc (MANIFEST_MAX_SIZE + 2);
  memset (big, ' ', MANIFEST_MAX_SIZE + 1);
  big[0] = '{';
  big[MANIFEST_MAX_SIZE] = '}';
  assert_int_equal (manifest_parse (big, MANIFEST_MAX_SIZE + 1, NULL, &m, &err), -1);
  assert_non_null (strstr (err->msg, "exceeds the limit"));
  galley_error_release (&err);
  free (big);
}

#define MANIFEST_WITH_LAYER(type, digest, size)                                                   \
  "{\"schemaVersion\":2,\"config\":{\"mediaType\":\"" MEDIA_TYPE_OCI_CONFIG "\",\"digest\":\"" D1 \
  "\",\"size\":1},\"layers\":[{\"mediaType\":\"" type "\",\"digest\":\"" digest "\",\"size\":" size "}]}"

static void
test_descriptors (void **state)
{
  assert_manifest_rejected (MANIFEST_WITH_LAYER (MEDIA_TYPE_OCI_LAYER, "sha256:abc", "1"), NULL,
                            "layers[0]: invalid digest");
  assert_manifest_rejected (MANIFEST_WITH_LAYER (MEDIA_TYPE_OCI_LAYER, "sha256:../../etc", "1"), NULL,
                            "invalid digest");
  assert_manifest_rejected (MANIFEST_WITH_LAYER (MEDIA_TYPE_OCI_LAYER, D2, "-1"), NULL,
                            "layers[0]: invalid size");
  assert_manifest_rejected (MANIFEST_WITH_LAYER (MEDIA_TYPE_OCI_LAYER, D2, "1.5"), NULL, "not an integer");
  assert_manifest_rejected (MANIFEST_WITH_LAYER (MEDIA_TYPE_OCI_LAYER, D2, "\"1\""), NULL, "not an integer");
  assert_manifest_rejected (
      MANIFEST_WITH_LAYER ("application/vnd.docker.image.rootfs.foreign.diff.tar.gzip", D2, "1"), NULL,
      "foreign (non-distributable) layers are not supported");
  assert_manifest_rejected (MANIFEST_WITH_LAYER ("application/x-tar", D2, "1"), NULL,
                            "unsupported layer media type \"application/x-tar\"");
  assert_manifest_rejected (
      "{\"schemaVersion\":2,\"config\":{\"mediaType\":\"application/vnd.cncf.helm.config.v1+json\","
      "\"digest\":\"" D1 "\",\"size\":1},\"layers\":[]}",
      NULL, "not a container image");
  assert_manifest_rejected ("{\"schemaVersion\":2,\"config\":{\"digest\":\"" D1
                            "\",\"size\":1},\"layers\":[]}",
                            NULL, "config: missing \"mediaType\"");
  assert_manifest_rejected ("{\"schemaVersion\":2,\"config\":{\"mediaType\":\"" MEDIA_TYPE_OCI_CONFIG
                            "\",\"digest\":\"" D1 "\",\"size\":99999999},\"layers\":[]}",
                            NULL, "exceeds the limit");
  assert_manifest_rejected ("{\"schemaVersion\":2,\"config\":{\"mediaType\":\"" MEDIA_TYPE_OCI_CONFIG
                            "\",\"digest\":\"" D1 "\",\"size\":1},\"layers\":[7]}",
                            NULL, "layers[0]: not an object");
}

static const char index_doc[] =
    "{\"schemaVersion\":2,\"mediaType\":\"" MEDIA_TYPE_OCI_INDEX "\",\"manifests\":[" ENTRY (
        D1, "{\"os\":\"linux\",\"architecture\":"
            "\"amd64\"}") "," ENTRY (D2, "{\"os\":"
                                         "\"linux\","
                                         "\"architecture"
                                         "\":\"arm\","
                                         "\"variant\":"
                                         "\"v6\"}") "," ENTRY (D3, "{\"os\":\"linux\",\"architecture\":"
                                                                   "\"arm64\"}") ","
                                                                                 "{\"mediaType\":"
                                                                                 "\"" MEDIA_TYPE_OCI_MANIFEST
                                                                                 "\",\"digest\":\"" D1
                                                                                 "\",\"size\":3,"
                                                                                 "\"platform\":{\"os\":"
                                                                                 "\"unknown\","
                                                                                 "\"architecture\":"
                                                                                 "\"unknown\"}}]}";

static const char *
select_digest (const struct manifest *m, const char *os, const char *arch, const char *variant)
{
  struct platform want;
  galley_error_t err = NULL;
  const struct index_entry *e;

  assert_int_equal (platform_from_options (NULL, os, arch, variant, &want, &err), 0);
  e = manifest_select_platform (m, &want, &err);
  platform_release (&want);
  if (e == NULL)
    {
      static char msg[512];
      snprintf (msg, sizeof msg, "%s", err->msg);
      galley_error_release (&err);
      return msg;
    }
  return e->d.digest;
}

static void
test_index_selection (void **state)
{
  struct manifest m;
  galley_error_t err = NULL;

  assert_int_equal (parse (index_doc, MEDIA_TYPE_OCI_INDEX, &m, &err), 0);
  assert_true (manifest_is_index (&m));
  assert_int_equal (m.n_entries, 4);
  /* arm64 without a variant is normalised to v8.  */
  assert_string_equal (m.entries[2].platform.variant, "v8");

  assert_string_equal (select_digest (&m, "linux", "amd64", NULL), D1);
  assert_string_equal (select_digest (&m, "linux", "aarch64", NULL), D3);
  assert_string_equal (select_digest (&m, "linux", "arm64", "v8"), D3);
  /* arm/v7 runs arm/v6.  */
  assert_string_equal (select_digest (&m, "linux", "arm", NULL), D2);
  assert_string_equal (select_digest (&m, "linux", "arm", "v6"), D2);
  assert_non_null (strstr (select_digest (&m, "linux", "arm", "v5"),
                           "no image found in image index for architecture \"arm\", variant "
                           "\"v5\", OS \"linux\" (available: linux/amd64, linux/arm/v6, "
                           "linux/arm64/v8, unknown/unknown)"));
  assert_non_null (strstr (select_digest (&m, "windows", "amd64", NULL), "no image found"));
  assert_non_null (strstr (select_digest (&m, "linux", "s390x", NULL), "no image found"));
  manifest_release (&m);
}

static void
test_index_prefers_exact_variant (void **state)
{
  const char *doc = "{\"schemaVersion\":2,\"manifests\":[" ENTRY (
      D1, "{\"os\":\"linux\",\"architecture\":\"arm\","
          "\"variant\":\"v5\"}") "," ENTRY (D2, "{\"os\":\"linux\",\"architecture\":\"arm\",\"variant\":"
                                                "\"v7\"}") "," ENTRY (D3, "{\"os\":\"linux\","
                                                                          "\"architecture\":"
                                                                          "\"arm\",\"variant\":"
                                                                          "\"v6\"}") "]}";
  struct manifest m;
  galley_error_t err = NULL;

  assert_int_equal (parse (doc, NULL, &m, &err), 0);
  assert_int_equal (m.kind, MANIFEST_OCI_INDEX);
  assert_string_equal (select_digest (&m, "linux", "arm", "v7"), D2);
  assert_string_equal (select_digest (&m, "linux", "arm", "7"), D2);
  assert_string_equal (select_digest (&m, "linux", "arm", "v6"), D3);
  assert_string_equal (select_digest (&m, "linux", "armhf", NULL), D2);
  assert_string_equal (select_digest (&m, "linux", "armel", NULL), D3);
  manifest_release (&m);
}

static void
test_docker_list (void **state)
{
  const char *doc = "{\"schemaVersion\":2,\"mediaType\":\"" MEDIA_TYPE_DOCKER_LIST "\",\"manifests\":["
                    "{\"mediaType\":\"" MEDIA_TYPE_DOCKER_MANIFEST "\",\"digest\":\"" D1 "\",\"size\":1,"
                    "\"platform\":{\"os\":\"linux\",\"architecture\":\"amd64\"}}]}";
  struct manifest m;
  galley_error_t err = NULL;

  assert_int_equal (parse (doc, MEDIA_TYPE_DOCKER_LIST, &m, &err), 0);
  assert_int_equal (m.kind, MANIFEST_DOCKER_LIST);
  assert_string_equal (select_digest (&m, "linux", "amd64", NULL), D1);
  assert_non_null (strstr (select_digest (&m, "linux", "arm64", NULL), "in manifest list"));
  manifest_release (&m);

  assert_manifest_rejected ("{\"schemaVersion\":2,\"mediaType\":\"" MEDIA_TYPE_DOCKER_LIST
                            "\",\"manifests\":[{\"mediaType\":\"" MEDIA_TYPE_DOCKER_MANIFEST
                            "\",\"digest\":\"" D1 "\",\"size\":1}]}",
                            NULL, "manifests[0]: missing \"platform\"");
  assert_manifest_rejected ("{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"" MEDIA_TYPE_DOCKER_MANIFEST
                            "\",\"digest\":\"" D1 "\",\"size\":1,"
                            "\"platform\":{\"os\":\"linux\"}}]}",
                            NULL, "platform without");
}

static void
test_platform_options (void **state)
{
  struct platform p, host;
  galley_error_t err = NULL;
  char *s;

  assert_int_equal (platform_host (&host, &err), 0);
  assert_string_equal (host.os, "linux");
  assert_non_null (host.architecture);

  assert_int_equal (platform_from_options ("linux/arm64", NULL, NULL, NULL, &p, &err), 0);
  s = platform_format (&p);
  assert_string_equal (s, "linux/arm64/v8");
  free (s);
  platform_release (&p);

  assert_int_equal (platform_from_options ("Linux/x86_64/v1", NULL, NULL, NULL, &p, &err), 0);
  s = platform_format (&p);
  assert_string_equal (s, "linux/amd64");
  free (s);
  platform_release (&p);

  assert_int_equal (platform_from_options ("linux/arm", NULL, NULL, "v6", &p, &err), 0);
  assert_string_equal (p.variant, "v6");
  platform_release (&p);

  /* --os alone keeps the host's architecture.  */
  assert_int_equal (platform_from_options (NULL, "freebsd", NULL, NULL, &p, &err), 0);
  assert_string_equal (p.os, "freebsd");
  assert_string_equal (p.architecture, host.architecture);
  platform_release (&p);

  assert_int_equal (platform_from_options ("linux/amd64", NULL, "arm64", NULL, &p, &err), -1);
  assert_string_equal (err->msg, "--platform option can not be specified with --arch or --os");
  galley_error_release (&err);
  assert_int_equal (platform_from_options ("linux", NULL, NULL, NULL, &p, &err), -1);
  assert_non_null (strstr (err->msg, "invalid platform syntax for --platform=\"linux\""));
  galley_error_release (&err);
  assert_int_equal (platform_from_options ("linux//v7", NULL, NULL, NULL, &p, &err), -1);
  galley_error_release (&err);
  assert_int_equal (platform_from_options ("linux/arm/v7/x", NULL, NULL, NULL, &p, &err), -1);
  galley_error_release (&err);
  assert_int_equal (platform_from_options (NULL, NULL, "../x", NULL, &p, &err), -1);
  galley_error_release (&err);
  platform_release (&host);
}

static const char config_doc[] =
    "{\"architecture\":\"amd64\",\"os\":\"linux\",\"created\":\"2024-01-01T00:00:00Z\","
    "\"config\":{\"User\":\"1000:1000\",\"Env\":[\"PATH=/bin\",\"A=b\"],"
    "\"Entrypoint\":[\"/bin/sh\",\"-c\"],\"Cmd\":null,\"WorkingDir\":\"/srv\","
    "\"Labels\":{\"a\":\"1\",\"b\":\"2\"},\"ExposedPorts\":{\"80/tcp\":{}},"
    "\"Volumes\":{\"/data\":{}},\"StopSignal\":\"SIGTERM\"},"
    "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" D2 "\",\"" D3 "\"]},"
    "\"history\":[{\"created_by\":\"ADD x\"},{\"created_by\":\"ENV a\",\"empty_layer\":true},"
    "{\"created_by\":\"RUN y\",\"comment\":\"c\"}]}";

static void
test_config (void **state)
{
  struct image_config c;
  struct manifest m;
  galley_error_t err = NULL;

  assert_int_equal (image_config_parse (config_doc, strlen (config_doc), &c, &err), 0);
  assert_string_equal (c.architecture, "amd64");
  assert_string_equal (c.os, "linux");
  assert_string_equal (c.user, "1000:1000");
  assert_string_equal (c.env[0], "PATH=/bin");
  assert_string_equal (c.env[1], "A=b");
  assert_null (c.env[2]);
  assert_string_equal (c.entrypoint[1], "-c");
  assert_null (c.cmd);
  assert_string_equal (c.working_dir, "/srv");
  assert_int_equal (c.n_labels, 2);
  assert_string_equal (c.labels[1].key, "b");
  assert_string_equal (c.labels[1].value, "2");
  assert_string_equal (c.exposed_ports[0], "80/tcp");
  assert_null (c.exposed_ports[1]);
  assert_string_equal (c.volumes[0], "/data");
  assert_string_equal (c.stop_signal, "SIGTERM");
  assert_int_equal (c.n_diff_ids, 2);
  assert_string_equal (c.diff_ids[1], D3);
  assert_int_equal (c.n_history, 3);
  assert_true (c.history[1].empty_layer);
  assert_false (c.history[2].empty_layer);
  assert_string_equal (c.history[2].comment, "c");
  assert_non_null (c.raw);

  assert_int_equal (parse (OCI_MANIFEST, NULL, &m, &err), 0);
  assert_int_equal (image_config_check (&c, &m, NULL, &err), 0);
  manifest_release (&m);
  assert_int_equal (parse (DOCKER_MANIFEST, NULL, &m, &err), 0);
  assert_int_equal (image_config_check (&c, &m, NULL, &err), -1);
  assert_non_null (strstr (err->msg, "has 2 diff_ids but the manifest has 1 layers"));
  galley_error_release (&err);
  manifest_release (&m);
  image_config_release (&c);
}

static void
assert_config_rejected (const char *doc, const char *needle)
{
  struct image_config c;
  galley_error_t err = NULL;

  if (image_config_parse (doc, strlen (doc), &c, &err) == 0)
    fail_msg ("accepted: %s", doc);
  if (strstr (err->msg, needle) == NULL)
    fail_msg ("error \"%s\" does not contain \"%s\"", err->msg, needle);
  assert_null (c.raw);
  galley_error_release (&err);
}

static void
test_config_malformed (void **state)
{
#define ROOTFS "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}"
  assert_config_rejected ("{\"os\":\"linux\"," ROOTFS "}", "missing \"architecture\" or \"os\"");
  assert_config_rejected ("{\"os\":\"linux\",\"architecture\":\"amd64\"}", "missing \"rootfs\"");
  assert_config_rejected ("{\"os\":\"linux\",\"architecture\":\"amd64\",\"rootfs\":{\"type\":\"x\","
                          "\"diff_ids\":[]}}",
                          "rootfs type must be \"layers\"");
  assert_config_rejected ("{\"os\":\"linux\",\"architecture\":\"amd64\",\"rootfs\":{\"type\":"
                          "\"layers\",\"diff_ids\":[\"sha256:x\"]}}",
                          "diff_ids[0]: invalid digest");
  assert_config_rejected ("{\"os\":\"linux\",\"architecture\":\"amd64\"," ROOTFS
                          ",\"config\":{\"Env\":\"A=b\"}}",
                          "\"Env\" is not an array of strings");
  assert_config_rejected ("{\"os\":\"linux\",\"architecture\":\"amd64\"," ROOTFS ",\"config\":{\"Cmd\":[1]}}",
                          "\"Cmd\" is not an array of strings");
  assert_config_rejected ("{\"os\":\"linux\",\"architecture\":\"amd64\"," ROOTFS
                          ",\"config\":{\"Labels\":{\"a\":1}}}",
                          "label \"a\" is not a string");
  assert_config_rejected ("{\"os\":\"linux\",\"architecture\":\"amd64\"," ROOTFS
                          ",\"config\":{\"User\":\"a\",\"User\":\"root\"}}",
                          "duplicate key \"User\"");
  assert_config_rejected ("{\"os\":\"linux\",\"architecture\":\"amd64\"," ROOTFS
                          ",\"history\":[{\"empty_layer\":\"yes\"}]}",
                          "empty_layer is not a boolean");
}

static void
test_duplicate_keys_scanner (void **state)
{
  galley_error_t err = NULL;
  const char *ok = "{\"a\":[{\"a\":1},{\"a\":2}],\"b\":{\"a\":{\"a\":\"}\\\"{\"}},\"ab\":true}";
  const char *dup = "{\"a\":[{\"x\":1,\"y\":[],\"x\":null}]}";

  assert_int_equal (json_check_duplicate_keys (ok, strlen (ok), "t", &err), 0);
  assert_int_equal (json_check_duplicate_keys (dup, strlen (dup), "t", &err), -1);
  assert_string_equal (err->msg, "t: duplicate key \"x\"");
  galley_error_release (&err);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_oci_manifest),
    cmocka_unit_test (test_oci_manifest_without_media_type),
    cmocka_unit_test (test_docker_manifest),
    cmocka_unit_test (test_schema1_refused),
    cmocka_unit_test (test_ambiguous),
    cmocka_unit_test (test_malformed),
    cmocka_unit_test (test_descriptors),
    cmocka_unit_test (test_index_selection),
    cmocka_unit_test (test_index_prefers_exact_variant),
    cmocka_unit_test (test_docker_list),
    cmocka_unit_test (test_platform_options),
    cmocka_unit_test (test_config),
    cmocka_unit_test (test_config_malformed),
    cmocka_unit_test (test_duplicate_keys_scanner),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
