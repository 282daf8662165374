/* Probing the storage's filesystem (see storage_probe.h).  */
#include "config.h"
#include "runtime/storage_probe.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "ns/userns.h"
#include "runtime/mounts.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/xmalloc.h"

struct probe_job
{
  const char *dir;           /* the probe directory, ours */
  uid_t other;               /* the owner to give a file: the map's id 1, else 0 */
  struct storage_probe *out; /* shared with the parent */
};

/* The type of the filesystem mounted as st_dev `dev`, as the last mount
 * of it in mountinfo names it ("ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS
 * [TAGS...] - TYPE SOURCE ...").  */
static void
fs_type_of (dev_t dev, char *type, size_t size)
{
  _cleanup_fclose_ FILE *f = fopen ("/proc/self/mountinfo", "re");
  _cleanup_free_ char *line = NULL;
  size_t cap = 0;
  char want[32];

  snprintf (type, size, "unknown");
  snprintf (want, sizeof want, " %u:%u ", major (dev), minor (dev));
  while (f != NULL && getline (&line, &cap, f) > 0)
    {
      char *t = strstr (line, want), *sep = strstr (line, " - ");
      if (t != NULL && sep != NULL && t < sep)
        snprintf (type, size, "%.*s", (int)strcspn (sep + 3, " \n"), sep + 3);
    }
}

static void
probe_owners (const struct probe_job *job)
{
  _cleanup_free_ char *f = NULL;
  _cleanup_close_ int fd = -1;

  if (asprintf (&f, "%s/owner", job->dir) < 0)
    return;
  fd = open (f, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  job->out->owners = fd >= 0 && fchown (fd, job->other, job->other) == 0;
}

static void
probe_xattrs (const struct probe_job *job, const char *upper)
{
  job->out->xattrs = setxattr (upper, "user.galley.probe", "y", 1, 0) == 0;
}

static void
probe_overlay (const struct probe_job *job, const char *l, const char *u, const char *w, const char *m)
{
  _cleanup_close_ int mfd = open (m, O_PATH | O_DIRECTORY | O_CLOEXEC);
  _cleanup_error_ galley_error_t err = NULL;
  char *lowers[2] = { (char *)l, NULL };

  if (mfd < 0)
    galley_error_make (&err, errno, "opening %s", m);
  else if (mounts_overlay_at (lowers, u, w, mfd, &err) == 0)
    {
      job->out->native_overlay = true;
      umount2 (m, MNT_DETACH);
      return;
    }
  snprintf (job->out->why, sizeof job->out->why, "%s", err->msg);
}

/* Root in the user namespace, in a mount namespace of its own.  */
static int
probe_in_userns (void *arg, galley_error_t *err)
{
  struct probe_job *job = arg;
  _cleanup_free_ char *l = NULL, *u = NULL, *w = NULL, *m = NULL;

  l = xasprintf ("%s/l", job->dir);
  u = xasprintf ("%s/u", job->dir);
  w = xasprintf ("%s/w", job->dir);
  m = xasprintf ("%s/m", job->dir);
  if (mkdir (l, 0700) < 0 || mkdir (u, 0700) < 0 || mkdir (w, 0700) < 0 || mkdir (m, 0700) < 0)
    return galley_error_make (err, errno, "creating the probe directories in %s", job->dir);
  probe_owners (job);
  probe_xattrs (job, u);
  probe_overlay (job, l, u, w, m);
  return 0;
}

int
storage_probe_run (const struct galley_paths *p, const struct idmap *map, struct storage_probe *out,
                   galley_error_t *err)
{
  _cleanup_free_ char *dir = NULL;
  struct probe_job job = { .other = map->n_uid > 0 && map->uid[0].size > 1 ? 1 : 0 };
  struct storage_probe *shared;
  struct stat st;
  galley_error_t ignore = NULL;
  int r;

  if (paths_ensure_root (p, err) < 0)
    return -1;
  if (stat (p->root, &st) < 0)
    return galley_error_make (err, errno, "%s", p->root);
  dir = xasprintf ("%s/overlay-probe-XXXXXX", p->root);
  if (mkdtemp (dir) == NULL)
    return galley_error_make (err, errno, "creating a probe directory in %s", p->root);
  shared = mmap (NULL, sizeof *shared, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (shared == MAP_FAILED)
    {
      rmdir (dir);
      return galley_error_make (err, errno, "allocating");
    }
  memset (shared, 0, sizeof *shared);
  job.dir = dir;
  job.out = shared;
  r = userns_run (map, CLONE_NEWNS, probe_in_userns, &job, err);
  if (r == 0)
    {
      *out = *shared;
      fs_type_of (st.st_dev, out->fs_type, sizeof out->fs_type);
    }
  munmap (shared, sizeof *shared);
  if (userns_remove_tree (map, AT_FDCWD, dir, &ignore) < 0)
    galley_error_release (&ignore);
  return r == 0 ? 0 : -1;
}

const char *
storage_probe_lacks (const struct storage_probe *sp)
{
  if (! sp->xattrs && ! sp->owners)
    return "no extended attributes, file owners refused";
  if (! sp->xattrs)
    return "no extended attributes";
  if (! sp->owners)
    return "file owners refused";
  return NULL;
}
