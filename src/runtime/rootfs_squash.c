/* SquashFS files as a container's image (see rootfs_squash.h).  */
#include "config.h"
#include "runtime/rootfs_squash.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "image/squash_config.h"
#include "runtime/helpers.h"
#include "state/container.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/json.h"

#define SQUASH_SUFFIX ".sqfs"
#define SQUASH_LOG "squashfuse.log"

bool
rootfs_squash_is_file (const char *path)
{
  struct stat st;
  return stat (path, &st) == 0 && S_ISREG (st.st_mode);
}

int
rootfs_squash_resolve (struct container_config *config, galley_error_t *err)
{
  const char *image = config->image;
  size_t len = image ? strlen (image) : 0;
  char real[PATH_MAX];

  if (image == NULL)
    return 0;
  if (! config->rootfs)
    {
      if (len <= strlen (SQUASH_SUFFIX) || strcmp (image + len - strlen (SQUASH_SUFFIX), SQUASH_SUFFIX) != 0
          || ! rootfs_squash_is_file (image))
        return 0;
      config->rootfs = true;
    }
  if (realpath (image, real) == NULL)
    return galley_error_make (err, errno, "rootfs %s", image);
  return container_config_set_string (&config->image, real, err);
}

int
rootfs_squash_image_config (const char *file, json_object **image_cfg, galley_error_t *err)
{
  _cleanup_json_ json_object *doc = NULL;
  json_object *inner = NULL;

  *image_cfg = NULL;
  if (squash_config_read (file, &doc, err) < 0)
    return -1;
  if (doc != NULL && json_object_object_get_ex (doc, "config", &inner)
      && json_object_is_type (inner, json_type_object))
    *image_cfg = json_object_get (inner);
  return 0;
}

int
rootfs_squash_spec (const struct galley_paths *paths, const char *id, const char *file, struct run_spec *spec,
                    json_object **image_cfg, galley_error_t *err)
{
  _cleanup_free_ char *cdir = container_dir (paths, id), *rdir = container_run_dir (paths, id);

  if (rootfs_squash_image_config (file, image_cfg, err) < 0)
    return -1;
  if (spec->rootfs_method == ROOTFS_METHOD_COPY)
    return galley_error_make (err, 0,
                              "%s: a SquashFS image needs overlay mounts in a user namespace or "
                              "fuse-overlayfs (see galley info)",
                              file);
  /* squashfuse_ll mounts as root of the container's namespace: keep-id
   * over a single-id map has none (and would show every file as nobody's,
   * where a stored image's are all the user's).  */
  if (spec->map.source != IDMAP_SOURCE_ROOT && idmap_to_host (spec->map.uid, spec->map.n_uid, 0) < 0)
    return galley_error_make (err, 0, "%s: a SquashFS image with --userns=keep-id needs subordinate ids",
                              file);
  /* The file holds the image's owners, which squashfuse_ll shows through
   * the container's own map: no layer was stored through another one.  */
  memset (&spec->store_map, 0, sizeof spec->store_map);
  spec->squashfuse = helper_find ("squashfuse_ll");
  if (spec->squashfuse == NULL)
    return galley_error_make (err, ENOENT, "squashfuse_ll not found: install the squashfuse package");
  if (spec->rootfs_method == ROOTFS_METHOD_FUSE)
    spec->fuse_overlayfs = helper_find ("fuse-overlayfs");
  spec->squash_file = strdup (file);
  spec->lower_dirs = calloc (2, sizeof (char *));
  if (cdir == NULL || rdir == NULL || spec->squash_file == NULL || spec->lower_dirs == NULL
      || asprintf (&spec->squash_mount, "%s/sqfs", rdir) < 0
      || (spec->lower_dirs[0] = strdup (spec->squash_mount)) == NULL
      || asprintf (&spec->upper_dir, "%s/upper", cdir) < 0 || asprintf (&spec->work_dir, "%s/work", cdir) < 0)
    return galley_error_make (err, ENOMEM, "allocating");
  return 0;
}

/* squashfuse_ll's command line for spec, in *h.  */
static void
squash_helper (const struct run_spec *spec, struct fuse_helper *h, char *argv[5])
{
  argv[0] = (char *)"squashfuse_ll";
  argv[1] = (char *)"-f";
  argv[2] = spec->squash_file;
  argv[3] = spec->squash_mount;
  argv[4] = NULL;
  *h = (struct fuse_helper){ .name = "squashfuse_ll",
                             .path = spec->squashfuse,
                             .argv = argv,
                             .target = spec->squash_mount,
                             .what = spec->squash_file,
                             .log = SQUASH_LOG };
}

int
squash_daemon_start (const struct run_spec *spec, pid_t init, struct fuse_daemon *d, galley_error_t *err)
{
  struct fuse_helper h;
  char *argv[5];

  if (mkdir (spec->squash_mount, 0700) < 0 && errno != EEXIST)
    return galley_error_make (err, errno, "creating %s", spec->squash_mount);
  squash_helper (spec, &h, argv);
  return fuse_helper_start (spec, init, &h, d, err);
}

int
rootfs_squash_mount (const struct run_spec *spec, galley_error_t *err)
{
  struct fuse_helper h;
  char *argv[5];

  if (fs_mkdir_p (spec->squash_mount, 0700, err) < 0)
    return -1;
  squash_helper (spec, &h, argv);
  return fuse_helper_mount_in_place (&h, err);
}
