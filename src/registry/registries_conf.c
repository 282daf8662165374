/* Reading registries.conf and its drop-ins into one merged configuration,
 * with the validation and merge rules of containers/image's
 * sysregistriesv2 (v2 format; v1 converted for the main file).  */
#include "config.h"
#include "registry/registries_conf.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util/cleanup.h"
#include "util/error_text.h"
#include "util/json.h"
#include "util/log.h"
#include "util/toml.h"

/* One file's settings before merging.  */
struct conf_file
{
  const char *path;
  char **search;
  size_t n_search;
  bool search_set;
  enum short_name_mode mode;
  bool mode_set;
  struct registry_alias *aliases; /* value "" erases */
  size_t n_aliases;
  struct registry_entry *registries;
  size_t n_registries;
};

static void
strv_free_n (char **v, size_t n)
{
  for (size_t i = 0; v != NULL && i < n; i++)
    free (v[i]);
  free (v);
}

static void
registry_entry_release (struct registry_entry *e)
{
  free (e->prefix);
  free (e->location);
  for (size_t i = 0; i < e->n_mirrors; i++)
    free (e->mirrors[i].location);
  free (e->mirrors);
  free (e->origin);
  memset (e, 0, sizeof *e);
}

static void
registry_alias_release (struct registry_alias *a)
{
  free (a->name);
  free (a->value);
  free (a->origin);
  memset (a, 0, sizeof *a);
}

static void
conf_file_release (struct conf_file *f)
{
  strv_free_n (f->search, f->n_search);
  for (size_t i = 0; i < f->n_aliases; i++)
    registry_alias_release (&f->aliases[i]);
  free (f->aliases);
  for (size_t i = 0; i < f->n_registries; i++)
    registry_entry_release (&f->registries[i]);
  free (f->registries);
  memset (f, 0, sizeof *f);
}

static int
oom (galley_error_t *err)
{
  return galley_error_make (err, ENOMEM, "reading registries configuration");
}

/* The member `key` of obj with the given type; absent (or null) is fine.  */
static int
member_typed (json_object *obj, const char *key, json_type type, const char *type_name, const char *ctx,
              json_object **out, galley_error_t *err)
{
  json_object *v;

  *out = NULL;
  if (! json_object_object_get_ex (obj, key, &v) || v == NULL)
    return 0;
  if (! json_object_is_type (v, type))
    return error_untrusted (err, "%s: \"%s\" must be %s", ctx, key, type_name);
  *out = v;
  return 0;
}

static int
member_string (json_object *obj, const char *key, const char *ctx, const char **out, galley_error_t *err)
{
  json_object *v;

  *out = NULL;
  if (member_typed (obj, key, json_type_string, "a string", ctx, &v, err) < 0)
    return -1;
  if (v != NULL)
    *out = json_object_get_string (v);
  return 0;
}

static int
member_bool (json_object *obj, const char *key, const char *ctx, bool *out, galley_error_t *err)
{
  json_object *v;

  if (member_typed (obj, key, json_type_boolean, "true or false", ctx, &v, err) < 0)
    return -1;
  *out = v != NULL && json_object_get_boolean (v);
  return 0;
}

/* A copy without trailing slashes; URI schemes are refused as in
 * containers/image's parseLocation.  */
static int
trimmed_location (const char *s, const char *ctx, const char *what, char **out, galley_error_t *err)
{
  size_t n = strlen (s);

  while (n > 0 && s[n - 1] == '/')
    n--;
  if (strncmp (s, "http://", 7) == 0 || strncmp (s, "https://", 8) == 0)
    return error_untrusted (err, "%s: %s \"%s\": URI schemes are not supported", ctx, what, s);
  if ((*out = strndup (s, n)) == NULL)
    return oom (err);
  return 0;
}

/* host[:port][/path], and for prefixes also [:tag][@digest].  */
static bool
location_is_valid (const char *s, bool allow_tag_digest)
{
  _cleanup_free_ char *copy = strdup (s);
  char *slash, *rest, *at, *colon;

  if (copy == NULL)
    return false;
  slash = strchr (copy, '/');
  if (slash != NULL)
    *slash = '\0';
  if (! image_ref_domain_is_valid (copy))
    return false;
  if (slash == NULL)
    return true;
  rest = slash + 1;
  if (allow_tag_digest && (at = strchr (rest, '@')) != NULL)
    {
      *at = '\0';
      if (! digest_is_valid (at + 1))
        return false;
    }
  if (allow_tag_digest && (colon = strrchr (rest, ':')) != NULL)
    {
      *colon = '\0';
      if (! image_ref_tag_is_valid (colon + 1))
        return false;
    }
  return image_ref_path_is_valid (rest);
}

static bool
prefix_is_wildcard (const char *prefix)
{
  return strncmp (prefix, "*.", 2) == 0;
}

static int
parse_mirror (json_object *obj, const char *ctx, struct registry_mirror *m, galley_error_t *err)
{
  const char *location, *pull_from;

  if (! json_object_is_type (obj, json_type_object))
    return error_untrusted (err, "%s: not a table", ctx);
  if (member_string (obj, "location", ctx, &location, err) < 0
      || member_bool (obj, "insecure", ctx, &m->insecure, err) < 0
      || member_string (obj, "pull-from-mirror", ctx, &pull_from, err) < 0)
    return -1;
  if (location == NULL || location[0] == '\0')
    return error_untrusted (err, "%s: mirror location is unset", ctx);
  if (trimmed_location (location, ctx, "location", &m->location, err) < 0)
    return -1;
  if (! location_is_valid (m->location, false))
    return error_untrusted (err, "%s: location \"%s\" is not a valid host[:port][/path]", ctx, location);
  if (pull_from == NULL || pull_from[0] == '\0' || strcmp (pull_from, "all") == 0)
    m->pull_from = MIRROR_PULL_ALL;
  else if (strcmp (pull_from, "digest-only") == 0)
    m->pull_from = MIRROR_PULL_DIGEST_ONLY;
  else if (strcmp (pull_from, "tag-only") == 0)
    m->pull_from = MIRROR_PULL_TAG_ONLY;
  else
    return error_untrusted (err, "%s: unsupported pull-from-mirror value \"%s\"", ctx, pull_from);
  return 0;
}

static int
parse_registry_locations (json_object *obj, const char *ctx, struct registry_entry *e, galley_error_t *err)
{
  const char *prefix, *location;

  if (member_string (obj, "prefix", ctx, &prefix, err) < 0
      || member_string (obj, "location", ctx, &location, err) < 0)
    return -1;
  if (location != NULL && location[0] != '\0')
    {
      if (trimmed_location (location, ctx, "location", &e->location, err) < 0)
        return -1;
      if (! location_is_valid (e->location, false))
        return error_untrusted (err, "%s: location \"%s\" is not a valid host[:port][/path]", ctx, location);
    }
  if (prefix == NULL || prefix[0] == '\0')
    {
      if (e->location == NULL)
        return error_untrusted (err, "%s: both location and prefix are unset", ctx);
      if ((e->prefix = strdup (e->location)) == NULL)
        return oom (err);
      return 0;
    }
  if (trimmed_location (prefix, ctx, "prefix", &e->prefix, err) < 0)
    return -1;
  if (prefix_is_wildcard (e->prefix))
    {
      if (strpbrk (e->prefix, "/@:") != NULL || ! image_ref_domain_is_valid (e->prefix + 2))
        return error_untrusted (err,
                                "%s: wildcarded prefix should be in the format *.example.com, "
                                "not \"%s\"",
                                ctx, prefix);
      return 0;
    }
  if (! location_is_valid (e->prefix, true))
    return error_untrusted (err, "%s: prefix \"%s\" is not a valid host[:port][/path]", ctx, prefix);
  if (e->location == NULL)
    return error_untrusted (err,
                            "%s: location is unset and prefix is not in the format "
                            "*.example.com",
                            ctx);
  return 0;
}

static int
parse_registry (json_object *obj, const char *ctx, struct registry_entry *e, galley_error_t *err)
{
  json_object *mirrors;
  const char *pull_from;

  if (! json_object_is_type (obj, json_type_object))
    return error_untrusted (err, "%s: not a table", ctx);
  if (parse_registry_locations (obj, ctx, e, err) < 0
      || member_bool (obj, "insecure", ctx, &e->insecure, err) < 0
      || member_bool (obj, "blocked", ctx, &e->blocked, err) < 0
      || member_bool (obj, "mirror-by-digest-only", ctx, &e->mirror_by_digest_only, err) < 0
      || member_string (obj, "pull-from-mirror", ctx, &pull_from, err) < 0
      || member_typed (obj, "mirror", json_type_array, "an array of tables ([[registry.mirror]])", ctx,
                       &mirrors, err)
             < 0)
    return -1;
  if (pull_from != NULL && pull_from[0] != '\0')
    return error_untrusted (err,
                            "%s: pull-from-mirror must not be set for a non-mirror "
                            "registry",
                            ctx);
  if (mirrors == NULL)
    return 0;
  e->n_mirrors = 0;
  e->mirrors = calloc (json_object_array_length (mirrors) + 1, sizeof *e->mirrors);
  if (e->mirrors == NULL)
    return oom (err);
  for (size_t i = 0; i < json_object_array_length (mirrors); i++)
    {
      _cleanup_free_ char *mctx = NULL;

      if (asprintf (&mctx, "%s: [[registry.mirror]] %zu", ctx, i + 1) < 0)
        return oom (err);
      e->n_mirrors = i + 1;
      if (parse_mirror (json_object_array_get_idx (mirrors, i), mctx, &e->mirrors[i], err) < 0)
        return -1;
      if (e->mirror_by_digest_only && e->mirrors[i].pull_from != MIRROR_PULL_ALL)
        return error_untrusted (err,
                                "%s: cannot set mirror-by-digest-only for the registry and "
                                "pull-from-mirror for a mirror at the same time",
                                mctx);
    }
  return 0;
}

static const char *
registry_key (const struct registry_entry *e)
{
  return e->location ? e->location : e->prefix;
}

/* Within one file: the first of equal prefixes wins (later ones are
 * ignored, as containers/image does); entries for one location must agree
 * on insecure and blocked.  */
static int
check_registries (struct conf_file *f, galley_error_t *err)
{
  for (size_t i = 0; i < f->n_registries; i++)
    for (size_t j = 0; j < i; j++)
      {
        struct registry_entry *a = &f->registries[j], *b = &f->registries[i];

        if (strcmp (registry_key (a), registry_key (b)) != 0)
          continue;
        if (a->insecure != b->insecure || a->blocked != b->blocked)
          return error_untrusted (err,
                                  "%s: registry \"%s\" is defined multiple times with "
                                  "conflicting '%s' setting",
                                  f->path, registry_key (b),
                                  a->insecure != b->insecure ? "insecure" : "blocked");
      }
  for (size_t i = 0; i < f->n_registries; i++)
    for (size_t j = 0; j < i; j++)
      if (strcmp (f->registries[j].prefix, f->registries[i].prefix) == 0)
        {
          log_warn ("%s: [[registry]] %zu: prefix \"%s\" is defined again; ignoring it", f->path, i + 1,
                    f->registries[i].prefix);
          registry_entry_release (&f->registries[i]);
          memmove (&f->registries[i], &f->registries[i + 1],
                   (f->n_registries - i - 1) * sizeof *f->registries);
          f->n_registries--;
          i--;
          break;
        }
  return 0;
}

static int
parse_registries (json_object *list, struct conf_file *f, galley_error_t *err)
{
  size_t n = json_object_array_length (list);

  f->registries = calloc (n + 1, sizeof *f->registries);
  if (f->registries == NULL)
    return oom (err);
  for (size_t i = 0; i < n; i++)
    {
      _cleanup_free_ char *ctx = NULL;

      if (asprintf (&ctx, "%s: [[registry]] %zu", f->path, i + 1) < 0)
        return oom (err);
      f->n_registries = i + 1;
      if (parse_registry (json_object_array_get_idx (list, i), ctx, &f->registries[i], err) < 0)
        return -1;
      if ((f->registries[i].origin = strdup (f->path)) == NULL)
        return oom (err);
    }
  return check_registries (f, err);
}

static int
parse_search (json_object *list, const char *ctx, struct conf_file *f, galley_error_t *err)
{
  size_t n = json_object_array_length (list);

  f->search_set = true;
  if ((f->search = calloc (n + 1, sizeof *f->search)) == NULL)
    return oom (err);
  for (size_t i = 0; i < n; i++)
    {
      json_object *v = json_object_array_get_idx (list, i);

      if (! json_object_is_type (v, json_type_string))
        return error_untrusted (err, "%s: entries must be strings", ctx);
      if (trimmed_location (json_object_get_string (v), ctx, "entry", &f->search[i], err) < 0)
        return -1;
      f->n_search = i + 1;
      if (! image_ref_domain_is_valid (f->search[i]))
        return error_untrusted (err, "%s: invalid entry \"%s\" (expected host[:port])", ctx,
                                json_object_get_string (v));
    }
  return 0;
}

static int
parse_alias (const char *path, const char *name, json_object *v, struct registry_alias *a,
             galley_error_t *err)
{
  _cleanup_image_ref_ struct image_ref key = { NULL, NULL, NULL, NULL };
  _cleanup_image_ref_ struct image_ref value = { NULL, NULL, NULL, NULL };
  const char *s;

  if (! json_object_is_type (v, json_type_string))
    return error_untrusted (err, "%s: [aliases] \"%s\": the value must be a string", path, name);
  s = json_object_get_string (v);
  if ((a->name = strdup (name)) == NULL || (a->origin = strdup (path)) == NULL)
    return oom (err);
  if (strpbrk (name, ":@") != NULL || image_ref_parse (name, &key, err) < 0)
    {
      galley_error_release (err);
      return error_untrusted (err,
                              "%s: [aliases] \"%s\": the name must be a short name without tag "
                              "or digest",
                              path, name);
    }
  if (key.registry != NULL)
    return error_untrusted (err,
                            "%s: [aliases] \"%s\": the name must be a short name "
                            "(no registry)",
                            path, name);
  if (s[0] == '\0')
    return (a->value = strdup ("")) ? 0 : oom (err);
  if (strchr (s, '@') != NULL || image_ref_parse (s, &value, err) < 0)
    {
      galley_error_release (err);
      return error_untrusted (err, "%s: [aliases] \"%s\": \"%s\" is not a valid image name", path, name, s);
    }
  if (value.registry == NULL)
    return error_untrusted (err, "%s: [aliases] \"%s\": \"%s\" must include a registry", path, name, s);
  if (strrchr (s, ':') != NULL && strrchr (s, ':') > strrchr (s, '/'))
    return error_untrusted (err, "%s: [aliases] \"%s\": \"%s\" must not contain a tag", path, name, s);
  if ((a->value = image_ref_name (&value)) == NULL)
    return oom (err);
  return 0;
}

static int
parse_aliases (json_object *table, struct conf_file *f, galley_error_t *err)
{
  f->aliases = calloc ((size_t)json_object_object_length (table) + 1, sizeof *f->aliases);
  if (f->aliases == NULL)
    return oom (err);
  json_object_object_foreach (table, name, v)
  {
    struct registry_alias *a = &f->aliases[f->n_aliases++];
    if (parse_alias (f->path, name, v, a, err) < 0)
      return -1;
  }
  return 0;
}

/* [registries.search] registries = [...] and friends (the v1 format).  */
static int
convert_v1 (json_object *v1, struct conf_file *f, galley_error_t *err)
{
  static const char *const sections[] = { "search", "insecure", "block" };
  _cleanup_free_ char *ctx = NULL;

  f->registries = calloc (1, sizeof *f->registries);
  if (f->registries == NULL)
    return oom (err);
  for (size_t s = 0; s < 3; s++)
    {
      json_object *section, *list;

      free (ctx);
      if (asprintf (&ctx, "%s: [registries.%s]", f->path, sections[s]) < 0)
        return oom (err);
      if (member_typed (v1, sections[s], json_type_object, "a table", ctx, &section, err) < 0)
        return -1;
      if (section == NULL)
        continue;
      if (member_typed (section, "registries", json_type_array, "an array", ctx, &list, err) < 0)
        return -1;
      if (list == NULL)
        continue;
      if (s == 0)
        {
          if (parse_search (list, ctx, f, err) < 0)
            return -1;
          continue;
        }
      for (size_t i = 0; i < json_object_array_length (list); i++)
        {
          json_object *v = json_object_array_get_idx (list, i);
          struct registry_entry *e = NULL, *grown;
          char *location;

          if (! json_object_is_type (v, json_type_string))
            return error_untrusted (err, "%s: entries must be strings", ctx);
          if (trimmed_location (json_object_get_string (v), ctx, "entry", &location, err) < 0)
            return -1;
          for (size_t j = 0; j < f->n_registries; j++)
            if (strcmp (f->registries[j].location, location) == 0)
              e = &f->registries[j];
          if (e == NULL)
            {
              grown = reallocarray (f->registries, f->n_registries + 1, sizeof *grown);
              if (grown == NULL)
                {
                  free (location);
                  return oom (err);
                }
              f->registries = grown;
              e = &f->registries[f->n_registries++];
              memset (e, 0, sizeof *e);
              e->location = location;
              e->prefix = strdup (location);
              e->origin = strdup (f->path);
              if (e->prefix == NULL || e->origin == NULL)
                return oom (err);
            }
          else
            free (location);
          if (s == 1)
            e->insecure = true;
          else
            e->blocked = true;
        }
    }
  return 0;
}

static int
parse_mode (const char *s, const char *path, struct conf_file *f, galley_error_t *err)
{
  if (s == NULL || s[0] == '\0')
    return 0;
  f->mode_set = true;
  if (strcmp (s, "enforcing") == 0)
    f->mode = SHORT_NAME_MODE_ENFORCING;
  else if (strcmp (s, "permissive") == 0)
    f->mode = SHORT_NAME_MODE_PERMISSIVE;
  else if (strcmp (s, "disabled") == 0)
    f->mode = SHORT_NAME_MODE_DISABLED;
  else
    return error_untrusted (err,
                            "%s: invalid short-name-mode \"%s\" (enforcing, permissive or "
                            "disabled)",
                            path, s);
  return 0;
}

static int
parse_tree (json_object *root, bool is_dropin, struct conf_file *f, galley_error_t *err)
{
  json_object *v1, *search, *registries, *aliases, *unused;
  const char *mode;
  bool has_v2 = false;

  if (member_typed (root, "registries", json_type_object, "a table", f->path, &v1, err) < 0
      || member_typed (root, "unqualified-search-registries", json_type_array, "an array", f->path, &search,
                       err)
             < 0
      || member_typed (root, "registry", json_type_array, "an array of tables ([[registry]])", f->path,
                       &registries, err)
             < 0
      || member_typed (root, "aliases", json_type_object, "a table", f->path, &aliases, err) < 0
      || member_typed (root, "credential-helpers", json_type_array, "an array", f->path, &unused, err) < 0
      || member_string (root, "short-name-mode", f->path, &mode, err) < 0)
    return -1;
  json_object_object_foreach (root, key, val)
  {
    (void)val;
    if (strcmp (key, "registries") != 0)
      has_v2 = true;
    if (strcmp (key, "registries") != 0 && strcmp (key, "unqualified-search-registries") != 0
        && strcmp (key, "registry") != 0 && strcmp (key, "aliases") != 0
        && strcmp (key, "credential-helpers") != 0 && strcmp (key, "short-name-mode") != 0
        && strcmp (key, "additional-layer-store-auth-helper") != 0)
      log_debug ("%s: ignoring unknown key \"%s\"", f->path, key);
  }
  if (v1 != NULL)
    {
      if (is_dropin)
        return error_untrusted (err,
                                "%s: drop-in files must use the v2 format, not "
                                "[registries.*]",
                                f->path);
      if (has_v2)
        return error_untrusted (err,
                                "%s: mixing the v1 ([registries.*]) and v2 formats is "
                                "not supported",
                                f->path);
      return convert_v1 (v1, f, err);
    }
  if (search != NULL && parse_search (search, f->path, f, err) < 0)
    return -1;
  if (parse_mode (mode, f->path, f, err) < 0)
    return -1;
  if (registries != NULL && parse_registries (registries, f, err) < 0)
    return -1;
  if (aliases != NULL && parse_aliases (aliases, f, err) < 0)
    return -1;
  return 0;
}

/* Fold one file into the merged configuration.  Steals from f.  */
static int
merge (struct registries_conf *c, struct conf_file *f, galley_error_t *err)
{
  for (size_t i = 0; i < f->n_registries; i++)
    {
      struct registry_entry *dst = NULL;

      for (size_t j = 0; j < c->n_registries; j++)
        if (strcmp (c->registries[j].prefix, f->registries[i].prefix) == 0)
          dst = &c->registries[j];
      if (dst == NULL)
        {
          struct registry_entry *grown = reallocarray (c->registries, c->n_registries + 1, sizeof *grown);
          if (grown == NULL)
            return oom (err);
          c->registries = grown;
          dst = &c->registries[c->n_registries++];
        }
      else
        registry_entry_release (dst);
      *dst = f->registries[i];
      memset (&f->registries[i], 0, sizeof f->registries[i]);
    }
  for (size_t i = 0; i < f->n_aliases; i++)
    {
      struct registry_alias *dst = NULL;

      for (size_t j = 0; j < c->n_aliases; j++)
        if (strcmp (c->aliases[j].name, f->aliases[i].name) == 0)
          dst = &c->aliases[j];
      if (dst == NULL)
        {
          struct registry_alias *grown = reallocarray (c->aliases, c->n_aliases + 1, sizeof *grown);
          if (grown == NULL)
            return oom (err);
          c->aliases = grown;
          dst = &c->aliases[c->n_aliases++];
        }
      else
        registry_alias_release (dst);
      *dst = f->aliases[i];
      memset (&f->aliases[i], 0, sizeof f->aliases[i]);
    }
  if (f->search_set)
    {
      strv_free_n (c->search, c->n_search);
      c->search = steal_pointer (&f->search);
      c->n_search = f->n_search;
      f->n_search = 0;
      free (c->search_origin);
      if ((c->search_origin = strdup (f->path)) == NULL)
        return oom (err);
    }
  if (f->mode_set)
    c->short_name_mode = f->mode;
  return 0;
}

/* Returns 1 if read, 0 if missing and allowed to be.  */
static int
load_one (struct registries_conf *c, const char *path, bool required, bool is_dropin, galley_error_t *err)
{
  _cleanup_json_ json_object *root = NULL;
  struct conf_file f = { .path = path };
  int ret;

  if (toml_parse_file (path, &root, err) < 0)
    {
      if (! required && galley_error_errno (err) == ENOENT)
        {
          galley_error_release (err);
          return 0;
        }
      return -1;
    }
  log_debug ("loading registries configuration \"%s\"", path);
  ret = parse_tree (root, is_dropin, &f, err);
  if (ret == 0)
    ret = merge (c, &f, err);
  conf_file_release (&f);
  if (ret < 0)
    return -1;
  c->found = true;
  return 1;
}

static int
compare_names (const void *a, const void *b)
{
  return strcmp (*(char *const *)a, *(char *const *)b);
}

static int
load_dropins (struct registries_conf *c, const char *dir, galley_error_t *err)
{
  _cleanup_closedir_ DIR *d = opendir (dir);
  char **names = NULL;
  size_t n = 0;
  struct dirent *de;
  int ret = 0;

  if (d == NULL)
    {
      if (errno == ENOENT || errno == ENOTDIR)
        return 0;
      return galley_error_make (err, errno, "reading %s", dir);
    }
  while ((de = readdir (d)) != NULL)
    {
      size_t len = strlen (de->d_name);
      char **grown;

      if (de->d_name[0] == '.' || len < 6 || strcmp (de->d_name + len - 5, ".conf") != 0)
        continue;
      if ((grown = reallocarray (names, n + 1, sizeof *names)) == NULL
          || (grown[n] = strdup (de->d_name)) == NULL)
        {
          names = grown ? grown : names;
          ret = oom (err);
          goto out;
        }
      names = grown;
      n++;
    }
  if (n > 0)
    qsort (names, n, sizeof *names, compare_names);
  for (size_t i = 0; i < n && ret == 0; i++)
    {
      _cleanup_free_ char *path = NULL;
      struct stat st;

      if (asprintf (&path, "%s/%s", dir, names[i]) < 0)
        ret = oom (err);
      else if (stat (path, &st) == 0 && S_ISDIR (st.st_mode))
        continue;
      else if (load_one (c, path, false, true, err) < 0)
        ret = -1;
    }
out:
  strv_free_n (names, n);
  return ret;
}

static int
compare_registries (const void *a, const void *b)
{
  return strcmp (((const struct registry_entry *)a)->prefix, ((const struct registry_entry *)b)->prefix);
}

/* Erased aliases go; registries are sorted by prefix, as containers/image
 * keeps them.  */
static void
finish (struct registries_conf *c)
{
  size_t kept = 0;

  for (size_t i = 0; i < c->n_aliases; i++)
    {
      if (c->aliases[i].value[0] == '\0')
        registry_alias_release (&c->aliases[i]);
      else
        c->aliases[kept++] = c->aliases[i];
    }
  c->n_aliases = kept;
  if (c->n_registries > 1)
    qsort (c->registries, c->n_registries, sizeof *c->registries, compare_registries);
}

static char *
describe_sources (const char *main_file, const char *const *dirs)
{
  char *s = NULL;
  size_t size = 0;
  FILE *f = open_memstream (&s, &size);

  if (f == NULL)
    return NULL;
  fputs (main_file ? main_file : "", f);
  for (size_t i = 0; dirs != NULL && dirs[i] != NULL; i++)
    fprintf (f, "%s%s", i > 0 || main_file ? ", " : "", dirs[i]);
  if (fclose (f) != 0)
    {
      free (s);
      return NULL;
    }
  return s;
}

int
registries_conf_load_files (const char *main_file, bool main_required, const char *const *dropin_dirs,
                            struct registries_conf **out, galley_error_t *err)
{
  struct registries_conf *c = calloc (1, sizeof *c);

  if (c == NULL)
    return oom (err);
  c->short_name_mode = SHORT_NAME_MODE_PERMISSIVE;
  if ((c->sources = describe_sources (main_file, dropin_dirs)) == NULL)
    {
      registries_conf_free (c);
      return oom (err);
    }
  if (main_file != NULL && load_one (c, main_file, main_required, false, err) < 0)
    {
      registries_conf_free (c);
      return -1;
    }
  for (size_t i = 0; dropin_dirs != NULL && dropin_dirs[i] != NULL; i++)
    if (load_dropins (c, dropin_dirs[i], err) < 0)
      {
        registries_conf_free (c);
        return -1;
      }
  finish (c);
  *out = c;
  return 0;
}

static char *
sibling_dropin_dir (const char *file)
{
  const char *slash = strrchr (file, '/');
  char *dir = NULL;

  if (slash == NULL)
    return strdup ("registries.conf.d");
  if (asprintf (&dir, "%.*s/registries.conf.d", (int)(slash - file), file) < 0)
    return NULL;
  return dir;
}

int
registries_conf_load (const struct galley_paths *p, struct registries_conf **out, galley_error_t *err)
{
  const char *env = getenv ("CONTAINERS_REGISTRIES_CONF");
  _cleanup_free_ char *user_file = NULL, *user_dir = NULL, *env_dir = NULL;
  struct stat st;

  if (env != NULL && env[0] != '\0')
    {
      const char *dirs[] = { NULL, NULL };

      if ((env_dir = sibling_dropin_dir (env)) == NULL)
        return oom (err);
      dirs[0] = env_dir;
      if (registries_conf_load_files (env, true, dirs, out, err) < 0)
        return galley_error_wrap (err, "CONTAINERS_REGISTRIES_CONF");
      return 0;
    }
  if (asprintf (&user_file, "%s/containers/registries.conf", p->config_home) < 0
      || asprintf (&user_dir, "%s/containers/registries.conf.d", p->config_home) < 0)
    return oom (err);
  if (stat (user_file, &st) == 0)
    {
      const char *dirs[] = { user_dir, NULL };
      return registries_conf_load_files (user_file, true, dirs, out, err);
    }
  {
    const char *dirs[] = { REGISTRIES_CONF_SYSTEM_DIR "/registries.conf.d", user_dir, NULL };
    return registries_conf_load_files (REGISTRIES_CONF_SYSTEM_DIR "/registries.conf", false, dirs, out, err);
  }
}

void
registries_conf_free (struct registries_conf *c)
{
  if (c == NULL)
    return;
  strv_free_n (c->search, c->n_search);
  free (c->search_origin);
  for (size_t i = 0; i < c->n_aliases; i++)
    registry_alias_release (&c->aliases[i]);
  free (c->aliases);
  for (size_t i = 0; i < c->n_registries; i++)
    registry_entry_release (&c->registries[i]);
  free (c->registries);
  free (c->sources);
  free (c);
}
