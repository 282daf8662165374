/* The typed container configuration and its record (state/container_config.h):
 * every key read into its field and written back the same, zero values
 * absent, unknown keys and values of an unexpected type kept, the named
 * networks and the label map.  */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "state/container_config.h"
#include "util/cleanup.h"
#include "util/json.h"
#include "util/strv.h"

/* A record with every key of the table set to a value that is not its
 * zero, in the table's order (the order records are written in).  */
static const char full_record[] =
    "{\"Id\":\"0123\",\"Name\":\"web\",\"Created\":\"2024-01-02T03:04:05.000000006Z\","
    "\"Image\":\"busybox\",\"ImageID\":\"abcd\",\"Rootfs\":true,\"Pull\":\"never\",\"Quiet\":true,"
    "\"Entrypoint\":[\"sh\",\"-c\"],\"Command\":[\"echo hi\"],\"Args\":[\"sh\",\"-c\",\"echo hi\"],"
    "\"CreateCommand\":[\"podman\",\"run\"],\"Env\":[\"A=1\",\"B=x=y\"],\"User\":\"1:2\","
    "\"WorkingDir\":\"\\/w\",\"Hostname\":\"h\",\"Passwd\":false,\"Tty\":true,\"Interactive\":true,"
    "\"Detach\":true,\"Init\":true,\"PreserveFDs\":2,\"StopSignal\":\"SIGINT\","
    "\"Labels\":{\"a\":\"1\",\"b\":\"\"},\"Privileged\":true,\"ReadOnly\":true,"
    "\"CapAdd\":[\"NET_ADMIN\"],\"CapDrop\":[\"ALL\"],\"SecurityOpt\":[\"no-new-privileges\"],"
    "\"UserNS\":\"keep-id\",\"PidMode\":\"host\",\"IpcMode\":\"none\",\"UTSMode\":\"host\","
    "\"ShmSize\":\"1g\",\"GroupAdd\":[\"keep-groups\"],\"Memory\":\"1g\",\"Cpus\":\"1.5\",\"PidsLimit\":"
    "\"100\","
    "\"Ulimits\":[\"nofile=10:20\"],\"Devices\":[\"\\/dev\\/null\"],\"Volumes\":[\"v:\\/v\"],"
    "\"Mounts\":[\"type=tmpfs,dst=\\/t\"],\"Tmpfs\":[\"\\/tmp\"],\"AnonymousVolumes\":[\"f00\"],"
    "\"Network\":\"a\",\"NetworkAliases\":[\"w\"],\"IP\":\"10.1.0.5\",\"MacAddress\":\"02:00:00:00:00:01\","
    "\"ExtraNetworks\":{\"b\":{\"Aliases\":[\"x\",\"y\"]},\"c\":{\"Aliases\":[],\"IP\":\"10.2.0.9\","
    "\"MacAddress\":\"02:00:00:00:00:02\"}},"
    "\"PublishPorts\":[\"8080:80\"],\"PublishAll\":true,"
    "\"PortMappings\":[{\"host_ip\":\"\",\"container_port\":80,\"host_port\":8080,\"range\":1,"
    "\"protocol\":\"tcp\"}],"
    "\"Dns\":[\"1.1.1.1\"],\"DnsSearch\":[\"example.com\"],\"DnsOption\":[\"ndots:2\"],"
    "\"AddHost\":[\"h:1.2.3.4\"],\"SecretOptions\":[\"db\"],\"Secrets\":[{\"Name\":\"db\"}],"
    "\"Rm\":true,\"Restart\":\"always\",\"CIDFile\":\"\\/tmp\\/cid\","
    "\"LogDriver\":\"k8s-file\",\"LogOpt\":[\"max-size=1k\"],"
    "\"State\":{\"Status\":\"exited\",\"ExitCode\":3}}";

static void
parse (const char *text, struct container_config *c)
{
  galley_error_t err = NULL;

  memset (c, 0, sizeof *c);
  assert_int_equal (container_config_parse (text, strlen (text), "container.json", c, &err), 0);
  assert_null (err);
}

/* The record of c, as text.  */
static char *
record_text (const struct container_config *c)
{
  _cleanup_json_ json_object *o = NULL;
  galley_error_t err = NULL;

  assert_int_equal (container_config_to_json (c, &o, &err), 0);
  return strdup (json_object_to_json_string_ext (o, JSON_C_TO_STRING_PLAIN));
}

static void
test_every_key_round_trips (void **state)
{
  _cleanup_container_config_ struct container_config c = { 0 };
  _cleanup_free_ char *back = NULL;

  parse (full_record, &c);
  assert_null (c.unknown); /* every key has its field */
  back = record_text (&c);
  assert_string_equal (back, full_record);
}

static void
test_fields (void **state)
{
  _cleanup_container_config_ struct container_config c = { 0 };

  parse (full_record, &c);
  assert_string_equal (c.id, "0123");
  assert_string_equal (c.image_id, "abcd");
  assert_true (c.rootfs && c.quiet && c.no_passwd && c.tty && c.interactive && c.detach && c.init);
  assert_true (c.privileged && c.read_only && c.publish_all && c.rm);
  assert_int_equal (c.preserve_fds, 2);
  assert_int_equal (strv_len (c.entrypoint), 2);
  assert_string_equal (c.env[1], "B=x=y");
  assert_string_equal (strv_kv_get (c.labels, "a"), "1");
  assert_string_equal (strv_kv_get (c.labels, "b"), "");
  assert_string_equal (c.workdir, "/w");
  assert_int_equal (c.n_extra_networks, 2);
  assert_string_equal (c.extra_networks[0].name, "b");
  assert_int_equal (strv_len (c.extra_networks[0].aliases), 2);
  assert_null (c.extra_networks[0].ip);
  assert_string_equal (c.extra_networks[1].ip, "10.2.0.9");
  assert_string_equal (c.extra_networks[1].mac, "02:00:00:00:00:02");
  assert_non_null (c.extra_networks[1].aliases);
  assert_null (c.extra_networks[1].aliases[0]);
  assert_true (json_object_is_type (c.port_mappings, json_type_array));
  assert_true (json_object_is_type (c.state, json_type_object));
}

/* A field at its zero value is not written; an absent key reads as the
 * zero value: an empty record stays empty, and the defaults of a record
 * that says them explicitly are the same configuration.  */
static void
test_zero_values_absent (void **state)
{
  _cleanup_container_config_ struct container_config empty = { 0 }, defaults = { 0 };
  _cleanup_free_ char *a = NULL, *b = NULL;

  a = record_text (&empty);
  assert_string_equal (a, "{}");
  parse ("{\"Rm\":false,\"Passwd\":true,\"PreserveFDs\":0,\"Command\":[]}", &defaults);
  assert_false (defaults.rm);
  assert_false (defaults.no_passwd);
  /* an empty vector is not an absent one: "Entrypoint": [] clears the image's */
  assert_non_null (defaults.command);
  b = record_text (&defaults);
  assert_string_equal (b, "{\"Command\":[]}");
}

/* Keys of a newer galley, and values of a type the table does not expect,
 * are written back as read; a field set since wins over the value it
 * could not read.  */
static void
test_unknown_kept (void **state)
{
  _cleanup_container_config_ struct container_config c = { 0 };
  _cleanup_free_ char *back = NULL, *set = NULL;
  const char *text = "{\"Image\":\"x\",\"Future\":{\"a\":[1,null]},\"Rm\":\"yes\",\"Env\":[\"A=1\",2],"
                     "\"Labels\":{\"n\":1},\"State\":null,"
                     "\"ExtraNetworks\":{\"b\":{\"Aliases\":[],\"Priority\":1}}}";

  parse (text, &c);
  assert_string_equal (c.image, "x");
  assert_false (c.rm);
  assert_null (c.env);
  assert_null (c.labels);
  assert_null (c.state);
  assert_int_equal (c.n_extra_networks, 0);
  back = record_text (&c);
  assert_string_equal (back, text);
  c.rm = true;
  set = record_text (&c);
  assert_non_null (strstr (set, "\"Rm\":true"));
  assert_null (strstr (set, "\"yes\""));
}

static void
test_not_an_object (void **state)
{
  _cleanup_container_config_ struct container_config c = { 0 };
  galley_error_t err = NULL;

  assert_int_equal (container_config_parse ("[]", 2, "container.json", &c, &err), -1);
  assert_non_null (strstr (err->msg, "not a JSON object"));
  galley_error_release (&err);
  assert_int_equal (container_config_parse ("{", 1, "container.json", &c, &err), -1);
  assert_non_null (strstr (err->msg, "container.json"));
  galley_error_release (&err);
}

static void
test_move_and_set (void **state)
{
  _cleanup_container_config_ struct container_config a = { 0 }, b = { 0 };
  galley_error_t err = NULL;

  assert_int_equal (container_config_set_string (&a.name, "one", &err), 0);
  assert_int_equal (container_config_set_string (&a.name, "two", &err), 0);
  assert_string_equal (a.name, "two");
  assert_int_equal (container_config_set_string (&b.image, "old", &err), 0);
  container_config_move (&b, &a);
  assert_string_equal (b.name, "two");
  assert_null (b.image);
  assert_null (a.name);
  assert_int_equal (container_config_set_string (&b.name, NULL, &err), 0);
  assert_null (b.name);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_every_key_round_trips), cmocka_unit_test (test_fields),
    cmocka_unit_test (test_zero_values_absent),    cmocka_unit_test (test_unknown_kept),
    cmocka_unit_test (test_not_an_object),         cmocka_unit_test (test_move_and_set),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
