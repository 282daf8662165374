/* Unit tests: image reference grammar, normalisation, formatting; digests.  */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "registry/reference.h"
#include "util/digest.h"

#define HEX64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

/* Parse s and check that it formats as `formatted`.  */
static void
assert_parses_to (const char *s, const char *formatted)
{
  struct image_ref r;
  galley_error_t err = NULL;
  char *out;

  if (image_ref_parse (s, &r, &err) < 0)
    fail_msg ("parsing \"%s\": %s", s, err->msg);
  out = image_ref_format (&r);
  assert_non_null (out);
  if (strcmp (out, formatted) != 0)
    fail_msg ("\"%s\" formatted as \"%s\", expected \"%s\"", s, out, formatted);
  free (out);
  image_ref_release (&r);
}

/* Parse s, expect failure with a message containing `needle`.  */
static void
assert_rejects (const char *s, const char *needle)
{
  struct image_ref r;
  galley_error_t err = NULL;

  if (image_ref_parse (s, &r, &err) == 0)
    fail_msg ("\"%s\" was accepted", s);
  assert_non_null (err);
  if (strstr (err->msg, needle) == NULL)
    fail_msg ("error for \"%s\" is \"%s\", expected to contain \"%s\"", s, err->msg, needle);
  /* The output is left empty on failure.  */
  assert_null (r.registry);
  assert_null (r.repository);
  assert_null (r.tag);
  assert_null (r.digest);
  galley_error_release (&err);
}

static void
test_normalisation (void **state)
{
  assert_parses_to ("docker.io/busybox", "docker.io/library/busybox:latest");
  assert_parses_to ("index.docker.io/busybox:1.36", "docker.io/library/busybox:1.36");
  assert_parses_to ("docker.io/foo/bar", "docker.io/foo/bar:latest");
  assert_parses_to ("quay.io/busybox", "quay.io/busybox:latest");
  assert_parses_to ("localhost/foo", "localhost/foo:latest");
  assert_parses_to ("localhost:5000/a/b/c:v1", "localhost:5000/a/b/c:v1");
  assert_parses_to ("127.0.0.1:5000/x", "127.0.0.1:5000/x:latest");
  assert_parses_to ("[::1]:5000/x", "[::1]:5000/x:latest");
  assert_parses_to ("docker.io/busybox@sha256:" HEX64, "docker.io/library/busybox@sha256:" HEX64);
  assert_parses_to ("docker.io/busybox:1@sha256:" HEX64, "docker.io/library/busybox:1@sha256:" HEX64);
}

static void
test_short_names (void **state)
{
  struct image_ref r;
  galley_error_t err = NULL;

  assert_int_equal (image_ref_parse ("busybox", &r, &err), 0);
  assert_null (r.registry);
  assert_string_equal (r.repository, "busybox");
  assert_string_equal (r.tag, "latest");
  assert_null (r.digest);
  image_ref_release (&r);

  /* No '.', ':' or uppercase and not localhost: still a path component.  */
  assert_int_equal (image_ref_parse ("foo/bar:v2", &r, &err), 0);
  assert_null (r.registry);
  assert_string_equal (r.repository, "foo/bar");
  assert_string_equal (r.tag, "v2");
  image_ref_release (&r);

  /* "localhost:5000" alone is the short name "localhost", tag "5000".  */
  assert_int_equal (image_ref_parse ("localhost:5000", &r, &err), 0);
  assert_null (r.registry);
  assert_string_equal (r.repository, "localhost");
  assert_string_equal (r.tag, "5000");
  image_ref_release (&r);

  /* An uppercase first component is a domain, as in distribution.  */
  assert_int_equal (image_ref_parse ("Example/foo", &r, &err), 0);
  assert_string_equal (r.registry, "Example");
  image_ref_release (&r);

  assert_parses_to ("busybox@sha256:" HEX64, "busybox@sha256:" HEX64);
}

static void
test_path_components (void **state)
{
  assert_parses_to ("x.io/a.b_c__d---e", "x.io/a.b_c__d---e:latest");
  assert_parses_to ("x.io/a-b", "x.io/a-b:latest");
  assert_rejects ("x.io/a..b", "invalid reference format");
  assert_rejects ("x.io/a___b", "invalid reference format");
  assert_rejects ("x.io/a_-b", "invalid reference format");
  assert_rejects ("x.io/-a", "invalid reference format");
  assert_rejects ("x.io/a-", "invalid reference format");
  assert_rejects ("x.io/a//b", "invalid reference format");
  assert_rejects ("x.io/", "at least one component");
  assert_rejects ("a/", "invalid reference format");
  assert_rejects ("", "at least one component");
  assert_rejects (":tag", "at least one component");
}

static void
test_errors (void **state)
{
  assert_rejects ("Busy", "invalid reference format: repository name must be lowercase: \"Busy\"");
  assert_rejects ("docker.io/Busy", "must be lowercase");
  assert_rejects ("busybox:", "invalid tag");
  assert_rejects ("busybox:-x", "invalid tag");
  assert_rejects ("busybox:a/b", "invalid reference format");
  assert_rejects ("busybox@sha256:abc", "invalid digest");
  assert_rejects ("busybox@sha256:" HEX64 "0", "invalid digest");
  assert_rejects ("busybox@md5:0123456789abcdef0123456789abcdef", "invalid digest");
  assert_rejects ("busybox@sha256:"
                  "0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef",
                  "invalid digest");
  assert_rejects ("busybox@", "invalid digest");
  assert_rejects (HEX64, "cannot specify 64-byte hexadecimal strings");
  assert_rejects ("-x.io/foo", "invalid registry name");
  assert_rejects ("x.io:/foo", "invalid registry name");
  assert_rejects ("x.io:50a0/foo", "invalid registry name");
  assert_rejects ("x..io/foo", "invalid registry name");
  assert_rejects ("[zz]:5000/foo", "invalid registry name");
  assert_rejects ("busy box", "invalid reference format");
  assert_rejects ("x.io/foo:bar:baz", "invalid reference format");
}

static void
test_error_message_exact (void **state)
{
  struct image_ref r;
  galley_error_t err = NULL;

  assert_int_equal (image_ref_parse ("Busy", &r, &err), -1);
  assert_string_equal (err->msg, "invalid reference format: repository name must be lowercase: \"Busy\"");
  galley_error_release (&err);

  /* Untrusted text never breaks the message into lines, nor makes it huge.  */
  assert_int_equal (image_ref_parse ("busy\nbox", &r, &err), -1);
  assert_null (strchr (err->msg, '\n'));
  assert_non_null (strstr (err->msg, "\"busy?box\""));
  galley_error_release (&err);
  {
    char *huge = malloc (100001);
    memset (huge, 'a', 100000);
    huge[100000] = '\0';
    assert_int_equal (image_ref_parse (huge, &r, &err), -1);
    assert_true (strlen (err->msg) <= 1024);
    galley_error_release (&err);
    free (huge);
  }
}

static void
test_limits (void **state)
{
  char name[300], tag[200], ref[600];

  /* The tag may be 128 characters, not 129.  */
  memset (tag, 'a', 128);
  tag[128] = '\0';
  snprintf (ref, sizeof ref, "busybox:%s", tag);
  assert_parses_to (ref, ref);
  strcat (tag, "a");
  snprintf (ref, sizeof ref, "busybox:%s", tag);
  assert_rejects (ref, "invalid tag");

  /* "x.io/" + 250 = 255: accepted; one more is too long.  */
  memset (name, 'a', 250);
  name[250] = '\0';
  snprintf (ref, sizeof ref, "x.io/%s:latest", name);
  assert_parses_to (ref, ref);
  snprintf (ref, sizeof ref, "x.io/%sa", name);
  assert_rejects (ref, "must not be more than 255 characters");

  /* Normalisation counts: docker.io/library/ + 238 = 256.  */
  memset (name, 'a', 238);
  name[238] = '\0';
  snprintf (ref, sizeof ref, "docker.io/%s", name);
  assert_rejects (ref, "must not be more than 255 characters");
}

static void
test_copy_set_tag (void **state)
{
  struct image_ref r, c;
  galley_error_t err = NULL;
  char *s;

  assert_int_equal (image_ref_parse ("quay.io/a/b@sha256:" HEX64, &r, &err), 0);
  assert_null (r.tag);
  assert_int_equal (image_ref_copy (&r, &c), 0);
  assert_int_equal (image_ref_set_tag (&c, "v1", &err), 0);
  assert_int_equal (image_ref_set_tag (&c, "bad tag", &err), -1);
  assert_non_null (err);
  galley_error_release (&err);
  s = image_ref_format (&c);
  assert_string_equal (s, "quay.io/a/b:v1@sha256:" HEX64);
  free (s);
  s = image_ref_name (&c);
  assert_string_equal (s, "quay.io/a/b");
  free (s);
  image_ref_release (&c);
  image_ref_release (&r);
}

static void
test_digests (void **state)
{
  char out[DIGEST_SHA256_BUFSIZE];
  char big[DIGEST_BUFSIZE];
  struct digester d;
  galley_error_t err = NULL;

  assert_true (digest_is_valid ("sha256:" HEX64));
  assert_true (digest_is_valid ("sha512:" HEX64 HEX64));
  assert_false (digest_is_valid ("sha512:" HEX64));
  assert_false (digest_is_valid ("sha256:" HEX64 "\n"));
  assert_false (digest_is_valid ("sha256:../" HEX64));
  assert_false (digest_is_valid ("SHA256:" HEX64));
  assert_false (digest_is_valid (":" HEX64));
  assert_false (digest_is_valid (NULL));
  assert_string_equal (digest_hex ("sha256:" HEX64), HEX64);

  assert_int_equal (digest_sha256_hex ("abc", 3, out), 0);
  assert_string_equal (out, "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");

  /* Streaming equals one-shot.  */
  assert_int_equal (digest_init (&d, NULL, &err), 0);
  assert_int_equal (digest_update (&d, "a", 1, &err), 0);
  assert_int_equal (digest_update (&d, "bc", 2, &err), 0);
  assert_int_equal (digest_final (&d, big, &err), 0);
  digest_release (&d);
  assert_string_equal (big, out);

  assert_int_equal (digest_verify (out, "abc", 3, &err), 0);
  assert_int_equal (digest_verify (out, "abd", 3, &err), -1);
  assert_non_null (strstr (err->msg, "digest mismatch: expected sha256:ba78"));
  galley_error_release (&err);

  assert_int_equal (digest_init (&d, "md5", &err), -1);
  galley_error_release (&err);

  assert_int_equal (digest_init (&d, "sha512", &err), 0);
  assert_int_equal (digest_update (&d, "abc", 3, &err), 0);
  assert_int_equal (digest_final (&d, big, &err), 0);
  digest_release (&d);
  assert_true (digest_is_valid (big));
  assert_int_equal (digest_verify (big, "abc", 3, &err), 0);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_normalisation),       cmocka_unit_test (test_short_names),
    cmocka_unit_test (test_path_components),     cmocka_unit_test (test_errors),
    cmocka_unit_test (test_error_message_exact), cmocka_unit_test (test_limits),
    cmocka_unit_test (test_copy_set_tag),        cmocka_unit_test (test_digests),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
