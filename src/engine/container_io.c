/* Processes in containers and their output: exec, attach, logs (see
 * container.h).  */
#include "config.h"
#include "engine/container.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "runtime/launch.h"
#include "state/container.h"
#include "util/cleanup.h"

int
engine_container_exec (const struct engine *e, const char *name_or_id, const struct exec_options *o,
                       galley_error_t *err)
{
  _cleanup_container_entry_ struct container_entry c = { 0 };
  _cleanup_run_spec_ struct run_spec spec = { 0 };

  if (engine_container_find (e, name_or_id, &c, err) < 0)
    return -1;
  if (c.state.status != CONTAINER_STATUS_RUNNING)
    return galley_error_make (err, 0,
                              "can only create exec sessions on running containers: container "
                              "state improper");
  if (run_build_exec_spec (e->paths, &c.config, c.id, &spec, err) < 0)
    return -1;
  return container_exec (e->paths, &spec, &c.state, o, err);
}

int
engine_container_attach (const struct engine *e, const struct container_entry *c,
                         const struct attach_options *o, galley_error_t *err)
{
  return container_attach (e->paths, c->id, o, err);
}

struct log_reader
{
  const struct engine_logs_options *o;
  engine_log_fn fn;
  void *arg;
};

/* Pass on the complete records of buf after the first skip; returns how
 * many bytes were consumed.  */
static size_t
pass_records (const struct log_reader *r, const char *buf, size_t len, long long skip)
{
  size_t start = 0;
  const char *nl;

  while ((nl = memchr (buf + start, '\n', len - start)) != NULL)
    {
      struct log_record rec;
      size_t l = (size_t)(nl - (buf + start));
      if (skip > 0)
        skip--;
      else if (log_parse_record (buf + start, l, &rec) == 0 && (! r->o->since || rec.time >= r->o->since)
               && (! r->o->until || rec.time <= r->o->until))
        r->fn (r->arg, &rec);
      start += l + 1;
    }
  return start;
}

static long long
count_records (const char *buf, size_t len)
{
  long long n = 0;
  size_t i;

  for (i = 0; i < len; i++)
    n += buf[i] == '\n';
  return n;
}

static bool
still_running (const struct engine *e, const char *id)
{
  struct container_state st;
  galley_error_t ignore = NULL;

  if (container_state_read (e->paths, id, &st, &ignore) < 0)
    {
      galley_error_release (&ignore);
      return false;
    }
  return container_status_is_live (st.status);
}

/* The file at path is no longer the one fd reads.  */
static bool
log_rotated (int fd, const char *path)
{
  struct stat a, b;

  return fstat (fd, &a) == 0 && stat (path, &b) == 0 && (a.st_ino != b.st_ino || a.st_dev != b.st_dev);
}

int
engine_container_logs (const struct engine *e, const struct container_entry *c,
                       const struct engine_logs_options *o, engine_log_fn fn, void *arg, galley_error_t *err)
{
  _cleanup_free_ char *dir = container_dir (e->paths, c->id), *path = NULL, *buf = NULL;
  _cleanup_close_ int fd = -1;
  const struct log_reader reader = { o, fn, arg };
  struct container_log_config log;
  size_t len = 0, cap = 1 << 16;
  bool first = true, switching = false, done = false;
  long long skip = 0;

  if (dir == NULL)
    return galley_error_make (err, errno, "allocating");
  if (container_log_config (&c->config, dir, &log, err) < 0)
    return -1;
  path = log.path;
  if (path == NULL)
    return galley_error_make (err, 0,
                              "this container is using the 'none' log driver, cannot read logs: this "
                              "container is not logging output");
  fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0 && errno != ENOENT)
    return galley_error_make (err, errno, "opening %s", path);
  buf = malloc (cap);
  if (buf == NULL)
    return galley_error_make (err, errno, "allocating");
  for (;;)
    {
      ssize_t r = fd >= 0 ? read (fd, buf + len, cap - len) : 0;
      if (r < 0 && errno == EINTR)
        continue;
      if (r < 0)
        return galley_error_make (err, errno, "reading %s", path);
      if (r > 0)
        {
          len += (size_t)r;
          if (len == cap)
            {
              char *bigger = realloc (buf, cap * 2);
              if (bigger == NULL)
                return galley_error_make (err, errno, "allocating");
              buf = bigger;
              cap *= 2;
            }
          if (first)
            continue; /* read the whole file before --tail counts */
        }
      if (first)
        {
          long long total = count_records (buf, len);
          skip = o->tail >= 0 && total > o->tail ? total - o->tail : 0;
          first = false;
        }
      {
        size_t used = pass_records (&reader, buf, len, skip);
        skip = 0;
        memmove (buf, buf + used, len - used);
        len -= used;
      }
      if (r > 0)
        continue;
      if (! o->follow)
        return 0;
      if (switching || fd < 0)
        {
          /* the relay replaced the full log by a fresh one and the old one
           * was read to its end: go on from the new file's start */
          if (fd >= 0)
            close (fd);
          fd = open (path, O_RDONLY | O_CLOEXEC);
          switching = false;
          if (fd >= 0)
            continue;
        }
      if (log_rotated (fd, path))
        {
          switching = true; /* read what the old file still holds first */
          continue;
        }
      if (done)
        return 0;
      /* one more pass after the exit: the relay may still be writing the
       * last lines */
      done = ! still_running (e, c->id);
      if (! done)
        {
          struct timespec ts = { 0, 50 * 1000 * 1000 };
          nanosleep (&ts, NULL);
        }
    }
}
