/* An image as one SquashFS file (see squash_write.h).  */
#include "config.h"
#include "runtime/squash_write.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "image/squash_config.h"
#include "image/store.h"
#include "ns/idmap.h"
#include "ns/userns.h"
#include "runtime/helpers.h"
#include "runtime/rootfs_copy.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/log.h"
#include "util/xmalloc.h"

#define SQUASH_TOOL_LOG "mksquashfs.log"

struct squash_job
{
  char **lowers;       /* the image's layers, bottom first */
  const char *scratch; /* the scratch directory: root/ and the tool's log */
  const char *config;  /* the image config blob */
  size_t config_len;
  const char *mksquashfs;
  int out_fd; /* the temporary output file */
};

/* The image's config at SQUASH_CONFIG_PATH of the tree in root_fd, in
 * place of whatever the image had there.  */
static int
put_config (int root_fd, const struct squash_job *job, galley_error_t *err)
{
  _cleanup_close_ int dir = -1;

  if (fs_remove_tree (root_fd, SQUASH_CONFIG_DIR, err) < 0)
    return -1;
  if (mkdirat (root_fd, SQUASH_CONFIG_DIR, 0755) < 0)
    return galley_error_make (err, errno, "creating %s", SQUASH_CONFIG_DIR);
  dir = openat (root_fd, SQUASH_CONFIG_DIR, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (dir < 0)
    return galley_error_make (err, errno, "opening %s", SQUASH_CONFIG_DIR);
  return fs_write_atomic (dir, SQUASH_CONFIG_NAME, job->config, job->config_len, 0644, err);
}

/* mksquashfs ROOT OUT, OUT being the output file's fd as 3; its
 * messages go to a log in the scratch directory.  */
static int
run_mksquashfs (const struct squash_job *job, const char *root, galley_error_t *err)
{
  _cleanup_close_ int scratch = open (job->scratch, O_PATH | O_DIRECTORY | O_CLOEXEC), log = -1;
  int status;
  pid_t pid;

  if (scratch < 0)
    return galley_error_make (err, errno, "opening %s", job->scratch);
  log = openat (scratch, SQUASH_TOOL_LOG, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (log < 0)
    return galley_error_make (err, errno, "creating %s/%s", job->scratch, SQUASH_TOOL_LOG);
  pid = fork ();
  if (pid < 0)
    return galley_error_make (err, errno, "forking mksquashfs");
  if (pid == 0)
    {
      int null = open ("/dev/null", O_RDWR | O_CLOEXEC);
      if (null < 0 || dup2 (null, 0) < 0 || dup2 (null, 1) < 0 || dup2 (log, 2) < 0
          || dup2 (job->out_fd, 3) < 0)
        _exit (127);
      /* zstd: each container reads what it runs through squashfuse, and
       * zstd uncompresses ~3 times as fast as the default gzip, in a
       * smaller file */
      execl (job->mksquashfs, "mksquashfs", root, "/proc/self/fd/3", "-noappend", "-no-progress", "-quiet",
             "-comp", "zstd", (char *)NULL);
      dprintf (2, "cannot run %s: %s\n", job->mksquashfs, strerror (errno));
      _exit (127);
    }
  while (waitpid (pid, &status, 0) < 0)
    if (errno != EINTR)
      return galley_error_make (err, errno, "waiting for mksquashfs");
  if (! WIFEXITED (status) || WEXITSTATUS (status) != 0)
    {
      _cleanup_free_ char *why = helper_log_reason (scratch, SQUASH_TOOL_LOG, NULL);
      return galley_error_make (err, 0, "mksquashfs failed%s%s", why ? ": " : "", why ? why : "");
    }
  return 0;
}

static int
squash_in_userns (void *arg, galley_error_t *err)
{
  struct squash_job *job = arg;
  _cleanup_free_ char *root = NULL;
  _cleanup_close_ int root_fd = -1;

  root = xasprintf ("%s/root", job->scratch);
  if (mkdir (root, 0755) < 0)
    return galley_error_make (err, errno, "creating %s", root);
  root_fd = open (root, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (root_fd < 0)
    return galley_error_make (err, errno, "opening %s", root);
  if (rootfs_copy_layers (job->lowers, root_fd, err) < 0 || put_config (root_fd, job, err) < 0)
    return -1;
  return run_mksquashfs (job, root, err);
}

/* The layers' directories, bottom first, and the config blob of image.  */
static int
load_image (const struct galley_paths *paths, const char *image, struct squash_job *job, char **config,
            char **scratch, galley_error_t *err)
{
  _cleanup_store_ struct store *s = NULL;
  _cleanup_store_image_ struct store_image *img = NULL;
  _cleanup_free_ char *parent = NULL;
  size_t n = 0, i;

  if (store_open (paths, &s, err) < 0 || store_image_find (s, image, &img, err) < 0)
    return -1;
  if (store_blob_get (s, img->config_digest, 4u << 20, config, &job->config_len, err) < 0)
    return galley_error_wrap (err, "image %s", image);
  while (img->layers != NULL && img->layers[n] != NULL)
    n++;
  job->lowers = xcalloc (n + 1, sizeof (char *));
  for (i = 0; i < n; i++)
    if (store_layer_diff_dir (s, img->layers[i], &job->lowers[i], err) < 0)
      return -1;
  parent = xasprintf ("%s/squash-tmp", store_root (s));
  *scratch = xasprintf ("%s/XXXXXX", parent);
  if (mkdir (parent, 0700) < 0 && errno != EEXIST)
    return galley_error_make (err, errno, "creating %s", parent);
  if (mkdtemp (*scratch) == NULL)
    return galley_error_make (err, errno, "creating %s", *scratch);
  return 0;
}

int
squash_write_image (const struct galley_paths *paths, const char *image, const char *out, galley_error_t *err)
{
  _cleanup_free_ char *config = NULL, *scratch = NULL, *tool = helper_find ("mksquashfs"), *tmp = NULL;
  _cleanup_free_ char *dir_copy = strdup (out), *base_copy = strdup (out);
  _cleanup_close_ int dir_fd = -1, out_fd = -1;
  struct squash_job job = { 0 };
  struct idmap map;
  galley_error_t ignored = NULL;
  const char *base;
  int ret = -1;

  if (dir_copy == NULL || base_copy == NULL)
    return galley_error_make (err, errno, "allocating");
  if (tool == NULL)
    return galley_error_make (err, ENOENT, "mksquashfs not found: install the squashfs-tools package");
  base = basename (base_copy);
  if (*out == '\0' || strcmp (base, "/") == 0 || strcmp (base, ".") == 0 || strcmp (base, "..") == 0)
    return galley_error_make (err, EINVAL, "invalid output file \"%s\"", out);
  dir_fd = open (dirname (dir_copy), O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd < 0)
    return galley_error_make (err, errno, "opening the directory of %s", out);
  if (idmap_for_current_user (&map, err) < 0 || load_image (paths, image, &job, &config, &scratch, err) < 0)
    goto out;
  out_fd = fs_create_temp (dir_fd, base, 0, 0644, &tmp, err);
  if (out_fd < 0)
    goto out;
  job.scratch = scratch;
  job.config = config;
  job.mksquashfs = tool;
  job.out_fd = out_fd;
  if (userns_run (&map, 0, squash_in_userns, &job, err) < 0)
    goto out;
  if (fsync (out_fd) < 0 || renameat (dir_fd, tmp, dir_fd, base) < 0)
    {
      galley_error_make (err, errno, "writing %s", out);
      goto out;
    }
  free (steal_pointer (&tmp));
  ret = 0;
out:
  if (tmp != NULL)
    unlinkat (dir_fd, tmp, 0);
  if (scratch != NULL && userns_remove_tree (&map, AT_FDCWD, scratch, &ignored) < 0)
    {
      log_warn ("removing %s: %s", scratch, ignored->msg);
      galley_error_release (&ignored);
    }
  cleanup_strvp (&job.lowers);
  return ret;
}
