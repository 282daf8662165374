/* The secret store (see secret.h).  */
#include "config.h"
#include "state/secret.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "state/lock.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/random.h"
#include "util/strv.h"
#include "util/time.h"
#include "util/xmalloc.h"

#define SECRET_RECORD "secret.json"
#define SECRET_DATA "data"
#define SECRET_RECORD_MAX (1u << 20)
#define SECRET_TEMP_PREFIX ".tmp-"

void
secret_clear (struct secret *s)
{
  free (s->id);
  free (s->name);
  free (s->driver);
  cleanup_strvp (&s->driver_options);
  cleanup_strvp (&s->labels);
  memset (s, 0, sizeof *s);
}

void
secret_list_free (struct secret *list, size_t n)
{
  for (size_t i = 0; i < n; i++)
    secret_clear (&list[i]);
  free (list);
}

static bool
alnum (char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool
secret_valid_name (const char *name)
{
  size_t n = name ? strlen (name) : 0;

  if (n == 0 || n > 64 || ! alnum (name[0]) || ! alnum (name[n - 1]))
    return false;
  for (size_t i = 0; i < n; i++)
    if (! alnum (name[i]) && name[i] != '_' && name[i] != '.' && name[i] != '-')
      return false;
  return true;
}

static bool
valid_id (const char *s)
{
  size_t i;

  for (i = 0; s[i]; i++)
    if (! ((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
      return false;
  return i == SECRET_ID_LEN;
}

static char *
secrets_dir (const struct galley_paths *p)
{
  char *dir = NULL;

  if (asprintf (&dir, "%s/secrets", p->root) < 0)
    abort ();
  return dir;
}

/* storage/secrets; -1 with ENOENT when absent.  */
static int
open_secrets_dir (const struct galley_paths *p, galley_error_t *err)
{
  _cleanup_free_ char *dir = secrets_dir (p);
  int fd;

  fd = open (dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return galley_error_make (err, errno, "opening %s", dir);
  return fd;
}

/* A map of "KEY=VALUE" strings (a bare KEY: an empty value).  */
static json_object *
map_of_pairs (char *const *pairs)
{
  json_object *map = json_object_new_object ();

  for (size_t i = 0; pairs && pairs[i]; i++)
    {
      const char *eq = strchr (pairs[i], '=');
      _cleanup_free_ char *key = eq ? strndup (pairs[i], (size_t)(eq - pairs[i])) : strdup (pairs[i]);
      if (key == NULL)
        abort ();
      json_object_object_add (map, key, json_object_new_string (eq ? eq + 1 : ""));
    }
  return map;
}

static int
compare_strings (const void *a, const void *b)
{
  return strcmp (*(char *const *)a, *(char *const *)b);
}

/* The "KEY=VALUE" strings of a map, sorted.  */
static char **
pairs_of_map (json_object *map)
{
  char **v = calloc (1, sizeof *v);

  if (v == NULL)
    abort ();
  if (map == NULL || ! json_object_is_type (map, json_type_object))
    return v;
  json_object_object_foreach (map, key, val)
  {
    _cleanup_free_ char *pair = NULL;
    if (asprintf (&pair, "%s=%s", key, json_object_get_string (val)) < 0 || strv_append (&v, pair) < 0)
      abort ();
  }
  qsort (v, strv_len (v), sizeof *v, compare_strings);
  return v;
}

/* The record as stored: podman's inspect object without the driver's
 * path, which depends on where the store is.  */
static json_object *
record_json (const struct secret *s)
{
  json_object *o = json_object_new_object (), *spec = json_object_new_object ();
  json_object *driver = json_object_new_object ();
  char t[64];

  json_object_object_add (o, "ID", json_object_new_string (s->id));
  time_format_rfc3339 (s->created_ns, t, sizeof t);
  json_object_object_add (o, "CreatedAt", json_object_new_string (t));
  time_format_rfc3339 (s->updated_ns, t, sizeof t);
  json_object_object_add (o, "UpdatedAt", json_object_new_string (t));
  json_object_object_add (spec, "Name", json_object_new_string (s->name));
  json_object_object_add (driver, "Name", json_object_new_string (s->driver));
  json_object_object_add (driver, "Options", map_of_pairs (s->driver_options));
  json_object_object_add (spec, "Driver", driver);
  json_object_object_add (spec, "Labels", map_of_pairs (s->labels));
  json_object_object_add (o, "Spec", spec);
  return o;
}

json_object *
secret_inspect_json (const struct galley_paths *p, const struct secret *s)
{
  json_object *o = record_json (s), *spec, *driver, *options;
  _cleanup_free_ char *dir = secrets_dir (p);

  if (json_object_object_get_ex (o, "Spec", &spec) && json_object_object_get_ex (spec, "Driver", &driver)
      && json_object_object_get_ex (driver, "Options", &options))
    json_object_object_add (options, "path", json_object_new_string (dir));
  return o;
}

static int
parse_record (json_object *o, struct secret *out, galley_error_t *err)
{
  json_object *spec = NULL, *driver = NULL, *options = NULL, *labels = NULL;
  const char *id = json_get_string (o, "ID");
  const char *name;

  if (! json_object_object_get_ex (o, "Spec", &spec) || (name = json_get_string (spec, "Name")) == NULL
      || id == NULL || ! valid_id (id))
    return galley_error_make (err, EINVAL, "a secret record without its ID or name");
  json_object_object_get_ex (spec, "Driver", &driver);
  if (driver != NULL)
    json_object_object_get_ex (driver, "Options", &options);
  json_object_object_get_ex (spec, "Labels", &labels);
  out->id = strdup (id);
  out->name = strdup (name);
  out->driver =
      strdup (driver && json_get_string (driver, "Name") ? json_get_string (driver, "Name") : "file");
  out->driver_options = pairs_of_map (options);
  out->labels = pairs_of_map (labels);
  out->created_ns = time_parse_rfc3339 (json_get_string (o, "CreatedAt"));
  out->updated_ns = time_parse_rfc3339 (json_get_string (o, "UpdatedAt"));
  if (out->id == NULL || out->name == NULL || out->driver == NULL)
    abort ();
  return 0;
}

/* secrets/<id>/secret.json.  */
static int
load_record (int dirfd, const char *id, struct secret *out, galley_error_t *err)
{
  _cleanup_free_ char *path = xasprintf ("%s/%s", id, SECRET_RECORD), *text = NULL;
  _cleanup_json_ json_object *o = NULL;
  size_t len;

  if (fs_read_file (dirfd, path, SECRET_RECORD_MAX, &text, &len, err) < 0
      || json_parse_strict (text, len, path, &o, err) < 0 || parse_record (o, out, err) < 0)
    return galley_error_wrap (err, "secret %s", id);
  return 0;
}

static int
compare_created (const void *a, const void *b)
{
  const struct secret *x = a, *y = b;
  return x->created_ns < y->created_ns ? -1 : x->created_ns > y->created_ns;
}

/* Every secret of the open secrets directory; ones removed meanwhile are
 * left out.  */
static int
list_in (int dirfd, struct secret **out, size_t *n, galley_error_t *err)
{
  _cleanup_close_ int scan = openat (dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  DIR *d = scan >= 0 ? fdopendir (scan) : NULL;
  struct secret *list = NULL;
  size_t count = 0;
  struct dirent *e;

  if (d == NULL)
    return galley_error_make (err, errno, "reading the secrets directory");
  scan = -1;
  while ((e = readdir (d)) != NULL)
    {
      _cleanup_error_ galley_error_t gone = NULL;
      struct secret s = { 0 };
      if (! valid_id (e->d_name))
        continue;
      if (load_record (dirfd, e->d_name, &s, &gone) < 0)
        {
          secret_clear (&s);
          if (galley_error_errno (&gone) == ENOENT)
            continue;
          *err = steal_pointer (&gone);
          closedir (d);
          secret_list_free (list, count);
          return -1;
        }
      list = realloc (list, (count + 1) * sizeof *list);
      if (list == NULL)
        abort ();
      list[count++] = s;
    }
  closedir (d);
  if (count > 1)
    qsort (list, count, sizeof *list, compare_created);
  *out = list;
  *n = count;
  return 0;
}

int
secret_list (const struct galley_paths *p, struct secret **out, size_t *n, galley_error_t *err)
{
  _cleanup_error_ galley_error_t missing = NULL;
  _cleanup_close_ int dirfd = open_secrets_dir (p, &missing);

  *out = NULL;
  *n = 0;
  if (dirfd < 0)
    {
      if (galley_error_errno (&missing) == ENOENT)
        return 0;
      *err = steal_pointer (&missing);
      return -1;
    }
  return list_in (dirfd, out, n, err);
}

static int
no_such_secret (galley_error_t *err, const char *name_or_id)
{
  return galley_error_kind (err, ENOENT, "no secret with name or id \"%.256s\": no such secret", name_or_id);
}

/* The index of the secret called name_or_id: by name first, then by full
 * id, then by a unique id prefix, as podman's; n when there is none, -1
 * (and *err) when the prefix is ambiguous.  */
static ssize_t
find_in (const struct secret *list, size_t n, const char *name_or_id, galley_error_t *err)
{
  size_t found = n, len = strlen (name_or_id);

  for (size_t i = 0; i < n; i++)
    if (strcmp (list[i].name, name_or_id) == 0)
      return (ssize_t)i;
  for (size_t i = 0; i < n; i++)
    if (strcmp (list[i].id, name_or_id) == 0)
      return (ssize_t)i;
  for (size_t i = 0; i < n && len > 0; i++)
    if (strncmp (list[i].id, name_or_id, len) == 0)
      {
        if (found != n)
          return galley_error_kind (err, EINVAL, "more than one result secret with prefix %.256s",
                                    name_or_id);
        found = i;
      }
  return (ssize_t)found;
}

static int
lookup_in (int dirfd, const char *name_or_id, struct secret *out, galley_error_t *err)
{
  struct secret *list = NULL;
  size_t n = 0;
  ssize_t found;

  if (list_in (dirfd, &list, &n, err) < 0)
    return -1;
  found = find_in (list, n, name_or_id, err);
  if (found >= 0 && (size_t)found < n)
    {
      *out = list[found];
      memset (&list[found], 0, sizeof list[found]);
    }
  secret_list_free (list, n);
  if (found < 0)
    return -1;
  if ((size_t)found == n)
    return no_such_secret (err, name_or_id);
  return 0;
}

int
secret_lookup (const struct galley_paths *p, const char *name_or_id, struct secret *out, galley_error_t *err)
{
  _cleanup_error_ galley_error_t missing = NULL;
  _cleanup_close_ int dirfd = open_secrets_dir (p, &missing);

  memset (out, 0, sizeof *out);
  if (dirfd < 0)
    {
      if (galley_error_errno (&missing) == ENOENT)
        return no_such_secret (err, name_or_id);
      *err = steal_pointer (&missing);
      return -1;
    }
  return lookup_in (dirfd, name_or_id, out, err);
}

/* What a writer that died left: temporary directories (under the lock,
 * nobody else is writing one).  */
static void
remove_leftovers (int dirfd)
{
  _cleanup_close_ int scan = openat (dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  DIR *d = scan >= 0 ? fdopendir (scan) : NULL;
  struct dirent *e;

  if (d == NULL)
    return;
  scan = -1;
  while ((e = readdir (d)) != NULL)
    if (strncmp (e->d_name, SECRET_TEMP_PREFIX, strlen (SECRET_TEMP_PREFIX)) == 0)
      {
        _cleanup_error_ galley_error_t ignored = NULL;
        fs_remove_tree (dirfd, e->d_name, &ignored);
      }
  closedir (d);
}

static int
write_data (int dirfd, const char *name, const char *data, size_t len, galley_error_t *err)
{
  _cleanup_close_ int fd = openat (dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);

  if (fd < 0)
    return galley_error_make (err, errno, "creating %s", name);
  if (fs_write_all (fd, data, len) < 0 || fsync (fd) < 0)
    return galley_error_make (err, errno, "writing %s", name);
  return 0;
}

static int
validate_create (const struct secret_create_options *o, galley_error_t *err)
{
  const char *driver = o->driver ? o->driver : "file";

  if (! secret_valid_name (o->name))
    return galley_error_kind (err, EINVAL,
                              "only 64 [a-zA-Z0-9-_.] characters allowed, and the start and end character "
                              "must be [a-zA-Z0-9]: %.256s: invalid secret name",
                              o->name ? o->name : "");
  if (strcmp (driver, "pass") == 0 || strcmp (driver, "shell") == 0)
    return galley_error_kind (err, EINVAL,
                              "secret driver \"%s\" is not supported: galley has the file driver", driver);
  if (strcmp (driver, "file") != 0)
    return galley_error_kind (err, EINVAL, "invalid driver");
  for (size_t i = 0; o->driver_options && o->driver_options[i]; i++)
    if (strncmp (o->driver_options[i], "path=", 5) == 0 || strcmp (o->driver_options[i], "path") == 0)
      return galley_error_kind (err, EINVAL,
                                "driver option path is not supported: the file driver keeps its data in "
                                "galley's storage");
  if (o->len == 0 || o->len >= SECRET_DATA_MAX)
    return galley_error_kind (err, EINVAL, "secret data must be larger than 0 and less than %d bytes",
                              SECRET_DATA_MAX);
  return 0;
}

/* Write the secret under a temporary name in dirfd; the caller renames it.  */
static int
write_secret (int dirfd, const char *tmp, const struct secret *s, const struct secret_create_options *o,
              galley_error_t *err)
{
  _cleanup_close_ int fd = -1;
  _cleanup_json_ json_object *record = record_json (s);

  if (mkdirat (dirfd, tmp, 0700) < 0)
    return galley_error_make (err, errno, "creating %s", tmp);
  fd = openat (dirfd, tmp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return galley_error_make (err, errno, "opening %s", tmp);
  if (write_data (fd, SECRET_DATA, o->data, o->len, err) < 0
      || json_write_atomic (fd, SECRET_RECORD, record, err) < 0)
    return -1;
  return 0;
}

/* 0 when no secret is called name; -1 (EEXIST) when one is.  */
static int
name_in_use (int dirfd, const char *name, galley_error_t *err)
{
  struct secret *list = NULL;
  size_t n = 0;
  bool used = false;

  if (list_in (dirfd, &list, &n, err) < 0)
    return -1;
  for (size_t i = 0; i < n; i++)
    used = used || strcmp (list[i].name, name) == 0;
  secret_list_free (list, n);
  if (used)
    return galley_error_kind (err, EEXIST, "%s: secret name in use", name);
  return 0;
}

int
secret_create (const struct galley_paths *p, const struct secret_create_options *o, char **id_out,
               galley_error_t *err)
{
  _cleanup_close_ int dirfd = -1, lock = -1;
  _cleanup_free_ char *tmp = NULL, *dir = secrets_dir (p);
  struct secret s = { 0 };
  char id[SECRET_ID_LEN + 1];
  int ret = -1;

  if (validate_create (o, err) < 0 || paths_ensure_root (p, err) < 0
      || (lock = lock_in_dir (dir, ".lock", &dirfd, err)) < 0)
    return -1;
  remove_leftovers (dirfd);
  if (name_in_use (dirfd, o->name, err) != 0)
    return -1;
  if (random_hex (id, SECRET_ID_LEN, err) < 0)
    return -1;
  s.id = strdup (id);
  s.name = strdup (o->name);
  s.driver = strdup ("file");
  s.driver_options = pairs_of_map (NULL);
  s.labels = pairs_of_map (NULL);
  for (size_t i = 0; o->driver_options && o->driver_options[i]; i++)
    strv_append (&s.driver_options, o->driver_options[i]);
  for (size_t i = 0; o->labels && o->labels[i]; i++)
    strv_append (&s.labels, o->labels[i]);
  s.created_ns = s.updated_ns = time_now_ns ();
  if (asprintf (&tmp, "%s%s", SECRET_TEMP_PREFIX, id) < 0)
    tmp = NULL;
  if (s.id == NULL || s.name == NULL || s.driver == NULL || tmp == NULL)
    abort ();
  if (write_secret (dirfd, tmp, &s, o, err) < 0)
    goto out;
  if (renameat (dirfd, tmp, dirfd, id) < 0)
    {
      galley_error_make (err, errno, "storing secret %s", o->name);
      goto out;
    }
  fsync (dirfd);
  *id_out = strdup (id);
  ret = 0;
out:
  if (ret < 0)
    {
      _cleanup_error_ galley_error_t ignored = NULL;
      fs_remove_tree (dirfd, tmp, &ignored);
    }
  secret_clear (&s);
  return ret;
}

/* secrets/<id>/data, opened for reading (a regular file; no symlink is
 * followed on the way).  */
static int
open_data (const struct galley_paths *p, const char *id, struct stat *st, galley_error_t *err)
{
  _cleanup_close_ int dirfd = -1, sfd = -1, fd = -1;

  if (! valid_id (id))
    return galley_error_kind (err, EINVAL, "invalid secret id \"%.64s\"", id);
  if ((dirfd = open_secrets_dir (p, err)) < 0)
    return -1;
  sfd = openat (dirfd, id, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (sfd >= 0)
    fd = openat (sfd, SECRET_DATA, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0)
    return errno == ENOENT ? no_such_secret (err, id)
                           : galley_error_make (err, errno, "opening secret %s", id);
  if (fstat (fd, st) < 0)
    return galley_error_make (err, errno, "secret %s", id);
  if (! S_ISREG (st->st_mode) || st->st_size >= SECRET_DATA_MAX)
    return galley_error_make (err, EINVAL, "secret %s: its data is not a regular file of less than %d bytes",
                              id, SECRET_DATA_MAX);
  return steal_fd (&fd);
}

int
secret_read_data (const struct galley_paths *p, const char *id, char **data, size_t *len, galley_error_t *err)
{
  struct stat st;
  _cleanup_close_ int fd = open_data (p, id, &st, err);
  char *buf;
  ssize_t n;

  if (fd < 0)
    return -1;
  buf = calloc (1, (size_t)st.st_size + 1);
  if (buf == NULL)
    return galley_error_make (err, ENOMEM, "allocating");
  n = read (fd, buf, (size_t)st.st_size);
  if (n != st.st_size)
    {
      free (buf);
      return galley_error_make (err, n < 0 ? errno : EIO, "reading secret %s", id);
    }
  *data = buf;
  *len = (size_t)n;
  return 0;
}

int
secret_copy_data (const struct galley_paths *p, const char *id, int dirfd, const char *name,
                  galley_error_t *err)
{
  struct stat st;
  _cleanup_close_ int in = open_data (p, id, &st, err), out = -1;

  if (in < 0)
    return -1;
  out = openat (dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (out < 0)
    return galley_error_make (err, errno, "creating the copy of secret %s", id);
  if (fs_copy_data (in, out, st.st_size, err) < 0)
    return galley_error_wrap (err, "copying secret %s", id);
  return 0;
}

int
secret_remove (const struct galley_paths *p, const char *name_or_id, char **id_out, galley_error_t *err)
{
  _cleanup_free_ char *dir = secrets_dir (p), *doomed = NULL;
  _cleanup_close_ int dirfd = -1, lock = -1;
  struct secret s = { 0 };
  int ret = -1;

  if (paths_ensure_root (p, err) < 0 || (lock = lock_in_dir (dir, ".lock", &dirfd, err)) < 0
      || lookup_in (dirfd, name_or_id, &s, err) < 0)
    return -1;
  /* Gone at once for every reader; the files go after.  */
  if (asprintf (&doomed, "%s%s", SECRET_TEMP_PREFIX, s.id) < 0)
    abort ();
  if (renameat (dirfd, s.id, dirfd, doomed) < 0)
    galley_error_make (err, errno, "removing secret %s", s.name);
  else if (fs_remove_tree (dirfd, doomed, err) == 0)
    {
      *id_out = steal_pointer (&s.id);
      ret = 0;
    }
  secret_clear (&s);
  return ret;
}

static const struct filter_key secret_filter_keys[] = {
  { "name", FILTER_REGEX, NULL },
  { "id", FILTER_REGEX, NULL },
  { NULL, 0, NULL },
};

const struct filter_syntax secret_filter_syntax = {
  .keys = secret_filter_keys,
  .malformed = "filter input must be in the form of filter=value: %s is invalid",
  .unknown = "invalid filter \"%s\"",
};

bool
secret_matches_filters (const struct secret *s, const struct filter_set *f)
{
  size_t k;

  for (k = 0; f != NULL && k < f->n; k++)
    if (! filter_group_matches_any (&f->groups[k],
                                    strcmp (f->groups[k].key->name, "name") == 0 ? s->name : s->id))
      return false;
  return true;
}
