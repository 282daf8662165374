/* Parsing of image configs (OCI image-spec and Docker's, which share the
 * fields galley uses) and their consistency with the manifest.  */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "image/manifest.h"
#include "util/cleanup.h"
#include "util/digest.h"
#include "util/error_text.h"
#include "util/log.h"
#include "util/strv.h"

static int
dup_string_member (json_object *obj, const char *key, const char *what, char **out, galley_error_t *err)
{
  json_object *v;

  *out = NULL;
  if (obj == NULL || ! json_object_object_get_ex (obj, key, &v) || v == NULL)
    return 0;
  if (! json_object_is_type (v, json_type_string))
    return error_untrusted (err, "%s: \"%s\" is not a string", what, key);
  if ((*out = strdup (json_object_get_string (v))) == NULL)
    return galley_error_make (err, ENOMEM, "%s", what);
  return 0;
}

/* ["a", "b"] -> NULL-terminated copy; absent or null -> NULL.  */
static int
dup_string_array (json_object *obj, const char *key, const char *what, char ***out, size_t *n_out,
                  galley_error_t *err)
{
  json_object *v;
  size_t n;
  char **list;

  *out = NULL;
  if (n_out)
    *n_out = 0;
  if (obj == NULL || ! json_object_object_get_ex (obj, key, &v) || v == NULL)
    return 0;
  if (! json_object_is_type (v, json_type_array))
    return error_untrusted (err, "%s: \"%s\" is not an array of strings", what, key);
  n = json_object_array_length (v);
  if ((list = calloc (n + 1, sizeof *list)) == NULL)
    return galley_error_make (err, ENOMEM, "%s", what);
  *out = list;
  for (size_t i = 0; i < n; i++)
    {
      json_object *s = json_object_array_get_idx (v, i);
      if (! json_object_is_type (s, json_type_string))
        return error_untrusted (err, "%s: \"%s\" is not an array of strings", what, key);
      if ((list[i] = strdup (json_object_get_string (s))) == NULL)
        return galley_error_make (err, ENOMEM, "%s", what);
    }
  if (n_out)
    *n_out = n;
  return 0;
}

/* {"80/tcp": {}} -> the keys, NULL-terminated.  */
static int
dup_object_keys (json_object *obj, const char *key, const char *what, char ***out, galley_error_t *err)
{
  json_object *v;
  size_t i = 0;
  char **list;

  *out = NULL;
  if (obj == NULL || ! json_object_object_get_ex (obj, key, &v) || v == NULL)
    return 0;
  if (! json_object_is_type (v, json_type_object))
    return error_untrusted (err, "%s: \"%s\" is not an object", what, key);
  if ((list = calloc ((size_t)json_object_object_length (v) + 1, sizeof *list)) == NULL)
    return galley_error_make (err, ENOMEM, "%s", what);
  *out = list;
  json_object_object_foreach (v, k, unused)
  {
    (void)unused;
    if ((list[i++] = strdup (k)) == NULL)
      return galley_error_make (err, ENOMEM, "%s", what);
  }
  return 0;
}

static int
parse_labels (json_object *cfg, struct image_config *c, galley_error_t *err)
{
  json_object *v;

  if (cfg == NULL || ! json_object_object_get_ex (cfg, "Labels", &v) || v == NULL)
    return 0;
  if (! json_object_is_type (v, json_type_object))
    return error_untrusted (err, "config: \"Labels\" is not an object");
  c->labels = calloc ((size_t)json_object_object_length (v) + 1, sizeof *c->labels);
  if (c->labels == NULL)
    return galley_error_make (err, ENOMEM, "config");
  json_object_object_foreach (v, k, val)
  {
    struct image_label *l = &c->labels[c->n_labels];

    if (! json_object_is_type (val, json_type_string))
      return error_untrusted (err, "config: label \"%s\" is not a string", k);
    l->key = strdup (k);
    l->value = strdup (json_object_get_string (val));
    c->n_labels++;
    if (l->key == NULL || l->value == NULL)
      return galley_error_make (err, ENOMEM, "config");
  }
  return 0;
}

static int
parse_runtime_config (json_object *cfg, struct image_config *c, galley_error_t *err)
{
  const char *what = "config: \"config\"";

  if (cfg == NULL)
    return 0;
  if (! json_object_is_type (cfg, json_type_object))
    return error_untrusted (err, "%s is not an object", what);
  if (dup_string_member (cfg, "User", what, &c->user, err) < 0
      || dup_string_array (cfg, "Env", what, &c->env, NULL, err) < 0
      || dup_string_array (cfg, "Entrypoint", what, &c->entrypoint, NULL, err) < 0
      || dup_string_array (cfg, "Cmd", what, &c->cmd, NULL, err) < 0
      || dup_string_member (cfg, "WorkingDir", what, &c->working_dir, err) < 0
      || dup_object_keys (cfg, "ExposedPorts", what, &c->exposed_ports, err) < 0
      || dup_object_keys (cfg, "Volumes", what, &c->volumes, err) < 0
      || dup_string_member (cfg, "StopSignal", what, &c->stop_signal, err) < 0)
    return -1;
  return parse_labels (cfg, c, err);
}

static int
parse_rootfs (json_object *root, struct image_config *c, galley_error_t *err)
{
  json_object *rootfs;
  const char *type;

  if (! json_object_object_get_ex (root, "rootfs", &rootfs)
      || ! json_object_is_type (rootfs, json_type_object))
    return error_untrusted (err, "config: missing \"rootfs\"");
  type = json_get_string (rootfs, "type");
  if (type == NULL || strcmp (type, "layers") != 0)
    return error_untrusted (err, "config: rootfs type must be \"layers\"");
  if (! json_object_object_get_ex (rootfs, "diff_ids", NULL))
    return error_untrusted (err, "config: missing \"rootfs.diff_ids\"");
  if (dup_string_array (rootfs, "diff_ids", "config: rootfs", &c->diff_ids, &c->n_diff_ids, err) < 0)
    return -1;
  for (size_t i = 0; i < c->n_diff_ids; i++)
    if (! digest_is_valid (c->diff_ids[i]))
      return error_untrusted (err, "config: rootfs.diff_ids[%zu]: invalid digest \"%.80s\"", i,
                              c->diff_ids[i]);
  return 0;
}

static int
parse_history (json_object *root, struct image_config *c, galley_error_t *err)
{
  json_object *list;
  size_t n;

  if (! json_object_object_get_ex (root, "history", &list) || list == NULL)
    return 0;
  if (! json_object_is_type (list, json_type_array))
    return error_untrusted (err, "config: \"history\" is not an array");
  n = json_object_array_length (list);
  if ((c->history = calloc (n ? n : 1, sizeof *c->history)) == NULL)
    return galley_error_make (err, ENOMEM, "config");
  for (size_t i = 0; i < n; i++)
    {
      json_object *h = json_object_array_get_idx (list, i), *empty;
      struct image_history *e = &c->history[i];
      const char *what = "config: history";

      c->n_history = i + 1;
      if (! json_object_is_type (h, json_type_object))
        return error_untrusted (err, "config: history[%zu] is not an object", i);
      if (dup_string_member (h, "created", what, &e->created, err) < 0
          || dup_string_member (h, "created_by", what, &e->created_by, err) < 0
          || dup_string_member (h, "author", what, &e->author, err) < 0
          || dup_string_member (h, "comment", what, &e->comment, err) < 0)
        return -1;
      if (json_object_object_get_ex (h, "empty_layer", &empty) && empty != NULL)
        {
          if (! json_object_is_type (empty, json_type_boolean))
            return error_untrusted (err, "config: history[%zu].empty_layer is not a boolean", i);
          e->empty_layer = json_object_get_boolean (empty);
        }
    }
  return 0;
}

static int
image_config_parse_into (const void *buf, size_t len, struct image_config *c, galley_error_t *err)
{
  json_object *root, *cfg = NULL;

  if (len > MANIFEST_MAX_SIZE)
    return error_untrusted (err, "config of %zu bytes exceeds the limit of %d bytes", len, MANIFEST_MAX_SIZE);
  if (json_parse_strict (buf, len, "config", &c->raw, err) < 0)
    return -1;
  root = c->raw;
  if (! json_object_is_type (root, json_type_object))
    return error_untrusted (err, "config: not a JSON object");
  if (json_check_duplicate_keys (buf, len, "config", err) < 0)
    return -1;
  if (dup_string_member (root, "architecture", "config", &c->architecture, err) < 0
      || dup_string_member (root, "os", "config", &c->os, err) < 0
      || dup_string_member (root, "variant", "config", &c->variant, err) < 0
      || dup_string_member (root, "created", "config", &c->created, err) < 0
      || dup_string_member (root, "author", "config", &c->author, err) < 0)
    return -1;
  if (c->architecture == NULL || c->os == NULL)
    return error_untrusted (err, "config: missing \"architecture\" or \"os\"");
  if (json_object_object_get_ex (root, "config", &cfg) && parse_runtime_config (cfg, c, err) < 0)
    return -1;
  if (parse_rootfs (root, c, err) < 0)
    return -1;
  return parse_history (root, c, err);
}

int
image_config_parse (const void *buf, size_t len, struct image_config *out, galley_error_t *err)
{
  memset (out, 0, sizeof *out);
  if (image_config_parse_into (buf, len, out, err) < 0)
    {
      image_config_release (out);
      return -1;
    }
  return 0;
}

int
image_config_check (const struct image_config *c, const struct manifest *m, const struct platform *want,
                    galley_error_t *err)
{
  if (c->n_diff_ids != m->n_layers)
    return error_untrusted (err, "config %s has %zu diff_ids but the manifest has %zu layers",
                            m->config.digest ? m->config.digest : "", c->n_diff_ids, m->n_layers);
  if (want != NULL)
    {
      _cleanup_platform_ struct platform have = { NULL, NULL, NULL };

      if ((have.os = strdup (c->os)) == NULL || (have.architecture = strdup (c->architecture)) == NULL
          || (c->variant && (have.variant = strdup (c->variant)) == NULL))
        return galley_error_make (err, ENOMEM, "checking the config");
      platform_normalize (&have);
      if (platform_match_rank (want, &have) < 0)
        {
          _cleanup_free_ char *w = platform_format (want);
          _cleanup_free_ char *h = platform_format (&have);
          log_warn ("image platform (%s) does not match the expected platform (%s)", h ? h : "?",
                    w ? w : "?");
        }
    }
  return 0;
}

void
image_config_release (struct image_config *c)
{
  free (c->architecture);
  free (c->os);
  free (c->variant);
  free (c->created);
  free (c->author);
  free (c->user);
  strv_free (c->env);
  strv_free (c->entrypoint);
  strv_free (c->cmd);
  free (c->working_dir);
  for (size_t i = 0; i < c->n_labels; i++)
    {
      free (c->labels[i].key);
      free (c->labels[i].value);
    }
  free (c->labels);
  strv_free (c->exposed_ports);
  strv_free (c->volumes);
  free (c->stop_signal);
  strv_free (c->diff_ids);
  for (size_t i = 0; i < c->n_history; i++)
    {
      free (c->history[i].created);
      free (c->history[i].created_by);
      free (c->history[i].author);
      free (c->history[i].comment);
    }
  free (c->history);
  if (c->raw != NULL)
    json_object_put (c->raw);
  memset (c, 0, sizeof *c);
}
