/* The image writer (see image_write.h).  Layers are stored by one child in
 * the user namespace per layer (where the layer's owners are mapped): a
 * directory is first written as a tar (layer_tar_write) into an unlinked
 * temporary file, which gives the diff_id and so the chain id; the tar is
 * then extracted into the store as a pulled layer would be
 * (layer_import_fd).  A tar stream is decompressed into such a file by the
 * parent, hashing it on the way.  */
#include "config.h"
#include "image/image_write.h"

#include <archive.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "image/layer_archive.h"
#include "image/layer_import.h"
#include "image/layer_tar.h"
#include "image/manifest.h"
#include "image/platform.h"
#include "image/store.h"
#include "ns/idmap.h"
#include "ns/userns.h"
#include "util/cleanup.h"
#include "util/digest.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/log.h"
#include "util/strv.h"
#include "util/xmalloc.h"

struct image_writer
{
  struct galley_paths paths;
  struct store *s;
  json_object *doc;
  char **layers; /* chain ids, bottom first */
  size_t n_layers;
  enum image_writer_format format;
  struct timespec created;
  struct idmap source_map; /* how add_layer_dir reads, when set */
  bool has_source_map;
  char **fresh; /* layers this writer added to the store */
};

/* ---- the document ---- */

static char *
rfc3339 (const struct timespec *ts)
{
  struct tm tm;
  char buf[64];

  gmtime_r (&ts->tv_sec, &tm);
  snprintf (buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%09ldZ", tm.tm_year + 1900, tm.tm_mon + 1,
            tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ts->tv_nsec);
  return strdup (buf);
}

static json_object *
diff_ids (struct image_writer *w)
{
  return json_get_or_add (json_get_or_add (w->doc, "rootfs", json_type_object), "diff_ids", json_type_array);
}

static int
scratch_doc (struct image_writer *w, galley_error_t *err)
{
  _cleanup_platform_ struct platform host = { 0 };

  if (platform_host (&host, err) < 0)
    return -1;
  w->doc = json_object_new_object ();
  json_object_object_add (w->doc, "architecture", json_object_new_string (host.architecture));
  if (host.variant)
    json_object_object_add (w->doc, "variant", json_object_new_string (host.variant));
  json_object_object_add (w->doc, "os", json_object_new_string (host.os));
  json_object_object_add (w->doc, "config", json_object_new_object ());
  return 0;
}

static int
base_doc (struct image_writer *w, const char *base, galley_error_t *err)
{
  _cleanup_store_image_ struct store_image *img = NULL;
  json_object *ids;
  size_t n = 0;

  if (store_image_find (w->s, base, &img, err) < 0 || store_image_config (w->s, img, &w->doc, err) < 0)
    return -1;
  while (img->layers[n])
    n++;
  ids = diff_ids (w);
  if (json_object_array_length (ids) != n)
    return galley_error_make (err, 0, "image %.12s: config rootfs.diff_ids does not match its %zu layers",
                              img->id, n);
  w->layers = steal_pointer (&img->layers);
  w->n_layers = n;
  return 0;
}

int
image_writer_new (const struct galley_paths *p, const char *base, struct image_writer **out,
                  galley_error_t *err)
{
  struct image_writer *w = calloc (1, sizeof *w);
  _cleanup_image_writer_ struct image_writer *cleanup = w;

  if (w == NULL)
    return galley_error_make (err, ENOMEM, "allocating");
  w->paths = *p;
  clock_gettime (CLOCK_REALTIME, &w->created);
  if (store_open (p, &w->s, err) < 0)
    return -1;
  if (base ? base_doc (w, base, err) < 0 : scratch_doc (w, err) < 0)
    return -1;
  if (w->layers == NULL && (w->layers = calloc (1, sizeof *w->layers)) == NULL)
    return galley_error_make (err, ENOMEM, "allocating");
  json_object_object_add (json_get_or_add (w->doc, "rootfs", json_type_object), "type",
                          json_object_new_string ("layers"));
  diff_ids (w);
  json_get_or_add (w->doc, "history", json_type_array);
  json_get_or_add (w->doc, "config", json_type_object);
  *out = steal_pointer (&cleanup);
  return 0;
}

void
image_writer_free (struct image_writer *w)
{
  if (w == NULL)
    return;
  /* Added for an image that was not stored (a failed commit or build
   * step), or dropped from it (--squash): no image uses them.  */
  if (w->s && w->fresh)
    {
      galley_error_t err = NULL;
      if (store_layers_release (w->s, w->fresh, &err) < 0)
        {
          log_warn ("%s", err->msg);
          galley_error_release (&err);
        }
    }
  cleanup_strvp (&w->fresh);
  if (w->s)
    store_close (w->s);
  json_object_put (w->doc);
  cleanup_strvp (&w->layers);
  free (w);
}

json_object *
image_writer_doc (struct image_writer *w)
{
  return w->doc;
}

json_object *
image_writer_config (struct image_writer *w)
{
  return json_get_or_add (w->doc, "config", json_type_object);
}

void
image_writer_set_format (struct image_writer *w, enum image_writer_format f)
{
  w->format = f;
}

void
image_writer_set_created (struct image_writer *w, time_t when)
{
  w->created.tv_sec = when;
  w->created.tv_nsec = 0;
}

size_t
image_writer_n_layers (const struct image_writer *w)
{
  return w->n_layers;
}

const char *
image_writer_top_layer (const struct image_writer *w)
{
  return w->n_layers ? w->layers[w->n_layers - 1] : NULL;
}

void
image_writer_drop_layers (struct image_writer *w)
{
  json_object *history = json_get_or_add (w->doc, "history", json_type_array);
  size_t i;

  for (i = 0; i < json_object_array_length (history); i++)
    json_object_object_add (json_object_array_get_idx (history, i), "empty_layer",
                            json_object_new_boolean (1));
  json_object_object_add (json_get_or_add (w->doc, "rootfs", json_type_object), "diff_ids",
                          json_object_new_array ());
  cleanup_strvp (&w->layers);
  w->layers = calloc (1, sizeof *w->layers);
  w->n_layers = 0;
}

/* A history entry as buildah writes one: created, created_by, author,
 * comment, empty_layer (only when true).  */
static int
add_history (struct image_writer *w, const char *created_by, const char *comment, bool empty,
             galley_error_t *err)
{
  json_object *h = json_object_new_object ();
  const char *author = json_get_string (w->doc, "author");
  _cleanup_free_ char *created = rfc3339 (&w->created);

  if (h == NULL || created == NULL)
    {
      json_object_put (h);
      return galley_error_make (err, ENOMEM, "allocating");
    }
  json_object_object_add (h, "created", json_object_new_string (created));
  if (created_by && *created_by)
    json_object_object_add (h, "created_by", json_object_new_string (created_by));
  if (author && *author)
    json_object_object_add (h, "author", json_object_new_string (author));
  if (comment && *comment)
    json_object_object_add (h, "comment", json_object_new_string (comment));
  if (empty)
    json_object_object_add (h, "empty_layer", json_object_new_boolean (1));
  json_object_array_add (json_get_or_add (w->doc, "history", json_type_array), h);
  return 0;
}

int
image_writer_add_history (struct image_writer *w, const char *created_by, const char *comment,
                          galley_error_t *err)
{
  return add_history (w, created_by, comment, true, err);
}

/* ---- layers ---- */

struct layer_result
{
  char diff_id[LAYER_DIGEST_LEN];
  char chain_id[LAYER_DIGEST_LEN];
  bool created; /* the store did not have it */
};

struct layer_job
{
  const struct galley_paths *paths;
  const char *dir; /* a directory to write as a tar into tar_fd, or NULL */
  int tar_fd;      /* the uncompressed tar (with result->diff_id set when dir is NULL) */
  const char *parent;
  bool fold_owners;
  pid_t parent_pid;
  struct layer_result *result; /* shared with the parent */
};

/* Created in an upper dir as targets of the runtime's bind mounts, never
 * part of an image (podman leaves them out too).  */
static const char *const runtime_mount_points[] = { "etc/hostname", "etc/hosts", "etc/resolv.conf",
                                                    "run/.containerenv", NULL };

static int
child_start (const struct layer_job *job, galley_error_t *err)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
  if (getppid () != job->parent_pid)
    return galley_error_make (err, 0, "interrupted");
  return 0;
}

/* The directory as a tar into job->tar_fd, its diff_id into the result.  */
static int
write_dir_tar (struct layer_job *job, galley_error_t *err)
{
  _cleanup_close_ int dfd = open (job->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  struct layer_tar_result r;

  if (dfd < 0)
    return galley_error_make (err, errno, "opening %s", job->dir);
  if (layer_tar_write_except (dfd, job->tar_fd, LAYER_UNCOMPRESSED, runtime_mount_points, &r, err) < 0)
    return -1;
  snprintf (job->result->diff_id, sizeof job->result->diff_id, "%s", r.diff_id);
  return 0;
}

/* In a child, root in the directory's user namespace.  */
static int
dir_tar_child (void *arg, galley_error_t *err)
{
  if (child_start (arg, err) < 0)
    return -1;
  return write_dir_tar (arg, err);
}

/* In a child, root in the user namespace of the store's layers: the tar
 * (written first from job->dir when set) goes into the store.  */
static int
layer_child (void *arg, galley_error_t *err)
{
  struct layer_job *job = arg;
  struct galley_paths paths = *job->paths;
  _cleanup_store_ struct store *s = NULL;
  struct layer_extract_options o = { .diff_id = job->result->diff_id, .fold_owners = job->fold_owners };
  int r;

  if (child_start (job, err) < 0)
    return -1;
  paths.uid = geteuid ();
  paths.gid = getegid ();
  if (store_open (&paths, &s, err) < 0)
    return -1;
  if (job->dir && write_dir_tar (job, err) < 0)
    return -1;
  if (lseek (job->tar_fd, 0, SEEK_SET) < 0)
    return galley_error_make (err, errno, "rewinding the layer");
  if (layer_chain_id (job->parent, job->result->diff_id, job->result->chain_id) < 0)
    return galley_error_make (err, ENOMEM, "allocating");
  r = layer_import_fd (s, job->tar_fd, job->result->chain_id, job->parent, &o, err);
  job->result->created = r == 1;
  return r < 0 ? -1 : 0;
}

static bool
same_map (const struct idmap *a, const struct idmap *b)
{
  return a->n_uid == b->n_uid && a->n_gid == b->n_gid
         && memcmp (a->uid, b->uid, a->n_uid * sizeof a->uid[0]) == 0
         && memcmp (a->gid, b->gid, a->n_gid * sizeof a->gid[0]) == 0;
}

/* Run the children; the result in job->result.  */
static int
run_layer_children (struct image_writer *w, struct layer_job *job, galley_error_t *err)
{
  struct idmap map;

  if (idmap_for_current_user (&map, err) < 0)
    return -1;
  job->fold_owners = map.source == IDMAP_SOURCE_SINGLE;
  /* Files of a directory seen through another map (keep-id) are read
   * there: their owners are the ones the container saw.  */
  if (job->dir && w->has_source_map && ! same_map (&w->source_map, &map))
    {
      if (userns_run (&w->source_map, 0, dir_tar_child, job, err) != 0)
        return -1;
      job->dir = NULL;
    }
  return userns_run (&map, 0, layer_child, job, err) != 0 ? -1 : 0;
}

static int
store_layer (struct image_writer *w, const char *dir, int tar_fd, const char *diff_id, const char *created_by,
             const char *comment, galley_error_t *err)
{
  _cleanup_close_ int tmp_fd = -1;
  struct layer_job job = { .paths = &w->paths,
                           .dir = dir,
                           .tar_fd = tar_fd,
                           .parent = image_writer_top_layer (w),
                           .parent_pid = getpid () };
  struct layer_result *result;
  char **grown;
  int ret = -1;

  if (dir && (job.tar_fd = tmp_fd = layer_import_tmpfile (w->s, err)) < 0)
    return -1;
  result = mmap (NULL, sizeof *result, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (result == MAP_FAILED)
    return galley_error_make (err, errno, "allocating");
  memset (result, 0, sizeof *result);
  if (diff_id)
    snprintf (result->diff_id, sizeof result->diff_id, "%s", diff_id);
  job.result = result;
  if (run_layer_children (w, &job, err) < 0)
    goto out;
  grown = realloc (w->layers, (w->n_layers + 2) * sizeof *grown);
  if (grown == NULL || (grown[w->n_layers] = strdup (result->chain_id)) == NULL)
    {
      if (grown)
        w->layers = grown;
      galley_error_make (err, ENOMEM, "allocating");
      goto out;
    }
  w->layers = grown;
  grown[++w->n_layers] = NULL;
  if (result->created && strv_append (&w->fresh, result->chain_id) < 0)
    {
      galley_error_make (err, ENOMEM, "allocating");
      goto out;
    }
  json_object_array_add (diff_ids (w), json_object_new_string (result->diff_id));
  ret = add_history (w, created_by, comment, false, err);
out:
  munmap (result, sizeof *result);
  return ret;
}

void
image_writer_set_source_idmap (struct image_writer *w, const struct idmap *map)
{
  w->source_map = *map;
  w->has_source_map = true;
}

int
image_writer_add_layer_dir (struct image_writer *w, const char *dir, const char *created_by,
                            const char *comment, galley_error_t *err)
{
  return store_layer (w, dir, -1, NULL, created_by, comment, err);
}

/* Decompress (whatever libarchive recognises) in_fd into out_fd, hashing
 * the result.  */
static int
decompress_into (int in_fd, int out_fd, char diff_id[LAYER_DIGEST_LEN], galley_error_t *err)
{
  _cleanup_archive_read_ struct archive *a = archive_read_new ();
  _cleanup_digester_ struct digester d = { 0 };
  _cleanup_free_ char *buf = malloc (1 << 16);
  struct archive_entry *e;
  char out[DIGEST_BUFSIZE];
  uint64_t total = 0;
  la_ssize_t n;

  if (a == NULL || buf == NULL)
    return galley_error_make (err, ENOMEM, "allocating");
  if (digest_init (&d, "sha256", err) < 0)
    return -1;
  archive_read_support_filter_all (a);
  archive_read_support_format_raw (a);
  if (archive_read_open_fd (a, in_fd, 1 << 16) != ARCHIVE_OK
      || archive_read_next_header (a, &e) != ARCHIVE_OK)
    return layer_archive_fail (a, err, "reading the tarball");
  while ((n = archive_read_data (a, buf, 1 << 16)) > 0)
    {
      if (digest_update (&d, buf, (size_t)n, err) < 0)
        return -1;
      if (fs_write_all (out_fd, buf, (size_t)n) < 0)
        return galley_error_make (err, errno, "writing a temporary file");
      total += (uint64_t)n;
    }
  if (n < 0)
    return layer_archive_fail (a, err, "reading the tarball");
  if (total == 0)
    return galley_error_make (err, 0, "reading the tarball: it is empty");
  if (digest_final (&d, out, err) < 0)
    return -1;
  memcpy (diff_id, out, LAYER_DIGEST_LEN - 1); /* "sha256:" + 64 hex */
  diff_id[LAYER_DIGEST_LEN - 1] = '\0';
  return 0;
}

int
image_writer_add_layer_tar (struct image_writer *w, int tar_fd, const char *created_by, const char *comment,
                            galley_error_t *err)
{
  _cleanup_close_ int tmp_fd = layer_import_tmpfile (w->s, err);
  char diff_id[LAYER_DIGEST_LEN];

  if (tmp_fd < 0 || decompress_into (tar_fd, tmp_fd, diff_id, err) < 0)
    return -1;
  return store_layer (w, NULL, tmp_fd, diff_id, created_by, comment, err);
}

/* ---- committing ---- */

static const char *
plain_json (json_object *o)
{
  return json_object_to_json_string_ext (o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
}

/* The manifest: the layers as the uncompressed tars they were stored
 * from.  */
static int
manifest_text (struct image_writer *w, const char *config_digest, size_t config_len, char **out,
               galley_error_t *err)
{
  bool oci = w->format == IMAGE_WRITER_OCI;
  _cleanup_json_ json_object *m = json_object_new_object ();
  json_object *config = json_object_new_object (), *layers = json_object_new_array ();
  json_object *ids = diff_ids (w);
  size_t i;

  json_object_object_add (m, "schemaVersion", json_object_new_int (2));
  json_object_object_add (
      m, "mediaType", json_object_new_string (oci ? MEDIA_TYPE_OCI_MANIFEST : MEDIA_TYPE_DOCKER_MANIFEST));
  json_object_object_add (config, "mediaType",
                          json_object_new_string (oci ? MEDIA_TYPE_OCI_CONFIG : MEDIA_TYPE_DOCKER_CONFIG));
  json_object_object_add (config, "digest", json_object_new_string (config_digest));
  json_object_object_add (config, "size", json_object_new_int64 ((int64_t)config_len));
  json_object_object_add (m, "config", config);
  for (i = 0; i < w->n_layers; i++)
    {
      struct store_layer *l = NULL;
      json_object *d;

      if (store_layer_get (w->s, w->layers[i], &l, err) < 0)
        return -1;
      d = json_object_new_object ();
      json_object_object_add (d, "mediaType",
                              json_object_new_string (oci ? MEDIA_TYPE_OCI_LAYER : MEDIA_TYPE_DOCKER_LAYER));
      json_object_object_add (d, "digest", json_object_get (json_object_array_get_idx (ids, i)));
      json_object_object_add (d, "size", json_object_new_int64 ((int64_t)l->size));
      json_object_array_add (layers, d);
      store_layer_free (l);
    }
  json_object_object_add (m, "layers", layers);
  *out = xstrdup (plain_json (m));
  return 0;
}

int
image_writer_commit (struct image_writer *w, const char *const *names, char **id, galley_error_t *err)
{
  _cleanup_free_ char *created = rfc3339 (&w->created);
  _cleanup_free_ char *config = NULL, *manifest = NULL;
  char config_digest[DIGEST_SHA256_BUFSIZE], manifest_digest[DIGEST_SHA256_BUFSIZE];
  char *digests[] = { manifest_digest, NULL };
  struct store_image img = { 0 };

  if (created == NULL)
    return galley_error_make (err, ENOMEM, "allocating");
  json_object_object_add (w->doc, "created", json_object_new_string (created));
  config = xstrdup (plain_json (w->doc));
  digest_sha256_hex (config, strlen (config), config_digest);
  if (manifest_text (w, config_digest, strlen (config), &manifest, err) < 0)
    return -1;
  digest_sha256_hex (manifest, strlen (manifest), manifest_digest);
  if (store_blob_put (w->s, config_digest, config, strlen (config), err) < 0
      || store_blob_put (w->s, manifest_digest, manifest, strlen (manifest), err) < 0)
    return -1;
  img.id = config_digest + 7;
  img.config_digest = config_digest;
  img.manifest_digest = manifest_digest;
  img.manifest_media_type =
      (char *)(w->format == IMAGE_WRITER_OCI ? MEDIA_TYPE_OCI_MANIFEST : MEDIA_TYPE_DOCKER_MANIFEST);
  img.digests = digests;
  img.layers = w->layers;
  img.names = (char **)names;
  img.created = created;
  if (store_image_add (w->s, &img, err) < 0)
    return -1;
  *id = xstrdup (config_digest + 7);
  return 0;
}

void
image_writer_print_progress (struct image_writer *w, FILE *out, size_t reused, const char *id)
{
  json_object *ids = diff_ids (w);
  size_t i;

  for (i = 0; i < json_object_array_length (ids); i++)
    {
      const char *d = json_object_get_string (json_object_array_get_idx (ids, i));
      fprintf (out, "Copying blob %.12s %s\n", d && strlen (d) > 7 ? d + 7 : "",
               i < reused ? "skipped: already exists" : "done");
    }
  fprintf (out, "Copying config %.12s done\n", id);
  fprintf (out, "Writing manifest to image destination\n");
  fprintf (out, "Storing signatures\n");
  fflush (out);
}
