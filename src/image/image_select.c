/* Selecting the images a listing shows (image_select.h).  */
#include "config.h"
#include "image/image_select.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "image/image_info.h"
#include "util/cleanup.h"
#include "util/time.h"
#include "util/xmalloc.h"

static bool
reference_matches (const struct store_image *img, const char *pattern)
{
  size_t i;

  for (i = 0; img->names[i]; i++)
    {
      _cleanup_free_ char *repo = NULL, *tag = NULL;
      const char *name = img->names[i], *p;

      if (fnmatch (pattern, name, 0) == 0)
        return true;
      image_split_name (name, &repo, &tag);
      if (repo && fnmatch (pattern, repo, 0) == 0)
        return true;
      /* Short forms: "busybox", "library/busybox:latest".  */
      for (p = strchr (name, '/'); p; p = strchr (p + 1, '/'))
        {
          if (fnmatch (pattern, p + 1, 0) == 0)
            return true;
          if (repo && (size_t)(p - name) < strlen (repo) && fnmatch (pattern, repo + (p - name) + 1, 0) == 0)
            return true;
        }
    }
  return false;
}

/* Compare created times with the image named by `ref`: before / since.  */
static int
reference_time (struct store *s, const char *ref, time_t *out, galley_error_t *err)
{
  _cleanup_store_image_ struct store_image *img = NULL;

  if (store_image_find (s, ref, &img, err) < 0)
    return -1;
  if (image_parse_time (img->created, out) < 0)
    *out = 0;
  return 0;
}

static int
check_bool (const char *value, galley_error_t *err)
{
  bool b;

  if (! filter_parse_bool (value, &b))
    return galley_error_kind (
        err, EINVAL,
        "non-boolean value \"dangling\" for %s filter: strconv.ParseBool: parsing \"%s\": "
        "invalid syntax",
        value, value);
  return 0;
}

static const struct filter_key image_filter_keys[] = {
  { "reference", FILTER_TEXT, NULL }, { "dangling", FILTER_TEXT, check_bool }, { "label", FILTER_TEXT, NULL },
  { "before", FILTER_TEXT, NULL },    { "since", FILTER_TEXT, NULL },          { NULL, 0, NULL },
};

const struct filter_syntax image_filter_syntax = {
  .keys = image_filter_keys,
  .malformed = "invalid image filter \"%s\": must be in the format \"filter=value or filter!=value\"",
  .unknown = "unsupported image filter \"%s\"",
  .negation = true,
};

static int
check_until (const char *value, galley_error_t *err)
{
  int64_t t;

  return time_parse_when (value, &t, err);
}

static const struct filter_key image_prune_filter_keys[] = {
  { "until", FILTER_TEXT, check_until },
  { "label", FILTER_TEXT, NULL },
  { "dangling", FILTER_TEXT, check_bool },
  { NULL, 0, NULL },
};

const struct filter_syntax image_prune_filter_syntax = {
  .keys = image_prune_filter_keys,
  .malformed = "filter input must be in the form of filter=value: %s is invalid",
  .unknown = "unsupported image filter \"%s\"",
  .negation = true,
};

/* Does the image match one filter value (before its negation)?  */
static int
value_matches (struct store *s, const struct image_entry *e, const char *key, const char *v, bool *hit,
               galley_error_t *err)
{
  time_t t;

  if (strcmp (key, "reference") == 0)
    *hit = reference_matches (e->img, v);
  else if (strcmp (key, "dangling") == 0)
    {
      bool want = false;
      filter_parse_bool (v, &want);
      *hit = want == (e->img->names[0] == NULL);
    }
  else if (strcmp (key, "label") == 0)
    *hit = image_config_label_matches (e->config, v);
  else
    {
      if (reference_time (s, v, &t, err) < 0)
        return -1;
      *hit = strcmp (key, "before") == 0 ? e->created < t : e->created > t;
    }
  return 0;
}

/* References are alternatives; every other filter must hold.  */
static int
entry_selected (struct store *s, const struct image_select *o, const struct image_entry *e, bool *selected,
                galley_error_t *err)
{
  size_t k, i;

  *selected = false;
  if (o->reference && ! reference_matches (e->img, o->reference))
    {
      _cleanup_store_image_ struct store_image *found = NULL;
      _cleanup_error_ galley_error_t ignored = NULL;
      if (store_image_find (s, o->reference, &found, &ignored) < 0 || strcmp (found->id, e->img->id) != 0)
        return 0;
    }
  for (k = 0; o->filters != NULL && k < o->filters->n; k++)
    {
      const struct filter_group *g = &o->filters->groups[k];
      bool any_reference = false, reference_hit = false;

      for (i = 0; i < g->n; i++)
        {
          bool hit;

          if (value_matches (s, e, g->key->name, g->values[i].text, &hit, err) < 0)
            return -1;
          hit = hit != g->values[i].negated;
          if (strcmp (g->key->name, "reference") != 0)
            {
              if (! hit)
                return 0;
              continue;
            }
          any_reference = true;
          reference_hit = reference_hit || hit;
        }
      if (any_reference && ! reference_hit)
        return 0;
    }
  *selected = true;
  return 0;
}

static int
compare_entries (const void *a, const void *b)
{
  const struct image_entry *x = a, *y = b;

  if (x->created != y->created)
    return x->created > y->created ? -1 : 1;
  return strcmp (x->img->added ? x->img->added : "", y->img->added ? y->img->added : "");
}

static bool
image_is_intermediate (struct store_image **imgs, size_t n, size_t i)
{
  size_t j, k, li = 0;

  if (imgs[i]->names != NULL && imgs[i]->names[0] != NULL)
    return false;
  while (imgs[i]->layers && imgs[i]->layers[li])
    li++;
  for (j = 0; j < n; j++)
    {
      size_t lj = 0;
      if (j == i)
        continue;
      while (imgs[j]->layers && imgs[j]->layers[lj])
        lj++;
      if (lj < li || (lj == li && j < i))
        continue;
      for (k = 0; k < li && strcmp (imgs[i]->layers[k], imgs[j]->layers[k]) == 0; k++)
        ;
      if (k == li)
        return true;
    }
  return false;
}

int
image_select_list (struct store *s, const struct image_select *o, struct image_entry **out, size_t *n_out,
                   galley_error_t *err)
{
  struct store_image **imgs = NULL;
  struct image_entry *e = NULL;
  size_t n = 0, i, j, k = 0;
  int ret = -1;

  if (store_image_list (s, &imgs, &n, err) < 0)
    return -1;
  e = xcalloc (n + 1, sizeof *e);
  for (i = 0; i < n; i++)
    {
      struct image_entry cand = { .img = imgs[i] };
      bool selected;

      if (! o->all && image_is_intermediate (imgs, n, i))
        continue;
      /* the config blob only for what shows it: 500 images, 500 reads */
      if (o->want_config && store_image_config (s, imgs[i], &cand.config, err) < 0)
        {
          /* Removed while we listed: not an error for a reader.  */
          galley_error_release (err);
          continue;
        }
      if (image_parse_time (imgs[i]->created, &cand.created) < 0)
        cand.created = 0;
      if (entry_selected (s, o, &cand, &selected, err) < 0)
        {
          json_object_put (cand.config);
          goto out;
        }
      if (selected)
        e[k++] = cand;
      else
        json_object_put (cand.config);
    }
  /* The entries keep the images they selected (in the list's order until
   * sorted); the rest go.  */
  for (i = 0, j = 0; i < n; i++)
    if (j < k && e[j].img == imgs[i])
      j++;
    else
      store_image_free (imgs[i]);
  free (imgs);
  qsort (e, k, sizeof *e, compare_entries);
  *out = steal_pointer (&e);
  *n_out = k;
  return 0;
out:
  for (i = 0; e && i < k; i++)
    json_object_put (e[i].config);
  free (e);
  store_image_list_free (imgs, n);
  return ret;
}

void
image_entries_free (struct image_entry *e, size_t n)
{
  size_t i;

  for (i = 0; e != NULL && i < n; i++)
    {
      json_object_put (e[i].config);
      store_image_free (e[i].img);
    }
  free (e);
}
