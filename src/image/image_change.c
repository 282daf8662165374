/* --change instructions (see image_change.h).  The accepted forms and the
 * error texts follow libimage's ImageConfigFromChanges.  */
#include "config.h"
#include "image/image_change.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/cleanup.h"
#include "util/error_text.h"
#include "util/json.h"
#include "util/signal_names.h"
#include "util/xmalloc.h"

/* value as a JSON array of strings (a new array), or NULL when it is not
 * one.  */
static json_object *
string_array (const char *value)
{
  _cleanup_json_ json_object *parsed = NULL;
  _cleanup_error_ galley_error_t ignored = NULL;
  json_object *out;
  size_t i;

  if (json_parse_strict (value, strlen (value), "change", &parsed, &ignored) < 0
      || ! json_object_is_type (parsed, json_type_array))
    return NULL;
  for (i = 0; i < json_object_array_length (parsed); i++)
    if (! json_object_is_type (json_object_array_get_idx (parsed, i), json_type_string))
      return NULL;
  out = json_object_new_array ();
  for (i = 0; i < json_object_array_length (parsed); i++)
    json_object_array_add (out, json_object_get (json_object_array_get_idx (parsed, i)));
  return out;
}

/* "x" -> x, in place.  */
static void
unquote (char *s)
{
  size_t len = strlen (s);

  if (len >= 2 && s[0] == '"' && s[len - 1] == '"')
    {
      memmove (s, s + 1, len - 2);
      s[len - 2] = '\0';
    }
}

/* KEY=VALUE of ENV and LABEL, quotes stripped.  */
static int
split_pair (const char *value, char **key, char **val)
{
  const char *eq = strchr (value, '=');

  *key = eq ? strndup (value, (size_t)(eq - value)) : strdup (value);
  *val = strdup (eq ? eq + 1 : "");
  if (*key == NULL || *val == NULL)
    return -1;
  unquote (*key);
  unquote (*val);
  return eq ? 1 : 0;
}

/* The change is quoted as typed: one line whatever it holds.  */
static int
bad (galley_error_t *err, const char *change, const char *why)
{
  return error_untrusted (err, "invalid change \"%s\" - %s", change, why);
}

static int
parse_expose (json_object *delta, const char *change, const char *value, galley_error_t *err)
{
  _cleanup_free_ char *copy = xstrdup (value);
  char *slash = strchr (copy, '/'), *end, key[32];
  const char *proto = "tcp";
  long port;

  if (slash)
    {
      *slash = '\0';
      if (strchr (slash + 1, '/'))
        return bad (err, change, "EXPOSE port must be formatted as PORT[/PROTO]");
      if (strcasecmp (slash + 1, "tcp") == 0)
        proto = "tcp";
      else if (strcasecmp (slash + 1, "udp") == 0)
        proto = "udp";
      else
        return bad (err, change, "EXPOSE protocol must be TCP or UDP");
    }
  errno = 0;
  port = strtol (copy, &end, 10);
  if (copy[0] == '\0' || *end != '\0' || errno != 0)
    return bad (err, change, "EXPOSE port must be an integer");
  if (port <= 0 || port > 65535)
    return bad (err, change, "EXPOSE port must be a valid port number");
  snprintf (key, sizeof key, "%ld/%s", port, proto);
  json_object_object_add (json_get_or_add (delta, "ExposedPorts", json_type_object), key,
                          json_object_new_object ());
  return 0;
}

static int
parse_volume (json_object *delta, const char *change, const char *value, galley_error_t *err)
{
  _cleanup_json_ json_object *paths = string_array (value);
  json_object *volumes = json_get_or_add (delta, "Volumes", json_type_object);
  size_t i;

  if (paths == NULL)
    {
      _cleanup_free_ char *copy = xstrdup (value);
      char *p = copy, *sp;

      paths = json_object_new_array ();
      /* strings.Split on " ": an empty word is an empty path (an error).  */
      while ((sp = strchr (p, ' ')) != NULL)
        {
          *sp = '\0';
          json_object_array_add (paths, json_object_new_string (p));
          p = sp + 1;
        }
      json_object_array_add (paths, json_object_new_string (p));
    }
  if (json_object_array_length (paths) == 0)
    return bad (err, change, "must provide at least one argument to VOLUME");
  for (i = 0; i < json_object_array_length (paths); i++)
    {
      const char *v = json_object_get_string (json_object_array_get_idx (paths, i));
      if (v[0] == '\0')
        return bad (err, change, "VOLUME paths must not be empty");
      json_object_object_add (volumes, v, json_object_new_object ());
    }
  return 0;
}

/* CMD and ENTRYPOINT: a JSON array, else the shell form.  */
static void
parse_command (json_object *delta, const char *key, const char *value)
{
  json_object *arr = string_array (value);

  if (arr == NULL)
    {
      arr = json_object_new_array ();
      /* An empty ENTRYPOINT clears it; an empty CMD is "sh -c" alone.  */
      if (value[0] != '\0' || strcmp (key, "Cmd") == 0)
        {
          json_object_array_add (arr, json_object_new_string ("/bin/sh"));
          json_object_array_add (arr, json_object_new_string ("-c"));
        }
      if (value[0] != '\0')
        json_object_array_add (arr, json_object_new_string (value));
    }
  json_object_object_add (delta, key, arr);
}

static int
parse_workdir (json_object *delta, const char *change, const char *value, galley_error_t *err)
{
  const char *prev = json_get_string (delta, "WorkingDir");
  _cleanup_free_ char *joined = NULL;

  if (value[0] == '\0')
    return bad (err, change, "must provide a non-empty WORKDIR");
  /* Each WORKDIR is relative to the previous one (filepath.Join).  */
  joined = prev == NULL || value[0] == '/' ? xstrdup (value) : xasprintf ("%s/%s", prev, value);
  json_object_object_add (delta, "WorkingDir", json_object_new_string (joined));
  return 0;
}

static int
parse_pair (json_object *delta, const char *instr, const char *change, const char *value, galley_error_t *err)
{
  _cleanup_free_ char *key = NULL, *val = NULL;
  int has_eq = split_pair (value, &key, &val);

  if (has_eq < 0)
    return galley_error_make (err, ENOMEM, "allocating");
  if (strcmp (instr, "ENV") == 0)
    {
      _cleanup_free_ char *entry = NULL;
      if (key[0] == '\0')
        return bad (err, change, "ENV must have at least one argument");
      entry = xasprintf ("%s=%s", key, val);
      json_object_array_add (json_get_or_add (delta, "Env", json_type_array), json_object_new_string (entry));
      return 0;
    }
  if (! has_eq)
    return bad (err, change, "LABEL must be formatted key=value");
  if (key[0] == '\0')
    return bad (err, change, "LABEL must have a non-empty key");
  json_object_object_add (json_get_or_add (delta, "Labels", json_type_object), key,
                          json_object_new_string (val));
  return 0;
}

static int
parse_one (json_object *delta, const char *change, galley_error_t *err)
{
  _cleanup_free_ char *instr = NULL, *value = NULL;
  const char *sep = strchr (change, ' ');
  size_t i, len;

  if (sep == NULL)
    sep = strchr (change, '=');
  if (sep == NULL)
    return bad (err, change, "must be formatted as KEY VALUE");
  instr = strndup (change, (size_t)(sep - change));
  value = strdup (sep + 1);
  if (instr == NULL || value == NULL)
    return galley_error_make (err, ENOMEM, "allocating");
  /* strings.TrimSpace on both, upper-case instruction.  */
  for (i = 0; instr[i]; i++)
    instr[i] = (char)toupper ((unsigned char)instr[i]);
  while (instr[0] && isspace ((unsigned char)instr[0]))
    memmove (instr, instr + 1, strlen (instr));
  len = strlen (value);
  while (len > 0 && isspace ((unsigned char)value[len - 1]))
    value[--len] = '\0';
  for (i = 0; isspace ((unsigned char)value[i]); i++)
    ;
  memmove (value, value + i, strlen (value + i) + 1);

  if (strcmp (instr, "USER") == 0)
    {
      if (value[0] == '\0')
        return bad (err, change, "must provide a value to USER");
      json_object_object_add (delta, "User", json_object_new_string (value));
      return 0;
    }
  if (strcmp (instr, "EXPOSE") == 0)
    return parse_expose (delta, change, value, err);
  if (strcmp (instr, "ENV") == 0 || strcmp (instr, "LABEL") == 0)
    return parse_pair (delta, instr, change, value, err);
  if (strcmp (instr, "ENTRYPOINT") == 0 || strcmp (instr, "CMD") == 0)
    {
      parse_command (delta, instr[0] == 'C' ? "Cmd" : "Entrypoint", value);
      return 0;
    }
  if (strcmp (instr, "VOLUME") == 0)
    return parse_volume (delta, change, value, err);
  if (strcmp (instr, "WORKDIR") == 0)
    return parse_workdir (delta, change, value, err);
  if (strcmp (instr, "STOPSIGNAL") == 0)
    {
      char num[16];
      int sig = signal_parse (value);
      if (sig <= 0)
        return bad (err, change, "KILLSIGNAL must be given a valid signal");
      snprintf (num, sizeof num, "%d", sig);
      json_object_object_add (delta, "StopSignal", json_object_new_string (num));
      return 0;
    }
  if (strcmp (instr, "ONBUILD") == 0)
    {
      if (value[0] == '\0')
        return bad (err, change, "ONBUILD must be given an argument");
      json_object_array_add (json_get_or_add (delta, "OnBuild", json_type_array),
                             json_object_new_string (value));
      return 0;
    }
  return error_untrusted (err, "invalid change \"%s\" - invalid instruction %s", change, instr);
}

int
image_changes_parse (char *const *changes, size_t n, json_object **delta, galley_error_t *err)
{
  _cleanup_json_ json_object *d = json_object_new_object ();
  size_t i;

  if (d == NULL)
    return galley_error_make (err, ENOMEM, "allocating");
  for (i = 0; i < n; i++)
    if (parse_one (d, changes[i], err) < 0)
      return -1;
  *delta = steal_pointer (&d);
  return 0;
}

void
image_config_set_env (json_object *config, const char *name, const char *value)
{
  json_object *env = json_get_or_add (config, "Env", json_type_array);
  size_t i, len = strlen (name);
  _cleanup_free_ char *entry = NULL;

  if (asprintf (&entry, "%s=%s", name, value) < 0)
    return;
  for (i = 0; i < json_object_array_length (env); i++)
    {
      const char *e = json_object_get_string (json_object_array_get_idx (env, i));
      if (e && strncmp (e, name, len) == 0 && e[len] == '=')
        {
          json_object_array_put_idx (env, i, json_object_new_string (entry));
          return;
        }
    }
  json_object_array_add (env, json_object_new_string (entry));
}

/* Add every key of from to obj[key].  */
static void
merge_keys (json_object *obj, const char *key, json_object *from)
{
  json_object *into = json_get_or_add (obj, key, json_type_object);

  json_object_object_foreach (from, k, v)
  {
    json_object_object_add (into, k, json_object_get (v));
  }
}

void
image_changes_apply (json_object *config, json_object *delta)
{
  json_object_object_foreach (delta, key, v)
  {
    size_t i;

    if (strcmp (key, "Env") == 0)
      for (i = 0; i < json_object_array_length (v); i++)
        {
          const char *e = json_object_get_string (json_object_array_get_idx (v, i));
          const char *eq = strchr (e, '=');
          _cleanup_free_ char *name = strndup (e, (size_t)(eq - e));
          if (name)
            image_config_set_env (config, name, eq + 1);
        }
    else if (strcmp (key, "ExposedPorts") == 0 || strcmp (key, "Volumes") == 0 || strcmp (key, "Labels") == 0)
      merge_keys (config, key, v);
    else if (strcmp (key, "OnBuild") == 0)
      {
        json_object *onbuild = json_get_or_add (config, "OnBuild", json_type_array);
        for (i = 0; i < json_object_array_length (v); i++)
          json_object_array_add (onbuild, json_object_get (json_object_array_get_idx (v, i)));
      }
    else
      json_object_object_add (config, key, json_object_get (v));
  }
}
