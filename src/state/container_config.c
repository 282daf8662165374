/* The key table of container.json and its JSON reading and writing (see
 * container_config.h).  */
#include "config.h"
#include "state/container_config.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "util/cleanup.h"
#include "util/json.h"
#include "util/strv.h"

enum field_type
{
  FIELD_STRING,   /* char *: a JSON string */
  FIELD_BOOL,     /* bool: a JSON boolean, written when true */
  FIELD_NOT_BOOL, /* bool: the negation of a JSON boolean, written when true */
  FIELD_INT,      /* int: a JSON integer, written when not 0 */
  FIELD_STRV,     /* char **: an array of strings */
  FIELD_MAP,      /* char ** of "KEY=value": an object of strings */
  FIELD_JSON,     /* json_object *: any JSON value, kept as it is */
  FIELD_NETWORKS, /* extra_networks: an object of network_member objects */
};

struct field
{
  const char *key;
  enum field_type type;
  size_t offset;
};

#define FIELD(key, type, member)                                  \
  {                                                               \
    key, FIELD_##type, offsetof (struct container_config, member) \
  }

/* In the order the record is written.  */
static const struct field fields[] = {
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
  FIELD ("ExtraNetworks", NETWORKS, extra_networks),
  FIELD ("PublishPorts", STRV, publish),
  FIELD ("PublishAll", BOOL, publish_all),
  FIELD ("PortMappings", JSON, port_mappings),
  FIELD ("Dns", STRV, dns),
  FIELD ("DnsSearch", STRV, dns_search),
  FIELD ("DnsOption", STRV, dns_option),
  FIELD ("AddHost", STRV, add_host),
  FIELD ("SecretOptions", STRV, secret_options),
  FIELD ("Secrets", JSON, secrets),
  FIELD ("Rm", BOOL, rm),
  FIELD ("Restart", STRING, restart),
  FIELD ("CIDFile", STRING, cidfile),
  FIELD ("LogDriver", STRING, log_driver),
  FIELD ("LogOpt", STRV, log_opt),
  FIELD ("State", JSON, state),
};

/* The keys of a network_member in "ExtraNetworks".  */
#define MEMBER_ALIASES "Aliases"
#define MEMBER_IP "IP"
#define MEMBER_MAC "MacAddress"

#define AT(c, f, type) ((type *)((char *)(c) + (f)->offset))

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

void
container_config_clear (struct container_config *c)
{
  size_t i;

  for (i = 0; i < sizeof fields / sizeof fields[0]; i++)
    {
      const struct field *f = &fields[i];
      switch (f->type)
        {
        case FIELD_STRING:
          free (*AT (c, f, char *));
          break;
        case FIELD_STRV:
        case FIELD_MAP:
          cleanup_strvp (AT (c, f, char **));
          break;
        case FIELD_JSON:
          if (*AT (c, f, json_object *) != NULL)
            json_object_put (*AT (c, f, json_object *));
          break;
        case FIELD_NETWORKS:
          network_members_free (c->extra_networks, c->n_extra_networks);
          break;
        case FIELD_BOOL:
        case FIELD_NOT_BOOL:
        case FIELD_INT:
          break;
        }
    }
  if (c->unknown != NULL)
    json_object_put (c->unknown);
  memset (c, 0, sizeof *c);
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

static const struct field *
field_by_key (const char *key)
{
  size_t i;

  for (i = 0; i < sizeof fields / sizeof fields[0]; i++)
    if (strcmp (fields[i].key, key) == 0)
      return &fields[i];
  return NULL;
}

/* An array whose elements are all strings, as a vector; false for any
 * other value.  */
static bool
read_strv (json_object *v, char ***out)
{
  size_t i, n;

  if (! json_object_is_type (v, json_type_array))
    return false;
  n = json_object_array_length (v);
  for (i = 0; i < n; i++)
    if (! json_object_is_type (json_object_array_get_idx (v, i), json_type_string))
      return false;
  *out = json_array_strv (v);
  return true;
}

/* An object whose members are all strings, as "KEY=value" pairs.  */
static bool
read_map (json_object *v, char ***out)
{
  _cleanup_strv_ char **map = NULL;

  if (! json_object_is_type (v, json_type_object))
    return false;
  json_object_object_foreach (v, key, value)
  {
    if (! json_object_is_type (value, json_type_string))
      return false;
    if (strv_kv_set (&map, key, json_object_get_string (value)) < 0)
      return false;
  }
  *out = steal_pointer (&map);
  if (*out == NULL)
    *out = calloc (1, sizeof (char *));
  return *out != NULL;
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
        if (! read_strv (value, &aliases) || aliases == NULL)
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

static bool
read_networks (json_object *v, struct container_config *c)
{
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

/* The value of field f into c; false when it is not of the field's type
 * (or memory ran out: the value is then kept as unknown all the same).  */
static bool
read_field (const struct field *f, json_object *v, struct container_config *c)
{
  switch (f->type)
    {
    case FIELD_STRING:
      if (! json_object_is_type (v, json_type_string))
        return false;
      free (*AT (c, f, char *));
      return (*AT (c, f, char *) = strdup (json_object_get_string (v))) != NULL;
    case FIELD_BOOL:
    case FIELD_NOT_BOOL:
      if (! json_object_is_type (v, json_type_boolean))
        return false;
      *AT (c, f, bool) = json_object_get_boolean (v) == (f->type == FIELD_BOOL);
      return true;
    case FIELD_INT:
      if (! json_object_is_type (v, json_type_int))
        return false;
      *AT (c, f, int) = json_object_get_int (v);
      return true;
    case FIELD_STRV:
      cleanup_strvp (AT (c, f, char **));
      return read_strv (v, AT (c, f, char **)) && *AT (c, f, char **) != NULL;
    case FIELD_MAP:
      cleanup_strvp (AT (c, f, char **));
      return read_map (v, AT (c, f, char **));
    case FIELD_JSON:
      if (v == NULL) /* null: kept as unknown */
        return false;
      if (*AT (c, f, json_object *) != NULL)
        json_object_put (*AT (c, f, json_object *));
      *AT (c, f, json_object *) = json_object_get (v);
      return true;
    case FIELD_NETWORKS:
      network_members_free (c->extra_networks, c->n_extra_networks);
      c->extra_networks = NULL;
      c->n_extra_networks = 0;
      return read_networks (v, c);
    }
  return false;
}

int
container_config_from_json (json_object *record, struct container_config *out, galley_error_t *err)
{
  if (! json_object_is_type (record, json_type_object))
    return galley_error_make (err, EINVAL, "container record: not a JSON object");
  json_object_object_foreach (record, key, value)
  {
    const struct field *f = field_by_key (key);
    if (f != NULL && read_field (f, value, out))
      continue;
    if (out->unknown == NULL && (out->unknown = json_object_new_object ()) == NULL)
      return galley_error_make (err, ENOMEM, "allocating");
    json_object_object_add (out->unknown, key, json_object_get (value));
  }
  return 0;
}

static json_object *
networks_object (const struct network_member *m, size_t n)
{
  json_object *o = json_object_new_object ();
  size_t i;

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

/* The JSON value of field f of c, NULL when the field is at its zero
 * value (and so absent from the record).  */
static json_object *
write_field (const struct field *f, const struct container_config *c)
{
  switch (f->type)
    {
    case FIELD_STRING:
      return *AT (c, f, char *const) ? json_object_new_string (*AT (c, f, char *const)) : NULL;
    case FIELD_BOOL:
      return *AT (c, f, const bool) ? json_object_new_boolean (true) : NULL;
    case FIELD_NOT_BOOL:
      return *AT (c, f, const bool) ? json_object_new_boolean (false) : NULL;
    case FIELD_INT:
      return *AT (c, f, const int) ? json_object_new_int (*AT (c, f, const int)) : NULL;
    case FIELD_STRV:
      return *AT (c, f, char **const)
                 ? json_strings_array (*AT (c, f, char **const), strv_len (*AT (c, f, char **const)))
                 : NULL;
    case FIELD_MAP:
      return *AT (c, f, char **const) ? json_kv_object (*AT (c, f, char **const)) : NULL;
    case FIELD_JSON:
      return json_object_get (*AT (c, f, json_object *const));
    case FIELD_NETWORKS:
      return c->n_extra_networks > 0 ? networks_object (c->extra_networks, c->n_extra_networks) : NULL;
    }
  return NULL;
}

int
container_config_to_json (const struct container_config *c, json_object **out, galley_error_t *err)
{
  _cleanup_json_ json_object *o = json_object_new_object ();
  size_t i;

  if (o == NULL)
    return galley_error_make (err, ENOMEM, "allocating");
  for (i = 0; i < sizeof fields / sizeof fields[0]; i++)
    {
      json_object *v = write_field (&fields[i], c);
      if (v != NULL)
        json_object_object_add (o, fields[i].key, v);
    }
  /* a field set since the record was read wins over its unusable value */
  if (c->unknown != NULL)
    {
      json_object_object_foreach (c->unknown, key, value)
      {
        if (! json_object_object_get_ex (o, key, NULL))
          json_object_object_add (o, key, json_object_get (value));
      }
    }
  *out = steal_pointer (&o);
  return 0;
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
