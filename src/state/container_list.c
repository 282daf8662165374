/* Container lookup and listing (see container_list.h).  */
#include "config.h"
#include "state/container_list.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>

#include "state/container.h"
#include "state/events.h"
#include "state/lock.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/strv.h"
#include "util/time.h"

void
container_entry_clear (struct container_entry *e)
{
  free (e->id);
  container_config_clear (&e->config);
  memset (e, 0, sizeof *e);
}

const char *
container_entry_name (const struct container_entry *e)
{
  return e->config.name ? e->config.name : "";
}

/* Find a container of listing l by exact name, exact id or unique id
 * prefix.  Returns 1 with *id_out, 0 when none, -1 on an ambiguous
 * prefix.  */
static int
find_in (struct container_listing *l, const char *key, bool by_name_only, char **id_out, galley_error_t *err)
{
  const char *prefix_match = NULL;
  int prefix_count = 0;
  size_t i;

  for (i = 0; i < container_listing_count (l); i++)
    {
      struct container_brief b;

      container_listing_brief (l, i, &b);
      if ((! by_name_only && strcmp (b.id, key) == 0) || strcmp (b.name, key) == 0)
        {
          *id_out = strdup (b.id);
          return *id_out ? 1 : galley_error_make (err, ENOMEM, "allocating");
        }
      if (! by_name_only && strlen (key) >= 3 && strncmp (b.id, key, strlen (key)) == 0)
        {
          prefix_count++;
          prefix_match = b.id;
        }
    }
  if (prefix_count > 1)
    return galley_error_make (err, 0, "more than one result for container \"%s\"", key);
  if (prefix_count == 1)
    {
      *id_out = strdup (prefix_match);
      return *id_out ? 1 : galley_error_make (err, ENOMEM, "allocating");
    }
  return 0;
}

/* find_in of the containers as ps lists them (its cache: one stat(2)
 * while nothing changed, instead of every record read); a full id is
 * looked up directly.  */
static int
find (const struct galley_paths *p, const char *key, bool by_name_only, char **id_out, galley_error_t *err)
{
  struct container_listing *l = NULL;
  int found;

  if (! by_name_only && container_id_valid (key))
    {
      _cleanup_free_ char *dir = container_dir (p, key);
      struct stat sb;
      if (dir != NULL && stat (dir, &sb) == 0 && S_ISDIR (sb.st_mode))
        {
          *id_out = strdup (key);
          return *id_out ? 1 : galley_error_make (err, ENOMEM, "allocating");
        }
    }
  if (container_listing_open (p, &l, err) < 0)
    return -1;
  found = find_in (l, key, by_name_only, id_out, err);
  container_listing_close (l);
  return found;
}

int
container_name_lookup (const struct galley_paths *p, const char *name, galley_error_t *err)
{
  _cleanup_free_ char *id = NULL;

  return find (p, name, true, &id, err);
}

int
container_generate_name (const struct galley_paths *p, char **out, galley_error_t *err)
{
  static const char *const adjectives[] = { "brave",  "calm",    "eager",    "fervent", "gifted", "happy",
                                            "jolly",  "keen",    "lucid",    "nifty",   "quirky", "serene",
                                            "tender", "vibrant", "wizardly", "zealous" };
  static const char *const names[] = { "babbage", "curie",   "darwin", "euler",    "faraday", "galois",
                                       "hopper",  "johnson", "knuth",  "lovelace", "noether", "pascal",
                                       "ritchie", "shannon", "turing", "wozniak" };
  struct container_listing *l = NULL;
  unsigned short r[2];
  int tries, found = 1;

  /* one listing for every candidate (create checks the name again under
   * its lock) */
  if (container_listing_open (p, &l, err) < 0)
    return -1;
  for (tries = 0; tries < 64 && found == 1; tries++)
    {
      _cleanup_free_ char *candidate = NULL, *id = NULL;
      if (getrandom (r, sizeof r, 0) != (ssize_t)sizeof r)
        {
          found = galley_error_make (err, errno, "getrandom");
          break;
        }
      if (asprintf (&candidate, "%s_%s", adjectives[r[0] % 16], names[r[1] % 16]) < 0)
        {
          found = galley_error_make (err, errno, "allocating");
          break;
        }
      if (tries >= 32)
        {
          char *longer = NULL;
          if (asprintf (&longer, "%s%u", candidate, (unsigned)(r[0] ^ r[1])) < 0)
            {
              found = galley_error_make (err, errno, "allocating");
              break;
            }
          free (candidate);
          candidate = longer;
        }
      found = find_in (l, candidate, true, &id, err);
      if (found == 0)
        *out = steal_pointer (&candidate);
    }
  container_listing_close (l);
  if (found < 0)
    return -1;
  if (found == 1)
    return galley_error_make (err, 0, "could not generate a unique container name");
  return 0;
}

static bool
valid_name (const char *name)
{
  size_t i;

  if (name[0] == '\0'
      || ! ((name[0] >= 'a' && name[0] <= 'z') || (name[0] >= 'A' && name[0] <= 'Z')
            || (name[0] >= '0' && name[0] <= '9')))
    return false;
  for (i = 1; name[i] != '\0'; i++)
    if (strchr ("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-", name[i]) == NULL)
      return false;
  return i <= 253;
}

/* Creation's and renaming's check of a name.  */
static int
check_name (const char *name, galley_error_t *err)
{
  if (valid_name (name))
    return 0;
  return galley_error_make (
      err, 0, "invalid container name \"%s\": names must match [a-zA-Z0-9][a-zA-Z0-9_.-]*", name);
}

static char *
now_rfc3339 (void)
{
  struct timespec ts;
  struct tm tm;
  char buf[64], *s = NULL;

  clock_gettime (CLOCK_REALTIME, &ts);
  gmtime_r (&ts.tv_sec, &tm);
  strftime (buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  return asprintf (&s, "%s.%09ldZ", buf, ts.tv_nsec) < 0 ? NULL : s;
}

int
container_create (const struct galley_paths *p, const char *id, const char *name,
                  struct container_config *config, int *run_lock, galley_error_t *err)
{
  _cleanup_free_ char *dir = container_dir (p, id), *containers = NULL, *other = NULL;
  _cleanup_free_ char *created = now_rfc3339 ();
  _cleanup_close_ int dfd = -1, cfd = -1, record_lock = -1, runfd = -1;
  int found;

  if (check_name (name, err) < 0)
    return -1;
  if (dir == NULL || asprintf (&containers, "%s/containers", p->root) < 0)
    return galley_error_make (err, errno, "allocating");
  if (fs_mkdir_p (containers, 0700, err) < 0)
    return -1;
  dfd = open (containers, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0)
    return galley_error_make (err, errno, "opening %s", containers);
  /* (the name check and the creation are one critical section: the
   * caller's containers_lock) */
  found = find (p, name, true, &other, err);
  if (found < 0)
    return -1;
  if (found > 0)
    {
      galley_error_make (err, 0,
                         "creating container storage: the container name \"%s\" is already "
                         "in use by %s. You have to remove that container to be able to "
                         "reuse that name: that name is already in use",
                         name, other);
      (*err)->errno_ = EEXIST; /* the kind, without strerror's words */
      return -1;
    }
  if (mkdirat (dfd, id, 0700) < 0)
    return galley_error_make (err, errno, "creating %s", dir);
  cfd = openat (dfd, id, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (cfd < 0 || mkdirat (cfd, "upper", 0755) < 0 || mkdirat (cfd, "work", 0700) < 0)
    return galley_error_make (err, errno, "creating %s", dir);
  /* Both locks exist before the record; the run lock is ours before
   * anyone can see the record, for the start that follows.  */
  record_lock = lock_open (cfd, CONTAINER_LOCK_FILE, err);
  if (record_lock < 0)
    return -1;
  runfd = lock_open (cfd, CONTAINER_RUN_LOCK_FILE, err);
  if (runfd < 0 || lock_acquire (runfd, LOCK_EXCLUSIVE, err) < 0)
    return -1;
  if (container_config_set_string (&config->id, id, err) < 0
      || container_config_set_string (&config->name, name, err) < 0
      || container_config_set_string (&config->created, created ? created : "", err) < 0
      || container_config_write (cfd, "container.json", config, err) < 0)
    return -1;
  container_count_change (p);
  event_write_container (p, "create", id, config, 0);
  if (run_lock != NULL)
    *run_lock = steal_fd (&runfd);
  return 0;
}

int
container_load (const struct galley_paths *p, const char *name_or_id, struct container_config *config,
                galley_error_t *err)
{
  _cleanup_free_ char *id = NULL;
  int found = find (p, name_or_id, false, &id, err);

  if (found < 0)
    return -1;
  if (found == 0)
    return galley_error_make (err, ENOENT, "no container with name or ID \"%s\" found", name_or_id);
  return container_read_record (p, id, config, err);
}

/* The entry of a record read into out->config.  */
static int
fill_entry (const struct galley_paths *p, struct container_entry *out, galley_error_t *err)
{
  if (out->config.id == NULL)
    {
      container_entry_clear (out);
      return galley_error_make (err, EINVAL, "container record without an Id");
    }
  out->id = strdup (out->config.id);
  out->created = time_parse_rfc3339 (out->config.created);
  if (out->id == NULL || container_state_read (p, out->id, &out->state, err) < 0)
    {
      if (out->id == NULL)
        galley_error_make (err, ENOMEM, "allocating");
      container_entry_clear (out);
      return -1;
    }
  return 0;
}

int
container_find (const struct galley_paths *p, const char *name_or_id, struct container_entry *out,
                galley_error_t *err)
{
  memset (out, 0, sizeof *out);
  if (container_load (p, name_or_id, &out->config, err) == 0)
    return fill_entry (p, out, err);
  container_entry_clear (out);
  if (galley_error_errno (err) == ENOENT)
    {
      galley_error_release (err);
      galley_error_make (err, 0,
                         "no container with name or ID \"%s\" found: "
                         "no such container",
                         name_or_id);
      (*err)->errno_ = ENOENT; /* the kind, without strerror's words */
    }
  return -1;
}

static int
by_created (const void *a, const void *b)
{
  const struct container_entry *x = a, *y = b;
  return x->created < y->created ? -1 : x->created > y->created;
}

void
container_list_sort (struct container_entry *list, size_t n)
{
  if (n > 1)
    qsort (list, n, sizeof *list, by_created);
}

int
container_list (const struct galley_paths *p, struct container_entry **out, size_t *n, galley_error_t *err)
{
  _cleanup_free_ char *dir = NULL;
  _cleanup_closedir_ DIR *d = NULL;
  struct container_entry *list = NULL;
  size_t count = 0, cap = 0;
  struct dirent *e;

  *out = NULL;
  *n = 0;
  if (asprintf (&dir, "%s/containers", p->root) < 0)
    return galley_error_make (err, errno, "allocating");
  d = opendir (dir);
  if (d == NULL)
    return errno == ENOENT ? 0 : galley_error_make (err, errno, "reading %s", dir);
  while ((e = readdir (d)) != NULL)
    {
      _cleanup_free_ char *text = NULL, *path = NULL;
      galley_error_t skip = NULL;
      size_t len;

      if (! container_id_valid (e->d_name))
        continue;
      if (asprintf (&path, "%s/%s/container.json", dir, e->d_name) < 0)
        {
          container_list_free (list, count);
          return galley_error_make (err, errno, "allocating");
        }
      if (count == cap)
        {
          struct container_entry *bigger;
          cap = cap ? 2 * cap : 64;
          bigger = realloc (list, cap * sizeof *list);
          if (bigger == NULL)
            {
              container_list_free (list, count);
              return galley_error_make (err, errno, "allocating");
            }
          list = bigger;
        }
      memset (&list[count], 0, sizeof list[count]);
      /* A container removed or half-created meanwhile is not listed.  */
      if (fs_read_file (AT_FDCWD, path, 4 << 20, &text, &len, &skip) < 0
          || container_config_parse (text, len, path, &list[count].config, &skip) < 0
          || fill_entry (p, &list[count], &skip) < 0)
        {
          container_entry_clear (&list[count]);
          galley_error_release (&skip);
          continue;
        }
      count++;
    }
  container_list_sort (list, count);
  *out = list;
  *n = count;
  return 0;
}

void
container_list_free (struct container_entry *list, size_t n)
{
  size_t i;

  for (i = 0; i < n; i++)
    container_entry_clear (&list[i]);
  free (list);
}

void
human_duration (int64_t ns, char *buf, size_t len)
{
  int64_t s = ns / NSEC_PER_SEC, m = s / 60, h = m / 60;

  if (s < 1)
    snprintf (buf, len, "Less than a second");
  else if (s == 1)
    snprintf (buf, len, "1 second");
  else if (s < 60)
    snprintf (buf, len, "%lld seconds", (long long)s);
  else if (m == 1)
    snprintf (buf, len, "About a minute");
  else if (m < 60)
    snprintf (buf, len, "%lld minutes", (long long)m);
  else if (h == 1)
    snprintf (buf, len, "About an hour");
  else if (h < 48)
    snprintf (buf, len, "%lld hours", (long long)h);
  else if (h < 24 * 7 * 2)
    snprintf (buf, len, "%lld days", (long long)(h / 24));
  else if (h < 24 * 30 * 2)
    snprintf (buf, len, "%lld weeks", (long long)(h / 24 / 7));
  else if (h < 24 * 365 * 2)
    snprintf (buf, len, "%lld months", (long long)(h / 24 / 30));
  else
    snprintf (buf, len, "%lld years", (long long)(h / 24 / 365));
}

void
container_status_human (const struct container_state *st, char *buf, size_t len)
{
  char d[64];
  int64_t now = time_now_ns ();

  switch (st->status)
    {
    case CONTAINER_STATUS_RUNNING:
    case CONTAINER_STATUS_STOPPING:
      human_duration (now - st->started_at, d, sizeof d);
      snprintf (buf, len, "Up %s%s", d, st->elsewhere ? " (on another host)" : "");
      break;
    case CONTAINER_STATUS_PAUSED:
      snprintf (buf, len, "Paused%s", st->elsewhere ? " (on another host)" : "");
      break;
    case CONTAINER_STATUS_EXITED:
      human_duration (now - st->finished_at, d, sizeof d);
      snprintf (buf, len, "Exited (%d) %s ago", st->exit_code, d);
      break;
    default:
      snprintf (buf, len, "Created");
    }
}

char **
container_command (const struct container_config *c)
{
  _cleanup_strv_ char **v = calloc (1, sizeof (char *));
  size_t i;

  if (v == NULL)
    return NULL;
  for (i = 0; c->args != NULL && c->args[i] != NULL; i++)
    if (strv_append (&v, c->args[i]) < 0)
      return NULL;
  if (c->args != NULL)
    return steal_pointer (&v);
  for (i = 0; c->entrypoint != NULL && c->entrypoint[i] != NULL; i++)
    if (strv_append (&v, c->entrypoint[i]) < 0)
      return NULL;
  for (i = 0; c->command != NULL && c->command[i] != NULL; i++)
    if (strv_append (&v, c->command[i]) < 0)
      return NULL;
  return steal_pointer (&v);
}

int
container_rename (const struct galley_paths *p, const char *id, const char *name, galley_error_t *err)
{
  _cleanup_container_config_ struct container_config config = { 0 };
  _cleanup_close_ int names_lock = -1, lock = -1;

  if (check_name (name, err) < 0)
    return -1;
  /* the same critical section as creation: name check + change */
  names_lock = containers_lock (p, err);
  if (names_lock < 0)
    return -1;
  switch (container_name_lookup (p, name, err))
    {
    case -1:
      return -1;
    case 1:
      return galley_error_make (err, EEXIST, "container name %s is in use: name is in use", name);
    }
  lock = container_lock (p, id, err);
  if (lock < 0)
    return -1;
  if (container_read_record (p, id, &config, err) < 0
      || container_config_set_string (&config.name, name, err) < 0)
    return -1;
  if (container_write_record (p, id, &config, err) < 0)
    return -1;
  event_write_container (p, "rename", id, &config, 0);
  return 0;
}
