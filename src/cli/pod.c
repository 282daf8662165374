/* galley pod create, start, stop, restart, kill, pause, unpause, prune,
 * rm, ps, inspect and exists: the command line of engine/pod.h.  */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "engine/pod.h"
#include "util/cleanup.h"
#include "util/format.h"
#include "util/json.h"
#include "util/signal_names.h"
#include "util/strv.h"
#include "util/time.h"

int
cli_cmd_pod (struct cli_context *ctx, int argc, char **argv, galley_error_t *err)
{
  return cli_group_dispatch (ctx, argc, argv, err);
}

static int
no_memory (galley_error_t *err)
{
  return galley_error_make (err, ENOMEM, "allocating");
}

/* -l KEY=VALUE (KEY alone: an empty value).  */
static int
add_label (char ***labels, const char *arg, galley_error_t *err)
{
  const char *eq = strchr (arg, '=');
  _cleanup_free_ char *key = eq ? strndup (arg, (size_t)(eq - arg)) : strdup (arg);

  if (key == NULL || strv_kv_set (labels, key, eq ? eq + 1 : "") < 0)
    return no_memory (err);
  return 0;
}

int
cli_cmd_pod_create (struct cli_context *ctx, int argc, char **argv, galley_error_t *err)
{
  _cleanup_cli_parser_ struct cli_parser p;
  _cleanup_pod_config_ struct pod_config config = { 0 };
  _cleanup_strv_ char **publish = NULL;
  struct engine_pod_create_options o = { 0 };
  const struct engine e = cli_engine (ctx);
  const char *arg, *network = NULL;
  bool infra = true;
  unsigned share;
  int opt, i;

  cli_parser_init (&p, ctx->cmd, argc, argv);
  while ((opt = cli_parser_next (&p, &arg, err)) > 0)
    {
      int r = 0;
      switch (opt)
        {
        case OPT_pod_create_hostname:
          r = container_config_set_string (&config.hostname, arg, err);
          break;
        case OPT_pod_create_infra:
          r = cli_bool (&p, arg, &infra, err);
          break;
        case OPT_pod_create_label:
          r = add_label (&config.labels, arg, err);
          break;
        case OPT_pod_create_name:
          r = container_config_set_string (&config.name, arg, err);
          break;
        case OPT_pod_create_network:
          network = arg;
          break;
        case OPT_pod_create_publish:
          r = strv_append (&publish, arg) < 0 ? no_memory (err) : 0;
          break;
        case OPT_pod_create_share:
          cleanup_strvp (&config.shared);
          r = pod_share_parse (arg, &share, err);
          if (r == 0 && (config.shared = pod_share_names (share)) == NULL)
            r = no_memory (err);
          break;
        case OPT_pod_create_userns:
          r = container_config_set_string (&config.userns, arg, err);
          break;
        }
      if (r < 0)
        return -1;
    }
  if (opt < 0 || cli_positionals (&p, 0, 0, err) < 0)
    return -1;
  config.no_infra = ! infra;
  if ((config.create_command = strv_split ("galley,pod", ',')) == NULL)
    return no_memory (err);
  for (i = 0; i < argc; i++)
    if (strv_append (&config.create_command, argv[i]) < 0)
      return no_memory (err);
  o.network = (char *)network;
  o.publish = publish;
  if (engine_pod_create (&e, &config, &o, err) < 0)
    return -1;
  printf ("%s\n", config.id);
  return 0;
}

/* What the commands that act on pods take: pod names or ids, or --all.  */
typedef int (*pod_action) (const struct engine *e, const struct pod_config *pod, int arg,
                           galley_error_t *err);

static int
act_on_pods (struct cli_context *ctx, const struct cli_parser *p, bool all, bool ignore, pod_action fn,
             int arg, galley_error_t *err)
{
  const struct engine e = cli_engine (ctx);
  struct pod_config *list = NULL;
  size_t n = 0, i;
  int ret = 0, k;

  if (all ? cli_positionals (p, 0, 0, err) < 0 : cli_positionals (p, 1, -1, err) < 0)
    return -1;
  if (all)
    {
      if (pod_list (&ctx->paths, &list, &n, err) < 0)
        return -1;
      for (i = 0; i < n; i++)
        {
          _cleanup_error_ galley_error_t local = NULL;
          if (fn (&e, &list[i], arg, &local) == 0)
            printf ("%s\n", list[i].id);
          else if (ret == 0)
            {
              *err = steal_pointer (&local);
              ret = -1;
            }
          else
            cli_error_report (&local);
        }
      pod_list_free (list, n);
      return ret;
    }
  for (k = p->optind; k < p->argc; k++)
    {
      _cleanup_pod_config_ struct pod_config pod = { 0 };
      _cleanup_error_ galley_error_t local = NULL;
      if (engine_pod_find (&e, p->argv[k], &pod, &local) < 0)
        {
          if (galley_error_errno (&local) == ENOENT)
            {
              if (ignore)
                continue;
              local->exit_code = 1; /* podman's for a missing pod */
            }
        }
      else if (fn (&e, &pod, arg, &local) == 0)
        {
          printf ("%s\n", pod.id);
          continue;
        }
      if (ret == 0)
        {
          *err = steal_pointer (&local);
          ret = -1;
        }
      else
        cli_error_report (&local);
    }
  return ret;
}

static int
start_pod (const struct engine *e, const struct pod_config *pod, int unused, galley_error_t *err)
{
  (void)unused;
  return engine_pod_start (e, pod, err);
}

static int
stop_pod (const struct engine *e, const struct pod_config *pod, int timeout, galley_error_t *err)
{
  return engine_pod_stop (e, pod, timeout, err);
}

static int
restart_pod (const struct engine *e, const struct pod_config *pod, int unused, galley_error_t *err)
{
  (void)unused;
  if (engine_pod_stop (e, pod, 10, err) < 0)
    return -1;
  return engine_pod_start (e, pod, err);
}

static int
kill_pod (const struct engine *e, const struct pod_config *pod, int sig, galley_error_t *err)
{
  return engine_pod_kill (e, pod, sig, err);
}

static int
pause_pod (const struct engine *e, const struct pod_config *pod, int pause, galley_error_t *err)
{
  return engine_pod_pause (e, pod, pause, err);
}

static int
rm_pod (const struct engine *e, const struct pod_config *pod, int timeout, galley_error_t *err)
{
  return engine_pod_rm (e, pod, timeout >= 0, timeout >= 0 ? timeout : 10, err);
}

/* The options every command acting on pods shares (all, ignore, time),
 * by their long names.  */
struct pod_flags
{
  bool all, ignore, force;
  int timeout, signal;
};

static int
parse_flags (struct cli_context *ctx, struct cli_parser *p, struct pod_flags *f, galley_error_t *err)
{
  const char *arg;
  int opt;

  *f = (struct pod_flags){ .timeout = 10, .signal = SIGKILL };
  while ((opt = cli_parser_next (p, &arg, err)) > 0)
    {
      const char *name = cli_option_by_id (ctx->cmd, opt)->name;
      unsigned long long t;
      if (strcmp (name, "all") == 0)
        f->all = true;
      else if (strcmp (name, "ignore") == 0)
        f->ignore = true;
      else if (strcmp (name, "force") == 0)
        f->force = true;
      else if (strcmp (name, "time") == 0)
        {
          if (cli_uint (p, arg, 1u << 30, &t, err) < 0)
            return -1;
          f->timeout = (int)t;
        }
      else if (strcmp (name, "signal") == 0 && (f->signal = signal_parse (arg)) <= 0)
        return galley_error_make (err, 0, "invalid signal: %s", arg);
    }
  return opt < 0 ? -1 : 0;
}

static int
run_action (struct cli_context *ctx, int argc, char **argv, pod_action fn, int which, galley_error_t *err)
{
  _cleanup_cli_parser_ struct cli_parser p;
  struct pod_flags f;
  int arg = 0;

  cli_parser_init (&p, ctx->cmd, argc, argv);
  if (parse_flags (ctx, &p, &f, err) < 0)
    return -1;
  switch (which)
    {
    case 't':
      arg = f.timeout;
      break;
    case 's':
      arg = f.signal;
      break;
    case 'p':
      arg = 1;
      break;
    case 'f':
      arg = f.force ? f.timeout : -1;
      break;
    }
  return act_on_pods (ctx, &p, f.all, f.ignore, fn, arg, err);
}

int
cli_cmd_pod_start (struct cli_context *ctx, int argc, char **argv, galley_error_t *err)
{
  return run_action (ctx, argc, argv, start_pod, 0, err);
}

int
cli_cmd_pod_stop (struct cli_context *ctx, int argc, char **argv, galley_error_t *err)
{
  return run_action (ctx, argc, argv, stop_pod, 't', err);
}

int
cli_cmd_pod_restart (struct cli_context *ctx, int argc, char **argv, galley_error_t *err)
{
  return run_action (ctx, argc, argv, restart_pod, 0, err);
}

int
cli_cmd_pod_kill (struct cli_context *ctx, int argc, char **argv, galley_error_t *err)
{
  return run_action (ctx, argc, argv, kill_pod, 's', err);
}

int
cli_cmd_pod_pause (struct cli_context *ctx, int argc, char **argv, galley_error_t *err)
{
  return run_action (ctx, argc, argv, pause_pod, 'p', err);
}

int
cli_cmd_pod_unpause (struct cli_context *ctx, int argc, char **argv, galley_error_t *err)
{
  return run_action (ctx, argc, argv, pause_pod, 0, err);
}

int
cli_cmd_pod_prune (struct cli_context *ctx, int argc, char **argv, galley_error_t *err)
{
  _cleanup_cli_parser_ struct cli_parser p;
  const struct engine e = cli_engine (ctx);
  struct pod_config *pods = NULL;
  const char *arg;
  bool force = false;
  size_t n = 0, i;
  int opt, ret = 0;

  cli_parser_init (&p, ctx->cmd, argc, argv);
  while ((opt = cli_parser_next (&p, &arg, err)) > 0)
    if (opt == OPT_pod_prune_force)
      force = true;
  if (opt < 0 || cli_positionals (&p, 0, 0, err) < 0)
    return -1;
  if (! force)
    {
      char answer[16] = "";
      fprintf (stderr, "WARNING! This will remove all stopped/exited pods..\n"
                       "Are you sure you want to continue? [y/N] ");
      if (fgets (answer, sizeof answer, stdin) == NULL || (answer[0] != 'y' && answer[0] != 'Y'))
        return 0;
    }
  if (pod_list (&ctx->paths, &pods, &n, err) < 0)
    return -1;
  for (i = 0; i < n && ret == 0; i++)
    {
      bool stopped;
      ret = engine_pod_is_stopped (&e, &pods[i], &stopped, err);
      if (ret == 0 && stopped && (ret = engine_pod_rm (&e, &pods[i], false, 0, err)) == 0)
        printf ("%s\n", pods[i].id);
    }
  pod_list_free (pods, n);
  return ret;
}

int
cli_cmd_pod_rm (struct cli_context *ctx, int argc, char **argv, galley_error_t *err)
{
  return run_action (ctx, argc, argv, rm_pod, 'f', err);
}

int
cli_cmd_pod_exists (struct cli_context *ctx, int argc, char **argv, galley_error_t *err)
{
  _cleanup_cli_parser_ struct cli_parser p;
  _cleanup_pod_config_ struct pod_config pod = { 0 };
  _cleanup_error_ galley_error_t missing = NULL;
  const struct engine e = cli_engine (ctx);

  cli_parser_init (&p, ctx->cmd, argc, argv);
  if (cli_parse_no_options (&p, 1, 1, err) < 0)
    return -1;
  return engine_pod_find (&e, argv[p.optind], &pod, &missing) < 0 ? 1 : 0;
}

int
cli_cmd_pod_inspect (struct cli_context *ctx, int argc, char **argv, galley_error_t *err)
{
  _cleanup_cli_parser_ struct cli_parser p;
  _cleanup_pod_config_ struct pod_config pod = { 0 };
  _cleanup_json_ json_object *record = NULL, *items = json_object_new_array ();
  const struct engine e = cli_engine (ctx);
  const char *format = NULL, *arg;
  int opt;

  cli_parser_init (&p, ctx->cmd, argc, argv);
  while ((opt = cli_parser_next (&p, &arg, err)) > 0)
    if (opt == OPT_pod_inspect_format)
      format = arg;
  if (opt < 0 || cli_positionals (&p, 1, 1, err) < 0)
    return -1;
  if (items == NULL)
    return no_memory (err);
  if (engine_pod_find (&e, argv[p.optind], &pod, err) < 0 || engine_pod_inspect (&e, &pod, &record, err) < 0)
    return -1;
  /* podman 4.3 prints one pod as an object, not an array */
  if (format == NULL || *format == '\0' || format_is_json (format))
    {
      printf ("%s\n",
              json_object_to_json_string_ext (record, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED
                                                          | JSON_C_TO_STRING_NOSLASHESCAPE));
      return 0;
    }
  json_object_array_add (items, steal_pointer (&record));
  return format_print (stdout, format, NULL, items, NULL, true, err);
}

/* pod ps --filter KEY=VALUE: name=, id= (prefixes), status=, label=.  */
static bool
pod_selected (const struct pod_config *pod, const char *status, char **filters, galley_error_t *err)
{
  size_t i;

  for (i = 0; filters && filters[i]; i++)
    {
      const char *f = filters[i], *eq = strchr (f, '='), *v = eq ? eq + 1 : "";
      size_t klen = eq ? (size_t)(eq - f) : strlen (f);
      bool hit;
      if (klen == 4 && strncmp (f, "name", 4) == 0)
        hit = strstr (pod->name, v) != NULL;
      else if (klen == 2 && strncmp (f, "id", 2) == 0)
        hit = strncmp (pod->id, v, strlen (v)) == 0;
      else if (klen == 6 && strncmp (f, "status", 6) == 0)
        hit = strcasecmp (status, v) == 0;
      else if (klen == 5 && strncmp (f, "label", 5) == 0)
        {
          const char *veq = strchr (v, '=');
          _cleanup_free_ char *key = veq ? strndup (v, (size_t)(veq - v)) : strdup (v);
          const char *have = key ? strv_kv_get (pod->labels, key) : NULL;
          hit = have != NULL && (veq == NULL || strcmp (have, veq + 1) == 0);
        }
      else
        {
          galley_error_make (err, 0, "%.*s is an invalid filter", (int)klen, f);
          return false;
        }
      if (! hit)
        return false;
    }
  return true;
}

static json_object *
ps_record (const struct pod_config *pod, const char *status, size_t n_containers, bool trunc, bool json)
{
  json_object *o = json_object_new_object ();
  char created[80], since[64];
  int64_t t = time_parse_rfc3339 (pod->created ? pod->created : "");
  int idlen = trunc ? 12 : 64;

  if (o == NULL)
    return NULL;
  json_object_object_add (o, "Id", json_object_new_string_len (pod->id, (int)strnlen (pod->id, idlen)));
  json_object_object_add (o, "Name", json_object_new_string (pod->name));
  json_object_object_add (o, "Status", json_object_new_string (status));
  if (json)
    json_object_object_add (o, "Created", json_object_new_string (pod->created ? pod->created : ""));
  else
    {
      human_duration (time_now_ns () - t, since, sizeof since);
      snprintf (created, sizeof created, "%s ago", since);
      json_object_object_add (o, "Created", json_object_new_string (created));
    }
  json_object_object_add (
      o, "InfraId",
      json_object_new_string_len (pod->infra_id ? pod->infra_id : "",
                                  (int)strnlen (pod->infra_id ? pod->infra_id : "", idlen)));
  json_object_object_add (o, "NumberOfContainers", json_object_new_int ((int)n_containers));
  json_object_object_add (o, "Labels", json_kv_object (pod->labels));
  return o;
}

int
cli_cmd_pod_ps (struct cli_context *ctx, int argc, char **argv, galley_error_t *err)
{
  _cleanup_cli_parser_ struct cli_parser p;
  _cleanup_json_ json_object *records = json_object_new_array (), *headers = json_object_new_object ();
  _cleanup_strv_ char **filters = NULL;
  const struct engine e = cli_engine (ctx);
  struct pod_config *pods = NULL;
  const char *format = NULL, *arg;
  bool quiet = false, noheading = false, trunc = true, json;
  size_t n = 0, i;
  int opt, ret = -1;

  cli_parser_init (&p, ctx->cmd, argc, argv);
  while ((opt = cli_parser_next (&p, &arg, err)) > 0)
    switch (opt)
      {
      case OPT_pod_ps_filter:
        if (strv_append (&filters, arg) < 0)
          return no_memory (err);
        break;
      case OPT_pod_ps_format:
        format = arg;
        break;
      case OPT_pod_ps_noheading:
        noheading = true;
        break;
      case OPT_pod_ps_no_trunc:
        trunc = false;
        break;
      case OPT_pod_ps_quiet:
        quiet = true;
        break;
      }
  if (opt < 0 || cli_positionals (&p, 0, 0, err) < 0)
    return -1;
  if (records == NULL || headers == NULL)
    return no_memory (err);
  json = format != NULL && format_is_json (format);
  if (pod_list (&ctx->paths, &pods, &n, err) < 0)
    return -1;
  for (i = 0; i < n; i++)
    {
      struct container_entry *list = NULL;
      size_t nc = 0;
      const char *status;
      if (engine_pod_containers (&e, pods[i].id, &list, &nc, err) < 0)
        goto out;
      status = engine_pod_status (list, nc);
      container_list_free (list, nc);
      if (! pod_selected (&pods[i], status, filters, err))
        {
          if (*err != NULL)
            goto out;
          continue;
        }
      json_object_array_add (records, ps_record (&pods[i], status, nc, trunc && ! json, json));
    }
  if (quiet && format == NULL)
    format = "{{.Id}}";
  json_object_object_add (headers, "Id", json_object_new_string ("POD ID"));
  json_object_object_add (headers, "InfraId", json_object_new_string ("INFRA ID"));
  json_object_object_add (headers, "NumberOfContainers", json_object_new_string ("# OF CONTAINERS"));
  ret = format_print (
      stdout, format,
      "table {{.Id}}\t{{.Name}}\t{{.Status}}\t{{.Created}}\t{{.InfraId}}\t{{.NumberOfContainers}}", records,
      headers, noheading, err);
out:
  pod_list_free (pods, n);
  return ret;
}
