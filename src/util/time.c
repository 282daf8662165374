/* Time as galley records and parses it (see time.h).  */
#include "config.h"
#include "util/time.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int64_t
time_now_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_REALTIME, &ts);
  return (int64_t)ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
}

int64_t
time_monotonic_ms (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void
time_format_rfc3339 (int64_t ns, char *buf, size_t len)
{
  time_t secs = (time_t)(ns / NSEC_PER_SEC);
  struct tm tm;
  char date[32];

  gmtime_r (&secs, &tm);
  strftime (date, sizeof date, "%Y-%m-%dT%H:%M:%S", &tm);
  snprintf (buf, len, "%s.%09ldZ", date, (long)(ns % NSEC_PER_SEC));
}

void
time_format_go (int64_t ns, char *buf, size_t len)
{
  time_t secs = (time_t)(ns / NSEC_PER_SEC);
  char date[32], zone[32], frac[16] = "";
  struct tm tm;
  int i;

  localtime_r (&secs, &tm);
  strftime (date, sizeof date, "%Y-%m-%d %H:%M:%S", &tm);
  strftime (zone, sizeof zone, "%z %Z", &tm);
  if (ns % NSEC_PER_SEC != 0)
    {
      snprintf (frac, sizeof frac, ".%09ld", (long)(ns % NSEC_PER_SEC));
      for (i = (int)strlen (frac) - 1; frac[i] == '0'; i--)
        frac[i] = '\0';
    }
  snprintf (buf, len, "%s%s %s", date, frac, zone);
}

int64_t
time_parse_rfc3339 (const char *text)
{
  struct tm tm = { 0 };
  const char *p;
  int64_t frac = 0, scale = 100000000, offset = 0;
  time_t secs;

  if (text == NULL || (p = strptime (text, "%Y-%m-%dT%H:%M:%S", &tm)) == NULL)
    return -1;
  if (*p == '.')
    for (p++; *p >= '0' && *p <= '9'; p++, scale /= 10)
      frac += (*p - '0') * scale;
  if (*p == '+' || *p == '-')
    {
      int h = 0, m = 0;
      if (sscanf (p + 1, "%2d:%2d", &h, &m) != 2)
        return -1;
      offset = (h * 3600 + m * 60) * (*p == '-' ? -1 : 1);
    }
  else if (*p != 'Z')
    return -1;
  secs = timegm (&tm);
  return ((int64_t)secs - offset) * NSEC_PER_SEC + frac;
}

int
time_parse_when (const char *text, int64_t *out, galley_error_t *err)
{
  int64_t t = time_parse_rfc3339 (text), total = 0;
  const char *p = text;

  if (t >= 0)
    {
      *out = t;
      return 0;
    }
  {
    char *end = NULL;
    double secs = strtod (text, &end);
    if (end != text && *end == '\0')
      {
        *out = (int64_t)(secs * NSEC_PER_SEC);
        return 0;
      }
  }
  while (*p)
    {
      char *end = NULL;
      double v = strtod (p, &end);
      int64_t unit;
      if (end == p)
        return galley_error_make (err, 0, "invalid time \"%s\"", text);
      if (strncmp (end, "ms", 2) == 0)
        unit = 1000000, end += 2;
      else if (*end == 'h')
        unit = 3600 * NSEC_PER_SEC, end++;
      else if (*end == 'm')
        unit = 60 * NSEC_PER_SEC, end++;
      else if (*end == 's')
        unit = NSEC_PER_SEC, end++;
      else
        return galley_error_make (err, 0, "invalid time \"%s\"", text);
      total += (int64_t)(v * (double)unit);
      p = end;
    }
  *out = time_now_ns () - total;
  return 0;
}
