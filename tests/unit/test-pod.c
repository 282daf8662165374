/* Unit tests for pod records (src/state/pod.c) and the table-driven JSON
 * records under them (src/util/json_fields.c).  */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "state/container.h"
#include "state/pod.h"
#include "temp-root.h"
#include "util/cleanup.h"
#include "util/json.h"
#include "util/strv.h"

static void
check_share (const char *text, unsigned expected, const char *names)
{
  _cleanup_error_ galley_error_t err = NULL;
  _cleanup_strv_ char **v = NULL;
  _cleanup_free_ char *joined = NULL;
  unsigned share = 0;

  if (pod_share_parse (text, &share, &err) < 0)
    fail_msg ("%s: %s", text, err->msg);
  assert_int_equal (share, expected);
  v = pod_share_names (share);
  assert_non_null (v);
  joined = strv_join (v, ",");
  assert_string_equal (joined, names);
}

static void
test_share (void **state)
{
  _cleanup_error_ galley_error_t err = NULL;
  unsigned share;

  check_share ("ipc", POD_SHARE_IPC, "ipc");
  check_share ("net,uts", POD_SHARE_NET | POD_SHARE_UTS, "uts,net");
  check_share ("+pid", POD_SHARE_DEFAULT | POD_SHARE_PID, "uts,ipc,net,pid");
  check_share ("none", 0, "");
  check_share ("", 0, "");
  check_share ("cgroup,ipc", POD_SHARE_CGROUP | POD_SHARE_IPC, "ipc,cgroup");
  assert_int_equal (pod_share_parse ("bogus", &share, &err), -1);
  assert_string_equal (
      err->msg, "invalid kernel namespace to share: bogus. Options are: cgroup, ipc, net, pid, uts or none");
}

static void
test_status (void **state)
{
  enum container_status running_exited[] = { CONTAINER_STATUS_RUNNING, CONTAINER_STATUS_EXITED };
  enum container_status both_running[] = { CONTAINER_STATUS_RUNNING, CONTAINER_STATUS_RUNNING };
  enum container_status both_exited[] = { CONTAINER_STATUS_EXITED, CONTAINER_STATUS_EXITED };
  enum container_status exited_created[] = { CONTAINER_STATUS_EXITED, CONTAINER_STATUS_CREATED };
  enum container_status paused[] = { CONTAINER_STATUS_PAUSED };
  enum container_status created[] = { CONTAINER_STATUS_CREATED };

  assert_string_equal (pod_status (NULL, 0), "Created");
  assert_string_equal (pod_status (created, 1), "Created");
  assert_string_equal (pod_status (both_running, 2), "Running");
  assert_string_equal (pod_status (running_exited, 2), "Degraded");
  assert_string_equal (pod_status (both_exited, 2), "Exited");
  assert_string_equal (pod_status (exited_created, 2), "Stopped");
  assert_string_equal (pod_status (paused, 1), "Paused");
}

/* A record keeps what it does not know, and reads back what it wrote.  */
static void
test_record (void **state)
{
  const char *text = "{\"Id\":\"abc\",\"Name\":\"p\",\"CreateInfra\":false,\"Labels\":{\"a\":\"b\"},"
                     "\"SharedNamespaces\":[\"ipc\"],\"Future\":{\"x\":1},\"Hostname\":7}";
  _cleanup_error_ galley_error_t err = NULL;
  _cleanup_json_ json_object *in = NULL, *out = NULL;
  struct pod_config c = { 0 };

  assert_int_equal (json_parse_strict (text, strlen (text), "test", &in, &err), 0);
  assert_int_equal (pod_config_from_json (in, &c, &err), 0);
  assert_string_equal (c.id, "abc");
  assert_string_equal (c.name, "p");
  assert_true (c.no_infra);
  assert_null (c.hostname);
  assert_string_equal (strv_kv_get (c.labels, "a"), "b");
  assert_int_equal (pod_config_share (&c), 0); /* no infra: nothing shared */
  c.no_infra = false;
  assert_int_equal (pod_config_share (&c), POD_SHARE_IPC);
  assert_int_equal (pod_config_to_json (&c, &out, &err), 0);
  assert_string_equal (
      json_object_to_json_string_ext (out, JSON_C_TO_STRING_PLAIN),
      "{\"Id\":\"abc\",\"Name\":\"p\",\"Labels\":{\"a\":\"b\"},\"SharedNamespaces\":[\"ipc\"],"
      "\"Future\":{\"x\":1},\"Hostname\":7}");
  pod_config_clear (&c);
  assert_null (c.id);
  assert_null (c.unknown);
}

static void
make_pod (const struct galley_paths *p, const char *name, struct pod_config *c)
{
  _cleanup_error_ galley_error_t err = NULL;
  char id[HEX_ID_BUFSIZE];

  memset (c, 0, sizeof *c);
  assert_int_equal (container_new_id (id, &err), 0);
  c->id = strdup (id);
  c->name = strdup (name);
  c->created = strdup ("2024-01-01T00:00:00.000000000Z");
  if (pod_create (p, c, &err) < 0)
    fail_msg ("%s", err->msg);
}

static void
test_store (void **state)
{
  struct galley_paths p = { 0 };
  _cleanup_error_ galley_error_t err = NULL;
  struct pod_config a, b, found = { 0 }, *list = NULL;
  _cleanup_free_ char *shm = NULL;
  size_t n = 0;
  struct stat st;
  char dir[64];

  temp_root_make (dir, "pod", &p, "root", "run");
  assert_int_equal (pod_list (&p, &list, &n, &err), 0);
  assert_int_equal (n, 0);
  make_pod (&p, "alpha", &a);
  make_pod (&p, "beta", &b);
  /* names are unique */
  assert_int_equal (pod_create (&p, &a, &err), -1);
  assert_int_equal (galley_error_errno (&err), EEXIST);
  assert_string_equal (err->msg, "adding pod to state: name \"alpha\" is in use: pod already exists");
  galley_error_release (&err);
  assert_int_equal (pod_name_lookup (&p, "alpha", &err), 1);
  assert_int_equal (pod_name_lookup (&p, "gamma", &err), 0);
  /* by name, id, and id prefix */
  assert_int_equal (pod_find (&p, "beta", &found, &err), 0);
  assert_string_equal (found.id, b.id);
  pod_config_clear (&found);
  assert_int_equal (pod_find (&p, a.id, &found, &err), 0);
  assert_string_equal (found.name, "alpha");
  pod_config_clear (&found);
  {
    char prefix[13];
    snprintf (prefix, sizeof prefix, "%s", b.id);
    assert_int_equal (pod_find (&p, prefix, &found, &err), 0);
    assert_string_equal (found.name, "beta");
    pod_config_clear (&found);
  }
  assert_int_equal (pod_find (&p, "bogus", &found, &err), -1);
  assert_int_equal (galley_error_errno (&err), ENOENT);
  assert_string_equal (err->msg, "no pod with name or ID bogus found: no such pod");
  galley_error_release (&err);
  assert_int_equal (pod_list (&p, &list, &n, &err), 0);
  assert_int_equal (n, 2);
  pod_list_free (list, n);
  /* the shared /dev/shm, and removal with it */
  assert_int_equal (pod_shm_dir (&p, a.id, &shm, &err), 0);
  assert_int_equal (stat (shm, &st), 0);
  assert_int_equal (st.st_mode & 07777, 01777);
  assert_int_equal (pod_remove (&p, NULL, a.id, &err), 0);
  assert_int_not_equal (stat (shm, &st), 0);
  assert_int_equal (pod_find (&p, a.id, &found, &err), -1);
  galley_error_release (&err);
  assert_int_equal (pod_list (&p, &list, &n, &err), 0);
  assert_int_equal (n, 1);
  assert_string_equal (list[0].name, "beta");
  pod_list_free (list, n);
  pod_config_clear (&a);
  pod_config_clear (&b);
  temp_root_remove (dir, &p);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_share),
    cmocka_unit_test (test_status),
    cmocka_unit_test (test_record),
    cmocka_unit_test (test_store),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
