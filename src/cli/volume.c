/* galley volume create/ls/inspect/rm/prune/exists: podman-compatible
 * commands over the engine's volumes (engine/volume.h).  */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "engine/volume.h"
#include "util/cleanup.h"
#include "util/format.h"
#include "util/json.h"
#include "util/strv.h"

int
cli_cmd_volume_create (struct cli_context *ctx, int argc, char **argv, galley_error_t *err)
{
  const struct engine e = cli_engine (ctx);
  _cleanup_cli_parser_ struct cli_parser p;
  _cleanup_strv_ char **labels = NULL, **options = NULL;
  _cleanup_free_ char *name = NULL;
  struct engine_volume_create_options o = { 0 };
  const char *arg;
  int opt;

  cli_parser_init (&p, ctx->cmd, argc, argv);
  while ((opt = cli_parser_next (&p, &arg, err)) > 0)
    switch (opt)
      {
      case OPT_volume_create_driver:
        o.driver = arg;
        break;
      case OPT_volume_create_ignore:
        o.ignore_existing = true;
        break;
      case OPT_volume_create_label:
        strv_append (&labels, arg);
        break;
      case OPT_volume_create_opt:
        strv_append (&options, arg);
        break;
      }
  if (opt < 0 || cli_positionals (&p, 0, 1, err) < 0)
    return -1;
  o.name = p.optind < argc ? argv[p.optind] : NULL;
  o.labels = labels;
  o.options = options;
  if (engine_volume_create (&e, &o, &name, err) < 0)
    return -1;
  printf ("%s\n", name);
  return 0;
}

int
cli_cmd_volume_ls (struct cli_context *ctx, int argc, char **argv, galley_error_t *err)
{
  const struct engine e = cli_engine (ctx);
  _cleanup_cli_parser_ struct cli_parser p;
  _cleanup_json_ json_object *records = NULL;
  _cleanup_json_ json_object *headers = json_object_new_object ();
  _cleanup_strv_ char **filters = NULL;
  const char *format = NULL, *arg;
  bool quiet = false, noheading = false;
  int opt;

  cli_parser_init (&p, ctx->cmd, argc, argv);
  while ((opt = cli_parser_next (&p, &arg, err)) > 0)
    switch (opt)
      {
      case OPT_volume_ls_filter:
        strv_append (&filters, arg);
        break;
      case OPT_volume_ls_format:
        format = arg;
        break;
      case OPT_volume_ls_noheading:
        noheading = true;
        break;
      case OPT_volume_ls_quiet:
        quiet = true;
        break;
      }
  if (opt < 0 || cli_positionals (&p, 0, 0, err) < 0)
    return -1;
  if (engine_volume_list (&e, filters, &records, err) < 0)
    return -1;
  if (quiet && format == NULL)
    format = "{{.Name}}";
  json_object_object_add (headers, "Name", json_object_new_string ("VOLUME NAME"));
  /* podman's volume ls indents its JSON by two */
  return format_print_indented (stdout, format, "table {{.Driver}}\t{{.Name}}", records, headers, noheading,
                                2, err);
}

int
cli_cmd_volume_inspect (struct cli_context *ctx, int argc, char **argv, galley_error_t *err)
{
  const struct engine e = cli_engine (ctx);
  _cleanup_cli_parser_ struct cli_parser p;
  _cleanup_json_ json_object *records = NULL;
  _cleanup_error_ galley_error_t missing = NULL;
  const char *format = NULL, *arg;
  bool all = false;
  int opt, i;

  cli_parser_init (&p, ctx->cmd, argc, argv);
  while ((opt = cli_parser_next (&p, &arg, err)) > 0)
    if (opt == OPT_volume_inspect_format)
      format = arg;
    else if (opt == OPT_volume_inspect_all)
      all = true;
  if (opt < 0 || cli_positionals (&p, all ? 0 : 1, all ? 0 : -1, err) < 0)
    return -1;
  if (all)
    {
      if (engine_volume_list (&e, NULL, &records, err) < 0)
        return -1;
    }
  else
    records = json_object_new_array ();
  for (i = p.optind; i < argc; i++)
    {
      json_object *record = NULL;
      if (engine_volume_inspect (&e, argv[i], &record, err) < 0)
        {
          if (galley_error_errno (err) != ENOENT)
            return -1;
          galley_error_release (err);
          /* podman prints what it found, then fails on the first unknown.  */
          if (missing == NULL)
            galley_error_make (&missing, 0, "no such volume %.256s", argv[i]);
          continue;
        }
      json_object_array_add (records, record);
    }
  if (format_print (stdout, format && *format ? format : "json", NULL, records, NULL, true, err) < 0)
    return -1;
  if (missing)
    {
      *err = steal_pointer (&missing);
      return galley_error_wrap (err, "inspecting object");
    }
  return 0;
}

/* volume rm exits with these when its last failure was one of them (as
 * podman does); with 125 on any other.  */
enum
{
  VOLUME_RM_NO_SUCH_VOLUME = 1,
  VOLUME_RM_VOLUME_IN_USE = 2,
};

int
cli_cmd_volume_rm (struct cli_context *ctx, int argc, char **argv, galley_error_t *err)
{
  const struct engine e = cli_engine (ctx);
  _cleanup_cli_parser_ struct cli_parser p;
  _cleanup_json_ json_object *records = NULL;
  _cleanup_error_ galley_error_t last = NULL;
  const char *arg;
  bool all = false, force = false;
  int opt, status = 0;
  size_t i;

  cli_parser_init (&p, ctx->cmd, argc, argv);
  while ((opt = cli_parser_next (&p, &arg, err)) > 0)
    if (opt == OPT_volume_rm_all)
      all = true;
    else if (opt == OPT_volume_rm_force)
      force = true;
  if (opt < 0)
    return -1;
  if (all == (p.optind < argc))
    return galley_error_make (err, 0,
                              all ? "--all and specific volume names cannot be combined"
                                  : "you must provide at least one volume name");
  if (all && engine_volume_list (&e, NULL, &records, err) < 0)
    return -1;
  for (i = 0; all ? i < json_object_array_length (records) : p.optind + (int)i < argc; i++)
    {
      const char *name =
          all ? json_get_string (json_object_array_get_idx (records, i), "Name") : argv[p.optind + i];
      _cleanup_error_ galley_error_t failed = NULL;

      if (engine_volume_rm (&e, name, force, &failed) == 0)
        {
          printf ("%s\n", name);
          continue;
        }
      if (galley_error_errno (&failed) == ENOENT && (force || all))
        continue;
      if (galley_error_errno (&failed) == EBUSY && all)
        continue;
      status = galley_error_errno (&failed) == ENOENT  ? VOLUME_RM_NO_SUCH_VOLUME
               : galley_error_errno (&failed) == EBUSY ? VOLUME_RM_VOLUME_IN_USE
                                                       : GALLEY_EXIT_FAILURE;
      if (last)
        cli_error_report (&last);
      last = steal_pointer (&failed);
    }
  fflush (stdout);
  if (last == NULL)
    return 0;
  if (status == GALLEY_EXIT_FAILURE)
    {
      *err = steal_pointer (&last);
      return -1;
    }
  cli_error_report (&last);
  return status;
}

static void
print_names (char *const *names)
{
  size_t i;

  for (i = 0; names != NULL && names[i] != NULL; i++)
    printf ("%s\n", names[i]);
}

int
cli_cmd_volume_prune (struct cli_context *ctx, int argc, char **argv, galley_error_t *err)
{
  const struct engine e = cli_engine (ctx);
  _cleanup_cli_parser_ struct cli_parser p;
  _cleanup_strv_ char **filters = NULL, **names = NULL;
  const char *arg;
  bool force = false;
  int opt, ret;

  cli_parser_init (&p, ctx->cmd, argc, argv);
  while ((opt = cli_parser_next (&p, &arg, err)) > 0)
    if (opt == OPT_volume_prune_force)
      force = true;
    else if (opt == OPT_volume_prune_filter)
      strv_append (&filters, arg);
  if (opt < 0 || cli_positionals (&p, 0, 0, err) < 0)
    return -1;
  if (! force)
    {
      char answer[16] = "";
      if (engine_volume_prune (&e, filters, true, &names, err) < 0)
        return -1;
      /* on stdout, as podman's */
      printf ("WARNING! This will remove all volumes not used by at least one container. "
              "The following volumes will be removed:\n");
      print_names (names);
      printf ("Are you sure you want to continue? [y/N] ");
      fflush (stdout);
      if (fgets (answer, sizeof answer, stdin) == NULL || (answer[0] != 'y' && answer[0] != 'Y'))
        return 0;
      cleanup_strvp (&names);
    }
  ret = engine_volume_prune (&e, filters, false, &names, err);
  print_names (names);
  return ret;
}

int
cli_cmd_volume_exists (struct cli_context *ctx, int argc, char **argv, galley_error_t *err)
{
  const struct engine e = cli_engine (ctx);
  _cleanup_cli_parser_ struct cli_parser p;
  const char *arg;
  int opt;

  cli_parser_init (&p, ctx->cmd, argc, argv);
  while ((opt = cli_parser_next (&p, &arg, err)) > 0)
    ;
  if (opt < 0 || cli_positionals (&p, 1, 1, err) < 0)
    return -1;
  return engine_volume_exists (&e, argv[p.optind]) ? 0 : 1;
}

CLI_GROUP_HANDLER (volume)
