/* The log relay: output -> k8s-file log with rotation, and attach clients
 * (see log_relay.h).  */
#include "config.h"
#include "runtime/log_relay.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "state/container_log.h"
#include "state/container_state.h"
#include "util/cleanup.h"
#include "util/fs.h"

#define MAX_CLIENTS 16

struct stream
{
  int fd;
  bool is_stderr;
  char buf[16384];
  size_t used;
};

struct relay
{
  const struct log_relay_options *o;
  int log_fd;
  uint64_t written; /* bytes in the current log file */
  int clients[MAX_CLIENTS];
  size_t n_clients;
};

/* As conmon's reopen_k8s_file: a fresh file renamed over the full one, so
 * that the log never exceeds its limit and readers that hold the old file
 * see it end (`logs -f` then reopens the path).  */
static void
rotate (struct relay *r)
{
  _cleanup_free_ char *tmp = NULL;
  int fd;

  if (asprintf (&tmp, "%s.tmp", r->o->log_path) < 0)
    return;
  fd = open (tmp, O_WRONLY | O_APPEND | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0)
    return;
  if (rename (tmp, r->o->log_path) < 0)
    {
      close (fd);
      unlink (tmp);
      return;
    }
  close (r->log_fd);
  r->log_fd = fd;
  r->written = 0;
}

static void
emit (struct relay *r, bool is_stderr, bool partial, const char *msg, size_t len)
{
  char rec[16384 + 128];
  size_t n;

  if (r->log_fd < 0)
    return;
  n = log_format_record (rec, sizeof rec, time_now_ns (), is_stderr, partial, msg, len);
  if (r->o->max_size > 0 && r->written > 0 && r->written + n > r->o->max_size && r->o->log_path != NULL)
    rotate (r);
  if (fs_write_all (r->log_fd, rec, n) == 0)
    r->written += n;
}

/* Emit every complete line; with flush also what remains (as P).  */
static void
drain (struct relay *r, struct stream *s, bool flush)
{
  size_t start = 0;
  char *nl;

  while ((nl = memchr (s->buf + start, '\n', s->used - start)) != NULL)
    {
      size_t len = (size_t)(nl - (s->buf + start));
      emit (r, s->is_stderr, false, s->buf + start, len);
      start += len + 1;
    }
  if ((flush || s->used == sizeof s->buf) && start < s->used)
    {
      emit (r, s->is_stderr, true, s->buf + start, s->used - start);
      start = s->used;
    }
  memmove (s->buf, s->buf + start, s->used - start);
  s->used -= start;
}

static void
drop_client (struct relay *r, size_t i)
{
  close (r->clients[i]);
  r->clients[i] = r->clients[--r->n_clients];
}

/* The new output to every attached client; a client that cannot keep up
 * (its socket full) loses that piece rather than stalling the container.  */
static void
broadcast (struct relay *r, bool is_stderr, const char *data, size_t len)
{
  char pkt[1 + sizeof ((struct stream *)0)->buf];
  size_t i;

  pkt[0] = is_stderr ? LOG_RELAY_STDERR : LOG_RELAY_STDOUT;
  memcpy (pkt + 1, data, len);
  for (i = 0; i < r->n_clients;)
    if (send (r->clients[i], pkt, len + 1, MSG_DONTWAIT | MSG_NOSIGNAL) < 0 && errno != EAGAIN)
      drop_client (r, i);
    else
      i++;
}

static void
accept_client (struct relay *r)
{
  int fd = accept4 (r->o->listen_fd, NULL, NULL, SOCK_CLOEXEC);

  if (fd < 0)
    return;
  if (r->n_clients == MAX_CLIENTS)
    {
      close (fd);
      return;
    }
  r->clients[r->n_clients++] = fd;
}

static void
client_input (struct relay *r, size_t i)
{
  char buf[16384];
  ssize_t n = recv (r->clients[i], buf, sizeof buf, MSG_DONTWAIT);

  if (n < 0 && (errno == EAGAIN || errno == EINTR))
    return;
  if (n <= 0)
    {
      drop_client (r, i);
      return;
    }
  if (r->o->stdin_fd >= 0)
    fs_write_all (r->o->stdin_fd, buf, (size_t)n);
}

static int
read_stream (struct relay *r, struct stream *s)
{
  ssize_t n = read (s->fd, s->buf + s->used, sizeof s->buf - s->used);

  if (n < 0 && errno == EINTR)
    return 1;
  if (n <= 0)
    {
      drain (r, s, true);
      close (s->fd);
      s->fd = -1;
      return 0;
    }
  broadcast (r, s->is_stderr, s->buf + s->used, (size_t)n);
  s->used += (size_t)n;
  /* A read that ends mid-line is kept until the line completes; drain()
   * emits P only when the buffer is full.  */
  drain (r, s, false);
  return 1;
}

int
log_relay_run (const struct log_relay_options *o, galley_error_t *err)
{
  static struct stream streams[2];
  struct relay r = { .o = o, .log_fd = o->log_fd };
  struct stat st;
  int open_streams;
  size_t i;

  streams[0] = (struct stream){ .fd = o->out_fd, .is_stderr = false };
  streams[1] = (struct stream){ .fd = o->err_fd, .is_stderr = true };
  open_streams = (o->out_fd >= 0) + (o->err_fd >= 0);
  if (r.log_fd >= 0 && fstat (r.log_fd, &st) == 0)
    r.written = (uint64_t)st.st_size;
  while (open_streams > 0)
    {
      struct pollfd p[3 + MAX_CLIENTS];
      size_t n_clients = r.n_clients;

      p[0] = (struct pollfd){ streams[0].fd, POLLIN, 0 };
      p[1] = (struct pollfd){ streams[1].fd, POLLIN, 0 };
      p[2] = (struct pollfd){ o->listen_fd, POLLIN, 0 };
      for (i = 0; i < n_clients; i++)
        p[3 + i] = (struct pollfd){ r.clients[i], POLLIN, 0 };
      if (poll (p, 3 + n_clients, -1) < 0)
        {
          if (errno == EINTR)
            continue;
          return galley_error_make (err, errno, "poll");
        }
      for (i = 0; i < 2; i++)
        if (streams[i].fd >= 0 && (p[i].revents & (POLLIN | POLLHUP | POLLERR)))
          open_streams -= read_stream (&r, &streams[i]) == 0;
      /* clients from the last to the first: dropping one moves the last */
      for (i = n_clients; i-- > 0;)
        if (p[3 + i].revents & (POLLIN | POLLHUP | POLLERR))
          client_input (&r, i);
      if (p[2].revents & POLLIN)
        accept_client (&r);
    }
  /* the container's output ended: attached clients see EOF */
  while (r.n_clients > 0)
    drop_client (&r, 0);
  if (r.log_fd >= 0 && r.log_fd != o->log_fd)
    close (r.log_fd);
  return 0;
}

/* "/proc/self/fd/N/attach" when the real path would not fit sun_path.  */
static void
socket_address (int dir_fd, struct sockaddr_un *addr)
{
  memset (addr, 0, sizeof *addr);
  addr->sun_family = AF_UNIX;
  snprintf (addr->sun_path, sizeof addr->sun_path, "/proc/self/fd/%d/%s", dir_fd, LOG_RELAY_ATTACH_SOCKET);
}

int
log_relay_listen (int dir_fd, galley_error_t *err)
{
  _cleanup_close_ int fd = socket (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  struct sockaddr_un addr;

  if (fd < 0)
    return galley_error_make (err, errno, "creating the attach socket");
  socket_address (dir_fd, &addr);
  unlinkat (dir_fd, LOG_RELAY_ATTACH_SOCKET, 0);
  if (bind (fd, (struct sockaddr *)&addr, sizeof addr) < 0 || listen (fd, 8) < 0)
    return galley_error_make (err, errno, "binding the attach socket");
  return steal_fd (&fd);
}

int
log_relay_connect (int dir_fd, galley_error_t *err)
{
  _cleanup_close_ int fd = socket (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
  struct sockaddr_un addr;

  if (fd < 0)
    return galley_error_make (err, errno, "creating a socket");
  socket_address (dir_fd, &addr);
  if (connect (fd, (struct sockaddr *)&addr, sizeof addr) < 0)
    return galley_error_make (err, errno, "connecting to the container's attach socket");
  return steal_fd (&fd);
}
