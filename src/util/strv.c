/* String vectors (see strv.h).  */
#include "config.h"
#include "util/strv.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "util/cleanup.h"
#include "util/xmalloc.h"

size_t
strv_len (char *const *v)
{
  size_t n = 0;

  while (v && v[n])
    n++;
  return n;
}

bool
strv_contains (char *const *v, const char *s)
{
  for (; v && *v; v++)
    if (strcmp (*v, s) == 0)
      return true;
  return false;
}

void
strv_free (char **v)
{
  cleanup_strvp (&v);
}

char **
strv_copy (char *const *v)
{
  size_t n = strv_len (v), i;
  char **c = xcalloc (n + 1, sizeof *c);

  for (i = 0; i < n; i++)
    c[i] = xstrdup (v[i]);
  return c;
}

int
strv_append (char ***v, const char *s)
{
  size_t n = strv_len (*v);
  char **grown = xreallocarray (*v, n + 2, sizeof *grown);

  grown[n] = xstrdup (s);
  grown[n + 1] = NULL;
  *v = grown;
  return 0;
}

int
strv_append_unique (char ***v, const char *s)
{
  return strv_contains (*v, s) ? 0 : strv_append (v, s);
}

char *
strv_join (char *const *v, const char *sep)
{
  size_t i, len = 1, seplen = strlen (sep);
  char *s, *p;

  for (i = 0; v && v[i]; i++)
    len += strlen (v[i]) + seplen;
  s = p = xmalloc (len);
  *p = '\0';
  for (i = 0; v && v[i]; i++)
    p = stpcpy (i > 0 ? stpcpy (p, sep) : p, v[i]);
  return s;
}

char **
strv_split (const char *s, char sep)
{
  size_t n = 1, i = 0;
  const char *p;
  char **v;

  for (p = s; *p; p++)
    n += *p == sep;
  v = xcalloc (n + 1, sizeof *v);
  for (p = s; *p;)
    {
      const char *end = strchrnul (p, sep);
      v[i++] = xstrndup (p, (size_t)(end - p));
      p = *end ? end + 1 : end;
    }
  return v;
}

/* The index of key in the map v, or -1.  */
static ssize_t
kv_find (char *const *v, const char *key)
{
  size_t i, len = strlen (key);

  for (i = 0; v && v[i]; i++)
    if (strncmp (v[i], key, len) == 0 && v[i][len] == '=')
      return (ssize_t)i;
  return -1;
}

const char *
strv_kv_get (char *const *v, const char *key)
{
  ssize_t i = kv_find (v, key);

  return i < 0 ? NULL : v[i] + strlen (key) + 1;
}

int
strv_kv_set (char ***v, const char *key, const char *value)
{
  ssize_t i = kv_find (*v, key);
  char *pair = xasprintf ("%s=%s", key, value);

  if (i < 0)
    {
      int ret = strv_append (v, pair);
      free (pair);
      return ret;
    }
  free ((*v)[i]);
  (*v)[i] = pair;
  return 0;
}
