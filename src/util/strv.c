/* String vectors (see strv.h).  */
#include "config.h"
#include "util/strv.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

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

int
strv_append (char ***v, const char *s)
{
  size_t n = strv_len (*v);
  char **grown = realloc (*v, (n + 2) * sizeof *grown);
  char *copy;

  if (grown == NULL)
    return -1;
  *v = grown;
  if ((copy = strdup (s)) == NULL)
    return -1;
  grown[n] = copy;
  grown[n + 1] = NULL;
  return 0;
}

int
strv_append_unique (char ***v, const char *s)
{
  return strv_contains (*v, s) ? 0 : strv_append (v, s);
}
