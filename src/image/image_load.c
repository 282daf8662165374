/* `load`: unpack the archive into a private temporary directory under the
 * storage root (names confined, nothing outside it), find the images in
 * it (docker-archive manifest.json or OCI index.json), then extract each
 * missing layer into the store inside the user namespace (as pull does)
 * and record the images.  */
#include "config.h"
#include "image/image_load.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "image/layer_extract.h"
#include "image/layer_import.h"
#include "image/manifest.h"
#include "image/store.h"
#include "ns/idmap.h"
#include "ns/userns.h"
#include "registry/reference.h"
#include "util/cleanup.h"
#include "util/digest.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/log.h"
#include "util/strv.h"
#include "util/xmalloc.h"

#define LOAD_DOC_MAX (4u << 20)

struct load_layer
{
  char *path;        /* in the unpacked archive */
  char *blob_digest; /* OCI: the blob's digest; docker-archive: NULL */
  char diff_id[DIGEST_SHA256_BUFSIZE];
  char chain_id[DIGEST_SHA256_BUFSIZE];
  char parent[DIGEST_SHA256_BUFSIZE];
};

struct load_image
{
  char *config; /* bytes */
  size_t config_len;
  char config_digest[DIGEST_SHA256_BUFSIZE];
  char *manifest; /* bytes (generated for docker-archive) */
  size_t manifest_len;
  char manifest_digest[DIGEST_SHA256_BUFSIZE];
  const char *manifest_media_type;
  char **names; /* NULL-terminated */
  char *created;
  struct load_layer *layers;
  size_t n_layers;
};

struct load_job
{
  const struct galley_paths *paths;
  int tmp_fd;
  struct load_image *images;
  size_t n_images;
  bool fold_owners;
  pid_t parent_pid;
};

/* open dirfd/path with the path resolved inside dirfd (symlinks included).  */
static int
open_in (int dirfd, const char *path, galley_error_t *err)
{
  int fd = fs_open_in_root (dirfd, path, O_RDONLY, RESOLVE_NO_MAGICLINKS);

  if (fd < 0)
    return galley_error_make (err, errno, "archive member %s", path);
  return fd;
}

static int
read_in (int dirfd, const char *path, char **out, size_t *len, galley_error_t *err)
{
  _cleanup_close_ int fd = open_in (dirfd, path, err);
  _cleanup_free_ char *buf = NULL;
  size_t have = 0;
  ssize_t n;

  if (fd < 0)
    return -1;
  buf = xmalloc (LOAD_DOC_MAX + 1);
  while ((n = read (fd, buf + have, LOAD_DOC_MAX + 1 - have)) > 0)
    {
      have += (size_t)n;
      if (have > LOAD_DOC_MAX)
        return galley_error_make (err, 0, "archive member %s: larger than %u bytes", path, LOAD_DOC_MAX);
    }
  if (n < 0)
    return galley_error_make (err, errno, "reading archive member %s", path);
  buf[have] = '\0';
  *len = have;
  *out = steal_pointer (&buf);
  return 0;
}

/* ---- unpacking ---- */

static int
unpack (int input_fd, const char *dir, galley_error_t *err)
{
  struct archive *in = archive_read_new ();
  struct archive *out = archive_write_disk_new ();
  struct archive_entry *e;
  int r, ret = -1;

  if (in == NULL || out == NULL)
    {
      galley_error_make (err, ENOMEM, "allocating");
      goto done;
    }
  archive_read_support_format_tar (in);
  archive_read_support_filter_all (in);
  archive_write_disk_set_options (out, ARCHIVE_EXTRACT_SECURE_NODOTDOT | ARCHIVE_EXTRACT_SECURE_SYMLINKS);
  if (archive_read_open_fd (in, input_fd, 1 << 16) != ARCHIVE_OK)
    {
      galley_error_make (err, 0, "reading the archive: %s", archive_error_string (in));
      goto done;
    }
  while ((r = archive_read_next_header (in, &e)) == ARCHIVE_OK)
    {
      _cleanup_free_ char *target = NULL;
      mode_t type = archive_entry_filetype (e);
      const char *name = archive_entry_pathname (e);

      if (type != AE_IFREG && type != AE_IFDIR && type != AE_IFLNK)
        continue;
      /* Names stay inside dir (the target is absolute, so libarchive's own
       * absolute-path check cannot be used; its ".." and symlink checks are).  */
      if (name == NULL || name[0] == '/' || strcmp (name, "..") == 0 || strncmp (name, "../", 3) == 0
          || strstr (name, "/../") != NULL
          || (strlen (name) >= 3 && strcmp (name + strlen (name) - 3, "/..") == 0))
        {
          galley_error_make (err, 0, "archive member \"%s\": refusing a name outside the archive",
                             name ? name : "");
          goto done;
        }
      if (asprintf (&target, "%s/%s", dir, name) < 0)
        {
          galley_error_make (err, ENOMEM, "allocating");
          goto done;
        }
      archive_entry_set_pathname (e, target);
      archive_entry_set_perm (e, type == AE_IFDIR ? 0700 : 0600);
      archive_entry_set_uid (e, getuid ());
      archive_entry_set_gid (e, getgid ());
      if (archive_write_header (out, e) != ARCHIVE_OK)
        {
          galley_error_make (err, 0, "unpacking %s: %s", target + strlen (dir) + 1,
                             archive_error_string (out));
          goto done;
        }
      if (type == AE_IFREG)
        {
          const void *buf;
          size_t size;
          la_int64_t off;

          while ((r = archive_read_data_block (in, &buf, &size, &off)) == ARCHIVE_OK)
            if (archive_write_data_block (out, buf, size, off) != ARCHIVE_OK)
              {
                galley_error_make (err, 0, "unpacking: %s", archive_error_string (out));
                goto done;
              }
          if (r != ARCHIVE_EOF)
            {
              galley_error_make (err, 0, "reading the archive: %s", archive_error_string (in));
              goto done;
            }
        }
      archive_write_finish_entry (out);
    }
  if (r != ARCHIVE_EOF)
    {
      galley_error_make (err, 0, "reading the archive: %s", archive_error_string (in));
      goto done;
    }
  ret = 0;
done:
  if (in)
    archive_read_free (in);
  if (out)
    archive_write_free (out);
  return ret;
}

/* ---- finding the images ---- */

static void
load_image_release (struct load_image *im)
{
  size_t i;

  free (im->config);
  free (im->manifest);
  cleanup_strvp (&im->names);
  free (im->created);
  for (i = 0; i < im->n_layers; i++)
    {
      free (im->layers[i].path);
      free (im->layers[i].blob_digest);
    }
  free (im->layers);
}

/* Config bytes -> digest, diff ids, created; layers get their chain ids.  */
static int
use_config (struct load_image *im, char *config, size_t len, size_t n_layers, galley_error_t *err)
{
  _cleanup_json_ json_object *doc = NULL;
  json_object *rootfs, *diff_ids;
  const char *created;
  size_t i;

  im->config = config;
  im->config_len = len;
  if (digest_sha256_hex (config, len, im->config_digest) < 0)
    return galley_error_make (err, 0, "hashing the config");
  if (json_parse_strict (config, len, "image config", &doc, err) < 0)
    return -1;
  if (! json_object_object_get_ex (doc, "rootfs", &rootfs)
      || ! json_object_object_get_ex (rootfs, "diff_ids", &diff_ids)
      || ! json_object_is_type (diff_ids, json_type_array) || json_object_array_length (diff_ids) != n_layers)
    return galley_error_make (err, 0, "image config %s: rootfs.diff_ids does not match the %zu layers",
                              im->config_digest, n_layers);
  created = json_get_string (doc, "created");
  im->created = created ? strdup (created) : NULL;
  for (i = 0; i < n_layers; i++)
    {
      struct load_layer *l = &im->layers[i];
      const char *d = json_object_get_string (json_object_array_get_idx (diff_ids, i));

      if (d == NULL || ! store_valid_digest (d, NULL))
        return galley_error_make (err, 0, "image config %s: invalid diff id", im->config_digest);
      snprintf (l->diff_id, sizeof l->diff_id, "%s", d);
      if (i > 0)
        snprintf (l->parent, sizeof l->parent, "%s", im->layers[i - 1].chain_id);
      if (layer_chain_id (l->parent, d, l->chain_id) < 0)
        return galley_error_make (err, ENOMEM, "allocating");
    }
  return 0;
}

/* Normalise a name from an archive as podman: "busybox" -> localhost/busybox:latest.  */
static char *
normalize_name (const char *input)
{
  _cleanup_image_ref_ struct image_ref ref = { 0 };
  _cleanup_error_ galley_error_t err = NULL;
  char *out = NULL;

  if (image_ref_parse (input, &ref, &err) < 0 || ref.digest)
    return NULL;
  if (asprintf (&out, "%s/%s:%s", ref.registry ? ref.registry : "localhost", ref.repository,
                ref.tag ? ref.tag : "latest")
      < 0)
    return NULL;
  return out;
}

static int
add_name (struct load_image *im, const char *input)
{
  _cleanup_free_ char *name = normalize_name (input);

  if (name == NULL)
    {
      log_warn ("ignoring invalid image name \"%s\" in the archive", input);
      return 0;
    }
  return strv_append (&im->names, name);
}

/* docker-archive: the schema 2 manifest podman generates for it (same bytes,
 * so the same digest as podman's).  */
static int
docker_manifest (struct load_image *im, int dirfd, galley_error_t *err)
{
  _cleanup_free_ char *text = NULL;
  size_t i, len = 0;
  FILE *f = open_memstream (&text, &len);

  if (f == NULL)
    return galley_error_make (err, errno, "allocating");
  fprintf (f,
           "{\"schemaVersion\":2,\"mediaType\":\"%s\",\"config\":{\"mediaType\":\"%s\",\"size\":%zu,"
           "\"digest\":\"%s\"},"
           "\"layers\":[",
           MEDIA_TYPE_DOCKER_MANIFEST, MEDIA_TYPE_DOCKER_CONFIG, im->config_len, im->config_digest);
  for (i = 0; i < im->n_layers; i++)
    {
      struct stat st;
      _cleanup_close_ int fd = open_in (dirfd, im->layers[i].path, err);
      if (fd < 0 || fstat (fd, &st) < 0)
        {
          fclose (f);
          return fd < 0 ? -1 : galley_error_make (err, errno, "stat %s", im->layers[i].path);
        }
      fprintf (f, "%s{\"mediaType\":\"%s\",\"size\":%lld,\"digest\":\"%s\"}", i ? "," : "",
               MEDIA_TYPE_DOCKER_LAYER_GZIP, (long long)st.st_size, im->layers[i].diff_id);
    }
  fprintf (f, "]}");
  if (fclose (f) != 0)
    return galley_error_make (err, errno, "allocating");
  im->manifest = steal_pointer (&text);
  im->manifest_len = len;
  im->manifest_media_type = MEDIA_TYPE_DOCKER_MANIFEST;
  digest_sha256_hex (im->manifest, len, im->manifest_digest);
  return 0;
}

static int
find_docker_images (struct load_job *job, galley_error_t *err)
{
  _cleanup_free_ char *text = NULL;
  _cleanup_json_ json_object *doc = NULL;
  size_t len, i, j, n;

  if (read_in (job->tmp_fd, "manifest.json", &text, &len, err) < 0)
    return -1;
  if (json_parse_strict (text, len, "manifest.json", &doc, err) < 0)
    return -1;
  if (! json_object_is_type (doc, json_type_array))
    return galley_error_make (err, 0, "manifest.json: not an array");
  n = json_object_array_length (doc);
  job->images = xcalloc (n + 1, sizeof *job->images);
  for (i = 0; i < n; i++)
    {
      json_object *m = json_object_array_get_idx (doc, i), *layers, *tags;
      struct load_image *im = &job->images[job->n_images++];
      const char *config_path = json_get_string (m, "Config");
      char *config = NULL;
      size_t config_len;

      if (config_path == NULL || ! json_object_object_get_ex (m, "Layers", &layers)
          || ! json_object_is_type (layers, json_type_array))
        return galley_error_make (err, 0, "manifest.json: entry %zu lacks Config or Layers", i);
      im->n_layers = json_object_array_length (layers);
      im->layers = xcalloc (im->n_layers + 1, sizeof *im->layers);
      for (j = 0; j < im->n_layers; j++)
        {
          const char *p = json_object_get_string (json_object_array_get_idx (layers, j));
          if (p == NULL || (im->layers[j].path = strdup (p)) == NULL)
            return galley_error_make (err, 0, "manifest.json: invalid layer path");
        }
      if (read_in (job->tmp_fd, config_path, &config, &config_len, err) < 0)
        return -1;
      if (use_config (im, config, config_len, im->n_layers, err) < 0)
        return -1;
      if (json_object_object_get_ex (m, "RepoTags", &tags) && json_object_is_type (tags, json_type_array))
        for (j = 0; j < json_object_array_length (tags); j++)
          if (add_name (im, json_object_get_string (json_object_array_get_idx (tags, j))) < 0)
            return galley_error_make (err, ENOMEM, "allocating");
      if (docker_manifest (im, job->tmp_fd, err) < 0)
        return -1;
    }
  return 0;
}

static char *
blob_path (const char *digest)
{
  char *p = NULL;

  if (! store_valid_digest (digest, NULL) || asprintf (&p, "blobs/sha256/%s", digest + 7) < 0)
    return NULL;
  return p;
}

static int
read_blob (struct load_job *job, const char *digest, char **out, size_t *len, galley_error_t *err)
{
  _cleanup_free_ char *path = blob_path (digest);

  if (path == NULL)
    return galley_error_make (err, 0, "invalid digest \"%s\"", digest ? digest : "");
  if (read_in (job->tmp_fd, path, out, len, err) < 0)
    return -1;
  return digest_verify (digest, *out, *len, err);
}

static int
find_oci_images (struct load_job *job, galley_error_t *err)
{
  _cleanup_free_ char *text = NULL;
  _cleanup_json_ json_object *index = NULL;
  json_object *manifests;
  size_t len, i, j, n;

  if (read_in (job->tmp_fd, "index.json", &text, &len, err) < 0)
    return -1;
  if (json_parse_strict (text, len, "index.json", &index, err) < 0)
    return -1;
  if (! json_object_object_get_ex (index, "manifests", &manifests)
      || ! json_object_is_type (manifests, json_type_array))
    return galley_error_make (err, 0, "index.json: no manifests");
  n = json_object_array_length (manifests);
  job->images = xcalloc (n + 1, sizeof *job->images);
  for (i = 0; i < n; i++)
    {
      json_object *desc = json_object_array_get_idx (manifests, i), *ann;
      const char *digest = json_get_string (desc, "digest");
      struct load_image *im = &job->images[job->n_images++];
      _cleanup_manifest_ struct manifest m = { 0 };
      char *config = NULL;
      size_t config_len;

      if (read_blob (job, digest, &im->manifest, &im->manifest_len, err) < 0)
        return galley_error_wrap (err, "index.json entry %zu", i);
      if (manifest_parse (im->manifest, im->manifest_len, json_get_string (desc, "mediaType"), &m, err) < 0)
        return -1;
      if (manifest_is_index (&m))
        return galley_error_make (err, 0, "%s: nested indexes in an oci-archive are not supported", digest);
      snprintf (im->manifest_digest, sizeof im->manifest_digest, "%s", digest);
      im->manifest_media_type = m.media_type;
      im->n_layers = m.n_layers;
      im->layers = xcalloc (m.n_layers + 1, sizeof *im->layers);
      for (j = 0; j < m.n_layers; j++)
        {
          im->layers[j].path = blob_path (m.layers[j].d.digest);
          im->layers[j].blob_digest = strdup (m.layers[j].d.digest);
          if (im->layers[j].path == NULL || im->layers[j].blob_digest == NULL)
            return galley_error_make (err, ENOMEM, "allocating");
        }
      if (read_blob (job, m.config.digest, &config, &config_len, err) < 0)
        return galley_error_wrap (err, "config of %s", digest);
      if (use_config (im, config, config_len, m.n_layers, err) < 0)
        return -1;
      if (json_object_object_get_ex (desc, "annotations", &ann))
        {
          const char *ref = json_get_string (ann, "org.opencontainers.image.ref.name");
          if (ref && add_name (im, ref) < 0)
            return galley_error_make (err, ENOMEM, "allocating");
        }
    }
  return 0;
}

/* ---- storing ---- */

static int
extract_layer (struct load_job *job, struct store *s, const struct load_layer *l, galley_error_t *err)
{
  _cleanup_close_ int fd = -1;
  struct layer_extract_options o = { .blob_digest = l->blob_digest,
                                     .diff_id = l->diff_id,
                                     .fold_owners = job->fold_owners };

  fd = open_in (job->tmp_fd, l->path, err);
  if (fd < 0 || layer_import_fd (s, fd, l->chain_id, l->parent, &o, err) < 0)
    return galley_error_wrap (err, "layer %s", l->diff_id);
  return 0;
}

/* In the child, root in the user namespace.  */
static int
layers_child (void *arg, galley_error_t *err)
{
  struct load_job *job = arg;
  struct galley_paths paths = *job->paths;
  _cleanup_store_ struct store *s = NULL;
  size_t i, j;

  prctl (PR_SET_PDEATHSIG, SIGKILL);
  if (getppid () != job->parent_pid)
    return galley_error_make (err, 0, "the load was interrupted");
  paths.uid = geteuid ();
  paths.gid = getegid ();
  if (store_open (&paths, &s, err) < 0)
    return -1;
  for (i = 0; i < job->n_images; i++)
    for (j = 0; j < job->images[i].n_layers; j++)
      if (extract_layer (job, s, &job->images[i].layers[j], err) < 0)
        return -1;
  return 0;
}

static int
record_images (struct load_job *job, struct store *s, char ***loaded, galley_error_t *err)
{
  size_t i, k = 0, total = 0;
  char **out;

  for (i = 0; i < job->n_images; i++)
    {
      size_t n = 0;
      while (job->images[i].names && job->images[i].names[n])
        n++;
      total += n ? n : 1;
    }
  out = xcalloc (total + 1, sizeof *out);
  *loaded = out;
  for (i = 0; i < job->n_images; i++)
    {
      struct load_image *im = &job->images[i];
      _cleanup_free_ char **chain = calloc (im->n_layers + 1, sizeof (char *));
      char *digests[] = { im->manifest_digest, NULL };
      struct store_image img = { 0 };
      size_t j;

      if (chain == NULL)
        return galley_error_make (err, ENOMEM, "allocating");
      for (j = 0; j < im->n_layers; j++)
        chain[j] = im->layers[j].chain_id;
      if (store_blob_put (s, im->config_digest, im->config, im->config_len, err) < 0
          || store_blob_put (s, im->manifest_digest, im->manifest, im->manifest_len, err) < 0)
        return -1;
      img.id = im->config_digest + 7;
      img.config_digest = im->config_digest;
      img.manifest_digest = im->manifest_digest;
      img.manifest_media_type = (char *)im->manifest_media_type;
      img.digests = digests;
      img.layers = chain;
      img.names = im->names;
      img.created = im->created;
      if (store_image_add (s, &img, err) < 0)
        return -1;
      for (j = 0; im->names && im->names[j]; j++)
        out[k++] = strdup (im->names[j]);
      if (j == 0)
        out[k++] = strdup (im->config_digest);
    }
  return 0;
}

int
image_load (const struct galley_paths *paths, int input_fd, char ***loaded, galley_error_t *err)
{
  _cleanup_store_ struct store *s = NULL;
  _cleanup_free_ char *tmp = NULL;
  struct load_job job = { .paths = paths, .tmp_fd = -1, .parent_pid = getpid () };
  struct idmap map;
  galley_error_t cleanup_err = NULL;
  size_t i;
  int ret = -1;

  *loaded = NULL;
  if (store_open (paths, &s, err) < 0)
    return -1;
  /* The pid lets the next writer remove it if we crash (store.c).  */
  if (asprintf (&tmp, "%s/tmp-load-%d-XXXXXX", store_root (s), (int)getpid ()) < 0 || mkdtemp (tmp) == NULL)
    return galley_error_make (err, errno, "creating a temporary directory in %s", store_root (s));
  if (unpack (input_fd, tmp, err) < 0)
    goto out;
  job.tmp_fd = open (tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (job.tmp_fd < 0)
    {
      galley_error_make (err, errno, "opening %s", tmp);
      goto out;
    }
  if (faccessat (job.tmp_fd, "manifest.json", F_OK, 0) == 0)
    ret = find_docker_images (&job, err);
  else if (faccessat (job.tmp_fd, "index.json", F_OK, 0) == 0)
    ret = find_oci_images (&job, err);
  else
    ret = galley_error_make (
        err, 0, "payload does not match any of the supported image formats (oci-archive, docker-archive)");
  if (ret < 0)
    goto out;
  ret = -1;
  if (idmap_for_current_user (&map, err) < 0)
    goto out;
  job.fold_owners = map.source == IDMAP_SOURCE_SINGLE;
  if (userns_run (&map, 0, layers_child, &job, err) < 0)
    goto out;
  ret = record_images (&job, s, loaded, err);
out:
  if (job.tmp_fd >= 0)
    close (job.tmp_fd);
  for (i = 0; i < job.n_images; i++)
    load_image_release (&job.images[i]);
  free (job.images);
  if (fs_remove_tree (AT_FDCWD, tmp, &cleanup_err) < 0)
    {
      log_warn ("%s", cleanup_err->msg);
      galley_error_release (&cleanup_err);
    }
  if (ret < 0 && *loaded)
    {
      cleanup_strvp (loaded);
      *loaded = NULL;
    }
  return ret;
}
