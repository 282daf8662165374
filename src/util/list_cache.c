/* The listing cache (see list_cache.h).
 *
 * File format, one record a line, sorted by key:
 *
 *     galley-list-cache 1 N
 *     KEY \t CTIME_SEC \t CTIME_NSEC \t FIELD1 ... \t FIELDN
 *
 * Fields escape backslash, tab and newline as \\, \t and \n; a lone \-
 * is an absent (NULL) field.  */
#include "config.h"
#include "util/list_cache.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/fs.h"

#define LIST_CACHE_MAGIC "galley-list-cache 1"

struct cache_record
{
  char *key;
  struct timespec ctime;
  char **fields; /* n_fields entries */
  bool used;     /* looked up and still valid: kept when writing */
  bool owned;    /* key and fields are malloc'ed (put), not in the file buffer */
};

struct list_cache
{
  int dirfd;
  char *name;
  size_t n_fields;
  char *text; /* the file, split and unescaped in place */
  struct cache_record *loaded;
  size_t n_loaded;
  struct cache_record *added;
  size_t n_added, cap_added;
  int64_t not_before; /* ns: directories changed since then are not cached */
  bool dirty;
};

/* Unescape field in place; NULL for the absent marker.  */
static char *
unescape (char *s)
{
  char *r = s, *w = s;

  if (strcmp (s, "\\-") == 0)
    return NULL;
  while (*r)
    {
      if (*r == '\\' && r[1] != '\0')
        {
          r++;
          *w++ = *r == 't' ? '\t' : *r == 'n' ? '\n' : *r;
          r++;
        }
      else
        *w++ = *r++;
    }
  *w = '\0';
  return s;
}

static int
compare_records (const void *a, const void *b)
{
  return strcmp (((const struct cache_record *)a)->key, ((const struct cache_record *)b)->key);
}

/* Split one line into its record; false when it is malformed.  */
static bool
parse_line (struct list_cache *c, char *line, struct cache_record *rec, char **fields)
{
  char *parts[3], *end;
  size_t i;

  for (i = 0; i < 3 + c->n_fields; i++)
    {
      char *tab = strchr (line, '\t');
      if ((tab == NULL) != (i == 2 + c->n_fields))
        return false;
      if (tab != NULL)
        *tab = '\0';
      if (i < 3)
        parts[i] = line;
      else
        fields[i - 3] = unescape (line);
      line = tab ? tab + 1 : NULL;
    }
  rec->key = parts[0];
  rec->ctime.tv_sec = (time_t)strtoll (parts[1], &end, 10);
  if (*end != '\0')
    return false;
  rec->ctime.tv_nsec = strtol (parts[2], &end, 10);
  rec->fields = fields;
  return *end == '\0' && rec->key[0] != '\0';
}

static void
parse_text (struct list_cache *c, size_t len)
{
  char *line = c->text, *nl, header[64];
  size_t lines = 0, i;
  char **fields;

  snprintf (header, sizeof header, "%s %zu\n", LIST_CACHE_MAGIC, c->n_fields);
  if (strncmp (c->text, header, strlen (header)) != 0)
    return;
  for (i = 0; i < len; i++)
    lines += c->text[i] == '\n';
  c->loaded = calloc (lines, sizeof *c->loaded);
  fields = calloc (lines * c->n_fields + 1, sizeof *fields);
  if (c->loaded == NULL || fields == NULL)
    {
      free (fields);
      free (c->loaded);
      c->loaded = NULL;
      return;
    }
  line += strlen (header);
  while ((nl = strchr (line, '\n')) != NULL)
    {
      *nl = '\0';
      if (! parse_line (c, line, &c->loaded[c->n_loaded], fields + c->n_loaded * c->n_fields))
        {
          /* a damaged cache is no cache: rebuild it all */
          c->n_loaded = 0;
          break;
        }
      c->n_loaded++;
      line = nl + 1;
    }
  if (c->n_loaded == 0)
    free (fields);
  /* written sorted, but a bsearch must not trust a file */
  qsort (c->loaded, c->n_loaded, sizeof *c->loaded, compare_records);
}

struct list_cache *
list_cache_open (int dirfd, const char *name, size_t n_fields)
{
  struct list_cache *c = calloc (1, sizeof *c);
  galley_error_t ignore = NULL;
  struct timespec now;
  size_t len = 0;

  if (c == NULL || (c->name = strdup (name)) == NULL)
    {
      free (c);
      return NULL;
    }
  /* its own fd: the caller's may be gone by list_cache_close  */
  c->dirfd = dirfd >= 0 ? fcntl (dirfd, F_DUPFD_CLOEXEC, 3) : -1;
  c->n_fields = n_fields;
  /* the clock that stamps ctimes; a second of margin for clock steps */
  clock_gettime (CLOCK_REALTIME_COARSE, &now);
  c->not_before = ((int64_t)now.tv_sec - 1) * 1000000000 + now.tv_nsec;
  if (fs_read_file (dirfd, name, 256u << 20, &c->text, &len, &ignore) < 0)
    galley_error_release (&ignore);
  else
    parse_text (c, len);
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

static void
record_free (struct cache_record *r, size_t n_fields)
{
  size_t i;

  if (! r->owned)
    return;
  free (r->key);
  for (i = 0; r->fields && i < n_fields; i++)
    free (r->fields[i]);
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
      size_t cap = c->cap_added ? 2 * c->cap_added : 64;
      struct cache_record *bigger = realloc (c->added, cap * sizeof *bigger);
      if (bigger == NULL)
        return galley_error_make (err, ENOMEM, "allocating"), NULL;
      c->added = bigger;
      c->cap_added = cap;
    }
  r = &c->added[c->n_added];
  memset (r, 0, sizeof *r);
  r->owned = true;
  /* Racily clean: a write later in the same clock tick would not change
   * the ctime; such a record is read again next time.  */
  r->used = (int64_t)ctime->tv_sec * 1000000000 + ctime->tv_nsec < c->not_before;
  r->ctime = *ctime;
  r->key = strdup (key);
  r->fields = calloc (c->n_fields, sizeof *r->fields);
  for (i = 0; r->fields != NULL && i < c->n_fields; i++)
    if (fields[i] != NULL && (r->fields[i] = strdup (fields[i])) == NULL)
      break;
  if (r->key == NULL || r->fields == NULL || i < c->n_fields)
    {
      record_free (r, c->n_fields);
      return galley_error_make (err, ENOMEM, "allocating"), NULL;
    }
  c->n_added++;
  c->dirty = true;
  return (const char *const *)r->fields;
}

static void
write_escaped (FILE *f, const char *s)
{
  if (s == NULL)
    {
      fputs ("\\-", f);
      return;
    }
  for (; *s; s++)
    switch (*s)
      {
      case '\\':
        fputs ("\\\\", f);
        break;
      case '\t':
        fputs ("\\t", f);
        break;
      case '\n':
        fputs ("\\n", f);
        break;
      default:
        putc (*s, f);
      }
}

static void
write_record (FILE *f, const struct cache_record *r, size_t n_fields)
{
  size_t i;

  fprintf (f, "%s\t%lld\t%ld", r->key, (long long)r->ctime.tv_sec, (long)r->ctime.tv_nsec);
  for (i = 0; i < n_fields; i++)
    {
      putc ('\t', f);
      write_escaped (f, r->fields[i]);
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
  size_t len = 0, n = 0, i;
  FILE *f;

  all = calloc (c->n_loaded + c->n_added + 1, sizeof *all);
  if (all == NULL || asprintf (&tmp, "%s.tmp-%d", c->name, (int)getpid ()) < 0)
    return;
  for (i = 0; i < c->n_loaded; i++)
    if (c->loaded[i].used)
      all[n++] = &c->loaded[i];
  for (i = 0; i < c->n_added; i++)
    if (c->added[i].used)
      all[n++] = &c->added[i];
  qsort (all, n, sizeof *all, compare_record_ptrs);
  f = open_memstream (&buf, &len);
  if (f == NULL)
    return;
  fprintf (f, "%s %zu\n", LIST_CACHE_MAGIC, c->n_fields);
  for (i = 0; i < n; i++)
    write_record (f, all[i], c->n_fields);
  if (fclose (f) != 0)
    return;
  fd = openat (c->dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0)
    return;
  if (write (fd, buf, len) != (ssize_t)len || renameat (c->dirfd, tmp, c->dirfd, c->name) < 0)
    unlinkat (c->dirfd, tmp, 0);
}

void
list_cache_close (struct list_cache *c)
{
  size_t i;
  bool stale = false;

  for (i = 0; i < c->n_loaded; i++)
    stale = stale || ! c->loaded[i].used;
  if (c->dirty || stale)
    save (c);
  for (i = 0; i < c->n_added; i++)
    record_free (&c->added[i], c->n_fields);
  free (c->added);
  if (c->n_loaded > 0)
    free (c->loaded[0].fields);
  free (c->loaded);
  free (c->text);
  free (c->name);
  if (c->dirfd >= 0)
    close (c->dirfd);
  free (c);
}
