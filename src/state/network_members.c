/* A container record's named networks (see network_members.h).  */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "state/netconf.h"
#include "state/network.h"
#include "state/network_members.h"
#include "util/cleanup.h"
#include "util/json.h"
#include "util/xmalloc.h"

#define EXTRA_KEY "ExtraNetworks"

/* The primary network's name (allocated) when "Network" names one.  */
static char *
primary_name (json_object *config)
{
  struct net_options o;
  _cleanup_error_ galley_error_t ignored = NULL;
  char *name = NULL;

  if (net_options_parse (json_get_string (config, "Network"), &o, &ignored) < 0)
    return NULL;
  if (o.mode == NET_MODE_BRIDGE)
    name = xstrdup (o.container);
  net_options_clear (&o);
  return name;
}

static json_object *
extras (json_object *config)
{
  json_object *x;

  return json_object_object_get_ex (config, EXTRA_KEY, &x) && json_object_is_type (x, json_type_object)
             ? x
             : NULL;
}

static void
push_member (struct network_member **m, size_t *n, const char *name, json_object *aliases, const char *ip,
             const char *mac)
{
  *m = xreallocarray (*m, *n + 1, sizeof **m);
  (*m)[*n] = (struct network_member){
    .name = xstrdup (name),
    .aliases = json_array_strv (aliases),
    .ip = ip && *ip ? xstrdup (ip) : NULL,
    .mac = mac && *mac ? xstrdup (mac) : NULL,
  };
  (*n)++;
}

int
network_members_of (json_object *config, struct network_member **out, size_t *n, galley_error_t *err)
{
  _cleanup_free_ char *primary = primary_name (config);
  json_object *x = extras (config), *aliases = NULL;

  *out = NULL;
  *n = 0;
  if (primary)
    {
      json_object_object_get_ex (config, "NetworkAliases", &aliases);
      push_member (out, n, primary, aliases, json_get_string (config, "IP"),
                   json_get_string (config, "MacAddress"));
      if (x == NULL)
        return 0;
      json_object_object_foreach (x, name, member)
      {
        aliases = NULL;
        json_object_object_get_ex (member, "Aliases", &aliases);
        if (strcmp (name, primary) != 0)
          push_member (out, n, name, aliases, json_get_string (member, "IP"),
                       json_get_string (member, "MacAddress"));
      }
    }
  return 0;
}

bool
network_member_has (json_object *config, const char *name)
{
  _cleanup_free_ char *primary = primary_name (config);
  json_object *x = extras (config);

  return (primary && strcmp (primary, name) == 0)
         || (primary && x && json_object_object_get_ex (x, name, NULL));
}

static void
set_primary (json_object *config, const char *name, json_object *aliases, const char *ip, const char *mac)
{
  json_object_object_add (config, "Network", json_object_new_string (name));
  json_object_object_add (config, "NetworkAliases", aliases);
  json_object_object_del (config, "IP");
  json_object_object_del (config, "MacAddress");
  if (ip && *ip)
    json_object_object_add (config, "IP", json_object_new_string (ip));
  if (mac && *mac)
    json_object_object_add (config, "MacAddress", json_object_new_string (mac));
}

void
network_member_add (json_object *config, const char *name, char *const *aliases, size_t n_aliases,
                    const char *ip, const char *mac)
{
  _cleanup_free_ char *primary = primary_name (config);
  json_object *member;

  if (primary == NULL)
    {
      json_object_object_del (config, EXTRA_KEY);
      set_primary (config, name, json_strings_array (aliases, n_aliases), ip, mac);
      return;
    }
  member = json_object_new_object ();
  json_object_object_add (member, "Aliases", json_strings_array (aliases, n_aliases));
  if (ip && *ip)
    json_object_object_add (member, "IP", json_object_new_string (ip));
  if (mac && *mac)
    json_object_object_add (member, "MacAddress", json_object_new_string (mac));
  json_object_object_add (json_get_or_add (config, EXTRA_KEY, json_type_object), name, member);
}

bool
network_member_remove (json_object *config, const char *name)
{
  _cleanup_free_ char *primary = primary_name (config);
  json_object *x = extras (config);

  if (primary == NULL)
    return false;
  if (strcmp (primary, name) != 0)
    {
      if (x == NULL || ! json_object_object_get_ex (x, name, NULL))
        return false;
      json_object_object_del (x, name);
      if (json_object_object_length (x) == 0)
        json_object_object_del (config, EXTRA_KEY);
      return true;
    }
  /* The next one becomes the primary network.  */
  if (x && json_object_object_length (x) > 0)
    {
      struct lh_entry *first = json_object_get_object (x)->head;
      _cleanup_free_ char *next = strdup ((const char *)lh_entry_k (first));
      json_object *member = (json_object *)lh_entry_v (first), *aliases = NULL;

      if (next)
        {
          json_object_object_get_ex (member, "Aliases", &aliases);
          set_primary (config, next, aliases ? json_object_get (aliases) : json_object_new_array (),
                       json_get_string (member, "IP"), json_get_string (member, "MacAddress"));
          json_object_object_del (x, next);
          if (json_object_object_length (x) == 0)
            json_object_object_del (config, EXTRA_KEY);
          return true;
        }
    }
  json_object_object_del (config, EXTRA_KEY);
  set_primary (config, "none", json_object_new_array (), NULL, NULL);
  return true;
}

int
network_members_split (json_object *config, galley_error_t *err)
{
  const char *ip = json_get_string (config, "IP");
  /* a copy: "Network" is replaced below, which frees the record's string */
  _cleanup_free_ char *value =
      json_get_string (config, "Network") ? xstrdup (json_get_string (config, "Network")) : NULL;
  _cleanup_free_ char *copy = NULL;
  _cleanup_strv_ char **aliases = NULL;
  json_object *given = NULL;
  char *name, *save = NULL;
  size_t n_aliases;

  /* slirp4netns:a=b,c=d has options, not networks.  */
  if (value == NULL || strchr (value, ',') == NULL || strchr (value, ':') != NULL)
    return 0;
  if (ip && *ip)
    return galley_error_make (err, 0, "--ip can only be set for a single network: invalid argument");
  copy = xstrdup (value);
  json_object_object_get_ex (config, "NetworkAliases", &given);
  aliases = json_array_strv (given);
  for (n_aliases = 0; aliases[n_aliases]; n_aliases++)
    ;
  json_object_object_add (config, "Network", json_object_new_string ("none"));
  json_object_object_del (config, EXTRA_KEY);
  for (name = strtok_r (copy, ",", &save); name; name = strtok_r (NULL, ",", &save))
    {
      if (! net_name_is_valid (name) && strcmp (name, "bridge") != 0)
        return galley_error_make (err, EINVAL, "invalid network name %.64s in --network %.256s", name, value);
      if (strcmp (name, "bridge") == 0)
        name = (char *)NET_DEFAULT_NAME;
      if (! network_member_has (config, name))
        network_member_add (config, name, aliases, n_aliases, NULL, NULL);
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
network_settings_networks (const struct galley_paths *p, const char *id, json_object *config)
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
