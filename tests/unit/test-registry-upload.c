/* Unit tests for blob and manifest uploads (src/registry/upload.c) against
 * a scripted registry: HEAD skips, mounts, monolithic and chunked uploads
 * that follow relative and absolute Locations, retries, bad Locations.  */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cmocka.h>

#include "registry/reference.h"
#include "registry/upload.h"
#include "util/cleanup.h"
#include "util/digest.h"

#include "scripted-server.h"

/* A tiny registry with one blob upload in flight. */
struct fake_registry
{
  char stored[DIGEST_SHA256_BUFSIZE]; /* the blob the repository "foo" has, or "" */
  bool mount_ok;                      /* "bar" has every blob */
  bool absolute_locations;            /* Location: http://127.0.0.1:PORT/... rather than a path */
  const char *bad_location;           /* answer POSTs with this Location */
  int fail_patches;                   /* answer that many PATCHes with 503 first */
  bool partial_patch;                 /* keep half of the first PATCH and answer 500 */
  char received[8192];
  size_t n_received;
  char content_ranges[8][64];
  int n_patches;
  char manifest[1024];
  char manifest_type[128];
};

static void
upload_location (struct server *s, struct fake_registry *f, char *out, size_t len)
{
  int state = ++s->counter;

  if (f->absolute_locations)
    snprintf (out, len, "Location: http://127.0.0.1:%d/uploads/u1?_state=%d\r\n", s->port, state);
  else
    snprintf (out, len, "Location: /v2/foo/blobs/uploads/u1?_state=%d\r\n", state);
}

static void
registry_handler (struct server *s, const struct request_log *rq, int fd)
{
  struct fake_registry *f = s->data;
  char location[256], digest[DIGEST_SHA256_BUFSIZE], header[160];
  const char *q;

  if (strcmp (rq->target, "/v2/") == 0)
    return respond_str (fd, 200, NULL, "{}");
  if (strcmp (rq->method, "HEAD") == 0)
    {
      bool have = f->stored[0] != '\0' && strstr (rq->target, f->stored) != NULL;
      return respond (fd, have ? 200 : 404, NULL, NULL, 0);
    }
  if (strcmp (rq->method, "POST") == 0)
    {
      if (strstr (rq->target, "mount=") != NULL && f->mount_ok)
        return respond (fd, 201, NULL, NULL, 0);
      if (f->bad_location != NULL)
        {
          snprintf (location, sizeof location, "Location: %s\r\n", f->bad_location);
          return respond (fd, 202, location, NULL, 0);
        }
      upload_location (s, f, location, sizeof location);
      return respond (fd, 202, location, NULL, 0);
    }
  if (strcmp (rq->method, "PATCH") == 0)
    {
      if (f->fail_patches > 0 && f->fail_patches--)
        return respond_str (fd, 503, NULL, "busy");
      if (f->partial_patch && strtoul (rq->content_range, NULL, 10) == f->n_received)
        {
          f->partial_patch = false;
          memcpy (f->received + f->n_received, rq->body, rq->body_len / 2);
          f->n_received += rq->body_len / 2;
          return respond_str (fd, 500, NULL, "oops");
        }
      if (f->n_patches < 8)
        snprintf (f->content_ranges[f->n_patches++], 64, "%s", rq->content_range);
      if (f->n_received + rq->body_len > sizeof f->received
          || strtoul (rq->content_range, NULL, 10) != f->n_received)
        return respond_str (fd, 416, NULL, "{\"errors\":[{\"code\":\"BLOB_UPLOAD_INVALID\"}]}");
      memcpy (f->received + f->n_received, rq->body, rq->body_len);
      f->n_received += rq->body_len;
      upload_location (s, f, location, sizeof location);
      return respond (fd, 202, location, NULL, 0);
    }
  if (strcmp (rq->method, "GET") == 0 && strstr (rq->target, "/u1?") != NULL)
    {
      /* The upload's status.  */
      char headers[512];
      upload_location (s, f, location, sizeof location);
      snprintf (headers, sizeof headers, "%sRange: 0-%zu\r\n", location,
                f->n_received > 0 ? f->n_received - 1 : 0);
      return respond (fd, 204, headers, NULL, 0);
    }
  if (strcmp (rq->method, "PUT") == 0 && strstr (rq->target, "/manifests/") != NULL)
    {
      snprintf (f->manifest, sizeof f->manifest, "%.*s", (int)rq->body_len, rq->body ? rq->body : "");
      snprintf (f->manifest_type, sizeof f->manifest_type, "%s", rq->content_type);
      return respond (fd, 201, NULL, NULL, 0);
    }
  if (strcmp (rq->method, "PUT") == 0 && (q = strstr (rq->target, "digest=sha256%3A")) != NULL)
    {
      if (rq->body_len > 0)
        {
          memcpy (f->received + f->n_received, rq->body, rq->body_len);
          f->n_received += rq->body_len;
        }
      digest_sha256_hex (f->received, f->n_received, digest);
      if (strncmp (q + 16, digest + 7, 64) != 0)
        return respond_str (fd, 400, NULL,
                            "{\"errors\":[{\"code\":\"DIGEST_INVALID\",\"message\":\"bad\"}]}");
      snprintf (f->stored, sizeof f->stored, "%s", digest);
      snprintf (header, sizeof header, "Docker-Content-Digest: %s\r\n", digest);
      return respond (fd, 201, header, NULL, 0);
    }
  respond_str (fd, 404, NULL, "{}");
}

static struct galley_paths test_paths = { .home = (char *)"/nonexistent",
                                          .config_home = (char *)"/nonexistent" };

struct fixture
{
  struct server server;
  struct fake_registry registry;
  struct registry_client *client;
  struct image_ref ref;
  char registry_name[32];
  char data[2500];
  char digest[DIGEST_SHA256_BUFSIZE];
  int fd; /* data in a memfd */
};

static int
setup (void **state)
{
  struct fixture *f = calloc (1, sizeof *f);
  struct registry_options o = { .tls_verify = 0, .authfile = "/nonexistent/auth.json" };
  galley_error_t err = NULL;
  size_t i;

  assert_non_null (f);
  server_start (&f->server, registry_handler);
  f->server.data = &f->registry;
  if (registry_client_new (&test_paths, &o, &f->client, &err) < 0)
    fail_msg ("registry_client_new: %s", err->msg);
  snprintf (f->registry_name, sizeof f->registry_name, "127.0.0.1:%d", f->server.port);
  f->ref =
      (struct image_ref){ .registry = f->registry_name, .repository = (char *)"foo", .tag = (char *)"v1" };
  for (i = 0; i < sizeof f->data; i++)
    f->data[i] = (char)('a' + i % 26);
  digest_sha256_hex (f->data, sizeof f->data, f->digest);
  f->fd = memfd_create ("blob", MFD_CLOEXEC);
  assert_true (f->fd >= 0);
  assert_int_equal (write (f->fd, f->data, sizeof f->data), (ssize_t)sizeof f->data);
  *state = f;
  return 0;
}

static int
teardown (void **state)
{
  struct fixture *f = *state;

  registry_client_free (f->client);
  server_stop (&f->server);
  close (f->fd);
  free (f);
  return 0;
}

/* Push the fixture's blob; the outcome, or -1 with the error's text in msg.  */
static int
push (struct fixture *f, const struct upload_options *o, char *msg, size_t msg_len)
{
  struct upload_blob b = { .digest = f->digest, .size = sizeof f->data, .fd = f->fd };
  _cleanup_error_ galley_error_t err = NULL;
  enum upload_outcome outcome;

  if (registry_push_blob (f->client, &f->ref, &b, o, &outcome, &err) < 0)
    {
      snprintf (msg, msg_len, "%s", err->msg);
      return -1;
    }
  return (int)outcome;
}

static void
assert_received (struct fixture *f)
{
  assert_int_equal (f->registry.n_received, sizeof f->data);
  assert_memory_equal (f->registry.received, f->data, sizeof f->data);
  assert_string_equal (f->registry.stored, f->digest);
}

static void
test_monolithic_relative_location (void **state)
{
  struct fixture *f = *state;
  struct request_log last;
  char msg[512] = "";

  assert_int_equal (push (f, NULL, msg, sizeof msg), UPLOAD_SENT);
  assert_received (f);
  assert_int_equal (count_requests (&f->server, "/v2/foo/blobs/uploads/", NULL), 2); /* POST, PUT */
  assert_int_equal (count_requests (&f->server, "/v2/foo/blobs/uploads/u1?_state=1&digest=", &last), 1);
  assert_string_equal (last.method, "PUT");
  assert_string_equal (last.content_type, "application/octet-stream");
  assert_int_equal (f->registry.n_patches, 0);
}

static void
test_chunked_absolute_locations (void **state)
{
  struct fixture *f = *state;
  struct upload_options o = { .chunk_size = 1000 };
  char msg[512] = "";

  f->registry.absolute_locations = true;
  assert_int_equal (push (f, &o, msg, sizeof msg), UPLOAD_SENT);
  assert_received (f);
  assert_int_equal (f->registry.n_patches, 3);
  assert_string_equal (f->registry.content_ranges[0], "0-999");
  assert_string_equal (f->registry.content_ranges[1], "1000-1999");
  assert_string_equal (f->registry.content_ranges[2], "2000-2499");
  /* Each request went to the Location of the answer before.  */
  assert_int_equal (count_requests (&f->server, "/uploads/u1?_state=1", NULL), 1);
  assert_int_equal (count_requests (&f->server, "/uploads/u1?_state=3", NULL), 1);
  assert_int_equal (count_requests (&f->server, "/uploads/u1?_state=4&digest=sha256%3A", NULL), 1);
}

static void
test_patch_retried_after_503 (void **state)
{
  struct fixture *f = *state;
  struct upload_options o = { .chunk_size = 1000 };
  char msg[512] = "";

  f->registry.fail_patches = 1;
  assert_int_equal (push (f, &o, msg, sizeof msg), UPLOAD_SENT);
  assert_received (f);
}

static void
test_partial_chunk_resumed (void **state)
{
  struct fixture *f = *state;
  struct upload_options o = { .chunk_size = 1000 };
  char msg[512] = "";

  f->registry.partial_patch = true;
  assert_int_equal (push (f, &o, msg, sizeof msg), UPLOAD_SENT);
  assert_received (f);
  /* The first chunk's second half was sent again, from byte 500.  */
  assert_int_equal (count_requests (&f->server, "/v2/foo/blobs/uploads/u1?_state=1", NULL), 3);
  assert_string_equal (f->registry.content_ranges[1], "500-1499");
}

static void
test_existing_blob_skipped (void **state)
{
  struct fixture *f = *state;
  char msg[512] = "";

  snprintf (f->registry.stored, sizeof f->registry.stored, "%s", f->digest);
  assert_int_equal (push (f, NULL, msg, sizeof msg), UPLOAD_EXISTS);
  assert_int_equal (count_requests (&f->server, "/v2/foo/blobs/uploads/", NULL), 0);
}

static void
test_mount (void **state)
{
  struct fixture *f = *state;
  char *from[] = { (char *)"foo", (char *)"bar", NULL };
  struct upload_options o = { .mount_from = from };
  struct request_log last;
  char msg[512] = "";

  f->registry.mount_ok = true;
  assert_int_equal (push (f, &o, msg, sizeof msg), UPLOAD_MOUNTED);
  /* Not from the destination itself.  */
  assert_int_equal (count_requests (&f->server, "/v2/foo/blobs/uploads/?mount=sha256%3A", &last), 1);
  assert_non_null (strstr (last.target, "&from=bar"));
  assert_int_equal (f->registry.n_received, 0);
}

static void
test_mount_refused_uploads_into_the_session (void **state)
{
  struct fixture *f = *state;
  char *from[] = { (char *)"bar", NULL };
  struct upload_options o = { .mount_from = from };
  char msg[512] = "";

  assert_int_equal (push (f, &o, msg, sizeof msg), UPLOAD_SENT);
  assert_received (f);
  /* One POST (the mount attempt) and the PUT to its session.  */
  assert_int_equal (count_requests (&f->server, "/v2/foo/blobs/uploads/", NULL), 2);
}

static void
test_bad_location (void **state)
{
  struct fixture *f = *state;
  char msg[512] = "";

  f->registry.bad_location = "file:///etc/passwd";
  assert_int_equal (push (f, NULL, msg, sizeof msg), -1);
  assert_non_null (strstr (msg, "unusable upload location \"file:///etc/passwd\""));
  assert_non_null (strstr (msg, "pushing blob sha256:"));
}

static void
test_manifest (void **state)
{
  struct fixture *f = *state;
  _cleanup_error_ galley_error_t err = NULL;
  const char *doc = "{\"schemaVersion\":2}";

  if (registry_push_manifest (f->client, &f->ref, doc, strlen (doc),
                              "application/vnd.oci.image.manifest.v1+json", &err)
      < 0)
    fail_msg ("%s", err->msg);
  assert_string_equal (f->registry.manifest, doc);
  assert_string_equal (f->registry.manifest_type, "application/vnd.oci.image.manifest.v1+json");
  assert_int_equal (count_requests (&f->server, "/v2/foo/manifests/v1", NULL), 1);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown (test_monolithic_relative_location, setup, teardown),
    cmocka_unit_test_setup_teardown (test_chunked_absolute_locations, setup, teardown),
    cmocka_unit_test_setup_teardown (test_patch_retried_after_503, setup, teardown),
    cmocka_unit_test_setup_teardown (test_partial_chunk_resumed, setup, teardown),
    cmocka_unit_test_setup_teardown (test_existing_blob_skipped, setup, teardown),
    cmocka_unit_test_setup_teardown (test_mount, setup, teardown),
    cmocka_unit_test_setup_teardown (test_mount_refused_uploads_into_the_session, setup, teardown),
    cmocka_unit_test_setup_teardown (test_bad_location, setup, teardown),
    cmocka_unit_test_setup_teardown (test_manifest, setup, teardown),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
