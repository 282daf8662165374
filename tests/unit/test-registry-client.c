/* Unit tests for the registry client's protocol behaviour (src/registry/
 * client.c, session.c, http.c) against tiny scripted HTTP servers on
 * 127.0.0.1 (a thread each): Bearer tokens and their renewal, redirects that
 * must not carry credentials to another origin, retries on 5xx, resuming a
 * dropped blob download, error messages, size caps, pagination.  */
#include "config.h"

#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "registry/client.h"
#include "registry/http.h"
#include "registry/reference.h"
#include "registry/registries_conf.h"
#include "util/cleanup.h"
#include "util/digest.h"

#include "scripted-server.h"

/* Client helpers ------------------------------------------------------ */

static struct galley_paths test_paths = { .home = (char *)"/nonexistent",
                                          .config_home = (char *)"/nonexistent" };

static struct registry_client *
new_client (const char *creds)
{
  _cleanup_error_ galley_error_t err = NULL;
  struct registry_options o = { .tls_verify = 0, .creds = creds, .authfile = "/nonexistent/auth.json" };
  struct registry_client *c = NULL;

  if (registry_client_new (&test_paths, &o, &c, &err) < 0)
    fail_msg ("registry_client_new: %s", err->msg);
  return c;
}

static void
make_ref (struct image_ref *r, struct server *s, const char *repo, const char *tag)
{
  static char regbuf[4][32];
  static int next;
  char *reg = regbuf[next++ % 4];

  snprintf (reg, 32, "127.0.0.1:%d", s->port);
  memset (r, 0, sizeof *r);
  r->registry = reg;
  r->repository = (char *)repo;
  r->tag = (char *)tag;
}

struct collect
{
  char *data;
  size_t len;
};

static int
collect_sink (void *ctx, const void *buf, size_t len, galley_error_t *err)
{
  struct collect *c = ctx;
  c->data = realloc (c->data, c->len + len + 1);
  memcpy (c->data + c->len, buf, len);
  c->len += len;
  return 0;
}

static const char MANIFEST[] =
    "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\"}";
#define OCI_MANIFEST_TYPE "Content-Type: application/vnd.oci.image.manifest.v1+json\r\n"
#define BLOB_DIGEST "sha256:1111111111111111111111111111111111111111111111111111111111111111"

/* Bearer tokens ------------------------------------------------------- */

/* /v2/ asks for a Bearer token from /token on the same server; tokens are
 * "T<n>"; after `counter` reaches 2 the server only accepts the newest one
 * (as if the first had expired).  */
static void
bearer_handler (struct server *s, const struct request_log *rq, int fd)
{
  char challenge[512], expected[32];
  snprintf (challenge, sizeof challenge,
            "WWW-Authenticate: Bearer realm=\"http://127.0.0.1:%d/token\",service=\"test-svc\"\r\n", s->port);
  if (strncmp (rq->target, "/token?", 7) == 0)
    {
      char body[128];
      int n;
      if (strstr (rq->target, "service=test-svc") == NULL
          || strstr (rq->target, "scope=repository%3Afoo%3Apull") == NULL)
        return respond (fd, 400, NULL, "{}", 2);
      s->counter++;
      n = snprintf (body, sizeof body, "{\"token\":\"T%d\",\"expires_in\":300}", s->counter);
      return respond (fd, 200, "Content-Type: application/json\r\n", body, (size_t)n);
    }
  snprintf (expected, sizeof expected, "Bearer T%d", s->counter);
  if (strcmp (rq->target, "/v2/") == 0 || strcmp (rq->authorization, expected) != 0)
    return respond (fd, 401, challenge, "{}", 2);
  respond (fd, 200, OCI_MANIFEST_TYPE, MANIFEST, strlen (MANIFEST));
}

static void
test_bearer_token_cached_and_renewed (void **state)
{
  _cleanup_error_ galley_error_t err = NULL;
  _cleanup_registry_client_ struct registry_client *c = new_client (NULL);
  struct server s;
  struct image_ref ref;
  int i;

  server_start (&s, bearer_handler);
  make_ref (&ref, &s, "foo", "latest");
  for (i = 0; i < 3; i++)
    {
      _cleanup_free_ char *body = NULL, *mt = NULL, *dg = NULL;
      size_t len;
      char expected[DIGEST_SHA256_BUFSIZE];
      if (i == 2)
        s.counter++; /* the server forgets T1: the client must renew on 401 */
      if (registry_fetch_manifest (c, &ref, &body, &len, &mt, &dg, &err) < 0)
        fail_msg ("fetch %d: %s", i, err->msg);
      assert_int_equal (len, strlen (MANIFEST));
      assert_string_equal (body, MANIFEST);
      assert_string_equal (mt, "application/vnd.oci.image.manifest.v1+json");
      digest_sha256_hex (MANIFEST, strlen (MANIFEST), expected);
      assert_string_equal (dg, expected);
    }
  /* One token for the first two fetches (cached), a second after the 401.  */
  assert_int_equal (count_requests (&s, "/token", NULL), 2);
  assert_int_equal (count_requests (&s, "/v2/", NULL), 1 + 1 + 1 + 2); /* ping, fetch, fetch, 401 + retry */
  server_stop (&s);
}

/* Redirects ----------------------------------------------------------- */

static void
storage_handler (struct server *s, const struct request_log *rq, int fd)
{
  respond (fd, 200, NULL, "blob-bytes", 10);
}

/* Basic auth; blobs redirect to the storage peer (another origin), manifests
 * redirect within the same origin.  */
static void
basic_redirect_handler (struct server *s, const struct request_log *rq, int fd)
{
  char location[256];

  if (strcmp (rq->authorization, "Basic dTpw") != 0) /* u:p */
    return respond (fd, 401, "WWW-Authenticate: Basic realm=\"test\"\r\n", "{}", 2);
  if (strstr (rq->target, "/blobs/") != NULL)
    {
      snprintf (location, sizeof location, "Location: http://127.0.0.1:%d/storage/blob?sig=1\r\n",
                s->peer->port);
      return respond (fd, 307, location, NULL, 0);
    }
  if (strcmp (rq->target, "/v2/foo/manifests/latest") == 0)
    return respond (fd, 302, "Location: /v2/foo/manifests/moved\r\n", NULL, 0);
  if (strcmp (rq->target, "/v2/foo/manifests/moved") == 0)
    return respond (fd, 200, OCI_MANIFEST_TYPE, MANIFEST, strlen (MANIFEST));
  respond (fd, 200, NULL, "{}", 2);
}

static void
test_redirect_never_forwards_credentials (void **state)
{
  _cleanup_error_ galley_error_t err = NULL;
  _cleanup_registry_client_ struct registry_client *c = new_client ("u:p");
  _cleanup_free_ char *body = NULL;
  struct collect got = { 0 };
  struct server reg, storage;
  struct request_log last;
  struct image_ref ref;
  size_t len;

  server_start (&storage, storage_handler);
  server_start (&reg, basic_redirect_handler);
  reg.peer = &storage;
  make_ref (&ref, &reg, "foo", "latest");

  if (registry_fetch_blob (c, &ref, BLOB_DIGEST, 0, collect_sink, &got, &err) < 0)
    fail_msg ("fetch blob: %s", err->msg);
  assert_int_equal (got.len, 10);
  assert_memory_equal (got.data, "blob-bytes", 10);
  assert_int_equal (count_requests (&storage, "/storage/blob", &last), 1);
  assert_string_equal (last.authorization, ""); /* never to another origin */
  assert_int_equal (count_requests (&reg, "/v2/foo/blobs/", &last), 1);
  assert_string_equal (last.authorization, "Basic dTpw");

  /* Same origin: the credentials follow.  */
  if (registry_fetch_manifest (c, &ref, &body, &len, NULL, NULL, &err) < 0)
    fail_msg ("fetch manifest: %s", err->msg);
  assert_int_equal (count_requests (&reg, "/v2/foo/manifests/moved", &last), 1);
  assert_string_equal (last.authorization, "Basic dTpw");
  free (got.data);
  server_stop (&reg);
  server_stop (&storage);
}

/* Retries and resume -------------------------------------------------- */

#define BIG_BLOB_SIZE 200000
static char big_blob[BIG_BLOB_SIZE];

/* The first blob request promises everything but drops after 30000 bytes;
 * later ones honour Range (or, with counter >= 100, ignore it).  */
static void
dropping_handler (struct server *s, const struct request_log *rq, int fd)
{
  unsigned long long from = 0;
  char head[256];

  if (strcmp (rq->target, "/v2/") == 0)
    return respond (fd, 200, NULL, "{}", 2);
  if (s->counter == 0 || s->counter == 100)
    {
      s->counter++;
      snprintf (head, sizeof head, "HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n", BIG_BLOB_SIZE);
      send_all (fd, head, strlen (head));
      send_all (fd, big_blob, 30000);
      return; /* connection closed mid-body */
    }
  s->counter++;
  if (s->counter < 100 && sscanf (rq->range, "bytes=%llu-", &from) == 1 && from < BIG_BLOB_SIZE)
    {
      char extra[128];
      snprintf (extra, sizeof extra, "Content-Range: bytes %llu-%d/%d\r\n", from, BIG_BLOB_SIZE - 1,
                BIG_BLOB_SIZE);
      return respond (fd, 206, extra, big_blob + from, BIG_BLOB_SIZE - from);
    }
  respond (fd, 200, NULL, big_blob, BIG_BLOB_SIZE);
}

static void
test_resume_after_dropped_connection (void **state)
{
  _cleanup_error_ galley_error_t err = NULL;
  _cleanup_registry_client_ struct registry_client *c = new_client (NULL);
  struct collect got = { 0 };
  struct request_log last;
  struct server s;
  struct image_ref ref;
  size_t i;

  for (i = 0; i < BIG_BLOB_SIZE; i++)
    big_blob[i] = (char)(i * 7 + i / 256);
  server_start (&s, dropping_handler);
  make_ref (&ref, &s, "foo", "latest");
  if (registry_fetch_blob (c, &ref, BLOB_DIGEST, 0, collect_sink, &got, &err) < 0)
    fail_msg ("fetch blob: %s", err->msg);
  assert_int_equal (got.len, BIG_BLOB_SIZE);
  assert_memory_equal (got.data, big_blob, BIG_BLOB_SIZE);
  assert_int_equal (count_requests (&s, "/v2/foo/blobs/", &last), 2);
  assert_string_equal (last.range, "bytes=30000-");
  free (got.data);

  /* A server that ignores Range on the retry: the bytes already delivered
   * must not be delivered twice.  */
  memset (&got, 0, sizeof got);
  s.counter = 100;
  if (registry_fetch_blob (c, &ref, BLOB_DIGEST, 0, collect_sink, &got, &err) < 0)
    fail_msg ("fetch blob: %s", err->msg);
  assert_int_equal (got.len, BIG_BLOB_SIZE);
  assert_memory_equal (got.data, big_blob, BIG_BLOB_SIZE);
  free (got.data);

  /* The caller's own offset.  */
  memset (&got, 0, sizeof got);
  s.counter = 1;
  if (registry_fetch_blob (c, &ref, BLOB_DIGEST, 150000, collect_sink, &got, &err) < 0)
    fail_msg ("fetch blob: %s", err->msg);
  assert_int_equal (got.len, BIG_BLOB_SIZE - 150000);
  assert_memory_equal (got.data, big_blob + 150000, got.len);
  free (got.data);
  server_stop (&s);
}

/* 503 until counter reaches a limit.  */
static void
flaky_handler (struct server *s, const struct request_log *rq, int fd)
{
  if (strcmp (rq->target, "/v2/") == 0)
    return respond (fd, 200, NULL, "{}", 2);
  if (s->counter-- > 0)
    return respond_str (fd, 503, NULL, "{\"errors\":[{\"code\":\"UNAVAILABLE\",\"message\":\"try later\"}]}");
  respond (fd, 200, OCI_MANIFEST_TYPE, MANIFEST, strlen (MANIFEST));
}

static void
test_retry_on_5xx_bounded (void **state)
{
  _cleanup_error_ galley_error_t err = NULL;
  _cleanup_registry_client_ struct registry_client *c = new_client (NULL);
  _cleanup_free_ char *body = NULL;
  struct server s;
  struct image_ref ref;
  size_t len;

  server_start (&s, flaky_handler);
  make_ref (&ref, &s, "foo", "latest");
  s.counter = 2;
  if (registry_fetch_manifest (c, &ref, &body, &len, NULL, NULL, &err) < 0)
    fail_msg ("fetch: %s", err->msg);
  assert_int_equal (count_requests (&s, "/v2/foo/", NULL), 3);
  s.counter = 10;
  assert_int_equal (registry_fetch_manifest (c, &ref, &body, &len, NULL, NULL, &err), -1);
  assert_int_equal (count_requests (&s, "/v2/foo/", NULL), 6);
  assert_non_null (strstr (err->msg, "try later (HTTP 503)"));
  server_stop (&s);
}

/* Errors -------------------------------------------------------------- */

static void
errors_handler (struct server *s, const struct request_log *rq, int fd)
{
  static const char unknown[] =
      "{\"errors\":[{\"code\":\"MANIFEST_UNKNOWN\",\"message\":\"manifest unknown\"}]}";
  if (strcmp (rq->target, "/v2/") == 0)
    return respond (fd, 200, NULL, "{}", 2);
  if (strstr (rq->target, "/secret/") != NULL)
    return respond (fd, 401, "WWW-Authenticate: Basic realm=\"x\"\r\n", "{}", 2);
  if (strstr (rq->target, "/huge/") != NULL)
    {
      size_t n = REGISTRY_MAX_MANIFEST_SIZE + 1;
      char *big = malloc (n);
      memset (big, ' ', n);
      respond (fd, 200, OCI_MANIFEST_TYPE, big, n);
      free (big);
      return;
    }
  if (strstr (rq->target, "/tags/list") != NULL)
    {
      if (strstr (rq->target, "last=b") == NULL)
        return respond (fd, 200, "Link: </v2/foo/tags/list?last=b&n=2>; rel=\"next\"\r\n",
                        "{\"name\":\"foo\",\"tags\":[\"a\",\"b\"]}",
                        strlen ("{\"name\":\"foo\",\"tags\":[\"a\",\"b\"]}"));
      return respond_str (fd, 200, NULL, "{\"name\":\"foo\",\"tags\":[\"c\"]}");
    }
  if (strstr (rq->target, "/manifests/sha256:") != NULL)
    return respond (fd, 200, OCI_MANIFEST_TYPE, MANIFEST, strlen (MANIFEST));
  respond (fd, 404, "Content-Type: application/json\r\n", unknown, strlen (unknown));
}

static void
test_error_messages (void **state)
{
  _cleanup_error_ galley_error_t err = NULL;
  _cleanup_registry_client_ struct registry_client *c = new_client (NULL);
  _cleanup_strv_ char **tags = NULL;
  char *body = NULL, expected[256];
  struct server s;
  struct image_ref ref;
  size_t len;

  server_start (&s, errors_handler);
  make_ref (&ref, &s, "foo", "latest");
  assert_int_equal (registry_fetch_manifest (c, &ref, &body, &len, NULL, NULL, &err), -1);
  snprintf (expected, sizeof expected,
            "pulling manifest 127.0.0.1:%d/foo:latest: manifest unknown (HTTP 404)", s.port);
  assert_string_equal (err->msg, expected);
  assert_int_equal (galley_error_errno (&err), ENOENT);
  galley_error_release (&err);

  make_ref (&ref, &s, "secret/x", "latest");
  assert_int_equal (registry_fetch_manifest (c, &ref, &body, &len, NULL, NULL, &err), -1);
  snprintf (
      expected, sizeof expected,
      "pulling manifest 127.0.0.1:%d/secret/x:latest: authentication required for 127.0.0.1:%d (HTTP 401)",
      s.port, s.port);
  assert_string_equal (err->msg, expected);
  assert_int_equal (galley_error_errno (&err), EACCES);
  galley_error_release (&err);

  make_ref (&ref, &s, "huge/x", "latest");
  assert_int_equal (registry_fetch_manifest (c, &ref, &body, &len, NULL, NULL, &err), -1);
  assert_non_null (strstr (err->msg, "larger than 4194304 bytes"));
  galley_error_release (&err);

  /* By digest: the body must hash to it.  */
  make_ref (&ref, &s, "foo", NULL);
  ref.digest = (char *)BLOB_DIGEST;
  assert_int_equal (registry_fetch_manifest (c, &ref, &body, &len, NULL, NULL, &err), -1);
  assert_non_null (strstr (err->msg, "digest mismatch"));
  assert_int_equal (galley_error_errno (&err), EPROTO);
  galley_error_release (&err);

  /* Tags across pages (Link).  */
  make_ref (&ref, &s, "foo", "latest");
  if (registry_list_tags (c, ref.registry, "foo", 0, &tags, &err) < 0)
    fail_msg ("tags: %s", err->msg);
  assert_string_equal (tags[0], "a");
  assert_string_equal (tags[1], "b");
  assert_string_equal (tags[2], "c");
  assert_null (tags[3]);
  server_stop (&s);
}

/* Mirrors ------------------------------------------------------------- */

/* The mirror has only "mirrorpath/foo:mirrored"; the location has everything.  */
static void
mirror_handler (struct server *s, const struct request_log *rq, int fd)
{
  if (strcmp (rq->target, "/v2/") == 0)
    return respond (fd, 200, NULL, "{}", 2);
  if (strcmp (rq->target, "/v2/mirrorpath/foo/manifests/mirrored") == 0)
    return respond (fd, 200, OCI_MANIFEST_TYPE, MANIFEST, strlen (MANIFEST));
  respond_str (fd, 404, NULL,
               "{\"errors\":[{\"code\":\"MANIFEST_UNKNOWN\",\"message\":\"manifest unknown\"}]}");
}

static void
location_handler (struct server *s, const struct request_log *rq, int fd)
{
  if (strcmp (rq->target, "/v2/") == 0)
    return respond (fd, 200, NULL, "{}", 2);
  respond (fd, 200, OCI_MANIFEST_TYPE, MANIFEST, strlen (MANIFEST));
}

static void
test_mirrors_first_then_location (void **state)
{
  _cleanup_error_ galley_error_t err = NULL;
  _cleanup_registries_conf_ struct registries_conf *conf = NULL;
  _cleanup_registry_client_ struct registry_client *c = NULL;
  char conf_path[] = "/tmp/galley-mirrors-XXXXXX";
  const char *no_dropins[] = { NULL };
  struct registry_options o = { .tls_verify = -1, .authfile = "/nonexistent/auth.json" };
  struct server mirror, location;
  struct request_log last;
  struct image_ref ref;
  char *body = NULL;
  size_t len;
  FILE *f;
  int fd;

  server_start (&mirror, mirror_handler);
  server_start (&location, location_handler);
  fd = mkstemp (conf_path);
  assert_true (fd >= 0);
  f = fdopen (fd, "w");
  /* insecure = true: plain http is allowed without --tls-verify=false.  */
  fprintf (f,
           "[[registry]]\nlocation = \"127.0.0.1:%d\"\ninsecure = true\n"
           "[[registry.mirror]]\nlocation = \"127.0.0.1:%d/mirrorpath\"\ninsecure = true\n",
           location.port, mirror.port);
  fclose (f);
  if (registries_conf_load_files (conf_path, true, no_dropins, &conf, &err) < 0)
    fail_msg ("registries.conf: %s", err->msg);
  unlink (conf_path);
  o.conf = conf;
  assert_int_equal (registry_client_new (&test_paths, &o, &c, &err), 0);

  make_ref (&ref, &location, "foo", "mirrored");
  if (registry_fetch_manifest (c, &ref, &body, &len, NULL, NULL, &err) < 0)
    fail_msg ("mirrored: %s", err->msg);
  free (body);
  assert_int_equal (count_requests (&location, "/v2/foo/", NULL), 0);

  /* Not on the mirror: the location answers.  */
  make_ref (&ref, &location, "foo", "latest");
  if (registry_fetch_manifest (c, &ref, &body, &len, NULL, NULL, &err) < 0)
    fail_msg ("latest: %s", err->msg);
  free (body);
  assert_int_equal (count_requests (&mirror, "/v2/mirrorpath/foo/manifests/latest", &last), 1);
  assert_int_equal (count_requests (&location, "/v2/foo/manifests/latest", NULL), 1);
  server_stop (&mirror);
  server_stop (&location);
}

/* Pure helpers -------------------------------------------------------- */

static void
test_same_origin_and_links (void **state)
{
  _cleanup_free_ char *n1 = NULL, *n2 = NULL, *n3 = NULL;

  assert_true (http_same_origin ("https://r.io/v2/", "https://R.IO:443/x"));
  assert_true (http_same_origin ("http://127.0.0.1:5000/v2/", "http://127.0.0.1:5000/other"));
  assert_false (http_same_origin ("https://r.io/v2/", "http://r.io/v2/"));
  assert_false (http_same_origin ("https://r.io/v2/", "https://s3.r.io/v2/"));
  assert_false (http_same_origin ("http://127.0.0.1:5000/", "http://127.0.0.1:5001/"));
  assert_false (http_same_origin ("https://r.io/", "https://r.io.evil.com/"));
  assert_false (http_same_origin ("https://r.io/", "not a url"));

  n1 = http_link_next ("</v2/_catalog?last=b&n=2>; rel=\"next\"", "https://r.io/v2/_catalog?n=2");
  assert_string_equal (n1, "https://r.io/v2/_catalog?last=b&n=2");
  n2 = http_link_next ("<https://a/prev>; rel=\"prev\", <https://b/next?x=1>; rel=\"next\"", "https://r.io/");
  assert_string_equal (n2, "https://b/next?x=1");
  n3 = http_link_next ("<https://a/prev>; rel=\"prev\"", "https://r.io/");
  assert_null (n3);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_same_origin_and_links),
    cmocka_unit_test (test_bearer_token_cached_and_renewed),
    cmocka_unit_test (test_redirect_never_forwards_credentials),
    cmocka_unit_test (test_resume_after_dropped_connection),
    cmocka_unit_test (test_retry_on_5xx_bounded),
    cmocka_unit_test (test_error_messages),
    cmocka_unit_test (test_mirrors_first_then_location),
  };
  /* No proxy may stand between the client and the loopback servers.  */
  unsetenv ("http_proxy");
  unsetenv ("https_proxy");
  unsetenv ("HTTP_PROXY");
  unsetenv ("HTTPS_PROXY");
  unsetenv ("ALL_PROXY");
  unsetenv ("all_proxy");
  return cmocka_run_group_tests (tests, NULL, NULL);
}
