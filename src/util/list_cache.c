/* The listing cache (see list_cache.h).
 *
 * File format: a header line, then the records sorted by key, each its
 * strings NUL-terminated and a newline:
 *
 *     galley-list-cache 3 N COUNT STAMP \n
 *     KEY \0 CTIME_SEC \0 CTIME_NSEC \0 FIELD1 \0 ... FIELDN \0 \n
 *
 * STAMP is the caller's stamp of the whole directory, - for none.  A
 * field is = and its text, or - alone for an absent (NULL) one.  No
 * escaping: the file is mapped read-only and its strings are used where
 * they lie, so reading a listing of thousands of records allocates and
 * touches little memory (a fresh page costs a fault, and faults are dear
 * in some virtual machines).  */
#include "config.h"
#include "util/list_cache.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/fs.h"
#include "util/time.h"
#include "util/xmalloc.h"

#define LIST_CACHE_MAGIC "galley-list-cache 3"

struct cache_record
{
  const char *key;
  struct timespec ctime;
  const char **fields; /* n_fields entries */
  bool used;           /* looked up and still valid: kept when writing */
  bool owned;          /* key and fields are malloc'ed (put), not in the mapped file */
};

struct list_cache
{
  int dirfd;
  char *name;
  size_t n_fields;
  const char *map; /* the file, mapped read-only */
  size_t map_len;
  struct cache_record *loaded;
  size_t n_loaded;
  struct cache_record *added;
  size_t n_added, cap_added;
  int64_t not_before; /* ns: directories changed since then are not cached */
  char *loaded_stamp; /* NULL when none */
  char *stamp;        /* to save with */
  bool dirty;
};

static int
compare_records (const void *a, const void *b)
{
  return strcmp (((const struct cache_record *)a)->key, ((const struct cache_record *)b)->key);
}

/* The NUL-terminated string at *p, which must end before end; *p moves
 * past it.  NULL when it does not.  */
static const char *
next_string (const char **p, const char *end)
{
  const char *s = *p, *nul = memchr (s, '\0', (size_t)(end - s));

  if (nul == NULL)
    return NULL;
  *p = nul + 1;
  return s;
}

static bool
parse_number (const char *s, long long *out)
{
  char *rest;

  errno = 0;
  *out = strtoll (s, &rest, 10);
  return errno == 0 && rest != s && *rest == '\0';
}

/* One record at *p; false when it is malformed.  */
static bool
parse_record (struct list_cache *c, const char **p, const char *end, struct cache_record *rec,
              const char **fields)
{
  const char *sec, *nsec;
  long long n;
  size_t i;

  rec->key = next_string (p, end);
  sec = next_string (p, end);
  nsec = sec ? next_string (p, end) : NULL;
  if (rec->key == NULL || rec->key[0] == '\0' || nsec == NULL || ! parse_number (sec, &n))
    return false;
  rec->ctime.tv_sec = (time_t)n;
  if (! parse_number (nsec, &n))
    return false;
  rec->ctime.tv_nsec = (long)n;
  for (i = 0; i < c->n_fields; i++)
    {
      const char *f = next_string (p, end);
      if (f == NULL || (f[0] != '=' && strcmp (f, "-") != 0))
        return false;
      fields[i] = f[0] == '=' ? f + 1 : NULL;
    }
  rec->fields = fields;
  if (*p == end || **p != '\n')
    return false;
  (*p)++;
  return true;
}

static void
parse_file (struct list_cache *c)
{
  const char *p = c->map, *end = c->map + c->map_len, *nl = memchr (p, '\n', c->map_len);
  _cleanup_free_ char *line = NULL;
  char prefix[64], *stamp, *rest;
  unsigned long long count;
  const char **fields;
  size_t i;

  /* "galley-list-cache 3 N COUNT STAMP" */
  snprintf (prefix, sizeof prefix, "%s %zu ", LIST_CACHE_MAGIC, c->n_fields);
  if (nl == NULL || strncmp ((line = xstrndup (p, (size_t)(nl - p))), prefix, strlen (prefix)) != 0)
    return;
  errno = 0;
  count = strtoull (line + strlen (prefix), &rest, 10);
  stamp = rest + 1;
  if (errno != 0 || *rest != ' ' || count == 0 || count > c->map_len || *stamp == '\0'
      || strchr (stamp, ' ') != NULL)
    return;
  p = nl + 1;
  /* plain calloc: a damaged file's count may ask for more than there is,
   * and that is no cache, not an abort */
  c->loaded = calloc (count, sizeof *c->loaded);
  fields = calloc (count * c->n_fields + 1, sizeof *fields);
  if (c->loaded == NULL || fields == NULL)
    {
      free (fields);
      free (c->loaded);
      c->loaded = NULL;
      return;
    }
  for (i = 0; i < count; i++)
    if (! parse_record (c, &p, end, &c->loaded[i], fields + i * c->n_fields))
      break;
  if (i < count || p != end)
    {
      /* a damaged cache is no cache: rebuild it all */
      free (fields);
      return;
    }
  c->n_loaded = count;
  if (strcmp (stamp, "-") != 0)
    c->loaded_stamp = xstrdup (stamp);
  /* written sorted, but a bsearch must not trust a file */
  for (i = 1; i < c->n_loaded; i++)
    if (compare_records (&c->loaded[i - 1], &c->loaded[i]) >= 0)
      {
        qsort (c->loaded, c->n_loaded, sizeof *c->loaded, compare_records);
        break;
      }
}

static void
map_file (struct list_cache *c, int dirfd, const char *name)
{
  /* O_NONBLOCK: a FIFO there must not hold the listing up */
  _cleanup_close_ int fd = openat (dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
  struct stat sb;
  void *map;

  if (fd < 0 || fstat (fd, &sb) < 0 || ! S_ISREG (sb.st_mode) || sb.st_size == 0
      || (uint64_t)sb.st_size > (256u << 20))
    return;
  /* the file is only ever replaced (rename), never rewritten in place */
  map = mmap (NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
  if (map == MAP_FAILED)
    return;
  c->map = map;
  c->map_len = (size_t)sb.st_size;
  parse_file (c);
}

struct list_cache *
list_cache_open (int dirfd, const char *name, size_t n_fields)
{
  struct list_cache *c = xcalloc (1, sizeof *c);
  struct timespec now;

  c->name = xstrdup (name);
  /* its own fd: the caller's may be gone by list_cache_close  */
  c->dirfd = dirfd >= 0 ? fcntl (dirfd, F_DUPFD_CLOEXEC, 3) : -1;
  c->n_fields = n_fields;
  /* the clock that stamps ctimes; a second of margin for clock steps */
  clock_gettime (CLOCK_REALTIME_COARSE, &now);
  c->not_before = ((int64_t)now.tv_sec - 1) * NSEC_PER_SEC + now.tv_nsec;
  map_file (c, dirfd, name);
  return c;
}

const char *const *
list_cache_get (struct list_cache *c, const char *key, const struct timespec *ctime)
{
  struct cache_record want = { .key = (char *)key }, *rec;

  if (c->n_loaded == 0)
    return NULL;
  rec = bsearch (&want, c->loaded, c->n_loaded, sizeof *c->loaded, compare_records);
  if (rec == NULL || rec->ctime.tv_sec != ctime->tv_sec || rec->ctime.tv_nsec != ctime->tv_nsec)
    return NULL;
  rec->used = true;
  return (const char *const *)rec->fields;
}

const char *
list_cache_stamp (const struct list_cache *c)
{
  return c->loaded_stamp;
}

void
list_cache_set_stamp (struct list_cache *c, const char *stamp)
{
  free (c->stamp);
  c->stamp = stamp ? xstrdup (stamp) : NULL;
}

size_t
list_cache_count (const struct list_cache *c)
{
  return c->n_loaded;
}

const char *const *
list_cache_record (struct list_cache *c, size_t i, const char **key)
{
  c->loaded[i].used = true;
  *key = c->loaded[i].key;
  return (const char *const *)c->loaded[i].fields;
}

static void
record_free (struct cache_record *r, size_t n_fields)
{
  size_t i;

  if (! r->owned)
    return;
  free ((char *)r->key);
  for (i = 0; r->fields && i < n_fields; i++)
    free ((char *)r->fields[i]);
  free (r->fields);
}

const char *const *
list_cache_put (struct list_cache *c, const char *key, const struct timespec *ctime,
                const char *const *fields, galley_error_t *err)
{
  struct cache_record *r;
  size_t i;

  if (c->n_added == c->cap_added)
    {
      c->cap_added = c->cap_added ? 2 * c->cap_added : 64;
      c->added = xreallocarray (c->added, c->cap_added, sizeof *c->added);
    }
  r = &c->added[c->n_added];
  memset (r, 0, sizeof *r);
  r->owned = true;
  /* Racily clean: a write later in the same clock tick would not change
   * the ctime; such a record is read again next time.  */
  r->used = (int64_t)ctime->tv_sec * NSEC_PER_SEC + ctime->tv_nsec < c->not_before;
  r->ctime = *ctime;
  r->key = xstrdup (key);
  r->fields = xcalloc (c->n_fields, sizeof *r->fields);
  for (i = 0; i < c->n_fields; i++)
    if (fields[i] != NULL)
      r->fields[i] = xstrdup (fields[i]);
  c->n_added++;
  c->dirty = true;
  return (const char *const *)r->fields;
}

static void
write_record (FILE *f, const struct cache_record *r, size_t n_fields)
{
  size_t i;

  fprintf (f, "%s%c%lld%c%ld%c", r->key, 0, (long long)r->ctime.tv_sec, 0, (long)r->ctime.tv_nsec, 0);
  for (i = 0; i < n_fields; i++)
    {
      if (r->fields[i] != NULL)
        {
          putc ('=', f);
          fputs (r->fields[i], f);
        }
      else
        putc ('-', f);
      putc ('\0', f);
    }
  putc ('\n', f);
}

static int
compare_record_ptrs (const void *a, const void *b)
{
  return compare_records (*(const struct cache_record *const *)a, *(const struct cache_record *const *)b);
}

/* Write every used record, sorted, to a temporary name and rename it
 * over the cache.  */
static void
save (struct list_cache *c)
{
  _cleanup_free_ char *buf = NULL, *tmp = NULL;
  _cleanup_free_ struct cache_record **all = NULL;
  _cleanup_close_ int fd = -1;
  _cleanup_error_ galley_error_t ignored = NULL;
  size_t len = 0, n = 0, i;
  bool complete = true;
  FILE *f;

  all = xcalloc (c->n_loaded + c->n_added + 1, sizeof *all);
  for (i = 0; i < c->n_loaded; i++)
    if (c->loaded[i].used)
      all[n++] = &c->loaded[i];
  for (i = 0; i < c->n_added; i++)
    if (c->added[i].used)
      all[n++] = &c->added[i];
    else
      complete = false;
  qsort (all, n, sizeof *all, compare_record_ptrs);
  f = xalloc_check (open_memstream (&buf, &len));
  /* a racily clean record left out: the file is not all of the directory */
  fprintf (f, "%s %zu %zu %s\n", LIST_CACHE_MAGIC, c->n_fields, n, complete && c->stamp ? c->stamp : "-");
  for (i = 0; i < n; i++)
    write_record (f, all[i], c->n_fields);
  if (fclose (f) != 0)
    return;
  fd = fs_create_temp (c->dirfd, c->name, 0, 0600, &tmp, &ignored);
  if (fd < 0)
    return;
  if (fs_write_all (fd, buf, len) < 0 || renameat (c->dirfd, tmp, c->dirfd, c->name) < 0)
    unlinkat (c->dirfd, tmp, 0);
}

void
list_cache_close (struct list_cache *c)
{
  size_t i;
  bool stale = false;

  for (i = 0; i < c->n_loaded; i++)
    stale = stale || ! c->loaded[i].used;
  if (c->stamp != NULL && (c->loaded_stamp == NULL || strcmp (c->stamp, c->loaded_stamp) != 0))
    stale = true;
  if (c->dirty || stale)
    save (c);
  for (i = 0; i < c->n_added; i++)
    record_free (&c->added[i], c->n_fields);
  free (c->added);
  if (c->n_loaded > 0)
    free (c->loaded[0].fields);
  free (c->loaded);
  if (c->map != NULL)
    munmap ((void *)c->map, c->map_len);
  free (c->loaded_stamp);
  free (c->stamp);
  free (c->name);
  if (c->dirfd >= 0)
    close (c->dirfd);
  free (c);
}
