/* The error convention: construction, wrapping, release.  */
#include "config.h"
#include "util/error.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/xmalloc.h"

static char *format_message (int errno_, const char *fmt, va_list ap) __attribute__ ((format (printf, 2, 0)));

static char *
format_message (int errno_, const char *fmt, va_list ap)
{
  char *msg = xvasprintf (fmt, ap), *full;

  if (errno_ == 0)
    return msg;
  full = xasprintf ("%s: %s", msg, strerror (errno_));
  free (msg);
  return full;
}

int
galley_error_makev (galley_error_t *err, int errno_, const char *fmt, va_list ap)
{
  struct galley_error_s *e;

  if (err == NULL)
    return -1;
  /* A second error over an unreported first one: keep the first, it is the cause.  */
  if (*err != NULL)
    return -1;
  e = xcalloc (1, sizeof *e);
  e->errno_ = errno_;
  e->exit_code = GALLEY_EXIT_FAILURE;
  e->msg = format_message (errno_, fmt, ap);
  *err = e;
  return -1;
}

int
galley_error_make (galley_error_t *err, int errno_, const char *fmt, ...)
{
  va_list ap;

  va_start (ap, fmt);
  galley_error_makev (err, errno_, fmt, ap);
  va_end (ap);
  return -1;
}

int
galley_error_make_exit (galley_error_t *err, int exit_code, int errno_, const char *fmt, ...)
{
  va_list ap;
  int had = err != NULL && *err != NULL;

  va_start (ap, fmt);
  galley_error_makev (err, errno_, fmt, ap);
  va_end (ap);
  if (! had && err != NULL && *err != NULL)
    (*err)->exit_code = exit_code;
  return -1;
}

int
galley_error_kind (galley_error_t *err, int errno_, const char *fmt, ...)
{
  va_list ap;
  int had = err != NULL && *err != NULL;

  va_start (ap, fmt);
  galley_error_makev (err, 0, fmt, ap);
  va_end (ap);
  if (! had && err != NULL && *err != NULL)
    (*err)->errno_ = errno_;
  return -1;
}

int
galley_error_wrap (galley_error_t *err, const char *fmt, ...)
{
  va_list ap;
  char *ctx, *full;

  if (err == NULL || *err == NULL)
    return -1;
  va_start (ap, fmt);
  ctx = xvasprintf (fmt, ap);
  va_end (ap);
  full = xasprintf ("%s: %s", ctx, (*err)->msg);
  free (ctx);
  free ((*err)->msg);
  (*err)->msg = full;
  return -1;
}

int
galley_error_errno (const galley_error_t *err)
{
  return (err != NULL && *err != NULL) ? (*err)->errno_ : 0;
}

void
galley_error_release (galley_error_t *err)
{
  if (err == NULL || *err == NULL)
    return;
  free ((*err)->msg);
  free (*err);
  *err = NULL;
}
