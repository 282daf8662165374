/* The container's environment with podman's rules (pkg/env): -e NAME=value,
 * -e NAME (from the host, omitted when unset), -e PREFIX*, --env-file lines,
 * and the merge order defaults < image < user.  */
#include "config.h"
#include "runtime/envfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "util/cleanup.h"
#include "util/fs.h"

extern char **environ;

/* An --env-file is the user's own file; this only stops a wrong path (a
 * device, a huge log) from eating memory.  */
#define ENV_FILE_MAX_SIZE (16u << 20)

void
env_list_clear (struct env_list *env)
{
  size_t i;

  for (i = 0; i < env->n; i++)
    free (env->entries[i]);
  free (env->entries);
  memset (env, 0, sizeof *env);
}

static ssize_t
env_find (const struct env_list *env, const char *name, size_t name_len)
{
  size_t i;

  for (i = 0; i < env->n; i++)
    if (strncmp (env->entries[i], name, name_len) == 0 && env->entries[i][name_len] == '=')
      return (ssize_t)i;
  return -1;
}

const char *
env_get (const struct env_list *env, const char *name)
{
  ssize_t i = env_find (env, name, strlen (name));

  return i < 0 ? NULL : env->entries[i] + strlen (name) + 1;
}

static int
env_set_n (struct env_list *env, const char *name, size_t name_len, const char *value, galley_error_t *err)
{
  char *entry;
  size_t value_len = strlen (value);
  ssize_t i;

  entry = malloc (name_len + value_len + 2);
  if (entry == NULL)
    return galley_error_make (err, ENOMEM, "environment");
  memcpy (entry, name, name_len);
  entry[name_len] = '=';
  memcpy (entry + name_len + 1, value, value_len + 1);
  i = env_find (env, name, name_len);
  if (i >= 0)
    {
      free (env->entries[i]);
      env->entries[i] = entry;
      return 0;
    }
  if (env->n + 2 > env->alloc)
    {
      size_t alloc = env->alloc ? env->alloc * 2 : 16;
      char **grown = realloc (env->entries, alloc * sizeof *grown);

      if (grown == NULL)
        {
          free (entry);
          return galley_error_make (err, ENOMEM, "environment");
        }
      env->entries = grown;
      env->alloc = alloc;
    }
  env->entries[env->n++] = entry;
  env->entries[env->n] = NULL;
  return 0;
}

int
env_set (struct env_list *env, const char *name, const char *value, galley_error_t *err)
{
  return env_set_n (env, name, strlen (name), value, err);
}

/* "NAME=value" (an image's Env entry) into env; entries without '=' are
 * not variables and are skipped.  */
static int
env_put (struct env_list *env, const char *entry, galley_error_t *err)
{
  const char *eq = strchr (entry, '=');

  if (eq == NULL || eq == entry)
    return 0;
  return env_set_n (env, entry, (size_t)(eq - entry), eq + 1, err);
}

int
env_parse_option (struct env_list *env, const char *arg, char *const *host_environ, galley_error_t *err)
{
  const char *eq = strchr (arg, '='), *name = arg;
  size_t name_len;
  char *const *e;

  if (host_environ == NULL)
    host_environ = environ;
  /* podman trims the front of a name, nothing else */
  name += strspn (name, " \t");
  name_len = eq != NULL ? (size_t)(eq - name) : strlen (name);
  if (name_len == 0)
    return galley_error_make (err, 0, "invalid variable: \"%s\"", arg);
  if (eq != NULL)
    return env_set_n (env, name, name_len, eq + 1, err);
  if (name[name_len - 1] == '*')
    {
      /* "PREFIX*": every host variable starting with PREFIX */
      for (e = host_environ; *e != NULL; e++)
        if (strncmp (*e, name, name_len - 1) == 0 && strchr (*e, '=') != NULL && env_put (env, *e, err) < 0)
          return -1;
      return 0;
    }
  for (e = host_environ; *e != NULL; e++)
    if (strncmp (*e, name, name_len) == 0 && (*e)[name_len] == '=')
      return env_set_n (env, name, name_len, *e + name_len + 1, err);
  return 0;
}

int
env_parse_file (struct env_list *env, const char *path, char *const *host_environ, galley_error_t *err)
{
  _cleanup_free_ char *text = NULL;
  char *cursor, *line;
  size_t lineno = 0, len;

  if (fs_read_file (AT_FDCWD, path, ENV_FILE_MAX_SIZE, &text, NULL, err) < 0)
    return galley_error_wrap (err, "reading env file");
  for (cursor = text; cursor != NULL && *cursor != '\0'; cursor = line)
    {
      char *nl = strchr (cursor, '\n');

      line = nl != NULL ? nl + 1 : NULL;
      if (nl != NULL)
        *nl = '\0';
      lineno++;
      /* CRLF files: the \r belongs to the line ending, not the value */
      len = strlen (cursor);
      if (len > 0 && cursor[len - 1] == '\r')
        cursor[len - 1] = '\0';
      cursor += strspn (cursor, " \t\v\f");
      if (*cursor == '\0' || *cursor == '#')
        continue;
      if (env_parse_option (env, cursor, host_environ, err) < 0)
        return galley_error_wrap (err, "%s:%zu", path, lineno);
    }
  return 0;
}

int
env_build (const char *const *image_env, const struct env_list *user, const char *hostname, const char *home,
           struct env_list *out, galley_error_t *err)
{
  size_t i;

  memset (out, 0, sizeof *out);
  if (env_set (out, "PATH", ENV_DEFAULT_PATH, err) < 0 || env_set (out, "TERM", "xterm", err) < 0)
    goto fail;
  for (; image_env != NULL && *image_env != NULL; image_env++)
    if (env_put (out, *image_env, err) < 0)
      goto fail;
  for (i = 0; user != NULL && i < user->n; i++)
    if (env_put (out, user->entries[i], err) < 0)
      goto fail;
  if (env_get (out, "container") == NULL && env_set (out, "container", ENV_CONTAINER_VALUE, err) < 0)
    goto fail;
  if (hostname != NULL && env_get (out, "HOSTNAME") == NULL && env_set (out, "HOSTNAME", hostname, err) < 0)
    goto fail;
  if (home != NULL && env_get (out, "HOME") == NULL && env_set (out, "HOME", home, err) < 0)
    goto fail;
  return 0;

fail:
  env_list_clear (out);
  return -1;
}
