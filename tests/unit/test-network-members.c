/* Unit tests of a container's named networks in its record
 * (state/network_members.h) and of the marked /etc/hosts lines of
 * runtime/bridge_hosts.h.  */
#include "config.h"

#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "runtime/bridge_hosts.h"
#include "state/container_config.h"
#include "state/network_members.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/json.h"

/* A configuration read from the record text.  */
static struct container_config *
record (const char *text)
{
  struct container_config *c = calloc (1, sizeof *c);
  galley_error_t err = NULL;

  assert_non_null (c);
  assert_int_equal (container_config_parse (text, strlen (text), "container.json", c, &err), 0);
  return c;
}

static void
cleanup_recordp (struct container_config **c)
{
  if (*c != NULL)
    container_config_clear (*c);
  free (*c);
}
#define _cleanup_record_ __attribute__ ((cleanup (cleanup_recordp)))

/* "name[alias,alias](ip) ..." of the record's networks.  */
static char *
describe (const struct container_config *config)
{
  struct network_member *m = NULL;
  galley_error_t err = NULL;
  size_t n = 0, i, k;
  char *out = calloc (1, 1024);

  assert_int_equal (network_members_of (config, &m, &n, &err), 0);
  for (i = 0; i < n; i++)
    {
      strcat (out, i ? " " : "");
      strcat (out, m[i].name);
      strcat (out, "[");
      for (k = 0; m[i].aliases[k]; k++)
        {
          strcat (out, k ? "," : "");
          strcat (out, m[i].aliases[k]);
        }
      strcat (out, "]");
      if (m[i].ip)
        {
          strcat (out, "(");
          strcat (out, m[i].ip);
          strcat (out, ")");
        }
    }
  network_members_free (m, n);
  return out;
}

static void
assert_members (const struct container_config *config, const char *want)
{
  _cleanup_free_ char *got = describe (config);
  assert_string_equal (got, want);
}

static void
test_members_of (void **state)
{
  _cleanup_record_ struct container_config *slirp = record ("{}");
  _cleanup_record_ struct container_config *none =
      record ("{\"Network\":\"none\",\"ExtraNetworks\":{\"x\":{}}}");
  _cleanup_record_ struct container_config *bridge = record ("{\"Network\":\"bridge\"}");
  _cleanup_record_ struct container_config *two =
      record ("{\"Network\":\"a\",\"NetworkAliases\":[\"w\"],\"IP\":\"10.1.0.5\","
              "\"ExtraNetworks\":{\"b\":{\"Aliases\":[\"x\",\"y\"]},"
              "\"c\":{\"IP\":\"10.2.0.9\"}}}");
  (void)state;
  assert_members (slirp, "");
  /* extra networks without a named primary one are not networks */
  assert_members (none, "");
  assert_false (network_member_has (none, "x"));
  assert_members (bridge, "podman[]");
  assert_members (two, "a[w](10.1.0.5) b[x,y] c[](10.2.0.9)");
  assert_true (network_member_has (two, "a"));
  assert_true (network_member_has (two, "c"));
  assert_false (network_member_has (two, "d"));
}

static void
test_add_remove (void **state)
{
  _cleanup_record_ struct container_config *c = record ("{\"Network\":\"slirp4netns\"}");
  char *aliases[] = { (char *)"web", (char *)"www" };
  galley_error_t err = NULL;

  (void)state;
  /* the first one replaces slirp4netns */
  assert_int_equal (network_member_add (c, "a", aliases, 2, "10.1.0.7", "02:00:00:00:00:01", &err), 0);
  assert_members (c, "a[web,www](10.1.0.7)");
  assert_int_equal (network_member_add (c, "b", NULL, 0, NULL, NULL, &err), 0);
  assert_int_equal (network_member_add (c, "c", aliases, 1, "", "02:00:00:00:00:03", &err), 0);
  assert_members (c, "a[web,www](10.1.0.7) b[] c[web]");
  assert_int_equal (network_member_remove (c, "zzz", &err), 0);
  assert_int_equal (network_member_remove (c, "b", &err), 1);
  assert_members (c, "a[web,www](10.1.0.7) c[web]");
  /* the primary goes: the next one takes its place, its --ip with it */
  assert_int_equal (network_member_remove (c, "a", &err), 1);
  assert_members (c, "c[web]");
  assert_string_equal (c->network, "c");
  assert_null (c->ip);
  assert_string_equal (c->mac_address, "02:00:00:00:00:03");
  assert_int_equal (c->n_extra_networks, 0);
  /* the last one: only lo is left */
  assert_int_equal (network_member_remove (c, "c", &err), 1);
  assert_members (c, "");
  assert_string_equal (c->network, "none");
  assert_int_equal (network_member_remove (c, "c", &err), 0);
  /* and a stopped container on none gets a primary network again */
  assert_int_equal (network_member_add (c, "d", NULL, 0, "10.3.0.3", NULL, &err), 0);
  assert_null (c->mac_address);
  assert_members (c, "d[](10.3.0.3)");
}

static void
test_split (void **state)
{
  _cleanup_record_ struct container_config *one = record ("{\"Network\":\"a\",\"IP\":\"10.1.0.2\"}");
  _cleanup_record_ struct container_config *many =
      record ("{\"Network\":\"a,bridge,b,a\",\"NetworkAliases\":[\"w\"],\"ExtraNetworks\":{\"old\":{}}}");
  _cleanup_record_ struct container_config *ip = record ("{\"Network\":\"a,b\",\"IP\":\"10.1.0.2\"}");
  _cleanup_record_ struct container_config *bad = record ("{\"Network\":\"a,,b/c\"}");
  _cleanup_record_ struct container_config *slirp =
      record ("{\"Network\":\"slirp4netns:mtu=1500,cidr=10.9.0.0/24\"}");
  galley_error_t err = NULL;

  (void)state;
  assert_int_equal (network_members_split (slirp, &err), 0);
  assert_string_equal (slirp->network, "slirp4netns:mtu=1500,cidr=10.9.0.0/24");
  assert_int_equal (network_members_split (one, &err), 0);
  assert_members (one, "a[](10.1.0.2)");
  assert_int_equal (network_members_split (many, &err), 0);
  assert_members (many, "a[w] podman[w] b[w]");
  assert_int_equal (network_members_split (ip, &err), -1);
  assert_string_equal (err->msg, "--ip can only be set for a single network: invalid argument");
  galley_error_release (&err);
  assert_int_equal (network_members_split (bad, &err), -1);
  assert_non_null (strstr (err->msg, "b/c"));
  galley_error_release (&err);
}

static void
test_mac (void **state)
{
  char out[18];

  (void)state;
  assert_true (network_mac_normalize ("02:42:AC:11:0:99", out));
  assert_string_equal (out, "02:42:ac:11:00:99");
  assert_false (network_mac_normalize ("zz", out));
  assert_false (network_mac_normalize ("02:42:ac:11:00", out));
  assert_false (network_mac_normalize ("02:42:ac:11:00:99:01", out));
  assert_false (network_mac_normalize (NULL, out));
}

static const char *const ID_A = "aaaaaaaaaaaa0000000000000000000000000000000000000000000000000000";
static const char *const ID_B = "bbbbbbbbbbbb0000000000000000000000000000000000000000000000000000";

static char *
read_text (const char *path)
{
  char *text = NULL;
  galley_error_t err = NULL;

  assert_int_equal (fs_read_file (AT_FDCWD, path, 1 << 16, &text, NULL, &err), 0);
  return text;
}

static void
test_hosts_marks (void **state)
{
  char path[] = "/tmp/galley-hosts-XXXXXX";
  int fd = mkstemp (path);
  const char *base = "127.0.0.1 localhost\n10.0.0.1 my.host # a comment\n";
  char *aliases[] = { (char *)"web", NULL };
  struct network_lease a = { .name = (char *)"alpha", .aliases = aliases }, b = { .name = (char *)"beta" };
  _cleanup_free_ char *line_a1 = NULL, *line_a2 = NULL, *line_b1 = NULL, *text = NULL;
  char all[1024];

  (void)state;
  assert_true (fd >= 0);
  assert_int_equal (write (fd, base, strlen (base)), (int)strlen (base));
  close (fd);
  snprintf (a.id, sizeof a.id, "%s", ID_A);
  snprintf (b.id, sizeof b.id, "%s", ID_B);
  snprintf (a.ip, sizeof a.ip, "10.1.0.2");
  snprintf (b.ip, sizeof b.ip, "10.1.0.3");
  line_a1 = bridge_hosts_line (&a, "n1");
  assert_string_equal (line_a1, "10.1.0.2\talpha web # galley:aaaaaaaaaaaa:n1\n");
  snprintf (a.ip, sizeof a.ip, "10.2.0.2");
  line_a2 = bridge_hosts_line (&a, "n2");
  line_b1 = bridge_hosts_line (&b, "n1");
  assert_string_equal (line_b1, "10.1.0.3\tbeta # galley:bbbbbbbbbbbb:n1\n");

  snprintf (all, sizeof all, "%s%s", line_a1, line_b1);
  assert_int_equal (bridge_hosts_update (path, NULL, "n1", all), 0);
  assert_int_equal (bridge_hosts_update (path, NULL, "n2", line_a2), 0);
  text = read_text (path);
  snprintf (all, sizeof all, "%s%s%s%s", base, line_a1, line_b1, line_a2);
  assert_string_equal (text, all);
  free (text);

  /* b leaves n1 (by its full id): only its line goes */
  assert_int_equal (bridge_hosts_update (path, ID_B, "n1", NULL), 0);
  text = read_text (path);
  snprintf (all, sizeof all, "%s%s%s", base, line_a1, line_a2);
  assert_string_equal (text, all);
  free (text);

  /* a's lines of n2 only; then every line of n1; unmarked lines stay */
  assert_int_equal (bridge_hosts_update (path, ID_A, "n2", NULL), 0);
  assert_int_equal (bridge_hosts_update (path, NULL, "n1", NULL), 0);
  text = read_text (path);
  assert_string_equal (text, base);
  /* a network whose name is a prefix of another's is another network */
  assert_int_equal (bridge_hosts_update (path, NULL, "n1", line_a1), 0);
  assert_int_equal (bridge_hosts_update (path, NULL, "n", NULL), 0);
  assert_int_equal (bridge_hosts_update (path, ID_B, NULL, NULL), 0);
  free (text);
  text = read_text (path);
  snprintf (all, sizeof all, "%s%s", base, line_a1);
  assert_string_equal (text, all);
  assert_int_equal (bridge_hosts_update (path, ID_A, NULL, NULL), 0);
  free (text);
  text = read_text (path);
  assert_string_equal (text, base);
  unlink (path);
  assert_int_equal (bridge_hosts_update (path, NULL, NULL, NULL), -1);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_members_of), cmocka_unit_test (test_add_remove),  cmocka_unit_test (test_split),
    cmocka_unit_test (test_mac),        cmocka_unit_test (test_hosts_marks),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
