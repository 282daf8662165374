/* Unit tests for the pure parts of push (src/image/push.c,
 * src/registry/upload.c, http_url_resolve): destinations, the manifest
 * format and document, upload URLs and token scopes.  */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "image/manifest.h"
#include "image/push.h"
#include "registry/http.h"
#include "registry/upload.h"
#include "util/cleanup.h"

static void
check_destination (const char *in, const char *registry, const char *repository, const char *tag)
{
  _cleanup_image_ref_ struct image_ref r = { 0 };
  _cleanup_error_ galley_error_t err = NULL;

  if (push_destination_parse (in, &r, &err) < 0)
    fail_msg ("%s: %s", in, err->msg);
  assert_string_equal (r.registry, registry);
  assert_string_equal (r.repository, repository);
  assert_string_equal (r.tag, tag);
  assert_null (r.digest);
}

static void
check_destination_fails (const char *in, const char *words)
{
  _cleanup_image_ref_ struct image_ref r = { 0 };
  _cleanup_error_ galley_error_t err = NULL;

  assert_int_equal (push_destination_parse (in, &r, &err), -1);
  if (strstr (err->msg, words) == NULL)
    fail_msg ("%s: error \"%s\" does not say \"%s\"", in, err->msg, words);
}

static void
test_destination (void **state)
{
  (void)state;
  check_destination ("127.0.0.1:5000/foo/bar:v1", "127.0.0.1:5000", "foo/bar", "v1");
  check_destination ("docker://127.0.0.1:5000/foo", "127.0.0.1:5000", "foo", "latest");
  check_destination ("localhost/x", "localhost", "x", "latest");
  /* podman: DESTINATION is docker://NAME, short names are docker.io's.  */
  check_destination ("busybox", "docker.io", "library/busybox", "latest");
  check_destination ("me/app:2", "docker.io", "me/app", "2");
  check_destination ("quay.io/a/b", "quay.io", "a/b", "latest");
  check_destination_fails ("oci-archive:/tmp/x.tar", "\"oci-archive\" transport is not supported");
  check_destination_fails ("dir:/tmp/x", "\"dir\" transport");
  check_destination_fails ("containers-storage:foo", "transport");
  check_destination_fails (
      "quay.io/a/b@sha256:0123456789012345678901234567890123456789012345678901234567890123", "digest");
  check_destination_fails ("docker://Quay.io/UPPER", "invalid destination");
  check_destination_fails ("", "invalid destination");
}

static void
test_choose_format (void **state)
{
  _cleanup_error_ galley_error_t err = NULL;
  enum push_format f;

  (void)state;
  assert_int_equal (
      push_choose_format (PUSH_FORMAT_DEFAULT, MEDIA_TYPE_DOCKER_MANIFEST, LAYER_GZIP, &f, &err), 0);
  assert_int_equal (f, PUSH_FORMAT_V2S2);
  assert_int_equal (push_choose_format (PUSH_FORMAT_DEFAULT, MEDIA_TYPE_OCI_MANIFEST, LAYER_GZIP, &f, &err),
                    0);
  assert_int_equal (f, PUSH_FORMAT_OCI);
  assert_int_equal (push_choose_format (PUSH_FORMAT_DEFAULT, NULL, LAYER_GZIP, &f, &err), 0);
  assert_int_equal (f, PUSH_FORMAT_OCI);
  /* Docker's format has no zstd layer type: the default becomes OCI ...  */
  assert_int_equal (
      push_choose_format (PUSH_FORMAT_DEFAULT, MEDIA_TYPE_DOCKER_MANIFEST, LAYER_ZSTD, &f, &err), 0);
  assert_int_equal (f, PUSH_FORMAT_OCI);
  assert_int_equal (push_choose_format (PUSH_FORMAT_OCI, MEDIA_TYPE_DOCKER_MANIFEST, LAYER_GZIP, &f, &err),
                    0);
  assert_int_equal (f, PUSH_FORMAT_OCI);
  /* ... and asking for both is an error.  */
  assert_int_equal (push_choose_format (PUSH_FORMAT_V2S2, NULL, LAYER_ZSTD, &f, &err), -1);
  assert_non_null (strstr (err->msg, "zstd"));
}

static void
test_parse_options (void **state)
{
  enum push_format f;
  enum layer_compression c;

  (void)state;
  assert_int_equal (push_format_parse ("oci", &f), 0);
  assert_int_equal (f, PUSH_FORMAT_OCI);
  assert_int_equal (push_format_parse ("v2s2", &f), 0);
  assert_int_equal (f, PUSH_FORMAT_V2S2);
  assert_int_equal (push_format_parse ("v2s1", &f), -1);
  assert_int_equal (push_compression_parse ("zstd", &c), 0);
  assert_int_equal (c, LAYER_ZSTD);
  assert_int_equal (push_compression_parse ("gzip", &c), 0);
  assert_int_equal (c, LAYER_GZIP);
  assert_int_equal (push_compression_parse ("bzip2", &c), -1);
}

#define H1 "1111111111111111111111111111111111111111111111111111111111111111"
#define D1 "sha256:" H1
#define D2 "sha256:2222222222222222222222222222222222222222222222222222222222222222"
#define DC "sha256:cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc"

/* The composed document parses as a manifest of the expected kind, with
 * the same descriptors.  */
static void
check_manifest (enum push_format format, enum layer_compression compression, const char *layer_type,
                enum manifest_kind kind)
{
  const struct push_blob_ref config = { DC, 409 }, layers[] = { { D1, 1036376 }, { D2, 12 } };
  _cleanup_error_ galley_error_t err = NULL;
  _cleanup_free_ char *doc = NULL;
  _cleanup_manifest_ struct manifest m = { 0 };

  if (push_manifest_compose (format, compression, &config, layers, 2, &doc, &err) < 0)
    fail_msg ("compose: %s", err->msg);
  if (manifest_parse (doc, strlen (doc), push_manifest_media_type (format), &m, &err) < 0)
    fail_msg ("parse %s: %s", doc, err->msg);
  assert_int_equal (m.kind, kind);
  assert_string_equal (m.config.digest, DC);
  assert_int_equal (m.config.size, 409);
  assert_string_equal (m.config.media_type,
                       format == PUSH_FORMAT_V2S2 ? MEDIA_TYPE_DOCKER_CONFIG : MEDIA_TYPE_OCI_CONFIG);
  assert_int_equal (m.n_layers, 2);
  assert_string_equal (m.layers[0].d.digest, D1);
  assert_int_equal (m.layers[0].d.size, 1036376);
  assert_string_equal (m.layers[1].d.digest, D2);
  assert_string_equal (m.layers[1].d.media_type, layer_type);
  assert_int_equal (m.layers[1].compression, compression);
  assert_non_null (strstr (doc, "\"schemaVersion\":2"));
}

static void
test_manifest_compose (void **state)
{
  const struct push_blob_ref config = { DC, 1 };
  _cleanup_error_ galley_error_t err = NULL;
  char *doc = NULL;

  (void)state;
  check_manifest (PUSH_FORMAT_OCI, LAYER_GZIP, MEDIA_TYPE_OCI_LAYER_GZIP, MANIFEST_OCI_IMAGE);
  check_manifest (PUSH_FORMAT_OCI, LAYER_ZSTD, MEDIA_TYPE_OCI_LAYER_ZSTD, MANIFEST_OCI_IMAGE);
  check_manifest (PUSH_FORMAT_V2S2, LAYER_GZIP, MEDIA_TYPE_DOCKER_LAYER_GZIP, MANIFEST_DOCKER_V2);
  assert_int_equal (push_manifest_compose (PUSH_FORMAT_V2S2, LAYER_ZSTD, &config, NULL, 0, &doc, &err), -1);
  assert_null (doc);
  assert_string_equal (push_manifest_media_type (PUSH_FORMAT_V2S2), MEDIA_TYPE_DOCKER_MANIFEST);
  assert_string_equal (push_manifest_media_type (PUSH_FORMAT_OCI), MEDIA_TYPE_OCI_MANIFEST);
}

static void
check_resolve (const char *base, const char *location, const char *want)
{
  _cleanup_free_ char *got = http_url_resolve (base, location);

  if (want == NULL)
    {
      if (got != NULL)
        fail_msg ("%s + %s: expected nothing, got %s", base, location ? location : "(null)", got);
      return;
    }
  if (got == NULL || strcmp (got, want) != 0)
    fail_msg ("%s + %s: expected %s, got %s", base, location, want, got ? got : "(null)");
}

static void
test_location (void **state)
{
  const char *base = "http://127.0.0.1:5000/v2/foo/blobs/uploads/";

  (void)state;
  /* distribution answers with a path; others with a full URL.  */
  check_resolve (base, "/v2/foo/blobs/uploads/abc?_state=xyz",
                 "http://127.0.0.1:5000/v2/foo/blobs/uploads/abc?_state=xyz");
  check_resolve (base, "https://storage.example.com/up/1?sig=a%2Fb",
                 "https://storage.example.com/up/1?sig=a%2Fb");
  check_resolve (base, "abc", "http://127.0.0.1:5000/v2/foo/blobs/uploads/abc");
  check_resolve ("https://r.example/v2/x/blobs/uploads/1", "?_state=2",
                 "https://r.example/v2/x/blobs/uploads/1?_state=2");
  check_resolve (base, "file:///etc/passwd", NULL);
  check_resolve (base, "", NULL);
  check_resolve (base, NULL, NULL);
}

static void
check_query (const char *url, const char *want)
{
  _cleanup_free_ char *got = upload_url_add_query (url, "digest", D1);

  assert_non_null (got);
  assert_string_equal (got, want);
}

static void
test_add_query (void **state)
{
  (void)state;
  check_query ("http://h/v2/foo/blobs/uploads/abc", "http://h/v2/foo/blobs/uploads/abc?digest=sha256%3A" H1);
  check_query ("http://h/up/abc?_state=x", "http://h/up/abc?_state=x&digest=sha256%3A" H1);
  check_query ("http://h/up/abc?", "http://h/up/abc?digest=sha256%3A" H1);
  check_query ("http://h/up/abc?a=1&", "http://h/up/abc?a=1&digest=sha256%3A" H1);
  check_query ("http://h/up/abc#frag", "http://h/up/abc?digest=sha256%3A" H1);
}

static void
test_scope (void **state)
{
  _cleanup_free_ char *one = upload_scope ("foo/bar", NULL);
  _cleanup_free_ char *two = upload_scope ("foo/bar", "lib/src");

  (void)state;
  assert_string_equal (one, "repository:foo/bar:pull,push");
  assert_string_equal (two, "repository:foo/bar:pull,push repository:lib/src:pull");
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_destination),   cmocka_unit_test (test_choose_format),
    cmocka_unit_test (test_parse_options), cmocka_unit_test (test_manifest_compose),
    cmocka_unit_test (test_location),      cmocka_unit_test (test_add_query),
    cmocka_unit_test (test_scope),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
