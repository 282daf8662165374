/* Filters as podman's commands take them (see filter.h).  */
#include "config.h"
#include "util/filter.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "util/cleanup.h"
#include "util/xmalloc.h"

/* The formats come from the commands' tables, never from input.  */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
static int
syntax_error (galley_error_t *err, const char *format, const char *arg)
{
  return galley_error_kind (err, EINVAL, format, arg);
}
#pragma GCC diagnostic pop

static const struct filter_key *
key_find (const struct filter_syntax *syntax, const char *name, size_t len)
{
  const struct filter_key *k;

  for (k = syntax->keys; k->name != NULL; k++)
    if (strlen (k->name) == len && strncmp (k->name, name, len) == 0)
      return k;
  return NULL;
}

static struct filter_group *
group_for (struct filter_set *set, const struct filter_key *key)
{
  size_t i;

  for (i = 0; i < set->n; i++)
    if (set->groups[i].key == key)
      return &set->groups[i];
  set->groups = xreallocarray (set->groups, set->n + 1, sizeof *set->groups);
  set->groups[set->n] = (struct filter_group){ .key = key };
  return &set->groups[set->n++];
}

static int
compile (const struct filter_syntax *syntax, struct filter_value *v, galley_error_t *err)
{
  regex_t re;
  int r = regcomp (&re, v->text, REG_EXTENDED | REG_NOSUB);

  if (r != 0)
    {
      char why[128];

      if (! syntax->strict_regex)
        return 0;
      regerror (r, &re, why, sizeof why);
      return galley_error_kind (err, EINVAL, "invalid regular expression \"%s\": %s", v->text, why);
    }
  v->re = xmalloc (sizeof *v->re);
  *v->re = re;
  return 0;
}

/* One item, "KEY=VALUE" (or "KEY!=VALUE"), into its key's group.  */
static int
add_item (const struct filter_syntax *syntax, struct filter_set *set, char *item, galley_error_t *err)
{
  char *eq = strchr (item, '=');
  const struct filter_key *key;
  struct filter_group *g;
  struct filter_value v = { 0 };
  size_t klen;

  if (eq == NULL)
    return syntax_error (err, syntax->malformed, item);
  klen = (size_t)(eq - item);
  /* podman's image filters: "!=" negates; elsewhere "label!" is a key of its own */
  if (syntax->negation && klen > 0 && item[klen - 1] == '!')
    {
      v.negated = true;
      klen--;
    }
  key = key_find (syntax, item, klen);
  if (key == NULL)
    {
      _cleanup_free_ char *name = xstrndup (item, klen);
      return syntax_error (err, syntax->unknown, name);
    }
  v.text = eq + 1;
  if (key->check != NULL && key->check (v.text, err) < 0)
    return -1;
  if (key->kind == FILTER_REGEX && compile (syntax, &v, err) < 0)
    return -1;
  g = group_for (set, key);
  g->values = xreallocarray (g->values, g->n + 1, sizeof *g->values);
  g->values[g->n++] = v;
  return 0;
}

int
filter_set_parse (const struct filter_syntax *syntax, char *const *items, struct filter_set **out,
                  galley_error_t *err)
{
  struct filter_set *set = xcalloc (1, sizeof *set);
  size_t n = 0, i;

  while (items != NULL && items[n] != NULL)
    n++;
  set->items = xcalloc (n + 1, sizeof *set->items);
  for (i = 0; i < n; i++)
    {
      set->items[i] = xstrdup (items[i]);
      if (add_item (syntax, set, set->items[i], err) < 0)
        {
          filter_set_free (set);
          return -1;
        }
    }
  *out = set;
  return 0;
}

void
filter_set_free (struct filter_set *set)
{
  size_t i, j;

  if (set == NULL)
    return;
  for (i = 0; i < set->n; i++)
    {
      for (j = 0; j < set->groups[i].n; j++)
        if (set->groups[i].values[j].re != NULL)
          {
            regfree (set->groups[i].values[j].re);
            free (set->groups[i].values[j].re);
          }
      free (set->groups[i].values);
    }
  free (set->groups);
  cleanup_strvp (&set->items);
  free (set);
}

const struct filter_group *
filter_set_group (const struct filter_set *set, const char *key)
{
  size_t i;

  for (i = 0; set != NULL && i < set->n; i++)
    if (strcmp (set->groups[i].key->name, key) == 0)
      return &set->groups[i];
  return NULL;
}

bool
filter_value_matches (const struct filter_group *g, const struct filter_value *v, const char *text)
{
  bool m;

  if (g->key->kind == FILTER_REGEX)
    m = v->re != NULL && text != NULL && regexec (v->re, text, 0, NULL, 0) == 0;
  else
    m = text != NULL && strcmp (v->text, text) == 0;
  return m != v->negated;
}

bool
filter_group_matches_any (const struct filter_group *g, const char *text)
{
  size_t i;

  for (i = 0; i < g->n; i++)
    if (filter_value_matches (g, &g->values[i], text))
      return true;
  return false;
}

/* containers/common's matchPattern: a key with a '*' is the glob "*KEY*",
 * where '*' also matches '/'.  */
static bool
label_key_matches (const char *want, size_t want_len, const char *key)
{
  _cleanup_free_ char *glob = NULL;

  if (strlen (key) == want_len && strncmp (key, want, want_len) == 0)
    return true;
  if (memchr (want, '*', want_len) == NULL)
    return false;
  glob = xasprintf ("*%.*s*", (int)want_len, want);
  return fnmatch (glob, key, 0) == 0;
}

static bool
label_matches (const char *key, const char *value, const char *want)
{
  const char *eq = strchr (want, '=');
  size_t klen = eq ? (size_t)(eq - want) : strlen (want);

  if (eq != NULL && eq[1] != '\0' && strcmp (value, eq + 1) != 0)
    return false;
  return label_key_matches (want, klen, key);
}

bool
filter_label_matches_json (json_object *labels, const char *want)
{
  if (labels == NULL || ! json_object_is_type (labels, json_type_object))
    return false;
  json_object_object_foreach (labels, key, value)
  {
    const char *v = json_object_get_string (value);
    if (label_matches (key, v ? v : "", want))
      return true;
  }
  return false;
}

bool
filter_label_matches_kv (char *const *labels, const char *want)
{
  size_t i;

  for (i = 0; labels != NULL && labels[i] != NULL; i++)
    {
      const char *eq = strchr (labels[i], '=');
      _cleanup_free_ char *key = xstrndup (labels[i], eq ? (size_t)(eq - labels[i]) : strlen (labels[i]));
      if (label_matches (key, eq ? eq + 1 : "", want))
        return true;
    }
  return false;
}

bool
filter_parse_bool (const char *text, bool *out)
{
  static const char *const yes[] = { "1", "t", "T", "TRUE", "true", "True" };
  static const char *const no[] = { "0", "f", "F", "FALSE", "false", "False" };
  size_t i;

  for (i = 0; i < sizeof yes / sizeof *yes; i++)
    if (strcmp (text, yes[i]) == 0)
      return *out = true, true;
  for (i = 0; i < sizeof no / sizeof *no; i++)
    if (strcmp (text, no[i]) == 0)
      return *out = false, true;
  return false;
}
