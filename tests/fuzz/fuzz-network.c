/* Fuzz target for the network's parsers: -p/--publish specs, --network
 * values, --add-host, resolv.conf from any host text, PortMappings JSON.
 * Anything must parse or fail with one error line, never crash or leak.
 *
 *   clang -g -fsanitize=fuzzer,address,undefined -I src -I BUILD \
 *     tests/fuzz/fuzz-network.c src/state/portspec.c src/state/netconf.c \
 *     src/util/error.c src/util/json.c src/util/fs.c \
 *     $(pkg-config --cflags --libs json-c) -o fuzz-network
 *
 * Without libFuzzer, `make check` links it with tests/fuzz/replay.c and replays tests/fuzz/seeds/.  */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "state/netconf.h"
#include "state/portspec.h"
#include "util/json.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
check_error (galley_error_t *err)
{
  if (*err == NULL || (*err)->msg == NULL || strchr ((*err)->msg, '\n') != NULL)
    abort ();
  galley_error_release (err);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  char *text = strndup ((const char *)data, size);
  struct port_mapping *ports = NULL;
  struct net_options o;
  struct dns_options dns = { 0 };
  galley_error_t err = NULL;
  json_object *j = NULL;
  char *out = NULL, *hosts = NULL;
  char *add[] = { text, NULL };
  size_t n = 0;

  if (text == NULL)
    return 0;
  if (port_parse_publish (text, &ports, &n, &err) < 0)
    check_error (&err);
  else
    {
      /* what parses survives the JSON round trip */
      struct port_mapping *back = NULL;
      size_t nb = 0;
      j = port_mappings_to_json (ports, n);
      if (port_mappings_from_json (j, &back, &nb, &err) < 0 || nb != n
          || memcmp (back, ports, n * sizeof *ports) != 0)
        abort ();
      port_format_lines (back, nb, NULL, &out);
      free (back);
      json_object_put (j);
    }
  free (ports);
  if (net_options_parse (text, &o, &err) < 0)
    check_error (&err);
  else
    net_options_clear (&o);
  free (out);
  out = net_resolv_conf (text, &dns, "10.0.2.3");
  if (out == NULL)
    abort ();
  if (net_hosts_file (text, add, "10.0.2.100", "h", "n", "10.0.2.2", &hosts, &err) < 0)
    check_error (&err);
  free (hosts);
  free (out);
  free (text);
  return 0;
}
