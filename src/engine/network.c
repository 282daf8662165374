/* Named networks (see network.h): creation, their selection by podman's
 * filters, and removal with what is configured on them.  */
#include "config.h"
#include "engine/network.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/bridge.h"
#include "runtime/lifecycle.h"
#include "state/container_list.h"
#include "state/netconf.h"
#include "state/network_members.h"
#include "util/cleanup.h"
#include "util/filter.h"
#include "util/json.h"
#include "util/strv.h"
#include "util/xmalloc.h"

int
engine_network_create (const struct engine *e, const struct engine_network_create_options *o, char **name,
                       galley_error_t *err)
{
  _cleanup_network_def_ struct network_def d = { 0 };

  if (o->driver != NULL && strcmp (o->driver, "bridge") != 0)
    return galley_error_make (err, 0, "unsupported driver %s: only bridge", o->driver);
  if (o->gateway && ! o->subnet)
    return galley_error_make (err, 0, "cannot set gateway or range without subnet");
  d.labels = xalloc_check (json_kv_object (o->labels));
  d.internal = o->internal;
  d.name = o->name ? xstrdup (o->name) : NULL;
  d.subnet = o->subnet ? xstrdup (o->subnet) : NULL;
  d.gateway = o->gateway ? xstrdup (o->gateway) : NULL;
  if (network_def_create (e->paths, &d, err) < 0)
    {
      if (! (o->ignore_existing && galley_error_errno (err) == EEXIST))
        return -1;
      galley_error_release (err);
    }
  *name = steal_pointer (&d.name);
  return 0;
}

static const struct filter_key network_filter_keys[] = {
  { "name", FILTER_REGEX, NULL }, { "id", FILTER_TEXT, NULL }, { "driver", FILTER_TEXT, NULL },
  { "label", FILTER_TEXT, NULL }, { NULL, 0, NULL },
};

static const struct filter_key network_prune_filter_keys[] = {
  { "label", FILTER_TEXT, NULL },
  { NULL, 0, NULL },
};

/* podman's network filters: a name that is not a regular expression
 * matches nothing.  */
static const struct filter_syntax network_filter_syntax = {
  .keys = network_filter_keys,
  .malformed = "filter input must be in the form of filter=value: %s is invalid",
  .unknown = "invalid filter \"%s\"",
};

static const struct filter_syntax network_prune_filter_syntax = {
  .keys = network_prune_filter_keys,
  .malformed = "filter input must be in the form of filter=value: %s is invalid",
  .unknown = "invalid filter \"%s\"",
};

static bool
value_matches (const struct network_def *d, const struct filter_group *g, const struct filter_value *v)
{
  const char *key = g->key->name;

  if (strcmp (key, "name") == 0)
    return filter_value_matches (g, v, d->name);
  if (strcmp (key, "id") == 0)
    return strncmp (d->id, v->text, strlen (v->text)) == 0;
  if (strcmp (key, "driver") == 0)
    return strcmp (v->text, "bridge") == 0;
  return filter_label_matches_json (d->labels, v->text);
}

/* Filters of one key are OR-ed, keys AND-ed.  */
static bool
selected (const struct network_def *d, const struct filter_set *f)
{
  size_t k, i;

  for (k = 0; k < f->n; k++)
    {
      bool hit = false;
      for (i = 0; i < f->groups[k].n && ! hit; i++)
        hit = value_matches (d, &f->groups[k], &f->groups[k].values[i]);
      if (! hit)
        return false;
    }
  return true;
}

int
engine_network_list (const struct engine *e, char *const *filters, struct network_def **out, size_t *n,
                     galley_error_t *err)
{
  _cleanup_filter_set_ struct filter_set *f = NULL;
  struct network_def *defs = NULL;
  size_t count = 0, i;

  *out = NULL;
  *n = 0;
  if (filter_set_parse (&network_filter_syntax, filters, &f, err) < 0
      || network_def_list (e->paths, &defs, &count, err) < 0)
    return -1;
  for (i = 0; i < count; i++)
    {
      if (! selected (&defs[i], f))
        {
          network_def_clear (&defs[i]);
          continue;
        }
      if (*n < i)
        {
          defs[*n] = defs[i];
          memset (&defs[i], 0, sizeof defs[i]);
        }
      (*n)++;
    }
  *out = defs;
  return 0;
}

int
engine_network_find (const struct engine *e, const char *name_or_id, struct network_def *out,
                     galley_error_t *err)
{
  return network_def_load (e->paths, name_or_id, out, err);
}

/* The containers configured on network name.  */
static int
network_users (const struct galley_paths *paths, const char *name, struct container_entry **users, size_t *n,
               galley_error_t *err)
{
  struct container_entry *all = NULL;
  size_t count = 0, i;

  *users = NULL;
  *n = 0;
  if (container_list (paths, &all, &count, err) < 0)
    return -1;
  for (i = 0; i < count; i++)
    {
      if (network_member_has (&all[i].config, name))
        all[(*n)++] = all[i];
      else
        container_entry_clear (&all[i]);
    }
  *users = all;
  return 0;
}

int
engine_network_rm (const struct engine *e, const char *name_or_id, int timeout, char **name,
                   galley_error_t *err)
{
  _cleanup_network_def_ struct network_def d = { 0 };
  struct container_entry *users = NULL;
  size_t n = 0, i;
  int ret = -1;

  if (network_def_load (e->paths, name_or_id, &d, err) < 0)
    return -1;
  if (strcmp (d.name, NET_DEFAULT_NAME) == 0)
    return galley_error_make (err, 0, "default network %s cannot be removed", d.name);
  if (network_users (e->paths, d.name, &users, &n, err) < 0)
    return -1;
  if (n > 0 && timeout < 0)
    {
      galley_error_make (err, 0,
                         "\"%s\" has associated containers with it. Use -f to forcibly delete "
                         "containers and pods: network is being used",
                         d.name);
      goto out;
    }
  for (i = 0; i < n; i++)
    if (container_stop (e->paths, &users[i], timeout, err) < 0
        || container_rm (e->paths, &users[i], true, err) < 0)
      goto out;
  if (bridge_remove_interface (e->paths, &d, err) < 0 || network_def_remove (e->paths, d.name, err) < 0)
    goto out;
  *name = steal_pointer (&d.name);
  ret = 0;
out:
  container_list_free (users, n);
  return ret;
}

int
engine_network_prune (const struct engine *e, char *const *filters, bool dry_run, char ***names,
                      galley_error_t *err)
{
  _cleanup_filter_set_ struct filter_set *f = NULL;
  struct network_def *defs = NULL;
  size_t n = 0, i;
  int ret = -1;

  *names = strv_copy (NULL);
  if (filter_set_parse (&network_prune_filter_syntax, filters, &f, err) < 0
      || network_def_list (e->paths, &defs, &n, err) < 0)
    return -1;
  /* the default network, first, stays */
  for (i = 1; i < n; i++)
    {
      struct container_entry *users = NULL;
      size_t nu = 0;

      if (! selected (&defs[i], f))
        continue;
      if (network_users (e->paths, defs[i].name, &users, &nu, err) < 0)
        goto out;
      container_list_free (users, nu);
      if (nu > 0)
        continue;
      if (! dry_run
          && (bridge_remove_interface (e->paths, &defs[i], err) < 0
              || network_def_remove (e->paths, defs[i].name, err) < 0))
        goto out;
      strv_append (names, defs[i].name);
    }
  ret = 0;
out:
  network_def_list_free (defs, n);
  return ret;
}
