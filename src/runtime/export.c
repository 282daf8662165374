/* Container export and diff (see export.h).  */
#include "config.h"
#include "runtime/export.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "image/layer_tar.h"
#include "ns/userns.h"
#include "runtime/rootfs.h"
#include "util/cleanup.h"

struct export_job
{
  const struct run_spec *spec;
  int out_fd;
};

static int
export_in_userns (void *arg, galley_error_t *err)
{
  const struct export_job *j = arg;
  struct layer_tar_result r;
  _cleanup_close_ int rootfd = -1;

  if (j->spec->rootfs_method == ROOTFS_METHOD_DIR)
    rootfd = open (j->spec->rootfs_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  else
    {
      if (mount (NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
        return galley_error_make (err, errno, "making / private");
      {
        _cleanup_close_ int path_fd = rootfs_mount (j->spec, err);
        if (path_fd < 0)
          return -1;
        rootfd = openat (path_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      }
    }
  if (rootfd < 0)
    return galley_error_make (err, errno, "opening the container's rootfs");
  return layer_tar_write (rootfd, j->out_fd, false, &r, err) < 0 ? -1 : 0;
}

int
container_export (const struct run_spec *spec, int out_fd, galley_error_t *err)
{
  struct export_job j = { spec, out_fd };
  return userns_run (&spec->map, CLONE_NEWNS, export_in_userns, &j, err) < 0 ? -1 : 0;
}

struct diff_job
{
  const struct run_spec *spec;
  int pipe_fd; /* the records go back as "K path\n" lines */
};

static bool
in_lowers (const struct run_spec *spec, const char *path)
{
  size_t i;
  struct stat st;

  for (i = 0; spec->lower_dirs && spec->lower_dirs[i]; i++)
    {
      char full[PATH_MAX];
      snprintf (full, sizeof full, "%s%s", spec->lower_dirs[i], path);
      if (lstat (full, &st) == 0)
        return true;
    }
  return false;
}

static int
walk_upper (const struct diff_job *j, int dirfd, const char *prefix, FILE *out, galley_error_t *err)
{
  _cleanup_closedir_ DIR *d = fdopendir (dup (dirfd));
  struct dirent *e;

  if (d == NULL)
    return galley_error_make (err, errno, "reading %s", prefix[0] ? prefix : "/");
  while ((e = readdir (d)) != NULL)
    {
      char path[PATH_MAX];
      const char *target = NULL;
      struct stat st;

      if (strcmp (e->d_name, ".") == 0 || strcmp (e->d_name, "..") == 0)
        continue;
      if (fstatat (dirfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
        continue;
      switch (layer_tar_classify (e->d_name, &st, &target))
        {
        case LAYER_TAR_WHITEOUT:
          fprintf (out, "2 %s/%s\n", prefix, target ? target : e->d_name);
          continue;
        case LAYER_TAR_OPAQUE:
        case LAYER_TAR_SKIP:
          continue;
        default:
          break;
        }
      snprintf (path, sizeof path, "%s/%s", prefix, e->d_name);
      /* the mount points galley itself creates, which podman does not list */
      if (strcmp (path, "/etc/hostname") == 0 || strcmp (path, "/etc/hosts") == 0
          || strcmp (path, "/etc/resolv.conf") == 0 || strcmp (path, "/run/.containerenv") == 0)
        continue;
      fprintf (out, "%d %s\n", in_lowers (j->spec, path) ? 0 : 1, path);
      if (S_ISDIR (st.st_mode))
        {
          _cleanup_close_ int sub =
              openat (dirfd, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
          if (sub >= 0 && walk_upper (j, sub, path, out, err) < 0)
            return -1;
        }
    }
  return 0;
}

static int
diff_in_userns (void *arg, galley_error_t *err)
{
  const struct diff_job *j = arg;
  _cleanup_close_ int upper = open (j->spec->upper_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  _cleanup_fclose_ FILE *out = fdopen (dup (j->pipe_fd), "w");

  if (upper < 0 || out == NULL)
    return galley_error_make (err, errno, "opening %s", j->spec->upper_dir);
  return walk_upper (j, upper, "", out, err);
}

static int
by_path (const void *a, const void *b)
{
  json_object *const *x = a, *const *y = b;
  return strcmp (json_object_get_string (json_object_object_get (*x, "Path")),
                 json_object_get_string (json_object_object_get (*y, "Path")));
}

int
container_diff (const struct run_spec *spec, json_object **out, galley_error_t *err)
{
  _cleanup_fclose_ FILE *mem = NULL;
  struct diff_job j = { spec, -1 };
  char tmpl[] = "/tmp/galley-diff-XXXXXX";
  json_object *arr;
  char line[PATH_MAX + 8];
  int fd;

  if (spec->upper_dir == NULL)
    {
      *out = json_object_new_array ();
      return 0;
    }
  fd = mkstemp (tmpl);
  if (fd < 0)
    return galley_error_make (err, errno, "creating a temporary file");
  unlink (tmpl);
  j.pipe_fd = fd;
  if (userns_run (&spec->map, 0, diff_in_userns, &j, err) < 0)
    {
      close (fd);
      return -1;
    }
  lseek (fd, 0, SEEK_SET);
  mem = fdopen (fd, "r");
  arr = json_object_new_array ();
  while (mem && fgets (line, sizeof line, mem))
    {
      json_object *r = json_object_new_object ();
      line[strcspn (line, "\n")] = '\0';
      json_object_object_add (r, "Path", json_object_new_string (line + 2));
      json_object_object_add (r, "Kind", json_object_new_int (line[0] - '0'));
      json_object_array_add (arr, r);
    }
  json_object_array_sort (arr, by_path);
  *out = arr;
  return 0;
}
