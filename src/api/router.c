/* Version prefixes and route matching (router.h).  */
#include "config.h"
#include "api/router.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/cleanup.h"

/* Enough for every pattern in the table; a longer path matches nothing.  */
#define MAX_SEGMENTS 32

int
api_route_version (const char *url, unsigned *minor, const char **rest, galley_error_t *err)
{
  const char *p = url, *end;
  unsigned long major = 0, min = 0;
  char *num_end;

  *minor = API_VERSION_MAX_MINOR;
  *rest = url;
  if (p[0] != '/' || p[1] != 'v' || p[2] < '0' || p[2] > '9')
    return 0;
  end = p + 2 + strspn (p + 2, "0123456789.");
  if (*end != '/' && *end != '\0')
    return 0; /* "/vfoo": not a version, an unknown path */
  errno = 0;
  major = strtoul (p + 2, &num_end, 10);
  if (errno == 0 && *num_end == '.' && num_end[1] >= '0' && num_end[1] <= '9')
    min = strtoul (num_end + 1, &num_end, 10);
  else
    num_end = (char *)p + 2; /* no minor: not a version we can read */
  if (errno != 0 || num_end != end)
    return galley_error_kind (err, EINVAL, "invalid API version \"%.*s\"", (int)(end - p - 2), p + 2);
  if (major > 1 || (major == 1 && min > API_VERSION_MAX_MINOR))
    return galley_error_kind (err, EINVAL,
                              "client version %.*s is too new. Maximum supported API version is %s",
                              (int)(end - p - 2), p + 2, API_VERSION);
  if (major < 1 || min < API_VERSION_MIN_MINOR)
    return galley_error_kind (err, EINVAL,
                              "client version %.*s is too old. Minimum supported API version is %s",
                              (int)(end - p - 2), p + 2, API_MIN_VERSION);
  *minor = (unsigned)min;
  *rest = *end == '\0' ? "/" : end;
  return 0;
}

/* Split a copy of text at '/' (after its leading one) into seg[].  Returns
 * the number of segments, or -1 if there are too many or text does not
 * start with '/'.  */
static int
split (char *text, char **seg)
{
  int n = 0;
  char *p = text;

  if (*p != '/')
    return -1;
  p++;
  for (;;)
    {
      char *slash = strchr (p, '/');
      if (n == MAX_SEGMENTS)
        return -1;
      seg[n++] = p;
      if (slash == NULL)
        break;
      *slash = '\0';
      p = slash + 1;
    }
  return n;
}

static bool
is_param (const char *pat, bool *greedy)
{
  size_t len = strlen (pat);

  if (len < 2 || pat[0] != '{' || pat[len - 1] != '}')
    return false;
  *greedy = len > 3 && pat[len - 2] == '*';
  return true;
}

/* Whether the path segments path[0..np) fit the pattern segments
 * pat[0..nq); the parameters go to param[] (joining a greedy one's
 * segments back with '/' in place).  */
static bool
fits (char **pat, int nq, char **path, int np, const char **param)
{
  int i, k = 0, greedy_at = -1;
  bool greedy;

  for (i = 0; i < nq; i++)
    if (is_param (pat[i], &greedy) && greedy)
      greedy_at = i;
  if (greedy_at < 0 ? np != nq : np < nq)
    return false;
  for (i = 0; i < nq; i++)
    {
      /* Segments after a greedy parameter match from the path's end.  */
      int at = (greedy_at >= 0 && i > greedy_at) ? np - (nq - i) : i;
      if (! is_param (pat[i], &greedy))
        {
          if (strcmp (pat[i], path[at]) != 0)
            return false;
          continue;
        }
      if (path[at][0] == '\0')
        return false;
      if (k < API_MAX_PARAMS)
        param[k++] = path[at];
      if (greedy)
        {
          int last = np - (nq - i), j;
          for (j = at + 1; j <= last; j++)
            {
              if (path[j][0] == '\0')
                return false;
              path[j][-1] = '/';
            }
        }
    }
  return true;
}

enum api_match_result
api_route_match (const struct api_route *routes, size_t n, const char *method, const char *path,
                 struct api_match *m)
{
  enum api_match_result result = API_MATCH_NOT_FOUND;
  size_t r;

  memset (m, 0, sizeof *m);
  for (r = 0; r < n; r++)
    {
      _cleanup_free_ char *pat_copy = strdup (routes[r].pattern);
      char *pat[MAX_SEGMENTS], *seg[MAX_SEGMENTS];
      const char *param[API_MAX_PARAMS] = { 0 };
      int nq, np;

      free (m->buf);
      m->buf = strdup (path);
      if (pat_copy == NULL || m->buf == NULL)
        return API_MATCH_NOT_FOUND;
      nq = split (pat_copy, pat);
      np = split (m->buf, seg);
      if (nq < 0 || np < 0 || ! fits (pat, nq, seg, np, param))
        continue;
      if (strcmp (routes[r].method, method) != 0)
        {
          result = API_MATCH_BAD_METHOD;
          continue;
        }
      m->route = &routes[r];
      memcpy (m->param, param, sizeof param);
      return API_MATCH_FOUND;
    }
  return result;
}

void
api_match_release (struct api_match *m)
{
  free (m->buf);
  m->buf = NULL;
  m->route = NULL;
}
