/* The config instructions of a build (ENV ARG WORKDIR USER CMD ENTRYPOINT
 * LABEL EXPOSE VOLUME SHELL STOPSIGNAL HEALTHCHECK ONBUILD MAINTAINER):
 * what they change in the image config, with Docker's expansion rules,
 * plus the small helpers the other step files share.  */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "build/executor_internal.h"
#include "image/platform.h"
#include "util/cleanup.h"
#include "util/json.h"
#include "util/xmalloc.h"

/* ---- string vectors ---- */

static bool
env_key_is (const char *entry, const char *key)
{
  size_t k = strlen (key);
  return strncmp (entry, key, k) == 0 && (entry[k] == '=' || entry[k] == '\0');
}

void
strv_set_env (char ***v, const char *key, const char *value)
{
  _cleanup_free_ char *kv = xasprintf ("%s=%s", key, value ? value : "");
  size_t i;

  for (i = 0; *v && (*v)[i]; i++)
    if (env_key_is ((*v)[i], key))
      {
        free ((*v)[i]);
        (*v)[i] = steal_pointer (&kv);
        return;
      }
  strv_append (v, kv);
}

const char *
strv_env_get (char *const *v, const char *key)
{
  size_t i;
  for (i = 0; v && v[i]; i++)
    if (env_key_is (v[i], key))
      return v[i][strlen (key)] == '=' ? v[i] + strlen (key) + 1 : "";
  return NULL;
}

json_object *
json_from_strv (char *const *v)
{
  json_object *a = json_object_new_array ();
  size_t i;
  for (i = 0; v && v[i]; i++)
    json_object_array_add (a, json_object_new_string (v[i]));
  return a;
}

const char *
cf_flag_value (const struct cf_instruction *in, const char *name)
{
  size_t i;
  for (i = 0; i < in->n_flags; i++)
    if (strcmp (in->flags[i].name, name) == 0)
      return in->flags[i].value;
  return NULL;
}

/* ---- the stage's view of its image ---- */

json_object *
stage_config (const struct stage_state *st)
{
  json_object *c = NULL;
  if (st->doc == NULL || ! json_object_object_get_ex (st->doc, "config", &c)
      || ! json_object_is_type (c, json_type_object))
    return NULL;
  return c;
}

static char **
config_strv (const struct stage_state *st, const char *key)
{
  json_object *c = stage_config (st), *a = NULL;
  char **v = NULL;
  size_t i;

  if (c == NULL || ! json_object_object_get_ex (c, key, &a) || ! json_object_is_type (a, json_type_array))
    return NULL;
  v = calloc (json_object_array_length (a) + 1, sizeof *v);
  if (v == NULL)
    abort ();
  for (i = 0; i < json_object_array_length (a); i++)
    {
      const char *s = json_object_get_string (json_object_array_get_idx (a, i));
      if ((v[i] = strdup (s ? s : "")) == NULL)
        abort ();
    }
  return v;
}

char **
stage_expand_env (const struct stage_state *st)
{
  _cleanup_strv_ char **env = config_strv (st, "Env");
  char **all = strv_copy (st->args);
  size_t i;

  if (all == NULL)
    abort ();
  for (i = 0; env && env[i]; i++)
    {
      size_t len = strv_len (all);
      all = xreallocarray (all, len + 2, sizeof *all);
      all[len] = steal_pointer (&env[i]);
      all[len + 1] = NULL;
    }
  return all;
}

int
stage_expand (const struct stage_state *st, const char *word, char **out, galley_error_t *err)
{
  _cleanup_strv_ char **env = stage_expand_env (st);
  return cf_expand (word, env, out, err);
}

char **
stage_shell (const struct stage_state *st)
{
  char **sh = config_strv (st, "Shell");
  if (sh != NULL && sh[0] != NULL)
    return sh;
  cleanup_strvp (&sh);
  sh = calloc (3, sizeof *sh);
  if (sh == NULL || (sh[0] = strdup ("/bin/sh")) == NULL || (sh[1] = strdup ("-c")) == NULL)
    abort ();
  return sh;
}

/* ---- expansion as Docker does it per instruction ---- */

static bool
kind_expands (enum cf_kind k)
{
  switch (k)
    {
    case CF_ENV:
    case CF_WORKDIR:
    case CF_USER:
    case CF_LABEL:
    case CF_EXPOSE:
    case CF_VOLUME:
    case CF_STOPSIGNAL:
      return true;
    default:
      return false;
    }
}

/* The instruction's arguments, expanded where Docker expands.  */
static int
expanded_args (const struct stage_state *st, const struct cf_instruction *in, char ***out,
               galley_error_t *err)
{
  _cleanup_strv_ char **v = xcalloc (in->n_args + 1, sizeof (char *));
  size_t i;

  for (i = 0; i < in->n_args; i++)
    {
      if (kind_expands (in->kind))
        {
          if (stage_expand (st, in->args[i], &v[i], err) < 0)
            return -1;
        }
      else
        v[i] = xstrdup (in->args[i]);
    }
  *out = steal_pointer (&v);
  return 0;
}

/* ARG K[=default]: the value is the --build-arg, else the default, else a
 * global ARG's value (which includes the predefined platform ARGs).  A
 * global ARG (before the first FROM) is recorded in st->global too.  */
int
stage_declare_args (struct build *b, struct stage_state *st, const struct cf_instruction *in, bool global,
                    galley_error_t *err)
{
  size_t k;

  for (k = 0; k < in->n_args; k++)
    {
      const char *a = in->args[k], *eq = strchr (a, '=');
      _cleanup_free_ char *key = eq ? xstrndup (a, (size_t)(eq - a)) : xstrdup (a), *val = NULL;
      const char *given;

      given = strv_env_get (b->build_args, key);
      if (given == NULL && eq != NULL && stage_expand (st, eq + 1, &val, err) < 0)
        return -1;
      if (given == NULL && val == NULL)
        given = strv_env_get (st->global, key);
      if (given == NULL && val == NULL)
        continue;
      strv_set_env (&st->args, key, given ? given : val);
      if (global)
        strv_set_env (&st->global, key, given ? given : val);
    }
  return 0;
}

/* BuildKit's automatic platform ARGs (the host's: galley builds for it
 * only), visible to FROM and to a stage's ARG without a value.  */
int
stage_predefined_args (struct stage_state *st, galley_error_t *err)
{
  _cleanup_platform_ struct platform host = { 0 };
  _cleanup_free_ char *text = NULL;
  static const char *const prefixes[] = { "TARGET", "BUILD" };
  size_t i;

  if (platform_host (&host, err) < 0)
    return -1;
  platform_normalize (&host);
  text = xalloc_check (platform_format (&host));
  for (i = 0; i < 2; i++)
    {
      char k[32];
      snprintf (k, sizeof k, "%sPLATFORM", prefixes[i]);
      strv_set_env (&st->global, k, text);
      snprintf (k, sizeof k, "%sOS", prefixes[i]);
      strv_set_env (&st->global, k, host.os);
      snprintf (k, sizeof k, "%sARCH", prefixes[i]);
      strv_set_env (&st->global, k, host.architecture);
      snprintf (k, sizeof k, "%sVARIANT", prefixes[i]);
      strv_set_env (&st->global, k, host.variant ? host.variant : "");
    }
  return 0;
}

int
meta_prepare (struct build *b, struct stage_state *st, const struct cf_instruction *in, char **key_text,
              galley_error_t *err)
{
  _cleanup_strv_ char **v = NULL;
  _cleanup_free_ char *text = NULL;
  size_t i;

  if (in->kind == CF_ARG && stage_declare_args (b, st, in, false, err) < 0)
    return -1;
  if (expanded_args (st, in, &v, err) < 0)
    return -1;
  text = xasprintf ("%s%s", cf_kind_name (in->kind), in->exec_form ? " [exec]" : "");
  for (i = 0; v[i]; i++)
    {
      char *n = xasprintf ("%s\n%s", text, v[i]);
      free (text);
      text = n;
    }
  for (i = 0; i < in->n_flags; i++)
    {
      char *n = xasprintf ("%s\n--%s=%s", text, in->flags[i].name, in->flags[i].value);
      free (text);
      text = n;
    }
  if (in->kind == CF_ONBUILD && in->onbuild)
    {
      char *n = xasprintf ("%s\n%s", text, in->onbuild->text);
      free (text);
      text = n;
    }
  *key_text = steal_pointer (&text);
  return 0;
}

/* ---- applying ---- */

static json_object *
config_object (json_object *cfg, const char *key)
{
  json_object *o = NULL;
  if (! json_object_object_get_ex (cfg, key, &o) || ! json_object_is_type (o, json_type_object))
    {
      o = json_object_new_object ();
      json_object_object_add (cfg, key, o);
    }
  return o;
}

static void
config_set_env (json_object *cfg, const char *key, const char *value)
{
  json_object *env = NULL;
  _cleanup_free_ char *kv = NULL;
  size_t i;

  if (asprintf (&kv, "%s=%s", key, value) < 0)
    abort ();
  if (! json_object_object_get_ex (cfg, "Env", &env) || ! json_object_is_type (env, json_type_array))
    {
      env = json_object_new_array ();
      json_object_object_add (cfg, "Env", env);
    }
  for (i = 0; i < json_object_array_length (env); i++)
    {
      const char *e = json_object_get_string (json_object_array_get_idx (env, i));
      if (e && env_key_is (e, key))
        {
          json_object_array_put_idx (env, i, json_object_new_string (kv));
          return;
        }
    }
  json_object_array_add (env, json_object_new_string (kv));
}

/* CMD/ENTRYPOINT/HEALTHCHECK command: exec form as is, shell form through
 * the SHELL.  */
static json_object *
command_array (const struct stage_state *st, const struct cf_instruction *in, size_t first)
{
  json_object *a = json_object_new_array ();
  size_t i;

  if (! in->exec_form)
    {
      _cleanup_strv_ char **sh = stage_shell (st);
      for (i = 0; sh[i]; i++)
        json_object_array_add (a, json_object_new_string (sh[i]));
    }
  for (i = first; i < in->n_args; i++)
    json_object_array_add (a, json_object_new_string (in->args[i]));
  return a;
}

static int
apply_healthcheck (const struct stage_state *st, const struct cf_instruction *in, json_object *cfg,
                   galley_error_t *err)
{
  static const char *const durations[][2] = { { "interval", "Interval" },
                                              { "timeout", "Timeout" },
                                              { "start-period", "StartPeriod" } };
  json_object *hc = json_object_new_object ();
  const char *v;
  size_t i;

  json_object_object_add (cfg, "Healthcheck", hc);
  if (in->n_args == 0 || (! in->exec_form && strcasecmp (in->args[0], "NONE") == 0))
    {
      json_object *t = json_object_new_array ();
      json_object_array_add (t, json_object_new_string ("NONE"));
      json_object_object_add (hc, "Test", t);
      return 0;
    }
  {
    json_object *cmd = command_array (st, in, 0), *t = json_object_new_array ();
    /* The Test keeps Docker's marker rather than the shell itself.  */
    json_object_array_add (t, json_object_new_string (in->exec_form ? "CMD" : "CMD-SHELL"));
    if (in->exec_form)
      for (i = 0; i < json_object_array_length (cmd); i++)
        json_object_array_add (t, json_object_get (json_object_array_get_idx (cmd, i)));
    else if (in->n_args > 0)
      json_object_array_add (t, json_object_new_string (in->args[0]));
    json_object_put (cmd);
    json_object_object_add (hc, "Test", t);
  }
  for (i = 0; i < 3; i++)
    if ((v = cf_flag_value (in, durations[i][0])))
      {
        int64_t ns = 0;
        if (cf_parse_duration (v, &ns) < 0)
          return galley_error_make (err, EINVAL, "HEALTHCHECK --%s: invalid duration \"%s\"", durations[i][0],
                                    v);
        json_object_object_add (hc, durations[i][1], json_object_new_int64 (ns));
      }
  if ((v = cf_flag_value (in, "retries")))
    {
      char *end = NULL;
      long r = strtol (v, &end, 10);
      if (*v == '\0' || *end != '\0' || r < 0)
        return galley_error_make (err, EINVAL, "HEALTHCHECK --retries: invalid number \"%s\"", v);
      json_object_object_add (hc, "Retries", json_object_new_int ((int)r));
    }
  return 0;
}

static void
add_set_entries (json_object *cfg, const char *key, char *const *v, bool ports)
{
  json_object *o = config_object (cfg, key);
  size_t i;

  for (i = 0; v[i]; i++)
    {
      _cleanup_free_ char *name = NULL;
      if (*v[i] == '\0')
        continue;
      if (ports && strchr (v[i], '/') == NULL)
        {
          if (asprintf (&name, "%s/tcp", v[i]) < 0)
            abort ();
        }
      else if ((name = strdup (v[i])) == NULL)
        abort ();
      json_object_object_add (o, name, json_object_new_object ());
    }
}

static int
apply_config (struct stage_state *st, const struct cf_instruction *in, char *const *v, json_object *cfg,
              json_object *doc, galley_error_t *err)
{
  size_t i;

  switch (in->kind)
    {
    case CF_ENV:
      for (i = 0; v[i] && v[i + 1]; i += 2)
        config_set_env (cfg, v[i], v[i + 1]);
      return 0;
    case CF_LABEL:
      for (i = 0; v[i] && v[i + 1]; i += 2)
        json_object_object_add (config_object (cfg, "Labels"), v[i], json_object_new_string (v[i + 1]));
      return 0;
    case CF_WORKDIR:
      {
        const char *cur = json_get_string (cfg, "WorkingDir");
        _cleanup_free_ char *wd = NULL;
        if (v[0] == NULL)
          return galley_error_make (err, EINVAL, "WORKDIR requires exactly one argument");
        wd = v[0][0] == '/' ? xstrdup (v[0]) : xasprintf ("%s/%s", cur && *cur ? cur : "", v[0]);
        json_object_object_add (cfg, "WorkingDir", json_object_new_string (wd));
        return 0;
      }
    case CF_USER:
    case CF_STOPSIGNAL:
      if (v[0] == NULL)
        return galley_error_make (err, EINVAL, "%s requires exactly one argument", cf_kind_name (in->kind));
      json_object_object_add (cfg, in->kind == CF_USER ? "User" : "StopSignal",
                              json_object_new_string (v[0]));
      return 0;
    case CF_CMD:
      json_object_object_add (cfg, "Cmd", command_array (st, in, 0));
      st->cmd_set = true;
      return 0;
    case CF_ENTRYPOINT:
      json_object_object_add (cfg, "Entrypoint", command_array (st, in, 0));
      /* An ENTRYPOINT resets a CMD inherited from the base (Docker).  */
      if (! st->cmd_set)
        json_object_object_del (cfg, "Cmd");
      return 0;
    case CF_EXPOSE:
    case CF_VOLUME:
      add_set_entries (cfg, in->kind == CF_EXPOSE ? "ExposedPorts" : "Volumes", v, in->kind == CF_EXPOSE);
      return 0;
    case CF_SHELL:
      if (! in->exec_form || in->n_args == 0)
        return galley_error_make (err, EINVAL, "SHELL requires the arguments to be in JSON form");
      json_object_object_add (cfg, "Shell", json_from_strv (v));
      return 0;
    case CF_HEALTHCHECK:
      return apply_healthcheck (st, in, cfg, err);
    case CF_ONBUILD:
      {
        json_object *ob = NULL;
        const char *t = in->onbuild ? in->onbuild->text : NULL;
        if (t == NULL)
          return galley_error_make (err, EINVAL, "ONBUILD requires an instruction");
        if (! json_object_object_get_ex (cfg, "OnBuild", &ob) || ! json_object_is_type (ob, json_type_array))
          {
            ob = json_object_new_array ();
            json_object_object_add (cfg, "OnBuild", ob);
          }
        json_object_array_add (ob, json_object_new_string (t));
        return 0;
      }
    case CF_MAINTAINER:
      json_object_object_add (doc, "author", json_object_new_string (v[0] ? v[0] : ""));
      return 0;
    case CF_ARG:
      return 0;
    default:
      return galley_error_make (err, EINVAL, "%s is not a config instruction", cf_kind_name (in->kind));
    }
}

char *
meta_created_by (const struct cf_instruction *in, const char *expanded)
{
  char *s = NULL;
  if (asprintf (&s, "/bin/sh -c #(nop) %s", expanded ? expanded : in->text) < 0)
    return NULL;
  return s;
}

int
meta_apply (struct build *b, struct stage_state *st, const struct cf_instruction *in, struct image_writer *w,
            galley_error_t *err)
{
  _cleanup_strv_ char **v = NULL;
  _cleanup_free_ char *created_by = meta_created_by (in, NULL);

  (void)b;
  if (expanded_args (st, in, &v, err) < 0)
    return -1;
  if (apply_config (st, in, v, image_writer_config (w), image_writer_doc (w), err) < 0)
    return -1;
  return image_writer_add_history (w, created_by, NULL, err);
}
