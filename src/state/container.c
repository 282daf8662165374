/* Container records (see container.h).  */
#include "config.h"
#include "state/container.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ns/userns.h"
#include "state/container_list.h"
#include "state/lock.h"
#include "util/change_counter.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/json.h"

int
container_new_id (char out[65], galley_error_t *err)
{
  unsigned char raw[32];
  size_t i;

  if (getrandom (raw, sizeof raw, 0) != (ssize_t)sizeof raw)
    return galley_error_make (err, errno, "getrandom");
  for (i = 0; i < 32; i++)
    snprintf (out + 2 * i, 3, "%02x", raw[i]);
  return 0;
}

char *
container_dir (const struct galley_paths *p, const char *id)
{
  char *s = NULL;
  return asprintf (&s, "%s/containers/%s", p->root, id) < 0 ? NULL : s;
}

char *
container_run_dir (const struct galley_paths *p, const char *id)
{
  char *s = NULL;
  return asprintf (&s, "%s/containers/%s", p->runroot, id) < 0 ? NULL : s;
}

bool
container_id_valid (const char *s)
{
  size_t i;

  for (i = 0; s[i] != '\0'; i++)
    if (! ((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
      return false;
  return i == 64;
}

static int
load_record (const char *root, const char *id, json_object **out, galley_error_t *err)
{
  _cleanup_free_ char *path = NULL, *text = NULL;
  size_t len;

  if (asprintf (&path, "%s/containers/%s/container.json", root, id) < 0)
    return galley_error_make (err, errno, "allocating");
  if (fs_read_file (AT_FDCWD, path, 4 << 20, &text, &len, err) < 0)
    return -1;
  return json_parse_strict (text, len, path, out, err);
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
container_create (const struct galley_paths *p, const char *id, const char *name, json_object *config,
                  galley_error_t *err)
{
  _cleanup_free_ char *dir = container_dir (p, id), *containers = NULL, *other = NULL;
  _cleanup_free_ char *created = now_rfc3339 ();
  _cleanup_close_ int lockfd = -1, dfd = -1;
  int found;

  if (! valid_name (name))
    return galley_error_make (err, 0,
                              "invalid container name \"%s\": names must match "
                              "[a-zA-Z0-9][a-zA-Z0-9_.-]*",
                              name);
  if (dir == NULL || asprintf (&containers, "%s/containers", p->root) < 0)
    return galley_error_make (err, errno, "allocating");
  if (fs_mkdir_p (containers, 0700, err) < 0)
    return -1;
  dfd = open (containers, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0)
    return galley_error_make (err, errno, "opening %s", containers);
  /* The name check and the creation are one critical section.  */
  lockfd = lock_open (dfd, "containers.lock", err);
  if (lockfd < 0 || lock_acquire (lockfd, LOCK_EXCLUSIVE, err) < 0)
    return -1;
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
  {
    _cleanup_close_ int cfd = openat (dfd, id, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (cfd < 0 || mkdirat (cfd, "upper", 0755) < 0 || mkdirat (cfd, "work", 0700) < 0)
      return galley_error_make (err, errno, "creating %s", dir);
    json_object_object_add (config, "Id", json_object_new_string (id));
    json_object_object_add (config, "Name", json_object_new_string (name));
    json_object_object_add (config, "Created", json_object_new_string (created ? created : ""));
    if (json_write_atomic (cfd, "container.json", config, err) < 0)
      return -1;
  }
  container_count_change (p);
  return 0;
}

int
container_load (const struct galley_paths *p, const char *name_or_id, json_object **config,
                galley_error_t *err)
{
  _cleanup_free_ char *id = NULL;
  int found = find (p, name_or_id, false, &id, err);

  if (found < 0)
    return -1;
  if (found == 0)
    return galley_error_make (err, ENOENT, "no container with name or ID \"%s\" found", name_or_id);
  return load_record (p->root, id, config, err);
}

int
container_record_exit (const struct galley_paths *p, const char *id, int exit_code, galley_error_t *err)
{
  _cleanup_free_ char *finished = now_rfc3339 ();
  _cleanup_json_ json_object *rec = NULL;
  json_object *state;

  if (load_record (p->root, id, &rec, err) < 0)
    return -1;
  state = json_object_new_object ();
  json_object_object_add (state, "Status", json_object_new_string ("exited"));
  json_object_object_add (state, "ExitCode", json_object_new_int (exit_code));
  json_object_object_add (state, "FinishedAt", json_object_new_string (finished ? finished : ""));
  json_object_object_add (rec, "State", state);
  return container_write_record (p, id, rec, err);
}

int
container_write_record (const struct galley_paths *p, const char *id, json_object *config,
                        galley_error_t *err)
{
  _cleanup_free_ char *dir = container_dir (p, id);
  _cleanup_close_ int cfd = dir ? open (dir, O_PATH | O_DIRECTORY | O_CLOEXEC) : -1;

  if (cfd < 0)
    return galley_error_make (err, errno, "opening %s", dir ? dir : id);
  if (json_write_atomic (cfd, "container.json", config, err) < 0)
    return -1;
  container_count_change (p);
  return 0;
}

void
container_count_change (const struct galley_paths *p)
{
  _cleanup_free_ char *path = NULL;

  if (asprintf (&path, "%s/containers/" CONTAINERS_CHANGE_COUNTER, p->root) < 0)
    return;
  change_counter_bump (AT_FDCWD, path);
}

int
container_remove (const struct galley_paths *p, const struct idmap *map, const char *id, galley_error_t *err)
{
  _cleanup_free_ char *dir = container_dir (p, id), *run = container_run_dir (p, id);
  int ret;

  if (dir == NULL || run == NULL)
    return galley_error_make (err, errno, "allocating");
  /* counted even when only a part is gone */
  ret = userns_remove_tree (map, AT_FDCWD, dir, err);
  container_count_change (p);
  if (ret < 0)
    return galley_error_wrap (err, "removing container %s", id);
  if (fs_remove_tree (AT_FDCWD, run, err) < 0)
    return -1;
  return 0;
}
