/* The log relay: output -> k8s-file log with rotation, and attach clients
 * (see log_relay.h).  */
#include "config.h"
#include "runtime/log_relay.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

#include "state/container_log.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/time.h"

/* The fixed slots of log_relay_poll_fds; clients follow.  */
enum
{
  SLOT_STDOUT,
  SLOT_STDERR,
  SLOT_LISTEN,
  SLOT_STDIN,
  SLOT_CLIENTS
};

static void
set_nonblocking (int fd)
{
  int flags = fcntl (fd, F_GETFL);

  if (flags >= 0 && ! (flags & O_NONBLOCK))
    fcntl (fd, F_SETFL, flags | O_NONBLOCK);
}

void
log_relay_init (struct log_relay *r, const struct log_relay_options *o)
{
  struct stat st;
  int i;

  r->log_fd = o->log_fd;
  r->log_path = o->log_path;
  r->max_size = o->max_size;
  r->written = r->log_fd >= 0 && fstat (r->log_fd, &st) == 0 ? (uint64_t)st.st_size : 0;
  r->listen_fd = o->listen_fd;
  r->stdin_fd = o->stdin_fd;
  r->terminal_fd = -1;
  r->min_fd = o->min_fd;
  r->n_clients = 0;
  r->input_len = 0;
  for (i = 0; i < 2; i++)
    {
      struct log_relay_stream *s = &r->streams[i];
      s->fd = i == 0 ? o->out_fd : o->err_fd;
      s->is_stderr = i == 1;
      s->borrowed = false;
      s->forward_fd = o->forward ? 1 + i : -1;
      s->used = 0;
      s->buf = r->lines[i];
      if (s->fd >= 0)
        set_nonblocking (s->fd);
    }
  if (r->stdin_fd >= 0)
    set_nonblocking (r->stdin_fd);
}

/* As conmon's reopen_k8s_file: a fresh file renamed over the full one, so
 * that the log never exceeds its limit and readers that hold the old file
 * see it end (`logs -f` then reopens the path).  */
static void
rotate (struct log_relay *r)
{
  _cleanup_error_ galley_error_t ignored = NULL;
  _cleanup_free_ char *tmp = NULL;
  /* a --log-opt path may be in a shared directory: a fresh name, never a
   * file someone planted there */
  int fd = fs_create_temp (AT_FDCWD, r->log_path, O_APPEND, 0600, &tmp, &ignored);

  if (fd < 0)
    return;
  if (rename (tmp, r->log_path) < 0)
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
emit (struct log_relay *r, bool is_stderr, bool partial, const char *msg, size_t len)
{
  char rec[LOG_RELAY_LINE_MAX + 128];
  size_t n;

  if (r->log_fd < 0)
    return;
  n = log_format_record (rec, sizeof rec, time_now_ns (), is_stderr, partial, msg, len);
  if (r->max_size > 0 && r->written > 0 && r->written + n > r->max_size && r->log_path != NULL)
    rotate (r);
  if (fs_write_all (r->log_fd, rec, n) == 0)
    r->written += n;
}

/* Emit every complete line; with flush also what remains (as P).  */
static void
drain_lines (struct log_relay *r, struct log_relay_stream *s, bool flush)
{
  size_t start = 0;
  char *nl;

  while ((nl = memchr (s->buf + start, '\n', s->used - start)) != NULL)
    {
      size_t len = (size_t)(nl - (s->buf + start));
      emit (r, s->is_stderr, false, s->buf + start, len);
      start += len + 1;
    }
  if ((flush || s->used == LOG_RELAY_LINE_MAX) && start < s->used)
    {
      emit (r, s->is_stderr, true, s->buf + start, s->used - start);
      start = s->used;
    }
  memmove (s->buf, s->buf + start, s->used - start);
  s->used -= start;
}

static void
drop_client (struct log_relay *r, size_t i)
{
  close (r->clients[i]);
  r->clients[i] = r->clients[--r->n_clients];
}

/* The new output to every attached client, one packet each; a client that
 * cannot keep up (its socket full) loses that piece rather than stalling
 * the container.  */
static void
broadcast (struct log_relay *r, bool is_stderr, const char *data, size_t len)
{
  char tag = is_stderr ? LOG_RELAY_STDERR : LOG_RELAY_STDOUT;
  struct iovec iov[2] = { { &tag, 1 }, { (void *)data, len } };
  struct msghdr msg = { .msg_iov = iov, .msg_iovlen = 2 };
  size_t i;

  for (i = 0; i < r->n_clients;)
    if (sendmsg (r->clients[i], &msg, MSG_DONTWAIT | MSG_NOSIGNAL) < 0 && errno != EAGAIN)
      drop_client (r, i);
    else
      i++;
}

static void
accept_client (struct log_relay *r)
{
  int fd = accept4 (r->listen_fd, NULL, NULL, SOCK_CLOEXEC);

  if (fd >= 0 && fd < r->min_fd)
    {
      int above = fcntl (fd, F_DUPFD_CLOEXEC, r->min_fd);
      close (fd);
      fd = above;
    }
  if (fd < 0)
    return;
  if (r->n_clients == LOG_RELAY_MAX_CLIENTS)
    {
      close (fd);
      return;
    }
  r->clients[r->n_clients++] = fd;
}

/* Write what waits for the container's stdin, as far as it takes it.  */
static void
flush_input (struct log_relay *r)
{
  size_t off = 0;

  while (off < r->input_len && r->stdin_fd >= 0)
    {
      ssize_t n = write (r->stdin_fd, r->input + off, r->input_len - off);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0 && errno == EAGAIN)
        break;
      if (n <= 0)
        {
          /* nobody reads the container's stdin any more */
          off = r->input_len;
          break;
        }
      off += (size_t)n;
    }
  if (r->stdin_fd < 0)
    off = r->input_len;
  memmove (r->input, r->input + off, r->input_len - off);
  r->input_len -= off;
}

static void
client_input (struct log_relay *r, size_t i)
{
  ssize_t n = recv (r->clients[i], r->input, sizeof r->input, MSG_DONTWAIT);
  struct winsize ws;

  if (n < 0 && (errno == EAGAIN || errno == EINTR))
    return;
  if (n <= 0)
    {
      drop_client (r, i);
      return;
    }
  if (r->input[0] == LOG_RELAY_RESIZE && (size_t)n == 1 + sizeof ws)
    {
      memcpy (&ws, r->input + 1, sizeof ws);
      if (r->terminal_fd >= 0)
        ioctl (r->terminal_fd, TIOCSWINSZ, &ws);
      return;
    }
  if (r->input[0] != LOG_RELAY_INPUT)
    return; /* not ours: ignored */
  r->input_len = (size_t)n - 1;
  memmove (r->input, r->input + 1, r->input_len);
  flush_input (r);
}

static void
close_stream (struct log_relay_stream *s)
{
  if (! s->borrowed)
    close (s->fd);
  s->fd = -1;
  s->borrowed = false;
}

/* 1: read some, 0: the stream ended (EOF, or EIO of a pty whose other side
 * closed), -1: nothing ready.  */
static int
read_stream (struct log_relay *r, struct log_relay_stream *s)
{
  ssize_t n = read (s->fd, s->buf + s->used, LOG_RELAY_LINE_MAX - s->used);

  if (n < 0 && (errno == EINTR || errno == EAGAIN))
    return -1;
  if (n <= 0)
    {
      drain_lines (r, s, true);
      close_stream (s);
      return 0;
    }
  broadcast (r, s->is_stderr, s->buf + s->used, (size_t)n);
  if (s->forward_fd >= 0 && fs_write_all (s->forward_fd, s->buf + s->used, (size_t)n) < 0)
    {
      /* Our side is closed: so is the container's (its writer gets
       * EPIPE; a terminal hangs up when its caller closes it).  */
      s->used += (size_t)n;
      drain_lines (r, s, true);
      close_stream (s);
      return 0;
    }
  if (r->log_fd < 0)
    return 1; /* no lines to keep */
  s->used += (size_t)n;
  /* A read that ends mid-line is kept until the line completes;
   * drain_lines emits P only when the buffer is full.  */
  drain_lines (r, s, false);
  return 1;
}

size_t
log_relay_poll_fds (const struct log_relay *r, struct pollfd *p)
{
  bool waiting = r->input_len > 0;
  size_t i, n = SLOT_CLIENTS;

  p[SLOT_STDOUT] = (struct pollfd){ r->streams[0].fd, POLLIN, 0 };
  p[SLOT_STDERR] = (struct pollfd){ r->streams[1].fd, POLLIN, 0 };
  p[SLOT_LISTEN] = (struct pollfd){ r->listen_fd, POLLIN, 0 };
  p[SLOT_STDIN] = (struct pollfd){ waiting ? r->stdin_fd : -1, POLLOUT, 0 };
  if (! waiting)
    for (i = 0; i < r->n_clients; i++)
      p[n++] = (struct pollfd){ r->clients[i], POLLIN, 0 };
  return n;
}

static ssize_t
client_index (const struct log_relay *r, int fd)
{
  size_t i;

  for (i = 0; i < r->n_clients; i++)
    if (r->clients[i] == fd)
      return (ssize_t)i;
  return -1;
}

void
log_relay_dispatch (struct log_relay *r, const struct pollfd *p, size_t n)
{
  size_t k;
  int i;

  for (i = 0; i < 2; i++)
    if (r->streams[i].fd >= 0 && r->streams[i].fd == p[i].fd && (p[i].revents & (POLLIN | POLLHUP | POLLERR)))
      read_stream (r, &r->streams[i]);
  if (p[SLOT_STDIN].fd >= 0 && p[SLOT_STDIN].revents != 0)
    {
      if (p[SLOT_STDIN].revents & (POLLERR | POLLNVAL))
        r->input_len = 0;
      flush_input (r);
    }
  for (k = SLOT_CLIENTS; k < n; k++)
    if (p[k].revents & (POLLIN | POLLHUP | POLLERR))
      {
        ssize_t c = client_index (r, p[k].fd);
        if (c >= 0 && r->input_len == 0)
          client_input (r, (size_t)c);
      }
  if (p[SLOT_LISTEN].revents & POLLIN)
    accept_client (r);
}

void
log_relay_drain (struct log_relay *r)
{
  int i;

  for (i = 0; i < 2; i++)
    while (r->streams[i].fd >= 0 && read_stream (r, &r->streams[i]) > 0)
      ;
}

bool
log_relay_streams_open (const struct log_relay *r)
{
  return r->streams[0].fd >= 0 || r->streams[1].fd >= 0;
}

void
log_relay_attach_stream (struct log_relay *r, int stream, int fd)
{
  struct log_relay_stream *s = &r->streams[stream];

  if (s->fd >= 0)
    log_relay_detach_stream (r, stream);
  set_nonblocking (fd);
  s->fd = fd;
  s->borrowed = true;
}

void
log_relay_detach_stream (struct log_relay *r, int stream)
{
  struct log_relay_stream *s = &r->streams[stream];

  drain_lines (r, s, true);
  if (s->fd >= 0)
    close_stream (s);
}

void
log_relay_set_terminal (struct log_relay *r, int fd)
{
  r->terminal_fd = fd;
}

void
log_relay_set_stdin (struct log_relay *r, int fd)
{
  if (fd >= 0)
    set_nonblocking (fd);
  r->stdin_fd = fd;
  r->input_len = 0;
}

/* MADV_DONTNEED the whole pages of buf after its first used bytes: they
 * read as zeros after, and nothing is kept past used.  */
static void
trim_buffer (char *buf, size_t used, size_t size)
{
  const uintptr_t page = (uintptr_t)sysconf (_SC_PAGESIZE);
  uintptr_t start = ((uintptr_t)buf + used + page - 1) & ~(page - 1);
  uintptr_t end = ((uintptr_t)buf + size) & ~(page - 1);

  if (end > start)
    madvise ((void *)start, end - start, MADV_DONTNEED);
}

void
log_relay_trim (struct log_relay *r)
{
  int i;

  for (i = 0; i < 2; i++)
    trim_buffer (r->streams[i].buf, r->streams[i].used, LOG_RELAY_LINE_MAX);
  trim_buffer (r->input, r->input_len, sizeof r->input);
}

void
log_relay_end (struct log_relay *r)
{
  int i;

  for (i = 0; i < 2; i++)
    log_relay_detach_stream (r, i);
  /* attached clients see EOF */
  while (r->n_clients > 0)
    drop_client (r, 0);
  if (r->listen_fd >= 0)
    close (r->listen_fd);
  if (r->log_fd >= 0)
    close (r->log_fd);
  r->listen_fd = r->log_fd = -1;
  r->input_len = 0;
}

int
log_relay_run (const struct log_relay_options *o, galley_error_t *err)
{
  static struct log_relay r;

  log_relay_init (&r, o);
  while (log_relay_streams_open (&r))
    {
      struct pollfd p[LOG_RELAY_MAX_FDS];
      size_t n = log_relay_poll_fds (&r, p);

      if (poll (p, n, -1) < 0)
        {
          if (errno == EINTR)
            continue;
          log_relay_end (&r);
          return galley_error_make (err, errno, "poll");
        }
      log_relay_dispatch (&r, p, n);
    }
  log_relay_end (&r);
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
