/* OCI hooks from the hooks.d directories of oci-hooks(5), with their
 * `when` conditions (see hooks.h).  */
#include "config.h"
#include "runtime/hooks.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "state/galley_config.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/fs_trust.h"
#include "util/json.h"
#include "util/log.h"
#include "util/strv.h"
#include "util/xmalloc.h"

/* A hook file larger than this is not a hook file.  */
#define HOOK_FILE_MAX (1024 * 1024)

/* One hooks.d file, in the terms of version 1.0.0 (0.1.0 files are read
 * into them).  */
struct hook_file
{
  struct oci_hook hook;
  unsigned stages; /* 1 << enum hook_stage */
  bool or_;        /* 0.1.0: any condition matches, not all */
  int always;      /* -1 unset, else the value; hasBindMounts likewise */
  int has_bind_mounts;
  char **annotation_keys, **annotation_values;
  char **commands;
};

static void
hook_file_clear (struct hook_file *f)
{
  oci_hook_clear (&f->hook);
  cleanup_strvp (&f->annotation_keys);
  cleanup_strvp (&f->annotation_values);
  cleanup_strvp (&f->commands);
}

/* The whole string must compile as a POSIX extended regular expression.  */
static int
check_regex (const char *re, const char *what, galley_error_t *err)
{
  regex_t r;
  int rc = regcomp (&r, re, REG_EXTENDED | REG_NOSUB);

  if (rc != 0)
    {
      char msg[256];
      regerror (rc, &r, msg, sizeof msg);
      return galley_error_make (err, 0, "%s: invalid regular expression \"%s\": %s", what, re, msg);
    }
  regfree (&r);
  return 0;
}

static bool
regex_matches (const char *re, const char *s)
{
  regex_t r;
  bool m;

  if (regcomp (&r, re, REG_EXTENDED | REG_NOSUB) != 0)
    return false;
  m = regexec (&r, s, 0, NULL, 0) == 0;
  regfree (&r);
  return m;
}

static int
read_stages (char *const *names, const char *what, unsigned *stages, galley_error_t *err)
{
  size_t i;

  if (names == NULL)
    return galley_error_make (err, 0, "%s: missing required property: stages", what);
  for (i = 0; names[i] != NULL; i++)
    {
      int s = hook_stage_from_name (names[i]);
      /* podman's own stage, for hooks that rewrite the runtime
       * configuration: galley has none to give them.  */
      if (strcmp (names[i], "precreate") == 0)
        log_warn ("%s: the precreate stage is not supported, ignored", what);
      else if (s < 0)
        return galley_error_make (err, 0, "%s: unknown stage \"%s\"", what, names[i]);
      else
        *stages |= 1u << s;
    }
  return 0;
}

static int
optional_bool (json_object *obj, const char *key, const char *what, int *out, galley_error_t *err)
{
  json_object *v;

  *out = -1;
  if (! json_object_object_get_ex (obj, key, &v) || v == NULL)
    return 0;
  if (! json_object_is_type (v, json_type_boolean))
    return galley_error_make (err, 0, "%s: \"%s\" must be true or false", what, key);
  *out = json_object_get_boolean (v);
  return 0;
}

static int
parse_v1 (json_object *doc, const char *what, struct hook_file *f, galley_error_t *err)
{
  _cleanup_strv_ char **stages = NULL;
  json_object *hook = NULL, *when = NULL, *annotations = NULL;

  if (! json_object_object_get_ex (doc, "hook", &hook) || hook == NULL)
    return galley_error_make (err, 0, "%s: missing required property: hook", what);
  if (oci_hook_parse (hook, what, &f->hook, err) < 0)
    return -1;
  if (hook_json_strings (doc, "stages", what, &stages, err) < 0
      || read_stages (stages, what, &f->stages, err) < 0)
    return -1;
  if (! json_object_object_get_ex (doc, "when", &when) || ! json_object_is_type (when, json_type_object))
    return galley_error_make (err, 0, "%s: missing required property: when", what);
  if (optional_bool (when, "always", what, &f->always, err) < 0
      || optional_bool (when, "hasBindMounts", what, &f->has_bind_mounts, err) < 0
      || hook_json_strings (when, "commands", what, &f->commands, err) < 0)
    return -1;
  if (json_object_object_get_ex (when, "annotations", &annotations) && annotations != NULL)
    {
      if (! json_object_is_type (annotations, json_type_object))
        return galley_error_make (err, 0, "%s: \"annotations\" must be an object of strings", what);
      json_object_object_foreach (annotations, key, value)
      {
        if (! json_object_is_type (value, json_type_string))
          return galley_error_make (err, 0, "%s: \"annotations\" must be an object of strings", what);
        if (strv_append (&f->annotation_keys, key) < 0
            || strv_append (&f->annotation_values, json_object_get_string (value)) < 0)
          return galley_error_make (err, ENOMEM, "%s", what);
      }
    }
  return 0;
}

/* A 0.1.0 property that has a singular synonym ("stage" for "stages").  */
static int
v0_list (json_object *doc, const char *plural, const char *singular, const char *what, char ***out,
         galley_error_t *err)
{
  _cleanup_strv_ char **one = NULL;

  if (hook_json_strings (doc, plural, what, out, err) < 0
      || hook_json_strings (doc, singular, what, &one, err) < 0)
    return -1;
  if (*out != NULL && one != NULL)
    return galley_error_make (err, 0, "%s: cannot set both '%s' and '%s'", what, singular, plural);
  if (*out == NULL)
    *out = steal_pointer (&one);
  return 0;
}

static int
parse_v0 (json_object *doc, const char *what, struct hook_file *f, galley_error_t *err)
{
  _cleanup_strv_ char **stages = NULL, **arguments = NULL, **annotations = NULL;
  _cleanup_free_ char *any = NULL;
  const char *path = json_get_string (doc, "hook");

  f->or_ = true;
  if (path == NULL || path[0] != '/')
    return galley_error_make (err, 0, "%s: missing required property: hook (an absolute path)", what);
  if (v0_list (doc, "stages", "stage", what, &stages, err) < 0
      || read_stages (stages, what, &f->stages, err) < 0
      || v0_list (doc, "cmds", "cmd", what, &f->commands, err) < 0
      || v0_list (doc, "annotations", "annotation", what, &annotations, err) < 0
      || hook_json_strings (doc, "arguments", what, &arguments, err) < 0
      || optional_bool (doc, "hasbindmounts", what, &f->has_bind_mounts, err) < 0)
    return -1;
  f->always = -1;
  f->hook.path = strdup (path);
  if (f->hook.path == NULL || (arguments != NULL && strv_append (&f->hook.args, path) < 0))
    return galley_error_make (err, ENOMEM, "%s", what);
  for (size_t i = 0; arguments != NULL && arguments[i] != NULL; i++)
    if (strv_append (&f->hook.args, arguments[i]) < 0)
      return galley_error_make (err, ENOMEM, "%s", what);
  if (annotations != NULL)
    {
      /* Any annotation whose value matches one of them.  */
      any = strv_join (annotations, "|");
      if (any == NULL || strv_append (&f->annotation_keys, ".*") < 0
          || strv_append (&f->annotation_values, any) < 0)
        return galley_error_make (err, ENOMEM, "%s", what);
    }
  return 0;
}

static int
hook_file_parse (const char *path, struct hook_file *f, galley_error_t *err)
{
  _cleanup_free_ char *text = NULL;
  _cleanup_json_ json_object *doc = NULL;
  const char *version;
  size_t len = 0, i;

  memset (f, 0, sizeof *f);
  f->always = f->has_bind_mounts = -1;
  if (fs_read_file (AT_FDCWD, path, HOOK_FILE_MAX, &text, &len, err) < 0
      || json_parse_strict (text, len, path, &doc, err) < 0)
    return -1;
  if (! json_object_is_type (doc, json_type_object))
    return galley_error_make (err, 0, "%s: a hook file must hold a JSON object", path);
  version = json_get_string (doc, "version");
  if (version != NULL && strcmp (version, "1.0.0") == 0)
    {
      if (parse_v1 (doc, path, f, err) < 0)
        return -1;
    }
  else if (version == NULL || *version == '\0' || strcmp (version, "0.1.0") == 0)
    {
      if (parse_v0 (doc, path, f, err) < 0)
        return -1;
    }
  else
    return galley_error_make (err, 0, "%s: unrecognized hook version \"%s\"", path, version);
  for (i = 0; f->annotation_keys != NULL && f->annotation_keys[i] != NULL; i++)
    if (check_regex (f->annotation_keys[i], path, err) < 0
        || check_regex (f->annotation_values[i], path, err) < 0)
      return -1;
  for (i = 0; f->commands != NULL && f->commands[i] != NULL; i++)
    if (check_regex (f->commands[i], path, err) < 0)
      return -1;
  return 0;
}

/* oci-hooks(5)'s `when`: all conditions set must match (any, for 0.1.0
 * files); `commands`, when set, decides once the others passed.  */
static bool
hook_file_matches (const struct hook_file *f, const struct hook_match *m)
{
  int matches = 0;
  size_t i;

  if (f->always >= 0)
    {
      if (f->always && f->or_)
        return true;
      if (f->always)
        matches++;
      else if (! f->or_)
        return false;
    }
  if (f->has_bind_mounts >= 0)
    {
      if (f->has_bind_mounts && m->has_bind_mounts && f->or_)
        return true;
      if (f->has_bind_mounts && m->has_bind_mounts)
        matches++;
      else if (! f->or_)
        return false;
    }
  for (i = 0; f->annotation_keys != NULL && f->annotation_keys[i] != NULL; i++)
    {
      bool found = false;
      if (m->annotations != NULL)
        {
          json_object_object_foreach (m->annotations, key, value)
          {
            if (regex_matches (f->annotation_keys[i], key)
                && regex_matches (f->annotation_values[i], json_object_get_string (value)))
              {
                found = true;
                break;
              }
          }
        }
      if (found && f->or_)
        return true;
      if (found)
        matches++;
      else if (! f->or_)
        return false;
    }
  if (f->commands != NULL && f->commands[0] != NULL)
    {
      for (i = 0; f->commands[i] != NULL; i++)
        if (m->command != NULL && regex_matches (f->commands[i], m->command))
          return true;
      return false;
    }
  return matches > 0;
}

/* Whether the hook runs its path on the host: every stage but
 * startContainer, which runs it in the container.  */
static bool
runs_on_host (unsigned stages)
{
  return (stages & ~(1u << HOOK_START_CONTAINER)) != 0;
}

struct hook_entry
{
  char *name; /* the file name, which masks the same name in earlier directories */
  char *path;
};

static int
compare_entries (const void *a, const void *b)
{
  const unsigned char *x = (const unsigned char *)((const struct hook_entry *)a)->name;
  const unsigned char *y = (const unsigned char *)((const struct hook_entry *)b)->name;

  /* Lower-cased, byte by byte (oci-hooks(5)).  */
  for (; *x && tolower (*x) == tolower (*y); x++, y++)
    ;
  return tolower (*x) - tolower (*y);
}

static void
entries_clear (struct hook_entry *e, size_t n)
{
  for (size_t i = 0; i < n; i++)
    {
      free (e[i].name);
      free (e[i].path);
    }
  free (e);
}

/* Add dir's *.json files to the entries, replacing those of the same name.  */
static int
list_dir (const char *dir, struct hook_entry **entries, size_t *n, galley_error_t *err)
{
  _cleanup_closedir_ DIR *d = NULL;
  struct dirent *de;

  /* Most hosts have none of the directories: one failed open each.  */
  d = opendir (dir);
  if (d == NULL && errno == ENOENT)
    return 0;
  if (d == NULL)
    return galley_error_make (err, errno, "hooks directory %s", dir);
  if (fs_path_trusted (dir, err) < 0)
    return galley_error_wrap (err, "hooks directory %s", dir);
  while ((de = readdir (d)) != NULL)
    {
      size_t len = strlen (de->d_name), i;
      struct hook_entry *grown;
      char *path = NULL;

      if (len <= 5 || strcmp (de->d_name + len - 5, ".json") != 0)
        continue;
      if (asprintf (&path, "%s/%s", dir, de->d_name) < 0)
        return galley_error_make (err, ENOMEM, "hooks directory %s", dir);
      for (i = 0; i < *n && strcmp ((*entries)[i].name, de->d_name) != 0; i++)
        ;
      if (i < *n)
        {
          free ((*entries)[i].path);
          (*entries)[i].path = path;
          continue;
        }
      grown = realloc (*entries, (*n + 1) * sizeof *grown);
      if (grown == NULL || (grown[*n].name = strdup (de->d_name)) == NULL)
        {
          free (path);
          if (grown != NULL)
            *entries = grown;
          return galley_error_make (err, ENOMEM, "hooks directory %s", dir);
        }
      grown[*n].path = path;
      *entries = grown;
      (*n)++;
    }
  return 0;
}

/* Check and add one matching hook file to set.  */
static int
add_hook_file (const char *path, const struct hook_match *m, struct hook_set *set, galley_error_t *err)
{
  struct hook_file f;
  int s, ret = -1;

  if (fs_path_trusted (path, err) < 0)
    return galley_error_wrap (err, "hook file");
  if (hook_file_parse (path, &f, err) < 0)
    goto out;
  if (! hook_file_matches (&f, m))
    {
      log_debug ("hook %s does not match", path);
      ret = 0;
      goto out;
    }
  if (runs_on_host (f.stages) && fs_path_trusted (f.hook.path, err) < 0)
    {
      /* As podman's: a hook whose program is not installed is left out.  */
      if (galley_error_errno (err) == ENOENT)
        {
          log_debug ("hook %s: %s does not exist, left out", path, f.hook.path);
          galley_error_release (err);
          ret = 0;
        }
      else
        galley_error_wrap (err, "hook %s", path);
      goto out;
    }
  for (s = 0; s < HOOK_STAGE_COUNT; s++)
    if (f.stages & (1u << s))
      hook_set_add (set, (enum hook_stage)s, &f.hook);
  log_debug ("hook %s added", path);
  ret = 0;
out:
  hook_file_clear (&f);
  return ret;
}

int
hooks_read_dirs (char *const *dirs, const struct hook_match *m, struct hook_set *set, galley_error_t *err)
{
  struct hook_entry *entries = NULL;
  size_t n = 0, i;
  int ret = 0;

  for (i = 0; dirs != NULL && dirs[i] != NULL && ret == 0; i++)
    ret = list_dir (dirs[i], &entries, &n, err);
  if (ret == 0 && n > 1)
    qsort (entries, n, sizeof *entries, compare_entries);
  for (i = 0; i < n && ret == 0; i++)
    ret = add_hook_file (entries[i].path, m, set, err);
  entries_clear (entries, n);
  return ret;
}

int
hooks_for_spec (const struct container_config *config, struct run_spec *spec, galley_error_t *err)
{
  const struct galley_config *c = galley_config_current ();
  _cleanup_json_ json_object *annotations = NULL;
  struct hook_match m = { spec->argv != NULL ? spec->argv[0] : NULL, NULL, false };
  size_t i;

  for (i = 0; i < spec->n_mounts; i++)
    if (spec->mounts[i].kind == MOUNT_KIND_BIND)
      m.has_bind_mounts = true;
  if (config->annotations != NULL)
    {
      m.annotations = annotations = xalloc_check (json_kv_object (config->annotations));
      spec->hooks.annotations =
          xstrdup (json_object_to_json_string_ext (annotations, JSON_C_TO_STRING_PLAIN));
    }
  return hooks_read_dirs (c->hooks_dir, &m, &spec->hooks, err);
}
