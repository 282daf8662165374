/* Layer tars regenerated from the store (see layer_regen.h).  */
#include "config.h"
#include "image/layer_regen.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "image/layer_import.h"
#include "image/layer_split.h"
#include "ns/idmap.h"
#include "ns/userns.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/log.h"
#include "util/parallel.h"

int
layer_regen_add (struct store *s, struct layer_regen **layers, size_t *n, const char *chain_id, size_t *index,
                 galley_error_t *err)
{
  struct layer_regen *grown;
  struct store_layer *l = NULL;
  size_t i;

  for (i = 0; i < *n; i++)
    if (strcmp ((*layers)[i].chain_id, chain_id) == 0)
      {
        *index = i;
        return 0;
      }
  grown = realloc (*layers, (*n + 1) * sizeof *grown);
  if (grown == NULL)
    return galley_error_make (err, ENOMEM, "allocating");
  *layers = grown;
  grown[i] = (struct layer_regen){ .chain_id = strdup (chain_id), .tmp_fd = -1 };
  (*n)++;
  if (grown[i].chain_id == NULL)
    return galley_error_make (err, ENOMEM, "allocating");
  if (store_layer_get (s, chain_id, &l, err) < 0)
    return -1;
  grown[i].diff_id = steal_pointer (&l->diff_id);
  store_layer_free (l);
  if (store_layer_diff_dir (s, chain_id, &grown[i].diff_dir, err) < 0
      || store_layer_file (s, chain_id, LAYER_SPLIT_NAME, &grown[i].split_path, err) < 0)
    return -1;
  *index = i;
  return 0;
}

void
layer_regen_free (struct layer_regen *layers, size_t n)
{
  size_t i;

  for (i = 0; i < n; i++)
    {
      free (layers[i].chain_id);
      free (layers[i].diff_id);
      free (layers[i].diff_dir);
      free (layers[i].split_path);
      if (layers[i].tmp_fd >= 0)
        close (layers[i].tmp_fd);
    }
  if (n > 0 && layers[0].result != NULL)
    munmap (layers[0].result, n * sizeof (struct layer_tar_result));
  free (layers);
}

/* The results live in memory shared with the child that writes them.  */
static int
ensure_results (struct layer_regen *layers, size_t n, galley_error_t *err)
{
  struct layer_tar_result *results;
  size_t i;

  if (n == 0 || layers[0].result != NULL)
    return 0;
  results = mmap (NULL, n * sizeof *results, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (results == MAP_FAILED)
    return galley_error_make (err, errno, "allocating");
  for (i = 0; i < n; i++)
    layers[i].result = &results[i];
  return 0;
}

static const char *
compression_name (enum layer_compression c)
{
  return c == LAYER_GZIP ? "gzip" : c == LAYER_ZSTD ? "zstd" : "none";
}

int
layer_regen_recall (struct store *s, struct layer_regen *layers, size_t n, enum layer_compression compression,
                    int (*present) (void *ctx, const char *digest, galley_error_t *err), void *ctx,
                    galley_error_t *err)
{
  size_t i;

  if (ensure_results (layers, n, err) < 0)
    return -1;
  for (i = 0; i < n; i++)
    {
      struct store_pushed_blob b;
      int there = store_layer_pushed_get (s, layers[i].chain_id, compression_name (compression), &b, err);

      if (there > 0)
        there = present (ctx, b.digest, err);
      if (there < 0)
        return -1;
      if (there == 0)
        continue;
      *layers[i].result = (struct layer_tar_result){ .blob_size = b.size };
      snprintf (layers[i].result->diff_id, sizeof layers[i].result->diff_id, "%s", b.diff_id);
      snprintf (layers[i].result->blob_digest, sizeof layers[i].result->blob_digest, "%s", b.digest);
      layers[i].recalled = true;
      log_debug ("layer %s: its blob %s was pushed before and is there: not written again",
                 layers[i].chain_id, b.digest);
    }
  return 0;
}

void
layer_regen_remember (struct store *s, struct layer_regen *layers, size_t n,
                      enum layer_compression compression)
{
  size_t i;

  for (i = 0; i < n; i++)
    {
      const struct layer_tar_result *r = layers[i].result;
      struct store_pushed_blob b = { .size = 0 };
      _cleanup_error_ galley_error_t ignored = NULL;

      if (layers[i].recalled || r == NULL || r->blob_size == 0)
        continue;
      snprintf (b.diff_id, sizeof b.diff_id, "%s", r->diff_id);
      snprintf (b.digest, sizeof b.digest, "%s", r->blob_digest);
      b.size = r->blob_size;
      /* a cache: a layer directory we cannot write to only costs the next
       * push its regeneration */
      store_layer_pushed_put (s, layers[i].chain_id, compression_name (compression), &b, &ignored);
    }
}

struct regen_job
{
  struct layer_regen *layers;
  size_t n;
  enum layer_compression compression;
  pid_t parent_pid;
};

/* The tar the layer came with, from its tar-split: 1 written, 0 not
 * (nothing written), -1 error.  */
static int
write_from_split (struct regen_job *job, struct layer_regen *l, int dfd, galley_error_t *err)
{
  _cleanup_error_ galley_error_t why = NULL;
  _cleanup_close_ int split_fd = open (l->split_path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);

  if (split_fd < 0)
    return 0;
  if (layer_split_write (split_fd, dfd, l->tmp_fd, job->compression, l->result, &why) == 0
      && strcmp (l->result->diff_id, l->diff_id) == 0)
    return 1;
  log_debug ("layer %s: its tar-split does not give its tar back (%s): writing the layer anew", l->chain_id,
             why ? why->msg : l->result->diff_id);
  if (ftruncate (l->tmp_fd, 0) < 0 || lseek (l->tmp_fd, 0, SEEK_SET) < 0)
    return galley_error_make (err, errno, "truncating the temporary file of layer %s", l->chain_id);
  return 0;
}

static int
regen_layer (void *arg, size_t i, galley_error_t *err)
{
  struct regen_job *job = arg;
  struct layer_regen *l = &job->layers[i];
  _cleanup_close_ int dfd = -1;
  int r;

  if (l->recalled)
    return 0;
  dfd = open (l->diff_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0)
    return galley_error_make (err, errno, "opening layer %s", l->chain_id);
  r = write_from_split (job, l, dfd, err);
  if (r != 0)
    return r < 0 ? -1 : 0;
  if (layer_tar_write (dfd, l->tmp_fd, job->compression, l->result, err) < 0)
    return galley_error_wrap (err, "layer %s", l->chain_id);
  return 0;
}

/* In the child, root in the user namespace: the ids it sees are the
 * container's.  Compression is most of the work: a thread per core.  */
static int
regen_child (void *arg, galley_error_t *err)
{
  struct regen_job *job = arg;
  long cores = sysconf (_SC_NPROCESSORS_ONLN);

  prctl (PR_SET_PDEATHSIG, SIGKILL);
  if (getppid () != job->parent_pid)
    return galley_error_make (err, 0, "interrupted");
  return parallel_for (job->n, cores > 1 ? (size_t)cores : 1, regen_layer, job, err);
}

int
layer_regen_run (struct store *s, struct layer_regen *layers, size_t n, enum layer_compression compression,
                 galley_error_t *err)
{
  struct regen_job job = { .layers = layers, .n = n, .compression = compression, .parent_pid = getpid () };
  struct idmap map;
  size_t i, todo = 0;

  if (ensure_results (layers, n, err) < 0)
    return -1;
  for (i = 0; i < n; i++)
    if (! layers[i].recalled)
      {
        if ((layers[i].tmp_fd = layer_import_tmpfile (s, err)) < 0)
          return -1;
        todo++;
      }
  if (todo == 0)
    return 0;
  if (idmap_for_current_user (&map, err) < 0)
    return -1;
  if (userns_run (&map, 0, regen_child, &job, err) != 0)
    return -1;
  return 0;
}

int
layer_regen_config (struct store *s, const struct store_image *img, const char *const *diff_ids, size_t n,
                    char **config, size_t *len, char digest[DIGEST_SHA256_BUFSIZE], galley_error_t *err)
{
  _cleanup_free_ char *stored = NULL;
  _cleanup_json_ json_object *doc = NULL;
  json_object *rootfs, *old_ids, *fresh;
  const char *text;
  bool same = true;
  size_t i;

  if (store_blob_get (s, img->config_digest, 0, &stored, len, err) < 0)
    return galley_error_wrap (err, "image %.12s", img->id);
  if (json_parse_strict (stored, *len, "image config", &doc, err) < 0)
    return -1;
  if (! json_object_object_get_ex (doc, "rootfs", &rootfs)
      || ! json_object_object_get_ex (rootfs, "diff_ids", &old_ids)
      || ! json_object_is_type (old_ids, json_type_array) || json_object_array_length (old_ids) != n)
    return galley_error_make (err, 0, "image %.12s: config rootfs.diff_ids does not match its %zu layers",
                              img->id, n);
  for (i = 0; i < n; i++)
    {
      const char *old = json_object_get_string (json_object_array_get_idx (old_ids, i));
      if (old == NULL || strcmp (old, diff_ids[i]) != 0)
        same = false;
    }
  if (same)
    {
      *config = steal_pointer (&stored);
      snprintf (digest, DIGEST_SHA256_BUFSIZE, "%s", img->config_digest);
      return 0;
    }
  fresh = json_object_new_array ();
  if (fresh == NULL)
    return galley_error_make (err, ENOMEM, "allocating");
  for (i = 0; i < n; i++)
    json_object_array_add (fresh, json_object_new_string (diff_ids[i]));
  json_object_object_add (rootfs, "diff_ids", fresh);
  text = json_object_to_json_string_ext (doc, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
  if (text == NULL || (*config = strdup (text)) == NULL)
    return galley_error_make (err, ENOMEM, "allocating");
  *len = strlen (*config);
  digest_sha256_hex (*config, *len, digest);
  return 0;
}
