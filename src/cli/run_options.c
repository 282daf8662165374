/* Options of run/create -> container configuration (see run_options.h).  */
#include "config.h"
#include "cli/run_options.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/cgroup.h"
#include "runtime/envfile.h"
#include "state/container_secrets.h"
#include "util/cleanup.h"
#include "util/json.h"
#include "util/strv.h"
#include "util/xmalloc.h"

static void
append (json_object *config, const char *key, const char *value)
{
  json_object *arr = NULL;

  if (! json_object_object_get_ex (config, key, &arr))
    {
      arr = json_object_new_array ();
      json_object_object_add (config, key, arr);
    }
  json_object_array_add (arr, json_object_new_string (value));
}

static void
set_string (json_object *config, const char *key, const char *value)
{
  json_object_object_add (config, key, json_object_new_string (value));
}

static int
set_bool (const struct cli_parser *p, json_object *config, const char *key, const char *arg,
          galley_error_t *err)
{
  bool b;

  if (cli_bool (p, arg, &b, err) < 0)
    return -1;
  json_object_object_add (config, key, json_object_new_boolean (b));
  return 0;
}

/* --entrypoint: a JSON array ('["sh","-c"]') or one string; "" clears the
 * image's entrypoint.  */
static int
set_entrypoint (json_object *config, const char *arg, galley_error_t *err)
{
  json_object *arr = json_object_new_array ();

  if (arg[0] == '[')
    {
      _cleanup_json_ json_object *parsed = NULL;
      size_t i;
      if (json_parse_strict (arg, strlen (arg), "--entrypoint", &parsed, err) < 0
          || ! json_object_is_type (parsed, json_type_array))
        {
          json_object_put (arr);
          if (*err == NULL)
            galley_error_make (err, 0, "--entrypoint: expected a JSON array of strings");
          return -1;
        }
      for (i = 0; i < json_object_array_length (parsed); i++)
        json_object_array_add (
            arr, json_object_new_string (json_object_get_string (json_object_array_get_idx (parsed, i))));
    }
  else if (arg[0] != '\0')
    json_object_array_add (arr, json_object_new_string (arg));
  json_object_object_add (config, "Entrypoint", arr);
  return 0;
}

/* One option, by its long name (run and create share the list).  */
static int
apply_option (const struct cli_parser *p, const char *name, const char *arg, json_object *config,
              struct env_list *env, galley_error_t *err)
{
  static const struct
  {
    const char *option, *key;
  } arrays[] = {
    { "cap-add", "CapAdd" },   { "cap-drop", "CapDrop" },       { "device", "Devices" },
    { "log-opt", "LogOpt" },
    { "mount", "Mounts" },     { "security-opt", "SecurityOpt" }, { "tmpfs", "Tmpfs" },
    { "ulimit", "Ulimits" },   { "volume", "Volumes" },
    { "publish", "PublishPorts" }, { "dns", "Dns" },             { "dns-search", "DnsSearch" },
    { "dns-option", "DnsOption" }, { "add-host", "AddHost" },   { "network-alias", "NetworkAliases" },
    { "secret", CONTAINER_SECRET_OPTIONS },
  }, strings[] = {
    { "cpus", "Cpus" },         { "hostname", "Hostname" },     { "memory", "Memory" },
    { "cidfile", "CIDFile" },   { "restart", "Restart" },       { "stop-signal", "StopSignal" },
    { "name", "Name" },         { "network", "Network" },       { "pids-limit", "PidsLimit" },
    { "pull", "Pull" },         { "user", "User" },             { "userns", "UserNS" },
    { "workdir", "WorkingDir" }, { "ip", "IP" },
    { "log-driver", "LogDriver" }, { "cgroups", "Cgroups" },   { "cgroup-parent", "CgroupParent" },
  }, bools[] = {
    { "init", "Init" },         { "interactive", "Interactive" }, { "privileged", "Privileged" },
    { "detach", "Detach" },
    { "read-only", "ReadOnly" }, { "rm", "Rm" },                  { "tty", "Tty" },
    { "publish-all", "PublishAll" },
  };
  size_t i;

  if (strcmp (name, "net") == 0)
    name = "network";
  for (i = 0; i < sizeof arrays / sizeof arrays[0]; i++)
    if (strcmp (name, arrays[i].option) == 0)
      {
        append (config, arrays[i].key, arg);
        return 0;
      }
  /* --network a --network b: both named networks, as --network a,b (a
   * mode with options, "slirp4netns:...", stays one value: the last).  */
  if (strcmp (name, "network") == 0)
    {
      const char *before = json_get_string (config, "Network");
      _cleanup_free_ char *both = NULL;
      if (before != NULL && strchr (before, ':') == NULL && strchr (arg, ':') == NULL
          && asprintf (&both, "%s,%s", before, arg) >= 0)
        {
          set_string (config, "Network", both);
          return 0;
        }
    }
  for (i = 0; i < sizeof strings / sizeof strings[0]; i++)
    if (strcmp (name, strings[i].option) == 0)
      {
        set_string (config, strings[i].key, arg);
        return 0;
      }
  for (i = 0; i < sizeof bools / sizeof bools[0]; i++)
    if (strcmp (name, bools[i].option) == 0)
      return set_bool (p, config, bools[i].key, arg, err);
  if (strcmp (name, "label") == 0 || strcmp (name, "annotation") == 0)
    {
      const char *eq = strchr (arg, '=');
      _cleanup_free_ char *key = eq ? xstrndup (arg, (size_t)(eq - arg)) : xstrdup (arg);
      if (name[0] == 'a' && eq == NULL)
        return galley_error_make (err, 0, "annotations must be formatted KEY=VALUE");
      json_object_object_add (
          json_get_or_add (config, name[0] == 'l' ? "Labels" : "Annotations", json_type_object), key,
          json_object_new_string (eq ? eq + 1 : ""));
      return 0;
    }
  /* --gpus N[,M...]: the CDI devices nvidia.com/gpu=N, as podman's.  */
  if (strcmp (name, "gpus") == 0)
    {
      _cleanup_strv_ char **gpus = strv_split (arg, ',');
      for (i = 0; gpus != NULL && gpus[i] != NULL; i++)
        {
          _cleanup_free_ char *device = xasprintf ("nvidia.com/gpu=%s", gpus[i]);
          append (config, "Devices", device);
        }
      return 0;
    }
  if (strcmp (name, "env") == 0)
    return env_parse_option (env, arg, NULL, err);
  if (strcmp (name, "env-file") == 0)
    return env_parse_file (env, arg, NULL, err);
  if (strcmp (name, "entrypoint") == 0)
    return set_entrypoint (config, arg, err);
  if (strcmp (name, "rootfs") == 0 || strcmp (name, "quiet") == 0)
    {
      json_object_object_add (config, name[0] == 'r' ? "Rootfs" : "Quiet", json_object_new_boolean (true));
      return 0;
    }
  if (strcmp (name, "unmapped-ids") == 0)
    {
      if (cli_unmapped_ids (arg, err) < 0)
        return -1;
      set_string (config, "UnmappedIds", arg);
      return 0;
    }
  if (strcmp (name, "preserve-fds") == 0)
    {
      unsigned long long n;
      if (cli_uint (p, arg, 1024, &n, err) < 0)
        return -1;
      json_object_object_add (config, "PreserveFDs", json_object_new_int ((int)n));
      return 0;
    }
  return galley_error_make (err, 0, "%s: option --%s is not handled", p->cmd->name, name);
}

int
run_parse_options (struct cli_context *ctx, int argc, char **argv, json_object **config, galley_error_t *err)
{
  _cleanup_cli_parser_ struct cli_parser p;
  _cleanup_json_ json_object *c = json_object_new_object ();
  struct env_list env = { 0 };
  const char *arg;
  int opt, i;

  cli_parser_init (&p, ctx->cmd, argc, argv);
  while ((opt = cli_parser_next (&p, &arg, err)) > 0)
    {
      const struct cli_option *o = cli_option_by_id (ctx->cmd, opt);
      if (o == NULL || apply_option (&p, o->name, arg, c, &env, err) < 0)
        {
          env_list_clear (&env);
          return -1;
        }
    }
  if (opt < 0 || cli_positionals (&p, 1, -1, err) < 0)
    {
      env_list_clear (&env);
      return -1;
    }
  if (cgroup_check_mode (json_get_string (c, "Cgroups"), json_get_string (c, "CgroupParent"),
                         json_get_string (c, "Memory") || json_get_string (c, "Cpus")
                             || json_get_string (c, "PidsLimit"),
                         err)
      < 0)
    {
      env_list_clear (&env);
      return -1;
    }
  for (i = 0; i < (int)env.n; i++)
    append (c, "Env", env.entries[i]);
  env_list_clear (&env);
  set_string (c, "Image", argv[p.optind]);
  json_object_object_add (c, "Command", json_object_new_array ());
  for (i = p.optind + 1; i < argc; i++)
    append (c, "Command", argv[i]);
  *config = steal_pointer (&c);
  return 0;
}
