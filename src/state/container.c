/* Container records (see container.h).  */
#include "config.h"
#include "state/container.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "ns/userns.h"
#include "util/change_counter.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/json.h"
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
container_write_record (const struct galley_paths *p, const char *id, json_object *config,
                        galley_error_t *err)
{
  _cleanup_free_ char *dir = container_dir (p, id);
  _cleanup_close_ int cfd = dir ? open (dir, O_PATH | O_DIRECTORY | O_CLOEXEC) : -1;

  if (cfd < 0)
    return galley_error_make (err, errno, "opening %s", dir ? dir : id);
  if (json_write_atomic (cfd, "container.json", config, err) < 0)
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
container_remove (const struct galley_paths *p, const struct idmap *map, const char *id, galley_error_t *err)
{
  _cleanup_free_ char *dir = container_dir (p, id), *run = container_run_dir (p, id);
  int ret;

  if (dir == NULL || run == NULL)
    return galley_error_make (err, errno, "allocating");
  /* counted even when only a part is gone */
  ret = userns_remove_tree (map, AT_FDCWD, dir, err);
  container_count_change (p);
  if (ret < 0)
    return galley_error_wrap (err, "removing container %s", id);
  if (fs_remove_tree (AT_FDCWD, run, err) < 0)
    return -1;
  return 0;
}
