/* The container listing of ps (container_listing_open) from the listing cache
 * (util/list_cache.h) in runroot/containers-list.cache.  A record holds
 * the fields of container.json that ps shows and the state as written;
 * the state of a live container is reconciled on every read, so a cache
 * never keeps a dead container "running".
 *
 * While the change counter of storage/containers (util/change_counter.h)
 * has the stamp the cache was saved with, the cache is the listing: no
 * directory is read or stat'ed.  Otherwise every container's directory
 * ctime decides whether its record is still current, and the cache is
 * saved with the stamp sampled before the first of them was read.  */
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
#include "state/network_members.h"
#include "state/portspec.h"
#include "util/change_counter.h"
#include "util/cleanup.h"
#include "util/digest.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/list_cache.h"
#include "util/strv.h"
#include "util/time.h"

enum
{
  F_CONFIG,  /* the record's other fields ps reads (see config_subset) as JSON */
  F_CREATED, /* the creation time in ns since the epoch, for sorting */
  F_NAME,
  F_IMAGE,
  F_IMAGE_ID,
  F_RM,           /* "1" for --rm */
  F_COMMAND_LINE, /* the command, words joined by spaces */
  F_PORTS,        /* the published ports as ps shows them */
  F_NETWORKS,     /* the named networks, joined by commas */
  F_STATE,        /* the state as written, see encode_state */
  N_FIELDS
};

/* The fields of a configuration that ps reads beyond the brief ones (see
 * container_brief): kept as one record, parsed only for an output or a
 * filter that needs them.  The subset shares c's strings.  */
static struct container_config
config_subset (const struct container_config *c)
{
  return (struct container_config){
    .created = c->created,
    .args = c->args,
    .entrypoint = c->entrypoint,
    .command = c->command,
    .labels = c->labels,
    .port_mappings = c->port_mappings,
    .pod = c->pod,
    .is_infra = c->is_infra,
  };
}

static char *
command_line (const struct container_config *c)
{
  _cleanup_strv_ char **v = container_command (c);

  return v ? strv_join (v, " ") : NULL;
}

static char *
ports_text (const struct container_config *c)
{
  _cleanup_free_ struct port_mapping *ports = NULL;
  galley_error_t ignore = NULL;
  size_t n = 0;

  if (c->port_mappings == NULL || port_mappings_from_json (c->port_mappings, &ports, &n, &ignore) < 0)
    {
      galley_error_release (&ignore);
      return strdup ("");
    }
  return n > 0 ? port_format_summary (ports, n) : strdup ("");
}

static char *
networks_text (const struct container_config *c)
{
  struct network_member *m = NULL;
  galley_error_t ignore = NULL;
  _cleanup_strv_ char **names = NULL;
  size_t n = 0, i;

  if (network_members_of (c, &m, &n, &ignore) < 0)
    {
      galley_error_release (&ignore);
      return strdup ("");
    }
  for (i = 0; i < n; i++)
    if (strv_append (&names, m[i].name) < 0)
      break;
  network_members_free (m, n);
  return i == n ? strv_join (names, ",") : NULL;
}

static void
encode_config (const struct container_config *c, char *f[N_FIELDS])
{
  const struct container_config subset = config_subset (c);
  _cleanup_json_ json_object *rest = NULL;
  galley_error_t ignore = NULL;

  /* a NULL field: decode rejects the record */
  if (container_config_to_json (&subset, &rest, &ignore) == 0)
    f[F_CONFIG] = strdup (json_object_to_json_string_ext (rest, JSON_C_TO_STRING_PLAIN));
  galley_error_release (&ignore);
  if (asprintf (&f[F_CREATED], "%" PRId64, time_parse_rfc3339 (c->created)) < 0)
    f[F_CREATED] = NULL;
  f[F_NAME] = strdup (c->name ? c->name : "");
  f[F_IMAGE] = strdup (c->image ? c->image : "");
  f[F_IMAGE_ID] = strdup (c->image_id ? c->image_id : "");
  f[F_RM] = strdup (c->rm ? "1" : "0");
  f[F_COMMAND_LINE] = command_line (c);
  f[F_PORTS] = ports_text (c);
  f[F_NETWORKS] = networks_text (c);
}

/* The state as one field: "STATUS PID PID_START MONITOR_PID
 * MONITOR_START BOOT_ID EXIT_CODE STARTED_AT FINISHED_AT RESTART_COUNT
 * STOPPED_BY_USER HOST_ID", - for an empty boot id or no exit code.  */
#define STATE_WORDS 12
static void
encode_state (const struct container_state *st, char *f[N_FIELDS])
{
  char exit_code[16] = "-";

  if (st->has_exit_code)
    snprintf (exit_code, sizeof exit_code, "%d", st->exit_code);
  if (asprintf (&f[F_STATE], "%s %d %" PRIu64 " %d %" PRIu64 " %s %s %" PRId64 " %" PRId64 " %d %d %" PRIx64,
                container_status_name (st->status), (int)st->pid, st->pid_start, (int)st->monitor_pid,
                st->monitor_start, st->boot_id[0] ? st->boot_id : "-", exit_code, st->started_at,
                st->finished_at, st->restart_count, (int)st->stopped_by_user, st->host_id)
      < 0)
    f[F_STATE] = NULL; /* decode rejects the record */
}

static bool
decode_state (const char *const *f, struct container_state *st)
{
  char buf[256], *word[STATE_WORDS], *save = NULL;
  size_t i;

  for (i = 0; i < N_FIELDS; i++)
    if (f[i] == NULL)
      return false;
  if (snprintf (buf, sizeof buf, "%s", f[F_STATE]) >= (int)sizeof buf)
    return false;
  /* (a cache from before the host was recorded has one word less) */
  for (i = 0; i < STATE_WORDS; i++)
    if ((word[i] = strtok_r (i == 0 ? buf : NULL, " ", &save)) == NULL && i < STATE_WORDS - 1)
      return false;
  memset (st, 0, sizeof *st);
  if (strtok_r (NULL, " ", &save) != NULL || container_status_parse (word[0], &st->status) < 0)
    return false;
  st->pid = (pid_t)strtol (word[1], NULL, 10);
  st->pid_start = strtoull (word[2], NULL, 10);
  st->monitor_pid = (pid_t)strtol (word[3], NULL, 10);
  st->monitor_start = strtoull (word[4], NULL, 10);
  if (strcmp (word[5], "-") != 0)
    snprintf (st->boot_id, sizeof st->boot_id, "%s", word[5]);
  st->has_exit_code = strcmp (word[6], "-") != 0;
  st->exit_code = st->has_exit_code ? atoi (word[6]) : 0;
  st->started_at = strtoll (word[7], NULL, 10);
  st->finished_at = strtoll (word[8], NULL, 10);
  st->restart_count = atoi (word[9]);
  st->stopped_by_user = atoi (word[10]) != 0;
  /* ("0" for most: created, or from before hosts were recorded) */
  st->host_id = word[11] != NULL && word[11][0] != '0' ? strtoull (word[11], NULL, 16) : 0;
  return true;
}

struct listing_row
{
  char id[HEX_ID_BUFSIZE];
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

/* The row's record (the fields ps reads), parsed with the listing's one
 * tokener (json_tokener_parse would allocate a fresh one per call).  */
static int
config_from_fields (json_tokener *tok, const char *id, const char *const *f, struct container_config *out)
{
  size_t len = strlen (f[F_CONFIG]);
  _cleanup_json_ json_object *subset = NULL;
  galley_error_t ignore = NULL;

  json_tokener_reset (tok);
  subset = json_tokener_parse_ex (tok, f[F_CONFIG], (int)len);
  if (json_tokener_get_error (tok) != json_tokener_success || json_tokener_get_parse_end (tok) != len
      || container_config_from_json (subset, out, &ignore) < 0)
    {
      galley_error_release (&ignore);
      return -1;
    }
  out->rm = strcmp (f[F_RM], "1") == 0;
  if (container_config_set_string (&out->id, id, &ignore) < 0
      || container_config_set_string (&out->name, f[F_NAME], &ignore) < 0
      || container_config_set_string (&out->image, f[F_IMAGE], &ignore) < 0
      || container_config_set_string (&out->image_id, f[F_IMAGE_ID], &ignore) < 0)
    {
      galley_error_release (&ignore);
      return -1;
    }
  return 0;
}

/* Read the container's files (its directory had ctime) and cache them.  */
static const char *const *
read_and_cache (const struct galley_paths *p, int containers_fd, struct list_cache *cache, const char *id,
                const struct timespec *ctime, galley_error_t *err)
{
  _cleanup_free_ char *rel = NULL, *text = NULL;
  _cleanup_container_config_ struct container_config config = { 0 };
  char *f[N_FIELDS] = { NULL };
  const char *const *stored;
  struct container_state st;
  size_t len, k;

  if (asprintf (&rel, "%s/container.json", id) < 0)
    return galley_error_make (err, errno, "allocating"), NULL;
  if (fs_read_file (containers_fd, rel, 4 << 20, &text, &len, err) < 0
      || container_config_parse (text, len, rel, &config, err) < 0
      || container_state_load (p, id, &st, err) < 0)
    return NULL;
  encode_config (&config, f);
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

/* Fill row from a record's fields; false when they are unusable or the
 * container cannot be reconciled (removed meanwhile).  */
static bool
fill_row (const struct galley_paths *p, const char *id, const char *const *f, struct listing_row *row)
{
  galley_error_t skip = NULL;

  if (strlen (id) != 64 || ! decode_state (f, &row->state))
    return false;
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
  if (f != NULL && fill_row (p, id, f, row))
    return true;
  f = read_and_cache (p, dirfd (d), cache, id, &sb.st_ctim, &skip);
  if (f == NULL)
    {
      galley_error_release (&skip);
      return false;
    }
  return fill_row (p, id, f, row);
}

/* Room for row l->n, growing geometrically.  */
static int
grow_rows (struct container_listing *l, size_t *cap, galley_error_t *err)
{
  struct listing_row *bigger;

  if (l->n < *cap)
    return 0;
  bigger = realloc (l->rows, (*cap ? 2 * *cap : 256) * sizeof *bigger);
  if (bigger == NULL)
    return galley_error_make (err, errno, "allocating");
  *cap = *cap ? 2 * *cap : 256;
  l->rows = bigger;
  return 0;
}

/* Every row from the cache, which is current.  */
static int
rows_from_cache (const struct galley_paths *p, struct container_listing *l, galley_error_t *err)
{
  size_t i, n = list_cache_count (l->cache);

  /* all at once: growing would copy into fresh pages each time */
  l->rows = n > 0 ? malloc (n * sizeof *l->rows) : NULL;
  if (n > 0 && l->rows == NULL)
    return galley_error_make (err, errno, "allocating");
  for (i = 0; i < n; i++)
    {
      const char *id;
      const char *const *f = list_cache_record (l->cache, i, &id);
      if (fill_row (p, id, f, &l->rows[l->n]))
        l->n++;
    }
  return 0;
}

/* Every row from the directory, each checked against its ctime.  */
static int
rows_from_directory (const struct galley_paths *p, struct container_listing *l, DIR *d, galley_error_t *err)
{
  size_t cap = 0;
  struct dirent *e;

  while ((e = readdir (d)) != NULL)
    {
      if (! container_id_valid (e->d_name))
        continue;
      if (grow_rows (l, &cap, err) < 0)
        return -1;
      if (load_row (p, d, l->cache, e->d_name, &l->rows[l->n]))
        l->n++;
    }
  return 0;
}

int
container_listing_open (const struct galley_paths *p, struct container_listing **out, galley_error_t *err)
{
  _cleanup_free_ char *dir = NULL;
  _cleanup_closedir_ DIR *d = NULL;
  _cleanup_close_ int runfd = open (p->runroot, O_PATH | O_DIRECTORY | O_CLOEXEC), dfd = -1;
  struct container_listing *l = calloc (1, sizeof *l);
  char stamp[CHANGE_STAMP_MAX];
  bool stamped = false;
  int ret = 0;

  *out = NULL;
  if (l == NULL || asprintf (&dir, "%s/containers", p->root) < 0)
    {
      free (l);
      return galley_error_make (err, errno, "allocating");
    }
  dfd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0 && errno != ENOENT)
    {
      free (l);
      return galley_error_make (err, errno, "reading %s", dir);
    }
  /* sampled before anything is read */
  stamped = dfd >= 0 && change_counter_stamp (dfd, CONTAINERS_CHANGE_COUNTER, stamp);
  l->cache = list_cache_open (runfd, "containers-list.cache", N_FIELDS);
  if (l->cache == NULL)
    {
      free (l);
      return galley_error_make (err, ENOMEM, "allocating");
    }
  if (stamped && list_cache_stamp (l->cache) != NULL && strcmp (list_cache_stamp (l->cache), stamp) == 0)
    ret = rows_from_cache (p, l, err);
  else if (dfd >= 0)
    {
      d = fdopendir (dfd);
      if (d == NULL)
        ret = galley_error_make (err, errno, "reading %s", dir);
      else
        {
          dfd = -1; /* the DIR's now */
          list_cache_set_stamp (l->cache, stamped ? stamp : NULL);
          ret = rows_from_directory (p, l, d, err);
        }
    }
  if (ret < 0)
    {
      container_listing_close (l);
      return -1;
    }
  if (l->n > 1)
    qsort (l->rows, l->n, sizeof *l->rows, by_created);
  *out = l;
  return 0;
}

void
container_listing_brief (const struct container_listing *l, size_t i, struct container_brief *out)
{
  const struct listing_row *r = &l->rows[i];

  out->id = r->id;
  out->state = &r->state;
  out->created = r->created;
  out->name = r->fields[F_NAME];
  out->image = r->fields[F_IMAGE];
  out->image_id = r->fields[F_IMAGE_ID];
  out->command_line = r->fields[F_COMMAND_LINE];
  out->ports = r->fields[F_PORTS];
  out->networks = r->fields[F_NETWORKS];
  out->auto_remove = strcmp (r->fields[F_RM], "1") == 0;
}

size_t
container_listing_count (const struct container_listing *l)
{
  return l->n;
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
    {
      container_entry_clear (out);
      return galley_error_make (err, EINVAL, "container %s: unusable cached record", r->id);
    }
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
