/* Loading galley.conf (state/galley_config.h): finding the file, reading it with
 * the TOML reader, and checking each known key against a table of kinds.  */
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
#include "util/toml.h"

static const char *const rootfs_methods[] = { "auto", "native", "fuse-overlayfs", "copy", NULL };
static const char *const network_modes[] = { "slirp4netns", "host", "none", NULL };

enum key_kind
{
  KEY_CHOICE,      /* a string from `choices` */
  KEY_PATH_LIST,   /* array of non-empty strings */
  KEY_INT,         /* integer */
  KEY_ULIMIT_LIST, /* array of "name=soft[:hard]" */
};

struct key_spec
{
  const char *section, *key;
  enum key_kind kind;
  const char *const *choices;
  size_t offset; /* of the field in struct galley_config */
};

#define FIELD(f) offsetof (struct galley_config, f)

static const struct key_spec keys[] = {
  { "engine", "helper_binaries_dir", KEY_PATH_LIST, NULL, FIELD (helper_binaries_dir) },
  { "storage", "rootfs_method", KEY_CHOICE, rootfs_methods, FIELD (rootfs_method) },
  { "network", "default_network", KEY_CHOICE, network_modes, FIELD (default_network) },
  { "containers", "log_size_max", KEY_INT, NULL, FIELD (log_size_max) },
  { "containers", "default_ulimits", KEY_ULIMIT_LIST, NULL, FIELD (default_ulimits) },
};

static const char *const sections[] = { "engine", "storage", "network", "containers", NULL };

static char *
xstrdup (const char *s)
{
  char *r = strdup (s);
  if (r == NULL)
    abort ();
  return r;
}

static void
strv_free (char **v)
{
  cleanup_strvp (&v);
}

static char **
strv_new_empty (void)
{
  char **v = calloc (1, sizeof *v);
  if (v == NULL)
    abort ();
  return v;
}

struct galley_config *
galley_config_new_defaults (void)
{
  struct galley_config *c = calloc (1, sizeof *c);

  if (c == NULL)
    abort ();
  c->helper_binaries_dir = strv_new_empty ();
  c->rootfs_method = xstrdup ("auto");
  c->default_network = xstrdup ("slirp4netns");
  c->log_size_max = -1;
  c->default_ulimits = strv_new_empty ();
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
  free (c->path);
  strv_free (c->helper_binaries_dir);
  free (c->rootfs_method);
  free (c->default_network);
  strv_free (c->default_ulimits);
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

static char *
join_list (const char *const *list)
{
  size_t n = 1;
  char *r;

  for (const char *const *p = list; *p; p++)
    n += strlen (*p) + 2;
  r = calloc (1, n);
  if (r == NULL)
    abort ();
  for (const char *const *p = list; *p; p++)
    {
      if (p != list)
        strcat (r, ", ");
      strcat (r, *p);
    }
  return r;
}

/* An array of strings, each accepted by check (may be NULL).  */
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
  list = calloc (n + 1, sizeof *list);
  if (list == NULL)
    abort ();
  for (size_t i = 0; i < n; i++)
    {
      json_object *e = json_object_array_get_idx (v, i);
      if (! json_object_is_type (e, json_type_string) || json_object_get_string_len (e) == 0)
        {
          strv_free (list);
          return galley_error_make (err, 0, "%s: key %s.%s: expected an array of non-empty strings", file,
                                    k->section, k->key);
        }
      if (k->kind == KEY_ULIMIT_LIST)
        {
          struct ulimit u;
          if (ulimit_parse (json_object_get_string (e), &u, err) < 0)
            {
              strv_free (list);
              return galley_error_wrap (err, "%s: key %s.%s", file, k->section, k->key);
            }
        }
      list[i] = xstrdup (json_object_get_string (e));
    }
  *out = list;
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
      {
        const char *s;
        if (! json_object_is_type (v, json_type_string))
          return galley_error_make (err, 0, "%s: key %s.%s: expected a string", file, k->section, k->key);
        s = json_object_get_string (v);
        if (! in_list (k->choices, s))
          {
            _cleanup_free_ char *choices = join_list (k->choices);
            return galley_error_make (err, 0, "%s: key %s.%s: \"%s\" is not one of %s", file, k->section,
                                      k->key, s, choices);
          }
        free (*(char **)field);
        *(char **)field = xstrdup (s);
        return 0;
      }
    case KEY_INT:
      if (! json_object_is_type (v, json_type_int))
        return galley_error_make (err, 0, "%s: key %s.%s: expected an integer", file, k->section, k->key);
      *(int64_t *)field = json_object_get_int64 (v) < 0 ? -1 : json_object_get_int64 (v);
      return 0;
    case KEY_PATH_LIST:
    case KEY_ULIMIT_LIST:
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

static const struct key_spec *
find_key (const char *section, const char *key)
{
  for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
    if (strcmp (keys[i].section, section) == 0 && strcmp (keys[i].key, key) == 0)
      return &keys[i];
  return NULL;
}

static int
apply_document (struct galley_config *c, const char *file, json_object *doc, galley_error_t *err)
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
      if (k == NULL)
        {
          log_warn ("%s: unknown key %s.%s (ignored)", file, section, key);
          continue;
        }
      if (apply_key (c, file, k, value, err) < 0)
        return -1;
    }
  }
  return 0;
}

int
galley_config_load_file (const char *path, struct galley_config **out, galley_error_t *err)
{
  _cleanup_json_ json_object *doc = NULL;
  struct galley_config *c;

  if (toml_parse_file (path, &doc, err) < 0)
    return -1;
  c = galley_config_new_defaults ();
  c->path = xstrdup (path);
  if (apply_document (c, path, doc, err) < 0)
    {
      galley_config_free (c);
      return -1;
    }
  *out = c;
  return 0;
}

int
galley_config_load (const struct galley_paths *p, struct galley_config **out, galley_error_t *err)
{
  const char *env = getenv ("GALLEY_CONF");
  _cleanup_free_ char *user = NULL;
  const char *candidates[4];
  size_t n = 0;

  if (env != NULL && *env != '\0')
    {
      if (galley_config_load_file (env, out, err) < 0)
        return galley_error_wrap (err, "GALLEY_CONF");
      return 0;
    }
  if (p != NULL && p->config_home != NULL)
    {
      if (asprintf (&user, "%s/galley/galley.conf", p->config_home) < 0)
        abort ();
      candidates[n++] = user;
    }
  candidates[n++] = SYSCONFDIR "/galley/galley.conf";
  if (strcmp (SYSCONFDIR, "/etc") != 0)
    candidates[n++] = "/etc/galley/galley.conf";
  for (size_t i = 0; i < n; i++)
    {
      galley_error_t local = NULL;
      if (galley_config_load_file (candidates[i], out, &local) == 0)
        {
          log_debug ("configuration from %s", candidates[i]);
          return 0;
        }
      if (galley_error_errno (&local) != ENOENT && galley_error_errno (&local) != ENOTDIR)
        {
          if (err != NULL && *err == NULL)
            *err = local;
          else
            galley_error_release (&local);
          return -1;
        }
      galley_error_release (&local);
    }
  *out = galley_config_new_defaults ();
  return 0;
}
