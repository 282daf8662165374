/* galley logs: print a container's k8s-file log (stdout records to
 * stdout, stderr records to stderr), with --tail, --since, --until, -t,
 * and -f following it until the container exits.  */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/container_targets.h"
#include "state/container.h"
#include "state/container_log.h"
#include "util/cleanup.h"
#include "util/time.h"

struct logs_options
{
  bool follow, names, timestamps;
  long long tail;       /* -1: all */
  int64_t since, until; /* ns; 0 = unset */
};

static void
print_record (const struct logs_options *o, const struct container_entry *e, const struct log_record *r,
              bool *at_line_start)
{
  FILE *out = r->is_stderr ? stderr : stdout;

  if (o->since && r->time < o->since)
    return;
  if (o->until && r->time > o->until)
    return;
  if (*at_line_start)
    {
      if (o->names)
        fprintf (out, "%.12s ", e->id);
      if (o->timestamps)
        fprintf (out, "%.*s ", (int)r->stamp_len, r->stamp);
    }
  fwrite (r->msg, 1, r->msg_len, out);
  if (! r->partial)
    fputc ('\n', out);
  *at_line_start = ! r->partial;
  fflush (out);
}

/* Print complete lines of buf; returns how many bytes were consumed.  */
static size_t
print_lines (const struct logs_options *o, const struct container_entry *e, const char *buf, size_t len,
             long long skip, bool *at_line_start)
{
  size_t start = 0;
  const char *nl;

  while ((nl = memchr (buf + start, '\n', len - start)) != NULL)
    {
      struct log_record r;
      size_t l = (size_t)(nl - (buf + start));
      if (skip > 0)
        skip--;
      else if (log_parse_record (buf + start, l, &r) == 0)
        print_record (o, e, &r, at_line_start);
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
still_running (struct cli_context *ctx, const char *id)
{
  struct container_state st;
  galley_error_t ignore = NULL;

  if (container_state_read (&ctx->paths, id, &st, &ignore) < 0)
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

static int
show_log (struct cli_context *ctx, const struct logs_options *o, const struct container_entry *e,
          galley_error_t *err)
{
  _cleanup_free_ char *dir = container_dir (&ctx->paths, e->id), *path = NULL, *buf = NULL;
  _cleanup_close_ int fd = -1;
  struct container_log_config log;
  size_t len = 0, cap = 1 << 16;
  bool at_line_start = true, first = true, switching = false, done = false;
  long long skip = 0;

  if (dir == NULL)
    return galley_error_make (err, errno, "allocating");
  if (container_log_config (&e->config, dir, &log, err) < 0)
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
        size_t used = print_lines (o, e, buf, len, skip, &at_line_start);
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
      done = ! still_running (ctx, e->id);
      if (! done)
        {
          struct timespec ts = { 0, 50 * 1000 * 1000 };
          nanosleep (&ts, NULL);
        }
    }
}

int
cli_cmd_logs (struct cli_context *ctx, int argc, char **argv, galley_error_t *err)
{
  _cleanup_cli_parser_ struct cli_parser p;
  struct logs_options o = { .tail = -1 };
  struct target_request r = { 0 };
  struct container_target *t = NULL;
  size_t n = 0, i;
  const char *arg;
  int opt, ret = 0;

  cli_parser_init (&p, ctx->cmd, argc, argv);
  while ((opt = cli_parser_next (&p, &arg, err)) > 0)
    if (! target_request_option (ctx->cmd, opt, arg, &r))
      switch (opt)
        {
        case OPT_logs_follow:
          o.follow = true;
          break;
        case OPT_logs_names:
          o.names = true;
          break;
        case OPT_logs_timestamps:
          o.timestamps = true;
          break;
        case OPT_logs_tail:
          {
            char *end = NULL;
            o.tail = strtoll (arg, &end, 10);
            if (*arg == '\0' || *end != '\0' || o.tail < -1)
              return galley_error_make (err, 0, "invalid --tail \"%s\"", arg);
            break;
          }
        case OPT_logs_since:
          if (time_parse_when (arg, &o.since, err) < 0)
            return -1;
          break;
        case OPT_logs_until:
          if (time_parse_when (arg, &o.until, err) < 0)
            return -1;
          break;
        }
  if (opt < 0)
    return -1;
  if (argc - p.optind > 1)
    o.names = true;
  if (container_targets_collect_args (ctx, &r, &p, &t, &n, err) < 0)
    return -1;
  for (i = 0; i < n && ret == 0; i++)
    ret = show_log (ctx, &o, &t[i].entry, err);
  container_targets_free (t, n);
  return ret;
}
