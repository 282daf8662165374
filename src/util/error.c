/* The error convention: construction, wrapping, release.  */
#include "config.h"
#include "util/error.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *format_message (int errno_, const char *fmt, va_list ap) __attribute__ ((format (printf, 2, 0)));

static char *
format_message (int errno_, const char *fmt, va_list ap)
{
  char *msg = NULL, *full = NULL;

  if (vasprintf (&msg, fmt, ap) < 0)
    return NULL;
  if (errno_ == 0)
    return msg;
  if (asprintf (&full, "%s: %s", msg, strerror (errno_)) < 0)
    full = NULL;
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
  e = calloc (1, sizeof *e);
  if (e == NULL)
    abort ();
  e->errno_ = errno_;
  e->exit_code = GALLEY_EXIT_FAILURE;
  e->msg = format_message (errno_, fmt, ap);
  if (e->msg == NULL)
    abort ();
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
  char *ctx = NULL, *full = NULL;

  if (err == NULL || *err == NULL)
    return -1;
  va_start (ap, fmt);
  if (vasprintf (&ctx, fmt, ap) < 0)
    abort ();
  va_end (ap);
  if (asprintf (&full, "%s: %s", ctx, (*err)->msg) < 0)
    abort ();
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
