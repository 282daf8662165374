/* Named volumes: records, creation, listing, removal (see volume.h).  */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ns/idmap.h"
#include "ns/userns.h"
#include "state/container.h"
#include "state/events.h"
#include "state/lock.h"
#include "state/volume.h"
#include "state/volume_options.h"
#include "util/cleanup.h"
#include "util/digest.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/strv.h"
#include "util/xmalloc.h"

#define VOLUME_RECORD "volume.json"
#define VOLUME_RECORD_MAX (1u << 20)

bool
volume_valid_name (const char *name)
{
  size_t i;

  if (name == NULL || name[0] == '\0' || strlen (name) > 255)
    return false;
  for (i = 0; name[i]; i++)
    {
      char c = name[i];
      bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
      if (! alnum && (i == 0 || (c != '_' && c != '.' && c != '-')))
        return false;
    }
  return true;
}

static char *
volumes_dir (const struct galley_paths *p)
{
  return xasprintf ("%s/volumes", p->root);
}

char *
volume_data_dir (const struct galley_paths *p, const char *name)
{
  return xasprintf ("%s/volumes/%s/_data", p->root, name);
}

static int
invalid_name (galley_error_t *err, const char *name)
{
  return galley_error_kind (err, EINVAL,
                            "invalid volume name \"%.256s\": names must match "
                            "[a-zA-Z0-9][a-zA-Z0-9_.-]*",
                            name ? name : "");
}

/* Open storage/volumes (created when create is set).  */
static int
open_volumes_dir (const struct galley_paths *p, bool create, galley_error_t *err)
{
  _cleanup_free_ char *dir = volumes_dir (p);
  int fd;

  if (create && fs_mkdir_p (dir, 0700, err) < 0)
    return -1;
  fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return galley_error_make (err, errno, "opening %s", dir);
  return fd;
}

/* The volumes lock (held until the returned fd is closed).  */
static int
lock_volumes (int dirfd, galley_error_t *err)
{
  _cleanup_close_ int fd = lock_open (dirfd, ".lock", err);

  if (fd < 0 || lock_acquire (fd, LOCK_EXCLUSIVE, err) < 0)
    return -1;
  return steal_fd (&fd);
}

/* RFC 3339 with nanoseconds in local time, as Go's time.RFC3339Nano.  */
static char *
now_rfc3339nano (void)
{
  struct timespec ts;
  struct tm tm;
  char date[64], frac[16], zone[48];
  long off;
  size_t n;

  clock_gettime (CLOCK_REALTIME, &ts);
  localtime_r (&ts.tv_sec, &tm);
  strftime (date, sizeof date, "%Y-%m-%dT%H:%M:%S", &tm);
  snprintf (frac, sizeof frac, ".%09ld", ts.tv_nsec);
  for (n = strlen (frac); n > 1 && frac[n - 1] == '0'; n--)
    frac[n - 1] = '\0';
  if (strcmp (frac, ".") == 0)
    frac[0] = '\0';
  off = tm.tm_gmtoff / 60;
  if (off == 0)
    strcpy (zone, "Z");
  else
    snprintf (zone, sizeof zone, "%c%02ld:%02ld", off < 0 ? '-' : '+', labs (off) / 60, labs (off) % 60);
  return xasprintf ("%s%s%s", date, frac, zone);
}

static json_object *
string_map_copy (json_object *in)
{
  json_object *out = xalloc_check (json_object_new_object ());

  if (in == NULL)
    return out;
  json_object_object_foreach (in, k, v)
      json_object_object_add (out, k, json_object_new_string (json_object_get_string (v)));
  return out;
}

static json_object *
new_record (const struct galley_paths *p, const char *name, const struct volume_create_options *o,
            const struct volume_options *driver)
{
  _cleanup_free_ char *data = volume_data_dir (p, name);
  _cleanup_free_ char *created = now_rfc3339nano ();
  json_object *r = json_object_new_object ();

  json_object_object_add (r, "Name", json_object_new_string (name));
  json_object_object_add (r, "Driver", json_object_new_string ("local"));
  json_object_object_add (r, "Mountpoint", json_object_new_string (data));
  json_object_object_add (r, "CreatedAt", json_object_new_string (created));
  json_object_object_add (r, "Labels", string_map_copy (o->labels));
  json_object_object_add (r, "Scope", json_object_new_string ("local"));
  json_object_object_add (r, "Options", string_map_copy (o->options));
  json_object_object_add (r, "NeedsCopyUp", json_object_new_boolean (! driver->nocopy));
  json_object_object_add (r, "NeedsChown", json_object_new_boolean (! driver->set_owner));
  if (o->anonymous)
    json_object_object_add (r, "Anonymous", json_object_new_boolean (true));
  return r;
}

/* Under the lock: volumes/<name>/ with _data/ and volume.json (written
 * last, so a directory without it is an interrupted creation).  */
static int
create_locked (const struct galley_paths *p, int dirfd, const char *name,
               const struct volume_create_options *o, const struct volume_options *driver,
               galley_error_t *err)
{
  _cleanup_json_ json_object *record = new_record (p, name, o, driver);
  _cleanup_close_ int vfd = -1;

  if (mkdirat (dirfd, name, 0700) < 0 && errno != EEXIST)
    return galley_error_make (err, errno, "creating volume directory %s", name);
  vfd = openat (dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (vfd < 0)
    return galley_error_make (err, errno, "opening volume directory %s", name);
  /* Containers running as root inside see _data as theirs after the chown
   * of the first mount; 0755 as podman's.  */
  if (mkdirat (vfd, "_data", 0755) < 0 && errno != EEXIST)
    return galley_error_make (err, errno, "creating %s/_data", name);
  return json_write_atomic (vfd, VOLUME_RECORD, record, err);
}

/* Under the lock, unless the volume exists: create it.  */
static int
create_unless_exists (const struct galley_paths *p, const struct volume_create_options *o, const char *name,
                      const struct volume_options *driver, galley_error_t *err)
{
  _cleanup_close_ int dirfd = -1, lockfd = -1;
  struct stat st;

  dirfd = open_volumes_dir (p, true, err);
  if (dirfd < 0)
    return -1;
  lockfd = lock_volumes (dirfd, err);
  if (lockfd < 0)
    return -1;
  if (fstatat (dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0)
    {
      _cleanup_free_ char *path = xasprintf ("%s/%s", name, VOLUME_RECORD);
      if (faccessat (dirfd, path, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
        {
          if (! o->ignore_existing)
            return galley_error_kind (err, EEXIST,
                                      "volume with name %s already exists: volume already exists", name);
          return 0;
        }
    }
  if (create_locked (p, dirfd, name, o, driver, err) < 0)
    return galley_error_wrap (err, "creating volume %s", name);
  return 0;
}

int
volume_create (const struct galley_paths *p, const struct volume_create_options *o, char **name_out,
               galley_error_t *err)
{
  char random_name[HEX_ID_BUFSIZE];
  const char *name = o->name;
  struct volume_options driver;
  int r;

  if (name == NULL)
    {
      if (container_new_id (random_name, err) < 0)
        return -1;
      name = random_name;
    }
  if (! volume_valid_name (name))
    return invalid_name (err, name);
  /* The driver's options checked before anything is written.  */
  if (volume_options_parse (o->options, true, &driver, err) < 0)
    return -1;
  r = create_unless_exists (p, o, name, &driver, err);
  volume_options_clear (&driver);
  if (r < 0)
    return -1;
  event_write_object (p, EVENT_VOLUME, "create", NULL, name);
  if (name_out)
    *name_out = xstrdup (name);
  return 0;
}

static int
no_such_volume (galley_error_t *err, const char *name)
{
  return galley_error_kind (err, ENOENT, "no volume with name \"%.256s\" found: no such volume", name);
}

int
volume_load (const struct galley_paths *p, const char *name, json_object **out, galley_error_t *err)
{
  _cleanup_free_ char *path = NULL, *text = NULL;
  _cleanup_error_ galley_error_t read_err = NULL;
  size_t len;

  if (! volume_valid_name (name))
    return no_such_volume (err, name ? name : "");
  path = xasprintf ("%s/volumes/%s/" VOLUME_RECORD, p->root, name);
  if (fs_read_file (AT_FDCWD, path, VOLUME_RECORD_MAX, &text, &len, &read_err) < 0)
    {
      if (galley_error_errno (&read_err) == ENOENT || galley_error_errno (&read_err) == ENOTDIR)
        return no_such_volume (err, name);
      *err = steal_pointer (&read_err);
      return -1;
    }
  return json_parse_strict (text, len, path, out, err);
}

bool
volume_exists (const struct galley_paths *p, const char *name)
{
  _cleanup_json_ json_object *r = NULL;
  _cleanup_error_ galley_error_t err = NULL;

  return volume_load (p, name, &r, &err) == 0;
}

static int
compare_names (const void *a, const void *b)
{
  return strcmp (*(char *const *)a, *(char *const *)b);
}

int
volume_list (const struct galley_paths *p, char ***names, galley_error_t *err)
{
  _cleanup_free_ char *dir = volumes_dir (p);
  _cleanup_closedir_ DIR *d = NULL;
  _cleanup_strv_ char **v = xcalloc (1, sizeof *v);
  struct dirent *de;

  d = opendir (dir);
  if (d == NULL && errno != ENOENT)
    return galley_error_make (err, errno, "opening %s", dir);
  while (d && (de = readdir (d)) != NULL)
    {
      _cleanup_free_ char *rec = NULL;
      if (! volume_valid_name (de->d_name))
        continue;
      rec = xasprintf ("%s/" VOLUME_RECORD, de->d_name);
      if (faccessat (dirfd (d), rec, F_OK, AT_SYMLINK_NOFOLLOW) < 0)
        continue; /* an interrupted creation */
      strv_append (&v, de->d_name);
    }
  qsort (v, strv_len (v), sizeof *v, compare_names);
  *names = steal_pointer (&v);
  return 0;
}

/* The source of one -v argument when it names a volume ("name:/dst...").  */
static char *
volume_arg_name (const char *arg)
{
  const char *colon = strchr (arg, ':');

  if (colon == NULL || arg[0] == '/' || arg[0] == '.' || colon == arg)
    return NULL;
  return xstrndup (arg, (size_t)(colon - arg));
}

/* The source of a --mount type=volume,source=NAME argument.  */
static char *
mount_arg_name (const char *arg)
{
  _cleanup_free_ char *copy = xstrdup (arg);
  char *save = NULL, *tok;
  const char *source = NULL;
  bool is_volume = false;

  for (tok = strtok_r (copy, ",", &save); tok; tok = strtok_r (NULL, ",", &save))
    {
      if (strcmp (tok, "type=volume") == 0)
        is_volume = true;
      else if (strncmp (tok, "source=", 7) == 0)
        source = tok + 7;
      else if (strncmp (tok, "src=", 4) == 0)
        source = tok + 4;
    }
  return is_volume && source && source[0] ? xstrdup (source) : NULL;
}

char **
volume_names_in_config (const struct container_config *config)
{
  char *const *const args[] = { config->volumes, config->mounts, config->anonymous_volumes };
  char **v = xcalloc (1, sizeof *v);
  size_t k, i;

  for (k = 0; k < 3; k++)
    for (i = 0; args[k] != NULL && args[k][i] != NULL; i++)
      {
        const char *arg = args[k][i];
        _cleanup_free_ char *name = k == 0   ? volume_arg_name (arg)
                                    : k == 1 ? mount_arg_name (arg)
                                             : xstrdup (arg);
        if (name && volume_valid_name (name))
          strv_append (&v, name);
      }
  return v;
}

int
volume_users (const struct galley_paths *p, const char *name, char ***ids, galley_error_t *err)
{
  _cleanup_free_ char *dir = xasprintf ("%s/containers", p->root);
  _cleanup_closedir_ DIR *d = NULL;
  _cleanup_strv_ char **v = xcalloc (1, sizeof *v);
  struct dirent *de;

  d = opendir (dir);
  if (d == NULL && errno != ENOENT)
    return galley_error_make (err, errno, "opening %s", dir);
  while (d && (de = readdir (d)) != NULL)
    {
      _cleanup_free_ char *path = NULL, *text = NULL;
      _cleanup_container_config_ struct container_config config = { 0 };
      _cleanup_error_ galley_error_t ignored = NULL;
      _cleanup_strv_ char **used = NULL;
      size_t len, i;

      if (de->d_name[0] == '.')
        continue;
      path = xasprintf ("%s/container.json", de->d_name);
      if (fs_read_file (dirfd (d), path, VOLUME_RECORD_MAX * 4, &text, &len, &ignored) < 0
          || container_config_parse (text, len, path, &config, &ignored) < 0)
        continue;
      used = volume_names_in_config (&config);
      for (i = 0; used && used[i]; i++)
        if (strcmp (used[i], name) == 0)
          {
            strv_append (&v, de->d_name);
            break;
          }
    }
  *ids = steal_pointer (&v);
  return 0;
}

int
volume_remove (const struct galley_paths *p, const char *name, bool force, galley_error_t *err)
{
  _cleanup_json_ json_object *record = NULL;
  _cleanup_close_ int dirfd = -1, lockfd = -1;
  _cleanup_strv_ char **users = NULL;
  _cleanup_free_ char *removing = NULL;

  if (volume_load (p, name, &record, err) < 0)
    return -1;
  dirfd = open_volumes_dir (p, false, err);
  if (dirfd < 0)
    return -1;
  lockfd = lock_volumes (dirfd, err);
  if (lockfd < 0)
    return -1;
  if (volume_users (p, name, &users, err) < 0)
    return -1;
  if (users[0] && ! force)
    {
      return galley_error_kind (err, EBUSY,
                                "volume %s is being used by the following container(s): %s: volume "
                                "is being used",
                                name, users[0]);
    }
  /* Renamed first: a crash in the middle leaves no half volume behind,
   * and the leftover is removed by the next removal.  */
  removing = xasprintf (".removing-%s", name);
  if (renameat (dirfd, name, dirfd, removing) < 0)
    {
      if (errno == ENOENT)
        return no_such_volume (err, name);
      return galley_error_make (err, errno, "renaming volume %s for removal", name);
    }
  if (userns_remove_tree (NULL, dirfd, removing, err) < 0)
    return galley_error_wrap (err, "removing volume %s", name);
  event_write_object (p, EVENT_VOLUME, "remove", NULL, name);
  return 0;
}

int
volume_set_flag (const struct galley_paths *p, const char *name, const char *field, bool value,
                 galley_error_t *err)
{
  _cleanup_json_ json_object *record = NULL;
  _cleanup_close_ int dirfd = -1, lockfd = -1, vfd = -1;

  dirfd = open_volumes_dir (p, false, err);
  if (dirfd < 0)
    return -1;
  lockfd = lock_volumes (dirfd, err);
  if (lockfd < 0 || volume_load (p, name, &record, err) < 0)
    return -1;
  vfd = openat (dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (vfd < 0)
    return galley_error_make (err, errno, "opening volume %s", name);
  json_object_object_add (record, field, json_object_new_boolean (value));
  return json_write_atomic (vfd, VOLUME_RECORD, record, err);
}

json_object *
volume_inspect_record (json_object *record)
{
  static const char *const order[] = { "Name",   "Driver", "Mountpoint", "CreatedAt",
                                       "Labels", "Scope",  "Options" };
  json_object *out = xalloc_check (json_object_new_object ()), *v;
  size_t i;

  for (i = 0; i < sizeof order / sizeof order[0]; i++)
    if (json_object_object_get_ex (record, order[i], &v))
      json_object_object_add (out, order[i], json_object_get (v));
  json_object_object_add (out, "MountCount", json_object_new_int (0));
  if (json_object_object_get_ex (record, "NeedsCopyUp", &v))
    json_object_object_add (out, "NeedsCopyUp", json_object_get (v));
  if (json_object_object_get_ex (record, "NeedsChown", &v))
    json_object_object_add (out, "NeedsChown", json_object_get (v));
  return out;
}
