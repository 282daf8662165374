/* The key table of container.json (util/json_fields.h reads and writes
 * it; see container_config.h).  */
#include "config.h"
#include "state/container_config.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "util/cleanup.h"
#include "util/json.h"
#include "util/json_fields.h"
#include "util/strv.h"

/* The keys of a network_member in "ExtraNetworks".  */
#define MEMBER_ALIASES "Aliases"
#define MEMBER_IP "IP"
#define MEMBER_MAC "MacAddress"

void
network_member_clear (struct network_member *m)
{
  free (m->name);
  free (m->ip);
  free (m->mac);
  cleanup_strvp (&m->aliases);
  memset (m, 0, sizeof *m);
}

int
network_member_set (struct network_member *m, const char *name, char *const *aliases, size_t n_aliases,
                    const char *ip, const char *mac)
{
  size_t i;

  memset (m, 0, sizeof *m);
  m->name = strdup (name);
  m->aliases = calloc (n_aliases + 1, sizeof (char *));
  for (i = 0; m->aliases != NULL && i < n_aliases; i++)
    if ((m->aliases[i] = strdup (aliases[i])) == NULL)
      return -1;
  if (ip != NULL && *ip != '\0')
    m->ip = strdup (ip);
  if (mac != NULL && *mac != '\0')
    m->mac = strdup (mac);
  return m->name != NULL && m->aliases != NULL && (m->ip != NULL) == (ip != NULL && *ip != '\0')
                 && (m->mac != NULL) == (mac != NULL && *mac != '\0')
             ? 0
             : -1;
}

void
network_members_free (struct network_member *m, size_t n)
{
  size_t i;

  for (i = 0; m && i < n; i++)
    network_member_clear (&m[i]);
  free (m);
}

/* One member of "ExtraNetworks": an object of at most its three keys.  */
static bool
read_member (const char *name, json_object *v, struct network_member *m)
{
  _cleanup_strv_ char **aliases = NULL;
  const char *ip = NULL, *mac = NULL;

  memset (m, 0, sizeof *m);
  if (! json_object_is_type (v, json_type_object))
    return false;
  json_object_object_foreach (v, key, value)
  {
    bool is_string = json_object_is_type (value, json_type_string);
    if (strcmp (key, MEMBER_ALIASES) == 0)
      {
        if (! json_is_strings (value) || (aliases = json_array_strv (value)) == NULL)
          return false;
      }
    else if (strcmp (key, MEMBER_IP) == 0 && is_string)
      ip = json_object_get_string (value);
    else if (strcmp (key, MEMBER_MAC) == 0 && is_string)
      mac = json_object_get_string (value);
    else
      return false;
  }
  return network_member_set (m, name, aliases, strv_len (aliases), ip, mac) == 0;
}

static void
clear_networks (void *record)
{
  struct container_config *c = record;

  network_members_free (c->extra_networks, c->n_extra_networks);
  c->extra_networks = NULL;
  c->n_extra_networks = 0;
}

static bool
read_networks (json_object *v, void *record)
{
  struct container_config *c = record;
  size_t n = 0;

  if (! json_object_is_type (v, json_type_object))
    return false;
  c->extra_networks = calloc (json_object_object_length (v) + 1, sizeof *c->extra_networks);
  if (c->extra_networks == NULL)
    return false;
  json_object_object_foreach (v, name, member)
  {
    if (! read_member (name, member, &c->extra_networks[n]))
      {
        network_members_free (c->extra_networks, n + 1);
        c->extra_networks = NULL;
        return false;
      }
    n++;
  }
  c->n_extra_networks = n;
  return true;
}

static json_object *
write_networks (const void *record)
{
  const struct container_config *c = record;
  const struct network_member *m = c->extra_networks;
  size_t n = c->n_extra_networks, i;
  json_object *o;

  if (n == 0)
    return NULL;
  o = json_object_new_object ();
  for (i = 0; o && i < n; i++)
    {
      json_object *member = json_object_new_object ();
      json_object_object_add (member, MEMBER_ALIASES,
                              json_strings_array (m[i].aliases, strv_len (m[i].aliases)));
      if (m[i].ip && *m[i].ip)
        json_object_object_add (member, MEMBER_IP, json_object_new_string (m[i].ip));
      if (m[i].mac && *m[i].mac)
        json_object_object_add (member, MEMBER_MAC, json_object_new_string (m[i].mac));
      json_object_object_add (o, m[i].name, member);
    }
  return o;
}

static const struct json_field_custom networks_field = { read_networks, write_networks, clear_networks };

#define FIELD(key, type, member)                                             \
  {                                                                          \
    key, JSON_FIELD_##type, offsetof (struct container_config, member), NULL \
  }
#define CUSTOM(key, member, custom)                                            \
  {                                                                            \
    key, JSON_FIELD_CUSTOM, offsetof (struct container_config, member), custom \
  }

/* In the order the record is written.  */
static const struct json_field fields[] = {
  FIELD ("Id", STRING, id),
  FIELD ("Name", STRING, name),
  FIELD ("Created", STRING, created),
  FIELD ("Image", STRING, image),
  FIELD ("ImageID", STRING, image_id),
  FIELD ("Rootfs", BOOL, rootfs),
  FIELD ("Pull", STRING, pull),
  FIELD ("Quiet", BOOL, quiet),
  FIELD ("Entrypoint", STRV, entrypoint),
  FIELD ("Command", STRV, command),
  FIELD ("Args", STRV, args),
  FIELD ("CreateCommand", STRV, create_command),
  FIELD ("Env", STRV, env),
  FIELD ("User", STRING, user),
  FIELD ("WorkingDir", STRING, workdir),
  FIELD ("Hostname", STRING, hostname),
  FIELD ("Passwd", NOT_BOOL, no_passwd),
  FIELD ("Tty", BOOL, tty),
  FIELD ("Interactive", BOOL, interactive),
  FIELD ("Detach", BOOL, detach),
  FIELD ("Init", BOOL, init),
  FIELD ("PreserveFDs", INT, preserve_fds),
  FIELD ("StopSignal", STRING, stop_signal),
  FIELD ("Labels", MAP, labels),
  FIELD ("Annotations", MAP, annotations),
  FIELD ("Privileged", BOOL, privileged),
  FIELD ("ReadOnly", BOOL, read_only),
  FIELD ("CapAdd", STRV, cap_add),
  FIELD ("CapDrop", STRV, cap_drop),
  FIELD ("SecurityOpt", STRV, security_opt),
  FIELD ("UserNS", STRING, userns),
  FIELD ("UnmappedIds", STRING, unmapped_ids),
  FIELD ("PidMode", STRING, pid),
  FIELD ("IpcMode", STRING, ipc),
  FIELD ("UTSMode", STRING, uts),
  FIELD ("ShmSize", STRING, shm_size),
  FIELD ("GroupAdd", STRV, group_add),
  FIELD ("Memory", STRING, memory),
  FIELD ("Cpus", STRING, cpus),
  FIELD ("PidsLimit", STRING, pids_limit),
  FIELD ("Cgroups", STRING, cgroups),
  FIELD ("CgroupParent", STRING, cgroup_parent),
  FIELD ("Ulimits", STRV, ulimits),
  FIELD ("Devices", STRV, devices),
  FIELD ("Volumes", STRV, volumes),
  FIELD ("Mounts", STRV, mounts),
  FIELD ("Tmpfs", STRV, tmpfs),
  FIELD ("AnonymousVolumes", STRV, anonymous_volumes),
  FIELD ("Network", STRING, network),
  FIELD ("NetworkAliases", STRV, network_aliases),
  FIELD ("IP", STRING, ip),
  FIELD ("MacAddress", STRING, mac_address),
  CUSTOM ("ExtraNetworks", extra_networks, &networks_field),
  FIELD ("PublishPorts", STRV, publish),
  FIELD ("PublishAll", BOOL, publish_all),
  FIELD ("PortMappings", JSON, port_mappings),
  FIELD ("Dns", STRV, dns),
  FIELD ("DnsSearch", STRV, dns_search),
  FIELD ("DnsOption", STRV, dns_option),
  FIELD ("AddHost", STRV, add_host),
  FIELD ("SecretOptions", STRV, secret_options),
  FIELD ("Secrets", JSON, secrets),
  FIELD ("Pod", STRING, pod),
  FIELD ("IsInfra", BOOL, is_infra),
  FIELD ("Rm", BOOL, rm),
  FIELD ("Restart", STRING, restart),
  FIELD ("CIDFile", STRING, cidfile),
  FIELD ("LogDriver", STRING, log_driver),
  FIELD ("LogOpt", STRV, log_opt),
  FIELD ("State", JSON, state),
};

static const struct json_fields table = { fields, sizeof fields / sizeof fields[0],
                                          offsetof (struct container_config, unknown) };

void
container_config_clear (struct container_config *c)
{
  json_fields_clear (&table, c, sizeof *c);
}

void
container_config_move (struct container_config *to, struct container_config *from)
{
  container_config_clear (to);
  *to = *from;
  memset (from, 0, sizeof *from);
}

int
container_config_set_string (char **field, const char *value, galley_error_t *err)
{
  char *copy = NULL;

  if (value != NULL && (copy = strdup (value)) == NULL)
    return galley_error_make (err, errno, "allocating");
  free (*field);
  *field = copy;
  return 0;
}

int
container_config_from_json (json_object *record, struct container_config *out, galley_error_t *err)
{
  return json_fields_read (&table, record, out, "container record", err);
}

int
container_config_to_json (const struct container_config *c, json_object **out, galley_error_t *err)
{
  return json_fields_write (&table, c, out, err);
}

int
container_config_parse (const char *text, size_t len, const char *what, struct container_config *out,
                        galley_error_t *err)
{
  _cleanup_json_ json_object *record = NULL;

  if (json_parse_strict (text, len, what, &record, err) < 0)
    return -1;
  if (container_config_from_json (record, out, err) < 0)
    return galley_error_wrap (err, "%s", what);
  return 0;
}

int
container_config_write (int dirfd, const char *name, const struct container_config *c, galley_error_t *err)
{
  _cleanup_json_ json_object *record = NULL;

  if (container_config_to_json (c, &record, err) < 0)
    return -1;
  return json_write_atomic (dirfd, name, record, err);
}
