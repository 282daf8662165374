/* Published ports: the -p/--publish syntax
 *   [[ip:][hostPort]:]containerPort[/protocol]   (ports or equal-length ranges
 *   "8000-8009", ip "[::1]" for IPv6, protocol tcp|udp|"tcp,udp")
 * parsed into port mappings, their podman JSON form ("PortMappings" of
 * container.json) and the `galley port` lines.  Pure, unit-tested.  */
#ifndef GALLEY_STATE_PORTSPEC_H
#define GALLEY_STATE_PORTSPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "util/error.h"

struct port_mapping
{
  char host_ip[46];   /* "" = every address */
  uint16_t host_port; /* 0 = pick a free port when the container is created */
  uint16_t container_port;
  uint16_t range;   /* >= 1: host_port.. and container_port.. */
  char protocol[4]; /* "tcp" or "udp" */
};

/* Append the mappings of one -p argument to *ports (realloc'ed).  */
int port_parse_publish (const char *arg, struct port_mapping **ports, size_t *n, galley_error_t *err);

/* A port of the image's ExposedPorts ("80/tcp", "53/udp", "8080"): the
 * mapping with host_port 0 (for -P).  */
int port_parse_exposed (const char *key, struct port_mapping *out, galley_error_t *err);

/* Two mappings overlap on the host (same protocol, overlapping host ports,
 * same or wildcard address) -> error naming both.  */
int port_check_conflicts (const struct port_mapping *ports, size_t n, galley_error_t *err);

/* podman's PortMappings: [{"host_ip": "", "container_port": 80,
 * "host_port": 8080, "range": 1, "protocol": "tcp"}, ...].  */
json_object *port_mappings_to_json (const struct port_mapping *ports, size_t n);
int port_mappings_from_json (json_object *arr, struct port_mapping **ports, size_t *n, galley_error_t *err);

/* `galley port` lines, one per port: "80/tcp -> 0.0.0.0:8080".  With
 * filter ("80", "80/udp") only that container port; NULL: all.  The lines
 * are appended to *out (malloc'ed text).  Returns the number of lines.  */
int port_format_lines (const struct port_mapping *ports, size_t n, const char *filter, char **out);

/* ps's PORTS column, as podman's: "0.0.0.0:8080->80/tcp,
 * 0.0.0.0:9000-9001->90-91/udp" ("" for none).  NULL: out of memory.  */
char *port_format_summary (const struct port_mapping *ports, size_t n);

#endif
