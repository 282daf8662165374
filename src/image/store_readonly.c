/* The read-only image stores behind a store (see store.h): opening them
 * without writing anything there, and the listing and refusals that
 * concern them.  Lookups of layers and blobs fall back to them where
 * those are read (store.c, store_layers.c).  */
#include "config.h"
#include "image/store.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "image/store_internal.h"
#include "state/galley_config.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/log.h"
#include "util/xmalloc.h"

/* A store opened to be read: its version is one this galley reads, and
 * nothing is made, migrated or locked there.  */
static int
open_read_only (const char *root, struct store **out, galley_error_t *err)
{
  _cleanup_store_ struct store *s = calloc (1, sizeof *s);
  _cleanup_free_ char *version = NULL;
  struct stat st;

  if (s == NULL)
    return galley_error_make (err, errno, "allocating");
  s->root_fd = s->lock_fd = -1;
  s->read_only = true;
  pthread_mutex_init (&s->lock_mutex, NULL);
  pthread_mutex_init (&s->state_mutex, NULL);
  s->root = xstrdup (root);
  s->root_fd = open (root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (s->root_fd < 0)
    return galley_error_make (err, errno, "%s", root);
  if (fstatat (s->root_fd, "images", &st, 0) < 0 || ! S_ISDIR (st.st_mode))
    return galley_error_make (err, 0, "%s is not a galley store (no images directory)", root);
  if (fs_read_file (s->root_fd, "version", 64, &version, NULL, NULL) == 0 && atol (version) > STORE_VERSION)
    return galley_error_make (err, 0, "%s has version %ld, newer than this galley supports (%d)", root,
                              atol (version), STORE_VERSION);
  *out = steal_pointer (&s);
  return 0;
}

void
store_readonly_open_all (struct store *s)
{
  char *const *roots = galley_config_current ()->additional_image_stores;
  size_t n = 0;

  while (roots != NULL && roots[n] != NULL)
    n++;
  if (n == 0)
    return;
  s->readonly = calloc (n, sizeof *s->readonly);
  if (s->readonly == NULL)
    return;
  for (size_t i = 0; i < n; i++)
    {
      _cleanup_error_ galley_error_t err = NULL;
      if (strcmp (roots[i], s->root) == 0)
        continue;
      if (open_read_only (roots[i], &s->readonly[s->n_readonly], &err) < 0)
        log_warn ("additional image store %s left out: %s", roots[i], err->msg);
      else
        s->n_readonly++;
    }
}

void
store_readonly_close_all (struct store *s)
{
  for (size_t i = 0; i < s->n_readonly; i++)
    store_close (s->readonly[i]);
  free (s->readonly);
  s->readonly = NULL;
  s->n_readonly = 0;
}

int
store_readonly_refuse (struct store *s, const char *id, galley_error_t *err)
{
  for (size_t i = 0; i < s->n_readonly; i++)
    {
      _cleanup_store_image_ struct store_image *img = NULL;
      _cleanup_error_ galley_error_t ignored = NULL;
      if (store_image_read (s->readonly[i], id, NULL, &img, &ignored) == 0)
        return galley_error_kind (err, EPERM, "image %.12s is in the read-only image store %s", id,
                                  s->readonly[i]->root);
    }
  return 0;
}

static bool
listed (struct store_image **imgs, size_t n, const char *id)
{
  for (size_t i = 0; i < n; i++)
    if (strcmp (imgs[i]->id, id) == 0)
      return true;
  return false;
}

int
store_readonly_list (struct store *s, struct store_image ***imgs, size_t *n, size_t *cap, galley_error_t *err)
{
  for (size_t i = 0; i < s->n_readonly; i++)
    {
      struct store_image **theirs = NULL;
      size_t m = 0, j;
      int r = 0;

      if (store_image_list (s->readonly[i], &theirs, &m, err) < 0)
        return galley_error_wrap (err, "additional image store %s", s->readonly[i]->root);
      for (j = 0; j < m && r == 0; j++)
        if (! listed (*imgs, *n, theirs[j]->id))
          {
            theirs[j]->read_only = true;
            r = store_images_push (imgs, n, cap, steal_pointer (&theirs[j]), err);
          }
      store_image_list_free (theirs, m);
      if (r < 0)
        return -1;
    }
  return 0;
}

bool
store_layers_foreign (struct store *s, char *const *diff_dirs)
{
  uid_t me = geteuid ();

  for (size_t i = 0; s->n_readonly > 0 && diff_dirs[i] != NULL; i++)
    {
      struct stat st;
      if (stat (diff_dirs[i], &st) == 0 && st.st_uid != me)
        return true;
    }
  return false;
}
