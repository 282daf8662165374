/* Reading one CDI spec (see cdi_spec.h): the document's fields checked
 * one by one, and the edits turned into galley's device, mount and hook
 * types.  */
#include "config.h"
#include "runtime/cdi_spec.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#include "util/cleanup.h"
#include "util/json.h"
#include "util/path.h"
#include "util/strv.h"

/* The spec versions, oldest first, and what needs which: a spec must say
 * at least the version of the newest feature it uses.  */
static const char *const versions[] = { "0.1.0", "0.2.0", "0.3.0", "0.4.0", "0.5.0",
                                        "0.6.0", "0.7.0", "0.8.0", "1.0.0", "1.1.0" };
enum
{
  V_040 = 3, /* a mount's type */
  V_050 = 4, /* a device node's hostPath; a device name starting with a digit */
  V_060 = 5, /* annotations; a dot in the class */
  V_070 = 6, /* intelRdt; additionalGids */
  V_110 = 9, /* netDevices; intelRdt's schemata and enableMonitoring */
};

struct reader
{
  const char *what; /* the file, for errors */
  int needs;        /* index in versions of what the fields used need */
};

static void
need (struct reader *r, int version)
{
  if (version > r->needs)
    r->needs = version;
}

static bool
is_letter (char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool
is_alnum (char c)
{
  return is_letter (c) || (c >= '0' && c <= '9');
}

/* first: what the first character may be; inner: the extra characters
 * allowed inside (besides letters and digits); the last is alphanumeric.  */
static bool
valid_name (const char *s, size_t len, bool (*first) (char), const char *inner)
{
  size_t i;

  if (len == 0 || ! first (s[0]))
    return false;
  for (i = 1; i + 1 < len; i++)
    if (! is_alnum (s[i]) && (s[i] == '\0' || strchr (inner, s[i]) == NULL))
      return false;
  return len == 1 || is_alnum (s[len - 1]);
}

bool
cdi_parse_qualified_name (const char *s, size_t *vendor_len, size_t *class_len)
{
  const char *slash, *eq;

  if (s[0] == '/' || (eq = strchr (s, '=')) == NULL || (slash = memchr (s, '/', (size_t)(eq - s))) == NULL)
    return false;
  *vendor_len = (size_t)(slash - s);
  *class_len = (size_t)(eq - slash - 1);
  return valid_name (s, *vendor_len, is_letter, "_-.") && valid_name (slash + 1, *class_len, is_letter, "_-.")
         && valid_name (eq + 1, strlen (eq + 1), is_alnum, "_-.:");
}

/* Every member of obj must be one of the names (NULL-terminated).  */
static int
check_keys (json_object *obj, const char *const *names, const char *what, const char *where,
            galley_error_t *err)
{
  if (! json_object_is_type (obj, json_type_object))
    return galley_error_make (err, 0, "%s: %s must be an object", what, where);
  json_object_object_foreach (obj, key, value)
  {
    const char *const *n;
    (void)value;
    for (n = names; *n != NULL && strcmp (*n, key) != 0; n++)
      ;
    if (*n == NULL)
      return galley_error_make (err, 0, "%s: %s: unknown field \"%s\"", what, where, key);
  }
  return 0;
}

/* obj[key], NULL when absent or null.  */
static json_object *
member (json_object *obj, const char *key)
{
  json_object *v = NULL;

  json_object_object_get_ex (obj, key, &v);
  return v;
}

static int
get_string (json_object *obj, const char *key, bool required, const char *what, const char *where,
            const char **out, galley_error_t *err)
{
  json_object *v = member (obj, key);

  *out = NULL;
  if (v == NULL && ! required)
    return 0;
  if (! json_object_is_type (v, json_type_string) || (required && json_object_get_string_len (v) == 0))
    return galley_error_make (err, 0, "%s: %s: \"%s\" must be a%s string", what, where, key,
                              required ? " non-empty" : "");
  *out = json_object_get_string (v);
  return 0;
}

/* An array (or absent) whose elements all have the type.  */
static int
get_array (json_object *obj, const char *key, json_type type, const char *what, const char *where,
           json_object **out, galley_error_t *err)
{
  json_object *v = member (obj, key);
  size_t i;

  *out = NULL;
  if (v == NULL)
    return 0;
  if (! json_object_is_type (v, json_type_array))
    return galley_error_make (err, 0, "%s: %s: \"%s\" must be an array", what, where, key);
  for (i = 0; i < json_object_array_length (v); i++)
    if (! json_object_is_type (json_object_array_get_idx (v, i), type))
      return galley_error_make (err, 0, "%s: %s: \"%s\" has an element of the wrong type", what, where, key);
  *out = v;
  return 0;
}

/* The optional integer members of obj, checked for type only: rootless,
 * a device node is the host's own, bound.  */
static int
check_ints (json_object *obj, const char *const *keys, const char *what, const char *where,
            galley_error_t *err)
{
  for (; *keys != NULL; keys++)
    {
      json_object *v = member (obj, *keys);
      if (v != NULL && ! json_object_is_type (v, json_type_int))
        return galley_error_make (err, 0, "%s: %s: \"%s\" must be an integer", what, where, *keys);
    }
  return 0;
}

static int
check_annotations (struct reader *r, json_object *obj, const char *where, galley_error_t *err)
{
  json_object *a = member (obj, "annotations");

  if (a == NULL)
    return 0;
  if (! json_object_is_type (a, json_type_object))
    return galley_error_make (err, 0, "%s: %s: \"annotations\" must be an object of strings", r->what, where);
  json_object_object_foreach (a, key, value)
  {
    (void)key;
    if (! json_object_is_type (value, json_type_string))
      return galley_error_make (err, 0, "%s: %s: \"annotations\" must be an object of strings", r->what,
                                where);
  }
  if (json_object_object_length (a) > 0)
    need (r, V_060);
  return 0;
}

static int
parse_env (struct reader *r, json_object *edits, struct cdi_edits *e, galley_error_t *err)
{
  json_object *arr;
  size_t i;

  if (get_array (edits, "env", json_type_string, r->what, "containerEdits", &arr, err) < 0)
    return -1;
  for (i = 0; arr != NULL && i < json_object_array_length (arr); i++)
    {
      const char *v = json_object_get_string (json_object_array_get_idx (arr, i));
      if (v[0] == '=' || strchr (v, '=') == NULL)
        return galley_error_make (err, 0, "%s: invalid environment variable \"%s\"", r->what, v);
      if (strv_append (&e->env, v) < 0)
        return galley_error_make (err, ENOMEM, "%s", r->what);
    }
  return 0;
}

static int
parse_node (struct reader *r, json_object *o, struct device_spec *d, galley_error_t *err)
{
  static const char *const keys[] = { "path",     "hostPath",    "type", "major", "minor",
                                      "fileMode", "permissions", "uid",  "gid",   NULL };
  static const char *const ints[] = { "major", "minor", "fileMode", "uid", "gid", NULL };
  const char *path, *host, *type, *perms;
  size_t i, n = 0;

  if (check_keys (o, keys, r->what, "deviceNodes", err) < 0
      || get_string (o, "path", true, r->what, "deviceNodes", &path, err) < 0
      || get_string (o, "hostPath", false, r->what, "deviceNodes", &host, err) < 0
      || get_string (o, "type", false, r->what, "deviceNodes", &type, err) < 0
      || get_string (o, "permissions", false, r->what, "deviceNodes", &perms, err) < 0
      || check_ints (o, ints, r->what, "deviceNodes", err) < 0)
    return -1;
  if (type != NULL && *type != '\0' && strcmp (type, "b") != 0 && strcmp (type, "c") != 0
      && strcmp (type, "u") != 0 && strcmp (type, "p") != 0)
    return galley_error_make (err, 0, "%s: device %s: invalid type \"%s\"", r->what, path, type);
  if (host != NULL && *host != '\0')
    need (r, V_050);
  else
    host = path;
  if (path[0] != '/' || host[0] != '/')
    return galley_error_make (err, 0, "%s: device %s: paths must be absolute", r->what, path);
  if (perms == NULL || *perms == '\0')
    perms = "rwm";
  else if (strcmp (perms, "none") == 0)
    perms = "";
  else if (perms[strspn (perms, "rwm")] != '\0')
    return galley_error_make (err, 0, "%s: device %s: invalid permissions \"%s\"", r->what, path, perms);
  memset (d, 0, sizeof *d);
  for (i = 0; i < 3; i++)
    if (strchr (perms, "rwm"[i]) != NULL)
      d->perms[n++] = "rwm"[i];
  d->container_path = path_clean (path);
  d->host_path = strdup (host);
  if (d->host_path == NULL)
    {
      device_spec_clear (d);
      return galley_error_make (err, ENOMEM, "%s", r->what);
    }
  return 0;
}

/* An OCI mount option of a CDI mount: 1 when understood.  */
static int
mount_option (const char *o, struct mount_spec *m, bool *bind)
{
  static const struct
  {
    const char *name;
    unsigned long set, clear;
  } flags[] = {
    { "nosuid", MS_NOSUID, 0 }, { "suid", 0, MS_NOSUID },   { "nodev", MS_NODEV, 0 },
    { "dev", 0, MS_NODEV },     { "noexec", MS_NOEXEC, 0 }, { "exec", 0, MS_NOEXEC },
  };
  /* Propagation and access times: every mount of a container is private,
   * and the host's time options stay.  */
  static const char *const ignored[] = { "private",  "rprivate",   "shared",      "rshared",    "slave",
                                         "rslave",   "unbindable", "runbindable", "relatime",   "norelatime",
                                         "noatime",  "atime",      "strictatime", "nodiratime", "diratime",
                                         "defaults", NULL };
  size_t i;

  if (strcmp (o, "ro") == 0 || strcmp (o, "rw") == 0)
    m->readonly = o[1] == 'o';
  else if (strcmp (o, "bind") == 0 || strcmp (o, "rbind") == 0)
    {
      *bind = true;
      m->recursive = o[0] == 'r';
    }
  else
    {
      for (i = 0; i < sizeof flags / sizeof flags[0]; i++)
        if (strcmp (o, flags[i].name) == 0)
          {
            m->flags = (m->flags | flags[i].set) & ~flags[i].clear;
            return 1;
          }
      for (i = 0; ignored[i] != NULL; i++)
        if (strcmp (o, ignored[i]) == 0)
          return 1;
      return 0;
    }
  return 1;
}

static int
parse_mount (struct reader *r, json_object *o, struct mount_spec *m, galley_error_t *err)
{
  static const char *const keys[] = { "hostPath", "containerPath", "options", "type", NULL };
  _cleanup_strv_ char **data = NULL;
  const char *host, *dst, *type;
  json_object *options;
  bool bind = false, tmpfs;
  size_t i;

  memset (m, 0, sizeof *m);
  if (check_keys (o, keys, r->what, "mounts", err) < 0
      || get_string (o, "hostPath", true, r->what, "mounts", &host, err) < 0
      || get_string (o, "containerPath", true, r->what, "mounts", &dst, err) < 0
      || get_string (o, "type", false, r->what, "mounts", &type, err) < 0
      || get_array (o, "options", json_type_string, r->what, "mounts", &options, err) < 0)
    return -1;
  if (type != NULL && *type != '\0')
    need (r, V_040);
  tmpfs = type != NULL && strcmp (type, "tmpfs") == 0;
  for (i = 0; options != NULL && i < json_object_array_length (options); i++)
    {
      const char *opt = json_object_get_string (json_object_array_get_idx (options, i));
      if (mount_option (opt, m, &bind))
        continue;
      if (tmpfs
          && (strncmp (opt, "size=", 5) == 0 || strncmp (opt, "mode=", 5) == 0
              || strncmp (opt, "nr_inodes=", 10) == 0))
        {
          if (strv_append (&data, opt) < 0)
            return galley_error_make (err, ENOMEM, "%s", r->what);
          continue;
        }
      return galley_error_make (err, 0, "%s: mount on %s: unsupported option \"%s\"", r->what, dst, opt);
    }
  if (dst[0] != '/')
    return galley_error_make (err, 0, "%s: mount on %s: the container path must be absolute", r->what, dst);
  if (tmpfs)
    m->kind = MOUNT_KIND_TMPFS;
  else if (bind || (type != NULL && strcmp (type, "bind") == 0))
    {
      if (host[0] != '/')
        return galley_error_make (err, 0, "%s: mount on %s: the host path must be absolute", r->what, dst);
      m->kind = MOUNT_KIND_BIND;
      m->source = strdup (host);
    }
  else
    return galley_error_make (err, 0, "%s: mount on %s: only bind mounts and tmpfs can be made rootless",
                              r->what, dst);
  m->destination = path_clean (dst);
  if (tmpfs && (m->data = strv_join (data, ",")) == NULL)
    return galley_error_make (err, ENOMEM, "%s", r->what);
  if (m->kind == MOUNT_KIND_BIND && m->source == NULL)
    return galley_error_make (err, ENOMEM, "%s", r->what);
  return 0;
}

static int
parse_hook (struct reader *r, json_object *o, struct hook_set *hooks, galley_error_t *err)
{
  static const char *const keys[] = { "hookName", "path", "args", "env", "timeout", NULL };
  struct oci_hook h;
  const char *name;
  int stage;

  if (check_keys (o, keys, r->what, "hooks", err) < 0
      || get_string (o, "hookName", true, r->what, "hooks", &name, err) < 0)
    return -1;
  stage = hook_stage_from_name (name);
  if (stage < 0)
    return galley_error_make (err, 0, "%s: invalid hook name \"%s\"", r->what, name);
  if (oci_hook_parse (o, r->what, &h, err) < 0)
    return -1;
  hook_set_add (hooks, (enum hook_stage)stage, &h);
  oci_hook_clear (&h);
  return 0;
}

static int
parse_rdt_and_net (struct reader *r, json_object *edits, struct cdi_edits *e, galley_error_t *err)
{
  static const char *const rdt_keys[] = { "closID",   "l3CacheSchema",    "memBwSchema",
                                          "schemata", "enableMonitoring", NULL };
  static const char *const net_keys[] = { "hostInterfaceName", "name", NULL };
  json_object *rdt = member (edits, "intelRdt"), *net;
  const char *s;
  size_t i;

  if (rdt != NULL)
    {
      if (check_keys (rdt, rdt_keys, r->what, "intelRdt", err) < 0)
        return -1;
      need (r, member (rdt, "schemata") || member (rdt, "enableMonitoring") ? V_110 : V_070);
      e->intel_rdt = true;
    }
  if (get_array (edits, "netDevices", json_type_object, r->what, "containerEdits", &net, err) < 0)
    return -1;
  for (i = 0; net != NULL && i < json_object_array_length (net); i++)
    {
      json_object *d = json_object_array_get_idx (net, i);
      if (check_keys (d, net_keys, r->what, "netDevices", err) < 0
          || get_string (d, "hostInterfaceName", true, r->what, "netDevices", &s, err) < 0
          || get_string (d, "name", true, r->what, "netDevices", &s, err) < 0)
        return -1;
      need (r, V_110);
      e->net_devices = true;
    }
  return 0;
}

static int
parse_gids (struct reader *r, json_object *edits, struct cdi_edits *e, galley_error_t *err)
{
  json_object *arr;
  size_t i, n;

  if (get_array (edits, "additionalGids", json_type_int, r->what, "containerEdits", &arr, err) < 0)
    return -1;
  if (arr == NULL)
    return 0;
  n = json_object_array_length (arr);
  if (n > 0)
    need (r, V_070);
  e->gids = calloc (n + 1, sizeof *e->gids);
  if (e->gids == NULL)
    return galley_error_make (err, ENOMEM, "%s", r->what);
  for (i = 0; i < n; i++)
    {
      int64_t g = json_object_get_int64 (json_object_array_get_idx (arr, i));
      if (g < 0 || g > 0xffffffffLL)
        return galley_error_make (err, 0, "%s: additionalGids: %lld is not a group id", r->what,
                                  (long long)g);
      if (g != 0)
        e->gids[e->n_gids++] = (gid_t)g;
    }
  return 0;
}

static int
parse_edits (struct reader *r, json_object *edits, struct cdi_edits *e, galley_error_t *err)
{
  static const char *const keys[] = { "env",      "deviceNodes",    "mounts",     "hooks",
                                      "intelRdt", "additionalGids", "netDevices", NULL };
  json_object *nodes, *mounts, *hooks;
  size_t i;

  memset (e, 0, sizeof *e);
  if (edits == NULL)
    return 0;
  if (check_keys (edits, keys, r->what, "containerEdits", err) < 0 || parse_env (r, edits, e, err) < 0
      || get_array (edits, "deviceNodes", json_type_object, r->what, "containerEdits", &nodes, err) < 0
      || get_array (edits, "mounts", json_type_object, r->what, "containerEdits", &mounts, err) < 0
      || get_array (edits, "hooks", json_type_object, r->what, "containerEdits", &hooks, err) < 0
      || parse_gids (r, edits, e, err) < 0 || parse_rdt_and_net (r, edits, e, err) < 0)
    return -1;
  if (nodes != NULL && (e->nodes = calloc (json_object_array_length (nodes), sizeof *e->nodes)) == NULL)
    return galley_error_make (err, ENOMEM, "%s", r->what);
  for (i = 0; nodes != NULL && i < json_object_array_length (nodes); i++, e->n_nodes++)
    if (parse_node (r, json_object_array_get_idx (nodes, i), &e->nodes[i], err) < 0)
      return -1;
  if (mounts != NULL && (e->mounts = calloc (json_object_array_length (mounts), sizeof *e->mounts)) == NULL)
    return galley_error_make (err, ENOMEM, "%s", r->what);
  for (i = 0; mounts != NULL && i < json_object_array_length (mounts); i++)
    {
      if (parse_mount (r, json_object_array_get_idx (mounts, i), &e->mounts[i], err) < 0)
        {
          mount_spec_clear (&e->mounts[i]);
          return -1;
        }
      e->n_mounts++;
    }
  for (i = 0; hooks != NULL && i < json_object_array_length (hooks); i++)
    if (parse_hook (r, json_object_array_get_idx (hooks, i), &e->hooks, err) < 0)
      return -1;
  return 0;
}

static bool
edits_empty (const struct cdi_edits *e)
{
  return strv_len (e->env) == 0 && e->n_nodes == 0 && e->n_mounts == 0 && hook_set_empty (&e->hooks)
         && e->n_gids == 0 && ! e->intel_rdt && ! e->net_devices;
}

static int
parse_device (struct reader *r, json_object *o, struct cdi_device *d, galley_error_t *err)
{
  static const char *const keys[] = { "name", "annotations", "containerEdits", NULL };
  const char *name;

  if (check_keys (o, keys, r->what, "devices", err) < 0
      || get_string (o, "name", true, r->what, "devices", &name, err) < 0)
    return -1;
  if (! valid_name (name, strlen (name), is_alnum, "_-.:"))
    return galley_error_make (err, 0, "%s: invalid device name \"%s\"", r->what, name);
  if (name[0] >= '0' && name[0] <= '9')
    need (r, V_050);
  d->name = strdup (name);
  if (d->name == NULL)
    return galley_error_make (err, ENOMEM, "%s", r->what);
  if (check_annotations (r, o, "devices", err) < 0
      || parse_edits (r, member (o, "containerEdits"), &d->edits, err) < 0)
    return galley_error_wrap (err, "device %s", name);
  if (edits_empty (&d->edits))
    return galley_error_make (err, 0, "%s: device %s: no container edits", r->what, name);
  return 0;
}

static int
parse_kind (struct reader *r, json_object *doc, struct cdi_spec *s, galley_error_t *err)
{
  const char *kind, *slash;

  if (get_string (doc, "kind", true, r->what, "spec", &kind, err) < 0)
    return -1;
  slash = strchr (kind, '/');
  if (slash == NULL || ! valid_name (kind, (size_t)(slash - kind), is_letter, "_-.")
      || ! valid_name (slash + 1, strlen (slash + 1), is_letter, "_-."))
    return galley_error_make (err, 0, "%s: invalid kind \"%s\" (vendor.com/class)", r->what, kind);
  if (strchr (slash + 1, '.') != NULL)
    need (r, V_060);
  s->vendor = strndup (kind, (size_t)(slash - kind));
  s->class_ = strdup (slash + 1);
  if (s->vendor == NULL || s->class_ == NULL)
    return galley_error_make (err, ENOMEM, "%s", r->what);
  return 0;
}

static int
check_version (struct reader *r, const char *version, galley_error_t *err)
{
  int i, n = (int)(sizeof versions / sizeof versions[0]);

  if (version[0] == 'v')
    version++;
  for (i = 0; i < n && strcmp (versions[i], version) != 0; i++)
    ;
  if (i == n)
    return galley_error_make (err, 0, "%s: invalid CDI version \"%s\"", r->what, version);
  if (r->needs > i)
    return galley_error_make (err, 0, "%s: the fields used need CDI version %s, the spec says %s", r->what,
                              versions[r->needs], version);
  return 0;
}

static int
parse_spec (struct reader *r, json_object *doc, struct cdi_spec *s, galley_error_t *err)
{
  static const char *const keys[] = {
    "cdiVersion", "kind", "annotations", "devices", "containerEdits", NULL
  };
  const char *version;
  json_object *devices;
  size_t i;

  if (check_keys (doc, keys, r->what, "spec", err) < 0
      || get_string (doc, "cdiVersion", true, r->what, "spec", &version, err) < 0
      || parse_kind (r, doc, s, err) < 0 || check_annotations (r, doc, "spec", err) < 0
      || parse_edits (r, member (doc, "containerEdits"), &s->edits, err) < 0
      || get_array (doc, "devices", json_type_object, r->what, "spec", &devices, err) < 0)
    return -1;
  if (devices == NULL || json_object_array_length (devices) == 0)
    return galley_error_make (err, 0, "%s: no devices", r->what);
  s->devices = calloc (json_object_array_length (devices), sizeof *s->devices);
  if (s->devices == NULL)
    return galley_error_make (err, ENOMEM, "%s", r->what);
  for (i = 0; i < json_object_array_length (devices); i++)
    {
      size_t j;
      s->n_devices++;
      if (parse_device (r, json_object_array_get_idx (devices, i), &s->devices[i], err) < 0)
        return -1;
      for (j = 0; j < i; j++)
        if (strcmp (s->devices[j].name, s->devices[i].name) == 0)
          return galley_error_make (err, 0, "%s: device %s is defined twice", r->what, s->devices[i].name);
    }
  return check_version (r, version, err);
}

int
cdi_spec_parse (json_object *doc, const char *what, struct cdi_spec **out, galley_error_t *err)
{
  struct reader r = { what, 0 };
  struct cdi_spec *s = calloc (1, sizeof *s);

  if (s == NULL)
    return galley_error_make (err, ENOMEM, "%s", what);
  if (parse_spec (&r, doc, s, err) < 0)
    {
      cdi_spec_free (s);
      return -1;
    }
  *out = s;
  return 0;
}

void
cdi_edits_clear (struct cdi_edits *e)
{
  size_t i;

  cleanup_strvp (&e->env);
  for (i = 0; i < e->n_nodes; i++)
    device_spec_clear (&e->nodes[i]);
  free (e->nodes);
  for (i = 0; i < e->n_mounts; i++)
    mount_spec_clear (&e->mounts[i]);
  free (e->mounts);
  hook_set_clear (&e->hooks);
  free (e->gids);
  memset (e, 0, sizeof *e);
}

void
cdi_spec_free (struct cdi_spec *s)
{
  size_t i;

  if (s == NULL)
    return;
  free (s->vendor);
  free (s->class_);
  for (i = 0; i < s->n_devices; i++)
    {
      free (s->devices[i].name);
      cdi_edits_clear (&s->devices[i].edits);
    }
  free (s->devices);
  cdi_edits_clear (&s->edits);
  free (s);
}

int
cdi_edits_append (struct cdi_edits *dst, const struct cdi_edits *src, galley_error_t *err)
{
  size_t i, j, n_nodes = dst->n_nodes + src->n_nodes, n_mounts = dst->n_mounts + src->n_mounts;
  struct device_spec *nodes = realloc (dst->nodes, (n_nodes + 1) * sizeof *nodes);
  struct mount_spec *mounts;
  gid_t *gids;

  if (nodes == NULL)
    return galley_error_make (err, ENOMEM, "CDI edits");
  dst->nodes = nodes;
  mounts = realloc (dst->mounts, (n_mounts + 1) * sizeof *mounts);
  if (mounts == NULL)
    return galley_error_make (err, ENOMEM, "CDI edits");
  dst->mounts = mounts;
  gids = realloc (dst->gids, (dst->n_gids + src->n_gids + 1) * sizeof *gids);
  if (gids == NULL)
    return galley_error_make (err, ENOMEM, "CDI edits");
  dst->gids = gids;
  for (i = 0; src->env != NULL && src->env[i] != NULL; i++)
    if (strv_append (&dst->env, src->env[i]) < 0)
      return galley_error_make (err, ENOMEM, "CDI edits");
  for (i = 0; i < src->n_nodes; i++, dst->n_nodes++)
    if (device_spec_copy (&src->nodes[i], &dst->nodes[dst->n_nodes], err) < 0)
      return -1;
  for (i = 0; i < src->n_mounts; i++, dst->n_mounts++)
    if (mount_spec_copy (&src->mounts[i], &dst->mounts[dst->n_mounts], err) < 0)
      return -1;
  for (i = 0; i < HOOK_STAGE_COUNT; i++)
    for (j = 0; j < src->hooks.n[i]; j++)
      hook_set_add (&dst->hooks, (enum hook_stage)i, &src->hooks.hooks[i][j]);
  for (i = 0; i < src->n_gids; i++)
    dst->gids[dst->n_gids++] = src->gids[i];
  dst->intel_rdt |= src->intel_rdt;
  dst->net_devices |= src->net_devices;
  return 0;
}
