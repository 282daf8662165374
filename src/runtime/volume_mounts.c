/* Volumes in containers (see volume_mounts.h).  */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runtime/volume_mounts.h"
#include "runtime/mount_args.h"
#include "runtime/spec.h"
#include "state/volume.h"
#include "state/volume_options.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/log.h"
#include "util/strv.h"

/* Create the volume unless it exists; anonymous: a new random name.  */
static int
ensure_volume (const struct galley_paths *p, const char *name, char **created, galley_error_t *err)
{
  struct volume_create_options o = { .name = name, .ignore_existing = true, .anonymous = name == NULL };

  return volume_create (p, &o, created, err);
}

/* The volumes of -v (mounts false) or --mount (true), created; an
 * anonymous one is named in its argument ("NAME:/dst", "...,source=NAME")
 * and listed among the container's anonymous volumes.  */
static int
create_volumes (const struct galley_paths *p, char **args, bool mounts, char ***anonymous,
                galley_error_t *err)
{
  size_t i;

  for (i = 0; args != NULL && args[i] != NULL; i++)
    {
      _cleanup_free_ char *created = NULL, *named = NULL;
      struct mount_spec m;
      int r;

      r = mounts ? mount_parse_mount (args[i], &m, err) : mount_parse_volume (args[i], &m, err);
      if (r == 0 && (m.volume != NULL || m.anonymous))
        r = ensure_volume (p, m.volume, &created, err);
      if (r == 0 && m.anonymous)
        {
          if ((mounts ? asprintf (&named, "%s,source=%s", args[i], created)
                      : asprintf (&named, "%s:%s", created, args[i]))
                  < 0
              || strv_append (anonymous, created) < 0)
            r = galley_error_make (err, ENOMEM, "allocating");
          else
            {
              free (args[i]);
              args[i] = steal_pointer (&named);
            }
        }
      mount_spec_clear (&m);
      if (r < 0)
        return -1;
    }
  return 0;
}

int
volume_mounts_prepare (const struct galley_paths *p, struct container_config *config, galley_error_t *err)
{
  struct mount_spec *m = NULL;
  size_t n = 0, i;

  mount_config_drop_repeats (config);
  /* Every argument checked first: a wrong one must leave nothing behind.  */
  if (mount_parse_config (config, &m, &n, err) < 0)
    return -1;
  for (i = 0; i < n; i++)
    mount_spec_clear (&m[i]);
  free (m);
  if (paths_ensure_root (p, err) < 0
      || create_volumes (p, config->volumes, false, &config->anonymous_volumes, err) < 0
      || create_volumes (p, config->mounts, true, &config->anonymous_volumes, err) < 0)
    return -1;
  return 0;
}

/* The volume's own options (volume create -o) onto its mount: a tmpfs
 * instead of _data, a host directory, flags, the owner of its root.
 * filled: the volume was filled from an image already (NeedsCopyUp false).  */
static int
apply_driver_options (const struct galley_paths *p, const struct volume_options *o, bool filled,
                      struct mount_spec *m, galley_error_t *err)
{
  m->readonly = m->readonly || o->readonly;
  /* a tmpfs is new in each container: filled each time (tmpcopyup) */
  if (o->nocopy || (filled && o->type != VOLUME_TYPE_TMPFS))
    m->copy_up = false;
  free (m->source);
  m->source = NULL;
  switch (o->type)
    {
    case VOLUME_TYPE_TMPFS:
      /* as --mount type=tmpfs: nosuid, nodev unless the volume says dev, suid */
      m->kind = MOUNT_KIND_TMPFS;
      m->flags |= (MS_NOSUID | MS_NODEV) & ~o->flags_off;
      m->chown_to_user = false;
      if (o->tmpfs_data != NULL && (m->data = strdup (o->tmpfs_data)) == NULL)
        return galley_error_make (err, ENOMEM, "allocating");
      break;
    case VOLUME_TYPE_BIND:
      {
        struct stat st;
        /* filled from the image like any volume, when it is a directory */
        if (stat (o->device, &st) == 0 && ! S_ISDIR (st.st_mode))
          m->copy_up = m->chown_to_user = false;
        m->source = strdup (o->device);
        break;
      }
    case VOLUME_TYPE_DIR:
      m->source = volume_data_dir (p, m->volume);
      m->set_owner = o->set_owner;
      m->owner_uid = o->uid;
      m->owner_gid = o->gid;
      break;
    }
  m->flags |= o->flags_on;
  if (m->kind == MOUNT_KIND_BIND && m->source == NULL)
    return galley_error_make (err, ENOMEM, "allocating");
  return 0;
}

int
volume_mount_resolve (const struct galley_paths *p, struct mount_spec *m, galley_error_t *err)
{
  _cleanup_json_ json_object *record = NULL;
  struct volume_options o;
  json_object *v = NULL;
  bool filled;
  int r;

  if (m->anonymous)
    return galley_error_make (err, 0, "the anonymous volume at %s was not prepared", m->destination);
  if (m->volume == NULL)
    return 0;
  if (volume_load (p, m->volume, &record, err) < 0)
    return -1;
  filled = json_object_object_get_ex (record, "NeedsCopyUp", &v) && ! json_object_get_boolean (v);
  v = NULL;
  json_object_object_get_ex (record, "Options", &v);
  if (volume_options_parse (json_object_is_type (v, json_type_object) ? v : NULL, false, &o, err) < 0)
    return galley_error_wrap (err, "volume %s", m->volume);
  r = apply_driver_options (p, &o, filled, m, err);
  volume_options_clear (&o);
  return r;
}

/* A stream over a duplicate of dirfd, from its first entry; NULL with
 * errno set.  */
static DIR *
dir_stream (int dirfd)
{
  int fd = dup (dirfd), e;
  DIR *d = fd >= 0 ? fdopendir (fd) : NULL;

  if (d == NULL)
    {
      e = errno;
      if (fd >= 0)
        close (fd);
      errno = e;
      return NULL;
    }
  rewinddir (d);
  return d;
}

/* The next entry but "." and "..".  */
static struct dirent *
next_entry (DIR *d)
{
  struct dirent *de;

  while ((de = readdir (d)) != NULL)
    if (strcmp (de->d_name, ".") != 0 && strcmp (de->d_name, "..") != 0)
      return de;
  return NULL;
}

static bool
dir_is_empty (int dirfd)
{
  _cleanup_closedir_ DIR *d = dir_stream (dirfd);

  return d != NULL && next_entry (d) == NULL;
}

/* Remove what a failed copy-up left in the (then empty) volume.  */
static void
empty_dir (int dirfd)
{
  _cleanup_closedir_ DIR *d = dir_stream (dirfd);
  struct dirent *de;

  while (d != NULL && (de = next_entry (d)) != NULL)
    {
      _cleanup_error_ galley_error_t ignored = NULL;
      fs_remove_tree (dirfd, de->d_name, &ignored);
    }
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
      if (s < 0 || d < 0)
        return galley_error_make (err, errno, "copy-up: open %s", name);
      if (fs_copy_data (s, d, st.st_size, err) < 0)
        return galley_error_wrap (err, "copy-up of %s", name);
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
  _cleanup_closedir_ DIR *d = NULL;
  struct dirent *de;

  if (depth > 128)
    return galley_error_make (err, ELOOP, "copy-up: tree too deep");
  d = dir_stream (src);
  if (d == NULL)
    return galley_error_make (err, errno, "copy-up: reading a directory");
  while ((de = next_entry (d)) != NULL)
    if (copy_entry (src, dst, de->d_name, depth, err) < 0)
      return -1;
  return 0;
}

int
volume_copy_up (int src_dirfd, int dst_dirfd, galley_error_t *err)
{
  struct stat st;

  if (! dir_is_empty (dst_dirfd))
    return 0;
  if (copy_tree (src_dirfd, dst_dirfd, 0, err) < 0)
    {
      empty_dir (dst_dirfd);
      return -1;
    }
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
  _cleanup_closedir_ DIR *d = NULL;
  struct dirent *de;

  if (depth > 128)
    return galley_error_make (err, ELOOP, "chown: tree too deep");
  d = dir_stream (dirfd);
  if (d == NULL)
    return galley_error_make (err, errno, "chown: reading a directory");
  while ((de = next_entry (d)) != NULL)
    {
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
volume_remove_anonymous (const struct galley_paths *p, const struct container_config *config,
                         galley_error_t *err)
{
  size_t i;

  for (i = 0; config->anonymous_volumes != NULL && config->anonymous_volumes[i] != NULL; i++)
    {
      const char *name = config->anonymous_volumes[i];
      _cleanup_error_ galley_error_t e = NULL;
      if (volume_remove (p, name, false, &e) == 0)
        continue;
      if (galley_error_errno (&e) == ENOENT || galley_error_errno (&e) == EBUSY)
        continue;
      *err = steal_pointer (&e);
      return galley_error_wrap (err, "removing anonymous volume %s", name);
    }
  return 0;
}
