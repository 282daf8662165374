/* Addresses handed out on named networks (see network.h): one JSON file
 * per container in runroot/networks/leases/<network>/, written atomically
 * under the directory's lock.  Volatile on purpose: an address belongs to a
 * running container, and a reboot frees them all.  */
#include "config.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "state/lock.h"
#include "state/network.h"
#include "util/cleanup.h"
#include "util/error_text.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/time.h"
#include "util/xmalloc.h"

void
network_lease_clear (struct network_lease *l)
{
  free (l->name);
  free (l->hosts_path);
  cleanup_strvp (&l->aliases);
  memset (l, 0, sizeof *l);
}

void
network_lease_list_free (struct network_lease *l, size_t n)
{
  size_t i;

  for (i = 0; l && i < n; i++)
    network_lease_clear (&l[i]);
  free (l);
}

static char *
lease_dir (const struct galley_paths *p, const char *name)
{
  return xasprintf ("%s/networks/leases/%s", p->runroot, name);
}

int
network_lock (const struct galley_paths *p, const char *name, galley_error_t *err)
{
  _cleanup_free_ char *dir = lease_dir (p, name);

  return lock_in_dir (dir, "lock", NULL, err);
}

static int
lease_from_json (json_object *o, struct network_lease *l)
{
  json_object *a, *v;
  const char *s;
  size_t i, n;

  memset (l, 0, sizeof *l);
  if ((s = json_get_string (o, "id")) == NULL || strlen (s) != 64)
    return -1;
  memcpy (l->id, s, 65);
  if ((s = json_get_string (o, "ip")) == NULL || strlen (s) >= sizeof l->ip)
    return -1;
  strcpy (l->ip, s);
  if ((s = json_get_string (o, "mac")) != NULL && strlen (s) < sizeof l->mac)
    strcpy (l->mac, s);
  l->name = strdup ((s = json_get_string (o, "name")) ? s : "");
  l->hosts_path = strdup ((s = json_get_string (o, "hosts")) ? s : "");
  l->since = json_object_object_get_ex (o, "since", &v) ? json_object_get_int64 (v) : 0;
  n = json_object_object_get_ex (o, "aliases", &a) ? json_object_array_length (a) : 0;
  l->aliases = calloc (n + 1, sizeof *l->aliases);
  for (i = 0; l->aliases && i < n; i++)
    l->aliases[i] = strdup (json_object_get_string (json_object_array_get_idx (a, i)));
  return l->name && l->hosts_path && l->aliases ? 0 : -1;
}

int
network_lease_list (const struct galley_paths *p, const char *name, struct network_lease **out, size_t *n,
                    galley_error_t *err)
{
  _cleanup_free_ char *dir = lease_dir (p, name);
  struct network_lease *leases = NULL;
  size_t count = 0;
  DIR *d;
  struct dirent *e;

  *out = NULL;
  *n = 0;
  d = opendir (dir);
  if (d == NULL)
    return errno == ENOENT ? 0 : galley_error_make (err, errno, "opening %s", dir);
  while ((e = readdir (d)) != NULL)
    {
      _cleanup_free_ char *text = NULL;
      _cleanup_json_ json_object *o = NULL;
      _cleanup_error_ galley_error_t bad = NULL;
      struct network_lease *grown;
      size_t len;

      if (strlen (e->d_name) != 64)
        continue;
      if (fs_read_file (dirfd (d), e->d_name, 1 << 16, &text, &len, &bad) < 0
          || json_parse_strict (text, len, e->d_name, &o, &bad) < 0)
        continue;
      grown = realloc (leases, (count + 1) * sizeof *leases);
      if (grown == NULL)
        break;
      leases = grown;
      if (lease_from_json (o, &leases[count]) == 0)
        count++;
      else
        network_lease_clear (&leases[count]);
    }
  closedir (d);
  *out = leases;
  *n = count;
  return 0;
}

bool
network_mac_normalize (const char *text, char out[18])
{
  unsigned int b[6];
  int used = -1;
  size_t i;

  if (text == NULL || strspn (text, "0123456789abcdefABCDEF:") != strlen (text)
      || sscanf (text, "%2x:%2x:%2x:%2x:%2x:%2x%n", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5], &used) != 6
      || used < 0 || text[used] != '\0')
    return false;
  for (i = 0; i < 6; i++)
    if (b[i] > 0xff)
      return false;
  snprintf (out, 18, "%02x:%02x:%02x:%02x:%02x:%02x", b[0], b[1], b[2], b[3], b[4], b[5]);
  return true;
}

/* Host-order address of a dotted quad (0 when invalid).  */
static uint32_t
parse_ip (const char *s)
{
  struct in_addr a;
  return inet_pton (AF_INET, s, &a) == 1 ? ntohl (a.s_addr) : 0;
}

/* The lease of another container on ip, NULL when it is free.  */
static const struct network_lease *
ip_taken (uint32_t ip, const struct network_lease *l, size_t n, const char *self)
{
  size_t i;

  for (i = 0; i < n; i++)
    if (strcmp (l[i].id, self) != 0 && parse_ip (l[i].ip) == ip)
      return &l[i];
  return NULL;
}

static int
choose_ip (const struct network_def *d, struct network_lease *lease, const struct network_lease *l, size_t n,
           galley_error_t *err)
{
  uint32_t net, gw = parse_ip (d->gateway), mask, ip;
  const struct network_lease *holder;
  unsigned prefix;
  struct in_addr a;

  if (network_parse_subnet (d->subnet, &net, &prefix, err) < 0)
    return -1;
  mask = (uint32_t)(0xffffffffUL << (32 - prefix));
  if (lease->ip[0])
    {
      ip = parse_ip (lease->ip);
      if (ip == 0 || (ip & mask) != net || ip == net || ip == (net | ~mask) || ip == gw)
        return error_untrusted (err, "--ip %.64s is not a free host address of network %s (%s)", lease->ip,
                                d->name, d->subnet);
      if ((holder = ip_taken (ip, l, n, lease->id)) != NULL)
        return galley_error_make (
            err, 0, "IPAM error: requested ip address %s is already allocated to container ID %s", lease->ip,
            holder->id);
      return 0;
    }
  for (ip = net + 1; ip < (net | ~mask); ip++)
    if (ip != gw && ! ip_taken (ip, l, n, lease->id))
      {
        a.s_addr = htonl (ip);
        inet_ntop (AF_INET, &a, lease->ip, sizeof lease->ip);
        return 0;
      }
  return galley_error_make (err, ENOSPC, "IPAM error: no free address left in network %s (%s)", d->name,
                            d->subnet);
}

int
network_lease_take (const struct galley_paths *p, const struct network_def *d, struct network_lease *lease,
                    galley_error_t *err)
{
  _cleanup_free_ char *dir = lease_dir (p, d->name);
  _cleanup_json_ json_object *o = json_object_new_object ();
  json_object *aliases = json_object_new_array ();
  struct network_lease *l = NULL;
  size_t n = 0, i;
  int ret = -1;

  if (dir == NULL || network_lease_list (p, d->name, &l, &n, err) < 0)
    goto out;
  if (choose_ip (d, lease, l, n, err) < 0)
    goto out;
  lease->since = time_now_ns ();
  json_object_object_add (o, "id", json_object_new_string (lease->id));
  json_object_object_add (o, "name", json_object_new_string (lease->name ? lease->name : ""));
  json_object_object_add (o, "ip", json_object_new_string (lease->ip));
  json_object_object_add (o, "mac", json_object_new_string (lease->mac));
  json_object_object_add (o, "hosts", json_object_new_string (lease->hosts_path ? lease->hosts_path : ""));
  json_object_object_add (o, "since", json_object_new_int64 (lease->since));
  for (i = 0; lease->aliases && lease->aliases[i]; i++)
    json_object_array_add (aliases, json_object_new_string (lease->aliases[i]));
  json_object_object_add (o, "aliases", json_object_get (aliases));
  {
    _cleanup_close_ int dfd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0)
      galley_error_make (err, errno, "opening %s", dir);
    else
      ret = json_write_atomic (dfd, lease->id, o, err) == 0 ? 0 : -1;
  }
out:
  json_object_put (aliases);
  network_lease_list_free (l, n);
  return ret;
}

int
network_lease_drop (const struct galley_paths *p, const char *name, const char *id, galley_error_t *err)
{
  _cleanup_free_ char *dir = lease_dir (p, name), *file = xasprintf ("%s/%s", dir, id);

  if (unlink (file) < 0 && errno != ENOENT)
    return galley_error_make (err, errno, "removing %s", file);
  return 0;
}
