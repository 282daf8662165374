/* The service's container endpoints that stream: wait (its answer comes
 * when the container is done), logs (Docker's multiplexed frames unless
 * the container has a terminal), and attach (a hijacked connection
 * carrying the container's output as it comes).  Each runs after its
 * endpoint returned, outside the service's engine lock (server.c), on the
 * container's id: it may be removed meanwhile.  */
#include "config.h"
#include "api/endpoints.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "api/containers.h"
#include "runtime/lifecycle.h"
#include "runtime/log_relay.h"
#include "state/container.h"
#include "state/container_exit.h"
#include "state/container_log.h"
#include "util/cleanup.h"
#include "util/json.h"
#include "util/xmalloc.h"

/* ---- wait ---- */

enum wait_condition
{
  WAIT_NOT_RUNNING,
  WAIT_NEXT_EXIT,
  WAIT_REMOVED,
};

struct wait_stream
{
  const struct galley_paths *paths;
  char *id;
  enum wait_condition condition;
  enum container_status status; /* when the request came */
  bool done;
};

static void
wait_free (void *data)
{
  struct wait_stream *w = data;

  free (w->id);
  free (w);
}

/* Until the container is done as condition says: its exit code, or -1
 * with err.  */
static int
wait_exit_code (struct wait_stream *w, int *code, galley_error_t *err)
{
  const unsigned exited = 1u << CONTAINER_STATUS_EXITED;
  const unsigned live =
      (1u << CONTAINER_STATUS_RUNNING) | (1u << CONTAINER_STATUS_PAUSED) | (1u << CONTAINER_STATUS_STOPPING);
  struct container_state st;
  int gone = 0;

  switch (w->condition)
    {
    case WAIT_NOT_RUNNING:
      gone = container_wait_for (w->paths, w->id, exited | (1u << CONTAINER_STATUS_CREATED), -1, &st, err);
      break;
    case WAIT_NEXT_EXIT:
      /* an exited one runs again first */
      if (w->status == CONTAINER_STATUS_EXITED)
        gone = container_wait_for (w->paths, w->id, live, -1, &st, err);
      if (gone == 0)
        gone = container_wait_for (w->paths, w->id, exited, -1, &st, err);
      break;
    case WAIT_REMOVED:
      gone = container_wait_for (w->paths, w->id, 0, -1, &st, err);
      break;
    }
  if (gone < 0)
    return -1;
  if (gone > 0)
    {
      if (container_exit_lookup (w->paths, w->id, code) < 0)
        *code = 0; /* removed without having run */
      return 0;
    }
  *code = st.status == CONTAINER_STATUS_EXITED && st.has_exit_code ? st.exit_code : 0;
  return 0;
}

static int
wait_read (void *data, char *buf, size_t max, size_t *n)
{
  struct wait_stream *w = data;
  _cleanup_error_ galley_error_t err = NULL;
  int code = 0, len;
  json_object *o, *error = NULL;
  const char *text;

  if (w->done)
    return 0;
  w->done = true;
  o = json_object_new_object ();
  if (wait_exit_code (w, &code, &err) < 0)
    {
      error = json_object_new_object ();
      json_object_object_add (error, "Message", json_object_new_string (err->msg));
      code = -1;
    }
  json_object_object_add (o, "StatusCode", json_object_new_int (code));
  json_object_object_add (o, "Error", error);
  text = json_object_to_json_string_ext (o, JSON_C_TO_STRING_PLAIN);
  len = snprintf (buf, max, "%s\n", text);
  json_object_put (o);
  *n = len < 0 ? 0 : (size_t)len < max ? (size_t)len : max - 1;
  return 1;
}

int
api_containers_wait (const struct api_request *req, struct api_reply *reply, galley_error_t *err)
{
  _cleanup_container_entry_ struct container_entry c = { 0 };
  const char *condition = api_query (req, "condition");
  struct wait_stream *w;
  enum wait_condition cond = WAIT_NOT_RUNNING;

  if (condition == NULL || *condition == '\0' || strcmp (condition, "not-running") == 0)
    cond = WAIT_NOT_RUNNING;
  else if (strcmp (condition, "next-exit") == 0)
    cond = WAIT_NEXT_EXIT;
  else if (strcmp (condition, "removed") == 0)
    cond = WAIT_REMOVED;
  else
    return galley_error_kind (err, EINVAL, "invalid condition \"%.64s\": not-running, next-exit or removed",
                              condition);
  if (api_container_find (req, &c, err) < 0)
    return -1;
  w = xcalloc (1, sizeof *w);
  *w = (struct wait_stream){ req->ctx->paths, steal_pointer (&c.id), cond, c.state.status, false };
  /* The status line and headers go out at once: docker run waits for them
   * before it starts the container.  */
  reply->status = 200;
  reply->content_type = "application/json";
  reply->stream = wait_read;
  reply->stream_data = w;
  reply->stream_free = wait_free;
  return 0;
}

/* ---- frames ---- */

/* Docker's multiplexed stream: a header of the stream (1 stdout, 2
 * stderr), three zero bytes and the payload's length (big-endian), then
 * the payload; a container with a terminal has a raw stream instead.  */
static size_t
frame_header (unsigned char h[8], bool is_stderr, size_t len)
{
  h[0] = is_stderr ? 2 : 1;
  h[1] = h[2] = h[3] = 0;
  h[4] = (unsigned char)(len >> 24);
  h[5] = (unsigned char)(len >> 16);
  h[6] = (unsigned char)(len >> 8);
  h[7] = (unsigned char)len;
  return 8;
}

/* Send the record r (its timestamp first with stamps) on fd as a frame
 * or raw; -1 when the client is gone.  */
static int
send_record (int fd, const struct log_record *r, bool raw, bool stamps)
{
  unsigned char h[8];
  size_t len = r->msg_len + (r->partial ? 0 : 1) + (stamps ? r->stamp_len + 1 : 0);
  struct iovec iov[5];
  struct msghdr msg = { .msg_iov = iov };
  size_t k = 0;

  if (! raw)
    iov[k++] = (struct iovec){ h, frame_header (h, r->is_stderr, len) };
  if (stamps)
    {
      iov[k++] = (struct iovec){ (void *)r->stamp, r->stamp_len };
      iov[k++] = (struct iovec){ (void *)" ", 1 };
    }
  iov[k++] = (struct iovec){ (void *)r->msg, r->msg_len };
  if (! r->partial)
    iov[k++] = (struct iovec){ (void *)"\n", 1 };
  msg.msg_iovlen = k;
  while (msg.msg_iovlen > 0)
    {
      ssize_t n = sendmsg (fd, &msg, MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return -1;
      while (msg.msg_iovlen > 0 && (size_t)n >= msg.msg_iov->iov_len)
        {
          n -= (ssize_t)msg.msg_iov->iov_len;
          msg.msg_iov++;
          msg.msg_iovlen--;
        }
      if (msg.msg_iovlen > 0)
        {
          msg.msg_iov->iov_base = (char *)msg.msg_iov->iov_base + n;
          msg.msg_iov->iov_len -= (size_t)n;
        }
    }
  return 0;
}

/* ---- logs ---- */

/* The engine reads the log and calls back with each record; the records
 * go as frames through a socket pair to the HTTP stream, which reads the
 * other end.  A client that leaves closes that end: the reader's writes
 * fail and it stops passing records on (with follow, the engine's
 * reading ends with the container).  */
struct logs_job
{
  struct engine e;
  struct container_entry c;
  struct engine_logs_options o;
  bool out, err, raw, stamps;
  int fd; /* the writing end */
  bool gone;
};

static void
logs_record (void *arg, const struct log_record *r)
{
  struct logs_job *j = arg;

  if (j->gone || ! (r->is_stderr ? j->err : j->out))
    return;
  if (send_record (j->fd, r, j->raw, j->stamps) < 0)
    j->gone = true;
}

static void *
logs_thread (void *arg)
{
  struct logs_job *j = arg;
  galley_error_t err = NULL;

  if (engine_container_logs (&j->e, &j->c, &j->o, logs_record, j, &err) < 0)
    galley_error_release (&err);
  close (j->fd);
  container_entry_clear (&j->c);
  free (j);
  return NULL;
}

static int
fd_read (void *data, char *buf, size_t max, size_t *n)
{
  int *fd = data;
  ssize_t r;

  do
    r = read (*fd, buf, max);
  while (r < 0 && errno == EINTR);
  if (r < 0)
    return -1;
  *n = (size_t)r;
  return r > 0;
}

static void
fd_free (void *data)
{
  int *fd = data;

  close (*fd);
  free (fd);
}

/* Docker's since= and until=: seconds since the epoch, with a fraction.  */
static int
time_arg (const struct api_request *req, const char *key, int64_t *ns, galley_error_t *err)
{
  const char *v = api_query (req, key);
  char *end;
  double s;

  *ns = 0;
  if (v == NULL || *v == '\0' || strcmp (v, "0") == 0)
    return 0;
  s = strtod (v, &end);
  if (*end != '\0' || s < 0)
    return galley_error_kind (err, EINVAL, "invalid value \"%.64s\" of query argument %s", v, key);
  *ns = (int64_t)(s * 1e9);
  return 0;
}

int
api_containers_logs (const struct api_request *req, struct api_reply *reply, galley_error_t *err)
{
  _cleanup_free_ struct logs_job *j = xcalloc (1, sizeof *j);
  _cleanup_free_ int *fd = xmalloc (sizeof *fd);
  const char *tail = api_query (req, "tail");
  int sv[2];
  pthread_t t;
  pthread_attr_t attr;

  api_engine (req, &j->e);
  j->o.tail = -1;
  if (api_query_bool (req, "follow", false, &j->o.follow, err) < 0
      || api_query_bool (req, "stdout", false, &j->out, err) < 0
      || api_query_bool (req, "stderr", false, &j->err, err) < 0
      || api_query_bool (req, "timestamps", false, &j->stamps, err) < 0
      || time_arg (req, "since", &j->o.since, err) < 0 || time_arg (req, "until", &j->o.until, err) < 0)
    return -1;
  if (tail != NULL && *tail != '\0' && strcmp (tail, "all") != 0)
    {
      char *end;
      j->o.tail = strtoll (tail, &end, 10);
      if (*end != '\0' || j->o.tail < 0)
        return galley_error_kind (err, EINVAL, "invalid value \"%.64s\" of query argument tail", tail);
    }
  if (! j->out && ! j->err)
    return galley_error_kind (err, EINVAL, "Bad parameters: you must choose at least one stream");
  if (api_container_find (req, &j->c, err) < 0)
    return -1;
  if (j->c.config.log_driver != NULL && strcmp (j->c.config.log_driver, "none") == 0)
    return galley_error_kind (err, ENOTSUP, "configured logging driver does not support reading");
  j->raw = j->c.config.tty;
  if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
    return galley_error_make (err, errno, "socketpair");
  j->fd = sv[1];
  pthread_attr_init (&attr);
  pthread_attr_setdetachstate (&attr, PTHREAD_CREATE_DETACHED);
  errno = pthread_create (&t, &attr, logs_thread, j);
  pthread_attr_destroy (&attr);
  if (errno != 0)
    {
      close (sv[0]);
      close (sv[1]);
      return galley_error_make (err, errno, "starting the log reader");
    }
  reply->content_type =
      j->raw ? "application/vnd.docker.raw-stream" : "application/vnd.docker.multiplexed-stream";
  j = NULL; /* the thread's */
  *fd = sv[0];
  reply->status = 200;
  reply->stream = fd_read;
  reply->stream_data = steal_pointer (&fd);
  reply->stream_free = fd_free;
  return 0;
}

/* ---- attach ---- */

/* The container's output as it comes, from its log file: opened (made,
 * for a container that never ran) when the client attaches, so that a
 * container that starts, writes and is removed (--rm) before the client
 * could look loses nothing.  The stream ends when the container has
 * exited (or is gone) and the file is read to its end, or when the
 * client leaves.  */
#define ATTACH_BUF (4 * (LOG_RELAY_LINE_MAX + 128)) /* records of the longest lines, with their stamps */
#define ATTACH_POLL_MS 10

struct attach_job
{
  const struct galley_paths *paths;
  char *id;
  int log_fd;
  bool out, err, raw;
  char buf[ATTACH_BUF];
  size_t used;
};

static void
attach_free (void *data)
{
  struct attach_job *a = data;

  if (a->log_fd >= 0)
    close (a->log_fd);
  free (a->id);
  free (a);
}

/* Send what the log holds beyond what was sent: -1 when the client is
 * gone.  */
static int
attach_pass (struct attach_job *a, int sock)
{
  for (;;)
    {
      ssize_t r = read (a->log_fd, a->buf + a->used, sizeof a->buf - a->used);
      size_t start = 0;
      char *nl;

      if (r < 0 && errno == EINTR)
        continue;
      if (r <= 0)
        return 0;
      a->used += (size_t)r;
      while ((nl = memchr (a->buf + start, '\n', a->used - start)) != NULL)
        {
          struct log_record rec;
          size_t l = (size_t)(nl - (a->buf + start));
          if (log_parse_record (a->buf + start, l, &rec) == 0 && (rec.is_stderr ? a->err : a->out)
              && send_record (sock, &rec, a->raw, false) < 0)
            return -1;
          start += l + 1;
        }
      if (start == 0 && a->used == sizeof a->buf)
        start = a->used; /* no record is that long: drop it */
      memmove (a->buf, a->buf + start, a->used - start);
      a->used -= start;
    }
}

/* The client left (anything it sends is input the container does not
 * take: dropped).  */
static bool
client_gone (int sock)
{
  struct pollfd p = { .fd = sock, .events = POLLIN };
  char drop[512];

  while (poll (&p, 1, 0) > 0)
    {
      ssize_t n;
      if (p.revents & (POLLHUP | POLLERR))
        return true;
      n = recv (sock, drop, sizeof drop, MSG_DONTWAIT);
      if (n <= 0)
        return false; /* a half-close: it still reads */
    }
  return false;
}

static void
attach_run (void *data, int sock, const char *extra, size_t extra_len)
{
  struct attach_job *a = data;
  const struct timespec pause = { 0, ATTACH_POLL_MS * 1000000L };

  (void)extra;
  (void)extra_len;
  for (;;)
    {
      galley_error_t ignore = NULL;
      struct container_state st;
      bool done;

      if (attach_pass (a, sock) < 0 || client_gone (sock))
        return;
      /* the state after the pass: a last pass reads what came before */
      done = container_state_read (a->paths, a->id, &st, &ignore) < 0 || st.status == CONTAINER_STATUS_EXITED;
      galley_error_release (&ignore);
      if (done)
        {
          attach_pass (a, sock);
          return;
        }
      nanosleep (&pause, NULL);
    }
}

int
api_containers_attach (const struct api_request *req, struct api_reply *reply, galley_error_t *err)
{
  _cleanup_container_entry_ struct container_entry c = { 0 };
  _cleanup_free_ char *dir = NULL;
  struct container_log_config log = { 0 };
  struct attach_job *a;
  bool in = false, logs = false;

  a = xcalloc (1, sizeof *a);
  a->log_fd = -1;
  reply->stream_data = a;
  reply->stream_free = attach_free;
  if (api_query_bool (req, "stdin", false, &in, err) < 0
      || api_query_bool (req, "stdout", false, &a->out, err) < 0
      || api_query_bool (req, "stderr", false, &a->err, err) < 0
      || api_query_bool (req, "logs", false, &logs, err) < 0 || api_container_find (req, &c, err) < 0)
    return -1;
  if (in)
    return galley_error_kind (err, ENOTSUP, "attaching stdin is not supported by galley's service yet");
  if (c.state.status == CONTAINER_STATUS_EXITED)
    return galley_error_kind (err, EBUSY, "You cannot attach to a stopped container, start it first");
  dir = container_dir (req->ctx->paths, c.id);
  if (dir == NULL)
    return galley_error_make (err, errno, "allocating");
  if (container_log_config (&c.config, dir, &log, err) < 0)
    return -1;
  if (log.path == NULL)
    return galley_error_kind (err, ENOTSUP,
                              "attaching to a container with the none log driver is not supported");
  a->log_fd = container_log_open_read (log.path, err);
  free (log.path);
  if (a->log_fd < 0)
    return -1;
  if (! logs && lseek (a->log_fd, 0, SEEK_END) < 0)
    return galley_error_make (err, errno, "reading the log");
  a->paths = req->ctx->paths;
  a->id = steal_pointer (&c.id);
  a->raw = c.config.tty;
  reply->status = 101;
  reply->content_type =
      a->raw ? "application/vnd.docker.raw-stream" : "application/vnd.docker.multiplexed-stream";
  reply->upgrade = attach_run;
  return 0;
}
