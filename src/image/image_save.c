/* `save`: resolve the images and their tags as podman's libimage does,
 * write each layer's tar again from its diff/ inside the user namespace
 * (into unlinked temporary files in the storage root that this process
 * owns; the tar it came as, see layer_regen.h), give a config the new
 * diff_ids of layers that had to be written anew, and hand the result to
 * image_save_archive.c.  */
#include "config.h"
#include "image/image_save.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "image/image_save_internal.h"
#include "image/manifest_list.h"
#include "registry/reference.h"
#include "util/cleanup.h"
#include "util/json.h"
#include "util/strv.h"
#include "util/xmalloc.h"

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
  *out = xasprintf ("%s/%s:%s", ref.registry ? ref.registry : "localhost", ref.repository, ref.tag);
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
  layer_regen_free (plan->layers, plan->n_layers);
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

  if (store_image_lookup (s, input, &img, &matched, err) < 0
      || manifest_list_resolve_image (s, &img, err) < 0)
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
      im->layers = xcalloc (n + 1, sizeof *im->layers);
      for (i = 0; i < n; i++)
        {
          if (layer_regen_add (s, &plan->layers, &plan->n_layers, img->layers[i], &im->layers[i], err) < 0)
            return galley_error_wrap (err, "image %.12s", img->id);
          im->n_layers++;
        }
      im->img = steal_pointer (&img);
    }
  for (i = 0; extra_tags && extra_tags[i]; i++)
    if (strv_append_unique (&im->tags, extra_tags[i]) < 0)
      return galley_error_make (err, ENOMEM, "allocating");
  /* Referenced by id or digest: no tag (libimage tags only a name).  */
  if (matched && strchr (input, '@') == NULL && strv_append_unique (&im->tags, matched) < 0)
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
          if (tag && strv_append_unique (&extra, tag) < 0)
            return galley_error_make (err, ENOMEM, "allocating");
        }
      return plan_image (s, plan, o->images[0], extra, err);
    }
  for (i = 0; i < o->n_images; i++)
    if (plan_image (s, plan, o->images[i], NULL, err) < 0)
      return -1;
  return 0;
}

/* The stored config, or the config with the regenerated diff_ids.  */
static int
final_config (struct store *s, const struct save_plan *plan, struct save_image *im, galley_error_t *err)
{
  _cleanup_free_ const char **diff_ids = calloc (im->n_layers + 1, sizeof *diff_ids);
  size_t i;

  if (diff_ids == NULL)
    return galley_error_make (err, ENOMEM, "allocating");
  for (i = 0; i < im->n_layers; i++)
    diff_ids[i] = plan->layers[im->layers[i]].result->diff_id;
  return layer_regen_config (s, im->img, diff_ids, im->n_layers, &im->config, &im->config_len,
                             im->config_digest, err);
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
  if (plan_images (s, o, &plan, err) < 0
      || layer_regen_run (s, plan.layers, plan.n_layers, plan.gzip ? LAYER_GZIP : LAYER_UNCOMPRESSED, err)
             < 0)
    goto out;
  for (i = 0; i < plan.n_images; i++)
    if (final_config (s, &plan, &plan.images[i], err) < 0)
      goto out;
  ret = save_archive_write (&plan, output_fd, err);
out:
  plan_release (&plan);
  return ret;
}
