/* Container records (see container.h).  */
#include "config.h"
#include "state/container.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "ns/userns.h"
#include "state/lock.h"
#include "util/change_counter.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/random.h"

int
container_new_id (char out[HEX_ID_BUFSIZE], galley_error_t *err)
{
  return random_hex (out, 64, err);
}

char *
container_dir (const struct galley_paths *p, const char *id)
{
  char *s = NULL;
  return asprintf (&s, "%s/containers/%s", p->root, id) < 0 ? NULL : s;
}

char *
container_run_dir (const struct galley_paths *p, const char *id)
{
  char *s = NULL;
  return asprintf (&s, "%s/containers/%s", p->runroot, id) < 0 ? NULL : s;
}

bool
container_id_valid (const char *s)
{
  size_t i;

  for (i = 0; s[i] != '\0'; i++)
    if (! ((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
      return false;
  return i == 64;
}

int
containers_lock (const struct galley_paths *p, galley_error_t *err)
{
  _cleanup_free_ char *containers = NULL;

  if (asprintf (&containers, "%s/containers", p->root) < 0)
    return galley_error_make (err, errno, "allocating");
  return lock_in_dir (containers, CONTAINERS_LOCK_FILE, NULL, err);
}

int
container_read_record (const struct galley_paths *p, const char *id, struct container_config *config,
                       galley_error_t *err)
{
  _cleanup_free_ char *path = NULL, *text = NULL;
  size_t len;

  if (asprintf (&path, "%s/containers/%s/container.json", p->root, id) < 0)
    return galley_error_make (err, errno, "allocating");
  if (fs_read_file (AT_FDCWD, path, 4 << 20, &text, &len, err) < 0)
    return -1;
  container_config_clear (config);
  return container_config_parse (text, len, path, config, err);
}

int
container_write_record (const struct galley_paths *p, const char *id, const struct container_config *config,
                        galley_error_t *err)
{
  _cleanup_free_ char *dir = container_dir (p, id);
  _cleanup_close_ int cfd = dir ? open (dir, O_PATH | O_DIRECTORY | O_CLOEXEC) : -1;

  if (cfd < 0)
    return galley_error_make (err, errno, "opening %s", dir ? dir : id);
  if (container_config_write (cfd, "container.json", config, err) < 0)
    return -1;
  container_count_change (p);
  return 0;
}

void
container_count_change (const struct galley_paths *p)
{
  _cleanup_free_ char *path = NULL;

  if (asprintf (&path, "%s/containers/" CONTAINERS_CHANGE_COUNTER, p->root) < 0)
    return;
  change_counter_bump (AT_FDCWD, path);
}

int
container_remove_locked (const struct galley_paths *p, const struct idmap *map, const char *id, int *run_lock,
                         int *record_lock, galley_error_t *err)
{
  _cleanup_free_ char *containers = NULL, *removing = NULL, *record = NULL, *run = container_run_dir (p, id);
  _cleanup_close_ int cfd = -1, record_fd = steal_fd (record_lock);
  int tries, ret;

  if (run == NULL || asprintf (&containers, "%s/containers", p->root) < 0
      || asprintf (&removing, "%s.removing", id) < 0 || asprintf (&record, "%s/container.json", id) < 0)
    return galley_error_make (err, errno, "allocating");
  cfd = open (containers, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (cfd < 0)
    return galley_error_make (err, errno, "opening %s", containers);
  /* Out of every lookup at once (no valid id names it): the record is
   * there whole or not at all.  A locker from before the rename that gets
   * a lock after us finds no record.  */
  if (unlinkat (cfd, record, 0) < 0 && errno != ENOENT)
    return galley_error_make (err, errno, "removing container %s", id);
  if (renameat (cfd, id, cfd, removing) < 0)
    return galley_error_make (err, errno, "removing container %s", id);
  container_count_change (p);
  /* The locks are closed before their files go: a file unlinked while
   * open stays behind on NFS (.nfsXXXX) and FUSE (.fuse_hiddenXXXX), and
   * its directory with it.  */
  close (steal_fd (&record_fd));
  if (run_lock != NULL && *run_lock >= 0)
    close (steal_fd (run_lock));
  for (tries = 0;; tries++)
    {
      struct timespec ts = { 0, 10 * 1000 * 1000 };
      ret = userns_remove_tree (map, cfd, removing, err);
      if (ret == 0 || galley_error_errno (err) != ENOTEMPTY || tries == 100)
        break;
      /* a locker from before the rename still holds a lock file: it lets
       * go as soon as it finds the record gone */
      galley_error_release (err);
      nanosleep (&ts, NULL);
    }
  if (ret < 0)
    return galley_error_wrap (err, "removing container %s", id);
  return fs_remove_tree (AT_FDCWD, run, err);
}
