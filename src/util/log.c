/* Warnings and debug output on stderr, filtered by --log-level.  */
#include "config.h"
#include "util/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static enum log_level current_level = LOG_LEVEL_WARN;
static struct timespec log_start;

int
log_level_parse (const char *name)
{
  static const struct
  {
    const char *name;
    enum log_level level;
  } levels[] = {
    { "trace", LOG_LEVEL_TRACE }, { "debug", LOG_LEVEL_DEBUG }, { "info", LOG_LEVEL_INFO },
    { "warn", LOG_LEVEL_WARN },   { "error", LOG_LEVEL_ERROR }, { "fatal", LOG_LEVEL_ERROR },
    { "panic", LOG_LEVEL_ERROR },
  };
  size_t i;

  for (i = 0; i < sizeof levels / sizeof levels[0]; i++)
    if (strcmp (name, levels[i].name) == 0)
      return (int)levels[i].level;
  return -1;
}

void
log_set_level (enum log_level level)
{
  current_level = level;
  clock_gettime (CLOCK_MONOTONIC, &log_start);
}

enum log_level
log_get_level (void)
{
  return current_level;
}

void
log_message (enum log_level level, const char *fmt, ...)
{
  static const char *const tags[] = { "ERRO", "WARN", "INFO", "DEBU", "TRAC" };
  struct timespec now;
  va_list ap;
  long secs;

  if (level > current_level)
    return;
  clock_gettime (CLOCK_MONOTONIC, &now);
  secs = (long)(now.tv_sec - log_start.tv_sec);
  fprintf (stderr, "%s[%04ld] ", tags[level], secs < 0 ? 0 : secs);
  va_start (ap, fmt);
  vfprintf (stderr, fmt, ap);
  va_end (ap);
  fputc ('\n', stderr);
}
