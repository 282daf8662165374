/* The API service's parts that need no server: version prefixes and route
 * matching (api/router.h), listen URIs and sockets (api/listen.h), Docker's
 * error bodies and statuses (api/api.h).  */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cmocka.h>

#include "api/create_body.h"
#include "api/filters.h"
#include "api/listen.h"
#include "api/router.h"
#include "util/cleanup.h"
#include "util/json.h"
#include "util/strv.h"

static int
dummy (const struct api_request *req, struct api_reply *reply, galley_error_t *err)
{
  return 0;
}

static int
other (const struct api_request *req, struct api_reply *reply, galley_error_t *err)
{
  return 0;
}

static const struct api_route table[] = {
  { "GET", "/_ping", dummy },
  { "GET", "/containers/{id}/json", dummy },
  { "POST", "/containers/{id}/rename", other },
  { "GET", "/images/{name*}/json", dummy },
  { "DELETE", "/images/{name*}", other },
  { "POST", "/exec/{id}/resize", other },
};
#define N (sizeof table / sizeof table[0])

static void
test_version_prefix (void **state)
{
  _cleanup_error_ galley_error_t err = NULL;
  const char *rest;
  unsigned minor;

  assert_int_equal (api_route_version ("/v1.41/containers/json", &minor, &rest, &err), 0);
  assert_int_equal (minor, 41);
  assert_string_equal (rest, "/containers/json");
  assert_int_equal (api_route_version ("/v1.24/_ping", &minor, &rest, &err), 0);
  assert_int_equal (minor, 24);
  assert_int_equal (api_route_version ("/_ping", &minor, &rest, &err), 0);
  assert_int_equal (minor, API_VERSION_MAX_MINOR);
  assert_string_equal (rest, "/_ping");
  /* not a version: left for the router to refuse */
  assert_int_equal (api_route_version ("/version", &minor, &rest, &err), 0);
  assert_string_equal (rest, "/version");
}

static void
test_version_refused (void **state)
{
  static const char *const bad[] = { "/v1.42/info", "/v2.0/info",   "/v1.23/info",
                                     "/v1/info",    "/v1.4.1/info", "/v1..2/info" };
  const char *rest;
  unsigned minor;
  size_t i;

  for (i = 0; i < sizeof bad / sizeof *bad; i++)
    {
      _cleanup_error_ galley_error_t err = NULL;
      assert_int_equal (api_route_version (bad[i], &minor, &rest, &err), -1);
      assert_int_equal (api_error_status (&err), 400);
    }
  {
    _cleanup_error_ galley_error_t err = NULL;
    api_route_version ("/v1.50/info", &minor, &rest, &err);
    assert_string_equal (err->msg, "client version 1.50 is too new. Maximum supported API version is 1.41");
  }
}

static void
test_match (void **state)
{
  struct api_match m;

  assert_int_equal (api_route_match (table, N, "GET", "/containers/abc/json", &m), API_MATCH_FOUND);
  assert_ptr_equal (m.route, &table[1]);
  assert_string_equal (m.param[0], "abc");
  api_match_release (&m);
  assert_int_equal (api_route_match (table, N, "POST", "/containers/abc/json", &m), API_MATCH_BAD_METHOD);
  api_match_release (&m);
  assert_int_equal (api_route_match (table, N, "GET", "/containers//json", &m), API_MATCH_NOT_FOUND);
  api_match_release (&m);
  assert_int_equal (api_route_match (table, N, "GET", "/containers/a/b/json", &m), API_MATCH_NOT_FOUND);
  api_match_release (&m);
  assert_int_equal (api_route_match (table, N, "GET", "/nothing", &m), API_MATCH_NOT_FOUND);
  api_match_release (&m);
  assert_int_equal (api_route_match (table, N, "GET", "", &m), API_MATCH_NOT_FOUND);
  api_match_release (&m);
}

static void
test_match_greedy (void **state)
{
  struct api_match m;

  assert_int_equal (api_route_match (table, N, "GET", "/images/localhost/busybox:latest/json", &m),
                    API_MATCH_FOUND);
  assert_string_equal (m.param[0], "localhost/busybox:latest");
  api_match_release (&m);
  assert_int_equal (api_route_match (table, N, "DELETE", "/images/a/b/c", &m), API_MATCH_FOUND);
  assert_ptr_equal (m.route, &table[4]);
  assert_string_equal (m.param[0], "a/b/c");
  api_match_release (&m);
  /* the image named "x/json" is removed, not looked up */
  assert_int_equal (api_route_match (table, N, "DELETE", "/images/x/json", &m), API_MATCH_FOUND);
  assert_string_equal (m.param[0], "x/json");
  api_match_release (&m);
  assert_int_equal (api_route_match (table, N, "GET", "/images/json", &m), API_MATCH_BAD_METHOD);
  api_match_release (&m);
  assert_int_equal (api_route_match (table, N, "GET", "/images/a//b/json", &m), API_MATCH_NOT_FOUND);
  api_match_release (&m);
}

static void
test_parse_uri (void **state)
{
  enum api_listen_kind kind;
  char *address = NULL;
  _cleanup_error_ galley_error_t err = NULL;

  assert_int_equal (api_listen_parse_uri ("unix:///run/x.sock", &kind, &address, &err), 0);
  assert_int_equal (kind, API_LISTEN_UNIX);
  assert_string_equal (address, "/run/x.sock");
  free (address);
  assert_int_equal (api_listen_parse_uri ("tcp://127.0.0.1:8080", &kind, &address, &err), 0);
  assert_int_equal (kind, API_LISTEN_TCP);
  assert_string_equal (address, "127.0.0.1:8080");
  free (address);
  assert_int_equal (api_listen_parse_uri ("tcp:localhost:1", &kind, &address, &err), 0);
  assert_string_equal (address, "localhost:1");
  free (address);
  assert_int_equal (api_listen_parse_uri ("http://x", &kind, &address, &err), -1);
  assert_non_null (strstr (err->msg, "scheme \"http\" is not supported"));
  galley_error_release (&err);
  assert_int_equal (api_listen_parse_uri ("unix://", &kind, &address, &err), -1);
}

static void
test_listen_unix (void **state)
{
  char dir[] = "/tmp/test-api-XXXXXX";
  _cleanup_free_ char *path = NULL, *uri = NULL;
  _cleanup_error_ galley_error_t err = NULL;
  struct api_listener l, second;
  struct stat st;

  assert_non_null (mkdtemp (dir));
  path = api_listen_default_path (dir);
  assert_int_equal (api_listen_open (NULL, path, getuid (), &l, &err), 0);
  assert_int_equal (lstat (path, &st), 0);
  assert_true (S_ISSOCK (st.st_mode));
  assert_int_equal (st.st_mode & 0777, 0600);
  /* a live socket is not taken over */
  assert_int_equal (api_listen_open (NULL, path, getuid (), &second, &err), -1);
  assert_int_equal (api_error_status (&err), 409);
  galley_error_release (&err);
  assert_int_equal (lstat (path, &st), 0);
  /* a stale one is: close without removing, as a killed service leaves it */
  close (l.fd);
  l.fd = -1;
  free (l.path);
  l.path = NULL;
  assert_int_equal (api_listen_open (NULL, path, getuid (), &second, &err), 0);
  api_listener_close (&second);
  api_listener_close (&l);
  assert_int_equal (lstat (path, &st), -1);
  /* what is not a socket is never removed */
  assert_int_equal (symlink ("/nonexistent", path), 0);
  assert_int_equal (asprintf (&uri, "unix://%s", path), (int)strlen (path) + 7);
  assert_int_equal (api_listen_open (uri, NULL, getuid (), &l, &err), -1);
  assert_int_equal (lstat (path, &st), 0);
  assert_true (S_ISLNK (st.st_mode));
  unlink (path);
  rmdir (dir);
}

static void
test_error_body (void **state)
{
  struct api_reply r = { 0 };
  _cleanup_json_ json_object *o = NULL;
  _cleanup_error_ galley_error_t err = NULL;

  api_reply_error (&r, 404, "no container with name or ID \"x\" found: no such container");
  assert_int_equal (r.status, 404);
  assert_string_equal (r.content_type, "application/json");
  o = json_tokener_parse (r.body);
  assert_non_null (o);
  assert_string_equal (json_get_string (o, "message"),
                       "no container with name or ID \"x\" found: no such container");
  assert_string_equal (json_get_string (o, "cause"), json_get_string (o, "message"));
  assert_int_equal (json_object_get_int (json_object_object_get (o, "response")), 404);
  api_reply_release (&r);
  galley_error_kind (&err, EEXIST, "x");
  assert_int_equal (api_error_status (&err), 409);
  galley_error_release (&err);
  galley_error_make (&err, EIO, "x");
  assert_int_equal (api_error_status (&err), 500);
}

static void
test_filters (void **state)
{
  static const char *const bad[] = { "[1]",  "{\"a\":1}",        "{\"a\":[1]}", "{\"a\":{\"x\":1}}",
                                     "{bad", "{\"a\":[\"x\"]} x" };
  _cleanup_error_ galley_error_t err = NULL;
  size_t i;

  {
    _cleanup_strv_ char **v = NULL;
    assert_int_equal (
        api_filters_parse ("{\"label\":[\"a=b\",\"c\"],\"dangling\":{\"true\":true,\"x\":false}}", &v, &err),
        0);
    assert_int_equal (strv_len (v), 3);
    assert_string_equal (v[0], "label=a=b");
    assert_string_equal (v[1], "label=c");
    assert_string_equal (v[2], "dangling=true");
  }
  {
    _cleanup_strv_ char **v = NULL;
    assert_int_equal (api_filters_parse (NULL, &v, &err), 0);
    assert_non_null (v);
    assert_null (v[0]);
  }
  for (i = 0; i < sizeof bad / sizeof *bad; i++)
    {
      char **v = NULL;
      assert_int_equal (api_filters_parse (bad[i], &v, &err), -1);
      assert_null (v);
      assert_int_equal (api_error_status (&err), 400);
      galley_error_release (&err);
    }
}

/* What Debian's docker 20.10 sends for docker run --rm -p 8080:80 -v
 * vol:/data -e A=1 busybox true, trimmed of members at their zero value.  */
static const char docker_run_body[] =
    "{\"Hostname\":\"\",\"AttachStdout\":true,\"ExposedPorts\":{\"80/tcp\":{}},\"Env\":[\"A=1\"],"
    "\"Cmd\":[\"true\"],\"Image\":\"busybox\",\"Volumes\":{},\"Entrypoint\":null,\"OnBuild\":null,"
    "\"Labels\":{},\"HostConfig\":{\"Binds\":[\"vol:/data\"],\"LogConfig\":{\"Type\":\"\",\"Config\":{}},"
    "\"NetworkMode\":\"default\",\"PortBindings\":{\"80/tcp\":[{\"HostIp\":\"\",\"HostPort\":\"8080\"}]},"
    "\"RestartPolicy\":{\"Name\":\"no\",\"MaximumRetryCount\":0},\"AutoRemove\":true,\"VolumeDriver\":\"\","
    "\"ConsoleSize\":[0,0],\"CpuShares\":0,\"BlkioWeightDevice\":[],\"MemorySwappiness\":-1,"
    "\"OomKillDisable\":false,\"Ulimits\":null},\"NetworkingConfig\":{\"EndpointsConfig\":{}}}";

static void
test_create_body (void **state)
{
  static const char *const bad[][2] = {
    { "{\"Image\":5}", "Image: must be a string" },
    { "{\"Imgae\":\"busybox\"}", "Imgae: unknown field" },
    { "{\"HostConfig\":{\"Bogus\":1}}", "HostConfig.Bogus: unknown field" },
    { "{\"HostConfig\":{\"CpuShares\":512}}",
      "HostConfig.CpuShares: galley does not support it (leave it empty)" },
    { "{\"HostConfig\":{\"PortBindings\":{\"80/tcp\":[{\"HostPort\":80}]}}}",
      "HostConfig.PortBindings.HostPort: must be a string" },
    { "{\"Cmd\":[\"a\",1]}", "Cmd: must be a string or a list of strings" },
    { "{\"ExposedPorts\":{\"80/tcp\":{\"x\":1}}}", "ExposedPorts: must be an object of empty objects" },
    { "[]", "body: must be a JSON object" },
  };
  _cleanup_error_ galley_error_t err = NULL;
  json_object *doc = NULL;
  size_t i;

  assert_int_equal (api_create_body_parse (docker_run_body, strlen (docker_run_body), &doc, &err), 0);
  assert_string_equal (json_get_string (doc, "Image"), "busybox");
  json_object_put (doc);
  doc = NULL;
  assert_int_equal (api_create_body_parse ("{\"Cmd\":\"true\"}", 14, &doc, &err), 0);
  json_object_put (doc);
  doc = NULL;
  for (i = 0; i < sizeof bad / sizeof *bad; i++)
    {
      assert_int_equal (api_create_body_parse (bad[i][0], strlen (bad[i][0]), &doc, &err), -1);
      assert_null (doc);
      assert_string_equal (err->msg, bad[i][1]);
      assert_int_equal (api_error_status (&err), 400);
      galley_error_release (&err);
    }
  assert_int_equal (api_create_body_parse ("{bad", 4, &doc, &err), -1);
  assert_int_equal (api_error_status (&err), 400);
}

/* The body docker run sends, mapped onto the fields the matching galley
 * create options fill, in their syntax.  */
static void
test_create_config (void **state)
{
  static const char body[] =
      "{\"Image\":\"busybox\",\"Cmd\":[\"sh\",\"-c\",\"true\"],\"Entrypoint\":[\"\"],\"Env\":[\"A=1\"],"
      "\"Tty\":true,\"OpenStdin\":true,\"User\":\"1:2\",\"Labels\":{\"k\":\"v\"},\"Volumes\":{\"/anon\":{}},"
      "\"HostConfig\":{\"Binds\":[\"vol:/data\"],\"AutoRemove\":true,\"NetworkMode\":\"default\","
      "\"PortBindings\":{\"80/tcp\":[{\"HostIp\":\"127.0.0.1\",\"HostPort\":\"8080\"}],\"53/"
      "udp\":[{\"HostPort\":\"\"}]},"
      "\"RestartPolicy\":{\"Name\":\"on-failure\",\"MaximumRetryCount\":3},\"Memory\":1048576,"
      "\"NanoCpus\":1500000000,\"Mounts\":[{\"Type\":\"tmpfs\",\"Target\":\"/"
      "t\",\"TmpfsOptions\":{\"SizeBytes\":4096}}],"
      "\"Ulimits\":[{\"Name\":\"nofile\",\"Soft\":10,\"Hard\":20}],\"LogConfig\":{\"Type\":\"json-file\"}}}";
  static const char *const refused[][2] = {
    { "{\"Cmd\":[\"true\"]}", "Image: a container needs an image" },
    { "{\"Image\":\"b\",\"HostConfig\":{\"PidMode\":\"host\"}}",
      "HostConfig.PidMode: galley does not support it (leave it empty)" },
    { "{\"Image\":\"b\",\"HostConfig\":{\"Sysctls\":{\"a\":\"1\"}}}",
      "HostConfig.Sysctls: galley does not support it (leave it empty)" },
    { "{\"Image\":\"b\",\"HostConfig\":{\"Mounts\":[{\"Type\":\"bind\"}]}}",
      "HostConfig.Mounts: a mount needs a Target" },
    { "{\"Image\":\"b\",\"AttachStdin\":true}", "AttachStdin: galley does not support it (leave it empty)" },
  };
  _cleanup_error_ galley_error_t err = NULL;
  _cleanup_container_config_ struct container_config c = { 0 };
  json_object *doc = NULL;
  size_t i;

  assert_int_equal (api_create_body_parse (body, strlen (body), &doc, &err), 0);
  assert_int_equal (api_create_body_config (doc, "web", &c, &err), 0);
  json_object_put (doc);
  assert_string_equal (c.name, "web");
  assert_string_equal (c.image, "busybox");
  assert_int_equal (strv_len (c.command), 3);
  assert_non_null (c.entrypoint);
  assert_null (c.entrypoint[0]);
  assert_string_equal (c.env[0], "A=1");
  assert_true (c.tty && c.interactive && c.rm);
  assert_string_equal (c.user, "1:2");
  assert_string_equal (strv_kv_get (c.labels, "k"), "v");
  assert_string_equal (c.volumes[0], "/anon");
  assert_string_equal (c.volumes[1], "vol:/data");
  assert_null (c.network);
  assert_true (strv_contains (c.publish, "127.0.0.1:8080:80/tcp"));
  assert_true (strv_contains (c.publish, "53/udp"));
  assert_string_equal (c.restart, "on-failure:3");
  assert_string_equal (c.memory, "1048576");
  assert_string_equal (c.cpus, "1.500000000");
  assert_string_equal (c.mounts[0], "type=tmpfs,target=/t,tmpfs-size=4096");
  assert_string_equal (c.ulimits[0], "nofile=10:20");
  assert_null (c.log_driver);
  for (i = 0; i < sizeof refused / sizeof *refused; i++)
    {
      _cleanup_container_config_ struct container_config r = { 0 };
      assert_int_equal (api_create_body_parse (refused[i][0], strlen (refused[i][0]), &doc, &err), 0);
      assert_int_equal (api_create_body_config (doc, NULL, &r, &err), -1);
      json_object_put (doc);
      assert_string_equal (err->msg, refused[i][1]);
      assert_int_equal (api_error_status (&err), 400);
      assert_null (r.image);
      galley_error_release (&err);
    }
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_version_prefix), cmocka_unit_test (test_version_refused),
    cmocka_unit_test (test_match),          cmocka_unit_test (test_match_greedy),
    cmocka_unit_test (test_parse_uri),      cmocka_unit_test (test_listen_unix),
    cmocka_unit_test (test_error_body),     cmocka_unit_test (test_filters),
    cmocka_unit_test (test_create_body),    cmocka_unit_test (test_create_config),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
