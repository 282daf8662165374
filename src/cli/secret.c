/* galley secret create/ls/inspect/rm: podman's commands over the secret
 * store of src/state/secret.h.  */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "state/container_list.h"
#include "state/secret.h"
#include "util/cleanup.h"
#include "util/format.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/strv.h"
#include "util/time.h"
#include "util/xmalloc.h"

/* The secret's bytes: from FILE, stdin ("-") or, with --env, the variable.  */
static int
read_secret_data (const char *source, bool from_env, char **data, size_t *len, galley_error_t *err)
{
  _cleanup_error_ galley_error_t local = NULL;
  int r;

  if (from_env)
    {
      const char *v = getenv (source);
      if (v == NULL)
        return galley_error_make (
            err, 0, "cannot create store secret data: environment variable %s is not set", source);
      *data = xstrdup (v);
      *len = strlen (v);
      return 0;
    }
  if (strcmp (source, "-") == 0)
    r = fs_read_fd (STDIN_FILENO, "stdin", SECRET_DATA_MAX, data, len, &local);
  else
    r = fs_read_file (AT_FDCWD, source, SECRET_DATA_MAX, data, len, &local);
  if (r < 0 && galley_error_errno (&local) == EFBIG)
    return galley_error_make (err, 0, "secret data must be larger than 0 and less than %d bytes",
                              SECRET_DATA_MAX);
  if (r < 0)
    {
      *err = steal_pointer (&local);
      return -1;
    }
  return 0;
}

int
cli_cmd_secret_create (struct cli_context *ctx, int argc, char **argv, galley_error_t *err)
{
  _cleanup_cli_parser_ struct cli_parser p;
  _cleanup_strv_ char **labels = NULL, **options = NULL;
  _cleanup_free_ char *id = NULL;
  struct secret_create_options o = { 0 };
  char *data = NULL;
  size_t len = 0;
  const char *arg;
  bool from_env = false;
  int opt, ret;

  cli_parser_init (&p, ctx->cmd, argc, argv);
  while ((opt = cli_parser_next (&p, &arg, err)) > 0)
    switch (opt)
      {
      case OPT_secret_create_driver:
        o.driver = arg;
        break;
      case OPT_secret_create_driver_opts:
        {
          /* podman's KEY=VALUE[,KEY=VALUE...] */
          _cleanup_strv_ char **pairs = strv_split (arg, ',');
          for (size_t i = 0; pairs && pairs[i]; i++)
            strv_append (&options, pairs[i]);
          break;
        }
      case OPT_secret_create_env:
        from_env = true;
        break;
      case OPT_secret_create_label:
        strv_append (&labels, arg);
        break;
      }
  if (opt < 0 || cli_positionals (&p, 2, 2, err) < 0)
    return -1;
  o.name = argv[p.optind];
  o.labels = (const char *const *)labels;
  o.driver_options = (const char *const *)options;
  if (read_secret_data (argv[p.optind + 1], from_env, &data, &len, err) < 0)
    return -1;
  o.data = data;
  o.len = len;
  ret = secret_create (&ctx->paths, &o, &id, err);
  explicit_bzero (data, len);
  free (data);
  if (ret < 0)
    return -1;
  printf ("%s\n", id);
  return 0;
}

/* podman's `secret ls` row: times as "3 minutes ago".  */
static json_object *
list_row (const struct secret *s)
{
  json_object *o = json_object_new_object ();
  int64_t now = time_now_ns ();
  char d[64], ago[80];

  json_object_object_add (o, "ID", json_object_new_string (s->id));
  json_object_object_add (o, "Name", json_object_new_string (s->name));
  json_object_object_add (o, "Driver", json_object_new_string (s->driver));
  human_duration (now - s->created_ns, d, sizeof d);
  snprintf (ago, sizeof ago, "%s ago", d);
  json_object_object_add (o, "CreatedAt", json_object_new_string (ago));
  human_duration (now - s->updated_ns, d, sizeof d);
  snprintf (ago, sizeof ago, "%s ago", d);
  json_object_object_add (o, "UpdatedAt", json_object_new_string (ago));
  return o;
}

int
cli_cmd_secret_ls (struct cli_context *ctx, int argc, char **argv, galley_error_t *err)
{
  static const struct format_header titles[] = { { "CreatedAt", "CREATED" },
                                                 { "UpdatedAt", "UPDATED" },
                                                 { NULL, NULL } };
  _cleanup_cli_parser_ struct cli_parser p;
  _cleanup_strv_ char **filters = NULL;
  _cleanup_filter_set_ struct filter_set *f = NULL;
  _cleanup_json_ json_object *rows = json_object_new_array ();
  _cleanup_json_ json_object *headers = format_headers (titles);
  struct secret *list = NULL;
  size_t n = 0;
  const char *format = NULL, *arg;
  bool noheading = false, quiet = false;
  int opt, ret = -1;

  cli_parser_init (&p, ctx->cmd, argc, argv);
  while ((opt = cli_parser_next (&p, &arg, err)) > 0)
    switch (opt)
      {
      case OPT_secret_ls_filter:
        strv_append (&filters, arg);
        break;
      case OPT_secret_ls_format:
        format = arg;
        break;
      case OPT_secret_ls_noheading:
        noheading = true;
        break;
      case OPT_secret_ls_quiet:
        quiet = true;
        break;
      }
  if (opt < 0 || cli_positionals (&p, 0, 0, err) < 0
      || filter_set_parse (&secret_filter_syntax, filters, &f, err) < 0
      || secret_list (&ctx->paths, &list, &n, err) < 0)
    return -1;
  for (size_t i = 0; i < n; i++)
    if (secret_matches_filters (&list[i], f))
      json_object_array_add (rows, list_row (&list[i]));
  if (quiet && format == NULL)
    format = "{{.ID}}";
  ret = format_print (stdout, format, "table {{.ID}}\t{{.Name}}\t{{.Driver}}\t{{.CreatedAt}}\t{{.UpdatedAt}}",
                      rows, headers, noheading, err);
  secret_list_free (list, n);
  return ret;
}

/* Go's time.Time.String() in UTC: "2006-01-02 15:04:05.999999999 +0000 UTC".  */
static json_object *
go_time (int64_t ns)
{
  time_t secs = (time_t)(ns / 1000000000);
  char date[32], frac[16], out[64];
  struct tm tm;
  size_t n;

  gmtime_r (&secs, &tm);
  strftime (date, sizeof date, "%Y-%m-%d %H:%M:%S", &tm);
  snprintf (frac, sizeof frac, ".%09lld", (long long)(ns % 1000000000));
  for (n = strlen (frac); n > 1 && frac[n - 1] == '0'; n--)
    frac[n - 1] = '\0';
  snprintf (out, sizeof out, "%s%s +0000 UTC", date, strcmp (frac, ".") == 0 ? "" : frac);
  return json_object_new_string (out);
}

/* podman's --pretty, which its Go time values print as time.String.  */
static int
print_pretty (json_object *records, const struct secret *secrets, galley_error_t *err)
{
  static const char pretty[] = "ID:              {{.ID}}\n"
                               "Name:              {{.Spec.Name}}\n"
                               "{{- if .Spec.Labels}}\nLabels:"
                               "{{- range $k, $v := .Spec.Labels}}\n - {{$k}}={{$v}}{{end}}{{end}}\n"
                               "Driver:            {{.Spec.Driver.Name}}\n"
                               "Created at:        {{.CreatedAt}}\n"
                               "Updated at:        {{.UpdatedAt}}";

  for (size_t i = 0; i < json_object_array_length (records); i++)
    {
      json_object *r = json_object_array_get_idx (records, i);
      json_object_object_add (r, "CreatedAt", go_time (secrets[i].created_ns));
      json_object_object_add (r, "UpdatedAt", go_time (secrets[i].updated_ns));
    }
  return format_print (stdout, pretty, NULL, records, NULL, true, err);
}

int
cli_cmd_secret_inspect (struct cli_context *ctx, int argc, char **argv, galley_error_t *err)
{
  _cleanup_cli_parser_ struct cli_parser p;
  _cleanup_json_ json_object *records = json_object_new_array ();
  _cleanup_error_ galley_error_t missing = NULL;
  struct secret *found = NULL;
  size_t n = 0;
  const char *format = NULL, *arg;
  bool pretty = false;
  int opt, ret = -1;

  cli_parser_init (&p, ctx->cmd, argc, argv);
  while ((opt = cli_parser_next (&p, &arg, err)) > 0)
    if (opt == OPT_secret_inspect_format)
      format = arg;
    else if (opt == OPT_secret_inspect_pretty)
      pretty = true;
  if (opt < 0 || cli_positionals (&p, 1, -1, err) < 0)
    return -1;
  found = xcalloc ((size_t)(argc - p.optind), sizeof *found);
  for (int i = p.optind; i < argc; i++)
    {
      _cleanup_error_ galley_error_t e = NULL;
      if (secret_lookup (&ctx->paths, argv[i], &found[n], &e) < 0)
        {
          /* podman prints what it found, then fails on the last unknown.  */
          if (missing != NULL)
            fprintf (stderr, "Error: inspecting secret: %s\n", missing->msg);
          galley_error_release (&missing);
          missing = steal_pointer (&e);
          continue;
        }
      json_object_array_add (records, secret_inspect_json (&ctx->paths, &found[n]));
      n++;
    }
  if (pretty)
    ret = print_pretty (records, found, err);
  else
    ret = format_print (stdout, format && *format ? format : "json", NULL, records, NULL, true, err);
  secret_list_free (found, n);
  if (ret == 0 && missing != NULL)
    {
      *err = steal_pointer (&missing);
      return galley_error_wrap (err, "inspecting secret");
    }
  return ret;
}

int
cli_cmd_secret_rm (struct cli_context *ctx, int argc, char **argv, galley_error_t *err)
{
  _cleanup_cli_parser_ struct cli_parser p;
  _cleanup_strv_ char **targets = NULL;
  _cleanup_error_ galley_error_t last = NULL;
  const char *arg;
  bool all = false;
  int opt;

  cli_parser_init (&p, ctx->cmd, argc, argv);
  while ((opt = cli_parser_next (&p, &arg, err)) > 0)
    if (opt == OPT_secret_rm_all)
      all = true;
  if (opt < 0)
    return -1;
  if (all == (p.optind < argc))
    return galley_error_make (err, 0, "`galley secret rm` requires one argument, or the --all flag");
  if (all)
    {
      struct secret *list = NULL;
      size_t n = 0;
      if (secret_list (&ctx->paths, &list, &n, err) < 0)
        return -1;
      for (size_t i = 0; i < n; i++)
        strv_append (&targets, list[i].id);
      secret_list_free (list, n);
    }
  else
    for (int i = p.optind; i < argc; i++)
      strv_append (&targets, argv[i]);
  for (size_t i = 0; targets && targets[i]; i++)
    {
      _cleanup_free_ char *id = NULL;
      _cleanup_error_ galley_error_t e = NULL;
      if (secret_remove (&ctx->paths, targets[i], &id, &e) == 0)
        {
          printf ("%s\n", id);
          continue;
        }
      if (all && galley_error_errno (&e) == ENOENT)
        continue; /* removed meanwhile */
      if (last != NULL)
        fprintf (stderr, "Error: %s\n", last->msg);
      galley_error_release (&last);
      last = steal_pointer (&e);
    }
  fflush (stdout);
  if (last != NULL)
    {
      *err = steal_pointer (&last);
      return -1;
    }
  return 0;
}

CLI_GROUP_HANDLER (secret)
