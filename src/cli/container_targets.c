/* Container targets of the lifecycle commands (see container_targets.h).  */
#include "config.h"
#include "cli/container_targets.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/container.h"
#include "state/container_filter.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/xmalloc.h"

static void
container_targets_free_one (struct container_target *t)
{
  container_entry_clear (&t->entry);
  free (t->label);
}

void
container_targets_free (struct container_target *t, size_t n)
{
  size_t i;

  for (i = 0; i < n; i++)
    container_targets_free_one (&t[i]);
  free (t);
}

static int
add_one (struct cli_context *ctx, const char *key, bool ignore_missing, struct container_target *t, size_t *n,
         galley_error_t *err)
{
  const struct engine e = cli_engine (ctx);

  if (engine_container_find (&e, key, &t[*n].entry, err) < 0)
    {
      if (ignore_missing && galley_error_errno (err) == ENOENT)
        {
          galley_error_release (err);
          return 0;
        }
      return -1;
    }
  t[*n].label = strdup (key);
  (*n)++;
  return 0;
}

/* The targets before the filters: the names, --all, --latest, --cidfile;
 * every container when only filters are given.  */
static int
collect_unfiltered (struct cli_context *ctx, const struct target_request *r, struct container_target **out,
                    size_t *n, galley_error_t *err)
{
  struct container_target *t = NULL;
  size_t count = 0, i;
  bool every = r->all || (r->n_filters > 0 && r->n_names == 0 && r->cidfile == NULL);

  *out = NULL;
  *n = 0;
  if ((r->all || r->latest) && r->n_names > 0)
    return galley_error_make (err, 0, "--all, --latest and containers cannot be used together");
  if (every || r->latest)
    {
      const struct engine e = cli_engine (ctx);
      struct container_entry *list = NULL;
      size_t nl = 0;
      if (engine_container_entries (&e, &list, &nl, err) < 0)
        return -1;
      t = calloc (nl + 1, sizeof *t);
      if (t == NULL)
        {
          container_list_free (list, nl);
          return galley_error_make (err, errno, "allocating");
        }
      for (i = r->latest && nl > 0 ? nl - 1 : 0; i < nl; i++)
        {
          t[count].entry = list[i];
          memset (&list[i], 0, sizeof list[i]);
          t[count].label = strdup (t[count].entry.id);
          count++;
        }
      container_list_free (list, nl);
      *out = t;
      *n = count;
      return 0;
    }
  if (r->cidfile == NULL && r->n_names == 0)
    return galley_error_make (err, 0, "you must provide at least one name or id");
  t = calloc ((size_t)r->n_names + 2, sizeof *t);
  if (t == NULL)
    return galley_error_make (err, errno, "allocating");
  if (r->cidfile != NULL)
    {
      _cleanup_free_ char *text = NULL;
      if (fs_read_file (AT_FDCWD, r->cidfile, 4096, &text, NULL, err) < 0)
        {
          free (t);
          return galley_error_wrap (err, "reading CIDFile");
        }
      text[strcspn (text, "\r\n")] = '\0';
      if (add_one (ctx, text, r->ignore_missing, t, &count, err) < 0)
        {
          container_targets_free (t, count);
          return -1;
        }
    }
  for (i = 0; i < (size_t)r->n_names; i++)
    if (add_one (ctx, r->names[i], r->ignore_missing, t, &count, err) < 0)
      {
        container_targets_free (t, count);
        return -1;
      }
  *out = t;
  *n = count;
  return 0;
}

/* Keep the targets that pass the request's filters.  */
static int
filter_targets (const struct target_request *r, struct container_target *t, size_t *n, galley_error_t *err)
{
  size_t i, kept = 0;

  for (i = 0; i < *n; i++)
    {
      const struct container_entry *e = &t[i].entry;
      const char *name = container_entry_name (e);
      struct container_filter_subject subject = {
        .id = e->id,
        .name = name ? name : "",
        .image = e->config.image,
        .image_id = e->config.image_id,
        .state = &e->state,
        .labels = e->config.labels,
      };
      bool match;
      if (subject.image == NULL)
        subject.image = "";
      if (subject.image_id == NULL)
        subject.image_id = "";
      if (container_filters_match (r->filters, r->n_filters, &subject, &match, err) < 0)
        return -1;
      if (match)
        t[kept++] = t[i];
      else
        container_targets_free_one (&t[i]);
    }
  *n = kept;
  return 0;
}

int
container_targets_collect (struct cli_context *ctx, const struct target_request *r,
                           struct container_target **out, size_t *n, galley_error_t *err)
{
  if (r->n_filters > TARGET_MAX_FILTERS)
    return galley_error_make (err, 0, "too many --filter options (at most %d)", TARGET_MAX_FILTERS);
  if (collect_unfiltered (ctx, r, out, n, err) < 0)
    return -1;
  if (r->n_filters > 0 && filter_targets (r, *out, n, err) < 0)
    {
      container_targets_free (*out, *n);
      *out = NULL;
      *n = 0;
      return -1;
    }
  return 0;
}

int
container_targets_collect_args (struct cli_context *ctx, struct target_request *r, const struct cli_parser *p,
                                struct container_target **out, size_t *n, galley_error_t *err)
{
  r->names = p->argv + p->optind;
  r->n_names = p->argc - p->optind;
  return container_targets_collect (ctx, r, out, n, err);
}

int
container_targets_run (struct cli_context *ctx, struct target_request *r, const struct cli_parser *p,
                       container_target_fn fn, void *data, galley_error_t *err)
{
  struct container_target *t = NULL;
  size_t n = 0, i;
  int ret, failed = 0;

  if (container_targets_collect_args (ctx, r, p, &t, &n, err) < 0)
    return -1;
  for (i = 0; i < n; i++)
    {
      ret = fn (ctx, &t[i], data, err);
      if (ret < 0)
        {
          cli_error_report (err);
          failed = 1;
        }
      else if (ret != CONTAINER_TARGET_QUIET)
        printf ("%s\n", t[i].label);
    }
  container_targets_free (t, n);
  return failed ? GALLEY_EXIT_FAILURE : 0;
}

bool
target_request_option (const struct cli_command *cmd, int opt, const char *arg, struct target_request *r)
{
  const struct cli_option *o = cli_option_by_id (cmd, opt);

  if (o == NULL)
    return false;
  if (strcmp (o->name, "all") == 0)
    r->all = true;
  else if (strcmp (o->name, "latest") == 0)
    r->latest = true;
  else if (strcmp (o->name, "cidfile") == 0)
    r->cidfile = arg;
  else if (strcmp (o->name, "ignore") == 0)
    r->ignore_missing = true;
  else if (strcmp (o->name, "filter") == 0)
    {
      if (r->n_filters < TARGET_MAX_FILTERS)
        r->filters[r->n_filters] = (char *)arg;
      r->n_filters++;
    }
  else
    return false;
  return true;
}

int
container_target_name (struct cli_context *ctx, struct target_request *r, const struct cli_parser *p,
                       char **name, galley_error_t *err)
{
  struct container_target *t = NULL;
  size_t n = 0;

  if (container_targets_collect_args (ctx, r, p, &t, &n, err) < 0)
    return -1;
  if (n == 0)
    {
      container_targets_free (t, n);
      return galley_error_make (err, 0, "no containers to act on");
    }
  *name = xstrdup (t[0].entry.id);
  container_targets_free (t, n);
  return 0;
}
