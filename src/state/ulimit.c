/* --ulimit: docker's names and syntax (go-units ParseUlimit), -1 for
 * unlimited, and setrlimit with a clear error where an unprivileged user
 * hits the host's hard limit.  */
#include "config.h"
#include "state/ulimit.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/cleanup.h"

static const struct
{
  const char *name;
  int resource;
} ulimit_names[] = {
  { "core", RLIMIT_CORE },         { "cpu", RLIMIT_CPU },
  { "data", RLIMIT_DATA },         { "fsize", RLIMIT_FSIZE },
  { "locks", RLIMIT_LOCKS },       { "memlock", RLIMIT_MEMLOCK },
  { "msgqueue", RLIMIT_MSGQUEUE }, { "nice", RLIMIT_NICE },
  { "nofile", RLIMIT_NOFILE },     { "nproc", RLIMIT_NPROC },
  { "rss", RLIMIT_RSS },           { "rtprio", RLIMIT_RTPRIO },
  { "rttime", RLIMIT_RTTIME },     { "sigpending", RLIMIT_SIGPENDING },
  { "stack", RLIMIT_STACK },
};

const char *
ulimit_name (int resource)
{
  size_t i;

  for (i = 0; i < sizeof ulimit_names / sizeof ulimit_names[0]; i++)
    if (ulimit_names[i].resource == resource)
      return ulimit_names[i].name;
  return NULL;
}

/* A limit value: a non-negative decimal, or -1 for unlimited.  */
static int
parse_value (const char *s, size_t len, rlim_t *out)
{
  char buf[32], *end;
  long long v;

  if (len == 0 || len >= sizeof buf)
    return -1;
  memcpy (buf, s, len);
  buf[len] = '\0';
  errno = 0;
  v = strtoll (buf, &end, 10);
  if (errno != 0 || *end != '\0' || v < -1 || (buf[0] != '-' && (buf[0] < '0' || buf[0] > '9')))
    return -1;
  *out = v == -1 ? RLIM_INFINITY : (rlim_t)v;
  return 0;
}

static void
format_value (char *buf, size_t size, rlim_t v)
{
  if (v == RLIM_INFINITY)
    snprintf (buf, size, "unlimited");
  else
    snprintf (buf, size, "%" PRIu64, (uint64_t)v);
}

int
ulimit_parse (const char *spec, struct ulimit *out, galley_error_t *err)
{
  const char *eq = strchr (spec, '='), *colon;
  size_t i, name_len;

  if (eq == NULL)
    return galley_error_make (err, 0, "invalid ulimit argument: %s", spec);
  name_len = (size_t)(eq - spec);
  out->resource = -1;
  for (i = 0; i < sizeof ulimit_names / sizeof ulimit_names[0]; i++)
    if (strlen (ulimit_names[i].name) == name_len && strncmp (ulimit_names[i].name, spec, name_len) == 0)
      out->resource = ulimit_names[i].resource;
  if (out->resource < 0)
    return galley_error_make (err, 0, "invalid ulimit type: %.*s", (int)name_len, spec);
  colon = strchr (eq + 1, ':');
  if (parse_value (eq + 1, colon != NULL ? (size_t)(colon - eq - 1) : strlen (eq + 1), &out->soft) < 0
      || (colon != NULL && parse_value (colon + 1, strlen (colon + 1), &out->hard) < 0))
    return galley_error_make (err, 0, "invalid ulimit argument: %s", spec);
  if (colon == NULL)
    out->hard = out->soft;
  /* RLIM_INFINITY is the largest value, so "-1:1024" is refused too.  */
  if (out->soft > out->hard)
    {
      char soft[32], hard[32];

      format_value (soft, sizeof soft, out->soft);
      format_value (hard, sizeof hard, out->hard);
      return galley_error_make (err, 0, "ulimit soft limit must be less than or equal to hard limit: %s > %s",
                                soft, hard);
    }
  return 0;
}

/* podman's define.RLimitDefaultValue */
#define ULIMIT_PODMAN_DEFAULT ((rlim_t)1048576)

static bool
has_limit (const struct ulimit *limits, size_t n, int resource)
{
  size_t i;

  for (i = 0; i < n; i++)
    if (limits[i].resource == resource)
      return true;
  return false;
}

size_t
ulimit_add_defaults (struct ulimit *limits, size_t n, int rootless)
{
  static const int resources[] = { RLIMIT_NOFILE, RLIMIT_NPROC };
  size_t i;

  for (i = 0; i < sizeof resources / sizeof resources[0]; i++)
    {
      struct ulimit u = { resources[i], ULIMIT_PODMAN_DEFAULT, ULIMIT_PODMAN_DEFAULT };
      struct rlimit cur;

      if (has_limit (limits, n, resources[i]))
        continue;
      if (rootless && getrlimit (resources[i], &cur) == 0)
        {
          if (cur.rlim_max < u.hard)
            u.hard = cur.rlim_max;
          /* podman raises its own nofile soft limit to the hard one first */
          if (resources[i] == RLIMIT_NOFILE)
            u.soft = u.hard;
          else if (cur.rlim_cur < u.soft)
            u.soft = cur.rlim_cur;
        }
      limits[n++] = u;
    }
  return n;
}

int
ulimit_apply (const struct ulimit *limits, size_t n, galley_error_t *err)
{
  size_t i;

  for (i = 0; i < n; i++)
    {
      struct rlimit want = { limits[i].soft, limits[i].hard }, have;
      char a[32], b[32];

      if (getrlimit (limits[i].resource, &have) < 0)
        return galley_error_make (err, errno, "getrlimit %s", ulimit_name (limits[i].resource));
      if (setrlimit (limits[i].resource, &want) == 0)
        continue;
      if (errno == EPERM && want.rlim_max > have.rlim_max)
        {
          format_value (a, sizeof a, want.rlim_max);
          format_value (b, sizeof b, have.rlim_max);
          return galley_error_make (err, 0,
                                    "ulimit %s: cannot raise the hard limit to %s above the current %s "
                                    "(an unprivileged user cannot raise a hard limit)",
                                    ulimit_name (limits[i].resource), a, b);
        }
      return galley_error_make (err, errno, "setting ulimit %s", ulimit_name (limits[i].resource));
    }
  return 0;
}
