/* galley volume create/ls/inspect/rm/prune/exists: podman-compatible
 * commands over the named volumes of src/state/volume.h.  */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "runtime/lifecycle.h"
#include "state/container_list.h"
#include "state/volume.h"
#include "util/cleanup.h"
#include "util/filter.h"
#include "util/format.h"
#include "util/json.h"
#include "util/strv.h"

/* --label/--opt KEY=VALUE (a bare KEY means an empty value, as podman).  */
static int
add_key_value (json_object *map, const char *arg)
{
  const char *eq = strchr (arg, '=');
  _cleanup_free_ char *key = eq ? strndup (arg, (size_t)(eq - arg)) : strdup (arg);

  if (key == NULL)
    return -1;
  json_object_object_add (map, key, json_object_new_string (eq ? eq + 1 : ""));
  return 0;
}

int
cli_cmd_volume_create (struct cli_context *ctx, int argc, char **argv, galley_error_t *err)
{
  _cleanup_cli_parser_ struct cli_parser p;
  _cleanup_json_ json_object *labels = json_object_new_object ();
  _cleanup_json_ json_object *options = json_object_new_object ();
  _cleanup_free_ char *name = NULL;
  struct volume_create_options o = { 0 };
  const char *arg;
  int opt;

  cli_parser_init (&p, ctx->cmd, argc, argv);
  while ((opt = cli_parser_next (&p, &arg, err)) > 0)
    switch (opt)
      {
      case OPT_volume_create_driver:
        if (strcmp (arg, "local") != 0)
          return galley_error_make (err, 0, "volume driver %s is not supported (only \"local\")", arg);
        break;
      case OPT_volume_create_ignore:
        o.ignore_existing = true;
        break;
      case OPT_volume_create_label:
        add_key_value (labels, arg);
        break;
      case OPT_volume_create_opt:
        add_key_value (options, arg);
        break;
      }
  if (opt < 0 || cli_positionals (&p, 0, 1, err) < 0)
    return -1;
  o.name = p.optind < argc ? argv[p.optind] : NULL;
  o.labels = labels;
  o.options = options;
  if (volume_create (&ctx->paths, &o, &name, err) < 0)
    return -1;
  printf ("%s\n", name);
  return 0;
}

static int
check_dangling (const char *value, galley_error_t *err)
{
  bool b;

  if (! filter_parse_bool (value, &b))
    return galley_error_kind (
        err, EINVAL, "\"%s\" is not a valid value for the \"dangling\" filter - must be true or false",
        value);
  return 0;
}

static const struct filter_key volume_filter_keys[] = {
  { "name", FILTER_REGEX, NULL },
  { "label", FILTER_TEXT, NULL },
  { "dangling", FILTER_TEXT, check_dangling },
  { "driver", FILTER_TEXT, NULL },
  { "scope", FILTER_TEXT, NULL },
  { NULL, 0, NULL },
};

/* podman's volume filters: a name that is not a regular expression is an
 * error.  */
static const struct filter_syntax volume_filter_syntax = {
  .keys = volume_filter_keys,
  .malformed = "filter input must be in the form of filter=value: %s is invalid",
  .unknown = "\"%s\" is an invalid volume filter",
  .strict_regex = true,
};

/* Does one value of g match the volume?  */
static int
value_matches (const struct cli_context *ctx, json_object *record, const struct filter_group *g,
               const struct filter_value *v, bool *hit, galley_error_t *err)
{
  const char *key = g->key->name, *name = json_get_string (record, "Name");
  json_object *labels = NULL;

  if (strcmp (key, "name") == 0)
    *hit = filter_value_matches (g, v, name);
  else if (strcmp (key, "label") == 0)
    *hit =
        json_object_object_get_ex (record, "Labels", &labels) && filter_label_matches_json (labels, v->text);
  else if (strcmp (key, "dangling") == 0)
    {
      _cleanup_strv_ char **users = NULL;
      bool want = false;

      filter_parse_bool (v->text, &want);
      if (volume_users (&ctx->paths, name, &users, err) < 0)
        return -1;
      *hit = want == (users[0] == NULL);
    }
  else
    *hit = strcmp (v->text, "local") == 0;
  return 0;
}

/* Does the volume pass every filter?  Filters of one key are OR-ed, keys
 * AND-ed, as podman's.  */
static int
volume_selected (const struct cli_context *ctx, json_object *record, const struct filter_set *f,
                 bool *selected, galley_error_t *err)
{
  size_t k, i;

  *selected = true;
  for (k = 0; f != NULL && k < f->n; k++)
    {
      bool hit = false;

      for (i = 0; i < f->groups[k].n && ! hit; i++)
        if (value_matches (ctx, record, &f->groups[k], &f->groups[k].values[i], &hit, err) < 0)
          return -1;
      if (! hit)
        {
          *selected = false;
          return 0;
        }
    }
  return 0;
}

/* The inspect records of the volumes that pass the filters (f NULL: all),
 * only those no container uses when unused_only.  */
static int
collect_volumes (const struct cli_context *ctx, const struct filter_set *f, bool unused_only,
                 json_object **out, galley_error_t *err)
{
  _cleanup_json_ json_object *records = json_object_new_array ();
  _cleanup_strv_ char **names = NULL;
  size_t i;

  if (volume_list (&ctx->paths, &names, err) < 0)
    return -1;
  for (i = 0; names[i]; i++)
    {
      _cleanup_json_ json_object *record = NULL;
      _cleanup_error_ galley_error_t gone = NULL;
      bool selected;

      if (volume_load (&ctx->paths, names[i], &record, &gone) < 0)
        continue; /* removed meanwhile */
      if (volume_selected (ctx, record, f, &selected, err) < 0)
        return -1;
      if (selected && unused_only)
        {
          _cleanup_strv_ char **users = NULL;
          if (volume_users (&ctx->paths, names[i], &users, err) < 0)
            return -1;
          selected = users[0] == NULL;
        }
      if (selected)
        json_object_array_add (records, volume_inspect_record (record));
    }
  *out = steal_pointer (&records);
  return 0;
}

int
cli_cmd_volume_ls (struct cli_context *ctx, int argc, char **argv, galley_error_t *err)
{
  _cleanup_cli_parser_ struct cli_parser p;
  _cleanup_json_ json_object *records = NULL;
  _cleanup_json_ json_object *headers = json_object_new_object ();
  _cleanup_strv_ char **filters = NULL;
  _cleanup_filter_set_ struct filter_set *f = NULL;
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
  if (opt < 0 || cli_positionals (&p, 0, 0, err) < 0
      || filter_set_parse (&volume_filter_syntax, filters, &f, err) < 0
      || collect_volumes (ctx, f, false, &records, err) < 0)
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
      if (collect_volumes (ctx, NULL, false, &records, err) < 0)
        return -1;
    }
  else
    records = json_object_new_array ();
  for (i = p.optind; i < argc; i++)
    {
      _cleanup_json_ json_object *record = NULL;
      if (volume_load (&ctx->paths, argv[i], &record, err) < 0)
        {
          if (galley_error_errno (err) != ENOENT)
            return -1;
          galley_error_release (err);
          /* podman prints what it found, then fails on the first unknown.  */
          if (missing == NULL)
            galley_error_make (&missing, 0, "no such volume %.256s", argv[i]);
          continue;
        }
      json_object_array_add (records, volume_inspect_record (record));
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

/* Remove volumes by name; podman's exit codes: 1 when a volume is unknown,
 * 2 when one is in use (the last error is printed, earlier ones too).  */
/* volume rm -f: the containers that use the volume go first (running ones
 * are stopped), as with podman.  */
static int
remove_users (struct cli_context *ctx, const char *name, galley_error_t *err)
{
  _cleanup_strv_ char **users = NULL;
  size_t i;

  if (volume_users (&ctx->paths, name, &users, err) < 0)
    return -1;
  for (i = 0; users[i] != NULL; i++)
    {
      struct container_entry e = { 0 };
      int r = container_find (&ctx->paths, users[i], &e, err);

      if (r == 0)
        r = container_rm (&ctx->paths, &e, true, err);
      container_entry_clear (&e);
      if (r < 0 && galley_error_errno (err) != ENOENT)
        return galley_error_wrap (err, "removing container %s of volume %s", users[i], name);
      galley_error_release (err);
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
  _cleanup_cli_parser_ struct cli_parser p;
  _cleanup_strv_ char **names = NULL;
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
  if (all && volume_list (&ctx->paths, &names, err) < 0)
    return -1;
  for (i = 0; all ? names[i] != NULL : p.optind + (int)i < argc; i++)
    {
      const char *name = all ? names[i] : argv[p.optind + i];
      _cleanup_error_ galley_error_t e = NULL;

      if (force && remove_users (ctx, name, &e) < 0)
        {
          status = GALLEY_EXIT_FAILURE;
          galley_error_release (&last);
          last = steal_pointer (&e);
          continue;
        }
      if (volume_remove (&ctx->paths, name, false, &e) == 0)
        {
          printf ("%s\n", name);
          continue;
        }
      if (galley_error_errno (&e) == ENOENT && (force || all))
        continue;
      if (galley_error_errno (&e) == EBUSY && all)
        continue;
      status = galley_error_errno (&e) == ENOENT  ? VOLUME_RM_NO_SUCH_VOLUME
               : galley_error_errno (&e) == EBUSY ? VOLUME_RM_VOLUME_IN_USE
                                                  : GALLEY_EXIT_FAILURE;
      if (last)
        cli_error_report (&last);
      last = steal_pointer (&e);
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

int
cli_cmd_volume_prune (struct cli_context *ctx, int argc, char **argv, galley_error_t *err)
{
  _cleanup_cli_parser_ struct cli_parser p;
  _cleanup_json_ json_object *records = NULL;
  _cleanup_strv_ char **filters = NULL;
  _cleanup_filter_set_ struct filter_set *f = NULL;
  const char *arg;
  bool force = false;
  int opt;
  size_t i;

  cli_parser_init (&p, ctx->cmd, argc, argv);
  while ((opt = cli_parser_next (&p, &arg, err)) > 0)
    if (opt == OPT_volume_prune_force)
      force = true;
    else if (opt == OPT_volume_prune_filter)
      strv_append (&filters, arg);
  if (opt < 0 || cli_positionals (&p, 0, 0, err) < 0
      || filter_set_parse (&volume_filter_syntax, filters, &f, err) < 0)
    return -1;
  /* Only the volumes no container uses: the prompt lists what goes.  */
  if (! force)
    {
      char answer[16] = "";
      if (collect_volumes (ctx, f, true, &records, err) < 0)
        return -1;
      /* on stdout, as podman's */
      printf ("WARNING! This will remove all volumes not used by at least one container. "
              "The following volumes will be removed:\n");
      for (i = 0; i < json_object_array_length (records); i++)
        printf ("%s\n", json_get_string (json_object_array_get_idx (records, i), "Name"));
      printf ("Are you sure you want to continue? [y/N] ");
      fflush (stdout);
      if (fgets (answer, sizeof answer, stdin) == NULL || (answer[0] != 'y' && answer[0] != 'Y'))
        return 0;
      json_object_put (records);
      records = NULL;
    }
  if (collect_volumes (ctx, f, true, &records, err) < 0)
    return -1;
  for (i = 0; i < json_object_array_length (records); i++)
    {
      const char *name = json_get_string (json_object_array_get_idx (records, i), "Name");
      _cleanup_error_ galley_error_t e = NULL;

      if (volume_remove (&ctx->paths, name, false, &e) == 0)
        printf ("%s\n", name);
      else if (galley_error_errno (&e) != EBUSY && galley_error_errno (&e) != ENOENT)
        {
          *err = steal_pointer (&e);
          return -1;
        }
    }
  return 0;
}

int
cli_cmd_volume_exists (struct cli_context *ctx, int argc, char **argv, galley_error_t *err)
{
  _cleanup_cli_parser_ struct cli_parser p;
  const char *arg;
  int opt;

  cli_parser_init (&p, ctx->cmd, argc, argv);
  while ((opt = cli_parser_next (&p, &arg, err)) > 0)
    ;
  if (opt < 0 || cli_positionals (&p, 1, 1, err) < 0)
    return -1;
  return volume_exists (&ctx->paths, argv[p.optind]) ? 0 : 1;
}

CLI_GROUP_HANDLER (volume)
