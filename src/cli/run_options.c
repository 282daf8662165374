/* Options of run/create -> container configuration (see run_options.h).  */
#include "config.h"
#include "cli/run_options.h"

#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/cgroup.h"
#include "runtime/envfile.h"
#include "util/cleanup.h"
#include "util/json.h"
#include "util/strv.h"
#include "util/xmalloc.h"

/* The options that set one field of the configuration as given: appended
 * to a vector (repeatable options), replacing a string, or a boolean.  */
#define FIELD(option, member)                          \
  {                                                    \
    option, offsetof (struct container_config, member) \
  }
static const struct option_field
{
  const char *option;
  size_t offset;
} vectors[] = {
  FIELD ("cap-add", cap_add),
  FIELD ("cap-drop", cap_drop),
  FIELD ("device", devices),
  FIELD ("log-opt", log_opt),
  FIELD ("mount", mounts),
  FIELD ("security-opt", security_opt),
  FIELD ("tmpfs", tmpfs),
  FIELD ("ulimit", ulimits),
  FIELD ("volume", volumes),
  FIELD ("publish", publish),
  FIELD ("dns", dns),
  FIELD ("dns-search", dns_search),
  FIELD ("dns-option", dns_option),
  FIELD ("add-host", add_host),
  FIELD ("network-alias", network_aliases),
  FIELD ("secret", secret_options),
  FIELD ("group-add", group_add),
},
  strings[] = {
    FIELD ("cpus", cpus),
    FIELD ("hostname", hostname),
    FIELD ("memory", memory),
    FIELD ("cidfile", cidfile),
    FIELD ("restart", restart),
    FIELD ("stop-signal", stop_signal),
    FIELD ("name", name),
    FIELD ("network", network),
    FIELD ("pod", pod),
    FIELD ("pids-limit", pids_limit),
    FIELD ("pull", pull),
    FIELD ("user", user),
    FIELD ("userns", userns),
    FIELD ("workdir", workdir),
    FIELD ("ip", ip),
    FIELD ("log-driver", log_driver),
    FIELD ("cgroups", cgroups),
    FIELD ("cgroup-parent", cgroup_parent),
    FIELD ("pid", pid),
    FIELD ("ipc", ipc),
    FIELD ("uts", uts),
    FIELD ("shm-size", shm_size),
  },
  bools[] = {
    FIELD ("init", init),
    FIELD ("interactive", interactive),
    FIELD ("privileged", privileged),
    FIELD ("detach", detach),
    FIELD ("read-only", read_only),
    FIELD ("rm", rm),
    FIELD ("tty", tty),
    FIELD ("publish-all", publish_all),
    FIELD ("rootfs", rootfs),
    FIELD ("quiet", quiet),
  };
#undef FIELD

#define MEMBER(c, f, type) ((type *)((char *)(c) + (f)->offset))

static const struct option_field *
field_of (const struct option_field *table, size_t n, const char *option)
{
  size_t i;

  for (i = 0; i < n; i++)
    if (strcmp (table[i].option, option) == 0)
      return &table[i];
  return NULL;
}

static int
append (char ***v, const char *value, galley_error_t *err)
{
  return strv_append (v, value) < 0 ? galley_error_make (err, ENOMEM, "allocating") : 0;
}

/* --entrypoint: a JSON array ('["sh","-c"]') or one string; "" clears the
 * image's entrypoint.  */
static int
set_entrypoint (struct container_config *config, const char *arg, galley_error_t *err)
{
  _cleanup_strv_ char **v = strv_copy (NULL);

  if (v == NULL)
    return galley_error_make (err, ENOMEM, "allocating");
  if (arg[0] == '[')
    {
      _cleanup_json_ json_object *parsed = NULL;
      size_t i;
      if (json_parse_strict (arg, strlen (arg), "--entrypoint", &parsed, err) < 0
          || ! json_object_is_type (parsed, json_type_array))
        {
          if (*err == NULL)
            galley_error_make (err, 0, "--entrypoint: expected a JSON array of strings");
          return -1;
        }
      for (i = 0; i < json_object_array_length (parsed); i++)
        {
          const char *word = json_object_get_string (json_object_array_get_idx (parsed, i));
          if (append (&v, word ? word : "", err) < 0)
            return -1;
        }
    }
  else if (arg[0] != '\0' && append (&v, arg, err) < 0)
    return -1;
  cleanup_strvp (&config->entrypoint);
  config->entrypoint = steal_pointer (&v);
  return 0;
}

/* --label KEY[=VALUE] (a label "KEY" has the empty value), --annotation
 * KEY=VALUE: into the map.  */
static int
set_label (char ***map, const char *arg, galley_error_t *err)
{
  const char *eq = strchr (arg, '=');
  _cleanup_free_ char *key = eq ? xstrndup (arg, (size_t)(eq - arg)) : xstrdup (arg);

  if (strv_kv_set (map, key, eq ? eq + 1 : "") < 0)
    return galley_error_make (err, ENOMEM, "allocating");
  return 0;
}

/* --network a --network b: both named networks, as --network a,b (a
 * mode with options, "slirp4netns:...", stays one value: the last).  */
static int
set_network (struct container_config *config, const char *arg, galley_error_t *err)
{
  const char *before = config->network;
  _cleanup_free_ char *both = NULL;

  if (before != NULL && strchr (before, ':') == NULL && strchr (arg, ':') == NULL)
    {
      if (asprintf (&both, "%s,%s", before, arg) < 0)
        return galley_error_make (err, ENOMEM, "allocating");
      arg = both;
    }
  return container_config_set_string (&config->network, arg, err);
}

/* One option, by its long name (run and create share the list).  */
static int
apply_option (const struct cli_parser *p, const char *name, const char *arg, struct container_config *config,
              struct env_list *env, galley_error_t *err)
{
  const struct option_field *f;

  if (strcmp (name, "net") == 0)
    name = "network";
  if ((f = field_of (vectors, sizeof vectors / sizeof vectors[0], name)) != NULL)
    return append (MEMBER (config, f, char **), arg, err);
  if (strcmp (name, "network") == 0)
    return set_network (config, arg, err);
  if ((f = field_of (strings, sizeof strings / sizeof strings[0], name)) != NULL)
    return container_config_set_string (MEMBER (config, f, char *), arg, err);
  if ((f = field_of (bools, sizeof bools / sizeof bools[0], name)) != NULL)
    return cli_bool (p, arg, MEMBER (config, f, bool), err);
  if (strcmp (name, "label") == 0)
    return set_label (&config->labels, arg, err);
  if (strcmp (name, "annotation") == 0)
    return strchr (arg, '=') == NULL ? galley_error_make (err, 0, "annotations must be formatted KEY=VALUE")
                                     : set_label (&config->annotations, arg, err);
  /* --gpus N[,M...]: the CDI devices nvidia.com/gpu=N, as podman's.  */
  if (strcmp (name, "gpus") == 0)
    {
      _cleanup_strv_ char **gpus = strv_split (arg, ',');
      size_t i;
      for (i = 0; gpus != NULL && gpus[i] != NULL; i++)
        {
          _cleanup_free_ char *device = xasprintf ("nvidia.com/gpu=%s", gpus[i]);
          strv_append (&config->devices, device);
        }
      return 0;
    }
  if (strcmp (name, "env") == 0)
    return env_parse_option (env, arg, NULL, err);
  if (strcmp (name, "env-file") == 0)
    return env_parse_file (env, arg, NULL, err);
  if (strcmp (name, "entrypoint") == 0)
    return set_entrypoint (config, arg, err);
  if (strcmp (name, "unmapped-ids") == 0)
    return cli_unmapped_ids (arg, err) < 0 ? -1
                                           : container_config_set_string (&config->unmapped_ids, arg, err);
  if (strcmp (name, "preserve-fds") == 0)
    {
      unsigned long long n;
      if (cli_uint (p, arg, 1024, &n, err) < 0)
        return -1;
      config->preserve_fds = (int)n;
      return 0;
    }
  return galley_error_make (err, 0, "%s: option --%s is not handled", p->cmd->name, name);
}

/* --env-host: the environment galley runs in, under what -e and
 * --env-file set (podman's order: image, host, then the options).  */
static int
under_host_env (struct env_list *env, galley_error_t *err)
{
  struct env_list all = { 0 };
  size_t i;

  if (env_parse_option (&all, "*", NULL, err) < 0)
    goto fail;
  for (i = 0; i < env->n; i++)
    {
      const char *eq = strchr (env->entries[i], '=');
      _cleanup_free_ char *name = strndup (env->entries[i], (size_t)(eq - env->entries[i]));
      if (name == NULL)
        {
          galley_error_make (err, ENOMEM, "allocating");
          goto fail;
        }
      if (env_set (&all, name, eq + 1, err) < 0)
        goto fail;
    }
  env_list_clear (env);
  *env = all;
  return 0;
fail:
  env_list_clear (&all);
  return -1;
}

/* galley.conf's defaults (state/galley_config.h: [containers] and its
 * profile, [network] default_network) of the options not given.  */
static int
conf_defaults (const struct galley_config *conf, char *const *given, struct container_config *c,
               galley_error_t *err)
{
  const struct
  {
    const char *option, *value, *builtin;
    char **field;
  } defaults[] = {
    { "pid", conf->pidns, "private", &c->pid },
    { "ipc", conf->ipcns, "shareable", &c->ipc },
    { "uts", conf->utsns, "private", &c->uts },
    { "userns", conf->userns, "host", &c->userns },
    { "network", conf->default_network, "slirp4netns", &c->network },
  };
  size_t i;

  for (i = 0; i < sizeof defaults / sizeof defaults[0]; i++)
    if (defaults[i].value != NULL && strcmp (defaults[i].value, defaults[i].builtin) != 0
        && ! strv_contains (given, defaults[i].option)
        && container_config_set_string (defaults[i].field, defaults[i].value, err) < 0)
      return -1;
  if (! strv_contains (given, "init"))
    c->init = conf->init;
  if (! strv_contains (given, "group-add") && strv_len (conf->group_add) > 0
      && (c->group_add = strv_copy (conf->group_add)) == NULL)
    return galley_error_make (err, ENOMEM, "allocating");
  return 0;
}

int
run_parse_options (struct cli_context *ctx, int argc, char **argv, struct container_config *config,
                   galley_error_t *err)
{
  _cleanup_cli_parser_ struct cli_parser p;
  _cleanup_container_config_ struct container_config c = { 0 };
  struct env_list env = { 0 };
  const char *arg;
  _cleanup_strv_ char **given = NULL;
  bool env_host = false;
  int opt, i, ret = -1;

  cli_parser_init (&p, ctx->cmd, argc, argv);
  while ((opt = cli_parser_next (&p, &arg, err)) > 0)
    {
      const struct cli_option *o = cli_option_by_id (ctx->cmd, opt);
      if (o != NULL && strv_append_unique (&given, strcmp (o->name, "net") == 0 ? "network" : o->name) < 0)
        {
          galley_error_make (err, ENOMEM, "allocating");
          goto out;
        }
      if (o != NULL && strcmp (o->name, "env-host") == 0)
        {
          if (cli_bool (&p, arg, &env_host, err) < 0)
            goto out;
        }
      else if (o == NULL || apply_option (&p, o->name, arg, &c, &env, err) < 0)
        goto out;
    }
  if (opt < 0 || cli_positionals (&p, 1, -1, err) < 0
      || cgroup_check_mode (c.cgroups, c.cgroup_parent, c.memory || c.cpus || c.pids_limit, err) < 0
      || (env_host && under_host_env (&env, err) < 0) || conf_defaults (ctx->config, given, &c, err) < 0)
    goto out;
  if (env.n > 0)
    c.env = strv_copy (env.entries);
  c.image = strdup (argv[p.optind]);
  c.command = strv_copy (NULL);
  if ((env.n > 0 && c.env == NULL) || c.image == NULL || c.command == NULL)
    {
      galley_error_make (err, ENOMEM, "allocating");
      goto out;
    }
  for (i = p.optind + 1; i < argc; i++)
    if (append (&c.command, argv[i], err) < 0)
      goto out;
  container_config_move (config, &c);
  ret = 0;
out:
  env_list_clear (&env);
  return ret;
}
