/* galley's one out-of-memory policy, as crun's: allocation does not fail.
 *
 * Each function here returns what its libc counterpart does, or, when that
 * is out of memory, writes "galley: out of memory" to stderr and aborts.
 * Nothing in galley can do better than that (an error message needs
 * memory too, and galley_error_makev aborts the same way), so callers never
 * check: `char *p = xstrdup (s);` is the whole of it.  A library allocator
 * that returns NULL only when out of memory (json-c's json_object_new_*)
 * goes through xalloc_check where its result is used.  */
#ifndef GALLEY_UTIL_XMALLOC_H
#define GALLEY_UTIL_XMALLOC_H

#include <stdarg.h>
#include <stddef.h>

/* Report that memory ran out and abort.  */
void xalloc_die (void) __attribute__ ((noreturn));

void *xmalloc (size_t size) __attribute__ ((malloc, returns_nonnull, alloc_size (1)));
void *xcalloc (size_t n, size_t size) __attribute__ ((malloc, returns_nonnull, alloc_size (1, 2)));
void *xrealloc (void *p, size_t size) __attribute__ ((returns_nonnull, alloc_size (2)));
/* xrealloc of n elements of size bytes, aborting when n * size overflows.  */
void *xreallocarray (void *p, size_t n, size_t size) __attribute__ ((returns_nonnull, alloc_size (2, 3)));
char *xstrdup (const char *s) __attribute__ ((malloc, returns_nonnull));
char *xstrndup (const char *s, size_t n) __attribute__ ((malloc, returns_nonnull));

/* The formatted string, malloc'ed.  */
char *xasprintf (const char *fmt, ...) __attribute__ ((format (printf, 1, 2), malloc, returns_nonnull));
char *xvasprintf (const char *fmt, va_list ap)
    __attribute__ ((format (printf, 1, 0), malloc, returns_nonnull));

/* p, or xalloc_die when it is NULL.  */
static inline void *
xalloc_check (void *p)
{
  if (p == NULL)
    xalloc_die ();
  return p;
}

#endif
