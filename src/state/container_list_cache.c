/* The container listing of ps (container_listing_open) from the listing cache
 * (util/list_cache.h) in runroot/containers-list.cache.  A record holds
 * the fields of container.json that ps shows and the state as written;
 * the state of a live container is reconciled on every read, so a cache
 * never keeps a dead container "running".  */
#include "config.h"
#include "state/container_list.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "state/container.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/list_cache.h"

/* The keys of container.json that ps reads.  */
static const char *const brief_keys[] = { "Name", "Image",      "ImageID", "Created", "Rm",
                                          "Args", "Entrypoint", "Command", "Labels",  "PortMappings" };
#define N_KEYS (sizeof brief_keys / sizeof brief_keys[0])
enum
{
  F_CONFIG,  /* those keys as one JSON object: one parse per row */
  F_CREATED, /* "Created" in ns since the epoch, for sorting */
  F_STATUS,
  F_PID,
  F_PID_START,
  F_MONITOR_PID,
  F_MONITOR_START,
  F_BOOT_ID,
  F_EXIT_CODE,
  F_STARTED_AT,
  F_FINISHED_AT,
  F_RESTART_COUNT,
  F_STOPPED_BY_USER,
  N_FIELDS
};

static void
encode_config (json_object *config, char *f[N_FIELDS])
{
  _cleanup_json_ json_object *brief = json_object_new_object ();
  json_object *v;
  size_t k;

  if (brief == NULL)
    return; /* a NULL field: decode rejects the record */
  for (k = 0; k < N_KEYS; k++)
    if (json_object_object_get_ex (config, brief_keys[k], &v))
      json_object_object_add (brief, brief_keys[k], json_object_get (v));
  f[F_CONFIG] = strdup (json_object_to_json_string_ext (brief, JSON_C_TO_STRING_PLAIN));
  if (asprintf (&f[F_CREATED], "%" PRId64, time_parse_rfc3339 (json_get_string (config, "Created"))) < 0)
    f[F_CREATED] = NULL;
}

static void
encode_state (const struct container_state *st, char *f[N_FIELDS])
{
  if (asprintf (&f[F_STATUS], "%s", container_status_name (st->status)) < 0
      || asprintf (&f[F_PID], "%d", (int)st->pid) < 0
      || asprintf (&f[F_PID_START], "%" PRIu64, st->pid_start) < 0
      || asprintf (&f[F_MONITOR_PID], "%d", (int)st->monitor_pid) < 0
      || asprintf (&f[F_MONITOR_START], "%" PRIu64, st->monitor_start) < 0
      || asprintf (&f[F_BOOT_ID], "%s", st->boot_id) < 0
      || (st->has_exit_code && asprintf (&f[F_EXIT_CODE], "%d", st->exit_code) < 0)
      || asprintf (&f[F_STARTED_AT], "%" PRId64, st->started_at) < 0
      || asprintf (&f[F_FINISHED_AT], "%" PRId64, st->finished_at) < 0
      || asprintf (&f[F_RESTART_COUNT], "%d", st->restart_count) < 0
      || asprintf (&f[F_STOPPED_BY_USER], "%d", (int)st->stopped_by_user) < 0)
    return; /* a NULL field: decode rejects the record */
}

static bool
decode_state (const char *const *f, struct container_state *st)
{
  size_t i;

  for (i = 0; i < N_FIELDS; i++)
    if (f[i] == NULL && i != F_EXIT_CODE)
      return false;
  memset (st, 0, sizeof *st);
  if (container_status_parse (f[F_STATUS], &st->status) < 0)
    return false;
  st->pid = (pid_t)strtol (f[F_PID], NULL, 10);
  st->pid_start = strtoull (f[F_PID_START], NULL, 10);
  st->monitor_pid = (pid_t)strtol (f[F_MONITOR_PID], NULL, 10);
  st->monitor_start = strtoull (f[F_MONITOR_START], NULL, 10);
  snprintf (st->boot_id, sizeof st->boot_id, "%s", f[F_BOOT_ID]);
  st->has_exit_code = f[F_EXIT_CODE] != NULL;
  st->exit_code = st->has_exit_code ? atoi (f[F_EXIT_CODE]) : 0;
  st->started_at = strtoll (f[F_STARTED_AT], NULL, 10);
  st->finished_at = strtoll (f[F_FINISHED_AT], NULL, 10);
  st->restart_count = atoi (f[F_RESTART_COUNT]);
  st->stopped_by_user = atoi (f[F_STOPPED_BY_USER]) != 0;
  return true;
}

struct listing_row
{
  char id[65];
  int64_t created;
  struct container_state state;
  const char *const *fields; /* owned by the cache */
};

struct container_listing
{
  struct list_cache *cache;
  struct listing_row *rows;
  size_t n;
  json_tokener *tok;
};

/* The row's config, parsed with the listing's one tokener
 * (json_tokener_parse would allocate a fresh one per call).  */
static int
config_from_fields (json_tokener *tok, const char *id, const char *const *f, json_object **out)
{
  size_t len = strlen (f[F_CONFIG]);
  json_object *config;

  json_tokener_reset (tok);
  config = json_tokener_parse_ex (tok, f[F_CONFIG], (int)len);
  if (json_tokener_get_error (tok) != json_tokener_success || json_tokener_get_parse_end (tok) != len
      || ! json_object_is_type (config, json_type_object))
    {
      json_object_put (config);
      return -1;
    }
  json_object_object_add (config, "Id", json_object_new_string (id));
  *out = config;
  return 0;
}

/* Read the container's files (its directory had ctime) and cache them.  */
static const char *const *
read_and_cache (const struct galley_paths *p, int containers_fd, struct list_cache *cache, const char *id,
                const struct timespec *ctime, galley_error_t *err)
{
  _cleanup_free_ char *rel = NULL, *text = NULL;
  _cleanup_json_ json_object *config = NULL;
  char *f[N_FIELDS] = { NULL };
  const char *const *stored;
  struct container_state st;
  size_t len, k;

  if (asprintf (&rel, "%s/container.json", id) < 0)
    return galley_error_make (err, errno, "allocating"), NULL;
  if (fs_read_file (containers_fd, rel, 4 << 20, &text, &len, err) < 0
      || json_parse_strict (text, len, rel, &config, err) < 0 || container_state_load (p, id, &st, err) < 0)
    return NULL;
  encode_config (config, f);
  encode_state (&st, f);
  stored = list_cache_put (cache, id, ctime, (const char *const *)f, err);
  for (k = 0; k < N_FIELDS; k++)
    free (f[k]);
  return stored;
}

static int
by_created (const void *a, const void *b)
{
  const struct listing_row *x = a, *y = b;
  return x->created < y->created ? -1 : x->created > y->created;
}

/* One row from the cache or, when stale, from the files.  false: skip it
 * (removed or half-created meanwhile).  */
static bool
load_row (const struct galley_paths *p, DIR *d, struct list_cache *cache, const char *id,
          struct listing_row *row)
{
  galley_error_t skip = NULL;
  const char *const *f;
  struct stat sb;

  /* The ctime first: a change after it makes the record stale.  */
  if (fstatat (dirfd (d), id, &sb, AT_SYMLINK_NOFOLLOW) < 0)
    return false;
  f = list_cache_get (cache, id, &sb.st_ctim);
  if (f == NULL || ! decode_state (f, &row->state))
    {
      f = read_and_cache (p, dirfd (d), cache, id, &sb.st_ctim, &skip);
      if (f == NULL || ! decode_state (f, &row->state))
        {
          galley_error_release (&skip);
          return false;
        }
    }
  memcpy (row->id, id, sizeof row->id); /* 64 hex digits (checked) and the NUL */
  row->fields = f;
  row->created = strtoll (f[F_CREATED], NULL, 10);
  if (container_state_reconcile (p, id, &row->state, &skip) < 0)
    {
      galley_error_release (&skip);
      return false;
    }
  return true;
}

int
container_listing_open (const struct galley_paths *p, struct container_listing **out, galley_error_t *err)
{
  _cleanup_free_ char *dir = NULL;
  _cleanup_closedir_ DIR *d = NULL;
  _cleanup_close_ int runfd = open (p->runroot, O_PATH | O_DIRECTORY | O_CLOEXEC);
  struct container_listing *l = calloc (1, sizeof *l);
  size_t cap = 0;
  struct dirent *e;

  *out = NULL;
  if (l == NULL || asprintf (&dir, "%s/containers", p->root) < 0)
    {
      free (l);
      return galley_error_make (err, errno, "allocating");
    }
  d = opendir (dir);
  if (d == NULL && errno != ENOENT)
    {
      free (l);
      return galley_error_make (err, errno, "reading %s", dir);
    }
  l->cache = list_cache_open (runfd, "containers-list.cache", N_FIELDS);
  if (l->cache == NULL)
    {
      free (l);
      return galley_error_make (err, ENOMEM, "allocating");
    }
  while (d != NULL && (e = readdir (d)) != NULL)
    {
      if (! container_id_valid (e->d_name))
        continue;
      if (l->n == cap)
        {
          struct listing_row *bigger = realloc (l->rows, (cap = cap ? 2 * cap : 256) * sizeof *bigger);
          if (bigger == NULL)
            {
              container_listing_close (l);
              return galley_error_make (err, errno, "allocating");
            }
          l->rows = bigger;
        }
      if (load_row (p, d, l->cache, e->d_name, &l->rows[l->n]))
        l->n++;
    }
  if (l->n > 1)
    qsort (l->rows, l->n, sizeof *l->rows, by_created);
  *out = l;
  return 0;
}

size_t
container_listing_count (const struct container_listing *l)
{
  return l->n;
}

const char *
container_listing_id (const struct container_listing *l, size_t i)
{
  return l->rows[i].id;
}

const struct container_state *
container_listing_state (const struct container_listing *l, size_t i)
{
  return &l->rows[i].state;
}

int
container_listing_entry (struct container_listing *l, size_t i, struct container_entry *out,
                         galley_error_t *err)
{
  const struct listing_row *r = &l->rows[i];

  memset (out, 0, sizeof *out);
  if (l->tok == NULL && (l->tok = json_tokener_new ()) == NULL)
    return galley_error_make (err, ENOMEM, "allocating");
  if (config_from_fields (l->tok, r->id, r->fields, &out->config) < 0)
    return galley_error_make (err, EINVAL, "container %s: unusable cached record", r->id);
  out->id = strdup (r->id);
  if (out->id == NULL)
    {
      container_entry_clear (out);
      return galley_error_make (err, ENOMEM, "allocating");
    }
  out->state = r->state;
  out->created = r->created;
  return 0;
}

void
container_listing_close (struct container_listing *l)
{
  if (l == NULL)
    return;
  if (l->cache != NULL)
    list_cache_close (l->cache);
  if (l->tok != NULL)
    json_tokener_free (l->tok);
  free (l->rows);
  free (l);
}
