/* CDI devices (see cdi.h): scanning the spec directories, resolving
 * qualified names with their precedence, and editing a container's spec.  */
#include "config.h"
#include "runtime/cdi.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
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
#include "util/yaml.h"

/* A spec file larger than this is not a spec file.  */
#define CDI_SPEC_MAX (16 * 1024 * 1024)

struct loaded_spec
{
  struct cdi_spec *spec;
  char *path;
  size_t priority; /* the index of its directory */
};

struct registry
{
  struct loaded_spec *specs;
  size_t n;
  char **problems; /* "PATH: why it was left out" */
};

static void
registry_clear (struct registry *r)
{
  size_t i;

  for (i = 0; i < r->n; i++)
    {
      cdi_spec_free (r->specs[i].spec);
      free (r->specs[i].path);
    }
  free (r->specs);
  cleanup_strvp (&r->problems);
}

bool
cdi_is_device_name (const char *arg)
{
  size_t vendor_len, class_len;

  return cdi_parse_qualified_name (arg, &vendor_len, &class_len);
}

static bool
has_suffix (const char *s, const char *suffix)
{
  size_t n = strlen (s), m = strlen (suffix);

  return n > m && strcmp (s + n - m, suffix) == 0;
}

/* A file left out, and why (kept for the error if a device is missing).  */
static int
left_out (struct registry *r, galley_error_t *why)
{
  int ret = strv_append (&r->problems, (*why)->msg);

  log_debug ("CDI: %s", (*why)->msg);
  galley_error_release (why);
  return ret;
}

static int
load_file (struct registry *r, const char *path, size_t priority, galley_error_t *why)
{
  _cleanup_free_ char *text = NULL;
  _cleanup_json_ json_object *doc = NULL;
  struct loaded_spec *grown;
  struct cdi_spec *spec = NULL;
  size_t len = 0;

  if (fs_path_trusted (path, why) < 0 || fs_read_file (AT_FDCWD, path, CDI_SPEC_MAX, &text, &len, why) < 0)
    return galley_error_wrap (why, "%s", path);
  if ((has_suffix (path, ".json") ? json_parse_strict (text, len, path, &doc, why)
                                  : yaml_parse_json (text, len, path, &doc, why))
          < 0
      || cdi_spec_parse (doc, path, &spec, why) < 0)
    return -1;
  grown = realloc (r->specs, (r->n + 1) * sizeof *grown);
  if (grown == NULL)
    {
      cdi_spec_free (spec);
      return galley_error_make (why, ENOMEM, "%s", path);
    }
  r->specs = grown;
  grown[r->n].spec = spec;
  grown[r->n].path = strdup (path);
  grown[r->n].priority = priority;
  r->n++;
  return 0;
}

static int
compare_names (const void *a, const void *b)
{
  return strcmp (*(char *const *)a, *(char *const *)b);
}

/* The *.json and *.yaml files of dir, by name, as the reference
 * implementation reads them.  */
static int
load_dir (struct registry *r, const char *dir, size_t priority, galley_error_t *err)
{
  _cleanup_closedir_ DIR *d = NULL;
  _cleanup_strv_ char **names = NULL;
  galley_error_t why = NULL;
  struct dirent *de;
  size_t i;

  if (fs_path_trusted (dir, &why) < 0)
    {
      if (galley_error_errno (&why) == ENOENT)
        {
          galley_error_release (&why);
          return 0;
        }
      galley_error_wrap (&why, "spec directory %s", dir);
      return left_out (r, &why) < 0 ? galley_error_make (err, ENOMEM, "CDI") : 0;
    }
  d = opendir (dir);
  if (d == NULL)
    return galley_error_make (err, errno, "CDI spec directory %s", dir);
  while ((de = readdir (d)) != NULL)
    if ((de->d_type == DT_REG || de->d_type == DT_LNK || de->d_type == DT_UNKNOWN)
        && (has_suffix (de->d_name, ".json") || has_suffix (de->d_name, ".yaml"))
        && strv_append (&names, de->d_name) < 0)
      return galley_error_make (err, ENOMEM, "CDI spec directory %s", dir);
  if (names != NULL)
    qsort (names, strv_len (names), sizeof *names, compare_names);
  for (i = 0; names != NULL && names[i] != NULL; i++)
    {
      _cleanup_free_ char *path = NULL;
      if (asprintf (&path, "%s/%s", dir, names[i]) < 0)
        return galley_error_make (err, ENOMEM, "CDI spec directory %s", dir);
      if (load_file (r, path, priority, &why) < 0 && left_out (r, &why) < 0)
        return galley_error_make (err, ENOMEM, "CDI");
    }
  return 0;
}

/* The device named, of the highest priority; *ambiguous when two specs of
 * that priority define it.  */
static const struct loaded_spec *
lookup (const struct registry *r, const char *name, const struct cdi_device **dev, bool *ambiguous)
{
  const struct loaded_spec *best = NULL;
  size_t vendor_len, class_len, i, j;
  const char *device;

  *dev = NULL;
  *ambiguous = false;
  if (! cdi_parse_qualified_name (name, &vendor_len, &class_len))
    return NULL;
  device = name + vendor_len + 1 + class_len + 1;
  for (i = 0; i < r->n; i++)
    {
      const struct cdi_spec *s = r->specs[i].spec;
      if (strlen (s->vendor) != vendor_len || strncmp (s->vendor, name, vendor_len) != 0
          || strlen (s->class_) != class_len || strncmp (s->class_, name + vendor_len + 1, class_len) != 0)
        continue;
      for (j = 0; j < s->n_devices && strcmp (s->devices[j].name, device) != 0; j++)
        ;
      if (j == s->n_devices)
        continue;
      if (best != NULL && best->priority == r->specs[i].priority)
        *ambiguous = true;
      else
        *ambiguous = false;
      best = &r->specs[i];
      *dev = &s->devices[j];
    }
  return best;
}

/* The CDI devices among config's devices, each once.  */
static char **
requested_devices (const struct container_config *config)
{
  char **names = strv_copy (NULL);
  size_t i;

  for (i = 0; config->devices != NULL && config->devices[i] != NULL; i++)
    if (cdi_is_device_name (config->devices[i]))
      strv_append_unique (&names, config->devices[i]);
  return names;
}

static int
unresolved_error (const struct registry *r, char *const *missing, galley_error_t *err)
{
  _cleanup_free_ char *list = strv_join (missing, ", ");
  _cleanup_free_ char *why = strv_join (r->problems, "; ");

  if (list == NULL || why == NULL)
    return galley_error_make (err, ENOMEM, "CDI");
  if (r->problems == NULL || r->problems[0] == NULL)
    return galley_error_make (err, 0, "setting up CDI devices: unresolvable CDI devices %s", list);
  return galley_error_make (err, 0, "setting up CDI devices: unresolvable CDI devices %s (left out: %s)",
                            list, why);
}

static int
resolve_in (const struct registry *r, char *const *names, struct cdi_edits *edits, galley_error_t *err)
{
  _cleanup_free_ bool *used = calloc (r->n + 1, sizeof *used);
  _cleanup_strv_ char **missing = NULL;
  size_t i;

  if (used == NULL)
    return galley_error_make (err, ENOMEM, "CDI");
  for (i = 0; names[i] != NULL; i++)
    {
      const struct cdi_device *dev;
      const struct loaded_spec *l;
      bool ambiguous;

      l = lookup (r, names[i], &dev, &ambiguous);
      if (l == NULL)
        {
          if (strv_append (&missing, names[i]) < 0)
            return galley_error_make (err, ENOMEM, "CDI");
          continue;
        }
      if (ambiguous)
        return galley_error_make (
            err, 0, "setting up CDI devices: conflicting device %s in the specs of one directory", names[i]);
      if (! used[l - r->specs] && cdi_edits_append (edits, &l->spec->edits, err) < 0)
        return galley_error_wrap (err, "%s", l->path);
      used[l - r->specs] = true;
      if (cdi_edits_append (edits, &dev->edits, err) < 0)
        return galley_error_wrap (err, "%s", l->path);
    }
  if (missing != NULL)
    return unresolved_error (r, missing, err);
  return 0;
}

int
cdi_resolve (const struct container_config *config, struct cdi_edits *edits, galley_error_t *err)
{
  _cleanup_strv_ char **names = requested_devices (config);
  char *const *dirs = galley_config_current ()->cdi_spec_dirs;
  struct registry r = { 0 };
  size_t i;
  int ret = 0;

  memset (edits, 0, sizeof *edits);
  if (names == NULL)
    return galley_error_make (err, ENOMEM, "CDI");
  if (names[0] == NULL)
    return 0;
  for (i = 0; dirs != NULL && dirs[i] != NULL && ret == 0; i++)
    ret = load_dir (&r, dirs[i], i, err);
  if (ret == 0)
    ret = resolve_in (&r, names, edits, err);
  registry_clear (&r);
  if (ret < 0)
    cdi_edits_clear (edits);
  return ret;
}

/* ---- applying the edits ---- */

static int
apply_nodes (const struct cdi_edits *e, struct run_spec *spec, galley_error_t *err)
{
  struct device_spec *devices = realloc (spec->devices, (spec->n_devices + e->n_nodes + 1) * sizeof *devices);
  size_t i, j;

  if (devices == NULL)
    return galley_error_make (err, ENOMEM, "CDI devices");
  spec->devices = devices;
  for (i = 0; i < e->n_nodes; i++)
    {
      struct stat st;
      if (stat (e->nodes[i].host_path, &st) < 0)
        return galley_error_make (err, errno, "CDI device node %s: %s", e->nodes[i].container_path,
                                  e->nodes[i].host_path);
      if (! S_ISCHR (st.st_mode) && ! S_ISBLK (st.st_mode))
        return galley_error_make (
            err, 0, "CDI device node %s: %s is not a device (rootless, a device node is the host's, bound)",
            e->nodes[i].container_path, e->nodes[i].host_path);
      for (j = 0; j < spec->n_devices && strcmp (devices[j].container_path, e->nodes[i].container_path) != 0;
           j++)
        ;
      if (j < spec->n_devices)
        device_spec_clear (&devices[j]);
      if (device_spec_copy (&e->nodes[i], &devices[j], err) < 0)
        return -1;
      if (j == spec->n_devices)
        spec->n_devices++;
    }
  return 0;
}

static size_t
depth (const char *path)
{
  size_t n = 0;

  for (; *path; path++)
    n += *path == '/';
  return n;
}

static int
apply_mounts (const struct cdi_edits *e, struct run_spec *spec, galley_error_t *err)
{
  struct mount_spec *mounts = realloc (spec->mounts, (spec->n_mounts + e->n_mounts + 1) * sizeof *mounts);
  size_t first = spec->n_mounts, i, j;

  if (mounts == NULL)
    return galley_error_make (err, ENOMEM, "CDI mounts");
  spec->mounts = mounts;
  for (i = 0; i < e->n_mounts; i++)
    {
      struct stat st;
      if (e->mounts[i].kind == MOUNT_KIND_BIND && stat (e->mounts[i].source, &st) < 0)
        return galley_error_make (err, errno, "CDI mount on %s: %s", e->mounts[i].destination,
                                  e->mounts[i].source);
      /* One mount per destination: the device's replaces the user's.  */
      for (j = 0; j < spec->n_mounts && strcmp (mounts[j].destination, e->mounts[i].destination) != 0; j++)
        ;
      if (j < spec->n_mounts)
        {
          mount_spec_clear (&mounts[j]);
          memmove (&mounts[j], &mounts[j + 1], (spec->n_mounts - j - 1) * sizeof *mounts);
          spec->n_mounts--;
          if (j < first)
            first--;
        }
      if (mount_spec_copy (&e->mounts[i], &mounts[spec->n_mounts], err) < 0)
        return -1;
      /* Parents before what is mounted in them: by depth, stably.  */
      for (j = spec->n_mounts; j > first && depth (mounts[j - 1].destination) > depth (mounts[j].destination);
           j--)
        {
          struct mount_spec t = mounts[j];
          mounts[j] = mounts[j - 1];
          mounts[j - 1] = t;
        }
      spec->n_mounts++;
    }
  return 0;
}

static int
apply_hooks (const struct cdi_edits *e, struct run_spec *spec, galley_error_t *err)
{
  size_t s, i;

  for (s = 0; s < HOOK_STAGE_COUNT; s++)
    for (i = 0; i < e->hooks.n[s]; i++)
      {
        const struct oci_hook *h = &e->hooks.hooks[s][i];
        /* startContainer runs the container's own program.  */
        if (s != HOOK_START_CONTAINER && fs_path_trusted (h->path, err) < 0)
          return galley_error_wrap (err, "CDI %s hook", hook_stage_name ((enum hook_stage)s));
        hook_set_add (&spec->hooks, (enum hook_stage)s, h);
      }
  return 0;
}

static int
apply_env_and_groups (const struct cdi_edits *e, struct run_spec *spec, galley_error_t *err)
{
  gid_t *gids;
  size_t i;

  for (i = 0; e->env != NULL && e->env[i] != NULL; i++)
    {
      _cleanup_free_ char *name = strndup (e->env[i], strcspn (e->env[i], "="));
      if (name == NULL || env_set (&spec->user_env, name, e->env[i] + strlen (name) + 1, err) < 0)
        return name == NULL ? galley_error_make (err, ENOMEM, "CDI environment") : -1;
    }
  if (e->n_gids == 0)
    return 0;
  /* Repeats are dropped where the groups are set (runtime/init.c).  */
  gids = realloc (spec->extra_gids, (spec->n_extra_gids + e->n_gids + 1) * sizeof *gids);
  if (gids == NULL)
    return galley_error_make (err, ENOMEM, "CDI groups");
  spec->extra_gids = gids;
  memcpy (gids + spec->n_extra_gids, e->gids, e->n_gids * sizeof *gids);
  spec->n_extra_gids += e->n_gids;
  return 0;
}

int
cdi_apply (const struct cdi_edits *edits, struct run_spec *spec, galley_error_t *err)
{
  if (edits->intel_rdt)
    return galley_error_make (err, 0, "setting up CDI devices: intelRdt settings are not supported");
  if (edits->net_devices)
    return galley_error_make (err, 0, "setting up CDI devices: moving host network devices is not supported");
  if (apply_nodes (edits, spec, err) < 0 || apply_mounts (edits, spec, err) < 0
      || apply_hooks (edits, spec, err) < 0 || apply_env_and_groups (edits, spec, err) < 0)
    return -1;
  return 0;
}
