/* Computing the uid/gid maps of the calling user: subordinate ranges from
 * libsubid or /etc/subuid and /etc/subgid, the single-id fallback, keep-id.  */
#include "config.h"
#include "ns/idmap.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifdef HAVE_LIBSUBID
#include <shadow/subid.h>
#endif

#include "util/cleanup.h"
#include "util/fs.h"

const char *
idmap_source_name (enum idmap_source s)
{
  switch (s)
    {
    case IDMAP_SOURCE_ROOT:
      return "root";
    case IDMAP_SOURCE_SUBID_FILE:
      return "/etc/subuid";
    case IDMAP_SOURCE_LIBSUBID:
      return "libsubid";
    case IDMAP_SOURCE_SINGLE:
      return "single-id";
    }
  return "unknown";
}

int
idmap_append_range (struct idmap_range *ranges, size_t max, size_t *n, uint32_t host_id, uint32_t size)
{
  uint64_t first = 1;

  if (*n > 0)
    first = (uint64_t)ranges[*n - 1].container_id + ranges[*n - 1].size;
  if (*n >= max || size == 0 || first + size - 1 > UINT32_MAX - 1
      || (uint64_t)host_id + size - 1 > UINT32_MAX - 1)
    return -1;
  ranges[*n].container_id = (uint32_t)first;
  ranges[*n].host_id = host_id;
  ranges[*n].size = size;
  (*n)++;
  return 0;
}

static bool
parse_u32 (const char *s, size_t len, uint32_t *out)
{
  uint64_t v = 0;
  size_t i;

  if (len == 0 || len > 10)
    return false;
  for (i = 0; i < len; i++)
    {
      if (s[i] < '0' || s[i] > '9')
        return false;
      v = v * 10 + (uint64_t)(s[i] - '0');
    }
  if (v > UINT32_MAX)
    return false;
  *out = (uint32_t)v;
  return true;
}

/* Does the owner field name this user, by name or by decimal uid?  */
static bool
owner_matches (const char *owner, size_t len, const char *user, uid_t uid)
{
  uint32_t v;

  if (user != NULL && strlen (user) == len && memcmp (owner, user, len) == 0)
    return true;
  return parse_u32 (owner, len, &v) && v == uid;
}

void
idmap_parse_subid (const char *text, const char *user, uid_t uid, struct idmap_range *ranges, size_t max,
                   size_t *n)
{
  const char *line = text;

  while (line != NULL && *line != '\0')
    {
      const char *end = strchr (line, '\n');
      size_t len = end ? (size_t)(end - line) : strlen (line);
      const char *c1 = memchr (line, ':', len);
      const char *c2 = c1 ? memchr (c1 + 1, ':', len - (size_t)(c1 + 1 - line)) : NULL;
      uint32_t start, count;

      /* Tolerate CRLF files.  */
      if (len > 0 && line[len - 1] == '\r')
        len--;
      if (len > 0 && line[0] != '#' && c1 != NULL && c2 != NULL && c2 < line + len
          && owner_matches (line, (size_t)(c1 - line), user, uid)
          && parse_u32 (c1 + 1, (size_t)(c2 - c1 - 1), &start)
          && parse_u32 (c2 + 1, (size_t)(line + len - c2 - 1), &count) && count > 0)
        (void)idmap_append_range (ranges, max, n, start, count);
      line = end ? end + 1 : NULL;
    }
}

static int
read_subid_file (const char *path, const char *user, uid_t uid, struct idmap_range *ranges, size_t *n,
                 galley_error_t *err)
{
  _cleanup_free_ char *text = NULL;
  galley_error_t local = NULL;

  if (fs_read_file (AT_FDCWD, path, 16 << 20, &text, NULL, &local) < 0)
    {
      int e = galley_error_errno (&local);
      galley_error_release (&local);
      if (e == ENOENT)
        return 0;
      return galley_error_make (err, e, "reading %s", path);
    }
  idmap_parse_subid (text, user, uid, ranges, IDMAP_MAX_RANGES, n);
  return 0;
}

#ifdef HAVE_LIBSUBID
/* libsubid answers for the user name (its files backend also matches the
 * uid).  A negative answer from it is final: the administrator chose the
 * subid source in nsswitch.conf.  */
static int
read_libsubid (const char *user, bool uids, struct idmap_range *ranges, size_t *n, galley_error_t *err)
{
  struct subid_range *got = NULL;
  static bool initialised;
  int i, count;

  /* Without a log stream libsubid opens /dev/null (an fd we would leak).  */
  if (! initialised)
    initialised = subid_init ("galley", stderr);
  count = uids ? subid_get_uid_ranges (user, &got) : subid_get_gid_ranges (user, &got);
  if (count < 0)
    return galley_error_make (err, 0, "libsubid: looking up the subordinate %s of %s failed",
                              uids ? "uids" : "gids", user);
  for (i = 0; i < count; i++)
    if (got[i].count > 0 && got[i].start <= UINT32_MAX && got[i].count <= UINT32_MAX)
      (void)idmap_append_range (ranges, IDMAP_MAX_RANGES, n, (uint32_t)got[i].start, (uint32_t)got[i].count);
  free (got);
  return 0;
}
#endif

#ifdef HAVE_LIBSUBID
/* libsubid is worth loading (with its pam/audit/selinux dependencies) only
 * when nsswitch.conf names a subid source (sss, ldap, ...): without a
 * "subid:" line it reads the same /etc/subuid and /etc/subgid we parse.  */
static bool
nsswitch_names_subid (void)
{
  _cleanup_free_ char *text = NULL;
  galley_error_t ignore = NULL;
  const char *line;

  if (fs_read_file (AT_FDCWD, "/etc/nsswitch.conf", 1 << 20, &text, NULL, &ignore) < 0)
    {
      galley_error_release (&ignore);
      return false;
    }
  for (line = text; line != NULL && *line; line = strchr (line, '\n') ? strchr (line, '\n') + 1 : NULL)
    {
      while (*line == ' ' || *line == '\t')
        line++;
      if (strncmp (line, "subid:", 6) == 0)
        return true;
    }
  return false;
}
#endif

static void
set_single (struct idmap *out, uid_t uid, gid_t gid)
{
  out->n_uid = out->n_gid = 1;
  out->uid[0] = (struct idmap_range){ 0, uid, 1 };
  out->gid[0] = (struct idmap_range){ 0, gid, 1 };
}

int
idmap_for_current_user (struct idmap *out, galley_error_t *err)
{
  uid_t uid = getuid ();
  gid_t gid = getgid ();
  _cleanup_free_ char *user = NULL;
  struct passwd *pw;

  memset (out, 0, sizeof *out);
  if (uid == 0)
    {
      out->source = IDMAP_SOURCE_ROOT;
      out->n_uid = out->n_gid = 1;
      out->uid[0] = (struct idmap_range){ 0, 0, UINT32_MAX };
      out->gid[0] = (struct idmap_range){ 0, 0, UINT32_MAX };
      return 0;
    }
  set_single (out, uid, gid);
  pw = getpwuid (uid);
  if (pw != NULL)
    user = strdup (pw->pw_name);
#ifdef HAVE_LIBSUBID
  if (user != NULL && nsswitch_names_subid ())
    {
      out->source = IDMAP_SOURCE_LIBSUBID;
      if (read_libsubid (user, true, out->uid, &out->n_uid, err) < 0
          || read_libsubid (user, false, out->gid, &out->n_gid, err) < 0)
        return -1;
    }
  else
#endif
    {
      out->source = IDMAP_SOURCE_SUBID_FILE;
      if (read_subid_file ("/etc/subuid", user, uid, out->uid, &out->n_uid, err) < 0
          || read_subid_file ("/etc/subgid", user, uid, out->gid, &out->n_gid, err) < 0)
        return -1;
    }
  if (out->n_uid < 2 || out->n_gid < 2)
    {
      set_single (out, uid, gid);
      out->source = IDMAP_SOURCE_SINGLE;
    }
  return 0;
}

int64_t
idmap_to_host (const struct idmap_range *ranges, size_t n, uint32_t id)
{
  size_t i;

  for (i = 0; i < n; i++)
    if (id >= ranges[i].container_id && (uint64_t)id - ranges[i].container_id < ranges[i].size)
      return (int64_t)ranges[i].host_id + (id - ranges[i].container_id);
  return -1;
}

int64_t
idmap_to_container (const struct idmap_range *ranges, size_t n, uint32_t id)
{
  size_t i;

  for (i = 0; i < n; i++)
    if (id >= ranges[i].host_id && (uint64_t)id - ranges[i].host_id < ranges[i].size)
      return (int64_t)ranges[i].container_id + (id - ranges[i].host_id);
  return -1;
}

/* Lay out base's subordinate ranges (those after container 0) around the
 * user at container id `keep`.  */
static int
keep_id_ranges (const struct idmap_range *base, size_t n_base, uint32_t keep, struct idmap_range *out,
                size_t *n_out)
{
  uint32_t next = 0; /* next container id to assign */
  bool user_placed = false;
  size_t i, n = 0;

  for (i = 1; i < n_base; i++)
    {
      uint32_t host = base[i].host_id, left = base[i].size;
      while (left > 0)
        {
          uint32_t chunk = left;
          if (! user_placed && next == keep)
            {
              if (n >= IDMAP_MAX_RANGES)
                return -1;
              out[n++] = (struct idmap_range){ keep, base[0].host_id, 1 };
              user_placed = true;
              if (keep == UINT32_MAX - 1)
                break;
              next = keep + 1;
            }
          if (! user_placed && (uint64_t)next + chunk > keep)
            chunk = keep - next;
          if ((uint64_t)next + chunk > UINT32_MAX - 1)
            chunk = UINT32_MAX - 1 - next;
          if (chunk == 0 || n >= IDMAP_MAX_RANGES)
            break;
          out[n++] = (struct idmap_range){ next, host, chunk };
          next += chunk;
          host += chunk;
          left -= chunk;
        }
    }
  if (! user_placed)
    {
      if (n >= IDMAP_MAX_RANGES)
        return -1;
      out[n++] = (struct idmap_range){ keep, base[0].host_id, 1 };
    }
  *n_out = n;
  return 0;
}

int
idmap_keep_id (const struct idmap *base, uint32_t uid, uint32_t gid, struct idmap *out, galley_error_t *err)
{
  if (base->source == IDMAP_SOURCE_ROOT)
    return galley_error_make (err, 0, "keep-id is only supported in rootless mode");
  if (uid == UINT32_MAX || gid == UINT32_MAX)
    return galley_error_make (err, 0, "keep-id: invalid uid or gid");
  memset (out, 0, sizeof *out);
  out->source = base->source;
  if (keep_id_ranges (base->uid, base->n_uid, uid, out->uid, &out->n_uid) < 0
      || keep_id_ranges (base->gid, base->n_gid, gid, out->gid, &out->n_gid) < 0)
    return galley_error_make (err, 0, "keep-id: too many id ranges");
  return 0;
}

int
idmap_compose (const struct idmap_range *store, size_t n_store, const struct idmap_range *ns, size_t n_ns,
               struct idmap_range *out, size_t max)
{
  size_t i, j, n = 0;

  for (i = 0; i < n_store; i++)
    for (j = 0; j < n_ns; j++)
      {
        uint64_t lo = store[i].host_id > ns[j].host_id ? store[i].host_id : ns[j].host_id;
        uint64_t s_end = (uint64_t)store[i].host_id + store[i].size,
                 n_end = (uint64_t)ns[j].host_id + ns[j].size;
        uint64_t hi = s_end < n_end ? s_end : n_end;
        struct idmap_range r;

        if (lo >= hi)
          continue;
        r.container_id = (uint32_t)(store[i].container_id + (lo - store[i].host_id));
        r.host_id = (uint32_t)(ns[j].container_id + (lo - ns[j].host_id));
        r.size = (uint32_t)(hi - lo);
        if (n > 0 && (uint64_t)out[n - 1].container_id + out[n - 1].size == r.container_id
            && (uint64_t)out[n - 1].host_id + out[n - 1].size == r.host_id)
          {
            out[n - 1].size += r.size;
            continue;
          }
        if (n == max)
          return -1;
        out[n++] = r;
      }
  return (int)n;
}

static bool
is_identity (const struct idmap_range *r, size_t n)
{
  size_t i;

  for (i = 0; i < n; i++)
    if (r[i].container_id != r[i].host_id)
      return false;
  return true;
}

int
idmap_view_of (const struct idmap *store, const struct idmap *ns, struct idmap_view *out)
{
  int nu = idmap_compose (store->uid, store->n_uid, ns->uid, ns->n_uid, out->uid, IDMAP_VIEW_MAX_RANGES);
  int ng = idmap_compose (store->gid, store->n_gid, ns->gid, ns->n_gid, out->gid, IDMAP_VIEW_MAX_RANGES);

  /* Cannot happen for maps of at most IDMAP_MAX_RANGES ranges each.  */
  if (nu < 0 || ng < 0)
    abort ();
  out->n_uid = (size_t)nu;
  out->n_gid = (size_t)ng;
  return is_identity (out->uid, out->n_uid) && is_identity (out->gid, out->n_gid) ? 0 : 1;
}

char *
idmap_format (const struct idmap_range *ranges, size_t n)
{
  char *buf = NULL;
  size_t len = 0, i;
  FILE *f = open_memstream (&buf, &len);

  if (f == NULL)
    abort ();
  for (i = 0; i < n; i++)
    fprintf (f, "%" PRIu32 " %" PRIu32 " %" PRIu32 "\n", ranges[i].container_id, ranges[i].host_id,
             ranges[i].size);
  if (fclose (f) != 0)
    abort ();
  return buf;
}
