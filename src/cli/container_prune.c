/* galley container prune: remove every container that is not running, as
 * podman's (--filter label= and until=; asks first unless --force).  */
#include "config.h"

#include <stdio.h>

#include "cli/cli.h"
#include "runtime/lifecycle.h"
#include "state/container_list.h"
#include "util/cleanup.h"
#include "util/filter.h"
#include "util/strv.h"
#include "util/time.h"

static int
check_until (const char *value, galley_error_t *err)
{
  int64_t when;

  return time_parse_when (value, &when, err);
}

static const struct filter_key prune_keys[] = {
  { "label", FILTER_TEXT, NULL },
  { "until", FILTER_TEXT, check_until },
  { NULL, FILTER_TEXT, NULL },
};

static const struct filter_syntax prune_syntax = {
  .keys = prune_keys,
  .malformed = "filter input must be in the form of filter=value: %s is invalid",
  .unknown = "%s is an invalid filter",
};

/* Whether e passes the filters: every label= (podman ANDs them here) and
 * created before every until=.  */
static bool
selected (const struct container_entry *e, const struct filter_set *f)
{
  const struct filter_group *labels = filter_set_group (f, "label"), *until = filter_set_group (f, "until");
  size_t i;

  for (i = 0; labels != NULL && i < labels->n; i++)
    if (! filter_label_matches_kv (e->config.labels, labels->values[i].text))
      return false;
  for (i = 0; until != NULL && i < until->n; i++)
    {
      _cleanup_error_ galley_error_t ignored = NULL;
      int64_t when = 0;
      if (time_parse_when (until->values[i].text, &when, &ignored) < 0 || e->created >= when)
        return false;
    }
  return true;
}

int
cli_cmd_container_prune (struct cli_context *ctx, int argc, char **argv, galley_error_t *err)
{
  _cleanup_cli_parser_ struct cli_parser p;
  _cleanup_strv_ char **filters = NULL;
  _cleanup_filter_set_ struct filter_set *f = NULL;
  struct container_entry *list = NULL;
  const char *arg;
  bool force = false;
  size_t n = 0, i;
  int opt, failed = 0;

  cli_parser_init (&p, ctx->cmd, argc, argv);
  while ((opt = cli_parser_next (&p, &arg, err)) > 0)
    if (opt == OPT_container_prune_force)
      force = true;
    else if (opt == OPT_container_prune_filter)
      strv_append (&filters, arg);
  if (opt < 0 || cli_positionals (&p, 0, 0, err) < 0
      || filter_set_parse (&prune_syntax, filters, &f, err) < 0)
    return -1;
  if (! force)
    {
      char answer[16] = "";
      /* on stdout, as podman's */
      printf (
          "WARNING! This will remove all non running containers.\nAre you sure you want to continue? [y/N] ");
      fflush (stdout);
      if (fgets (answer, sizeof answer, stdin) == NULL || (answer[0] != 'y' && answer[0] != 'Y'))
        return 0;
    }
  if (container_list (&ctx->paths, &list, &n, err) < 0)
    return -1;
  for (i = 0; i < n; i++)
    {
      _cleanup_error_ galley_error_t e = NULL;

      if (container_status_is_live (list[i].state.status) || list[i].state.elsewhere
          || ! selected (&list[i], f))
        continue;
      if (container_rm (&ctx->paths, &list[i], false, &e) == 0)
        printf ("%s\n", list[i].id);
      else
        {
          cli_error_report (&e);
          failed = 1;
        }
    }
  container_list_free (list, n);
  return failed ? GALLEY_EXIT_FAILURE : 0;
}
