/* k8s-file container logs: the relay that writes them and the record
 * parser (see container_log.h).  */
#include "config.h"
#include "state/container_log.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "state/container_state.h"

size_t
log_format_record (char *buf, size_t size, int64_t ns, bool is_stderr, bool partial, const char *msg,
                   size_t len)
{
  char stamp[64];
  int n;

  time_format_rfc3339 (ns, stamp, sizeof stamp);
  n = snprintf (buf, size, "%s %s %c %.*s\n", stamp, is_stderr ? "stderr" : "stdout", partial ? 'P' : 'F',
                (int)len, msg);
  return n < 0 ? 0 : (size_t)n >= size ? size - 1 : (size_t)n;
}

static int
write_all (int fd, const char *buf, size_t len)
{
  while (len > 0)
    {
      ssize_t w = write (fd, buf, len);
      if (w < 0 && errno == EINTR)
        continue;
      if (w < 0)
        return -1;
      buf += w;
      len -= (size_t)w;
    }
  return 0;
}

struct stream
{
  int fd;
  bool is_stderr;
  char buf[16384];
  size_t used;
};

static void
emit (int log_fd, uint64_t max_size, bool is_stderr, bool partial, const char *msg, size_t len)
{
  char rec[16384 + 128];
  size_t n = log_format_record (rec, sizeof rec, time_now_ns (), is_stderr, partial, msg, len);
  struct stat st;

  if (max_size > 0 && fstat (log_fd, &st) == 0 && (uint64_t)st.st_size + n > max_size)
    if (ftruncate (log_fd, 0) < 0)
      {
      }
  write_all (log_fd, rec, n);
}

/* Emit every complete line; with flush also what remains (as P).  */
static void
drain (struct stream *s, int log_fd, uint64_t max_size, bool flush)
{
  size_t start = 0;
  char *nl;

  while ((nl = memchr (s->buf + start, '\n', s->used - start)) != NULL)
    {
      size_t len = (size_t)(nl - (s->buf + start));
      emit (log_fd, max_size, s->is_stderr, false, s->buf + start, len);
      start += len + 1;
    }
  if ((flush || s->used == sizeof s->buf) && start < s->used)
    {
      emit (log_fd, max_size, s->is_stderr, true, s->buf + start, s->used - start);
      start = s->used;
    }
  memmove (s->buf, s->buf + start, s->used - start);
  s->used -= start;
}

int
log_relay_run (int out_fd, int err_fd, int log_fd, uint64_t max_size, galley_error_t *err)
{
  static struct stream streams[2];
  int open_streams = 0, i;

  streams[0] = (struct stream){ .fd = out_fd, .is_stderr = false };
  streams[1] = (struct stream){ .fd = err_fd, .is_stderr = true };
  open_streams = (out_fd >= 0) + (err_fd >= 0);
  while (open_streams > 0)
    {
      struct pollfd p[2] = { { streams[0].fd, POLLIN, 0 }, { streams[1].fd, POLLIN, 0 } };

      if (poll (p, 2, -1) < 0)
        {
          if (errno == EINTR)
            continue;
          return galley_error_make (err, errno, "poll");
        }
      for (i = 0; i < 2; i++)
        {
          struct stream *s = &streams[i];
          ssize_t r;

          if (s->fd < 0 || ! (p[i].revents & (POLLIN | POLLHUP | POLLERR)))
            continue;
          r = read (s->fd, s->buf + s->used, sizeof s->buf - s->used);
          if (r < 0 && errno == EINTR)
            continue;
          if (r <= 0)
            {
              drain (s, log_fd, max_size, true);
              close (s->fd);
              s->fd = -1;
              open_streams--;
              continue;
            }
          s->used += (size_t)r;
          /* A read that ends mid-line is kept until the line completes;
           * drain() emits P only when the buffer is full.  */
          drain (s, log_fd, max_size, false);
        }
    }
  return 0;
}

int
log_parse_record (const char *line, size_t len, struct log_record *out)
{
  const char *sp1, *sp2, *end = line + len;

  memset (out, 0, sizeof *out);
  sp1 = memchr (line, ' ', len);
  if (sp1 == NULL || end - sp1 < 9)
    return -1;
  out->stamp = line;
  out->stamp_len = (size_t)(sp1 - line);
  {
    char stamp[64];
    if (out->stamp_len >= sizeof stamp)
      return -1;
    memcpy (stamp, line, out->stamp_len);
    stamp[out->stamp_len] = '\0';
    out->time = time_parse_rfc3339 (stamp);
    if (out->time < 0)
      return -1;
  }
  if (strncmp (sp1 + 1, "stdout ", 7) == 0)
    out->is_stderr = false;
  else if (strncmp (sp1 + 1, "stderr ", 7) == 0)
    out->is_stderr = true;
  else
    return -1;
  sp2 = sp1 + 8;
  if ((*sp2 != 'F' && *sp2 != 'P') || (sp2 + 1 < end && sp2[1] != ' '))
    return -1;
  out->partial = *sp2 == 'P';
  out->msg = sp2 + 1 < end ? sp2 + 2 : end;
  out->msg_len = (size_t)(end - out->msg);
  return 0;
}
