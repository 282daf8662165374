/* Loading galley.conf (state/galley_config.h): finding the site's and the
 * user's files, reading them with the TOML reader, checking each known key
 * against a table of kinds, and the user's keys against the site's list.  */
#include "config.h"
#include "state/galley_config.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "state/ulimit.h"
#include "util/cleanup.h"
#include "util/json.h"
#include "util/log.h"
#include "util/strv.h"
#include "util/toml.h"
#include "util/xmalloc.h"

static const char *const rootfs_methods[] = { "auto", "native", "fuse-overlayfs", "copy", NULL };
static const char *const network_modes[] = { "slirp4netns", "host", "none", NULL };
static const char *const events_loggers[] = { "file", "none", NULL };
/* podman's: the packages' hooks, then the administrator's, which mask them.  */
static const char *const default_hooks_dirs[] = { "/usr/share/containers/oci/hooks.d",
                                                  "/etc/containers/oci/hooks.d", NULL };
static const char *const default_cdi_spec_dirs[] = { "/etc/cdi", "/var/run/cdi", NULL };
static const char *const profiles[] = { "default", "hpc", NULL };
static const char *const ns_modes[] = { "private", "host", NULL };
static const char *const ipc_modes[] = { "private", "shareable", "host", "none", NULL };
static const char *const userns_modes[] = { "host", "keep-id", NULL };

enum key_kind
{
  KEY_CHOICE,        /* a string from `choices` */
  KEY_PATH_LIST,     /* array of non-empty strings */
  KEY_INT,           /* integer */
  KEY_ULIMIT_LIST,   /* array of "name=soft[:hard]" */
  KEY_ABS_PATH_LIST, /* array of absolute paths */
  KEY_KEY_LIST,      /* array of "section.key" of this table */
  KEY_PATH_TEMPLATE, /* a string, an absolute path once $USER, $UID, $HOME are expanded */
  KEY_BOOL,          /* true or false */
};

/* Whose file a key comes from.  */
enum origin
{
  ORIGIN_SYSTEM,
  ORIGIN_USER,
};

struct key_spec
{
  const char *section, *key;
  enum key_kind kind;
  const char *const *choices;
  size_t offset; /* of the field in struct galley_config */
};

#define FIELD(f) offsetof (struct galley_config, f)
#define N_KEYS (sizeof keys / sizeof keys[0])

static const struct key_spec keys[] = {
  { "engine", "helper_binaries_dir", KEY_PATH_LIST, NULL, FIELD (helper_binaries_dir) },
  { "engine", "user_overridable_keys", KEY_KEY_LIST, NULL, FIELD (user_overridable_keys) },
  { "engine", "events_logger", KEY_CHOICE, events_loggers, FIELD (events_logger) },
  { "engine", "events_logfile_path", KEY_PATH_TEMPLATE, NULL, FIELD (events_logfile_path) },
  { "engine", "events_logfile_max_size", KEY_INT, NULL, FIELD (events_logfile_max_size) },
  { "engine", "hooks_dir", KEY_PATH_LIST, NULL, FIELD (hooks_dir) },
  { "engine", "cdi_spec_dirs", KEY_PATH_LIST, NULL, FIELD (cdi_spec_dirs) },
  { "storage", "rootfs_method", KEY_CHOICE, rootfs_methods, FIELD (rootfs_method) },
  { "storage", "rootless_storage_path", KEY_PATH_TEMPLATE, NULL, FIELD (rootless_storage_path) },
  { "storage", "additional_image_stores", KEY_ABS_PATH_LIST, NULL, FIELD (additional_image_stores) },
  { "network", "default_network", KEY_CHOICE, network_modes, FIELD (default_network) },
  { "containers", "log_size_max", KEY_INT, NULL, FIELD (log_size_max) },
  { "containers", "default_ulimits", KEY_ULIMIT_LIST, NULL, FIELD (default_ulimits) },
  { "containers", "profile", KEY_CHOICE, profiles, FIELD (profile) },
  { "containers", "pidns", KEY_CHOICE, ns_modes, FIELD (pidns) },
  { "containers", "ipcns", KEY_CHOICE, ipc_modes, FIELD (ipcns) },
  { "containers", "utsns", KEY_CHOICE, ns_modes, FIELD (utsns) },
  { "containers", "userns", KEY_CHOICE, userns_modes, FIELD (userns) },
  { "containers", "group_add", KEY_PATH_LIST, NULL, FIELD (group_add) },
  { "containers", "init", KEY_BOOL, NULL, FIELD (init) },
};

/* What [containers] profile = "hpc" sets, unless a file sets it.  */
static const struct
{
  const char *key; /* "section.key" */
  const char *value;
} hpc_profile[] = {
  { "containers.pidns", "host" },     { "containers.ipcns", "host" },
  { "containers.utsns", "host" },     { "network.default_network", "host" },
  { "containers.userns", "keep-id" }, { "containers.group_add", "keep-groups" },
  { "containers.init", NULL },
};

_Static_assert(N_KEYS <= 64, "struct galley_config's from_system and from_user hold a bit per key");

static const char *const sections[] = { "engine", "storage", "network", "containers", NULL };

static char **
strv_new_empty (void)
{
  return xcalloc (1, sizeof (char *));
}

struct galley_config *
galley_config_new_defaults (void)
{
  struct galley_config *c = xcalloc (1, sizeof *c);

  c->helper_binaries_dir = strv_new_empty ();
  c->events_logger = xstrdup ("file");
  c->events_logfile_max_size = 1 << 20;
  c->hooks_dir = strv_copy ((char *const *)default_hooks_dirs);
  c->cdi_spec_dirs = strv_copy ((char *const *)default_cdi_spec_dirs);
  c->rootfs_method = xstrdup ("auto");
  c->additional_image_stores = strv_new_empty ();
  c->default_network = xstrdup ("slirp4netns");
  c->log_size_max = -1;
  c->default_ulimits = strv_new_empty ();
  c->profile = xstrdup ("default");
  c->pidns = xstrdup ("private");
  c->ipcns = xstrdup ("shareable");
  c->utsns = xstrdup ("private");
  c->userns = xstrdup ("host");
  c->group_add = strv_new_empty ();
  return c;
}

static const struct galley_config *current_config;

void
galley_config_set_current (const struct galley_config *c)
{
  current_config = c;
}

const struct galley_config *
galley_config_current (void)
{
  static struct galley_config *defaults;

  if (current_config != NULL)
    return current_config;
  if (defaults == NULL)
    defaults = galley_config_new_defaults ();
  return defaults;
}

void
galley_config_free (struct galley_config *c)
{
  if (c == NULL)
    return;
  free (c->system_path);
  free (c->user_path);
  strv_free (c->helper_binaries_dir);
  strv_free (c->user_overridable_keys);
  free (c->events_logger);
  free (c->events_logfile_path);
  strv_free (c->hooks_dir);
  strv_free (c->cdi_spec_dirs);
  free (c->rootfs_method);
  free (c->rootless_storage_path);
  strv_free (c->additional_image_stores);
  free (c->default_network);
  strv_free (c->default_ulimits);
  free (c->profile);
  free (c->pidns);
  free (c->ipcns);
  free (c->utsns);
  free (c->userns);
  strv_free (c->group_add);
  free (c);
}

static bool
in_list (const char *const *list, const char *s)
{
  for (; *list; list++)
    if (strcmp (*list, s) == 0)
      return true;
  return false;
}

static const struct key_spec *
find_key (const char *section, const char *key)
{
  for (size_t i = 0; i < N_KEYS; i++)
    if (strcmp (keys[i].section, section) == 0 && strcmp (keys[i].key, key) == 0)
      return &keys[i];
  return NULL;
}

/* "section.key" of the table.  */
static const struct key_spec *
find_dotted_key (const char *name)
{
  const char *dot = strchr (name, '.');
  _cleanup_free_ char *section = NULL;

  if (dot == NULL)
    return NULL;
  section = xstrndup (name, (size_t)(dot - name));
  return find_key (section, dot + 1);
}

/* Is e acceptable as an element of a list of kind k?  */
static int
check_list_element (const char *file, const struct key_spec *k, const char *e, galley_error_t *err)
{
  struct ulimit u;

  switch (k->kind)
    {
    case KEY_ULIMIT_LIST:
      if (ulimit_parse (e, &u, err) < 0)
        return galley_error_wrap (err, "%s: key %s.%s", file, k->section, k->key);
      break;
    case KEY_ABS_PATH_LIST:
      if (e[0] != '/')
        return galley_error_make (err, 0, "%s: key %s.%s: \"%s\" is not an absolute path", file, k->section,
                                  k->key, e);
      break;
    case KEY_KEY_LIST:
      if (find_dotted_key (e) == NULL)
        return galley_error_make (err, 0, "%s: key %s.%s: \"%s\" is not a key of galley.conf (section.key)",
                                  file, k->section, k->key, e);
      break;
    default:
      break;
    }
  return 0;
}

/* An array of non-empty strings, each acceptable for k.  */
static int
read_string_list (const char *file, const struct key_spec *k, json_object *v, char ***out,
                  galley_error_t *err)
{
  size_t n;
  char **list;

  if (! json_object_is_type (v, json_type_array))
    return galley_error_make (err, 0, "%s: key %s.%s: expected an array of strings", file, k->section,
                              k->key);
  n = json_object_array_length (v);
  list = xcalloc (n + 1, sizeof *list);
  for (size_t i = 0; i < n; i++)
    {
      json_object *e = json_object_array_get_idx (v, i);
      if (! json_object_is_type (e, json_type_string) || json_object_get_string_len (e) == 0)
        {
          strv_free (list);
          return galley_error_make (err, 0, "%s: key %s.%s: expected an array of non-empty strings", file,
                                    k->section, k->key);
        }
      if (check_list_element (file, k, json_object_get_string (e), err) < 0)
        {
          strv_free (list);
          return -1;
        }
      list[i] = xstrdup (json_object_get_string (e));
    }
  *out = list;
  return 0;
}

/* A template of a path: expanded for a sample user, it must be absolute
 * and use no variable but those paths_expand_template knows.  */
static int
check_template (const char *file, const struct key_spec *k, const char *tmpl, galley_error_t *err)
{
  _cleanup_free_ char *sample = NULL;

  if (paths_expand_template (tmpl, "user", 1000, "/home/user", &sample, err) < 0)
    return galley_error_wrap (err, "%s: key %s.%s", file, k->section, k->key);
  return 0;
}

static int
apply_key (struct galley_config *c, const char *file, const struct key_spec *k, json_object *v,
           galley_error_t *err)
{
  void *field = (char *)c + k->offset;

  switch (k->kind)
    {
    case KEY_CHOICE:
    case KEY_PATH_TEMPLATE:
      {
        const char *s;
        if (! json_object_is_type (v, json_type_string))
          return galley_error_make (err, 0, "%s: key %s.%s: expected a string", file, k->section, k->key);
        s = json_object_get_string (v);
        if (k->kind == KEY_CHOICE && ! in_list (k->choices, s))
          {
            _cleanup_free_ char *choices = strv_join ((char *const *)k->choices, ", ");
            return galley_error_make (err, 0, "%s: key %s.%s: \"%s\" is not one of %s", file, k->section,
                                      k->key, s, choices);
          }
        if (k->kind == KEY_PATH_TEMPLATE && check_template (file, k, s, err) < 0)
          return -1;
        free (*(char **)field);
        *(char **)field = xstrdup (s);
        return 0;
      }
    case KEY_BOOL:
      if (! json_object_is_type (v, json_type_boolean))
        return galley_error_make (err, 0, "%s: key %s.%s: expected true or false", file, k->section, k->key);
      *(bool *)field = json_object_get_boolean (v);
      return 0;
    case KEY_INT:
      if (! json_object_is_type (v, json_type_int))
        return galley_error_make (err, 0, "%s: key %s.%s: expected an integer", file, k->section, k->key);
      *(int64_t *)field = json_object_get_int64 (v) < 0 ? -1 : json_object_get_int64 (v);
      return 0;
    case KEY_PATH_LIST:
    case KEY_ULIMIT_LIST:
    case KEY_ABS_PATH_LIST:
    case KEY_KEY_LIST:
      {
        char **list = NULL;
        if (read_string_list (file, k, v, &list, err) < 0)
          return -1;
        strv_free (*(char ***)field);
        *(char ***)field = list;
        return 0;
      }
    }
  return 0;
}

/* May the user's file set k?  The site's list is the answer when it has
 * one; the list itself is the site's alone.  */
static bool
user_may_set (const struct galley_config *c, const struct key_spec *k)
{
  char name[128];

  if (k->offset == FIELD (user_overridable_keys))
    return false;
  if (c->user_overridable_keys == NULL)
    return true;
  snprintf (name, sizeof name, "%s.%s", k->section, k->key);
  return strv_contains (c->user_overridable_keys, name);
}

static int
apply_document (struct galley_config *c, const char *file, json_object *doc, enum origin origin,
                galley_error_t *err)
{
  json_object_object_foreach (doc, section, table)
  {
    if (! in_list (sections, section))
      {
        log_warn ("%s: unknown %s \"%s\" (ignored)", file,
                  json_object_is_type (table, json_type_object) ? "section" : "key", section);
        continue;
      }
    if (! json_object_is_type (table, json_type_object))
      return galley_error_make (err, 0, "%s: \"%s\" must be a table ([%s])", file, section, section);
    json_object_object_foreach (table, key, value)
    {
      const struct key_spec *k = find_key (section, key);
      uint64_t bit;
      if (k == NULL)
        {
          log_warn ("%s: unknown key %s.%s (ignored)", file, section, key);
          continue;
        }
      if (origin == ORIGIN_USER && ! user_may_set (c, k))
        {
          log_warn ("%s: key %s.%s may only be set by the site%s%s%s (ignored)", file, section, key,
                    c->system_path ? " (" : "", c->system_path ? c->system_path : "",
                    c->system_path ? ", [engine] user_overridable_keys)" : "");
          continue;
        }
      if (apply_key (c, file, k, value, err) < 0)
        return -1;
      bit = UINT64_C (1) << (size_t)(k - keys);
      if (origin == ORIGIN_USER)
        c->from_user |= bit;
      else
        c->from_system |= bit;
    }
  }
  return 0;
}

const char *
galley_config_origin (const struct galley_config *c, const void *field)
{
  size_t offset = (size_t)((const char *)field - (const char *)c);

  for (size_t i = 0; i < N_KEYS; i++)
    if (keys[i].offset == offset)
      {
        if (c->from_user & (UINT64_C (1) << i))
          return c->user_path;
        if (c->from_system & (UINT64_C (1) << i))
          return c->system_path;
        return NULL;
      }
  return NULL;
}

/* Apply path onto c.  Returns 1 when it does not exist and may be
 * missing.  */
static int
apply_file (struct galley_config *c, const char *path, enum origin origin, bool must_exist,
            galley_error_t *err)
{
  _cleanup_json_ json_object *doc = NULL;

  if (toml_parse_file (path, &doc, err) < 0)
    {
      if (must_exist || (galley_error_errno (err) != ENOENT && galley_error_errno (err) != ENOTDIR))
        return -1;
      galley_error_release (err);
      return 1;
    }
  log_debug ("configuration from %s", path);
  if (origin == ORIGIN_USER)
    c->user_path = xstrdup (path);
  else
    c->system_path = xstrdup (path);
  return apply_document (c, path, doc, origin, err);
}

/* The profile's values of the keys no file set.  */
static void
apply_profile (struct galley_config *c)
{
  size_t i;

  if (strcmp (c->profile, "hpc") != 0)
    return;
  for (i = 0; i < sizeof hpc_profile / sizeof hpc_profile[0]; i++)
    {
      const struct key_spec *k = find_dotted_key (hpc_profile[i].key);
      void *field = (char *)c + k->offset;

      if ((c->from_system | c->from_user) & (UINT64_C (1) << (size_t)(k - keys)))
        continue;
      if (k->kind == KEY_BOOL)
        *(bool *)field = true;
      else if (k->kind == KEY_CHOICE)
        {
          free (*(char **)field);
          *(char **)field = xstrdup (hpc_profile[i].value);
        }
      else
        {
          strv_free (*(char ***)field);
          *(char ***)field = NULL;
          strv_append ((char ***)field, hpc_profile[i].value);
        }
    }
}

int
galley_config_load_file (const char *path, struct galley_config **out, galley_error_t *err)
{
  _cleanup_galley_config_ struct galley_config *c = galley_config_new_defaults ();

  if (apply_file (c, path, ORIGIN_SYSTEM, true, err) < 0)
    return -1;
  apply_profile (c);
  *out = steal_pointer (&c);
  return 0;
}

/* The site's file: $GALLEY_SYSTEM_CONFIG, else the first that exists of
 * sysconfdir's and /etc's.  */
static int
apply_system_file (struct galley_config *c, galley_error_t *err)
{
  const char *env = getenv ("GALLEY_SYSTEM_CONFIG");
  int r;

  if (env != NULL && *env != '\0')
    return apply_file (c, env, ORIGIN_SYSTEM, true, err) < 0 ? galley_error_wrap (err, "GALLEY_SYSTEM_CONFIG")
                                                             : 0;
  r = apply_file (c, SYSCONFDIR "/galley/galley.conf", ORIGIN_SYSTEM, false, err);
  if (r == 1 && strcmp (SYSCONFDIR, "/etc") != 0)
    r = apply_file (c, "/etc/galley/galley.conf", ORIGIN_SYSTEM, false, err);
  return r < 0 ? -1 : 0;
}

/* The user's file: $GALLEY_CONF, else the one in the configuration home.  */
static int
apply_user_file (struct galley_config *c, const struct galley_paths *p, galley_error_t *err)
{
  const char *env = getenv ("GALLEY_CONF");
  _cleanup_free_ char *path = NULL;

  if (env != NULL && *env != '\0')
    return apply_file (c, env, ORIGIN_USER, true, err) < 0 ? galley_error_wrap (err, "GALLEY_CONF") : 0;
  if (p == NULL || p->config_home == NULL)
    return 0;
  path = xasprintf ("%s/galley/galley.conf", p->config_home);
  return apply_file (c, path, ORIGIN_USER, false, err) < 0 ? -1 : 0;
}

int
galley_config_load (const struct galley_paths *p, struct galley_config **out, galley_error_t *err)
{
  _cleanup_galley_config_ struct galley_config *c = galley_config_new_defaults ();

  if (apply_system_file (c, err) < 0 || apply_user_file (c, p, err) < 0)
    return -1;
  apply_profile (c);
  *out = steal_pointer (&c);
  return 0;
}
