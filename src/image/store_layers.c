/* Extracted layers: layers/<hex>/{diff/,layer.json,extracting,tar-split}.
 *
 * A layer is born incomplete: under the store lock its directory, an
 * `extracting` file (OFD-locked by the extracting process for as long as it
 * works) and layer.json {"state": "incomplete"} are created.  Commit rewrites
 * layer.json as ready and removes `extracting`.  An incomplete layer whose
 * `extracting` lock can be taken has lost its extractor (crash, kill -9) and
 * is removed by the next writer; one whose lock is held is being extracted
 * right now, and a second puller waits for it instead of downloading it
 * again.  */
#include "config.h"
#include "image/store.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "image/store_internal.h"
#include "state/lock.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/log.h"
#include "util/xmalloc.h"

static int
layer_validate (const char *chain_id, const char **hex, galley_error_t *err)
{
  if (! store_valid_digest (chain_id, hex))
    return galley_error_kind (err, EINVAL, "invalid layer id \"%s\"", chain_id ? chain_id : "");
  return 0;
}

/* layers/<hex>/layer.json parsed; ENOENT if missing.  */
static int
layer_read_json (struct store *s, const char *hex, json_object **out, galley_error_t *err)
{
  _cleanup_free_ char *rel = NULL, *text = NULL;
  size_t len;

  rel = xasprintf ("layers/%s/layer.json", hex);
  if (fs_read_file (s->root_fd, rel, STORE_DOC_MAX, &text, &len, err) < 0)
    return -1;
  return json_parse_strict (text, len, rel, out, err);
}

static int
layer_write_json (struct store *s, const char *hex, json_object *obj, galley_error_t *err)
{
  _cleanup_free_ char *rel = NULL;

  rel = xasprintf ("layers/%s/layer.json", hex);
  return json_write_atomic (s->root_fd, rel, obj, err);
}

static bool
layer_json_ready (json_object *obj)
{
  const char *state = json_get_string (obj, "state");

  return state != NULL && strcmp (state, "ready") == 0;
}

/* Is layers/<hex> (not ready) abandoned?  0 no (someone extracts it; *busy_fd
 * is set to an fd on its `extracting` file to wait on), 1 yes, -1 error.  */
static int
layer_abandoned (struct store *s, const char *hex, int *busy_fd, galley_error_t *err)
{
  _cleanup_free_ char *rel = NULL;
  _cleanup_close_ int fd = -1;
  int r;

  rel = xasprintf ("layers/%s/extracting", hex);
  fd = openat (s->root_fd, rel, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0)
    return errno == ENOENT ? 1 : galley_error_make (err, errno, "opening %s", rel);
  r = lock_try (fd, LOCK_EXCLUSIVE, err);
  if (r < 0)
    return -1;
  if (r == 0)
    return 1;
  if (busy_fd)
    *busy_fd = steal_fd (&fd);
  return 0;
}

int
store_layer_remove_locked (struct store *s, const char *chain_id, galley_error_t *err)
{
  _cleanup_close_ int dfd = -1;
  const char *hex;

  if (layer_validate (chain_id, &hex, err) < 0)
    return -1;
  dfd = store_open_dir (s, "layers", err);
  if (dfd < 0)
    return -1;
  if (store_remove_owned_tree (s, dfd, hex, err) < 0)
    return galley_error_wrap (err, "removing layer %s", chain_id);
  return 0;
}

static int
extraction_add (struct store *s, const char *hex, int fd, galley_error_t *err)
{
  struct store_extraction *n;

  pthread_mutex_lock (&s->state_mutex);
  n = realloc (s->extractions, (s->n_extractions + 1) * sizeof *n);
  if (n == NULL)
    {
      pthread_mutex_unlock (&s->state_mutex);
      return galley_error_make (err, ENOMEM, "allocating");
    }
  s->extractions = n;
  memcpy (n[s->n_extractions].hex, hex, 65);
  n[s->n_extractions].fd = fd;
  s->n_extractions++;
  pthread_mutex_unlock (&s->state_mutex);
  return 0;
}

/* Forget the extraction of hex; returns its lock fd (the caller closes it
 * once the layer's state is final), or -1 if this process did not begin it.  */
static int
extraction_take (struct store *s, const char *hex)
{
  size_t i;
  int fd = -1;

  pthread_mutex_lock (&s->state_mutex);
  for (i = 0; i < s->n_extractions; i++)
    if (strcmp (s->extractions[i].hex, hex) == 0)
      {
        fd = s->extractions[i].fd;
        s->extractions[i] = s->extractions[--s->n_extractions];
        break;
      }
  pthread_mutex_unlock (&s->state_mutex);
  return fd;
}

/* Create layers/<hex> as incomplete, owned by us (under the lock).  */
static int
layer_create_locked (struct store *s, const char *hex, const char *chain_id, const char *diff_id,
                     const char *parent, galley_error_t *err)
{
  _cleanup_json_ json_object *rec = json_object_new_object ();
  _cleanup_free_ char *dir = NULL, *diff = NULL;
  _cleanup_close_ int fd = -1;

  dir = xasprintf ("layers/%s", hex);
  diff = xasprintf ("layers/%s/diff", hex);
  if (mkdirat (s->root_fd, dir, 0700) < 0)
    return galley_error_make (err, errno, "creating %s", dir);
  {
    _cleanup_close_ int dfd = store_open_dir (s, dir, err);
    if (dfd < 0)
      return -1;
    fd = lock_open (dfd, "extracting", err);
    if (fd < 0 || lock_try (fd, LOCK_EXCLUSIVE, err) != 0)
      return galley_error_kind (err, EBUSY, "locking new layer %s", chain_id);
  }
  json_object_object_add (rec, "id", json_object_new_string (chain_id));
  json_object_object_add (rec, "diff_id", json_object_new_string (diff_id));
  if (parent)
    json_object_object_add (rec, "parent", json_object_new_string (parent));
  json_object_object_add (rec, "state", json_object_new_string ("incomplete"));
  if (layer_write_json (s, hex, rec, err) < 0)
    return -1;
  if (mkdirat (s->root_fd, diff, 0755) < 0)
    return galley_error_make (err, errno, "creating %s", diff);
  if (extraction_add (s, hex, fd, err) < 0)
    return -1;
  fd = -1;
  return 0;
}

/* One pass of begin under the lock: 1 ready, 0 created, 2 busy (*busy_fd
 * to wait on).  */
static int
layer_begin_locked (struct store *s, const char *hex, const char *chain_id, const char *diff_id,
                    const char *parent, int *busy_fd, galley_error_t *err)
{
  _cleanup_json_ json_object *rec = NULL;
  struct stat st;
  int r;

  if (layer_read_json (s, hex, &rec, err) == 0 && layer_json_ready (rec))
    return 1;
  galley_error_release (err);
  {
    char rel[80];

    snprintf (rel, sizeof rel, "layers/%s", hex);
    if (fstatat (s->root_fd, rel, &st, AT_SYMLINK_NOFOLLOW) == 0)
      {
        r = layer_abandoned (s, hex, busy_fd, err);
        if (r < 0)
          return -1;
        if (r == 0)
          return 2;
        log_debug ("removing abandoned incomplete layer %s", chain_id);
        if (store_layer_remove_locked (s, chain_id, err) < 0)
          return -1;
      }
  }
  if (parent && ! store_valid_digest (parent, NULL))
    return galley_error_kind (err, EINVAL, "invalid parent layer id \"%s\"", parent);
  if (layer_create_locked (s, hex, chain_id, diff_id, parent, err) < 0)
    return galley_error_wrap (err, "creating layer %s", chain_id);
  return 0;
}

int
store_layer_begin (struct store *s, const char *chain_id, const char *diff_id, const char *parent_chain_id,
                   char **diff_dir, galley_error_t *err)
{
  const char *hex;
  int r;

  if (layer_validate (chain_id, &hex, err) < 0)
    return -1;
  if (! store_valid_digest (diff_id, NULL))
    return galley_error_kind (err, EINVAL, "invalid layer diff id \"%s\"", diff_id ? diff_id : "");
  for (;;)
    {
      _cleanup_close_ int busy_fd = -1;

      if (store_lock (s, err) < 0)
        return -1;
      r = layer_begin_locked (s, hex, chain_id, diff_id, parent_chain_id, &busy_fd, err);
      store_unlock (s);
      if (r < 0)
        return -1;
      if (r == 1)
        return 1;
      if (r == 0)
        {
          if (asprintf (diff_dir, "%s/layers/%s/diff", s->root, hex) < 0)
            {
              store_layer_abort (s, chain_id, NULL);
              return galley_error_make (err, ENOMEM, "allocating");
            }
          return 0;
        }
      /* Wait (without the store lock) until the other extractor is done,
       * then look again: it either committed or went away.  */
      log_debug ("layer %s is being extracted by another process: waiting", chain_id);
      if (lock_acquire (busy_fd, LOCK_SHARED, err) < 0)
        return galley_error_wrap (err, "waiting for layer %s", chain_id);
    }
}

int
store_layer_commit (struct store *s, const char *chain_id, uint64_t size, galley_error_t *err)
{
  _cleanup_json_ json_object *rec = NULL;
  _cleanup_close_ int fd = -1;
  _cleanup_free_ char *rel = NULL;
  const char *hex;
  int ret = -1;

  if (layer_validate (chain_id, &hex, err) < 0)
    return -1;
  fd = extraction_take (s, hex);
  if (fd < 0)
    return galley_error_kind (err, EINVAL, "layer %s was not begun by this process", chain_id);
  rel = xasprintf ("layers/%s/extracting", hex);
  if (store_lock (s, err) < 0)
    return -1;
  if (layer_read_json (s, hex, &rec, err) < 0)
    goto out;
  /* `extracting` goes first: killed between the two steps, the layer is
   * incomplete with no extractor and the next writer reclaims it; the other
   * order would leave a ready layer with a stale `extracting` file.  */
  if (unlinkat (s->root_fd, rel, 0) < 0 && errno != ENOENT)
    {
      galley_error_make (err, errno, "removing %s", rel);
      goto out;
    }
  json_object_object_add (rec, "size", json_object_new_uint64 (size));
  json_object_object_add (rec, "state", json_object_new_string ("ready"));
  if (layer_write_json (s, hex, rec, err) < 0)
    goto out;
  ret = 0;
out:
  store_unlock (s);
  return ret < 0 ? galley_error_wrap (err, "committing layer %s", chain_id) : 0;
}

int
store_layer_abort (struct store *s, const char *chain_id, galley_error_t *err)
{
  _cleanup_close_ int fd = -1;
  _cleanup_error_ galley_error_t local = NULL;
  const char *hex;
  int ret;

  if (err == NULL)
    err = &local;
  if (layer_validate (chain_id, &hex, err) < 0)
    return -1;
  fd = extraction_take (s, hex);
  if (fd < 0)
    return galley_error_kind (err, EINVAL, "layer %s was not begun by this process", chain_id);
  if (store_lock (s, err) < 0)
    return -1;
  ret = store_layer_remove_locked (s, chain_id, err);
  store_unlock (s);
  return ret;
}

/* Layer chain_id of s itself.  */
static int
layer_get_own (struct store *s, const char *chain_id, struct store_layer **out, galley_error_t *err)
{
  _cleanup_json_ json_object *rec = NULL;
  struct store_layer *l;
  const char *hex, *v;
  json_object *size;

  if (layer_validate (chain_id, &hex, err) < 0)
    return -1;
  if (layer_read_json (s, hex, &rec, err) < 0)
    return galley_error_wrap (err, "layer %s", chain_id);
  l = xcalloc (1, sizeof *l);
  l->chain_id = strdup (chain_id);
  v = json_get_string (rec, "diff_id");
  l->diff_id = strdup (v ? v : "");
  v = json_get_string (rec, "parent");
  l->parent = v ? strdup (v) : NULL;
  if (json_object_object_get_ex (rec, "size", &size))
    l->size = json_object_get_uint64 (size);
  l->ready = layer_json_ready (rec);
  if (l->chain_id == NULL || l->diff_id == NULL || (v && l->parent == NULL))
    {
      store_layer_free (l);
      return galley_error_make (err, ENOMEM, "allocating");
    }
  *out = l;
  return 0;
}

/* The store that has layer chain_id ready: s, else the first read-only
 * store that does; else s's own record (not ready) or its ENOENT.  */
static int
layer_get_home (struct store *s, const char *chain_id, struct store **home, struct store_layer **out,
                galley_error_t *err)
{
  int r = layer_get_own (s, chain_id, out, err);

  if (r == 0 && ((*out)->ready || s->n_readonly == 0))
    {
      *home = s;
      return 0;
    }
  if (r < 0 && (s->n_readonly == 0 || galley_error_errno (err) != ENOENT))
    return -1;
  for (size_t i = 0; i < s->n_readonly; i++)
    {
      _cleanup_error_ galley_error_t ignored = NULL;
      struct store_layer *theirs = NULL;
      if (layer_get_own (s->readonly[i], chain_id, &theirs, &ignored) == 0 && theirs->ready)
        {
          store_layer_free (*out);
          if (r < 0)
            galley_error_release (err);
          *out = theirs;
          *home = s->readonly[i];
          return 0;
        }
      store_layer_free (theirs);
    }
  *home = s;
  return *out != NULL ? 0 : -1;
}

int
store_layer_get (struct store *s, const char *chain_id, struct store_layer **out, galley_error_t *err)
{
  struct store *home;

  *out = NULL;
  return layer_get_home (s, chain_id, &home, out, err);
}

void
store_layer_free (struct store_layer *l)
{
  if (l == NULL)
    return;
  free (l->chain_id);
  free (l->diff_id);
  free (l->parent);
  free (l);
}

int
store_layer_diff_dir (struct store *s, const char *chain_id, char **diff_dir, galley_error_t *err)
{
  struct store_layer *l = NULL;
  struct store *home;
  const char *hex;
  bool ready;

  if (layer_get_home (s, chain_id, &home, &l, err) < 0)
    return -1;
  ready = l->ready;
  store_layer_free (l);
  if (! ready)
    return galley_error_kind (err, ENOENT, "layer %s is not ready", chain_id);
  store_valid_digest (chain_id, &hex);
  *diff_dir = xasprintf ("%s/layers/%s/diff", home->root, hex);
  return 0;
}

int
store_layer_file (struct store *s, const char *chain_id, const char *name, char **path, galley_error_t *err)
{
  const char *hex;

  if (layer_validate (chain_id, &hex, err) < 0)
    return -1;
  *path = xasprintf ("%s/layers/%s/%s", s->root, hex, name);
  return 0;
}

/* layers/<hex>/pushed-<compression>.json, relative to the root.  */
static int
pushed_path (const char *chain_id, const char *compression, char **rel, galley_error_t *err)
{
  const char *hex;

  if (layer_validate (chain_id, &hex, err) < 0)
    return -1;
  if (compression == NULL || compression[0] == '\0'
      || strspn (compression, "abcdefghijklmnopqrstuvwxyz") != strlen (compression))
    return galley_error_kind (err, EINVAL, "invalid compression \"%s\"", compression ? compression : "");
  *rel = xasprintf ("layers/%s/pushed-%s.json", hex, compression);
  return 0;
}

int
store_layer_pushed_get (struct store *s, const char *chain_id, const char *compression,
                        struct store_pushed_blob *out, galley_error_t *err)
{
  _cleanup_free_ char *rel = NULL, *text = NULL;
  _cleanup_json_ json_object *doc = NULL;
  _cleanup_error_ galley_error_t ignored = NULL;
  const char *diff_id, *digest;
  json_object *size;
  size_t len;

  if (pushed_path (chain_id, compression, &rel, err) < 0)
    return -1;
  if (fs_read_file (s->root_fd, rel, STORE_DOC_MAX, &text, &len, &ignored) < 0
      || json_parse_strict (text, len, rel, &doc, &ignored) < 0)
    return 0;
  diff_id = json_get_string (doc, "diff_id");
  digest = json_get_string (doc, "digest");
  if (! store_valid_digest (diff_id, NULL) || ! store_valid_digest (digest, NULL)
      || ! json_object_object_get_ex (doc, "size", &size) || json_object_get_int64 (size) <= 0)
    return 0;
  memset (out, 0, sizeof *out);
  snprintf (out->diff_id, sizeof out->diff_id, "%s", diff_id);
  snprintf (out->digest, sizeof out->digest, "%s", digest);
  out->size = (uint64_t)json_object_get_int64 (size);
  return 1;
}

int
store_layer_pushed_put (struct store *s, const char *chain_id, const char *compression,
                        const struct store_pushed_blob *b, galley_error_t *err)
{
  _cleanup_free_ char *rel = NULL;
  _cleanup_json_ json_object *doc = json_object_new_object ();

  if (pushed_path (chain_id, compression, &rel, err) < 0)
    return -1;
  if (doc == NULL)
    return galley_error_make (err, ENOMEM, "allocating");
  json_object_object_add (doc, "diff_id", json_object_new_string (b->diff_id));
  json_object_object_add (doc, "digest", json_object_new_string (b->digest));
  json_object_object_add (doc, "size", json_object_new_int64 ((int64_t)b->size));
  return json_write_atomic (s->root_fd, rel, doc, err);
}

/* Remove incomplete layers nobody extracts and half-removed ones.  */
int
store_layers_cleanup_locked (struct store *s, galley_error_t *err)
{
  _cleanup_closedir_ DIR *d = store_list_dir (s, "layers", err);
  struct dirent *de;

  if (d == NULL)
    return -1;
  while ((de = readdir (d)) != NULL)
    {
      _cleanup_json_ json_object *rec = NULL;
      int r;

      if (strcmp (de->d_name, ".") == 0 || strcmp (de->d_name, "..") == 0)
        continue;
      if (strncmp (de->d_name, ".removing-", 10) == 0)
        {
          if (store_remove_owned_tree (s, dirfd (d), de->d_name, err) < 0)
            return -1;
          continue;
        }
      if (! store_valid_hex_id (de->d_name))
        continue; /* not ours: leave it alone */
      if (layer_read_json (s, de->d_name, &rec, err) == 0 && layer_json_ready (rec))
        {
          /* A ready layer with an `extracting` file: an older galley died
           * between the two steps of its commit.  */
          char rel[NAME_MAX + sizeof "/extracting"];

          snprintf (rel, sizeof rel, "%s/extracting", de->d_name);
          if (unlinkat (dirfd (d), rel, 0) < 0 && errno != ENOENT)
            return galley_error_make (err, errno, "removing layers/%s", rel);
          continue;
        }
      galley_error_release (err);
      r = layer_abandoned (s, de->d_name, NULL, err);
      if (r < 0)
        return -1;
      if (r == 0)
        continue;
      log_debug ("removing incomplete layer sha256:%s", de->d_name);
      if (store_remove_owned_tree (s, dirfd (d), de->d_name, err) < 0)
        return galley_error_wrap (err, "removing incomplete layer sha256:%s", de->d_name);
    }
  return 0;
}
