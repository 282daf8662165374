/* A container's named networks (see network_members.h).  */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "state/netconf.h"
#include "state/network.h"
#include "state/network_members.h"
#include "util/cleanup.h"
#include "util/json.h"
#include "util/xmalloc.h"
#include "util/strv.h"

/* The primary network's name (allocated) when the network names one.  */
static char *
primary_name (const struct container_config *config)
{
  struct net_options o;
  _cleanup_error_ galley_error_t ignored = NULL;
  char *name = NULL;

  if (net_options_parse (config->network, &o, &ignored) < 0)
    return NULL;
  if (o.mode == NET_MODE_BRIDGE)
    name = xstrdup (o.container);
  net_options_clear (&o);
  return name;
}

static int
push_member (struct network_member **m, size_t *n, const char *name, char *const *aliases, const char *ip,
             const char *mac)
{
  struct network_member *grown = realloc (*m, (*n + 1) * sizeof *grown);

  if (grown == NULL)
    return -1;
  *m = grown;
  (*n)++;
  return network_member_set (&grown[*n - 1], name, aliases, strv_len (aliases), ip, mac);
}

int
network_members_of (const struct container_config *config, struct network_member **out, size_t *n,
                    galley_error_t *err)
{
  _cleanup_free_ char *primary = primary_name (config);
  size_t i;

  *out = NULL;
  *n = 0;
  if (primary == NULL)
    return 0;
  if (push_member (out, n, primary, config->network_aliases, config->ip, config->mac_address) < 0)
    goto nomem;
  for (i = 0; i < config->n_extra_networks; i++)
    {
      const struct network_member *x = &config->extra_networks[i];
      if (strcmp (x->name, primary) != 0 && push_member (out, n, x->name, x->aliases, x->ip, x->mac) < 0)
        goto nomem;
    }
  return 0;
nomem:
  network_members_free (*out, *n);
  *out = NULL;
  *n = 0;
  return galley_error_make (err, ENOMEM, "allocating");
}

/* The index of network name among the extra networks, or -1.  */
static ssize_t
extra_index (const struct container_config *config, const char *name)
{
  size_t i;

  for (i = 0; i < config->n_extra_networks; i++)
    if (strcmp (config->extra_networks[i].name, name) == 0)
      return (ssize_t)i;
  return -1;
}

bool
network_member_has (const struct container_config *config, const char *name)
{
  _cleanup_free_ char *primary = primary_name (config);

  return primary && (strcmp (primary, name) == 0 || extra_index (config, name) >= 0);
}

/* The primary network becomes m (taken).  */
static void
set_primary (struct container_config *config, struct network_member *m)
{
  free (config->network);
  config->network = steal_pointer (&m->name);
  cleanup_strvp (&config->network_aliases);
  config->network_aliases = steal_pointer (&m->aliases);
  free (config->ip);
  config->ip = steal_pointer (&m->ip);
  free (config->mac_address);
  config->mac_address = steal_pointer (&m->mac);
}

static void
drop_extra (struct container_config *config, size_t i)
{
  network_member_clear (&config->extra_networks[i]);
  memmove (&config->extra_networks[i], &config->extra_networks[i + 1],
           (config->n_extra_networks - i - 1) * sizeof *config->extra_networks);
  config->n_extra_networks--;
}

int
network_member_add (struct container_config *config, const char *name, char *const *aliases, size_t n_aliases,
                    const char *ip, const char *mac, galley_error_t *err)
{
  _cleanup_free_ char *primary = primary_name (config);
  struct network_member m, *grown;
  ssize_t i = extra_index (config, name);

  if (network_member_set (&m, name, aliases, n_aliases, ip, mac) < 0)
    {
      network_member_clear (&m);
      return galley_error_make (err, ENOMEM, "allocating");
    }
  if (primary == NULL)
    {
      network_members_free (config->extra_networks, config->n_extra_networks);
      config->extra_networks = NULL;
      config->n_extra_networks = 0;
      set_primary (config, &m);
      return 0;
    }
  /* on it already: its settings are replaced in place */
  if (i >= 0)
    {
      network_member_clear (&config->extra_networks[i]);
      config->extra_networks[i] = m;
      return 0;
    }
  grown = realloc (config->extra_networks, (config->n_extra_networks + 1) * sizeof *grown);
  if (grown == NULL)
    {
      network_member_clear (&m);
      return galley_error_make (err, ENOMEM, "allocating");
    }
  config->extra_networks = grown;
  grown[config->n_extra_networks++] = m;
  return 0;
}

int
network_member_remove (struct container_config *config, const char *name, galley_error_t *err)
{
  _cleanup_free_ char *primary = primary_name (config);
  struct network_member none = { 0 };
  ssize_t i = extra_index (config, name);

  if (primary == NULL)
    return 0;
  if (strcmp (primary, name) != 0)
    {
      if (i < 0)
        return 0;
      drop_extra (config, (size_t)i);
      return 1;
    }
  /* The next one becomes the primary network.  */
  if (config->n_extra_networks > 0)
    {
      set_primary (config, &config->extra_networks[0]);
      drop_extra (config, 0);
      return 1;
    }
  if (network_member_set (&none, "none", NULL, 0, NULL, NULL) < 0)
    {
      network_member_clear (&none);
      return galley_error_make (err, ENOMEM, "allocating");
    }
  set_primary (config, &none);
  return 1;
}

int
network_members_split (struct container_config *config, galley_error_t *err)
{
  /* a copy: the network is replaced below */
  _cleanup_free_ char *value = config->network ? strdup (config->network) : NULL;
  _cleanup_free_ char *copy = NULL;
  _cleanup_strv_ char **aliases = NULL;
  char *name, *save = NULL;
  size_t n_aliases;

  /* slirp4netns:a=b,c=d has options, not networks.  */
  if (value == NULL || strchr (value, ',') == NULL || strchr (value, ':') != NULL)
    return 0;
  if (config->ip && *config->ip)
    return galley_error_make (err, 0, "--ip can only be set for a single network: invalid argument");
  copy = strdup (value);
  aliases = config->network_aliases;
  config->network_aliases = NULL;
  if (aliases == NULL)
    aliases = calloc (1, sizeof (char *));
  if (copy == NULL || aliases == NULL)
    return galley_error_make (err, ENOMEM, "allocating");
  if (container_config_set_string (&config->network, "none", err) < 0)
    return -1;
  n_aliases = strv_len (aliases);
  network_members_free (config->extra_networks, config->n_extra_networks);
  config->extra_networks = NULL;
  config->n_extra_networks = 0;
  for (name = strtok_r (copy, ",", &save); name; name = strtok_r (NULL, ",", &save))
    {
      if (! net_name_is_valid (name) && strcmp (name, "bridge") != 0)
        return galley_error_make (err, EINVAL, "invalid network name %.64s in --network %.256s", name, value);
      if (strcmp (name, "bridge") == 0)
        name = (char *)NET_DEFAULT_NAME;
      if (! network_member_has (config, name)
          && network_member_add (config, name, aliases, n_aliases, NULL, NULL, err) < 0)
        return -1;
    }
  return 0;
}

static json_object *
network_entry (const struct galley_paths *p, const char *id, const struct network_member *m)
{
  json_object *o = json_object_new_object (), *aliases = json_object_new_array ();
  struct network_def d = { 0 };
  struct network_lease *l = NULL;
  _cleanup_error_ galley_error_t ignored = NULL;
  const char *ip = "", *gateway = "", *mac = "";
  char short_id[13];
  size_t n = 0, i;
  unsigned prefix = 0;
  uint32_t net;

  if (network_def_load (p, m->name, &d, &ignored) == 0
      && network_lease_list (p, d.name, &l, &n, &ignored) == 0)
    for (i = 0; i < n; i++)
      if (strcmp (l[i].id, id) == 0)
        {
          ip = l[i].ip;
          mac = l[i].mac;
          gateway = d.gateway;
          network_parse_subnet (d.subnet, &net, &prefix, &ignored);
        }
  json_object_object_add (o, "EndpointID", json_object_new_string (""));
  json_object_object_add (o, "Gateway", json_object_new_string (gateway));
  json_object_object_add (o, "IPAddress", json_object_new_string (ip));
  json_object_object_add (o, "IPPrefixLen", json_object_new_int ((int)prefix));
  json_object_object_add (o, "IPv6Gateway", json_object_new_string (""));
  json_object_object_add (o, "GlobalIPv6Address", json_object_new_string (""));
  json_object_object_add (o, "GlobalIPv6PrefixLen", json_object_new_int (0));
  json_object_object_add (o, "MacAddress", json_object_new_string (mac));
  json_object_object_add (o, "NetworkID", json_object_new_string (m->name));
  json_object_object_add (o, "DriverOpts", NULL);
  json_object_object_add (o, "IPAMConfig", NULL);
  json_object_object_add (o, "Links", NULL);
  for (i = 0; m->aliases[i]; i++)
    json_object_array_add (aliases, json_object_new_string (m->aliases[i]));
  snprintf (short_id, sizeof short_id, "%.12s", id);
  json_object_array_add (aliases, json_object_new_string (short_id));
  json_object_object_add (o, "Aliases", aliases);
  network_lease_list_free (l, n);
  network_def_clear (&d);
  return o;
}

json_object *
network_settings_networks (const struct galley_paths *p, const char *id,
                           const struct container_config *config)
{
  struct network_member *m = NULL;
  _cleanup_error_ galley_error_t ignored = NULL;
  json_object *out;
  size_t n = 0, i;

  if (network_members_of (config, &m, &n, &ignored) < 0 || n == 0)
    return NULL;
  out = json_object_new_object ();
  for (i = 0; i < n; i++)
    json_object_object_add (out, m[i].name, network_entry (p, id, &m[i]));
  network_members_free (m, n);
  return out;
}
