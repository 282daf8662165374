/* Allocation that aborts when memory runs out (see xmalloc.h).  */
#include "config.h"
#include "util/xmalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void
xalloc_die (void)
{
  static const char msg[] = "galley: out of memory\n";
  ssize_t n __attribute__ ((unused));

  /* write(2), not stdio: printing may need the memory that ran out.  */
  n = write (STDERR_FILENO, msg, sizeof msg - 1);
  abort ();
}

/* malloc (0) may return NULL without running out of anything: ask for a
 * byte so that NULL always means out of memory.  */
void *
xmalloc (size_t size)
{
  return xalloc_check (malloc (size ? size : 1));
}

void *
xcalloc (size_t n, size_t size)
{
  return xalloc_check (calloc (n ? n : 1, size ? size : 1));
}

void *
xrealloc (void *p, size_t size)
{
  return xalloc_check (realloc (p, size ? size : 1));
}

void *
xreallocarray (void *p, size_t n, size_t size)
{
  return xalloc_check (reallocarray (p, n ? n : 1, size ? size : 1));
}

char *
xstrdup (const char *s)
{
  return xalloc_check (strdup (s));
}

char *
xstrndup (const char *s, size_t n)
{
  return xalloc_check (strndup (s, n));
}

char *
xvasprintf (const char *fmt, va_list ap)
{
  char *s = NULL;

  if (vasprintf (&s, fmt, ap) < 0)
    xalloc_die ();
  return s;
}

char *
xasprintf (const char *fmt, ...)
{
  va_list ap;
  char *s;

  va_start (ap, fmt);
  s = xvasprintf (fmt, ap);
  va_end (ap);
  return s;
}
