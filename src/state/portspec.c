/* -p/--publish parsing, PortMappings JSON, `port` lines (see portspec.h).  */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "state/portspec.h"
#include "util/cleanup.h"
#include "util/error_text.h"
#include "util/xmalloc.h"

/* "80" or "8000-8009": *first and *count (>= 1).  allow_zero: a host port
 * may be omitted ("" -> 0).  */
static int
parse_range (const char *text, size_t len, bool host, uint16_t *first, uint16_t *count, const char *arg,
             galley_error_t *err)
{
  unsigned long a = 0, b;
  size_t i;
  const char *dash;
  char buf[32];

  if (len == 0 && host)
    {
      *first = 0;
      *count = 1;
      return 0;
    }
  if (len == 0 || len >= sizeof buf)
    goto bad;
  memcpy (buf, text, len);
  buf[len] = '\0';
  for (i = 0; i < len; i++)
    if ((buf[i] < '0' || buf[i] > '9') && buf[i] != '-')
      goto bad;
  dash = strchr (buf, '-');
  if (dash == buf || (dash && (dash[1] == '\0' || strchr (dash + 1, '-'))))
    goto bad;
  a = strtoul (buf, NULL, 10);
  b = dash ? strtoul (dash + 1, NULL, 10) : a;
  if (a < 1 || a > 65535 || b < 1 || b > 65535)
    goto bad;
  if (b < a)
    return error_untrusted (err, "invalid port range \"%s\" in \"%.128s\": the end is before the start", buf,
                            arg);
  *first = (uint16_t)a;
  *count = (uint16_t)(b - a + 1);
  return 0;
bad:
  return error_untrusted (err,
                          "invalid %s port \"%.*s\" in \"%.128s\": must be a number or a range "
                          "between 1 and 65535",
                          host ? "host" : "container", (int)(len > 32 ? 32 : len), text, arg);
}

/* Split "[ip:][host:]container" at the last colons; an IPv6 address is in
 * brackets.  */
static int
split_publish (const char *spec, const char *arg, char ip[46], const char **host, size_t *host_len,
               const char **ctr, galley_error_t *err)
{
  const char *last = strrchr (spec, ':'), *prev;
  unsigned char addr[16];

  ip[0] = '\0';
  *host = spec;
  *host_len = 0;
  if (last == NULL)
    {
      *ctr = spec;
      return 0;
    }
  *ctr = last + 1;
  prev = last;
  while (prev > spec && prev[-1] != ':')
    prev--;
  if (prev == spec)
    {
      *host = spec;
      *host_len = (size_t)(last - spec);
      return 0;
    }
  /* "ip:host:ctr": prev points after the colon before host.  */
  *host = prev;
  *host_len = (size_t)(last - prev);
  {
    const char *ip_start = spec, *ip_end = prev - 1;
    size_t len;
    if (*ip_start == '[' && ip_end > ip_start && ip_end[-1] == ']')
      ip_start++, ip_end--;
    len = (size_t)(ip_end - ip_start);
    if (len == 0 || len >= 46)
      return error_untrusted (err, "invalid IP address in \"%.128s\"", arg);
    memcpy (ip, ip_start, len);
    ip[len] = '\0';
    if (inet_pton (AF_INET, ip, addr) != 1 && inet_pton (AF_INET6, ip, addr) != 1)
      return error_untrusted (err, "invalid IP address \"%s\" in \"%.128s\"", ip, arg);
  }
  return 0;
}

static void
push_mapping (struct port_mapping **ports, size_t *n, const struct port_mapping *m)
{
  *ports = xreallocarray (*ports, *n + 1, sizeof **ports);
  (*ports)[(*n)++] = *m;
}

int
port_parse_publish (const char *arg, struct port_mapping **ports, size_t *n, galley_error_t *err)
{
  _cleanup_free_ char *spec = xstrdup (arg ? arg : "");
  const char *host, *ctr, *protos = "tcp";
  char *slash, *save = NULL, *proto;
  size_t host_len;
  struct port_mapping m = { 0 };
  uint16_t host_count, ctr_count;

  if ((slash = strchr (spec, '/')) != NULL)
    {
      *slash = '\0';
      protos = slash + 1;
    }
  if (split_publish (spec, arg, m.host_ip, &host, &host_len, &ctr, err) < 0)
    return -1;
  if (parse_range (host, host_len, true, &m.host_port, &host_count, arg, err) < 0
      || parse_range (ctr, strlen (ctr), false, &m.container_port, &ctr_count, arg, err) < 0)
    return -1;
  if (m.host_port != 0 && host_count != 1 && host_count != ctr_count)
    return error_untrusted (err,
                            "host and container port ranges have different lengths: %u vs %u in "
                            "\"%.128s\"",
                            host_count, ctr_count, arg);
  if (m.host_port != 0 && (unsigned)m.host_port + ctr_count - 1 > 65535)
    return error_untrusted (err, "host port range in \"%.128s\" goes beyond 65535", arg);
  m.range = ctr_count;
  if (*protos == '\0')
    return error_untrusted (err, "missing protocol after \"/\" in \"%.128s\"", arg);
  {
    _cleanup_free_ char *plist = xstrdup (protos);
    for (proto = strtok_r (plist, ",", &save); proto; proto = strtok_r (NULL, ",", &save))
      {
        if (strcmp (proto, "tcp") != 0 && strcmp (proto, "udp") != 0)
          return error_untrusted (err,
                                  "unsupported protocol \"%.16s\" in \"%.128s\": only tcp and udp "
                                  "can be published",
                                  proto, arg);
        strcpy (m.protocol, proto);
        push_mapping (ports, n, &m);
      }
  }
  return 0;
}

int
port_parse_exposed (const char *key, struct port_mapping *out, galley_error_t *err)
{
  const char *slash = strchr (key, '/');
  const char *proto = slash ? slash + 1 : "tcp";
  uint16_t count;

  memset (out, 0, sizeof *out);
  if (parse_range (key, slash ? (size_t)(slash - key) : strlen (key), false, &out->container_port, &count,
                   key, err)
      < 0)
    return galley_error_wrap (err, "exposed port");
  if (strcmp (proto, "tcp") != 0 && strcmp (proto, "udp") != 0)
    return error_untrusted (err, "exposed port \"%.64s\": unsupported protocol", key);
  out->range = count;
  strcpy (out->protocol, proto);
  return 0;
}

static bool
addresses_overlap (const char *a, const char *b)
{
  bool wild_a = a[0] == '\0' || strcmp (a, "0.0.0.0") == 0 || strcmp (a, "::") == 0;
  bool wild_b = b[0] == '\0' || strcmp (b, "0.0.0.0") == 0 || strcmp (b, "::") == 0;
  return wild_a || wild_b || strcmp (a, b) == 0;
}

int
port_check_conflicts (const struct port_mapping *ports, size_t n, galley_error_t *err)
{
  size_t i, j;

  for (i = 0; i < n; i++)
    for (j = i + 1; j < n; j++)
      {
        const struct port_mapping *a = &ports[i], *b = &ports[j];
        if (strcmp (a->protocol, b->protocol) != 0)
          continue;
        if (a->host_port != 0 && b->host_port != 0 && addresses_overlap (a->host_ip, b->host_ip)
            && a->host_port < b->host_port + b->range && b->host_port < a->host_port + a->range)
          return error_untrusted (err, "host port %u/%s is published twice",
                                  a->host_port > b->host_port ? a->host_port : b->host_port, a->protocol);
        if (a->container_port < b->container_port + b->range
            && b->container_port < a->container_port + a->range)
          return galley_error_make (
              err, 0, "container port %u/%s is published twice",
              a->container_port > b->container_port ? a->container_port : b->container_port, a->protocol);
      }
  return 0;
}

json_object *
port_mappings_to_json (const struct port_mapping *ports, size_t n)
{
  json_object *arr = json_object_new_array ();
  size_t i;

  for (i = 0; arr && i < n; i++)
    {
      json_object *o = json_object_new_object ();
      json_object_object_add (o, "host_ip", json_object_new_string (ports[i].host_ip));
      json_object_object_add (o, "container_port", json_object_new_int (ports[i].container_port));
      json_object_object_add (o, "host_port", json_object_new_int (ports[i].host_port));
      json_object_object_add (o, "range", json_object_new_int (ports[i].range));
      json_object_object_add (o, "protocol", json_object_new_string (ports[i].protocol));
      json_object_array_add (arr, o);
    }
  return arr;
}

static int
json_port (json_object *o, const char *key, int min, uint16_t *out)
{
  json_object *v;
  int x;

  if (! json_object_object_get_ex (o, key, &v) || ! json_object_is_type (v, json_type_int))
    return -1;
  x = json_object_get_int (v);
  if (x < min || x > 65535)
    return -1;
  *out = (uint16_t)x;
  return 0;
}

int
port_mappings_from_json (json_object *arr, struct port_mapping **ports, size_t *n, galley_error_t *err)
{
  size_t i;

  *ports = NULL;
  *n = 0;
  if (arr == NULL)
    return 0;
  if (! json_object_is_type (arr, json_type_array))
    return error_untrusted (err, "PortMappings: not an array");
  for (i = 0; i < json_object_array_length (arr); i++)
    {
      json_object *o = json_object_array_get_idx (arr, i), *v;
      struct port_mapping m = { 0 };
      const char *ip = NULL, *proto = NULL;

      if (json_object_object_get_ex (o, "host_ip", &v))
        ip = json_object_get_string (v);
      if (json_object_object_get_ex (o, "protocol", &v))
        proto = json_object_get_string (v);
      if (json_port (o, "container_port", 1, &m.container_port) < 0
          || json_port (o, "host_port", 0, &m.host_port) < 0 || json_port (o, "range", 1, &m.range) < 0
          || proto == NULL || (strcmp (proto, "tcp") != 0 && strcmp (proto, "udp") != 0)
          || (ip && strlen (ip) >= sizeof m.host_ip))
        {
          free (*ports);
          *ports = NULL;
          *n = 0;
          return error_untrusted (err, "PortMappings: invalid entry %zu", i);
        }
      strcpy (m.protocol, proto);
      strcpy (m.host_ip, ip ? ip : "");
      push_mapping (ports, n, &m);
    }
  return 0;
}

int
port_format_lines (const struct port_mapping *ports, size_t n, const char *filter, char **out)
{
  unsigned long want_port = 0;
  const char *want_proto = NULL;
  size_t i, len = *out ? strlen (*out) : 0;
  int lines = 0;
  uint16_t k;

  if (filter)
    {
      want_port = strtoul (filter, NULL, 10);
      want_proto = strchr (filter, '/') ? strchr (filter, '/') + 1 : NULL;
    }
  for (i = 0; i < n; i++)
    for (k = 0; k < ports[i].range; k++)
      {
        const struct port_mapping *m = &ports[i];
        const char *ip = m->host_ip[0] ? m->host_ip : "0.0.0.0";
        char line[128];
        char *grown;
        int l;

        if (filter
            && (want_port != (unsigned long)(m->container_port + k)
                || (want_proto && strcmp (want_proto, m->protocol) != 0)))
          continue;
        if (filter)
          l = snprintf (line, sizeof line, strchr (ip, ':') ? "[%s]:%u\n" : "%s:%u\n", ip, m->host_port + k);
        else
          l = snprintf (line, sizeof line, strchr (ip, ':') ? "%u/%s -> [%s]:%u\n" : "%u/%s -> %s:%u\n",
                        m->container_port + k, m->protocol, ip, m->host_port + k);
        grown = realloc (*out, len + (size_t)l + 1);
        if (grown == NULL)
          return lines;
        memcpy (grown + len, line, (size_t)l + 1);
        len += (size_t)l;
        *out = grown;
        lines++;
      }
  return lines;
}

char *
port_format_summary (const struct port_mapping *ports, size_t n)
{
  char *text = NULL;
  size_t len = 0;
  FILE *f = open_memstream (&text, &len);
  size_t i;

  if (f == NULL)
    return NULL;
  for (i = 0; i < n; i++)
    {
      const struct port_mapping *m = &ports[i];
      const char *ip = m->host_ip[0] ? m->host_ip : "0.0.0.0";

      fputs (i ? ", " : "", f);
      if (m->range > 1)
        fprintf (f, "%s:%u-%u->%u-%u/%s", ip, m->host_port, m->host_port + m->range - 1, m->container_port,
                 m->container_port + m->range - 1, m->protocol);
      else
        fprintf (f, "%s:%u->%u/%s", ip, m->host_port, m->container_port, m->protocol);
    }
  if (fclose (f) != 0)
    {
      free (text);
      return NULL;
    }
  return text;
}
