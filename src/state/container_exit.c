/* Exit files of removed containers (container_exit.h).  */
#include "config.h"
#include "state/container_exit.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/fs.h"
#include "util/xmalloc.h"

static int
exits_dir (const struct galley_paths *p, bool create, galley_error_t *err)
{
  _cleanup_free_ char *path = NULL;
  int fd;

  path = xasprintf ("%s/exits", p->runroot);
  if (create && fs_mkdir_p (path, 0700, err) < 0)
    return -1;
  fd = open (path, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return galley_error_make (err, errno, "opening %s", path);
  return fd;
}

int
container_exit_record (const struct galley_paths *p, const char *id, int exit_code, galley_error_t *err)
{
  _cleanup_close_ int dfd = exits_dir (p, true, err);
  char text[16];

  if (dfd < 0)
    return -1;
  snprintf (text, sizeof text, "%d", exit_code);
  return fs_write_atomic (dfd, id, text, strlen (text), 0600, err);
}

int
container_exit_lookup (const struct galley_paths *p, const char *id, int *exit_code)
{
  galley_error_t ignore = NULL;
  _cleanup_close_ int dfd = exits_dir (p, false, &ignore);
  _cleanup_free_ char *text = NULL;
  char *end;
  long v;

  if (dfd >= 0)
    (void)fs_read_file (dfd, id, 16, &text, NULL, &ignore);
  galley_error_release (&ignore);
  if (text == NULL)
    return -1;
  v = strtol (text, &end, 10);
  if (end == text || v < -1 || v > 255)
    return -1;
  *exit_code = (int)v;
  return 0;
}
