/* galley network create/ls/inspect/rm/exists/connect/disconnect/prune:
 * podman-compatible commands over the engine's networks
 * (engine/network.h).  */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "engine/network.h"
#include "util/cleanup.h"
#include "util/format.h"
#include "util/json.h"
#include "util/strv.h"

int
cli_cmd_network_create (struct cli_context *ctx, int argc, char **argv, galley_error_t *err)
{
  const struct engine e = cli_engine (ctx);
  _cleanup_cli_parser_ struct cli_parser p;
  _cleanup_strv_ char **labels = NULL;
  _cleanup_free_ char *name = NULL;
  struct engine_network_create_options o = { 0 };
  const char *arg;
  int opt;

  cli_parser_init (&p, ctx->cmd, argc, argv);
  while ((opt = cli_parser_next (&p, &arg, err)) > 0)
    switch (opt)
      {
      case OPT_network_create_driver:
        o.driver = arg;
        break;
      case OPT_network_create_gateway:
        o.gateway = arg;
        break;
      case OPT_network_create_ignore:
        o.ignore_existing = true;
        break;
      case OPT_network_create_internal:
        o.internal = true;
        break;
      case OPT_network_create_label:
        strv_append (&labels, arg);
        break;
      case OPT_network_create_subnet:
        o.subnet = arg;
        break;
      }
  if (opt < 0 || cli_positionals (&p, 0, 1, err) < 0)
    return -1;
  o.name = p.optind < argc ? argv[p.optind] : NULL;
  o.labels = labels;
  if (engine_network_create (&e, &o, &name, err) < 0)
    return -1;
  printf ("%s\n", name);
  return 0;
}

/* The record templates see: podman's Go field names.  */
static json_object *
template_record (const struct network_def *d)
{
  json_object *o = network_def_to_json (d), *r = json_object_new_object ();
  json_object *subnets;
  char short_id[13];

  snprintf (short_id, sizeof short_id, "%.12s", d->id);
  json_object_object_add (r, "Name", json_object_new_string (d->name));
  json_object_object_add (r, "ID", json_object_new_string (short_id));
  json_object_object_add (r, "Driver", json_object_new_string ("bridge"));
  json_object_object_add (r, "NetworkInterface", json_object_new_string (d->interface));
  json_object_object_add (r, "Created", json_object_new_string (json_get_string (o, "created")));
  json_object_object_add (r, "Internal", json_object_new_boolean (d->internal));
  json_object_object_add (r, "IPv6Enabled", json_object_new_boolean (0));
  json_object_object_add (r, "DNSEnabled", json_object_new_boolean (0));
  json_object_object_add (r, "Labels", json_object_get (d->labels));
  json_object_object_get_ex (o, "subnets", &subnets);
  json_object_object_add (r, "Subnets", json_object_get (subnets));
  json_object_put (o);
  return r;
}

int
cli_cmd_network_ls (struct cli_context *ctx, int argc, char **argv, galley_error_t *err)
{
  const struct engine e = cli_engine (ctx);
  _cleanup_cli_parser_ struct cli_parser p;
  _cleanup_json_ json_object *records = json_object_new_array ();
  _cleanup_json_ json_object *headers = json_object_new_object ();
  _cleanup_strv_ char **filters = NULL;
  struct network_def *defs = NULL;
  const char *format = NULL, *arg;
  bool quiet = false, noheading = false;
  size_t n = 0, i;
  int opt, ret;

  cli_parser_init (&p, ctx->cmd, argc, argv);
  while ((opt = cli_parser_next (&p, &arg, err)) > 0)
    switch (opt)
      {
      case OPT_network_ls_filter:
        strv_append (&filters, arg);
        break;
      case OPT_network_ls_format:
        format = arg;
        break;
      case OPT_network_ls_noheading:
        noheading = true;
        break;
      case OPT_network_ls_quiet:
        quiet = true;
        break;
      }
  if (opt < 0 || cli_positionals (&p, 0, 0, err) < 0)
    return -1;
  if (engine_network_list (&e, filters, &defs, &n, err) < 0)
    return -1;
  for (i = 0; i < n; i++)
    json_object_array_add (records, format && format_is_json (format) ? network_def_to_json (&defs[i])
                                                                      : template_record (&defs[i]));
  network_def_list_free (defs, n);
  if (quiet && format == NULL)
    format = "{{.Name}}";
  json_object_object_add (headers, "ID", json_object_new_string ("NETWORK ID"));
  /* podman's network ls indents its JSON by two */
  ret = format_print_indented (stdout, format, "table {{.ID}}\t{{.Name}}\t{{.Driver}}", records, headers,
                               noheading, 2, err);
  return ret;
}

int
cli_cmd_network_inspect (struct cli_context *ctx, int argc, char **argv, galley_error_t *err)
{
  const struct engine e = cli_engine (ctx);
  _cleanup_cli_parser_ struct cli_parser p;
  _cleanup_json_ json_object *records = json_object_new_array ();
  _cleanup_error_ galley_error_t missing = NULL;
  const char *format = NULL, *arg;
  bool json = true;
  int opt, i;

  cli_parser_init (&p, ctx->cmd, argc, argv);
  while ((opt = cli_parser_next (&p, &arg, err)) > 0)
    if (opt == OPT_network_inspect_format)
      format = arg;
  if (opt < 0 || cli_positionals (&p, 1, -1, err) < 0)
    return -1;
  json = format == NULL || *format == '\0' || format_is_json (format);
  for (i = p.optind; i < argc; i++)
    {
      _cleanup_network_def_ struct network_def d = { 0 };
      _cleanup_error_ galley_error_t failed = NULL;
      if (engine_network_find (&e, argv[i], &d, &failed) < 0)
        {
          if (missing == NULL)
            missing = steal_pointer (&failed);
          continue;
        }
      json_object_array_add (records, json ? network_def_to_json (&d) : template_record (&d));
    }
  if (format_print (stdout, json ? "json" : format, NULL, records, NULL, true, err) < 0)
    return -1;
  if (missing)
    {
      *err = steal_pointer (&missing);
      return -1;
    }
  return 0;
}

int
cli_cmd_network_rm (struct cli_context *ctx, int argc, char **argv, galley_error_t *err)
{
  const struct engine e = cli_engine (ctx);
  _cleanup_cli_parser_ struct cli_parser p;
  unsigned long long timeout = 10;
  const char *arg;
  bool force = false, time_given = false;
  int opt, i;

  cli_parser_init (&p, ctx->cmd, argc, argv);
  while ((opt = cli_parser_next (&p, &arg, err)) > 0)
    if (opt == OPT_network_rm_force)
      force = true;
    else if (opt == OPT_network_rm_time)
      {
        if (cli_uint (&p, arg, 1u << 30, &timeout, err) < 0)
          return -1;
        time_given = true;
      }
  if (opt < 0 || cli_positionals (&p, 1, -1, err) < 0)
    return -1;
  if (time_given && ! force)
    return galley_error_make (err, 0, "--force option must be specified to use the --time option");
  for (i = p.optind; i < argc; i++)
    {
      _cleanup_free_ char *name = NULL;
      if (engine_network_rm (&e, argv[i], force ? (int)timeout : -1, &name, err) < 0)
        return -1;
      printf ("%s\n", name);
    }
  return 0;
}

int
cli_cmd_network_exists (struct cli_context *ctx, int argc, char **argv, galley_error_t *err)
{
  const struct engine e = cli_engine (ctx);
  _cleanup_cli_parser_ struct cli_parser p;
  _cleanup_error_ galley_error_t missing = NULL;
  _cleanup_network_def_ struct network_def d = { 0 };

  cli_parser_init (&p, ctx->cmd, argc, argv);
  if (cli_parse_no_options (&p, 1, 1, err) < 0)
    return -1;
  return engine_network_find (&e, argv[p.optind], &d, &missing) < 0 ? 1 : 0;
}

int
cli_cmd_network_connect (struct cli_context *ctx, int argc, char **argv, galley_error_t *err)
{
  const struct engine e = cli_engine (ctx);
  _cleanup_cli_parser_ struct cli_parser p;
  _cleanup_strv_ char **aliases = NULL;
  struct engine_network_connect_options o = { 0 };
  const char *arg;
  int opt;

  cli_parser_init (&p, ctx->cmd, argc, argv);
  while ((opt = cli_parser_next (&p, &arg, err)) > 0)
    if (opt == OPT_network_connect_ip)
      o.ip = arg;
    else if (opt == OPT_network_connect_mac_address)
      o.mac_address = arg;
    else if (opt == OPT_network_connect_alias)
      strv_append (&aliases, arg);
  if (opt < 0 || cli_positionals (&p, 2, 2, err) < 0)
    return -1;
  o.aliases = aliases;
  return engine_network_connect (&e, argv[p.optind], argv[p.optind + 1], &o, err);
}

int
cli_cmd_network_disconnect (struct cli_context *ctx, int argc, char **argv, galley_error_t *err)
{
  const struct engine e = cli_engine (ctx);
  _cleanup_cli_parser_ struct cli_parser p;
  const char *arg;
  int opt;

  cli_parser_init (&p, ctx->cmd, argc, argv);
  while ((opt = cli_parser_next (&p, &arg, err)) > 0)
    ;
  if (opt < 0 || cli_positionals (&p, 2, 2, err) < 0)
    return -1;
  return engine_network_disconnect (&e, argv[p.optind], argv[p.optind + 1], err);
}

int
cli_cmd_network_prune (struct cli_context *ctx, int argc, char **argv, galley_error_t *err)
{
  const struct engine e = cli_engine (ctx);
  _cleanup_cli_parser_ struct cli_parser p;
  _cleanup_strv_ char **filters = NULL, **names = NULL;
  const char *arg;
  bool force = false;
  int opt, ret;
  size_t i;

  cli_parser_init (&p, ctx->cmd, argc, argv);
  while ((opt = cli_parser_next (&p, &arg, err)) > 0)
    if (opt == OPT_network_prune_force)
      force = true;
    else if (opt == OPT_network_prune_filter)
      strv_append (&filters, arg);
  if (opt < 0 || cli_positionals (&p, 0, 0, err) < 0)
    return -1;
  if (! force)
    {
      char answer[16] = "";
      if (engine_network_prune (&e, filters, true, &names, err) < 0)
        return -1;
      cleanup_strvp (&names);
      fprintf (stderr, "WARNING! This will remove all networks not used by at least one container.\n"
                       "Are you sure you want to continue? [y/N] ");
      if (fgets (answer, sizeof answer, stdin) == NULL || (answer[0] != 'y' && answer[0] != 'Y'))
        return 0;
    }
  ret = engine_network_prune (&e, filters, false, &names, err);
  for (i = 0; names != NULL && names[i] != NULL; i++)
    printf ("%s\n", names[i]);
  return ret;
}

CLI_GROUP_HANDLER (network)
