/* Volumes in containers (see volume_mounts.h).  */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runtime/volume_mounts.h"
#include "runtime/spec.h"
#include "state/volume.h"
#include "util/cleanup.h"
#include "util/json.h"
#include "util/log.h"

void
volume_mount_info_clear (struct volume_mount_info *i)
{
  free (i->volume);
  memset (i, 0, sizeof *i);
}

/* -v: "SRC:DST[:OPTS]" with a volume name as SRC, or "/DST" alone
 * (anonymous).  *name NULL and *anonymous false: a bind mount.  */
static int
split_volume_arg (const char *arg, char **name, bool *anonymous, const char **rest)
{
  const char *colon = strchr (arg, ':');

  *name = NULL;
  *anonymous = false;
  *rest = NULL;
  if (colon == NULL)
    {
      *anonymous = arg[0] == '/';
      return 0;
    }
  if (arg[0] == '/' || arg[0] == '.' || colon == arg)
    return 0;
  *name = strndup (arg, (size_t)(colon - arg));
  *rest = colon;
  return *name ? 0 : -1;
}

/* --mount: the comma-separated fields.  */
struct mount_fields
{
  char **items;
  size_t n;
  bool is_volume;
  int source; /* index of source=/src=, -1 */
  int target; /* index of target=/destination=/dst=, -1 */
};

static void
mount_fields_clear (struct mount_fields *f)
{
  size_t i;

  for (i = 0; i < f->n; i++)
    free (f->items[i]);
  free (f->items);
  memset (f, 0, sizeof *f);
}

static int
mount_fields_parse (const char *arg, struct mount_fields *f)
{
  const char *p = arg;

  memset (f, 0, sizeof *f);
  f->source = f->target = -1;
  while (*p)
    {
      const char *end = strchrnul (p, ',');
      char **grown = realloc (f->items, (f->n + 1) * sizeof *grown);
      char *item;
      if (grown == NULL)
        return -1;
      f->items = grown;
      item = f->items[f->n] = strndup (p, (size_t)(end - p));
      if (item == NULL)
        return -1;
      if (strcmp (item, "type=volume") == 0)
        f->is_volume = true;
      else if (strncmp (item, "source=", 7) == 0 || strncmp (item, "src=", 4) == 0)
        f->source = (int)f->n;
      else if (strncmp (item, "target=", 7) == 0 || strncmp (item, "destination=", 12) == 0
               || strncmp (item, "dst=", 4) == 0)
        f->target = (int)f->n;
      f->n++;
      p = *end ? end + 1 : end;
    }
  return 0;
}

static const char *
field_value (const char *item)
{
  const char *eq = strchr (item, '=');
  return eq ? eq + 1 : "";
}

static int
invalid_volume_name (galley_error_t *err, const char *name)
{
  return galley_error_make (
      err, 0, "invalid volume name \"%.256s\": names must match [a-zA-Z0-9][a-zA-Z0-9_.-]*", name);
}

/* Create the volume unless it exists; anonymous: a new random name.  */
static int
ensure_volume (const struct galley_paths *p, const char *name, bool anonymous, char **created,
               galley_error_t *err)
{
  struct volume_create_options o = { .name = name, .ignore_existing = true, .anonymous = anonymous };

  return volume_create (p, &o, created, err);
}

static int
add_anonymous (json_object *config, const char *name)
{
  json_object *arr;

  if (! json_object_object_get_ex (config, "AnonymousVolumes", &arr))
    {
      arr = json_object_new_array ();
      json_object_object_add (config, "AnonymousVolumes", arr);
    }
  return json_object_array_add (arr, json_object_new_string (name));
}

/* Validate first, create after: a bad name must leave nothing behind.  */
static int
prepare_pass (const struct galley_paths *p, json_object *config, bool create, galley_error_t *err)
{
  json_object *vols = NULL, *mounts = NULL;
  size_t i;

  json_object_object_get_ex (config, "Volumes", &vols);
  json_object_object_get_ex (config, "Mounts", &mounts);
  for (i = 0; vols && i < json_object_array_length (vols); i++)
    {
      const char *arg = json_object_get_string (json_object_array_get_idx (vols, i)), *rest;
      _cleanup_free_ char *name = NULL, *created = NULL, *rewritten = NULL;
      bool anonymous;

      if (split_volume_arg (arg, &name, &anonymous, &rest) < 0)
        return galley_error_make (err, ENOMEM, "allocating");
      if (name && ! volume_valid_name (name))
        return invalid_volume_name (err, name);
      if (! create || (name == NULL && ! anonymous))
        continue;
      if (ensure_volume (p, name, anonymous, &created, err) < 0)
        return -1;
      if (anonymous)
        {
          if (asprintf (&rewritten, "%s:%s", created, arg) < 0)
            return galley_error_make (err, ENOMEM, "allocating");
          json_object_array_put_idx (vols, i, json_object_new_string (rewritten));
          add_anonymous (config, created);
        }
    }
  for (i = 0; mounts && i < json_object_array_length (mounts); i++)
    {
      const char *arg = json_object_get_string (json_object_array_get_idx (mounts, i));
      _cleanup_free_ char *created = NULL, *rewritten = NULL;
      struct mount_fields f;
      const char *name;

      if (mount_fields_parse (arg, &f) < 0)
        {
          mount_fields_clear (&f);
          return galley_error_make (err, ENOMEM, "allocating");
        }
      name = f.source >= 0 ? field_value (f.items[f.source]) : NULL;
      if (f.is_volume && name && *name && ! volume_valid_name (name))
        {
          invalid_volume_name (err, name);
          mount_fields_clear (&f);
          return -1;
        }
      if (create && f.is_volume)
        {
          bool anonymous = name == NULL || *name == '\0';
          if (ensure_volume (p, anonymous ? NULL : name, anonymous, &created, err) < 0)
            {
              mount_fields_clear (&f);
              return -1;
            }
          if (anonymous)
            {
              if (asprintf (&rewritten, "%s,source=%s", arg, created) < 0)
                created = NULL;
              json_object_array_put_idx (mounts, i, json_object_new_string (rewritten ? rewritten : arg));
              add_anonymous (config, created);
            }
        }
      mount_fields_clear (&f);
    }
  return 0;
}

int
volume_mounts_prepare (const struct galley_paths *p, json_object *config, galley_error_t *err)
{
  if (prepare_pass (p, config, false, err) < 0 || paths_ensure_root (p, err) < 0)
    return -1;
  return prepare_pass (p, config, true, err);
}

/* Options of a -v volume: drop U/copy/nocopy (telling info), keep the rest.  */
static int
filter_volume_options (const char *opts, struct volume_mount_info *info, char **kept)
{
  _cleanup_free_ char *copy = strdup (opts);
  char *save = NULL, *o;
  size_t len = 0;

  *kept = calloc (1, strlen (opts) + 1);
  if (copy == NULL || *kept == NULL)
    return -1;
  for (o = strtok_r (copy, ",", &save); o; o = strtok_r (NULL, ",", &save))
    {
      if (strcmp (o, "U") == 0)
        info->chown = true;
      else if (strcmp (o, "nocopy") == 0)
        info->copy_up = false;
      else if (strcmp (o, "copy") == 0)
        ;
      else
        {
          len += (size_t)sprintf (*kept + len, "%s%s", len ? "," : "", o);
        }
    }
  return 0;
}

static int
needs_copy_up (const struct galley_paths *p, const char *name, bool *out, galley_error_t *err)
{
  _cleanup_json_ json_object *record = NULL;
  json_object *v;

  if (volume_load (p, name, &record, err) < 0)
    return -1;
  *out = ! json_object_object_get_ex (record, "NeedsCopyUp", &v) || json_object_get_boolean (v);
  return 0;
}

static int
rewrite_volume_arg (const struct galley_paths *p, const char *arg, char **rewritten,
                    struct volume_mount_info *info, galley_error_t *err)
{
  _cleanup_free_ char *name = NULL, *data = NULL, *kept = NULL, *dst = NULL;
  const char *rest, *opts;
  bool anonymous;

  if (split_volume_arg (arg, &name, &anonymous, &rest) < 0)
    return galley_error_make (err, ENOMEM, "allocating");
  if (anonymous)
    return galley_error_make (err, 0, "anonymous volume \"%.256s\" was not prepared", arg);
  if (name == NULL)
    return 0;
  if (! volume_valid_name (name))
    return invalid_volume_name (err, name);
  if (needs_copy_up (p, name, &info->copy_up, err) < 0)
    return -1;
  opts = strchr (rest + 1, ':');
  dst = opts ? strndup (rest + 1, (size_t)(opts - rest - 1)) : strdup (rest + 1);
  data = volume_data_dir (p, name);
  if (dst == NULL || data == NULL || filter_volume_options (opts ? opts + 1 : "", info, &kept) < 0)
    return galley_error_make (err, ENOMEM, "allocating");
  if (asprintf (rewritten, "%s:%s%s%s", data, dst, *kept ? ":" : "", kept) < 0)
    return galley_error_make (err, ENOMEM, "allocating");
  info->volume = steal_pointer (&name);
  return 0;
}

static int
rewrite_mount_arg (const struct galley_paths *p, const char *arg, char **rewritten,
                   struct volume_mount_info *info, galley_error_t *err)
{
  struct mount_fields f;
  _cleanup_free_ char *data = NULL, *out = NULL;
  const char *name;
  size_t i, len = 0;
  int ret = -1;

  if (mount_fields_parse (arg, &f) < 0)
    {
      galley_error_make (err, ENOMEM, "allocating");
      goto done;
    }
  if (! f.is_volume)
    {
      ret = 0;
      goto done;
    }
  name = f.source >= 0 ? field_value (f.items[f.source]) : "";
  if (! volume_valid_name (name))
    {
      invalid_volume_name (err, name);
      goto done;
    }
  if (needs_copy_up (p, name, &info->copy_up, err) < 0)
    goto done;
  data = volume_data_dir (p, name);
  out = calloc (1, strlen (arg) + (data ? strlen (data) : 0) + 32);
  if (data == NULL || out == NULL)
    {
      galley_error_make (err, ENOMEM, "allocating");
      goto done;
    }
  len = (size_t)sprintf (out, "type=bind,source=%s", data);
  for (i = 0; i < f.n; i++)
    {
      const char *it = f.items[i];
      if ((int)i == f.source || strcmp (it, "type=volume") == 0)
        continue;
      if (strcmp (it, "volume-nocopy") == 0 || strcmp (it, "volume-nocopy=true") == 0
          || strcmp (it, "nocopy") == 0)
        info->copy_up = false;
      else if (strcmp (it, "U") == 0 || strcmp (it, "U=true") == 0 || strcmp (it, "chown") == 0
               || strcmp (it, "chown=true") == 0)
        info->chown = true;
      else if (strcmp (it, "U=false") == 0 || strcmp (it, "chown=false") == 0
               || strcmp (it, "volume-nocopy=false") == 0)
        ;
      else
        len += (size_t)sprintf (out + len, ",%s", it);
    }
  if ((info->volume = strdup (name)) == NULL)
    {
      galley_error_make (err, ENOMEM, "allocating");
      goto done;
    }
  *rewritten = steal_pointer (&out);
  ret = 0;
done:
  mount_fields_clear (&f);
  return ret;
}

int
volume_mount_rewrite (const struct galley_paths *p, const char *key, const char *arg, char **rewritten,
                      struct volume_mount_info *info, galley_error_t *err)
{
  *rewritten = NULL;
  memset (info, 0, sizeof *info);
  if (strcmp (key, "Volumes") == 0)
    return rewrite_volume_arg (p, arg, rewritten, info, err);
  if (strcmp (key, "Mounts") == 0)
    return rewrite_mount_arg (p, arg, rewritten, info, err);
  return 0;
}

static bool
dir_is_empty (int dirfd)
{
  int fd = dup (dirfd);
  DIR *d = fd >= 0 ? fdopendir (fd) : NULL;
  struct dirent *de;
  bool empty = true;

  if (d == NULL)
    {
      if (fd >= 0)
        close (fd);
      return false;
    }
  rewinddir (d);
  while (empty && (de = readdir (d)) != NULL)
    empty = strcmp (de->d_name, ".") == 0 || strcmp (de->d_name, "..") == 0;
  closedir (d);
  return empty;
}

static int copy_tree (int src, int dst, int depth, galley_error_t *err);

static int
copy_entry (int src, int dst, const char *name, int depth, galley_error_t *err)
{
  struct stat st;
  struct timespec times[2];

  if (fstatat (src, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
    return galley_error_make (err, errno, "copy-up: stat %s", name);
  if (S_ISDIR (st.st_mode))
    {
      _cleanup_close_ int s = -1, d = -1;
      if (mkdirat (dst, name, 0700) < 0 && errno != EEXIST)
        return galley_error_make (err, errno, "copy-up: mkdir %s", name);
      s = openat (src, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      d = openat (dst, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (s < 0 || d < 0)
        return galley_error_make (err, errno, "copy-up: open %s", name);
      if (copy_tree (s, d, depth + 1, err) < 0)
        return -1;
    }
  else if (S_ISREG (st.st_mode))
    {
      _cleanup_close_ int s = openat (src, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
      _cleanup_close_ int d = openat (dst, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
      char buf[65536];
      ssize_t r;
      if (s < 0 || d < 0)
        return galley_error_make (err, errno, "copy-up: open %s", name);
      while ((r = read (s, buf, sizeof buf)) > 0)
        if (write (d, buf, (size_t)r) != r)
          return galley_error_make (err, errno, "copy-up: write %s", name);
      if (r < 0)
        return galley_error_make (err, errno, "copy-up: read %s", name);
    }
  else if (S_ISLNK (st.st_mode))
    {
      char target[4096];
      ssize_t l = readlinkat (src, name, target, sizeof target - 1);
      if (l < 0)
        return galley_error_make (err, errno, "copy-up: readlink %s", name);
      target[l] = '\0';
      if (symlinkat (target, dst, name) < 0)
        return galley_error_make (err, errno, "copy-up: symlink %s", name);
    }
  else
    return 0; /* devices, fifos, sockets: not copied */
  if (fchownat (dst, name, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW) < 0 && errno != EINVAL)
    return galley_error_make (err, errno, "copy-up: chown %s", name);
  if (! S_ISLNK (st.st_mode) && fchmodat (dst, name, st.st_mode & 07777, 0) < 0)
    return galley_error_make (err, errno, "copy-up: chmod %s", name);
  times[0] = st.st_atim;
  times[1] = st.st_mtim;
  utimensat (dst, name, times, AT_SYMLINK_NOFOLLOW);
  return 0;
}

static int
copy_tree (int src, int dst, int depth, galley_error_t *err)
{
  int fd;
  _cleanup_closedir_ DIR *d = NULL;
  struct dirent *de;

  if (depth > 128)
    return galley_error_make (err, ELOOP, "copy-up: tree too deep");
  fd = dup (src);
  d = fd >= 0 ? fdopendir (fd) : NULL;
  if (d == NULL)
    {
      if (fd >= 0)
        close (fd);
      return galley_error_make (err, errno, "copy-up: reading a directory");
    }
  while ((de = readdir (d)) != NULL)
    {
      if (strcmp (de->d_name, ".") == 0 || strcmp (de->d_name, "..") == 0)
        continue;
      if (copy_entry (src, dst, de->d_name, depth, err) < 0)
        return -1;
    }
  return 0;
}

int
volume_copy_up (int src_dirfd, int dst_dirfd, galley_error_t *err)
{
  struct stat st;

  if (! dir_is_empty (dst_dirfd))
    return 0;
  if (copy_tree (src_dirfd, dst_dirfd, 0, err) < 0)
    return -1;
  /* The volume's root takes the owner and mode of the image's directory.  */
  if (fstat (src_dirfd, &st) == 0)
    {
      if (fchown (dst_dirfd, st.st_uid, st.st_gid) < 0 && errno != EINVAL)
        return galley_error_make (err, errno, "copy-up: chown");
      fchmod (dst_dirfd, st.st_mode & 07777);
    }
  return 1;
}

static int
chown_tree (int dirfd, uid_t uid, gid_t gid, int depth, galley_error_t *err)
{
  int fd;
  _cleanup_closedir_ DIR *d = NULL;
  struct dirent *de;

  if (depth > 128)
    return galley_error_make (err, ELOOP, "chown: tree too deep");
  fd = dup (dirfd);
  d = fd >= 0 ? fdopendir (fd) : NULL;
  if (d == NULL)
    {
      if (fd >= 0)
        close (fd);
      return galley_error_make (err, errno, "chown: reading a directory");
    }
  while ((de = readdir (d)) != NULL)
    {
      if (strcmp (de->d_name, ".") == 0 || strcmp (de->d_name, "..") == 0)
        continue;
      if (fchownat (dirfd, de->d_name, uid, gid, AT_SYMLINK_NOFOLLOW) < 0)
        return galley_error_make (err, errno, "chown %s", de->d_name);
      if (de->d_type == DT_DIR)
        {
          _cleanup_close_ int sub =
              openat (dirfd, de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
          if (sub < 0 || chown_tree (sub, uid, gid, depth + 1, err) < 0)
            return *err ? -1 : galley_error_make (err, errno, "chown %s", de->d_name);
        }
    }
  return 0;
}

int
volume_chown_tree (int dirfd, uid_t uid, gid_t gid, galley_error_t *err)
{
  if (fchown (dirfd, uid, gid) < 0)
    return galley_error_make (err, errno, "chown of the volume");
  return chown_tree (dirfd, uid, gid, 0, err);
}

void
volume_mounts_copied_up (const struct galley_paths *p, const struct run_spec *spec)
{
  size_t i;

  for (i = 0; i < spec->n_mounts; i++)
    {
      _cleanup_error_ galley_error_t err = NULL;
      const struct mount_spec *m = &spec->mounts[i];

      if (m->copy_up && m->volume && volume_set_flag (p, m->volume, "NeedsCopyUp", false, &err) < 0)
        log_warn ("volume %s: %s", m->volume, err->msg);
    }
}

int
volume_remove_anonymous (const struct galley_paths *p, json_object *config, galley_error_t *err)
{
  json_object *arr;
  size_t i;

  if (! json_object_object_get_ex (config, "AnonymousVolumes", &arr))
    return 0;
  for (i = 0; i < json_object_array_length (arr); i++)
    {
      const char *name = json_object_get_string (json_object_array_get_idx (arr, i));
      _cleanup_error_ galley_error_t e = NULL;
      if (name == NULL || volume_remove (p, name, false, &e) == 0)
        continue;
      if (galley_error_errno (&e) == ENOENT || galley_error_errno (&e) == EBUSY)
        continue;
      *err = steal_pointer (&e);
      return galley_error_wrap (err, "removing anonymous volume %s", name);
    }
  return 0;
}
