/* The store itself: opening and versioning the storage directory, the store
 * lock, validation of names that become paths, blobs, and removal of
 * owned trees.  Layers are in store_layers.c, images in store_images*.c.  */
#include "config.h"
#include "image/store.h"

#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include "image/store_internal.h"
#include "ns/idmap.h"
#include "ns/userns.h"
#include "state/lock.h"
#include "util/cleanup.h"
#include "util/digest.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/log.h"
#include "util/xmalloc.h"

static const char *const store_subdirs[] = {
  "blobs", "blobs/sha256", "layers", "images", "containers", "volumes", NULL,
};

bool
store_valid_hex_id (const char *id)
{
  size_t i;

  if (id == NULL)
    return false;
  for (i = 0; i < 64; i++)
    if (! ((id[i] >= '0' && id[i] <= '9') || (id[i] >= 'a' && id[i] <= 'f')))
      return false;
  return id[64] == '\0';
}

bool
store_valid_digest (const char *digest, const char **hex_out)
{
  if (digest == NULL || strncmp (digest, "sha256:", 7) != 0 || ! store_valid_hex_id (digest + 7))
    return false;
  if (hex_out)
    *hex_out = digest + 7;
  return true;
}

const char *
store_root (const struct store *s)
{
  return s->root;
}

int
store_root_fd (const struct store *s)
{
  return s->root_fd;
}

int
store_open_dir (struct store *s, const char *rel, galley_error_t *err)
{
  int fd = openat (s->root_fd, rel, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);

  if (fd < 0)
    return galley_error_make (err, errno, "opening %s/%s", s->root, rel);
  return fd;
}

DIR *
store_list_dir (struct store *s, const char *rel, galley_error_t *err)
{
  int fd = store_open_dir (s, rel, err);
  DIR *d;

  if (fd < 0)
    return NULL;
  d = fdopendir (fd);
  if (d == NULL)
    {
      galley_error_make (err, errno, "listing %s", rel);
      close (fd);
    }
  return d;
}

static int
store_make_subdirs (struct store *s, galley_error_t *err)
{
  size_t i;

  for (i = 0; store_subdirs[i]; i++)
    if (mkdirat (s->root_fd, store_subdirs[i], 0700) < 0 && errno != EEXIST)
      return galley_error_make (err, errno, "creating %s/%s", s->root, store_subdirs[i]);
  return 0;
}

/* The version in storage/version: 0 when there is none.  */
static int
store_read_version (struct store *s, long *version, galley_error_t *err)
{
  _cleanup_free_ char *text = NULL;
  char *end;

  if (fs_read_file (s->root_fd, "version", 64, &text, NULL, err) < 0)
    {
      if (galley_error_errno (err) != ENOENT)
        return galley_error_wrap (err, "reading the storage version");
      galley_error_release (err);
      *version = 0;
      return 0;
    }
  errno = 0;
  *version = strtol (text, &end, 10);
  if (errno != 0 || end == text || (*end != '\0' && strcmp (end, "\n") != 0) || *version < 1)
    return galley_error_make (err, 0, "%s/version: invalid storage version \"%s\"", s->root, text);
  return 0;
}

/* Bring an older (or new, empty) store to STORE_VERSION.  Version 0 is a
 * store created before the version file: the layout is the same.  */
static int
store_migrate (struct store *s, galley_error_t *err)
{
  char text[16];
  long version;
  int n;

  if (store_lock (s, err) < 0)
    return -1;
  /* Someone may have done it while we waited.  */
  if (store_read_version (s, &version, err) < 0)
    goto fail;
  if (version < STORE_VERSION)
    {
      n = snprintf (text, sizeof text, "%d\n", STORE_VERSION);
      if (fs_write_atomic (s->root_fd, "version", text, (size_t)n, 0600, err) < 0)
        goto fail;
      if (version > 0)
        log_info ("migrated storage %s from version %ld to %d", s->root, version, STORE_VERSION);
    }
  store_unlock (s);
  return 0;
fail:
  store_unlock (s);
  return galley_error_wrap (err, "initialising storage %s", s->root);
}

int
store_open (const struct galley_paths *p, struct store **out, galley_error_t *err)
{
  _cleanup_store_ struct store *s = calloc (1, sizeof *s);
  long version;

  if (s == NULL)
    return galley_error_make (err, errno, "allocating");
  s->root_fd = s->lock_fd = -1;
  pthread_mutex_init (&s->lock_mutex, NULL);
  pthread_mutex_init (&s->state_mutex, NULL);
  s->root = xstrdup (p->root);
  if (paths_ensure_root (p, err) < 0)
    return -1;
  s->root_fd = open (s->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (s->root_fd < 0)
    return galley_error_make (err, errno, "opening storage %s", s->root);
  s->lock_fd = lock_open (s->root_fd, "lock", err);
  if (s->lock_fd < 0)
    return galley_error_wrap (err, "opening storage %s", s->root);
  if (store_read_version (s, &version, err) < 0)
    return -1;
  if (version > STORE_VERSION)
    return galley_error_make (err, 0,
                              "storage %s has version %ld, newer than this galley supports (%d): "
                              "use a newer galley or another --root",
                              s->root, version, STORE_VERSION);
  /* mkdir is atomic: no lock needed, and the first writer's cleanup wants them.  */
  if (store_make_subdirs (s, err) < 0)
    return -1;
  if (version < STORE_VERSION && store_migrate (s, err) < 0)
    return -1;
  store_readonly_open_all (s);
  *out = steal_pointer (&s);
  return 0;
}

void
store_close (struct store *s)
{
  size_t i;

  if (s == NULL)
    return;
  for (i = 0; i < s->n_extractions; i++)
    if (s->extractions[i].fd >= 0)
      close (s->extractions[i].fd);
  free (s->extractions);
  store_readonly_close_all (s);
  if (s->lock_fd >= 0)
    close (s->lock_fd);
  if (s->root_fd >= 0)
    close (s->root_fd);
  pthread_mutex_destroy (&s->lock_mutex);
  pthread_mutex_destroy (&s->state_mutex);
  free (s->root);
  free (s);
}

int
store_lock (struct store *s, galley_error_t *err)
{
  pthread_mutex_lock (&s->lock_mutex);
  if (lock_acquire (s->lock_fd, LOCK_EXCLUSIVE, err) < 0)
    {
      pthread_mutex_unlock (&s->lock_mutex);
      return galley_error_wrap (err, "locking storage %s", s->root);
    }
  s->locked = true;
  /* The first writer of this process finishes what crashed writers left.  */
  if (! s->leftovers_cleaned)
    {
      s->leftovers_cleaned = true;
      if (store_cleanup_leftovers_locked (s, err) < 0)
        {
          store_unlock (s);
          return galley_error_wrap (err, "cleaning up storage %s", s->root);
        }
    }
  return 0;
}

void
store_unlock (struct store *s)
{
  s->locked = false;
  lock_release (s->lock_fd);
  pthread_mutex_unlock (&s->lock_mutex);
}

/* ---- removal ---- */

int
store_remove_owned_tree (struct store *s, int dirfd, const char *name, galley_error_t *err)
{
  _cleanup_free_ char *removing = NULL;

  (void)s;
  if (strncmp (name, ".removing-", 10) == 0)
    removing = strdup (name);
  else if (asprintf (&removing, ".removing-%s", name) < 0)
    removing = NULL;
  if (removing == NULL)
    return galley_error_make (err, ENOMEM, "allocating");
  if (strcmp (removing, name) != 0 && renameat (dirfd, name, dirfd, removing) < 0)
    {
      if (errno == ENOENT)
        return 0;
      return galley_error_make (err, errno, "renaming %s for removal", name);
    }
  return userns_remove_tree (NULL, dirfd, removing, err);
}

/* Temporary files of fs_write_atomic ("<name>.tmp-<pid>-<random>") whose
 * writer is gone: we hold the lock and every writer of these directories
 * does too, except blob writers, whose names carry our own pid when they
 * are ours.  */
static int
remove_stale_temporaries (struct store *s, const char *rel, galley_error_t *err)
{
  _cleanup_closedir_ DIR *d = store_list_dir (s, rel, err);
  struct dirent *de;

  if (d == NULL)
    return -1;
  while ((de = readdir (d)) != NULL)
    {
      const char *tmp = strstr (de->d_name, ".tmp-");
      bool is_dir = false;
      long pid;

      /* `load` unpacks into tmp-load-<pid>-XXXXXX (image_load.c).  */
      if (tmp == NULL && strncmp (de->d_name, "tmp-load-", 9) == 0)
        {
          tmp = de->d_name + 4;
          is_dir = true;
        }
      if (tmp == NULL)
        continue;
      pid = strtol (tmp + 5, NULL, 10);
      if (pid > 0 && (pid == (long)getpid () || kill ((pid_t)pid, 0) == 0 || errno == EPERM))
        continue;
      if (is_dir)
        {
          if (fs_remove_tree (dirfd (d), de->d_name, err) < 0)
            return -1;
        }
      else if (unlinkat (dirfd (d), de->d_name, 0) < 0 && errno != ENOENT)
        return galley_error_make (err, errno, "removing %s/%s", rel, de->d_name);
    }
  return 0;
}

int
store_cleanup_leftovers_locked (struct store *s, galley_error_t *err)
{
  if (remove_stale_temporaries (s, ".", err) < 0 || remove_stale_temporaries (s, "blobs/sha256", err) < 0)
    return -1;
  if (store_layers_cleanup_locked (s, err) < 0)
    return -1;
  return store_images_cleanup_locked (s, err);
}

int
store_cleanup_leftovers (struct store *s, galley_error_t *err)
{
  int ret;

  if (store_lock (s, err) < 0)
    return -1;
  ret = store_cleanup_leftovers_locked (s, err);
  store_unlock (s);
  return ret;
}

/* ---- blobs ---- */

int
store_blob_put (struct store *s, const char *digest, const void *data, size_t len, galley_error_t *err)
{
  _cleanup_close_ int dfd = -1;
  const char *hex;
  int ret;

  if (! store_valid_digest (digest, &hex))
    return galley_error_kind (err, EINVAL, "invalid blob digest \"%s\"", digest ? digest : "");
  if (digest_verify (digest, data, len, err) < 0)
    return -1;
  dfd = store_open_dir (s, "blobs/sha256", err);
  if (dfd < 0)
    return -1;
  if (faccessat (dfd, hex, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
    return 0;
  /* Threads of one process share the temporary name (it ends in the pid).  */
  pthread_mutex_lock (&s->state_mutex);
  ret = fs_write_atomic (dfd, hex, data, len, 0600, err);
  pthread_mutex_unlock (&s->state_mutex);
  return ret < 0 ? galley_error_wrap (err, "storing blob %s", digest) : 0;
}

/* The store holding blob rel: s, else the first read-only store that
 * does; s when none does.  */
static struct store *
blob_home (struct store *s, const char *rel)
{
  if (s->n_readonly == 0 || faccessat (s->root_fd, rel, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
    return s;
  for (size_t i = 0; i < s->n_readonly; i++)
    if (faccessat (s->readonly[i]->root_fd, rel, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
      return s->readonly[i];
  return s;
}

int
store_blob_get (struct store *s, const char *digest, size_t max, char **data, size_t *len,
                galley_error_t *err)
{
  char rel[96];
  const char *hex;

  if (! store_valid_digest (digest, &hex))
    return galley_error_kind (err, EINVAL, "invalid blob digest \"%s\"", digest ? digest : "");
  snprintf (rel, sizeof rel, "blobs/sha256/%s", hex);
  if (fs_read_file (blob_home (s, rel)->root_fd, rel, max ? max : STORE_DOC_MAX, data, len, err) < 0)
    return galley_error_wrap (err, "reading blob %s", digest);
  return 0;
}

bool
store_blob_exists (struct store *s, const char *digest)
{
  char rel[96];
  const char *hex;

  if (! store_valid_digest (digest, &hex))
    return false;
  snprintf (rel, sizeof rel, "blobs/sha256/%s", hex);
  return faccessat (blob_home (s, rel)->root_fd, rel, F_OK, AT_SYMLINK_NOFOLLOW) == 0;
}

int
store_blob_remove_locked (struct store *s, const char *digest, galley_error_t *err)
{
  char rel[96];
  const char *hex;

  if (! store_valid_digest (digest, &hex))
    return 0; /* never stored */
  snprintf (rel, sizeof rel, "blobs/sha256/%s", hex);
  if (unlinkat (s->root_fd, rel, 0) < 0 && errno != ENOENT)
    return galley_error_make (err, errno, "removing blob %s", digest);
  return 0;
}

/* ---- record helpers ---- */

char *
store_now_rfc3339 (void)
{
  struct timespec ts;
  struct tm tm;
  char buf[64];

  clock_gettime (CLOCK_REALTIME, &ts);
  gmtime_r (&ts.tv_sec, &tm);
  snprintf (buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%09ldZ", tm.tm_year + 1900, tm.tm_mon + 1,
            tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec);
  return xstrdup (buf);
}
