/* `save`: resolve the images and their tags as podman's libimage does,
 * regenerate each layer's tar from its diff/ inside the user namespace
 * (into unlinked temporary files in the storage root that this process
 * owns), give the configs the regenerated diff_ids, and hand the result to
 * image_save_archive.c.  */
#include "config.h"
#include "image/image_save.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "image/image_save_internal.h"
#include "image/reference.h"
#include "runtime/idmap.h"
#include "runtime/userns.h"
#include "util/cleanup.h"
#include "util/json.h"

int
image_save_format_parse (const char *name, enum image_save_format *out)
{
  if (strcmp (name, "docker-archive") == 0)
    *out = IMAGE_SAVE_DOCKER_ARCHIVE;
  else if (strcmp (name, "oci-archive") == 0)
    *out = IMAGE_SAVE_OCI_ARCHIVE;
  else
    return -1;
  return 0;
}

static int
strv_add_unique (char ***v, const char *s)
{
  size_t n = 0;
  char **grown;

  for (; *v && (*v)[n]; n++)
    if (strcmp ((*v)[n], s) == 0)
      return 0;
  grown = realloc (*v, (n + 2) * sizeof *grown);
  if (grown == NULL)
    return -1;
  *v = grown;
  if ((grown[n] = strdup (s)) == NULL)
    return -1;
  grown[n + 1] = NULL;
  return 0;
}

/* podman's NormalizeName for an additional tag: "foo" ->
 * "localhost/foo:latest".  0 with *out NULL for a name podman ignores.  */
static int
normalize_tag (const char *input, char **out, galley_error_t *err)
{
  _cleanup_image_ref_ struct image_ref ref = { 0 };
  _cleanup_error_ galley_error_t ignored = NULL;

  *out = NULL;
  if (image_ref_parse (input, &ref, &ignored) < 0)
    return 0;
  if (ref.tag == NULL)
    return galley_error_make (err, 0, "invalid additional tag \"%s\": normalized to untagged \"%s/%s@%s\"",
                              input, ref.registry ? ref.registry : "localhost", ref.repository, ref.digest);
  if (asprintf (out, "%s/%s:%s", ref.registry ? ref.registry : "localhost", ref.repository, ref.tag) < 0)
    return galley_error_make (err, ENOMEM, "allocating");
  return 0;
}

static void
plan_release (struct save_plan *plan)
{
  size_t i;

  for (i = 0; i < plan->n_images; i++)
    {
      struct save_image *im = &plan->images[i];
      store_image_free (im->img);
      cleanup_strvp (&im->tags);
      free (im->layers);
      free (im->config);
    }
  free (plan->images);
  for (i = 0; i < plan->n_layers; i++)
    {
      free (plan->layers[i].chain_id);
      free (plan->layers[i].diff_dir);
      if (plan->layers[i].tmp_fd >= 0)
        close (plan->layers[i].tmp_fd);
    }
  if (plan->n_layers > 0 && plan->layers[0].result != NULL)
    munmap (plan->layers[0].result, plan->n_layers * sizeof (struct layer_tar_result));
  free (plan->layers);
}

/* The plan's layer for chain_id (added if new).  */
static ssize_t
plan_layer (struct store *s, struct save_plan *plan, const char *chain_id, galley_error_t *err)
{
  struct save_layer *grown;
  size_t i;

  for (i = 0; i < plan->n_layers; i++)
    if (strcmp (plan->layers[i].chain_id, chain_id) == 0)
      return (ssize_t)i;
  grown = realloc (plan->layers, (plan->n_layers + 1) * sizeof *grown);
  if (grown == NULL)
    return galley_error_make (err, ENOMEM, "allocating");
  plan->layers = grown;
  grown[plan->n_layers] = (struct save_layer){ .chain_id = strdup (chain_id), .tmp_fd = -1 };
  plan->n_layers++;
  if (grown[i].chain_id == NULL)
    return galley_error_make (err, ENOMEM, "allocating");
  if (store_layer_diff_dir (s, chain_id, &grown[i].diff_dir, err) < 0)
    return -1;
  return (ssize_t)i;
}

/* One argument: the image it names (merged with an earlier argument naming
 * the same image), with the tags podman gives it.  */
static int
plan_image (struct store *s, struct save_plan *plan, const char *input, char **extra_tags,
            galley_error_t *err)
{
  _cleanup_store_image_ struct store_image *img = NULL;
  _cleanup_free_ char *matched = NULL;
  struct save_image *im = NULL;
  size_t i;

  if (store_image_lookup (s, input, &img, &matched, err) < 0)
    return -1;
  for (i = 0; i < plan->n_images; i++)
    if (strcmp (plan->images[i].img->id, img->id) == 0)
      im = &plan->images[i];
  if (im == NULL)
    {
      struct save_image *grown = realloc (plan->images, (plan->n_images + 1) * sizeof *grown);
      size_t n = 0;

      if (grown == NULL)
        return galley_error_make (err, ENOMEM, "allocating");
      plan->images = grown;
      im = &grown[plan->n_images++];
      memset (im, 0, sizeof *im);
      while (img->layers[n])
        n++;
      im->layers = calloc (n + 1, sizeof *im->layers);
      if (im->layers == NULL)
        return galley_error_make (err, ENOMEM, "allocating");
      for (i = 0; i < n; i++)
        {
          ssize_t k = plan_layer (s, plan, img->layers[i], err);
          if (k < 0)
            return galley_error_wrap (err, "image %.12s", img->id);
          im->layers[im->n_layers++] = (size_t)k;
        }
      im->img = steal_pointer (&img);
    }
  for (i = 0; extra_tags && extra_tags[i]; i++)
    if (strv_add_unique (&im->tags, extra_tags[i]) < 0)
      return galley_error_make (err, ENOMEM, "allocating");
  /* Referenced by id or digest: no tag (libimage tags only a name).  */
  if (matched && strchr (input, '@') == NULL && strv_add_unique (&im->tags, matched) < 0)
    return galley_error_make (err, ENOMEM, "allocating");
  return 0;
}

static int
plan_images (struct store *s, const struct image_save_options *o, struct save_plan *plan, galley_error_t *err)
{
  _cleanup_strv_ char **extra = NULL;
  size_t i;

  if (o->n_images == 0)
    return galley_error_make (err, 0, "need at least 1 argument");
  if (o->multi_image && o->n_images > 1 && o->format != IMAGE_SAVE_DOCKER_ARCHIVE)
    return galley_error_make (err, 0,
                              "unsupported format \"%s\" for saving multiple images (only docker-archive)",
                              o->format == IMAGE_SAVE_OCI_ARCHIVE ? "oci-archive" : "?");
  if (! o->multi_image)
    {
      /* podman: the other arguments are more tags for the first image,
       * used by docker-archive only.  */
      for (i = 1; i < o->n_images && o->format == IMAGE_SAVE_DOCKER_ARCHIVE; i++)
        {
          _cleanup_free_ char *tag = NULL;
          if (normalize_tag (o->images[i], &tag, err) < 0)
            return -1;
          if (tag && strv_add_unique (&extra, tag) < 0)
            return galley_error_make (err, ENOMEM, "allocating");
        }
      return plan_image (s, plan, o->images[0], extra, err);
    }
  for (i = 0; i < o->n_images; i++)
    if (plan_image (s, plan, o->images[i], NULL, err) < 0)
      return -1;
  return 0;
}

/* ---- regenerating the layers ---- */

/* An unlinked file in the storage root (the same filesystem as the
 * layers, and big enough for them).  */
static int
open_tmpfile (struct store *s, galley_error_t *err)
{
  _cleanup_free_ char *path = NULL;
  int fd = openat (store_root_fd (s), ".", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);

  if (fd >= 0)
    return fd;
  if (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL)
    return galley_error_make (err, errno, "creating a temporary file in %s", store_root (s));
  if (asprintf (&path, "%s/tmp-save-%d-XXXXXX", store_root (s), (int)getpid ()) < 0)
    return galley_error_make (err, ENOMEM, "allocating");
  fd = mkostemp (path, O_CLOEXEC);
  if (fd < 0)
    return galley_error_make (err, errno, "creating a temporary file in %s", store_root (s));
  unlink (path);
  return fd;
}

struct regen_job
{
  struct save_plan *plan;
  bool gzip;
  pid_t parent_pid;
};

/* In the child, root in the user namespace: the ids it sees are the
 * container's.  */
static int
regen_child (void *arg, galley_error_t *err)
{
  struct regen_job *job = arg;
  size_t i;

  prctl (PR_SET_PDEATHSIG, SIGKILL);
  if (getppid () != job->parent_pid)
    return galley_error_make (err, 0, "the save was interrupted");
  for (i = 0; i < job->plan->n_layers; i++)
    {
      struct save_layer *l = &job->plan->layers[i];
      _cleanup_close_ int dfd = open (l->diff_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

      if (dfd < 0)
        return galley_error_make (err, errno, "opening layer %s", l->chain_id);
      if (layer_tar_write (dfd, l->tmp_fd, job->gzip, l->result, err) < 0)
        return galley_error_wrap (err, "layer %s", l->chain_id);
    }
  return 0;
}

static int
regenerate_layers (struct store *s, struct save_plan *plan, galley_error_t *err)
{
  struct regen_job job = { .plan = plan, .gzip = plan->gzip, .parent_pid = getpid () };
  struct layer_tar_result *results;
  struct idmap map;
  size_t i;

  if (plan->n_layers == 0)
    return 0;
  results = mmap (NULL, plan->n_layers * sizeof *results, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
                  -1, 0);
  if (results == MAP_FAILED)
    return galley_error_make (err, errno, "allocating");
  for (i = 0; i < plan->n_layers; i++)
    {
      plan->layers[i].result = &results[i];
      plan->layers[i].tmp_fd = open_tmpfile (s, err);
      if (plan->layers[i].tmp_fd < 0)
        return -1;
    }
  if (idmap_for_current_user (&map, err) < 0)
    return -1;
  if (userns_run (&map, 0, regen_child, &job, err) != 0)
    return -1;
  return 0;
}

/* ---- configs ---- */

/* The stored config, or the config with the regenerated diff_ids.  */
static int
final_config (struct store *s, const struct save_plan *plan, struct save_image *im, galley_error_t *err)
{
  _cleanup_free_ char *stored = NULL;
  _cleanup_json_ json_object *doc = NULL;
  json_object *rootfs, *diff_ids, *fresh;
  size_t len, i;
  bool same = true;
  const char *text;

  if (store_blob_get (s, im->img->config_digest, 0, &stored, &len, err) < 0)
    return galley_error_wrap (err, "image %.12s", im->img->id);
  if (json_parse_strict (stored, len, "image config", &doc, err) < 0)
    return -1;
  if (! json_object_object_get_ex (doc, "rootfs", &rootfs)
      || ! json_object_object_get_ex (rootfs, "diff_ids", &diff_ids)
      || ! json_object_is_type (diff_ids, json_type_array)
      || json_object_array_length (diff_ids) != im->n_layers)
    return galley_error_make (err, 0, "image %.12s: config rootfs.diff_ids does not match its %zu layers",
                              im->img->id, im->n_layers);
  for (i = 0; i < im->n_layers; i++)
    {
      const char *old = json_object_get_string (json_object_array_get_idx (diff_ids, i));
      if (old == NULL || strcmp (old, plan->layers[im->layers[i]].result->diff_id) != 0)
        same = false;
    }
  if (same)
    {
      im->config = steal_pointer (&stored);
      im->config_len = len;
      snprintf (im->config_digest, sizeof im->config_digest, "%s", im->img->config_digest);
      return 0;
    }
  fresh = json_object_new_array ();
  if (fresh == NULL)
    return galley_error_make (err, ENOMEM, "allocating");
  for (i = 0; i < im->n_layers; i++)
    json_object_array_add (fresh, json_object_new_string (plan->layers[im->layers[i]].result->diff_id));
  json_object_object_add (rootfs, "diff_ids", fresh);
  text = json_object_to_json_string_ext (doc, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
  if (text == NULL || (im->config = strdup (text)) == NULL)
    return galley_error_make (err, ENOMEM, "allocating");
  im->config_len = strlen (im->config);
  digest_sha256_hex (im->config, im->config_len, im->config_digest);
  return 0;
}

int
image_save (const struct galley_paths *paths, const struct image_save_options *o, int output_fd,
            galley_error_t *err)
{
  _cleanup_store_ struct store *s = NULL;
  struct save_plan plan = { .format = o->format,
                            .progress = o->progress,
                            .gzip = o->format == IMAGE_SAVE_OCI_ARCHIVE && ! o->uncompressed };
  size_t i;
  int ret = -1;

  if (store_open (paths, &s, err) < 0)
    return -1;
  if (plan_images (s, o, &plan, err) < 0 || regenerate_layers (s, &plan, err) < 0)
    goto out;
  for (i = 0; i < plan.n_images; i++)
    if (final_config (s, &plan, &plan.images[i], err) < 0)
      goto out;
  ret = save_archive_write (&plan, output_fd, err);
out:
  plan_release (&plan);
  return ret;
}
