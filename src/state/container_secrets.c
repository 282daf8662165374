/* A container's secrets (see container_secrets.h).  */
#include "config.h"
#include "state/container_secrets.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "state/container.h"
#include "state/secret.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/strv.h"

#define SECRETS_DIR "secrets"

void
container_secret_clear (struct container_secret *s)
{
  free (s->name);
  free (s->id);
  free (s->target);
  memset (s, 0, sizeof *s);
}

void
container_secrets_free (struct container_secret *list, size_t n)
{
  for (size_t i = 0; i < n; i++)
    container_secret_clear (&list[i]);
  free (list);
}

static int
parse_id (const char *what, const char *v, unsigned long *out, galley_error_t *err)
{
  char *end = NULL;

  errno = 0;
  *out = strtoul (v, &end, 10);
  if (*v < '0' || *v > '9' || *end != '\0' || errno != 0 || *out > 0xfffffffeUL)
    return galley_error_make (err, 0, "%s %s invalid: parsing secret", what, v);
  return 0;
}

/* One KEY=VALUE after the name.  */
static int
parse_secret_option (const char *opt, struct container_secret *s, bool *owner_set, galley_error_t *err)
{
  const char *eq = strchr (opt, '='), *v = eq ? eq + 1 : NULL;
  unsigned long n;
  char *end = NULL;

  if (v == NULL)
    return galley_error_make (err, 0, "option %s invalid: parsing secret", opt);
  if (strncmp (opt, "type=", 5) == 0)
    {
      if (strcmp (v, "mount") != 0 && strcmp (v, "env") != 0)
        return galley_error_make (err, 0, "type %s is invalid: parsing secret", v);
      s->env = strcmp (v, "env") == 0;
    }
  else if (strncmp (opt, "target=", 7) == 0)
    {
      free (s->target);
      s->target = strdup (v);
    }
  else if (strncmp (opt, "uid=", 4) == 0 || strncmp (opt, "gid=", 4) == 0)
    {
      if (parse_id (opt[0] == 'u' ? "UID" : "GID", v, &n, err) < 0)
        return -1;
      if (opt[0] == 'u')
        s->uid = (uid_t)n;
      else
        s->gid = (gid_t)n;
      *owner_set = true;
    }
  else if (strncmp (opt, "mode=", 5) == 0)
    {
      n = strtoul (v, &end, 8);
      if (*v == '\0' || *end != '\0' || n > 07777)
        return galley_error_make (err, 0, "mode %s invalid: parsing secret", v);
      s->mode = (mode_t)n;
      *owner_set = true;
    }
  else
    return galley_error_make (err, 0, "option %s invalid: parsing secret", opt);
  return 0;
}

/* /run/secrets/PATH for a relative path, cleaned.  */
static char *
mount_target (const char *path)
{
  _cleanup_free_ char *joined = NULL, *rel = NULL;
  char *out = NULL;

  if (asprintf (&joined, "%s%s", path[0] == '/' ? "" : "/run/secrets/", path) < 0
      || (rel = fs_clean_relative (joined)) == NULL || asprintf (&out, "/%s", rel) < 0)
    abort ();
  return out;
}

int
container_secret_parse (const char *arg, struct container_secret *out, galley_error_t *err)
{
  _cleanup_strv_ char **parts = NULL;
  struct container_secret s = { .mode = 0444 };
  bool owner_set = false;
  const char *comma = strchr (arg, ',');

  memset (out, 0, sizeof *out);
  if (comma == arg || *arg == '\0')
    return galley_error_make (err, 0, "no source found %s: parsing secret", arg);
  s.name = comma ? strndup (arg, (size_t)(comma - arg)) : strdup (arg);
  parts = comma ? strv_split (comma + 1, ',') : NULL;
  for (size_t i = 0; parts && parts[i]; i++)
    if (parse_secret_option (parts[i], &s, &owner_set, err) < 0)
      {
        container_secret_clear (&s);
        return -1;
      }
  if (s.env && owner_set)
    {
      container_secret_clear (&s);
      return galley_error_make (err, 0,
                                "UID, GID, Mode options cannot be set with secret type env: parsing secret");
    }
  /* An env secret's variable is named as given; a mount's target is
   * absolute, or relative to /run/secrets (when not given: the secret's
   * name, known once it is looked up).  */
  if (s.env && (s.target == NULL || *s.target == '\0'))
    {
      free (s.target);
      s.target = strdup (s.name);
    }
  else if (! s.env && s.target != NULL && *s.target != '\0')
    {
      char *t = mount_target (s.target);
      free (s.target);
      s.target = t;
    }
  else if (! s.env)
    {
      free (s.target);
      s.target = NULL;
    }
  if (s.name == NULL || (s.env && s.target == NULL))
    abort ();
  *out = s;
  return 0;
}

static json_object *
secret_json (const struct container_secret *s)
{
  json_object *o = json_object_new_object ();

  json_object_object_add (o, "Name", json_object_new_string (s->name));
  json_object_object_add (o, "ID", json_object_new_string (s->id ? s->id : ""));
  json_object_object_add (o, "Type", json_object_new_string (s->env ? "env" : "mount"));
  json_object_object_add (o, "Target", json_object_new_string (s->target));
  json_object_object_add (o, "UID", json_object_new_int64 (s->uid));
  json_object_object_add (o, "GID", json_object_new_int64 (s->gid));
  json_object_object_add (o, "Mode", json_object_new_int64 (s->mode));
  return o;
}

int
container_secrets_resolve (const struct galley_paths *p, struct container_config *config, galley_error_t *err)
{
  _cleanup_json_ json_object *resolved = json_object_new_array ();
  size_t n = strv_len (config->secret_options);

  if (n == 0)
    return 0;
  for (size_t i = 0; i < n; i++)
    {
      struct container_secret cs;
      struct secret s = { 0 };
      if (container_secret_parse (config->secret_options[i], &cs, err) < 0)
        return -1;
      if (secret_lookup (p, cs.name, &s, err) < 0)
        {
          container_secret_clear (&cs);
          return -1;
        }
      /* The record keeps the secret's name as it is stored (an id given is
       * resolved to it).  */
      free (cs.name);
      cs.name = steal_pointer (&s.name);
      cs.id = steal_pointer (&s.id);
      if (cs.target == NULL)
        cs.target = mount_target (cs.name);
      secret_clear (&s);
      json_object_array_add (resolved, secret_json (&cs));
      container_secret_clear (&cs);
    }
  cleanup_strvp (&config->secret_options);
  if (config->secrets != NULL)
    json_object_put (config->secrets);
  config->secrets = steal_pointer (&resolved);
  return 0;
}

static int
entry_of (json_object *o, struct container_secret *s, galley_error_t *err)
{
  const char *name = json_get_string (o, "Name"), *target = json_get_string (o, "Target");
  const char *type = json_get_string (o, "Type");
  json_object *v;

  if (name == NULL || target == NULL || type == NULL || ! secret_valid_name (name))
    return galley_error_make (err, EINVAL, "a secret of the container's record without its name or target");
  s->name = strdup (name);
  s->id = strdup (json_get_string (o, "ID") ? json_get_string (o, "ID") : "");
  s->target = strdup (target);
  s->env = strcmp (type, "env") == 0;
  s->uid = json_object_object_get_ex (o, "UID", &v) ? (uid_t)json_object_get_int64 (v) : 0;
  s->gid = json_object_object_get_ex (o, "GID", &v) ? (gid_t)json_object_get_int64 (v) : 0;
  s->mode = json_object_object_get_ex (o, "Mode", &v) ? (mode_t)json_object_get_int64 (v) & 07777 : 0444;
  if (s->name == NULL || s->id == NULL || s->target == NULL)
    abort ();
  return 0;
}

int
container_secrets_of (const struct container_config *config, struct container_secret **out, size_t *n,
                      galley_error_t *err)
{
  json_object *arr = config->secrets;
  size_t count = 0;

  *out = NULL;
  *n = 0;
  if (! json_object_is_type (arr, json_type_array) || json_object_array_length (arr) == 0)
    return 0;
  count = json_object_array_length (arr);
  *out = calloc (count, sizeof **out);
  if (*out == NULL)
    abort ();
  for (size_t i = 0; i < count; i++, (*n)++)
    if (entry_of (json_object_array_get_idx (arr, i), &(*out)[i], err) < 0)
      {
        container_secrets_free (*out, *n);
        *out = NULL;
        *n = 0;
        return -1;
      }
  return 0;
}

char *
container_secret_copy_path (const struct galley_paths *p, const char *id, const char *name)
{
  char *s = NULL;
  return asprintf (&s, "%s/containers/%s/%s/%s", p->root, id, SECRETS_DIR, name) < 0 ? NULL : s;
}

int
container_secrets_dir (const struct galley_paths *p, const char *id, galley_error_t *err)
{
  _cleanup_free_ char *cdir = container_dir (p, id);
  _cleanup_close_ int cfd = -1;
  int fd;

  if (cdir == NULL)
    return galley_error_make (err, ENOMEM, "allocating");
  cfd = open (cdir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (cfd < 0 || (mkdirat (cfd, SECRETS_DIR, 0700) < 0 && errno != EEXIST)
      || (fd = openat (cfd, SECRETS_DIR, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0)
    return galley_error_make (err, errno, "creating the secrets directory of container %s", id);
  return fd;
}

int
container_secrets_copy (const struct galley_paths *p, const struct container_config *config, const char *id,
                        galley_error_t *err)
{
  _cleanup_close_ int sfd = -1;
  struct container_secret *list = NULL;
  size_t n = 0;
  int ret = -1;

  if (container_secrets_of (config, &list, &n, err) < 0)
    return -1;
  for (size_t i = 0; i < n; i++)
    {
      _cleanup_error_ galley_error_t e = NULL;
      if (list[i].env)
        continue;
      if (sfd < 0 && (sfd = container_secrets_dir (p, id, err)) < 0)
        goto out;
      /* The same secret mounted twice has one copy.  */
      if (secret_copy_data (p, list[i].id, sfd, list[i].name, &e) < 0 && galley_error_errno (&e) != EEXIST)
        {
          *err = steal_pointer (&e);
          galley_error_wrap (err, "secret %s", list[i].name);
          goto out;
        }
    }
  ret = 0;
out:
  container_secrets_free (list, n);
  return ret;
}

json_object *
container_secrets_inspect (const struct container_config *config)
{
  _cleanup_error_ galley_error_t ignored = NULL;
  struct container_secret *list = NULL;
  json_object *out = NULL;
  size_t n = 0;

  if (container_secrets_of (config, &list, &n, &ignored) < 0)
    return NULL;
  for (size_t i = 0; i < n; i++)
    {
      json_object *o;
      if (list[i].env)
        continue;
      if (out == NULL)
        out = json_object_new_array ();
      o = json_object_new_object ();
      json_object_object_add (o, "Name", json_object_new_string (list[i].name));
      json_object_object_add (o, "ID", json_object_new_string (list[i].id));
      json_object_object_add (o, "UID", json_object_new_int64 (list[i].uid));
      json_object_object_add (o, "GID", json_object_new_int64 (list[i].gid));
      json_object_object_add (o, "Mode", json_object_new_int64 (list[i].mode));
      json_object_array_add (out, o);
    }
  container_secrets_free (list, n);
  return out;
}
