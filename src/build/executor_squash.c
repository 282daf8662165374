/* --squash: the built image's layers flattened into one (whiteouts and
 * opaque directories applied, inside the user namespace so that owners
 * stay), with the config and history kept.  Unlike podman's --squash,
 * which keeps the base image's layers, the base is flattened too (as with
 * --squash-all): the image's filesystem is the same.  */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "build/executor_internal.h"
#include "ns/userns.h"
#include "runtime/rootfs_copy.h"
#include "util/cleanup.h"
#include "util/xmalloc.h"

struct squash_job
{
  char **lowers;
  const char *dir;
};

static int
squash_child (void *arg, galley_error_t *err)
{
  struct squash_job *job = arg;
  _cleanup_close_ int fd = -1;

  if (mkdir (job->dir, 0755) < 0)
    return galley_error_make (err, errno, "creating %s", job->dir);
  fd = open (job->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return galley_error_make (err, errno, "opening %s", job->dir);
  return job->lowers ? rootfs_copy_layers (job->lowers, fd, err) : 0;
}

int
build_squash (struct build *b, const char *id, char **out, galley_error_t *err)
{
  _cleanup_image_writer_ struct image_writer *w = NULL;
  _cleanup_free_ char *tmp = NULL, *flat = NULL;
  struct squash_job job = { 0 };
  int ret = -1;

  if (build_image_lowers (b, id, &job.lowers, err) < 0 || build_tmp_dir (b, &tmp, err) < 0)
    goto out;
  flat = xasprintf ("%s/flat", tmp);
  job.dir = flat;
  if (userns_run (&b->map, 0, squash_child, &job, err) < 0 || image_writer_new (b->paths, id, &w, err) < 0)
    goto out;
  if (b->o->format && strcmp (b->o->format, "docker") == 0)
    image_writer_set_format (w, IMAGE_WRITER_DOCKER);
  image_writer_drop_layers (w);
  if (image_writer_add_layer_dir (w, flat, "/bin/sh -c #(nop) squashed", NULL, err) < 0
      || image_writer_commit (w, NULL, out, err) < 0)
    goto out;
  ret = 0;
out:
  cleanup_strvp (&job.lowers);
  if (tmp)
    build_tmp_remove (b, tmp);
  return ret;
}
