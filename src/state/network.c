/* Named network definitions (see network.h; leases: network_lease.c).  */
#include "config.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "state/container.h"
#include "state/events.h"
#include "state/lock.h"
#include "state/netconf.h"
#include "state/network.h"
#include "util/cleanup.h"
#include "util/error_text.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/time.h"
#include "util/xmalloc.h"

#define DEFAULT_SUBNET "10.88.0.0/16"
#define DEFAULT_GATEWAY "10.88.0.1"
#define DEFAULT_INTERFACE "podman0"

void
network_def_clear (struct network_def *d)
{
  free (d->name);
  free (d->id);
  free (d->interface);
  free (d->subnet);
  free (d->gateway);
  if (d->labels)
    json_object_put (d->labels);
  memset (d, 0, sizeof *d);
}

void
network_def_list_free (struct network_def *defs, size_t n)
{
  size_t i;

  for (i = 0; defs && i < n; i++)
    network_def_clear (&defs[i]);
  free (defs);
}

int
network_parse_subnet (const char *text, uint32_t *addr, unsigned *prefix, galley_error_t *err)
{
  const char *slash = strchr (text, '/');
  char ip[16];
  struct in_addr a;
  char *end = NULL;
  unsigned long n;
  uint32_t mask;

  if (slash == NULL || (size_t)(slash - text) >= sizeof ip)
    return error_untrusted (err, "invalid subnet %.64s: expected an IPv4 CIDR such as 10.89.1.0/24", text);
  memcpy (ip, text, (size_t)(slash - text));
  ip[slash - text] = '\0';
  n = strtoul (slash + 1, &end, 10);
  if (inet_pton (AF_INET, ip, &a) != 1 || slash[1] == '\0' || *end != '\0' || n < 8 || n > 30)
    return error_untrusted (err, "invalid subnet %.64s: expected an IPv4 CIDR with a prefix from 8 to 30",
                            text);
  mask = (uint32_t)(0xffffffffUL << (32 - n));
  if ((ntohl (a.s_addr) & ~mask) != 0)
    return error_untrusted (err, "invalid subnet %.64s: host bits are set (the network is %u.%u.%u.%u/%lu)",
                            text, (ntohl (a.s_addr) & mask) >> 24, ((ntohl (a.s_addr) & mask) >> 16) & 255,
                            ((ntohl (a.s_addr) & mask) >> 8) & 255, ntohl (a.s_addr) & mask & 255, n);
  *addr = ntohl (a.s_addr);
  *prefix = (unsigned)n;
  return 0;
}

static void
format_ip (uint32_t host_order, char out[16])
{
  struct in_addr a = { htonl (host_order) };
  inet_ntop (AF_INET, &a, out, 16);
}

static char *
networks_dir (const struct galley_paths *p)
{
  return xasprintf ("%s/networks", p->root);
}

static void
default_def (struct network_def *d)
{
  memset (d, 0, sizeof *d);
  d->name = xstrdup (NET_DEFAULT_NAME);
  /* podman's id of its default network */
  d->id = xstrdup ("2f259bab93aaaaa2542ba43ef33eb990d0999ee1b9924b557b7be53c0b7a1bb9");
  d->interface = xstrdup (DEFAULT_INTERFACE);
  d->subnet = xstrdup (DEFAULT_SUBNET);
  d->gateway = xstrdup (DEFAULT_GATEWAY);
  d->labels = xalloc_check (json_object_new_object ());
}

static int
def_from_json (json_object *o, struct network_def *d, galley_error_t *err)
{
  json_object *subnets, *first, *v;
  const char *s;

  memset (d, 0, sizeof *d);
  if (! json_object_object_get_ex (o, "subnets", &subnets) || json_object_array_length (subnets) < 1)
    return galley_error_make (err, EINVAL, "network record without a subnet");
  first = json_object_array_get_idx (subnets, 0);
  d->name = (s = json_get_string (o, "name")) ? strdup (s) : NULL;
  d->id = (s = json_get_string (o, "id")) ? strdup (s) : NULL;
  d->interface = (s = json_get_string (o, "network_interface")) ? strdup (s) : NULL;
  d->subnet = (s = json_get_string (first, "subnet")) ? strdup (s) : NULL;
  d->gateway = (s = json_get_string (first, "gateway")) ? strdup (s) : NULL;
  d->internal = json_object_object_get_ex (o, "internal", &v) && json_object_get_boolean (v);
  d->labels = json_object_object_get_ex (o, "labels", &v) ? json_object_get (v) : json_object_new_object ();
  d->created = (s = json_get_string (o, "created")) ? time_parse_rfc3339 (s) : 0;
  if (! d->name || ! d->id || ! d->interface || ! d->subnet || ! d->gateway)
    {
      network_def_clear (d);
      return galley_error_make (err, EINVAL, "incomplete network record");
    }
  return 0;
}

json_object *
network_def_to_json (const struct network_def *d)
{
  json_object *o = json_object_new_object (), *subnets = json_object_new_array ();
  json_object *sn = json_object_new_object (), *ipam = json_object_new_object ();
  char created[64];

  time_format_rfc3339 (d->created, created, sizeof created);
  json_object_object_add (o, "name", json_object_new_string (d->name));
  json_object_object_add (o, "id", json_object_new_string (d->id));
  json_object_object_add (o, "driver", json_object_new_string ("bridge"));
  json_object_object_add (o, "network_interface", json_object_new_string (d->interface));
  json_object_object_add (o, "created", json_object_new_string (created));
  json_object_object_add (sn, "subnet", json_object_new_string (d->subnet));
  json_object_object_add (sn, "gateway", json_object_new_string (d->gateway));
  json_object_array_add (subnets, sn);
  json_object_object_add (o, "subnets", subnets);
  json_object_object_add (o, "ipv6_enabled", json_object_new_boolean (0));
  json_object_object_add (o, "internal", json_object_new_boolean (d->internal));
  /* Names resolve through /etc/hosts, not a DNS server.  */
  json_object_object_add (o, "dns_enabled", json_object_new_boolean (0));
  json_object_object_add (o, "labels", json_object_get (d->labels));
  json_object_object_add (ipam, "driver", json_object_new_string ("host-local"));
  json_object_object_add (o, "ipam_options", ipam);
  return o;
}

static int
read_def (int dirfd, const char *file, struct network_def *d, galley_error_t *err)
{
  _cleanup_free_ char *text = NULL;
  _cleanup_json_ json_object *o = NULL;
  size_t len;

  if (fs_read_file (dirfd, file, 1 << 20, &text, &len, err) < 0
      || json_parse_strict (text, len, file, &o, err) < 0)
    return -1;
  return def_from_json (o, d, err);
}

static int
compare_names (const void *a, const void *b)
{
  return strcmp (((const struct network_def *)a)->name, ((const struct network_def *)b)->name);
}

int
network_def_list (const struct galley_paths *p, struct network_def **out, size_t *n, galley_error_t *err)
{
  _cleanup_free_ char *dir = networks_dir (p);
  struct network_def *defs = xcalloc (1, sizeof *defs);
  size_t count = 1;
  DIR *d;
  struct dirent *e;

  default_def (&defs[0]);
  d = opendir (dir);
  while (d && (e = readdir (d)) != NULL)
    {
      size_t len = strlen (e->d_name);
      _cleanup_error_ galley_error_t bad = NULL;

      if (e->d_name[0] == '.' || len < 6 || strcmp (e->d_name + len - 5, ".json") != 0)
        continue;
      defs = xreallocarray (defs, count + 1, sizeof *defs);
      if (read_def (dirfd (d), e->d_name, &defs[count], &bad) == 0)
        count++;
    }
  if (d)
    closedir (d);
  qsort (defs + 1, count - 1, sizeof *defs, compare_names);
  *out = defs;
  *n = count;
  return 0;
}

int
network_def_load (const struct galley_paths *p, const char *name_or_id, struct network_def *out,
                  galley_error_t *err)
{
  struct network_def *defs;
  size_t n, i, found = (size_t)-1, matches = 0;

  if (network_def_list (p, &defs, &n, err) < 0)
    return -1;
  for (i = 0; i < n; i++)
    if (strcmp (defs[i].name, name_or_id) == 0)
      {
        found = i;
        matches = 1;
        break;
      }
    else if (strlen (name_or_id) >= 3 && strncmp (defs[i].id, name_or_id, strlen (name_or_id)) == 0)
      {
        found = i;
        matches++;
      }
  if (matches == 1)
    {
      *out = defs[found];
      memset (&defs[found], 0, sizeof defs[found]);
    }
  network_def_list_free (defs, n);
  if (matches == 1)
    return 0;
  return error_untrusted (err, "unable to find network with name or ID %.128s: network not found",
                          name_or_id);
}

/* Does [a, a+size) overlap [b, b+size)?  */
static bool
subnets_overlap (uint32_t a, unsigned pa, uint32_t b, unsigned pb)
{
  unsigned p = pa < pb ? pa : pb;
  uint32_t mask = (uint32_t)(0xffffffffUL << (32 - p));

  return (a & mask) == (b & mask);
}

static int
choose_subnet (struct network_def *d, const struct network_def *defs, size_t n, galley_error_t *err)
{
  uint32_t want, other;
  unsigned prefix, other_prefix, k;
  size_t i;
  char buf[32];

  for (k = 0; k < 256 && d->subnet == NULL; k++)
    {
      bool taken = false;
      want = (10u << 24) | (89u << 16) | (k << 8);
      for (i = 0; i < n && ! taken; i++)
        taken = network_parse_subnet (defs[i].subnet, &other, &other_prefix, NULL) == 0
                && subnets_overlap (want, 24, other, other_prefix);
      if (! taken)
        {
          format_ip (want, buf);
          strcat (buf, "/24");
          d->subnet = strdup (buf);
        }
    }
  if (d->subnet == NULL)
    return galley_error_make (err, 0, "no free subnet in 10.89.0.0/16: give one with --subnet");
  if (network_parse_subnet (d->subnet, &want, &prefix, err) < 0)
    return -1;
  for (i = 0; i < n; i++)
    if (network_parse_subnet (defs[i].subnet, &other, &other_prefix, NULL) == 0
        && subnets_overlap (want, prefix, other, other_prefix))
      return error_untrusted (err, "subnet %s is already used on the host or by another config", d->subnet);
  if (d->gateway == NULL)
    {
      format_ip (want + 1, buf);
      d->gateway = strdup (buf);
    }
  else
    {
      struct in_addr g;
      uint32_t mask = (uint32_t)(0xffffffffUL << (32 - prefix)), h;
      if (inet_pton (AF_INET, d->gateway, &g) != 1)
        return error_untrusted (err, "invalid gateway %.64s: an IPv4 address is expected", d->gateway);
      h = ntohl (g.s_addr);
      if ((h & mask) != want || h == want || h == (want | ~mask))
        return error_untrusted (err, "gateway %s is not a host address of subnet %s", d->gateway, d->subnet);
    }
  return 0;
}

static int
choose_name_and_interface (struct network_def *d, const struct network_def *defs, size_t n,
                           galley_error_t *err)
{
  unsigned k;
  size_t i;

  for (i = 0; d->name && i < n; i++)
    if (strcmp (defs[i].name, d->name) == 0)
      return galley_error_kind (err, EEXIST, "network name %s already used: network already exists", d->name);
  for (k = 1; k < 10000 && d->interface == NULL; k++)
    {
      char name[32];
      bool taken = false;
      snprintf (name, sizeof name, "podman%u", k);
      for (i = 0; i < n && ! taken; i++)
        taken = strcmp (defs[i].interface, name) == 0 || strcmp (defs[i].name, name) == 0;
      if (! taken)
        {
          d->interface = xstrdup (name);
          if (d->name == NULL)
            d->name = xstrdup (name);
        }
    }
  if (d->interface == NULL)
    return galley_error_make (err, ENOSPC, "no free interface name podman1 to podman9999");
  return 0;
}

int
network_def_create (const struct galley_paths *p, struct network_def *d, galley_error_t *err)
{
  _cleanup_free_ char *dir = networks_dir (p), *file = NULL;
  _cleanup_close_ int dirfd = -1, lock = -1;
  _cleanup_json_ json_object *o = NULL;
  struct network_def *defs = NULL;
  size_t n = 0;
  char id[HEX_ID_BUFSIZE];
  int ret = -1;

  if (d->name && ! net_name_is_valid (d->name))
    return error_untrusted (err, "invalid network name %.64s: names must match [a-zA-Z0-9][a-zA-Z0-9_.-]*",
                            d->name);
  if (paths_ensure_root (p, err) < 0)
    return -1;
  lock = lock_in_dir (dir, ".lock", &dirfd, err);
  if (lock < 0)
    return -1;
  if (network_def_list (p, &defs, &n, err) < 0)
    return -1;
  if (choose_name_and_interface (d, defs, n, err) < 0 || choose_subnet (d, defs, n, err) < 0
      || container_new_id (id, err) < 0)
    goto out;
  d->id = xstrdup (id);
  d->created = time_now_ns ();
  if (d->labels == NULL)
    d->labels = json_object_new_object ();
  o = network_def_to_json (d);
  file = xasprintf ("%s.json", d->name);
  ret = json_write_atomic (dirfd, file, o, err);
  if (ret == 0)
    event_write_object (p, EVENT_NETWORK, "create", d->id, d->name);
out:
  network_def_list_free (defs, n);
  return ret;
}

int
network_def_remove (const struct galley_paths *p, const char *name, galley_error_t *err)
{
  _cleanup_free_ char *dir = NULL, *file = NULL, *runs = NULL;

  if (strcmp (name, NET_DEFAULT_NAME) == 0)
    return galley_error_make (err, 0, "default network %s cannot be removed", name);
  dir = networks_dir (p);
  file = xasprintf ("%s/%s.json", dir, name);
  runs = xasprintf ("%s/networks/leases", p->runroot);
  if (unlink (file) < 0 && errno != ENOENT)
    return galley_error_make (err, errno, "removing %s", file);
  {
    _cleanup_close_ int rfd = open (runs, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (rfd >= 0 && fs_remove_tree (rfd, name, err) < 0)
      return -1;
  }
  event_write_object (p, EVENT_NETWORK, "remove", NULL, name);
  return 0;
}
