/* Unit tests of the network's pure parts: -p/--publish specs, exposed
 * ports, PortMappings round trips, `port` lines, --network modes,
 * resolv.conf and hosts texts, the slirp4netns command line.  */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "runtime/network.h"
#include "state/network.h"
#include "runtime/slirp.h"
#include "state/netconf.h"
#include "state/portspec.h"
#include "util/cleanup.h"
#include "util/json.h"

static void
parse_ok (const char *arg, struct port_mapping **ports, size_t *n)
{
  galley_error_t err = NULL;

  *ports = NULL;
  *n = 0;
  if (port_parse_publish (arg, ports, n, &err) < 0)
    fail_msg ("%s: %s", arg, err->msg);
}

static void
test_publish_forms (void **state)
{
  struct port_mapping *p;
  size_t n;

  parse_ok ("8080:80", &p, &n);
  assert_int_equal (n, 1);
  assert_string_equal (p[0].host_ip, "");
  assert_int_equal (p[0].host_port, 8080);
  assert_int_equal (p[0].container_port, 80);
  assert_int_equal (p[0].range, 1);
  assert_string_equal (p[0].protocol, "tcp");
  free (p);

  parse_ok ("80", &p, &n);
  assert_int_equal (p[0].host_port, 0);
  assert_int_equal (p[0].container_port, 80);
  free (p);

  parse_ok ("127.0.0.1:8080:80/udp", &p, &n);
  assert_string_equal (p[0].host_ip, "127.0.0.1");
  assert_string_equal (p[0].protocol, "udp");
  free (p);

  parse_ok ("127.0.0.1::80", &p, &n);
  assert_string_equal (p[0].host_ip, "127.0.0.1");
  assert_int_equal (p[0].host_port, 0);
  free (p);

  parse_ok ("[::1]:8080:80", &p, &n);
  assert_string_equal (p[0].host_ip, "::1");
  assert_int_equal (p[0].host_port, 8080);
  free (p);

  parse_ok ("8000-8009:9000-9009/tcp,udp", &p, &n);
  assert_int_equal (n, 2);
  assert_int_equal (p[0].range, 10);
  assert_int_equal (p[0].host_port, 8000);
  assert_int_equal (p[0].container_port, 9000);
  assert_string_equal (p[1].protocol, "udp");
  free (p);

  /* one host port and a container range: consecutive host ports */
  parse_ok ("8000:80-81", &p, &n);
  assert_int_equal (p[0].host_port, 8000);
  assert_int_equal (p[0].range, 2);
  free (p);
}

static void
test_publish_errors (void **state)
{
  const char *bad[] = {
    "",         "abc:80",    "8080:abc",     "8080:0",        "70000:80",  "8080:80/sctp",
    "8080:80/", "80-81:80",  "8001-8000:80", "1.2.3:8080:80", ":",         "8080:",
    "-1:80",    "80--81:80", "8080:80-",     "[::1:8080:80",  "x:8080:80", "65535:80-81"
  };
  size_t i;

  for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
    {
      struct port_mapping *p = NULL;
      size_t n = 0;
      galley_error_t err = NULL;
      if (port_parse_publish (bad[i], &p, &n, &err) == 0)
        fail_msg ("accepted %s", bad[i]);
      assert_non_null (err);
      assert_null (strchr (err->msg, '\n'));
      galley_error_release (&err);
      free (p);
    }
}

static void
test_conflicts (void **state)
{
  struct port_mapping *p = NULL;
  size_t n = 0;
  galley_error_t err = NULL;

  assert_int_equal (port_parse_publish ("8080:80", &p, &n, &err), 0);
  assert_int_equal (port_parse_publish ("8080:81/udp", &p, &n, &err), 0);
  assert_int_equal (port_check_conflicts (p, n, &err), 0);
  assert_int_equal (port_parse_publish ("127.0.0.1:8079-8080:90-91", &p, &n, &err), 0);
  assert_int_equal (port_check_conflicts (p, n, &err), -1);
  assert_non_null (strstr (err->msg, "8080/tcp"));
  galley_error_release (&err);
  free (p);
}

static void
test_exposed (void **state)
{
  struct port_mapping m;
  galley_error_t err = NULL;

  assert_int_equal (port_parse_exposed ("80/tcp", &m, &err), 0);
  assert_int_equal (m.container_port, 80);
  assert_string_equal (m.protocol, "tcp");
  assert_int_equal (port_parse_exposed ("53/udp", &m, &err), 0);
  assert_string_equal (m.protocol, "udp");
  assert_int_equal (port_parse_exposed ("8080", &m, &err), 0);
  assert_string_equal (m.protocol, "tcp");
  assert_int_equal (port_parse_exposed ("x/tcp", &m, &err), -1);
  galley_error_release (&err);
}

static void
test_json_and_lines (void **state)
{
  struct port_mapping *p = NULL, *back = NULL;
  size_t n = 0, nb = 0;
  galley_error_t err = NULL;
  _cleanup_json_ json_object *j = NULL;
  _cleanup_free_ char *lines = NULL, *one = NULL, *summary = NULL, *none = NULL;

  assert_int_equal (port_parse_publish ("18080:80", &p, &n, &err), 0);
  assert_int_equal (port_parse_publish ("18081-18082:81-82/udp", &p, &n, &err), 0);
  j = port_mappings_to_json (p, n);
  assert_string_equal (
      json_object_to_json_string_ext (json_object_array_get_idx (j, 0), JSON_C_TO_STRING_PLAIN),
      "{\"host_ip\":\"\",\"container_port\":80,\"host_port\":18080,\"range\":1,\"protocol\":\"tcp\"}");
  assert_int_equal (port_mappings_from_json (j, &back, &nb, &err), 0);
  assert_int_equal (nb, 2);
  assert_memory_equal (back, p, sizeof *p * n);
  assert_int_equal (port_format_lines (back, nb, NULL, &lines), 3);
  assert_string_equal (lines, "80/tcp -> 0.0.0.0:18080\n81/udp -> 0.0.0.0:18081\n82/udp -> 0.0.0.0:18082\n");
  assert_int_equal (port_format_lines (back, nb, "81/udp", &one), 1);
  assert_string_equal (one, "0.0.0.0:18081\n");
  /* ps's PORTS column, as podman's portsToString */
  summary = port_format_summary (back, nb);
  assert_string_equal (summary, "0.0.0.0:18080->80/tcp, 0.0.0.0:18081-18082->81-82/udp");
  none = port_format_summary (NULL, 0);
  assert_string_equal (none, "");
  free (p);
  free (back);
}

static void
test_network_modes (void **state)
{
  struct net_options o;
  galley_error_t err = NULL;

  assert_int_equal (net_options_parse (NULL, &o, &err), 0);
  assert_int_equal (o.mode, NET_MODE_SLIRP);
  assert_int_equal (o.mtu, 65520);
  assert_false (o.allow_host_loopback);
  net_options_clear (&o);
  assert_int_equal (net_options_parse ("none", &o, &err), 0);
  assert_int_equal (o.mode, NET_MODE_NONE);
  assert_int_equal (net_options_parse ("host", &o, &err), 0);
  assert_int_equal (o.mode, NET_MODE_HOST);
  assert_int_equal (net_options_parse ("container:web", &o, &err), 0);
  assert_int_equal (o.mode, NET_MODE_CONTAINER);
  assert_string_equal (o.container, "web");
  net_options_clear (&o);
  assert_int_equal (net_options_parse ("slirp4netns:allow_host_loopback=true,mtu=1500,cidr=10.1.2.0/24,"
                                       "port_handler=slirp4netns",
                                       &o, &err),
                    0);
  assert_true (o.allow_host_loopback);
  assert_int_equal (o.mtu, 1500);
  assert_string_equal (o.cidr, "10.1.2.0/24");
  net_options_clear (&o);

  assert_int_equal (net_options_parse ("foo", &o, &err), 0);
  assert_int_equal (o.mode, NET_MODE_BRIDGE);
  assert_string_equal (o.container, "foo");
  net_options_clear (&o);
  assert_int_equal (net_options_parse ("bridge", &o, &err), 0);
  assert_string_equal (o.container, "podman");
  net_options_clear (&o);
  assert_int_equal (net_options_parse ("ns:/proc/1/ns/net", &o, &err), 0);
  assert_int_equal (o.mode, NET_MODE_NS);
  net_options_clear (&o);
  assert_int_equal (net_options_parse ("ns:relative", &o, &err), -1);
  galley_error_release (&err);
  assert_int_equal (net_options_parse ("-bad/name", &o, &err), -1);
  assert_string_equal (err->msg, "unable to find network with name or ID -bad/name: network not found");
  galley_error_release (&err);
  assert_int_equal (net_options_parse ("slirp4netns:bogus=1", &o, &err), -1);
  assert_string_equal (err->msg, "unknown option for slirp4netns: \"bogus=1\"");
  galley_error_release (&err);
  assert_int_equal (net_options_parse ("slirp4netns:mtu=abc", &o, &err), -1);
  galley_error_release (&err);
  assert_int_equal (net_options_parse ("slirp4netns:port_handler=rootlesskit", &o, &err), -1);
  galley_error_release (&err);
  assert_int_equal (net_options_parse ("slirp4netns:cidr=10.0.2.0/30", &o, &err), -1);
  galley_error_release (&err);
  assert_int_equal (net_options_parse ("container:", &o, &err), -1);
  galley_error_release (&err);
}

static void
test_slirp_addresses (void **state)
{
  char gw[16], dns[16], guest[16];
  galley_error_t err = NULL;

  assert_int_equal (net_slirp_addresses (NULL, gw, dns, guest, &err), 0);
  assert_string_equal (gw, "10.0.2.2");
  assert_string_equal (dns, "10.0.2.3");
  assert_string_equal (guest, "10.0.2.100");
  assert_int_equal (net_slirp_addresses ("10.9.0.0/16", gw, dns, guest, &err), 0);
  assert_string_equal (gw, "10.9.0.2");
  assert_string_equal (guest, "10.9.0.100");
  assert_int_equal (net_slirp_addresses ("10.9.0.0", gw, dns, guest, &err), -1);
  galley_error_release (&err);
}

static void
test_resolv_conf (void **state)
{
  const char *host = "# generated\nsearch corp.example\nnameserver 127.0.0.53\noptions edns0 trust-ad\n";
  const char *host_remote = "nameserver 10.255.255.53\nnameserver ::1\nnameserver 192.0.2.53\n";
  char *servers[] = { "1.1.1.1", "9.9.9.9", NULL };
  char *search[] = { "example.com", NULL };
  char *dot[] = { ".", NULL };
  char *options[] = { "ndots:2", NULL };
  struct dns_options none = { 0 }, all = { servers, search, options }, clear = { NULL, dot, NULL };
  char *r;

  /* loopback resolver on the host: slirp's forwarder only */
  r = net_resolv_conf (host, &none, "10.0.2.3");
  assert_string_equal (r, "search corp.example\nnameserver 10.0.2.3\noptions edns0 trust-ad\n");
  free (r);
  r = net_resolv_conf (host_remote, &none, "10.0.2.3");
  assert_string_equal (r, "nameserver 10.0.2.3\nnameserver 10.255.255.53\nnameserver 192.0.2.53\n");
  free (r);
  r = net_resolv_conf (host_remote, &none, NULL);
  assert_string_equal (r, "nameserver 10.255.255.53\nnameserver 192.0.2.53\n");
  free (r);
  r = net_resolv_conf (host, &all, "10.0.2.3");
  assert_string_equal (r, "search example.com\nnameserver 1.1.1.1\nnameserver 9.9.9.9\noptions ndots:2\n");
  free (r);
  r = net_resolv_conf (host, &clear, NULL);
  assert_string_equal (r, "options edns0 trust-ad\n");
  free (r);
  r = net_resolv_conf (NULL, NULL, NULL);
  assert_string_equal (r, "");
  free (r);
  assert_true (net_is_loopback_address ("127.0.0.53"));
  assert_true (net_is_loopback_address ("::1"));
  assert_false (net_is_loopback_address ("10.0.2.3"));
}

static void
test_hosts_file (void **state)
{
  char *add[] = { "db:10.1.1.1", "v6=fe80::1", NULL };
  char *bad[] = { "nocolon", NULL };
  char *bad_ip[] = { "x:999.1.1.1", NULL };
  galley_error_t err = NULL;
  char *out = NULL;

  assert_int_equal (
      net_hosts_file ("127.0.0.1 localhost\n", add, "10.0.2.100", "abc123", "web", "192.0.2.2", &out, &err),
      0);
  assert_string_equal (out,
                       "10.1.1.1\tdb\nfe80::1\tv6\n127.0.0.1 localhost\n192.0.2.2\thost.containers.internal\n"
                       "10.0.2.100\tabc123 web\n");
  free (out);
  assert_int_equal (net_hosts_file (NULL, NULL, "127.0.0.1", "h", "h", NULL, &out, &err), 0);
  assert_non_null (strstr (out, "localhost"));
  assert_non_null (strstr (out, "127.0.0.1\th\n"));
  free (out);
  assert_int_equal (net_hosts_file (NULL, bad, "127.0.0.1", "h", "h", NULL, &out, &err), -1);
  assert_string_equal (err->msg, "bad format for add-host: \"nocolon\"");
  galley_error_release (&err);
  assert_int_equal (net_check_add_host (bad_ip[0], &err), -1);
  galley_error_release (&err);
}

static void
test_slirp_argv (void **state)
{
  struct net_options o;
  galley_error_t err = NULL;
  _cleanup_strv_ char **argv = NULL, **argv2 = NULL;
  size_t i;
  bool sandbox = false, seccomp = false, noloop = false, mtu = false;

  assert_int_equal (net_options_parse (NULL, &o, &err), 0);
  argv = slirp_build_argv ("/usr/bin/slirp4netns", &o, true, 1234, 5, 6, "slirp4netns.sock");
  assert_non_null (argv);
  for (i = 0; argv[i]; i++)
    {
      sandbox = sandbox || strcmp (argv[i], "--enable-sandbox") == 0;
      seccomp = seccomp || strcmp (argv[i], "--enable-seccomp") == 0;
      noloop = noloop || strcmp (argv[i], "--disable-host-loopback") == 0;
      mtu = mtu || strcmp (argv[i], "--mtu=65520") == 0;
    }
  assert_true (sandbox && seccomp && noloop && mtu);
  assert_string_equal (argv[i - 2], "1234");
  assert_string_equal (argv[i - 1], "tap0");
  net_options_clear (&o);
  assert_int_equal (net_options_parse ("slirp4netns:allow_host_loopback=true", &o, &err), 0);
  argv2 = slirp_build_argv ("/usr/bin/slirp4netns", &o, false, 1, 5, 6, NULL);
  for (i = 0; argv2[i]; i++)
    {
      assert_string_not_equal (argv2[i], "--disable-host-loopback");
      assert_string_not_equal (argv2[i], "--enable-sandbox");
    }
  /* keep-id over a single-id map: no root inside, no sandbox */
  assert_true (
      slirp_uid_map_has_root ("         0       1000          1\n         1     100000      65536\n"));
  assert_true (slirp_uid_map_has_root ("1 100000 999\n0 1000 1\n"));
  assert_false (slirp_uid_map_has_root ("      1002       1002          1\n"));
  assert_false (slirp_uid_map_has_root (""));
  net_options_clear (&o);
}

static void
test_named_network_input (void **state)
{
  static const char *const bad_subnets[] = {
    "10.0.0.1/24",  "10.0.0.0/33", "10.0.0.0/7", "10.0.0.0",    "10.0.0.0/",
    "10.0.0.0/24x", "nonsense/24", "::1/64",     "10.0.0.0/-1", ""
  };
  galley_error_t err = NULL;
  uint32_t addr;
  unsigned prefix;
  size_t i;

  assert_int_equal (network_parse_subnet ("10.89.3.0/24", &addr, &prefix, &err), 0);
  assert_int_equal (addr, 0x0a590300);
  assert_int_equal (prefix, 24);
  assert_int_equal (network_parse_subnet ("172.16.0.0/12", &addr, &prefix, &err), 0);
  for (i = 0; i < sizeof bad_subnets / sizeof bad_subnets[0]; i++)
    {
      assert_int_equal (network_parse_subnet (bad_subnets[i], &addr, &prefix, &err), -1);
      assert_null (strchr (err->msg, '\n'));
      galley_error_release (&err);
    }
  assert_int_equal (network_parse_subnet ("10.0.0.1/24", &addr, &prefix, &err), -1);
  assert_non_null (strstr (err->msg, "host bits are set (the network is 10.0.0.0/24)"));
  galley_error_release (&err);
  assert_true (net_name_is_valid ("net1"));
  assert_true (net_name_is_valid ("a.b_c-d"));
  assert_false (net_name_is_valid (""));
  assert_false (net_name_is_valid ("-x"));
  assert_false (net_name_is_valid ("a/b"));
  assert_false (net_name_is_valid ("a b"));
  assert_false (net_name_is_valid ("../x"));
}

static void
test_resolve_ports (void **state)
{
  _cleanup_container_config_ struct container_config config = { 0 };
  _cleanup_json_ json_object *image = NULL;
  galley_error_t err = NULL;
  struct network_spec spec;
  const char *cfg_text =
      "{\"PublishPorts\": [\"127.0.0.1::80\"], \"PublishAll\": true, \"Dns\": [\"1.1.1.1\"]}";
  const char *img_text = "{\"ExposedPorts\": {\"80/tcp\": {}, \"53/udp\": {}}}";

  assert_int_equal (container_config_parse (cfg_text, strlen (cfg_text), "c", &config, &err), 0);
  assert_int_equal (json_parse_strict (img_text, strlen (img_text), "i", &image, &err), 0);
  assert_int_equal (network_resolve_ports (&config, image, &err), 0);
  assert_int_equal (network_spec_from_config (&config, &spec, &err), 0);
  /* 80/tcp from -p, 53/udp from -P; both with host ports chosen */
  assert_int_equal (spec.n_ports, 2);
  assert_int_not_equal (spec.ports[0].host_port, 0);
  assert_int_not_equal (spec.ports[1].host_port, 0);
  assert_string_equal (spec.ports[1].protocol, "udp");
  assert_string_equal (spec.dns.servers[0], "1.1.1.1");
  network_spec_clear (&spec);

  assert_int_equal (container_config_set_string (&config.network, "none", &err), 0);
  assert_int_equal (network_resolve_ports (&config, image, &err), -1);
  galley_error_release (&err);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_publish_forms),   cmocka_unit_test (test_publish_errors),
    cmocka_unit_test (test_conflicts),       cmocka_unit_test (test_exposed),
    cmocka_unit_test (test_json_and_lines),  cmocka_unit_test (test_network_modes),
    cmocka_unit_test (test_slirp_addresses), cmocka_unit_test (test_resolv_conf),
    cmocka_unit_test (test_hosts_file),      cmocka_unit_test (test_slirp_argv),
    cmocka_unit_test (test_resolve_ports),   cmocka_unit_test (test_named_network_input),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
