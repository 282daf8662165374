/* The service's server (server.h): libmicrohttpd in, endpoints through the
 * router, replies out, and the idle timer.
 *
 * Endpoints run one at a time under engine_lock: the layers below were
 * written for one command per process, and the store's own locks are what
 * keep the service and concurrent CLI commands consistent.  A streamed
 * reply (logs -f, wait, events) is produced after its endpoint returned,
 * outside the lock, so that a long stream never holds up other clients.  */
#include "config.h"
#include "api/server.h"

#include <errno.h>
#include <microhttpd.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "api/api.h"
#include "api/listen.h"
#include "api/router.h"
#include "util/cleanup.h"
#include "util/log.h"

/* Headers bound: libmicrohttpd refuses a request whose header block does
 * not fit in a connection's memory pool.  */
#define CONNECTION_MEMORY (64 * 1024)
#define CONNECTION_LIMIT 256
#define STREAM_BLOCK (32 * 1024)

struct server
{
  struct api_context ctx;
  pthread_mutex_t lock; /* guards active and last_active */
  unsigned active;      /* requests in progress, streams included */
  struct timespec last_active;
  int wake_fd; /* eventfd: activity changed, or a signal came */
  pthread_mutex_t engine_lock;
};

/* One request in progress: its body as it arrives.  */
struct pending
{
  char *body;
  size_t len;
  bool too_large;
};

static volatile sig_atomic_t stop_signal;
static int signal_wake_fd = -1;

static void
on_signal (int sig)
{
  uint64_t one = 1;
  int saved = errno;

  stop_signal = sig;
  if (write (signal_wake_fd, &one, sizeof one) < 0)
    (void)0; /* the main loop wakes on its own timeout anyway */
  errno = saved;
}

static void
wake (struct server *s)
{
  uint64_t one = 1;

  if (write (s->wake_fd, &one, sizeof one) < 0)
    log_debug ("waking the service's main loop: %s", strerror (errno));
}

static void
activity (struct server *s, int delta)
{
  pthread_mutex_lock (&s->lock);
  s->active += delta;
  clock_gettime (CLOCK_MONOTONIC, &s->last_active);
  pthread_mutex_unlock (&s->lock);
  wake (s);
}

static const char *
lookup (void *conn, enum api_lookup_kind kind, const char *key)
{
  return MHD_lookup_connection_value (
      conn, kind == API_LOOKUP_QUERY ? MHD_GET_ARGUMENT_KIND : MHD_HEADER_KIND, key);
}

/* Route and run one complete request.  */
static void
dispatch (struct server *s, struct MHD_Connection *c, const char *url, const char *method, struct pending *p,
          struct api_reply *reply)
{
  _cleanup_error_ galley_error_t err = NULL;
  struct api_request req = { .ctx = &s->ctx, .method = method, .lookup = lookup, .conn = c };
  struct api_match m;
  enum api_match_result found;
  int ret;

  if (p->too_large)
    return api_reply_error (reply, 413, "request body is larger than the 1 MiB the service accepts");
  if (api_route_version (url, &req.version_minor, &req.path, &err) < 0)
    return api_reply_error (reply, api_error_status (&err), err->msg);
  found = api_route_match (api_routes, api_n_routes, method, req.path, &m);
  if (found != API_MATCH_FOUND)
    {
      api_match_release (&m);
      if (found == API_MATCH_BAD_METHOD)
        return api_reply_error (reply, 405, "method not allowed");
      return api_reply_error (reply, 404, "page not found");
    }
  memcpy (req.param, m.param, sizeof req.param);
  req.body = p->body != NULL ? p->body : "";
  req.body_len = p->len;
  pthread_mutex_lock (&s->engine_lock);
  ret = m.route->handler (&req, reply, &err);
  pthread_mutex_unlock (&s->engine_lock);
  if (ret < 0)
    {
      api_reply_release (reply);
      api_reply_error (reply, api_error_status (&err), err != NULL ? err->msg : "internal error");
    }
  api_match_release (&m);
}

struct stream
{
  api_stream_fn fn;
  void *data;
  void (*free) (void *data);
};

static ssize_t
stream_read (void *cls, uint64_t pos, char *buf, size_t max)
{
  struct stream *st = cls;
  size_t n = 0;

  for (;;)
    {
      int ret = st->fn (st->data, buf, max, &n);
      if (ret < 0)
        return MHD_CONTENT_READER_END_WITH_ERROR;
      if (n > 0)
        return (ssize_t)n;
      if (ret == 0)
        return MHD_CONTENT_READER_END_OF_STREAM;
    }
}

static void
stream_free (void *cls)
{
  struct stream *st = cls;

  if (st->free != NULL)
    st->free (st->data);
  free (st);
}

/* A hijacked connection: its upgrade function, and the server whose
 * idle timer it holds off while it runs.  */
struct hijack
{
  struct server *s;
  api_upgrade_fn fn;
  void *data;
  void (*free) (void *data);
};

static void
on_upgraded (void *cls, struct MHD_Connection *c, void *con_cls, const char *extra, size_t extra_len,
             MHD_socket sock, struct MHD_UpgradeResponseHandle *urh)
{
  struct hijack *h = cls;

  activity (h->s, +1);
  h->fn (h->data, sock, extra, extra_len);
  MHD_upgrade_action (urh, MHD_UPGRADE_ACTION_CLOSE);
  if (h->free != NULL)
    h->free (h->data);
  activity (h->s, -1);
  free (h);
}

static struct MHD_Response *
upgrade_response (struct server *s, struct api_reply *reply)
{
  struct MHD_Response *r;
  struct hijack *h = calloc (1, sizeof *h);

  if (h == NULL)
    return NULL;
  *h = (struct hijack){ s, reply->upgrade, steal_pointer (&reply->stream_data), reply->stream_free };
  reply->stream_free = NULL;
  r = MHD_create_response_for_upgrade (on_upgraded, h);
  if (r == NULL)
    {
      if (h->free != NULL)
        h->free (h->data);
      free (h);
      return NULL;
    }
  /* h is freed once its connection is done with it (on_upgraded) */
  MHD_add_response_header (r, "Upgrade", "tcp");
  MHD_add_response_header (r, "Connection", "Upgrade");
  return r;
}

static enum MHD_Result
send_reply (struct server *s, struct MHD_Connection *c, struct api_reply *reply)
{
  struct MHD_Response *r;
  enum MHD_Result ret;
  size_t i;

  if (reply->upgrade != NULL)
    r = upgrade_response (s, reply);
  else if (reply->stream != NULL)
    {
      struct stream *st = calloc (1, sizeof *st);
      if (st == NULL)
        return MHD_NO;
      st->fn = reply->stream;
      st->data = steal_pointer (&reply->stream_data);
      st->free = reply->stream_free;
      reply->stream_free = NULL;
      r = MHD_create_response_from_callback (MHD_SIZE_UNKNOWN, STREAM_BLOCK, stream_read, st, stream_free);
      if (r == NULL)
        stream_free (st);
    }
  else
    {
      r = MHD_create_response_from_buffer (reply->len, reply->body, MHD_RESPMEM_MUST_FREE);
      if (r != NULL)
        reply->body = NULL; /* libmicrohttpd frees it */
    }
  if (r == NULL)
    {
      api_reply_release (reply);
      return MHD_NO;
    }
  MHD_add_response_header (r, "Api-Version", API_VERSION);
  MHD_add_response_header (r, "Server", "Galley/" PACKAGE_VERSION " (linux)");
  MHD_add_response_header (r, "Ostype", "linux");
  if (reply->content_type != NULL)
    MHD_add_response_header (r, "Content-Type", reply->content_type);
  for (i = 0; i < 2 * API_MAX_REPLY_HEADERS && reply->header[i] != NULL; i += 2)
    MHD_add_response_header (r, reply->header[i], reply->header[i + 1]);
  ret = MHD_queue_response (c, reply->status, r);
  MHD_destroy_response (r);
  api_reply_release (reply);
  return ret;
}

static enum MHD_Result
on_request (void *cls, struct MHD_Connection *c, const char *url, const char *method, const char *version,
            const char *upload, size_t *upload_size, void **con_cls)
{
  struct server *s = cls;
  struct pending *p = *con_cls;
  struct api_reply reply = { .status = 500 };

  if (p == NULL)
    {
      p = calloc (1, sizeof *p);
      if (p == NULL)
        return MHD_NO;
      *con_cls = p;
      activity (s, +1);
      return MHD_YES;
    }
  if (*upload_size > 0)
    {
      if (! p->too_large && p->len + *upload_size <= API_BODY_MAX)
        {
          char *grown = realloc (p->body, p->len + *upload_size + 1);
          if (grown == NULL)
            return MHD_NO;
          p->body = grown;
          memcpy (p->body + p->len, upload, *upload_size);
          p->len += *upload_size;
          p->body[p->len] = '\0';
        }
      else
        {
          p->too_large = true;
          free (p->body);
          p->body = NULL;
          p->len = 0;
        }
      *upload_size = 0;
      return MHD_YES;
    }
  dispatch (s, c, url, method, p, &reply);
  log_debug ("%s %s: %u", method, url, reply.status);
  return send_reply (s, c, &reply);
}

static void
on_completed (void *cls, struct MHD_Connection *c, void **con_cls, enum MHD_RequestTerminationCode toe)
{
  struct server *s = cls;
  struct pending *p = *con_cls;

  if (p == NULL)
    return;
  free (p->body);
  free (p);
  *con_cls = NULL;
  activity (s, -1);
}

/* Milliseconds until the service has been idle long enough (0: now), or
 * -1 to wait without a timeout.  */
static int
idle_timeout_ms (struct server *s, unsigned idle_seconds)
{
  struct timespec now;
  long long left;
  int ms = -1;

  pthread_mutex_lock (&s->lock);
  if (idle_seconds > 0 && s->active == 0)
    {
      clock_gettime (CLOCK_MONOTONIC, &now);
      left = (long long)(s->last_active.tv_sec + idle_seconds - now.tv_sec) * 1000
             + (s->last_active.tv_nsec - now.tv_nsec) / 1000000;
      ms = left <= 0 ? 0 : left > 60000 ? 60000 : (int)left;
    }
  pthread_mutex_unlock (&s->lock);
  return ms;
}

static int
serve_until_idle (struct server *s, unsigned idle_seconds)
{
  struct pollfd pfd = { .fd = s->wake_fd, .events = POLLIN };
  uint64_t count;

  for (;;)
    {
      int ms = idle_timeout_ms (s, idle_seconds);
      if (ms == 0 || stop_signal != 0)
        break;
      if (poll (&pfd, 1, ms) < 0 && errno != EINTR)
        return -1;
      if (pfd.revents & POLLIN)
        {
          if (read (s->wake_fd, &count, sizeof count) < 0 && errno != EAGAIN)
            return -1;
        }
    }
  return 0;
}

static void
catch_stop_signals (void)
{
  struct sigaction sa = { .sa_handler = on_signal };

  sigemptyset (&sa.sa_mask);
  sigaction (SIGTERM, &sa, NULL);
  sigaction (SIGINT, &sa, NULL);
  sigaction (SIGHUP, &sa, NULL);
}

int
api_serve (const struct api_service_options *o, galley_error_t *err)
{
  /* Static: connection threads may outlive this function when a signal
   * ends the service during a stream.  */
  static struct server s;
  struct api_listener l = { .fd = -1 };
  _cleanup_free_ char *default_path = NULL;
  struct MHD_Daemon *d;
  unsigned flags =
      MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION | MHD_USE_POLL | MHD_ALLOW_UPGRADE;
  int inherited = o->uri == NULL ? api_listen_inherit (&l, err) : 0, ret = 0;

  if (inherited < 0)
    return -1;
  if (inherited == 0)
    {
      default_path = api_listen_default_path (o->paths->runroot);
      if (api_listen_open (o->uri, default_path, o->paths->uid, &l, err) < 0)
        return -1;
    }
  if (l.kind == API_LISTEN_TCP)
    log_warn ("Using the galley API service with TCP sockets is not recommended: anyone who can reach %s "
              "can run containers as you, without authentication",
              l.address);
  s.ctx.paths = o->paths;
  s.ctx.config = o->config;
  s.wake_fd = eventfd (0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (s.wake_fd < 0)
    {
      api_listener_close (&l);
      return galley_error_make (err, errno, "eventfd");
    }
  signal_wake_fd = s.wake_fd;
  pthread_mutex_init (&s.lock, NULL);
  pthread_mutex_init (&s.engine_lock, NULL);
  clock_gettime (CLOCK_MONOTONIC, &s.last_active);
  catch_stop_signals ();

  d = MHD_start_daemon (flags, 0, NULL, NULL, on_request, &s, MHD_OPTION_LISTEN_SOCKET, l.fd,
                        MHD_OPTION_NOTIFY_COMPLETED, on_completed, &s, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
                        (size_t)CONNECTION_MEMORY, MHD_OPTION_CONNECTION_LIMIT, (unsigned)CONNECTION_LIMIT,
                        MHD_OPTION_END);
  if (d == NULL)
    ret = galley_error_make (err, 0, "starting the HTTP server on %s", l.address);
  else
    {
      log_info ("API service listening on %s", l.address);
      if (serve_until_idle (&s, o->idle_seconds) < 0)
        ret = galley_error_make (err, errno, "waiting for requests");
      /* Stopping joins every connection's thread: skip it when a stream is
       * still going (a signal came), the process ends them by exiting.  */
      pthread_mutex_lock (&s.lock);
      if (s.active == 0)
        {
          pthread_mutex_unlock (&s.lock);
          MHD_stop_daemon (d);
        }
      else
        pthread_mutex_unlock (&s.lock);
    }
  api_listener_close (&l);
  return ret;
}
