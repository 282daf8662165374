/* Container filters (see container_filter.h).  */
#include "config.h"

#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "state/container_filter.h"
#include "util/cleanup.h"
#include "util/strv.h"
#include "util/xmalloc.h"

static bool
label_matches (char *const *labels, const char *want)
{
  const char *eq = strchr (want, '=');
  _cleanup_free_ char *key = eq ? xstrndup (want, (size_t)(eq - want)) : xstrdup (want);
  const char *v = strv_kv_get (labels, key);

  return v != NULL && (eq == NULL || strcmp (v, eq + 1) == 0);
}

static bool
name_matches (const char *name, const char *pattern)
{
  regex_t re;
  bool ok;

  if (regcomp (&re, pattern, REG_EXTENDED | REG_NOSUB) != 0)
    return strcmp (name, pattern) == 0;
  ok = regexec (&re, name, 0, NULL, 0) == 0;
  regfree (&re);
  return ok;
}

static int
filter_one (const struct container_filter_subject *s, const char *key, const char *value, bool *out,
            galley_error_t *err)
{
  if (strcmp (key, "status") == 0)
    {
      enum container_status st;
      if (container_status_parse (value, &st) < 0)
        return galley_error_make (err, 0, "%s is not a valid status", value);
      *out = s->state->status == st;
    }
  else if (strcmp (key, "name") == 0)
    *out = name_matches (s->name, value);
  else if (strcmp (key, "id") == 0)
    *out = strncmp (s->id, value, strlen (value)) == 0;
  else if (strcmp (key, "ancestor") == 0)
    *out = strcmp (s->image, value) == 0 || name_matches (s->image, value)
           || (s->image_id[0] != '\0' && strncmp (s->image_id, value, strlen (value)) == 0);
  else if (strcmp (key, "label") == 0)
    *out = label_matches (s->labels, value);
  else if (strcmp (key, "exited") == 0)
    *out = s->state->status == CONTAINER_STATUS_EXITED && s->state->exit_code == atoi (value);
  else
    return galley_error_make (err, 0, "invalid filter \"%s\"", key);
  return 0;
}

int
container_filters_match (char *const *filters, size_t n, const struct container_filter_subject *s,
                         bool *match, galley_error_t *err)
{
  size_t i, j;

  *match = true;
  for (i = 0; i < n; i++)
    {
      const char *f = filters[i], *eq = strchr (f, '=');
      size_t klen = eq ? (size_t)(eq - f) : 0;
      bool any = false, seen = false;

      if (eq == NULL)
        return galley_error_make (err, 0, "invalid filter \"%s\": expected KEY=VALUE", f);
      /* each key once, at its first occurrence */
      for (j = 0; j < i; j++)
        if (strncmp (filters[j], f, klen + 1) == 0)
          seen = true;
      if (seen)
        continue;
      for (j = i; j < n; j++)
        if (strncmp (filters[j], f, klen + 1) == 0)
          {
            _cleanup_free_ char *key = xstrndup (f, klen);
            bool m = false;
            if (filter_one (s, key, filters[j] + klen + 1, &m, err) < 0)
              return -1;
            any = any || m;
          }
      if (! any)
        {
          *match = false;
          return 0;
        }
    }
  return 0;
}

bool
container_filters_need_labels (char *const *filters, size_t n)
{
  size_t i;

  for (i = 0; i < n; i++)
    if (strncmp (filters[i], "label=", 6) == 0)
      return true;
  return false;
}
